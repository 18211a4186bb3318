#!/usr/bin/env bash
# Builds what a release of mandat ships, into target/packages/:
#
#   mandat-VERSION-x86_64-linux.tar.gz   a statically linked binary that runs on any
#                                        x86-64 Linux, with the manual pages, README,
#                                        docs/ and the deploy/ examples
#   mandat-VERSION-x86_64-linux.tar.gz.sha256
#   mandat_VERSION-1_amd64.deb           the Debian package (needs cargo-deb:
#                                        `cargo install cargo-deb`; skipped with --no-deb)
#                                        and an entry for the version in dist/changelog.Debian
#
# The binary is linked against musl when Rust's musl target is installed
# (`rustup target add x86_64-unknown-linux-musl`), else statically against glibc;
# MANDAT_LIBC=musl or MANDAT_LIBC=glibc chooses. Both kinds are checked to be static
# and to build the fixture site before anything is packed.
#
# Usage: dist/build.sh [--no-deb]
set -euo pipefail
cd "$(dirname "$0")/.."

deb=yes
for arg in "$@"; do
    case "$arg" in
        --no-deb) deb=no ;;
        *) echo "usage: dist/build.sh [--no-deb]" >&2; exit 2 ;;
    esac
done

sysroot=$(rustc --print sysroot)
libc=${MANDAT_LIBC:-}
if [ -z "$libc" ]; then
    if [ -d "$sysroot/lib/rustlib/x86_64-unknown-linux-musl" ]; then libc=musl; else libc=glibc; fi
fi
case "$libc" in
    musl)
        target=x86_64-unknown-linux-musl
        if [ ! -d "$sysroot/lib/rustlib/$target" ]; then
            echo "error: the Rust target $target is not installed" >&2
            echo "help: rustup target add $target, or MANDAT_LIBC=glibc dist/build.sh" >&2
            exit 1
        fi
        # Rust links musl statically by default.
        rustflags="" ;;
    glibc)
        target=x86_64-unknown-linux-gnu
        rustflags="-C target-feature=+crt-static" ;;
    *) echo "error: MANDAT_LIBC must be musl or glibc, not \`$libc\`" >&2; exit 2 ;;
esac

echo "building mandat for $target (static, $libc)"
# RUSTFLAGS with --target apply to the binary only, not to build scripts.
RUSTFLAGS="$rustflags" nice -n 10 cargo build --locked --profile dist --target "$target"
bin=target/$target/dist/mandat

# Refuse a binary that would need the build machine's libraries.
description=$(file -b "$bin")
case "$description" in
    *"statically linked"* | *"static-pie linked"*) ;;
    *) echo "error: $bin is not statically linked: $description" >&2; exit 1 ;;
esac
if ldd "$bin" >/dev/null 2>&1 && ! ldd "$bin" 2>&1 | grep -q "statically linked"; then
    echo "error: ldd lists libraries for $bin:" >&2
    ldd "$bin" >&2
    exit 1
fi
version=$("$bin" --version | cut -d' ' -f2)
if [ "$deb" = yes ] && ! head -n 1 dist/changelog.Debian | grep -q "^mandat ($version-"; then
    echo "error: dist/changelog.Debian has no entry for $version" >&2
    echo "help: add one at the top (see the entry below it), or dist/build.sh --no-deb" >&2
    exit 1
fi
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
"$bin" build --root tests/fixtures/basic --out "$scratch/site" >/dev/null 2>&1 || {
    echo "error: $bin could not build tests/fixtures/basic" >&2
    exit 1
}

# Not target/dist/: cargo keeps the dist profile's build scripts there.
dist=target/packages
man=$dist/man
rm -rf "$man"
mkdir -p "$dist"
"$bin" man --out "$man" >/dev/null

# The archive: one folder, the same bytes for the same sources.
name=mandat-$version-x86_64-linux
stage=$scratch/$name
mkdir -p "$stage/man" "$stage/docs" "$stage/examples"
cp "$bin" "$stage/mandat"
cp "$man"/*.1 "$stage/man/"
cp README.md "$stage/"
cp docs/*.md "$stage/docs/"
cp deploy/* "$stage/examples/"
mtime=$(git log -1 --format=%cI 2>/dev/null || echo 1970-01-01T00:00:00Z)
tar --sort=name --mtime="$mtime" --owner=0 --group=0 --numeric-owner \
    -C "$scratch" -czf "$dist/$name.tar.gz" "$name"
(cd "$dist" && sha256sum "$name.tar.gz" > "$name.tar.gz.sha256")

echo "$description"
ls -l "$bin"
echo "wrote $dist/$name.tar.gz"

if [ "$deb" = yes ]; then
    if ! cargo deb --version >/dev/null 2>&1; then
        echo "error: cargo-deb is not installed" >&2
        echo "help: cargo install cargo-deb --locked, or dist/build.sh --no-deb" >&2
        exit 1
    fi
    # The binary built above, not a new build; cargo-deb strips nothing more from it.
    cargo deb --locked --no-build --profile dist --target "$target" --output "$dist/"
fi
