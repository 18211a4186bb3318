//! The output folder and frozen versions under faults: a file given as --out, an
//! output inside a linked content folder, a mount point, a full disk, builds and
//! releases killed at the worst moment (forced with MANDAT_FAULT, which aborts the
//! process as kill -9 would).

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, Instant};

use crate::*;

/// mandat with MANDAT_FAULT set to `point`.
fn mandat_failing_at(point: &str, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_mandat"))
        .args(args)
        .env("NO_COLOR", "1")
        .env("MANDAT_FAULT", point)
        .output()
        .expect("run mandat")
}

/// Waits up to ten seconds for `done` (the previous output is removed by a process of
/// its own after the build has exited).
fn eventually(what: &str, mut done: impl FnMut() -> bool) {
    let started = Instant::now();
    while !done() {
        assert!(started.elapsed() < Duration::from_secs(10), "{what}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// The names beside `out` that start with `.NAME.`: staging folders and previous outputs.
fn hidden_siblings(out: &Path) -> Vec<String> {
    let prefix = format!(".{}.", out.file_name().unwrap().to_string_lossy());
    let mut names: Vec<String> = fs::read_dir(out.parent().unwrap())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(&prefix) && !super::kept_beside(out, n))
        .collect();
    names.sort();
    names
}

#[test]
fn an_out_that_is_a_file_is_refused_not_moved_aside() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("notat.txt");
    fs::write(&file, "mitt").unwrap();
    let o = build(&fixture("basic"), &file);
    let stderr = text(&o).1;
    assert_eq!(o.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("it is a file, not a folder; choose a folder with --out"),
        "{stderr}"
    );
    assert_eq!(fs::read_to_string(&file).unwrap(), "mitt");
    assert_eq!(hidden_siblings(&file), Vec::<String>::new());
}

#[cfg(unix)]
#[test]
fn an_output_inside_a_linked_content_folder_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let real = dir.path().join("innhold");
    copy_dir(&fixture("basic").join("content"), &real);
    let site = dir.path().join("site");
    fs::create_dir(&site).unwrap();
    std::os::unix::fs::symlink(&real, site.join("content")).unwrap();
    let out = real.join("pages/ut");
    let o = build(&site, &out);
    let stderr = text(&o).1;
    assert_eq!(o.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("it is inside the site's content or themes folder"),
        "{stderr}"
    );
    assert!(!out.exists());
}

#[test]
fn staging_folders_of_killed_builds_are_removed_by_the_next_build() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("output");
    // A process that has exited: its staging folder is a leftover.
    let mut gone = Command::new(env!("CARGO_BIN_EXE_mandat"))
        .arg("--version")
        .stdout(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let dead = gone.id();
    gone.wait().unwrap();
    let leftover = dir.path().join(format!(".output.tmp-{dead}"));
    fs::create_dir_all(leftover.join("om")).unwrap();
    fs::write(leftover.join("om/index.html"), "halvferdig").unwrap();
    // This test's own process is running: its folder is not touched.
    let running = dir
        .path()
        .join(format!(".output.tmp-{}", std::process::id()));
    fs::create_dir(&running).unwrap();

    let o = build(&fixture("basic"), &out);
    assert!(o.status.success(), "{}", text(&o).1);
    eventually("the leftover staging folder is removed", || {
        hidden_siblings(&out) == [running.file_name().unwrap().to_string_lossy()]
    });
}

#[test]
fn a_build_killed_right_after_the_swap_leaves_the_new_output_in_place() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("output");
    let site = copy_site("basic");
    assert!(build(site.path(), &out).status.success());
    fs::write(
        site.path().join("content/pages/ny.md"),
        "---\ntitle: Ny side\n---\nNy.\n",
    )
    .unwrap();
    let args = [
        "build",
        "--root",
        site.path().to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ];
    let o = mandat_failing_at("swap-exchanged", &args);
    assert!(!o.status.success(), "the fault point was reached");
    // The swap is one exchange: output/ is the new site, whole, at once.
    assert!(out.join("ny/index.html").is_file());
    assert!(out.join(".mandat-output").is_file());
    let left: Vec<PathBuf> = hidden_siblings(&out)
        .iter()
        .map(|n| dir.path().join(n))
        .collect();
    assert_eq!(left.len(), 1, "the previous output, beside it: {left:?}");
    assert!(!left[0].join("ny").exists());
    // The next build takes the previous output away.
    assert!(build(site.path(), &out).status.success());
    eventually("the previous output is removed", || {
        hidden_siblings(&out).is_empty()
    });
}

