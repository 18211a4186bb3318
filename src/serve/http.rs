//! Answers requests from the last good build, held in memory: pages, assets, the site's
//! 404 page, and the dev server's own files under `/__mandat/`. A request's path is only
//! ever looked up among the build's addresses, never joined to a folder, and requests
//! that try to climb out (`..`, encoded slashes or dots, backslashes) are refused, as
//! are requests for a host name that does not reach the preview on this computer.

use std::io::Write;
use std::net::{IpAddr, TcpStream};
use std::path::Path;

use super::engine::{Content, Site};
use super::listen::{self, Incoming, Request};
use super::State;

/// The dev server's own addresses; no site page can be there.
pub const PREFIX: &str = "/__mandat/";
pub const SCRIPT: &str = "/__mandat/reload.js";
const EVENTS: &str = "/__mandat/events";
const ERRORS: &str = "/__mandat/errors";

const LIVE_JS: &str = include_str!("live.js");

/// Answers what a connection brought: its request, or the refusal of its head.
pub fn answer(incoming: Incoming, state: &State) {
    match incoming {
        Incoming::Request(request) => handle(request, state),
        Incoming::Refused {
            stream,
            status,
            why,
        } => Reply::text(status, why).send(stream, false),
    }
}

pub fn handle(request: Request, state: &State) {
    let head = request.method == "HEAD";
    // Before anything else: a page on another site that has its name point at this
    // computer (DNS rebinding) must not read the preview, its errors least of all.
    if !from_this_computer(&request) {
        return Reply::text(403, ELSEWHERE).send(request.stream, head);
    }
    if !matches!(request.method.as_str(), "GET" | "HEAD") {
        let reply =
            Reply::text(405, "only GET and HEAD are answered here\n").with("Allow", "GET, HEAD");
        return reply.send(request.stream, head);
    }
    let url = request.target.as_str();
    let path = match request_path(url) {
        Ok(p) => p,
        Err(why) => {
            return Reply::text(400, &format!("refused: {why}\n")).send(request.stream, head)
        }
    };
    if let Some(own) = path.strip_prefix(PREFIX) {
        let reply = match own {
            "events" => {
                let query = query(url);
                let since = request
                    .header("Last-Event-ID")
                    .map(str::to_owned)
                    .or_else(|| param(query, "since"));
                let page = param(query, "path").unwrap_or_default();
                state.hub.subscribe(request.stream, since, &page);
                return;
            }
            "reload.js" => {
                let js = LIVE_JS
                    .replace("__BUILD__", &state.hub.build_id())
                    .replace("__EVENTS__", EVENTS)
                    .replace("__ERRORS__", ERRORS);
                Reply::new(200, js.into_bytes(), "text/javascript; charset=utf-8")
            }
            "errors" => {
                let page = errors_page(state.hub.error().as_deref());
                Reply::new(200, page.into_bytes(), HTML)
            }
            _ => Reply::text(404, "not found\n"),
        };
        return reply.send(request.stream, head);
    }
    let Some(site) = state.site() else {
        // No build has succeeded yet: every page is the list of problems.
        let page = errors_page(state.hub.error().as_deref());
        return Reply::new(500, page.into_bytes(), HTML).send(request.stream, head);
    };
    let reply = match find(&site, &path) {
        Found::Content(key, content) => {
            serve(&key, content, &[&state.content_dir, &state.cache_dir])
        }
        Found::Redirect(to) => {
            // The query goes along, unless it holds what cannot stand in a header.
            let query = url
                .split_once('?')
                .filter(|(_, q)| !q.chars().any(char::is_control))
                .map_or(String::new(), |(_, q)| format!("?{q}"));
            let location = format!("{}{query}", encode_path(&to));
            Reply::text(301, &format!("moved to {location}\n")).with("Location", &location)
        }
        Found::Nothing => match site.files.get("/404.html") {
            Some(Content::Bytes(b)) => Reply::new(404, b.to_vec(), HTML),
            _ => Reply::text(404, "not found\n"),
        },
    };
    reply.send(request.stream, head);
}

const ELSEWHERE: &str = "refused: this preview answers only when opened at localhost, 127.0.0.1, [::1] or this computer's own address, not under another name\n";

