#!/usr/bin/env python3
"""Traces from anywhere, and bad input at a bounded cost (issue 10, items 4-6).

    trace_input_case.py --wasm-rr EXE --guests DIR CASE

  pipe           replay, inspect and convert read JSON, CBOR and pretty-printed
                 JSON traces through a pipe (`cat t | wasm-rr replay C -`)
  fifo           ... from a FIFO, and `-` redirected from a file
  files_written  replay --files-written and inspect --files from a pipe
  trailing       text after the closing `]` is an error naming its line
  ranges         integers out of their field's range are errors, not wrapped
  memory         crafted amplifying traces cost bounded memory (peak RSS of
                 each child, from wait4) and fail with a message naming the element
  large_element  a real 64 MiB byte string still reads, JSON and CBOR, from a pipe
  component      /dev/zero, a FIFO and a directory as the component: exit 125 at once
  convert_same   convert X X, through a symlink, a hard link or another spelling: refused
  convert_atomic a failed convert leaves OUT as it was and no temporary file; `-` is stdout
Exit status 0 = pass.
"""
import argparse
import filecmp
import json
import os
import subprocess
import sys
import threading
from pathlib import Path

import harness
from exit_codes import EXIT_DIVERGENCE, EXIT_TOOL_ERROR  # src/cli/options.h
from harness import fail, replay_hint, scratch
MiB = 1 << 20


def run(cmd, timeout=120, **kw):
    """harness.run: the CompletedProcess (with its peak RSS in bytes, .peak_rss)."""
    return harness.run(cmd, timeout=timeout, **kw)[0]


def cat_into(path, cmd, **kw):
    """`cat path | cmd`: the trace through a real pipe, written by another process."""
    cat = subprocess.Popen(["cat", str(path)], stdout=subprocess.PIPE)
    try:
        return run(cmd, stdin=cat.stdout, **kw)
    finally:
        cat.stdout.close()
        cat.wait()


def expect(result, code, what, stderr_has=(), stdout=None):
    rc, out, err = result.returncode, result.stdout, result.stderr
    if rc != code:
        fail(f"{what}: exit {rc}, expected {code}\nstdout: {out[-2000:]!r}\nstderr: {err[-2000:]!r}")
    for s in stderr_has:
        if s.encode() not in err:
            fail(f"{what}: stderr lacks {s!r}: {err[-2000:]!r}")
    if stdout is not None and out != stdout:
        fail(f"{what}: stdout {out[-500:]!r}, expected {stdout[-500:]!r}")
    print(f"ok: {what}")


# --- crafted traces (written by a child process: see Case.craft) ---------------

def cbor_head(major, n):
    if n < 24:
        return bytes([major << 5 | n])
    for info, size in ((24, 1), (25, 2), (26, 4), (27, 8)):
        if n < 1 << (8 * size):
            return bytes([major << 5 | info]) + n.to_bytes(size, "big")


def cbor_str(s):
    return cbor_head(3, len(s.encode())) + s.encode()


def cbor(v):
    if isinstance(v, dict):
        return cbor_head(5, len(v)) + b"".join(cbor_str(k) + cbor(x) for k, x in v.items())
    if isinstance(v, list):
        return cbor_head(4, len(v)) + b"".join(cbor(x) for x in v)
    if isinstance(v, bool):
        return b"\xf5" if v else b"\xf4"
    if isinstance(v, int):
        return cbor_head(0, v)
    return cbor_str(v)


CRAFTED = ["env.cbor", "arrays.cbor", "maps.cbor", "many.cbor", "keys.cbor", "env.json", "arrays.json", "bytes.json",
           "pretty.json"]


