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

/// How errors name a file of the built-in theme: `(built-in theme) templates/page.html`.
const BUILT_IN: &str = "(built-in theme)";

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
                    (format!("{BUILT_IN} {rel}"), bytes.to_vec()),
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
        tera.autoescape_on([".html", ".xml"]);
        tera.set_escape_fn(escape_html);
        tera.add_raw_templates(templates).map_err(|e| {
            let found = template_source(&template_paths, &template_texts);
            let mut d = template_diagnostic(found, &e, "the page");
            if d.path.is_empty() {
                d.path = "themes".into();
            }
            Error::one(d)
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
        let subject = match part {
            Some(_) => "a part rendered once for each language",
            None => "the page",
        };
        let found = template_source(&self.template_paths, &self.template_texts);
        let mut d = template_diagnostic(found, e, subject);
        if d.path.is_empty() {
            d.path = self
                .template_paths
                .get(template)
                .cloned()
                .unwrap_or_else(|| template.to_owned());
        }
        if let (Some(gets), true) = (part, d.message.starts_with("the template uses")) {
            let mut gets: Vec<String> = gets.iter().map(|g| format!("`{g}`")).collect();
            let last = gets.pop().unwrap_or_default();
            let gets = if gets.is_empty() {
                last
            } else {
                format!("{} and {last}", gets.join(", "))
            };
            d = d.hint(format!(
                "{template} is rendered once for each language, not for each page: it gets {gets}; not `page`, `path` or `chrome` (docs/themes.md, Parts rendered once): move what differs from page to page into base.html"
            ));
        }
        d
    }
}

/// A template's path to show and its text, by its name, for the errors that point into
/// it.
fn template_source<'t>(
    paths: &'t BTreeMap<String, String>,
    texts: &'t BTreeMap<String, String>,
) -> impl Fn(&str) -> Option<(&'t str, &'t str)> {
    |name| Some((paths.get(name)?.as_str(), texts.get(name)?.as_str()))
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

/// Escapes text for HTML into `out`. Unlike Tera's default it leaves `/` alone, so
/// addresses stay readable and pages smaller.
pub fn escape_html(input: &str, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    // Copy runs of plain bytes whole: most text has nothing to escape.
    let bytes = input.as_bytes();
    let mut start = 0;
    for (i, b) in bytes.iter().enumerate() {
        let entity: &[u8] = match b {
            b'&' => b"&amp;",
            b'<' => b"&lt;",
            b'>' => b"&gt;",
            b'"' => b"&quot;",
            b'\'' => b"&#39;",
            _ => continue,
        };
        out.write_all(&bytes[start..i])?;
        out.write_all(entity)?;
        start = i + 1;
    }
    out.write_all(&bytes[start..])
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

/// Where in which template Tera found a problem, and what it said.
struct Pointed<'e> {
    message: &'e str,
    template: &'e str,
    /// 1-based.
    line: usize,
    /// 0-based, in characters.
    column: usize,
    /// How many characters Tera marks, at least one.
    width: usize,
    syntax: bool,
}

/// Where a Tera error points: its report, or for a name the templates use that Tera
/// does not know (a filter, a component), the first report of its message ("error: …",
/// " --> page.html:1:61", the line, and "^^^^^^" under what it names).
fn pointed(e: &tera::Error) -> Option<Pointed<'_>> {
    let (report, syntax) = match e.kind() {
        tera::ErrorKind::SyntaxError(r) => (r, true),
        tera::ErrorKind::RenderingError(r) => (r, false),
        tera::ErrorKind::Msg(text) => {
            let mut lines = text.lines();
            let message = lines.next()?.strip_prefix("error: ")?;
            let (template, line, column) = place(lines.next()?.trim().strip_prefix("--> ")?)?;
            let width = lines.nth(2).map_or(1, |l| l.matches('^').count());
            return Some(Pointed {
                message,
                template,
                line,
                column: column.saturating_sub(1),
                width: width.max(1),
                syntax: false,
            });
        }
        _ => return None,
    };
    let span = report.span();
    Some(Pointed {
        message: report.message(),
        template: report.filename(),
        line: span.start_line,
        column: span.start_col,
        width: if span.start_line == span.end_line {
            span.end_col.saturating_sub(span.start_col).max(1)
        } else {
            1
        },
        syntax,
    })
}

