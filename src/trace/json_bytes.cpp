#include "trace/json_bytes.h"

#include <array>
#include <stdexcept>

namespace wasmrr::trace {

namespace {
constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
constexpr const char* kBytesKey = "$bytes";

// kDecode maps a base64 character to its six bits, anything else to kInvalid.
constexpr uint8_t kInvalid = 0xff;
constexpr std::array<uint8_t, 256> make_decode_table() {
  std::array<uint8_t, 256> t{};
  for (auto& v : t) v = kInvalid;
  for (int i = 0; i < 64; i++) t[static_cast<uint8_t>(kAlphabet[i])] = static_cast<uint8_t>(i);
  return t;
}
constexpr auto kDecode = make_decode_table();
}  // namespace

// Bytes are encoded in place at the end of `out`: traces of reads and writes
// carry many short byte strings, and a temporary string per value showed in
// profiles of record and replay.
void base64_append(std::string& out, std::string_view in) {
  size_t at = out.size();
  out.resize(at + (in.size() + 2) / 3 * 4);
  char* p = out.data() + at;
  const auto* s = reinterpret_cast<const uint8_t*>(in.data());
  size_t i = 0;
  for (; i + 3 <= in.size(); i += 3, p += 4) {
    uint32_t v = (uint32_t(s[i]) << 16) | (uint32_t(s[i + 1]) << 8) | s[i + 2];
    p[0] = kAlphabet[v >> 18];
    p[1] = kAlphabet[(v >> 12) & 63];
    p[2] = kAlphabet[(v >> 6) & 63];
    p[3] = kAlphabet[v & 63];
  }
  if (size_t rest = in.size() - i; rest) {
    uint32_t v = uint32_t(s[i]) << 16;
    if (rest == 2) v |= uint32_t(s[i + 1]) << 8;
    p[0] = kAlphabet[v >> 18];
    p[1] = kAlphabet[(v >> 12) & 63];
    p[2] = rest == 2 ? kAlphabet[(v >> 6) & 63] : '=';
    p[3] = '=';
  }
}

std::string base64_encode(std::string_view in) {
  std::string out;
  base64_append(out, in);
  return out;
}

// Padded base64 only: the length is a multiple of four and `=` may end the
// last group only.
bool base64_decode(std::string_view in, std::string& out) {
  out.clear();
  if (in.size() % 4 != 0) return false;
  if (in.empty()) return true;
  size_t pad = in.back() != '=' ? 0 : in[in.size() - 2] == '=' ? 2 : 1;
  out.resize(in.size() / 4 * 3 - pad);
  char* p = out.data();
  const auto* s = reinterpret_cast<const uint8_t*>(in.data());
  size_t last = in.size() - 4;  // the group that may be padded
  for (size_t i = 0; i < last; i += 4, p += 3) {
    uint8_t a = kDecode[s[i]], b = kDecode[s[i + 1]], c = kDecode[s[i + 2]], d = kDecode[s[i + 3]];
    if ((a | b | c | d) & 0xc0) return false;  // some character was kInvalid
    uint32_t v = (uint32_t(a) << 18) | (uint32_t(b) << 12) | (uint32_t(c) << 6) | d;
    p[0] = char(v >> 16);
    p[1] = char((v >> 8) & 0xff);
    p[2] = char(v & 0xff);
  }
  uint8_t a = kDecode[s[last]], b = kDecode[s[last + 1]];
  uint8_t c = pad >= 2 ? 0 : kDecode[s[last + 2]];
  uint8_t d = pad >= 1 ? 0 : kDecode[s[last + 3]];
  if ((a | b | c | d) & 0xc0) return false;
  uint32_t v = (uint32_t(a) << 18) | (uint32_t(b) << 12) | (uint32_t(c) << 6) | d;
  p[0] = char(v >> 16);
  if (pad < 2) p[1] = char((v >> 8) & 0xff);
  if (pad < 1) p[2] = char(v & 0xff);
  return true;
}

void bytes_to_text_model(Json& j) {
  if (j.is_binary()) {
    const auto& bin = j.get_binary();
    std::string_view view(reinterpret_cast<const char*>(bin.data()), bin.size());
    j = Json{{kBytesKey, base64_encode(view)}};
  } else if (j.is_structured()) {
    for (auto& child : j) bytes_to_text_model(child);
  }
}

void bytes_from_text_model(Json& j) {
  if (j.is_object()) {
    if (j.size() == 1 && j.begin().key() == kBytesKey) {
      const Json& text = j.begin().value();
      std::string bytes;
      if (!text.is_string() || !base64_decode(text.get_ref<const std::string&>(), bytes))
        throw std::runtime_error("invalid base64 in a {\"$bytes\": ...} value");
      j = Json::binary(Json::binary_t::container_type(bytes.begin(), bytes.end()));
      return;
    }
    for (auto& child : j) bytes_from_text_model(child);
  } else if (j.is_array()) {
    for (auto& child : j) bytes_from_text_model(child);
  }
}

}  // namespace wasmrr::trace
