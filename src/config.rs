//! `content/site.yaml` to one resolved, validated `Config`: absolute paths, defaults,
//! the base URL split into host and path. Nothing downstream reads site.yaml again.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::error::Diagnostic;
use crate::load::yaml;
use crate::model::{Date, Lang, SourceFile};

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct MenuItem {
    pub label: String,
    pub url: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct SiteFile {
    title: String,
    #[serde(default)]
    description: Option<String>,
    #[serde(default)]
    base_url: Option<String>,
    #[serde(default)]
    language: Option<Lang>,
    #[serde(default)]
    languages: Option<Vec<Lang>>,
    #[serde(default)]
    as_of: Option<Date>,
    // A public body's site (see `PublicFields`).
    #[serde(default)]
    language_quota: Option<u8>,
    /// How many entries a list page shows, and how many the news feed carries.
    #[serde(default)]
    page_size: Option<i64>,
    #[serde(default)]
    feed_size: Option<i64>,
    #[serde(default)]
    publisher: Option<String>,
    #[serde(default)]
    contact: Option<String>,
    #[serde(default)]
    brand: Option<String>,
    #[serde(default)]
    logo: Option<String>,
    #[serde(default)]
    logo_alt: Option<String>,
    #[serde(default)]
    theme: Option<String>,
    /// Where a page's source file can be edited: this address + its path from the site root.
    #[serde(default)]
    edit_url: Option<String>,
    #[serde(default)]
    menu: Vec<MenuItem>,
    #[serde(default)]
    tag_names: BTreeMap<String, TagForms>,
    /// Publish raw HTML written in Markdown as HTML; otherwise it is shown as text.
    #[serde(default)]
    allow_html: bool,
}

/// A tag's name in each written standard, where it differs from the tag as written.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TagForms {
    #[serde(default)]
    pub nb: Option<String>,
    #[serde(default)]
    pub nn: Option<String>,
}

/// What a public body's site adds (docs/format.md, "A public body's site"): the språklova
/// quota, who publishes it and how to reach them, and its brand.
#[derive(Debug, Clone, Default)]
pub struct PublicFields {
    /// Percent of the published words each written standard must reach.
    pub language_quota: Option<u8>,
    /// The actor id of the body that publishes the site (checked by the registry).
    pub publisher: Option<String>,
    /// An e-mail address or web address readers can write to.
    pub contact: Option<Contact>,
    /// A CSS file of Designsystemet tokens (`--ds-…`): its path from the site folder.
    pub brand: Option<String>,
    /// An image for the header: its path from the site folder, and its text alternative.
    pub logo: Option<(String, String)>,
}

/// Where readers write to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Contact {
    /// As written: `postmottak@bfd.dep.no` or `https://…`.
    pub written: String,
    /// The link: `mailto:…` or the web address.
    pub href: String,
    /// Whether it is the placeholder that stands until someone gives the real address.
    pub placeholder: bool,
}

/// The contact address the default site ships with until a person gives the real one:
/// `check` warns about it.
pub const CONTACT_PLACEHOLDER: &str = "postmottak@kontakt-mangler.invalid";

/// Where to read from and write to, as the command line resolved it.
#[derive(Debug, Clone)]
pub struct Paths {
    pub root: PathBuf,
    pub out: PathBuf,
    pub base_url: Option<String>,
}

#[derive(Debug, Clone)]
pub struct Config {
    pub root: PathBuf,
    pub content_dir: PathBuf,
    /// The content folder as the user knows it, for messages: `content`, or
    /// `content/versions/<NAME>` for a frozen version.
    pub display_dir: String,
    pub out_dir: PathBuf,
    pub title: String,
    pub description: Option<String>,
    /// Scheme and host, no trailing slash: `https://example.no` (empty when not set).
    pub origin: String,
    /// The path the site lives under, no trailing slash: `` or `/policy`.
    pub base_path: String,
    pub lang: Lang,
    pub languages: Vec<Lang>,
    pub as_of: Option<Date>,
    pub theme: String,
    /// Where a file can be edited: this address, ending in `/`, + the file's path from the
    /// site folder (`content/pages/om.md`); site.yaml `edit_url`.
    pub edit_url: Option<String>,
    pub menu: Vec<MenuItem>,
    /// Tags' names on pages in each written standard (`tag_names` in site.yaml).
    pub tag_names: BTreeMap<String, TagForms>,
    /// Raw HTML in Markdown is published as HTML (site.yaml `allow_html: true`), not
    /// shown as text: only for sites whose every writer may put scripts on the site.
    pub allow_html: bool,
    pub public: PublicFields,
    /// How many entries each page of a paginated list shows (site.yaml `page_size`).
    pub page_size: usize,
    /// How many of the newest pages the Atom feed carries (site.yaml `feed_size`).
    pub feed_size: usize,
    pub source: SourceFile,
}

