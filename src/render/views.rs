//! Views: what templates see. Built from the registry, in the page's language, with
//! every date formatted once and every name as it was at the date it is shown with.
//! Templates never see the model's internals.

use serde::Serialize;

use crate::model::{
    Actor, Date, Event, Initiative, Lang, Page, Period, RelationKind, SourceDoc, Status,
};

pub use super::ctx::Ctx;

/// A date as templates see it: `{iso, text, label, year}`.
#[derive(Serialize)]
pub struct DateView {
    pub iso: String,
    pub text: String,
    /// The words a source gives ("høsten 2018"), else the text.
    pub label: String,
    pub year: i32,
}

/// A period: `{years, start, end, text, sep, from_word}`.
#[derive(Serialize)]
pub struct PeriodView {
    pub years: String,
    pub start: DateView,
    pub end: Option<DateView>,
    pub text: String,
    pub sep: &'static str,
    pub from_word: Option<String>,
    /// The start is only the earliest date the source gives.
    pub start_earliest: bool,
    /// The end is what the source plans, not a recorded end.
    pub end_provisional: bool,
}

/// An actor named with something, by the name it had at that thing's date.
#[derive(Serialize)]
#[serde(untagged)]
pub enum ActorRef<'a> {
    Known {
        id: &'a str,
        name: &'a str,
        short: Option<&'a str>,
        current_name: &'a str,
        renamed: bool,
        /// "i dag Barne- og familiedepartementet", where the name then is not today's.
        today: Option<String>,
        href: String,
        kind: String,
        kind_label: String,
    },
    /// An id the registry does not know (never in a checked site).
    Unknown {
        id: &'a str,
        name: &'a str,
        href: Option<String>,
    },
}

impl ActorRef<'_> {
    pub fn name(&self) -> &str {
        match self {
            ActorRef::Known { name, .. } | ActorRef::Unknown { name, .. } => name,
        }
    }
}

/// An initiative in a list: `{id, title, short_title, kind, status, period, …}`.
#[derive(Serialize)]
pub struct InitiativeSummary<'a> {
    pub id: &'a str,
    pub title: &'a str,
    pub short_title: &'a str,
    pub kind: &'static str,
    pub kind_label: String,
    pub status: Option<&'static str>,
    pub status_label: Option<String>,
    pub period: PeriodView,
    pub summary: &'a Option<String>,
    pub lang: &'static str,
    pub other_lang: bool,
    pub href: String,
    pub owner: Option<ActorRef<'a>>,
}

/// A link to an initiative.
#[derive(Serialize)]
#[serde(untagged)]
pub enum InitiativeRef<'a> {
    Known {
        id: &'a str,
        title: &'a str,
        short_title: &'a str,
        lang: &'static str,
        other_lang: bool,
        href: String,
    },
    Unknown {
        id: &'a str,
        title: &'a str,
    },
}

/// An event of a timeline.
#[derive(Serialize)]
pub struct EventView<'a> {
    pub anchor: &'a str,
    pub lang: &'static str,
    pub other_lang: bool,
    pub date: DateView,
    pub title: &'a str,
    pub description_html: &'a str,
    pub initiatives: Vec<InitiativeRef<'a>>,
    pub actors: Vec<ActorRef<'a>>,
    pub source: &'a Option<String>,
    pub source_url: &'a Option<String>,
    /// Set when the event is a plan.
    pub plan: Option<PlanView<'a>>,
    pub href: String,
}

/// How a planned event is shown: `{state, text, source, date, url, fulfilled_href}`.
/// `state` is `planned` (its date has not passed `as_of`), `unconfirmed` (it has, and no
/// event records that it happened) or `fulfilled` (an event with `fulfils:` says it did).
#[derive(Serialize)]
pub struct PlanView<'a> {
    pub state: &'static str,
    /// "planlagt, ifølge kompetansestrategien (oktober 2017)", with "– ikke bekreftet"
    /// after a plan whose date has passed unconfirmed.
    pub text: String,
    pub source: &'a str,
    pub date: DateView,
    pub url: &'a Option<String>,
    pub fulfilled_href: Option<String>,
}

/// The events of one year: `{year, id, events}`.
#[derive(Serialize)]
pub struct YearView<'a> {
    pub year: i32,
    pub id: String,
    pub events: Vec<EventView<'a>>,
}

