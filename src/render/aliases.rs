//! Old addresses (`aliases:` on a page, an initiative or an actor) that keep working after
//! a rename: each gets a small page that sends readers on (a link, a canonical link and an
//! immediate refresh), and `build` writes them as nginx rules that answer 301
//! (`REDIRECTS_FILE`, included by deploy/nginx.conf).
//!
//! Only the current site has them: a frozen version's addresses never change, so it has
//! no old addresses of its own, and the aliases its files carry were those of the current
//! site when it was released.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use serde::Serialize;

use super::job::{origin, Job, Target};
use super::views::Ctx;
use super::Prepared;
use crate::error::Diagnostic;
use crate::model::{Registry, SourceFile};
use crate::output::{Urls, VERSIONS};

/// The nginx rules `build` writes into the output: hidden (nginx answers 404 for files
/// whose name starts with a dot), and left out of the preview, which serves the pages.
pub const REDIRECTS_FILE: &str = ".mandat-redirects.conf";

/// Every alias of the site's records, with the file it is written in, in file order.
fn aliases(reg: &Registry) -> Vec<(&str, &SourceFile, Target)> {
    let mut out = Vec::new();
    for (i, p) in reg.pages.iter().enumerate() {
        out.extend(
            p.meta
                .aliases
                .iter()
                .map(|a| (a.as_str(), &p.source, Target::Page(i))),
        );
    }
    for (id, ini) in &reg.initiatives {
        let target = || Target::Initiative(id.clone());
        out.extend(
            ini.meta
                .aliases
                .iter()
                .map(|a| (a.as_str(), &ini.source, target())),
        );
    }
    for (id, a) in &reg.actors {
        let target = || Target::Actor(id.clone());
        out.extend(a.aliases.iter().map(|x| (x.as_str(), &a.source, target())));
    }
    out
}

/// What is wrong with the form of an alias, if anything: (message, hint).
fn malformed(alias: &str) -> Option<(String, String)> {
    let example = "an old address of this site, starting with `/` and ending with `/`, such as `/gammel/adresse/`";
    if alias.contains("://") || crate::model::url::refused_scheme(alias).is_some() {
        let path = alias
            .split_once("://")
            .and_then(|(_, rest)| rest.find('/').map(|i| &rest[i..]))
            .unwrap_or("/…/");
        return Some((
            format!(
                "`{alias}` is a full address; an alias is the path of an old address on this site"
            ),
            format!("write only the path, such as `{path}`"),
        ));
    }
    if !alias.starts_with('/') {
        return Some((
            format!("`{alias}` does not start with `/`"),
            format!(
                "write the old address from the site's root, such as `/{}`",
                alias.trim_start_matches("./")
            ),
        ));
    }
    if alias.contains(['?', '#']) {
        return Some((
            format!("`{alias}` has a `?` or `#`: an alias is the path alone"),
            format!("write {example}"),
        ));
    }
    let segments: Vec<&str> = alias[1..].split('/').collect();
    let last = segments.len() - 1;
    if segments
        .iter()
        .enumerate()
        .any(|(i, s)| s.is_empty() && i != last)
    {
        return Some((
            format!("`{alias}` has an empty part (`//`)"),
            format!("write {example}"),
        ));
    }
    if let Some(s) = segments.iter().find(|s| s.starts_with('.')) {
        let why = if *s == "." || *s == ".." {
            format!("`{alias}` has `{s}`, which points to another folder")
        } else {
            format!("`{alias}` has a part starting with `.`, which web servers keep hidden")
        };
        return Some((why, format!("write {example}")));
    }
    if let Some(c) = alias
        .chars()
        .find(|c| !(c.is_alphanumeric() || "/-_.~".contains(*c)))
    {
        let hint = if c == '%' {
            "write the address as it reads, with letters such as æ, ø and å as they are, not %-encoded".to_owned()
        } else {
            format!("an alias has letters, digits and `-`, `_`, `.`, `~` between the `/`; write {example}")
        };
        return Some((
            format!("`{alias}` has `{c}`, which an alias cannot have"),
            hint,
        ));
    }
    let html = alias.ends_with(".html") || alias.ends_with(".htm");
    if !alias.ends_with('/') && !html {
        return Some((
            format!("`{alias}` does not end with `/`"),
            format!("write `{alias}/`: the old address `{alias}` then leads on as well"),
        ));
    }
    if alias == "/" {
        return Some((
            "`/` is the home page, not an old address".into(),
            format!("write {example}"),
        ));
    }
    for (reserved, what) in [
        (VERSIONS, "the site's versions"),
        ("/__mandat/", "the preview"),
    ] {
        if alias.starts_with(reserved) {
            return Some((
                format!("`{alias}` is below {reserved}, where addresses are kept for {what}"),
                format!("write {example}"),
            ));
        }
    }
    None
}

