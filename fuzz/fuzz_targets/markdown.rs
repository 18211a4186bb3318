//! A Markdown body with links, rendered with the linker that rewrites file links to
//! page addresses, and every link error rendered.
#![no_main]

use std::collections::BTreeMap;

use libfuzzer_sys::fuzz_target;
use mandat::model::{Lang, SourceFile};
use mandat::output::Urls;
use mandat::render::markdown::{render, Linker};

fuzz_target!(|data: &[u8]| {
    let Ok(body) = std::str::from_utf8(data) else {
        return;
    };
    let sources: BTreeMap<String, String> = [
        ("initiatives/strategi.md", "/initiativ/strategi/"),
        ("actors/ks.yaml", "/aktorer/ks/"),
        ("pages/om.md", "/om/"),
        ("pages/artikler/nyhet.md", "/artikler/nyhet/"),
    ]
    .into_iter()
    .map(|(a, b)| (a.to_owned(), b.to_owned()))
    .collect();
    let urls = Urls::new(Lang::Nb, "", "/base");
    let images = mandat::images::Images::new();
    let linker = Linker {
        sources: &sources,
        urls: &urls,
        content_dir: "content",
        // Both ways: escaped (the default) and raw HTML allowed, picked by the length.
        allow_html: body.len() % 2 == 1,
        images: &images,
    };
    let source = SourceFile {
        path: "content/pages/artikler/nyhet.md".into(),
        text: format!("---\ntitle: x\n---\n{body}").into(),
        body_line: 4,
    };
    match render(
        body,
        &source,
        4,
        "/artikler/nyhet/",
        0,
        &linker,
        &["main", "top"],
        true,
    ) {
        Ok(r) => {
            for l in &r.links {
                assert!(l.line >= 4);
            }
            // Nothing active gets through: raw HTML is text, other schemes are errors.
            let html = r.html.to_ascii_lowercase();
            // (With raw HTML allowed, the writer's own HTML is published as written.)
            // Text never holds a bare `<` then (it is escaped), so every `<` starts a tag
            // of the renderer's own, and only those are looked at: `href="javascript:`
            // written as text in a code block is text.
            if !linker.allow_html {
                for tag in html.split('<').skip(1) {
                    let tag = tag.split('>').next().unwrap_or("");
                    assert!(!tag.starts_with("script"), "{}", r.html);
                    for scheme in ["javascript:", "data:", "vbscript:"] {
                        assert!(!tag.contains(&format!("href=\"{scheme}")), "{}", r.html);
                        assert!(!tag.contains(&format!("src=\"{scheme}")), "{}", r.html);
                    }
                }
            }
        }
        Err(failed) => {
            for d in failed.errors {
                let _ = d.render(false);
            }
        }
    }
});
