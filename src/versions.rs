//! Frozen versions: the list in `content/versions/versions.yaml` (name, date, label),
//! reading each version's folder as a site of its own, and `mandat release`, which
//! freezes the current content as a new version.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use serde::{de, Deserialize, Deserializer, Serialize};

use crate::config::{is_safe_segment, Config, Paths};
use crate::error::{Diagnostic, Error};
use crate::load::{yaml, LoadCache};
use crate::model::{Date, Registry, SourceFile};

/// Where versions live, relative to the site root.
pub const FOLDER: &str = "content/versions";
/// The list of versions, relative to the site root.
pub const LIST: &str = "content/versions/versions.yaml";

const HEADER: &str = "# The frozen versions of this site, oldest first. `mandat release NAME` adds\n# to this list; each version's files are in the folder of the same name.\n";

/// One entry of versions.yaml.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Version {
    #[serde(deserialize_with = "name_from_scalar")]
    pub name: String,
    /// When the version was released.
    pub date: Date,
    /// What the version is, in a sentence: "Slik så nettstedet ut før …".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
}

/// `name: 2021` is a number to YAML; a version name is text all the same.
fn name_from_scalar<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    struct Name;
    impl de::Visitor<'_> for Name {
        type Value = String;
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("a version name as text: write it in quotes, e.g. `name: \"2021\"`")
        }
        fn visit_str<E: de::Error>(self, s: &str) -> Result<String, E> {
            Ok(s.to_owned())
        }
        fn visit_u64<E: de::Error>(self, n: u64) -> Result<String, E> {
            Ok(n.to_string())
        }
    }
    d.deserialize_any(Name)
}

/// Reads versions.yaml and checks it against the folders beside it: every version
/// listed has its folder, every folder is listed. No versions folder means no versions.
pub fn list(root: &Path) -> Result<Vec<Version>, Vec<Diagnostic>> {
    let dir = root.join(FOLDER);
    if !dir.is_dir() {
        return Ok(Vec::new());
    }
    let mut errors = Vec::new();
    let mut folders = Vec::new();
    let entries = std::fs::read_dir(&dir)
        .map_err(|e| vec![crate::error::io_diagnostic(&dir, "read the folder", &e)])?;
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if crate::fs::is_editor_temp(&name) || name == "versions.yaml" {
            continue;
        }
        if entry.path().is_dir() {
            folders.push(name);
        } else {
            errors.push(
                Diagnostic::error(
                    format!("{FOLDER}/{name}"),
                    format!("{FOLDER}/ holds only version folders and versions.yaml"),
                )
                .hint("move the file elsewhere; versions are made with `mandat release NAME`"),
            );
        }
    }
    folders.sort();
    let path = root.join(LIST);
    if !path.is_file() {
        if folders.is_empty() && errors.is_empty() {
            return Ok(Vec::new());
        }
        let (cut_short, unlisted): (Vec<&String>, Vec<&String>) = folders
            .iter()
            .partition(|f| interrupted(&dir.join(f), f).is_some());
        errors.extend(cut_short.into_iter().map(|f| cut_short_release(f)));
        if let Some(first) = unlisted.first() {
            errors.push(
                Diagnostic::error(format!("{FOLDER}/"), "there is no versions.yaml listing the versions in this folder")
                    .hint(format!("create {LIST} with an entry per folder: `- name: \"{first}\"` and below it `  date: YYYY-MM-DD`")),
            );
        }
        return Err(errors);
    }
    crate::load::links::Allowed::new(root, &dir)
        .check(&path)
        .map_err(|e| vec![e.diagnostic(LIST)])?;
    let text = crate::fs::read_text(&path, LIST).map_err(|d| vec![d])?;
    let source = SourceFile {
        path: LIST.into(),
        text: text.into(),
        body_line: 1,
    };
    let versions: Vec<Version> = if yaml::is_blank(&source.text) {
        Vec::new()
    } else {
        yaml::parse(&source, &source.text, 1).map_err(|d| vec![d])?
    };
    let mut seen: Vec<&str> = Vec::new();
    for (i, v) in versions.iter().enumerate() {
        let at = vec!["name:"; i + 1];
        if !is_safe_segment(&v.name) {
            errors.push(
                source
                    .error_at(
                        &at,
                        &v.name,
                        format!("`{}` cannot be a version name", v.name),
                    )
                    .hint(NAME_RULE),
            );
        } else if seen.contains(&v.name.as_str()) {
            errors.push(
                source
                    .error_at(
                        &at,
                        &v.name,
                        format!("the version `{}` is listed twice", v.name),
                    )
                    .hint("each version is listed once; remove or rename one of the entries"),
            );
        } else if !folders.contains(&v.name) {
            errors.push(
                source
                    .error_at(
                        &at,
                        &v.name,
                        format!(
                            "the version `{}` has no folder {FOLDER}/{}/",
                            v.name, v.name
                        ),
                    )
                    .hint("put the version's files back, or remove its entry from the list"),
            );
        }
        seen.push(&v.name);
    }
    for f in &folders {
        if !seen.contains(&f.as_str()) && interrupted(&dir.join(f), f).is_some() {
            errors.push(cut_short_release(f));
        } else if !seen.contains(&f.as_str()) {
            errors.push(
                Diagnostic::error(format!("{FOLDER}/{f}/"), format!("the folder is not listed in {LIST}"))
                    .hint(format!("add `- name: \"{f}\"` and `  date: YYYY-MM-DD` to the list, or remove the folder")),
            );
        }
    }
    if errors.is_empty() {
        Ok(versions)
    } else {
        Err(errors)
    }
}

