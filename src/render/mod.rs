//! From a checked registry to pages: Markdown bodies rendered and their links checked,
//! the plan of every output path (collisions found before anything is written), and
//! each output rendered through the theme's templates.

/// A JSON object whose values are moved in, not copied: `json!` serializes every value it
/// is given, so a section's list of five hundred pages would be built twice. Values are
/// anything `serde_json::Value: From` takes (`&str`, `String`, `Vec<Value>`, `Option<_>`,
/// numbers, `bool`, `Value`).
macro_rules! object {
    ({ $($key:literal: $value:expr),* $(,)? }) => {{
        let mut map = serde_json::Map::new();
        $( map.insert($key.to_owned(), serde_json::Value::from($value)); )*
        serde_json::Value::Object(map)
    }};
}

pub mod calendar;
pub mod changes;
pub mod chart;
pub mod diff;
pub mod feeds;
pub mod history;
pub mod markdown;
pub mod reuse;
pub mod search;
pub mod slug;
pub mod theme;
pub mod views;

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use std::sync::Arc;

use serde_json::{json, Value};

use crate::error::{did_you_mean, Diagnostic};
use crate::model::{Lang, Registry, SourceFile};
use crate::output::Urls;

use history::History;
use markdown::{LinkRef, Linker, Rendered};
use reuse::MarkdownCache;
use theme::Theme;
use views::{measure_id, role_anchor, Ctx};

/// Ids every page's template uses (base.html), which no heading in a body may take.
const PAGE_IDS: &[&str] = &["main", "top"];

/// Template contexts kept by one worker thread, one per site and language: what every
/// page shares is built once, and each page adds only its own values.
#[derive(Default)]
pub struct Contexts(BTreeMap<(usize, Lang), tera::Context>);

/// One piece of Markdown to render: (key, text, file, first line, site path it lands on,
/// ids its page's template already uses, which its headings must leave free).
type Work<'a> = (String, &'a str, usize, usize, String, Vec<String>);

/// One file the build writes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Job {
    Home,
    Initiatives,
    Initiative(String),
    Actors,
    Actor(String),
    Roles,
    Timeline,
    InitiativeTimeline(String),
    ActorTimeline(String),
    Page(usize),
    /// A section folder: its `_index.md` page, if it has one.
    Section(String, Option<usize>),
    Tags,
    Tag(String),
    /// The search page and the index its script reads.
    Search,
    SearchIndex,
    NotFound,
    Sitemap,
    Atom,
    Robots,
    Records,
    /// The timeline's events as an iCalendar file.
    Calendar,
    /// A theme asset, by its site path.
    Static(String),
    /// A file from content/pages/, copied as it is.
    Asset(PathBuf),
    /// What changed since the version before (render/changes.rs).
    Changes,
    /// The list of versions, `/v/` (render/history.rs).
    Versions,
}

impl Job {
    pub fn is_html(&self) -> bool {
        !matches!(
            self,
            Job::Sitemap
                | Job::Atom
                | Job::Robots
                | Job::Records
                | Job::Calendar
                | Job::SearchIndex
                | Job::Static(_)
                | Job::Asset(_)
                | Job::NotFound
        )
    }
}

/// A site ready to render: every body rendered, every link checked, every path planned.
pub struct Prepared<'a> {
    pub reg: &'a Registry,
    pub theme: &'a Theme,
    pub urls: Urls,
    pub bodies: BTreeMap<String, Arc<Rendered>>,
    pub plan: BTreeMap<String, Job>,
    /// Tag slug to (display name, page indexes).
    pub tags: BTreeMap<String, (String, Vec<usize>)>,
    /// Tag slug to the initiatives that carry it (their tags link to the tag's page too).
    pub tag_initiatives: BTreeMap<String, Vec<String>>,
    /// Every version of the site and which one this is, once the build knows them all.
    pub history: Option<(Arc<History>, usize)>,
}

/// The ids an initiative page's template gives its sections, measures and roles: targets
/// for `#anchor` links, and ids the body's headings must not take.
fn initiative_ids(ini: &crate::model::Initiative) -> Vec<String> {
    let m = &ini.meta;
    let mut ids: Vec<String> = [
        "main",
        "top",
        "fakta",
        "roller",
        "tiltak",
        "tidslinje",
        "temaer",
        "relasjoner",
        "sider",
    ]
    .map(String::from)
    .to_vec();
    ids.extend(m.measures.iter().map(measure_id));
    let actors = m.roles.iter().map(|r| &r.actor);
    ids.extend(
        actors
            .chain(m.owner.iter())
            .chain(m.parties.iter())
            .map(|a| role_anchor(a)),
    );
    ids
}

/// What a site has besides its own records, when it has versions: its version pages,
/// and the addresses outside it (`/v/`, other versions' homes) its links may point to.
#[derive(Debug, Default)]
pub struct Around {
    pub pages: Vec<(String, Job)>,
    pub outside: BTreeSet<String>,
}

/// Every file Markdown is rendered from, in the order links refer to them by (`LinkRef::file`).
fn markdown_files(reg: &Registry) -> Vec<&SourceFile> {
    let initiatives = reg.initiatives.values().map(|i| &i.source);
    let pages = reg.pages.iter().map(|p| &p.source);
    initiatives.chain(&reg.event_sources).chain(pages).collect()
}

