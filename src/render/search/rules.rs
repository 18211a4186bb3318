//! The search index's word rules (what a word is, stop words, folding, stemming) and a
//! body's terms and excerpt. `search.js` applies the same rules: the two must agree.

use std::borrow::Cow;
use std::sync::LazyLock;

use rustc_hash::{FxHashMap, FxHashSet};

/// Endings stripped from Norwegian words, longest first: definite and plural forms in
/// bokmål and nynorsk (`-ene`, `-ane`, `-en`, `-et`, `-a`), verb and adjective endings
/// (`-er`, `-ar`, `-ende`, `-ert`, `-e`) and the genitive (`-ens`, `-ets`). A crude
/// stemmer, deliberately: the same few lines run in the reader's browser.
const SUFFIXES: &[&str] = &[
    "endes", "ende", "ande", "ene", "ane", "ens", "ets", "ert", "er", "ar", "en", "et", "a", "e",
];

/// A stem keeps at least this many letters.
const MIN_STEM: usize = 3;

/// Words too common to be worth finding, in both written standards.
const STOP_WORDS: &[&str] = &[
    "og", "i", "på", "til", "av", "for", "med", "som", "er", "det", "den", "de", "dei", "en", "ei",
    "et", "ein", "eit", "å", "at", "om", "har", "hadde", "ikke", "ikkje", "fra", "frå", "seg",
    "sin", "sine", "sitt", "var", "vart", "ble", "blei", "blir", "vil", "skal", "kan", "ved",
    "etter", "eller", "men", "så", "også", "òg", "no", "nå", "der", "her", "han", "ho", "hun",
    "vi", "me", "oss", "dette", "denne", "disse", "desse", "hva", "kva", "mot", "over", "under",
    "mellom", "hvor", "kor", "bli", "være", "vere", "vore", "vært", "the", "of", "and",
];

/// The words of `text` as the index stores them: lower case, stop words left out, stemmed.
#[cfg(test)]
fn terms(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    each_term(text, |t| out.push(t.into_owned()));
    out
}

/// Calls `f` with each word of `text` as the index stores it.
pub(super) fn each_term<'a>(text: &'a str, mut f: impl FnMut(Cow<'a, str>)) {
    for raw in words(text) {
        if let Some(term) = term(raw) {
            f(term);
        }
    }
}

/// The words of `text`: runs of letters and digits. The index reads every word of every
/// page, so this is the hot loop of a large build: ASCII is classed byte by byte between
/// words and eight bytes at a time within them (`word_end`), only other characters are
/// decoded.
pub(super) fn words(text: &str) -> impl Iterator<Item = &str> {
    let mut i = 0;
    std::iter::from_fn(move || {
        loop {
            if i >= text.len() {
                return None;
            }
            let (alnum, len) = class_at(text, i);
            if alnum {
                break;
            }
            i += len;
        }
        let start = i;
        i = word_end(text, start).0;
        Some(&text[start..i])
    })
}

/// Where the word that starts at byte `start` of `text` (a letter or digit) ends, and
/// whether it holds a letter.
#[inline]
fn word_end(text: &str, start: usize) -> (usize, bool) {
    let bytes = text.as_bytes();
    let (mut i, mut letter) = (start, false);
    loop {
        if let Some((run, letters)) = ascii_run(bytes, i) {
            i += run;
            letter |= letters;
            if run == 8 {
                continue;
            }
        }
        // The run ends at `i`: with the text, at a character that is not a letter or
        // digit, or at one outside ASCII, which may go on the word.
        if i >= bytes.len() {
            return (i, letter);
        }
        let (class, len) = classes_at(text, i);
        if class & ALNUM == 0 {
            return (i, letter);
        }
        letter |= class & LETTER != 0;
        i += len;
    }
}

/// How many of the eight bytes from `i` on are ASCII letters and digits before any other
/// byte, and whether one of those is a letter; none where fewer than eight are left.
/// Classed together, as one number: a word ends at the first byte that is not one.
#[inline]
fn ascii_run(bytes: &[u8], i: usize) -> Option<(usize, bool)> {
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let eight: [u8; 8] = bytes.get(i..i + 8)?.try_into().ok()?;
    let x = u64::from_le_bytes(eight);
    // The bytes below 0x80. (`between` is wrong only after a byte at or above 0x80, and
    // the run ends at that byte.)
    let ascii = !x & HIGH;
    let alpha = between(x | 0x2020_2020_2020_2020, b'a', b'z') & ascii;
    let alnum = (alpha | between(x, b'0', b'9')) & ascii;
    let run = (!alnum & HIGH).trailing_zeros() as usize / 8;
    let first = if run == 8 {
        u64::MAX
    } else {
        (1 << (8 * run)) - 1
    };
    Some((run, alpha & first != 0))
}

