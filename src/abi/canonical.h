// The Canonical ABI: lifting core values and linear memory into Values and
// lowering them back. Function and class names follow the reference
// (design/mvp/canonical-abi/definitions.py) so the spec can be read beside
// this code; each definition in canonical.cpp cites the spec function it mirrors.
//
// Failures the guest can cause are traps (the spec's trap_if): they throw
// wasmrr::Trap. Invariants guaranteed by validation are asserts.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <vector>

#include "abi/async.h"
#include "abi/type.h"
#include "abi/value.h"
#include "util/core_val.h"

namespace wasmrr::abi {

constexpr size_t MAX_FLAT_PARAMS = 16;
constexpr size_t MAX_FLAT_RESULTS = 1;

enum class StringEncoding : uint8_t { Utf8, Utf16, Latin1Utf16 };

// Linear memory as the ABI sees it. Implemented by runtime/ over the engine.
// data()/size() must be re-read after any call into the guest (realloc may grow memory).
class GuestMemory {
 public:
  virtual ~GuestMemory() = default;
  virtual uint8_t* data() = 0;
  virtual size_t size() = 0;
};

// The spec's CanonicalOptions (async and callback are the runtime's: tasks.cpp).
struct CanonicalOptions {
  GuestMemory* memory = nullptr;
  StringEncoding string_encoding = StringEncoding::Utf8;
  // realloc(original_ptr, original_size, alignment, new_size) -> ptr; empty if absent.
  std::function<uint32_t(uint32_t, uint32_t, uint32_t, uint32_t)> realloc;
  // post-return is called by the runtime after lifting results; kept here for completeness.
  std::function<void(std::span<const CoreVal>)> post_return;
};

// The spec's ResourceHandle and HandleTable ("Table" in newer revisions).
struct ResourceHandle {
  ResourceTypePtr rt;
  uint32_t rep = 0;
  bool own = false;
  const void* borrow_scope = nullptr;  // the call that lent a borrow handle
  uint32_t num_lends = 0;
};

// One table per instance for resource handles and everything async
// (spec: ComponentInstance.handles).
class HandleTable {
 public:
  // Beyond the spec: at most this many live handles (wasm-rr --max-handles),
  // so a guest that never drops its handles traps instead of growing the host
  // without bound. The default is far above what real programs hold.
  static constexpr size_t kDefaultMaxLive = 1 << 20;
  void set_max_live(size_t max) { max_live_ = max; }

  // Index 0 is reserved (never a valid handle), as in the spec.
  uint32_t add(ResourceHandle h);
  ResourceHandle& get(uint32_t i);      // traps on a bad index or a non-resource
  ResourceHandle remove(uint32_t i);    // traps on a bad index or a non-resource
  // Async elements: `T` is the class the built-in needs (the spec's
  // trap_if(not isinstance(e, T))); `what` names the built-in for the trap.
  uint32_t add(std::shared_ptr<TableElement> e);
  template <typename T>
  std::shared_ptr<T> get_as(uint32_t i, std::string_view what) {
    auto t = std::dynamic_pointer_cast<T>(get_element(i, what));
    if (!t) wrong_element(i, what);
    return t;
  }
  template <typename T>
  std::shared_ptr<T> remove_as(uint32_t i, std::string_view what) {
    auto t = get_as<T>(i, what);
    release(i);
    return t;
  }
  size_t live_count() const;

 private:
  struct Slot {
    std::optional<ResourceHandle> resource;
    std::shared_ptr<TableElement> element;
    bool empty() const { return !resource && !element; }
  };
  uint32_t add_slot(Slot s);
  Slot& slot(uint32_t i, std::string_view what);
  std::shared_ptr<TableElement> get_element(uint32_t i, std::string_view what);
  [[noreturn]] void wrong_element(uint32_t i, std::string_view what);
  void release(uint32_t i);
  std::vector<Slot> array_{Slot{}};
  std::vector<uint32_t> free_;
  size_t max_live_ = kDefaultMaxLive;
};

// The parts of the spec's ComponentInstance the ABI touches.
struct ComponentInstanceState {
  HandleTable handles;
  bool may_leave = true;
  bool may_enter = true;
  // Concurrency (spec: backpressure, exclusive_thread): used by runtime/tasks.
  int backpressure = 0;
  bool exclusive = false;     // a callback task of this instance is running
  AsyncRegistry* async = nullptr;  // the store's, for values that cross the host boundary
};

// The spec's LiftLowerContext. One per canon lift/lower call.
class LiftLowerContext {
 public:
  LiftLowerContext(const CanonicalOptions& opts, ComponentInstanceState& inst)
      : opts(opts), inst(inst) {}
  ~LiftLowerContext() = default;

