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
) -> Result<View, Diagnostic> {
    let ini = find(p, path, id)?;
    let lang = ini.lang;
    Ok(View::of(
        "timeline.html",
        lang,
        Timeline {
            initiative: ctx.initiative(ini, lang),
            filter: Filter {
                kind: "initiative",
                title: &ini.meta.title,
                href: ctx.href(&p.urls.initiative(id)),
            },
            title: format!("{}: {}", ctx.t(lang, "timeline.title"), ini.short_title()),
            initiative_title: &ini.meta.title,
        },
    ))
}
