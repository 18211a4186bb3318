//! Images in pages: resized copies with `srcset`, `width` and `height`, made once and
//! kept in the site's cache, and the same bytes whether the cache was warm or cold.

use std::fs;
use std::path::Path;
use std::time::SystemTime;

use crate::*;

/// A JPEG `w` × `h` that compresses like a photo: smooth gradients with fine grain.
pub fn photo(w: u32, h: u32, seed: u32) -> Vec<u8> {
    let img = image::RgbImage::from_fn(w, h, |x, y| {
        let grain = (x.wrapping_mul(7919) ^ y.wrapping_mul(104_729) ^ seed)
            .wrapping_mul(2_654_435_761)
            >> 28;
        let r = (x * 200 / w + grain) as u8;
        let g = (y * 180 / h + 30 + grain) as u8;
        let b = ((x + y) * 120 / (w + h) + 80 + grain) as u8;
        image::Rgb([r, g, b])
    });
    let mut out = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 90)
        .encode_image(&img)
        .unwrap();
    out
}

/// The basic site with a 1600 × 900 photo on the article, and no cache.
fn site_with_photo() -> tempfile::TempDir {
    let site = copy_site("basic");
    let _ = fs::remove_dir_all(site.path().join(".mandat-cache"));
    let pages = site.path().join("content/pages/artikler");
    fs::write(pages.join("Utsikt fra kontoret.jpg"), photo(1600, 900, 1)).unwrap();
    let article = pages.join("nyhet.md");
    let text = fs::read_to_string(&article).unwrap();
    fs::write(
        &article,
        format!("{text}\n![Utsikt over byen](<Utsikt fra kontoret.jpg>)\n"),
    )
    .unwrap();
    site
}

/// The `<img>` tag with `alt` in `html`.
fn img_with_alt<'h>(html: &'h str, alt: &str) -> &'h str {
    let at = html
        .find(&format!("alt=\"{alt}\""))
        .unwrap_or_else(|| panic!("no image {alt:?} in {html}"));
    let start = html[..at].rfind("<img ").unwrap();
    let end = at + html[at..].find('>').unwrap();
    &html[start..=end]
}

fn attribute<'t>(tag: &'t str, name: &str) -> &'t str {
    let at = tag.find(&format!(" {name}=\"")).unwrap() + name.len() + 3;
    &tag[at..at + tag[at..].find('"').unwrap()]
}

#[test]
fn a_photo_is_published_in_three_widths_each_smaller_than_it() {
    let site = site_with_photo();
    let out = site.path().join("output");
    let o = build(site.path(), &out);
    let (stdout, stderr) = text(&o);
    assert!(o.status.success(), "{stderr}");
    let original = fs::metadata(
        site.path()
            .join("content/pages/artikler/Utsikt fra kontoret.jpg"),
    )
    .unwrap()
    .len();

    let html = read(&out, "artikler/nyhet/index.html");
    let img = img_with_alt(&html, "Utsikt over byen");
    assert_eq!(attribute(img, "width"), "1200", "{img}");
    assert_eq!(attribute(img, "height"), "675", "{img}");
    assert_eq!(attribute(img, "sizes"), "(min-width: 44rem) 42rem, 100vw");
    let srcset: Vec<(&str, &str)> = attribute(img, "srcset")
        .split(", ")
        .map(|s| s.split_once(' ').unwrap())
        .collect();
    let widths: Vec<&str> = srcset.iter().map(|(_, w)| *w).collect();
    assert_eq!(widths, ["480w", "800w", "1200w"], "{img}");
    assert_eq!(
        attribute(img, "src"),
        srcset[1].0,
        "the middle width for old browsers"
    );
    let mut sizes = Vec::new();
    for ((href, w), height) in srcset.iter().zip([270, 450, 675]) {
        assert!(href.starts_with("/artikler/utsikt-fra-kontoret-"), "{href}");
        let file = out.join(href.trim_start_matches('/'));
        let (fw, fh) = image::image_dimensions(&file).unwrap();
        assert_eq!((format!("{fw}w"), fh), (w.to_string(), height), "{href}");
        let bytes = fs::metadata(&file).unwrap().len();
        assert!(bytes < original, "{href}: {bytes} bytes of {original}");
        sizes.push(bytes);
    }
    assert!(
        sizes[0] * 3 < original,
        "a phone gets a third at most: {sizes:?} of {original}"
    );
    assert!(
        stdout.contains("; 6 image sizes (6 made now, 0 from .mandat-cache/)"),
        "{stdout}"
    );
    // The name carries a hash of the content, so hosts may keep it for a year.
    let hash = srcset[0].0.rsplit('.').nth(1).unwrap();
    assert_eq!(hash.len(), 10, "{}", srcset[0].0);
}

