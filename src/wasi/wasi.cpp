#include "wasi/wasi.h"

#include "wasi/cli/cli.h"
#include "wasi/clocks/clocks.h"
#include "wasi/common/resource_table.h"
#include "wasi/filesystem/filesystem.h"
#include "wasi/http/http.h"
#include "wasi/io/io.h"
#include "wasi/p3/p3.h"
#include "wasi/random/random.h"
#include "wasi/sockets/sockets.h"

namespace wasmrr::wasi {
namespace {

WasiSources with_defaults(WasiSources s) {
  if (!s.wall_clock) s.wall_clock = system_wall_clock();
  if (!s.monotonic_clock) s.monotonic_clock = system_monotonic_clock();
  if (!s.random) s.random = os_random_source();
  if (!s.insecure_random) s.insecure_random = insecure_random_source(s.random->next_u64());
  return s;
}

}  // namespace

WasiSources seeded_sources(VirtualTime& time, uint64_t seed) {
  WasiSources s;
  s.wall_clock = time.wall_clock();
  s.monotonic_clock = time.monotonic_clock();
  s.random = insecure_random_source(seed ^ 0x5eed'0000'0000'0001ull);
  s.insecure_random = insecure_random_source(seed ^ 0x5eed'0000'0000'0002ull);
  return s;
}

// Each package gets the part of the configuration and the sources it uses,
// and wasi:io, through which the others make streams and pollables. All
// resource tables draw reps from one counter (resource_table.h).
struct WasiHost::Packages {
  Packages(WasiConfig c, WasiSources s)
      : config(std::move(c)),
        sources(with_defaults(std::move(s))),
        io(reps, *sources.monotonic_clock),
        clocks{*sources.wall_clock, *sources.monotonic_clock, io},
        random{*sources.random, *sources.insecure_random, std::nullopt},
        cli(io, reps, config),
        filesystem(io, reps, config.preopens),
        sockets(io, reps, config.sockets),
        http(io, reps, config.http),
        p3{cli, clocks, random, filesystem, sockets, http, {}} {}

  WasiConfig config;
  WasiSources sources;  // all non-null
  RepCounter reps;
  IoState io;
  ClocksState clocks;
  RandomState random;
  CliState cli;
  FilesystemState filesystem;
  SocketsState sockets;
  HttpState http;
  p3::P3State p3;  // WASI 0.3.0, over the same sources and stdio
};

WasiHost::WasiHost(WasiConfig config, WasiSources sources)
    : packages_(std::make_unique<Packages>(std::move(config), std::move(sources))) {}

WasiHost::~WasiHost() = default;

void WasiHost::register_all(runtime::HostRegistry& r, WasiVersions versions) {
  Packages& p = *packages_;
  if (versions.interfaces) r.expect_imports(*versions.interfaces);
  if (versions.p2) {
    register_cli(r, p.cli);
    register_io(r, p.io);
    register_clocks(r, p.clocks);
    register_random(r, p.random);
    register_filesystem(r, p.filesystem);
    register_sockets(r, p.sockets);
    register_http(r, p.http);
  }
  if (versions.p3) p3::register_all(r, p.p3);
}

size_t WasiHost::live_resources() const {
  const Packages& p = *packages_;
  return p.io.live() + p.cli.live() + p.filesystem.live() + p.sockets.live() + p.http.live();
}

uint32_t WasiHost::offer_incoming_request(ServerRequest request) {
  HttpState& http = packages_->http;
  http.serving = true;
  auto r = std::make_shared<IncomingRequest>();
  r->headers = std::make_shared<FieldList>(request.headers);
  r->request = std::make_shared<const ServerRequest>(std::move(request));
  return http.incoming_requests.insert(std::move(r));
}

uint32_t WasiHost::offer_response_outparam(std::shared_ptr<ServerResponse> response) {
  HttpState& http = packages_->http;
  http.serving = true;
  return http.response_outparams.insert(std::make_shared<ResponseOutparam>(ResponseOutparam{std::move(response)}));
}

}  // namespace wasmrr::wasi
