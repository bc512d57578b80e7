// abi::func_type_mismatch: what an import's declared type must share with
// the host function it binds to, and how a difference is described.
#include <gtest/gtest.h>

#include "abi/type.h"
#include "abi/type_match.h"

namespace wasmrr::abi {
namespace {

TypePtr prim(Kind k) { return Type::primitive(k); }

ResourceTypePtr resource(std::string name) {
  auto r = std::make_shared<ResourceType>();
  r->name = std::move(name);
  return r;
}

FuncType func(std::vector<TypePtr> params, TypePtr result = nullptr) {
  FuncType f;
  for (size_t i = 0; i < params.size(); ++i) f.params.push_back({"p" + std::to_string(i), params[i]});
  if (result) f.results.push_back({"", result});
  return f;
}

std::string why(const FuncType& declared, const FuncType& expected) {
  return func_type_mismatch(declared, expected).value_or("<match>");
}

std::string why(const TypePtr& declared, const TypePtr& expected) {
  return type_mismatch(*declared, *expected).value_or("<match>");
}

TypePtr stream_error(bool closed_first) {
  TypePtr err = Type::own(resource("error"));
  std::vector<Case> cases = {{"last-operation-failed", err}, {"closed", nullptr}};
  if (closed_first) std::swap(cases[0], cases[1]);
  return Type::variant(cases);
}

TEST(TypeMatch, EqualStructuresMatch) {
  // Distinct objects, same structure; resources compare by name.
  FuncType a = func({Type::borrow(resource("output-stream")), Type::list(prim(Kind::U8))},
                    Type::result(nullptr, stream_error(false)));
  FuncType b = func({Type::borrow(resource("output-stream")), Type::list(prim(Kind::U8))},
                    Type::result(nullptr, stream_error(false)));
  EXPECT_EQ(why(a, b), "<match>");
}

TEST(TypeMatch, ParamNamesAreNotCompared) {
  FuncType a = func({prim(Kind::U64)});
  FuncType b = a;
  b.params[0].name = "len";
  EXPECT_EQ(why(a, b), "<match>");
}

TEST(TypeMatch, CountsOfParamsAndResults) {
  EXPECT_EQ(why(func({prim(Kind::U32)}), func({prim(Kind::U32), prim(Kind::U32)})),
            "1 parameter where 2 are expected");
  EXPECT_EQ(why(func({}), func({}, prim(Kind::U32))), "0 results where 1 are expected");
}

TEST(TypeMatch, PrimitiveKinds) {
  EXPECT_EQ(why(func({}, prim(Kind::U32)), func({}, Type::own(resource("output-stream")))),
            "result: u32 where own<output-stream> is expected");
  FuncType e = func({prim(Kind::U64)});
  e.params[0].name = "len";
  EXPECT_EQ(why(func({prim(Kind::S64)}), e), "parameter `len`: s64 where u64 is expected");
}

TEST(TypeMatch, ElementTypes) {
  EXPECT_EQ(why(Type::list(prim(Kind::U16)), Type::list(prim(Kind::U8))), "list element: u16 where u8 is expected");
  EXPECT_EQ(why(Type::option(prim(Kind::String)), Type::option(prim(Kind::Char))),
            "option: string where char is expected");
  EXPECT_EQ(why(Type::result(prim(Kind::U8), nullptr), Type::result(nullptr, nullptr)),
            "result ok: u8 where no type is expected");
  EXPECT_EQ(why(Type::result(nullptr, prim(Kind::U8)), Type::result(nullptr, prim(Kind::U16))),
            "result error: u8 where u16 is expected");
  EXPECT_EQ(why(Type::tuple({prim(Kind::U8), prim(Kind::U8)}), Type::tuple({prim(Kind::U8), prim(Kind::S8)})),
            "element 1: u8 where s8 is expected");
  EXPECT_EQ(why(Type::tuple({prim(Kind::U8)}), Type::tuple({prim(Kind::U8), prim(Kind::U8)})),
            "tuple<u8> where tuple<u8, u8> is expected");
}

TEST(TypeMatch, RecordFieldsByName) {
  TypePtr datetime = Type::record({{"seconds", prim(Kind::U64)}, {"nanoseconds", prim(Kind::U32)}});
  EXPECT_EQ(why(Type::record({{"nanoseconds", prim(Kind::U32)}, {"seconds", prim(Kind::U64)}}), datetime),
            "record field 0 is `nanoseconds`, expected `seconds`");
  EXPECT_EQ(why(Type::record({{"seconds", prim(Kind::U64)}, {"nanoseconds", prim(Kind::U64)}}), datetime),
            "field `nanoseconds`: u64 where u32 is expected");
  EXPECT_EQ(why(Type::record({{"seconds", prim(Kind::U64)}}), datetime),
            "1 record fields where 2 are expected");
}

TEST(TypeMatch, VariantCasesByName) {
  EXPECT_EQ(why(stream_error(true), stream_error(false)),
            "variant case 0 is `closed`, expected `last-operation-failed`");
  TypePtr wrong_payload = Type::variant({{"last-operation-failed", Type::own(resource("pollable"))}, {"closed", nullptr}});
  EXPECT_EQ(why(wrong_payload, stream_error(false)),
            "case `last-operation-failed`: own<pollable> where own<error> is expected");
  TypePtr no_payload = Type::variant({{"last-operation-failed", nullptr}, {"closed", nullptr}});
  EXPECT_EQ(why(no_payload, stream_error(false)), "case `last-operation-failed`: no type where own<error> is expected");
}

TEST(TypeMatch, EnumAndFlagsLabels) {
  EXPECT_EQ(why(Type::enum_({"b", "a"}), Type::enum_({"a", "b"})), "enum case 0 is `b`, expected `a`");
  EXPECT_EQ(why(Type::enum_({"a"}), Type::enum_({"a", "b"})), "1 enum cases where 2 are expected");
  EXPECT_EQ(why(Type::flags({"read", "mutate"}), Type::flags({"read", "write"})), "flag 1 is `mutate`, expected `write`");
}

TEST(TypeMatch, HandlesByResourceNameAndKind) {
  EXPECT_EQ(why(Type::own(resource("input-stream")), Type::own(resource("output-stream"))),
            "own<input-stream> where own<output-stream> is expected");
  EXPECT_EQ(why(Type::borrow(resource("output-stream")), Type::own(resource("output-stream"))),
            "borrow<output-stream> where own<output-stream> is expected");
}

}  // namespace
}  // namespace wasmrr::abi
