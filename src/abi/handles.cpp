// Handles of the Canonical ABI: the spec's Table and ResourceHandle rules,
// lift_own / lift_borrow / lower_own / lower_borrow, and the lend and borrow
// bookkeeping of a call (track_owning_lend, exit_call).
#include <cassert>

#include "abi/canonical_detail.h"

namespace wasmrr::abi {

using detail::trap;
using detail::TABLE_MAX_LENGTH;

// --- HandleTable (spec: Table) ---

uint32_t HandleTable::add_slot(Slot slot) {
  if (live_count() >= max_live_)
    trap("the component instance already holds {} live handles, the limit (--max-handles); "
         "is it dropping the resources it no longer uses?", max_live_);
  if (!free_.empty()) {
    const uint32_t i = free_.back();
    free_.pop_back();
    assert(array_[i].empty());
    array_[i] = std::move(slot);
    return i;
  }
  const size_t i = array_.size();
  if (i > TABLE_MAX_LENGTH) trap("handle table is full ({} handles)", TABLE_MAX_LENGTH);
  array_.push_back(std::move(slot));
  return static_cast<uint32_t>(i);
}

uint32_t HandleTable::add(ResourceHandle h) { return add_slot(Slot{std::move(h), nullptr}); }
uint32_t HandleTable::add(std::shared_ptr<TableElement> e) { return add_slot(Slot{std::nullopt, std::move(e)}); }

HandleTable::Slot& HandleTable::slot(uint32_t i, std::string_view what) {
  if (i == 0) trap("{}: handle index 0 is invalid (index 0 is reserved)", what);
  if (i >= array_.size() || array_[i].empty()) trap("{}: handle index {} is not in the handle table", what, i);
  return array_[i];
}

ResourceHandle& HandleTable::get(uint32_t i) {
  Slot& s = slot(i, "resource");
  if (!s.resource) trap("handle {} is a {}, not a resource handle", i, s.element->what());
  return *s.resource;
}

ResourceHandle HandleTable::remove(uint32_t i) {
  ResourceHandle h = std::move(get(i));
  release(i);
  return h;
}

std::shared_ptr<TableElement> HandleTable::get_element(uint32_t i, std::string_view what) {
  Slot& s = slot(i, what);
  if (!s.element) trap("{}: handle {} is a resource handle (trap_if(not isinstance(...)))", what, i);
  return s.element;
}

void HandleTable::wrong_element(uint32_t i, std::string_view what) {
  trap("{}: handle {} is a {}, the wrong kind of element (trap_if(not isinstance(...)))", what, i,
       array_[i].element->what());
}

void HandleTable::release(uint32_t i) {
  array_[i] = Slot{};
  free_.push_back(i);
}

size_t HandleTable::live_count() const { return array_.size() - 1 - free_.size(); }

// --- LiftLowerContext ---

// spec (earlier revision): CallContext.track_owning_lend; current: Subtask.add_lender
void LiftLowerContext::track_owning_lend(ResourceHandle& h, uint32_t index) {
  assert(h.own);
  h.num_lends += 1;
  lenders.push_back(index);
}

// spec: Subtask.deliver_resolve releases lends; Task.return traps on num_borrows
void LiftLowerContext::exit_call() {
  for (uint32_t i : lenders) {
    ResourceHandle& h = inst.handles.get(i);
    assert(h.num_lends > 0);
    h.num_lends -= 1;
  }
  lenders.clear();
  if (borrow_count != 0) {
    trap("call returned while {} borrowed handle(s) lent to it were not dropped", borrow_count);
  }
}

// --- Handles ---

namespace {

ResourceHandle& get_handle(LiftLowerContext& cx, uint32_t i, const Type& t) {
  ResourceHandle& h = cx.inst.handles.get(i);
  if (h.rt != t.resource) {
    trap("handle {} is a {}<{}> where {} was expected", i, h.own ? "own" : "borrow",
         h.rt ? h.rt->name : "?", to_string(t));
  }
  return h;
}

}  // namespace

// spec: lift_own — the handle moves out of the guest's table.
uint32_t lift_own(LiftLowerContext& cx, uint32_t i, const Type& t) {
  const ResourceHandle& h = get_handle(cx, i, t);
  if (h.num_lends != 0) trap("own handle {} cannot be moved: it is lent to {} call(s)", i, h.num_lends);
  if (!h.own) trap("handle {} is a borrow where {} was expected", i, to_string(t));
  return cx.inst.handles.remove(i).rep;
}

// spec: lift_borrow — own handles are lent until exit_call.
uint32_t lift_borrow(LiftLowerContext& cx, uint32_t i, const Type& t) {
  ResourceHandle& h = get_handle(cx, i, t);
  if (h.own) cx.track_owning_lend(h, i);
  return h.rep;
}

// spec: lower_own
uint32_t lower_own(LiftLowerContext& cx, uint32_t rep, const Type& t) {
  ResourceHandle h;
  h.rt = t.resource;
  h.rep = rep;
  h.own = true;
  return cx.inst.handles.add(std::move(h));
}

// spec: lower_borrow — a component receiving a borrow of its own resource
// gets the rep itself; otherwise a borrow handle scoped to this call.
uint32_t lower_borrow(LiftLowerContext& cx, uint32_t rep, const Type& t) {
  if (t.resource && t.resource->owner == static_cast<const void*>(&cx.inst)) return rep;
  ResourceHandle h;
  h.rt = t.resource;
  h.rep = rep;
  h.own = false;
  h.borrow_scope = &cx;
  cx.borrow_count += 1;
  return cx.inst.handles.add(std::move(h));
}

// --- Streams, futures, error contexts ---

// spec: lift_async_value (streams and futures: the readable end moves out of
// the guest's table) and lift_error_context (the handle stays).
uint32_t lift_async_value(LiftLowerContext& cx, uint32_t i, const Type& t) {
  if (!cx.inst.async) trap("{} value with no async support in this runtime", kind_name(t.kind));
  if (t.kind == Kind::ErrorContext) {
    auto e = cx.inst.handles.get_as<ErrorContext>(i, "lift_error_context");
    return cx.inst.async->error_context_id(e->debug_message);
  }
  const std::string_view what = t.kind == Kind::Stream ? "lift_stream" : "lift_future";
  auto e = cx.inst.handles.get_as<CopyEnd>(i, what);
  if (!e->readable || e->shared->is_future != (t.kind == Kind::Future))
    trap("{}: handle {} is a {} where the readable end of a {} was expected", what, i, e->what(), to_string(t));
  if (!same_payload(e->shared->t, t.elem))
    trap("{}: handle {} is a {} of another type than {} (trap_if(e.shared.t != t))", what, i, e->what(), to_string(t));
  if (e->state != CopyState::IDLE) trap("{}: handle {} is being copied (trap_if(e.state != CopyState.IDLE))", what, i);
  if (e->in_waitable_set()) trap("{}: handle {} is in a waitable set (trap_if(e.in_waitable_set()))", what, i);
  cx.inst.handles.remove_as<CopyEnd>(i, what);
  uint32_t id = cx.inst.async->id_of(e->shared);
  if (cx.to_host) e->shared->host = cx.inst.async->host;
  return id;
}

// spec: lower_stream, lower_future (a new readable end), lower_error_context.
uint32_t lower_async_value(LiftLowerContext& cx, uint32_t id, const Type& t) {
  if (!cx.inst.async) trap("{} value with no async support in this runtime", kind_name(t.kind));
  if (t.kind == Kind::ErrorContext) {
    auto e = std::make_shared<ErrorContext>();
    e->debug_message = cx.inst.async->error_context_message(id);
    return cx.inst.handles.add(std::move(e));
  }
  auto shared = cx.inst.async->stream_for(id, t.elem, t.kind == Kind::Future);
  return cx.inst.handles.add(std::make_shared<CopyEnd>(std::move(shared), true));
}

}  // namespace wasmrr::abi
