//! Warnings that catch a mistake before readers do, for `build` and `check` alike (not
//! errors: the site still builds). A site without `base_url` publishes pages without a
//! canonical address and a sitemap without full addresses; records dated after `as_of`
//! mean the site says it describes the world at a date before what it shows.

use crate::error::{Diagnostic, Severity};
use crate::model::{Date, Registry, SourceFile};

/// Every warning of this module for the current site `reg` (frozen versions are never
/// edited, so they get none).
pub fn warnings(reg: &Registry) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    out.extend(base_url(reg));
    out.extend(after_as_of(reg));
    out
}

/// A build without `base_url` (in site.yaml or `--base-url`): the preview always has one.
fn base_url(reg: &Registry) -> Option<Diagnostic> {
    let config = &reg.config;
    if !config.origin.is_empty() {
        return None;
    }
    Some(
        Diagnostic::warning(
            config.source.path.clone(),
            "site.yaml has no `base_url`: pages get no canonical address, and the sitemap and the feed no full addresses",
        )
        .hint("add the address the site is published at, e.g. `base_url: https://www.example.no/`, or build with --base-url"),
    )
}

/// Dates after `as_of`: the site describes the world as of `as_of`, so a page updated or
/// an event that happened later means `as_of` was not moved on. A date counts as after
/// only when all of it is (`2025` is not after `2025-01-01`). Events that are plans and
/// the ends and starts of periods and measures may lie ahead; they are not looked at.
fn after_as_of(reg: &Registry) -> Vec<Diagnostic> {
    let Some(as_of) = reg.config.as_of else {
        return Vec::new();
    };
    let after = |d: &Date| d.first_day() > as_of.last_day();
    let mut out = Vec::new();
    let mut warn = |src: &SourceFile,
                    at: Option<(usize, usize, usize)>,
                    what: String,
                    d: &Date,
                    hint: &str| {
        let message = format!(
            "{what} is dated {}, after `as_of: {}` in {}, the date the site describes the world at",
            d.written(),
            as_of.written(),
            reg.config.source.path
        );
        let mut w = Diagnostic::warning(src.path.clone(), message).hint(format!(
            "if the site is up to date to then, set `as_of: \"{}\"` (or later) in {}; {hint}",
            d.iso(),
            reg.config.source.path
        ));
        if let Some((line, column, width)) = at {
            w = w.at(&src.text, line, column, width);
        }
        w.severity = Severity::Warning;
        out.push(w);
    };
    for p in &reg.pages {
        let src = &p.source;
        for (key, date) in [("date:", &p.meta.date), ("updated:", &p.meta.updated)] {
            if let Some(d) = date.as_ref().filter(|d| after(d)) {
                let what = format!("the page `{}`", p.meta.title);
                warn(
                    src,
                    value_of(src, &[], key),
                    what,
                    d,
                    "else correct the date",
                );
            }
        }
    }
    for ini in reg.initiatives.values() {
        let src = &ini.source;
        if let Some(d) = ini.meta.updated.as_ref().filter(|d| after(d)) {
            let what = format!("the initiative `{}`", ini.meta.title);
            warn(
                src,
                value_of(src, &[], "updated:"),
                what,
                d,
                "else correct the date",
            );
        }
        let doc = ini.meta.source.as_ref();
        if let Some(d) = doc.and_then(|s| s.date.as_ref()).filter(|d| after(d)) {
            let what = format!("the source document of `{}`", ini.meta.title);
            let at = value_of(src, &["source:", "date:"], "date:");
            warn(src, at, what, d, "else correct the document's date");
        }
    }
    for e in &reg.events {
        let Some(src) = reg.event_sources.get(e.file) else {
            continue;
        };
        let what = format!("the event \"{}\"", e.title);
        match &e.plan {
            None if after(&e.date) => warn(
                src,
                event_value(src, &e.title, &["date:"]),
                what,
                &e.date,
                "if it is planned rather than done, add `plan:` with the document that plans it and its date (docs/format.md)",
            ),
            Some(plan) if after(&plan.date) => warn(
                src,
                event_value(src, &e.title, &["plan:", "date:"]),
                format!("the plan for {what}"),
                &plan.date,
                "else correct the date of the plan",
            ),
            _ => {}
        }
    }
    out
}

