//! The words of a published text, counted once: how many there are, and which of them
//! only one of the written standards uses. `language` adds these up per site; a body's
//! counts are taken when it is rendered (`render::digest`), so the text is read once.

use std::collections::BTreeMap;

use crate::model::Lang;

/// Words of running text: tokens with at least one letter (between whitespace).
pub fn count_words(text: &str) -> usize {
    words_and_runs(text, |_| {})
}

/// Reads `text` once, calling `run` with each run of letters in it (`text.split(|c|
/// !c.is_alphabetic())` without the empty pieces), and returns how many words it has:
/// tokens with at least one letter, between whitespace. It reads every published word,
/// so ASCII is read byte by byte and only other characters are decoded.
fn words_and_runs<'t>(text: &'t str, mut run: impl FnMut(&'t str)) -> usize {
    let bytes = text.as_bytes();
    let (mut i, mut n, mut in_word, mut has_letter) = (0, 0, false, false);
    let mut start: Option<usize> = None;
    while i < bytes.len() {
        let b = bytes[i];
        let (space, letter, len) = if b.is_ascii() {
            (
                b.is_ascii_whitespace() || b == 0x0b,
                b.is_ascii_alphabetic(),
                1,
            )
        } else {
            // `i` is always at the start of a character.
            let c = text[i..].chars().next().unwrap_or(' ');
            (c.is_whitespace(), c.is_alphabetic(), c.len_utf8())
        };
        if space {
            n += usize::from(in_word && has_letter);
            in_word = false;
            has_letter = false;
        } else {
            in_word = true;
            has_letter |= letter;
        }
        if letter {
            start.get_or_insert(i);
        } else if let Some(s) = start.take() {
            run(&text[s..i]);
        }
        i += len;
    }
    if let Some(s) = start {
        run(&text[s..]);
    }
    n + usize::from(in_word && has_letter)
}

/// Common words only one of the standards writes so (the other's form in the same row's
/// counterpart list). Kept to words that are frequent in public-sector prose and not
/// words or names of the other standard.
const BOKMAL_ONLY: &[&str] = &[
    "ikke",
    "et",
    "hva",
    "fra",
    "hvordan",
    "være",
    "vært",
    "de",
    "dem",
    "deres",
    "jeg",
    "hun",
    "bare",
    "noe",
    "noen",
    "mye",
    "hele",
    "hver",
    "hvem",
    "hvor",
    "hvorfor",
    "selv",
    "sammen",
    "ble",
    "uten",
    "flere",
    "mer",
    "særlig",
    "disse",
    "siden",
    "fikk",
    "gikk",
    "videre",
    "mens",
    "hvis",
    "gjøre",
    "gjør",
    "sier",
    "annet",
    "helt",
    "egen",
    "eget",
    "egne",
    "løsninger",
    "tjenester",
    "tjenesten",
    "kommuner",
    "kommunene",
    "skole",
    "skolen",
    "statlige",
    "nå",
];
const NYNORSK_ONLY: &[&str] = &[
    "ikkje",
    "eit",
    "kva",
    "frå",
    "korleis",
    "vere",
    "vore",
    "dei",
    "deira",
    "eg",
    "ho",
    "berre",
    "noko",
    "nokon",
    "mykje",
    "heile",
    "kvar",
    "kven",
    "kor",
    "kvifor",
    "sjølv",
    "saman",
    "vart",
    "utan",
    "fleire",
    "meir",
    "særleg",
    "desse",
    "sidan",
    "fekk",
    "gjekk",
    "vidare",
    "medan",
    "viss",
    "gjere",
    "gjer",
    "seier",
    "anna",
    "heilt",
    "eigen",
    "eige",
    "eigne",
    "løysingar",
    "tenester",
    "tenesta",
    "kommunar",
    "kommunane",
    "skule",
    "skulen",
    "statlege",
    "ein",
    "òg",
    "hjå",
    "difor",
];

