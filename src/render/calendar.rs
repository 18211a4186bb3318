//! The timeline as an iCalendar file (RFC 5545), so a reader can put the events in a
//! calendar. Each event is an all-day span as precise as its record: a day, the whole
//! month, or the whole year; it says so in its description and never blocks busy time.

use std::fmt::Write;

use pulldown_cmark::{Event as Md, Parser, Tag, TagEnd};

use crate::model::{Date, Event};

use super::views::Ctx;
use super::Prepared;
use crate::model::slugify;

pub fn ics(p: &Prepared, ctx: &Ctx) -> String {
    let cfg = &p.reg.config;
    let lang = cfg.lang;
    let host = host(&cfg.origin).unwrap_or_else(|| format!("{}.mandat", slugify(&cfg.title)));
    // Never the clock: the file describes the world at `as_of`, else at its latest event.
    let stamp = cfg
        .as_of
        .or_else(|| p.reg.events.iter().map(|e| e.date).max())
        .map_or_else(
            || "19700101T000000Z".to_owned(),
            |d| {
                let (y, m, d) = d.first_day();
                format!("{y:04}{m:02}{d:02}T000000Z")
            },
        );
    let timeline = ctx.t(lang, "timeline.title");
    let mut lines = vec![
        "BEGIN:VCALENDAR".to_owned(),
        "VERSION:2.0".to_owned(),
        format!(
            "PRODID:-//mandat//{}//{}",
            text(&cfg.title),
            lang.code().to_uppercase()
        ),
        "CALSCALE:GREGORIAN".to_owned(),
        "METHOD:PUBLISH".to_owned(),
        format!(
            "X-WR-CALNAME:{}",
            text(&format!("{} – {timeline}", cfg.title))
        ),
    ];
    for e in &p.reg.events {
        let (start, end) = span(&e.date);
        lines.push("BEGIN:VEVENT".to_owned());
        lines.push(format!("UID:{}@{host}", e.anchor));
        lines.push(format!("DTSTAMP:{stamp}"));
        lines.push(format!("DTSTART;VALUE=DATE:{start}"));
        lines.push(format!("DTEND;VALUE=DATE:{end}"));
        lines.push(format!("SUMMARY:{}", text(&e.title)));
        lines.push(format!("DESCRIPTION:{}", text(&description(ctx, e))));
        if !cfg.origin.is_empty() {
            let url = cfg.absolute(&p.urls.href(&super::paging::event_path(p.reg, &p.urls, e)));
            lines.push(format!("URL:{url}"));
        }
        lines.push("TRANSP:TRANSPARENT".to_owned());
        lines.push("END:VEVENT".to_owned());
    }
    lines.push("END:VCALENDAR".to_owned());
    let mut out = String::new();
    for line in lines {
        fold(&mut out, &line);
    }
    out
}

/// The first day and the day after the last, as `YYYYMMDD`: DTEND is exclusive.
fn span(d: &Date) -> (String, String) {
    let f = |(y, m, d): (i32, u8, u8)| format!("{y:04}{m:02}{d:02}");
    (
        f(d.first_day()),
        f(Date::civil(Date::days(d.last_day()) + 1)),
    )
}

/// How precise the date is, the record's own wording, the text, initiatives, actors (by
/// the names they had then) and source.
fn description(ctx: &Ctx, e: &Event) -> String {
    let lang = ctx.reg.config.lang;
    let mut out = String::new();
    let when = e.date.text(lang);
    let precision = match (e.date.month, e.date.day) {
        // "høsten 2017" says how precise it is.
        _ if e.date.part.is_some() => String::new(),
        (Some(_), Some(_)) => String::new(),
        (Some(_), None) => format!(" ({})", ctx.t(lang, "calendar.month_only")),
        _ => format!(" ({})", ctx.t(lang, "calendar.year_only")),
    };
    match &e.date_label {
        Some(label) if *label != when => {
            let _ = write!(out, "{label}{precision}");
        }
        _ => {
            let _ = write!(out, "{when}{precision}");
        }
    }
    // A plan says so before anything else: "høsten 2018, planlagt, ifølge …".
    if let Some(plan) = ctx.plan(e, lang) {
        let _ = write!(out, ", {}", plan.text);
    }
    out.push('.');
    // "høsten 2017" opens a sentence here.
    let mut out = match out.chars().next() {
        Some(c) => c.to_uppercase().chain(out.chars().skip(1)).collect(),
        None => out,
    };
    if let Some(d) = &e.description {
        let _ = write!(out, "\n\n{}", plain(d));
    }
    let names = |list: Vec<String>| list.join(", ");
    if !e.initiatives.is_empty() {
        let list = e
            .initiatives
            .iter()
            .map(|i| {
                ctx.reg
                    .initiatives
                    .get(i)
                    .map_or_else(|| i.clone(), |x| x.short_title().to_owned())
            })
            .collect();
        let _ = write!(
            out,
            "\n\n{}: {}",
            ctx.t(lang, "chart.initiatives"),
            names(list)
        );
    }
    if !e.actors.is_empty() {
        let list = e
            .actors
            .iter()
            .map(|a| {
                ctx.reg.actors.get(a).map_or_else(
                    || a.clone(),
                    |x| x.name_at(Some(&e.date)).name_in(lang).to_owned(),
                )
            })
            .collect();
        let _ = write!(out, "\n{}: {}", ctx.t(lang, "calendar.actors"), names(list));
    }
    if let Some(s) = &e.source {
        let _ = write!(out, "\n{}: {s}", ctx.t(lang, "calendar.source"));
    }
    out
}

