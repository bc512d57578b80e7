#!/usr/bin/env python3
"""Golden tests: everything wasm-rr shows a user, compared with a reviewed copy.

Each case below runs one wasm-rr command line on real guest components and on
traces recorded (and then edited) here, and compares what it printed (stdout,
stderr) and its exit code with tests/golden/expected/CASE.txt. Volatile parts
are replaced by placeholders first: the case's temporary directory by @TMP@,
the build directory by @BUILD@, SHA-256 digests by @SHA256@, times by @TIME@,
component and trace sizes by @SIZE@.

    run_golden.py --wasm-rr EXE --guests DIR [--group G]... [CASE-or-GLOB]...
    run_golden.py ... --rebase           write what wasm-rr prints now as expected
    run_golden.py --list | --list-groups

Review a rebase with `git diff tests/golden/expected` (see README.md).
Exit status 0 = every selected case matched.
"""
import argparse
import difflib
import fnmatch
import json
import os
import random
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
SOURCE_DIR = HERE.parent.parent

CASES = []  # (name, description, function), in definition order


def case(name, description):
    def register(fn):
        if any(n == name for n, _, _ in CASES):
            raise SystemExit(f"duplicate golden case {name}")
        CASES.append((name, description, fn))
        return fn
    return register


def group_of(name):
    return name.split(".", 1)[0]


class Setup(Exception):
    """A case's preparation failed (not a golden mismatch)."""


class Ctx:
    """What a case function gets: a fresh directory (the cwd of every command)
    and helpers to copy guests in and to record and edit traces."""

    def __init__(self, wasm_rr, guests, tmp):
        self.wasm_rr = wasm_rr
        self.guests = guests
        self.tmp = tmp

    def run(self, args, stdin=b"", env=None, timeout=120):
        full_env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LC_ALL": "C"}
        full_env.update(env or {})
        # argv[0] is plain `wasm-rr`, as for a wasm-rr on the PATH.
        return subprocess.run(["wasm-rr", *map(str, args)], executable=self.wasm_rr, cwd=self.tmp, input=stdin,
                              capture_output=True, env=full_env, timeout=timeout)

    def guest(self, name, as_name=None):
        """Copies build/guests/NAME into the case directory; returns its file name."""
        src = self.guests / name
        if not src.is_file():
            raise Setup(f"guest {src} is not built")
        dst = self.tmp / (as_name or Path(name).name)
        shutil.copyfile(src, dst)
        return dst.name

    def record(self, component, trace="trace.json", args=(), stdin=b"", opts=(), ok_codes=(0, 1, 134)):
        p = self.run(["record", component, "-t", trace, *opts, "--", *args], stdin=stdin)
        if p.returncode not in ok_codes:
            raise Setup(f"recording {component} exited {p.returncode}: {p.stderr.decode(errors='replace')}")
        return trace

    def lines(self, trace):
        return (self.tmp / trace).read_text().splitlines()

    def write_lines(self, trace, lines):
        (self.tmp / trace).write_text("\n".join(lines) + "\n")

    def write(self, name, data):
        path = self.tmp / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data if isinstance(data, bytes) else data.encode())
        return name

    def read(self, name):
        return (self.tmp / name).read_bytes()

    def convert(self, src, dst):
        p = self.run(["convert", src, dst])
        if p.returncode != 0:
            raise Setup(f"convert {src} {dst} exited {p.returncode}: {p.stderr.decode(errors='replace')}")
        return dst


# --- editing JSON traces, one element per line (as the recorder writes them) ---

def parse_line(line):
    """The element on one trace line: the header line starts with `[`, the
    last one ends with `]`, the others with `,`."""
    text = line.strip()
    if text.startswith("["):
        text = text[1:]
    if text.endswith("]"):
        text = text[:-1]
    return json.loads(text.rstrip(","))


def format_line(element, like):
    """`element` as one line, in the place of line `like` (same brackets and comma)."""
    text = json.dumps(element, separators=(",", ":"))
    if like.startswith("["):
        text = "[" + text
    if like.rstrip().endswith("]"):
        return text + "]"
    return text + ","


def event_lines(lines):
    """Indexes of the lines that hold events (not the header, not the end record)."""
    return [i for i, l in enumerate(lines) if i > 0 and "fn" in parse_line(l)]


def set_end(lines, end):
    lines[-1] = json.dumps(end, separators=(",", ":")) + "]"


def edit_event(lines, index, fn):
    """Applies fn to event number `index` (0-based, as reports count them)."""
    i = event_lines(lines)[index]
    e = parse_line(lines[i])
    fn(e)
    lines[i] = format_line(e, lines[i])


def find_event(lines, pred):
    for n, i in enumerate(event_lines(lines)):
        if pred(parse_line(lines[i])):
            return n
    raise Setup("no event matches")


def is_write(e):
    return "output-stream.blocking-write-and-flush" in e["fn"]


HELLO_ARGS = ["a", "b c"]


def hello_trace(ctx, trace="trace.json"):
    """hello.wasm recorded with the arguments `a` and `b c`: 11 events (environment,
    arguments twice, stdin/stdout/stderr, preopens, terminal, three writes)."""
    ctx.guest("hello.wasm")
    return ctx.record("hello.wasm", trace, args=HELLO_ARGS)


def edited_hello(ctx, edit, trace="trace.json"):
    hello_trace(ctx, trace)
    ls = ctx.lines(trace)
    edit(ls)
    ctx.write_lines(trace, ls)
    return trace


# --- help -----------------------------------------------------------------

@case("help.main", "wasm-rr --help: the subcommands and exit codes")
def _(ctx):
    return ["--help"]


@case("help.no_arguments", "wasm-rr with no arguments at all")
def _(ctx):
    return []


@case("help.version", "wasm-rr --version")
def _(ctx):
    return ["--version"]


for _sub in ["run", "record", "replay", "debug", "convert", "inspect", "pack", "compile", "explore", "shrink", "serve"]:
    case(f"help.{_sub}", f"wasm-rr {_sub} --help")(lambda ctx, s=_sub: [s, "--help"])


# --- usage errors -----------------------------------------------------------

@case("cli.unknown_subcommand", "a subcommand that does not exist")
def _(ctx):
    return ["frobnicate", "hello.wasm"]


@case("cli.unknown_option", "an option run does not have")
def _(ctx):
    ctx.guest("hello.wasm")
    return ["run", "hello.wasm", "--no-such-option"]


@case("cli.run_without_component", "run without the component argument")
def _(ctx):
    return ["run"]


@case("cli.missing_component_file", "run on a file that does not exist")
def _(ctx):
    return ["run", "no-such-component.wasm"]


@case("cli.record_bad_extension", "record to a trace whose extension picks no format, without -f")
def _(ctx):
    ctx.guest("hello.wasm")
    return ["record", "hello.wasm", "-t", "trace.txt"]


@case("cli.record_bad_format", "record -f with a format that does not exist")
def _(ctx):
    ctx.guest("hello.wasm")
    return ["record", "hello.wasm", "-f", "xml"]


@case("cli.dir_bad_mode", "--dir with a mode suffix that reads like one but is not :ro or :rw")
def _(ctx):
    ctx.guest("hello.wasm")
    (ctx.tmp / "data").mkdir()
    return ["run", "hello.wasm", "--dir", "data::/data:RO"]