/// What one text says about its language: its words, and each distinctive word of
/// either standard it uses, with how often. Tallies of texts joined by a space add up to
/// the tally of the joined text. Kept between builds as its word count and its
/// distinctive words with their counts (`Kept`).
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(into = "Kept", try_from = "Kept")]
pub struct Tally {
    pub words: usize,
    /// Distinctive words in byte order, each with its standard and count.
    distinct: Vec<(&'static str, Lang, u32)>,
}

/// Both standards' distinctive words in one table, with the length of the longest.
fn distinctive() -> &'static (rustc_hash::FxHashMap<&'static str, Lang>, usize) {
    static WORDS: std::sync::LazyLock<(rustc_hash::FxHashMap<&'static str, Lang>, usize)> =
        std::sync::LazyLock::new(|| {
            let words: rustc_hash::FxHashMap<&'static str, Lang> = BOKMAL_ONLY
                .iter()
                .map(|w| (*w, Lang::Nb))
                .chain(NYNORSK_ONLY.iter().map(|w| (*w, Lang::Nn)))
                .collect();
            let longest = words.keys().map(|w| w.len()).max().unwrap_or(0);
            (words, longest)
        });
    &WORDS
}

/// A tally as it is stored: its standards are those of the words' table.
#[derive(serde::Serialize, serde::Deserialize)]
struct Kept {
    words: usize,
    distinct: Vec<(String, u32)>,
}

impl From<Tally> for Kept {
    fn from(t: Tally) -> Kept {
        Kept {
            words: t.words,
            distinct: t
                .distinct
                .into_iter()
                .map(|(w, _, n)| (w.to_owned(), n))
                .collect(),
        }
    }
}

impl TryFrom<Kept> for Tally {
    type Error = String;

    /// Refuses a word the table does not have (a tally of another `mandat`'s table).
    fn try_from(k: Kept) -> Result<Tally, String> {
        let words = &distinctive().0;
        let mut distinct = Vec::with_capacity(k.distinct.len());
        for (w, n) in k.distinct {
            let (word, lang) = words
                .get_key_value(w.as_str())
                .ok_or_else(|| format!("`{w}` is not a distinctive word"))?;
            distinct.push((*word, *lang, n));
        }
        distinct.sort_unstable_by_key(|d| d.0);
        Ok(Tally {
            words: k.words,
            distinct,
        })
    }
}

/// The distinctive words found so far, for `Tally`.
struct Found {
    found: BTreeMap<&'static str, (Lang, u32)>,
    /// An ASCII run in lower case, without a copy on the heap; other runs.
    ascii: [u8; 64],
    lower: String,
}

impl Default for Found {
    fn default() -> Found {
        Found {
            found: BTreeMap::new(),
            ascii: [0; 64],
            lower: String::new(),
        }
    }
}

impl Found {
    /// Counts the run of letters `run`, written `n` times: one lookup, in one table of
    /// both standards' words, for every run of every published text.
    fn add(&mut self, run: &str, n: u32) {
        let (words, longest) = distinctive();
        // ASCII keeps its length in lower case; other letters never shrink to less than
        // a third of their bytes.
        let is_ascii = run.is_ascii();
        if run.len() > if is_ascii { *longest } else { 3 * *longest } {
            return;
        }
        let key = if is_ascii && run.len() <= self.ascii.len() {
            let buf = &mut self.ascii[..run.len()];
            buf.copy_from_slice(run.as_bytes());
            buf.make_ascii_lowercase();
            std::str::from_utf8(buf).unwrap_or("")
        } else {
            self.lower.clear();
            self.lower.extend(run.chars().flat_map(char::to_lowercase));
            self.lower.as_str()
        };
        if let Some((w, l)) = words.get_key_value(key) {
            self.found.entry(w).or_insert((*l, 0)).1 += n;
        }
    }

    fn tally(self, words: usize) -> Tally {
        Tally {
            words,
            distinct: self
                .found
                .into_iter()
                .map(|(w, (l, n))| (w, l, n))
                .collect(),
        }
    }
}

impl Tally {
    /// Reads `text` once.
    pub fn of(text: &str) -> Self {
        let mut found = Found::default();
        let words = words_and_runs(text, |run| found.add(run, 1));
        found.tally(words)
    }

    /// `Tally::of` a text with `words` words (`count_words`), from its runs of letters
    /// and digits, each with how often it is written there (a body's search terms are
    /// counted from the same, so its text is read once for both): the runs of letters
    /// are those of the text, each read once however often it is written.
    pub fn of_written<'w>(words: usize, written: impl IntoIterator<Item = (&'w str, u32)>) -> Self {
        let mut found = Found::default();
        for (word, n) in written {
            let mut start = None;
            for (i, c) in word.char_indices() {
                if c.is_alphabetic() {
                    start.get_or_insert(i);
                } else if let Some(s) = start.take() {
                    found.add(&word[s..i], n);
                }
            }
            if let Some(s) = start {
                found.add(&word[s..], n);
            }
        }
        found.tally(words)
    }

    /// Adds the tally of another text, as if the two were joined by a space.
    pub fn add(&mut self, other: &Tally) {
        self.words += other.words;
        if other.distinct.is_empty() {
            return;
        }
        let mut all: BTreeMap<&'static str, (Lang, u32)> = self
            .distinct
            .iter()
            .map(|(w, l, n)| (*w, (*l, *n)))
            .collect();
        for (w, l, n) in &other.distinct {
            all.entry(w).or_insert((*l, 0)).1 += n;
        }
        self.distinct = all.into_iter().map(|(w, (l, n))| (w, l, n)).collect();
    }

    /// The distinctive words of the other standard than `lang`, with their counts, when
    /// they outweigh those of `lang` clearly: at least 3, and more than twice as many (a
    /// quotation or a name in the other standard is not enough).
    pub fn reads_as_other(&self, lang: Lang) -> Option<Vec<(String, usize)>> {
        let count = |own: bool| -> usize {
            self.distinct
                .iter()
                .filter(|(_, l, _)| (*l == lang) == own)
                .map(|(.., n)| *n as usize)
                .sum()
        };
        let (own_count, other_count) = (count(true), count(false));
        if other_count < 3 || other_count <= 2 * own_count {
            return None;
        }
        let mut list: Vec<(String, usize)> = self
            .distinct
            .iter()
            .filter(|(_, l, _)| *l != lang)
            .map(|(w, _, n)| ((*w).to_owned(), *n as usize))
            .collect();
        // The most frequent first; at most eight named.
        list.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        list.truncate(8);
        Some(list)
    }
}

