//! The words of a YAML error: serde_yaml's and libyaml's messages ("invalid type:
//! sequence, expected struct Period") rewritten for a writer who is not a programmer,
//! each with a hint that says what to type.

use super::yaml::values_of;
use crate::error::did_you_mean;
use crate::model::{suggest_date, ACCEPTED_FORMS};

/// The kind of file a record comes from, told by its path.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum FileKind {
    Actor,
    Initiative,
    Events,
    Page,
    Site,
    #[default]
    Other,
}

impl FileKind {
    pub fn of(path: &str) -> FileKind {
        if path == "content/site.yaml" {
            FileKind::Site
        } else if path.starts_with("content/actors/") {
            FileKind::Actor
        } else if path.starts_with("content/initiatives/") {
            FileKind::Initiative
        } else if path.starts_with("content/events/") {
            FileKind::Events
        } else if path.starts_with("content/pages/") {
            FileKind::Page
        } else {
            FileKind::Other
        }
    }
}

/// Where in a record the error is.
#[derive(Debug, Default)]
pub struct Place {
    pub file: FileKind,
    /// "the event "Start"", "the 2nd role", "`period`": for the message.
    pub within: Option<String>,
    /// The kind of list element it is in ("event", "role"), for hints.
    pub element: Option<&'static str>,
    /// The field the error is about, when serde names it.
    pub field: Option<String>,
}

impl Place {
    /// " (in the event "Start")", or nothing at the top of a record.
    fn suffix(&self) -> String {
        self.within
            .as_ref()
            .map_or_else(String::new, |w| format!(" (in {w})"))
    }

    /// "to the event", "between the two `---` lines", "to this file".
    fn target(&self) -> String {
        match (self.element, &self.within, self.file) {
            (Some(e), _, _) => format!("to the {e}"),
            (None, Some(w), _) => format!("to {w}"),
            (None, None, FileKind::Page | FileKind::Initiative) => {
                "between the two `---` lines".into()
            }
            (None, None, _) => "to this file".into(),
        }
    }
}

pub struct Words {
    pub message: String,
    pub hint: Option<String>,
    /// How many characters the caret underlines, when not the token at the column.
    pub width: Option<usize>,
}

fn words(message: impl Into<String>, hint: Option<String>, width: Option<usize>) -> Words {
    Words {
        message: message.into(),
        hint,
        width,
    }
}

/// Names inside backticks: "unknown field `titel`, expected one of `title`, `date`".
fn backticked(msg: &str) -> Vec<&str> {
    msg.split('`').skip(1).step_by(2).collect()
}

/// The key and value written on a line: `  - date: 2018 # x` gives ("date", "2018").
fn key_value(line: &str) -> Option<(&str, &str)> {
    let t = line.trim_start();
    let t = t.strip_prefix("- ").unwrap_or(t);
    let (key, value) = t.split_once(':')?;
    let value = value.split(" #").next().unwrap_or("").trim();
    let key = key.trim();
    (!key.is_empty() && !key.contains(' ')).then_some((key, value))
}

/// The width of the whole value from `column` to the end of the line (less a comment).
fn value_width(line: &str, column: usize) -> usize {
    let rest: String = line.chars().skip(column.saturating_sub(1)).collect();
    rest.split(" #")
        .next()
        .unwrap_or("")
        .trim_end()
        .chars()
        .count()
        .max(1)
}

