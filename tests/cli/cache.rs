//! The build cache: a build into a folder a previous build wrote takes the outputs
//! nothing changed for from it; after any edit its output must be exactly what a clean
//! build writes.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use super::{build_with, copy_site, mandat, text, tree};

/// A small deterministic random number generator (xorshift), so a failure can be
/// replayed from its seed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

/// Builds `root` into `out` (with the cache) and reports how many outputs were taken
/// from the previous build: `None` when it found nothing changed and left the output.
fn cached_build(root: &Path, out: &Path) -> Option<usize> {
    cached_build_reporting(root, out).outputs
}

/// What a build with the cache took from the previous build, and what it printed.
struct Rebuilt {
    /// Outputs taken: `None` when it found nothing changed and left the output.
    outputs: Option<usize>,
    /// Pages' bodies taken from what the previous build stored.
    bodies: usize,
    /// Pages' front matter taken from what the previous build stored.
    fronts: usize,
    /// Of those, pages whose files were not read, being as the previous build read them.
    unread: usize,
    /// Search documents whose words were taken from what the previous build kept.
    searched: usize,
    /// Its standard error without the timings.
    reported: String,
}

/// Builds `root` into `out` with `options` (none: with the cache) and the variable
/// `name` set to `value`.
fn build_setting(
    root: &Path,
    out: &Path,
    options: &[&str],
    (name, value): (&str, &str),
) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_mandat"))
        .args(["build", "--root", root.to_str().unwrap()])
        .args(["--out", out.to_str().unwrap()])
        .args(options)
        .env("NO_COLOR", "1")
        .env(name, value)
        .output()
        .unwrap()
}

fn cached_build_reporting(root: &Path, out: &Path) -> Rebuilt {
    rebuilt_with(root, out, &[])
}

/// What a build with `options` took from the previous build, and what it printed.
fn rebuilt_with(root: &Path, out: &Path, options: &[&str]) -> Rebuilt {
    let o = build_setting(root, out, options, ("MANDAT_TIMINGS", "1"));
    let (stdout, stderr) = text(&o);
    assert!(o.status.success(), "{stdout}{stderr}");
    let reported = stderr
        .lines()
        .filter(|l| {
            !l.contains(" ms  ")
                && !l.contains("outputs unchanged")
                && !l.contains("bodies taken")
                && !l.contains("front matter taken")
                && !l.contains("files not read")
                && !l.contains("search documents' words taken")
        })
        .map(|l| l.split(" in ").next().unwrap_or(l))
        .collect::<Vec<_>>()
        .join("\n");
    // The first number of the line that ends so.
    let count = |end: &str| -> Option<usize> {
        let line = stderr.lines().find(|l| l.ends_with(end))?;
        line.split(' ').next()?.parse().ok()
    };
    if stderr.contains("ms  nothing changed since the previous build") {
        return Rebuilt {
            outputs: None,
            bodies: 0,
            fronts: 0,
            unread: 0,
            searched: 0,
            reported,
        };
    }
    Rebuilt {
        outputs: Some(
            count("outputs unchanged since the previous build")
                .unwrap_or_else(|| panic!("no cache line in {stderr}")),
        ),
        bodies: count("pages' bodies taken from the previous build")
            .unwrap_or_else(|| panic!("no bodies line in {stderr}")),
        fronts: count("pages' front matter taken from the previous build")
            .unwrap_or_else(|| panic!("no front matter line in {stderr}")),
        unread: count("pages' files not read: as the previous build read them")
            .unwrap_or_else(|| panic!("no files line in {stderr}")),
        searched: count("search documents' words taken from the previous build")
            .unwrap_or_else(|| panic!("no search line in {stderr}")),
        reported,
    }
}

fn clean_build(root: &Path, out: &Path) {
    let o = build_with(root, out, &["--no-cache"]);
    assert!(o.status.success(), "{:?}", text(&o));
}

fn replace(path: &Path, from: &str, to: &str) {
    let t = fs::read_to_string(path).unwrap();
    assert!(t.contains(from), "{} lacks {from:?}", path.display());
    fs::write(path, t.replacen(from, to, 1)).unwrap();
}

fn append(path: &Path, more: &str) {
    let t = fs::read_to_string(path).unwrap();
    fs::write(path, format!("{t}{more}")).unwrap();
}

const TAGS: &[&str] = &["tillit", "Kompetanse", "samarbeid", "kvalitet"];

