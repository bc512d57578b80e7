#include "trace/value_sink.h"

#include <cmath>
#include <memory>

#include "trace/compact.h"
#include "trace/json_bytes.h"
#include "trace/scalar_bytes.h"

namespace wasmrr::trace {

namespace {

Json float_json(double d) {
  if (std::isnan(d)) return "nan";
  if (std::isinf(d)) return d > 0 ? "inf" : "-inf";
  return d;
}

// JSON string escaping as nlohmann's dump does it (no ensure_ascii). Runs of
// characters that need no escape are appended whole.
void json_escaped(std::string& out, std::string_view s) {
  out += '"';
  size_t run = 0;
  for (size_t i = 0; i < s.size(); i++) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c >= 0x20 && c != '"' && c != '\\') continue;
    out.append(s.data() + run, i - run);
    run = i + 1;
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default: {
        static const char hex[] = "0123456789abcdef";
        out += "\\u00";
        out += hex[c >> 4];
        out += hex[c & 0xf];
      }
    }
  }
  out.append(s.data() + run, s.size() - run);
  out += '"';
}

}  // namespace

// --- JSON text ---

void JsonTextSink::before_value() {
  if (after_key_) {
    after_key_ = false;
    return;
  }
  if (has_items_.empty()) return;
  if (has_items_.back()) *out_ += ',';
  has_items_.back() = 1;
}

void JsonTextSink::null() { before_value(); *out_ += "null"; }
void JsonTextSink::boolean(bool b) { before_value(); *out_ += b ? "true" : "false"; }
void JsonTextSink::uint(uint64_t n) {
  before_value();
  char buf[kMaxScalarBytes];
  out_->append(buf, write_uint(Format::Json, buf, n));
}
void JsonTextSink::sint(int64_t n) {
  before_value();
  char buf[kMaxScalarBytes];
  out_->append(buf, write_sint(Format::Json, buf, n));
}
// Floats are rare at the host boundary: nlohmann formats them, so that every
// path agrees on the shortest round-trip form.
void JsonTextSink::float_(double d) { before_value(); *out_ += float_json(d).dump(); }
void JsonTextSink::text(std::string_view s) { before_value(); json_escaped(*out_, s); }
void JsonTextSink::bytes(std::string_view b) {
  before_value();
  *out_ += "{\"$bytes\":\"";
  base64_append(*out_, b);
  *out_ += "\"}";
}
void JsonTextSink::begin_array(size_t) {
  before_value();
  *out_ += '[';
  has_items_.push_back(0);
}
void JsonTextSink::end_array() {
  has_items_.pop_back();
  *out_ += ']';
}
void JsonTextSink::begin_map(size_t) {
  before_value();
  *out_ += '{';
  has_items_.push_back(0);
}
void JsonTextSink::key(std::string_view k) {
  before_value();
  json_escaped(*out_, k);
  *out_ += ':';
  after_key_ = true;
}
void JsonTextSink::end_map() {
  has_items_.pop_back();
  *out_ += '}';
}

// --- CBOR ---

void CborSink::head(uint8_t major, uint64_t n) {
  char buf[kMaxScalarBytes];
  out_->append(buf, write_cbor_head(buf, major, n));  // one append: this runs for every value the recorder writes
}

void CborSink::null() { *out_ += static_cast<char>(0xf6); }
void CborSink::boolean(bool b) { *out_ += static_cast<char>(b ? 0xf5 : 0xf4); }
void CborSink::uint(uint64_t n) { head(0, n); }
void CborSink::sint(int64_t n) {
  char buf[kMaxScalarBytes];
  out_->append(buf, write_sint(Format::Cbor, buf, n));  // major type 0, or 1 for -1 - n
}
void CborSink::float_(double d) { Json::to_cbor(float_json(d), *out_); }
void CborSink::text(std::string_view s) {
  head(3, s.size());
  *out_ += s;
}
void CborSink::bytes(std::string_view b) {
  head(2, b.size());
  *out_ += b;
}
void CborSink::key(std::string_view k) {
  if (names_) {
    for (const KnownKey& known : known_keys_)
      if (known.used && known.name == k) return head(0, known.number);
    if (auto index = names_->key(k)) {
      known_keys_[next_known_] = {std::string(k), *index, true};
      next_known_ = (next_known_ + 1) % known_keys_.size();
      return head(0, *index);
    }
    text_keys_++;
  }
  text(k);
}
void CborSink::digest(std::string_view hex) {
  std::string raw;
  if (names_ && digest_bytes(hex, raw)) return bytes(raw);
  text(hex);
}
void CborSink::begin_array(size_t n) { head(4, n); }
void CborSink::begin_map(size_t n) { head(5, n); }

// --- Json DOM ---

Json* JsonDomSink::put(Json v) {
  if (stack_.empty()) {
    root_ = std::move(v);
    return &root_;
  }
  Json& top = *stack_.back();
  if (top.is_array()) {
    top.push_back(std::move(v));
    return &top.back();
  }
  Json& slot = top[key_];
  slot = std::move(v);
  return &slot;
}

void JsonDomSink::float_(double d) { put(float_json(d)); }
void JsonDomSink::begin_array(size_t) { stack_.push_back(put(Json::array())); }
void JsonDomSink::begin_map(size_t) { stack_.push_back(put(Json::object())); }

std::unique_ptr<ByteSink> make_byte_sink(Format format, std::string& out) {
  if (format == Format::Json) return std::make_unique<JsonTextSink>(out);
  return std::make_unique<CborSink>(out);
}

}  // namespace wasmrr::trace
