//! The list of tags and each tag's page: the pages and initiatives that carry it.

use serde::Serialize;

use crate::model::Initiative;
use crate::render::paging::{self, Pager};
use crate::render::views::{Ctx, InitiativeSummary, PageSummary};
use crate::render::Prepared;

use super::View;

#[derive(Serialize)]
struct List<'a> {
    title: String,
    tags: Vec<TagCount<'a>>,
}

#[derive(Serialize)]
struct TagCount<'a> {
    name: &'a str,
    count: usize,
    href: String,
}

#[derive(Serialize)]
struct Tag<'a> {
    title: String,
    tag: &'a str,
    pages: Vec<PageSummary<'a>>,
    initiatives: Vec<InitiativeSummary<'a>>,
    pager: Option<Pager>,
}

pub fn list<'a>(p: &'a Prepared, ctx: &Ctx<'a>) -> View {
    let lang = p.reg.config.lang;
    let tags = p
        .tags
        .iter()
        .map(|(slug, (name, pages))| TagCount {
            name,
            count: pages.len() + p.tag_initiatives.get(slug).map_or(0, Vec::len),
            href: ctx.href(&format!("{}{slug}/", p.urls.tags())),
        })
        .collect();
    View::of(
        "tags.html",
        lang,
        List {
            title: ctx.t(lang, "tags.title"),
            tags,
        },
    )
}

/// Page `number` of a tag: its initiatives, then its pages, `page_size` in all a page.
pub fn one<'a>(p: &'a Prepared, ctx: &Ctx<'a>, slug: &str, number: usize) -> View {
    let lang = p.reg.config.lang;
    let name = p.tags.get(slug).map_or("", |(name, _)| name.as_str());
    let sorted = p.lists().tag(slug);
    let carriers = p.tag_initiatives.get(slug);
    let initiatives: Vec<&Initiative> = p
        .initiatives_by_start()
        .filter(|i| carriers.is_some_and(|ids| ids.contains(&i.id)))
        .collect();
    // One list over the pages: the initiatives first, then the pages.
    let size = p.reg.config.page_size;
    let len = initiatives.len() + sorted.len();
    let total = paging::count(len, size);
    let from = number.saturating_sub(1).saturating_mul(size).min(len);
    let to = (from + size).min(len);
    let split = initiatives.len();
    let initiatives = &initiatives[from.min(split)..to.min(split)];
    let list = &sorted[from.max(split) - split..to.max(split) - split];
    let title = format!("{}: {name}", ctx.t(lang, "tags.one"));
    View::of(
        "tag.html",
        lang,
        Tag {
            title: paging::title(ctx, lang, title, number, total),
            tag: name,
            pages: list
                .iter()
                .map(|&i| ctx.page_summary(&p.reg.pages[i], lang))
                .collect(),
            initiatives: initiatives
                .iter()
                .map(|i| ctx.initiative_summary(i, lang))
                .collect(),
            pager: paging::pager(
                ctx,
                lang,
                &format!("{}{slug}/", p.urls.tags()),
                number,
                total,
            ),
        },
    )
}
