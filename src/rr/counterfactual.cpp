#include "rr/counterfactual.h"

#include <fmt/format.h>

#include "util/trap.h"

namespace wasmrr::rr {
namespace {

using abi::Kind;
using abi::Type;
using abi::Value;

bool is_handle(const Type& t) { return t.kind == Kind::Own || t.kind == Kind::Borrow; }

// Calls fn on every handle in `v` (of type `t`), in order.
void for_each_handle(Value& v, const Type& t, const std::function<void(Value&)>& fn) {
  if (is_handle(t)) return fn(v);
  switch (t.kind) {
    case Kind::List:
      if (!t.is_byte_list())
        for (auto& item : v.items) for_each_handle(item, *t.elem, fn);
      return;
    case Kind::Record:
    case Kind::Tuple:
      for (size_t i = 0; i < v.items.size() && i < t.fields.size(); i++) for_each_handle(v.items[i], *t.fields[i].type, fn);
      return;
    case Kind::Variant:
    case Kind::Option:
    case Kind::Result: {
      const Type* payload = v.num < t.cases.size() ? t.cases[v.num].type.get() : nullptr;
      if (t.kind == Kind::Option) payload = v.num == 1 ? t.elem.get() : nullptr;
      if (payload && !v.items.empty()) for_each_handle(v.items[0], *payload, fn);
      return;
    }
    default: return;
  }
}

// Calls fn(recorded, live) on the handles at the same place in both values,
// as far as they take the same cases and lengths.
void pair_handles(const Value& rec, const Value& live, const Type& t, const std::function<void(uint32_t, uint32_t)>& fn) {
  if (is_handle(t)) return fn(static_cast<uint32_t>(rec.num), static_cast<uint32_t>(live.num));
  switch (t.kind) {
    case Kind::List:
      if (t.is_byte_list() || rec.items.size() != live.items.size()) return;
      for (size_t i = 0; i < rec.items.size(); i++) pair_handles(rec.items[i], live.items[i], *t.elem, fn);
      return;
    case Kind::Record:
    case Kind::Tuple:
      for (size_t i = 0; i < t.fields.size() && i < rec.items.size() && i < live.items.size(); i++)
        pair_handles(rec.items[i], live.items[i], *t.fields[i].type, fn);
      return;
    case Kind::Variant:
    case Kind::Option:
    case Kind::Result: {
      if (rec.num != live.num || rec.items.empty() || live.items.empty()) return;
      const Type* payload = t.kind == Kind::Option ? t.elem.get() : (rec.num < t.cases.size() ? t.cases[rec.num].type.get() : nullptr);
      if (payload) pair_handles(rec.items[0], live.items[0], *payload, fn);
      return;
    }
    default: return;
  }
}

}  // namespace

void Counterfactual::pair(uint32_t guest_rep, uint32_t live_rep) {
  live_of_[guest_rep] = live_rep;
  guest_of_[live_rep] = guest_rep;
  unpaired_.erase(guest_rep);
  next_guest_rep_ = std::max(next_guest_rep_, guest_rep + 1);
}

runtime::Values Counterfactual::to_live(const runtime::ImportedFunc& f, const runtime::Values& args) const {
  runtime::Values live = args;
  for (size_t i = 0; i < live.size() && i < f.type->params.size(); i++) {
    for_each_handle(live[i], *f.type->params[i].type, [&](Value& h) {
      auto it = live_of_.find(static_cast<uint32_t>(h.num));
      if (it != live_of_.end()) {
        h.num = it->second;
        return;
      }
      auto why = unpaired_.find(static_cast<uint32_t>(h.num));
      throw Trap(fmt::format("counterfactual replay: {} takes a handle the live host has no counterpart of ({})",
                             f.name, why != unpaired_.end() ? why->second : "made before the live host took over"));
    });
  }
  return live;
}

// A call that takes an own gives its resource away: the pair is gone.
void Counterfactual::forget_consumed(const runtime::ImportedFunc& f, const runtime::Values& live_args) {
  for (size_t i = 0; i < live_args.size() && i < f.type->params.size(); i++) {
    if (f.type->params[i].type->kind != Kind::Own) continue;
    auto g = guest_of_.find(static_cast<uint32_t>(live_args[i].num));
    if (g == guest_of_.end()) continue;
    live_of_.erase(g->second);
    guest_of_.erase(g);
  }
}

runtime::Values Counterfactual::shadow(const runtime::ImportedFunc& f, runtime::Values& args) {
  uint64_t event = next_;
  runtime::Values recorded_args = args;  // the host may move from args
  runtime::Values recorded = replayer_.call(f, recorded_args);  // checks the call; ends the run where the recording did
  next_++;
  auto note_unpaired = [&](const std::string& why) {
    for (size_t i = 0; i < recorded.size() && i < f.type->results.size(); i++)
      for_each_handle(recorded[i], *f.type->results[i].type, [&](Value& h) {
        unpaired_[static_cast<uint32_t>(h.num)] = fmt::format("event {}, {}: {}", event, f.name, why);
        next_guest_rep_ = std::max(next_guest_rep_, static_cast<uint32_t>(h.num) + 1);
      });
  };
  if (!f.impl) {
    note_unpaired("no live host implements it");
    return recorded;
  }
  runtime::Values live_args;
  try {
    live_args = to_live(f, args);
  } catch (const Trap& e) {
    note_unpaired(e.what());
    return recorded;
  }
  runtime::Values live;
  try {
    live = (*f.impl)(live_args);
  } catch (const std::exception& e) {
    note_unpaired(fmt::format("the live host failed: {}", e.what()));
    return recorded;
  }
  forget_consumed(f, live_args);
  note_unpaired("the live host answered otherwise");
  for (size_t i = 0; i < recorded.size() && i < live.size() && i < f.type->results.size(); i++)
    pair_handles(recorded[i], live[i], *f.type->results[i].type, [&](uint32_t g, uint32_t l) { pair(g, l); });
  return recorded;
}

runtime::Values Counterfactual::go_live(const runtime::ImportedFunc& f, runtime::Values& args) {
  if (next_ == until_ && on_switch_) on_switch_(next_);
  next_++;
  if (!f.impl) throw Trap(fmt::format("counterfactual replay: no live host implements {}", f.name));
  runtime::Values live_args = to_live(f, args);
  runtime::Values results = (*f.impl)(live_args);
  forget_consumed(f, live_args);
  for (size_t i = 0; i < results.size() && i < f.type->results.size(); i++) {
    for_each_handle(results[i], *f.type->results[i].type, [&](Value& h) {
      uint32_t live_rep = static_cast<uint32_t>(h.num);
      auto g = guest_of_.find(live_rep);
      if (g == guest_of_.end()) {
        uint32_t guest_rep = next_guest_rep_;
        pair(guest_rep, live_rep);
        h.num = guest_rep;
      } else {
        h.num = g->second;
      }
    });
  }
  return results;
}

runtime::Values Counterfactual::call(const runtime::ImportedFunc& f, runtime::Values& args) {
  return live() ? go_live(f, args) : shadow(f, args);
}

}  // namespace wasmrr::rr
