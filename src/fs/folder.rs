//! An output folder opened once, its files reached by their paths below it: of the tens
//! of thousands of files a large build writes or links, the system then looks up the
//! last two or three names of each, not every folder of the whole path again.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use super::Stat;

/// An output folder: the new one a build writes (`create`), or the previous one whose
/// unchanged files it links (`open`). Files are named by their path below it, with `/`
/// between folders, as the build cache names them.
pub struct Folder {
    path: PathBuf,
    #[cfg(unix)]
    at: unix::Dirs,
}

/// How a file of the previous output was put in the new one (`Folder::take`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Taken {
    /// A hard link: the same file.
    Linked,
    /// A copy, where the file system has no hard links, as it is now.
    Copied(Stat),
}

impl Folder {
    /// The folder at `path`, which a build writes into: made if it is not there.
    pub fn create(path: &Path) -> std::io::Result<Folder> {
        std::fs::create_dir_all(path)?;
        Folder::at(path, true)
    }

    /// The folder at `path`, only read and linked from: nothing is made in it.
    pub fn open(path: &Path) -> std::io::Result<Folder> {
        Folder::at(path, false)
    }

    fn at(path: &Path, make: bool) -> std::io::Result<Folder> {
        Ok(Folder {
            path: path.to_path_buf(),
            #[cfg(unix)]
            at: unix::Dirs::open(path, make)?,
        })
    }

    /// The whole path of the file `rel`, for messages.
    pub fn path_of(&self, rel: &str) -> PathBuf {
        self.path.join(rel)
    }

    /// What the system keeps of the file `rel` itself (a link is not followed), without
    /// its status-change time: as `super::stat` gives it.
    pub fn stat(&self, rel: &str) -> Option<Stat> {
        let rel = below(rel).ok()?;
        #[cfg(unix)]
        return self.at.stat(rel);
        #[cfg(not(unix))]
        return std::fs::symlink_metadata(self.path_of(rel))
            .ok()
            .map(|m| super::stat(&m, false));
    }

    /// What the system keeps of `rel` (as `stat`), if it is a file (not a link, a
    /// folder, a pipe or a device) of `len` bytes.
    fn file_of(&self, rel: &str, len: usize) -> Option<Stat> {
        #[cfg(unix)]
        return self.stat(rel).filter(|s| {
            super::kind_of(s) == super::Kind::File && s[0] == i64::try_from(len).unwrap_or(-1)
        });
        #[cfg(not(unix))]
        return std::fs::symlink_metadata(self.path_of(below(rel).ok()?))
            .ok()
            .filter(|m| m.is_file() && m.len() == len as u64)
            .map(|m| super::stat(&m, false));
    }

    /// The bytes of the file `rel` (not through a link).
    pub fn read(&self, rel: &str) -> std::io::Result<Vec<u8>> {
        let mut bytes = Vec::new();
        self.open_file(below(rel)?)?.read_to_end(&mut bytes)?;
        Ok(bytes)
    }

    /// Writes `bytes` to a new file `rel`, making the folders above it, and gives what the
    /// system keeps of it as written. A file already there is removed first, never
    /// written through: it may be a link to the previous output's.
    pub fn write(&self, rel: &str, bytes: &[u8]) -> std::io::Result<Stat> {
        let mut file = self.create_file(below(rel)?)?;
        file.write_all(bytes)?;
        Ok(super::stat(&file.metadata()?, false))
    }

    /// Puts the file `rel` of `from` (the previous output) at `rel` here: a hard link to
    /// it, or a copy where the file system has none; `None` if it could not.
    pub fn take(&self, from: &Folder, rel: &str) -> Option<Taken> {
        let rel = below(rel).ok()?;
        if self.link(from, rel).is_ok() {
            return Some(Taken::Linked);
        }
        let bytes = from.read(rel).ok()?;
        self.write(rel, &bytes).ok().map(Taken::Copied)
    }

