//! The registry: every record of a site, indexed by id, with every reference between
//! them resolved and checked. Built once; everything downstream reads from it.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::PathBuf;

use rayon::prelude::*;

use super::slug::slugify;
use crate::config::Config;
use crate::error::{did_you_mean, Diagnostic, Diagnostics};

use super::{Actor, Event, Initiative, Page, SourceFile};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum RelationKind {
    Follows,
    Supersedes,
}

/// Everything read from a site folder, parsed but not yet cross-checked.
#[derive(Debug)]
pub struct Loaded {
    pub config: Config,
    pub actors: Vec<Actor>,
    pub initiatives: Vec<Initiative>,
    pub event_files: Vec<(SourceFile, Vec<Event>)>,
    pub pages: Vec<Page>,
    /// Other files under `content/pages/`, copied as they are: (file, path below pages/).
    pub assets: Vec<(PathBuf, String)>,
    /// The images among them, measured and resized, by their path below pages/.
    pub images: crate::images::Images,
    /// Record files that could not be read (content-relative: `actors/ks.yaml`). Later
    /// checks skip references to them, so one mistake does not show up as many.
    pub broken: BTreeSet<String>,
}

#[derive(Debug)]
pub struct Registry {
    pub config: Config,
    pub actors: BTreeMap<String, Actor>,
    pub initiatives: BTreeMap<String, Initiative>,
    /// Every event, from event files and from initiatives, in date order.
    pub events: Vec<Event>,
    /// The files events were read from; `Event::file` indexes this.
    pub event_sources: Vec<SourceFile>,
    /// Pages and sections, by path.
    pub pages: Vec<Page>,
    pub assets: Vec<(PathBuf, String)>,
    pub images: crate::images::Images,
    /// (from, kind, to): `from` follows or supersedes `to`.
    pub relations: Vec<(String, RelationKind, String)>,
    /// Record files that could not be read (`actors/ks.yaml`); references to them are
    /// not reported again.
    pub broken: BTreeSet<String>,
    /// Each initiative's and each actor's events, as places in `events` in date order:
    /// every actor and initiative page asks, and scanning every event for each would
    /// grow with the square of the records.
    events_by_initiative: HashMap<String, Vec<usize>>,
    events_by_actor: HashMap<String, Vec<usize>>,
    /// The initiatives' ids by start, then id: the order of every list of initiatives.
    by_start: Vec<String>,
}

impl Registry {
    /// Indexes the loaded records and checks every reference. Returns the registry and
    /// its warnings, or every error found.
    pub fn build(loaded: Loaded) -> Result<(Registry, Vec<Diagnostic>), Vec<Diagnostic>> {
        let (registry, diags) = Registry::check_all(loaded);
        let mut all = Diagnostics::default();
        all.extend(diags);
        match all.into_result() {
            Ok(warnings) => Ok((registry, warnings)),
            Err(e) => Err(e.diagnostics().to_vec()),
        }
    }

