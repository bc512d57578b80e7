// Instantiation: executes a component's definitions in binary order, building
// the index spaces of each (nested) component instance as Binary.md defines
// them; then calls exports and reports how each call ended (run_export).
#include "runtime/instance.h"

#include "util/printable.h"

#include <set>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "abi/type_match.h"
#include "runtime/backtrace.h"
#include "runtime/scope.h"
#include "runtime/tasks.h"

namespace wasmrr::runtime {

using component::Definition;
using component::Sort;

struct Runtime::State : RuntimeState {
  using RuntimeState::RuntimeState;
};

namespace {

template <typename T>
const T& index_space_at(const std::vector<T>& v, uint32_t idx, std::string_view what) {
  if (idx >= v.size())
    throw InstantiationError(fmt::format("{} index {} out of range ({} defined)", what, idx, v.size()));
  return v[idx];
}

std::string_view item_kind(const Item& item) {
  switch (item.index()) {
    case 0: return "func";
    case 1: return "type";
    case 2: return "instance";
    case 3: return "component";
    default: return "core module";
  }
}

class Instantiator {
 public:
  explicit Instantiator(RuntimeState& rt) : rt_(rt) {}

  // Runs all definitions of `c` in scope `s`.
  void run(Scope& s, const component::Component& c) {
    for (const Definition& d : c.definitions) {
      try {
        define(s, c, d);
      } catch (const InstantiationError& e) {
        if (std::string_view(e.what()).starts_with("0x")) throw;
        throw InstantiationError(fmt::format("0x{:08x}: {}", d.offset, e.what()));
      }
    }
  }

  Scope& new_scope(Scope* parent, const std::map<std::string, Item, std::less<>>* args) {
    auto scope = std::make_unique<Scope>();
    scope->parent = parent;
    scope->args = args;
    rt_.instance_states.push_back(std::make_unique<abi::ComponentInstanceState>());
    rt_.instance_states.back()->handles.set_max_live(rt_.max_handles);
    rt_.instance_states.back()->async = &rt_.async;
    scope->inst = rt_.instance_states.back().get();
    rt_.scopes.push_back(std::move(scope));
    return *rt_.scopes.back();
  }

 private:
  void define(Scope& s, const component::Component& c, const Definition& d) {
    using K = Definition::Kind;
    switch (d.kind) {
      case K::CoreModule: {
        auto m = std::make_shared<CoreModule>();
        m->bytes = c.bytes;
        m->offset = d.module_offset;
        m->size = d.module_size;
        s.core_modules.push_back(std::move(m));
        break;
      }
      case K::CoreInstance: s.core_instances.push_back(core_instance(s, d.core_instance)); break;
      case K::CoreType: s.core_types.push_back(d.core_type); break;
      case K::Component: {
        auto def = std::make_shared<ComponentDef>();
        def->ast = d.component;
        def->defining_scope = &s;
        s.components.push_back(std::move(def));
        break;
      }
      case K::Instance: s.instances.push_back(instance(s, d.instance)); break;
      case K::Alias: alias(s, d.alias); break;
      case K::Type: s.types.push_back(resolve_typedef(s, d.type)); break;
      case K::Canon: canon(s, d.canon); break;
      case K::Start: throw InstantiationError("component start functions are not supported");
      case K::Import: import(s, d.import); break;
      case K::Export: export_(s, d.export_); break;
    }
  }

  // --- core instances ---

