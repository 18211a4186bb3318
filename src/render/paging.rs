//! Lists that stay small at any size: which entries page N of a list shows, the address
//! of each page (`/artikler/`, `/artikler/side/2/`, …), the navigation between them that
//! templates show (docs/themes.md, `pager`), and the bounded overviews of the records
//! (the home page, the timeline's chart, the roles page) once one view of all of them
//! stops being readable.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::model::{Event, Initiative, Lang, Registry};
use crate::output::Urls;

use super::ctx::Ctx;

/// The word before a list's page number: `/artikler/side/2/`. The same in bokmål and
/// nynorsk; a section cannot hold a page or folder of that name (plan.rs).
pub const WORD: &str = "side";

/// The roles matrix (actors by initiatives) stays one table up to this many initiatives:
/// at about 100 px a column, 12 fill a 1280 px screen beside the actors' names, and more
/// scroll sideways away from the names that say what each row is.
pub const MATRIX_MAX_INITIATIVES: usize = 12;
/// …and up to this many actors: about two screens of rows, past which the initiatives'
/// names at the top have scrolled out of sight and a row can no longer be read.
pub const MATRIX_MAX_ACTORS: usize = 40;
/// How many initiatives the home page and the timeline's chart show when the site has
/// more: the ones that started last. One screen of cards, one readable chart.
pub const OVERVIEW_INITIATIVES: usize = 12;

/// How many pages a list of `len` entries takes (an empty list still has its first page).
pub fn count(len: usize, size: usize) -> usize {
    len.div_ceil(size.max(1)).max(1)
}

/// The address of page `n` of the list whose first page is at `first`.
pub fn path(first: &str, n: usize) -> String {
    if n <= 1 {
        first.to_owned()
    } else {
        format!("{first}{WORD}/{n}/")
    }
}

/// The entries page `n` (from 1) shows.
pub fn slice<T>(items: &[T], n: usize, size: usize) -> &[T] {
    let size = size.max(1);
    let start = n.saturating_sub(1).saturating_mul(size).min(items.len());
    &items[start..(start.saturating_add(size)).min(items.len())]
}

/// The navigation of a list over several pages: `{label, current, total, text, prev,
/// next, links}`; each link `{number, href, current}`, or `{gap: true}` where numbers
/// are left out.
#[derive(Serialize, Debug, PartialEq)]
pub struct Pager {
    pub label: String,
    pub current: usize,
    pub total: usize,
    /// "Side 2 av 7".
    pub text: String,
    pub prev: Option<String>,
    pub next: Option<String>,
    pub links: Vec<PagerLink>,
}

#[derive(Serialize, Debug, PartialEq)]
pub struct PagerLink {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub number: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub href: Option<String>,
    pub current: bool,
    pub gap: bool,
}

/// The page numbers shown: the first, the last, and two either side of the current one;
/// `None` for a gap. Seven or fewer pages are all shown.
fn numbers(current: usize, total: usize) -> Vec<Option<usize>> {
    let mut out = Vec::new();
    for n in 1..=total {
        let near = n + 2 >= current && n <= current + 2;
        if n == 1 || n == total || near || total <= 7 {
            out.push(Some(n));
        } else if out.last().is_some_and(Option::is_some) {
            out.push(None);
        }
    }
    out
}

/// The navigation of page `current` of `total` of the list whose first page is at
/// `first` (a site path); `None` when the list has one page.
pub fn pager(ctx: &Ctx, lang: Lang, first: &str, current: usize, total: usize) -> Option<Pager> {
    if total <= 1 {
        return None;
    }
    let href = |n: usize| ctx.href(&path(first, n));
    Some(Pager {
        label: ctx.t(lang, "pager.label"),
        current,
        total,
        text: page_of(ctx, lang, current, total),
        prev: (current > 1).then(|| href(current - 1)),
        next: (current < total).then(|| href(current + 1)),
        links: numbers(current, total)
            .into_iter()
            .map(|n| PagerLink {
                number: n,
                href: n.map(href),
                current: n == Some(current),
                gap: n.is_none(),
            })
            .collect(),
    })
}

