#!/usr/bin/env bash
# Screenshots of the default site at desktop (1280 px) and phone (390 px) width, for
# looking at the layout: the home page, an initiative, /roller/ and /endringer/, into
# tests/browser/screenshots/<name>-<width>.png (committed, so a change shows in review).
# Each is the first screen of the page, as a reader sees it on opening it.
# Usage: tests/browser/screenshots.sh        (needs chromium and python3; builds with cargo)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
shots="$here/screenshots"
work="$(mktemp -d)"
server=""
cleanup() {
  if [ -n "$server" ]; then kill "$server" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

(cd "$repo" && cargo build --quiet)
"$repo/target/debug/mandat" build --root "$repo" --out "$work/site" >/dev/null
port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
python3 -m http.server "$port" --bind 127.0.0.1 --directory "$work/site" >/dev/null 2>&1 &
server=$!
for _ in $(seq 50); do
  python3 -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:$port/')" 2>/dev/null && break
  sleep 0.1
done

mkdir -p "$shots"
shoot() { # name path width height
  chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync \
    --hide-scrollbars --user-data-dir="$(mktemp -d -p "$work")" \
    --screenshot="$shots/$1-$3.png" --window-size="$3,$4" "http://127.0.0.1:$port$2" >/dev/null 2>&1
}
for width in 1280 390; do
  height=900; [ "$width" -lt 500 ] && height=844
  shoot home / "$width" "$height"
  shoot initiative /initiativ/kompetansestrategi/ "$width" "$height"
  shoot roles /roller/ "$width" "$height"
  shoot changes /endringer/ "$width" "$height"
done

# A fact page with a photo, and an initiative's roles and timeline embedded: the whole
# page, on a copy of the site with the fixture page added.
cp -r "$repo/content" "$repo/themes" "$work/"
cp "$here/fixtures/faktaside.md" "$work/content/pages/artikler/faktaside.md"
cp "$here/fixtures/bilder/foto.jpg" "$work/content/pages/artikler/faktaside-foto.jpg"
"$repo/target/debug/mandat" build --root "$work" --out "$work/site" >/dev/null
shoot fact-page-embeds /artikler/faktaside/ 1280 3400
shoot fact-page-embeds /artikler/faktaside/ 390 6200
ls "$shots"/*.png | wc -l | xargs -I{} echo "{} screenshots in ${shots#"$repo"/}/"