/// Whether the request names this computer as its host. One without a Host header
/// does not come from a browser (which always sends one); two are one too many.
fn from_this_computer(request: &Request) -> bool {
    let mut hosts = request.headers("Host");
    match (hosts.next(), hosts.next()) {
        (None, _) => true,
        (Some(host), None) => local_host(host, request.local),
        (Some(_), Some(_)) => false,
    }
}

/// Whether a Host header names this computer as its own browser reaches it: `localhost`
/// (and names under it, which browsers keep on this computer), a loopback address, or
/// `local`, the address the connection came in on (what another computer on the network
/// opens when the preview listens there). Any port: a forwarded port changes it, while
/// only the name tells a foreign page from the preview's own.
fn local_host(host: &str, local: IpAddr) -> bool {
    let name = match host.strip_prefix('[') {
        Some(rest) => match rest.split_once(']') {
            Some((ip, port)) if port.is_empty() || port.strip_prefix(':').is_some_and(digits) => ip,
            _ => return false,
        },
        None => match host.split_once(':') {
            Some((name, port)) if digits(port) => name,
            Some(_) => return false,
            None => host,
        },
    };
    let name = name.strip_suffix('.').unwrap_or(name).to_ascii_lowercase();
    if name == "localhost" || name.ends_with(".localhost") {
        return true;
    }
    name.parse::<IpAddr>().is_ok_and(|ip| {
        let ip = ip.to_canonical();
        ip.is_loopback() || ip == local.to_canonical()
    })
}

fn digits(s: &str) -> bool {
    s.bytes().all(|b| b.is_ascii_digit())
}

enum Found<'a> {
    Content(String, &'a Content),
    Redirect(String),
    Nothing,
}

/// The build's file for a request path: `/a/` and `/a/index.html` are the page `/a/`,
/// and `/a` is sent on to `/a/` when that is a page.
fn find<'a>(site: &'a Site, path: &str) -> Found<'a> {
    let key = path.strip_suffix("index.html").unwrap_or(path);
    if let Some(c) = site.files.get(key) {
        return Found::Content(key.to_owned(), c);
    }
    if let Some(c) = site.files.get(path) {
        return Found::Content(path.to_owned(), c);
    }
    let folder = format!("{path}/");
    if !path.ends_with('/') && site.files.contains_key(&folder) {
        return Found::Redirect(folder);
    }
    Found::Nothing
}

fn serve(key: &str, content: &Content, folders: &[&Path]) -> Reply {
    let kind = content_type(key);
    match content {
        Content::Bytes(b) => Reply::new(200, b.to_vec(), kind),
        Content::File(file) => {
            // A file from content/pages/ or a resized image: never one a link leads out
            // of the site to.
            let inside = file
                .canonicalize()
                .is_ok_and(|real| folders.iter().any(|f| real.starts_with(f)));
            if !inside {
                eprintln!(
                    "refused to serve {}: it leads to a file outside the site's content folder",
                    file.display()
                );
                return Reply::text(403, "refused: this file is a link to outside the site\n");
            }
            match std::fs::read(file) {
                Ok(b) => Reply::new(200, b, kind),
                Err(_) => Reply::text(404, "not found\n"),
            }
        }
    }
}

/// An answer, written out by hand so that it can close its connection.
pub struct Reply {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Reply {
    pub fn new(status: u16, body: Vec<u8>, kind: &str) -> Reply {
        Reply {
            status,
            headers: vec![("Content-Type".into(), kind.into())],
            body,
        }
    }

    pub fn text(status: u16, body: &str) -> Reply {
        Reply::new(
            status,
            body.as_bytes().to_vec(),
            "text/plain; charset=utf-8",
        )
    }

    pub fn with(mut self, name: &str, value: &str) -> Reply {
        self.headers.push((name.into(), value.into()));
        self
    }

