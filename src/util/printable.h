// Text from a trace or chosen by the guest (file names, trap messages,
// function names, values) is printed escaped, so that it cannot move the
// cursor, change colours, retitle the terminal or fake lines of wasm-rr's
// own output: C0 controls, DEL and C1 controls become \n, \t, \r, \e or \xNN
// (C1 as \u0080..\u009f), and bytes that are not UTF-8 become \xNN. Printable
// text, including non-ASCII letters, is unchanged.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>

#include "util/utf8.h"

namespace wasmrr {

inline std::string printable(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size();) {
    auto b = static_cast<uint8_t>(s[i]);
    size_t n = unicode::utf8_sequence_length(s, i);
    if (n == 0) {
      out += fmt::format("\\x{:02x}", b);
      i++;
    } else if (n == 1 && (b < 0x20 || b == 0x7f)) {
      switch (b) {
        case '\n': out += "\\n"; break;
        case '\t': out += "\\t"; break;
        case '\r': out += "\\r"; break;
        case 0x1b: out += "\\e"; break;
        default: out += fmt::format("\\x{:02x}", b);
      }
      i++;
    } else if (n == 2 && b == 0xc2 && static_cast<uint8_t>(s[i + 1]) < 0xa0) {  // C1: U+0080..U+009F
      out += fmt::format("\\u{:04x}", static_cast<uint8_t>(s[i + 1]));
      i += 2;
    } else {
      out.append(s.substr(i, n));
      i += n;
    }
  }
  return out;
}

// Words (a guest's arguments) as a shell would take them back, each
// printable: `a` `b c` is a 'b c'.
inline std::string shell_words(const std::vector<std::string>& words) {
  std::string out;
  for (const auto& w : words) {
    bool plain = !w.empty() && w.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
                                                   "@%_+=:,./-") == std::string::npos;
    std::string quoted = "'";
    for (char c : w) quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
    out += (out.empty() ? "" : " ") + printable(plain ? w : quoted + "'");
  }
  return out;
}

}  // namespace wasmrr
