//! `mandat serve`: builds the site into memory, serves it over HTTP, watches content/
//! and themes/, rebuilds what a save changed and reloads the open pages. A save that
//! breaks the site shows the problem in the terminal and over the last good version in
//! the browser; the server keeps going.

pub mod engine;
mod http;
mod listen;
mod reload;
#[cfg(test)]
mod tests;
mod watch;

use std::collections::BTreeSet;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, TcpListener};
use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant, SystemTime};

use serde_json::json;

use crate::config::resolve_paths;
use crate::error::{Diagnostic, Error, Report};

use engine::{Built, Engine, Reload, Site};
use reload::Hub;
use watch::{Batch, Watch};

/// How the server was asked to run.
pub struct Options {
    pub root: Option<PathBuf>,
    pub bind: IpAddr,
    pub port: u16,
    pub open: bool,
    pub poll: bool,
    /// Colour in the terminal's messages.
    pub color: bool,
}

/// What the request threads share: the site being served and the pages listening.
pub struct State {
    site: RwLock<Option<Arc<Site>>>,
    hub: Hub,
    /// The site's content/ folder, resolved: files served must be inside it, or inside
    /// the image cache (resized images, crate::images).
    content_dir: PathBuf,
    cache_dir: PathBuf,
}

impl State {
    fn site(&self) -> Option<Arc<Site>> {
        self.site.read().unwrap_or_else(|e| e.into_inner()).clone()
    }

    fn publish(&self, site: Arc<Site>) {
        *self.site.write().unwrap_or_else(|e| e.into_inner()) = Some(site);
    }
}

/// Saves that keep coming are shown at least this often.
const LONGEST_UNSHOWN: Duration = Duration::from_secs(2);

pub fn run(options: Options) -> Result<(), Error> {
    let root = resolve_paths(options.root.as_deref(), None, None).root;
    if !root.join("content").is_dir() {
        return Err(Error::Usage(format!(
            "{} has no content/ folder: run mandat serve in a site folder, pass --root, or create a site with `mandat init DIR`",
            root.display()
        )));
    }
    let listener = TcpListener::bind(SocketAddr::new(options.bind, options.port))
        .map_err(|e| Error::Usage(bind_error(&e, options.bind, options.port)))?;
    let addr = listener
        .local_addr()
        .map_err(|e| Error::Io(format!("cannot listen: {e}")))?;
    let origin = origin(addr);
    // Pages link to this server, not to the public address in site.yaml.
    let paths = resolve_paths(Some(&root), None, Some(origin.clone()));

    // Watching starts before the first build, so no save during it is missed.
    let mut watch = Watch::start(&root, options.poll)?;
    let mut engine = Engine::new(paths, json!({ "live_reload": http::SCRIPT }));
    let state = Arc::new(State {
        site: RwLock::new(None),
        hub: Hub::new(instance()),
        content_dir: root
            .join("content")
            .canonicalize()
            .unwrap_or_else(|_| root.join("content")),
        cache_dir: root
            .canonicalize()
            .unwrap_or_else(|_| root.clone())
            .join(crate::images::CACHE_DIR),
    });
    let mut terminal = Terminal {
        color: options.color,
        warnings: Vec::new(),
        failing: false,
    };
    match engine.rebuild(None) {
        Ok(built) => {
            terminal.warn(&built.warnings);
            println!(
                "built {} pages ({} files) in {} ms",
                built.site.pages(),
                built.total,
                built.millis
            );
            state.hub.published(built.site.generation, &Reload::All);
            state.publish(built.site);
        }
        Err(e) => {
            let text = terminal.failed(&e, false);
            state.hub.failed(&text);
        }
    }

    // Connections are taken on a thread of their own (listen.rs), each answered on
    // another, with limits on how many and how large.
    let serving = Arc::clone(&state);
    std::thread::Builder::new()
        .name("mandat-listen".into())
        .spawn(move || listen::run(listener, move |incoming| http::answer(incoming, &serving)))
        .map_err(|e| Error::io(&root, "start the preview server", &e))?;
    // Nothing is written to disk, so stopping needs no clean-up beyond a last line.
    let _ = ctrlc::set_handler(|| {
        println!("\nstopped");
        std::process::exit(0);
    });
    println!("serving {origin}/ (watching content/ and themes/; Ctrl-C stops)");
    if !addr.ip().is_loopback() {
        println!("note: listening on {addr}: other computers on the network can see this preview");
    }
    if options.open {
        open_browser(&format!("{origin}/"));
    }

    // Every change since the site the pages show, to tell them what to do.
    let mut unshown: Batch = Some(BTreeSet::new());
    let mut unshown_since: Option<Instant> = None;
    while let Some(batch) = watch.next() {
        watch::merge(&mut unshown, batch.clone());
        let first = *unshown_since.get_or_insert_with(Instant::now);
        // Newer saves that came in while building are built too before showing.
        let wait = |watch: &mut Watch| watch.more() && first.elapsed() < LONGEST_UNSHOWN;
        let mut shown = false;
        let result = engine.rebuild_then(batch.as_ref(), |built| {
            if !wait(&mut watch) {
                show(&state, None, built, &mut unshown, &root);
                shown = true;
            }
        });
        if shown {
            // The edited pages are shown: now what lists them.
            unshown_since = None;
            if let Ok(built) = &result {
                show(&state, Some(&mut terminal), built, &mut unshown, &root);
                continue;
            }
        }
        if wait(&mut watch) {
            continue;
        }
        unshown_since = None;
        match result {
            Ok(built) => show(&state, Some(&mut terminal), &built, &mut unshown, &root),
            Err(e) => {
                let text = terminal.failed(&e, state.site().is_some());
                state.hub.failed(&text);
            }
        }
    }
    Ok(())
}

