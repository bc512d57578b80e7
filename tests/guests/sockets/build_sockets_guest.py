#!/usr/bin/env python3
"""Wraps a core module (built from C with hand-declared wasi:sockets imports)
into a WASI 0.2 command component: the core module's text (wasm2wat) replaces
the `;;@CORE_MODULE@` line of the component template, and `jco parse`
assembles the result; `jco wit` then validates it.

    build_sockets_guest.py --core X.core.wasm --template component.wat \
        --wasm2wat wasm2wat --jco jco --out X.wasm
"""
import argparse
import subprocess
import sys
from pathlib import Path

MARKER = ";;@CORE_MODULE@"


def core_module_text(wasm2wat: str, core: Path) -> str:
    text = subprocess.run([wasm2wat, str(core)], check=True, capture_output=True, text=True).stdout.strip()
    if not text.startswith("(module"):
        sys.exit(f"{core}: unexpected wasm2wat output")
    return "(core module $main-module" + text[len("(module"):]


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--core", required=True, type=Path)
    p.add_argument("--template", required=True, type=Path)
    p.add_argument("--wasm2wat", default="wasm2wat")
    p.add_argument("--jco", required=True)
    p.add_argument("--out", required=True, type=Path)
    a = p.parse_args()
    template = a.template.read_text()
    if template.count(MARKER) != 1:
        sys.exit(f"{a.template}: needs exactly one {MARKER} line")
    wat = a.out.with_suffix(".wat")
    wat.write_text(template.replace(MARKER, core_module_text(a.wasm2wat, a.core)))
    subprocess.run([a.jco, "parse", str(wat), "-o", str(a.out)], check=True)
    subprocess.run([a.jco, "wit", str(a.out)], check=True, stdout=subprocess.DEVNULL)
    return 0


if __name__ == "__main__":
    sys.exit(main())