/// "Side 2 av 7".
pub fn page_of(ctx: &Ctx, lang: Lang, n: usize, total: usize) -> String {
    format!(
        "{} {n} {} {total}",
        ctx.t(lang, "pager.page"),
        ctx.t(lang, "pager.of")
    )
}

/// A list's title on page `n`: "Artikler", then "Artikler (side 2 av 7)", so that each
/// page of the list has its own title.
pub fn title(ctx: &Ctx, lang: Lang, title: String, n: usize, total: usize) -> String {
    if n <= 1 {
        title
    } else {
        let page = page_of(ctx, lang, n, total).to_lowercase();
        format!("{title} ({page})")
    }
}

/// Where an event is on the timeline: `/tidslinje/side/3/#anchor` (site path).
pub fn event_path(reg: &Registry, urls: &Urls, e: &Event) -> String {
    let page =
        position(&reg.events, e).map_or_else(|| urls.timeline(), |i| event_page(reg, urls, i));
    format!("{page}#{}", e.anchor)
}

/// The page of the timeline that shows the `i`-th event.
fn event_page(reg: &Registry, urls: &Urls, i: usize) -> String {
    page_holding(&urls.timeline(), i, reg.config.page_size)
}

/// The page of the list at `first` that shows its `i`-th entry (from 0), `size` a page.
fn page_holding(first: &str, i: usize, size: usize) -> String {
    path(first, i / size.max(1) + 1)
}

/// For each event past the first page of a timeline that shows it (the whole timeline, an
/// initiative's or an actor's), `<timeline>#<anchor>` to the page of that timeline that
/// shows it: links to the event there follow it (render/markdown.rs).
pub fn later_events(reg: &Registry, urls: &Urls) -> BTreeMap<String, String> {
    let size = reg.config.page_size.max(1);
    let mut out = BTreeMap::new();
    let mut add = |first: String, events: &mut dyn Iterator<Item = &Event>| {
        for (i, e) in events.enumerate().skip(size) {
            out.insert(
                format!("{first}#{}", e.anchor),
                page_holding(&first, i, size),
            );
        }
    };
    add(urls.timeline(), &mut reg.events.iter());
    for id in reg.initiatives.keys() {
        add(urls.timeline_of(id), &mut reg.events_of_initiative(id));
    }
    for id in reg.actors.keys() {
        add(urls.timeline_of_actor(id), &mut reg.events_of_actor(id));
    }
    out
}

/// The place of `e` in `events`, when it is one of them: events are shown by reference,
/// so the address says which; `ptr::eq` confirms it.
fn position(events: &[Event], e: &Event) -> Option<usize> {
    let size = std::mem::size_of::<Event>().max(1);
    let offset = (e as *const Event as usize).checked_sub(events.as_ptr() as usize)?;
    let i = offset / size;
    events.get(i).filter(|x| std::ptr::eq(*x, e)).map(|_| i)
}

/// The newest `size` of `items` (in the order given, oldest first), and how many there
/// were: an initiative's or an actor's page shows its latest events, its timeline all.
pub fn latest<T>(mut items: Vec<T>, size: usize) -> (Vec<T>, usize) {
    let total = items.len();
    if total > size {
        items.drain(..total - size);
    }
    (items, total)
}

/// Whether the roles page is one matrix of actors by initiatives (else one table per
/// initiative, over pages).
pub fn roles_as_matrix(reg: &Registry) -> bool {
    let actors = reg
        .actors
        .keys()
        .filter(|a| {
            reg.initiatives.values().any(|i| {
                let m = &i.meta;
                m.owner.as_deref() == Some(a.as_str())
                    || m.parties.contains(a)
                    || m.roles.iter().any(|r| &r.actor == *a)
            })
        })
        .count();
    reg.initiatives.len() <= MATRIX_MAX_INITIATIVES && actors <= MATRIX_MAX_ACTORS
}

