//! Content that must not leak, hang or run: links out of the site, YAML bombs, active
//! content, tags without an address. Each through the real binary.

use std::fs;
use std::path::Path;

use crate::*;

/// `mandat check` on `root`.
fn check(root: &Path) -> std::process::Output {
    mandat(&["check", "--root", root.to_str().unwrap()])
}

#[cfg(unix)]
mod links {
    use super::*;
    use std::os::unix::fs::symlink;

    #[test]
    fn a_link_out_of_the_site_is_refused_and_nothing_of_it_is_read() {
        let site = copy_site("basic");
        let secret = tempfile::tempdir().unwrap();
        fs::write(
            secret.path().join("passord.md"),
            "root:x:0:0:hemmelig\n---\ntitle: x\n",
        )
        .unwrap();
        let pages = site.path().join("content/pages");
        symlink(secret.path().join("passord.md"), pages.join("passord.txt")).unwrap();
        symlink(secret.path().join("passord.md"), pages.join("passord.md")).unwrap();
        symlink(secret.path(), pages.join("arkiv")).unwrap();
        let out = site.path().join("output");
        for o in [build(site.path(), &out), check(site.path())] {
            let (stdout, stderr) = text(&o);
            assert_eq!(o.status.code(), Some(1), "{stdout}{stderr}");
            for link in ["passord.txt", "passord.md", "arkiv"] {
                assert!(
                    stderr.contains(&format!(
                        "content/pages/{link}: error: this shortcut (symbolic link) points to {}",
                        secret.path().display()
                    )),
                    "{stderr}"
                );
            }
            assert!(
                !stderr.contains("hemmelig"),
                "the target is never read: {stderr}"
            );
        }
        assert!(!out.exists(), "nothing is written");
    }

    #[test]
    fn a_link_inside_the_site_is_followed() {
        let site = copy_site("basic");
        fs::create_dir(site.path().join("felles")).unwrap();
        fs::write(site.path().join("felles/kart.svg"), "<svg/>").unwrap();
        symlink("../../felles", site.path().join("content/pages/felles")).unwrap();
        let out = site.path().join("output");
        let o = build(site.path(), &out);
        assert!(o.status.success(), "{}", text(&o).1);
        assert_eq!(read(&out, "felles/kart.svg"), "<svg/>");
    }

    #[test]
    fn site_yaml_and_theme_files_may_not_lead_out_either() {
        let secret = tempfile::tempdir().unwrap();
        fs::write(secret.path().join("s.yaml"), "title: hemmelig\n").unwrap();
        let site = copy_site("basic");
        let site_yaml = site.path().join("content/site.yaml");
        fs::remove_file(&site_yaml).unwrap();
        symlink(secret.path().join("s.yaml"), &site_yaml).unwrap();
        let o = build(site.path(), &site.path().join("output"));
        let stderr = text(&o).1;
        assert_eq!(o.status.code(), Some(1), "{stderr}");
        assert!(
            stderr.starts_with("content/site.yaml: error: this shortcut (symbolic link) points to"),
            "{stderr}"
        );
        assert!(!stderr.contains("hemmelig"), "{stderr}");

        let site = copy_site("basic");
        let theme = site.path().join("themes/default/static");
        fs::create_dir_all(&theme).unwrap();
        symlink(secret.path().join("s.yaml"), theme.join("s.css")).unwrap();
        let out = site.path().join("output");
        let o = build(site.path(), &out);
        let stderr = text(&o).1;
        assert_eq!(o.status.code(), Some(1), "{stderr}");
        assert!(stderr.contains("outside the site folder"), "{stderr}");
        assert!(!out.exists());
    }
}

/// The attacks of issue 18 at full size: each used to run for minutes or abort the
/// build for want of memory; now each is refused at once with its place.
#[test]
fn yaml_bombs_are_refused_before_parsing() {
    let deep = copy_site("basic");
    let n = 100_000;
    fs::write(
        deep.path().join("content/pages/dyp.md"),
        format!(
            "---\ntitle: x\ntags: {}{}\n---\n",
            "[".repeat(n),
            "]".repeat(n)
        ),
    )
    .unwrap();
    let aliases = copy_site("basic");
    let mut bomb = format!("- date: 2018\n  title: &x {}\n", "a".repeat(1_000_000));
    bomb.push_str(&"- date: 2018\n  title: *x\n".repeat(20_000));
    fs::write(aliases.path().join("content/events/bombe.yaml"), bomb).unwrap();
    for (site, want) in [
        (&deep, "content/pages/dyp.md:3:38: error: the values here are nested more than 32 levels deep"),
        (&aliases, "content/events/bombe.yaml:2:10: error: `&x` is a YAML anchor, which records may not use"),
    ] {
        let started = std::time::Instant::now();
        let o = check(site.path());
        let stderr = text(&o).1;
        assert_eq!(o.status.code(), Some(1), "{stderr}");
        assert!(stderr.starts_with(want), "{stderr}");
        assert!(started.elapsed() < std::time::Duration::from_secs(10), "took {:?}", started.elapsed());
    }
}

