//! What changed between two versions of a site: the records added, removed and changed,
//! and for each changed record a word-level diff of every changed field and of its text.

use std::borrow::Cow;
use std::collections::BTreeMap;

use crate::model::{Date, Page, Registry};
use crate::output::Urls;

use super::diff::{diff_text, plain, units, Block, Unit};

/// The kinds of record a reader can see change, in the order the page lists them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Kind {
    Site,
    Initiative,
    Actor,
    Event,
    Page,
}

impl Kind {
    pub fn key(self) -> &'static str {
        match self {
            Kind::Site => "site",
            Kind::Initiative => "initiative",
            Kind::Actor => "actor",
            Kind::Event => "event",
            Kind::Page => "page",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum What {
    Added,
    Changed,
    Removed,
}

impl What {
    pub fn key(self) -> &'static str {
        match self {
            What::Added => "added",
            What::Changed => "changed",
            What::Removed => "removed",
        }
    }
}

#[derive(Debug, Clone)]
pub struct FieldChange {
    /// The field's key in the record (`summary`, `period`, `body` for the text).
    pub key: String,
    /// Lines (`lines`) or paragraphs (`paragraphs`): what an `Unchanged` block counts.
    pub unit: Unit,
    pub blocks: Vec<Block>,
}

#[derive(Debug, Clone)]
pub struct RecordChange {
    pub kind: Kind,
    pub what: What,
    pub title: String,
    /// The page to read it on: in the newer site, or in the older one when removed.
    pub path: String,
    pub fields: Vec<FieldChange>,
}

/// Everything that changed from one site to the next, in the order the page lists it.
#[derive(Debug, Clone, Default)]
pub struct Changes {
    pub records: Vec<RecordChange>,
}

/// A record as a reader sees it: its title, where it is, and its fields as text.
struct Snapshot<'r> {
    title: String,
    path: String,
    fields: Vec<(&'static str, Text<'r>, Unit)>,
}

/// A field's text as readers see it, or the Markdown it is made from: made plain only
/// when compared with different Markdown (the same Markdown reads the same), as most
/// texts of a version are those of the next.
enum Text<'r> {
    Plain(String),
    Markdown(&'r str),
    /// A page's body: its file is read only if it may have changed (`plain_unless_same`).
    Body(&'r Page),
}

impl Text<'_> {
    fn plain(&self) -> Cow<'_, str> {
        match self {
            Text::Plain(s) => Cow::Borrowed(s),
            Text::Markdown(m) => Cow::Owned(plain(m)),
            Text::Body(p) => Cow::Owned(p.with_body(plain)),
        }
    }

    /// The two as readers see them, unless they are known to read the same without
    /// making either plain. Two pages' bodies are compared as written first, each file
    /// read once (a build lets pages' texts go: `Page::with_body`).
    fn plain_unless_same<'a>(&'a self, other: &'a Text) -> Option<(Cow<'a, str>, Cow<'a, str>)> {
        match (self, other) {
            (Text::Body(a), Text::Body(b)) if a.body_hash() == b.body_hash() => None,
            (Text::Body(a), Text::Body(b)) => a.with_body(|a| {
                b.with_body(|b| (a != b).then(|| (Cow::Owned(plain(a)), Cow::Owned(plain(b)))))
            }),
            (Text::Plain(a), Text::Plain(b)) if a == b => None,
            (Text::Markdown(a), Text::Markdown(b)) if a == b => None,
            _ => Some((self.plain(), other.plain())),
        }
    }
}

/// Compares two sites. `before` is None for the oldest version, which has nothing to
/// compare with.
pub fn compare(before: (&Registry, &Urls), after: (&Registry, &Urls)) -> Changes {
    let old = snapshots(before.0, before.1);
    let new = snapshots(after.0, after.1);
    let mut records = Vec::new();
    let mut removed: Vec<(&(Kind, String), &Snapshot)> = Vec::new();
    for (key, o) in &old {
        match new.get(key) {
            Some(n) => {
                let fields = diff_fields(&o.fields, &n.fields);
                if !fields.is_empty() {
                    records.push(record(key.0, What::Changed, n, fields));
                }
            }
            None => removed.push((key, o)),
        }
    }
    // An event whose date changed gets a new anchor: pair it up again by its title.
    let mut added: Vec<(&(Kind, String), &Snapshot)> =
        new.iter().filter(|(k, _)| !old.contains_key(*k)).collect();
    removed.retain(|(key, o)| {
        let twin = added
            .iter()
            .position(|(k, n)| k.0 == Kind::Event && key.0 == Kind::Event && n.title == o.title);
        match twin {
            Some(i) => {
                let (k, n) = added.remove(i);
                records.push(record(
                    k.0,
                    What::Changed,
                    n,
                    diff_fields(&o.fields, &n.fields),
                ));
                false
            }
            None => true,
        }
    });
    for (key, n) in added {
        records.push(record(key.0, What::Added, n, Vec::new()));
    }
    for (key, o) in removed {
        records.push(record(key.0, What::Removed, o, Vec::new()));
    }
    records.sort_by(|a, b| {
        (a.kind, a.what, &a.title, &a.path).cmp(&(b.kind, b.what, &b.title, &b.path))
    });
    Changes { records }
}

