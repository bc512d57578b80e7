// The shared primitives: UTF-8 (util/utf8.h), the bounded byte reader and
// LEB128 (util/byte_reader.h), SHA-256 (trace/sha256.h).
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "trace/sha256.h"
#include "util/byte_reader.h"
#include "util/utf8.h"

namespace wasmrr {
namespace {

const uint8_t* u8(const char* s) { return reinterpret_cast<const uint8_t*>(s); }

TEST(Utf8, WellFormedText) {
  EXPECT_TRUE(unicode::is_valid_utf8(""));
  EXPECT_TRUE(unicode::is_valid_utf8("plain ascii, longer than eight bytes"));
  EXPECT_TRUE(unicode::is_valid_utf8("\xc3\xa9t\xc3\xa9 \xe2\x98\x83 \xf0\x9f\x98\x80"));  // été ☃ 😀
  EXPECT_TRUE(unicode::is_valid_utf8("\xf4\x8f\xbf\xbf"));                                // U+10FFFF
  EXPECT_EQ(unicode::find_invalid_utf8(u8("\xe2\x98\x83\xf0\x9f\x98\x80"), 7), 7u);
}

TEST(Utf8, IllFormedTextAndWhereItBreaks) {
  EXPECT_EQ(unicode::find_invalid_utf8(u8("\xc0\xaf"), 2), 0u);              // overlong '/'
  EXPECT_EQ(unicode::find_invalid_utf8(u8("x\xed\xa0\x80"), 4), 1u);         // surrogate U+D800
  EXPECT_EQ(unicode::find_invalid_utf8(u8("ab\xf4\x90\x80\x80"), 6), 2u);    // above U+10FFFF
  EXPECT_EQ(unicode::find_invalid_utf8(u8("abcdefghij\xe2\x98"), 12), 10u);  // truncated, after the fast path
  EXPECT_EQ(unicode::find_invalid_utf8(u8("\x80"), 1), 0u);                  // lone continuation byte
  EXPECT_EQ(unicode::find_invalid_utf8(u8("\xff"), 1), 0u);
  EXPECT_FALSE(unicode::is_valid_utf8(std::string("a\xe2\x28\xa1", 4)));
}

TEST(Utf8, SequenceLengthAndDecoding) {
  std::string s = "a\xc3\xa9\xe2\x98\x83\xf0\x9f\x98\x80\xc0";
  EXPECT_EQ(unicode::utf8_sequence_length(s, 0), 1u);
  EXPECT_EQ(unicode::utf8_sequence_length(s, 1), 2u);
  EXPECT_EQ(unicode::utf8_sequence_length(s, 3), 3u);
  EXPECT_EQ(unicode::utf8_sequence_length(s, 6), 4u);
  EXPECT_EQ(unicode::utf8_sequence_length(s, 10), 0u);
  EXPECT_EQ(unicode::utf8_sequence_length(s, 2), 0u);  // a continuation byte
  size_t i = 1;
  uint32_t c = 0;
  ASSERT_TRUE(unicode::next_utf8(u8(s.data()), s.size(), i, c));
  EXPECT_EQ(c, 0xe9u);
  EXPECT_EQ(i, 3u);
  std::string out;
  for (uint32_t cp : {0x41u, 0xe9u, 0x2603u, 0x1f600u}) unicode::append_utf8(out, cp);
  EXPECT_EQ(out, "A\xc3\xa9\xe2\x98\x83\xf0\x9f\x98\x80");
}

std::string error_of(const std::vector<uint8_t>& bytes, void (*read)(ByteReader&)) {
  ByteReader r(bytes);
  try {
    read(r);
  } catch (const ByteReadError& e) {
    return e.text();
  }
  return "";
}

TEST(ByteReader, LebValuesOfEachWidth) {
  std::vector<uint8_t> b = {0xe5, 0x8e, 0x26,                    // 624485
                            0xff, 0xff, 0xff, 0xff, 0x0f,        // u32 max
                            0x7f,                                // s32 -1
                            0x80, 0x80, 0x80, 0x80, 0x78,        // s32 min
                            0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01,  // u64 max
                            0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x7f,  // s64 min
                            0x80, 0x7f};                         // s33 -128
  ByteReader r(b);
  EXPECT_EQ(r.read_u32_leb("a"), 624485u);
  EXPECT_EQ(r.read_u32_leb("b"), 0xffffffffu);
  EXPECT_EQ(r.read_sleb(32, "c"), -1);
  EXPECT_EQ(r.read_sleb(32, "d"), INT32_MIN);
  EXPECT_EQ(r.read_u64_leb("e"), UINT64_MAX);
  EXPECT_EQ(r.read_sleb(64, "f"), INT64_MIN);
  EXPECT_EQ(r.read_s33("g"), -128);
  EXPECT_TRUE(r.at_end());
}

TEST(ByteReader, LebErrorsNameOffsetWhatAndProblem) {
  EXPECT_EQ(error_of({0x80}, [](ByteReader& r) { r.read_u32_leb("type index"); }),
            "0x00000000: unexpected end of input while reading u32 LEB128 (type index)");
  EXPECT_EQ(error_of({0x80, 0x80, 0x80, 0x80, 0x80, 0x00}, [](ByteReader& r) { r.read_u32_leb("size"); }),
            "0x00000000: LEB128 too long while reading u32 LEB128 (size)");
  EXPECT_EQ(error_of({0xff, 0xff, 0xff, 0xff, 0x1f}, [](ByteReader& r) { r.read_u32_leb("size"); }),
            "0x00000000: LEB128 overflows u32 while reading u32 LEB128 (size)");
  // s32: the last byte's bits above bit 3 must copy the sign bit.
  EXPECT_EQ(error_of({0x80, 0x80, 0x80, 0x80, 0x70}, [](ByteReader& r) { r.read_sleb(32, "i32.const"); }),
            "0x00000000: LEB128 overflows s32 while reading s32 LEB128 (i32.const)");
  EXPECT_EQ(error_of({0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x03},
                     [](ByteReader& r) { r.read_u64_leb("offset"); }),
            "0x00000000: LEB128 overflows u64 while reading u64 LEB128 (offset)");
}

TEST(ByteReader, BoundsNamesAndSubReaders) {
  std::vector<uint8_t> b = {0x01, 0x03, 'a', 'b', 'c', 0x02, 0xc0, 0xaf, 0x09};
  ByteReader r(b);
  r.expect_u8(0x01, "tag");
  EXPECT_EQ(r.read_name("name"), "abc");
  try {
    r.read_name("field name");
    FAIL() << "expected an error";
  } catch (const ByteReadError& e) {
    EXPECT_EQ(e.offset(), 6u);
    EXPECT_EQ(e.text(), "0x00000006: invalid UTF-8 in field name");
  }
  ByteReader whole(b);
  whole.skip(2, "header");
  ByteReader section = whole.sub(3, "section 'x'");
  EXPECT_EQ(whole.pos(), 5u);
  EXPECT_EQ(section.read_bytes(2, "two").size(), 2u);
  try {
    section.skip(4, "payload");
    FAIL() << "expected an error";
  } catch (const ByteReadError& e) {
    EXPECT_EQ(e.text(), "0x00000004: unexpected end of section 'x' while reading payload (4 bytes needed, 1 remain)");
  }
  EXPECT_EQ(error_of({0x05, 0x00}, [](ByteReader& r) { r.read_count("items"); }),
            "0x00000000: items count 5 exceeds the 1 bytes remaining in input");
  EXPECT_EQ(error_of({0x02}, [](ByteReader& r) { r.expect_u8(0x01, "version"); }),
            "0x00000000: expected 0x01 (version), found 0x02");
}

TEST(ByteReader, WritersRoundTrip) {
  for (uint64_t v : {uint64_t{0}, uint64_t{127}, uint64_t{128}, uint64_t{624485}, UINT64_MAX}) {
    std::vector<uint8_t> out;
    write_uleb(out, v);
    ByteReader r(out);
    EXPECT_EQ(r.read_u64_leb("v"), v);
    EXPECT_TRUE(r.at_end());
  }
  for (int64_t v : {int64_t{0}, int64_t{-1}, int64_t{63}, int64_t{64}, int64_t{-65}, INT64_MIN, INT64_MAX}) {
    std::vector<uint8_t> out;
    write_sleb(out, v);
    ByteReader r(out);
    EXPECT_EQ(r.read_sleb(64, "v"), v);
    EXPECT_TRUE(r.at_end());
  }
}

TEST(Sha256, KnownDigests) {
  EXPECT_EQ(trace::sha256_hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(trace::sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

}  // namespace
}  // namespace wasmrr
