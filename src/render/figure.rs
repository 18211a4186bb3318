//! Images in Markdown. `![Hva bildet viser](bilde.jpg)` shows the image in the sizes
//! crate::images made, with `srcset`, `sizes`, `width` and `height`; the text in the
//! brackets is the alt text, which is required, and `![dekorativ](bilde.jpg)` marks an
//! image that is only decoration (`alt=""`). An image alone in its paragraph with a line
//! in italics right below it is a figure: the line is its caption, and its last part
//! from `Foto:` (or `Illustrasjon:`, `Grafikk:`, `Tegning:`, `Kart:`, `Kilde:`) is the
//! credit.

use pulldown_cmark::{CowStr, Event, Tag, TagEnd};
use pulldown_cmark_escape::{escape_href, escape_html};

use crate::error::{did_you_mean, Diagnostic};
use crate::images::Image;
use crate::model::SourceFile;

use super::markdown::{normalize, Linker};

/// The alt text that marks an image as decoration.
pub const DECORATIVE: &str = "dekorativ";
/// The words a credit starts with.
const CREDITS: &[&str] = &[
    "Foto:",
    "Illustrasjon:",
    "Grafikk:",
    "Tegning:",
    "Kart:",
    "Kilde:",
];
/// How wide an image is shown: the text column (42rem) on a wide screen, else the
/// screen's width. The browser picks the copy from `srcset` by it.
const SIZES: &str = "(min-width: 44rem) 42rem, 100vw";

/// Where an image is written in the Markdown, in the order the images come.
pub struct At {
    pub line: usize,
    pub column: usize,
    /// How many characters it takes, `![` to `)`.
    pub width: usize,
}

/// What rewriting the images of one piece of Markdown needs.
pub struct Context<'a, 'l> {
    pub source: &'a SourceFile,
    /// The file's path below content/ (`pages/fakta/om.md`).
    pub content_rel: &'a str,
    pub linker: &'a Linker<'l>,
}

/// Replaces each image in `events` (whose places are `at`, in order) by its `<img>`, and
/// each image with a caption by a `<figure>`; every mistake goes to `errors`.
pub fn rewrite<'e>(
    events: Vec<Event<'e>>,
    at: &[At],
    cx: &Context,
    errors: &mut Vec<Diagnostic>,
) -> Vec<Event<'e>> {
    if at.is_empty() {
        return events;
    }
    let mut out = Vec::with_capacity(events.len());
    let mut places = at.iter();
    let mut i = 0;
    while i < events.len() {
        if let (Event::Start(Tag::Paragraph), Some(Event::Start(Tag::Image { .. }))) =
            (&events[i], events.get(i + 1))
        {
            let image_end = end_of(&events, i + 1);
            if let Some((caption, after)) = caption_after(&events, image_end) {
                let img = image(&events[i + 1..=image_end], places.next(), cx, errors);
                out.push(html("<figure>"));
                out.push(Event::Html(img.into()));
                out.push(html("<figcaption>"));
                let mut credit = false;
                for e in &events[caption.clone()] {
                    match e {
                        Event::Text(t) if !credit => match credit_at(t) {
                            Some(at) => {
                                credit = true;
                                if at > 0 {
                                    out.push(Event::Text(t[..at].to_owned().into()));
                                }
                                out.push(html("<span class=\"credit\">"));
                                out.push(Event::Text(t[at..].to_owned().into()));
                            }
                            None => out.push(e.clone()),
                        },
                        _ => out.push(e.clone()),
                    }
                }
                if credit {
                    out.push(html("</span>"));
                }
                out.push(html("</figcaption></figure>\n"));
                i = after;
                continue;
            }
        }
        if let Event::Start(Tag::Image { .. }) = &events[i] {
            let end = end_of(&events, i);
            let img = image(&events[i..=end], places.next(), cx, errors);
            out.push(Event::Html(img.into()));
            i = end + 1;
            continue;
        }
        out.push(events[i].clone());
        i += 1;
    }
    out
}

fn html(s: &'static str) -> Event<'static> {
    Event::Html(CowStr::Borrowed(s))
}

/// The place of the event that ends the element starting at `start`.
fn end_of(events: &[Event], start: usize) -> usize {
    let mut depth = 0usize;
    for (i, e) in events.iter().enumerate().skip(start) {
        match e {
            Event::Start(_) => depth += 1,
            Event::End(_) => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    return i;
                }
            }
            _ => {}
        }
    }
    events.len().saturating_sub(1)
}

