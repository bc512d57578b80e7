#!/usr/bin/env python3
"""Deterministic simulation (README.md, "Exploring seeded worlds"): seeded
worlds, injected faults, explore and shrink, on C guests with bugs that only
faults show.

  seed         run --seed N twice: the same bytes; another seed: other
               clocks and random; a 5 s sleep passes at once (under a 2 s
               --timeout); a record --seed trace replays
  short_read   explore finds fragile_reader's bug (a short read cuts a
               record: trap in check_record); the kept trace replays with the
               trap; shrink leaves the one short read that matters, and its
               trace replays with the same trap; record --fault-plan with the
               kept plan fails the same way
  clock_jump   explore finds clock_jump's bug (a wall-clock step: trap in
               record_finish); shrink leaves one clock-jump
  jobs         --jobs 2 finds the same failures, with the same first seeds
               and faults, as --jobs 1
  counterfactual  replay --until E --then live of a run that trapped after a
               short read at event E: the read is done live, the guest gets
               the whole file and exits 0 (the handles it opened in the
               replayed part work live); --until 0 --then seed:5 is run --seed 5
  bad_usage    a bad --faults, --faults without --seed, an unreadable
               --fault-plan or one whose error does not fit the type, shrink
               of a trace with no faults or whose header names other options
               than world options: exit 125 with a message naming the problem
"""
import argparse
import json
import sys
from pathlib import Path

sys.dont_write_bytecode = True
import harness  # noqa: E402
from harness import EXIT_GUEST_TRAP, EXIT_TOOL_ERROR, check, replay_hint, run, scratch  # noqa: E402


def guest(a, name):
    return str(Path(a.guests) / f"{name}.wasm")


def data_dir(tmp):
    d = tmp / "data"
    d.mkdir(exist_ok=True)
    (d / "settings.txt").write_text("mode=fast\nlevel=3\n")
    (d / "records.txt").write_text("alpha=1\nbeta=22\ngamma=333\ndelta=4444\n")
    return d


def reader_args(tmp):
    return ["--dir", f"{data_dir(tmp)}::/d", "--", "/d/settings.txt", "/d/records.txt"]


def explore(a, tmp, component, out, *options):
    cmd = [a.wasm_rr, "explore", guest(a, component), "-o", str(tmp / out), *options]
    p, _ = run(cmd, timeout=600)
    text = p.stdout.decode()
    print(text)
    check(p.returncode in (0, 1), f"explore: exit {p.returncode}: {harness.clip(p.stderr)}")
    return p.returncode, text


def failure_lines(text):
    """The table's rows: (runs, first seed, what)."""
    rows = []
    for line in text.splitlines():
        parts = line.split(None, 3)
        if len(parts) == 4 and parts[0].isdigit() and parts[1].isdigit() and parts[2].isdigit():
            rows.append((int(parts[1]), int(parts[2]), parts[3]))
    return rows


def kept_with(text, out_dir, what):
    for n, (_, _, row) in enumerate(failure_lines(text), 1):
        if what in row:
            return out_dir / f"failure-{n}.json"
    harness.fail(f"no failure `{what}` found:\n{text}")


def replay_traps_in(a, component, trace, function):
    replay_hint(a.wasm_rr, guest(a, component), trace)
    p, _ = run([a.wasm_rr, "replay", guest(a, component), str(trace)])
    err = p.stderr.decode()
    check(p.returncode == EXIT_GUEST_TRAP and function in err,
          f"replay of {trace.name}: exit {p.returncode}, expected the trap in {function}: {harness.clip(err)}")


def shrink_to_one(a, component, trace, kind):
    small = trace.with_name(trace.stem + ".min.json")
    p, _ = run([a.wasm_rr, "shrink", guest(a, component), str(trace), "-o", str(small)], timeout=600)
    text = p.stdout.decode()
    print(text)
    check(p.returncode == 0, f"shrink: exit {p.returncode}: {harness.clip(p.stderr)}")
    before = json.loads(trace.read_text().splitlines()[-1].rstrip("]"))["faults"]
    after = json.loads(small.read_text().splitlines()[-1].rstrip("]"))["faults"]
    check(len(after) == 1 and after[0]["kind"] == kind,
          f"shrink left {[f['kind'] for f in after]} of {[f['kind'] for f in before]}, expected one {kind}")
    check("it needs 1 of the" in text, f"shrink does not say which fault matters:\n{text}")
    return small, len(before)