@case("cli.dir_missing", "--dir naming a host directory that does not exist")
def _(ctx):
    ctx.guest("hello.wasm")
    return ["run", "hello.wasm", "--dir", "no-such-dir::/data"]


@case("cli.bad_timeout", "--timeout with a unit wasm-rr does not know")
def _(ctx):
    ctx.guest("hello.wasm")
    return ["run", "hello.wasm", "--timeout", "5parsecs"]


@case("cli.bad_max_memory", "--max-memory that is not a size")
def _(ctx):
    ctx.guest("hello.wasm")
    return ["run", "hello.wasm", "--max-memory", "lots"]


@case("cli.bad_max_handles", "--max-handles out of its range")
def _(ctx):
    ctx.guest("hello.wasm")
    return ["run", "hello.wasm", "--max-handles", "0"]


@case("cli.bad_allow_tcp", "--allow-tcp with a SPEC that does not parse")
def _(ctx):
    ctx.guest("hello.wasm")
    return ["run", "hello.wasm", "--allow-tcp", "localhost:http"]


@case("cli.convert_onto_itself", "convert with OUT the same file as IN")
def _(ctx):
    hello_trace(ctx)
    return ["convert", "trace.json", "./trace.json"]


@case("cli.record_onto_component", "record with the component itself as the trace path")
def _(ctx):
    ctx.guest("hello.wasm")
    return ["record", "hello.wasm", "-f", "json", "-t", "hello.wasm"]


@case("cli.replay_missing_trace", "replay with the default trace wasm-rr-trace.json absent")
def _(ctx):
    ctx.guest("hello.wasm")
    return ["replay", "hello.wasm"]


# --- run: how guests end -------------------------------------------------------

@case("run.hello", "hello.wasm with an environment variable and two arguments")
def _(ctx):
    ctx.guest("hello.wasm")
    return ["run", "hello.wasm", "--env", "GUEST_GREETING=hi", "--", "a", "b c"]


@case("run.exit_code", "exit_code.wasm calls exit(3): WASI 0.2 carries only err, so the status is 1")
def _(ctx):
    ctx.guest("exit_code.wasm")
    return ["run", "exit_code.wasm"]


@case("run.trap", "trap.wasm reaches `unreachable` three calls deep: the trap report and guest backtrace")
def _(ctx):
    ctx.guest("trap.wasm")
    return ["run", "trap.wasm"]


@case("run.raw_output", "control characters in guest arguments: the guest's own output passes through as it is")
def _(ctx):
    ctx.guest("hello.wasm")
    return ["run", "hello.wasm", "--", "\x1b[31mred\x1b[0m", "tab\there"]


# --timeout 1s, not less: the two lines must be printed before it, however
# loaded the machine is.
@case("run.timeout", "hang.wasm spins after printing two lines; --timeout 1s stops it")
def _(ctx):
    ctx.guest("hang.wasm")
    return ["run", "hang.wasm", "--timeout", "1s", "--", "spin", "2"]


@case("run.missing_import", "hello.wasm with two imports renamed in its bytes: one function of a known "
      "interface (get-environmenX) and a whole unknown interface (wasi:cli/terminal-stdouX)")
def _(ctx):
    data = (ctx.guests / "hello.wasm").read_bytes()
    data = data.replace(b"get-environment", b"get-environmenX")
    data = data.replace(b"wasi:cli/terminal-stdout@", b"wasi:cli/terminal-stdouX@")
    ctx.write("renamed.wasm", data)
    return ["run", "renamed.wasm"]


@case("run.max_handles", "handle_hoarder.wasm keeps every handle it gets; --max-handles 100 stops it with a trap")
def _(ctx):
    ctx.guest("handle_hoarder.wasm")
    return ["run", "handle_hoarder.wasm", "--max-handles", "100"]


@case("run.max_memory_refused", "bigmem.wasm, whose memory starts at 2 pages, under --max-memory 64K: refused")
def _(ctx):
    ctx.guest("bigmem.wasm")
    return ["run", "bigmem.wasm", "--max-memory", "64K"]


# --- component errors ------------------------------------------------------------

@case("component.empty", "an empty file as the component")
def _(ctx):
    ctx.write("empty.wasm", b"")
    return ["run", "empty.wasm"]


@case("component.garbage", "2000 bytes of noise as the component")
def _(ctx):
    ctx.write("garbage.wasm", bytes(random.Random(7).randrange(256) for _ in range(2000)))
    return ["run", "garbage.wasm"]


@case("component.text", "a text file as the component")
def _(ctx):
    ctx.write("notes.wasm", "this is not a component\n")
    return ["run", "notes.wasm"]


@case("component.truncated_preamble", "the first 6 bytes of hello.wasm")
def _(ctx):
    ctx.write("cut.wasm", (ctx.guests / "hello.wasm").read_bytes()[:6])
    return ["run", "cut.wasm"]


@case("component.truncated", "the first 5000 bytes of hello.wasm (cut inside its first core module)")
def _(ctx):
    ctx.write("cut.wasm", (ctx.guests / "hello.wasm").read_bytes()[:5000])
    return ["run", "cut.wasm"]


@case("component.truncated_last_byte", "hello.wasm without its last byte")
def _(ctx):
    ctx.write("cut.wasm", (ctx.guests / "hello.wasm").read_bytes()[:-1])
    return ["run", "cut.wasm"]


@case("component.bad_version", "hello.wasm with another layer/version in its preamble")
def _(ctx):
    data = bytearray((ctx.guests / "hello.wasm").read_bytes())
    data[4:8] = b"\x0e\x00\x02\x00"
    ctx.write("version.wasm", bytes(data))
    return ["run", "version.wasm"]


@case("component.bad_section_id", "hello.wasm with its first section id changed to 0x7f")
def _(ctx):
    data = bytearray((ctx.guests / "hello.wasm").read_bytes())
    data[8] = 0x7F
    ctx.write("section.wasm", bytes(data))
    return ["run", "section.wasm"]


@case("component.core_module", "a core module (hello.core.wasm) where a component is expected")
def _(ctx):
    ctx.guest("core/hello.core.wasm")
    return ["run", "hello.core.wasm"]


@case("component.directory", "a directory as the component")
def _(ctx):
    (ctx.tmp / "dir.wasm").mkdir()
    return ["run", "dir.wasm"]


# --- inspect --------------------------------------------------------------------

@case("inspect.default", "inspect of hello.wasm recorded with `-- a \"b c\"`: header, calls per function, end")
def _(ctx):
    hello_trace(ctx)
    return ["inspect", "trace.json"]


@case("inspect.events", "inspect --events of the same trace: every event, one per line")
def _(ctx):
    hello_trace(ctx)
    return ["inspect", "--events", "trace.json"]


@case("inspect.events_range", "inspect --events 8-10 after the trace: a range of events; bytes that are text "
      "as b\"...\", others (event 9, edited to 00 ff 0a) as hex; the arguments `a` and `b c` quoted")
def _(ctx):
    def edit(ls):
        edit_event(ls, 9, lambda e: e["args"][1].update({"$bytes": "AP8K"}))
    edited_hello(ctx, edit)
    return ["inspect", "trace.json", "--events", "8-10"]


