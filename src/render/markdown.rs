//! Markdown to HTML with pulldown-cmark: heading anchors, links to other content rewritten
//! to page addresses, and every internal link recorded so the build can check it.

use std::collections::BTreeMap;

use pulldown_cmark::{html, Alignment, CowStr, Event, HeadingLevel, Options, Parser, Tag, TagEnd};

use crate::error::{did_you_mean, Diagnostic};
use crate::model::SourceFile;
use crate::output::Urls;
use crate::render::embed::{self, Embed};

use crate::model::slugify;

/// An internal link to check once every page is known.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct LinkRef {
    /// The site path the link points to (`/tidslinje/`), without the base path.
    pub path: String,
    pub anchor: Option<String>,
    /// Where the link is written, for the error.
    pub file: usize,
    pub line: usize,
    pub column: usize,
    pub written: String,
}

/// A rendered body. Serialized without its HTML, as a build keeps a page's body for the
/// next build (`reuse::Stored`): what is read back is released.
#[derive(Debug, Default, Clone, serde::Serialize, serde::Deserialize)]
pub struct Rendered {
    /// Empty once `released`.
    #[serde(skip)]
    pub html: String,
    /// Whether the HTML was let go after the body's text was digested: a one-off build
    /// reads a page's body back (`spilled`), or renders it again, when it writes the
    /// page (`Prepared::body_html`) rather than hold every body until then.
    #[serde(skip)]
    pub released: bool,
    /// Where a one-off build put the HTML it let go, to read back for its page.
    #[serde(skip)]
    pub spilled: Option<super::spill::At>,
    /// What the body's text says, for the language shares and the search index.
    pub digest: Digest,
    /// The headings in order: (level, text, id).
    pub headings: Vec<(u8, String, String)>,
    pub links: Vec<LinkRef>,
    /// The embeds, in order: `embed::marker(n)` in `html` is where the n-th goes.
    pub embeds: Vec<Embed>,
}

/// What a body's text says, taken from it once when it is rendered (`reuse::digest`):
/// its words for the language shares, its terms for the search index, and its opening
/// as an excerpt.
#[derive(Debug, Default, Clone, serde::Serialize, serde::Deserialize)]
pub struct Digest {
    pub tally: crate::tally::Tally,
    pub terms: crate::tally::Terms,
    pub excerpt: String,
}

impl Rendered {
    /// The ids of the headings, in order.
    pub fn anchors(&self) -> impl Iterator<Item = &str> {
        self.headings.iter().map(|(.., id)| id.as_str())
    }

    /// The text without markup, for tests: the build reads a body's text once, into its
    /// digest, and may let the HTML go after.
    #[cfg(test)]
    pub fn text(&self) -> String {
        plain_text(&self.html)
    }
}

/// Inline elements: their tags do not end a word (`**barne**vern` is one).
const INLINE: &[&str] = &[
    "a", "abbr", "b", "code", "del", "em", "i", "kbd", "mark", "q", "s", "small", "span", "strong",
    "sub", "sup", "u",
];

/// The text of `html` as a reader sees it: tags taken out (block tags leave a space, and
/// an image its alt text), character references decoded; comments, scripts, styles and
/// footnote marks left out.
pub fn plain_text(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(at) = memchr::memchr2(b'<', b'&', rest.as_bytes()) {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        if rest.starts_with("<!--") {
            rest = rest.find("-->").map_or("", |e| &rest[e + 3..]);
            continue;
        }
        if rest.starts_with('<') {
            let end = tag_end(rest);
            let tag = &rest[..end];
            let closing = tag.starts_with("</");
            let name = tag.trim_start_matches(['<', '/']);
            let name = &name[..name
                .bytes()
                .position(|b| !b.is_ascii_alphanumeric())
                .unwrap_or(name.len())];
            let inline = INLINE.iter().any(|t| t.eq_ignore_ascii_case(name));
            if !inline && !out.ends_with(' ') {
                out.push(' ');
            }
            if name.eq_ignore_ascii_case("img") {
                if let Some(alt) = attribute(tag, "alt") {
                    out.push_str(&plain_text(alt));
                    out.push(' ');
                }
            }
            rest = &rest[end..];
            // What a reader does not see as text: scripts, styles and the numbers of
            // footnote marks (`Tillit[^1]` is the word `Tillit`).
            let skip_to = if closing {
                None
            } else if name.eq_ignore_ascii_case("script") || name.eq_ignore_ascii_case("style") {
                Some(name)
            } else if name.eq_ignore_ascii_case("sup") && tag.contains("class=\"footnote-") {
                Some("sup")
            } else {
                None
            };
            if let Some(element) = skip_to {
                let close = format!("</{}", element.to_ascii_lowercase());
                // Footnote marks are pulldown-cmark's own lower-case HTML; a script or
                // style written by hand may be in capitals.
                let found = if element == "sup" {
                    rest.find(&close)
                } else {
                    rest.to_ascii_lowercase().find(&close)
                };
                rest = found.map_or("", |e| &rest[e..]);
            }
        } else {
            // A character reference is short: look no further than its longest.
            let end = rest.bytes().take(12).position(|b| b == b';').filter(|&e| {
                rest[1..e]
                    .bytes()
                    .all(|b| b == b'#' || b.is_ascii_alphanumeric())
            });
            match end.and_then(|e| Some((e, decode(&rest[1..e])?))) {
                Some((e, c)) => {
                    out.push(c);
                    rest = &rest[e + 1..];
                }
                None => {
                    out.push('&');
                    rest = &rest[1..];
                }
            }
        }
    }
    out.push_str(rest);
    out
}

/// The length of the tag `rest` starts with: to its `>`, not counting one inside a
/// quoted attribute value.
fn tag_end(rest: &str) -> usize {
    let mut quote = None;
    for (i, b) in rest.bytes().enumerate().skip(1) {
        match (quote, b) {
            (None, b'"' | b'\'') => quote = Some(b),
            (Some(q), b) if b == q => quote = None,
            (None, b'>') => return i + 1,
            _ => {}
        }
    }
    rest.len()
}

/// The value of attribute `name` in one start tag, as written (still escaped).
fn attribute<'a>(tag: &'a str, name: &str) -> Option<&'a str> {
    let at = tag.find(&format!(" {name}=\""))? + name.len() + 3;
    let len = tag[at..].find('"')?;
    Some(&tag[at..at + len])
}

