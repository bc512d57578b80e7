#include "trace/readable.h"

#include <fmt/format.h>

#include "trace/json_bytes.h"
#include "util/printable.h"
#include "util/utf8.h"

namespace wasmrr::trace {
namespace {

// Text: valid UTF-8 without control characters but line ends, tabs and
// escapes (terminal colours are common in output).
bool is_text(std::string_view s) {
  for (size_t i = 0; i < s.size();) {
    size_t n = unicode::utf8_sequence_length(s, i);
    if (n == 0) return false;
    auto b = static_cast<unsigned char>(s[i]);
    if (n == 1 && (b < 0x20 || b == 0x7f) && b != '\n' && b != '\r' && b != '\t' && b != 0x1b) return false;
    i += n;
  }
  return true;
}

// A string escaped for a "..." literal: backslashes and quotes, then
// printable()'s escapes for the rest.
std::string string_literal(std::string_view s) {
  std::string raw;
  for (char c : s) {
    if (c == '\\' || c == '"') raw += '\\';
    raw += c;
  }
  return "\"" + printable(raw) + "\"";
}

void render(const Json& v, size_t limit, std::string& out) {
  if (v.is_binary()) {
    const auto& bin = v.get_binary();
    out += readable_bytes(std::string_view(reinterpret_cast<const char*>(bin.data()), bin.size()), limit);
    return;
  }
  if (v.is_object() && v.size() == 1 && v.contains("$bytes") && v["$bytes"].is_string()) {
    std::string bytes;
    if (base64_decode(v["$bytes"].get<std::string>(), bytes)) {
      out += readable_bytes(bytes, limit);
      return;
    }
  }
  if (v.is_object()) {
    out += "{";
    bool first = true;
    for (const auto& [key, item] : v.items()) {
      out += first ? "" : ",";
      first = false;
      out += string_literal(key) + ":";
      render(item, limit, out);
    }
    out += "}";
  } else if (v.is_array()) {
    out += "[";
    for (size_t i = 0; i < v.size(); i++) {
      if (i) out += ",";
      render(v[i], limit, out);
    }
    out += "]";
  } else if (v.is_string()) {
    out += string_literal(v.get<std::string>());
  } else {
    out += v.dump();
  }
}

}  // namespace

std::string readable_bytes(std::string_view bytes, size_t limit) {
  std::string_view shown = bytes.substr(0, limit);
  std::string out;
  if (is_text(bytes)) {
    // Cut on a character boundary.
    while (!shown.empty() && shown.size() < bytes.size() && !is_text(shown)) shown.remove_suffix(1);
    out = "b" + string_literal(shown);
  } else {
    out = "x\"";
    for (unsigned char c : shown) out += fmt::format("{:02x}", c);
    out += "\"";
  }
  if (shown.size() < bytes.size()) out += fmt::format("...({} bytes)", bytes.size());
  return out;
}

std::string readable(const Json& value, size_t bytes_limit) {
  std::string out;
  render(value, bytes_limit, out);
  return out;
}

}  // namespace wasmrr::trace
