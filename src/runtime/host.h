// The host-call boundary. A component's imports are bound, by name, to host
// functions that take and return typed component values (abi::Value). This is
// the one place where record/replay attaches (see rr/), so host
// implementations (wasi/) never see the guest's memory or the ABI.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "abi/type.h"
#include "abi/value.h"
#include "engine/engine.h"

namespace wasmrr::runtime {

using Values = std::vector<abi::Value>;

// A host function body. `args` may be moved from. Returns the results (zero or
// one value for WIT functions). May throw Trap or ExitRequest (util/trap.h).
// Handles (own/borrow) cross as the resource's rep.
using HostFunc = std::function<Values(Values& args)>;

// An import name split per the component model's interface naming:
// "ns:pkg/iface@1.2.3" -> package "ns:pkg", interface "iface", version "1.2.3".
struct InterfaceName {
  std::string package;    // "ns:pkg"
  std::string interface;  // "iface"
  std::string version;    // "1.2.3", or empty
  std::string unversioned() const { return interface.empty() ? package : package + "/" + interface; }
};
std::optional<InterfaceName> parse_interface_name(std::string_view name);

// A function's full name as the runtime spells imports and exports,
// "ns:pkg/iface@1.2.3#[method]res.op", split at the '#': the instance part,
// parsed as an interface name when it is one, and the function. A name
// without '#' is a root-level function: empty instance, no interface.
struct FuncName {
  std::string_view instance;               // "ns:pkg/iface@1.2.3"
  std::string_view func;                   // "[method]res.op"
  std::optional<InterfaceName> interface;  // parse_interface_name(instance)
};
FuncName split_func_name(std::string_view name);

// Semver compatibility of interface versions, the rule of Wasmtime's linker:
// two versions are compatible when their keys are equal, and the key keeps
// the leading components up to the first nonzero one:
//   "1.2.3" -> "1", "0.2.3" -> "0.2", "0.0.3" -> "0.0.3" (compatible with itself only).
// Build metadata is ignored ("0.2.3+abc" -> "0.2"). A pre-release
// ("0.2.0-rc-2023-11-10") or anything that is not MAJOR.MINOR.PATCH (no
// leading zeros) has no key: such a name binds only to exactly itself.
std::optional<std::string> semver_compat_key(std::string_view version);

// Host functions by interface and function name. Function names are as WIT
// mangles them: "now", "[method]output-stream.write", "[static]...",
// "[constructor]...", and "[resource-drop]output-stream" for the host's
// destructor of a resource type.
//
// An interface is defined under the name it implements, with its version
// ("ns:pkg/iface@0.2.12") or without. An import binds to the interface of
// exactly its name if there is one, else to a semver-compatible one of the
// same package and interface (the highest version defined on that track):
// "@0.2.0" and "@0.2.15" bind to "@0.2.12", "@1.4.0" to "@1.0.0"; "@0.20.0",
// "@0.3.0" and "@2.0.0" do not bind to "@0.2.12" or "@1.0.0", and an
// unversioned import binds only to an unversioned definition.
//
// A function may carry its type (its WIT signature). An import bound to a
// typed function must declare the same type (abi/type_match.h), else the
// component is refused before it runs. A function may also be declared with
// its type and no body (replay: the trace answers, the type is still checked).
class HostRegistry {
 public:
  struct Entry {
    HostFunc fn;              // empty: declared only
    abi::FuncTypePtr type;    // nullptr: untyped (not checked)
  };

  void define(std::string_view interface, std::string func, HostFunc fn, abi::FuncTypePtr type = nullptr);
  // A signature without a body: find() stays nullptr, find_type() answers.
  void declare(std::string_view interface, std::string func, abi::FuncTypePtr type);
  // The implementation for an import instance name and function name; nullptr if none.
  const HostFunc* find(std::string_view instance_name, std::string_view func) const;
  // The type the host gives that function; nullptr if none or untyped.
  abi::FuncTypePtr find_type(std::string_view instance_name, std::string_view func) const;
  bool has_interface(std::string_view instance_name) const;
  // The interfaces that will be imported (unversioned: "ns:pkg/iface"),
  // when the registry serves one component whose imports are known. A host
  // may then leave the others undefined (wasi's InterfaceDefiner does, and
  // so never parses their WIT). Not set: any interface may be imported.
  void expect_imports(std::set<std::string, std::less<>> interfaces) { expected_ = std::move(interfaces); }
  // Whether `interface` ("ns:pkg/iface@1.2.3", or unversioned) may be imported.
  bool may_import(std::string_view interface) const;
  // Replaces every function that has a body by what `wrap` makes of it: a
  // decorator over the whole host (rr/fault_injector.h). Imports bound
  // before keep working: find()'s pointers stay valid.
  using Wrapper = std::function<HostFunc(std::string_view interface, std::string_view func,
                                         const abi::FuncTypePtr& type, HostFunc original)>;
  void wrap_all(const Wrapper& wrap);
  // "iface#func" of every function defined or declared without a type (for tests).
  std::vector<std::string> untyped_functions() const;

 private:
  using Funcs = std::map<std::string, Entry, std::less<>>;
  const Entry* find_entry(std::string_view instance_name, std::string_view func) const;
  const Funcs* interface_for(std::string_view instance_name) const;