def craft(name, path, header_of):
    header = json.loads(Path(header_of).read_text().splitlines()[0][1:].rstrip(","))
    fn = "wasi:cli/environment@0.2.12#get-environment"
    N = 16 * MiB
    h = cbor_head
    cbor_event = lambda payload: (h(5, 3) + cbor_str("fn") + cbor_str(fn) + cbor_str("args") + b"\x80" +
                                  cbor_str("results") + b"\x81" + payload)
    json_head = b"[" + json.dumps(header, separators=(",", ":")).encode() + b",\n"
    json_event = lambda payload: b'{"fn":"' + fn.encode() + b'","args":[],"results":[' + payload + b"]}"
    if name == "env.cbor":  # 16 MiB of CBOR: before, 2.6 GB to replay
        data = cbor(header) + cbor_event(h(4, N // 3) + b"\x82\x60\x60" * (N // 3))
    elif name == "arrays.cbor":
        data = cbor(header) + cbor_event(h(4, N) + b"\x80" * N)
    elif name == "maps.cbor":
        data = cbor(header) + cbor_event(h(4, N) + b"\xa0" * N)
    elif name == "many.cbor":  # many elements, each large once parsed
        data = cbor(header) + cbor_event(h(4, MiB) + b"\x80" * MiB) * 16
    elif name == "keys.cbor":  # an object of 100000 keys: quadratic in ordered_json
        data = cbor(header) + cbor_event(h(5, 100000) + b"".join(cbor_str(f"k{i}") + b"\xf6" for i in range(100000)))
    elif name == "env.json":
        data = json_head + json_event(b"[" + b'["",""],' * (N // 8) + b'["",""]]') + b"]\n"
    elif name == "arrays.json":
        data = json_head + json_event(b"[" + b"[]," * (N // 3) + b"[]]") + b"]\n"
    elif name == "bytes.json":
        data = json_head + json_event(b"[" + b'{"$bytes":""},' * (N // 14) + b'{"$bytes":""}]') + b"]\n"
    elif name == "pretty.json":
        data = (b"[\n" + json.dumps(header, indent=1).encode() + b",\n" +
                json_event(b"[\n" + b"[],\n" * (N // 4) + b"[]]") + b"]\n")
    elif name == "big.json":  # a real 64 MiB HTTP body read (a list<u8> result), before the end record
        import base64
        lines = Path(header_of).read_bytes().splitlines(keepends=True)
        event = (b'{"fn":"wasi:io/streams@0.2.12#[method]input-stream.blocking-read","args":[{"handle":9},67108864],'
                 b'"results":[{"ok":{"$bytes":"' + base64.b64encode(os.urandom(64 * MiB)) + b'"}}]},\n')
        data = b"".join(lines[:-1]) + event + lines[-1]
    else:
        raise ValueError(name)
    Path(path).write_bytes(data)


class Case:
    def __init__(self, a, tmp: Path):
        self.a = a
        self.w = a.wasm_rr
        self.g = Path(a.guests)
        self.tmp = tmp

    def record(self, name, component, fmt="json", args=(), stdin=b"", extra=()):
        trace = self.tmp / f"{name}.{fmt}"
        replay_hint(self.w, component, trace)
        p = run([self.w, "record", component, "-t", trace, *extra, "--", *args], stdin_bytes=stdin)
        rc, out = p.returncode, p.stdout
        if rc not in (0, 1):
            fail(f"recording {component} failed ({rc}): {p.stderr!r}")
        return trace, rc, out

    def pretty(self, trace_json):
        elems = json.loads(trace_json.read_text())
        p = trace_json.with_name(trace_json.stem + "-pretty.json")
        p.write_text(json.dumps(elems, indent=2) + "\n")
        return p

    # --- cases ---

    def pipe(self):
        hello = self.g / "hello.wasm"
        stdin_echo = self.g / "stdin_echo.wasm"
        for component, args, stdin in [(hello, ["a", "b c"], b""), (stdin_echo, [], b"recorded input\nline two\n")]:
            tj, rc, out = self.record(component.stem, component, "json", args, stdin)
            tc, _, _ = self.record(component.stem, component, "cbor", args, stdin)
            tp = self.pretty(tj)
            for t in (tj, tc, tp):
                label = f"{component.stem} {t.name}"
                expect(cat_into(t, [self.w, "replay", component, "-"]), rc, f"cat {label} | replay -", stdout=out)
                r = cat_into(t, [self.w, "inspect", "-"])
                expect(r, 0, f"cat {label} | inspect -")
                if b"end:        exit status" not in r.stdout:
                    fail(f"inspect - of {label}: no end record shown: {r.stdout!r}")
                for fmt in ("json", "cbor"):
                    dst = self.tmp / f"from-pipe-{t.stem}.{fmt}"
                    expect(cat_into(t, [self.w, "convert", "-", dst]), 0, f"cat {label} | convert - {dst.name}")
                    # The same conversion from the file (two recordings may
                    # differ: their start times are a second apart at times).
                    ref = self.tmp / f"from-file-{t.stem}.{fmt}"
                    expect(run([self.w, "convert", t, ref]), 0, f"convert {t.name} {ref.name}")
                    if dst.read_bytes() != ref.read_bytes():
                        fail(f"convert of {label} from a pipe differs from its conversion from the file")
        # Truncated through a pipe: replays up to the cut, then reports the cut.
        tj = self.tmp / "hello.json"
        cut = self.tmp / "cut.json"
        cut.write_bytes(tj.read_bytes()[:-30])
        expect(cat_into(cut, [self.w, "replay", hello, "-"]), EXIT_DIVERGENCE, "cat truncated | replay -", ["cut short"])

    def fifo(self):
        hello = self.g / "hello.wasm"
        for fmt in ("json", "cbor"):
            t, rc, out = self.record("hello", hello, fmt, ["x"])
            traces = [t] + ([self.pretty(t)] if fmt == "json" else [])
            for tr in traces:
                fifo = self.tmp / f"trace-{tr.name}.fifo"
                os.mkfifo(fifo)
                for cmd, code, what in [([self.w, "replay", hello, fifo], rc, "replay"),
                                        ([self.w, "inspect", fifo], 0, "inspect"),
                                        ([self.w, "convert", fifo, self.tmp / f"from-fifo.{fmt}"], 0, "convert")]:
                    writer = threading.Thread(target=lambda: fifo.write_bytes(tr.read_bytes()))
                    writer.start()
                    r = run(cmd)
                    writer.join()
                    expect(r, code, f"{what} from a FIFO ({tr.name})", stdout=out if what == "replay" else None)
                if (self.tmp / f"from-fifo.{fmt}").read_bytes() != t.read_bytes():
                    fail(f"convert from a FIFO ({tr.name}) differs")
                # `-` redirected from the file itself (stdin is a regular file).
                with open(tr, "rb") as f:
                    expect(run([self.w, "replay", hello, "-"], stdin=f), rc, f"replay - < {tr.name}", stdout=out)
                with open(tr, "rb") as f:
                    r = run([self.w, "inspect", "-"], stdin=f)
                    expect(r, 0, f"inspect - < {tr.name}")

    def files_written(self):
        fs_ops = self.g / "fs_ops.wasm"
        for fmt in ("json", "cbor"):
            data = self.tmp / f"data-{fmt}"
            data.mkdir()
            (data / "input.txt").write_text("input for the guest\n")
            t, rc, out = self.record("fs", fs_ops, fmt, ["/data"], extra=["--dir", f"{data}::/data"])
            wanted = ["/data/copy.txt: created or truncated", "renamed to /data/renamed.txt", "/data/newdir: directory created"]
            r = cat_into(t, [self.w, "replay", fs_ops, "-", "--files-written"])
            expect(r, rc, f"cat {t.name} | replay - --files-written", wanted)
            summary = r.stderr[r.stderr.index(b"files written"):]
            r = cat_into(t, [self.w, "inspect", "--files", "-"])
            expect(r, 0, f"cat {t.name} | inspect --files -")
            if r.stdout != summary:
                fail(f"inspect --files from a pipe differs from the replay's summary:\n{r.stdout!r}\n{summary!r}")

    def trailing(self):
        hello = self.g / "hello.wasm"
        t, _, _ = self.record("hello", hello, "json")
        text = t.read_bytes()
        lines = text.count(b"\n")
        for name, data, line in [("next line", text + b"garbage\n", lines + 1),
                                 ("after blank lines", text + b"\n\n  x", lines + 3),
                                 ("a second array", text + b"[]\n", lines + 1),
                                 ("same line", text.rstrip(b"\n") + b" {}\n", lines)]:
            bad = self.tmp / "trailing.json"
            bad.write_bytes(data)
            for cmd in ([self.w, "replay", hello, bad], [self.w, "inspect", bad],
                        [self.w, "convert", bad, self.tmp / "out.cbor"]):
                expect(run(cmd), EXIT_TOOL_ERROR, f"{cmd[1]} with text after `]` ({name})", [f"line {line}"])
            expect(cat_into(bad, [self.w, "replay", hello, "-"]), EXIT_TOOL_ERROR,
                   f"cat | replay - with text after `]` ({name})", [f"line {line}"])
        pretty = self.pretty(t)
        pretty.write_bytes(pretty.read_bytes() + b"\n,\n")
        n = pretty.read_bytes().count(b"\n")
        expect(run([self.w, "inspect", pretty]), EXIT_TOOL_ERROR, "pretty-printed with text after `]`", [f"line {n}"])
        # Whitespace after `]` is fine.
        ok = self.tmp / "spaces.json"
        ok.write_bytes(text + b"\n \t\n")
        expect(run([self.w, "inspect", ok]), 0, "whitespace after `]`")

    def ranges(self):
        hello = self.g / "hello.wasm"
        clocks = self.g / "clocks.wasm"
        t, _, _ = self.record("hello", hello, "json")
        tc, _, _ = self.record("clocks", clocks, "json")

        def mutate(trace, pred, change, name):
            elems = [json.loads(l.rstrip().rstrip(",").lstrip("[").rstrip("]")) for l in trace.read_text().splitlines()]
            for e in elems:
                if pred(e):
                    change(e)
                    break
            else:
                fail(f"{name}: no element to change")
            out = self.tmp / f"range-{name}.json"
            out.write_text("[" + ",\n".join(json.dumps(e, separators=(",", ":")) for e in elems) + "]\n")
            return out

        fn = lambda part: (lambda e: part in e.get("fn", ""))
        cases = [
            (t, fn("get-stdout"), lambda e: e["results"][0].update(handle=2**32 + 2), "handle-result", "out of range"),
            (t, fn("blocking-write-and-flush"), lambda e: e["args"][0].update(handle=2**32 + 2), "handle-arg", "out of range"),
            (t, lambda e: e.get("end") == "exit", lambda e: e.update(status=256), "end-status-256", "out of range"),
            (t, lambda e: e.get("end") == "exit", lambda e: e.update(status=2**32), "end-status-2^32", "out of range"),
            (t, lambda e: e.get("end") == "exit", lambda e: e.update(status=-1), "end-status-neg", "out of range"),
            (t, lambda e: "format" in e, lambda e: e["component"].update(size=-1), "header-size", "out of range"),
            (t, lambda e: "format" in e, lambda e: e.update(version=2**64 - 1), "header-version", "out of range"),
            (t, fn("blocking-write-and-flush"), lambda e: (e.pop("results"), e.update(exit=2**32)), "event-exit", "out of range"),
            (tc, fn("wall-clock@"), lambda e: e["results"][0].update(nanoseconds=2**40), "u32-result", "out of range"),
            (tc, fn("wall-clock@"), lambda e: e["results"][0].update(seconds=-1), "u64-result-neg", "expected an unsigned"),
            (tc, fn("subscribe-duration"), lambda e: e["args"].__setitem__(0, 2**64), "u64-arg-2^64", ""),
            (tc, fn("subscribe-duration"), lambda e: e["args"].__setitem__(0, -5), "u64-arg-neg", "expected an unsigned"),
        ]
        for trace, pred, change, name, msg in cases:
            bad = mutate(trace, pred, change, name)
            component = hello if trace == t else clocks
            r = run([self.w, "replay", component, bad])
            rc, err = r.returncode, r.stderr
            # 2^64 does not even parse as an integer: it is a float, a divergence or an error, never 0.
            if name == "u64-arg-2^64":
                if rc not in (EXIT_TOOL_ERROR, EXIT_DIVERGENCE):
                    fail(f"{name}: exit {rc}: {err!r}")
                print(f"ok: {name} ({rc})")
                continue
            expect(r, EXIT_TOOL_ERROR, f"replay with {name}", [msg])
            if name.startswith(("end-", "header-", "event-")):
                expect(run([self.w, "inspect", bad]), EXIT_TOOL_ERROR, f"inspect with {name}", [msg])
        # CBOR: a negative integer below -2^63 (nlohmann would wrap it to a positive one).
        cb, _, _ = self.record("hello", hello, "cbor")
        data = cb.read_bytes()
        status0 = b"\xa2\x63end\x64exit\x66status\x00"
        if not data.endswith(status0):
            fail(f"unexpected CBOR end record: {data[-20:]!r}")
        bad = self.tmp / "neg.cbor"
        bad.write_bytes(data[:-1] + b"\x3b\xff\xff\xff\xff\xff\xff\xff\xff")  # -2^64
        expect(run([self.w, "inspect", bad]), EXIT_TOOL_ERROR, "CBOR integer below -2^63", ["out of range"])

    def craft(self, name, path, header_of):
        """Writes a crafted trace in a child process: this process must stay small, since a child's
        peak RSS (wait4) counts the memory of the process it was forked from."""
        run([sys.executable, __file__, "--wasm-rr", self.w, "--guests", self.g,
             "craft", name, str(path), str(header_of)], check=True)

    def memory(self):
        hello = self.g / "hello.wasm"
        t, _, _ = self.record("hello", hello, "json")
        for name in CRAFTED:
            path = self.tmp / f"crafted-{name}"
            self.craft(name, path, t)
            largest = path.stat().st_size  # the one big element, at most
            bound = 64 * MiB + 6 * largest
            for cmd in ([self.w, "replay", hello, path], [self.w, "inspect", path]):
                for how, result in (("file", lambda: run(cmd)), ("pipe", lambda: cat_into(path, cmd[:-1] + ["-"]))):
                    r = result()
                    rc, err, rss = r.returncode, r.stderr, r.peak_rss
                    what = f"{cmd[1]} {name} ({how})"
                    if rc != EXIT_TOOL_ERROR:
                        fail(f"{what}: exit {rc}, expected {EXIT_TOOL_ERROR}: {err[-500:]!r}")
                    if b"element" not in err and b"line" not in err and b"event" not in err:
                        fail(f"{what}: the error does not name the element: {err!r}")
                    if rss > bound:
                        fail(f"{what}: peak RSS {rss / MiB:.0f} MiB, more than {bound / MiB:.0f} MiB "
                             f"(64 MiB + 6 x {largest / MiB:.0f} MiB)")
                    print(f"ok: {what}: exit {rc}, peak RSS {rss / MiB:.0f} MiB (bound {bound / MiB:.0f}): "
                          f"{err.decode(errors='replace').strip()[:160]}")
            path.unlink()

    def large_element(self):
        hello = self.g / "hello.wasm"
        t, _, _ = self.record("hello", hello, "json")
        big = self.tmp / "big.json"
        self.craft("big.json", big, t)
        element = big.stat().st_size - t.stat().st_size
        big_cbor = self.tmp / "big.cbor"
        expect(run([self.w, "convert", big, big_cbor]), 0, "convert a 64 MiB element to CBOR")
        back = self.tmp / "big-back.json"
        for src in (big, big_cbor):
            for cmd in ([self.w, "inspect", "-"], [self.w, "convert", "-", back]):
                r = cat_into(src, cmd)
                rc, err, rss = r.returncode, r.stderr, r.peak_rss
                what = f"cat {src.name} | {' '.join(str(c) for c in cmd[1:])}"
                if rc != 0:
                    fail(f"{what}: exit {rc}: {err[-500:]!r}")
                bound = 64 * MiB + 6 * element
                if rss > bound:
                    fail(f"{what}: peak RSS {rss / MiB:.0f} MiB > {bound / MiB:.0f} MiB")
                print(f"ok: {what}: peak RSS {rss / MiB:.0f} MiB (bound {bound / MiB:.0f})")
                if cmd[1] == "convert" and not filecmp.cmp(back, big, shallow=False):
                    fail(f"{what}: the 64 MiB element did not come back byte for byte")

    def component(self):
        fifo = self.tmp / "component.wasm"
        os.mkfifo(fifo)
        t, _, _ = self.record("hello", self.g / "hello.wasm", "json")
        for c, what in (("/dev/zero", "character device"), (fifo, "FIFO"), (self.tmp, "directory")):
            for cmd in ([self.w, "run", c], [self.w, "record", c, "-t", self.tmp / "x.json"], [self.w, "replay", c, t]):
                expect(run(cmd, timeout=20), EXIT_TOOL_ERROR, f"{cmd[1]} {c}", [what, "regular file"])

    def convert_same(self):
        hello = self.g / "hello.wasm"
        for fmt in ("json", "cbor"):
            t, _, _ = self.record("hello", hello, fmt)
            original = t.read_bytes()
            sub = self.tmp / "sub"
            sub.mkdir(exist_ok=True)
            link = self.tmp / f"link.{fmt}"
            hard = self.tmp / f"hard.{fmt}"
            for p in (link, hard):
                if p.exists() or p.is_symlink():
                    p.unlink()
            link.symlink_to(t)
            os.link(t, hard)
            spellings = [t, link, hard, sub / ".." / t.name, Path(os.path.relpath(t))]
            for out in spellings:
                r = run([self.w, "convert", t, out, "-f", fmt])
                expect(r, EXIT_TOOL_ERROR, f"convert {t.name} {out}", ["same file"])
                r = run([self.w, "convert", out, t, "-f", fmt])
                expect(r, EXIT_TOOL_ERROR, f"convert {out} {t.name}", ["same file"])
                if t.read_bytes() != original:
                    fail(f"convert {t} {out} changed the file")
            # Through a symlink to another file: the link stays, its target is written.
            other = self.tmp / f"other.{fmt}"
            other.write_bytes(b"old")
            olink = self.tmp / f"olink.{fmt}"
            if olink.is_symlink():
                olink.unlink()
            olink.symlink_to(other)
            expect(run([self.w, "convert", t, olink]), 0, f"convert {t.name} through a symlink")
            if not olink.is_symlink() or other.read_bytes() != original:
                fail("convert through a symlink did not write its target")

    def convert_atomic(self):
        hello = self.g / "hello.wasm"
        t, _, _ = self.record("hello", hello, "json")
        text = t.read_bytes()
        outdir = self.tmp / "out"
        outdir.mkdir()
        out = outdir / "existing.cbor"
        out.write_bytes(b"previous contents")
        bad_inputs = {
            "invalid line": text.replace(b'"args":[]', b'"args":[}', 1),
            "trailing text": text + b"garbage\n",
            "bad base64": text.replace(b'"aGVsbG8="', b'"a!!!"', 1),
        }
        for name, data in bad_inputs.items():
            if data == text:
                fail(f"the {name} mutation did not change the trace")
            bad = self.tmp / "bad.json"
            bad.write_bytes(data)
            expect(run([self.w, "convert", bad, out]), EXIT_TOOL_ERROR, f"convert a bad trace ({name})")
            if out.read_bytes() != b"previous contents":
                fail(f"a failed convert ({name}) changed the existing OUT")
            expect(cat_into(bad, [self.w, "convert", "-", out]), EXIT_TOOL_ERROR, f"cat bad | convert - OUT ({name})")
            if sorted(p.name for p in outdir.iterdir()) != ["existing.cbor"]:
                fail(f"a failed convert ({name}) left files behind: {sorted(p.name for p in outdir.iterdir())}")
        fresh = outdir / "fresh.cbor"
        expect(run([self.w, "convert", self.tmp / "bad.json", fresh]), EXIT_TOOL_ERROR, "convert a bad trace to a new OUT")
        if fresh.exists():
            fail("a failed convert left a partial OUT")
        expect(run([self.w, "convert", t, out]), 0, "convert over an existing OUT")
        r = run([self.w, "convert", out, "-"])
        expect(r, 0, "convert OUT - (stdout)")
        back = r.stdout
        if back != text:
            fail("convert to stdout did not give back the JSON trace")
        r = cat_into(t, [self.w, "convert", "-", "-", "-f", "cbor"])
        rc, cb, err = r.returncode, r.stdout, r.stderr
        if rc != 0 or cb != out.read_bytes():
            fail(f"cat | convert - - -f cbor: exit {rc}, {len(cb)} bytes: {err!r}")
        print("ok: convert - - -f cbor")
        if sorted(p.name for p in outdir.iterdir()) != ["existing.cbor"]:
            fail(f"temporary files left behind: {sorted(p.name for p in outdir.iterdir())}")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--wasm-rr", required=True)
    ap.add_argument("--guests", required=True)
    ap.add_argument("case")
    ap.add_argument("craft_args", nargs="*")
    a = ap.parse_args()
    if a.case == "craft":
        craft(*a.craft_args)
        return
    with scratch(f"trace_input-{a.case}", "wasmrr-trace-input-") as tmp:
        getattr(Case(a, tmp), a.case)()
    print("PASS")


if __name__ == "__main__":
    main()
