// Handles of the Canonical ABI: the spec's Table and ResourceHandle rules,
// lift_own / lift_borrow / lower_own / lower_borrow, and the lend and borrow
// bookkeeping of a call (track_owning_lend, exit_call).
#include <cassert>

#include "abi/canonical_detail.h"

namespace wasmrr::abi {

using detail::trap;
using detail::TABLE_MAX_LENGTH;

// --- HandleTable (spec: Table) ---

uint32_t HandleTable::add(ResourceHandle h) {
  if (live_count() >= max_live_)
    trap("the component instance already holds {} live handles, the limit (--max-handles); "
         "is it dropping the resources it no longer uses?", max_live_);
  if (!free_.empty()) {
    const uint32_t i = free_.back();
    free_.pop_back();
    assert(!array_[i]);
    array_[i] = std::move(h);
    return i;
  }
  const size_t i = array_.size();
  if (i > TABLE_MAX_LENGTH) trap("resource table is full ({} handles)", TABLE_MAX_LENGTH);
  array_.push_back(std::move(h));
  return static_cast<uint32_t>(i);
}

ResourceHandle& HandleTable::get(uint32_t i) {
  if (i == 0) trap("handle index 0 is invalid (index 0 is reserved)");
  if (i >= array_.size() || !array_[i]) trap("handle index {} is not in the resource table", i);
  return *array_[i];
}

ResourceHandle HandleTable::remove(uint32_t i) {
  ResourceHandle h = std::move(get(i));
  array_[i].reset();
  free_.push_back(i);
  return h;
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
    ResourceHandle& h = inst.resources.get(i);
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
  ResourceHandle& h = cx.inst.resources.get(i);
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
  return cx.inst.resources.remove(i).rep;
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
  return cx.inst.resources.add(std::move(h));
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
  return cx.inst.resources.add(std::move(h));
}

}  // namespace wasmrr::abi
