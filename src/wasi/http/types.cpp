// wasi:http/types: fields, requests, responses, bodies and their futures.
// The client side is real (outgoing-request → outgoing-handler → incoming-
// response, client.h). The server side (incoming-request,
// response-outparam) exists when `wasm-rr serve` hands a request to a guest
// that exports incoming-handler (server.h); otherwise an outgoing-response
// can be built but goes nowhere.
#include <algorithm>
#include <charconv>

#include "wasi/common/host_util.h"
#include "wasi/http/body.h"
#include "wasi/http/field_text.h"
#include "wasi/http/http.h"
#include "wasi/http/request_body.h"
#include "wasi/http/shared_types.h"

namespace wasmrr::wasi {
namespace {

using C = HttpErrorCode::Case;

// --- validation ---------------------------------------------------------------

// RFC 9110 token (field names, methods).
bool is_token(std::string_view s) {
  if (s.empty()) return false;
  return std::all_of(s.begin(), s.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
  });
}

// A field value: no control characters except horizontal tab.
bool is_field_value(std::string_view s) {
  return std::none_of(s.begin(), s.end(), [](char ch) {
    auto c = static_cast<unsigned char>(ch);
    return (c < 0x20 && c != '\t') || c == 0x7f;
  });
}

// Visible ASCII without the characters `extra` forbids.
bool is_uri_part(std::string_view s, std::string_view excluded) {
  return std::all_of(s.begin(), s.end(), [&](char ch) {
    auto c = static_cast<unsigned char>(ch);
    return c > 0x20 && c < 0x7f && excluded.find(ch) == std::string_view::npos;
  });
}

bool is_scheme(std::string_view s) {
  return !s.empty() && std::isalpha(static_cast<unsigned char>(s[0])) &&
         std::all_of(s.begin(), s.end(), [](char c) {
           return std::isalnum(static_cast<unsigned char>(c)) || c == '+' || c == '-' || c == '.';
         });
}

// Hop-by-hop and connection-level fields the host manages itself.
bool is_forbidden(std::string_view lower_name) {
  static constexpr std::string_view kForbidden[] = {"connection", "keep-alive", "proxy-connection",
                                                    "transfer-encoding", "upgrade", "host", "http2-settings"};
  return std::find(std::begin(kForbidden), std::end(kForbidden), lower_name) != std::end(kForbidden);
}

// header-error: invalid-syntax, forbidden, immutable.
enum class HeaderError : uint32_t { invalid_syntax, forbidden, immutable };

Value header_error(HeaderError e) { return Value::err(Value::variant(static_cast<uint32_t>(e))); }

// Checks a name (and a value) for set/append/from-list.
std::optional<HeaderError> check_field(std::string_view name, const std::string* value) {
  if (!is_token(name) || (value && !is_field_value(*value))) return HeaderError::invalid_syntax;
  if (is_forbidden(lower_ascii(name))) return HeaderError::forbidden;
  return std::nullopt;
}

// --- values -------------------------------------------------------------------

Value entries_value(const FieldList& list) {
  std::vector<Value> out;
  for (const auto& [name, value] : list) out.push_back(Value::tuple({Value::string(name), Value::byte_list(value)}));
  return Value::list(std::move(out));
}

Value opt_string(const std::optional<std::string>& s) { return s ? Value::some(Value::string(*s)) : Value::none(); }
Value opt_u64(const std::optional<uint64_t>& n) { return n ? Value::some(Value::u64(*n)) : Value::none(); }

std::optional<std::string> opt_string_arg(const Value& v) {
  if (!v.is_some()) return std::nullopt;
  return v.payload().str;
}

std::optional<uint64_t> opt_u64_arg(const Value& v) {
  if (!v.is_some()) return std::nullopt;
  return v.payload().as_u64();
}

}  // namespace

uint32_t new_fields(HttpState& http, std::shared_ptr<FieldList> list, bool immutable) {
  return http.fields.insert(std::make_shared<Fields>(Fields{std::move(list), immutable}));
}

