//! The chart of the periods: each initiative a bar across the years, its dated measures
//! beneath it, events as marks and the site's `as_of` date as a line, drawn as inline SVG,
//! with the same facts as data for the text equivalent the templates print beside it.
//!
//! Horizontal positions are percentages of the chart's width and sizes are pixels, so the
//! bars stretch to any width while the text keeps its size: one drawing for a 390 px phone
//! and a desktop. Labels come in two places (beside their bar, and at the left edge); the
//! theme's CSS picks one by the chart's width. The SVG is an image (`role="img"`) with a
//! title and description; everything in it is also in the table the template prints.

use std::fmt::Write;

use serde::Serialize;

use crate::model::{Date, Event, Initiative, Lang, Measure, Registry, Status};

use super::views::{measure_id, Ctx, DateView, PeriodView, PlanView};

/// One initiative (or the events that belong to none) with what is drawn in its rows.
pub struct Lane<'a> {
    pub initiative: Option<&'a Initiative>,
    pub measures: Vec<&'a Measure>,
    pub events: Vec<&'a Event>,
}

/// Every initiative by start, with its measures and events, and the events of no initiative.
pub fn lanes_all(reg: &Registry) -> Vec<Lane<'_>> {
    let mut lanes: Vec<Lane> = reg
        .initiatives_by_start()
        .map(|ini| Lane::whole(reg, ini))
        .collect();
    push_loose(&mut lanes, reg.events.iter());
    lanes
}

/// The given initiatives, each with its measures and events (a bounded overview).
pub fn lanes_of<'a>(reg: &'a Registry, initiatives: &[&'a Initiative]) -> Vec<Lane<'a>> {
    initiatives
        .iter()
        .map(|ini| Lane::whole(reg, ini))
        .collect()
}

/// One initiative, its measures and its events.
pub fn lanes_of_initiative<'a>(reg: &'a Registry, id: &str) -> Vec<Lane<'a>> {
    reg.initiatives
        .get(id)
        .map(|ini| Lane::whole(reg, ini))
        .into_iter()
        .collect()
}

/// The initiatives an actor holds a role in (or owns, is party to, or carries out a measure
/// of), with the measures it carries out and the events it took part in.
pub fn lanes_of_actor<'a>(reg: &'a Registry, actor: &'a str) -> Vec<Lane<'a>> {
    // The actor's own events, each initiative's taken from them: no scan of every event
    // for every initiative.
    let own: Vec<&Event> = reg.events_of_actor(actor).collect();
    let mut lanes: Vec<Lane> = Vec::new();
    for ini in reg.initiatives_by_start() {
        let m = &ini.meta;
        let measures: Vec<&Measure> = m
            .measures
            .iter()
            .filter(|x| x.actors.iter().any(|a| a == actor))
            .collect();
        let holds = m.owner.as_deref() == Some(actor)
            || m.parties.iter().any(|p| p == actor)
            || m.roles.iter().any(|r| r.actor == actor)
            || !measures.is_empty();
        let events: Vec<&Event> = own
            .iter()
            .copied()
            .filter(|e| e.initiatives.contains(&ini.id))
            .collect();
        if holds || !events.is_empty() {
            lanes.push(Lane {
                initiative: Some(ini),
                measures,
                events,
            });
        }
    }
    push_loose(&mut lanes, own);
    lanes
}

impl<'a> Lane<'a> {
    /// An initiative with all its measures and events.
    fn whole(reg: &'a Registry, ini: &'a Initiative) -> Self {
        Lane {
            initiative: Some(ini),
            measures: ini.meta.measures.iter().collect(),
            events: reg.events_of_initiative(&ini.id).collect(),
        }
    }
}

/// A last lane for those of `events` that belong to no initiative, if there are any.
fn push_loose<'a>(lanes: &mut Vec<Lane<'a>>, events: impl IntoIterator<Item = &'a Event>) {
    let loose: Vec<&Event> = events
        .into_iter()
        .filter(|e| e.initiatives.is_empty())
        .collect();
    if !loose.is_empty() {
        lanes.push(Lane {
            initiative: None,
            measures: Vec::new(),
            events: loose,
        });
    }
}

