// Reading a whole trace in unit tests: the elements, whether it was cut
// short, and the first error — through next(), or through next_text() and
// parse_text() where the reader gives text, as the replayer's fast path reads.
#pragma once

#include <algorithm>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "trace/reader.h"

namespace wasmrr::test {

// The header of the traces unit tests make: component x.wasm, guest argv `args`.
inline trace::Header test_header(std::vector<std::string> args = {"x.wasm"}) {
  trace::Header h;
  h.wasm_rr_version = "test";
  h.component_name = "x.wasm";
  h.component_sha256 = std::string(64, 'a');
  h.component_size = 10;
  h.args = std::move(args);
  h.start_time = "2026-01-01T00:00:00Z";
  return h;
}

struct ReadResult {
  std::vector<trace::Json> elements;
  bool truncated = false;
  std::string error;  // of open(), next(), next_text() or parse_text()
};

inline ReadResult read_trace(const std::string& path, bool as_text) {
  ReadResult out;
  auto r = trace::TraceReader::open(path);
  if (!r) {
    out.error = r.error().message;
    return out;
  }
  while (true) {
    Result<std::optional<trace::Json>> el = std::optional<trace::Json>();
    if (as_text) {
      auto t = (*r)->next_text();
      if (!t) {
        out.error = t.error().message;
        break;
      }
      if (!t->available) el = (*r)->next();
      else if (t->end) break;
      else el = (*r)->parse_text(t->text);
    } else {
      el = (*r)->next();
    }
    if (!el) {
      out.error = el.error().message;
      break;
    }
    if (!*el) break;
    out.elements.push_back(**el);
  }
  out.truncated = (*r)->truncated();
  return out;
}

// A test's name for a trace format, as GoogleTest takes one: "json_zst".
inline std::string format_test_name(trace::TraceFormat format) {
  std::string name = trace::trace_format_name(format);
  std::replace(name.begin(), name.end(), '.', '_');
  return name;
}

inline ReadResult read_all(const std::string& path) { return read_trace(path, false); }
inline ReadResult read_all_as_text(const std::string& path) { return read_trace(path, true); }

}  // namespace wasmrr::test
