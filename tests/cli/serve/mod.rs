//! `mandat serve` as a user meets it: the real binary on a free port, serving a copy of a
//! fixture site, talked to over plain TCP. Every wait has a deadline, and the server is
//! stopped when a test ends, passing or failing.

mod harness;
mod limits;
mod same;

use std::fs;
use std::io::{BufReader, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::*;
use harness::{Events, Server, SOON};

fn is(kind: &str) -> impl Fn(&Value) -> bool + '_ {
    move |e| e["type"] == kind
}

#[test]
fn serves_pages_assets_and_the_404_page() {
    let site = copy_site("basic");
    let server = Server::start(site.path());

    let home = server.get("/");
    assert_eq!(home.status, 200);
    assert_eq!(home.header("content-type"), "text/html; charset=utf-8");
    assert!(home
        .body
        .contains("<script src=\"/__mandat/reload.js\" defer></script>"));
    // Pages link to this server, not to the base_url of site.yaml.
    assert!(home
        .body
        .contains(&format!("http://127.0.0.1:{}/", server.port)));

    let page = server.get("/artikler/nyhet/");
    assert_eq!(page.status, 200);
    assert!(page.body.contains("Ei nyheit"));
    assert_eq!(server.get("/artikler/nyhet/index.html").body, page.body);

    let folder = server.get("/artikler/nyhet?x=1");
    assert_eq!(folder.status, 301);
    assert_eq!(folder.header("location"), "/artikler/nyhet/?x=1");

    let missing = server.get("/finnes-ikke/");
    assert_eq!(missing.status, 404);
    assert_eq!(missing.header("content-type"), "text/html; charset=utf-8");
    assert!(
        missing.body.contains("Siden finnes ikke"),
        "the site's 404 page"
    );

    let head = server.send("HEAD / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
    assert_eq!(head.status, 200);
    assert_eq!(head.header("content-length"), home.body.len().to_string());

    let css_path = home
        .body
        .split("href=\"")
        .map(|s| &s[..s.find('"').unwrap_or(0)])
        .find(|h| h.ends_with(".css"))
        .unwrap()
        .to_owned();
    let css = server.get(&css_path);
    assert_eq!(css.status, 200);
    assert_eq!(css.header("content-type"), "text/css; charset=utf-8");
    assert_eq!(
        server.get("/artikler/logo.svg").header("content-type"),
        "image/svg+xml"
    );
    assert_eq!(
        server.get("/atom.xml").header("content-type"),
        "application/atom+xml; charset=utf-8"
    );
    let script = server.get("/__mandat/reload.js");
    assert_eq!(
        script.header("content-type"),
        "text/javascript; charset=utf-8"
    );
    assert!(script.body.contains("EventSource"));

    let post = server.send(
        "POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
    );
    assert_eq!(post.status, 405);

    // Open event streams and a client that never finishes its request hold no one up.
    let _streams: Vec<Events> = (0..20).map(|_| server.listen("/")).collect();
    let mut stalled = TcpStream::connect(("127.0.0.1", server.port)).unwrap();
    stalled.write_all(b"GET / HTTP/1.1\r\nHost: 127").unwrap();
    let started = Instant::now();
    for _ in 0..20 {
        assert_eq!(server.get("/roller/").status, 200);
    }
    assert!(started.elapsed() < Duration::from_secs(20));

    // `build` writes no trace of the live-reload script.
    let out = site.path().join("output");
    let o = build(site.path(), &out);
    assert!(o.status.success());
    assert!(!read(&out, "index.html").contains("__mandat"));
    assert!(!out.join("__mandat").exists());
}

#[test]
fn refuses_every_path_out_of_the_build() {
    let site = copy_site("basic");
    let outside = tempfile::tempdir().unwrap();
    fs::write(outside.path().join("secret.txt"), "TOPSECRET").unwrap();
    fs::write(site.path().join("secret.txt"), "TOPSECRET").unwrap();
    // A link in content/ to a file outside the site is a content error now (see
    // input_safety.rs), so the site here has none: the paths below must not reach out.
    let server = Server::start(site.path());

    let port = server.port;
    for target in [
        "/../secret.txt".to_owned(),
        "/artikler/../../secret.txt".into(),
        "/%2e%2e/secret.txt".into(),
        "/%2E%2E/%2e%2e/secret.txt".into(),
        "/..%2fsecret.txt".into(),
        "/%2f..%2fsecret.txt".into(),
        "/..\\secret.txt".into(),
        "/%5c..%5csecret.txt".into(),
        "//secret.txt".into(),
        format!("{}/secret.txt", site.path().display()),
        format!("/{}/secret.txt", site.path().display()),
        format!("http://127.0.0.1:{port}/../secret.txt"),
        "/assets/../../content/site.yaml".into(),
        "/content/site.yaml".into(),
        "/lenke.txt".into(),
    ] {
        let reply = server.send(&format!(
            "GET {target} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
        ));
        assert!(
            matches!(reply.status, 400 | 403 | 404),
            "{target}: {}",
            reply.status
        );
        assert!(!reply.body.contains("TOPSECRET"), "{target}");
        assert!(!reply.body.contains("title: Testnettsted"), "{target}");
    }
}

#[test]
fn an_edit_reloads_the_open_page() {
    let site = copy_site("basic");
    let css = site.path().join("themes/default/static/style.css");
    fs::create_dir_all(css.parent().unwrap()).unwrap();
    fs::copy(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/default/static/style.css"),
        &css,
    )
    .unwrap();
    let server = Server::start(site.path());
    let mut events = server.listen("/artikler/nyhet/");
    events.until(SOON, is("hello"));

    let file = site.path().join("content/pages/artikler/nyhet.md");
    let text = fs::read_to_string(&file).unwrap();
    fs::write(&file, text.replace("viktig", "svært viktig")).unwrap();
    let reload = events.until(SOON, is("reload"));
    assert_eq!(reload["paths"], serde_json::json!(["/artikler/nyhet/"]));
    assert!(server.get("/artikler/nyhet/").body.contains("svært viktig"));

    // A page that was away (a hidden tab) hears on return that it is out of date.
    let since = reload["build"].as_str().unwrap().to_owned();
    let older = format!("{}-1", since.rsplit_once('-').unwrap().0);
    let mut back = TcpStream::connect(("127.0.0.1", server.port)).unwrap();
    back.set_read_timeout(Some(Duration::from_millis(200)))
        .unwrap();
    write!(
        back,
        "GET /__mandat/events?since={older}&path=/artikler/nyhet/ HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
    )
    .unwrap();
    let mut back = Events {
        reader: BufReader::new(back),
        data: String::new(),
    };
    assert_eq!(back.until(SOON, is("hello"))["reload"], true);

    // A stylesheet is swapped in place.
    fs::write(&css, "body { color: #222; }\n").unwrap();
    let styles = events.until(SOON, is("styles"));
    let swap = styles["swap"].as_object().unwrap();
    let new = swap.values().next().unwrap().as_str().unwrap();
    assert!(server.get(new).body.contains("#222"));
}

#[test]
fn a_broken_file_shows_its_error_over_the_last_good_site_until_fixed() {
    let site = copy_site("basic");
    let mut server = Server::start(site.path());
    let mut events = server.listen("/artikler/nyhet/");
    events.until(SOON, is("hello"));

    let file = site.path().join("content/pages/artikler/nyhet.md");
    let good = fs::read_to_string(&file).unwrap();
    fs::write(&file, good.replace("title: Ei nyheit", "title: [Ei nyheit")).unwrap();
    let error = events.until(SOON, is("error"));
    let text = error["error"].as_str().unwrap();
    assert!(
        text.contains("content/pages/artikler/nyhet.md:2:"),
        "{text}"
    );

    // The terminal names the file and line; the last good site is still served.
    // (Both lines may not have been read yet when the first is.)
    server.wait_for(SOON, "the error in the terminal", |s| {
        let err = s.err();
        err.contains("content/pages/artikler/nyhet.md:2:")
            && err.contains("the browser shows the last good version")
    });
    let page = server.get("/artikler/nyhet/");
    assert_eq!(page.status, 200);
    assert!(page.body.contains("Ei nyheit"));
    // A page opened now hears of the error at once, and it has a page of its own.
    let mut late = server.listen("/");
    assert!(late.until(SOON, is("hello"))["error"]
        .as_str()
        .unwrap()
        .contains("nyhet.md:2:"));
    assert!(server.get("/__mandat/errors").body.contains("nyhet.md:2:"));

    // Fixed: the error goes, the page reloads with the new text.
    fs::write(
        &file,
        good.replace("title: Ei nyheit", "title: Ei retta nyheit"),
    )
    .unwrap();
    let reload = events.until(SOON, is("reload"));
    assert!(reload["error"].is_null());
    assert!(server
        .get("/artikler/nyhet/")
        .body
        .contains("Ei retta nyheit"));
    server.wait_for(SOON, "the fix in the terminal", |s| {
        s.out().contains("the problems are fixed")
    });
    assert!(server.get("/__mandat/errors").body.contains("No problems"));
}

/// A page the editor swaps for a link to a file outside the site is refused when the
/// preview reads it again, as a build refuses it: the outside text is never served.
#[cfg(unix)]
#[test]
fn a_page_swapped_for_a_link_out_of_the_site_is_refused() {
    let site = copy_site("basic");
    let outside = tempfile::tempdir().unwrap();
    let secret = outside.path().join("hemmelig.md");
    fs::write(&secret, "---\ntitle: Hemmelig\n---\n\nTOPSECRET\n").unwrap();
    let mut server = Server::start(site.path());
    let mut events = server.listen("/artikler/nyhet/");
    events.until(SOON, is("hello"));

    // Swapped in one step, as an editor saving through a link would.
    let file = site.path().join("content/pages/artikler/nyhet.md");
    let link = site.path().join("content/pages/artikler/.nyhet.lenke");
    std::os::unix::fs::symlink(&secret, &link).unwrap();
    fs::rename(&link, &file).unwrap();
    let error = events.until(SOON, is("error"));
    let text = error["error"].as_str().unwrap();
    assert!(text.contains("nyhet.md"), "{text}");
    assert!(text.contains("outside the site folder"), "{text}");
    for path in ["/artikler/nyhet/", "/", "/__mandat/errors"] {
        let page = server.get(path);
        assert!(!page.body.contains("TOPSECRET"), "{path}");
    }
    server.wait_for(SOON, "the error in the terminal", |s| {
        s.err().contains("outside the site folder")
    });
}

#[test]
fn a_burst_of_writes_rebuilds_once() {
    let site = copy_site("basic");
    let mut server = Server::start(site.path());
    let mut events = server.listen("/");
    events.until(SOON, is("hello"));
    let before = server.count("rebuilt");

    let folder = site.path().join("content/pages/mange");
    fs::create_dir_all(&folder).unwrap();
    for i in 0..20 {
        fs::write(
            folder.join(format!("side-{i}.md")),
            format!("---\ntitle: Side {i}\n---\nTekst {i}.\n"),
        )
        .unwrap();
    }
    server.wait_for(SOON, "the new pages", |s| {
        s.get("/mange/side-19/").status == 200
    });
    let reloads: Vec<Value> = events
        .during(Duration::from_millis(1500))
        .into_iter()
        .filter(|e| e["type"] == "reload")
        .collect();
    assert!(reloads.len() <= 1, "{reloads:?}");
    assert_eq!(server.count("rebuilt") - before, 1, "{}", server.out());
    for i in 0..20 {
        assert_eq!(server.get(&format!("/mange/side-{i}/")).status, 200);
    }
}

#[test]
fn editors_scratch_files_and_the_output_are_not_watched() {
    let site = copy_site("basic");
    let mut server = Server::start(site.path());
    let mut events = server.listen("/");
    events.until(SOON, is("hello"));
    let pages = site.path().join("content/pages");
    for name in [
        ".nyhet.md.swp",
        "nyhet.md~",
        "#nyhet.md#",
        "4913",
        ".#nyhet.md",
    ] {
        fs::write(pages.join(name), "---\ntitle: [broken\n").unwrap();
    }
    fs::create_dir_all(site.path().join("output")).unwrap();
    fs::write(site.path().join("output/index.html"), "x").unwrap();
    let heard = events.during(Duration::from_millis(1000));
    assert!(heard.is_empty(), "{heard:?}");
    assert_eq!(server.count("rebuilt"), 0, "{}", server.out());

    // A real save after them is seen.
    let file = pages.join("artikler/nyhet.md");
    let text = fs::read_to_string(&file).unwrap();
    fs::write(&file, text.replace("viktig", "heilt viktig")).unwrap();
    events.until(SOON, is("reload"));
    server.wait_for(SOON, "the rebuild", |s| s.count("rebuilt") == 1);
}

#[test]
fn a_taken_port_is_explained() {
    let site = copy_site("basic");
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port().to_string();
    let o = mandat(&[
        "serve",
        "--root",
        site.path().to_str().unwrap(),
        "--port",
        &port,
    ]);
    let (_, stderr) = text(&o);
    assert_eq!(o.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains(&format!("port {port} on 127.0.0.1 is already in use")),
        "{stderr}"
    );
    assert!(stderr.contains("--port"), "{stderr}");
}

#[cfg(unix)]
#[test]
fn ctrl_c_stops_the_server() {
    let site = copy_site("basic");
    let mut server = Server::start(site.path());
    let pid = server.child.id().to_string();
    assert!(Command::new("kill")
        .args(["-INT", &pid])
        .status()
        .unwrap()
        .success());
    let deadline = Instant::now() + SOON;
    let status = loop {
        if let Some(status) = server.child.try_wait().unwrap() {
            break status;
        }
        assert!(Instant::now() < deadline, "still running after Ctrl-C");
        std::thread::sleep(Duration::from_millis(20));
    };
    assert!(status.success(), "{status}");
    while !server.out().ends_with("stopped\n") {
        assert!(Instant::now() < deadline, "no last line: {}", server.out());
        std::thread::sleep(Duration::from_millis(20));
    }
}
