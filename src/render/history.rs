//! Every version of a site seen together: the version switcher on every page, the banner
//! on a frozen version's pages, and the list of versions at `/v/`.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use crate::error::Diagnostic;
use crate::model::{Date, Lang};
use crate::output::{Urls, VERSIONS};

use super::changes::Changes;
use super::job::Job;
use super::pages::View;
use super::plan::Around;
use super::views::{Ctx, DateView};
use super::Prepared;

/// One site of the history: a frozen version, or the current site (the last).
#[derive(Debug, Clone)]
pub struct Site {
    /// The version's name; None for the current site.
    pub name: Option<String>,
    /// When the version was released.
    pub date: Option<Date>,
    pub label: Option<String>,
    /// The date the site described the world at (its `as_of`).
    pub as_of: Option<Date>,
    /// Its default language, which its label is written in.
    pub lang: Lang,
    /// `` for the current site, `/v/<NAME>` for a version.
    pub prefix: String,
    /// Its HTML pages as paths below the prefix (`/initiativ/x/`), to link the same page.
    pub pages: BTreeSet<String>,
    /// Its what-changed page (a site path).
    pub changes_path: String,
    /// Its old addresses (`aliases:`, the current site's only), below the prefix, to the
    /// address of the page now: a renamed page is still the same page.
    pub moved: BTreeMap<String, String>,
    /// What changed since the site before it; None for the oldest version.
    pub changes: Option<Changes>,
}

impl Site {
    /// A prepared site's place in the history.
    pub fn of(p: &Prepared, name: Option<&str>, date: Option<Date>, label: Option<&str>) -> Site {
        let prefix = &p.urls.prefix;
        let pages = p
            .plan
            .iter()
            .filter(|(_, j)| j.is_html())
            .filter_map(|(path, _)| path.strip_prefix(prefix.as_str()).map(str::to_owned))
            .collect();
        let moved = p
            .plan
            .iter()
            .filter_map(|(path, job)| match job {
                Job::Redirect(t) => Some((path.clone(), t.path(p.reg, &p.urls))),
                _ => None,
            })
            .collect();
        Site {
            moved,
            name: name.map(str::to_owned),
            date,
            label: label.map(str::to_owned),
            as_of: p.reg.config.as_of,
            lang: p.reg.config.lang,
            prefix: prefix.clone(),
            pages,
            changes_path: p.urls.changes(),
            changes: None,
        }
    }

    /// Everything of the site that other sites' pages show (the switcher, the banner,
    /// the list of versions): all but what changed in it.
    #[allow(clippy::type_complexity)]
    pub fn place(
        &self,
    ) -> (
        &Option<String>,
        &Option<Date>,
        &Option<String>,
        &Option<Date>,
        Lang,
        &str,
        &BTreeSet<String>,
        &str,
    ) {
        (
            &self.name,
            &self.date,
            &self.label,
            &self.as_of,
            self.lang,
            &self.prefix,
            &self.pages,
            &self.changes_path,
        )
    }

    /// The same page in this site, or its home where it has no such page.
    fn same_page(&self, below: &str) -> (String, bool) {
        if self.pages.contains(below) {
            (format!("{}{below}", self.prefix), true)
        } else if let Some(now) = self.moved.get(below) {
            (format!("{}{now}", self.prefix), true)
        } else {
            (format!("{}/", self.prefix), false)
        }
    }
}

/// The versions oldest first, then the current site.
#[derive(Debug, Clone, Default)]
pub struct History {
    pub sites: Vec<Site>,
}

impl History {
    pub fn current(&self) -> Option<&Site> {
        self.sites.last()
    }
}

/// The pages a site gets when the site has versions, and the addresses outside it that
/// its links may point to.
pub fn around(urls: &Urls, current: bool, names: &[String]) -> Around {
    let mut pages = vec![(urls.changes(), Job::Changes)];
    if current {
        pages.push((VERSIONS.to_owned(), Job::Versions));
    }
    let mut outside: BTreeSet<String> = BTreeSet::new();
    if !current {
        outside.insert(VERSIONS.to_owned());
    }
    for name in names {
        outside.insert(Urls::version(name));
    }
    Around { pages, outside }
}

