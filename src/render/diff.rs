//! Readable text diffs with the `similar` crate: text compared line by line or paragraph
//! by paragraph, and word by word inside what changed, like tracked changes. Markdown is
//! compared as the text a reader sees.

use similar::{ChangeTag, DiffTag, TextDiff};

/// A run of text in a diff: unchanged, removed or added.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Segment {
    pub tag: ChangeTag,
    pub text: String,
}

/// One block of a field's diff: shown text, or a count of units left out as unchanged.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Block {
    Text(Vec<Segment>),
    Unchanged(usize),
}

/// What a diff compares: lines (short fields), or paragraphs (text, where line breaks
/// inside a paragraph do not matter).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    Lines,
    Paragraphs,
}

/// Markdown as a reader sees it: the text of each paragraph, heading, list item and
/// table row, without markup or link targets, one per paragraph.
pub fn plain(markdown: &str) -> String {
    use pulldown_cmark::{Event, Parser, Tag, TagEnd};
    let mut blocks: Vec<String> = Vec::new();
    let mut current = String::new();
    let mut lists: Vec<Option<u64>> = Vec::new();
    let finish = |blocks: &mut Vec<String>, current: &mut String| {
        let words: Vec<&str> = current.split_whitespace().collect();
        let text = words.join(" ");
        let text = text.trim_end_matches('|').trim_end();
        if !text.is_empty() {
            blocks.push(text.to_owned());
        }
        current.clear();
    };
    for event in Parser::new_ext(markdown, super::markdown::options()) {
        match event {
            Event::Start(Tag::List(first)) => lists.push(first),
            Event::End(TagEnd::List(_)) => {
                lists.pop();
            }
            Event::Start(Tag::Item) => {
                finish(&mut blocks, &mut current);
                match lists.last_mut() {
                    Some(Some(n)) => {
                        current.push_str(&format!("{n}. "));
                        *n += 1;
                    }
                    _ => current.push_str("• "),
                }
            }
            Event::End(
                TagEnd::Paragraph
                | TagEnd::Heading(_)
                | TagEnd::Item
                | TagEnd::TableHead
                | TagEnd::TableRow
                | TagEnd::CodeBlock
                | TagEnd::BlockQuote(_),
            ) => finish(&mut blocks, &mut current),
            Event::End(TagEnd::TableCell) => current.push_str(" | "),
            Event::Text(t) | Event::Code(t) => current.push_str(&t),
            Event::SoftBreak | Event::HardBreak => current.push(' '),
            Event::FootnoteReference(r) => current.push_str(&format!("[{r}]")),
            _ => {}
        }
    }
    finish(&mut blocks, &mut current);
    blocks.join("\n\n")
}

/// Splits text into what a diff compares: lines, or paragraphs with their line breaks
/// made spaces (so re-wrapping a paragraph is not a change).
pub fn units(text: &str, unit: Unit) -> Vec<String> {
    match unit {
        Unit::Lines => text
            .lines()
            .map(|l| l.trim_end().to_owned())
            .filter(|l| !l.trim().is_empty())
            .collect(),
        Unit::Paragraphs => text
            .split("\n\n")
            .map(|p| p.split_whitespace().collect::<Vec<_>>().join(" "))
            .filter(|p| !p.is_empty())
            .collect(),
    }
}

/// How many unchanged lines a diff shows around a change before it leaves them out.
const CONTEXT_LINES: usize = 3;

/// A diff of two texts: unit by unit, and word by word inside the units that changed.
pub fn diff_text(old: &str, new: &str, unit: Unit) -> Vec<Block> {
    let old_units = units(old, unit);
    let new_units = units(new, unit);
    let old_refs: Vec<&str> = old_units.iter().map(String::as_str).collect();
    let new_refs: Vec<&str> = new_units.iter().map(String::as_str).collect();
    let sep = match unit {
        Unit::Lines => "\n",
        Unit::Paragraphs => "\n\n",
    };
    let diff = TextDiff::from_slices(&old_refs, &new_refs);
    let mut blocks = Vec::new();
    for op in diff.ops() {
        let (tag, o, n) = op.as_tag_tuple();
        let old_text = old_refs[o.clone()].join(sep);
        let new_text = new_refs[n.clone()].join(sep);
        let block = match tag {
            DiffTag::Equal if unit == Unit::Paragraphs || o.len() > CONTEXT_LINES => {
                Block::Unchanged(o.len())
            }
            DiffTag::Equal => Block::Text(vec![Segment {
                tag: ChangeTag::Equal,
                text: old_text,
            }]),
            DiffTag::Delete => Block::Text(vec![Segment {
                tag: ChangeTag::Delete,
                text: old_text,
            }]),
            DiffTag::Insert => Block::Text(vec![Segment {
                tag: ChangeTag::Insert,
                text: new_text,
            }]),
            DiffTag::Replace => Block::Text(diff_words(&old_text, &new_text)),
        };
        blocks.push(block);
    }
    blocks
}

