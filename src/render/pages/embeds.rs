//! Embeds rendered into a body: each `embed::marker(n)` in its HTML replaced by the
//! embed's view through the theme's `embed.html`, in the language of the page it is on,
//! with ids that no other part of the page uses.

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;
use serde_json::Value;

use crate::error::Diagnostic;
use crate::model::{slugify, Lang};
use crate::render::chart;
use crate::render::embed::{marker, Embed, Kind};
use crate::render::views::{Ctx, DateView};
use crate::render::Prepared;

/// Ids the page templates give their own parts besides `PAGE_IDS` (page.html's related
/// initiatives, every page's citation, an initiative's references, the home page's lists).
const TEMPLATE_IDS: &[&str] = &[
    "handler-om",
    "siter",
    "referanser",
    "h-initiatives",
    "h-latest",
];

/// A link after an embed, to the page it comes from.
#[derive(Serialize)]
struct More {
    title: String,
    href: String,
}

/// What `embed.html` gets as `e`. Only the fields of its kind are set.
#[derive(Serialize)]
struct EmbedView {
    kind: &'static str,
    id: String,
    level: u8,
    title: String,
    more: More,
    #[serde(skip_serializing_if = "Option::is_none")]
    initiative: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    roles: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    chart: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    years: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    holdings: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    name: Option<String>,
    /// The language of the initiative's own text (tasks, source), where it is not the
    /// page's: `lang` attributes for it.
    other_lang: &'static str,
}

#[derive(Serialize)]
struct SiteView {
    as_of: Option<DateView>,
}

/// The HTML of the body at `key` with its embeds in place, for a page in `lang` whose
/// template also uses the ids `reserved`.
pub fn expand<'a>(
    p: &Prepared,
    ctx: &Ctx<'a>,
    key: &str,
    lang: Lang,
    reserved: &[String],
) -> Result<Cow<'a, str>, Diagnostic> {
    let Some(body) = ctx.bodies.get(key) else {
        return Ok(Cow::Borrowed(""));
    };
    let html = p.body_html(key, body);
    if body.embeds.is_empty() {
        return Ok(html);
    }
    let mut taken: BTreeSet<String> = body.anchors().map(str::to_owned).collect();
    taken.extend(reserved.iter().cloned());
    taken.extend(
        super::super::PAGE_IDS
            .iter()
            .chain(TEMPLATE_IDS)
            .map(|s| s.to_string()),
    );
    let mut html = html.into_owned();
    for (n, e) in body.embeds.iter().enumerate() {
        let Some(view) = view(p, ctx, e, lang, &mut taken) else {
            continue;
        };
        let rendered = render(p, ctx, &view, lang)?;
        html = html.replacen(&marker(n), rendered.trim_end(), 1);
    }
    Ok(Cow::Owned(html))
}

/// What `embed.html` gets: the embed, the strings in the page's language, and the date
/// the site describes.
#[derive(Serialize)]
struct EmbedContext<'a> {
    e: &'a EmbedView,
    t: &'a BTreeMap<String, String>,
    site: SiteView,
}

fn render(p: &Prepared, ctx: &Ctx, view: &EmbedView, lang: Lang) -> Result<String, Diagnostic> {
    let empty = BTreeMap::new();
    let as_of = p.reg.config.as_of.as_ref().map(|d| ctx.date(d, None, lang));
    let context = tera::Context::from_serialize(&EmbedContext {
        e: view,
        t: ctx.strings.get(&lang).unwrap_or(&empty),
        site: SiteView { as_of },
    })
    .map_err(|e| p.theme.render_error("embed.html", &e))?;
    p.theme
        .tera
        .render("embed.html", &context)
        .map_err(|e| p.theme.render_error("embed.html", &e))
}

/// An id made from `title`, unique on the page.
fn unique_id(title: &str, taken: &mut BTreeSet<String>) -> String {
    let wanted = slugify(title);
    let wanted = if wanted.is_empty() {
        "innhold".to_owned()
    } else {
        wanted
    };
    let mut id = wanted.clone();
    let mut n = 2;
    while taken.contains(&id) {
        id = format!("{wanted}-{n}");
        n += 1;
    }
    taken.insert(id.clone());
    id
}

/// Events grouped by year with their ids (`y2018`, the events' anchors) starting with
/// `prefix`, so that the same events shown twice on a page have ids of their own.
fn years_with_prefix(mut years: Value, prefix: &str) -> Value {
    if let Value::Array(list) = &mut years {
        for y in list {
            prefix_field(y, "id", prefix);
            if let Some(Value::Array(events)) = y.get_mut("events") {
                for e in events {
                    prefix_field(e, "anchor", prefix);
                }
            }
        }
    }
    years
}

fn prefix_field(v: &mut Value, field: &str, prefix: &str) {
    if let Some(Value::String(s)) = v.get_mut(field) {
        *s = format!("{prefix}-{s}");
    }
}

