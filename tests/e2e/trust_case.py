#!/usr/bin/env python3
"""A recording is never lost: stops from outside, limits, trace-file safety.

    trust_case.py --wasm-rr EXE --guests DIR [--format json|cbor] MODE [ARGS...]

Modes (each records a real guest from DIR, then checks the trace and its replay):

  kill HOW          the `hang` guest prints 3 lines, then hangs (HOW = stdin,
                    sleep or spin); the recorder is SIGKILLed 50 ms after the
                    last line appeared: the trace already holds every line
                    (the measured flush latency is printed and bounded), and
                    its replay shows all of them, then reports the cut (121)
                    at once, without waiting for the guest
  signal SIG HOW    SIGINT/SIGTERM/SIGHUP while hanging: exit 128+N, the trace
                    ends with a `signal` record after every event; the replay
                    shows every line and exits 128+N too, at once
  timeout HOW       record --timeout 300ms: exit 124 with a message, a
                    `timeout` end record; the replay stops there, exit 124, at once
  run-timeout       run --timeout: a spinning guest is stopped, exit 124
  stop-computing    SIGINT to `run` and to `replay` while the guest computes
                    (sha256 over 512 MiB): each exits 130 within 2 s
  rerecord          recording over an existing trace keeps it as TRACE~ until
                    the new recording ended (killed: both stay; ended: TRACE~ goes)
  refused           -t '', -t the component, -t the guest's stdin, -t a
                    directory: exit 125 before anything on disk changes
  lock              a second recorder on a trace being recorded: exit 125
  protect           a guest with --dir over the trace's directory cannot
                    open, truncate, rename, replace, link or remove it
  max-memory        the `grow` guest under --max-memory 16M gets less than
                    16 MiB (malloc fails, no trap); recorded and replayed alike
  handles COMPONENT a guest that never drops handles traps at --max-handles,
                    and at the default limit; the trap replays
  escape            file names, trap messages and function names with control
                    characters (from a guest or an edited trace) are printed
                    escaped by inspect, replay --files-written and reports
Exit status 0 = pass.
"""
import argparse
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from exit_codes import EXIT_DIVERGENCE, EXIT_GUEST_TRAP as EXIT_TRAP, EXIT_TIMEOUT, EXIT_TOOL_ERROR  # src/cli/options.h
from harness import check, fail, replay_hint, run, scratch, wait_for_output  # noqa: F401

HANG_LINES = [f"line {i} before hanging ({{how}})\n" for i in range(3)]


class Case:
    def __init__(self, args, tmp):
        self.exe = args.wasm_rr
        self.guests = Path(args.guests)
        self.format = args.format
        self.tmp = tmp
        self.trace = tmp / f"trace.{args.format}"
        replay_hint(self.exe, self.guest("hang"), self.trace)

    def guest(self, name):
        return str(self.guests / f"{name}.wasm")

    def expected_hang_output(self, how):
        return "".join(line.format(how=how) for line in HANG_LINES).encode()

    def start_hanging_recording(self, how, extra=()):
        """Starts `record hang HOW` with a stdin that never sends; returns once all lines are out."""
        out = self.tmp / "record.out"
        self.stdin_r, self.stdin_w = os.pipe()  # kept open: a read blocks, never sees EOF
        proc = subprocess.Popen([self.exe, "record", self.guest("hang"), "-t", str(self.trace), *extra, "--", how, "3"],
                                stdin=self.stdin_r, stdout=open(out, "wb"), stderr=open(self.tmp / "record.err", "wb"))
        want = self.expected_hang_output(how)
        wait_for_output(proc, out, lambda printed: printed == want, "the recording's lines", self.tmp / "record.err")
        return proc, time.monotonic()

    def trace_holds_last_line(self, how):
        """True once the trace file on disk holds the event that wrote the last line."""
        data = self.trace.read_bytes() if self.trace.exists() else b""
        last = HANG_LINES[-1].format(how=how).encode()
        if self.format == "json":
            import base64
            return base64.b64encode(last) in data
        return last in data

    def wait_for_last_line(self, how, printed_at):
        while not self.trace_holds_last_line(how):
            check(time.monotonic() - printed_at < 5, "the last event never reached the trace file")
            time.sleep(0.0005)

    def replay(self, timeout=30):
        return run([self.exe, "replay", self.guest("hang"), str(self.trace)], timeout=timeout)

    def last_element(self):
        if self.format == "json":
            lines = self.trace.read_text().splitlines()
            return json.loads(lines[-1].rstrip("]").rstrip(","))
        p, _ = run([self.exe, "inspect", str(self.trace), "--events"])
        return p.stdout.decode()