  std::shared_ptr<CoreInstance> core_instance(Scope& s, const component::CoreInstanceDef& def) {
    auto out = std::make_shared<CoreInstance>();
    if (!def.is_instantiate) {
      for (const auto& e : def.exports) out->inline_exports[e.name] = core_item(s, e.item);
      return out;
    }
    check_missing_imports();
    const auto& module = index_space_at(s.core_modules, def.module, "core module");
    if (!module->compiled) {
      auto compiled = rt_.modules ? rt_.modules->get(module->bytes, module->offset, module->size)
                                  : rt_.engine.compile(std::span<const uint8_t>(module->bytes->data() + module->offset, module->size));
      if (!compiled) throw InstantiationError(fmt::format("core module {}: {}", def.module, compiled.error().message));
      module->compiled = *compiled;
      auto [_, added] = rt_.module_bytes.emplace(module->compiled.get(),
          std::span<const uint8_t>(module->bytes->data() + module->offset, module->size));
      if (added) rt_.module_order.push_back(module->compiled.get());
    }
    std::map<std::string_view, const CoreInstance*> args;
    for (const auto& a : def.args) args[a.name] = index_space_at(s.core_instances, a.instance, "core instance").get();
    std::vector<engine::Import> imports;
    for (const auto& imp : module->compiled->imports()) {
      auto arg = args.find(imp.module);
      if (arg == args.end())
        throw InstantiationError(fmt::format("core module {} imports from `{}`, but no instantiation argument has that name",
                                             def.module, imp.module));
      auto value = arg->second->get(imp.name);
      if (!value)
        throw InstantiationError(fmt::format("core module {} imports `{}`.`{}`, which the argument instance does not export",
                                             def.module, imp.module, imp.name));
      imports.push_back({imp.module, imp.name, std::move(value)});
    }
    auto inst = rt_.engine.instantiate(module->compiled, imports);
    if (!inst) throw InstantiationError(fmt::format("instantiating core module {}: {}", def.module, inst.error().message));
    out->instance = *inst;
    out->module = module->compiled.get();
    out->memory = memory_of(*out->instance, imports);
    return out;
  }

  // The linear memory code of this instance works on: its own (exported), or the one it imports.
  static std::shared_ptr<engine::Memory> memory_of(engine::Instance& instance, const std::vector<engine::Import>& imports) {
    for (const engine::ExternDesc& e : instance.exports())
      if (e.kind == engine::ExternKind::Memory) return std::static_pointer_cast<engine::Memory>(instance.get_export(e.name));
    for (const engine::Import& i : imports)
      if (i.value && i.value->kind() == engine::ExternKind::Memory) return std::static_pointer_cast<engine::Memory>(i.value);
    return nullptr;
  }

  std::shared_ptr<engine::Extern> core_item(Scope& s, const component::SortIdx& i) {
    switch (i.sort) {
      case Sort::CoreFunc: return index_space_at(s.core_funcs, i.idx, "core func");
      case Sort::CoreTable: return index_space_at(s.core_tables, i.idx, "core table");
      case Sort::CoreMemory: return index_space_at(s.core_memories, i.idx, "core memory");
      case Sort::CoreGlobal: return index_space_at(s.core_globals, i.idx, "core global");
      default: throw InstantiationError(fmt::format("a core instance cannot export a {}", component::sort_name(i.sort)));
    }
  }

  // --- component instances ---

  std::shared_ptr<InstanceItems> instance(Scope& s, const component::InstanceDef& def) {
    if (!def.is_instantiate) {
      auto out = std::make_shared<InstanceItems>();
      for (const auto& e : def.exports) out->exports[e.name] = item(s, e.item);
      return out;
    }
    const auto& comp = index_space_at(s.components, def.component, "component");
    auto args = std::make_unique<std::map<std::string, Item, std::less<>>>();
    for (const auto& a : def.args) (*args)[a.name] = item(s, a.item);
    Scope& child = new_scope(comp->defining_scope, args.get());
    rt_.arg_maps.push_back(std::move(args));
    run(child, *comp->ast);
    return std::make_shared<InstanceItems>(child.exports);
  }

  Item item(Scope& s, const component::SortIdx& i) {
    switch (i.sort) {
      case Sort::Func: return index_space_at(s.funcs, i.idx, "func");
      case Sort::Type: return s.type(i.idx);
      case Sort::Instance: return index_space_at(s.instances, i.idx, "instance");
      case Sort::Component: return index_space_at(s.components, i.idx, "component");
      case Sort::CoreModule: return index_space_at(s.core_modules, i.idx, "core module");
      case Sort::Value: throw InstantiationError("component values are not supported");
      default: throw InstantiationError(fmt::format("a component instance cannot hold a {}", component::sort_name(i.sort)));
    }
  }