@case("inspect.stats", "inspect --stats of hello's trace: events and bytes by interface and function, no clock "
      "readings, the largest events")
def _(ctx):
    hello_trace(ctx)
    return ["inspect", "--stats", "trace.json"]


@case("inspect.stats_async", "inspect --stats of a WASI 0.3 command's trace: stdout written through a stream, "
      "and its future, as the host's side of them (wasm-rr:async/streams)")
def _(ctx):
    ctx.guest("async_hello_stream.wasm")
    ctx.record("async_hello_stream.wasm")
    return ["inspect", "--stats", "trace.json"]


@case("inspect.stats_clock", "inspect --stats of debug_loop's trace: its four monotonic-clock readings and the "
      "span they cover (which differs from run to run, as do the readings' digits: their bytes are masked)")
def _(ctx):
    ctx.guest("debug_loop.wasm")
    ctx.record("debug_loop.wasm")
    return {"args": ["inspect", "--stats", "trace.json"],
            "masks": [(r"spanning \d+\.\d+ s", "spanning @SPAN@ s"),
                      (r"(?m)^( +4) +\d+(  wasi:clocks/monotonic-clock)", r"\1       @BYTES@\2")]}


@case("inspect.stats_cbor", "inspect --stats of the same trace converted to CBOR: the bytes are CBOR's")
def _(ctx):
    hello_trace(ctx)
    ctx.convert("trace.json", "trace.cbor")
    return ["inspect", "--stats", "trace.cbor"]


@case("inspect.files_none", "inspect --files of a trace whose guest wrote no file")
def _(ctx):
    hello_trace(ctx)
    return ["inspect", "--files", "trace.json"]


def fs_ops_trace(ctx, trace="fs.json"):
    ctx.guest("fs_ops.wasm")
    ctx.write("data/input.txt", "input for the guest\n")
    return ctx.record("fs_ops.wasm", trace, args=["/data"], opts=["--dir", "data::/data"])


@case("inspect.files", "inspect --files of fs_ops.wasm recorded with --dir data::/data")
def _(ctx):
    fs_ops_trace(ctx)
    return ["inspect", "--files", "fs.json"]


@case("inspect.grants", "inspect of hello recorded with two --dir grants (one :ro), --env, --max-memory and --max-handles")
def _(ctx):
    ctx.guest("hello.wasm")
    (ctx.tmp / "data").mkdir()
    ctx.record("hello.wasm", args=["x"], opts=["--dir", "data::/data:ro", "--dir", ".::/work", "--env", "A=1",
                                               "--max-memory", "64M", "--max-handles", "1000"])
    return ["inspect", "trace.json"]


@case("inspect.cbor_stdin", "inspect --events of stdin_echo.wasm recorded to CBOR with two lines on stdin, "
      "--env and --redact")
def _(ctx):
    ctx.guest("stdin_echo.wasm")
    ctx.record("stdin_echo.wasm", "trace.cbor", stdin=b"line one\nline two\n",
               opts=["--env", "PUBLIC=visible", "--env", "TOKEN=secret", "--redact", "TOKEN"])
    return ["inspect", "--events", "trace.cbor"]


@case("inspect.trap", "inspect of trap.wasm's recording, which ends with a trap")
def _(ctx):
    ctx.guest("trap.wasm")
    ctx.record("trap.wasm")
    return ["inspect", "trace.json"]


@case("inspect.exit_err", "inspect of exit_code.wasm's recording (exit err)")
def _(ctx):
    ctx.guest("exit_code.wasm")
    ctx.record("exit_code.wasm")
    return ["inspect", "trace.json"]


@case("inspect.cut_short", "inspect of hello's trace cut after event 6 (no end record)")
def _(ctx):
    hello_trace(ctx)
    ls = ctx.lines("trace.json")
    ctx.write_lines("trace.json", ls[: event_lines(ls)[6] + 1])
    return ["inspect", "trace.json"]


@case("inspect.signal", "inspect of hello's trace whose end record says SIGINT stopped it after 9 events")
def _(ctx):
    def edit(ls):
        del ls[event_lines(ls)[9]:-1]
        set_end(ls, {"end": "signal", "signal": "SIGINT", "number": 2, "events": 9})
    edited_hello(ctx, edit)
    return ["inspect", "trace.json"]


@case("inspect.escaped", "inspect --events of hello recorded with control characters in its arguments")
def _(ctx):
    ctx.guest("hello.wasm")
    ctx.record("hello.wasm", args=["\x1b[31mred\x1b[0m", "bell\x07"])
    return ["inspect", "--events", "trace.json"]


@case("inspect.from_stdin", "inspect - with the trace on standard input")
def _(ctx):
    hello_trace(ctx)
    return {"args": ["inspect", "-"], "stdin_file": "trace.json"}


# --- replay: faithful replays -----------------------------------------------------

@case("replay.hello", "replay of hello.wasm recorded with `-- a \"b c\"`")
def _(ctx):
    hello_trace(ctx)
    return ["replay", "hello.wasm", "trace.json"]


@case("replay.trap", "replay of trap.wasm's recording: the same trap, from the trace")
def _(ctx):
    ctx.guest("trap.wasm")
    ctx.record("trap.wasm")
    return ["replay", "trap.wasm", "trace.json"]


@case("replay.stop_at", "replay --stop-at 8 of hello's trace: stops at its first write, shown with the guest's backtrace")
def _(ctx):
    hello_trace(ctx)
    return ["replay", "hello.wasm", "trace.json", "--stop-at", "8"]


@case("replay.stop_at_trap_guest", "replay --stop-at of trap.wasm's write: frames named by the name section")
def _(ctx):
    ctx.guest("trap.wasm")
    ctx.record("trap.wasm")
    return ["replay", "trap.wasm", "trace.json", "--stop-at", "5"]


@case("replay.stop_at_beyond", "replay --stop-at 11 of hello's 11-event trace: the replay never gets there (125)")
def _(ctx):
    hello_trace(ctx)
    return ["replay", "hello.wasm", "trace.json", "--stop-at", "11"]


@case("replay.mark_stdio", "replay --mark-stdio of hello's trace: each line starts with the event of its write")
def _(ctx):
    hello_trace(ctx)
    return ["replay", "hello.wasm", "trace.json", "--mark-stdio"]


@case("run.trap_dwarf", "debug_loop.wasm (built with -g) traps three calls deep: frames with file:line")
def _(ctx):
    ctx.guest("debug_loop.wasm")
    return ["run", "debug_loop.wasm", "trap"]


@case("replay.stop_at_dwarf", "replay --stop-at of debug_loop's second clock read: the pending call, file:line in the loop")
def _(ctx):
    ctx.guest("debug_loop.wasm")
    ctx.record("debug_loop.wasm")
    return ["replay", "debug_loop.wasm", "trace.json", "--stop-at", "10"]


DEBUG_SESSION = b"""when
break call wasi:clocks/*
info breakpoints
continue
continue
backtrace
continue
reverse-continue
when
goto 3
info events 0-4
info memory
info globals
x/s 0x443
x/4xw 1024
x/8xb 1024
x/2dh 1026
x/4xw 0x7fffffff
x/q 0
goto 14
continue
reverse-continue
delete 1
reverse-continue
goto 99
continue
bogus
quit
"""


