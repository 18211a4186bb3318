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

/// The publisher in site.yaml names an actor, checked like every reference (an error,
/// for `build` as for `check`).
pub fn publisher(prepared: &Prepared) -> Option<Diagnostic> {
    let reg = prepared.reg;
    let id = reg.config.public.publisher.as_deref()?;
    if reg.actors.contains_key(id) || reg.broken.contains(&format!("actors/{id}.yaml")) {
        return None;
    }
    let d = reg
        .config
        .source
        .error_at(&["publisher:"], id, format!("unknown actor `{id}`"));
    Some(
        match crate::error::did_you_mean(id, reg.actors.keys().map(String::as_str)) {
            Some(s) => d.hint(format!("did you mean `{s}`?")),
            None => d.hint(format!(
                "write the id of an actor in content/actors/ (the file name without .yaml), or create content/actors/{id}.yaml"
            )),
        },
    )
}

/// A public site names where readers write to: a warning when site.yaml has no
/// `contact`, or still the placeholder the default site ships with.
pub fn contact(prepared: &Prepared) -> Option<Diagnostic> {
    let config = &prepared.reg.config;
    match &config.public.contact {
        None => Some(
            Diagnostic::warning(
                config.source.path.clone(),
                "the site has no contact address: the footer and the accessibility statement cannot say where to write",
            )
            .hint("add `contact:` with an e-mail address (`contact: postmottak@bfd.dep.no`) or a web address"),
        ),
        Some(c) if c.placeholder => {
            let mut d = config
                .source
                .error_at(&["contact:"], &c.written, "the contact address is a placeholder, not a real address")
                .hint("write the address readers should use, once the body that publishes the site has given it");
            d.severity = crate::error::Severity::Warning;
            Some(d)
        }
        Some(_) => None,
    }
}
