"""What the e2e harnesses share: failing with a message, running commands, and
keeping the evidence of a failure.

A harness works in `scratch(name)`, a temporary folder. When the case fails
(fail(), a failed check, or any exception), the folder is kept: copied to
$WASMRR_E2E_KEEP/<name> (CMake sets it to <build>/tests/e2e/failures), and
every trace the case registered with `replay_hint()` is printed as the
command that replays it there, so a failure can be looked at and replayed by
hand. A passing case leaves nothing behind.
"""
import os
import shutil
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

from exit_codes import EXIT_DIVERGENCE, EXIT_GUEST_TRAP, EXIT_TIMEOUT, EXIT_TOOL_ERROR  # noqa: F401 (re-exported)


class CaseFailed(Exception):
    pass


def fail(msg):
    raise CaseFailed(msg)


def check(cond, msg):
    if not cond:
        fail(msg)


def run(cmd, stdin_bytes=None, timeout=300, **kw):
    """Runs cmd to the end; returns (CompletedProcess, seconds)."""
    start = time.monotonic()
    p = subprocess.run([str(c) for c in cmd], input=stdin_bytes, capture_output=True, timeout=timeout, **kw)
    return p, time.monotonic() - start


_hints = []


def replay_hint(wasm_rr, component, trace):
    """Registers a trace: on failure, the command that replays its kept copy is printed."""
    _hints.append((str(wasm_rr), str(component), Path(trace)))


@contextmanager
def scratch(name, prefix="wasm-rr-e2e-"):
    """A temporary folder for one case; kept (and its traces' replay commands printed) if the case fails."""
    tmp = Path(tempfile.mkdtemp(prefix=prefix))
    _hints.clear()
    try:
        yield tmp
    except BaseException as e:
        if isinstance(e, SystemExit) and e.code in (0, None):
            shutil.rmtree(tmp, ignore_errors=True)
            raise
        message = str(e) if isinstance(e, CaseFailed) else f"{type(e).__name__}: {e}"
        print(f"FAIL: {message}")
        kept = keep(tmp, name)
        for wasm_rr, component, trace in _hints:
            where = kept / trace.relative_to(tmp) if kept and trace.is_relative_to(tmp) else trace
            if where.exists():
                print(f"  replay it: {wasm_rr} replay {component} {where}")
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