def mode_kill(case, how):
    proc, printed_at = case.start_hanging_recording(how)
    case.wait_for_last_line(how, printed_at)
    latency_ms = (time.monotonic() - printed_at) * 1000
    print(f"flush latency after the last line: {latency_ms:.1f} ms")
    # The promise is 10 ms; a loaded CI machine gets a margin.
    check(latency_ms < 100, f"the last event took {latency_ms:.1f} ms to reach the trace file")
    time.sleep(0.05)
    proc.kill()
    proc.wait()
    p, seconds = case.replay()
    check(p.stdout == case.expected_hang_output(how), f"replay printed {p.stdout!r}")
    check(p.returncode == EXIT_DIVERGENCE, f"replay exit {p.returncode}, expected {EXIT_DIVERGENCE}: {p.stderr!r}")
    check(b"cut short" in p.stderr, f"replay did not report the cut: {p.stderr!r}")
    check(seconds < 10, f"the replay waited {seconds:.1f} s")


def mode_signal(case, sig_name, how):
    sig = getattr(signal, sig_name)
    proc, _ = case.start_hanging_recording(how)
    time.sleep(0.05)
    proc.send_signal(sig)
    code = proc.wait(timeout=10)
    err = (case.tmp / "record.err").read_text()
    check(code == 128 + sig, f"record exit {code}, expected {128 + sig}: {err}")
    check(f"interrupted by {sig_name}" in err, f"record did not say it was interrupted: {err}")
    if case.format == "json":
        end = case.last_element()
        check(end.get("end") == "signal" and end.get("signal") == sig_name and end.get("number") == int(sig),
              f"the trace does not end with a signal record: {end}")
        check(end["events"] == len(case.trace.read_text().splitlines()) - 2, f"wrong event count in {end}")
    p, seconds = case.replay()
    check(p.stdout == case.expected_hang_output(how), f"replay printed {p.stdout!r}")
    check(p.returncode == 128 + sig, f"replay exit {p.returncode}: {p.stderr!r}")
    check(f"interrupted by {sig_name}".encode() in p.stderr, f"replay did not say where it stopped: {p.stderr!r}")
    check(seconds < 10, f"the replay waited {seconds:.1f} s")


def mode_timeout(case, how):
    os_r, os_w = os.pipe()
    p, seconds = run([case.exe, "record", case.guest("hang"), "-t", str(case.trace), "--timeout", "300ms", "--", how],
                     stdin=os_r)
    check(p.returncode == EXIT_TIMEOUT, f"record exit {p.returncode}: {p.stderr!r}")
    check(b"longer than --timeout 300 ms" in p.stderr, f"no timeout message: {p.stderr!r}")
    check(0.25 < seconds < 10, f"the timeout took {seconds:.2f} s")
    check(p.stdout == case.expected_hang_output(how), f"record printed {p.stdout!r}")
    if case.format == "json":
        end = case.last_element()
        check(end.get("end") == "timeout" and end.get("timeout_ms") == 300, f"not a timeout end record: {end}")
    r, seconds = case.replay()
    check(r.returncode == EXIT_TIMEOUT, f"replay exit {r.returncode}: {r.stderr!r}")
    check(r.stdout == p.stdout, f"replay printed {r.stdout!r}")
    check(b"--timeout 300 ms" in r.stderr, f"replay did not say why it stopped: {r.stderr!r}")
    check(seconds < 5, f"the replay waited {seconds:.1f} s")


