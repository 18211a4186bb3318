//! The theme: Tera templates, static assets (served under hashed names) and UI strings
//! per language. The default theme is compiled in; a site's `themes/<name>/` overrides
//! it file by file.

use std::collections::BTreeMap;
use std::path::Path;

use tera::Tera;

use crate::config::Config;
use crate::error::{Diagnostic, Error};
use crate::model::Lang;

macro_rules! embed {
    ($($p:literal),* $(,)?) => {
        &[$(($p, include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/themes/default/", $p)) as &[u8])),*]
    };
}

/// Every file of the default theme, relative to `themes/default/`.
pub const DEFAULT_THEME: &[(&str, &[u8])] = embed!(
    "i18n/nb.yaml",
    "i18n/nn.yaml",
    "static/favicon.svg",
    "static/print.js",
    "static/search.js",
    "static/style.css",
    "templates/404.html",
    "templates/actor.html",
    "templates/actors.html",
    "templates/base.html",
    "templates/chart.html",
    "templates/changes.html",
    "templates/embed.html",
    "templates/home.html",
    "templates/initiative.html",
    "templates/initiatives.html",
    "templates/macros.html",
    "templates/page.html",
    "templates/redirect.html",
    "templates/roles.html",
    "templates/search.html",
    "templates/section.html",
    "templates/cached/footer.html",
    "templates/cached/head.html",
    "templates/tag.html",
    "templates/tags.html",
    "templates/timeline.html",
    "templates/versions.html",
);

pub struct Theme {
    pub tera: Tera,
    /// Static files: site path (hashed name) to bytes.
    pub statics: BTreeMap<String, Vec<u8>>,
    /// Logical name (`style.css`) to site path (`/assets/style.1a2b3c4d5e.css`).
    pub assets: BTreeMap<String, String>,
    pub strings: BTreeMap<Lang, BTreeMap<String, String>>,
    /// Template name to the file it came from, for errors.
    pub template_paths: BTreeMap<String, String>,
    /// Template name to its text, to point errors at the line.
    pub template_texts: BTreeMap<String, String>,
}

/// The folder of the templates rendered once for each site and language rather than for
/// each page (docs/themes.md, Parts rendered once): every page gets what each gave
/// under `cached.<name>`.
pub const CACHED: &str = "cached/";

impl Theme {
    /// The templates rendered once (the `.html` files directly in `templates/cached/`),
    /// each with its name under `cached`.
    pub fn cached(&self) -> impl Iterator<Item = (&str, &str)> {
        self.template_paths.keys().filter_map(|t| {
            let key = t.strip_prefix(CACHED)?.strip_suffix(".html")?;
            (!key.contains('/')).then_some((t.as_str(), key))
        })
    }

    pub fn load(config: &Config) -> Result<Theme, Error> {
        let mut files: BTreeMap<String, (String, Vec<u8>)> = DEFAULT_THEME
            .iter()
            .map(|(rel, bytes)| {
                (
                    rel.to_string(),
                    (format!("(built-in theme) {rel}"), bytes.to_vec()),
                )
            })
            .collect();
        let dir = config.root.join("themes").join(&config.theme);
        if dir.is_dir() {
            read_overrides(&dir, &config.theme, &mut files)?;
        } else if config.theme != "default" {
            return Err(Error::one(
                config
                    .source
                    .error_at(
                        &["theme:"],
                        &config.theme,
                        format!("there is no theme folder themes/{}", config.theme),
                    )
                    .hint(
                        "create the folder, or remove the `theme:` line to use the built-in theme",
                    ),
            ));
        }

        let mut templates = Vec::new();
        let mut statics = BTreeMap::new();
        let mut assets = BTreeMap::new();
        let mut strings = BTreeMap::new();
        let mut template_paths = BTreeMap::new();
        let mut template_texts = BTreeMap::new();
        for (rel, (display, bytes)) in &files {
            if let Some(name) = rel.strip_prefix("templates/") {
                let text = String::from_utf8(bytes.clone()).map_err(|_| {
                    Error::one(
                        Diagnostic::error(display.clone(), "the template is not valid UTF-8 text")
                            .hint("save the file as UTF-8"),
                    )
                })?;
                template_texts.insert(name.to_owned(), text.clone());
                templates.push((name.to_owned(), text));
                template_paths.insert(name.to_owned(), display.clone());
            } else if let Some(name) = rel.strip_prefix("static/") {
                let site_path = format!("/assets/{}", hashed_name(name, bytes));
                assets.insert(name.to_owned(), site_path.clone());
                statics.insert(site_path, bytes.clone());
            } else if let Some(name) = rel.strip_prefix("i18n/") {
                let lang = match name {
                    "nb.yaml" => Lang::Nb,
                    "nn.yaml" => Lang::Nn,
                    _ => continue,
                };
                let text = String::from_utf8_lossy(bytes).into_owned();
                let source = crate::model::SourceFile {
                    path: display.clone(),
                    text: text.as_str().into(),
                    body_line: 1,
                };
                let map: BTreeMap<String, String> =
                    crate::load::yaml::parse(&source, &text, 1).map_err(Error::one)?;
                let entry: &mut BTreeMap<String, String> = strings.entry(lang).or_default();
                entry.extend(map);
            }
        }
        let mut tera = Tera::default();
        tera.autoescape_on(vec![".html", ".xml"]);
        tera.set_escape_fn(escape_html);
        tera.add_raw_templates(templates).map_err(|e| {
            let file = failing_template(&e).and_then(|t| files.get(&format!("templates/{t}")));
            let display = file.map_or_else(|| "themes".into(), |(d, _)| d.clone());
            let text = file.map(|(_, bytes)| String::from_utf8_lossy(bytes).into_owned());
            Error::one(template_diagnostic(
                &display,
                text.as_deref(),
                &e,
                "the page",
            ))
        })?;
        // The built-in nb strings are the fallback for every key a theme leaves out.
        let fallback = strings.get(&Lang::Nb).cloned().unwrap_or_default();
        for lang in [Lang::Nb, Lang::Nn] {
            let entry = strings.entry(lang).or_default();
            for (k, v) in &fallback {
                entry.entry(k.clone()).or_insert_with(|| v.clone());
            }
        }
        Ok(Theme {
            tera,
            statics,
            assets,
            strings,
            template_paths,
            template_texts,
        })
    }

    /// A Tera error while rendering `template` for a page, pointed at the first line (of
    /// the template or of one it extends or includes) that uses the name Tera could not
    /// resolve.
    pub fn render_error(&self, template: &str, e: &tera::Error) -> Diagnostic {
        self.template_error(template, e, None)
    }

    /// As `render_error`, for a part rendered once for each language (`cached`), which
    /// was given the variables `gets`.
    pub fn part_error(&self, template: &str, e: &tera::Error, gets: &[String]) -> Diagnostic {
        self.template_error(template, e, Some(gets))
    }

    fn template_error(
        &self,
        template: &str,
        e: &tera::Error,
        part: Option<&[String]>,
    ) -> Diagnostic {
        let display = |t: &str| {
            self.template_paths
                .get(t)
                .cloned()
                .unwrap_or_else(|| t.to_owned())
        };
        let subject = match part {
            Some(_) => "a part rendered once for each language",
            None => "the page",
        };
        let mut d = template_diagnostic(&display(template), None, e, subject);
        let Some(name) = d.message.split('`').nth(1).map(str::to_owned) else {
            return d;
        };
        if let Some(gets) = part {
            let mut gets: Vec<String> = gets.iter().map(|g| format!("`{g}`")).collect();
            let last = gets.pop().unwrap_or_default();
            let gets = match gets.is_empty() {
                true => last,
                false => format!("{} and {last}", gets.join(", ")),
            };
            d = d.hint(format!(
                "{template} is rendered once for each language, not for each page: it gets {gets}; not `page`, `path` or `chrome` (docs/themes.md, Parts rendered once): move what differs from page to page into base.html"
            ));
        }
        let others = self.template_texts.keys().filter(|t| *t != template);
        for t in std::iter::once(template).chain(others.map(String::as_str)) {
            let Some(text) = self.template_texts.get(t) else {
                continue;
            };
            if let Some(at) = text.find(&name) {
                let line = text[..at].matches('\n').count() + 1;
                let line_start = text[..at].rfind('\n').map_or(0, |i| i + 1);
                let column = text[line_start..at].chars().count() + 1;
                d.path = display(t);
                return d.at(text, line, column, name.chars().count());
            }
        }
        d
    }
}

fn read_overrides(
    dir: &Path,
    theme: &str,
    files: &mut BTreeMap<String, (String, Vec<u8>)>,
) -> Result<(), Error> {
    let allowed = crate::load::links::Allowed::new(dir.ancestors().nth(2).unwrap_or(dir), dir);
    for entry in crate::load::links::walk(dir, allowed, |_| true) {
        let entry = entry.map_err(|e| {
            Error::one(Diagnostic::error(
                format!("themes/{theme}"),
                format!("could not read the theme: {e}"),
            ))
        })?;
        let name = entry.file_name().to_string_lossy();
        if !entry.file_type().is_file() || crate::fs::is_editor_temp(&name) {
            continue;
        }
        let Ok(rel) = entry.path().strip_prefix(dir) else {
            continue;
        };
        let rel = rel.to_string_lossy().replace('\\', "/");
        let bytes = std::fs::read(entry.path())
            .map_err(|e| Error::io(entry.path(), "read the theme file", &e))?;
        files.insert(rel.clone(), (format!("themes/{theme}/{rel}"), bytes));
    }
    Ok(())
}

/// Escapes text for HTML. Unlike Tera's default it leaves `/` alone, so addresses
/// stay readable and pages smaller.
pub fn escape_html(input: &str) -> String {
    // Copy runs of plain bytes whole: most text has nothing to escape.
    let bytes = input.as_bytes();
    let mut out = String::with_capacity(input.len() + 16);
    let mut start = 0;
    for (i, b) in bytes.iter().enumerate() {
        let entity = match b {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'"' => "&quot;",
            b'\'' => "&#39;",
            _ => continue,
        };
        out.push_str(&input[start..i]);
        out.push_str(entity);
        start = i + 1;
    }
    out.push_str(&input[start..]);
    out
}

/// `style.css` to `style.1a2b3c4d5e.css`: the name changes when the content does, so
/// hosts can cache assets for a year.
fn hashed_name(name: &str, bytes: &[u8]) -> String {
    let hash = format!("{:016x}", crate::fs::content_hash(bytes));
    match name.rsplit_once('.') {
        Some((stem, ext)) => format!("{stem}.{}.{ext}", &hash[..10]),
        None => format!("{name}.{}", &hash[..10]),
    }
}

/// The template named in a Tera error ("Failed to parse 'base.html'").
fn failing_template(e: &tera::Error) -> Option<String> {
    let msg = e.to_string();
    let start = msg.find('\'')? + 1;
    let end = start + msg[start..].find('\'')?;
    Some(msg[start..end].to_owned())
}

/// Turns a Tera error (and its causes) into a diagnostic, with the line when Tera gives
/// one (syntax errors) and the template's text to show it.
/// `subject` is what a missing variable is missing from ("the page").
pub fn template_diagnostic(
    display: &str,
    text: Option<&str>,
    e: &tera::Error,
    subject: &str,
) -> Diagnostic {
    let mut chain = vec![e.to_string()];
    let mut cause = std::error::Error::source(e);
    while let Some(c) = cause {
        chain.push(c.to_string());
        cause = c.source();
    }
    let full = chain.join("\n");
    if let Some(pos) = full.find("--> ") {
        // A syntax error: " --> line:col", the line, and "= expected …".
        let rest = &full[pos + 4..];
        let mut nums = rest
            .split(|c: char| !c.is_ascii_digit())
            .filter(|s| !s.is_empty());
        let line = nums
            .next()
            .and_then(|n| n.parse::<usize>().ok())
            .unwrap_or(1);
        let col = nums
            .next()
            .and_then(|n| n.parse::<usize>().ok())
            .unwrap_or(1);
        let mut d = Diagnostic::error(display.to_owned(), "template syntax error");
        d = match text {
            Some(t) => d.at(t, line, col, 1),
            None => {
                d.location = Some(crate::error::Location { line, column: col });
                d
            }
        };
        let expected = full
            .lines()
            .find(|l| l.trim_start().starts_with('='))
            .map(|l| l.trim_start().trim_start_matches('=').trim());
        // Tera lists what it expected; the usual cause is an unclosed `{{` or `{%`.
        return match expected {
            Some(x) if x.contains("variable end") => d.hint(format!(
                "close the `{{{{` with `}}}}` on the same line (Tera {x})"
            )),
            Some(x) if x.contains("tag end") => d.hint(format!(
                "close the `{{%` with `%}}` on the same line (Tera {x})"
            )),
            Some(x) => d.hint(format!("Tera {x}")),
            None => d,
        };
    }
    let detail = if chain.len() > 1 {
        chain[1..].join(": ")
    } else {
        chain[0].clone()
    };
    // "Variable `page.tittel` not found in context while rendering 'page.html'"
    if let Some(rest) = detail.strip_prefix("Variable `") {
        if let Some((name, _)) = rest.split_once("` not found in context") {
            return Diagnostic::error(
                display.to_owned(),
                format!("the template uses `{name}`, which {subject} does not have"),
            )
            .hint("check the spelling against the variables each template gets (docs/themes.md), or write `{{ x | default(value=\"\") }}` for one that may be missing");
        }
    }
    Diagnostic::error(display.to_owned(), format!("template error: {detail}"))
        .hint("check the names used in the template against the variables the page gets (see docs/themes.md)")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_default_theme_file_is_embedded() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/default");
        for entry in walkdir::WalkDir::new(&dir) {
            let entry = entry.unwrap();
            if entry.file_type().is_file() {
                let rel = entry
                    .path()
                    .strip_prefix(&dir)
                    .unwrap()
                    .to_string_lossy()
                    .replace('\\', "/");
                assert!(
                    DEFAULT_THEME.iter().any(|(p, _)| *p == rel),
                    "add {rel} to DEFAULT_THEME"
                );
            }
        }
    }

    #[test]
    fn escapes_only_what_html_needs() {
        assert_eq!(
            escape_html("a/b <i>&\"'ø"),
            "a/b &lt;i&gt;&amp;&quot;&#39;ø"
        );
        assert_eq!(escape_html(""), "");
    }

    #[test]
    fn hashes_names() {
        assert_eq!(
            hashed_name("style.css", b"a"),
            hashed_name("style.css", b"a")
        );
        assert_ne!(
            hashed_name("style.css", b"a"),
            hashed_name("style.css", b"b")
        );
        assert!(hashed_name("style.css", b"a").ends_with(".css"));
    }
}
