// replay --rebuilt: some calls are answered outside the trace. A rebuild of
// the recorded component (more logging, an assertion) makes calls the
// recording does not have; those of one kind — in practice, writes to stdout
// and stderr — are performed live instead of matched, and the recorded calls
// of that kind are skipped, so everything else still replays in order. Which
// calls those are is the host's business (wasi/cli/rebuilt_stdio.h): the
// replayer knows no interface.
#pragma once

#include <cstdint>

#include "runtime/host.h"
#include "trace/trace.h"
#include "util/trap.h"

namespace wasmrr::rr {

// The rebuilt component made a call that can neither be performed live nor
// replayed (e.g. a poll over stdout together with other pollables).
class NotReplayable : public Abort {
 public:
  using Abort::Abort;
};

class OutsideTrace {
 public:
  virtual ~OutsideTrace() = default;
  // Whether the guest's call is performed live (answer()) rather than replayed.
  virtual bool is_live(const runtime::ImportedFunc& f, const runtime::Values& args) = 0;
  // Performs it; `next_event` is the index of the next event of the trace.
  virtual runtime::Values answer(uint64_t next_event, const runtime::ImportedFunc& f, runtime::Values& args) = 0;
  // Whether a recorded event is a call of that kind, skipped by the replay.
  // Sees every event in order (skipped or not), so it can follow the handles
  // the skipped calls gave out.
  virtual bool skips(const trace::Event& recorded) = 0;
};

}  // namespace wasmrr::rr
