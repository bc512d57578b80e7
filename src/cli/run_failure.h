// When a run fails, and where (explore, shrink): a run fails when the guest
// traps, runs past its --timeout, exits with a status counted as failing
// (non-zero, or one of --fail-if-exit), or prints what --fail-if-stdout
// looks for. Two failures are the same when they fail at the same place:
// the same trap message and guest backtrace, or the same exit status and
// last line of output.
#pragma once

#include <optional>
#include <regex>
#include <string>
#include <vector>

#include "trace/trace.h"

namespace wasmrr::cli {

struct FailureCheck {
  std::vector<int> fail_if_exit;  // empty: every non-zero status fails
  std::optional<std::regex> fail_if_stdout;
  std::string fail_if_stdout_text;
};
// From --fail-if-exit and --fail-if-stdout; throws ToolError for a bad regex.
FailureCheck failure_check(const std::vector<int>& fail_if_exit, const std::string& fail_if_stdout);

// What a recorded run left: its trace's header and end, and its stdout.
struct FinishedRun {
  trace::Header header;
  std::optional<trace::End> end;  // none: the trace is cut short (the run was killed)
  std::string stdout_text;
  std::string stderr_text;        // the guest's, without wasm-rr's own messages
  int exit_code = 0;              // wasm-rr's
};
// Reads the trace and the output files; throws ToolError if the trace is unreadable.
FinishedRun read_finished_run(const std::string& trace_path, const std::string& stdout_path,
                              const std::string& stderr_path, int exit_code);

struct Failure {
  std::string signature;  // equal for the same failure
  std::string summary;    // one line, for tables
};
std::optional<Failure> failure_of(const FinishedRun& run, const FailureCheck& check);

}  // namespace wasmrr::cli
