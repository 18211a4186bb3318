//! Walks `content/`, splits front matter from Markdown and parses every record.
//! Every problem found is collected, so one run reports them all.

mod explain;
pub mod files;
pub mod frontmatter;
mod fronts;
pub mod limits;
pub mod links;
pub mod yaml;

use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;

pub use fronts::Fronts;

use crate::config::{Config, Paths};
use crate::error::{did_you_mean, Diagnostic, Diagnostics, Error};
use crate::model::actor::ActorFile;
use crate::model::initiative::InitiativeMeta;
use crate::model::{Actor, Event, FileText, Initiative, Loaded, Page, PageMeta, SourceFile};

const FOLDERS: [&str; 5] = ["actors", "initiatives", "events", "pages", "versions"];

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Actor,
    Initiative,
    Events,
    Page,
    /// A file below pages/ published as it is (an image is also measured and resized).
    Asset(files::PageFile),
}

/// Reads the whole site. On failure, the error holds every problem found.
pub fn load(paths: &Paths) -> Result<(Loaded, Vec<Diagnostic>), Error> {
    let (loaded, diags) = load_all(paths, Arc::default())?;
    let mut all = Diagnostics::default();
    all.extend(diags);
    let warnings = all.into_result()?;
    Ok((loaded, warnings))
}

/// Reads every file it can and reports every problem, so one run shows them all: the
/// records that could be read (with `broken` naming the files that could not) and every
/// diagnostic. Fails outright only when there is no site to read. A broken site.yaml
/// does not hide the other files: they are read with the defaults.
pub fn load_all(paths: &Paths, fronts: Arc<Fronts>) -> Result<(Loaded, Vec<Diagnostic>), Error> {
    load_all_beside(paths, fronts, |_| ()).map(|(loaded, ())| loaded)
}

/// `load_all`, doing `beside` with the site's settings while the files are read: the
/// build parses its theme so, which needs only the settings and is mostly one
/// processor's work.
pub fn load_all_beside<T: Send>(
    paths: &Paths,
    fronts: Arc<Fronts>,
    beside: impl FnOnce(&Config) -> T + Send,
) -> Result<((Loaded, Vec<Diagnostic>), T), Error> {
    let (config, broken) = match Config::load(paths) {
        Ok(config) => (config, None),
        Err(d) if paths.root.join("content/site.yaml").is_file() => {
            (Config::fallback(paths), Some(d))
        }
        Err(d) => return Err(Error::one(d)),
    };
    let ((mut loaded, mut diags), also) =
        rayon::join(|| load_with_all(config.clone(), fronts), || beside(&config));
    if let Some(d) = broken {
        loaded.broken.insert("site.yaml".into());
        diags.push(d);
    }
    Ok(((loaded, diags), also))
}

/// `load_all` for the dev server: only the files in `changed` (every file when `None`)
/// are read again, the rest taken from `cache`.
pub fn load_all_reusing(
    paths: &Paths,
    cache: &mut LoadCache,
    changed: Option<&BTreeSet<PathBuf>>,
) -> Result<(Loaded, Vec<Diagnostic>), Error> {
    match Config::load(paths) {
        Ok(config) => Ok(load_cached(config, cache, changed)),
        Err(d) if paths.root.join("content/site.yaml").is_file() => {
            let (mut loaded, mut diags) = load_cached(Config::fallback(paths), cache, changed);
            loaded.broken.insert("site.yaml".into());
            diags.push(d);
            Ok((loaded, diags))
        }
        Err(d) => Err(Error::one(d)),
    }
}

pub fn load_with(config: Config) -> Result<(Loaded, Vec<Diagnostic>), Error> {
    into_result(load_with_all(config, Arc::default()))
}

fn into_result(
    (loaded, diags): (Loaded, Vec<Diagnostic>),
) -> Result<(Loaded, Vec<Diagnostic>), Error> {
    let mut all = Diagnostics::default();
    all.extend(diags);
    let warnings = all.into_result()?;
    Ok((loaded, warnings))
}