/// The search terms of one text, each once with how often it is written there
/// (`render::search::body_terms` makes them). Stored as one string of terms, each ended
/// by a space (a term is letters and digits), and their counts: a body's terms take less room than its text.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(try_from = "KeptTerms")]
pub struct Terms {
    list: Box<str>,
    counts: Box<[u32]>,
}

/// Terms as they are read back: refused unless there is a count for every term.
#[derive(serde::Deserialize)]
struct KeptTerms {
    list: Box<str>,
    counts: Box<[u32]>,
}

impl TryFrom<KeptTerms> for Terms {
    type Error = &'static str;

    fn try_from(k: KeptTerms) -> Result<Terms, &'static str> {
        // As many as `iter` finds: one before each space, and one after the last if the
        // list does not end with one (a byte count: every body read back is counted).
        let spaces = k.list.bytes().filter(|b| *b == b' ').count();
        let terms = spaces + usize::from(!k.list.is_empty() && !k.list.ends_with(' '));
        if terms != k.counts.len() {
            return Err("the terms and their counts differ in number");
        }
        Ok(Terms {
            list: k.list,
            counts: k.counts,
        })
    }
}

impl Terms {
    /// From terms and counts; the terms hold no space, each comes once.
    pub fn new<'a>(terms: impl IntoIterator<Item = (&'a str, u32)>) -> Self {
        let terms = terms.into_iter();
        // Room for as many terms as there are said to be, of a length most terms are
        // within: then neither is grown as they are added, and both mostly keep their place
        // as they are made exactly as long as they are (the allocator shrinks in place).
        let many = terms.size_hint().0;
        let mut list = String::with_capacity(many.saturating_mul(12));
        let mut counts = Vec::with_capacity(many);
        for (term, n) in terms {
            list.push_str(term);
            list.push(' ');
            counts.push(n);
        }
        Terms {
            list: list.into_boxed_str(),
            counts: counts.into_boxed_slice(),
        }
    }

    /// How many terms there are.
    pub fn len(&self) -> usize {
        self.counts.len()
    }

    pub fn is_empty(&self) -> bool {
        self.counts.is_empty()
    }

    pub fn iter(&self) -> impl Iterator<Item = (&str, u32)> {
        self.list
            .split_terminator(' ')
            .zip(self.counts.iter().copied())
    }
}

