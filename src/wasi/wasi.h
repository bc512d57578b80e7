// The WASI host: the wasi:cli, wasi:io, wasi:clocks, wasi:random,
// wasi:filesystem, wasi:sockets and wasi:http packages, registered as
// version 0.2.12 so that every semver-compatible 0.2.x import binds to them
// (runtime/host.h). One folder per package (cli/, io/, ...), each with its
// own state (<package>/<package>.h) and one source file per WIT interface;
// common/ holds what they all use. OS access sits in small source classes
// (common/clock.h, random/random_source.h, io/stream.h, ...). The WASI
// 0.3.0 host (p3/) is registered beside it, on the same sources and stdio:
// wasi:cli, wasi:clocks and wasi:random so far.
#pragma once

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "runtime/host.h"
#include "wasi/cli/cli.h"
#include "wasi/common/clock.h"
#include "wasi/common/virtual_time.h"
#include "wasi/filesystem/filesystem.h"
#include "wasi/http/policy.h"
#include "wasi/http/server.h"
#include "wasi/random/random_source.h"
#include "wasi/sockets/socket_policy.h"

namespace wasmrr::wasi {

// What the guest's world is: its command line and stdio (CliConfig), and
// what it may reach.
struct WasiConfig : CliConfig {
  std::vector<Preopen> preopens;
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

// A seeded world's sources (run/record --seed): the clocks read `time`, and
// both random interfaces are drawn from the seed (mt19937-64, the same
// numbers on every machine).
WasiSources seeded_sources(VirtualTime& time, uint64_t seed);

// Owns the package states of one guest run. The functions
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

  // Registers the host of each WASI version in `versions` (by default both),
  // and if it names interfaces only those (the registry is told to expect
  // them: HostRegistry::expect_imports).
  void register_all(runtime::HostRegistry& registry, WasiVersions versions = {});

  // Live host resources of all kinds (for tests and leak checks).
  size_t live_resources() const;

  // serve (http/server.h): a request for the guest's incoming-handler and the
  // response-outparam that fills `response`; each returns the resource's rep.
  uint32_t offer_incoming_request(ServerRequest request);
  uint32_t offer_response_outparam(std::shared_ptr<ServerResponse> response);

 private:
  struct Packages;
  std::unique_ptr<Packages> packages_;
};

}  // namespace wasmrr::wasi
