//! The timeline: every event by year, with links to the filter pages per initiative
//! and per actor, and to the calendar file.

use serde::Serialize;

use crate::model::Actor;
use crate::render::paging::{self, Pager};
use crate::render::views::{Ctx, YearView};
use crate::render::Prepared;

use super::{Link, View};

#[derive(Serialize)]
struct Timeline<'a> {
    title: String,
    events_by_year: Vec<YearView<'a>>,
    filter_initiatives: Vec<Link<'a>>,
    filter_actors: Vec<Link<'a>>,
    /// Where the whole lists are, when there are too many to list here.
    filter_initiatives_href: Option<String>,
    filter_actors_href: Option<String>,
    calendar_href: String,
    pager: Option<Pager>,
    /// When the timeline runs over several pages: each year, linking to where it starts.
    years: Vec<Link<'a>>,
}

/// The most filters of a kind the timeline lists; past that, it links to the list of
/// initiatives or actors, whose pages link to their timelines.
const FILTERS_MAX: usize = 100;

/// The events of page `number` of the timeline `first`, grouped by year, and the pager.
pub fn page_of<'a>(
    ctx: &Ctx<'a>,
    lang: crate::model::Lang,
    first: &str,
    events: &[&'a crate::model::Event],
    number: usize,
) -> (Vec<YearView<'a>>, Option<Pager>) {
    let size = ctx.reg.config.page_size;
    let total = paging::count(events.len(), size);
    let shown = paging::slice(events, number, size);
    (
        ctx.events_by_year(shown.iter().copied(), lang),
        paging::pager(ctx, lang, first, number, total),
    )
}

pub fn view<'a>(p: &'a Prepared, ctx: &Ctx<'a>, number: usize) -> View {
    let reg = p.reg;
    let lang = reg.config.lang;
    let first = number == 1;
    let many_initiatives = reg.initiatives.len() > FILTERS_MAX;
    let filter_initiatives = p
        .initiatives_by_start()
        .map(|i| Link {
            title: i.short_title().into(),
            href: ctx.href(&p.urls.timeline_of(&i.id)),
        })
        .filter(|_| first && !many_initiatives)
        .collect();
    let mut actors: Vec<&Actor> = reg
        .actors
        .values()
        .filter(|a| reg.events_of_actor(&a.id).next().is_some())
        .collect();
    actors.sort_by(|a, b| a.current().name.cmp(&b.current().name));
    let many_actors = actors.len() > FILTERS_MAX;
    if !first || many_actors {
        actors.clear();
    }
    let filter_actors = actors
        .iter()
        .map(|a| Link {
            title: ctx
                .names_then(a, reg.events_of_actor(&a.id).map(|e| &e.date), lang)
                .into(),
            href: ctx.href(&p.urls.timeline_of_actor(&a.id)),
        })
        .collect();
    let all: Vec<&crate::model::Event> = reg.events.iter().collect();
    let (events_by_year, pager) = page_of(ctx, lang, &p.urls.timeline(), &all, number);
    let size = reg.config.page_size;
    let mut years: Vec<Link> = Vec::new();
    if pager.is_some() {
        for (i, e) in all.iter().enumerate() {
            if i == 0 || all[i - 1].date.year != e.date.year {
                let page = paging::path(&p.urls.timeline(), i / size.max(1) + 1);
                years.push(Link {
                    title: e.date.year.to_string().into(),
                    href: format!("{}#y{}", ctx.href(&page), e.date.year),
                });
            }
        }
    }
    let total = paging::count(all.len(), size);
    View::of(
        "timeline.html",
        lang,
        Timeline {
            title: paging::title(ctx, lang, ctx.t(lang, "timeline.title"), number, total),
            events_by_year,
            filter_initiatives,
            filter_actors,
            filter_initiatives_href: (first && many_initiatives)
                .then(|| ctx.href(&p.urls.initiatives())),
            filter_actors_href: (first && many_actors).then(|| ctx.href(&p.urls.actors())),
            calendar_href: ctx.href(&p.urls.calendar()),
            pager,
            years,
        },
    )
}