/// A page with two tags (now and then one no other page has) and an old address.
fn new_page(n: u64, rng: &mut Rng) -> String {
    let own = format!("emne {}", rng.below(20));
    let tags = [
        *rng.pick(TAGS),
        if rng.below(3) == 0 {
            &own
        } else {
            *rng.pick(TAGS)
        },
    ];
    let initiatives = if rng.below(2) == 0 { "[avtale]" } else { "[]" };
    format!(
        "---\ntitle: Side {n}\ndate: 2020-0{}-1{}\nsummary: Om side {n}.\ntags: [{}, {}]\ninitiatives: {initiatives}\naliases: [/gammel-{n}/]\n---\n## Om {n}\n\nTekst om side {n}, se [tidslinjen](/tidslinje/).\n",
        1 + rng.below(9),
        rng.below(10),
        tags[0],
        tags[1],
    )
}

/// Random edits of every kind a writer makes (pages and records added, changed,
/// renamed and removed, the theme, site.yaml, a release), each followed by a build with
/// the cache and one without: the two outputs must be the same, byte for byte.
#[test]
fn random_edits_build_as_a_clean_build_does() {
    let site = copy_site("basic");
    let root = site.path();
    let content = root.join("content");
    let out = root.join("output");
    let mut rng = Rng(0x5eed_2026);
    let mut pages: Vec<String> = Vec::new();
    let mut reused_any = false;
    let mut bodies_any = false;
    let mut searched_any = false;
    let mut releases = 0;
    cached_build(root, &out);
    // Every kind of edit once, in an order where each finds what it edits; then at random.
    let first = [0, 2, 4, 0, 4, 5, 3, 7, 8, 8, 8, 9, 10, 11, 4, 6];
    for step in 0..40 {
        let n = step as u64 + 1;
        let kind = first.get(step).copied().unwrap_or_else(|| rng.below(12));
        let what = match kind {
            0 | 1 => {
                // Mostly in a section there is; now and then in a new one.
                let rel = match rng.below(5) {
                    0 => format!("pages/ny-{}/side-{n}.md", rng.below(2)),
                    _ => format!("pages/artikler/side-{n}.md"),
                };
                let path = content.join(&rel);
                fs::create_dir_all(path.parent().unwrap()).unwrap();
                fs::write(path, new_page(n, &mut rng)).unwrap();
                pages.push(rel.clone());
                format!("add {rel}")
            }
            2 | 3 if !pages.is_empty() => {
                let rel = rng.pick(&pages).clone();
                append(&content.join(&rel), &format!("\nEt nytt avsnitt {n}.\n"));
                format!("change the body of {rel}")
            }
            4 if !pages.is_empty() => {
                let rel = rng.pick(&pages).clone();
                let path = content.join(&rel);
                let t = fs::read_to_string(&path).unwrap();
                let t = match rng.below(3) {
                    0 => t.replacen("title: ", &format!("title: Endret {n} "), 1),
                    1 => t.replacen("tags: [", &format!("tags: [{}, ", rng.pick(TAGS)), 1),
                    _ => t.replacen("initiatives: [", "initiatives: [strategi, ", 1),
                };
                fs::write(&path, t).unwrap();
                format!("change the front matter of {rel}")
            }
            5 if !pages.is_empty() => {
                let i = rng.below(pages.len());
                let to = format!("pages/artikler/flyttet-{n}.md");
                fs::rename(content.join(&pages[i]), content.join(&to)).unwrap();
                let from = std::mem::replace(&mut pages[i], to.clone());
                format!("rename {from} to {to}")
            }
            6 if !pages.is_empty() => {
                let rel = pages.remove(rng.below(pages.len()));
                fs::remove_file(content.join(&rel)).unwrap();
                format!("delete {rel}")
            }
            7 => {
                let path = content.join("pages/artikler/nyhet.md");
                append(&path, &format!("\nOg meir {n}.\n"));
                "change the body of a fixture page".into()
            }
            8 => {
                match rng.below(3) {
                    0 => {
                        let rel = format!("events/ny-{n}.yaml");
                        fs::write(
                        content.join(&rel),
                        format!("- date: 2019-0{}-02\n  title: Hending {n}\n  initiatives: [avtale]\n", 1 + rng.below(9)),
                    )
                    .unwrap();
                        format!("add {rel}")
                    }
                    1 => {
                        append(
                            &content.join("actors/etaten.yaml"),
                            &format!("url: https://etaten.example.no/{n}\n"),
                        );
                        let path = content.join("actors/etaten.yaml");
                        // One url only: keep the last.
                        let t = fs::read_to_string(&path).unwrap();
                        let kept: Vec<&str> =
                            t.lines().filter(|l| !l.starts_with("url:")).collect();
                        fs::write(
                            &path,
                            format!("{}\nurl: https://etaten.example.no/{n}\n", kept.join("\n")),
                        )
                        .unwrap();
                        "change an actor".into()
                    }
                    _ => {
                        let path = content.join("initiatives/avtale.md");
                        append(&path, &format!("\nEnda et avsnitt {n}.\n"));
                        "change an initiative".into()
                    }
                }
            }
            9 => {
                let path = root.join("themes/default/templates/base.html");
                if !path.exists() {
                    fs::create_dir_all(path.parent().unwrap()).unwrap();
                    let built_in = Path::new(env!("CARGO_MANIFEST_DIR"))
                        .join("themes/default/templates/base.html");
                    fs::copy(built_in, &path).unwrap();
                }
                append(&path, &format!("<!-- {n} -->\n"));
                "change a template".into()
            }
            10 => {
                replace(
                    &content.join("site.yaml"),
                    "description: ",
                    &format!("description: ({n}) "),
                );
                "change site.yaml".into()
            }
            11 if releases < 2 => {
                releases += 1;
                let name = format!("v{n}");
                let o = mandat(&[
                    "release",
                    &name,
                    "--root",
                    root.to_str().unwrap(),
                    "--date",
                    &format!("2021-0{releases}-01"),
                ]);
                assert!(o.status.success(), "{:?}", text(&o));
                format!("release {name}")
            }
            _ => "nothing".into(),
        };
        let rebuilt = cached_build_reporting(root, &out);
        // Nothing to do only when nothing was edited; and not always then, as a build
        // of files written within two seconds is not taken as unchanged (`fs::settled`).
        let reused = rebuilt.outputs;
        if what != "nothing" {
            assert!(reused.is_some(), "step {step}: {what}");
        }
        let reused = reused.unwrap_or(usize::MAX);
        eprintln!(
            "step {step}: {what}: {reused} outputs, {} bodies, {} search documents reused",
            rebuilt.bodies, rebuilt.searched
        );
        reused_any |= reused > 0;
        bodies_any |= rebuilt.bodies > 0;
        searched_any |= rebuilt.searched > 0;
        let clean = root.join(format!("clean-{step}"));
        clean_build(root, &clean);
        let (cached, expected) = (tree(&out), tree(&clean));
        let differ: Vec<&String> = expected
            .keys()
            .chain(cached.keys())
            .filter(|k| cached.get(*k) != expected.get(*k))
            .collect();
        assert!(
            differ.is_empty(),
            "step {step} ({what}, {reused} outputs reused): differs from a clean build in {differ:?}"
        );
        fs::remove_dir_all(&clean).unwrap();
    }
    assert!(reused_any, "the cache was never used");
    assert!(bodies_any, "no stored body was ever taken");
    assert!(searched_any, "no search index was ever patched");
}

