// engine/debugger.h on SpiderMonkey: breakpoints at code offsets, frames
// with their locals, steps into, over and out, and a listener that abandons
// the guest — on tests/unit/data/engine/debuggee.wat (offsets as
// `wasm-objdump -d debuggee.wasm` shows them).
#include <gtest/gtest.h>

#include <fstream>
#include <functional>
#include <variant>
#include <iterator>
#include <map>

#include "engine/debugger.h"
#include "engine/engine.h"
#include "util/trap.h"

namespace wasmrr::engine {
namespace {

using T = CoreType;

// Offsets in debuggee.wasm.
constexpr uint32_t kSquareBody = 0x36;   // square: local.get $x
constexpr uint32_t kCallTick = 0x4d;     // run: call $tick
constexpr uint32_t kAfterTick = 0x4f;    // run: local.get $sum, after the call
constexpr uint32_t kCallSquare = 0x53;   // run: call $square
constexpr uint32_t kAfterSquare = 0x55;  // run: i32.add

struct Recorder final : DebugListener {
  std::function<void(const Pause&)> on_pause;
  void paused(const Pause& p) override { on_pause(p); }
};

class EngineDebuggerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto e = create_engine({.max_memory_pages = std::nullopt, .debug = true});
    ASSERT_TRUE(e.ok()) << e.error().message;
    engine = std::move(*e);
    ASSERT_NE(engine->debugger(), nullptr);
    std::ifstream in(std::string(WASMRR_TEST_DATA_DIR) + "/engine/debuggee.wasm", std::ios::binary);
    std::vector<uint8_t> bytes{std::istreambuf_iterator<char>(in), {}};
    auto m = engine->compile(bytes);
    ASSERT_TRUE(m.ok()) << m.error().message;
    module = *m;
    auto tick = engine->host_function({{T::I32}, {}}, [this](auto args, auto) { on_tick(args[0].as_i32()); }, "tick");
    auto i = engine->instantiate(module, {{"host", "tick", tick}});
    ASSERT_TRUE(i.ok()) << i.error().message;
    instance = *i;
    engine->debugger()->set_listener(&listener);
  }
  void TearDown() override {
    instance.reset();
    module.reset();
    engine.reset();
  }

  Debugger& debugger() { return *engine->debugger(); }
  const DebugFrame innermost() {
    auto frames = debugger().frames();
    EXPECT_FALSE(frames.empty());
    return frames.empty() ? DebugFrame{} : frames.front();
  }
  // Runs run(n); returns its result or the call's error message.
  std::variant<int32_t, std::string> run(int32_t n) {
    auto f = std::static_pointer_cast<Func>(instance->get_export("run"));
    CoreVal args[1] = {CoreVal::i32(n)};
    CoreVal results[1];
    Func::CallError error;
    if (!f->call(args, results, &error)) {
      if (error.host_exception) {
        try {
          std::rethrow_exception(error.host_exception);
        } catch (const std::exception& e) {
          return std::string("host: ") + e.what();
        }
      }
      return error.message;
    }
    return results[0].as_i32();
  }

  std::unique_ptr<Engine> engine;
  std::shared_ptr<Module> module;
  std::shared_ptr<Instance> instance;
  Recorder listener;
  std::function<void(int32_t)> on_tick = [](int32_t) {};
};

