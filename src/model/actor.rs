//! An actor: a ministry, directorate, organisation or group, with its names over time.

use serde::{Deserialize, Serialize};

use super::{Date, Lang, SourceFile};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ActorKind {
    Government,
    Ministry,
    Directorate,
    Agency,
    CountyGovernor,
    MunicipalSector,
    Municipality,
    Service,
    Education,
    KnowledgeCentre,
    Organisation,
    ChildrenAndYoungPeople,
    Staff,
    Parliament,
    Ombudsman,
    Person,
    Other,
}

impl ActorKind {
    /// The key of the kind's label in the theme's UI strings: `kind.county-governor`.
    pub fn key(self) -> String {
        let json = serde_json::to_value(self).unwrap_or_default();
        json.as_str().unwrap_or("other").to_owned()
    }
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ActorName {
    pub name: String,
    #[serde(default)]
    pub short: Option<String>,
    /// The name in the other written standard, where it differs: used on pages in it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name_nn: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name_nb: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub short_nn: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub short_nb: Option<String>,
    #[serde(default)]
    pub from: Option<Date>,
    #[serde(default)]
    pub to: Option<Date>,
}

impl ActorName {
    /// The name on a page in `lang`: its form in that written standard, if given.
    pub fn name_in(&self, lang: Lang) -> &str {
        let form = match lang {
            Lang::Nn => &self.name_nn,
            Lang::Nb => &self.name_nb,
        };
        form.as_deref().unwrap_or(&self.name)
    }

    /// The short name on a page in `lang`.
    pub fn short_in(&self, lang: Lang) -> Option<&str> {
        let form = match lang {
            Lang::Nn => &self.short_nn,
            Lang::Nb => &self.short_nb,
        };
        form.as_deref().or(self.short.as_deref())
    }
}

/// What an actor file holds.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ActorFile {
    #[serde(default)]
    pub id: Option<String>,
    pub names: Vec<ActorName>,
    pub kind: ActorKind,
    #[serde(default)]
    pub url: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
    /// Old addresses of the actor's page, which send readers on to it.
    #[serde(default)]
    pub aliases: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct Actor {
    pub id: String,
    pub names: Vec<ActorName>,
    pub kind: ActorKind,
    pub url: Option<String>,
    pub description: Option<String>,
    pub aliases: Vec<String>,
    pub source: SourceFile,
}

impl Actor {
    /// The name in use today: the last one.
    pub fn current(&self) -> &ActorName {
        // Loading refuses an actor without names.
        &self.names[self.names.len() - 1]
    }

    /// The name in use at `date`: the one whose period covers it, else the latest one
    /// that began before it, else the earliest.
    pub fn name_at(&self, date: Option<&Date>) -> &ActorName {
        let Some(date) = date else {
            return self.current();
        };
        let covers = |n: &&ActorName| {
            n.from.is_none_or(|f| f.first_day() <= date.last_day())
                && n.to.is_none_or(|t| t.last_day() >= date.first_day())
        };
        // On an overlap (a year in which the name changed), prefer the name that began latest.
        if let Some(n) = self.names.iter().rev().find(covers) {
            return n;
        }
        self.names
            .iter()
            .rev()
            .find(|n| n.from.is_none_or(|f| f.first_day() <= date.first_day()))
            .unwrap_or(&self.names[0])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ministry() -> Actor {
        let name = |name: &str, from: Option<&str>, to: Option<&str>| ActorName {
            name: name.into(),
            short: None,
            name_nn: None,
            name_nb: None,
            short_nn: None,
            short_nb: None,
            from: from.map(|d| Date::parse(d).unwrap()),
            to: to.map(|d| Date::parse(d).unwrap()),
        };
        Actor {
            id: "bfd".into(),
            names: vec![
                name("Barne- og familiedepartementet", None, Some("2005")),
                name(
                    "Barne- og likestillingsdepartementet",
                    Some("2006"),
                    Some("2018"),
                ),
                name("Barne- og familiedepartementet", Some("2019"), None),
            ],
            kind: ActorKind::Ministry,
            url: None,
            description: None,
            aliases: Vec::new(),
            source: SourceFile {
                path: "content/actors/bfd.yaml".into(),
                text: "".into(),
                body_line: 1,
            },
        }
    }

    #[test]
    fn names_follow_the_date() {
        let a = ministry();
        let at = |d: &str| a.name_at(Some(&Date::parse(d).unwrap())).name.clone();
        assert_eq!(at("2005-09-01"), "Barne- og familiedepartementet");
        assert_eq!(at("2017-10"), "Barne- og likestillingsdepartementet");
        assert_eq!(at("2020-12-07"), "Barne- og familiedepartementet");
        assert_eq!(a.name_at(None).name, "Barne- og familiedepartementet");
    }

    #[test]
    fn kind_keys_are_kebab_case() {
        assert_eq!(ActorKind::CountyGovernor.key(), "county-governor");
    }
}
