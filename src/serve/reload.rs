//! Live reload: each open page holds an event stream (Server-Sent Events) and hears
//! about every build: reload, swap the stylesheets, or show the error that stopped it.
//! A page that connects late, or again after its tab was hidden, says which build it
//! shows, and is told whether it is out of date. A page that goes gives up its place
//! at once: each stream looks every moment whether its page has hung up.

use std::collections::VecDeque;
use std::io::{ErrorKind, Write};
use std::net::TcpStream;
use std::sync::mpsc::{self, RecvTimeoutError, Sender};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use serde_json::json;

use super::engine::Reload;

/// How many builds are remembered for pages that come back.
const LOG: usize = 64;
/// How many pages may listen at once; more are asked to wait. Far more tabs than anyone
/// keeps open on a preview, and half of the connections the server keeps
/// (`listen::MOST_CONNECTIONS`), so that pages still load when every place is taken.
const MOST_CLIENTS: usize = 256;
/// How often a stream looks whether its page has hung up.
const CHECK: Duration = Duration::from_millis(250);
/// A stream quiet this long sends a comment: writing to a page that vanished without
/// hanging up (a computer asleep, a network gone) fails, and frees its place.
const HEARTBEAT: Duration = Duration::from_secs(5);

pub struct Hub {
    /// Tells this server's builds from an earlier server's.
    instance: String,
    inner: Mutex<Inner>,
}

#[derive(Default)]
struct Inner {
    generation: u64,
    error: Option<String>,
    /// Recent builds: generation and the pages they changed (`None`: possibly all).
    log: VecDeque<(u64, Option<Vec<String>>)>,
    clients: Vec<Sender<String>>,
}

