#!/usr/bin/env python3
"""The build cache on a large site: random edits, each followed by a build with the
cache and a clean one (`--no-cache`), whose outputs must be the same byte for byte.

    python3 bench/cache_edits.py --pages 10000 --edits 20 [--seed 1] [--out /dev/shm]

The edits are those a writer makes to the pages of a bench/corpus.py site: a body
changed, a title or tags changed, a page added, renamed or deleted, and site.yaml
changed. Prints, for each edit, the time of the cached build and how many outputs and
pages' bodies and search documents' words it took from the previous build. The same
test on a small site with every kind of record runs
in `cargo test` (tests/cli/cache.rs).
"""
import argparse
import os
import random
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
MANDAT = os.path.join(ROOT, "target", "release", "mandat")
sys.path.insert(0, HERE)
from scale import same_tree  # noqa: E402


def build(site, out, *extra):
    env = dict(os.environ, MANDAT_TIMINGS="1")
    started = time.monotonic()
    o = subprocess.run([MANDAT, "build", "--root", site, "--out", out, *extra], env=env,
                       capture_output=True, text=True)
    took = time.monotonic() - started
    if o.returncode != 0:
        sys.exit(f"build failed:\n{o.stdout}{o.stderr}")
    def first(end):
        line = next((l for l in o.stderr.splitlines() if l.endswith(end)), "? of ?")
        return line.split(" ")[0]
    return (took, first("outputs unchanged since the previous build"),
            first("pages' bodies taken from the previous build"),
            first("search documents' words taken from the previous build"))


def pages_of(site):
    base = os.path.join(site, "content", "pages")
    return sorted(os.path.join(d, f) for d, _, fs in os.walk(base) for f in fs
                  if f.startswith("page-") and f.endswith(".md"))


def edit(rng, site, n):
    pages = pages_of(site)
    path = rng.choice(pages)
    with open(path, encoding="utf-8") as f:
        text = f.read()
    kind = rng.randrange(6)
    if kind == 0:
        with open(path, "w", encoding="utf-8") as f:
            f.write(text + f"\nEt nytt avsnitt {n}.\n")
        return f"body of {os.path.basename(path)}"
    if kind == 1:
        with open(path, "w", encoding="utf-8") as f:
            f.write(text.replace("title: \"", f"title: \"Endret {n} ", 1))
        return f"title of {os.path.basename(path)}"
    if kind == 2:
        with open(path, "w", encoding="utf-8") as f:
            f.write(text.replace("tags: [", "tags: [nyhet, ", 1))
        return f"tags of {os.path.basename(path)}"
    if kind == 3:
        new = os.path.join(os.path.dirname(path), f"page-ny-{n}.md")
        with open(new, "w", encoding="utf-8") as f:
            f.write(text.replace("title: \"", f"title: \"Ny {n} ", 1))
        return f"add {os.path.basename(new)}"
    if kind == 4:
        # Only pages nothing links to can go: keep it simple, move an added one if any.
        added = [p for p in pages if "page-ny-" in p]
        if added:
            target = rng.choice(added)
            os.rename(target, target.replace("page-ny-", "page-flyttet-"))
            return f"rename {os.path.basename(target)}"
        return "nothing"
    site_yaml = os.path.join(site, "content", "site.yaml")
    with open(site_yaml, encoding="utf-8") as f:
        text = f.read()
    with open(site_yaml, "w", encoding="utf-8") as f:
        f.write(text.replace("title: ", f"title: ({n}) ", 1))
    return "site.yaml"


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--pages", type=int, default=10000)
    ap.add_argument("--edits", type=int, default=20)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--out", default=None)
    args = ap.parse_args()
    rng = random.Random(args.seed)
    with tempfile.TemporaryDirectory(prefix="mandat-cache-", dir=args.out) as tmp:
        site, out, clean = (os.path.join(tmp, n) for n in ("site", "out", "clean"))
        subprocess.run([sys.executable, os.path.join(HERE, "corpus.py"), site, "--pages", str(args.pages)],
                       check=True, stdout=subprocess.DEVNULL)
        took, *_ = build(site, out)
        print(f"full build: {took:.2f} s")
        for n in range(1, args.edits + 1):
            what = edit(rng, site, n)
            took, reused, bodies, searched = build(site, out)
            build(site, clean, "--no-cache")
            ok = same_tree(out, clean)
            print(f"{n:>3} {what:<40} {took:>6.2f} s  {reused:>7} outputs, {bodies:>7} bodies, "
                  f"{searched:>7} search documents reused  {'same' if ok else 'DIFFERENT'}", flush=True)
            if not ok:
                sys.exit(f"the cached build differs from a clean build after: {what}")
            subprocess.run(["rm", "-rf", clean], check=True)


if __name__ == "__main__":
    main()