/// Every page below `out` that holds `needle`. (The open data and the search index
/// hold the text as JSON strings, which no browser runs.)
fn files_with(out: &Path, needle: &str) -> Vec<String> {
    tree(out)
        .into_iter()
        .filter(|(rel, bytes)| {
            rel.ends_with(".html") && String::from_utf8_lossy(bytes).contains(needle)
        })
        .map(|(rel, _)| rel)
        .collect()
}

#[test]
fn raw_html_is_shown_as_text_unless_the_site_allows_it() {
    let site = copy_site("basic");
    let content = site.path().join("content");
    let script = "<script>alert('x')</script>";
    for file in ["pages/tilgjengelighet.md", "initiatives/strategi.md"] {
        let path = content.join(file);
        let body = fs::read_to_string(&path).unwrap();
        fs::write(
            &path,
            format!("{body}\n{script}\n\nTekst med <img src=x onerror=alert(1)>.\n"),
        )
        .unwrap();
    }
    let events = content.join("events/hendelser.yaml");
    let list = fs::read_to_string(&events).unwrap();
    fs::write(
        &events,
        format!("{list}- date: 2020\n  title: Skript\n  description: \"{script}\"\n"),
    )
    .unwrap();
    let out = site.path().join("output");
    let o = build(site.path(), &out);
    assert!(o.status.success(), "{}", text(&o).1);
    assert_eq!(files_with(&out, script), Vec::<String>::new());
    assert!(files_with(&out, "<img src=x").is_empty());
    let shown = files_with(&out, "&lt;script&gt;alert('x')&lt;/script&gt;");
    for page in [
        "tilgjengelighet/index.html",
        "initiativ/strategi/index.html",
        "tidslinje/index.html",
    ] {
        assert!(shown.contains(&page.to_owned()), "{page} in {shown:?}");
    }

    let site_yaml = content.join("site.yaml");
    let settings = fs::read_to_string(&site_yaml).unwrap();
    fs::write(&site_yaml, format!("{settings}allow_html: true\n")).unwrap();
    let o = build(site.path(), &out);
    assert!(o.status.success(), "{}", text(&o).1);
    let published = files_with(&out, script);
    for page in [
        "tilgjengelighet/index.html",
        "initiativ/strategi/index.html",
        "tidslinje/index.html",
    ] {
        assert!(
            published.contains(&page.to_owned()),
            "{page} in {published:?}"
        );
    }
}

#[test]
fn tags_spelled_apart_share_a_page_with_a_warning_naming_both_places() {
    let site = copy_site("basic");
    let pages = site.path().join("content/pages/artikler");
    for (name, tags) in [("a", "[Tillit, til lit]"), ("b", "[tillit, til-lit]")] {
        fs::write(
            pages.join(format!("{name}.md")),
            format!("---\ntitle: Side {name}\ntags: {tags}\n---\nTekst.\n"),
        )
        .unwrap();
    }
    let out = site.path().join("output");
    let o = build(site.path(), &out);
    let stderr = text(&o).1;
    assert!(o.status.success(), "{stderr}");
    assert!(
        stderr.contains("content/pages/artikler/b.md:3:8: warning: the tag `tillit` shares one page (/tags/tillit/) with the tag `Tillit` at content/pages/artikler/a.md:3:8, which is written differently"),
        "{stderr}"
    );
    assert!(
        stderr.contains("content/pages/artikler/b.md:3:16: warning: the tag `til-lit` shares one page (/tags/til-lit/) with the tag `til lit` at content/pages/artikler/a.md:3:16"),
        "{stderr}"
    );
    // nyhet.md comes after a.md and b.md, and writes `tillit` too.
    assert!(
        stderr.contains("content/pages/artikler/nyhet.md:"),
        "{stderr}"
    );
    assert!(read(&out, "tags/tillit/index.html").contains("Side b"));
}

#[test]
fn a_tag_without_letters_is_an_error_not_a_link_to_tags_slash_slash() {
    let site = copy_site("basic");
    fs::write(
        site.path().join("content/pages/artikler/a.md"),
        "---\ntitle: A\ntags: [\"\", \"..\"]\n---\nTekst.\n",
    )
    .unwrap();
    let out = site.path().join("output");
    let o = build(site.path(), &out);
    let stderr = text(&o).1;
    assert_eq!(o.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("content/pages/artikler/a.md:3:8: error: the tag `` has no letters or digits, so it cannot have a page"), "{stderr}");
    assert!(
        stderr.contains(
            "content/pages/artikler/a.md:3:13: error: the tag `..` has no letters or digits"
        ),
        "{stderr}"
    );
    assert!(!out.exists());
}