  // Appends an item to the index space of `sort`, checking that it is of that sort.
  void push(Scope& s, Sort sort, const Item& it, std::string_view what) {
    auto wrong = [&]() {
      return InstantiationError(fmt::format("{} is a {}, expected a {}", what, item_kind(it), component::sort_name(sort)));
    };
    switch (sort) {
      case Sort::Func:
        if (auto* f = std::get_if<std::shared_ptr<ComponentFunc>>(&it)) { s.funcs.push_back(*f); return; }
        throw wrong();
      case Sort::Type:
        if (auto* t = std::get_if<TypeItem>(&it)) { s.types.push_back(*t); return; }
        throw wrong();
      case Sort::Instance:
        if (auto* i = std::get_if<std::shared_ptr<InstanceItems>>(&it)) { s.instances.push_back(*i); return; }
        throw wrong();
      case Sort::Component:
        if (auto* c = std::get_if<std::shared_ptr<ComponentDef>>(&it)) { s.components.push_back(*c); return; }
        throw wrong();
      case Sort::CoreModule:
        if (auto* m = std::get_if<std::shared_ptr<CoreModule>>(&it)) { s.core_modules.push_back(*m); return; }
        throw wrong();
      default: throw InstantiationError(fmt::format("cannot add {} as a {}", what, component::sort_name(sort)));
    }
  }

  // --- aliases ---

  void alias(Scope& s, const component::Alias& a) {
    using T = component::Alias::Target;
    switch (a.target) {
      case T::InstanceExport: {
        const auto& inst = index_space_at(s.instances, a.instance, "instance");
        auto it = inst->exports.find(a.name);
        if (it == inst->exports.end())
          throw InstantiationError(fmt::format("instance {} has no export named `{}`", a.instance, a.name));
        push(s, a.sort, it->second, fmt::format("export `{}` of instance {}", a.name, a.instance));
        break;
      }
      case T::CoreInstanceExport: {
        const auto& inst = index_space_at(s.core_instances, a.instance, "core instance");
        auto value = inst->get(a.name);
        if (!value) throw InstantiationError(fmt::format("core instance {} has no export named `{}`", a.instance, a.name));
        push_core(s, a.sort, std::move(value), fmt::format("export `{}` of core instance {}", a.name, a.instance));
        break;
      }
      case T::Outer: {
        Scope* outer = s.ancestor(a.outer_count);
        switch (a.sort) {
          case Sort::Type: s.types.push_back(outer->type(a.outer_index)); break;
          case Sort::CoreModule: s.core_modules.push_back(index_space_at(outer->core_modules, a.outer_index, "core module")); break;
          case Sort::Component: s.components.push_back(index_space_at(outer->components, a.outer_index, "component")); break;
          case Sort::CoreType: s.core_types.push_back(index_space_at(outer->core_types, a.outer_index, "core type")); break;
          default: throw InstantiationError(fmt::format("outer alias of a {} is not allowed", component::sort_name(a.sort)));
        }
        break;
      }
    }
  }

  void push_core(Scope& s, Sort sort, std::shared_ptr<engine::Extern> value, const std::string& what) {
    auto expect = [&](engine::ExternKind k) {
      if (value->kind() != k)
        throw InstantiationError(fmt::format("{} is a {}, expected a {}", what, engine::extern_kind_name(value->kind()),
                                             engine::extern_kind_name(k)));
    };
    switch (sort) {
      case Sort::CoreFunc:
        expect(engine::ExternKind::Func);
        s.core_funcs.push_back(std::static_pointer_cast<engine::Func>(value));
        break;
      case Sort::CoreTable: expect(engine::ExternKind::Table); s.core_tables.push_back(value); break;
      case Sort::CoreMemory: expect(engine::ExternKind::Memory); s.core_memories.push_back(value); break;
      case Sort::CoreGlobal: expect(engine::ExternKind::Global); s.core_globals.push_back(value); break;
      default: throw InstantiationError(fmt::format("core alias of a {} is not supported", component::sort_name(sort)));
    }
  }

  // --- canon ---

