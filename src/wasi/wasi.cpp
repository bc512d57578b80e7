#include "wasi/wasi.h"

#include <stdexcept>

#include <fmt/format.h>

#include "wasi/interfaces.h"

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

WasiContext::WasiContext(WasiConfig c, WasiSources s) : config(std::move(c)), sources(with_defaults(std::move(s))) {
  for (const Preopen& p : config.preopens) {
    auto d = Descriptor::open_directory(p.host_path, p.read_only);
    if (!d.ok())
      throw std::runtime_error(
          fmt::format("cannot open directory '{}' to preopen: {}", p.host_path, error_code_name(d.error())));
    preopens.push_back({std::move(d.value()), p.guest_path});
  }
}

WasiHost::WasiHost(WasiConfig config, WasiSources sources)
    : cx_(std::make_unique<WasiContext>(std::move(config), std::move(sources))) {}

WasiHost::~WasiHost() = default;

void WasiHost::register_all(runtime::HostRegistry& r) {
  WasiContext& cx = *cx_;
  register_cli_environment(r, cx);
  register_cli_exit(r, cx);
  register_cli_stdin(r, cx);
  register_cli_stdout(r, cx);
  register_cli_stderr(r, cx);
  register_cli_terminal_input(r, cx);
  register_cli_terminal_output(r, cx);
  register_cli_terminal_stdin(r, cx);
  register_cli_terminal_stdout(r, cx);
  register_cli_terminal_stderr(r, cx);
  register_io_error(r, cx);
  register_io_poll(r, cx);
  register_io_streams(r, cx);
  register_clocks_wall_clock(r, cx);
  register_clocks_monotonic_clock(r, cx);
  register_random_random(r, cx);
  register_random_insecure(r, cx);
  register_random_insecure_seed(r, cx);
  register_filesystem_types(r, cx);
  register_filesystem_preopens(r, cx);
  register_sockets_network(r, cx);
  register_sockets_instance_network(r, cx);
  register_sockets_tcp(r, cx);
  register_sockets_tcp_create_socket(r, cx);
  register_sockets_udp(r, cx);
  register_sockets_udp_create_socket(r, cx);
  register_sockets_ip_name_lookup(r, cx);
  register_http_types(r, cx);
  register_http_outgoing_handler(r, cx);
}

size_t WasiHost::live_resources() const {
  const WasiContext& cx = *cx_;
  return cx.errors.size() + cx.pollables.size() + cx.input_streams.size() + cx.output_streams.size() +
         cx.terminal_inputs.size() + cx.terminal_outputs.size() + cx.descriptors.size() +
         cx.directory_entry_streams.size() + cx.sockets.size() + cx.http.live();
}

}  // namespace wasmrr::wasi