/// Builds `root` into `out` with the cache, and asserts it wrote what a clean build does.
fn same_as_clean_after(root: &Path, out: &Path, what: &str) {
    cached_build(root, out);
    is_as_clean(root, out, what);
}

/// Asserts that `out` holds what a clean build of `root` writes.
fn is_as_clean(root: &Path, out: &Path, what: &str) {
    let clean = root.join("clean");
    clean_build(root, &clean);
    assert_eq!(tree(out), tree(&clean), "after {what}");
    fs::remove_dir_all(&clean).unwrap();
}

/// What every page shows of other pages is followed when pages come and go: the
/// footer's link to the accessibility statement, and an events embed titled with a tag
/// as the first page with that tag writes it.
#[test]
fn what_every_page_shows_of_other_pages_follows_them() {
    let site = copy_site("basic");
    let (root, out) = (site.path(), site.path().join("output"));
    cached_build(root, &out);
    let statement = root.join("content/pages/tilgjengelighet.md");
    let text = fs::read_to_string(&statement).unwrap();
    fs::remove_file(&statement).unwrap();
    same_as_clean_after(root, &out, "the statement removed");
    fs::write(&statement, &text).unwrap();
    same_as_clean_after(root, &out, "the statement put back");

    let site = copy_site("embeds");
    let (root, out) = (site.path(), site.path().join("output"));
    cached_build(root, &out);
    let page = root.join("content/pages/artikler/a.md");
    fs::write(&page, "---\ntitle: A\ntags: [KOMPETANSE]\n---\nTekst.\n").unwrap();
    same_as_clean_after(root, &out, "a page spelling a tag anew added");
    replace(&page, "KOMPETANSE", "Kompetanse");
    same_as_clean_after(root, &out, "its spelling changed");
}