const NAME_RULE: &str = "a version name becomes part of the address /v/NAME/: use letters, digits, `-`, `_` and `.`, not starting with `.`, e.g. 2021 or 2021-06";

/// Loads and checks every version as a site of its own, in parallel. A version is
/// published under the current site's address, so it takes the current base URL.
/// Warnings are left out: a frozen version is not edited. With `caches` (the dev
/// server's, by version name), only the files in `changed` are read again.
pub fn load(
    paths: &Paths,
    current: &Config,
    versions: &[Version],
    caches: Option<&mut BTreeMap<String, LoadCache>>,
    changed: Option<&BTreeSet<PathBuf>>,
) -> Result<Vec<Registry>, Vec<Diagnostic>> {
    let mut caches = caches;
    let mut taken: Vec<LoadCache> = versions
        .iter()
        .map(|v| {
            caches
                .as_deref_mut()
                .and_then(|c| c.remove(&v.name))
                .unwrap_or_default()
        })
        .collect();
    let results: Vec<Result<Registry, Vec<Diagnostic>>> = versions
        .par_iter()
        .zip(taken.par_iter_mut())
        .map(|(v, cache)| {
            let mut config =
                Config::load_from(paths, &format!("{FOLDER}/{}", v.name)).map_err(|d| vec![d])?;
            config.origin.clone_from(&current.origin);
            config.base_path.clone_from(&current.base_path);
            let (loaded, _) =
                crate::load::load_reusing(config, cache, changed).map_err(|e| match e {
                    Error::Content(ds) => ds,
                    Error::Usage(m) | Error::Io(m) => {
                        vec![Diagnostic::error(format!("{FOLDER}/{}", v.name), m)]
                    }
                })?;
            Registry::build(loaded).map(|(reg, _)| reg)
        })
        .collect();
    // Versions no longer listed leave nothing behind.
    if let Some(c) = caches {
        c.clear();
        c.extend(versions.iter().map(|v| v.name.clone()).zip(taken));
    }
    let mut regs = Vec::new();
    let mut errors = Vec::new();
    for r in results {
        match r {
            Ok(reg) => regs.push(reg),
            Err(e) => errors.extend(e),
        }
    }
    if errors.is_empty() {
        Ok(regs)
    } else {
        Err(errors)
    }
}

/// What `release` made.
#[derive(Debug)]
pub struct Released {
    pub name: String,
    pub date: Date,
    pub files: usize,
    pub folder: PathBuf,
}

