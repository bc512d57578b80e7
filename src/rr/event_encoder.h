// The recorder's hot path: encodes typed values straight into trace bytes
// (JSON text or CBOR) through the format's sink (trace/value_sink.h) and the
// one value walker (rr/value_walker.h), without building Json objects. The
// bytes are exactly what trace::TraceWriter would produce from the equivalent
// Json (same key order, number forms and escapes), so traces stay
// convertible byte for byte; tests/unit/event_encoder_test.cpp holds the two
// paths against each other. The replayer uses the same encoder to tell
// whether a recorded event is the call the guest makes now.
//
// CBOR events are compact (trace/compact.h) when the encoder is given the
// trace's names (the writer's, or the reader's), and plain maps otherwise.
#pragma once

#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "abi/type.h"
#include "abi/value.h"
#include "rr/seen_bytes.h"
#include "trace/compact.h"
#include "trace/element_bytes.h"
#include "trace/scalar_event.h"
#include "trace/trace.h"
#include "trace/value_sink.h"

namespace wasmrr::rr {

class EventEncoder {
 public:
  // `names` must outlive the encoder; it is only read. `staged` (JSON only,
  // the recorder's): every event is encoded as the calls that write its
  // text (trace/staged_values.h), for TraceWriter::write_staged.
  explicit EventEncoder(trace::Format format, const trace::CompactNames* names = nullptr, bool staged = false);

  // Appends the encoded array of `values` (arguments: large byte lists as digests).
  void encode_values(std::string& out, const std::vector<abi::Param>& types, const std::vector<abi::Value>& values,
                     bool digest_large_bytes);
  // An event's arguments (large byte lists as digests) and results, as its
  // element holds them: arrays, or in a compact event the arguments one by
  // one and the results as its outcome.
  void encode_args(std::string& out, const std::vector<abi::Param>& types, std::span<const abi::Value> values);
  void encode_results(std::string& out, const std::vector<abi::Param>& types, const std::vector<abi::Value>& values);
  // The start of every event of function `fn` with `nargs` arguments:
  // {"fn":fn,"args": in JSON. `stable` (if given) tells whether later events
  // start the same: not in a compact event whose function is not numbered
  // yet, which names it (the first event of its function).
  std::string event_prefix(std::string_view fn, size_t nargs, bool* stable = nullptr);
  // What follows the arguments in an event with results: `,"results":` in JSON.
  const std::string& results_key() const { return results_key_; }
  trace::Format format() const { return format_; }
  bool compact() const { return names_ != nullptr; }
  bool staged() const { return staged_; }
  // Appends encoded text that is not a value (a key, an event's end): as
  // is, or staged.
  void append_literal(std::string& out, std::string_view text) const;
  // The recorder's: byte lists of arguments and results are seen there, and
  // results seen before are written as references (rr/seen_bytes.h).
  void set_seen(SeenBytes* seen) { seen_ = seen; }
  // Whether the events encoded since the last call may have written names
  // out (compact CBOR: a key as text; any event of another format). With
  // event_prefix()'s `stable`, what TraceWriter::write_encoded() asks.
  bool take_names_written();
  // The replayer's: the digests encode_args() computes, appended in order.
  void set_digests(std::vector<std::string>* digests) { digests_ = digests; }
  const trace::CompactNames* names() const { return names_; }
  // An event is its prefix, its arguments (encode_args), then one of these,
  // which ends it: the results of a call that returned (`,"results":[..]}`
  // in JSON), or the status or message of one that did not (`,"exit":..}`,
  // `,"trap":..}`).
  void encode_outcome(std::string& out, const std::vector<abi::Param>& types, const std::vector<abi::Value>& results);
  void encode_exit(std::string& out, int status);
  void encode_trap(std::string& out, std::string_view message);

  // The recorder's fast path for scalar calls (runtime's call_scalar): a
  // function whose parameters and result are all bools and integers has its
  // arguments and its outcome encoded by hand into a fixed buffer of
  // kMaxScalarCall bytes, byte for byte as encode_args() and
  // encode_outcome() write them; they write no names.
  static constexpr size_t kMaxScalarCall = 128;
  bool plain_scalars(const abi::FuncType& type) const;
  // Each returns how many bytes it wrote at `out`. No arguments: nothing
  // (event_prefix() and encode_args() wrote the empty list).
  size_t encode_scalar_args(char* out, const abi::FuncType& type, std::span<const abi::Value> args) const;
  size_t encode_scalar_outcome(char* out, const abi::FuncType& type, const abi::Value* result) const;
  // A JSON trace's: what the writer needs to write such a function's events
  // from their numbers (TraceWriter::write_scalar_event), the same bytes as
  // `prefix` (event_prefix(), with encode_args() of no arguments when there
  // are none, staged or not) then encode_scalar_args() and
  // encode_scalar_outcome() give.
  // The numbers are the values' `num`s (abi/value.h).
  trace::ScalarEventShape scalar_shape(const abi::FuncType& type, std::string prefix) const;

 private:
  size_t encode_scalar(char* out, abi::Kind kind, const abi::Value& v) const;
  // encode_args()' shortcut: whether the first `n` types are bools, integers
  // and handles it may write by hand, and their encoding at `out`.
  bool plain_args(const std::vector<abi::Param>& types, size_t n);
  size_t encode_plain_args(char* out, const std::vector<abi::Param>& types, std::span<const abi::Value> values) const;
  // The format's sink, pointed at `out` (reused: no allocation per value).
  trace::ValueSink& sink(std::string& out) {
    sink_->retarget(out);
    return *sink_;
  }

  trace::Format format_;
  const trace::CompactNames* names_;  // null: JSON, or plain CBOR maps
  bool staged_;
  SeenBytes* seen_ = nullptr;
  std::vector<std::string>* digests_ = nullptr;
  uint64_t text_keys_taken_ = 0;
  std::optional<uint32_t> handle_key_;  // compact CBOR: "handle"'s number, once names_ has it
  std::string scratch_;
  std::unique_ptr<trace::ByteSink> sink_;
  std::string results_key_, exit_key_, trap_key_;
};

}  // namespace wasmrr::rr
