//! A whole small site in memory: site.yaml, two actors, an initiative, an events file
//! and two pages (the input split at NUL bytes, each part replacing one file of a
//! valid site), read, cross-checked and planned with every link checked, as `check` does;
//! a site that passes is rendered page by page, as `build` does (and must not fail).
#![no_main]

use std::path::Path;
use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use mandat::config::{resolve_paths, Config, Paths};
use mandat::error::Severity;
use mandat::load::{assemble, parse_record, Record};
use mandat::model::Registry;
use mandat::output::Urls;
use mandat::render::theme::Theme;

const FILES: [(&str, &str); 7] = [
    ("site.yaml", "title: Test\nlanguage: nb\nas_of: 2021-06-01\nmenu:\n  - label: Om\n    url: /om/\n"),
    ("actors/bfd.yaml", "kind: ministry\nnames:\n  - name: Departementet\n    to: 2018\n  - name: Nydepartementet\n    from: 2019\n"),
    ("actors/ks.yaml", "kind: municipal-sector\nnames:\n  - name: KS\n"),
    ("initiatives/strategi.md", "---\ntitle: Strategien\nkind: strategy\nowner: bfd\nparties: [bfd, ks]\nperiod:\n  start: 2018\n  end: 2024\nmeasures:\n  - title: Videreutdanning\n    date: 2018\n    description: Se [om](../pages/om.md#kontakt).\n---\n## Bakgrunn\n\nLes [KS](../actors/ks.yaml) og [tidslinjen](/tidslinje/).\n"),
    ("events/hendelser.yaml", "- date: 2018-09\n  title: Start\n  initiatives: [strategi]\n  actors: [ks]\n  description: Se [strategien](../initiatives/strategi.md#bakgrunn).\n"),
    ("pages/om.md", "---\ntitle: Om\n---\n## Kontakt\n\n[Strategien](../initiatives/strategi.md)\n"),
    ("pages/artikler/nyhet.md", "---\ntitle: Nyhet\ndate: 2020-01-02\ntags: [tillit]\n---\n[Om](../om.md#kontakt)\n"),
];

fn paths() -> Paths {
    resolve_paths(Some(Path::new("/nonexistent-site")), None, None)
}

fn theme() -> &'static Theme {
    static THEME: OnceLock<Theme> = OnceLock::new();
    THEME.get_or_init(|| match Theme::load(&Config::fallback(&paths())) {
        Ok(t) => t,
        Err(e) => panic!("the built-in theme loads: {e}"),
    })
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    // Each NUL-separated part replaces the file at the same position; the rest stay valid.
    let mut texts: Vec<String> = FILES.iter().map(|(_, t)| (*t).to_owned()).collect();
    for (i, part) in text.split('\0').enumerate().take(FILES.len()) {
        if !part.is_empty() {
            texts[i] = part.to_owned();
        }
    }
    let paths = paths();
    let mut diags = Vec::new();
    let config = match Config::parse(&paths, texts[0].clone()) {
        Ok(c) => c,
        Err(d) => {
            diags.push(d);
            Config::fallback(&paths)
        }
    };
    // The records are assembled exactly as a build assembles what it read.
    let records: Vec<(String, Result<Record, _>)> = FILES
        .iter()
        .zip(&texts)
        .skip(1)
        .map(|((rel, _), text)| ((*rel).to_owned(), parse_record(&config, rel, text.clone())))
        .collect();
    let (loaded, found) = assemble(config, records.into_iter(), Vec::new());
    diags.extend(found);
    let (reg, found) = Registry::check_all(loaded);
    diags.extend(found);
    let urls = Urls::new(reg.config.lang, "", &reg.config.base_path);
    let failed = diags.iter().any(|d| d.severity == Severity::Error);
    match mandat::render::prepare(&reg, theme(), urls) {
        Err(errors) => diags.extend(errors),
        // A site that passes every check is rendered, page by page, as a build would.
        Ok(prepared) if !failed => {
            let extra = serde_json::json!({});
            for (path, job) in &prepared.plan {
                if let Err(d) = prepared.render(path, job, &extra) {
                    panic!(
                        "a checked site failed to render {path}: {}",
                        d.render(false)
                    );
                }
            }
        }
        Ok(_) => {}
    }
    for d in &diags {
        let _ = d.render(false);
    }
});
