//! Lists and record views that stay small: a generated site past every threshold
//! (pagination, the roles by initiative, the bounded home page and chart) built by the
//! real binary, and every page checked for size and every pager link followed.

use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};

use super::{build, text};

/// The most bytes any HTML page may have (docs/format.md, "Lists").
const PAGE_MAX: usize = 300 * 1024;

/// A site with `pages` pages in one section, 45 actors, 14 initiatives and `events`
/// events, in lists of `page_size`.
fn write_site(root: &Path, pages: usize, events: usize, page_size: usize) {
    let content = root.join("content");
    for dir in ["pages/artikler", "actors", "initiatives", "events"] {
        fs::create_dir_all(content.join(dir)).unwrap();
    }
    fs::write(
        content.join("site.yaml"),
        format!("title: Lister\nbase_url: https://lister.example.no\nlanguage: nb\nas_of: 2025-01-01\ncontact: post@lister.example.no\npage_size: {page_size}\nfeed_size: 7\n"),
    )
    .unwrap();
    for i in 0..pages {
        fs::write(
            content.join(format!("pages/artikler/side-{i:03}.md")),
            format!(
                "---\ntitle: Artikkel {i}\ndate: 2020-01-{:02}\ntags: [tillit]\n---\nTekst {i}.\n",
                1 + i % 28
            ),
        )
        .unwrap();
    }
    for a in 0..45 {
        fs::write(
            content.join(format!("actors/a{a:02}.yaml")),
            format!("kind: organisation\nnames:\n  - name: Aktør {a}\n"),
        )
        .unwrap();
    }
    for n in 0..14 {
        let parties: Vec<String> = (0..4)
            .map(|k| format!("a{:02}", (n * 3 + k) % 45))
            .collect();
        let mut roles = String::new();
        for p in &parties {
            let _ = write!(roles, "  - actor: {p}\n    role: Part\n");
        }
        fs::write(
            content.join(format!("initiatives/i{n:02}.md")),
            format!(
                "---\ntitle: Initiativ {n}\nkind: programme\nowner: {}\nparties: [{}]\nperiod:\n  start: {}\n  end: {}\ntags: [tillit]\nroles:\n{roles}---\nOm initiativet.\n",
                parties[0],
                parties.join(", "),
                2000 + n,
                2004 + n
            ),
        )
        .unwrap();
    }
    let mut list = String::new();
    for e in 0..events {
        let _ = write!(
            list,
            "- date: {}-{:02}\n  title: Hendelse {e}\n  initiatives: [i{:02}]\n  actors: [a{:02}]\n",
            2000 + e % 24,
            1 + e % 12,
            e % 14,
            e % 45
        );
    }
    fs::write(content.join("events/hendelser.yaml"), list).unwrap();
}

/// The anchor of the first event on the timeline page at `path` (below `out`).
fn first_event(out: &Path, path: &str) -> String {
    let html = fs::read_to_string(out.join(path).join("index.html"))
        .unwrap_or_else(|e| panic!("{path}: {e}"));
    html.split(" id=\"")
        .skip(1)
        .map(|s| s.split('"').next().unwrap_or(""))
        .find(|id| id.contains("-hendelse-"))
        .unwrap_or_else(|| panic!("an event on {path}"))
        .to_owned()
}

/// `write_site` in a new folder, built into its `out`.
fn built_site(pages: usize, events: usize, page_size: usize) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    write_site(dir.path(), pages, events, page_size);
    let out = dir.path().join("out");
    let o = build(dir.path(), &out);
    assert!(o.status.success(), "{:?}", text(&o));
    (dir, out)
}

/// The site path of every `href` in `html` that points into the site.
fn hrefs(html: &str) -> Vec<String> {
    html.split("href=\"")
        .skip(1)
        .filter_map(|s| s.split('"').next())
        .filter(|h| h.starts_with('/'))
        .map(|h| h.replace("&amp;", "&"))
        .collect()
}

fn file_of(out: &Path, href: &str) -> std::path::PathBuf {
    let path = href
        .split('#')
        .next()
        .unwrap_or(href)
        .trim_start_matches('/');
    if path.is_empty() || path.ends_with('/') {
        out.join(path).join("index.html")
    } else {
        out.join(path)
    }
}

fn pager_of(html: &str) -> Option<&str> {
    let start = html.find("<nav class=\"pager\"")?;
    let end = html[start..].find("</nav>")? + start;
    Some(&html[start..end])
}

