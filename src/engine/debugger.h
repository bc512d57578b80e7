// The engine's debugger: breakpoints at code offsets, stepping, and the live
// guest frames with their locals, for `wasm-rr debug`. Only an engine made
// with EngineOptions::debug has one (Engine::debugger()); its code is
// compiled for debugging (slower), which run, record and replay never pay.
// The SpiderMonkey implementation drives SpiderMonkey's Debugger API
// (sm_debugger.cpp); nothing of it shows here.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "engine/engine.h"
#include "util/core_val.h"
#include "util/result.h"

namespace wasmrr::engine {

// A guest frame while the guest is paused, innermost first.
struct DebugFrame {
  Frame where;                  // module, function index and name, offset of the instruction to run next
  std::vector<CoreType> local_types;  // the function's params, then its declared locals
  std::vector<CoreVal> locals;        // their values now (an i64 beyond 2^53 may be rounded: the engine's limit)
};

struct Pause {
  enum class Reason { Breakpoint, Step };
  Reason reason = Reason::Step;
  std::vector<int> breakpoints;  // Reason::Breakpoint: those at this instruction
};

class DebugListener {
 public:
  virtual ~DebugListener() = default;
  // The guest is paused: at a breakpoint or where a step ended. The
  // debugger's queries work here. Returning resumes the guest (with whatever
  // step was armed meanwhile); throwing ends the guest's call, and the
  // exception comes out of the Func::call that runs the guest, as a host
  // function's does.
  virtual void paused(const Pause& pause) = 0;
};

// Where a step ends: at the next instruction of any frame (Into), of the
// innermost frame or a caller once it returns (Over), or of a caller once
// the innermost frame returns (Out). Steps are instruction by instruction;
// source-line stepping is the caller's loop over them.
enum class StepMode { Into, Over, Out };

class Debugger {
 public:
  virtual ~Debugger() = default;
  virtual void set_listener(DebugListener* listener) = 0;

  // Pauses whenever the instruction at byte `offset` of `module` is about to
  // run, in every instance of the module, present and future. Fails if the
  // offset is not in a function body; one in the body's local declarations
  // (where DWARF starts a function) means its first instruction.
  virtual Result<int> add_breakpoint(const Module& module, uint32_t offset) = 0;
  virtual void remove_breakpoint(int id) = 0;
  // The functions of `module` with a name (name section): each name and the
  // offset of its body's first instruction.
  virtual std::vector<std::pair<std::string, uint32_t>> functions(const Module& module) = 0;

  // While the guest is paused (in DebugListener::paused) or in a host call:
  // its frames, innermost first. Empty outside wasm.
  virtual std::vector<DebugFrame> frames() = 0;
  // The same, cheaply, for the innermost frame only: where it is and how
  // many guest frames there are (nullopt: none). What a step loop asks at
  // every instruction.
  struct Where {
    Frame frame;
    size_t depth = 0;
  };
  virtual std::optional<Where> where() = 0;

  // Arms a step from the innermost guest frame, taking effect when the guest
  // resumes; false if there is no guest frame. A pause ends it. Into without
  // a frame pauses at the first instruction the guest runs next. An
  // instruction with a breakpoint pauses once, as the breakpoint.
  virtual bool step(StepMode mode) = 0;
  virtual void cancel_step() = 0;

  // Pauses (as a step) at the first instruction of the next function that
  // runs, in any instance made so far or later: a breakpoint on every
  // function's start while armed, which a pause or cancel_step removes.
  // Step Into without a frame does the same, but leaves SpiderMonkey's later
  // calls slow (once onEnterFrame has been set, wasm calls to the host stay
  // some 15 times slower); this leaves the code as fast as it was. Unlike
  // Step Into, it does not see code a core start function runs while its
  // instance is made.
  virtual void break_on_next_call() = 0;

  // SpiderMonkey 102 honours breakpoints on instances made since the last
  // pause only once the debugger has looked at the live guest frames (found
  // by experiment); call this from a host call early in a run. It makes
  // those frames observed, which slows them until they return — as a pause
  // slows the frames it stops.
  virtual void look() = 0;
};

}  // namespace wasmrr::engine