/// `load_all`, taking from `fronts` the pages' fields it holds.
fn load_with_all(config: Config, fronts: Arc<Fronts>) -> (Loaded, Vec<Diagnostic>) {
    let mut cache = LoadCache {
        fronts,
        ..LoadCache::default()
    };
    read_changes(&config, &mut cache, None);
    let rels = cache.files.iter().map(|(_, rel, _)| rel.clone());
    let records: Vec<(String, Result<Record, Vec<Diagnostic>>)> = rels
        .zip(std::mem::take(&mut cache.records).into_iter().flatten())
        .collect();
    assemble(config, records, cache.walk_problems)
}

/// What the last load found and read, kept by the dev server so that a rebuild after a
/// save re-reads only the files that changed.
#[derive(Default)]
pub struct LoadCache {
    walked: bool,
    /// The files to read, in order, and the problems found walking the folders.
    files: Vec<(PathBuf, String, Kind)>,
    walk_problems: Vec<Diagnostic>,
    /// Each file's place in `files`, by its path below content/.
    index: HashMap<String, usize>,
    /// What each file held when it was last read.
    records: Vec<Option<Result<Record, Vec<Diagnostic>>>>,
    /// The text of site.yaml the records were read with.
    settings: Option<crate::model::FileText>,
    /// Pages' fields as an earlier build read them.
    fronts: Arc<Fronts>,
}

impl LoadCache {
    /// Reads again one page file the last load found, keeping what it holds now.
    /// `None` when `path` is not such a page (then load the site again).
    pub fn reread_page(
        &mut self,
        config: &Config,
        path: &Path,
    ) -> Option<Result<Page, Vec<Diagnostic>>> {
        let rel = path.strip_prefix(&config.content_dir).ok()?;
        let rel = rel.to_string_lossy().replace('\\', "/");
        let i = *self.index.get(&rel)?;
        let (file, rel, kind) = self.files.get(i)?;
        if !matches!(kind, Kind::Page) || !file.is_file() {
            return None;
        }
        let record = read_record(config, file, rel, *kind, &self.fronts, false);
        let page = match &record {
            Ok(Record::Page(p)) => Ok((**p).clone()),
            // Read in part: the whole site is read, so that what it refers to is checked.
            Ok(Record::Partly(..)) => return None,
            Ok(_) => return None,
            Err(d) => Err(d.clone()),
        };
        self.records[i] = Some(record);
        Some(page)
    }
}

/// `load`, re-reading only the files in `changed` (every file when `None`) and taking the
/// rest from `cache`.
pub fn load_reusing(
    config: Config,
    cache: &mut LoadCache,
    changed: Option<&BTreeSet<PathBuf>>,
) -> Result<(Loaded, Vec<Diagnostic>), Error> {
    into_result(load_cached(config, cache, changed))
}

fn load_cached(
    config: Config,
    cache: &mut LoadCache,
    changed: Option<&BTreeSet<PathBuf>>,
) -> (Loaded, Vec<Diagnostic>) {
    // Records are read with the settings (a page's language defaults to the site's):
    // other settings, and every record is read again.
    let settings = Some(&config.source.text);
    let changed = if cache.settings.as_ref() == settings {
        changed
    } else {
        cache.settings = settings.cloned();
        None
    };
    read_changes(&config, cache, changed);
    let rels = cache.files.iter().map(|(_, rel, _)| rel.clone());
    let records: Vec<(String, Result<Record, Vec<Diagnostic>>)> =
        rels.zip(cache.records.iter().flatten().cloned()).collect();
    let problems = cache.walk_problems.clone();
    assemble(config, records, problems)
}