def mode_run_timeout(case):
    p, seconds = run([case.exe, "run", case.guest("hang"), "--timeout", "0.2s", "--", "spin"])
    check(p.returncode == EXIT_TIMEOUT, f"run exit {p.returncode}: {p.stderr!r}")
    check(b"longer than --timeout 200 ms" in p.stderr, f"no message: {p.stderr!r}")
    check(seconds < 5, f"took {seconds:.1f} s")
    for bad in ["0", "-1s", "soon", "5 parsecs", "1y"]:
        p, _ = run([case.exe, "run", case.guest("hang"), "--timeout", bad, "--", "spin"], timeout=10)
        check(p.returncode == EXIT_TOOL_ERROR and b"--timeout" in p.stderr, f"--timeout {bad}: {p.returncode} {p.stderr!r}")


def stop_while_computing(cmd, what):
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    time.sleep(0.5)
    check(proc.poll() is None, f"{what} ended before the signal")
    sent = time.monotonic()
    proc.send_signal(signal.SIGINT)
    code = proc.wait(timeout=10)
    took = time.monotonic() - sent
    err = proc.stderr.read()
    check(code == 128 + signal.SIGINT, f"{what}: exit {code} after SIGINT: {err!r}")
    check(took < 2, f"{what}: took {took:.2f} s to stop")
    check(b"interrupted by SIGINT" in err, f"{what}: {err!r}")
    print(f"{what} stopped {took * 1000:.0f} ms after SIGINT")


def mode_stop_computing(case):
    sha = case.guest("sha256")
    stop_while_computing([case.exe, "run", sha, "--", "512M"], "run")
    p, _ = run([case.exe, "record", sha, "-t", str(case.trace), "--", "512M"], timeout=300)
    check(p.returncode == 0, f"record sha256: {p.returncode} {p.stderr!r}")
    stop_while_computing([case.exe, "replay", sha, str(case.trace)], "replay")


def mode_rerecord(case):
    hello = case.guest("hello")
    p, _ = run([case.exe, "record", hello, "-t", str(case.trace), "--", "first"])
    check(p.returncode == 0, f"first record: {p.stderr!r}")
    first = case.trace.read_bytes()
    backup = Path(str(case.trace) + "~")
    # Re-record with a run that is killed: the first trace is kept as TRACE~.
    proc, printed_at = case.start_hanging_recording("sleep")
    check(backup.read_bytes() == first, "the earlier trace is not kept as TRACE~ while recording")
    # The promise is the flush latency (mode_kill measures it): a kill before
    # the last event reached the file may lose that event, so wait for it.
    case.wait_for_last_line("sleep", printed_at)
    proc.kill()
    proc.wait()
    check(backup.read_bytes() == first, "the earlier trace was lost when the new recording was killed")
    p, _ = case.replay()
    check(p.stdout == case.expected_hang_output("sleep"), "the killed recording is not at the path given")
    r, _ = run([case.exe, "replay", hello, str(backup)])
    check(r.returncode == 0 and b"arg[1]: first" in r.stdout, f"TRACE~ does not replay: {r.stderr!r}")
    # A recording that ends removes the backup.
    p, _ = run([case.exe, "record", hello, "-t", str(case.trace), "--", "second"])
    check(p.returncode == 0 and not backup.exists(), "TRACE~ left behind after a recording that ended")
    r, _ = run([case.exe, "replay", hello, str(case.trace)])
    check(b"arg[1]: second" in r.stdout, "the new recording is not at the path given")


def mode_refused(case):
    hello = case.guest("hello")
    copy = case.tmp / "hello.json"  # a component whose name looks like a trace
    copy.write_bytes(Path(hello).read_bytes())
    stdin_file = case.tmp / "input.json"
    stdin_file.write_text("[]\n")
    (case.tmp / "dir.json").mkdir()
    cases = [
        (["-t", ""], None, b"empty"),
        (["-t", str(copy)], None, b"is the component"),
        (["-t", str(stdin_file)], stdin_file, b"stdin"),
        (["-t", str(case.tmp / "dir.json")], None, b"not a regular file"),
    ]
    for flags, stdin_path, message in cases:
        before = {f.name: f.read_bytes() for f in case.tmp.iterdir() if f.is_file()}
        stdin = open(stdin_path, "rb") if stdin_path else subprocess.DEVNULL
        component = str(copy) if "is the component" in message.decode() else hello
        p, _ = run([case.exe, "record", component, *flags], stdin=stdin)
        check(p.returncode == EXIT_TOOL_ERROR, f"record {flags}: exit {p.returncode}: {p.stderr!r}")
        check(message in p.stderr, f"record {flags}: {p.stderr!r}")
        check(p.stdout == b"", f"record {flags}: the guest ran: {p.stdout!r}")
        after = {f.name: f.read_bytes() for f in case.tmp.iterdir() if f.is_file()}
        check(before == after, f"record {flags} changed files: {sorted(set(after) ^ set(before))}")