  void canon(Scope& s, const component::CanonDef& c) {
    using K = component::CanonDef::Kind;
    switch (c.kind) {
      case K::Lift: {
        const auto& core = index_space_at(s.core_funcs, c.func, "core func");
        const TypeItem& t = s.type(c.type);
        if (!t.func) throw InstantiationError(fmt::format("canon lift: type {} is a {}, expected a function type", c.type, t.describe()));
        s.funcs.push_back(canon_lift(rt_, s, core, t.func, resolve_options(s, c.opts)));
        break;
      }
      case K::Lower: {
        const auto& f = index_space_at(s.funcs, c.func, "func");
        s.core_funcs.push_back(canon_lower(rt_, s, f, resolve_options(s, c.opts)));
        break;
      }
      case K::ResourceNew: s.core_funcs.push_back(canon_resource_new(rt_, s, resource(s, c.type))); break;
      case K::ResourceDrop: s.core_funcs.push_back(canon_resource_drop(rt_, s, resource(s, c.type))); break;
      case K::ResourceRep: s.core_funcs.push_back(canon_resource_rep(rt_, s, resource(s, c.type))); break;
      default: s.core_funcs.push_back(canon_async_builtin(rt_, s, c)); break;
    }
  }

  abi::ResourceTypePtr resource(Scope& s, uint32_t idx) {
    const TypeItem& t = s.type(idx);
    if (!t.resource) throw InstantiationError(fmt::format("type {} is a {}, expected a resource type", idx, t.describe()));
    return t.resource;
  }

  // --- imports and exports ---

  void import(Scope& s, const component::ImportDef& imp) {
    if (s.args) {  // a nested component: imports are its instantiation arguments
      auto it = s.args->find(imp.name);
      if (it == s.args->end()) throw InstantiationError(fmt::format("missing instantiation argument `{}`", imp.name));
      push(s, sort_of(imp.desc), it->second, fmt::format("instantiation argument `{}`", imp.name));
      return;
    }
    using K = component::ExternDesc::Kind;
    switch (imp.desc.kind) {
      case K::Instance: {
        const TypeItem& t = s.type(imp.desc.index);
        if (!t.instance_type)
          throw InstantiationError(fmt::format("import `{}`: type {} is a {}, expected an instance type", imp.name, imp.desc.index, t.describe()));
        s.instances.push_back(host_instance(imp.name, t));
        break;
      }
      case K::Func: {
        const TypeItem& t = s.type(imp.desc.index);
        if (!t.func) throw InstantiationError(fmt::format("import `{}`: type {} is not a function type", imp.name, imp.desc.index));
        s.funcs.push_back(host_func("", imp.name, t.func));
        break;
      }
      case K::Type:
        s.types.push_back(imp.desc.type_eq ? s.type(imp.desc.index) : host_resource("", imp.name));
        break;
      default:
        throw InstantiationError(fmt::format("import `{}`: the host provides only instances, functions and resource types", imp.name));
    }
  }

  static Sort sort_of(const component::ExternDesc& d) {
    using K = component::ExternDesc::Kind;
    switch (d.kind) {
      case K::CoreModule: return Sort::CoreModule;
      case K::Func: return Sort::Func;
      case K::Value: return Sort::Value;
      case K::Type: return Sort::Type;
      case K::Component: return Sort::Component;
      case K::Instance: return Sort::Instance;
    }
    return Sort::Func;
  }