pub fn explain(raw: &str, line_text: &str, column: usize, place: &Place) -> Words {
    let names = backticked(raw);
    let suffix = place.suffix();
    let kv = key_value(line_text);
    if let Some(rest) = raw.strip_prefix("unknown field ") {
        let field = names.first().copied().unwrap_or("");
        let expected = &names[1.min(names.len())..];
        let list = expected.join(", ");
        let hint = match did_you_mean(field, expected.iter().copied()) {
            // An event is shown on timelines, never on a page of its own.
            None if field == "aliases" && place.element == Some("event") => format!(
                "an event has no page of its own, so no old address to keep: put `aliases:` on the page or initiative that had the address. The fields here are: {list}"
            ),
            Some(s) => format!("did you mean `{s}`? The fields here are: {list}"),
            None if rest.contains("there are no fields") => "this entry takes no fields".into(),
            None => format!("the fields here are: {list}"),
        };
        return words(
            format!("unknown field `{field}`{suffix}"),
            Some(hint),
            Some(field.chars().count()),
        );
    }
    if raw.starts_with("unknown variant ") {
        let value = names.first().copied().unwrap_or("");
        let expected = &names[1.min(names.len())..];
        let field = place
            .field
            .clone()
            .or_else(|| kv.map(|(k, _)| k.to_owned()));
        if matches!(field.as_deref(), Some("lang" | "language" | "languages")) {
            return words(
                format!("`{value}` is not a language mandat knows{suffix}"),
                Some("write `nb` (bokmål) or `nn` (nynorsk)".into()),
                None,
            );
        }
        let list = expected.join(", ");
        let hint = match did_you_mean(value, expected.iter().copied()) {
            Some(s) => format!("did you mean `{s}`? The valid values are: {list}"),
            None => format!("the valid values are: {list}"),
        };
        let message = match field {
            Some(f) => format!("`{value}` is not a valid `{f}`{suffix}"),
            None => format!("`{value}` is not a valid value here{suffix}"),
        };
        return words(message, Some(hint), None);
    }
    if raw.starts_with("missing field ") {
        let field = names.first().copied().unwrap_or("");
        return words(
            format!("the field `{field}` is missing{suffix}"),
            Some(missing_hint(field, place)),
            Some(1),
        );
    }
    if let Some(key) = raw
        .strip_prefix("duplicate entry with key ")
        .or_else(|| raw.strip_prefix("duplicate field "))
    {
        let key = key.trim_matches(['"', '`']);
        return words(
            format!("the field `{key}` is written twice{suffix}"),
            Some(format!("keep one `{key}:` line and remove the other")),
            Some(key.chars().count()),
        );
    }
    if raw.starts_with("invalid type: ") || raw.starts_with("invalid value: ") {
        return type_error(raw, kv, place);
    }
    if raw.contains("; write a date as") {
        let written = names.first().copied().unwrap_or("");
        let message = raw.split_once("; ").map_or(raw, |(m, _)| m);
        return words(
            format!("{message}{suffix}"),
            Some(date_hint(written, place)),
            Some(value_width(line_text, column)),
        );
    }
    syntax_error(raw, line_text, column, kv)
}

/// What to add for a missing field, with the shape it takes.
fn missing_hint(field: &str, place: &Place) -> String {
    let to = place.target();
    match (field, place.file) {
        ("period", _) => format!(
            "add the line `period:` {to}, and below it, indented by two spaces, `start: 2018` (and `end: 2024` if it has ended)"
        ),
        ("names", _) => format!(
            "add the line `names:` {to}, and below it, indented by two spaces, `- name: …`"
        ),
        ("kind", FileKind::Actor) => format!(
            "add a line `kind: …` {to}, with one of: {}",
            values_of::<crate::model::ActorKind>().join(", ")
        ),
        ("kind", FileKind::Initiative) => format!(
            "add a line `kind: …` {to}, with one of: {}",
            values_of::<crate::model::InitiativeKind>().join(", ")
        ),
        ("date" | "start", _) => format!("add a line `{field}: YYYY-MM-DD` {to} (or YYYY, or YYYY-MM)"),
        _ => format!("add a line `{field}: …` {to}"),
    }
}

/// A date mandat cannot read: the form the writer probably meant, or where the wording goes.
fn date_hint(written: &str, place: &Place) -> String {
    let field = place.field.as_deref().unwrap_or("date");
    // Which fields have a `*_label` partner for wording (docs/format.md).
    let label = match (field, place.element, place.within.as_deref()) {
        ("date", Some("event" | "measure"), _) => Some("date_label"),
        ("start", _, Some("`period`")) => Some("start_label"),
        ("end", _, Some("`period`")) => Some("end_label"),
        _ => None,
    };
    match suggest_date(written) {
        Some((iso, false)) => {
            let form = match iso.len() {
                4 => "YYYY",
                7 => "YYYY-MM",
                _ => "YYYY-MM-DD",
            };
            format!("write it as `{field}: {iso}` ({form})")
        }
        Some((year, true)) => match label {
            Some(label) => format!(
                "write the date you know in `{field}` and the wording in `{label}`: `{field}: {year}` and `{label}: {written}` (a part of a year such as `høsten {year}`, `våren {year}` or `tidlig i {year}` can stand in `{field}` itself)"
            ),
            None => format!(
                "write only the date you know, such as `{field}: {year}` (YYYY, YYYY-MM or YYYY-MM-DD)"
            ),
        },
        None => ACCEPTED_FORMS.to_owned(),
    }
}

