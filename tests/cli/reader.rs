//! What a reader gets: the search page and its index, pages a strict Content-Security-
//! Policy allows, language marks, ids, tag pages and the feed.

use std::fs;

use serde_json::Value;

use crate::*;

fn built_basic() -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let o = build(&fixture("basic"), &out);
    assert!(o.status.success(), "{}", text(&o).1);
    (dir, out)
}

#[test]
fn the_search_index_holds_every_kind_of_record_with_stemmed_words() {
    let (_dir, out) = built_basic();
    let index: Value = serde_json::from_str(&read(&out, "sok/index.json")).unwrap();
    let docs = index["docs"].as_array().unwrap();
    for kind in ["initiative", "actor", "page", "event"] {
        assert!(
            docs.iter().any(|d| d["kind"] == kind),
            "no {kind} in the index"
        );
    }
    let strategy = docs
        .iter()
        .position(|d| d["url"] == "/initiativ/strategi/")
        .expect("the strategy is indexed");
    assert_eq!(docs[strategy]["lang"], "nb");
    assert!(
        docs.iter().any(|d| d["lang"] == "nn"),
        "the nn records keep their language"
    );
    let terms = index["terms"].as_object().unwrap();
    // "kompetanse" and "kompetansen" are one stem; the strategy is found by it.
    let postings = terms["kompetans"].as_array().unwrap();
    assert!(postings
        .chunks(2)
        .any(|p| p[0].as_u64() == Some(strategy as u64)));
    assert!(!terms.contains_key("og"), "stop words are left out");
    assert!(!terms.contains_key("kompetansen"));
}

#[test]
fn the_search_page_works_without_inline_script_and_says_what_to_do_without_javascript() {
    let (_dir, out) = built_basic();
    let page = read(&out, "sok/index.html");
    assert!(page.contains("<form class=\"search-form\" id=\"search-form\" role=\"search\""));
    assert!(
        page.contains(" hidden\n"),
        "the form shows only once the script runs"
    );
    assert!(page.contains("data-search-nojs"));
    assert!(
        page.contains("href=\"/initiativ/\""),
        "the notice links to the lists"
    );
    assert!(page.contains("data-index=\"/sok/index.json\""));
    let script = fs::read_dir(out.join("assets"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .find(|n| n.starts_with("search.") && n.ends_with(".js"))
        .expect("search.js has a hashed name");
    assert!(page.contains(&format!("<script src=\"/assets/{script}\" defer></script>")));
    assert!(page.contains("role=\"status\""), "results are announced");
    // Every page links to search from its header.
    assert!(read(&out, "index.html").contains("<a class=\"search-link\" href=\"/sok/\""));
}

#[test]
fn no_page_has_inline_script_or_style() {
    let (_dir, out) = built_basic();
    for (rel, bytes) in tree(&out) {
        if !rel.ends_with(".html") {
            continue;
        }
        let html = String::from_utf8(bytes).unwrap();
        assert!(!html.contains("<script>"), "{rel} has an inline script");
        assert!(!html.contains(" style=\""), "{rel} has a style attribute");
        assert!(!html.contains("<style"), "{rel} has a style element");
        assert!(
            !html.contains(" on"),
            "{rel} may have an event handler attribute"
        );
    }
}

#[test]
fn words_in_the_other_written_standard_carry_their_lang() {
    let (_dir, out) = built_basic();
    // An nn article in an nb section: the section's name is marked nb.
    let article = read(&out, "artikler/nyhet/index.html");
    assert!(article.starts_with("<!DOCTYPE html>\n<html lang=\"nn\">"));
    assert!(
        article.contains("<header class=\"site-header\" lang=\"nb\">"),
        "the nb header (menu, search, switcher) on an nn page"
    );
    assert!(article.contains("<footer class=\"site-footer\" lang=\"nb\">"));
    // On an nb list, the nn agreement's title is marked nn.
    let list = read(&out, "initiativ/index.html");
    assert!(list.contains("lang=\"nn\""));
}

#[test]
fn a_heading_does_not_take_an_id_the_template_uses() {
    let site = copy_site("basic");
    let file = site.path().join("content/initiatives/strategi.md");
    let mut body = fs::read_to_string(&file).unwrap();
    body.push_str("\n## Roller\n\nHvem gjør hva.\n");
    fs::write(&file, body).unwrap();
    let out = site.path().join("out");
    let o = build(site.path(), &out);
    assert!(o.status.success(), "{}", text(&o).1);
    let page = read(&out, "initiativ/strategi/index.html");
    assert_eq!(page.matches("id=\"roller\"").count(), 1, "one #roller");
    assert!(page.contains("<h2 id=\"roller-2\">Roller</h2>"));
}

#[test]
fn an_initiatives_tags_lead_to_a_tag_page_that_lists_it() {
    let (_dir, out) = built_basic();
    let strategy = read(&out, "initiativ/strategi/index.html");
    assert!(strategy.contains("href=\"/tags/kompetanse/\""));
    let tag = read(&out, "tags/kompetanse/index.html");
    assert!(tag.contains("href=\"/initiativ/strategi/\""), "{tag}");
}

#[test]
fn the_feed_resolves_its_site_relative_links() {
    let (_dir, out) = built_basic();
    let atom = read(&out, "atom.xml");
    assert!(atom.contains(
        "<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"nb\" xml:base=\"https://test.example.no/\">"
    ));
}
