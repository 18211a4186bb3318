//! What YAML a record may hold, checked on the text before the parser sees it: no
//! anchors or aliases (an alias can make a small file expand into gigabytes), a size
//! cap, and a nesting cap (libyaml's time grows with the square of the nesting depth).
//!
//! This is a small tokenizer, not a YAML parser: it knows enough of the syntax
//! (quotes, comments, block scalars, plain text running over several lines, flow
//! brackets) to find where a value starts, because only there do `&` and `*` begin an
//! anchor or an alias. `R&D` or `**viktig**` inside text are text.

/// The most bytes of YAML read from one record or front matter.
pub const MAX_RECORD_BYTES: usize = 1 << 20;
/// The most bytes of an events file, which holds a whole list of records.
pub const MAX_EVENTS_BYTES: usize = 8 << 20;
/// The deepest nesting of lists and groups of fields accepted.
pub const MAX_DEPTH: usize = 32;

/// Why YAML text is refused, and where (0-based line of the text, 1-based column).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    pub what: Refused,
    pub line: usize,
    pub column: usize,
    pub width: usize,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refused {
    /// `&name`, with the name.
    Anchor(String),
    /// `*name`, with the name.
    Alias(String),
    TooDeep,
    TooLarge,
}

/// Checks `yaml` against the limits; `max_bytes` is the size cap for this kind of file.
pub fn check(yaml: &str, max_bytes: usize) -> Result<(), Refusal> {
    if yaml.len() > max_bytes {
        return Err(Refusal {
            what: Refused::TooLarge,
            line: 0,
            column: 1,
            width: 1,
        });
    }
    // Most records have neither sign nor brackets deeper than a line: nothing to scan.
    Scanner::default().scan(yaml)
}

/// Where the scanner is between lines.
#[derive(Default)]
struct Scanner {
    /// Inside a quoted value that runs over lines: its quotation mark.
    quote: Option<u8>,
    /// Inside a block value (`|` or `>`): lines indented more than this are its text.
    block_text: Option<usize>,
    /// The line before ended inside plain text owned by a key or entry at this indent;
    /// lines indented more than it go on with that text.
    plain: Option<usize>,
    /// How many `[` or `{` are open.
    flow: usize,
    /// In brackets: whether the next non-space character starts a value.
    flow_value_starts: bool,
    /// The indents of the block collections open above the current line.
    indents: Vec<usize>,
}

fn is_space(b: u8) -> bool {
    b == b' ' || b == b'\t'
}

impl Scanner {
    fn scan(&mut self, yaml: &str) -> Result<(), Refusal> {
        for (n, line) in yaml.lines().enumerate() {
            self.line(n, line)?;
        }
        Ok(())
    }

    fn line(&mut self, n: usize, line: &str) -> Result<(), Refusal> {
        let bytes = line.as_bytes();
        let indent = bytes.iter().take_while(|&&b| b == b' ').count();
        let blank = bytes[indent..].iter().all(|&b| is_space(b));
        if let Some(owner) = self.block_text {
            if blank || indent > owner {
                return Ok(());
            }
            self.block_text = None;
        }
        let mut at = indent;
        let mut starts = self.flow == 0 || self.flow_value_starts;
        if self.quote.is_some() {
            at = match self.skip_quote(bytes, at) {
                Some(end) => end,
                None => return Ok(()),
            };
            starts = false;
        } else if self.flow == 0 {
            if blank || bytes[indent] == b'#' {
                return Ok(());
            }
            if let Some(owner) = self.plain {
                if indent > owner {
                    // More of the text on the line above: `&` here is text.
                    return Ok(());
                }
                self.plain = None;
            }
            if indent == 0 && (line.starts_with("---") || line.starts_with("...")) {
                if bytes.get(3).is_none_or(|&b| is_space(b)) {
                    self.indents.clear();
                    at = 3;
                }
            } else if indent == 0 && bytes[0] == b'%' {
                return Ok(());
            }
            while self.indents.last().is_some_and(|&i| i >= indent) {
                self.indents.pop();
            }
            self.indents.push(indent);
            self.deep(n, indent)?;
        }
        self.tokens(n, bytes, at, starts, indent)
    }

    /// Refuses nesting deeper than `MAX_DEPTH`, at the place it goes too deep.
    fn deep(&self, n: usize, column: usize) -> Result<(), Refusal> {
        if self.indents.len() + self.flow > MAX_DEPTH {
            return Err(Refusal {
                what: Refused::TooDeep,
                line: n,
                column: column + 1,
                width: 1,
            });
        }
        Ok(())
    }

