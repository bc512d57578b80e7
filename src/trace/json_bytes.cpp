#include "trace/json_bytes.h"

#include <array>
#include <stdexcept>

namespace wasmrr::trace {

namespace {
constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
constexpr const char* kBytesKey = "$bytes";

constexpr std::array<int8_t, 256> make_decode_table() {
  std::array<int8_t, 256> t{};
  for (auto& v : t) v = -1;
  for (int i = 0; i < 64; i++) t[static_cast<uint8_t>(kAlphabet[i])] = static_cast<int8_t>(i);
  return t;
}
constexpr auto kDecode = make_decode_table();
}  // namespace

std::string base64_encode(std::string_view in) {
  std::string out;
  out.reserve((in.size() + 2) / 3 * 4);
  size_t i = 0;
  for (; i + 3 <= in.size(); i += 3) {
    uint32_t v = (uint8_t(in[i]) << 16) | (uint8_t(in[i + 1]) << 8) | uint8_t(in[i + 2]);
    out += kAlphabet[v >> 18];
    out += kAlphabet[(v >> 12) & 63];
    out += kAlphabet[(v >> 6) & 63];
    out += kAlphabet[v & 63];
  }
  if (size_t rest = in.size() - i; rest) {
    uint32_t v = uint8_t(in[i]) << 16;
    if (rest == 2) v |= uint8_t(in[i + 1]) << 8;
    out += kAlphabet[v >> 18];
    out += kAlphabet[(v >> 12) & 63];
    out += rest == 2 ? kAlphabet[(v >> 6) & 63] : '=';
    out += '=';
  }
  return out;
}

bool base64_decode(std::string_view in, std::string& out) {
  if (in.size() % 4 != 0) return false;
  out.clear();
  out.reserve(in.size() / 4 * 3);
  for (size_t i = 0; i < in.size(); i += 4) {
    int pad = (in[i + 3] == '=') + (in[i + 2] == '=' && in[i + 3] == '=');
    if (pad && i + 4 != in.size()) return false;
    int8_t a = kDecode[uint8_t(in[i])], b = kDecode[uint8_t(in[i + 1])];
    int8_t c = pad >= 2 ? 0 : kDecode[uint8_t(in[i + 2])];
    int8_t d = pad >= 1 ? 0 : kDecode[uint8_t(in[i + 3])];
    if (a < 0 || b < 0 || c < 0 || d < 0) return false;
    uint32_t v = (uint32_t(a) << 18) | (uint32_t(b) << 12) | (uint32_t(c) << 6) | uint32_t(d);
    out += char(v >> 16);
    if (pad < 2) out += char((v >> 8) & 0xff);
    if (pad < 1) out += char(v & 0xff);
  }
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
