#!/usr/bin/env python3
"""Writes a deterministic benchmark site that both mandat and Hugo can build.

    python3 bench/corpus.py DIR --pages 10000 [--records 1]
    python3 bench/corpus.py DIR --pages 100 --actors 1000 --initiatives 500 --events 10000

DIR/content/pages/sec-NN/page-NNNNN.md: N Markdown pages of about 5 KB with YAML
front matter (title, date, tags, summary), headings, lists, a table, emphasis and a
root-relative link to another page, spread over 20 section folders. DIR/content/site.yaml
makes it a mandat site; DIR/hugo.toml (contentDir = content/pages) makes the same
pages a Hugo site with the layouts in bench/hugo/. --records K adds K times a
hundred actors, a thousand events and fifty initiatives, for mandat only; --actors,
--initiatives and --events set those numbers one by one. Every fifth initiative is
owned by the same actor and every third carries the tag "tillit", so that one actor's
page and one tag's page grow with the records, as a ministry's would. --sections sets
the number of section folders and --page-size writes site.yaml's page_size.
"""
import argparse
import os
import random
import shutil

SECTIONS = 20
WORDS = ("barnevern kommune tjeneste kompetanse strategi avtale forum samarbeid "
         "tillit familie barn unge ansatte leder veiledning kvalitet utdanning "
         "forskning tiltak rapport evaluering departement direktorat fylke").split()
TAGS = ["tillit", "kompetanse", "samarbeid", "kvalitet", "ledelse", "forebygging",
        "rettssikkerhet", "medvirkning", "digitalisering", "økonomi"]


def sentence(rng, n):
    words = [rng.choice(WORDS) for _ in range(n)]
    words[0] = words[0].capitalize()
    return " ".join(words) + "."


def paragraph(rng):
    return " ".join(sentence(rng, rng.randint(8, 16)) for _ in range(rng.randint(4, 7)))


def page(rng, i, pages, sections):
    other = rng.randrange(pages)
    tags = sorted(set(rng.sample(TAGS, 3)))
    year = 2005 + i % 20
    month = 1 + i % 12
    day = 1 + i % 28
    body = [
        f"## Bakgrunn {i}",
        paragraph(rng),
        f"Se også [side {other}](/sec-{other % sections:02d}/page-{other:05d}/) og *{rng.choice(WORDS)}* med **{rng.choice(WORDS)}**.",
        "## Tiltak",
        "\n".join(f"- {sentence(rng, 6)}" for _ in range(5)),
        paragraph(rng),
        "| År | Tiltak | Ansvar |\n|----|--------|--------|\n"
        + "\n".join(f"| {year + k} | {rng.choice(WORDS)} | {rng.choice(WORDS)} |" for k in range(4)),
        "## Vurdering",
        paragraph(rng),
        "1. " + sentence(rng, 7) + "\n2. " + sentence(rng, 7) + "\n3. " + sentence(rng, 7),
        paragraph(rng),
        paragraph(rng),
        "### Oppsummering",
        paragraph(rng),
        paragraph(rng),
    ]
    front = (
        "---\n"
        f"title: \"Side {i}: {rng.choice(WORDS)} og {rng.choice(WORDS)}\"\n"
        f"date: {year}-{month:02d}-{day:02d}\n"
        f"tags: [{', '.join(tags)}]\n"
        f"summary: \"{sentence(rng, 12)}\"\n"
        "---\n"
    )
    return front + "\n\n".join(body) + "\n"


def records(rng, root, actors, initiatives, events):
    os.makedirs(f"{root}/content/actors", exist_ok=True)
    os.makedirs(f"{root}/content/initiatives", exist_ok=True)
    os.makedirs(f"{root}/content/events", exist_ok=True)
    for a in range(actors):
        with open(f"{root}/content/actors/aktor-{a:04d}.yaml", "w") as f:
            f.write(f"kind: organisation\nnames:\n  - name: Aktør {a}\n    to: 2015\n  - name: Aktør {a} (nytt navn)\n    from: 2016\n")
    for n in range(initiatives):
        parties = sorted({f"aktor-{rng.randrange(actors):04d}" for _ in range(3)})
        owner = "aktor-0000" if n % 5 == 0 else parties[0]
        roles = "".join(f"  - actor: {p}\n    role: Part\n    tasks:\n      - {sentence(rng, 8)}\n" for p in parties)
        tags = "tags: [tillit]\n" if n % 3 == 0 else ""
        with open(f"{root}/content/initiatives/initiativ-{n:04d}.md", "w") as f:
            f.write(f"---\ntitle: Initiativ {n}\nkind: programme\nowner: {owner}\nparties: [{', '.join(parties)}]\n"
                    f"period:\n  start: {2000 + n % 20}\n  end: {2003 + n % 20}\n{tags}roles:\n{roles}---\n{paragraph(rng)}\n")
    with open(f"{root}/content/events/hendelser.yaml", "w") as f:
        for e in range(events):
            n = rng.randrange(initiatives)
            f.write(f"- date: {2000 + e % 24}-{1 + e % 12:02d}\n  title: Hendelse {e}\n"
                    f"  initiatives: [initiativ-{n:04d}]\n  actors: [aktor-{rng.randrange(actors):04d}]\n")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("dir")
    ap.add_argument("--pages", type=int, default=1000)
    ap.add_argument("--records", type=int, default=0)
    ap.add_argument("--actors", type=int)
    ap.add_argument("--initiatives", type=int)
    ap.add_argument("--events", type=int)
    ap.add_argument("--sections", type=int, default=SECTIONS)
    ap.add_argument("--page-size", type=int)
    args = ap.parse_args()
    sections = args.sections
    rng = random.Random(20211207)
    root = args.dir
    if os.path.exists(root):
        shutil.rmtree(root)
    for s in range(sections):
        os.makedirs(f"{root}/content/pages/sec-{s:02d}")
    for i in range(args.pages):
        with open(f"{root}/content/pages/sec-{i % sections:02d}/page-{i:05d}.md", "w") as f:
            f.write(page(rng, i, args.pages, sections))
    with open(f"{root}/content/site.yaml", "w") as f:
        f.write("title: Benchmark\nbase_url: https://bench.example.no\nlanguage: nb\nas_of: 2025-01-01\n")
        if args.page_size:
            f.write(f"page_size: {args.page_size}\n")
    with open(f"{root}/hugo.toml", "w") as f:
        f.write('baseURL = "https://bench.example.no/"\ntitle = "Benchmark"\nlanguageCode = "nb"\n'
                'contentDir = "content/pages"\ndisableKinds = ["RSS"]\n'
                '[taxonomies]\ntag = "tags"\n[markup.goldmark.extensions]\ntypographer = true\n')
    here = os.path.dirname(os.path.abspath(__file__))
    shutil.copytree(f"{here}/hugo/layouts", f"{root}/layouts")
    actors = args.actors if args.actors is not None else 100 * args.records
    initiatives = args.initiatives if args.initiatives is not None else 50 * args.records
    events = args.events if args.events is not None else 1000 * args.records
    if actors or initiatives or events:
        records(rng, root, max(actors, 1), max(initiatives, 1), events)


if __name__ == "__main__":
    main()
