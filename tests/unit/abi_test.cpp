// Canonical ABI tests. Expected numbers are derived by hand from
// design/mvp/canonical-abi/definitions.py (alignment, elem_size,
// flatten_type, load/store, lift_flat/lower_flat, the string transcoders,
// flatten_functype and the resource rules), not from this implementation.
#include <bit>
#include <cmath>
#include <cstring>
#include <tuple>

#include <gtest/gtest.h>

#include "abi/canonical.h"
#include "abi/type.h"
#include "abi/value.h"
#include "util/trap.h"

using namespace wasmrr;
using namespace wasmrr::abi;

namespace {

using CT = CoreType;

TypePtr prim(Kind k) { return Type::primitive(k); }
TypePtr u8() { return prim(Kind::U8); }
TypePtr u16() { return prim(Kind::U16); }
TypePtr u32() { return prim(Kind::U32); }
TypePtr u64() { return prim(Kind::U64); }
TypePtr s8() { return prim(Kind::S8); }
TypePtr f32() { return prim(Kind::F32); }
TypePtr f64() { return prim(Kind::F64); }
TypePtr str() { return prim(Kind::String); }
TypePtr boolean() { return prim(Kind::Bool); }
TypePtr chr() { return prim(Kind::Char); }

std::vector<std::string> labels(size_t n) {
  std::vector<std::string> ls;
  for (size_t i = 0; i < n; ++i) ls.push_back("l" + std::to_string(i));
  return ls;
}

// Linear memory backed by a vector; it grows (and moves) when the bump
// allocator runs past its end, like memory.grow.
class FakeMemory : public GuestMemory {
 public:
  explicit FakeMemory(size_t n) : bytes(n) {}
  uint8_t* data() override { return bytes.data(); }
  size_t size() override { return bytes.size(); }
  std::vector<uint8_t> bytes;
};

struct ReallocCall {
  uint32_t old_ptr, old_size, align, new_size;
  bool operator==(const ReallocCall&) const = default;
};

// A guest: memory, a bump-allocating realloc (copying on growth, shrinking in
// place) and an instance with its handle table.
struct Guest {
  FakeMemory mem{65536};
  uint32_t bump = 1024;
  std::vector<ReallocCall> calls;
  CanonicalOptions opts;
  ComponentInstanceState inst;

  explicit Guest(StringEncoding enc = StringEncoding::Utf8) {
    opts.memory = &mem;
    opts.string_encoding = enc;
    opts.realloc = [this](uint32_t old_ptr, uint32_t old_size, uint32_t align, uint32_t new_size) {
      calls.push_back({old_ptr, old_size, align, new_size});
      EXPECT_FALSE(inst.may_leave) << "may_leave must be cleared while realloc runs";
      if (old_ptr != 0 && new_size <= old_size) return old_ptr;
      uint32_t p = (bump + align - 1) / align * align;
      bump = p + new_size;
      if (bump > mem.bytes.size()) mem.bytes.resize((bump + 65535) / 65536 * 65536);
      if (old_ptr != 0) std::memmove(mem.bytes.data() + p, mem.bytes.data() + old_ptr, std::min(old_size, new_size));
      return p;
    };
  }
  uint8_t* at(uint32_t p) { return mem.bytes.data() + p; }
  void put32(uint32_t p, uint32_t v) { std::memcpy(at(p), &v, 4); }
  void put16(uint32_t p, uint16_t v) { std::memcpy(at(p), &v, 2); }
  uint32_t get32(uint32_t p) { uint32_t v; std::memcpy(&v, at(p), 4); return v; }
  uint16_t get16(uint32_t p) { uint16_t v; std::memcpy(&v, at(p), 2); return v; }
  uint64_t get64(uint32_t p) { uint64_t v; std::memcpy(&v, at(p), 8); return v; }
  void put_bytes(uint32_t p, std::string_view s) { std::memcpy(at(p), s.data(), s.size()); }
  std::string bytes(uint32_t p, size_t n) { return std::string(reinterpret_cast<char*>(at(p)), n); }
};

void expect_layout(const TypePtr& t, uint32_t size, uint32_t align, std::vector<CT> flat) {
  SCOPED_TRACE(to_string(*t));
  EXPECT_EQ(elem_size(*t), size);
  EXPECT_EQ(alignment(*t), align);
  EXPECT_EQ(flatten_type(*t), flat);
}

template <typename F>
std::string trap_message(F&& f) {
  try {
    f();
  } catch (const Trap& e) {
    return e.what();
  }
  ADD_FAILURE() << "expected a Trap";
  return "";
}

#define EXPECT_TRAP(stmt, substr) EXPECT_THAT_TRAP([&] { (void)(stmt); }, substr)
void EXPECT_THAT_TRAP(const std::function<void()>& f, const std::string& substr) {
  const std::string msg = trap_message(f);
  EXPECT_NE(msg.find(substr), std::string::npos) << "trap message: " << msg;
}

Value store_load(Guest& g, const Value& v, const TypePtr& t, uint32_t ptr = 256) {
  LiftLowerContext cx(g.opts, g.inst);
  store(cx, v, *t, ptr);
  return load(cx, ptr, *t);
}

Value flat_round_trip(Guest& g, const Value& v, const TypePtr& t, std::vector<CoreVal>* flat_out = nullptr) {
  LiftLowerContext cx(g.opts, g.inst);
  std::vector<CoreVal> flat;
  lower_flat(cx, v, *t, flat);
  EXPECT_EQ(flat.size(), t->flat.size());
  if (flat_out) *flat_out = flat;
  CoreValueIter vi(flat);
  Value back = lift_flat(cx, vi, *t);
  EXPECT_TRUE(vi.done());
  return back;
}

Value lift_one(Guest& g, const TypePtr& t, std::vector<CoreVal> flat) {
  LiftLowerContext cx(g.opts, g.inst);
  CoreValueIter vi(flat);
  return lift_flat(cx, vi, *t);
}

std::vector<uint64_t> bits(const std::vector<CoreVal>& vs) {
  std::vector<uint64_t> out;
  for (auto v : vs) out.push_back(v.bits);
  return out;
}

ResourceTypePtr resource(std::string name, const void* owner = nullptr) {
  auto rt = std::make_shared<ResourceType>();
  rt->name = std::move(name);
  rt->owner = owner;
  return rt;
}

}  // namespace

// ---------------------------------------------------------------- layout

TEST(AbiLayout, Primitives) {
  expect_layout(boolean(), 1, 1, {CT::I32});
  expect_layout(s8(), 1, 1, {CT::I32});
  expect_layout(u8(), 1, 1, {CT::I32});
  expect_layout(prim(Kind::S16), 2, 2, {CT::I32});
  expect_layout(u16(), 2, 2, {CT::I32});
  expect_layout(prim(Kind::S32), 4, 4, {CT::I32});
  expect_layout(u32(), 4, 4, {CT::I32});
  expect_layout(prim(Kind::S64), 8, 8, {CT::I64});
  expect_layout(u64(), 8, 8, {CT::I64});
  expect_layout(f32(), 4, 4, {CT::F32});
  expect_layout(f64(), 8, 8, {CT::F64});
  expect_layout(chr(), 4, 4, {CT::I32});
  expect_layout(str(), 8, 4, {CT::I32, CT::I32});
}

TEST(AbiLayout, Lists) {
  expect_layout(Type::list(u8()), 8, 4, {CT::I32, CT::I32});
  expect_layout(Type::list(Type::list(u64())), 8, 4, {CT::I32, CT::I32});
  expect_layout(Type::list(u16(), 3), 6, 2, {CT::I32, CT::I32, CT::I32});
  expect_layout(Type::list(f64(), 2), 16, 8, {CT::F64, CT::F64});
  expect_layout(Type::list(str(), 2), 16, 4, {CT::I32, CT::I32, CT::I32, CT::I32});
}

