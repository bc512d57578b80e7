// Counterfactual replay (replay --until N --then live|seed:S): the first N
// events are answered from the trace, then the run goes on against a live
// host — "what if the world had answered differently from event N on".
//
// So that the live host holds at N what the recorded one held (the streams,
// files and sockets the guest has handles to), it performs the first N calls
// too, as a shadow: the guest gets the recorded answers, and the live
// answers are used only to pair the handles they hold with the recorded
// ones. From N on, the guest's handles are translated to the live host's and
// back. A prefix call the live host answers otherwise (an error where the
// recording got a handle) leaves that handle without a live counterpart;
// using it later traps with a message that names the event.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>

#include "rr/replayer.h"
#include "runtime/host.h"

namespace wasmrr::rr {

class Counterfactual final : public runtime::CallInterposer {
 public:
  // `replayer` has read its trace's header. `on_switch` is called once, at
  // the first call of event `until` (to say so).
  Counterfactual(Replayer& replayer, uint64_t until, std::function<void(uint64_t event)> on_switch)
      : replayer_(replayer), until_(until), on_switch_(std::move(on_switch)) {}

  runtime::Values call(const runtime::ImportedFunc& f, runtime::Values& args) override;
  bool live() const { return next_ >= until_; }

 private:
  runtime::Values shadow(const runtime::ImportedFunc& f, runtime::Values& args);
  runtime::Values go_live(const runtime::ImportedFunc& f, runtime::Values& args);
  // The guest's handles in `args` as the live host's; throws Trap for one it has no counterpart of.
  runtime::Values to_live(const runtime::ImportedFunc& f, const runtime::Values& args) const;
  void forget_consumed(const runtime::ImportedFunc& f, const runtime::Values& live_args);
  void pair(uint32_t guest_rep, uint32_t live_rep);

  Replayer& replayer_;
  uint64_t until_;
  std::function<void(uint64_t)> on_switch_;
  uint64_t next_ = 0;  // the next event's index
  std::map<uint32_t, uint32_t> live_of_;   // guest rep -> live rep
  std::map<uint32_t, uint32_t> guest_of_;  // live rep -> guest rep
  std::map<uint32_t, std::string> unpaired_;  // guest reps the live host has no counterpart of: why
  uint32_t next_guest_rep_ = 1;            // above every guest rep seen
};

}  // namespace wasmrr::rr