    /// Writes `bytes` to the file `rel` as `write` does, unless the previous output's file
    /// `rel` holds exactly these bytes: then it is linked (`take`). Most files of a
    /// rebuild are unchanged, and a link is far cheaper for the disk than a new file, both
    /// now and when the previous output is removed (its unchanged files' blocks stay in
    /// use). Gives what the system keeps of the file put there.
    pub fn write_or_take(
        &self,
        rel: &str,
        bytes: &[u8],
        previous: Option<&Folder>,
    ) -> std::io::Result<Stat> {
        let rel = below(rel)?;
        if let Some(from) = previous {
            if let Some(stat) = from.file_of(rel, bytes.len()) {
                // Linked, it is that file: as it was found.
                if from.read(rel).is_ok_and(|b| b == bytes) && self.link(from, rel).is_ok() {
                    return Ok(stat);
                }
            }
        }
        self.write(rel, bytes)
    }

    #[cfg(unix)]
    fn open_file(&self, rel: &str) -> std::io::Result<std::fs::File> {
        self.at.open_file(rel)
    }

    #[cfg(not(unix))]
    fn open_file(&self, rel: &str) -> std::io::Result<std::fs::File> {
        std::fs::File::open(self.path_of(rel))
    }

    #[cfg(unix)]
    fn create_file(&self, rel: &str) -> std::io::Result<std::fs::File> {
        self.at.create(rel)
    }

    #[cfg(not(unix))]
    fn create_file(&self, rel: &str) -> std::io::Result<std::fs::File> {
        let path = self.path_of(rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)?;
        }
        let create = || {
            std::fs::File::options()
                .write(true)
                .create_new(true)
                .open(&path)
        };
        match create() {
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                std::fs::remove_file(&path)?;
                create()
            }
            other => other,
        }
    }

    #[cfg(unix)]
    fn link(&self, from: &Folder, rel: &str) -> std::io::Result<()> {
        self.at.link(&from.at, rel)
    }

    #[cfg(not(unix))]
    fn link(&self, from: &Folder, rel: &str) -> std::io::Result<()> {
        let path = self.path_of(rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::hard_link(from.path_of(rel), path)
    }
}

/// `rel` if it names a file below the folder: no empty, `.` or `..` part, not absolute
/// (an address never has one; a path below a folder must not leave it).
fn below(rel: &str) -> std::io::Result<&str> {
    let part_ok = |part: &str| !part.is_empty() && part != "." && part != "..";
    let elsewhere = rel.starts_with('/') || (cfg!(windows) && rel.contains(['\\', ':']));
    if !elsewhere && rel.split('/').all(part_ok) {
        Ok(rel)
    } else {
        Err(std::io::Error::new(
            std::io::ErrorKind::InvalidInput,
            format!("not a path below the output folder: {rel}"),
        ))
    }
}

#[cfg(unix)]
mod unix {
    use std::path::Path;
    use std::sync::{Arc, RwLock};

    use rustc_hash::FxHashMap;
    use rustix::fd::{AsFd, BorrowedFd, OwnedFd};
    use rustix::fs::{AtFlags, FileType, Mode, OFlags};
    use rustix::io::Errno;

    use crate::fs::{Kind, Stat};

    /// At most this many top folders are held open (by each of the two output folders);
    /// files in any other are reached from the folder itself. A site's sections and
    /// `tags` are a handful. Few, as they count against the process's open files (as few
    /// as 256 on some systems), which the build's other work needs.
    const TOPS: usize = 32;

    /// The open folder, and its top folders (a section, `tags`) as files deeper than
    /// their own folder below them are reached: most outputs are `<top>/<page>/index.html`.
    pub struct Dirs {
        root: OwnedFd,
        make: bool,
        /// A top folder that could not be opened is held as `None`: reached from the root.
        tops: RwLock<FxHashMap<Box<str>, Option<Arc<OwnedFd>>>>,
    }