def case_seed(a, tmp):
    for name in ("clocks", "random"):
        outs = [run([a.wasm_rr, "run", "--seed", s, guest(a, name)])[0] for s in ("7", "7", "8")]
        for p in outs:
            check(p.returncode == 0, f"{name}: exit {p.returncode}: {harness.clip(p.stderr)}")
        check(outs[0].stdout == outs[1].stdout, f"{name}: seed 7 twice differs:\n{outs[0].stdout}\n{outs[1].stdout}")
        check(outs[0].stdout != outs[2].stdout, f"{name}: seeds 7 and 8 give the same output")
    p, _ = run([a.wasm_rr, "run", "--seed", "1", "--timeout", "2s", guest(a, "sleeper"), "5000"])
    check(p.returncode == 0 and b"slept 5000 ms" in p.stdout,
          f"a 5 s sleep in a seeded world: exit {p.returncode}, {p.stdout!r}: {harness.clip(p.stderr)}")
    trace = tmp / "seeded.cbor"
    rec, _ = run([a.wasm_rr, "record", "-t", str(trace), "--seed", "3", guest(a, "clocks")])
    check(rec.returncode == 0, f"record --seed: exit {rec.returncode}: {harness.clip(rec.stderr)}")
    again, _ = run([a.wasm_rr, "run", "--seed", "3", guest(a, "clocks")])
    check(rec.stdout == again.stdout, "record --seed 3 and run --seed 3 differ")
    replay_hint(a.wasm_rr, guest(a, "clocks"), trace)
    rep, _ = run([a.wasm_rr, "replay", guest(a, "clocks"), str(trace)])
    check(rep.returncode == 0 and rep.stdout == rec.stdout, f"replay of a seeded trace: exit {rep.returncode}: {harness.clip(rep.stderr)}")
    print("ok: seeded worlds are the same for the same seed, differ for others, and do not sleep")


def case_short_read(a, tmp):
    code, text = explore(a, tmp, "fragile_reader", "found", "--runs", "40", "--faults", "short=0.9",
                         *reader_args(tmp))
    check(code == 1, "explore found no failure")
    kept = kept_with(text, tmp / "found", "check_record")
    replay_traps_in(a, "fragile_reader", kept, "check_record")
    small, before = shrink_to_one(a, "fragile_reader", kept, "short")
    check(before > 1, f"the kept run had {before} fault: nothing to shrink (pick a noisier --faults)")
    replay_traps_in(a, "fragile_reader", small, "check_record")
    plan = kept.with_suffix(".faults.json")
    again = tmp / "again.json"
    p, _ = run([a.wasm_rr, "record", "-t", str(again), "--seed", str(json.loads(plan.read_text())["seed"]),
                "--fault-plan", str(plan), guest(a, "fragile_reader"), *reader_args(tmp)])
    check(p.returncode == EXIT_GUEST_TRAP and b"check_record" in p.stderr,
          f"record --fault-plan: exit {p.returncode}: {harness.clip(p.stderr)}")
    print(f"ok: the short read found, replayed, and shrunk from {before} faults to 1")


def case_clock_jump(a, tmp):
    code, text = explore(a, tmp, "clock_jump", "found", "--runs", "40", "--faults", "clock-jump=0.03")
    check(code == 1, "explore found no failure")
    kept = kept_with(text, tmp / "found", "record_finish")
    replay_traps_in(a, "clock_jump", kept, "record_finish")
    small, _ = shrink_to_one(a, "clock_jump", kept, "clock-jump")
    replay_traps_in(a, "clock_jump", small, "record_finish")
    print("ok: the clock jump found, replayed and shrunk")


def case_jobs(a, tmp):
    results = []
    for jobs in ("1", "2"):
        _, text = explore(a, tmp, "fragile_reader", f"jobs{jobs}", "--runs", "30", "--jobs", jobs,
                          "--faults", "short=0.3,err@wasi:filesystem=0.1", *reader_args(tmp))
        rows = failure_lines(text)
        plans = [json.loads(p.read_text())["faults"] for p in sorted((tmp / f"jobs{jobs}").glob("*.faults.json"))]
        results.append((rows, plans))
    check(results[0][0], "no failure found: the test shows nothing")
    check(results[0] == results[1], f"--jobs 1 and --jobs 2 differ:\n{results[0][0]}\n{results[1][0]}")
    print(f"ok: --jobs 2 finds the same {len(results[0][0])} failures as --jobs 1")


