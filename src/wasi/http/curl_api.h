// libcurl, loaded when the first outgoing HTTP request needs it rather than
// when wasm-rr starts: linking it costs every start-up about 4 ms (libcurl
// and the twenty libraries it needs, for TLS, Kerberos, LDAP, ...), which a
// guest that makes no request should not pay. Only the functions the client
// calls; their libcurl names are in the comments.
#pragma once

#include <curl/curl.h>

namespace wasmrr::wasi {

struct CurlApi {
  CURLcode (*global_init)(long flags);                                   // curl_global_init
  CURL* (*easy_init)();                                                  // curl_easy_init
  void (*easy_cleanup)(CURL*);                                           // curl_easy_cleanup
  CURLcode (*easy_setopt)(CURL*, CURLoption, ...);                       // curl_easy_setopt
  CURLcode (*easy_getinfo)(CURL*, CURLINFO, ...);                        // curl_easy_getinfo
  CURLcode (*easy_pause)(CURL*, int bitmask);                            // curl_easy_pause
  const char* (*easy_strerror)(CURLcode);                                // curl_easy_strerror
  CURLM* (*multi_init)();                                                // curl_multi_init
  CURLMcode (*multi_cleanup)(CURLM*);                                    // curl_multi_cleanup
  CURLMcode (*multi_setopt)(CURLM*, CURLMoption, ...);                   // curl_multi_setopt
  CURLMcode (*multi_add_handle)(CURLM*, CURL*);                          // curl_multi_add_handle
  CURLMcode (*multi_remove_handle)(CURLM*, CURL*);                       // curl_multi_remove_handle
  CURLMcode (*multi_assign)(CURLM*, curl_socket_t, void*);               // curl_multi_assign
  CURLMcode (*multi_socket_action)(CURLM*, curl_socket_t, int, int*);    // curl_multi_socket_action
  CURLMsg* (*multi_info_read)(CURLM*, int* msgs_in_queue);               // curl_multi_info_read
  curl_slist* (*slist_append)(curl_slist*, const char*);                 // curl_slist_append
  void (*slist_free_all)(curl_slist*);                                   // curl_slist_free_all
};

// Loads libcurl (libcurl.so.4) on first use. Throws std::runtime_error,
// saying what is missing, if it cannot.
const CurlApi& curl_api();

}  // namespace wasmrr::wasi
