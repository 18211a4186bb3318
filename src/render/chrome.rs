//! What a public body's pages show around their content: the publisher, contact, brand
//! and logo (the same on every page), and each page's breadcrumbs, "last updated" date,
//! list of its sections ("On this page") and print link. Templates read them as
//! `public` and `chrome` (docs/themes.md).

use std::path::PathBuf;

use serde::Serialize;

use super::job::Job;
use super::views::{Ctx, DateView};
use super::Prepared;
use crate::config::Config;
use crate::model::Lang;

/// Where the brand and logo files are published, below the site root.
const BRAND_DIR: &str = "/brand/";

/// A page lists its sections when it has at least this many.
const TOC_MIN: usize = 3;

#[derive(Serialize)]
pub struct Link {
    pub title: String,
    pub href: String,
}

/// What every page of a site shows the same way (`public` in templates).
#[derive(Serialize)]
pub struct SiteChrome {
    /// The body that publishes the site, linking to its actor page.
    publisher: Option<Link>,
    contact: Option<ContactView>,
    /// The stylesheet of brand tokens, linked after the theme's.
    brand: Option<String>,
    logo: Option<LogoView>,
}

#[derive(Serialize)]
struct ContactView {
    text: String,
    href: String,
}

#[derive(Serialize)]
struct LogoView {
    src: String,
    alt: String,
}

/// The site paths the brand and logo files are published at, and the files.
pub fn brand_files(config: &Config) -> Vec<(String, PathBuf)> {
    let site_dir = &config.root;
    let public = &config.public;
    let logo = public.logo.as_ref().map(|(file, _)| file);
    public
        .brand
        .iter()
        .chain(logo)
        .filter_map(|file| {
            let name = file.rsplit(['/', '\\']).next()?;
            Some((format!("{BRAND_DIR}{name}"), site_dir.join(file)))
        })
        .collect()
}

fn published_at(file: &str) -> String {
    format!(
        "{BRAND_DIR}{}",
        file.rsplit(['/', '\\']).next().unwrap_or(file)
    )
}

/// The publisher, contact, brand and logo of the site `p`, as its site.yaml names them
/// (the current site publishes the files; a frozen version links to them).
pub fn site(p: &Prepared, ctx: &Ctx) -> SiteChrome {
    let public = &p.reg.config.public;
    let publisher = public.publisher.as_deref().and_then(|id| {
        let a = p.reg.actors.get(id)?;
        Some(Link {
            title: a.name_at(p.reg.config.as_of.as_ref()).name.clone(),
            href: ctx.href(&p.urls.actor(id)),
        })
    });
    let contact = public.contact.as_ref().map(|c| ContactView {
        text: c.written.clone(),
        href: c.href.clone(),
    });
    let root = |site_path: String| format!("{}{site_path}", p.reg.config.base_path);
    SiteChrome {
        publisher,
        contact,
        brand: public.brand.as_deref().map(|b| root(published_at(b))),
        logo: public.logo.as_ref().map(|(file, alt)| LogoView {
            src: root(published_at(file)),
            alt: alt.clone(),
        }),
    }
}

/// What one page shows around its content (`chrome` in templates).
#[derive(Serialize, Default)]
pub struct PageChrome {
    /// From the home page down to the page's parent; the page itself is `current`.
    crumbs: Vec<Link>,
    current: Option<String>,
    /// When the page or record was last updated: its `updated`, else its date.
    updated: Option<DateView>,
    /// The page's sections, when it has at least three.
    toc: Vec<Link>,
    /// Whether the page offers a print link (pages about something, not lists).
    print: bool,
    /// Where to edit the file the page is made from (site.yaml `edit_url`): pages of the
    /// current site made from one file; lists and frozen versions have none.
    edit: Option<String>,
}

