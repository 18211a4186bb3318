//! YAML records to typed structs, with serde_yaml's errors turned into messages a
//! writer can act on: the line of the real file, what was expected, and a hint.
//! This file finds the place; `explain.rs` finds the words.

use std::collections::BTreeSet;

use serde::de::DeserializeOwned;
use serde_yaml::Value;

use super::explain::{explain, FileKind, Place};
use super::limits;
use crate::error::Diagnostic;
use crate::model::SourceFile;

/// Parses `yaml`, which starts at line `first_line` of `file`.
pub fn parse<T: DeserializeOwned>(
    file: &SourceFile,
    yaml: &str,
    first_line: usize,
) -> Result<T, Diagnostic> {
    let cap = cap_of(file);
    // Before the parser: what it would hang on or expand without bound never reaches it.
    limits::check(yaml, cap).map_err(|r| refuse(file, yaml, first_line, cap, &r))?;
    serde_yaml::from_str(yaml).map_err(|e| diagnose(file, yaml, first_line, &e))
}

/// As `parse`, reporting every mistake in the fields, not only the first: after each
/// mistake in a value (an unknown field, a wrong type, a bad date), the lines of that
/// field are left out and the YAML is read again. A mistake in the YAML's form (an
/// unclosed bracket, a bad indentation), a missing field, or one that only follows from
/// a field left out, ends the search: what comes after it cannot be trusted.
pub fn parse_all<T: DeserializeOwned>(
    file: &SourceFile,
    yaml: &str,
    first_line: usize,
) -> Result<T, Mistakes<T>> {
    // What the limits refuse is never given to the parser, not even to look further.
    limits::check(yaml, cap_of(file)).map_err(|r| Mistakes {
        problems: vec![refuse(file, yaml, first_line, cap_of(file), &r)],
        rest: None,
    })?;
    let (first, mut kind) = match serde_yaml::from_str(yaml) {
        Ok(value) => return Ok(value),
        Err(e) => (diagnose(file, yaml, first_line, &e), Next::of(&e, yaml)),
    };
    let first_line = first_line.max(1);
    let orig: Vec<&str> = yaml.split('\n').collect();
    let mut lines: Vec<String> = orig.iter().map(|l| (*l).to_owned()).collect();
    // The keys left out so far: a field found missing after it was left out is no mistake.
    let mut keys: BTreeSet<String> = BTreeSet::new();
    let mut found = vec![first];
    // The line (of the YAML) last left out, and whether as a whole list item.
    let mut left: Option<(usize, bool)> = None;
    let mut rest = None;
    // Enough for any real file; a bound, so that no input makes this loop long.
    for _ in 0..50 {
        let Some(line) = found[found.len() - 1].location.as_ref().map(|l| l.line) else {
            break;
        };
        let step = match left {
            // A new mistake in a value: leave out its field.
            None if kind == Next::LeaveOut => match line.checked_sub(first_line) {
                Some(i) if leave_out(&orig, &mut lines, &mut keys, i, false) => (i, false),
                _ => break,
            },
            None => break,
            // What was left out was needed where it was: leave out what holds it.
            Some(at) => match widen(&orig, &mut lines, &mut keys, at) {
                Some(step) => step,
                None => break,
            },
        };
        left = Some(step);
        let text = lines.join("\n");
        if text.trim().is_empty() {
            break;
        }
        match serde_yaml::from_str::<T>(&text) {
            Ok(value) => {
                rest = Some(value);
                break;
            }
            Err(e) => {
                let next = Next::of(&e, &text);
                let d = diagnose(file, &text, first_line, &e);
                // Serde reads in order: a mistake at or above the last one, or a field
                // missing that was left out, follows from what was left out.
                let after = d.location.as_ref().is_some_and(|l| l.line > line);
                let follows = matches!(&next, Next::Missing(field) if keys.contains(field));
                if after && !follows {
                    found.push(d);
                    kind = next;
                    left = None;
                }
            }
        }
    }
    Err(Mistakes {
        problems: found,
        rest,
    })
}

/// What `parse_all` does after a mistake.
#[derive(Debug, PartialEq, Eq)]
enum Next {
    /// A mistake in one value: leave out its field and read on.
    LeaveOut,
    /// The field is missing: nothing can be read on.
    Missing(String),
    /// A mistake in the YAML's form, or in the kind of the whole record: stop.
    Stop,
}

