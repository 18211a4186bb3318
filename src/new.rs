//! `mandat new page|event|actor|initiative ID`: a new file with the fields a record
//! needs, in the site's language, that builds as it is; the optional fields are there
//! as comments to fill in.

use std::path::{Path, PathBuf};

use crate::config::{Config, Paths};
use crate::error::Error;
use crate::model::Lang;

/// The kinds of file `new` makes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Page,
    Event,
    Actor,
    Initiative,
}

/// Writes the new file and returns its path (relative to the site root).
pub fn new(paths: &Paths, kind: Kind, id: &str) -> Result<PathBuf, Error> {
    let config = Config::load(paths).map_err(Error::one)?;
    check_id(kind, id)?;
    let rel = match kind {
        Kind::Page => format!("content/pages/{id}.md"),
        Kind::Event => format!("content/events/{id}.yaml"),
        Kind::Actor => format!("content/actors/{id}.yaml"),
        Kind::Initiative => format!("content/initiatives/{id}.md"),
    };
    let path = paths.root.join(&rel);
    if path.exists() {
        return Err(Error::Usage(format!(
            "{rel} already exists; choose another name, or open that file"
        )));
    }
    // A new record's date is the year the site describes, not a guess at a day.
    let year = config
        .as_of
        .map_or_else(|| crate::versions::today().year, |d| d.year);
    let text = text(kind, &title(id), year, config.lang);
    crate::fs::write(&path, text.as_bytes())?;
    Ok(PathBuf::from(rel))
}

/// An id is a file name: letters, digits and `-`; a page's may have folders
/// (`fakta/fosterhjem`), which become sections.
fn check_id(kind: Kind, id: &str) -> Result<(), Error> {
    let segment_ok = |s: &str| {
        !s.is_empty()
            && !s.starts_with('-')
            && s.chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
    };
    let ok = match kind {
        Kind::Page => id.split('/').all(segment_ok),
        _ => segment_ok(id),
    };
    if ok {
        Ok(())
    } else {
        let folders = if kind == Kind::Page {
            ", and `/` between folders (e.g. fakta/fosterhjem)"
        } else {
            ""
        };
        Err(Error::Usage(format!(
            "`{id}` cannot be a file name here: use small letters a–z, digits and `-`{folders}; it becomes part of the address"
        )))
    }
}

/// `ny-avtale` to `Ny avtale`, `fakta/fosterhjem` to `Fosterhjem`.
fn title(id: &str) -> String {
    let last = id.rsplit('/').next().unwrap_or(id).replace('-', " ");
    let mut c = last.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

fn text(kind: Kind, title: &str, year: i32, lang: Lang) -> String {
    let nn = lang == Lang::Nn;
    let write_here = "Skriv teksten her, i Markdown.";
    let aid = "aktør-id";
    let summary = if nn {
        "Éi setning om kva det handlar om (blir vist i lister og søk)."
    } else {
        "Én setning om hva det handler om (vises i lister og søk)."
    };
    match kind {
        Kind::Page => format!(
            "---\ntitle: {title}\n# summary: {summary}\n# date: {year}-MM-DD\n# tags: [stikkord]\n---\n{write_here}\n",
        ),
        Kind::Event => format!(
            "# {comment}\n- date: {year}\n  title: {title}\n  # date_label: {label}\n  # description: {summary}\n  # initiatives: [initiativ-id]\n  # actors: [{aid}]\n  # source: {source}\n",
            comment = if nn {
                "Hendingar: éi liste per fil. Datoar blir skrivne ÅÅÅÅ, ÅÅÅÅ-MM eller ÅÅÅÅ-MM-DD, så nøyaktig som kjelda."
            } else {
                "Hendelser: én liste per fil. Datoer skrives ÅÅÅÅ, ÅÅÅÅ-MM eller ÅÅÅÅ-MM-DD, så nøyaktig som kilden."
            },
            label = if nn { "hausten {year}" } else { "høsten {year}" }.replace("{year}", &year.to_string()),
            source = if nn { "Kjelda, med tittel og dato" } else { "Kilden, med tittel og dato" },
        ),
        Kind::Actor => format!(
            "# {comment}\nkind: organisation\nnames:\n  - name: {title}\n    # short: {short}\n# url: https://\n# description: {summary}\n",
            comment = if nn {
                "Ein aktør. Når namnet blir endra, legg til eit nytt namn med `from:` (og `to:` på det gamle)."
            } else {
                "En aktør. Når navnet endres, legg til et nytt navn med `from:` (og `to:` på det gamle)."
            },
            short = if nn { "Kortnamn" } else { "Kortnavn" },
        ),
        Kind::Initiative => format!(
            "---\ntitle: {title}\n# {kinds}\nkind: agreement\nperiod:\n  start: {year}\n  # end: ÅÅÅÅ\n# summary: {summary}\n# owner: {aid}\n# parties: [{aid}, {aid}]\n---\n{write_here}\n",
            kinds = if nn {
                "Slag: forum, agreement (avtale), strategy (strategi), reform eller programme (program)"
            } else {
                "Type: forum, agreement (avtale), strategy (strategi), reform eller programme (program)"
            },
        ),
    }
}

/// What to tell the person who asked for the file.
pub fn next_steps(rel: &Path) -> String {
    format!(
        "created {}; open it in your editor and fill it in, and look at it with `mandat serve`",
        rel.display()
    )
}