/// The lengths of lists when site.yaml gives none.
pub const DEFAULT_PAGE_SIZE: usize = 50;
pub const DEFAULT_FEED_SIZE: usize = 50;
/// The longest page of a list: 200 entries of the longest kind (events, about 1 KB of
/// HTML each) keep a page under the 300 KB every page must stay below.
pub const MAX_PAGE_SIZE: usize = 200;

impl Config {
    pub fn load(paths: &Paths) -> Result<Config, Diagnostic> {
        Config::load_from(paths, "content")
    }

    /// Reads the site in `display_dir` below the root: `content`, or a frozen version's
    /// `content/versions/<NAME>`, which has its own site.yaml.
    pub fn load_from(paths: &Paths, display_dir: &str) -> Result<Config, Diagnostic> {
        let content_dir = paths.root.join(display_dir);
        let site_path = content_dir.join("site.yaml");
        let display = &format!("{display_dir}/site.yaml");
        if !site_path.is_file() {
            let hint = if content_dir.is_dir() {
                format!("create {display} with at least a line `title: …`")
            } else {
                format!(
                    "{} has no content/ folder: run mandat in a site folder, pass --root, or create one with `mandat init DIR`",
                    paths.root.display()
                )
            };
            return Err(Diagnostic::error(display, "no site.yaml found").hint(hint));
        }
        crate::load::links::Allowed::new(&paths.root, &content_dir)
            .check(&site_path)
            .map_err(|e| e.diagnostic(display))?;
        let text = crate::fs::read_text(&site_path, display)?;
        Config::parse_in(paths, display_dir, text)
    }

    /// The settings in `text`, the content of site.yaml: for tools and the fuzz targets.
    pub fn parse(paths: &Paths, text: String) -> Result<Config, Diagnostic> {
        Config::parse_in(paths, "content", text)
    }

