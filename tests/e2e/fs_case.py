#!/usr/bin/env python3
"""End-to-end file system cases: a C guest on a real directory layout.

    fs_case.py --wasm-rr EXE --guest-dir DIR --guest NAME --layout KIND
               [--native EXE] [--no-openat2] [--read-only] [--trace-ext json|cbor]

Every run gets a fresh copy of the layout (KIND: ops, walk or escape; see
make_layout) and the guest gets the directory to work in as argv[1]: `/data`
under wasm-rr (`--dir LAYOUT::/data`), the host path natively.

Default (ops, walk): the native build and `wasm-rr run` must print the same
and leave the same files behind (types, sizes, contents, symlink targets).
Then the guest is recorded in a fresh layout (same output, same files), and
the trace replayed twice: with the directory deleted, and with different
contents in it. Each replay must print the recording's stdout byte for byte,
end with its exit code, and change nothing on disk.

--layout escape: the guest (fs_escape) tries to leave its directory. Natively
some attempts must succeed (the test can fail); under wasm-rr none may, in
run, record and replay, and nothing outside the directory may change.

--read-only: the directory is granted `:ro`; nothing in it may change.
--no-openat2: wasm-rr runs with WASMRR_NO_OPENAT2=1 (the userspace resolver).
Every difference is reported (harness.fail_later), then the case fails, its
scratch folder kept with the command that replays its trace.
Exit status 0 pass, 1 fail.
"""
import argparse
import hashlib
import os
import shutil
import sys
from pathlib import Path

from harness import fail_later, replay_hint, run, scratch

FIXED_NS = 1_600_000_000_123_456_789  # a pinned mtime, so listings compare


def write(path: Path, text: str):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


def pin_times(root: Path):
    """Fixes the mtime of everything under root (deepest first, so writing
    into a directory does not change it again)."""
    for dirpath, dirnames, filenames in os.walk(root, topdown=False):
        for name in filenames + dirnames:
            p = Path(dirpath) / name
            os.utime(p, ns=(FIXED_NS, FIXED_NS + len(name)), follow_symlinks=False)
    os.utime(root, ns=(FIXED_NS, FIXED_NS))


def make_layout(kind: str, parent: Path) -> Path:
    """Creates the layout in parent and returns the directory to grant."""
    if kind == "ops":
        d = parent / "work"
        write(d / "input.txt", "line one\nline two\n")
        for n in ("a", "b", "c", "delete_me"):
            write(d / "list" / f"{n}.txt", f"{n}\n")
        (d / "list" / "sub").mkdir()
    elif kind == "walk":
        d = parent / "tree"
        write(d / "top.txt", "top\n")
        write(d / "empty.bin", "")
        write(d / "a" / "one.txt", "1" * 1000)
        write(d / "a" / "b" / "two.txt", "two\n" * 300)
        write(d / "a" / "b" / "c" / "deep.txt", "deep\n")
        (d / "a" / "empty_dir").mkdir()
        write(d / "z" / "last.txt", "zzz")
        os.symlink("a/b/two.txt", d / "link_to_two")
        os.symlink("no/such/target", d / "a" / "dangling")
        pin_times(d)
    elif kind == "escape":
        write(parent / "outside.txt", "SECRET outside the sandbox\n")
        d = parent / "sandbox"
        write(d / "inside.txt", "inside\n")
        (d / "sub").mkdir()
        os.symlink("/", d / "link_to_root")
        os.symlink("../outside.txt", d / "link_out")
        os.symlink("..", d / "link_up")
        pin_times(parent)
    elif kind == "different":  # what a replay finds instead of the recorded layout
        d = parent / "work"
        write(d / "unrelated.txt", "not what was recorded\n")
    else:
        raise SystemExit(f"unknown layout {kind}")
    return d


def snapshot(root: Path, times: bool):
    """Everything under root (root included): type, size, content hash,
    symlink target, and with `times` the mtime."""
    out = {}
    if not os.path.lexists(root):
        return out
    entries = [root]
    for dirpath, dirnames, filenames in os.walk(root):
        entries += [Path(dirpath) / n for n in dirnames + filenames]
    for p in entries:
        st = os.lstat(p)
        rel = str(p.relative_to(root)) if p != root else "."
        if os.path.islink(p):
            info = ("link", os.readlink(p))
        elif p.is_dir():
            info = ("dir",)
        else:
            info = ("file", st.st_size, hashlib.sha256(p.read_bytes()).hexdigest())
        if times and not os.path.islink(p) and not p.is_dir():
            info += (st.st_mtime_ns,)
        out[rel] = info
    return out