def mode_lock(case):
    proc, _ = case.start_hanging_recording("sleep")
    p, _ = run([case.exe, "record", case.guest("hello"), "-t", str(case.trace)])
    check(p.returncode == EXIT_TOOL_ERROR and b"another wasm-rr is recording" in p.stderr,
          f"second recorder: exit {p.returncode}: {p.stderr!r}")
    proc.send_signal(signal.SIGTERM)
    check(proc.wait(timeout=10) == 128 + signal.SIGTERM, "the first recorder did not end cleanly")
    r, _ = case.replay()
    check(r.stdout == case.expected_hang_output("sleep"), f"the first recording was disturbed: {r.stdout!r}")


def mode_protect(case):
    tamper = case.guest("trace_tamper")
    work = case.tmp / "work"
    work.mkdir()
    name = f"wasm-rr-trace.{case.format}"
    expected = "".join(f"{w}: EPERM\n" for w in ["open for reading", "open with truncate", "open for appending",
                                                  "rename away", "rename onto", "hard link", "unlink"])
    for target in [name, name + "~"]:
        (work / name).write_text("an earlier trace\n")  # kept as NAME~ while recording: protected too
        p, _ = run([case.exe, "record", tamper, "-t", name, "--dir", ".", "--", target], cwd=work)
        check(p.returncode == 0, f"record: {p.returncode} {p.stderr!r}")
        check(p.stdout.decode() == expected, f"the guest could touch {target}:\n{p.stdout.decode()}")
        r, _ = run([case.exe, "replay", tamper, name], cwd=work)
        check(r.returncode == 0 and r.stdout == p.stdout, f"the trace does not replay: {r.returncode} {r.stderr!r}")
        check(not (work / (name + "~")).exists(), "the earlier trace was not removed after the recording ended")
    leftovers = sorted(f.name for f in work.iterdir())
    check(leftovers == [name], f"files left: {leftovers}")


def mode_max_memory(case):
    grow = case.guest("grow")
    p, _ = run([case.exe, "record", grow, "-t", str(case.trace), "--max-memory", "16M", "--", "64"])
    check(p.returncode == 1, f"record: exit {p.returncode}: {p.stderr!r}")
    got = int(p.stdout.split()[1])
    check(0 < got < 16, f"the guest got {got} MiB under --max-memory 16M: {p.stdout!r}")
    r, _ = run([case.exe, "replay", grow, str(case.trace)])
    check(r.returncode == 1 and r.stdout == p.stdout, f"replay: {r.returncode} {r.stdout!r} {r.stderr!r}")
    p, _ = run([case.exe, "run", grow, "--", "64"])
    check(p.returncode == 0 and p.stdout == b"allocated 64 MiB of 64\n", f"without a limit: {p.stdout!r}")
    for bad in ["16", "lots", "0M", "12Q"]:
        p, _ = run([case.exe, "run", grow, "--max-memory", bad], timeout=10)
        check(p.returncode == EXIT_TOOL_ERROR and b"--max-memory" in p.stderr, f"--max-memory {bad}: {p.stderr!r}")


def mode_handles(case, component):
    for flags, limit in [(["--max-handles", "1000"], 1000), ([], 1048576)]:
        p, seconds = run([case.exe, "record", component, "-t", str(case.trace), *flags])
        check(p.returncode == EXIT_TRAP, f"record {flags}: exit {p.returncode}: {p.stderr!r}")
        check(f"already holds {limit} live handles, the limit (--max-handles)".encode() in p.stderr,
              f"record {flags}: {p.stderr!r}")
        r, _ = run([case.exe, "replay", component, str(case.trace)])
        check(r.returncode == EXIT_TRAP and r.stdout == p.stdout and r.stderr == p.stderr,
              f"replay {flags}: {r.returncode} {r.stderr!r}")
        print(f"{limit} handles: trapped after {seconds:.2f} s")