/// The basic site built once with `--no-cache`, and the file `.output.<what>` that
/// build kept beside its output for the next one (`--no-cache` writes them too).
struct Kept {
    site: tempfile::TempDir,
    /// The kept file.
    file: PathBuf,
    /// Its lines but the first: the pages it holds.
    pages: usize,
    /// A page to edit.
    page: PathBuf,
}

impl Kept {
    fn built(what: &str) -> Kept {
        let site = copy_site("basic");
        let root = site.path();
        clean_build(root, &root.join("output"));
        let file = root.join(format!(".output.{what}"));
        assert!(file.is_file(), "--no-cache stores .output.{what} too");
        let pages = fs::read_to_string(&file).unwrap().lines().count() - 1;
        assert!(pages >= 3, "{pages} pages stored");
        let page = root.join("content/pages/tilgjengelighet.md");
        Kept {
            site,
            file,
            pages,
            page,
        }
    }

    fn root(&self) -> &Path {
        self.site.path()
    }

    fn out(&self) -> PathBuf {
        self.root().join("output")
    }

    /// Asserts that the output is what a clean build writes.
    fn same_as_clean(&self) {
        let clean = self.root().join("clean");
        clean_build(self.root(), &clean);
        assert_eq!(tree(&self.out()), tree(&clean));
    }
}

/// A build stores its pages' bodies beside its output (`--no-cache` too), and the next
/// build takes those whose text and links are as they were; a damaged file, or a line
/// changed by hand, costs only time.
#[test]
fn stored_bodies_are_taken_only_where_they_hold() {
    let kept = Kept::built("bodies");
    let (root, out, bodies, pages, page) =
        (kept.root(), kept.out(), &kept.file, kept.pages, &kept.page);
    let same_as_clean = || kept.same_as_clean();
    append(page, "\nEt nytt avsnitt.\n");
    assert_eq!(cached_build_reporting(root, &out).bodies, pages - 1);
    same_as_clean();

    // Damaged: cut off, or not what this `mandat` wrote.
    let stored = fs::read_to_string(bodies).unwrap();
    let (header, _) = stored.split_once('\n').unwrap();
    // Cut off a few characters into its first line (each starts `["/`).
    let cut = header.len() + 5;
    for damaged in [
        stored[..cut].to_owned(),
        format!("{header}\nnonsense\n{{\"x\": 1}}\n"),
        stored.replacen("mandat bodies", "other bodies", 1),
        String::new(),
    ] {
        fs::write(bodies, &damaged).unwrap();
        append(page, "\nEnda et avsnitt.\n");
        let taken = cached_build_reporting(root, &out).bodies;
        assert_eq!(taken, 0, "taken from {damaged:.80}");
        same_as_clean();
    }
    // A line changed by hand, even with its key kept, is not taken.
    append(page, "\nEtt avsnitt til.\n");
    cached_build(root, &out);
    let stored = fs::read_to_string(bodies).unwrap();
    let other = stored
        .lines()
        .skip(1)
        .find(|l| !l.contains("tilgjengelighet") && l.contains("\"words\":"))
        .unwrap();
    let changed = other.replacen("\"words\":", "\"words\":9", 1);
    fs::write(bodies, stored.replacen(other, &changed, 1)).unwrap();
    append(page, "\nOg enda ett.\n");
    assert_eq!(cached_build_reporting(root, &out).bodies, pages - 2);
    same_as_clean();

    // A page added or removed costs its own body only: every other page's links lead
    // where they did. (A link that leads elsewhere now renders its page's body again:
    // lists.rs, a_link_to_an_event_follows_it_to_its_page_of_the_timeline.)
    let added = root.join("content/pages/ny-side.md");
    fs::write(&added, "---\ntitle: Ny side\n---\nTekst.\n").unwrap();
    assert_eq!(cached_build_reporting(root, &out).bodies, pages);
    same_as_clean();
    fs::remove_file(&added).unwrap();
    assert_eq!(cached_build_reporting(root, &out).bodies, pages);
    same_as_clean();

    // A link that resolves differently (here: the base path) renders every body again.
    replace(
        &root.join("content/site.yaml"),
        "base_url: https://test.example.no",
        "base_url: https://test.example.no/under",
    );
    assert_eq!(cached_build_reporting(root, &out).bodies, 0);
    same_as_clean();
}

