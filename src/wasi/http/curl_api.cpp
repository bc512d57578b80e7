#include "wasi/http/curl_api.h"

#include <dlfcn.h>

#include <stdexcept>
#include <string>

namespace wasmrr::wasi {

namespace {

template <typename F>
void bind(void* lib, F& fn, const char* name) {
  void* sym = dlsym(lib, name);
  if (!sym) throw std::runtime_error(std::string("libcurl has no `") + name + "`: " + dlerror());
  fn = reinterpret_cast<F>(sym);
}

CurlApi load() {
  void* lib = dlopen("libcurl.so.4", RTLD_NOW | RTLD_LOCAL);
  if (!lib) throw std::runtime_error(std::string("cannot load libcurl for wasi:http (apt-get install libcurl4): ") + dlerror());
  CurlApi api{};
  bind(lib, api.global_init, "curl_global_init");
  bind(lib, api.easy_init, "curl_easy_init");
  bind(lib, api.easy_cleanup, "curl_easy_cleanup");
  bind(lib, api.easy_setopt, "curl_easy_setopt");
  bind(lib, api.easy_getinfo, "curl_easy_getinfo");
  bind(lib, api.easy_pause, "curl_easy_pause");
  bind(lib, api.easy_strerror, "curl_easy_strerror");
  bind(lib, api.multi_init, "curl_multi_init");
  bind(lib, api.multi_cleanup, "curl_multi_cleanup");
  bind(lib, api.multi_setopt, "curl_multi_setopt");
  bind(lib, api.multi_add_handle, "curl_multi_add_handle");
  bind(lib, api.multi_remove_handle, "curl_multi_remove_handle");
  bind(lib, api.multi_assign, "curl_multi_assign");
  bind(lib, api.multi_socket_action, "curl_multi_socket_action");
  bind(lib, api.multi_info_read, "curl_multi_info_read");
  bind(lib, api.slist_append, "curl_slist_append");
  bind(lib, api.slist_free_all, "curl_slist_free_all");
  return api;  // the library stays loaded for the process
}

}  // namespace

const CurlApi& curl_api() {
  static const CurlApi api = load();  // thread-safe; a failure is retried by the next caller
  return api;
}

}  // namespace wasmrr::wasi
