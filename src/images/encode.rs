//! Resizing and encoding, and the cache of what it made. A resized copy is a function of
//! the image's bytes, its width and the settings here, so the cache file is named by
//! those and its bytes are what encoding again would give: a warm cache changes how long
//! a build takes, never what it writes.

use std::io::Cursor;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use image::codecs::jpeg::JpegEncoder;
use image::codecs::png::{CompressionType, FilterType as PngFilter, PngEncoder};
use image::codecs::webp::WebPEncoder;
use image::imageops::FilterType;
use image::metadata::Orientation;
use image::{DynamicImage, ImageDecoder, ImageError, ImageFormat, ImageReader, ImageResult};
use rayon::prelude::*;

use crate::error::Diagnostic;

use super::{stem_slug, Variant, CACHE_DIR, MAX_PIXELS};

/// Named into every cache key and file name: change it when anything below changes what
/// is written (quality, filter, codecs), so that no copy made the old way is reused.
const SETTINGS: &[u8] = b"mandat images 1: lanczos3, jpeg q80, png best adaptive, webp lossless";
const JPEG_QUALITY: u8 = 80;

static MADE: AtomicUsize = AtomicUsize::new(0);
static REUSED: AtomicUsize = AtomicUsize::new(0);

/// How many resized copies this process made, and how many it took from the cache.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    pub made: usize,
    pub reused: usize,
}

pub fn counts() -> Counts {
    Counts {
        made: MADE.load(Ordering::Relaxed),
        reused: REUSED.load(Ordering::Relaxed),
    }
}

/// An image file, its header read.
pub(super) struct Source<'a> {
    bytes: &'a [u8],
    format: ImageFormat,
    /// Width and height as shown, after the camera's orientation.
    pub size: (u32, u32),
    has_alpha: bool,
    /// Whether the camera's note turns or flips it.
    turned: bool,
}

impl<'a> Source<'a> {
    pub fn open(bytes: &'a [u8]) -> ImageResult<Source<'a>> {
        let reader = ImageReader::new(Cursor::new(bytes))
            .with_guessed_format()
            .map_err(ImageError::IoError)?;
        let format = reader.format().ok_or_else(|| {
            ImageError::Unsupported(image::error::UnsupportedError::from_format_and_kind(
                image::error::ImageFormatHint::Unknown,
                image::error::UnsupportedErrorKind::Format(image::error::ImageFormatHint::Unknown),
            ))
        })?;
        let mut decoder = reader.into_decoder()?;
        let (w, h) = decoder.dimensions();
        let has_alpha = decoder.color_type().has_alpha();
        let orientation = decoder.orientation()?;
        let size = if turns(orientation) { (h, w) } else { (w, h) };
        Ok(Source {
            bytes,
            format,
            size,
            has_alpha,
            turned: orientation != Orientation::NoTransforms,
        })
    }

    /// The whole image, turned as its camera meant it.
    pub fn decode(&self) -> ImageResult<DynamicImage> {
        let mut reader = ImageReader::with_format(Cursor::new(self.bytes), self.format);
        let mut limits = image::Limits::default();
        limits.max_alloc = Some(MAX_PIXELS * 8);
        reader.limits(limits);
        let mut decoder = reader.into_decoder()?;
        let orientation = decoder.orientation()?;
        let mut image = DynamicImage::from_decoder(decoder)?;
        image.apply_orientation(orientation);
        Ok(image)
    }

    /// The formats a copy is tried in, the image's own first: a photo stays JPEG (the
    /// image library writes WebP only without loss, several times the size of a JPEG
    /// photo); a drawing or screenshot is written both as PNG and as WebP and the smaller
    /// kept.
    fn codecs(&self) -> (Codec, &'static [Codec]) {
        match (self.format, self.has_alpha) {
            (ImageFormat::Jpeg, _) => (Codec::Jpeg, &[]),
            (ImageFormat::WebP, false) => (Codec::WebP, &[Codec::Jpeg]),
            (ImageFormat::WebP, true) => (Codec::WebP, &[Codec::Png]),
            _ => (Codec::Png, &[Codec::WebP]),
        }
    }
}

/// Whether an orientation swaps width and height.
fn turns(o: Orientation) -> bool {
    matches!(
        o,
        Orientation::Rotate90
            | Orientation::Rotate270
            | Orientation::Rotate90FlipH
            | Orientation::Rotate270FlipH
    )
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Codec {
    Jpeg,
    Png,
    WebP,
}

impl Codec {
    fn ext(self) -> &'static str {
        match self {
            Codec::Jpeg => "jpg",
            Codec::Png => "png",
            Codec::WebP => "webp",
        }
    }

    fn encode(self, image: &DynamicImage) -> ImageResult<Vec<u8>> {
        let mut out = Vec::new();
        match self {
            Codec::Jpeg => {
                let rgb = image.to_rgb8();
                JpegEncoder::new_with_quality(&mut out, JPEG_QUALITY).encode_image(&rgb)?;
            }
            Codec::Png => {
                let encoder = PngEncoder::new_with_quality(
                    &mut out,
                    CompressionType::Best,
                    PngFilter::Adaptive,
                );
                eight_bit(image).write_with_encoder(encoder)?;
            }
            Codec::WebP => {
                eight_bit(image).write_with_encoder(WebPEncoder::new_lossless(&mut out))?;
            }
        }
        Ok(out)
    }
}

/// The image with 8 bits a channel, which every encoder here takes.
fn eight_bit(image: &DynamicImage) -> DynamicImage {
    if image.color().has_alpha() {
        DynamicImage::ImageRgba8(image.to_rgba8())
    } else {
        DynamicImage::ImageRgb8(image.to_rgb8())
    }
}

/// The folder resized copies are kept in.
pub(super) struct Cache {
    dir: PathBuf,
}

impl Cache {
    /// The cache of the site at `root`, made if missing: git and backup programs are
    /// told to leave it alone, whatever the site's own settings.
    pub fn open(root: &Path) -> Result<Cache, Diagnostic> {
        let top = root.join(CACHE_DIR);
        let dir = top.join("images");
        if !dir.is_dir() {
            std::fs::create_dir_all(&dir).map_err(|e| {
                crate::error::io_diagnostic(&dir, "create the folder", &e).hint(format!(
                    "mandat keeps resized images in {CACHE_DIR}/ in the site's folder: let it write there"
                ))
            })?;
            let notes: [(&str, &[u8]); 2] = [
                (".gitignore", b"# Resized images, made again when missing.\n*\n"),
                (
                    "CACHEDIR.TAG",
                    b"Signature: 8a477f597d28d172789f06886806bc55\n# Resized images kept by mandat; made again when missing.\n",
                ),
            ];
            for (name, text) in notes {
                let _ = write_once(&top.join(name), text);
            }
        }
        Ok(Cache { dir })
    }