/// Brings `cache` up to date with the files: reads those in `changed` (all when `None`)
/// and any it has not read. The folders are walked again only when a changed path is
/// not a file the last walk found: when a file came, went or was renamed.
fn read_changes(config: &Config, cache: &mut LoadCache, changed: Option<&BTreeSet<PathBuf>>) {
    let content = &config.content_dir;
    let rel_of = |p: &Path| {
        let rel = p.strip_prefix(content).ok()?;
        Some(rel.to_string_lossy().replace('\\', "/"))
    };
    let mut stale = Vec::new();
    let mut rewalk = !cache.walked || changed.is_none();
    for p in changed.into_iter().flatten() {
        let Some(rel) = rel_of(p) else { continue };
        let name = rel.rsplit('/').next().unwrap_or("");
        match cache.index.get(&rel) {
            Some(&i) if p.is_file() => stale.push(i),
            _ if crate::fs::is_editor_temp(name) => {}
            _ => rewalk = true,
        }
    }
    if rewalk {
        let mut diags = Diagnostics::default();
        let files = walk(&config.root, content, &config.display_dir, &mut diags);
        let mut earlier: HashMap<String, Result<Record, Vec<Diagnostic>>> = cache
            .files
            .iter()
            .zip(cache.records.drain(..))
            .filter_map(|((_, rel, _), r)| Some((rel.clone(), r?)))
            .collect();
        for i in &stale {
            if let Some((_, rel, _)) = cache.files.get(*i) {
                earlier.remove(rel);
            }
        }
        cache.records = files
            .iter()
            .map(|(_, rel, _)| changed.and_then(|_| earlier.remove(rel)))
            .collect();
        cache.index = files
            .iter()
            .enumerate()
            .map(|(i, (_, rel, _))| (rel.clone(), i))
            .collect();
        cache.files = files;
        cache.walk_problems = diags.items;
        cache.walked = true;
    } else {
        for i in stale {
            cache.records[i] = None;
        }
    }
    let read: Vec<(usize, Result<Record, Vec<Diagnostic>>)> = cache
        .records
        .par_iter()
        .with_max_len(crate::AT_ONCE)
        .enumerate()
        .filter(|(_, r)| r.is_none())
        .map(|(i, _)| {
            let (path, rel, kind) = &cache.files[i];
            (
                i,
                read_record(config, path, rel, *kind, &cache.fronts, rewalk),
            )
        })
        .collect();
    for (i, r) in read {
        cache.records[i] = Some(r);
    }
}

/// The records read (by their path below the content folder), sorted by kind, with
/// every problem found; `broken` names the files that could not be read.
pub fn assemble(
    config: Config,
    records: Vec<(String, Result<Record, Vec<Diagnostic>>)>,
    walk_problems: Vec<Diagnostic>,
) -> (Loaded, Vec<Diagnostic>) {
    let mut diags = Diagnostics::default();
    diags.extend(walk_problems);
    let mut loaded = Loaded {
        config,
        actors: Vec::new(),
        initiatives: Vec::new(),
        event_files: Vec::new(),
        pages: Vec::new(),
        assets: Vec::new(),
        images: Default::default(),
        broken: Default::default(),
    };
    // Room for every page at once: a page is large to move each time the list grows.
    let pages = records
        .iter()
        .filter(|(_, r)| matches!(r, Ok(Record::Page(_))))
        .count();
    loaded.pages.reserve(pages);
    for (rel, r) in records {
        // A record read in part is checked with the rest, but the file counts as broken.
        let r = match r {
            Ok(Record::Partly(record, problems)) => {
                loaded.broken.insert(rel.clone());
                diags.extend(problems);
                Ok(*record)
            }
            r => r,
        };
        match r {
            Ok(Record::Actor(a)) => loaded.actors.push(*a),
            Ok(Record::Initiative(i)) => loaded.initiatives.push(*i),
            Ok(Record::Events(f, e)) => loaded.event_files.push((f, e)),
            Ok(Record::Page(p)) => {
                if !p.meta.draft {
                    loaded.pages.push(*p);
                }
            }
            Ok(Record::Asset(path, rel, image)) => {
                if let Some(image) = image {
                    loaded.images.insert(rel.clone(), image);
                }
                loaded.assets.push((path, rel));
            }
            Ok(Record::Partly(..)) => {}
            Err(d) => {
                loaded.broken.insert(rel);
                diags.extend(d);
            }
        }
    }
    (loaded, diags.items)
}

/// One record, as read from its file.
#[derive(Clone)]
pub enum Record {
    Actor(Box<Actor>),
    Initiative(Box<Initiative>),
    Events(SourceFile, Vec<Event>),
    Page(Box<Page>),
    /// A file below pages/: where it is, its path below pages/, and what it is as an image.
    Asset(
        PathBuf,
        String,
        Option<std::sync::Arc<crate::images::Image>>,
    ),
    /// A record read without some of its fields, and the problems of those: what it
    /// refers to is checked with the rest of the site, and the build fails.
    Partly(Box<Record>, Vec<Diagnostic>),
}

