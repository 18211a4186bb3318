//! Broken sites and the exact message each must give.

use std::fs;
use std::path::Path;

use crate::*;

/// Each folder in tests/fixtures/invalid/ is a broken site and the exact message it must
/// give. `MANDAT_BLESS=1 cargo test` writes the messages anew, for review.
#[test]
fn invalid_sites_give_their_exact_messages() {
    let root = fixture("invalid");
    let bless = std::env::var_os("MANDAT_BLESS").is_some();
    let mut cases = 0;
    let mut failures = Vec::new();
    for entry in fs::read_dir(&root).unwrap() {
        let case = entry.unwrap().path();
        if !case.is_dir() {
            continue;
        }
        cases += 1;
        let site = tempfile::tempdir().unwrap();
        copy_dir(&case.join("site"), site.path());
        if !prepare_case(&case, site.path()) {
            continue;
        }
        let out = site.path().join("output");
        fs::create_dir_all(&out).unwrap();
        fs::write(out.join(".mandat-output"), "").unwrap();
        fs::write(out.join("index.html"), "previous").unwrap();
        let o = build(site.path(), &out);
        let (_, stderr) = text(&o);
        let stderr = stderr.replace(&site.path().display().to_string(), "$SITE");
        let expected_path = case.join("expected.txt");
        if bless {
            fs::write(&expected_path, &stderr).unwrap();
        }
        let expected = fs::read_to_string(&expected_path).unwrap_or_default();
        let name = case.file_name().unwrap().to_string_lossy().into_owned();
        if o.status.code() != Some(1) {
            failures.push(format!(
                "{name}: exit code {:?}, expected 1\n{stderr}",
                o.status.code()
            ));
        } else if stderr != expected {
            failures.push(format!(
                "{name}: message differs\n--- expected\n{expected}--- got\n{stderr}"
            ));
        } else if fs::read_to_string(out.join("index.html")).unwrap() != "previous" {
            failures.push(format!("{name}: the previous output was changed"));
        }
    }
    assert!(cases >= 1, "no cases found");
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// Cases that cannot be stored in git as files (bad bytes, loops, permissions) are made
/// here. False when the case cannot be made on this machine (and says why).
fn prepare_case(case: &Path, site: &Path) -> bool {
    let name = case.file_name().unwrap().to_string_lossy();
    match name.as_ref() {
        // Over the size cap, so not kept in git: a front matter of 1 MiB and a little more.
        "yaml-too-large" => fs::write(
            site.join("content/pages/om.md"),
            format!(
                "---\ntitle: Om\nsummary: {}\n---\nTekst.\n",
                "x".repeat(1 << 20)
            ),
        )
        .unwrap(),
        // An image over 20 MB: its size is checked before it is read, so a file of
        // nothing but zeros (taking no room on disk) shows it.
        "image-file-too-large" => fs::File::create(site.join("content/pages/stort.jpg"))
            .and_then(|f| f.set_len(21 * 1024 * 1024))
            .unwrap(),
        "invalid-utf8" => fs::write(
            site.join("content/pages/om.md"),
            b"---\ntitle: Om\n---\nBj\xf8rn\n",
        )
        .unwrap(),
        #[cfg(unix)]
        "symlink-loop" => {
            std::os::unix::fs::symlink("..", site.join("content/pages/loop")).unwrap();
        }
        #[cfg(unix)]
        "dangling-symlink" => {
            std::os::unix::fs::symlink(
                "../../arkiv/gammel.md",
                site.join("content/pages/gammel.md"),
            )
            .unwrap();
        }
        #[cfg(unix)]
        "symlink-outside-site" => {
            let pages = site.join("content/pages");
            std::os::unix::fs::symlink("/etc/passwd", pages.join("passwd.txt")).unwrap();
            std::os::unix::fs::symlink("/etc/passwd", pages.join("hemmelig.md")).unwrap();
            std::os::unix::fs::symlink("/etc", pages.join("etc")).unwrap();
        }
        #[cfg(unix)]
        "unreadable-file" => {
            use std::os::unix::fs::PermissionsExt;
            let file = site.join("content/pages/om.md");
            fs::set_permissions(&file, fs::Permissions::from_mode(0o000)).unwrap();
            // Permissions do not stop root (or a CAP_DAC_OVERRIDE process) from reading.
            if fs::read(&file).is_ok() {
                eprintln!(
                    "note: skipping the case unreadable-file: this test runs with rights that read any file (root?), so `chmod 000` cannot make a file unreadable"
                );
                return false;
            }
        }
        _ => {}
    }
    true
}
