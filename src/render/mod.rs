//! From a checked registry to pages: Markdown bodies rendered and their links checked,
//! the plan of every output path (collisions found before anything is written), and
//! each output rendered through the theme's templates.

pub mod aliases;
pub mod calendar;
pub mod changes;
pub mod chart;
mod chrome;
mod cite;
mod ctx;
pub mod diff;
pub mod embed;
pub mod feeds;
pub mod figure;
pub mod history;
pub mod job;
mod links;
pub mod markdown;
pub mod pages;
pub mod paging;
pub mod plan;
pub mod reuse;
pub mod search;
pub mod spill;
pub mod theme;
pub mod views;

use std::collections::btree_map::Entry;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Arc, Mutex, OnceLock};

use rayon::prelude::*;
use serde::Serialize;
use serde_json::Value;

use crate::error::Diagnostic;
use crate::model::{Lang, Registry, SourceFile};
use crate::output::Urls;

use history::History;
use job::Job;
use markdown::{Linker, Rendered};
use pages::View;
use plan::{initiative_ids, Around};
use reuse::Earlier;
use theme::Theme;
use views::{measure_id, Ctx};

/// Ids every page's template uses (base.html), which no heading in a body may take.
const PAGE_IDS: &[&str] = &["main", "top", "kontakt", "paa-denne-siden"];

/// `PAGE_IDS`, as every page's and event's `Work` holds them.
fn page_ids() -> Arc<[String]> {
    static IDS: std::sync::LazyLock<Arc<[String]>> =
        std::sync::LazyLock::new(|| PAGE_IDS.iter().map(|s| s.to_string()).collect());
    Arc::clone(&IDS)
}

/// Template contexts kept by one worker thread, one per site and language: what every
/// page shares is built once, and each page adds only its own values.
#[derive(Default)]
pub struct Contexts(BTreeMap<(usize, Lang), tera::Context>);

/// One piece of Markdown to render.
struct Work<'a> {
    /// `page:<index>`, `initiative:<id>`, `measure:<id>:<measure>` or `event:<anchor>`.
    key: String,
    text: WorkText<'a>,
    /// Its file, as `markdown_files` numbers them, and the line the text starts on.
    file: usize,
    line: usize,
    /// The site path it lands on.
    own: String,
    /// Ids its page's template already uses, which its headings must leave free
    /// (shared: every page and event has the same).
    reserved: Arc<[String]>,
    /// Whether its excerpt is shown (search results of events, and of pages without a
    /// summary): only then is it kept in the digest.
    excerpt: bool,
}

/// The Markdown of a `Work`: a page's body is looked at (its file read, if it was not
/// or was let go: `Page::with_body`) only while it is rendered, as a build takes most
/// pages' bodies from the previous build by what they were rendered from
/// (`reuse::page_key`).
#[derive(Clone, Copy)]
enum WorkText<'a> {
    Text(&'a str),
    Body(&'a crate::model::Page),
}

impl WorkText<'_> {
    /// A hash of the text, known without reading a page's file (`Page::body_hash`).
    fn hash64(self) -> u64 {
        match self {
            WorkText::Text(t) => crate::kept::hash64(t),
            WorkText::Body(p) => p.body_hash(),
        }
    }
}

/// What page changes alter beyond what `plan::affected` finds (`Prepared::touched`).
pub struct Touched {
    /// The pages whose bodies show an events embed titled with a tag they may respell.
    pages: BTreeSet<usize>,
    /// An initiative's body does.
    everything: bool,
}

