// The WASI 0.2 host: implementations of the wasi:cli, wasi:io, wasi:clocks,
// wasi:random and wasi:filesystem interfaces, registered by unversioned name
// so that any 0.2.x import binds to them. One source file per WIT interface
// (cli_environment.cpp, io_streams.cpp, ...); OS access sits in small source
// classes (clock.h, random_source.h, stream.h, pollable.h, filesystem.h).
#pragma once

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "runtime/host.h"
#include "wasi/clock.h"
#include "wasi/http_policy.h"
#include "wasi/random_source.h"
#include "wasi/socket_policy.h"

namespace wasmrr::wasi {

// A host directory the guest sees as a preopened descriptor.
struct Preopen {
  std::string host_path;
  std::string guest_path;
  bool read_only = false;
};

struct WasiConfig {
  std::vector<std::string> args;
  std::vector<std::pair<std::string, std::string>> env;
  std::string cwd;  // empty: initial-cwd returns none
  std::vector<Preopen> preopens;
  int stdin_fd = 0;
  int stdout_fd = 1;
  int stderr_fd = 2;
  SocketsConfig sockets;  // what wasi:sockets may do; nothing by default
  HttpPolicy http;        // where wasi:http may send requests; nowhere by default
};

// The non-deterministic sources; any left null gets the system one.
struct WasiSources {
  std::unique_ptr<WallClock> wall_clock;
  std::unique_ptr<MonotonicClock> monotonic_clock;
  std::unique_ptr<RandomSource> random;
  std::unique_ptr<RandomSource> insecure_random;
};

struct WasiContext;

// Owns the resource tables and state of one guest run. The functions
// registered by register_all() refer to this object: it must outlive every
// call through the registry.
class WasiHost {
 public:
  // Opens the preopened directories; throws std::runtime_error naming the
  // directory if one cannot be opened.
  explicit WasiHost(WasiConfig config, WasiSources sources = {});
  ~WasiHost();
  WasiHost(const WasiHost&) = delete;
  WasiHost& operator=(const WasiHost&) = delete;

  void register_all(runtime::HostRegistry& registry);

  // Live host resources of all kinds (for tests and leak checks).
  size_t live_resources() const;

 private:
  std::unique_ptr<WasiContext> cx_;
};

}  // namespace wasmrr::wasi