TEST(AbiLayout, RecordsAndTuples) {
  expect_layout(Type::record({{"a", u8()}, {"b", u32()}, {"c", u8()}}), 12, 4, {CT::I32, CT::I32, CT::I32});
  expect_layout(Type::record({{"a", u8()}, {"b", u16()}}), 4, 2, {CT::I32, CT::I32});
  expect_layout(Type::record({{"a", u64()}, {"b", u8()}}), 16, 8, {CT::I64, CT::I32});
  expect_layout(Type::record({{"s", u64()}, {"ns", u32()}}), 16, 8, {CT::I64, CT::I32});
  expect_layout(Type::tuple({u8(), str()}), 12, 4, {CT::I32, CT::I32, CT::I32});
  expect_layout(Type::tuple({f32(), f64()}), 16, 8, {CT::F32, CT::F64});
}

TEST(AbiLayout, VariantsAndDiscriminants) {
  expect_layout(Type::enum_(labels(3)), 1, 1, {CT::I32});
  expect_layout(Type::enum_(labels(256)), 1, 1, {CT::I32});
  expect_layout(Type::enum_(labels(257)), 2, 2, {CT::I32});
  expect_layout(Type::enum_(labels(65536)), 2, 2, {CT::I32});
  expect_layout(Type::enum_(labels(65537)), 4, 4, {CT::I32});
  std::vector<Case> cases;
  for (int i = 0; i < 300; ++i) cases.push_back({"c" + std::to_string(i), nullptr});
  expect_layout(Type::variant(cases), 2, 2, {CT::I32});
  cases[7].type = u8();
  // u16 discriminant, payload at offset 2, size 3 -> 4.
  expect_layout(Type::variant(cases), 4, 2, {CT::I32, CT::I32});
  // variant { a(f32), b(u64), c }: join(f32, i64) = i64; disc 1 -> payload at 8.
  expect_layout(Type::variant({{"a", f32()}, {"b", u64()}, {"c", nullptr}}), 16, 8, {CT::I32, CT::I64});
}

TEST(AbiLayout, OptionAndResultJoins) {
  expect_layout(Type::option(u8()), 2, 1, {CT::I32, CT::I32});
  expect_layout(Type::option(u64()), 16, 8, {CT::I32, CT::I64});
  expect_layout(Type::option(str()), 12, 4, {CT::I32, CT::I32, CT::I32});
  // result<u64, string>: [i64] joined with [i32, i32] -> [i64, i32].
  expect_layout(Type::result(u64(), str()), 16, 8, {CT::I32, CT::I64, CT::I32});
  expect_layout(Type::result(f32(), u32()), 8, 4, {CT::I32, CT::I32});
  expect_layout(Type::result(f32(), f32()), 8, 4, {CT::I32, CT::F32});
  expect_layout(Type::result(f32(), f64()), 16, 8, {CT::I32, CT::I64});
  expect_layout(Type::result(f64(), u32()), 16, 8, {CT::I32, CT::I64});
  expect_layout(Type::result(nullptr, nullptr), 1, 1, {CT::I32});
  expect_layout(Type::result(nullptr, u8()), 2, 1, {CT::I32, CT::I32});
  expect_layout(Type::result(Type::tuple({f32(), u8()}), u64()), 16, 8, {CT::I32, CT::I64, CT::I32});
}

TEST(AbiLayout, Flags) {
  expect_layout(Type::flags(labels(1)), 1, 1, {CT::I32});
  expect_layout(Type::flags(labels(8)), 1, 1, {CT::I32});
  expect_layout(Type::flags(labels(9)), 2, 2, {CT::I32});
  expect_layout(Type::flags(labels(16)), 2, 2, {CT::I32});
  expect_layout(Type::flags(labels(17)), 4, 4, {CT::I32});
  expect_layout(Type::flags(labels(32)), 4, 4, {CT::I32});
  expect_layout(Type::flags(labels(33)), 8, 4, {CT::I32, CT::I32});
  expect_layout(Type::flags(labels(64)), 8, 4, {CT::I32, CT::I32});
  expect_layout(Type::flags(labels(65)), 12, 4, {CT::I32, CT::I32, CT::I32});
}

TEST(AbiLayout, Handles) {
  auto rt = resource("output-stream");
  expect_layout(Type::own(rt), 4, 4, {CT::I32});
  expect_layout(Type::borrow(rt), 4, 4, {CT::I32});
}

// ---------------------------------------------------------------- flatten_functype

TEST(AbiFunctype, SmallSignatureSameInBothContexts) {
  FuncType ft{{{"a", u32()}, {"b", str()}}, {{"", u32()}}};
  CoreFuncType expect{{CT::I32, CT::I32, CT::I32}, {CT::I32}};
  EXPECT_EQ(flatten_functype(ft, FlattenContext::Lift), expect);
  EXPECT_EQ(flatten_functype(ft, FlattenContext::Lower), expect);
  FuncType none{{}, {}};
  EXPECT_EQ(flatten_functype(none, FlattenContext::Lower), (CoreFuncType{{}, {}}));
}

TEST(AbiFunctype, ParamSpillingAt17) {
  FuncType ft16, ft17;
  for (int i = 0; i < 16; ++i) ft16.params.push_back({"p" + std::to_string(i), u32()});
  ft17 = ft16;
  ft17.params.push_back({"p16", u32()});
  EXPECT_EQ(flatten_functype(ft16, FlattenContext::Lift).params.size(), 16u);
  EXPECT_EQ(flatten_functype(ft17, FlattenContext::Lift), (CoreFuncType{{CT::I32}, {}}));
  EXPECT_EQ(flatten_functype(ft17, FlattenContext::Lower), (CoreFuncType{{CT::I32}, {}}));
}

TEST(AbiFunctype, ResultSpilling) {
  FuncType ft{{{"x", u64()}}, {{"", Type::tuple({u32(), u32()})}}};
  EXPECT_EQ(flatten_functype(ft, FlattenContext::Lift), (CoreFuncType{{CT::I64}, {CT::I32}}));
  EXPECT_EQ(flatten_functype(ft, FlattenContext::Lower), (CoreFuncType{{CT::I64, CT::I32}, {}}));
  FuncType s{{}, {{"", str()}}};
  EXPECT_EQ(flatten_functype(s, FlattenContext::Lift), (CoreFuncType{{}, {CT::I32}}));
  EXPECT_EQ(flatten_functype(s, FlattenContext::Lower), (CoreFuncType{{CT::I32}, {}}));
  FuncType f{{}, {{"", f64()}}};
  EXPECT_EQ(flatten_functype(f, FlattenContext::Lower), (CoreFuncType{{}, {CT::F64}}));
}

// ---------------------------------------------------------------- store / load

TEST(AbiMemory, ScalarRoundTrips) {
  Guest g;
  EXPECT_EQ(store_load(g, Value::boolean(true), boolean()), Value::boolean(true));
  EXPECT_EQ(store_load(g, Value::s8(-5), s8()), Value::s8(-5));
  EXPECT_EQ(store_load(g, Value::u8(250), u8()), Value::u8(250));
  EXPECT_EQ(store_load(g, Value::s16(-30000), prim(Kind::S16)), Value::s16(-30000));
  EXPECT_EQ(store_load(g, Value::u16(65000), u16()), Value::u16(65000));
  EXPECT_EQ(store_load(g, Value::s32(-7), prim(Kind::S32)), Value::s32(-7));
  EXPECT_EQ(store_load(g, Value::u32(0xDEADBEEF), u32()), Value::u32(0xDEADBEEF));
  EXPECT_EQ(store_load(g, Value::s64(-1234567890123), prim(Kind::S64)), Value::s64(-1234567890123));
  EXPECT_EQ(store_load(g, Value::u64(0xFFFFFFFFFFFFFFFF), u64()), Value::u64(0xFFFFFFFFFFFFFFFF));
  EXPECT_EQ(store_load(g, Value::f32(1.5f), f32()), Value::f32(1.5f));
  EXPECT_EQ(store_load(g, Value::f64_(-2.25), f64()), Value::f64_(-2.25));
  EXPECT_EQ(store_load(g, Value::char_(U'𝄞'), chr()), Value::char_(U'𝄞'));
}

