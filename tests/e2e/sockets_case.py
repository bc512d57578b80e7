#!/usr/bin/env python3
"""End-to-end cases for wasi:sockets: the harness plays the network peer.

    sockets_case.py --wasm-rr WASM_RR --guest sockets_guest.wasm CASE [--trace-ext json|cbor]

Each case records the guest (tests/guests/sockets/sockets_guest.c) against a
peer the harness runs on 127.0.0.1 with a free port, stops the peer, then
replays the trace with no network at all and requires the replay's stdout and
exit status to equal the recording's byte for byte. Cases:

  tcp-client  the guest connects to a harness echo server
  tcp-server  the guest listens; the harness connects once, sends, reads the reply
  udp         the guest sends a datagram to a harness UDP echo server
  lookup      the guest resolves `localhost`
  states      the TCP state machine's error codes and the socket options
  denied      no --allow-tcp: connecting fails with access-denied (exit 1)
  denied-port --allow-tcp for another port: access-denied as well
  lookup-denied  no --allow-ip-name-lookup: access-denied
  tcp-client-bare  tcp-client granted by a bare --allow-tcp (any address)
  udp-bare    udp granted by a bare --allow-udp
  bare-before-component  `--allow-tcp COMPONENT ...`: exit 125 naming the mistake

Exit status: 0 pass, 1 fail.
"""
import argparse
import re
import socket
import sys
import threading
import time
from pathlib import Path

from exit_codes import EXIT_TOOL_ERROR  # src/cli/options.h
from harness import fail, replay_hint, scratch, start as start_command

LOOPBACK = "127.0.0.1"
TIMEOUT = 60


def free_port(kind=socket.SOCK_STREAM) -> int:
    with socket.socket(socket.AF_INET, kind) as s:
        s.bind((LOOPBACK, 0))
        return s.getsockname()[1]


class Run:
    """One wasm-rr invocation (harness.start), its output in NAME.stdout and NAME.stderr."""

    def __init__(self, name, started):
        self.name, self.started = name, started

    def finish(self):
        p, _ = self.started.finish(allow_timeout=True)
        if p.timed_out:
            fail(f"{self.name}: timed out")
        self.code, self.out, self.err = p.returncode, p.stdout, p.stderr
        return self

    def describe(self):
        return (f"{self.name}: exit {self.code}\n--- stdout ---\n{self.out.decode(errors='replace')}"
                f"--- stderr ---\n{self.err.decode(errors='replace')}")


def start(name, cmd, tmp: Path) -> Run:
    return Run(name, start_command(cmd, timeout=TIMEOUT, files=tmp / name))


class Case:
    def __init__(self, a, tmp: Path):
        self.wasm_rr, self.guest, self.tmp = a.wasm_rr, a.guest, tmp
        self.trace = tmp / f"trace.{a.trace_ext}"
        replay_hint(self.wasm_rr, self.guest, self.trace)

    def record(self, flags, guest_args, flags_after=()) -> Run:
        """flags go before the guest, flags_after after it (a bare --allow-tcp must not precede it)."""
        return start("record", [self.wasm_rr, "record", "-t", str(self.trace), *flags, self.guest, *flags_after, "--",
                                *guest_args], self.tmp)

    def run(self, flags, guest_args) -> Run:
        return start("run", [self.wasm_rr, "run", *flags, self.guest, "--", *guest_args], self.tmp).finish()

    def replay_matches(self, rec: Run):
        """Replays (peers stopped) and compares with the recording."""
        rep = start("replay", [self.wasm_rr, "replay", self.guest, str(self.trace)], self.tmp).finish()
        if rep.out != rec.out or rep.code != rec.code:
            fail("replay differs from the recording\n" + rec.describe() + rep.describe())
        print(f"replay matches the recording ({len(rec.out)} stdout bytes, exit {rec.code})")


def expect(run: Run, code: int, *patterns):
    if run.code != code:
        fail(f"expected exit {code}\n" + run.describe())
    text = run.out.decode(errors="replace")
    for p in patterns:
        if not re.search(p, text, re.M):
            fail(f"stdout lacks /{p}/\n" + run.describe())


# --- peers -------------------------------------------------------------------

def tcp_echo_server(listener: socket.socket, prefix: bytes):
    """Accepts one connection, reads to EOF, answers prefix + data."""
    listener.settimeout(TIMEOUT)
    conn, _ = listener.accept()
    with conn:
        data = b""
        while chunk := conn.recv(4096):
            data += chunk
        conn.sendall(prefix + data)


def udp_echo_server(sock: socket.socket, prefix: bytes):
    sock.settimeout(TIMEOUT)
    data, peer = sock.recvfrom(65535)
    sock.sendto(prefix + data, peer)


def in_thread(fn, *args):
    t = threading.Thread(target=fn, args=args, daemon=True)
    t.start()
    return t


# --- cases -------------------------------------------------------------------

def case_tcp_client(c: Case, bare=False):
    with socket.socket() as listener:
        listener.bind((LOOPBACK, 0))
        listener.listen(1)
        port = listener.getsockname()[1]
        peer = in_thread(tcp_echo_server, listener, b"echo: ")
        guest_args = ["tcp-client", str(port), "hello over tcp"]
        if bare:
            rec = c.record([], guest_args, flags_after=["--allow-tcp"]).finish()
        else:
            rec = c.record(["--allow-tcp", f"{LOOPBACK}:{port}"], guest_args).finish()
        peer.join(TIMEOUT)
    expect(rec, 0, r"^finish-connect: ok$", rf"^remote-address: 127\.0\.0\.1:{port}$",
           r"^reply: echo: hello over tcp$")
    c.replay_matches(rec)