    /// As `parse`, for the site.yaml of the content folder `display_dir` below the root.
    fn parse_in(paths: &Paths, display_dir: &str, text: String) -> Result<Config, Diagnostic> {
        let display = format!("{display_dir}/site.yaml");
        let content_dir = paths.root.join(display_dir);
        let source = SourceFile {
            path: display.clone(),
            text: text.into(),
            body_line: 1,
        };
        if yaml::is_blank(&source.text) {
            return Err(Diagnostic::error(display.as_str(), "site.yaml is empty")
                .at(&source.text, 1, 1, 1)
                .hint("add at least a line `title: …` with the site's name"));
        }
        let file: SiteFile = yaml::parse(&source, &source.text, 1)?;
        let public = public_fields(&source, &paths.root, &file)?;
        let base_url = paths.base_url.clone().or(file.base_url).unwrap_or_default();
        let (origin, base_path) = split_base_url(&base_url).map_err(|msg| {
            if paths.base_url.is_some() {
                Diagnostic::error("--base-url", msg)
            } else {
                let written = base_url.trim();
                source.error_at(&["base_url:"], written, msg).hint(format!(
                    "write the full address, starting with https://, e.g. `base_url: https://{}`",
                    written
                        .trim_start_matches("http://")
                        .trim_start_matches("https://")
                        .trim_start_matches('/')
                ))
            }
        })?;
        let theme = file.theme.unwrap_or_else(|| "default".into());
        if !is_safe_segment(&theme) {
            return Err(source
                .error_at(
                    &["theme:"],
                    &theme,
                    format!("`{theme}` is not a theme folder name"),
                )
                .hint("write the name of a folder under themes/, such as `default`"));
        }
        if let Some(item) = file
            .menu
            .iter()
            .find(|m| crate::model::url::refused_scheme(&m.url).is_some())
        {
            let scheme = crate::model::url::refused_scheme(&item.url).unwrap_or_default();
            return Err(source
                .error_at(
                    &["menu:"],
                    item.url.trim(),
                    format!(
                        "the menu item `{}` links to a `{scheme}:` address, which is not accepted",
                        item.label
                    ),
                )
                .hint(crate::model::url::HINT));
        }
        let edit_url = match file.edit_url.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(url) => Some(edit_url(&source, url)?),
        };
        let lang = file.language.unwrap_or_default();
        let mut languages = file.languages.unwrap_or_else(|| vec![lang]);
        if !languages.contains(&lang) {
            languages.insert(0, lang);
        }
        if public.language_quota.is_some() && languages.len() < 2 {
            return Err(source
                .error_at(
                    &["language_quota:"],
                    &public
                        .language_quota
                        .map(|q| q.to_string())
                        .unwrap_or_default(),
                    "a language quota needs both written standards in `languages`",
                )
                .hint(
                    "add `languages: [nb, nn]`: the quota is the share each of them must reach",
                ));
        }
        let page_size = list_size(
            &source,
            "page_size",
            file.page_size,
            DEFAULT_PAGE_SIZE,
            Some(MAX_PAGE_SIZE),
        )?;
        let feed_size = list_size(
            &source,
            "feed_size",
            file.feed_size,
            DEFAULT_FEED_SIZE,
            None,
        )?;
        Ok(Config {
            root: paths.root.clone(),
            content_dir,
            display_dir: display_dir.to_owned(),
            out_dir: paths.out.clone(),
            title: file.title,
            description: file.description,
            origin,
            base_path,
            lang,
            languages,
            as_of: file.as_of,
            theme,
            edit_url,
            menu: file.menu,
            tag_names: file.tag_names,
            allow_html: file.allow_html,
            public,
            page_size,
            feed_size,
            source,
        })
    }

    /// The settings a site gets when its site.yaml cannot be read, so the other files can
    /// still be checked and every problem reported in one run. Never used to write.
    pub fn fallback(paths: &Paths) -> Config {
        Config {
            root: paths.root.clone(),
            content_dir: paths.root.join("content"),
            display_dir: "content".into(),
            out_dir: paths.out.clone(),
            title: String::new(),
            description: None,
            origin: String::new(),
            base_path: String::new(),
            lang: Lang::default(),
            languages: vec![Lang::default()],
            as_of: None,
            theme: "default".into(),
            edit_url: None,
            menu: Vec::new(),
            tag_names: BTreeMap::new(),
            allow_html: false,
            public: PublicFields::default(),
            page_size: DEFAULT_PAGE_SIZE,
            feed_size: DEFAULT_FEED_SIZE,
            source: SourceFile {
                path: "content/site.yaml".into(),
                text: "".into(),
                body_line: 1,
            },
        }
    }

    /// A tag as a page in `lang` shows it: its form in that written standard, if given.
    pub fn tag_name<'a>(&'a self, tag: &'a str, lang: Lang) -> &'a str {
        let forms = self.tag_names.get(tag);
        let form = forms.and_then(|f| match lang {
            Lang::Nb => f.nb.as_deref(),
            Lang::Nn => f.nn.as_deref(),
        });
        form.unwrap_or(tag)
    }

    /// The absolute URL of a site path (`/x/`), for feeds, sitemaps and canonical links.
    pub fn absolute(&self, path: &str) -> String {
        format!("{}{}", self.origin, path)
    }
}

