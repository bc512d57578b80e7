// Internal structures of instantiation: the index spaces of one component
// (a Scope), the items that live in them, and component-level functions.
// Not part of the runtime's public interface.
#pragma once

#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <variant>
#include <vector>

#include "abi/canonical.h"
#include "component/ast.h"
#include "debuginfo/dwarf.h"
#include "engine/engine.h"
#include "runtime/host.h"
#include "runtime/module_cache.h"
#include "util/trap.h"

namespace wasmrr::runtime {

// Thrown while instantiating; caught by Runtime::instantiate and returned as an Error.
class InstantiationError : public std::runtime_error {
 public:
  explicit InstantiationError(const std::string& m) : std::runtime_error(m) {}
};

// A trap with the guest's backtrace: raised by guest code, or by the host
// during one of the guest's calls (a plain Trap has no frames to show).
class GuestTrap : public Trap {
 public:
  GuestTrap(const std::string& m, std::vector<engine::Frame> f) : Trap(m), frames(std::move(f)) {}
  std::vector<engine::Frame> frames;
};

// Sets one of an instance's flags for a scope (the spec's may_enter while
// the instance runs, may_leave while realloc or post-return run, an async
// task's exclusive hold), restoring it however the scope ends.
class ScopedFlag {
 public:
  ScopedFlag(bool& flag, bool value) : flag_(flag), before_(flag) { flag_ = value; }
  ~ScopedFlag() { flag_ = before_; }
  ScopedFlag(const ScopedFlag&) = delete;
  ScopedFlag& operator=(const ScopedFlag&) = delete;

 private:
  bool& flag_;
  bool before_;
};

struct Scope;
struct ComponentFunc;
struct InstanceItems;

// A component definition (section 4) and the scope it was defined in, which
// its outer aliases refer to.
struct ComponentDef {
  std::shared_ptr<const component::Component> ast;
  Scope* defining_scope = nullptr;
};

struct CoreModule {
  std::shared_ptr<const std::vector<uint8_t>> bytes;
  uint32_t offset = 0, size = 0;
  std::shared_ptr<engine::Module> compiled;  // compiled on first instantiation
};

// A core instance: either a real engine instance or a bag of inline exports.
struct CoreInstance {
  std::shared_ptr<engine::Instance> instance;
  const engine::Module* module = nullptr;           // what `instance` was made from
  std::shared_ptr<engine::Memory> memory;           // the memory it exports or imports first, if any
  std::map<std::string, std::shared_ptr<engine::Extern>, std::less<>> inline_exports;
  std::shared_ptr<engine::Extern> get(const std::string& name) const;
};

// One entry of a type index space.
struct TypeItem {
  abi::TypePtr val;
  abi::FuncTypePtr func;
  abi::ResourceTypePtr resource;
  // Instance and component types stay unresolved until used (an import).
  std::shared_ptr<const component::TypeDef> compound;
  const component::InstanceTypeDef* instance_type = nullptr;
  const component::ComponentTypeDef* component_type = nullptr;
  Scope* defining_scope = nullptr;  // for instance/component types
  std::string describe() const;
};

using Item = std::variant<std::shared_ptr<ComponentFunc>, TypeItem, std::shared_ptr<InstanceItems>,
                          std::shared_ptr<ComponentDef>, std::shared_ptr<CoreModule>>;

struct InstanceItems {
  std::map<std::string, Item, std::less<>> exports;
};

// The canonical options of one canon lift/lower, resolved to engine objects.
struct ResolvedOptions {
  std::shared_ptr<engine::Memory> memory;
  std::shared_ptr<engine::Func> realloc;
  std::shared_ptr<engine::Func> post_return;
  bool async_ = false;                     // the `async` option
  std::shared_ptr<engine::Func> callback;  // the `callback` option (with async)
  std::unique_ptr<abi::GuestMemory> guest_memory;
  abi::CanonicalOptions abi;
};

struct RuntimeState;

// A component-level function: a host import or a lifted core function.
struct ComponentFunc {
  abi::FuncTypePtr type;
  // Host import (bound by name; impl may be null in replay).
  std::unique_ptr<ImportedFunc> import;
  // Lifted core function.
  std::shared_ptr<engine::Func> core;
  std::shared_ptr<ResolvedOptions> opts;
  abi::ComponentInstanceState* inst = nullptr;

  Values invoke(RuntimeState& rt, Values& args);
};

// What runtime/ keeps in abi::ResourceType::impl.
struct ResourceImpl {
  std::unique_ptr<ImportedFunc> host_drop;  // host resources: "[resource-drop]name"
  std::shared_ptr<engine::Func> dtor;       // guest resources: optional core dtor
};

// The index spaces of one component instance (or of an instance/component type).
struct Scope {
  Scope* parent = nullptr;
  abi::ComponentInstanceState* inst = nullptr;
  // Instantiation arguments of a nested component; nullptr for the root,
  // whose imports come from the host.
  const std::map<std::string, Item, std::less<>>* args = nullptr;

