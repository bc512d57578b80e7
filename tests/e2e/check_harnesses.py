#!/usr/bin/env python3
"""Every e2e harness (tests/e2e/*_case.py) uses the shared library, harness.py.

    check_harnesses.py [DIR]

Fails, naming the file and line, when a harness
  - does not import harness (fail/check/run/scratch/replay_hint live there);
  - defines its own fail() or check(), or a Failure exception;
  - makes its own temporary folder (tempfile.mkdtemp / TemporaryDirectory):
    a case works in harness.scratch(), which keeps it when the case fails;
  - runs a command with subprocess.run (harness.run: output into files,
    peak memory, a timeout that fails the case with a message);
  - writes one of wasm-rr's exit codes as a number in code (not in a
    docstring or comment): they come from exit_codes.py, which reads
    src/cli/options.h.
Exit status 0 = pass.
"""
import ast
import io
import sys
import tokenize
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from exit_codes import EXIT_DIVERGENCE, EXIT_GUEST_TRAP, EXIT_TIMEOUT, EXIT_TOOL_ERROR  # noqa: E402

CODES = {EXIT_DIVERGENCE, EXIT_GUEST_TRAP, EXIT_TIMEOUT, EXIT_TOOL_ERROR}


def problems(path: Path):
    text = path.read_text()
    tree = ast.parse(text, str(path))
    imported = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imported |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            imported.add(node.module)
        if isinstance(node, ast.FunctionDef) and node.name in ("fail", "check") and node.col_offset == 0:
            yield node.lineno, f"defines its own {node.name}(): use harness.{node.name}"
        if isinstance(node, ast.ClassDef) and node.name in ("Failure", "CaseFailed"):
            yield node.lineno, f"defines its own {node.name}: use harness.fail"
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
            where = f"{node.value.id}.{node.attr}"
            if where in ("tempfile.mkdtemp", "tempfile.TemporaryDirectory"):
                yield node.lineno, f"{where}: work in harness.scratch(name)"
            if where == "subprocess.run":
                yield node.lineno, "subprocess.run: use harness.run"
    if "harness" not in imported:
        yield 1, "does not import harness"
    for tok in tokenize.generate_tokens(io.StringIO(text).readline):
        if tok.type == tokenize.NUMBER and tok.string.isdigit() and int(tok.string) in CODES:
            yield tok.start[0], f"exit code {tok.string} written out: import it from exit_codes"


def main():
    folder = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parent
    harnesses = sorted(folder.glob("*_case.py"))
    if not harnesses:
        print(f"FAIL: no *_case.py in {folder}")
        return 1
    bad = [f"{h.name}:{line}: {msg}" for h in harnesses for line, msg in problems(h)]
    for b in bad:
        print("FAIL:", b)
    if bad:
        return 1
    print(f"PASS: {len(harnesses)} harnesses use harness.py: {', '.join(h.name for h in harnesses)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