TEST(AbiMemory, LittleEndianBytes) {
  Guest g;
  LiftLowerContext cx(g.opts, g.inst);
  store(cx, Value::s16(-2), *prim(Kind::S16), 8);
  EXPECT_EQ(g.get16(8), 0xFFFE);
  store(cx, Value::u64(0x0102030405060708), *u64(), 16);
  EXPECT_EQ(g.bytes(16, 8), std::string("\x08\x07\x06\x05\x04\x03\x02\x01", 8));
  store(cx, Value::boolean(true), *boolean(), 3);
  EXPECT_EQ(*g.at(3), 1);
}

TEST(AbiMemory, BoolLoadsNonZeroAsTrue) {
  Guest g;
  LiftLowerContext cx(g.opts, g.inst);
  *g.at(5) = 2;
  EXPECT_EQ(load(cx, 5, *boolean()), Value::boolean(true));
  *g.at(5) = 0;
  EXPECT_EQ(load(cx, 5, *boolean()), Value::boolean(false));
}

TEST(AbiMemory, RecordLayoutInMemory) {
  Guest g;
  auto t = Type::record({{"a", u8()}, {"b", u32()}, {"c", u8()}});
  Value v = Value::record({Value::u8(1), Value::u32(0x01020304), Value::u8(3)});
  EXPECT_EQ(store_load(g, v, t, 64), v);
  EXPECT_EQ(*g.at(64), 1);
  EXPECT_EQ(g.get32(68), 0x01020304u);
  EXPECT_EQ(*g.at(72), 3);
}

TEST(AbiMemory, StringStoredAsPointerAndLength) {
  Guest g;
  LiftLowerContext cx(g.opts, g.inst);
  store(cx, Value::string("hello"), *str(), 32);
  const uint32_t p = g.get32(32);
  EXPECT_EQ(g.get32(36), 5u);
  EXPECT_EQ(g.bytes(p, 5), "hello");
  ASSERT_EQ(g.calls.size(), 1u);
  EXPECT_EQ(g.calls[0], (ReallocCall{0, 0, 1, 5}));
  EXPECT_EQ(load(cx, 32, *str()), Value::string("hello"));
}

TEST(AbiMemory, ListsOfEveryShape) {
  Guest g;
  Value bytes = Value::byte_list(std::string("\x00\x01\xff hello", 9));
  EXPECT_EQ(store_load(g, bytes, Type::list(u8())), bytes);
  Value words = Value::list({Value::u32(1), Value::u32(2), Value::u32(0xFFFFFFFF)});
  EXPECT_EQ(store_load(g, words, Type::list(u32())), words);
  Value strings = Value::list({Value::string("a"), Value::string(""), Value::string("ccc")});
  EXPECT_EQ(store_load(g, strings, Type::list(str())), strings);
  Value nested = Value::list({Value::list({Value::u64(1)}), Value::list({})});
  EXPECT_EQ(store_load(g, nested, Type::list(Type::list(u64()))), nested);
  Value empty = Value::list({});
  EXPECT_EQ(store_load(g, empty, Type::list(f64())), empty);
  Value fixed = Value::list({Value::u16(1), Value::u16(2), Value::u16(3)});
  EXPECT_EQ(store_load(g, fixed, Type::list(u16(), 3), 40), fixed);
  EXPECT_EQ(g.get16(42), 2);  // fixed lists are inline: element 1 at +2
  Value fixed_bytes = Value::byte_list("abcd");
  EXPECT_EQ(store_load(g, fixed_bytes, Type::list(u8(), 4)), fixed_bytes);
}

TEST(AbiMemory, ByteListFromItemsLoadsAsBytes) {
  Guest g;
  Value items = Value::list({Value::u8('h'), Value::u8('i')});
  EXPECT_EQ(store_load(g, items, Type::list(u8())), Value::byte_list("hi"));
}

TEST(AbiMemory, ListElementLayout) {
  Guest g;
  LiftLowerContext cx(g.opts, g.inst);
  auto elem = Type::tuple({u8(), u32()});  // size 8
  Value v = Value::list({Value::tuple({Value::u8(1), Value::u32(10)}), Value::tuple({Value::u8(2), Value::u32(20)})});
  store(cx, v, *Type::list(elem), 0);
  const uint32_t p = g.get32(0);
  EXPECT_EQ(p % 4, 0u);
  EXPECT_EQ(g.get32(4), 2u);
  EXPECT_EQ(*g.at(p + 8), 2);
  EXPECT_EQ(g.get32(p + 12), 20u);
  EXPECT_EQ(g.calls[0], (ReallocCall{0, 0, 4, 16}));
}

TEST(AbiMemory, VariantsEnumsOptionsResults) {
  Guest g;
  std::vector<Case> cases;
  for (int i = 0; i < 300; ++i) cases.push_back({"c" + std::to_string(i), i == 299 ? u32() : nullptr});
  auto big = Type::variant(cases);
  Value v = Value::variant(299, Value::u32(77));
  EXPECT_EQ(store_load(g, v, big, 100), v);
  EXPECT_EQ(g.get16(100), 299);   // u16 discriminant
  EXPECT_EQ(g.get32(104), 77u);   // payload aligned to 4

  auto opt = Type::option(u64());
  EXPECT_EQ(store_load(g, Value::some(Value::u64(7)), opt, 200), Value::some(Value::u64(7)));
  EXPECT_EQ(*g.at(200), 1);
  EXPECT_EQ(g.get64(208), 7u);
  EXPECT_EQ(store_load(g, Value::none(), opt), Value::none());

  auto res = Type::result(u64(), str());
  EXPECT_EQ(store_load(g, Value::ok(Value::u64(5)), res), Value::ok(Value::u64(5)));
  EXPECT_EQ(store_load(g, Value::err(Value::string("no")), res), Value::err(Value::string("no")));
  auto unit = Type::result(nullptr, nullptr);
  EXPECT_EQ(store_load(g, Value::err(), unit), Value::err());
  auto en = Type::enum_({"a", "b", "c"});
  EXPECT_EQ(store_load(g, Value::enum_(2), en, 300), Value::enum_(2));
  EXPECT_EQ(*g.at(300), 2);
  // 256 cases still fit a u8 discriminant; 257 need a u16.
  std::memset(g.at(310), 0xAA, 4);
  EXPECT_EQ(store_load(g, Value::enum_(255), Type::enum_(labels(256)), 310), Value::enum_(255));
  EXPECT_EQ(g.get16(310), 0xAAFF);
  EXPECT_EQ(store_load(g, Value::enum_(256), Type::enum_(labels(257)), 310), Value::enum_(256));
  EXPECT_EQ(g.get16(310), 256);
}

TEST(AbiMemory, FlagsAllWidths) {
  Guest g;
  for (size_t n : {1u, 8u, 9u, 16u, 17u, 32u, 33u, 64u, 70u}) {
    SCOPED_TRACE(n);
    std::vector<bool> set(n);
    for (size_t i = 0; i < n; i += 3) set[i] = true;
    set[n - 1] = true;
    auto t = Type::flags(labels(n));
    EXPECT_EQ(store_load(g, Value::flags(set), t, 400), Value::flags(set));
    std::vector<CoreVal> flat;
    EXPECT_EQ(flat_round_trip(g, Value::flags(set), t, &flat), Value::flags(set));
  }
  LiftLowerContext cx(g.opts, g.inst);
  std::vector<bool> set(33);
  set[0] = set[32] = true;
  store(cx, Value::flags(set), *Type::flags(labels(33)), 500);
  EXPECT_EQ(g.get32(500), 1u);
  EXPECT_EQ(g.get32(504), 1u);
  std::vector<bool> ten(10);
  ten[9] = true;
  store(cx, Value::flags(ten), *Type::flags(labels(10)), 510);
  EXPECT_EQ(g.get16(510), 0x0200);
}

