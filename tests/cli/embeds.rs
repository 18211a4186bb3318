//! Embeds in pages and initiatives' texts, built from tests/fixtures/embeds: each shows
//! the same part as its record's page, in the page's language, with headings that fit the
//! page's outline and ids of its own; text about embeds stays text.

use std::collections::BTreeMap;

use crate::*;

fn built() -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let o = build(&fixture("embeds"), &out);
    assert!(o.status.success(), "{:?}", text(&o));
    (dir, out)
}

/// The element that starts with `start` (its first occurrence at or after `from`), to
/// its closing tag `end`.
fn part<'a>(html: &'a str, start: &str, end: &str, from: usize) -> &'a str {
    let at = from
        + html[from..]
            .find(start)
            .unwrap_or_else(|| panic!("no {start}"));
    let to = at + html[at..].find(end).expect("the end") + end.len();
    &html[at..to]
}

/// Every `id="…"` of a page that is used more than once.
fn duplicate_ids(html: &str) -> Vec<String> {
    let mut count: BTreeMap<&str, usize> = BTreeMap::new();
    for (at, _) in html.match_indices(" id=\"") {
        let rest = &html[at + 5..];
        *count.entry(&rest[..rest.find('"').unwrap()]).or_default() += 1;
    }
    count
        .into_iter()
        .filter(|(_, n)| *n > 1)
        .map(|(id, _)| id.to_owned())
        .collect()
}

/// The headings of a page in order: (level, text with tags).
fn headings(html: &str) -> Vec<(u8, String)> {
    let mut out = Vec::new();
    for (at, _) in html.match_indices("<h") {
        let level = html.as_bytes()[at + 2];
        if !(b'1'..=b'6').contains(&level) {
            continue;
        }
        let open = at + html[at..].find('>').unwrap() + 1;
        let close = format!("</h{}>", level as char);
        let end = open + html[open..].find(&close).unwrap();
        out.push((level - b'0', html[open..end].to_owned()));
    }
    out
}

#[test]
fn each_embed_shows_the_part_of_its_record_page() {
    let (_dir, out) = built();
    let page = read(&out, "artikler/innebygd/index.html");
    let initiative = read(&out, "initiativ/strategi/index.html");

    // The roles: the same list as on the initiative's page, its entries' ids its own.
    let embedded = part(&page, "<dl class=\"roles\">", "</dl>", 0);
    let own = part(&initiative, "<dl class=\"roles\">", "</dl>", 0);
    assert_eq!(
        embedded.replace("id=\"hvem-gjor-hva-i-strategien-rolle-", "id=\"rolle-"),
        own
    );
    assert!(page.contains("<section class=\"embed embed-roles\" aria-labelledby=\"hvem-gjor-hva-i-strategien\">\n<h2 id=\"hvem-gjor-hva-i-strategien\">Hvem gjør hva i Strategien</h2>"), "{page}");
    assert!(page.contains(
        "<a class=\"more\" href=\"/initiativ/strategi/#roller\">Strategi for mer kunnskap</a>"
    ));

    // The facts: the same list as the initiative's facts box.
    let facts_at = page.find("embed-facts").expect("the facts");
    assert_eq!(
        part(&page, "<dl>", "</dl>", facts_at),
        part(
            &initiative,
            "<dl>",
            "</dl>",
            initiative.find("class=\"facts\"").unwrap()
        )
    );

    // The timeline: the chart and the events, as on the initiative's timeline.
    let timeline = read(&out, "tidslinje/strategi/index.html");
    assert!(page.contains("<figcaption class=\"chart-caption\">Strategien over tid"));
    for title in ["Strategien legges fram", "Evaluering"] {
        assert!(timeline.contains(title));
        assert_eq!(
            page.matches(&format!(">{title}</h5>")).count(),
            3,
            "{title}: two timelines and the events embed"
        );
    }

    // What an actor holds, and events by tag and years.
    assert!(page.contains("<h3 id=\"roller-og-oppgaver-for-ks\">Roller og oppgaver for KS</h3>"));
    assert!(page.contains("<h4 id=\"roller-og-oppgaver-for-ks-h-strategi\"><a href=\"/initiativ/strategi/\">Strategi for mer kunnskap</a></h4>"));
    assert!(page.contains(
        "<h3 id=\"hendelser-kompetanse-2017-2021\">Hendelser – Kompetanse (2017–2021)</h3>"
    ));
    let until = part(
        &page,
        "<section class=\"embed embed-events\" aria-labelledby=\"hendelser-til-2005\">",
        "Hele tidslinjen</a>",
        0,
    );
    assert!(
        until.contains("Avtalen blir signert") && !until.contains("Evaluering"),
        "{until}"
    );

    // Text about embeds stays text.
    assert!(page.contains("<code>{{ roles(initiative=\"strategi\") }}</code>"));
    assert!(page.contains("<pre><code>{{ facts(initiative=\"strategi\") }}\n</code></pre>"));
    assert!(!page.contains("mandat-embed"));
}

