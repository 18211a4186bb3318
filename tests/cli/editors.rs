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
    let o = build_with(
        site.path(),
        &out,
        &["--base-url", "https://test.example.no"],
    );
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

#[test]
fn old_addresses_send_readers_on_and_become_nginx_rules() {
    let site = copy_site("basic");
    let out = site.path().join("out");
    let o = build(site.path(), &out);
    assert!(o.status.success(), "{:?}", text(&o));
    let page = read(&out, "nyheter/avtalen-er-signert/index.html");
    for part in [
        "<html lang=\"nn\">",
        "<title>Sida har flytta – Testnettsted</title>",
        "<link rel=\"canonical\" href=\"https://test.example.no/artikler/nyhet/\">",
        "<meta http-equiv=\"refresh\" content=\"0; url=/artikler/nyhet/\">",
        "<meta name=\"robots\" content=\"noindex\">",
        "<a href=\"/artikler/nyhet/\">Ei nyheit</a>",
    ] {
        assert!(page.contains(part), "{part} in\n{page}");
    }
    // An actor's page is in the site's language; an old address may end in .html.
    assert!(
        read(&out, "aktorer/kommunesektorens-organisasjon/index.html")
            .contains("<a href=\"/aktorer/ks/\">KS</a>")
    );
    assert!(read(&out, "avtaler/samarbeid.html").contains("url=/initiativ/avtale/"));
    assert_eq!(
        read(&out, ".mandat-redirects.conf")
            .lines()
            .filter(|l| !l.starts_with('#'))
            .collect::<Vec<_>>(),
        [
            "location = \"/aktorer/kommunesektorens-organisasjon/\" { return 301 \"/aktorer/ks/\"; }",
            "location = \"/aktorer/kommunesektorens-organisasjon\" { return 301 \"/aktorer/ks/\"; }",
            "location = \"/avtaler/samarbeid.html\" { return 301 \"/initiativ/avtale/\"; }",
            "location = \"/nyheter/avtalen-er-signert/\" { return 301 \"/artikler/nyhet/\"; }",
            "location = \"/nyheter/avtalen-er-signert\" { return 301 \"/artikler/nyhet/\"; }",
        ]
    );
    // Old addresses are not pages: not in the sitemap, not counted.
    assert!(!read(&out, "sitemap.xml").contains("avtalen-er-signert"));
    assert!(text(&o).0.starts_with("built 23 pages"), "{:?}", text(&o));

    // Below a base path, both sides of each rule carry it.
    let o = build_with(
        site.path(),
        &out,
        &["--base-url", "https://example.no/politikk/"],
    );
    assert!(o.status.success(), "{:?}", text(&o));
    assert!(read(&out, ".mandat-redirects.conf").contains(
        "location = \"/politikk/avtaler/samarbeid.html\" { return 301 \"/politikk/initiativ/avtale/\"; }"
    ));
    assert!(read(&out, "avtaler/samarbeid.html").contains("url=/politikk/initiativ/avtale/"));
}

#[test]
fn old_addresses_belong_to_the_current_site_only() {
    let site = copy_site("basic");
    let root = site.path().to_str().unwrap();
    let o = mandat(&["release", "2024", "--root", root, "--date", "2024-06-01"]);
    assert!(o.status.success(), "{:?}", text(&o));
    let out = site.path().join("out");
    let o = build(site.path(), &out);
    assert!(o.status.success(), "{:?}", text(&o));
    assert!(out.join("nyheter/avtalen-er-signert/index.html").is_file());
    assert!(out.join("v/2024/artikler/nyhet/index.html").is_file());
    assert!(!out.join("v/2024/nyheter").exists());
    assert!(!read(&out, ".mandat-redirects.conf").contains("/v/"));
}

#[test]
fn a_site_without_old_addresses_writes_rules_without_any() {
    let site = copy_site("timeline");
    let out = site.path().join("out");
    let o = build(site.path(), &out);
    assert!(o.status.success(), "{:?}", text(&o));
    let rules = read(&out, ".mandat-redirects.conf");
    assert!(rules.lines().all(|l| l.starts_with('#')), "{rules}");
}

/// The kind of record a file below a content folder is, by its path there (`pages/om.md`):
/// the schema it is checked against.
fn schema_kind(rel: &str) -> Option<&'static str> {
    let top = rel.split('/').next()?;
    match (top, rel.rsplit_once('.')?.1) {
        ("site.yaml", _) => Some("site"),
        ("actors", "yaml") => Some("actor"),
        ("initiatives", "md") => Some("initiative"),
        ("events", "yaml") => Some("event"),
        ("pages", "md") => Some("page"),
        _ => None,
    }
}

/// The YAML of a record file as JSON, as an editor's YAML support reads it: the front
/// matter of a Markdown file, the whole of a YAML file.
fn as_json(rel: &str, text: &str) -> serde_json::Value {
    let yaml = if rel.ends_with(".md") {
        mandat::load::frontmatter::split(text).unwrap().yaml
    } else {
        text
    };
    serde_yaml::from_str(yaml).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

fn validators(dir: &Path) -> std::collections::BTreeMap<&'static str, jsonschema::Validator> {
    ["site", "actor", "initiative", "page", "event"]
        .into_iter()
        .map(|kind| {
            let text = read(dir, &format!("{kind}.schema.json"));
            let schema: serde_json::Value = serde_json::from_str(&text).unwrap();
            let v = jsonschema::draft7::new(&schema).unwrap_or_else(|e| panic!("{kind}: {e}"));
            (kind, v)
        })
        .collect()
}