#[test]
fn long_lists_run_over_pages_and_no_page_is_too_large() {
    let (_dir, out) = built_site(23, 60, 5);

    // 23 pages in pages of 5: the section and its pages 2 to 5, and no page 6.
    for n in 2..=5 {
        assert!(
            out.join(format!("artikler/side/{n}/index.html")).is_file(),
            "page {n}"
        );
    }
    assert!(!out.join("artikler/side/6").exists());
    let third = fs::read_to_string(out.join("artikler/side/3/index.html")).unwrap();
    let pager = pager_of(&third).expect("a pager on page 3");
    assert!(pager.contains("aria-label=\"Sidenavigering\""), "{pager}");
    assert!(
        pager.contains("<a href=\"/artikler/side/3/\" aria-current=\"page\">"),
        "{pager}"
    );
    assert!(
        pager.contains("href=\"/artikler/side/2/\" rel=\"prev\""),
        "{pager}"
    );
    assert!(
        pager.contains("href=\"/artikler/side/4/\" rel=\"next\""),
        "{pager}"
    );
    assert!(pager.contains("Side 3 av 5"), "{pager}");
    assert!(third.contains("<title>Artikler (side 3 av 5) – Lister</title>"));
    assert_eq!(third.matches("class=\"card-title\"").count(), 5);
    // The tag: 14 initiatives and 23 pages, 37 entries in pages of 5.
    assert!(out.join("tags/tillit/side/8/index.html").is_file());
    assert!(!out.join("tags/tillit/side/9").exists());

    // 60 events in pages of 5; each event's address on any page finds it.
    assert!(out.join("tidslinje/side/12/index.html").is_file());
    assert!(!out.join("tidslinje/side/13").exists());
    let (_, _, docs) = crate::search_index(&out);
    let urls: Vec<String> = docs
        .iter()
        .filter_map(|d| d["u"].as_str().map(str::to_owned))
        .collect();
    let mut event_links = 0;
    for href in urls
        .iter()
        .filter(|h| h.starts_with("/tidslinje/") && h.contains('#'))
    {
        let (_, anchor) = href.split_once('#').unwrap();
        let target = fs::read_to_string(file_of(&out, href)).unwrap();
        assert!(target.contains(&format!("id=\"{anchor}\"")), "{href}");
        event_links += 1;
    }
    assert_eq!(event_links, 60, "the search index links every event");
    let home = fs::read_to_string(out.join("index.html")).unwrap();
    // Past a dozen initiatives the home page shows the latest twelve and links to all.
    assert_eq!(home.matches("<li class=\"card\">").count(), 12);
    assert!(home.contains("(12 av 14)"));
    // Past 12 initiatives or 40 actors, the roles are one table per initiative, in pages.
    let roles = fs::read_to_string(out.join("roller/index.html")).unwrap();
    assert!(!roles.contains("class=\"matrix\""));
    assert_eq!(roles.matches("<table>").count(), 5);
    assert!(out.join("roller/side/3/index.html").is_file());
    // The feed carries feed_size entries.
    let atom = fs::read_to_string(out.join("atom.xml")).unwrap();
    assert_eq!(atom.matches("<entry").count(), 7);

    // Every page: under the limit, and every pager link leads to a page that exists and
    // marks itself as the current one; every list page is in the sitemap.
    let sitemap = fs::read_to_string(out.join("sitemap.xml")).unwrap();
    assert!(sitemap.starts_with("<?xml") && sitemap.contains("<urlset"));
    let mut pagers = 0;
    for entry in walkdir::WalkDir::new(&out) {
        let entry = entry.unwrap();
        let path = entry.path();
        if path.extension().is_none_or(|e| e != "html") {
            continue;
        }
        let html = fs::read_to_string(path).unwrap();
        assert!(
            html.len() < PAGE_MAX,
            "{} has {} bytes",
            path.display(),
            html.len()
        );
        let Some(pager) = pager_of(&html) else {
            continue;
        };
        pagers += 1;
        let rel = path.strip_prefix(&out).unwrap().to_string_lossy();
        let own = format!("/{}", rel.trim_end_matches("index.html"));
        assert!(
            sitemap.contains(&format!("<loc>https://lister.example.no{own}</loc>")),
            "{own} is not in the sitemap"
        );
        assert!(
            pager.contains(&format!("<a href=\"{own}\" aria-current=\"page\">")),
            "{own}: {pager}"
        );
        for href in hrefs(pager) {
            let target = file_of(&out, &href);
            assert!(
                target.is_file(),
                "{own} links to {href}, which is not a page"
            );
            let page = fs::read_to_string(&target).unwrap();
            let linked = pager_of(&page).unwrap_or_default();
            assert!(
                linked.contains(&format!("<a href=\"{href}\" aria-current=\"page\">")),
                "{href}"
            );
        }
    }
    // The section (5), the tag (8), the timeline (12), the roles (3), and the initiatives'
    // timelines (60 events over 14: 5 each at most, one page) and actors' (one page).
    assert_eq!(pagers, 5 + 8 + 12 + 3);
}