impl Next {
    fn of(e: &serde_yaml::Error, text: &str) -> Next {
        let raw = strip_position(&e.to_string());
        let (path, raw) = split_field_path(&raw);
        if let Some(rest) = raw.strip_prefix("missing field `") {
            return Next::Missing(rest.split('`').next().unwrap_or("").to_owned());
        }
        let whole_record = path.is_empty() && raw.starts_with("invalid type");
        if whole_record || serde_yaml::from_str::<Value>(text).is_err() {
            Next::Stop
        } else {
            Next::LeaveOut
        }
    }
}

/// The mistakes `parse_all` found, and the value read without the fields that hold them
/// (`None` when it could not be read without them), so that what it refers to can be
/// checked too.
pub struct Mistakes<T> {
    pub problems: Vec<Diagnostic>,
    pub rest: Option<T>,
}

/// Indentation of a line, in bytes.
fn indent(line: &str) -> usize {
    line.len() - line.trim_start().len()
}

/// Whether a line holds something (not blank, not a comment).
fn holds(line: &str) -> bool {
    let t = line.trim_start();
    !t.is_empty() && !t.starts_with('#')
}

/// Blanks line `i` and the lines of its value (those indented deeper than its key). A
/// list item keeps its `-` unless `whole`, so the rest of the item stays where it was;
/// with `whole` the item goes, to its last line. False when there is nothing there.
fn leave_out(
    orig: &[&str],
    lines: &mut [String],
    keys: &mut BTreeSet<String>,
    i: usize,
    whole: bool,
) -> bool {
    let Some(line) = orig.get(i) else {
        return false;
    };
    if !holds(line) {
        return false;
    }
    let at = indent(line);
    let rest = line.trim_start();
    let (kept, deeper_than) = match rest.strip_prefix("- ") {
        Some(_) if whole => (String::new(), at),
        Some(after) => (
            format!("{}-", &line[..at]),
            at + 2 + (after.len() - after.trim_start().len()),
        ),
        None => (String::new(), at),
    };
    lines[i] = kept;
    keys.insert(key_of(line));
    for (j, l) in orig.iter().enumerate().skip(i + 1) {
        if holds(l) && indent(l) <= deeper_than {
            break;
        }
        keys.insert(key_of(l));
        lines[j].clear();
    }
    true
}

/// The key a line starts (`date` in `- date: 2018`), or empty.
fn key_of(line: &str) -> String {
    let t = line.trim_start();
    let t = t.strip_prefix("- ").unwrap_or(t).trim_start();
    t.split_once(':').map_or("", |(k, _)| k.trim()).to_owned()
}

/// After line `at` was left out (`whole`: as a whole list item), leaves out what holds
/// it: the whole item, else the field or item it is in. None at the top.
fn widen(
    orig: &[&str],
    lines: &mut [String],
    keys: &mut BTreeSet<String>,
    (at, whole): (usize, bool),
) -> Option<(usize, bool)> {
    let line = orig.get(at)?;
    if !whole && line.trim_start().starts_with("- ") {
        leave_out(orig, lines, keys, at, true);
        return Some((at, true));
    }
    let own = indent(line);
    let parent = (0..at)
        .rev()
        .find(|&j| holds(orig[j]) && indent(orig[j]) < own)?;
    let item = orig[parent].trim_start().starts_with("- ");
    leave_out(orig, lines, keys, parent, item);
    Some((parent, item))
}

/// How large `file`'s YAML may be.
fn cap_of(file: &SourceFile) -> usize {
    if is_events_file(&file.path) {
        limits::MAX_EVENTS_BYTES
    } else {
        limits::MAX_RECORD_BYTES
    }
}

/// `content/events/…` or a version's `content/versions/<NAME>/events/…`: a list of
/// many records, allowed to be larger than one record.
fn is_events_file(path: &str) -> bool {
    let rest = match path.strip_prefix("content/versions/") {
        Some(r) => r.split_once('/').map_or("", |(_, r)| r),
        None => path.strip_prefix("content/").unwrap_or(""),
    };
    rest.starts_with("events/")
}

