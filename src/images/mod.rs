//! Images under `content/pages/`: read and checked (size, pixels, whether they can be
//! read at all), measured, and resized to the widths a reader's screen needs. The resized
//! files are kept in the site's `.mandat-cache/`, named by the content they come from, so
//! a rebuild reads them back instead of encoding again (see `encode.rs`).

mod encode;
mod svg;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::error::Diagnostic;

pub use encode::{counts, Counts};

/// The widths an image is published in, at most: a phone (480), a phone at twice the
/// density or a tablet (800), and the page's text column at twice the density (1200).
pub const WIDTHS: [u32; 3] = [480, 800, 1200];
/// The largest image file read: a photo straight from a phone is under 15 MB.
pub const MAX_BYTES: u64 = 20 * 1024 * 1024;
/// The most pixels an image may have: decoding one takes 4 bytes a pixel.
pub const MAX_PIXELS: u64 = 40_000_000;
/// The folder below the site root where resized images are kept.
pub const CACHE_DIR: &str = ".mandat-cache";

/// Every image of a site, by its path below pages/ (`fakta/bilde.jpg`).
pub type Images = BTreeMap<String, Arc<Image>>;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Image {
    /// Its path below pages/.
    pub rel: String,
    /// Its size in pixels as shown (a photo turned by its camera's note is turned here),
    /// when known: an SVG may give none.
    pub size: Option<(u32, u32)>,
    /// The sizes it is published in, narrowest first; empty for an image published as
    /// it is (SVG, GIF).
    pub variants: Vec<Variant>,
}

/// One resized copy of an image.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Variant {
    pub width: u32,
    pub height: u32,
    /// Its path below pages/, beside the image: `fakta/bilde-800.1a2b3c4d5e.jpg`.
    pub rel: String,
    /// The file in the cache that holds it.
    pub file: PathBuf,
    /// Its size in bytes.
    pub bytes: u64,
}

impl Image {
    /// The widest copy, which `width` and `height` in the HTML give.
    pub fn largest(&self) -> Option<&Variant> {
        self.variants.last()
    }
}

/// Reads, checks and resizes the image at `path` (`below` is its path below pages/,
/// `shown` its path as messages name it). `root` is the site's folder, where the cache is.
pub fn read(root: &Path, path: &Path, below: &str, shown: &str) -> Result<Arc<Image>, Diagnostic> {
    let fail = |message: String, hint: &str| Diagnostic::error(shown, message).hint(hint);
    let len = std::fs::metadata(path)
        .map_err(|e| {
            with_path(
                crate::error::io_diagnostic(path, "read the file", &e),
                shown,
            )
        })?
        .len();
    if len > MAX_BYTES {
        return Err(fail(
            format!(
                "this image is {}; an image may be at most {}",
                megabytes(len),
                megabytes(MAX_BYTES)
            ),
            SMALLER,
        ));
    }
    let bytes = std::fs::read(path).map_err(|e| {
        with_path(
            crate::error::io_diagnostic(path, "read the file", &e),
            shown,
        )
    })?;
    let ext = below
        .rsplit_once('.')
        .map_or(String::new(), |(_, e)| e.to_ascii_lowercase());
    if ext == "svg" {
        let size = svg::size(&bytes).map_err(|m| fail(m, svg::HINT))?;
        return Ok(Arc::new(Image {
            rel: below.to_owned(),
            size,
            variants: Vec::new(),
        }));
    }
    let source = encode::Source::open(&bytes).map_err(|e| unreadable(shown, &e))?;
    let (w, h) = source.size;
    if w == 0 || h == 0 {
        return Err(fail(
            "this image has no pixels (its width or height is 0)".into(),
            "open it in an image program and save it again",
        ));
    }
    if u64::from(w) * u64::from(h) > MAX_PIXELS {
        return Err(fail(
            format!(
                "this image is {w} × {h} pixels ({:.0} megapixels); an image may have at most {} megapixels",
                (f64::from(w) * f64::from(h) / 1e6).ceil(),
                MAX_PIXELS / 1_000_000
            ),
            SMALLER,
        ));
    }
    if ext == "gif" {
        // Read whole once, so a damaged file is found here and not by a reader.
        source.decode().map_err(|e| unreadable(shown, &e))?;
        return Ok(Arc::new(Image {
            rel: below.to_owned(),
            size: Some((w, h)),
            variants: Vec::new(),
        }));
    }
    let cache = encode::Cache::open(root).map_err(|d| with_path(d, shown))?;
    let variants = encode::variants(&cache, &source, &bytes, below).map_err(|e| match e {
        encode::Failed::Image(e) => unreadable(shown, &e),
        encode::Failed::Cache(d) => with_path(d, shown),
    })?;
    Ok(Arc::new(Image {
        rel: below.to_owned(),
        size: Some((w, h)),
        variants,
    }))
}

/// The widths `width` is published in: each of `WIDTHS` narrower than it, and then its
/// own width up to the widest of them; never wider than it is.
pub fn widths(width: u32) -> Vec<u32> {
    let widest = WIDTHS[WIDTHS.len() - 1];
    let mut out: Vec<u32> = WIDTHS.iter().copied().filter(|w| *w < width).collect();
    let top = width.min(widest);
    if out.last() != Some(&top) {
        out.push(top);
    }
    out
}

const SMALLER: &str = "make it smaller in an image editor: about 2400 pixels wide is plenty (the site shows images at most 1200 pixels wide), saved as JPEG for a photo";

fn unreadable(shown: &str, cause: &image::ImageError) -> Diagnostic {
    Diagnostic::error(shown, format!("this image cannot be read ({})", cause_of(cause)))
        .hint("open it in an image program and save it again as JPEG (a photo) or PNG (a drawing or screenshot); if it does not open there either, the file is damaged: copy it again from where it came from")
}

/// What went wrong, in few words: the image library's own text is for programmers.
fn cause_of(e: &image::ImageError) -> &'static str {
    use image::ImageError as E;
    match e {
        E::Unsupported(_) => "it is not a JPEG, PNG, WebP or GIF file, whatever its name says",
        E::Limits(_) => "it is too large to read",
        E::IoError(io) if io.kind() == std::io::ErrorKind::UnexpectedEof => {
            "the file ends too early: it may not have been copied whole"
        }
        _ => "the file is damaged or not an image",
    }
}

fn with_path(mut d: Diagnostic, shown: &str) -> Diagnostic {
    d.path = shown.to_owned();
    d
}

fn megabytes(bytes: u64) -> String {
    format!("{:.1} MB", bytes as f64 / 1_048_576.0)
}

/// The part of `name` (without folder and extension) a resized copy is named after:
/// `Mitt bilde.JPG` gives `mitt-bilde`.
fn stem_slug(name: &str) -> String {
    let file = name.rsplit('/').next().unwrap_or(name);
    let stem = file.rsplit_once('.').map_or(file, |(s, _)| s);
    let slug = crate::model::slugify(stem);
    if slug.is_empty() {
        "bilde".into()
    } else {
        slug
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn widths_never_grow_an_image() {
        assert_eq!(widths(1600), [480, 800, 1200]);
        assert_eq!(widths(1200), [480, 800, 1200]);
        assert_eq!(widths(1000), [480, 800, 1000]);
        assert_eq!(widths(480), [480]);
        assert_eq!(widths(300), [300]);
    }

    #[test]
    fn copies_are_named_after_the_file() {
        assert_eq!(stem_slug("fakta/Mitt bilde.JPG"), "mitt-bilde");
        assert_eq!(stem_slug("blåbær.png"), "blabaer");
        assert_eq!(stem_slug("___.png"), "bilde");
    }
}