/// The distinctive words of the other standard than `lang` found in `text` (see
/// `Tally::reads_as_other`).
pub fn reads_as_other(text: &str, lang: Lang) -> Option<Vec<(String, usize)>> {
    Tally::of(text).reads_as_other(lang)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_word_is_distinctive_of_both_standards() {
        let both: Vec<&&str> = BOKMAL_ONLY
            .iter()
            .filter(|w| NYNORSK_ONLY.contains(w))
            .collect();
        assert!(both.is_empty(), "{both:?}");
    }

    /// A tally is stored by its words and read back as it was; a word the table does not
    /// have (a tally of another table) is refused, not taken as some standard's.
    #[test]
    fn a_tally_is_stored_and_read_back_as_it_was() {
        let tally = Tally::of("Dette er eit forum, og ikkje ein parallell. Det er ikke en del.");
        let json = serde_json::to_string(&tally).unwrap();
        assert_eq!(serde_json::from_str::<Tally>(&json).unwrap(), tally);
        let other = json.replace("\"eit\"", "\"eitt\"");
        assert_ne!(other, json);
        assert!(serde_json::from_str::<Tally>(&other).is_err());
        // Terms likewise, refused unless every term has its count.
        let terms = Terms::new([("barn", 2), ("vern", 1)]);
        let json = serde_json::to_string(&terms).unwrap();
        assert_eq!(serde_json::from_str::<Terms>(&json).unwrap(), terms);
        let short = json.replace("[2,1]", "[2]");
        assert_ne!(short, json);
        assert!(serde_json::from_str::<Terms>(&short).is_err());
    }

    #[test]
    fn nynorsk_under_bokmal_is_found_with_its_words() {
        let text = "Dette er eit forum der partane kan drøfte kva som ikkje fungerer, og korleis ein kan gjere det betre. Det skal ikkje vere ein parallell.";
        let found = reads_as_other(text, Lang::Nb).unwrap();
        assert_eq!(found[0], ("ein".to_owned(), 2));
        assert_eq!(found[1], ("ikkje".to_owned(), 2));
        assert!(reads_as_other(text, Lang::Nn).is_none());
    }

    #[test]
    fn bokmal_under_nynorsk_is_found() {
        let text = "Avtalen skal ikke være en parallell, og hva som skjer fra 2020 er ikke klart.";
        let found = reads_as_other(text, Lang::Nn).unwrap();
        assert_eq!(found[0], ("ikke".to_owned(), 2));
        assert!(reads_as_other(text, Lang::Nb).is_none());
    }

    #[test]
    fn a_quotation_or_a_few_words_are_not_enough() {
        // A bokmål text quoting a nynorsk sentence: its own words outweigh.
        let text = "Departementet sier at det ikke er klart hva som skjer, men avtalen sier «det skal ikkje lagast parallelle versjonar» og det er ikke nytt fra 2020.";
        assert!(reads_as_other(text, Lang::Nb).is_none());
        assert!(reads_as_other("Kva no?", Lang::Nb).is_none());
    }

    #[test]
    fn words_and_letters_are_read_as_characters_are() {
        let texts = [
            "Det er 2020 – og «slik» er det.",
            "  ÆØÅ æøå\u{a0}òg\u{2003}hjå\x0bx 12 -- ",
            "",
            "a",
            "Ǆ\u{212a}elvin ﬁ",
        ];
        for t in texts {
            let words = t
                .split_whitespace()
                .filter(|w| w.chars().any(char::is_alphabetic))
                .count();
            assert_eq!(count_words(t), words, "{t:?}");
            let runs: Vec<&str> = t
                .split(|c: char| !c.is_alphabetic())
                .filter(|w| !w.is_empty())
                .collect();
            let mut found = Vec::new();
            assert_eq!(words_and_runs(t, |r| found.push(r)), words, "{t:?}");
            assert_eq!(found, runs, "{t:?}");
        }
    }

    #[test]
    fn tallies_of_texts_add_up_to_the_tally_of_the_texts_joined() {
        let parts = [
            "Dette er eit forum der partane kan drøfte kva som ikkje fungerer.",
            "",
            "Avtalen skal ikke være en parallell, og hva som skjer er ikke klart.",
            "Kva no? Ikkje nok.",
        ];
        let mut sum = Tally::default();
        for p in parts {
            sum.add(&Tally::of(p));
        }
        assert_eq!(sum, Tally::of(&parts.join(" ")));
        assert_eq!(sum.words, count_words(&parts.join(" ")));
        for lang in [Lang::Nb, Lang::Nn] {
            assert_eq!(
                sum.reads_as_other(lang),
                reads_as_other(&parts.join(" "), lang)
            );
        }
    }

    #[test]
    fn terms_come_back_as_they_were_given() {
        let terms = Terms::new([("barnevern", 3), ("tillit", 1), ("æøå", 2)]);
        let back: Vec<(&str, u32)> = terms.iter().collect();
        assert_eq!(back, [("barnevern", 3), ("tillit", 1), ("æøå", 2)]);
        assert_eq!(Terms::new([]).iter().count(), 0);
    }

    /// Terms read back are refused unless there is a count for every term `iter` gives.
    #[test]
    fn terms_read_back_need_a_count_for_every_term() {
        let read = |json: &str| serde_json::from_str::<Terms>(json).ok();
        let terms = Terms::new([("barnevern", 3), ("tillit", 1)]);
        let json = serde_json::to_string(&terms).unwrap();
        assert_eq!(read(&json), Some(terms));
        for (list, counts, ok) in [
            ("", "[]", true),
            ("a b ", "[1,2]", true),
            ("a b", "[1,2]", true),
            ("a  b ", "[1,2,3]", true),
            ("a b ", "[1]", false),
            ("a b", "[1,2,3]", false),
            ("", "[1]", false),
        ] {
            let json = format!(r#"{{"list":"{list}","counts":{counts}}}"#);
            let back = read(&json);
            assert_eq!(back.is_some(), ok, "{json}");
            if let Some(t) = back {
                assert_eq!(t.iter().count(), t.len(), "{json}");
            }
        }
    }
}
