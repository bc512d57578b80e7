#!/usr/bin/env python3
"""Builds the large component of bench/startup.py (--large): CRuby 3.3 for
WASI, with its standard library packed in (36 MB), as a wasi:cli command
whose run prints a line from Ruby.

The source is npm's @ruby/3.3-wasm-wasi (ruby+stdlib.wasm), a WASI preview1
core module made for a JS host. It is not a command as it comes:
  * it imports the JS interop of ruby.wasm's JS host (rb-js-abi-host,
    canonical_abi, an older ABI than the component model). Those functions
    become ones that trap (a hello world never calls them), except the
    handle table of Ruby's own values (resource_new/get_rb-abi-value, which
    rb-eval-string-protect's result goes through): there a value's handle
    is its pointer;
  * it is a reactor (_initialize, then ruby-init, ruby-init-loadpath and
    rb-eval-string-protect called by the JS host). A _start is added that
    makes those calls, as the JS host does: ruby-init with
    ["ruby", "-EUTF-8", "-e_=0"], then the load path, then the script; an
    exception in the script is a trap.
Then `jco new --wasi-command` adapts it to WASI 0.2 (preview1 adapter).

Needs npm (the registry), wabt's wasm2wat and wat2wasm (Debian's wabt) and
jco (tools/). Usage:
  bench/large_component.py --jco tools/node_modules/.bin/jco -o ruby.wasm
  bench/startup.py ... --large ruby.wasm
stdlib only."""
import argparse
import re
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

PACKAGE = "@ruby/3.3-wasm-wasi@2.10.1"
CORE_MODULE = "package/dist/ruby+stdlib.wasm"
RUBY_ARGS = ["ruby", "-EUTF-8", "-e_=0"]  # what @ruby/wasm-wasi's vm passes
SCRIPT = 'puts "Hello from CRuby #{RUBY_VERSION}"; $stdout.flush'  # no ruby_cleanup to flush it
JS_HOST_MODULES = ("rb-js-abi-host", "canonical_abi")

IMPORT = re.compile(r'^  \(import "(?P<module>[^"]*)" "(?:[^"\\]|\\.)*" \(func (?P<name>\$\S+) \(type (?P<type>\$\S+)\)\)\)$')
IDENTITY = re.compile(r'"canonical_abi" "resource_(new|get)_rb-abi-value"')
EXPORT = re.compile(r'^  \(export "(?P<export>(?:[^"\\]|\\.)*)" \(func (?P<name>\$\S+)\)\)$')


def run(cmd, **kw):
    try:
        subprocess.run(cmd, check=True, **kw)
    except FileNotFoundError:
        sys.exit(f"large_component: `{cmd[0]}` not found (npm: Node.js; wasm2wat, wat2wasm: apt-get install wabt)")
    except subprocess.CalledProcessError as e:
        sys.exit(f"large_component: `{' '.join(map(str, cmd))}` failed with exit code {e.returncode}")


def store_bytes(offset, data):
    return " ".join(f"(i32.store8 offset={offset + i} (local.get $m) (i32.const {b}))" for i, b in enumerate(data))


def start_function(exports):
    """_start: the JS host's calls, with the arguments and the script written
    into memory from cabi_realloc: a list<string> of (pointer, length)
    pairs, then the strings' bytes, each followed by a NUL (ruby-init reads
    them as C strings; the length leaves the NUL out)."""
    def fn(prefix):
        names = [name for export, name in exports.items() if export == prefix or export.startswith(prefix + ":")]
        if len(names) != 1:
            sys.exit(f"large_component: the core module has no single export {prefix!r}")
        return names[0]

    args = [a.encode() + b"\0" for a in RUBY_ARGS]
    script = SCRIPT.encode() + b"\0"
    size = 8 * len(args) + sum(map(len, args)) + len(script)
    body = [f"(local.set $m (call {fn('cabi_realloc')} (i32.const 0) (i32.const 0) (i32.const 4) (i32.const {size})))"]
    offset = 8 * len(args)
    for i, a in enumerate(args):
        body.append(f"(i32.store offset={8 * i} (local.get $m) (i32.add (local.get $m) (i32.const {offset})))")
        body.append(f"(i32.store offset={8 * i + 4} (local.get $m) (i32.const {len(a) - 1}))")
        body.append(store_bytes(offset, a))
        offset += len(a)
    body.append(store_bytes(offset, script))
    body += [
        f"(call {fn('_initialize')})",
        f"(call {fn('ruby-init')} (local.get $m) (i32.const {len(args)}))",
        f"(call {fn('ruby-init-loadpath')})",
        # -> a pointer to (value handle, state): state 0 is no exception
        f"(if (i32.load offset=4 (call {fn('rb-eval-string-protect')} "
        f"(i32.add (local.get $m) (i32.const {offset})) (i32.const {len(script) - 1}))) (then unreachable))",
    ]
    return "  (func $wasmrr_bench_start (local $m i32)\n    " + "\n    ".join(body) + ")\n" \
        '  (export "_start" (func $wasmrr_bench_start))'


def command_wat(wat: str) -> str:
    lines = wat.split("\n")
    kept, stubs, exports = [], [], {}
    for line in lines:
        m = IMPORT.match(line)
        if m and m["module"] in JS_HOST_MODULES:
            body = "local.get 0" if IDENTITY.search(line) else "unreachable"
            stubs.append(f"  (func {m['name']} (type {m['type']}) {body})")
            continue
        e = EXPORT.match(line)
        if e:
            exports[e["export"]] = e["name"]
        kept.append(line)
    if not stubs:
        sys.exit("large_component: no JS-host imports found: not the module this script knows")
    while kept and not kept[-1].strip():
        kept.pop()
    last = kept.pop()  # ends with the module's closing parenthesis
    if not last.endswith(")"):
        sys.exit("large_component: unexpected end of wasm2wat's output")
    return "\n".join(kept + stubs + [start_function(exports), last]) + "\n"


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--jco", required=True, help="path to tools/node_modules/.bin/jco")
    p.add_argument("-o", "--output", required=True, help="the component to write")
    a = p.parse_args()
    with tempfile.TemporaryDirectory(prefix="wasmrr-large-") as d:
        tmp = Path(d)
        print(f"large_component: npm pack {PACKAGE}", file=sys.stderr)
        run(["npm", "pack", "--silent", PACKAGE], cwd=tmp, stdout=subprocess.DEVNULL)
        tgz = next(tmp.glob("*.tgz"))
        with tarfile.open(tgz) as t:
            safe = {"filter": "data"} if hasattr(tarfile, "data_filter") else {}  # Python >= 3.11.4
            t.extract(CORE_MODULE, tmp, **safe)
        core, wat, stubbed = tmp / CORE_MODULE, tmp / "ruby.wat", tmp / "ruby-command.wasm"
        run(["wasm2wat", "--generate-names", str(core), "-o", str(wat)])
        (tmp / "ruby-command.wat").write_text(command_wat(wat.read_text()))
        run(["wat2wasm", str(tmp / "ruby-command.wat"), "-o", str(stubbed)])
        run([a.jco, "new", str(stubbed), "--wasi-command", "-o", a.output])
    print(f"large_component: wrote {a.output} ({Path(a.output).stat().st_size / 1e6:.1f} MB)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