/// The high bit of each byte of `x` that lies in `lo..=hi`; right for the bytes below
/// 0x80 that follow none at or above it (such a byte's sum carries into the next).
#[inline]
fn between(x: u64, lo: u8, hi: u8) -> u64 {
    const ONES: u64 = 0x0101_0101_0101_0101;
    let at_least_lo = x.wrapping_add(ONES * u64::from(0x80 - lo));
    let above_hi = x.wrapping_add(ONES * u64::from(0x7f - hi));
    at_least_lo & !above_hi & (ONES * 0x80)
}

/// Whether the character at byte `i` of `text` (a character boundary) is a letter or
/// digit, and its length in bytes.
#[inline]
fn class_at(text: &str, i: usize) -> (bool, usize) {
    let (class, len) = classes_at(text, i);
    (class & ALNUM != 0, len)
}

/// What the character at byte `i` of `text` (a character boundary) is (`ALNUM`,
/// `LETTER`, `SPACE`), and its length in bytes.
#[inline]
fn classes_at(text: &str, i: usize) -> (u8, usize) {
    match text.as_bytes()[i] {
        b if b < 0x80 => (ASCII[usize::from(b)], 1),
        _ => text[i..].chars().next().map_or((0, 1), |c| {
            let class = if c.is_alphabetic() {
                ALNUM | LETTER
            } else if c.is_numeric() {
                ALNUM
            } else if c.is_whitespace() {
                SPACE
            } else {
                0
            };
            (class, c.len_utf8())
        }),
    }
}

/// A letter or digit: what a word is made of.
const ALNUM: u8 = 1;
/// A letter.
const LETTER: u8 = 2;
/// White space, which ends a word as the language tally counts words.
const SPACE: u8 = 4;

/// The classes of the ASCII characters (the vertical tab is white space, as Rust's
/// `char::is_whitespace` has it).
const ASCII: [u8; 128] = {
    let mut t = [0u8; 128];
    let mut b = 0;
    while b < 128 {
        let c = b as u8;
        t[b] = if c.is_ascii_alphabetic() {
            ALNUM | LETTER
        } else if c.is_ascii_digit() {
            ALNUM
        } else if c.is_ascii_whitespace() || c == 0x0b {
            SPACE
        } else {
            0
        };
        b += 1;
    }
    t
};

/// One word as the index stores it: folded, stemmed, or none for a stop word. A word
/// already in its folded form (most are) stays a slice of the text, not a copy.
pub(super) fn term(raw: &str) -> Option<Cow<'_, str>> {
    let word: Cow<'_, str> = if is_folded(raw) {
        Cow::Borrowed(raw)
    } else {
        let mut folded = String::with_capacity(raw.len());
        fold_into(raw, &mut folded);
        Cow::Owned(folded)
    };
    if is_stop_word(&word) {
        return None;
    }
    let keep = stem_len(&word);
    Some(match word {
        Cow::Borrowed(w) => Cow::Borrowed(&w[..keep]),
        Cow::Owned(mut w) => {
            w.truncate(keep);
            Cow::Owned(w)
        }
    })
}

fn is_stop_word(word: &str) -> bool {
    // The longest stop word, in bytes: `mellom`, `vere`, `også`.
    if word.len() > 6 {
        return false;
    }
    static SET: LazyLock<FxHashSet<&str>> = LazyLock::new(|| STOP_WORDS.iter().copied().collect());
    SET.contains(word)
}

/// Whether folding would leave `word` as it is.
fn is_folded(word: &str) -> bool {
    if word.is_ascii() {
        return !word.bytes().any(|b| b.is_ascii_uppercase());
    }
    word.chars().all(|c| {
        if c.is_ascii() {
            !c.is_ascii_uppercase()
        } else {
            let mut lower = c.to_lowercase();
            fold_char(c) == c && lower.next() == Some(c) && lower.next().is_none()
        }
    })
}

