//! Splits a Markdown file into its YAML front matter and body, remembering the line
//! each starts on so errors point at lines of the real file.

/// The parts of a file with front matter. Lines are 1-based lines of the whole file.
#[derive(Debug, PartialEq, Eq)]
pub struct Split<'a> {
    pub yaml: &'a str,
    pub yaml_line: usize,
    pub body: &'a str,
    pub body_line: usize,
}

/// Why a file could not be split: the line, the message and what to do.
#[derive(Debug, PartialEq, Eq)]
pub struct SplitError {
    pub line: usize,
    pub message: &'static str,
    pub hint: String,
}

fn is_fence(line: &str) -> bool {
    line.trim_end() == "---"
}

pub fn split(text: &str) -> Result<Split<'_>, SplitError> {
    if text.trim().is_empty() {
        return Err(SplitError {
            line: 1,
            message: "the file is empty",
            hint: "start the file with a line `---`, then `title: …`, then a line `---`, then the text".into(),
        });
    }
    let first_end = text.find('\n').unwrap_or(text.len());
    if !is_fence(&text[..first_end]) {
        return Err(SplitError {
            line: 1,
            message: "the file does not start with front matter",
            hint: "the first line must be `---`, followed by the fields (such as `title: …`) and another line `---`".into(),
        });
    }
    let yaml_start = (first_end + 1).min(text.len());
    let mut offset = yaml_start;
    for (line, l) in (2..).zip(text[yaml_start..].split_inclusive('\n')) {
        if is_fence(l) || l.trim_end() == "..." {
            let body_start = offset + l.len();
            return Ok(Split {
                yaml: &text[yaml_start..offset],
                yaml_line: 2,
                body: &text[body_start..],
                body_line: line + 1,
            });
        }
        offset += l.len();
    }
    // Where the fields probably end: the first line that is not a field, a list entry,
    // an indented line or a comment.
    let end = (2..).zip(text[yaml_start..].lines()).find(|(_, l)| {
        let t = l.trim_start();
        let field = t
            .split_once(':')
            .is_some_and(|(k, _)| !k.is_empty() && !k.contains(' '));
        t.is_empty() || !(field || t.starts_with("- ") || t.starts_with('#') || l.starts_with(' '))
    });
    Err(SplitError {
        line: 1,
        message: "the front matter is not closed",
        hint: match end {
            Some((n, _)) => format!(
                "add a line `---` after the last field, before the text (probably as line {n})"
            ),
            None => "add a line `---` after the last field, before the text".into(),
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_and_counts_lines() {
        let s = split("---\ntitle: A\ndate: 2020\n---\n# Body\n").unwrap();
        assert_eq!(s.yaml, "title: A\ndate: 2020\n");
        assert_eq!(s.yaml_line, 2);
        assert_eq!(s.body, "# Body\n");
        assert_eq!(s.body_line, 5);
    }

    #[test]
    fn accepts_empty_body_and_trailing_spaces() {
        let s = split("--- \ntitle: A\n---").unwrap();
        assert_eq!(s.yaml, "title: A\n");
        assert_eq!(s.body, "");
    }

    #[test]
    fn refuses_missing_and_unclosed_fences() {
        assert_eq!(
            split("title: A\n").unwrap_err().message,
            "the file does not start with front matter"
        );
        assert_eq!(
            split("---\ntitle: A\n").unwrap_err().message,
            "the front matter is not closed"
        );
        assert_eq!(split("  \n").unwrap_err().message, "the file is empty");
    }

    #[test]
    fn guesses_where_an_unclosed_front_matter_ends() {
        let e = split("---\ntitle: A\ntags:\n  - a\n\nText.\n").unwrap_err();
        assert!(e.hint.ends_with("(probably as line 5)"), "{}", e.hint);
    }

    #[test]
    fn a_rule_in_the_body_is_not_a_fence() {
        let s = split("---\ntitle: A\n---\ntext\n---\nmore\n").unwrap();
        assert_eq!(s.body, "text\n---\nmore\n");
    }
}
