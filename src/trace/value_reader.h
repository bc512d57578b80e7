// Reads values straight from an element's encoded bytes, JSON text or CBOR,
// without building the trace model (nlohmann JSON): the replayer's fast path
// decodes an event's results this way (rr/results_reader.h). The reader of
// ValueSink's output, for the plain forms the writer produces: compact JSON
// (no whitespace), numbers that are integers, strings that are ASCII without
// escapes, CBOR of definite lengths. Anything else — and anything malformed —
// makes a read return false; the caller then takes the general path (the
// trace model), which gives the same values or says what is wrong. So a
// false says "not here", never "invalid".
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "trace/compact.h"
#include "trace/trace.h"

namespace wasmrr::trace {

// The head of the CBOR item at data[pos] (RFC 8949 3.1): its major type and
// argument, advancing pos past it. False for an indefinite length (left to
// the general path) or a head cut short.
inline bool read_cbor_head(std::string_view data, size_t& pos, uint8_t& major, uint64_t& arg) {
  if (pos >= data.size()) return false;
  auto initial = static_cast<uint8_t>(data[pos]);
  major = initial >> 5;
  uint8_t info = initial & 0x1f;
  size_t width = info < 24 ? 0 : info == 24 ? 1 : info == 25 ? 2 : info == 26 ? 4 : info == 27 ? 8 : 99;
  if (width == 99 || pos + 1 + width > data.size()) return false;
  arg = info < 24 ? info : 0;
  for (size_t i = 0; i < width; i++) arg = arg << 8 | static_cast<uint8_t>(data[pos + 1 + i]);
  pos += 1 + width;
  return true;
}

class ValueReader {
 public:
  // `names`: a compact CBOR event's (trace/compact.h), whose map keys may be numbers.
  ValueReader(std::string_view data, Format format, const CompactNames* names = nullptr)
      : data_(data), format_(format), names_(names) {}

  bool read_uint(uint64_t& v);
  bool read_sint(int64_t& v);
  bool read_bool(bool& v);
  bool read_null();
  bool next_is_null() const;
  bool next_is_text() const;  // a string (CBOR: a text string) comes next
  bool read_text(std::string& s);      // ASCII, no escapes
  bool read_bytes(std::string& b);     // CBOR: a byte string; JSON: {"$bytes":"<base64>"}
  // Bytes, or a reference to bytes seen before, {"$same": digest}
  // (rr/seen_bytes.h): then `same` is the digest as hex, and `b` is empty.
  bool read_bytes_or_same(std::string& b, std::string& same);

  // Arrays and maps: begin_*, then more() before each element (each key and
  // value of a map), then end(). Nested to any depth.
  bool begin_array();
  bool begin_map();
  bool more();               // another element or key follows in the innermost open array or map
  bool read_key(std::string_view& key);
  bool end();                // the innermost array or map ends here

  bool at_end() const { return pos_ == data_.size() && open_.empty(); }
  // Bytes read so far (e.g. the size of the one value read from bytes that go on).
  size_t position() const { return pos_; }
  // CBOR map keys read as text. In a compact event each defines a name
  // (trace/compact.h) unless the tables are full: a reader that skips the
  // event's scan must then leave it to one that learns its names.
  size_t text_keys() const { return text_keys_; }

 private:
  struct Open {
    bool map = false;
    bool first = true;        // JSON: no element read yet
    uint64_t left = 0;        // CBOR: elements (map: keys and values) still to come
  };
  // The open arrays and maps, innermost last: inline to a depth host-call
  // results rarely pass (a reader is made per replayed event, and allocates
  // nothing for one), on the heap beyond it.
  class OpenStack {
   public:
    bool empty() const { return size_ == 0; }
    Open& back() { return size_ <= kInline ? inline_[size_ - 1] : deep_[size_ - kInline - 1]; }
    const Open& back() const { return const_cast<OpenStack*>(this)->back(); }
    void push_back(Open o) {
      if (size_ < kInline) inline_[size_] = o;
      else deep_.push_back(o);
      size_++;
    }
    void pop_back() {
      size_--;
      if (size_ >= kInline) deep_.pop_back();
    }

   private:
    static constexpr size_t kInline = 8;
    std::array<Open, kInline> inline_{};
    std::vector<Open> deep_;
    size_t size_ = 0;
  };
  // JSON
  bool json_separator();      // a comma before any element but the first
  size_t json_value_start() const;  // where the next value starts, past its comma (size(): none)
  bool json_digits(uint64_t& v);
  bool json_plain_string(std::string_view& s);
  bool json_base64(std::string& b);  // a string of padded base64, decoded
  bool json_literal(std::string_view word);
  bool begin_container(bool map);
  // CBOR
  bool cbor_head(uint8_t& major, uint64_t& arg);
  bool cbor_element();        // counts one element of the innermost open container

  std::string_view data_;
  Format format_;
  const CompactNames* names_;
  size_t pos_ = 0;
  size_t text_keys_ = 0;
  OpenStack open_;
  bool after_key_ = false;    // JSON: a map key was read; its value comes next (no separator)
};

}  // namespace wasmrr::trace