def case_counterfactual(a, tmp):
    trace = tmp / "failing.json"
    args = reader_args(tmp)
    rec, _ = run([a.wasm_rr, "record", "-t", str(trace), "--seed", "2", "--faults", "short=0.9",
                  guest(a, "fragile_reader"), *args])
    check(rec.returncode == EXIT_GUEST_TRAP, f"record: exit {rec.returncode}: {harness.clip(rec.stderr)}")
    faults = json.loads(trace.read_text().splitlines()[-1].rstrip("]"))["faults"]
    last = faults[-1]["event"]  # the short read of the records file
    replay_hint(a.wasm_rr, guest(a, "fragile_reader"), trace)
    p, _ = run([a.wasm_rr, "replay", guest(a, "fragile_reader"), str(trace), "--until", str(last), "--then", "live"])
    expected = sum((tmp / "data" / "records.txt").read_bytes().replace(b"\n", b""))
    check(p.returncode == 0 and f"sum: {expected}".encode() in p.stdout,
          f"--until {last} --then live: exit {p.returncode}, stdout {p.stdout!r}: {harness.clip(p.stderr)}")
    check(f"event {last}: the trace's answers end here".encode() in p.stderr, f"the switch is not said: {harness.clip(p.stderr)}")
    p, _ = run([a.wasm_rr, "replay", guest(a, "fragile_reader"), str(trace), "--until", "0", "--then", "seed:5"])
    plain, _ = run([a.wasm_rr, "run", "--seed", "5", guest(a, "fragile_reader"), *args])
    check(p.returncode == plain.returncode == 0 and p.stdout == plain.stdout,
          f"--until 0 --then seed:5 differs from run --seed 5: {p.stdout!r} vs {plain.stdout!r}: {harness.clip(p.stderr)}")
    p, _ = run([a.wasm_rr, "replay", guest(a, "fragile_reader"), str(trace), "--until", "3", "--then", "tomorrow"])
    check(p.returncode == EXIT_TOOL_ERROR and b"expected live or seed:N" in p.stderr, f"--then tomorrow: exit {p.returncode}")
    print(f"ok: replayed to event {last}, then live: the guest read the whole file")


def case_bad_usage(a, tmp):
    g = guest(a, "clocks")
    bad = [
        (["run", "--seed", "1", "--faults", "explode", g], "unknown fault kind `explode`"),
        (["run", "--seed", "1", "--faults", "short=2", g], "must be a number in (0, 1]"),
        (["run", "--faults", "short", g], "--faults draws its faults from --seed"),
        (["run", "--fault-plan", str(tmp / "missing.json"), g], "cannot read it"),
    ]
    misfit = tmp / "misfit.json"
    misfit.write_text(json.dumps([{"event": 0, "fn": "wasi:filesystem/types#[method]descriptor.get-type",
                                   "occurrence": 0, "kind": "err", "detail": {"value": "no-such-code"}}]))
    bad.append((["run", "--fault-plan", str(misfit), "--dir", f"{data_dir(tmp)}::/d", guest(a, "fragile_reader"),
                 "/d/settings.txt", "/d/records.txt"], "`no-such-code` is not a label of enum"))
    seeded = tmp / "plain.json"
    run([a.wasm_rr, "record", "-t", str(seeded), "--seed", "1", g])
    bad.append((["shrink", g, str(seeded), "-o", str(tmp / "out.json")], "says nothing of injected faults"))
    # A trace's world may name only world options: not the trace path, not anything else.
    faulty = tmp / "faulty.json"
    run([a.wasm_rr, "record", "-t", str(faulty), "--seed", "1", "--faults", "all", g])
    lines = faulty.read_text().splitlines()
    header = json.loads(lines[0].lstrip("[").rstrip(","))
    header["world"]["flags"] = ["-t=/tmp/elsewhere.json"]
    hostile = tmp / "hostile.json"
    hostile.write_text("[" + json.dumps(header) + ",\n" + "\n".join(lines[1:]) + "\n")
    bad.append((["shrink", g, str(hostile), "-o", str(tmp / "out.json")], "not a world option shrink passes on"))
    for cmd, message in bad:
        p, _ = run([a.wasm_rr, *cmd])
        check(p.returncode == EXIT_TOOL_ERROR and message in p.stderr.decode(),
              f"{' '.join(cmd[:4])}: exit {p.returncode}, expected `{message}`: {harness.clip(p.stderr)}")
    print("ok: bad usage is refused with a message")


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--wasm-rr", required=True)
    ap.add_argument("--guests", required=True)
    ap.add_argument("case", choices=["seed", "short_read", "clock_jump", "jobs", "counterfactual", "bad_usage"])
    a = ap.parse_args()
    with scratch(f"explore-{a.case}") as tmp:
        globals()[f"case_{a.case}"](a, tmp)
    print("PASS")


if __name__ == "__main__":
    main()
