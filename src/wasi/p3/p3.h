// The WASI 0.3.0 host: wasi:cli (run as an async func; stdio as streams),
// wasi:clocks, wasi:random, registered as version 0.3.0. Streams and
// futures cross through the runtime's wasm-rr:async/streams calls
// (runtime/tasks.h), which this host answers for the streams it holds: the
// guest's stdout and stderr, the stdin it reads, and the futures that tell
// how each ended. Everything answers at once or blocks the one host thread
// (a stdin read, a wait-for): see runtime/tasks.h for why.
#pragma once

#include <map>
#include <optional>

#include "abi/async.h"
#include "runtime/host.h"
#include "wasi/cli/cli.h"
#include "wasi/clocks/clocks.h"
#include "wasi/random/random.h"

namespace wasmrr::wasi::p3 {

// A stream the host holds, and the future that reports how it ended.
struct HostStream {
  int fd = -1;
  bool output = true;   // the guest writes (stdout, stderr) or reads (stdin)
  bool ended = false;   // the guest dropped its end, or the host's input ended
  uint32_t error = 0;   // 0: none; else 1 + the error-code's case
  uint32_t future = 0;  // its result future
};

struct StreamsState {
  std::map<uint32_t, HostStream> streams;            // by stream id
  std::map<uint32_t, uint32_t> futures;              // future id -> stream id
  // Host-made ids have the high bit set, so they never meet the runtime's
  // own (abi::AsyncRegistry, which count up from 1); a replay reads them
  // from the trace.
  uint32_t next_id = abi::AsyncRegistry::kFirstHostId;
  uint32_t new_id() { return next_id++; }
};

struct P3State {
  CliState& cli;
  ClocksState& clocks;
  RandomState& random;
  StreamsState streams;
};

void register_cli(runtime::HostRegistry& r, P3State& s);
void register_clocks(runtime::HostRegistry& r, P3State& s);
void register_random(runtime::HostRegistry& r, P3State& s);
void register_streams(runtime::HostRegistry& r, P3State& s);

inline void register_all(runtime::HostRegistry& r, P3State& s) {
  register_cli(r, s);
  register_clocks(r, s);
  register_random(r, s);
  register_streams(r, s);
}

}  // namespace wasmrr::wasi::p3
