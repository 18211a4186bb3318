//! The engine's rebuilds after each kind of edit give exactly what a full build gives,
//! and the open pages are told the right thing.

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

use serde_json::json;

use super::engine::{Content, Engine, Reload, Site};
use crate::config::resolve_paths;

fn engine(root: &Path) -> Engine {
    let paths = resolve_paths(Some(root), None, Some("http://127.0.0.1:1".into()));
    Engine::new(paths, json!({ "live_reload": "/__mandat/reload.js" }))
}

fn copy_fixture(to: &Path) {
    let from = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/basic");
    for entry in walkdir::WalkDir::new(&from) {
        let entry = entry.unwrap();
        let target = to.join(entry.path().strip_prefix(&from).unwrap());
        if entry.file_type().is_dir() {
            fs::create_dir_all(&target).unwrap();
        } else {
            fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// Asserts that `site` has the same files, with the same bytes, as a fresh full build.
fn assert_matches_full_build(site: &Site, root: &Path, step: &str) {
    let full = engine(root).rebuild(None).unwrap().site;
    let mut a: Vec<&String> = site.files.keys().collect();
    let mut b: Vec<&String> = full.files.keys().collect();
    a.sort();
    b.sort();
    assert_eq!(a, b, "{step}: the same files");
    for (path, content) in &full.files {
        let same = match (site.files.get(path), content) {
            (Some(Content::Bytes(x)), Content::Bytes(y)) => x == y,
            (Some(x), y) => x == y,
            (None, _) => false,
        };
        if !same {
            let text = |c: Option<&Content>| match c {
                Some(Content::Bytes(b)) => String::from_utf8_lossy(b).into_owned(),
                _ => String::new(),
            };
            panic!(
                "{step}: {path} differs from a full build\n--- incremental\n{}\n--- full\n{}",
                text(site.files.get(path)),
                text(Some(content))
            );
        }
    }
}

struct Site1 {
    _dir: tempfile::TempDir,
    root: PathBuf,
    engine: Engine,
}

impl Site1 {
    fn new() -> Site1 {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().to_path_buf();
        copy_fixture(&root);
        let mut engine = engine(&root);
        engine.rebuild(None).unwrap();
        Site1 {
            _dir: dir,
            root,
            engine,
        }
    }

    fn path(&self, rel: &str) -> PathBuf {
        self.root.join(rel)
    }

    /// Changes one file with `edit` and rebuilds after it.
    fn edit(&mut self, rel: &str, edit: impl FnOnce(String) -> String) -> super::engine::Built {
        let path = self.path(rel);
        let text = fs::read_to_string(&path).unwrap_or_default();
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent).unwrap();
        }
        fs::write(&path, edit(text)).unwrap();
        self.rebuild(&[rel])
    }

    fn rebuild(&mut self, rels: &[&str]) -> super::engine::Built {
        let changed: BTreeSet<PathBuf> = rels.iter().map(|r| self.path(r)).collect();
        match self.engine.rebuild(Some(&changed)) {
            Ok(b) => b,
            Err(e) => panic!("{rels:?}: {:?}", e.diagnostics()),
        }
    }
}

#[test]
fn every_kind_of_edit_gives_what_a_full_build_gives() {
    let mut s = Site1::new();
    let nyhet = "content/pages/artikler/nyhet.md";
    type Edit = Box<dyn FnOnce(String) -> String>;
    let steps: Vec<(&str, &str, Edit)> = vec![
        (
            "page text",
            nyhet,
            Box::new(|t| t.replace("viktig", "svært viktig")),
        ),
        (
            "page heading",
            nyhet,
            Box::new(|t| format!("{t}\n## Ny del\n\nMeir tekst.\n")),
        ),
        (
            "page title",
            nyhet,
            Box::new(|t| t.replace("title: Ei nyheit", "title: Ei ny nyheit")),
        ),
        (
            "page date",
            nyhet,
            Box::new(|t| t.replace("date: 2020-12-07", "date: 2019-01-02")),
        ),
        (
            "page tags",
            nyhet,
            Box::new(|t| t.replace("tags: [tillit, Kompetanse]", "tags: [tillit, nytt]")),
        ),
        (
            "home text",
            "content/pages/_index.md",
            Box::new(|t| t.replace("innhold", "mer innhold")),
        ),
        (
            "section title",
            "content/pages/artikler/_index.md",
            Box::new(|t| t.replace("title: Artikler", "title: Saker")),
        ),
        (
            "section text",
            "content/pages/artikler/_index.md",
            Box::new(|t| format!("{t}Alle sakene.\n")),
        ),
        (
            "initiative text",
            "content/initiatives/strategi.md",
            Box::new(|t| t.replace("## Bakgrunn", "## Historikk")),
        ),
        (
            "initiative title",
            "content/initiatives/avtale.md",
            Box::new(|t| {
                t.replace(
                    "title: Avtale om samarbeid",
                    "title: Avtale om tett samarbeid",
                )
            }),
        ),
        (
            "actor name",
            "content/actors/ks.yaml",
            Box::new(|t| t.replace("name: KS", "name: KS (kommunene)")),
        ),
        (
            "events",
            "content/events/hendelser.yaml",
            Box::new(|t| t.replace("title: Evaluering", "title: Ny evaluering")),
        ),
        (
            "new page",
            "content/pages/artikler/ny.md",
            Box::new(|_| "---\ntitle: Ny\ndate: 2021-01-01\ntags: [tillit]\n---\nTekst.\n".into()),
        ),
        (
            "site settings",
            "content/site.yaml",
            Box::new(|t| t.replace("title: Testnettsted", "title: Prøvenettsted")),
        ),
        (
            "template",
            "themes/default/templates/page.html",
            Box::new(|_| {
                let page = crate::render::theme::DEFAULT_THEME
                    .iter()
                    .find(|(p, _)| *p == "templates/page.html")
                    .unwrap()
                    .1;
                String::from_utf8_lossy(page).replace(
                    "{% block content %}",
                    "{% block content %}<p>Mal endret</p>",
                )
            }),
        ),
        (
            "stylesheet",
            "themes/default/static/style.css",
            Box::new(|_| "body { color: #111; }\n".into()),
        ),
        (
            "asset",
            "content/pages/artikler/logo.svg",
            Box::new(|t| t.replace("10", "12")),
        ),
    ];
    for (step, rel, edit) in steps {
        let built = s.edit(rel, edit);
        assert_matches_full_build(&built.site, &s.root, step);
    }
    fs::rename(
        s.path("content/pages/artikler/ny.md"),
        s.path("content/pages/artikler/nyare.md"),
    )
    .unwrap();
    let built = s.rebuild(&[
        "content/pages/artikler/ny.md",
        "content/pages/artikler/nyare.md",
    ]);
    assert_matches_full_build(&built.site, &s.root, "renamed page");
    assert!(built.site.files.contains_key("/artikler/nyare/"));
    assert!(!built.site.files.contains_key("/artikler/ny/"));
    fs::remove_file(s.path("content/pages/artikler/nyare.md")).unwrap();
    let built = s.rebuild(&["content/pages/artikler/nyare.md"]);
    assert_matches_full_build(&built.site, &s.root, "removed page");
}

/// An events embed is titled with its tag as the first page with that tag writes it: a
/// page added before it with the tag spelled anew, or that page's spelling changed,
/// renders the embed's page again.
#[test]
fn a_tag_spelled_anew_renders_the_events_embeds_titled_with_it() {
    let mut s = Site1::new();
    s.edit("content/pages/tilgjengelighet.md", |t| {
        format!("{t}\n{{{{ events(tag=\"kompetanse\") }}}}\n")
    });
    let page = "content/pages/artikler/a.md";
    s.edit(page, |_| {
        "---\ntitle: A\ntags: [KOMPETANSE]\n---\nTekst.\n".into()
    });
    let built = s.rebuild(&[page]);
    assert_matches_full_build(&built.site, &s.root, "a page spelling a tag anew added");
    let built = s.edit(page, |t| t.replace("KOMPETANSE", "KompetansE"));
    assert_matches_full_build(&built.site, &s.root, "its spelling changed");
}

#[test]
fn a_text_edit_renders_only_its_page() {
    let mut s = Site1::new();
    let before = s.engine.rebuild(None).unwrap().site;
    let built = s.edit("content/pages/tilgjengelighet.md", |t| {
        format!("{t}\nMer tekst.\n")
    });
    // The page itself, the feed, which carries pages whole, and the search index's files.
    let search = built
        .site
        .files
        .keys()
        .filter(|p| p.starts_with("/sok/") && *p != "/sok/")
        .count();
    assert!(search > 3);
    assert_eq!(built.rendered, 2 + search);
    let changed: BTreeSet<PathBuf> = [s.path("content/pages/tilgjengelighet.md")].into();
    assert_eq!(
        built.site.reload_from(&before, Some(&changed), &s.root),
        Reload::Paths(vec!["/tilgjengelighet/".into()])
    );
}

#[test]
fn a_broken_edit_keeps_the_last_good_site() {
    let mut s = Site1::new();
    let nyhet = s.path("content/pages/artikler/nyhet.md");
    let good = fs::read_to_string(&nyhet).unwrap();
    let changed: BTreeSet<PathBuf> = [nyhet.clone()].into();

    // A link to an anchor that is not there, in the page's text.
    fs::write(&nyhet, good.replace("#videreutdanning", "#videre")).unwrap();
    let e = s
        .engine
        .rebuild(Some(&changed))
        .err()
        .expect("a broken anchor");
    assert!(
        e.diagnostics()[0]
            .message
            .contains("has no anchor `#videre`"),
        "{:?}",
        e.diagnostics()
    );

    // A heading another page links to, renamed: that page's link breaks.
    fs::write(&nyhet, good.replace("## Sitat", "## Utsegn")).unwrap();
    let e = s
        .engine
        .rebuild(Some(&changed))
        .err()
        .expect("a broken link into the page");
    let d = &e.diagnostics()[0];
    assert_eq!(d.path, "content/initiatives/strategi.md");
    assert!(
        d.message.contains("has no anchor `#sitat`"),
        "{}",
        d.message
    );

    // Broken front matter.
    fs::write(
        &nyhet,
        good.replace("title: Ei nyheit", "title: [Ei nyheit"),
    )
    .unwrap();
    assert!(s.engine.rebuild(Some(&changed)).is_err());

    // Fixed: the site is whole again.
    fs::write(&nyhet, good.replace("viktig", "heilt avgjerande")).unwrap();
    let built = s.engine.rebuild(Some(&changed)).unwrap();
    assert_matches_full_build(&built.site, &s.root, "fixed");
}

#[test]
fn a_stylesheet_edit_swaps_styles_in_place() {
    let mut s = Site1::new();
    let before = s.engine.rebuild(None).unwrap().site;
    let built = s.edit("themes/default/static/style.css", |_| {
        "body { color: #222; }\n".into()
    });
    let changed: BTreeSet<PathBuf> = [s.path("themes/default/static/style.css")].into();
    match built.site.reload_from(&before, Some(&changed), &s.root) {
        Reload::Styles(swap) => {
            assert_eq!(swap.len(), 1);
            let (old, new) = swap.iter().next().unwrap();
            assert!(old.starts_with("/assets/style.") && new.starts_with("/assets/style."));
            assert_ne!(old, new);
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_failed_build_leaves_its_changes_to_the_next() {
    let mut s = Site1::new();
    let a = s.path("content/pages/tilgjengelighet.md");
    let b = s.path("content/pages/artikler/nyhet.md");
    let b_good = fs::read_to_string(&b).unwrap();
    fs::write(
        &a,
        "---\ntitle: Tilgjengelighetserklæring\n---\nNy tekst.\n",
    )
    .unwrap();
    fs::write(&b, b_good.replace("title: Ei nyheit", "title: [Ei nyheit")).unwrap();
    let both: BTreeSet<PathBuf> = [a.clone(), b.clone()].into();
    assert!(s.engine.rebuild(Some(&both)).is_err());

    // Only the broken file is saved again; the other's change must not be lost.
    fs::write(&b, &b_good).unwrap();
    let built = s.rebuild(&["content/pages/artikler/nyhet.md"]);
    match built.site.files.get("/tilgjengelighet/") {
        Some(Content::Bytes(page)) => assert!(String::from_utf8_lossy(page).contains("Ny tekst.")),
        _ => panic!("no page"),
    }
    assert_matches_full_build(&built.site, &s.root, "after the fix");

    // A new file that broke the build is not forgotten by a later quick edit.
    fs::write(s.path("content/pages/ny.md"), "---\ntitle: [Ny\n---\n").unwrap();
    assert!(s
        .engine
        .rebuild(Some(&[s.path("content/pages/ny.md")].into()))
        .is_err());
    fs::write(
        &a,
        "---\ntitle: Tilgjengelighetserklæring\n---\nEnda nyere tekst.\n",
    )
    .unwrap();
    assert!(
        s.engine.rebuild(Some(&[a.clone()].into())).is_err(),
        "ny.md is still broken"
    );
}

#[test]
fn only_the_files_named_are_read_again() {
    let mut s = Site1::new();
    let om = s.path("content/pages/tilgjengelighet.md");
    fs::write(
        &om,
        "---\ntitle: Tilgjengelighetserklæring\n---\nStille endring.\n",
    )
    .unwrap();
    let other = s.path("content/pages/_index.md");
    let built = s.engine.rebuild(Some(&[other].into())).unwrap();
    let page = |site: &Site| match site.files.get("/tilgjengelighet/") {
        Some(Content::Bytes(b)) => String::from_utf8_lossy(b).into_owned(),
        _ => String::new(),
    };
    assert!(
        !page(&built.site).contains("Stille endring."),
        "not read again"
    );
    let built = s.engine.rebuild(Some(&[om].into())).unwrap();
    assert!(page(&built.site).contains("Stille endring."));
}

#[test]
fn an_edited_page_is_shown_before_what_lists_it() {
    let mut s = Site1::new();
    let rel = "content/pages/artikler/nyhet.md";
    let before = s.engine.rebuild(None).unwrap().site;
    let text = fs::read_to_string(s.path(rel)).unwrap();
    let edited = text.replace("title: Ei nyheit", "title: Ei tyttebærnyheit");
    assert_ne!(text, edited);
    fs::write(s.path(rel), edited).unwrap();
    let changed: BTreeSet<PathBuf> = [s.path(rel)].into_iter().collect();
    // The search index's documents are many files: `/sok/dok/` stands for all of them.
    let bytes = |site: &Site, path: &str| {
        let mut paths: Vec<&String> = site.files.keys().filter(|p| p.starts_with(path)).collect();
        paths.sort();
        paths
            .into_iter()
            .filter(|p| *p == path || path.ends_with("/dok/"))
            .map(|p| match site.files.get(p) {
                Some(Content::Bytes(b)) => String::from_utf8_lossy(b).into_owned(),
                _ => panic!("{p} is not rendered"),
            })
            .collect::<String>()
    };
    let mut early = None;
    let built = s
        .engine
        .rebuild_then(Some(&changed), |b| {
            early = Some(std::sync::Arc::clone(&b.site));
        })
        .unwrap();
    let early = early.expect("the page is shown before what lists it");
    assert!(
        bytes(&early, "/artikler/nyhet/").contains("tyttebærnyheit"),
        "the early site has the new page"
    );
    for list in ["/sok/dok/", "/artikler/"] {
        assert_eq!(
            bytes(&early, list),
            bytes(&before, list),
            "{list} is as it was at first"
        );
        assert!(
            bytes(&built.site, list).contains("tyttebærnyheit"),
            "{list} follows"
        );
    }
    assert!(
        built.site.generation > early.generation,
        "what follows is a later build"
    );
    let reload = built
        .site
        .reload_from(&early, Some(&BTreeSet::new()), &s.root);
    match reload {
        Reload::Paths(paths) => {
            assert!(paths.contains(&"/artikler/".to_owned()), "{paths:?}");
            assert!(
                !paths.contains(&"/artikler/nyhet/".to_owned()),
                "the page is not reloaded twice"
            );
        }
        _ => panic!("only the lists reload"),
    }
    assert_matches_full_build(&built.site, &s.root, "after the lists");
}

#[test]
fn a_failure_after_the_page_was_shown_is_not_forgotten_on_the_next_save() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().to_path_buf();
    copy_fixture(&root);
    // A section template that fails when it lists a page called "Knekk".
    let section = include_str!("../../themes/default/templates/section.html").replace(
        "{% block content %}",
        "{% block content %}{% for p in page.pages %}{% if p.title == \"Knekk\" %}{{ throw(message=\"knekk\") }}{% endif %}{% endfor %}",
    );
    fs::create_dir_all(root.join("themes/default/templates")).unwrap();
    fs::write(root.join("themes/default/templates/section.html"), section).unwrap();
    let mut engine = engine(&root);
    engine.rebuild(None).unwrap();

    let rel = root.join("content/pages/artikler/nyhet.md");
    let text = fs::read_to_string(&rel).unwrap();
    let broken = text.replace("title: Ei nyheit", "title: Knekk");
    assert_ne!(text, broken);
    let changed: BTreeSet<PathBuf> = [rel.clone()].into_iter().collect();
    fs::write(&rel, &broken).unwrap();
    let mut shown = false;
    assert!(engine
        .rebuild_then(Some(&changed), |_| shown = true)
        .is_err());
    assert!(shown, "the page itself rendered and was shown");
    // Saved again unchanged: still broken, not the old site.
    fs::write(&rel, &broken).unwrap();
    assert!(engine.rebuild(Some(&changed)).is_err(), "the error stays");
    fs::write(&rel, text.replace("title: Ei nyheit", "title: Heil")).unwrap();
    let built = engine.rebuild(Some(&changed)).unwrap();
    assert_matches_full_build(&built.site, &root, "after the fix");
}
