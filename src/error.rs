//! The one error type: a list of diagnostics, each pointing at a file, line and column.
//! Every stage reports through it, so every message reads the same way.

use std::fmt;
use std::path::Path;

use annotate_snippets::{AnnotationKind, Group, Level, Renderer, Snippet};

/// How serious a diagnostic is. Warnings never fail a build.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

/// A place in a file the user can open: 1-based line and column (in characters).
#[derive(
    Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Default, serde::Serialize, serde::Deserialize,
)]
pub struct Location {
    pub line: usize,
    pub column: usize,
}

/// One problem, with where it is and what to do about it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Diagnostic {
    pub severity: Severity,
    /// The file as the user knows it: relative to the site root where possible.
    pub path: String,
    pub location: Option<Location>,
    pub message: String,
    /// What to do: "did you mean `title`?", the accepted forms, the valid values.
    pub hint: Option<String>,
    /// The text of the offending line, for the caret display.
    #[serde(skip)]
    pub line_text: Option<String>,
    /// How many characters the caret underlines (from `column`, on `line`).
    #[serde(rename = "length")]
    pub width: usize,
}

impl Diagnostic {
    pub fn error(path: impl Into<String>, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            severity: Severity::Error,
            path: path.into(),
            location: None,
            message: message.into(),
            hint: None,
            line_text: None,
            width: 1,
        }
    }

    pub fn warning(path: impl Into<String>, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(path, message)
        }
    }

    /// Points the diagnostic at `line:column` of `text` (the whole file), underlining `width` characters.
    pub fn at(mut self, text: &str, line: usize, column: usize, width: usize) -> Diagnostic {
        let line = line.max(1);
        self.location = Some(Location {
            line,
            column: column.max(1),
        });
        self.line_text = text.lines().nth(line - 1).map(str::to_owned);
        self.width = width.max(1);
        self
    }

    pub fn hint(mut self, hint: impl Into<String>) -> Diagnostic {
        self.hint = Some(hint.into());
        self
    }

    /// `path:line:col`, the form editors and terminals turn into links.
    pub fn position(&self) -> String {
        match &self.location {
            Some(l) => format!("{}:{}:{}", self.path, l.line, l.column),
            None => self.path.clone(),
        }
    }

    /// The full message: a `path:line:col: error: …` line (the form editors turn into
    /// links), then the offending line with a caret, then what to do.
    pub fn render(&self, color: bool) -> String {
        let (level, word) = match self.severity {
            Severity::Error => (Level::ERROR, "error"),
            Severity::Warning => (Level::WARNING, "warning"),
        };
        let renderer = if color {
            Renderer::styled()
        } else {
            Renderer::plain()
        };
        let header = format!("{}: {word}: {}", self.position(), self.message);
        let mut out = if color {
            let style = match self.severity {
                Severity::Error => annotate_snippets::renderer::DEFAULT_ERROR_STYLE,
                Severity::Warning => annotate_snippets::renderer::DEFAULT_WARNING_STYLE,
            };
            format!("{style}{header}{style:#}\n")
        } else {
            format!("{header}\n")
        };
        let mut report = Vec::new();
        if let (Some(loc), Some(text)) = (&self.location, &self.line_text) {
            let start = char_to_byte(text, loc.column - 1);
            let end = char_to_byte(text, loc.column - 1 + self.width).max(start);
            report.push(
                Group::with_level(level).element(
                    Snippet::source(text.as_str())
                        .line_start(loc.line)
                        .annotation(AnnotationKind::Primary.span(start..end)),
                ),
            );
        }
        if let Some(hint) = &self.hint {
            report.push(Group::with_title(
                Level::HELP.secondary_title(hint.as_str()),
            ));
        }
        if !report.is_empty() {
            out.push_str(&renderer.render(&report));
            out.push('\n');
        }
        out
    }
}

fn char_to_byte(text: &str, chars: usize) -> usize {
    text.char_indices()
        .nth(chars)
        .map_or(text.len(), |(i, _)| i)
}

/// Everything that can stop a command.
#[derive(Debug)]
pub enum Error {
    /// Problems in the site's files: exit code 1.
    Content(Vec<Diagnostic>),
    /// The command was called wrongly: exit code 2.
    Usage(String),
    /// The system failed the command (a folder that cannot be watched, a thread that
    /// cannot start), not the site's files nor how it was called: exit code 1.
    Io(String),
}

impl Error {
    pub fn one(diagnostic: Diagnostic) -> Error {
        Error::Content(vec![diagnostic])
    }

    /// An I/O failure on `path`, worded for the person who has to fix it.
    pub fn io(path: &Path, action: &str, err: &std::io::Error) -> Error {
        Error::one(io_diagnostic(path, action, err))
    }

    pub fn exit_code(&self) -> i32 {
        match self {
            Error::Content(_) | Error::Io(_) => 1,
            Error::Usage(_) => 2,
        }
    }

    pub fn diagnostics(&self) -> &[Diagnostic] {
        match self {
            Error::Content(d) => d,
            Error::Usage(_) | Error::Io(_) => &[],
        }
    }
}

pub fn io_diagnostic(path: &Path, action: &str, err: &std::io::Error) -> Diagnostic {
    let (message, hint) = match err.kind() {
        std::io::ErrorKind::PermissionDenied => (
            format!("mandat is not allowed to {action}"),
            Some("give your user account access to it (in a terminal: `chmod u+rw` and the file's name), or ask whoever manages the folder"),
        ),
        std::io::ErrorKind::NotFound => (
            format!("could not {action}: it does not exist"),
            Some("check that the path exists"),
        ),
        std::io::ErrorKind::InvalidData => (
            format!("could not {action}: {err}"),
            Some("save the file as UTF-8 text"),
        ),
        _ => (format!("could not {action}: {err}"), None),
    };
    let d = Diagnostic::error(path.display().to_string(), message);
    match hint {
        Some(h) => d.hint(h),
        None => d,
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Usage(m) | Error::Io(m) => write!(f, "{m}"),
            Error::Content(d) => {
                for diag in d {
                    write!(f, "{}", diag.render(false))?;
                }
                Ok(())
            }
        }
    }
}