/// Adds every alias of the current site to `plan` (after every other output, so that a
/// collision is always the alias's fault), or an error at the alias.
pub(super) fn plan(
    reg: &Registry,
    urls: &Urls,
    plan: &mut BTreeMap<String, Job>,
    files: &mut rustc_hash::FxHashMap<PathBuf, String>,
    errors: &mut Vec<Diagnostic>,
) {
    if !urls.prefix.is_empty() {
        return;
    }
    // Where each alias was given, located in its file only for the error that names it:
    // locating reads the file, which a build has let go (`load`), and most sites' aliases
    // are each given once.
    let mut given: BTreeMap<&str, &SourceFile> = BTreeMap::new();
    for (alias, src, target) in aliases(reg) {
        let at =
            |message: String, hint: String| src.error_at(&["aliases:"], alias, message).hint(hint);
        if let Some((message, hint)) = malformed(alias) {
            errors.push(at(message, hint));
            continue;
        }
        let file = crate::output::file_for(Path::new(""), alias);
        if let Some(first) = given.get(alias) {
            let first = first.locate(&["aliases:"], alias).map_or_else(
                || first.path.clone(),
                |(l, c, _)| format!("{}:{l}:{c}", first.path),
            );
            errors.push(at(
                format!("the old address {alias} is given twice: here and at {first}"),
                "an old address leads to one page: remove one of them".into(),
            ));
            continue;
        }
        if let Some(job) = files.get(&file).and_then(|p| plan.get(p)) {
            let (what, is_file) = origin(reg, job);
            let own = target.path(reg, urls);
            let message = if files.get(&file) == Some(&own) {
                format!("the old address {alias} is this page's own address")
            } else if is_file {
                format!("the old address {alias} is the address of {what}")
            } else {
                format!("the old address {alias} is the address of {what}, which mandat makes")
            };
            errors.push(at(
                message,
                "remove it from `aliases:`: an old address must be one that no page of the site has now".into(),
            ));
            continue;
        }
        given.insert(alias, src);
        files.insert(file, alias.to_owned());
        plan.insert(alias.to_owned(), Job::Redirect(target));
    }
}

/// A link in a body to an old address: the page it leads to now.
pub(super) fn moved_to(p: &Prepared, site_path: &str) -> Option<String> {
    match p.plan.get(site_path)? {
        Job::Redirect(t) => Some(t.path(p.reg, &p.urls)),
        _ => None,
    }
}

/// What the redirect page's template gets (docs/themes.md, `redirect.html`).
#[derive(Serialize)]
struct RedirectView<'a> {
    lang: &'static str,
    site: &'a str,
    /// The title of the page the old address leads to.
    title: String,
    /// Its address, as a link.
    href: String,
    /// Its full address where the site has a `base_url`, else `href`.
    canonical: String,
    t: &'a BTreeMap<String, String>,
    assets: BTreeMap<&'a str, String>,
}

/// Renders the page at an old address into `out`.
pub(super) fn render(
    p: &Prepared,
    ctx: &Ctx,
    target: &Target,
    extra: &serde_json::Value,
    out: &mut Vec<u8>,
) -> Result<(), Diagnostic> {
    let reg = p.reg;
    let (title, lang) = target.title(reg);
    let href = ctx.href(&target.path(reg, &p.urls));
    let empty = BTreeMap::new();
    let view = RedirectView {
        lang: lang.code(),
        site: &reg.config.title,
        title,
        canonical: if reg.config.origin.is_empty() {
            href.clone()
        } else {
            reg.config.absolute(&href)
        },
        href,
        t: p.theme.strings.get(&lang).unwrap_or(&empty),
        assets: p
            .theme
            .assets
            .iter()
            .map(|(k, v)| (k.as_str(), ctx.href(v)))
            .collect(),
    };
    let mut context = tera::Context::from_serialize(&view)
        .map_err(|e| Diagnostic::error("redirect.html", e.to_string()))?;
    if let serde_json::Value::Object(extra) = extra {
        for (key, value) in extra {
            context.insert(key.clone(), value);
        }
    }
    out.clear();
    p.theme
        .tera
        .render_to("redirect.html", &context, out)
        .map_err(|e| p.theme.render_error("redirect.html", &e))
}

/// The nginx rules for the current site's old addresses: each answers 301 with the
/// address of the page, also without its last `/`.
pub fn nginx(p: &Prepared) -> String {
    let mut out = String::from(
        "# Written by `mandat build`: the site's old addresses (`aliases:`), each answered\n\
         # with 301 and the page's address. Included by deploy/nginx.conf; replaced by\n\
         # every build (reload nginx to apply it).\n",
    );
    let quote = |s: &str| format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""));
    for (path, job) in &p.plan {
        let Job::Redirect(target) = job else { continue };
        let to = quote(&p.urls.href(&target.path(p.reg, &p.urls)));
        let from = p.urls.href(path);
        let _ = writeln!(out, "location = {} {{ return 301 {to}; }}", quote(&from));
        if let Some(bare) = from.strip_suffix('/').filter(|b| !b.is_empty()) {
            let _ = writeln!(out, "location = {} {{ return 301 {to}; }}", quote(bare));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aliases_are_paths_of_this_site() {
        for ok in [
            "/gammel/",
            "/om-oss/kontakt/",
            "/side.html",
            "/nyheter/2019/tillit/",
            "/barnevernsløftet/",
        ] {
            assert_eq!(malformed(ok), None, "{ok}");
        }
        for (bad, says) in [
            ("https://ks.no/gammel/", "is a full address"),
            ("gammel/", "does not start with `/`"),
            ("/a/../b/", "has `..`"),
            ("/a//b/", "empty part"),
            ("/gammel", "does not end with `/`"),
            ("/side?id=3", "`?` or `#`"),
            ("/om%20oss/", "has `%`"),
            ("/om oss/", "has ` `"),
            ("/.git/", "starting with `.`"),
            ("/v/2020/", "versions"),
            ("/__mandat/x/", "preview"),
            ("/", "home page"),
            ("javascript:alert(1)", "full address"),
        ] {
            let (message, _) = malformed(bad).unwrap_or_else(|| panic!("{bad} is refused"));
            assert!(message.contains(says), "{bad}: {message}");
        }
    }
}