/// With versions, `/v/` belongs to them: no page of the current site may live below it.
pub fn reserved(current: &Prepared) -> Vec<Diagnostic> {
    current
        .plan
        .iter()
        .filter(|(path, _)| path.starts_with(VERSIONS) && path.len() > VERSIONS.len())
        .map(|(path, job)| {
            Diagnostic::error(
                super::job::origin(current.reg, job).0,
                format!("this would be published at {path}, but the addresses below {VERSIONS} belong to the site's versions"),
            )
            .hint("move or rename the file")
        })
        .collect()
}

/// The page's path below its site's prefix.
fn below<'p>(site: &Site, path: &'p str) -> &'p str {
    path.strip_prefix(site.prefix.as_str()).unwrap_or(path)
}

/// A site as templates see it: `{name, current, date, label, lang, as_of, href,
/// changes_href}`.
#[derive(Serialize)]
pub struct SiteView<'a> {
    name: &'a Option<String>,
    current: bool,
    date: Option<DateView>,
    label: &'a Option<String>,
    lang: &'static str,
    as_of: Option<DateView>,
    href: String,
    changes_href: String,
}

/// A site in the version switcher: `href` is this page there, or that site's home.
#[derive(Serialize)]
pub struct SwitcherItem<'a> {
    #[serde(flatten)]
    site: SiteView<'a>,
    same_page: bool,
    this: bool,
}

/// The banner on a frozen version's pages.
#[derive(Serialize)]
pub struct Banner<'a> {
    #[serde(flatten)]
    site: SiteView<'a>,
    current_href: String,
    current_same_page: bool,
    list_href: String,
}

/// `/v/`: every site, newest first.
#[derive(Serialize)]
struct VersionsView<'a> {
    title: String,
    versions: Vec<VersionItem<'a>>,
}

#[derive(Serialize)]
struct VersionItem<'a> {
    #[serde(flatten)]
    site: SiteView<'a>,
    /// The oldest version has nothing before it to list changes against.
    first: bool,
}

pub fn site_view<'a>(site: &'a Site, ctx: &Ctx, lang: Lang) -> SiteView<'a> {
    SiteView {
        name: &site.name,
        current: site.name.is_none(),
        date: site.date.as_ref().map(|d| ctx.date(d, None, lang)),
        label: &site.label,
        lang: site.lang.code(),
        as_of: site.as_of.as_ref().map(|d| ctx.date(d, None, lang)),
        href: ctx.href(&format!("{}/", site.prefix)),
        changes_href: ctx.href(&site.changes_path),
    }
}

/// The switcher: every site, newest first, each linking to this page there (or to its
/// home). Empty when the site has no versions.
pub fn switcher<'a>(p: &'a Prepared, ctx: &Ctx, path: &str) -> Vec<SwitcherItem<'a>> {
    let Some((history, me)) = &p.history else {
        return Vec::new();
    };
    let here = below(&history.sites[*me], path);
    let lang = p.reg.config.lang;
    history
        .sites
        .iter()
        .enumerate()
        .rev()
        .map(|(i, site)| {
            let (target, same) = site.same_page(here);
            let mut view = site_view(site, ctx, lang);
            view.href = ctx.href(&target);
            SwitcherItem {
                site: view,
                same_page: same,
                this: i == *me,
            }
        })
        .collect()
}

/// On a frozen version's pages: which version this is, and the same page in the current
/// site. None on the current site.
pub fn banner<'a>(p: &'a Prepared, ctx: &Ctx, path: &str) -> Option<Banner<'a>> {
    let (history, me) = p.history.as_ref()?;
    let site = &history.sites[*me];
    let current = history.current().filter(|_| site.name.is_some())?;
    let (target, same) = current.same_page(below(site, path));
    Some(Banner {
        site: site_view(site, ctx, p.reg.config.lang),
        current_href: ctx.href(&target),
        current_same_page: same,
        list_href: ctx.href(VERSIONS),
    })
}

/// `/v/`: the current site and every version, newest first.
pub fn index_view(p: &Prepared, ctx: &Ctx) -> View {
    let lang = p.reg.config.lang;
    let versions = p.history.as_ref().map_or_else(Vec::new, |(h, _)| {
        h.sites
            .iter()
            .rev()
            .enumerate()
            .map(|(i, s)| VersionItem {
                site: site_view(s, ctx, lang),
                first: i + 1 == h.sites.len(),
            })
            .collect()
    });
    View::of(
        "versions.html",
        lang,
        VersionsView {
            title: ctx.t(lang, "versions.title"),
            versions,
        },
    )
}