// Takes an own<fields> argument out of the table.
std::shared_ptr<FieldList> take_fields(HttpState& http, const Value& handle) {
  auto f = http.fields.shared(handle.rep());
  http.fields.remove(handle.rep());
  return f->list;
}

std::optional<uint64_t> content_length(const FieldList& headers) {
  for (const auto& [name, value] : headers) {
    if (name != "content-length") continue;
    uint64_t n = 0;
    auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), n);
    if (ec == std::errc() && end == value.data() + value.size()) return n;
  }
  return std::nullopt;
}

namespace {

// --- fields -------------------------------------------------------------------

Values fields_set(Fields& f, const std::string& name, const Value& values) {
  std::vector<std::string> vs;
  for (const Value& v : values.items) vs.push_back(list_bytes(v));
  for (const std::string& v : vs)
    if (auto e = check_field(name, &v)) return one(header_error(*e));
  if (auto e = check_field(name, nullptr)) return one(header_error(*e));
  if (f.immutable) return one(header_error(HeaderError::immutable));
  std::string key = lower_ascii(name);
  std::erase_if(*f.list, [&](const auto& e) { return e.first == key; });
  for (std::string& v : vs) f.list->emplace_back(key, std::move(v));
  return one(Value::ok());
}

}  // namespace

void define_fields(const InterfaceDefiner& def, HttpState& http, WasiVersion v) {
  auto fields = [&http](const Values& a) -> Fields& { return http.fields.at(arg(a, 0).rep()); };
  def("[constructor]fields", [&http](Values&) {
    return one(Value::own(new_fields(http, std::make_shared<FieldList>(), false)));
  });
  def("[static]fields.from-list", [&http](Values& a) {
    auto list = std::make_shared<FieldList>();
    for (const Value& entry : arg(a, 0).items) {
      const std::string& name = entry.items.at(0).str;
      std::string value = list_bytes(entry.items.at(1));
      if (auto e = check_field(name, &value)) return one(header_error(*e));
      list->emplace_back(lower_ascii(name), std::move(value));
    }
    return one(Value::ok(Value::own(new_fields(http, std::move(list), false))));
  });
  def("[method]fields.get", [fields](Values& a) {
    std::string key = lower_ascii(arg(a, 1).str);
    std::vector<Value> out;
    for (const auto& [name, value] : *fields(a).list)
      if (name == key) out.push_back(Value::byte_list(value));
    return one(Value::list(std::move(out)));
  });
  def("[method]fields.has", [fields](Values& a) {
    std::string key = lower_ascii(arg(a, 1).str);
    const FieldList& list = *fields(a).list;
    return one(Value::boolean(std::any_of(list.begin(), list.end(), [&](const auto& e) { return e.first == key; })));
  });
  def("[method]fields.set", [fields](Values& a) { return fields_set(fields(a), arg(a, 1).str, arg(a, 2)); });
  def("[method]fields.delete", [fields](Values& a) {
    Fields& f = fields(a);
    if (auto e = check_field(arg(a, 1).str, nullptr)) return one(header_error(*e));
    if (f.immutable) return one(header_error(HeaderError::immutable));
    std::string key = lower_ascii(arg(a, 1).str);
    std::erase_if(*f.list, [&](const auto& e) { return e.first == key; });
    return one(Value::ok());
  });
  def("[method]fields.append", [fields](Values& a) {
    Fields& f = fields(a);
    const std::string& name = arg(a, 1).str;
    std::string value = list_bytes(arg(a, 2));
    if (auto e = check_field(name, &value)) return one(header_error(*e));
    if (f.immutable) return one(header_error(HeaderError::immutable));
    f.list->emplace_back(lower_ascii(name), std::move(value));
    return one(Value::ok());
  });
  def(v == WasiVersion::P3 ? "[method]fields.copy-all" : "[method]fields.entries",
      [fields](Values& a) { return one(entries_value(*fields(a).list)); });
  if (v == WasiVersion::P3) {
    def("[method]fields.get-and-delete", [fields](Values& a) {
      Fields& f = fields(a);
      if (auto e = check_field(arg(a, 1).str, nullptr)) return one(header_error(*e));
      if (f.immutable) return one(header_error(HeaderError::immutable));
      std::string key = lower_ascii(arg(a, 1).str);
      std::vector<Value> values;
      for (const auto& [name, value] : *f.list)
        if (name == key) values.push_back(Value::byte_list(value));
      std::erase_if(*f.list, [&](const auto& e) { return e.first == key; });
      return one(Value::ok(Value::list(std::move(values))));
    });
  }
  def("[method]fields.clone", [&http, fields](Values& a) {
    return one(Value::own(new_fields(http, std::make_shared<FieldList>(*fields(a).list), false)));
  });
  def("[resource-drop]fields", [&http](Values& a) {
    http.fields.remove(arg(a, 0).rep());
    return nothing();
  });
}