@case("debug.session", "wasm-rr debug of debug_loop's trace, commands from stdin, events as time: breakpoints on "
      "calls, continue, reverse-continue, goto back and forward, memory (0x443: the printf format in .rodata), "
      "the end and past it")
def _(ctx):
    ctx.guest("debug_loop.wasm")
    ctx.record("debug_loop.wasm")
    ctx.write("session.gdb", DEBUG_SESSION)
    return {"args": ["debug", "debug_loop.wasm", "trace.json"], "stdin_file": "session.gdb"}


def with_source(ctx, relative):
    """The guest's source where its DWARF names it (relative to the directory
    wasm-rr runs in, as when it runs in a checkout), for `list` and stops."""
    ctx.write(relative, (SOURCE_DIR / relative).read_bytes())


# The clock readings a recording made (main's `ts`) differ from run to run.
CLOCK_MASK = (r"tv_sec = \d+, tv_nsec = \d+", "tv_sec = @CLOCK@, tv_nsec = @CLOCK@")

DEBUG_SOURCE_C = b"""break debug_loop.c:31
info breakpoints
continue
info locals
print i
print p
print p.x
print total
continue
continue
print i
print p
print total
reverse-continue
print i
print p.y
print total
when
break step
continue
info args
print *p
print p->y * 2 + 1
print &p->y
print nothere
print p->
x/4xw p
x/2dw &p->x
finish
next
step
bt
up
info locals
down
list
reverse-finish
reverse-next
reverse-step
delete
break call wasi:clocks/*
continue
goto 5
goto 12
stepi
reverse-stepi
reverse-continue
break *0x469
info breakpoints
continue
goto 20
reverse-step
quit
"""


@case("debug.source_c", "wasm-rr debug of debug_loop (C, -g -O0) at source level: a breakpoint in the loop, "
      "continue three times, locals and struct fields, reverse-continue to the previous values, a function "
      "breakpoint, finish, next, step into libc (no source), frames, list, the reverse steps, a call breakpoint, "
      "goto and stepi both ways, a code-offset breakpoint, past the end and back")
def _(ctx):
    ctx.guest("debug_loop.wasm")
    ctx.record("debug_loop.wasm")
    with_source(ctx, "tests/guests/c_debug/debug_loop.c")
    ctx.write("session.gdb", DEBUG_SOURCE_C)
    return {"args": ["debug", "debug_loop.wasm", "trace.json"], "stdin_file": "session.gdb", "masks": [CLOCK_MASK]}


DEBUG_SOURCE_RUST = b"""break rust_debug_loop.rs:12
continue
info args
print *p
print p.x
print (*p).y + i
continue
continue
print i
print *p
reverse-continue
print i
print *p
next
next
list
finish
info locals
print total
reverse-finish
reverse-step
break rust_debug_loop::fail_deep
info breakpoints
continue
quit
"""


@case("debug.source_rust", "wasm-rr debug of rust_debug_loop (Rust, -g): a line breakpoint, args, a struct "
      "through &mut, continue and reverse-continue with the values of each time, next, list, finish, "
      "locals in main, the reverse steps, a breakpoint on a function that never runs")
def _(ctx):
    ctx.guest("rust_debug_loop.wasm")
    ctx.record("rust_debug_loop.wasm")
    with_source(ctx, "tests/guests/rust_debug/rust_debug_loop.rs")
    ctx.write("session.gdb", DEBUG_SOURCE_RUST)
    return {"args": ["debug", "rust_debug_loop.wasm", "trace.json"], "stdin_file": "session.gdb",
            "masks": [(r"::h[0-9a-f]{16}\b", "::h@HASH@"), (r"secs: \d+, nanos: \d+", "secs: @CLOCK@, nanos: @CLOCK@")]}


DEBUG_NO_DWARF = b"""backtrace
info locals
stepi
stepi
reverse-stepi
break main
break nosuchfunction
break hello.c:3
continue
backtrace
info locals
print argc
next
finish
reverse-continue
quit
"""


@case("debug.no_dwarf", "wasm-rr debug of hello (no DWARF of its own): names and offsets only — stepi both ways, "
      "a breakpoint on a name-section function, the wasm locals, what needs DWARF says so")
def _(ctx):
    hello_trace(ctx)
    ctx.write("session.gdb", DEBUG_NO_DWARF)
    return {"args": ["debug", "hello.wasm", "trace.json"], "stdin_file": "session.gdb"}


@case("debug.command_file", "wasm-rr debug -x FILE: its commands run first, then stdin's (empty: the session ends)")
def _(ctx):
    hello_trace(ctx)
    ctx.write("first.gdb", b"# to the second write, then show the guest's frames\ngoto 10\nbt\n")
    return ["debug", "hello.wasm", "trace.json", "-x", "first.gdb"]


@case("replay.files_written", "replay --files-written of fs_ops.wasm, the data directory deleted after recording")
def _(ctx):
    fs_ops_trace(ctx)
    shutil.rmtree(ctx.tmp / "data")
    # What fs_ops prints (link counts, times, error names) is the host file
    # system's, recorded; the case is about the list on stderr.
    return {"args": ["replay", "fs_ops.wasm", "fs.json", "--files-written"],
            "ignore_stdout": "the guest's own report of its file operations"}


@case("replay.signal", "replay of hello's trace whose end record says SIGINT stopped it after 9 events")
def _(ctx):
    def edit(ls):
        del ls[event_lines(ls)[9]:-1]
        set_end(ls, {"end": "signal", "signal": "SIGINT", "number": 2, "events": 9})
    edited_hello(ctx, edit)
    return ["replay", "hello.wasm", "trace.json"]


@case("replay.timeout", "replay of hang.wasm recorded with --timeout 1s while spinning")
def _(ctx):
    ctx.guest("hang.wasm")
    ctx.record("hang.wasm", args=["spin", "2"], opts=["--timeout", "1s"], ok_codes=(124,))
    # The events before the stop are the same in every recording; only the
    # time it took differs, which the end record does not hold.
    return ["replay", "hang.wasm", "trace.json"]


@case("replay.redacted", "replay of stdin_echo recorded with --env TOKEN=secret --redact TOKEN")
def _(ctx):
    ctx.guest("stdin_echo.wasm")
    ctx.record("stdin_echo.wasm", stdin=b"typed in\n",
               opts=["--env", "TOKEN=secret", "--redact", "TOKEN"])
    return ["replay", "stdin_echo.wasm", "trace.json"]


@case("replay.renamed_component", "hello's trace replayed against a byte-identical copy under another name: accepted")
def _(ctx):
    hello_trace(ctx)
    ctx.guest("hello.wasm", as_name="copy.wasm")
    return ["replay", "copy.wasm", "trace.json"]


# --- divergence: every kind of report ----------------------------------------------

@case("divergence.wrong_function", "hello's trace with events 3 (get-stdin) and 4 (get-stdout) swapped")
def _(ctx):
    def edit(ls):
        ev = event_lines(ls)
        ls[ev[3]], ls[ev[4]] = ls[ev[4]], ls[ev[3]]
    edited_hello(ctx, edit)
    return ["replay", "hello.wasm", "trace.json"]