TEST_F(EngineDebuggerTest, ABreakpointPausesEveryTimeWithTheLocalsOfThatMoment) {
  auto id = debugger().add_breakpoint(*module, kAfterTick);
  ASSERT_TRUE(id.ok()) << id.error().message;
  std::vector<std::pair<int32_t, int32_t>> seen;  // (i, sum) at each hit
  listener.on_pause = [&](const Pause& p) {
    EXPECT_EQ(p.reason, Pause::Reason::Breakpoint);
    EXPECT_EQ(p.breakpoints, std::vector<int>{*id});
    DebugFrame f = innermost();
    EXPECT_EQ(f.where.module, module.get());
    EXPECT_EQ(f.where.offset, kAfterTick);
    EXPECT_EQ(f.where.function_name, "run");
    EXPECT_EQ(f.where.function_index, 2u);
    ASSERT_EQ(f.local_types.size(), 3u);  // $n, $i, $sum
    seen.emplace_back(f.locals[1].as_i32(), f.locals[2].as_i32());
  };
  EXPECT_EQ(std::get<int32_t>(run(4)), 0 + 1 + 4 + 9);
  std::vector<std::pair<int32_t, int32_t>> want = {{0, 0}, {1, 0}, {2, 1}, {3, 5}};
  EXPECT_EQ(seen, want);

  debugger().remove_breakpoint(*id);
  seen.clear();
  EXPECT_EQ(std::get<int32_t>(run(4)), 14);
  EXPECT_TRUE(seen.empty());
}

TEST_F(EngineDebuggerTest, TwoBreakpointsAtOneInstructionPauseOnceWithBoth) {
  auto a = debugger().add_breakpoint(*module, kAfterTick);
  auto b = debugger().add_breakpoint(*module, kAfterTick);
  ASSERT_TRUE(a.ok() && b.ok());
  std::vector<std::vector<int>> pauses;
  listener.on_pause = [&](const Pause& p) { pauses.push_back(p.breakpoints); };
  run(2);
  EXPECT_EQ(pauses, (std::vector<std::vector<int>>{{*a, *b}, {*a, *b}}));
  debugger().remove_breakpoint(*a);
  pauses.clear();
  run(1);
  EXPECT_EQ(pauses, (std::vector<std::vector<int>>{{*b}}));
}

TEST_F(EngineDebuggerTest, FunctionsAreListedByNameWithTheirFirstInstruction) {
  auto fns = debugger().functions(*module);
  std::map<std::string, uint32_t> by_name(fns.begin(), fns.end());
  EXPECT_EQ(by_name["square"], kSquareBody);
  EXPECT_EQ(by_name["run"], 0x40u);
  EXPECT_EQ(by_name.count("tick"), 0u);  // an import has no body
}

TEST_F(EngineDebuggerTest, BreakpointsOutsideCodeAreRefused) {
  EXPECT_FALSE(debugger().add_breakpoint(*module, 3).ok());
  EXPECT_FALSE(debugger().add_breakpoint(*module, 100000).ok());
}

TEST_F(EngineDebuggerTest, StepsGoIntoOverAndOutOfACall) {
  ASSERT_TRUE(debugger().add_breakpoint(*module, kCallSquare).ok());
  std::vector<uint32_t> stops;
  std::vector<StepMode> plan = {StepMode::Into, StepMode::Out, StepMode::Over};
  listener.on_pause = [&](const Pause&) {
    stops.push_back(innermost().where.offset);
    auto where = debugger().where();
    ASSERT_TRUE(where);
    EXPECT_EQ(where->frame.offset, stops.back());
    EXPECT_EQ(where->depth, stops.size() == 2 ? 2u : 1u);  // in square, under run
    if (stops.size() <= plan.size()) {
      EXPECT_TRUE(debugger().step(plan[stops.size() - 1]));
    }
  };
  run(1);
  // The breakpoint at the call; into square; out to after the call; over to the next instruction.
  ASSERT_GE(stops.size(), 4u);
  EXPECT_EQ(stops[0], kCallSquare);
  EXPECT_EQ(stops[1], kSquareBody);
  EXPECT_EQ(stops[2], kAfterSquare);
  EXPECT_GT(stops[3], kAfterSquare);
  EXPECT_EQ(stops.size(), 4u);
}

TEST_F(EngineDebuggerTest, StepOverACallStopsInTheSameFrame) {
  ASSERT_TRUE(debugger().add_breakpoint(*module, kCallSquare).ok());
  std::vector<uint32_t> stops;
  listener.on_pause = [&](const Pause&) {
    stops.push_back(innermost().where.offset);
    if (stops.size() == 1) debugger().step(StepMode::Over);
  };
  run(1);
  ASSERT_EQ(stops.size(), 2u);
  EXPECT_EQ(stops[1], kAfterSquare);
}