/// A list length from site.yaml (`key`): a whole number from 1 to `max`, else `default`.
fn list_size(
    source: &SourceFile,
    key: &str,
    written: Option<i64>,
    default: usize,
    max: Option<usize>,
) -> Result<usize, Diagnostic> {
    let Some(n) = written else {
        return Ok(default);
    };
    let too_large = max.filter(|&m| n > m as i64);
    if n >= 1 && too_large.is_none() {
        return Ok(n as usize);
    }
    let (message, hint) = match too_large {
        Some(m) => (
            format!("a `{key}` of {n} makes pages too long to load and read"),
            format!("write a number from 1 to {m}, such as `{key}: {default}`"),
        ),
        None => (
            format!("`{key}` must be at least 1, not {n}"),
            format!("write how many entries to show, such as `{key}: {default}`"),
        ),
    };
    Err(source
        .error_at(&[&format!("{key}:")], &n.to_string(), message)
        .hint(hint))
}

/// Checks what a public body's site adds to site.yaml: the quota is a percent, the
/// contact an address, the brand and logo files that exist in the site folder.
fn public_fields(
    source: &SourceFile,
    site_dir: &Path,
    file: &SiteFile,
) -> Result<PublicFields, Diagnostic> {
    if let Some(q) = file.language_quota {
        if q > 50 {
            return Err(source
                .error_at(
                    &["language_quota:"],
                    &q.to_string(),
                    format!("a quota of {q} % cannot be met by both written standards"),
                )
                .hint(
                    "write a percent from 0 to 50, such as `language_quota: 25` (språklova § 13)",
                ));
        }
    }
    let contact = match file.contact.as_deref().map(str::trim) {
        None => None,
        Some(c) => Some(parse_contact(c).ok_or_else(|| {
            source
                .error_at(&["contact:"], c, format!("`{c}` is neither an e-mail address nor a web address"))
                .hint("write an e-mail address, such as `contact: postmottak@bfd.dep.no`, or a page starting with https://")
        })?),
    };
    // The files are named from the site folder, the one holding content/ (for a frozen
    // version too).
    let file_in_site = |key: &str, value: &str, kind: &str, ext: &[&str]| {
        let ok_path = !value.is_empty()
            && !value.starts_with('/')
            && value.split(['/', '\\']).all(|s| s != ".." && !s.is_empty());
        let ok_ext = ext.iter().any(|e| value.to_ascii_lowercase().ends_with(e));
        if !ok_path || !ok_ext {
            return Err(source
                .error_at(
                    &[key],
                    value,
                    format!("`{value}` is not a path to a {kind} in the site folder"),
                )
                .hint(format!(
                    "write the path from the site folder, such as `{key} {}`",
                    if kind == "CSS file" {
                        "brand/digdir.css"
                    } else {
                        "content/logo.svg"
                    }
                )));
        }
        if !site_dir.join(value).is_file() {
            return Err(source
                .error_at(
                    &[key],
                    value,
                    format!("the {kind} `{value}` does not exist"),
                )
                .hint(format!(
                    "the path is read from the site folder ({}); check its spelling",
                    site_dir.display()
                )));
        }
        Ok(value.to_owned())
    };
    let brand = match &file.brand {
        Some(b) => Some(file_in_site("brand:", b.trim(), "CSS file", &[".css"])?),
        None => None,
    };
    let logo = match (&file.logo, &file.logo_alt) {
        (Some(l), Some(alt)) if !alt.trim().is_empty() => Some((
            file_in_site("logo:", l.trim(), "image", &[".svg", ".png", ".jpg", ".jpeg", ".webp"])?,
            alt.trim().to_owned(),
        )),
        (Some(l), _) => {
            return Err(source
                .error_at(&["logo:"], l, "the logo has no text alternative")
                .hint("add `logo_alt:` with what the logo says, usually the body's name, e.g. `logo_alt: Barne- og familiedepartementet`"))
        }
        (None, Some(alt)) => {
            return Err(source
                .error_at(&["logo_alt:"], alt, "`logo_alt` without a `logo`")
                .hint("add `logo:` with the path of the image, or remove `logo_alt`"))
        }
        (None, None) => None,
    };
    Ok(PublicFields {
        language_quota: file.language_quota,
        publisher: file.publisher.clone(),
        contact,
        brand,
        logo,
    })
}