    /// The folder a file is looked up from: the root or a top folder.
    enum Dir<'a> {
        Root(&'a OwnedFd),
        Top(Arc<OwnedFd>),
    }

    impl AsFd for Dir<'_> {
        fn as_fd(&self) -> BorrowedFd<'_> {
            match self {
                Dir::Root(fd) => fd.as_fd(),
                Dir::Top(fd) => fd.as_fd(),
            }
        }
    }

    fn folder_flags() -> OFlags {
        OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC
    }

    impl Dirs {
        pub fn open(path: &Path, make: bool) -> std::io::Result<Dirs> {
            Ok(Dirs {
                root: rustix::fs::open(path, folder_flags(), Mode::empty())?,
                make,
                tops: RwLock::default(),
            })
        }

        /// The folder to look `rel` up from, and its path below that folder.
        fn at<'r>(&self, rel: &'r str) -> (Dir<'_>, &'r str) {
            let root = (Dir::Root(&self.root), rel);
            let Some((top, rest)) = rel.split_once('/') else {
                return root;
            };
            // (Every path here has been checked: `below`.)
            if !rest.contains('/') {
                return root;
            }
            match self.top(top) {
                Some(fd) => (Dir::Top(fd), rest),
                None => root,
            }
        }

        fn top(&self, name: &str) -> Option<Arc<OwnedFd>> {
            let tops = self.tops.read().unwrap_or_else(|e| e.into_inner());
            if let Some(fd) = tops.get(name) {
                return fd.clone();
            }
            let full = tops.len() >= TOPS;
            drop(tops);
            if full {
                return None;
            }
            let mut tops = self.tops.write().unwrap_or_else(|e| e.into_inner());
            if let Some(fd) = tops.get(name) {
                return fd.clone();
            }
            if self.make {
                // Made if missing; anything else is found when its files are made.
                let _ = rustix::fs::mkdirat(&self.root, name, Mode::from(0o777));
            }
            let fd = rustix::fs::openat(&self.root, name, folder_flags(), Mode::empty())
                .ok()
                .map(Arc::new);
            tops.insert(name.into(), fd.clone());
            fd
        }

        pub fn stat(&self, rel: &str) -> Option<Stat> {
            let (dir, name) = self.at(rel);
            let s = rustix::fs::statat(&dir, name, AtFlags::SYMLINK_NOFOLLOW).ok()?;
            let kind = match FileType::from_raw_mode(s.st_mode as rustix::fs::RawMode) {
                FileType::RegularFile => Kind::File,
                FileType::Directory => Kind::Folder,
                _ => Kind::Other,
            };
            // As `crate::fs::stat` gives it, from the same fields of the same call.
            #[allow(clippy::cast_possible_wrap, clippy::unnecessary_cast)]
            Some(crate::fs::stat_of_parts(
                s.st_size as i64,
                (s.st_mtime as i64, s.st_mtime_nsec as i64),
                None,
                s.st_ino as i64,
                kind,
            ))
        }

        pub fn open_file(&self, rel: &str) -> std::io::Result<std::fs::File> {
            let (dir, name) = self.at(rel);
            // Not through a link; and a pipe put there does not wait for a writer.
            let flags = OFlags::RDONLY | OFlags::NOFOLLOW | OFlags::NONBLOCK | OFlags::CLOEXEC;
            Ok(rustix::fs::openat(&dir, name, flags, Mode::empty())?.into())
        }

        pub fn create(&self, rel: &str) -> std::io::Result<std::fs::File> {
            let (dir, name) = self.at(rel);
            make_parents(&dir, name)?;
            let flags = OFlags::WRONLY | OFlags::CREATE | OFlags::EXCL | OFlags::CLOEXEC;
            let create = || rustix::fs::openat(&dir, name, flags, Mode::from(0o666));
            let fd = match create() {
                Err(Errno::EXIST) => {
                    rustix::fs::unlinkat(&dir, name, AtFlags::empty())?;
                    create()?
                }
                other => other?,
            };
            Ok(fd.into())
        }

        pub fn link(&self, from: &Dirs, rel: &str) -> std::io::Result<()> {
            let (old, old_name) = from.at(rel);
            let (dir, name) = self.at(rel);
            make_parents(&dir, name)?;
            Ok(rustix::fs::linkat(
                &old,
                old_name,
                &dir,
                name,
                AtFlags::empty(),
            )?)
        }
    }

    /// Makes the folders above the file `name` below `dir`, as `create_dir_all` does:
    /// the nearest first, as it is most often the only one missing.
    fn make_parents(dir: &impl AsFd, name: &str) -> std::io::Result<()> {
        match name.rsplit_once('/') {
            Some((parent, _)) if !parent.is_empty() => make_folder(dir, parent),
            _ => Ok(()),
        }
    }

    fn make_folder(dir: &impl AsFd, folder: &str) -> std::io::Result<()> {
        match rustix::fs::mkdirat(dir, folder, Mode::from(0o777)) {
            Ok(()) | Err(Errno::EXIST) => Ok(()),
            Err(Errno::NOENT) => {
                make_parents(dir, folder)?;
                match rustix::fs::mkdirat(dir, folder, Mode::from(0o777)) {
                    Ok(()) | Err(Errno::EXIST) => Ok(()),
                    Err(e) => Err(e.into()),
                }
            }
            Err(e) => Err(e.into()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A file written, linked and copied through a folder is as through its path, and
    /// what is kept of it is what `super::stat` gives for it.
    #[test]
    fn files_below_a_folder_are_as_by_their_paths() {
        let tmp = tempfile::tempdir().unwrap();
        let old = Folder::create(&tmp.path().join("old")).unwrap();
        let new = Folder::create(&tmp.path().join("new")).unwrap();
        for rel in [
            "index.html",
            "a/index.html",
            "a/b/index.html",
            "t/x/side/2/index.html",
        ] {
            let stat = old.write(rel, rel.as_bytes()).unwrap();
            let by_path = std::fs::symlink_metadata(old.path_of(rel)).unwrap();
            assert_eq!(stat, crate::fs::stat(&by_path, false), "{rel}");
            assert_eq!(old.stat(rel).as_ref(), Some(&stat), "{rel}");
            assert_eq!(old.read(rel).unwrap(), rel.as_bytes());
            assert_eq!(new.take(&old, rel), Some(Taken::Linked));
            assert_eq!(new.stat(rel), Some(stat), "{rel}: the same file");
        }
        // Unchanged bytes are linked, changed ones written anew.
        let fresh = |name: &str| Folder::create(&tmp.path().join(name)).unwrap();
        let before = old.stat("a/b/index.html").unwrap();
        let linked = fresh("n1")
            .write_or_take("a/b/index.html", b"a/b/index.html", Some(&old))
            .unwrap();
        assert_eq!(linked, before);
        let written = fresh("n2")
            .write_or_take("a/b/index.html", b"other", Some(&old))
            .unwrap();
        assert_ne!(written, before);
        assert_eq!(old.read("a/b/index.html").unwrap(), b"a/b/index.html");
        fresh("n3")
            .write_or_take("a/c/index.html", b"c", Some(&old))
            .unwrap();
        assert_eq!(old.stat("a/c/index.html"), None, "nothing made in the old");
        // A folder is not a file: it is not read as one.
        assert!(old.read("a").is_err());
        #[cfg(unix)]
        assert_eq!(
            old.stat("a").map(|s| crate::fs::kind_of(&s)),
            Some(crate::fs::Kind::Folder)
        );
        assert_eq!(new.take(&old, "missing/x/index.html"), None);
    }

    /// A file written where one is already (a link to the previous output's, say) is a
    /// new file: the other is not written through.
    #[test]
    fn a_write_never_goes_through_a_link() {
        let tmp = tempfile::tempdir().unwrap();
        let old = Folder::create(&tmp.path().join("old")).unwrap();
        let new = Folder::create(&tmp.path().join("new")).unwrap();
        old.write("a/b/index.html", b"old").unwrap();
        assert_eq!(new.take(&old, "a/b/index.html"), Some(Taken::Linked));
        new.write("a/b/index.html", b"new").unwrap();
        assert_eq!(new.read("a/b/index.html").unwrap(), b"new");
        assert_eq!(old.read("a/b/index.html").unwrap(), b"old");
    }

    /// A path that would leave the folder is refused, whatever is asked.
    #[test]
    fn paths_that_leave_the_folder_are_refused() {
        let tmp = tempfile::tempdir().unwrap();
        let out = Folder::create(&tmp.path().join("out")).unwrap();
        let outside = tmp.path().join("outside/index.html");
        let escaping = format!("x/{}", outside.display());
        for rel in [
            "",
            "/etc/passwd",
            "../outside/index.html",
            "a/../../outside/index.html",
            "a/./b",
            "a//b",
            escaping.as_str(),
        ] {
            assert!(out.write(rel, b"x").is_err(), "{rel:?}");
            assert!(out.read(rel).is_err(), "{rel:?}");
            assert_eq!(out.stat(rel), None, "{rel:?}");
            assert_eq!(out.take(&out, rel), None, "{rel:?}");
            assert!(out.write_or_take(rel, b"x", Some(&out)).is_err(), "{rel:?}");
        }
        assert!(!outside.exists());
    }

    /// What is kept of a folder, a link and a pipe says what they are, as `super::stat`
    /// says it; a pipe in the previous output is not read (it would wait for a writer),
    /// nor taken as the file it stands in place of.
    #[cfg(unix)]
    #[test]
    fn folders_links_and_pipes_are_known_for_what_they_are() {
        let tmp = tempfile::tempdir().unwrap();
        let old = Folder::create(&tmp.path().join("old")).unwrap();
        old.write("a/index.html", b"").unwrap();
        std::os::unix::fs::symlink("index.html", old.path_of("a/link.html")).unwrap();
        let fifo = old.path_of("a/pipe.txt");
        let made = std::process::Command::new("mkfifo").arg(&fifo).status();
        let kinds = [
            ("a", crate::fs::Kind::Folder),
            ("a/index.html", crate::fs::Kind::File),
            ("a/link.html", crate::fs::Kind::Other),
        ];
        for (rel, kind) in kinds {
            let stat = old.stat(rel).unwrap();
            let by_path = std::fs::symlink_metadata(old.path_of(rel)).unwrap();
            assert_eq!(stat, crate::fs::stat(&by_path, false), "{rel}");
            assert_eq!(crate::fs::kind_of(&stat), kind, "{rel}");
        }
        assert_eq!(
            old.file_of("a/link.html", 10),
            None,
            "a link is not its file"
        );
        if made.is_ok_and(|s| s.success()) {
            let stat = old.stat("a/pipe.txt").unwrap();
            assert_eq!(crate::fs::kind_of(&stat), crate::fs::Kind::Other);
            let new = Folder::create(&tmp.path().join("new")).unwrap();
            let written = new.write_or_take("a/pipe.txt", b"", Some(&old)).unwrap();
            assert_eq!(crate::fs::kind_of(&written), crate::fs::Kind::File);
            assert_ne!(written[5], stat[5], "a file of its own, not the pipe");
        }
    }

    /// Files in more top folders than are held open are written as well.
    #[test]
    fn files_in_many_top_folders_are_written() {
        let tmp = tempfile::tempdir().unwrap();
        let out = Folder::create(tmp.path()).unwrap();
        for i in 0..300 {
            let rel = format!("top{i}/page/index.html");
            out.write(&rel, rel.as_bytes()).unwrap();
            let text = std::fs::read_to_string(tmp.path().join(&rel)).unwrap();
            assert_eq!(text, rel);
        }
    }
}
