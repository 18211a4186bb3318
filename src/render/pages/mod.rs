//! One module per kind of page: each builds the typed view its template receives, from
//! the prepared site. docs/themes.md lists the fields; a view borrows from the model.

pub mod actors;
pub mod changes;
pub mod content;
pub mod embeds;
pub mod home;
pub mod initiatives;
pub mod roles;
pub mod tags;
pub mod timeline;

use serde::Serialize;

use crate::model::Lang;

/// What one page renders: its template, its language, and the view under `page`.
pub struct View {
    pub template: &'static str,
    pub lang: Lang,
    pub page: tera::Value,
}

impl View {
    pub fn of(template: &'static str, lang: Lang, page: impl Serialize) -> View {
        View {
            template,
            lang,
            // A view is plain data (strings, numbers, lists): it always serializes. It is
            // made a template's value at once, not through another kind of value first.
            page: super::value(&page).unwrap_or_else(|_| tera::Value::none()),
        }
    }
}

/// A page with a title only: the search page, the 404 page.
#[derive(Serialize)]
pub struct Titled {
    pub title: String,
}

/// The search page: where its script finds the index.
#[derive(Serialize)]
pub struct Search {
    pub title: String,
    pub index: String,
}

/// A filter of the timeline: the initiative or actor it shows.
#[derive(Serialize)]
pub struct Filter<'a> {
    pub kind: &'static str,
    pub title: &'a str,
    pub href: String,
}

/// A link in a list: `{title, href}`.
#[derive(Serialize)]
pub struct Link<'a> {
    pub title: std::borrow::Cow<'a, str>,
    pub href: String,
}