    /// Indexes the loaded records, even when some files could not be read, and checks
    /// every reference: the registry and every problem found (errors and warnings).
    pub fn check_all(loaded: Loaded) -> (Registry, Vec<Diagnostic>) {
        let mut diags = Diagnostics::default();
        let Loaded {
            config,
            actors,
            initiatives,
            event_files,
            mut pages,
            assets,
            images,
            broken,
        } = loaded;
        let actors: BTreeMap<String, Actor> =
            actors.into_iter().map(|a| (a.id.clone(), a)).collect();
        let initiatives: BTreeMap<String, Initiative> =
            initiatives.into_iter().map(|i| (i.id.clone(), i)).collect();

        let mut event_sources = Vec::new();
        let mut events = Vec::new();
        for (source, list) in event_files {
            let file = event_sources.len();
            event_sources.push(source);
            events.extend(list.into_iter().map(|mut e| {
                e.file = file;
                e
            }));
        }
        for (id, ini) in &initiatives {
            if ini.meta.events.is_empty() {
                continue;
            }
            let file = event_sources.len();
            event_sources.push(ini.source.clone());
            events.extend(ini.meta.events.iter().cloned().map(|mut e| {
                e.file = file;
                e.written_in = Some(id.clone());
                if !e.initiatives.contains(id) {
                    e.initiatives.insert(0, id.clone());
                }
                e
            }));
        }
        events.sort_by(|a, b| (a.date, &a.title).cmp(&(b.date, &b.title)));
        let mut events = super::order::apply_after(events);
        let mut anchors = BTreeSet::new();
        for e in &mut events {
            let base = format!("{}-{}", e.date.iso(), slugify(&e.title));
            let base: String = base
                .chars()
                .take(72)
                .collect::<String>()
                .trim_end_matches('-')
                .to_owned();
            let mut anchor = base.clone();
            let mut n = 2;
            while !anchors.insert(anchor.clone()) {
                anchor = format!("{base}-{n}");
                n += 1;
            }
            e.anchor = anchor;
        }
        pages.sort_by(|a, b| (&a.slug_path, a.is_section).cmp(&(&b.slug_path, b.is_section)));
        // Held for the whole build: no room to spare.
        pages.shrink_to_fit();

        let mut events_by_initiative: HashMap<String, Vec<usize>> = HashMap::new();
        let mut events_by_actor: HashMap<String, Vec<usize>> = HashMap::new();
        for (i, e) in events.iter().enumerate() {
            for id in &e.initiatives {
                let list = events_by_initiative.entry(id.clone()).or_default();
                // An event naming an initiative twice is listed once.
                if list.last() != Some(&i) {
                    list.push(i);
                }
            }
            for id in &e.actors {
                let list = events_by_actor.entry(id.clone()).or_default();
                if list.last() != Some(&i) {
                    list.push(i);
                }
            }
        }
        let mut by_start: Vec<&Initiative> = initiatives.values().collect();
        by_start.sort_by(|a, b| (a.meta.period.start, &a.id).cmp(&(b.meta.period.start, &b.id)));
        let by_start = by_start.into_iter().map(|i| i.id.clone()).collect();
        let mut registry = Registry {
            config,
            actors,
            initiatives,
            events,
            event_sources,
            pages,
            assets,
            images,
            relations: Vec::new(),
            broken,
            events_by_initiative,
            events_by_actor,
            by_start,
        };
        registry.check(&mut diags);
        (registry, diags.items)
    }

