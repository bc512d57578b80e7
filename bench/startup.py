#!/usr/bin/env python3
"""Start-up benchmark: hello worlds of three sizes under `wasm-rr run` and
under `jco run` (the Node.js peer), median wall time of N runs each, side by
side, against wasm-rr's start-up goals:
  C hello      (wasi-libc, ~170 KB component)        <= 15 ms
  JS hello     (componentize-js, ~12 MB component)   <= 100 ms
  large        (an interpreter, ~36 MB, e.g. CRuby)  <= 200 ms   (optional: --large)
"Start-up" is the whole process: exec, engine set-up, parsing, compiling,
instantiating, running the hello world and exiting. wasm-rr is measured
without its code cache (WASMRR_CODE_CACHE=off: every module compiled) and
with it, after `wasm-rr compile` filled a cache of the benchmark's own (its
time is shown too), and cached again with small pages only
(WASMRR_HUGE_PAGES=off, util/huge_pages.h: what huge pages save), the three
interleaved run by run (bench/benchlib.py: a shared machine's slow spells
fall on all alike); the goals are met or not by the cached start. jco run is
measured only where it works (its failure is shown, not fatal)."""
import argparse
import os
import shlex
import statistics
import sys
import tempfile
from pathlib import Path

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, str(Path(__file__).resolve().parent))
from benchlib import fmt_ms, interleaved_times, time_command, try_median_time  # noqa: E402

GOALS_SECONDS = {"C hello": 0.015, "JS hello": 0.100, "large": 0.200}


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--wasm-rr", required=True, help="path to the wasm-rr executable")
    p.add_argument("--jco", required=True, help="path to tools/node_modules/.bin/jco")
    p.add_argument("--hello", "--component", dest="hello", required=True, help="the C hello-world component")
    p.add_argument("--js-hello", help="the JS (componentize-js) hello-world component")
    p.add_argument("--large", help="a large (interpreter) component, e.g. CRuby made a command with jco new")
    p.add_argument("--large-args", default="",
                   help="guest arguments for --large, one shell-quoted string (e.g. \"-e 'puts 1'\")")
    p.add_argument("--runs", type=int, default=21, help="runs of wasm-rr per component")
    p.add_argument("--jco-runs", type=int, default=5, help="runs of jco per component (seconds each)")
    p.add_argument("--no-jco", action="store_true", help="measure wasm-rr only")
    p.add_argument("--check", action="store_true",
                   help="exit 1 if a wasm-rr median start-up is above its goal")
    args = p.parse_args()

    cases = [("C hello", args.hello, [])]
    if args.js_hello:
        cases.append(("JS hello", args.js_hello, []))
    if args.large:
        cases.append(("large", args.large, shlex.split(args.large_args)))

    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "stdout"
        cache = Path(tmp) / "code-cache"
        for name, component, guest_args in cases:
            tail = ["--", *guest_args] if guest_args else []
            envs = {"cold": {**os.environ, "WASMRR_CODE_CACHE": "off"},
                    "cached": {**os.environ, "WASMRR_CODE_CACHE": str(cache)}}
            envs["4k"] = {**envs["cached"], "WASMRR_HUGE_PAGES": "off"}
            compile_time = time_command([args.wasm_rr, "compile", component], out, envs["cached"])
            run = [args.wasm_rr, "run", component, *tail]
            times = interleaved_times({"cold": run, "cached": run, "4k": run}, args.runs, out, envs=envs)
            cold, ours, small = (statistics.median(times[k]) for k in ("cold", "cached", "4k"))
            peer, why = (None, None) if args.no_jco else try_median_time(
                [args.jco, "run", component, *guest_args], args.jco_runs, out)
            rows.append((name, component, cold, compile_time, ours, small, peer, why))

    jco_runs = "not measured" if args.no_jco else f"{args.jco_runs} runs"
    print(f"start-up, median wall time (wasm-rr: {args.runs} runs, jco: {jco_runs})")
    print(f"  {'component':<10} {'size':>9} {'no cache':>13} {'compile':>13} {'cached':>13} {'4 KiB pages':>13} "
          f"{'jco run':>13} {'jco/cached':>11} {'goal':>8}  met")
    all_met = True
    for name, component, cold, compile_time, ours, small, peer, why in rows:
        size = Path(component).stat().st_size
        goal = GOALS_SECONDS[name]
        met = ours <= goal
        all_met &= met
        peer_text = fmt_ms(peer) if peer is not None else f"{'n/a':>13}"
        ratio = f"{peer / ours:10.1f}x" if peer is not None else f"{'':>11}"
        print(f"  {name:<10} {size / 1e6:7.2f}MB {fmt_ms(cold)} {fmt_ms(compile_time)} {fmt_ms(ours)} {fmt_ms(small)} {peer_text} "
              f"{ratio} {goal * 1000:5.0f} ms  {'yes' if met else 'NO'}")
        if why:
            print(f"  {'':<10} jco run: {why}")
        print(f"  {'':<10} ({Path(component).name})")
    return 1 if args.check and not all_met else 0


if __name__ == "__main__":
    sys.exit(main())
