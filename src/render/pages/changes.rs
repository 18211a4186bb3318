//! The what-changed page of a site, `/endringer/` and `/v/<NAME>/endringer/`: the
//! records added, removed and changed since the version before (compared in
//! render/changes.rs), each changed field as a word-level diff.

use serde::Serialize;
use similar::ChangeTag;

use crate::model::Lang;
use crate::render::changes::{Kind, RecordChange, What};
use crate::render::diff::{Block, Unit};
use crate::render::history::{self, SiteView};
use crate::render::views::Ctx;
use crate::render::Prepared;

use super::View;

/// The what-changed page: what was added, changed and removed since the site before.
#[derive(Serialize)]
struct ChangesView<'a> {
    title: String,
    first: bool,
    before: Option<SiteView<'a>>,
    this: SiteView<'a>,
    added: usize,
    changed: usize,
    removed: usize,
    groups: Vec<GroupView<'a>>,
    totals: Totals,
}

/// A page with no versions to compare has a title only.
#[derive(Serialize)]
struct Untitled {
    title: String,
}

/// How many records the site has now.
#[derive(Serialize)]
struct Totals {
    initiatives: usize,
    actors: usize,
    events: usize,
    pages: usize,
}

/// The changed records of one kind.
#[derive(Serialize)]
struct GroupView<'a> {
    kind: &'static str,
    title: String,
    records: Vec<RecordView<'a>>,
}

#[derive(Serialize)]
struct RecordView<'a> {
    title: &'a str,
    what: &'static str,
    what_label: String,
    /// Where the record is, in the site it is linked in (none when it is gone there).
    href: Option<String>,
    fields: Vec<FieldView<'a>>,
}

#[derive(Serialize)]
struct FieldView<'a> {
    key: &'a str,
    label: String,
    blocks: Vec<BlockView<'a>>,
}

/// A run of unchanged text, told by its length, or text with what was deleted and
/// inserted.
#[derive(Serialize)]
#[serde(untagged)]
enum BlockView<'a> {
    Unchanged {
        unchanged: usize,
        unchanged_text: String,
    },
    Text {
        segments: Vec<SegmentView<'a>>,
    },
}

#[derive(Serialize)]
struct SegmentView<'a> {
    tag: &'static str,
    text: &'a str,
}

/// The what-changed page of the site being rendered.
pub fn view(p: &Prepared, ctx: &Ctx) -> View {
    let lang = p.reg.config.lang;
    let Some((history, me)) = &p.history else {
        return View::of(
            "changes.html",
            lang,
            Untitled {
                title: ctx.t(lang, "changes.title"),
            },
        );
    };
    let site = &history.sites[*me];
    let before = me.checked_sub(1).map(|i| &history.sites[i]);
    let title = match (&site.name, before) {
        (Some(name), _) => format!("{} {name}", ctx.t(lang, "changes.in")),
        (None, Some(b)) => format!(
            "{} {}",
            ctx.t(lang, "changes.since"),
            b.name.as_deref().unwrap_or_default()
        ),
        (None, None) => ctx.t(lang, "changes.title"),
    };
    let counts = |what: What| {
        site.changes
            .as_ref()
            .map_or(0, |c| c.records.iter().filter(|r| r.what == what).count())
    };
    let mut groups: Vec<GroupView> = Vec::new();
    if let Some(changes) = &site.changes {
        let mut current: Option<(Kind, Vec<RecordView>)> = None;
        for r in &changes.records {
            let v = record_view(
                r,
                ctx,
                lang,
                if r.what == What::Removed {
                    before
                } else {
                    Some(site)
                },
            );
            match &mut current {
                Some((k, list)) if *k == r.kind => list.push(v),
                _ => {
                    if let Some((k, list)) = current.take() {
                        groups.push(group_view(k, list, ctx, lang));
                    }
                    current = Some((r.kind, vec![v]));
                }
            }
        }
        if let Some((k, list)) = current {
            groups.push(group_view(k, list, ctx, lang));
        }
    }
    let reg = p.reg;
    View::of(
        "changes.html",
        lang,
        ChangesView {
            title,
            first: before.is_none(),
            before: before.map(|b| history::site_view(b, ctx, lang)),
            this: history::site_view(site, ctx, lang),
            added: counts(What::Added),
            changed: counts(What::Changed),
            removed: counts(What::Removed),
            groups,
            totals: Totals {
                initiatives: reg.initiatives.len(),
                actors: reg.actors.len(),
                events: reg.events.len(),
                pages: reg.pages.iter().filter(|p| !p.is_section).count(),
            },
        },
    )
}

fn group_view<'a>(
    kind: Kind,
    records: Vec<RecordView<'a>>,
    ctx: &Ctx,
    lang: Lang,
) -> GroupView<'a> {
    GroupView {
        kind: kind.key(),
        title: ctx.t(lang, &format!("changes_kind.{}", kind.key())),
        records,
    }
}

fn record_view<'a>(
    r: &'a RecordChange,
    ctx: &Ctx,
    lang: Lang,
    on: Option<&history::Site>,
) -> RecordView<'a> {
    let fields = r
        .fields
        .iter()
        .map(|f| {
            let blocks = f
                .blocks
                .iter()
                .map(|b| match b {
                    Block::Unchanged(n) => BlockView::Unchanged {
                        unchanged: *n,
                        unchanged_text: format!(
                            "{n} {}",
                            ctx.t(
                                lang,
                                match (f.unit, *n == 1) {
                                    (Unit::Lines, true) => "changes.unchanged_line",
                                    (Unit::Lines, false) => "changes.unchanged_lines",
                                    (Unit::Paragraphs, true) => "changes.unchanged_paragraph",
                                    (Unit::Paragraphs, false) => "changes.unchanged_paragraphs",
                                }
                            )
                        ),
                    },
                    Block::Text(segments) => BlockView::Text {
                        segments: segments
                            .iter()
                            .map(|s| SegmentView {
                                tag: match s.tag {
                                    ChangeTag::Equal => "same",
                                    ChangeTag::Delete => "del",
                                    ChangeTag::Insert => "ins",
                                },
                                text: &s.text,
                            })
                            .collect(),
                    },
                })
                .collect();
            FieldView {
                key: &f.key,
                label: ctx.t(lang, &format!("field.{}", f.key)),
                blocks,
            }
        })
        .collect();
    // The record's page exists in the site it is linked in unless that site no longer
    // has it (an anchor on the timeline always does).
    let href = on.and_then(|s| {
        let page = r.path.split('#').next().unwrap_or("");
        let below = page.strip_prefix(&s.prefix).unwrap_or(page);
        s.pages.contains(below).then(|| ctx.href(&r.path))
    });
    RecordView {
        title: &r.title,
        what: r.what.key(),
        what_label: ctx.t(lang, &format!("changes.{}", r.what.key())),
        href,
        fields,
    }
}
