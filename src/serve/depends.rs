//! Which outputs a change to one page can alter, so that saving a page re-renders that
//! page and what shows it, not the whole site. This table mirrors what the views read
//! (render/views.rs, render/feeds.rs): when a view starts showing more of another page,
//! add it here. The match has no catch-all, so a new kind of output must be placed, and
//! the engine's tests compare every incremental rebuild with a full one.

use crate::model::slugify;
use crate::model::Page;
use crate::render::Job;

/// A page whose file changed, with the same address and kind as before.
pub struct PageChange<'a> {
    pub index: usize,
    pub old: &'a Page,
    pub new: &'a Page,
    /// Whether the front matter changed too (title, date, tags, …); if not, only the body did.
    pub front: bool,
}

impl PageChange<'_> {
    fn pages(&self) -> [&Page; 2] {
        [self.old, self.new]
    }

    /// Whether `slug_path` is in the folder this page is the `_index.md` of.
    fn is_index_above(&self, slug_path: &str) -> bool {
        let p = self.new;
        p.is_section && !p.slug_path.is_empty() && is_below(slug_path, &p.slug_path)
    }
}

/// Whether rendering `job` may give other bytes after `change`. `page_at` finds a page by
/// its index in the new registry.
pub fn affected<'p>(job: &Job, change: &PageChange, page_at: impl Fn(usize) -> &'p Page) -> bool {
    let i = change.index;
    let front = change.front;
    match job {
        // The home page shows the root `_index.md` and the first pages of each section.
        Job::Home => front || (change.new.is_section && change.new.slug_path.is_empty()),
        Job::Page(j) => *j == i || (front && change.is_index_above(&page_at(*j).slug_path)),
        // A section shows its `_index.md`, its pages and its subsections' titles.
        Job::Section(s, index) => {
            *index == Some(i)
                || (front && change.pages().iter().any(|p| is_below(&p.slug_path, s)))
                || (front && change.is_index_above(s))
        }
        // An initiative lists the pages that name it.
        Job::Initiative(id) => {
            front
                && change
                    .pages()
                    .iter()
                    .any(|p| p.meta.initiatives.contains(id))
        }
        Job::Tags | Job::Sitemap => front,
        Job::Tag(slug) => {
            front
                && change
                    .pages()
                    .iter()
                    .any(|p| p.meta.tags.iter().any(|t| slugify(t) == *slug))
        }
        // The feed carries the newest pages whole; the search index every page's words;
        // the what-changed page compares every page with the last release.
        Job::Atom | Job::SearchIndex | Job::Changes => true,
        Job::Initiatives
        | Job::Actors
        | Job::Actor(_)
        | Job::Roles
        | Job::Timeline
        | Job::InitiativeTimeline(_)
        | Job::ActorTimeline(_)
        | Job::NotFound
        | Job::Robots
        | Job::Records
        | Job::Static(_)
        | Job::Asset(_)
        | Job::Search
        | Job::Calendar
        | Job::Versions => false,
    }
}

fn is_below(slug_path: &str, folder: &str) -> bool {
    slug_path
        .strip_prefix(folder)
        .is_some_and(|rest| rest.starts_with('/'))
}

/// The front matter of a page's file: every line before the body.
pub fn front_matter(p: &Page) -> &str {
    let text = &p.source.text;
    if p.source.body_line <= 1 {
        return "";
    }
    let end = text
        .match_indices('\n')
        .nth(p.source.body_line - 2)
        .map_or(text.len(), |(at, _)| at);
    &text[..end]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folders_contain_only_their_own_pages() {
        assert!(is_below("artikler/nyhet", "artikler"));
        assert!(!is_below("artikler-gamle/nyhet", "artikler"));
        assert!(!is_below("artikler", "artikler"));
    }
}