@case("divergence.dropped_event", "hello's trace with event 2 (the second get-arguments) deleted")
def _(ctx):
    edited_hello(ctx, lambda ls: ls.pop(event_lines(ls)[2]))
    return ["replay", "hello.wasm", "trace.json"]


@case("divergence.bytes_middle", "hello's trace with one byte in the middle of its last write changed (`a` to "
      "`X`): the report names the offset where the bytes part, with the text around it")
def _(ctx):
    import base64
    def edit(ls):
        def change(e):
            text = base64.b64decode(e["args"][1]["$bytes"]).replace(b"arg[1]: a", b"arg[1]: X")
            e["args"][1]["$bytes"] = base64.b64encode(text).decode()
        edit_event(ls, 10, change)
    edited_hello(ctx, edit)
    return ["replay", "hello.wasm", "trace.json"]


@case("divergence.bytes_argument", "hello's trace with the bytes of its first write changed to \"changed\"")
def _(ctx):
    def edit(ls):
        n = find_event(ls, is_write)
        edit_event(ls, n, lambda e: e["args"][1].update({"$bytes": "Y2hhbmdlZA=="}))
    edited_hello(ctx, edit)
    return ["replay", "hello.wasm", "trace.json"]


@case("divergence.string_argument", "fs_ops's trace with the path of its first open-at changed")
def _(ctx):
    fs_ops_trace(ctx)
    ls = ctx.lines("fs.json")
    n = find_event(ls, lambda e: e["fn"].endswith("descriptor.open-at"))
    edit_event(ls, n, lambda e: e["args"].__setitem__(2, "other.txt"))
    ctx.write_lines("fs.json", ls)
    return ["replay", "fs_ops.wasm", "fs.json"]


@case("divergence.handle_argument", "hello's trace with the stream handle of its first write changed from 2 to 3")
def _(ctx):
    def edit(ls):
        n = find_event(ls, is_write)
        edit_event(ls, n, lambda e: e["args"][0].update({"handle": 3}))
    edited_hello(ctx, edit)
    return ["replay", "hello.wasm", "trace.json"]


@case("divergence.leftover_events", "hello's trace with its last event repeated: the guest ends, events remain")
def _(ctx):
    edited_hello(ctx, lambda ls: ls.insert(len(ls) - 1, ls[-2]))
    return ["replay", "hello.wasm", "trace.json"]


@case("divergence.recording_ended", "hello's trace without its last event: the end record comes while the guest still calls")
def _(ctx):
    edited_hello(ctx, lambda ls: ls.pop(len(ls) - 2))
    return ["replay", "hello.wasm", "trace.json"]


@case("divergence.end_status", "hello's trace with the end record changed to exit status 1")
def _(ctx):
    edited_hello(ctx, lambda ls: set_end(ls, {"end": "exit", "status": 1}))
    return ["replay", "hello.wasm", "trace.json"]


@case("divergence.end_trap", "hello's trace with the end record changed to a trap")
def _(ctx):
    edited_hello(ctx, lambda ls: set_end(ls, {"end": "trap", "message": "unreachable executed",
                                              "backtrace": ["main@wasm-function[7]:0x198"]}))
    return ["replay", "hello.wasm", "trace.json"]


@case("divergence.cut_short", "hello's trace cut after event 6 (no end record, as if the recorder was killed)")
def _(ctx):
    def edit(ls):
        del ls[event_lines(ls)[6] + 1:]
    edited_hello(ctx, edit)
    return ["replay", "hello.wasm", "trace.json"]


@case("divergence.cut_mid_event", "hello's trace cut in the middle of event 7")
def _(ctx):
    hello_trace(ctx)
    ls = ctx.lines("trace.json")
    i = event_lines(ls)[7]
    ctx.write("trace.json", "\n".join(ls[:i]) + "\n" + ls[i][:30])
    return ["replay", "hello.wasm", "trace.json"]


@case("divergence.cbor_wrong_function", "the wrong_function edit on a CBOR trace (edited as JSON, then converted)")
def _(ctx):
    def edit(ls):
        ev = event_lines(ls)
        ls[ev[3]], ls[ev[4]] = ls[ev[4]], ls[ev[3]]
    edited_hello(ctx, edit)
    ctx.convert("trace.json", "trace.cbor")
    return ["replay", "hello.wasm", "trace.cbor"]


@case("divergence.other_component", "hello's trace replayed against random.wasm: refused")
def _(ctx):
    hello_trace(ctx)
    ctx.guest("random.wasm")
    return ["replay", "random.wasm", "trace.json"]


@case("divergence.other_component_forced", "hello's trace replayed against random.wasm with --force")
def _(ctx):
    hello_trace(ctx)
    ctx.guest("random.wasm")
    return ["replay", "random.wasm", "trace.json", "--force"]


# --- trace errors --------------------------------------------------------------------

@case("trace.missing_file", "replay of a trace file that does not exist")
def _(ctx):
    ctx.guest("hello.wasm")
    return ["replay", "hello.wasm", "no-such-trace.json"]


@case("trace.empty", "replay of an empty trace file")
def _(ctx):
    ctx.guest("hello.wasm")
    ctx.write("trace.json", b"")
    return ["replay", "hello.wasm", "trace.json"]


@case("trace.garbage", "replay of 2000 bytes of noise")
def _(ctx):
    ctx.guest("hello.wasm")
    ctx.write("trace.json", bytes(random.Random(7).randrange(256) for _ in range(2000)))
    return ["replay", "hello.wasm", "trace.json"]


@case("trace.not_a_trace", "replay of a JSON object that is not a trace")
def _(ctx):
    ctx.guest("hello.wasm")
    ctx.write("trace.json", '{"not": "a trace"}\n')
    return ["replay", "hello.wasm", "trace.json"]


@case("trace.inspect_not_a_trace", "inspect of a JSON array of numbers")
def _(ctx):
    ctx.write("trace.json", "[1, 2, 3]\n")
    return ["inspect", "trace.json"]


@case("trace.wrong_format", "hello's trace with the header's format changed to \"other-trace\"")
def _(ctx):
    def edit(ls):
        h = parse_line(ls[0])
        h["format"] = "other-trace"
        ls[0] = format_line(h, ls[0])
    edited_hello(ctx, edit)
    return ["replay", "hello.wasm", "trace.json"]


@case("trace.wrong_version", "hello's trace with the header's version changed to 2")
def _(ctx):
    def edit(ls):
        h = parse_line(ls[0])
        h["version"] = 2
        ls[0] = format_line(h, ls[0])
    edited_hello(ctx, edit)
    return ["replay", "hello.wasm", "trace.json"]


@case("trace.inspect_wrong_version", "inspect of the same trace (header version 2)")
def _(ctx):
    def edit(ls):
        h = parse_line(ls[0])
        h["version"] = 2
        ls[0] = format_line(h, ls[0])
    edited_hello(ctx, edit)
    return ["inspect", "trace.json"]


@case("trace.bad_value_type", "hello's trace with the result of event 1 (get-arguments) changed to a string")
def _(ctx):
    edited_hello(ctx, lambda ls: edit_event(ls, 1, lambda e: e.__setitem__("results", ["not the right type"])))
    return ["replay", "hello.wasm", "trace.json"]


