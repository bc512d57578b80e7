// wasi:http/outgoing-handler: sends an outgoing-request with the HTTP client
// (client.h) and returns the future of its response. Errors in the
// request itself (no authority, an unknown scheme) are returned at once;
// network errors arrive through the future. A request to a destination the
// HttpPolicy does not grant (--allow-http) fails with HTTP-request-denied.
#include <cstdio>

#include <fmt/format.h>

#include "wasi/common/host_util.h"
#include "wasi/http/http.h"
#include "wasi/http/shared_types.h"

namespace wasmrr::wasi {
namespace {

using C = HttpErrorCode::Case;

// The `method` variant's cases, in WIT order; the last is other(string).
constexpr const char* kMethods[] = {"GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH"};

std::string method_name(const Value& m) {
  if (m.case_index() < std::size(kMethods)) return kMethods[m.case_index()];
  return m.payload().str;
}

// The URL scheme, or nullopt when curl cannot speak it. No scheme: HTTPS.
std::optional<std::string> scheme_name(const std::optional<Value>& s) {
  if (!s || s->case_index() == 1) return "https";
  if (s->case_index() == 0) return "http";
  std::string other = s->payload().str;
  for (char& c : other) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (other == "http" || other == "https") return other;
  return std::nullopt;
}

// Takes an own<T> argument out of its table.
template <typename T>
std::shared_ptr<T> take(ResourceTable<T>& table, const Value& handle) {
  auto object = table.shared(handle.rep());
  table.remove(handle.rep());
  return object;
}

}  // namespace

Outcome<HttpRequestSpec, HttpErrorCode> request_spec(HttpState& http, const OutgoingRequest& req,
                                                     const RequestOptions* opts) {
  auto scheme = scheme_name(req.scheme);
  if (!scheme) return HttpErrorCode::of(C::http_request_uri_invalid, "unsupported scheme");
  if (!req.authority || req.authority->empty())
    return HttpErrorCode::of(C::http_request_uri_invalid, "the request has no authority");
  auto dest = http_destination(*req.authority, *scheme == "http" ? 80 : 443);
  if (!dest) return HttpErrorCode::of(C::http_request_uri_invalid, "the request's authority names no host");
  if (!http.policy.allows(*dest)) {
    if (http.denied_destinations.insert(dest->to_string()).second)
      fmt::print(stderr, "{}\n", http_denied_notice(*dest));
    return HttpErrorCode::of(C::http_request_denied,
                             fmt::format("HTTP request to {} denied: not granted by --allow-http", dest->to_string()));
  }
  HttpRequestSpec spec;
  spec.method = method_name(req.method);
  spec.url = *scheme + "://" + *req.authority + req.path_with_query.value_or("/");
  spec.headers = *req.headers;
  spec.body = req.body;
  if (opts) {
    spec.connect_timeout_ns = opts->connect_timeout_ns;
    spec.first_byte_timeout_ns = opts->first_byte_timeout_ns;
    spec.between_bytes_timeout_ns = opts->between_bytes_timeout_ns;
  }
  return spec;
}

void register_http_outgoing_handler(runtime::HostRegistry& r, HttpState& http) {
  InterfaceDefiner def(r, "wasi:http/outgoing-handler");
  def("handle", [&http](Values& a) {
    auto req = take(http.outgoing_requests, arg(a, 0));
    std::shared_ptr<RequestOptions> opts;
    if (arg(a, 1).is_some()) opts = take(http.request_options, arg(a, 1).payload());
    auto spec = request_spec(http, *req, opts.get());
    if (!spec.ok()) return one(Value::err(http_error_value(spec.error())));
    auto transfer = http.client()->start(std::move(spec.value()));
    auto future = std::make_shared<FutureIncomingResponse>(FutureIncomingResponse{std::move(transfer)});
    return one(Value::ok(Value::own(http.future_responses.insert(std::move(future)))));
  });
}

}  // namespace wasmrr::wasi
