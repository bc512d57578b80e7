#include "cli/run_failure.h"

#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include "cli/options.h"
#include "trace/reader.h"
#include "util/printable.h"

namespace wasmrr::cli {
namespace {

std::string last_line(const std::string& text) {
  size_t end = text.find_last_not_of("\r\n");
  if (end == std::string::npos) return "";
  size_t start = text.rfind('\n', end);
  start = start == std::string::npos ? 0 : start + 1;
  return text.substr(start, end + 1 - start);
}

// "check_record@wasm-function[12]:0x41f" -> "check_record": where, without
// the code offsets (the same function is the same place).
std::string frame_function(const std::string& frame) {
  std::string f = frame;
  if (size_t colon = f.find(": "); colon != std::string::npos && colon < 8) f = f.substr(colon + 2);
  return f.substr(0, f.find('@'));
}

std::string where(const std::vector<std::string>& backtrace) {
  std::vector<std::string> names;
  for (const auto& frame : backtrace) {
    std::string name = frame_function(frame);
    if (name.empty() || name.starts_with("wasm-function[")) continue;
    if (name == "main" || name == "__main_void" || name == "__original_main" || name.starts_with("_start")) {
      if (name == "main") names.push_back(name);
      break;
    }
    names.push_back(name);
    if (names.size() == 4) break;
  }
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "" : " <- ") + n;
  return out;
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// A child's stderr holds wasm-rr's messages ("wasm-rr: ...", and their
// indented lines) among the guest's lines: only the guest's are kept.
std::string guest_lines(const std::string& text) {
  std::string out;
  bool ours = false;
  for (size_t start = 0; start < text.size();) {
    size_t end = std::min(text.find('\n', start), text.size());
    std::string_view line(text.data() + start, end - start);
    if (line.starts_with("wasm-rr: ")) ours = true;
    else if (!line.starts_with(" ")) ours = false;
    if (!ours) out.append(line).append("\n");
    start = end + 1;
  }
  return out;
}

}  // namespace

FailureCheck failure_check(const std::vector<int>& fail_if_exit, const std::string& fail_if_stdout) {
  FailureCheck check;
  check.fail_if_exit = fail_if_exit;
  if (!fail_if_stdout.empty()) {
    try {
      check.fail_if_stdout.emplace(fail_if_stdout, std::regex::ECMAScript);
    } catch (const std::regex_error& e) {
      throw ToolError(fmt::format("--fail-if-stdout `{}`: not a regular expression: {}", printable(fail_if_stdout), e.what()));
    }
    check.fail_if_stdout_text = fail_if_stdout;
  }
  return check;
}

FinishedRun read_finished_run(const std::string& trace_path, const std::string& stdout_path,
                              const std::string& stderr_path, int exit_code) {
  FinishedRun run;
  run.exit_code = exit_code;
  auto reader = trace::TraceReader::open(trace_path);
  if (!reader) throw ToolError(reader.error().message);
  bool header_seen = false;
  for (;;) {
    auto next = (*reader)->next();
    if (!next) throw ToolError(next.error().message);
    if (!*next) break;
    auto el = trace::decode_element(std::move(**next));
    if (!el) throw ToolError(fmt::format("`{}`: {}", printable(trace_path), el.error().message));
    if (el->kind == trace::Element::Kind::Header) {
      run.header = std::move(el->header);
      header_seen = true;
    } else if (el->kind == trace::Element::Kind::End) {
      run.end = std::move(el->end);
    }
  }
  if (!header_seen) throw ToolError(fmt::format("`{}` holds no trace header", printable(trace_path)));
  run.stdout_text = read_file(stdout_path);
  run.stderr_text = guest_lines(read_file(stderr_path));
  return run;
}

std::optional<Failure> failure_of(const FinishedRun& run, const FailureCheck& check) {
  if (check.fail_if_stdout) {
    std::smatch m;
    if (std::regex_search(run.stdout_text, m, *check.fail_if_stdout)) {
      std::string line = last_line(m.str(0));
      return Failure{"stdout\n" + m.str(0), printable(fmt::format("stdout matched /{}/: {}", check.fail_if_stdout_text, line))};
    }
  }
  if (!run.end) {
    return Failure{fmt::format("killed {}", run.exit_code), fmt::format("killed (exit status {}), no end recorded", run.exit_code)};
  }
  const trace::End& end = *run.end;
  switch (end.kind) {
    case trace::End::Kind::Trap: {
      std::string at = where(end.backtrace);
      std::string signature = "trap\n" + end.message;
      for (const auto& frame : end.backtrace) signature += "\n" + frame_function(frame);
      return Failure{signature, printable(fmt::format("trap: {}{}", end.message, at.empty() ? "" : " in " + at))};
    }
    case trace::End::Kind::Timeout:
      return Failure{"timeout", fmt::format("ran past --timeout {} ms", end.timeout_ms)};
    case trace::End::Kind::Signal:
      return Failure{"signal " + end.signal_name, printable("stopped by " + end.signal_name)};
    case trace::End::Kind::Exit: {
      bool fails = check.fail_if_exit.empty()
                       ? end.status != 0
                       : std::find(check.fail_if_exit.begin(), check.fail_if_exit.end(), end.status) != check.fail_if_exit.end();
      if (!fails) return std::nullopt;
      std::string line = last_line(run.stdout_text);
      if (line.empty()) line = last_line(run.stderr_text);
      return Failure{fmt::format("exit {}\n{}", end.status, line),
                     printable(fmt::format("exit status {}{}", end.status, line.empty() ? "" : ", last output: " + line))};
    }
  }
  return std::nullopt;
}

}  // namespace wasmrr::cli
