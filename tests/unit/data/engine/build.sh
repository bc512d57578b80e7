#!/bin/sh
# Regenerates the committed .wasm files from the .wat sources (wabt 1.0.32).
set -e
cd "$(dirname "$0")"
wat2wasm --debug-names basic.wat -o basic.wasm
wat2wasm --enable-tail-call tail_call.wat -o tail_call.wasm
wat2wasm --enable-multi-memory multi_memory.wat -o multi_memory.wasm
wat2wasm --enable-memory64 memory64.wat -o memory64.wasm
wat2wasm --enable-extended-const extended_const.wat -o extended_const.wasm
wat2wasm import_limits.wat -o import_limits.wasm
wat2wasm utf8_names.wat -o utf8_names.wasm
wat2wasm --debug-names debuggee.wat -o debuggee.wasm