/// An initiative's page: its summary and everything the page shows.
#[derive(Serialize)]
pub struct InitiativeView<'a> {
    #[serde(flatten)]
    pub summary: InitiativeSummary<'a>,
    pub body_html: &'a str,
    pub parties: Vec<ActorRef<'a>>,
    pub source: Option<SourceView<'a>>,
    pub roles: Vec<RoleView<'a>>,
    pub topics: &'a [String],
    pub measures: Vec<MeasureView<'a>>,
    pub relations: Vec<RelationView<'a>>,
    pub tags: Vec<TagView<'a>>,
    pub pages: Vec<PageSummary<'a>>,
    pub events_by_year: Vec<YearView<'a>>,
    /// How many events the initiative has, and how many the page shows: the latest
    /// `page_size`.
    pub events_total: usize,
    pub events_shown: usize,
    pub timeline_href: String,
    /// The documents the source refers to.
    pub references: Vec<SourceView<'a>>,
}

/// The document an initiative, a page or a reference comes from.
#[derive(Serialize)]
pub struct SourceView<'a> {
    pub title: &'a str,
    pub publisher: Option<ActorRef<'a>>,
    pub date: Option<DateView>,
    pub reference: &'a Option<String>,
    pub url: &'a Option<String>,
}

/// An actor's entry in an initiative's list of roles.
#[derive(Serialize)]
pub struct RoleView<'a> {
    pub actor: ActorRef<'a>,
    pub role: String,
    pub tasks: &'a [String],
    /// The entry's id, on the actor's first entry: where the roles matrix links.
    pub anchor: Option<String>,
}

#[derive(Serialize)]
pub struct MeasureView<'a> {
    pub id: String,
    pub title: &'a str,
    pub description_html: &'a str,
    pub date: Option<DateView>,
    pub end: Option<DateView>,
    pub actors: Vec<ActorRef<'a>>,
    pub figures: &'a [String],
}

/// An initiative this one follows, supersedes, or is followed or superseded by.
#[derive(Serialize)]
pub struct RelationView<'a> {
    pub label: String,
    pub initiative: InitiativeRef<'a>,
}

#[derive(Serialize)]
pub struct TagView<'a> {
    pub name: &'a str,
    pub href: String,
}

/// A page in a list: `{title, summary, date, href, lang, other_lang}`.
#[derive(Serialize)]
pub struct PageSummary<'a> {
    pub title: &'a str,
    pub summary: &'a Option<String>,
    pub date: Option<DateView>,
    pub href: String,
    pub lang: &'static str,
    pub other_lang: bool,
}

/// An actor's page: its names over time and what it holds in each initiative.
#[derive(Serialize)]
pub struct ActorView<'a> {
    pub id: &'a str,
    pub name: &'a str,
    pub short: &'a Option<String>,
    pub names: Vec<NameView<'a>>,
    pub kind: String,
    pub kind_label: String,
    pub url: &'a Option<String>,
    pub description: &'a Option<String>,
    pub holdings: Vec<Holding<'a>>,
    pub events_by_year: Vec<YearView<'a>>,
    /// How many events the actor took part in, and how many the page shows: the latest
    /// `page_size`.
    pub events_total: usize,
    pub events_shown: usize,
    pub href: String,
    pub timeline_href: String,
}

/// One of an actor's names, with when it was used.
#[derive(Serialize)]
pub struct NameView<'a> {
    pub name: &'a str,
    pub short: &'a Option<String>,
    pub from: Option<DateView>,
    pub to: Option<DateView>,
}

/// What an actor holds in one initiative: roles with tasks, and measures.
#[derive(Serialize)]
pub struct Holding<'a> {
    pub initiative: InitiativeSummary<'a>,
    /// The actor's name when the initiative started.
    pub name_then: &'a str,
    pub roles: Vec<HeldRole<'a>>,
    pub measures: Vec<HeldMeasure<'a>>,
}

#[derive(Serialize)]
pub struct HeldRole<'a> {
    pub role: String,
    pub tasks: &'a [String],
    pub href: String,
}

#[derive(Serialize)]
pub struct HeldMeasure<'a> {
    pub title: &'a str,
    pub href: String,
    pub date: Option<DateView>,
}

/// The views of records, each built with what `Ctx` looks up.
impl<'a> Ctx<'a> {
    pub fn date(&self, date: &Date, label: Option<&str>, lang: Lang) -> DateView {
        let text = date.text(lang);
        DateView {
            iso: date.iso(),
            label: label.map_or_else(|| text.clone(), str::to_owned),
            text,
            year: date.year,
        }
    }