    fn check(&mut self, diags: &mut Diagnostics) {
        let actor_ids: Vec<&str> = self.actors.keys().map(String::as_str).collect();
        let initiative_ids: Vec<&str> = self.initiatives.keys().map(String::as_str).collect();
        let broken_actor = |id: &str| self.broken.contains(&format!("actors/{id}.yaml"));
        // A mistyped actor id leaves the real actor unreferenced: one mistake, one message.
        let mistyped_actor = std::cell::Cell::new(false);
        let check_actor = |diags: &mut Diagnostics, src: &SourceFile, after: &[&str], id: &str| {
            if !self.actors.contains_key(id) && !broken_actor(id) {
                mistyped_actor.set(true);
                diags.push(unknown(
                    src,
                    after,
                    id,
                    "actor",
                    "content/actors/",
                    &actor_ids,
                ));
            }
        };
        let check_initiative =
            |diags: &mut Diagnostics, src: &SourceFile, after: &[&str], id: &str| {
                if !self.knows_initiative(id) {
                    diags.push(unknown(
                        src,
                        after,
                        id,
                        "initiative",
                        "content/initiatives/",
                        &initiative_ids,
                    ));
                }
            };

        let mut relations = Vec::new();
        for (id, ini) in &self.initiatives {
            let m = &ini.meta;
            let src = &ini.source;
            if let Some(owner) = &m.owner {
                check_actor(diags, src, &["owner:"], owner);
            }
            for p in &m.parties {
                check_actor(diags, src, &["parties:"], p);
            }
            if let Some(url) = m.source.as_ref().and_then(|s| s.url.as_ref()) {
                diags.extend(refused_url(src, &["source:", "url:"], url));
            }
            if let Some(publisher) = m.source.as_ref().and_then(|s| s.publisher.as_ref()) {
                check_actor(diags, src, &["source:", "publisher:"], publisher);
            }
            for r in &m.references {
                if let Some(publisher) = &r.publisher {
                    check_actor(diags, src, &["references:", r.title.as_str()], publisher);
                }
            }
            for r in &m.roles {
                check_actor(diags, src, &["roles:"], &r.actor);
            }
            let mut measure_ids = BTreeSet::new();
            for measure in &m.measures {
                for a in &measure.actors {
                    check_actor(diags, src, &["measures:", measure.title.as_str()], a);
                }
                let mid = measure
                    .id
                    .clone()
                    .unwrap_or_else(|| slugify(&measure.title));
                if !measure_ids.insert(mid.clone()) {
                    diags.push(
                        src.error_at(
                            &["measures:"],
                            &measure.title,
                            format!("two measures have the id `{mid}`"),
                        )
                        .hint("give one of them its own `id:`"),
                    );
                }
                if let (Some(start), Some(end)) = (measure.date, measure.end) {
                    if end.last_day() < start.first_day() {
                        diags.push(
                            src.error_at(
                                &["measures:", measure.title.as_str(), "end:"],
                                &end.iso(),
                                format!(
                                    "the measure `{}` ends ({}) before it starts ({})",
                                    measure.title,
                                    end.iso(),
                                    start.iso()
                                ),
                            )
                            .hint(
                                "check the dates: `end` must be the same as or later than `date`",
                            ),
                        );
                    }
                }
            }
            if let Some(end) = m.period.end {
                if end.last_day() < m.period.start.first_day() {
                    diags.push(
                        src.error_at(
                            &["period:", "end:"],
                            &end.iso(),
                            format!(
                                "the period ends ({}) before it starts ({})",
                                end.iso(),
                                m.period.start.iso()
                            ),
                        )
                        .hint("check the years: `end` must be the same as or later than `start`"),
                    );
                }
            }
            for (key, kind, target) in [
                ("follows:", RelationKind::Follows, &m.follows),
                ("supersedes:", RelationKind::Supersedes, &m.supersedes),
            ] {
                let Some(target) = target else { continue };
                if target == id {
                    let word = key.trim_end_matches(':');
                    let verb = if word == "follows" {
                        "follow"
                    } else {
                        "supersede"
                    };
                    diags.push(
                        src.error_at(&[key], target, format!("an initiative cannot {verb} itself"))
                            .hint(format!("write the id of another initiative (the name of its file in content/initiatives/), or remove the `{word}:` line")),
                    );
                } else {
                    check_initiative(diags, src, &[key], target);
                    relations.push((id.clone(), kind, target.clone()));
                }
            }
        }

        for e in &self.events {
            let Some(src) = self.event_sources.get(e.file) else {
                continue;
            };
            let key: &[&str] = &[e.title.as_str()];
            for a in &e.actors {
                if !self.actors.contains_key(a) && !broken_actor(a) {
                    mistyped_actor.set(true);
                    diags.push(unknown(src, key, a, "actor", "content/actors/", &actor_ids));
                }
            }
            for i in &e.initiatives {
                if !self.knows_initiative(i) {
                    diags.push(unknown(
                        src,
                        key,
                        i,
                        "initiative",
                        "content/initiatives/",
                        &initiative_ids,
                    ));
                }
            }
        }

        diags.extend(super::order::check(&self.events, &self.event_sources));
        // The tags in use, where the settings name some (a large site has many pages).
        let used: BTreeSet<&str> = if self.config.tag_names.is_empty() {
            BTreeSet::new()
        } else {
            self.initiatives
                .values()
                .flat_map(|i| &i.meta.tags)
                .chain(self.pages.iter().flat_map(|p| &p.meta.tags))
                .map(String::as_str)
                .collect()
        };
        for tag in self.config.tag_names.keys() {
            if !used.contains(tag.as_str()) {
                let known: Vec<&str> = used.iter().copied().collect();
                let hint = match did_you_mean(tag, known.iter().copied()) {
                    Some(s) => format!("did you mean `{s}`?"),
                    None => "`tag_names` gives other forms of tags that initiatives or pages use in `tags:`; remove this one, or use the tag".to_owned(),
                };
                diags.push(
                    self.config
                        .source
                        .error_at(
                            &["tag_names:"],
                            tag,
                            format!("no initiative or page has the tag `{tag}`"),
                        )
                        .hint(hint),
                );
            }
        }
        // Each page alone, in parallel: a large site has many.
        let pages: Vec<Vec<Diagnostic>> =
            self.pages.par_iter().map(|p| self.check_page(p)).collect();
        diags.extend(pages.into_iter().flatten());
        for ini in self.initiatives.values() {
            diags.extend(
                ini.meta
                    .tags
                    .iter()
                    .filter_map(|t| tag_without_address(&ini.source, t)),
            );
        }
        diags.extend(self.tags_spelled_apart());
        for actor in self.actors.values() {
            if let Some(url) = &actor.url {
                diags.extend(refused_url(&actor.source, &["url:"], url));
            }
        }
        // A file that could not be read may hold the only reference to an actor.
        let all_read = self.broken.is_empty() && !mistyped_actor.get();
        for (actor_id, actor) in &self.actors {
            if all_read && !self.is_referenced(actor_id) {
                diags.push(
                    Diagnostic::warning(actor.source.path.clone(), format!("the actor `{actor_id}` is not referenced by any initiative, event or measure"))
                        .hint("give it a role in an initiative, or remove the file if it is not needed"),
                );
            }
        }
        self.relations = relations;
    }

