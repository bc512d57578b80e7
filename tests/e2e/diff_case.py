#!/usr/bin/env python3
"""wasm-rr diff A B on real recordings, and on recordings edited here.

    diff_case.py --wasm-rr EXE --guests DIR CASE

  identical            two recordings of the same run, a trace against its CBOR
                       conversion and against a pack of it: exit 0, "equivalent"
  changed_argument     hello with `-- x` and with `-- y`: exit 1, the first
                       stretch at the get-arguments result (value path), the
                       write with the bytes' offset (--all)
  inserted_call        a call inserted in B: one stretch, only in B; the calls
                       after it still aligned
  missing_call         a call missing in B: one stretch, only in A
  different_outcomes   exit 0 against exit 1, a trap, a trace cut short, and a
                       call that trapped instead of returning
  different_components hello against stdin_echo: the header says so
  json                 --json parsed and checked field by field
  errors               a missing file, a pipe, not a trace, a corrupt trace: 125
  long                 two traces of 300000 events with three edits: three
                       stretches, in bounded time and memory
Exit status 0 = pass.
"""
import argparse
import base64
import json
import os
import subprocess
import sys
from pathlib import Path

import harness
from exit_codes import EXIT_TOOL_ERROR  # src/cli/options.h
from harness import check, fail, scratch, trace_elements as elements, write_trace_elements as write_elements

WRITE = "wasi:io/streams@0.2.12#[method]output-stream.blocking-write-and-flush"


