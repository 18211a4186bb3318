//! `mandat check`: every problem at once, warnings for what readers cannot reach, the
//! JSON report for editors, the cap on what is printed, and nothing written.

use std::fs;

use crate::*;

fn site_from(case: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&fixture("invalid").join(case).join("site"), dir.path());
    dir
}

fn check(root: &std::path::Path, json: bool) -> std::process::Output {
    let mut args = vec!["check", "--root", root.to_str().unwrap()];
    if json {
        args.extend(["--format", "json"]);
    }
    mandat(&args)
}

#[test]
fn warns_about_pages_readers_cannot_reach() {
    // A valid site whose only top-level page is in no menu and linked from nowhere.
    let site = site_from("symlink-loop");
    let o = check(site.path(), false);
    let (stdout, stderr) = text(&o);
    assert!(o.status.success(), "{stderr}");
    assert!(
        stdout.contains("no problems found (1 warnings)"),
        "{stdout}"
    );
    assert!(
        stderr.starts_with(
            "content/pages/om.md: warning: no page links to /om/ and no menu item leads to it"
        ),
        "{stderr}"
    );

    // A link from another page (or a menu item) reaches it; a page in a section is
    // listed on the section's page.
    fs::write(
        site.path().join("content/pages/_index.md"),
        "---\ntitle: Forsiden\n---\nLes [om oss](om.md).\n",
    )
    .unwrap();
    fs::create_dir_all(site.path().join("content/pages/artikler")).unwrap();
    fs::write(
        site.path().join("content/pages/artikler/nyhet.md"),
        "---\ntitle: Nyhet\n---\nTekst.\n",
    )
    .unwrap();
    let o = check(site.path(), false);
    let (stdout, stderr) = text(&o);
    assert!(
        stdout.contains("no problems found (0 warnings)"),
        "{stderr}"
    );
}

#[test]
fn reports_in_json_for_editors() {
    let site = site_from("problems-in-several-files");
    let o = check(site.path(), true);
    assert_eq!(o.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["errors"], 4);
    assert_eq!(v["warnings"], 0);
    let first = &v["diagnostics"][0];
    assert_eq!(first["severity"], "error");
    assert_eq!(first["path"], "content/initiatives/kompetansestrategi.md");
    assert_eq!(first["location"]["line"], 5);
    assert_eq!(first["location"]["column"], 20);
    assert_eq!(first["length"], 3);
    assert_eq!(first["message"], "unknown actor `kss`");
    assert_eq!(first["hint"], "did you mean `ks`?");
    // Nothing for people on stderr: the JSON is the whole answer.
    assert!(o.stderr.is_empty(), "{}", text(&o).1);
}

#[test]
fn check_writes_nothing() {
    let site = site_from("symlink-loop");
    let o = check(site.path(), false);
    assert!(o.status.success());
    assert!(!site.path().join("output").exists());
    let names: Vec<_> = fs::read_dir(site.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names, ["content"]);
}

#[test]
fn prints_fifty_problems_and_counts_the_rest() {
    let site = site_from("symlink-loop");
    for i in 0..60 {
        fs::write(
            site.path().join(format!("content/pages/side-{i:02}.md")),
            "---\ntitle: Side\nsumary: Kort\n---\n",
        )
        .unwrap();
    }
    let o = build(site.path(), &site.path().join("output"));
    let (_, stderr) = text(&o);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(
        stderr.matches(": error: unknown field `sumary`").count(),
        50
    );
    assert!(
        stderr.contains("… and 10 more problems not shown"),
        "{stderr}"
    );
    assert!(
        stderr.ends_with(
            "error: 60 problems in 60 files; nothing was written (the previous output is unchanged)\n"
        ),
        "{stderr}"
    );
    assert!(!site.path().join("output").exists());
}

/// The guide for writers quotes real messages: each one must be what a fixture prints.
#[test]
fn the_writing_guide_quotes_real_messages() {
    let guide = fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/writing.md"),
    )
    .unwrap();
    let expected: Vec<String> = fs::read_dir(fixture("invalid"))
        .unwrap()
        .filter_map(|e| fs::read_to_string(e.unwrap().path().join("expected.txt")).ok())
        .collect();
    let mut quoted = 0;
    for block in guide.split("```text\n").skip(1) {
        let block = block.split("```").next().unwrap();
        assert!(
            expected.iter().any(|e| e.contains(block)),
            "docs/writing.md quotes a message no fixture prints (run MANDAT_BLESS=1 and update the guide):\n{block}"
        );
        quoted += 1;
    }
    assert!(quoted >= 10, "only {quoted} messages quoted");
}

#[test]
fn check_in_text_lists_every_problem_and_counts_them() {
    let site = site_from("problems-in-several-files");
    let o = check(site.path(), false);
    let (stdout, stderr) = text(&o);
    assert_eq!(o.status.code(), Some(1));
    assert!(stdout.is_empty(), "{stdout}");
    let expected =
        fs::read_to_string(fixture("invalid").join("problems-in-several-files/expected.txt"))
            .unwrap();
    // The same messages as a build, without the build's word about the output.
    assert_eq!(
        stderr,
        expected.replace(
            "; nothing was written (the previous output is unchanged)",
            ""
        )
    );
}
