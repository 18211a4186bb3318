//! An SVG drawing is published as it is; its size is read from the `width` and `height`
//! of its `<svg>` element (or its `viewBox`), and one that holds a script is refused: a
//! reader who opens the file itself would run it.

pub(super) const HINT: &str = "save the drawing again from the drawing program as plain SVG (or export it as PNG), without scripts or links that run code";

/// The drawing's width and height in pixels, if it gives them; an error for a file that
/// is no SVG or that holds a script.
pub(super) fn size(bytes: &[u8]) -> Result<Option<(u32, u32)>, String> {
    let text = std::str::from_utf8(bytes).map_err(|_| {
        "this SVG file is not text (UTF-8), so it is no drawing a browser can show".to_owned()
    })?;
    let lower = text.to_ascii_lowercase();
    let Some(start) = lower.find("<svg") else {
        return Err("this file has no `<svg>` element, so it is no SVG drawing".into());
    };
    if lower.contains("<script") || lower.contains("javascript:") || has_handler(&lower) {
        return Err("this SVG drawing holds a script, which is not published".into());
    }
    let tag = &text[start..];
    let tag = &tag[..tag.find('>').unwrap_or(tag.len())];
    let length = |name: &str| attribute(tag, name).and_then(pixels);
    if let (Some(w), Some(h)) = (length("width"), length("height")) {
        return Ok(Some((w, h)));
    }
    let view: Vec<f64> = attribute(tag, "viewBox")
        .map(|v| {
            v.split([' ', ','])
                .filter(|s| !s.is_empty())
                .filter_map(|s| s.parse().ok())
                .collect()
        })
        .unwrap_or_default();
    Ok(match view[..] {
        [_, _, w, h] if w >= 1.0 && h >= 1.0 => Some((w.round() as u32, h.round() as u32)),
        _ => None,
    })
}

/// Whether a tag has an event attribute (`onload=`, `onclick =`).
fn has_handler(lower: &str) -> bool {
    lower.match_indices(" on").any(|(at, _)| {
        let rest = &lower[at + 3..];
        let name_len = rest.bytes().take_while(u8::is_ascii_alphabetic).count();
        name_len > 0 && rest[name_len..].trim_start().starts_with('=')
    })
}

/// The value of attribute `name` in the start tag `tag`.
fn attribute<'a>(tag: &'a str, name: &str) -> Option<&'a str> {
    let mut rest = tag;
    while let Some(at) = rest.find(name) {
        let before = rest[..at].chars().next_back();
        let after = rest[at + name.len()..].trim_start();
        if before.is_some_and(char::is_whitespace) {
            if let Some(value) = after.strip_prefix('=') {
                let value = value.trim_start();
                let quote = value.chars().next()?;
                if quote == '"' || quote == '\'' {
                    let inner = &value[1..];
                    return inner.find(quote).map(|end| &inner[..end]);
                }
            }
        }
        rest = &rest[at + name.len()..];
    }
    None
}

/// `120`, `120px` or `120.5` as whole pixels; other units (`%`, `cm`, `em`) give none.
fn pixels(value: &str) -> Option<u32> {
    let number = value.trim().strip_suffix("px").unwrap_or(value.trim());
    let n: f64 = number.parse().ok()?;
    (1.0..100_000.0).contains(&n).then(|| n.round() as u32)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_size_a_drawing_gives() {
        let svg = |s: &str| size(s.as_bytes());
        assert_eq!(
            svg(r#"<svg xmlns="x" width="120" height="40px"></svg>"#),
            Ok(Some((120, 40)))
        );
        assert_eq!(
            svg(r#"<?xml?><svg viewBox="0 0 300 150"><g/></svg>"#),
            Ok(Some((300, 150)))
        );
        assert_eq!(svg(r#"<svg width="100%" height="2cm"></svg>"#), Ok(None));
        assert_eq!(
            svg(r#"<svg stroke-width="3" width='64' height='32'/>"#),
            Ok(Some((64, 32)))
        );
        assert!(svg("<svg><script>alert(1)</script></svg>").is_err());
        assert!(svg(r#"<svg onload = "x()"></svg>"#).is_err());
        assert!(svg("not a drawing").is_err());
    }
}