/// A site ready to render: every body rendered, every link checked, every path planned.
pub struct Prepared<'a> {
    pub reg: &'a Registry,
    pub theme: &'a Theme,
    pub urls: Urls,
    /// Source file (content-relative) to site path, and later events to their page of
    /// the timeline: how the bodies' links resolve (`linker`), kept to render a released
    /// body again.
    sources: BTreeMap<String, String>,
    events: BTreeMap<String, String>,
    pub bodies: BTreeMap<String, Arc<Rendered>>,
    pub plan: BTreeMap<String, Job>,
    /// Tag slug to (display name, page indexes).
    pub tags: BTreeMap<String, (String, Vec<usize>)>,
    /// Tag slug to the initiatives that carry it (their tags link to the tag's page too).
    pub tag_initiatives: BTreeMap<String, Vec<String>>,
    /// Every version of the site and which one this is, once the build knows them all.
    pub history: Option<(Arc<History>, usize)>,
    /// The search index, made once for the many files it is written as (`ready`).
    pub search_index: OnceLock<search::Index>,
    /// What the search index is made of (`search::State`): until it is made, what the
    /// previous build kept, which it patches where it can; then this build's, for the
    /// next.
    pub search_state: Mutex<Option<search::State>>,
    /// The sections' and tags' pages in list order, sorted once (`lists`).
    pub lists: OnceLock<paging::Lists>,
    /// Where the bodies this build let go wait for their pages (`Rendered::spilled`).
    spill: Option<Arc<spill::Spill>>,
}

/// How links in the bodies of `reg` resolve: `sources` maps source files to addresses,
/// `events` the later events to their page of the timeline.
fn linker<'l>(
    reg: &'l Registry,
    urls: &'l Urls,
    sources: &'l BTreeMap<String, String>,
    events: &'l BTreeMap<String, String>,
) -> Linker<'l> {
    Linker {
        sources,
        urls,
        content_dir: &reg.config.display_dir,
        allow_html: reg.config.allow_html,
        images: &reg.images,
        events,
    }
}

/// The Markdown of page `i` to render: its file comes after the initiatives' and the
/// events' in `markdown_files`, and its headings leave the page template's ids free.
fn page_work<'r>(reg: &'r Registry, urls: &Urls, i: usize) -> Option<Work<'r>> {
    let p = reg.pages.get(i)?;
    Some(Work {
        key: format!("page:{i}"),
        text: WorkText::Body(p),
        file: reg.initiatives.len() + reg.event_sources.len() + i,
        line: p.source.body_line,
        own: urls.page(&p.slug_path),
        reserved: page_ids(),
        excerpt: p.meta.summary.is_none(),
    })
}

/// Every file Markdown is rendered from, in the order links refer to them by (`LinkRef::file`).
fn markdown_files(reg: &Registry) -> Vec<&SourceFile> {
    let initiatives = reg.initiatives.values().map(|i| &i.source);
    let pages = reg.pages.iter().map(|p| &p.source);
    initiatives.chain(&reg.event_sources).chain(pages).collect()
}

pub fn prepare<'a>(
    reg: &'a Registry,
    theme: &'a Theme,
    urls: Urls,
) -> Result<Prepared<'a>, Vec<Diagnostic>> {
    prepare_in(reg, theme, urls, &Around::default(), Earlier::Nothing)
}

