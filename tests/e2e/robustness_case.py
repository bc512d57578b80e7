#!/usr/bin/env python3
"""Robustness: wasm-rr on bad input must fail cleanly, never crash or hang.

    robustness_case.py --wasm-rr EXE --component C.wasm [options] MODE

  trace      record C (with --stdin, --format json|cbor), then replay --count
             seeded random mutants of the trace: byte flips, truncations,
             inserted/deleted/duplicated byte ranges, and for the JSON data
             model (CBOR mutants go through `wasm-rr convert`) deleted,
             duplicated and swapped events and replaced values (numbers ->
             strings, other handles, huge numbers, deep nesting, unknown
             function names, broken base64, wrong end records).
  component  `wasm-rr run` --count seeded random mutants of C: byte flips,
             truncations, inserted/deleted byte ranges, half of them inside
             the component's own sections (not the core modules it embeds).

Every mutant must end with one of wasm-rr's documented exit codes, within
--timeout seconds, never by a signal:
  121 divergence, 125 wasm-rr error, 134 guest trap -> stderr must say why;
  any other status (the guest's own) -> trace: stdout and status must equal
  the recording's (a harmless mutation); component: accepted (a mutated core
  module may legitimately compute something else), counted in the summary.
Exit status 0 = pass. Mishandled mutants are written to mutants/ in the
case's scratch folder, which a failing case keeps (harness.scratch), with
the command that replays (or runs) each of them by hand.
"""
import argparse
import base64
import collections
import json
import os
import random
from pathlib import Path

from exit_codes import EXIT_DIVERGENCE, EXIT_GUEST_TRAP as EXIT_TRAP, EXIT_TOOL_ERROR  # src/cli/options.h
from harness import fail, hint, replay_hint, run as run_command, scratch
REPORTED = {EXIT_DIVERGENCE, EXIT_TOOL_ERROR, EXIT_TRAP}


def run(cmd, stdin_bytes, timeout):
    """(exit code, stdout, stderr); the exit code is None if cmd ran longer than timeout."""
    p, _ = run_command(cmd, stdin_bytes, timeout, allow_timeout=True)
    return p.returncode, p.stdout, p.stderr


# --- byte-level mutations (any file) -------------------------------------------

def flip_bytes(rng, data, lo=0, hi=None):
    hi = len(data) if hi is None else hi
    out = bytearray(data)
    for _ in range(rng.randint(1, 4)):
        i = rng.randrange(lo, hi)
        out[i] = out[i] ^ (1 << rng.randrange(8)) if rng.random() < 0.5 else rng.randrange(256)
    return bytes(out), f"flip bytes in [{lo}, {hi})"


def truncate(rng, data, lo=0, hi=None):
    hi = len(data) if hi is None else hi
    n = rng.randrange(lo, hi)
    return data[:n], f"truncate to {n} bytes"


def insert_bytes(rng, data, lo=0, hi=None):
    hi = len(data) if hi is None else hi
    i = rng.randrange(lo, hi)
    junk = bytes(rng.choice([0x00, 0xff, 0x80, 0x7f, rng.randrange(256)]) for _ in range(rng.randint(1, 16)))
    return data[:i] + junk + data[i:], f"insert {len(junk)} bytes at {i}"


def delete_range(rng, data, lo=0, hi=None):
    hi = len(data) if hi is None else hi
    i = rng.randrange(lo, hi)
    n = rng.randint(1, 64)
    return data[:i] + data[i + n:], f"delete {n} bytes at {i}"


def duplicate_range(rng, data, lo=0, hi=None):
    hi = len(data) if hi is None else hi
    i = rng.randrange(lo, hi)
    n = rng.randint(1, 64)
    return data[:i + n] + data[i:i + n] + data[i + n:], f"duplicate {n} bytes at {i}"


BYTE_MUTATIONS = [flip_bytes, truncate, insert_bytes, delete_range, duplicate_range]


# --- structural mutations of a trace's JSON data model --------------------------

