#!/usr/bin/env python3
"""Compute benchmark: the sha256 guest (SHA-256 over generated data) natively,
under `wasm-rr run` and under `jco run`; median times and ratios to native.
All three must print the same digest."""
import argparse
import sys
import tempfile
from pathlib import Path

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, str(Path(__file__).resolve().parent))
from benchlib import fmt_ms, median_time  # noqa: E402


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--wasm-rr", required=True)
    p.add_argument("--jco", required=True)
    p.add_argument("--component", required=True, help="sha256 guest component")
    p.add_argument("--native", required=True, help="natively built sha256 guest")
    p.add_argument("--size", default="64M", help="bytes to hash (K and M suffixes)")
    p.add_argument("--runs", type=int, default=3)
    args = p.parse_args()

    commands = {
        "native": [args.native, args.size],
        "wasm-rr run": [args.wasm_rr, "run", args.component, "--", args.size],
        "jco run": [args.jco, "run", args.component, "--", args.size],
    }
    times, outputs = {}, {}
    with tempfile.TemporaryDirectory() as tmp:
        for name, cmd in commands.items():
            out = Path(tmp) / (name.replace(" ", "_") + ".stdout")
            times[name] = median_time(cmd, args.runs, out)
            outputs[name] = out.read_text().strip()

    print(f"sha256 over {args.size} bytes (median of {args.runs} runs)")
    for name, seconds in times.items():
        ratio = seconds / times["native"]
        print(f"  {name:12s} {fmt_ms(seconds)}   {ratio:6.2f}x native")
    print(f"  jco / wasm-rr: {times['jco run'] / times['wasm-rr run']:.2f}x")
    if len(set(outputs.values())) != 1:
        print("  OUTPUTS DIFFER:")
        for name, text in outputs.items():
            print(f"    {name}: {text}")
        return 1
    print(f"  digest: {outputs['native']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
