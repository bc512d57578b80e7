#!/usr/bin/env python3
"""wasm-rr serve with a hand-written wasi:http/proxy component
(tests/e2e/serve/proxy.wat): real HTTP over loopback.

  requests     GET with a query, POST with a 200 KB body echoed back, 16
               concurrent requests (each answer matches its request), a
               trapping handler and one that sets no response (500, and the
               server goes on), garbage on the socket (400), a body over
               --max-body (413), one log line per request
  timeout      a handler that computes forever is stopped by --timeout (500)
               and the worker serves the next request
  sigint       SIGINT with a request in flight: it is answered, and serve
               exits 0
  record       serve --record DIR: one trace per request, named by arrival;
               each replays offline (the server gone) to the same response
               bytes the client got, a trapping one to its trap; a trace whose
               recorded response was changed is a divergence; a second serve
               into the same DIR numbers on (nothing overwritten); inspect
               shows the request line and the status; debug stops in the
               handler, diff names the requests, a pack replays
  js           the same with a componentize-js handler (tests/guests/js_proxy):
               GET, POST, a handler that makes an outgoing request to a
               loopback server, a throwing handler, one waiting in a 60 s
               timer (ended by --timeout 2s: 500), a streamed body whose
               first part reaches the client before the guest writes the
               rest; every recorded request replays offline (the loopback
               server gone) to the same bytes
  jco          the same requests (GET with a query, POST with a body) to
               wasm-rr serve and to jco serve: the same statuses and bodies
  bad_usage    a command component (no incoming-handler), --addr without a
               port and a host name for --addr are refused before listening (125);
               a warning about the world (a non-UTF-8 variable) is said once,
               not once per request
"""
import argparse
import http.client
import re
import signal
import socket
import sys
import threading
import time
from pathlib import Path

sys.dont_write_bytecode = True
import harness  # noqa: E402
from harness import EXIT_TOOL_ERROR, check, run, scratch, start  # noqa: E402


class Server:
    def __init__(self, a, tmp, *options, component=None, env=None):
        self.files = tmp / "serve"
        self.proc = start([a.wasm_rr, "serve", component or a.component, "--addr", "127.0.0.1:0", *options],
                          files=self.files, timeout=120, env=env)
        deadline = time.monotonic() + 30
        self.port = None
        while time.monotonic() < deadline and self.port is None:
            m = re.search(rb"on http://127\.0\.0\.1:(\d+)", Path(f"{self.files}.stderr").read_bytes())
            if m:
                self.port = int(m[1])
            elif self.proc.proc.poll() is not None:
                break
            else:
                time.sleep(0.05)
        check(self.port, f"serve did not say where it listens: {Path(f'{self.files}.stderr').read_text()}")

    def request(self, method, path, body=None, headers=None):
        c = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        c.request(method, path, body=body, headers=headers or {})
        r = c.getresponse()
        data = r.read()
        c.close()
        return r.status, data

    def log(self):
        return Path(f"{self.files}.stderr").read_text()

    def logged(self, pattern):
        """Whether the log says `pattern` (a regex) within a few seconds: a
        request's line is written once its client has the response."""
        deadline = time.monotonic() + 10
        while not re.search(pattern, self.log()):
            if time.monotonic() > deadline:
                return False
            time.sleep(0.02)
        return True

    def stop(self):
        self.proc.proc.send_signal(signal.SIGINT)
        p, _ = self.proc.finish()
        return p