TEST(AbiMemory, FloatNaNsAreCanonical) {
  Guest g;
  LiftLowerContext cx(g.opts, g.inst);
  g.put32(0, 0x7fc00001);  // NaN with a payload
  Value v = load(cx, 0, *f32());
  EXPECT_TRUE(std::isnan(v.f64));
  store(cx, v, *f32(), 8);
  EXPECT_EQ(g.get32(8), 0x7fc00000u);
  store(cx, Value::f64_(std::bit_cast<double>(0xfff0000000000001ull)), *f64(), 16);
  EXPECT_EQ(g.get64(16), 0x7ff8000000000000ull);
  std::vector<CoreVal> flat;
  lower_flat(cx, Value::f32(std::bit_cast<float>(0xffc00123u)), *f32(), flat);
  EXPECT_EQ(flat[0].bits, 0x7fc00000u);
}

TEST(AbiMemory, CharTraps) {
  Guest g;
  LiftLowerContext cx(g.opts, g.inst);
  g.put32(0, 0xD800);
  EXPECT_TRAP(load(cx, 0, *chr()), "surrogate");
  g.put32(0, 0x110000);
  EXPECT_TRAP(load(cx, 0, *chr()), "above U+10FFFF");
  g.put32(0, 0x10FFFF);
  EXPECT_EQ(load(cx, 0, *chr()), Value::char_(0x10FFFF));
}

TEST(AbiMemory, BadDiscriminantTraps) {
  Guest g;
  LiftLowerContext cx(g.opts, g.inst);
  *g.at(0) = 2;
  EXPECT_TRAP(load(cx, 0, *Type::option(u8())), "discriminant 2 out of range");
  EXPECT_TRAP(load(cx, 0, *Type::enum_({"a", "b"})), "discriminant 2");
  g.put16(0, 300);
  std::vector<Case> cases;
  for (int i = 0; i < 300; ++i) cases.push_back({"c", nullptr});
  EXPECT_TRAP(load(cx, 0, *Type::variant(cases)), "discriminant 300");
}

TEST(AbiMemory, MisalignedPointersTrap) {
  Guest g;
  LiftLowerContext cx(g.opts, g.inst);
  g.put32(0, 2);  // list<u32> at address 2
  g.put32(4, 1);
  EXPECT_TRAP(load(cx, 0, *Type::list(u32())), "list pointer 0x2 is not 4-byte aligned");
  EXPECT_TRAP(load(cx, 2, *u32()), "not 4-byte aligned");
  EXPECT_TRAP(store(cx, Value::u64(1), *u64(), 4), "not 8-byte aligned");
  Guest g16(StringEncoding::Utf16);
  LiftLowerContext cx16(g16.opts, g16.inst);
  g16.put32(0, 3);
  g16.put32(4, 1);
  EXPECT_TRAP(load(cx16, 0, *str()), "string pointer 0x3 is not 2-byte aligned");
}

TEST(AbiMemory, OutOfBoundsTraps) {
  Guest g;
  LiftLowerContext cx(g.opts, g.inst);
  g.put32(0, 65530);
  g.put32(4, 20);
  EXPECT_EQ(trap_message([&] { load(cx, 0, *str()); }),
            "canonical ABI: string pointer 0xfffa + length 20 out of bounds (memory size 65536)");
  g.put32(0, 65528);
  g.put32(4, 3);  // 3 * 4 bytes from 65528 ends past 65536
  EXPECT_TRAP(load(cx, 0, *Type::list(u32())), "out of bounds");
  g.put32(4, 2);
  EXPECT_EQ(load(cx, 0, *Type::list(u32())).items.size(), 2u);
  g.put32(0, 0);
  g.put32(4, 0x40000000);  // 2^30 u32s: past MAX_LIST_BYTE_LENGTH
  EXPECT_TRAP(load(cx, 0, *Type::list(u32())), "exceeds the maximum");
  EXPECT_TRAP(load(cx, 65536, *u8()), "out of bounds");
  EXPECT_TRAP(store(cx, Value::u32(1), *u32(), 65536 - 2), "not 4-byte aligned");
  EXPECT_TRAP(store(cx, Value::u32(1), *u32(), 65536), "out of bounds");
}

TEST(AbiMemory, InvalidUtf8Traps) {
  Guest g;
  LiftLowerContext cx(g.opts, g.inst);
  g.put_bytes(100, "a\xC3");  // truncated 2-byte sequence
  g.put32(0, 100);
  g.put32(4, 2);
  EXPECT_TRAP(load(cx, 0, *str()), "not valid UTF-8");
  g.put_bytes(100, "\xED\xA0\x80");  // an encoded surrogate
  g.put32(4, 3);
  EXPECT_TRAP(load(cx, 0, *str()), "not valid UTF-8");
}

TEST(AbiMemory, ReallocMustReturnAlignedInBoundsMemory) {
  Guest g;
  g.opts.realloc = [](uint32_t, uint32_t, uint32_t, uint32_t) { return 3u; };
  LiftLowerContext cx(g.opts, g.inst);
  EXPECT_TRAP(store(cx, Value::list({Value::u32(1)}), *Type::list(u32()), 0),
              "realloc result for list pointer 0x3 is not 4-byte aligned");
  g.opts.realloc = [](uint32_t, uint32_t, uint32_t, uint32_t) { return 65534u; };
  EXPECT_TRAP(store(cx, Value::string("abcdef"), *str(), 0), "out of bounds");
  EXPECT_TRUE(g.inst.may_leave);  // restored after the call
}

TEST(AbiMemory, MemoryGrowthDuringReallocIsSeen) {
  Guest g;
  LiftLowerContext cx(g.opts, g.inst);
  std::string big(200000, 'x');
  big[199999] = 'y';
  store(cx, Value::byte_list(big), *Type::list(u8()), 0);
  EXPECT_GT(g.mem.size(), 65536u);
  EXPECT_EQ(load(cx, 0, *Type::list(u8())), Value::byte_list(big));
}

// ---------------------------------------------------------------- strings

TEST(AbiStrings, Utf8RoundTrip) {
  Guest g;
  for (std::string s : {"", "plain", "h\xC3\xA9llo", "\xF0\x9D\x84\x9E clef", "\xE2\x82\xAC"}) {
    EXPECT_EQ(store_load(g, Value::string(s), str()), Value::string(s));
    EXPECT_EQ(flat_round_trip(g, Value::string(s), str()), Value::string(s));
  }
}

TEST(AbiStrings, Utf16EncodingAndReallocShrink) {
  Guest g(StringEncoding::Utf16);
  LiftLowerContext cx(g.opts, g.inst);
  std::vector<CoreVal> flat;
  // "hé𝄞": 7 UTF-8 bytes; UTF-16: 0068 00E9 D834 DD1E (4 code units).
  lower_flat(cx, Value::string("h\xC3\xA9\xF0\x9D\x84\x9E"), *str(), flat);
  ASSERT_EQ(flat.size(), 2u);
  const uint32_t p = flat[0].as_u32();
  EXPECT_EQ(flat[1].as_u32(), 4u);
  EXPECT_EQ(p % 2, 0u);
  EXPECT_EQ(g.get16(p), 0x0068);
  EXPECT_EQ(g.get16(p + 2), 0x00E9);
  EXPECT_EQ(g.get16(p + 4), 0xD834);
  EXPECT_EQ(g.get16(p + 6), 0xDD1E);
  ASSERT_EQ(g.calls.size(), 2u);
  EXPECT_EQ(g.calls[0], (ReallocCall{0, 0, 2, 14}));  // worst case 2 * 7
  EXPECT_EQ(g.calls[1], (ReallocCall{p, 14, 2, 8}));
  CoreValueIter vi(flat);
  EXPECT_EQ(lift_flat(cx, vi, *str()), Value::string("h\xC3\xA9\xF0\x9D\x84\x9E"));
}

TEST(AbiStrings, Utf16LoneSurrogateTraps) {
  Guest g(StringEncoding::Utf16);
  g.put16(100, 'a');
  g.put16(102, 0xDC00);
  EXPECT_TRAP(lift_one(g, str(), {CoreVal::u32(100), CoreVal::u32(2)}), "unpaired surrogate");
  g.put16(102, 0xD800);
  EXPECT_TRAP(lift_one(g, str(), {CoreVal::u32(100), CoreVal::u32(2)}), "unpaired surrogate");
}

