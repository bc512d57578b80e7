#include "trace/scalar_bytes.h"

#include <bit>
#include <cstring>

namespace wasmrr::trace {

size_t write_cbor_head(char* out, uint8_t major, uint64_t n) {
  auto m = static_cast<uint8_t>(major << 5);
  if (n < 24) {
    out[0] = static_cast<char>(m | n);
    return 1;
  }
  int info = n <= 0xff ? 24 : n <= 0xffff ? 25 : n <= 0xffffffffull ? 26 : 27;
  size_t bytes = size_t{1} << (info - 24);
  out[0] = static_cast<char>(m | info);
  // The argument big-endian in `bytes` bytes: its significant bytes moved
  // to the top, then (on a little-endian host) byte-swapped in one step.
  uint64_t top = n << (64 - 8 * bytes);
  if constexpr (std::endian::native == std::endian::little) top = __builtin_bswap64(top);
  std::memcpy(out + 1, &top, bytes);
  return 1 + bytes;
}

namespace {

// The eight decimal digits of v < 10^8 as ASCII, the first digit in the
// word's lowest byte (little-endian order): v splits into two 4-digit
// lanes, each lane into two 2-digit ones, each of those into two digits,
// with multiplications that divide exactly in that range.
uint64_t eight_ascii_digits(uint32_t v) {
  uint64_t x = (v / 10000) | static_cast<uint64_t>(v % 10000) << 32;  // < 10^4 per 32-bit lane
  uint64_t hundreds = ((x * 5243) >> 19) & 0x0000007f0000007f;      // x / 100
  x = hundreds | (x - hundreds * 100) << 16;                         // < 100 per 16-bit lane
  uint64_t tens = ((x * 103) >> 10) & 0x000f000f000f000f;            // x / 10
  x = tens | (x - tens * 10) << 8;                                   // one digit per byte
  return x + 0x3030303030303030;
}

void store_word(char* out, uint64_t w) {
  if constexpr (std::endian::native == std::endian::big) w = __builtin_bswap64(w);
  std::memcpy(out, &w, 8);
}

// v < 10^8 without leading zeros ("0" for 0). Stores eight bytes.
size_t write_up_to_eight(char* out, uint32_t v) {
  uint64_t digits = eight_ascii_digits(v);
  int leading_zeros = v == 0 ? 7 : std::countr_zero(digits - 0x3030303030303030) / 8;
  store_word(out, digits >> (8 * leading_zeros));
  return 8 - static_cast<size_t>(leading_zeros);
}

// Decimal, in groups of eight digits (a u64 has at most 20).
size_t write_decimal(char* out, uint64_t n) {
  constexpr uint64_t kGroup = 100000000;
  if (n < kGroup) return write_up_to_eight(out, static_cast<uint32_t>(n));
  uint64_t high = n / kGroup;
  size_t len = high < kGroup ? write_up_to_eight(out, static_cast<uint32_t>(high))
                             : write_up_to_eight(out, static_cast<uint32_t>(high / kGroup));
  if (high >= kGroup) {
    store_word(out + len, eight_ascii_digits(static_cast<uint32_t>(high % kGroup)));
    len += 8;
  }
  store_word(out + len, eight_ascii_digits(static_cast<uint32_t>(n % kGroup)));
  return len + 8;
}

}  // namespace

size_t write_bool(Format format, char* out, bool b) {
  if (format == Format::Cbor) {
    out[0] = static_cast<char>(b ? 0xf5 : 0xf4);
    return 1;
  }
  std::memcpy(out, b ? "true" : "false", b ? 4 : 5);
  return b ? 4 : 5;
}

size_t write_uint(Format format, char* out, uint64_t n) {
  if (format == Format::Cbor) return write_cbor_head(out, 0, n);
  return write_decimal(out, n);
}

size_t write_sint(Format format, char* out, int64_t n) {
  if (format == Format::Cbor)
    return n >= 0 ? write_cbor_head(out, 0, static_cast<uint64_t>(n)) : write_cbor_head(out, 1, static_cast<uint64_t>(-(n + 1)));
  if (n >= 0) return write_decimal(out, static_cast<uint64_t>(n));
  out[0] = '-';
  return 1 + write_decimal(out + 1, 0 - static_cast<uint64_t>(n));
}

}  // namespace wasmrr::trace
