//! The build cache: what the outputs of the last build were made from, kept in a file
//! beside the output folder (`.<name>.cache`, like the lock file, so it is never
//! published), so that the next build takes an output nothing it depends on has changed
//! from the previous output (a hard link) instead of rendering it again.
//!
//! What an edit of pages can change is decided as the preview decides it
//! (render/plan.rs's `affected`); any other change (settings, theme, records, versions,
//! the set of pages or addresses, another `mandat`) renders everything.

use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::model::{Page, PageMeta};
use crate::render::plan::{self, Job, PageChange};
use crate::render::Prepared;
use crate::session::Sources;

/// Changes when the file's shape does.
const FORMAT: u32 = 1;

/// What one build's outputs were made from.
#[derive(Serialize, Deserialize)]
pub struct Manifest {
    format: u32,
    /// The output folder it describes (device and inode): an output put in place by
    /// anything else is never taken for it.
    output: (u64, u64),
    /// Everything the outputs depend on besides the current site's pages.
    whole: String,
    /// The current site's pages, in the registry's order.
    pages: Vec<PageEntry>,
}

/// A page as far as other outputs depend on it (see `plan::affected`).
#[derive(Serialize, Deserialize, Clone, PartialEq, Eq)]
struct PageEntry {
    path: String,
    /// Hashes of the whole file and of its front matter.
    text: String,
    front: String,
    tags: Vec<String>,
    initiatives: Vec<String>,
}

/// The file beside `out` the cache of its build is kept in.
pub fn file(out: &Path) -> PathBuf {
    let name = out
        .file_name()
        .map_or_else(|| "output".into(), |n| n.to_string_lossy().into_owned());
    out.with_file_name(format!(".{name}.cache"))
}

/// The manifest of the build that wrote `out`, if there is one and `out` is that build's
/// output; removed either way, as the output is about to be replaced (a build that stops
/// before writing the new one leaves no manifest, so the next build renders everything).
pub fn take(out: &Path) -> Option<Manifest> {
    let path = file(out);
    let text = std::fs::read(&path).ok();
    if text.is_some() && std::fs::remove_file(&path).is_err() {
        // A manifest that cannot be removed could outlive its output: never trust it.
        return None;
    }
    let manifest: Manifest = serde_json::from_slice(&text?).ok()?;
    (manifest.format == FORMAT && Some(manifest.output) == identity(out)).then_some(manifest)
}

/// Writes the manifest of the build now at `out` (after the swap); a failure only costs
/// the next build its cache.
pub fn store(out: &Path, inputs: Inputs) {
    let _ = (|| -> Option<()> {
        let manifest = Manifest {
            format: FORMAT,
            output: identity(out)?,
            whole: inputs.whole,
            pages: inputs.pages,
        };
        let bytes = serde_json::to_vec(&manifest).ok()?;
        let path = file(out);
        let temp = path.with_extension(format!("cache-{}", std::process::id()));
        std::fs::write(&temp, bytes).ok()?;
        std::fs::rename(&temp, &path)
            .inspect_err(|_| {
                let _ = std::fs::remove_file(&temp);
            })
            .ok()
    })();
}

#[cfg(unix)]
fn identity(out: &Path) -> Option<(u64, u64)> {
    use std::os::unix::fs::MetadataExt;
    let m = std::fs::metadata(out).ok()?;
    Some((m.dev(), m.ino()))
}

#[cfg(not(unix))]
fn identity(_: &Path) -> Option<(u64, u64)> {
    None
}

/// What this build's outputs are made from: the key of everything but the current
/// site's pages, and those pages (serialized, to be stored once the build is in place).
pub struct Inputs {
    whole: String,
    pages: Vec<PageEntry>,
}

impl Inputs {
    pub fn of(sources: &Sources, prepared: &[Prepared], extra: &Value) -> Inputs {
        let (whole, pages) = rayon::join(
            || whole(sources, prepared, extra),
            || {
                sources
                    .current()
                    .pages
                    .par_iter()
                    .map(|p| PageEntry {
                        path: p.source.path.clone(),
                        text: hash_of(&p.source.text),
                        front: hash_of(plan::front_matter(p)),
                        tags: p.meta.tags.clone(),
                        initiatives: p.meta.initiatives.clone(),
                    })
                    .collect()
            },
        );
        Inputs { whole, pages }
    }