/// A character reference without its `&` and `;`: `amp`, `#39`, `#x2014`.
fn decode(entity: &str) -> Option<char> {
    match entity {
        "amp" => Some('&'),
        "lt" => Some('<'),
        "gt" => Some('>'),
        "quot" => Some('"'),
        "apos" => Some('\''),
        "nbsp" => Some(' '),
        "aring" => Some('å'),
        "Aring" => Some('Å'),
        "oslash" => Some('ø'),
        "Oslash" => Some('Ø'),
        "aelig" => Some('æ'),
        "AElig" => Some('Æ'),
        "eacute" => Some('é'),
        "ndash" => Some('–'),
        "mdash" => Some('—'),
        "laquo" => Some('«'),
        "raquo" => Some('»'),
        "hellip" => Some('…'),
        _ => {
            let number = entity.strip_prefix('#')?;
            let code = match number.strip_prefix(['x', 'X']) {
                Some(hex) => u32::from_str_radix(hex, 16).ok()?,
                None => number.parse().ok()?,
            };
            char::from_u32(code)
        }
    }
}

/// What link rewriting needs to know about the site.
pub struct Linker<'a> {
    /// Content-relative source path (`initiatives/x.md`, `actors/ks.yaml`) to site path.
    pub sources: &'a BTreeMap<String, String>,
    /// The site's addresses: its version prefix, and the base path every `href` starts with.
    pub urls: &'a Urls,
    /// The content folder as messages name it: `content` or `content/versions/<NAME>`.
    pub content_dir: &'a str,
    /// Raw HTML is published as written (site.yaml `allow_html: true`); otherwise it is
    /// escaped and shown as the text it is.
    pub allow_html: bool,
    /// The site's images, by their path below pages/ (render/figure.rs).
    pub images: &'a crate::images::Images,
    /// `<timeline>#<event anchor>` to the page of that timeline that shows the event, for
    /// the events past its first page (`paging::later_events`): a link to
    /// `/tidslinje/#anchor` leads to `/tidslinje/side/3/#anchor`, and so on an
    /// initiative's or an actor's timeline.
    pub events: &'a BTreeMap<String, String>,
}

pub fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_HEADING_ATTRIBUTES
        | Options::ENABLE_SMART_PUNCTUATION
}

/// Renders `markdown`, which starts at `line_offset` (1-based line) in `source`; `own_path`
/// is the site path of the page it ends up on, `file` an index the caller uses to find
/// `source` again for link errors, `reserved` the ids the page's template already uses
/// (a heading `## Roller` on an initiative must not take the template's `#roller`),
/// `embeds` whether the text may hold embeds (a page's or an initiative's may).
/// On failure, the problems, and what could be rendered (its links are checked too, so
/// that one run reports every broken link).
#[allow(clippy::too_many_arguments)]
pub fn render(
    markdown: &str,
    source: &SourceFile,
    line_offset: usize,
    own_path: &str,
    file: usize,
    linker: &Linker,
    reserved: &[impl AsRef<str>],
    embeds: bool,
) -> Result<Rendered, Failed> {
    let mut out = Rendered::default();
    let mut errors = Vec::new();
    let mut events: Vec<(Event, std::ops::Range<usize>)> = Parser::new_ext(markdown, options())
        .into_offset_iter()
        .collect();

    assign_heading_ids(&mut events, &mut out, reserved);

    let content_rel = content_rel(source, linker);
    let skip: Vec<std::ops::Range<usize>> = events
        .iter()
        .filter(|(e, _)| {
            matches!(
                e,
                Event::Start(Tag::Image { .. } | Tag::CodeBlock(_)) | Event::Code(_)
            )
        })
        .map(|(_, r)| r.clone())
        .collect();
    super::figure::unparsed(markdown, &skip, line_offset, source, &mut errors);
    let mut images = Vec::new();
    let mut rewritten = Vec::with_capacity(events.len() + 8);
    // Where embeds are: the level of the last heading, how deep in lists and quotes the
    // text is, and whether the events of an embed's paragraph are being left out.
    let (mut last_level, mut depth, mut in_embed, mut in_code) = (1u8, 0usize, false, false);
    for (event, range) in events {
        if in_embed {
            in_embed = !matches!(event, Event::End(TagEnd::Paragraph));
            continue;
        }
        match &event {
            Event::Start(Tag::Heading { level, .. }) => last_level = heading_number(*level),
            Event::Start(Tag::CodeBlock(_)) => in_code = true,
            Event::End(TagEnd::CodeBlock) => in_code = false,
            Event::Start(Tag::BlockQuote(_) | Tag::Item | Tag::FootnoteDefinition(_)) => depth += 1,
            Event::End(TagEnd::BlockQuote(_) | TagEnd::Item | TagEnd::FootnoteDefinition) => {
                depth = depth.saturating_sub(1)
            }
            Event::Start(Tag::Paragraph) if embed::is_embed(&markdown[range.clone()]) => {
                in_embed = true;
                let level = (last_level + 1).clamp(2, 4);
                let place = Place {
                    markdown,
                    start: range.start,
                    line_offset,
                    source,
                };
                let text = &markdown[range.clone()];
                if depth > 0 || !embeds {
                    let (message, hint) = if depth > 0 {
                        ("an embed cannot be inside a list, a quote or a footnote", "write the embed on a line of its own, with an empty line before and after it, at the start of the line")
                    } else {
                        ("embeds are shown only in pages and in the text of initiatives", "remove the embed here; write it in a page in pages/ or in an initiative's text")
                    };
                    errors.push(place.error(0, 2, message, hint));
                    continue;
                }
                match embed::parse(text, level, file) {
                    Ok((mut e, places)) => {
                        if let (Some(arg), Some(&(at, len))) = (e.target.as_mut(), places.first()) {
                            (arg.line, arg.column) =
                                line_col(markdown, range.start + at, line_offset);
                            arg.width = text[at..at + len].chars().count().max(1);
                        }
                        rewritten.push(Event::Html(CowStr::from(format!(
                            "{}\n",
                            embed::marker(out.embeds.len())
                        ))));
                        out.embeds.push(e);
                    }
                    Err(problems) => errors.extend(
                        problems
                            .into_iter()
                            .map(|p| place.error(p.at, p.width, &p.message, &p.hint)),
                    ),
                }
                continue;
            }
            Event::Text(_) if !in_code => {
                // A backslash before `{{` keeps it text; the text after an escape starts
                // after the backslash.
                let escaped = markdown[..range.start].ends_with('\\');
                let start = range.start - usize::from(escaped);
                let written = &markdown[start..range.end];
                if let Some(at) = embed::inline_embed(written) {
                    let place = Place {
                        markdown,
                        start,
                        line_offset,
                        source,
                    };
                    errors.push(place.error(
                        at,
                        2,
                        "an embed stands alone in its paragraph, not inside running text",
                        "put the embed on a line of its own with an empty line before and after it; to show it as text, write `\\{{`",
                    ));
                }
            }
            _ => {}
        }
        let event = match event {
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                let (line, column) = line_col(markdown, range.start, line_offset);
                let dest = resolve(
                    &dest_url,
                    content_rel,
                    own_path,
                    file,
                    line,
                    column,
                    source,
                    linker,
                    &mut out,
                    &mut errors,
                );
                Event::Start(Tag::Link {
                    link_type,
                    dest_url: dest,
                    title,
                    id,
                })
            }
            // Images are made into `<img>` with their sizes once every event is known
            // (render/figure.rs): here only where each is written is noted.
            Event::Start(Tag::Image { .. }) => {
                let (line, column) = line_col(markdown, range.start, line_offset);
                let width = markdown[range.clone()].trim_end().chars().count();
                images.push(super::figure::At {
                    line,
                    column,
                    width,
                });
                event
            }
            Event::Start(Tag::Table(a)) => {
                // A wide table scrolls inside its own focusable region on a phone.
                rewritten.push(Event::Html(CowStr::Borrowed(
                    "<div class=\"table-scroll\" tabindex=\"0\" role=\"region\" aria-label=\"Tabell\">",
                )));
                Event::Start(Tag::Table(a))
            }
            Event::End(TagEnd::Table) => {
                rewritten.push(Event::End(TagEnd::Table));
                Event::Html(CowStr::Borrowed("</div>"))
            }
            // Raw HTML could put a script on the site: unless the site opts in, it is
            // shown as the text it is, a block of it as a paragraph.
            Event::Start(Tag::HtmlBlock) if !linker.allow_html => Event::Start(Tag::Paragraph),
            Event::End(TagEnd::HtmlBlock) if !linker.allow_html => Event::End(TagEnd::Paragraph),
            Event::Html(text) | Event::InlineHtml(text) if !linker.allow_html => Event::Text(text),
            other => other,
        };
        rewritten.push(event);
    }
    let figures = super::figure::Context {
        source,
        content_rel,
        linker,
    };
    let mut rewritten = super::figure::rewrite(rewritten, &images, &figures, &mut errors);
    norwegian_quotes(&mut rewritten);
    align_with_classes(&mut rewritten);
    out.html.reserve(markdown.len() * 3 / 2);
    html::push_html(&mut out.html, rewritten.into_iter());
    // What is kept of every body is held until the site is written: no room to spare.
    out.html.shrink_to_fit();
    out.headings.shrink_to_fit();
    out.links.shrink_to_fit();
    if errors.is_empty() {
        Ok(out)
    } else {
        // Images are checked after the rest: the problems go in the order they are written.
        errors.sort_by_key(|d| d.location.as_ref().map(|l| (l.line, l.column)));
        Err(Failed {
            errors,
            rendered: out,
        })
    }
}

