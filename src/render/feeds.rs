//! The machine-readable outputs: sitemap.xml, atom.xml, robots.txt and the open data
//! file data/records.json (its shape is documented in docs/data.md).

use std::fmt::Write;

use serde_json::{json, Value};

use crate::model::Date;

use super::job::Job;
use super::views::{measure_id, Ctx};
use super::Prepared;

pub(crate) fn xml_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c => out.push(c),
        }
    }
    out
}

/// The absolute address of a site path; relative when no base URL is set.
fn absolute(p: &Prepared, site_path: &str) -> String {
    p.reg.config.absolute(&p.urls.href(site_path))
}

/// When a page last changed, as far as its records say.
fn lastmod(p: &Prepared, job: &Job) -> Option<Date> {
    match job {
        Job::Page(i) | Job::Section(_, Some(i)) => {
            let m = &p.reg.pages[*i].meta;
            m.updated.or(m.date)
        }
        Job::Initiative(id) => p
            .reg
            .initiatives
            .get(id)
            .and_then(|i| i.meta.source.as_ref().and_then(|s| s.date)),
        _ => None,
    }
}

/// The most addresses one sitemap file may hold (sitemaps.org); its 50 MB limit is far
/// off at that count, as an address line is short.
pub const SITEMAP_MAX: usize = 50_000;

/// How many parts a sitemap of `addresses` addresses is split into: 0 when one file holds
/// them all.
pub fn sitemap_parts(addresses: usize) -> usize {
    parts_for(addresses, SITEMAP_MAX)
}

fn parts_for(addresses: usize, max: usize) -> usize {
    if addresses <= max {
        0
    } else {
        addresses.div_ceil(max)
    }
}

/// Every address of the sitemap, as its `<url>` element.
fn sitemap_entries(p: &Prepared) -> Vec<String> {
    let mut entries = Vec::new();
    for (path, job) in &p.plan {
        if !job.is_html() {
            continue;
        }
        let mut out = format!(
            "  <url>\n    <loc>{}</loc>\n",
            xml_escape(&absolute(p, path))
        );
        if let Some(d) = lastmod(p, job) {
            let _ = writeln!(out, "    <lastmod>{}</lastmod>", d.iso());
        }
        out.push_str("  </url>\n");
        entries.push(out);
    }
    // Of the frozen versions, only their homes and what-changed pages: their other pages
    // repeat the current site's.
    if let Some((history, _)) = &p.history {
        for site in history.sites.iter().filter(|s| s.name.is_some()) {
            for path in [format!("{}/", site.prefix), site.changes_path.clone()] {
                entries.push(format!(
                    "  <url>\n    <loc>{}</loc>\n  </url>\n",
                    xml_escape(&absolute(p, &path))
                ));
            }
        }
    }
    entries
}

fn urlset(entries: &[String]) -> String {
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n");
    for e in entries {
        out.push_str(e);
    }
    out.push_str("</urlset>\n");
    out
}

/// The parts the plan made room for (plan.rs counts the addresses the same way).
fn planned_parts(p: &Prepared) -> usize {
    p.plan
        .values()
        .filter(|j| matches!(j, Job::SitemapPart(_)))
        .count()
}

/// `/sitemap.xml`: every address, or, above `SITEMAP_MAX`, the index of the parts.
pub fn sitemap(p: &Prepared) -> String {
    let parts = planned_parts(p);
    if parts == 0 {
        return urlset(&sitemap_entries(p));
    }
    let locs: Vec<String> = (1..=parts)
        .map(|n| absolute(p, &p.urls.file(&format!("sitemap-{n}.xml"))))
        .collect();
    sitemap_index(&locs)
}

fn sitemap_index(locs: &[String]) -> String {
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<sitemapindex xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n");
    for loc in locs {
        let _ = write!(
            out,
            "  <sitemap>\n    <loc>{}</loc>\n  </sitemap>\n",
            xml_escape(loc)
        );
    }
    out.push_str("</sitemapindex>\n");
    out
}

/// `/sitemap-<n>.xml`: the `n`th of the equal parts of the addresses.
pub fn sitemap_part(p: &Prepared, n: usize) -> String {
    urlset(part(&sitemap_entries(p), planned_parts(p), n))
}

