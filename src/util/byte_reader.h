// A bounded cursor over binary input, shared by both binary readers: the
// component parser (component/binary_reader.cpp) and the core module reader
// (engine/wasm_binary.cpp, const_fold.cpp, memory_cap.cpp). Every read names
// what it reads, and every failure is a ByteReadError in one format, WABT's:
//   "0x0000001a: unexpected end of section 'type' while reading u32 LEB128 (type index)"
// the offset where the read started, what was being read, and what was
// expected or found. Also the LEB128 writers the module rewriters need.
#pragma once

#include <cstddef>
#include <cstdint>
#include <exception>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "util/utf8.h"

namespace wasmrr {

class ByteReadError : public std::exception {
 public:
  ByteReadError(size_t offset, std::string_view message)
      : offset_(offset), text_(fmt::format("0x{:08x}: {}", offset, message)) {}
  const char* what() const noexcept override { return text_.c_str(); }
  const std::string& text() const { return text_; }  // "0x%08x: message"
  size_t offset() const { return offset_; }

 private:
  size_t offset_;
  std::string text_;
};

// A cursor over data[begin, end). Offsets are absolute positions in the whole
// input, so sub-readers (sections, nested components, function bodies)
// report file offsets.
class ByteReader {
 public:
  // `scope` names the bounded region for end-of-data errors: "input" or
  // "section 'type'".
  ByteReader(const uint8_t* data, size_t begin, size_t end, std::string scope = "input")
      : data_(data), pos_(begin), end_(end), scope_(std::move(scope)) {}
  explicit ByteReader(std::span<const uint8_t> bytes, std::string scope = "input")
      : ByteReader(bytes.data(), 0, bytes.size(), std::move(scope)) {}

  size_t pos() const { return pos_; }
  size_t end() const { return end_; }
  size_t remaining() const { return end_ - pos_; }
  bool at_end() const { return pos_ >= end_; }
  const uint8_t* data() const { return data_; }

  [[noreturn]] void fail(size_t offset, std::string_view message) const { throw ByteReadError(offset, message); }
  [[noreturn]] void fail_here(std::string_view message) const { fail(pos_, message); }

  uint8_t peek_u8(std::string_view what) const {
    if (pos_ >= end_) fail_eof(pos_, what);
    return data_[pos_];
  }
  uint8_t read_u8(std::string_view what) {
    uint8_t b = peek_u8(what);
    ++pos_;
    return b;
  }
  // Reads one byte and fails unless it equals `expected`.
  void expect_u8(uint8_t expected, std::string_view what) {
    size_t start = pos_;
    uint8_t b = read_u8(what);
    if (b != expected) fail(start, fmt::format("expected 0x{:02x} ({}), found 0x{:02x}", expected, what, b));
  }

  // LEB128 of an integer `bits` (1..64) wide, as the spec bounds it: at most
  // ceil(bits / 7) bytes, and the unused high bits of a last byte must be
  // zero (unsigned) or copies of the sign bit (signed).
  uint64_t read_uleb(unsigned bits, std::string_view what) {
    const size_t start = pos_;
    const unsigned max_bytes = (bits + 6) / 7;
    uint64_t result = 0;
    for (unsigned i = 0; i < max_bytes; ++i) {
      if (pos_ >= end_) fail_eof(start, leb_name('u', bits, what));
      const uint8_t b = data_[pos_++];
      if (i == max_bytes - 1) {
        if (b & 0x80) fail_leb(start, "too long", 'u', bits, what);
        const unsigned used = bits - 7 * i;  // 1..7 value bits in this byte
        if (b & 0x7f & (0x7f << used)) fail_leb(start, fmt::format("overflows u{}", bits), 'u', bits, what);
      }
      result |= static_cast<uint64_t>(b & 0x7f) << (7 * i);
      if (!(b & 0x80)) break;
    }
    return result;
  }
  int64_t read_sleb(unsigned bits, std::string_view what) {
    const size_t start = pos_;
    const unsigned max_bytes = (bits + 6) / 7;
    uint64_t result = 0;
    unsigned shift = 0;
    uint8_t b = 0;
    for (unsigned i = 0; i < max_bytes; ++i) {
      if (pos_ >= end_) fail_eof(start, leb_name('s', bits, what));
      b = data_[pos_++];
      if (i == max_bytes - 1) {
        if (b & 0x80) fail_leb(start, "too long", 's', bits, what);
        // The sign bit and every bit above it must agree.
        const unsigned used = bits - 7 * i;
        const uint8_t mask = 0x7f & (0x7f << (used - 1));
        const uint8_t high = b & mask;
        if (high != 0 && high != mask) fail_leb(start, fmt::format("overflows s{}", bits), 's', bits, what);
      }
      result |= static_cast<uint64_t>(b & 0x7f) << shift;
      shift += 7;
      if (!(b & 0x80)) break;
    }
    if (shift < 64 && (b & 0x40)) result |= ~uint64_t{0} << shift;  // sign-extend
    return static_cast<int64_t>(result);
  }
  uint32_t read_u32_leb(std::string_view what) { return static_cast<uint32_t>(read_uleb(32, what)); }
  uint64_t read_u64_leb(std::string_view what) { return read_uleb(64, what); }
  // Signed 33-bit LEB128, as used for value type codes and block types.
  int64_t read_s33(std::string_view what) { return read_sleb(33, what); }

