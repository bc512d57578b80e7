#!/usr/bin/env python3
"""The code cache (`wasm-rr compile`, engine/code_cache.h), in a cache
directory of the case's own (WASMRR_CODE_CACHE):

  - `compile` puts the component's optimized code there: entries 0600 in a
    0700 directory, named by a 128-bit key, and removes entries of older
    formats (named by SHA-256);
  - a run takes it from there and prints what a run without the cache does;
  - an entry under another module's key (its code, whole and undamaged) is
    not used for that module: the run compiles it, and the entry goes;
  - a trap in cached code is recorded with the same message and backtrace as
    without the cache, and the recording replays without the cache;
  - entries that are damaged (overwritten, a byte changed, cut short) are
    refused before SpiderMonkey sees them, removed, and the run compiles
    instead; entries others could have written are not read;
  - explore fills the cache before its runs;
  - WASMRR_CODE_CACHE=off: `compile` says the cache is off (125), runs work.
"""
import argparse
import json
import os
import stat
import sys

sys.dont_write_bytecode = True
import harness  # noqa: E402
from harness import EXIT_GUEST_TRAP, EXIT_TOOL_ERROR, check, run, scratch  # noqa: E402


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--wasm-rr", required=True)
    ap.add_argument("--hello", required=True)
    ap.add_argument("--trap", required=True, help="a guest that traps (tests/guests/c/trap.c)")
    a = ap.parse_args()
    with scratch("code-cache") as tmp:
        cache = tmp / "cache" / "code"
        env = {**os.environ, "WASMRR_CODE_CACHE": str(cache)}
        off = {**os.environ, "WASMRR_CODE_CACHE": "off"}

        plain, _ = run([a.wasm_rr, "run", a.hello], env=off)
        check(plain.returncode == 0, f"run without the cache: {plain.returncode}")
        cache.mkdir(parents=True, mode=0o700)
        older = cache / ("ab" * 32 + ".code")  # a format-1 or -2 entry's name
        older.write_bytes(b"wasm-rr code 1\n" + bytes(100))
        older.chmod(0o600)
        p, _ = run([a.wasm_rr, "compile", a.hello], env=env)
        check(p.returncode == 0 and b"into the code cache" in p.stderr, f"compile: {p.returncode}: {harness.clip(p.stderr)}")
        entries = sorted(cache.glob("*.code"))
        check(entries, f"compile left no entries in {cache}")
        check(stat.S_IMODE(cache.stat().st_mode) == 0o700, f"the cache directory is {oct(cache.stat().st_mode)}")
        for e in entries:
            check(len(e.stem) == 32 and stat.S_IMODE(e.stat().st_mode) == 0o600, f"entry {e.name}: {oct(e.stat().st_mode)}")
        check(not older.exists(), "compile kept an entry of an older format")
        cached, _ = run([a.wasm_rr, "run", a.hello], env=env)
        check(cached.returncode == 0 and cached.stdout == plain.stdout, "a run from the cache prints otherwise")

        # One module's entry under another's key: its checksum holds, but it
        # is for another module, so the run compiles that module and drops it.
        check(len(entries) >= 2, f"expected an entry per core module, got {entries}")
        donor, victim = entries[0], entries[1]
        saved = victim.read_bytes()
        victim.write_bytes(donor.read_bytes())
        r, _ = run([a.wasm_rr, "run", a.hello], env=env)
        check(r.returncode == 0 and r.stdout == plain.stdout,
              f"a run with another module's entry: {r.returncode}: {harness.clip(r.stderr)}")
        check(not victim.exists() and donor.exists(), "the entry of another module was kept, or its own one dropped")
        victim.write_bytes(saved)
        victim.chmod(0o600)

        # A trap in cached code: the same end as without the cache.
        p, _ = run([a.wasm_rr, "compile", a.trap], env=env)
        check(p.returncode == 0, f"compile of the trapping guest: {harness.clip(p.stderr)}")
        ends = {}
        for name, e in (("cached", env), ("off", off)):
            trace = tmp / f"trap-{name}.json"
            r, _ = run([a.wasm_rr, "record", "-t", str(trace), a.trap], env=e)
            check(r.returncode == EXIT_GUEST_TRAP, f"record ({name}): {r.returncode}: {harness.clip(r.stderr)}")
            ends[name] = json.loads(trace.read_text().splitlines()[-1].rstrip("]"))
        check(ends["cached"] == ends["off"], f"the trap differs with the cache: {ends}")
        check(ends["cached"].get("backtrace"), f"no backtrace: {ends['cached']}")
        harness.replay_hint(a.wasm_rr, a.trap, tmp / "trap-cached.json")
        r, _ = run([a.wasm_rr, "replay", a.trap, str(tmp / "trap-cached.json")], env=off)
        check(r.returncode == EXIT_GUEST_TRAP, f"replay of the cached run without the cache: {r.returncode}: {harness.clip(r.stderr)}")

        # Damaged entries: refused before SpiderMonkey sees them, removed,
        # compiled instead: one overwritten, the others with one byte changed
        # (their checksum no longer matches) or cut short.
        for i, e in enumerate(entries):
            data = bytearray(e.read_bytes())
            if i == 0:
                data = bytearray(b"not code" * 100)
            elif i % 2:
                data[len(data) // 2] ^= 0x40
            else:
                data = data[: len(data) // 2]
            e.write_bytes(bytes(data))
        r, _ = run([a.wasm_rr, "run", a.hello], env=env)
        check(r.returncode == 0 and r.stdout == plain.stdout, f"a run with damaged entries: {r.returncode}: {harness.clip(r.stderr)}")
        kept = [e.name for e in entries if e.exists()]
        check(not kept, f"damaged entries the run read were kept: {kept}")

        # Entries others could have written are not read (nor removed).
        run([a.wasm_rr, "compile", a.hello], env=env, check=True)
        for e in entries:
            e.write_bytes(b"planted")
            e.chmod(0o666)
        r, _ = run([a.wasm_rr, "run", a.hello], env=env)
        check(r.returncode == 0 and r.stdout == plain.stdout, f"a run with untrusted entries: {harness.clip(r.stderr)}")
        check(all(e.read_bytes() == b"planted" for e in entries), "an untrusted entry was touched")

        # explore fills the cache before its runs, which then compile nothing.
        explored = tmp / "explore-cache"
        p, _ = run([a.wasm_rr, "explore", a.hello, "--runs", "2", "-o", str(tmp / "found")],
                   env={**os.environ, "WASMRR_CODE_CACHE": str(explored)})
        check(p.returncode == 0 and list(explored.glob("*.code")),
              f"explore: exit {p.returncode}, cache {list(explored.glob('*'))}: {harness.clip(p.stderr)}")

        p, _ = run([a.wasm_rr, "compile", a.hello], env=off)
        check(p.returncode == EXIT_TOOL_ERROR and b"the code cache is off" in p.stderr,
              f"compile with WASMRR_CODE_CACHE=off: {p.returncode}: {harness.clip(p.stderr)}")
        print("ok: compiled into the cache, run from it alike, damaged and untrusted entries not used")
    print("PASS")


if __name__ == "__main__":
    main()