/// Freezes the current content as the version `name`: checks that the site builds, copies
/// content/ (without versions/) into a scratch folder beside the new one, renames it into
/// place, then adds the version to versions.yaml. A failure leaves no half-made version.
/// `builds` checks the site as a build would (the command line passes the session's
/// check), before anything is written.
pub fn release(
    paths: &Paths,
    name: &str,
    label: Option<&str>,
    date: Option<Date>,
    builds: impl FnOnce(&Paths) -> Result<(), Error>,
) -> Result<Released, Error> {
    if name.is_empty() {
        return Err(Error::Usage(format!(
            "the version name is empty; {NAME_RULE}"
        )));
    }
    if !is_safe_segment(name) {
        return Err(Error::Usage(format!(
            "`{name}` cannot be a version name: {NAME_RULE}"
        )));
    }
    let dir = paths.root.join(FOLDER);
    let target = dir.join(name);
    let listed = list(&paths.root)
        .map(|l| l.iter().any(|v| v.name == name))
        .unwrap_or(false);
    if let (false, Some(version)) = (listed, interrupted(&target, name)) {
        // A release cut short after its folder was in place: the files are complete
        // (the rename is the last step of the copy), only the list lacks the entry.
        add_to_list(&paths.root, &version)?;
        let _ = std::fs::remove_file(target.join(PENDING));
        return Ok(Released {
            name: version.name,
            date: version.date,
            files: count_files(&target),
            folder: target,
        });
    }
    if target.exists() || listed {
        return Err(Error::Usage(format!(
            "the version `{name}` already exists ({FOLDER}/{name}/): a version is never changed once released, so choose a new name"
        )));
    }
    if let Some(label) = label {
        if label.trim().is_empty() || label.contains('\n') {
            return Err(Error::Usage(
                "the label is one line of text saying what the version is".into(),
            ));
        }
    }
    // The site, with its versions, must build before anything is written.
    builds(paths)?;

    let version = Version {
        name: name.to_owned(),
        date: date.unwrap_or_else(today),
        label: label.map(str::to_owned),
    };
    let scratch = dir.join(format!(".{name}.tmp-{}", std::process::id()));
    crate::fs::remove_dir_if_exists(&scratch);
    let files = copy_content(&paths.root.join("content"), &scratch)
        .and_then(|files| {
            // The entry goes with the files, so that a release cut short between the
            // rename and the list can be recognised and finished (see `interrupted`).
            let entry = yaml::to_string(&version).map_err(|e| {
                Error::one(Diagnostic::error(
                    LIST,
                    format!("could not write the entry: {e}"),
                ))
            })?;
            crate::fs::write(&scratch.join(PENDING), entry.as_bytes())?;
            Ok(files)
        })
        .inspect_err(|_| crate::fs::remove_dir_if_exists(&scratch))?;
    std::fs::rename(&scratch, &target).map_err(|e| {
        crate::fs::remove_dir_if_exists(&scratch);
        Error::io(&target, "put the new version in place", &e)
    })?;
    crate::fs::fault("release-renamed");
    add_to_list(&paths.root, &version).inspect_err(|_| crate::fs::remove_dir_if_exists(&target))?;
    let _ = std::fs::remove_file(target.join(PENDING));
    Ok(Released {
        name: version.name,
        date: version.date,
        files,
        folder: target,
    })
}

/// The entry of a version whose release has not yet added it to versions.yaml, kept in
/// its folder (hidden, so never read as content) until it has.
const PENDING: &str = ".release-pending.yaml";

/// The entry of the version in `folder` when its release was cut short before the list.
fn interrupted(folder: &Path, name: &str) -> Option<Version> {
    let text = std::fs::read_to_string(folder.join(PENDING)).ok()?;
    yaml::read::<Version>(&text).filter(|v| v.name == name)
}

/// The error for a version folder whose release stopped before versions.yaml.
fn cut_short_release(name: &str) -> Diagnostic {
    Diagnostic::error(
        format!("{FOLDER}/{name}/"),
        format!("the release of the version `{name}` was cut short before it was added to {LIST}"),
    )
    .hint(format!(
        "run `mandat release {name}` again to finish it (the version's files are complete), or remove the folder {FOLDER}/{name}/"
    ))
}

fn count_files(dir: &Path) -> usize {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file() && e.file_name() != PENDING)
        .count()
}