    fn file(&self, key: &str, width: u32, codec: Codec) -> PathBuf {
        self.dir.join(format!("{key}-{width}.{}", codec.ext()))
    }
}

/// Writes `bytes` to `path` whole or not at all: another build may be reading the cache.
fn write_once(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    static N: AtomicUsize = AtomicUsize::new(0);
    let n = N.fetch_add(1, Ordering::Relaxed);
    let part = path.with_extension(format!("{}-{n}.part", std::process::id()));
    std::fs::write(&part, bytes)?;
    std::fs::rename(&part, path).inspect_err(|_| {
        let _ = std::fs::remove_file(&part);
    })
}

pub(super) enum Failed {
    Image(ImageError),
    Cache(Diagnostic),
}

/// The resized copies of the image `bytes` (read as `source`, at `below` under pages/),
/// from the cache where it has them, made (in parallel) where it does not.
pub(super) fn variants(
    cache: &Cache,
    source: &Source,
    bytes: &[u8],
    below: &str,
) -> Result<Vec<Variant>, Failed> {
    let key = format!(
        "{:016x}",
        crate::fs::content_hash(&[SETTINGS, bytes].concat())
    );
    let (w, h) = source.size;
    let widths = super::widths(w);
    let (first, others) = source.codecs();
    let codecs: Vec<Codec> = [first].into_iter().chain(others.iter().copied()).collect();
    let dir = below
        .rsplit_once('/')
        .map_or(String::new(), |(d, _)| format!("{d}/"));
    let slug = stem_slug(below);
    let variant = |width: u32, codec: Codec, bytes: u64| Variant {
        width,
        height: height_at(w, h, width),
        rel: format!("{dir}{slug}-{width}.{}.{}", &key[..10], codec.ext()),
        file: cache.file(&key, width, codec),
        bytes,
    };
    // What the cache holds: of the formats tried, only the smallest was kept.
    let cached = |width: u32| {
        codecs
            .iter()
            .filter_map(|&c| {
                let m = std::fs::metadata(cache.file(&key, width, c)).ok()?;
                m.is_file().then(|| variant(width, c, m.len()))
            })
            .min_by_key(|v| v.bytes)
    };
    let found: Vec<Option<Variant>> = widths.iter().map(|&w| cached(w)).collect();
    if found.iter().all(Option::is_some) {
        REUSED.fetch_add(found.len(), Ordering::Relaxed);
        return Ok(found.into_iter().flatten().collect());
    }
    let image = source.decode().map_err(Failed::Image)?;
    let made: Vec<Result<Variant, Failed>> = widths
        .par_iter()
        .zip(found)
        .map(|(&width, found)| {
            if let Some(v) = found {
                REUSED.fetch_add(1, Ordering::Relaxed);
                return Ok(v);
            }
            let resized = if width == image.width() {
                image.clone()
            } else {
                image.resize_exact(width, height_at(w, h, width), FilterType::Lanczos3)
            };
            let mut best = (first, first.encode(&resized).map_err(Failed::Image)?);
            for &codec in others {
                let out = codec.encode(&resized).map_err(Failed::Image)?;
                if out.len() < best.1.len() {
                    best = (codec, out);
                }
            }
            // At its own width, the file itself where it is smaller (its encoder may
            // have done better than this one).
            let own = match source.format {
                ImageFormat::Jpeg => Some(Codec::Jpeg),
                ImageFormat::Png => Some(Codec::Png),
                ImageFormat::WebP => Some(Codec::WebP),
                _ => None,
            };
            if width == w && !source.turned && own == Some(best.0) && bytes.len() < best.1.len() {
                best.1 = bytes.to_vec();
            }
            let (codec, out) = best;
            let v = variant(width, codec, out.len() as u64);
            write_once(&v.file, &out).map_err(|e| {
                Failed::Cache(crate::error::io_diagnostic(&v.file, "write the file", &e))
            })?;
            MADE.fetch_add(1, Ordering::Relaxed);
            Ok(v)
        })
        .collect();
    made.into_iter().collect()
}

/// The height of a copy `width` wide of an image `w` × `h`, rounded, at least 1.
fn height_at(w: u32, h: u32, width: u32) -> u32 {
    let scaled = (u64::from(h) * u64::from(width) + u64::from(w) / 2) / u64::from(w.max(1));
    u32::try_from(scaled).unwrap_or(u32::MAX).max(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn heights_keep_the_shape() {
        assert_eq!(height_at(1600, 900, 480), 270);
        assert_eq!(height_at(1600, 900, 800), 450);
        assert_eq!(height_at(3, 1, 2), 1);
        assert_eq!(height_at(1000, 1, 480), 1);
    }
}