/// The view of one embed; `None` for a name the records do not have (checked before
/// rendering, so never in a checked site).
fn view(
    p: &Prepared,
    ctx: &Ctx,
    e: &Embed,
    lang: Lang,
    taken: &mut BTreeSet<String>,
) -> Option<EmbedView> {
    let reg = p.reg;
    let urls = &p.urls;
    let target = e.target.as_ref().map(|a| a.value.as_str());
    let mut view = EmbedView {
        kind: e.kind.name(),
        id: String::new(),
        level: e.level,
        title: String::new(),
        more: More {
            title: String::new(),
            href: String::new(),
        },
        initiative: None,
        roles: None,
        chart: None,
        years: None,
        holdings: None,
        name: None,
        other_lang: "",
    };
    match e.kind {
        Kind::Roles | Kind::Facts | Kind::Timeline => {
            let ini = reg.initiatives.get(target?)?;
            let short = ini.short_title();
            let key = match e.kind {
                Kind::Roles => "embed.roles",
                Kind::Facts => "embed.facts",
                _ => "timeline_of",
            };
            view.title = format!("{} {short}", ctx.t(lang, key));
            view.id = unique_id(&view.title, taken);
            let href = ctx.href(&urls.initiative(&ini.id));
            view.more = More {
                title: ini.meta.title.clone(),
                href: href.clone(),
            };
            if ini.lang != lang {
                view.other_lang = ini.lang.code();
            }
            let full = ctx.initiative(ini, lang);
            match e.kind {
                Kind::Roles => {
                    let mut roles = json(&full.roles);
                    if let Value::Array(list) = &mut roles {
                        for r in list {
                            prefix_field(r, "anchor", &view.id);
                        }
                    }
                    view.roles = Some(roles);
                    view.more.href = format!("{href}#roller");
                }
                Kind::Facts => view.initiative = Some(json(&full)),
                _ => {
                    let title = format!("{short} {}", ctx.t(lang, "chart.over_time"));
                    let lanes = chart::lanes_of_initiative(reg, &ini.id);
                    view.chart =
                        chart::view(ctx, &format!("{}-chart", view.id), &title, &lanes, lang)
                            .map(|c| json(&c));
                    view.years = Some(years_with_prefix(json(&full.events_by_year), &view.id));
                    view.more = More {
                        title: view.title.clone(),
                        href: ctx.href(&urls.timeline_of(&ini.id)),
                    };
                }
            }
        }
        Kind::ActorRoles => {
            let a = reg.actors.get(target?)?;
            let name = a.current().name_in(lang).to_owned();
            view.title = format!("{} {name}", ctx.t(lang, "embed.actor_roles"));
            view.id = unique_id(&view.title, taken);
            let full = ctx.actor(a, lang);
            view.holdings = Some(json(&full.holdings));
            view.more = More {
                title: name.clone(),
                href: ctx.href(&urls.actor(&a.id)),
            };
            view.name = Some(full.name.to_owned());
        }
        Kind::Events => {
            let tagged: Option<BTreeSet<&str>> = target.map(|tag| {
                let slug = slugify(tag);
                reg.initiatives
                    .values()
                    .filter(|i| i.meta.tags.iter().any(|t| slugify(t) == slug))
                    .map(|i| i.id.as_str())
                    .collect()
            });
            let events = reg.events.iter().filter(|ev| {
                tagged
                    .as_ref()
                    .is_none_or(|ids| ev.initiatives.iter().any(|i| ids.contains(i.as_str())))
                    && e.from.is_none_or(|y| ev.date.year >= y)
                    && e.to.is_none_or(|y| ev.date.year <= y)
            });
            let mut title = ctx.t(lang, "events");
            if let Some(tag) = target {
                // The tag as the records write it (`Kompetanse`), in the page's language.
                let written = p.tags.get(&slugify(tag)).map_or(tag, |(name, _)| name);
                title = format!("{title} – {}", reg.config.tag_name(written, lang));
            }
            let years = match (e.from, e.to) {
                (Some(f), Some(t)) if f == t => Some(f.to_string()),
                (Some(f), Some(t)) => Some(format!("{f}–{t}")),
                (Some(f), None) => Some(format!("{} {f}", ctx.t(lang, "period.from"))),
                (None, Some(t)) => Some(format!("{} {t}", ctx.t(lang, "embed.until"))),
                (None, None) => None,
            };
            if let Some(y) = years {
                title = format!("{title} ({y})");
            }
            view.title = title;
            view.id = unique_id(&view.title, taken);
            view.years = Some(years_with_prefix(
                json(&ctx.events_by_year(events, lang)),
                &view.id,
            ));
            view.more = More {
                title: ctx.t(lang, "embed.all_events"),
                href: ctx.href(&urls.timeline()),
            };
        }
    }
    Some(view)
}

/// A view as a JSON value, to give it ids of its own.
fn json(v: &impl Serialize) -> Value {
    // A view is plain data: it always serializes.
    serde_json::to_value(v).unwrap_or_default()
}