/// Copies the content folder, without its versions and editors' scratch files.
fn copy_content(content: &Path, to: &Path) -> Result<usize, Error> {
    let mut files = 0;
    let root = content.parent().unwrap_or(content);
    for entry in crate::load::content_files(root, content) {
        let entry = entry.map_err(|e| {
            Error::one(Diagnostic::error(
                "content",
                format!("could not read the content folder: {e}"),
            ))
        })?;
        let Ok(rel) = entry.path().strip_prefix(content) else {
            continue;
        };
        let dest = to.join(rel);
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&dest)
                .map_err(|e| Error::io(&dest, "create the folder", &e))?;
        } else {
            std::fs::copy(entry.path(), &dest)
                .map_err(|e| Error::io(&dest, "copy the file", &e))?;
            files += 1;
        }
    }
    Ok(files)
}

/// Adds `version` to the end of versions.yaml, keeping what is written there (comments
/// included); the file is replaced whole, by a rename, so it is never half-written.
fn add_to_list(root: &Path, version: &Version) -> Result<(), Error> {
    let path = root.join(LIST);
    let existing = if path.is_file() {
        crate::fs::read_text(&path, LIST).map_err(Error::one)?
    } else {
        HEADER.to_owned()
    };
    let entry = yaml::to_string(&[version]).map_err(|e| {
        Error::one(Diagnostic::error(
            LIST,
            format!("could not write the entry: {e}"),
        ))
    })?;
    let mut text = existing.clone();
    if !text.is_empty() && !text.ends_with('\n') {
        text.push('\n');
    }
    text.push_str(&entry);
    // A list written another way (`[]`, flow style) cannot be appended to: write it anew.
    let appended_ok = yaml::read::<Vec<Version>>(&text).is_some_and(|l| l.last() == Some(version));
    if !appended_ok {
        let mut all: Vec<Version> = if yaml::is_blank(&existing) {
            Vec::new()
        } else {
            yaml::read(&existing).unwrap_or_default()
        };
        all.push(version.clone());
        text = HEADER.to_owned();
        text.push_str(&yaml::to_string(&all).unwrap_or_default());
    }
    let scratch = path.with_file_name(format!(".versions.yaml.tmp-{}", std::process::id()));
    crate::fs::write(&scratch, text.as_bytes())?;
    std::fs::rename(&scratch, &path).map_err(|e| {
        let _ = std::fs::remove_file(&scratch);
        Error::io(&path, "write the list of versions", &e)
    })
}

/// Today's date (UTC). Only `release` reads the clock: the date is a fact about the
/// version, written into versions.yaml; builds never read the clock.
pub(crate) fn today() -> Date {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    Date::day(civil_from_days((secs / 86_400) as i64))
}

/// Days since 1970-01-01 to (year, month, day): Howard Hinnant's civil_from_days.
fn civil_from_days(z: i64) -> (i32, u8, u8) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u8;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u8;
    let year = (yoe + era * 400 + i64::from(month <= 2)) as i32;
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_to_dates() {
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(civil_from_days(18_627), (2020, 12, 31));
        assert_eq!(civil_from_days(19_782), (2024, 2, 29));
        for d in [-1000, 0, 11_016, 18_628, 40_000] {
            let (y, m, dd) = civil_from_days(d);
            assert_eq!(Date::days((y, m, dd)), d);
        }
    }

    #[test]
    fn names_may_be_numbers_or_text() {
        let l: Vec<Version> = yaml::read(
            "- name: 2021\n  date: 2021-01-01\n- name: \"2022-06\"\n  date: 2022\n  label: x\n",
        )
        .unwrap();
        assert_eq!(l[0].name, "2021");
        assert_eq!(l[1].name, "2022-06");
        assert!(yaml::read::<Vec<Version>>("- name: 2021.10\n  date: 2021\n").is_none());
    }

    #[test]
    fn appends_to_the_list_keeping_comments() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join(FOLDER)).unwrap();
        std::fs::write(
            dir.path().join(LIST),
            "# our versions\n- name: \"2020\"\n  date: 2020-01-01\n",
        )
        .unwrap();
        let v = Version {
            name: "2021".into(),
            date: Date::parse("2021-02-03").unwrap(),
            label: Some("Før: «forumet»".into()),
        };
        add_to_list(dir.path(), &v).unwrap();
        let text = std::fs::read_to_string(dir.path().join(LIST)).unwrap();
        assert!(text.starts_with("# our versions\n"), "{text}");
        let l: Vec<Version> = yaml::read(&text).unwrap();
        assert_eq!(l.len(), 2);
        assert_eq!(l[1], v);
    }
}
