#!/usr/bin/env python3
"""mandat's search beside Pagefind's on the same built site.

    python3 bench/search_vs_pagefind.py [--pages 10000 100000] [--real] [--work DIR]

For each size: writes the corpus (bench/corpus.py), builds it with the release binary
(target/release/mandat) with MANDAT_TIMINGS on, runs Pagefind (`pip install pagefind-bin`;
only here, never in the site) over the built output into a folder of its own, and reports
in Markdown tables:

- index build time: mandat's search step (the "search index" phase plus rendering the
  /sok/ files) and the whole build, beside Pagefind's run;
- index size on disk: /sok/ (less the page) beside pagefind/;
- bytes per query in headless Chromium (bench/search_bytes.mjs): mandat's /sok/ page
  beside Pagefind's JS API asking for the first five results;
- the first five results of each query.

--real does the same on the repository's own site (content/) for the quality comparison.
"""
import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
MANDAT = os.path.join(REPO, "target", "release", "mandat")
QUERIES = ["barnevern", "fosterhjem", "kommunene", "tillitsavtale", "kompetanse",
           "barnevernsreform", "samarbeid", "tiltak", "forebygging", "fylkesmannen",
           "kvalitet ledelse", "side 1234"]


def run(cmd, env=None):
    started = time.monotonic()
    r = subprocess.run(cmd, capture_output=True, text=True, env=env)
    took = time.monotonic() - started
    if r.returncode != 0:
        sys.exit(f"{' '.join(cmd)} failed:\n{r.stdout}{r.stderr}")
    return r, took


def size(path, skip=()):
    total = 0
    files = 0
    for d, _, names in os.walk(path):
        for n in names:
            p = os.path.join(d, n)
            if any(p.endswith(s) for s in skip):
                continue
            total += os.path.getsize(p)
            files += 1
    return total, files


def mandat_build(root, out):
    env = dict(os.environ, MANDAT_TIMINGS="1")
    r, took = run([MANDAT, "build", "--root", root, "--out", out], env)
    phase = re.search(r"^\s*(\d+) ms  search index(, and unchanged outputs linked)?( \(.*\))?$", r.stderr, re.M)
    files = re.search(r"^\s*(\d+) ms    /sok/… \((\d+) files\)$", r.stderr, re.M)
    return {
        "wall": took,
        "search_phase_ms": int(phase.group(1)) if phase else None,
        "sok_files_ms": int(files.group(1)) if files else None,
    }


def pagefind(site, out):
    shutil.rmtree(out, ignore_errors=True)
    _, took = run([sys.executable, "-m", "pagefind_bin", "--site", site, "--output-path", out])
    return took


def queries(site, pagefind_dir):
    common = ["node", os.path.join(HERE, "search_bytes.mjs"), site, "--json"]
    m, _ = run(common + QUERIES)
    p, _ = run(common + [f"--pagefind={pagefind_dir}"] + QUERIES)
    parse = lambda out: [json.loads(line) for line in out.stdout.splitlines() if line.startswith("{")]
    return parse(m), parse(p)


def kb(n):
    return f"{n / 1024:,.1f} KB"


def report(name, site, pagefind_dir, build, pf_took):
    sok, sok_files = size(os.path.join(site, "sok"), skip=("index.html",))
    pf, pf_files = size(pagefind_dir)
    mq, pq = queries(site, pagefind_dir)
    print(f"\n## {name}\n")
    print("| | mandat | Pagefind |\n|---|---|---|")
    step = (build["search_phase_ms"] or 0) + (build["sok_files_ms"] or 0)
    print(f"| index build time | {step} ms (search phase {build['search_phase_ms']} ms + rendering /sok/ files "
          f"{build['sok_files_ms']} ms; whole build {build['wall']:.2f} s) | {pf_took:.2f} s |")
    print(f"| index size on disk | {kb(sok)} in {sok_files} files | {kb(pf)} in {pf_files} files |")
    mmax = max(mq, key=lambda r: r["bytes"])
    pmax = max(pq, key=lambda r: r["bytes"])
    mean = lambda rs: sum(r["bytes"] for r in rs) / len(rs)
    print(f"| bytes per query, mean over {len(QUERIES)} | {kb(mean(mq))} | {kb(mean(pq))} |")
    print(f"| bytes per query, most («{mmax['query']}» / «{pmax['query']}») | {kb(mmax['bytes'])} | {kb(pmax['bytes'])} |")
    print("\n| query | mandat: bytes, hits, first five | Pagefind: bytes, hits, first five |\n|---|---|---|")
    for a, b in zip(mq, pq):
        hits = lambda r: re.match(r"\d+", r["status"] or "")
        ma, pb = hits(a), hits(b)
        print(f"| {a['query']} | {kb(a['bytes'])}, {ma.group(0) if ma else 0}: {' '.join(a['urls'])} "
              f"| {kb(b['bytes'])}, {pb.group(0) if pb else 0}: {' '.join(b['urls'])} |")
    sys.stdout.flush()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--pages", type=int, nargs="*", default=[10000])
    ap.add_argument("--real", action="store_true", help="also the repository's own site")
    ap.add_argument("--work", default="/dev/shm/search-vs-pagefind")
    args = ap.parse_args()
    if not os.access(MANDAT, os.X_OK):
        sys.exit("build the release binary first: nice -n 10 cargo build --release")
    os.makedirs(args.work, exist_ok=True)
    if args.real:
        site = os.path.join(args.work, "real-site")
        build = mandat_build(REPO, site)
        pf_dir = os.path.join(args.work, "real-pagefind")
        report("the repository's own site (content/)", site, pf_dir, build, pagefind(site, pf_dir))
    for n in args.pages:
        root = os.path.join(args.work, f"corpus-{n}")
        if not os.path.isfile(os.path.join(root, "content", "site.yaml")):
            run([sys.executable, os.path.join(HERE, "corpus.py"), root, "--pages", str(n)])
        site = os.path.join(args.work, f"site-{n}")
        build = mandat_build(root, site)
        pf_dir = os.path.join(args.work, f"pagefind-{n}")
        report(f"{n:,} generated pages (bench/corpus.py)", site, pf_dir, build, pagefind(site, pf_dir))


if __name__ == "__main__":
    main()
