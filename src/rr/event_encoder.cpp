#include "rr/event_encoder.h"

#include "rr/value_walker.h"

#include <utility>

namespace wasmrr::rr {

namespace {

std::unique_ptr<trace::ByteSink> sink_for(trace::Format format, const trace::CompactNames* names, std::string& out) {
  if (format != trace::Format::Cbor || !names) return trace::make_byte_sink(format, out);
  auto sink = std::make_unique<trace::CborSink>(out);
  sink->use_names(names);
  return sink;
}

}  // namespace

EventEncoder::EventEncoder(trace::Format format, const trace::CompactNames* names)
    : format_(format),
      names_(format == trace::Format::Cbor ? names : nullptr),
      sink_(sink_for(format, names_, scratch_)),
      results_key_(names_ ? "" : trace::further_key(format, "results")),
      exit_key_(names_ ? "" : trace::further_key(format, "exit")),
      trap_key_(names_ ? "" : trace::further_key(format, "trap")) {}

void EventEncoder::encode_values(std::string& out, const std::vector<abi::Param>& types,
                                 const std::vector<abi::Value>& values, bool digest_large_bytes) {
  write_values(sink(out), types, values, digest_large_bytes);
}

void EventEncoder::encode_args(std::string& out, const std::vector<abi::Param>& types,
                               std::span<const abi::Value> values) {
  ByteLists lists{.digest = true, .seen = seen_, .digests = digests_};
  if (!names_) return write_values(sink(out), types, values, lists);
  trace::ValueSink& s = sink(out);
  for (size_t i = 0; i < types.size() && i < values.size(); i++) write_value(s, values[i], *types[i].type, lists);
}

void EventEncoder::encode_results(std::string& out, const std::vector<abi::Param>& types,
                                  const std::vector<abi::Value>& values) {
  ByteLists lists{.digest = false, .seen = seen_};
  if (!names_ || values.size() > 1) {
    if (names_) static_cast<trace::CborSink&>(sink(out)).tag(trace::kTagResults);
    return write_values(sink(out), types, values, lists);
  }
  if (values.empty() || types.empty()) {
    out += static_cast<char>(trace::kCborUndefined);
    return;
  }
  write_value(sink(out), values[0], *types[0].type, lists);
}

bool EventEncoder::take_names_written() {
  if (!names_) return true;
  uint64_t now = static_cast<trace::CborSink&>(*sink_).text_keys();
  return std::exchange(text_keys_taken_, now) != now;
}

std::string EventEncoder::event_prefix(std::string_view fn, size_t nargs, bool* stable) {
  std::string out;
  trace::ValueSink& s = sink(out);
  if (stable) *stable = true;
  if (names_) {
    s.begin_array(2 + nargs);
    if (auto index = names_->function(fn)) {
      s.uint(*index);
    } else {
      s.text(fn);
      if (stable) *stable = false;
    }
    return out;
  }
  s.begin_map(3);
  s.key("fn");
  s.text(fn);
  s.key("args");
  return out;
}

void EventEncoder::encode_outcome(std::string& out, const std::vector<abi::Param>& types,
                                  const std::vector<abi::Value>& results) {
  out += results_key_;
  encode_results(out, types, results);
  out += trace::map_end(format_);
}

void EventEncoder::encode_exit(std::string& out, int status) {
  out += exit_key_;
  if (names_) static_cast<trace::CborSink&>(sink(out)).tag(trace::kTagExit);
  sink(out).sint(status);
  out += trace::map_end(format_);
}

void EventEncoder::encode_trap(std::string& out, std::string_view message) {
  out += trap_key_;
  if (names_) static_cast<trace::CborSink&>(sink(out)).tag(trace::kTagTrap);
  sink(out).text(message);
  out += trace::map_end(format_);
}

}  // namespace wasmrr::rr
