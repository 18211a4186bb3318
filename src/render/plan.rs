//! The plan of a site's outputs: the address of every output (a `Job`, job.rs), each
//! exactly once, the site's tags, and which page edits change each output (`affected`):
//! what the build and the preview need to know beyond what a job is. Adding a kind of output means a variant
//! in job.rs (the compiler then points at each match there and here), its view in
//! render/pages/ and its template.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use crate::error::Diagnostic;
use crate::model::{slugify, Page, Registry};
use crate::output::Urls;

use super::job::{origin, Job, Target};
use super::paging;
use super::theme::Theme;
use super::views::{measure_id, role_anchor};

/// The ids an initiative page's template gives its sections, measures and roles: targets
/// for `#anchor` links, and ids the body's headings must not take.
pub(crate) fn initiative_ids(ini: &crate::model::Initiative) -> Vec<String> {
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

/// The plan of one site: every address it writes, each exactly once (a second output at
/// an address is an error naming both sources), with its tags.
pub struct Plan {
    pub outputs: BTreeMap<String, Job>,
    /// Tag slug to (display name, page indexes).
    pub tags: BTreeMap<String, (String, Vec<usize>)>,
    /// Tag slug to the initiatives that carry it (their tags link to the tag's page too).
    pub tag_initiatives: BTreeMap<String, Vec<String>>,
}

/// Plans every output of the site `reg` at the addresses `urls` makes, with the pages
/// `around` it (a versioned site's version pages).
pub fn plan(
    reg: &Registry,
    theme: &Theme,
    urls: &Urls,
    around: &Around,
    errors: &mut Vec<Diagnostic>,
) -> Plan {
    let errors_out = errors;
    let mut errors = Vec::new();
    let mut plan: BTreeMap<String, Job> = BTreeMap::new();
    // The file each address is written to: `/sok/` and `/sok/index.html` are one file,
    // so a copied `pages/sok/index.html` would replace the search page.
    let mut files: rustc_hash::FxHashMap<PathBuf, String> = Default::default();
    // How many pages (HTML) are planned, for the sitemap.
    let html = std::cell::Cell::new(0usize);
    let mut add = |path: String, job: Job, errors: &mut Vec<Diagnostic>| {
        let file = crate::output::file_for(std::path::Path::new(""), &path);
        let taken = files.get(&file).and_then(|p| plan.get(p));
        if let Some(existing) = taken {
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
            files.insert(file, path.clone());
            html.set(html.get() + usize::from(job.is_html()));
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
    for part in super::search::layout(reg).parts() {
        let path = super::search::shards::path(&urls.search(), part);
        add(path, Job::SearchPart(part), &mut errors);
    }
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
        // site.yaml's brand stylesheet and logo (render/chrome.rs).
        for (path, file) in super::chrome::brand_files(&reg.config) {
            add(path, Job::Asset(file), &mut errors);
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
    let mut in_section: BTreeMap<&str, usize> = BTreeMap::new();
    let mut kept_word = BTreeSet::new();
    for (i, p) in reg.pages.iter().enumerate() {
        if let Some(e) = numbered_address(p, urls, &mut kept_word) {
            errors.push(e);
        }
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
        *in_section.entry(p.section()).or_default() += 1;
        for t in &p.meta.tags {
            let entry = tags
                .entry(slugify(t))
                .or_insert_with(|| (t.clone(), Vec::new()));
            entry.1.push(i);
        }
    }
    let size = reg.config.page_size;
    // The further pages of a list: `/artikler/side/2/`, … (render/paging.rs).
    let more = |first: &str, list: &Job, len: usize| {
        (2..=paging::count(len, size))
            .map(|n| (paging::path(first, n), Job::More(Box::new(list.clone()), n)))
            .collect::<Vec<_>>()
    };
    for (slug_path, index) in sections {
        let len = in_section.get(slug_path.as_str()).copied().unwrap_or(0);
        let first = urls.page(&slug_path);
        let job = Job::Section(slug_path, index);
        for (path, page) in more(&first, &job, len) {
            add(path, page, &mut errors);
        }
        add(first, job, &mut errors);
    }
    let mut tag_initiatives: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (id, ini) in &reg.initiatives {
        for t in &ini.meta.tags {
            let slug = slugify(t);
            tags.entry(slug.clone())
                .or_insert_with(|| (t.clone(), Vec::new()));
            tag_initiatives.entry(slug).or_default().push(id.clone());
        }
    }
    // A tag without letters has no address: the registry reports it.
    for (slug, (_, pages)) in tags.iter().filter(|(s, _)| !s.is_empty()) {
        let len = pages.len() + tag_initiatives.get(slug).map_or(0, Vec::len);
        let first = format!("{}{slug}/", urls.tags());
        let job = Job::Tag(slug.clone());
        for (path, page) in more(&first, &job, len) {
            add(path, page, &mut errors);
        }
        add(first, job, &mut errors);
    }
    let mut lists = vec![(urls.timeline(), Job::Timeline, reg.events.len())];
    for id in reg.initiatives.keys() {
        let len = reg.events_of_initiative(id).count();
        lists.push((
            urls.timeline_of(id),
            Job::InitiativeTimeline(id.clone()),
            len,
        ));
    }
    for id in reg.actors.keys() {
        let len = reg.events_of_actor(id).count();
        lists.push((
            urls.timeline_of_actor(id),
            Job::ActorTimeline(id.clone()),
            len,
        ));
    }
    if !paging::roles_as_matrix(reg) {
        lists.push((urls.roles(), Job::Roles, reg.initiatives.len()));
    }
    for (first, job, len) in lists {
        for (path, page) in more(&first, &job, len) {
            add(path, page, &mut errors);
        }
    }
    for (path, below) in &reg.assets {
        add(urls.file(below), Job::Asset(path.clone()), &mut errors);
    }
    // The images' resized copies (crate::images), from the cache; two equal images in
    // one folder with names alike share theirs.
    let mut copies = BTreeSet::new();
    for v in reg.images.values().flat_map(|i| &i.variants) {
        if copies.insert(&v.rel) {
            add(urls.file(&v.rel), Job::Asset(v.file.clone()), &mut errors);
        }
    }
    // A sitemap holds at most 50,000 addresses: above that, `/sitemap.xml` is the index
    // of parts (render/feeds.rs).
    if urls.prefix.is_empty() {
        let versions = around
            .outside
            .iter()
            .filter(|p| *p != crate::output::VERSIONS);
        let addresses = html.get() + 2 * versions.count();
        for n in 1..=super::feeds::sitemap_parts(addresses) {
            add(
                urls.file(&format!("sitemap-{n}.xml")),
                Job::SitemapPart(n),
                &mut errors,
            );
        }
    }
    super::aliases::plan(reg, urls, &mut plan, &mut files, &mut errors);

    errors_out.extend(errors);
    Plan {
        outputs: plan,
        tags,
        tag_initiatives,
    }
}

/// The error for a page or folder named `side` directly in a section: that address is
/// kept for the section's further pages (`/artikler/side/2/`), named once per folder.
fn numbered_address(p: &Page, urls: &Urls, named: &mut BTreeSet<String>) -> Option<Diagnostic> {
    let segments: Vec<&str> = p.slug_path.split('/').collect();
    let at = segments.iter().skip(1).position(|s| *s == paging::WORD)? + 1;
    let section = segments[..at].join("/");
    if !named.insert(format!("{section}/{}", paging::WORD)) {
        return None;
    }
    let list = urls.page(&section);
    let folder = p.is_section || segments.len() > at + 1;
    let marker = format!("/{}/", paging::WORD);
    let what = match p.source.path.rfind(&marker) {
        Some(end) if folder => format!("the folder {}", &p.source.path[..end + marker.len()]),
        _ => p.source.path.clone(),
    };
    Some(
        Diagnostic::error(
            p.source.path.clone(),
            format!(
                "the address {list}{}/ is kept for the further pages of the list {list}",
                paging::WORD
            ),
        )
        .hint(format!(
            "rename {what}: a long list goes on at {}, {}, …",
            paging::path(&list, 2),
            paging::path(&list, 3)
        )),
    )
}

/// A page whose file changed, with the same address and kind as before; or a page added
/// (`old` is `new`) or removed (`new` is `old`, and it has no `index`).
pub struct PageChange<'a> {
    /// Its index in the new registry.
    pub index: Option<usize>,
    pub old: &'a Page,
    pub new: &'a Page,
    /// Whether the front matter changed too (title, date, tags, …); if not, only the body did.
    pub front: bool,
}

impl PageChange<'_> {
    fn pages(&self) -> [&Page; 2] {
        [self.old, self.new]
    }

    /// Whether `slug_path` is in the folder this page is the `_index.md` of.
    fn is_index_above(&self, slug_path: &str) -> bool {
        let p = self.new;
        p.is_section && !p.slug_path.is_empty() && is_below(slug_path, &p.slug_path)
    }
}

/// Whether rendering `job` may give other bytes after `change`. `page_at` finds a page by
/// its index in the new registry. Embeds (render/embed.rs) show initiatives, actors and
/// events, never pages: a page's edit changes its own embeds only (but for the spelling
/// of an events embed's tag, which `Prepared::touched` follows), and an edit of a record
/// is no page change (the preview then renders everything again).
pub fn affected<'p>(job: &Job, change: &PageChange, page_at: impl Fn(usize) -> &'p Page) -> bool {
    let i = change.index;
    let front = change.front;
    match job {
        // The home page shows the root `_index.md` and the first pages of each section.
        Job::Home => front || (change.new.is_section && change.new.slug_path.is_empty()),
        Job::Page(j) => Some(*j) == i || (front && change.is_index_above(&page_at(*j).slug_path)),
        // A section shows its `_index.md`, its pages and its subsections' titles.
        Job::Section(s, index) => {
            (index.is_some() && *index == i)
                || (front && change.pages().iter().any(|p| is_below(&p.slug_path, s)))
                || (front && change.is_index_above(s))
        }
        // An initiative lists the pages that name it.
        Job::Initiative(id) => {
            front
                && change
                    .pages()
                    .iter()
                    .any(|p| p.meta.initiatives.contains(id))
        }
        // The page at an old address shows the title of the page it leads to.
        Job::Redirect(Target::Page(j)) => front && Some(*j) == i,
        Job::Tags | Job::Sitemap | Job::SitemapPart(_) => front,
        Job::More(list, _) => affected(list, change, page_at),
        Job::Tag(slug) => {
            front
                && change
                    .pages()
                    .iter()
                    .any(|p| p.meta.tags.iter().any(|t| slugify(t) == *slug))
        }
        // The feed carries the newest pages whole; the search index every page's words;
        // the what-changed page compares every page with the last release.
        Job::Atom | Job::SearchIndex | Job::SearchPart(_) | Job::Changes => true,
        Job::Initiatives
        | Job::Actors
        | Job::Actor(_)
        | Job::Roles
        | Job::Timeline
        | Job::InitiativeTimeline(_)
        | Job::ActorTimeline(_)
        | Job::NotFound
        | Job::Robots
        | Job::Records
        | Job::Static(_)
        | Job::Asset(_)
        | Job::Search
        | Job::Calendar
        | Job::Versions
        | Job::Redirect(_) => false,
    }
}

fn is_below(slug_path: &str, folder: &str) -> bool {
    slug_path
        .strip_prefix(folder)
        .is_some_and(|rest| rest.starts_with('/'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folders_contain_only_their_own_pages() {
        assert!(is_below("artikler/nyhet", "artikler"));
        assert!(!is_below("artikler-gamle/nyhet", "artikler"));
        assert!(!is_below("artikler", "artikler"));
    }
}