fn record(kind: Kind, what: What, s: &Snapshot, fields: Vec<FieldChange>) -> RecordChange {
    RecordChange {
        kind,
        what,
        title: s.title.clone(),
        path: s.path.clone(),
        fields,
    }
}

fn snapshots<'r>(reg: &'r Registry, urls: &Urls) -> BTreeMap<(Kind, String), Snapshot<'r>> {
    let mut out = BTreeMap::new();
    let name = |id: &str| {
        reg.actors
            .get(id)
            .map_or_else(|| id.to_owned(), |a| a.current().name.clone())
    };
    let title = |id: &str| {
        reg.initiatives
            .get(id)
            .map_or_else(|| id.to_owned(), |i| i.meta.title.clone())
    };
    let opt = |v: &Option<String>| v.clone().unwrap_or_default();
    // Dates as readers see them ("1. september 2005"), at the precision written.
    let lang = reg.config.lang;
    let date = |d: &Option<Date>| d.map(|d| d.text(lang)).unwrap_or_default();
    let span = |from: String, to: String| match (from.is_empty(), to.is_empty()) {
        (true, true) => String::new(),
        (false, true) => format!("{from} –"),
        (true, false) => format!("– {to}"),
        (false, false) => format!("{from} – {to}"),
    };
    let list = |items: Vec<String>| items.join("\n");
    use Unit::{Lines, Paragraphs};

    let cfg = &reg.config;
    out.insert(
        (Kind::Site, String::new()),
        Snapshot {
            title: cfg.title.clone(),
            path: urls.home(),
            fields: vec![
                ("title", Text::Plain(cfg.title.clone()), Lines),
                (
                    "description",
                    Text::Plain(opt(&cfg.description)),
                    Paragraphs,
                ),
                ("as_of", Text::Plain(date(&cfg.as_of)), Lines),
                ("language", Text::Plain(cfg.lang.code().to_owned()), Lines),
                (
                    "menu",
                    Text::Plain(list(
                        cfg.menu
                            .iter()
                            .map(|m| format!("{}: {}", m.label, m.url))
                            .collect(),
                    )),
                    Lines,
                ),
            ],
        },
    );
    for (id, ini) in &reg.initiatives {
        let m = &ini.meta;
        let p = &m.period;
        let period = span(
            p.start_label.clone().unwrap_or_else(|| p.start.text(lang)),
            p.end_label.clone().unwrap_or_else(|| date(&p.end)),
        );
        let source = m.source.as_ref().map_or_else(String::new, |s| {
            list(
                [
                    Some(s.title.clone()),
                    s.publisher.as_deref().map(name),
                    s.date.map(|d| d.text(lang)),
                    s.reference.clone(),
                    s.url.clone(),
                ]
                .into_iter()
                .flatten()
                .collect(),
            )
        });
        let roles = list(
            m.roles
                .iter()
                .map(|r| {
                    let mut s = format!("{}: {}", name(&r.actor), r.role);
                    for t in &r.tasks {
                        s.push_str(&format!("\n  – {t}"));
                    }
                    s
                })
                .collect(),
        );
        let measures = list(
            m.measures
                .iter()
                .map(|x| {
                    let mut s = x.title.clone();
                    let when = x.date_label.clone().unwrap_or_else(|| date(&x.date));
                    for line in [
                        match x.end {
                            Some(_) => span(when, date(&x.end)),
                            None => when,
                        },
                        x.actors
                            .iter()
                            .map(|a| name(a))
                            .collect::<Vec<_>>()
                            .join(", "),
                        plain(&opt(&x.description)).replace("\n\n", " "),
                    ]
                    .into_iter()
                    .chain(x.figures.iter().cloned())
                    {
                        if !line.is_empty() {
                            s.push_str(&format!("\n  {line}"));
                        }
                    }
                    s
                })
                .collect(),
        );
        out.insert(
            (Kind::Initiative, id.clone()),
            Snapshot {
                title: m.title.clone(),
                path: urls.initiative(id),
                fields: vec![
                    ("title", Text::Plain(m.title.clone()), Lines),
                    ("short_title", Text::Plain(opt(&m.short_title)), Lines),
                    ("kind", Text::Plain(m.kind.key().to_owned()), Lines),
                    ("lang", Text::Plain(ini.lang.code().to_owned()), Lines),
                    ("summary", Text::Plain(opt(&m.summary)), Paragraphs),
                    (
                        "owner",
                        Text::Plain(m.owner.as_deref().map(name).unwrap_or_default()),
                        Lines,
                    ),
                    (
                        "parties",
                        Text::Plain(list(m.parties.iter().map(|a| name(a)).collect())),
                        Lines,
                    ),
                    ("period", Text::Plain(period), Lines),
                    ("source", Text::Plain(source), Lines),
                    (
                        "follows",
                        Text::Plain(m.follows.as_deref().map(title).unwrap_or_default()),
                        Lines,
                    ),
                    (
                        "supersedes",
                        Text::Plain(m.supersedes.as_deref().map(title).unwrap_or_default()),
                        Lines,
                    ),
                    ("topics", Text::Plain(list(m.topics.clone())), Lines),
                    ("roles", Text::Plain(roles), Lines),
                    ("measures", Text::Plain(measures), Lines),
                    ("tags", Text::Plain(m.tags.join(", ")), Lines),
                    ("body", Text::Markdown(ini.body()), Paragraphs),
                ],
            },
        );
    }
    for (id, a) in &reg.actors {
        let names = a
            .names
            .iter()
            .map(|n| {
                let mut s = n.name.clone();
                if let Some(short) = &n.short {
                    s.push_str(&format!(" ({short})"));
                }
                if n.from.is_some() || n.to.is_some() {
                    s.push_str(&format!(", {}", span(date(&n.from), date(&n.to))));
                }
                s
            })
            .collect();
        out.insert(
            (Kind::Actor, id.clone()),
            Snapshot {
                title: a.current().name.clone(),
                path: urls.actor(id),
                fields: vec![
                    ("names", Text::Plain(list(names)), Lines),
                    ("kind", Text::Plain(a.kind.key()), Lines),
                    ("url", Text::Plain(opt(&a.url)), Lines),
                    ("description", Text::Plain(opt(&a.description)), Paragraphs),
                ],
            },
        );
    }
    for e in &reg.events {
        out.insert(
            (Kind::Event, e.anchor.clone()),
            Snapshot {
                title: e.title.clone(),
                path: super::paging::event_path(reg, urls, e),
                fields: vec![
                    ("date", Text::Plain(e.date.text(lang)), Lines),
                    ("date_label", Text::Plain(opt(&e.date_label)), Lines),
                    ("title", Text::Plain(e.title.clone()), Lines),
                    (
                        "description",
                        Text::Markdown(e.description.as_deref().unwrap_or_default()),
                        Paragraphs,
                    ),
                    (
                        "initiatives",
                        Text::Plain(list(e.initiatives.iter().map(|i| title(i)).collect())),
                        Lines,
                    ),
                    (
                        "actors",
                        Text::Plain(list(e.actors.iter().map(|a| name(a)).collect())),
                        Lines,
                    ),
                    ("source", Text::Plain(opt(&e.source)), Lines),
                ],
            },
        );
    }
    for p in &reg.pages {
        let m = &p.meta;
        out.insert(
            (Kind::Page, p.slug_path.clone()),
            Snapshot {
                title: m.title.clone(),
                path: urls.page(&p.slug_path),
                fields: vec![
                    ("title", Text::Plain(m.title.clone()), Lines),
                    ("date", Text::Plain(date(&m.date)), Lines),
                    ("updated", Text::Plain(date(&m.updated)), Lines),
                    ("lang", Text::Plain(p.lang.code().to_owned()), Lines),
                    ("summary", Text::Plain(opt(&m.summary)), Paragraphs),
                    ("author", Text::Plain(opt(&m.author)), Lines),
                    ("tags", Text::Plain(m.tags.join(", ")), Lines),
                    (
                        "initiatives",
                        Text::Plain(list(m.initiatives.iter().map(|i| title(i)).collect())),
                        Lines,
                    ),
                    ("body", Text::Body(p), Paragraphs),
                ],
            },
        );
    }
    out
}

fn diff_fields(
    old: &[(&'static str, Text, Unit)],
    new: &[(&'static str, Text, Unit)],
) -> Vec<FieldChange> {
    let mut out = Vec::new();
    for ((key, before, unit), (_, after, _)) in old.iter().zip(new) {
        let Some((before, after)) = before.plain_unless_same(after) else {
            continue;
        };
        if before != after && units(&before, *unit) != units(&after, *unit) {
            out.push(FieldChange {
                key: (*key).to_owned(),
                unit: *unit,
                blocks: diff_text(&before, &after, *unit),
            });
        }
    }
    out
}
