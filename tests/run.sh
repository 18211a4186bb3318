#!/usr/bin/env bash
# The test command: every Rust test (unit and integration, through the real binary),
# then the browser suite on the default site (tests/browser/run.sh installs Chromium,
# nginx, a Java runtime and its npm packages if they are missing).
set -euo pipefail
cd "$(dirname "$0")/.."
cargo test --locked
tests/browser/run.sh