/// Lower case, with accents that Norwegian does not keep as letters of their own taken
/// off (`idé` is `ide`); æ, ø and å stay as they are.
pub(super) fn fold_into(word: &str, out: &mut String) {
    // Most words are ASCII, which folds to its lower case, a byte at a time.
    if word.is_ascii() {
        let from = out.len();
        out.push_str(word);
        out[from..].make_ascii_lowercase();
        return;
    }
    out.extend(word.chars().flat_map(char::to_lowercase).map(fold_char));
}

fn fold_char(c: char) -> char {
    match c {
        'à' | 'á' | 'â' | 'ä' | 'ã' => 'a',
        'è' | 'é' | 'ê' | 'ë' => 'e',
        'ì' | 'í' | 'î' | 'ï' => 'i',
        'ò' | 'ó' | 'ô' | 'ö' | 'õ' => 'o',
        'ù' | 'ú' | 'û' | 'ü' => 'u',
        c => c,
    }
}

/// Takes the longest known ending off a folded word, keeping at least `MIN_STEM` letters.
#[cfg(test)]
fn stem(word: &str) -> String {
    word[..stem_len(word)].to_owned()
}

/// The length in bytes of `word`'s stem.
fn stem_len(word: &str) -> usize {
    // Every suffix is ASCII, so its length in letters is its length in bytes.
    let letters = if word.is_ascii() {
        word.len()
    } else {
        word.chars().count()
    };
    for suffix in SUFFIXES {
        if letters >= MIN_STEM + suffix.len() && word.ends_with(suffix) {
            return word.len() - suffix.len();
        }
    }
    word.len()
}

/// The terms of a body's text, each with how often it is written there: what
/// `super::weigh` counts as the document's text. Worked out once, when the body is rendered (from the
/// words `written` found, which the language tally reads too).
pub fn body_terms(text: &str) -> crate::tally::Terms {
    if text.is_empty() {
        return crate::tally::Terms::default();
    }
    terms_of(&written(text).0)
}

/// The words of `text` (runs of letters and digits) as written, each with how often it
/// is (a page uses each word many times, so each is made a term once: `terms_of`), and
/// how many words the language tally counts in it (`tally::count_words`: tokens
/// between white space that hold a letter), found on the way.
pub fn written(text: &str) -> (FxHashMap<&str, u32>, usize) {
    // Sized for the words a text of this length uses, so that it is not grown (and each
    // word placed again) several times over; a long text repeats its words more.
    let mut written: FxHashMap<&str, u32> =
        FxHashMap::with_capacity_and_hasher((text.len() / 32).min(1 << 14), Default::default());
    let (mut tokens, mut has_letter) = (0, false);
    let mut i = 0;
    while i < text.len() {
        let (class, len) = classes_at(text, i);
        if class & ALNUM == 0 {
            if class & SPACE != 0 {
                tokens += usize::from(has_letter);
                has_letter = false;
            }
            i += len;
            continue;
        }
        let (end, letter) = word_end(text, i);
        has_letter |= letter;
        *written.entry(&text[i..end]).or_default() += 1;
        i = end;
    }
    (written, tokens + usize::from(has_letter))
}

/// The terms of words as `written` counts them, with their counts.
pub fn terms_of(written: &FxHashMap<&str, u32>) -> crate::tally::Terms {
    let mut terms: FxHashMap<Cow<'_, str>, u32> =
        FxHashMap::with_capacity_and_hasher(written.len(), Default::default());
    for (w, n) in written {
        if let Some(t) = term(w) {
            *terms.entry(t).or_default() += n;
        }
    }
    crate::tally::Terms::new(terms.iter().map(|(t, n)| (&**t, *n)))
}

