//! Watches content/ and themes/ (never the output) and hands the rebuild loop one batch
//! per burst of saves: events are gathered until the files have been quiet for a moment,
//! and editors' temporary and swap files are left out. When content/ or themes/ itself is
//! deleted, created or moved, it is watched anew and everything is read again.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

use notify::event::{EventKind, MetadataKind, ModifyKind};
use notify::RecursiveMode;

use crate::error::{Diagnostic, Error};

/// The folders watched, below the site's root.
const FOLDERS: [&str; 2] = ["content", "themes"];

/// How long the files must be quiet before a rebuild starts: saving a file is a few
/// events within a millisecond or two, a `git checkout` a stream of them.
pub const QUIET: Duration = Duration::from_millis(10);
/// A burst that keeps going is built at least this often.
const LONGEST: Duration = Duration::from_millis(1000);
/// How often `--poll` looks at the files.
const POLL: Duration = Duration::from_millis(300);

/// What changed: the paths, or `None` when the watcher lost track and everything must
/// be read again.
pub type Batch = Option<BTreeSet<PathBuf>>;

pub struct Watch {
    /// Watching stops when this is dropped.
    watcher: Box<dyn notify::Watcher + Send>,
    events: Receiver<notify::Result<notify::Event>>,
    root: PathBuf,
    /// Events read while checking for more, not yet handed out.
    carried: Option<Batch>,
    /// content/ or themes/ itself came, went or was renamed since the last batch: its
    /// watch must be set up again, and files may have come without events meanwhile.
    replaced: bool,
}

impl Watch {
    /// Starts watching the site in `root`: natively, or by looking at the files every
    /// few hundred milliseconds with `poll` (for network drives and containers, where
    /// change events do not arrive).
    pub fn start(root: &Path, poll: bool) -> Result<Watch, Error> {
        let (tx, events) = mpsc::channel();
        let mut watcher: Box<dyn notify::Watcher + Send> = if poll {
            let config = notify::Config::default().with_poll_interval(POLL);
            Box::new(notify::PollWatcher::new(tx, config).map_err(|e| failed(root, &e))?)
        } else {
            Box::new(notify::recommended_watcher(tx).map_err(|e| failed(root, &e))?)
        };
        for folder in FOLDERS {
            let dir = root.join(folder);
            if dir.is_dir() {
                watcher
                    .watch(&dir, RecursiveMode::Recursive)
                    .map_err(|e| failed(&dir, &e))?;
            }
        }
        // The site folder itself, to see content/ or themes/ appear.
        watcher
            .watch(root, RecursiveMode::NonRecursive)
            .map_err(|e| failed(root, &e))?;
        Ok(Watch {
            watcher,
            events,
            root: root.to_path_buf(),
            carried: None,
            replaced: false,
        })
    }

    /// Waits for the next burst of changes and returns it once the files have been
    /// quiet for `QUIET`. `None` when the watcher has stopped.
    pub fn next(&mut self) -> Option<Batch> {
        let mut batch = match self.carried.take() {
            Some(b) => b,
            None => loop {
                let event = self.events.recv().ok()?;
                if let Some(b) = self.relevant(event) {
                    break b;
                }
            },
        };
        let started = Instant::now();
        let mut last = Instant::now();
        loop {
            let wait = (last + QUIET).min(started + LONGEST);
            let Some(left) = wait.checked_duration_since(Instant::now()) else {
                break;
            };
            match self.events.recv_timeout(left) {
                Ok(event) => {
                    if let Some(more) = self.relevant(event) {
                        merge(&mut batch, more);
                        last = Instant::now();
                    }
                }
                Err(RecvTimeoutError::Timeout | RecvTimeoutError::Disconnected) => break,
            }
        }
        if std::mem::take(&mut self.replaced) || batch.is_none() {
            self.rewatch();
            // Files copied into a new folder before it was watched sent no events, and
            // any with the old names must not be taken for the old files: read all.
            batch = None;
        }
        Some(batch)
    }

    /// Watches content/ and themes/ again: a watch ends with the folder it was on, and
    /// one that came (back) has none yet. Watching a watched folder changes nothing.
    fn rewatch(&mut self) {
        for folder in FOLDERS {
            let dir = self.root.join(folder);
            if dir.is_dir() {
                if let Err(e) = self.watcher.watch(&dir, RecursiveMode::Recursive) {
                    eprint!("{}", failed(&dir, &e));
                }
            }
        }
    }