    pub fn opt_date(
        &self,
        date: Option<&Date>,
        label: Option<&str>,
        lang: Lang,
    ) -> Option<DateView> {
        date.map(|d| self.date(d, label, lang))
    }

    /// "2018–2024", "1. september 2005 – 2008": a spaced dash when either side has spaces.
    /// An earliest start reads "tidligst 2020", a provisional end "foreløpig 2023", unless
    /// the record gives the source's own words in `start_label` or `end_label`.
    pub fn period(&self, p: &Period, lang: Lang) -> PeriodView {
        let start = p.start_label.clone().unwrap_or_else(|| {
            if p.start_earliest {
                format!("{} {}", self.t(lang, "period.earliest"), p.start.text(lang))
            } else {
                p.start.text(lang)
            }
        });
        let end_text = p
            .end_label
            .clone()
            .or_else(|| {
                p.end.map(|e| {
                    if p.end_provisional {
                        format!("{} {}", self.t(lang, "period.provisional"), e.text(lang))
                    } else {
                        e.text(lang)
                    }
                })
            })
            .unwrap_or_default();
        let text = match &p.end {
            _ if !end_text.is_empty() => join_range(&start, &end_text),
            _ => format!("{} {start}", self.t(lang, "period.from")),
        };
        let sep = if start.contains(' ') || end_text.contains(' ') {
            " – "
        } else {
            "–"
        };
        let years = match &p.end {
            Some(e) if e.year == p.start.year => p.start.year.to_string(),
            Some(e) => format!("{}–{}", p.start.year, e.year),
            None => format!("{} {}", self.t(lang, "period.from"), p.start.year),
        };
        PeriodView {
            years,
            start: self.date(&p.start, Some(&start), lang),
            end: self.opt_date(
                p.end.as_ref(),
                Some(&end_text)
                    .filter(|t| !t.is_empty())
                    .map(String::as_str),
                lang,
            ),
            start_earliest: p.start_earliest,
            end_provisional: p.end_provisional,
            text,
            sep,
            from_word: p.end.is_none().then(|| self.t(lang, "period.from")),
        }
    }

