// Keeps secrets out of traces, knowing no interface: any key/value pair in a
// call's arguments or results whose key is one of the chosen names (ASCII
// case-insensitive) has its value replaced by a token — an environment
// variable (get-environment returns (name, value) tuples), an HTTP header
// (fields.append(name, value), from-list entries), and so on. Every value
// redacted this way is then also scrubbed wherever else it appears (an API
// token read from the environment and sent in a header).
//
// The tokens pseudonymize: each distinct secret value gets its own,
// `wasm-rr:redacted:1`, `:2`, ... in the order they are first met, and keeps
// it everywhere, so a redacted trace still shows which values were the same.
//
// Replay accepts such a trace: a token in a recorded argument matches any
// text in its place, and a redacted result gives the guest the token.
#pragma once

#include <deque>
#include <string>
#include <string_view>
#include <vector>

#include "trace/trace.h"

namespace wasmrr::rr {

// Every token starts so; traces of wasm-rr before pseudonymizing hold it bare.
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
  const std::string& token_for(const std::string& secret);

  std::vector<std::string> names_;  // lower case
  // Values seen under those names, with their tokens, in the order met.
  // std::deque: scrub_order_ points into it.
  std::deque<std::pair<std::string, std::string>> secrets_;
  std::vector<const std::pair<std::string, std::string>*> scrub_order_;  // the scrubbed ones, longest first
};

// Does a recorded value (possibly holding kRedacted) match the value now?
bool matches_redacted(const trace::Json& recorded, const trace::Json& now);
bool contains_redacted(const trace::Json& j);

}  // namespace wasmrr::rr
