// Record: every import call goes to the real host and is appended to the
// trace as one event. Knows no WASI interface: it sees names and typed values.
#pragma once

#include <optional>
#include <unordered_map>

#include "rr/event_encoder.h"
#include "rr/redactor.h"
#include "runtime/host.h"
#include "runtime/instance.h"
#include "trace/writer.h"

namespace wasmrr::rr {

class Recorder final : public runtime::CallInterposer {
 public:
  // `dedup_window`: results the guest had before are recorded as references
  // (rr/seen_bytes.h), as the trace's header must say; 0: never. Not with redaction.
  explicit Recorder(trace::TraceWriter& writer, std::vector<std::string> redact_names = {}, uint64_t dedup_window = 0)
      : writer_(writer),
        redactor_(std::move(redact_names)),
        encoder_(writer.format(), &writer.names(), /*staged=*/true) {
    if (dedup_window > 0 && !redactor_.active()) {
      seen_.emplace(dedup_window, /*keep_bytes=*/false);
      encoder_.set_seen(&*seen_);
    }
  }

  runtime::Values call(const runtime::ImportedFunc& f, runtime::Values& args) override;
  abi::Value call_scalar(const runtime::ImportedFunc& f, std::span<const abi::Value> args) override;
  // Ends the trace with the run's outcome.
  // `end`: what else the end record holds (the faults injected, the response
  // sent); finish() fills in how the run ended.
  void finish(const runtime::Outcome& outcome, trace::End end = {});
  // Ends and closes the trace with a stop from outside (a signal, --timeout),
  // counting the events written (end.events). May be called from another
  // thread while the guest runs; nothing is written after it.
  // Returns the number of events in the trace.
  uint64_t finish_stopped(trace::End end);
  uint64_t events() const { return events_; }

 private:
  void write(trace::Event& event);
  // Hands element_, an event encoder_ encoded, to the writer. `names_new`:
  // as TraceWriter::write_encoded's.
  void write_element(bool names_new = true);
  // What the recorder keeps of a function: its events' start, encoded, and
  // whether call_scalar may encode them by hand (EventEncoder::plain_scalars);
  // in a JSON trace, the shape the writer makes them text by instead.
  struct FuncEvents {
    std::string prefix;  // {"fn":..,"args":
    bool plain_scalars = false;
    const trace::ScalarEventShape* shape = nullptr;  // the writer's
  };
  const FuncEvents& events_of(const runtime::ImportedFunc& f, bool& named);
  runtime::Values call_redacting(const runtime::ImportedFunc& f, runtime::Values& args);

  trace::TraceWriter& writer_;
  Redactor redactor_;
  EventEncoder encoder_;
  std::optional<SeenBytes> seen_;
  std::string element_;  // the fast path's, reused
  runtime::Values scalar_args_;  // call_scalar's, reused
  std::unordered_map<const runtime::ImportedFunc*, FuncEvents> funcs_;
  FuncEvents unstable_;  // one not kept (events_of)
  const runtime::ImportedFunc* last_func_ = nullptr;  // the last one kept, and what is kept of it
  const FuncEvents* last_events_ = nullptr;
  uint64_t events_ = 0;
};

}  // namespace wasmrr::rr
