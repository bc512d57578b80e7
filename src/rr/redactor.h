// Keeps secrets out of traces, knowing no interface: any key/value pair in a
// call's arguments or results whose key is one of the chosen names (ASCII
// case-insensitive) has its value replaced by kRedacted — an environment
// variable (get-environment returns (name, value) tuples), an HTTP header
// (fields.append(name, value), from-list entries), and so on. Every value
// redacted this way is then also scrubbed wherever else it appears (an API
// token read from the environment and sent in a header).
//
// Replay accepts such a trace: a recorded argument holding kRedacted matches
// anything in its place, and a redacted result gives the guest kRedacted.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "trace/trace.h"

namespace wasmrr::rr {

constexpr std::string_view kRedacted = "wasm-rr:redacted";

class Redactor {
 public:
  explicit Redactor(std::vector<std::string> names);
  bool active() const { return !names_.empty(); }
  void apply(trace::Json& j);

 private:
  bool is_name(const trace::Json& key) const;
  void redact(trace::Json& value);
  void find_pairs(trace::Json& j);
  void scrub(trace::Json& j) const;

  std::vector<std::string> names_;    // lower case
  std::vector<std::string> secrets_;  // values seen under those names
};

// Does a recorded value (possibly holding kRedacted) match the value now?
bool matches_redacted(const trace::Json& recorded, const trace::Json& now);
bool contains_redacted(const trace::Json& j);

}  // namespace wasmrr::rr
