#!/usr/bin/env python3
"""Time travel in `wasm-rr debug`, against a plain replay to the same point
(goal <= 1.2x): on a trace of 1 M clock calls (clock_loop), to event
K = 900000 forward (`goto K`), and back to event K-1 from there (`goto K-1`,
and `reverse-continue` to a breakpoint on it), where going back re-executes
the replay. Then the time of one source step (`step`, `next`, and their
reverse forms) on the -g guests debug_loop (C) and rust_debug_loop (goal
<= 50 ms): a session stopped at a breakpoint in the loop doing N steps,
minus the same session without them, over N. Median of --runs runs each,
after one warm-up. stdlib only."""
import argparse
import subprocess
import tempfile
from pathlib import Path

from benchlib import fmt_ms, median_time

K = 900_000


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--wasm-rr", required=True)
    ap.add_argument("--guests", required=True, help="folder of built guest components")
    ap.add_argument("--runs", type=int, default=5)
    a = ap.parse_args()
    component = str(Path(a.guests) / "clock_loop.wasm")
    with tempfile.TemporaryDirectory(prefix="wasmrr-bench-debug-") as d:
        tmp = Path(d)
        trace = tmp / "trace.json"
        subprocess.run([a.wasm_rr, "record", component, "-t", str(trace), "--", "1000000"], check=True,
                       stdout=subprocess.DEVNULL)
        out = tmp / "out"

        def session(name, commands):
            script = tmp / f"{name}.gdb"
            script.write_text("\n".join(commands + ["quit"]) + "\n")
            return median_time([a.wasm_rr, "debug", component, str(trace), "-x", str(script)], a.runs, out)

        def replay_to(event):
            return median_time([a.wasm_rr, "replay", component, str(trace), "--stop-at", str(event)], a.runs, out)

        plain_k, plain_back = replay_to(K), replay_to(K - 1)
        forward = session("forward", [f"goto {K}"])
        back_goto = session("goto", [f"goto {K}", f"goto {K - 1}"]) - forward
        back_rc = session("rc", [f"break event {K - 1}", f"goto {K}", "reverse-continue"]) - forward
        print(f"\ntime travel over 1 M events (clock_loop)")
        print(f"  replay --stop-at {K}       {fmt_ms(plain_k)}")
        for label, t, plain in ((f"goto {K} (forward)", forward, plain_k),
                                (f"goto {K - 1} (back)", back_goto, plain_back),
                                (f"reverse-continue to {K - 1}", back_rc, plain_back)):
            verdict = "ok" if t / plain <= 1.2 else "ABOVE GOAL"
            print(f"  {label:<27}{fmt_ms(t)}   {t / plain:5.2f}x replay   (goal <= 1.20x: {verdict})")
        steps(a, tmp, out)


STEP_GUESTS = (("debug_loop", "debug_loop.c:14"), ("rust_debug_loop", "rust_debug_loop.rs:12"))
N_STEPS = 8


def steps(a, tmp, out):
    """Per-command time of source steps, printed after the time-travel table."""
    rows = []
    for guest, line in STEP_GUESTS:
        component = str(Path(a.guests) / f"{guest}.wasm")
        trace = tmp / f"{guest}.json"
        subprocess.run([a.wasm_rr, "record", component, "-t", str(trace)], check=True, stdout=subprocess.DEVNULL)

        def session(name, commands):
            script = tmp / f"{guest}-{name}.gdb"
            script.write_text("\n".join([f"break {line}", "continue", "delete"] + commands + ["quit"]) + "\n")
            return median_time([a.wasm_rr, "debug", component, str(trace), "-x", str(script)], a.runs, out)

        base = session("base", [])
        for command in ("next", "step", "reverse-next", "reverse-step"):
            # Reverse steps from the end of the forward ones, so each has somewhere to go.
            forward = ["next"] * N_STEPS if command.startswith("reverse") else []
            t = session(command, forward + [command] * N_STEPS)
            if forward:
                t -= session(f"{command}-fwd", forward)
            rows.append((guest, command, (t - base) / N_STEPS if not forward else t / N_STEPS))
    print(f"\nsource steps (one command, the mean of {N_STEPS} in a session; goal <= 50 ms for step and next)")
    for guest, command, t in rows:
        verdict = "ok" if t <= 0.050 else "ABOVE GOAL"
        print(f"  {guest:<17}{command:<14}{fmt_ms(t)}   ({verdict})")


if __name__ == "__main__":
    main()
