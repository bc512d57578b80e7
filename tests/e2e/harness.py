"""What the e2e harnesses share: failing with a message, running commands, and
keeping the evidence of a failure.

A harness works in `scratch(name)`, a temporary folder. When the case fails
(fail(), a failed check(), fail_later() during the case, or any exception),
the folder is kept: copied to $WASMRR_E2E_KEEP/<test> (CMake sets it to
<build>/tests/e2e/failures, and WASMRR_E2E_CASE to the ctest name, which
<test> is; outside ctest it is `name`), and every trace the case registered
with `replay_hint()` (any command, with `hint()`) is printed as the command
that replays it there, so a failure can be looked at and replayed by hand. A
passing case leaves nothing behind.

run() and start() run commands with stdin from /dev/null (or stdin_bytes
through a pipe, or stdin=...), stdout and stderr into files, never pipes
(`jco run` loses piped output at exit; no pipe can fill up either), and
measure the child's own peak memory (wait4).
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from contextlib import contextmanager
from pathlib import Path

from exit_codes import EXIT_DIVERGENCE, EXIT_GUEST_TRAP, EXIT_TIMEOUT, EXIT_TOOL_ERROR  # noqa: F401 (re-exported)

# The cases neither read nor fill the user's code cache (docs/code-cache.md:
# explore fills it): the code cache's own case gives its runs one of their own.
os.environ.setdefault("WASMRR_CODE_CACHE", "off")


class CaseFailed(Exception):
    pass


def fail(msg):
    """Ends the case as failed."""
    raise CaseFailed(msg)


def check(cond, msg):
    if not cond:
        fail(msg)


_deferred = []


def fail_later(msg):
    """Records a failure and lets the case go on (to report every difference
    at once); the case fails when it ends."""
    print(f"FAIL: {msg}")
    _deferred.append(msg)


def clip(data, limit=4000):
    """Bytes or text for a message: decoded, and its first `limit` characters."""
    text = data.decode("utf-8", "replace") if isinstance(data, bytes) else str(data)
    return text if len(text) <= limit else text[:limit] + f"\n... ({len(text)} chars)"


class Started:
    """A command started by start(); finish() waits for it."""

    def __init__(self, cmd, stdin_bytes=None, timeout=300, files=None, stdin=subprocess.DEVNULL, **kw):
        self.cmd = [str(c) for c in cmd]
        self.timeout = timeout
        if files is not None:
            self.out, self.err = open(f"{files}.stdout", "w+b"), open(f"{files}.stderr", "w+b")
        else:
            self.out, self.err = tempfile.TemporaryFile(), tempfile.TemporaryFile()
        if isinstance(stdin_bytes, str):
            stdin_bytes = stdin_bytes.encode()
        self.begin = time.monotonic()
        try:
            self.proc = subprocess.Popen(self.cmd, stdin=subprocess.PIPE if stdin_bytes is not None else stdin,
                                         stdout=self.out, stderr=self.err, **kw)
        except OSError as e:
            self.out.close()
            self.err.close()
            fail(f"cannot start `{' '.join(self.cmd)}`: {e}")
        self.feeder = None
        if stdin_bytes is not None:
            self.feeder = threading.Thread(target=self._feed, args=(stdin_bytes,), daemon=True)
            self.feeder.start()
        self.lock = threading.Lock()
        self.reaped = False
        self.timed_out = False
        self.timer = None
        if timeout is not None:
            self.timer = threading.Timer(timeout, self._expire)
            self.timer.daemon = True
            self.timer.start()

    def _feed(self, data):
        try:
            self.proc.stdin.write(data)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the command ended without reading it all
        finally:
            try:
                self.proc.stdin.close()
            except (BrokenPipeError, ConnectionResetError):
                pass

    def _expire(self):
        with self.lock:
            if not self.reaped:
                self.timed_out = True
                self.proc.kill()

    def finish(self, allow_timeout=False, check=False, text=False):
        """Waits for the command; returns (CompletedProcess, seconds). The
        CompletedProcess also has peak_rss (bytes), seconds and timed_out.
        A command still running after `timeout` seconds is killed: that fails
        the case, unless allow_timeout (then returncode is None). check: any
        exit code but 0 fails the case. text: stdout and stderr as str."""
        _, status, usage = os.wait4(self.proc.pid, 0)
        with self.lock:
            self.reaped = True
        if self.timer:
            self.timer.cancel()
        seconds = time.monotonic() - self.begin
        self.proc.returncode = os.waitstatus_to_exitcode(status)
        if self.feeder:
            self.feeder.join()
        outputs = []
        for f in (self.out, self.err):
            f.seek(0)
            outputs.append(f.read())
            f.close()
        out, err = (o.decode("utf-8", "replace") for o in outputs) if text else outputs
        code = None if self.timed_out else self.proc.returncode
        p = subprocess.CompletedProcess(self.cmd, code, out, err)
        p.peak_rss, p.seconds, p.timed_out = usage.ru_maxrss * 1024, seconds, self.timed_out
        if self.timed_out and not allow_timeout:
            fail(f"`{' '.join(self.cmd)}` did not end within {self.timeout} s\n"
                 f"stdout: {clip(out, 2000)}\nstderr: {clip(err, 2000)}")
        if check and code != 0:
            fail(f"`{' '.join(self.cmd)}` exited {code}\nstdout: {clip(out)}\nstderr: {clip(err)}")
        return p, seconds


def start(cmd, stdin_bytes=None, timeout=300, files=None, **kw):
    """Starts cmd (see run()) and returns at once: a Started, whose finish() waits for it."""
    return Started(cmd, stdin_bytes, timeout, files, **kw)


def run(cmd, stdin_bytes=None, timeout=300, files=None, allow_timeout=False, check=False, text=False, **kw):
    """Runs cmd to the end; returns (CompletedProcess, seconds).

    stdin: stdin_bytes through a pipe, else the stdin= given, else /dev/null.
    files: a path prefix: stdout and stderr go to PREFIX.stdout and
    PREFIX.stderr (they stay, for the kept scratch folder), else to temporary
    files. Other keywords (env, cwd, ...) go to subprocess.Popen; for
    allow_timeout, check and text see Started.finish."""
    return start(cmd, stdin_bytes, timeout, files, **kw).finish(allow_timeout=allow_timeout, check=check, text=text)


def wait_for_output(proc, out, done, what, err=None, timeout=30):
    """Waits, while proc (a Popen writing its stdout to the file `out`) runs,
    until done(the bytes in `out`) holds; fails if proc ends first (with its
    stderr file `err`, if given) or after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while not done(out.read_bytes()):
        if proc.poll() is not None:
            fail(f"{what}: it ended early (exit {proc.returncode}): {clip(err.read_bytes()) if err else ''}")
        check(time.monotonic() < deadline, f"{what}: not printed within {timeout} s: {clip(out.read_bytes())}")
        time.sleep(0.001)


