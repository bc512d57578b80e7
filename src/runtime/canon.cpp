// The canon definitions of the component model (Binary.md section 8):
// canon lift, canon lower and the resource built-ins, as trampolines between
// core functions on the engine and component-level functions.
#include <fmt/format.h>

#include "runtime/scope.h"
#include "runtime/tasks.h"

namespace wasmrr::runtime {

namespace {

class EngineGuestMemory final : public abi::GuestMemory {
 public:
  explicit EngineGuestMemory(std::shared_ptr<engine::Memory> m) : memory_(std::move(m)) {}
  uint8_t* data() override { return memory_->data(); }
  size_t size() override { return memory_->size(); }

 private:
  std::shared_ptr<engine::Memory> memory_;
};

template <typename T>
const T& at(const std::vector<T>& v, uint32_t idx, const char* what) {
  if (idx >= v.size()) throw InstantiationError(fmt::format("{} index {} out of range ({} defined)", what, idx, v.size()));
  return v[idx];
}

const CoreFuncType kI32ToI32{{CoreType::I32}, {CoreType::I32}};
const CoreFuncType kI32ToNone{{CoreType::I32}, {}};

// Validation (test/async/validate-no-async-abi-for-sync-type.wast): the
// async option needs an async function type.
void check_async_option(const abi::FuncType& type, const ResolvedOptions& opts, std::string_view canon) {
  if (opts.async_ && !type.async_)
    throw InstantiationError(fmt::format("canon {} of {}: the `async` canonical option requires an async function type",
                                         canon, abi::to_string(type)));
}

}  // namespace

void call_core(engine::Func& f, std::span<const CoreVal> args, std::span<CoreVal> results) {
  engine::Func::CallError error;
  if (f.call(args, results, &error)) return;
  if (error.host_exception) {
    if (!error.backtrace.empty()) {
      // The host trapped the guest during this call: the trap gets the
      // guest's frames, unless it has those of a call further in.
      try {
        std::rethrow_exception(error.host_exception);
      } catch (const GuestTrap&) {
        throw;
      } catch (const Trap& t) {
        throw GuestTrap(t.what(), std::move(error.backtrace));  // the engine's frames
      }
    }
    std::rethrow_exception(error.host_exception);
  }
  throw GuestTrap(error.message, std::move(error.backtrace));
}

std::shared_ptr<ResolvedOptions> resolve_options(Scope& s, const std::vector<component::CanonOpt>& opts) {
  using K = component::CanonOpt::Kind;
  auto out = std::make_shared<ResolvedOptions>();
  for (const auto& o : opts) {
    switch (o.kind) {
      case K::Utf8: out->abi.string_encoding = abi::StringEncoding::Utf8; break;
      case K::Utf16: out->abi.string_encoding = abi::StringEncoding::Utf16; break;
      case K::Latin1Utf16: out->abi.string_encoding = abi::StringEncoding::Latin1Utf16; break;
      case K::Memory: {
        auto m = std::dynamic_pointer_cast<engine::Memory>(at(s.core_memories, o.index, "core memory"));
        if (!m) throw InstantiationError(fmt::format("canon option memory {} is not a memory", o.index));
        out->memory = m;
        break;
      }
      case K::Realloc: out->realloc = at(s.core_funcs, o.index, "core func (realloc)"); break;
      case K::PostReturn: out->post_return = at(s.core_funcs, o.index, "core func (post-return)"); break;
      case K::Async: out->async_ = true; break;
      case K::Callback: out->callback = at(s.core_funcs, o.index, "core func (callback)"); break;
    }
  }
  static const CoreFuncType kCallbackType{{CoreType::I32, CoreType::I32, CoreType::I32}, {CoreType::I32}};
  if (out->callback && !out->async_) throw InstantiationError("canon option callback without async");
  if (out->callback && out->callback->type() != kCallbackType)
    throw InstantiationError("canon option callback: function does not have type (i32 i32 i32) -> i32");
  if (out->memory) {
    out->guest_memory = std::make_unique<EngineGuestMemory>(out->memory);
    out->abi.memory = out->guest_memory.get();
  }
  if (out->realloc) {
    static const CoreFuncType kReallocType{{CoreType::I32, CoreType::I32, CoreType::I32, CoreType::I32}, {CoreType::I32}};
    if (out->realloc->type() != kReallocType)
      throw InstantiationError("canon option realloc: function does not have type (i32 i32 i32 i32) -> i32");
    engine::Func* realloc = out->realloc.get();
    out->abi.realloc = [realloc](uint32_t old_ptr, uint32_t old_size, uint32_t align, uint32_t new_size) {
      CoreVal args[4] = {CoreVal::u32(old_ptr), CoreVal::u32(old_size), CoreVal::u32(align), CoreVal::u32(new_size)};
      CoreVal result;
      call_core(*realloc, args, std::span<CoreVal>(&result, 1));
      return result.as_u32();
    };
  }
  return out;
}

Values ComponentFunc::invoke(RuntimeState& rt, Values& args) {
  if (import) return rt.interposer.call(*import, args);
  if (opts->async_) return invoke_async_lifted(rt, *this, args);

  // canon lift: the host (or another component) calls into this instance.
  if (!inst->may_enter) throw Trap("cannot re-enter a component instance that is already running");
  ScopedFlag entered(inst->may_enter, false);
  abi::LiftLowerContext cx(opts->abi, *inst);
  std::vector<CoreVal> flat_args;
  {
    ScopedFlag lowering(inst->may_leave, false);  // realloc may run
    flat_args = abi::lower_lifted_call_args(cx, *type, args);
  }
  std::vector<CoreVal> flat_results(core->type().results.size());
  call_core(*core, flat_args, flat_results);
  Values results = abi::lift_lifted_call_results(cx, *type, flat_results);
  if (opts->post_return) {
    ScopedFlag post_return(inst->may_leave, false);
    call_core(*opts->post_return, flat_results, {});
  }
  cx.exit_call();
  return results;
}

namespace {

// A scalar import (abi::is_scalar_functype) through the interposer's
// call_scalar: each flat value is one lifted value and the result one
// lowered value, with no memory, no realloc and no Values vectors for an
// interposer that answers without them (a replay).
void call_scalar_import(RuntimeState& rt, const ComponentFunc& f, std::span<const CoreVal> flat_args,
                        std::span<CoreVal> flat_results) {
  const abi::FuncType& ft = *f.type;
  Values& args = rt.scalar_args;
  args.resize(ft.params.size());
  for (size_t i = 0; i < ft.params.size(); i++) args[i] = abi::lift_flat_scalar(flat_args[i], ft.params[i].type->kind);
  abi::Value result = rt.interposer.call_scalar(*f.import, args);
  if (!ft.results.empty()) flat_results[0] = abi::lower_flat_scalar(result, *ft.results[0].type);
}

}  // namespace

std::shared_ptr<engine::Func> canon_lower(RuntimeState& rt, Scope& s, std::shared_ptr<ComponentFunc> f,
                                          std::shared_ptr<ResolvedOptions> opts) {
  abi::ComponentInstanceState* inst = s.inst;
  std::string name = f->import ? f->import->name : "lifted function";
  RuntimeState* state = &rt;
  check_async_option(*f->type, *opts, "lower");
  if (opts->async_) {
    CoreFuncType core_type = flatten_async_functype(*f->type, abi::FlattenContext::Lower, false);
    auto body = [state, f, opts, inst](std::span<const CoreVal> flat_args, std::span<CoreVal> flat_results) {
      call_lowered_async(*state, *f, *opts, *inst, flat_args, flat_results);
    };
    return rt.engine.host_function(core_type, std::move(body), name);
  }
  CoreFuncType core_type = abi::flatten_functype(*f->type, abi::FlattenContext::Lower);
  const bool scalar = f->import && abi::is_scalar_functype(*f->type);
  auto body = [state, f, opts, inst, scalar](std::span<const CoreVal> flat_args, std::span<CoreVal> flat_results) {
    if (!inst->may_leave) throw Trap("component instance may not leave (called an import during post-return or realloc)");
    if (scalar) return call_scalar_import(*state, *f, flat_args, flat_results);
    abi::LiftLowerContext cx(opts->abi, *inst);
    cx.to_host = f->import != nullptr;
    Values args = abi::lift_lowered_call_args(cx, *f->type, flat_args);
    Values results = f->invoke(*state, args);
    cx.exit_call();
    ScopedFlag lowering(inst->may_leave, false);  // realloc may run, and may not call out
    abi::lower_lowered_call_results(cx, *f->type, results, flat_args, flat_results);
    if (f->import) state->interposer.recycle_results(*f->import, std::move(results));
  };
  return rt.engine.host_function(core_type, std::move(body), name);
}

std::shared_ptr<ComponentFunc> canon_lift(RuntimeState& rt, Scope& s, std::shared_ptr<engine::Func> core,
                                          abi::FuncTypePtr type, std::shared_ptr<ResolvedOptions> opts) {
  check_async_option(*type, *opts, "lift");
  if (opts->async_ && opts->post_return)
    throw InstantiationError(fmt::format("canon lift of {}: post-return is not allowed with async (task.return "
                                         "gives the results)", abi::to_string(*type)));
  CoreFuncType expected = opts->async_ ? flatten_async_functype(*type, abi::FlattenContext::Lift, opts->callback != nullptr)
                                       : abi::flatten_functype(*type, abi::FlattenContext::Lift);
  if (core->type() != expected)
    throw InstantiationError(fmt::format("canon lift of {}: core function type does not match the flattened signature",
                                         abi::to_string(*type)));
  auto f = std::make_shared<ComponentFunc>();
  f->type = std::move(type);
  f->core = std::move(core);
  f->opts = std::move(opts);
  f->inst = s.inst;
  return f;
}

std::shared_ptr<engine::Func> canon_resource_new(RuntimeState& rt, Scope& s, abi::ResourceTypePtr rt_type) {
  abi::ComponentInstanceState* inst = s.inst;
  auto body = [inst, rt_type](std::span<const CoreVal> args, std::span<CoreVal> results) {
    abi::ResourceHandle h;
    h.rt = rt_type;
    h.rep = args[0].as_u32();
    h.own = true;
    results[0] = CoreVal::u32(inst->handles.add(std::move(h)));
  };
  return rt.engine.host_function(kI32ToI32, std::move(body), "[resource-new]" + rt_type->name);
}

std::shared_ptr<engine::Func> canon_resource_rep(RuntimeState& rt, Scope& s, abi::ResourceTypePtr rt_type) {
  abi::ComponentInstanceState* inst = s.inst;
  auto body = [inst, rt_type](std::span<const CoreVal> args, std::span<CoreVal> results) {
    abi::ResourceHandle& h = inst->handles.get(args[0].as_u32());
    if (h.rt != rt_type) throw Trap(fmt::format("resource.rep: handle {} is not a {}", args[0].as_u32(), rt_type->name));
    results[0] = CoreVal::u32(h.rep);
  };
  return rt.engine.host_function(kI32ToI32, std::move(body), "[resource-rep]" + rt_type->name);
}

// canon resource.drop: removes the handle; dropping an own handle runs the
// resource's destructor (the host's "[resource-drop]" function, through the
// interposer so that it is recorded like any call, or the guest's dtor).
std::shared_ptr<engine::Func> canon_resource_drop(RuntimeState& rt, Scope& s, abi::ResourceTypePtr rt_type) {
  abi::ComponentInstanceState* inst = s.inst;
  RuntimeState* state = &rt;
  auto body = [state, inst, rt_type](std::span<const CoreVal> args, std::span<CoreVal>) {
    uint32_t index = args[0].as_u32();
    abi::ResourceHandle h = inst->handles.remove(index);
    if (h.rt != rt_type) throw Trap(fmt::format("resource.drop: handle {} is not a {}", index, rt_type->name));
    if (!h.own) {
      if (h.borrow_scope) static_cast<abi::LiftLowerContext*>(const_cast<void*>(h.borrow_scope))->borrow_count--;
      return;
    }
    if (h.num_lends != 0) throw Trap(fmt::format("resource.drop: {} handle {} is still lent", rt_type->name, index));
    auto impl = std::static_pointer_cast<ResourceImpl>(rt_type->impl);
    if (!impl) return;
    if (impl->host_drop) {
      Values drop_args{abi::Value::own(h.rep)};
      state->interposer.call(*impl->host_drop, drop_args);
    } else if (impl->dtor) {
      CoreVal rep = CoreVal::u32(h.rep);
      call_core(*impl->dtor, std::span<const CoreVal>(&rep, 1), {});
    }
  };
  return rt.engine.host_function(kI32ToNone, std::move(body), "[resource-drop]" + rt_type->name);
}

}  // namespace wasmrr::runtime