// --- outgoing-request and request-options -------------------------------------

// 0.2's outgoing-request and 0.3's request have the same accessors; 0.3
// names the getters get-*.
void define_request_accessors(const InterfaceDefiner& def, HttpState& http, WasiVersion v) {
  const bool p3 = v == WasiVersion::P3;
  auto name = [p3](std::string_view m, bool getter) {
    return fmt::format("[method]{}.{}{}", p3 ? "request" : "outgoing-request", getter && p3 ? "get-" : "", m);
  };
  auto req = [&http](const Values& a) -> OutgoingRequest& { return http.outgoing_requests.at(arg(a, 0).rep()); };
  def(name("method", true), [req](Values& a) { return one(req(a).method); });
  def(name("set-method", false), [req](Values& a) {
    const Value& m = arg(a, 1);
    if (m.case_index() == 9 && !is_token(m.payload().str)) return one(Value::err());  // other(string)
    req(a).method = m;
    return one(Value::ok());
  });
  def(name("path-with-query", true), [req](Values& a) { return one(opt_string(req(a).path_with_query)); });
  def(name("set-path-with-query", false), [req](Values& a) {
    auto p = opt_string_arg(arg(a, 1));
    if (p && !is_uri_part(*p, "#")) return one(Value::err());
    req(a).path_with_query = std::move(p);
    return one(Value::ok());
  });
  def(name("scheme", true), [req](Values& a) {
    const auto& s = req(a).scheme;
    return one(s ? Value::some(*s) : Value::none());
  });
  def(name("set-scheme", false), [req](Values& a) {
    const Value& s = arg(a, 1);
    if (!s.is_some()) {
      req(a).scheme.reset();
      return one(Value::ok());
    }
    if (s.payload().case_index() == 2 && !is_scheme(s.payload().payload().str)) return one(Value::err());
    req(a).scheme = s.payload();
    return one(Value::ok());
  });
  def(name("authority", true), [req](Values& a) { return one(opt_string(req(a).authority)); });
  def(name("set-authority", false), [req](Values& a) {
    auto s = opt_string_arg(arg(a, 1));
    if (s && !is_uri_part(*s, "/?#")) return one(Value::err());
    req(a).authority = std::move(s);
    return one(Value::ok());
  });
  def(name("headers", true), [&http, req](Values& a) {
    return one(Value::own(new_fields(http, req(a).headers, true)));
  });
  def(fmt::format("[resource-drop]{}", p3 ? "request" : "outgoing-request"), [&http](Values& a) {
    http.outgoing_requests.remove(arg(a, 0).rep());
    return nothing();
  });
}