/// Everything in a content folder in a stable order, leaving out editors' scratch files
/// and the frozen versions (read on their own by crate::versions, and not copied into a
/// new one).
/// Symbolic links that lead out of the site are refused here (see `links`).
pub(crate) fn content_files(
    root: &Path,
    content: &Path,
) -> impl Iterator<Item = Result<walkdir::DirEntry, links::Problem>> {
    links::walk(content, links::Allowed::new(root, content), |e| {
        let name = e.file_name().to_string_lossy();
        e.depth() == 0
            || !(crate::fs::is_editor_temp(&name) || e.depth() == 1 && name == "versions")
    })
}

/// Lists the files to read, in a stable order, with what each is.
/// `shown` is the folder as messages name it (`content`, `content/versions/<NAME>`).
fn walk(
    root: &Path,
    content: &Path,
    shown: &str,
    diags: &mut Diagnostics,
) -> Vec<(PathBuf, String, Kind)> {
    let mut out = Vec::new();
    for entry in content_files(root, content) {
        let entry = match entry {
            Ok(e) => e,
            Err(links::Problem::Escape(escape)) => {
                diags.push(escape.diagnostic(&display(content, shown, &escape.link)));
                continue;
            }
            Err(links::Problem::Walk(e)) => {
                let path = e
                    .path()
                    .map(|p| display(content, shown, p))
                    .unwrap_or_else(|| shown.into());
                let link = e.path().and_then(|p| std::fs::read_link(p).ok());
                let d = if e.loop_ancestor().is_some() {
                    Diagnostic::error(
                        path.clone(),
                        "this shortcut (symbolic link) leads back to a folder it is in, so the folder never ends",
                    )
                    .hint(format!("remove the shortcut {path}, or make it point to a folder outside content/"))
                } else if let (Some(target), true) = (
                    &link,
                    e.io_error()
                        .is_some_and(|io| io.kind() == std::io::ErrorKind::NotFound),
                ) {
                    Diagnostic::error(
                        path.clone(),
                        format!(
                            "this shortcut (symbolic link) points to {}, which does not exist",
                            target.display()
                        ),
                    )
                    .hint(format!(
                        "remove the shortcut {path}, or make it point to a file that exists"
                    ))
                } else {
                    match e.io_error() {
                        Some(io) => {
                            let mut d = crate::error::io_diagnostic(Path::new(&path), "read", io);
                            d.path = path;
                            d
                        }
                        None => Diagnostic::error(path, e.to_string()),
                    }
                };
                diags.push(d);
                continue;
            }
        };
        let rel = match entry.path().strip_prefix(content) {
            Ok(r) => r.to_string_lossy().replace('\\', "/"),
            Err(_) => continue,
        };
        if entry.depth() == 0 {
            continue;
        }
        let top = rel.split('/').next().unwrap_or("");
        if entry.depth() == 1 {
            if entry.file_type().is_dir() {
                if !FOLDERS.contains(&top) {
                    let mut d = Diagnostic::error(
                        format!("{shown}/{rel}"),
                        format!("unknown folder `{top}` in {shown}/"),
                    );
                    d = d.hint(match did_you_mean(top, FOLDERS) {
                        Some(s) => {
                            format!("did you mean `{s}`? {shown}/ holds {}", FOLDERS.join(", "))
                        }
                        None => format!("{shown}/ holds only the folders {}", FOLDERS.join(", ")),
                    });
                    diags.push(d);
                }
            } else if rel != "site.yaml" {
                let hint = match rel.rsplit_once('.').map(|(_, e)| e) {
                    Some("md") => format!("a page goes in content/pages/ (content/pages/{rel}), an initiative in content/initiatives/"),
                    Some("yaml" | "yml") => format!("an actor goes in content/actors/ (content/actors/{rel}), a list of events in content/events/"),
                    _ => format!("a file to publish as it is goes in content/pages/ (content/pages/{rel})"),
                };
                diags.push(
                    Diagnostic::error(format!("{shown}/{rel}"), format!("{shown}/ holds only site.yaml and the record folders, so this file would not be used"))
                        .hint(format!("move it: {hint}")),
                );
            }
            continue;
        }
        if entry.file_type().is_dir() || top == "versions" || !FOLDERS.contains(&top) {
            continue;
        }
        let ext = rel.rsplit_once('.').map_or("", |(_, e)| e);
        let kind = match (top, ext) {
            ("actors", "yaml" | "yml") if entry.depth() == 2 => Kind::Actor,
            ("initiatives", "md") if entry.depth() == 2 => Kind::Initiative,
            ("events", "yaml" | "yml") => Kind::Events,
            ("pages", _) => match files::page_file(rel.rsplit('/').next().unwrap_or(&rel)) {
                Ok(files::PageFile::Page) => Kind::Page,
                Ok(kind) => Kind::Asset(kind),
                Err((message, hint)) => {
                    diags.push(Diagnostic::error(format!("{shown}/{rel}"), message).hint(hint));
                    continue;
                }
            },
            ("actors", _) | ("initiatives", _) => {
                let want = if top == "actors" {
                    "<id>.yaml"
                } else {
                    "<id>.md"
                };
                diags.push(
                    Diagnostic::error(
                        format!("{shown}/{rel}"),
                        format!("{shown}/{top}/ holds only files named {want}"),
                    )
                    .hint(format!(
                        "rename the file to {want} directly in {shown}/{top}/"
                    )),
                );
                continue;
            }
            _ => {
                diags.push(
                    Diagnostic::error(
                        format!("{shown}/{rel}"),
                        format!("{shown}/events/ holds only .yaml files"),
                    )
                    .hint("rename the file to end in .yaml"),
                );
                continue;
            }
        };
        out.push((entry.path().to_path_buf(), rel, kind));
    }
    out
}

