//! `mandat init DIR`: a new site with one example of each record kind, that builds
//! without a themes/ folder.

use std::path::Path;

use crate::error::Error;

const FILES: &[(&str, &str)] = &[
    (
        ".gitignore",
        "# What mandat makes: the site, what a build keeps beside it for the next one (the\n# lock, the build cache, the pages' bodies and fields, the search index), and the\n# resized images it keeps between builds.\n/output/\n/.output.*\n/.mandat-cache/\n",
    ),
    (
        "content/site.yaml",
        "title: Mitt nettsted\ndescription: Mandater, avtaler og strategier, med tidslinje og roller.\n# Adressen nettstedet publiseres på: gir hver side sin kanoniske adresse og\n# nettstedskartet fulle adresser. Fjern # og skriv den inn, f.eks.:\n# base_url: https://www.eksempel.no/\nlanguage: nb\nlanguages: [nb, nn]\n# Datoen nettstedet beskriver verden per: flytt den fram når du legger til nyere hendelser.\nas_of: 2024-01-01\nmenu:\n  - label: Tidslinje\n    url: /tidslinje/\n  - label: Roller\n    url: /roller/\n  - label: Aktører\n    url: /aktorer/\n  - label: Om nettstedet\n    url: /om/\n",
    ),
    (
        "content/actors/departementet.yaml",
        "kind: ministry\nnames:\n  - name: Eksempeldepartementet\n    short: ED\nurl: https://www.regjeringen.no/\ndescription: Departementet som eier avtalen.\n",
    ),
    (
        "content/actors/kommunene.yaml",
        "kind: municipal-sector\nnames:\n  - name: Kommunesektorens organisasjon\n    short: KO\n",
    ),
    (
        "content/initiatives/samarbeidsavtale.md",
        "---\ntitle: Samarbeidsavtale om et eksempel\nshort_title: Samarbeidsavtalen\nkind: agreement\nsummary: En avtale mellom departementet og kommunesektoren.\nowner: departementet\nparties: [departementet, kommunene]\nperiod:\n  start: 2021-01-01\n  end: 2023\nsource:\n  title: Samarbeidsavtale om et eksempel\n  publisher: departementet\n  date: 2020-12\nroles:\n  - actor: departementet\n    role: Eier avtalen\n    tasks:\n      - Kaller inn til møter.\n  - actor: kommunene\n    role: Part\n    tasks:\n      - Deltar i koordineringsgruppen.\nevents:\n  - date: 2020-12\n    title: Avtalen blir signert\n    actors: [departementet, kommunene]\ntags: [samarbeid]\n---\n## Bakgrunn\n\nSkriv teksten om avtalen her, i Markdown. Se også [tidslinjen](/tidslinje/).\n",
    ),
    (
        "content/events/hendelser.yaml",
        "- date: høsten 2023\n  title: Avtalen skal evalueres\n  plan:\n    source: samarbeidsavtalen\n    date: 2020-12\n  initiatives: [samarbeidsavtale]\n  actors: [departementet]\n",
    ),
    (
        "content/pages/_index.md",
        "---\ntitle: Velkommen\n---\nDette nettstedet viser hva som skjedde når, og hvem som har ansvar for hva.\n",
    ),
    (
        "content/pages/om.md",
        "---\ntitle: Om nettstedet\nsummary: Hva nettstedet er, og hvor opplysningene kommer fra.\ntags: [om]\n---\n## Kilder\n\nOpplysningene er hentet fra [samarbeidsavtalen](../initiatives/samarbeidsavtale.md).\n",
    ),
    (
        "content/pages/tilgjengelighet.md",
        "---\ntitle: Tilgjengelighetserklæring\nsummary: Hvordan nettstedet oppfyller kravene til universell utforming.\n---\nNettstedet skal oppfylle WCAG 2.1 på nivå AA.\n",
    ),
];

pub fn init(dir: &Path) -> Result<usize, Error> {
    let content = dir.join("content");
    if content.exists() {
        return Err(Error::Usage(format!(
            "{} already has a content/ folder; choose a new folder for the new site",
            dir.display()
        )));
    }
    for (rel, text) in FILES {
        crate::fs::write(&dir.join(rel), text.as_bytes())?;
    }
    Ok(FILES.len())
}