// 0.2 names the getters after the option, 0.3 get-*; 0.3's setters fail
// with request-options-error, and it can clone.
void define_request_options(const InterfaceDefiner& def, HttpState& http, WasiVersion v) {
  const bool p3 = v == WasiVersion::P3;
  auto opts = [&http](const Values& a) -> RequestOptions& { return http.request_options.at(arg(a, 0).rep()); };
  def("[constructor]request-options", [&http](Values&) {
    return one(Value::own(http.request_options.insert(std::make_shared<RequestOptions>())));
  });
  auto timeout = [&def, opts, p3](const std::string& name, std::optional<uint64_t> RequestOptions::*field) {
    def(fmt::format("[method]request-options.{}{}", p3 ? "get-" : "", name),
        [opts, field](Values& a) { return one(opt_u64(opts(a).*field)); });
    def("[method]request-options.set-" + name, [opts, field](Values& a) {
      opts(a).*field = opt_u64_arg(arg(a, 1));
      return one(Value::ok());
    });
  };
  timeout("connect-timeout", &RequestOptions::connect_timeout_ns);
  timeout("first-byte-timeout", &RequestOptions::first_byte_timeout_ns);
  timeout("between-bytes-timeout", &RequestOptions::between_bytes_timeout_ns);
  if (p3) {
    def("[method]request-options.clone", [&http, opts](Values& a) {
      return one(Value::own(http.request_options.insert(std::make_shared<RequestOptions>(opts(a)))));
    });
  }
  def("[resource-drop]request-options", [&http](Values& a) {
    http.request_options.remove(arg(a, 0).rep());
    return nothing();
  });
}