/// Pages' fields are taken from what the previous build read where their front matter
/// is the same; an edited front matter is read again, and a damaged file costs only
/// the time of reading every page.
#[test]
fn stored_front_matter_is_taken_only_where_it_is_the_same() {
    let kept = Kept::built("fronts");
    let (root, out, fronts, pages, page) =
        (kept.root(), kept.out(), &kept.file, kept.pages, &kept.page);
    let same_as_clean = || kept.same_as_clean();
    // The body alone changed: every page's fields are taken. Every file is read, as
    // all were written just before the last build, and could have been written again
    // within one tick of the file system's clock.
    append(page, "\nEt nytt avsnitt.\n");
    let rebuilt = cached_build_reporting(root, &out);
    assert_eq!((rebuilt.fronts, rebuilt.unread), (pages, 0));
    same_as_clean();
    // Once they have settled, a build keeps how it found them, and the next reads only
    // the page changed since, and the pages whose bodies the feed shows (it is written
    // again, as that page may be in it: here it is not).
    std::thread::sleep(std::time::Duration::from_millis(2100));
    clean_build(root, &out);
    append(page, "\nEt avsnitt til.\n");
    let rebuilt = cached_build_reporting(root, &out);
    let feed = crate::read(&out, "atom.xml");
    assert!(!feed.contains("tilgjengelighet"));
    let in_feed = feed.matches("<entry").count();
    assert!(in_feed >= 1);
    assert_eq!(
        (rebuilt.fronts, rebuilt.unread),
        (pages, pages - 1 - in_feed)
    );
    same_as_clean();
    // Its title changed: its front matter is read again, and the page says so.
    let before = fs::read_to_string(page).unwrap();
    let title = before.lines().find(|l| l.starts_with("title:")).unwrap();
    replace(page, title, "title: Ny tittel på siden");
    // (Every page's footer names this page: each is written again, and its body
    // rendered from its file.)
    assert_eq!(cached_build_reporting(root, &out).fronts, pages - 1);
    same_as_clean();
    // Saved again as it was: read again, its fields taken by its front matter. Nothing
    // else is read: the feed says what it said, and is not written again.
    fs::write(page, fs::read(page).unwrap()).unwrap();
    let rebuilt = cached_build_reporting(root, &out);
    assert_eq!((rebuilt.fronts, rebuilt.unread), (pages, pages - 1));
    same_as_clean();
    assert!(crate::read(&out, "tilgjengelighet/index.html").contains("Ny tittel på siden"));

    // A line changed by hand is not taken, nor is a file another `mandat` wrote.
    let stored = fs::read_to_string(fronts).unwrap();
    let changed = stored.replacen("\"title\":\"", "\"title\":\"Endret ", 1);
    assert_ne!(changed, stored);
    for damaged in [changed, stored.replacen("mandat fronts", "other fronts", 1)] {
        fs::write(fronts, &damaged).unwrap();
        append(page, "\nEnda et avsnitt.\n");
        let taken = cached_build_reporting(root, &out).fronts;
        assert!(taken < pages, "{taken} taken from {damaged:.80}");
        same_as_clean();
        assert!(!crate::read(&out, "tilgjengelighet/index.html").contains("Endret "));
    }
}

/// A rebuild after an edit renders what the edit changed and the copied files; `--no-cache`
/// renders everything; the cache lives beside the output, not in it.
#[test]
fn unchanged_outputs_are_taken_from_the_previous_build() {
    let site = copy_site("basic");
    let root = site.path();
    let out = root.join("output");
    assert_eq!(cached_build(root, &out), Some(0));
    let files = tree(&out);
    // Files copied from content/ and the image cache are compared byte for byte rather
    // than taken on trust; the marker and the redirect rules are not outputs.
    let copied = files
        .keys()
        .filter(|k| k.ends_with(".jpg") || k.ends_with(".svg") && k.starts_with("artikler/"))
        .count();
    assert_eq!(
        copied, 5,
        "logo.svg, sol.jpg and its three sizes: {files:?}"
    );
    let total = files.len() - 2;
    // A file saved as it was: read again, nothing in it changed.
    let page = root.join("content/pages/tilgjengelighet.md");
    let touch = || fs::write(&page, fs::read(&page).unwrap()).unwrap();
    touch();
    assert_eq!(cached_build(root, &out), Some(total - copied));
    assert!(root.join(".output.cache").is_file());
    assert!(!tree(&out).keys().any(|k| k.contains("cache")));
    clean_build(root, &out);
    touch();
    assert_eq!(cached_build(root, &out), Some(total - copied));
    // An output replaced by anything but this build is not trusted.
    let moved = root.join("moved");
    fs::rename(&out, &moved).unwrap();
    super::copy_dir(&moved, &out);
    assert_eq!(cached_build(root, &out), Some(0));
}

