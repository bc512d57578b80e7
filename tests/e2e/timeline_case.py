#!/usr/bin/env python3
"""The timeline page (`wasm-rr inspect T --html`) in headless Chromium.

    timeline_case.py --wasm-rr EXE --guests DIR --artifacts DIR [--chromium EXE] MODE

Records a run, writes its page, loads the page in headless Chromium (driven
over the DevTools protocol on a pipe, --remote-debugging-pipe: stdlib only),
checks the DOM, clicks (real mouse events) and saves a screenshot of the page
to the artifacts folder (timeline-MODE.png). Every page must load nothing but
itself (no network), throw no JavaScript error and log no error (the page's
Content-Security-Policy would report a blocked script).

  c        fs_ops (C) with a scratch folder as /data: the files read and
           written, the output lines, a click on an event of the timeline
           (arguments and results shown), a click on a line of output, a deep
           link (#event=N), the page of the CBOR trace holds the same, -o -
           and the default page name, --html with --events refused
  http     js_http_parallel against a local server (http_case.Server): the
           request table (method, URL, status, body sizes), a click on a row,
           the guest-time axis
  million  clock_loop with 1 M clock readings: the page loads in under 5 s
           (navigation to rendered), a zoom with the mouse wheel, a click on
           an event whose details the page does not hold (it names the
           `inspect --events` command), the page's size is bounded
  ends     how runs end: a trap (its backtrace), a recording stopped by
           --timeout, a trace cut short (no end record, a last element cut in
           the middle; a header alone), and a hostile trace whose every string is HTML or
           script: nothing of it may run or become markup
  async    async_hello_stream (WASI 0.3): its output through its stdout
           stream (the runtime's take calls) shown as lines, a click on the
           line selects its take
Chromium is found as --chromium, else `chromium` on PATH; missing, the case
fails (scripts/install-deps installs Debian's chromium). Exit status 0 = pass.
"""
import argparse
import base64
import fcntl
import json
import os
import re
import select
import shutil
import sys
import time
from pathlib import Path

import harness
from exit_codes import EXIT_DIVERGENCE, EXIT_GUEST_TRAP, EXIT_TIMEOUT, EXIT_TOOL_ERROR
from harness import check, fail, scratch

VIEW_W, VIEW_H = 1400, 1000
LOAD_LIMIT_S = 5.0          # the 1 M-event page, navigation to rendered
MILLION_PAGE_LIMIT = 32 << 20  # bytes


