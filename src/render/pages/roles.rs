//! The roles matrix: actors by initiatives, each cell the actor's role there, linking
//! to its tasks on the initiative's page.

use serde::Serialize;

use crate::model::{Actor, Initiative};
use crate::render::views::{role_anchor, ActorRef, Ctx, InitiativeSummary};
use crate::render::Prepared;

use super::View;

#[derive(Serialize)]
struct Roles<'a> {
    title: String,
    initiatives: Vec<InitiativeSummary<'a>>,
    rows: Vec<Row<'a>>,
}

#[derive(Serialize)]
struct Row<'a> {
    actor: ActorRef<'a>,
    /// Today's name and the others it had in these initiatives: "Statsforvalteren
    /// (tidligere Fylkesmannen)".
    names: String,
    cells: Vec<Cell<'a>>,
}

/// One actor in one initiative: empty, or its roles with where they are described.
#[derive(Serialize)]
struct Cell<'a> {
    initiative: &'a str,
    /// The actor's name when the initiative started, where it is not today's.
    #[serde(skip_serializing_if = "Option::is_none")]
    name_then: Option<&'a str>,
    roles: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    href: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    actor_href: Option<String>,
}

pub fn view<'a>(p: &'a Prepared, ctx: &Ctx<'a>) -> View {
    let lang = p.reg.config.lang;
    let initiatives: Vec<&Initiative> = p.initiatives_by_start().collect();
    let mut actors: Vec<&Actor> = p.reg.actors.values().collect();
    actors.sort_by(|a, b| a.current().name.cmp(&b.current().name));
    let mut rows = Vec::new();
    for a in actors {
        let cells: Vec<Cell> = initiatives
            .iter()
            .map(|ini| {
                let roles: Vec<String> = ctx
                    .roles_of(ini, &a.id, lang)
                    .into_iter()
                    .map(|(role, _)| role)
                    .collect();
                let held = !roles.is_empty();
                let then = a.name_at(Some(&ini.meta.period.start)).name_in(lang);
                Cell {
                    initiative: ini.short_title(),
                    name_then: (held && then != a.current().name_in(lang)).then_some(then),
                    roles,
                    href: held.then(|| {
                        format!(
                            "{}#{}",
                            ctx.href(&p.urls.initiative(&ini.id)),
                            role_anchor(&a.id)
                        )
                    }),
                    actor_href: held.then(|| ctx.href(&p.urls.actor(&a.id))),
                }
            })
            .collect();
        if cells.iter().all(|c| c.roles.is_empty()) {
            continue;
        }
        let starts = initiatives
            .iter()
            .zip(&cells)
            .filter(|(_, c)| !c.roles.is_empty())
            .map(|(i, _)| &i.meta.period.start);
        rows.push(Row {
            actor: ctx.actor_ref(&a.id, None, lang),
            names: ctx.names_then(a, starts, lang),
            cells,
        });
    }
    View::of(
        "roles.html",
        lang,
        Roles {
            title: ctx.t(lang, "roles.title"),
            initiatives: initiatives
                .iter()
                .map(|i| ctx.initiative_summary(i, lang))
                .collect(),
            rows,
        },
    )
}