/// The error for YAML refused before parsing, at its line of the real file.
fn refuse(
    file: &SourceFile,
    yaml: &str,
    first_line: usize,
    cap: usize,
    r: &limits::Refusal,
) -> Diagnostic {
    let line = first_line.max(1) + r.line;
    let front_matter = file.path.ends_with(".md");
    let (message, hint) = match &r.what {
        limits::Refused::Anchor(name) => (
            format!("`&{name}` is a YAML anchor, which records may not use"),
            "write each value out in full where it is needed (anchors and aliases can make a small file grow without limit); if this is text that starts with `&`, put the whole value in quotes: `key: \"&…\"`".to_owned(),
        ),
        limits::Refused::Alias(name) => (
            format!("`*{name}` is a YAML alias, which records may not use"),
            "write the value out in full instead of referring to another; if this is text that starts with `*` (such as *emphasis*), put the whole value in quotes: `title: \"*viktig* sak\"`".to_owned(),
        ),
        limits::Refused::TooDeep => (
            format!("the values here are nested more than {} levels deep", limits::MAX_DEPTH),
            "a record needs only a few levels of lists and fields: check that every `[` and `{` is closed, and that the indentation does not keep growing".to_owned(),
        ),
        limits::Refused::TooLarge => (
            format!(
                "{} is {} KiB, more than the {} KiB mandat reads",
                if front_matter { "the front matter" } else { "the file" },
                yaml.len().div_ceil(1024),
                cap / 1024
            ),
            if front_matter {
                "move long text from the front matter into the Markdown text below the second `---`".to_owned()
            } else {
                "split it into several files: an actor per file, events over several files in content/events/".to_owned()
            },
        ),
    };
    Diagnostic::error(file.path.clone(), message)
        .at(&file.text, line, r.column, r.width)
        .hint(hint)
}

/// `value` as YAML text, for files mandat writes itself (versions.yaml).
pub fn to_string<T: serde::Serialize>(value: &T) -> Result<String, String> {
    serde_yaml::to_string(value).map_err(|e| e.to_string())
}

/// `yaml` read as `T` when it is within the limits and reads as one, else None: for
/// text mandat checks again right after (its own versions.yaml before replacing it).
pub fn read<T: DeserializeOwned>(yaml: &str) -> Option<T> {
    limits::check(yaml, limits::MAX_RECORD_BYTES).ok()?;
    serde_yaml::from_str(yaml).ok()
}

/// The values an enum accepts, as serde lists them when it is given something else.
pub(super) fn values_of<T: DeserializeOwned>() -> Vec<String> {
    match serde_yaml::from_str::<T>("\"\"") {
        Err(e) => {
            let msg = e.to_string();
            msg.split('`')
                .skip(1)
                .step_by(2)
                .skip(1)
                .map(str::to_owned)
                .collect()
        }
        Ok(_) => Vec::new(),
    }
}

/// True when the YAML holds nothing but blank lines and comments.
pub fn is_blank(yaml: &str) -> bool {
    yaml.lines().all(|l| {
        let t = l.trim();
        t.is_empty() || t.starts_with('#')
    })
}

fn diagnose(file: &SourceFile, yaml: &str, first_line: usize, e: &serde_yaml::Error) -> Diagnostic {
    let raw = strip_position(&e.to_string());
    let (field_path, raw) = split_field_path(&raw);
    let lines: Vec<&str> = file.text.lines().collect();
    let first_line = first_line.max(1);
    let (mut line, mut column) = match e.location() {
        Some(l) => (l.line().max(1) + first_line - 1, l.column().max(1)),
        None => (first_line, 1),
    };
    if let Some((l, c)) = relocate(raw, &lines, first_line, line) {
        line = l;
        column = c;
    }
    let line_text = lines.get(line - 1).copied().unwrap_or("");
    let place = describe_place(field_path, yaml, FileKind::of(&file.path));
    let words = explain(raw, line_text, column, &place);
    let width = words
        .width
        .unwrap_or_else(|| token_width(line_text, column));
    let mut d =
        Diagnostic::error(file.path.clone(), words.message).at(&file.text, line, column, width);
    if let Some(h) = words.hint {
        d = d.hint(h);
    }
    if yaml.trim().is_empty() {
        d.message = "the record is empty".into();
    }
    d
}