def case_requests(a, tmp):
    s = Server(a, tmp, "--workers", "2", "--max-body", "256K")
    try:
        status, body = s.request("GET", "/hello?x=1&y=two")
        check(status == 200 and body == b"hello from wasm: /hello?x=1&y=two", f"GET: {status} {body!r}")
        payload = bytes(range(256)) * 800  # 200 KB, every byte value
        status, body = s.request("POST", "/echo", body=payload)
        check(status == 200 and body == payload, f"POST echo: {status}, {len(body)} bytes back of {len(payload)}")
        answers = {}

        def ask(i):
            answers[i] = s.request("GET", f"/c{i}")

        threads = [threading.Thread(target=ask, args=(i,)) for i in range(16)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        for i in range(16):
            check(answers[i] == (200, f"hello from wasm: /c{i}".encode()), f"concurrent request {i}: {answers[i]}")
        for path, what in (("/trap", "guest trapped"), ("/none", "without setting a response")):
            status, _ = s.request("GET", path)
            check(status == 500, f"{path}: {status}")
            check(s.logged(re.escape(what)), f"{path}: the log does not say `{what}`: {s.log()}")
        with socket.create_connection(("127.0.0.1", s.port), timeout=10) as sock:
            sock.sendall(b"GARBAGE NOT HTTP\r\n\r\n")
            answer = sock.recv(100)
        check(answer.startswith(b"HTTP/1.1 400"), f"garbage: {answer!r}")
        status, _ = s.request("POST", "/big", body=b"x" * (300 << 10))
        check(status == 413, f"a body over --max-body: {status}")
        status, body = s.request("GET", "/still")
        check(status == 200 and body.endswith(b"/still"), f"after the failures: {status} {body!r}")
        check(s.logged(r"GET /hello\?x=1&y=two 200 [\d.]+ ms"), f"no log line for the GET: {s.log()}")
    finally:
        p = s.stop()
    check(p.returncode == 0, f"serve after SIGINT: exit {p.returncode}: {harness.clip(p.stderr)}")
    print("ok: GET, POST, concurrency, 500s, 400 and 413, and the server goes on")


def case_timeout(a, tmp):
    s = Server(a, tmp, "--workers", "1", "--timeout", "300ms")
    try:
        status, _ = s.request("GET", "/loop")
        check(status == 500 and s.logged("longer than --timeout"), f"/loop: {status}: {s.log()}")
        status, body = s.request("GET", "/after")
        check(status == 200 and body.endswith(b"/after"), f"after the timeout: {status} {body!r}")
    finally:
        s.stop()
    print("ok: --timeout stops a handler that computes forever, and the worker goes on")


def case_sigint(a, tmp):
    s = Server(a, tmp, "--workers", "1", "--timeout", "1s")
    answer = {}
    t = threading.Thread(target=lambda: answer.setdefault("loop", s.request("GET", "/loop")))
    t.start()
    time.sleep(0.3)  # the request is in flight: its handler runs until --timeout (1 s) stops it
    p = s.stop()
    t.join(30)
    check(p.returncode == 0, f"serve after SIGINT: exit {p.returncode}: {harness.clip(p.stderr)}")
    check(answer.get("loop", (None,))[0] == 500, f"the request in flight got {answer.get('loop')}")
    check("finishing 1 request in flight" in s.log(), f"SIGINT did not wait for the request: {s.log()}")
    print("ok: SIGINT lets the request in flight finish, then serve exits 0")


def case_record(a, tmp):
    traces = tmp / "requests"
    s = Server(a, tmp, "--workers", "2", "--record", str(traces))
    got = {}
    try:
        got["hello"] = s.request("GET", "/hello?who=you")
        got["post"] = s.request("POST", "/post", body=bytes(range(256)) * 40)
        got["trap"] = s.request("GET", "/trap")
    finally:
        p = s.stop()
    check(p.returncode == 0, f"serve: exit {p.returncode}")
    names = sorted(f.name for f in traces.iterdir())
    check(names == ["000001-GET-hello.json", "000002-POST-post.json", "000003-GET-trap.json"], f"traces: {names}")
    for name, key in zip(names, ("hello", "post")):
        trace = traces / name
        harness.replay_hint(a.wasm_rr, a.component, trace)
        rep, _ = run([a.wasm_rr, "replay", a.component, str(trace)])
        head, _, body = rep.stdout.partition(b"\r\n\r\n")
        check(rep.returncode == 0 and head.split(b"\r\n")[0] == b"HTTP/1.1 200 OK" and body == got[key][1],
              f"replay of {name}: exit {rep.returncode}, {head!r}, {len(body)} bytes (the client got {len(got[key][1])}): "
              f"{harness.clip(rep.stderr)}")
    rep, _ = run([a.wasm_rr, "replay", a.component, str(traces / names[2])])
    check(rep.returncode == harness.EXIT_GUEST_TRAP and rep.stdout.startswith(b"HTTP/1.1 500 Internal Server Error\r\n"),
          f"replay of the trap: exit {rep.returncode}: {harness.clip(rep.stderr)}")
    lines = (traces / names[0]).read_text().splitlines()
    lines[-1] = lines[-1].replace('"status":200', '"status":201')
    changed = tmp / "changed.json"
    changed.write_text("\n".join(lines) + "\n")
    rep, _ = run([a.wasm_rr, "replay", a.component, str(changed)])
    check(rep.returncode == harness.EXIT_DIVERGENCE and b"response differs" in rep.stderr,
          f"a changed response: exit {rep.returncode}: {harness.clip(rep.stderr)}")
    s = Server(a, tmp, "--workers", "1", "--record", str(traces))  # again, into the same DIR
    try:
        s.request("GET", "/again")
    finally:
        s.stop()
    check((traces / "000004-GET-again.json").is_file() and len(list(traces.iterdir())) == 4,
          f"a second serve --record into DIR: {sorted(f.name for f in traces.iterdir())}")
    ins, _ = run([a.wasm_rr, "inspect", str(traces / names[1])])
    check(b"request:    POST /post" in ins.stdout and b"response:   200 (10240 bytes" in ins.stdout,
          f"inspect: {harness.clip(ins.stdout)}")
    commands = tmp / "commands"
    commands.write_text("break call wasi:io/streams*write*\ncontinue\nwhen\ncontinue\ncontinue\ncontinue\n")
    dbg, _ = run([a.wasm_rr, "debug", a.component, str(traces / names[0]), "-x", str(commands)])
    out = dbg.stdout.decode()
    check(dbg.returncode == 0 and "blocking-write-and-flush" in out and "b\"/hello?who=you\"" in out and
          f"the guest returned; the client got the response 200 ({len(got['hello'][1])} bytes of body)" in out,
          f"debug of a request trace: exit {dbg.returncode}: {harness.clip(out)}{harness.clip(dbg.stderr)}")
    dif, _ = run([a.wasm_rr, "diff", str(traces / names[0]), str(traces / "000004-GET-again.json")])
    out = dif.stdout.decode()
    check(dif.returncode == 1 and "requests differ:\n    a: GET /hello?who=you" in out and
          f"b: exit status 0; response 200 ({len(b'hello from wasm: /again')} bytes of body)" in out,
          f"diff of two request traces: exit {dif.returncode}: {harness.clip(out)}")
    pack = tmp / "request.tar"
    p, _ = run([a.wasm_rr, "pack", a.component, str(traces / names[1]), "-o", str(pack)])
    check(p.returncode == 0, f"pack: exit {p.returncode}: {harness.clip(p.stderr)}")
    rep, _ = run([a.wasm_rr, "replay", str(pack)])
    check(rep.returncode == 0 and rep.stdout.endswith(got["post"][1]), f"replay of the pack: exit {rep.returncode}")
    print("ok: every request recorded replays offline to the response the client got; debug, diff and pack work on them")


def case_js(a, tmp):
    import http.server
    check(a.js_component, "--js-component is required for this case")

    gate = threading.Event()  # /gate answers once the client has a streamed response's first part

    class Upstream(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            body = f"upstream saw {self.path}".encode()
            if self.path == "/gate":
                body = b"opened" if gate.wait(20) else b"timed out: the client never got part 0"
            self.send_response(200)
            self.send_header("content-length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    upstream = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Upstream)
    threading.Thread(target=upstream.serve_forever, daemon=True).start()
    up = f"http://127.0.0.1:{upstream.server_address[1]}"
    traces = tmp / "requests"
    s = Server(a, tmp, "--workers", "2", "--timeout", "2s", "--record", str(traces),
               f"--allow-http=127.0.0.1:{upstream.server_address[1]}", component=a.js_component)
    got = {}
    try:
        got["hello"] = s.request("GET", "/hello?x=1")
        got["post"] = s.request("POST", "/p", body=b"payload from the client")
        got["fetch"] = s.request("GET", f"/fetch?url={up}/inner")
        got["trap"] = s.request("GET", "/trap")
        # A handler waiting in the host (a 60 s timer) is ended by --timeout too.
        t0 = time.monotonic()
        got["sleep"] = s.request("GET", "/sleep")
        slept = time.monotonic() - t0
        # The body reaches the client as the guest writes it: part 0 comes
        # while the guest waits for the gate, which opens only then.
        c = http.client.HTTPConnection("127.0.0.1", s.port, timeout=30)
        c.request("GET", f"/stream?url={up}/gate")
        r = c.getresponse()
        first = r.read1(64)
        gate.set()
        got["stream"] = (r.status, first + r.read())
        c.close()
    finally:
        s.stop()
        upstream.shutdown()
    check(got["sleep"][0] == 500 and slept < 30 and s.logged("GET /sleep 500 .*longer than --timeout"),
          f"a handler waiting in the host under --timeout 2s: {got['sleep']} after {slept:.1f} s: {s.log()}")
    check(first == b"part 0\n" and got["stream"] == (200, b"part 0\npart 1: opened\n"),
          f"a streamed response: first {first!r}, then {got['stream']}")
    check(r.getheader("transfer-encoding") == "chunked", f"a streamed response is chunked: {r.getheaders()}")
    check(got["hello"] == (200, b"js GET /hello?x=1 "), f"GET: {got['hello']}")
    check(got["post"] == (200, b"js POST /p payload from the client"), f"POST: {got['post']}")
    check(got["fetch"] == (200, b"fetched: upstream saw /inner"), f"outgoing request: {got['fetch']}")
    check(got["trap"][0] == 500, f"a throwing handler: {got['trap']}")
    names = sorted(f.name for f in traces.iterdir())
    check(len(names) == 6, f"traces: {names}")
    for name, key in zip(names[:3] + names[5:], ("hello", "post", "fetch", "stream")):
        trace = traces / name
        harness.replay_hint(a.wasm_rr, a.js_component, trace)
        rep, _ = run([a.wasm_rr, "replay", a.js_component, str(trace)])
        _, _, body = rep.stdout.partition(b"\r\n\r\n")
        check(rep.returncode == 0 and body == got[key][1],
              f"replay of {name}: exit {rep.returncode}, body {body!r} (the client got {got[key][1]!r}): "
              f"{harness.clip(rep.stderr)}")
    print("ok: a componentize-js handler served, its outgoing request made, and every request replayed offline")


class JcoServe:
    """`jco serve C` on a free port: it transpiles the component, then serves
    it with Node's HTTP server. Killed with its process group (it runs Node
    in a child). Its transpiled component goes to a folder of its own under
    TMPDIR, which it removes only when it exits by itself: here, in `tmp`."""

    def __init__(self, jco, component, tmp):
        import os
        import subprocess
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.log = tmp / "jco-serve.log"
        (tmp / "jco-tmp").mkdir()
        self.proc = subprocess.Popen([jco, "serve", str(component), "--port", str(self.port), "--host", "127.0.0.1"],
                                     stdout=open(self.log, "wb"), stderr=subprocess.STDOUT, start_new_session=True,
                                     env=dict(os.environ, TMPDIR=str(tmp / "jco-tmp")))
        deadline = time.monotonic() + 240  # the transpilation comes first
        while time.monotonic() < deadline and self.proc.poll() is None:
            with socket.socket() as probe:
                if probe.connect_ex(("127.0.0.1", self.port)) == 0:
                    return
            time.sleep(0.2)
        self.stop()
        check(False, f"jco serve did not listen: {self.log.read_text()[-2000:]}")

    def request(self, method, path, body=None):
        c = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        c.request(method, path, body=body)
        r = c.getresponse()
        data = r.read()
        c.close()
        return r.status, data

    def stop(self):
        import os
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.proc.wait()


def case_jco(a, tmp):
    """The same requests to wasm-rr serve and to jco serve, on the same
    component: the same status and body."""
    check(a.jco, "--jco is required for this case")
    # (jco serve 1.x never answers a POST of 16 KB to this guest; 6 KB it does)
    requests = [("GET", "/hello?x=1&y=two", None), ("POST", "/echo", bytes(range(256)) * 24),
                ("GET", "/a/b/c", None), ("POST", "/empty", b"")]
    s = Server(a, tmp, "--workers", "2")
    try:
        ours = [s.request(m, p, body=b) for m, p, b in requests]
    finally:
        s.stop()
    jco = JcoServe(a.jco, a.component, tmp)
    try:
        theirs = [jco.request(m, p, body=b) for m, p, b in requests]
    finally:
        jco.stop()
    for (m, p, _), mine, other in zip(requests, ours, theirs):
        check(mine == other, f"{m} {p}: wasm-rr serve {mine[0]} {mine[1][:80]!r}..., jco serve {other[0]} {other[1][:80]!r}...")
    print(f"ok: {len(requests)} requests answered alike by wasm-rr serve and jco serve")


def case_bad_usage(a, tmp):
    p, _ = run([a.wasm_rr, "serve", a.command, "--addr", "127.0.0.1:0"])
    check(p.returncode == EXIT_TOOL_ERROR and b"does not export wasi:http/incoming-handler" in p.stderr,
          f"a command component: exit {p.returncode}: {harness.clip(p.stderr)}")
    p, _ = run([a.wasm_rr, "serve", a.component, "--addr", "127.0.0.1:"])
    check(p.returncode == EXIT_TOOL_ERROR and b"expected HOST:PORT" in p.stderr, f"--addr without a port: {p.returncode}")
    p, _ = run([a.wasm_rr, "serve", a.component, "--addr", "localhost:0"])
    check(p.returncode == EXIT_TOOL_ERROR and b"not an IPv4 address" in p.stderr, f"--addr localhost:0: {p.returncode}")
    # The world is made once: a warning about it is said once, not per request.
    import os
    env = {**os.environb, b"WASMRR_BAD_ENV": b"\xff"}
    s = Server(a, tmp, "--env", "WASMRR_BAD_ENV", env=env)
    try:
        for i in range(3):
            s.request("GET", f"/w{i}")
        check(s.logged(r"GET /w2 200"), f"no log line for the last request: {s.log()}")
    finally:
        s.stop()
    warnings = s.log().count("is not valid UTF-8")
    check(warnings == 1, f"the environment's warning was said {warnings} times for 3 requests: {s.log()}")
    print("ok: a component without a handler, and bad addresses, are refused before listening; the world's warnings "
          "are said once")


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--wasm-rr", required=True)
    ap.add_argument("--component", required=True, help="the proxy component")
    ap.add_argument("--command", required=True, help="a command component (hello)")
    ap.add_argument("--js-component", help="the componentize-js proxy component (case js)")
    ap.add_argument("--jco", help="the jco executable (case jco)")
    ap.add_argument("case", choices=["requests", "timeout", "sigint", "record", "js", "jco", "bad_usage"])
    a = ap.parse_args()
    with scratch(f"serve-{a.case}") as tmp:
        globals()[f"case_{a.case}"](a, tmp)
    print("PASS")


if __name__ == "__main__":
    main()
