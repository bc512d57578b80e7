#!/usr/bin/env python3
"""A Debug Adapter Protocol client driving `wasm-rr debug --dap`, as an editor does.

It records the -g C guest debug_loop.wasm (tests/guests/c_debug/debug_loop.c),
then speaks DAP to the debugger over its stdin/stdout: breakpoints by absolute
path, the stack, scopes and variables, evaluate, stepping forward and back,
reverse-continue, goto an event, the replay's end, disconnect. Other sessions
check a failed launch and a client that breaks the framing.

Every read has a timeout: a debugger that hangs fails the test, it does not
block ctest. Python's standard library only.

Usage: dap_client_test.py --wasm-rr BIN --guest debug_loop.wasm --source-dir CHECKOUT
"""
import argparse
import json
import os
import queue
import shutil
import subprocess
import sys
import tempfile
import threading
import time

TIMEOUT = 60  # seconds for any one answer (a reverse command replays the trace again)
FIRST_OUTPUT = "step 0: x=1 y=1 total=2"


class Failure(Exception):
    pass


def check(condition, what, context=None):
    if not condition:
        raise Failure(what + (f"\n  got: {json.dumps(context, indent=1)[:3000]}" if context is not None else ""))


class Client:
    """One `wasm-rr debug --dap` process and the messages it sent."""

    def __init__(self, wasm_rr, cwd, stderr_path):
        self.stderr = open(stderr_path, "wb")
        self.proc = subprocess.Popen([wasm_rr, "debug", "--dap"], cwd=cwd, stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, stderr=self.stderr)
        self.seq = 0
        self.inbox = queue.Queue()
        self.pending = []  # messages read and not matched yet
        self.events = []   # every event, for the output check
        self.reader_error = None
        threading.Thread(target=self._read_all, daemon=True).start()

    def _read_all(self):
        out = self.proc.stdout
        try:
            while True:
                headers = {}
                while True:
                    line = out.readline()
                    if not line:
                        self.inbox.put(None)
                        return
                    line = line.rstrip(b"\r\n")
                    if not line:
                        break
                    name, _, value = line.decode().partition(":")
                    headers[name.strip().lower()] = value.strip()
                length = int(headers["content-length"])
                body = out.read(length)
                if len(body) != length:
                    raise ValueError(f"the stream ended inside a message ({len(body)} of {length} bytes)")
                self.inbox.put(json.loads(body))
        except Exception as e:  # the adapter broke the framing: the test fails on it
            self.reader_error = e
            self.inbox.put(None)

    def send_raw(self, data):
        self.proc.stdin.write(data)
        self.proc.stdin.flush()

    def request(self, command, arguments=None):
        self.seq += 1
        message = {"seq": self.seq, "type": "request", "command": command}
        if arguments is not None:
            message["arguments"] = arguments
        body = json.dumps(message).encode()
        self.send_raw(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        return self.seq

    def _wait(self, matches, what, timeout=TIMEOUT):
        deadline = time.monotonic() + timeout
        while True:
            for i, m in enumerate(self.pending):
                if matches(m):
                    return self.pending.pop(i)
            left = deadline - time.monotonic()
            if left <= 0:
                raise Failure(f"timed out after {timeout}s waiting for {what}; unmatched: {self.pending[-5:]}")
            try:
                m = self.inbox.get(timeout=left)
            except queue.Empty:
                continue
            if m is None:
                self.inbox.put(None)  # later waits see the end too
                raise Failure(f"the adapter's output ended while waiting for {what}"
                              f" (reader: {self.reader_error}; exit status {self.proc.poll()})")
            check(isinstance(m.get("seq"), int) and m.get("type") in ("response", "event"), "a DAP message", m)
            if m["type"] == "event":
                self.events.append(m)
            self.pending.append(m)

    def response(self, seq, command):
        r = self._wait(lambda m: m["type"] == "response" and m.get("request_seq") == seq, f"the response to {command}")
        check(r.get("command") == command, f"the response names the command {command}", r)
        return r

    def call(self, command, arguments=None, ok=True):
        r = self.response(self.request(command, arguments), command)
        if ok:
            check(r.get("success") is True, f"{command} succeeds", r)
            return r.get("body", {})
        return r

    def event(self, name):
        return self._wait(lambda m: m["type"] == "event" and m["event"] == name, f"a {name} event")

    def stopped(self, reason):
        e = self.event("stopped")["body"]
        check(e.get("reason") == reason, f"stopped with reason {reason}", e)
        check(e.get("threadId") == 1 and e.get("allThreadsStopped") is True, "stopped: thread 1, all threads", e)
        return e

    def output(self):
        return "".join(e["body"].get("output", "") for e in self.events if e["event"] == "output")

    def exit_status(self, timeout=10):
        try:
            return self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            raise Failure(f"the adapter did not exit within {timeout}s")

    def close(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        self.stderr.close()


def frames(client):
    body = client.call("stackTrace", {"threadId": 1})
    check(body["stackFrames"], "a stack", body)
    return body["stackFrames"]


def evaluate(client, expression, context="watch", frame=0):
    return client.call("evaluate", {"expression": expression, "frameId": frame, "context": context})["result"]


def start(client, launch_args):
    caps = client.call("initialize", {"adapterID": "wasm-rr", "clientID": "dap_client_test", "linesStartAt1": True,
                                      "columnsStartAt1": True, "pathFormat": "path"})
    for cap in ("supportsConfigurationDoneRequest", "supportsFunctionBreakpoints", "supportsStepBack",
                "supportsGotoTargetsRequest", "supportsEvaluateForHovers", "supportsSteppingGranularity",
                "supportsTerminateRequest"):
        check(caps.get(cap) is True, f"initialize: {cap}", caps)
    launch = client.request("launch", launch_args)
    check(client.response(launch, "launch").get("success") is True, "launch succeeds")
    client.event("initialized")


def set_line_14(client, source_path):
    body = client.call("setBreakpoints", {"source": {"path": source_path}, "breakpoints": [{"line": 14}]})
    check(len(body["breakpoints"]) == 1, "one breakpoint answered", body)
    b = body["breakpoints"][0]
    check(b.get("verified") is True and b.get("line") == 14, "the breakpoint at line 14 is verified", b)
    return b["id"]


def main_session(args, work, trace, source_path):
    """The walk through the debugger the task describes."""
    client = Client(args.wasm_rr, work, os.path.join(work, "main.stderr"))
    try:
        start(client, {"component": args.guest, "trace": trace})
        bp = set_line_14(client, source_path)
        client.call("configurationDone")
        stop = client.stopped("breakpoint")
        check(bp in stop.get("hitBreakpointIds", []), "the stop names the breakpoint hit", stop)

        threads = client.call("threads")["threads"]
        check(threads == [{"id": 1, "name": "guest"}], "one thread, the guest", threads)
        fs = frames(client)
        check(fs[0]["name"] == "step" and fs[0]["line"] == 14, "frame 0 is step at line 14", fs[0])
        check(fs[0]["source"]["path"].endswith("debug_loop.c"), "frame 0's source is debug_loop.c", fs[0])
        check(fs[0]["source"]["path"] == source_path, "frame 0's source is the file the breakpoint was set in", fs[0])
        check(fs[0]["instructionPointerReference"].startswith("0x"), "frame 0 has its code offset", fs[0])
        check(len(fs) > 1 and fs[1]["name"] == "main", "frame 1 is main", fs)

        scopes = client.call("scopes", {"frameId": fs[0]["id"]})["scopes"]
        names = [s["name"] for s in scopes]
        check(names[:3] == ["Arguments", "Locals", "Globals"], "scopes Arguments, Locals, Globals", scopes)
        arguments = {v["name"]: v for v in client.call("variables", {"variablesReference": scopes[0]["variablesReference"]})["variables"]}
        check(arguments.get("i", {}).get("value") == "0", "argument i = 0", arguments)
        check("p" in arguments and arguments["p"]["variablesReference"] > 0, "argument p is expandable", arguments)
        members = {v["name"]: v["value"] for v in client.call("variables", {"variablesReference": arguments["p"]["variablesReference"]})["variables"]}
        check(members.get("x") == "1" and members.get("y") == "0", "*p is {x = 1, y = 0}", members)
        globals_ = client.call("variables", {"variablesReference": scopes[2]["variablesReference"]})["variables"]
        check(all(g["name"] and g["value"] for g in globals_), "globals have names and values", globals_)
        check(evaluate(client, "p->x + i") == "1", "p->x + i = 1")
        check(evaluate(client, "p->y", context="hover") == "0", "hover p->y = 0")
        bad = client.call("evaluate", {"expression": "no_such_name", "frameId": 0, "context": "watch"}, ok=False)
        check(bad.get("success") is False and bad.get("message"), "an unknown name is an error response", bad)

        client.call("next", {"threadId": 1})
        client.stopped("step")
        check(frames(client)[0]["line"] == 15, "next: line 15")
        client.call("stepBack", {"threadId": 1})
        client.stopped("step")
        check(frames(client)[0]["line"] == 14, "stepBack: line 14 again")

        client.call("continue", {"threadId": 1})
        client.stopped("breakpoint")
        check(evaluate(client, "i") == "1", "continue: the breakpoint again with i = 1")
        client.call("reverseContinue", {"threadId": 1})
        client.stopped("breakpoint")
        check(evaluate(client, "i") == "0", "reverseContinue: back to i = 0")

        targets = client.call("gotoTargets", {"source": {"path": source_path}, "line": 14})["targets"]
        check(len(targets) >= 2, "goto targets: the events reached", targets)
        check(targets[0]["id"] == 1 and targets[0]["label"].startswith("event 0: ") and targets[0]["line"] == 14,
              "target 1 is event 0", targets[0])
        target = targets[1]
        client.call("goto", {"threadId": 1, "targetId": target["id"]})
        client.stopped("goto")
        when = evaluate(client, "when", context="repl")
        check(when == f"before event {target['id'] - 1}", "goto: before the target's event", when)

        unknown = client.call("frobnicate", {}, ok=False)
        check(unknown.get("success") is False and "not supported" in unknown.get("message", ""), "unknown requests fail", unknown)

        check(FIRST_OUTPUT in client.output(), "output events carry the guest's stdout", client.output())
        client.call("disconnect", {})
        status = client.exit_status()
        check(status == 0, f"disconnect: exit status 0 (got {status})")
    finally:
        client.close()


def entry_and_end_session(args, work, trace, source_path):
    """stopOnEntry, sourceMap both ways, the replay's end and going back from it."""
    client = Client(args.wasm_rr, work, os.path.join(work, "end.stderr"))
    try:
        start(client, {"component": args.guest, "trace": trace, "stopOnEntry": True,
                       "sourceMap": {".": args.source_dir}})
        set_line_14(client, source_path)
        client.call("configurationDone")
        client.stopped("entry")
        client.call("continue", {"threadId": 1})
        client.stopped("breakpoint")
        fs = frames(client)
        check(fs[0]["source"]["path"] == source_path, "sourceMap: the frame's source is the checkout's file", fs[0])
        client.call("setBreakpoints", {"source": {"path": source_path}, "breakpoints": []})
        client.call("continue", {"threadId": 1})
        end = client.stopped("pause")
        check("the replay has ended" in end.get("description", ""), "the end is a stop that says so", end)
        check("the replay has ended" in client.output(), "an output event says the replay ended")
        check(not any(e["event"] in ("terminated", "exited") for e in client.events), "no terminated at the end")
        client.call("continue", {"threadId": 1})  # refused at the end: the same stop again
        client.stopped("pause")
        late = client.call("setBreakpoints", {"source": {"path": source_path}, "breakpoints": [{"line": 14}]})
        b = late["breakpoints"][0]
        check(b.get("verified") is False and b.get("message"), "at the end a breakpoint is not placed, and says why", b)
        client.call("goto", {"threadId": 1, "targetId": 1})
        client.stopped("goto")
        set_line_14(client, source_path)
        client.call("continue", {"threadId": 1})
        client.stopped("breakpoint")
        check(evaluate(client, "i") == "0", "after goto, the first breakpoint again")
        client.call("terminate", {})
        client.event("terminated")
        client.call("disconnect", {})
        status = client.exit_status()
        check(status == 0, f"terminate: exit status 0 (got {status})")
    finally:
        client.close()


def failed_launch_session(args, work):
    client = Client(args.wasm_rr, work, os.path.join(work, "fail.stderr"))
    try:
        client.call("initialize", {"adapterID": "wasm-rr"})
        r = client.call("launch", {"component": os.path.join(work, "missing.wasm"), "trace": "none.json"}, ok=False)
        check(r.get("success") is False and "missing.wasm" in r.get("message", ""), "a missing component fails the launch", r)
        client.event("terminated")
        client.call("disconnect", {})
        status = client.exit_status()
        check(status is not None and status >= 0, f"a failed launch exits without a crash (status {status})")
    finally:
        client.close()


def bad_framing_session(args, work):
    stderr_path = os.path.join(work, "framing.stderr")
    client = Client(args.wasm_rr, work, stderr_path)
    try:
        client.send_raw(b"this is not a header\r\n\r\n")
        status = client.exit_status()
        check(status > 0, f"bad framing: a non-zero exit status, no crash (got {status})")
        with open(stderr_path, encoding="utf-8", errors="replace") as f:
            err = f.read()
        check("Content-Length" in err, "bad framing: stderr says what was expected", err)
    finally:
        client.close()
    client = Client(args.wasm_rr, work, stderr_path)
    try:
        client.send_raw(b"Content-Length: 5\r\n\r\n{nope")
        status = client.exit_status()
        check(status > 0, f"bad JSON: a non-zero exit status (got {status})")
    finally:
        client.close()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--wasm-rr", required=True)
    parser.add_argument("--guest", required=True, help="debug_loop.wasm, built with -g")
    parser.add_argument("--source-dir", required=True, help="the checkout (tests/guests/c_debug/debug_loop.c in it)")
    args = parser.parse_args()
    args.guest = os.path.abspath(args.guest)
    args.source_dir = os.path.abspath(args.source_dir)
    source_path = os.path.join(args.source_dir, "tests", "guests", "c_debug", "debug_loop.c")
    work = tempfile.mkdtemp(prefix="wasm-rr-dap-")
    ok = False
    try:
        trace = os.path.join(work, "T.json")
        rec = subprocess.run([args.wasm_rr, "record", args.guest, "-t", trace], cwd=work, capture_output=True, timeout=120)
        check(rec.returncode == 0 and FIRST_OUTPUT in rec.stdout.decode(),
              f"recording the guest (status {rec.returncode}): {rec.stderr.decode()[-2000:]}")
        for name, session in (("main", lambda: main_session(args, work, trace, source_path)),
                              ("entry and end", lambda: entry_and_end_session(args, work, trace, source_path)),
                              ("failed launch", lambda: failed_launch_session(args, work)),
                              ("bad framing", lambda: bad_framing_session(args, work))):
            print(f"--- {name}", flush=True)
            session()
        ok = True
        print("dap_client_test: all sessions passed")
    except Failure as e:
        print(f"FAIL: {e}", file=sys.stderr)
        for f in sorted(os.listdir(work)):
            if f.endswith(".stderr"):
                with open(os.path.join(work, f), errors="replace") as s:
                    text = s.read()
                if text:
                    print(f"--- {f}:\n{text[-3000:]}", file=sys.stderr)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
