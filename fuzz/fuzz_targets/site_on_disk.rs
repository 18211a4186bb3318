//! A whole small site written to disk, with symbolic links, YAML anchors and aliases and
//! deep nesting, read by the real walker and checked as `mandat check` does; a site that
//! passes is built as `mandat build` does. Beside the site lies a file no link may leak:
//! its text must never appear in a message or in the output, and a site with a link
//! that leads to it must fail.
//!
//! The input, split at NUL bytes: the first seven parts replace the files of a valid
//! site (as in `site.rs`); a part may start with a generator byte instead of holding the
//! text (`\x01` deep brackets, `\x02` a block nested by indentation, `\x03` an anchor
//! and many aliases, each followed by a size byte). Every part after the seventh makes
//! one symbolic link: its first byte picks where, its second what it points to.
#![no_main]

use std::fs;
use std::path::{Path, PathBuf};

use libfuzzer_sys::fuzz_target;
use mandat::build::BuildOptions;
use mandat::config::resolve_paths;

const FILES: [(&str, &str); 7] = [
    ("site.yaml", "title: Test\nlanguage: nb\nas_of: 2021-06-01\nmenu:\n  - label: Om\n    url: /om/\n"),
    ("actors/bfd.yaml", "kind: ministry\nnames:\n  - name: Departementet\n    to: 2018\n  - name: Nydepartementet\n    from: 2019\n"),
    ("actors/ks.yaml", "kind: municipal-sector\nnames:\n  - name: KS\n"),
    ("initiatives/strategi.md", "---\ntitle: Strategien\nkind: strategy\nowner: bfd\nparties: [bfd, ks]\nperiod:\n  start: 2018\n  end: 2024\n---\n## Bakgrunn\n\nLes [KS](../actors/ks.yaml).\n"),
    ("events/hendelser.yaml", "- date: 2018-09\n  title: Start\n  initiatives: [strategi]\n  actors: [ks]\n"),
    ("pages/om.md", "---\ntitle: Om\n---\n## Kontakt\n\n[Strategien](../initiatives/strategi.md)\n"),
    ("pages/artikler/nyhet.md", "---\ntitle: Nyhet\ndate: 2020-01-02\ntags: [tillit]\n---\n[Om](../om.md#kontakt)\n"),
];

/// The text of the file outside the site: it must never be read.
const SECRET: &str = "HEMMELIG-UTENFOR-NETTSTEDET";

/// Where a link is made, below the site root.
const LINK_AT: [&str; 10] = [
    "content/pages/lenke.txt",
    "content/pages/lenke.md",
    "content/pages/mappe",
    "content/pages/artikler/lenke.md",
    "content/actors/lenke.yaml",
    "content/events/lenke.yaml",
    "content/initiatives/lenke.md",
    "themes/default/static/lenke.css",
    "themes/default/templates/page.html",
    "content/pages/artikler/mappe",
];

/// What a link points to: inside the site (true) or out of it (false). Relative
/// targets are read from the link's folder.
const LINK_TO: [(&str, bool); 12] = [
    ("@outside/secret.md", false),
    ("@outside", false),
    ("@outside/dir", false),
    ("/nonexistent/x.md", false),
    ("../om.md", true),
    ("om.md", true),
    ("..", true),
    (".", true),
    ("../../content/pages/om.md", true),
    ("@root/notes.md", true),
    ("@root/content/pages", true),
    ("../../../notes.md", true),
];

fn generated(kind: u8, size: u8, rel: &str) -> String {
    let n = usize::from(size) * 8 + 1;
    let front = |yaml: String| {
        if rel.ends_with(".md") {
            format!("---\ntitle: X\n{yaml}---\nTekst.\n")
        } else {
            yaml
        }
    };
    match kind {
        1 => front(format!("tags: {}x{}\n", "[".repeat(n), "]".repeat(n))),
        2 => front(
            (0..n)
                .map(|i| format!("{}k{i}:\n", " ".repeat(i)))
                .collect(),
        ),
        _ => front(format!(
            "summary: &a {}\ntags: [{}]\n",
            "x".repeat(n * 64),
            vec!["*a"; n].join(", ")
        )),
    }
}

fn base() -> PathBuf {
    std::env::temp_dir().join(format!("mandat-fuzz-site-{}", std::process::id()))
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let base = base();
    let _ = fs::remove_dir_all(&base);
    let root = base.join("site");
    let outside = base.join("outside");
    fs::create_dir_all(outside.join("dir")).unwrap();
    fs::write(
        outside.join("secret.md"),
        format!("{SECRET}\n---\ntitle: x\n---\n"),
    )
    .unwrap();
    fs::write(
        outside.join("dir/x.md"),
        format!("---\ntitle: {SECRET}\n---\n"),
    )
    .unwrap();

    let mut parts: Vec<&str> = text.split('\0').collect();
    let links = if parts.len() > FILES.len() {
        parts.split_off(FILES.len())
    } else {
        Vec::new()
    };
    for (i, (rel, default)) in FILES.iter().enumerate() {
        let part = parts.get(i).copied().unwrap_or("");
        let body = match part.as_bytes() {
            [] => (*default).to_owned(),
            [k @ 1..=3, size, ..] => generated(*k, *size, rel),
            _ => part.to_owned(),
        };
        let path = root.join("content").join(rel);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, body).unwrap();
    }
    fs::write(root.join("notes.md"), "---\ntitle: Notater\n---\nInne.\n").unwrap();

    let mut leaks = false;
    for link in links.iter().take(4) {
        let [at, to, ..] = link.as_bytes() else {
            continue;
        };
        let at = root.join(LINK_AT[usize::from(*at) % LINK_AT.len()]);
        let (to, inside) = LINK_TO[usize::from(*to) % LINK_TO.len()];
        let to = to
            .replace("@outside", &outside.to_string_lossy())
            .replace("@root", &root.to_string_lossy());
        fs::create_dir_all(at.parent().unwrap()).unwrap();
        if fs::symlink_metadata(&at).is_ok() {
            let _ = fs::remove_file(&at);
        }
        #[cfg(unix)]
        if std::os::unix::fs::symlink(&to, &at).is_ok() && !inside && Path::new(&to).exists() {
            leaks = true;
        }
    }

    let paths = resolve_paths(Some(&root), Some(&base.join("output")), None);
    let result = mandat::session::check(&paths);
    let messages: String = match &result {
        Ok(warnings) => warnings.iter().map(|d| d.render(false)).collect(),
        Err(e) => e.to_string(),
    };
    assert!(
        !messages.contains(SECRET),
        "a message shows what a link leads to:\n{messages}"
    );
    if leaks {
        assert!(result.is_err(), "a link out of the site was accepted");
    }
    if result.is_ok() {
        let options = BuildOptions::default();
        match mandat::build::build(&paths, &options) {
            Ok(_) => {
                for entry in walkdir_files(&base.join("output")) {
                    let bytes = fs::read(&entry).unwrap_or_default();
                    assert!(
                        !String::from_utf8_lossy(&bytes).contains(SECRET),
                        "{} publishes what a link leads to",
                        entry.display()
                    );
                }
            }
            Err(e) => assert!(!e.to_string().contains(SECRET)),
        }
    }
    let _ = fs::remove_dir_all(&base);
});

/// Every file below `dir` (without following links: the output has none).
fn walkdir_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = fs::read_dir(&d) else {
            continue;
        };
        for e in entries.flatten() {
            match e.file_type() {
                Ok(t) if t.is_dir() => stack.push(e.path()),
                Ok(_) => out.push(e.path()),
                Err(_) => {}
            }
        }
    }
    out
}