class Case:
    def __init__(self, a, tmp: Path):
        self.w = a.wasm_rr
        self.g = Path(a.guests)
        self.tmp = tmp

    def record(self, name, guest="hello", args=(), stdin=b"", fmt="json"):
        trace = self.tmp / f"{name}.{fmt}"
        harness.replay_hint(self.w, self.g / f"{guest}.wasm", trace)
        p, _ = harness.run([self.w, "record", self.g / f"{guest}.wasm", "-t", trace, "--", *args], stdin_bytes=stdin)
        check(p.returncode in (0, 1), f"recording {guest} exited {p.returncode}: {harness.clip(p.stderr)}")
        return trace

    def edited(self, name, source, edit, complete=True):
        els = elements(source)
        edit(els)
        return write_elements(self.tmp / f"{name}.json", els, complete)

    def diff(self, a, b, *opts, code=1, stdin=None):
        harness.hint("diff them", self.w, "diff", *opts, Path(a), Path(b))
        p, _ = harness.run([self.w, "diff", *opts, a, b], text=True, stdin=stdin if stdin is not None else subprocess.DEVNULL)
        if p.returncode != code:
            fail(f"diff {' '.join(map(str, opts))} {Path(a).name} {Path(b).name}: exit {p.returncode}, expected {code}\n"
                 f"stdout: {harness.clip(p.stdout)}\nstderr: {harness.clip(p.stderr)}")
        print(f"ok: diff {' '.join(map(str, opts))} {Path(a).name} {Path(b).name} -> {code}")
        return p

    def report(self, a, b, *opts, code=1):
        return json.loads(self.diff(a, b, "--json", *opts, code=code).stdout)

    def has(self, text, *wanted):
        for w in wanted:
            check(w in text, f"the report lacks {w!r}:\n{text}")

    # --- cases ---

    def identical(self):
        a = self.record("a", args=["same"])
        b = self.record("b", args=["same"])  # another start time: not a difference
        p = self.diff(a, b, code=0)
        self.has(p.stdout, "the traces are equivalent", "differing stretches: none (all 11 calls the same)",
                 "both ended: exit status 0")
        cbor = self.tmp / "a.cbor"
        harness.run([self.w, "convert", a, cbor], check=True)
        r = self.report(a, cbor, code=0)
        check(r["equivalent"] is True and r["stretches"] == [] and r["stretch_count"] == 0, f"not equivalent: {r}")
        check(r["b"]["format"] == "cbor", f"b's format: {r['b']}")
        # A pack (the component and the trace in one file) is read as its trace.
        pack = self.tmp / "a.wasmrr"
        harness.run([self.w, "pack", self.g / "hello.wasm", a, "-o", pack], check=True)
        r = self.report(pack, b, code=0)
        check(r["a"]["packed"] is True and r["b"]["packed"] is False, f"packed: {r['a']}, {r['b']}")

    def changed_argument(self):
        a = self.record("a", args=["x"])
        b = self.record("b", args=["y"])
        p = self.diff(a, b)
        self.has(p.stdout, "args differ:\n    a: hello.wasm x\n    b: hello.wasm y",
                 "first difference (stretch 1 of 2): a #1-#2, b #1-#2: 2 changed calls",
                 'differs: results[0][1]: a "x", b "y"', "--all shows every one", "the traces differ")
        check("stretch 2 of 2" not in p.stdout, "without --all only the first stretch is shown")
        p = self.diff(a, b, "--all")
        self.has(p.stdout, "stretch 2 of 2: a #10, b #10: 1 changed call",
                 'args[1]: 18 bytes in a, 18 in b; they part at offset 16: a ...b"arg[1]: x\\n", b ...b"arg[1]: y\\n"')

    def inserted_call(self):
        a = self.record("a", args=["x"])
        # B writes one more line after the greeting (event 8, `hello`).
        def insert(els):
            extra = dict(els[9])
            extra["args"] = [extra["args"][0], {"$bytes": base64.b64encode(b"inserted\n").decode()}]
            els.insert(10, extra)
        b = self.edited("b", a, insert)
        r = self.report(a, b)
        check(r["stretch_count"] == 1, f"one stretch expected: {r['stretches']}")
        s = r["stretches"][0]
        check(s["kind"] == "only_b" and s["a"] == {"first": 9, "count": 0} and s["b"] == {"first": 9, "count": 1},
              f"the stretch: {s}")
        d = s["differences"][0]
        check(d["kind"] == "only_b" and d["b_event"] == 9 and "a_event" not in d and d["a"] is None, f"the call: {d}")
        check('b"inserted\\n"' in d["b"], f"the call shown: {d['b']}")
        p = self.diff(a, b)
        self.has(p.stdout, "a none (before #9), b #9: 1 call only in b", 'b #9  only in b: ' + WRITE)

    def missing_call(self):
        a = self.record("a", args=["x"])
        b = self.edited("b", a, lambda els: els.pop(6))  # event 5, get-stderr
        r = self.report(a, b)
        check(r["stretch_count"] == 1, f"one stretch expected: {r['stretches']}")
        s = r["stretches"][0]
        check(s["kind"] == "only_a" and s["a"] == {"first": 5, "count": 1} and s["b"] == {"first": 5, "count": 0},
              f"the stretch: {s}")
        f = {x["fn"]: (x["a"], x["b"]) for x in r["functions"]}
        check(f["wasi:cli/stderr@0.2.12#get-stderr"] == (1, 0), f"calls per function: {f}")
        p = self.diff(a, b)
        self.has(p.stdout, "a #5  only in a: wasi:cli/stderr@0.2.12#get-stderr()", "calls by function, where they differ:")

    def different_outcomes(self):
        a = self.record("a", args=["x"])
        exit1 = self.edited("exit1", a, lambda els: els[-1].update(status=1))
        p = self.diff(a, exit1)
        self.has(p.stdout, "differing stretches: none", "the ends differ:\n    a: exit status 0\n    b: exit status 1")
        r = self.report(a, exit1)
        check(r["ends"] == {"a": {"end": "exit", "status": 0}, "b": {"end": "exit", "status": 1}, "same": False},
              f"ends: {r['ends']}")
        trap = self.edited("trap", a, lambda els: els.__setitem__(-1, {"end": "trap", "message": "unreachable",
                                                                        "backtrace": ["main@wasm-function[3]:0x10"]}))
        self.has(self.diff(a, trap).stdout, "b: trap: unreachable")
        # The same trap with another backtrace (another build): the same end.
        other_bt = self.edited("trap2", trap, lambda els: els[-1].update(backtrace=["main@wasm-function[4]:0x20"]))
        self.diff(trap, other_bt, code=0)
        cut = self.edited("cut", a, lambda els: els.pop(), complete=False)
        p = self.diff(a, cut)
        self.has(p.stdout, "/cut.json (json, ", "11 events, cut short",
                 "b: none: the recording was cut short (killed or crashed)")
        # A call that trapped rather than returned.
        def trapped(els):
            els[10].pop("results")
            els[10]["trap"] = "stream closed"
        r = self.report(a, self.edited("call_trap", a, trapped))
        d = r["stretches"][0]["differences"][0]
        check(d["path"] == "outcome" and d["a"] == 'results [{"ok":null}]' and d["b"] == 'trap "stream closed"',
              f"outcome: {d}")

    def different_components(self):
        a = self.record("a", args=["x"])
        b = self.record("b", guest="stdin_echo", stdin=b"input\n")
        p = self.diff(a, b)
        self.has(p.stdout, "component differs:\n    a: hello.wasm (", "    b: stdin_echo.wasm (")
        r = self.report(a, b)
        fields = {d["field"]: d for d in r["header"]["differences"]}
        check(r["header"]["same"] is False and "component" in fields, f"header: {r['header']}")
        check(fields["component"]["a"]["name"] == "hello.wasm" and fields["component"]["b"]["name"] == "stdin_echo.wasm",
              f"component: {fields['component']}")
        check(fields["component"]["a"]["sha256"] != fields["component"]["b"]["sha256"], "the digests should differ")

    def json(self):
        a = self.record("a", args=["x"])
        b = self.record("b", args=["y"])
        r = self.report(a, b, "--all")
        for key, kind in [("equivalent", bool), ("a", dict), ("b", dict), ("header", dict), ("alignment", str),
                          ("stretch_count", int), ("functions", list), ("ends", dict), ("stretches", list)]:
            check(isinstance(r.get(key), kind), f"`{key}` should be a {kind.__name__}: {r.get(key)!r}")
        check(r["equivalent"] is False and r["alignment"] == "exact", f"{r['equivalent']}, {r['alignment']}")
        check(r["a"] == {"path": str(a), "format": "json", "packed": False, "events": 11,
                         "end": {"end": "exit", "status": 0}}, f"a: {r['a']}")
        check(r["header"]["differences"] == [{"field": "args", "a": ["hello.wasm", "x"], "b": ["hello.wasm", "y"]}],
              f"header: {r['header']}")
        check(r["stretch_count"] == 2 and len(r["stretches"]) == 2, f"stretches: {r['stretches']}")
        first, second = r["stretches"]
        check(first["a"] == {"first": 1, "count": 2} and first["b"] == {"first": 1, "count": 2}, f"first: {first}")
        check(first["kind"] == "changed" and first["changed"] == 2 and first["only_a"] == 0 and first["more"] == 0,
              f"first: {first}")
        d = first["differences"][0]
        check(d == {"kind": "changed", "a_event": 1, "b_event": 1, "fn": "wasi:cli/environment@0.2.12#get-arguments",
                    "path": "results[0][1]", "a": '"x"', "b": '"y"'}, f"first difference: {d}")
        d = second["differences"][0]
        check(d["path"] == "args[1]" and d["offset"] == 16 and d["a_size"] == 18 and d["b_size"] == 18 and d["fn"] == WRITE,
              f"the write's difference: {d}")
        counts = {f["fn"]: (f["a"], f["b"]) for f in r["functions"]}
        check(counts[WRITE] == (3, 3) and len(counts) == 8, f"functions: {counts}")
        check(r["ends"]["same"] is True, f"ends: {r['ends']}")
        # Without --all: the first stretch only, but all of them counted.
        r = self.report(a, b)
        check(r["stretch_count"] == 2 and len(r["stretches"]) == 1, f"without --all: {r['stretches']}")

    def errors(self):
        a = self.record("a", args=["x"])

        def error(args, wanted, stdin=None):
            p, _ = harness.run([self.w, "diff", *args], text=True, stdin=stdin if stdin is not None else subprocess.DEVNULL)
            check(p.returncode == EXIT_TOOL_ERROR, f"diff {args}: exit {p.returncode}, expected {EXIT_TOOL_ERROR}: {p.stderr}")
            check(p.stderr.startswith("wasm-rr: error: ") and wanted in p.stderr, f"diff {args}: stderr {p.stderr!r}")
            print(f"ok: diff {' '.join(map(str, args))}: {p.stderr.strip()}")

        error([a, self.tmp / "missing.json"], "missing.json")
        with open(a, "rb") as f:
            error(["-", a], "cannot compare standard input", stdin=f)
        fifo = self.tmp / "trace.fifo"
        os.mkfifo(fifo)
        error([a, fifo], "is not a regular file")  # refused before it is read: no writer needed
        (self.tmp / "text.json").write_text("not a trace\n")
        error([self.tmp / "text.json", a], "is not a wasm-rr trace")
        error([a, self.g / "hello.wasm"], "is not a wasm-rr trace")
        bad = self.tmp / "bad.json"
        bad.write_text(a.read_text().replace('"args":[]', '"args":[}', 1))
        error([a, bad], "invalid JSON")
        error([a], "b is required")

    def long(self):
        """Two traces of 300000 random reads and writes (written by a child
        process: a child's peak RSS from wait4 counts the memory of the process
        it was forked from, so this one stays small): B differs by an inserted
        call, a changed result and a missing call."""
        header = self.record("h")
        a, b = self.tmp / "long_a.json", self.tmp / "long_b.json"
        harness.run([sys.executable, __file__, "--wasm-rr", self.w, "--guests", self.g, "craft_long", a, b, header],
                    check=True)
        p, seconds = harness.run([self.w, "diff", "--json", "--all", a, b], text=True)
        check(p.returncode == 1, f"exit {p.returncode}: {harness.clip(p.stderr)}")
        r = json.loads(p.stdout)
        got = [(s["kind"], s["a"], s["b"]) for s in r["stretches"]]
        want = [("only_b", {"first": 1000, "count": 0}, {"first": 1000, "count": 1}),
                ("changed", {"first": 200_001, "count": 1}, {"first": 200_002, "count": 1}),
                ("only_a", {"first": 250_001, "count": 1}, {"first": 250_002, "count": 0})]
        check(got == want, f"stretches: {got}")
        check(r["alignment"] == "exact", f"alignment: {r['alignment']}")
        print(f"ok: {LONG} events in {seconds:.1f} s, peak memory {p.peak_rss >> 20} MiB")
        check(seconds < 60, f"diff took {seconds:.1f} s")
        # Some 20 bytes per event and trace, and the reader's buffers: not the events.
        check(p.peak_rss < 100 << 20, f"diff took {p.peak_rss >> 20} MiB")


LONG = 300_000


def craft_long(a, b, header_of):
    header = elements(header_of)[0]

    def event(i):
        if i % 3 == 0:
            return {"fn": "wasi:random/random@0.2.12#get-random-u64", "args": [], "results": [i * 7919]}
        data = base64.b64encode(f"line {i}\n".encode()).decode()
        return {"fn": WRITE, "args": [{"handle": 2}, {"$bytes": data}], "results": [{"ok": None}]}

    events = [event(i) for i in range(LONG)]
    end = {"end": "exit", "status": 0}
    write_elements(a, [header, *events, end])
    events[200_001] = dict(events[200_001], results=[1])  # a random read changed
    del events[250_001]                                    # a write missing
    events.insert(1000, event(1))                          # a write inserted
    write_elements(b, [header, *events, end])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--wasm-rr", required=True)
    ap.add_argument("--guests", required=True)
    ap.add_argument("case")
    ap.add_argument("craft_args", nargs="*")
    a = ap.parse_args()
    if a.case == "craft_long":
        craft_long(*a.craft_args)
        return
    with scratch(f"trace_diff-{a.case}", "wasmrr-diff-") as tmp:
        getattr(Case(a, tmp), a.case)()
    print("PASS")


if __name__ == "__main__":
    main()
