#!/usr/bin/env python3
"""Bytes seen before (docs/trace-format.md): the pages guest reads back every
page it wrote, so its traces hold the reads as {"$same": digest} references.

  replay   in each format: the trace is at least 10 times smaller than with
           --dedup-window 0, and replays, with the scratch directory gone, to
           the recorded output; so does one recorded with a window of four
           pages (references only to what is still in it)
  hostile  a reference to bytes the replay has not seen, and references in a
           trace whose header asks for none, are errors naming the event
"""
import argparse
import json
import shutil
import sys
from pathlib import Path

sys.dont_write_bytecode = True
import harness  # noqa: E402
from harness import EXIT_TOOL_ERROR, check, fail, replay_hint, run, scratch  # noqa: E402

ARGS = ["/data", "256", "2000"]  # 1 MiB of pages: more than a zstd window (512 KiB)


def record(a, tmp, trace, *extra):
    data = tmp / "data"
    data.mkdir(exist_ok=True)
    p, _ = run([a.wasm_rr, "record", a.component, "--dir", f"{data}::/data", "-t", str(trace), *extra, "--", *ARGS])
    check(p.returncode == 0, f"record {trace.name} {' '.join(extra)}: exit {p.returncode}: {harness.clip(p.stderr)}")
    replay_hint(a.wasm_rr, a.component, trace)
    return p.stdout


def replay(a, trace):
    return run([a.wasm_rr, "replay", a.component, str(trace)])[0]


def case_replay(a, tmp):
    for fmt in ("json", "cbor", "cbor.zst"):
        small, full = tmp / f"pages.{fmt}", tmp / f"full.{fmt}"
        out = record(a, tmp, small)
        record(a, tmp, full, "--dedup-window", "0")
        ratio = full.stat().st_size / small.stat().st_size
        print(f"{fmt}: {full.stat().st_size} bytes without references, {small.stat().st_size} with ({ratio:.1f}x)")
        check(ratio >= 10, f"{fmt}: the references save only {ratio:.1f}x")
        shutil.rmtree(tmp / "data")
        p = replay(a, small)
        check(p.returncode == 0 and p.stdout == out, f"{fmt}: replay exit {p.returncode}, stdout {p.stdout!r} (recorded {out!r}): {harness.clip(p.stderr)}")
    tight = tmp / "tight.json"
    out = record(a, tmp, tight, "--dedup-window", "16K")
    check(b'"$same"' in tight.read_bytes(), "a 16K window left no reference")
    shutil.rmtree(tmp / "data")
    p = replay(a, tight)
    check(p.returncode == 0 and p.stdout == out, f"16K window: replay exit {p.returncode}: {harness.clip(p.stderr)}")
    print("ok: references replay without the files, also with a window of four pages")


def case_hostile(a, tmp):
    trace = tmp / "pages.json"
    record(a, tmp, trace)
    lines = trace.read_text().splitlines(keepends=True)
    at = next(i for i, l in enumerate(lines) if '"$same"' in l)
    bad = tmp / "unknown.json"
    bad.write_text("".join(lines[:at] + [lines[at].replace('"$same":"', '"$same":"0000', 1)] + lines[at + 1:]))
    p = replay(a, bad)
    err = p.stderr.decode()
    check(p.returncode == EXIT_TOOL_ERROR and f"event {at - 1}" in err and "that this replay has not seen" in err,
          f"unknown reference: exit {p.returncode}: {err}")
    header = json.loads(lines[0].lstrip("[").rstrip().rstrip(","))
    del header["dedup"]
    none = tmp / "none.json"
    none.write_text("[" + json.dumps(header, separators=(",", ":")) + ",\n" + "".join(lines[1:]))
    p = replay(a, none)
    err = p.stderr.decode()
    check(p.returncode == EXIT_TOOL_ERROR and "the header asks for no dedup" in err, f"no dedup header: exit {p.returncode}: {err}")
    print("ok: bad references are errors naming the event")


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--wasm-rr", required=True)
    ap.add_argument("--component", required=True, help="the pages guest")
    ap.add_argument("case", choices=["replay", "hostile"])
    a = ap.parse_args()
    with scratch(f"dedup-{a.case}") as tmp:
        globals()[f"case_{a.case}"](a, tmp)
    print("PASS")


if __name__ == "__main__":
    main()
