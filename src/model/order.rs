//! The order of events as the sources give it: by date, then as `after:` says where the
//! dates overlap; and the checks of the ids that `after:` and `fulfils:` name.

use std::collections::{BTreeMap, HashMap};

use crate::error::{did_you_mean, Diagnostic};

use super::{Event, SourceFile};

/// Puts each event with `after: X` behind the event with id X, keeping everything else
/// in the order it has (date order). An event whose `after` names no event, or that is
/// part of a loop, keeps its place (the checks report those).
pub fn apply_after(events: Vec<Event>) -> Vec<Event> {
    let ids: HashMap<&str, usize> = events
        .iter()
        .enumerate()
        .filter_map(|(i, e)| e.id.as_deref().map(|id| (id, i)))
        .collect();
    let target = |i: usize| -> Option<usize> {
        let t = *ids.get(events[i].after.as_deref()?)?;
        (t != i).then_some(t)
    };
    // Each event waits for the one it comes after, if that one comes later in date order.
    let mut waiting: HashMap<usize, Vec<usize>> = HashMap::new();
    let mut placed = vec![false; events.len()];
    let mut order = Vec::with_capacity(events.len());
    for i in 0..events.len() {
        match target(i) {
            Some(t) if !placed[t] => waiting.entry(t).or_default().push(i),
            _ => place(i, &mut placed, &mut order, &mut waiting),
        }
    }
    // What is left waits in a loop: it keeps its date order.
    for (i, done) in placed.clone().into_iter().enumerate() {
        if !done {
            order.push(i);
        }
    }
    let mut slots: Vec<Option<Event>> = events.into_iter().map(Some).collect();
    order
        .into_iter()
        .filter_map(|i| slots.get_mut(i).and_then(Option::take))
        .collect()
}

/// Places event `i`, then the events that waited for it, right behind it.
fn place(
    i: usize,
    placed: &mut [bool],
    order: &mut Vec<usize>,
    waiting: &mut HashMap<usize, Vec<usize>>,
) {
    let mut stack = vec![i];
    while let Some(i) = stack.pop() {
        if placed[i] {
            continue;
        }
        placed[i] = true;
        order.push(i);
        if let Some(next) = waiting.remove(&i) {
            // Reversed onto the stack, so they come out in their date order.
            stack.extend(next.into_iter().rev());
        }
    }
}

