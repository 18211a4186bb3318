//! Getting the tool and publishing a site: the manual pages say what `--help` says,
//! and the CI templates in deploy/ are valid and their commands build a site.

use std::path::Path;
use std::process::Command;

use serde_yaml::Value;

use super::{copy_site, mandat, text};

/// A page's text as man shows it, near enough to compare with `--help`: without
/// font changes and with roff's escapes undone.
fn plain(roff: &str) -> String {
    roff.replace("\\fB", "")
        .replace("\\fI", "")
        .replace("\\fR", "")
        .replace("\\-", "-")
        .replace("\\*(Aq", "'")
}

/// The lines of a `--help` section (`Commands:`, `Arguments:`, `Options:`), trimmed.
fn help_section(help: &str, heading: &str) -> Vec<String> {
    help.lines()
        .skip_while(|l| *l != heading)
        .skip(1)
        .take_while(|l| l.starts_with(' '))
        .map(|l| l.trim().to_owned())
        .collect()
}

/// The first word of each line of a `--help` section, leaving out `-h, `.
fn first_words(lines: &[String]) -> Vec<String> {
    lines
        .iter()
        .filter_map(|l| {
            let l = l
                .strip_prefix("-h, ")
                .or(l.strip_prefix("-V, "))
                .unwrap_or(l);
            l.split_whitespace().next().map(str::to_owned)
        })
        .collect()
}

#[test]
fn the_manual_pages_name_every_command_argument_and_option_of_help() {
    let dir = tempfile::tempdir().unwrap();
    let out = mandat(&["man", "--out", dir.path().to_str().unwrap()]);
    assert!(out.status.success(), "{:?}", text(&out));
    let main = std::fs::read_to_string(dir.path().join("mandat.1")).unwrap();
    let main_plain = plain(&main);

    let (help, _) = text(&mandat(&["--help"]));
    let commands = help_section(&help, "Commands:");
    let names: Vec<String> = first_words(&commands)
        .into_iter()
        .filter(|n| n != "help")
        .collect();
    assert!(names.len() >= 6, "{help}");
    let mut pages: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    pages.sort();
    let mut expected: Vec<String> = names.iter().map(|n| format!("mandat-{n}.1")).collect();
    expected.push("mandat.1".into());
    expected.sort();
    assert_eq!(
        pages, expected,
        "one page per command in --help, and no other"
    );

    for line in &commands {
        let (name, about) = line.split_once(' ').unwrap();
        if name == "help" {
            continue;
        }
        assert!(
            main_plain.contains(&format!("mandat-{name}(1)\n{}", about.trim())),
            "mandat.1 lists `{name}` with its description:\n{main_plain}"
        );
        let page =
            plain(&std::fs::read_to_string(dir.path().join(format!("mandat-{name}.1"))).unwrap());
        let (sub_help, _) = text(&mandat(&[name, "--help"]));
        for arg in help_section(&sub_help, "Arguments:") {
            let arg = arg.split_whitespace().next().unwrap();
            assert!(
                page.contains(arg),
                "mandat-{name}.1 has the argument {arg}:\n{page}"
            );
        }
        let options = help_section(&sub_help, "Options:");
        assert!(!options.is_empty(), "{sub_help}");
        for option in options {
            // `--root <DIR>  The site folder…`: the flag and its value's name.
            let shown: Vec<&str> = option.split("  ").next().unwrap().split(", ").collect();
            for flag in shown {
                assert!(page.contains(flag), "mandat-{name}.1 has `{flag}`:\n{page}");
            }
        }
    }
    for section in ["\"EXIT STATUS\"", "ENVIRONMENT", "FILES", "\"SEE ALSO\""] {
        assert!(main.contains(&format!("\n.SH {section}\n")), "{section}");
    }

    // `mandat man` without --out prints the same mandat.1.
    let printed = mandat(&["man"]);
    assert!(printed.status.success());
    assert_eq!(String::from_utf8(printed.stdout).unwrap(), main);
    // And the hidden command is not offered to people reading --help.
    assert!(!names.iter().any(|n| n == "man"), "{help}");

    // groff, where it is installed, reads every page without a warning.
    match Command::new("groff").arg("--version").output() {
        Ok(_) => {
            for page in &expected {
                let o = Command::new("groff")
                    .args(["-man", "-Tutf8", "-ww", "-z"])
                    .arg(dir.path().join(page))
                    .output()
                    .unwrap();
                assert!(
                    o.status.success() && o.stderr.is_empty(),
                    "{page}: {}",
                    String::from_utf8_lossy(&o.stderr)
                );
            }
        }
        Err(_) => eprintln!("groff is not installed: the pages' roff was not run through it"),
    }
}