/// Markdown that could not be rendered without problems: the problems, and what was
/// rendered (whose links are still checked, so that one run reports them all).
#[derive(Debug)]
pub struct Failed {
    pub errors: Vec<Diagnostic>,
    pub rendered: Rendered,
}

/// Where a piece of Markdown starts, to turn byte offsets in it into places in the file.
struct Place<'a> {
    markdown: &'a str,
    start: usize,
    line_offset: usize,
    source: &'a SourceFile,
}

impl Place<'_> {
    /// An error at byte `at` of the piece, underlining `width` bytes.
    fn error(&self, at: usize, width: usize, message: &str, hint: &str) -> Diagnostic {
        let from = self.start + at;
        let (line, column) = line_col(self.markdown, from, self.line_offset);
        let end = (from + width).min(self.markdown.len());
        let width = self
            .markdown
            .get(from..end)
            .map_or(1, |s| s.chars().count());
        Diagnostic::error(self.source.path.clone(), message)
            .at(&self.source.text, line, column, width)
            .hint(hint)
    }
}

/// Whether `text` holds “ or ” (E2 80 9C, E2 80 9D): every text of every body is
/// looked at, and few hold one.
fn has_double_quote(text: &str) -> bool {
    let bytes = text.as_bytes();
    memchr::memchr_iter(0xE2, bytes)
        .any(|i| bytes.get(i + 1) == Some(&0x80) && matches!(bytes.get(i + 2), Some(0x9C | 0x9D)))
}

/// Norwegian quotation marks: smart punctuation gives “…” (and ‘…’); Norwegian writes
/// «…», with ‘…’ for a quotation inside one. Double quotes become «…» at the outer level
/// and ‘…’ inside; single quotes (and apostrophes, ’) are left as they are. Whether a
/// mark opens or closes is decided again here, from the characters on either side across
/// inline markup (smart punctuation takes the `"` in `**"tillit"**"` for an opening
/// one), and the depth starts again at each block, so one unclosed mark cannot turn the
/// rest of a page.
fn norwegian_quotes(events: &mut [Event]) {
    if !events
        .iter()
        .any(|e| matches!(e, Event::Text(t) if has_double_quote(t)))
    {
        return;
    }
    // The first character of the text after each event, within its block.
    let mut next_after = vec![None; events.len()];
    let mut next: Option<char> = None;
    for i in (0..events.len()).rev() {
        next_after[i] = next;
        match &events[i] {
            Event::Text(t) | Event::Code(t) => next = t.chars().next().or(next),
            Event::SoftBreak | Event::HardBreak => next = Some(' '),
            e if is_block_boundary(e) => next = None,
            _ => {}
        }
    }
    let (mut depth, mut prev) = (0usize, None::<char>);
    for (i, event) in events.iter_mut().enumerate() {
        match event {
            Event::Text(text) => {
                if !has_double_quote(text) {
                    prev = text.chars().next_back().or(prev);
                    continue;
                }
                let mut out = String::with_capacity(text.len());
                let mut chars = text.chars().peekable();
                while let Some(c) = chars.next() {
                    let c = if c == '“' || c == '”' {
                        let after = chars.peek().copied().or(next_after[i]);
                        let closes = depth > 0
                            && (c == '”'
                                || (prev.is_some_and(|p| !p.is_whitespace())
                                    && after.is_none_or(|a| {
                                        a.is_whitespace() || ".,;:!?)]»’“”-–—…/".contains(a)
                                    })));
                        if closes {
                            depth -= 1;
                            if depth == 0 {
                                '»'
                            } else {
                                '’'
                            }
                        } else if c == '”' {
                            '»'
                        } else {
                            depth += 1;
                            if depth == 1 {
                                '«'
                            } else {
                                '‘'
                            }
                        }
                    } else {
                        c
                    };
                    out.push(c);
                    prev = Some(c);
                }
                *text = CowStr::from(out);
            }
            Event::Code(t) => prev = t.chars().next_back().or(prev),
            Event::SoftBreak | Event::HardBreak => prev = Some(' '),
            e if is_block_boundary(e) => (depth, prev) = (0, None),
            _ => {}
        }
    }
}

