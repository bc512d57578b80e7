#include "rr/event_encoder.h"

#include "rr/value_walker.h"

namespace wasmrr::rr {

EventEncoder::EventEncoder(trace::Format format)
    : format_(format),
      sink_(trace::make_byte_sink(format, scratch_)),
      results_key_(trace::further_key(format, "results")),
      exit_key_(trace::further_key(format, "exit")),
      trap_key_(trace::further_key(format, "trap")) {}

void EventEncoder::encode_values(std::string& out, const std::vector<abi::Param>& types,
                                 const std::vector<abi::Value>& values, bool digest_large_bytes) {
  write_values(sink(out), types, values, digest_large_bytes);
}

std::string EventEncoder::event_prefix(std::string_view fn) {
  std::string out;
  trace::ValueSink& s = sink(out);
  s.begin_map(3);
  s.key("fn");
  s.text(fn);
  s.key("args");
  return out;
}

void EventEncoder::encode_event(std::string& out, std::string_view prefix, std::string_view args,
                                std::string_view results) const {
  out += prefix;
  out += args;
  out += results_key_;
  out += results;
  out += trace::map_end(format_);
}

void EventEncoder::encode_exit_event(std::string& out, std::string_view prefix, std::string_view args, int status) {
  out += prefix;
  out += args;
  out += exit_key_;
  sink(out).sint(status);
  out += trace::map_end(format_);
}

void EventEncoder::encode_trap_event(std::string& out, std::string_view prefix, std::string_view args,
                                     std::string_view message) {
  out += prefix;
  out += args;
  out += trap_key_;
  sink(out).text(message);
  out += trace::map_end(format_);
}

}  // namespace wasmrr::rr