fn template(name: &str) -> Value {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("deploy")
        .join(name);
    let text = std::fs::read_to_string(&path).unwrap();
    serde_yaml::from_str(&text).unwrap_or_else(|e| panic!("{name} is not valid YAML: {e}"))
}

fn github_step<'a>(workflow: &'a Value, job: &str, name: &str) -> &'a Value {
    workflow["jobs"][job]["steps"]
        .as_sequence()
        .unwrap()
        .iter()
        .find(|s| s["name"].as_str() == Some(name))
        .unwrap_or_else(|| panic!("no step `{name}` in the job `{job}`"))
}

fn github_uses<'a>(workflow: &'a Value, job: &str, action: &str) -> &'a Value {
    workflow["jobs"][job]["steps"]
        .as_sequence()
        .unwrap()
        .iter()
        .find(|s| {
            s["uses"]
                .as_str()
                .is_some_and(|u| u.starts_with(&format!("{action}@")))
        })
        .unwrap_or_else(|| panic!("the job `{job}` does not use {action}"))
}

#[test]
fn the_github_template_checks_builds_and_deploys_to_pages() {
    let w = template("github-pages.yml");
    let on = &w["on"];
    assert!(
        on.get("push").is_some() && on.get("pull_request").is_some(),
        "{on:?}"
    );
    assert_eq!(w["permissions"]["pages"].as_str(), Some("write"));
    assert_eq!(w["permissions"]["id-token"].as_str(), Some("write"));
    assert_eq!(w["permissions"]["contents"].as_str(), Some("read"));
    github_uses(&w, "build", "actions/checkout");
    let configure = github_uses(&w, "build", "actions/configure-pages");
    assert_eq!(configure["id"].as_str(), Some("pages"));
    let upload = github_uses(&w, "build", "actions/upload-pages-artifact");
    assert_eq!(upload["with"]["path"].as_str(), Some("public"));
    let build = github_step(&w, "build", "Build the site");
    assert_eq!(
        build["env"]["BASE_URL"].as_str(),
        Some("${{ steps.pages.outputs.base_url }}")
    );
    let deploy = &w["jobs"]["deploy"];
    assert_eq!(deploy["needs"].as_str(), Some("build"));
    assert_eq!(deploy["environment"]["name"].as_str(), Some("github-pages"));
    github_uses(&w, "deploy", "actions/deploy-pages");
    // Only the default branch publishes.
    for condition in [&configure["if"], &deploy["if"]] {
        assert!(
            condition
                .as_str()
                .unwrap()
                .contains("github.event.repository.default_branch"),
            "{condition:?}"
        );
    }
}

#[test]
fn the_gitlab_template_checks_every_push_and_publishes_public() {
    let c = template("gitlab-ci.yml");
    let pages = &c["pages"];
    let paths: Vec<&str> = pages["artifacts"]["paths"]
        .as_sequence()
        .unwrap()
        .iter()
        .map(|p| p.as_str().unwrap())
        .collect();
    assert_eq!(paths, ["public"]);
    assert_eq!(
        pages["rules"][0]["if"].as_str(),
        Some("$CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH")
    );
    assert_eq!(
        c["check"]["rules"][0]["if"].as_str(),
        Some("$CI_COMMIT_BRANCH && $CI_COMMIT_BRANCH != $CI_DEFAULT_BRANCH")
    );
    for job in ["check", "pages"] {
        let script = shell(&c[job]["script"]);
        assert!(script.contains("mandat check\n"), "{job}: {script}");
        assert!(
            script.contains("mandat build --out public"),
            "{job}: {script}"
        );
    }
}

