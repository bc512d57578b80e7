// One registration function per WIT interface (internal to wasi/). Each
// defines every function of its interface, including the [resource-drop]
// of the resources the interface declares.
#pragma once

#include "runtime/host.h"
#include "wasi/wasi_context.h"

namespace wasmrr::wasi {

void register_cli_environment(runtime::HostRegistry& r, WasiContext& cx);
void register_cli_exit(runtime::HostRegistry& r, WasiContext& cx);
void register_cli_stdin(runtime::HostRegistry& r, WasiContext& cx);
void register_cli_stdout(runtime::HostRegistry& r, WasiContext& cx);
void register_cli_stderr(runtime::HostRegistry& r, WasiContext& cx);
void register_cli_terminal_input(runtime::HostRegistry& r, WasiContext& cx);
void register_cli_terminal_output(runtime::HostRegistry& r, WasiContext& cx);
void register_cli_terminal_stdin(runtime::HostRegistry& r, WasiContext& cx);
void register_cli_terminal_stdout(runtime::HostRegistry& r, WasiContext& cx);
void register_cli_terminal_stderr(runtime::HostRegistry& r, WasiContext& cx);
void register_io_error(runtime::HostRegistry& r, WasiContext& cx);
void register_io_poll(runtime::HostRegistry& r, WasiContext& cx);
void register_io_streams(runtime::HostRegistry& r, WasiContext& cx);
void register_clocks_wall_clock(runtime::HostRegistry& r, WasiContext& cx);
void register_clocks_monotonic_clock(runtime::HostRegistry& r, WasiContext& cx);
void register_random_random(runtime::HostRegistry& r, WasiContext& cx);
void register_random_insecure(runtime::HostRegistry& r, WasiContext& cx);
void register_random_insecure_seed(runtime::HostRegistry& r, WasiContext& cx);
void register_filesystem_types(runtime::HostRegistry& r, WasiContext& cx);
void register_filesystem_preopens(runtime::HostRegistry& r, WasiContext& cx);
void register_sockets_network(runtime::HostRegistry& r, WasiContext& cx);
void register_sockets_instance_network(runtime::HostRegistry& r, WasiContext& cx);
void register_sockets_tcp(runtime::HostRegistry& r, WasiContext& cx);
void register_sockets_tcp_create_socket(runtime::HostRegistry& r, WasiContext& cx);
void register_sockets_udp(runtime::HostRegistry& r, WasiContext& cx);
void register_sockets_udp_create_socket(runtime::HostRegistry& r, WasiContext& cx);
void register_sockets_ip_name_lookup(runtime::HostRegistry& r, WasiContext& cx);
void register_http_types(runtime::HostRegistry& r, WasiContext& cx);
void register_http_outgoing_handler(runtime::HostRegistry& r, WasiContext& cx);

}  // namespace wasmrr::wasi
