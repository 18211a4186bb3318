//! A timeline event: something that happened at a date, as precise as the document says,
//! or something a document planned.

use serde::{Deserialize, Serialize};

use super::Date;

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Event {
    /// The editor's name for the event, for `after:` and `fulfils:` (optional).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    pub date: Date,
    #[serde(default)]
    pub date_label: Option<String>,
    pub title: String,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub initiatives: Vec<String>,
    #[serde(default)]
    pub actors: Vec<String>,
    #[serde(default)]
    pub source: Option<String>,
    /// The public address of the source, where it is certain.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_url: Option<String>,
    /// The id of an event this one comes after, where the dates alone do not order them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub after: Option<String>,
    /// Set when the event is a plan: what planned it, and when.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub plan: Option<Plan>,
    /// The id of the planned event that this one records as having happened.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fulfils: Option<String>,
    /// Index of the file the event was read from (set by the loader; see `Registry::event_files`).
    #[serde(skip)]
    pub file: usize,
    /// The event's anchor on the timeline, unique across the site (set by the registry).
    #[serde(skip)]
    pub anchor: String,
    /// The initiative whose file the event is written in, whose language it shares
    /// (set by the registry; `None` for an event in content/events/).
    #[serde(skip)]
    pub written_in: Option<String>,
}

/// The document that planned an event: "kompetansestrategien", October 2017.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Plan {
    /// The document as running text names it, after "ifølge": `kompetansestrategien`.
    pub source: String,
    /// When the document was published.
    pub date: Date,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
}
