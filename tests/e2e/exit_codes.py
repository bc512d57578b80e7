"""wasm-rr's exit codes for the e2e harnesses, read from their one definition,
the kExit* constants of src/cli/options.h (tests/e2e/CMakeLists.txt reads the
same lines into WASMRR_EXIT_*). kExitToolError becomes EXIT_TOOL_ERROR, and
so on: EXIT_DIVERGENCE, EXIT_TIMEOUT, EXIT_TOOL_ERROR, EXIT_GUEST_TRAP.
"""

import re
from pathlib import Path

_HEADER = Path(__file__).resolve().parents[2] / "src" / "cli" / "options.h"


def _read(header):
    codes = {}
    for m in re.finditer(r"^constexpr int kExit(\w+) = (\d+);", header.read_text(), re.M):
        codes["EXIT" + re.sub(r"([A-Z])", r"_\1", m.group(1)).upper()] = int(m.group(2))
    if not codes:
        raise RuntimeError(f"no kExit* constants in {header}")
    return codes


_CODES = _read(_HEADER)
EXIT_DIVERGENCE = _CODES["EXIT_DIVERGENCE"]
EXIT_TIMEOUT = _CODES["EXIT_TIMEOUT"]
EXIT_TOOL_ERROR = _CODES["EXIT_TOOL_ERROR"]
EXIT_GUEST_TRAP = _CODES["EXIT_GUEST_TRAP"]