/// Prepares one site of several: the current one (`urls.prefix` empty) or a version.
pub fn prepare_in<'a>(
    reg: &'a Registry,
    theme: &'a Theme,
    urls: Urls,
    around: &Around,
    earlier: Earlier,
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
    let pages: Vec<(String, String)> = reg
        .pages
        .par_iter()
        .map(|p| {
            let rel = p
                .source
                .path
                .strip_prefix(&content_prefix)
                .unwrap_or(&p.source.path);
            (rel.to_owned(), urls.page(&p.slug_path))
        })
        .collect();
    sources.extend(pages);
    // Files that could not be read keep their address, so links to them (or to anchors
    // on pages they feed) are not reported as a second problem.
    let mut incomplete = BTreeSet::new();
    for rel in &reg.broken {
        use crate::load::FileRecord;
        let record = crate::load::file_record(rel);
        let site = match &record {
            FileRecord::Initiative(id) => urls.initiative(id),
            FileRecord::Actor(id) => urls.actor(id),
            FileRecord::Page(path) => urls.page(path),
            FileRecord::Events | FileRecord::Other => String::new(),
        };
        if matches!(record, FileRecord::Events | FileRecord::Initiative(_)) {
            incomplete.insert(urls.timeline());
        }
        if !site.is_empty() {
            sources.insert(rel.clone(), site.clone());
            incomplete.insert(site);
        }
    }
    let events = paging::later_events(reg, &urls);
    let linker = linker(reg, &urls, &sources, &events);

    let files = markdown_files(reg);
    let mut work: Vec<Work> = Vec::new();
    for (f, (id, ini)) in reg.initiatives.iter().enumerate() {
        let own = urls.initiative(id);
        let reserved: Arc<[String]> = initiative_ids(ini).into();
        work.push(Work {
            key: format!("initiative:{id}"),
            text: WorkText::Text(ini.body()),
            file: f,
            line: ini.source.body_line,
            own: own.clone(),
            reserved: reserved.clone(),
            excerpt: false,
        });
        for m in &ini.meta.measures {
            if let Some(d) = &m.description {
                let line = ini
                    .source
                    .locate(&["measures:", m.title.as_str(), "description:"], "")
                    .map_or(1, |l| l.0);
                work.push(Work {
                    key: format!("measure:{id}:{}", measure_id(m)),
                    text: WorkText::Text(d),
                    file: f,
                    line,
                    own: own.clone(),
                    reserved: reserved.clone(),
                    excerpt: false,
                });
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
            work.push(Work {
                key: format!("event:{}", e.anchor),
                text: WorkText::Text(d),
                file: file_base + e.file,
                line,
                own: urls.timeline(),
                reserved: page_ids(),
                excerpt: true,
            });
        }
    }
    let pages: Vec<Work> = (0..reg.pages.len())
        .into_par_iter()
        .filter_map(|i| page_work(reg, &urls, i))
        .collect();
    work.extend(pages);
    let spill = earlier.spill().cloned();
    // The outputs are planned while the bodies render: the plan needs none of them.
    let (rendered, (planned, plan_errors)) = rayon::join(
        || reuse::render_bodies(&work, &files, &linker, earlier),
        || {
            let mut errors = Vec::new();
            let planned = plan::plan(reg, theme, &urls, around, &mut errors);
            (planned, errors)
        },
    );
    // What could not be rendered whole is kept for the link checks below, so that one
    // run reports every broken link of a file; the errors fail the session anyway.
    let (mut keyed, failed): (Vec<(String, Arc<Rendered>)>, Vec<_>) = work
        .into_par_iter()
        .zip(rendered)
        .map(|(w, r)| match r {
            Ok(r) => ((w.key, r), Vec::<Diagnostic>::new()),
            Err(failed) => ((w.key, Arc::new(failed.rendered)), failed.errors),
        })
        .unzip();
    errors.extend(failed.into_iter().flatten());
    // Sorted in parallel, so that the map is built in one pass. Stable: of two bodies
    // under one key (two measures of an initiative given one id, an error reported
    // anyway), the later is kept, as inserting them one by one did.
    keyed.par_sort_by(|a, b| a.0.cmp(&b.0));
    let bodies: BTreeMap<String, Arc<Rendered>> = keyed.into_iter().collect();
    errors.extend(embed::check(
        reg,
        bodies.values().flat_map(|r| &r.embeds),
        &files,
    ));

    errors.extend(plan_errors);
    let plan::Plan {
        outputs: plan,
        tags,
        tag_initiatives,
    } = planned;
    let prepared = Prepared {
        reg,
        theme,
        urls,
        sources,
        events,
        bodies,
        plan,
        tags,
        tag_initiatives,
        history: None,
        search_index: OnceLock::new(),
        search_state: Mutex::default(),
        lists: OnceLock::new(),
        spill,
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

/// Gives each of `sites` what an earlier build's search index of the same site was made
/// of, by the address of its search page (`search::State`), to patch where it can before
/// its own is made. Those of sites there no longer are are let go.
pub fn search_from(sites: &[Prepared], mut before: BTreeMap<String, search::State>) {
    for p in sites {
        let state = before.remove(&p.urls.search());
        if let (Some(state), Ok(mut s)) = (state, p.search_state.lock()) {
            *s = Some(state);
        }
    }
}

/// What every page of a site in one language shares (docs/themes.md: "every page"), and
/// all that a part rendered once gets (`templates/cached/`), with the caller's extra
/// values.
#[derive(Serialize)]
struct Shared<'a> {
    urls: SiteUrls,
    statement_href: Option<String>,
    t: &'a BTreeMap<String, String>,
    /// The strings in the site's language: the header and footer are the site's,
    /// whatever the page's language.
    st: &'a BTreeMap<String, String>,
    assets: BTreeMap<&'a str, String>,
    public: chrome::SiteChrome,
    /// What a page sets for itself (`common`), as every page in this language has it.
    lang: &'static str,
    site: SiteHeader<'a>,
}

/// The addresses of the site's own pages, for the header and footer.
#[derive(Serialize)]
struct SiteUrls {
    home: String,
    initiatives: String,
    actors: String,
    roles: String,
    timeline: String,
    tags: String,
    search: String,
    records: String,
    versions: Option<String>,
    changes: Option<String>,
}

/// What each page gets besides what it shares: the site's header, its own address, the
/// versions (and, beside these, its view under `page` and its `chrome`).
#[derive(Serialize)]
struct Common<'a> {
    site: SiteHeader<'a>,
    lang: &'static str,
    path: &'a str,
    canonical: Option<String>,
    description: String,
    versions: Vec<history::SwitcherItem<'a>>,
    version: Option<history::Banner<'a>>,
    /// How to cite this page: its permanent address and the date.
    cite: cite::CiteView,
}

