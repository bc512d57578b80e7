// The wasi:io package of one WasiHost: the error, pollable, input-stream and
// output-stream resources. Every other package makes streams and pollables
// through this state (and nothing else of io's), so io knows none of them.
#pragma once

#include <memory>

#include "runtime/host.h"
#include "wasi/common/clock.h"
#include "wasi/common/resource_table.h"
#include "wasi/io/error.h"
#include "wasi/io/pollable.h"
#include "wasi/io/stream.h"

namespace wasmrr::wasi {

struct IoState {
  // `clock`: the time pollable deadlines are measured in (wasi:clocks' monotonic clock).
  IoState(RepCounter& reps, const MonotonicClock& clock)
      : clock(clock),
        errors("error", reps),
        pollables("pollable", reps),
        input_streams("input-stream", reps),
        output_streams("output-stream", reps) {}

  const MonotonicClock& clock;
  ResourceTable<IoError> errors;
  ResourceTable<Pollable> pollables;
  ResourceTable<InputStream> input_streams;
  ResourceTable<OutputStream> output_streams;

  size_t live() const { return errors.size() + pollables.size() + input_streams.size() + output_streams.size(); }
};

// One registration per WIT interface (error.cpp, poll.cpp, streams.cpp).
void register_io_error(runtime::HostRegistry& r, IoState& io);
void register_io_poll(runtime::HostRegistry& r, IoState& io);
void register_io_streams(runtime::HostRegistry& r, IoState& io);

inline void register_io(runtime::HostRegistry& r, IoState& io) {
  register_io_error(r, io);
  register_io_poll(r, io);
  register_io_streams(r, io);
}

}  // namespace wasmrr::wasi
