//! The two written standards in the published text: the share of words in each (språklova
//! § 13 asks a state body for at least 25 % of each), and text that reads as the other
//! standard than the `lang` it is published under.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::Diagnostic;
use crate::model::{Lang, Page};
use crate::render::markdown::plain_text;
use crate::render::Prepared;
use crate::tally::Tally;

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
    fn measure(path: &'a str, kind: Kind, lang: Lang, tally: &Tally) -> Self {
        Text {
            path,
            kind,
            lang,
            words: tally.words,
            other: tally.reads_as_other(lang),
        }
    }
}

/// Every text of the current site that is published, drafts left out, measured: the
/// fields as written, the bodies by the tallies taken when they were rendered (in the
/// order of the records).
pub fn texts<'a>(p: &'a Prepared) -> Vec<Text<'a>> {
    let reg = p.reg;
    // A text and then its body, as if joined by a space.
    let with_body = |text: &str, key: &str| {
        let mut tally = Tally::of(text);
        if let Some(body) = p.bodies.get(key) {
            tally.add(&body.digest.tally);
        }
        tally
    };
    let mut out: Vec<Text> = reg
        .pages
        .par_iter()
        .enumerate()
        .filter(|(_, page)| !page.meta.draft)
        .map(|(i, page)| {
            let tally = with_body(&page_heading(page), &format!("page:{i}"));
            let kind = if page.slug_path.contains('/')
                || (page.is_section && !page.slug_path.is_empty())
            {
                Kind::Articles
            } else {
                Kind::FactPages
            };
            Text::measure(&page.source.path, kind, page.lang, &tally)
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
        let tally = with_body(&text, &format!("initiative:{id}"));
        out.push(Text::measure(
            &ini.source.path,
            Kind::Initiatives,
            ini.lang,
            &tally,
        ));
    }
    // Events are checked per file (one file holds many short events): those written in
    // an initiative share its language and are counted with the events.
    let mut files: BTreeMap<usize, (Lang, Tally)> = BTreeMap::new();
    for e in &reg.events {
        let lang = e
            .written_in
            .as_ref()
            .and_then(|id| reg.initiatives.get(id))
            .map_or(reg.config.lang, |i| i.lang);
        let entry = files.entry(e.file).or_insert((lang, Tally::default()));
        entry
            .1
            .add(&with_body(&e.title, &format!("event:{}", e.anchor)));
    }
    for (file, (lang, tally)) in files {
        if let Some(src) = reg.event_sources.get(file) {
            out.push(Text::measure(&src.path, Kind::Events, lang, &tally));
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shares_add_up_and_round_down() {
        let w = Words { nb: 71, nn: 29 };
        assert_eq!(w.shares(), "bokmål 71 %, nynorsk 29 %");
        let w = Words { nb: 2, nn: 1 };
        assert_eq!(w.percent(Lang::Nn), 33);
        assert_eq!(w.shares(), "bokmål 67 %, nynorsk 33 %");
        assert_eq!(Words::default().shares(), "no words");
        assert_eq!(
            crate::tally::count_words("Det er 2020 – og «slik» er det."),
            6
        );
    }
}