_hints = []


def hint(label, *cmd):
    """Registers a command to print if the case fails, as `label: cmd`; a Path
    in the scratch folder is printed as its kept copy (and the hint only if
    that exists)."""
    _hints.append((label, cmd))


def trace_elements(trace):
    """The elements of a JSON trace as the recorder writes it: one per line."""
    out = []
    for line in Path(trace).read_text().splitlines():
        text = line.strip().removeprefix("[").removesuffix("]").rstrip(",")
        out.append(json.loads(text))
    return out


def write_trace_elements(trace, els, complete=True):
    """Writes elements as the recorder would; complete=False: as if cut short."""
    lines = [json.dumps(e, separators=(",", ":")) for e in els]
    text = "[" + ",\n".join(lines) + ("]\n" if complete else ",\n")
    Path(trace).write_text(text)
    return trace


def replay_hint(wasm_rr, component, trace):
    """Registers a trace: on failure, the command that replays its kept copy is printed."""
    hint("replay it", str(wasm_rr), "replay", str(component), Path(trace))


def _print_hints(tmp, kept):
    for label, cmd in _hints:
        words, present = [], True
        for c in cmd:
            if isinstance(c, Path):
                if kept and c.is_relative_to(tmp):
                    c = kept / c.relative_to(tmp)
                present = present and c.exists()
            words.append(str(c))
        if present:
            print(f"  {label}: {' '.join(words)}")


@contextmanager
def scratch(name, prefix="wasm-rr-e2e-"):
    """A temporary folder for one case; kept (and its traces' replay commands printed) if the case fails."""
    name = os.environ.get("WASMRR_E2E_CASE") or name
    tmp = Path(tempfile.mkdtemp(prefix=prefix))
    _hints.clear()
    _deferred.clear()
    try:
        yield tmp
        if _deferred:
            raise CaseFailed(f"{len(_deferred)} failure(s), each printed above")
    except BaseException as e:
        if isinstance(e, SystemExit) and e.code in (0, None) and not _deferred:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
        message = str(e) if isinstance(e, CaseFailed) else f"{type(e).__name__}: {e}"
        if isinstance(e, SystemExit) and _deferred:
            message = f"{len(_deferred)} failure(s), each printed above"
        print(f"FAIL: {message}")
        kept = keep(tmp, name)
        _print_hints(tmp, kept)
        shutil.rmtree(tmp, ignore_errors=True)
        if isinstance(e, (CaseFailed, SystemExit)):
            sys.exit(1)
        raise
    shutil.rmtree(tmp, ignore_errors=True)


def keep(tmp, name):
    """Copies the scratch folder to $WASMRR_E2E_KEEP/name; returns where, or None."""
    root = os.environ.get("WASMRR_E2E_KEEP")
    if not root:
        print(f"  (set WASMRR_E2E_KEEP to keep the case's files; they were in {tmp})")
        return None
    dest = Path(root) / name
    shutil.rmtree(dest, ignore_errors=True)
    shutil.copytree(tmp, dest, symlinks=True, ignore_dangling_symlinks=True)
    print(f"  the case's files are kept in {dest}")
    return dest