/// The initiatives the home page and the timeline's chart show: all of them, or the
/// `OVERVIEW_INITIATIVES` that started last, in order of start.
pub fn overview(reg: &Registry) -> Vec<&Initiative> {
    let all: Vec<&Initiative> = reg.initiatives_by_start().collect();
    let skip = all.len().saturating_sub(OVERVIEW_INITIATIVES);
    all[skip..].to_vec()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_and_addresses() {
        assert_eq!(count(0, 50), 1);
        assert_eq!(count(50, 50), 1);
        assert_eq!(count(51, 50), 2);
        assert_eq!(path("/artikler/", 1), "/artikler/");
        assert_eq!(path("/artikler/", 3), "/artikler/side/3/");
        let items: Vec<usize> = (0..7).collect();
        assert_eq!(slice(&items, 1, 3), &[0, 1, 2]);
        assert_eq!(slice(&items, 3, 3), &[6]);
        assert!(slice(&items, 4, 3).is_empty());
    }

    #[test]
    fn page_numbers_keep_the_ends_and_the_neighbours() {
        let shown = |c, t| {
            numbers(c, t)
                .into_iter()
                .map(|n| n.map_or("…".to_owned(), |n| n.to_string()))
                .collect::<Vec<_>>()
                .join(" ")
        };
        assert_eq!(shown(1, 5), "1 2 3 4 5");
        assert_eq!(shown(1, 20), "1 2 3 … 20");
        assert_eq!(shown(10, 20), "1 … 8 9 10 11 12 … 20");
        assert_eq!(shown(20, 20), "1 … 18 19 20");
        assert_eq!(shown(4, 20), "1 2 3 4 5 6 … 20");
    }

    #[test]
    fn latest_keeps_the_newest() {
        assert_eq!(latest(vec![1, 2, 3, 4], 2), (vec![3, 4], 4));
        assert_eq!(latest(vec![1], 2), (vec![1], 1));
    }
}

/// The pages of every section and every tag in the order their lists show them, sorted
/// once per site: a list of thousands of pages in pages of 50 is sorted once, not once
/// for each of its pages.
#[derive(Debug, Default)]
pub struct Lists {
    /// Section (slug path, `""` for the top) to the pages directly in it: by weight,
    /// then newest first, then title.
    pub sections: BTreeMap<String, Vec<usize>>,
    /// Tag slug to its pages: newest first, then title.
    pub tags: BTreeMap<String, Vec<usize>>,
}

impl Lists {
    /// `tags`: tag slug to the pages that carry it (render/plan.rs).
    pub fn of(reg: &Registry, tags: &BTreeMap<String, (String, Vec<usize>)>) -> Lists {
        use std::cmp::Reverse;
        let pages = &reg.pages;
        // Dates compare by a key worked out from them: worked out once a page.
        let dates: Vec<_> = pages
            .iter()
            .map(|p| p.meta.date.as_ref().map(crate::model::Date::sort_key))
            .collect();
        let mut sections: BTreeMap<String, Vec<usize>> = Default::default();
        for (i, p) in pages.iter().enumerate().filter(|(_, p)| !p.is_section) {
            sections.entry(p.section().to_owned()).or_default().push(i);
        }
        for list in sections.values_mut() {
            list.sort_by(|&a, &b| {
                let key = |i: usize| {
                    let m = &pages[i].meta;
                    (m.weight.unwrap_or(i64::MAX), Reverse(dates[i]), &m.title)
                };
                key(a).cmp(&key(b))
            });
        }
        let tags = tags
            .iter()
            .map(|(slug, (_, list))| {
                let mut list = list.clone();
                list.sort_by(|&a, &b| {
                    (Reverse(dates[a]), &pages[a].meta.title)
                        .cmp(&(Reverse(dates[b]), &pages[b].meta.title))
                });
                (slug.clone(), list)
            })
            .collect();
        Lists { sections, tags }
    }

    /// The pages directly in the section `slug_path`, in list order.
    pub fn section(&self, slug_path: &str) -> &[usize] {
        self.sections.get(slug_path).map_or(&[], Vec::as_slice)
    }

    /// The pages that carry the tag `slug`, in list order.
    pub fn tag(&self, slug: &str) -> &[usize] {
        self.tags.get(slug).map_or(&[], Vec::as_slice)
    }
}
