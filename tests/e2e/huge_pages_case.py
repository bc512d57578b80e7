#!/usr/bin/env python3
"""Huge pages for SpiderMonkey's large mappings (engine/huge_pages.cpp).

    huge_pages_case.py --wasm-rr EXE --hang HANG_WASM

While `run hang.wasm -- stdin 3` waits on its stdin, its /proc/PID/smaps
must show the large anonymous mappings (1 GiB or more) of a linear memory's
reservation and of the executable memory advised for transparent huge pages
(VmFlags `hg`), and none with WASMRR_HUGE_PAGES=off. That is the advice, which
does not depend on the kernel having huge pages free at the time; whether
pages then come huge is measured by bench/startup.py. Skipped (77) on a
kernel without transparent huge pages.
Exit status 0 = pass.
"""
import argparse
import os
import subprocess
import sys
from pathlib import Path

sys.dont_write_bytecode = True
from harness import check, scratch, wait_for_output  # noqa: E402

SKIP = 77
LARGE = 1 << 30
LINES = 3


def large_anonymous_mappings(pid):
    """(range, VmFlags) of each anonymous mapping of LARGE bytes or more."""
    found, current = [], None
    for line in Path(f"/proc/{pid}/smaps").read_text().splitlines():
        fields = line.split()
        if "-" in fields[0] and not fields[0].endswith(":"):  # a mapping's header
            begin, end = (int(x, 16) for x in fields[0].split("-"))
            anonymous = len(fields) == 5 or fields[5].startswith("[anon:")  # no file (a name set by prctl)
            current = fields[0] if anonymous and end - begin >= LARGE else None
        elif fields[0] == "VmFlags:" and current:
            found.append((current, set(fields[1:])))
    return found


def mappings_while_waiting(a, tmp, env, label):
    r, w = os.pipe()  # w stays open: the guest's read blocks, never sees EOF
    out, err = tmp / f"{label}.stdout", tmp / f"{label}.stderr"
    proc = subprocess.Popen([a.wasm_rr, "run", a.hang, "--", "stdin", str(LINES)], stdin=r,
                            stdout=open(out, "wb"), stderr=open(err, "wb"), env=env)
    try:
        wait_for_output(proc, out, lambda printed: printed.count(b"\n") >= LINES, f"{label}: the guest's lines", err)
        return large_anonymous_mappings(proc.pid)
    finally:
        proc.kill()
        proc.wait()
        os.close(r)
        os.close(w)


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--wasm-rr", required=True)
    ap.add_argument("--hang", required=True, help="tests/guests/c/hang.c")
    a = ap.parse_args()
    if not Path("/sys/kernel/mm/transparent_hugepage/enabled").exists():
        print("SKIP: this kernel has no transparent huge pages")
        return SKIP
    with scratch("huge-pages") as tmp:
        # (A sanitizer's own reservations are not SpiderMonkey's: not counted.)
        default = mappings_while_waiting(a, tmp, dict(os.environ), "default")
        advised = [where for where, flags in default if "hg" in flags]
        check(len(advised) >= 2, f"expected a linear memory's and the code's reservations advised, got {default}")
        plain = mappings_while_waiting(a, tmp, {**os.environ, "WASMRR_HUGE_PAGES": "off"}, "off")
        check(len(plain) == len(default), f"WASMRR_HUGE_PAGES=off: other large mappings: {plain}, not {default}")
        check(not any("hg" in flags for _, flags in plain), f"WASMRR_HUGE_PAGES=off: advised mappings: {plain}")
        print(f"{len(advised)} large mappings advised ({', '.join(advised)}), none with WASMRR_HUGE_PAGES=off")
    print("PASS")
    return 0


if __name__ == "__main__":
    sys.exit(main())
