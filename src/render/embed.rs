//! Embeds: a paragraph `{{ roles(initiative="tillitsavtalen") }}` in a page or an
//! initiative's text shows part of a record's page there. This file reads what is
//! written and checks it against the records; render/pages/embeds.rs renders it.

use std::collections::BTreeSet;

use crate::error::{did_you_mean, Diagnostic};
use crate::model::{slugify, Registry, SourceFile};

/// What an embed shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Kind {
    /// An initiative's roles table.
    Roles,
    /// An initiative's facts box.
    Facts,
    /// An initiative's chart and events, as on its timeline.
    Timeline,
    /// What an actor holds across initiatives.
    ActorRoles,
    /// Events, by the tags of their initiatives and by years.
    Events,
}

/// The type of an argument's value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Type {
    /// Text in double quotes: an id or a tag.
    Text,
    /// A year, a number without quotes.
    Year,
}

/// An argument: its name, its type, and whether it is required.
type Param = (&'static str, Type, bool);

/// Where a text value is written in an embed: byte offset (after the quote) and length.
pub type Span = (usize, usize);

/// Each embed, what it shows, and its arguments.
const EMBEDS: &[(&str, Kind, &[Param])] = &[
    ("roles", Kind::Roles, &[("initiative", Type::Text, true)]),
    ("facts", Kind::Facts, &[("initiative", Type::Text, true)]),
    (
        "timeline",
        Kind::Timeline,
        &[("initiative", Type::Text, true)],
    ),
    (
        "actor_roles",
        Kind::ActorRoles,
        &[("actor", Type::Text, true)],
    ),
    (
        "events",
        Kind::Events,
        &[
            ("tag", Type::Text, false),
            ("from", Type::Year, false),
            ("to", Type::Year, false),
        ],
    ),
];

impl Kind {
    pub fn name(self) -> &'static str {
        EMBEDS
            .iter()
            .find(|(_, k, _)| *k == self)
            .map_or("", |(n, ..)| n)
    }
}

/// A text value as written, with where it is written (for errors about it).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Arg {
    pub value: String,
    pub line: usize,
    pub column: usize,
    pub width: usize,
}

/// One embed of a body, read and checked for form (not yet against the records).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Embed {
    pub kind: Kind,
    /// The initiative (roles, facts, timeline), the actor (actor_roles) or the tag
    /// (events, optional).
    pub target: Option<Arg>,
    pub from: Option<i32>,
    pub to: Option<i32>,
    /// The level of the embed's heading: one below the heading it follows (2 when none),
    /// at most 4, so that its own headings (years, events) fit under it.
    pub level: u8,
    /// The file it is written in, as `LinkRef::file`.
    pub file: usize,
}

/// A mistake in an embed, at a byte offset into the text read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub at: usize,
    pub width: usize,
    pub message: String,
    pub hint: String,
}

fn problem(
    at: usize,
    width: usize,
    message: impl Into<String>,
    hint: impl Into<String>,
) -> Problem {
    Problem {
        at,
        width: width.max(1),
        message: message.into(),
        hint: hint.into(),
    }
}

/// The marker a body's HTML holds where embed `n` goes; it is an HTML comment, so text
/// made from the body (search, excerpts) leaves embeds out.
pub fn marker(n: usize) -> String {
    format!("<!--mandat-embed:{n}-->")
}

/// A body's HTML without its embeds, for the feed: a feed entry carries the page's own
/// text, and readers follow its link for the rest.
pub fn without_markers(html: &str, embeds: usize) -> std::borrow::Cow<'_, str> {
    let mut html = std::borrow::Cow::Borrowed(html);
    for n in 0..embeds {
        html = std::borrow::Cow::Owned(html.replacen(&format!("{}\n", marker(n)), "", 1));
    }
    html
}

/// Whether a paragraph is written as an embed: `{{`, a name, `(`. Anything else is text,
/// such as `{{ a }}`, or `\{{ roles(…) }}` (the backslash is how to show one as text).
pub fn is_embed(paragraph: &str) -> bool {
    let t = paragraph.trim_start();
    let Some(rest) = t.strip_prefix("{{") else {
        return false;
    };
    let rest = rest.trim_start();
    let name_len = rest
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .unwrap_or(rest.len());
    name_len > 0 && rest[name_len..].trim_start().starts_with('(')
}

