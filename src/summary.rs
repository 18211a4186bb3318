//! What a build reports: the pages and files it made from how many records and versions,
//! in how long, with its warnings, the share of each written standard and the images it
//! resized; and the line the command prints of it. A module of its own so that the build
//! cache, which `build` uses, can keep it for a build that finds nothing changed.

use std::path::Path;

use crate::error::Diagnostic;

/// What one build made and found.
#[derive(Debug, Default)]
pub struct Summary {
    pub pages: usize,
    pub files: usize,
    pub records: usize,
    pub versions: usize,
    pub millis: u128,
    pub warnings: Vec<Diagnostic>,
    /// The share of each written standard on the published pages.
    pub language: crate::language::Shares,
    /// Resized copies of images: made by this build, and taken from the cache.
    pub images: crate::images::Counts,
}

impl Summary {
    /// The line `mandat build` prints: "built N pages (N files) from N records, …".
    pub fn line(&self, out: &Path) -> String {
        let crate::images::Counts { made, reused } = self.images;
        let images = if made + reused > 0 {
            format!(
                "; {} image size{} ({made} made now, {reused} from {}/)",
                made + reused,
                if made + reused == 1 { "" } else { "s" },
                crate::images::CACHE_DIR
            )
        } else {
            String::new()
        };
        format!(
            "built {} pages ({} files) from {} records, {} version{}, in {} ms into {}{images}",
            self.pages,
            self.files,
            self.records,
            self.versions,
            if self.versions == 1 { "" } else { "s" },
            self.millis,
            out.display()
        )
    }
}
