// The call-by-call comparison of two traces behind `wasm-rr diff`, on what it
// keeps of each event: a few hashes, so that two traces of a million events
// each fit in memory (the events to show are read again from the files).
//
// Events are aligned on their call (function and arguments: what the guest
// asked), so that a call inserted or missing in one trace does not make
// everything after it differ; an aligned pair whose outcomes differ is
// Changed. What is left between aligned calls is aligned again on the
// function alone: a call to the same function with other arguments is
// Changed too (not one call missing and another inserted); the rest is only
// in A or only in B.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "trace/alignment.h"
#include "trace/trace.h"

namespace wasmrr::trace {

// An event's hashes: of its call (function and arguments), and of all of it
// (its outcome too: results, exit or trap).
struct EventHashes {
  uint64_t call = 0, whole = 0;
  bool operator==(const EventHashes&) const = default;
};
EventHashes event_hashes(const Event& e);

// What is kept of a trace's events, one entry per event.
struct EventDigests {
  std::vector<uint64_t> call;   // EventHashes::call
  std::vector<uint64_t> whole;  // EventHashes::whole
  std::vector<uint32_t> fn;     // its function, as an id both traces share

  void add(const Event& e, uint32_t fn_id);
  size_t size() const { return call.size(); }
};

// One event that is not the same in both traces.
struct EventOp {
  enum class Kind : uint8_t { Changed, OnlyA, OnlyB };
  Kind kind = Kind::Changed;
  uint64_t a = 0, b = 0;  // its index in A (Changed, OnlyA) and in B (Changed, OnlyB)
  bool operator==(const EventOp&) const = default;
};

// A maximal run of events that are not the same in both: A's events
// [a_first, a_first + a_count), B's [b_first, b_first + b_count), as the ops
// [first_op, first_op + op_count) of EventDiff::ops.
struct Stretch {
  uint64_t a_first = 0, a_count = 0, b_first = 0, b_count = 0;
  size_t first_op = 0, op_count = 0;
};

struct EventDiff {
  std::vector<EventOp> ops;  // in order of both traces
  std::vector<Stretch> stretches;
  bool coarse = false;  // the calls were aligned coarsely (Alignment::coarse)
};

EventDiff diff_events(const EventDigests& a, const EventDigests& b, const AlignOptions& options = {});

}  // namespace wasmrr::trace