/// The first `max` characters of `text`, cut at a word, with an ellipsis when cut.
pub fn excerpt(text: &str, max: usize) -> String {
    // The words joined by single spaces, read only until they are longer than `max`:
    // every body's excerpt is taken, and a body can be long.
    let mut joined = String::new();
    let mut chars = 0;
    for word in text.split_whitespace() {
        if chars > max {
            break;
        }
        if !joined.is_empty() {
            joined.push(' ');
            chars += 1;
        }
        joined.push_str(word);
        chars += word.chars().count();
    }
    let text = joined;
    if chars <= max {
        return text;
    }
    let cut: String = text.chars().take(max).collect();
    let cut = cut.rsplit_once(' ').map_or(cut.as_str(), |(head, _)| head);
    format!("{}…", cut.trim_end_matches([',', '.', ';', ':']))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every character is classed as Rust classes it, and read alone or inside words
    /// gives the tally and the count of words that reading the text on its own gives
    /// (`written`, `Tally::of_written`).
    #[test]
    fn every_character_is_classed_and_counted_as_the_tally_reads_it() {
        use crate::tally::{count_words, Tally};
        for c in (0..=0x10FFFF).filter_map(char::from_u32) {
            let (class, len) = classes_at(c.encode_utf8(&mut [0; 4]), 0);
            assert_eq!(len, c.len_utf8());
            assert_eq!(class & ALNUM != 0, c.is_alphanumeric(), "{c:?}");
            assert_eq!(class & LETTER != 0, c.is_alphabetic(), "{c:?}");
            assert_eq!(class & SPACE != 0, c.is_whitespace(), "{c:?}");
            // Enough to meet every kind of character in every place, in a test that
            // runs quickly: every ASCII and Latin character, a sample of the rest.
            if u32::from(c) < 0x300 || u32::from(c) % 97 == 0 || c.is_whitespace() {
                let text = format!("ab{c}ikkje {c} {c}{c}kva{c}");
                let (written, words) = written(&text);
                assert_eq!(words, count_words(&text), "{c:?}");
                let read = Tally::of_written(words, written.iter().map(|(w, n)| (*w, *n)));
                assert_eq!(read, Tally::of(&text), "{c:?}");
            }
        }
    }

    /// A word ends where reading it a character at a time ends it, whatever its length
    /// and wherever the character after it falls in the eight bytes read together
    /// (`ascii_run`), and holds a letter exactly when one of its characters is one.
    #[test]
    fn a_word_ends_where_its_characters_end_it() {
        let by_character = |text: &str, start: usize| {
            let (mut i, mut letter) = (start, false);
            while i < text.len() {
                let (class, len) = classes_at(text, i);
                if class & ALNUM == 0 {
                    break;
                }
                letter |= class & LETTER != 0;
                i += len;
            }
            (i, letter)
        };
        let ends = (0..0x300)
            .chain([0x2028, 0x3000, 0xFEFF, 0x1F600])
            .filter_map(char::from_u32);
        for c in ends {
            for (len, first) in (1..20).flat_map(|n| [(n, 'a'), (n, '7'), (n, 'ø')]) {
                let word: String = std::iter::once(first)
                    .chain("0123456789AbCdEfGhIj".chars().cycle().take(len - 1))
                    .collect();
                for (before, after) in [("", ""), ("x ", " tail of the text"), ("", "æøå")] {
                    let text = format!("{before}{word}{c}{after}");
                    let start = before.len();
                    assert_eq!(
                        word_end(&text, start),
                        by_character(&text, start),
                        "{text:?}"
                    );
                }
            }
        }
    }

    #[test]
    fn inflected_forms_share_a_stem() {
        for group in [
            &["avtale", "avtalen", "avtalene", "avtaler", "avtala"][..],
            &["kommune", "kommunen", "kommunene", "kommunar", "kommunane"],
            &["tiltak", "tiltaket", "tiltakene", "tiltaka"],
            &["barnevern", "barnevernet", "barnevernets"],
            &["aktør", "aktører", "aktørar", "aktørane", "aktørene"],
        ] {
            let stems: Vec<String> = group.iter().map(|w| stem(w)).collect();
            assert!(
                stems.iter().all(|s| s == &stems[0]),
                "{group:?} gave {stems:?}"
            );
        }
    }

    #[test]
    fn short_words_and_norwegian_letters_are_kept() {
        assert_eq!(stem("ks"), "ks");
        assert_eq!(stem("året"), "året");
        assert_eq!(
            terms("Økt KOMPETANSE i barnevernet, 2018–2024"),
            ["økt", "kompetans", "barnevern", "2018", "2024"]
        );
        assert_eq!(terms("Idé"), ["ide"]);
    }

    /// Eight bytes read together give the run of ASCII letters and digits they start
    /// with, and whether it holds a letter, as classing them one by one does: every byte
    /// in every place after every run, the bytes after it anything.
    #[test]
    fn eight_bytes_are_classed_as_each_of_them_is() {
        let alnum = |b: u8| b.is_ascii_alphanumeric();
        for len in 0..8 {
            for stop in 0..=255u8 {
                for (lead, rest) in [(b'a', 0u8), (b'5', 0xC3), (b'Z', b'x')] {
                    let mut eight = [rest; 8];
                    for (k, b) in eight.iter_mut().take(len).enumerate() {
                        *b = if k == 0 { lead } else { b"7qQ0"[k % 4] };
                    }
                    eight[len] = stop;
                    let run = eight.iter().take_while(|b| alnum(**b)).count();
                    let letter = eight[..run].iter().any(u8::is_ascii_alphabetic);
                    let mut bytes = eight.to_vec();
                    bytes.push(b' ');
                    assert_eq!(ascii_run(&bytes, 0), Some((run, letter)), "{eight:?}");
                    assert_eq!(ascii_run(&bytes, 2), None, "fewer than eight from there");
                }
            }
        }
    }

    /// ASCII is folded a byte at a time as folding each character folds it, appended to
    /// what the string held.
    #[test]
    fn ascii_folds_as_each_of_its_characters_does() {
        let every: String = (0..128u8).map(char::from).collect();
        for word in [
            every.as_str(),
            "Barnevern",
            "KS",
            "BUFDIR2024",
            "idé",
            "Ærlig",
        ] {
            let mut folded = String::from("Før ");
            fold_into(word, &mut folded);
            let by_character: String = word
                .chars()
                .flat_map(char::to_lowercase)
                .map(fold_char)
                .collect();
            assert_eq!(folded, format!("Før {by_character}"), "{word:?}");
        }
    }

    #[test]
    fn folded_words_are_borrowed() {
        let mut seen = Vec::new();
        each_term("barnevernet Økt idé avtale", |t| {
            seen.push((matches!(t, Cow::Borrowed(_)), t.into_owned()));
        });
        assert_eq!(
            seen,
            [
                (true, "barnevern".to_owned()),
                (false, "økt".to_owned()),
                (false, "ide".to_owned()),
                (true, "avtal".to_owned()),
            ]
        );
    }

    #[test]
    fn words_are_letters_and_digits() {
        let found: Vec<&str> = words("«Økt» kompetanse—i 2018–2024, R&D. ").collect();
        assert_eq!(found, ["Økt", "kompetanse", "i", "2018", "2024", "R", "D"]);
        assert_eq!(words(" ,.").count(), 0);
    }

    #[test]
    fn stop_words_fit_the_length_check() {
        assert!(STOP_WORDS.iter().all(|w| w.len() <= 6));
        assert!(is_stop_word("mellom") && is_stop_word("også") && !is_stop_word("barn"));
    }

    #[test]
    fn the_browser_leaves_out_the_same_stop_words() {
        let js = include_str!("../../../themes/default/static/search.js");
        let set = js
            .split_once("STOP_WORDS = new Set([")
            .and_then(|(_, rest)| rest.split_once("])"))
            .map(|(list, _)| list)
            .expect("search.js lists its stop words");
        let in_js: Vec<&str> = set
            .split(',')
            .map(|w| w.trim().trim_matches('"'))
            .filter(|w| !w.is_empty())
            .collect();
        assert_eq!(in_js, STOP_WORDS);
    }

    #[test]
    fn excerpts_end_at_a_word() {
        assert_eq!(excerpt("en to tre", 20), "en to tre");
        assert_eq!(excerpt("alpha beta gamma, delta", 14), "alpha beta…");
        assert_eq!(excerpt("alpha beta gamma, delta", 18), "alpha beta gamma…");
        // Read only as far as needed, it gives what the whole text joined would give.
        let whole = |text: &str, max: usize| {
            let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
            if text.chars().count() <= max {
                return text;
            }
            let cut: String = text.chars().take(max).collect();
            let cut = cut.rsplit_once(' ').map_or(cut.as_str(), |(head, _)| head);
            format!("{}…", cut.trim_end_matches([',', '.', ';', ':']))
        };
        let long = "Tillit  mellom\npartane,  i  barnevernet; æøå ".repeat(20);
        for text in [
            "",
            "  ",
            "en to",
            " en\n\nto  tre ",
            "ordsomerlengreennmax",
            &long,
        ] {
            for max in [0, 1, 2, 5, 6, 7, 12, 160] {
                assert_eq!(excerpt(text, max), whole(text, max), "{text:?} {max}");
            }
        }
    }
}
