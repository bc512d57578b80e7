// The recorder's hot path: encodes typed values straight into trace bytes
// (JSON text or CBOR), without building Json objects. The bytes are exactly
// what trace::TraceWriter would produce from the equivalent Json (same key
// order, number forms and escapes), so traces stay convertible byte for byte;
// tests/unit/event_encoder_test.cpp holds the two paths against each other.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "abi/type.h"
#include "abi/value.h"
#include "trace/trace.h"

namespace wasmrr::rr {

class EventEncoder {
 public:
  explicit EventEncoder(trace::Format format) : format_(format) {}

  // Appends the encoded array of `values` (arguments: large byte lists as digests).
  void encode_values(std::string& out, const std::vector<abi::Param>& types, const std::vector<abi::Value>& values,
                     bool digest_large_bytes) const;
  // The start of every event of function `fn`: {"fn":fn,"args": (computed
  // once per function by the recorder).
  std::string event_prefix(std::string_view fn) const;
  // What follows the arguments in an event with results: `,"results":` in JSON.
  std::string results_key() const;
  trace::Format format() const { return format_; }
  // Appends a whole event element {"fn":..,"args":..,"results":..} from encoded parts.
  void encode_event(std::string& out, std::string_view prefix, std::string_view args, std::string_view results) const;
  // ... or one whose call did not return: {"fn":..,"args":..,"exit":status} / {..,"trap":message}.
  void encode_exit_event(std::string& out, std::string_view prefix, std::string_view args, int status) const;
  void encode_trap_event(std::string& out, std::string_view prefix, std::string_view args, std::string_view message) const;

 private:
  void value(std::string& out, const abi::Value& v, const abi::Type& t, bool digest) const;
  void text(std::string& out, std::string_view s) const;
  void bytes(std::string& out, std::string_view b, bool digest) const;
  void uint(std::string& out, uint64_t n) const;
  void sint(std::string& out, int64_t n) const;
  void float_(std::string& out, double d) const;
  void null(std::string& out) const;
  void boolean(std::string& out, bool b) const;
  void array_begin(std::string& out, size_t n) const;
  void array_end(std::string& out) const;
  void map_begin(std::string& out, size_t n) const;
  void map_end(std::string& out) const;
  void key(std::string& out, std::string_view k, bool first) const;
  void separator(std::string& out, bool first) const;
  void event_head(std::string& out, std::string_view prefix, std::string_view args, std::string_view tail) const;

  trace::Format format_;
};

}  // namespace wasmrr::rr
