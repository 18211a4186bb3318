//! The timeline, its chart, the filter pages, the roles matrix, actor and initiative pages
//! and the calendar export, on the `timeline` fixture (as_of 2021-06-01; the ministry is
//! "Gammeldepartementet" to 2018 and "Nydepartementet" from 2019).

use std::collections::BTreeMap;
use std::path::Path;

use crate::*;

fn built() -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let o = build(&fixture("timeline"), &out);
    let (stdout, stderr) = text(&o);
    assert!(o.status.success(), "{stdout}\n{stderr}");
    (dir, out)
}

/// The text between the first `from` and the next `to` after it.
fn between<'a>(s: &'a str, from: &str, to: &str) -> &'a str {
    let start = s
        .find(from)
        .unwrap_or_else(|| panic!("no {from:?} in the page"));
    let rest = &s[start..];
    let end = rest[from.len()..]
        .find(to)
        .map_or(rest.len(), |i| i + from.len());
    &rest[..end]
}

fn position(s: &str, needle: &str) -> usize {
    s.find(needle)
        .unwrap_or_else(|| panic!("no {needle:?} in the page"))
}

#[test]
fn timeline_orders_groups_and_keeps_precision() {
    let (_dir, out) = built();
    let page = read(&out, "tidslinje/index.html");
    // Years in order, each a section with its heading.
    let years: Vec<usize> = ["y2005", "y2017", "y2019", "y2020"]
        .iter()
        .map(|y| position(&page, &format!("<h2 id=\"{y}\" class=\"year-heading\">")))
        .collect();
    assert!(years.windows(2).all(|w| w[0] < w[1]), "{years:?}");
    // Events by date within their year: a year's events before the month's.
    let year_2017 = between(&page, "<h2 id=\"y2017\"", "</section>");
    let autumn = position(year_2017, "id=\"2017-strategien-blir-varslet\"");
    let october = position(year_2017, "id=\"2017-10-strategien-legges-fram");
    assert!(autumn < october);
    assert!(
        !year_2017.contains("Første samling"),
        "2019 is its own group"
    );
    // Dates as precise as the records, with their own wording.
    assert!(year_2017.contains("<time datetime=\"2017\">høsten 2017</time>"));
    assert!(year_2017.contains("<time datetime=\"2017-10\">oktober 2017</time>"));
    assert!(page.contains("<time datetime=\"2019-03-05\">5. mars 2019</time>"));
    assert!(page.contains("<time datetime=\"2005-09-01\">1. september 2005</time>"));
    // Each actor by the name it had at the date of the event.
    let e2017 = between(&page, "id=\"2017-strategien-blir-varslet\"", "</dl>");
    assert!(e2017.contains(">Gammeldepartementet</a>"), "{e2017}");
    let e2019 = between(&page, "id=\"2019-03-05-forste-samling\"", "</dl>");
    assert!(e2019.contains(">Nydepartementet</a>") && e2019.contains(">Etaten</a>"));
    // Headings in order: h1, then h2 (filters, calendar, years), then h3.
    assert_eq!(page.matches("<h1").count(), 1);
    assert!(position(&page, "<h1") < position(&page, "<h2"));
    // Filter pages and the calendar are linked from the timeline.
    for href in [
        "/tidslinje/strategi/",
        "/tidslinje/reform/",
        "/tidslinje/aktorer/dep/",
        "/tidslinje/aktorer/foreningen/",
        "/tidslinje.ics",
    ] {
        assert!(page.contains(&format!("href=\"{href}\"")), "{href}");
    }
}

#[test]
fn filter_pages_show_one_initiative_or_actor() {
    let (_dir, out) = built();
    let strategy = read(&out, "tidslinje/strategi/index.html");
    assert!(strategy.contains("<h1>Tidslinje: Strategien</h1>"));
    assert!(strategy.contains("Strategien blir varslet") && strategy.contains("Første samling"));
    assert!(!strategy.contains("Reformen trer i kraft") && !strategy.contains("Avtalen signert"));
    // Its own chart: the strategy's period and its measures, nothing else.
    let chart = between(
        &strategy,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart-svg",
        "</svg>",
    );
    assert!(chart.contains("Strategien") && chart.contains("Videreutdanning"));
    assert!(!chart.contains("Reformen") && !chart.contains("Avtalen"));
    assert!(strategy.contains("<a href=\"/initiativ/strategi/\">Strategi for kompetanse</a>"));

    let ministry = read(&out, "tidslinje/aktorer/dep/index.html");
    assert!(ministry.contains("Avtalen signert") && ministry.contains("Første samling"));
    assert!(
        !ministry.contains("Reformen trer i kraft") && !ministry.contains("Foreningen uttaler seg")
    );
    let chart = between(
        &ministry,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart-svg",
        "</svg>",
    );
    assert!(chart.contains("Avtalen") && chart.contains("Strategien"));
    assert!(
        !chart.contains("Reformen"),
        "the ministry has no part in the reform"
    );

    // An actor whose only event belongs to no initiative still gets its chart row.
    let club = read(&out, "tidslinje/aktorer/foreningen/index.html");
    assert!(club.contains("Foreningen uttaler seg"));
    assert!(between(
        &club,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart-svg",
        "</svg>"
    )
    .contains("Andre hendelser"));
}

