//! Every version of a site seen together: the version switcher on every page, the banner
//! on a frozen version's pages, and the list of versions at `/v/`.

use std::collections::BTreeSet;

use serde_json::{json, Value};

use crate::error::Diagnostic;
use crate::model::{Date, Lang};
use crate::output::{Urls, VERSIONS};

use super::changes::Changes;
use super::plan::{Around, Job};
use super::views::Ctx;
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
        Site {
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
                super::plan::origin(current.reg, job).0,
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

/// A site as templates see it: `{name, current, date, label, as_of, href, changes_href}`.
pub fn site_view(site: &Site, ctx: &Ctx, lang: Lang) -> Value {
    json!({
        "name": site.name,
        "current": site.name.is_none(),
        "date": site.date.as_ref().map(|d| ctx.date(d, None, lang)),
        "label": site.label,
        "lang": site.lang.code(),
        "as_of": site.as_of.as_ref().map(|d| ctx.date(d, None, lang)),
        "href": ctx.href(&format!("{}/", site.prefix)),
        "changes_href": ctx.href(&site.changes_path),
    })
}

/// The switcher: every site, newest first, each linking to this page there (or to its
/// home). Empty when the site has no versions.
pub fn switcher(p: &Prepared, ctx: &Ctx, path: &str) -> Vec<Value> {
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
            let mut v = site_view(site, ctx, lang);
            super::views::merge(
                &mut v,
                json!({ "href": ctx.href(&target), "same_page": same, "this": i == *me }),
            );
            v
        })
        .collect()
}

/// On a frozen version's pages: which version this is, and the same page in the current
/// site. Null on the current site.
pub fn banner(p: &Prepared, ctx: &Ctx, path: &str) -> Value {
    let Some((history, me)) = &p.history else {
        return Value::Null;
    };
    let site = &history.sites[*me];
    let Some(current) = history.current().filter(|_| site.name.is_some()) else {
        return Value::Null;
    };
    let (target, same) = current.same_page(below(site, path));
    let mut v = site_view(site, ctx, p.reg.config.lang);
    super::views::merge(
        &mut v,
        json!({
            "current_href": ctx.href(&target),
            "current_same_page": same,
            "list_href": ctx.href(VERSIONS),
        }),
    );
    v
}

/// `/v/`: the current site and every version, newest first.
pub fn index_view(p: &Prepared, ctx: &Ctx) -> (&'static str, Lang, Value) {
    let lang = p.reg.config.lang;
    let sites: Vec<Value> = p.history.as_ref().map_or_else(Vec::new, |(h, _)| {
        h.sites
            .iter()
            .rev()
            .enumerate()
            .map(|(i, s)| {
                let mut v = site_view(s, ctx, lang);
                // The oldest version has nothing before it to list changes against.
                let first = i + 1 == h.sites.len();
                super::views::merge(&mut v, json!({ "first": first }));
                v
            })
            .collect()
    });
    (
        "versions.html",
        lang,
        json!({ "title": ctx.t(lang, "versions.title"), "versions": sites }),
    )
}
