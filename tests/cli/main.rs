//! Runs the real binary on fixture sites and checks what it writes and prints.
//! One test binary (one module per area), so it links once.

mod build;
mod cache;
mod check;
mod content;
mod editors;
mod embeds;
mod images;
mod input_safety;
mod invalid;
mod lists;
mod new;
mod output_safety;
mod public;
mod publish;
mod reader;
mod serve;
mod timeline;
mod versions;

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub fn mandat(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_mandat"))
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .expect("run mandat")
}

pub fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

/// A copy of a fixture site in a fresh temporary folder, so tests can change it.
pub fn copy_site(name: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&fixture(name), dir.path());
    dir
}

pub fn copy_dir(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.unwrap();
        let rel = entry.path().strip_prefix(from).unwrap();
        let target = to.join(rel);
        if entry.file_type().is_dir() {
            fs::create_dir_all(&target).unwrap();
        } else {
            fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// Every file below `dir`, with its bytes.
pub fn tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .map(Result::unwrap)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let rel = e
                .path()
                .strip_prefix(dir)
                .unwrap()
                .to_string_lossy()
                .into_owned();
            (rel, fs::read(e.path()).unwrap())
        })
        .collect()
}

/// Whether `file`, beside the output folder `out`, is one a build keeps there (the lock,
/// the build cache, the stored bodies, front matter and search index), not a leftover.
pub fn kept_beside(out: &Path, file: &str) -> bool {
    let name = out.file_name().unwrap().to_string_lossy();
    ["lock", "cache", "bodies", "fronts", "search"]
        .iter()
        .any(|kept| file == format!(".{name}.{kept}"))
}

pub fn read(out: &Path, rel: &str) -> String {
    fs::read_to_string(out.join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

pub fn text(o: &Output) -> (String, String) {
    (
        String::from_utf8_lossy(&o.stdout).into_owned(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

pub fn build(root: &Path, out: &Path) -> Output {
    build_with(root, out, &[])
}

/// `build` with more options (`--base-url …`, `--no-cache`).
pub fn build_with(root: &Path, out: &Path, options: &[&str]) -> Output {
    let mut args = vec![
        "build",
        "--root",
        root.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ];
    args.extend(options);
    mandat(&args)
}

/// The words of a built site's search index, from every shard, and its documents.
pub fn search_index(
    out: &Path,
) -> (
    serde_json::Value,
    Vec<mandat::render::search::shards::read::Entry>,
    Vec<serde_json::Value>,
) {
    let manifest: serde_json::Value = serde_json::from_str(&read(out, "sok/index.json")).unwrap();
    let mut words = Vec::new();
    for n in 0..manifest["words"].as_u64().unwrap() {
        let bytes = fs::read(out.join(format!("sok/ord/{n}.bin"))).unwrap();
        words.extend(
            mandat::render::search::shards::read::shard(&bytes)
                .expect("a shard reads back")
                .0,
        );
    }
    let mut docs = Vec::new();
    for n in 0..manifest["docs"]
        .as_u64()
        .unwrap()
        .div_ceil(manifest["chunk"].as_u64().unwrap())
    {
        let chunk: serde_json::Value =
            serde_json::from_str(&read(out, &format!("sok/dok/{n}.json"))).unwrap();
        docs.extend(chunk.as_array().unwrap().iter().cloned());
    }
    (manifest, words, docs)
}