#[test]
fn the_roles_matrix_links_each_role_to_its_tasks() {
    let (_dir, out) = built();
    let page = read(&out, "roller/index.html");
    assert!(page.contains("<caption id=\"matrix-caption\">"));
    let head = between(&page, "<thead>", "</thead>");
    let columns: Vec<usize> = ["Avtalen", "Strategien", "Reformen", "Forumet"]
        .iter()
        .map(|t| position(head, &format!(">{t}</a>")))
        .collect();
    assert!(columns.windows(2).all(|w| w[0] < w[1]), "by start");
    assert_eq!(head.matches("<th scope=\"col\">").count(), 5);

    let cells = |actor: &str| -> Vec<String> {
        let row = between(
            &page,
            &format!("<th scope=\"row\"><a href=\"/aktorer/{actor}/\">"),
            "</tr>",
        );
        row.split("<td>").skip(1).map(|c| c.to_owned()).collect()
    };
    let ks = cells("ks");
    assert_eq!(ks.len(), 4);
    assert!(ks[0].contains("<a href=\"/initiativ/avtale/#rolle-ks\">Avtalepart</a>"));
    assert!(ks[1].contains("ingen rolle"));
    // A party without a role of its own, and an owner.
    assert!(ks[2].contains("<a href=\"/initiativ/reform/#rolle-ks\">Part</a>"));
    assert!(ks[3].contains("<a href=\"/initiativ/forum/#rolle-ks\">Eier</a>"));
    let etaten = cells("etaten");
    assert!(
        etaten[1].contains("<a href=\"/initiativ/strategi/#rolle-etaten\">Gjennomfører tiltak</a>")
    );
    // Rows are headed by the actor's name today, with the names it had in the initiatives;
    // each cell names the actor as it was called when the initiative began.
    assert!(page.contains(
        "<th scope=\"row\"><a href=\"/aktorer/dep/\">Nydepartementet (tidligere Gammeldepartementet)</a></th>"
    ));
    assert!(cells("dep")[0].contains("<span class=\"matrix-then\">Gammeldepartementet:</span>"));
    assert!(
        !page.contains("foreningen"),
        "an actor without roles has no row"
    );

    // Every cell's anchor exists on the initiative page, on the actor's entry.
    for (file, anchor) in [
        ("initiativ/avtale/index.html", "rolle-ks"),
        ("initiativ/reform/index.html", "rolle-ks"),
        ("initiativ/forum/index.html", "rolle-ks"),
        ("initiativ/strategi/index.html", "rolle-etaten"),
        ("initiativ/strategi/index.html", "rolle-dep"),
    ] {
        let html = read(&out, file);
        assert!(
            html.contains(&format!("<div class=\"role\" id=\"{anchor}\">")),
            "{file}#{anchor}"
        );
    }
}

