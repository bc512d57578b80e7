#!/usr/bin/env python3
"""The debugger shows what the program computed (issue: the time-travel debugger).

    debug_case.py --wasm-rr EXE --component G --source FILE --line N --prints FORMAT

Records the guest (a loop that prints one line per round, built with -g),
then debugs the trace: a breakpoint at line N of FILE — the line that prints
— and, at every hit, `print` of each expression FORMAT names; the values
must be exactly those of the line the program printed next. Then
reverse-continue, from the last hit back to the first, must show each
round's values again (the state of that moment, not of now), and `goto`
to an event and back must land on the same values.

FORMAT is the printed line with {expr} holes: "step {i}: x={p.x} y={p.y} total={total}".

    debug_case.py --wasm-rr EXE --component G --tty FUNCTION

On a terminal (script(1) gives it one): the prompt and line editing
(libedit), where an empty line repeats the last command, as in gdb: `break
FUNCTION`, `continue`, an empty line, must stop at FUNCTION twice.
"""
import argparse
import re
import sys

from harness import clip, fail, replay_hint, run, scratch


def debug(a, trace, commands, tmp):
    p, _ = run([a.wasm_rr, "debug", a.component, trace], stdin_bytes="\n".join(commands + ["quit"]) + "\n",
               cwd=tmp, timeout=240, text=True)
    if p.returncode != 0:
        fail(f"debug exited {p.returncode}: {p.stderr}\n--- transcript\n{clip(p.stdout)}")
    return p.stdout


def differ(what, transcript):
    fail(f"{what}\n--- transcript\n{clip(transcript)}")


def printed_values(transcript):
    """The $N = VALUE answers, in order."""
    return re.findall(r"^\$\d+ = (.*)$", transcript, re.M)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--wasm-rr", required=True)
    ap.add_argument("--component", required=True)
    ap.add_argument("--source", help="the file name as DWARF ends it, e.g. debug_loop.c")
    ap.add_argument("--line", type=int)
    ap.add_argument("--prints")
    ap.add_argument("--tty", metavar="FUNCTION", help="check the terminal mode, breaking on FUNCTION")
    a = ap.parse_args()
    if a.tty:
        return tty_case(a)
    if not (a.source and a.line and a.prints):
        ap.error("--source, --line and --prints are needed (or --tty)")
    exprs = re.findall(r"\{([^}]+)\}", a.prints)
    line_re = re.compile("^" + re.sub(r"\\\{[^}]+\\\}", "(.*)", re.escape(a.prints)) + "$", re.M)

    with scratch(f"debug-{a.source}") as tmp:
        trace = tmp / "trace.json"
        rec, _ = run([a.wasm_rr, "record", a.component, "-t", trace], cwd=tmp, timeout=120, text=True)
        if rec.returncode != 0:
            fail(f"record exited {rec.returncode}: {rec.stderr}")
        replay_hint(a.wasm_rr, a.component, trace)
        rounds = [m.groups() for m in line_re.finditer(rec.stdout)]
        if len(rounds) < 2:
            fail(f"the recording printed {len(rounds)} lines matching {a.prints!r}: {rec.stdout!r}")

        # Forward: at each hit, the values the program is about to print.
        commands = [f"break {a.source}:{a.line}"]
        for _ in rounds:
            commands += ["continue"] + [f"print {e}" for e in exprs]
        out = debug(a, trace, commands, tmp)
        values = printed_values(out)
        want = [v for r in rounds for v in r]
        if values != want:
            differ(f"forward: printed {values}, the program printed {want}", out)
        print(f"forward: {len(rounds)} hits, {len(values)} values as printed")

        # Backward: from the last hit, reverse-continue to each earlier one.
        commands = [f"break {a.source}:{a.line}"] + ["continue"] * len(rounds)
        for _ in rounds[:-1]:
            commands += ["reverse-continue"] + [f"print {e}" for e in exprs]
        out = debug(a, trace, commands, tmp)
        values = printed_values(out)
        want = [v for r in reversed(rounds[:-1]) for v in r]
        if values != want:
            differ(f"reverse-continue: printed {values}, expected the earlier rounds {want}", out)
        print(f"reverse-continue: {len(rounds) - 1} hits back, values as printed then")

        # goto an event and back to the same hit: the same values.
        commands = [f"break {a.source}:{a.line}", "continue", "continue"] + [f"print {e}" for e in exprs]
        commands += ["goto 1", "reverse-continue", "continue", "continue"] + [f"print {e}" for e in exprs]
        out = debug(a, trace, commands, tmp)
        values = printed_values(out)
        if len(values) != 2 * len(exprs) or values[:len(exprs)] != values[len(exprs):] or \
                values[:len(exprs)] != list(rounds[1]):
            differ(f"goto and back: {values}, expected round 2's {list(rounds[1])} twice", out)
        print("goto 1 and back: the same values")
    print("PASS")
    return 0


def tty_case(a):
    with scratch("debug-tty") as tmp:
        trace = tmp / "trace.json"
        run([a.wasm_rr, "record", a.component, "-t", trace], cwd=tmp, timeout=120, check=True)
        command = f"{a.wasm_rr} debug {a.component} {trace}"
        p, _ = run(["script", "-qec", command, "/dev/null"], stdin_bytes=f"break {a.tty}\ncontinue\n\nquit\n",
                   cwd=tmp, timeout=120, text=True)
        out = p.stdout.replace("\r", "")
        if p.returncode != 0:
            fail(f"debug on a terminal exited {p.returncode}\n--- transcript\n{clip(out)}")
        stops = re.findall(rf"^breakpoint 1, {re.escape(a.tty)} at ", out, re.M)
        if "(wasm-rr) " not in out or len(stops) != 2:
            fail(f"expected the prompt and two stops at {a.tty} (continue, then an empty line), got {len(stops)}"
                 f"\n--- transcript\n{clip(out)}")
        print("terminal: prompt, and an empty line repeats continue")
    print("PASS")
    return 0


if __name__ == "__main__":
    sys.exit(main())