    /// The problems in one page's references. The dev server checks a page it read
    /// again with this alone, so every check of a page belongs here.
    pub fn check_page(&self, p: &Page) -> Vec<Diagnostic> {
        let mut diags: Vec<Diagnostic> = p
            .meta
            .initiatives
            .iter()
            .filter(|i| !self.knows_initiative(i))
            .map(|i| {
                let ids: Vec<&str> = self.initiatives.keys().map(String::as_str).collect();
                unknown(
                    &p.source,
                    &["initiatives:"],
                    i,
                    "initiative",
                    "content/initiatives/",
                    &ids,
                )
            })
            .chain(
                p.meta
                    .tags
                    .iter()
                    .filter_map(|t| tag_without_address(&p.source, t)),
            )
            .collect();
        let publisher = p.meta.source.as_ref().and_then(|s| s.publisher.as_deref());
        if let Some(a) = publisher.filter(|a| {
            !self.actors.contains_key(*a) && !self.broken.contains(&format!("actors/{a}.yaml"))
        }) {
            let actor_ids: Vec<&str> = self.actors.keys().map(String::as_str).collect();
            diags.push(unknown(
                &p.source,
                &["source:", "publisher:"],
                a,
                "actor",
                "content/actors/",
                &actor_ids,
            ));
        }
        diags
    }

    /// Warnings for tags written differently that share one tag page ("Tillit" and
    /// "tillit", "til lit" and "til-lit"): the page shows the first spelling only. A
    /// warning, not an error: the site is whole and every link works, but the writer
    /// should know that two spellings became one tag, which may not be what they meant.
    fn tags_spelled_apart(&self) -> Vec<Diagnostic> {
        // In the order the tag pages take their names: pages, then initiatives.
        let tagged = self
            .pages
            .iter()
            .map(|p| (&p.source, &p.meta.tags))
            .chain(self.initiatives.values().map(|i| (&i.source, &i.meta.tags)));
        // Where each tag page's name is first written: looked up in its file only for a
        // warning (a page's file may not have been read).
        let mut first: BTreeMap<String, (&str, &SourceFile)> = BTreeMap::new();
        let place = |src: &SourceFile, tag: &str| match src.locate(&["tags:"], tag) {
            Some((line, column, _)) => format!("{}:{line}:{column}", src.path),
            None => src.path.clone(),
        };
        // Each spelling's slug, made once: a site has many pages and few tags.
        let mut slugs: rustc_hash::FxHashMap<&str, String> = Default::default();
        let mut out = Vec::new();
        for (src, tags) in tagged {
            for tag in tags {
                let slug = slugs.entry(tag).or_insert_with(|| slugify(tag));
                if slug.is_empty() {
                    continue;
                }
                match first.get(slug.as_str()) {
                    None => {
                        first.insert(slug.clone(), (tag.as_str(), src));
                    }
                    Some((seen, seen_in)) if *seen != tag.as_str() => {
                        let at = place(seen_in, seen);
                        let mut d = src.error_at(
                            &["tags:"],
                            tag,
                            format!(
                                "the tag `{tag}` shares one page (/tags/{slug}/) with the tag `{seen}` at {at}, which is written differently"
                            ),
                        );
                        d.severity = crate::error::Severity::Warning;
                        out.push(d.hint(format!(
                            "the page shows `{seen}` for both: write the tag the same way everywhere, or make the two tags differ in letters or digits"
                        )));
                    }
                    Some(_) => {}
                }
            }
        }
        out
    }

