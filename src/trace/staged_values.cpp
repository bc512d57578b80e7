#include "trace/staged_values.h"

#include <cstring>

namespace wasmrr::trace {

namespace {

// Each call is its byte, then its argument: a number in 8 bytes, text as
// its length in 8 bytes then its bytes (native order: staged calls never
// leave the process).
enum Op : char {
  kLiteral, kRetarget, kNull, kFalse, kTrue, kUint, kSint, kFloat,
  kText, kBytes, kBeginArray, kEndArray, kBeginMap, kKey, kEndMap,
};

// One append per call: the op and its argument made on the stack first.
template <typename T>
void put(std::string& out, Op op, T v) {
  char call[1 + sizeof v];
  call[0] = op;
  std::memcpy(call + 1, &v, sizeof v);
  out.append(call, sizeof call);
}

void put_text(std::string& out, Op op, std::string_view s) {
  put(out, op, uint64_t{s.size()});
  out += s;
}

template <typename T>
T take(const char*& p) {
  T v;
  std::memcpy(&v, p, sizeof v);
  p += sizeof v;
  return v;
}

std::string_view take_text(const char*& p) {
  auto size = take<uint64_t>(p);
  std::string_view s(p, size);
  p += size;
  return s;
}

}  // namespace

void StagedSink::retarget(std::string& out) {
  out_ = &out;
  *out_ += kRetarget;
}
void StagedSink::null() { *out_ += kNull; }
void StagedSink::boolean(bool b) { *out_ += b ? kTrue : kFalse; }
void StagedSink::uint(uint64_t n) { put(*out_, kUint, n); }
void StagedSink::sint(int64_t n) { put(*out_, kSint, n); }
void StagedSink::float_(double d) { put(*out_, kFloat, d); }
void StagedSink::text(std::string_view s) { put_text(*out_, kText, s); }
void StagedSink::bytes(std::string_view b) { put_text(*out_, kBytes, b); }
void StagedSink::begin_array(size_t n) { put(*out_, kBeginArray, uint64_t{n}); }
void StagedSink::end_array() { *out_ += kEndArray; }
void StagedSink::begin_map(size_t n) { put(*out_, kBeginMap, uint64_t{n}); }
void StagedSink::key(std::string_view k) { put_text(*out_, kKey, k); }
void StagedSink::end_map() { *out_ += kEndMap; }

void append_literal(std::string& staged, std::string_view text) { put_text(staged, kLiteral, text); }

void render_staged(std::string_view staged, std::string& out) {
  JsonTextSink sink(out);
  const char* p = staged.data();
  const char* const end = p + staged.size();
  while (p < end) {
    switch (static_cast<Op>(*p++)) {
      case kLiteral: out += take_text(p); break;
      case kRetarget: sink.retarget(out); break;
      case kNull: sink.null(); break;
      case kFalse: sink.boolean(false); break;
      case kTrue: sink.boolean(true); break;
      case kUint: sink.uint(take<uint64_t>(p)); break;
      case kSint: sink.sint(take<int64_t>(p)); break;
      case kFloat: sink.float_(take<double>(p)); break;
      case kText: sink.text(take_text(p)); break;
      case kBytes: sink.bytes(take_text(p)); break;
      case kBeginArray: sink.begin_array(take<uint64_t>(p)); break;
      case kEndArray: sink.end_array(); break;
      case kBeginMap: sink.begin_map(take<uint64_t>(p)); break;
      case kKey: sink.key(take_text(p)); break;
      case kEndMap: sink.end_map(); break;
    }
  }
}

}  // namespace wasmrr::trace