def connect_with_retries(port: int, deadline: float) -> socket.socket:
    while True:
        try:
            return socket.create_connection((LOOPBACK, port), timeout=TIMEOUT)
        except OSError:
            if time.monotonic() > deadline:
                fail("the guest server never accepted a connection")
            time.sleep(0.05)


def case_tcp_server(c: Case):
    port = free_port()
    rec = c.record(["--allow-tcp", f"{LOOPBACK}/8:{port}"], ["tcp-server", str(port)])
    with connect_with_retries(port, time.monotonic() + TIMEOUT) as conn:
        conn.sendall(b"ping from the harness")
        conn.shutdown(socket.SHUT_WR)
        reply = b""
        while chunk := conn.recv(4096):
            reply += chunk
    rec.finish()
    if reply != b"hello from the wasm server":
        fail(f"the harness got {reply!r}\n" + rec.describe())
    expect(rec, 0, r"^is-listening: yes$", r"^accept: ok$", r"^received: ping from the harness$")
    c.replay_matches(rec)


def case_udp(c: Case, bare=False):
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.bind((LOOPBACK, 0))
        port = sock.getsockname()[1]
        peer = in_thread(udp_echo_server, sock, b"udp echo: ")
        guest_args = ["udp", str(port), "one datagram"]
        if bare:  # followed by another option, then `--`
            rec = c.record([], guest_args, flags_after=["--allow-udp", "--allow-ip-name-lookup"]).finish()
        else:
            rec = c.record(["--allow-udp", f"{LOOPBACK}:*"], guest_args).finish()
        peer.join(TIMEOUT)
    expect(rec, 0, r"^datagrams sent: 1$", r"^datagram from 127\.0\.0\.1:\d+: udp echo: one datagram$")
    c.replay_matches(rec)


def case_lookup(c: Case):
    rec = c.record(["--allow-ip-name-lookup"], ["lookup", "localhost"]).finish()
    expect(rec, 0, r"^address: (127\.0\.0\.1|0:0:0:0:0:0:0:1)$", r"^lookup done$")
    c.replay_matches(rec)


def case_states(c: Case):
    rec = c.record([], ["states"]).finish()
    expect(rec, 0, r"^finish-bind before start-bind: error not-in-progress$",
           r"^start-listen unbound: error invalid-state$",
           r"^finish-connect before start-connect: error not-in-progress$",
           r"^start-connect port 0: error invalid-argument$",
           r"^set-listen-backlog-size 0: error invalid-argument$", r"^keep-alive-enabled: 1$",
           r"^keep-alive-idle-time s: 30$", r"^keep-alive-count: 5$", r"^hop-limit: 42$",
           r"^shutdown unconnected: error invalid-state$")
    c.replay_matches(rec)


def case_denied(c: Case, flags):
    with socket.socket() as listener:
        listener.bind((LOOPBACK, 0))
        listener.listen(1)
        port = listener.getsockname()[1]
        run = c.run(flags(port), ["tcp-client", str(port), "never sent"])
        listener.settimeout(0.2)
        try:
            listener.accept()
            fail("a denied guest reached the server")
        except socket.timeout:
            pass
    expect(run, 1, r"^start-connect: error access-denied$")
    # Denials are host answers like any other: they replay too.
    c.replay_matches(c.record(flags(port), ["tcp-client", str(port), "never sent"]).finish())


def case_lookup_denied(c: Case):
    rec = c.record([], ["lookup", "localhost"]).finish()
    expect(rec, 1, r"^resolve-addresses: error access-denied$")
    c.replay_matches(rec)


def case_bare_before_component(c: Case):
    """A bare --allow-tcp just before the component would take it as its SPEC: refused, saying so."""
    run = c.run(["--allow-tcp"], ["tcp-client", "1", "never sent"])
    if run.code != EXIT_TOOL_ERROR or b"is a file, not a SPEC" not in run.err:
        fail(f"expected exit {EXIT_TOOL_ERROR} naming the bare --allow-tcp\n" + run.describe())
    print("refused: " + run.err.decode(errors="replace").strip().splitlines()[0])


CASES = {
    "tcp-client": case_tcp_client,
    "tcp-server": case_tcp_server,
    "udp": case_udp,
    "lookup": case_lookup,
    "states": case_states,
    "denied": lambda c: case_denied(c, lambda port: []),
    "denied-port": lambda c: case_denied(c, lambda port: ["--allow-tcp", f"{LOOPBACK}:{port + 1 if port < 65535 else 1}"]),
    "lookup-denied": case_lookup_denied,
    "tcp-client-bare": lambda c: case_tcp_client(c, bare=True),
    "udp-bare": lambda c: case_udp(c, bare=True),
    "bare-before-component": case_bare_before_component,
}


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--wasm-rr", required=True)
    p.add_argument("--guest", required=True)
    p.add_argument("--trace-ext", default="json", choices=["json", "cbor"])
    p.add_argument("case", choices=sorted(CASES))
    a = p.parse_args()
    with scratch(f"sockets-{a.case}-{a.trace_ext}", "wasmrr-sockets-") as tmp:
        CASES[a.case](Case(a, tmp))
    print(f"PASS {a.case}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
