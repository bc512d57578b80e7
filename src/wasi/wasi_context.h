// The state shared by all interface implementations of one WasiHost
// (internal to wasi/).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <utility>

#include "wasi/filesystem.h"
#include "wasi/http_state.h"
#include "wasi/pollable.h"
#include "wasi/resource_table.h"
#include "wasi/sockets_state.h"
#include "wasi/stream.h"
#include "wasi/wasi.h"

namespace wasmrr::wasi {

// wasi:io/error.
struct IoError {
  std::string message;
  std::optional<ErrorCode> fs_code;  // set when a file operation failed
  std::optional<abi::Value> http_code;  // wasi:http error-code, for HTTP body streams
  std::optional<abi::Value> net_code;   // wasi:sockets error-code, for TCP streams
};

// wasi:cli/terminal-input and terminal-output carry no methods in 0.2.
struct Terminal {
  int fd = -1;
};

struct PreopenDescriptor {
  std::shared_ptr<Descriptor> descriptor;
  std::string guest_path;
};

struct WasiContext {
  WasiContext(WasiConfig c, WasiSources s);

  WasiConfig config;
  WasiSources sources;  // all non-null
  std::vector<PreopenDescriptor> preopens;
  std::optional<std::pair<uint64_t, uint64_t>> insecure_seed;

  RepCounter reps;
  ResourceTable<IoError> errors{"error", reps};
  ResourceTable<Pollable> pollables{"pollable", reps};
  ResourceTable<InputStream> input_streams{"input-stream", reps};
  ResourceTable<OutputStream> output_streams{"output-stream", reps};
  ResourceTable<Terminal> terminal_inputs{"terminal-input", reps};
  ResourceTable<Terminal> terminal_outputs{"terminal-output", reps};
  ResourceTable<Descriptor> descriptors{"descriptor", reps};
  ResourceTable<DirectoryEntryStream> directory_entry_streams{"directory-entry-stream", reps};
  SocketsState sockets{reps};  // wasi:sockets (sockets_state.h)
  HttpState http{reps};        // wasi:http (http_state.h)

  const MonotonicClock& monotonic() const { return *sources.monotonic_clock; }
};

}  // namespace wasmrr::wasi