  std::vector<std::shared_ptr<engine::Func>> core_funcs;
  std::vector<std::shared_ptr<engine::Extern>> core_tables, core_memories, core_globals;
  std::vector<std::shared_ptr<const component::CoreTypeDef>> core_types;
  std::vector<std::shared_ptr<CoreModule>> core_modules;
  std::vector<std::shared_ptr<CoreInstance>> core_instances;
  std::vector<std::shared_ptr<ComponentFunc>> funcs;
  std::vector<TypeItem> types;
  std::vector<std::shared_ptr<ComponentDef>> components;
  std::vector<std::shared_ptr<InstanceItems>> instances;
  InstanceItems exports;

  Scope* ancestor(uint32_t count);
  const TypeItem& type(uint32_t idx) const;
};

// Everything instantiation and calls share.
struct RuntimeState : CallInterposer::GuestView {
  RuntimeState(engine::Engine& e, const HostRegistry& h, CallInterposer& i) : engine(e), host(h), interposer(i) {}
  engine::Engine& engine;
  const HostRegistry& host;
  CallInterposer& interposer;
  std::vector<std::shared_ptr<const component::Component>> asts;  // kept alive for the scopes
  std::vector<std::unique_ptr<Scope>> scopes;
  std::vector<std::unique_ptr<abi::ComponentInstanceState>> instance_states;
  // Instantiation arguments of nested instances (Scope::args points here).
  std::vector<std::unique_ptr<std::map<std::string, Item, std::less<>>>> arg_maps;
  std::vector<std::string> imported_names;
  std::vector<std::pair<std::string, std::string>> missing_imports;  // (instance, function)
  std::vector<std::string> mistyped_imports;  // one message each (see Instantiator::bind)
  // The arguments of a scalar import call (canon.cpp's call_scalar_import),
  // reused: the interposer has read them before anything can call again.
  Values scalar_args;
  bool require_host_impl = true;
  size_t max_handles = abi::HandleTable::kDefaultMaxLive;
  ModuleCache* modules = nullptr;  // compiled core modules shared across instantiations, if any
  Scope* root = nullptr;

  // Component-model async (tasks.h): what crosses the host boundary, the
  // host's side of streams and futures, and the tasks now running.
  abi::AsyncRegistry async;
  std::unique_ptr<abi::HostPeer> host_peer;
  std::vector<struct Task*> tasks;
  // The export the host called last ("wasi:cli/run@0.3.0#run"): the name of
  // the async task it starts (tasks.h, current_task_name()).
  std::string entry;

  // Backtraces for people: each frame's text, with its source location when
  // the module carries DWARF (read on the first frame that needs it).
  std::vector<std::string> describe(const std::vector<engine::Frame>& frames);
  std::map<const engine::Module*, std::span<const uint8_t>> module_bytes;  // what each was compiled from
  std::vector<const engine::Module*> module_order;                        // in the order they came
  std::map<const engine::Module*, std::unique_ptr<debuginfo::ModuleDebugInfo>> debug_info;

  std::vector<GuestMemory> memories() const override;
  std::vector<GuestGlobal> globals() const override;
  std::vector<GuestCode> code() const override;
};

// Calls a core function; a wasm trap becomes GuestTrap, a host exception thrown
// underneath is rethrown as is.
void call_core(engine::Func& f, std::span<const CoreVal> args, std::span<CoreVal> results);

// types.cpp
TypeItem resolve_typedef(Scope& s, std::shared_ptr<const component::TypeDef> td);
abi::TypePtr resolve_valtype(const Scope& s, const component::ValType& v);

// canon.cpp
std::shared_ptr<ResolvedOptions> resolve_options(Scope& s, const std::vector<component::CanonOpt>& opts);
std::shared_ptr<engine::Func> canon_lower(RuntimeState& rt, Scope& s, std::shared_ptr<ComponentFunc> f,
                                          std::shared_ptr<ResolvedOptions> opts);
std::shared_ptr<ComponentFunc> canon_lift(RuntimeState& rt, Scope& s, std::shared_ptr<engine::Func> core,
                                          abi::FuncTypePtr type, std::shared_ptr<ResolvedOptions> opts);
std::shared_ptr<engine::Func> canon_resource_new(RuntimeState& rt, Scope& s, abi::ResourceTypePtr rt_type);
std::shared_ptr<engine::Func> canon_resource_drop(RuntimeState& rt, Scope& s, abi::ResourceTypePtr rt_type);
std::shared_ptr<engine::Func> canon_resource_rep(RuntimeState& rt, Scope& s, abi::ResourceTypePtr rt_type);

}  // namespace wasmrr::runtime
