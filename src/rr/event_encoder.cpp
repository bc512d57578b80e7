#include "rr/event_encoder.h"

#include <charconv>
#include <cmath>

#include "abi/unicode.h"
#include "rr/value_codec.h"
#include "trace/json_bytes.h"
#include "trace/sha256.h"

namespace wasmrr::rr {

using abi::Kind;
using trace::Format;

namespace {

// CBOR head: major type and argument in the shortest form (RFC 8949 3.1).
void cbor_head(std::string& out, uint8_t major, uint64_t n) {
  uint8_t m = static_cast<uint8_t>(major << 5);
  auto be = [&out](uint64_t v, int bytes) {
    for (int i = bytes - 1; i >= 0; i--) out += static_cast<char>((v >> (8 * i)) & 0xff);
  };
  if (n < 24) {
    out += static_cast<char>(m | n);
  } else if (n <= 0xff) {
    out += static_cast<char>(m | 24);
    be(n, 1);
  } else if (n <= 0xffff) {
    out += static_cast<char>(m | 25);
    be(n, 2);
  } else if (n <= 0xffffffffull) {
    out += static_cast<char>(m | 26);
    be(n, 4);
  } else {
    out += static_cast<char>(m | 27);
    be(n, 8);
  }
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

void EventEncoder::separator(std::string& out, bool first) const {
  if (format_ == Format::Json && !first) out += ',';
}

void EventEncoder::array_begin(std::string& out, size_t n) const {
  if (format_ == Format::Json) out += '[';
  else cbor_head(out, 4, n);
}
void EventEncoder::array_end(std::string& out) const {
  if (format_ == Format::Json) out += ']';
}
void EventEncoder::map_begin(std::string& out, size_t n) const {
  if (format_ == Format::Json) out += '{';
  else cbor_head(out, 5, n);
}
void EventEncoder::map_end(std::string& out) const {
  if (format_ == Format::Json) out += '}';
}
void EventEncoder::key(std::string& out, std::string_view k, bool first) const {
  separator(out, first);
  text(out, k);
  if (format_ == Format::Json) out += ':';
}

void EventEncoder::text(std::string& out, std::string_view s) const {
  if (format_ == Format::Json) {
    json_escaped(out, s);
  } else {
    cbor_head(out, 3, s.size());
    out += s;
  }
}

void EventEncoder::uint(std::string& out, uint64_t n) const {
  if (format_ == Format::Json) {
    char buf[24];
    auto r = std::to_chars(buf, buf + sizeof buf, n);
    out.append(buf, r.ptr);
  } else {
    cbor_head(out, 0, n);
  }
}

void EventEncoder::sint(std::string& out, int64_t n) const {
  if (format_ == Format::Json) {
    char buf[24];
    auto r = std::to_chars(buf, buf + sizeof buf, n);
    out.append(buf, r.ptr);
  } else if (n >= 0) {
    cbor_head(out, 0, static_cast<uint64_t>(n));
  } else {
    cbor_head(out, 1, static_cast<uint64_t>(-(n + 1)));
  }
}

// Floats are rare at the host boundary: let nlohmann format them so that
// both paths agree on the shortest round-trip form.
void EventEncoder::float_(std::string& out, double d) const {
  trace::Json j = std::isnan(d) ? trace::Json("nan") : std::isinf(d) ? trace::Json(d > 0 ? "inf" : "-inf") : trace::Json(d);
  if (format_ == Format::Json) out += j.dump();
  else trace::Json::to_cbor(j, out);
}

void EventEncoder::null(std::string& out) const {
  if (format_ == Format::Json) out += "null";
  else out += static_cast<char>(0xf6);
}

void EventEncoder::boolean(std::string& out, bool b) const {
  if (format_ == Format::Json) out += b ? "true" : "false";
  else out += static_cast<char>(b ? 0xf5 : 0xf4);
}

void EventEncoder::bytes(std::string& out, std::string_view b, bool digest) const {
  if (digest && b.size() > kDigestThreshold) {
    map_begin(out, 2);
    key(out, "$len", true);
    uint(out, b.size());
    key(out, "$sha256", false);
    text(out, trace::sha256_hex(b));
    map_end(out);
  } else if (format_ == Format::Json) {
    out += "{\"$bytes\":\"";
    out += trace::base64_encode(b);
    out += "\"}";
  } else {
    cbor_head(out, 2, b.size());
    out += b;
  }
}

void EventEncoder::value(std::string& out, const abi::Value& v, const abi::Type& t, bool digest) const {
  switch (t.kind) {
    case Kind::Bool: return boolean(out, v.num != 0);
    case Kind::S8: case Kind::S16: case Kind::S32: case Kind::S64: return sint(out, static_cast<int64_t>(v.num));
    case Kind::U8: case Kind::U16: case Kind::U32: case Kind::U64: return uint(out, v.num);
    case Kind::F32: case Kind::F64: return float_(out, v.f64);
    case Kind::Char: {
      std::string s;
      abi::unicode::append_utf8(s, static_cast<uint32_t>(v.num));
      return text(out, s);
    }
    case Kind::String: return text(out, v.str);
    case Kind::List: {
      if (t.is_byte_list()) {
        if (v.bytes) return bytes(out, v.str, digest);
        std::string b;
        for (const auto& item : v.items) b += static_cast<char>(item.num);
        return bytes(out, b, digest);
      }
      array_begin(out, v.items.size());
      for (size_t i = 0; i < v.items.size(); i++) {
        separator(out, i == 0);
        value(out, v.items[i], *t.elem, digest);
      }
      return array_end(out);
    }
    case Kind::Record:
      map_begin(out, t.fields.size());
      for (size_t i = 0; i < t.fields.size(); i++) {
        key(out, t.fields[i].name, i == 0);
        value(out, v.items.at(i), *t.fields[i].type, digest);
      }
      return map_end(out);
    case Kind::Tuple:
      array_begin(out, t.fields.size());
      for (size_t i = 0; i < t.fields.size(); i++) {
        separator(out, i == 0);
        value(out, v.items.at(i), *t.fields[i].type, digest);
      }
      return array_end(out);
    case Kind::Variant: {
      const abi::Case& c = t.cases.at(v.case_index());
      if (!c.type) return text(out, c.name);
      map_begin(out, 1);
      key(out, c.name, true);
      value(out, v.payload(), *c.type, digest);
      return map_end(out);
    }
    case Kind::Enum: return text(out, t.labels.at(v.case_index()));
    case Kind::Option:
      if (!v.is_some()) return null(out);
      if (t.elem->kind != Kind::Option) return value(out, v.payload(), *t.elem, digest);
      map_begin(out, 1);
      key(out, "some", true);
      value(out, v.payload(), *t.elem, digest);
      return map_end(out);
    case Kind::Result: {
      const abi::Case& c = t.cases.at(v.case_index());
      map_begin(out, 1);
      key(out, c.name, true);
      if (c.type) value(out, v.payload(), *c.type, digest);
      else null(out);
      return map_end(out);
    }
    case Kind::Flags: {
      size_t n = 0;
      for (size_t i = 0; i < t.labels.size() && i < v.items.size(); i++) n += v.items[i].num != 0;
      array_begin(out, n);
      bool first = true;
      for (size_t i = 0; i < t.labels.size() && i < v.items.size(); i++) {
        if (!v.items[i].num) continue;
        separator(out, first);
        first = false;
        text(out, t.labels[i]);
      }
      return array_end(out);
    }
    case Kind::Own: case Kind::Borrow:
      map_begin(out, 1);
      key(out, "handle", true);
      uint(out, v.num);
      return map_end(out);
  }
}

void EventEncoder::encode_values(std::string& out, const std::vector<abi::Param>& types,
                                 const std::vector<abi::Value>& values, bool digest_large_bytes) const {
  size_t n = std::min(types.size(), values.size());
  array_begin(out, n);
  for (size_t i = 0; i < n; i++) {
    separator(out, i == 0);
    value(out, values[i], *types[i].type, digest_large_bytes);
  }
  array_end(out);
}

std::string EventEncoder::event_prefix(std::string_view fn) const {
  std::string out;
  map_begin(out, 3);
  key(out, "fn", true);
  text(out, fn);
  key(out, "args", false);
  return out;
}

std::string EventEncoder::results_key() const {
  std::string out;
  key(out, "results", false);
  return out;
}

// prefix, args, then the tail key: the caller appends the tail value and map_end.
void EventEncoder::event_head(std::string& out, std::string_view prefix, std::string_view args, std::string_view tail) const {
  out += prefix;
  out += args;
  key(out, tail, false);
}

void EventEncoder::encode_event(std::string& out, std::string_view prefix, std::string_view args,
                                std::string_view results) const {
  event_head(out, prefix, args, "results");
  out += results;
  map_end(out);
}

void EventEncoder::encode_exit_event(std::string& out, std::string_view prefix, std::string_view args, int status) const {
  event_head(out, prefix, args, "exit");
  sint(out, status);
  map_end(out);
}

void EventEncoder::encode_trap_event(std::string& out, std::string_view prefix, std::string_view args,
                                     std::string_view message) const {
  event_head(out, prefix, args, "trap");
  text(out, message);
  map_end(out);
}

}  // namespace wasmrr::rr