  // An instance imported from the host: walk its instance type's declarations
  // in a fresh type index space, binding each exported function by name.
  std::shared_ptr<InstanceItems> host_instance(const std::string& name, const TypeItem& t) {
    auto items = std::make_shared<InstanceItems>();
    Scope& ts = type_scope(t.defining_scope);
    for (const auto& decl : t.instance_type->decls) {
      using K = component::Decl::Kind;
      switch (decl.kind) {
        case K::CoreType: ts.core_types.push_back(decl.core_type); break;
        case K::Type: ts.types.push_back(resolve_typedef(ts, decl.type)); break;
        case K::Alias: alias(ts, *decl.alias); break;
        case K::Import: throw InstantiationError("an instance type cannot contain imports");
        case K::Export: {
          using D = component::ExternDesc::Kind;
          if (decl.desc.kind == D::Func) {
            const TypeItem& ft = ts.type(decl.desc.index);
            if (!ft.func) throw InstantiationError(fmt::format("`{}#{}`: not a function type", name, decl.name));
            auto f = host_func(name, decl.name, ft.func);
            items->exports[decl.name] = f;
          } else if (decl.desc.kind == D::Type) {
            TypeItem ty = decl.desc.type_eq ? ts.type(decl.desc.index) : host_resource(name, decl.name);
            ts.types.push_back(ty);
            items->exports[decl.name] = ty;
          } else {
            throw InstantiationError(fmt::format("import `{}`: exports of kind other than func and type are not supported (`{}`)",
                                                 name, decl.name));
          }
          break;
        }
      }
    }
    return items;
  }

  Scope& type_scope(Scope* parent) {
    auto scope = std::make_unique<Scope>();
    scope->parent = parent;
    scope->inst = parent ? parent->inst : nullptr;
    rt_.scopes.push_back(std::move(scope));
    return *rt_.scopes.back();
  }

  std::unique_ptr<ImportedFunc> bind(const std::string& instance, const std::string& func, abi::FuncTypePtr type) {
    auto f = std::make_unique<ImportedFunc>();
    f->name = instance.empty() ? func : instance + "#" + func;
    f->type = std::move(type);
    f->impl = instance.empty() ? nullptr : rt_.host.find(instance, func);
    rt_.imported_names.push_back(f->name);
    if (!f->impl) rt_.missing_imports.emplace_back(instance, func);
    if (!instance.empty()) check_type(*f, rt_.host.find_type(instance, func));
    return f;
  }

  // An import whose declared type is not the host's is refused before the
  // guest runs (also in replay, where the host has types and no bodies).
  void check_type(const ImportedFunc& f, const abi::FuncTypePtr& host_type) {
    if (!host_type || !f.type) return;
    auto why = abi::func_type_mismatch(*f.type, *host_type);
    if (!why) return;
    rt_.mistyped_imports.push_back(fmt::format("import `{}` has type {}, but wasm-rr implements {} ({})", f.name,
                                               abi::to_string(*f.type), abi::to_string(*host_type), *why));
  }

  std::shared_ptr<ComponentFunc> host_func(const std::string& instance, const std::string& func, abi::FuncTypePtr type) {
    auto f = std::make_shared<ComponentFunc>();
    f->type = type;
    f->import = bind(instance, func, std::move(type));
    return f;
  }

  TypeItem host_resource(const std::string& instance, const std::string& name) {
    auto rt = std::make_shared<abi::ResourceType>();
    rt->name = name;
    rt->owner = nullptr;
    auto impl = std::make_shared<ResourceImpl>();
    auto drop_type = std::make_shared<abi::FuncType>();
    drop_type->params.push_back({"self", abi::Type::own(rt)});
    impl->host_drop = bind(instance, "[resource-drop]" + name, drop_type);
    rt->impl = impl;
    TypeItem item;
    item.resource = rt;
    return item;
  }

  void export_(Scope& s, const component::ExportDef& e) {
    Item it = item(s, e.item);
    if (auto* t = std::get_if<TypeItem>(&it); t && t->resource && t->resource->name.empty()) t->resource->name = e.name;
    s.exports.exports[e.name] = it;
    push(s, e.item.sort, it, fmt::format("export `{}`", e.name));
  }

