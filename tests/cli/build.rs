//! Building fixture sites: what is written, determinism, atomicity, init, themes.

use std::fs;

use crate::*;

#[test]
fn builds_the_basic_fixture() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let o = build(&fixture("basic"), &out);
    let (stdout, stderr) = text(&o);
    assert!(o.status.success(), "{stderr}");
    assert!(stdout.starts_with("built 23 pages"), "{stdout}");

    for f in [
        "index.html",
        "404.html",
        "sitemap.xml",
        "atom.xml",
        "robots.txt",
        "data/records.json",
        "initiativ/index.html",
        "initiativ/strategi/index.html",
        "initiativ/avtale/index.html",
        "aktorer/index.html",
        "aktorer/dep/index.html",
        "roller/index.html",
        "tidslinje/index.html",
        "tidslinje/strategi/index.html",
        "tidslinje/aktorer/dep/index.html",
        "artikler/index.html",
        "artikler/nyhet/index.html",
        "artikler/logo.svg",
        "tilgjengelighet/index.html",
        "tags/index.html",
        "tags/kompetanse/index.html",
        "tags/tillit/index.html",
    ] {
        assert!(out.join(f).is_file(), "missing {f}");
    }

    let strategy = read(&out, "initiativ/strategi/index.html");
    // Dates keep their precision; labels carry the document's wording.
    assert!(
        strategy
            .contains("<time datetime=\"2018\">2018</time>–<time datetime=\"2024\">2024</time>"),
        "period"
    );
    assert!(
        strategy.contains("<time datetime=\"2018\">høsten 2018</time>"),
        "date label"
    );
    assert!(
        strategy.contains("utgitt <time datetime=\"2017-10\">oktober 2017</time>"),
        "source date"
    );
    // The ministry is shown with the name it had in 2018, and today's in brackets.
    assert!(strategy
        .contains("Gammeldepartementet</a> <span class=\"muted\">(i dag Nydepartementet)</span>"));
    // Status from as_of (2021-06-01), never from the clock.
    assert!(strategy.contains("status-active"));
    // Relations both ways, links rewritten from file paths.
    assert!(strategy.contains(
        "Følger opp: <a href=\"/initiativ/avtale/\" lang=\"nn\">Avtale om samarbeid</a>"
    ));
    assert!(strategy.contains("<a href=\"/artikler/nyhet/#sitat\">artikkelen</a>"));
    assert!(strategy.contains("<h3 id=\"videreutdanning\">Videreutdanning</h3>"));
    assert!(strategy.contains("<strong>ansatte</strong>"));

    let agreement = read(&out, "initiativ/avtale/index.html");
    assert!(
        agreement.contains("<html lang=\"nn\">"),
        "a nynorsk initiative is a nynorsk page"
    );
    assert!(
        agreement.contains("Følgd opp av"),
        "UI strings follow the page's language"
    );
    assert!(agreement.contains("<time datetime=\"2005-09-01\">1. september 2005</time> – <time datetime=\"2008\">2008</time>"));
    assert!(agreement.contains("status-ended"));

    let article = read(&out, "artikler/nyhet/index.html");
    assert!(article.contains("<html lang=\"nn\">"));
    assert!(article.contains("Publisert <time datetime=\"2020-12-07\">7. desember 2020</time>"));
    assert!(article.contains("href=\"/initiativ/strategi/#videreutdanning\""));
    assert!(article.contains("src=\"/artikler/logo.svg\""));
    assert!(article.contains("<div class=\"table-scroll\""));

    let timeline = read(&out, "tidslinje/index.html");
    let signed = timeline.find("Avtalen blir signert").unwrap();
    let presented = timeline.find("Strategien legges fram").unwrap();
    let evaluated = timeline.find("Evaluering").unwrap();
    assert!(
        signed < presented && presented < evaluated,
        "events in date order"
    );
    assert!(timeline.contains("<time datetime=\"2021\">våren 2021</time>"));
    let e2005 = &timeline[signed..presented];
    // Names at the time of the event, today's beside them.
    assert!(e2005
        .contains("Gammeldepartementet</a> <span class=\"muted\">(i dag Nydepartementet)</span>"));

    let roles = read(&out, "roller/index.html");
    assert!(roles.contains("<th scope=\"row\"><a href=\"/aktorer/etaten/\">Etaten</a></th>"));
    assert!(roles.contains("<a href=\"/initiativ/strategi/#rolle-etaten\">Gjennomfører tiltak</a>"));

    let actor = read(&out, "aktorer/dep/index.html");
    assert!(actor.contains("<h1>Nydepartementet <span class=\"muted\">(ND)</span></h1>"));
    assert!(actor.contains("Eier strategien"));

    let home = read(&out, "index.html");
    assert!(home.contains("<h1>Velkommen til testnettstedet</h1>"));
    assert!(home.contains("<link rel=\"canonical\" href=\"https://test.example.no/\">"));
    assert!(!home.contains("<script"), "no script in build output");

    let sitemap = read(&out, "sitemap.xml");
    assert!(sitemap.contains(
        "<loc>https://test.example.no/artikler/nyhet/</loc>\n    <lastmod>2020-12-07</lastmod>"
    ));
    assert!(!sitemap.contains("404"));
    let atom = read(&out, "atom.xml");
    assert!(atom.contains("<updated>2020-12-07T00:00:00Z</updated>"));
    let robots = read(&out, "robots.txt");
    assert!(robots.contains("Sitemap: https://test.example.no/sitemap.xml"));

    let records: serde_json::Value =
        serde_json::from_str(&read(&out, "data/records.json")).unwrap();
    assert_eq!(records["version"], 1);
    assert_eq!(records["initiatives"].as_array().unwrap().len(), 2);
    assert_eq!(records["events"].as_array().unwrap().len(), 3);
    assert_eq!(records["initiatives"][1]["period"]["start"], "2018");
    assert_eq!(records["roles"].as_array().unwrap().len(), 3);
}