@case("trace.bad_nested_value", "hello's trace with the second argument string of event 1 changed to a number")
def _(ctx):
    edited_hello(ctx, lambda ls: edit_event(ls, 1, lambda e: e["results"][0].__setitem__(1, 42)))
    return ["replay", "hello.wasm", "trace.json"]


@case("trace.bad_variant_case", "hello's trace with the result of its first write changed to {\"maybe\": null}")
def _(ctx):
    def edit(ls):
        n = find_event(ls, is_write)
        edit_event(ls, n, lambda e: e.__setitem__("results", [{"maybe": None}]))
    edited_hello(ctx, edit)
    return ["replay", "hello.wasm", "trace.json"]


@case("trace.out_of_range", "hello's trace with the stdout handle of event 4 changed to 2^40")
def _(ctx):
    edited_hello(ctx, lambda ls: edit_event(ls, 4, lambda e: e["results"][0].update({"handle": 1 << 40})))
    return ["replay", "hello.wasm", "trace.json"]


@case("trace.argument_count", "hello's trace with an extra argument in event 0 (get-environment takes none)")
def _(ctx):
    edited_hello(ctx, lambda ls: edit_event(ls, 0, lambda e: e.__setitem__("args", [1])))
    return ["replay", "hello.wasm", "trace.json"]


@case("trace.result_count", "hello's trace with no result in event 0")
def _(ctx):
    edited_hello(ctx, lambda ls: edit_event(ls, 0, lambda e: e.__setitem__("results", [])))
    return ["replay", "hello.wasm", "trace.json"]


@case("trace.missing_field", "hello's trace with the `args` of event 2 removed")
def _(ctx):
    edited_hello(ctx, lambda ls: edit_event(ls, 2, lambda e: e.pop("args")))
    return ["replay", "hello.wasm", "trace.json"]


@case("trace.second_header", "hello's trace with its header repeated as event 3")
def _(ctx):
    def edit(ls):
        ls.insert(event_lines(ls)[3], format_line(parse_line(ls[0]), ls[1]))
    edited_hello(ctx, edit)
    return ["replay", "hello.wasm", "trace.json"]


@case("trace.bad_json", "hello's trace with a syntax error in event 5")
def _(ctx):
    def edit(ls):
        i = event_lines(ls)[5]
        ls[i] = ls[i].replace('"args":[]', '"args":[}', 1)
    edited_hello(ctx, edit)
    return ["replay", "hello.wasm", "trace.json"]


@case("trace.end_record_bad", "hello's trace with a trap end record without its backtrace")
def _(ctx):
    edited_hello(ctx, lambda ls: set_end(ls, {"end": "trap", "message": "unreachable executed"}))
    return ["replay", "hello.wasm", "trace.json"]


@case("trace.unknown_end", "hello's trace with an end record of a kind that does not exist")
def _(ctx):
    edited_hello(ctx, lambda ls: set_end(ls, {"end": "vanished"}))
    return ["replay", "hello.wasm", "trace.json"]


@case("trace.trailing_text", "hello's trace with text after its closing `]`")
def _(ctx):
    hello_trace(ctx)
    ctx.write("trace.json", ctx.read("trace.json") + b"and more\n")
    return ["replay", "hello.wasm", "trace.json"]