fn display(content: &Path, shown: &str, p: &Path) -> String {
    match p.strip_prefix(content) {
        Ok(r) => format!("{shown}/{}", r.to_string_lossy()),
        Err(_) => p.display().to_string(),
    }
}

/// The id of a record file: its name without extension, checked to be URL-safe.
fn record_id(source: &SourceFile, rel: &str) -> Result<String, Diagnostic> {
    let name = rel.rsplit('/').next().unwrap_or(rel);
    let id = name.rsplit_once('.').map_or(name, |(s, _)| s);
    if id.is_empty()
        || !id
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
    {
        return Err(Diagnostic::error(source.path.clone(), format!("`{id}` cannot be used as an id"))
            .hint(format!(
                "rename the file using only a–z, 0–9 and `-` (the name becomes part of the address), e.g. `{}`",
                crate::model::slugify(id)
            )));
    }
    Ok(id.to_owned())
}

/// Reads the file at `path`. `walked`: found by the walk just made, which checked the
/// links it found; the dev server re-reads files without walking again, and a file may
/// have become a link to elsewhere since.
fn read_record(
    config: &Config,
    path: &Path,
    rel: &str,
    kind: Kind,
    fronts: &Fronts,
    walked: bool,
) -> Result<Record, Vec<Diagnostic>> {
    if !walked && std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink()) {
        links::Allowed::new(&config.root, &config.content_dir)
            .check(path)
            .map_err(|e| vec![e.diagnostic(&format!("{}/{rel}", config.display_dir))])?;
    }
    if let Kind::Asset(file) = kind {
        let below = rel.strip_prefix("pages/").unwrap_or(rel).to_owned();
        let image = match file {
            files::PageFile::Raster | files::PageFile::AsIs => {
                let shown = format!("{}/{rel}", config.display_dir);
                Some(crate::images::read(&config.root, path, &below, &shown).map_err(|d| vec![d])?)
            }
            _ => None,
        };
        return Ok(Record::Asset(path.to_path_buf(), below, image));
    }
    read_text_record(config, path, rel, kind, fronts)
}

