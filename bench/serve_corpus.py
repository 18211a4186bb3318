#!/usr/bin/env python3
"""Writes a deterministic site of N Markdown pages for benchmarks.

    python3 bench/corpus.py DIR --pages 10000

DIR/content/site.yaml plus DIR/content/pages/section-NNN/page-NNNNN.md, 100 pages
per section, each with front matter (title, date, summary, tags), a few paragraphs,
a heading, a list and links to its neighbours. The same input always gives the same
files, and the files have the shape Hugo builds too (front matter + Markdown).
"""

import argparse
import os

WORDS = (
    "barnevern kommune tillit samarbeid kompetanse forum avtale strategi tiltak "
    "ansvar rolle departement direktorat fylke oppfølging barn unge familie "
    "tjeneste kvalitet forebygging reform evaluering rapport mandat partnerskap"
).split()
TAGS = [f"tema-{i:02}" for i in range(20)]
PER_SECTION = 100


def words(seed, n):
    return " ".join(WORDS[(seed * 7 + i * 11 + i // 5) % len(WORDS)] for i in range(n))


def page(i, total):
    section = i // PER_SECTION
    prev_i, next_i = (i - 1) % total, (i + 1) % total
    link = lambda j: f"/section-{j // PER_SECTION:03}/page-{j:05}/"
    tags = [TAGS[i % len(TAGS)], TAGS[(i * 3 + 1) % len(TAGS)]]
    if tags[0] == tags[1]:
        tags = tags[:1]
    date = f"{2000 + i % 24}-{1 + i % 12:02}-{1 + i % 28:02}"
    return f"""---
title: "Side {i}: {words(i, 3)}"
date: {date}
summary: "{words(i + 1, 12).capitalize()}."
tags: [{", ".join(tags)}]
---

{words(i, 60).capitalize()}. Se også [forrige side]({link(prev_i)}) og
[neste side]({link(next_i)}).

## Bakgrunn

{words(i + 2, 80).capitalize()}.

- {words(i + 3, 6)}
- {words(i + 4, 6)}
- {words(i + 5, 6)}

{words(i + 6, 50).capitalize()} (seksjon {section}).
"""


def write(root, pages):
    """Writes the site of `pages` pages into `root`."""
    content = os.path.join(root, "content")
    os.makedirs(os.path.join(content, "pages"), exist_ok=True)
    with open(os.path.join(content, "site.yaml"), "w") as f:
        f.write("title: Benchmark\nlanguage: nb\nas_of: 2024-01-01\n")
    for i in range(pages):
        folder = os.path.join(content, "pages", f"section-{i // PER_SECTION:03}")
        os.makedirs(folder, exist_ok=True)
        with open(os.path.join(folder, f"page-{i:05}.md"), "w") as f:
            f.write(page(i, pages))


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("dir")
    ap.add_argument("--pages", type=int, default=1000)
    args = ap.parse_args()
    write(args.dir, args.pages)


if __name__ == "__main__":
    main()
