#!/usr/bin/env python3
"""Build speed and memory at scale, and rebuilds with the build cache.

    python3 bench/scale.py                              # 1,000, 10,000 and 100,000 pages
    python3 bench/scale.py --sizes 10000 --runs 3 --out /dev/shm

For each size it writes a corpus with bench/corpus.py, then per run, alternating the
tools: a full build of mandat into a new folder and one of Hugo (up to --hugo-max
pages: Hugo takes minutes above that), a rebuild with nothing changed into the same
folder, a rebuild after one page's body was edited, and one after a page was added (each
undone after the run, with a build that is not timed). It prints medians of wall time and peak memory
(maximum resident set size, from GNU time), the ratios to Hugo and to mandat's own full
build, and, from one more build with MANDAT_TIMINGS=1, how long each phase took and
the time of the full build without the search index (a single output, reported apart).

`--check` compares the output of every rebuild with a clean build (`--no-cache`) of the
same files, byte for byte (slow at 100,000 pages).

Other benchmarks can reuse `timed`, `mandat_full` and `phases`, or pass `--corpus-args`
to bench/corpus.py (e.g. `--corpus-args="--records 1"`).
"""
import argparse
import filecmp
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
MANDAT = os.path.join(ROOT, "target", "release", "mandat")


def timed(cmd, cwd=None, env=None):
    """Runs cmd under GNU time; returns (seconds, peak KiB, stderr)."""
    out = subprocess.run(["/usr/bin/time", "-f", "%e %M", *cmd], cwd=cwd, env=env,
                         stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    if out.returncode != 0:
        sys.exit(f"{' '.join(cmd)} failed:\n{out.stderr}")
    lines = out.stderr.strip().splitlines()
    secs, kib = lines[-1].split()
    return float(secs), int(kib), "\n".join(lines[:-1])


def mandat_build(site, out, *extra, env=None):
    result = timed([MANDAT, "build", "--root", site, "--out", out, *extra], env=env)
    settle(out)
    return result


def settle(out, limit=300):
    """Waits until the previous output a build swapped out (`.NAME.old-*`, removed by a
    process of its own after the build returns) is gone, so that the next timed build
    does not share the processors with its removal: at 100,000 pages that takes
    seconds."""
    parent, name = os.path.split(os.path.abspath(out))
    started = time.monotonic()
    while time.monotonic() - started < limit:
        if not any(f.startswith(f".{name}.old-") for f in os.listdir(parent)):
            return
        time.sleep(0.1)


def hugo_build(site, out):
    return timed(["hugo", "--quiet", "--source", site, "--destination", out])


def phases(site, out):
    """One full build with MANDAT_TIMINGS=1: [(milliseconds, phase)], and the search
    index's own milliseconds (its phase, and the writing of its files, which is spread
    over the render phase's threads: an upper bound)."""
    env = dict(os.environ, MANDAT_TIMINGS="1")
    _, _, err = mandat_build(site, out, env=env)
    found, search = [], 0
    for line in err.splitlines():
        if " ms  " not in line:
            continue
        ms, rest = line.split(" ms  ", 1)
        if not ms.strip().isdigit():
            continue
        if not rest.startswith("  "):
            found.append((int(ms), rest))
            # The phase that makes the index (and the lists' order) once, before the
            # outputs are written.
            if rest.startswith("search index"):
                search += int(ms)
        elif rest.strip().startswith("/sok/…"):
            # Every output below /sok/ (the search page and the index's files), added up.
            search += int(ms)
    return found, search


def edit_one(site):
    """Appends a paragraph to one page; returns a function that undoes it."""
    pages = os.path.join(site, "content", "pages")
    section = sorted(d for d in os.listdir(pages) if os.path.isdir(os.path.join(pages, d)))[0]
    name = sorted(f for f in os.listdir(os.path.join(pages, section)) if f.startswith("page-"))[0]
    path = os.path.join(pages, section, name)
    with open(path, encoding="utf-8") as f:
        before = f.read()
    with open(path, "w", encoding="utf-8") as f:
        f.write(before + "\nEt nytt avsnitt skrevet for målingen.\n")

    def undo():
        with open(path, "w", encoding="utf-8") as f:
            f.write(before)
    return undo


def add_one(site):
    """Adds a page to the first section; returns a function that removes it."""
    pages = os.path.join(site, "content", "pages")
    section = sorted(d for d in os.listdir(pages) if os.path.isdir(os.path.join(pages, d)))[0]
    path = os.path.join(pages, section, "ny-side-for-maalingen.md")
    with open(path, "w", encoding="utf-8") as f:
        f.write("---\ntitle: Ny side for målingen\ndate: 2024-05-01\ntags: [tillit]\n---\n"
                "Et avsnitt skrevet for målingen.\n")
    return lambda: os.remove(path)


def same_tree(a, b):
    cmp = filecmp.dircmp(a, b)
    stack = [cmp]
    while stack:
        c = stack.pop()
        if c.left_only or c.right_only or c.diff_files or c.funny_files:
            return False
        # dircmp compares by size and time first; compare the bytes.
        _, mismatch, errors = filecmp.cmpfiles(c.left, c.right, c.common_files, shallow=False)
        if mismatch or errors:
            return False
        stack.extend(c.subdirs.values())
    return True


def med(xs):
    return statistics.median(xs)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="1000,10000,100000")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--hugo-max", type=int, default=10000, help="largest size Hugo is run at")
    ap.add_argument("--out", default=None, help="where corpora and outputs go (e.g. /dev/shm)")
    ap.add_argument("--corpus-args", default="", help="more arguments for bench/corpus.py")
    ap.add_argument("--check", action="store_true", help="compare every rebuild with a clean build")
    ap.add_argument("--no-build", action="store_true", help="use target/release/mandat as it is")
    args = ap.parse_args()
    if not args.no_build:
        subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=ROOT, check=True)
    hugo = shutil.which("hugo") is not None
    hv = subprocess.run(["hugo", "version"], capture_output=True, text=True).stdout.split()[1] if hugo else "-"
    print(f"mandat, Hugo {hv}; {args.runs} runs per size, medians; {os.cpu_count()} cores")
    head = (f"{'pages':>7} | {'full s':>7} {'hugo s':>7} {'ratio':>6} | {'MB':>6} {'hugo MB':>8} {'ratio':>6} | "
            f"{'same s':>7} {'x full':>6} | {'1 edit s':>8} {'x full':>6} | {'1 add s':>7} {'x full':>6} | "
            f"{'MB same':>7} {'MB edit':>7}")
    rows, details = [], []
    with tempfile.TemporaryDirectory(prefix="mandat-scale-", dir=args.out) as tmp:
        for size in [int(s) for s in args.sizes.split(",")]:
            site = os.path.join(tmp, f"site-{size}")
            subprocess.run([sys.executable, os.path.join(HERE, "corpus.py"), site, "--pages", str(size),
                            *args.corpus_args.split()], check=True, stdout=subprocess.DEVNULL)
            full, hugo_runs, same, edit, add = [], [], [], [], []
            for run in range(args.runs):
                out = os.path.join(tmp, f"out-{size}-{run}")
                # A build does not take as known a file written in the two seconds before
                # it (one written twice within one tick of the file system's clock would
                # look unchanged): its next build reads that file again, and does not find
                # nothing changed. A site's files are older than that, save the one being
                # edited, so the corpus (and the last run's edits) are left to settle.
                time.sleep(2.1)
                os.sync()
                full.append(mandat_build(site, out)[:2])
                if hugo and size <= args.hugo_max:
                    os.sync()
                    hugo_runs.append(hugo_build(site, os.path.join(tmp, f"hugo-{size}-{run}"))[:2])
                    shutil.rmtree(os.path.join(tmp, f"hugo-{size}-{run}"))

                def rebuild(what):
                    """A timed build into `out`, compared with a clean one under --check."""
                    took = mandat_build(site, out)[:2]
                    if args.check:
                        clean = os.path.join(tmp, "clean")
                        mandat_build(site, clean, "--no-cache")
                        assert same_tree(out, clean), f"{size}: a rebuild {what} differs from a clean build"
                        shutil.rmtree(clean)
                    return took
                same.append(rebuild("with nothing changed"))
                for change, what, times in [(edit_one, "after one edit", edit),
                                            (add_one, "after a page was added", add)]:
                    undo = change(site)
                    times.append(rebuild(what))
                    undo()
                    mandat_build(site, out)
                shutil.rmtree(out)
            steps, search = phases(site, os.path.join(tmp, f"phases-{size}"))
            shutil.rmtree(os.path.join(tmp, f"phases-{size}"))
            fs, fm = med(r[0] for r in full), med(r[1] for r in full) / 1024
            ss, sm = med(r[0] for r in same), med(r[1] for r in same) / 1024
            es, em = med(r[0] for r in edit), med(r[1] for r in edit) / 1024
            ads = med(r[0] for r in add)
            if hugo_runs:
                hs, hm = med(r[0] for r in hugo_runs), med(r[1] for r in hugo_runs) / 1024
                hugo_cols = f"{hs:>7.2f} {fs / hs:>6.2f} | {fm:>6.0f} {hm:>8.0f} {fm / hm:>6.2f}"
            else:
                hugo_cols = f"{'-':>7} {'-':>6} | {fm:>6.0f} {'-':>8} {'-':>6}"
            rows.append(f"{size:>7} | {fs:>7.2f} {hugo_cols} | {ss:>7.2f} {ss / fs:>6.2f} | "
                        f"{es:>8.2f} {es / fs:>6.2f} | {ads:>7.2f} {ads / fs:>6.2f} | {sm:>7.0f} {em:>7.0f}")
            total = sum(ms for ms, _ in steps)
            details.append(f"{size} pages, phases of one full build (ms): "
                           + ", ".join(f"{what} {ms}" for ms, what in steps)
                           + f"; total {total}, of which the search index {search}, without it {total - search}")
            print(head if len(rows) == 1 else "", rows[-1], sep="\n" if len(rows) == 1 else "", flush=True)
    print()
    for d in details:
        print(d)


if __name__ == "__main__":
    main()
