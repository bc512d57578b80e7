// Record: every import call goes to the real host and is appended to the
// trace as one event. Knows no WASI interface: it sees names and typed values.
#pragma once

#include <unordered_map>

#include "rr/event_encoder.h"
#include "rr/redactor.h"
#include "runtime/host.h"
#include "runtime/instance.h"
#include "trace/writer.h"

namespace wasmrr::rr {

class Recorder final : public runtime::CallInterposer {
 public:
  explicit Recorder(trace::TraceWriter& writer, std::vector<std::string> redact_names = {})
      : writer_(writer), redactor_(std::move(redact_names)), encoder_(writer.format(), &writer.names()) {}

  runtime::Values call(const runtime::ImportedFunc& f, runtime::Values& args) override;
  // Ends the trace with the run's outcome.
  void finish(const runtime::Outcome& outcome);
  // Ends and closes the trace with a stop from outside (a signal, --timeout),
  // counting the events written (end.events). May be called from another
  // thread while the guest runs; nothing is written after it.
  // Returns the number of events in the trace.
  uint64_t finish_stopped(trace::End end);
  uint64_t events() const { return events_; }

 private:
  void write(trace::Event& event);
  const std::string& prefix_of(const runtime::ImportedFunc& f);
  runtime::Values call_redacting(const runtime::ImportedFunc& f, runtime::Values& args);

  trace::TraceWriter& writer_;
  Redactor redactor_;
  EventEncoder encoder_;
  std::string args_, results_, element_;  // reused buffers of the fast path
  std::unordered_map<const runtime::ImportedFunc*, std::string> prefixes_;  // encoded {"fn":..,"args":
  std::string unstable_prefix_;  // one not kept (prefix_of)
  uint64_t events_ = 0;
};

}  // namespace wasmrr::rr
