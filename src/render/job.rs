//! What the build writes: every kind of output is a `Job`, with what is known of each
//! before anything is planned or rendered: whether it is a page, how long it takes, what
//! it is made from (`origin`, for errors), and for an old address, the record it sends
//! readers on to (`Target`). The plan (plan.rs) and the outputs that plan themselves
//! (redirects, brand files, sitemap parts) all use it; it uses only the model, the
//! addresses and the name of a search index file (`Part`).

use std::path::PathBuf;

use crate::model::{Lang, Registry};
use crate::output::Urls;

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
    /// The search page and the index its script reads: the manifest, and the files of
    /// words and documents it names (render/search/shards/).
    Search,
    SearchIndex,
    SearchPart(super::search::Part),
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
    /// An old address of a record's page, sending readers on (render/aliases.rs).
    Redirect(Target),
    /// Page `n` (2 or more) of a list that runs over several pages (render/paging.rs):
    /// a section, a tag, the timeline and its filter pages, the roles by initiative.
    /// Its first page is the list's own job.
    More(Box<Job>, usize),
    /// Part `n` (from 1) of the sitemap, when it has more addresses than one file may
    /// hold; `/sitemap.xml` is then the index of the parts.
    SitemapPart(usize),
}

impl Job {
    /// The list this output is a page of, and which page (from 1): page `n` of a list
    /// renders with the list's own view, and offers the anchors of what it shows.
    pub fn page_of_list(&self) -> (&Job, usize) {
        match self {
            Job::More(list, n) => (list, *n),
            other => (other, 1),
        }
    }

    pub fn is_html(&self) -> bool {
        if let Job::More(list, _) = self {
            return list.is_html();
        }
        !matches!(
            self,
            Job::Sitemap
                | Job::SitemapPart(_)
                | Job::Atom
                | Job::Robots
                | Job::Records
                | Job::Calendar
                | Job::SearchIndex
                | Job::SearchPart(_)
                | Job::Static(_)
                | Job::Asset(_)
                | Job::NotFound
                | Job::Redirect(_)
        )
    }

    /// How long the output takes to render, roughly: 0 for the longest. A build starts
    /// the long ones first, so that no core is left waiting for one at the end.
    pub fn cost(&self) -> u8 {
        match self {
            Job::More(list, _) => list.cost(),
            Job::SearchIndex | Job::Roles | Job::Timeline => 0,
            Job::Home
            | Job::Tag(_)
            | Job::Section(..)
            | Job::Records
            | Job::Sitemap
            | Job::SitemapPart(_)
            | Job::Calendar
            | Job::Atom => 1,
            _ => 2,
        }
    }
}

/// Where a planned path came from, to name both when two collide: a file's path as the
/// writer knows it (and true), or what a built-in page is (and false).
pub(crate) fn origin(reg: &Registry, job: &Job) -> (String, bool) {
    let dir = &reg.config.display_dir;
    let file = |s: String| (s, true);
    let built_in = |s: String| (s, false);
    match job {
        Job::Page(i) | Job::Section(_, Some(i)) => file(reg.pages[*i].source.path.clone()),
        Job::Initiative(id) => match reg.initiatives.get(id) {
            Some(i) => file(i.source.path.clone()),
            None => file(format!("{dir}/initiatives/{id}.md")),
        },
        Job::Actor(id) => match reg.actors.get(id) {
            Some(a) => file(a.source.path.clone()),
            None => file(format!("{dir}/actors/{id}.yaml")),
        },
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
        Job::SearchIndex | Job::SearchPart(_) => built_in("the search index".into()),
        Job::Calendar => built_in("the calendar file".into()),
        Job::Changes => built_in("the what-changed page".into()),
        Job::Versions => built_in("the list of versions".into()),
        Job::Redirect(t) => built_in(format!(
            "an old address of {}",
            t.path(reg, &Urls::new(reg.config.lang, "", ""))
        )),
        Job::More(list, n) => match &**list {
            Job::Section(s, _) => built_in(format!("page {n} of the section {s}")),
            other => built_in(format!(
                "page {n} of {}",
                origin(reg, other).0.trim_start_matches("the page of ")
            )),
        },
        Job::SitemapPart(n) => built_in(format!("part {n} of the sitemap")),
    }
}

/// The record an old address leads to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// A page or section, by its index in the registry.
    Page(usize),
    Initiative(String),
    Actor(String),
}

impl Target {
    /// The site path of the record's page now.
    pub fn path(&self, reg: &Registry, urls: &Urls) -> String {
        match self {
            Target::Page(i) => reg
                .pages
                .get(*i)
                .map_or_else(|| urls.home(), |p| urls.page(&p.slug_path)),
            Target::Initiative(id) => urls.initiative(id),
            Target::Actor(id) => urls.actor(id),
        }
    }

    /// The record's title and the language of its page.
    pub(super) fn title(&self, reg: &Registry) -> (String, Lang) {
        let site = reg.config.lang;
        match self {
            Target::Page(i) => reg
                .pages
                .get(*i)
                .map_or((reg.config.title.clone(), site), |p| {
                    (p.meta.title.clone(), p.lang)
                }),
            Target::Initiative(id) => reg
                .initiatives
                .get(id)
                .map_or((id.clone(), site), |i| (i.meta.title.clone(), i.lang)),
            Target::Actor(id) => reg.actors.get(id).map_or((id.clone(), site), |a| {
                (a.current().name_in(site).to_owned(), site)
            }),
        }
    }
}
