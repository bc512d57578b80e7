#!/usr/bin/env python3
"""Traces shared and replayed against rebuilds (issue: traces for people).

    share_case.py --wasm-rr EXE --guests DIR rebuilt
        lottery recorded, then replayed with --rebuilt by lottery_logging (the
        same source with more printf/fprintf lines and an assert): the extra
        lines appear, with the recorded values (the random draw and clock the
        recording saw, read back from the trace), and the recorded output is
        there too; lottery_input (one more clock read) diverges with a
        report, exit 121; without --rebuilt the rebuild is refused (125).

    share_case.py --wasm-rr EXE --guests DIR pack
        a trace packed with its component (`pack`, and `record --pack`), the
        component deleted: replay, inspect, debug and diff take the pack
        alone (from a pipe too); pack lists the secret names it holds;
        a damaged pack or a plain tar archive is an error (125), not a crash.
"""
import argparse
import base64
import json
import shutil
import sys
from pathlib import Path

from exit_codes import EXIT_DIVERGENCE, EXIT_TOOL_ERROR
from harness import check, clip, fail, replay_hint, run, scratch


def events(trace):
    lines = trace.read_text().splitlines()
    return [json.loads(l.rstrip(",")) for l in lines[1:] if l.startswith("{") and '"fn"' in l]


def recorded_values(trace):
    """The draw (8 random bytes, as the guest prints them) and the wall-clock seconds."""
    draw = seconds = None
    for e in events(trace):
        if e["fn"].startswith("wasi:random/random") and e["fn"].endswith("#get-random-bytes"):
            draw = base64.b64decode(e["results"][0]["$bytes"]).hex()
        if e["fn"].startswith("wasi:clocks/wall-clock") and e["fn"].endswith("#now"):
            seconds = e["results"][0]["seconds"]
    if draw is None or seconds is None:
        fail(f"the trace holds no random draw or wall-clock reading:\n{clip(trace.read_text())}")
    return draw, seconds


def rebuilt_case(a):
    with scratch("share-rebuilt") as tmp:
        trace = tmp / "run.json"
        rec, _ = run([a.wasm_rr, "record", a.guests / "lottery.wasm", "-t", trace, "--env", "PLAYER=ada", "--", "x"],
                     cwd=tmp, text=True, check=True)
        replay_hint(a.wasm_rr, a.guests / "lottery.wasm", trace)
        draw, seconds = recorded_values(trace)
        ticket = int(draw, 16) % 1000
        check(rec.stdout == f"ada drew ticket {ticket} at {seconds}\n", f"recording printed {rec.stdout!r}")

        p, _ = run([a.wasm_rr, "replay", a.guests / "lottery_logging.wasm", trace, "--rebuilt"], cwd=tmp, text=True)
        check(p.returncode == 0, f"replay --rebuilt exited {p.returncode}: {clip(p.stderr)}")
        expected_out = (f"debug: player=ada draw={draw}\ndebug: ticket={ticket} (argc=2)\n"
                        f"ada drew ticket {ticket} at {seconds}\n")
        check(p.stdout == expected_out, f"replay --rebuilt printed\n{p.stdout}\nexpected\n{expected_out}")
        check(p.stderr == f"debug: clock seconds={seconds}\ndone\n",
              f"replay --rebuilt stderr: {p.stderr!r} (expected the rebuild's fprintf with the recorded clock)")
        print("rebuilt with logging: the extra lines show the recorded draw and clock")

        p, _ = run([a.wasm_rr, "replay", a.guests / "lottery_logging.wasm", trace, "--rebuilt", "--mark-stdio"],
                   cwd=tmp, text=True)
        check(p.returncode == 0 and all(l.startswith("[event ") for l in p.stdout.splitlines()),
              f"--rebuilt --mark-stdio: every line marked, got {p.stdout!r}")

        p, _ = run([a.wasm_rr, "replay", a.guests / "lottery_logging.wasm", trace], cwd=tmp, text=True)
        check(p.returncode == EXIT_TOOL_ERROR and "another component" in p.stderr,
              f"without --rebuilt a rebuild is refused (125), got {p.returncode}: {clip(p.stderr)}")

        p, _ = run([a.wasm_rr, "replay", a.guests / "lottery_input.wasm", trace, "--rebuilt"], cwd=tmp, text=True)
        check(p.returncode == EXIT_DIVERGENCE, f"an input-changing rebuild must diverge (121), got {p.returncode}")
        check("divergence at event" in p.stderr and "monotonic-clock" in p.stderr and "--rebuilt" in p.stderr,
              f"the divergence report names the event, the new call and --rebuilt:\n{clip(p.stderr)}")
        print("rebuilt with one more input: diverges with a report")
    print("PASS")
    return 0


