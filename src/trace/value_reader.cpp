#include "trace/value_reader.h"

#include <limits>

#include "trace/json_bytes.h"
#include "trace/sha256.h"

namespace wasmrr::trace {

// --- JSON -----------------------------------------------------------------

bool ValueReader::json_separator() {
  if (after_key_) {
    after_key_ = false;
    return true;
  }
  if (open_.empty()) return pos_ == 0;  // a top-level value: only one
  Open& o = open_.back();
  if (o.first) {
    o.first = false;
    return true;
  }
  if (pos_ < data_.size() && data_[pos_] == ',') {
    pos_++;
    return true;
  }
  return false;
}

bool ValueReader::json_plain_string(std::string_view& s) {
  if (pos_ >= data_.size() || data_[pos_] != '"') return false;
  size_t start = pos_ + 1;
  for (size_t i = start; i < data_.size(); i++) {
    auto c = static_cast<unsigned char>(data_[i]);
    if (c == '"') {
      s = data_.substr(start, i - start);
      pos_ = i + 1;
      return true;
    }
    if (c == '\\' || c < 0x20 || c >= 0x80) return false;  // escapes and non-ASCII: the general path
  }
  return false;
}

// The string ends at the first quote: base64_decode rejects a backslash, so
// no escaped quote can come before it in a string this accepts.
bool ValueReader::json_base64(std::string& b) {
  if (pos_ >= data_.size() || data_[pos_] != '"') return false;
  size_t close = data_.find('"', pos_ + 1);
  if (close == std::string_view::npos || !base64_decode(data_.substr(pos_ + 1, close - pos_ - 1), b)) return false;
  pos_ = close + 1;
  return true;
}

bool ValueReader::json_literal(std::string_view word) {
  if (data_.substr(pos_, word.size()) != word) return false;
  pos_ += word.size();
  return true;
}

// --- CBOR -----------------------------------------------------------------

bool ValueReader::cbor_head(uint8_t& major, uint64_t& arg) { return read_cbor_head(data_, pos_, major, arg); }

bool ValueReader::cbor_element() {
  if (open_.empty()) return pos_ == 0;
  Open& o = open_.back();
  if (o.left == 0) return false;
  o.left--;
  return true;
}

// --- values ---------------------------------------------------------------

bool ValueReader::json_digits(uint64_t& v) {
  size_t start = pos_;
  uint64_t n = 0;
  while (pos_ < data_.size() && data_[pos_] >= '0' && data_[pos_] <= '9') {
    unsigned digit = static_cast<unsigned>(data_[pos_] - '0');
    if (n > (std::numeric_limits<uint64_t>::max() - digit) / 10) return false;
    n = n * 10 + digit;
    pos_++;
  }
  size_t len = pos_ - start;
  if (len == 0 || (len > 1 && data_[start] == '0')) return false;  // JSON has no leading zeros
  if (pos_ < data_.size() && (data_[pos_] == '.' || data_[pos_] == 'e' || data_[pos_] == 'E')) return false;
  v = n;
  return true;
}

bool ValueReader::read_uint(uint64_t& v) {
  if (format_ == Format::Cbor) {
    uint8_t major;
    return cbor_element() && cbor_head(major, v) && major == 0;
  }
  return json_separator() && json_digits(v);
}

bool ValueReader::read_sint(int64_t& v) {
  if (format_ == Format::Cbor) {
    uint8_t major;
    uint64_t arg;
    if (!cbor_element() || !cbor_head(major, arg) || arg > static_cast<uint64_t>(std::numeric_limits<int64_t>::max()))
      return false;
    if (major == 0) v = static_cast<int64_t>(arg);
    else if (major == 1) v = -1 - static_cast<int64_t>(arg);
    else return false;
    return true;
  }
  if (!json_separator()) return false;
  bool minus = pos_ < data_.size() && data_[pos_] == '-';
  if (minus) pos_++;
  uint64_t magnitude;
  if (!json_digits(magnitude)) return false;
  if (minus ? magnitude > static_cast<uint64_t>(std::numeric_limits<int64_t>::max()) + 1
            : magnitude > static_cast<uint64_t>(std::numeric_limits<int64_t>::max()))
    return false;
  if (minus && magnitude == 0) return false;  // -0: the general path decides
  v = minus ? static_cast<int64_t>(0 - magnitude) : static_cast<int64_t>(magnitude);
  return true;
}

bool ValueReader::read_bool(bool& v) {
  if (format_ == Format::Cbor) {
    if (!cbor_element() || pos_ >= data_.size()) return false;
    auto b = static_cast<uint8_t>(data_[pos_]);
    if (b != 0xf4 && b != 0xf5) return false;
    v = b == 0xf5;
    pos_++;
    return true;
  }
  if (!json_separator()) return false;
  if (json_literal("true")) return v = true, true;
  if (json_literal("false")) return v = false, true;
  return false;
}

bool ValueReader::next_is_null() const {
  if (format_ == Format::Cbor) return pos_ < data_.size() && static_cast<uint8_t>(data_[pos_]) == 0xf6;
  const size_t at = json_value_start();
  return at < data_.size() && data_.substr(at, 4) == "null";
}

bool ValueReader::next_is_text() const {
  if (format_ == Format::Cbor) return pos_ < data_.size() && static_cast<uint8_t>(data_[pos_]) >> 5 == 3;
  const size_t at = json_value_start();
  return at < data_.size() && data_[at] == '"';
}

size_t ValueReader::json_value_start() const {
  if (after_key_ || open_.empty() || open_.back().first) return pos_;
  return pos_ < data_.size() && data_[pos_] == ',' ? pos_ + 1 : data_.size();  // no separator: nothing is next
}

bool ValueReader::read_null() {
  if (format_ == Format::Cbor) {
    if (!cbor_element() || pos_ >= data_.size() || static_cast<uint8_t>(data_[pos_]) != 0xf6) return false;
    pos_++;
    return true;
  }
  return json_separator() && json_literal("null");
}

bool ValueReader::read_text(std::string& s) {
  if (format_ == Format::Cbor) {
    uint8_t major;
    uint64_t len;
    if (!cbor_element() || !cbor_head(major, len) || major != 3 || len > data_.size() - pos_) return false;
    std::string_view text = data_.substr(pos_, len);
    for (unsigned char c : text)
      if (c >= 0x80) return false;  // the general path checks UTF-8
    s.assign(text);
    pos_ += len;
    return true;
  }
  std::string_view text;
  if (!json_separator() || !json_plain_string(text)) return false;
  s.assign(text);
  return true;
}

bool ValueReader::read_bytes(std::string& b) {
  if (format_ == Format::Cbor) {
    uint8_t major;
    uint64_t len;
    if (!cbor_element() || !cbor_head(major, len) || major != 2 || len > data_.size() - pos_) return false;
    b.assign(data_.substr(pos_, len));
    pos_ += len;
    return true;
  }
  std::string same;
  return read_bytes_or_same(b, same) && same.empty();
}

bool ValueReader::read_bytes_or_same(std::string& b, std::string& same) {
  same.clear();
  b.clear();
  bool cbor = format_ == Format::Cbor;
  if (cbor && (pos_ >= data_.size() || (static_cast<uint8_t>(data_[pos_]) >> 5) != 5)) return read_bytes(b);
  std::string_view key;
  if (!begin_map() || !more() || !read_key(key)) return false;
  if (key == "$bytes" && !cbor) {
    if (!json_separator() || !json_base64(b)) return false;
  } else if (key == "$same") {
    std::string raw;
    bool as_bytes = cbor && pos_ < data_.size() && (static_cast<uint8_t>(data_[pos_]) >> 5) == 2;  // compact: 32 bytes
    if (as_bytes ? !read_bytes(raw) || raw.size() != 32 : !read_text(same) || same.size() != 64) return false;
    if (as_bytes) same = hex_digits(raw);
  } else {
    return false;
  }
  return end();
}

bool ValueReader::begin_array() { return begin_container(/*map=*/false); }
bool ValueReader::begin_map() { return begin_container(/*map=*/true); }

bool ValueReader::begin_container(bool map) {
  if (format_ == Format::Cbor) {
    uint8_t major;
    uint64_t n;
    uint64_t items_per_entry = map ? 2 : 1;  // a map entry is a key and a value
    if (!cbor_element() || !cbor_head(major, n) || major != (map ? 5 : 4) ||
        n > (data_.size() - pos_) / items_per_entry)
      return false;
    open_.push_back({map, true, n * items_per_entry});
    return true;
  }
  if (!json_separator() || pos_ >= data_.size() || data_[pos_] != (map ? '{' : '[')) return false;
  pos_++;
  open_.push_back({map, true, 0});
  return true;
}

bool ValueReader::more() {
  if (open_.empty()) return false;
  if (format_ == Format::Cbor) return open_.back().left > 0;
  if (pos_ >= data_.size()) return false;
  char close = open_.back().map ? '}' : ']';
  return data_[pos_] != close;
}

bool ValueReader::read_key(std::string_view& key) {
  if (open_.empty() || !open_.back().map) return false;
  if (format_ == Format::Cbor) {
    uint8_t major;
    uint64_t len;
    if (!cbor_element() || !cbor_head(major, len)) return false;
    if (major == 0 && names_) {  // a name's number
      const std::string* name = names_->key_name(len);
      if (!name) return false;
      key = *name;
      return true;
    }
    if (major != 3 || len > data_.size() - pos_) return false;
    key = data_.substr(pos_, len);
    pos_ += len;
    text_keys_++;
    return true;
  }
  if (!json_separator() || !json_plain_string(key) || pos_ >= data_.size() || data_[pos_] != ':') return false;
  pos_++;
  after_key_ = true;
  return true;
}

bool ValueReader::end() {
  if (open_.empty()) return false;
  if (format_ == Format::Cbor) {
    if (open_.back().left != 0) return false;
    open_.pop_back();
    return true;
  }
  char close = open_.back().map ? '}' : ']';
  if (after_key_ || pos_ >= data_.size() || data_[pos_] != close) return false;
  pos_++;
  open_.pop_back();
  return true;
}

}  // namespace wasmrr::trace