/// Turns a Tera error into a diagnostic at the line and column Tera points at, in the
/// template `found` gives (its path to show and its text) by name. `subject` is what a
/// missing variable is missing from ("the page"). The path is empty when Tera names no
/// template the theme has.
pub fn template_diagnostic<'t>(
    found: impl Fn(&str) -> Option<(&'t str, &'t str)>,
    e: &tera::Error,
    subject: &str,
) -> Diagnostic {
    let Some(p) = pointed(e) else {
        return unpointed(found, e);
    };
    let (display, text) = found(p.template).unwrap_or(("", ""));
    let line_text = text.lines().nth(p.line.saturating_sub(1)).unwrap_or("");
    // What Tera points at, and the whole dotted name it is part of: Tera points at the
    // part it could not find (`page` or `tittel`), the writer of the template looks
    // for `page.tittel`.
    let in_name = |c: &char| c.is_alphanumeric() || *c == '_' || *c == '.';
    let chars: Vec<char> = line_text.chars().collect();
    let from = p.column.min(chars.len());
    let to = (from + p.width).min(chars.len());
    let start = from
        - chars[..from]
            .iter()
            .rev()
            .take_while(|c| in_name(c))
            .count();
    let end = to + chars[to..].iter().take_while(|c| in_name(c)).count();
    let text_of = |a: usize, b: usize| -> String {
        let s: String = chars[a..b].iter().collect();
        s.trim_matches('.').to_owned()
    };
    let (name, parent, failing) = (
        text_of(start, end),
        text_of(start, from),
        text_of(start, to),
    );
    let at = |d: Diagnostic, column: usize, width: usize| {
        at_if_known(d, text, p.line, column + 1, width.max(1))
    };
    if p.syntax {
        let d = Diagnostic::error(display.to_owned(), "template syntax error");
        return at(d, p.column, 1).hint(syntax_hint(p.message, &chars[..from], &chars[from..]));
    }
    let undefined = p.message.starts_with("Field `") || p.message.starts_with("Variable `");
    let d = if undefined && !name.is_empty() {
        // A field of something that is there but empty on this page (`page.source` of
        // a page with no source), or a name that is not there at all.
        let empty_parent = p.message.starts_with("Field `")
            && !p.message.contains("Available fields")
            && !parent.is_empty();
        let (message, hint) = if empty_parent {
            (
                format!("the template uses `{name}`, but `{parent}` has no value on this page"),
                format!("test it first, so that pages without it leave the part out: `{{% if {parent} %}}…{{% endif %}}`"),
            )
        } else {
            let hint = if failing != name {
                format!("check the spelling against the variables each template gets (docs/themes.md); where only some pages have `{failing}`, test it before reading what is inside it: `{{% if {failing} %}}…{{% endif %}}`")
            } else {
                "check the spelling against the variables each template gets (docs/themes.md), or write `{{ x | default(value=\"\") }}` for one that may be missing".to_owned()
            };
            (
                format!("the template uses `{name}`, which {subject} does not have"),
                hint,
            )
        };
        at(
            Diagnostic::error(display.to_owned(), message),
            start,
            name.chars().count(),
        )
        .hint(hint)
    } else {
        // Tera's message says what went wrong, then lists what it knows: the first sentence.
        let first = p.message.split(". ").next().unwrap_or(p.message);
        let first = first.trim_end_matches('.');
        let d = Diagnostic::error(display.to_owned(), format!("template error: {first}"));
        at(d, p.column, p.width).hint(NAMES_HINT)
    };
    match called_from(e) {
        // Inside a built-in component that another template calls: the call is what the
        // theme's writer changed, and what the component was given is the usual cause.
        // A component of the theme's own is shown where it is.
        Some((template, line, column))
            if template != p.template && display.starts_with(BUILT_IN) =>
        {
            let (call_display, call_text) = found(&template).unwrap_or(("", ""));
            let mut message =
                d.message
                    .replacen("the template uses", "the component called here uses", 1);
            message.push_str(&format!(
                "; the component is at line {} of {display}",
                p.line
            ));
            let call = Diagnostic::error(call_display.to_owned(), message).hint(
                "a component sees only its arguments: check that this call gives it each one, with a value the page has (docs/themes.md, Components)",
            );
            at_if_known(call, call_text, line, column, 1)
        }
        _ => d,
    }
}