TEST(AbiStrings, Latin1WhenEveryCharFits) {
  Guest g(StringEncoding::Latin1Utf16);
  LiftLowerContext cx(g.opts, g.inst);
  std::vector<CoreVal> flat;
  lower_flat(cx, Value::string("h\xC3\xA9llo"), *str(), flat);  // "héllo", 6 UTF-8 bytes
  const uint32_t p = flat[0].as_u32();
  EXPECT_EQ(flat[1].as_u32(), 5u);  // untagged: latin1 code units
  EXPECT_EQ(g.bytes(p, 5), "h\xE9llo");
  ASSERT_EQ(g.calls.size(), 2u);
  EXPECT_EQ(g.calls[0], (ReallocCall{0, 0, 2, 6}));
  EXPECT_EQ(g.calls[1], (ReallocCall{p, 6, 2, 5}));
  CoreValueIter vi(flat);
  EXPECT_EQ(lift_flat(cx, vi, *str()), Value::string("h\xC3\xA9llo"));
}

TEST(AbiStrings, NonLatin1CharForcesTaggedUtf16) {
  Guest g(StringEncoding::Latin1Utf16);
  LiftLowerContext cx(g.opts, g.inst);
  std::vector<CoreVal> flat;
  lower_flat(cx, Value::string("h\xC3\xA9\xE2\x82\xAC"), *str(), flat);  // "hé€", 6 UTF-8 bytes
  const uint32_t p = flat[0].as_u32();
  EXPECT_EQ(flat[1].as_u32(), 3u | (1u << 31));
  EXPECT_EQ(g.get16(p), 0x0068);
  EXPECT_EQ(g.get16(p + 2), 0x00E9);
  EXPECT_EQ(g.get16(p + 4), 0x20AC);
  ASSERT_EQ(g.calls.size(), 3u);
  EXPECT_EQ(g.calls[0], (ReallocCall{0, 0, 2, 6}));
  EXPECT_EQ(g.calls[1].old_size, 6u);    // grow to the UTF-16 worst case
  EXPECT_EQ(g.calls[1].new_size, 12u);
  EXPECT_EQ(g.calls[2], (ReallocCall{p, 12, 2, 6}));  // shrink to the 3 units written
  CoreValueIter vi(flat);
  EXPECT_EQ(lift_flat(cx, vi, *str()), Value::string("h\xC3\xA9\xE2\x82\xAC"));
}

TEST(AbiStrings, Latin1Utf16LiftsBothForms) {
  Guest g(StringEncoding::Latin1Utf16);
  g.put_bytes(100, "caf\xE9");
  EXPECT_EQ(lift_one(g, str(), {CoreVal::u32(100), CoreVal::u32(4)}), Value::string("caf\xC3\xA9"));
  g.put16(200, 0x3042);  // あ
  g.put16(202, 'x');
  EXPECT_EQ(lift_one(g, str(), {CoreVal::u32(200), CoreVal::u32(2 | (1u << 31))}),
            Value::string("\xE3\x81\x82x"));
  EXPECT_TRAP(lift_one(g, str(), {CoreVal::u32(201), CoreVal::u32(1)}), "not 2-byte aligned");
}

TEST(AbiStrings, RoundTripsInEveryEncoding) {
  for (auto enc : {StringEncoding::Utf8, StringEncoding::Utf16, StringEncoding::Latin1Utf16}) {
    Guest g(enc);
    for (std::string s : {"", "ascii", "\xC3\xBF", "\xC4\x80", "a\xF0\x9F\x98\x80z", "\xC3\xA9\xE2\x82\xAC\xC3\xA9"}) {
      EXPECT_EQ(store_load(g, Value::string(s), str()), Value::string(s));
      EXPECT_EQ(flat_round_trip(g, Value::string(s), str()), Value::string(s));
    }
  }
}

TEST(AbiStrings, HostStringMustBeUtf8) {
  Guest g;
  LiftLowerContext cx(g.opts, g.inst);
  std::vector<CoreVal> flat;
  EXPECT_TRAP(lower_flat(cx, Value::string("\xFF"), *str(), flat), "not valid UTF-8");
}

// ---------------------------------------------------------------- flat values

TEST(AbiFlat, ScalarsWrapAndSignExtend) {
  Guest g;
  std::vector<CoreVal> flat;
  EXPECT_EQ(flat_round_trip(g, Value::s8(-1), s8(), &flat), Value::s8(-1));
  EXPECT_EQ(flat[0].bits, 0xFFFFFFFFu);
  EXPECT_EQ(flat_round_trip(g, Value::s64(-1), prim(Kind::S64), &flat), Value::s64(-1));
  EXPECT_EQ(flat[0].bits, 0xFFFFFFFFFFFFFFFFu);
  EXPECT_EQ(lift_one(g, u8(), {CoreVal::u32(0x1FF)}), Value::u8(0xFF));
  EXPECT_EQ(lift_one(g, s8(), {CoreVal::u32(0x80)}), Value::s8(-128));
  EXPECT_EQ(lift_one(g, prim(Kind::S16), {CoreVal::u32(0x18000)}), Value::s16(-32768));
  EXPECT_EQ(lift_one(g, boolean(), {CoreVal::u32(2)}), Value::boolean(true));
  EXPECT_EQ(lift_one(g, boolean(), {CoreVal::u32(0)}), Value::boolean(false));
  EXPECT_EQ(flat_round_trip(g, Value::f64_(0.1), f64()), Value::f64_(0.1));
  EXPECT_EQ(flat_round_trip(g, Value::char_('A'), chr()), Value::char_('A'));
}

TEST(AbiFlat, CharAndDiscriminantTraps) {
  Guest g;
  EXPECT_TRAP(lift_one(g, chr(), {CoreVal::u32(0xDFFF)}), "surrogate");
  EXPECT_TRAP(lift_one(g, chr(), {CoreVal::u32(0x110000)}), "above U+10FFFF");
  EXPECT_TRAP(lift_one(g, Type::option(u32()), {CoreVal::u32(2), CoreVal::u32(0)}), "discriminant 2");
  EXPECT_TRAP(lift_one(g, Type::result(nullptr, nullptr), {CoreVal::u32(5)}), "discriminant 5");
}

TEST(AbiFlat, VariantJoinLowering) {
  Guest g;
  auto res = Type::result(u64(), str());
  std::vector<CoreVal> flat;
  EXPECT_EQ(flat_round_trip(g, Value::ok(Value::u64(5)), res, &flat), Value::ok(Value::u64(5)));
  EXPECT_EQ(bits(flat), (std::vector<uint64_t>{0, 5, 0}));  // padded with zero
  EXPECT_EQ(flat_round_trip(g, Value::err(Value::string("hi")), res, &flat), Value::err(Value::string("hi")));
  EXPECT_EQ(flat[0].bits, 1u);
  EXPECT_EQ(flat[2].bits, 2u);  // length in the i32 slot
  EXPECT_EQ(g.bytes(flat[1].as_u32(), 2), "hi");  // pointer widened into the i64 slot

  // variant { a(f32), b(u64) }: f32 travels as its bits in the joined i64.
  auto v = Type::variant({{"a", f32()}, {"b", u64()}});
  EXPECT_EQ(flat_round_trip(g, Value::variant(0, Value::f32(1.5f)), v, &flat), Value::variant(0, Value::f32(1.5f)));
  EXPECT_EQ(flat[1].bits, uint64_t{std::bit_cast<uint32_t>(1.5f)});
  // result<f32, u32>: join(f32, i32) = i32, the f32's bits.
  auto r2 = Type::result(f32(), u32());
  EXPECT_EQ(flat_round_trip(g, Value::ok(Value::f32(2.5f)), r2, &flat), Value::ok(Value::f32(2.5f)));
  EXPECT_EQ(flat[1].bits, uint64_t{std::bit_cast<uint32_t>(2.5f)});
  // result<f64, u32>: f64 bits in the i64 slot; the u32 zero-extended.
  auto r3 = Type::result(f64(), u32());
  EXPECT_EQ(flat_round_trip(g, Value::ok(Value::f64_(-3.0)), r3, &flat), Value::ok(Value::f64_(-3.0)));
  EXPECT_EQ(flat[1].bits, std::bit_cast<uint64_t>(-3.0));
  EXPECT_EQ(flat_round_trip(g, Value::err(Value::u32(0xFFFFFFFF)), r3, &flat), Value::err(Value::u32(0xFFFFFFFF)));
  EXPECT_EQ(flat[1].bits, 0xFFFFFFFFu);
}

