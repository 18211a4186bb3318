//! One record file of any kind (the first byte picks which), parsed as a build parses
//! it, and any diagnostic rendered as the terminal would show it.
#![no_main]

use std::path::Path;

use libfuzzer_sys::fuzz_target;
use mandat::config::{resolve_paths, Config};

const FILES: [&str; 6] = [
    "actors/ks.yaml",
    "initiatives/strategi.md",
    "events/hendelser.yaml",
    "pages/om.md",
    "pages/artikler/_index.md",
    "site.yaml",
];

fuzz_target!(|data: &[u8]| {
    let Some((&pick, rest)) = data.split_first() else {
        return;
    };
    let Ok(text) = std::str::from_utf8(rest) else {
        return;
    };
    let paths = resolve_paths(Some(Path::new("/nonexistent-site")), None, None);
    let rel = FILES[usize::from(pick) % FILES.len()];
    let _ = mandat::load::frontmatter::split(text);
    let result = if rel == "site.yaml" {
        Config::parse(&paths, text.to_owned())
            .map(|_| ())
            .map_err(|d| vec![d])
    } else {
        mandat::load::parse_record(&Config::fallback(&paths), rel, text.to_owned()).map(|_| ())
    };
    for d in result.err().into_iter().flatten() {
        let _ = d.render(false);
        let _ = d.render(true);
    }
});