    pub fn actor_ref(&self, id: &'a str, at: Option<&Date>, lang: Lang) -> ActorRef<'a> {
        match self.reg.actors.get(id) {
            Some(a) => {
                let n = a.name_at(at);
                let current = a.current();
                let name = n.name_in(lang);
                let current_name = current.name_in(lang);
                let renamed = name != current_name;
                ActorRef::Known {
                    id,
                    name,
                    short: n.short_in(lang),
                    current_name,
                    renamed,
                    today: renamed
                        .then(|| format!("{} {current_name}", self.t(lang, "now_called"))),
                    href: self.href(&self.urls.actor(id)),
                    kind: a.kind.key(),
                    kind_label: self.t(lang, &format!("kind.{}", a.kind.key())),
                }
            }
            None => ActorRef::Unknown {
                id,
                name: id,
                href: None,
            },
        }
    }

    /// A source document; its publisher by the name it had at the document's date (or at
    /// `at`, when the document has none).
    pub fn source(&self, s: &'a SourceDoc, at: Option<&Date>, lang: Lang) -> SourceView<'a> {
        SourceView {
            title: &s.title,
            publisher: s
                .publisher
                .as_deref()
                .map(|p| self.actor_ref(p, s.date.as_ref().or(at), lang)),
            date: self.opt_date(s.date.as_ref(), None, lang),
            reference: &s.reference,
            url: &s.url,
        }
    }

    /// An actor named for a span of dates (a filter, a list): today's name, and the other
    /// names it had at those dates: "Statsforvalteren (tidligere Fylkesmannen)".
    pub fn names_then<'d>(
        &self,
        a: &Actor,
        dates: impl Iterator<Item = &'d Date>,
        lang: Lang,
    ) -> String {
        let current = a.current().name_in(lang);
        let mut then: Vec<&str> = Vec::new();
        for d in dates {
            let n = a.name_at(Some(d)).name_in(lang);
            if n != current && !then.contains(&n) {
                then.push(n);
            }
        }
        if then.is_empty() {
            current.to_owned()
        } else {
            format!(
                "{current} ({} {})",
                self.t(lang, "names_earlier"),
                then.join(", ")
            )
        }
    }

    pub fn status(&self, ini: &Initiative) -> Option<Status> {
        self.reg
            .config
            .as_of
            .as_ref()
            .map(|as_of| ini.meta.period.status(as_of))
    }

    pub fn initiative_summary(&self, ini: &'a Initiative, lang: Lang) -> InitiativeSummary<'a> {
        let status = self.status(ini);
        InitiativeSummary {
            id: &ini.id,
            title: &ini.meta.title,
            short_title: ini.short_title(),
            kind: ini.meta.kind.key(),
            kind_label: self.t(lang, &format!("initiative_kind.{}", ini.meta.kind.key())),
            status: status.map(Status::key),
            status_label: status.map(|s| self.t(lang, &format!("status.{}", s.key()))),
            period: self.period(&ini.meta.period, lang),
            summary: &ini.meta.summary,
            lang: ini.lang.code(),
            other_lang: ini.lang != lang,
            href: self.href(&self.urls.initiative(&ini.id)),
            owner: ini
                .meta
                .owner
                .as_deref()
                .map(|o| self.actor_ref(o, Some(&ini.meta.period.start), lang)),
        }
    }

    pub fn initiative_ref(&self, id: &'a str, lang: Lang) -> InitiativeRef<'a> {
        match self.reg.initiatives.get(id) {
            Some(i) => InitiativeRef::Known {
                id,
                title: &i.meta.title,
                short_title: i.short_title(),
                lang: i.lang.code(),
                other_lang: i.lang != lang,
                href: self.href(&self.urls.initiative(id)),
            },
            None => InitiativeRef::Unknown { id, title: id },
        }
    }

    /// The language an event is written in: its initiative's, for an event written inside
    /// an initiative's file; else the site's.
    pub fn event_lang(&self, e: &Event) -> Lang {
        e.written_in
            .as_ref()
            .and_then(|id| self.reg.initiatives.get(id))
            .map_or(self.reg.config.lang, |i| i.lang)
    }

    pub fn event(&self, e: &'a Event, lang: Lang) -> EventView<'a> {
        let own = self.event_lang(e);
        EventView {
            anchor: &e.anchor,
            lang: own.code(),
            other_lang: own != lang,
            date: self.date(&e.date, e.date_label.as_deref(), lang),
            title: &e.title,
            description_html: self.body(&format!("event:{}", e.anchor)),
            initiatives: e
                .initiatives
                .iter()
                .map(|i| self.initiative_ref(i, lang))
                .collect(),
            actors: e
                .actors
                .iter()
                .map(|a| self.actor_ref(a, Some(&e.date), lang))
                .collect(),
            source: &e.source,
            source_url: &e.source_url,
            plan: self.plan(e, lang),
            href: self.href(&super::paging::event_path(self.reg, self.urls, e)),
        }
    }

    /// How a planned event is shown; `None` for an event that happened.
    pub fn plan(&self, e: &'a Event, lang: Lang) -> Option<PlanView<'a>> {
        let plan = e.plan.as_ref()?;
        let fulfilled = self.reg.fulfilment_of(e);
        let passed = self
            .reg
            .config
            .as_of
            .is_some_and(|as_of| e.date.last_day() < as_of.first_day());
        let state = match (fulfilled, passed) {
            (Some(_), _) => "fulfilled",
            (None, true) => "unconfirmed",
            (None, false) => "planned",
        };
        let date = self.date(&plan.date, None, lang);
        let mut text = format!(
            "{}, {} {} ({})",
            self.t(lang, "plan.planned"),
            self.t(lang, "plan.according_to"),
            plan.source,
            date.text
        );
        if state != "planned" {
            text = format!("{text} – {}", self.t(lang, &format!("plan.{state}")));
        }
        Some(PlanView {
            state,
            text,
            source: &plan.source,
            date,
            url: &plan.url,
            fulfilled_href: fulfilled
                .map(|f| self.href(&super::paging::event_path(self.reg, self.urls, f))),
        })
    }

    /// Events grouped by year, oldest first.
    pub fn events_by_year(
        &self,
        events: impl Iterator<Item = &'a Event>,
        lang: Lang,
    ) -> Vec<YearView<'a>> {
        let mut years: Vec<YearView> = Vec::new();
        for e in events {
            let v = self.event(e, lang);
            match years.last_mut() {
                Some(y) if y.year == e.date.year => y.events.push(v),
                _ => years.push(YearView {
                    year: e.date.year,
                    id: format!("y{}", e.date.year),
                    events: vec![v],
                }),
            }
        }
        years
    }

    pub fn initiative(&self, ini: &'a Initiative, lang: Lang) -> InitiativeView<'a> {
        let m = &ini.meta;
        let start = Some(&m.period.start);
        let source = m.source.as_ref().map(|s| self.source(s, start, lang));
        // Every actor the roles matrix names gets an entry (and its first entry an anchor),
        // so each cell of the matrix links straight to the tasks.
        let mut roles: Vec<RoleView> = Vec::new();
        let mut seen = std::collections::BTreeSet::new();
        let mut push = |actor: &'a str, role: String, tasks: &'a [String]| {
            let first = seen.insert(actor);
            roles.push(RoleView {
                actor: self.actor_ref(actor, start, lang),
                role,
                tasks,
                anchor: first.then(|| role_anchor(actor)),
            });
        };
        for r in &m.roles {
            push(&r.actor, r.role_in(lang).to_owned(), &r.tasks);
        }
        let owner = m.owner.iter().map(|o| (o, "role.owner"));
        let mut added: Vec<&String> = Vec::new();
        for (a, key) in owner.chain(m.parties.iter().map(|p| (p, "role.party"))) {
            if !m.roles.iter().any(|r| &r.actor == a) && !added.contains(&a) {
                added.push(a);
                push(a, self.t(lang, key), &[]);
            }
        }
        let measures: Vec<MeasureView> = m
            .measures
            .iter()
            .map(|x| {
                let id = measure_id(x);
                MeasureView {
                    description_html: self.body(&format!("measure:{}:{id}", ini.id)),
                    id,
                    title: &x.title,
                    date: self.opt_date(x.date.as_ref(), x.date_label.as_deref(), lang),
                    end: self.opt_date(x.end.as_ref(), None, lang),
                    actors: x
                        .actors
                        .iter()
                        .map(|a| self.actor_ref(a, x.date.as_ref().or(start), lang))
                        .collect(),
                    figures: &x.figures,
                }
            })
            .collect();
        let mut relations = Vec::new();
        for (from, kind, to) in &self.reg.relations {
            let (key, other) = match kind {
                RelationKind::Follows if *from == ini.id => ("relation.follows", to),
                RelationKind::Follows if *to == ini.id => ("relation.followed_by", from),
                RelationKind::Supersedes if *from == ini.id => ("relation.supersedes", to),
                RelationKind::Supersedes if *to == ini.id => ("relation.superseded_by", from),
                _ => continue,
            };
            relations.push(RelationView {
                label: self.t(lang, key),
                initiative: self.initiative_ref(other, lang),
            });
        }
        let pages = self
            .reg
            .pages
            .iter()
            .filter(|p| !p.is_section && p.meta.initiatives.contains(&ini.id))
            .map(|p| self.page_summary(p, lang))
            .collect();
        let (events, events_total) = super::paging::latest(
            self.reg.events_of_initiative(&ini.id).collect(),
            self.reg.config.page_size,
        );
        InitiativeView {
            summary: self.initiative_summary(ini, lang),
            body_html: self.body(&format!("initiative:{}", ini.id)),
            parties: m
                .parties
                .iter()
                .map(|p| self.actor_ref(p, start, lang))
                .collect(),
            source,
            roles,
            topics: &m.topics,
            measures,
            relations,
            tags: self.tags(&m.tags, lang),
            references: m
                .references
                .iter()
                .map(|s| self.source(s, start, lang))
                .collect(),
            pages,
            events_shown: events.len(),
            events_by_year: self.events_by_year(events.into_iter(), lang),
            events_total,
            timeline_href: self.href(&self.urls.timeline_of(&ini.id)),
        }
    }

    pub fn actor(&self, a: &'a Actor, lang: Lang) -> ActorView<'a> {
        let names = a
            .names
            .iter()
            .map(|n| NameView {
                name: &n.name,
                short: &n.short,
                from: self.opt_date(n.from.as_ref(), None, lang),
                to: self.opt_date(n.to.as_ref(), None, lang),
            })
            .collect();
        let mut holdings = Vec::new();
        for ini in self.reg.initiatives_by_start() {
            let m = &ini.meta;
            let roles = self.roles_of(ini, &a.id, lang);
            let mut measures = m
                .measures
                .iter()
                .filter(|x| x.actors.contains(&a.id))
                .peekable();
            // Most actors hold nothing in most initiatives: nothing is built for those.
            if roles.is_empty() && measures.peek().is_none() {
                continue;
            }
            let href = format!(
                "{}#{}",
                self.href(&self.urls.initiative(&ini.id)),
                role_anchor(&a.id)
            );
            let roles = roles
                .into_iter()
                .map(|(role, tasks)| HeldRole {
                    role,
                    tasks,
                    href: href.clone(),
                })
                .collect();
            let measures = measures
                .map(|x| HeldMeasure {
                    title: &x.title,
                    href: format!(
                        "{}#{}",
                        self.href(&self.urls.initiative(&ini.id)),
                        measure_id(x)
                    ),
                    date: self.opt_date(x.date.as_ref(), x.date_label.as_deref(), lang),
                })
                .collect();
            holdings.push(Holding {
                initiative: self.initiative_summary(ini, lang),
                name_then: &a.name_at(Some(&m.period.start)).name,
                roles,
                measures,
            });
        }
        let current = a.current();
        let (events, events_total) = super::paging::latest(
            self.reg.events_of_actor(&a.id).collect(),
            self.reg.config.page_size,
        );
        ActorView {
            id: &a.id,
            name: &current.name,
            short: &current.short,
            names,
            kind: a.kind.key(),
            kind_label: self.t(lang, &format!("kind.{}", a.kind.key())),
            url: &a.url,
            description: &a.description,
            holdings,
            events_shown: events.len(),
            events_by_year: self.events_by_year(events.into_iter(), lang),
            events_total,
            href: self.href(&self.urls.actor(&a.id)),
            timeline_href: self.href(&self.urls.timeline_of_actor(&a.id)),
        }
    }

    /// What an actor does in an initiative: `(role, tasks)`, the owner's part first; an
    /// owner or party with no role of its own is shown as such.
    pub fn roles_of<'i>(
        &self,
        ini: &'i Initiative,
        actor: &str,
        lang: Lang,
    ) -> Vec<(String, &'i [String])> {
        let m = &ini.meta;
        let mut roles: Vec<(String, &[String])> = Vec::new();
        if m.owner.as_deref() == Some(actor) {
            roles.push((self.t(lang, "role.owner"), &[]));
        }
        roles.extend(
            m.roles
                .iter()
                .filter(|r| r.actor == actor)
                .map(|r| (r.role_in(lang).to_owned(), r.tasks.as_slice())),
        );
        if roles.is_empty() && m.parties.iter().any(|p| p == actor) {
            roles.push((self.t(lang, "role.party"), &[]));
        }
        roles
    }

    pub fn page_summary(&self, p: &'a Page, lang: Lang) -> PageSummary<'a> {
        PageSummary {
            title: &p.meta.title,
            summary: &p.meta.summary,
            date: self.opt_date(p.meta.date.as_ref(), None, lang),
            href: self.href(&self.urls.page(&p.slug_path)),
            lang: p.lang.code(),
            other_lang: p.lang != lang,
        }
    }

    /// Tags as a page in `lang` shows them, linking to the tag's one page.
    pub fn tags(&self, tags: &'a [String], lang: Lang) -> Vec<TagView<'a>> {
        tags.iter()
            .map(|t| TagView {
                name: self.reg.config.tag_name(t, lang),
                href: self.href(&self.urls.tag(t)),
            })
            .collect()
    }
}

/// The id of an actor's entry in an initiative's list of roles: `rolle-ks`.
pub fn role_anchor(actor: &str) -> String {
    format!("rolle-{actor}")
}

pub fn measure_id(m: &crate::model::Measure) -> String {
    m.id.clone()
        .unwrap_or_else(|| crate::model::slugify(&m.title))
}

fn join_range(start: &str, end: &str) -> String {
    if start.contains(' ') || end.contains(' ') {
        format!("{start} – {end}")
    } else {
        format!("{start}–{end}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_use_spaced_dashes_only_when_needed() {
        assert_eq!(join_range("2018", "2024"), "2018–2024");
        assert_eq!(
            join_range("1. september 2005", "2008"),
            "1. september 2005 – 2008"
        );
    }
}
