// wasi:http@0.3.0, the client side: wasi:http/types (fields, request,
// request-options, response) and wasi:http/client's send (and an imported
// wasi:http/handler's handle, which sends the same way), over the 0.2
// host's HTTP code (http/shared_types.h: the same fields, accessors,
// validation and --allow-http rules; http/client.h: the same curl client).
//
// A request's body is the stream given to request.new: what the guest
// writes is kept (RequestBody) and goes out when client.send sends the
// request. send is an async func that the host answers before it returns
// (runtime/tasks.h), so the guest must have written the whole body and
// dropped the stream by then; a body still being written is a trap that says
// so. send waits for the response's head; its body is a stream the guest
// reads from consume-body as it arrives, and the future beside it holds the
// trailers. What a guest builds to answer requests (response.new, the
// handler export) is not supported: those calls trap, naming themselves.
#include <poll.h>

#include <fmt/format.h>

#include "wasi/http/body.h"
#include "wasi/http/shared_types.h"
#include "wasi/io/wait_cancel.h"
#include "wasi/p3/p3.h"

namespace wasmrr::wasi::p3 {
namespace {

constexpr WasiVersion kP3 = WasiVersion::P3;

[[noreturn]] void unsupported(std::string_view func) {
  throw Trap(fmt::format("wasi:http/types@0.3.0#{}: not supported by wasm-rr yet (only the client side of "
                         "wasi:http 0.3 is: requests sent with wasi:http/client, and their responses)",
                         func));
}

// The request body: what the guest writes into the stream it gave
// request.new, kept until send.
class RequestBodySink final : public StreamSink {
 public:
  explicit RequestBodySink(std::shared_ptr<RequestBody> body) : body_(std::move(body)) {}
  std::optional<Value> take(const Value& data) override {
    body_->append(data.str);
    return std::nullopt;
  }
  void end() override {
    // A body of another length than its content-length must not reach the
    // server (as 0.2's outgoing-body.finish): send fails instead.
    if (body_->length_error()) body_->aborted = true;
    body_->finished = true;
    body_->notify();
  }