/// Modification times of the files in the image cache.
fn cache_times(root: &Path) -> Vec<(String, SystemTime)> {
    let mut all: Vec<(String, SystemTime)> = fs::read_dir(root.join(".mandat-cache/images"))
        .unwrap()
        .map(|e| {
            let e = e.unwrap();
            (
                e.file_name().to_string_lossy().into_owned(),
                e.metadata().unwrap().modified().unwrap(),
            )
        })
        .collect();
    all.sort();
    all
}

#[test]
fn a_warm_cache_makes_nothing_again_and_changes_no_byte() {
    let site = site_with_photo();
    let root = site.path();
    let cold = root.join("cold");
    let o = build(root, &cold);
    assert!(o.status.success(), "{}", text(&o).1);
    assert!(text(&o).0.contains("(6 made now, 0 from"), "{}", text(&o).0);
    let made = cache_times(root);
    assert_eq!(
        made.len(),
        6,
        "3 widths of the photo and 3 of the article's own: {made:?}"
    );
    // Git is told to leave the cache alone, whatever the site's own settings.
    assert_eq!(
        fs::read_to_string(root.join(".mandat-cache/.gitignore")).unwrap(),
        "# Resized images, made again when missing.\n*\n"
    );

    let warm = root.join("warm");
    let o = build(root, &warm);
    assert!(
        text(&o).0.contains("(0 made now, 6 from .mandat-cache/)"),
        "{}",
        text(&o).0
    );
    assert_eq!(cache_times(root), made, "no cache file was written again");
    assert!(
        tree(&cold) == tree(&warm),
        "a warm cache changes no byte of the site"
    );

    fs::remove_dir_all(root.join(".mandat-cache")).unwrap();
    let again = root.join("again");
    assert!(build(root, &again).status.success());
    assert!(
        tree(&cold) == tree(&again),
        "encoding again gives the same bytes"
    );
}

#[test]
fn a_screenshot_is_kept_in_the_smaller_of_png_and_webp() {
    let site = copy_site("basic");
    let _ = fs::remove_dir_all(site.path().join(".mandat-cache"));
    // Flat areas and sharp edges, like a screenshot.
    let shot = image::RgbImage::from_fn(1000, 600, |x, y| {
        if (x / 50 + y / 30) % 3 == 0 {
            image::Rgb([255, 255, 255])
        } else {
            image::Rgb([30, 60, (x % 200) as u8])
        }
    });
    let pages = site.path().join("content/pages");
    shot.save(pages.join("skjerm.png")).unwrap();
    fs::write(
        pages.join("skjermbilde.md"),
        "---\ntitle: Skjermbilde\n---\n![Skjermbildet av søket](skjerm.png)\n",
    )
    .unwrap();
    let out = site.path().join("output");
    let o = build(site.path(), &out);
    assert!(o.status.success(), "{}", text(&o).1);
    let html = read(&out, "skjermbilde/index.html");
    let img = img_with_alt(&html, "Skjermbildet av søket");
    assert_eq!(
        (attribute(img, "width"), attribute(img, "height")),
        ("1000", "600")
    );
    for (href, _) in attribute(img, "srcset")
        .split(", ")
        .map(|s| s.split_once(' ').unwrap())
    {
        let file = out.join(href.trim_start_matches('/'));
        let bytes = fs::metadata(&file).unwrap().len();
        // Whichever was kept, the other would not have been smaller.
        let decoded = image::open(&file).unwrap();
        let mut other = Vec::new();
        let format = if href.ends_with(".webp") {
            image::ImageFormat::Png
        } else {
            assert!(href.ends_with(".png"), "{href}");
            image::ImageFormat::WebP
        };
        decoded
            .write_to(&mut std::io::Cursor::new(&mut other), format)
            .unwrap();
        assert!(
            bytes <= other.len() as u64 * 11 / 10,
            "{href}: {bytes} against {}",
            other.len()
        );
    }
}
