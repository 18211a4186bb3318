//! A timeline event: something that happened at a date, as precise as the document says.

use serde::{Deserialize, Serialize};

use super::Date;

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Event {
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
