// Fault selections, plans, the fault injector over a registry, and the
// seeded world's virtual time.
#include <gtest/gtest.h>

#include "rr/fault_injector.h"
#include "rr/faults.h"
#include "wasi/common/virtual_time.h"
#include "wasi/io/pollable.h"

namespace wasmrr {
namespace {

using abi::Kind;
using abi::Type;
using abi::Value;
using runtime::Values;

constexpr std::string_view kWorld[] = {"clock-jump"};

TEST(FaultSpec, ParsesKindsFiltersAndRates) {
  auto spec = rr::parse_fault_spec("err@wasi:filesystem=0.5,short,clock-jump=1", kWorld);
  ASSERT_TRUE(spec) << spec.error().message;
  ASSERT_EQ(spec->rules.size(), 3u);
  EXPECT_EQ(spec->rules[0].kind, "err");
  EXPECT_EQ(spec->rules[0].filter, "wasi:filesystem");
  EXPECT_DOUBLE_EQ(spec->rules[0].rate, 0.5);
  EXPECT_DOUBLE_EQ(spec->rules[1].rate, 0.05);
  EXPECT_EQ(spec->rules[2].kind, "clock-jump");
  EXPECT_TRUE(spec->rules[0].matches("wasi:filesystem/types#[method]descriptor.read"));
  EXPECT_FALSE(spec->rules[0].matches("wasi:io/streams#[method]input-stream.read"));
  auto all = rr::parse_fault_spec("all@wasi:io/*read=0.2", kWorld);
  ASSERT_TRUE(all);
  EXPECT_EQ(all->rules.size(), 4u);
  EXPECT_TRUE(all->rules[0].matches("wasi:io/streams#[method]input-stream.blocking-read"));
  EXPECT_FALSE(all->rules[0].matches("wasi:io/streams#[method]output-stream.write"));
}

TEST(FaultSpec, RefusesWhatIsNotOne) {
  for (const char* bad : {"", "explode", "err=0", "err=1.5", "err=x", "short,,err", "err@x=-1"}) {
    auto spec = rr::parse_fault_spec(bad, kWorld);
    EXPECT_FALSE(spec) << bad;
  }
}

TEST(FaultPlan, RoundTripsThroughJson) {
  rr::FaultPlan plan{{17, "a:b/c#f", "00ff00ff00ff00ff", 2, "short", {{"asked", 10}, {"len", 3}}},
                     {20, "a:b/c#g", "", 0, "err", {{"value", "io"}}}};
  rr::FaultPlan back = rr::fault_plan_from_json(rr::to_json(plan));
  ASSERT_EQ(back.size(), 2u);
  EXPECT_EQ(rr::to_json(back), rr::to_json(plan));
  EXPECT_EQ(rr::describe(back[0]), "event 17  a:b/c#f  short: 10 bytes asked for, 3 given");
  EXPECT_EQ(rr::describe(back[1]), "event 20  a:b/c#g  err(\"io\")");
  EXPECT_THROW(rr::fault_plan_from_json(trace::Json::parse(R"([{"event":1}])")), std::runtime_error);
  EXPECT_THROW(rr::fault_plan_from_json(trace::Json::object()), std::runtime_error);
}

// A host with a read (result<list<u8>, error-enum> taking a u64), a
// poll-shaped function and a function that consumes an own.
struct FakeHost {
  runtime::HostRegistry registry;
  uint64_t reads = 0, last_len = 0;
  abi::TypePtr error = Type::enum_({"io", "busy"});
  abi::ResourceTypePtr res = std::make_shared<abi::ResourceType>();

