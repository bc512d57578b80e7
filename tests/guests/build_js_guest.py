#!/usr/bin/env python3
"""Builds a JS guest component with componentize-js, through a cache.

componentize-js takes ~15 s per component and its output is not
byte-reproducible, so the component is cached under a key that is the SHA-256
of everything that determines it: the JS source, every WIT file (with its
relative path), the world name and the componentize-js version. A hit copies
the cached component into the build tree.

A source line `// componentize-js-args: ARGS...` adds ARGS to the
componentize-js command line (e.g. `--disable http fetch-event`, so that the
component does not import wasi:http).
"""
import argparse
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path


def tool_version(tools_dir: Path) -> str:
    manifest = tools_dir / "node_modules/@bytecodealliance/componentize-js/package.json"
    return json.loads(manifest.read_text())["version"]


def cache_key(source: Path, wit_dir: Path, world: str, version: str) -> str:
    h = hashlib.sha256()

    def add(label: str, data: bytes) -> None:
        # Length-prefixed so that no two different inputs hash alike.
        h.update(f"{label}\0{len(data)}\0".encode())
        h.update(data)

    add("componentize-js", version.encode())
    add("world", world.encode())
    add("source", source.read_bytes())
    for wit in sorted(p for p in wit_dir.rglob("*.wit") if p.is_file()):
        add("wit:" + wit.relative_to(wit_dir).as_posix(), wit.read_bytes())
    return h.hexdigest()


def copy_atomically(src: Path, dest: Path) -> None:
    dest.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=dest.parent, prefix=dest.name + ".")
    os.close(fd)
    shutil.copyfile(src, tmp)
    os.replace(tmp, dest)


def extra_args(source: Path) -> list:
    marker = "// componentize-js-args:"
    extra = []
    for line in source.read_text().splitlines():
        if line.startswith(marker):
            extra += line[len(marker):].split()
    return extra


def build(args: argparse.Namespace, cached: Path) -> None:
    cli = args.tools_dir / "node_modules/.bin/componentize-js"
    cached.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=cached.parent, prefix="build.", suffix=".wasm")
    os.close(fd)
    # Extra args first: --disable takes every value up to the next option.
    cmd = [str(cli), *extra_args(args.source), "--wit", str(args.wit_dir),
           "--world-name", args.world, "-o", tmp, str(args.source)]
    try:
        subprocess.run(cmd, check=True)
        if os.path.getsize(tmp) == 0:
            sys.exit(f"componentize-js produced an empty component for {args.source}")
        os.replace(tmp, cached)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--tools-dir", type=Path, required=True)
    p.add_argument("--source", type=Path, required=True)
    p.add_argument("--wit-dir", type=Path, required=True)
    p.add_argument("--world", required=True)
    p.add_argument("--cache-dir", type=Path, required=True)
    p.add_argument("--out", type=Path, required=True)
    args = p.parse_args()

    key = cache_key(args.source, args.wit_dir, args.world, tool_version(args.tools_dir))
    cached = args.cache_dir / f"{args.source.stem}-{key[:32]}.wasm"
    if cached.is_file():
        print(f"{args.source.name}: cached component {cached}")
    else:
        print(f"{args.source.name}: building with componentize-js (about 15 s)...", flush=True)
        build(args, cached)
    copy_atomically(cached, args.out)


if __name__ == "__main__":
    main()
