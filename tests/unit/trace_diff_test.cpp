// What `wasm-rr diff` is built on: the alignment of two key sequences
// (trace/alignment.h), the first difference of two values
// (trace/value_diff.h) and the event-level diff (trace/trace_diff.h).
#include <gtest/gtest.h>

#include <chrono>
#include <map>
#include <random>

#include "trace/alignment.h"
#include "trace/trace_diff.h"
#include "trace/value_diff.h"

namespace wasmrr::trace {
namespace {

using Keys = std::vector<uint64_t>;

// The length of a longest common subsequence, by the textbook table.
uint64_t lcs_length(const Keys& a, const Keys& b) {
  std::vector<std::vector<uint64_t>> t(a.size() + 1, std::vector<uint64_t>(b.size() + 1, 0));
  for (size_t i = 1; i <= a.size(); i++)
    for (size_t j = 1; j <= b.size(); j++)
      t[i][j] = a[i - 1] == b[j - 1] ? t[i - 1][j - 1] + 1 : std::max(t[i - 1][j], t[i][j - 1]);
  return t[a.size()][b.size()];
}

// Matches in order, of equal keys, within the sequences, and merged.
void expect_valid(const Alignment& al, const Keys& a, const Keys& b) {
  uint64_t next_a = 0, next_b = 0;
  for (size_t i = 0; i < al.matches.size(); i++) {
    const Match& m = al.matches[i];
    ASSERT_GT(m.length, 0u);
    ASSERT_GE(m.a, next_a);
    ASSERT_GE(m.b, next_b);
    if (i > 0) {
      ASSERT_FALSE(m.a == next_a && m.b == next_b) << "adjacent matches not merged";
    }
    ASSERT_LE(m.a + m.length, a.size());
    ASSERT_LE(m.b + m.length, b.size());
    for (uint64_t k = 0; k < m.length; k++) ASSERT_EQ(a[m.a + k], b[m.b + k]);
    next_a = m.a + m.length;
    next_b = m.b + m.length;
  }
}

TEST(Alignment, IdenticalSequencesAreOneMatch) {
  Keys a{1, 2, 3, 4};
  Alignment al = align(a, a);
  EXPECT_EQ(al.matches, (std::vector<Match>{{0, 0, 4}}));
  EXPECT_FALSE(al.coarse);
}

TEST(Alignment, EmptySequences) {
  Keys none, some{1, 2};
  EXPECT_TRUE(align(none, none).matches.empty());
  EXPECT_TRUE(align(none, some).matches.empty());
  EXPECT_TRUE(align(some, none).matches.empty());
}

TEST(Alignment, AnInsertedOrMissingKeyLeavesTheRestMatched) {
  Keys a{1, 2, 3, 4, 5}, b{1, 2, 9, 3, 4, 5};
  EXPECT_EQ(align(a, b).matches, (std::vector<Match>{{0, 0, 2}, {2, 3, 3}}));
  EXPECT_EQ(align(b, a).matches, (std::vector<Match>{{0, 0, 2}, {3, 2, 3}}));
}

TEST(Alignment, NothingInCommon) {
  Keys a{1, 2, 3}, b{4, 5};
  EXPECT_TRUE(align(a, b).matches.empty());
}

TEST(Alignment, FindsALongestCommonSubsequence) {
  std::mt19937_64 rng(42);
  for (int round = 0; round < 500; round++) {
    Keys a(rng() % 40), b(rng() % 40);
    uint64_t alphabet = 1 + rng() % 6;
    for (auto& k : a) k = rng() % alphabet;
    for (auto& k : b) k = rng() % alphabet;
    Alignment al = align(a, b);
    SCOPED_TRACE(round);
    expect_valid(al, a, b);
    EXPECT_FALSE(al.coarse);
    EXPECT_EQ(al.matched(), lcs_length(a, b));
  }
}

// A sequence of distinct keys with a few changes: inserted, deleted, replaced.
std::pair<Keys, Keys> edited(size_t n, size_t edits, uint64_t seed) {
  std::mt19937_64 rng(seed);
  Keys a(n);
  for (size_t i = 0; i < n; i++) a[i] = i;
  Keys b = a;
  for (size_t e = 0; e < edits; e++) {
    size_t at = rng() % b.size();
    switch (rng() % 3) {
      case 0: b.insert(b.begin() + static_cast<ptrdiff_t>(at), 1'000'000'000 + e); break;
      case 1: b.erase(b.begin() + static_cast<ptrdiff_t>(at)); break;
      default: b[at] = 2'000'000'000 + e;
    }
  }
  return {a, b};
}

TEST(Alignment, OverBudgetItIsCoarseButStillACommonSubsequence) {
  auto [a, b] = edited(20000, 300, 7);
  Alignment exact = align(a, b);
  EXPECT_FALSE(exact.coarse);
  Alignment coarse = align(a, b, {.budget = 1000});
  EXPECT_TRUE(coarse.coarse);
  expect_valid(coarse, a, b);
  // Anchored on the keys each side has once: nearly as good as exact here.
  EXPECT_GE(coarse.matched() + 50, exact.matched());
}

TEST(Alignment, NoAnchorsFallsBackToPositions) {
  Keys a{1, 2, 1, 2, 7, 1}, b{2, 1, 2, 1, 7, 2};
  Alignment al = align(a, b, {.budget = 1});
  expect_valid(al, a, b);
  EXPECT_TRUE(al.coarse);
}

TEST(Alignment, AMillionElementsWithAFewEditsIsQuick) {
  auto [a, b] = edited(1'000'000, 20, 3);
  auto start = std::chrono::steady_clock::now();
  Alignment al = align(a, b);
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_FALSE(al.coarse);
  expect_valid(al, a, b);
  EXPECT_GE(al.matched(), 1'000'000u - 20);
  EXPECT_LT(seconds, 5.0);
}

TEST(Alignment, TwoMillionUnrelatedElementsStayWithinTheBudget) {
  std::mt19937_64 rng(5);
  Keys a(1'000'000), b(1'000'000);
  for (auto& k : a) k = rng();
  for (auto& k : b) k = rng();
  auto start = std::chrono::steady_clock::now();
  Alignment al = align(a, b);
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_TRUE(al.coarse);
  EXPECT_TRUE(al.matches.empty());
  EXPECT_LT(seconds, 20.0);
}

// --- values ---------------------------------------------------------------------

Json bytes(std::string_view s) { return Json::binary(std::vector<uint8_t>(s.begin(), s.end())); }

TEST(ValueHash, EqualValuesHashTheSame) {
  EXPECT_EQ(value_hash(Json(1)), value_hash(Json(1u)));
  EXPECT_EQ(value_hash(Json(1)), value_hash(Json(1.0)));
  EXPECT_EQ(value_hash(Json(-3)), value_hash(Json(-3.0)));
  EXPECT_EQ(value_hash(Json::parse(R"({"a":[1,"x",null]})")), value_hash(Json::parse(R"({"a":[1,"x",null]})")));
  EXPECT_NE(value_hash(Json("x")), value_hash(Json("y")));
  EXPECT_NE(value_hash(Json("ab")), value_hash(bytes("ab")));  // a string is not bytes
  EXPECT_NE(value_hash(Json::parse("[[1],2]")), value_hash(Json::parse("[1,[2]]")));
  EXPECT_NE(value_hash(Json(1)), value_hash(Json(-1)));
  EXPECT_NE(value_hash(bytes("12345678a")), value_hash(bytes("12345678b")));
}

TEST(ValueDiff, EqualValuesHaveNoDifference) {
  EXPECT_FALSE(first_difference(Json::parse(R"([{"ok":[1,2]}])"), Json::parse(R"([{"ok":[1,2]}])"), "results"));
  EXPECT_FALSE(first_difference(Json(1), Json(1u), "x"));
}

TEST(ValueDiff, NamesThePathOfTheFirstDifference) {
  Json a = Json::parse(R"([{"ok":[{"name":"a"},{"name":"b"},{"name":"c","size":1}]}])");
  Json b = Json::parse(R"([{"ok":[{"name":"a"},{"name":"b"},{"name":"C","size":2}]}])");
  auto d = first_difference(a, b, "results");
  ASSERT_TRUE(d);
  EXPECT_EQ(d->path, "results[0].ok[2].name");
  EXPECT_EQ(d->a, "\"c\"");
  EXPECT_EQ(d->b, "\"C\"");
  EXPECT_FALSE(d->offset);
}

TEST(ValueDiff, AnItemOnlyOneSideHas) {
  auto d = first_difference(Json::parse(R"([["x","y"]])"), Json::parse(R"([["x","y","z"]])"), "results");
  ASSERT_TRUE(d);
  EXPECT_EQ(d->path, "results[0][2]");
  EXPECT_FALSE(d->a);
  EXPECT_EQ(d->b, "\"z\"");
}

TEST(ValueDiff, AnotherVariantCaseIsTheWholeValue) {
  auto d = first_difference(Json::parse(R"({"ok":3})"), Json::parse(R"({"err":"access"})"), "results[0]");
  ASSERT_TRUE(d);
  EXPECT_EQ(d->path, "results[0]");
  EXPECT_EQ(d->a, R"({"ok":3})");
  EXPECT_EQ(d->b, R"({"err":"access"})");
}

TEST(ValueDiff, AFieldOnlyOneSideHas) {
  auto d = first_difference(Json::parse(R"({"a":1,"b":2})"), Json::parse(R"({"a":1,"c":2})"), "x");
  ASSERT_TRUE(d);
  EXPECT_EQ(d->path, "x.b");
  EXPECT_EQ(d->a, "2");
  EXPECT_FALSE(d->b);
}

TEST(ValueDiff, OtherTypesAreTheWholeValue) {
  auto d = first_difference(Json::parse(R"([1])"), Json::parse(R"(["1"])"), "args");
  ASSERT_TRUE(d);
  EXPECT_EQ(d->path, "args[0]");
  EXPECT_EQ(d->a, "1");
  EXPECT_EQ(d->b, "\"1\"");
}

TEST(ValueDiff, BytesPartAtAnOffsetShownWithContext) {
  Json a = Json::array({Json{{"handle", 2}}, bytes("argc: 3\narg[1]: X\narg[2]: b c\n")});
  Json b = Json::array({Json{{"handle", 2}}, bytes("argc: 3\narg[1]: a\narg[2]: b c\n")});
  auto d = first_difference(a, b, "args");
  ASSERT_TRUE(d);
  EXPECT_EQ(d->path, "args[1]");
  EXPECT_EQ(d->offset, 16u);
  EXPECT_EQ(d->a_size, 30u);
  EXPECT_EQ(d->b_size, 30u);
  EXPECT_EQ(d->a, "...b\"arg[1]: X\\narg[2]: b c\\n\"");
  EXPECT_EQ(d->b, "...b\"arg[1]: a\\narg[2]: b c\\n\"");
}

TEST(ValueDiff, BytesWhereTheShorterEnds) {
  BytesDifference d = bytes_difference("hello", "hello world, and more of it");
  EXPECT_EQ(d.offset, 5u);
  EXPECT_EQ(d.a, "b\"hello\"");
  EXPECT_EQ(d.b, "b\"hello world, and more\"...");
  BytesDifference hex = bytes_difference(std::string("\x00\x01\x02", 3), std::string("\x00\x01\x03", 3));
  EXPECT_EQ(hex.offset, 2u);
  EXPECT_EQ(hex.a, "x\"000102\"");
}

TEST(ValueDiff, OddKeysAreQuotedInThePath) {
  auto d = first_difference(Json{{"a b", 1}}, Json{{"a b", 2}}, "x");
  ASSERT_TRUE(d);
  EXPECT_EQ(d->path, "x[\"a b\"]");
}

TEST(ValueDiff, ShortReadableCutsOnACharacterBoundary) {
  std::string s = short_readable(Json(std::string(300, 'x')), 10);
  EXPECT_EQ(s, "\"xxxxxxxxx...");
  std::string u = short_readable(Json("\"" + std::string(10, '\xc3') + "\xa9"), 4);  // invalid, escaped: ASCII
  EXPECT_LE(u.size(), 7u);
  std::string e = short_readable(Json("ééééé"), 4);
  EXPECT_EQ(e, "\"é...");
}

// --- events -----------------------------------------------------------------------

Event call(std::string fn, Json args, Json results = Json::array()) {
  Event e;
  e.fn = std::move(fn);
  e.args = std::move(args);
  e.results = std::move(results);
  return e;
}

// Function ids must be shared: digest both from one table.
std::pair<EventDigests, EventDigests> digests(const std::vector<Event>& a, const std::vector<Event>& b) {
  std::map<std::string, uint32_t> ids;
  auto one = [&](const std::vector<Event>& events) {
    EventDigests d;
    for (const auto& e : events) d.add(e, ids.try_emplace(e.fn, static_cast<uint32_t>(ids.size())).first->second);
    return d;
  };
  EventDigests da = one(a);
  EventDigests db = one(b);
  return {da, db};
}

std::vector<Event> hello_events() {
  return {call("get-arguments", Json::array(), Json::array({Json::array({"hello.wasm", "x"})})),
          call("get-stdout", Json::array(), Json::array({Json{{"handle", 2}}})),
          call("write", Json::array({Json{{"handle", 2}}, bytes("hello\n")}), Json::array({Json{{"ok", nullptr}}})),
          call("write", Json::array({Json{{"handle", 2}}, bytes("arg: x\n")}), Json::array({Json{{"ok", nullptr}}}))};
}

TEST(EventDiff, IdenticalTracesHaveNoStretch) {
  auto [a, b] = digests(hello_events(), hello_events());
  EventDiff d = diff_events(a, b);
  EXPECT_TRUE(d.ops.empty());
  EXPECT_TRUE(d.stretches.empty());
}

TEST(EventDiff, ChangedResultsAndChangedArgumentsAreChangedCalls) {
  auto other = hello_events();
  other[0].results[0][1] = "y";
  other[3].args[1] = bytes("arg: y\n");
  auto [a, b] = digests(hello_events(), other);
  EventDiff d = diff_events(a, b);
  using K = EventOp::Kind;
  EXPECT_EQ(d.ops, (std::vector<EventOp>{{K::Changed, 0, 0}, {K::Changed, 3, 3}}));
  ASSERT_EQ(d.stretches.size(), 2u);
  EXPECT_EQ(d.stretches[1].a_first, 3u);
  EXPECT_EQ(d.stretches[1].a_count, 1u);
  EXPECT_EQ(d.stretches[1].first_op, 1u);
  EXPECT_EQ(d.stretches[1].op_count, 1u);
}

TEST(EventDiff, AnInsertedCallIsOnlyInB) {
  auto other = hello_events();
  other.insert(other.begin() + 2, call("get-stderr", Json::array(), Json::array({Json{{"handle", 3}}})));
  auto [a, b] = digests(hello_events(), other);
  EventDiff d = diff_events(a, b);
  using K = EventOp::Kind;
  EXPECT_EQ(d.ops, (std::vector<EventOp>{{K::OnlyB, 0, 2}}));
  ASSERT_EQ(d.stretches.size(), 1u);
  const Stretch& s = d.stretches[0];
  EXPECT_EQ(s.a_first, 2u);
  EXPECT_EQ(s.a_count, 0u);
  EXPECT_EQ(s.b_first, 2u);
  EXPECT_EQ(s.b_count, 1u);
}

TEST(EventDiff, AMissingCallIsOnlyInA) {
  auto other = hello_events();
  other.erase(other.begin() + 1);
  auto [a, b] = digests(hello_events(), other);
  EventDiff d = diff_events(a, b);
  using K = EventOp::Kind;
  EXPECT_EQ(d.ops, (std::vector<EventOp>{{K::OnlyA, 1, 0}}));
}

TEST(EventDiff, AdjacentDifferencesAreOneStretch) {
  auto other = hello_events();
  other[2].args[1] = bytes("HELLO\n");
  other[3].results[0] = Json{{"err", "closed"}};
  other.push_back(call("exit", Json::array({Json{{"err", nullptr}}})));
  other.back().exit = 1;
  auto [a, b] = digests(hello_events(), other);
  EventDiff d = diff_events(a, b);
  using K = EventOp::Kind;
  EXPECT_EQ(d.ops, (std::vector<EventOp>{{K::Changed, 2, 2}, {K::Changed, 3, 3}, {K::OnlyB, 0, 4}}));
  ASSERT_EQ(d.stretches.size(), 1u);
  EXPECT_EQ(d.stretches[0].a_count, 2u);
  EXPECT_EQ(d.stretches[0].b_count, 3u);
}

TEST(EventDiff, OutcomesCount) {
  Event a = call("f", Json::array());
  a.exit = 0;
  Event b = a;
  b.exit = 1;
  Event c = call("f", Json::array());
  c.trap = "unreachable";
  EXPECT_EQ(event_hashes(a).call, event_hashes(b).call);
  EXPECT_NE(event_hashes(a).whole, event_hashes(b).whole);
  EXPECT_NE(event_hashes(a).whole, event_hashes(c).whole);
  EXPECT_NE(event_hashes(call("f", Json::array({1}))).call, event_hashes(call("g", Json::array({1}))).call);
}

}  // namespace
}  // namespace wasmrr::trace