#[test]
fn actor_and_initiative_pages_show_roles_names_and_relations() {
    let (_dir, out) = built();
    let actor = read(&out, "aktorer/dep/index.html");
    // Holdings by the initiative's start, each with its period and the name at the time.
    let agreement = position(&actor, "<h3 id=\"h-avtale\">");
    let strategy = position(&actor, "<h3 id=\"h-strategi\">");
    assert!(agreement < strategy);
    let holding = between(&actor, "<h3 id=\"h-avtale\">", "</section>");
    assert!(holding.contains("(het da Gammeldepartementet)"));
    assert!(holding.contains("<time datetime=\"2005-09-01\">1. september 2005</time>"));
    assert!(holding.contains("<a href=\"/initiativ/avtale/#rolle-dep\">Eier</a>"));
    assert!(actor.contains("Navn over tid"));
    assert!(actor.contains("Gammeldepartementet (GD) til <time datetime=\"2018\">2018</time>"));
    // The events it took part in, by the name it had then.
    let events = between(&actor, "<h2 id=\"tidslinje\">", "class=\"more\"");
    assert!(events.contains("Avtalen signert") && events.contains("Første samling"));
    assert!(!events.contains("Reformen trer i kraft"));

    let etaten = read(&out, "aktorer/etaten/index.html");
    assert!(etaten.contains("Forvalter videreutdanningene."));
    assert!(etaten.contains("<a href=\"/initiativ/strategi/#videreutdanning\">Videreutdanning</a>"));

    let strategy = read(&out, "initiativ/strategi/index.html");
    let roles = between(&strategy, "<dl class=\"roles\">", "</dl>");
    assert!(roles.contains("<dt><a href=\"/aktorer/etaten/\">Etaten</a></dt>"));
    assert!(roles.contains("<dd class=\"role-name\">Gjennomfører tiltak</dd>"));
    assert!(roles.contains("<li>Rapporterer hvert år.</li>"));
    // The owner, named as it was when the strategy began, with today's name beside it.
    assert!(roles
        .contains("Gammeldepartementet</a> <span class=\"muted\">(i dag Nydepartementet)</span>"));
    // Relations both ways.
    assert!(strategy.contains("Følger opp: <a href=\"/initiativ/avtale/\" lang=\"nn\">"));
    let agreement = read(&out, "initiativ/avtale/index.html");
    assert!(
        agreement.contains("Følgd opp av: <a href=\"/initiativ/strategi/\" lang=\"nb\">")
            || agreement.contains("Følgd opp av: <a href=\"/initiativ/strategi/\">")
    );
    // Its own chart and timeline.
    assert!(strategy.contains("<figure class=\"chart\">"));
    assert!(strategy.contains(
        "<figcaption class=\"chart-caption\">Strategien over tid, 2017–2024</figcaption>"
    ));
    assert!(strategy.contains("1 tiltak uten dato er ikke tegnet inn:"));
}

/// Every `<svg>…</svg>` in a page (charts hold no nested svg elements).
fn svgs(html: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(i) = rest.find("<svg") {
        let end = rest[i..].find("</svg>").expect("closed svg") + i + "</svg>".len();
        out.push(&rest[i..end]);
        rest = &rest[end..];
    }
    out
}

#[test]
fn charts_are_well_formed_named_and_unique() {
    let (_dir, out) = built();
    for file in [
        "index.html",
        "tidslinje/index.html",
        "tidslinje/strategi/index.html",
        "tidslinje/aktorer/dep/index.html",
        "initiativ/strategi/index.html",
        "initiativ/reform/index.html",
        "aktorer/ks/index.html",
    ] {
        let html = read(&out, file);
        let all = svgs(&html);
        let charts: Vec<&&str> = all.iter().filter(|s| s.contains("role=\"img\"")).collect();
        assert_eq!(charts.len(), 1, "{file}: one chart");
        for svg in &all {
            let doc = roxmltree::Document::parse(svg)
                .unwrap_or_else(|e| panic!("{file}: the SVG is not well-formed XML: {e}"));
            let root = doc.root_element();
            assert_eq!(
                root.tag_name().namespace(),
                Some("http://www.w3.org/2000/svg")
            );
            if root.attribute("role") == Some("img") {
                let label = root.attribute("aria-labelledby").expect("a name");
                let title = doc
                    .descendants()
                    .find(|n| n.attribute("id") == Some(label))
                    .expect("the element that names it");
                assert_eq!(title.tag_name().name(), "title");
                assert!(title.text().is_some_and(|t| t.len() > 10), "{file}");
                let desc = root.attribute("aria-describedby").expect("a description");
                assert!(doc.descendants().any(|n| n.attribute("id") == Some(desc)));
                // No link or focusable thing inside an image.
                assert!(!doc.descendants().any(|n| n.tag_name().name() == "a"));
            } else {
                assert_eq!(
                    root.attribute("aria-hidden"),
                    Some("true"),
                    "{file}: legend swatch"
                );
            }
        }
        // No id twice on a page.
        let mut ids: BTreeMap<&str, usize> = BTreeMap::new();
        for part in html.split(" id=\"").skip(1) {
            *ids.entry(part.split('"').next().unwrap()).or_default() += 1;
        }
        let twice: Vec<_> = ids.iter().filter(|(_, n)| **n > 1).collect();
        assert!(twice.is_empty(), "{file}: {twice:?}");
        // The text equivalent is there, next to the drawing.
        assert!(html.contains("<details class=\"chart-data\">"), "{file}");
    }
}