/// "invalid type: sequence, expected a string" to "expected text, found a list", with a
/// hint written from the line itself.
fn type_error(raw: &str, kv: Option<(&str, &str)>, place: &Place) -> Words {
    let rest = raw
        .strip_prefix("invalid type: ")
        .or_else(|| raw.strip_prefix("invalid value: "))
        .unwrap_or(raw);
    let (found_raw, expected_raw) = rest.split_once(", expected ").unwrap_or((rest, ""));
    let found_word = found_raw.split_whitespace().next().unwrap_or("");
    // The value as written: serde puts it in backticks and may add its type after
    // ("integer `18446744073709551616` as u128" for a number too large for 64 bits).
    let inner = || {
        let rest = found_raw.split_once(' ').map_or("", |(_, v)| v);
        backticked(rest)
            .first()
            .copied()
            .unwrap_or_else(|| rest.trim_matches('`'))
    };
    let found = match found_word {
        "sequence" => "a list".to_owned(),
        "map" => "a group of fields".to_owned(),
        "string" => format!("the text {}", inner()),
        "integer" => format!("the number {}", inner()),
        "floating" => format!(
            "the number {}",
            found_raw.rsplit(' ').next().unwrap_or("").trim_matches('`')
        ),
        "boolean" => format!("`{}`", inner()),
        "unit" => "nothing".to_owned(),
        _ => found_raw.to_owned(),
    };
    let expected = match expected_raw {
        "a string" => "text".to_owned(),
        "a sequence" => "a list".to_owned(),
        "a boolean" => "true or false".to_owned(),
        "i64" | "u64" | "u32" | "i32" | "usize" => "a whole number".to_owned(),
        e if e.starts_with("struct ") || e.starts_with("a map") => {
            "a group of fields (`key: value` lines)".to_owned()
        }
        e if e.contains("YAML tag") || e.starts_with("enum ") => "a single value".to_owned(),
        e => e.to_owned(),
    };
    let suffix = place.suffix();
    let key = kv.map_or("key", |(k, _)| k);
    let value = kv.map_or("", |(_, v)| v);
    let whole = matches!(expected_raw, "i64" | "u64" | "u32" | "i32" | "usize");
    if whole && found_word == "integer" {
        return words(
            format!(
                "the number {} is too {}{suffix}",
                inner(),
                if inner().starts_with('-') {
                    "small"
                } else {
                    "large"
                }
            ),
            Some(format!(
                "write a whole number between {} and {}, such as `{key}: 10`",
                i64::MIN,
                i64::MAX
            )),
            None,
        );
    }
    if found_word == "unit" {
        return words(
            format!("`{key}:` has no value{suffix}"),
            Some(format!("write a value after `{key}:`, or remove the line")),
            None,
        );
    }
    if place.file == FileKind::Events && place.within.is_none() && found_word == "map" {
        return words(
            "an events file must be a list of events, but this is a group of fields",
            Some(
                "start each event with `- `: a line `- date: 2018`, then `  title: …` indented by two spaces below it"
                    .into(),
            ),
            None,
        );
    }
    let hint = match expected_raw {
        "a sequence" if found_word == "map" => format!(
            "write a list below `{key}:`: one entry per line, each starting with `- `"
        ),
        "a sequence" if !value.is_empty() => format!(
            "write it as a list: `{key}: [{value}]`, or one `- {value}` per line below `{key}:`"
        ),
        "a sequence" => "write a list: `[a, b]` on one line, or one `- item` per line below the key".into(),
        "a string" if !value.is_empty() => format!(
            "write plain text here; if the text starts with `[`, `{{`, `*`, `&` or `!`, put it in quotes: `{key}: \"{value}\"`"
        ),
        "a string" => "write plain text here".into(),
        "a boolean" => format!("write `{key}: true` or `{key}: false`"),
        "i64" | "u64" | "u32" | "i32" | "usize" => format!("write a whole number, such as `{key}: 10`"),
        e if e.contains("a date") => ACCEPTED_FORMS.to_owned(),
        e if e.contains("YAML tag") || e.starts_with("enum ") => {
            let single = value.trim_matches(['[', ']', ' ']);
            format!("write one value without brackets: `{key}: {single}`")
        }
        _ if expected.starts_with("a group") => match key {
            "period" => "write `period:` alone on its line, and below it, indented by two spaces, `start: 2018` and `end: 2024`".into(),
            "source" => "write `source:` alone on its line, and below it, indented by two spaces, `title: …` (and `publisher:`, `date:`, `reference:`, `url:` as needed)".into(),
            _ if place.element == Some("event") => "each event is a group of fields: a line `- date: 2018`, then `  title: …` indented by two spaces below it".into(),
            _ => format!("write `{key}:` alone on its line, and its fields below it, indented, one `key: value` per line"),
        },
        _ => format!("write {expected} here"),
    };
    words(
        format!("expected {expected}, found {found}{suffix}"),
        Some(hint),
        None,
    )
}

