// Component instantiation: walks a parsed component's definitions in order,
// building the index spaces of Binary.md, instantiating core modules on the
// engine, and wiring canon lift/lower trampolines. Host imports are bound by
// name through a HostRegistry and every call to them goes through a
// CallInterposer (the record/replay boundary).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "abi/canonical.h"
#include "component/ast.h"
#include "engine/engine.h"
#include "runtime/host.h"
#include "util/result.h"

namespace wasmrr::runtime {

struct InstantiateOptions {
  // When true (run, record), every imported function must have a host
  // implementation; missing ones are reported by name before the guest runs.
  // Replay sets it to false: the trace answers the calls.
  bool require_host_impl = true;
  // Live handles per component instance (abi::HandleTable::set_max_live).
  size_t max_handles = abi::HandleTable::kDefaultMaxLive;
};

// How a guest run ended, as the CLI reports it.
struct Outcome {
  enum class Kind { Exited, Trapped };
  Kind kind = Kind::Exited;
  int exit_status = 0;                 // Exited
  std::string trap_message;            // Trapped
  std::vector<std::string> backtrace;  // Trapped: guest frames, innermost first
};

class ComponentInstance;  // defined in instance.cpp

class Runtime {
 public:
  Runtime(engine::Engine& engine, const HostRegistry& host, CallInterposer& interposer);
  ~Runtime();

  // Instantiates the root component. Errors name what failed (a missing
  // import, an index out of range, a core link error, ...).
  Result<void> instantiate(std::shared_ptr<const component::Component> component,
                           const InstantiateOptions& options = {});

  // The names of the host functions the component imports (full names),
  // available after instantiate().
  const std::vector<std::string>& imported_function_names() const;

  // Calls the exported `wasi:cli/run@0.2.x#run` and reports how the guest ended.
  Result<Outcome> run_command();

  // Calls any exported function: `instance_export` may be empty for a
  // function exported directly by the root component.
  Result<Values> call_export(const std::string& instance_export, const std::string& func, Values args);

  struct State;

 private:
  std::unique_ptr<State> state_;
};

}  // namespace wasmrr::runtime