    /// Writes the answer (without the body for HEAD) and closes the connection: one
    /// request per connection, so that no idle connection holds a thread.
    pub fn send(self, mut w: TcpStream, head: bool) {
        let mut out = format!("HTTP/1.1 {} {}\r\n", self.status, reason(self.status));
        for (name, value) in &self.headers {
            out.push_str(&format!("{name}: {value}\r\n"));
        }
        out.push_str(&format!(
            "Content-Length: {}\r\nCache-Control: no-store\r\nX-Content-Type-Options: nosniff\r\nConnection: close\r\n\r\n",
            self.body.len()
        ));
        let _ = w
            .write_all(out.as_bytes())
            .and_then(|()| {
                if head {
                    Ok(())
                } else {
                    w.write_all(&self.body)
                }
            })
            .and_then(|()| w.flush());
        listen::close(w);
    }
}

/// The words that go with a status this server sends.
fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        301 => "Moved Permanently",
        400 => "Bad Request",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        408 => "Request Timeout",
        431 => "Request Header Fields Too Large",
        500 => "Internal Server Error",
        503 => "Service Unavailable",
        _ => "",
    }
}

const HTML: &str = "text/html; charset=utf-8";

/// The media type of a site path, by its extension (pages end in `/`).
pub fn content_type(path: &str) -> &'static str {
    if path.ends_with('/') {
        return HTML;
    }
    let name = path.rsplit('/').next().unwrap_or(path);
    let ext = name
        .rsplit_once('.')
        .map_or("", |(_, e)| e)
        .to_ascii_lowercase();
    match ext.as_str() {
        "html" | "htm" => HTML,
        "css" => "text/css; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "json" => "application/json; charset=utf-8",
        "xml" if name == "atom.xml" => "application/atom+xml; charset=utf-8",
        "xml" => "application/xml; charset=utf-8",
        "txt" => "text/plain; charset=utf-8",
        "md" => "text/markdown; charset=utf-8",
        "csv" => "text/csv; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "avif" => "image/avif",
        "ico" => "image/x-icon",
        "pdf" => "application/pdf",
        "woff" => "font/woff",
        "woff2" => "font/woff2",
        "mp3" => "audio/mpeg",
        "mp4" => "video/mp4",
        "webm" => "video/webm",
        "zip" => "application/zip",
        _ => "application/octet-stream",
    }
}

/// The path of a request, percent-decoded, or why it is refused. Only `/`-rooted paths
/// whose segments are names are accepted: no `.` or `..`, no empty segment, no
/// backslash, and no escape that decodes to a slash, a backslash or a NUL.
pub fn request_path(url: &str) -> Result<String, &'static str> {
    let raw = url.split(['?', '#']).next().unwrap_or("");
    if !raw.starts_with('/') {
        return Err("the address must be a path starting with /");
    }
    if raw.contains('\\') {
        return Err("backslashes are not allowed in addresses");
    }
    let decoded =
        percent_decode(raw, true).ok_or("the address has a malformed or forbidden %-escape")?;
    let segments: Vec<&str> = decoded.split('/').skip(1).collect();
    let last = segments.len().saturating_sub(1);
    for (i, s) in segments.iter().enumerate() {
        if *s == "." || *s == ".." {
            return Err("`.` and `..` are not allowed in addresses");
        }
        if s.is_empty() && i != last {
            return Err("empty segments (`//`) are not allowed in addresses");
        }
    }
    Ok(decoded)
}

/// Decodes `%XX` escapes; `None` if one is malformed, or decodes to NUL or (with
/// `in_path`) to `/` or `\`, or the result is not UTF-8.
pub fn percent_decode(s: &str, in_path: bool) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = s.get(i + 1..i + 3)?;
            let b = u8::from_str_radix(hex, 16).ok()?;
            if b == 0 || (in_path && matches!(b, b'/' | b'\\')) {
                return None;
            }
            out.push(b);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// Escapes what cannot stand in a `Location` header.
fn encode_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || b"/-._~!$&'()*+,;=:@".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn query(url: &str) -> &str {
    url.split_once('?').map_or("", |(_, q)| q)
}

fn param(query: &str, name: &str) -> Option<String> {
    query.split('&').find_map(|pair| {
        let (k, v) = pair.split_once('=')?;
        (k == name).then(|| percent_decode(&v.replace('+', " "), false).unwrap_or_default())
    })
}