  FakeHost() {
    auto read_type = std::make_shared<abi::FuncType>();
    read_type->params = {{"len", Type::primitive(Kind::U64)}};
    read_type->results = {{"", Type::result(Type::list(Type::primitive(Kind::U8)), error)}};
    registry.define("t:x/io@1.0.0", "read", [this](Values& args) {
      reads++;
      last_len = args[0].num;
      return Values{Value::ok(Value::byte_list(std::string(args[0].num, 'x')))};
    }, read_type);
    auto poll_type = std::make_shared<abi::FuncType>();
    poll_type->params = {{"in", Type::list(Type::borrow(res))}};
    poll_type->results = {{"", Type::list(Type::primitive(Kind::U32))}};
    registry.define("t:x/io@1.0.0", "poll", [](Values& args) {
      std::vector<Value> all;
      for (uint32_t i = 0; i < args[0].items.size(); i++) all.push_back(Value::u32(i));
      return Values{Value::list(std::move(all))};
    }, poll_type);
    auto finish_type = std::make_shared<abi::FuncType>();
    finish_type->params = {{"body", Type::own(res)}};
    finish_type->results = {{"", Type::result(nullptr, error)}};
    registry.define("t:x/io@1.0.0", "finish", [](Values&) { return Values{Value::ok()}; }, finish_type);
  }
  Values call(const char* func, Values args) { return (*registry.find("t:x/io@1.0.0", func))(args); }
};

rr::FaultSpec spec(const char* text) { return *rr::parse_fault_spec(text, kWorld); }

TEST(FaultInjector, AnswersAResultWithAnErrorOfItsTypeWithoutTheHost) {
  FakeHost h;
  rr::FaultInjector faults(1, spec("err=1"));
  faults.decorate(h.registry);
  Values r = h.call("read", {Value::u64(8)});
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r[0].num, 1u);  // err
  ASSERT_EQ(r[0].items.size(), 1u);
  EXPECT_EQ(r[0].items[0].kind, Kind::Enum);
  EXPECT_LT(r[0].items[0].num, 2u);
  EXPECT_EQ(h.reads, 0u);
  ASSERT_EQ(faults.injected().size(), 1u);
  EXPECT_EQ(faults.injected()[0].fn, "t:x/io#read");
  EXPECT_EQ(faults.injected()[0].event, 0u);
  // A call that takes an own is never skipped: the resource would be lost.
  Values f = h.call("finish", {Value::own(5)});
  EXPECT_EQ(f[0].num, 0u);
  EXPECT_EQ(faults.injected().size(), 1u);
}

TEST(FaultInjector, ShortensWhatAReadAsksFor) {
  FakeHost h;
  rr::FaultInjector faults(2, spec("short=1"));
  faults.decorate(h.registry);
  Values r = h.call("read", {Value::u64(4096)});
  EXPECT_EQ(h.reads, 1u);
  EXPECT_GE(h.last_len, 1u);
  EXPECT_LT(h.last_len, 4096u);
  EXPECT_EQ(r[0].items[0].str.size(), h.last_len);
  ASSERT_EQ(faults.injected().size(), 1u);
  EXPECT_EQ(faults.injected()[0].detail["len"].get<uint64_t>(), h.last_len);
  h.call("read", {Value::u64(1)});  // nothing shorter than 1
  EXPECT_EQ(h.last_len, 1u);
  EXPECT_EQ(faults.injected().size(), 1u);
}

TEST(FaultInjector, ReportsOnePollableOfSeveralReady) {
  FakeHost h;
  rr::FaultInjector faults(3, spec("later=1"));
  faults.decorate(h.registry);
  Values r = h.call("poll", {Value::list({Value::borrow(1), Value::borrow(2), Value::borrow(3)})});
  ASSERT_EQ(r[0].items.size(), 1u);
  EXPECT_LT(r[0].items[0].num, 3u);
  Values one = h.call("poll", {Value::list({Value::borrow(1)})});
  EXPECT_EQ(one[0].items.size(), 1u);
  EXPECT_EQ(faults.injected().size(), 1u);
}

TEST(FaultInjector, APlanGivesTheSameFaultsAtTheSameCalls) {
  FakeHost drawn_host;
  rr::FaultInjector drawn(9, spec("err=0.3,short=0.3"));
  drawn.decorate(drawn_host.registry);
  for (int i = 0; i < 50; i++) drawn_host.call("read", {Value::u64(100)});
  ASSERT_FALSE(drawn.injected().empty());
  FakeHost planned_host;
  rr::FaultInjector planned(drawn.injected());
  planned.decorate(planned_host.registry);
  for (int i = 0; i < 50; i++) planned_host.call("read", {Value::u64(100)});
  EXPECT_EQ(rr::to_json(planned.injected()), rr::to_json(drawn.injected()));
  EXPECT_EQ(planned_host.reads, drawn_host.reads);
}

TEST(FaultInjector, KeepsFaultsByCallSite) {
  // The third read from site B is the third read from there, whatever A did.
  std::string at = "B";
  // B's digest, from a drawn run.
  FakeHost h2;
  rr::FaultInjector drawn(1, spec("err=1"));
  drawn.set_call_site([&] { return std::vector<std::string>{at}; });
  drawn.decorate(h2.registry);
  h2.call("read", {Value::u64(4)});
  std::string site_b = drawn.injected()[0].site;
  ASSERT_FALSE(site_b.empty());
  FakeHost h3;
  rr::FaultInjector planned(rr::FaultPlan{{0, "t:x/io#read", site_b, 2, "err", {{"value", "busy"}}}});
  planned.set_call_site([&] { return std::vector<std::string>{at}; });
  planned.decorate(h3.registry);
  std::vector<uint64_t> outcomes;
  for (const char* where : {"A", "B", "A", "B", "A", "B", "B"}) {
    at = where;
    outcomes.push_back(h3.call("read", {Value::u64(4)})[0].num);
  }
  EXPECT_EQ(outcomes, (std::vector<uint64_t>{0, 0, 0, 0, 0, 1, 0}));
}

TEST(VirtualTime, IsTheSameForTheSameSeedAndAdvancesPerRead) {
  wasi::VirtualTime a(5), b(5), c(6);
  auto ma = a.monotonic_clock(), mb = b.monotonic_clock(), mc = c.monotonic_clock();
  uint64_t first = ma->now();
  EXPECT_EQ(first, mb->now());
  EXPECT_NE(first, mc->now());
  EXPECT_EQ(ma->now(), first + wasi::VirtualTime::kReadStep);
  auto wa = a.wall_clock(), wb = b.wall_clock();
  EXPECT_EQ(wa->now().seconds, wb->now().seconds);
  EXPECT_GE(wa->now().seconds, 1577836800u);  // 2020
  EXPECT_LT(wa->now().seconds, 1893456000u);  // 2030
  EXPECT_TRUE(ma->advance_to(first + 5'000'000'000ull));
  EXPECT_GE(ma->now(), first + 5'000'000'000ull);
  EXPECT_FALSE(wasi::system_monotonic_clock()->advance_to(0));
}

TEST(VirtualTime, WaitsPassAtOnceAndTheWallClockMayJump) {
  wasi::VirtualTime t(1);
  auto mono = t.monotonic_clock();
  uint64_t start = mono->now();
  auto timer = wasi::Pollable::at_deadline(start + 3'600'000'000'000ull);  // an hour
  timer->block(*mono);  // would sleep an hour on a real clock
  EXPECT_GE(mono->now(), start + 3'600'000'000'000ull);
  auto wall = t.wall_clock();
  uint64_t before = wall->now().seconds;
  t.set_wall_jump([] { return int64_t{-7200} * 1'000'000'000; });
  EXPECT_LE(wall->now().seconds + 7199, before);
}

}  // namespace
}  // namespace wasmrr
