//! The roles matrix: actors by initiatives, each cell the actor's role there, linking
//! to its tasks on the initiative's page. Past the size one table can be read at
//! (render/paging.rs), one table per initiative instead, over numbered pages.

use serde::Serialize;

use crate::model::{Actor, Initiative};
use crate::render::paging::{self, Pager};
use crate::render::views::{role_anchor, ActorRef, Ctx, InitiativeSummary};
use crate::render::Prepared;

use super::View;

#[derive(Serialize)]
struct Roles<'a> {
    title: String,
    initiatives: Vec<InitiativeSummary<'a>>,
    rows: Vec<Row<'a>>,
    /// One table per initiative, when the site is too large for the matrix.
    tables: Vec<Table<'a>>,
    pager: Option<Pager>,
}

/// The actors of one initiative and their roles there.
#[derive(Serialize)]
struct Table<'a> {
    initiative: InitiativeSummary<'a>,
    rows: Vec<TableRow<'a>>,
}

#[derive(Serialize)]
struct TableRow<'a> {
    actor: ActorRef<'a>,
    roles: Vec<String>,
    /// Where the initiative's page gives the tasks.
    href: String,
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

pub fn view<'a>(p: &'a Prepared, ctx: &Ctx<'a>, number: usize) -> View {
    if !paging::roles_as_matrix(p.reg) {
        return by_initiative(p, ctx, number);
    }
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
            tables: Vec::new(),
            pager: None,
        },
    )
}

/// Page `number` of the roles by initiative: `page_size` initiatives, each with a table
/// of who does what in it (the roles first, then an owner and parties without one).
fn by_initiative<'a>(p: &'a Prepared, ctx: &Ctx<'a>, number: usize) -> View {
    let lang = p.reg.config.lang;
    let size = p.reg.config.page_size;
    let initiatives: Vec<&Initiative> = p.initiatives_by_start().collect();
    let total = paging::count(initiatives.len(), size);
    let tables = paging::slice(&initiatives, number, size)
        .iter()
        .map(|ini| {
            let m = &ini.meta;
            let mut actors: Vec<&str> = Vec::new();
            let named = m.roles.iter().map(|r| r.actor.as_str());
            for a in named
                .chain(m.owner.as_deref())
                .chain(m.parties.iter().map(String::as_str))
            {
                if !actors.contains(&a) {
                    actors.push(a);
                }
            }
            let page = ctx.href(&p.urls.initiative(&ini.id));
            let rows = actors
                .into_iter()
                .map(|a| TableRow {
                    actor: ctx.actor_ref(a, Some(&m.period.start), lang),
                    roles: ctx
                        .roles_of(ini, a, lang)
                        .into_iter()
                        .map(|(r, _)| r)
                        .collect(),
                    href: format!("{page}#{}", role_anchor(a)),
                })
                .collect();
            Table {
                initiative: ctx.initiative_summary(ini, lang),
                rows,
            }
        })
        .collect();
    View::of(
        "roles.html",
        lang,
        Roles {
            title: paging::title(ctx, lang, ctx.t(lang, "roles.title"), number, total),
            initiatives: Vec::new(),
            rows: Vec::new(),
            tables,
            pager: paging::pager(ctx, lang, &p.urls.roles(), number, total),
        },
    )
}