/// A GitLab script (a list of lines) or a GitHub `run:` (one text) as one shell script.
fn shell(script: &Value) -> String {
    match script {
        Value::String(s) => s.clone(),
        Value::Sequence(lines) => lines
            .iter()
            .map(|l| format!("{}\n", l.as_str().unwrap()))
            .collect(),
        other => panic!("not a script: {other:?}"),
    }
}

/// Runs `script` with bash in `dir`, with this build of mandat first on the PATH.
fn run(script: &str, dir: &Path, env: &[(&str, &str)]) -> std::process::Output {
    let bin_dir = Path::new(env!("CARGO_BIN_EXE_mandat")).parent().unwrap();
    let path = format!(
        "{}:{}",
        bin_dir.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    Command::new("bash")
        .args(["-e", "-c", script])
        .current_dir(dir)
        .env("PATH", path)
        .env("NO_COLOR", "1")
        .envs(env.iter().copied())
        .output()
        .unwrap()
}

#[test]
fn the_templates_commands_check_and_build_a_site_at_the_pages_address() {
    let w = template("github-pages.yml");
    let site = copy_site("basic");
    let script = format!(
        "{}\n{}",
        shell(&github_step(&w, "build", "Check the site")["run"]),
        shell(&github_step(&w, "build", "Build the site")["run"])
    );
    let o = run(
        &script,
        site.path(),
        &[("BASE_URL", "https://org.github.io/nettsted")],
    );
    assert!(o.status.success(), "{:?}", text(&o));
    let home = std::fs::read_to_string(site.path().join("public/index.html")).unwrap();
    assert!(home.contains("href=\"/nettsted/tidslinje/\""), "{home}");

    // Outside the default branch there is no Pages address: site.yaml's base_url holds.
    let site = copy_site("basic");
    let o = run(&script, site.path(), &[("BASE_URL", "")]);
    assert!(o.status.success(), "{:?}", text(&o));
    let home = std::fs::read_to_string(site.path().join("public/index.html")).unwrap();
    assert!(home.contains("href=\"/tidslinje/\""), "{home}");

    let c = template("gitlab-ci.yml");
    let site = copy_site("basic");
    let o = run(
        &shell(&c["pages"]["script"]),
        site.path(),
        &[("CI_PAGES_URL", "https://gruppe.gitlab.io/nettsted")],
    );
    assert!(o.status.success(), "{:?}", text(&o));
    let home = std::fs::read_to_string(site.path().join("public/index.html")).unwrap();
    assert!(home.contains("href=\"/nettsted/tidslinje/\""), "{home}");

    // A site with a mistake fails the job at `mandat check`, naming the file.
    let site = copy_site("basic");
    std::fs::write(
        site.path().join("content/pages/om.md"),
        "---\ntitle: Om\nsumary: x\n---\n",
    )
    .unwrap();
    let o = run(&shell(&c["pages"]["script"]), site.path(), &[]);
    let (_, stderr) = text(&o);
    assert_eq!(o.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("content/pages/om.md:3:1: error: unknown field `sumary`"),
        "{stderr}"
    );
    assert!(!site.path().join("public").exists());
}

#[test]
fn the_templates_stop_with_a_message_until_mandat_url_is_filled_in() {
    let w = template("github-pages.yml");
    let install = shell(&github_step(&w, "build", "Install mandat")["run"]);
    let env = [
        ("MANDAT_URL", w["env"]["MANDAT_URL"].as_str().unwrap()),
        ("MANDAT_SHA256", w["env"]["MANDAT_SHA256"].as_str().unwrap()),
    ];
    let dir = tempfile::tempdir().unwrap();
    let o = run(&install, dir.path(), &env);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        text(&o)
            .0
            .contains("::error::Fill in MANDAT_URL and MANDAT_SHA256"),
        "{:?}",
        text(&o)
    );

    let c = template("gitlab-ci.yml");
    let first = c["default"]["before_script"][0].as_str().unwrap();
    let env = [
        ("MANDAT_URL", c["variables"]["MANDAT_URL"].as_str().unwrap()),
        (
            "MANDAT_SHA256",
            c["variables"]["MANDAT_SHA256"].as_str().unwrap(),
        ),
    ];
    let o = run(first, dir.path(), &env);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        text(&o).0.contains("Fill in MANDAT_URL and MANDAT_SHA256"),
        "{:?}",
        text(&o)
    );
}