/// The `n`th (from 1) of `parts` nearly equal runs of `entries`.
fn part<T>(entries: &[T], parts: usize, n: usize) -> &[T] {
    let size = entries.len().div_ceil(parts.max(1)).max(1);
    super::paging::slice(entries, n, size)
}

/// The newest dated pages, newest first.
pub fn atom(p: &Prepared) -> String {
    let cfg = &p.reg.config;
    let mut entries: Vec<(Date, usize)> = p
        .reg
        .pages
        .iter()
        .enumerate()
        .filter(|(_, pg)| !pg.is_section)
        .filter_map(|(i, pg)| pg.meta.updated.or(pg.meta.date).map(|d| (d, i)))
        .collect();
    entries.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    entries.truncate(cfg.feed_size);
    let id_of = |path: &str| {
        if cfg.origin.is_empty() {
            let name = path.trim_matches('/').replace('/', ":");
            format!(
                "urn:mandat:{}",
                if name.is_empty() { "site" } else { &name }
            )
        } else {
            absolute(p, path)
        }
    };
    let feed_path = p.urls.file("atom.xml");
    let updated = entries.first().map_or_else(
        || {
            cfg.as_of
                .map_or_else(|| "1970-01-01T00:00:00Z".to_owned(), |d| d.rfc3339())
        },
        |e| e.0.rfc3339(),
    );
    // The pages' links are site-relative (`/aktorer/ks/`); xml:base makes them resolve.
    let base = if cfg.origin.is_empty() {
        String::new()
    } else {
        format!(" xml:base=\"{}\"", xml_escape(&absolute(p, &p.urls.home())))
    };
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
    let _ = write!(
        out,
        "<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"{}\"{base}>\n  <title>{}</title>\n  <id>{}</id>\n  <updated>{updated}</updated>\n  <link rel=\"self\" type=\"application/atom+xml\" href=\"{}\"/>\n  <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>\n  <author><name>{}</name></author>\n",
        cfg.lang.code(),
        xml_escape(&cfg.title),
        xml_escape(&id_of(&p.urls.home())),
        xml_escape(&absolute(p, &feed_path)),
        xml_escape(&absolute(p, &p.urls.home())),
        xml_escape(&cfg.title),
    );
    for (date, i) in entries {
        let pg = &p.reg.pages[i];
        let path = p.urls.page(&pg.slug_path);
        let _ = write!(
            out,
            "  <entry xml:lang=\"{}\">\n    <title>{}</title>\n    <id>{}</id>\n    <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>\n    <updated>{}</updated>\n",
            pg.lang.code(),
            xml_escape(&pg.meta.title),
            xml_escape(&id_of(&path)),
            xml_escape(&absolute(p, &path)),
            date.rfc3339(),
        );
        if let Some(author) = &pg.meta.author {
            let _ = writeln!(
                out,
                "    <author><name>{}</name></author>",
                xml_escape(author)
            );
        }
        if let Some(s) = &pg.meta.summary {
            let _ = writeln!(out, "    <summary>{}</summary>", xml_escape(s));
        }
        let key = format!("page:{i}");
        if let Some(body) = p.bodies.get(&key) {
            let html = p.body_html(&key, body);
            let _ = writeln!(
                out,
                "    <content type=\"html\">{}</content>",
                xml_escape(&super::embed::without_markers(&html, body.embeds.len()))
            );
        }
        out.push_str("  </entry>\n");
    }
    out.push_str("</feed>\n");
    out
}

pub fn robots(p: &Prepared) -> String {
    let mut out = String::from("User-agent: *\nAllow: /\n");
    if !p.reg.config.origin.is_empty() {
        let _ = writeln!(out, "Sitemap: {}", absolute(p, "/sitemap.xml"));
    }
    out
}

