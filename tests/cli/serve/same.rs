//! The preview is the published site: every file that `mandat build --base-url <the
//! preview's address>` writes is served by the preview with the same bytes (pages apart
//! from the live-reload script), the preview has no file more, and every address its
//! pages link to answers. Checked on the default site, on every fixture site, and on a
//! site with a version after edits to its current pages and to the version.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::Path;

use super::harness::{Server, SOON};
use crate::*;

/// The one thing the preview adds to a page.
const RELOAD: &str = "<script src=\"/__mandat/reload.js\" defer></script>\n";

/// Status and body of `GET path`, as bytes.
fn fetch(port: u16, path: &str) -> (u16, Vec<u8>) {
    let mut s = TcpStream::connect(("127.0.0.1", port)).expect("connect");
    s.set_read_timeout(Some(SOON)).unwrap();
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut raw = Vec::new();
    s.read_to_end(&mut raw).expect("the answer");
    let end = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .unwrap_or_else(|| panic!("no end of headers for {path}"));
    let head = String::from_utf8_lossy(&raw[..end]).into_owned();
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("no status for {path}: {head}"));
    let chunked = head
        .to_ascii_lowercase()
        .contains("transfer-encoding: chunked");
    let mut body = raw[end + 4..].to_vec();
    if chunked {
        body = unchunk(&body);
    }
    (status, body)
}

fn unchunk(mut data: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    loop {
        let Some(eol) = data.windows(2).position(|w| w == b"\r\n") else {
            return out;
        };
        let size = usize::from_str_radix(String::from_utf8_lossy(&data[..eol]).trim(), 16)
            .expect("a chunk size");
        if size == 0 {
            return out;
        }
        out.extend_from_slice(&data[eol + 2..eol + 2 + size]);
        data = &data[eol + 4 + size..];
    }
}

/// The address a file of the output is served at.
fn address(rel: &str) -> String {
    match rel.strip_suffix("index.html") {
        Some(folder) => format!("/{folder}"),
        None => format!("/{rel}"),
    }
}

/// Every `href="…"` and `src="…"` of a page that stays on the preview, as a site path.
fn local_links(html: &str, origin: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for attr in ["href=\"", "src=\""] {
        for (at, _) in html.match_indices(attr) {
            let rest = &html[at + attr.len()..];
            let Some(end) = rest.find('"') else { continue };
            let url = rest[..end].replace("&amp;", "&");
            let url = url.strip_prefix(origin).unwrap_or(&url);
            if !url.starts_with('/') || url.starts_with("//") {
                continue;
            }
            let path = url.split(['#', '?']).next().unwrap_or("");
            if !path.is_empty() {
                out.insert(path.to_owned());
            }
        }
    }
    out
}

/// Builds `root` for the preview's address and compares the two, file by file.
fn assert_preview_is_build(server: &Server, root: &Path, step: &str) {
    let origin = format!("http://127.0.0.1:{}", server.port);
    let out = tempfile::tempdir().unwrap();
    let o = build_with(root, out.path(), &["--base-url", &origin]);
    assert!(o.status.success(), "{step}: build: {:?}", text(&o));
    let built: BTreeMap<String, Vec<u8>> = tree(out.path())
        .into_iter()
        .filter(|(rel, _)| !rel.starts_with(".mandat"))
        .collect();
    let mut links = BTreeSet::new();
    for (rel, bytes) in &built {
        let path = address(rel);
        let (status, served) = fetch(server.port, &path);
        assert_eq!(status, 200, "{step}: the preview answers {path}");
        let served = if rel.ends_with(".html") {
            let html = String::from_utf8(served).expect("a page is text");
            assert_eq!(
                html.matches(RELOAD).count(),
                1,
                "{step}: {path} has the reload script once"
            );
            links.extend(local_links(&html, &origin));
            html.replace(RELOAD, "").into_bytes()
        } else {
            served
        };
        if &served != bytes {
            panic!(
                "{step}: {path} differs between the preview and the build\n--- preview\n{}\n--- build\n{}",
                String::from_utf8_lossy(&served),
                String::from_utf8_lossy(bytes)
            );
        }
    }
    // No file more in the preview: its summary counts the same files as the build's.
    let (o_out, _) = text(&o);
    let files = |line: &str| {
        let at = line.find(" files)").expect("a count of files");
        let from = line[..at].rfind('(').expect("(") + 1;
        line[from..at].to_owned()
    };
    let served_line = server
        .out()
        .lines()
        .rfind(|l| l.starts_with("built ") || l.starts_with("rebuilt "))
        .map(str::to_owned)
        .expect("the preview's summary");
    if served_line.starts_with("built ") {
        assert_eq!(files(&served_line), files(&o_out), "{step}: as many files");
    }
    for path in links {
        if path.starts_with("/__mandat/") {
            continue;
        }
        let (status, _) = fetch(server.port, &path);
        assert_eq!(status, 200, "{step}: a link of the preview to {path}");
    }
}

