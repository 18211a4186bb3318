//! The harness for the serve tests: the real binary on a free port, and a plain TCP
//! client for pages and for the live-reload stream, every wait with a deadline.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::Value;

pub const START: Duration = Duration::from_secs(120);
pub const SOON: Duration = Duration::from_secs(30);

/// A running `mandat serve`, killed when dropped.
pub struct Server {
    pub child: Child,
    pub port: u16,
    stdout: Arc<Mutex<String>>,
    stderr: Arc<Mutex<String>>,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn capture(from: impl Read + Send + 'static) -> Arc<Mutex<String>> {
    let text = Arc::new(Mutex::new(String::new()));
    let to = Arc::clone(&text);
    std::thread::spawn(move || {
        for line in BufReader::new(from).lines() {
            let Ok(line) = line else { break };
            let mut t = to.lock().unwrap();
            t.push_str(&line);
            t.push('\n');
        }
    });
    text
}

impl Server {
    pub fn start(root: &Path) -> Server {
        Server::start_in(Command::new(env!("CARGO_BIN_EXE_mandat")), root)
    }

    /// As `start`, with the process allowed at most `files` open files (sockets
    /// included), as a low `ulimit -n` does.
    #[cfg(unix)]
    pub fn start_with_open_files(root: &Path, files: u32) -> Server {
        let mut sh = Command::new("sh");
        sh.args([
            "-c",
            &format!("ulimit -n {files} && exec \"$0\" \"$@\""),
            env!("CARGO_BIN_EXE_mandat"),
        ]);
        Server::start_in(sh, root)
    }

    fn start_in(mut command: Command, root: &Path) -> Server {
        let mut child = command
            .args(["serve", "--root", root.to_str().unwrap(), "--port", "0"])
            .env("NO_COLOR", "1")
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start mandat serve");
        let stdout = capture(child.stdout.take().unwrap());
        let stderr = capture(child.stderr.take().unwrap());
        let mut server = Server {
            child,
            port: 0,
            stdout,
            stderr,
        };
        let marker = "serving http://127.0.0.1:";
        server.wait_for(START, "the server to start", |s| s.out().contains(marker));
        let out = server.out();
        let after = &out[out.find(marker).unwrap() + marker.len()..];
        server.port = after[..after.find('/').unwrap()].parse().unwrap();
        server
    }

    pub fn out(&self) -> String {
        self.stdout.lock().unwrap().clone()
    }

    pub fn err(&self) -> String {
        self.stderr.lock().unwrap().clone()
    }

