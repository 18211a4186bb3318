//! `mandat schema`: JSON Schema (draft-07, what editors' YAML support reads best) for
//! site.yaml, actors, initiatives' and pages' front matter and event files, so an editor
//! can complete field names and mark mistakes while the file is written.
//!
//! The schemas are JSON files in src/schema/, written for people (each field described as
//! docs/format.md describes it, dates as the patterns `Date::parse` accepts) and compiled
//! in. The tests below hold them to the records' types: every field, every enum value,
//! and no unknown field anywhere.

use std::path::{Path, PathBuf};

use crate::error::Error;

/// Each schema file by name: the kind of file it describes comes first.
pub const FILES: [(&str, &str); 5] = [
    ("site.schema.json", include_str!("schema/site.schema.json")),
    (
        "actor.schema.json",
        include_str!("schema/actor.schema.json"),
    ),
    (
        "initiative.schema.json",
        include_str!("schema/initiative.schema.json"),
    ),
    ("page.schema.json", include_str!("schema/page.schema.json")),
    (
        "event.schema.json",
        include_str!("schema/event.schema.json"),
    ),
];

/// The folder `mandat schema` writes to when not told: `schema/` in the site folder.
pub const DEFAULT_DIR: &str = "schema";

/// Writes every schema into `dir` (created if missing), replacing earlier ones.
pub fn write(dir: &Path) -> Result<Vec<PathBuf>, Error> {
    FILES
        .iter()
        .map(|(name, text)| {
            let path = dir.join(name);
            crate::fs::write(&path, text.as_bytes())?;
            Ok(path)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use serde::de::DeserializeOwned;
    use serde_json::Value;

    use super::*;
    use crate::config::{MenuItem, SiteFile, TagForms};
    use crate::model::actor::ActorFile;
    use crate::model::initiative::InitiativeMeta;
    use crate::model::{
        ActorKind, ActorName, Date, Event, InitiativeKind, Lang, Measure, PageMeta, Period, Plan,
        Role, SourceDoc,
    };

    fn schema(name: &str) -> Value {
        let (_, text) = FILES.iter().find(|(n, _)| *n == name).unwrap();
        serde_json::from_str(text).unwrap_or_else(|e| panic!("{name}: {e}"))
    }

    /// The names serde lists after "expected" when given `input`: the fields of a struct
    /// that denies unknown fields, or the values of an enum.
    fn listed<T: DeserializeOwned>(input: &str) -> BTreeSet<String> {
        let Err(e) = serde_yaml::from_str::<T>(input) else {
            panic!("`{input}` was accepted")
        };
        let msg = e.to_string();
        let expected = msg.split("expected").nth(1).unwrap_or("");
        expected
            .split('`')
            .skip(1)
            .step_by(2)
            .map(str::to_owned)
            .collect()
    }

    fn fields<T: DeserializeOwned>() -> BTreeSet<String> {
        listed::<T>("__no_such_field__: 1\n")
    }

    fn values<T: DeserializeOwned>() -> BTreeSet<String> {
        listed::<T>("__no_such_value__")
    }

    fn at<'a>(v: &'a Value, pointer: &str) -> &'a Value {
        v.pointer(pointer)
            .unwrap_or_else(|| panic!("no {pointer} in the schema"))
    }

    fn properties(v: &Value, pointer: &str) -> BTreeSet<String> {
        at(v, pointer)["properties"]
            .as_object()
            .unwrap_or_else(|| panic!("{pointer} has no properties"))
            .keys()
            .cloned()
            .collect()
    }

    fn enum_values(v: &Value, pointer: &str) -> BTreeSet<String> {
        at(v, pointer)["enum"]
            .as_array()
            .unwrap_or_else(|| panic!("{pointer} has no enum"))
            .iter()
            .map(|x| x.as_str().unwrap().to_owned())
            .collect()
    }

    #[test]
    fn every_field_of_every_record_is_in_its_schema() {
        let site = schema("site.schema.json");
        let actor = schema("actor.schema.json");
        let initiative = schema("initiative.schema.json");
        let page = schema("page.schema.json");
        let event = schema("event.schema.json");
        let cases: Vec<(&str, &Value, &str, BTreeSet<String>)> = vec![
            ("site", &site, "", fields::<SiteFile>()),
            (
                "site",
                &site,
                "/properties/menu/items",
                fields::<MenuItem>(),
            ),
            (
                "site",
                &site,
                "/properties/tag_names/additionalProperties",
                fields::<TagForms>(),
            ),
            ("actor", &actor, "", fields::<ActorFile>()),
            ("actor", &actor, "/definitions/name", fields::<ActorName>()),
            ("initiative", &initiative, "", fields::<InitiativeMeta>()),
            (
                "initiative",
                &initiative,
                "/definitions/period",
                fields::<Period>(),
            ),
            (
                "initiative",
                &initiative,
                "/definitions/source",
                fields::<SourceDoc>(),
            ),
            (
                "initiative",
                &initiative,
                "/definitions/role",
                fields::<Role>(),
            ),
            (
                "initiative",
                &initiative,
                "/definitions/measure",
                fields::<Measure>(),
            ),
            (
                "initiative",
                &initiative,
                "/definitions/event",
                fields::<Event>(),
            ),
            (
                "initiative",
                &initiative,
                "/definitions/plan",
                fields::<Plan>(),
            ),
            ("page", &page, "", fields::<PageMeta>()),
            ("page", &page, "/definitions/source", fields::<SourceDoc>()),
            ("event", &event, "/definitions/event", fields::<Event>()),
            ("event", &event, "/definitions/plan", fields::<Plan>()),
        ];
        for (name, v, pointer, fields) in cases {
            assert!(fields.len() > 1, "{name}{pointer}: serde listed {fields:?}");
            assert_eq!(
                properties(v, pointer),
                fields,
                "{name}.schema.json{pointer}"
            );
        }
    }

    #[test]
    fn every_value_of_every_kind_is_in_its_schema() {
        for name in ["site", "initiative", "page"] {
            let v = schema(&format!("{name}.schema.json"));
            assert_eq!(
                enum_values(&v, "/definitions/lang"),
                values::<Lang>(),
                "{name}"
            );
        }
        let actor = schema("actor.schema.json");
        assert_eq!(
            enum_values(&actor, "/properties/kind"),
            values::<ActorKind>()
        );
        let initiative = schema("initiative.schema.json");
        assert_eq!(
            enum_values(&initiative, "/properties/kind"),
            values::<InitiativeKind>()
        );
    }

    /// Walks every object with `properties` and checks that it refuses other fields.
    fn closed(v: &Value, path: &str, open: &mut Vec<String>) {
        match v {
            Value::Object(map) => {
                if map.contains_key("properties")
                    && map.get("additionalProperties") != Some(&Value::Bool(false))
                {
                    open.push(path.to_owned());
                }
                for (k, x) in map {
                    closed(x, &format!("{path}/{k}"), open);
                }
            }
            Value::Array(items) => {
                for (i, x) in items.iter().enumerate() {
                    closed(x, &format!("{path}/{i}"), open);
                }
            }
            _ => {}
        }
    }

    #[test]
    fn every_schema_is_draft_07_and_refuses_unknown_fields() {
        for (name, _) in FILES {
            let v = schema(name);
            assert_eq!(
                v["$schema"], "http://json-schema.org/draft-07/schema#",
                "{name}"
            );
            assert!(v["description"].as_str().is_some_and(|d| !d.is_empty()));
            let mut open = Vec::new();
            closed(&v, "", &mut open);
            assert!(open.is_empty(), "{name}: open objects at {open:?}");
        }
    }

    /// The schema's date patterns agree with `Date::parse` on every form, in every case.
    #[test]
    fn date_patterns_accept_what_mandat_reads() {
        let v = schema("page.schema.json");
        let patterns: Vec<&str> = at(&v, "/definitions/date/anyOf")
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|x| x["pattern"].as_str())
            .collect();
        assert_eq!(patterns.len(), 2);
        // Every schema carries the same date.
        for (name, _) in FILES {
            assert_eq!(
                at(&schema(name), "/definitions/date"),
                at(&v, "/definitions/date"),
                "{name}"
            );
        }
        let words = [
            "tidlig i",
            "tidleg i",
            "tidlig våren",
            "tidleg våren",
            "våren",
            "sommeren",
            "sommaren",
            "høsten",
            "hausten",
            "sent i",
            "seint i",
            "i løpet av",
        ];
        let mut samples: Vec<String> = [
            "2018",
            "2018-09",
            "2005-09-01",
            " 2018 ",
            "2018-13",
            "2018-9",
            "18",
            "2018-09-32",
            "2018-00",
            "snart 2018",
            "høsten",
            "høsten 18",
            "høsten 2018-09",
            "høst 2018",
            "i løpet 2018",
            "2018 høsten",
        ]
        .map(String::from)
        .to_vec();
        for w in words {
            samples.push(format!("{w} 2017"));
            samples.push(format!("{} 2017", w.to_uppercase()));
            let mut title = w.to_owned();
            title[..1].make_ascii_uppercase();
            samples.push(format!("{title}  2017"));
            samples.push(format!("{}\t2017", w.replace(' ', "  ")));
        }
        let date = jsonschema::validator_for(at(&v, "/definitions/date")).unwrap();
        for sample in samples {
            let by_schema = date.is_valid(&Value::String(sample.clone()));
            assert_eq!(
                by_schema,
                Date::parse(&sample).is_ok(),
                "{sample:?}: the schema says {by_schema}"
            );
        }
        for year in [2018, 999, 10_000] {
            let by_schema = date.is_valid(&serde_json::json!(year));
            let by_mandat = serde_yaml::from_str::<Date>(&year.to_string()).is_ok();
            assert_eq!(by_schema, by_mandat, "{year}");
        }
    }
}