TEST_F(EngineDebuggerTest, FramesAndStepsWorkFromAHostCall) {
  std::vector<uint32_t> stops;
  on_tick = [&](int32_t i) {
    if (i != 1) return;
    auto frames = debugger().frames();
    ASSERT_EQ(frames.size(), 1u);
    EXPECT_EQ(frames[0].where.offset, kCallTick);
    EXPECT_EQ(frames[0].locals[1].as_i32(), 1);
    EXPECT_TRUE(debugger().step(StepMode::Over));
  };
  listener.on_pause = [&](const Pause& p) {
    EXPECT_EQ(p.reason, Pause::Reason::Step);
    stops.push_back(innermost().where.offset);
  };
  EXPECT_EQ(std::get<int32_t>(run(3)), 5);
  EXPECT_EQ(stops, std::vector<uint32_t>{kAfterTick});
}

TEST_F(EngineDebuggerTest, AListenerThatThrowsAbandonsTheGuestAndTheEngineGoesOn) {
  ASSERT_TRUE(debugger().add_breakpoint(*module, kAfterTick).ok());
  int hits = 0;
  listener.on_pause = [&](const Pause&) {
    if (++hits == 2) throw Abort("restart");
  };
  std::variant<int32_t, std::string> r = run(4);
  ASSERT_TRUE(std::holds_alternative<std::string>(r));
  EXPECT_EQ(std::get<std::string>(r), "host: restart");
  EXPECT_EQ(hits, 2);
  // The same instance runs again, breakpoints still set.
  hits = 10;
  EXPECT_EQ(std::get<int32_t>(run(2)), 1);
  EXPECT_EQ(hits, 12);
}

TEST_F(EngineDebuggerTest, BreakpointsReachInstancesMadeLater) {
  ASSERT_TRUE(debugger().add_breakpoint(*module, kSquareBody).ok());
  auto tick = engine->host_function({{T::I32}, {}}, [](auto, auto) {}, "tick");
  auto second = engine->instantiate(module, {{"host", "tick", tick}});
  ASSERT_TRUE(second.ok());
  instance = *second;
  int hits = 0;
  listener.on_pause = [&](const Pause&) { hits++; };
  run(3);
  EXPECT_EQ(hits, 3);
}

TEST_F(EngineDebuggerTest, AStepOntoABreakpointPausesOnceAsTheBreakpoint) {
  auto id = debugger().add_breakpoint(*module, kAfterSquare);
  ASSERT_TRUE(id.ok());
  std::vector<std::pair<Pause::Reason, uint32_t>> stops;
  listener.on_pause = [&](const Pause& p) {
    stops.emplace_back(p.reason, innermost().where.offset);
    if (stops.size() == 1) debugger().step(StepMode::Over);
  };
  ASSERT_TRUE(debugger().add_breakpoint(*module, kCallSquare).ok());
  run(1);
  ASSERT_EQ(stops.size(), 2u);
  EXPECT_EQ(stops[1], std::make_pair(Pause::Reason::Breakpoint, kAfterSquare));
}

TEST_F(EngineDebuggerTest, StepIntoWithoutAFramePausesAtTheFirstInstruction) {
  std::vector<uint32_t> stops;
  listener.on_pause = [&](const Pause&) { stops.push_back(innermost().where.offset); };
  EXPECT_FALSE(debugger().step(StepMode::Over));
  EXPECT_TRUE(debugger().step(StepMode::Into));
  run(1);
  EXPECT_EQ(stops, std::vector<uint32_t>{0x40});  // run's `block`, after its local declarations
}

