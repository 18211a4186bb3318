//! Which files under `content/pages/` are published: pages, images and a short list of
//! document kinds. Anything else is an error with what to do, so that a Word draft or a
//! stray text file never goes public without anyone seeing it.

/// What a file under `content/pages/` is, by its name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PageFile {
    Page,
    /// A photo or drawing that is resized (JPEG, PNG, WebP).
    Raster,
    /// An image published as it is, with the size it gives (SVG, GIF).
    AsIs,
    Document,
}

/// Images that are resized, by extension (compared without letter case).
pub const RASTER: &[&str] = &["jpg", "jpeg", "png", "webp"];
/// Images published as they are: drawings scale themselves, and a GIF may move.
pub const AS_IS: &[&str] = &["svg", "gif"];
/// Documents published as they are.
pub const DOCUMENTS: &[&str] = &["pdf", "csv", "xlsx", "ods"];

/// What the file `name` is, or why it cannot be published (message, hint).
pub fn page_file(name: &str) -> Result<PageFile, (String, String)> {
    let ext = name.rsplit_once('.').map_or("", |(_, e)| e);
    if ext == "md" {
        return Ok(PageFile::Page);
    }
    let lower = ext.to_ascii_lowercase();
    let stem = name.rsplit_once('.').map_or(name, |(s, _)| s);
    if RASTER.contains(&lower.as_str()) {
        return Ok(PageFile::Raster);
    }
    if AS_IS.contains(&lower.as_str()) {
        return Ok(PageFile::AsIs);
    }
    if DOCUMENTS.contains(&lower.as_str()) {
        return Ok(PageFile::Document);
    }
    let refused = |what: &str, hint: String| Err((what.to_owned(), hint));
    match lower.as_str() {
        "md" | "markdown" | "mdown" | "mkd" | "mkdn" | "mdwn" | "mdtxt" | "mdtext" => refused(
            "a page must end in .md (in small letters), so this file would not be a page",
            format!("rename it to {stem}.md"),
        ),
        "docx" | "doc" | "docm" | "odt" | "rtf" | "pages" | "wpd" => refused(
            "a word-processing file is not published: it may be a draft, and it can hold comments, tracked changes and the author's name",
            format!("export it to PDF ({stem}.pdf) and put that here, or write it as a page ({stem}.md)"),
        ),
        "pptx" | "ppt" | "odp" | "key" => refused(
            "a presentation is not published as it is",
            format!("export it to PDF ({stem}.pdf) and put that here"),
        ),
        "xls" | "xlsm" | "numbers" => refused(
            "this kind of spreadsheet is not published",
            format!("save it as .xlsx, .ods or .csv ({stem}.csv), or export it to PDF"),
        ),
        "txt" | "text" => refused(
            "a text file is not published",
            format!("write it as a page: rename it to {stem}.md and give it a front matter with a `title:`"),
        ),
        "html" | "htm" | "xhtml" => refused(
            "an HTML file is not published: it could carry scripts, and it would not get the site's header, menu and checks",
            format!("write it as a page ({stem}.md)"),
        ),
        "heic" | "heif" => refused(
            "a HEIC photo cannot be shown in most browsers",
            format!("export it as JPEG ({stem}.jpg); on an iPhone, Settings › Camera › Formats › Most Compatible takes JPEG photos"),
        ),
        "tif" | "tiff" | "bmp" | "avif" | "jxl" | "psd" | "ai" | "eps" => refused(
            "this kind of image is not published",
            format!("save it as JPEG ({stem}.jpg) for a photo or PNG ({stem}.png) for a drawing or screenshot"),
        ),
        _ => refused(
            "content/pages/ publishes only pages, images and documents, so this file would not be used",
            format!(
                "remove it or move it out of content/; pages end in .md, images in {}, documents in {}",
                list(RASTER.iter().chain(AS_IS)),
                list(DOCUMENTS.iter())
            ),
        ),
    }
}

fn list<'a>(exts: impl Iterator<Item = &'a &'a str>) -> String {
    let all: Vec<String> = exts.map(|e| format!(".{e}")).collect();
    all.join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn knows_pages_images_and_documents() {
        assert_eq!(page_file("om.md"), Ok(PageFile::Page));
        assert_eq!(page_file("IMG_0001.JPG"), Ok(PageFile::Raster));
        assert_eq!(page_file("kart.svg"), Ok(PageFile::AsIs));
        assert_eq!(page_file("rapport.PDF"), Ok(PageFile::Document));
        assert_eq!(page_file("tall.csv"), Ok(PageFile::Document));
    }

    #[test]
    fn refuses_the_rest_with_what_to_do() {
        let hint = |name: &str| page_file(name).unwrap_err().1;
        assert_eq!(hint("fosterhjem.markdown"), "rename it to fosterhjem.md");
        assert_eq!(hint("OM.MD"), "rename it to OM.md");
        assert!(hint("utkast.docx").starts_with("export it to PDF (utkast.pdf)"));
        assert!(hint("notat.txt").starts_with("write it as a page: rename it to notat.md"));
        assert!(hint("bilde.heic").contains("JPEG (bilde.jpg)"));
        assert!(hint("arkiv.zip").contains(".jpg, .jpeg, .png, .webp, .svg, .gif"));
        assert!(hint("uten-endelse").contains("documents in .pdf"));
    }
}
