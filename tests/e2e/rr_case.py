#!/usr/bin/env python3
"""Record/replay end-to-end checks (issue: record and replay at the host-call boundary).

    rr_case.py --wasm-rr EXE --component G [options] MODE -- GUEST-ARGS...

Every mode records a run first (`wasm-rr record`, with --env/--stdin as given),
then does one thing with the trace:

  roundtrip      replay with the world changed (other env, other stdin, other
                 cwd, later time) and compare stdout, stderr and exit code byte
                 for byte with the recording; then with --mark-stdio (the
                 output without the marks is the recording's, the events
                 ascend) and --stop-at (the last write's event: the output
                 before it, then that write pending, exit 0); for JSON also
                 `wasm-rr debug`: the first instruction, continue to the end
                 (the recorded output), reverse-stepi, goto 0
  convert        JSON -> CBOR -> JSON must give back the same bytes, as must
                 JSON -> JSON.zst -> CBOR.zst -> CBOR -> JSON, and the CBOR
                 and compressed traces must replay identically
  reorder, drop, args, leftover
                 edit the trace (swap two events / remove one / change an
                 argument / repeat the last event before the end): replay must
                 stop with a divergence report (exit 121)
  other          replay the trace against another component (--other): refused
                 (exit 125) unless --force
  truncate       cut the trace mid-event: replay reproduces a prefix of the
                 output, then reports where the trace ends (exit 121)
  garbage        replay a file that is not a trace: exit 125 with a message
  badvalue       change a recorded result to a value of the wrong type: exit
                 125 with a message naming the event
  kill           SIGKILL the recorder after --kill-after seconds: the partial
                 trace replays a prefix of the output (all but at most the
                 line being written) and reports the cut
  memory         record the guest with --small-args and with GUEST-ARGS (the
                 large run), replay both: the large replay's peak memory must
                 stay within --max-growth-mb of the small one (streaming)
  files          with --data-dir: record with a scratch directory as /data,
                 delete it, replay with --files-written; stderr must name each
                 --expect text, and `inspect --files` must print the same list
Exit status 0 = pass.
"""
import argparse
import json
import os
import random
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import harness
from exit_codes import EXIT_DIVERGENCE, EXIT_GUEST_TRAP, EXIT_TOOL_ERROR  # src/cli/options.h
from harness import fail, replay_hint, scratch  # a failing case keeps its traces and says how to replay them


def run(cmd, stdin_bytes=b"", **kw):
    """harness.run as (exit code, stdout, stderr, seconds); stdin is empty unless given."""
    p, seconds = harness.run(cmd, stdin_bytes, **kw)
    return p.returncode, p.stdout, p.stderr, seconds


def show(label, data):
    text = data.decode(errors="replace")
    print(f"--- {label} ({len(data)} bytes) ---\n{text[-3000:]}")


def record(a, trace, extra_env=None):
    env = dict(os.environ)
    env.update(extra_env or {})
    cmd = [a.wasm_rr, "record", a.component, "-t", str(trace)] + sum((["--env", e] for e in a.env), [])
    if a.data_dir:
        data = trace.parent / "data"
        data.mkdir()
        (data / "input.txt").write_text("input for the guest\n")
        cmd += ["--dir", f"{data}::/data"]
    cmd += ["--"] + a.guest_args
    code, out, err, secs = run(cmd, a.stdin.encode(), env=env)
    print(f"record: exit {code} in {secs:.2f}s, trace {trace.stat().st_size if trace.exists() else 0} bytes")
    if code in (EXIT_TOOL_ERROR,) or code < 0:
        show("record stderr", err)
        fail(f"record failed with {code}")
    # Whatever the guest did, a recording holds a header, its events and an end.
    if not trace.exists() or trace.stat().st_size == 0:
        show("record stderr", err)
        fail(f"record (exit {code}) wrote no trace")
    return code, out, err, secs


def replay(a, trace, component=None, force=False, tmp=None, extra=()):
    # The world changes: no env from the recording, other stdin, other cwd.
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "WASMRR_TEST_REPLAY_WORLD": "changed"}
    cmd = [a.wasm_rr, "replay", component or a.component, str(trace)] + (["--force"] if force else []) + list(extra)
    return run(cmd, b"different stdin for replay\n" * 3, env=env, cwd=tmp)


