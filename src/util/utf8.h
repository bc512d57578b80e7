// UTF-8 (RFC 3629), once for everyone: the Canonical ABI's string rules
// (abi/), component names (component/), trace text (trace/), host text that
// becomes a WIT string (wasi/, cli/) and escaped printing (util/printable.h).
// Well-formed means: no overlong forms, no surrogates, nothing above U+10FFFF,
// no truncated sequences.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace wasmrr::unicode {

// A Unicode scalar value: a code point that is not a surrogate.
inline bool is_scalar_value(uint32_t c) { return c < 0xD800 || (c >= 0xE000 && c <= 0x10FFFF); }

// Appends the encoding of scalar value `c`.
inline void append_utf8(std::string& out, uint32_t c) {
  if (c < 0x80) {
    out += static_cast<char>(c);
  } else if (c < 0x800) {
    out += static_cast<char>(0xC0 | (c >> 6));
    out += static_cast<char>(0x80 | (c & 0x3F));
  } else if (c < 0x10000) {
    out += static_cast<char>(0xE0 | (c >> 12));
    out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (c & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (c >> 18));
    out += static_cast<char>(0x80 | ((c >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (c & 0x3F));
  }
}

// Decodes the scalar value at s[i] (i < n), advancing i. Returns false (and
// leaves i unchanged) on anything that is not well-formed UTF-8.
inline bool next_utf8(const uint8_t* s, size_t n, size_t& i, uint32_t& c) {
  const uint8_t b0 = s[i];
  if (b0 < 0x80) {
    c = b0;
    i += 1;
    return true;
  }
  size_t len;
  uint32_t min;
  if ((b0 & 0xE0) == 0xC0) {
    len = 2; min = 0x80; c = b0 & 0x1F;
  } else if ((b0 & 0xF0) == 0xE0) {
    len = 3; min = 0x800; c = b0 & 0x0F;
  } else if ((b0 & 0xF8) == 0xF0) {
    len = 4; min = 0x10000; c = b0 & 0x07;
  } else {
    return false;
  }
  if (n - i < len) return false;
  for (size_t k = 1; k < len; ++k) {
    const uint8_t b = s[i + k];
    if ((b & 0xC0) != 0x80) return false;
    c = (c << 6) | (b & 0x3F);
  }
  if (c < min || !is_scalar_value(c)) return false;
  i += len;
  return true;
}

// The length (1..4) of the well-formed sequence at s[i], or 0 if there is none.
inline size_t utf8_sequence_length(std::string_view s, size_t i) {
  size_t next = i;
  uint32_t c;
  if (i >= s.size() || !next_utf8(reinterpret_cast<const uint8_t*>(s.data()), s.size(), next, c)) return 0;
  return next - i;
}

// The offset of the first byte that starts no well-formed sequence, or `n`
// if all of s[0, n) is well-formed.
inline size_t find_invalid_utf8(const uint8_t* s, size_t n) {
  size_t i = 0;
  while (i < n) {
    // Fast path: eight ASCII bytes at a time.
    while (i + 8 <= n) {
      uint64_t w = 0;
      for (size_t k = 0; k < 8; ++k) w |= static_cast<uint64_t>(s[i + k]) << (8 * k);
      if (w & 0x8080808080808080ull) break;
      i += 8;
    }
    if (i >= n) break;
    uint32_t c;
    if (!next_utf8(s, n, i, c)) return i;
  }
  return n;
}

inline bool is_valid_utf8(const uint8_t* s, size_t n) { return find_invalid_utf8(s, n) == n; }
inline bool is_valid_utf8(std::string_view s) {
  return is_valid_utf8(reinterpret_cast<const uint8_t*>(s.data()), s.size());
}

}  // namespace wasmrr::unicode