/// libyaml reports some mistakes where it gave up, not where they are: an unclosed
/// bracket or quote on a later line, a duplicate key at its mapping. Finds the real place.
fn relocate(raw: &str, lines: &[&str], first: usize, line: usize) -> Option<(usize, usize)> {
    let last = line.min(lines.len());
    let column_of = |l: usize, byte: usize| lines[l - 1][..byte].chars().count() + 1;
    if raw.contains("did not find expected ',' or ']'")
        || raw.contains("did not find expected ',' or '}'")
    {
        let (open, close) = if raw.contains("']'") {
            ('[', ']')
        } else {
            ('{', '}')
        };
        let l = (first..=last).rev().find(|l| {
            let t = lines[l - 1];
            t.matches(open).count() > t.matches(close).count()
        })?;
        return Some((l, column_of(l, lines[l - 1].find(open)?)));
    }
    if raw.contains("while scanning a quoted scalar") {
        let l = (first..=last).rev().find(|l| {
            let t = lines[l - 1];
            t.matches('"').count() % 2 == 1 || t.matches('\'').count() % 2 == 1
        })?;
        let t = lines[l - 1];
        let at = match (t.find('"'), t.find('\'')) {
            (Some(a), Some(b)) => a.min(b),
            (a, b) => a.or(b)?,
        };
        return Some((l, column_of(l, at)));
    }
    // serde_yaml names a duplicate key at its mapping; point at the second occurrence.
    let key = raw
        .strip_prefix("duplicate field `")
        .or_else(|| raw.strip_prefix("duplicate entry with key \""))?;
    let key = key.trim_end_matches(['`', '"']);
    let indent = lines
        .get(line - 1)
        .map_or(0, |t| t.len() - t.trim_start().len());
    let mut hits = (line..=lines.len()).filter(|l| {
        let t = lines[l - 1];
        t.len() - t.trim_start().len() == indent && t.trim_start().starts_with(&format!("{key}:"))
    });
    hits.next()?;
    let second = hits.next()?;
    Some((second, indent + 1))
}

/// One step of serde's path to a value: `roles[1].actor` is roles, 1, actor.
#[derive(Debug, PartialEq)]
enum Step {
    Key(String),
    Index(usize),
}

fn steps(path: &str) -> Vec<Step> {
    let mut out = Vec::new();
    let mut word = String::new();
    for c in path.chars() {
        match c {
            '.' | '[' if !word.is_empty() => out.push(Step::Key(std::mem::take(&mut word))),
            '.' | '[' => {}
            ']' => {
                if let Ok(i) = word.parse() {
                    out.push(Step::Index(i));
                }
                word.clear();
            }
            c => word.push(c),
        }
    }
    if !word.is_empty() {
        out.push(Step::Key(word));
    }
    out
}

/// Says where in the record a value is, the way a writer thinks of it: "the event
/// "Start"", "the 2nd role", "`period`", rather than serde's `events[0].date`.
fn describe_place(field_path: &str, yaml: &str, file: FileKind) -> Place {
    let steps = steps(field_path);
    let field = match steps.last() {
        Some(Step::Key(k)) => Some(k.clone()),
        _ => None,
    };
    let mut place = Place {
        file,
        field,
        ..Place::default()
    };
    let Some(at) = steps.iter().rposition(|s| matches!(s, Step::Index(_))) else {
        // A field inside a group of fields: `period.end` is in `period`.
        if steps.len() >= 2 {
            if let Some(Step::Key(parent)) = steps.get(steps.len() - 2) {
                place.within = Some(format!("`{parent}`"));
            }
        }
        return place;
    };
    let Step::Index(index) = steps[at] else {
        return place;
    };
    let list = match at.checked_sub(1).map(|i| &steps[i]) {
        Some(Step::Key(k)) => Some(k.as_str()),
        _ => None,
    };
    let kind = match (list, file) {
        (None, FileKind::Events) | (Some("events"), _) => Some(("event", "title")),
        (Some("measures"), _) => Some(("measure", "title")),
        (Some("roles"), _) => Some(("role", "actor")),
        (Some("names"), _) => Some(("name", "name")),
        (Some("menu"), _) => Some(("menu item", "label")),
        _ => None,
    };
    let Some((noun, naming)) = kind else {
        place.within = list.map(|l| format!("the {} entry of `{l}`", ordinal(index + 1)));
        return place;
    };
    place.element = Some(noun);
    // The element's own name, read from the YAML when it parses as plain YAML.
    let value: Option<Value> = serde_yaml::from_str(yaml).ok();
    let mut node = value.as_ref();
    for s in &steps[..=at] {
        node = match s {
            Step::Key(k) => node.and_then(|n| n.get(k.as_str())),
            Step::Index(i) => node.and_then(|n| n.get(*i)),
        };
    }
    let name = node
        .and_then(|n| n.get(naming))
        .and_then(Value::as_str)
        .map(|s| s.trim())
        .filter(|s| !s.is_empty() && s.chars().count() <= 80);
    place.within = Some(match (name, noun) {
        (Some(n), "role") => format!("the role of `{n}`"),
        (Some(n), _) => format!("the {noun} \"{n}\""),
        (None, _) => format!("the {} {noun}", ordinal(index + 1)),
    });
    place
}