MARK = re.compile(rb"^\[event (\d+)\] ", re.M)


def check_marks_and_stop(a, trace, tmp, rcode, rout, rerr):
    """replay --mark-stdio, then --stop-at the event of the last line it marked."""
    code, out, err, _ = replay(a, trace, tmp=tmp, extra=["--mark-stdio"])
    events = [int(m) for m in MARK.findall(out)]
    if (code, MARK.sub(b"", out)) != (rcode, rout):
        show("record stdout", rout); show("--mark-stdio stdout", out)
        fail(f"--mark-stdio: stdout without the marks differs from the recording (exit {code} vs {rcode})")
    if MARK.sub(b"", err) != rerr:
        show("record stderr", rerr); show("--mark-stdio stderr", err)
        fail("--mark-stdio: stderr without the marks differs from the recording")
    if events != sorted(events):
        fail(f"--mark-stdio: the events of stdout's lines do not ascend: {events}")
    if not events:
        print("no stdout: --stop-at not checked")
        return
    last = events[-1]
    code, out, err, _ = replay(a, trace, tmp=tmp, extra=["--stop-at", str(last)])
    want = f"stopped before event {last}: the guest calls ".encode()
    # A write: to a WASI 0.2 output-stream, or (0.3) bytes into a stream the host reads.
    pending = err.split(want, 1)[1].split(b"\n", 1)[0] if want in err else b""
    if code != 0 or not (b"output-stream" in pending or b"wasm-rr:async/streams#take" in pending):
        show("--stop-at stderr", err)
        fail(f"--stop-at {last}: exit {code}, expected 0 and the pending write of event {last}")
    if not rout.startswith(out):
        show("record stdout", rout); show("--stop-at stdout", out)
        fail(f"--stop-at {last}: stdout is not a prefix of the recording's")
    print(f"--mark-stdio: {len(events)} lines marked; --stop-at {last}: ok")


DEBUG_SMOKE = b"backtrace\ncontinue\nreverse-stepi\nbacktrace\ngoto 0\nquit\n"
# Without reverse-stepi from the end: for a compute-bound guest it counts
# every instruction since the last event, minutes in a sanitizer build.
DEBUG_SMOKE_NO_REVERSE_STEP = b"backtrace\ncontinue\ngoto 0\nquit\n"


def check_debugger(a, trace, tmp, rcode, rout, rerr):
    """`wasm-rr debug` of the trace, scripted: it starts at the guest's first
    instruction, continue replays the whole run (the guest's output exactly as
    recorded, then the end), and going back from there works."""
    commands = DEBUG_SMOKE_NO_REVERSE_STEP if a.no_reverse_step else DEBUG_SMOKE
    code, out, err, _ = run([a.wasm_rr, "debug", a.component, str(trace)], commands, cwd=tmp)
    if code != 0 or not out.startswith(b"the guest is instantiated and about to run its first instruction\n"):
        show("debug stdout", out); show("debug stderr", err)
        fail(f"debug: exit {code}, expected 0 and a stop at the first instruction")
    after_continue = out.split(b"(wasm-rr) continue\n", 1)[-1]
    if not after_continue.startswith(rout) or b"the replay has ended: " not in after_continue[len(rout):]:
        show("record stdout", rout); show("debug stdout", out)
        fail("debug: `continue` did not replay the recording's stdout and reach the end")
    # After a trap the recorder's report follows the guest's stderr; debug tells the trap as the end.
    if err != rerr and not (rcode == EXIT_GUEST_TRAP and rerr.startswith(err)):
        show("record stderr", rerr); show("debug stderr", err)
        fail("debug: the guest's stderr differs from the recording's")
    if b"(wasm-rr) goto 0\nstopped before event 0: " not in out and b"(wasm-rr) goto 0\nthe recording has 0 events" not in out:
        show("debug stdout", out)
        fail("debug: `goto 0` after the end did not go back to event 0")
    print("debug: first instruction, continue to the end, back: ok")


def lines(trace):
    text = trace.read_text()
    return text.split("\n")


def write_lines(trace, ls):
    trace.write_text("\n".join(ls))


def event_lines(ls):
    """Indices of the event lines in a JSON trace (the header is line 0, the end the last)."""
    return [i for i, l in enumerate(ls) if l.startswith('{"fn"')]