/// The breadcrumbs, date, sections and print link of the output `job`, whose view is `page`.
pub fn page(p: &Prepared, ctx: &Ctx, job: &Job, lang: Lang, page: &tera::Value) -> PageChrome {
    let reg = p.reg;
    let urls = &p.urls;
    let link = |title: String, path: &str| Link {
        title,
        href: ctx.href(path),
    };
    let home = || link(ctx.t(lang, "crumbs_home"), &urls.home());
    let title = page
        .get_from_path("title")
        .or_else(|| page.get_from_path("name"))
        .and_then(tera::Value::as_str)
        .map(str::to_owned);
    let mut c = PageChrome {
        current: title,
        ..PageChrome::default()
    };
    match job {
        Job::Home | Job::Search | Job::NotFound => c.current = None,
        Job::Page(i) | Job::Section(_, Some(i)) => {
            c.crumbs.push(home());
            let page_rec = &reg.pages[*i];
            let mut sections: Vec<&str> = Vec::new();
            let mut path = page_rec.section();
            while !path.is_empty() {
                sections.push(path);
                path = path.rsplit_once('/').map_or("", |(parent, _)| parent);
            }
            for s in sections.into_iter().rev() {
                // The section's `_index.md`, through the plan: a scan of every page
                // here would cost each page the whole site.
                let title = match p.plan.get(&urls.page(s)) {
                    Some(Job::Section(_, Some(q))) => reg.pages.get(*q),
                    _ => None,
                }
                .map_or_else(
                    || s.rsplit('/').next().unwrap_or(s).to_owned(),
                    |q| q.meta.title.clone(),
                );
                c.crumbs.push(link(title, &urls.page(s)));
            }
            c.updated = page_rec
                .meta
                .updated
                .as_ref()
                .or(page_rec.meta.date.as_ref())
                .map(|d| ctx.date(d, None, lang));
            if let Some(body) = p.bodies.get(&format!("page:{i}")) {
                c.toc = body
                    .headings
                    .iter()
                    .filter(|(level, ..)| *level == 2)
                    .map(|(_, text, id)| Link {
                        title: text.clone(),
                        href: format!("#{id}"),
                    })
                    .collect();
            }
            c.print = !page_rec.is_section;
        }
        Job::Section(..) => c.crumbs.push(home()),
        Job::Initiative(id) => {
            c.crumbs.push(home());
            c.crumbs
                .push(link(ctx.t(lang, "initiatives.title"), &urls.initiatives()));
            if let Some(ini) = reg.initiatives.get(id) {
                // Only `updated`: the source document's date is not when the record
                // was last brought up to date.
                c.updated = ini.meta.updated.as_ref().map(|d| ctx.date(d, None, lang));
            }
            c.toc = initiative_sections(p, ctx, id, lang, page);
            c.print = true;
        }
        Job::Actor(_) => {
            c.crumbs.push(home());
            c.crumbs
                .push(link(ctx.t(lang, "actors.title"), &urls.actors()));
            c.print = true;
        }
        Job::InitiativeTimeline(_) | Job::ActorTimeline(_) => {
            c.crumbs.push(home());
            c.crumbs
                .push(link(ctx.t(lang, "timeline.title"), &urls.timeline()));
        }
        Job::Tag(_) => {
            c.crumbs.push(home());
            c.crumbs.push(link(ctx.t(lang, "tags.title"), &urls.tags()));
        }
        Job::Changes => {
            c.crumbs.push(home());
            c.toc = page
                .get_from_path("groups")
                .and_then(tera::Value::as_array)
                .map(|groups| {
                    groups
                        .iter()
                        .filter_map(|g| {
                            Some(Link {
                                title: g.get_from_path("title")?.as_str()?.to_owned(),
                                href: format!("#h-{}", g.get_from_path("kind")?.as_str()?),
                            })
                        })
                        .collect()
                })
                .unwrap_or_default();
        }
        _ => c.crumbs.push(home()),
    }
    if c.toc.len() < TOC_MIN {
        c.toc.clear();
    }
    c.edit = edit_link(p, job);
    c
}

/// `edit_url` + the path from the site folder of the file `job` is made from.
fn edit_link(p: &Prepared, job: &Job) -> Option<String> {
    let reg = p.reg;
    let base = reg.config.edit_url.as_deref()?;
    if !p.urls.prefix.is_empty() {
        return None;
    }
    let file = match job {
        Job::Page(i) | Job::Section(_, Some(i)) => &reg.pages.get(*i)?.source,
        Job::Home => &reg.pages.get(reg.home_page()?)?.source,
        Job::Initiative(id) => &reg.initiatives.get(id)?.source,
        Job::Actor(id) => &reg.actors.get(id)?.source,
        _ => return None,
    };
    Some(format!("{base}{}", file.path))
}

/// The sections of an initiative's page, in the order the template shows them: the
/// facts, the body's own headings, then the lists it has.
fn initiative_sections(
    p: &Prepared,
    ctx: &Ctx,
    id: &str,
    lang: Lang,
    page: &tera::Value,
) -> Vec<Link> {
    let entry = |key: &str, anchor: &str| Link {
        title: ctx.t(lang, key),
        href: format!("#{anchor}"),
    };
    // Present, and not empty where a list.
    let has = |key: &str| {
        page.get_from_path(key)
            .is_some_and(|v| !v.is_none() && v.as_array().is_none_or(|a| !a.is_empty()))
    };
    let mut toc = vec![entry("facts", "fakta")];
    if let Some(body) = p.bodies.get(&format!("initiative:{id}")) {
        toc.extend(body.headings.iter().filter(|(level, ..)| *level == 2).map(
            |(_, text, anchor)| Link {
                title: text.clone(),
                href: format!("#{anchor}"),
            },
        ));
    }
    for (key, string, anchor) in [
        ("relations", "relations", "relasjoner"),
        ("topics", "topics", "temaer"),
        ("roles", "roles_heading", "roller"),
        ("measures", "measures", "tiltak"),
    ] {
        if has(key) {
            toc.push(entry(string, anchor));
        }
    }
    toc.push(entry("events", "tidslinje"));
    if has("pages") {
        toc.push(entry("pages_about", "sider"));
    }
    toc
}
