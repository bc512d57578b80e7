// The wasi:http package of one WasiHost: the resources of wasi:http/types,
// the client that sends outgoing requests, and what the grants (policy.h)
// allow. The request and response objects refer to an HttpTransfer
// (client.h) that does the work; several resources share one transfer, which
// lives as long as any of them (or a body stream, or a pollable) still refers
// to it. Body streams are wasi:io's (body.h).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <set>
#include <string>

#include "abi/value.h"
#include "runtime/host.h"
#include "wasi/common/resource_table.h"
#include "wasi/http/client.h"
#include "wasi/http/policy.h"
#include "wasi/http/server.h"
#include "wasi/io/io.h"

namespace wasmrr::wasi {

// wasi:http fields. Immutable views share the list of the request or
// response they came from; set, append and delete fail on them.
struct Fields {
  std::shared_ptr<FieldList> list;
  bool immutable = false;
};

struct RequestOptions {
  std::optional<uint64_t> connect_timeout_ns;
  std::optional<uint64_t> first_byte_timeout_ns;
  std::optional<uint64_t> between_bytes_timeout_ns;
};

struct OutgoingRequest {
  std::shared_ptr<FieldList> headers;
  abi::Value method = abi::Value::variant(0);  // the WIT `method` value (get)
  std::optional<abi::Value> scheme;            // the WIT `scheme` value
  std::optional<std::string> path_with_query;
  std::optional<std::string> authority;
  std::shared_ptr<RequestBody> body;  // set once outgoing-request.body was called
  // 0.3's request: the options given to request.new, and how sending went
  // (its transmit future: unset until client.send answered).
  std::shared_ptr<RequestOptions> options;
  std::shared_ptr<std::optional<abi::Value>> sent;
};


struct OutgoingBody {
  std::shared_ptr<RequestBody> body;
};

struct FutureIncomingResponse {
  std::shared_ptr<HttpTransfer> transfer;
  bool taken = false;
};

struct IncomingResponse {
  std::shared_ptr<HttpTransfer> transfer;
  std::shared_ptr<FieldList> headers;
  bool consumed = false;
};

// The body of an incoming-response (from its transfer) or of an
// incoming-request (serve: as it arrives, or its bytes read whole).
struct IncomingBody {
  std::shared_ptr<HttpTransfer> transfer;
  std::shared_ptr<const std::string> bytes;  // a request's body; transfer is null
  std::shared_ptr<RequestBodySource> source;  // a request's body as it arrives; then bytes is null
  bool stream_taken = false;
};

struct FutureTrailers {
  std::shared_ptr<HttpTransfer> transfer;  // null: a request's body, which has no trailers
  bool taken = false;
};

// A response a guest builds; it goes to the client once set on a
// response-outparam (serve), and nowhere otherwise.
struct OutgoingResponse {
  std::shared_ptr<FieldList> headers;
  uint16_t status = 200;
  bool body_taken = false;
  std::shared_ptr<RequestBody> body = std::make_shared<RequestBody>();  // what outgoing-response.body writes to
};

// serve (server.h): the request the guest handles, and where its response goes.
struct IncomingRequest {
  std::shared_ptr<const ServerRequest> request;
  std::shared_ptr<FieldList> headers;
  bool consumed = false;
};
struct ResponseOutparam {
  std::shared_ptr<ServerResponse> response;
};

class HttpState {
 public:
  HttpState(IoState& io, RepCounter& reps, const HttpPolicy& policy) : io(io), policy(policy), reps_(reps) {}

  IoState& io;
  const HttpPolicy& policy;

  // The client, created on first use (a guest without HTTP pays nothing).
  const std::shared_ptr<HttpClient>& client() {
    if (!client_) client_ = HttpClient::create();
    return client_;
  }

  size_t live() const {
    return fields.size() + outgoing_requests.size() + request_options.size() + outgoing_bodies.size() +
           future_responses.size() + incoming_responses.size() + incoming_bodies.size() +
           future_trailers.size() + outgoing_responses.size() + incoming_requests.size() + response_outparams.size();
  }

  // serving (serve): responses can go somewhere, so their bodies are kept.
  bool serving = false;

 private:
  RepCounter& reps_;

 public:
  ResourceTable<Fields> fields{"fields", reps_};
  ResourceTable<OutgoingRequest> outgoing_requests{"outgoing-request", reps_};
  ResourceTable<RequestOptions> request_options{"request-options", reps_};
  ResourceTable<OutgoingBody> outgoing_bodies{"outgoing-body", reps_};
  ResourceTable<FutureIncomingResponse> future_responses{"future-incoming-response", reps_};
  ResourceTable<IncomingResponse> incoming_responses{"incoming-response", reps_};
  ResourceTable<IncomingBody> incoming_bodies{"incoming-body", reps_};
  ResourceTable<FutureTrailers> future_trailers{"future-trailers", reps_};
  ResourceTable<OutgoingResponse> outgoing_responses{"outgoing-response", reps_};
  ResourceTable<IncomingRequest> incoming_requests{"incoming-request", reps_};
  ResourceTable<ResponseOutparam> response_outparams{"response-outparam", reps_};

  // Destinations already named on stderr as denied (each is named once).
  std::set<std::string> denied_destinations;

 private:
  std::shared_ptr<HttpClient> client_;
};

// One registration per WIT interface (types.cpp, outgoing_handler.cpp).
void register_http_types(runtime::HostRegistry& r, HttpState& http);
void register_http_outgoing_handler(runtime::HostRegistry& r, HttpState& http);

inline void register_http(runtime::HostRegistry& r, HttpState& http) {
  register_http_types(r, http);
  register_http_outgoing_handler(r, http);
}

}  // namespace wasmrr::wasi