fn read_text_record(
    config: &Config,
    path: &Path,
    rel: &str,
    kind: Kind,
    fronts: &Fronts,
) -> Result<Record, Vec<Diagnostic>> {
    let shown = format!("{}/{rel}", config.display_dir);
    // In a build, a page's file is known by its `stat`, taken before it is read; kept
    // for the next build only if the file was written a while before (`fs::settled`).
    let stat = (kind == Kind::Page && fronts.knows_files())
        .then(|| fronts.stat_of(path))
        .flatten();
    if let Some(stat) = &stat {
        if let Some(page) = unread_page(config, path, rel, &shown, stat, fronts) {
            return page.map_err(|d| vec![d]);
        }
    }
    let stat = stat.filter(crate::fs::settled);
    let text = FileText::read(path, &shown, stat).map_err(|d| vec![d])?;
    let mut record = parse_text_record(config, rel, text, kind, fronts)?;
    let_text_go(&mut record, path, fronts);
    Ok(record)
}

/// In a build, a page's text is let go once its front matter is read: its body is
/// rendered once, later, when the file is read again (`Page::with_body`), and nothing
/// else of the build reads it. Held until then, every page's text would be in memory at
/// once: some 48 MB at 10,000 pages, nearly half of what the build holds at most. Only a
/// text that has a `stat`, which only a build takes, and only of a page's file that was
/// not written just before (`read_text_record`): one written since it was read is found
/// changed (`Fronts::changed`), and the build asks to be run again. A page read without
/// some of its fields (`Record::Partly`) fails the build, and keeps its text for the
/// messages.
fn let_text_go(record: &mut Record, path: &Path, fronts: &Fronts) {
    let Record::Page(page) = record else {
        return;
    };
    let source = &mut page.source;
    let Some(stat) = source.text.stat().cloned() else {
        return;
    };
    source.text = FileText::unread(
        path.to_path_buf(),
        source.path.clone(),
        (stat, source.text.hash64()),
        std::sync::Arc::clone(fronts.let_go()),
    );
}

/// The page of the file at `path` (`rel` below content/, shown as `shown`) made from
/// what `fronts` kept of it, without reading it, if the file is as it was read then
/// (`stat`); a page whose address cannot be is refused as when it is read.
fn unread_page(
    config: &Config,
    path: &Path,
    rel: &str,
    shown: &str,
    stat: &crate::fs::Stat,
    fronts: &Fronts,
) -> Option<Result<Record, Diagnostic>> {
    let (front, meta, seen) = fronts.take_file(shown, stat)?;
    let (slug_path, is_section) = match page_place(shown, rel) {
        Ok(place) => place,
        Err(d) => return Some(Err(d)),
    };
    let text = FileText::unread(
        path.to_path_buf(),
        shown.to_owned(),
        (seen.stat, seen.text),
        std::sync::Arc::clone(fronts.reads()),
    );
    Some(Ok(Record::Page(Box::new(Page {
        lang: meta.lang.unwrap_or(config.lang),
        meta,
        slug_path,
        is_section,
        body_at: seen.body_at,
        front,
        source: SourceFile {
            path: shown.to_owned(),
            text,
            body_line: seen.body_line,
        },
    }))))
}

/// The address of the page file at `rel` (shown as `shown`), and whether it is a
/// section's: refused where a folder or file name cannot be part of an address.
fn page_place(shown: &str, rel: &str) -> Result<(String, bool), Diagnostic> {
    let (slug_path, is_section) = page_path(rel);
    for segment in slug_path.split('/').filter(|s| !s.is_empty()) {
        if !segment
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_')
        {
            return Err(Diagnostic::error(
                shown.to_owned(),
                format!("`{segment}` cannot be used in an address"),
            )
            .hint(format!(
                "rename it using only a–z, 0–9 and `-`, e.g. `{}`",
                crate::model::slugify(segment)
            )));
        }
    }
    Ok((slug_path, is_section))
}