def parse_lines(text):
    """The streamed layout TraceWriter produces: `[elem,` ... `elem]`."""
    elems = []
    for line in text.splitlines():
        line = line.strip()
        if line.startswith("["):
            line = line[1:]
        if line.endswith(",") or line.endswith("]"):
            line = line[:-1]
        if line:
            elems.append(json.loads(line))
    return elems


def dump_lines(elems):
    deeps = []

    def placeholder(o):
        if isinstance(o, Deep):
            deeps.append(o)
            return f"@@DEEP{len(deeps) - 1}@@"
        raise TypeError(type(o))

    text = "[" + ",\n".join(json.dumps(e, separators=(",", ":"), default=placeholder) for e in elems) + "]\n"
    for i, d in enumerate(deeps):
        inner = json.dumps(d.inner, separators=(",", ":"))
        text = text.replace(f'"@@DEEP{i}@@"', "[" * d.depth + inner + "]" * d.depth)
    return text.encode()


def nodes(value, path=()):
    """Every (container, key) pair below value, for in-place replacement."""
    if isinstance(value, dict):
        for k, v in value.items():
            yield value, k
            yield from nodes(v, path + (k,))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield value, i
            yield from nodes(v, path + (i,))


HUGE = [2**64, 2**64 + 1, -2**63 - 1, 2**32, -1, 10**30, 1e300, -0.5]
HANDLES = [0, 1, 2, 3, 999, 2**31, 2**32 - 1, 2**32, -1]


def replacement(rng, old):
    if isinstance(old, dict) and "handle" in old:
        return {"handle": rng.choice(HANDLES)}
    if isinstance(old, dict) and "$bytes" in old:
        return rng.choice([{"$bytes": "not base64!"}, {"$bytes": "QQ="}, {"$bytes": 7},
                           {"$bytes": base64.b64encode(os.urandom(rng.randint(0, 40))).decode()}])
    if isinstance(old, bool):
        return rng.choice([not old, "true", 1, None])
    if isinstance(old, (int, float)):
        return rng.choice([str(old), rng.choice(HUGE), [old], {"n": old}, None, True])
    if isinstance(old, str):
        return rng.choice([old + "x", "", 42, None, "ok", "err", "closed", "\u00e9\U0001f600", [old]])
    if isinstance(old, list):
        return rng.choice([[], old + old[:1], old[1:], {"0": old}, "list", None])
    if isinstance(old, dict):
        variants = [{}, dict(list(old.items())[1:]), {"nope": None}, list(old.values()), None]
        if len(old) == 1:
            k, v = next(iter(old.items()))
            swap = {"ok": "err", "err": "ok"}.get(k, k + "-unknown")
            variants.append({swap: v})
        return rng.choice(variants)
    return rng.choice([0, "null", [], {}])


class Deep:
    """A value wrapped in `depth` arrays, spliced in as text by dump_lines
    (Python's json module cannot nest that deep itself)."""
    def __init__(self, depth, inner):
        self.depth, self.inner = depth, inner


def deep(rng, old):
    return Deep(rng.choice([50, 199, 300, 5000, 100000]), old)


def mutate_value(rng, elems):
    i = rng.randrange(len(elems))
    spots = list(nodes(elems[i]))
    if not spots:
        return f"element {i}: no values"
    container, key = rng.choice(spots)
    if rng.random() < 0.1:
        container[key] = deep(rng, container[key])
        return f"element {i}: nest {key!r} deeply"
    container[key] = replacement(rng, container[key])
    return f"element {i}: replace {key!r}"


def mutate_fn(rng, elems):
    events = [e for e in elems if isinstance(e, dict) and "fn" in e]
    if not events:
        return "no events"
    e = rng.choice(events)
    fn = e["fn"]
    e["fn"] = rng.choice(["wasi:nope/nothing@0.2.12#missing", fn.replace("0.2.", "9.9."), fn.split("#")[0],
                          fn + "x", "", "#", fn.replace("#", "##")])
    return f"rename {fn} to {e['fn']}"


