#!/usr/bin/env python3
"""Record/replay costs, printed as ratios against plain `wasm-rr run`:

  * record overhead for a compute-bound guest (sha256 over 64 MB; goal <= 5 %)
  * record overhead for a guest making 1 M clock calls (goal <= 2x)
  * replay time for both
  * trace bytes per event, JSON and CBOR

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


def measure(a, name, component, guest_args, goal, tmp):
    out = tmp / "out"
    run = median_time([a.wasm_rr, "run", component, "--"] + guest_args, a.runs, out)
    print(f"\n{name}")
    print(f"  run              {fmt_ms(run)}")
    for fmt in ("json", "cbor"):
        trace = tmp / f"{name}.{fmt}"
        rec = median_time([a.wasm_rr, "record", component, "-t", str(trace), "--"] + guest_args, a.runs, out)
        rep = median_time([a.wasm_rr, "replay", component, str(trace)], a.runs, out)
        events = count_events(a.wasm_rr, trace)
        size = trace.stat().st_size
        verdict = "ok" if rec / run <= goal else "ABOVE GOAL"
        print(f"  record ({fmt})    {fmt_ms(rec)}   {rec / run:5.2f}x run   (goal <= {goal:.2f}x: {verdict})")
        print(f"  replay ({fmt})    {fmt_ms(rep)}   {rep / run:5.2f}x run")
        print(f"  trace ({fmt})     {size:>10} bytes, {events} events, {size / max(events, 1):.1f} bytes/event")


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
        measure(a, "host-call-bound: 1 M monotonic-clock calls", str(g / "clock_loop.wasm"), ["1000000"], 2.0, tmp)


if __name__ == "__main__":
    main()