impl Hub {
    pub fn new(instance: String) -> Hub {
        Hub {
            instance,
            inner: Mutex::new(Inner::default()),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The id of the build being served, as pages carry it.
    pub fn build_id(&self) -> String {
        format!("{}-{}", self.instance, self.lock().generation)
    }

    /// The error being shown, if the last build failed.
    pub fn error(&self) -> Option<String> {
        self.lock().error.clone()
    }

    /// A build is being served: pages reload or swap styles as `reload` says.
    pub fn published(&self, generation: u64, reload: &Reload) {
        let mut inner = self.lock();
        inner.generation = generation;
        inner.error = None;
        let paths = match reload {
            Reload::Paths(p) => Some(p.clone()),
            Reload::All | Reload::Styles(_) => None,
        };
        inner.log.push_back((generation, paths));
        while inner.log.len() > LOG {
            inner.log.pop_front();
        }
        let id = format!("{}-{generation}", self.instance);
        let data = match reload {
            Reload::All => json!({ "type": "reload", "build": id, "paths": null }),
            Reload::Paths(p) => json!({ "type": "reload", "build": id, "paths": p }),
            Reload::Styles(swap) => json!({ "type": "styles", "build": id, "swap": swap }),
        };
        broadcast(&mut inner, &event(&id, &data));
    }

    /// A build failed: pages show `text` over the last good site.
    pub fn failed(&self, text: &str) {
        let mut inner = self.lock();
        inner.error = Some(text.to_owned());
        let id = format!("{}-{}", self.instance, inner.generation);
        let data = json!({ "type": "error", "build": id, "error": text });
        broadcast(&mut inner, &event(&id, &data));
    }

    /// Turns a request's connection into an event stream, on the connection's thread,
    /// until the page goes. `since` is the build the page shows and `path` its address;
    /// the first event tells it whether to reload.
    pub fn subscribe(&self, mut stream: TcpStream, since: Option<String>, path: &str) {
        let (tx, rx) = mpsc::channel::<String>();
        let first = {
            let mut inner = self.lock();
            // A stream that ended dropped its receiver: its place is free.
            inner.clients.retain(|c| c.send(String::new()).is_ok());
            if inner.clients.len() >= MOST_CLIENTS {
                drop(inner);
                super::http::Reply::text(
                    503,
                    "too many pages are listening for changes; close some tabs of the preview\n",
                )
                .with("Retry-After", "1")
                .send(stream, false);
                return;
            }
            inner.clients.push(tx);
            let id = format!("{}-{}", self.instance, inner.generation);
            let reload = self.stale(&inner, since.as_deref(), path);
            let data =
                json!({ "type": "hello", "build": id, "reload": reload, "error": inner.error });
            event(&id, &data)
        };
        let head = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream; charset=utf-8\r\nCache-Control: no-store\r\nX-Content-Type-Options: nosniff\r\nConnection: close\r\n\r\nretry: 1000\n\n";
        if write!(stream, "{head}{first}").is_err() {
            return;
        }
        let mut checked = Instant::now();
        let mut written = Instant::now();
        loop {
            let text = match rx.recv_timeout(CHECK) {
                Ok(t) => Some(t).filter(|t| !t.is_empty()),
                Err(RecvTimeoutError::Timeout) => None,
                Err(RecvTimeoutError::Disconnected) => return,
            };
            if checked.elapsed() >= CHECK {
                if hung_up(&stream) {
                    return;
                }
                checked = Instant::now();
            }
            let text = text
                .or_else(|| (written.elapsed() >= HEARTBEAT).then(|| ": heartbeat\n\n".to_owned()));
            if let Some(text) = text {
                if stream.write_all(text.as_bytes()).is_err() {
                    return;
                }
                written = Instant::now();
            }
        }
    }

    /// Whether a page at `path` showing build `since` is older than the site it would
    /// get now.
    fn stale(&self, inner: &Inner, since: Option<&str>, path: &str) -> bool {
        let Some(generation) = since
            .and_then(|s| s.strip_prefix(&self.instance))
            .and_then(|s| s.strip_prefix('-'))
            .and_then(|g| g.parse::<u64>().ok())
        else {
            return true;
        };
        if generation == inner.generation {
            return false;
        }
        let oldest = inner.log.front().map_or(u64::MAX, |(g, _)| *g);
        if generation + 1 < oldest || generation > inner.generation {
            return true;
        }
        inner
            .log
            .iter()
            .filter(|(g, _)| *g > generation)
            .any(|(_, paths)| paths.as_ref().is_none_or(|p| p.iter().any(|x| x == path)))
    }
}

/// Whether the page at the other end has closed its connection. A page never sends
/// anything on its event stream, so the end of its input means it has gone.
fn hung_up(stream: &TcpStream) -> bool {
    if stream.set_nonblocking(true).is_err() {
        return true;
    }
    let gone = match stream.peek(&mut [0; 1]) {
        Ok(0) => true,
        Ok(_) => false,
        Err(e) => e.kind() != ErrorKind::WouldBlock,
    };
    stream.set_nonblocking(false).is_err() || gone
}

fn event(id: &str, data: &serde_json::Value) -> String {
    format!("id: {id}\ndata: {data}\n\n")
}

fn broadcast(inner: &mut Inner, text: &str) {
    inner.clients.retain(|c| c.send(text.to_owned()).is_ok());
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn knows_which_pages_are_out_of_date() {
        let hub = Hub::new("x".into());
        hub.published(1, &Reload::All);
        hub.published(2, &Reload::Paths(vec!["/a/".into()]));
        hub.published(3, &Reload::Paths(vec!["/b/".into()]));
        let inner = hub.lock();
        assert!(!hub.stale(&inner, Some("x-3"), "/a/"));
        assert!(hub.stale(&inner, Some("x-1"), "/a/"));
        assert!(!hub.stale(&inner, Some("x-2"), "/a/"));
        assert!(hub.stale(&inner, Some("x-2"), "/b/"));
        assert!(hub.stale(&inner, Some("y-3"), "/a/"), "another server");
        assert!(hub.stale(&inner, None, "/a/"));
    }
}