    /// Whether `id` names an initiative, or one whose file could not be read (its own
    /// error says what is wrong; a reference to it is not a second mistake).
    fn knows_initiative(&self, id: &str) -> bool {
        self.initiatives.contains_key(id) || self.broken.contains(&format!("initiatives/{id}.md"))
    }

    fn is_referenced(&self, actor: &str) -> bool {
        let a = actor.to_owned();
        self.initiatives.values().any(|i| {
            let m = &i.meta;
            m.owner.as_deref() == Some(actor)
                || m.parties.contains(&a)
                || m.roles.iter().any(|r| r.actor == actor)
                || m.measures.iter().any(|x| x.actors.contains(&a))
                || m.source.as_ref().and_then(|s| s.publisher.as_deref()) == Some(actor)
        }) || self.events_by_actor.contains_key(actor)
    }

    /// Events that concern `initiative`, in date order.
    pub fn events_of_initiative<'a>(
        &'a self,
        initiative: &'a str,
    ) -> impl Iterator<Item = &'a Event> + 'a {
        self.indexed(self.events_by_initiative.get(initiative))
    }

    fn indexed<'a>(&'a self, list: Option<&'a Vec<usize>>) -> impl Iterator<Item = &'a Event> + 'a {
        list.into_iter()
            .flatten()
            .filter_map(|&i| self.events.get(i))
    }

    /// The home page's own text: the index of `content/pages/_index.md`, if there is one.
    pub fn home_page(&self) -> Option<usize> {
        self.pages
            .iter()
            .position(|p| p.is_section && p.slug_path.is_empty())
    }

    /// The initiatives by start, then id.
    pub fn initiatives_by_start(&self) -> impl Iterator<Item = &Initiative> {
        self.by_start
            .iter()
            .filter_map(|id| self.initiatives.get(id))
    }

    /// The event that records that the planned event `plan` happened (`fulfils:` its id).
    pub fn fulfilment_of(&self, plan: &Event) -> Option<&Event> {
        let id = plan.id.as_deref()?;
        self.events
            .iter()
            .find(|e| e.fulfils.as_deref() == Some(id))
    }

    /// Events an actor took part in, in date order.
    pub fn events_of_actor<'a>(&'a self, actor: &'a str) -> impl Iterator<Item = &'a Event> + 'a {
        self.indexed(self.events_by_actor.get(actor))
    }
}

/// An error when `tag` has no letter or digit, so no address (`/tags//`) to link to.
fn tag_without_address(src: &SourceFile, tag: &str) -> Option<Diagnostic> {
    if !slugify(tag).is_empty() {
        return None;
    }
    // A tag of spaces can only be written in quotes: point at them.
    let written = if tag.trim().is_empty() {
        format!("\"{tag}\"")
    } else {
        tag.to_owned()
    };
    Some(
        src.error_at(
            &["tags:"],
            &written,
            format!("the tag `{tag}` has no letters or digits, so it cannot have a page"),
        )
        .hint("write the tag with at least one letter or digit, or remove it from `tags`"),
    )
}

/// An error when `url` (written after the keys `after` in `src`) has a scheme other
/// than those in `url::SCHEMES`.
fn refused_url(src: &SourceFile, after: &[&str], url: &str) -> Option<Diagnostic> {
    let scheme = super::url::refused_scheme(url)?;
    Some(
        src.error_at(
            after,
            url.trim(),
            format!("`{scheme}:` addresses are not accepted"),
        )
        .hint(super::url::HINT),
    )
}

fn unknown(
    src: &SourceFile,
    after: &[&str],
    id: &str,
    what: &str,
    folder: &str,
    ids: &[&str],
) -> Diagnostic {
    let hint = match did_you_mean(id, ids.iter().copied()) {
        Some(s) => format!("did you mean `{s}`?"),
        None if ids.is_empty() => format!(
            "there are no {what}s yet: add {folder}{id}.{}",
            if what == "actor" { "yaml" } else { "md" }
        ),
        None => format!(
            "the {what} ids are the file names in {folder}: {}",
            ids.join(", ")
        ),
    };
    src.error_at(after, id, format!("unknown {what} `{id}`"))
        .hint(hint)
}