TEST(AbiFlat, VariantJoinLiftingWrapsI64) {
  Guest g;
  // wrap_i64_to_i32: upper bits of the joined i64 slot are ignored.
  auto v = Type::variant({{"a", f32()}, {"b", u64()}});
  EXPECT_EQ(lift_one(g, v, {CoreVal::u32(0), CoreVal{0xFFFFFFFF00000000ull | std::bit_cast<uint32_t>(1.5f)}}),
            Value::variant(0, Value::f32(1.5f)));
  auto r = Type::result(u64(), u32());
  EXPECT_EQ(lift_one(g, r, {CoreVal::u32(1), CoreVal{0x123456789ull}}), Value::err(Value::u32(0x23456789)));
  EXPECT_EQ(lift_one(g, r, {CoreVal::u32(0), CoreVal{0x123456789ull}}), Value::ok(Value::u64(0x123456789ull)));
  // result<f32, f64>: f32 from the low 32 bits of an i64, f64 from all 64.
  auto r2 = Type::result(f32(), f64());
  EXPECT_EQ(lift_one(g, r2, {CoreVal::u32(0), CoreVal{std::bit_cast<uint32_t>(0.5f)}}), Value::ok(Value::f32(0.5f)));
  EXPECT_EQ(lift_one(g, r2, {CoreVal::u32(1), CoreVal{std::bit_cast<uint64_t>(0.25)}}), Value::err(Value::f64_(0.25)));
}

TEST(AbiFlat, RecordsTuplesListsFlags) {
  Guest g;
  auto rec = Type::record({{"seconds", u64()}, {"nanoseconds", u32()}});
  Value r = Value::record({Value::u64(5), Value::u32(7)});
  EXPECT_EQ(flat_round_trip(g, r, rec), r);
  auto tup = Type::tuple({str(), Type::list(u32()), Type::option(chr())});
  Value t = Value::tuple({Value::string("x"), Value::list({Value::u32(1), Value::u32(2)}), Value::some(Value::char_(U'λ'))});
  EXPECT_EQ(flat_round_trip(g, t, tup), t);
  auto fixed = Type::list(u8(), 3);
  std::vector<CoreVal> flat;
  EXPECT_EQ(flat_round_trip(g, Value::byte_list("abc"), fixed, &flat), Value::byte_list("abc"));
  EXPECT_EQ(bits(flat), (std::vector<uint64_t>{'a', 'b', 'c'}));
  std::vector<bool> set(33);
  set[1] = set[32] = true;
  EXPECT_EQ(flat_round_trip(g, Value::flags(set), Type::flags(labels(33)), &flat), Value::flags(set));
  EXPECT_EQ(bits(flat), (std::vector<uint64_t>{2, 1}));
}

TEST(AbiFlat, ValueKindMismatchIsAClearTrap) {
  Guest g;
  LiftLowerContext cx(g.opts, g.inst);
  std::vector<CoreVal> flat;
  EXPECT_EQ(trap_message([&] { lower_flat(cx, Value::string("x"), *u32(), flat); }),
            "host returned a value of kind string where the function's type says u32");
  EXPECT_TRAP(lower_flat(cx, Value::byte_list("x"), *Type::list(u32()), flat), "list (bytes)");
  EXPECT_TRAP(lower_flat(cx, Value::record({Value::u32(1)}), *Type::record({{"a", u32()}, {"b", u32()}}), flat),
              "of 1 fields");
  EXPECT_TRAP(lower_flat(cx, Value::variant(3), *Type::variant({{"a", nullptr}}), flat), "case index 3");
  EXPECT_TRAP(lower_flat(cx, Value::some(Value::u32(1)), *Type::option(str()), flat),
              "host returned a value of kind u32 where the function's type says string");
  EXPECT_TRAP(lower_flat(cx, Value::ok(), *Type::result(u32(), nullptr), flat), "without its payload");
  EXPECT_TRAP(lower_flat(cx, Value::flags({true}), *Type::flags(labels(2)), flat), "flags with 1 bits");
  EXPECT_TRAP(lower_flat(cx, Value::char_(0xD800), *chr(), flat), "not a Unicode scalar value");
  EXPECT_TRAP(store(cx, Value::list({Value::u16(1)}), *Type::list(u16(), 2), 0), "a list of 1 elements");
}

// ---------------------------------------------------------------- whole calls

TEST(AbiCalls, SeventeenParamsSpillThroughRealloc) {
  Guest g;
  FuncType ft;
  std::vector<Value> args;
  for (uint32_t i = 0; i < 17; ++i) {
    ft.params.push_back({"p" + std::to_string(i), u32()});
    args.push_back(Value::u32(100 + i));
  }
  LiftLowerContext cx(g.opts, g.inst);
  std::vector<CoreVal> flat = lower_lifted_call_args(cx, ft, args);
  ASSERT_EQ(flat.size(), 1u);
  ASSERT_EQ(g.calls.size(), 1u);
  EXPECT_EQ(g.calls[0], (ReallocCall{0, 0, 4, 68}));
  const uint32_t p = flat[0].as_u32();
  EXPECT_EQ(g.get32(p), 100u);
  EXPECT_EQ(g.get32(p + 64), 116u);
  // The other direction: a guest passing a pointer to its 17 arguments.
  EXPECT_EQ(lift_lowered_call_args(cx, ft, flat), args);
  EXPECT_TRAP(lift_lowered_call_args(cx, ft, std::vector<CoreVal>{CoreVal::u32(2)}), "spilled values pointer 0x2");
}

TEST(AbiCalls, SixteenParamsStayFlat) {
  Guest g;
  FuncType ft;
  std::vector<Value> args;
  for (uint32_t i = 0; i < 16; ++i) {
    ft.params.push_back({"", u32()});
    args.push_back(Value::u32(i));
  }
  LiftLowerContext cx(g.opts, g.inst);
  std::vector<CoreVal> flat = lower_lifted_call_args(cx, ft, args);
  EXPECT_EQ(flat.size(), 16u);
  EXPECT_TRUE(g.calls.empty());
  EXPECT_EQ(lift_lowered_call_args(cx, ft, flat), args);
}

TEST(AbiCalls, TupleResultUsesRetptrWhenLowered) {
  Guest g;
  FuncType ft{{{"x", u32()}}, {{"", Type::tuple({u32(), u64()})}}};
  LiftLowerContext cx(g.opts, g.inst);
  std::vector<CoreVal> flat_args{CoreVal::u32(9), CoreVal::u32(64)};  // x, retptr
  EXPECT_EQ(lift_lowered_call_args(cx, ft, flat_args), std::vector<Value>{Value::u32(9)});
  Value result = Value::tuple({Value::u32(1), Value::u64(2)});
  std::vector<CoreVal> no_results;
  lower_lowered_call_results(cx, ft, {result}, flat_args, no_results);
  EXPECT_EQ(g.get32(64), 1u);
  EXPECT_EQ(g.get64(72), 2u);
  EXPECT_TRUE(g.calls.empty());  // the caller's return area, no realloc
}