namespace {

void register_outgoing_request(const InterfaceDefiner& def, HttpState& http) {
  auto req = [&http](const Values& a) -> OutgoingRequest& { return http.outgoing_requests.at(arg(a, 0).rep()); };
  def("[constructor]outgoing-request", [&http](Values& a) {
    auto r = std::make_shared<OutgoingRequest>();
    r->headers = take_fields(http, arg(a, 0));
    return one(Value::own(http.outgoing_requests.insert(std::move(r))));
  });
  def("[method]outgoing-request.body", [&http, req](Values& a) {
    OutgoingRequest& r = req(a);
    if (r.body) return one(Value::err());
    r.body = std::make_shared<RequestBody>();
    r.body->declared_length = content_length(*r.headers);
    return one(Value::ok(Value::own(http.outgoing_bodies.insert(std::make_shared<OutgoingBody>(OutgoingBody{r.body})))));
  });
}

// --- outgoing-body ------------------------------------------------------------

void register_outgoing_body(const InterfaceDefiner& def, HttpState& http) {
  def("[method]outgoing-body.write", [&http](Values& a) {
    const auto& body = http.outgoing_bodies.at(arg(a, 0).rep()).body;
    if (body->stream_taken) return one(Value::err());
    body->stream_taken = true;
    std::shared_ptr<OutputStream> stream;
    if (body->response) stream = std::make_shared<ResponseBodyOutputStream>(body);
    else stream = std::make_shared<HttpBodyOutputStream>(body, http.client(), http.io.clock);
    return one(Value::ok(Value::own(http.io.output_streams.insert(std::move(stream)))));
  });
  def("[static]outgoing-body.finish", [&http](Values& a) {
    auto body = http.outgoing_bodies.shared(arg(a, 0).rep())->body;
    http.outgoing_bodies.remove(arg(a, 0).rep());
    const Value& trailers = arg(a, 1);
    if (trailers.is_some()) body->trailers = *take_fields(http, trailers.payload());
    if (auto e = body->length_error()) {
      body->aborted = true;  // a body of the wrong length must not reach the server
      body->notify();
      return one(Value::err(http_error_value(*e)));
    }
    body->finished = true;
    body->notify();
    if (body->sink) body->sink->finish(body->trailers);
    return one(Value::ok());
  });
  // Dropped without finish: the body is corrupt, the request fails.
  def("[resource-drop]outgoing-body", [&http](Values& a) {
    auto body = http.outgoing_bodies.shared(arg(a, 0).rep())->body;
    http.outgoing_bodies.remove(arg(a, 0).rep());
    if (!body->finished) {
      body->aborted = true;
      body->notify();
    }
    return nothing();
  });
}

// --- the response side: future, incoming-response, incoming-body, trailers -----

void register_future_incoming_response(const InterfaceDefiner& def, HttpState& http) {
  def("[method]future-incoming-response.subscribe", [&http](Values& a) {
    auto t = http.future_responses.at(arg(a, 0).rep()).transfer;
    return one(Value::own(http.io.pollables.insert(t->client().pollable([t] { return t->head_ready(); }))));
  });
  def("[method]future-incoming-response.get", [&http](Values& a) {
    FutureIncomingResponse& f = http.future_responses.at(arg(a, 0).rep());
    const auto& t = f.transfer;
    if (!t->head_ready()) t->client().drive();
    if (!t->head_ready()) return one(Value::none());
    if (f.taken) return one(Value::some(Value::err()));
    f.taken = true;
    if (!t->has_head()) return one(Value::some(Value::ok(Value::err(http_error_value(*t->error())))));
    auto r = std::make_shared<IncomingResponse>(IncomingResponse{t, std::make_shared<FieldList>(t->headers())});
    return one(Value::some(Value::ok(Value::ok(Value::own(http.incoming_responses.insert(std::move(r)))))));
  });
  def("[resource-drop]future-incoming-response", [&http](Values& a) {
    http.future_responses.remove(arg(a, 0).rep());
    return nothing();
  });
}

void register_incoming_response(const InterfaceDefiner& def, HttpState& http) {
  auto resp = [&http](const Values& a) -> IncomingResponse& { return http.incoming_responses.at(arg(a, 0).rep()); };
  def("[method]incoming-response.status", [resp](Values& a) { return one(Value::u16(resp(a).transfer->status())); });
  def("[method]incoming-response.headers", [&http, resp](Values& a) {
    return one(Value::own(new_fields(http, resp(a).headers, true)));
  });
  def("[method]incoming-response.consume", [&http, resp](Values& a) {
    IncomingResponse& r = resp(a);
    if (r.consumed) return one(Value::err());
    r.consumed = true;
    auto body = std::make_shared<IncomingBody>();
    body->transfer = r.transfer;
    return one(Value::ok(Value::own(http.incoming_bodies.insert(std::move(body)))));
  });
  def("[resource-drop]incoming-response", [&http](Values& a) {
    http.incoming_responses.remove(arg(a, 0).rep());
    return nothing();
  });
}

void register_incoming_body(const InterfaceDefiner& def, HttpState& http) {
  def("[method]incoming-body.stream", [&http](Values& a) {
    IncomingBody& b = http.incoming_bodies.at(arg(a, 0).rep());
    if (b.stream_taken) return one(Value::err());
    b.stream_taken = true;
    std::shared_ptr<InputStream> stream;
    if (b.transfer) stream = std::make_shared<HttpBodyInputStream>(b.transfer, http.io.clock);
    else if (b.source) stream = std::make_shared<RequestBodyInputStream>(b.source, http.io.clock);
    else stream = std::make_shared<BytesInputStream>(b.bytes);
    return one(Value::ok(Value::own(http.io.input_streams.insert(std::move(stream)))));
  });
  def("[static]incoming-body.finish", [&http](Values& a) {
    auto t = http.incoming_bodies.shared(arg(a, 0).rep())->transfer;
    http.incoming_bodies.remove(arg(a, 0).rep());
    if (t) t->discard_body();  // the trailers come after the rest of the body
    return one(Value::own(http.future_trailers.insert(std::make_shared<FutureTrailers>(FutureTrailers{t}))));
  });
  def("[resource-drop]incoming-body", [&http](Values& a) {
    http.incoming_bodies.remove(arg(a, 0).rep());
    return nothing();
  });
}

void register_future_trailers(const InterfaceDefiner& def, HttpState& http) {
  def("[method]future-trailers.subscribe", [&http](Values& a) {
    auto t = http.future_trailers.at(arg(a, 0).rep()).transfer;
    if (!t) return one(Value::own(http.io.pollables.insert(Pollable::always_ready())));
    return one(Value::own(http.io.pollables.insert(t->client().pollable([t] { return t->done(); }))));
  });
  def("[method]future-trailers.get", [&http](Values& a) {
    FutureTrailers& f = http.future_trailers.at(arg(a, 0).rep());
    const auto& t = f.transfer;
    if (!t) {  // a request's body: no trailers, at once
      if (f.taken) return one(Value::some(Value::err()));
      f.taken = true;
      return one(Value::some(Value::ok(Value::ok(Value::none()))));
    }
    if (!t->done()) t->client().drive();
    if (!t->done()) return one(Value::none());
    if (f.taken) return one(Value::some(Value::err()));
    f.taken = true;
    if (t->error()) return one(Value::some(Value::ok(Value::err(http_error_value(*t->error())))));
    if (t->trailers().empty()) return one(Value::some(Value::ok(Value::ok(Value::none()))));
    uint32_t rep = new_fields(http, std::make_shared<FieldList>(t->trailers()), true);
    return one(Value::some(Value::ok(Value::ok(Value::some(Value::own(rep))))));
  });
  def("[resource-drop]future-trailers", [&http](Values& a) {
    http.future_trailers.remove(arg(a, 0).rep());
    return nothing();
  });
}

// --- the server side ----------------------------------------------------------

// The WIT `method` value of a request line's method.
Value method_value(const std::string& m) {
  static const char* const kCases[] = {"GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH"};
  for (uint32_t i = 0; i < std::size(kCases); i++)
    if (m == kCases[i]) return Value::variant(i);
  return Value::variant(9, Value::string(m));  // other(string)
}

Value scheme_value(const std::string& s) {
  if (s == "http") return Value::variant(0);
  if (s == "https") return Value::variant(1);
  return Value::variant(2, Value::string(s));
}

// The error-code case a guest answered with, for the log and the client.
std::string error_case_name(const Value& e) { return fmt::format("error-code case {}", e.case_index()); }

void register_incoming_request(const InterfaceDefiner& def, HttpState& http) {
  auto req = [&http](const Values& a) -> IncomingRequest& { return http.incoming_requests.at(arg(a, 0).rep()); };
  def("[method]incoming-request.method", [req](Values& a) { return one(method_value(req(a).request->method)); });
  def("[method]incoming-request.path-with-query", [req](Values& a) {
    return one(Value::some(Value::string(req(a).request->path_with_query)));
  });
  def("[method]incoming-request.scheme", [req](Values& a) { return one(Value::some(scheme_value(req(a).request->scheme))); });
  def("[method]incoming-request.authority", [req](Values& a) {
    const std::string& host = req(a).request->authority;
    return one(host.empty() ? Value::none() : Value::some(Value::string(host)));
  });
  def("[method]incoming-request.headers", [&http, req](Values& a) {
    return one(Value::own(new_fields(http, req(a).headers, true)));
  });
  def("[method]incoming-request.consume", [&http, req](Values& a) {
    IncomingRequest& r = req(a);
    if (r.consumed) return one(Value::err());
    r.consumed = true;
    auto body = std::make_shared<IncomingBody>();
    if (r.request->body_source) body->source = r.request->body_source;
    else body->bytes = std::shared_ptr<const std::string>(r.request, &r.request->body);
    return one(Value::ok(Value::own(http.incoming_bodies.insert(std::move(body)))));
  });
  def("[resource-drop]incoming-request", [&http](Values& a) {
    http.incoming_requests.remove(arg(a, 0).rep());
    return nothing();
  });
}

// The response set goes to its sink, with what the guest wrote of its body
// before it set it; the rest goes as it is written (ResponseBodyOutputStream).
void stream_response(ServerResponse& out) {
  RequestBody& body = *out.body;
  out.sink->start(out.status, out.headers, body.declared_length);
  for (const auto& chunk : body.chunks) out.sink->write(chunk);
  body.sink = out.sink;
  if (!out.keep_body) {
    body.discard = true;
    body.chunks.clear();
    body.pending = 0;
  }
  if (body.finished) out.sink->finish(body.trailers);
}

void register_response_outparam(const InterfaceDefiner& def, HttpState& http) {
  def("[method]response-outparam.send-informational", [](Values&) {
    // 1xx responses are not sent (libmicrohttpd sends 100-continue itself).
    return one(Value::ok());
  });
  // set: func(param: own<response-outparam>, response: result<own<outgoing-response>, error-code>)
  def("[static]response-outparam.set", [&http](Values& a) {
    auto param = http.response_outparams.shared(arg(a, 0).rep());
    http.response_outparams.remove(arg(a, 0).rep());
    ServerResponse& out = *param->response;
    const Value& r = arg(a, 1);
    out.set = true;
    if (!r.is_ok()) {
      out.error = error_case_name(r.payload());
      return nothing();
    }
    auto resp = http.outgoing_responses.shared(r.payload().rep());
    http.outgoing_responses.remove(r.payload().rep());
    out.status = resp->status;
    out.headers = *resp->headers;
    out.body = resp->body;
    if (out.sink) stream_response(out);
    return nothing();
  });
  def("[resource-drop]response-outparam", [&http](Values& a) {
    http.response_outparams.remove(arg(a, 0).rep());
    return nothing();
  });
}

void register_server_side(const InterfaceDefiner& def, HttpState& http) {
  register_incoming_request(def, http);
  register_response_outparam(def, http);

  auto resp = [&http](const Values& a) -> OutgoingResponse& { return http.outgoing_responses.at(arg(a, 0).rep()); };
  def("[constructor]outgoing-response", [&http](Values& a) {
    auto r = std::make_shared<OutgoingResponse>();
    r->headers = take_fields(http, arg(a, 0));
    r->body->response = true;
    r->body->discard = !http.serving;  // outside serve, nobody can take it anywhere
    r->body->declared_length = content_length(*r->headers);
    return one(Value::own(http.outgoing_responses.insert(std::move(r))));
  });
  def("[method]outgoing-response.status-code", [resp](Values& a) { return one(Value::u16(resp(a).status)); });
  def("[method]outgoing-response.set-status-code", [resp](Values& a) {
    auto code = static_cast<uint16_t>(arg(a, 1).num);
    if (code < 100 || code > 999) return one(Value::err());
    resp(a).status = code;
    return one(Value::ok());
  });
  def("[method]outgoing-response.headers", [&http, resp](Values& a) {
    return one(Value::own(new_fields(http, resp(a).headers, true)));
  });
  def("[method]outgoing-response.body", [&http, resp](Values& a) {
    OutgoingResponse& r = resp(a);
    if (r.body_taken) return one(Value::err());
    r.body_taken = true;
    return one(Value::ok(Value::own(http.outgoing_bodies.insert(std::make_shared<OutgoingBody>(OutgoingBody{r.body})))));
  });
  def("[resource-drop]outgoing-response", [&http](Values& a) {
    http.outgoing_responses.remove(arg(a, 0).rep());
    return nothing();
  });
}

}  // namespace

void register_http_types(runtime::HostRegistry& r, HttpState& http) {
  InterfaceDefiner def(r, "wasi:http/types");
  define_fields(def, http, WasiVersion::P2);
  register_outgoing_request(def, http);
  define_request_accessors(def, http, WasiVersion::P2);
  define_request_options(def, http, WasiVersion::P2);
  register_outgoing_body(def, http);
  register_future_incoming_response(def, http);
  register_incoming_response(def, http);
  register_incoming_body(def, http);
  register_future_trailers(def, http);
  register_server_side(def, http);
  // The HTTP error-code behind a body stream's last-operation-failed.
  def("http-error-code", [&http](Values& a) {
    const auto* d = http.io.errors.at(arg(a, 0).rep()).detail_as<HttpErrorDetail>();
    return one(d ? Value::some(http_error_value(d->code)) : Value::none());
  });
}

}  // namespace wasmrr::wasi