    /// Whether more changes came in (while building): they are kept for `next`.
    pub fn more(&mut self) -> bool {
        while let Ok(event) = self.events.try_recv() {
            if let Some(b) = self.relevant(event) {
                match &mut self.carried {
                    Some(c) => merge(c, b),
                    None => self.carried = Some(b),
                }
            }
        }
        self.carried.is_some()
    }

    /// The paths of an event that can change the site, if any.
    fn relevant(&mut self, event: notify::Result<notify::Event>) -> Option<Batch> {
        let event = match event {
            Ok(e) => e,
            Err(e) => {
                eprintln!("watching the files: {e}; reading everything again");
                return Some(None);
            }
        };
        if event.need_rescan() {
            return Some(None);
        }
        match event.kind {
            EventKind::Access(_) => return None,
            EventKind::Modify(ModifyKind::Metadata(m)) if m != MetadataKind::WriteTime => {
                return None
            }
            _ => {}
        }
        let comes_or_goes = matches!(
            event.kind,
            EventKind::Create(_) | EventKind::Remove(_) | EventKind::Modify(ModifyKind::Name(_))
        );
        if comes_or_goes
            && FOLDERS
                .iter()
                .any(|f| event.paths.contains(&self.root.join(f)))
        {
            self.replaced = true;
        }
        let paths: BTreeSet<PathBuf> = event
            .paths
            .into_iter()
            .filter(|p| is_source(&self.root, p))
            .collect();
        (!paths.is_empty()).then_some(Some(paths))
    }
}

/// Whether `path` is in content/ or themes/, and not an editor's temporary file.
fn is_source(root: &Path, path: &Path) -> bool {
    let Ok(rel) = path.strip_prefix(root) else {
        return false;
    };
    let mut parts = rel.components();
    let top = parts
        .next()
        .map(|c| c.as_os_str().to_string_lossy().into_owned());
    if !matches!(top.as_deref(), Some("content" | "themes")) {
        return false;
    }
    !parts.any(|c| crate::fs::is_editor_temp(&c.as_os_str().to_string_lossy()))
}

/// Adds the changes in `more` to `batch` (`None`: anything may have changed).
pub fn merge(batch: &mut Batch, more: Batch) {
    match (batch.as_mut(), more) {
        (Some(b), Some(m)) => b.extend(m),
        _ => *batch = None,
    }
}

/// A folder that cannot be watched: a problem of the system, not of how mandat was
/// called, so it is reported as one with the folder's path (exit code 1, not 2).
fn failed(path: &Path, e: &notify::Error) -> Error {
    let hint = if matches!(e.kind, notify::ErrorKind::MaxFilesWatch) {
        "the system's limit on watched folders is reached; raise it (fs.inotify.max_user_watches) or run with --poll"
    } else {
        "run with --poll to look for changes without the system's file events"
    };
    Error::one(
        Diagnostic::error(
            path.display().to_string(),
            format!("cannot watch the folder: {e}"),
        )
        .hint(hint),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn watches_only_sources() {
        let root = Path::new("/site");
        assert!(is_source(root, Path::new("/site/content/pages/om.md")));
        assert!(is_source(
            root,
            Path::new("/site/themes/default/static/style.css")
        ));
        assert!(is_source(root, Path::new("/site/content")));
        assert!(!is_source(root, Path::new("/site/output/index.html")));
        assert!(!is_source(root, Path::new("/site/.mandat-serve/x")));
        assert!(!is_source(
            root,
            Path::new("/site/content/pages/.om.md.swp")
        ));
        assert!(!is_source(root, Path::new("/site/content/pages/om.md~")));
        assert!(!is_source(root, Path::new("/site/content/pages/4913")));
        assert!(!is_source(root, Path::new("/other/content/x.md")));
    }

    #[test]
    fn a_folder_that_cannot_be_watched_is_not_a_usage_error() {
        let full = notify::Error::new(notify::ErrorKind::MaxFilesWatch);
        let e = failed(Path::new("/site/content"), &full);
        assert_eq!(e.exit_code(), 1);
        let text = e.to_string();
        assert!(
            text.starts_with("/site/content: error: cannot watch the folder"),
            "{text}"
        );
        assert!(text.contains("fs.inotify.max_user_watches"), "{text}");
    }
}