/// `d` at `line` and `column` (1-based) of the template `text`, when its text is known.
fn at_if_known(d: Diagnostic, text: &str, line: usize, column: usize, width: usize) -> Diagnostic {
    if text.is_empty() {
        d
    } else {
        d.at(text, line, column, width)
    }
}

/// The outermost place a component was called from, when Tera's error happened inside
/// one: its template, line and column (1-based), from the report's last "called from"
/// note.
fn called_from(e: &tera::Error) -> Option<(String, usize, usize)> {
    let report = e.to_string();
    let rest = &report[report.rfind("note: called from ")? + "note: called from ".len()..];
    let (template, line, column) = place(rest.lines().next()?.trim())?;
    Some((template.to_owned(), line, column))
}

/// `page.html:4:12`, as Tera's reports write a place: the template, line and column.
fn place(text: &str) -> Option<(&str, usize, usize)> {
    let (rest, column) = text.rsplit_once(':')?;
    let (template, line) = rest.rsplit_once(':')?;
    Some((template, line.parse().ok()?, column.parse().ok()?))
}

/// A Tera error that points at no line: a template that extends one the theme does not
/// have, a component defined twice, and the like.
fn unpointed<'t>(
    found: impl Fn(&str) -> Option<(&'t str, &'t str)>,
    e: &tera::Error,
) -> Diagnostic {
    match e.kind() {
        tera::ErrorKind::MissingParent { current, parent } => {
            let display = found(current).map_or(current.as_str(), |(d, _)| d);
            Diagnostic::error(
                display.to_owned(),
                format!("the template extends `{parent}`, which the theme does not have"),
            )
            .hint("extend one of the theme's templates, such as `base.html`, or add the template to the theme's templates/ folder")
        }
        _ => {
            let d = Diagnostic::error(String::new(), format!("template error: {e}"));
            // Components share one name space, whichever template defines them.
            if e.to_string().contains("is defined in both") {
                d.hint("rename one of the two: a component's name is the same in every template")
            } else {
                d.hint(NAMES_HINT)
            }
        }
    }
}

const NAMES_HINT: &str = "check the names in the template against the variables, filters and components docs/themes.md lists";

/// What to do about a syntax error Tera describes as `message`, found between `before`
/// and `here` (the rest of the line): the usual causes are an unclosed `{{` or `{%`, and
/// what Tera 1 wrote otherwise (macros, arguments without names).
fn syntax_hint(message: &str, before: &[char], here: &[char]) -> String {
    let here: String = here.iter().collect();
    let after_paren = before.iter().rev().find(|c| !c.is_whitespace()) == Some(&'(');
    let first: String = here.chars().take(12).collect();
    if ["macro", "endmacro", "import"]
        .iter()
        .any(|t| first.starts_with(t))
        || first.starts_with("::")
    {
        "a theme's templates are written for Tera 2, which has components where Tera 1 had macros: define one with `{% component name(arg) %}…{% endcomponent name %}` and call it with `{{ <name arg={value} /> }}`, with no `import` (docs/themes.md)".to_owned()
    } else if after_paren && message.contains("expected identifier") {
        "name the argument: in Tera 2 every argument of a test, filter or function has its name (`is containing(pat=\" \")`, `join(sep=\", \")`; docs/themes.md)".to_owned()
    } else if message.contains("}}") && !here.contains("}}") {
        format!("close the `{{{{` with `}}}}` on the same line (Tera: {message})")
    } else if message.contains("%}") && !here.contains("%}") {
        format!("close the `{{%` with `%}}` on the same line (Tera: {message})")
    } else {
        format!("Tera: {message}")
    }
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
        let escaped = |s: &str| {
            let mut out = Vec::new();
            escape_html(s, &mut out).unwrap();
            String::from_utf8(out).unwrap()
        };
        assert_eq!(escaped("a/b <i>&\"'ø"), "a/b &lt;i&gt;&amp;&quot;&#39;ø");
        assert_eq!(escaped(""), "");
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