/// libyaml's syntax errors, in plain words, with what to type.
fn syntax_error(raw: &str, line_text: &str, column: usize, kv: Option<(&str, &str)>) -> Words {
    let at_tab = line_text.chars().take(column.max(1)).any(|c| c == '\t');
    if at_tab || (raw.contains("cannot start any token") && line_text.contains('\t')) {
        return words(
            "a tab character is used for indentation",
            Some("YAML allows only spaces for indentation: replace the tab with spaces".into()),
            Some(1),
        );
    }
    let key = kv.map_or("title", |(k, _)| k);
    let value = kv.map_or("…", |(_, v)| v);
    if line_text.trim_start().starts_with(':') && raw.contains("did not find expected key") {
        return words(
            "this line starts with `:`, with no field name before it",
            Some("write the name of the field before the colon, e.g. `title: Om nettstedet`, or remove the line".into()),
            Some(1),
        );
    }
    if raw.contains("did not find expected ',' or ']'") {
        return words(
            "the list opened with `[` is not closed",
            Some(match value.strip_prefix('[') {
                Some(items) if !items.contains(']') && !items.trim().is_empty() => format!(
                    "end the list with `]` on the same line: `{key}: [{}]`",
                    items.trim()
                ),
                _ => format!("end the list with `]` on the same line: `{key}: [a, b]`"),
            }),
            Some(1),
        );
    }
    if raw.contains("did not find expected ',' or '}'") {
        return words(
            "the `{` here is not closed",
            Some(format!(
                "end it with `}}` on the same line, or, if it is text, put the whole value in quotes: `{key}: \"{value}\"`"
            )),
            Some(1),
        );
    }
    if raw.contains("while scanning a quoted scalar") {
        return words(
            "the quotation mark here is not closed",
            Some(
                "end the text with the same quotation mark it starts with, on the same line: `title: \"…\"`"
                    .into(),
            ),
            Some(1),
        );
    }
    if raw.contains("mapping values are not allowed") {
        let indent = line_text.len() - line_text.trim_start().len();
        return if indent > 0 && !line_text.trim_start().starts_with("- ") {
            words(
                "this line is indented more than a field on its own",
                Some(format!(
                    "move `{key}:` to the same column as the fields above it; or, if it belongs under the line above, end that line with `:` and nothing after it"
                )),
                Some(1),
            )
        } else {
            words(
                "the value contains `: ` (a colon and a space), which starts a new field",
                Some(format!(
                    "put the whole value in quotes: `{key}: \"{}\"`",
                    line_text
                        .split_once(": ")
                        .map_or(value, |(_, v)| v.trim())
                        .replace('"', "'")
                )),
                Some(1),
            )
        };
    }
    if raw.contains("block sequence entries are not allowed") {
        return words(
            "a `- ` list entry cannot stand after a value on the same line",
            Some(format!(
                "end the line with `{key}:`, and put each entry on its own line below it, starting with `- `"
            )),
            Some(1),
        );
    }
    if raw.contains("did not find expected '-' indicator") {
        return words(
            "this line is not lined up with the list entries above it",
            Some("start every `- ` entry of a list in the same column".into()),
            Some(1),
        );
    }
    if raw.contains("did not find expected key")
        || raw.contains("did not find expected node content")
    {
        return words(
            "the indentation here does not match the lines above",
            Some(
                "fields at the same level must start in the same column (use spaces, not tabs)"
                    .into(),
            ),
            Some(1),
        );
    }
    if raw.contains("could not find expected ':'") {
        return words(
            "a line has no `:` after its field name",
            Some("write each field as `key: value`".into()),
            Some(1),
        );
    }
    if raw.contains("cannot start any token")
        || raw.contains("unknown anchor")
        || raw.contains("undefined alias")
        || raw.contains("did not find expected alphabetic or numeric character")
    {
        let c = line_text
            .chars()
            .nth(column.saturating_sub(1))
            .filter(|c| !c.is_whitespace())
            .unwrap_or('*');
        return words(
            format!("a value cannot start with `{c}`"),
            Some(format!(
                "put the whole value in quotes: `{key}: \"{value}\"`"
            )),
            Some(1),
        );
    }
    if raw.contains("unexpected end of stream") {
        return words(
            "the file ends in the middle of a value",
            Some("check that every quotation mark and bracket is closed".into()),
            Some(1),
        );
    }
    words(
        format!("this line cannot be read as YAML ({raw})"),
        Some("compare the line with the examples in docs/writing.md".into()),
        Some(1),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_enum_values() {
        let v = values_of::<crate::model::InitiativeKind>();
        assert_eq!(v, ["forum", "agreement", "strategy", "reform", "programme"]);
    }

    #[test]
    fn reads_keys_and_values() {
        assert_eq!(key_value("  - date: 2018 # x"), Some(("date", "2018")));
        assert_eq!(key_value("just text"), None);
    }

    #[test]
    fn hints_at_date_labels() {
        let place = Place {
            file: FileKind::Events,
            element: Some("event"),
            within: Some("the event \"A\"".into()),
            field: Some("date".into()),
        };
        assert_eq!(
            date_hint("rundt 2018", &place),
            "write the date you know in `date` and the wording in `date_label`: `date: 2018` and `date_label: rundt 2018` (a part of a year such as `høsten 2018`, `våren 2018` or `tidlig i 2018` can stand in `date` itself)"
        );
    }
}
