//! An initiative: a forum, agreement, strategy, reform or programme, with its period,
//! the document it comes from, who does what, and (for a strategy) its measures.

use serde::{Deserialize, Serialize};

use super::{Date, Event, Lang, SourceFile};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum InitiativeKind {
    Forum,
    Agreement,
    Strategy,
    Reform,
    Programme,
}

impl InitiativeKind {
    pub fn key(self) -> &'static str {
        match self {
            InitiativeKind::Forum => "forum",
            InitiativeKind::Agreement => "agreement",
            InitiativeKind::Strategy => "strategy",
            InitiativeKind::Reform => "reform",
            InitiativeKind::Programme => "programme",
        }
    }
}

/// Derived from the period and the site's `as_of` date, never from the clock.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Planned,
    Active,
    Ended,
    /// The start was only an earliest date, and it has passed: no source says it began.
    StartUnconfirmed,
    /// The end was provisional, and it has passed: no source says it ended.
    PeriodOver,
}

impl Status {
    pub fn key(self) -> &'static str {
        match self {
            Status::Planned => "planned",
            Status::Active => "active",
            Status::Ended => "ended",
            Status::StartUnconfirmed => "start_unconfirmed",
            Status::PeriodOver => "period_over",
        }
    }
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Period {
    pub start: Date,
    #[serde(default)]
    pub end: Option<Date>,
    #[serde(default)]
    pub start_label: Option<String>,
    #[serde(default)]
    pub end_label: Option<String>,
    /// `start` is only the earliest date the source gives ("tidligst i 2020").
    #[serde(default, skip_serializing_if = "is_false")]
    pub start_earliest: bool,
    /// `end` is what the source plans, not a recorded end ("i første omgang ut 2023").
    #[serde(default, skip_serializing_if = "is_false")]
    pub end_provisional: bool,
}

fn is_false(b: &bool) -> bool {
    !b
}

impl Period {
    /// As honest as the period: a start that was only the earliest possible one is not
    /// a start, and a provisional end that has passed is not an end.
    pub fn status(&self, as_of: &Date) -> Status {
        if self.start.first_day() > as_of.last_day() {
            Status::Planned
        } else if self
            .end
            .is_some_and(|end| end.last_day() < as_of.first_day())
        {
            if self.end_provisional {
                Status::PeriodOver
            } else {
                Status::Ended
            }
        } else if self.start_earliest {
            Status::StartUnconfirmed
        } else {
            Status::Active
        }
    }
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct SourceDoc {
    pub title: String,
    #[serde(default)]
    pub publisher: Option<String>,
    #[serde(default)]
    pub date: Option<Date>,
    #[serde(default)]
    pub reference: Option<String>,
    #[serde(default)]
    pub url: Option<String>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Role {
    pub actor: String,
    pub role: String,
    /// The role in the other written standard, where it differs: used on pages in it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role_nn: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role_nb: Option<String>,
    #[serde(default)]
    pub tasks: Vec<String>,
}

impl Role {
    /// The role on a page in `lang`.
    pub fn role_in(&self, lang: Lang) -> &str {
        let form = match lang {
            Lang::Nn => &self.role_nn,
            Lang::Nb => &self.role_nb,
        };
        form.as_deref().unwrap_or(&self.role)
    }
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Measure {
    #[serde(default)]
    pub id: Option<String>,
    pub title: String,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub date: Option<Date>,
    #[serde(default)]
    pub date_label: Option<String>,
    #[serde(default)]
    pub end: Option<Date>,
    #[serde(default)]
    pub actors: Vec<String>,
    #[serde(default)]
    pub figures: Vec<String>,
}

/// The front matter of an initiative file.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InitiativeMeta {
    pub title: String,
    #[serde(default)]
    pub short_title: Option<String>,
    pub kind: InitiativeKind,
    #[serde(default)]
    pub lang: Option<Lang>,
    #[serde(default)]
    pub summary: Option<String>,
    #[serde(default)]
    pub owner: Option<String>,
    #[serde(default)]
    pub parties: Vec<String>,
    pub period: Period,
    #[serde(default)]
    pub source: Option<SourceDoc>,
    #[serde(default)]
    pub follows: Option<String>,
    #[serde(default)]
    pub supersedes: Option<String>,
    #[serde(default)]
    pub roles: Vec<Role>,
    #[serde(default)]
    pub topics: Vec<String>,
    #[serde(default)]
    pub measures: Vec<Measure>,
    #[serde(default)]
    pub events: Vec<Event>,
    #[serde(default)]
    pub tags: Vec<String>,
    /// The documents the source itself refers to (a strategy's references), as it lists them.
    #[serde(default)]
    pub references: Vec<SourceDoc>,
    /// When the record was last brought up to date ("Sist oppdatert").
    #[serde(default)]
    pub updated: Option<Date>,
    /// Old addresses of the initiative's page, which send readers on to it.
    #[serde(default)]
    pub aliases: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct Initiative {
    pub id: String,
    pub meta: InitiativeMeta,
    pub lang: Lang,
    /// Where the Markdown body starts in the source text.
    pub body_at: usize,
    pub source: SourceFile,
}

impl Initiative {
    /// The Markdown body below the front matter.
    pub fn body(&self) -> &str {
        self.source.text.get(self.body_at..).unwrap_or("")
    }

    /// The short name for charts and tables.
    pub fn short_title(&self) -> &str {
        self.meta.short_title.as_deref().unwrap_or(&self.meta.title)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn period(start: &str, end: Option<&str>) -> Period {
        Period {
            start: Date::parse(start).unwrap(),
            end: end.map(|e| Date::parse(e).unwrap()),
            start_label: None,
            end_label: None,
            start_earliest: false,
            end_provisional: false,
        }
    }

    #[test]
    fn status_follows_as_of_at_the_precision_given() {
        let as_of = Date::parse("2021-06-01").unwrap();
        assert_eq!(period("2021", Some("2023")).status(&as_of), Status::Active);
        assert_eq!(
            period("2005-09-01", Some("2008")).status(&as_of),
            Status::Ended
        );
        assert_eq!(period("2022", None).status(&as_of), Status::Planned);
        // A period ending in 2021 is still running on 1 June 2021.
        assert_eq!(period("2018", Some("2021")).status(&as_of), Status::Active);
        assert_eq!(period("2018", None).status(&as_of), Status::Active);
    }

    #[test]
    fn provisional_ends_and_earliest_starts_are_not_facts() {
        let as_of = Date::parse("2025-01-01").unwrap();
        let mut p = period("2021", Some("2023"));
        p.end_provisional = true;
        assert_eq!(p.status(&as_of), Status::PeriodOver);
        let mut p = period("2020", None);
        p.start_earliest = true;
        assert_eq!(p.status(&as_of), Status::StartUnconfirmed);
        assert_eq!(p.status(&Date::parse("2019").unwrap()), Status::Planned);
    }
}
