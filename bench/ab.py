#!/usr/bin/env python3
"""Two or more mandat binaries side by side on one generated site, in alternating runs:
the time of a rebuild after one page's edit, and of a full build (`--no-cache`) into
the same folder. For measuring one change against the binary before it, where the
machine's speed drifts more between runs than the change moves.

    python3 bench/ab.py OLD_BINARY NEW_BINARY [--pages 10000] [--runs 5] [--out /dev/shm]

Each binary builds into a folder of its own, so each finds its own build cache. Each run
appends a paragraph to one page, then every binary rebuilds; then every binary builds
again with `--no-cache`. A second's pause before each build lets the previous output's
removal (a process of its own) finish. Prints medians and the ratio of the two, and the
median processor time of each (user and system, from the system's accounting of the
build's process): on a machine whose speed drifts, it moves less than the wall time.
"""
import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("binaries", nargs="+")
    ap.add_argument("--pages", type=int, default=10000)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--out", default=None, help="where the site and outputs go (e.g. /dev/shm)")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="mandat-ab-", dir=args.out) as tmp:
        site = os.path.join(tmp, "site")
        subprocess.run([sys.executable, os.path.join(HERE, "corpus.py"), site, "--pages", str(args.pages)],
                       check=True, stdout=subprocess.DEVNULL)
        pages = os.path.join(site, "content", "pages")
        section = sorted(d for d in os.listdir(pages) if os.path.isdir(os.path.join(pages, d)))[0]
        name = sorted(f for f in os.listdir(os.path.join(pages, section)) if f.startswith("page-"))[0]
        page = os.path.join(pages, section, name)

        def build(i, *extra):
            """Wall time and processor time (user and system) of one build."""
            time.sleep(1)
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            started = time.monotonic()
            subprocess.run([args.binaries[i], "build", "--root", site, "--out", os.path.join(tmp, f"out-{i}"),
                            *extra], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            wall = time.monotonic() - started
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpu = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
            return wall, cpu

        for i in range(len(args.binaries)):
            build(i)
        edits = [[] for _ in args.binaries]
        fulls = [[] for _ in args.binaries]
        for run in range(args.runs):
            with open(page, "a", encoding="utf-8") as f:
                f.write(f"\nEt nytt avsnitt {run}.\n")
            for i in range(len(args.binaries)):
                edits[i].append(build(i))
            for i in range(len(args.binaries)):
                fulls[i].append(build(i, "--no-cache"))
        for i, b in enumerate(args.binaries):
            e, f = (statistics.median(w for w, _ in t) for t in (edits[i], fulls[i]))
            ec, fc = (statistics.median(c for _, c in t) for t in (edits[i], fulls[i]))
            print(f"{b}: one edit {e:.3f} s, full {f:.3f} s, ratio {e / f:.2f}; "
                  f"processor time: one edit {ec:.3f} s, full {fc:.3f} s  "
                  f"(edits {' '.join(f'{w:.2f}' for w, _ in edits[i])}; "
                  f"fulls {' '.join(f'{w:.2f}' for w, _ in fulls[i])})")


if __name__ == "__main__":
    main()
