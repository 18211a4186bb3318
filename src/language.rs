//! The two written standards in the published text: the share of words in each (språklova
//! § 13 asks a state body for at least 25 % of each), and text that reads as the other
//! standard than the `lang` it is published under.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use serde::{Deserialize, Serialize};

use crate::error::Diagnostic;
use crate::model::{Lang, Page};
use crate::render::markdown::plain_text;
use crate::render::Prepared;

/// The kinds of published text the shares are given for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Kind {
    FactPages,
    Articles,
    Initiatives,
    Events,
}

impl Kind {
    fn label(self) -> &'static str {
        match self {
            Kind::FactPages => "fact pages",
            Kind::Articles => "articles",
            Kind::Initiatives => "initiatives",
            Kind::Events => "events",
        }
    }
}

/// Words in bokmål and in nynorsk.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Words {
    pub nb: usize,
    pub nn: usize,
}

impl Words {
    fn add(&mut self, lang: Lang, n: usize) {
        match lang {
            Lang::Nb => self.nb += n,
            Lang::Nn => self.nn += n,
        }
    }

    fn total(&self) -> usize {
        self.nb + self.nn
    }

    /// The share of `lang` in whole percent, rounded down, so that a site shown as
    /// meeting 25 % does meet it (0 when there are no words).
    pub fn percent(&self, lang: Lang) -> usize {
        let n = match lang {
            Lang::Nb => self.nb,
            Lang::Nn => self.nn,
        };
        (n * 100).checked_div(self.total()).unwrap_or(0)
    }

    /// `bokmål 71 %, nynorsk 29 %`, with the nynorsk share counted down from the
    /// bokmål one's remainder so the two add up to 100.
    fn shares(&self) -> String {
        if self.total() == 0 {
            return "no words".into();
        }
        let nn = self.percent(Lang::Nn);
        format!("bokmål {} %, nynorsk {nn} %", 100 - nn)
    }
}

/// The words of each written standard on the published pages of the current site.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Shares {
    pub words: Words,
    pub kinds: BTreeMap<Kind, Words>,
    /// The percent each standard must reach (site.yaml `language_quota`).
    pub quota: Option<u8>,
}

impl Shares {
    /// `language: bokmål 71 %, nynorsk 29 % of words on published pages (fact pages: …)`.
    pub fn line(&self) -> String {
        let mut s = format!(
            "language: {} of words on published pages",
            self.words.shares()
        );
        let kinds: Vec<String> = self
            .kinds
            .iter()
            .filter(|(_, w)| w.total() > 0)
            .map(|(k, w)| format!("{}: {}", k.label(), w.shares()))
            .collect();
        if !kinds.is_empty() {
            let _ = write!(s, " ({})", kinds.join("; "));
        }
        if let Some(q) = self.quota {
            let _ = write!(s, "; quota {q} %");
        }
        s
    }

    /// For `check --format json`: the words, and the whole percentages.
    pub fn json(&self) -> serde_json::Value {
        let percent = |w: &Words| serde_json::json!({ "nb": 100 - w.percent(Lang::Nn), "nn": w.percent(Lang::Nn) });
        let kinds: serde_json::Map<String, serde_json::Value> = self
            .kinds
            .iter()
            .map(|(k, w)| {
                let key = serde_json::to_value(k)
                    .ok()
                    .and_then(|v| v.as_str().map(str::to_owned))
                    .unwrap_or_default();
                (
                    key,
                    serde_json::json!({ "words": w, "percent": percent(w) }),
                )
            })
            .collect();
        serde_json::json!({
            "words": self.words,
            "percent": percent(&self.words),
            "kinds": kinds,
            "quota": self.quota,
        })
    }
}

/// One published text: where it comes from, what it is, the standard it is published
/// under, how many words it has and, when it reads as the other standard, that
/// standard's words in it. The text itself is measured once and not kept.
pub struct Text<'a> {
    path: &'a str,
    kind: Kind,
    lang: Lang,
    words: usize,
    other: Option<Vec<(String, usize)>>,
}

impl<'a> Text<'a> {
    fn measure(path: &'a str, kind: Kind, lang: Lang, text: &str) -> Self {
        Text {
            path,
            kind,
            lang,
            words: count_words(text),
            other: reads_as_other(text, lang),
        }
    }
}