def pack_case(a):
    with scratch("share-pack") as tmp:
        component = tmp / "hello.wasm"
        shutil.copy(a.guests / "hello.wasm", component)
        trace = tmp / "run.json"
        run([a.wasm_rr, "record", component, "-t", trace, "--env", "API_TOKEN=s3cr3t", "--", "a", "b c"], cwd=tmp,
            check=True)
        original, _ = run([a.wasm_rr, "replay", component, trace], cwd=tmp, check=True)
        p, _ = run([a.wasm_rr, "pack", component, trace, "-o", tmp / "bug.wasmrr"], cwd=tmp, text=True, check=True)
        check("API_TOKEN" in p.stderr and "secrets" in p.stderr,
              f"pack warns that the trace may hold secrets and names the variables it holds:\n{p.stderr}")
        listing, _ = run(["tar", "tf", tmp / "bug.wasmrr"], text=True, check=True)
        check(listing.stdout.split() == ["wasm-rr-pack.json", "hello.wasm", "trace.json"],
              f"a pack is a tar archive of the manifest, the component and the trace: {listing.stdout!r}")
        # record --pack writes the same kind of file.
        run([a.wasm_rr, "record", component, "-t", tmp / "again.json", "--pack", tmp / "again.wasmrr", "--", "z"],
            cwd=tmp, check=True)
        component.unlink()

        p, _ = run([a.wasm_rr, "replay", "bug.wasmrr"], cwd=tmp, check=True)
        check(p.stdout == original.stdout, f"the pack replays as the trace did: {p.stdout!r} vs {original.stdout!r}")
        p, _ = run([a.wasm_rr, "replay", "again.wasmrr"], cwd=tmp, text=True, check=True)
        check("arg[1]: z" in p.stdout, f"record --pack: its pack replays: {p.stdout!r}")
        p, _ = run([a.wasm_rr, "inspect", "bug.wasmrr"], cwd=tmp, text=True, check=True)
        check("a pack" in p.stdout and "args:       hello.wasm a 'b c'" in p.stdout, f"inspect of a pack:\n{p.stdout}")
        p, _ = run([a.wasm_rr, "inspect", "-"], stdin=open(tmp / "bug.wasmrr", "rb"), cwd=tmp, text=True, check=True)
        check("events:" in p.stdout, f"inspect of a pack from a pipe:\n{p.stdout}")
        p, _ = run([a.wasm_rr, "debug", "bug.wasmrr"], stdin_bytes="continue\nquit\n", cwd=tmp, text=True, check=True)
        check("the replay has ended" in p.stdout, f"debug of a pack:\n{clip(p.stdout)}")
        p, _ = run([a.wasm_rr, "diff", "bug.wasmrr", "run.json"], cwd=tmp, text=True)
        check(p.returncode == 0, f"diff of a pack and its own trace: exit {p.returncode}\n{clip(p.stdout + p.stderr)}")
        p, _ = run([a.wasm_rr, "diff", "bug.wasmrr", "again.wasmrr"], cwd=tmp, text=True)
        check(p.returncode == 1, f"diff of two packs of different runs: exit {p.returncode}\n{clip(p.stdout + p.stderr)}")
        print("pack: replay, inspect (also from a pipe), debug and diff take it without the component")

        data = (tmp / "bug.wasmrr").read_bytes()
        (tmp / "cut.wasmrr").write_bytes(data[:len(data) // 2])
        run(["tar", "cf", tmp / "plain.tar", "run.json"], cwd=tmp, check=True)
        for bad in ("cut.wasmrr", "plain.tar"):
            for cmd in (["replay", bad], ["inspect", bad]):
                p, _ = run([a.wasm_rr, *cmd], cwd=tmp, text=True)
                check(p.returncode == EXIT_TOOL_ERROR and p.stderr.startswith("wasm-rr: error:"),
                      f"`{' '.join(cmd)}`: expected a clear error (125), got {p.returncode}: {clip(p.stderr)}")
        print("a damaged pack and a plain tar archive: clear errors")
    print("PASS")
    return 0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--wasm-rr", required=True)
    ap.add_argument("--guests", required=True, type=Path)
    ap.add_argument("case", choices=["rebuilt", "pack"])
    a = ap.parse_args()
    return rebuilt_case(a) if a.case == "rebuilt" else pack_case(a)


if __name__ == "__main__":
    sys.exit(main())
