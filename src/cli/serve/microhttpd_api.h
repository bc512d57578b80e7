// libmicrohttpd, loaded when `wasm-rr serve` starts rather than linked:
// it needs GnuTLS and its dependencies, which no other command should pay
// for at start-up (as wasi/http/curl_api.h does for libcurl). Only the
// functions the server calls, typed as libmicrohttpd declares them.
#pragma once

#include <microhttpd.h>

namespace wasmrr::cli {

struct MicrohttpdApi {
  decltype(&::MHD_start_daemon) start_daemon;
  decltype(&::MHD_stop_daemon) stop_daemon;
  decltype(&::MHD_quiesce_daemon) quiesce_daemon;
  decltype(&::MHD_get_daemon_info) get_daemon_info;
  decltype(&::MHD_get_connection_values) get_connection_values;
  decltype(&::MHD_create_response_from_buffer) create_response_from_buffer;
  decltype(&::MHD_create_response_from_callback) create_response_from_callback;
  decltype(&::MHD_add_response_footer) add_response_footer;
  decltype(&::MHD_add_response_header) add_response_header;
  decltype(&::MHD_queue_response) queue_response;
  decltype(&::MHD_destroy_response) destroy_response;
};

// Loads libmicrohttpd.so.12 on first use; throws std::runtime_error saying
// what to install if it cannot.
const MicrohttpdApi& microhttpd_api();

}  // namespace wasmrr::cli