 private:
  std::shared_ptr<RequestBody> body_;
};

// The trailers the guest writes into request.new's future:
// result<option<trailers>, error-code>.
void accept_trailers(HttpState& http, const std::shared_ptr<RequestBody>& body, const Value& v) {
  if (!body || !v.is_ok() || !v.has_payload() || !v.payload().is_some()) return;
  body->trailers = *take_fields(http, v.payload().payload());
}

void register_request(const InterfaceDefiner& def, HttpState& http, StreamsState& streams) {
  def("[static]request.new", [&http, &streams](Values& a) {
    auto r = std::make_shared<OutgoingRequest>();
    r->headers = take_fields(http, arg(a, 0));
    r->sent = std::make_shared<std::optional<Value>>();
    if (const Value& contents = arg(a, 1); contents.is_some()) {
      r->body = std::make_shared<RequestBody>();
      r->body->declared_length = content_length(*r->headers);
      streams.hold(contents.payload().as_u32(), std::make_shared<RequestBodySink>(r->body));
    }
    streams.read_future(arg(a, 2).as_u32(), [&http, body = r->body](const Value& v) { accept_trailers(http, body, v); });
    if (const Value& opts = arg(a, 3); opts.is_some()) {
      r->options = http.request_options.shared(opts.payload().rep());
      http.request_options.remove(opts.payload().rep());
    }
    // The transmit future: how sending went, once client.send has answered.
    const uint32_t transmitted = streams.hold_future([sent = r->sent] { return *sent; });
    return one(Value::tuple({Value::own(http.outgoing_requests.insert(std::move(r))), future_value(transmitted)}));
  });
  def("[method]request.get-options", [&http](Values& a) {
    const auto& opts = http.outgoing_requests.at(arg(a, 0).rep()).options;
    if (!opts) return one(Value::none());
    return one(Value::some(Value::own(http.request_options.insert(std::make_shared<RequestOptions>(*opts)))));
  });
  def("[static]request.consume-body", [](Values&) -> Values { unsupported("[static]request.consume-body"); });
}

// The response body as it arrives, through the 0.2 host's body stream; its
// future's ok payload is option<trailers>.
std::shared_ptr<StreamSource> response_body(HttpState& http, const std::shared_ptr<HttpTransfer>& t) {
  auto in = std::make_shared<HttpBodyInputStream>(t, http.io.clock);
  return input_stream_source(in, [t](const StreamError&) {
    return http_error_value(t->error().value_or(HttpErrorCode::of(HttpErrorCode::Case::http_response_incomplete, "")));
  });
}

void register_response(const InterfaceDefiner& def, HttpState& http, StreamsState& streams) {
  auto resp = [&http](const Values& a) -> IncomingResponse& { return http.incoming_responses.at(arg(a, 0).rep()); };
  def("[method]response.get-status-code", [resp](Values& a) { return one(Value::u16(resp(a).transfer->status())); });
  // A response that came from a server is as it came.
  def("[method]response.set-status-code", [resp](Values& a) {
    (void)resp(a);
    return one(Value::err());
  });
  def("[method]response.get-headers",
      [&http, resp](Values& a) { return one(Value::own(new_fields(http, resp(a).headers, true))); });
  def("[static]response.consume-body", [&http, &streams](Values& a) {
    auto r = http.incoming_responses.shared(arg(a, 0).rep());
    http.incoming_responses.remove(arg(a, 0).rep());
    streams.read_future(arg(a, 1).as_u32(), [](const Value&) {});  // the guest's verdict: nothing to do
    auto t = r->transfer;
    const auto [stream, future] = streams.hold(response_body(http, t));
    streams.streams[stream].ok_payload = [&http, t] {
      if (t->trailers().empty()) return Value::none();
      return Value::some(Value::own(new_fields(http, std::make_shared<FieldList>(t->trailers()), true)));
    };
    return one(Value::tuple({stream_value(stream), future_value(future)}));
  });
  def("[static]response.new", [](Values&) -> Values { unsupported("[static]response.new"); });
  def("[resource-drop]response", [&http](Values& a) {
    http.incoming_responses.remove(arg(a, 0).rep());
    return nothing();
  });
}

// Sends the request and waits for the response's head (or the failure).
Values send(HttpState& http, const Value& handle) {
  auto req = http.outgoing_requests.shared(handle.rep());
  http.outgoing_requests.remove(handle.rep());
  if (req->body && !req->body->finished)
    throw Trap("wasi:http/client@0.3.0#send: the request's body stream is still open. wasm-rr answers a host "
               "call before it returns, so a guest must write the whole body and drop the stream before it "
               "sends the request (a body written while the request is sent is not supported yet)");
  auto spec = request_spec(http, *req, req->options.get());
  if (spec.ok() && req->body)
    if (auto e = req->body->length_error()) spec = std::move(*e);
  auto answer = [&req](Value v) {
    *req->sent = v.is_ok() ? Value::ok() : v;  // the transmit future's value
    return one(std::move(v));
  };
  if (!spec.ok()) return answer(Value::err(http_error_value(spec.error())));
  std::shared_ptr<HttpTransfer> t = http.client()->start(std::move(spec.value()));
  for (;;) {
    t->client().drive();
    if (t->head_ready()) break;
    wait_fd_or_cancel(t->client().wake_fd(), POLLIN);
  }
  if (!t->has_head()) return answer(Value::err(http_error_value(*t->error())));
  auto r = std::make_shared<IncomingResponse>(IncomingResponse{t, std::make_shared<FieldList>(t->headers())});
  return answer(Value::ok(Value::own(http.incoming_responses.insert(std::move(r)))));
}

}  // namespace

void register_http(runtime::HostRegistry& r, P3State& p) {
  HttpState& http = p.http;
  InterfaceDefiner def(r, "wasi:http/types", kP3);
  define_fields(def, http, kP3);
  define_request_accessors(def, http, kP3);
  define_request_options(def, http, kP3);
  register_request(def, http, p.streams);
  register_response(def, http, p.streams);
  InterfaceDefiner client(r, "wasi:http/client", kP3);
  client("send", [&http](Values& a) { return send(http, arg(a, 0)); });
  // An imported handler (a middleware's next hop, or a component built
  // before wasi:http/client existed) sends the request out the same way.
  InterfaceDefiner handler(r, "wasi:http/handler", kP3);
  handler("handle", [&http](Values& a) { return send(http, arg(a, 0)); });
}

}  // namespace wasmrr::wasi::p3