  // Reports every import bound to a host function of another type (see
  // check_type); then every import the host lacks, grouped by interface: a
  // whole interface the host does not know is one line, a partly provided
  // one lists the missing functions.
  void check_missing_imports() {
    const auto& mistyped = rt_.mistyped_imports;
    if (mistyped.size() == 1) throw InstantiationError(mistyped[0]);
    if (!mistyped.empty())
      throw InstantiationError(fmt::format("{} imports have other types than wasm-rr implements:\n  {}", mistyped.size(),
                                           fmt::join(mistyped, "\n  ")));
    if (!rt_.require_host_impl || rt_.missing_imports.empty()) return;
    std::map<std::string, std::vector<std::string>> by_instance;
    for (const auto& [instance, func] : rt_.missing_imports) by_instance[instance].push_back(func);
    std::string list;
    for (const auto& [instance, funcs] : by_instance) {
      if (instance.empty()) {
        for (const auto& f : funcs) list += fmt::format("\n  function `{}`", f);
      } else if (!rt_.host.has_interface(instance)) {
        list += fmt::format("\n  {} (the whole interface: {} function{})", instance, funcs.size(), funcs.size() == 1 ? "" : "s");
      } else {
        for (const auto& f : funcs) list += fmt::format("\n  {}#{}", instance, f);
      }
    }
    throw InstantiationError(fmt::format("the component imports what wasm-rr does not provide:{}", list));
  }

 public:
  void finish() { check_missing_imports(); }

