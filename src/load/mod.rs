//! Walks `content/`, splits front matter from Markdown and parses every record.
//! Every problem found is collected, so one run reports them all.

pub mod frontmatter;
pub mod yaml;

use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::config::{Config, Paths};
use crate::error::{did_you_mean, Diagnostic, Diagnostics, Error};
use crate::model::actor::ActorFile;
use crate::model::initiative::InitiativeMeta;
use crate::model::{Actor, Event, Initiative, Page, PageMeta, SourceFile};

/// Everything read from a site folder, parsed but not yet cross-checked.
#[derive(Debug)]
pub struct Loaded {
    pub config: Config,
    pub actors: Vec<Actor>,
    pub initiatives: Vec<Initiative>,
    pub event_files: Vec<(SourceFile, Vec<Event>)>,
    pub pages: Vec<Page>,
    /// Other files under `content/pages/`, copied as they are: (file, path below pages/).
    pub assets: Vec<(PathBuf, String)>,
}

const FOLDERS: [&str; 5] = ["actors", "initiatives", "events", "pages", "versions"];

#[derive(Clone, Copy)]
enum Kind {
    Actor,
    Initiative,
    Events,
    Page,
    Asset,
}

/// Reads the whole site. On failure, the error holds every problem found.
pub fn load(paths: &Paths) -> Result<(Loaded, Vec<Diagnostic>), Error> {
    let config = Config::load(paths).map_err(Error::one)?;
    load_with(config)
}

pub fn load_with(config: Config) -> Result<(Loaded, Vec<Diagnostic>), Error> {
    let mut cache = LoadCache::default();
    read_changes(&config, &mut cache, None);
    let records = std::mem::take(&mut cache.records).into_iter().flatten();
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
    records: Vec<Option<Result<Record, Diagnostic>>>,
}

