#!/usr/bin/env python3
"""Record/replay costs, side by side in one table: for each guest, `wasm-rr
run` (and `jco run` where it runs the guest), then record and replay in each
trace format (JSON, CBOR, and both compressed with zstd) as ratios against
run, and the trace's bytes per event.

Guests:
  * compute-bound: sha256 over 64 MB (goal: record and replay <= 1.05x run)
  * host-call-bound: 1 M monotonic-clock readings, 1 M 8-byte random draws,
    200 k 64-byte file reads, 200 k 64-byte file writes (host_calls.wasm;
    goals: record <= 1.2x run, replay <= 1x run; CBOR <= 16 bytes per clock
    or random event, zstd <= 4 bytes per clock event)
  * SQLite-style: the pages guest rewriting and re-reading 4 KiB pages of a
    4 MiB file 50 k times, with and without bytes-seen-before references
    (docs/trace-format.md; record --dedup-window 0 for without)

--runs rounds after one warm-up round; each round runs every command once,
in turn (run, then record and replay per format), so that a shared machine's
slow spells fall on all of them alike. Times are medians; each ratio is the
median of the rounds' ratios to that round's run. stdlib only."""
import argparse
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, str(Path(__file__).resolve().parent))
from benchlib import interleaved_times, paired_ratio, try_median_time  # noqa: E402

FORMATS = ("json", "cbor", "json.zst", "cbor.zst")


def count_events(wasm_rr, trace):
    out = subprocess.run([wasm_rr, "inspect", str(trace)], capture_output=True, text=True, check=True).stdout
    for line in out.splitlines():
        if line.startswith("events:"):
            return int(line.split()[1])
    raise SystemExit(f"inspect printed no event count for {trace}")


class Guest:
    def __init__(self, name, component, args, kind, data_dir=False, record_flags=()):
        self.name, self.component, self.args, self.kind = name, component, args, kind
        self.data_dir, self.record_flags = data_dir, list(record_flags)


def dir_flags(g, tmp):
    if not g.data_dir:
        return []
    data = tmp / "data"
    data.mkdir(exist_ok=True)
    return ["--dir", f"{data}::/data"]


def measure(a, g, tmp):
    """One table row per format: median times, ratios against run taken
    round by round (bench/benchlib.py interleaved_times), sizes."""
    out = tmp / "out"
    flags = dir_flags(g, tmp)
    cmds = {"run": [a.wasm_rr, "run", g.component, *flags, "--", *g.args]}
    for fmt in FORMATS:
        trace = str(tmp / f"t.{fmt}")
        cmds[f"record {fmt}"] = [a.wasm_rr, "record", g.component, *flags, *g.record_flags, "-t", trace, "--", *g.args]
        cmds[f"replay {fmt}"] = [a.wasm_rr, "replay", g.component, trace]
    times = interleaved_times(cmds, a.runs, out)
    run = Timing(statistics.median(times["run"]), 1.0)
    jco = None
    if a.jco and not g.data_dir:
        jco, _ = try_median_time([a.jco, "run", g.component, *g.args], max(1, a.runs // 2), out)
    rows = []
    for fmt in FORMATS:
        trace = tmp / f"t.{fmt}"
        rec, rep = (Timing(statistics.median(times[f"{mode} {fmt}"]), paired_ratio(times[f"{mode} {fmt}"], times["run"]))
                    for mode in ("record", "replay"))
        rows.append((fmt, rec, rep, trace.stat().st_size, count_events(a.wasm_rr, trace)))
    return run, jco, rows


class Timing:
    """A median time and its median ratio to run's time in the same rounds."""

    def __init__(self, seconds, ratio):
        self.seconds, self.ratio = seconds, ratio


def verdict(ok):
    return "ok" if ok else "ABOVE GOAL"


def print_guest(g, run, jco, rows):
    jco_text = f"   jco run {jco * 1000:8.1f} ms ({jco / run.seconds:5.1f}x)" if jco else ""
    print(f"\n{g.name}\n  run {run.seconds * 1000:8.1f} ms{jco_text}")
    print(f"  {'format':<9} {'record':>10} {'x run':>6} {'replay':>10} {'x run':>6} {'bytes/event':>12} {'events':>9}  goals")
    for fmt, rec, rep, size, events in rows:
        per_event = size / max(events, 1)
        goals = []
        if g.kind == "compute":
            goals.append(f"record, replay <= 1.05x: {verdict(rec.ratio <= 1.05 and rep.ratio <= 1.05)}")
        elif g.kind in ("clock", "random", "read", "write"):
            goals.append(f"record <= 1.2x: {verdict(rec.ratio <= 1.2)}")
            goals.append(f"replay <= 1x: {verdict(rep.ratio <= 1.0)}")
            if fmt == "cbor" and g.kind in ("clock", "random"):
                goals.append(f"<= 16 B: {verdict(per_event <= 16)}")
            if fmt.endswith(".zst") and g.kind == "clock":
                goals.append(f"<= 4 B: {verdict(per_event <= 4)}")
        print(f"  {fmt:<9} {rec.seconds * 1000:7.1f} ms {rec.ratio:5.2f}x {rep.seconds * 1000:7.1f} ms {rep.ratio:5.2f}x "
              f"{per_event:12.2f} {events:9d}  {'; '.join(goals)}")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--wasm-rr", required=True)
    ap.add_argument("--guests", required=True, help="folder of built guest components")
    ap.add_argument("--jco", help="jco, to compare `jco run` (guests without a directory)")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--only", help="run only the guests whose name contains this")
    a = ap.parse_args()
    g = Path(a.guests)
    calls = str(g / "host_calls.wasm")
    pages = str(g / "pages.wasm")
    guests = [
        Guest("compute-bound: sha256 over 64 MB", str(g / "sha256.wasm"), [], "compute"),
        Guest("host calls: 1 M monotonic-clock readings", calls, ["clock", "1000000"], "clock"),
        Guest("host calls: 1 M random draws of 8 bytes", calls, ["random", "1000000"], "random"),
        Guest("host calls: 200 k file reads of 64 bytes", calls, ["read", "/data", "200000"], "read", data_dir=True),
        Guest("host calls: 200 k file writes of 64 bytes", calls, ["write", "/data", "200000"], "write", data_dir=True),
        Guest("SQLite-style: 50 k page rewrites and re-reads in a 4 MiB file", pages, ["/data", "1024", "50000"],
              "pages", data_dir=True),
        Guest("SQLite-style, without references (--dedup-window 0)", pages, ["/data", "1024", "50000"], "pages",
              data_dir=True, record_flags=["--dedup-window", "0"]),
    ]
    if a.only:
        guests = [x for x in guests if a.only in x.name]
    with tempfile.TemporaryDirectory(prefix="wasmrr-bench-") as d:
        tmp = Path(d)
        for guest in guests:
            print_guest(guest, *measure(a, guest, tmp))


if __name__ == "__main__":
    main()