/// Where a planned path came from, to name both when two collide: a file's path as the
/// writer knows it (and true), or what a built-in page is (and false).
pub(crate) fn origin(reg: &Registry, job: &Job) -> (String, bool) {
    let dir = &reg.config.display_dir;
    let file = |s: String| (s, true);
    let built_in = |s: String| (s, false);
    match job {
        Job::Page(i) | Job::Section(_, Some(i)) => file(reg.pages[*i].source.path.clone()),
        Job::Initiative(id) => file(format!("{dir}/initiatives/{id}.md")),
        Job::Actor(id) => file(format!("{dir}/actors/{id}.yaml")),
        Job::Asset(p) => file(p.strip_prefix(&reg.config.content_dir).map_or_else(
            |_| p.display().to_string(),
            |rel| format!("{dir}/{}", rel.to_string_lossy()),
        )),
        Job::Section(s, None) => file(format!("{dir}/pages/{s}/")),
        Job::Home => built_in("the home page".into()),
        Job::Initiatives => built_in("the list of initiatives".into()),
        Job::Actors => built_in("the list of actors".into()),
        Job::Roles => built_in("the roles page".into()),
        Job::Timeline => built_in("the timeline".into()),
        Job::InitiativeTimeline(id) => built_in(format!("the timeline of `{id}`")),
        Job::ActorTimeline(id) => built_in(format!("the timeline of `{id}`")),
        Job::Tags => built_in("the list of tags".into()),
        Job::Tag(t) => built_in(format!("the page of the tag `{t}`")),
        Job::NotFound => built_in("the \"page not found\" page".into()),
        Job::Sitemap => built_in("the sitemap".into()),
        Job::Atom => built_in("the news feed".into()),
        Job::Robots => built_in("robots.txt".into()),
        Job::Records => built_in("the open data file".into()),
        Job::Static(p) => built_in(format!("the theme file {p}")),
        Job::Search => built_in("the search page".into()),
        Job::SearchIndex => built_in("the search index".into()),
        Job::Calendar => built_in("the calendar file".into()),
        Job::Changes => built_in("the what-changed page".into()),
        Job::Versions => built_in("the list of versions".into()),
    }
}

pub fn prepare<'a>(
    reg: &'a Registry,
    theme: &'a Theme,
    urls: Urls,
) -> Result<Prepared<'a>, Vec<Diagnostic>> {
    prepare_in(reg, theme, urls, &Around::default(), None)
}

/// `prepare` for the dev server: reusing the Markdown `cache` holds where its text and
/// links are unchanged, and leaving this run's bodies in it for the next rebuild.
pub fn prepare_reusing<'a>(
    reg: &'a Registry,
    theme: &'a Theme,
    urls: Urls,
    cache: Option<&mut MarkdownCache>,
) -> Result<Prepared<'a>, Vec<Diagnostic>> {
    prepare_in(reg, theme, urls, &Around::default(), cache)
}

