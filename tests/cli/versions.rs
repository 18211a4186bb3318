//! Versions: `mandat release`, then building the current site with its frozen versions,
//! the switcher and banner between them, and the what-changed pages.

use std::fs;
use std::path::Path;

use crate::*;

fn release(root: &Path, args: &[&str]) -> std::process::Output {
    let mut all = vec!["release"];
    all.extend_from_slice(args);
    all.extend_from_slice(&["--root", root.to_str().unwrap()]);
    mandat(&all)
}

fn edit(path: &Path, from: &str, to: &str) {
    let text = fs::read_to_string(path).unwrap();
    assert!(text.contains(from), "{} has no `{from}`", path.display());
    fs::write(path, text.replace(from, to)).unwrap();
}

/// The basic site, released as `2020`, then edited: the news page says something new,
/// one page is added and the accessibility statement removed.
fn released_and_edited() -> tempfile::TempDir {
    let site = copy_site("basic");
    let o = release(
        site.path(),
        &["2020", "--label", "Før endringene", "--date", "2020-06-01"],
    );
    let (stdout, stderr) = text(&o);
    assert!(o.status.success(), "{stderr}");
    assert!(stdout.starts_with("released version 2020 ("), "{stdout}");
    let content = site.path().join("content");
    edit(
        &content.join("pages/artikler/nyhet.md"),
        "«Dette er viktig», seier ministeren.",
        "«Dette er svært viktig», seier statsråden.",
    );
    fs::write(
        content.join("pages/artikler/ny-side.md"),
        "---\ntitle: Ei ny side\n---\nNy tekst.\n",
    )
    .unwrap();
    site
}

#[test]
fn release_then_edit_then_build() {
    let site = released_and_edited();
    let list = fs::read_to_string(site.path().join("content/versions/versions.yaml")).unwrap();
    assert!(
        list.contains("- name: '2020'\n  date: 2020-06-01\n  label: Før endringene\n"),
        "{list}"
    );
    assert!(site
        .path()
        .join("content/versions/2020/site.yaml")
        .is_file());
    assert!(!site.path().join("content/versions/2020/versions").exists());

    let out = site.path().join("out");
    let o = build(site.path(), &out);
    let (stdout, stderr) = text(&o);
    assert!(o.status.success(), "{stderr}");
    assert!(stdout.contains(" records, 1 version, in "), "{stdout}");

    // The frozen page keeps the old text; the current page has the new.
    let old = read(&out, "v/2020/artikler/nyhet/index.html");
    let new = read(&out, "artikler/nyhet/index.html");
    assert!(old.contains("«Dette er viktig», seier ministeren."));
    assert!(!old.contains("statsråden"));
    assert!(new.contains("«Dette er svært viktig», seier statsråden."));

    // The switcher links to the same page in the other version, both ways; it is in the
    // header, in the site's language (bokmål) on this nynorsk page.
    assert!(
        new.contains("<a href=\"/v/2020/artikler/nyhet/\">Versjon 2020</a>"),
        "{new}"
    );
    assert!(
        new.contains("<a href=\"/artikler/nyhet/\" aria-current=\"page\">Gjeldende versjon</a>")
    );
    assert!(old.contains("<a href=\"/artikler/nyhet/\">Gjeldende versjon</a>"));
    assert!(
        old.contains("<a href=\"/v/2020/artikler/nyhet/\" aria-current=\"page\">Versjon 2020</a>")
    );
    // The banner says which version this is and links to the current page.
    assert!(old.contains("class=\"version-banner\""));
    assert!(old.contains("<strong>Dette er versjon 2020</strong>"));
    assert!(old
        .contains("<li><a href=\"/artikler/nyhet/\">Sjå denne sida i gjeldande versjon</a></li>"));
    assert!(!new.contains("class=\"version-banner\""));

    // Links inside the version stay inside it; assets are shared.
    assert!(
        old.contains("href=\"/v/2020/initiativ/strategi/#videreutdanning\""),
        "{old}"
    );
    assert!(old.contains("src=\"/v/2020/artikler/logo.svg\""));
    assert!(out.join("v/2020/artikler/logo.svg").is_file());
    assert!(read(&out, "v/2020/tidslinje/index.html").contains("href=\"/v/2020/tidslinje/\""));
    assert!(!out.join("v/2020/assets").exists());
    assert!(!out.join("v/2020/404.html").exists());
    assert!(out.join("v/2020/data/records.json").is_file());

    // A page the version does not have: the switcher goes to the version's home.
    let added = read(&out, "artikler/ny-side/index.html");
    assert!(
        added.contains("<a href=\"/v/2020/\">Versjon 2020</a>"),
        "{added}"
    );
    assert!(!out.join("v/2020/artikler/ny-side/index.html").exists());

    // What changed since 2020: the edited text as a word diff, and the new page.
    let changes = read(&out, "endringer/index.html");
    assert!(
        changes.contains("<h1>Endringer siden versjon 2020</h1>"),
        "{changes}"
    );
    assert!(
        changes.contains(
            "<ins><span class=\"visually-hidden\">[lagt til: </span>svært <span class=\"visually-hidden\">]</span></ins>viktig»"
        ),
        "{changes}"
    );
    assert!(changes.contains(
        "<del><span class=\"visually-hidden\">[fjernet: </span>ministeren<span class=\"visually-hidden\">]</span></del>"
    ));
    assert!(changes
        .contains("[lagt til: </span>statsråden<span class=\"visually-hidden\">]</span></ins>."));
    assert!(changes.contains("<span class=\"change-what change-added\">Ny</span> <a href=\"/artikler/ny-side/\">Ei ny side</a>"), "{changes}");
    assert!(changes.contains("<span class=\"change-what change-changed\">Endret</span> <a href=\"/artikler/nyhet/\">Ei nyheit</a>"));
    // The version's own page says it is the first.
    let first = read(&out, "v/2020/endringer/index.html");
    assert!(first.contains("Dette er den første versjonen"), "{first}");

    // /v/ lists the current site and the version, with its label.
    let list = read(&out, "v/index.html");
    assert!(list.contains("<a href=\"/v/2020/\">Versjon 2020</a>"));
    assert!(list.contains("<p>Før endringene</p>"));
    assert!(list.contains("<a href=\"/\">Gjeldende versjon</a>"));
    // The sitemap lists /v/, and of the version its home and what-changed page.
    let sitemap = read(&out, "sitemap.xml");
    assert!(sitemap.contains("<loc>https://test.example.no/v/2020/</loc>"));
    assert!(sitemap.contains("<loc>https://test.example.no/v/2020/endringer/</loc>"));
    assert!(!sitemap.contains("/v/2020/artikler/"));
}