/// Days since 1970 of the first day a date covers, and of the day after the last.
fn span(d: &Date) -> (i64, i64) {
    (Date::days(d.first_day()), Date::days(d.last_day()) + 1)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Style {
    Active,
    Ended,
    Planned,
    /// A provisional end has passed with no recorded end.
    PeriodOver,
    /// A period without a status (the site has no `as_of`).
    Plain,
    Measure,
    /// The row of events that belong to no initiative: no bar.
    Loose,
}

#[derive(Debug)]
struct Row {
    title: String,
    /// After the title: the years or date (left out on a narrow chart, where the bar shows
    /// them), then the status (always shown: no status by colour alone).
    when: String,
    status: Option<String>,
    style: Style,
    /// [from, to) in days; `None` for the loose events' row.
    bar: Option<(i64, i64)>,
    /// The period has no end: the bar runs on to `as_of` and has no right edge.
    open: bool,
    /// Event spans [from, to) in days, and whether the event is a plan; a span longer
    /// than a day is a date known only to the month or year, drawn with a bracket over the
    /// span. A plan is drawn as a hollow diamond.
    marks: Vec<(i64, i64, bool)>,
}

#[derive(Debug)]
struct Drawing {
    id: String,
    title: String,
    desc: String,
    first_year: i32,
    last_year: i32,
    rows: Vec<Row>,
    /// The `as_of` day and its label ("Status per 1. januar 2025").
    as_of: Option<(i64, String)>,
}

// Colours: every line and mark has at least 3:1 against white and against the fills
// beneath it; every text at least 4.5:1. They match the status pills in style.css.
const TEXT: &str = "#1c1c1c";
const MUTED: &str = "#4d4d4d";
const GRID: &str = "#d5dbe1";
const AS_OF: &str = "#b3261e";

fn colours(style: Style) -> (&'static str, &'static str) {
    // (fill, outline)
    match style {
        Style::Active => ("#bfe3ca", "#17512c"),
        Style::Ended => ("#eceef0", "#3b4148"),
        Style::Planned => ("#fdf1dc", "#6b4000"),
        Style::PeriodOver => ("#eceef0", "#3b4148"),
        Style::Plain => ("#cde0ef", "#0b3d5c"),
        Style::Measure => ("#dbe9f6", "#0a58a3"),
        Style::Loose => ("none", MUTED),
    }
}

const AXIS: f64 = 26.0;
const FOOT: f64 = 28.0;

impl Row {
    /// (height of the row, label baseline, top of the bar, height of the bar).
    fn metrics(&self) -> (f64, f64, f64, f64) {
        match self.style {
            Style::Measure => (36.0, 13.0, 18.0, 10.0),
            _ => (50.0, 15.0, 22.0, 16.0),
        }
    }
}

impl Drawing {
    fn days(&self) -> (i64, i64) {
        (
            Date::days((self.first_year, 1, 1)),
            Date::days((self.last_year + 1, 1, 1)),
        )
    }

    /// A day as a percentage of the width, clamped to the chart.
    fn x(&self, day: i64) -> f64 {
        let (a, b) = self.days();
        let p = (day - a) as f64 * 100.0 / (b - a).max(1) as f64;
        p.clamp(0.0, 100.0)
    }

    fn height(&self) -> f64 {
        AXIS + self.rows.iter().map(|r| r.metrics().0).sum::<f64>() + FOOT
    }

    fn svg(&self) -> String {
        let id = &self.id;
        let years = self.last_year - self.first_year + 1;
        let density = match years {
            ..=10 => "",
            11..=24 => " dense",
            _ => " sparse",
        };
        let height = self.height();
        let mut s = String::new();
        let _ = write!(
            s,
            r##"<svg xmlns="http://www.w3.org/2000/svg" class="chart-svg{density}" width="100%" height="{height}" role="img" aria-labelledby="{id}-title" aria-describedby="{id}-desc">"##
        );
        let _ = write!(
            s,
            r#"<title id="{id}-title">{}</title><desc id="{id}-desc">{}</desc>"#,
            esc(&self.title),
            esc(&self.desc)
        );
        // The hatching of ended periods, the diamond of an event, the hollow one of a plan.
        let _ = write!(
            s,
            r##"<defs><pattern id="{id}-hatch" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="6" height="6" fill="#eceef0"/><line x1="0" y1="0" x2="0" y2="6" stroke="#7d8791" stroke-width="2"/></pattern><path id="{id}-mark" d="M0 -6.5 L6.5 0 L0 6.5 L-6.5 0 Z" fill="{TEXT}" stroke="#ffffff" stroke-width="1.5"/><path id="{id}-plan" d="M0 -6 L6 0 L0 6 L-6 0 Z" fill="#ffffff" stroke="{TEXT}" stroke-width="2"/></defs>"##
        );
        // Years: a line where each begins, the number in the middle of it.
        let bottom = height - FOOT;
        s.push_str(r#"<g class="years">"#);
        for year in self.first_year..=self.last_year + 1 {
            let x = pct(self.x(Date::days((year, 1, 1))));
            let _ = write!(
                s,
                r#"<line x1="{x}" y1="{}" x2="{x}" y2="{bottom}" stroke="{GRID}" stroke-width="1"/>"#,
                AXIS - 4.0
            );
        }
        // Each year is named in the middle of its column, the first and last at the edges.
        // On a crowded axis only the `major` ones stay: the ends, and every fifth (or
        // tenth) year not too close to them.
        let step = if years > 60 { 10 } else { 5 };
        for year in self.first_year..=self.last_year {
            let (a, b) = (Date::days((year, 1, 1)), Date::days((year + 1, 1, 1)));
            let (x, anchor) = if year == self.first_year {
                (self.x(a), "start")
            } else if year == self.last_year {
                (self.x(b), "end")
            } else {
                (self.x((a + b) / 2), "middle")
            };
            let apart = (year - self.first_year).min(self.last_year - year) > step / 2;
            let major = years <= 10
                || year == self.first_year
                || year == self.last_year
                || (year % step == 0 && apart);
            let class = if major { "tick major" } else { "tick" };
            let _ = write!(
                s,
                r#"<text class="{class}" x="{}" y="14" text-anchor="{anchor}" font-size="12" fill="{MUTED}">{year}</text>"#,
                pct(x)
            );
        }
        s.push_str("</g>");

        let mut y = AXIS;
        for row in &self.rows {
            self.row(&mut s, row, y);
            y += row.metrics().0;
        }

        if let Some((day, label)) = &self.as_of {
            let xp = self.x(*day);
            let x = pct(xp);
            let _ = write!(
                s,
                r#"<g class="as-of"><line x1="{x}" y1="{}" x2="{x}" y2="{}" stroke="{AS_OF}" stroke-width="2" stroke-dasharray="6 4"/>"#,
                AXIS - 4.0,
                bottom + 4.0
            );
            let (anchor, dx) = if xp > 50.0 { ("end", -5) } else { ("start", 5) };
            let _ = write!(
                s,
                r#"<text x="{x}" dx="{dx}" y="{}" text-anchor="{anchor}" font-size="13" fill="{AS_OF}">{}</text></g>"#,
                bottom + 18.0,
                esc(label)
            );
        }
        s.push_str("</svg>");
        s
    }

    fn row(&self, s: &mut String, row: &Row, top: f64) {
        let (_, baseline, bar_top, bar_h) = row.metrics();
        let (fill, stroke) = colours(row.style);
        let measure = row.style == Style::Measure;
        let font = if measure { 13 } else { 14 };
        let (from, to) = row.bar.unwrap_or_else(|| self.days());
        let (xa, xb) = (self.x(from), self.x(to));
        let class = match row.style {
            Style::Measure => "row measure",
            Style::Loose => "row loose",
            _ => "row",
        };
        let _ = write!(s, r#"<g class="{class}">"#);

        // The label: beside its bar on a wide chart, at the left edge on a narrow one.
        let label = |s: &mut String, class: &str, x: f64, anchor: &str, hidden: bool| {
            let dx = if anchor == "end" { " dx=\"-4\"" } else { "" };
            let weight = if measure { "400" } else { "700" };
            let display = if hidden { r#" display="none""# } else { "" };
            let _ = write!(
                s,
                r#"<text class="{class}"{display} x="{}"{dx} y="{}" text-anchor="{anchor}" font-size="{font}" fill="{TEXT}"><tspan font-weight="{weight}">{}</tspan>"#,
                pct(x),
                top + baseline,
                esc(&row.title)
            );
            if !row.when.is_empty() {
                let _ = write!(
                    s,
                    r#"<tspan class="when" fill="{MUTED}" font-weight="400"> · {}</tspan>"#,
                    esc(&row.when)
                );
            }
            if let Some(status) = &row.status {
                let _ = write!(
                    s,
                    r#"<tspan fill="{MUTED}" font-weight="400"> · {}</tspan>"#,
                    esc(status)
                );
            }
            s.push_str("</text>");
        };
        if row.bar.is_none() || xa <= 0.0 {
            label(s, "label", 0.0, "start", false);
        } else if xa <= 50.0 {
            label(s, "label wide", xa, "start", false);
            label(s, "label narrow", 0.0, "start", true);
        } else {
            label(s, "label wide", xb, "end", false);
            label(s, "label narrow", 0.0, "start", true);
        }

        let y0 = top + bar_top;
        let y1 = y0 + bar_h;
        let mid = (y0 + y1) / 2.0;
        if row.bar.is_some() {
            let fill = if row.style == Style::Ended {
                format!("url(#{}-hatch)", self.id)
            } else {
                fill.to_owned()
            };
            let _ = write!(
                s,
                r#"<rect x="{}" y="{y0}" width="{}" height="{bar_h}" fill="{fill}"/>"#,
                pct(xa),
                pct((xb - xa).max(0.0))
            );
            let dash = if matches!(row.style, Style::Planned | Style::PeriodOver) {
                r#" stroke-dasharray="4 3""#
            } else {
                ""
            };
            let line = |s: &mut String, x1: f64, ya: f64, x2: f64, yb: f64| {
                let _ = write!(
                    s,
                    r#"<line x1="{}" y1="{ya}" x2="{}" y2="{yb}" stroke="{stroke}" stroke-width="2"{dash}/>"#,
                    pct(x1),
                    pct(x2)
                );
            };
            line(s, xa, y0, xb, y0);
            line(s, xa, y1, xb, y1);
            line(s, xa, y0, xa, y1);
            if !row.open {
                line(s, xb, y0, xb, y1);
            }
        } else {
            // The loose events' row: a thin line to hang the marks on.
            let _ = write!(
                s,
                r#"<line x1="0%" y1="{mid}" x2="100%" y2="{mid}" stroke="{GRID}" stroke-width="2"/>"#
            );
        }
        for &(a, b, plan) in &row.marks {
            if b - a > 1 {
                // Known only to the month or year: a bracket over the whole span.
                let (x1, x2) = (pct(self.x(a)), pct(self.x(b)));
                let _ = write!(
                    s,
                    r#"<line x1="{x1}" y1="{mid}" x2="{x2}" y2="{mid}" stroke="{TEXT}" stroke-width="2"/><line x1="{x1}" y1="{}" x2="{x1}" y2="{}" stroke="{TEXT}" stroke-width="2"/><line x1="{x2}" y1="{}" x2="{x2}" y2="{}" stroke="{TEXT}" stroke-width="2"/>"#,
                    mid - 5.0,
                    mid + 5.0,
                    mid - 5.0,
                    mid + 5.0
                );
            }
            let x = pct(self.x((a + b) / 2));
            let mark = if plan { "plan" } else { "mark" };
            let _ = write!(
                s,
                r##"<use href="#{}-{mark}" x="{x}" y="{mid}"/>"##,
                self.id
            );
        }
        s.push_str("</g>");
    }
}

fn pct(p: f64) -> String {
    let s = format!("{p:.3}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    format!("{s}%")
}

/// Text for SVG: the same escaping as the feeds' XML.
fn esc(s: &str) -> String {
    super::feeds::xml_escape(s)
}

/// "2018–2024", "2021", "fra 2020": the years of a period, short enough for a chart label.
fn years_text(start: &Date, end: Option<&Date>, from_word: &str) -> String {
    match end {
        Some(e) if e.year == start.year => start.year.to_string(),
        Some(e) => format!("{}–{}", start.year, e.year),
        None => format!("{from_word} {}", start.year),
    }
}

/// A chart as templates see it: the drawing, its legend, and its text equivalent.
#[derive(Serialize)]
pub struct ChartView<'a> {
    id: String,
    title: String,
    svg_html: String,
    legend: Vec<LegendItem>,
    rows: Vec<TableRow<'a>>,
    undated: Vec<Undated<'a>>,
    as_of: Option<DateView>,
}

/// One row of the chart's text equivalent.
#[derive(Serialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
enum TableRow<'a> {
    /// The events that belong to no initiative.
    Loose {
        title: String,
        events: Vec<Mark<'a>>,
    },
    Initiative {
        title: &'a str,
        href: String,
        lang: &'static str,
        other_lang: bool,
        period: PeriodView,
        status_label: Option<String>,
        events: Vec<Mark<'a>>,
        events_href: String,
    },
    Measure {
        title: &'a str,
        href: String,
        date: DateView,
        end: Option<DateView>,
    },
}

/// An event marked on a lane.
#[derive(Serialize)]
struct Mark<'a> {
    date: DateView,
    title: &'a str,
    anchor: &'a str,
    /// Set when the event is a plan: how the text says so.
    plan: Option<PlanView<'a>>,
}

/// How many of an initiative's measures have no date, and so are not drawn.
#[derive(Serialize)]
struct Undated<'a> {
    count: usize,
    initiative: &'a str,
    href: String,
}

/// What one kind of mark means, with a small drawing of it.
#[derive(Serialize)]
struct LegendItem {
    label: String,
    swatch_html: String,
}

/// The chart of `lanes` and its text equivalent, for a template. `id` prefixes every id
/// in the drawing, so two charts can share a page. `None` when there is nothing to draw.
pub fn view<'a>(
    ctx: &Ctx<'a>,
    id: &str,
    title: &str,
    lanes: &[Lane<'a>],
    lang: Lang,
) -> Option<ChartView<'a>> {
    if lanes.is_empty() {
        return None;
    }
    let as_of = ctx.reg.config.as_of;
    let from_word = ctx.t(lang, "period.from");
    let mut rows = Vec::new();
    let mut table = Vec::new();
    let mut undated = Vec::new();
    let mut first = i32::MAX;
    let mut last = i32::MIN;
    let mut see = |d: &Date| {
        first = first.min(d.year);
        last = last.max(d.year);
    };
    if let Some(a) = &as_of {
        see(a);
    }
    for lane in lanes {
        for e in &lane.events {
            see(&e.date);
        }
        let marks: Vec<(i64, i64, bool)> = lane
            .events
            .iter()
            .map(|e| {
                let (a, b) = span(&e.date);
                (a, b, e.plan.is_some())
            })
            .collect();
        let events: Vec<Mark> = lane
            .events
            .iter()
            .map(|e| Mark {
                date: ctx.date(&e.date, e.date_label.as_deref(), lang),
                title: &e.title,
                anchor: &e.anchor,
                plan: ctx.plan(e, lang),
            })
            .collect();
        let Some(ini) = lane.initiative else {
            let title = ctx.t(lang, "chart.other_events");
            rows.push(Row {
                title: title.clone(),
                when: String::new(),
                status: None,
                style: Style::Loose,
                bar: None,
                open: false,
                marks,
            });
            table.push(TableRow::Loose { title, events });
            continue;
        };
        let p = &ini.meta.period;
        see(&p.start);
        if let Some(e) = &p.end {
            see(e);
        }
        let status = ctx.status(ini);
        let style = match status {
            Some(Status::Active) => Style::Active,
            Some(Status::Ended) => Style::Ended,
            Some(Status::Planned | Status::StartUnconfirmed) => Style::Planned,
            Some(Status::PeriodOver) => Style::PeriodOver,
            None => Style::Plain,
        };
        let status_label = status.map(|s| ctx.t(lang, &format!("status.{}", s.key())));
        let start = span(&p.start).0;
        let end = match (&p.end, &as_of) {
            (Some(e), _) => Some(span(e).1),
            (None, Some(a)) if span(a).0 > start => Some(span(a).0),
            (None, Some(_)) => Some(span(&p.start).1),
            // No as_of: the open period runs to the end of the chart (`x` clamps it).
            (None, None) => None,
        };
        rows.push(Row {
            title: ini.short_title().to_owned(),
            when: years_text(&p.start, p.end.as_ref(), &from_word),
            status: status_label.as_ref().map(|l| l.to_lowercase()),
            style,
            bar: Some((start, end.unwrap_or(i64::MAX / 2))),
            open: p.end.is_none(),
            marks,
        });
        let href = ctx.href(&ctx.urls.initiative(&ini.id));
        table.push(TableRow::Initiative {
            title: ini.short_title(),
            href: href.clone(),
            lang: ini.lang.code(),
            other_lang: ini.lang != lang,
            period: ctx.period(p, lang),
            status_label,
            events,
            events_href: ctx.href(&ctx.urls.timeline_of(&ini.id)),
        });
        let mut missing = 0;
        for m in &lane.measures {
            let Some(date) = &m.date else {
                missing += 1;
                continue;
            };
            see(date);
            if let Some(e) = &m.end {
                see(e);
            }
            let (a, b) = span(date);
            let b = m.end.as_ref().map_or(b, |e| span(e).1.max(b));
            let label = match (&m.date_label, &m.end) {
                (Some(label), _) => label.clone(),
                // "høsten 2018" says more than its year.
                (None, None) if date.part.is_some() => date.text(lang),
                (None, _) => years_text(date, m.end.as_ref(), &from_word),
            };
            rows.push(Row {
                title: m.title.clone(),
                when: label,
                status: None,
                style: Style::Measure,
                bar: Some((a, b)),
                open: false,
                marks: Vec::new(),
            });
            table.push(TableRow::Measure {
                title: &m.title,
                href: format!("{href}#{}", measure_id(m)),
                date: ctx.date(date, m.date_label.as_deref(), lang),
                end: m.end.as_ref().map(|e| ctx.date(e, None, lang)),
            });
        }
        if missing > 0 {
            undated.push(Undated {
                count: missing,
                initiative: ini.short_title(),
                href: format!("{href}#tiltak"),
            });
        }
    }
    if first > last {
        return None;
    }
    let drawing = Drawing {
        id: id.to_owned(),
        title: format!("{title}, {first}–{last}"),
        desc: ctx.t(lang, "chart.desc"),
        first_year: first,
        last_year: last,
        rows,
        as_of: as_of.map(|a| {
            (
                span(&a).0,
                format!("{} {}", ctx.t(lang, "as_of"), a.text(lang)),
            )
        }),
    };
    let legend = legend(ctx, &drawing, lang);
    Some(ChartView {
        id: id.to_owned(),
        svg_html: drawing.svg(),
        title: drawing.title,
        legend,
        rows: table,
        undated,
        as_of: as_of.map(|a| ctx.date(&a, None, lang)),
    })
}

