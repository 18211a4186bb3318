//! The timeline: every event by year, with links to the filter pages per initiative
//! and per actor, and to the calendar file.

use serde::Serialize;

use crate::model::Actor;
use crate::render::views::{Ctx, YearView};
use crate::render::Prepared;

use super::{Link, View};

#[derive(Serialize)]
struct Timeline<'a> {
    title: String,
    events_by_year: Vec<YearView<'a>>,
    filter_initiatives: Vec<Link<'a>>,
    filter_actors: Vec<Link<'a>>,
    calendar_href: String,
}

pub fn view<'a>(p: &'a Prepared, ctx: &Ctx<'a>) -> View {
    let reg = p.reg;
    let lang = reg.config.lang;
    let filter_initiatives = p
        .initiatives_by_start()
        .map(|i| Link {
            title: i.short_title().into(),
            href: ctx.href(&p.urls.timeline_of(&i.id)),
        })
        .collect();
    let mut actors: Vec<&Actor> = reg
        .actors
        .values()
        .filter(|a| reg.events_of_actor(&a.id).next().is_some())
        .collect();
    actors.sort_by(|a, b| a.current().name.cmp(&b.current().name));
    let filter_actors = actors
        .iter()
        .map(|a| Link {
            title: ctx
                .names_then(a, reg.events_of_actor(&a.id).map(|e| &e.date), lang)
                .into(),
            href: ctx.href(&p.urls.timeline_of_actor(&a.id)),
        })
        .collect();
    View::of(
        "timeline.html",
        lang,
        Timeline {
            title: ctx.t(lang, "timeline.title"),
            events_by_year: ctx.events_by_year(reg.events.iter(), lang),
            filter_initiatives,
            filter_actors,
            calendar_href: ctx.href(&p.urls.calendar()),
        },
    )
}