/// A build that finds every file as the previous build read it leaves that build's
/// output alone and reports what it reported; an output file changed or removed by hand,
/// a file saved again, `--no-cache` or another output folder each build again.
#[test]
fn a_build_with_nothing_changed_leaves_the_output_as_it_is() {
    use std::os::unix::fs::MetadataExt;
    let site = copy_site("basic");
    let root = site.path();
    let out = root.join("output");
    // A build of files whose status changed in the last two seconds is never taken as
    // unchanged (one saved again within the same tick of the clock would look the same):
    // the files written here are left to settle before the build that should be kept.
    let settle = || std::thread::sleep(std::time::Duration::from_millis(2100));
    // A warning, with the line it points at: the second build must give it again.
    fs::write(
        root.join("content/pages/artikler/senere.md"),
        "---\ntitle: Senere\ndate: 2022-03-01\n---\nTekst.\n",
    )
    .unwrap();
    settle();
    let Rebuilt {
        outputs: first,
        reported,
        ..
    } = cached_build_reporting(root, &out);
    assert_eq!(first, Some(0));
    assert!(reported.contains("3 | date: 2022-03-01"), "{reported}");
    let files = tree(&out);
    let inode = |p: &str| fs::metadata(out.join(p)).unwrap().ino();
    let home = inode("index.html");
    let Rebuilt {
        outputs: again,
        reported: reported_again,
        ..
    } = cached_build_reporting(root, &out);
    assert_eq!(again, None);
    assert_eq!(reported_again, reported);
    assert_eq!(inode("index.html"), home, "the same file, not a new one");
    assert_eq!(tree(&out), files);

    // A file removed from the output comes back; one changed by hand is written again.
    fs::remove_file(out.join("index.html")).unwrap();
    assert!(cached_build(root, &out).is_some());
    assert_eq!(tree(&out), files);
    // A file changed by hand is written again, and one added by hand is not in the next
    // output; the rest is linked from the output as it was, not written again.
    let home_now = inode("index.html");
    for (file, by_hand) in [
        ("tidslinje/index.html", "endret for hånd"),
        ("lagt-til.html", "lagt til for hånd"),
    ] {
        fs::write(out.join(file), by_hand).unwrap();
        assert!(cached_build(root, &out).is_some(), "{file}");
        assert_eq!(tree(&out), files, "{file}");
        assert_eq!(
            inode("index.html"),
            home_now,
            "{file}: index.html is linked"
        );
        assert_eq!(cached_build(root, &out), None);
    }

    // A content file saved again, even with its old time put back.
    let page = root.join("content/pages/tilgjengelighet.md");
    let modified = fs::metadata(&page).unwrap().modified().unwrap();
    fs::write(&page, fs::read(&page).unwrap()).unwrap();
    fs::File::options()
        .write(true)
        .open(&page)
        .unwrap()
        .set_modified(modified)
        .unwrap();
    // Built at once, then again: the second builds too, as the file was just saved.
    assert!(cached_build(root, &out).is_some());
    assert!(cached_build(root, &out).is_some());
    settle();
    assert!(cached_build(root, &out).is_some());
    assert_eq!(cached_build(root, &out), None);
    // A new, empty folder in content/ and a file in the theme.
    fs::create_dir(root.join("content/pages/tom")).unwrap();
    assert!(cached_build(root, &out).is_some());
    fs::create_dir_all(root.join("themes/default/static")).unwrap();
    fs::write(root.join("themes/default/static/x.css"), "").unwrap();
    assert!(cached_build(root, &out).is_some());
    settle();
    assert!(cached_build(root, &out).is_some());
    assert_eq!(cached_build(root, &out), None);

    // `--no-cache` builds whatever the cache says (every output rendered again: not told
    // by inodes, which the system gives again once freed), and leaves a cache as good as
    // any.
    assert_eq!(rebuilt_with(root, &out, &["--no-cache"]).outputs, Some(0));
    assert_eq!(cached_build(root, &out), None);
}