#[test]
fn every_file_of_the_default_site_fits_the_schemas() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("schema");
    let o = mandat(&["schema", "--out", out.to_str().unwrap()]);
    assert!(o.status.success(), "{:?}", text(&o));
    assert!(
        text(&o).0.starts_with("wrote 5 schema files into "),
        "{:?}",
        text(&o)
    );
    let validators = validators(&out);
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut checked = 0;
    let mut problems = Vec::new();
    for site in [
        "content",
        "tests/fixtures/basic/content",
        "tests/fixtures/timeline/content",
        "tests/fixtures/language/content",
    ] {
        for entry in walkdir::WalkDir::new(repo.join(site)) {
            let entry = entry.unwrap();
            if !entry.file_type().is_file() {
                continue;
            }
            // A frozen version is a content folder of its own.
            let rel = entry
                .path()
                .strip_prefix(repo.join(site))
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            let rel = match rel.strip_prefix("versions/") {
                Some(r) => r.split_once('/').map_or("", |(_, r)| r).to_owned(),
                None => rel,
            };
            let Some(kind) = schema_kind(&rel) else {
                continue;
            };
            let value = as_json(&rel, &fs::read_to_string(entry.path()).unwrap());
            for e in validators[kind].iter_errors(&value) {
                problems.push(format!("{site}/{rel}: {e} at {}", e.instance_path()));
            }
            checked += 1;
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    assert!(checked > 60, "only {checked} files checked");
}

#[test]
fn the_schemas_catch_the_mistakes_mandat_refuses() {
    let dir = tempfile::tempdir().unwrap();
    let o = mandat(&["schema", "--root", dir.path().to_str().unwrap()]);
    assert!(o.status.success(), "{:?}", text(&o));
    let validators = validators(&dir.path().join("schema"));
    let valid =
        |kind: &str, yaml: &str| validators[kind].is_valid(&serde_yaml::from_str(yaml).unwrap());
    assert!(valid(
        "page",
        "title: Om\ndate: høsten 2017\naliases: [/om-oss/]\n"
    ));
    for (kind, yaml) in [
        ("page", "titel: Om\n"),
        ("page", "title: Om\nsumary: Kort\n"),
        ("page", "title: Om\ndate: 01.09.2005\n"),
        ("page", "title: Om\nlang: no\n"),
        ("page", "title: Om\ndraft: ja\n"),
        ("site", "title: X\nbase_url: barnevern.example.no\n"),
        ("site", "title: X\nmenu:\n  - label: A\n"),
        ("site", "title: X\nlanguage_quota: 60\n"),
        ("actor", "kind: ministry\nnames: []\n"),
        ("actor", "kind: departement\nnames:\n  - name: X\n"),
        (
            "actor",
            "kind: ministry\nnames:\n  - name: X\n    fra: 2019\n",
        ),
        (
            "initiative",
            "title: X\nkind: strategi\nperiod:\n  start: 2018\n",
        ),
        (
            "initiative",
            "title: X\nkind: strategy\nperiod:\n  end: 2018\n",
        ),
        (
            "initiative",
            "title: X\nkind: strategy\nperiod:\n  start: 2018\nroles:\n  - actor: ks\n",
        ),
        ("event", "- date: 2018\n  title: X\n  aliases: [/x/]\n"),
        ("event", "- date: 2018-13\n  title: X\n"),
        ("event", "- title: X\n"),
    ] {
        assert!(!valid(kind, yaml), "{kind}: {yaml}");
        // mandat refuses the same.
        let site = copy_site("basic");
        let (rel, text) = match kind {
            "page" => ("content/pages/feil.md", format!("---\n{yaml}---\nTekst.\n")),
            "site" => ("content/site.yaml", yaml.to_owned()),
            "actor" => ("content/actors/feil.yaml", yaml.to_owned()),
            "initiative" => ("content/initiatives/feil.md", format!("---\n{yaml}---\n")),
            _ => ("content/events/feil.yaml", yaml.to_owned()),
        };
        fs::write(site.path().join(rel), text).unwrap();
        let o = mandat(&["check", "--root", site.path().to_str().unwrap()]);
        assert_eq!(o.status.code(), Some(1), "mandat accepts {kind}: {yaml}");
    }
}

#[test]
fn a_version_links_to_the_page_that_took_its_address() {
    let site = copy_site("basic");
    let root = site.path().to_str().unwrap();
    let o = mandat(&["release", "2024", "--root", root, "--date", "2024-06-01"]);
    assert!(o.status.success(), "{:?}", text(&o));
    // The article is renamed, and keeps its old address as an alias.
    let pages = site.path().join("content/pages/artikler");
    fs::rename(pages.join("nyhet.md"), pages.join("signert.md")).unwrap();
    set(
        site.path(),
        "content/pages/artikler/signert.md",
        "aliases: [/nyheter/avtalen-er-signert/]",
        "aliases: [/nyheter/avtalen-er-signert/, /artikler/nyhet/]",
    );
    set(
        site.path(),
        "content/initiatives/strategi.md",
        "../pages/artikler/nyhet.md",
        "../pages/artikler/signert.md",
    );
    let out = site.path().join("out");
    let o = build(site.path(), &out);
    assert!(o.status.success(), "{:?}", text(&o));
    assert!(read(&out, "artikler/nyhet/index.html").contains("url=/artikler/signert/"));
    // The version's banner and switcher lead to the page where it is now.
    let old = read(&out, "v/2024/artikler/nyhet/index.html");
    assert!(old.contains("<li><a href=\"/artikler/signert/\">"), "{old}");
}
