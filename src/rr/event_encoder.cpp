#include "rr/event_encoder.h"

#include <algorithm>
#include <cstring>
#include <utility>

#include "abi/canonical.h"
#include "rr/value_walker.h"
#include "trace/scalar_bytes.h"
#include "trace/staged_values.h"

namespace wasmrr::rr {

namespace {

std::unique_ptr<trace::ByteSink> sink_for(trace::Format format, const trace::CompactNames* names, bool staged,
                                          std::string& out) {
  if (staged) return std::make_unique<trace::StagedSink>(out);
  if (format != trace::Format::Cbor || !names) return trace::make_byte_sink(format, out);
  auto sink = std::make_unique<trace::CborSink>(out);
  sink->use_names(names);
  return sink;
}

}  // namespace

EventEncoder::EventEncoder(trace::Format format, const trace::CompactNames* names, bool staged)
    : format_(format),
      names_(format == trace::Format::Cbor ? names : nullptr),
      staged_(staged && format == trace::Format::Json),
      sink_(sink_for(format, names_, staged_, scratch_)),
      results_key_(names_ ? "" : trace::further_key(format, "results")),
      exit_key_(names_ ? "" : trace::further_key(format, "exit")),
      trap_key_(names_ ? "" : trace::further_key(format, "trap")) {}

void EventEncoder::encode_values(std::string& out, const std::vector<abi::Param>& types,
                                 const std::vector<abi::Value>& values, bool digest_large_bytes) {
  write_values(sink(out), types, values, digest_large_bytes);
}

// Arguments of bools, integers and handles only (a file read's, a socket's:
// [{"handle":6},64,30720] in JSON) are written by hand into a buffer on the
// stack, byte for byte as the sink writes them, and appended in one step (as
// a literal when staged): the replayer encodes every call's arguments to
// compare them with the recorded ones, and the sink's calls per value showed
// in profiles of record and replay. In JSON, and in compact CBOR once the
// trace has numbered the key "handle" (until then the sink writes it as
// text, which names it).
namespace {
constexpr size_t kMaxPlainArgs = 8;
constexpr std::string_view kJsonHandleStart = "{\"handle\":";
// The longest: a handle's key and braces around the longest number, and a comma.
constexpr size_t kMaxPlainArg = kJsonHandleStart.size() + trace::kMaxScalarBytes + 2;
constexpr char kCborMapOfOne = static_cast<char>(0xa1);

bool is_handle(abi::Kind kind) { return kind >= abi::Kind::Own; }  // Own, Borrow, then the async handles (abi/type.h)
}  // namespace

bool EventEncoder::plain_args(const std::vector<abi::Param>& types, size_t n) {
  if (n > kMaxPlainArgs || (format_ != trace::Format::Json && !names_)) return false;
  for (size_t i = 0; i < n; i++) {
    const abi::Kind kind = types[i].type->kind;
    if (kind <= abi::Kind::U64) continue;  // Bool, then the integers
    if (!is_handle(kind)) return false;
    if (names_ && !handle_key_) {
      handle_key_ = names_->key("handle");  // numbered once, never renumbered (trace/compact.h)
      if (!handle_key_) return false;        // the sink writes it as text, which names it
    }
  }
  return true;
}

size_t EventEncoder::encode_plain_args(char* out, const std::vector<abi::Param>& types,
                                       std::span<const abi::Value> values) const {
  const bool json = format_ == trace::Format::Json;
  char* p = out;
  if (json) *p++ = '[';
  for (size_t i = 0; i < values.size(); i++) {
    if (json && i > 0) *p++ = ',';
    const abi::Kind kind = types[i].type->kind;
    if (!is_handle(kind)) {
      p += encode_scalar(p, kind, values[i]);
    } else if (json) {
      std::memcpy(p, kJsonHandleStart.data(), kJsonHandleStart.size());
      p += kJsonHandleStart.size();
      p += trace::write_uint(format_, p, values[i].num);
      *p++ = '}';
    } else {
      *p++ = kCborMapOfOne;
      p += trace::write_uint(format_, p, *handle_key_);
      p += trace::write_uint(format_, p, values[i].num);
    }
  }
  if (json) *p++ = ']';
  return static_cast<size_t>(p - out);
}

void EventEncoder::encode_args(std::string& out, const std::vector<abi::Param>& types,
                               std::span<const abi::Value> values) {
  if (const size_t n = std::min(types.size(), values.size()); plain_args(types, n)) {
    char text[2 + kMaxPlainArgs * kMaxPlainArg];
    return append_literal(out, std::string_view(text, encode_plain_args(text, types, values.first(n))));
  }
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

void EventEncoder::append_literal(std::string& out, std::string_view text) const {
  if (staged_) trace::append_literal(out, text);
  else out += text;
}

void EventEncoder::encode_outcome(std::string& out, const std::vector<abi::Param>& types,
                                  const std::vector<abi::Value>& results) {
  append_literal(out, results_key_);
  encode_results(out, types, results);
  append_literal(out, trace::map_end(format_));
}

void EventEncoder::encode_exit(std::string& out, int status) {
  append_literal(out, exit_key_);
  if (names_) static_cast<trace::CborSink&>(sink(out)).tag(trace::kTagExit);
  sink(out).sint(status);
  append_literal(out, trace::map_end(format_));
}

void EventEncoder::encode_trap(std::string& out, std::string_view message) {
  append_literal(out, trap_key_);
  if (names_) static_cast<trace::CborSink&>(sink(out)).tag(trace::kTagTrap);
  sink(out).text(message);
  append_literal(out, trace::map_end(format_));
}

// The longest: JSON arguments [a,b,c,d], then ,"results":[r]}.
static_assert(EventEncoder::kMaxScalarCall >=
              2 + abi::kMaxScalarParams * (trace::kMaxScalarBytes + 1) + sizeof(",\"results\":[]}") + trace::kMaxScalarBytes);

bool EventEncoder::plain_scalars(const abi::FuncType& type) const {
  if (format_ != trace::Format::Json && !names_) return false;  // plain CBOR maps: the sinks only
  if (type.async_ || type.params.size() > abi::kMaxScalarParams || type.results.size() > 1) return false;
  for (const auto* list : {&type.params, &type.results})
    for (const abi::Param& p : *list)
      if (p.type->kind > abi::Kind::U64) return false;  // Bool, then the integers (abi/type.h)
  return true;
}

size_t EventEncoder::encode_scalar(char* out, abi::Kind kind, const abi::Value& v) const {
  switch (kind) {
    case abi::Kind::Bool: return trace::write_bool(format_, out, v.num != 0);
    case abi::Kind::S8: case abi::Kind::S16: case abi::Kind::S32: case abi::Kind::S64:
      return trace::write_sint(format_, out, static_cast<int64_t>(v.num));
    default: return trace::write_uint(format_, out, v.num);
  }
}

trace::ScalarEventShape EventEncoder::scalar_shape(const abi::FuncType& type, std::string prefix) const {
  auto kind_of = [](abi::Kind kind) {
    switch (kind) {
      case abi::Kind::Bool: return trace::ScalarKind::Bool;
      case abi::Kind::S8: case abi::Kind::S16: case abi::Kind::S32: case abi::Kind::S64: return trace::ScalarKind::Signed;
      default: return trace::ScalarKind::Unsigned;
    }
  };
  std::string head;
  if (staged_) trace::render_staged(prefix, head);
  else head = std::move(prefix);
  trace::ScalarEventShape shape{.head = std::move(head), .params = {}, .results_key = results_key_, .result = {}};
  for (const abi::Param& p : type.params) shape.params.push_back(kind_of(p.type->kind));
  if (!type.results.empty()) shape.result = kind_of(type.results[0].type->kind);
  return shape;
}

// JSON: [a,b]; compact CBOR: the arguments one after another (bools and
// integers: encode_args()' shortcut writes them so).
size_t EventEncoder::encode_scalar_args(char* out, const abi::FuncType& type, std::span<const abi::Value> args) const {
  if (type.params.empty()) return 0;
  return encode_plain_args(out, type.params, args.first(std::min(type.params.size(), args.size())));
}

// JSON: ,"results":[r]} or ,"results":[]}; compact CBOR: r, or undefined.
size_t EventEncoder::encode_scalar_outcome(char* out, const abi::FuncType& type, const abi::Value* result) const {
  char* p = out;
  if (format_ == trace::Format::Json) {
    std::memcpy(p, results_key_.data(), results_key_.size());
    p += results_key_.size();
    *p++ = '[';
    if (result && !type.results.empty()) p += encode_scalar(p, type.results[0].type->kind, *result);
    *p++ = ']';
    *p++ = '}';
  } else if (result && !type.results.empty()) {
    p += encode_scalar(p, type.results[0].type->kind, *result);
  } else {
    *p++ = static_cast<char>(trace::kCborUndefined);
  }
  return static_cast<size_t>(p - out);
}

}  // namespace wasmrr::rr