/// Prepares one site of several: the current one (`urls.prefix` empty) or a version.
pub fn prepare_in<'a>(
    reg: &'a Registry,
    theme: &'a Theme,
    urls: Urls,
    around: &Around,
    cache: Option<&mut MarkdownCache>,
) -> Result<Prepared<'a>, Vec<Diagnostic>> {
    let mut errors = Vec::new();
    let content_prefix = format!("{}/", reg.config.display_dir);

    // Source file (content-relative) to site path, for links written as file paths.
    let mut sources = BTreeMap::new();
    for id in reg.initiatives.keys() {
        sources.insert(format!("initiatives/{id}.md"), urls.initiative(id));
    }
    for (id, a) in &reg.actors {
        let rel = a
            .source
            .path
            .strip_prefix(&content_prefix)
            .unwrap_or(&a.source.path)
            .to_owned();
        sources.insert(rel, urls.actor(id));
    }
    for p in &reg.pages {
        let rel = p
            .source
            .path
            .strip_prefix(&content_prefix)
            .unwrap_or(&p.source.path)
            .to_owned();
        sources.insert(rel, urls.page(&p.slug_path));
    }
    // Files that could not be read keep their address, so links to them (or to anchors
    // on pages they feed) are not reported as a second problem.
    let mut incomplete = BTreeSet::new();
    for rel in &reg.broken {
        let name = rel.rsplit('/').next().unwrap_or("");
        let id = name.rsplit_once('.').map_or(name, |(s, _)| s);
        let site = match rel.split('/').next() {
            Some("initiatives") => urls.initiative(id),
            Some("actors") => urls.actor(id),
            Some("pages") => urls.page(&crate::load::page_path(rel).0),
            _ => String::new(),
        };
        if rel.starts_with("events/") || rel.starts_with("initiatives/") {
            incomplete.insert(urls.timeline());
        }
        if !site.is_empty() {
            sources.insert(rel.clone(), site.clone());
            incomplete.insert(site);
        }
    }
    let linker = Linker {
        sources: &sources,
        urls: &urls,
        content_dir: &reg.config.display_dir,
        allow_html: reg.config.allow_html,
    };

    let files = markdown_files(reg);
    let mut work: Vec<Work> = Vec::new();
    let page_ids: Vec<String> = PAGE_IDS.iter().map(|s| s.to_string()).collect();
    for (f, (id, ini)) in reg.initiatives.iter().enumerate() {
        let own = urls.initiative(id);
        let reserved = initiative_ids(ini);
        work.push((
            format!("initiative:{id}"),
            ini.body(),
            f,
            ini.source.body_line,
            own.clone(),
            reserved.clone(),
        ));
        for m in &ini.meta.measures {
            if let Some(d) = &m.description {
                let line = ini
                    .source
                    .locate(&["measures:", m.title.as_str(), "description:"], "")
                    .map_or(1, |l| l.0);
                work.push((
                    format!("measure:{id}:{}", measure_id(m)),
                    d,
                    f,
                    line,
                    own.clone(),
                    reserved.clone(),
                ));
            }
        }
    }
    let file_base = reg.initiatives.len();
    for e in &reg.events {
        if let Some(d) = &e.description {
            let src = &reg.event_sources[e.file];
            let line = src
                .locate(&[e.title.as_str(), "description:"], "")
                .map_or(1, |l| l.0);
            work.push((
                format!("event:{}", e.anchor),
                d,
                file_base + e.file,
                line,
                urls.timeline(),
                page_ids.clone(),
            ));
        }
    }
    let page_base = file_base + reg.event_sources.len();
    for (i, p) in reg.pages.iter().enumerate() {
        work.push((
            format!("page:{i}"),
            p.body(),
            page_base + i,
            p.source.body_line,
            urls.page(&p.slug_path),
            page_ids.clone(),
        ));
    }
    let rendered = reuse::render_bodies(&work, &files, &linker, cache);
    let mut bodies = BTreeMap::new();
    for ((key, ..), r) in work.iter().zip(rendered) {
        match r {
            Ok(r) => {
                bodies.insert(key.clone(), r);
            }
            Err(e) => errors.extend(e),
        }
    }

    // The plan: every path written, each exactly once.
    let mut plan: BTreeMap<String, Job> = BTreeMap::new();
    let mut add = |path: String, job: Job, errors: &mut Vec<Diagnostic>| {
        if let Some(existing) = plan.get(&path) {
            let (first, first_is_file) = origin(reg, existing);
            let (second, _) = origin(reg, &job);
            let (message, hint) = if first_is_file {
                (
                    format!("two files would be published at the same address {path}: {first} and {second}"),
                    "rename or move one of them".to_owned(),
                )
            } else {
                (
                    format!("this file would be published at {path}, the address of {first}"),
                    format!("rename or move {second}: mandat makes {first} itself"),
                )
            };
            errors.push(Diagnostic::error(second.clone(), message).hint(hint));
        } else {
            plan.insert(path, job);
        }
    };
    add(urls.home(), Job::Home, &mut errors);
    add(urls.initiatives(), Job::Initiatives, &mut errors);
    add(urls.actors(), Job::Actors, &mut errors);
    add(urls.roles(), Job::Roles, &mut errors);
    add(urls.timeline(), Job::Timeline, &mut errors);
    add(urls.tags(), Job::Tags, &mut errors);
    add(urls.file("data/records.json"), Job::Records, &mut errors);
    add(urls.search(), Job::Search, &mut errors);
    add(urls.search_index(), Job::SearchIndex, &mut errors);
    add(urls.calendar(), Job::Calendar, &mut errors);
    // A frozen version shares the current site's assets, feed, sitemap and 404 page.
    if urls.prefix.is_empty() {
        add(urls.file("404.html"), Job::NotFound, &mut errors);
        add(urls.file("sitemap.xml"), Job::Sitemap, &mut errors);
        add(urls.file("atom.xml"), Job::Atom, &mut errors);
        add("/robots.txt".into(), Job::Robots, &mut errors);
        for path in theme.statics.keys() {
            add(path.clone(), Job::Static(path.clone()), &mut errors);
        }
    }
    for (path, job) in &around.pages {
        add(path.clone(), job.clone(), &mut errors);
    }
    for id in reg.initiatives.keys() {
        add(
            urls.initiative(id),
            Job::Initiative(id.clone()),
            &mut errors,
        );
        add(
            urls.timeline_of(id),
            Job::InitiativeTimeline(id.clone()),
            &mut errors,
        );
    }
    for id in reg.actors.keys() {
        add(urls.actor(id), Job::Actor(id.clone()), &mut errors);
        add(
            urls.timeline_of_actor(id),
            Job::ActorTimeline(id.clone()),
            &mut errors,
        );
    }
    let mut sections: BTreeMap<String, Option<usize>> = BTreeMap::new();
    let mut tags: BTreeMap<String, (String, Vec<usize>)> = BTreeMap::new();
    for (i, p) in reg.pages.iter().enumerate() {
        if p.is_section {
            if !p.slug_path.is_empty() {
                sections.insert(p.slug_path.clone(), Some(i));
            }
            continue;
        }
        let mut folder = p.section();
        while !folder.is_empty() {
            sections.entry(folder.to_owned()).or_insert(None);
            folder = folder.rsplit_once('/').map_or("", |(f, _)| f);
        }
        add(urls.page(&p.slug_path), Job::Page(i), &mut errors);
        for t in &p.meta.tags {
            let entry = tags
                .entry(slug::slugify(t))
                .or_insert_with(|| (t.clone(), Vec::new()));
            entry.1.push(i);
        }
    }
    for (slug_path, index) in sections {
        add(
            urls.page(&slug_path),
            Job::Section(slug_path, index),
            &mut errors,
        );
    }
    let mut tag_initiatives: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (id, ini) in &reg.initiatives {
        for t in &ini.meta.tags {
            let slug = slug::slugify(t);
            tags.entry(slug.clone())
                .or_insert_with(|| (t.clone(), Vec::new()));
            tag_initiatives.entry(slug).or_default().push(id.clone());
        }
    }
    for slug in tags.keys() {
        add(
            format!("{}{slug}/", urls.tags()),
            Job::Tag(slug.clone()),
            &mut errors,
        );
    }
    for (path, below) in &reg.assets {
        add(urls.file(below), Job::Asset(path.clone()), &mut errors);
    }

    let prepared = Prepared {
        reg,
        theme,
        urls,
        bodies,
        plan,
        tags,
        tag_initiatives,
        history: None,
    };
    // Addresses depend on site.yaml (language, base path): without it, only links to
    // files (checked above, while rendering) can be checked without false alarms.
    if !reg.broken.contains("site.yaml") {
        errors.extend(prepared.check_links(&files, &around.outside, &incomplete));
    }
    if errors.is_empty() {
        Ok(prepared)
    } else {
        Err(errors)
    }
}