#[test]
fn the_chart_draws_what_the_records_say() {
    let (_dir, out) = built();
    let page = read(&out, "tidslinje/index.html");
    let svg = svgs(&page)
        .into_iter()
        .find(|s| s.contains("role=\"img\""))
        .expect("a chart");
    let doc = roxmltree::Document::parse(svg).unwrap();
    let texts: Vec<String> = doc
        .descendants()
        .filter(|n| n.has_tag_name("text"))
        .map(|n| {
            n.descendants()
                .filter(|t| t.is_text())
                .filter_map(|t| t.text())
                .collect::<String>()
        })
        .collect();
    // From the first start (2005) to the last end (2024, the strategy), named at the ends.
    assert!(texts.iter().any(|t| t == "2005") && texts.iter().any(|t| t == "2024"));
    assert!(!texts.iter().any(|t| t == "2004" || t == "2025"));
    // Status in words as well as colour; open periods say so.
    assert!(
        texts.iter().any(|t| t == "Avtalen · 2005–2008 · avsluttet"),
        "{texts:?}"
    );
    assert!(
        texts.iter().any(|t| t == "Reformen · fra 2020 · pågår"),
        "{texts:?}"
    );
    assert!(
        texts.iter().any(|t| t == "Forumet · 2022–2023 · planlagt"),
        "{texts:?}"
    );
    assert!(
        texts.iter().any(|t| t == "Videreutdanning · høsten 2018"),
        "{texts:?}"
    );
    assert!(
        !texts.iter().any(|t| t.contains("Utredning uten dato")),
        "undated measures are not drawn"
    );
    assert!(texts.iter().any(|t| t == "Status per 1. juni 2021"));
    // One mark per event.
    assert_eq!(svg.matches("<use href=\"#chart-all-mark\"").count(), 6);
    // The table beside it holds the same facts.
    let table = between(&page, "<details class=\"chart-data\">", "</details>");
    assert!(table.contains("<th scope=\"row\"><a href=\"/initiativ/reform/\">Reformen</a></th>"));
    assert!(table.contains("fra <time datetime=\"2020\">tidligst i 2020</time>"));
    assert!(table.contains("<td><span class=\"cell-label\">Status: </span>Planlagt</td>"));
    assert!(table
        .contains("Tiltak: <a href=\"/initiativ/strategi/#videreutdanning\">Videreutdanning</a>"));
    assert!(
        table.contains("<time datetime=\"2019\">2019</time>–<time datetime=\"2020\">2020</time>")
    );
    assert!(table.contains("<th scope=\"row\">Andre hendelser</th>"));
}

fn property<'a>(e: &'a ical::parser::ical::component::IcalEvent, name: &str) -> &'a str {
    e.properties
        .iter()
        .find(|p| p.name == name)
        .and_then(|p| p.value.as_deref())
        .unwrap_or_else(|| panic!("no {name}"))
}

#[test]
fn the_calendar_parses_and_holds_every_event() {
    let (_dir, out) = built();
    let raw = std::fs::read(out.join("tidslinje.ics")).unwrap();
    let text = String::from_utf8(raw.clone()).unwrap();
    // CRLF line ends and lines of at most 75 octets.
    assert!(text.ends_with("END:VCALENDAR\r\n"));
    assert!(!text.replace("\r\n", "").contains('\n'), "bare LF");
    for line in text.split("\r\n") {
        assert!(line.len() <= 75, "{line:?} is {} octets", line.len());
    }
    let mut parser = ical::IcalParser::new(std::io::BufReader::new(raw.as_slice()));
    let cal = parser.next().expect("a calendar").expect("it parses");
    assert!(parser.next().is_none());
    assert_eq!(cal.events.len(), 6);
    let by_uid: BTreeMap<&str, &ical::parser::ical::component::IcalEvent> =
        cal.events.iter().map(|e| (property(e, "UID"), e)).collect();
    let e = by_uid["2017-strategien-blir-varslet@tid.example.no"];
    assert_eq!(property(e, "DTSTART"), "20170101");
    assert_eq!(
        property(e, "DTEND"),
        "20180101",
        "a year: the whole year, DTEND exclusive"
    );
    assert!(property(e, "DESCRIPTION").starts_with("Høsten 2017 (bare året er kjent)."));
    let start = e.properties.iter().find(|p| p.name == "DTSTART").unwrap();
    assert_eq!(
        start.params.as_ref().unwrap()[0],
        ("VALUE".to_owned(), vec!["DATE".to_owned()])
    );
    let e = by_uid["2020-12-reformen-trer-i-kraft@tid.example.no"];
    assert_eq!(
        (property(e, "DTSTART"), property(e, "DTEND")),
        ("20201201", "20210101")
    );
    let e = by_uid["2019-03-05-forste-samling@tid.example.no"];
    assert_eq!(
        (property(e, "DTSTART"), property(e, "DTEND")),
        ("20190305", "20190306")
    );
    assert!(property(e, "DESCRIPTION").contains("Nydepartementet\\, Etaten"));
    assert_eq!(
        property(e, "URL"),
        "https://tid.example.no/tidslinje/#2019-03-05-forste-samling"
    );
    // Escaped text survives folding.
    let long = cal
        .events
        .iter()
        .find(|e| property(e, "UID").starts_with("2017-10-"))
        .unwrap();
    assert_eq!(
        property(long, "SUMMARY"),
        "Strategien legges fram\\; med semikolon\\, komma og en tittel som er så lang at linjen må brettes"
    );
    assert!(property(long, "DESCRIPTION").contains("legger fram strategien. Se oversikten."));
    // Never the clock: DTSTAMP is as_of, so two builds are the same.
    assert!(cal
        .events
        .iter()
        .all(|e| property(e, "DTSTAMP") == "20210601T000000Z"));
}