/// Markdown as plain text: the words, without marks; paragraphs apart.
fn plain(markdown: &str) -> String {
    let mut out = String::new();
    for ev in Parser::new(markdown) {
        match ev {
            Md::Text(t) | Md::Code(t) => out.push_str(&t),
            Md::SoftBreak => out.push(' '),
            Md::HardBreak => out.push('\n'),
            Md::End(TagEnd::Paragraph | TagEnd::Item | TagEnd::Heading(_)) => out.push('\n'),
            Md::Start(Tag::Item) => out.push_str("- "),
            _ => {}
        }
    }
    out.trim().replace("\n\n\n", "\n\n")
}

/// A TEXT value escaped (RFC 5545 3.3.11).
fn text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            c => out.push(c),
        }
    }
    out
}

/// Writes a content line folded at 75 octets, never inside a character, with CRLF.
/// No folded line ends in a space: some readers trim them, and the words would run together.
fn fold(out: &mut String, line: &str) {
    let mut width = 0;
    for c in line.chars() {
        let n = c.len_utf8();
        // The first line holds 75 octets; each continuation a space and 74 more.
        if width + n > 75 {
            let carried = out.ends_with(' ') && width > 1;
            if carried {
                out.pop();
            }
            out.push_str("\r\n ");
            width = 1;
            if carried {
                out.push(' ');
                width += 1;
            }
        }
        out.push(c);
        width += n;
    }
    out.push_str("\r\n");
}

/// `barnevern.example.no` from `https://barnevern.example.no`.
fn host(origin: &str) -> Option<String> {
    let rest = origin.split_once("://").map_or(origin, |(_, r)| r);
    let host = rest.split(['/', ':']).next().unwrap_or("");
    (!host.is_empty()).then(|| host.to_ascii_lowercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_at_75_octets_without_splitting_characters() {
        let mut out = String::new();
        let line = format!("SUMMARY:{}", "ø".repeat(60));
        fold(&mut out, &line);
        for l in out.split("\r\n").filter(|l| !l.is_empty()) {
            assert!(l.len() <= 75, "{l:?} is {} octets", l.len());
        }
        let unfolded = out.replace("\r\n ", "");
        assert_eq!(unfolded, format!("{line}\r\n"));
    }

    #[test]
    fn no_folded_line_ends_in_a_space() {
        let mut out = String::new();
        fold(&mut out, &format!("{} bc", "a".repeat(74)));
        assert_eq!(out, format!("{}\r\n  bc\r\n", "a".repeat(74)));
    }

    #[test]
    fn escapes_text() {
        assert_eq!(text("a, b; c\\d\ne"), "a\\, b\\; c\\\\d\\ne");
    }

    #[test]
    fn spans_match_the_precision() {
        let s = |d: &str| span(&Date::parse(d).unwrap());
        assert_eq!(s("2005-09-01"), ("20050901".into(), "20050902".into()));
        assert_eq!(s("2020-12"), ("20201201".into(), "20210101".into()));
        assert_eq!(s("2018"), ("20180101".into(), "20190101".into()));
        assert_eq!(s("2024-02-29"), ("20240229".into(), "20240301".into()));
    }

    #[test]
    fn markdown_becomes_plain_text() {
        assert_eq!(
            plain("Se [sammendraget](../x.md) av *kronikken*.\nNeste linje."),
            "Se sammendraget av kronikken. Neste linje."
        );
    }

    #[test]
    fn hosts() {
        assert_eq!(
            host("https://Barnevern.example.no").as_deref(),
            Some("barnevern.example.no")
        );
        assert_eq!(host("http://127.0.0.1:8000").as_deref(), Some("127.0.0.1"));
        assert_eq!(host(""), None);
    }
}