/// What the marks mean, each with a small drawing of its own (hidden from screen readers:
/// the text says it).
fn legend(ctx: &Ctx, d: &Drawing, lang: Lang) -> Vec<LegendItem> {
    let mut out = Vec::new();
    let has = |style: Style| d.rows.iter().any(|r| r.style == style);
    let swatch = |body: String| {
        format!(
            r#"<svg xmlns="http://www.w3.org/2000/svg" class="swatch" width="28" height="16" aria-hidden="true">{body}</svg>"#
        )
    };
    let bar = |style: Style, extra: &str| {
        let (fill, stroke) = colours(style);
        swatch(format!(
            r#"{extra}<rect x="2" y="3" width="24" height="10" fill="{fill}" stroke="{stroke}" stroke-width="2"{}/>"#,
            if matches!(style, Style::Planned | Style::PeriodOver) {
                r#" stroke-dasharray="4 3""#
            } else {
                ""
            }
        ))
    };
    for (style, key) in [
        (Style::Active, "status.active"),
        (Style::Ended, "status.ended"),
        (Style::Planned, "status.planned"),
        (Style::PeriodOver, "status.period_over"),
        (Style::Measure, "chart.measure"),
    ] {
        if !has(style) {
            continue;
        }
        let html = if style == Style::Ended {
            // Drawn with lines rather than a pattern: a pattern would need an id of its own.
            let (_, stroke) = colours(style);
            swatch(format!(
                r##"<rect x="2" y="3" width="24" height="10" fill="#eceef0"/><path d="M4 13 L12 3 M10 13 L18 3 M16 13 L24 3" stroke="#7d8791" stroke-width="2"/><rect x="2" y="3" width="24" height="10" fill="none" stroke="{stroke}" stroke-width="2"/>"##
            ))
        } else {
            bar(style, "")
        };
        out.push(LegendItem {
            label: ctx.t(lang, key),
            swatch_html: html,
        });
    }
    let marks: Vec<&(i64, i64, bool)> = d.rows.iter().flat_map(|r| &r.marks).collect();
    if marks.iter().any(|m| !m.2) {
        out.push(LegendItem {
            label: ctx.t(lang, "chart.event"),
            swatch_html: swatch(format!(
                r##"<path d="M14 1.5 L20.5 8 L14 14.5 L7.5 8 Z" fill="{TEXT}"/>"##
            )),
        });
    }
    if marks.iter().any(|m| m.2) {
        out.push(LegendItem {
            label: ctx.t(lang, "chart.planned_event"),
            swatch_html: swatch(format!(
                r##"<path d="M14 2 L20 8 L14 14 L8 8 Z" fill="#ffffff" stroke="{TEXT}" stroke-width="2"/>"##
            )),
        });
    }
    if marks.iter().any(|(a, b, _)| b - a > 1) {
        out.push(LegendItem {
            label: ctx.t(lang, "chart.span"),
            swatch_html: swatch(format!(
                r#"<path d="M2 8 H26 M2 3 V13 M26 3 V13" stroke="{TEXT}" stroke-width="2" fill="none"/>"#
            )),
        });
    }
    if let Some((_, label)) = &d.as_of {
        out.push(LegendItem {
            label: label.clone(),
            swatch_html: swatch(format!(
                r#"<path d="M14 0 V16" stroke="{AS_OF}" stroke-width="2" stroke-dasharray="4 3"/>"#
            )),
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with_plan((a, b): (i64, i64)) -> (i64, i64, bool) {
        (a, b, false)
    }

    fn drawing(rows: Vec<Row>) -> Drawing {
        Drawing {
            id: "c".into(),
            title: "Tittel & co".into(),
            desc: "Beskrivelse".into(),
            first_year: 2005,
            last_year: 2024,
            rows,
            as_of: Some((Date::days((2021, 6, 1)), "Status per 1. juni 2021".into())),
        }
    }

    #[test]
    fn positions_are_shares_of_the_years() {
        let d = drawing(Vec::new());
        assert_eq!(d.x(Date::days((2005, 1, 1))), 0.0);
        assert_eq!(d.x(Date::days((2025, 1, 1))), 100.0);
        assert!((d.x(Date::days((2015, 1, 1))) - 50.0).abs() < 0.1);
        assert_eq!(d.x(Date::days((1990, 1, 1))), 0.0, "clamped");
        assert_eq!(pct(50.0), "50%");
        assert_eq!(pct(12.3456), "12.346%");
    }

    #[test]
    fn a_year_spans_the_whole_year() {
        let (a, b) = span(&Date::parse("2018").unwrap());
        assert_eq!(b - a, 365);
        let (a, b) = span(&Date::parse("2020-02").unwrap());
        assert_eq!(b - a, 29);
        let (a, b) = span(&Date::parse("2020-02-03").unwrap());
        assert_eq!(b - a, 1);
    }

    #[test]
    fn draws_well_formed_svg_with_a_name() {
        let d = drawing(vec![
            Row {
                title: "Avtale <A>".into(),
                when: "2005–2008".into(),
                status: Some("avsluttet".into()),
                style: Style::Ended,
                bar: Some((Date::days((2005, 9, 1)), Date::days((2009, 1, 1)))),
                open: false,
                marks: vec![with_plan(span(&Date::parse("2005-09-01").unwrap()))],
            },
            Row {
                title: "Strategi".into(),
                when: "fra 2018".into(),
                status: Some("pågår".into()),
                style: Style::Active,
                bar: Some((Date::days((2018, 1, 1)), Date::days((2021, 6, 1)))),
                open: true,
                marks: vec![with_plan(span(&Date::parse("2018").unwrap()))],
            },
        ]);
        let svg = d.svg();
        assert!(svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""));
        assert!(svg.contains("role=\"img\" aria-labelledby=\"c-title\""));
        assert!(svg.contains("<title id=\"c-title\">Tittel &amp; co</title>"));
        assert!(svg.contains("Avtale &lt;A&gt;"));
        assert!(svg.contains("class=\"chart-svg dense\""));
        // A late bar is labelled at its end on a wide chart, at the left edge on a narrow one.
        assert!(svg.contains("class=\"label wide\""));
        assert!(svg.contains("class=\"label narrow\" display=\"none\" x=\"0%\""));
        assert!(svg.ends_with("</svg>"));
    }

    #[test]
    fn year_labels() {
        assert_eq!(
            years_text(&Date::year(2018), Some(&Date::year(2024)), "fra"),
            "2018–2024"
        );
        assert_eq!(
            years_text(&Date::year(2021), Some(&Date::year(2021)), "fra"),
            "2021"
        );
        assert_eq!(years_text(&Date::year(2020), None, "fra"), "fra 2020");
    }
}