#[test]
fn a_second_release_compares_with_the_first() {
    let site = released_and_edited();
    let o = release(site.path(), &["2021", "--date", "2021-01-01"]);
    assert!(o.status.success(), "{}", text(&o).1);
    let out = site.path().join("out");
    let o = build(site.path(), &out);
    assert!(o.status.success(), "{}", text(&o).1);
    let changes = read(&out, "v/2021/endringer/index.html");
    assert!(
        changes.contains("<h1>Endringer i versjon 2021</h1>"),
        "{changes}"
    );
    assert!(changes.contains("statsråden"));
    // Nothing changed since 2021.
    assert!(read(&out, "endringer/index.html").contains("Ingenting er endret."));
    // The switcher lists the newest first.
    let page = read(&out, "index.html");
    let a = page.find(">Gjeldende versjon<").unwrap();
    let b = page.find(">Versjon 2021<").unwrap();
    let c = page.find(">Versjon 2020<").unwrap();
    assert!(a < b && b < c);
}

/// A text is compared as readers see it: Markdown written differently that reads the
/// same (a paragraph wrapped anew, `_` for `*`) is no change, and a word changed is one.
#[test]
fn markdown_rewritten_to_read_the_same_is_no_change() {
    let site = copy_site("basic");
    assert!(release(site.path(), &["2020"]).status.success());
    let page = site.path().join("content/pages/artikler/nyhet.md");
    edit(
        &page,
        "«Dette er viktig», seier ministeren. Sjå",
        "«Dette er viktig»,\nseier ministeren.   Sjå",
    );
    edit(
        &page,
        "*Solnedgang over åsane. Foto: Redaksjonen*",
        "_Solnedgang over åsane. Foto: Redaksjonen_",
    );
    let out = site.path().join("out");
    let o = build(site.path(), &out);
    assert!(o.status.success(), "{}", text(&o).1);
    let changes = read(&out, "endringer/index.html");
    assert!(changes.contains("Ingenting er endret."), "{changes}");

    edit(&page, "Foto: Redaksjonen", "Foto: Desken");
    let o = build(site.path(), &out);
    assert!(o.status.success(), "{}", text(&o).1);
    let changes = read(&out, "endringer/index.html");
    assert!(!changes.contains("Ingenting er endret."), "{changes}");
    assert!(changes.contains("<span class=\"change-what change-changed\">Endret</span> <a href=\"/artikler/nyhet/\">Ei nyheit</a>"), "{changes}");
    assert!(changes.contains("Desken"), "{changes}");
}

#[test]
fn bad_names_are_refused() {
    let site = copy_site("basic");
    assert!(release(site.path(), &["2020"]).status.success());
    let before = tree(&site.path().join("content"));
    for (name, says) in [
        ("", "the version name is empty"),
        ("../x", "`../x` cannot be a version name"),
        ("a/b", "`a/b` cannot be a version name"),
        (".hidden", "`.hidden` cannot be a version name"),
        ("2020", "the version `2020` already exists"),
    ] {
        let o = release(site.path(), &[name]);
        let (_, stderr) = text(&o);
        assert_eq!(o.status.code(), Some(2), "{name}: {stderr}");
        assert!(stderr.contains(says), "{name}: {stderr}");
    }
    assert_eq!(
        tree(&site.path().join("content")),
        before,
        "nothing was written"
    );
    assert!(!site.path().join("x").exists());
}