/// A folder in content/ that is a link may lead anywhere, itself included: the build
/// never takes a site with one as unchanged, and a link that loops is reported, not
/// followed for ever.
#[test]
fn a_linked_folder_is_never_taken_as_unchanged() {
    let site = copy_site("basic");
    let root = site.path();
    let out = root.join("output");
    fs::create_dir(root.join("delt")).unwrap();
    fs::write(
        root.join("delt/delt.md"),
        "---\ntitle: Delt\n---\nFørste tekst.\n",
    )
    .unwrap();
    let link = root.join("content/pages/artikler/delt");
    std::os::unix::fs::symlink("../../../delt", &link).unwrap();
    assert_eq!(cached_build(root, &out), Some(0));
    // An edit in the linked folder is built, as is every build of such a site.
    fs::write(
        root.join("delt/delt.md"),
        "---\ntitle: Delt\n---\nAndre tekst.\n",
    )
    .unwrap();
    assert!(cached_build(root, &out).is_some());
    let page = fs::read_to_string(out.join("artikler/delt/delt/index.html")).unwrap();
    assert!(page.contains("Andre tekst."));
    assert!(cached_build(root, &out).is_some());
    // A link back to a folder it is in.
    fs::remove_file(&link).unwrap();
    std::os::unix::fs::symlink("..", root.join("content/pages/artikler/sloyfe")).unwrap();
    let o = mandat(&["build", "--root", root.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    assert!(text(&o).1.contains("leads back to a folder it is in"));
}

/// The files kept for the next build that a build killed while writing them left
/// beside the output (`.output.bodies-PID` and the like) are removed by the next build;
/// those of a process still running, or of another output, are left.
#[test]
fn kept_files_a_killed_build_left_are_removed() {
    let site = copy_site("basic");
    let root = site.path();
    // The number of a process that has ended, and of one that runs (this test).
    let mut child = Command::new("true").spawn().unwrap();
    let gone = child.id();
    child.wait().unwrap();
    let running = std::process::id();
    let left: Vec<PathBuf> = ["cache", "bodies", "fronts", "search"]
        .iter()
        .map(|what| root.join(format!(".output.{what}-{gone}")))
        .collect();
    let kept = [
        root.join(format!(".output.bodies-{running}")),
        root.join(format!(".andre.bodies-{gone}")),
        root.join(format!(".output.notes-{gone}")),
    ];
    for f in left.iter().chain(&kept) {
        fs::write(f, "[").unwrap();
    }
    clean_build(root, &root.join("output"));
    for f in &left {
        assert!(!f.exists(), "{} is left", f.display());
    }
    for f in &kept {
        assert!(f.exists(), "{} is removed", f.display());
    }
}

/// A rebuild after one page's edit takes every other search document's words from what
/// the previous build kept (`--no-cache` keeps them, but takes none); a kept index whose
/// bytes were changed by anything but a build is not read, and the index is made anew.
/// Either way as a clean build makes it.
#[test]
fn the_search_index_is_patched_from_what_the_previous_build_kept() {
    let site = copy_site("basic");
    let root = site.path();
    let out = root.join("output");
    let page = root.join("content/pages/artikler/nyhet.md");
    // `--no-cache` writes what the index was made of, but does not read it.
    clean_build(root, &out);
    assert!(root.join(".output.search").is_file());
    append(&page, "\nFyrst eit anna ord: samarbeidsløftet.\n");
    assert_eq!(rebuilt_with(root, &out, &["--no-cache"]).searched, 0);
    cached_build(root, &out);
    append(&page, "\nEit heilt nytt ord: tillitsreformkommisjonen.\n");
    let rebuilt = cached_build_reporting(root, &out);
    let docs = search_docs(&out);
    assert_eq!(rebuilt.searched, docs - 1, "all but the page edited");
    is_as_clean(root, &out, "an edit, the index patched");
    let kept = root.join(".output.search");
    let mut bytes = fs::read(&kept).unwrap();
    let middle = bytes.len() / 2;
    bytes[middle] ^= 0x20;
    fs::write(&kept, bytes).unwrap();
    append(&page, "\nOg eitt til: barnevernsløftet.\n");
    assert_eq!(cached_build_reporting(root, &out).searched, 0);
    is_as_clean(root, &out, "an edit, the kept index changed by hand");
    append(&page, "\nOg enno eitt: kompetanseløftet.\n");
    let rebuilt = cached_build_reporting(root, &out);
    assert_eq!(
        rebuilt.searched,
        docs - 1,
        "kept anew by the build that made it anew"
    );
    fs::write(&kept, "mandat search\n").unwrap();
    append(&page, "\nOg det siste.\n");
    assert_eq!(cached_build_reporting(root, &out).searched, 0);
    is_as_clean(root, &out, "an edit, the kept index not one a build wrote");
}

/// How many documents the search index in `out` has.
fn search_docs(out: &Path) -> usize {
    let manifest: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(out.join("sok/index.json")).unwrap()).unwrap();
    manifest["docs"].as_u64().unwrap() as usize
}

/// A build that fails on a mistake in the content writes nothing and keeps the cache:
/// once the mistake is mended, the next build takes the unchanged outputs again.
#[test]
fn a_failed_build_keeps_the_cache_for_the_next() {
    let site = copy_site("basic");
    let root = site.path();
    let out = root.join("output");
    assert_eq!(cached_build(root, &out), Some(0));
    let page = root.join("content/pages/tilgjengelighet.md");
    let good = fs::read_to_string(&page).unwrap();
    fs::write(&page, good.replacen("title:", "tittel:", 1)).unwrap();
    let o = mandat(&["build", "--root", root.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1), "{:?}", text(&o));
    assert!(root.join(".output.cache").is_file());
    fs::write(&page, format!("{good}\nEt nytt avsnitt.\n")).unwrap();
    assert!(cached_build(root, &out).is_some_and(|n| n > 0));
}

/// A page made from what the previous build saw of its file, whose file is then read
/// (its body rendered again, for the feed here) and found changed, fails the build: what
/// it made mixes two versions of the file. Nothing is published or kept, and the next
/// build is a clean one's.
#[test]
fn a_page_file_changed_while_the_site_is_built_fails_the_build() {
    let kept = Kept::built("fronts");
    let (root, out) = (kept.root(), kept.out());
    // Settled, then built again: the next build makes the pages without their files.
    std::thread::sleep(std::time::Duration::from_millis(2100));
    clean_build(root, &out);
    let before = tree(&out);
    append(&kept.page, "\nEt avsnitt til.\n");
    let o = build_setting(root, &out, &[], ("MANDAT_FAULT", "unread-changed"));
    let (_, stderr) = text(&o);
    assert_eq!(o.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains(
            "content/pages/artikler/nyhet.md: error: the file changed while the site was being built"
        ),
        "{stderr}"
    );
    assert!(stderr.contains("build again"), "{stderr}");
    assert_eq!(tree(&out), before, "the output is as it was");
    // Nothing kept of the pages' files is trusted again (the record may be what is
    // wrong): the next build reads every page. (The bodies it stored were rendered from
    // files read as they were: the file found changed here is read only to write the
    // feed, after they are stored. `a_page_text_let_go_is_read_again_and_checked` finds
    // one changed while the bodies are rendered, and keeps none.)
    assert!(!kept.file.exists(), "the fronts file is dropped");
    let rebuilt = cached_build_reporting(root, &out);
    assert_eq!((rebuilt.fronts, rebuilt.unread), (0, 0));
    kept.same_as_clean();
}

/// A build lets each page's text go once it has read its front matter, and reads the
/// file again to render the body (files written in the last two seconds are held, as
/// they could be written again unseen: `fs::settled`). Read again as it was, the output
/// is the one a build holding every text writes; found changed, the build fails and
/// writes nothing, as when a page made from the previous build's record is.
#[test]
fn a_page_text_let_go_is_read_again_and_checked() {
    let site = copy_site("basic");
    let root = site.path();
    let held = root.join("held");
    clean_build(root, &held);
    std::thread::sleep(std::time::Duration::from_millis(2100));
    let out = root.join("output");
    clean_build(root, &out);
    assert_eq!(tree(&out), tree(&held));
    let before = tree(&out);
    let stored = || {
        fs::metadata(root.join(".output.bodies"))
            .unwrap()
            .modified()
            .unwrap()
    };
    let bodies = stored();
    let o = build_setting(
        root,
        &out,
        &["--no-cache"],
        ("MANDAT_FAULT", "unread-changed"),
    );
    let (_, stderr) = text(&o);
    assert_eq!(o.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("error: the file changed while the site was being built"),
        "{stderr}"
    );
    assert!(stderr.contains("content/pages/"), "{stderr}");
    assert!(stderr.contains("build again"), "{stderr}");
    assert_eq!(tree(&out), before, "the output is as it was");
    // The bodies rendered from files found changed are not kept: the file is as the
    // build before left it.
    assert_eq!(stored(), bodies);
    // What the builds kept of the pages' files still holds (a file found changed has
    // another `stat` by now): it is not dropped, as it is when the record was wrong.
    assert!(root.join(".output.fronts").is_file());
    cached_build(root, &out);
    assert_eq!(tree(&out), tree(&held));
}
