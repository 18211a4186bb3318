//! YAML records to typed structs, with serde_yaml's errors turned into messages a
//! writer can act on: the line of the real file, what was expected, and a hint.

use serde::de::DeserializeOwned;

use crate::error::{did_you_mean, Diagnostic};
use crate::model::SourceFile;

/// Parses `yaml`, which starts at line `first_line` of `file`.
pub fn parse<T: DeserializeOwned>(
    file: &SourceFile,
    yaml: &str,
    first_line: usize,
) -> Result<T, Diagnostic> {
    serde_yaml::from_str(yaml).map_err(|e| diagnose(file, yaml, first_line, &e))
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
    let (mut line, mut column) = match e.location() {
        Some(l) => (l.line() + first_line - 1, l.column()),
        None => (first_line, 1),
    };
    let lines: Vec<&str> = file.text.lines().collect();
    // libyaml notices an unclosed bracket only on a later line: point at the bracket.
    if raw.contains("did not find expected ',' or ']'")
        || raw.contains("did not find expected ',' or '}'")
    {
        let open = if raw.contains("']'") {
            ('[', ']')
        } else {
            ('{', '}')
        };
        if let Some(l) = (first_line..=line.min(lines.len())).rev().find(|l| {
            let t = lines[l - 1];
            t.matches(open.0).count() > t.matches(open.1).count()
        }) {
            line = l;
            column = lines[l - 1]
                .find(open.0)
                .map_or(1, |b| lines[l - 1][..b].chars().count() + 1);
        }
    }
    // serde_yaml names a duplicate key at its mapping; point at the second occurrence.
    if let Some(key) = raw
        .strip_prefix("duplicate field `")
        .or_else(|| raw.strip_prefix("duplicate entry with key \""))
    {
        let key = key.trim_end_matches(['`', '"']);
        let indent = lines
            .get(line - 1)
            .map_or(0, |t| t.len() - t.trim_start().len());
        let hits: Vec<usize> = (line..=lines.len())
            .filter(|l| {
                let t = lines[l - 1];
                t.len() - t.trim_start().len() == indent
                    && t.trim_start().starts_with(&format!("{key}:"))
            })
            .collect();
        if let Some(second) = hits.get(1) {
            line = *second;
            column = indent + 1;
        }
    }
    let line_text = lines.get(line.saturating_sub(1)).copied().unwrap_or("");
    let (mut message, hint, width) = explain(raw, line_text, column);
    let width = width.unwrap_or_else(|| token_width(line_text, column));
    if field_path.contains(['.', '[']) && !message.contains(field_path) {
        message = format!("{message} (in `{field_path}`)");
    }
    let mut d = Diagnostic::error(file.path.clone(), message).at(&file.text, line, column, width);
    if let Some(h) = hint {
        d = d.hint(h);
    }
    if yaml.trim().is_empty() {
        d.message = "the record is empty".into();
    }
    d
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

/// "invalid type: sequence, expected a string" to "expected text, found a list".
fn humanize_type_error(raw: &str) -> String {
    let Some(rest) = raw
        .strip_prefix("invalid type: ")
        .or_else(|| raw.strip_prefix("invalid value: "))
    else {
        return raw.to_owned();
    };
    let Some((found, expected)) = rest.split_once(", expected ") else {
        return raw.to_owned();
    };
    let found = match found.split_whitespace().next().unwrap_or("") {
        "sequence" => "a list".to_owned(),
        "map" => "a group of fields".to_owned(),
        "string" => format!("the text {}", &found["string ".len().min(found.len())..]),
        "integer" | "floating" => format!(
            "the number {}",
            found
                .split_whitespace()
                .nth(1)
                .unwrap_or("")
                .trim_start_matches("point ")
        ),
        "boolean" => format!(
            "{} (true or false)",
            found.split_whitespace().nth(1).unwrap_or("")
        ),
        "unit" => "nothing".to_owned(),
        _ => found.to_owned(),
    };
    let expected = match expected {
        "a string" => "text".to_owned(),
        "a sequence" => "a list".to_owned(),
        "a boolean" => "true or false".to_owned(),
        "i64" | "u64" | "u32" | "i32" => "a whole number".to_owned(),
        e if e.starts_with("struct ") || e.starts_with("a map") => {
            "a group of fields (`key: value` lines)".to_owned()
        }
        e => e.to_owned(),
    };
    format!("expected {expected}, found {found}")
}

/// Names inside backticks: "unknown field `titel`, expected one of `title`, `date`".
fn backticked(msg: &str) -> Vec<&str> {
    msg.split('`').skip(1).step_by(2).collect()
}

fn explain(raw: &str, line_text: &str, column: usize) -> (String, Option<String>, Option<usize>) {
    let names = backticked(raw);
    if let Some(rest) = raw.strip_prefix("unknown field ") {
        let field = names.first().copied().unwrap_or("");
        let expected = &names[1.min(names.len())..];
        let list = expected.join(", ");
        let hint = match did_you_mean(field, expected.iter().copied()) {
            Some(s) => format!("did you mean `{s}`? The fields here are: {list}"),
            None if rest.contains("there are no fields") => "this entry takes no fields".to_owned(),
            None => format!("the fields here are: {list}"),
        };
        return (
            format!("unknown field `{field}`"),
            Some(hint),
            Some(field.chars().count()),
        );
    }
    if raw.starts_with("unknown variant ") {
        let value = names.first().copied().unwrap_or("");
        let expected = &names[1.min(names.len())..];
        let list = expected.join(", ");
        let hint = match did_you_mean(value, expected.iter().copied()) {
            Some(s) => format!("did you mean `{s}`? The valid values are: {list}"),
            None => format!("the valid values are: {list}"),
        };
        return (
            format!("`{value}` is not a valid value here"),
            Some(hint),
            None,
        );
    }
    if raw.starts_with("missing field ") {
        let field = names.first().copied().unwrap_or("");
        return (
            format!("missing field `{field}`"),
            Some(format!("add a line `{field}: …` to this record")),
            Some(1),
        );
    }
    if let Some(key) = raw
        .strip_prefix("duplicate entry with key ")
        .or_else(|| raw.strip_prefix("duplicate field "))
    {
        let key = key.trim_matches(['"', '`']);
        return (
            format!("the field `{key}` is written twice"),
            Some(format!("keep one `{key}:` line and remove the other")),
            Some(key.chars().count()),
        );
    }
    if raw.starts_with("invalid type: ") || raw.starts_with("invalid value: ") {
        let hint = if raw.contains("expected a sequence") {
            Some(
                "write a list: `[a, b]` on one line, or one `- item` per line below the key"
                    .to_owned(),
            )
        } else if raw.contains("expected a string") {
            Some("write text here; put it in quotes if it starts with a special character such as `[`, `{`, `*` or `&`".to_owned())
        } else if raw.contains("expected a boolean") {
            Some("write `true` or `false`".to_owned())
        } else if raw.contains("expected struct") || raw.contains("expected a map") {
            Some(
                "write the fields of this entry indented below it, one `key: value` per line"
                    .to_owned(),
            )
        } else if raw.contains("a date") {
            Some(crate::model::ACCEPTED_FORMS.to_owned())
        } else {
            None
        };
        return (humanize_type_error(raw), hint, None);
    }
    if raw.contains("; write a date as") {
        let (msg, forms) = raw.split_once("; ").unwrap_or((raw, ""));
        return (msg.to_owned(), Some(forms.to_owned()), None);
    }
    let at_tab = line_text.chars().take(column.max(1)).any(|c| c == '\t');
    if at_tab || (raw.contains("cannot start any token") && line_text.contains('\t')) {
        return (
            "a tab character is used for indentation".to_owned(),
            Some("YAML allows only spaces for indentation: replace the tab with spaces".to_owned()),
            Some(1),
        );
    }
    let hint = if raw.contains("did not find expected ',' or ']'")
        || raw.contains("did not find expected ',' or '}'")
    {
        Some("a `[` or `{` is not closed: check that every bracket has its partner on the same entry")
    } else if raw.contains("found unexpected end of stream") || raw.contains("found unknown escape")
    {
        Some("a quotation mark is not closed: end the text with the same kind of quote it starts with")
    } else if raw.contains("mapping values are not allowed") {
        Some("a text value contains `: `; put the whole value in quotes")
    } else if raw.contains("did not find expected key") || raw.contains("did not find expected") {
        Some("check the indentation: entries at the same level must start in the same column")
    } else if raw.contains("found character that cannot start any token") {
        Some("a value starts with a special character (such as `@` or `` ` ``); put the value in quotes")
    } else {
        None
    };
    (
        format!("invalid YAML: {raw}"),
        hint.map(str::to_owned),
        Some(1),
    )
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
        assert_eq!(d.message, "missing field `title`");
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
        assert!(d.hint.unwrap().contains("write a list"));
    }

    #[test]
    fn tabs_and_brackets() {
        let d = err("---\ntitle: A\n\ttags: [a]\n---\n");
        assert_eq!(d.message, "a tab character is used for indentation");
        let d = err("---\ntitle: A\ntags: [a, b\n---\n");
        assert!(d.hint.unwrap().contains("is not closed"), "{}", d.message);
    }

    #[test]
    fn strips_serde_positions() {
        assert_eq!(strip_position("bad thing at line 3 column 7"), "bad thing");
        assert_eq!(strip_position("a at line 3 column 7, b"), "a, b");
    }
}