/// 1st, 2nd, 3rd, 4th, …, 11th, 12th, 13th, 21st.
fn ordinal(n: usize) -> String {
    let suffix = match (n % 10, n % 100) {
        (_, 11..=13) => "th",
        (1, _) => "st",
        (2, _) => "nd",
        (3, _) => "rd",
        _ => "th",
    };
    format!("{n}{suffix}")
}

/// serde_yaml prefixes the path of the value: "roles[1].actor: invalid type: …".
fn split_field_path(raw: &str) -> (&str, &str) {
    const STARTS: [&str; 9] = [
        "unknown field ",
        "unknown variant ",
        "missing field ",
        "invalid type: ",
        "invalid value: ",
        "duplicate ",
        "`",
        "invalid length ",
        "data did not match",
    ];
    let at = STARTS.iter().filter_map(|s| raw.find(s)).min().unwrap_or(0);
    if at >= 2 && raw[..at].ends_with(": ") {
        (raw[..at - 2].trim_start_matches('.'), &raw[at..])
    } else {
        ("", raw)
    }
}

/// The width of the value at `column`, for the caret.
fn token_width(line: &str, column: usize) -> usize {
    line.chars()
        .skip(column.saturating_sub(1))
        .take_while(|c| !c.is_whitespace() && !matches!(c, ',' | ']' | '}' | '#'))
        .count()
        .max(1)
}