/// After an image ending at `image_end`: a line break, a line all in italics and the
/// end of the paragraph make a caption. The caption's events (inside the italics), and
/// where the paragraph's end is left behind.
fn caption_after(events: &[Event], image_end: usize) -> Option<(std::ops::Range<usize>, usize)> {
    let brk = events.get(image_end + 1)?;
    if !matches!(brk, Event::SoftBreak | Event::HardBreak) {
        return None;
    }
    let em = image_end + 2;
    if !matches!(events.get(em)?, Event::Start(Tag::Emphasis)) {
        return None;
    }
    let em_end = end_of(events, em);
    if !matches!(events.get(em_end)?, Event::End(TagEnd::Emphasis))
        || !matches!(events.get(em_end + 1)?, Event::End(TagEnd::Paragraph))
    {
        return None;
    }
    Some((em + 1..em_end, em_end + 2))
}

/// Where in `text` a credit starts, if it does: at a credit word at the start or after
/// a space.
fn credit_at(text: &str) -> Option<usize> {
    CREDITS
        .iter()
        .filter_map(|word| {
            text.match_indices(word)
                .map(|(at, _)| at)
                .find(|&at| at == 0 || text[..at].ends_with(char::is_whitespace))
        })
        .min()
}

/// The `<img>` for one image: `events` run from its start to its end (the alt text
/// between).
fn image(events: &[Event], at: Option<&At>, cx: &Context, errors: &mut Vec<Diagnostic>) -> String {
    let (
        Some(Event::Start(Tag::Image {
            dest_url, title, ..
        })),
        Some(at),
    ) = (events.first(), at)
    else {
        return String::new();
    };
    let alt: String = events[1..events.len().saturating_sub(1)]
        .iter()
        .filter_map(|e| match e {
            Event::Text(t) | Event::Code(t) => Some(t.as_ref()),
            Event::SoftBreak | Event::HardBreak => Some(" "),
            _ => None,
        })
        .collect();
    let alt = alt.trim();
    let written = dest_url.as_ref();
    let fail = |message: String, hint: String| {
        Diagnostic::error(cx.source.path.clone(), message)
            .at(&cx.source.text, at.line, at.column, at.width)
            .hint(hint)
    };
    if alt.is_empty() {
        errors.push(fail(
            format!("the image `{written}` has no alt text"),
            format!("describe what the image shows between the brackets, for those who cannot see it: `![Hva bildet viser]({written})`; if it is only decoration, write `![{DECORATIVE}]({written})`"),
        ));
    }
    let alt = if alt.eq_ignore_ascii_case(DECORATIVE) {
        ""
    } else {
        alt
    };
    let mut tag = String::from("<img src=\"");
    let attributes = |tag: &mut String, src: &str| {
        let _ = escape_href(&mut *tag, src);
        tag.push('"');
    };
    if let Some(d) = super::markdown::refused(written, cx.source, at.line, at.column) {
        errors.push(d);
        return String::new();
    }
    let external = written.starts_with("//")
        || written
            .split_once(':')
            .is_some_and(|(scheme, _)| !scheme.contains('/') && !scheme.is_empty());
    let found = if external {
        attributes(&mut tag, written);
        None
    } else {
        match find(written, cx) {
            Ok(image) => Some(image),
            Err(problem) => {
                errors.extend(problem.map(|(message, hint)| fail(message, hint)));
                return String::new();
            }
        }
    };
    if let Some(image) = found {
        let urls = cx.linker.urls;
        let href = |rel: &str| urls.href(&urls.file(rel));
        match image.variants.iter().rfind(|v| v.width <= 800) {
            Some(src) if image.variants.len() > 1 => {
                attributes(&mut tag, &href(&src.rel));
                tag.push_str(" srcset=\"");
                for (n, v) in image.variants.iter().enumerate() {
                    if n > 0 {
                        tag.push_str(", ");
                    }
                    let _ = escape_href(&mut tag, &href(&v.rel));
                    tag.push_str(&format!(" {}w", v.width));
                }
                tag.push_str(&format!("\" sizes=\"{SIZES}\""));
            }
            _ => match image.variants.first() {
                Some(v) => attributes(&mut tag, &href(&v.rel)),
                None => attributes(&mut tag, &href(&image.rel)),
            },
        }
        let size = image.largest().map(|v| (v.width, v.height)).or(image.size);
        if let Some((w, h)) = size {
            tag.push_str(&format!(" width=\"{w}\" height=\"{h}\""));
        }
    }
    tag.push_str(" alt=\"");
    let _ = escape_html(&mut tag, alt);
    tag.push('"');
    if !title.is_empty() {
        tag.push_str(" title=\"");
        let _ = escape_html(&mut tag, title);
        tag.push('"');
    }
    if found.is_some() {
        tag.push_str(" loading=\"lazy\" decoding=\"async\"");
    }
    tag.push('>');
    tag
}