/// Parses the text of the record file at `rel` (content-relative: `actors/ks.yaml`,
/// `pages/om.md`) exactly as a build reads it: for tools and the fuzz targets.
pub fn parse_record(config: &Config, rel: &str, text: String) -> Result<Record, Vec<Diagnostic>> {
    let top = rel.split('/').next().unwrap_or("");
    let depth = rel.split('/').count();
    let ext = rel.rsplit_once('.').map_or("", |(_, e)| e);
    let kind = match (top, ext) {
        ("actors", "yaml" | "yml") if depth == 2 => Kind::Actor,
        ("initiatives", "md") if depth == 2 => Kind::Initiative,
        ("events", "yaml" | "yml") => Kind::Events,
        ("pages", "md") => Kind::Page,
        _ => {
            return Err(vec![Diagnostic::error(
                format!("{}/{rel}", config.display_dir),
                "this file is not a record",
            )])
        }
    };
    parse_text_record(config, rel, text.into(), kind, &Fronts::default())
}

/// One record from its text, with every problem found in it; a page's fields are taken
/// from `fronts` when it holds them.
fn parse_text_record(
    config: &Config,
    rel: &str,
    text: FileText,
    kind: Kind,
    fronts: &Fronts,
) -> Result<Record, Vec<Diagnostic>> {
    let mut more = Vec::new();
    match parse_text_record_noting(config, rel, text, kind, fronts, &mut more) {
        Ok(record) if more.is_empty() => Ok(record),
        Ok(record) => Ok(Record::Partly(Box::new(record), more)),
        Err(first) => {
            let mut all = vec![first];
            all.append(&mut more);
            Err(all)
        }
    }
}

/// The value `parse_all` read: with some fields left out (their problems noted in
/// `more`), or, when it could not be read, its first problem (the others noted).
fn fields<T>(
    read: Result<T, yaml::Mistakes<T>>,
    more: &mut Vec<Diagnostic>,
) -> Result<T, Diagnostic> {
    match read {
        Ok(value) => Ok(value),
        Err(yaml::Mistakes {
            mut problems,
            rest: Some(value),
        }) => {
            more.append(&mut problems);
            Ok(value)
        }
        Err(m) => Err(first_of(m.problems, more)),
    }
}

/// The first problem of several in a file's fields; the others are noted in `more`.
fn first_of(mut problems: Vec<Diagnostic>, more: &mut Vec<Diagnostic>) -> Diagnostic {
    let first = problems.remove(0);
    more.append(&mut problems);
    first
}

