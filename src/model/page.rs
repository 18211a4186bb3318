//! A fact page or article under `content/pages/`; folders are sections.

use serde::{Deserialize, Serialize};

use super::{Date, Lang, SourceFile};

#[derive(Debug, Clone, Deserialize, Serialize, Default)]
#[serde(deny_unknown_fields)]
pub struct PageMeta {
    pub title: String,
    #[serde(default)]
    pub date: Option<Date>,
    #[serde(default)]
    pub updated: Option<Date>,
    #[serde(default)]
    pub lang: Option<Lang>,
    #[serde(default)]
    pub summary: Option<String>,
    #[serde(default)]
    pub tags: Vec<String>,
    #[serde(default)]
    pub author: Option<String>,
    #[serde(default)]
    pub initiatives: Vec<String>,
    #[serde(default)]
    pub draft: bool,
    #[serde(default)]
    pub weight: Option<i64>,
    /// The document the page is written from.
    #[serde(default)]
    pub source: Option<super::SourceDoc>,
    /// Old addresses of the page, which send readers on to it (render/aliases.rs).
    #[serde(default)]
    pub aliases: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct Page {
    pub meta: PageMeta,
    pub lang: Lang,
    /// Path below `content/pages/` without extension, `/`-separated: `artikler/tillit`;
    /// a section's `_index.md` has the folder's path (`artikler`, or `` for the root).
    pub slug_path: String,
    pub is_section: bool,
    /// Where the Markdown body starts in the source text.
    pub body_at: usize,
    /// A hash of its file's path and its front matter's text (`load::fronts::key`),
    /// known without reading the file: what its fields are kept under, and how a
    /// rebuild sees that they changed.
    pub front: u64,
    pub source: SourceFile,
}

impl Page {
    /// `f` of the Markdown body below the front matter, read again from its file for the
    /// time `f` runs if the build let the page's text go (`FileText::detached`). The only
    /// way to the body: looked at through the text, a let-go text is read and held.
    pub fn with_body<R>(&self, f: impl FnOnce(&str) -> R) -> R {
        let text = self.source.text.detached();
        f(text.get(self.body_at..).unwrap_or(""))
    }

    /// A hash of the body, known without reading the file: its text's hash and where
    /// the body starts in it. Two pages with the same have the same body (the other way
    /// round not: a changed front matter changes it).
    pub fn body_hash(&self) -> u64 {
        crate::kept::hash64((self.source.text.hash64(), self.body_at))
    }

    /// The section folder a page belongs to (`` for the top level).
    pub fn section(&self) -> &str {
        if self.is_section {
            match self.slug_path.rsplit_once('/') {
                Some((parent, _)) => parent,
                None if self.slug_path.is_empty() => "",
                None => "",
            }
        } else {
            self.slug_path.rsplit_once('/').map_or("", |(p, _)| p)
        }
    }
}