 private:
  RuntimeState& rt_;
};

}  // namespace

std::shared_ptr<engine::Extern> CoreInstance::get(const std::string& name) const {
  if (instance) return instance->get_export(name);
  auto it = inline_exports.find(name);
  return it == inline_exports.end() ? nullptr : it->second;
}

std::vector<std::string> RuntimeState::describe(const std::vector<engine::Frame>& frames) {
  std::vector<std::string> out;
  for (const engine::Frame& f : frames) {
    debuginfo::ModuleDebugInfo* info = nullptr;
    if (auto bytes = module_bytes.find(f.module); bytes != module_bytes.end()) {
      auto& loaded = debug_info[f.module];
      if (!loaded) loaded = std::make_unique<debuginfo::ModuleDebugInfo>(bytes->second);
      info = loaded.get();
    }
    for (std::string& line : describe_frame(f, info)) out.push_back(std::move(line));
  }
  return out;
}

namespace {

// Calls fn(name, extern) for each export of kind `kind` of every core
// instance instantiated from a module, named "instance N `export`".
template <typename F>
void for_each_core_export(const RuntimeState& rt, engine::ExternKind kind, F&& fn) {
  size_t n = 0;
  std::set<const engine::Instance*> seen;  // an index space may hold an instance twice (aliases)
  for (const auto& scope : rt.scopes) {
    for (const auto& core : scope->core_instances) {
      if (!core || !core->instance || !seen.insert(core->instance.get()).second) continue;
      for (const engine::ExternDesc& e : core->instance->exports()) {
        if (e.kind != kind) continue;
        if (auto x = core->instance->get_export(e.name)) fn(fmt::format("instance {} `{}`", n, e.name), x);
      }
      n++;
    }
  }
}

}  // namespace

std::vector<GuestCode> RuntimeState::code() const {
  std::vector<GuestCode> out;
  for (const engine::Module* module : module_order) {
    GuestCode code{module, module_bytes.at(module), nullptr};
    for (const auto& scope : scopes)  // the latest instance of the module decides
      for (const auto& core : scope->core_instances)
        if (core && core->module == module && core->memory) code.memory = core->memory;
    out.push_back(std::move(code));
  }
  return out;
}

std::vector<GuestMemory> RuntimeState::memories() const {
  std::vector<GuestMemory> out;
  for_each_core_export(*this, engine::ExternKind::Memory, [&](std::string name, const std::shared_ptr<engine::Extern>& x) {
    out.push_back({std::move(name), std::static_pointer_cast<engine::Memory>(x)});
  });
  return out;
}

std::vector<GuestGlobal> RuntimeState::globals() const {
  std::vector<GuestGlobal> out;
  for_each_core_export(*this, engine::ExternKind::Global, [&](std::string name, const std::shared_ptr<engine::Extern>& x) {
    out.push_back({std::move(name), std::static_pointer_cast<engine::Global>(x)});
  });
  return out;
}

std::string format_backtrace(const std::vector<std::string>& frames, std::string_view title) {
  if (frames.empty()) return {};
  std::string out = fmt::format("{}:\n", title);
  for (size_t i = 0; i < frames.size(); i++) out += fmt::format("  {:>3}: {}\n", i, printable(frames[i]));
  return out;
}

Runtime::Runtime(engine::Engine& engine, const HostRegistry& host, CallInterposer& interposer)
    : state_(std::make_unique<State>(engine, host, interposer)) {
  state_->host_peer = make_host_peer(*state_);
  state_->async.host = state_->host_peer.get();
  interposer.backtrace_ = [state = state_.get()] { return state->describe(state->engine.guest_backtrace()); };
  interposer.state_ = state_.get();
}

Runtime::~Runtime() {
  state_->interposer.backtrace_ = nullptr;
  state_->interposer.state_ = nullptr;
}

Result<void> Runtime::instantiate(std::shared_ptr<const component::Component> component, const InstantiateOptions& options) {
  state_->require_host_impl = options.require_host_impl;
  state_->max_handles = options.max_handles;
  state_->modules = options.modules;
  state_->asts.push_back(component);
  try {
    Instantiator inst(*state_);
    Scope& root = inst.new_scope(nullptr, nullptr);
    state_->root = &root;
    inst.run(root, *component);
    inst.finish();
    if (options.instantiated) options.instantiated();
    return {};
  } catch (const InstantiationError& e) {
    return make_error(e.what());
  } catch (const GuestTrap& e) {
    return make_error(fmt::format("guest trapped during instantiation: {}", e.what()));
  } catch (const Trap& e) {
    return make_error(fmt::format("trap during instantiation: {}", e.what()));
  } catch (const ExitRequest& e) {
    return make_error(fmt::format("the guest exited with status {} during instantiation", e.status()));
  } catch (const Abort&) {
    throw;
  } catch (const std::exception& e) {
    return make_error(fmt::format("instantiation failed: {}", e.what()));
  }
}

const std::vector<std::string>& Runtime::imported_function_names() const { return state_->imported_names; }

static std::shared_ptr<ComponentFunc> find_export(Scope& root, const std::string& instance_export, const std::string& func) {
  const InstanceItems* items = &root.exports;
  if (!instance_export.empty()) {
    auto it = root.exports.exports.find(instance_export);
    if (it == root.exports.exports.end()) return nullptr;
    auto* inst = std::get_if<std::shared_ptr<InstanceItems>>(&it->second);
    if (!inst) return nullptr;
    items = inst->get();
  }
  auto f = items->exports.find(func);
  if (f == items->exports.end()) return nullptr;
  auto* fn = std::get_if<std::shared_ptr<ComponentFunc>>(&f->second);
  return fn ? *fn : nullptr;
}

Result<Values> Runtime::call_export(const std::string& instance_export, const std::string& func, Values args) {
  auto f = find_export(*state_->root, instance_export, func);
  if (!f) return make_error(fmt::format("the component has no exported function `{}#{}`", instance_export, func));
  return f->invoke(*state_, args);
}

std::vector<std::string> Runtime::export_names() const {
  std::vector<std::string> names;
  if (state_->root)
    for (const auto& [name, item] : state_->root->exports.exports) names.push_back(name);
  return names;
}

Result<Outcome> Runtime::run_export(const std::string& instance_export, const std::string& func, Values args) {
  if (!state_->root) return make_error("no component instantiated");
  auto f = find_export(*state_->root, instance_export, func);
  if (!f) return make_error(fmt::format("the component has no exported function `{}#{}`", instance_export, func));
  Outcome out;
  state_->entry = instance_export + "#" + func;
  try {
    out.results = f->invoke(*state_, args);
    out.kind = Outcome::Kind::Returned;
  } catch (const ExitRequest& e) {
    out.exit_status = e.status();
  } catch (const GuestTrap& e) {
    out.kind = Outcome::Kind::Trapped;
    out.trap_message = e.what();
    out.backtrace = state_->describe(e.frames);
  } catch (const Trap& e) {
    out.kind = Outcome::Kind::Trapped;
    out.trap_message = e.what();
  } catch (const Abort&) {
    throw;
  } catch (const std::exception& e) {
    // A host failure that is neither a WIT error nor a trap: end the run as a trap.
    out.kind = Outcome::Kind::Trapped;
    out.trap_message = host_error_message(e);
  }
  return out;
}

}  // namespace wasmrr::runtime