/// Whether an event starts or ends a block (a paragraph, a list item, a table cell), as
/// opposed to inline markup inside one.
fn is_block_boundary(event: &Event) -> bool {
    let inline = |t: &Tag| {
        matches!(
            t,
            Tag::Emphasis
                | Tag::Strong
                | Tag::Strikethrough
                | Tag::Link { .. }
                | Tag::Image { .. }
                | Tag::Superscript
                | Tag::Subscript
        )
    };
    match event {
        Event::Start(t) => !inline(t),
        Event::End(t) => !matches!(
            t,
            TagEnd::Emphasis
                | TagEnd::Strong
                | TagEnd::Strikethrough
                | TagEnd::Link
                | TagEnd::Image
                | TagEnd::Superscript
                | TagEnd::Subscript
        ),
        _ => false,
    }
}

/// Table columns aligned with `:---:` and `---:` get a class (`left`, `center`, `right`)
/// instead of the `style="text-align: …"` pulldown-cmark writes, which the site's
/// Content-Security-Policy (`style-src 'self'`) blocks; the theme's stylesheet aligns them.
fn align_with_classes(events: &mut [Event]) {
    let mut columns: Vec<Alignment> = Vec::new();
    let (mut in_head, mut cell) = (false, 0usize);
    for event in events.iter_mut() {
        match event {
            Event::Start(Tag::Table(alignments)) => {
                columns = std::mem::take(alignments);
                alignments.resize(columns.len(), Alignment::None);
            }
            Event::Start(Tag::TableHead) => (in_head, cell) = (true, 0),
            Event::End(TagEnd::TableHead) => in_head = false,
            Event::Start(Tag::TableRow) => cell = 0,
            Event::End(TagEnd::TableCell) => cell += 1,
            Event::Start(Tag::TableCell) => {
                let class = match columns.get(cell) {
                    Some(Alignment::Left) => "left",
                    Some(Alignment::Center) => "center",
                    Some(Alignment::Right) => "right",
                    _ => continue,
                };
                let element = if in_head { "th" } else { "td" };
                *event = Event::Html(CowStr::from(format!("<{element} class=\"{class}\">")));
            }
            _ => {}
        }
    }
}

/// Gives every heading an id: its own `{#id}`, else a slug of its text, unique on the page.
fn assign_heading_ids(
    events: &mut [(Event, std::ops::Range<usize>)],
    out: &mut Rendered,
    reserved: &[impl AsRef<str>],
) {
    let mut i = 0;
    while i < events.len() {
        if let Event::Start(Tag::Heading { .. }) = &events[i].0 {
            let mut text = String::new();
            let mut j = i + 1;
            while j < events.len() && !matches!(events[j].0, Event::End(TagEnd::Heading(_))) {
                if let Event::Text(t) | Event::Code(t) = &events[j].0 {
                    text.push_str(t);
                }
                j += 1;
            }
            if let Event::Start(Tag::Heading { level, id, .. }) = &mut events[i].0 {
                let wanted = match id {
                    Some(given) => given.to_string(),
                    None => {
                        let s = slugify(&text);
                        if s.is_empty() {
                            "seksjon".to_owned()
                        } else {
                            s
                        }
                    }
                };
                let mut unique = wanted.clone();
                let mut n = 2;
                while out.anchors().any(|a| a == unique)
                    || reserved.iter().any(|r| r.as_ref() == unique)
                {
                    unique = format!("{wanted}-{n}");
                    n += 1;
                }
                *id = Some(CowStr::from(unique.clone()));
                out.headings.push((heading_number(*level), text, unique));
            }
            i = j;
        }
        i += 1;
    }
}

fn heading_number(level: HeadingLevel) -> u8 {
    match level {
        HeadingLevel::H1 => 1,
        HeadingLevel::H2 => 2,
        HeadingLevel::H3 => 3,
        HeadingLevel::H4 => 4,
        HeadingLevel::H5 => 5,
        HeadingLevel::H6 => 6,
    }
}

pub(super) fn line_col(markdown: &str, offset: usize, line_offset: usize) -> (usize, usize) {
    let before = &markdown[..offset.min(markdown.len())];
    let line = before.matches('\n').count() + line_offset;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, column)
}

/// Where a link leads, as far as the site's files and addresses say: all that rendering
/// it reads besides the page's own address and the text it is written in.
#[derive(Debug, PartialEq, Eq)]
enum Target {
    /// Not a link to check: an address elsewhere, or none.
    Elsewhere,
    /// The site path the link is recorded with (`LinkRef::path`), without its anchor.
    Site(String),
    /// A page's own anchor (`#roller`): recorded with the page's address.
    Own,
    /// Out of the content folder.
    Outside,
    /// A record file that is not there: `content/<target>`.
    Missing { dir: String, target: String },
    /// A file outside `pages/`, which cannot be linked as a file.
    NotPages,
}

/// Where `written`, a link in the file at `content_rel` (below the content folder),
/// leads (not checked for a refused scheme: `refused`).
fn target(written: &str, content_rel: &str, linker: &Linker) -> Target {
    let is_external = written.starts_with("//")
        || written
            .split_once(':')
            .is_some_and(|(scheme, _)| !scheme.contains('/') && !scheme.is_empty());
    if is_external || written.is_empty() {
        return Target::Elsewhere;
    }
    let (path_part, anchor) = match written.split_once('#') {
        Some((p, a)) => (p, Some(a)),
        None => (written, None),
    };
    let path_part = path_part.split('?').next().unwrap_or("");
    if path_part.is_empty() {
        return Target::Own;
    }
    if path_part.starts_with('/') {
        let site_path = linker.urls.site(path_part);
        // An event past the first page of a timeline: its page, wherever the list puts it.
        return match anchor.and_then(|a| linker.events.get(&format!("{site_path}#{a}"))) {
            Some(page) => Target::Site(page.clone()),
            None => Target::Site(site_path),
        };
    }
    let dir = content_rel.rsplit_once('/').map_or("", |(d, _)| d);
    let Some(target) = normalize(dir, path_part) else {
        return Target::Outside;
    };
    let is_record = [".md", ".yaml", ".yml"].iter().any(|e| target.ends_with(e));
    if is_record {
        match linker.sources.get(&target) {
            Some(site_path) => Target::Site(site_path.clone()),
            None => Target::Missing {
                dir: dir.to_owned(),
                target,
            },
        }
    } else if let Some(asset) = target.strip_prefix("pages/") {
        Target::Site(linker.urls.file(asset))
    } else {
        Target::NotPages
    }
}

