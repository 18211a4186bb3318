//! What a public body's site shows: publisher and contact in the footer, header and footer
//! in the site's language, breadcrumbs, "Sist oppdatert", "På denne siden", the print
//! link, the brand and logo, and no inline style anywhere.

use std::fs;

use crate::*;

#[test]
fn pages_show_publisher_contact_crumbs_updated_and_sections() {
    let site = copy_site("basic");
    fs::write(
        site.path().join("content/pages/tilgjengelighet.md"),
        "---\ntitle: Tilgjengelegheitserklæring\nlang: nn\nupdated: 2021-03-01\n---\n## Krav\n\nWCAG 2.1 AA.\n\n## Testing\n\nAutomatisk.\n\n## Tilbakemelding\n\nSkriv til [kontaktadressa](#kontakt).\n",
    )
    .unwrap();
    let out = site.path().join("out");
    let o = build(site.path(), &out);
    assert!(o.status.success(), "{:?}", text(&o));

    let page = read(&out, "tilgjengelighet/index.html");
    // The footer names the publisher (its name at the site's date) and the contact, under
    // the id the statement links to; header and footer are in the site's language.
    assert!(
        page.contains("<div id=\"kontakt\" class=\"footer-contact\">"),
        "{page}"
    );
    assert!(
        page.contains("<p>Utgitt av <a href=\"/aktorer/dep/\">"),
        "{page}"
    );
    assert!(page.contains("<p>Kontakt: <a href=\"mailto:postmottak@dep.example.no\">postmottak@dep.example.no</a></p>"), "{page}");
    assert!(
        page.contains("<header class=\"site-header\" lang=\"nb\">"),
        "{page}"
    );
    assert!(
        page.contains("<footer class=\"site-footer\" lang=\"nb\">"),
        "{page}"
    );
    assert!(
        page.contains("<span>Søk</span>"),
        "the header's button is bokmål: {page}"
    );
    // Inside the page, the interface is nynorsk.
    assert!(page.contains("<nav class=\"breadcrumbs\" aria-label=\"Brødsmulesti\">\n<ol><li><a href=\"/\">Framside</a></li><li aria-current=\"page\">Tilgjengelegheitserklæring</li></ol>"), "{page}");
    assert!(page.contains("<h2 id=\"paa-denne-siden\" class=\"toc-title\">På denne sida</h2>\n<ul><li><a href=\"#krav\">Krav</a></li><li><a href=\"#testing\">Testing</a></li><li><a href=\"#tilbakemelding\">Tilbakemelding</a></li></ul>"), "{page}");
    assert!(page.contains("<p class=\"updated\">Sist oppdatert <time datetime=\"2021-03-01\">1. mars 2021</time></p>"), "{page}");
    assert!(
        page.contains("<a class=\"print-link\" href=\"#main\" hidden>Skriv ut</a>"),
        "{page}"
    );
    assert!(
        page.contains("print."),
        "the print script is linked: {page}"
    );

    // An article: its section in the breadcrumbs; its date when it has no `updated`; no
    // list of sections with fewer than three.
    let article = read(&out, "artikler/nyhet/index.html");
    assert!(article.contains("<ol><li><a href=\"/\">Framside</a></li><li><a href=\"/artikler/\">Artikler</a></li><li aria-current=\"page\">Ei nyheit</li></ol>"), "{article}");
    assert!(
        article.contains("Sist oppdatert <time datetime=\"2020-12-07\">7. desember 2020</time>"),
        "{article}"
    );
    assert!(!article.contains("class=\"toc\""), "{article}");
    // The home page has no breadcrumbs; an initiative's are home › initiatives, in its
    // own language (this one is nynorsk); a bokmål page's in bokmål.
    assert!(!read(&out, "index.html").contains("class=\"breadcrumbs\""));
    assert!(read(&out, "initiativ/avtale/index.html").contains(
        "<ol><li><a href=\"/\">Framside</a></li><li><a href=\"/initiativ/\">Initiativ</a></li>"
    ));
    assert!(read(&out, "roller/index.html")
        .contains("<ol><li><a href=\"/\">Forside</a></li><li aria-current=\"page\">"));
}