  std::map<std::string, Funcs, std::less<>> interfaces_;  // by the exact name defined
  std::optional<std::set<std::string, std::less<>>> expected_;  // expect_imports()
  struct Track {
    std::string name;  // the defined name with the highest version on this track
    std::array<uint64_t, 3> version;
  };
  std::map<std::string, Track, std::less<>> tracks_;  // by "ns:pkg/iface@<compat key>"
};

// The host's side of streams and futures that cross the host boundary
// (component-model async): the runtime calls these functions of this
// interface through the interposer, so that recording keeps them and a
// replay answers them, like any import:
//   take: func(stream: u32, data: list<T>)               the guest wrote data for the host
//   give: func(stream: u32, max: u32, wait: bool) -> option<list<T>>
//                                                        the guest reads the host's data: none: it ended;
//                                                        [] (max > 0): none yet, unless `wait`
//   resolve: func(future: u32) -> option<list<T>>        a future the host writes: [value], or none: not yet
//   accept: func(future: u32, value: list<T>)            the guest wrote a future the host reads
//   dropped: func(handle: u32, readable-end: bool)       the guest dropped its end
// T is the stream's or future's payload; without one, list<T> is a u32
// count. Ids are the runtime's (abi::AsyncRegistry); the host defines these
// functions untyped, since T varies.
inline constexpr std::string_view kHostStreamsInterface = "wasm-rr:async/streams";

// One bound import, as the interposer sees it.
struct ImportedFunc {
  std::string name;            // full, e.g. "ns:pkg/iface@0.2.3#now"
  abi::FuncTypePtr type;       // as the component declares it
  const HostFunc* impl = nullptr;  // the real host; nullptr when none is bound (replay)
  // A rule an answer must keep beyond its type, checked where answers may
  // come from elsewhere (a trace): what is wrong with `results` for `args`,
  // or "". Null: the type says it all.
  std::function<std::string(const Values& args, const Values& results)> answer_rule = nullptr;
};

// The interposer: every import call of the guest goes through call(). The
// passthrough calls the real host; rr/ provides a recorder and a replayer.
// What a debugger may look at in the guest between its calls: the memories
// and globals its core instances export, named "instance N `export`".
struct GuestMemory {
  std::string name;
  std::shared_ptr<engine::Memory> memory;
};
struct GuestGlobal {
  std::string name;
  std::shared_ptr<engine::Global> global;
};
// A core module the guest runs: the bytes it was compiled from (its DWARF is
// there) and the linear memory its latest instance uses, if any.
struct GuestCode {
  const engine::Module* module = nullptr;
  std::span<const uint8_t> bytes;
  std::shared_ptr<engine::Memory> memory;
};

class CallInterposer {
 public:
  virtual ~CallInterposer() = default;
  virtual Values call(const ImportedFunc& f, Values& args) = 0;
  // call() of a function whose parameters and result are scalars
  // (abi::is_scalar_functype): `args` one per parameter; returns the result,
  // or an empty Value if the function has none. By call(); an interposer may
  // answer it without the Values vectors (call-heavy guests make millions of
  // these calls: a clock's now, a random u64).
  virtual abi::Value call_scalar(const ImportedFunc& f, std::span<const abi::Value> args);
  // call_scalar()'s answer from call()'s results: the one result, or none;
  // a trap if there are more or fewer than the function has.
  static abi::Value scalar_result(const ImportedFunc& f, Values& results);
  // call()'s results, once lowered into the guest: their storage, which the
  // interposer may keep to make its next answer to `f` in (a replay decodes
  // each event's results into the last ones', allocating nothing). By
  // default they are freed.
  virtual void recycle_results(const ImportedFunc& f, Values&& results) {
    (void)f;
    (void)results;
  }

  // During call(): the guest's frames at the call, innermost first (as a
  // trap's backtrace). Empty when no Runtime uses this interposer.
  std::vector<std::string> guest_backtrace() const { return backtrace_ ? backtrace_() : std::vector<std::string>{}; }
  // The guest's exported memories and globals, in instantiation order. Empty when no Runtime uses this interposer.
  std::vector<GuestMemory> guest_memories() const { return state_ ? state_->memories() : std::vector<GuestMemory>{}; }
  std::vector<GuestGlobal> guest_globals() const { return state_ ? state_->globals() : std::vector<GuestGlobal>{}; }
  // The core modules instantiated so far, in the order they were compiled.
  std::vector<GuestCode> guest_code() const { return state_ ? state_->code() : std::vector<GuestCode>{}; }

  // What the Runtime using this interposer lets it see.
  class GuestView {
   public:
    virtual ~GuestView() = default;
    virtual std::vector<GuestMemory> memories() const = 0;
    virtual std::vector<GuestGlobal> globals() const = 0;
    virtual std::vector<GuestCode> code() const = 0;
  };

 private:
  friend class Runtime;  // sets backtrace_ and state_ while it uses this interposer
  std::function<std::vector<std::string>()> backtrace_;
  const GuestView* state_ = nullptr;
};

// Sees import calls after they are done, in order, with their event index:
// a replay's stdout echo, progress, a debugger's break on call. It only
// looks; knowing what a call means (WASI names) is the observer's business.
class CallObserver {
 public:
  virtual ~CallObserver() = default;
  virtual void on_call(uint64_t index, const ImportedFunc& f, const Values& args, const Values& results) = 0;
  // Whether on_call does anything for calls of f (asked once per function:
  // an interposer may skip building what on_call would see, for the others).
  virtual bool observes(const ImportedFunc&) { return true; }
};

class PassthroughInterposer final : public CallInterposer {
 public:
  Values call(const ImportedFunc& f, Values& args) override { return (*f.impl)(args); }
};

}  // namespace wasmrr::runtime