#[test]
fn two_builds_are_byte_identical() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (dir.path().join("a"), dir.path().join("b"));
    assert!(build(&fixture("basic"), &a).status.success());
    assert!(build(&fixture("basic"), &b).status.success());
    let (ta, tb) = (tree(&a), tree(&b));
    assert_eq!(ta.keys().collect::<Vec<_>>(), tb.keys().collect::<Vec<_>>());
    for (k, v) in &ta {
        assert!(tb[k] == *v, "{k} differs between two builds");
    }
}

#[test]
fn a_failed_build_leaves_the_previous_output_untouched() {
    let site = copy_site("basic");
    let out = site.path().join("output");
    assert!(build(site.path(), &out).status.success());
    let before = tree(&out);

    let broken = site.path().join("content/actors/ks.yaml");
    fs::write(
        &broken,
        "kind: municipal-sector\nnames:\n  - name: KS\nnavn: feil\n",
    )
    .unwrap();
    let o = build(site.path(), &out);
    let (_, stderr) = text(&o);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr.contains("content/actors/ks.yaml:4:1: error: unknown field `navn`"),
        "{stderr}"
    );
    assert!(stderr.contains("nothing was written"), "{stderr}");
    assert_eq!(tree(&out), before, "the previous output must be unchanged");
    let leftovers: Vec<_> = fs::read_dir(site.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".output") && !kept_beside(&out, n))
        .collect();
    assert!(
        leftovers.is_empty(),
        "no staging folder left behind: {leftovers:?}"
    );
}

#[test]
fn stale_files_do_not_survive_a_rebuild() {
    let site = copy_site("basic");
    let out = site.path().join("output");
    assert!(build(site.path(), &out).status.success());
    fs::remove_file(site.path().join("content/pages/tilgjengelighet.md")).unwrap();
    assert!(build(site.path(), &out).status.success());
    assert!(!out.join("tilgjengelighet/index.html").exists());
}

