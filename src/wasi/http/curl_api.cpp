#include "wasi/http/curl_api.h"

#include "util/shared_library.h"

namespace wasmrr::wasi {

namespace {

CurlApi load() {
  SharedLibrary lib("libcurl.so.4", "wasi:http (apt-get install libcurl4)");
  CurlApi api{};
  lib.bind(api.global_init, "curl_global_init");
  lib.bind(api.easy_init, "curl_easy_init");
  lib.bind(api.easy_cleanup, "curl_easy_cleanup");
  lib.bind(api.easy_setopt, "curl_easy_setopt");
  lib.bind(api.easy_getinfo, "curl_easy_getinfo");
  lib.bind(api.easy_pause, "curl_easy_pause");
  lib.bind(api.easy_strerror, "curl_easy_strerror");
  lib.bind(api.multi_init, "curl_multi_init");
  lib.bind(api.multi_cleanup, "curl_multi_cleanup");
  lib.bind(api.multi_setopt, "curl_multi_setopt");
  lib.bind(api.multi_add_handle, "curl_multi_add_handle");
  lib.bind(api.multi_remove_handle, "curl_multi_remove_handle");
  lib.bind(api.multi_assign, "curl_multi_assign");
  lib.bind(api.multi_socket_action, "curl_multi_socket_action");
  lib.bind(api.multi_info_read, "curl_multi_info_read");
  lib.bind(api.slist_append, "curl_slist_append");
  lib.bind(api.slist_free_all, "curl_slist_free_all");
  return api;  // the library stays loaded for the process
}

}  // namespace

const CurlApi& curl_api() {
  static const CurlApi api = load();  // thread-safe; a failure is retried by the next caller
  return api;
}

}  // namespace wasmrr::wasi
