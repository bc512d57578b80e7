#!/usr/bin/env python3
"""Runs one end-to-end case and checks what the command did.

    run_case.py [checks] -- COMMAND... [--ref REFERENCE-COMMAND...]

The command's stdout and stderr go to files, never pipes (jco run loses
output at exit when its stdout is a pipe). With --ref, the reference command
runs after it, with the same environment and stdin (--ref-stdin-null: none),
and its stdout and exit code are the expected ones: a differential test
(wasm-rr run vs jco run or a native build) or a record/replay test (record,
then replay, with --ref-compare-stderr). Exit status: 0 pass, 1 fail.

`@MALFORMED@` in a command is replaced by the path of a file made by
--malformed KIND (from --malformed-source) in a scratch folder; `@TMP@` by the
scratch folder itself (harness.scratch: kept if the case fails, with the
command that replays a trace a `wasm-rr record -t` in it made).
"""
import argparse
import difflib
import os
import random
import re
import signal
import sys
from pathlib import Path

from harness import clip, fail, replay_hint, run as run_command, scratch

# Exit codes that mean the process died rather than reported an error:
# 128+SIGABRT and 128+SIGSEGV as a shell reports them.
CRASH_CODES = {128 + signal.SIGABRT, 128 + signal.SIGSEGV, 128 + signal.SIGBUS,
               128 + signal.SIGILL, 128 + signal.SIGFPE}


def leb128_u32(value: int, width: int = 5) -> bytes:
    """Fixed-width unsigned LEB128 (padded), as a binary rewrite needs."""
    out = bytearray()
    for i in range(width):
        byte = value & 0x7F
        value >>= 7
        out.append(byte | (0x80 if i < width - 1 else 0))
    return bytes(out)


