//! The addresses a record may link to: web, e-mail and phone addresses and addresses
//! on the site. Anything else (`javascript:`, `data:`, `vbscript:`, `file:`) could run
//! code in a reader's browser or point into their machine, so it is refused wherever an
//! address is written: Markdown links and images, an actor's `url`, a source's `url`,
//! the menu.

/// The schemes an address may start with.
pub const SCHEMES: [&str; 4] = ["http", "https", "mailto", "tel"];

/// What to write instead, for every message about a refused address.
pub const HINT: &str = "write a web address starting with https:// (or http://), an e-mail address as mailto:…, a phone number as tel:…, or an address on this site such as /tidslinje/";

/// The scheme of `url` when it is not one of `SCHEMES`, read as a browser reads it:
/// spaces and control characters around it ignored, tabs and line breaks inside it
/// removed (`java\tscript:` is `javascript:` to a browser). None for an accepted
/// address or one without a scheme (relative: `../x.md`, `/tidslinje/`, `#roller`).
pub fn refused_scheme(url: &str) -> Option<String> {
    let cleaned: String = url
        .trim_matches(|c: char| c <= ' ')
        .chars()
        .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
        .collect();
    let (scheme, _) = cleaned.split_once(':')?;
    let mut chars = scheme.chars();
    let is_scheme = chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    if !is_scheme {
        // A `:` after a `/`, `?` or `#` (or none at all) is part of a relative address.
        return None;
    }
    let scheme = scheme.to_ascii_lowercase();
    (!SCHEMES.contains(&scheme.as_str())).then_some(scheme)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_web_mail_phone_and_relative_addresses() {
        for url in [
            "https://ks.no",
            "HTTP://ks.no",
            "mailto:post@ks.no",
            "tel:+4712345678",
            "/tidslinje/",
            "../initiatives/x.md#roller",
            "#roller",
            "//ks.no/x",
            "side?a=b:c",
            "x/y:z",
            "",
        ] {
            assert_eq!(refused_scheme(url), None, "{url}");
        }
    }

    #[test]
    fn refuses_every_other_scheme_as_a_browser_reads_it() {
        for (url, scheme) in [
            ("javascript:alert(1)", "javascript"),
            ("JavaScript:alert(1)", "javascript"),
            (" \u{1}javascript:alert(1)", "javascript"),
            ("java\tscript:alert(1)", "javascript"),
            ("java\nscript:alert(1)", "javascript"),
            ("data:text/html,<script>", "data"),
            ("vbscript:x", "vbscript"),
            ("file:///etc/passwd", "file"),
        ] {
            assert_eq!(refused_scheme(url).as_deref(), Some(scheme), "{url:?}");
        }
    }
}