/// Every text of the current site that is published, drafts left out, measured (the
/// pages, most of a large site, in parallel; in the order of the records either way).
pub fn texts<'a>(p: &'a Prepared) -> Vec<Text<'a>> {
    use rayon::prelude::*;
    let reg = p.reg;
    let body = |key: &str| p.bodies.get(key).map(|b| b.text()).unwrap_or_default();
    let mut out: Vec<Text> = reg
        .pages
        .par_iter()
        .enumerate()
        .filter(|(_, page)| !page.meta.draft)
        .map(|(i, page)| {
            let mut text = page_heading(page);
            text.push(' ');
            text.push_str(&body(&format!("page:{i}")));
            let kind = if page.slug_path.contains('/')
                || (page.is_section && !page.slug_path.is_empty())
            {
                Kind::Articles
            } else {
                Kind::FactPages
            };
            Text::measure(&page.source.path, kind, page.lang, &text)
        })
        .collect();
    for (id, ini) in &reg.initiatives {
        let m = &ini.meta;
        let mut text = format!("{} {}", m.title, m.summary.as_deref().unwrap_or(""));
        for role in &m.roles {
            let _ = write!(text, " {} {}", role.role, role.tasks.join(" "));
        }
        for measure in &m.measures {
            let _ = write!(text, " {}", measure.title);
            if let Some(d) = &measure.description {
                text.push(' ');
                text.push_str(&plain_text(d));
            }
        }
        text.push(' ');
        text.push_str(&body(&format!("initiative:{id}")));
        out.push(Text::measure(
            &ini.source.path,
            Kind::Initiatives,
            ini.lang,
            &text,
        ));
    }
    // Events are checked per file (one file holds many short events): those written in
    // an initiative share its language and are counted with the events.
    let mut files: BTreeMap<usize, (Lang, String)> = BTreeMap::new();
    for e in &reg.events {
        let lang = e
            .written_in
            .as_ref()
            .and_then(|id| reg.initiatives.get(id))
            .map_or(reg.config.lang, |i| i.lang);
        let entry = files.entry(e.file).or_insert((lang, String::new()));
        let _ = write!(
            entry.1,
            " {} {}",
            e.title,
            body(&format!("event:{}", e.anchor))
        );
    }
    for (file, (lang, text)) in files {
        if let Some(src) = reg.event_sources.get(file) {
            out.push(Text::measure(&src.path, Kind::Events, lang, &text));
        }
    }
    out
}

fn page_heading(page: &Page) -> String {
    format!(
        "{} {}",
        page.meta.title,
        page.meta.summary.as_deref().unwrap_or("")
    )
}

/// Counts the words of each standard on the current site's published pages.
pub fn shares(p: &Prepared, texts: &[Text]) -> Shares {
    let mut shares = Shares {
        quota: p.reg.config.public.language_quota,
        ..Shares::default()
    };
    for t in texts {
        let n = t.words;
        shares.words.add(t.lang, n);
        shares.kinds.entry(t.kind).or_default().add(t.lang, n);
    }
    shares
}

/// The language warnings of the current site: a standard below the quota, and texts
/// that read as the other standard than the one they are published under.
pub fn warnings(p: &Prepared, texts: &[Text], shares: &Shares) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let config = &p.reg.config;
    if let Some(quota) = shares.quota {
        if shares.words.total() > 0 {
            for &lang in &config.languages {
                let have = shares.words.percent(lang);
                if have < quota as usize {
                    let short = quota as usize - have;
                    let (name, other) = names(lang);
                    let mut d = Diagnostic::warning(
                                config.source.path.clone(),
                                format!(
                                    "{name} is {have} % of the words on published pages, {short} percentage point{} short of the quota of {quota} %",
                                    if short == 1 { "" } else { "s" }
                                ),
                            )
                            .hint(format!(
                                "write more pages or records in {name} (`lang: {}`) instead of {other}; never as parallel copies of the same page",
                                lang.code()
                            ));
                    if let Some((line, col, width)) = config
                        .source
                        .locate(&["language_quota:"], &quota.to_string())
                    {
                        d = d.at(&config.source.text, line, col, width);
                    }
                    out.push(d);
                }
            }
        }
    }
    for t in texts {
        if let Some(found) = &t.other {
            out.push(mismatch(t.path, t.lang, found));
        }
    }
    out
}

/// Texts written in a standard the site does not publish in (site.yaml `languages`), as
/// errors: `languages: [nb]` means the site is in bokmål only.
pub fn unlisted(p: &Prepared, texts: &[Text]) -> Vec<Diagnostic> {
    let config = &p.reg.config;
    texts
        .iter()
        .filter(|t| !config.languages.contains(&t.lang))
        .map(|t| {
            let listed: Vec<&str> = config.languages.iter().map(|l| l.code()).collect();
            Diagnostic::error(
                t.path.to_owned(),
                format!(
                    "the text is in {} (`lang: {}`), which content/site.yaml's `languages` does not list",
                    names(t.lang).0,
                    t.lang.code()
                ),
            )
            .hint(format!(
                "add it to `languages:` in content/site.yaml (now [{}]), or write the text in {}",
                listed.join(", "),
                names(config.lang).0
            ))
        })
        .collect()
}

