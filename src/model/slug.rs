//! The one slug function: headings, measures and events to ASCII anchors and names.

/// `Kompetanse og rekruttering – tiltak 3` to `kompetanse-og-rekruttering-tiltak-3`.
pub fn slugify(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut dash = false;
    for c in s.chars().flat_map(char::to_lowercase) {
        let mapped: &str = match c {
            'æ' => "ae",
            'ø' | 'ö' | 'ó' | 'ò' | 'ô' => "o",
            'å' | 'ä' | 'á' | 'à' | 'â' => "a",
            'é' | 'è' | 'ê' | 'ë' => "e",
            'ü' | 'ú' | 'ù' => "u",
            'í' | 'ì' | 'ï' => "i",
            'ç' => "c",
            'ñ' => "n",
            'ß' => "ss",
            c if c.is_ascii_alphanumeric() => {
                if dash && !out.is_empty() {
                    out.push('-');
                }
                dash = false;
                out.push(c);
                continue;
            }
            _ => {
                dash = true;
                continue;
            }
        };
        if dash && !out.is_empty() {
            out.push('-');
        }
        dash = false;
        out.push_str(mapped);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn makes_ascii_slugs() {
        assert_eq!(
            slugify("Kompetanse og rekruttering – tiltak 3"),
            "kompetanse-og-rekruttering-tiltak-3"
        );
        assert_eq!(
            slugify("Barne- og familiedepartementet"),
            "barne-og-familiedepartementet"
        );
        assert_eq!(
            slugify("Tjenestestøtte på én måte!"),
            "tjenestestotte-pa-en-mate"
        );
        assert_eq!(slugify("  --  "), "");
    }
}
