// The parts of wasi:http/types that 0.2 (types.cpp) and 0.3 (p3/http.cpp)
// share, defined for either version: fields (0.3 names entries copy-all and
// adds get-and-delete), the request accessors (0.2's outgoing-request, 0.3's
// request, whose getters are named get-*) and request-options.
#pragma once

#include <memory>
#include <optional>

#include "wasi/common/host_util.h"
#include "wasi/common/outcome.h"
#include "wasi/http/http.h"

namespace wasmrr::wasi {

void define_fields(const InterfaceDefiner& def, HttpState& http, WasiVersion v);
void define_request_accessors(const InterfaceDefiner& def, HttpState& http, WasiVersion v);
void define_request_options(const InterfaceDefiner& def, HttpState& http, WasiVersion v);

// A new fields resource over `list`; set, append and delete fail on an
// immutable one (the headers of a request or response).
uint32_t new_fields(HttpState& http, std::shared_ptr<FieldList> list, bool immutable);
// Takes an own<fields> argument out of the table.
std::shared_ptr<FieldList> take_fields(HttpState& http, const abi::Value& handle);
// The content-length header's value, if it is a number.
std::optional<uint64_t> content_length(const FieldList& headers);

// What outgoing-handler.handle (0.2) and client.send (0.3) send for `req`,
// or why it cannot go: no authority, an unknown scheme, a destination
// --allow-http does not grant (named on stderr once).
Outcome<HttpRequestSpec, HttpErrorCode> request_spec(HttpState& http, const OutgoingRequest& req,
                                                     const RequestOptions* opts);

}  // namespace wasmrr::wasi
