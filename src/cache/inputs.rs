//! What each output was made from: the key of everything but the current site's pages,
//! and those pages as far as other outputs depend on them. A rebuild compares them with
//! the manifest's to find the outputs it need not render again (`Inputs::unchanged`).

use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};

use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::fingerprint::binary;
use super::{hash_of, Manifest, FORMAT};
use crate::model::{Page, PageMeta};
use crate::render::job::{Job, Target};
use crate::render::plan::PageChange;
use crate::render::Prepared;
use crate::session::Sources;

/// A page as far as other outputs depend on it (see `plan::affected`).
#[derive(Serialize, Deserialize, Clone, PartialEq, Eq)]
pub(super) struct PageEntry {
    path: String,
    /// Hashes of the whole file and of its front matter.
    text: String,
    front: String,
    tags: Vec<String>,
    initiatives: Vec<String>,
}

/// What this build's outputs are made from: the key of everything but the current
/// site's pages, and those pages (serialized, to be stored once the build is in place).
pub struct Inputs {
    pub(super) whole: String,
    pub(super) pages: Vec<PageEntry>,
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
                        text: hash_of(p.source.text.hash64()),
                        front: hash_of(p.front),
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
    /// when anything but pages changed, or, on a site with frozen versions, when pages
    /// came, went or moved (`whole`).
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
        if before.whole != self.whole {
            return none();
        }
        // The pages as they were, as far as `affected` looks at them: each changed one
        // with its old tags and initiatives, each added one as it is, and each removed one
        // where it was, with its tags and initiatives (and nothing else).
        let was: rustc_hash::FxHashMap<&str, &PageEntry> =
            before.pages.iter().map(|p| (p.path.as_str(), p)).collect();
        let is: rustc_hash::FxHashSet<&str> = self.pages.iter().map(|p| p.path.as_str()).collect();
        let mut olds: Vec<(Option<usize>, Page, bool)> = Vec::new();
        for (i, (now, page)) in self.pages.iter().zip(pages).enumerate() {
            match was.get(now.path.as_str()) {
                Some(old) if old.text == now.text => {}
                Some(old) => {
                    let meta = PageMeta {
                        tags: old.tags.clone(),
                        initiatives: old.initiatives.clone(),
                        ..page.meta.clone()
                    };
                    let as_was = Page {
                        meta,
                        ..page.clone()
                    };
                    olds.push((Some(i), as_was, old.front != now.front));
                }
                None => olds.push((Some(i), page.clone(), true)),
            }
        }
        let content = format!("{}/", current.reg.config.display_dir);
        for gone in before
            .pages
            .iter()
            .filter(|p| !is.contains(p.path.as_str()))
        {
            // Where it was listed: its address, as its file's place gives it.
            let rel = gone.path.strip_prefix(&content).unwrap_or(&gone.path);
            let (slug_path, is_section) = crate::load::page_path(rel);
            let removed = Page {
                meta: PageMeta {
                    tags: gone.tags.clone(),
                    initiatives: gone.initiatives.clone(),
                    ..PageMeta::default()
                },
                lang: current.reg.config.lang,
                slug_path,
                is_section,
                body_at: 0,
                front: 0,
                source: crate::model::SourceFile {
                    path: gone.path.clone(),
                    text: crate::model::FileText::from(""),
                    body_line: 1,
                },
            };
            olds.push((None, removed, true));
        }
        let changes: Vec<PageChange> = olds
            .iter()
            .map(|(i, old, front)| PageChange {
                index: *i,
                old,
                new: i.and_then(|i| pages.get(i)).unwrap_or(old),
                front: *front,
            })
            .collect();
        let touched = current.touched(&changes);
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
                    _ => !current.affected(job, &changes, &touched),
                }
            })
            .collect()
    }
}

/// The key of everything the outputs depend on besides the current site's pages.
fn whole(sources: &Sources, prepared: &[Prepared], extra: &Value) -> String {
    let mut h = DefaultHasher::new();
    FORMAT.hash(&mut h);
    binary().hash(&mut h);
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
            f.text.hash64().hash(&mut h);
        }
        if i < last {
            for p in &reg.pages {
                p.source.path.hash(&mut h);
                p.source.text.hash64().hash(&mut h);
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
    // size and time, as any page showing them might depend on them. On a site without
    // frozen versions, not what pages come and go with (`unchanged` follows them); with
    // them, every address, as each version's page names the same page in the others.
    let versioned = prepared.len() > 1;
    for p in prepared {
        // Every page's footer links the accessibility statement, if there is one.
        p.statement().hash(&mut h);
        for (path, job) in &p.plan {
            let shown = match job {
                _ if versioned => format!("{job:?}"),
                Job::Page(_)
                | Job::Tag(_)
                | Job::More(..)
                | Job::Redirect(Target::Page(_))
                | Job::SitemapPart(_)
                | Job::SearchPart(_) => continue,
                // A section by its folder: a new folder is listed in the one above it,
                // and may be in the menu.
                Job::Section(folder, index) => format!("section {folder} {}", index.is_some()),
                _ => format!("{job:?}"),
            };
            path.hash(&mut h);
            shown.hash(&mut h);
            if let Job::Asset(file) = job {
                let m = std::fs::metadata(file).ok();
                format!("{:?}", m.map(|m| (m.len(), m.modified().ok()))).hash(&mut h);
            }
        }
    }
    format!("{:016x}", h.finish())
}
