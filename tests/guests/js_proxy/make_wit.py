#!/usr/bin/env python3
"""Writes the WIT world of the componentize-js proxy guest: a world that
exports wasi:http/incoming-handler@0.2.10 (StarlingMonkey in componentize-js
0.23 implements that version), with the WASI packages it uses as deps.

jco 1.35 ships the WASI 0.2.12 WIT; 0.2.10 differs from it only in version
and @since gates, so the deps are jco's 0.2.12 packages with their versions
set to 0.2.10.

    make_wit.py --jco-wit .../jco/lib/wit/builtin/0.2.12 --out DIR
"""
import argparse
import re
from pathlib import Path

PACKAGES = ["wasi-cli", "wasi-clocks", "wasi-filesystem", "wasi-http", "wasi-io", "wasi-random", "wasi-sockets"]
WORLD = """package local:proxy;

world proxy {
  export wasi:http/incoming-handler@0.2.10;
}
"""


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--jco-wit", type=Path, required=True)
    ap.add_argument("--out", type=Path, required=True)
    a = ap.parse_args()
    for package in PACKAGES:
        text = (a.jco_wit / package / "package.wit").read_text()
        dest = a.out / "deps" / package / "package.wit"
        dest.parent.mkdir(parents=True, exist_ok=True)
        dest.write_text(re.sub(r"@0\.2\.12\b", "@0.2.10", text))
    (a.out / "world.wit").write_text(WORLD)


if __name__ == "__main__":
    main()
