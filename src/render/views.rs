//! Views: what templates see. Built from the registry, in the page's language, with
//! every date formatted once and every name as it was at the date it is shown with.
//! Templates never see the model's internals.

use std::collections::BTreeMap;
use std::sync::Arc;

use serde_json::{json, Map, Value};

use crate::model::{
    Actor, Date, Event, Initiative, Lang, Page, Period, Registry, RelationKind, Status,
};
use crate::output::Urls;

use super::markdown::Rendered;

/// Everything a view needs to look things up.
pub struct Ctx<'a> {
    pub reg: &'a Registry,
    pub urls: &'a Urls,
    pub strings: &'a BTreeMap<Lang, BTreeMap<String, String>>,
    /// Rendered Markdown bodies by key (`initiative:<id>`, `page:<index>`, `event:<anchor>`,
    /// `measure:<initiative>:<id>`).
    pub bodies: &'a BTreeMap<String, Arc<Rendered>>,
}

impl Ctx<'_> {
    pub fn t(&self, lang: Lang, key: &str) -> String {
        self.strings
            .get(&lang)
            .and_then(|m| m.get(key))
            .cloned()
            .unwrap_or_else(|| key.to_owned())
    }

    pub fn href(&self, site_path: &str) -> String {
        self.urls.href(site_path)
    }

    pub fn body(&self, key: &str) -> &str {
        self.bodies.get(key).map_or("", |r| r.html.as_str())
    }

    pub fn date(&self, date: &Date, label: Option<&str>, lang: Lang) -> Value {
        let text = date.text(lang);
        json!({
            "iso": date.iso(),
            "text": text,
            "label": label.unwrap_or(&text),
            "year": date.year,
        })
    }

    fn opt_date(&self, date: Option<&Date>, label: Option<&str>, lang: Lang) -> Value {
        date.map_or(Value::Null, |d| self.date(d, label, lang))
    }

    /// "2018–2024", "1. september 2005 – 2008": a spaced dash when either side has spaces.
    pub fn period(&self, p: &Period, lang: Lang) -> Value {
        let start = p.start_label.clone().unwrap_or_else(|| p.start.text(lang));
        let text = match (&p.end, &p.end_label) {
            (_, Some(end)) => join_range(&start, end),
            (Some(end), None) => join_range(&start, &end.text(lang)),
            (None, None) => format!("{} {start}", self.t(lang, "period.from")),
        };
        let end_text = p
            .end_label
            .clone()
            .or_else(|| p.end.map(|e| e.text(lang)))
            .unwrap_or_default();
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
        json!({
            "years": years,
            "start": self.date(&p.start, p.start_label.as_deref(), lang),
            "end": self.opt_date(p.end.as_ref(), p.end_label.as_deref(), lang),
            "text": text,
            "sep": sep,
            "from_word": if p.end.is_none() { Some(self.t(lang, "period.from")) } else { None },
        })
    }

    pub fn actor_ref(&self, id: &str, at: Option<&Date>, lang: Lang) -> Value {
        match self.reg.actors.get(id) {
            Some(a) => {
                let n = a.name_at(at);
                let current = a.current();
                json!({
                    "id": id,
                    "name": n.name,
                    "short": n.short,
                    "current_name": current.name,
                    "renamed": n.name != current.name,
                    "href": self.href(&self.urls.actor(id)),
                    "kind": a.kind.key(),
                    "kind_label": self.t(lang, &format!("kind.{}", a.kind.key())),
                })
            }
            None => json!({ "id": id, "name": id, "href": Value::Null }),
        }
    }

    pub fn status(&self, ini: &Initiative) -> Option<Status> {
        self.reg
            .config
            .as_of
            .as_ref()
            .map(|as_of| ini.meta.period.status(as_of))
    }

    pub fn initiative_summary(&self, ini: &Initiative, lang: Lang) -> Value {
        let status = self.status(ini);
        json!({
            "id": ini.id,
            "title": ini.meta.title,
            "short_title": ini.short_title(),
            "kind": ini.meta.kind.key(),
            "kind_label": self.t(lang, &format!("initiative_kind.{}", ini.meta.kind.key())),
            "status": status.map(Status::key),
            "status_label": status.map(|s| self.t(lang, &format!("status.{}", s.key()))),
            "period": self.period(&ini.meta.period, lang),
            "summary": ini.meta.summary,
            "lang": ini.lang.code(),
            "other_lang": ini.lang != lang,
            "href": self.href(&self.urls.initiative(&ini.id)),
            "owner": ini.meta.owner.as_deref().map(|o| self.actor_ref(o, Some(&ini.meta.period.start), lang)),
        })
    }

    pub fn initiative_ref(&self, id: &str, lang: Lang) -> Value {
        match self.reg.initiatives.get(id) {
            Some(i) => json!({
                "id": id,
                "title": i.meta.title,
                "short_title": i.short_title(),
                "lang": i.lang.code(),
                "other_lang": i.lang != lang,
                "href": self.href(&self.urls.initiative(id)),
            }),
            None => json!({ "id": id, "title": id }),
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

    pub fn event(&self, e: &Event, lang: Lang) -> Value {
        let own = self.event_lang(e);
        json!({
            "anchor": e.anchor,
            "lang": own.code(),
            "other_lang": own != lang,
            "date": self.date(&e.date, e.date_label.as_deref(), lang),
            "title": e.title,
            "description_html": self.body(&format!("event:{}", e.anchor)),
            "initiatives": e.initiatives.iter().map(|i| self.initiative_ref(i, lang)).collect::<Vec<_>>(),
            "actors": e.actors.iter().map(|a| self.actor_ref(a, Some(&e.date), lang)).collect::<Vec<_>>(),
            "source": e.source,
            "href": format!("{}#{}", self.href(&self.urls.timeline()), e.anchor),
        })
    }

    /// Events grouped by year, oldest first: `[{year, events}]`.
    pub fn events_by_year<'e>(
        &self,
        events: impl Iterator<Item = &'e Event>,
        lang: Lang,
    ) -> Vec<Value> {
        let mut years: Vec<(i32, Vec<Value>)> = Vec::new();
        for e in events {
            let v = self.event(e, lang);
            match years.last_mut() {
                Some((y, list)) if *y == e.date.year => list.push(v),
                _ => years.push((e.date.year, vec![v])),
            }
        }
        years
            .into_iter()
            .map(|(year, events)| json!({ "year": year, "id": format!("y{year}"), "events": events }))
            .collect()
    }

    pub fn initiative(&self, ini: &Initiative, lang: Lang) -> Value {
        let m = &ini.meta;
        let start = Some(&m.period.start);
        let mut v = self.initiative_summary(ini, lang);
        let source = m.source.as_ref().map(|s| {
            json!({
                "title": s.title,
                "publisher": s.publisher.as_deref().map(|p| self.actor_ref(p, s.date.as_ref().or(start), lang)),
                "date": self.opt_date(s.date.as_ref(), None, lang),
                "reference": s.reference,
                "url": s.url,
            })
        });
        // Every actor the roles matrix names gets an entry (and its first entry an anchor),
        // so each cell of the matrix links straight to the tasks.
        let mut roles: Vec<Value> = Vec::new();
        let mut seen = std::collections::BTreeSet::new();
        let mut push = |actor: &str, role: &str, tasks: &[String]| {
            let first = seen.insert(actor.to_owned());
            roles.push(json!({
                "actor": self.actor_ref(actor, start, lang),
                "role": role,
                "tasks": tasks,
                "anchor": first.then(|| role_anchor(actor)),
            }));
        };
        for r in &m.roles {
            push(&r.actor, &r.role, &r.tasks);
        }
        let owner = m.owner.iter().map(|o| (o, "role.owner"));
        let mut added: Vec<&String> = Vec::new();
        for (a, key) in owner.chain(m.parties.iter().map(|p| (p, "role.party"))) {
            if !m.roles.iter().any(|r| &r.actor == a) && !added.contains(&a) {
                added.push(a);
                push(a, &self.t(lang, key), &[]);
            }
        }
        let measures: Vec<Value> = m
            .measures
            .iter()
            .map(|x| {
                let id = measure_id(x);
                json!({
                    "id": id,
                    "title": x.title,
                    "description_html": self.body(&format!("measure:{}:{id}", ini.id)),
                    "date": self.opt_date(x.date.as_ref(), x.date_label.as_deref(), lang),
                    "end": self.opt_date(x.end.as_ref(), None, lang),
                    "actors": x.actors.iter().map(|a| self.actor_ref(a, x.date.as_ref().or(start), lang)).collect::<Vec<_>>(),
                    "figures": x.figures,
                })
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
            relations.push(json!({ "label": self.t(lang, key), "initiative": self.initiative_ref(other, lang) }));
        }
        let pages: Vec<Value> = self
            .reg
            .pages
            .iter()
            .filter(|p| !p.is_section && p.meta.initiatives.contains(&ini.id))
            .map(|p| self.page_summary(p, lang))
            .collect();
        let events = self.events_by_year(self.reg.events_of_initiative(&ini.id), lang);
        let extra = json!({
            "body_html": self.body(&format!("initiative:{}", ini.id)),
            "parties": m.parties.iter().map(|p| self.actor_ref(p, start, lang)).collect::<Vec<_>>(),
            "source": source,
            "roles": roles,
            "topics": m.topics,
            "measures": measures,
            "relations": relations,
            "tags": self.tags(&m.tags),
            "pages": pages,
            "events_by_year": events,
            "timeline_href": self.href(&self.urls.timeline_of(&ini.id)),
        });
        merge(&mut v, extra);
        v
    }

    pub fn actor(&self, a: &Actor, lang: Lang) -> Value {
        let names: Vec<Value> = a
            .names
            .iter()
            .map(|n| {
                json!({
                    "name": n.name,
                    "short": n.short,
                    "from": self.opt_date(n.from.as_ref(), None, lang),
                    "to": self.opt_date(n.to.as_ref(), None, lang),
                })
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
            let roles: Vec<Value> = roles
                .into_iter()
                .map(|(role, tasks)| json!({ "role": role, "tasks": tasks, "href": href }))
                .collect();
            let measures: Vec<Value> = measures
                .map(|x| {
                    json!({
                        "title": x.title,
                        "href": format!("{}#{}", self.href(&self.urls.initiative(&ini.id)), measure_id(x)),
                        "date": self.opt_date(x.date.as_ref(), x.date_label.as_deref(), lang),
                    })
                })
                .collect();
            holdings.push(json!({
                "initiative": self.initiative_summary(ini, lang),
                "name_then": a.name_at(Some(&m.period.start)).name,
                "roles": roles,
                "measures": measures,
            }));
        }
        let current = a.current();
        json!({
            "id": a.id,
            "name": current.name,
            "short": current.short,
            "names": names,
            "kind": a.kind.key(),
            "kind_label": self.t(lang, &format!("kind.{}", a.kind.key())),
            "url": a.url,
            "description": a.description,
            "holdings": holdings,
            "events_by_year": self.events_by_year(self.reg.events_of_actor(&a.id), lang),
            "href": self.href(&self.urls.actor(&a.id)),
            "timeline_href": self.href(&self.urls.timeline_of_actor(&a.id)),
        })
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
                .map(|r| (r.role.clone(), r.tasks.as_slice())),
        );
        if roles.is_empty() && m.parties.iter().any(|p| p == actor) {
            roles.push((self.t(lang, "role.party"), &[]));
        }
        roles
    }

    pub fn page_summary(&self, p: &Page, lang: Lang) -> Value {
        object!({
            "title": p.meta.title.as_str(),
            "summary": p.meta.summary.as_deref(),
            "date": self.opt_date(p.meta.date.as_ref(), None, lang),
            "href": self.href(&self.urls.page(&p.slug_path)),
            "lang": p.lang.code(),
            "other_lang": p.lang != lang,
        })
    }

    pub fn tags(&self, tags: &[String]) -> Vec<Value> {
        tags.iter()
            .map(|t| json!({ "name": t, "href": self.href(&self.urls.tag(t)) }))
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

/// Adds the keys of `extra` (an object) to `v` (an object).
pub fn merge(v: &mut Value, extra: Value) {
    if let (Value::Object(a), Value::Object(b)) = (v, extra) {
        let b: Map<String, Value> = b;
        a.extend(b);
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
