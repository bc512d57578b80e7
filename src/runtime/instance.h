// Component instantiation: walks a parsed component's definitions in order,
// building the index spaces of Binary.md, instantiating core modules on the
// engine, and wiring canon lift/lower trampolines. Host imports are bound by
// name through a HostRegistry and every call to them goes through a
// CallInterposer (the record/replay boundary).
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "abi/canonical.h"
#include "component/ast.h"
#include "engine/engine.h"
#include "runtime/host.h"
#include "runtime/module_cache.h"
#include "util/result.h"

namespace wasmrr::runtime {

struct InstantiateOptions {
  // When true (run, record), every imported function must have a host
  // implementation; missing ones are reported by name before the guest runs.
  // Replay sets it to false: the trace answers the calls. Either way an
  // import whose host function has a type (HostRegistry) must declare that
  // type, or instantiation fails naming both.
  bool require_host_impl = true;
  // Live handles per component instance (abi::HandleTable::set_max_live).
  size_t max_handles = abi::HandleTable::kDefaultMaxLive;
  // Where compiled core modules come from and go: shared with other
  // instantiations on the same engine (translate once, instantiate many).
  // nullptr: this instantiation compiles its own.
  ModuleCache* modules = nullptr;
  // Called once the component is instantiated (its core start functions
  // have run), before any export is: a debugger's passes change gear there.
  std::function<void()> instantiated = nullptr;
};

// How a call into the guest ended: it exited (a host call such as an exit
// function ended the run with a status), trapped, or returned its results.
struct Outcome {
  enum class Kind { Exited, Trapped, Returned };
  Kind kind = Kind::Exited;
  int exit_status = 0;                 // Exited
  std::string trap_message;            // Trapped
  std::vector<std::string> backtrace;  // Trapped: guest frames, innermost first
  Values results;                      // Returned
};

// A backtrace for people: "guest backtrace:" and one numbered, escaped
// frame a line (each line ends with '\n'); empty for no frames.
std::string format_backtrace(const std::vector<std::string>& frames, std::string_view title = "guest backtrace");

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

  // The names the root component exports (instances and functions).
  std::vector<std::string> export_names() const;

  // Calls an exported function (`instance_export` empty for one exported by
  // the root itself) and reports how it ended; an error if there is no such
  // function. Abort (a replay divergence, a bad trace) is not an outcome: it
  // propagates.
  Result<Outcome> run_export(const std::string& instance_export, const std::string& func, Values args = {});

  // Calls any exported function: `instance_export` may be empty for a
  // function exported directly by the root component.
  Result<Values> call_export(const std::string& instance_export, const std::string& func, Values args);

  struct State;

 private:
  std::unique_ptr<State> state_;
};

}  // namespace wasmrr::runtime