    /// The tokens of one line from byte `at`; `starts` says whether a value may start at
    /// the next non-space byte, `owner` is the indent of the key or entry a value here
    /// belongs to.
    fn tokens(
        &mut self,
        n: usize,
        bytes: &[u8],
        mut at: usize,
        mut starts: bool,
        mut owner: usize,
    ) -> Result<(), Refusal> {
        let mut first = true;
        while at < bytes.len() {
            let b = bytes[at];
            let spaced = bytes.get(at + 1).is_none_or(|&x| is_space(x));
            if is_space(b) {
                at += 1;
                continue;
            }
            if b == b'#' && (at == 0 || is_space(bytes[at - 1])) {
                break;
            }
            if b == b'"' || b == b'\'' {
                self.quote = Some(b);
                match self.skip_quote(bytes, at + 1) {
                    Some(end) => {
                        at = end;
                        starts = false;
                        first = false;
                        continue;
                    }
                    None => return Ok(()),
                }
            }
            if (b == b'&' || b == b'*') && starts {
                let name = name_at(bytes, at + 1);
                let width = name.chars().count() + 1;
                let what = if b == b'&' {
                    Refused::Anchor(name)
                } else {
                    Refused::Alias(name)
                };
                return Err(Refusal {
                    what,
                    line: n,
                    column: char_column(bytes, at),
                    width,
                });
            }
            if self.flow > 0 {
                match b {
                    b'[' | b'{' => {
                        self.flow += 1;
                        self.deep(n, char_column(bytes, at) - 1)?;
                        starts = true;
                    }
                    b']' | b'}' => {
                        self.flow -= 1;
                        // Back in block context after the last bracket: only `: ` may follow.
                        starts = false;
                    }
                    b',' => starts = true,
                    b':' if spaced || starts => starts = true,
                    _ => {
                        // Plain text inside brackets: to the next `,`, bracket or `: `.
                        starts = false;
                        while at < bytes.len() {
                            let c = bytes[at];
                            let spaced = bytes.get(at + 1).is_none_or(|&x| is_space(x));
                            if matches!(c, b',' | b'[' | b']' | b'{' | b'}')
                                || c == b':' && spaced
                                || c == b'#' && at > 0 && is_space(bytes[at - 1])
                            {
                                break;
                            }
                            at += 1;
                        }
                        continue;
                    }
                }
                at += 1;
                continue;
            }
            // Block context.
            if !starts {
                // After a quoted key or a closed bracket: `"a": value`.
                if b == b':' && spaced {
                    starts = true;
                }
                at += 1;
                continue;
            }
            match b {
                b'-' | b'?' | b':' if spaced => {
                    owner = char_column(bytes, at) - 1;
                    if b == b'-' && !first {
                        // `- - a`: a list inside a list entry is one level deeper.
                        self.indents.push(owner);
                        self.deep(n, owner)?;
                    }
                    at += 1;
                }
                b'[' | b'{' => {
                    self.flow = 1;
                    self.deep(n, char_column(bytes, at) - 1)?;
                    at += 1;
                }
                b'|' | b'>' => {
                    self.block_text = Some(owner);
                    return Ok(());
                }
                b'!' => {
                    // A tag (`!!str`) comes before the value.
                    while at < bytes.len() && !is_space(bytes[at]) {
                        at += 1;
                    }
                }
                _ => {
                    // Plain text, a key (`key: value`), or both.
                    let start = at;
                    while at < bytes.len() {
                        let c = bytes[at];
                        let spaced = bytes.get(at + 1).is_none_or(|&x| is_space(x));
                        if c == b':' && spaced || c == b'#' && at > 0 && is_space(bytes[at - 1]) {
                            break;
                        }
                        at += 1;
                    }
                    if at < bytes.len() && bytes[at] == b':' {
                        owner = char_column(bytes, start) - 1;
                        at += 1;
                    } else {
                        // Text that may go on over the next lines.
                        self.plain = Some(owner);
                        return Ok(());
                    }
                }
            }
            first = false;
        }
        if self.flow > 0 {
            self.flow_value_starts = starts;
        }
        Ok(())
    }

    /// Skips to the end of the quoted text begun before `at`; None when it goes on past
    /// the line. Clears `quote` when it ends.
    fn skip_quote(&mut self, bytes: &[u8], mut at: usize) -> Option<usize> {
        let q = self.quote?;
        while at < bytes.len() {
            let b = bytes[at];
            if q == b'"' && b == b'\\' {
                at += 2;
                continue;
            }
            if b == q {
                if q == b'\'' && bytes.get(at + 1) == Some(&b'\'') {
                    at += 2;
                    continue;
                }
                self.quote = None;
                return Some(at + 1);
            }
            at += 1;
        }
        None
    }
}