  // Skips n bytes, returning the offset where they start.
  size_t skip(size_t n, std::string_view what) {
    if (n > remaining())
      fail(pos_, fmt::format("unexpected end of {} while reading {} ({} bytes needed, {} remain)", scope_, what, n,
                             remaining()));
    size_t start = pos_;
    pos_ += n;
    return start;
  }
  std::span<const uint8_t> read_bytes(size_t n, std::string_view what) { return {data_ + skip(n, what), n}; }

  // name: a u32 length then that many bytes of valid UTF-8.
  std::string read_name(std::string_view what) {
    uint32_t len = read_u32_leb(fmt::format("length of {}", what));
    size_t start = skip(len, what);
    size_t bad = unicode::find_invalid_utf8(data_ + start, len);
    if (bad != len) fail(start + bad, fmt::format("invalid UTF-8 in {}", what));
    return std::string(reinterpret_cast<const char*>(data_ + start), len);
  }

  // A vec length, for formats where every element takes at least one byte:
  // a count larger than the bytes left is an error before anything is reserved.
  uint32_t read_count(std::string_view what) {
    size_t start = pos_;
    uint32_t n = read_u32_leb(fmt::format("count of {}", what));
    if (n > remaining())
      fail(start, fmt::format("{} count {} exceeds the {} bytes remaining in {}", what, n, remaining(), scope_));
    return n;
  }
  template <typename F>
  auto read_vec(std::string_view what, F&& read_one) -> std::vector<decltype(read_one())> {
    uint32_t n = read_count(what);
    std::vector<decltype(read_one())> out;
    // Elements can be far larger than their encoding: reserve only a little
    // up front so a hostile count cannot demand gigabytes.
    out.reserve(n < 1024 ? n : 1024);
    for (uint32_t i = 0; i < n; ++i) out.push_back(read_one());
    return out;
  }

  // A sub-reader over the next `size` bytes (which must be present), named
  // `scope`; this reader moves past them.
  ByteReader sub(size_t size, std::string scope) {
    size_t start = skip(size, scope);
    return ByteReader(data_, start, start + size, std::move(scope));
  }

 private:
  static std::string leb_name(char sign, unsigned bits, std::string_view what) {
    return fmt::format("{}{} LEB128 ({})", sign, bits, what);
  }
  [[noreturn]] void fail_eof(size_t start, std::string_view what) const {
    fail(start, fmt::format("unexpected end of {} while reading {}", scope_, what));
  }
  [[noreturn]] void fail_leb(size_t start, std::string_view problem, char sign, unsigned bits,
                             std::string_view what) const {
    fail(start, fmt::format("LEB128 {} while reading {}", problem, leb_name(sign, bits, what)));
  }

  const uint8_t* data_;
  size_t pos_, end_;
  std::string scope_;
};

// LEB128 encoders (shortest form), for rewriting modules.
inline void write_uleb(std::vector<uint8_t>& out, uint64_t v) {
  do {
    uint8_t b = v & 0x7f;
    v >>= 7;
    if (v) b |= 0x80;
    out.push_back(b);
  } while (v);
}

inline void write_sleb(std::vector<uint8_t>& out, int64_t v) {
  for (;;) {
    uint8_t b = v & 0x7f;
    v >>= 7;  // arithmetic shift
    bool done = (v == 0 && !(b & 0x40)) || (v == -1 && (b & 0x40));
    if (!done) b |= 0x80;
    out.push_back(b);
    if (done) return;
  }
}

}  // namespace wasmrr
