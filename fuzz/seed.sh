#!/bin/sh
# Fills corpus/ with seeds from the real content and the test fixtures (corpus/ is not
# kept in git: it grows as the fuzzer runs). Run from anywhere.
set -e
cd "$(dirname "$0")"
mkdir -p corpus/records corpus/markdown corpus/site
n=0
find ../content ../tests/fixtures -type f \( -name '*.md' -o -name '*.yaml' \) | sort | while read -r f; do
    # The first byte picks the kind of record (see fuzz_targets/records.rs).
    case "$f" in
        */content/site.yaml) kind='\005' ;;
        */actors/*) kind='\000' ;;
        */initiatives/*) kind='\001' ;;
        */events/*) kind='\002' ;;
        */pages/*) kind='\003' ;;
        *) continue ;;
    esac
    n=$((n + 1))
    { printf "$kind"; cat "$f"; } > "corpus/records/seed-$n"
    case "$f" in
        *.md) cp "$f" "corpus/markdown/seed-$n" ;;
    esac
done
: > corpus/site/empty
printf '\0\0\0\0\0\0---\ntitle: X\n---\n[a](/nope/)\n' > corpus/site/one-broken-link
# Whole sites, in the order fuzz_targets/site.rs takes them: site.yaml, two actors, an
# initiative, an events file, two pages (a missing file leaves the built-in one).
site_seed() {
    out=$1; shift
    first=1
    for f in "$@"; do
        [ $first = 1 ] || printf '\0'
        first=0
        if [ -f "$f" ]; then cat "$f"; fi
    done > "$out"
}
b=../tests/fixtures/basic/content
site_seed corpus/site/basic $b/site.yaml $b/actors/dep.yaml $b/actors/ks.yaml \
    $b/initiatives/strategi.md $b/events/hendelser.yaml $b/pages/tilgjengelighet.md $b/pages/artikler/nyhet.md
for case in ../tests/fixtures/invalid/*/site/content; do
    site_seed "corpus/site/$(basename "$(dirname "$(dirname "$case")")")" $case/site.yaml \
        $case/actors/bfd.yaml $case/actors/ks.yaml $case/initiatives/kompetansestrategi.md \
        $case/events/hendelser.yaml $case/pages/om.md $case/pages/artikler/nyhet.md
done
# Sites on disk (fuzz_targets/site_on_disk.rs): the same files, then one part per link
# (a byte for where, a byte for what it points to), or a generator byte and a size.
mkdir -p corpus/site_on_disk
cp corpus/site/* corpus/site_on_disk/
printf '\0\0\0\0\0\0\0\001\001' > corpus/site_on_disk/link-to-outside-folder
printf '\0\0\0\0\0\0\0\001\012\0\002\005' > corpus/site_on_disk/links-inside
printf '\0\0\0\0\0\0\0\010\001\0\011\002' > corpus/site_on_disk/theme-and-folder-links
printf '\0\0\0\0\0\001\377' > corpus/site_on_disk/deep-brackets
printf '\0\0\0\0\0\002\010' > corpus/site_on_disk/deep-indentation
printf '\0\003\100' > corpus/site_on_disk/aliases
echo "seeded $(ls corpus/records | wc -l) records, $(ls corpus/markdown | wc -l) markdown bodies, $(ls corpus/site_on_disk | wc -l) sites on disk"