#[test]
fn a_release_killed_before_the_list_is_finished_by_releasing_again() {
    let site = copy_site("basic");
    let root = site.path().to_str().unwrap();
    let o = mandat_failing_at(
        "release-renamed",
        &["release", "2030", "--label", "Før", "--root", root],
    );
    assert!(!o.status.success());
    let out = site.path().join("output");
    let o = build(site.path(), &out);
    let stderr = text(&o).1;
    assert_eq!(o.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("content/versions/2030/: error: the release of the version `2030` was cut short before it was added to content/versions/versions.yaml\nhelp: run `mandat release 2030` again to finish it"),
        "{stderr}"
    );
    let o = mandat(&["release", "2030", "--root", root]);
    assert!(o.status.success(), "{}", text(&o).1);
    let list = fs::read_to_string(site.path().join("content/versions/versions.yaml")).unwrap();
    assert!(
        list.contains("- name: '2030'") && list.contains("label: Før"),
        "{list}"
    );
    let o = build(site.path(), &out);
    assert!(o.status.success(), "{}", text(&o).1);
    assert!(out.join("v/2030/index.html").is_file());
    assert!(!site
        .path()
        .join("content/versions/2030/.release-pending.yaml")
        .exists());
}

/// A small tmpfs mounted for one test, unmounted when dropped. None where this process
/// may not mount (not root, or no tmpfs): those tests then say so and pass.
#[cfg(target_os = "linux")]
struct Tmpfs(tempfile::TempDir);

#[cfg(target_os = "linux")]
impl Tmpfs {
    fn mount(size: &str) -> Option<Tmpfs> {
        let dir = tempfile::tempdir().ok()?;
        let ok = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
            .arg(dir.path())
            .stderr(std::process::Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        if !ok {
            eprintln!("note: skipping: this test needs to mount a tmpfs (run as root)");
            return None;
        }
        Some(Tmpfs(dir))
    }
}

#[cfg(target_os = "linux")]
impl Drop for Tmpfs {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(self.0.path()).status();
    }
}

#[cfg(target_os = "linux")]
#[test]
fn an_output_folder_that_is_a_mount_point_gets_a_hint() {
    let Some(mount) = Tmpfs::mount("4m") else {
        return;
    };
    let out = mount.0.path();
    let o = build(&fixture("basic"), out);
    let stderr = text(&o).1;
    assert_eq!(o.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("Device or resource busy"), "{stderr}");
    assert!(
        stderr.contains("is probably a mount point, which cannot be replaced whole: build into a folder inside it"),
        "{stderr}"
    );
    // As the hint says: a folder inside it works.
    let o = build(&fixture("basic"), &out.join("site"));
    assert!(o.status.success(), "{}", text(&o).1);
}

#[cfg(target_os = "linux")]
#[test]
fn a_full_disk_gives_one_message_naming_the_output() {
    let Some(mount) = Tmpfs::mount("200k") else {
        return;
    };
    let out = mount.0.path().join("site");
    let content = Path::new(env!("CARGO_MANIFEST_DIR"));
    let o = build(content, &out);
    let stderr = text(&o).1;
    assert_eq!(o.status.code(), Some(1), "{stderr}");
    assert_eq!(
        stderr,
        format!(
            "{}: error: the disk is full: there is no room to write the site\nhelp: free some space on the disk (a build needs about as much room again as the site takes) and build again; the previous output is unchanged\n\nerror: 1 problem in 1 file; nothing was written (the previous output is unchanged)\n",
            out.display()
        )
    );
    assert_eq!(
        hidden_siblings(&out),
        Vec::<String>::new(),
        "no staging folder left"
    );
}

/// A site of hundreds of sections builds, and rebuilds after an edit, with few files
/// open at once allowed (256 is the default on some systems): the build holds few of
/// its folders open.
#[cfg(unix)]
#[test]
fn a_site_of_many_sections_builds_with_few_open_files_allowed() {
    let site = copy_site("basic");
    let pages = site.path().join("content/pages");
    for i in 0..300 {
        let section = pages.join(format!("s{i}"));
        fs::create_dir_all(section.join("under")).unwrap();
        fs::write(
            section.join("_index.md"),
            format!("---\ntitle: Del {i}\n---\n"),
        )
        .unwrap();
        let page = format!("---\ntitle: Side {i}\n---\nTekst {i}.\n");
        fs::write(section.join("sak.md"), &page).unwrap();
        fs::write(section.join("under/dypt.md"), &page).unwrap();
    }
    let out = site.path().join("out");
    let limited = |extra: &str| {
        let command =
            format!("ulimit -n 128 && exec \"$0\" build --root \"$1\" --out \"$2\" {extra}");
        Command::new("sh")
            .args(["-c", &command, env!("CARGO_BIN_EXE_mandat")])
            .arg(site.path())
            .arg(&out)
            .env("NO_COLOR", "1")
            .output()
            .unwrap()
    };
    let o = limited("");
    assert!(o.status.success(), "{}", text(&o).1);
    fs::write(
        pages.join("s7/sak.md"),
        "---\ntitle: Side 7\n---\nNy tekst.\n",
    )
    .unwrap();
    let o = limited("");
    assert!(o.status.success(), "{}", text(&o).1);
    let clean = site.path().join("clean");
    let o = build_with(site.path(), &clean, &["--no-cache"]);
    assert!(o.status.success(), "{}", text(&o).1);
    assert_eq!(tree(&out), tree(&clean));
    // The previous output is removed by a process of its own, after the build returns.
    eventually("the previous output is removed", || {
        hidden_siblings(&out).is_empty()
    });
}