/// Replaces `from` with `to` in the site's file `rel`, waits until the preview has rebuilt
/// (a save may be built in two steps: the page, then what lists it), and compares the
/// preview with a build.
fn edit_and_compare(server: &mut Server, root: &Path, rel: &str, from: &str, to: &str, step: &str) {
    let before = server.count("rebuilt");
    let path = root.join(rel);
    let text = fs::read_to_string(&path).unwrap();
    assert!(text.contains(from), "{rel} holds {from:?}");
    fs::write(&path, text.replacen(from, to, 1)).unwrap();
    server.wait_for(SOON, step, |s| s.count("rebuilt") > before);
    std::thread::sleep(std::time::Duration::from_millis(500));
    assert_preview_is_build(server, root, step);
}

#[test]
fn the_default_site_is_previewed_as_it_is_built() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let server = Server::start(root);
    assert_preview_is_build(&server, root, "content/");
    for path in ["/v/", "/v/2021/", "/endringer/", "/v/2021/endringer/"] {
        assert_eq!(fetch(server.port, path).0, 200, "{path}");
    }
}

#[test]
fn every_fixture_site_is_previewed_as_it_is_built() {
    for name in ["basic", "timeline"] {
        let site = copy_site(name);
        let server = Server::start(site.path());
        assert_preview_is_build(&server, site.path(), name);
    }
}

#[test]
fn a_site_with_a_version_stays_equal_through_edits() {
    let site = copy_site("basic");
    let root = site.path();
    let o = mandat(&[
        "release",
        "2024",
        "--root",
        root.to_str().unwrap(),
        "--date",
        "2024-06-01",
    ]);
    assert!(o.status.success(), "{:?}", text(&o));
    let mut server = Server::start(root);
    assert_preview_is_build(&server, root, "released");

    let mut edit = |rel: &str, from: &str, to: &str, step: &str| {
        edit_and_compare(&mut server, root, rel, from, to, step);
        let out = server.out();
        out.lines()
            .rfind(|l| l.starts_with("rebuilt "))
            .map(str::to_owned)
            .expect("a rebuild")
    };
    edit(
        "content/pages/artikler/nyhet.md",
        "Ei nyheit",
        "Ei ny nyheit",
        "a page's title in the current site",
    );
    edit(
        "content/pages/artikler/nyhet.md",
        "\n\n",
        "\n\nEin ny setning her.\n\n",
        "a page's text in the current site",
    );
    let last = edit(
        "content/versions/2024/pages/artikler/nyhet.md",
        "Ei nyheit",
        "Ei endra nyheit",
        "a page in the version",
    );
    // What a version's file changes is that version (and what changed since it), not
    // the whole site.
    let counts: Vec<usize> = last
        .split_whitespace()
        .filter_map(|w| w.parse().ok())
        .collect();
    assert!(
        counts.len() >= 2 && counts[0] < counts[1],
        "only part of the site is rendered again: {last}"
    );
    edit(
        "content/site.yaml",
        "title:",
        "title: Nytt namn på",
        "the site's settings",
    );
}

