#!/bin/sh
# Rebuilds the committed test components from their sources. The outputs are
# committed so that the unit tests need neither node nor clang at run time.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
jco=$here/../../../../tools/node_modules/.bin/jco
for wat in "$here"/*.wat; do
  "$jco" parse "$wat" -o "${wat%.wat}.wasm"
done
core=$(mktemp --suffix=.core.wasm)
clang-14 --target=wasm32-wasi -O2 "$here/hello.c" -o "$core"
"$jco" new "$core" --wasi-command -o "$here/hello.wasm"
rm -f "$core"