/// Whether `link`, recorded when a body in the file at `content_rel` for the page at
/// `own_path` was rendered, leads where it did then: a body whose every link does, and
/// whose text, file, address and the rest of `linker` are the same, renders the same.
pub(super) fn leads_as_before(
    link: &LinkRef,
    content_rel: &str,
    own_path: &str,
    linker: &Linker,
) -> bool {
    match target(&link.written, content_rel, linker) {
        Target::Site(path) => path == link.path,
        Target::Own => own_path == link.path,
        _ => false,
    }
}

/// The file a body is written in, below the content folder as `linker` names it.
pub(super) fn content_rel<'s>(source: &'s SourceFile, linker: &Linker) -> &'s str {
    source
        .path
        .strip_prefix(linker.content_dir)
        .and_then(|p| p.strip_prefix('/'))
        .unwrap_or(&source.path)
}

/// Rewrites one link destination and records it for checking.
#[allow(clippy::too_many_arguments)]
fn resolve<'a>(
    dest: &CowStr<'a>,
    content_rel: &str,
    own_path: &str,
    file: usize,
    line: usize,
    column: usize,
    source: &SourceFile,
    linker: &Linker,
    out: &mut Rendered,
    errors: &mut Vec<Diagnostic>,
) -> CowStr<'a> {
    let written = dest.to_string();
    if let Some(d) = refused(&written, source, line, column) {
        errors.push(d);
        return dest.clone();
    }
    let anchor = written.split_once('#').map(|(_, a)| a.to_owned());
    let mut record = |path: &str| {
        out.links.push(LinkRef {
            path: path.to_owned(),
            anchor: anchor.clone().filter(|a| !a.is_empty()),
            file,
            line,
            column,
            written: written.clone(),
        });
        CowStr::from(match &anchor {
            Some(a) => format!("{}#{a}", linker.urls.href(path)),
            None => linker.urls.href(path),
        })
    };
    let broken = |message: String, suggestion: Option<String>| {
        link_error(source, line, column, &written, &message, suggestion)
    };
    let error = match target(&written, content_rel, linker) {
        Target::Elsewhere => return dest.clone(),
        Target::Own => {
            record(own_path);
            return dest.clone();
        }
        Target::Site(site_path) => return record(&site_path),
        Target::Outside => broken(
            format!("the link points outside the {}/ folder", linker.content_dir),
            None,
        )
        .hint("link only to files inside content/; for a page elsewhere on the web, write its full address (https://…)"),
        Target::Missing { dir, target } => {
            let folder = target.rsplit_once('/').map_or("", |(d, _)| d);
            let names = linker
                .sources
                .keys()
                .filter(|k| k.rsplit_once('/').map_or("", |(d, _)| d) == folder)
                .map(String::as_str);
            let suggestion = did_you_mean(&target, names).map(|s| relative_from(&dir, s));
            let content = linker.content_dir;
            broken(
                format!("the link points to {content}/{target}, which does not exist"),
                suggestion,
            )
        }
        Target::NotPages => broken(
            format!(
                "only files under {}/pages/ can be linked as files",
                linker.content_dir
            ),
            None,
        ),
    };
    errors.push(error);
    dest.clone()
}

/// The error for an address of a kind that is not accepted (`javascript:`), if it is one.
pub(super) fn refused(
    written: &str,
    source: &SourceFile,
    line: usize,
    column: usize,
) -> Option<Diagnostic> {
    let scheme = crate::model::url::refused_scheme(written)?;
    Some(
        Diagnostic::error(
            source.path.clone(),
            format!("the link `{written}` is a `{scheme}:` address, which is not accepted"),
        )
        .at(&source.text, line, column, written.chars().count() + 4)
        .hint(crate::model::url::HINT),
    )
}

fn link_error(
    source: &SourceFile,
    line: usize,
    column: usize,
    written: &str,
    message: &str,
    suggestion: Option<String>,
) -> Diagnostic {
    let hint = match suggestion {
        Some(s) => format!("did you mean `{s}`?"),
        None => "link to another record by the relative path of its file, e.g. `../initiatives/kompetansestrategi.md`, or to a page address such as `/tidslinje/`".to_owned(),
    };
    Diagnostic::error(
        source.path.clone(),
        format!("broken link `{written}`: {message}"),
    )
    .at(&source.text, line, column, written.chars().count() + 4)
    .hint(hint)
}

/// `dir` + `rel` with `.` and `..` resolved; None when it climbs out of content/.
pub(super) fn normalize(dir: &str, rel: &str) -> Option<String> {
    let mut parts: Vec<&str> = dir.split('/').filter(|s| !s.is_empty()).collect();
    for seg in rel.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            s => parts.push(s),
        }
    }
    Some(parts.join("/"))
}

