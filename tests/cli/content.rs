//! The real content/ builds with no errors and no warnings, and key facts from the
//! source documents stand on the right pages. The table below is written from the
//! documents in ../shared/seeds/, not from the output: each row says where the fact is.

use std::path::Path;

use crate::*;

/// (page, text that must be on it, where the document says it)
const FACTS: &[(&str, &str, &str)] = &[
    // 001: the trust agreement, signed 7 December 2020, in force 2020–2023.
    (
        "initiativ/tillitsavtalen/index.html",
        "<time datetime=\"2020-12-07\">7. desember 2020</time>",
        "001: «signert … 7. desember 2020»",
    ),
    (
        "initiativ/tillitsavtalen/index.html",
        "<time datetime=\"2020\">2020</time>–<time datetime=\"2023\">2023</time>",
        "001: «Avtalen gjeld for perioden 2020-2023»",
    ),
    (
        "initiativ/tillitsavtalen/index.html",
        "<html lang=\"nn\">",
        "001 is written in nynorsk",
    ),
    (
        "initiativ/tillitsavtalen/index.html",
        "koordineringsgruppe",
        "001: «ei koordineringsgruppe på administrativt nivå»",
    ),
    (
        "initiativ/tillitsavtalen/index.html",
        "Kjell Ingolf Ropstad",
        "001: signed by the minister Ropstad",
    ),
    (
        "initiativ/tillitsavtalen/index.html",
        "Bjørn Arild Gram",
        "001: and KS chair Gram",
    ),
    // 002: the competence strategy 2018–2024 and its measures.
    (
        "initiativ/kompetansestrategi/index.html",
        "<time datetime=\"2018\">2018</time>–<time datetime=\"2024\">2024</time>",
        "002: title «2018-2024»",
    ),
    (
        "initiativ/kompetansestrategi/index.html",
        "Q-1243 B",
        "002: «Publikasjonskode: Q-1243 B»",
    ),
    (
        "initiativ/kompetansestrategi/index.html",
        "280 studieplasser",
        "002: «om lag 280 studieplasser fra høsten 2018»",
    ),
    (
        "initiativ/kompetansestrategi/index.html",
        "id=\"tjenestestotteprogrammet\"",
        "002: Tjenestestøtteprogrammet",
    ),
    (
        "initiativ/kompetansestrategi/index.html",
        "id=\"tibir\"",
        "002: TIBIR",
    ),
    (
        "initiativ/kompetansestrategi/index.html",
        "100 kommuner",
        "002: «TIBIR er per i dag iverksatt i om lag 100 kommuner»",
    ),
    (
        "initiativ/kompetansestrategi/index.html",
        "id=\"veiledningsteam\"",
        "002: veiledningsteam",
    ),
    (
        "initiativ/kompetansestrategi/index.html",
        "id=\"laeringsnettverk\"",
        "002: kommunale læringsnettverk",
    ),
    (
        "initiativ/kompetansestrategi/index.html",
        "id=\"kvalitetssystem\"",
        "002: digitalt kvalitetssystem",
    ),
    (
        "initiativ/kompetansestrategi/index.html",
        "Barne- og likestillingsdepartementet",
        "002: published by BLD in 2017",
    ),
    // 003: the 2005 agreement: Oslo 1 September 2005, three years to 2008, three months' notice.
    (
        "initiativ/utviklingsavtale-2005/index.html",
        "<time datetime=\"2005-09-01\">1. september 2005</time>",
        "003: «Oslo, 1. september 2005»",
    ),
    (
        "initiativ/utviklingsavtale-2005/index.html",
        "<time datetime=\"2008\">foreløpig i 3 år fram til 2008</time>",
        "003: «foreløpig i 3 år frem til 2008»",
    ),
    (
        "initiativ/utviklingsavtale-2005/index.html",
        "tre måneders forhåndsvarsel",
        "003: «etter en forhåndsvarsling på 3 måneder»",
    ),
    (
        "initiativ/utviklingsavtale-2005/index.html",
        "Barne- og familiedepartementet",
        "003: the ministry was BFD in 2005",
    ),
    // 000: the national forum, through 2023, led by the minister; the hearing of 5 November 2020.
    (
        "initiativ/barnevernsforum/index.html",
        "<time datetime=\"2023\">i første omgang ut 2023</time>",
        "000: «i første omgang for to år, - ut 2023»",
    ),
    // A provisional end that has passed is not an end: no source says the forum or the
    // 2005 agreement ended.
    (
        "initiativ/barnevernsforum/index.html",
        "status-period_over\">Planlagt periode er over",
        "000: «i første omgang for to år»",
    ),
    (
        "initiativ/utviklingsavtale-2005/index.html",
        "status-period_over\">Planlagt periode er over",
        "003: «foreløpig i 3 år frem til 2008»",
    ),
    // 002: plans in the October 2017 strategy are shown as plans, and as unconfirmed
    // once their date has passed.
    (
        "tidslinje/index.html",
        "<strong>planlagt, ifølge kompetansestrategien (oktober 2017) – ikke bekreftet</strong>",
        "002: «skal starte sitt arbeid i 2018», «med oppstart høsten 2018»",
    ),
    // 002: «trer tidligst i kraft i 2020» is a plan; the reform took effect 1 January 2022
    // (public record, not in the seeds).
    (
        "initiativ/barnevernsreformen/index.html",
        "<time datetime=\"2022-01-01\">1. januar 2022</time>",
        "public record: the reform took effect 1 January 2022",
    ),
    (
        "initiativ/barnevernsreformen/index.html",
        "planlagt, ifølge kompetansestrategien (oktober 2017) – gjennomført",
        "002: «trer tidligst i kraft i 2020»",
    ),
    // Names at the time: the strategy's column names the ministry and the county
    // governors as they were called in 2017.
    (
        "roller/index.html",
        "matrix-then\">Barne- og likestillingsdepartementet:",
        "002: published by Barne- og likestillingsdepartementet",
    ),
    (
        "roller/index.html",
        "matrix-then\">Fylkesmannen:",
        "002: «Fylkesmannen»",
    ),
    // The chart names a plan's mark in its legend, not by colour alone.
    (
        "index.html",
        "Planlagt hendelse (hul rute)",
        "002: the strategy's plans",
    ),
    (
        "tidslinje/index.html",
        "<time datetime=\"2017\">høsten 2017</time>",
        "002: «i løpet av høsten 2017»",
    ),
    // A record page is cited by its permanent address: the newest version that has it,
    // else the current one.
    (
        "initiativ/tillitsavtalen/index.html",
        "https://barnevernspolitikk.example.no/v/2021/initiativ/tillitsavtalen/</a> (versjon 2021)",
        "the 2021 version has the agreement",
    ),
    (
        "initiativ/barnevernsforum/index.html",
        "https://barnevernspolitikk.example.no/initiativ/barnevernsforum/</a>, per <time datetime=\"2025-01-01\">",
        "the forum is in no version",
    ),
    // Nynorsk pages use nynorsk names.
    (
        "initiativ/tillitsavtalen/index.html",
        ">Koordineringsgruppa for tillitsavtalen<",
        "001: «ei koordineringsgruppe»",
    ),
    (
        "initiativ/tillitsavtalen/index.html",
        "href=\"/tags/konsultasjonsordningen/\">konsultasjonsordninga<",
        "001: «konsultasjonsordninga»",
    ),
    (
        "initiativ/tillitsavtalen/index.html",
        "href=\"/tags/kommunene/\">kommunane<",
        "001: «kommunane»",
    ),
    (
        "initiativ/barnevernsforum/index.html",
        "Innst. 102 S (2020–2021)",
        "000: «innst. 102 S (2020–2021)»",
    ),
    (
        "tidslinje/index.html",
        "<time datetime=\"2020-11-05\">5. november 2020</time>",
        "000: «den åpne høringen … 5. november 2020»",
    ),
    // 004: the minister's opinion piece, November 2017.
    (
        "artikler/kronikk-kompetansestrategi-2017/index.html",
        "<time datetime=\"2017-11\">november 2017</time>",
        "004: «date 2017-11»",
    ),
];