/// The page listing the problems of the last build (or saying there are none). It loads
/// the live-reload script, so it turns into the site once the problems are fixed.
fn errors_page(error: Option<&str>) -> String {
    let escape = |s: &str| {
        s.replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
    };
    let body = match error {
        Some(e) => format!(
            "<h1>The site could not be built</h1>\n<p>Fix the file named below and save it; this page updates itself.</p>\n<pre>{}</pre>",
            escape(e)
        ),
        None => "<h1>No problems</h1>\n<p>The last build succeeded. <a href=\"/\">Go to the site</a>.</p>".to_owned(),
    };
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>mandat serve: problems</title>\n<script src=\"{SCRIPT}\" defer></script>\n</head>\n<body data-mandat=\"errors\" style=\"font: 16px/1.5 system-ui, sans-serif; margin: 2rem; max-width: 60rem\">\n<main>\n{body}\n</main>\n</body>\n</html>\n"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_every_way_out() {
        for url in [
            "/../Cargo.toml",
            "/a/../../secret",
            "/%2e%2e/secret",
            "/%2E%2E/secret",
            "/a/%2e%2e/%2e%2e/secret",
            "/..%2fsecret",
            "/%2f%2fetc/passwd",
            "/..\\secret",
            "/%5c..%5csecret",
            "//etc/passwd",
            "/a//b",
            "http://127.0.0.1/../x",
            "*",
            "/%00",
            "/%zz",
            "/%c3",
            "/./a",
        ] {
            assert!(request_path(url).is_err(), "{url}");
        }
    }

    #[test]
    fn accepts_ordinary_paths() {
        assert_eq!(request_path("/").unwrap(), "/");
        assert_eq!(request_path("/a/b/?x=1#y").unwrap(), "/a/b/");
        assert_eq!(request_path("/tags/s%C3%B8k/").unwrap(), "/tags/søk/");
        assert_eq!(
            request_path("/a/rapport%202020.pdf").unwrap(),
            "/a/rapport 2020.pdf"
        );
        assert_eq!(request_path("/a..b/").unwrap(), "/a..b/");
    }

    #[test]
    fn names_media_types() {
        assert_eq!(content_type("/a/"), HTML);
        assert_eq!(content_type("/404.html"), HTML);
        assert_eq!(
            content_type("/assets/style.1a.css"),
            "text/css; charset=utf-8"
        );
        assert_eq!(
            content_type("/atom.xml"),
            "application/atom+xml; charset=utf-8"
        );
        assert_eq!(
            content_type("/data/records.json"),
            "application/json; charset=utf-8"
        );
        assert_eq!(content_type("/a/LOGO.SVG"), "image/svg+xml");
        assert_eq!(content_type("/a/x"), "application/octet-stream");
    }

    #[test]
    fn reads_query_parameters() {
        let q = query("/__mandat/events?since=a-1&path=%2Fartikler%2Fnyhet%2F");
        assert_eq!(param(q, "path").unwrap(), "/artikler/nyhet/");
        assert_eq!(param(q, "since").unwrap(), "a-1");
        assert_eq!(param(q, "other"), None);
    }

    #[test]
    fn knows_the_names_of_this_computer() {
        let loopback: IpAddr = "127.0.0.1".parse().unwrap();
        let lan: IpAddr = "192.168.1.5".parse().unwrap();
        for host in [
            "localhost",
            "localhost:8000",
            "LOCALHOST:8000",
            "localhost.:8000",
            "preview.localhost:8000",
            "127.0.0.1",
            "127.0.0.1:8000",
            "127.1.2.3:8000",
            "[::1]",
            "[::1]:8000",
            "[::ffff:127.0.0.1]:8000",
        ] {
            assert!(local_host(host, loopback), "{host}");
            assert!(local_host(host, lan), "{host}");
        }
        assert!(local_host("192.168.1.5:8000", lan));
        assert!(local_host(
            "192.168.1.5:8000",
            "::ffff:192.168.1.5".parse().unwrap()
        ));
        for host in [
            "evil.example.com",
            "evil.example.com:8000",
            "localhost.evil.example.com",
            "127.0.0.1.evil.example.com:8000",
            "localhost:8000@evil.example.com",
            "localhost:80:80",
            "[::1]x",
            "[::1]8000",
            "10.0.0.1:8000",
            "0.0.0.0:8000",
            "",
        ] {
            assert!(!local_host(host, lan), "{host}");
        }
        assert!(!local_host("192.168.1.5:8000", loopback));
    }

    #[test]
    fn encodes_redirects() {
        assert_eq!(encode_path("/a b/ø/"), "/a%20b/%C3%B8/");
    }
}