TEST(AbiCalls, TupleResultIsAReturnedPointerWhenLifted) {
  Guest g;
  FuncType ft{{}, {{"", Type::tuple({u32(), u64()})}}};
  g.put32(128, 11);
  std::memset(g.at(136), 0, 8);
  *g.at(136) = 22;
  LiftLowerContext cx(g.opts, g.inst);
  std::vector<CoreVal> flat_results{CoreVal::u32(128)};
  EXPECT_EQ(lift_lifted_call_results(cx, ft, flat_results),
            std::vector<Value>{Value::tuple({Value::u32(11), Value::u64(22)})});
  EXPECT_TRAP(lift_lifted_call_results(cx, ft, std::vector<CoreVal>{CoreVal::u32(65528)}), "out of bounds");
  EXPECT_TRAP(lift_lifted_call_results(cx, ft, std::vector<CoreVal>{CoreVal::u32(4)}), "not 8-byte aligned");
}

TEST(AbiCalls, FlatResultAndMismatchedResults) {
  Guest g;
  FuncType ft{{}, {{"", u32()}}};
  LiftLowerContext cx(g.opts, g.inst);
  std::vector<CoreVal> out(1);
  lower_lowered_call_results(cx, ft, {Value::u32(42)}, {}, out);
  EXPECT_EQ(out[0].bits, 42u);
  EXPECT_TRAP(lower_lowered_call_results(cx, ft, {Value::string("no")}, {}, out),
              "host returned a value of kind string where the function's type says u32");
  EXPECT_TRAP(lower_lowered_call_results(cx, ft, {}, {}, out), "host returned 0 values");
  FuncType args{{{"n", u32()}}, {}};
  EXPECT_EQ(trap_message([&] { lower_lifted_call_args(cx, args, {Value::boolean(true)}); }),
            "host passed a value of kind bool where the function's type says u32 (in value 'n')");
}

TEST(AbiCalls, StringResultGoesThroughRetptr) {
  Guest g;
  FuncType ft{{}, {{"", Type::result(str(), u8())}}};
  LiftLowerContext cx(g.opts, g.inst);
  std::vector<CoreVal> flat_args{CoreVal::u32(16)};
  std::vector<CoreVal> none;
  lower_lowered_call_results(cx, ft, {Value::ok(Value::string("abc"))}, flat_args, none);
  EXPECT_EQ(*g.at(16), 0);
  EXPECT_EQ(g.bytes(g.get32(20), 3), "abc");
  EXPECT_EQ(g.get32(24), 3u);
}

// ---------------------------------------------------------------- resources

TEST(AbiResources, TableReservesZeroAndReusesFreedIndices) {
  HandleTable t;
  auto rt = resource("r");
  EXPECT_TRAP(t.get(0), "index 0");
  EXPECT_EQ(t.add({rt, 10, true}), 1u);
  EXPECT_EQ(t.add({rt, 20, true}), 2u);
  EXPECT_EQ(t.add({rt, 30, true}), 3u);
  EXPECT_EQ(t.live_count(), 3u);
  EXPECT_EQ(t.remove(2).rep, 20u);
  EXPECT_TRAP(t.get(2), "not in the handle table");
  EXPECT_TRAP(t.remove(2), "not in the handle table");
  EXPECT_TRAP(t.get(4), "not in the handle table");
  EXPECT_EQ(t.add({rt, 40, true}), 2u);  // from the free list
  EXPECT_EQ(t.get(2).rep, 40u);
  EXPECT_EQ(t.add({rt, 50, true}), 4u);
  EXPECT_EQ(t.live_count(), 4u);
}

TEST(AbiResources, OwnMovesOutOfTheTable) {
  Guest g;
  auto own = Type::own(resource("output-stream"));
  LiftLowerContext cx(g.opts, g.inst);
  std::vector<CoreVal> flat;
  lower_flat(cx, Value::own(77), *own, flat);
  EXPECT_EQ(flat[0].bits, 1u);  // the first handle; 0 is reserved
  EXPECT_EQ(g.inst.handles.get(1).rep, 77u);
  EXPECT_TRUE(g.inst.handles.get(1).own);
  CoreValueIter vi(flat);
  EXPECT_EQ(lift_flat(cx, vi, *own), Value::own(77));
  EXPECT_EQ(g.inst.handles.live_count(), 0u);
  EXPECT_TRAP(lift_own(cx, 1, *own), "handle index 1");
  EXPECT_TRAP(lift_own(cx, 0, *own), "handle index 0");
}

TEST(AbiResources, BorrowLendsUntilExitCall) {
  Guest g;
  auto rt = resource("pollable");
  auto own = Type::own(rt);
  auto borrow = Type::borrow(rt);
  const uint32_t i = g.inst.handles.add({rt, 5, true});
  {
    LiftLowerContext call(g.opts, g.inst);
    std::vector<CoreVal> flat{CoreVal::u32(i)};
    CoreValueIter vi(flat);
    EXPECT_EQ(lift_flat(call, vi, *borrow), Value::borrow(5));
    EXPECT_EQ(g.inst.handles.get(i).num_lends, 1u);
    // While lent, the own handle cannot be moved out (nor dropped).
    LiftLowerContext other(g.opts, g.inst);
    EXPECT_TRAP(lift_own(other, i, *own), "lent to 1 call(s)");
    call.exit_call();
  }
  EXPECT_EQ(g.inst.handles.get(i).num_lends, 0u);
  LiftLowerContext after(g.opts, g.inst);
  EXPECT_EQ(lift_own(after, i, *own), 5u);
}

TEST(AbiResources, BorrowHandleIsNotOwn) {
  Guest g;
  auto rt = resource("r");
  const uint32_t i = g.inst.handles.add({rt, 5, false});
  LiftLowerContext cx(g.opts, g.inst);
  EXPECT_TRAP(lift_own(cx, i, *Type::own(rt)), "is a borrow");
  EXPECT_EQ(lift_borrow(cx, i, *Type::borrow(rt)), 5u);
  EXPECT_TRUE(cx.lenders.empty());  // only own handles are lent
}

TEST(AbiResources, ResourceTypeMismatchTraps) {
  Guest g;
  auto a = resource("input-stream");
  auto b = resource("output-stream");
  const uint32_t i = g.inst.handles.add({a, 1, true});
  LiftLowerContext cx(g.opts, g.inst);
  EXPECT_TRAP(lift_own(cx, i, *Type::own(b)), "handle 1 is a own<input-stream> where own<output-stream> was expected");
  EXPECT_TRAP(lift_borrow(cx, i, *Type::borrow(b)), "where borrow<output-stream> was expected");
  EXPECT_EQ(g.inst.handles.live_count(), 1u);
}

TEST(AbiResources, LowerBorrowIsScopedToTheCall) {
  Guest g;
  auto host_rt = resource("descriptor");
  LiftLowerContext cx(g.opts, g.inst);
  const uint32_t i = lower_borrow(cx, 9, *Type::borrow(host_rt));
  EXPECT_NE(i, 0u);
  const ResourceHandle& h = g.inst.handles.get(i);
  EXPECT_FALSE(h.own);
  EXPECT_EQ(h.rep, 9u);
  EXPECT_EQ(h.borrow_scope, &cx);
  EXPECT_EQ(cx.borrow_count, 1u);
  EXPECT_TRAP(cx.exit_call(), "1 borrowed handle(s)");
  // What canon resource.drop does for a borrow handle:
  g.inst.handles.remove(i);
  cx.borrow_count -= 1;
  cx.exit_call();
  // A borrow of the instance's own resource type passes the rep itself.
  auto own_rt = resource("mine", &g.inst);
  EXPECT_EQ(lower_borrow(cx, 1234, *Type::borrow(own_rt)), 1234u);
  EXPECT_EQ(cx.borrow_count, 0u);
}

TEST(AbiResources, HandlesInMemory) {
  Guest g;
  auto rt = resource("r");
  Value v = Value::list({Value::own(3), Value::own(4)});
  EXPECT_EQ(store_load(g, v, Type::list(Type::own(rt))), v);
  EXPECT_EQ(g.inst.handles.live_count(), 0u);
}

// ---------------------------------------------------------------- text