#[test]
fn the_real_content_builds_cleanly_and_states_the_documents_facts() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let o = build(root, &out);
    let (stdout, stderr) = text(&o);
    assert!(o.status.success(), "{stderr}");
    assert!(
        stderr.is_empty(),
        "the default site must build without warnings:\n{stderr}"
    );
    assert!(stdout.starts_with("built "), "{stdout}");

    let mut missing = Vec::new();
    for (page, fact, source) in FACTS {
        let html = read(&out, page);
        if !html.contains(fact) {
            missing.push(format!("{page}: `{fact}` ({source})"));
        }
    }
    assert!(missing.is_empty(), "facts missing:\n{}", missing.join("\n"));

    // Every timeline lists events in the order the sources give: 000 (the proposal, the
    // hearing on it, then the committee's recommendation) and 002 (June 2017 before
    // «høsten 2017»).
    let timeline = read(&out, "tidslinje/index.html");
    let at = |title: &str| {
        timeline
            .find(title)
            .unwrap_or_else(|| panic!("{title} is on the timeline"))
    };
    assert!(at("Representantforslag om et partssamarbeid") < at("Åpen høring om partssamarbeid"));
    assert!(at("Åpen høring om partssamarbeid") < at("avgir Innst. 102 S"));
    assert!(at("Stortinget vedtar barnevernsreformen") < at("Tjenestestøtteprogrammet starter"));
    let forum = read(&out, "initiativ/barnevernsforum/index.html");
    assert!(forum.find("Åpen høring om partssamarbeid") < forum.find("avgir Innst. 102 S"));

    // An event written in a nynorsk initiative's file is marked nynorsk in every version
    // (WCAG 3.1.2): a frozen version's files are not below content/initiatives/.
    for timeline in ["tidslinje/index.html", "v/2021/tidslinje/index.html"] {
        assert!(
            read(&out, timeline)
                .contains("<h3 class=\"event-title\" lang=\"nn\">Tillitsavtalen signert"),
            "{timeline}: the nynorsk event keeps lang=\"nn\""
        );
    }

    // The one warning check gives is the placeholder contact address, which stays until
    // a person gives the real one; anything else is a fault of the content.
    let o = mandat(&[
        "check",
        "--root",
        root.to_str().unwrap(),
        "--format",
        "json",
    ]);
    assert!(o.status.success(), "{:?}", text(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let warnings: Vec<&str> = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["message"].as_str().unwrap())
        .collect();
    assert_eq!(
        warnings,
        ["the contact address is a placeholder, not a real address"],
        "check reports no other warnings"
    );
    // Språklova § 13: each written standard is at least 25 % of the published words.
    assert!(
        v["language"]["percent"]["nn"].as_u64().unwrap() >= 25,
        "{}",
        v["language"]
    );
    assert!(
        v["language"]["percent"]["nb"].as_u64().unwrap() >= 25,
        "{}",
        v["language"]
    );
    assert_eq!(v["language"]["quota"], 25);
}
