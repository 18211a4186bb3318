//! What every view and every list looks things up in: the registry, the addresses, the
//! theme's strings and the rendered bodies. A module of its own so that the navigation of
//! lists over pages (paging.rs) can use it without the views (views.rs), which use it.

use std::collections::BTreeMap;
use std::sync::Arc;

use crate::model::{Lang, Registry};
use crate::output::Urls;

use super::markdown::Rendered;

/// Everything a view needs to look things up. The views of records are built by its
/// methods in views.rs.
pub struct Ctx<'a> {
    pub reg: &'a Registry,
    pub urls: &'a Urls,
    pub strings: &'a BTreeMap<Lang, BTreeMap<String, String>>,
    /// Rendered Markdown bodies by key (`initiative:<id>`, `page:<index>`, `event:<anchor>`,
    /// `measure:<initiative>:<id>`).
    pub bodies: &'a BTreeMap<String, Arc<Rendered>>,
}

impl<'a> Ctx<'a> {
    /// The theme's string `key` in `lang` (the key itself where the theme has none).
    pub fn t(&self, lang: Lang, key: &str) -> String {
        self.strings
            .get(&lang)
            .and_then(|m| m.get(key))
            .cloned()
            .unwrap_or_else(|| key.to_owned())
    }

    /// The link to `site_path`, below the site's base path.
    pub fn href(&self, site_path: &str) -> String {
        self.urls.href(site_path)
    }

    /// The HTML of an initiative's, a measure's or an event's body. Never a page's: a
    /// one-off build lets those go (`Prepared::body_html` gives them back).
    pub fn body(&self, key: &str) -> &'a str {
        debug_assert!(!key.starts_with("page:"), "{key}: use Prepared::body_html");
        self.bodies.get(key).map_or("", |r| r.html.as_str())
    }
}