def expect(code, err, want_code, *needles):
    if code != want_code:
        show("replay stderr", err)
        fail(f"replay exit {code}, expected {want_code}")
    text = err.decode(errors="replace")
    for n in needles:
        if n not in text:
            show("replay stderr", err)
            fail(f"replay stderr lacks {n!r}")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--wasm-rr", required=True)
    ap.add_argument("--component", required=True)
    ap.add_argument("--other", help="another component (mode other)")
    ap.add_argument("--format", default="json", choices=["json", "cbor", "json.zst", "cbor.zst"],
                    help="the trace's format (its extension): .zst ones compressed with zstd")
    ap.add_argument("--env", action="append", default=[], help="NAME=VAL for the recording")
    ap.add_argument("--stdin", default="", help="stdin text for the recording")
    ap.add_argument("--max-replay-seconds", type=float)
    ap.add_argument("--min-record-seconds", type=float)
    ap.add_argument("--kill-after", type=float, default=0.5)
    ap.add_argument("--data-dir", action="store_true", help="record with a scratch dir holding input.txt as /data")
    ap.add_argument("--expect", action="append", default=[], help="text the files-written summary must contain")
    ap.add_argument("--small-args", nargs="*", default=[], help="guest args of the small run (mode memory)")
    ap.add_argument("--max-growth-mb", type=float, default=8.0)
    ap.add_argument("--no-reverse-step", action="store_true",
                    help="the debugger check without reverse-stepi from the end (a compute-bound guest)")
    ap.add_argument("mode")
    ap.add_argument("guest_args", nargs="*")
    a = ap.parse_args()

    name = f"rr-{a.mode}-{Path(a.component).stem}-{a.format}"
    with scratch(name, "wasmrr-rr-") as tmp:
        trace = tmp / f"trace.{a.format}"
        replay_hint(a.wasm_rr, a.component, trace)
        if a.mode == "kill":
            return mode_kill(a, tmp, trace)
        if a.mode == "memory":
            return mode_memory(a, tmp)
        rcode, rout, rerr, rsecs = record(a, trace)
        if a.min_record_seconds and rsecs < a.min_record_seconds:
            fail(f"recording took {rsecs:.2f}s, expected at least {a.min_record_seconds}s")

        if a.mode == "roundtrip":
            code, out, err, secs = replay(a, trace, tmp=tmp)
            print(f"replay: exit {code} in {secs:.2f}s")
            if (code, out, err) != (rcode, rout, rerr):
                show("record stdout", rout); show("replay stdout", out)
                show("record stderr", rerr); show("replay stderr", err)
                fail(f"replay differs from the recording (exit {code} vs {rcode})")
            if a.max_replay_seconds and secs > a.max_replay_seconds:
                fail(f"replay took {secs:.2f}s, more than {a.max_replay_seconds}s")
            check_marks_and_stop(a, trace, tmp, rcode, rout, rerr)
            if a.format == "json":  # the debugger reads both; once per guest is enough
                check_debugger(a, trace, tmp, rcode, rout, rerr)
        elif a.mode == "convert":
            cbor, back = tmp / "t.cbor", tmp / "back.json"
            # and through the compressed formats: JSON -> JSON.zst -> CBOR.zst -> CBOR -> JSON
            jz, cz, cbor2, back2 = tmp / "t.json.zst", tmp / "t.cbor.zst", tmp / "t2.cbor", tmp / "back2.json"
            for src, dst in ((trace, cbor), (cbor, back), (trace, jz), (jz, cz), (cz, cbor2), (cbor2, back2)):
                code, _, err, _ = run([a.wasm_rr, "convert", str(src), str(dst)])
                if code != 0:
                    show("convert stderr", err)
                    fail(f"convert {src.name} -> {dst.name} exit {code}")
            if trace.read_bytes() != back.read_bytes():
                fail("JSON -> CBOR -> JSON is not byte-identical")
            if trace.read_bytes() != back2.read_bytes() or cbor.read_bytes() != cbor2.read_bytes():
                fail("JSON -> JSON.zst -> CBOR.zst -> CBOR -> JSON is not byte-identical")
            print(f"json {trace.stat().st_size} bytes, cbor {cbor.stat().st_size} bytes, "
                  f"json.zst {jz.stat().st_size} bytes, cbor.zst {cz.stat().st_size} bytes")
            for t in (cbor, jz, cz):
                code, out, err, _ = replay(a, t, tmp=tmp)
                if (code, out, err) != (rcode, rout, rerr):
                    fail(f"the {t.name} trace replays differently")
            check_debugger(a, jz, tmp, rcode, rout, rerr)  # debug reads compressed traces too
            # `-` as IN: a compressed trace from a pipe
            code, out, err, _ = run([a.wasm_rr, "convert", "-", "-"], jz.read_bytes())
            if code != 0 or out != trace.read_bytes():
                show("convert stderr", err)
                fail(f"convert - - of a JSON.zst trace on stdin: exit {code}, or not the JSON trace")
        elif a.mode == "leftover":
            ls = lines(trace)
            ev = event_lines(ls)
            ls.insert(ev[-1] + 1, ls[ev[-1]])  # the guest will not make this call
            write_lines(trace, ls)
            code, out, err, _ = replay(a, trace, tmp=tmp)
            expect(code, err, EXIT_DIVERGENCE, "more event")
        elif a.mode in ("reorder", "drop", "args"):
            ls = lines(trace)
            ev = event_lines(ls)
            if len(ev) < 3:
                fail("too few events to edit")
            if a.mode == "reorder":
                # Swap two neighbouring events with different functions.
                for i in range(len(ev) - 1):
                    x, y = ev[i], ev[i + 1]
                    if json.loads(ls[x].rstrip(","))["fn"] != json.loads(ls[y].rstrip(","))["fn"]:
                        ls[x], ls[y] = ls[y], ls[x]
                        break
                else:
                    fail("no two neighbouring events differ")
            elif a.mode == "drop":
                del ls[ev[len(ev) // 2]]
            else:
                # Change a byte argument (what the guest writes) of a write call.
                for i in ev:
                    e = json.loads(ls[i].rstrip(","))
                    if "output-stream" in e["fn"] and len(e["args"]) > 1 and isinstance(e["args"][1], dict) and "$bytes" in e["args"][1]:
                        e["args"][1]["$bytes"] = "Y2hhbmdlZA=="  # "changed"
                        ls[i] = json.dumps(e, separators=(",", ":")) + ("," if ls[i].endswith(",") else "")
                        break
                else:
                    fail("no write event with inline bytes to edit")
            write_lines(trace, ls)
            code, out, err, _ = replay(a, trace, tmp=tmp)
            expect(code, err, EXIT_DIVERGENCE, "divergence at event", "expected", "actual")
        elif a.mode == "other":
            code, out, err, _ = replay(a, trace, component=a.other, tmp=tmp)
            expect(code, err, EXIT_TOOL_ERROR, "recorded with another component", "--force")
            code, out, err, _ = replay(a, trace, component=a.other, force=True, tmp=tmp)
            if code in (0, EXIT_TOOL_ERROR) or code < 0:
                show("forced replay stderr", err)
                fail(f"a forced replay against another component should diverge, got exit {code}")
        elif a.mode == "truncate":
            data = trace.read_bytes()
            cut = data[: int(len(data) * 0.6)]
            if a.format == "json" and cut.endswith(b"\n"):
                cut = cut[:-3]
            trace.write_bytes(cut)
            code, out, err, _ = replay(a, trace, tmp=tmp)
            expect(code, err, EXIT_DIVERGENCE, "cut short")
            if not rout.startswith(out):
                show("record stdout", rout); show("replay stdout", out)
                fail("the replay of a truncated trace is not a prefix of the recording")
        elif a.mode == "garbage":
            trace.write_bytes(bytes(random.Random(7).randrange(256) for _ in range(2000)))
            code, out, err, _ = replay(a, trace, tmp=tmp)
            expect(code, err, EXIT_TOOL_ERROR, "error")
            if a.format.endswith(".zst"):  # after the zstd magic: not zstd data
                trace.write_bytes(b"\x28\xb5\x2f\xfd" + bytes(random.Random(8).randrange(256) for _ in range(2000)))
                code, out, err, _ = replay(a, trace, tmp=tmp)
                expect(code, err, EXIT_TOOL_ERROR, "zstd")
            trace.write_text('{"not": "a trace"}\n')
            code, out, err, _ = replay(a, trace, tmp=tmp)
            expect(code, err, EXIT_TOOL_ERROR, "error")
        elif a.mode == "badvalue":
            ls = lines(trace)
            for i in event_lines(ls):
                e = json.loads(ls[i].rstrip(","))
                if e.get("results") and e["results"] != [None]:
                    e["results"] = ["not the right type"] if not isinstance(e["results"][0], str) else [12345]
                    ls[i] = json.dumps(e, separators=(",", ":")) + ("," if ls[i].endswith(",") else "")
                    break
            write_lines(trace, ls)
            code, out, err, _ = replay(a, trace, tmp=tmp)
            expect(code, err, EXIT_TOOL_ERROR, "event")
        elif a.mode == "files":
            import shutil
            shutil.rmtree(tmp / "data", ignore_errors=True)
            cmd = [a.wasm_rr, "replay", a.component, str(trace), "--files-written"]
            code, out, err, _ = run(cmd)
            if code != rcode or out != rout:
                fail(f"replay differs (exit {code} vs {rcode})")
            summary = err.decode()[len(rerr.decode()):] if err.startswith(rerr) else err.decode()
            for e in a.expect:
                if e not in summary:
                    show("summary", summary.encode())
                    fail(f"the files-written summary lacks {e!r}")
            if (tmp / "data").exists():
                fail("replay created the data directory")
            code, iout, ierr, _ = run([a.wasm_rr, "inspect", "--files", str(trace)])
            if code != 0 or iout.decode() != summary:
                show("inspect --files", iout)
                fail("inspect --files differs from the replay summary")
        else:
            fail(f"unknown mode {a.mode}")
    print("PASS")
    return 0


def peak_rss_kb(cmd):
    """Runs cmd and returns its own peak resident memory (KB), via wait4."""
    p, _ = harness.run(cmd, check=True)
    return p.peak_rss // 1024


def mode_memory(a, tmp):
    peaks = {}
    for label, args in (("small", a.small_args), ("large", a.guest_args)):
        trace = tmp / f"{label}.{a.format}"
        code, _, err, _ = run([a.wasm_rr, "record", a.component, "-t", str(trace), "--"] + args)
        if code != 0:
            fail(f"record ({label}) exited {code}: {err.decode(errors='replace')}")
        peaks[label] = peak_rss_kb([a.wasm_rr, "replay", a.component, str(trace)])
        print(f"{label}: trace {trace.stat().st_size} bytes, replay peak {peaks[label] / 1024:.1f} MB")
    growth = (peaks["large"] - peaks["small"]) / 1024
    if growth > a.max_growth_mb:
        fail(f"replay memory grew by {growth:.1f} MB with the trace (limit {a.max_growth_mb} MB): not streaming")
    print("PASS")
    return 0


def mode_kill(a, tmp, trace):
    out_path = tmp / "record.out"
    cmd = [a.wasm_rr, "record", a.component, "-t", str(trace), "--"] + a.guest_args
    with open(out_path, "wb") as out:
        p = subprocess.Popen(cmd, stdout=out, stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL)
        time.sleep(a.kill_after)
        if p.poll() is not None:
            fail("the recorder finished before it could be killed: make the guest run longer")
        p.send_signal(signal.SIGKILL)
        p.wait()
    rout = out_path.read_bytes()
    print(f"killed recorder after {a.kill_after}s: {len(rout)} bytes of output, trace {trace.stat().st_size} bytes")
    code, out, err, _ = replay(a, trace, tmp=tmp)
    expect(code, err, EXIT_DIVERGENCE, "cut short")
    if not out or not rout.startswith(out):
        show("record stdout", rout); show("replay stdout", out)
        fail("the partial trace must replay a non-empty prefix of what the recording printed")
    # Each tick's line is on disk before the guest sleeps (record flushes
    # before a blocking call): at most the line being written when the kill
    # came is missing.
    if rout.count(b"\n") - out.count(b"\n") > 1:
        show("record stdout", rout); show("replay stdout", out)
        fail("the partial trace lacks more than the last line the recording printed: not replayable to its last flush")
    print(f"replayed {len(out)} of {len(rout)} bytes before the cut")
    print("PASS")
    return 0


if __name__ == "__main__":
    sys.exit(main())