/// `parse_text_record`, giving its first problem and noting the rest of its fields'
/// problems in `more`.
fn parse_text_record_noting(
    config: &Config,
    rel: &str,
    text: FileText,
    kind: Kind,
    fronts: &Fronts,
    more: &mut Vec<Diagnostic>,
) -> Result<Record, Diagnostic> {
    let display = format!("{}/{rel}", config.display_dir);
    let mut source = SourceFile {
        path: display,
        text,
        body_line: 1,
    };
    match kind {
        Kind::Actor => {
            let id = record_id(&source, rel)?;
            if yaml::is_blank(&source.text) {
                return Err(Diagnostic::error(source.path.clone(), "the file is empty")
                    .hint("an actor needs at least a line `kind: …` and a line `names:` with `  - name: …` below it (see docs/writing.md)"));
            }
            let file: ActorFile = fields(yaml::parse_all(&source, &source.text, 1), more)?;
            if let Some(given) = &file.id {
                if *given != id {
                    return Err(source
                        .error_at(
                            &["id:"],
                            given,
                            format!("the id `{given}` does not match the file name `{id}`"),
                        )
                        .hint(
                            "the id is the file name; remove the `id:` line or rename the file",
                        ));
                }
            }
            if file.names.is_empty() {
                return Err(source
                    .error_at(&["names:"], "", "an actor needs at least one name")
                    .hint("write `names:` and below it `  - name: …`"));
            }
            for n in &file.names {
                if let (Some(f), Some(t)) = (n.from, n.to) {
                    if t < f {
                        return Err(source
                            .error_at(
                                &[n.name.as_str(), "to:"],
                                &t.iso(),
                                format!(
                                    "the name `{}` is used until {} but from {}: it ends before it starts",
                                    n.name,
                                    t.iso(),
                                    f.iso()
                                ),
                            )
                            .hint("check the years: `to` must be the same as or later than `from`"));
                    }
                }
            }
            Ok(Record::Actor(Box::new(Actor {
                id,
                names: file.names,
                kind: file.kind,
                url: file.url,
                description: file.description,
                aliases: file.aliases,
                source,
            })))
        }
        Kind::Initiative => {
            let id = record_id(&source, rel)?;
            let split = split(&source)?;
            let meta: InitiativeMeta =
                fields(yaml::parse_all(&source, split.yaml, split.yaml_line), more)?;
            require_title(&source, &meta.title)?;
            // The body runs to the end of the file.
            let body_at = source.text.len() - split.body.len();
            source.body_line = split.body_line;
            let lang = meta.lang.unwrap_or(config.lang);
            Ok(Record::Initiative(Box::new(Initiative {
                id,
                meta,
                lang,
                body_at,
                source,
            })))
        }
        Kind::Events => {
            let events: Vec<Event> = if yaml::is_blank(&source.text) {
                Vec::new()
            } else {
                fields(yaml::parse_all(&source, &source.text, 1), more)?
            };
            Ok(Record::Events(source, events))
        }
        Kind::Page => {
            let (slug_path, is_section) = page_place(&source.path, rel)?;
            let split = split(&source)?;
            // The body runs to the end of the file.
            let body_at = source.text.len() - split.body.len();
            let front = fronts::key(&source.path, source.text.get(..body_at).unwrap_or(""));
            let kept = fronts.take(front);
            let meta: PageMeta = if let Some(meta) = kept {
                meta
            } else if yaml::is_blank(split.yaml) {
                return Err(
                    Diagnostic::error(source.path.clone(), "the front matter is empty")
                        .at(&source.text, 1, 1, 3)
                        .hint("add at least a line `title: …` between the two `---` lines"),
                );
            } else {
                fields(yaml::parse_all(&source, split.yaml, split.yaml_line), more)?
            };
            require_title(&source, &meta.title)?;
            source.body_line = split.body_line;
            let lang = meta.lang.unwrap_or(config.lang);
            Ok(Record::Page(Box::new(Page {
                meta,
                lang,
                slug_path,
                is_section,
                body_at,
                front,
                source,
            })))
        }
        Kind::Asset(_) => Err(Diagnostic::error(source.path, "this file is not a record")),
    }
}

/// YAML reads `title:` with nothing after it as an empty title, which no reader could use.
fn require_title(source: &SourceFile, title: &str) -> Result<(), Diagnostic> {
    if title.trim().is_empty() {
        return Err(source
            .error_at(&[], "title:", "the title is empty")
            .hint("write the title after `title:` on the same line, e.g. `title: Om nettstedet`"));
    }
    Ok(())
}

/// What a file below content/ holds, by its path there (`actors/ks.yaml`): the one place
/// outside the walk that reads a record's kind and id from a path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FileRecord {
    Actor(String),
    Initiative(String),
    Events,
    /// A page, by the path below pages/ it is published at (`artikler/nyhet`).
    Page(String),
    Other,
}

pub fn file_record(rel: &str) -> FileRecord {
    let name = rel.rsplit('/').next().unwrap_or("");
    let id = name.rsplit_once('.').map_or(name, |(s, _)| s).to_owned();
    match rel.split('/').next() {
        Some("actors") => FileRecord::Actor(id),
        Some("initiatives") => FileRecord::Initiative(id),
        Some("events") => FileRecord::Events,
        Some("pages") => FileRecord::Page(page_path(rel).0),
        _ => FileRecord::Other,
    }
}

/// The path below `content/pages/` a page file is published at, and whether it is a
/// section's `_index.md`: `pages/artikler/_index.md` is (`artikler`, true).
pub fn page_path(rel: &str) -> (String, bool) {
    let below = rel.strip_prefix("pages/").unwrap_or(rel);
    let stem = below.strip_suffix(".md").unwrap_or(below);
    match stem.strip_suffix("_index") {
        Some(dir) => (dir.trim_end_matches('/').to_owned(), true),
        None => (stem.to_owned(), false),
    }
}

fn split(source: &SourceFile) -> Result<frontmatter::Split<'_>, Diagnostic> {
    frontmatter::split(&source.text).map_err(|e| {
        Diagnostic::error(source.path.clone(), e.message)
            .at(&source.text, e.line, 1, 3)
            .hint(e.hint)
    })
}