/// `edit_url` as written: a web address, which gets a `/` at its end if it has none.
fn edit_url(source: &SourceFile, url: &str) -> Result<String, Diagnostic> {
    let bad = url.contains(|c: char| c.is_whitespace() || c == '"' || c == '<' || c == '>');
    if bad || split_base_url(url).is_err() {
        return Err(source
            .error_at(&["edit_url:"], url, format!("`{url}` is not a web address"))
            .hint("write the address that a file's path is added to, starting with https://, e.g. `edit_url: https://github.com/ORG/REPO/edit/main/`"));
    }
    Ok(if url.ends_with('/') {
        url.to_owned()
    } else {
        format!("{url}/")
    })
}

/// An e-mail address (`a@b.no`, or `mailto:a@b.no`) or a web address, as a link.
pub fn parse_contact(written: &str) -> Option<Contact> {
    let placeholder = written == CONTACT_PLACEHOLDER;
    if written.starts_with("https://") || written.starts_with("http://") {
        split_base_url(written).ok()?;
        return Some(Contact {
            written: written.to_owned(),
            href: written.to_owned(),
            placeholder,
        });
    }
    let address = written.strip_prefix("mailto:").unwrap_or(written);
    let (user, host) = address.split_once('@')?;
    let ok = !user.is_empty()
        && host.contains('.')
        && !host.starts_with('.')
        && !host.ends_with('.')
        && !address.contains(|c: char| c.is_whitespace() || "<>\"'(),;:".contains(c));
    ok.then(|| Contact {
        written: address.to_owned(),
        href: format!("mailto:{address}"),
        placeholder,
    })
}

/// A folder or version name that is safe as one path segment and one URL segment.
pub fn is_safe_segment(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 64
        && !s.starts_with('.')
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_' || c == '.')
}

fn split_base_url(url: &str) -> Result<(String, String), String> {
    let url = url.trim().trim_end_matches('/');
    if url.is_empty() {
        return Ok((String::new(), String::new()));
    }
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))
        .ok_or_else(|| format!("`{url}` is not a web address"))?;
    let (host, path) = match rest.find('/') {
        Some(i) => (&rest[..i], &rest[i..]),
        None => (rest, ""),
    };
    if host.is_empty() || host.contains(|c: char| c.is_whitespace()) {
        return Err(format!("`{url}` has no host name"));
    }
    Ok((url[..url.len() - path.len()].to_owned(), path.to_owned()))
}

/// Resolves `--root`, `--out` and `--base-url` into the paths a build uses.
pub fn resolve_paths(root: Option<&Path>, out: Option<&Path>, base_url: Option<String>) -> Paths {
    let root = root.map_or_else(|| PathBuf::from("."), Path::to_path_buf);
    let root = std::path::absolute(&root).unwrap_or(root);
    let out = out.map_or_else(|| root.join("output"), Path::to_path_buf);
    let out = std::path::absolute(&out).unwrap_or(out);
    Paths {
        root,
        out,
        base_url,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_base_urls() {
        assert_eq!(
            split_base_url("https://a.no/").unwrap(),
            ("https://a.no".into(), "".into())
        );
        assert_eq!(
            split_base_url("https://a.no/sub/").unwrap(),
            ("https://a.no".into(), "/sub".into())
        );
        assert_eq!(split_base_url("").unwrap(), ("".into(), "".into()));
        assert!(split_base_url("a.no").is_err());
    }

    #[test]
    fn contacts_are_addresses() {
        let c = parse_contact("postmottak@bfd.dep.no").unwrap();
        assert_eq!(c.href, "mailto:postmottak@bfd.dep.no");
        assert!(!c.placeholder);
        assert_eq!(parse_contact("mailto:a@b.no").unwrap().written, "a@b.no");
        assert_eq!(
            parse_contact("https://www.regjeringen.no/kontakt")
                .unwrap()
                .href,
            "https://www.regjeringen.no/kontakt"
        );
        assert!(parse_contact(CONTACT_PLACEHOLDER).unwrap().placeholder);
        for bad in ["", "postmottak", "a@b", "a @b.no", "www.bfd.no", "@b.no"] {
            assert!(parse_contact(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn safe_segments() {
        assert!(is_safe_segment("2021-06"));
        for s in ["", "..", "a/b", ".hidden", "a b", "ø"] {
            assert!(!is_safe_segment(s), "{s}");
        }
    }
}