/// How `target` (content-relative) is written from a file in `dir`.
fn relative_from(dir: &str, target: &str) -> String {
    let depth = dir.split('/').filter(|s| !s.is_empty()).count();
    format!("{}{target}", "../".repeat(depth))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sources() -> BTreeMap<String, String> {
        [
            (
                "initiatives/kompetansestrategi.md",
                "/initiativ/kompetansestrategi/",
            ),
            ("actors/ks.yaml", "/aktorer/ks/"),
            ("pages/om.md", "/om/"),
        ]
        .into_iter()
        .map(|(a, b)| (a.to_owned(), b.to_owned()))
        .collect()
    }

    /// `kart.png` (1600 × 900, in three sizes) and `logo.svg` (no size), at the top of pages/.
    pub(crate) fn test_images() -> crate::images::Images {
        use crate::images::{Image, Variant};
        let variant = |width: u32, height: u32| Variant {
            width,
            height,
            rel: format!("kart-{width}.0123456789.png"),
            file: format!("/cache/{width}.png").into(),
            bytes: 1000,
        };
        let kart = Image {
            rel: "kart.png".into(),
            size: Some((1600, 900)),
            variants: vec![variant(480, 270), variant(800, 450), variant(1200, 675)],
        };
        let logo = Image {
            rel: "logo.svg".into(),
            size: None,
            variants: Vec::new(),
        };
        [kart, logo]
            .into_iter()
            .map(|i| (i.rel.clone(), std::sync::Arc::new(i)))
            .collect()
    }

    /// Each problem's place and message.
    fn places(errs: &[Diagnostic]) -> Vec<(String, String)> {
        errs.iter()
            .map(|d| (d.position(), d.message.clone()))
            .collect()
    }

    fn render_in(path: &str, md: &str) -> Result<Rendered, Vec<Diagnostic>> {
        render_with(path, md).map_err(|f| f.errors)
    }

    fn render_with(path: &str, md: &str) -> Result<Rendered, Failed> {
        let src = SourceFile {
            path: path.into(),
            text: format!("---\ntitle: x\n---\n{md}").into(),
            body_line: 4,
        };
        let s = sources();
        let urls = Urls::new(crate::model::Lang::Nb, "", "");
        let images = test_images();
        let linker = Linker {
            sources: &s,
            urls: &urls,
            content_dir: "content",
            allow_html: md.contains("<!-- allow_html -->"),
            images: &images,
            events: &BTreeMap::from([
                (
                    "/tidslinje/#hending-60".to_owned(),
                    "/tidslinje/side/2/".to_owned(),
                ),
                (
                    "/tidslinje/tillit/#hending-60".to_owned(),
                    "/tidslinje/tillit/side/3/".to_owned(),
                ),
            ]),
        };
        render(md, &src, 4, "/own/", 0, &linker, &["fakta"], true)
    }

    /// Each link a body records leads where it did for as long as the addresses it
    /// depends on stay; then a stored body is taken. One whose target moved, or whose
    /// event went on to another page of the timeline, does not.
    #[test]
    fn a_recorded_link_leads_as_before_until_its_target_moves() {
        let md = "[Om](../om.md), [KS](../../actors/ks.yaml#roller), [her](#fakta), \
                  [hending](/tidslinje/#hending-60), [fil](vedlegg.pdf), [ute](https://x.no)";
        let r = render_in("content/pages/a/x.md", md).unwrap();
        assert_eq!(r.links.len(), 5, "{:?}", r.links);
        let urls = Urls::new(crate::model::Lang::Nb, "", "");
        let images = test_images();
        let (mut s, mut events) = (sources(), BTreeMap::new());
        events.insert(
            "/tidslinje/#hending-60".to_owned(),
            "/tidslinje/side/2/".to_owned(),
        );
        let leads = |s: &BTreeMap<String, String>, events: &BTreeMap<String, String>| {
            let linker = Linker {
                sources: s,
                urls: &urls,
                content_dir: "content",
                allow_html: false,
                images: &images,
                events,
            };
            r.links
                .iter()
                .map(|l| leads_as_before(l, "pages/a/x.md", "/own/", &linker))
                .collect::<Vec<_>>()
        };
        assert_eq!(leads(&s, &events), [true; 5]);
        // Another page added: nothing this body links to moved.
        s.insert("pages/ny.md".into(), "/ny/".into());
        assert_eq!(leads(&s, &events), [true; 5]);
        s.insert("pages/om.md".into(), "/om-oss/".into());
        events.insert(
            "/tidslinje/#hending-60".to_owned(),
            "/tidslinje/side/3/".to_owned(),
        );
        assert_eq!(leads(&s, &events), [false, true, true, false, true]);
        s.remove("actors/ks.yaml");
        assert!(!leads(&s, &events)[1], "a target removed");
    }

    #[test]
    fn raw_html_is_text_unless_the_site_allows_it() {
        let md = "<script>alert(1)</script>\n\nTekst med <b onclick=\"x()\">fet</b>.\n";
        let r = render_in("content/pages/x.md", md).unwrap();
        assert_eq!(
            r.html,
            "<p>&lt;script&gt;alert(1)&lt;/script&gt;\n</p>\n<p>Tekst med &lt;b onclick=\"x()\"&gt;fet&lt;/b&gt;.</p>\n"
        );
        let allowed = format!("<!-- allow_html -->\n\n{md}");
        let r = render_in("content/pages/x.md", &allowed).unwrap();
        assert!(r.html.contains("<script>alert(1)</script>"), "{}", r.html);
        assert!(r.html.contains("<b onclick=\"x()\">fet</b>"), "{}", r.html);
    }

    #[test]
    fn only_web_mail_phone_and_site_addresses_are_linked() {
        let errs = render_in(
            "content/pages/x.md",
            "Tekst\n\n[a](javascript:alert(1)) ![b](data:image/png;base64,AA) <vbscript:x>\n\n[c]: JAVASCRIPT:y\n\n[ref][c]",
        )
        .unwrap_err();
        let found = places(&errs);
        assert_eq!(
            found,
            [
                ("content/pages/x.md:6:1".into(), "the link `javascript:alert(1)` is a `javascript:` address, which is not accepted".into()),
                ("content/pages/x.md:6:26".into(), "the link `data:image/png;base64,AA` is a `data:` address, which is not accepted".into()),
                ("content/pages/x.md:6:57".into(), "the link `vbscript:x` is a `vbscript:` address, which is not accepted".into()),
                ("content/pages/x.md:10:1".into(), "the link `JAVASCRIPT:y` is a `javascript:` address, which is not accepted".into()),
            ]
        );
        assert_eq!(errs[0].hint.as_deref(), Some(crate::model::url::HINT));
    }

    #[test]
    fn text_is_what_a_reader_sees() {
        let r = render_in(
            "content/pages/x.md",
            "# Tittel\n\nEn **barne**vern-sak & \"tillit\".\n\n| År | Tiltak |\n|---|---|\n| 2020 | kurs |\n\n- en\n- to\n\n![Kart over Norge](/kart.png)\n",
        )
        .unwrap();
        let text = r.text();
        assert_eq!(
            text.split_whitespace().collect::<Vec<_>>().join(" "),
            "Tittel En barnevern-sak & «tillit». År Tiltak 2020 kurs en to Kart over Norge"
        );
    }

    #[test]
    fn plain_text_decodes_references_and_keeps_stray_ampersands() {
        assert_eq!(plain_text("a&amp;b &#39;c&#x27; &lt;d&gt;"), "a&b 'c' <d>");
        assert_eq!(plain_text("R&D &unknown; &"), "R&D &unknown; &");
        assert_eq!(plain_text("<p>a</p><p>b<br />c</p>"), " a b c ");
        assert_eq!(plain_text("<img src=\"x\" alt=\"A &amp; B\" />"), " A & B ");
        assert_eq!(plain_text("<!-- TODO -> fjern -->tekst"), "tekst");
        assert_eq!(plain_text("a<script>var hemmelig = 1;</script>b"), "a b");
        assert_eq!(plain_text("a<STYLE>p { x: 1 }</style>b"), "a b");
        assert_eq!(plain_text("<span title=\"a > b\">ord</span>"), "ord");
        assert_eq!(plain_text("bl&aring;b&aelig;r"), "blåbær");
        assert_eq!(plain_text("<p>a<script>"), " a ");
        assert_eq!(plain_text("<p unterminated"), " ");
    }

    #[test]
    fn footnote_marks_are_not_words() {
        let r = render_in(
            "content/pages/x.md",
            "Tillit[^1] er viktig.\n\n[^1]: Se avtalen.\n",
        )
        .unwrap();
        let text = r.text();
        let words: Vec<&str> = text.split_whitespace().collect();
        assert_eq!(
            words,
            ["Tillit", "er", "viktig.", "Se", "avtalen."],
            "{}",
            r.html
        );
    }

    #[test]
    fn rewrites_source_links_and_records_them() {
        let r = render_in(
            "content/pages/artikler/a.md",
            "[s](../../initiatives/kompetansestrategi.md#tiltak) og [t](/tidslinje/)",
        )
        .unwrap();
        assert!(
            r.html
                .contains("href=\"/initiativ/kompetansestrategi/#tiltak\""),
            "{}",
            r.html
        );
        assert_eq!(r.links.len(), 2);
        assert_eq!(r.links[0].anchor.as_deref(), Some("tiltak"));
        assert_eq!(r.links[1].path, "/tidslinje/");
    }

    #[test]
    fn missing_file_names_line_and_suggests() {
        let errs = render_in(
            "content/initiatives/x.md",
            "Tekst\n\nSe [KS](../actors/ks2.yaml).",
        )
        .unwrap_err();
        assert_eq!(errs[0].position(), "content/initiatives/x.md:6:4");
        assert_eq!(
            errs[0].hint.as_deref(),
            Some("did you mean `../actors/ks.yaml`?")
        );
    }

    #[test]
    fn embeds_are_marked_where_they_go_and_placed_in_the_file() {
        let r = render_with(
            "content/pages/x.md",
            "## Om\n\nTekst.\n\n{{ roles(initiative=\"tillitsavtalen\") }}\n\n`{{ facts(initiative=\"x\") }}`\n",
        )
        .unwrap();
        assert_eq!(r.embeds.len(), 1);
        assert_eq!(r.embeds[0].level, 3, "one below the `##` it follows");
        let arg = r.embeds[0].target.as_ref().unwrap();
        // The front matter is three lines: the embed is on line 8 of the file.
        assert_eq!((arg.line, arg.column, arg.width), (8, 22, 14));
        assert!(
            r.html.contains("<!--mandat-embed:0-->\n<p><code>{{ facts"),
            "{}",
            r.html
        );
        assert!(!r.text().contains("roles"), "the marker is no text");

        // Inside a list, or where embeds are not shown, an embed is an error at its place.
        let f = render_with(
            "content/pages/x.md",
            "- a\n\n- {{ facts(initiative=\"x\") }}\n",
        )
        .unwrap_err();
        assert_eq!(
            f.errors[0].message,
            "an embed cannot be inside a list, a quote or a footnote"
        );
        assert_eq!(f.errors[0].position(), "content/pages/x.md:6:3");
        let src = SourceFile {
            path: "content/events/a.yaml".into(),
            text: "{{ facts(initiative=\"x\") }}\n".into(),
            body_line: 1,
        };
        let s = sources();
        let urls = Urls::new(crate::model::Lang::Nb, "", "");
        let images = test_images();
        let linker = Linker {
            sources: &s,
            urls: &urls,
            content_dir: "content",
            allow_html: false,
            images: &images,
            events: &BTreeMap::new(),
        };
        let f = render(
            &src.text,
            &src,
            1,
            "/tidslinje/",
            0,
            &linker,
            &["main"],
            false,
        )
        .unwrap_err();
        assert_eq!(
            f.errors[0].message,
            "embeds are shown only in pages and in the text of initiatives"
        );
    }

    #[test]
    fn a_body_with_a_broken_file_link_keeps_its_other_links() {
        let f = render_with(
            "content/pages/x.md",
            "[a](../initiatives/nope.md) [b](/tidslinja/)\n",
        )
        .unwrap_err();
        assert_eq!(f.errors.len(), 1);
        assert_eq!(
            f.rendered.links.len(),
            1,
            "the address is still checked later"
        );
        assert_eq!(f.rendered.links[0].path, "/tidslinja/");
    }

    #[test]
    fn headings_get_unique_ids() {
        let r = render_in(
            "content/pages/om.md",
            "## Bakgrunn\n\n## Bakgrunn\n\n## Mål {#maal}\n",
        )
        .unwrap();
        assert_eq!(
            r.anchors().collect::<Vec<_>>(),
            ["bakgrunn", "bakgrunn-2", "maal"]
        );
        assert!(r.html.contains("<h2 id=\"bakgrunn-2\">"));
        let r = render_in("content/pages/a.md", "## Fakta\n").unwrap();
        assert_eq!(
            r.anchors().collect::<Vec<_>>(),
            ["fakta-2"],
            "the template's own id is not taken"
        );
    }

    #[test]
    fn leaves_external_links_alone_and_wraps_tables() {
        let r = render_in(
            "content/pages/om.md",
            "[a](https://ks.no) [b](mailto:a@b.no)\n\n| a |\n|---|\n| 1 |\n",
        )
        .unwrap();
        assert!(r.html.contains("href=\"https://ks.no\""));
        assert!(r.links.is_empty());
        assert!(r.html.contains("<div class=\"table-scroll\""));
        assert!(r.html.trim_end().ends_with("</div>"));
    }

    #[test]
    fn quotation_marks_are_norwegian() {
        let r = render_in(
            "content/pages/x.md",
            "Han sa \"dette er **\"tillit\"**\" og 'slik'.\n\nBarnevernets \"ansvar\".\n\n`\"kode\"`\n",
        )
        .unwrap();
        assert!(
            r.html
                .contains("Han sa «dette er <strong>‘tillit’</strong>» og ‘slik’."),
            "{}",
            r.html
        );
        assert!(r.html.contains("Barnevernets «ansvar»."), "{}", r.html);
        assert!(r.html.contains("<code>\"kode\"</code>"), "{}", r.html);
        // An unclosed quotation does not carry into the next paragraph.
        let r = render_in("content/pages/x.md", "\"åpen\n\n\"ny\"\n").unwrap();
        assert!(r.html.contains("<p>«ny»</p>"), "{}", r.html);
    }

    #[test]
    fn aligned_columns_get_classes_not_styles() {
        let r = render_in(
            "content/pages/x.md",
            "| År | Tiltak | Kroner |\n|:---|:---:|---:|\n| 2020 | kurs | 1 000 |\n",
        )
        .unwrap();
        assert!(!r.html.contains("style="), "{}", r.html);
        assert!(
            r.html.contains("<th class=\"left\">År</th><th class=\"center\">Tiltak</th><th class=\"right\">Kroner</th>"),
            "{}",
            r.html
        );
        assert!(
            r.html.contains("<td class=\"left\">2020</td><td class=\"center\">kurs</td><td class=\"right\">1 000</td>"),
            "{}",
            r.html
        );
    }

    #[test]
    fn images_get_their_sizes_and_alt_text() {
        let r = render_in(
            "content/pages/x.md",
            "Se ![Kart over Norge](kart.png) her.\n",
        )
        .unwrap();
        assert_eq!(
            r.html,
            "<p>Se <img src=\"/kart-800.0123456789.png\" srcset=\"/kart-480.0123456789.png 480w, /kart-800.0123456789.png 800w, /kart-1200.0123456789.png 1200w\" sizes=\"(min-width: 44rem) 42rem, 100vw\" width=\"1200\" height=\"675\" alt=\"Kart over Norge\" loading=\"lazy\" decoding=\"async\"> her.</p>\n"
        );
        // Decoration, an SVG (no size given), the file name in brackets or escaped.
        let r = render_in(
            "content/pages/a/x.md",
            "![Dekorativ](../logo.svg) ![Kart](<../kart.png>) ![Kart](/kart%2Epng)",
        )
        .unwrap();
        assert!(
            r.html.contains("<img src=\"/logo.svg\" alt=\"\" loading"),
            "{}",
            r.html
        );
        assert_eq!(r.html.matches("srcset=").count(), 2, "{}", r.html);
        // An image elsewhere on the web is left as it is, and still needs alt text.
        let r = render_in("content/pages/x.md", "![Logo](https://example.no/l.png)").unwrap();
        assert!(
            r.html
                .contains("<img src=\"https://example.no/l.png\" alt=\"Logo\">"),
            "{}",
            r.html
        );
        let errs = render_in("content/pages/x.md", "![ ](https://example.no/l.png)").unwrap_err();
        assert!(
            errs[0].message.contains("has no alt text"),
            "{}",
            errs[0].message
        );
    }

    #[test]
    fn an_image_with_a_line_in_italics_is_a_figure() {
        let r = render_in(
            "content/pages/x.md",
            "![Kart over Norge](kart.png)\n*Fylkene i 2020, med \"nye\" grenser. Foto: Kartverket*\n",
        )
        .unwrap();
        assert!(
            r.html
                .starts_with("<figure><img src=\"/kart-800.0123456789.png\""),
            "{}",
            r.html
        );
        assert!(
            r.html.ends_with(" alt=\"Kart over Norge\" loading=\"lazy\" decoding=\"async\"><figcaption>Fylkene i 2020, med «nye» grenser. <span class=\"credit\">Foto: Kartverket</span></figcaption></figure>\n"),
            "{}",
            r.html
        );
        // Italics in running text after an image, or bold below it, are no caption.
        let r = render_in("content/pages/x.md", "![Kart](kart.png)\n**Fet**\n").unwrap();
        assert!(!r.html.contains("<figure>"), "{}", r.html);
        let r = render_in("content/pages/x.md", "Tekst ![Kart](kart.png)\n*kursiv*\n").unwrap();
        assert!(!r.html.contains("<figure>"), "{}", r.html);
    }

    #[test]
    fn image_mistakes_name_the_place_and_the_fix() {
        let errs = render_in(
            "content/pages/x.md",
            "Tekst\n\n![](kart.png)\n\n![Kart](kartt.png) ![Rapport](rapport.pdf)\n\n![Et bilde](mitt bilde.jpg)\n",
        )
        .unwrap_err();
        let found = places(&errs);
        assert_eq!(
            found,
            [
                ("content/pages/x.md:6:1".into(), "the image `kart.png` has no alt text".into()),
                ("content/pages/x.md:8:1".into(), "the image `kartt.png` does not exist: there is no file content/pages/kartt.png".into()),
                ("content/pages/x.md:8:20".into(), "`rapport.pdf` is not an image".into()),
                ("content/pages/x.md:10:1".into(), "this image would be published as text: its file name `mitt bilde.jpg` has a space".into()),
            ]
        );
        assert_eq!(errs[1].hint.as_deref(), Some("did you mean `kart.png`?"));
    }

    #[test]
    fn a_link_to_an_event_leads_to_the_page_of_the_timeline_that_shows_it() {
        let r = render_in(
            "content/pages/a.md",
            "[Senere](/tidslinje/#hending-60) og [tidleg](/tidslinje/#hending-1), \
             [i tiltaket](/tidslinje/tillit/#hending-60).\n",
        )
        .unwrap();
        // Each link is written to the page that shows the event, and checked there.
        let pages = [
            "/tidslinje/side/2/",
            "/tidslinje/",
            "/tidslinje/tillit/side/3/",
        ];
        for (page, anchor) in pages.iter().zip(["hending-60", "hending-1", "hending-60"]) {
            let href = format!("href=\"{page}#{anchor}\"");
            assert!(r.html.contains(&href), "{href}: {}", r.html);
        }
        let paths: Vec<&str> = r.links.iter().map(|l| l.path.as_str()).collect();
        assert_eq!(paths, pages);
    }

    #[test]
    fn resolves_paths() {
        assert_eq!(
            normalize("pages/a", "../../initiatives/x.md").as_deref(),
            Some("initiatives/x.md")
        );
        assert_eq!(normalize("pages", "../../x.md"), None);
    }
}