#[test]
fn links_to_role_anchors_are_checked() {
    let site = copy_site("timeline");
    let index = site.path().join("content/pages/_index.md");
    std::fs::write(
        &index,
        "---\ntitle: Velkommen\n---\nSe [foreningen](/initiativ/strategi/#rolle-foreningen).\n",
    )
    .unwrap();
    let o = mandat(&["check", "--root", site.path().to_str().unwrap()]);
    let (_, stderr) = text(&o);
    assert_eq!(o.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("has no anchor `#rolle-foreningen`"),
        "{stderr}"
    );
    assert!(Path::new(&index).exists());
}

/// Plans are shown as plans in every state, parts of a year sort as the months they
/// mean, and `after:` orders events whose dates overlap.
#[test]
fn plans_parts_of_a_year_and_stated_order() {
    let site = copy_site("timeline");
    std::fs::write(
        site.path().join("content/events/planer.yaml"),
        "\
- id: kommer
  date: høsten 2022
  title: Planen som kommer
  initiatives: [strategi]
  plan: {source: strategien, date: 2018-10}
- id: passert
  date: våren 2020
  title: Planen som ikke er bekreftet
  initiatives: [strategi]
  plan: {source: strategien, date: 2018-10}
- id: holdt
  date: 2019
  title: Planen som ble holdt
  initiatives: [strategi]
  plan: {source: strategien, date: 2018-10}
- date: 2019-09
  title: Det planlagte skjedde
  fulfils: holdt
  initiatives: [strategi]
- date: 2020
  title: Innstillingen kom etter høringen
  after: hoering
  initiatives: [strategi]
- id: hoering
  date: 2020-11-05
  title: Høringen
  initiatives: [strategi]
- date: 2020-06
  title: Juni 2020
  initiatives: [strategi]
",
    )
    .unwrap();
    let out = site.path().join("output");
    let o = build(site.path(), &out);
    assert!(o.status.success(), "{}", text(&o).1);
    let page = read(&out, "tidslinje/index.html");
    assert!(page.contains("<strong>planlagt, ifølge strategien (oktober 2018)</strong></p>"));
    assert!(page
        .contains("<strong>planlagt, ifølge strategien (oktober 2018) – ikke bekreftet</strong>"));
    assert!(page.contains("<strong>planlagt, ifølge strategien (oktober 2018) – gjennomført</strong> (<a href=\"/tidslinje/#2019-09-det-planlagte-skjedde\">se hendelsen</a>)"));
    assert!(page.contains("<time datetime=\"2022\">høsten 2022</time>"));
    let at = |t: &str| page.find(t).unwrap_or_else(|| panic!("{t}"));
    // "våren 2020" is January to June: before June 2020, not after it.
    assert!(at("Planen som ikke er bekreftet") < at("Juni 2020"));
    assert!(at("Høringen<") < at("Innstillingen kom etter høringen"));
    // The chart marks a plan with its own mark, named in the legend.
    assert!(page.contains("-plan\""));
    assert!(page.contains("Planlagt hendelse (hul rute)"));
    // The calendar and the search index say it too.
    assert!(read(&out, "tidslinje.ics").contains("planlagt\\, ifølge strategien"));
    let docs = std::fs::read_dir(out.join("sok/dok"))
        .unwrap()
        .map(|e| std::fs::read_to_string(e.unwrap().path()).unwrap())
        .collect::<String>();
    assert!(docs.contains("planlagt, ifølge strategien (oktober 2018) – ikke bekreftet"));
}