def mutate_events(rng, elems):
    n = len(elems)
    i, j = rng.randrange(n), rng.randrange(n)
    op = rng.choice(["delete", "duplicate", "swap", "move-end", "drop-key"])
    if op == "delete":
        del elems[i]
    elif op == "duplicate":
        elems.insert(i, json.loads(json.dumps(elems[i])))
    elif op == "swap":
        elems[i], elems[j] = elems[j], elems[i]
    elif op == "move-end":
        elems.insert(i, elems.pop())
    elif isinstance(elems[i], dict) and elems[i]:
        del elems[i][rng.choice(list(elems[i]))]
    return f"{op} element {i} (and {j})"


def mutate_end(rng, elems):
    end = elems[-1]
    end.clear()
    end.update(rng.choice([
        {"end": "exit", "status": rng.choice([1, 3, 255, 256, -1, 2**40])},
        {"end": "trap", "message": "mutated", "backtrace": []},
        {"end": "trap", "message": 5},
        {"end": "bogus"},
        {"end": "exit"},
    ]))
    return f"end record -> {json.dumps(end)}"


STRUCT_MUTATIONS = [mutate_value, mutate_value, mutate_value, mutate_fn, mutate_events, mutate_events, mutate_end]


def structural_mutant(rng, elems):
    elems = json.loads(json.dumps(elems))  # a fresh copy of the original
    how = rng.choice(STRUCT_MUTATIONS)(rng, elems)
    return dump_lines(elems), how


# --- the checks --------------------------------------------------------------------

class Checker:
    def __init__(self, args, tmp: Path):
        self.args = args
        self.keep = tmp / "mutants"
        self.keep.mkdir()
        self.failures = []
        self.outcomes = collections.Counter()

    def record_failure(self, index, how, data, suffix, why, stderr):
        path = self.keep / f"mutant-{index:04d}{suffix}"
        path.write_bytes(data)
        if len(self.failures) < 20:  # as many as finish() prints
            if self.args.mode == "component":
                hint("run it", self.args.wasm_rr, "run", path)
            elif suffix == ".json" and self.args.format == "cbor":  # refused by convert
                hint("convert it", self.args.wasm_rr, "convert", path, "-")
            else:
                replay_hint(self.args.wasm_rr, self.args.component, path)
        msg = f"mutant {index} ({how}): {why}; kept as mutants/{path.name}"
        if stderr:
            msg += "\n    stderr: " + stderr.decode(errors="replace").strip()[-400:].replace("\n", "\n    ")
        self.failures.append(msg)

    def check(self, index, how, data, suffix, cmd, expect_status=None, expect_stdout=None):
        rc, out, err = run(cmd, b"", self.args.timeout)
        if rc is None:
            self.outcomes["timeout"] += 1
            return self.record_failure(index, how, data, suffix, f"no exit within {self.args.timeout} s", b"")
        if rc < 0:
            self.outcomes[f"signal {-rc}"] += 1
            return self.record_failure(index, how, data, suffix, f"killed by signal {-rc}", err)
        self.outcomes[rc] += 1
        if rc in REPORTED:
            if not err.strip():
                self.record_failure(index, how, data, suffix, f"exit {rc} with nothing on stderr", err)
            elif b"internal error" in err:
                self.record_failure(index, how, data, suffix, f"exit {rc} from an unexpected exception", err)
            return
        if expect_status is not None and (rc != expect_status or out != expect_stdout):
            self.record_failure(index, how, data, suffix,
                                f"exit {rc} (recorded {expect_status}), stdout "
                                f"{'same' if out == expect_stdout else 'different'}: silent wrong replay", err)

    def finish(self, what):
        total = sum(self.outcomes.values())
        summary = ", ".join(f"{k}: {v}" for k, v in sorted(self.outcomes.items(), key=str))
        print(f"{total} {what} mutants (seed {self.args.seed}); exit codes: {summary}")
        for f in self.failures[:20]:
            print("FAIL:", f)
        if self.failures:
            fail(f"{len(self.failures)} of {total} mutants mishandled")
        print("PASS")
        return 0