fn names(lang: Lang) -> (&'static str, &'static str) {
    match lang {
        Lang::Nb => ("bokmål", "nynorsk"),
        Lang::Nn => ("nynorsk", "bokmål"),
    }
}

fn mismatch(path: &str, lang: Lang, found: &[(String, usize)]) -> Diagnostic {
    let (name, other) = names(lang);
    let words: Vec<String> = found
        .iter()
        .map(|(w, n)| {
            if *n > 1 {
                format!("«{w}» ×{n}")
            } else {
                format!("«{w}»")
            }
        })
        .collect();
    let hint = match lang {
        Lang::Nb => "if the text is nynorsk, add `lang: nn` to its front matter (or write the text in bokmål)".to_owned(),
        Lang::Nn => "if the text is bokmål, remove `lang: nn` (or write the text in nynorsk)".to_owned(),
    };
    Diagnostic::warning(
        path.to_owned(),
        format!(
            "the text reads as {other}, not {name} as its language says: {}",
            words.join(", ")
        ),
    )
    .hint(hint)
}

/// Words of running text: tokens with at least one letter (between whitespace). It
/// reads every published word, so ASCII is read byte by byte and only other characters
/// are decoded.
pub fn count_words(text: &str) -> usize {
    let bytes = text.as_bytes();
    let (mut i, mut n, mut in_word, mut has_letter) = (0, 0, false, false);
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
        i += len;
    }
    n + usize::from(in_word && has_letter)
}

/// The runs of letters in `text`: `text.split(|c| !c.is_alphabetic())` without the
/// empty pieces, reading ASCII byte by byte.
fn letter_runs(text: &str) -> impl Iterator<Item = &str> {
    let bytes = text.as_bytes();
    let mut i = 0;
    std::iter::from_fn(move || {
        let mut start = None;
        while i < bytes.len() {
            let b = bytes[i];
            let (letter, len) = if b.is_ascii() {
                (b.is_ascii_alphabetic(), 1)
            } else {
                let c = text[i..].chars().next()?;
                (c.is_alphabetic(), c.len_utf8())
            };
            if letter {
                start.get_or_insert(i);
            } else if let Some(s) = start {
                let run = &text[s..i];
                i += len;
                return Some(run);
            }
            i += len;
        }
        start.map(|s| &text[s..])
    })
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

/// The distinctive words of the other standard than `lang` found in `text`, with their
/// counts, when they outweigh those of `lang` clearly: at least 3, and more than twice
/// as many (a quotation or a name in the other standard is not enough).
pub fn reads_as_other(text: &str, lang: Lang) -> Option<Vec<(String, usize)>> {
    // One lookup a word, in one table of both standards' words: this runs over every
    // word of every published text.
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
    let (words, longest) = (&WORDS.0, WORDS.1);
    let mut own_count = 0;
    let mut found: BTreeMap<&str, usize> = BTreeMap::new();
    let mut lower = String::new();
    // An ASCII word in lower case, without a copy on the heap.
    let mut ascii = [0u8; 64];
    for word in letter_runs(text) {
        // ASCII keeps its length in lower case; other letters never shrink to less than
        // a third of their bytes.
        let is_ascii = word.is_ascii();
        if word.len() > if is_ascii { longest } else { 3 * longest } {
            continue;
        }
        let key = if is_ascii && word.len() <= ascii.len() {
            let buf = &mut ascii[..word.len()];
            buf.copy_from_slice(word.as_bytes());
            buf.make_ascii_lowercase();
            std::str::from_utf8(buf).unwrap_or("")
        } else {
            lower.clear();
            lower.extend(word.chars().flat_map(char::to_lowercase));
            lower.as_str()
        };
        match words.get_key_value(key) {
            Some((_, l)) if *l == lang => own_count += 1,
            Some((w, _)) => *found.entry(w).or_default() += 1,
            None => {}
        }
    }
    let other_count: usize = found.values().sum();
    if other_count < 3 || other_count <= 2 * own_count {
        return None;
    }
    let mut list: Vec<(String, usize)> =
        found.into_iter().map(|(w, n)| (w.to_owned(), n)).collect();
    // The most frequent first; at most eight named.
    list.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    list.truncate(8);
    Some(list)
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
            assert_eq!(letter_runs(t).collect::<Vec<_>>(), runs, "{t:?}");
        }
    }

    #[test]
    fn shares_add_up_and_round_down() {
        let w = Words { nb: 71, nn: 29 };
        assert_eq!(w.shares(), "bokmål 71 %, nynorsk 29 %");
        let w = Words { nb: 2, nn: 1 };
        assert_eq!(w.percent(Lang::Nn), 33);
        assert_eq!(w.shares(), "bokmål 67 %, nynorsk 33 %");
        assert_eq!(Words::default().shares(), "no words");
        assert_eq!(count_words("Det er 2020 – og «slik» er det."), 6);
    }
}
