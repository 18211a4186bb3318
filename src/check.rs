//! What only `mandat check` adds to a build's checks: pages a reader cannot reach.
//! (Actors nothing refers to are found by the registry, for build and check alike.)

use std::collections::{BTreeMap, BTreeSet};

use crate::error::Diagnostic;
use crate::render::Prepared;

/// Pages that no other page links to and no menu item leads to, as warnings. A page in
/// a section folder is listed on its section's page, and the accessibility statement is
/// linked from every page's footer, so only top-level pages can be lost.
pub fn orphaned_pages(prepared: &Prepared) -> Vec<Diagnostic> {
    let reg = prepared.reg;
    let urls = &prepared.urls;
    // Site path to the bodies that link to it.
    let mut linked_from: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    for (key, body) in &prepared.bodies {
        for link in &body.links {
            linked_from
                .entry(link.path.as_str())
                .or_default()
                .insert(key.as_str());
        }
    }
    let menu: BTreeSet<String> = reg
        .config
        .menu
        .iter()
        .map(|m| {
            let path = m.url.split('#').next().unwrap_or("");
            format!("{}{path}", urls.prefix)
        })
        .collect();
    let statement = urls.page("tilgjengelighet");
    let mut out = Vec::new();
    for (i, page) in reg.pages.iter().enumerate() {
        if page.is_section || !page.section().is_empty() {
            continue;
        }
        let own = urls.page(&page.slug_path);
        let key = format!("page:{i}");
        let linked = linked_from
            .get(own.as_str())
            .is_some_and(|from| from.iter().any(|k| *k != key));
        if linked || menu.contains(&own) || own == statement {
            continue;
        }
        out.push(
            Diagnostic::warning(
                page.source.path.clone(),
                format!("no page links to {own} and no menu item leads to it, so readers cannot find it"),
            )
            .hint(format!(
                "link to it from another page, e.g. `[{}]({own})`, or add it to `menu:` in content/site.yaml",
                page.meta.title.replace(['[', ']'], "")
            )),
        );
    }
    out
}