#[test]
fn a_site_that_does_not_build_is_not_released() {
    let site = copy_site("basic");
    edit(
        &site.path().join("content/initiatives/strategi.md"),
        "owner: dep",
        "owner: depp",
    );
    let o = release(site.path(), &["2020"]);
    let (_, stderr) = text(&o);
    assert_eq!(o.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("content/initiatives/strategi.md:"),
        "{stderr}"
    );
    assert!(stderr.contains("nothing was released"), "{stderr}");
    assert!(!site.path().join("content/versions").exists());
}

#[test]
fn errors_in_a_version_name_its_own_files() {
    let site = copy_site("basic");
    assert!(release(site.path(), &["2020"]).status.success());
    edit(
        &site
            .path()
            .join("content/versions/2020/initiatives/strategi.md"),
        "owner: dep",
        "owner: depp",
    );
    let out = site.path().join("out");
    let o = build(site.path(), &out);
    let (_, stderr) = text(&o);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr.contains("content/versions/2020/initiatives/strategi.md:"),
        "{stderr}"
    );
    assert!(!out.exists());
}

#[test]
fn the_list_and_the_folders_must_agree() {
    let site = copy_site("basic");
    assert!(release(site.path(), &["2020"]).status.success());
    let versions = site.path().join("content/versions");
    copy_dir(&versions.join("2020"), &versions.join("stray"));
    let o = mandat(&["check", "--root", site.path().to_str().unwrap()]);
    let (_, stderr) = text(&o);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr.contains("content/versions/stray/: error: the folder is not listed in content/versions/versions.yaml"), "{stderr}");
    fs::remove_dir_all(versions.join("stray")).unwrap();
    fs::remove_dir_all(versions.join("2020")).unwrap();
    let o = mandat(&["check", "--root", site.path().to_str().unwrap()]);
    let (_, stderr) = text(&o);
    assert!(stderr.contains("content/versions/versions.yaml:3:10: error: the version `2020` has no folder content/versions/2020/"), "{stderr}");
}

#[test]
fn builds_with_versions_are_byte_identical() {
    let site = released_and_edited();
    let (a, b) = (site.path().join("a"), site.path().join("b"));
    assert!(build(site.path(), &a).status.success());
    assert!(build(site.path(), &b).status.success());
    assert_eq!(tree(&a), tree(&b));
}

#[test]
fn a_nynorsk_site_gets_nynorsk_addresses_and_can_link_to_its_versions() {
    let site = copy_site("basic");
    let content = site.path().join("content");
    edit(&content.join("site.yaml"), "language: nb", "language: nn");
    edit(
        &content.join("site.yaml"),
        "url: /tidslinje/",
        "url: /tidsline/",
    );
    edit(
        &content.join("events/hendelser.yaml"),
        "(/tidslinje/)",
        "(/tidsline/)",
    );
    assert!(release(site.path(), &["2020"]).status.success());
    edit(
        &content.join("site.yaml"),
        "menu:\n",
        "menu:\n  - label: Versjonar\n    url: /v/\n",
    );
    let out = site.path().join("out");
    let o = build(site.path(), &out);
    assert!(o.status.success(), "{}", text(&o).1);
    let changes = read(&out, "endringar/index.html");
    assert!(
        changes.contains("<h1>Endringar sidan versjon 2020</h1>"),
        "{changes}"
    );
    assert!(
        changes.contains("<a href=\"/v/\">Versjonar</a>"),
        "the menu links to /v/"
    );
    assert!(read(&out, "v/2020/endringar/index.html").contains("<h1>Endringar i versjon 2020</h1>"));
    assert!(read(&out, "v/2020/index.html").contains("href=\"/v/2020/tidsline/\""));
}

#[test]
fn addresses_below_v_belong_to_the_versions() {
    let site = copy_site("basic");
    assert!(release(site.path(), &["2020"]).status.success());
    let check = || text(&mandat(&["check", "--root", site.path().to_str().unwrap()])).1;
    let folder = site.path().join("content/pages/v");
    fs::create_dir_all(folder.join("2020")).unwrap();
    fs::write(folder.join("2020/logo.svg"), "<svg/>").unwrap();
    assert!(
        check().starts_with("content/pages/v/2020/logo.svg: error: this would be published at /v/2020/logo.svg, but the addresses below /v/ belong to the site's versions"),
        "{}",
        check()
    );
    fs::write(folder.join("side.md"), "---\ntitle: Kollisjon\n---\n").unwrap();
    assert!(
        check().contains("content/pages/v/: error: this file would be published at /v/, the address of the list of versions"),
        "{}",
        check()
    );
}
