// libcurl, loaded when the first outgoing HTTP request needs it rather than
// when wasm-rr starts: linking it costs every start-up about 4 ms (libcurl
// and the twenty libraries it needs, for TLS, Kerberos, LDAP, ...), which a
// guest that makes no request should not pay. Only the functions the client
// calls, typed as libcurl declares them.
#pragma once

#include <curl/curl.h>

namespace wasmrr::wasi {

struct CurlApi {
  decltype(&::curl_global_init) global_init;
  decltype(&::curl_easy_init) easy_init;
  decltype(&::curl_easy_cleanup) easy_cleanup;
  decltype(&::curl_easy_setopt) easy_setopt;
  decltype(&::curl_easy_getinfo) easy_getinfo;
  decltype(&::curl_easy_pause) easy_pause;
  decltype(&::curl_easy_strerror) easy_strerror;
  decltype(&::curl_multi_init) multi_init;
  decltype(&::curl_multi_cleanup) multi_cleanup;
  decltype(&::curl_multi_setopt) multi_setopt;
  decltype(&::curl_multi_add_handle) multi_add_handle;
  decltype(&::curl_multi_remove_handle) multi_remove_handle;
  decltype(&::curl_multi_assign) multi_assign;
  decltype(&::curl_multi_socket_action) multi_socket_action;
  decltype(&::curl_multi_info_read) multi_info_read;
  decltype(&::curl_slist_append) slist_append;
  decltype(&::curl_slist_free_all) slist_free_all;
};

// Loads libcurl (libcurl.so.4) on first use. Throws std::runtime_error,
// saying what is missing, if it cannot.
const CurlApi& curl_api();

}  // namespace wasmrr::wasi
