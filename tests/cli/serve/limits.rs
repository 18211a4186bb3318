//! The preview under abuse and accident: it follows a content/ folder that is deleted
//! and put back. Every load is bounded in count and time.

use std::fs;

use crate::*;

use super::harness::{Server, SOON};

#[test]
fn content_deleted_and_put_back_is_followed() {
    let site = copy_site("basic");
    let mut server = Server::start(site.path());
    assert!(server
        .get("/artikler/nyhet/")
        .body
        .contains("Dette er viktig"));

    // Another copy of the content, with other text, put in place of the first.
    let other = tempfile::tempdir().unwrap();
    copy_dir(&site.path().join("content"), other.path());
    let page = other.path().join("pages/artikler/nyhet.md");
    let text = fs::read_to_string(&page).unwrap();
    fs::write(&page, text.replace("Dette er viktig", "Dette er nytt")).unwrap();
    // The old copy goes first, and the preview says so, before the new one comes:
    // two changes, as a person doing it by hand makes them.
    let content = site.path().join("content");
    fs::remove_dir_all(&content).unwrap();
    server.wait_for(SOON, "the missing content/ in the terminal", |s| {
        s.err().contains("no site.yaml")
    });
    copy_dir(other.path(), &content);
    server.wait_for(SOON, "the new copy's text", |s| {
        s.get("/artikler/nyhet/").body.contains("Dette er nytt")
    });

    // The new folder is watched: a later save is seen too.
    let page = content.join("pages/artikler/nyhet.md");
    let text = fs::read_to_string(&page).unwrap();
    fs::write(&page, text.replace("Dette er nytt", "Dette er nyast")).unwrap();
    server.wait_for(SOON, "a save in the new copy", |s| {
        s.get("/artikler/nyhet/").body.contains("Dette er nyast")
    });
}