/// The name after `&` or `*`: up to a space, a comma or a bracket.
fn name_at(bytes: &[u8], at: usize) -> String {
    let end = bytes[at.min(bytes.len())..]
        .iter()
        .position(|&b| is_space(b) || matches!(b, b',' | b'[' | b']' | b'{' | b'}'))
        .map_or(bytes.len(), |p| at + p);
    String::from_utf8_lossy(&bytes[at.min(end)..end]).into_owned()
}

/// The 1-based column, in characters, of byte `at` of a line.
fn char_column(bytes: &[u8], at: usize) -> usize {
    String::from_utf8_lossy(&bytes[..at.min(bytes.len())])
        .chars()
        .count()
        + 1
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refused(yaml: &str) -> Option<(Refused, usize, usize)> {
        check(yaml, MAX_RECORD_BYTES)
            .err()
            .map(|r| (r.what, r.line + 1, r.column))
    }

    #[test]
    fn finds_anchors_and_aliases_where_values_start() {
        assert_eq!(
            refused("a: &x hei\nb: *x\n"),
            Some((Refused::Anchor("x".into()), 1, 4))
        );
        assert_eq!(
            refused("a: hei\nb: [1, *x]\n"),
            Some((Refused::Alias("x".into()), 2, 8))
        );
        assert_eq!(
            refused("- &a\n  - 1\n"),
            Some((Refused::Anchor("a".into()), 1, 3))
        );
        assert_eq!(
            refused("a:\n  - title: *viktig*\n"),
            Some((Refused::Alias("viktig*".into()), 2, 12))
        );
        assert_eq!(
            refused("? &k a\n: b\n"),
            Some((Refused::Anchor("k".into()), 1, 3))
        );
        assert_eq!(
            refused("a: !!str &x b\n"),
            Some((Refused::Anchor("x".into()), 1, 10))
        );
        assert_eq!(
            refused("--- &d\na: 1\n"),
            Some((Refused::Anchor("d".into()), 1, 5))
        );
    }

    #[test]
    fn leaves_text_alone() {
        for yaml in [
            "title: R&D og *viktig* & mer\n",
            "title: \"&x\"\nb: '*y'\n",
            "summary: |\n  & dette er tekst\n  *også*\nb: 1\n",
            "summary: >-\n  & tekst\n\n  *mer*\n",
            "summary: lang tekst\n  & går videre\n  *her*\nb: 1\n",
            "a: b # &x *y\n",
            "# &x\na: 1\n",
            "tags: [R&D, a*b]\n",
            "title: \"a \\\" &x\"\n",
            "title: 'it''s &x'\n",
            "title: \"over\n  &linjer\"\nb: 1\n",
            "title: Lov [2020] om {x}\n",
            "- date: 2018\n  title: A & B\n  description: >\n    *Tekst*\n",
        ] {
            assert_eq!(refused(yaml), None, "{yaml}");
        }
    }

    #[test]
    fn caps_nesting_and_size() {
        let deep = format!("a: {}{}\n", "[".repeat(40), "]".repeat(40));
        assert_eq!(refused(&deep), Some((Refused::TooDeep, 1, 35)));
        let ok = format!("a: {}{}\n", "[".repeat(20), "]".repeat(20));
        assert_eq!(refused(&ok), None);
        let block: String = (0..40)
            .map(|i| format!("{}k{i}:\n", " ".repeat(i)))
            .collect();
        assert_eq!(refused(&block).map(|r| r.0), Some(Refused::TooDeep));
        let dashes = format!("{}a\n", "- ".repeat(40));
        assert_eq!(refused(&dashes).map(|r| r.0), Some(Refused::TooDeep));
        let big = "a: b\n".repeat(MAX_RECORD_BYTES / 5 + 1);
        assert_eq!(refused(&big).map(|r| r.0), Some(Refused::TooLarge));
        assert!(check(&big, MAX_EVENTS_BYTES).is_ok());
    }

    #[test]
    fn scans_the_default_site_without_complaint() {
        let content = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("content");
        for entry in walkdir::WalkDir::new(content) {
            let entry = entry.unwrap();
            let path = entry.path();
            let text = match path.extension().and_then(|e| e.to_str()) {
                Some("yaml") => std::fs::read_to_string(path).unwrap(),
                Some("md") => {
                    let text = std::fs::read_to_string(path).unwrap();
                    match crate::load::frontmatter::split(&text) {
                        Ok(s) => s.yaml.to_owned(),
                        Err(_) => continue,
                    }
                }
                _ => continue,
            };
            assert_eq!(check(&text, MAX_EVENTS_BYTES), Ok(()), "{}", path.display());
        }
    }
}
