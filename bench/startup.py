#!/usr/bin/env python3
"""Start-up benchmark: the C hello-world component under `wasm-rr run` and
under `jco run` (the Node.js peer), median of N runs each, side by side.
The goal for wasm-rr is a start-up of at most 50 ms."""
import argparse
import sys
import tempfile
from pathlib import Path

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, str(Path(__file__).resolve().parent))
from benchlib import fmt_ms, median_time  # noqa: E402

GOAL_SECONDS = 0.050


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--wasm-rr", required=True, help="path to the wasm-rr executable")
    p.add_argument("--jco", required=True, help="path to tools/node_modules/.bin/jco")
    p.add_argument("--component", required=True, help="hello-world component")
    p.add_argument("--runs", type=int, default=21, help="runs of wasm-rr")
    p.add_argument("--jco-runs", type=int, default=5, help="runs of jco (about 1 s each)")
    p.add_argument("--check", action="store_true",
                   help="exit 1 if wasm-rr's median start-up is above the goal")
    args = p.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "stdout"
        ours = median_time([args.wasm_rr, "run", args.component], args.runs, out)
        peer = median_time([args.jco, "run", args.component], args.jco_runs, out)

    print(f"start-up of {Path(args.component).name} (median wall time)")
    print(f"  wasm-rr run  {fmt_ms(ours)}   ({args.runs} runs)")
    print(f"  jco run      {fmt_ms(peer)}   ({args.jco_runs} runs)")
    print(f"  jco / wasm-rr: {peer / ours:.1f}x")
    met = ours <= GOAL_SECONDS
    print(f"  wasm-rr start-up <= {GOAL_SECONDS * 1000:.0f} ms: {'yes' if met else 'NO'}")
    return 1 if args.check and not met else 0


if __name__ == "__main__":
    sys.exit(main())