def malformed_bytes(kind: str, source: bytes) -> bytes:
    """Corrupts a valid component (source) in one named way."""
    rng = random.Random(20240611)
    if kind == "empty":
        return b""
    if kind == "garbage":
        return bytes(rng.randrange(256) for _ in range(4096))
    if kind == "copy":  # e.g. a core module where a component is expected
        return source
    if kind == "truncated-preamble":
        return source[:6]
    if kind == "truncated-half":
        return source[: len(source) // 2]
    if kind == "truncated-last-byte":
        return source[:-1]
    if kind == "bad-version":  # component preamble with an unknown version
        return source[:4] + b"\x0e\x00\x01\x00" + source[8:]
    if kind == "bad-section-id":  # the first section's id byte
        return source[:8] + b"\x7f" + source[9:]
    if kind == "section-size-overflow":  # first section claims ~4 GiB
        size_start = 9
        size_end = size_start
        while source[size_end] & 0x80:
            size_end += 1
        return source[:size_start] + leb128_u32(0xFFFFFFF0) + source[size_end + 1:]
    if kind == "random-bytes-flipped":  # deterministic bit flips after the preamble
        data = bytearray(source)
        for _ in range(64):
            pos = rng.randrange(8, len(data))
            data[pos] ^= 1 << rng.randrange(8)
        return bytes(data)
    raise SystemExit(f"unknown --malformed kind: {kind}")


def split_commands(argv):
    """Splits `-- CMD... [--ref REF...]` off the options."""
    if "--" not in argv:
        raise SystemExit("usage: run_case.py [checks] -- COMMAND... [--ref COMMAND...]")
    i = argv.index("--")
    options, rest = argv[:i], argv[i + 1:]
    if "--ref" in rest:
        j = rest.index("--ref")
        return options, rest[:j], rest[j + 1:]
    return options, rest, None


def parse_options(options):
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--name", default="case")
    p.add_argument("--exit", type=int, default=None, help="expected exit code (default 0)")
    p.add_argument("--exit-error", action="store_true",
                   help="expect a reported error: exit code > 0, not a crash or --forbid-exit")
    p.add_argument("--forbid-exit", type=int, action="append", default=[])
    p.add_argument("--stdout", dest="stdout_exact", default=None, help="exact stdout")
    p.add_argument("--stdout-file", type=Path, default=None, help="file holding the exact stdout")
    p.add_argument("--stdout-regex", action="append", default=[])
    p.add_argument("--stdout-not-regex", action="append", default=[])
    p.add_argument("--stderr-contains", action="append", default=[])
    p.add_argument("--stderr-regex", action="append", default=[])
    p.add_argument("--stderr-nonempty", action="store_true")
    p.add_argument("--stdin-text", default=None)
    p.add_argument("--stdin-file", type=Path, default=None)
    p.add_argument("--set-env", action="append", default=[], metavar="NAME=VALUE")
    p.add_argument("--malformed", default=None)
    p.add_argument("--malformed-source", type=Path, default=None)
    p.add_argument("--ref-compare", choices=["all", "exit", "none"], default="all",
                   help="what of the reference run must match the command's: stdout and exit "
                        "code (all), the exit code only (exit), or nothing (none)")
    p.add_argument("--ref-compare-stderr", action="store_true",
                   help="the reference's stderr must match the command's too")
    p.add_argument("--ref-stdin-null", action="store_true",
                   help="the reference reads an empty stdin (a replay must not need one)")
    p.add_argument("--ref-exit", type=int, default=None, help="expected exit code of the reference")
    p.add_argument("--ref-stderr-contains", action="append", default=[])
    p.add_argument("--timeout", type=float, default=300)
    return p.parse_args(options)


def command_env(settings):
    # GUEST_* variables are what the hello guest prints: start without any.
    env = {k: v for k, v in os.environ.items() if not k.startswith("GUEST_")}
    for setting in settings:
        name, _, value = setting.partition("=")
        env[name] = value
    return env


class Outcome:
    def __init__(self, cmd, returncode, stdout: bytes, stderr: bytes):
        self.cmd, self.returncode, self.stdout, self.stderr = cmd, returncode, stdout, stderr

    def describe(self) -> str:
        return (f"command: {' '.join(self.cmd)}\nexit code: {self.returncode}\n"
                f"--- stdout ---\n{clip(self.stdout)}\n--- stderr ---\n{clip(self.stderr)}\n")


def run(cmd, stdin_path: Path, env, workdir: Path, tag: str, timeout: float) -> Outcome:
    """The command, its output in workdir/TAG.stdout and .stderr; exit code None if it timed out."""
    with open(stdin_path, "rb") as fin:
        p, _ = run_command(cmd, stdin=fin, env=env, timeout=timeout, files=workdir / tag, allow_timeout=True)
    stderr = p.stderr + (f"run_case.py: timed out after {timeout} s\n".encode() if p.timed_out else b"")
    return Outcome(p.args, p.returncode, p.stdout, stderr)


def hint_trace(cmd):
    """`wasm-rr record COMPONENT ... -t TRACE`: the trace's replay command is printed if the case fails."""
    if len(cmd) < 3 or cmd[1] != "record":
        return
    component = next((c for c in cmd[2:] if c.endswith(".wasm")), None)
    trace = next((cmd[i + 1] for i, c in enumerate(cmd[:-1]) if c in ("-t", "--trace")), None)
    if component and trace:
        replay_hint(cmd[0], component, Path(trace))


def diff(expected: str, actual: str) -> str:
    lines = difflib.unified_diff(expected.splitlines(True), actual.splitlines(True),
                                 "expected", "actual")
    return "".join(lines)


def check_exit(args, outcome: Outcome, failures):
    rc = outcome.returncode
    if rc is None:
        failures.append("the command timed out")
    elif rc < 0:
        failures.append(f"the command was killed by signal {-rc} ({signal.Signals(-rc).name})")
    elif args.exit_error:
        if rc == 0:
            failures.append("expected an error exit code, got 0")
        elif rc in args.forbid_exit or rc in CRASH_CODES:
            failures.append(f"exit code {rc} means a crash or a trap, not a reported error")
    elif args.exit is not None and rc != args.exit:
        failures.append(f"expected exit code {args.exit}, got {rc}")


def check_output(args, outcome: Outcome, failures):
    out = outcome.stdout.decode("utf-8", "replace")
    err = outcome.stderr.decode("utf-8", "replace")
    expected = args.stdout_exact
    if args.stdout_file is not None:
        expected = args.stdout_file.read_text()
    if expected is not None and out != expected:
        failures.append("stdout differs:\n" + diff(expected, out))
    for pattern in args.stdout_regex:
        if not re.search(pattern, out, re.MULTILINE):
            failures.append(f"stdout does not match /{pattern}/")
    for pattern in args.stdout_not_regex:
        if re.search(pattern, out, re.MULTILINE):
            failures.append(f"stdout matches /{pattern}/ but must not")
    for needle in args.stderr_contains:
        if needle not in err:
            failures.append(f"stderr does not contain {needle!r}")
    for pattern in args.stderr_regex:
        if not re.search(pattern, err, re.MULTILINE):
            failures.append(f"stderr does not match /{pattern}/")
    if args.stderr_nonempty and not err.strip():
        failures.append("stderr is empty; expected an error message")


def check_against_reference(outcome: Outcome, ref: Outcome, args, failures):
    compare = args.ref_compare
    if args.ref_exit is not None and ref.returncode != args.ref_exit:
        failures.append(f"expected exit code {args.ref_exit} from the reference, "
                        f"got {ref.returncode}")
    err = ref.stderr.decode("utf-8", "replace")
    for needle in args.ref_stderr_contains:
        if needle not in err:
            failures.append(f"the reference's stderr does not contain {needle!r}")
    if args.ref_compare_stderr and ref.stderr != outcome.stderr:
        failures.append("stderr differs from the reference's:\n" +
                        diff(ref.stderr.decode("utf-8", "replace"),
                             outcome.stderr.decode("utf-8", "replace")))
    if compare != "none" and ref.returncode != outcome.returncode:
        failures.append(f"exit code {outcome.returncode} differs from the reference's "
                        f"{ref.returncode}")
    if compare == "all" and ref.stdout != outcome.stdout:
        failures.append("stdout differs from the reference's:\n" +
                        diff(ref.stdout.decode("utf-8", "replace"),
                             outcome.stdout.decode("utf-8", "replace")))


def substitute(cmd, replacements):
    out = []
    for arg in cmd:
        for key, value in replacements.items():
            arg = arg.replace(key, value)
        out.append(arg)
    return out


def main() -> int:
    options, cmd, ref_cmd = split_commands(sys.argv[1:])
    args = parse_options(options)
    env = command_env(args.set_env)
    with scratch(args.name, "wasmrr-e2e-") as workdir:
        replacements = {"@TMP@": str(workdir)}
        if args.malformed:
            source = args.malformed_source.read_bytes() if args.malformed_source else b""
            bad = workdir / f"{args.malformed}.wasm"
            bad.write_bytes(malformed_bytes(args.malformed, source))
            replacements["@MALFORMED@"] = str(bad)
        cmd = substitute(cmd, replacements)
        hint_trace(cmd)

        stdin_path = Path(os.devnull)
        if args.stdin_file is not None:
            stdin_path = args.stdin_file
        elif args.stdin_text is not None:
            stdin_path = workdir / "stdin"
            stdin_path.write_bytes(args.stdin_text.encode())

        outcome = run(cmd, stdin_path, env, workdir, "cmd", args.timeout)
        failures = []
        if ref_cmd is not None:
            ref_stdin = Path(os.devnull) if args.ref_stdin_null else stdin_path
            ref = run(substitute(ref_cmd, replacements), ref_stdin, env, workdir, "ref",
                      args.timeout)
            check_exit(args, outcome, failures)
            check_against_reference(outcome, ref, args, failures)
        else:
            ref = None
            if args.exit is None and not args.exit_error:
                args.exit = 0
            check_exit(args, outcome, failures)
        check_output(args, outcome, failures)

        if failures:
            print(f"{args.name}: FAILED")
            for f in failures:
                print(" - " + f)
            print(outcome.describe())
            if ref is not None:
                print("reference run:\n" + ref.describe())
            fail(f"{args.name}: {len(failures)} check(s) failed, listed above")
    print(f"{args.name}: ok (exit code {outcome.returncode})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
