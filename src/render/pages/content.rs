//! Fact pages and articles, and the section pages of their folders.

use std::borrow::Cow;

use serde::Serialize;

use crate::error::Diagnostic;

use crate::model::Lang;
use crate::render::job::Job;
use crate::render::paging::{self, Pager};
use crate::render::views::{Ctx, DateView, InitiativeRef, PageSummary, SourceView, TagView};
use crate::render::Prepared;

use super::{embeds, View};

#[derive(Serialize)]
struct PageView<'a> {
    title: &'a str,
    summary: &'a Option<String>,
    date: Option<DateView>,
    updated: Option<DateView>,
    author: &'a Option<String>,
    tags: Vec<TagView<'a>>,
    initiatives: Vec<InitiativeRef<'a>>,
    section: Option<SectionRef>,
    body_html: Cow<'a, str>,
    source: Option<SourceView<'a>>,
}

/// The section a page is in, for its breadcrumb.
#[derive(Serialize)]
struct SectionRef {
    title: String,
    href: String,
    lang: &'static str,
    other_lang: bool,
}

#[derive(Serialize)]
struct Section<'a> {
    title: String,
    summary: Option<&'a str>,
    body_html: Option<Cow<'a, str>>,
    pages: Vec<PageSummary<'a>>,
    subsections: Vec<Subsection>,
    /// The navigation between the list's pages, when it has more than one.
    pager: Option<Pager>,
}

#[derive(Serialize)]
struct Subsection {
    title: String,
    href: String,
}

pub fn page<'a>(p: &'a Prepared, ctx: &Ctx<'a>, i: usize) -> Result<View, Diagnostic> {
    let page = &p.reg.pages[i];
    let lang = page.lang;
    let m = &page.meta;
    Ok(View::of(
        "page.html",
        lang,
        PageView {
            title: &m.title,
            summary: &m.summary,
            date: ctx.opt_date(m.date.as_ref(), None, lang),
            updated: ctx.opt_date(m.updated.as_ref(), None, lang),
            author: &m.author,
            tags: ctx.tags(&m.tags, lang),
            initiatives: m
                .initiatives
                .iter()
                .map(|id| ctx.initiative_ref(id, lang))
                .collect(),
            section: section_of(p, ctx, page.section(), lang),
            body_html: embeds::expand(p, ctx, &format!("page:{i}"), lang, &[])?,
            source: m
                .source
                .as_ref()
                .map(|s| ctx.source(s, m.date.as_ref(), lang)),
        },
    ))
}

/// Page `number` of a section: its pages, and on the first page its `_index.md` and
/// its subsections.
pub fn section<'a>(
    p: &'a Prepared,
    ctx: &Ctx<'a>,
    slug_path: &str,
    index: Option<usize>,
    number: usize,
) -> Result<View, Diagnostic> {
    let reg = p.reg;
    let lang = index.map_or(reg.config.lang, |i| reg.pages[i].lang);
    let size = reg.config.page_size;
    let all = p.lists().section(slug_path);
    let total = paging::count(all.len(), size);
    let pages = paging::slice(all, number, size)
        .iter()
        .map(|&i| ctx.page_summary(&reg.pages[i], lang))
        .collect();
    let first = number == 1;
    // The subsections are on the first page only: the plan is scanned for that page.
    let plan = if first { Some(&p.plan) } else { None };
    let subsections = plan
        .into_iter()
        .flat_map(|plan| plan.values())
        .filter_map(|j| match j {
            Job::Section(s, idx)
                if s.rsplit_once('/').map_or("", |(parent, _)| parent) == slug_path
                    && s != slug_path =>
            {
                Some(Subsection {
                    title: section_title(p, s, *idx),
                    href: ctx.href(&p.urls.page(s)),
                })
            }
            _ => None,
        })
        .collect();
    let body_html = match index.filter(|_| first) {
        Some(i) => Some(embeds::expand(p, ctx, &format!("page:{i}"), lang, &[])?),
        None => None,
    };
    let title = section_title(p, slug_path, index);
    Ok(View::of(
        "section.html",
        lang,
        Section {
            title: paging::title(ctx, lang, title, number, total),
            summary: index.and_then(|i| reg.pages[i].meta.summary.as_deref()),
            body_html,
            pages,
            subsections,
            pager: paging::pager(ctx, lang, &p.urls.page(slug_path), number, total),
        },
    ))
}

/// A section's title: its `_index.md`'s, or the folder's name.
pub fn section_title(p: &Prepared, slug_path: &str, index: Option<usize>) -> String {
    index.map_or_else(
        || title_from_folder(slug_path),
        |i| p.reg.pages[i].meta.title.clone(),
    )
}

fn section_of(p: &Prepared, ctx: &Ctx, section: &str, lang: Lang) -> Option<SectionRef> {
    if section.is_empty() {
        return None;
    }
    // The plan already knows each section's `_index.md`: no scan of every page per page.
    let idx = match p.plan.get(&p.urls.page(section)) {
        Some(Job::Section(_, idx)) => *idx,
        _ => None,
    };
    let own = idx.map_or(p.reg.config.lang, |i| p.reg.pages[i].lang);
    Some(SectionRef {
        title: section_title(p, section, idx),
        href: ctx.href(&p.urls.page(section)),
        lang: own.code(),
        other_lang: own != lang,
    })
}

/// `artikler` to `Artikler`, for a folder without an `_index.md`.
fn title_from_folder(slug_path: &str) -> String {
    let last = slug_path
        .rsplit('/')
        .next()
        .unwrap_or(slug_path)
        .replace(['-', '_'], " ");
    let mut c = last.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}
