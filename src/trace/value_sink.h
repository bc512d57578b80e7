// Where a WIT value's trace encoding goes, node by node: the one interface
// between the value walker (rr/value_walker.h, which knows WIT types) and the
// trace formats (which know bytes). Each format is one sink:
//   JsonTextSink  JSON text, exactly as nlohmann's dump() writes it (the recorder's hot path)
//   CborSink      CBOR bytes, exactly as nlohmann's to_cbor() writes them
//   JsonDomSink   a trace::Json value (for reports, redaction and tests)
// Adding a format is adding a sink (and its framing, trace/element_bytes.h). Separators and container ends are the
// sink's business; the walker only says what comes.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "trace/trace.h"

namespace wasmrr::trace {

class ValueSink {
 public:
  virtual ~ValueSink() = default;
  virtual void null() = 0;
  virtual void boolean(bool b) = 0;
  virtual void uint(uint64_t n) = 0;
  virtual void sint(int64_t n) = 0;
  virtual void float_(double d) = 0;  // NaN and infinities as the strings "nan", "inf", "-inf"
  virtual void text(std::string_view s) = 0;
  virtual void bytes(std::string_view b) = 0;  // a byte string ({"$bytes": base64} in JSON text)
  // A SHA-256 digest as 64 lowercase hex digits (of "$sha256", "$same"):
  // text, except in a compact CBOR event, which holds its 32 bytes
  // (trace/compact.h).
  virtual void digest(std::string_view hex) { text(hex); }
  virtual void begin_array(size_t n) = 0;
  virtual void end_array() = 0;
  virtual void begin_map(size_t n) = 0;
  virtual void key(std::string_view k) = 0;  // then exactly one value
  virtual void end_map() = 0;
};

// A sink that appends one format's bytes to a string; retarget() reuses the
// sink, and its buffers, for another value. `out` must outlive its use.
class ByteSink : public ValueSink {
 public:
  virtual void retarget(std::string& out) = 0;
};

// The byte sink of `format` (JsonTextSink or CborSink), appending to `out`.
std::unique_ptr<ByteSink> make_byte_sink(Format format, std::string& out);

class JsonTextSink final : public ByteSink {
 public:
  explicit JsonTextSink(std::string& out) : out_(&out) {}
  void retarget(std::string& out) override {
    out_ = &out;
    has_items_.clear();
    after_key_ = false;
  }
  void null() override;
  void boolean(bool b) override;
  void uint(uint64_t n) override;
  void sint(int64_t n) override;
  void float_(double d) override;
  void text(std::string_view s) override;
  void bytes(std::string_view b) override;
  void begin_array(size_t n) override;
  void end_array() override;
  void begin_map(size_t n) override;
  void key(std::string_view k) override;
  void end_map() override;

 private:
  void before_value();  // the comma between array items
  std::string* out_;
  // Per open container: whether an item was written (a comma comes first);
  // for maps the key writes it, so the value after a key writes none. Bytes,
  // not vector<bool>: this runs for every value the recorder writes.
  std::vector<uint8_t> has_items_;
  bool after_key_ = false;
};

class CompactNames;  // trace/compact.h

class CborSink final : public ByteSink {
 public:
  explicit CborSink(std::string& out) : out_(&out) {}
  // Map keys that `names` has defined are written as their numbers (compact
  // events, trace/compact.h); null: every key as text.
  void use_names(const CompactNames* names) {
    names_ = names;
    known_keys_ = {};
  }
  // How many keys were written as text while names were in use: names an
  // event defines (a writer needs to learn them only then).
  uint64_t text_keys() const { return text_keys_; }
  void retarget(std::string& out) override { out_ = &out; }
  void null() override;
  void boolean(bool b) override;
  void uint(uint64_t n) override;
  void sint(int64_t n) override;
  void float_(double d) override;
  void text(std::string_view s) override;
  void bytes(std::string_view b) override;
  void begin_array(size_t n) override;
  void end_array() override {}
  void begin_map(size_t n) override;
  void key(std::string_view k) override;
  void end_map() override {}
  void digest(std::string_view hex) override;
  void tag(uint64_t n) { head(6, n); }

 private:
  void head(uint8_t major, uint64_t n);  // RFC 8949 3.1, shortest form
  std::string* out_;
  const CompactNames* names_ = nullptr;
  uint64_t text_keys_ = 0;
  // The last keys found in names_, whose numbers never change (the tables
  // only grow): most events write the same few keys ("handle", "ok"), and
  // comparing a short key costs less than hashing it.
  struct KnownKey {
    std::string name;
    uint32_t number = 0;
    bool used = false;
  };
  std::array<KnownKey, 4> known_keys_;
  size_t next_known_ = 0;
};

// Builds one Json value; take() it when the value is complete.
class JsonDomSink final : public ValueSink {
 public:
  void null() override { put(Json(nullptr)); }
  void boolean(bool b) override { put(Json(b)); }
  void uint(uint64_t n) override { put(Json(n)); }
  void sint(int64_t n) override { put(Json(n)); }
  void float_(double d) override;
  void text(std::string_view s) override { put(Json(std::string(s))); }
  void bytes(std::string_view b) override { put(Json::binary(Json::binary_t::container_type(b.begin(), b.end()))); }
  void begin_array(size_t n) override;
  void end_array() override { stack_.pop_back(); }
  void begin_map(size_t n) override;
  void key(std::string_view k) override { key_ = k; }
  void end_map() override { stack_.pop_back(); }
  Json take() { return std::move(root_); }

 private:
  Json* put(Json v);  // where v went
  Json root_;
  std::vector<Json*> stack_;  // open containers
  std::string key_;
};

}  // namespace wasmrr::trace