impl Prepared<'_> {
    /// The ids each HTML page offers as `#anchors`.
    fn anchors(&self) -> BTreeMap<&str, BTreeSet<String>> {
        self.plan
            .iter()
            .map(|(path, job)| (path.as_str(), self.anchors_at(job)))
            .collect()
    }

    /// The ids the page `job` makes offers as `#anchors`.
    fn anchors_at(&self, job: &Job) -> BTreeSet<String> {
        let mut set: BTreeSet<String> = ["main", "top"].map(String::from).into();
        let body = match job {
            Job::Page(i) | Job::Section(_, Some(i)) => Some(format!("page:{i}")),
            Job::Initiative(id) => {
                if let Some(ini) = self.reg.initiatives.get(id) {
                    set.extend(initiative_ids(ini));
                }
                Some(format!("initiative:{id}"))
            }
            Job::Timeline => {
                set.extend(self.reg.events.iter().map(|e| e.anchor.clone()));
                set.extend(self.reg.events.iter().map(|e| format!("y{}", e.date.year)));
                None
            }
            Job::Home => self
                .reg
                .pages
                .iter()
                .position(|p| p.is_section && p.slug_path.is_empty())
                .map(|i| format!("page:{i}")),
            _ => None,
        };
        if let Some(r) = body.and_then(|k| self.bodies.get(&k)) {
            set.extend(r.anchors.iter().cloned());
        }
        set
    }

    /// Every internal link and menu address, except those into `incomplete` pages; links
    /// to `outside` addresses (other versions) are allowed.
    fn check_links(
        &self,
        files: &[&SourceFile],
        outside: &BTreeSet<String>,
        incomplete: &BTreeSet<String>,
    ) -> Vec<Diagnostic> {
        let anchors = self.anchors();
        let mut links: Vec<&LinkRef> = self.bodies.values().flat_map(|r| r.links.iter()).collect();
        links.sort_by_key(|l| (l.file, l.line, l.column));
        let mut errors: Vec<Diagnostic> = links
            .into_iter()
            .filter(|link| !incomplete.contains(&link.path) && !outside.contains(&link.path))
            .filter_map(|link| self.check_link(link, files, anchors.get(link.path.as_str())))
            .collect();
        let cfg = &self.reg.config;
        for item in &cfg.menu {
            let target = self.urls.site(item.url.split('#').next().unwrap_or(""));
            if item.url.starts_with('/')
                && !self.plan.contains_key(&target)
                && !outside.contains(&target)
                && !incomplete.contains(&target)
            {
                errors.push(
                    cfg.source
                        .error_at(&["menu:"], &item.url, format!("the menu links to {}, which is not a page of this site", item.url))
                        .hint(match did_you_mean(&item.url, self.plan.keys().map(String::as_str)) {
                            Some(s) => format!("did you mean `{s}`?"),
                            None => "write the address of a page of this site, such as `/tidslinje/`".into(),
                        }),
                );
            }
        }
        errors
    }

    /// What is wrong with one link, if anything; `anchors` are those of the page it
    /// points to.
    fn check_link(
        &self,
        link: &LinkRef,
        files: &[&SourceFile],
        anchors: Option<&BTreeSet<String>>,
    ) -> Option<Diagnostic> {
        let src = files.get(link.file)?;
        let fail = |msg: String, hint: String| {
            Diagnostic::error(src.path.clone(), msg)
                .at(
                    &src.text,
                    link.line,
                    link.column,
                    link.written.chars().count() + 4,
                )
                .hint(hint)
        };
        match anchors {
            None if self.plan.contains_key(&link.path) => None,
            None => {
                let with_slash = format!("{}/", link.path);
                let hint = if self.plan.contains_key(&with_slash) {
                    format!("did you mean `{with_slash}`? Page addresses end with `/`")
                } else {
                    match did_you_mean(&link.path, self.plan.keys().map(String::as_str)) {
                        Some(s) => format!("did you mean `{s}`?"),
                        None => "link to a page of this site, such as `/tidslinje/`, or to a file by its relative path".into(),
                    }
                };
                Some(fail(
                    format!(
                        "broken link `{}`: there is no page {}",
                        link.written, link.path
                    ),
                    hint,
                ))
            }
            Some(set) => {
                let a = link.anchor.as_ref().filter(|a| !set.contains(*a))?;
                let hint = match did_you_mean(a, set.iter().map(String::as_str)) {
                    Some(s) => format!("did you mean `#{s}`?"),
                    None => "an #anchor is the id of a heading: the heading's text in lower case, with `-` for spaces".into(),
                };
                Some(fail(
                    format!(
                        "broken link `{}`: {} has no anchor `#{a}`",
                        link.written, link.path
                    ),
                    hint,
                ))
            }
        }
    }

    /// Renders the file at `path`.
    pub fn render(&self, path: &str, job: &Job, extra: &Value) -> Result<Vec<u8>, Diagnostic> {
        let mut out = Vec::new();
        self.render_into(&mut Contexts::default(), path, job, extra, &mut out)?;
        Ok(out)
    }

    /// As `render`, into `out` (cleared first), reusing `contexts` for what every page
    /// shares: a build keeps one of each per worker thread, and a template renders
    /// straight into the buffer.
    pub fn render_into(
        &self,
        contexts: &mut Contexts,
        path: &str,
        job: &Job,
        extra: &Value,
        out: &mut Vec<u8>,
    ) -> Result<(), Diagnostic> {
        out.clear();
        let reg = self.reg;
        let site_lang = reg.config.lang;
        let ctx = Ctx {
            reg,
            urls: &self.urls,
            strings: &self.theme.strings,
            bodies: &self.bodies,
        };
        let bytes = |b: Vec<u8>, out: &mut Vec<u8>| {
            *out = b;
            Ok(())
        };
        let (template, lang, page) = match job {
            Job::Static(p) => {
                return bytes(self.theme.statics.get(p).cloned().unwrap_or_default(), out)
            }
            Job::Asset(p) => {
                let b = std::fs::read(p)
                    .map_err(|e| crate::error::io_diagnostic(p, "read the file", &e))?;
                return bytes(b, out);
            }
            Job::Sitemap => return bytes(feeds::sitemap(self).into_bytes(), out),
            Job::Atom => return bytes(feeds::atom(self).into_bytes(), out),
            Job::Robots => return bytes(feeds::robots(self).into_bytes(), out),
            Job::Records => return bytes(feeds::records(self, &ctx).into_bytes(), out),
            Job::Calendar => return bytes(calendar::ics(self, &ctx).into_bytes(), out),
            Job::SearchIndex => return bytes(search::index(self, &ctx).into_bytes(), out),
            Job::Changes => changes::view(self, &ctx),
            Job::Versions => history::index_view(self, &ctx),
            Job::Home => {
                let intro = reg
                    .pages
                    .iter()
                    .position(|p| p.is_section && p.slug_path.is_empty());
                let initiatives: Vec<Value> = self
                    .initiatives_by_start()
                    .map(|i| ctx.initiative_summary(i, site_lang))
                    .collect();
                let latest: Vec<Value> = reg
                    .events
                    .iter()
                    .rev()
                    .take(6)
                    .map(|e| ctx.event(e, site_lang))
                    .collect();
                let intro_title = intro.map(|i| reg.pages[i].meta.title.clone());
                let intro_html = intro.map(|i| ctx.body(&format!("page:{i}")).to_owned());
                (
                    "home.html",
                    site_lang,
                    json!({
                        "title": intro_title.unwrap_or_else(|| reg.config.title.clone()),
                        "intro_html": intro_html,
                        "initiatives": initiatives,
                        "latest_events": latest,
                        "sections": self.top_sections(&ctx, site_lang),
                    }),
                )
            }
            Job::Initiatives => {
                let list: Vec<Value> = self
                    .initiatives_by_start()
                    .map(|i| ctx.initiative_summary(i, site_lang))
                    .collect();
                (
                    "initiatives.html",
                    site_lang,
                    json!({ "title": ctx.t(site_lang, "initiatives.title"), "initiatives": list }),
                )
            }
            Job::Initiative(id) | Job::InitiativeTimeline(id) => {
                let Some(ini) = reg.initiatives.get(id) else {
                    return Err(Diagnostic::error(path, "unknown initiative"));
                };
                let mut v = ctx.initiative(ini, ini.lang);
                let template = if matches!(job, Job::Initiative(_)) {
                    "initiative.html"
                } else {
                    "timeline.html"
                };
                if template == "timeline.html" {
                    views::merge(
                        &mut v,
                        json!({
                            "filter": { "kind": "initiative", "title": ini.meta.title, "href": ctx.href(&self.urls.initiative(id)) },
                            "title": format!("{}: {}", ctx.t(ini.lang, "timeline.title"), ini.short_title()),
                            "initiative_title": ini.meta.title,
                        }),
                    );
                }
                (template, ini.lang, v)
            }
            Job::Actors => {
                let mut groups: BTreeMap<String, Vec<Value>> = BTreeMap::new();
                for a in reg.actors.values() {
                    groups
                        .entry(ctx.t(site_lang, &format!("kind.{}", a.kind.key())))
                        .or_default()
                        .push(ctx.actor_ref(&a.id, None, site_lang));
                }
                for list in groups.values_mut() {
                    list.sort_by(|a, b| {
                        a["name"]
                            .as_str()
                            .unwrap_or("")
                            .cmp(b["name"].as_str().unwrap_or(""))
                    });
                }
                let groups: Vec<Value> = groups
                    .into_iter()
                    .map(|(label, actors)| json!({ "label": label, "actors": actors }))
                    .collect();
                (
                    "actors.html",
                    site_lang,
                    json!({ "title": ctx.t(site_lang, "actors.title"), "groups": groups }),
                )
            }
            Job::Actor(id) | Job::ActorTimeline(id) => {
                let Some(a) = reg.actors.get(id) else {
                    return Err(Diagnostic::error(path, "unknown actor"));
                };
                let mut v = ctx.actor(a, site_lang);
                let template = if matches!(job, Job::Actor(_)) {
                    "actor.html"
                } else {
                    "timeline.html"
                };
                if template == "timeline.html" {
                    views::merge(
                        &mut v,
                        json!({
                            "filter": { "kind": "actor", "title": a.current().name, "href": ctx.href(&self.urls.actor(id)) },
                            "title": format!("{}: {}", ctx.t(site_lang, "timeline.title"), a.current().name),
                        }),
                    );
                }
                (template, site_lang, v)
            }
            Job::Roles => ("roles.html", site_lang, self.roles_view(&ctx, site_lang)),
            Job::Timeline => {
                let filters_i: Vec<Value> = self.initiatives_by_start().map(|i| json!({ "title": i.short_title(), "href": ctx.href(&self.urls.timeline_of(&i.id)) })).collect();
                let mut actors: Vec<&crate::model::Actor> = reg
                    .actors
                    .values()
                    .filter(|a| reg.events_of_actor(&a.id).next().is_some())
                    .collect();
                actors.sort_by(|a, b| a.current().name.cmp(&b.current().name));
                let filters_a: Vec<Value> = actors.iter().map(|a| json!({ "title": a.current().name, "href": ctx.href(&self.urls.timeline_of_actor(&a.id)) })).collect();
                (
                    "timeline.html",
                    site_lang,
                    json!({
                        "title": ctx.t(site_lang, "timeline.title"),
                        "events_by_year": ctx.events_by_year(reg.events.iter(), site_lang),
                        "filter_initiatives": filters_i,
                        "filter_actors": filters_a,
                        "calendar_href": ctx.href(&self.urls.calendar()),
                    }),
                )
            }
            Job::Page(i) => {
                let p = &reg.pages[*i];
                let section = self.section_of(&ctx, p.section(), p.lang);
                let initiatives: Vec<Value> = p
                    .meta
                    .initiatives
                    .iter()
                    .map(|id| ctx.initiative_ref(id, p.lang))
                    .collect();
                (
                    "page.html",
                    p.lang,
                    object!({
                        "title": p.meta.title.as_str(),
                        "summary": p.meta.summary.as_deref(),
                        "date": p.meta.date.as_ref().map(|d| ctx.date(d, None, p.lang)),
                        "updated": p.meta.updated.as_ref().map(|d| ctx.date(d, None, p.lang)),
                        "author": p.meta.author.as_deref(),
                        "tags": ctx.tags(&p.meta.tags),
                        "initiatives": initiatives,
                        "section": section,
                        "body_html": ctx.body(&format!("page:{i}")),
                    }),
                )
            }
            Job::Section(slug_path, index) => {
                let lang = index.map_or(site_lang, |i| reg.pages[i].lang);
                let title = index.map_or_else(
                    || title_from_folder(slug_path),
                    |i| reg.pages[i].meta.title.clone(),
                );
                let pages = self.pages_in(&ctx, slug_path, lang);
                let subsections: Vec<Value> = self
                    .plan
                    .values()
                    .filter_map(|j| match j {
                        Job::Section(s, idx) if s.rsplit_once('/').map_or("", |(p, _)| p) == slug_path.as_str() && s != slug_path => {
                            Some(json!({ "title": idx.map_or_else(|| title_from_folder(s), |i| reg.pages[i].meta.title.clone()), "href": ctx.href(&self.urls.page(s)) }))
                        }
                        _ => None,
                    })
                    .collect();
                (
                    "section.html",
                    lang,
                    object!({
                        "title": title,
                        "summary": index.and_then(|i| reg.pages[i].meta.summary.as_deref()),
                        "body_html": index.map(|i| ctx.body(&format!("page:{i}"))),
                        "pages": pages,
                        "subsections": subsections,
                    }),
                )
            }
            Job::Tags => {
                let list: Vec<Value> = self.tags.iter().map(|(slug, (name, pages))| {
                    let count = pages.len() + self.tag_initiatives.get(slug).map_or(0, Vec::len);
                    json!({ "name": name, "count": count, "href": ctx.href(&format!("{}{slug}/", self.urls.tags())) })
                }).collect();
                (
                    "tags.html",
                    site_lang,
                    json!({ "title": ctx.t(site_lang, "tags.title"), "tags": list }),
                )
            }
            Job::Tag(slug) => {
                let (name, pages) = self.tags.get(slug).cloned().unwrap_or_default();
                let mut list: Vec<&crate::model::Page> =
                    pages.iter().map(|i| &reg.pages[*i]).collect();
                list.sort_by(|a, b| {
                    b.meta
                        .date
                        .cmp(&a.meta.date)
                        .then(a.meta.title.cmp(&b.meta.title))
                });
                let list: Vec<Value> = list
                    .iter()
                    .map(|p| ctx.page_summary(p, site_lang))
                    .collect();
                let initiatives: Vec<Value> = self
                    .initiatives_by_start()
                    .filter(|i| {
                        self.tag_initiatives
                            .get(slug)
                            .is_some_and(|ids| ids.contains(&i.id))
                    })
                    .map(|i| ctx.initiative_summary(i, site_lang))
                    .collect();
                (
                    "tag.html",
                    site_lang,
                    object!({
                        "title": format!("{}: {name}", ctx.t(site_lang, "tags.one")),
                        "tag": name,
                        "pages": list,
                        "initiatives": initiatives,
                    }),
                )
            }
            Job::Search => (
                "search.html",
                site_lang,
                json!({
                    "title": ctx.t(site_lang, "search.title"),
                    "index": ctx.href(&self.urls.search_index()),
                }),
            ),
            Job::NotFound => (
                "404.html",
                site_lang,
                json!({ "title": ctx.t(site_lang, "notfound.title") }),
            ),
        };
        let mut page = page;
        if let (Some(c), Value::Object(map)) = (self.chart(&ctx, job, lang), &mut page) {
            map.insert("chart".into(), c);
        }
        let mut own = self.common(&ctx, path, lang, &page);
        if let Value::Object(map) = &mut own {
            map.insert("page".into(), page);
        }
        let own =
            tera::Context::from_value(own).map_err(|e| Diagnostic::error(path, e.to_string()))?;
        // Every page sets the same keys, so the shared context only ever holds this page's.
        let key = (std::ptr::from_ref(self) as usize, lang);
        let context = contexts
            .0
            .entry(key)
            .or_insert_with(|| self.shared_context(&ctx, lang, extra));
        context.extend(own);
        self.theme
            .tera
            .render_to(template, context, out)
            .map_err(|e| self.theme.render_error(template, &e))
    }

    /// What every page of this site in `lang` gets and no page changes: the strings, the
    /// assets, the addresses, and the caller's extra values (the dev server's script).
    fn shared_context(&self, ctx: &Ctx, lang: Lang, extra: &Value) -> tera::Context {
        let assets: BTreeMap<&str, String> = self
            .theme
            .assets
            .iter()
            .map(|(k, v)| (k.as_str(), ctx.href(v)))
            .collect();
        let statement = self.urls.page("tilgjengelighet");
        let mut shared = json!({
            "urls": {
                "home": ctx.href(&self.urls.home()),
                "initiatives": ctx.href(&self.urls.initiatives()),
                "actors": ctx.href(&self.urls.actors()),
                "roles": ctx.href(&self.urls.roles()),
                "timeline": ctx.href(&self.urls.timeline()),
                "tags": ctx.href(&self.urls.tags()),
                "search": ctx.href(&self.urls.search()),
                "records": ctx.href(&self.urls.file("data/records.json")),
                "versions": self.history.as_ref().map(|_| ctx.href(crate::output::VERSIONS)),
                "changes": self.history.as_ref().map(|_| ctx.href(&self.urls.changes())),
            },
            "statement_href": self.plan.contains_key(&statement).then(|| ctx.href(&statement)),
            "t": self.theme.strings.get(&lang).cloned().unwrap_or_default(),
            "assets": assets,
        });
        views::merge(&mut shared, extra.clone());
        tera::Context::from_value(shared).unwrap_or_default()
    }

    /// What changes from page to page: the site's menu (which entry is current), the
    /// page's address, description and version links.
    fn common(&self, ctx: &Ctx, path: &str, lang: Lang, page: &Value) -> Value {
        let cfg = &self.reg.config;
        let menu: Vec<Value> = cfg
            .menu
            .iter()
            .map(|m| {
                let (href, current) = if m.url.starts_with('/') {
                    let site_path = self.urls.site(&m.url);
                    let current =
                        path == site_path || (site_path != "/" && path.starts_with(&site_path));
                    (ctx.href(&site_path), current)
                } else {
                    (m.url.clone(), false)
                };
                json!({ "label": m.label, "href": href, "current": current })
            })
            .collect();
        let description = page
            .get("summary")
            .and_then(Value::as_str)
            .or(cfg.description.as_deref())
            .unwrap_or("")
            .to_owned();
        json!({
            "site": {
                "title": cfg.title,
                "description": cfg.description,
                "lang": cfg.lang.code(),
                "as_of": cfg.as_of.as_ref().map(|d| ctx.date(d, None, lang)),
                "menu": menu,
                "home": ctx.href(&self.urls.home()),
                // Versions have no feed of their own: readers subscribe to the current site.
                "atom": ctx.href("/atom.xml"),
            },
            "lang": lang.code(),
            "path": path,
            "canonical": if cfg.origin.is_empty() { Value::Null } else { Value::from(cfg.absolute(&ctx.href(path))) },
            "description": description,
            "versions": history::switcher(self, ctx, path),
            "version": history::banner(self, ctx, path),
        })
    }

    pub fn initiatives_by_start(&self) -> impl Iterator<Item = &crate::model::Initiative> {
        self.reg.initiatives_by_start()
    }

    fn top_sections(&self, ctx: &Ctx, lang: Lang) -> Vec<Value> {
        self.plan
            .iter()
            .filter_map(|(path, j)| match j {
                Job::Section(s, idx) if !s.contains('/') => Some(json!({
                    "title": idx.map_or_else(|| title_from_folder(s), |i| self.reg.pages[i].meta.title.clone()),
                    "summary": idx.and_then(|i| self.reg.pages[i].meta.summary.clone()),
                    "href": ctx.href(path),
                    "pages": self.sorted_pages_in(s).into_iter().take(3).map(|p| ctx.page_summary(p, lang)).collect::<Vec<_>>(),
                })),
                _ => None,
            })
            .collect()
    }

    fn section_of(&self, ctx: &Ctx, section: &str, lang: Lang) -> Value {
        if section.is_empty() {
            return Value::Null;
        }
        // The plan already knows each section's `_index.md`: no scan of every page per page.
        let idx = match self.plan.get(&self.urls.page(section)) {
            Some(Job::Section(_, idx)) => *idx,
            _ => None,
        };
        let own = idx.map_or(self.reg.config.lang, |i| self.reg.pages[i].lang);
        json!({
            "title": idx.map_or_else(|| title_from_folder(section), |i| self.reg.pages[i].meta.title.clone()),
            "href": ctx.href(&self.urls.page(section)),
            "lang": own.code(),
            "other_lang": own != lang,
        })
    }

    /// The pages directly in a section: by weight, then newest first, then title.
    fn pages_in(&self, ctx: &Ctx, section: &str, lang: Lang) -> Vec<Value> {
        self.sorted_pages_in(section)
            .into_iter()
            .map(|p| ctx.page_summary(p, lang))
            .collect()
    }

    fn sorted_pages_in(&self, section: &str) -> Vec<&crate::model::Page> {
        // The registry keeps pages in address order, so a folder's are together.
        let pages = &self.reg.pages;
        let prefix = if section.is_empty() {
            String::new()
        } else {
            format!("{section}/")
        };
        let first = pages.partition_point(|p| p.slug_path.as_str() < prefix.as_str());
        let mut list: Vec<&crate::model::Page> = pages[first..]
            .iter()
            .take_while(|p| p.slug_path.starts_with(&prefix))
            .filter(|p| !p.is_section && p.section() == section)
            .collect();
        list.sort_by(|a, b| {
            (
                a.meta.weight.unwrap_or(i64::MAX),
                std::cmp::Reverse(a.meta.date),
                &a.meta.title,
            )
                .cmp(&(
                    b.meta.weight.unwrap_or(i64::MAX),
                    std::cmp::Reverse(b.meta.date),
                    &b.meta.title,
                ))
        });
        list
    }

    /// The chart of the periods a page shows, if any: every initiative on the home page and
    /// the timeline, one initiative on its page and filter page, an actor's on its pages.
    fn chart(&self, ctx: &Ctx, job: &Job, lang: Lang) -> Option<Value> {
        let reg = self.reg;
        let over_time = |name: &str| format!("{name} {}", ctx.t(lang, "chart.over_time"));
        match job {
            Job::Home | Job::Timeline => chart::view(
                ctx,
                "chart-all",
                &ctx.t(lang, "chart.title"),
                &chart::lanes_all(reg),
                lang,
            ),
            Job::Initiative(id) | Job::InitiativeTimeline(id) => {
                let ini = reg.initiatives.get(id)?;
                chart::view(
                    ctx,
                    &format!("chart-{id}"),
                    &over_time(ini.short_title()),
                    &chart::lanes_of_initiative(reg, id),
                    lang,
                )
            }
            Job::Actor(id) | Job::ActorTimeline(id) => {
                let a = reg.actors.get(id)?;
                chart::view(
                    ctx,
                    &format!("chart-{id}"),
                    &over_time(&a.current().name),
                    &chart::lanes_of_actor(reg, id),
                    lang,
                )
            }
            _ => None,
        }
    }

    /// The roles matrix: actors by initiatives, each cell the role.
    fn roles_view(&self, ctx: &Ctx, lang: Lang) -> Value {
        let initiatives: Vec<&crate::model::Initiative> = self.initiatives_by_start().collect();
        let mut rows = Vec::new();
        let mut actors: Vec<&crate::model::Actor> = self.reg.actors.values().collect();
        actors.sort_by(|a, b| a.current().name.cmp(&b.current().name));
        for a in actors {
            let cells: Vec<Value> = initiatives
                .iter()
                .map(|ini| {
                    let roles: Vec<String> = ctx
                        .roles_of(ini, &a.id, lang)
                        .into_iter()
                        .map(|(role, _)| role)
                        .collect();
                    if roles.is_empty() {
                        json!({ "initiative": ini.short_title(), "roles": [] })
                    } else {
                        json!({
                            "initiative": ini.short_title(),
                            "roles": roles,
                            "href": format!("{}#{}", ctx.href(&self.urls.initiative(&ini.id)), role_anchor(&a.id)),
                            "actor_href": ctx.href(&self.urls.actor(&a.id)),
                        })
                    }
                })
                .collect();
            if cells
                .iter()
                .all(|c| c["roles"].as_array().is_some_and(Vec::is_empty))
            {
                continue;
            }
            rows.push(json!({ "actor": ctx.actor_ref(&a.id, None, lang), "cells": cells }));
        }
        json!({
            "title": ctx.t(lang, "roles.title"),
            "initiatives": initiatives.iter().map(|i| ctx.initiative_summary(i, lang)).collect::<Vec<_>>(),
            "rows": rows,
        })
    }
}

/// `artikler` to `Artikler`, for a folder without an `_index.md`.
fn title_from_folder(slug_path: &str) -> String {
    let last = slug_path
        .rsplit('/')
        .next()
        .unwrap_or(slug_path)
        .replace(['-', '_'], " ");
    let mut c = last.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}