#[test]
fn an_edited_image_is_previewed_as_it_is_built() {
    let site = copy_site("basic");
    let root = site.path();
    let mut server = Server::start(root);
    assert_preview_is_build(&server, root, "before");
    let page =
        |s: &Server| String::from_utf8_lossy(&fetch(s.port, "/artikler/nyhet/").1).into_owned();
    let before = page(&server);
    // Another picture of another size under the same name: new copies, new width.
    fs::write(
        root.join("content/pages/artikler/sol.jpg"),
        crate::images::photo(700, 400, 2),
    )
    .unwrap();
    server.wait_for(SOON, "the image's rebuild", |s| {
        page(s).contains("width=\"700\" height=\"400\"")
    });
    assert_ne!(page(&server), before);
    assert_preview_is_build(&server, root, "an edited image");
}

#[test]
fn embeds_follow_edits_of_the_records_they_show() {
    let site = copy_site("embeds");
    let root = site.path();
    let mut server = Server::start(root);
    assert_preview_is_build(&server, root, "embeds");
    let page = |s: &Server| String::from_utf8(fetch(s.port, "/artikler/innebygd/").1).unwrap();
    let mut edit = |rel: &str, from: &str, to: &str, step: &str| {
        edit_and_compare(&mut server, root, rel, from, to, step);
        page(&server)
    };
    let shown = edit(
        "content/initiatives/strategi.md",
        "Forvalter videreutdanningen.",
        "Forvalter de nye studieplassene.",
        "a task of an embedded initiative",
    );
    assert!(
        shown.contains("Forvalter de nye studieplassene."),
        "{shown}"
    );
    let shown = edit(
        "content/events/hendelser.yaml",
        "title: Evaluering",
        "title: Sluttevaluering",
        "an event an embed shows",
    );
    assert_eq!(shown.matches(">Sluttevaluering</h5>").count(), 3);
    let shown = edit(
        "content/actors/ks.yaml",
        "name: KS",
        "name: Kommunesektorens organisasjon",
        "the name of an embedded actor",
    );
    assert!(shown.contains("Roller og oppgaver for Kommunesektorens organisasjon"));
    let shown = edit(
        "content/pages/artikler/innebygd.md",
        "{{ events(to=2005) }}",
        "{{ events(to=2005) }}\n\n{{ roles(initiative=\"avtale\") }}",
        "an embed added to a page",
    );
    assert!(shown.contains(">Hvem gjør hva i Avtale om samarbeid</h3>"));
}

#[test]
fn a_site_in_pages_of_lists_stays_equal_through_edits() {
    let site = copy_site("basic");
    let root = site.path();
    let yaml = root.join("content/site.yaml");
    let mut settings = fs::read_to_string(&yaml).unwrap();
    settings.push_str("page_size: 1\n");
    fs::write(&yaml, settings).unwrap();
    for (name, date) in [("eldre", "2019-03-01"), ("nyere", "2021-02-01")] {
        fs::write(
            root.join(format!("content/pages/artikler/{name}.md")),
            format!("---\ntitle: Sak {name}\ndate: {date}\ntags: [tillit]\n---\nTekst.\n"),
        )
        .unwrap();
    }
    let mut server = Server::start(root);
    assert_preview_is_build(&server, root, "started");
    for list in [
        "/artikler/side/3/",
        "/tags/tillit/side/2/",
        "/tidslinje/side/2/",
    ] {
        assert_eq!(fetch(server.port, list).0, 200, "{list}");
    }
    let mut edit = |rel: &str, from: &str, to: &str, step: &str| {
        edit_and_compare(&mut server, root, rel, from, to, step);
    };
    // The newest page moves from the first page of the section and the tag to the last.
    edit(
        "content/pages/artikler/nyere.md",
        "date: 2021-02-01",
        "date: 2018-02-01",
        "a date that moves a page to another page of its lists",
    );
    edit(
        "content/pages/artikler/eldre.md",
        "title: Sak eldre",
        "title: Sak som er eldre",
        "a title on a later page of its lists",
    );
    edit(
        "content/pages/artikler/eldre.md",
        "Tekst.",
        "Ny tekst.",
        "the text of a page on a later page of its lists",
    );
}
