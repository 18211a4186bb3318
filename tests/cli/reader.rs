//! What a reader gets: the search page and its index, pages a strict Content-Security-
//! Policy allows, language marks, ids, tag pages and the feed.

use std::fs;

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
    let (manifest, words, docs) = search_index(&out);
    assert_eq!(docs.len() as u64, manifest["docs"].as_u64().unwrap());
    let kinds = manifest["kinds"].as_object().unwrap();
    for kind in ["initiative", "actor", "page", "event"] {
        let [from, to] = [0, 1].map(|i| kinds[kind][i].as_u64().unwrap());
        assert!(from < to, "no {kind} in the index");
    }
    let strategy = docs
        .iter()
        .position(|d| d["u"] == "/initiativ/strategi/")
        .expect("the strategy is indexed");
    let initiatives = &kinds["initiative"];
    assert!(
        (initiatives[0].as_u64().unwrap()..initiatives[1].as_u64().unwrap())
            .contains(&(strategy as u64))
    );
    assert_eq!(docs[strategy]["l"], "nb");
    assert!(
        docs.iter().any(|d| d["l"] == "nn"),
        "the nn records keep their language"
    );
    // "kompetanse" and "kompetansen" are one stem; the strategy is found by it.
    let word = |t: &str| words.iter().find(|w| w.term == t);
    let kompetans = word("kompetans").expect("the stem is indexed");
    assert!(kompetans.list.iter().any(|(d, _)| *d == strategy as u32));
    assert_eq!(kompetans.count, kompetans.list.len() as u64);
    assert!(word("og").is_none(), "stop words are left out");
    assert!(word("kompetansen").is_none());
}

#[test]
fn the_search_index_is_written_the_same_every_time() {
    let (_dir, out) = built_basic();
    let again = out.with_file_name("again");
    assert!(build(&fixture("basic"), &again).status.success());
    let files = |o: &std::path::Path| {
        let mut t = tree(&o.join("sok"));
        t.retain(|k, _| !k.ends_with(".html"));
        t
    };
    let first = files(&out);
    assert!(first.len() > 3, "{:?}", first.keys());
    assert!(
        first == files(&again),
        "the index differs between two builds"
    );
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

/// A page without a summary is shown in search results by the opening of its text, cut
/// at a word; a page with one, by its summary.
#[test]
fn search_results_show_a_pages_summary_or_else_the_opening_of_its_text() {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("site");
    copy_dir(&fixture("basic"), &site);
    let words =
        "Partane i forumet drøftar korleis tenestene kan bli betre for barn og unge. ".repeat(6);
    fs::write(
        site.join("content/pages/artikler/utan-samandrag.md"),
        format!("---\ntitle: Utan samandrag\nlang: nn\n---\n## Om forumet\n\n{words}\n"),
    )
    .unwrap();
    let out = dir.path().join("out");
    let o = build(&site, &out);
    assert!(o.status.success(), "{}", text(&o).1);
    let (_, _, docs) = search_index(&out);
    let shown = |url: &str| {
        docs.iter()
            .find(|d| d["u"] == url)
            .and_then(|d| d["s"].as_str())
            .unwrap_or_else(|| panic!("{url} is indexed"))
            .to_owned()
    };
    let opening = shown("/artikler/utan-samandrag/");
    assert!(
        opening.starts_with("Om forumet Partane i forumet"),
        "{opening}"
    );
    assert!(
        opening.ends_with('…') && opening.chars().count() <= 161,
        "{opening}"
    );
    assert_eq!(shown("/artikler/nyhet/"), "Avtalen er signert.");
}
