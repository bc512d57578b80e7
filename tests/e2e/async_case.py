#!/usr/bin/env python3
"""Component-model async end-to-end checks that need more than one command.

    async_case.py --wasm-rr EXE --component G timer|divergence

  timer   the timer_stdin guest waits 200 ms (wait-for) and reads stdin;
          its stdin is a pipe that stays silent for 2 s, so the recording
          takes over 2 s. A replay answers wait-for and the read from the
          trace: it must print the recorded output in well under the 2 s it
          would take if it waited for either (the margin is for slow machines).
  divergence
          the hello_stream guest's trace with the bytes it wrote to stdout
          edited: the replay diverges (exit 121) at the host's side of the
          stream, and the report names where the stream came from.
Exit status 0 = pass.
"""
import argparse
import subprocess
import sys
import time

import harness
from exit_codes import EXIT_DIVERGENCE
from harness import check, replay_hint, scratch


def timer(a, tmp):
    trace = tmp / "timer.json"
    replay_hint(a.wasm_rr, a.component, trace)
    started = time.monotonic()
    rec = subprocess.Popen([a.wasm_rr, "record", a.component, "-t", str(trace)],
                           stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    time.sleep(2.0)
    out, err = rec.communicate(b"late")
    took = time.monotonic() - started
    print(f"record: exit {rec.returncode} in {took:.2f}s\n{out.decode()}{err.decode()}")
    check(rec.returncode == 0, f"record exited {rec.returncode}")
    check(took >= 2.0, f"the recording took {took:.2f}s: it did not wait for stdin")
    check(out.startswith(b"stdin: 4 bytes\nfirst: "), f"unexpected recorded output {out!r}")
    p, secs = harness.run([a.wasm_rr, "replay", a.component, str(trace)])
    print(f"replay: exit {p.returncode} in {secs:.2f}s\n{p.stdout.decode()}{p.stderr.decode()}")
    check(p.returncode == 0, f"replay exited {p.returncode}")
    check(p.stdout == out, f"replay printed {p.stdout!r}, the recording {out!r}")
    check(secs < 1.5, f"the replay took {secs:.2f}s: it waited instead of answering from the trace")


def divergence(a, tmp):
    trace = tmp / "hello.json"
    replay_hint(a.wasm_rr, a.component, trace)
    p, _ = harness.run([a.wasm_rr, "record", a.component, "-t", str(trace)], check=True)
    text = trace.read_text()
    hello = "aGVsbG8gZnJvbSBhIHN0cmVhbQo="  # base64 of b"hello from a stream\n"
    check(hello in text, "the trace does not hold the bytes written to stdout")
    trace.write_text(text.replace(hello, "aGVsbG8gZnJvbSBhIHN0cmVhTQo="))  # ...streaM\n
    p, _ = harness.run([a.wasm_rr, "replay", a.component, str(trace)])
    err = p.stderr.decode()
    print(err)
    check(p.returncode == EXIT_DIVERGENCE, f"replay exited {p.returncode}, expected {EXIT_DIVERGENCE}")
    check("divergence at event 1: wasm-rr:async/streams#take called with different arguments" in err,
          "the report does not name the stream write")
    check("handle 1: the stream passed to wasi:cli/stdout@0.3.0#write-via-stream at event 0" in err,
          "the report does not say where the stream came from")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--wasm-rr", required=True)
    ap.add_argument("--component", required=True)
    ap.add_argument("mode", choices=["timer", "divergence"])
    a = ap.parse_args()
    with scratch(f"async-{a.mode}") as tmp:
        {"timer": timer, "divergence": divergence}[a.mode](a, tmp)


if __name__ == "__main__":
    main()
