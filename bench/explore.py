#!/usr/bin/env python3
"""Exploration benchmark: `wasm-rr explore` on the two C guests whose bugs only
faults show, with --jobs 1 and --jobs 2 side by side, then `shrink` of the
first failure each found.

  fragile_reader  a short read cuts a record (trap in check_record);
                  --faults short=0.9: also many short reads that do not matter
  clock_jump      a wall-clock step back (trap in record_finish);
                  --faults clock-jump=0.03

Prints runs per second, the failures found (distinct, and runs that failed),
the runs to the first failure, and for shrink the faults before and after and
the runs it took."""
import argparse
import json
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

CASES = [
    ("fragile_reader", ["--faults", "short=0.9"], True),
    ("clock_jump", ["--faults", "clock-jump=0.03"], False),
]


def explore(wasm_rr, component, options, runs, jobs, out, data):
    extra = ["--dir", f"{data}::/d", "--", "/d/settings.txt", "/d/records.txt"] if data else []
    start = time.monotonic()
    p = subprocess.run([wasm_rr, "explore", component, "--runs", str(runs), "--jobs", str(jobs), "-o", str(out),
                        *options, *extra], capture_output=True, text=True)
    seconds = time.monotonic() - start
    if p.returncode not in (0, 1):
        sys.exit(f"explore {component}: exit {p.returncode}: {p.stderr}")
    failed = re.search(r"(\d+) runs? failed, (\d+) distinct", p.stdout)
    first = re.search(r"^\s+1\s+\d+\s+(\d+)\s", p.stdout, re.M)
    return seconds, (int(failed[1]), int(failed[2])) if failed else (0, 0), int(first[1]) if first else None


def shrink(wasm_rr, component, trace):
    small = trace.with_name("small.json")
    p = subprocess.run([wasm_rr, "shrink", component, str(trace), "-o", str(small)], capture_output=True, text=True)
    if p.returncode != 0:
        return None
    before = len(json.loads(trace.read_text().splitlines()[-1].rstrip("]"))["faults"])
    after = len(json.loads(small.read_text().splitlines()[-1].rstrip("]"))["faults"])
    tries = re.search(r"\((\d+) runs\)", p.stdout)
    return before, after, int(tries[1]) if tries else 0


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--wasm-rr", required=True)
    ap.add_argument("--guests", required=True)
    ap.add_argument("--runs", type=int, default=200)
    a = ap.parse_args()
    print(f"explore, {a.runs} runs per line (runs/s; failed runs, distinct failures; seed of the first failure)")
    print(f"  {'guest':<15} {'--jobs 1':>10} {'--jobs 2':>10} {'2 vs 1':>7}  {'failed':>6} {'distinct':>8} {'first':>5}"
          f"  shrink: faults before -> after (runs)")
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        data = tmp / "data"
        data.mkdir()
        (data / "settings.txt").write_text("mode=fast\nlevel=3\n")
        (data / "records.txt").write_text("alpha=1\nbeta=22\ngamma=333\ndelta=4444\n")
        for name, options, needs_data in CASES:
            component = str(Path(a.guests) / f"{name}.wasm")
            rates = []
            for jobs in (1, 2):
                out = tmp / f"{name}-{jobs}"
                seconds, (failed, distinct), first = explore(a.wasm_rr, component, options, a.runs, jobs, out,
                                                             data if needs_data else None)
                rates.append(a.runs / seconds)
            shrunk = shrink(a.wasm_rr, component, out / "failure-1.json") if distinct else None
            shrink_text = f"{shrunk[0]} -> {shrunk[1]} ({shrunk[2]})" if shrunk else "n/a"
            print(f"  {name:<15} {rates[0]:10.1f} {rates[1]:10.1f} {rates[1] / rates[0]:6.2f}x  {failed:>6} {distinct:>8} "
                  f"{first if first is not None else '-':>5}  {shrink_text}")


if __name__ == "__main__":
    main()