#[derive(Serialize)]
struct SiteHeader<'a> {
    title: &'a str,
    description: &'a Option<String>,
    lang: &'static str,
    as_of: Option<views::DateView>,
    menu: Vec<MenuLink<'a>>,
    home: String,
    atom: String,
}

/// A menu entry, and whether the page is in it.
#[derive(Serialize)]
struct MenuLink<'a> {
    label: &'a str,
    href: String,
    current: bool,
}

impl Prepared<'_> {
    /// Makes what several outputs share, before they are rendered in parallel: the search
    /// index, written as many files. (Made inside one of their jobs, a worker waiting on
    /// it could be handed another of them.)
    pub fn ready(&self) {
        // The lists' order and the index need nothing of each other.
        rayon::join(
            || self.lists(),
            || {
                if self.plan.values().any(|j| matches!(j, Job::SearchIndex)) {
                    self.search_index(&self.ctx());
                }
            },
        );
    }

    /// The HTML of `body`, the body at `key`: as rendered by `prepare`, or, when a
    /// one-off build released it (`Rendered::released`, pages only), read back from the
    /// build's spill file (`spilled_html`), or else rendered again from the same text
    /// with the same links, which gives the same HTML (a body taken from the previous
    /// build, or where no spill file could be made).
    pub fn body_html<'b>(&self, key: &str, body: &'b Rendered) -> std::borrow::Cow<'b, str> {
        use std::borrow::Cow;
        if !body.released {
            return Cow::Borrowed(body.html.as_str());
        }
        if let Some(html) = self.spilled_html(body) {
            return Cow::Owned(html);
        }
        let found = key
            .strip_prefix("page:")
            .and_then(|i| i.parse().ok())
            .and_then(|i| Some((page_work(self.reg, &self.urls, i)?, self.reg.pages.get(i)?)));
        let Some((work, page)) = found else {
            return Cow::Borrowed("");
        };
        let linker = linker(self.reg, &self.urls, &self.sources, &self.events);
        // The body rendered without problems the first time (or the build stopped), so
        // it does again; what was rendered is used either way.
        let html = match reuse::render_work(&work, &page.source, &linker) {
            Ok(r) => r.html,
            Err(failed) => failed.rendered.html,
        };
        Cow::Owned(html)
    }

    /// The HTML of a body this build let go, read back from where it put it (`spill`).
    pub(crate) fn spilled_html(&self, body: &Rendered) -> Option<String> {
        self.spill.as_ref()?.get(body.spilled?)
    }

    /// The pages of each section and tag, in the order their lists show them.
    pub fn lists(&self) -> &paging::Lists {
        self.lists
            .get_or_init(|| paging::Lists::of(self.reg, &self.tags))
    }

    fn search_index(&self, ctx: &Ctx) -> &search::Index {
        self.search_index.get_or_init(|| {
            let before = self.search_state.lock().ok().and_then(|mut s| s.take());
            let (index, state) = search::index(self, ctx, before);
            if let Ok(mut s) = self.search_state.lock() {
                *s = Some(state);
            }
            index
        })
    }

    fn ctx(&self) -> Ctx<'_> {
        Ctx {
            reg: self.reg,
            urls: &self.urls,
            strings: &self.theme.strings,
            bodies: &self.bodies,
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
        let ctx = self.ctx();
        // Page `number` of a list renders with the list's own view.
        let (job, number) = job.page_of_list();
        let bytes = |b: Vec<u8>, out: &mut Vec<u8>| {
            *out = b;
            Ok(())
        };
        let view = match job {
            Job::Static(p) => {
                return bytes(self.theme.statics.get(p).cloned().unwrap_or_default(), out)
            }
            Job::Asset(p) => {
                let b = std::fs::read(p)
                    .map_err(|e| crate::error::io_diagnostic(p, "read the file", &e))?;
                return bytes(b, out);
            }
            Job::Sitemap => return bytes(feeds::sitemap(self).into_bytes(), out),
            Job::SitemapPart(n) => return bytes(feeds::sitemap_part(self, *n).into_bytes(), out),
            Job::More(..) => return Err(Diagnostic::error(path, "a list page of a list page")),
            Job::Atom => return bytes(feeds::atom(self).into_bytes(), out),
            Job::Robots => return bytes(feeds::robots(self).into_bytes(), out),
            Job::Records => return bytes(feeds::records(self, &ctx).into_bytes(), out),
            Job::Calendar => return bytes(calendar::ics(self, &ctx).into_bytes(), out),
            Job::SearchIndex => return bytes(self.search_index(&ctx).file(None), out),
            Job::SearchPart(part) => return bytes(self.search_index(&ctx).file(Some(*part)), out),
            Job::Redirect(target) => return aliases::render(self, &ctx, target, extra, out),
            Job::Changes => pages::changes::view(self, &ctx),
            Job::Versions => history::index_view(self, &ctx),
            Job::Home => pages::home::view(self, &ctx)?,
            Job::Initiatives => pages::initiatives::list(self, &ctx),
            Job::Initiative(id) => pages::initiatives::one(self, &ctx, path, id)?,
            Job::InitiativeTimeline(id) => {
                pages::initiatives::timeline(self, &ctx, path, id, number)?
            }
            Job::Actors => pages::actors::list(self, &ctx),
            Job::Actor(id) => pages::actors::one(self, &ctx, path, id)?,
            Job::ActorTimeline(id) => pages::actors::timeline(self, &ctx, path, id, number)?,
            Job::Roles => pages::roles::view(self, &ctx, number),
            Job::Timeline => pages::timeline::view(self, &ctx, number),
            Job::Page(i) => pages::content::page(self, &ctx, *i)?,
            Job::Section(slug_path, index) => {
                pages::content::section(self, &ctx, slug_path, *index, number)?
            }
            Job::Tags => pages::tags::list(self, &ctx),
            Job::Tag(slug) => pages::tags::one(self, &ctx, slug, number),
            Job::Search => View::of(
                "search.html",
                site_lang,
                pages::Search {
                    title: ctx.t(site_lang, "search.title"),
                    index: ctx.href(&self.urls.search_index()),
                },
            ),
            Job::NotFound => View::of(
                "404.html",
                site_lang,
                pages::Titled {
                    title: ctx.t(site_lang, "notfound.title"),
                },
            ),
        };
        let View {
            template,
            lang,
            mut page,
        } = view;
        // A list's chart is on its first page.
        if let Some(c) = (number == 1).then(|| self.chart(&ctx, job, lang)).flatten() {
            // Every view is a map: taken out of `page`, not copied, to add the chart.
            if page.is_map() {
                let mut map = page.into_map().unwrap_or_default();
                map.insert("chart".into(), c);
                page = tera::Value::from(map);
            }
        }
        let page_chrome = chrome::page(self, &ctx, job, lang, &page);
        let failed = |e: &dyn std::fmt::Display| Diagnostic::error(path, e.to_string());
        let mut own = tera::Context::from_serialize(&self.common(&ctx, path, lang, &page))
            .map_err(|e| failed(&e))?;
        own.insert_value("page", page);
        own.insert_value("chrome", value(&page_chrome).map_err(|e| failed(&e))?);
        // Every page sets the same keys, so the shared context only ever holds this page's.
        let key = (std::ptr::from_ref(self) as usize, lang);
        let context = match contexts.0.entry(key) {
            Entry::Occupied(e) => e.into_mut(),
            Entry::Vacant(e) => e.insert(self.shared_context(&ctx, lang, extra)?),
        };
        context.extend(own);
        self.theme
            .tera
            .render_to(template, context, out)
            .map_err(|e| self.theme.render_error(template, &e))
    }

    /// What every page of this site in `lang` gets and no page changes: the strings, the
    /// assets, the addresses, the caller's extra values (the dev server's script), and
    /// under `cached` the theme's parts rendered once with them (`templates/cached/`).
    fn shared_context(
        &self,
        ctx: &Ctx,
        lang: Lang,
        extra: &Value,
    ) -> Result<tera::Context, Diagnostic> {
        let empty = BTreeMap::new();
        let strings = |lang| self.theme.strings.get(&lang).unwrap_or(&empty);
        let shared = Shared {
            urls: SiteUrls {
                home: ctx.href(&self.urls.home()),
                initiatives: ctx.href(&self.urls.initiatives()),
                actors: ctx.href(&self.urls.actors()),
                roles: ctx.href(&self.urls.roles()),
                timeline: ctx.href(&self.urls.timeline()),
                tags: ctx.href(&self.urls.tags()),
                search: ctx.href(&self.urls.search()),
                records: ctx.href(&self.urls.file("data/records.json")),
                versions: self
                    .history
                    .as_ref()
                    .map(|_| ctx.href(crate::output::VERSIONS)),
                changes: self
                    .history
                    .as_ref()
                    .map(|_| ctx.href(&self.urls.changes())),
            },
            statement_href: self.statement().map(|s| ctx.href(&s)),
            t: strings(lang),
            st: strings(self.reg.config.lang),
            assets: self
                .theme
                .assets
                .iter()
                .map(|(k, v)| (k.as_str(), ctx.href(v)))
                .collect(),
            public: chrome::site(self, ctx),
            lang: lang.code(),
            site: self.site_header(ctx, None, lang),
        };
        let shared = value(&shared).map_err(|e| Diagnostic::error("", e.to_string()))?;
        let mut context = tera::Context::new();
        if let Some(map) = shared.as_map() {
            for (key, value) in map {
                context.insert_value(key.to_string(), value.clone());
            }
        }
        if let Value::Object(extra) = extra {
            for (key, value) in extra {
                context.insert(key.clone(), value);
            }
        }
        let mut cached = BTreeMap::new();
        for (name, key) in self.theme.cached() {
            let html = self.theme.tera.render(name, &context).map_err(|e| {
                // What the part was given, for the error to say (only when it fails).
                let shared = shared.as_map().into_iter().flat_map(|m| m.keys());
                let extra = extra.as_object().into_iter().flat_map(|m| m.keys());
                let mut gets: Vec<String> = shared.map(|k| k.to_string()).collect();
                gets.extend(extra.cloned());
                gets.sort();
                self.theme.part_error(name, &e, &gets)
            })?;
            cached.insert(key, html);
        }
        context.insert("cached", &cached);
        Ok(context)
    }

    /// What changes from page to page: the site's menu (which entry is current), the
    /// page's address, description and version links, and the page's own view.
    fn common<'p>(
        &'p self,
        ctx: &Ctx,
        path: &'p str,
        lang: Lang,
        page: &tera::Value,
    ) -> Common<'p> {
        let cfg = &self.reg.config;
        let description = page
            .get_from_path("summary")
            .and_then(tera::Value::as_str)
            .or(cfg.description.as_deref())
            .unwrap_or("")
            .to_owned();
        Common {
            site: self.site_header(ctx, Some(path), lang),
            lang: lang.code(),
            path,
            canonical: (!cfg.origin.is_empty()).then(|| cfg.absolute(&ctx.href(path))),
            description,
            versions: history::switcher(self, ctx, path),
            version: history::banner(self, ctx, path),
            cite: cite::view(self, ctx, path),
        }
    }

    /// The site's title, menu and addresses, with the menu entry `path` is in marked
    /// (none without a page).
    fn site_header(&self, ctx: &Ctx, path: Option<&str>, lang: Lang) -> SiteHeader<'_> {
        let cfg = &self.reg.config;
        let menu = cfg
            .menu
            .iter()
            .map(|m| {
                let (href, current) = if m.url.starts_with('/') {
                    let site_path = self.urls.site(&m.url);
                    let current = path.is_some_and(|path| {
                        path == site_path || (site_path != "/" && path.starts_with(&site_path))
                    });
                    (ctx.href(&site_path), current)
                } else {
                    (m.url.clone(), false)
                };
                MenuLink {
                    label: &m.label,
                    href,
                    current,
                }
            })
            .collect();
        SiteHeader {
            title: &cfg.title,
            description: &cfg.description,
            lang: cfg.lang.code(),
            as_of: cfg.as_of.as_ref().map(|d| ctx.date(d, None, lang)),
            menu,
            home: ctx.href(&self.urls.home()),
            // Versions have no feed of their own: readers subscribe to the current site.
            atom: ctx.href("/atom.xml"),
        }
    }

    /// What `changes` alter beyond what `plan::affected` finds from the pages alone: an
    /// events embed is titled with its tag as the first page with that tag writes it
    /// (render/pages/embeds.rs), so a page's tags may change another page's embed.
    pub fn touched(&self, changes: &[plan::PageChange]) -> Touched {
        let tags: rustc_hash::FxHashSet<String> = changes
            .iter()
            .filter(|c| c.front)
            .flat_map(|c| c.old.meta.tags.iter().chain(&c.new.meta.tags))
            .map(|t| crate::model::slugify(t))
            .collect();
        let shows = |key: String| {
            self.bodies.get(&key).is_some_and(|b| {
                b.embeds.iter().any(|e| {
                    e.kind == embed::Kind::Events
                        && e.target
                            .as_ref()
                            .is_some_and(|t| tags.contains(&crate::model::slugify(&t.value)))
                })
            })
        };
        let pages = if tags.is_empty() {
            BTreeSet::new()
        } else {
            (0..self.reg.pages.len())
                .filter(|i| shows(format!("page:{i}")))
                .collect()
        };
        // An initiative's body is on its page and its timelines: then all is rendered.
        let everything = !tags.is_empty()
            && self
                .reg
                .initiatives
                .keys()
                .any(|id| shows(format!("initiative:{id}")));
        Touched { pages, everything }
    }

    /// Whether rendering `job` may give other bytes after `changes`, with what they
    /// touched (`touched`).
    pub fn affected(&self, job: &Job, changes: &[plan::PageChange], touched: &Touched) -> bool {
        let page_at = |j: usize| &self.reg.pages[j];
        touched.everything
            || matches!(job, Job::Page(j) | Job::Section(_, Some(j)) if touched.pages.contains(j))
            || changes.iter().any(|c| plan::affected(job, c, page_at))
    }

    /// The address of the accessibility statement (`pages/tilgjengelighet.md`, or an old
    /// address leading to a page), when the site has one: every page's footer links it.
    pub fn statement(&self) -> Option<String> {
        let statement = self.urls.page("tilgjengelighet");
        self.plan.contains_key(&statement).then_some(statement)
    }

    pub fn initiatives_by_start(&self) -> impl Iterator<Item = &crate::model::Initiative> {
        self.reg.initiatives_by_start()
    }

    /// The chart of the periods a page shows, if any: every initiative on the home page and
    /// the timeline, one initiative on its page and filter page, an actor's on its pages.
    fn chart(&self, ctx: &Ctx, job: &Job, lang: Lang) -> Option<tera::Value> {
        // A view is plain data: it always serializes.
        let as_value = |c: chart::ChartView| value(&c).ok();
        let reg = self.reg;
        let over_time = |name: &str| format!("{name} {}", ctx.t(lang, "chart.over_time"));
        match job {
            // Past a dozen initiatives, the chart draws those that started last.
            Job::Home | Job::Timeline if reg.initiatives.len() > paging::OVERVIEW_INITIATIVES => {
                let title = format!(
                    "{} ({} {} {})",
                    ctx.t(lang, "chart.title"),
                    ctx.t(lang, "chart.latest"),
                    paging::OVERVIEW_INITIATIVES,
                    ctx.t(lang, "chart.latest_of_all"),
                );
                let lanes = chart::lanes_of(reg, &paging::overview(reg));
                chart::view(ctx, "chart-all", &title, &lanes, lang).and_then(as_value)
            }
            Job::Home | Job::Timeline => chart::view(
                ctx,
                "chart-all",
                &ctx.t(lang, "chart.title"),
                &chart::lanes_all(reg),
                lang,
            )
            .and_then(as_value),
            Job::Initiative(id) | Job::InitiativeTimeline(id) => {
                let ini = reg.initiatives.get(id)?;
                chart::view(
                    ctx,
                    &format!("chart-{id}"),
                    &over_time(ini.short_title()),
                    &chart::lanes_of_initiative(reg, id),
                    lang,
                )
                .and_then(as_value)
            }
            Job::Actor(id) | Job::ActorTimeline(id) => {
                let a = reg.actors.get(id)?;
                let mut lanes = chart::lanes_of_actor(reg, id);
                let mut title = over_time(&a.current().name);
                // An actor in many initiatives: those it joined last.
                if lanes.len() > paging::OVERVIEW_INITIATIVES {
                    lanes.drain(..lanes.len() - paging::OVERVIEW_INITIATIVES);
                    title = format!(
                        "{title} ({} {} {})",
                        ctx.t(lang, "chart.latest"),
                        paging::OVERVIEW_INITIATIVES,
                        ctx.t(lang, "chart.latest_of_all"),
                    );
                }
                chart::view(ctx, &format!("chart-{id}"), &title, &lanes, lang).and_then(as_value)
            }
            _ => None,
        }
    }
}

/// `v` as a value for the templates.
fn value<T: Serialize + ?Sized>(v: &T) -> tera::TeraResult<tera::Value> {
    tera::Value::try_from_serializable(v)
}