/// A word-level diff that reads like tracked changes: each changed phrase removed whole,
/// then added whole, rather than alternating word by word.
pub fn diff_words(old: &str, new: &str) -> Vec<Segment> {
    let (old_tokens, new_tokens) = (tokens(old), tokens(new));
    let diff = TextDiff::from_slices(&old_tokens, &new_tokens);
    let changes: Vec<(ChangeTag, &str)> = diff
        .iter_all_changes()
        .map(|c| (c.tag(), c.value()))
        .collect();
    let mut out: Vec<Segment> = Vec::new();
    let (mut del, mut ins) = (String::new(), String::new());
    let flush = |out: &mut Vec<Segment>, del: &mut String, ins: &mut String| {
        for (tag, text) in [(ChangeTag::Delete, del), (ChangeTag::Insert, ins)] {
            if !text.is_empty() {
                push(out, tag, text);
                text.clear();
            }
        }
    };
    let mut i = 0;
    while i < changes.len() {
        match changes[i].0 {
            ChangeTag::Delete => del.push_str(changes[i].1),
            ChangeTag::Insert => ins.push_str(changes[i].1),
            ChangeTag::Equal => {
                let end = changes[i..]
                    .iter()
                    .position(|(t, _)| *t != ChangeTag::Equal)
                    .map_or(changes.len(), |n| i + n);
                let run: String = changes[i..end].iter().map(|(_, t)| *t).collect();
                // A space or a mark between two changes belongs to them, so phrases stay
                // whole: "[-31. desember-]{+1. januar+}", not four changes.
                let glue = end < changes.len()
                    && !(del.is_empty() && ins.is_empty())
                    && run.chars().count() <= 2
                    && !run.chars().any(char::is_alphanumeric);
                if glue {
                    del.push_str(&run);
                    ins.push_str(&run);
                } else {
                    flush(&mut out, &mut del, &mut ins);
                    push(&mut out, ChangeTag::Equal, &run);
                }
                i = end;
                continue;
            }
        }
        i += 1;
    }
    flush(&mut out, &mut del, &mut ins);
    out
}

/// Words (letters and digits), runs of white space, and every other character alone, so
/// a word is the same word with or without the comma after it.
fn tokens(text: &str) -> Vec<&str> {
    let class = |c: char| {
        if c.is_alphanumeric() {
            0
        } else if c.is_whitespace() {
            1
        } else {
            2
        }
    };
    let mut out = Vec::new();
    let mut start = 0;
    let mut prev = None;
    for (i, c) in text.char_indices() {
        let k = class(c);
        if prev.is_some_and(|p| p != k || k == 2) {
            out.push(&text[start..i]);
            start = i;
        }
        prev = Some(k);
    }
    if start < text.len() {
        out.push(&text[start..]);
    }
    out
}

fn push(out: &mut Vec<Segment>, tag: ChangeTag, text: &str) {
    match out.last_mut() {
        Some(last) if last.tag == tag => last.text.push_str(text),
        _ => out.push(Segment {
            tag,
            text: text.to_owned(),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn show(segments: &[Segment]) -> String {
        segments
            .iter()
            .map(|s| match s.tag {
                ChangeTag::Equal => s.text.clone(),
                ChangeTag::Delete => format!("[-{}-]", s.text),
                ChangeTag::Insert => format!("{{+{}+}}", s.text),
            })
            .collect()
    }

    #[test]
    fn words_read_like_tracked_changes() {
        let d = diff_words(
            "Forumet skal møtes to ganger i året.",
            "Forumet skal møtes fire ganger hvert år.",
        );
        assert_eq!(
            show(&d),
            "Forumet skal møtes [-to-]{+fire+} ganger [-i året-]{+hvert år+}."
        );
        let d = diff_words(
            "som vedtok reformen. Per 31. desember 2020.",
            "som vedtok reformen og får rapport. Per 1. januar 2025.",
        );
        assert_eq!(
            show(&d),
            "som vedtok reformen{+ og får rapport+}. Per [-31. desember 2020-]{+1. januar 2025+}."
        );
        assert_eq!(
            tokens("Barne- og «x»,"),
            ["Barne", "-", " ", "og", " ", "«", "x", "»", ","]
        );
    }

    #[test]
    fn rewrapping_a_paragraph_is_no_change() {
        let a = "En lang\nsetning her.\n\nAndre avsnitt.";
        let b = "En lang setning\nher.\n\nAndre avsnitt.";
        assert_eq!(units(a, Unit::Paragraphs), units(b, Unit::Paragraphs));
    }

    #[test]
    fn unchanged_paragraphs_are_counted_not_shown() {
        let a = "Ett.\n\nTo.\n\nTre.";
        let b = "Ett.\n\nTo.\n\nTre og fire.";
        let blocks = diff_text(a, b, Unit::Paragraphs);
        assert_eq!(blocks[0], Block::Unchanged(2));
        match &blocks[1] {
            Block::Text(s) => assert_eq!(show(s), "Tre{+ og fire+}."),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn lines_show_short_context() {
        let blocks = diff_text("a\nb\nc", "a\nb\nd", Unit::Lines);
        assert_eq!(
            blocks[0],
            Block::Text(vec![Segment {
                tag: ChangeTag::Equal,
                text: "a\nb".into()
            }])
        );
        assert_eq!(blocks.len(), 2);
    }

    #[test]
    fn markdown_is_compared_as_the_reader_sees_it() {
        let md = "## Mål\n\nSe [strategien](../x.md) og **dette**.\n\n- én\n- to\n\n1. først\n2. så\n\n| A | B |\n|---|---|\n| 1 | 2 |\n";
        assert_eq!(
            plain(md),
            "Mål\n\nSe strategien og dette.\n\n• én\n\n• to\n\n1. først\n\n2. så\n\nA | B\n\n1 | 2"
        );
    }
}
