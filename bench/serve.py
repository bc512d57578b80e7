#!/usr/bin/env python3
"""HTTP serving benchmark: requests per second and p50/p99 latency of
`wasm-rr serve` (plain and with --record) and `jco serve` on the same
components, with ApacheBench (`ab`, Debian's apache2-utils) over loopback:

  minimal   the hand-written proxy component (tests/e2e/serve/proxy.wat)
  js        the componentize-js handler (tests/guests/js_proxy/proxy.js)

Each server gets a warm-up, then `ab -n N -c C` on GET /hello, in --rounds
rounds taken in turn; the median round is shown. Ratios are side by side:
wasm-rr against jco serve, and --record against plain."""
import argparse
import os
import re
import signal
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_listening(port, proc, seconds=300):  # jco serve transpiles first: tens of seconds for 12 MB
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            return False
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return True
        time.sleep(0.1)
    return False


def ab(port, requests, concurrency):
    url = f"http://127.0.0.1:{port}/hello"
    subprocess.run(["ab", "-q", "-n", "50", "-c", "4", url], capture_output=True)  # warm-up
    p = subprocess.run(["ab", "-q", "-s", "30", "-n", str(requests), "-c", str(concurrency), url],
                       capture_output=True, text=True)
    rps = re.search(r"Requests per second:\s+([\d.]+)", p.stdout)
    p50 = re.search(r"^\s+50%\s+(\d+)", p.stdout, re.M)
    p99 = re.search(r"^\s+99%\s+(\d+)", p.stdout, re.M)
    failed = re.search(r"Failed requests:\s+(\d+)", p.stdout)
    if not rps:
        return None
    return float(rps[1]), int(p50[1]), int(p99[1]), int(failed[1]) if failed else 0


def answers(port, path):
    """Whether one GET is answered within 10 s."""
    import http.client
    try:
        c = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        c.request("GET", path)
        c.getresponse().read()
        c.close()
        return True
    except OSError:
        return False


def measure(cmd, port, requests, concurrency):
    """(req/s, p50, p99, failed), or a string saying why there is none."""
    # A session of its own: jco serve runs Node in a child, which must go too.
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        if not wait_listening(port, proc):
            return "did not start"
        if not answers(port, "/first"):
            return "no answer to a first request"
        if not answers(port, "/second"):
            return "answers its first request only"
        return ab(port, requests, concurrency) or "ab failed"
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)


def median_run(results):
    """The run of median req/s, or why there is none."""
    done = [r for r in results if not isinstance(r, str)]
    if not done:
        return results[-1]
    return sorted(done, key=lambda r: r[0])[len(done) // 2]


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--wasm-rr", required=True)
    ap.add_argument("--jco", required=True)
    ap.add_argument("--guests", required=True)
    ap.add_argument("--requests", type=int, default=2000)
    ap.add_argument("--concurrency", type=int, default=8)
    ap.add_argument("--rounds", type=int, default=3, help="runs of each server; the median (by req/s) is shown")
    a = ap.parse_args()
    if not shutil.which("ab"):
        sys.exit("bench/serve.py needs ab (apt-get install apache2-utils)")
    components = [("minimal", Path(a.guests) / "serve_proxy.wasm"), ("js", Path(a.guests) / "js_proxy.wasm")]
    print(f"serve: {a.requests} GET /hello, {a.concurrency} at a time (ab), loopback; the median of {a.rounds} rounds")
    print(f"  {'component':<9} {'server':<22} {'req/s':>8} {'p50 ms':>7} {'p99 ms':>7} {'failed':>6}  ratio")
    with tempfile.TemporaryDirectory() as tmp:
        for name, component in components:
            if not component.is_file():
                print(f"  {name:<9} (not built: {component.name})")
                continue
            runs = {server: [] for server in ("wasm-rr serve", "wasm-rr serve --record", "jco serve")}
            for round_ in range(a.rounds):  # the servers in turn, so that a slower moment hits each alike
                for server, results in runs.items():
                    if results and isinstance(results[-1], str):
                        continue  # it failed once: it will again
                    port = free_port()
                    if server.startswith("wasm-rr"):
                        cmd = [a.wasm_rr, "serve", str(component), "--addr", f"127.0.0.1:{port}"]
                        if "--record" in server:
                            cmd += ["--record", str(Path(tmp) / f"{name}-requests-{round_}")]
                    else:
                        cmd = [a.jco, "serve", str(component), "--port", str(port), "--host", "127.0.0.1"]
                    results.append(measure(cmd, port, a.requests, a.concurrency))
            rows = {server: median_run(results) for server, results in runs.items()}
            base = rows["wasm-rr serve"]
            for server, r in rows.items():
                if isinstance(r, str):
                    print(f"  {name:<9} {server:<22} {'n/a':>8}  ({r})")
                    continue
                ratio = ""
                if server == "wasm-rr serve" and not isinstance(rows["jco serve"], str):
                    ratio = f"{r[0] / rows['jco serve'][0]:.1f}x jco's req/s"
                if server == "wasm-rr serve --record" and not isinstance(base, str):
                    ratio = f"{base[0] / r[0]:.2f}x the cost of plain serving"
                print(f"  {name:<9} {server:<22} {r[0]:8.0f} {r[1]:7d} {r[2]:7d} {r[3]:6d}  {ratio}")


if __name__ == "__main__":
    main()