#[test]
fn a_small_site_keeps_one_page_per_list() {
    let dir = tempfile::tempdir().unwrap();
    write_site(dir.path(), 3, 4, 50);
    // Twelve initiatives or fewer and forty actors or fewer keep the matrix.
    for n in 12..14 {
        fs::remove_file(dir.path().join(format!("content/initiatives/i{n:02}.md"))).unwrap();
    }
    for a in 40..45 {
        fs::remove_file(dir.path().join(format!("content/actors/a{a:02}.yaml"))).unwrap();
    }
    let out = dir.path().join("out");
    let o = build(dir.path(), &out);
    assert!(o.status.success(), "{:?}", text(&o));
    for list in ["artikler", "tidslinje", "roller", "tags/tillit"] {
        assert!(!out.join(list).join("side").exists(), "{list}");
        let html = fs::read_to_string(out.join(list).join("index.html")).unwrap();
        assert!(pager_of(&html).is_none(), "{list}");
    }
    let roles = fs::read_to_string(out.join("roller/index.html")).unwrap();
    assert!(roles.contains("class=\"matrix\""));
    let home = fs::read_to_string(out.join("index.html")).unwrap();
    assert_eq!(home.matches("<li class=\"card\">").count(), 12);
    assert!(!home.contains("av 12)"));
}

/// A writer links to an event on the timeline as `/tidslinje/#anchor`, wherever the list
/// shows it: the link leads to the page of the timeline that holds the event, and follows
/// it there when earlier events push it on.
#[test]
fn a_link_to_an_event_follows_it_to_its_page_of_the_timeline() {
    let (dir, out) = built_site(3, 12, 5);
    // The first event on the third page of the timeline.
    let anchor = first_event(&out, "tidslinje/side/3/");
    let page = dir.path().join("content/pages/artikler/lenke.md");
    let write = |anchor: &str| {
        fs::write(
            &page,
            format!("---\ntitle: Lenke\n---\nSe [hendelsen](/tidslinje/#{anchor}).\n"),
        )
        .unwrap();
    };
    write(&anchor);
    let o = build(dir.path(), &out);
    assert!(o.status.success(), "{:?}", text(&o));
    let href = |out: &Path| {
        let html = fs::read_to_string(out.join("artikler/lenke/index.html")).unwrap();
        hrefs(&html)
            .into_iter()
            .find(|h| h.contains(&anchor))
            .expect("the link")
    };
    assert_eq!(href(&out), format!("/tidslinje/side/3/#{anchor}"));
    // Five earlier events push it on to page 4.
    let events = dir.path().join("content/events/hendelser.yaml");
    let mut list = fs::read_to_string(&events).unwrap();
    for e in 0..5 {
        let _ = write!(list, "- date: 1990-0{}\n  title: Tidlig {e}\n", e + 1);
    }
    fs::write(&events, list).unwrap();
    let o = build(dir.path(), &out);
    assert!(o.status.success(), "{:?}", text(&o));
    assert_eq!(href(&out), format!("/tidslinje/side/4/#{anchor}"));
    // An anchor no event has is still a broken link, named as written.
    write("ingen-slik-hendelse");
    let o = build(dir.path(), &out);
    assert!(!o.status.success());
    let (_, stderr) = text(&o);
    assert!(
        stderr.contains("broken link `/tidslinje/#ingen-slik-hendelse`"),
        "{stderr}"
    );
}

/// The same for an initiative's and an actor's timeline: a link to an event on the first
/// page of one leads to the page of that timeline that shows it.
#[test]
fn a_link_to_an_event_on_an_initiatives_or_actors_timeline_follows_it() {
    let (dir, out) = built_site(3, 300, 5);
    let page = dir.path().join("content/pages/artikler/lenke.md");
    for timeline in ["tidslinje/i00/", "tidslinje/aktorer/a00/"] {
        let first = first_event(&out, timeline);
        let second = first_event(&out, &format!("{timeline}side/2/"));
        fs::write(
            &page,
            format!(
                "---\ntitle: Lenke\n---\nSe [denne](/{timeline}#{first}) og [den](/{timeline}#{second}).\n"
            ),
        )
        .unwrap();
        let o = build(dir.path(), &out);
        assert!(o.status.success(), "{timeline}: {:?}", text(&o));
        let html = fs::read_to_string(out.join("artikler/lenke/index.html")).unwrap();
        let href = |anchor: &str| {
            hrefs(&html)
                .into_iter()
                .find(|h| h.contains(anchor))
                .expect("the link")
        };
        assert_eq!(href(&first), format!("/{timeline}#{first}"));
        assert_eq!(href(&second), format!("/{timeline}side/2/#{second}"));
        // An event this timeline does not show is a broken link.
        fs::write(
            &page,
            format!("---\ntitle: Lenke\n---\nSe [ingen](/{timeline}#ingen-slik).\n"),
        )
        .unwrap();
        let o = build(dir.path(), &out);
        assert!(!o.status.success(), "{timeline}");
        let (_, stderr) = text(&o);
        assert!(
            stderr.contains(&format!("broken link `/{timeline}#ingen-slik`")),
            "{stderr}"
        );
        assert!(
            stderr.contains("help: on a timeline, an event's #anchor is its date and title"),
            "{stderr}"
        );
    }
}
