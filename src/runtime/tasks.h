// Component-model async in the runtime (definitions.py: Task, canon_lift's
// callback loop, canon_lower with `async`, and the canon built-ins).
//
// wasm-rr has no stack switching (SpiderMonkey 102), and it runs one host
// thread. So a task never suspends its stack: a callback task "waits" by
// returning WAIT to its loop, and a built-in that would block (a
// waitable-set.wait, a sync copy that cannot complete) first lets the host
// resolve what it holds and otherwise traps as a deadlock, since nothing
// else could run meanwhile. Async calls to the host complete before they
// return (the host is synchronous), so they return RETURNED.
#pragma once

#include <array>
#include <memory>
#include <optional>
#include <string>

#include "runtime/scope.h"

namespace wasmrr::runtime {

// spec: Task (with its implicit thread's context storage).
struct Task {
  const ComponentFunc* func = nullptr;  // the async-lifted function this task runs
  abi::ComponentInstanceState* inst = nullptr;
  std::optional<Values> result;          // set by task.return
  std::array<uint64_t, 2> storage{};     // context.get / context.set
  std::string name;                      // for reports: "the task of wasi:cli/run@0.3.0#run"
};

// The innermost async task running on this thread, named for reports (a
// replay's divergence says which task made the call), or "" outside tasks.
std::string current_task_name();

// spec: current_task(), for the built-in `builtin`: traps when the guest is
// not running an async-lifted task.
Task& current_task(RuntimeState& rt, std::string_view builtin);

// The flat core signature of an async lifted or lowered function (spec:
// flatten_functype with opts.async_).
CoreFuncType flatten_async_functype(const abi::FuncType& ft, abi::FlattenContext context, bool callback);

// An async-lifted function called from the host or another instance: runs
// its task to the end (the callback loop, or a stackful core function that
// does not block) and returns what it gave task.return.
Values invoke_async_lifted(RuntimeState& rt, const ComponentFunc& f, Values& args);

// A lowered import called with `async`: the callee runs to completion, its
// results go to the guest's retptr, and the call returns RETURNED.
void call_lowered_async(RuntimeState& rt, ComponentFunc& f, const ResolvedOptions& opts,
                        abi::ComponentInstanceState& inst, std::span<const CoreVal> flat_args,
                        std::span<CoreVal> flat_results);

// spec: WaitableSet.wait_for_event, without other threads: the set's event,
// after the host had its chance to resolve what it holds; a deadlock trap
// if nothing can come.
abi::Event wait_for_event(RuntimeState& rt, abi::WaitableSet& wset, std::string_view who);

// The host's side of streams and futures (abi::HostPeer): calls of
// kHostStreamsInterface (host.h) through the interposer.
std::unique_ptr<abi::HostPeer> make_host_peer(RuntimeState& rt);

// The core function of one async canon built-in (everything but lift, lower
// and the resource built-ins).
std::shared_ptr<engine::Func> canon_async_builtin(RuntimeState& rt, Scope& s, const component::CanonDef& c);

}  // namespace wasmrr::runtime