/// serde_yaml appends " at line L column C"; the diagnostic shows the place itself.
fn strip_position(msg: &str) -> String {
    let mut out = msg.to_owned();
    while let Some(i) = out.find(" at line ") {
        let rest = &out[i + " at line ".len()..];
        let end = rest
            .find(" column ")
            .map(|j| {
                let after = &rest[j + " column ".len()..];
                j + " column ".len() + after.chars().take_while(char::is_ascii_digit).count()
            })
            .unwrap_or(0);
        out.replace_range(i..i + " at line ".len() + end, "");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Rec {
        title: String,
        #[serde(default)]
        tags: Vec<String>,
        #[serde(default)]
        date: Option<crate::model::Date>,
    }

    fn file(text: &str) -> SourceFile {
        SourceFile {
            path: "content/pages/om.md".into(),
            text: text.into(),
            body_line: 1,
        }
    }

    fn err(text: &str) -> Diagnostic {
        let f = file(text);
        let yaml = text.strip_prefix("---\n").unwrap_or(text);
        let yaml = yaml.split("---\n").next().unwrap_or("");
        parse::<Rec>(&f, yaml, 2).unwrap_err()
    }

    /// Every mistake `parse_all` finds: (line, message), and whether the rest was read.
    fn all(text: &str) -> (Vec<(usize, String)>, bool) {
        let f = file(text);
        let yaml = text.strip_prefix("---\n").unwrap_or(text);
        let yaml = yaml.split("---\n").next().unwrap_or("");
        let m = parse_all::<Rec>(&f, yaml, 2).unwrap_err();
        let found = m
            .problems
            .into_iter()
            .map(|d| (d.location.map_or(0, |l| l.line), d.message))
            .collect();
        (found, m.rest.is_some())
    }

    #[test]
    fn every_mistake_in_the_fields_at_once() {
        let (found, read) = all("---\ntitel: A\ntitle: B\ntags: a\ndate: 2021-13\n---\n");
        assert_eq!(
            found,
            [
                (2, "unknown field `titel`".to_owned()),
                (4, "expected a list, found the text \"a\"".to_owned()),
                (
                    5,
                    "`2021-13` has no month 13: months are 01 to 12".to_owned()
                ),
            ]
        );
        assert!(read, "the record is read without those fields");
        // A field left out that was needed is not one more mistake (`title` is not
        // reported missing), nor is what follows a mistake in the YAML's form.
        let (found, read) = all("---\ntitle: [A]\ntags: b\n---\n");
        assert_eq!(
            found,
            [
                (2, "expected text, found a list".to_owned()),
                (3, "expected a list, found the text \"b\"".to_owned()),
            ]
        );
        assert!(!read);
        let (found, _) = all("---\ntitle: A\ntags: [a\ndate: x\n---\n");
        assert_eq!(found.len(), 1, "{found:?}");
    }

    #[test]
    fn a_list_item_goes_whole_when_its_rest_is_needed() {
        let mut keys = BTreeSet::new();
        let orig = [
            "roles:",
            "  - actor: ks",
            "    rolle: x",
            "  - actor: bfd",
            "tags: [a]",
        ];
        let mut lines: Vec<String> = orig.iter().map(|l| l.to_string()).collect();
        assert!(leave_out(&orig, &mut lines, &mut keys, 2, false));
        assert_eq!(lines[2], "");
        assert_eq!(
            widen(&orig, &mut lines, &mut keys, (2, false)),
            Some((1, true))
        );
        assert_eq!(lines, ["roles:", "", "", "  - actor: bfd", "tags: [a]"]);
        assert!(keys.contains("rolle") && keys.contains("actor"));
    }

    #[test]
    fn unknown_field_with_suggestion_at_the_real_line() {
        let d = err("---\ntitle: A\ntitel: B\n---\n");
        assert_eq!(d.message, "unknown field `titel`");
        assert_eq!(d.position(), "content/pages/om.md:3:1");
        assert!(d.hint.unwrap().starts_with("did you mean `title`?"));
    }

    #[test]
    fn missing_field() {
        let d = err("---\ntags: [a]\n---\n");
        assert_eq!(d.message, "the field `title` is missing");
    }

    #[test]
    fn duplicate_keys() {
        let d = err("---\ntitle: A\ntitle: B\n---\n");
        assert_eq!(d.message, "the field `title` is written twice");
        assert_eq!(d.location.unwrap().line, 3);
    }

    #[test]
    fn wrong_type() {
        let d = err("---\ntitle: A\ntags: a\n---\n");
        assert_eq!(d.message, "expected a list, found the text \"a\"");
        assert!(d.hint.unwrap().contains("`tags: [a]`"));
    }

    #[test]
    fn tabs_brackets_and_quotes() {
        let d = err("---\ntitle: A\n\ttags: [a]\n---\n");
        assert_eq!(d.message, "a tab character is used for indentation");
        let d = err("---\ntitle: A\ntags: [a, b\n---\n");
        assert_eq!(d.message, "the list opened with `[` is not closed");
        assert_eq!(d.position(), "content/pages/om.md:3:7");
        let d = err("---\ntitle: \"A\ntags: [a]\n---\n");
        assert_eq!(d.message, "the quotation mark here is not closed");
        assert_eq!(d.position(), "content/pages/om.md:2:8");
    }

    #[test]
    fn dates_get_the_form_the_writer_meant() {
        let d = err("---\ntitle: A\ndate: 01.09.2005\n---\n");
        assert_eq!(d.message, "`01.09.2005` is not a date");
        assert_eq!(
            d.hint.as_deref(),
            Some("write it as `date: 2005-09-01` (YYYY-MM-DD)")
        );
        let d = err("---\ntitle: A\ndate: rundt 2018\n---\n");
        assert_eq!(d.width, "rundt 2018".chars().count());
    }

    #[test]
    fn never_panics_on_odd_positions() {
        for text in [
            "",
            "\n",
            "---\n:\n---\n",
            "---\n- [\n---\n",
            "---\n\"\n---\n",
        ] {
            let f = file(text);
            let _ = parse::<Rec>(&f, text, 1);
            let _ = parse::<Rec>(&f, text, 40);
        }
    }

    #[test]
    fn names_the_event_by_its_title() {
        let yaml = "- date: 2018\n  title: Start\n- date: 2019\n";
        let place = describe_place("[1]", yaml, FileKind::Events);
        assert_eq!(place.within.as_deref(), Some("the 2nd event"));
        let place = describe_place("[0].date", yaml, FileKind::Events);
        assert_eq!(place.within.as_deref(), Some("the event \"Start\""));
        let place = describe_place("period.end", "", FileKind::Initiative);
        assert_eq!(place.within.as_deref(), Some("`period`"));
        assert_eq!(place.field.as_deref(), Some("end"));
        assert_eq!(ordinal(12), "12th");
        assert_eq!(ordinal(23), "23rd");
    }

    #[test]
    fn strips_serde_positions() {
        assert_eq!(strip_position("bad thing at line 3 column 7"), "bad thing");
        assert_eq!(strip_position("a at line 3 column 7, b"), "a, b");
    }
}