    pub fn wait_for(&mut self, limit: Duration, what: &str, done: impl Fn(&Server) -> bool) {
        let deadline = Instant::now() + limit;
        while !done(self) {
            if let Ok(Some(status)) = self.child.try_wait() {
                panic!(
                    "the server stopped ({status}) while waiting for {what}\n{}\n{}",
                    self.out(),
                    self.err()
                );
            }
            if Instant::now() > deadline {
                panic!(
                    "gave up waiting for {what}\n--- stdout\n{}--- stderr\n{}",
                    self.out(),
                    self.err()
                );
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    pub fn get(&self, path: &str) -> Reply {
        self.send(&format!(
            "GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
        ))
    }

    pub fn send(&self, raw: &str) -> Reply {
        let mut s = TcpStream::connect(("127.0.0.1", self.port)).expect("connect");
        s.set_read_timeout(Some(SOON)).unwrap();
        s.write_all(raw.as_bytes()).unwrap();
        let head_only = raw.starts_with("HEAD ");
        let mut reader = BufReader::new(s);
        let mut status_line = String::new();
        reader
            .read_line(&mut status_line)
            .unwrap_or_else(|e| panic!("no answer to {raw:?}: {e}"));
        let status = status_line
            .split_whitespace()
            .nth(1)
            .and_then(|s| s.parse().ok())
            .unwrap_or_else(|| panic!("no status in {status_line:?} for {raw:?}"));
        let mut headers = Vec::new();
        loop {
            let mut line = String::new();
            reader.read_line(&mut line).expect("a header line");
            let line = line.trim_end();
            if line.is_empty() {
                break;
            }
            if let Some((k, v)) = line.split_once(':') {
                headers.push((k.trim().to_ascii_lowercase(), v.trim().to_owned()));
            }
        }
        let length: usize = headers
            .iter()
            .find(|(k, _)| k == "content-length")
            .map_or(0, |(_, v)| v.parse().unwrap());
        let mut body = vec![0; if head_only { 0 } else { length }];
        reader.read_exact(&mut body).expect("the body");
        Reply {
            status,
            headers,
            body: String::from_utf8_lossy(&body).into_owned(),
        }
    }

    /// Opens the live-reload stream, as a page showing `path` does.
    pub fn listen(&self, path: &str) -> Events {
        let mut s = TcpStream::connect(("127.0.0.1", self.port)).expect("connect");
        s.set_read_timeout(Some(Duration::from_millis(200)))
            .unwrap();
        write!(
            s,
            "GET /__mandat/events?path={} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n",
            path.replace('/', "%2F")
        )
        .unwrap();
        Events {
            reader: BufReader::new(s),
            data: String::new(),
        }
    }

    /// Opens the live-reload stream and reads the answer's status line: the stream
    /// when it is 200, else the status.
    pub fn try_listen(&self, path: &str) -> Result<Events, u16> {
        let mut events = self.listen(path);
        let deadline = Instant::now() + SOON;
        let mut line = String::new();
        while line.is_empty() {
            assert!(Instant::now() < deadline, "no answer to the event stream");
            match events.reader.read_line(&mut line) {
                Ok(0) => panic!("the event stream closed without an answer"),
                Ok(_) => {}
                Err(_) => line.clear(),
            }
        }
        let status = line
            .split_whitespace()
            .nth(1)
            .and_then(|s| s.parse().ok())
            .unwrap_or_else(|| panic!("no status in {line:?}"));
        if status == 200 {
            Ok(events)
        } else {
            Err(status)
        }
    }

    /// The server's resident memory in KiB, where the system says.
    pub fn memory_kib(&self) -> Option<u64> {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id())).ok()?;
        let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
        line.split_whitespace().nth(1)?.parse().ok()
    }

    pub fn count(&self, word: &str) -> usize {
        self.out().lines().filter(|l| l.starts_with(word)).count()
    }
}

pub struct Reply {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Reply {
    pub fn header(&self, name: &str) -> &str {
        self.headers
            .iter()
            .find(|(k, _)| k == name)
            .map_or("", |(_, v)| v.as_str())
    }
}

/// The events a page hears.
pub struct Events {
    pub reader: BufReader<TcpStream>,
    pub data: String,
}

impl Events {
    /// The next event for which `want` holds, within `limit`; the others are passed by.
    pub fn until(&mut self, limit: Duration, want: impl Fn(&Value) -> bool) -> Value {
        let deadline = Instant::now() + limit;
        let mut seen = Vec::new();
        while Instant::now() < deadline {
            let mut line = String::new();
            match self.reader.read_line(&mut line) {
                Ok(0) => panic!("the event stream ended; saw {seen:?}"),
                Ok(_) => {}
                Err(_) => continue,
            }
            let line = line.trim_end();
            if let Some(d) = line.strip_prefix("data: ") {
                self.data.push_str(d);
            } else if line.is_empty() && !self.data.is_empty() {
                let event: Value = serde_json::from_str(&std::mem::take(&mut self.data)).unwrap();
                if want(&event) {
                    return event;
                }
                seen.push(event);
            }
        }
        panic!("no such event within {limit:?}; saw {seen:?}");
    }

    /// Every event that arrives within `time`.
    pub fn during(&mut self, time: Duration) -> Vec<Value> {
        let end = Instant::now() + time;
        let mut all = Vec::new();
        while Instant::now() < end {
            let mut line = String::new();
            match self.reader.read_line(&mut line) {
                Ok(0) => break,
                Ok(_) => {}
                Err(_) => continue,
            }
            let line = line.trim_end();
            if let Some(d) = line.strip_prefix("data: ") {
                self.data.push_str(d);
            } else if line.is_empty() && !self.data.is_empty() {
                all.push(serde_json::from_str(&std::mem::take(&mut self.data)).unwrap());
            }
        }
        all
    }
}