/// Serves `built` and tells the open pages what to reload: what changed since the site
/// they show; says so in the terminal when given one.
fn show(
    state: &State,
    terminal: Option<&mut Terminal>,
    built: &Built,
    unshown: &mut Batch,
    root: &Path,
) {
    let reload = match state.site() {
        Some(shown) => built.site.reload_from(&shown, unshown.as_ref(), root),
        None => Reload::All,
    };
    state.publish(Arc::clone(&built.site));
    state.hub.published(built.site.generation, &reload);
    if let Some(terminal) = terminal {
        terminal.rebuilt(built, unshown.as_ref(), root);
    }
    *unshown = Some(BTreeSet::new());
}

/// The server's address as this computer reaches it (loopback when it listens on all).
fn reachable(addr: SocketAddr) -> SocketAddr {
    let ip = match addr.ip() {
        IpAddr::V4(ip) if ip.is_unspecified() => IpAddr::V4(Ipv4Addr::LOCALHOST),
        IpAddr::V6(ip) if ip.is_unspecified() => IpAddr::V6(Ipv6Addr::LOCALHOST),
        ip => ip,
    };
    SocketAddr::new(ip, addr.port())
}

/// The address pages link to: this server, by a name the browser can reach.
fn origin(addr: SocketAddr) -> String {
    let ip = reachable(addr).ip();
    match ip {
        IpAddr::V4(ip) => format!("http://{ip}:{}", addr.port()),
        IpAddr::V6(ip) => format!("http://[{ip}]:{}", addr.port()),
    }
}

fn bind_error(e: &std::io::Error, bind: IpAddr, port: u16) -> String {
    let next = port.checked_add(1).unwrap_or(8000);
    match e.kind() {
        std::io::ErrorKind::AddrInUse => format!(
            "port {port} on {bind} is already in use (is another `mandat serve` running?); choose another port, e.g. --port {next}"
        ),
        std::io::ErrorKind::PermissionDenied => format!(
            "not allowed to listen on port {port} (ports below 1024 need administrator rights); choose another port, e.g. --port 8000"
        ),
        std::io::ErrorKind::AddrNotAvailable => format!(
            "{bind} is not an address of this computer; leave out --bind to serve on 127.0.0.1"
        ),
        _ => format!("cannot listen on {bind} port {port}: {e}"),
    }
}

/// Tells this server's builds from those of an earlier run, for pages left open.
fn instance() -> String {
    let started = SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis());
    format!("{:x}{:x}", std::process::id(), started)
}

fn open_browser(url: &str) {
    let mut command = if cfg!(target_os = "macos") {
        std::process::Command::new("open")
    } else if cfg!(windows) {
        let mut c = std::process::Command::new("cmd");
        c.args(["/C", "start", ""]);
        c
    } else {
        std::process::Command::new("xdg-open")
    };
    let spawned = command
        .arg(url)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn();
    let url = url.to_owned();
    match spawned {
        Ok(mut child) => {
            std::thread::spawn(move || {
                if !child.wait().is_ok_and(|s| s.success()) {
                    eprintln!("could not open a browser; open {url} yourself");
                }
            });
        }
        Err(e) => eprintln!("could not open a browser ({e}); open {url} yourself"),
    }
}

/// What the person running the server reads: one line per build, every problem in full.
struct Terminal {
    color: bool,
    /// The warnings last printed, so the same ones are not printed after every save.
    warnings: Vec<Diagnostic>,
    failing: bool,
}

impl Terminal {
    fn warn(&mut self, warnings: &[Diagnostic]) {
        if warnings != self.warnings.as_slice() {
            eprint!("{}", Report(warnings).render(self.color));
            self.warnings = warnings.to_vec();
        }
    }

    fn rebuilt(&mut self, built: &Built, changed: Option<&BTreeSet<PathBuf>>, root: &Path) {
        self.warn(&built.warnings);
        // Editors and tools write and rename scratch files beside the real one, and
        // folders change with their files: name the files that are there now.
        let files: Option<Vec<&PathBuf>> =
            changed.map(|c| c.iter().filter(|p| p.is_file()).collect());
        let what = match files.as_deref() {
            Some([one]) => one
                .strip_prefix(root)
                .unwrap_or(one)
                .to_string_lossy()
                .replace('\\', "/"),
            Some(many) if !many.is_empty() => format!("{} files", many.len()),
            _ => "files".to_owned(),
        };
        let fixed = if std::mem::take(&mut self.failing) {
            "; the problems are fixed"
        } else {
            ""
        };
        println!(
            "rebuilt {} of {} files in {} ms after {what} changed{fixed}",
            built.rendered, built.total, built.millis
        );
    }

    /// Prints the problems that stopped a build and returns them as the browser shows
    /// them; `shown` says whether an earlier build is being served meanwhile.
    fn failed(&mut self, e: &Error, shown: bool) -> String {
        self.failing = true;
        let (shown, plain) = match e {
            Error::Usage(m) | Error::Io(m) => (format!("error: {m}\n"), format!("error: {m}\n")),
            Error::Content(ds) => {
                let summary = Report(ds).summary();
                let errors: Vec<Diagnostic> = Report(ds).errors().cloned().collect();
                let meanwhile = if shown {
                    "the browser shows the last good version of the site, with the problems over it, until they are fixed"
                } else {
                    "the browser shows them until they are fixed"
                };
                (
                    format!(
                        "{}error: {summary}; {meanwhile}\n",
                        Report(&errors).render(self.color)
                    ),
                    format!("{}{summary}\n", Report(&errors).render(false)),
                )
            }
        };
        eprint!("{shown}");
        plain
    }
}