// The debugger's way back: a run abandoned from a step, then a fresh instance
// run again with its breakpoints, at full speed (observed afresh).
TEST_F(EngineDebuggerTest, BreakpointsHitAgainInANewInstanceAfterARunAbandonedFromAStep) {
  ASSERT_TRUE(debugger().add_breakpoint(*module, kAfterTick).ok());
  int pauses = 0;
  listener.on_pause = [&](const Pause& p) {
    ++pauses;
    if (p.reason == Pause::Reason::Step) throw Abort("restart");
  };
  EXPECT_TRUE(debugger().step(StepMode::Into));
  ASSERT_TRUE(std::holds_alternative<std::string>(run(3)));
  EXPECT_EQ(pauses, 1);
  debugger().cancel_step();
  auto tick = engine->host_function({{T::I32}, {}}, [](auto, auto) {}, "tick");
  auto again = engine->instantiate(module, {{"host", "tick", tick}});
  ASSERT_TRUE(again.ok());
  instance = *again;
  pauses = 0;
  EXPECT_EQ(std::get<int32_t>(run(3)), 5);
  EXPECT_EQ(pauses, 3);
}

// As a debug session starts: paused at the first instruction, resumed (the
// debuggee observed afresh, its frames live), a breakpoint, the run abandoned
// there, then a new instance: the breakpoint again.
TEST_F(EngineDebuggerTest, BreakpointsHitInANewInstanceAfterAnEntryStop) {
  int steps = 0, hits = 0;
  listener.on_pause = [&](const Pause& p) {
    if (p.reason == Pause::Reason::Step) {
      steps++;
      ASSERT_TRUE(debugger().add_breakpoint(*module, kAfterTick).ok());
      return;
    }
    if (++hits == 2) throw Abort("restart");
  };
  EXPECT_TRUE(debugger().step(StepMode::Into));
  ASSERT_TRUE(std::holds_alternative<std::string>(run(3)));
  EXPECT_EQ(steps, 1);
  EXPECT_EQ(hits, 2);
  debugger().cancel_step();
  auto tick = engine->host_function({{T::I32}, {}}, [](auto, auto) {}, "tick");
  auto again = engine->instantiate(module, {{"host", "tick", tick}});
  ASSERT_TRUE(again.ok());
  instance = *again;
  hits = 0;
  EXPECT_TRUE(std::holds_alternative<std::string>(run(3)));  // the second hit abandons this run too
  EXPECT_EQ(hits, 2);
}

// An instance made while a step into calls had the debuggee observed, then
// at rest: breakpoints set before and after still pause.
TEST_F(EngineDebuggerTest, AnInstanceMadeWhileObservedKeepsItsBreakpointsAtRest) {
  int steps = 0, hits = 0;
  listener.on_pause = [&](const Pause& p) { (p.reason == Pause::Reason::Step ? steps : hits)++; };
  EXPECT_TRUE(debugger().step(StepMode::Into));
  ASSERT_TRUE(debugger().add_breakpoint(*module, kAfterTick).ok());
  run(1);  // the step pauses first, the breakpoint next
  EXPECT_EQ(steps, 1);
  EXPECT_EQ(hits, 1);
  auto tick = engine->host_function({{T::I32}, {}}, [](auto, auto) {}, "tick");
  auto made = engine->instantiate(module, {{"host", "tick", tick}});
  ASSERT_TRUE(made.ok());
  instance = *made;
  hits = 0;
  run(3);
  EXPECT_EQ(hits, 3);
}

TEST_F(EngineDebuggerTest, BreakOnNextCallPausesAtTheFirstFunctionThatRuns) {
  std::vector<uint32_t> stops;
  listener.on_pause = [&](const Pause& p) {
    EXPECT_EQ(p.reason, Pause::Reason::Step);
    stops.push_back(innermost().where.offset);
  };
  debugger().break_on_next_call();
  run(2);
  EXPECT_EQ(stops, std::vector<uint32_t>{0x40});  // run's first instruction, and only once
  stops.clear();
  run(2);
  EXPECT_TRUE(stops.empty());
  debugger().break_on_next_call();
  debugger().cancel_step();
  run(2);
  EXPECT_TRUE(stops.empty());
}

TEST(EngineWithoutDebug, HasNoDebugger) {
  auto e = create_engine();
  ASSERT_TRUE(e.ok());
  EXPECT_EQ((*e)->debugger(), nullptr);
}

}  // namespace
}  // namespace wasmrr::engine
