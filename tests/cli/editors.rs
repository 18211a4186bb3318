//! What helps the people who write the site: warnings that catch a mistake before
//! readers do, the edit link, old addresses that keep working, and the JSON Schema.

use std::fs;
use std::path::Path;

use crate::*;

fn set(site: &Path, rel: &str, from: &str, to: &str) {
    let path = site.join(rel);
    let text = fs::read_to_string(&path).unwrap();
    assert!(text.contains(from), "{rel} has `{from}`");
    fs::write(&path, text.replacen(from, to, 1)).unwrap();
}

const NO_BASE_URL: &str = "content/site.yaml: warning: site.yaml has no `base_url`: pages get no canonical address, and the sitemap and the feed no full addresses\nhelp: add the address the site is published at, e.g. `base_url: https://www.example.no/`, or build with --base-url\n";

#[test]
fn a_build_without_base_url_warns_unless_given_one() {
    let site = copy_site("basic");
    set(
        site.path(),
        "content/site.yaml",
        "base_url: https://test.example.no\n",
        "",
    );
    let out = site.path().join("out");
    let o = build(site.path(), &out);
    assert!(o.status.success(), "{:?}", text(&o));
    assert_eq!(text(&o).1, format!("{NO_BASE_URL}\n"));
    let o = mandat(&["check", "--root", site.path().to_str().unwrap()]);
    assert!(text(&o).1.starts_with(NO_BASE_URL), "{:?}", text(&o));
    let o = mandat(&[
        "build",
        "--root",
        site.path().to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--base-url",
        "https://test.example.no",
    ]);
    assert!(o.status.success(), "{:?}", text(&o));
    assert_eq!(text(&o).1, "");
}

#[test]
fn records_dated_after_as_of_are_named_with_the_fix() {
    let site = copy_site("basic");
    set(
        site.path(),
        "content/site.yaml",
        "as_of: 2021-06-01",
        "as_of: 2019-06",
    );
    let o = mandat(&["check", "--root", site.path().to_str().unwrap()]);
    assert!(o.status.success(), "{:?}", text(&o));
    let expected = "\
content/events/hendelser.yaml:5:9: warning: the event \"Evaluering\" is dated 2021, after `as_of: 2019-06` in content/site.yaml, the date the site describes the world at
  |
5 | - date: 2021
  |         ^^^^
  |
help: if the site is up to date to then, set `as_of: \"2021\"` (or later) in content/site.yaml; if it is planned rather than done, add `plan:` with the document that plans it and its date (docs/format.md)

content/pages/artikler/nyhet.md:3:7: warning: the page `Ei nyheit` is dated 2020-12-07, after `as_of: 2019-06` in content/site.yaml, the date the site describes the world at
  |
3 | date: 2020-12-07
  |       ^^^^^^^^^^
  |
help: if the site is up to date to then, set `as_of: \"2020-12-07\"` (or later) in content/site.yaml; else correct the date

";
    assert_eq!(text(&o).1, expected);

    // A date only partly after as_of is not after it; a plan may lie ahead.
    set(
        site.path(),
        "content/site.yaml",
        "as_of: 2019-06",
        "as_of: 2021-06",
    );
    set(
        site.path(),
        "content/events/hendelser.yaml",
        "- date: 2021\n",
        "- date: høsten 2030\n  plan:\n    source: strategien\n    date: 2021-06\n",
    );
    let o = mandat(&["check", "--root", site.path().to_str().unwrap()]);
    assert_eq!(text(&o).1, "", "{:?}", text(&o));
}

#[test]
fn pages_made_from_a_file_link_to_where_it_is_edited() {
    let site = copy_site("basic");
    let yaml = site.path().join("content/site.yaml");
    let mut text_of = fs::read_to_string(&yaml).unwrap();
    text_of.push_str("edit_url: https://github.com/org/repo/edit/main\n");
    fs::write(&yaml, text_of).unwrap();
    let out = site.path().join("out");
    let o = build(site.path(), &out);
    assert!(o.status.success(), "{:?}", text(&o));
    let link = |rel: &str| {
        let html = read(&out, rel);
        html.find("class=\"edit-link\"").map(|at| {
            let rest = &html[at..];
            rest[..rest.find("</a>").unwrap()].to_owned()
        })
    };
    let base = "class=\"edit-link\" href=\"https://github.com/org/repo/edit/main/content";
    assert_eq!(
        link("artikler/nyhet/index.html").unwrap(),
        format!("{base}/pages/artikler/nyhet.md\">Rediger denne sida")
    );
    assert_eq!(
        link("tilgjengelighet/index.html").unwrap(),
        format!("{base}/pages/tilgjengelighet.md\">Rediger denne siden")
    );
    assert_eq!(
        link("aktorer/ks/index.html").unwrap(),
        format!("{base}/actors/ks.yaml\">Rediger denne siden")
    );
    assert!(link("initiativ/strategi/index.html").is_some());
    // Lists are made from many files, or none.
    for rel in [
        "tidslinje/index.html",
        "aktorer/index.html",
        "roller/index.html",
    ] {
        assert_eq!(link(rel), None, "{rel}");
    }
}

#[test]
fn init_writes_a_site_that_builds_with_base_url_as_a_comment() {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("ny");
    assert!(mandat(&["init", site.to_str().unwrap()]).status.success());
    let yaml = read(&site, "content/site.yaml");
    assert!(yaml.contains("\n# base_url: https://"), "{yaml}");
    let o = build(&site, &site.join("output"));
    assert!(o.status.success(), "{:?}", text(&o));
    assert_eq!(text(&o).1, format!("{NO_BASE_URL}\n"));
    set(&site, "content/site.yaml", "# base_url:", "base_url:");
    let o = build(&site, &site.join("output"));
    assert_eq!(text(&o).1, "", "{:?}", text(&o));
}