/// Where running text holds what would be an embed of a known name (`{{ roles(`), which
/// works only as a paragraph of its own: the byte offset of its `{{`.
pub fn inline_embed(text: &str) -> Option<usize> {
    let mut from = 0;
    while let Some(i) = memchr::memmem::find(&text.as_bytes()[from..], b"{{") {
        let at = from + i;
        if !text[..at].ends_with('\\') && is_embed(&text[at..]) {
            let rest = text[at + 2..].trim_start();
            if EMBEDS.iter().any(|(n, ..)| {
                rest.strip_prefix(n)
                    .is_some_and(|r| r.trim_start().starts_with('('))
            }) {
                return Some(at);
            }
        }
        from = at + 2;
    }
    None
}

/// A cursor over the text of one embed, by byte offset.
struct Reader<'a> {
    text: &'a str,
    at: usize,
}

impl Reader<'_> {
    fn rest(&self) -> &str {
        &self.text[self.at..]
    }

    fn skip_space(&mut self) {
        let rest = self.rest();
        self.at += rest.len() - rest.trim_start().len();
    }

    /// Where a problem with what follows is shown: here, or at the end of the last line
    /// when nothing follows (not on the empty line after the paragraph).
    fn here(&self) -> usize {
        self.at.min(self.text.trim_end().len())
    }

    fn eat(&mut self, s: &str) -> bool {
        self.skip_space();
        if self.rest().starts_with(s) {
            self.at += s.len();
            true
        } else {
            false
        }
    }

    fn word(&mut self) -> &str {
        self.skip_space();
        let rest = self.rest();
        let len = rest
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '-'))
            .unwrap_or(rest.len());
        let start = self.at;
        self.at += len;
        &self.text[start..start + len]
    }

    /// The width of what starts here, to underline: up to the next space, `,` or `)`.
    fn token_width(&self) -> usize {
        let rest = self.rest();
        rest.find(|c: char| c.is_whitespace() || c == ',' || c == ')')
            .unwrap_or(rest.len())
            .max(1)
    }
}

/// A value as written: text in quotes or a bare word or number.
enum Value {
    Quoted(String),
    Bare(String),
}