    /// Which of `outputs` (every output of every site, as the build renders them) are
    /// as the previous build wrote them, by what `before` says it was made from. None
    /// when anything but pages changed, or the pages came, went or moved.
    pub fn unchanged(
        &self,
        before: Option<&Manifest>,
        prepared: &[Prepared],
        outputs: &[(&Prepared, &String, &Job)],
    ) -> Vec<bool> {
        let none = || vec![false; outputs.len()];
        let Some(before) = before else {
            return none();
        };
        let Some(current) = prepared.last() else {
            return none();
        };
        let pages = &current.reg.pages;
        if before.whole != self.whole
            || before.pages.len() != self.pages.len()
            || before
                .pages
                .iter()
                .zip(&self.pages)
                .any(|(a, b)| a.path != b.path)
        {
            return none();
        }
        // The pages as they were, as far as `affected` looks at them.
        let olds: Vec<(usize, Page, bool)> = before
            .pages
            .iter()
            .zip(&self.pages)
            .enumerate()
            .filter(|(_, (a, b))| a.text != b.text)
            .map(|(i, (a, b))| {
                let new = &pages[i];
                let old = Page {
                    meta: PageMeta {
                        tags: a.tags.clone(),
                        initiatives: a.initiatives.clone(),
                        ..new.meta.clone()
                    },
                    ..new.clone()
                };
                (i, old, a.front != b.front)
            })
            .collect();
        let changes: Vec<PageChange> = olds
            .iter()
            .map(|(i, old, front)| PageChange {
                index: *i,
                old,
                new: &pages[*i],
                front: *front,
            })
            .collect();
        outputs
            .par_iter()
            .map(|(p, _, job)| {
                let is_current = std::ptr::eq(*p, current);
                match job {
                    // Copies of files the cache does not follow: compared byte by byte.
                    Job::Asset(_) => false,
                    _ if !is_current => true,
                    // The list of versions tells what changed in the current site.
                    Job::Versions => changes.is_empty(),
                    _ => !changes
                        .iter()
                        .any(|c| plan::affected(job, c, |j| &pages[j])),
                }
            })
            .collect()
    }
}

/// The key of everything the outputs depend on besides the current site's pages.
fn whole(sources: &Sources, prepared: &[Prepared], extra: &Value) -> String {
    let mut h = DefaultHasher::new();
    FORMAT.hash(&mut h);
    env!("CARGO_PKG_VERSION").hash(&mut h);
    // Another build of mandat may render differently under the same version number.
    let binary = std::env::current_exe()
        .and_then(std::fs::metadata)
        .ok()
        .map(|m| (m.len(), m.modified().ok()));
    format!("{binary:?}").hash(&mut h);
    extra.to_string().hash(&mut h);
    format!("{:?}", sources.versions).hash(&mut h);
    let last = sources.regs.len().saturating_sub(1);
    for (i, reg) in sources.regs.iter().enumerate() {
        format!("{:?}", reg.config).hash(&mut h);
        let files = reg
            .actors
            .values()
            .map(|a| &a.source)
            .chain(reg.initiatives.values().map(|i| &i.source))
            .chain(&reg.event_sources);
        for f in files {
            f.path.hash(&mut h);
            f.text.hash(&mut h);
        }
        if i < last {
            for p in &reg.pages {
                p.source.path.hash(&mut h);
                p.source.text.hash(&mut h);
            }
        }
    }
    // The theme: the site's own files (the built-in theme is part of the binary).
    let themes = sources.current().config.root.join("themes");
    for entry in walkdir::WalkDir::new(&themes)
        .sort_by_file_name()
        .into_iter()
        .filter_map(Result::ok)
    {
        entry.path().hash(&mut h);
        if entry.file_type().is_file() {
            std::fs::read(entry.path()).ok().hash(&mut h);
        }
    }
    // Every address and what is published there; files copied as they are by their
    // size and time, as any page showing them might depend on them.
    for p in prepared {
        for (path, job) in &p.plan {
            path.hash(&mut h);
            format!("{job:?}").hash(&mut h);
            if let Job::Asset(file) = job {
                let m = std::fs::metadata(file).ok();
                format!("{:?}", m.map(|m| (m.len(), m.modified().ok()))).hash(&mut h);
            }
        }
    }
    format!("{:016x}", h.finish())
}

fn hash_of(text: &str) -> String {
    let mut h = DefaultHasher::new();
    text.hash(&mut h);
    // A second, independent hash: two texts are taken as the same only if both agree.
    let mut g = DefaultHasher::new();
    (text.len(), 0x6d61_6e64_6174_u64).hash(&mut g);
    text.hash(&mut g);
    format!("{:016x}{:016x}", h.finish(), g.finish())
}