/// Every actor, initiative, role and event. Version 1 of the shape in docs/data.md.
pub fn records(p: &Prepared, ctx: &Ctx) -> String {
    let reg = p.reg;
    let cfg = &reg.config;
    let actors: Vec<Value> = reg
        .actors
        .values()
        .map(|a| {
            json!({
                "id": a.id,
                "kind": a.kind.key(),
                "names": a.names,
                "url": a.url,
                "description": a.description,
                "page": absolute(p, &p.urls.actor(&a.id)),
            })
        })
        .collect();
    let mut roles = Vec::new();
    let initiatives: Vec<Value> = reg
        .initiatives
        .values()
        .map(|i| {
            let m = &i.meta;
            for r in &m.roles {
                let (name, current) = names_then(reg, &r.actor, Some(&m.period.start));
                roles.push(json!({
                    "initiative": i.id,
                    "actor": r.actor,
                    "actor_name": name,
                    "actor_current_name": current,
                    "role": r.role,
                    "role_nn": r.role_nn,
                    "role_nb": r.role_nb,
                    "tasks": r.tasks,
                }));
            }
            json!({
                "id": i.id,
                "title": m.title,
                "short_title": m.short_title,
                "kind": m.kind.key(),
                "lang": i.lang.code(),
                "summary": m.summary,
                "owner": m.owner,
                "parties": m.parties,
                "period": {
                    "start": m.period.start,
                    "end": m.period.end,
                    "start_earliest": m.period.start_earliest,
                    "end_provisional": m.period.end_provisional,
                },
                "status": ctx.status(i).map(|s| s.key()),
                "source": m.source,
                "follows": m.follows,
                "supersedes": m.supersedes,
                "topics": m.topics,
                "measures": m.measures.iter().map(|x| json!({
                    "id": measure_id(x),
                    "title": x.title,
                    "description": x.description,
                    "date": x.date,
                    "date_label": x.date_label,
                    "end": x.end,
                    "actors": x.actors,
                    "figures": x.figures,
                })).collect::<Vec<_>>(),
                "tags": m.tags,
                "references": m.references,
                "page": absolute(p, &p.urls.initiative(&i.id)),
            })
        })
        .collect();
    let events: Vec<Value> = reg
        .events
        .iter()
        .map(|e| {
            json!({
                "id": e.anchor,
                "date": e.date,
                "date_label": e.date_label,
                "title": e.title,
                "description": e.description,
                "initiatives": e.initiatives,
                "actors": e.actors,
                "actor_names": e.actors.iter().map(|a| {
                    let (name, current) = names_then(reg, a, Some(&e.date));
                    json!({ "id": a, "name": name, "current_name": current })
                }).collect::<Vec<_>>(),
                "source": e.source,
                "source_url": e.source_url,
                "key": e.id,
                "after": e.after,
                "plan": e.plan,
                "fulfils": e.fulfils,
            })
        })
        .collect();
    let doc = json!({
        "format": "mandat-records",
        "version": 1,
        "site": { "title": cfg.title, "language": cfg.lang.code(), "as_of": cfg.as_of },
        "actors": actors,
        "initiatives": initiatives,
        "roles": roles,
        "events": events,
    });
    let mut s = serde_json::to_string_pretty(&doc).unwrap_or_default();
    s.push('\n');
    s
}

/// An actor's name at `date` and today's, in the site's language (the id for an unknown actor).
fn names_then(
    reg: &crate::model::Registry,
    id: &str,
    date: Option<&crate::model::Date>,
) -> (String, String) {
    let lang = reg.config.lang;
    match reg.actors.get(id) {
        Some(a) => (
            a.name_at(date).name_in(lang).to_owned(),
            a.current().name_in(lang).to_owned(),
        ),
        None => (id.to_owned(), id.to_owned()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sitemaps_split_above_the_limit() {
        assert_eq!(parts_for(10, 10), 0);
        assert_eq!(parts_for(11, 10), 2);
        assert_eq!(parts_for(25, 10), 3);
        assert_eq!(sitemap_parts(SITEMAP_MAX), 0);
        assert_eq!(sitemap_parts(100_058), 3);
        let entries: Vec<usize> = (0..25).collect();
        let parts = parts_for(entries.len(), 10);
        let runs: Vec<&[usize]> = (1..=parts).map(|n| part(&entries, parts, n)).collect();
        assert!(runs.iter().all(|r| r.len() <= 10 && !r.is_empty()));
        assert_eq!(runs.concat(), entries);
        let index = sitemap_index(&["https://a.no/sitemap-1.xml".into()]);
        assert!(index.contains("<sitemapindex"));
        assert!(index.contains("<loc>https://a.no/sitemap-1.xml</loc>"));
    }

    #[test]
    fn escapes_xml() {
        assert_eq!(
            xml_escape("a & <b> \"c\""),
            "a &amp; &lt;b&gt; &quot;c&quot;"
        );
    }
}