TEST(AbiText, Types) {
  auto rt = resource("output-stream");
  EXPECT_EQ(to_string(*Type::result(Type::list(u8()), Type::enum_({"closed"}))), "result<list<u8>, enum { closed }>");
  EXPECT_EQ(to_string(*Type::result(nullptr, u32())), "result<_, u32>");
  EXPECT_EQ(to_string(*Type::result(u32(), nullptr)), "result<u32>");
  EXPECT_EQ(to_string(*Type::result(nullptr, nullptr)), "result");
  EXPECT_EQ(to_string(*Type::option(Type::own(rt))), "option<own<output-stream>>");
  EXPECT_EQ(to_string(*Type::tuple({u32(), str()})), "tuple<u32, string>");
  EXPECT_EQ(to_string(*Type::list(f32(), 4)), "list<f32, 4>");
  EXPECT_EQ(to_string(*Type::record({{"a", u8()}, {"b", chr()}})), "record { a: u8, b: char }");
  EXPECT_EQ(to_string(*Type::flags({"read", "write"})), "flags { read, write }");
  EXPECT_EQ(to_string(*Type::variant({{"a", nullptr}, {"b", u64()}})), "variant { a, b(u64) }");
  FuncType ft{{{"this", Type::borrow(rt)}, {"contents", Type::list(u8())}}, {{"", Type::result(nullptr, nullptr)}}};
  EXPECT_EQ(to_string(ft), "func(this: borrow<output-stream>, contents: list<u8>) -> result");
  EXPECT_EQ(to_string(FuncType{}), "func()");
}

TEST(AbiText, Values) {
  auto rec = Type::record({{"seconds", u64()}, {"nanoseconds", u32()}});
  EXPECT_EQ(to_string(Value::record({Value::u64(5), Value::u32(7)}), *rec), "{seconds: 5, nanoseconds: 7}");
  EXPECT_EQ(to_string(Value::some(Value::string("x")), *Type::option(str())), "some(\"x\")");
  EXPECT_EQ(to_string(Value::none(), *Type::option(str())), "none");
  auto res = Type::result(u64(), Type::enum_({"open", "closed"}));
  EXPECT_EQ(to_string(Value::err(Value::enum_(1)), *res), "err(closed)");
  EXPECT_EQ(to_string(Value::ok(Value::u64(3)), *res), "ok(3)");
  EXPECT_EQ(to_string(Value::ok(), *Type::result(nullptr, nullptr)), "ok");
  EXPECT_EQ(to_string(Value::list({Value::u32(1), Value::u32(2)}), *Type::list(u32())), "[1, 2]");
  EXPECT_EQ(to_string(Value::byte_list("hello world!"), *Type::list(u8())), "<12 bytes: 68656c6c6f20776f726c6421>");
  EXPECT_EQ(to_string(Value::byte_list(std::string(20, 'a')), *Type::list(u8())),
            "<20 bytes: 61616161616161616161616161616161...>");
  EXPECT_EQ(to_string(Value::byte_list(""), *Type::list(u8())), "<0 bytes>");
  EXPECT_EQ(to_string(Value::own(3), *Type::own(resource("output-stream"))), "own<output-stream>#3");
  EXPECT_EQ(to_string(Value::borrow(4), *Type::borrow(resource("pollable"))), "borrow<pollable>#4");
  EXPECT_EQ(to_string(Value::tuple({Value::s8(-1), Value::char_('q')}), *Type::tuple({s8(), chr()})), "(-1, 'q')");
  EXPECT_EQ(to_string(Value::flags({true, false, true}), *Type::flags({"a", "b", "c"})), "{a, c}");
  EXPECT_EQ(to_string(Value::string("a\"b\n"), *str()), "\"a\\\"b\\n\"");
  EXPECT_EQ(to_string(Value::f32(0.1f), *f32()), "0.1");
  EXPECT_EQ(to_string(Value::boolean(true), *boolean()), "true");
  EXPECT_EQ(to_string(Value::variant(1, Value::u64(9)), *Type::variant({{"a", nullptr}, {"b", u64()}})), "b(9)");
  EXPECT_EQ(to_string(Value::u32(1), *str()), "<u32 value where string expected>");
}

// ---------------------------------------------------------------- every type at once

namespace {

struct Everything {
  ResourceTypePtr rt = resource("thing");
  TypePtr type = Type::record({
      {"b", boolean()}, {"i8", s8()}, {"u8", u8()}, {"i16", prim(Kind::S16)}, {"u16", u16()},
      {"i32", prim(Kind::S32)}, {"u32", u32()}, {"i64", prim(Kind::S64)}, {"u64", u64()},
      {"f32", f32()}, {"f64", f64()}, {"c", chr()}, {"s", str()},
      {"bytes", Type::list(u8())}, {"words", Type::list(prim(Kind::S16))}, {"fixed", Type::list(f32(), 2)},
      {"tup", Type::tuple({u8(), str()})},
      {"var", Type::variant({{"none", nullptr}, {"num", f64()}, {"text", str()}})},
      {"en", Type::enum_({"x", "y", "z"})}, {"opt", Type::option(Type::list(str()))},
      {"res", Type::result(u64(), str())}, {"fl", Type::flags(labels(40))},
      {"own", Type::own(rt)}, {"borrow", Type::borrow(resource("mine", nullptr))},
  });
  Value value() const {
    std::vector<bool> fl(40);
    fl[3] = fl[39] = true;
    return Value::record({
        Value::boolean(true), Value::s8(-8), Value::u8(200), Value::s16(-1600), Value::u16(60000),
        Value::s32(-32), Value::u32(4000000000u), Value::s64(-64), Value::u64(1ull << 63),
        Value::f32(-0.5f), Value::f64_(1e300), Value::char_(U'ß'), Value::string("every \xE2\x82\xAC"),
        Value::byte_list(std::string("\x00\x01\x02", 3)), Value::list({Value::s16(-1), Value::s16(2)}),
        Value::list({Value::f32(1), Value::f32(2)}), Value::tuple({Value::u8(1), Value::string("t")}),
        Value::variant(2, Value::string("v")), Value::enum_(1),
        Value::some(Value::list({Value::string("a"), Value::string("b")})), Value::err(Value::string("e")),
        Value::flags(fl), Value::own(17), Value::borrow(0),
    });
  }
};

}  // namespace

TEST(AbiEverything, StoreLoadRoundTrip) {
  Everything e;
  Guest g;
  Value v = e.value();
  Value back = store_load(g, v, e.type, 512);
  // The borrow lowered from the host became a handle in the guest's table and
  // lifts back as the same rep; the own moved into the table and back out.
  EXPECT_EQ(back, v) << to_string(back, *e.type);
}

TEST(AbiEverything, FlatRoundTrip) {
  Everything e;
  Guest g;
  EXPECT_EQ(flat_round_trip(g, e.value(), e.type), e.value());
}

TEST(AbiEverything, SpilledCallRoundTrip) {
  Everything e;
  Guest g;
  FuncType ft{{{"all", e.type}, {"again", Type::list(e.type)}}, {}};
  LiftLowerContext cx(g.opts, g.inst);
  std::vector<Value> args{e.value(), Value::list({e.value(), e.value()})};
  std::vector<CoreVal> flat = lower_lifted_call_args(cx, ft, args);
  ASSERT_EQ(flat.size(), 1u);  // far more than 16 flat params
  EXPECT_EQ(lift_lowered_call_args(cx, ft, flat), args);
}

TEST(AbiEverything, TextIsReadable) {
  Everything e;
  EXPECT_EQ(to_string(e.value(), *e.type),
            "{b: true, i8: -8, u8: 200, i16: -1600, u16: 60000, i32: -32, u32: 4000000000, "
            "i64: -64, u64: 9223372036854775808, f32: -0.5, f64: 1e+300, c: 'ß', s: \"every €\", "
            "bytes: <3 bytes: 000102>, words: [-1, 2], fixed: [1, 2], tup: (1, \"t\"), var: text(\"v\"), "
            "en: y, opt: some([\"a\", \"b\"]), res: err(\"e\"), fl: {l3, l39}, own: own<thing>#17, "
            "borrow: borrow<mine>#0}");
}