#[test]
fn a_rebuild_links_unchanged_files_and_removes_the_previous_output() {
    use std::os::unix::fs::MetadataExt;
    let site = copy_site("basic");
    let out = site.path().join("output");
    assert!(build(site.path(), &out).status.success());
    let inode = |p: &str| fs::metadata(out.join(p)).unwrap().ino();
    let (about, home) = (inode("tilgjengelighet/index.html"), inode("index.html"));
    let page = site.path().join("content/pages/tilgjengelighet.md");
    let text = fs::read_to_string(&page).unwrap();
    fs::write(&page, format!("{text}\nEt nytt avsnitt.\n")).unwrap();
    let before = tree(&out);
    assert!(build(site.path(), &out).status.success());

    assert_eq!(
        inode("index.html"),
        home,
        "an unchanged file is the same file"
    );
    assert_ne!(
        inode("tilgjengelighet/index.html"),
        about,
        "a changed file is written anew"
    );
    let after = tree(&out);
    assert!(
        String::from_utf8_lossy(&after["tilgjengelighet/index.html"]).contains("Et nytt avsnitt.")
    );
    assert_eq!(
        before.keys().collect::<Vec<_>>(),
        after.keys().collect::<Vec<_>>(),
        "the same files"
    );
    assert_ne!(
        before["tilgjengelighet/index.html"],
        after["tilgjengelighet/index.html"]
    );
    // The previous output is removed by a process of its own, after the build.
    let leftovers = || -> Vec<String> {
        fs::read_dir(site.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.starts_with(".output") && !kept_beside(&out, n))
            .collect()
    };
    for _ in 0..100 {
        if leftovers().is_empty() {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    assert_eq!(leftovers(), Vec::<String>::new());
}

#[test]
fn init_makes_a_site_that_builds_without_a_theme_folder() {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("ny");
    let o = mandat(&["init", site.to_str().unwrap()]);
    assert!(o.status.success(), "{:?}", text(&o));
    assert!(!site.join("themes").exists());
    let o = mandat(&["build", "--root", site.to_str().unwrap()]);
    assert!(o.status.success(), "{:?}", text(&o));
    assert!(site
        .join("output/initiativ/samarbeidsavtale/index.html")
        .is_file());
    // What a build makes stays out of git: the output, what it keeps beside it for the
    // next build, and the resized images.
    let ignored = fs::read_to_string(site.join(".gitignore")).unwrap();
    for pattern in ["/output/", "/.output.*", "/.mandat-cache/"] {
        assert!(
            ignored.lines().any(|l| l == pattern),
            "{pattern}: {ignored}"
        );
    }
    let beside: Vec<String> = fs::read_dir(&site)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with('.') && n != ".gitignore" && n != ".mandat-cache")
        .collect();
    assert!(
        !beside.is_empty() && beside.iter().all(|n| n.starts_with(".output.")),
        "{beside:?}"
    );
    // A second init refuses to overwrite.
    let o = mandat(&["init", site.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn bad_usage_exits_with_2() {
    assert_eq!(mandat(&["build", "--nope"]).status.code(), Some(2));
    assert_eq!(mandat(&["frobnicate"]).status.code(), Some(2));
    let help = mandat(&["--help"]);
    assert!(text(&help).0.contains("build"));
}

#[test]
fn refuses_to_replace_a_folder_it_did_not_write() {
    let site = copy_site("basic");
    let out = site.path().join("mine");
    fs::create_dir(&out).unwrap();
    fs::write(out.join("precious.txt"), "keep").unwrap();
    let o = build(site.path(), &out);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(
        fs::read_to_string(out.join("precious.txt")).unwrap(),
        "keep"
    );
    let o = build(site.path(), &site.path().join("content"));
    assert_eq!(o.status.code(), Some(2));
    assert!(site.path().join("content/site.yaml").exists());
}

/// A copy of the fixture `fixture` whose theme has `text` as its template `name` (under
/// `themes/default/templates/`).
fn with_template(fixture: &str, name: &str, text: &str) -> tempfile::TempDir {
    let site = copy_site(fixture);
    let path = site.path().join("themes/default/templates").join(name);
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(path, text).unwrap();
    site
}

#[test]
fn a_site_theme_overrides_the_built_in_one_file_by_file() {
    let site = with_template(
        "basic",
        "404.html",
        "{% extends \"base.html\" %}{% block content %}<h1>Borte</h1>{% endblock content %}",
    );
    let out = site.path().join("output");
    let o = build(site.path(), &out);
    assert!(o.status.success(), "{:?}", text(&o));
    assert!(read(&out, "404.html").contains("<h1>Borte</h1>"));
    assert!(
        read(&out, "index.html").contains("Velkommen"),
        "other templates still built in"
    );
}

/// A theme may loop over a map (`{% for k, v in assets %}`): its entries come in the
/// same order on every build (a table's keys sorted, a view's fields as declared), so
/// the same site gives the same pages.
#[test]
fn a_theme_s_loop_over_a_map_is_in_the_same_order_on_every_build() {
    let site = with_template(
        "basic",
        "404.html",
        "{% extends \"base.html\" %}{% block content %}<ul class=\"kart\">{% for k, v in assets %}<li>{{ k }}</li>{% endfor %}</ul><ol>{% for k, v in chrome %}<li>{{ k }}</li>{% endfor %}</ol>{% endblock content %}",
    );
    let lists = |n: usize| {
        let out = site.path().join(format!("output-{n}"));
        let o = build(site.path(), &out);
        assert!(o.status.success(), "{:?}", text(&o));
        let page = read(&out, "404.html");
        let start = page.find("<ul class=\"kart\">").expect("the list");
        let end = page.find("</ol>").expect("the list");
        page[start..end].to_owned()
    };
    let first = lists(1);
    assert!(
        first.starts_with("<ul class=\"kart\"><li>favicon.svg</li><li>print.js</li><li>search.js</li><li>style.css</li></ul>"),
        "{first}"
    );
    for n in 2..5 {
        assert_eq!(lists(n), first, "build {n}");
    }
}

/// A template in `templates/cached/` is rendered once for each language and shown on
/// every page under `cached.<name>`: a theme overrides the built-in footer and adds a
/// part of its own, in each page's written standard; a template in a subfolder is only
/// included.
#[test]
fn a_theme_s_parts_rendered_once_are_on_every_page_in_their_language() {
    let site = copy_site("language");
    let dir = site.path().join("themes/default/templates");
    fs::create_dir_all(dir.join("cached/deler")).unwrap();
    // Included only: on its own it would fail, as it has no `kind`.
    fs::write(dir.join("cached/deler/merke.html"), "<b>{{ kind }}</b>").unwrap();
    fs::write(
        dir.join("cached/footer.html"),
        "<footer>{{ site.title }}: {{ t.footer_feed }} ({{ lang }})</footer>",
    )
    .unwrap();
    let notice = "{% set kind = \"notis\" %}<p class=\"notice\">{{ st.skip }} {% include \"cached/deler/merke.html\" %}</p>";
    fs::write(dir.join("cached/notice.html"), notice).unwrap();
    let built_in = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/default");
    let base = fs::read_to_string(built_in.join("templates/base.html")).unwrap();
    let base = base.replace("<body>\n", "<body>\n{{ cached.notice | safe }}\n");
    fs::write(dir.join("base.html"), base).unwrap();
    let out = site.path().join("output");
    let o = build(site.path(), &out);
    assert!(o.status.success(), "{:?}", text(&o));
    let (mut nb, mut nn) = (0, 0);
    for (page, bytes) in tree(&out) {
        let html = String::from_utf8_lossy(&bytes);
        if !page.ends_with(".html") || !html.contains("<main") {
            continue;
        }
        assert!(html.contains("<p class=\"notice\">"), "{page}");
        assert!(html.contains("<b>notis</b></p>"), "{page}");
        if html.starts_with("<!DOCTYPE html>\n<html lang=\"nn\"") {
            assert!(html.contains("(nn)</footer>"), "{page}");
            nn += 1;
        } else {
            assert!(html.contains("(nb)</footer>"), "{page}");
            nb += 1;
        }
    }
    assert!(
        nb > 0 && nn > 0,
        "pages in both written standards: {nb}, {nn}"
    );
}

/// A part rendered once cannot show what differs from page to page: the error says so,
/// and where.
#[test]
fn a_part_rendered_once_that_uses_the_page_is_refused_with_what_it_gets() {
    let site = with_template(
        "basic",
        "cached/footer.html",
        "<footer>{{ page.title }}</footer>",
    );
    let out = site.path().join("output");
    let o = build(site.path(), &out);
    let (_, stderr) = text(&o);
    assert_eq!(o.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("themes/default/templates/cached/footer.html:1:12: error: the template uses `page.title`, which a part rendered once for each language does not have"),
        "{stderr}"
    );
    // What it gets is what it was given.
    assert!(
        stderr.contains("rendered once for each language, not for each page: it gets `assets`, `lang`, `public`, `site`, `st`, `statement_href`, `t` and `urls`; not `page`"),
        "{stderr}"
    );
    assert!(!out.exists(), "nothing written");
}

#[test]
fn base_url_flag_sets_addresses_and_base_path() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let o = build_with(
        &fixture("basic"),
        &out,
        &["--base-url", "https://a.example.no/politikk/"],
    );
    assert!(o.status.success(), "{:?}", text(&o));
    let home = read(&out, "index.html");
    assert!(home.contains("href=\"/politikk/tidslinje/\""));
    assert!(home.contains("<link rel=\"canonical\" href=\"https://a.example.no/politikk/\">"));
}

#[test]
fn check_reports_in_json() {
    let o = mandat(&[
        "check",
        "--root",
        fixture("basic").to_str().unwrap(),
        "--format",
        "json",
    ]);
    assert!(o.status.success(), "{:?}", text(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["errors"], 0);
}

#[test]
fn a_second_build_into_the_same_folder_waits_for_the_first() {
    use std::io::Read;
    use std::process::{Command, Stdio};
    use std::time::{Duration, Instant};

    let site = copy_site("basic");
    let out = site.path().join("out");
    // Hold the lock a build holds while it writes into out/ and swaps it into place.
    let lock = fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(site.path().join(".out.lock"))
        .unwrap();
    lock.lock().unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_mandat"))
        .args(["build", "--root", site.path().to_str().unwrap()])
        .args(["--out", out.to_str().unwrap()])
        .env("NO_COLOR", "1")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_millis(1500));
    assert!(
        child.try_wait().unwrap().is_none(),
        "the build waits while another holds the folder"
    );
    assert!(!out.exists(), "and writes nothing meanwhile");
    lock.unlock().unwrap();
    let deadline = Instant::now() + Duration::from_secs(60);
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        assert!(
            Instant::now() < deadline,
            "the build goes on once the lock is free"
        );
        std::thread::sleep(Duration::from_millis(50));
    };
    let mut stderr = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut stderr)
        .unwrap();
    assert!(status.success(), "{stderr}");
    assert!(
        stderr.contains(&format!(
            "waiting for another build into {} to finish",
            out.display()
        )),
        "{stderr}"
    );
    assert!(out.join("index.html").is_file());
}

#[test]
fn two_sites_built_at_once_into_one_folder_never_mix() {
    let a = copy_site("basic");
    let b = copy_site("timeline");
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let expect_a = tempfile::tempdir().unwrap();
    let expect_b = tempfile::tempdir().unwrap();
    assert!(build(a.path(), &expect_a.path().join("o")).status.success());
    assert!(build(b.path(), &expect_b.path().join("o")).status.success());
    let clean = |t: BTreeMap<String, Vec<u8>>| -> BTreeMap<String, Vec<u8>> {
        t.into_iter().filter(|(k, _)| !k.starts_with('.')).collect()
    };
    let tree_a = clean(tree(&expect_a.path().join("o")));
    let tree_b = clean(tree(&expect_b.path().join("o")));
    for round in 0..12 {
        let (oa, ob) = std::thread::scope(|s| {
            let ta = s.spawn(|| build(a.path(), &out));
            let tb = s.spawn(|| build(b.path(), &out));
            (ta.join().unwrap(), tb.join().unwrap())
        });
        assert!(oa.status.success() && ob.status.success(), "round {round}");
        let got = clean(tree(&out));
        assert!(
            got == tree_a || got == tree_b,
            "round {round}: the output is one site's, whole"
        );
    }
}
