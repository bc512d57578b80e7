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
          stream, and the report names where the stream came from and the
          task that wrote.
  hostile_give
          the read_timeout guest's trace with the bytes the host gave its
          stdin read made longer than the read asked for: the replay reports
          a bad trace (exit 125) that names the event, never a trap.
  hostile_handle
          the hello_stream guest's trace with the future write-via-stream
          returned made the guest's own stream: a bad trace (exit 125).
  late_data
          the read_timeout guest's stdin gets its data 100 ms into the
          300 ms timeout: the read must get it (the cancel after the timer
          asks the host once more), in run, record and replay alike.
  http    the http_get guest (WASI 0.3 wasi:http client) against a loopback
          server answering GET /greeting: run and record print the body; a
          replay with the server gone prints the same; without
          --allow-http, the request is denied (and the guest traps).
  fs      the fs_streams guest (WASI 0.3 filesystem through streams) in a
          directory holding only input.txt: run and record print its
          contents, "appended" and the entry count, and leave out.txt with
          them; a replay with the directory gone prints the same, from each
          trace format, and inspect --files counts what the streams wrote.
Exit status 0 = pass.
"""
import argparse
import base64
import subprocess
import sys
import time

import harness
from exit_codes import EXIT_DIVERGENCE, EXIT_GUEST_TRAP, EXIT_TOOL_ERROR
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
    check("called in the task of wasi:cli/run@0.3.0#run" in err, "the report does not name the task")


def replay_bad_trace(a, trace, needle):
    p, _ = harness.run([a.wasm_rr, "replay", a.component, str(trace)])
    err = p.stderr.decode()
    print(err)
    check(p.returncode == EXIT_TOOL_ERROR, f"replay exited {p.returncode}, expected {EXIT_TOOL_ERROR} (a bad trace)")
    check(needle in err, f"the report does not say {needle!r}")


def edit_events(trace, fn, edit):
    """Rewrites the events of function `fn` in a JSON trace with edit(event); returns how many it changed."""
    els = harness.trace_elements(trace)
    changed = sum(1 for el in els if el.get("fn") == fn and edit(el))
    harness.write_trace_elements(trace, els)
    return changed


def hostile_give(a, tmp):
    trace = tmp / "read.json"
    harness.run([a.wasm_rr, "record", a.component, "-t", str(trace)], stdin_bytes=b"hello\n", check=True)

    def longer(el):
        [answer] = el["results"]
        if not answer or "$bytes" not in answer:
            return False
        answer["$bytes"] = base64.b64encode(b"x" * (el["args"][1] + 1)).decode()
        return True
    check(edit_events(trace, "wasm-rr:async/streams#give", longer) == 1, "the trace has no stdin read with data")
    replay_bad_trace(a, trace, "elements given for a read of at most")


def hostile_handle(a, tmp):
    trace = tmp / "hello.json"
    harness.run([a.wasm_rr, "record", a.component, "-t", str(trace)], check=True)

    def own_stream(el):
        el["results"] = [{"handle": el["args"][0]["handle"]}]
        return True
    check(edit_events(trace, "wasi:cli/stdout@0.3.0#write-via-stream", own_stream) == 1, "no write-via-stream event")
    replay_bad_trace(a, trace, "is the stream passed to wasi:cli/stdout@0.3.0#write-via-stream at event 0, where a future")


def late_data(a, tmp):
    trace = tmp / "late.json"
    replay_hint(a.wasm_rr, a.component, trace)
    for cmd in (["run", a.component], ["record", a.component, "-t", str(trace)]):
        p = subprocess.Popen([a.wasm_rr, *cmd], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        time.sleep(0.1)
        p.stdin.write(b"hi\n")
        p.stdin.flush()
        time.sleep(1.0)
        out, err = p.communicate()
        print(f"{cmd[0]}: exit {p.returncode}\n{out.decode()}{err.decode()}")
        check(p.returncode == 0, f"{cmd[0]} exited {p.returncode}")
        check(out == b"read 3 bytes\n", f"{cmd[0]} printed {out!r}: the data that came during the timer was lost")
    p, _ = harness.run([a.wasm_rr, "replay", a.component, str(trace)])
    check(p.returncode == 0 and p.stdout == b"read 3 bytes\n", f"replay: exit {p.returncode}, printed {p.stdout!r}")


def fs(a, tmp):
    content = b"input for the guest\nsecond line\n"
    expected = content + b"appended\n" + b"entries: 2\n"
    for ext in ("json", "cbor.zst"):
        for cmd in ("run", "record"):
            data = tmp / f"data-{ext}-{cmd}"
            data.mkdir()
            (data / "input.txt").write_bytes(content)
            trace = tmp / f"fs.{ext}"
            extra = ["-t", str(trace)] if cmd == "record" else []
            p, _ = harness.run([a.wasm_rr, cmd, a.component, *extra, "--dir", f"{data}::/data"])
            print(f"{cmd} ({ext}): exit {p.returncode}\n{p.stdout.decode()}{p.stderr.decode()}")
            check(p.returncode == 0, f"{cmd} exited {p.returncode}")
            check(p.stdout == expected, f"{cmd} printed {p.stdout!r}, not {expected!r}")
            written = (data / "out.txt").read_bytes()
            check(written == content + b"appended\n", f"{cmd} left out.txt holding {written!r}")
            if cmd == "record":
                for f in data.iterdir():
                    f.unlink()
                data.rmdir()
        replay_hint(a.wasm_rr, a.component, trace)
        # What went into out.txt through the 0.3 streams counts as written.
        p, _ = harness.run([a.wasm_rr, "inspect", str(trace), "--files"])
        want = f"/data/out.txt: created or truncated, {len(content) + 9} bytes written".encode()
        check(p.returncode == 0 and want in p.stdout, f"inspect --files: {p.stdout!r}, not {want!r}")
        p, _ = harness.run([a.wasm_rr, "replay", a.component, str(trace)])
        print(f"replay ({ext}): exit {p.returncode}\n{p.stdout.decode()}{p.stderr.decode()}")
        check(p.returncode == 0 and p.stdout == expected,
              f"replay with the directory gone: exit {p.returncode}, printed {p.stdout!r}")


def http(a, tmp):
    import http.server
    import threading
    body = b"hello over wasi:http 0.3\n"

    class Greeting(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            ok = self.path == "/greeting"
            self.send_response(200 if ok else 404)
            self.send_header("Content-Length", str(len(body) if ok else 0))
            self.end_headers()
            if ok:
                self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Greeting)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    authority = f"127.0.0.1:{server.server_address[1]}"
    trace = tmp / "http.cbor.zst"
    replay_hint(a.wasm_rr, a.component, trace)
    for cmd, extra in (("run", []), ("record", ["-t", str(trace)])):
        p, _ = harness.run([a.wasm_rr, cmd, a.component, *extra, "--allow-http=127.0.0.1", "--", authority])
        print(f"{cmd}: exit {p.returncode}\n{p.stdout.decode()}{p.stderr.decode()}")
        check(p.returncode == 0 and p.stdout == body, f"{cmd}: exit {p.returncode}, printed {p.stdout!r}")
    server.shutdown()
    server.server_close()
    p, _ = harness.run([a.wasm_rr, "replay", a.component, str(trace)])
    print(f"replay: exit {p.returncode}\n{p.stdout.decode()}{p.stderr.decode()}")
    check(p.returncode == 0 and p.stdout == body, f"replay with the server gone: exit {p.returncode}, {p.stdout!r}")
    p, _ = harness.run([a.wasm_rr, "run", a.component, "--", authority])
    check(p.returncode == EXIT_GUEST_TRAP and b"denied an HTTP request" in p.stderr,
          f"without --allow-http: exit {p.returncode}, stderr {p.stderr!r}")


MODES = {"fs": fs, "http": http, "timer": timer, "divergence": divergence, "hostile_give": hostile_give, "hostile_handle": hostile_handle,
         "late_data": late_data}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--wasm-rr", required=True)
    ap.add_argument("--component", required=True)
    ap.add_argument("mode", choices=sorted(MODES))
    a = ap.parse_args()
    with scratch(f"async-{a.mode}") as tmp:
        MODES[a.mode](a, tmp)


if __name__ == "__main__":
    main()
