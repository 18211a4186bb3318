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

/// The share of each written standard, the quota and text that reads as the other
/// standard (tests/fixtures/language): exact messages, in text and JSON, for `check`
/// and `build` alike.
#[test]
fn language_shares_quota_and_texts_in_the_other_standard() {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&fixture("language"), dir.path());
    let o = check(dir.path(), false);
    let (stdout, stderr) = text(&o);
    assert!(o.status.success(), "{stderr}");
    let expected = "\
content/pages/nyhet.md: warning: the text reads as bokmål, not nynorsk as its language says: «ikke» ×2, «fra», «hva», «være»
help: if the text is bokmål, remove `lang: nn` (or write the text in nynorsk)

content/pages/om.md: warning: the text reads as nynorsk, not bokmål as its language says: «dei», «eit», «ikkje», «korleis», «kva», «vere»
help: if the text is nynorsk, add `lang: nn` to its front matter (or write the text in bokmål)

content/site.yaml:4:17: warning: nynorsk is 24 % of the words on published pages, 1 percentage point short of the quota of 25 %
  |
4 | language_quota: 25
  |                 ^^
  |
help: write more pages or records in nynorsk (`lang: nn`) instead of bokmål; never as parallel copies of the same page

";
    assert_eq!(stderr, expected);
    assert_eq!(
        stdout,
        "language: bokmål 76 %, nynorsk 24 % of words on published pages (fact pages: bokmål 76 %, nynorsk 24 %); quota 25 %\nno problems found (3 warnings)\n"
    );

    let o = check(dir.path(), true);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["warnings"], 3);
    assert_eq!(v["language"]["percent"]["nn"], 24);
    assert_eq!(v["language"]["percent"]["nb"], 76);
    assert_eq!(v["language"]["quota"], 25);
    assert_eq!(v["language"]["kinds"]["fact-pages"]["words"]["nn"], 23);
    let words = &v["language"]["words"];
    assert_eq!(
        words["nb"].as_u64().unwrap() + words["nn"].as_u64().unwrap(),
        95
    );

    // The build gives the same warnings and the share below its summary line.
    let out = dir.path().join("out");
    let o = build(dir.path(), &out);
    let (stdout, stderr) = text(&o);
    assert!(o.status.success(), "{stderr}");
    assert_eq!(stderr, expected);
    assert!(
        stdout.ends_with("\nlanguage: bokmål 76 %, nynorsk 24 % of words on published pages (fact pages: bokmål 76 %, nynorsk 24 %); quota 25 %\n"),
        "{stdout}"
    );

    // Written as it says, and with the quota met, there is nothing to warn about.
    fs::write(
        dir.path().join("content/pages/om.md"),
        "---\ntitle: Om nettstaden\nlang: nn\n---\nNettstaden viser kva avtalar som gjeld, og korleis dei har endra seg. Det skal ikkje lagast parallelle versjonar av sidene, og eit dokument skal vere på eitt skriftspråk.\n",
    )
    .unwrap();
    fs::write(
        dir.path().join("content/pages/nyhet.md"),
        "---\ntitle: Ny avtale\nlang: nn\n---\nAvtalen er ikkje ferdig enno, og kva som skjer frå neste år, er ikkje klart. Partane vil vere samde før sommaren.\n",
    )
    .unwrap();
    let o = check(dir.path(), false);
    let (stdout, stderr) = text(&o);
    assert!(
        stdout.ends_with("no problems found (0 warnings)\n"),
        "{stdout}{stderr}"
    );
    assert!(
        stdout.starts_with("language: bokmål 45 %, nynorsk 55 %"),
        "{stdout}"
    );
}

/// `languages` lists the written standards a site publishes in: a text in another is an
/// error, and a quota needs both.
#[test]
fn languages_limit_the_standards_a_site_publishes_in() {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&fixture("language"), dir.path());
    let site = dir.path().join("content/site.yaml");
    fs::write(
        &site,
        "title: Språktest\nlanguage: nb\nlanguages: [nb]\ncontact: postmottak@dep.example.no\n",
    )
    .unwrap();
    let o = check(dir.path(), false);
    let (_, stderr) = text(&o);
    assert_eq!(o.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.starts_with("content/pages/nyhet.md: error: the text is in nynorsk (`lang: nn`), which content/site.yaml's `languages` does not list\nhelp: add it to `languages:` in content/site.yaml (now [nb]), or write the text in bokmål\n"),
        "{stderr}"
    );
    fs::write(&site, "title: Språktest\nlanguage_quota: 25\n").unwrap();
    let o = check(dir.path(), false);
    let (_, stderr) = text(&o);
    assert!(
        stderr.starts_with("content/site.yaml:2:17: error: a language quota needs both written standards in `languages`"),
        "{stderr}"
    );
}

/// `mandat check | head -1` and `mandat build | true`: a command whose output goes into a
/// pipe that is closed stops quietly, and the build it made is in place.
#[test]
fn output_into_a_closed_pipe_stops_quietly() {
    let site = tempfile::tempdir().unwrap();
    let out = site.path().join("out");
    let root = fixture("basic");
    for args in [
        vec!["check", "--root", root.to_str().unwrap()],
        vec![
            "build",
            "--root",
            root.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ],
    ] {
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_mandat"))
            .args(&args)
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        drop(child.stdout.take());
        let o = child.wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&o.stderr);
        assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
    }
    assert!(out.join("index.html").is_file());
}
