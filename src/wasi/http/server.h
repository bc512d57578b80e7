// The server side of wasi:http (wasm-rr serve): a request from a client,
// handed to a guest that exports wasi:http/incoming-handler, and the response
// the guest sets through its response-outparam. The request's body reaches
// the guest as it arrives (or whole); the response goes to a ResponseSink as
// the guest produces it.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "component/ast.h"
#include "runtime/instance.h"
#include "util/result.h"
#include "wasi/http/client.h"

namespace wasmrr::wasi {

class WasiHost;
class RequestBodySource;

struct ServerRequest {
  std::string method;           // as the client sent it: "GET", "POST", ...
  std::string scheme = "http";  // "http" or "https"
  std::string authority;        // the Host header, if any
  std::string path_with_query;  // "/a/b?c=d"
  FieldList headers;            // names in lower case, in the client's order
  std::string body;             // the whole body, when body_source is null
  std::shared_ptr<RequestBodySource> body_source;  // the body as it arrives (request_body.h)
};

// Where a response goes as the guest produces it (serve: to its client).
// Called on the guest's thread; write may block (the client reads slowly).
class ResponseSink {
 public:
  virtual ~ResponseSink() = default;
  // response-outparam.set with a response; `length`: its content-length, if declared.
  virtual void start(uint16_t status, const FieldList& headers, std::optional<uint64_t> length) = 0;
  virtual void write(std::string_view bytes) = 0;
  virtual void finish(const FieldList& trailers) = 0;  // outgoing-body.finish succeeded
};

struct ServerResponse {
  bool set = false;                  // response-outparam.set was called
  std::optional<std::string> error;  // ... with an error-code (its case), not a response
  uint16_t status = 0;
  FieldList headers;
  std::shared_ptr<RequestBody> body;  // what the guest wrote; body->finished once outgoing-body.finish succeeded
  std::shared_ptr<ResponseSink> sink;  // null: the response is only kept here
  bool keep_body = true;               // with a sink: also keep the body in `body` (serve --record)
};

// The name of the component's wasi:http/incoming-handler@0.2.x export; an
// error if it has none (it is not a proxy component).
Result<std::string> incoming_handler_export(const component::Component& component);

// incoming-handler.handle's name, and its arguments: `request` and a
// response-outparam that fills `response`, offered to `host`.
inline constexpr const char* kHandleFunc = "handle";
runtime::Values incoming_handler_args(WasiHost& host, ServerRequest request, std::shared_ptr<ServerResponse> response);

}  // namespace wasmrr::wasi
