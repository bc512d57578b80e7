// String lifting and lowering of the Canonical ABI: load_string_from_range
// and the store_string_* transcoders of definitions.py, including the
// realloc strategy (allocate optimistically, grow to the worst case, shrink).
// The host side of every string is UTF-8.
#include <cassert>

#include "abi/canonical_detail.h"
#include "abi/unicode.h"

namespace wasmrr::abi::detail {
namespace {

// --- Strings ---

void decode_latin1(std::string& out, const uint8_t* p, size_t n) {
  out.reserve(n);
  for (size_t i = 0; i < n; ++i) unicode::append_utf8(out, p[i]);
}

void decode_utf16(std::string& out, const uint8_t* p, size_t units) {
  out.reserve(units);
  for (size_t i = 0; i < units; ++i) {
    uint32_t c = read<uint16_t>(p + 2 * i);
    if (c >= 0xD800 && c <= 0xDBFF && i + 1 < units) {
      const uint32_t lo = read<uint16_t>(p + 2 * (i + 1));
      if (lo >= 0xDC00 && lo <= 0xDFFF) {
        c = 0x10000 + ((c - 0xD800) << 10) + (lo - 0xDC00);
        ++i;
      }
    }
    if (c >= 0xD800 && c <= 0xDFFF) trap("string is not valid UTF-16 (unpaired surrogate {:#x})", c);
    unicode::append_utf8(out, c);
  }
}

}  // namespace

// spec: load_string_from_range
Value load_string_from_range(LiftLowerContext& cx, uint32_t ptr, uint32_t tagged_code_units) {
  enum { Utf8, Utf16, Latin1 } encoding = Utf8;
  uint32_t alignment = 1;
  uint64_t byte_length = tagged_code_units;
  switch (cx.opts.string_encoding) {
    case StringEncoding::Utf8:
      alignment = 1; byte_length = tagged_code_units; encoding = Utf8;
      break;
    case StringEncoding::Utf16:
      alignment = 2; byte_length = 2ull * tagged_code_units; encoding = Utf16;
      break;
    case StringEncoding::Latin1Utf16:
      alignment = 2;
      if (tagged_code_units & UTF16_TAG) {
        byte_length = 2ull * (tagged_code_units ^ UTF16_TAG);
        encoding = Utf16;
      } else {
        byte_length = tagged_code_units;
        encoding = Latin1;
      }
      break;
  }
  if (byte_length > MAX_STRING_BYTE_LENGTH) {
    trap("string length {} bytes exceeds the maximum of {}", byte_length, MAX_STRING_BYTE_LENGTH);
  }
  check_range(cx, "string", ptr, byte_length, alignment);
  const uint8_t* p = memory(cx).data() + ptr;
  Value v = Value::string({});
  switch (encoding) {
    case Utf8:
      if (!unicode::is_valid_utf8(p, byte_length)) trap("string at {:#x} is not valid UTF-8", ptr);
      v.str.assign(reinterpret_cast<const char*>(p), byte_length);
      break;
    case Utf16: decode_utf16(v.str, p, byte_length / 2); break;
    case Latin1: decode_latin1(v.str, p, byte_length); break;
  }
  return v;
}

// spec: load_string
Value load_string(LiftLowerContext& cx, uint64_t ptr) {
  const auto begin = static_cast<uint32_t>(load_int(cx, ptr, 4));
  const auto tagged_code_units = static_cast<uint32_t>(load_int(cx, ptr + 4, 4));
  return load_string_from_range(cx, begin, tagged_code_units);
}

namespace {

const std::string& checked_host_string(const Value& v, const Type& t) {
  check_kind(v, t);
  const auto* p = reinterpret_cast<const uint8_t*>(v.str.data());
  if (!unicode::is_valid_utf8(p, v.str.size())) mismatch("a string that is not valid UTF-8", t);
  if (v.str.size() > MAX_STRING_BYTE_LENGTH) mismatch(fmt::format("a string of {} bytes", v.str.size()), t);
  return v.str;
}

// spec: store_string_copy (UTF-8 source into UTF-8 memory)
StringRange store_string_copy(LiftLowerContext& cx, const std::string& src) {
  const uint32_t ptr = allocate(cx, 1, src.size());
  check_range(cx, "realloc result for string", ptr, src.size(), 1);
  if (!src.empty()) std::memcpy(memory(cx).data() + ptr, src.data(), src.size());
  return {ptr, static_cast<uint32_t>(src.size())};
}

// Writes the UTF-16LE encoding of src[from..] at dst; returns code units written.
uint32_t encode_utf16(uint8_t* dst, const std::string& src, size_t from) {
  const auto* s = reinterpret_cast<const uint8_t*>(src.data());
  uint32_t units = 0;
  size_t i = from;
  while (i < src.size()) {
    uint32_t c = 0;
    const bool ok = unicode::next_utf8(s, src.size(), i, c);
    assert(ok);  // checked_host_string validated src
    (void)ok;
    if (c >= 0x10000) {
      c -= 0x10000;
      write<uint16_t>(dst + 2 * units++, static_cast<uint16_t>(0xD800 + (c >> 10)));
      write<uint16_t>(dst + 2 * units++, static_cast<uint16_t>(0xDC00 + (c & 0x3FF)));
    } else {
      write<uint16_t>(dst + 2 * units++, static_cast<uint16_t>(c));
    }
  }
  return units;
}

// spec: store_utf8_to_utf16
StringRange store_utf8_to_utf16(LiftLowerContext& cx, const std::string& src) {
  const uint64_t worst_case_size = 2ull * src.size();
  uint32_t ptr = allocate(cx, 2, worst_case_size);
  check_range(cx, "realloc result for string", ptr, worst_case_size, 2);
  const uint32_t code_units = encode_utf16(memory(cx).data() + ptr, src, 0);
  const uint64_t encoded = 2ull * code_units;
  if (encoded < worst_case_size) {
    ptr = reallocate(cx, ptr, worst_case_size, 2, encoded);
    check_range(cx, "realloc result for string", ptr, encoded, 2);
  }
  return {ptr, code_units};
}

// spec: store_string_to_latin1_or_utf16. Starts optimistic (one byte per code
// unit); at the first code point above U+00FF it grows to the UTF-16 worst
// case, inflates what was written, and finishes in UTF-16.
StringRange store_string_to_latin1_or_utf16(LiftLowerContext& cx, const std::string& src) {
  const uint64_t src_code_units = src.size();
  uint32_t ptr = allocate(cx, 2, src_code_units);
  check_range(cx, "realloc result for string", ptr, src_code_units, 2);
  const auto* s = reinterpret_cast<const uint8_t*>(src.data());
  uint32_t dst_byte_length = 0;
  size_t i = 0;
  while (i < src.size()) {
    const size_t at = i;
    uint32_t c = 0;
    unicode::next_utf8(s, src.size(), i, c);
    if (c < (1u << 8)) {
      memory(cx).data()[ptr + dst_byte_length++] = static_cast<uint8_t>(c);
      continue;
    }
    const uint64_t worst_case_size = 2 * src_code_units;
    ptr = reallocate(cx, ptr, src_code_units, 2, worst_case_size);
    check_range(cx, "realloc result for string", ptr, worst_case_size, 2);
    uint8_t* m = memory(cx).data() + ptr;
    for (uint32_t j = dst_byte_length; j-- > 0;) {
      m[2 * j] = m[j];
      m[2 * j + 1] = 0;
    }
    const uint32_t units = dst_byte_length + encode_utf16(m + 2 * dst_byte_length, src, at);
    const uint64_t encoded = 2ull * units;
    if (worst_case_size > encoded) {
      ptr = reallocate(cx, ptr, worst_case_size, 2, encoded);
      check_range(cx, "realloc result for string", ptr, encoded, 2);
    }
    return {ptr, units | UTF16_TAG};
  }
  if (dst_byte_length < src_code_units) {
    ptr = reallocate(cx, ptr, src_code_units, 2, dst_byte_length);
    check_range(cx, "realloc result for string", ptr, dst_byte_length, 2);
  }
  return {ptr, dst_byte_length};
}

}  // namespace

// spec: store_string_into_range, for a UTF-8 source.
StringRange store_string_into_range(LiftLowerContext& cx, const Value& v, const Type& t) {
  const std::string& src = checked_host_string(v, t);
  switch (cx.opts.string_encoding) {
    case StringEncoding::Utf8: return store_string_copy(cx, src);
    case StringEncoding::Utf16: return store_utf8_to_utf16(cx, src);
    case StringEncoding::Latin1Utf16: return store_string_to_latin1_or_utf16(cx, src);
  }
  assert(false);
  return {};
}

}  // namespace wasmrr::abi::detail
