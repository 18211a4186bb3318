//! Internal links: the `#anchors` each page offers, and every link of every body (and
//! every menu address) checked against the plan, with a did-you-mean.

use std::collections::{BTreeMap, BTreeSet};

use rayon::prelude::*;

use crate::error::{did_you_mean, Diagnostic};
use crate::model::SourceFile;

use super::job::Job;
use super::markdown::LinkRef;
use super::plan::initiative_ids;
use super::Prepared;

impl Prepared<'_> {
    /// The ids each of `paths` offers as `#anchors` (those the plan has), worked out in
    /// parallel: only the pages links lead to, not every output of a large site.
    fn anchors<'p>(&self, paths: &BTreeSet<&'p str>) -> BTreeMap<&'p str, BTreeSet<String>> {
        paths
            .par_iter()
            .filter_map(|path| Some((*path, self.anchors_at(self.plan.get(*path)?))))
            .collect()
    }

    /// The ids the page `job` makes offers as `#anchors`.
    pub(super) fn anchors_at(&self, job: &Job) -> BTreeSet<String> {
        let mut set: BTreeSet<String> = ["main", "top"].map(String::from).into();
        // The footer's contact block, on every page of a site that names a contact.
        if self.reg.config.public.contact.is_some() {
            set.insert("kontakt".into());
        }
        // Page `number` of a list offers the ids of what it shows.
        let (job, number) = job.page_of_list();
        let body = match job {
            Job::Section(_, Some(_)) if number > 1 => None,
            Job::Page(i) | Job::Section(_, Some(i)) => Some(format!("page:{i}")),
            Job::Initiative(id) => {
                if let Some(ini) = self.reg.initiatives.get(id) {
                    set.extend(initiative_ids(ini));
                }
                Some(format!("initiative:{id}"))
            }
            Job::Timeline | Job::InitiativeTimeline(_) | Job::ActorTimeline(_) => {
                let events: Vec<&crate::model::Event> = match job {
                    Job::InitiativeTimeline(id) => self.reg.events_of_initiative(id).collect(),
                    Job::ActorTimeline(id) => self.reg.events_of_actor(id).collect(),
                    _ => self.reg.events.iter().collect(),
                };
                let size = self.reg.config.page_size;
                let shown = super::paging::slice(&events, number, size);
                set.extend(shown.iter().map(|e| e.anchor.clone()));
                set.extend(shown.iter().map(|e| format!("y{}", e.date.year)));
                None
            }
            Job::Home => self.reg.home_page().map(|i| format!("page:{i}")),
            _ => None,
        };
        if let Some(r) = body.and_then(|k| self.bodies.get(&k)) {
            set.extend(r.anchors().map(str::to_owned));
        }
        set
    }

    /// Every internal link and menu address, except those into `incomplete` pages; links
    /// to `outside` addresses (other versions) are allowed.
    pub(super) fn check_links(
        &self,
        files: &[&SourceFile],
        outside: &BTreeSet<String>,
        incomplete: &BTreeSet<String>,
    ) -> Vec<Diagnostic> {
        let mut links: Vec<&LinkRef> = self.bodies.values().flat_map(|r| r.links.iter()).collect();
        links.sort_by_key(|l| (l.file, l.line, l.column));
        // Only a link to an #anchor needs the ids of the page it leads to (a link without
        // one needs the page alone): most links of a large site have none.
        let anchored = links.iter().filter(|l| l.anchor.is_some());
        let anchors = self.anchors(&anchored.map(|l| l.path.as_str()).collect());
        let mut errors: Vec<Diagnostic> = links
            .par_iter()
            .filter(|link| !incomplete.contains(&link.path) && !outside.contains(&link.path))
            .filter_map(|link| self.check_link(link, files, anchors.get(link.path.as_str())))
            .collect();
        let cfg = &self.reg.config;
        for item in &cfg.menu {
            let target = self.urls.site(item.url.split('#').next().unwrap_or(""));
            if item.url.starts_with('/')
                && !self.plan.contains_key(&target)
                && !outside.contains(&target)
                && !incomplete.contains(&target)
            {
                errors.push(
                    cfg.source
                        .error_at(&["menu:"], &item.url, format!("the menu links to {}, which is not a page of this site", item.url))
                        .hint(match did_you_mean(&item.url, self.plan.keys().map(String::as_str)) {
                            Some(s) => format!("did you mean `{s}`?"),
                            None => "write the address of a page of this site, such as `/tidslinje/`".into(),
                        }),
                );
            }
        }
        errors
    }

    /// Whether the page at `path` is a page of a timeline (the whole one, an
    /// initiative's or an actor's), whose anchors are events.
    fn is_timeline(&self, path: &str) -> bool {
        self.plan.get(path).is_some_and(|job| {
            matches!(
                job.page_of_list().0,
                Job::Timeline | Job::InitiativeTimeline(_) | Job::ActorTimeline(_)
            )
        })
    }

    /// What is wrong with one link, if anything; `anchors` are those of the page it
    /// points to (needed only for a link to an #anchor).
    pub(super) fn check_link(
        &self,
        link: &LinkRef,
        files: &[&SourceFile],
        anchors: Option<&BTreeSet<String>>,
    ) -> Option<Diagnostic> {
        let src = files.get(link.file)?;
        let fail = |msg: String, hint: String| {
            Diagnostic::error(src.path.clone(), msg)
                .at(
                    &src.text,
                    link.line,
                    link.column,
                    link.written.chars().count() + 4,
                )
                .hint(hint)
        };
        if let Some(to) = super::aliases::moved_to(self, &link.path) {
            return Some(fail(
                format!(
                    "`{}` links to an old address of {to}, which only sends readers on",
                    link.written
                ),
                format!("link to `{to}` instead"),
            ));
        }
        match anchors {
            None if self.plan.contains_key(&link.path) => None,
            None => {
                let with_slash = format!("{}/", link.path);
                let hint = if self.plan.contains_key(&with_slash) {
                    format!("did you mean `{with_slash}`? Page addresses end with `/`")
                } else {
                    match did_you_mean(&link.path, self.plan.keys().map(String::as_str)) {
                        Some(s) => format!("did you mean `{s}`?"),
                        None => "link to a page of this site, such as `/tidslinje/`, or to a file by its relative path".into(),
                    }
                };
                Some(fail(
                    format!(
                        "broken link `{}`: there is no page {}",
                        link.written, link.path
                    ),
                    hint,
                ))
            }
            Some(set) => {
                let a = link.anchor.as_ref().filter(|a| !set.contains(*a))?;
                let hint = match did_you_mean(a, set.iter().map(String::as_str)) {
                    Some(s) => format!("did you mean `#{s}`?"),
                    None if self.is_timeline(&link.path) => "on a timeline, an event's #anchor is its date and title in lower case, with `-` for spaces (`#2020-12-07-avtalen-signeres`)".into(),
                    None => "an #anchor is the id of a heading: the heading's text in lower case, with `-` for spaces".into(),
                };
                Some(fail(
                    format!(
                        "broken link `{}`: {} has no anchor `#{a}`",
                        link.written, link.path
                    ),
                    hint,
                ))
            }
        }
    }

    /// Checks the links in the bodies of the pages at `changed`, and every link that
    /// points into one of their pages (whose anchors may have changed).
    pub(super) fn check_links_into(
        &self,
        files: &[&SourceFile],
        changed: &[usize],
    ) -> Vec<Diagnostic> {
        let targets: BTreeMap<&str, BTreeSet<String>> = self
            .plan
            .iter()
            .filter(|(_, job)| match job {
                Job::Page(i) | Job::Section(_, Some(i)) => changed.contains(i),
                Job::Home => self.reg.home_page().is_some_and(|i| changed.contains(&i)),
                _ => false,
            })
            .map(|(path, job)| (path.as_str(), self.anchors_at(job)))
            .collect();
        // Their own links, and links elsewhere to an #anchor on their pages (a link
        // without one still finds the page, as the addresses are unchanged).
        let own = changed
            .iter()
            .filter_map(|i| self.bodies.get(&format!("page:{i}")))
            .flat_map(|r| r.links.iter());
        let into = self.bodies.values().flat_map(|r| {
            r.links
                .iter()
                .filter(|l| l.anchor.is_some() && targets.contains_key(l.path.as_str()))
        });
        let mut links: Vec<&super::markdown::LinkRef> = own.chain(into).collect();
        links.sort_by_key(|l| (l.file, l.line, l.column));
        links.dedup_by_key(|l| (l.file, l.line, l.column));
        links
            .into_iter()
            .filter_map(|link| {
                let anchors = match targets.get(link.path.as_str()) {
                    Some(a) => Some(a.clone()),
                    None => self.plan.get(&link.path).map(|job| self.anchors_at(job)),
                };
                self.check_link(link, files, anchors.as_ref())
            })
            .collect()
    }
}
