// The async canon built-ins (definitions.py: canon_task_return ...
// canon_error_context_drop), as core functions on the engine. Each checks
// the spec's trap_if rules and names the rule when it traps.
#include <cstring>

#include <fmt/format.h>

#include "runtime/tasks.h"

namespace wasmrr::runtime {

namespace {

using K = component::CanonDef::Kind;
using abi::CopyEnd;
using abi::CopyResult;
using abi::CopyState;
using abi::Event;
using abi::EventCode;
using CoreVals = std::span<const CoreVal>;
using CoreResults = std::span<CoreVal>;

const CoreType I32 = CoreType::I32;

[[noreturn]] void trap(const std::string& m) { throw Trap(m); }

void check_may_leave(abi::ComponentInstanceState& inst, std::string_view name) {
  if (!inst.may_leave) trap(fmt::format("{}: the instance may not leave now (trap_if(not inst.may_leave))", name));
}

// What one built-in needs at its calls.
struct Builtin {
  RuntimeState* rt;
  abi::ComponentInstanceState* inst;
  std::string name;                      // the spec's, e.g. "stream.read"
  std::shared_ptr<ResolvedOptions> opts; // when it has options
  abi::TypePtr type;                     // stream/future type, when it has one
};

abi::TypePtr async_type(Scope& s, const component::CanonDef& c, abi::Kind kind, std::string_view name) {
  const TypeItem& t = s.type(c.type);
  if (!t.val || t.val->kind != kind)
    throw InstantiationError(fmt::format("canon {}: type {} is a {}, expected a {} type", name, c.type, t.describe(),
                                         abi::kind_name(kind)));
  return t.val;
}

std::shared_ptr<engine::Memory> memory_at(Scope& s, uint32_t index, std::string_view name) {
  if (index >= s.core_memories.size()) throw InstantiationError(fmt::format("canon {}: core memory {} out of range", name, index));
  auto m = std::dynamic_pointer_cast<engine::Memory>(s.core_memories[index]);
  if (!m) throw InstantiationError(fmt::format("canon {}: core memory {} is not a memory", name, index));
  return m;
}

// --- streams and futures (spec: stream_copy, future_copy, cancel_copy, drop) ---

std::shared_ptr<CopyEnd> end_at(const Builtin& b, uint32_t i, bool readable) {
  auto e = b.inst->handles.get_as<CopyEnd>(i, b.name);
  const bool is_future = b.type->kind == abi::Kind::Future;
  if (e->readable != readable || e->shared->is_future != is_future)
    trap(fmt::format("{}: handle {} is a {}, not a {} {} end (trap_if(not isinstance(e, EndT)))", b.name, i, e->what(),
                     readable ? "readable" : "writable", is_future ? "future" : "stream"));
  if (!abi::same_payload(e->shared->t, b.type->elem))
    trap(fmt::format("{}: handle {} is a {} of another payload type than {} (trap_if(e.shared.t != t))", b.name, i,
                     e->what(), abi::to_string(*b.type)));
  return e;
}

// A copy that did not complete at once, in a sync call: without stack
// switching the guest cannot wait here, so only the host can still finish it.
void wait_sync(RuntimeState& rt, CopyEnd& e, std::string_view name) {
  while (!e.has_pending_event() && rt.async.poll_host(true)) {
  }
  if (!e.has_pending_event())
    trap(fmt::format("deadlock: a synchronous {} would wait for the other end of the {}, and nothing else can "
                     "run meanwhile (use the async option)", name, e.what()));
}

uint32_t copy(const Builtin& b, uint32_t i, uint32_t ptr, uint32_t n, bool read) {
  check_may_leave(*b.inst, b.name);
  auto e = end_at(b, i, read);
  if (e->state != CopyState::IDLE)
    trap(fmt::format("{}: handle {} is not idle: a copy is in progress or the other end was dropped "
                     "(trap_if(e.state != CopyState.IDLE))", b.name, i));
  if (e->in_waitable_set() && !b.opts->async_)
    trap(fmt::format("{}: a synchronous copy on handle {}, which is in a waitable set "
                     "(trap_if(e.in_waitable_set() and not opts.async_))", b.name, i));
  const bool future = e->shared->is_future;
  e->cx = std::make_unique<abi::LiftLowerContext>(b.opts->abi, *b.inst);
  e->buffer = std::make_unique<abi::GuestBuffer>(e->shared->t, *e->cx, ptr, future ? 1 : n);
  const EventCode code = future ? (read ? EventCode::FUTURE_READ : EventCode::FUTURE_WRITE)
                                : (read ? EventCode::STREAM_READ : EventCode::STREAM_WRITE);
  CopyEnd* end = e.get();  // the callbacks run while the end is copying, when it cannot be dropped
  auto event = [end, i, code, future](CopyResult r) {
    const uint32_t progress = end->buffer->progress();
    if (future) end->state = (r == CopyResult::CANCELLED) ? CopyState::IDLE : CopyState::DONE;
    else end->state = r == CopyResult::DROPPED ? CopyState::DONE : CopyState::IDLE;
    end->buffer.reset();
    end->cx.reset();
    return Event{code, i, future ? static_cast<uint32_t>(r) : (static_cast<uint32_t>(r) | (progress << 4))};
  };
  auto on_copy = [end, event] { end->set_pending_event([event] { return event(CopyResult::COMPLETED); }); };
  auto on_copy_done = [end, event](CopyResult r) { end->set_pending_event([event, r] { return event(r); }); };
  e->state = CopyState::COPYING;
  if (read) e->shared->read(b.inst, *e->buffer, on_copy, on_copy_done);
  else e->shared->write(b.inst, *e->buffer, on_copy, on_copy_done);
  if (!e->has_pending_event()) {
    if (b.opts->async_) return abi::BLOCKED;
    wait_sync(*b.rt, *e, b.name);
  }
  return e->get_pending_event().payload;
}

uint32_t cancel_copy(const Builtin& b, uint32_t i, bool read, bool async_) {
  check_may_leave(*b.inst, b.name);
  auto e = end_at(b, i, read);
  if (e->state != CopyState::COPYING)
    trap(fmt::format("{}: handle {} has no copy to cancel (trap_if(e.state != CopyState.COPYING))", b.name, i));
  if (e->in_waitable_set() && !async_)
    trap(fmt::format("{}: a synchronous cancel on handle {}, which is in a waitable set "
                     "(trap_if(e.in_waitable_set() and not async_))", b.name, i));
  e->state = CopyState::CANCELLING_COPY;
  if (!e->has_pending_event()) e->shared->cancel();
  if (!e->has_pending_event()) {
    if (async_) return abi::BLOCKED;
    wait_sync(*b.rt, *e, b.name);
  }
  return e->get_pending_event().payload;
}

void drop_end(const Builtin& b, uint32_t i, bool readable) {
  check_may_leave(*b.inst, b.name);
  auto e = end_at(b, i, readable);
  e->drop();  // traps before the handle goes if the end may not be dropped
  b.inst->handles.remove_as<CopyEnd>(i, b.name);
}

uint64_t new_ends(const Builtin& b) {
  check_may_leave(*b.inst, b.name);
  auto shared = std::make_shared<abi::SharedStream>(b.type->elem, b.type->kind == abi::Kind::Future);
  const uint32_t ri = b.inst->handles.add(std::make_shared<CopyEnd>(shared, true));
  const uint32_t wi = b.inst->handles.add(std::make_shared<CopyEnd>(shared, false));
  return uint64_t{ri} | (uint64_t{wi} << 32);
}

// --- waitables (spec: canon_waitable_set_*, canon_waitable_join) ---

void store_event(engine::Memory& m, uint32_t ptr, const Event& e, std::string_view name) {
  if (ptr % 4 != 0 || uint64_t{ptr} + 8 > m.size())
    trap(fmt::format("{}: event pointer {} is unaligned or outside linear memory ({} bytes)", name, ptr, m.size()));
  std::memcpy(m.data() + ptr, &e.index, 4);
  std::memcpy(m.data() + ptr + 4, &e.payload, 4);
}

// --- task.return (spec: canon_task_return) ---

void task_return(const Builtin& b, const std::vector<abi::Param>& result_type, CoreVals flat_args) {
  Task& task = current_task(*b.rt, b.name);
  check_may_leave(*task.inst, b.name);
  if (!task.func->opts->async_) trap("task.return: the task's function is not lifted async (trap_if(not task.opts.async_))");
  const abi::FuncType& ft = *task.func->type;
  auto spell = [](const std::vector<abi::Param>& ps) {
    return ps.empty() ? std::string("no result") : abi::to_string(*ps[0].type);
  };
  if (result_type.size() != ft.results.size() || spell(result_type) != spell(ft.results))
    trap(fmt::format("task.return: its result type ({}) is not the function's ({}) (trap_if(result_type != "
                     "task.ft.result))", spell(result_type), spell(ft.results)));
  const auto& mine = b.opts->abi;
  const auto& theirs = task.func->opts->abi;
  if (mine.string_encoding != theirs.string_encoding || b.opts->memory != task.func->opts->memory)
    trap("task.return: its options differ from the lift's (trap_if(not LiftOptions.equal(opts, task.opts)))");
  if (task.result) trap("task.return: the task already returned (Task.return_: trap_if(self.state == RESOLVED))");
  abi::LiftLowerContext cx(mine, *task.inst);
  abi::CoreValueIter vi(flat_args);
  task.result = abi::lift_flat_values(cx, abi::MAX_FLAT_PARAMS, vi, ft.results);
}

CoreFuncType task_return_type(const std::vector<abi::Param>& results) {
  CoreFuncType t;
  for (const auto& p : results) t.params.insert(t.params.end(), p.type->flat.begin(), p.type->flat.end());
  if (t.params.size() > abi::MAX_FLAT_PARAMS) t.params = {I32};
  return t;
}

using Body = engine::HostFunction;

std::shared_ptr<engine::Func> make(RuntimeState& rt, const CoreFuncType& type, Body body, const std::string& name) {
  return rt.engine.host_function(type, std::move(body), "[" + name + "]");
}

}  // namespace

std::shared_ptr<engine::Func> canon_async_builtin(RuntimeState& rt, Scope& s, const component::CanonDef& c) {
  auto b = std::make_shared<Builtin>();
  b->rt = &rt;
  b->inst = s.inst;
  b->name = std::string(component::canon_kind_name(c.kind));
  const std::string& name = b->name;
  switch (c.kind) {
    case K::BackpressureInc:
    case K::BackpressureDec: {
      const int delta = c.kind == K::BackpressureInc ? 1 : -1;
      return make(rt, {{}, {}}, [b, delta](CoreVals, CoreResults) {
        check_may_leave(*b->inst, b->name);
        b->inst->backpressure += delta;
        if (b->inst->backpressure < 0) trap("backpressure.dec below zero (trap_if(inst.backpressure < 0))");
        if (b->inst->backpressure >= (1 << 16)) trap("backpressure.inc past 2^16 - 1 (trap_if(inst.backpressure == 2**16))");
      }, name);
    }
    case K::TaskReturn: {
      std::vector<abi::Param> results;
      for (const auto& r : c.results) results.push_back({r.name, resolve_valtype(s, r.type)});
      b->opts = resolve_options(s, c.opts);
      CoreFuncType type = task_return_type(results);
      return make(rt, type, [b, results](CoreVals args, CoreResults) { task_return(*b, results, args); }, name);
    }
    case K::TaskCancel:
      return make(rt, {{}, {}}, [b](CoreVals, CoreResults) {
        Task& task = current_task(*b->rt, b->name);
        check_may_leave(*task.inst, b->name);
        trap("task.cancel: the task's cancellation was not requested (Task.cancel: trap_if(self.state != "
             "Task.State.CANCEL_DELIVERED)); wasm-rr never cancels a task");
      }, name);
    case K::ContextGet:
    case K::ContextSet: {
      if (c.context_type != I32)
        throw InstantiationError(fmt::format("canon {}: only i32 context slots exist without memory64", name));
      if (c.context_index >= 2)
        throw InstantiationError(fmt::format("canon {}: slot {} does not exist (there are 2)", name, c.context_index));
      const uint32_t slot = c.context_index;
      if (c.kind == K::ContextGet)
        return make(rt, {{}, {I32}}, [b, slot](CoreVals, CoreResults r) {
          r[0] = CoreVal::u32(static_cast<uint32_t>(current_task(*b->rt, b->name).storage[slot]));
        }, name);
      return make(rt, {{I32}, {}}, [b, slot](CoreVals a, CoreResults) {
        current_task(*b->rt, b->name).storage[slot] = a[0].as_u32();
      }, name);
    }
    case K::ThreadYield:
      // Nothing else can run (tasks.h): a yield returns at once, not cancelled.
      return make(rt, {{}, {I32}}, [b](CoreVals, CoreResults r) {
        check_may_leave(*b->inst, b->name);
        r[0] = CoreVal::u32(0);
      }, name);
    case K::SubtaskCancel:
      // Async calls return RETURNED before the guest sees a subtask
      // (tasks.h), so every subtask the guest could name has returned.
      return make(rt, {{I32}, {I32}}, [b](CoreVals a, CoreResults r) {
        check_may_leave(*b->inst, b->name);
        auto st = b->inst->handles.get_as<abi::Subtask>(a[0].as_u32(), b->name);
        if (st->resolve_delivered) trap("subtask.cancel: the subtask already returned (trap_if(subtask.resolve_delivered()))");
        r[0] = CoreVal::u32(static_cast<uint32_t>(st->state));
      }, name);
    case K::SubtaskDrop:
      return make(rt, {{I32}, {}}, [b](CoreVals a, CoreResults) {
        check_may_leave(*b->inst, b->name);
        auto st = b->inst->handles.get_as<abi::Subtask>(a[0].as_u32(), b->name);
        st->drop();
        b->inst->handles.remove_as<abi::Subtask>(a[0].as_u32(), b->name);
      }, name);
    case K::StreamNew:
    case K::FutureNew:
      b->type = async_type(s, c, c.kind == K::StreamNew ? abi::Kind::Stream : abi::Kind::Future, name);
      return make(rt, {{}, {CoreType::I64}}, [b](CoreVals, CoreResults r) { r[0] = CoreVal::i64(static_cast<int64_t>(new_ends(*b))); }, name);
    case K::StreamRead:
    case K::StreamWrite: {
      b->type = async_type(s, c, abi::Kind::Stream, name);
      b->opts = resolve_options(s, c.opts);
      const bool read = c.kind == K::StreamRead;
      return make(rt, {{I32, I32, I32}, {I32}}, [b, read](CoreVals a, CoreResults r) {
        r[0] = CoreVal::u32(copy(*b, a[0].as_u32(), a[1].as_u32(), a[2].as_u32(), read));
      }, name);
    }
    case K::FutureRead:
    case K::FutureWrite: {
      b->type = async_type(s, c, abi::Kind::Future, name);
      b->opts = resolve_options(s, c.opts);
      const bool read = c.kind == K::FutureRead;
      return make(rt, {{I32, I32}, {I32}}, [b, read](CoreVals a, CoreResults r) {
        r[0] = CoreVal::u32(copy(*b, a[0].as_u32(), a[1].as_u32(), 1, read));
      }, name);
    }
    case K::StreamCancelRead:
    case K::StreamCancelWrite:
    case K::FutureCancelRead:
    case K::FutureCancelWrite: {
      const bool stream = c.kind == K::StreamCancelRead || c.kind == K::StreamCancelWrite;
      b->type = async_type(s, c, stream ? abi::Kind::Stream : abi::Kind::Future, name);
      const bool read = c.kind == K::StreamCancelRead || c.kind == K::FutureCancelRead;
      const bool async_ = c.async_;
      return make(rt, {{I32}, {I32}}, [b, read, async_](CoreVals a, CoreResults r) {
        r[0] = CoreVal::u32(cancel_copy(*b, a[0].as_u32(), read, async_));
      }, name);
    }
    case K::StreamDropReadable:
    case K::StreamDropWritable:
    case K::FutureDropReadable:
    case K::FutureDropWritable: {
      const bool stream = c.kind == K::StreamDropReadable || c.kind == K::StreamDropWritable;
      b->type = async_type(s, c, stream ? abi::Kind::Stream : abi::Kind::Future, name);
      const bool readable = c.kind == K::StreamDropReadable || c.kind == K::FutureDropReadable;
      return make(rt, {{I32}, {}}, [b, readable](CoreVals a, CoreResults) { drop_end(*b, a[0].as_u32(), readable); },
                  name);
    }
    case K::ErrorContextNew: {
      b->opts = resolve_options(s, c.opts);
      return make(rt, {{I32, I32}, {I32}}, [b](CoreVals a, CoreResults r) {
        check_may_leave(*b->inst, b->name);
        abi::LiftLowerContext cx(b->opts->abi, *b->inst);
        abi::CoreValueIter vi(a);
        auto e = std::make_shared<abi::ErrorContext>();
        e->debug_message = abi::lift_flat(cx, vi, *abi::Type::primitive(abi::Kind::String)).str;
        r[0] = CoreVal::u32(b->inst->handles.add(std::move(e)));
      }, name);
    }
    case K::ErrorContextDebugMessage: {
      b->opts = resolve_options(s, c.opts);
      return make(rt, {{I32, I32}, {}}, [b](CoreVals a, CoreResults) {
        check_may_leave(*b->inst, b->name);
        auto e = b->inst->handles.get_as<abi::ErrorContext>(a[0].as_u32(), b->name);
        abi::LiftLowerContext cx(b->opts->abi, *b->inst);
        ScopedFlag storing(b->inst->may_leave, false);  // realloc runs, and may not call out
        abi::store(cx, abi::Value::string(e->debug_message), *abi::Type::primitive(abi::Kind::String), a[1].as_u32());
      }, name);
    }
    case K::ErrorContextDrop:
      return make(rt, {{I32}, {}}, [b](CoreVals a, CoreResults) {
        check_may_leave(*b->inst, b->name);
        b->inst->handles.remove_as<abi::ErrorContext>(a[0].as_u32(), b->name);
      }, name);
    case K::WaitableSetNew:
      return make(rt, {{}, {I32}}, [b](CoreVals, CoreResults r) {
        check_may_leave(*b->inst, b->name);
        r[0] = CoreVal::u32(b->inst->handles.add(std::make_shared<abi::WaitableSet>()));
      }, name);
    case K::WaitableSetWait:
    case K::WaitableSetPoll: {
      auto memory = memory_at(s, c.memory, name);
      const bool wait = c.kind == K::WaitableSetWait;
      return make(rt, {{I32, I32}, {I32}}, [b, memory, wait](CoreVals a, CoreResults r) {
        check_may_leave(*b->inst, b->name);
        const uint32_t si = a[0].as_u32();
        auto wset = b->inst->handles.get_as<abi::WaitableSet>(si, b->name);
        Event e;
        if (wait) {
          wset->num_waiting++;
          e = wait_for_event(*b->rt, *wset, fmt::format("waitable-set.wait on set {}", si));
          wset->num_waiting--;
        } else {
          if (!wset->has_pending_event()) b->rt->async.poll_host(false);
          e = wset->poll();
        }
        store_event(*memory, a[1].as_u32(), e, b->name);
        r[0] = CoreVal::u32(static_cast<uint32_t>(e.code));
      }, name);
    }
    case K::WaitableSetDrop:
      return make(rt, {{I32}, {}}, [b](CoreVals a, CoreResults) {
        check_may_leave(*b->inst, b->name);
        auto wset = b->inst->handles.get_as<abi::WaitableSet>(a[0].as_u32(), b->name);
        wset->drop();  // traps before the handle goes while it has members
        b->inst->handles.remove_as<abi::WaitableSet>(a[0].as_u32(), b->name);
      }, name);
    case K::WaitableJoin:
      return make(rt, {{I32, I32}, {}}, [b](CoreVals a, CoreResults) {
        check_may_leave(*b->inst, b->name);
        auto w = b->inst->handles.get_as<abi::Waitable>(a[0].as_u32(), b->name);
        const uint32_t si = a[1].as_u32();
        if (si == 0) return w->join(nullptr);
        w->join(b->inst->handles.get_as<abi::WaitableSet>(si, b->name).get());
      }, name);
    case K::Lift:
    case K::Lower:
    case K::ResourceNew:
    case K::ResourceDrop:
    case K::ResourceRep:
      break;
  }
  throw InstantiationError(fmt::format("canon {} is not an async built-in", name));
}

}  // namespace wasmrr::runtime