def no_control_bytes(data, what):
    bad = [b for b in data if (b < 0x20 and b not in b"\n") or b == 0x7F]
    check(not bad, f"{what} prints raw control bytes {bytes(bad)!r}: {data!r}")


def mode_escape(case):
    """Text from a guest or a trace reaches the terminal escaped."""
    work = case.tmp / "work"
    work.mkdir()
    evil = "evil\x1b[31m\x07\rname"
    p, _ = run([case.exe, "record", case.guest("trace_tamper"), "-t", str(case.trace), "--dir", str(work) + "::.",
                "--", evil], cwd=case.tmp)
    check(p.returncode == 0, f"record: {p.returncode} {p.stderr!r}")
    for cmd in (["inspect", str(case.trace), "--files"], ["inspect", str(case.trace), "--events"],
                ["replay", case.guest("trace_tamper"), str(case.trace), "--files-written"]):
        r, _ = run([case.exe, *cmd])
        out = r.stdout + r.stderr
        check(r.returncode == 0, f"{cmd[0]}: {r.returncode} {r.stderr!r}")
        no_control_bytes(r.stderr if cmd[0] == "replay" else r.stdout, " ".join(cmd[:1] + cmd[2:]))
        if "--events" not in cmd:
            check(b"evil\\e[31m\\x07\\rname" in out, f"{cmd}: the file name is not shown escaped: {out!r}")

    # A trace that says the guest trapped with a message that would drive a terminal.
    hello = case.guest("hello")
    trace = case.tmp / "hello.json"
    p, _ = run([case.exe, "record", hello, "-t", str(trace)])
    lines = trace.read_text().splitlines()
    evil_end = {"end": "trap", "message": "\x1b]0;pwned\x07\x1b[2J\nwasm-rr: all good", "backtrace": ["\x1b[5mframe"]}
    trace.write_text("\n".join(lines[:-1] + [json.dumps(evil_end) + "]"]) + "\n")
    for cmd in (["replay", hello, str(trace)], ["inspect", str(trace)]):
        r, _ = run([case.exe, *cmd])
        no_control_bytes(r.stdout + r.stderr, cmd[0])
        check(b"\\e]0;pwned\\x07\\e[2J\\nwasm-rr: all good" in r.stdout + r.stderr,
              f"{cmd[0]} does not show the message escaped: {r.stdout + r.stderr!r}")
    # A function name with controls in a divergence report.
    events = [json.loads(l.rstrip(",")) for l in lines[1:-1]]
    events[0]["fn"] = "\x1b[31mwasi:evil/fn#x"
    trace.write_text("\n".join([lines[0]] + [json.dumps(e) + "," for e in events] + [lines[-1]]) + "\n")
    r, _ = run([case.exe, "replay", hello, str(trace)])
    check(r.returncode == EXIT_DIVERGENCE, f"edited trace: {r.returncode} {r.stderr!r}")
    no_control_bytes(r.stderr, "a divergence report")
    check(b"\\e[31mwasi:evil/fn#x" in r.stderr, f"the name is not shown escaped: {r.stderr!r}")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--wasm-rr", required=True)
    ap.add_argument("--guests", required=True)
    ap.add_argument("--format", default="json", choices=["json", "cbor"])
    ap.add_argument("mode")
    ap.add_argument("rest", nargs="*")
    args = ap.parse_args()
    modes = {"kill": mode_kill, "signal": mode_signal, "timeout": mode_timeout, "run-timeout": mode_run_timeout,
             "stop-computing": mode_stop_computing, "rerecord": mode_rerecord, "refused": mode_refused,
             "lock": mode_lock, "protect": mode_protect, "escape": mode_escape, "max-memory": mode_max_memory, "handles": mode_handles}
    with scratch(f"trust-{args.mode}-{'-'.join(args.rest)}-{args.format}".replace("/", "_"), "wasm-rr-trust-") as tmp:
        modes[args.mode](Case(args, tmp), *args.rest)
    print("PASS")


if __name__ == "__main__":
    main()