/// Checks every event's `id`, `after` and `fulfils`: unique ids, known targets, an order
/// the dates allow, no loops, and `fulfils` naming a plan.
pub fn check(events: &[Event], sources: &[SourceFile]) -> Vec<Diagnostic> {
    let mut diags = Vec::new();
    let mut ids: BTreeMap<&str, &Event> = BTreeMap::new();
    // How many events of each file have had each id so far: the n-th is the n-th `id: X`
    // line of its file (events keep their file order within a date).
    let mut seen: BTreeMap<(usize, &str), usize> = BTreeMap::new();
    for e in events {
        let Some(id) = e.id.as_deref() else { continue };
        let Some(src) = sources.get(e.file) else {
            continue;
        };
        let nth = seen.entry((e.file, id)).or_insert(0);
        *nth += 1;
        let nth = *nth;
        if !id
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
            || id.is_empty()
        {
            diags.push(
                src.error_at(&[], &format!("id: {id}"), format!("the event id `{id}` has other characters than a-z, 0-9 and -"))
                    .hint("write the id in lower case letters, digits and `-`, e.g. `id: hoering-2020-11-05`"),
            );
        }
        if let Some(first) = ids.get(id) {
            let place = place_of(first, sources);
            let line = format!("id: {id}");
            let keys: Vec<&str> = vec![line.as_str(); nth - 1];
            diags.push(
                src.error_at(
                    &keys,
                    &line,
                    format!("two events have the id `{id}` (the other is at {place})"),
                )
                .hint("give one of them another id: an id names one event across the site"),
            );
        } else {
            ids.insert(id, e);
        }
    }
    let known: Vec<&str> = ids.keys().copied().collect();
    let unknown = |src: &SourceFile, e: &Event, key: &str, target: &str| {
        let hint = match did_you_mean(target, known.iter().copied()) {
            Some(s) => format!("did you mean `{s}`?"),
            None if known.is_empty() => {
                "give the event it means an `id:` line, and write that id here".to_owned()
            }
            None => format!("the event ids are: {}", known.join(", ")),
        };
        src.error_at(
            &[e.title.as_str(), key],
            target,
            format!("no event has the id `{target}`"),
        )
        .hint(hint)
    };
    for e in events {
        let Some(src) = sources.get(e.file) else {
            continue;
        };
        if let Some(target) = e.after.as_deref() {
            match ids.get(target) {
                None => diags.push(unknown(src, e, "after:", target)),
                Some(t) if e.date.last_day() < t.date.first_day() => {
                    diags.push(
                        src.error_at(
                            &[e.title.as_str(), "after:"],
                            target,
                            format!(
                                "the event \"{}\" ({}) cannot come after `{target}` ({}, at {}): its date is earlier",
                                e.title,
                                e.date.written(),
                                t.date.written(),
                                place_of(t, sources)
                            ),
                        )
                        .hint("`after:` orders events whose dates overlap; check the two dates, or remove the `after:` line"),
                    );
                }
                Some(_) if loops(e, &ids) => diags.push(
                    src.error_at(
                        &[e.title.as_str(), "after:"],
                        target,
                        format!(
                            "the events' `after:` lines go round in a circle back to \"{}\"",
                            e.title
                        ),
                    )
                    .hint("remove one of the `after:` lines in the circle"),
                ),
                Some(_) => {}
            }
        }
        if let Some(target) = e.fulfils.as_deref() {
            match ids.get(target) {
                None => diags.push(unknown(src, e, "fulfils:", target)),
                Some(t) if t.plan.is_none() => diags.push(
                    src.error_at(
                        &[e.title.as_str(), "fulfils:"],
                        target,
                        format!(
                            "`{target}` is not a plan (at {}), so nothing can fulfil it",
                            place_of(t, sources)
                        ),
                    )
                    .hint("`fulfils:` names an event that has a `plan:`; add the plan there, or remove the `fulfils:` line"),
                ),
                Some(_) => {}
            }
        }
    }
    diags
}

/// Whether following `after:` from `e` comes back to `e`.
fn loops(e: &Event, ids: &BTreeMap<&str, &Event>) -> bool {
    let Some(start) = e.id.as_deref() else {
        return false;
    };
    let mut at = e.after.as_deref();
    for _ in 0..=ids.len() {
        match at {
            Some(id) if id == start => return true,
            Some(id) => at = ids.get(id).and_then(|x| x.after.as_deref()),
            None => return false,
        }
    }
    false
}

/// "content/events/storting.yaml:23:5": where an event's id is written.
fn place_of(e: &Event, sources: &[SourceFile]) -> String {
    let Some(src) = sources.get(e.file) else {
        return String::new();
    };
    let id = e.id.as_deref().unwrap_or_default();
    match src.locate(&[], &format!("id: {id}")) {
        Some((line, col, _)) => format!("{}:{line}:{col}", src.path),
        None => src.path.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Date;

    fn event(id: &str, date: &str, after: Option<&str>) -> Event {
        Event {
            id: Some(id.into()),
            date: Date::parse(date).unwrap(),
            date_label: None,
            title: id.into(),
            description: None,
            initiatives: Vec::new(),
            actors: Vec::new(),
            source: None,
            source_url: None,
            after: after.map(Into::into),
            plan: None,
            fulfils: None,
            file: 0,
            anchor: String::new(),
            written_in: None,
        }
    }

    fn ids(v: &[Event]) -> Vec<&str> {
        v.iter().filter_map(|e| e.id.as_deref()).collect()
    }

    #[test]
    fn after_moves_an_event_behind_the_one_it_names() {
        let v = vec![
            event("innst", "2020", Some("hoering")),
            event("dok8", "2020", None),
            event("hoering", "2020-11-05", None),
            event("ks", "2020-12", None),
        ];
        assert_eq!(ids(&apply_after(v)), ["dok8", "hoering", "innst", "ks"]);
    }

    #[test]
    fn a_loop_loses_no_event() {
        let v = vec![
            event("a", "2020", Some("b")),
            event("b", "2020", Some("a")),
            event("c", "2021", None),
        ];
        assert_eq!(ids(&apply_after(v)), ["c", "a", "b"]);
    }
}