class Browser:
    """Headless Chromium, spoken to over the DevTools protocol on a pipe:
    messages are JSON texts ended by a NUL byte, commands on the child's fd 3,
    answers and events on its fd 4."""

    def __init__(self, chromium, tmp: Path):
        # Both pipe ends the child keeps are moved above fd 10 first, so that
        # putting them at 3 and 4 in the child cannot clobber one another.
        cmd_r, cmd_w = os.pipe()
        out_r, out_w = os.pipe()
        child_r = fcntl.fcntl(cmd_r, fcntl.F_DUPFD_CLOEXEC, 10)
        child_w = fcntl.fcntl(out_w, fcntl.F_DUPFD_CLOEXEC, 10)
        os.close(cmd_r)
        os.close(out_w)

        def at_3_and_4():
            os.dup2(child_r, 3)
            os.dup2(child_w, 4)

        self.started = harness.start(
            [chromium, "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
             "--remote-debugging-pipe", f"--user-data-dir={tmp / 'chromium-profile'}", "--no-first-run",
             "--no-default-browser-check", "--hide-scrollbars", "--mute-audio", "--disable-extensions",
             f"--window-size={VIEW_W},{VIEW_H}", "about:blank"],
            files=tmp / "chromium", timeout=240, preexec_fn=at_3_and_4, close_fds=False)
        os.close(child_r)
        os.close(child_w)
        self.w, self.r = cmd_w, out_r
        self.buf = b""
        self.next_id = 0
        self.events = []
        targets = self.send("Target.getTargets")["targetInfos"]
        pages = [t for t in targets if t["type"] == "page"]
        check(pages, f"chromium has no page: {targets}")
        self.session = self.send("Target.attachToTarget", {"targetId": pages[0]["targetId"], "flatten": True})["sessionId"]
        for domain in ("Page", "Runtime", "Log", "Network"):
            self.call(f"{domain}.enable")
        self.viewport(VIEW_W, VIEW_H)

    def _read(self, deadline):
        while b"\0" not in self.buf:
            left = deadline - time.monotonic()
            if left <= 0:
                fail("chromium did not answer over DevTools in time")
            ready, _, _ = select.select([self.r], [], [], left)
            if ready:
                chunk = os.read(self.r, 1 << 20)
                if not chunk:
                    fail("chromium closed its DevTools pipe (did it exit? see chromium.stderr)")
                self.buf += chunk
        message, _, self.buf = self.buf.partition(b"\0")
        return json.loads(message)

    def send(self, method, params=None, session=None, timeout=60):
        self.next_id += 1
        message = {"id": self.next_id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        data = json.dumps(message).encode() + b"\0"
        while data:
            data = data[os.write(self.w, data):]
        deadline = time.monotonic() + timeout
        while True:
            m = self._read(deadline)
            if m.get("id") == self.next_id:
                if "error" in m:
                    fail(f"DevTools {method}: {m['error']}")
                return m.get("result", {})
            self.events.append(m)

    def call(self, method, params=None, timeout=60):
        return self.send(method, params, self.session, timeout)

    def viewport(self, width, height):
        self.call("Emulation.setDeviceMetricsOverride",
                  {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False})

    def js(self, expression):
        """The value of a JavaScript expression in the page (awaited if a promise)."""
        r = self.call("Runtime.evaluate", {"expression": expression, "returnByValue": True, "awaitPromise": True})
        if "exceptionDetails" in r:
            fail(f"JavaScript `{expression}` threw: {r['exceptionDetails']}")
        return r["result"].get("value")

    def load(self, url, timeout=30):
        """Navigates and waits until the page says it has rendered; returns the seconds that took."""
        self.events.clear()
        begin = time.monotonic()
        self.call("Page.navigate", {"url": url})
        while True:
            state = self.js("[location.href, document.body ? document.body.dataset.ready || '' : '']")
            if state == [url, "1"]:
                return time.monotonic() - begin
            if time.monotonic() - begin > timeout:
                self.check_clean(url)
                fail(f"the page {url} did not render within {timeout} s (data-ready never set)")
            time.sleep(0.01)

    def check_clean(self, page_url):
        """No JavaScript error, no error logged, nothing loaded but the page itself."""
        base = page_url.split("#")[0]
        for m in self.events:
            method, params = m.get("method"), m.get("params", {})
            if method == "Runtime.exceptionThrown":
                fail(f"the page threw: {json.dumps(params.get('exceptionDetails'))[:1500]}")
            if method == "Log.entryAdded" and params["entry"]["level"] == "error":
                fail(f"the page logged an error: {params['entry'].get('text')}")
            if method == "Runtime.consoleAPICalled" and params.get("type") == "error":
                fail(f"the page logged an error: {params.get('args')}")
            if method == "Network.requestWillBeSent":
                url = params["request"]["url"]
                check(url.split("#")[0] == base or url.startswith("data:"),
                      f"the page loaded {url}: it must load nothing but itself")

    def mouse(self, kind, x, y, **extra):
        self.call("Input.dispatchMouseEvent", {"type": kind, "x": x, "y": y, **extra})

    def click(self, x, y):
        self.mouse("mouseMoved", x, y)
        self.mouse("mousePressed", x, y, button="left", buttons=1, clickCount=1)
        self.mouse("mouseReleased", x, y, button="left", buttons=0, clickCount=1)

    def click_element(self, selector):
        """A real click in the middle of the element (scrolled into view first)."""
        point = self.js(f"""(() => {{
            const e = document.querySelector({json.dumps(selector)});
            if (!e) return null;
            e.scrollIntoView({{block: "center"}});
            const r = e.getBoundingClientRect();
            return [r.left + Math.min(r.width / 2, 40), r.top + r.height / 2];
        }})()""")
        check(point is not None, f"no element {selector} to click")
        self.click(*point)

    def click_event(self, i):
        """A real click where the timeline draws event i."""
        self.js("window.scrollTo(0, 0)")
        p = self.js(f"wasmrrTimeline.eventPoint({i})")
        self.click(p["x"], p["y"])

    def wait_for(self, expression, what, timeout=10):
        """Waits until a JavaScript expression is true (the page draws on the next animation frame)."""
        deadline = time.monotonic() + timeout
        while not self.js(expression):
            if time.monotonic() > deadline:
                fail(f"{what}: `{expression}` still false after {timeout} s")
            time.sleep(0.02)

    def wait_text(self, selector, needle, what):
        self.wait_for(f"((document.querySelector({json.dumps(selector)}) || {{}}).textContent || '').includes({json.dumps(needle)})",
                      f"{what}: no {needle!r} in {selector} (it says {self.text(selector)!r})")

    def text(self, selector):
        return self.js(f"(document.querySelector({json.dumps(selector)}) || {{}}).textContent ?? null")

    def screenshot(self, path: Path):
        """The whole page, as PNG."""
        height = self.js("document.documentElement.scrollHeight")
        self.viewport(VIEW_W, min(max(height, VIEW_H), 4000))
        self.js("window.scrollTo(0, 0)")
        time.sleep(0.2)
        png = base64.b64decode(self.call("Page.captureScreenshot", {"format": "png"})["data"])
        self.viewport(VIEW_W, VIEW_H)
        check(png.startswith(b"\x89PNG") and len(png) > 10000, f"the screenshot is no picture ({len(png)} bytes)")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(png)
        print(f"screenshot: {path} ({len(png)} bytes)")

    def close(self):
        try:
            self.send("Browser.close", timeout=10)
        except Exception:  # noqa: BLE001 (it may close the pipe before it answers)
            pass
        os.close(self.w)
        os.close(self.r)
        p, _ = self.started.finish(allow_timeout=True)
        if p.returncode is None:
            print("chromium did not exit after Browser.close")


def find_chromium(given):
    path = shutil.which(given) if given else (shutil.which("chromium") or shutil.which("chromium-browser"))
    if not path:
        fail(f"headless Chromium is needed and `{given or 'chromium'}` is not on PATH: "
             "install it with scripts/install-deps (the Debian package chromium)")
    return path


def wasm_rr(a, *args, expect=0, **kw):
    p, _ = harness.run([a.wasm_rr, *map(str, args)], **kw)
    if expect is not None and p.returncode != expect:
        fail(f"`wasm-rr {' '.join(map(str, args))}` exited {p.returncode}, expected {expect}\n"
             f"stdout: {harness.clip(p.stdout, 2000)}\nstderr: {harness.clip(p.stderr, 2000)}")
    return p


def page_of(a, trace: Path, page: Path):
    p = wasm_rr(a, "inspect", trace, "--html", "-o", page)
    check(page.exists(), f"inspect --html wrote no {page}")
    check(b"wrote" in p.stdout, f"inspect --html said nothing: {p.stdout!r}")
    return page


def page_data(page: Path):
    """The JSON the page carries (and a check that it is the one script of data)."""
    html = page.read_text()
    check(html.lower().count("</script") == 2, "the page must hold exactly two script elements")
    m = re.search(r'<script id="wasm-rr-data" type="application/json">(.*?)</script>', html, re.S)
    check(m, "the page carries no data element")
    check("<" not in m.group(1), "the page's data holds a raw `<`")
    return json.loads(m.group(1))


def expect_in(what, text, needle):
    check(text is not None and needle in text, f"{what}: expected {needle!r} in {text!r}")


def selected(b):
    return b.text("#details-event")


# --- modes ------------------------------------------------------------------------


def mode_c(a, b, tmp):
    data = tmp / "data"
    data.mkdir()
    (data / "input.txt").write_text("input for the guest\n")
    trace = tmp / "fs.json"
    wasm_rr(a, "record", Path(a.guests) / "fs_ops.wasm", "-t", trace, "--dir", f"{data}::/data", "--", "/data")
    harness.replay_hint(a.wasm_rr, Path(a.guests) / "fs_ops.wasm", trace)
    page = page_of(a, trace, tmp / "fs.html")

    # The page's data: the CBOR trace's page holds the same.
    d = page_data(page)
    cbor = tmp / "fs.cbor"
    wasm_rr(a, "convert", trace, cbor)
    dc = page_data(page_of(a, cbor, tmp / "fs-cbor.html"))
    for key in ("events", "lanes", "functions", "fn", "clock", "details", "stdio", "http", "files", "end"):
        check(d[key] == dc[key], f"the pages of the JSON and the CBOR trace differ in `{key}`")
    check(dc["trace"]["format"] == "cbor", f"the CBOR page says {dc['trace']}")
    # The default page name; -o - writes to stdout; --html alone.
    wasm_rr(a, "inspect", trace, "--html", cwd=tmp)
    check((tmp / "fs.html").exists(), "inspect --html without -o wrote no fs.html")
    p = wasm_rr(a, "inspect", trace, "--html", "-o", "-")
    check(p.stdout.startswith(b"<!DOCTYPE html>"), "inspect --html -o - wrote no page to stdout")
    p = wasm_rr(a, "inspect", trace, "--html", "--events", "3", "-o", tmp / "x.html", expect=EXIT_TOOL_ERROR)
    check(b"--html" in p.stderr, f"--html --events: {p.stderr!r}")

    url = page.resolve().as_uri()
    seconds = b.load(url)
    print(f"page loaded in {seconds:.2f} s")
    expect_in("title", b.js("document.title"), "fs_ops.wasm")
    expect_in("end", b.text("#end-banner"), "exited with status 0")
    expect_in("summary", b.text("#summary"), f"{d['events']} in ")
    labels = b.js("[...document.querySelectorAll('.lane-label .name')].map(e => e.textContent)")
    for lane in ("wasi:filesystem/types", "wasi:io/streams", "wasi:cli/stdout"):
        check(lane in labels, f"no lane {lane}: {labels}")
    files = b.js("[...document.querySelectorAll('#files-table tbody tr')].map(r => [...r.cells].map(c => c.textContent))")
    rows = {r[0]: r for r in files}
    check("/data/input.txt" in rows and " B in " in rows["/data/input.txt"][1], f"input.txt not shown read: {files}")
    expect_in("copy.txt", " ".join(rows.get("/data/copy.txt", [])), "created or truncated")
    expect_in("copy.txt", " ".join(rows.get("/data/copy.txt", [])), "renamed to /data/renamed.txt")
    expect_in("newdir", " ".join(rows.get("/data/newdir", [])), "directory created")
    output = b.text("#output")
    expect_in("output", output, "copy input.txt to copy.txt: ok")
    expect_in("output", output, "bytes: the trace holds their SHA-256")

    # A click on the timeline: the open-at of input.txt (the first event of its row).
    first = int(b.js("document.querySelector('#files-table tbody tr:nth-child(' + "
                     "([...document.querySelectorAll('#files-table tbody tr')].findIndex(r => r.cells[0].textContent === '/data/input.txt') + 1)"
                     " + ') a.evlink').dataset.event"))
    b.click_event(first)
    check(selected(b) == f"#{first}", f"clicking event {first} selected {selected(b)}")
    expect_in("the clicked event", b.text("#details-fn"), "open-at")
    expect_in("its arguments", b.text("#details-args"), '"input.txt"')
    expect_in("its results", b.text("#details-results"), '{"ok":{"handle":')
    check(b.js("location.hash") == f"#event={first}", "a selected event is not in the page's link")
    # The arrow keys step through the events.
    b.call("Input.dispatchKeyEvent", {"type": "rawKeyDown", "key": "ArrowRight", "code": "ArrowRight", "windowsVirtualKeyCode": 39})
    b.call("Input.dispatchKeyEvent", {"type": "keyUp", "key": "ArrowRight", "code": "ArrowRight", "windowsVirtualKeyCode": 39})
    check(selected(b) == f"#{first + 1}", f"ArrowRight selected {selected(b)}")

    # A click on a line of output selects the write that began it.
    line_event = b.js("[...document.querySelectorAll('#output .line')].find(l => l.textContent.includes('copy input.txt')).dataset.event")
    b.click_element(f'#output .line[data-event="{line_event}"]')
    check(selected(b) == f"#{line_event}", f"clicking the output line selected {selected(b)}")
    expect_in("the write", b.text("#details-args"), 'b"copy input.txt to copy.txt: ok')

    # Search.
    b.js("document.getElementById('search').focus()")
    b.call("Input.insertText", {"text": "renamed.txt"})
    b.wait_text("#search-count", "match", "search")
    b.click_element("#search-results li[data-event]")
    expect_in("a search result", b.text("#details"), "renamed.txt")
    b.screenshot(Path(a.artifacts) / "timeline-c.png")
    b.check_clean(url)

    # A deep link.
    url2 = f"{url}#event=5"
    b.load(url2)
    check(selected(b) == "#5", f"#event=5 selected {selected(b)}")
    b.check_clean(url2)


def mode_http(a, b, tmp):
    from http_case import Server, closed_port_url  # the http cases' local server
    server = Server()
    trace = tmp / "http.json"
    guest = Path(a.guests) / "js_http_parallel.wasm"
    try:
        wasm_rr(a, "record", guest, "-t", trace, "--allow-http", "--env", f"HTTP_BASE={server.base}",
                "--env", f"HTTP_CLOSED={closed_port_url()}")
    finally:
        server.stop()
    harness.replay_hint(a.wasm_rr, guest, trace)
    page = page_of(a, trace, tmp / "http.html")
    url = page.resolve().as_uri()
    b.load(url)
    rows = b.js("[...document.querySelectorAll('#http-table tbody tr')].map(r => [...r.cells].map(c => c.textContent))")
    print("\n".join(" | ".join(r) for r in rows))
    check(len(rows) == 9, f"expected the guest's 9 requests, found {len(rows)}")
    by_path = {r[2].split(str(server.port), 1)[-1]: r for r in rows}
    post = by_path.get("/echo")
    check(any(r[1] == "POST" and r[2] == f"{server.base}/echo" and r[3] == "200" and r[4] == "97.7 KiB" and r[5] == "57 B"
              for r in rows), f"no POST {server.base}/echo 200 with 100000 bytes sent and 57 received: {post}")
    check(any(r[1] == "PUT" and r[4] == "2.9 KiB" for r in rows), "no PUT of 3000 bytes")
    check(any(r[2] == f"{server.base}/no-such-page" and r[3] == "404" and r[5] == "9 B" for r in rows), "no 404 row")
    check(any(r[2] == f"{server.base}/chunked" and r[5] == "34 B" for r in rows), "no chunked row of 34 bytes")
    expect_in("output", b.text("#output"), "post: 200 57 bytes: POST 100000 bytes")

    # A click on the POST row selects its outgoing-handler#handle call.
    index = next(k for k, r in enumerate(rows) if r[1] == "POST")
    b.click_element(f'#http-table tbody tr[data-request="{index}"] td:nth-child(3)')
    expect_in("the POST row's event", b.text("#details-fn"), "wasi:http/outgoing-handler")
    expect_in("the POST row's event", b.text("#details"), "part of HTTP request")
    # The guest-time axis.
    b.click_element("#mode-time")
    check(b.js("wasmrrTimeline.state.mode") == "time", "the guest-time button did not switch the axis")
    b.wait_text("#view-range", "of guest time", "the view")
    b.click_event(int(selected(b)[1:]))
    expect_in("a click in guest time", b.text("#details-fn"), "wasi:http/outgoing-handler")
    b.screenshot(Path(a.artifacts) / "timeline-http.png")
    b.check_clean(url)


def mode_million(a, b, tmp):
    trace = tmp / "million.json"
    guest = Path(a.guests) / "clock_loop.wasm"
    p = wasm_rr(a, "record", guest, "-t", trace, "--", "1000000")
    check(b"1000000 clock readings" in p.stdout, f"clock_loop printed {p.stdout!r}")
    begin = time.monotonic()
    page = page_of(a, trace, tmp / "million.html")
    write_s = time.monotonic() - begin
    size = page.stat().st_size
    print(f"trace {trace.stat().st_size} bytes; page {size} bytes, written in {write_s:.2f} s")
    check(size < MILLION_PAGE_LIMIT, f"the 1 M-event page is {size} bytes (limit {MILLION_PAGE_LIMIT})")
    url = page.resolve().as_uri()
    seconds = b.load(url)
    in_page = b.js("document.body.dataset.loadMs")
    print(f"1 M-event page: rendered {seconds:.2f} s after the navigation began ({in_page} ms by the page's clock)")
    check(seconds < LOAD_LIMIT_S, f"the 1 M-event page took {seconds:.2f} s to load (limit {LOAD_LIMIT_S} s)")
    events = b.js("Number(document.body.dataset.events)")
    check(events == 1000009, f"the page says {events} events")
    expect_in("summary", b.text("#summary"), "1,000,000 monotonic-clock readings")
    expect_in("output", b.text("#output"), "1000000 clock readings, checksum")

    # The mouse wheel zooms in where it is.
    p0 = b.js("wasmrrTimeline.eventPoint(500000)")
    before = b.js("wasmrrTimeline.state.v1 - wasmrrTimeline.state.v0")
    for _ in range(6):
        b.mouse("mouseWheel", p0["x"], p0["y"], deltaX=0, deltaY=-1200)
    b.wait_for(f"wasmrrTimeline.state.v1 - wasmrrTimeline.state.v0 < {before / 100}",
               f"the wheel did not zoom in from {before} events wide")
    # An event whose details the page leaves out: it names the command that shows them.
    b.js("wasmrrTimeline.zoomTo(499950, 500050)")
    b.click_event(500000)
    check(selected(b) == "#500000", f"clicking event 500000 selected {selected(b)}")
    expect_in("a left-out event", b.text("#details-cut"), "--events 500000")
    expect_in("a left-out event", b.text("#details-fn"), "monotonic-clock")
    b.js("wasmrrTimeline.select(7, {reveal: true})")
    check(re.fullmatch(r"\[\d+\]", b.text("#details-results") or ""), f"event 7's results: {b.text('#details-results')}")
    b.js("wasmrrTimeline.zoomTo(0, 1000009)")
    b.click_event(300000)
    check(selected(b) not in (None, ""), "a click on the zoomed-out timeline selected nothing")
    b.screenshot(Path(a.artifacts) / "timeline-million.png")
    b.check_clean(url)


def hostile_trace(path: Path):
    """A trace whose every string is markup or script."""
    evil = [f"<img src=x onerror=window.pwned={k}>" for k in range(10)]
    b64 = lambda s: {"$bytes": base64.b64encode(s.encode()).decode()}  # noqa: E731
    elements = [
        {"format": "wasm-rr-trace", "version": 1, "wasm_rr_version": evil[0],
         "component": {"name": evil[1] + ".wasm", "sha256": "ab" * 32, "size": 1},
         "command": {"args": ["</script><script>window.pwned=20</script>", evil[2]], "env_names": [evil[3]],
                     "preopens": [{"host": evil[4], "guest": "/d", "read_only": False}], "redacted": []},
         "start_time": "<script>window.pwned=21</script>"},
        {"fn": "wasi:cli/stdout@0.2.3#get-stdout", "args": [], "results": [{"handle": 1}]},
        {"fn": "wasi:io/streams@0.2.3#[method]output-stream.blocking-write-and-flush",
         "args": [{"handle": 1}, b64("<b>bold</b><script>window.pwned=22</script>\n<!-- <script>\n")],
         "results": [{"ok": None}]},
        {"fn": "<svg onload=window.pwned=23>#x", "args": ["</script><!--"], "results": ["<iframe src=javascript:1>"]},
        {"fn": "wasi:filesystem/preopens@0.2.3#get-directories", "args": [], "results": [[[{"handle": 2}, evil[5]]]]},
        {"fn": "wasi:filesystem/types@0.2.3#[method]descriptor.open-at",
         "args": [{"handle": 2}, [], evil[6], ["create"], ["write"]], "results": [{"ok": {"handle": 3}}]},
        {"end": "trap", "message": "<script>window.pwned=24</script>", "backtrace": [evil[7]]},
    ]
    path.write_text("[" + ",\n".join(json.dumps(e) for e in elements) + "]\n")


def mode_ends(a, b, tmp):
    g = Path(a.guests)
    # A trap, with its backtrace.
    trap = tmp / "trap.json"
    wasm_rr(a, "record", g / "trap.wasm", "-t", trap, expect=EXIT_GUEST_TRAP)
    url = page_of(a, trap, tmp / "trap.html").resolve().as_uri()
    b.load(url)
    expect_in("a trap", b.text("#end-banner"), "The guest trapped")
    expect_in("its backtrace", b.text(".backtrace"), "trap_level_three")
    b.check_clean(url)
    # Stopped by --timeout.
    hang = tmp / "hang.json"
    wasm_rr(a, "record", g / "hang.wasm", "-t", hang, "--timeout", "300ms", "--", "sleep", "2", expect=EXIT_TIMEOUT)
    url = page_of(a, hang, tmp / "hang.html").resolve().as_uri()
    b.load(url)
    expect_in("a timeout", b.text("#end-banner"), "stopped by --timeout")
    expect_in("its output", b.text("#output"), "line 1 before hanging (sleep)")
    b.check_clean(url)
    # Cut short: no end record, and the last element cut in the middle.
    lines = hang.read_text().splitlines(keepends=True)
    cut = tmp / "cut.json"
    cut.write_text("".join(lines[:-2]) + lines[-2][: len(lines[-2]) // 2])
    url = page_of(a, cut, tmp / "cut.html").resolve().as_uri()
    b.load(url)
    banner = b.text("#end-banner")
    expect_in("a trace cut short", banner, "Cut short")
    expect_in("a trace cut short", banner, "ends in the middle of an element")
    expect_in("a trace cut short", banner, f"(exit {EXIT_DIVERGENCE})")
    b.screenshot(Path(a.artifacts) / "timeline-cut.png")
    b.check_clean(url)
    # Cut before its first event: a page with nothing on its timeline.
    header_only = tmp / "header-only.json"
    header_only.write_text(lines[0])
    url = page_of(a, header_only, tmp / "header-only.html").resolve().as_uri()
    b.load(url)
    expect_in("a trace of no event", b.text("#end-banner"), "replays its 0 events")
    expect_in("a trace of no event", b.text("#view-range"), "of 0")
    b.check_clean(url)
    # A hostile trace: its text is shown as text, nothing of it runs or becomes markup.
    evil = tmp / "hostile.json"
    hostile_trace(evil)
    page = page_of(a, evil, tmp / "hostile.html")
    page_data(page)
    url = page.resolve().as_uri()
    b.load(url)
    check(b.js("typeof window.pwned") == "undefined", f"the hostile trace ran script: pwned = {b.js('window.pwned')}")
    counts = b.js("[document.scripts.length, document.querySelectorAll('img, iframe, svg, b, object, embed').length]")
    check(counts == [2, 0], f"the hostile trace made markup: [scripts, injected elements] = {counts}")
    expect_in("the output, as text", b.text("#output"), "<b>bold</b><script>window.pwned=22</script>")
    expect_in("the title, as text", b.text("#title-component"), "<img src=x onerror=window.pwned=1>.wasm")
    expect_in("the trap, as text", b.text("#end-banner"), "<script>window.pwned=24</script>")
    b.click_event(2)
    expect_in("the function, as text", b.text("#details-fn"), "<svg onload=window.pwned=23>#x")
    expect_in("the arguments, as text", b.text("#details-args"), '"</script><!--"')
    expect_in("the file, as text", b.text("#files"), "<img src=x onerror=window.pwned=5>/<img src=x onerror=window.pwned=6>")
    check(b.js("typeof window.pwned") == "undefined", "the hostile trace ran script after a click")
    b.check_clean(url)


def mode_async(a, b, tmp):
    """A WASI 0.3 guest: its stdout stream's bytes (the runtime's take calls) are its output."""
    guest = Path(a.guests) / "async_hello_stream.wasm"
    trace = tmp / "async.json"
    wasm_rr(a, "record", guest, "-t", trace)
    harness.replay_hint(a.wasm_rr, guest, trace)
    page = page_of(a, trace, tmp / "async.html")
    d = page_data(page)
    expect_in("the page's stdio", json.dumps(d["stdio"]), "hello from a stream")
    url = page.resolve().as_uri()
    b.load(url)
    labels = b.js("[...document.querySelectorAll('.lane-label .name')].map(e => e.textContent)")
    for lane in ("wasi:cli/stdout", "wasm-rr:async/streams"):
        check(lane in labels, f"no lane {lane}: {labels}")
    expect_in("output", b.text("#output"), "hello from a stream")
    line_event = b.js("[...document.querySelectorAll('#output .line')].find(l => l.textContent.includes('hello')).dataset.event")
    b.click_element(f'#output .line[data-event="{line_event}"]')
    check(selected(b) == f"#{line_event}", f"clicking the output line selected {selected(b)}")
    expect_in("the take", b.text("#details-fn"), "wasm-rr:async/streams#take")
    b.screenshot(Path(a.artifacts) / "timeline-async.png")
    b.check_clean(url)


MODES = {"c": mode_c, "http": mode_http, "million": mode_million, "ends": mode_ends, "async": mode_async}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--wasm-rr", required=True)
    ap.add_argument("--guests", required=True, help="the folder of built guest components")
    ap.add_argument("--artifacts", required=True, help="where the screenshots go")
    ap.add_argument("--chromium", help="the browser (default: chromium on PATH)")
    ap.add_argument("mode", choices=sorted(MODES))
    a = ap.parse_args()
    with scratch(f"timeline-{a.mode}", "wasmrr-timeline-") as tmp:
        chromium = find_chromium(a.chromium)
        b = Browser(chromium, tmp)
        try:
            MODES[a.mode](a, b, tmp)
        finally:
            b.close()
    print("ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
