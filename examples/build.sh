#!/usr/bin/env bash
# Builds a C program into a WASI 0.2 command component, the way the test
# guests are built:  examples/build.sh examples/hello.c build/examples/hello.wasm
# (clang-14 --target=wasm32-wasi, then `jco new --wasi-command`; run
# scripts/install-deps first).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
src="$1"
out="$2"
core="${out%.wasm}.core.wasm"
mkdir -p "$(dirname "$out")"
# tests/guests/support/reserve_adapter_pages.c explains why every C guest links it.
clang-14 --target=wasm32-wasi -O2 -Wall -Wextra "$src" \
  "$root/tests/guests/support/reserve_adapter_pages.c" -o "$core"
"$root/tools/node_modules/.bin/jco" new "$core" --wasi-command -o "$out"