@case("trace.truncated_cbor", "hello's CBOR trace cut to 60% of its bytes")
def _(ctx):
    hello_trace(ctx, "trace.cbor")
    data = ctx.read("trace.cbor")
    ctx.write("trace.cbor", data[: len(data) * 6 // 10])
    return ["replay", "hello.wasm", "trace.cbor"]


@case("trace.inspect_truncated_cbor", "inspect of the same cut CBOR trace")
def _(ctx):
    hello_trace(ctx, "trace.cbor")
    data = ctx.read("trace.cbor")
    ctx.write("trace.cbor", data[: len(data) * 6 // 10])
    return ["inspect", "trace.cbor"]


@case("trace.convert_garbage", "convert of 2000 bytes of noise")
def _(ctx):
    ctx.write("in.json", bytes(random.Random(7).randrange(256) for _ in range(2000)))
    return ["convert", "in.json", "out.cbor"]


# --- diff: two traces compared call by call ------------------------------------------

def hello_pair(ctx, a_args=("x",), b_args=("y",)):
    """hello.wasm recorded twice, as a.json and b.json, with these arguments."""
    ctx.guest("hello.wasm")
    ctx.record("hello.wasm", "a.json", args=a_args)
    ctx.record("hello.wasm", "b.json", args=b_args)
    return ["a.json", "b.json"]


def edited_copy(ctx, src, dst, edit):
    ls = ctx.lines(src)
    edit(ls)
    ctx.write_lines(dst, ls)
    return dst


@case("diff.help", "wasm-rr diff --help")
def _(ctx):
    return ["diff", "--help"]


@case("diff.identical", "hello recorded twice with the same arguments: equivalent (start times are not compared)")
def _(ctx):
    return ["diff", *hello_pair(ctx, HELLO_ARGS, HELLO_ARGS)]


@case("diff.changed_argument", "hello recorded with `-- x` and with `-- y`: the first stretch, then the summary")
def _(ctx):
    return ["diff", *hello_pair(ctx)]


@case("diff.all", "the same two traces with --all: the write that differs, with the offset where its bytes part")
def _(ctx):
    return ["diff", "--all", *hello_pair(ctx)]


@case("diff.json", "the same two traces with --json --all")
def _(ctx):
    return ["diff", "--json", "--all", *hello_pair(ctx)]


@case("diff.inserted_call", "hello's trace against a copy with a write inserted after the greeting")
def _(ctx):
    hello_trace(ctx, "a.json")
    def insert(ls):
        i = event_lines(ls)[8]
        e = parse_line(ls[i])
        e["args"][1] = {"$bytes": "aW5zZXJ0ZWQK"}  # "inserted\n"
        ls.insert(i + 1, format_line(e, ls[i]))
    return ["diff", "a.json", edited_copy(ctx, "a.json", "b.json", insert)]


@case("diff.missing_call", "hello's trace against a copy without event 5 (get-stderr)")
def _(ctx):
    hello_trace(ctx, "a.json")
    return ["diff", "a.json", edited_copy(ctx, "a.json", "b.json", lambda ls: ls.pop(event_lines(ls)[5]))]


@case("diff.changed_outcome", "hello's trace against a copy where the last write failed and the guest exited with an error")
def _(ctx):
    hello_trace(ctx, "a.json")
    def edit(ls):
        edit_event(ls, 10, lambda e: e.__setitem__("results", [{"err": "closed"}]))
        set_end(ls, {"end": "exit", "status": 1})
    return ["diff", "a.json", edited_copy(ctx, "a.json", "b.json", edit)]


@case("diff.trap", "hello's trace against a copy whose run trapped at its last write")
def _(ctx):
    hello_trace(ctx, "a.json")
    def edit(ls):
        def trapped(e):
            e.pop("results")
            e["trap"] = "unreachable executed"
        edit_event(ls, 10, trapped)
        set_end(ls, {"end": "trap", "message": "unreachable executed", "backtrace": ["main@wasm-function[3]:0x10"]})
    return ["diff", "a.json", edited_copy(ctx, "a.json", "b.json", edit)]


@case("diff.cut_short", "hello's trace against a copy cut in the middle of its event 9 (a killed recording)")
def _(ctx):
    hello_trace(ctx, "a.json")
    def edit(ls):
        i = event_lines(ls)[9]
        ls[i] = ls[i][: len(ls[i]) // 2]
        del ls[i + 1:]
    return ["diff", "a.json", edited_copy(ctx, "a.json", "b.json", edit)]


@case("diff.long_stretch", "hello's trace against a copy with 14 writes inserted after the greeting: 10 shown, 4 counted")
def _(ctx):
    import base64
    hello_trace(ctx, "a.json")
    def insert(ls):
        i = event_lines(ls)[8]
        for n in range(14):
            e = parse_line(ls[i])
            e["args"][1] = {"$bytes": base64.b64encode(f"extra line {n}\n".encode()).decode()}
            ls.insert(i + 1 + n, format_line(e, ls[i]))
    return ["diff", "a.json", edited_copy(ctx, "a.json", "b.json", insert)]


@case("diff.other_component", "hello's trace against stdin_echo's: the header says the components differ")
def _(ctx):
    hello_trace(ctx, "a.json")
    ctx.guest("stdin_echo.wasm")
    ctx.record("stdin_echo.wasm", "b.json", stdin=b"input\n")
    return ["diff", "a.json", "b.json"]


@case("diff.cbor", "hello's JSON trace against its CBOR conversion: equivalent")
def _(ctx):
    hello_trace(ctx, "a.json")
    return ["diff", "a.json", ctx.convert("a.json", "a.cbor")]


@case("diff.escaped", "hello recorded with control characters in its arguments, against a plain run: all escaped")
def _(ctx):
    return ["diff", "--all", *hello_pair(ctx, ["\x1b[31mred\x1b[0m", "bell\x07"], ["plain"])]


@case("diff.stdin", "diff - a.json: a trace on standard input is refused (diff reads each trace twice)")
def _(ctx):
    hello_trace(ctx, "a.json")
    return {"args": ["diff", "-", "a.json"], "stdin_file": "a.json"}


@case("diff.not_a_trace", "diff of a trace and a component")
def _(ctx):
    hello_trace(ctx, "a.json")
    return ["diff", "a.json", "hello.wasm"]


# --- traces for people: inspect --json, redaction tokens, packs, --rebuilt -------------

@case("inspect.json", "inspect --json --events 0-2 --stats of hello's trace: one JSON object")
def _(ctx):
    hello_trace(ctx)
    return {"args": ["inspect", "--json", "--events", "0-2", "--stats", "trace.json"],
            "masks": [(r'"bytes":\d+', '"bytes":@SIZE@')]}


@case("inspect.redacted_tokens", "inspect --events of hello recorded with A and C holding one secret, B another, "
      "all redacted: A and C share token 1, B has token 2")
def _(ctx):
    ctx.guest("hello.wasm")
    ctx.record("hello.wasm", opts=["--env", "A=same-secret", "--env", "B=other-secret", "--env", "C=same-secret",
                                   "--redact", "A", "--redact", "B", "--redact", "C"])
    return ["inspect", "--events", "0", "trace.json"]


@case("pack.warning", "pack of hello's trace recorded with two environment variables: what it holds that may be secret")
def _(ctx):
    ctx.guest("hello.wasm")
    ctx.record("hello.wasm", opts=["--env", "API_TOKEN=t0ken", "--env", "HOME=/home/me", "--redact", "API_TOKEN"])
    return {"args": ["pack", "hello.wasm", "trace.json", "-o", "bug.wasmrr"],
            "masks": [(r"into `bug.wasmrr` \(\d+ bytes\)", "into `bug.wasmrr` (@SIZE@ bytes)")]}


@case("pack.inspect", "inspect of a pack, the component deleted")
def _(ctx):
    hello_trace(ctx)
    ctx.run(["pack", "hello.wasm", "trace.json", "-o", "bug.wasmrr"])
    (ctx.tmp / "hello.wasm").unlink()
    return {"args": ["inspect", "bug.wasmrr"], "masks": [(r"trace of \d+ bytes", "trace of @SIZE@ bytes")]}


@case("pack.not_a_pack", "replay of a tar archive that is not a pack")
def _(ctx):
    hello_trace(ctx)
    import tarfile
    with tarfile.open(ctx.tmp / "other.tar", "w") as t:
        t.add(ctx.tmp / "trace.json", arcname="trace.json")
    return ["replay", "other.tar"]


@case("replay.rebuilt_diverges", "lottery's trace replayed --rebuilt by lottery_input, which reads the clock once "
      "more: the divergence, and what --rebuilt allows (recorded values masked)")
def _(ctx):
    ctx.guest("lottery.wasm")
    ctx.guest("lottery_input.wasm")
    ctx.record("lottery.wasm", opts=["--env", "PLAYER=ada"])
    return {"args": ["replay", "lottery_input.wasm", "trace.json", "--rebuilt"],
            "masks": [(r'x"[0-9a-f]+"', 'x"@RANDOM@"'), (r'"seconds":\d+,"nanoseconds":\d+', '"seconds":@S@,"nanoseconds":@NS@')]}


# --- seeded worlds and faults: the plan printed, explore's table, shrink's report ---------

def fragile_reader_files(ctx):
    ctx.guest("fragile_reader.wasm")
    ctx.write("data/settings.txt", "mode=fast\nlevel=3\n")
    ctx.write("data/records.txt", "alpha=1\nbeta=22\ngamma=333\n")
    return ["--dir", "data::/d", "fragile_reader.wasm", "--", "/d/settings.txt", "/d/records.txt"]


@case("faults.run_plan", "run --seed 2 --faults short=0.9 of fragile_reader: its output, the trap, and every fault "
      "injected, printed in full")
def _(ctx):
    return ["run", "--seed", "2", "--faults", "short=0.9", *fragile_reader_files(ctx)]


@case("faults.explore_table", "explore of clock_jump with clock jumps: the table of distinct failures and the "
      "commands to replay, debug and shrink each (timing masked)")
def _(ctx):
    ctx.guest("clock_jump.wasm")
    return {"args": ["explore", "clock_jump.wasm", "--runs", "12", "--jobs", "2", "--faults", "clock-jump=0.03",
                     "-o", "found"],
            "masks": [(r"in \d+\.\d s \(\d+\.\d runs/s\)", "in @T@ s (@R@ runs/s)")]}


@case("faults.shrink_report", "shrink of a fragile_reader run with four short reads: the one that matters")
def _(ctx):
    ctx.run(["record", "-t", "failing.json", "--seed", "2", "--faults", "short=0.9", *fragile_reader_files(ctx)])
    return ["shrink", "fragile_reader.wasm", "failing.json", "-o", "small.json"]


@case("faults.inspect", "inspect of a fragile_reader trace recorded with --seed 2 --faults short=0.9: the world "
      "and the faults injected")
def _(ctx):
    ctx.run(["record", "-t", "failing.json", "--seed", "2", "--faults", "short=0.9", *fragile_reader_files(ctx)])
    return {"args": ["inspect", "failing.json"],
            "masks": [(r"\(json, \d+ bytes\)", "(json, @SIZE@ bytes)"), (r"recorded:   \S+", "recorded:   @TIME@")]}


@case("faults.bad_spec", "run --faults with an unknown kind")
def _(ctx):
    ctx.guest("hello.wasm")
    return ["run", "--seed", "1", "--faults", "err,boom=0.1", "hello.wasm"]


# --- running and comparing ----------------------------------------------------------

def normalize(text, ctx, build_dir):
    for path, name in ((ctx.tmp, "@TMP@"), (build_dir, "@BUILD@"), (SOURCE_DIR, "@SRC@")):
        for p in {str(path), os.path.realpath(path)}:
            text = text.replace(p, name)
    text = re.sub(r"\b[0-9a-f]{64}\b", "@SHA256@", text)
    text = re.sub(r"\b\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z\b", "@TIME@", text)
    text = re.sub(r"\(\d+ bytes, SHA-256", "(@SIZE@ bytes, SHA-256", text)
    text = re.sub(r"\((json|cbor), \d+ bytes\)", r"(\1, @SIZE@ bytes)", text)
    return text


# Control characters other than tab and newline are written as their Unicode
# "control pictures" (ESC as U+241B, DEL as U+2421), so that a golden file
# cannot drive a terminal and a raw byte is told apart from wasm-rr's own
# escapes (`\e`, `\x07`).
CONTROL_PICTURES = {c: chr(0x2400 + c) for c in range(0x20) if c not in (0x09, 0x0A)}
CONTROL_PICTURES[0x7F] = "\u2421"


def visible(text):
    return text.translate(CONTROL_PICTURES)


def section(title, data):
    text = visible(data.decode("utf-8", errors="backslashreplace"))
    if text and not text.endswith("\n"):
        text += "\n\\ no newline at end\n"
    return f"--- {title}\n{text}"


def render(name, description, cmd, proc, ctx, build_dir):
    args = cmd["args"]
    shown = "$ " + visible(shlex.join(["wasm-rr", *map(str, args)]))
    if cmd.get("stdin_file"):
        shown += " < " + shlex.quote(cmd["stdin_file"])
    elif cmd.get("stdin"):
        shown += f" < ({len(cmd['stdin'])} bytes)"
    stdout = section("stdout", proc.stdout).rstrip("\n")
    if cmd.get("ignore_stdout"):
        stdout = f"--- stdout not compared: {cmd['ignore_stdout']}"
    out = [f"# {name}: {description}", shown, f"--- exit {proc.returncode}",
           stdout, section("stderr", proc.stderr).rstrip("\n")]
    text = "\n".join(out) + "\n"
    # A case's "masks": (regex, replacement) for what differs from run to run
    # or toolchain to toolchain (clock readings a recording made, hashes in
    # Rust symbols), each shown in the transcript as its replacement.
    for pattern, replacement in cmd.get("masks", ()):
        text = re.sub(pattern, replacement, text)
    return normalize(text, ctx, build_dir)


def run_case(name, description, fn, a):
    tmp = Path(tempfile.mkdtemp(prefix="wasmrr-golden-"))
    try:
        ctx = Ctx(a.wasm_rr, a.guests, tmp)
        cmd = fn(ctx)
        if isinstance(cmd, list):
            cmd = {"args": cmd}
        stdin = ctx.read(cmd["stdin_file"]) if cmd.get("stdin_file") else cmd.get("stdin", b"")
        proc = ctx.run(cmd["args"], stdin=stdin, env=cmd.get("env"))
        return render(name, description, cmd, proc, ctx, a.build_dir)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--wasm-rr", type=Path, help="the wasm-rr executable")
    ap.add_argument("--guests", type=Path, help="the built guest components (build/guests)")
    ap.add_argument("--build-dir", type=Path, help="shown as @BUILD@ (default: the parent of --guests)")
    ap.add_argument("--expected", type=Path, default=HERE / "expected")
    ap.add_argument("--group", action="append", default=[], help="run only this group (repeatable)")
    ap.add_argument("--rebase", action="store_true", help="write the outputs as the new expected files")
    ap.add_argument("--list", action="store_true", help="list the cases and exit")
    ap.add_argument("--list-groups", action="store_true", help="list the groups, ';'-separated, and exit")
    ap.add_argument("cases", nargs="*", help="case names or glob patterns (default: all)")
    a = ap.parse_args()

    groups = list(dict.fromkeys(group_of(n) for n, _, _ in CASES))
    if a.list_groups:
        print(";".join(groups), end="")
        return 0
    for g in a.group:
        if g not in groups:
            ap.error(f"no group {g!r} (groups: {', '.join(groups)})")
    selected = [c for c in CASES if (not a.group or group_of(c[0]) in a.group)
                and (not a.cases or any(fnmatch.fnmatchcase(c[0], p) for p in a.cases))]
    if a.cases and not selected:
        ap.error("no case matches " + " ".join(a.cases))
    if a.list:
        for name, description, _ in selected:
            print(f"{name:36} {description}")
        return 0
    if not a.wasm_rr or not a.guests:
        ap.error("--wasm-rr and --guests are required")
    a.wasm_rr = a.wasm_rr.resolve()
    a.guests = a.guests.resolve()
    a.build_dir = (a.build_dir or a.guests.parent).resolve()
    if not a.wasm_rr.is_file():
        ap.error(f"{a.wasm_rr} does not exist (build wasm-rr first)")

    failed, changed = [], []
    for name, description, fn in selected:
        expected_file = a.expected / f"{name}.txt"
        try:
            actual = run_case(name, description, fn, a)
        except (Setup, subprocess.TimeoutExpired, OSError) as e:
            print(f"ERROR {name}: {e}")
            failed.append(name)
            continue
        expected = expected_file.read_text() if expected_file.exists() else None
        if actual == expected:
            print(f"ok    {name}")
            continue
        if a.rebase:
            a.expected.mkdir(parents=True, exist_ok=True)
            expected_file.write_text(actual)
            print(f"{'new' if expected is None else 'wrote':5} {name}")
            changed.append(name)
            continue
        failed.append(name)
        if expected is None:
            print(f"FAIL  {name}: no {expected_file.relative_to(SOURCE_DIR) if expected_file.is_relative_to(SOURCE_DIR) else expected_file}; it prints:")
            sys.stdout.write(actual)
        else:
            print(f"FAIL  {name}: output differs from {expected_file.name} (- expected, + actual):")
            sys.stdout.writelines(difflib.unified_diff(expected.splitlines(True), actual.splitlines(True),
                                                       f"expected/{name}.txt", "actual"))
    if a.rebase and not a.group and not a.cases and a.expected.is_dir():
        known = {f"{n}.txt" for n, _, _ in CASES}
        for f in sorted(a.expected.glob("*.txt")):
            if f.name not in known:
                f.unlink()
                print(f"removed {f.name} (no such case)")
                changed.append(f.name)
    if a.rebase:
        print(f"{len(changed)} expected file(s) changed; review them with `git diff {a.expected}`")
    if failed:
        print(f"{len(failed)} of {len(selected)} golden case(s) failed: {' '.join(failed)}")
        if not a.rebase:
            print("If the new output is right, rebase: run_golden.py --rebase ... (tests/golden/README.md)")
        return 1
    print(f"all {len(selected)} golden case(s) passed" if not a.rebase else "")
    return 0


if __name__ == "__main__":
    sys.exit(main())