#[test]
fn a_publisher_that_is_no_actor_is_an_error() {
    let site = copy_site("basic");
    let yaml = site.path().join("content/site.yaml");
    let text_before = fs::read_to_string(&yaml).unwrap();
    fs::write(
        &yaml,
        text_before.replace("publisher: dep", "publisher: depp"),
    )
    .unwrap();
    let o = build(site.path(), &site.path().join("out"));
    let (_, stderr) = text(&o);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr.starts_with("content/site.yaml:7:12: error: unknown actor `depp`\n  |\n7 | publisher: depp\n  |            ^^^^\n  |\nhelp: did you mean `dep`?\n"),
        "{stderr}"
    );
    fs::write(
        &yaml,
        text_before.replace("postmottak@dep.example.no", "postmottak"),
    )
    .unwrap();
    let o = build(site.path(), &site.path().join("out"));
    let (_, stderr) = text(&o);
    assert!(
        stderr.starts_with("content/site.yaml:8:10: error: `postmottak` is neither an e-mail address nor a web address"),
        "{stderr}"
    );
}

#[test]
fn a_brand_file_and_a_logo_restyle_the_site() {
    let site = copy_site("basic");
    fs::create_dir_all(site.path().join("brand")).unwrap();
    fs::write(
        site.path().join("brand/etaten.css"),
        ":root { --ds-color-accent-base-default: #0062BA; }\n",
    )
    .unwrap();
    fs::copy(
        site.path().join("content/pages/artikler/logo.svg"),
        site.path().join("brand/logo.svg"),
    )
    .unwrap();
    let yaml = site.path().join("content/site.yaml");
    let before = fs::read_to_string(&yaml).unwrap();
    fs::write(
        &yaml,
        format!("{before}brand: brand/etaten.css\nlogo: brand/logo.svg\nlogo_alt: Departementet\n"),
    )
    .unwrap();
    let out = site.path().join("out");
    let o = build(site.path(), &out);
    assert!(o.status.success(), "{:?}", text(&o));
    assert_eq!(
        read(&out, "brand/etaten.css"),
        ":root { --ds-color-accent-base-default: #0062BA; }\n"
    );
    assert!(out.join("brand/logo.svg").is_file());
    let home = read(&out, "index.html");
    let theme = home
        .find("rel=\"stylesheet\" href=\"/assets/style.")
        .unwrap();
    let brand = home
        .find("<link rel=\"stylesheet\" href=\"/brand/etaten.css\">")
        .unwrap();
    assert!(theme < brand, "the brand comes after the theme: {home}");
    assert!(home.contains("<img class=\"brand-logo\" src=\"/brand/logo.svg\" alt=\"Departementet\" height=\"32\">"), "{home}");

    // A brand file that is not there, and a logo without its text, are errors.
    fs::write(&yaml, format!("{before}brand: brand/mangler.css\n")).unwrap();
    let (_, stderr) = text(&build(site.path(), &out));
    assert!(
        stderr.contains("error: the CSS file `brand/mangler.css` does not exist"),
        "{stderr}"
    );
    fs::write(&yaml, format!("{before}logo: brand/logo.svg\n")).unwrap();
    let (_, stderr) = text(&build(site.path(), &out));
    assert!(
        stderr.contains("error: the logo has no text alternative"),
        "{stderr}"
    );
}

#[test]
fn no_page_has_an_inline_style() {
    for name in ["basic", "language"] {
        let site = copy_site(name);
        let out = site.path().join("out");
        let o = build(site.path(), &out);
        assert!(o.status.success(), "{name}: {:?}", text(&o));
        for (path, bytes) in tree(&out) {
            if path.ends_with(".html") {
                let html = String::from_utf8_lossy(&bytes);
                assert!(
                    !html.contains(" style="),
                    "{name}: {path} has a style attribute"
                );
            }
        }
    }
    // The right-aligned column is aligned by a class.
    let site = copy_site("language");
    let out = site.path().join("out");
    build(site.path(), &out);
    assert!(read(&out, "index.html").contains("<td class=\"right\">1 000</td>"));
}
