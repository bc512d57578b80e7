// wasi:http/types error-code: the failure of an HTTP request or response, as
// the host reports it to the guest, and the mapping from libcurl's errors.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "abi/value.h"
#include "wasi/io/error.h"

namespace wasmrr::wasi {

struct HttpErrorCode {
  // Cases in WIT declaration order: the value is the case index.
  enum class Case : uint32_t {
    dns_timeout, dns_error, destination_not_found, destination_unavailable,
    destination_ip_prohibited, destination_ip_unroutable, connection_refused,
    connection_terminated, connection_timeout, connection_read_timeout,
    connection_write_timeout, connection_limit_reached, tls_protocol_error,
    tls_certificate_error, tls_alert_received, http_request_denied,
    http_request_length_required, http_request_body_size, http_request_method_invalid,
    http_request_uri_invalid, http_request_uri_too_long, http_request_header_section_size,
    http_request_header_size, http_request_trailer_section_size, http_request_trailer_size,
    http_response_incomplete, http_response_header_section_size, http_response_header_size,
    http_response_body_size, http_response_trailer_section_size, http_response_trailer_size,
    http_response_transfer_coding, http_response_content_coding, http_response_timeout,
    http_upgrade_failed, http_protocol_error, loop_detected, configuration_error,
    internal_error,
  };

  Case which = Case::internal_error;
  // The payload fields the host fills: DNS-error's rcode, TLS-alert-received's
  // alert-message, the coding names and internal-error's message (`text`);
  // the *-body-size lengths (`size`). Other payload fields are none.
  std::optional<std::string> text;
  std::optional<uint64_t> size;
  // Human-readable cause, for wasi:io/error to-debug-string.
  std::string debug;

  static HttpErrorCode of(Case c, std::string debug) { return {c, std::nullopt, std::nullopt, std::move(debug)}; }
  static HttpErrorCode internal(std::string message) {
    return {Case::internal_error, message, std::nullopt, message};
  }
};

// The WIT value of an error-code.
abi::Value http_error_value(const HttpErrorCode& e);

// What a failed body stream tells http-error-code.
struct HttpErrorDetail final : ErrorDetail {
  explicit HttpErrorDetail(HttpErrorCode code) : code(std::move(code)) {}
  HttpErrorCode code;
};

// Maps a failed libcurl transfer. `os_errno` is CURLINFO_OS_ERRNO and
// `connected` whether the connection was established (a timeout before is a
// connect timeout, after it a read timeout).
HttpErrorCode http_error_from_curl(int curl_code, long os_errno, bool connected);

}  // namespace wasmrr::wasi
