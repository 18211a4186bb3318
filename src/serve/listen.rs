//! The preview's connections: accepted on its own listener, a bounded number at a time,
//! each read only as far as its request's head, within a size and a time limit. A failed
//! accept (no open files left, a connection reset while it waited) is waited out, never
//! the end of the server.

use std::io::{ErrorKind, Read, Write};
use std::net::{IpAddr, Ipv4Addr, Shutdown, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Connections open at once, live-reload streams included. Each holds a thread and a
/// file; the limit keeps both well below what a system allows a process (often 1,024
/// open files), so that the builds still have files to read.
pub const MOST_CONNECTIONS: usize = 512;
/// The most a request's line and headers may take together. Browsers send a few KB;
/// the rest is room for cookies that other local servers set on `localhost`.
pub const MOST_HEAD: usize = 64 * 1024;
/// How long a request's head may take to arrive, and how long a connection may stay
/// silent before it: a browser opens spare connections that it may never use.
const HEAD_TIME: Duration = Duration::from_secs(30);
const SILENCE: Duration = Duration::from_secs(10);
/// How long a write may wait for a client that does not read.
const WRITE_TIME: Duration = Duration::from_secs(30);
/// The longest pause between tries when connections cannot be accepted.
const LONGEST_PAUSE: Duration = Duration::from_secs(1);

/// A request's head, and the connection to answer it on.
pub struct Request {
    pub method: String,
    /// The request target as sent: a path with its query.
    pub target: String,
    headers: Vec<(String, String)>,
    /// The address of this computer the connection came in on.
    pub local: IpAddr,
    pub stream: TcpStream,
}

impl Request {
    /// The values of every header called `name` (any case).
    pub fn headers<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.headers
            .iter()
            .filter(move |(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// What a connection brought: a request's head to answer, or a head that is refused
/// (too large, too slow, malformed) with the status to answer it with.
pub enum Incoming {
    Request(Request),
    Refused {
        stream: TcpStream,
        status: u16,
        why: &'static str,
    },
}

/// Accepts connections for as long as the process runs, each given to `handle` on a
/// thread of its own while fewer than `MOST_CONNECTIONS` are open.
pub fn run(listener: TcpListener, handle: impl Fn(Incoming) + Send + Sync + 'static) {
    let handle = Arc::new(handle);
    let open = Arc::new(AtomicUsize::new(0));
    let full = AtomicBool::new(false);
    let mut pause = Duration::ZERO;
    let mut waiting = false;
    loop {
        let stream = match listener.accept() {
            Ok((stream, _)) => stream,
            // The client went away while it waited in the queue: nothing to do.
            Err(e)
                if matches!(
                    e.kind(),
                    ErrorKind::ConnectionAborted | ErrorKind::Interrupted
                ) =>
            {
                continue
            }
            Err(e) => {
                // Mostly "too many open files": the connection stays queued until some
                // close. Wait, longer each time, and say so once.
                if !waiting {
                    eprintln!("note: cannot take new connections for now ({e}); waiting for open ones to close");
                    waiting = true;
                }
                pause = (pause * 2).clamp(Duration::from_millis(5), LONGEST_PAUSE);
                std::thread::sleep(pause);
                continue;
            }
        };
        if waiting {
            eprintln!("note: taking new connections again");
            waiting = false;
        }
        pause = Duration::ZERO;
        let Some(slot) = Slot::take(&open) else {
            if !full.swap(true, Ordering::Relaxed) {
                eprintln!("note: {MOST_CONNECTIONS} connections are open, the most the preview keeps; others are asked to try again");
            }
            refuse(stream);
            continue;
        };
        full.store(false, Ordering::Relaxed);
        let handle = Arc::clone(&handle);
        let spawned = std::thread::Builder::new()
            .name("mandat-http".into())
            .spawn(move || {
                let _slot = slot;
                answer(stream, &*handle);
            });
        // Without a thread the connection (moved into the closure) is closed unanswered,
        // and its slot freed; the system is short of something, so pause as above.
        if spawned.is_err() {
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

/// One of the `MOST_CONNECTIONS`, held for as long as its connection is open.
struct Slot(Arc<AtomicUsize>);

impl Slot {
    fn take(open: &Arc<AtomicUsize>) -> Option<Slot> {
        open.fetch_update(Ordering::AcqRel, Ordering::Acquire, |n| {
            (n < MOST_CONNECTIONS).then_some(n + 1)
        })
        .ok()
        .map(|_| Slot(Arc::clone(open)))
    }
}

impl Drop for Slot {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::AcqRel);
    }
}

/// Tells a connection beyond the limit to try again, without waiting on it: the answer
/// fits in the socket's buffer, or is dropped with the connection.
fn refuse(mut stream: TcpStream) {
    const WHY: &str = "the preview has too many open connections; try again\n";
    let _ = stream.set_nonblocking(true);
    let _ = write!(
        stream,
        "HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: {}\r\nRetry-After: 1\r\nConnection: close\r\n\r\n{WHY}",
        WHY.len()
    );
}

fn answer(mut stream: TcpStream, handle: &dyn Fn(Incoming)) {
    let _ = stream.set_write_timeout(Some(WRITE_TIME));
    let _ = stream.set_nodelay(true);
    let local = stream
        .local_addr()
        .map_or(IpAddr::V4(Ipv4Addr::LOCALHOST), |a| a.ip());
    match read_head(&mut stream) {
        Ok(Some(head)) => handle(Incoming::Request(Request {
            method: head.method,
            target: head.target,
            headers: head.headers,
            local,
            stream,
        })),
        // Closed, or left silent, before a request: a browser's spare connection.
        Ok(None) => {}
        Err(refused) => handle(Incoming::Refused {
            stream,
            status: refused.status,
            why: refused.why,
        }),
    }
}

/// Why a request's head is not answered as asked.
#[derive(Debug, PartialEq)]
struct Refused {
    status: u16,
    why: &'static str,
}

const TOO_LARGE: Refused = Refused {
    status: 431,
    why: "refused: the request's headers are too large\n",
};
const TOO_SLOW: Refused = Refused {
    status: 408,
    why: "refused: the request took too long to arrive\n",
};
const MALFORMED: Refused = Refused {
    status: 400,
    why: "refused: this is not an HTTP/1 request\n",
};

#[derive(Debug, PartialEq)]
struct Head {
    method: String,
    target: String,
    headers: Vec<(String, String)>,
}

/// Reads up to the blank line that ends a request's head, never more than `MOST_HEAD`
/// bytes and never for longer than `HEAD_TIME`. `None` when the client hung up or
/// stayed silent before sending anything.
fn read_head(stream: &mut TcpStream) -> Result<Option<Head>, Refused> {
    let started = Instant::now();
    let mut bytes = Vec::with_capacity(1024);
    let mut chunk = [0; 4096];
    loop {
        let searched = bytes.len().saturating_sub(3);
        let left = HEAD_TIME.saturating_sub(started.elapsed());
        if left.is_zero() {
            return Err(TOO_SLOW);
        }
        let _ = stream.set_read_timeout(Some(left.min(SILENCE)));
        let room = MOST_HEAD.saturating_sub(bytes.len()).min(chunk.len());
        if room == 0 {
            return Err(TOO_LARGE);
        }
        match stream.read(&mut chunk[..room]) {
            Ok(0) => return Ok(None),
            Ok(n) => bytes.extend_from_slice(&chunk[..n]),
            Err(e) if e.kind() == ErrorKind::Interrupted => continue,
            Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {
                return if bytes.is_empty() {
                    Ok(None)
                } else {
                    Err(TOO_SLOW)
                };
            }
            Err(_) => return Ok(None),
        }
        if let Some(end) = head_end(&bytes, searched) {
            return parse_head(&bytes[..end]).map(Some);
        }
    }
}

/// Where the head ends (after its blank line), searching from `from` on. A bare `\n`
/// ends a line too, as HTTP allows.
fn head_end(bytes: &[u8], from: usize) -> Option<usize> {
    let tail = bytes.get(from..)?;
    let crlf = memchr::memmem::find(tail, b"\r\n\r\n").map(|i| i + 4);
    let lf = memchr::memmem::find(tail, b"\n\n").map(|i| i + 2);
    match (crlf, lf) {
        (Some(a), Some(b)) => Some(from + a.min(b)),
        (a, b) => a.or(b).map(|i| from + i),
    }
}

fn parse_head(head: &[u8]) -> Result<Head, Refused> {
    let text = String::from_utf8_lossy(head);
    let mut lines = text
        .split('\n')
        .map(|l| l.strip_suffix('\r').unwrap_or(l))
        .skip_while(|l| l.is_empty());
    let mut words = lines.next().ok_or(MALFORMED)?.split(' ');
    let (Some(method), Some(target), Some(version), None) =
        (words.next(), words.next(), words.next(), words.next())
    else {
        return Err(MALFORMED);
    };
    let token = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_graphic());
    if !token(method) || !token(target) || !version.starts_with("HTTP/1.") {
        return Err(MALFORMED);
    }
    let mut headers = Vec::new();
    for line in lines.take_while(|l| !l.is_empty()) {
        // A line that continues the one before (obsolete folding) could hide a header
        // from one reader and not another: refused, as HTTP allows.
        let (name, value) = line.split_once(':').ok_or(MALFORMED)?;
        if !token(name) {
            return Err(MALFORMED);
        }
        headers.push((name.to_owned(), value.trim().to_owned()));
    }
    Ok(Head {
        method: method.to_owned(),
        target: target.to_owned(),
        headers,
    })
}

/// Closes a connection once its answer is written: the client is told no more comes,
/// and what it still sends (a body, the rest of an overlong head) is read and dropped
/// for a moment, so that closing does not reset the connection before it has read the
/// answer.
pub fn close(stream: TcpStream) {
    let mut stream = stream;
    if stream.shutdown(Shutdown::Write).is_err() {
        return;
    }
    let started = Instant::now();
    let mut drained = 0;
    let mut chunk = [0; 4096];
    while drained < 1 << 20 {
        let left = Duration::from_secs(2).saturating_sub(started.elapsed());
        if left.is_zero() || stream.set_read_timeout(Some(left)).is_err() {
            return;
        }
        match stream.read(&mut chunk) {
            Ok(0) | Err(_) => return,
            Ok(n) => drained += n,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Head, Refused> {
        let end = head_end(text.as_bytes(), 0).expect("a complete head");
        parse_head(&text.as_bytes()[..end])
    }

    #[test]
    fn reads_a_request_head() {
        let head = parse(
            "GET /a/?x=1 HTTP/1.1\r\nHost: 127.0.0.1:8000\r\nLast-Event-ID:  a-1 \r\n\r\nbody",
        )
        .unwrap();
        assert_eq!(head.method, "GET");
        assert_eq!(head.target, "/a/?x=1");
        assert_eq!(
            head.headers,
            [
                ("Host".to_owned(), "127.0.0.1:8000".to_owned()),
                ("Last-Event-ID".to_owned(), "a-1".to_owned())
            ]
        );
        assert!(parse("GET / HTTP/1.0\n\n").is_ok(), "bare line feeds");
    }

    #[test]
    fn refuses_what_is_not_a_request() {
        for text in [
            "GET /\r\n\r\n",
            "GET / HTTP/2.0\r\n\r\n",
            "GET  / HTTP/1.1\r\n\r\n",
            "GET / HTTP/1.1 x\r\n\r\n",
            "GET / HTTP/1.1\r\nHost 127.0.0.1\r\n\r\n",
            "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n folded\r\n\r\n",
            "GET / HTTP/1.1\r\nBad Name: x\r\n\r\n",
            "\u{1}\r\n\r\n",
        ] {
            assert_eq!(parse(text), Err(MALFORMED), "{text:?}");
        }
    }

    #[test]
    fn finds_the_end_of_a_head_across_reads() {
        let bytes = b"GET / HTTP/1.1\r\nHost: x\r\n\r";
        assert_eq!(head_end(bytes, 0), None);
        let mut more = bytes.to_vec();
        more.push(b'\n');
        assert_eq!(head_end(&more, bytes.len() - 3), Some(more.len()));
    }
}
