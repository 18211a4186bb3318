#!/usr/bin/env bash
# How build time grows with the number of frozen versions. For each N (default 1, 5
# and 20) it copies the default site into a temporary folder, gives it N versions (copies
# of content/, listed in content/versions/versions.yaml, as `mandat release` would make
# them) and times `mandat build` of the release binary: RUNS runs (default 5) after one
# warm-up, printing the median and fastest wall time and the median CPU time.
#
#   bench/versions.sh            # N = 1, 5, 20
#   RUNS=10 bench/versions.sh 0 1 5 20 50
#   BENCH_DIR=/dev/shm bench/versions.sh   # in memory: leaves out the disk's file-system cost
#
# Most of a large build's time is the file system creating and removing files (the
# kernel's share shows as CPU time in `sys`), so the figures depend on the disk.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --quiet
bin=$PWD/target/release/mandat
runs=${RUNS:-5}
counts=("$@")
[ ${#counts[@]} -gt 0 ] || counts=(1 5 20)
tmp=$(mktemp -d -p "${BENCH_DIR:-${TMPDIR:-/tmp}}")
trap 'rm -rf "$tmp"' EXIT

# The current content without its own versions.
mkdir -p "$tmp/base"
cp -r content "$tmp/base/"
rm -rf "$tmp/base/content/versions"

printf '%-9s %-7s %-7s %-15s %-15s %s\n' versions pages files "wall median ms" "wall fastest ms" "cpu median ms"
for n in "${counts[@]}"; do
  site=$tmp/site-$n
  cp -r "$tmp/base" "$site"
  if [ "$n" -gt 0 ]; then
    mkdir -p "$site/content/versions"
    for i in $(seq 1 "$n"); do
      cp -r "$tmp/base/content" "$site/content/versions/v$i"
      printf -- '- name: "v%s"\n  date: 2020-01-%02d\n' "$i" "$(( (i - 1) % 28 + 1 ))" >> "$site/content/versions/versions.yaml"
    done
  fi
  out=$tmp/out-$n
  "$bin" build --root "$site" --out "$out" > /dev/null # warm-up
  walls=()
  cpus=()
  for _ in $(seq 1 "$runs"); do
    # Wall time suffers most when other work shares the machine; CPU time (user + sys)
    # much less, so both are shown.
    t=$( { TIMEFORMAT='%R %U %S'; time "$bin" build --root "$site" --out "$out" > "$tmp/summary"; } 2>&1 )
    read -r real user sys <<< "$t"
    walls+=("$(awk -v r="$real" 'BEGIN { printf "%d", r * 1000 }')")
    cpus+=("$(awk -v u="$user" -v s="$sys" 'BEGIN { printf "%d", (u + s) * 1000 }')")
  done
  median() { printf '%s\n' "$@" | sort -n | sed -n "$(( ($# + 1) / 2 ))p"; }
  fastest() { printf '%s\n' "$@" | sort -n | head -1; }
  summary=$(cat "$tmp/summary")
  pages=$(echo "$summary" | sed -E 's/^built ([0-9]+) pages.*/\1/')
  files=$(echo "$summary" | sed -E 's/^built [0-9]+ pages \(([0-9]+) files.*/\1/')
  printf '%-9s %-7s %-7s %-15s %-15s %s\n' "$n" "$pages" "$files" "$(median "${walls[@]}")" "$(fastest "${walls[@]}")" \
    "$(median "${cpus[@]}")"
done
