//! The preview under abuse: it stays up when connections or open files run out, reads
//! no more of a request than it needs, answers only the names it is reached by on this
//! computer, frees live-reload slots as soon as pages go, and follows a content/ folder
//! that is deleted and put back. Every load is bounded in count and time.

use std::fs;
use std::io::{BufRead, BufReader, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use crate::*;

use super::harness::{Events, Server, SOON};

/// Connects, or gives up after a second (a server that does not accept leaves the
/// connection waiting in the queue, or refuses it).
fn connect(port: u16) -> Option<TcpStream> {
    let address = std::net::SocketAddr::from(([127, 0, 0, 1], port));
    TcpStream::connect_timeout(&address, Duration::from_secs(1)).ok()
}

/// `/` answers 200 within `limit`, asked again until it does.
fn answers_within(server: &Server, limit: Duration) -> bool {
    let deadline = Instant::now() + limit;
    while Instant::now() < deadline {
        if let Some(mut s) = connect(server.port) {
            let _ = s.set_read_timeout(Some(Duration::from_secs(2)));
            let sent =
                s.write_all(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
            let mut line = String::new();
            if sent.is_ok()
                && BufReader::new(s).read_line(&mut line).is_ok()
                && line.starts_with("HTTP/1.1 200")
            {
                return true;
            }
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    false
}

#[cfg(unix)]
#[test]
fn running_out_of_open_files_does_not_stop_the_preview() {
    let site = copy_site("basic");
    // 64 files: a few for the process itself, the rest run out below.
    let mut server = Server::start_with_open_files(site.path(), 64);
    assert_eq!(server.get("/").status, 200);

    // More idle connections than the process may have files: some are taken, the rest
    // wait in the queue (or are refused once it is full).
    let idle: Vec<TcpStream> = (0..150).filter_map(|_| connect(server.port)).collect();
    assert!(idle.len() > 64, "only {} connections were made", idle.len());
    std::thread::sleep(Duration::from_millis(500));
    assert!(
        server.child.try_wait().unwrap().is_none(),
        "the server stopped\n{}",
        server.err()
    );
    drop(idle);

    assert!(
        answers_within(&server, SOON),
        "no page after the connections closed\n--- stderr\n{}",
        server.err()
    );
    // And it keeps answering, page after page.
    for _ in 0..20 {
        assert_eq!(server.get("/artikler/nyhet/").status, 200);
    }
    server.wait_for(SOON, "the server to say why it waited", |s| {
        s.err().contains("open files")
    });
}

#[test]
fn a_request_head_without_end_is_cut_off() {
    let site = copy_site("basic");
    let server = Server::start(site.path());
    let before = server.memory_kib();

    let stream = connect(server.port).expect("connect");
    stream.set_read_timeout(Some(SOON)).unwrap();
    stream.set_write_timeout(Some(SOON)).unwrap();
    let mut writer = stream.try_clone().unwrap();
    // 64 MB of one header line that never ends, written while the answer is read.
    const TOTAL: usize = 64 << 20;
    let sending = std::thread::spawn(move || {
        let chunk = vec![b'a'; 64 << 10];
        let mut sent = 0;
        let _ = writer.write_all(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Long: ");
        while sent < TOTAL {
            if writer.write_all(&chunk).is_err() {
                break;
            }
            sent += chunk.len();
        }
        sent
    });
    let mut line = String::new();
    let _ = BufReader::new(&stream).read_line(&mut line);
    let sent = sending.join().unwrap();
    assert!(
        line.starts_with("HTTP/1.1 431"),
        "answer {line:?} after {sent} bytes"
    );
    assert!(sent < TOTAL, "the server read all {sent} bytes");
    if let (Some(before), Some(after)) = (before, server.memory_kib()) {
        assert!(
            after < before + 32 * 1024,
            "memory grew from {before} KiB to {after} KiB"
        );
    }
    assert_eq!(server.get("/").status, 200);
}

#[test]
fn answers_only_the_names_it_is_reached_by() {
    let site = copy_site("basic");
    let mut server = Server::start(site.path());
    // A problem, so that /__mandat/errors has file paths and lines to leak.
    let file = site.path().join("content/pages/artikler/nyhet.md");
    let good = fs::read_to_string(&file).unwrap();
    fs::write(&file, good.replace("title: Ei nyheit", "title: [Ei nyheit")).unwrap();
    server.wait_for(SOON, "the error", |s| s.err().contains("nyhet.md:2:"));

    let port = server.port;
    for path in [
        "/",
        "/artikler/nyhet/",
        "/__mandat/errors",
        "/__mandat/events",
    ] {
        for host in [
            "evil.example.com".to_owned(),
            format!("evil.example.com:{port}"),
            format!("127.0.0.1.evil.example.com:{port}"),
            format!("localhost.evil.example.com:{port}"),
            "10.1.2.3".to_owned(),
        ] {
            let reply = server.send(&format!(
                "GET {path} HTTP/1.1\r\nHost: {host}\r\nOrigin: http://{host}\r\nConnection: close\r\n\r\n"
            ));
            assert_eq!(reply.status, 403, "{host} {path}");
            assert!(!reply.body.contains("nyhet.md"), "{host} {path}");
            assert!(reply.body.contains("localhost"), "says why: {}", reply.body);
        }
        if path.ends_with("events") {
            continue;
        }
        for host in [
            format!("127.0.0.1:{port}"),
            format!("localhost:{port}"),
            format!("LocalHost:{port}"),
            "127.0.0.1".to_owned(),
            format!("[::1]:{port}"),
        ] {
            let reply = server.send(&format!(
                "GET {path} HTTP/1.1\r\nHost: {host}\r\nOrigin: http://evil.example.com\r\nConnection: close\r\n\r\n"
            ));
            assert_ne!(reply.status, 403, "{host} {path}");
            assert!(
                reply
                    .headers
                    .iter()
                    .all(|(k, _)| !k.starts_with("access-control-")),
                "{host} {path}: {:?}",
                reply.headers
            );
        }
    }
    assert!(server
        .send("GET /__mandat/errors HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
        .body
        .contains("nyhet.md:2:"));
}

#[test]
fn a_reload_slot_is_free_as_soon_as_its_page_goes() {
    let site = copy_site("basic");
    let server = Server::start(site.path());
    // Open streams until the server asks to wait: there is a limit, and it is generous.
    let mut streams: Vec<Events> = Vec::new();
    let refused = loop {
        assert!(streams.len() < 2000, "no limit on event streams");
        match server.try_listen("/") {
            Ok(events) => streams.push(events),
            Err(status) => break status,
        }
    };
    assert_eq!(refused, 503);
    assert!(streams.len() >= 64, "only {} streams", streams.len());
    assert!(streams.len() <= 1024, "{} streams", streams.len());
    // Pages still load while every slot is taken.
    assert_eq!(server.get("/").status, 200);

    // Every page goes; a new one gets a slot within a few seconds.
    drop(streams);
    let started = Instant::now();
    let mut last = 0;
    while started.elapsed() < Duration::from_secs(5) {
        match server.try_listen("/") {
            Ok(mut events) => {
                events.until(SOON, |e| e["type"] == "hello");
                return;
            }
            Err(status) => last = status,
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    panic!("still refused ({last}) 5 s after every page closed");
}

#[test]
fn content_deleted_and_put_back_is_followed() {
    let site = copy_site("basic");
    let mut server = Server::start(site.path());
    assert!(server
        .get("/artikler/nyhet/")
        .body
        .contains("Dette er viktig"));

    // Another copy of the content, with other text, put in place of the first.
    let other = tempfile::tempdir().unwrap();
    copy_dir(&site.path().join("content"), other.path());
    let page = other.path().join("pages/artikler/nyhet.md");
    let text = fs::read_to_string(&page).unwrap();
    fs::write(&page, text.replace("Dette er viktig", "Dette er nytt")).unwrap();
    // The old copy goes first, and the preview says so, before the new one comes:
    // two changes, as a person doing it by hand makes them.
    let content = site.path().join("content");
    fs::remove_dir_all(&content).unwrap();
    server.wait_for(SOON, "the missing content/ in the terminal", |s| {
        s.err().contains("no site.yaml")
    });
    copy_dir(other.path(), &content);
    server.wait_for(SOON, "the new copy's text", |s| {
        s.get("/artikler/nyhet/").body.contains("Dette er nytt")
    });

    // The new folder is watched: a later save is seen too.
    let page = content.join("pages/artikler/nyhet.md");
    let text = fs::read_to_string(&page).unwrap();
    fs::write(&page, text.replace("Dette er nytt", "Dette er nyast")).unwrap();
    server.wait_for(SOON, "a save in the new copy", |s| {
        s.get("/artikler/nyhet/").body.contains("Dette er nyast")
    });
}
