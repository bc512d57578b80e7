// The response a guest's incoming-handler gave, rebuilt from the calls it
// made (replay of a serve --record trace, where no host runs): an observer
// (runtime::CallObserver) that follows the fields, outgoing-responses,
// outgoing-bodies and their output-streams through their handles, as the
// host did when it served the request (types.cpp), and keeps what was set on
// the response-outparam.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include "runtime/host.h"
#include "trace/trace.h"
#include "wasi/http/client.h"

namespace wasmrr::wasi {

class ResponseCapture final : public runtime::CallObserver {
 public:
  void on_call(uint64_t index, const runtime::ImportedFunc& f, const runtime::Values& args,
               const runtime::Values& results) override;

  // The response set, as a trace's end record holds it (response_json); null if none was.
  trace::Json response() const;

 private:
  struct Response {
    uint16_t status = 200;
    uint32_t headers = 0;  // the fields handle it was made with
    std::optional<uint32_t> body;
  };
  std::map<uint32_t, FieldList> fields_;      // by handle
  std::map<uint32_t, Response> responses_;    // outgoing-response handles
  std::map<uint32_t, std::string> bodies_;    // outgoing-body handles: what was written
  std::map<uint32_t, uint32_t> streams_;      // output-stream handle -> outgoing-body
  std::map<uint32_t, uint32_t> body_of_;      // outgoing-response -> outgoing-body
  std::optional<trace::Json> set_;            // what response-outparam.set got
  std::optional<uint32_t> pending_;           // the body of the response set, which may grow after it
};

// A response as an end record holds it: {"status": n, "headers": [[name,
// value], ...], "body": bytes}. A guest that answered error-code instead:
// {"error": "..."}.
trace::Json response_json(uint16_t status, const FieldList& headers, const std::string& body);

}  // namespace wasmrr::wasi
