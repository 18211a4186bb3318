//! `mandat new`: each kind of file, in the site's language, builds as it is; a bad name
//! or an existing file is refused without writing.

use std::fs;

use crate::*;

#[test]
fn every_new_file_builds_as_it_is() {
    for lang in ["nb", "nn"] {
        // The smallest site: a title and a language.
        let site = tempfile::tempdir().unwrap();
        let root = site.path();
        fs::create_dir_all(root.join("content")).unwrap();
        fs::write(
            root.join("content/site.yaml"),
            format!("title: Test\nlanguage: {lang}\n"),
        )
        .unwrap();
        for (kind, id, file) in [
            (
                "page",
                "fakta/fosterhjem",
                "content/pages/fakta/fosterhjem.md",
            ),
            ("event", "evaluering", "content/events/evaluering.yaml"),
            ("actor", "bufdir", "content/actors/bufdir.yaml"),
            (
                "initiative",
                "ny-avtale",
                "content/initiatives/ny-avtale.md",
            ),
        ] {
            let o = mandat(&["new", kind, id, "--root", root.to_str().unwrap()]);
            let (out, err) = text(&o);
            assert!(o.status.success(), "{lang} {kind}: {err}");
            assert!(out.contains(&format!("created {file}")), "{out}");
            let written = fs::read_to_string(root.join(file)).unwrap();
            let in_nynorsk = written.contains("kva det handlar om");
            assert_eq!(in_nynorsk, lang == "nn", "{lang} {kind}: {written}");
        }
        let built = tempfile::tempdir().unwrap();
        let o = build(root, &built.path().join("out"));
        assert!(o.status.success(), "{lang}: {:?}", text(&o));
        let out = built.path().join("out");
        assert!(read(&out, "fakta/fosterhjem/index.html").contains("Fosterhjem"));
        assert!(read(&out, "initiativ/ny-avtale/index.html").contains("Ny avtale"));
    }
}

#[test]
fn a_bad_name_or_an_existing_file_is_refused() {
    let site = copy_site("basic");
    let root = site.path().to_str().unwrap();
    let o = mandat(&["new", "page", "Min Side", "--root", root]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        text(&o).1.contains("cannot be a file name here"),
        "{:?}",
        text(&o)
    );
    let o = mandat(&["new", "actor", "ks", "--root", root]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        text(&o).1.contains("content/actors/ks.yaml already exists"),
        "{:?}",
        text(&o)
    );
    assert!(
        fs::read_to_string(site.path().join("content/actors/ks.yaml"))
            .unwrap()
            .contains("name: KS")
    );
}
