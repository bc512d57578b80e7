#include "cli/serve/microhttpd_api.h"

#include "util/shared_library.h"

namespace wasmrr::cli {
namespace {

MicrohttpdApi load() {
  SharedLibrary lib("libmicrohttpd.so.12", "wasm-rr serve (apt-get install libmicrohttpd12)");
  MicrohttpdApi api{};
  lib.bind(api.start_daemon, "MHD_start_daemon");
  lib.bind(api.stop_daemon, "MHD_stop_daemon");
  lib.bind(api.quiesce_daemon, "MHD_quiesce_daemon");
  lib.bind(api.get_daemon_info, "MHD_get_daemon_info");
  lib.bind(api.get_connection_values, "MHD_get_connection_values");
  lib.bind(api.create_response_from_buffer, "MHD_create_response_from_buffer");
  lib.bind(api.create_response_from_callback, "MHD_create_response_from_callback");
  lib.bind(api.add_response_footer, "MHD_add_response_footer");
  lib.bind(api.add_response_header, "MHD_add_response_header");
  lib.bind(api.queue_response, "MHD_queue_response");
  lib.bind(api.destroy_response, "MHD_destroy_response");
  return api;
}

}  // namespace

const MicrohttpdApi& microhttpd_api() {
  static const MicrohttpdApi api = load();
  return api;
}

}  // namespace wasmrr::cli