#[test]
fn embeds_fit_the_outline_and_take_ids_of_their_own() {
    let (_dir, out) = built();
    for rel in [
        "artikler/innebygd/index.html",
        "artikler/nynorsk/index.html",
        "initiativ/avtale/index.html",
    ] {
        let page = read(&out, rel);
        assert_eq!(duplicate_ids(&page), Vec::<String>::new(), "{rel}");
        // No level is skipped on the way down.
        let mut last = 1;
        for (level, text) in headings(&page) {
            assert!(level <= last + 1, "{rel}: h{level} {text} after h{last}");
            last = level;
        }
    }
    let page = read(&out, "artikler/innebygd/index.html");
    let levels: Vec<(u8, String)> = headings(&page)
        .into_iter()
        .filter(|(_, t)| !t.starts_with('<') && !t.chars().all(|c| c.is_ascii_digit()))
        .collect();
    let wanted: Vec<(u8, &str)> = vec![
        (1, "Hvem gjør hva i strategien"),
        (2, "Hvem gjør hva i Strategien"),
        (2, "Fakta og tidslinje"),
        (3, "Fakta om Strategien"),
        (3, "Tidslinjen for Strategien"),
        (5, "Strategien legges fram"),
        (5, "Evaluering"),
        (3, "Tidslinjen for Strategien"),
        (5, "Strategien legges fram"),
        (5, "Evaluering"),
        (2, "Aktørene"),
        (3, "Roller og oppgaver for KS"),
        (3, "Hendelser – Kompetanse (2017–2021)"),
        (5, "Strategien legges fram"),
        (5, "Evaluering"),
        (3, "Hendelser (til 2005)"),
        (5, "Avtalen blir signert"),
        (2, "Slik siterer du denne siden"),
    ];
    let got: Vec<(u8, &str)> = levels.iter().map(|(l, t)| (*l, t.as_str())).collect();
    assert_eq!(got, wanted);
    // The second timeline's ids differ from the first's.
    assert!(page.contains("id=\"tidslinjen-for-strategien-2\""));
    assert!(page.contains("id=\"tidslinjen-for-strategien-2-chart-title\""));
}

#[test]
fn an_embed_speaks_the_language_of_its_page() {
    let (_dir, out) = built();
    let nn = read(&out, "artikler/nynorsk/index.html");
    assert!(
        nn.contains(">Kven gjer kva i Avtale om samarbeid</h2>"),
        "{nn}"
    );
    // An initiative in nynorsk embeds facts of one in bokmål: the labels are nynorsk,
    // the source's title is marked as bokmål.
    let avtale = read(&out, "initiativ/avtale/index.html");
    let facts = part(
        &avtale,
        "<aside class=\"facts embed embed-facts\"",
        "</aside>",
        0,
    );
    assert!(
        facts.contains("<dt>Ansvarleg</dt>") || facts.contains("<dt>Periode</dt>"),
        "{facts}"
    );
    assert!(
        facts.contains("<cite lang=\"nb\">Strategidokumentet</cite>"),
        "{facts}"
    );
    // A page in bokmål shows the tasks of a nynorsk initiative marked as nynorsk.
    let page = read(&out, "artikler/innebygd/index.html");
    assert!(page.contains(
        "<h4 id=\"roller-og-oppgaver-for-ks-h-avtale\"><a href=\"/initiativ/avtale/\" lang=\"nn\">"
    ));
    assert!(
        page.contains("<ul class=\"tasks\" lang=\"nn\"><li>Deltek i samarbeidet.</li>"),
        "{page}"
    );
}

#[test]
fn embedded_records_are_not_searched_or_fed_as_the_page() {
    let (_dir, out) = built();
    // A task shown in the page's roles embed is the initiative's words, searched there.
    let (_, words, docs) = crate::search_index(&out);
    let page = docs
        .iter()
        .position(|d| d.to_string().contains("/artikler/innebygd/"))
        .expect("the page is indexed") as u32;
    let forvalt: Vec<_> = words
        .iter()
        .filter(|w| w.term.starts_with("forvalt"))
        .collect();
    assert!(
        !forvalt.is_empty(),
        "the initiative's task is searched on its own page"
    );
    for w in forvalt {
        assert!(w.bucket.is_none(), "a short list in a small site");
        assert!(w.list.iter().all(|(d, _)| *d != page), "{}", w.term);
    }
    let atom = read(&out, "atom.xml");
    assert!(atom.contains("Strategien har en eier"));
    assert!(!atom.contains("mandat-embed") && !atom.contains("Forvalter"));
}