impl LoadCache {
    /// Reads again one page file the last load found, keeping what it holds now.
    /// `None` when `path` is not such a page (then load the site again).
    pub fn reread_page(
        &mut self,
        config: &Config,
        path: &Path,
    ) -> Option<Result<Page, Diagnostic>> {
        let rel = path.strip_prefix(&config.content_dir).ok()?;
        let rel = rel.to_string_lossy().replace('\\', "/");
        let i = *self.index.get(&rel)?;
        let (file, rel, kind) = self.files.get(i)?;
        if !matches!(kind, Kind::Page) || !file.is_file() {
            return None;
        }
        let record = read_record(config, file, rel, *kind);
        let page = match &record {
            Ok(Record::Page(p)) => Ok((**p).clone()),
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
    read_changes(&config, cache, changed);
    let records = cache.records.iter().flatten().cloned();
    assemble(config, records, cache.walk_problems.clone())
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
        let files = walk(content, &mut diags);
        let mut earlier: HashMap<String, Result<Record, Diagnostic>> = cache
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
    let read: Vec<(usize, Result<Record, Diagnostic>)> = cache
        .records
        .par_iter()
        .enumerate()
        .filter(|(_, r)| r.is_none())
        .map(|(i, _)| {
            let (path, rel, kind) = &cache.files[i];
            (i, read_record(config, path, rel, *kind))
        })
        .collect();
    for (i, r) in read {
        cache.records[i] = Some(r);
    }
}

/// The records read, sorted by kind, with every problem found.
fn assemble(
    config: Config,
    records: impl Iterator<Item = Result<Record, Diagnostic>>,
    walk_problems: Vec<Diagnostic>,
) -> Result<(Loaded, Vec<Diagnostic>), Error> {
    let mut diags = Diagnostics::default();
    diags.extend(walk_problems);
    let mut loaded = Loaded {
        config,
        actors: Vec::new(),
        initiatives: Vec::new(),
        event_files: Vec::new(),
        pages: Vec::new(),
        assets: Vec::new(),
    };
    for r in records {
        match r {
            Ok(Record::Actor(a)) => loaded.actors.push(*a),
            Ok(Record::Initiative(i)) => loaded.initiatives.push(*i),
            Ok(Record::Events(f, e)) => loaded.event_files.push((f, e)),
            Ok(Record::Page(p)) => {
                if !p.meta.draft {
                    loaded.pages.push(*p);
                }
            }
            Ok(Record::Asset(path, rel)) => loaded.assets.push((path, rel)),
            Err(d) => diags.push(d),
        }
    }
    let warnings = diags.into_result()?;
    Ok((loaded, warnings))
}

#[derive(Clone)]
enum Record {
    Actor(Box<Actor>),
    Initiative(Box<Initiative>),
    Events(SourceFile, Vec<Event>),
    Page(Box<Page>),
    Asset(PathBuf, String),
}

/// Lists the files to read, in a stable order, with what each is.
fn walk(content: &Path, diags: &mut Diagnostics) -> Vec<(PathBuf, String, Kind)> {
    let mut out = Vec::new();
    let walker = walkdir::WalkDir::new(content)
        .follow_links(true)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| {
            let name = e.file_name().to_string_lossy();
            e.depth() == 0 || !crate::fs::is_editor_temp(&name)
        });
    for entry in walker {
        let entry = match entry {
            Ok(e) => e,
            Err(e) => {
                let path = e
                    .path()
                    .map(|p| display(content, p))
                    .unwrap_or_else(|| "content".into());
                let d = if e.loop_ancestor().is_some() {
                    Diagnostic::error(
                        path,
                        "this link points back to a folder that contains it (a symlink loop)",
                    )
                    .hint("remove the symbolic link or point it somewhere outside its own folder")
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
                        format!("content/{rel}"),
                        format!("unknown folder `{top}` in content/"),
                    );
                    d = d.hint(match did_you_mean(top, FOLDERS) {
                        Some(s) => {
                            format!("did you mean `{s}`? content/ holds {}", FOLDERS.join(", "))
                        }
                        None => format!("content/ holds only the folders {}", FOLDERS.join(", ")),
                    });
                    diags.push(d);
                }
            } else if rel != "site.yaml" {
                diags.push(
                    Diagnostic::error(format!("content/{rel}"), "this file is not part of any record kind")
                        .hint("pages go in content/pages/, actors in content/actors/, initiatives in content/initiatives/, events in content/events/"),
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
            ("pages", "md") => Kind::Page,
            ("pages", _) => Kind::Asset,
            ("actors", _) | ("initiatives", _) => {
                let want = if top == "actors" {
                    "<id>.yaml"
                } else {
                    "<id>.md"
                };
                diags.push(
                    Diagnostic::error(
                        format!("content/{rel}"),
                        format!("content/{top}/ holds only files named {want}"),
                    )
                    .hint(format!(
                        "rename the file to {want} directly in content/{top}/"
                    )),
                );
                continue;
            }
            _ => {
                diags.push(
                    Diagnostic::error(
                        format!("content/{rel}"),
                        "content/events/ holds only .yaml files",
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

fn display(content: &Path, p: &Path) -> String {
    match p.strip_prefix(content) {
        Ok(r) => format!("content/{}", r.to_string_lossy()),
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
                crate::render::slug::slugify(id)
            )));
    }
    Ok(id.to_owned())
}

fn read_record(config: &Config, path: &Path, rel: &str, kind: Kind) -> Result<Record, Diagnostic> {
    if let Kind::Asset = kind {
        let below = rel.strip_prefix("pages/").unwrap_or(rel).to_owned();
        return Ok(Record::Asset(path.to_path_buf(), below));
    }
    read_text_record(config, path, rel, kind)
}

fn read_text_record(
    config: &Config,
    path: &Path,
    rel: &str,
    kind: Kind,
) -> Result<Record, Diagnostic> {
    let display = format!("content/{rel}");
    let text = crate::fs::read_text(path, &display)?;
    let mut source = SourceFile {
        path: display,
        text: text.into(),
        body_line: 1,
    };
    match kind {
        Kind::Actor => {
            let id = record_id(&source, rel)?;
            if yaml::is_blank(&source.text) {
                return Err(Diagnostic::error(source.path.clone(), "the file is empty")
                    .hint("an actor needs at least `kind:` and `names:` (see docs/format.md)"));
            }
            let file: ActorFile = yaml::parse(&source, &source.text, 1)?;
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
                                format!("the name `{}` ends before it starts", n.name),
                            )
                            .hint("`to` must be the same as or later than `from`"));
                    }
                }
            }
            Ok(Record::Actor(Box::new(Actor {
                id,
                names: file.names,
                kind: file.kind,
                url: file.url,
                description: file.description,
                source,
            })))
        }
        Kind::Initiative => {
            let id = record_id(&source, rel)?;
            let split = split(&source)?;
            let meta: InitiativeMeta = yaml::parse(&source, split.yaml, split.yaml_line)?;
            let body = split.body.to_owned();
            source.body_line = split.body_line;
            let lang = meta.lang.unwrap_or(config.lang);
            Ok(Record::Initiative(Box::new(Initiative {
                id,
                meta,
                lang,
                body,
                source,
            })))
        }
        Kind::Events => {
            let events: Vec<Event> = if yaml::is_blank(&source.text) {
                Vec::new()
            } else {
                yaml::parse(&source, &source.text, 1)?
            };
            Ok(Record::Events(source, events))
        }
        Kind::Page => {
            let below = rel.strip_prefix("pages/").unwrap_or(rel);
            let stem = below.strip_suffix(".md").unwrap_or(below);
            let (slug_path, is_section) = match stem.strip_suffix("_index") {
                Some(dir) => (dir.trim_end_matches('/').to_owned(), true),
                None => (stem.to_owned(), false),
            };
            for segment in slug_path.split('/').filter(|s| !s.is_empty()) {
                if !segment
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_')
                {
                    return Err(Diagnostic::error(
                        source.path.clone(),
                        format!("`{segment}` cannot be used in an address"),
                    )
                    .hint(format!(
                        "rename it using only a–z, 0–9 and `-`, e.g. `{}`",
                        crate::render::slug::slugify(segment)
                    )));
                }
            }
            let split = split(&source)?;
            let meta: PageMeta = if yaml::is_blank(split.yaml) {
                return Err(
                    Diagnostic::error(source.path.clone(), "the front matter is empty")
                        .at(&source.text, 1, 1, 3)
                        .hint("add at least a line `title: …` between the two `---` lines"),
                );
            } else {
                yaml::parse(&source, split.yaml, split.yaml_line)?
            };
            let body = split.body.to_owned();
            source.body_line = split.body_line;
            let lang = meta.lang.unwrap_or(config.lang);
            Ok(Record::Page(Box::new(Page {
                meta,
                lang,
                slug_path,
                is_section,
                body,
                source,
            })))
        }
        Kind::Asset => Ok(Record::Asset(path.to_path_buf(), rel.to_owned())),
    }
}

fn split(source: &SourceFile) -> Result<frontmatter::Split<'_>, Diagnostic> {
    frontmatter::split(&source.text).map_err(|e| {
        Diagnostic::error(source.path.clone(), e.message)
            .at(&source.text, e.line, 1, 3)
            .hint(e.hint)
    })
}
