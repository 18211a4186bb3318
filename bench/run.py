#!/usr/bin/env python3
"""Full-build benchmark: mandat against Hugo on the same pages, same machine, same run.

    python3 bench/run.py                       # 1,000, 10,000 and 50,000 pages, 5 runs each
    python3 bench/run.py --sizes 1000 --runs 3

Builds `target/release/mandat` first (cargo build --release), writes each corpus with
bench/corpus.py into a temporary folder, then alternates mandat and Hugo runs, and
prints the median wall time and peak memory (maximum resident set size, from GNU time)
of each tool and their ratios. Run it on a quiet machine: the figures are only
comparable within one run.

Every timed build writes into a folder that did not exist, after `sync` has flushed
what the runs before it wrote; nothing is deleted before the last run (deleting a
large tree slows the writes that follow it for seconds). With
--out /dev/shm the outputs go to memory instead of the disk.
"""
import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)


def timed(cmd, cwd):
    """Runs cmd under GNU time; returns (seconds, peak KiB)."""
    out = subprocess.run(["/usr/bin/time", "-f", "%e %M", *cmd], cwd=cwd,
                         stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    if out.returncode != 0:
        sys.exit(f"{' '.join(cmd)} failed:\n{out.stderr}")
    secs, kib = out.stderr.strip().splitlines()[-1].split()
    return float(secs), int(kib)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="1000,10000,50000")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--records", type=int, default=0, help="also add K×(100 actors, 50 initiatives, 1000 events) for mandat")
    ap.add_argument("--out", default=None, help="where the outputs go (default: beside the corpus, on the disk)")
    args = ap.parse_args()
    if shutil.which("hugo") is None:
        sys.exit("hugo is not installed: apt-get install hugo")
    subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=ROOT, check=True)
    mandat = os.path.join(ROOT, "target", "release", "mandat")
    hugo_version = subprocess.run(["hugo", "version"], capture_output=True, text=True).stdout.split()[1]
    print(f"mandat vs Hugo {hugo_version}, {args.runs} alternating runs per size, medians; {os.cpu_count()} cores")
    print(f"{'pages':>7} | {'mandat s':>9} {'hugo s':>8} {'ratio':>6} | {'mandat MB':>10} {'hugo MB':>8} {'ratio':>6}")
    print("-" * 68)
    # Nothing is deleted until the end: corpora and outputs of every size stay on disk.
    with tempfile.TemporaryDirectory(prefix="mandat-bench-") as tmp, \
            tempfile.TemporaryDirectory(prefix="mandat-bench-out-", dir=args.out) as outs:
        for size in [int(s) for s in args.sizes.split(",")]:
            site = os.path.join(tmp, f"site-{size}")
            cmd = [sys.executable, os.path.join(HERE, "corpus.py"), site, "--pages", str(size)]
            if args.records:
                cmd += ["--records", str(args.records)]
            subprocess.run(cmd, check=True)
            m, h = [], []
            for run in range(args.runs):
                for name, results in (("mandat", m), ("hugo", h)):
                    out = os.path.join(outs, f"{name}-{size}-{run}")
                    os.sync()
                    if name == "mandat":
                        results.append(timed([mandat, "build", "--root", site, "--out", out], site))
                    else:
                        results.append(timed(["hugo", "--quiet", "--source", site, "--destination", out], site))
            ms, hs = statistics.median(r[0] for r in m), statistics.median(r[0] for r in h)
            mm, hm = statistics.median(r[1] for r in m) / 1024, statistics.median(r[1] for r in h) / 1024
            print(f"{size:>7} | {ms:>9.2f} {hs:>8.2f} {ms / hs:>6.2f} | {mm:>10.0f} {hm:>8.0f} {mm / hm:>6.2f}", flush=True)


if __name__ == "__main__":
    main()
