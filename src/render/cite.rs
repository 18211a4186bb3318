//! "Slik siterer du denne siden": the permanent address a reader should cite a page by,
//! and the date it stands for.

use serde::Serialize;

use super::history::Site;
use super::views::{Ctx, DateView};
use super::Prepared;

/// What a page's citation box shows: `{url, href, version, date}`.
#[derive(Serialize)]
pub struct CiteView {
    /// The address to cite: absolute where the site has a `base_url`.
    pub url: String,
    pub href: String,
    /// The frozen version the address belongs to; `None` for the current site.
    pub version: Option<String>,
    /// The version's release date, or the current site's `as_of`.
    pub date: Option<DateView>,
}

/// A frozen version's page is cited by its own address. A current page is cited by the
/// newest version that has the same page (its address never changes), else by its own.
pub fn view(p: &Prepared, ctx: &Ctx, path: &str) -> CiteView {
    let cfg = &p.reg.config;
    let lang = cfg.lang;
    let mut target = (path.to_owned(), None, cfg.as_of);
    if let Some((history, me)) = &p.history {
        if let Some(site) = history.sites.get(*me) {
            let here = path.strip_prefix(site.prefix.as_str()).unwrap_or(path);
            let frozen = |s: &Site| s.name.is_some() && s.pages.contains(here);
            let cited = if site.name.is_some() {
                Some(site)
            } else {
                history.sites.iter().rev().find(|s| frozen(s))
            };
            if let Some(s) = cited {
                target = (format!("{}{here}", s.prefix), s.name.clone(), s.date);
            }
        }
    }
    let (site_path, version, date) = target;
    let href = ctx.href(&site_path);
    let url = if cfg.origin.is_empty() {
        href.clone()
    } else {
        cfg.absolute(&href)
    };
    CiteView {
        url,
        href,
        version,
        date: date.as_ref().map(|d| ctx.date(d, None, lang)),
    }
}
