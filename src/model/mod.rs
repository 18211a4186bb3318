//! Typed records as the people who write them see them, and the registry that
//! resolves every reference between them before anything is rendered.

pub(crate) mod actor;
mod date;
mod event;
pub(crate) mod initiative;
mod order;
mod page;
mod registry;
mod slug;
mod text;
pub mod url;

pub use actor::{Actor, ActorKind, ActorName};
pub use date::{suggest_date, Date, Part, ACCEPTED_FORMS};
pub use event::{Event, Plan};
pub use initiative::{Initiative, InitiativeKind, Measure, Period, Role, SourceDoc, Status};
pub use page::{Page, PageMeta};
pub use registry::{Loaded, Registry, RelationKind};
pub use slug::slugify;
pub use text::{FileText, Reads};

use serde::{Deserialize, Serialize};

/// The two written standards of Norwegian. One language per page.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize, Serialize, Default,
)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    #[default]
    Nb,
    Nn,
}

impl Lang {
    pub fn code(self) -> &'static str {
        match self {
            Lang::Nb => "nb",
            Lang::Nn => "nn",
        }
    }
}

/// The file a record came from, kept to the end so any stage can point at it.
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// As the user knows it, relative to the site root: `content/actors/ks.yaml`.
    pub path: String,
    /// The whole file, BOM stripped and CRLF made LF (so lines and columns still match).
    pub text: FileText,
    /// The 1-based line where the Markdown body starts (1 for YAML-only files).
    pub body_line: usize,
}

impl SourceFile {
    /// Finds `needle` as a whole word in the file, after the line of each of `after` in turn
    /// (`["period:", "end:"]`), and returns a diagnostic pointing there. serde_yaml gives no
    /// positions for values, so references are located in the text they came from.
    pub fn locate(&self, after: &[&str], needle: &str) -> Option<(usize, usize, usize)> {
        let mut from = 0;
        for key in after {
            from = find_word(&self.text, key, from)? + key.len();
        }
        let at = if needle.is_empty() {
            from.saturating_sub(1)
        } else {
            find_word(&self.text, needle, from)?
        };
        let line_start = self.text[..at].rfind('\n').map_or(0, |i| i + 1);
        let line = self.text[..at].matches('\n').count() + 1;
        let column = self.text[line_start..at].chars().count() + 1;
        Some((line, column, needle.chars().count().max(1)))
    }

    /// An error at the first place `needle` appears after the `after` keys, or at the file.
    pub fn error_at(
        &self,
        after: &[&str],
        needle: &str,
        message: impl Into<String>,
    ) -> crate::error::Diagnostic {
        let d = crate::error::Diagnostic::error(self.path.clone(), message);
        match self
            .locate(after, needle)
            .or_else(|| self.locate(&[], needle))
        {
            Some((line, col, width)) => d.at(&self.text, line, col, width),
            None => d,
        }
    }
}

/// Byte offset of `word` in `text` at or after `from`, not inside a longer identifier.
fn find_word(text: &str, word: &str, from: usize) -> Option<usize> {
    let is_ident = |c: char| c.is_alphanumeric() || c == '-' || c == '_';
    let mut start = from.min(text.len());
    while let Some(i) = text.get(start..)?.find(word) {
        let at = start + i;
        let before = text[..at].chars().next_back();
        let after = text[at + word.len()..].chars().next();
        let word_starts = word.chars().next().is_some_and(is_ident);
        let word_ends = word.chars().next_back().is_some_and(is_ident);
        let ok_before = !word_starts || !before.is_some_and(is_ident);
        let ok_after = !word_ends || !after.is_some_and(is_ident);
        if ok_before && ok_after {
            return Some(at);
        }
        start = at + word.len().max(1);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locates_values_after_keys() {
        let f = SourceFile {
            path: "x.md".into(),
            text: "---\nowner: ks\nparties: [ks, ks2]\nperiod:\n  start: 2020\n  end: 2019\n---\n"
                .into(),
            body_line: 8,
        };
        assert_eq!(f.locate(&["parties:"], "ks2"), Some((3, 15, 3)));
        assert_eq!(f.locate(&["parties:"], "ks"), Some((3, 11, 2)));
        assert_eq!(f.locate(&["period:", "end:"], "2019"), Some((6, 8, 4)));
        assert_eq!(f.locate(&[], "nothing"), None);
    }
}
