//! The home page: the site's introduction, the initiatives with status, the latest
//! events, and the first pages of each section.

use serde::Serialize;

use crate::error::Diagnostic;
use crate::render::views::{Ctx, EventView, InitiativeSummary, PageSummary};
use crate::render::Prepared;

use super::View;

#[derive(Serialize)]
struct Home<'a> {
    title: String,
    intro_html: Option<std::borrow::Cow<'a, str>>,
    initiatives: Vec<InitiativeSummary<'a>>,
    /// How many initiatives the site has; the page shows those that started last when
    /// they are more than a dozen (render/paging.rs).
    initiatives_total: usize,
    latest_events: Vec<EventView<'a>>,
    sections: Vec<SectionSummary<'a>>,
}

/// A top-level section on the home page, with its first pages.
#[derive(Serialize)]
struct SectionSummary<'a> {
    title: String,
    summary: &'a Option<String>,
    href: String,
    pages: Vec<PageSummary<'a>>,
}

pub fn view<'a>(p: &'a Prepared, ctx: &Ctx<'a>) -> Result<View, Diagnostic> {
    let reg = p.reg;
    let lang = reg.config.lang;
    let intro = reg.home_page();
    let sections = p
        .plan
        .iter()
        .filter_map(|(path, j)| match j {
            crate::render::job::Job::Section(s, idx) if !s.contains('/') => Some(SectionSummary {
                title: super::content::section_title(p, s, *idx),
                summary: match idx {
                    Some(i) => &reg.pages[*i].meta.summary,
                    None => &None,
                },
                href: ctx.href(path),
                pages: p
                    .lists()
                    .section(s)
                    .iter()
                    .take(3)
                    .map(|&i| ctx.page_summary(&reg.pages[i], lang))
                    .collect(),
            }),
            _ => None,
        })
        .collect();
    let intro_html = match intro {
        Some(i) => Some(super::embeds::expand(
            p,
            ctx,
            &format!("page:{i}"),
            lang,
            &[],
        )?),
        None => None,
    };
    Ok(View::of(
        "home.html",
        lang,
        Home {
            title: intro.map_or_else(
                || reg.config.title.clone(),
                |i| reg.pages[i].meta.title.clone(),
            ),
            intro_html,
            initiatives: crate::render::paging::overview(reg)
                .into_iter()
                .map(|i| ctx.initiative_summary(i, lang))
                .collect(),
            initiatives_total: reg.initiatives.len(),
            latest_events: reg
                .events
                .iter()
                .rev()
                .take(6)
                .map(|e| ctx.event(e, lang))
                .collect(),
            sections,
        },
    ))
}