  const CanonicalOptions& opts;
  ComponentInstanceState& inst;
  // The other side is the host (a host import's call): streams and futures
  // lifted here are held by the host from now on.
  bool to_host = false;
  // track_owning_lend: own handles lent as borrows during this call; their
  // num_lends is released by exit_call().
  std::vector<uint32_t> lenders;
  uint32_t borrow_count = 0;

  void track_owning_lend(ResourceHandle& h, uint32_t index);
  // Ends the call: releases lends and traps if a borrow handle given to the
  // callee was not dropped (only applies to calls into the guest).
  void exit_call();
};

// --- Type facts (computed at Type construction; exposed for tests) ---
uint32_t alignment(const Type& t);
uint32_t elem_size(const Type& t);
std::vector<CoreType> flatten_type(const Type& t);
// flatten_functype(ft, "lift" | "lower"): core signature of a lifted/lowered function.
enum class FlattenContext : uint8_t { Lift, Lower };
CoreFuncType flatten_functype(const FuncType& ft, FlattenContext context);

// --- Loading and storing in linear memory ---
Value load(LiftLowerContext& cx, uint32_t ptr, const Type& t);
void store(LiftLowerContext& cx, const Value& v, const Type& t, uint32_t ptr);

// --- Flat values ---
// A cursor over flat core values, as the spec's CoreValueIter.
class CoreValueIter {
 public:
  explicit CoreValueIter(std::span<const CoreVal> values) : values_(values) {}
  CoreVal next() { return values_[i_++]; }
  bool done() const { return i_ == values_.size(); }

 private:
  std::span<const CoreVal> values_;
  size_t i_ = 0;
};

Value lift_flat(LiftLowerContext& cx, CoreValueIter& vi, const Type& t);
// lift_flat and lower_flat of one scalar (a number, bool or char): one core value each way.
Value lift_flat_scalar(CoreVal c, Kind k);
CoreVal lower_flat_scalar(const Value& v, const Type& t);
// A function that takes up to kMaxScalarParams scalars and returns at most
// one: its call moves one core value per value, and touches no memory.
constexpr size_t kMaxScalarParams = 4;
bool is_scalar_functype(const FuncType& ft);
void lower_flat(LiftLowerContext& cx, const Value& v, const Type& t, std::vector<CoreVal>& out);

// lift_flat_values / lower_flat_values with the spill-to-memory rules.
// lower_flat_values: when results exceed max_flat and `out_param` is given
// (the lower direction for results), values are stored at *out_param and
// nothing is returned; otherwise memory is allocated with realloc.
std::vector<Value> lift_flat_values(LiftLowerContext& cx, size_t max_flat, CoreValueIter& vi,
                                    const std::vector<Param>& types);
std::vector<CoreVal> lower_flat_values(LiftLowerContext& cx, size_t max_flat,
                                       const std::vector<Value>& vs, const std::vector<Param>& types,
                                       const uint32_t* out_param = nullptr);

// --- Whole calls, as the runtime uses them ---
// A guest calling a host import (canon lower): lift the guest's flat args.
std::vector<Value> lift_lowered_call_args(LiftLowerContext& cx, const FuncType& ft,
                                          std::span<const CoreVal> flat_args);
// ...and lower the host's results into the guest (flat results or the retptr
// that is the last flat arg).
void lower_lowered_call_results(LiftLowerContext& cx, const FuncType& ft,
                                const std::vector<Value>& results,
                                std::span<const CoreVal> flat_args, std::span<CoreVal> flat_results);
// The host calling a guest export (canon lift): lower args into the guest ...
std::vector<CoreVal> lower_lifted_call_args(LiftLowerContext& cx, const FuncType& ft,
                                            const std::vector<Value>& args);
// ... and lift the guest's flat results (possibly a pointer to spilled results).
std::vector<Value> lift_lifted_call_results(LiftLowerContext& cx, const FuncType& ft,
                                            std::span<const CoreVal> flat_results);

// --- Resources (canon resource.new / drop / rep are in runtime/) ---
uint32_t lift_own(LiftLowerContext& cx, uint32_t i, const Type& t);
uint32_t lift_borrow(LiftLowerContext& cx, uint32_t i, const Type& t);
uint32_t lower_own(LiftLowerContext& cx, uint32_t rep, const Type& t);
uint32_t lower_borrow(LiftLowerContext& cx, uint32_t rep, const Type& t);

// --- Streams, futures, error contexts (spec: lift_stream, lift_future,
// lift_error_context, lower_stream, lower_future, lower_error_context);
// host values carry AsyncRegistry ids ---
uint32_t lift_async_value(LiftLowerContext& cx, uint32_t i, const Type& t);
uint32_t lower_async_value(LiftLowerContext& cx, uint32_t id, const Type& t);

}  // namespace wasmrr::abi