/// Reads one embed paragraph (`text`, which `is_embed`). Offsets in the result are bytes
/// into `text`; the caller turns them into lines and columns. `level` is the heading level
/// the embed gets, `file` where it is written.
pub fn parse(text: &str, level: u8, file: usize) -> Result<(Embed, Vec<Span>), Vec<Problem>> {
    const HINT: &str = "an embed is written `{{ roles(initiative=\"tillitsavtalen\") }}` on a line of its own (see docs/format.md, Embeds)";
    let mut r = Reader { text, at: 0 };
    r.eat("{{");
    let name_at = {
        r.skip_space();
        r.at
    };
    let name = r.word().to_owned();
    let Some(&(_, kind, params)) = EMBEDS.iter().find(|(n, ..)| *n == name) else {
        let names = EMBEDS.iter().map(|(n, ..)| *n);
        let hint = match did_you_mean(&name, names) {
            Some(s) => format!("did you mean `{s}`?"),
            None => format!(
                "the embeds are {}",
                EMBEDS
                    .iter()
                    .map(|(n, ..)| format!("`{n}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        };
        return Err(vec![problem(
            name_at,
            name.len(),
            format!("there is no embed `{name}`"),
            hint,
        )]);
    };
    r.eat("(");
    let mut problems = Vec::new();
    let mut embed = Embed {
        kind,
        target: None,
        from: None,
        to: None,
        level,
        file,
    };
    // Offsets of the text arguments' values (after the quote), with their byte lengths.
    let mut places: Vec<Span> = Vec::new();
    let mut seen: BTreeSet<String> = BTreeSet::new();
    loop {
        if r.eat(")") {
            break;
        }
        r.skip_space();
        let arg_at = r.at;
        let arg = r.word().to_owned();
        if arg.is_empty() {
            let what = if r.rest().is_empty() {
                "the embed is not closed: `)` is missing".to_owned()
            } else {
                format!(
                    "expected the name of an argument or `)`, found `{}`",
                    r.rest().chars().next().unwrap_or(' ')
                )
            };
            problems.push(problem(r.here(), r.token_width(), what, HINT));
            return Err(problems);
        }
        if !r.eat("=") {
            let width = r.token_width();
            r.skip_space();
            problems.push(problem(
                r.here(),
                width,
                format!("expected `=` after `{arg}`"),
                format!("write the argument as `{arg}=\"…\"`"),
            ));
            return Err(problems);
        }
        r.skip_space();
        let value_at = r.at;
        let value = if r.rest().starts_with('"') {
            match r.rest()[1..].find('"') {
                Some(end) => {
                    let v = r.rest()[1..1 + end].to_owned();
                    r.at += end + 2;
                    Value::Quoted(v)
                }
                None => {
                    problems.push(problem(
                        value_at,
                        1,
                        "the quoted value is not closed: `\"` is missing",
                        "end the value with `\"`",
                    ));
                    return Err(problems);
                }
            }
        } else {
            let w = r.word().to_owned();
            if w.is_empty() {
                problems.push(problem(
                    r.here(),
                    r.token_width(),
                    format!("`{arg}=` has no value"),
                    format!("write the value after `=`: `{arg}=\"…\"`"),
                ));
                return Err(problems);
            }
            Value::Bare(w)
        };
        let value_width = r.at - value_at;
        match params.iter().find(|(n, ..)| *n == arg) {
            None => {
                let names = params.iter().map(|(n, ..)| *n);
                let hint = match did_you_mean(&arg, names) {
                    Some(s) => format!("did you mean `{s}`?"),
                    None => format!("`{name}` takes {}", describe(params)),
                };
                problems.push(problem(
                    arg_at,
                    arg.len(),
                    format!("`{name}` has no argument `{arg}`"),
                    hint,
                ));
            }
            Some(_) if !seen.insert(arg.clone()) => problems.push(problem(
                arg_at,
                arg.len(),
                format!("`{arg}` is given twice"),
                "give each argument once",
            )),
            Some((_, ty, _)) => match (ty, value) {
                (Type::Text, Value::Quoted(v)) => {
                    places.push((value_at + 1, v.len()));
                    let a = Arg {
                        value: v,
                        line: 0,
                        column: 0,
                        width: 0,
                    };
                    embed.target = Some(a);
                }
                (Type::Text, Value::Bare(v)) => problems.push(problem(
                    value_at,
                    value_width,
                    format!("the value of `{arg}` must be in quotes"),
                    format!("write `{arg}=\"{v}\"`"),
                )),
                (Type::Year, Value::Bare(v)) => match v.parse::<i32>() {
                    Ok(y) if (1000..=9999).contains(&y) && v.len() == 4 => {
                        if arg == "from" {
                            embed.from = Some(y);
                        } else {
                            embed.to = Some(y);
                        }
                    }
                    _ => problems.push(problem(
                        value_at,
                        value_width,
                        format!("`{arg}` must be a year, such as `{arg}=2018`, not `{v}`"),
                        "write the year with four digits and no quotes",
                    )),
                },
                (Type::Year, Value::Quoted(v)) => problems.push(problem(
                    value_at,
                    value_width,
                    format!("`{arg}` is a year: write it without quotes"),
                    format!("write `{arg}={v}`"),
                )),
            },
        }
        if r.eat(",") {
            continue;
        }
        if r.eat(")") {
            break;
        }
        r.skip_space();
        let what = if r.rest().is_empty() {
            "the embed is not closed: `)` is missing".to_owned()
        } else {
            format!(
                "expected `,` or `)` after the value of `{arg}`, found `{}`",
                r.rest().chars().next().unwrap_or(' ')
            )
        };
        problems.push(problem(r.here(), r.token_width(), what, HINT));
        return Err(problems);
    }
    if !r.eat("}}") {
        r.skip_space();
        problems.push(problem(
            r.here(),
            r.token_width(),
            "the embed is not closed: `}}` is missing after `)`",
            HINT,
        ));
        return Err(problems);
    }
    r.skip_space();
    if !r.rest().is_empty() {
        problems.push(problem(
            r.at,
            r.rest().trim_end().len(),
            "an embed stands alone in its paragraph: there is text after it",
            "put the text in a paragraph of its own, with an empty line between",
        ));
    }
    // An argument misspelt is reported as such, not again as one missing.
    let misspelt = problems
        .iter()
        .any(|p| p.message.contains("has no argument"));
    for (param, _, required) in params {
        if *required && !seen.contains(*param) && !misspelt {
            problems.push(problem(
                name_at,
                name.len(),
                format!("`{name}` needs the argument `{param}`"),
                format!(
                    "write `{{{{ {name}({param}=\"…\") }}}}` with the id of the {}",
                    if *param == "actor" {
                        "actor"
                    } else {
                        "initiative"
                    }
                ),
            ));
        }
    }
    if let (Some(from), Some(to)) = (embed.from, embed.to) {
        if to < from {
            problems.push(problem(
                name_at,
                name.len(),
                format!("`from={from}` is after `to={to}`: no year is both"),
                "check the years: `to` must be the same as or later than `from`",
            ));
        }
    }
    if problems.is_empty() {
        Ok((embed, places))
    } else {
        Err(problems)
    }
}

/// `initiative` (text, required), …: what an embed takes, for a hint.
fn describe(params: &[Param]) -> String {
    let list: Vec<String> = params
        .iter()
        .map(|(n, ty, required)| {
            let ty = match ty {
                Type::Text => "text in quotes",
                Type::Year => "a year",
            };
            let req = if *required { ", required" } else { "" };
            format!("`{n}` ({ty}{req})")
        })
        .collect();
    list.join(", ")
}

/// Every embed of every body checked against the records: the initiative, actor or tag
/// it names exists. `files` are the bodies' files, as `LinkRef::file` indexes them.
pub fn check<'e>(
    reg: &Registry,
    embeds: impl Iterator<Item = &'e Embed>,
    files: &[&SourceFile],
) -> Vec<Diagnostic> {
    let mut errors = Vec::new();
    let mut tags: Option<BTreeSet<String>> = None;
    for e in embeds {
        let (Some(arg), Some(src)) = (&e.target, files.get(e.file)) else {
            continue;
        };
        let fail = |message: String, hint: String| {
            Diagnostic::error(src.path.clone(), message)
                .at(&src.text, arg.line, arg.column, arg.width)
                .hint(hint)
        };
        let id = arg.value.as_str();
        // A file that could not be read is reported on its own, not again here.
        let broken = |folder: &str, ext: &str| reg.broken.contains(&format!("{folder}/{id}.{ext}"));
        let some_initiative_broken = reg.broken.iter().any(|b| b.starts_with("initiatives/"));
        match e.kind {
            Kind::Roles | Kind::Facts | Kind::Timeline
                if !reg.initiatives.contains_key(id) && !broken("initiatives", "md") =>
            {
                let hint = match did_you_mean(id, reg.initiatives.keys().map(String::as_str)) {
                    Some(s) => format!("did you mean `{s}`?"),
                    None => "write the id of an initiative: the name of its file in initiatives/, without `.md`".into(),
                };
                errors.push(fail(format!("there is no initiative `{id}`"), hint));
            }
            Kind::ActorRoles if !reg.actors.contains_key(id) && !broken("actors", "yaml") => {
                let hint = match did_you_mean(id, reg.actors.keys().map(String::as_str)) {
                    Some(s) => format!("did you mean `{s}`?"),
                    None => {
                        "write the id of an actor: the name of its file in actors/, without `.yaml`"
                            .into()
                    }
                };
                errors.push(fail(format!("there is no actor `{id}`"), hint));
            }
            Kind::Events if !some_initiative_broken => {
                let known = tags.get_or_insert_with(|| {
                    reg.initiatives
                        .values()
                        .flat_map(|i| &i.meta.tags)
                        .cloned()
                        .collect()
                });
                let slug = slugify(id);
                if !known.iter().any(|t| slugify(t) == slug) {
                    let hint = match did_you_mean(id, known.iter().map(String::as_str)) {
                        Some(s) => format!("did you mean `{s}`?"),
                        None => "`events` shows the events of the initiatives that have the tag in their `tags:`; leave `tag` out for every event".into(),
                    };
                    errors.push(fail(format!("no initiative has the tag `{id}`"), hint));
                }
            }
            _ => {}
        }
    }
    errors
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(text: &str) -> Embed {
        parse(text, 2, 0).unwrap().0
    }

    fn err(text: &str) -> Vec<(String, String, String)> {
        parse(text, 2, 0)
            .unwrap_err()
            .into_iter()
            .map(|p| {
                let end = (p.at + p.width).min(text.len());
                (text[p.at..end].to_owned(), p.message, p.hint)
            })
            .collect()
    }

    #[test]
    fn reads_each_embed() {
        let e = ok("{{ roles(initiative=\"tillitsavtalen\") }}");
        assert_eq!(e.kind, Kind::Roles);
        assert_eq!(e.target.unwrap().value, "tillitsavtalen");
        let e = ok("{{actor_roles( actor = \"ks\" )}}\n");
        assert_eq!(
            (e.kind, e.target.unwrap().value.as_str()),
            (Kind::ActorRoles, "ks")
        );
        let e = ok("{{ events(tag=\"tillit\", from=2018,\n  to=2020) }}");
        assert_eq!((e.from, e.to), (Some(2018), Some(2020)));
        let e = ok("{{ events() }}");
        assert_eq!((e.target, e.from, e.to), (None, None, None));
        let (_, places) = parse("{{ facts(initiative=\"x\") }}", 2, 0).unwrap();
        assert_eq!(places, [(21, 1)]);
    }

    #[test]
    fn tells_what_is_wrong_and_where() {
        assert_eq!(
            err("{{ rolles(initiative=\"x\") }}"),
            [(
                "rolles".into(),
                "there is no embed `rolles`".into(),
                "did you mean `roles`?".into()
            )]
        );
        assert_eq!(
            err("{{ roles(initative=\"x\") }}")[0..1],
            [(
                "initative".into(),
                "`roles` has no argument `initative`".into(),
                "did you mean `initiative`?".into()
            )]
        );
        let all = err("{{ events(tag=tillit, from=\"2018\", to=20) }}");
        assert_eq!(all.len(), 3, "{all:?}");
        assert_eq!(all[0].0, "tillit");
        assert_eq!(all[0].1, "the value of `tag` must be in quotes");
        assert_eq!(all[1].1, "`from` is a year: write it without quotes");
        assert_eq!(all[2].1, "`to` must be a year, such as `to=2018`, not `20`");
        for (text, message) in [
            ("{{ facts() }}", "`facts` needs the argument `initiative`"),
            (
                "{{ events(from=2020, to=2018) }}",
                "`from=2020` is after `to=2018`: no year is both",
            ),
            (
                "{{ roles(initiative=\"x\") }} og mer",
                "an embed stands alone in its paragraph: there is text after it",
            ),
            (
                "{{ roles(initiative=\"x\"",
                "the embed is not closed: `)` is missing",
            ),
            (
                "{{ roles(initiative=\"x) }}",
                "the quoted value is not closed: `\"` is missing",
            ),
            (
                "{{ roles(initiative=\"x\", initiative=\"y\") }}",
                "`initiative` is given twice",
            ),
            (
                "{{ roles(initiative=\"x\") }",
                "the embed is not closed: `}}` is missing after `)`",
            ),
        ] {
            assert_eq!(err(text)[0].1, message, "{text}");
        }
    }

    #[test]
    fn no_text_makes_it_panic() {
        let samples = [
            "{{ events(tag=\"bærekraft\", from=2018, to=2020) }}",
            "{{ roles(initiative=\"ø\" , ) }} æ",
            "{{ actor_roles(actor=ø=\"\") }}\n\n",
            "{{ facts(initiative=\"x\"\n, initiative=\"y\") }}}}",
        ];
        for sample in samples {
            for (end, _) in sample.char_indices().chain([(sample.len(), ' ')]) {
                let text = &sample[..end];
                if is_embed(text) {
                    let _ = parse(text, 2, 0);
                }
                let _ = inline_embed(text);
            }
        }
    }

    #[test]
    fn knows_embeds_from_text() {
        assert!(is_embed("{{ roles(initiative=\"x\") }}"));
        assert!(is_embed("  {{nope()}}"));
        assert!(!is_embed("{{ a }}"));
        assert!(!is_embed("\\{{ roles(initiative=\"x\") }}"));
        assert!(!is_embed("Se {{ roles(x) }}"));
        assert_eq!(
            inline_embed("Se {{ roles(initiative=\"x\") }} her"),
            Some(3)
        );
        assert_eq!(inline_embed("Se \\{{ roles(initiative=\"x\") }} her"), None);
        assert_eq!(inline_embed("Se {{ annet(x) }} her"), None);
    }
}
