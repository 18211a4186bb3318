//! The list of actors by kind, an actor's page, and its timeline (a filter page).

use std::collections::BTreeMap;

use serde::Serialize;

use crate::error::Diagnostic;
use crate::model::Actor;
use crate::render::views::{ActorRef, ActorView, Ctx};
use crate::render::Prepared;

use super::{Filter, View};

#[derive(Serialize)]
struct List<'a> {
    title: String,
    groups: Vec<Group<'a>>,
}

/// The actors of one kind, by name.
#[derive(Serialize)]
struct Group<'a> {
    label: String,
    actors: Vec<ActorRef<'a>>,
}

/// The timeline of one actor: its page's view, titled as a timeline.
#[derive(Serialize)]
struct Timeline<'a> {
    #[serde(flatten)]
    actor: ActorView<'a>,
    filter: Filter<'a>,
    title: String,
    pager: Option<crate::render::paging::Pager>,
}

pub fn list<'a>(p: &'a Prepared, ctx: &Ctx<'a>) -> View {
    let lang = p.reg.config.lang;
    let mut groups: BTreeMap<String, Vec<ActorRef>> = BTreeMap::new();
    for a in p.reg.actors.values() {
        groups
            .entry(ctx.t(lang, &format!("kind.{}", a.kind.key())))
            .or_default()
            .push(ctx.actor_ref(&a.id, None, lang));
    }
    let groups = groups
        .into_iter()
        .map(|(label, mut actors)| {
            actors.sort_by(|a, b| a.name().cmp(b.name()));
            Group { label, actors }
        })
        .collect();
    View::of(
        "actors.html",
        lang,
        List {
            title: ctx.t(lang, "actors.title"),
            groups,
        },
    )
}

fn find<'a>(p: &'a Prepared, path: &str, id: &str) -> Result<&'a Actor, Diagnostic> {
    p.reg
        .actors
        .get(id)
        .ok_or_else(|| Diagnostic::error(path, "unknown actor"))
}

pub fn one<'a>(p: &'a Prepared, ctx: &Ctx<'a>, path: &str, id: &str) -> Result<View, Diagnostic> {
    let lang = p.reg.config.lang;
    let a = find(p, path, id)?;
    Ok(View::of("actor.html", lang, ctx.actor(a, lang)))
}

pub fn timeline<'a>(
    p: &'a Prepared,
    ctx: &Ctx<'a>,
    path: &str,
    id: &str,
    number: usize,
) -> Result<View, Diagnostic> {
    let lang = p.reg.config.lang;
    let a = find(p, path, id)?;
    let name = &a.current().name;
    let events: Vec<_> = p.reg.events_of_actor(id).collect();
    let first = p.urls.timeline_of_actor(id);
    let (events_by_year, pager) = super::timeline::page_of(ctx, lang, &first, &events, number);
    let mut actor = ctx.actor(a, lang);
    actor.events_by_year = events_by_year;
    let total = crate::render::paging::count(events.len(), p.reg.config.page_size);
    let title = format!("{}: {name}", ctx.t(lang, "timeline.title"));
    Ok(View::of(
        "timeline.html",
        lang,
        Timeline {
            actor,
            filter: Filter {
                kind: "actor",
                title: name,
                href: ctx.href(&p.urls.actor(id)),
            },
            title: crate::render::paging::title(ctx, lang, title, number, total),
            pager,
        },
    ))
}
