// Async lifting and lowering (definitions.py: canon_lift with opts.async_,
// its callback loop, canon_lower with opts.async_). See tasks.h for what
// "blocking" means without stack switching.
#include "runtime/tasks.h"

#include <fmt/format.h>

namespace wasmrr::runtime {

namespace {

constexpr size_t MAX_FLAT_ASYNC_PARAMS = 4;

// spec: CallbackCode
enum class CallbackCode : uint32_t { EXIT = 0, YIELD = 1, WAIT = 2, MAX = 2 };


// The tasks running on this thread, innermost last (current_task_name():
// the replayer, which has no RuntimeState, names the task in its reports).
thread_local std::vector<const Task*> t_running;

// The running task, for the built-ins, while it runs.
class Running {
 public:
  Running(RuntimeState& rt, Task& t) : rt_(rt) {
    rt_.tasks.push_back(&t);
    t_running.push_back(&t);
  }
  ~Running() {
    rt_.tasks.pop_back();
    t_running.pop_back();
  }
  Running(const Running&) = delete;
  Running& operator=(const Running&) = delete;

 private:
  RuntimeState& rt_;
};

size_t flat_count(const std::vector<abi::Param>& ps) {
  size_t n = 0;
  for (const auto& p : ps) n += p.type->flat.size();
  return n;
}

// spec: the callback loop of canon_lift.
void run_callback_loop(RuntimeState& rt, const ComponentFunc& f, uint32_t packed) {
  abi::ComponentInstanceState& inst = *f.inst;
  for (;;) {
    const uint32_t code = packed & 0xf;
    const uint32_t si = packed >> 4;
    if (code > static_cast<uint32_t>(CallbackCode::MAX))
      throw Trap(fmt::format("the callback returned code {}, which is none of EXIT (0), YIELD (1) and WAIT (2) "
                             "(unpack_callback_result: trap_if(code > CallbackCode.MAX))", code));
    if (code == static_cast<uint32_t>(CallbackCode::EXIT)) return;
    abi::Event event;
    if (code == static_cast<uint32_t>(CallbackCode::WAIT)) {
      auto wset = inst.handles.get_as<abi::WaitableSet>(si, "callback WAIT");
      wset->num_waiting++;
      event = wait_for_event(rt, *wset, fmt::format("the callback's WAIT on waitable set {}", si));
      wset->num_waiting--;
    }
    CoreVal args[3] = {CoreVal::u32(static_cast<uint32_t>(event.code)), CoreVal::u32(event.index),
                       CoreVal::u32(event.payload)};
    CoreVal next;
    call_core(*f.opts->callback, args, std::span<CoreVal>(&next, 1));
    packed = next.as_u32();
  }
}

}  // namespace

std::string current_task_name() { return t_running.empty() ? "" : t_running.back()->name; }

Task& current_task(RuntimeState& rt, std::string_view builtin) {
  if (rt.tasks.empty()) throw Trap(fmt::format("{}: called outside of an async task (current_task())", builtin));
  return *rt.tasks.back();
}

CoreFuncType flatten_async_functype(const abi::FuncType& ft, abi::FlattenContext context, bool callback) {
  CoreFuncType out;
  for (const auto& p : ft.params) out.params.insert(out.params.end(), p.type->flat.begin(), p.type->flat.end());
  if (context == abi::FlattenContext::Lift) {
    if (out.params.size() > abi::MAX_FLAT_PARAMS) out.params = {CoreType::I32};
    if (callback) out.results = {CoreType::I32};
    return out;
  }
  if (out.params.size() > MAX_FLAT_ASYNC_PARAMS) out.params = {CoreType::I32};
  if (flat_count(ft.results) > 0) out.params.push_back(CoreType::I32);
  out.results = {CoreType::I32};
  return out;
}

Values invoke_async_lifted(RuntimeState& rt, const ComponentFunc& f, Values& args) {
  abi::ComponentInstanceState& inst = *f.inst;
  if (!inst.may_enter) throw Trap("cannot re-enter a component instance that is already running");
  if (inst.exclusive)
    throw Trap("an async task of this component instance is still running; wasm-rr runs one callback task "
               "of an instance at a time (Task.enter_implicit_thread would wait)");
  Task task;
  task.func = &f;
  task.inst = &inst;
  task.name = rt.tasks.empty() && !rt.entry.empty() ? "the task of " + rt.entry
                                                    : "an async task called from another component instance";
  Running running(rt, task);
  ScopedFlag entered(inst.may_enter, false);
  abi::LiftLowerContext cx(f.opts->abi, inst);
  std::vector<CoreVal> flat_args;
  {
    ScopedFlag lowering(inst.may_leave, false);  // realloc may run
    flat_args = abi::lower_lifted_call_args(cx, *f.type, args);
  }
  if (f.opts->callback) {
    ScopedFlag exclusive(inst.exclusive, true);
    CoreVal packed;
    call_core(*f.core, flat_args, std::span<CoreVal>(&packed, 1));
    run_callback_loop(rt, f, packed.as_u32());
  } else {
    call_core(*f.core, flat_args, {});  // stackful: it must not block (tasks.h)
  }
  cx.exit_call();
  if (!task.result)
    throw Trap("the async function ended without calling task.return (Task.unregister_thread: "
               "trap_if(self.state != Task.State.RESOLVED))");
  return std::move(*task.result);
}

void call_lowered_async(RuntimeState& rt, ComponentFunc& f, const ResolvedOptions& opts,
                        abi::ComponentInstanceState& inst, std::span<const CoreVal> flat_args,
                        std::span<CoreVal> flat_results) {
  if (!inst.may_leave) throw Trap("component instance may not leave (called an import during post-return or realloc)");
  abi::LiftLowerContext cx(opts.abi, inst);
  cx.to_host = f.import != nullptr;
  const abi::FuncType& ft = *f.type;
  abi::CoreValueIter vi(flat_args);
  Values args = abi::lift_flat_values(cx, MAX_FLAT_ASYNC_PARAMS, vi, ft.params);
  Values results = f.invoke(rt, args);
  cx.exit_call();
  if (flat_count(ft.results) > 0) {
    const uint32_t retptr = flat_args.back().as_u32();
    ScopedFlag lowering(inst.may_leave, false);  // realloc may run, and may not call out
    abi::lower_flat_values(cx, 0, results, ft.results, &retptr);
  }
  flat_results[0] = CoreVal::u32(static_cast<uint32_t>(abi::Subtask::State::RETURNED));
}

abi::Event wait_for_event(RuntimeState& rt, abi::WaitableSet& wset, std::string_view who) {
  while (!wset.has_pending_event()) {
    if (!rt.async.poll_host(true))
      throw Trap(fmt::format("deadlock: {} can never end: none of its {} waitable(s) has an event coming, and "
                             "nothing else runs while the guest waits",
                             who, wset.elems.size()));
  }
  return wset.get_pending_event();
}

}  // namespace wasmrr::runtime
