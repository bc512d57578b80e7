#!/usr/bin/env bash
# Assembles the runtime test components from their text form (needs the npm tools).
set -euo pipefail
cd "$(dirname "$0")"
jco="$(cd ../../../.. && pwd)/tools/node_modules/.bin/jco"
for wat in *.wat; do "$jco" parse "$wat" -o "${wat%.wat}.wasm"; done