/// Where the value of `key` is written, after the keys `after`: (line, column, width).
fn value_of(src: &SourceFile, after: &[&str], key: &str) -> Option<(usize, usize, usize)> {
    let keys: Vec<&str> = after.iter().copied().filter(|k| *k != key).collect();
    let (line, column, width) = src.locate(&keys, key)?;
    value_at(src, line, column + width).or(Some((line, column, width)))
}

/// The value on `line` from `column` on: (line, its column, its width).
fn value_at(src: &SourceFile, line: usize, column: usize) -> Option<(usize, usize, usize)> {
    let text = src.text.lines().nth(line.checked_sub(1)?)?;
    let rest: String = text.chars().skip(column - 1).collect();
    let value = rest.split(" #").next().unwrap_or("");
    let skipped = value.chars().take_while(|c| c.is_whitespace()).count();
    let width = value.trim().chars().count();
    (width > 0).then_some((line, column + skipped, width))
}

/// Where the value at `keys` (`["date:"]`, `["plan:", "date:"]`) of the event titled
/// `title` is written: in the list item that holds the title, before or after it.
fn event_value(src: &SourceFile, title: &str, keys: &[&str]) -> Option<(usize, usize, usize)> {
    let (title_line, ..) = src.locate(&[], title)?;
    let lines: Vec<&str> = src.text.lines().collect();
    let is_item = |l: &str| l.trim_start().starts_with("- ");
    let indent = |l: &str| l.len() - l.trim_start().len();
    // The item starts at the nearest `- ` line at or above the title.
    let start = (1..=title_line)
        .rev()
        .find(|&n| lines.get(n - 1).is_some_and(|l| is_item(l)))?;
    let item_indent = indent(lines[start - 1]);
    let end = (start + 1..=lines.len())
        .find(|&n| {
            let l = lines[n - 1];
            is_item(l) && indent(l) <= item_indent
        })
        .unwrap_or(lines.len() + 1);
    // Each key one level deeper than the one before; the first at the item's own level.
    let mut from = start;
    let mut level = item_indent + 2;
    let mut found = None;
    for (k, key) in keys.iter().enumerate() {
        let hit = (from..end).find_map(|n| {
            let l = lines[n - 1];
            let t = l.trim_start().trim_start_matches("- ");
            let column = l.len() - t.len();
            let right_level = if k == 0 {
                column == level
            } else {
                column > level
            };
            (right_level && t.starts_with(key)).then_some((n, column))
        })?;
        from = hit.0 + 1;
        level = hit.1;
        found = Some(hit);
    }
    let (n, column) = found?;
    let key = keys.last()?;
    let before = lines[n - 1][..column + key.len()].chars().count();
    value_at(src, n, before + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(text: &str) -> SourceFile {
        SourceFile {
            path: "content/events/x.yaml".into(),
            text: text.into(),
            body_line: 1,
        }
    }

    #[test]
    fn finds_an_events_date_before_or_after_its_title() {
        let f = file("- date: 2020\n  title: A\n- title: B\n  plan:\n    source: x\n    date: 2026-02\n  date: 2027\n");
        assert_eq!(event_value(&f, "A", &["date:"]), Some((1, 9, 4)));
        assert_eq!(event_value(&f, "B", &["date:"]), Some((7, 9, 4)));
        assert_eq!(event_value(&f, "B", &["plan:", "date:"]), Some((6, 11, 7)));
        assert_eq!(value_of(&f, &["plan:"], "date:"), Some((6, 11, 7)));
    }
}