impl std::error::Error for Error {}

/// The problems a command found, errors and warnings, printed the same way by every
/// command: each in full (up to `SHOWN`), then the count of the rest, then one line
/// that sums up the errors.
pub struct Report<'a>(pub &'a [Diagnostic]);

impl Report<'_> {
    /// How many problems are printed in full before the rest are only counted.
    pub const SHOWN: usize = 50;

    /// Every diagnostic as the terminal shows it.
    pub fn render(&self, color: bool) -> String {
        let mut out = String::new();
        for d in self.0.iter().take(Self::SHOWN) {
            out.push_str(&d.render(color));
            out.push('\n');
        }
        if self.0.len() > Self::SHOWN {
            out.push_str(&format!(
                "… and {} more problems not shown\n",
                self.0.len() - Self::SHOWN
            ));
        }
        out
    }

    /// The errors only.
    pub fn errors(&self) -> impl Iterator<Item = &Diagnostic> {
        self.0.iter().filter(|d| d.severity == Severity::Error)
    }

    /// "3 problems in 2 files".
    pub fn summary(&self) -> String {
        let errors = self.errors().count();
        let files: std::collections::BTreeSet<&str> =
            self.errors().map(|d| d.path.as_str()).collect();
        format!(
            "{errors} problem{} in {} file{}",
            if errors == 1 { "" } else { "s" },
            files.len(),
            if files.len() == 1 { "" } else { "s" },
        )
    }

    /// The report for editors and tools (docs/check.md): counts and every diagnostic.
    pub fn json(&self) -> String {
        let errors = self.errors().count();
        let doc = serde_json::json!({
            "errors": errors,
            "warnings": self.0.len() - errors,
            "diagnostics": self.0,
        });
        serde_json::to_string_pretty(&doc).unwrap_or_default()
    }
}

/// Collects diagnostics across a stage so the user sees every problem in one run.
#[derive(Debug, Default)]
pub struct Diagnostics {
    pub items: Vec<Diagnostic>,
}

impl Diagnostics {
    pub fn push(&mut self, d: Diagnostic) {
        self.items.push(d);
    }

    pub fn extend(&mut self, ds: impl IntoIterator<Item = Diagnostic>) {
        self.items.extend(ds);
    }

    pub fn has_errors(&self) -> bool {
        self.items.iter().any(|d| d.severity == Severity::Error)
    }

    /// Sorted by file and place, so the report reads top to bottom and is the same every run.
    pub fn sorted(mut self) -> Vec<Diagnostic> {
        self.items.sort_by(|a, b| {
            (&a.path, &a.location, &a.message).cmp(&(&b.path, &b.location, &b.message))
        });
        self.items.dedup();
        self.items
    }

    /// Err with every error (and warning) if there is any error.
    pub fn into_result(self) -> Result<Vec<Diagnostic>, Error> {
        if self.has_errors() {
            Err(Error::Content(self.sorted()))
        } else {
            Ok(self.sorted())
        }
    }
}

/// "did you mean `x`?" when one of `candidates` is close to `word`.
pub fn did_you_mean<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    // Similar by Jaro-Winkler (which favours a shared start) and only a few edits away,
    // so `bufdir` is not offered `bfd`.
    let most_edits = (word.chars().count() / 3).max(2);
    candidates
        .into_iter()
        .filter(|c| strsim::osa_distance(word, c) <= most_edits)
        .map(|c| (strsim::jaro_winkler(word, c), c))
        .filter(|(score, _)| *score > 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_position_line_and_caret() {
        let text = "---\ntitel: Om\n---\n";
        let d = Diagnostic::error("content/pages/om.md", "unknown field `titel`")
            .at(text, 2, 1, 5)
            .hint("did you mean `title`?");
        let out = d.render(false);
        assert!(
            out.starts_with("content/pages/om.md:2:1: error: unknown field `titel`\n"),
            "{out}"
        );
        assert!(out.contains("2 | titel: Om"), "{out}");
        assert!(out.contains("^^^^^"), "{out}");
        assert!(out.contains("did you mean `title`?"), "{out}");
    }

    #[test]
    fn suggests_close_words_only() {
        assert_eq!(did_you_mean("titel", ["title", "date"]), Some("title"));
        assert_eq!(did_you_mean("zzz", ["title", "date"]), None);
        assert_eq!(did_you_mean("bufdir", ["bfd", "ks"]), None);
        assert_eq!(did_you_mean("kss", ["bfd", "ks"]), Some("ks"));
    }

    #[test]
    fn says_what_to_do_when_a_file_cannot_be_read() {
        let denied = std::io::Error::from(std::io::ErrorKind::PermissionDenied);
        let d = io_diagnostic(Path::new("content/pages/om.md"), "read the file", &denied);
        assert_eq!(d.message, "mandat is not allowed to read the file");
        assert!(d.hint.unwrap().contains("chmod u+rw"));
    }

    #[test]
    fn caret_handles_multibyte_text() {
        let d = Diagnostic::error("a.yaml", "m").at("navn: Bjørn Å", 1, 12, 3);
        assert!(d.render(false).contains('^'));
    }
}