def describe_diff(a: dict, b: dict) -> str:
    lines = []
    for k in sorted(set(a) | set(b)):
        if a.get(k) != b.get(k):
            lines.append(f"  {k}: {a.get(k)} != {b.get(k)}")
    return "\n".join(lines[:40])


class Case:
    def __init__(self, args, scratch_dir: Path):
        self.args = args
        # Commands run in scratch folders: make every path absolute.
        for name in ("wasm_rr", "guest_dir", "native"):
            if getattr(args, name):
                setattr(args, name, os.path.abspath(getattr(args, name)))
        self.scratch = scratch_dir
        self.component = str(Path(args.guest_dir) / f"{args.guest}.wasm")
        self.trace = self.scratch / f"trace.{args.trace_ext}"
        replay_hint(args.wasm_rr, self.component, self.trace)
        self.env = dict(os.environ)
        if args.no_openat2:
            self.env["WASMRR_NO_OPENAT2"] = "1"
        self.count = 0

    def fresh(self, kind: str):
        self.count += 1
        parent = self.scratch / f"{self.count}-{kind}"
        parent.mkdir()
        return parent, make_layout(kind, parent)

    def run(self, cmd, label, cwd=None):
        """Runs cmd (output in LABEL.stdout and LABEL.stderr); returns its exit code and stdout."""
        p, _ = run(cmd, env=self.env, cwd=cwd or self.scratch, timeout=120, files=self.scratch / label)
        print(f"[{label}] exit {p.returncode}: {' '.join(map(str, cmd))}")
        if p.stderr:
            print(f"[{label}] stderr: {p.stderr.decode(errors='replace')[:2000]}")
        return p.returncode, p.stdout

    def dir_flag(self, d: Path):
        return f"{d}::/data" + (":ro" if self.args.read_only else "")

    def wasm(self, mode, d: Path, label, trace=None):
        cmd = [self.args.wasm_rr, mode, self.component, "--dir", self.dir_flag(d)]
        if trace:
            cmd += ["-t", str(trace)]
        return self.run(cmd + ["--", "/data"], label)

    def expect_equal(self, what, a, b):
        if a != b:
            fail_later(f"{what} differ:\n--- first\n{a.decode(errors='replace')}\n--- second\n"
                      f"{b.decode(errors='replace')}")

    def expect_files(self, what, a, b):
        if a != b:
            fail_later(f"{what} differ:\n{describe_diff(a, b)}")

    # --- the checks ----------------------------------------------------------

    def replays(self, trace: Path, rec_rc: int, rec_out: bytes):
        """Replays with the recorded directory gone, then with other contents."""
        parent, d = self.fresh(self.args.layout)
        shutil.rmtree(d)
        self.check_replay(trace, rec_rc, rec_out, parent, "replay-deleted")
        parent, d = self.fresh("different")
        self.check_replay(trace, rec_rc, rec_out, parent, "replay-different")

    def check_replay(self, trace, rec_rc, rec_out, parent, label):
        before, cwd_before = snapshot(parent, True), snapshot(self.scratch, True)
        rc, out = self.run([self.args.wasm_rr, "replay", self.component, str(trace)], label, cwd=parent)
        if rc != rec_rc:
            fail_later(f"{label}: exit {rc}, recorded {rec_rc}")
        self.expect_equal(f"{label}: stdout of replay and recording", rec_out, out)
        self.expect_files(f"{label}: files on disk before and after replay", before, snapshot(parent, True))
        cwd_after = {k: v for k, v in snapshot(self.scratch, True).items()
                     if not k.startswith(f"{label}.")}  # its own stdout/stderr files
        cwd_before = {k: v for k, v in cwd_before.items() if not k.startswith(f"{label}.")}
        self.expect_files(f"{label}: scratch folder before and after replay", cwd_before, cwd_after)

    def compare_with_native(self):
        parent, d = self.fresh(self.args.layout)
        native_rc, native_out = self.run([self.args.native, str(d)], "native")
        if native_rc != 0 or not native_out:
            fail_later(f"the native build failed (exit {native_rc})")
        native_files = snapshot(d, False)
        parent, d = self.fresh(self.args.layout)
        rc, out = self.wasm("run", d, "run")
        if rc != native_rc:
            fail_later(f"wasm-rr run exit {rc}, native {native_rc}")
        self.expect_equal("stdout of native and wasm-rr run", native_out, out)
        self.expect_files("files left by native and wasm-rr run", native_files, snapshot(d, False))
        return native_rc, native_out, native_files

    def record_and_replay(self, expect_rc, expect_out, expect_files):
        parent, d = self.fresh(self.args.layout)
        trace = self.trace
        rc, out = self.wasm("record", d, "record", trace)
        if not trace.exists():
            fail_later("record wrote no trace")
            return
        if rc != expect_rc:
            fail_later(f"wasm-rr record exit {rc}, expected {expect_rc}")
        self.expect_equal("stdout of wasm-rr run and record", expect_out, out)
        if expect_files is not None:
            self.expect_files("files left by run and by record", expect_files, snapshot(d, False))
        self.replays(trace, rc, out)

    def read_only(self):
        parent, d = self.fresh(self.args.layout)
        before = snapshot(d, True)
        rc, out = self.wasm("run", d, "run-ro")
        if rc != 0 or b"list list:" not in out:
            fail_later(f"the guest did not run to its end in a read-only directory (exit {rc})")
        self.expect_files("read-only directory before and after the guest", before, snapshot(d, True))
        # Reading is allowed; no change may be reported as done.
        changes = [l for l in out.decode(errors="replace").splitlines() if l.endswith(": ok") and
                   any(w in l for w in ("copy", "unlink", "rename", "mkdir", "rmdir", "symlink", "link hard",
                                        "utimensat", "pwrite", "ftruncate", "open offsets"))]
        if changes:
            fail_later("changes reported as done in a read-only directory:\n" + "\n".join(changes))
        return rc, out

    def escape(self):
        parent, d = self.fresh("escape")
        native_rc, native_out = self.run([self.args.native, str(d)], "native") if self.args.native else (None, b"")
        if self.args.native and (native_rc != 1 or b"ESCAPED" not in native_out):
            fail_later("natively the escapes should succeed (else the test proves nothing)")
        outputs = {}
        for mode in ("run", "record"):
            parent, d = self.fresh("escape")
            outside_before = {k: v for k, v in snapshot(parent, True).items() if not k.startswith("sandbox")}
            rc, out = self.wasm(mode, d, mode, self.trace if mode == "record" else None)
            outputs[mode] = (rc, out)
            if rc != 0 or b"ESCAPED" in out or b"escapes: 0\n" not in out:
                fail_later(f"{mode}: an escape succeeded (exit {rc})")
            outside_after = {k: v for k, v in snapshot(parent, True).items() if not k.startswith("sandbox")}
            self.expect_files(f"{mode}: files outside the sandbox before and after", outside_before, outside_after)
        self.expect_equal("stdout of run and record", outputs["run"][1], outputs["record"][1])
        if not self.trace.exists():
            fail_later("record wrote no trace")
            return
        self.replays(self.trace, *outputs["record"])

    def main(self):
        if self.args.layout == "escape":
            self.escape()
        elif self.args.read_only:
            rc, out = self.read_only()
            self.record_and_replay(rc, out, None)
        else:
            rc, out, files = self.compare_with_native()
            self.record_and_replay(rc, out, files)


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--wasm-rr", required=True)
    p.add_argument("--guest-dir", required=True)
    p.add_argument("--guest", required=True)
    p.add_argument("--layout", required=True, choices=["ops", "walk", "escape"])
    p.add_argument("--native")
    p.add_argument("--no-openat2", action="store_true")
    p.add_argument("--read-only", action="store_true")
    p.add_argument("--trace-ext", default="json", choices=["json", "cbor"])
    args = p.parse_args()
    if args.layout != "escape" and not args.read_only and not args.native:
        p.error("--native is needed to compare with the native build")
    name = f"fs-{args.guest}-{args.layout}{'-ro' if args.read_only else ''}{'-userspace' if args.no_openat2 else ''}"
    with scratch(f"{name}-{args.trace_ext}", "wasmrr-fs-") as tmp:
        Case(args, tmp).main()
    print("PASS")
    return 0


if __name__ == "__main__":
    sys.exit(main())