/// The image a local address names, or what is wrong (message, hint): nothing for an
/// image that could not be read, which is reported already.
type Problem = Option<(String, String)>;

fn find<'i>(written: &str, cx: &'i Context) -> Result<&'i Image, Problem> {
    let path = written.split(['#', '?']).next().unwrap_or("");
    let decoded = percent_decoded(path);
    let dir = cx.content_rel.rsplit_once('/').map_or("", |(d, _)| d);
    let target = match decoded.strip_prefix('/') {
        Some(site) => Some(format!("pages/{site}")),
        None => normalize(dir, &decoded),
    };
    let content = cx.linker.content_dir;
    let Some(below) = target.as_deref().and_then(|t| t.strip_prefix("pages/")) else {
        return Err(Some((
            format!("the image `{written}` is not in {content}/pages/"),
            "put the image in content/pages/, beside the page that shows it, and write its name: `![Hva bildet viser](bilde.jpg)`".into(),
        )));
    };
    if let Some(image) = cx.linker.images.get(below) {
        return Ok(image);
    }
    // A file that could not be read keeps its place among the sources (render/mod.rs).
    if cx.linker.sources.contains_key(&format!("pages/{below}")) {
        return Err(None);
    }
    let name = below.rsplit('/').next().unwrap_or(below);
    if let Ok(crate::load::files::PageFile::Document | crate::load::files::PageFile::Page) =
        crate::load::files::page_file(name)
    {
        return Err(Some((
            format!("`{written}` is not an image"),
            format!("link to it instead: `[Les dokumentet]({written})`"),
        )));
    }
    let folder = below.rsplit_once('/').map_or("", |(d, _)| d);
    let beside = cx
        .linker
        .images
        .keys()
        .filter(|k| k.rsplit_once('/').map_or("", |(d, _)| d) == folder)
        .map(String::as_str);
    let hint = match did_you_mean(below, beside) {
        Some(s) => {
            let file = s.rsplit('/').next().unwrap_or(s);
            let start = written.len() - written.rsplit('/').next().map_or(0, str::len);
            format!("did you mean `{}{file}`?", &written[..start])
        }
        None => format!("put the image in {content}/pages/{}, or correct the name (letter case counts: `Bilde.JPG` is not `bilde.jpg`)", if folder.is_empty() { String::new() } else { format!("{folder}/") }),
    };
    Err(Some((
        format!("the image `{written}` does not exist: there is no file {content}/pages/{below}"),
        hint,
    )))
}

/// `mitt%20bilde.jpg` as the file name it is; an escape that is not UTF-8 is left as it is.
fn percent_decoded(path: &str) -> String {
    let bytes = path.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        match (
            bytes[i],
            bytes.get(i + 1).and_then(|&b| hex(b)),
            bytes.get(i + 2).and_then(|&b| hex(b)),
        ) {
            (b'%', Some(hi), Some(lo)) => {
                out.push((hi * 16 + lo) as u8);
                i += 3;
            }
            (b, _, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8(out).unwrap_or_else(|_| path.to_owned())
}

/// Images the parser did not see as images because their address has a space:
/// `![Alt](mitt bilde.jpg)` would be published as that text. `images` and `code` are
/// the places (byte ranges) the parser found images and code in.
pub fn unparsed(
    markdown: &str,
    skip: &[std::ops::Range<usize>],
    line_offset: usize,
    source: &SourceFile,
    errors: &mut Vec<Diagnostic>,
) {
    for start in memchr::memmem::find_iter(markdown.as_bytes(), b"![") {
        if skip.iter().any(|r| r.contains(&start)) {
            continue;
        }
        let line_end = markdown[start..]
            .find('\n')
            .map_or(markdown.len(), |e| start + e);
        let line = &markdown[start..line_end];
        let Some(open) = line.find("](") else {
            continue;
        };
        let Some(close) = line[open..].find(')') else {
            continue;
        };
        let dest = &line[open + 2..open + close];
        if dest.starts_with('<') || !dest.trim().contains(char::is_whitespace) {
            continue;
        }
        let (l, c) = super::markdown::line_col(markdown, start, line_offset);
        let name = dest.trim();
        errors.push(
            Diagnostic::error(
                source.path.clone(),
                format!("this image would be published as text: its file name `{name}` has a space"),
            )
            .at(&source.text, l, c, open + close + 1)
            .hint(format!(
                "write the name in angle brackets, `{}(<{name}>)`, or rename the file without spaces (`{}`)",
                &line[..open + 1],
                name.replace(char::is_whitespace, "-")
            )),
        );
    }
}
