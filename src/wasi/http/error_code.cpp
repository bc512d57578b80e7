#include "wasi/http/error_code.h"

#include "wasi/http/curl_api.h"

#include <cerrno>

#include <fmt/format.h>

namespace wasmrr::wasi {
namespace {

using abi::Value;
using C = HttpErrorCode::Case;

Value opt_string(const std::optional<std::string>& s) { return s ? Value::some(Value::string(*s)) : Value::none(); }
Value opt_u64(const std::optional<uint64_t>& n) { return n ? Value::some(Value::u64(*n)) : Value::none(); }
Value opt_u32(const std::optional<uint64_t>& n) {
  return n ? Value::some(Value::u32(static_cast<uint32_t>(*n))) : Value::none();
}

// field-size-payload { field-name: option<string>, field-size: option<u32> }
Value field_size_payload(const HttpErrorCode& e) { return Value::record({opt_string(e.text), opt_u32(e.size)}); }

// The payload of case `e.which`, or nothing for a case without one.
std::optional<Value> payload(const HttpErrorCode& e) {
  switch (e.which) {
    case C::dns_error:  // DNS-error-payload { rcode, info-code }
      return Value::record({opt_string(e.text), Value::none()});
    case C::tls_alert_received:  // TLS-alert-received-payload { alert-id, alert-message }
      return Value::record({Value::none(), opt_string(e.text)});
    case C::http_request_body_size:
    case C::http_response_body_size:
      return opt_u64(e.size);
    case C::http_request_header_section_size:
    case C::http_request_trailer_section_size:
    case C::http_response_header_section_size:
    case C::http_response_trailer_section_size:
      return opt_u32(e.size);
    case C::http_request_header_size:  // option<field-size-payload>
      return e.text || e.size ? Value::some(field_size_payload(e)) : Value::none();
    case C::http_request_trailer_size:
    case C::http_response_header_size:
    case C::http_response_trailer_size:
      return field_size_payload(e);
    case C::http_response_transfer_coding:
    case C::http_response_content_coding:
    case C::internal_error:
      return opt_string(e.text);
    default:
      return std::nullopt;
  }
}

HttpErrorCode with_text(C c, std::string text, std::string debug) {
  HttpErrorCode e = HttpErrorCode::of(c, std::move(debug));
  e.text = std::move(text);
  return e;
}

HttpErrorCode connect_failure(long os_errno, std::string debug) {
  switch (os_errno) {
    case ETIMEDOUT: return HttpErrorCode::of(C::connection_timeout, std::move(debug));
    case ENETUNREACH: return HttpErrorCode::of(C::destination_ip_unroutable, std::move(debug));
    case EHOSTUNREACH: return HttpErrorCode::of(C::destination_unavailable, std::move(debug));
    case EACCES:
    case EPERM: return HttpErrorCode::of(C::destination_ip_prohibited, std::move(debug));
    default: return HttpErrorCode::of(C::connection_refused, std::move(debug));
  }
}

}  // namespace

Value http_error_value(const HttpErrorCode& e) {
  auto index = static_cast<uint32_t>(e.which);
  std::optional<Value> p = payload(e);
  return p ? Value::variant(index, std::move(*p)) : Value::variant(index);
}

HttpErrorCode http_error_from_curl(int curl_code, long os_errno, bool connected) {
  auto code = static_cast<CURLcode>(curl_code);
  std::string debug = curl_api().easy_strerror(code);
  if (os_errno != 0) debug = fmt::format("{} (errno {})", debug, os_errno);
  switch (code) {
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
      return with_text(C::dns_error, "address not available", std::move(debug));
    case CURLE_COULDNT_CONNECT:
      return connect_failure(os_errno, std::move(debug));
    case CURLE_OPERATION_TIMEDOUT:
      return HttpErrorCode::of(connected ? C::connection_read_timeout : C::connection_timeout, std::move(debug));
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
      return HttpErrorCode::of(C::connection_terminated, std::move(debug));
    case CURLE_GOT_NOTHING:
    case CURLE_PARTIAL_FILE:
      return HttpErrorCode::of(C::http_response_incomplete, std::move(debug));
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_ISSUER_ERROR:
    case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
    case CURLE_SSL_INVALIDCERTSTATUS:
    case CURLE_SSL_CRL_BADFILE:
      return HttpErrorCode::of(C::tls_certificate_error, std::move(debug));
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_SSL_ENGINE_NOTFOUND:
    case CURLE_SSL_ENGINE_SETFAILED:
    case CURLE_SSL_CIPHER:
    case CURLE_SSL_SHUTDOWN_FAILED:
    case CURLE_USE_SSL_FAILED:
      return HttpErrorCode::of(C::tls_protocol_error, std::move(debug));
    case CURLE_URL_MALFORMAT:
    case CURLE_UNSUPPORTED_PROTOCOL:
      return HttpErrorCode::of(C::http_request_uri_invalid, std::move(debug));
    case CURLE_WEIRD_SERVER_REPLY:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
    case CURLE_HTTP3:
      return HttpErrorCode::of(C::http_protocol_error, std::move(debug));
    case CURLE_BAD_CONTENT_ENCODING:
      return HttpErrorCode::of(C::http_response_content_coding, std::move(debug));
    case CURLE_FILESIZE_EXCEEDED:
      return HttpErrorCode::of(C::http_response_body_size, std::move(debug));
    case CURLE_TOO_MANY_REDIRECTS:
      return HttpErrorCode::of(C::loop_detected, std::move(debug));
    case CURLE_SEND_FAIL_REWIND:
      return HttpErrorCode::of(C::http_request_body_size, std::move(debug));
    default:
      return HttpErrorCode::internal(std::move(debug));
  }
}

}  // namespace wasmrr::wasi
