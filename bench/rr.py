#!/usr/bin/env python3
"""Record/replay costs, printed as ratios against plain `wasm-rr run`:

  * record overhead for a compute-bound guest (sha256 over 64 MB; goal <= 5 %)
  * record overhead for a guest making 1 M clock calls (goal <= 2x)
  * replay time for both
  * trace bytes per event, JSON and CBOR, plain and zstd-compressed (.json.zst,
    .cbor.zst: goal <= 4 bytes per clock event), and the compressed formats'
    record and replay times against the plain ones

Median of --runs runs each, after one warm-up. stdlib only."""
import argparse
import json
import subprocess
import tempfile
from pathlib import Path

from benchlib import fmt_ms, median_time


def count_events(wasm_rr, trace):
    out = subprocess.run([wasm_rr, "inspect", str(trace)], capture_output=True, text=True, check=True).stdout
    for line in out.splitlines():
        if line.startswith("events:"):
            return int(line.split()[1])
    raise SystemExit(f"inspect printed no event count for {trace}")


def measure(a, name, component, guest_args, goal, tmp, bytes_goal=None):
    out = tmp / "out"
    run = median_time([a.wasm_rr, "run", component, "--"] + guest_args, a.runs, out)
    print(f"\n{name}")
    print(f"  run              {fmt_ms(run)}")
    times = {}
    for fmt in ("json", "cbor", "json.zst", "cbor.zst"):
        trace = tmp / f"{name}.{fmt}"
        rec = median_time([a.wasm_rr, "record", component, "-t", str(trace), "--"] + guest_args, a.runs, out)
        rep = median_time([a.wasm_rr, "replay", component, str(trace)], a.runs, out)
        times[fmt] = (rec, rep)
        events = count_events(a.wasm_rr, trace)
        size = trace.stat().st_size
        label = f"({fmt})".ljust(10)
        verdict = "ok" if rec / run <= goal else "ABOVE GOAL"
        print(f"  record {label} {fmt_ms(rec)}   {rec / run:5.2f}x run   (goal <= {goal:.2f}x: {verdict})")
        print(f"  replay {label} {fmt_ms(rep)}   {rep / run:5.2f}x run")
        per_event = size / max(events, 1)
        size_verdict = ""
        if bytes_goal is not None and fmt.endswith(".zst"):
            size_verdict = f"   (goal <= {bytes_goal:g} bytes/clock event: {'ok' if per_event <= bytes_goal else 'ABOVE GOAL'})"
        print(f"  trace {label}  {size:>10} bytes, {events} events, {per_event:.2f} bytes/event{size_verdict}")
        if fmt.endswith(".zst"):
            plain = fmt[: -len(".zst")]
            prec, prep = times[plain]
            print(f"  zstd vs {plain:<5}    record {rec / prec:5.2f}x, replay {rep / prep:5.2f}x, "
                  f"size {size / (tmp / f'{name}.{plain}').stat().st_size:6.3f}x")


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--wasm-rr", required=True)
    ap.add_argument("--guests", required=True, help="folder of built guest components")
    ap.add_argument("--runs", type=int, default=5)
    a = ap.parse_args()
    g = Path(a.guests)
    with tempfile.TemporaryDirectory(prefix="wasmrr-bench-") as d:
        tmp = Path(d)
        measure(a, "compute-bound: sha256 over 64 MB", str(g / "sha256.wasm"), [], 1.05, tmp)
        measure(a, "host-call-bound: 1 M monotonic-clock calls", str(g / "clock_loop.wasm"), ["1000000"], 2.0, tmp,
                bytes_goal=4.0)


if __name__ == "__main__":
    main()