def trace_mode(args, rng, tmp):
    trace = tmp / f"trace.{args.format}"
    stdin = args.stdin.encode()
    rc, out, err = run([args.wasm_rr, "record", args.component, "-t", str(trace)], stdin, 60)
    if rc is None or rc in REPORTED or rc < 0:
        fail(f"recording failed (exit {rc}): {err.decode(errors='replace')}")
    status, stdout = rc, out
    original = trace.read_bytes()
    # The JSON data model of the trace, for structural mutations (CBOR via convert).
    model_json = tmp / "model.json"
    if args.format == "json":
        model_json.write_bytes(original)
    else:
        crc, _, cerr = run([args.wasm_rr, "convert", str(trace), str(model_json)], b"", 60)
        if crc != 0:
            fail(f"convert to JSON failed: {cerr.decode(errors='replace')}")
    elems = parse_lines(model_json.read_text())

    checker = Checker(args, tmp)
    replay = lambda path: [args.wasm_rr, "replay", args.component, str(path)]
    # The unmutated trace must replay exactly; otherwise the test proves nothing.
    checker.check(-1, "unmutated", original, trace.suffix, replay(trace), status, stdout)
    if checker.failures:
        return checker.finish("trace")
    mutant = tmp / f"mutant.{args.format}"
    for i in range(args.count):
        if rng.random() < 0.5:
            data, how = rng.choice(BYTE_MUTATIONS)(rng, original)
        else:
            data, how = structural_mutant(rng, elems)
            if args.format == "cbor":
                mutant_json = tmp / "mutant-model.json"
                mutant_json.write_bytes(data)
                crc, _, cerr = run([args.wasm_rr, "convert", str(mutant_json), str(mutant)], b"", args.timeout)
                if crc != 0:
                    # convert refused the mutant: that too must be a clean error.
                    checker.check(i, how + " (convert)", data, ".json",
                                  [args.wasm_rr, "convert", str(mutant_json), str(mutant)])
                    continue
                data = mutant.read_bytes()
        mutant.write_bytes(data)
        checker.check(i, how, data, trace.suffix, replay(mutant), status, stdout)
    return checker.finish(f"{args.format} trace")


def component_sections(data):
    """(start, end) of each top-level section whose id is not 1 (core module)
    or 4 (nested component): the bytes wasm-rr's own parser reads."""
    spans, pos = [], 8
    while pos < len(data):
        sid = data[pos]
        pos += 1
        size, shift = 0, 0
        while True:
            b = data[pos]
            pos += 1
            size |= (b & 0x7f) << shift
            shift += 7
            if not b & 0x80:
                break
        if sid not in (1, 4) and size:
            spans.append((pos, pos + size))
        pos += size
    return spans


def component_mode(args, rng, tmp):
    original = Path(args.component).read_bytes()
    spans = component_sections(original)
    checker = Checker(args, tmp)
    mutant = tmp / "mutant.wasm"
    for i in range(args.count):
        lo, hi = (0, len(original)) if rng.random() < 0.5 else rng.choice(spans)
        data, how = rng.choice(BYTE_MUTATIONS)(rng, original, lo, hi)
        mutant.write_bytes(data)
        checker.check(i, how, data, ".wasm", [args.wasm_rr, "run", str(mutant)])
    return checker.finish("component")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--wasm-rr", required=True)
    ap.add_argument("--component", required=True)
    ap.add_argument("--format", choices=["json", "cbor"], default="json")
    ap.add_argument("--stdin", default="", help="stdin text for the recording")
    ap.add_argument("--count", type=int, default=200)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--timeout", type=float, default=10)
    ap.add_argument("mode", choices=["trace", "component"])
    args = ap.parse_args()
    rng = random.Random(args.seed)
    name = f"robust-{args.mode}-{Path(args.component).stem}-{args.format}-{args.seed}"
    with scratch(name, f"wasmrr-robust-{args.mode}-") as tmp:
        (trace_mode if args.mode == "trace" else component_mode)(args, rng, tmp)


if __name__ == "__main__":
    main()
