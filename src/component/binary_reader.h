// Low-level decoding for the component binary format: a bounded cursor over
// the shared input bytes that names every value it reads, so that a failure
// reads like WABT's "0x0000001a: unexpected end of input while reading u32
// LEB128 (type index)". Internal to component/; parse_component (ast.h) is the
// public entry point and turns ParseError into Result.
#pragma once

#include <cstddef>
#include <cstdint>
#include <exception>
#include <string>
#include <string_view>
#include <vector>

namespace wasmrr::component::binary {

// Thrown by Reader and the parser; never escapes parse_component.
class ParseError : public std::exception {
 public:
  ParseError(size_t offset, std::string_view message);
  const char* what() const noexcept override { return text_.c_str(); }
  const std::string& text() const { return text_; }

 private:
  std::string text_;  // "0x%08x: message"
};

// A cursor over data[begin, end). Offsets are absolute positions in the whole
// binary, so nested components and sections report file offsets.
class Reader {
 public:
  // `scope` names the bounded region for end-of-data errors: "input" or
  // "section 'type'".
  Reader(const uint8_t* data, size_t begin, size_t end, std::string scope = "input");

  size_t pos() const { return pos_; }
  size_t end() const { return end_; }
  size_t remaining() const { return end_ - pos_; }
  bool at_end() const { return pos_ == end_; }
  const uint8_t* data() const { return data_; }

  [[noreturn]] void fail(size_t offset, std::string_view message) const;
  [[noreturn]] void fail_here(std::string_view message) const { fail(pos_, message); }

  uint8_t peek_u8(std::string_view what) const;
  uint8_t read_u8(std::string_view what);
  // Reads one byte and fails unless it equals `expected`.
  void expect_u8(uint8_t expected, std::string_view what);
  uint32_t read_u32_leb(std::string_view what);
  uint64_t read_u64_leb(std::string_view what);
  // Signed 33-bit LEB128, as used for core and component value type codes.
  int64_t read_s33(std::string_view what);
  // core:name: a u32 length then that many bytes of valid UTF-8.
  std::string read_name(std::string_view what);
  // Skips n bytes, returning the offset where they start.
  size_t skip(size_t n, std::string_view what);
  // A vec length. Every element in this format takes at least one byte, so a
  // count larger than the bytes left is an error before anything is reserved.
  uint32_t read_count(std::string_view what);

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

  // A sub-reader over the next `size` bytes (which must be present); this
  // reader moves past them.
  Reader sub(size_t size, std::string scope);

 private:
  [[noreturn]] void fail_eof(size_t start, std::string_view what) const;

  const uint8_t* data_;
  size_t pos_, end_;
  std::string scope_;
};

// Returns the offset of the first byte that breaks UTF-8 validity
// (overlong forms, surrogates and code points above U+10FFFF are invalid),
// or `size` if the whole string is valid.
size_t find_invalid_utf8(const uint8_t* s, size_t size);

}  // namespace wasmrr::component::binary
