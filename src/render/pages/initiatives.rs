//! The list of initiatives, an initiative's page, and its timeline (a filter page).

use serde::Serialize;

use crate::error::Diagnostic;
use crate::model::Initiative;
use crate::render::views::{Ctx, InitiativeSummary, InitiativeView};
use crate::render::Prepared;

use super::{embeds, Filter, View};

#[derive(Serialize)]
struct List<'a> {
    title: String,
    initiatives: Vec<InitiativeSummary<'a>>,
}

/// The timeline of one initiative: its page's view, titled as a timeline.
#[derive(Serialize)]
struct Timeline<'a> {
    #[serde(flatten)]
    initiative: InitiativeView<'a>,
    filter: Filter<'a>,
    title: String,
    initiative_title: &'a str,
    pager: Option<crate::render::paging::Pager>,
}

pub fn list<'a>(p: &'a Prepared, ctx: &Ctx<'a>) -> View {
    let lang = p.reg.config.lang;
    let initiatives = p
        .initiatives_by_start()
        .map(|i| ctx.initiative_summary(i, lang))
        .collect();
    View::of(
        "initiatives.html",
        lang,
        List {
            title: ctx.t(lang, "initiatives.title"),
            initiatives,
        },
    )
}

fn find<'a>(p: &'a Prepared, path: &str, id: &str) -> Result<&'a Initiative, Diagnostic> {
    p.reg
        .initiatives
        .get(id)
        .ok_or_else(|| Diagnostic::error(path, "unknown initiative"))
}

pub fn one<'a>(p: &'a Prepared, ctx: &Ctx<'a>, path: &str, id: &str) -> Result<View, Diagnostic> {
    let ini = find(p, path, id)?;
    let reserved = crate::render::plan::initiative_ids(ini);
    let body = embeds::expand(p, ctx, &format!("initiative:{id}"), ini.lang, &reserved)?;
    let mut view = ctx.initiative(ini, ini.lang);
    view.body_html = &body;
    Ok(View::of("initiative.html", ini.lang, view))
}

pub fn timeline<'a>(
    p: &'a Prepared,
    ctx: &Ctx<'a>,
    path: &str,
    id: &str,
    number: usize,
) -> Result<View, Diagnostic> {
    let ini = find(p, path, id)?;
    let lang = ini.lang;
    let events: Vec<_> = p.reg.events_of_initiative(id).collect();
    let first = p.urls.timeline_of(id);
    let (events_by_year, pager) = super::timeline::page_of(ctx, lang, &first, &events, number);
    let mut initiative = ctx.initiative(ini, lang);
    initiative.events_by_year = events_by_year;
    let total = crate::render::paging::count(events.len(), p.reg.config.page_size);
    let title = format!("{}: {}", ctx.t(lang, "timeline.title"), ini.short_title());
    Ok(View::of(
        "timeline.html",
        lang,
        Timeline {
            initiative,
            filter: Filter {
                kind: "initiative",
                title: &ini.meta.title,
                href: ctx.href(&p.urls.initiative(id)),
            },
            title: crate::render::paging::title(ctx, lang, title, number, total),
            initiative_title: &ini.meta.title,
            pager,
        },
    ))
}
