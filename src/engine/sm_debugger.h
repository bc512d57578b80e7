// Private to src/engine: the SpiderMonkey implementation of engine/debugger.h
// (sm_debugger.cpp says how it works).
#pragma once

#include <map>
#include <memory>
#include <vector>

#include "engine/debugger.h"
#include "engine/sm_engine.h"

namespace wasmrr::engine::sm {

class SmDebugger final : public Debugger {
 public:
  explicit SmDebugger(SmEngine& engine);
  ~SmDebugger() override;
  // Makes the debugger's global and starts observing `debuggee`: before
  // anything is compiled there, so that all its wasm is debuggable.
  Result<void> init(JS::HandleObject debuggee);

  void set_listener(DebugListener* listener) override { listener_ = listener; }
  Result<int> add_breakpoint(const Module& module, uint32_t offset) override;
  void remove_breakpoint(int id) override;
  std::vector<std::pair<std::string, uint32_t>> functions(const Module& module) override;
  std::vector<DebugFrame> frames() override;
  std::optional<Where> where() override;
  bool step(StepMode mode) override;
  void cancel_step() override;
  void break_on_next_call() override;
  void look() override;

  // The engine compiled code for `owner` as compilation number `compilation`
  // (its URL's number; they come in order); `offset_shift` is what its
  // offsets lack to be the original module's.
  void compiled(size_t compilation, const SmModule& owner, int64_t offset_shift);
  // The glue's call: hands the pause to the listener. false: the guest is to
  // be abandoned (the listener threw; the exception is stashed in the engine).
  bool deliver(const Pause& pause);

 private:
  struct Compilation {
    const SmModule* owner;
    int64_t offset_shift;
  };
  struct Breakpoint {
    const SmModule* module;
    uint32_t offset;  // in the original module
  };
  bool call_glue(const char* name, const JS::HandleValueArray& args, JS::MutableHandleValue result);
  void set_site(int id, size_t compilation, uint32_t offset);
  // A frame from the glue's numbers; `locals` null: without them.
  DebugFrame frame(size_t compilation, uint32_t offset, JS::HandleObject locals) const;

  SmEngine& engine_;
  DebugListener* listener_ = nullptr;
  std::unique_ptr<JS::PersistentRootedObject> global_;
  std::vector<Compilation> compilations_;
  std::map<int, Breakpoint> breakpoints_;
  int next_id_ = 1;
};

}  // namespace wasmrr::engine::sm
