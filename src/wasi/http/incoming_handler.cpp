#include <fmt/format.h>

#include "runtime/host.h"
#include "wasi/http/server.h"
#include "wasi/wasi.h"

namespace wasmrr::wasi {

bool is_incoming_handler(const std::string& export_name) {
  auto name = runtime::parse_interface_name(export_name);
  if (!name || name->unversioned() != "wasi:http/incoming-handler") return false;
  return name->version.empty() || name->version == "0.2" || name->version.starts_with("0.2.");
}

Result<runtime::Outcome> handle_incoming_request(runtime::Runtime& runtime, WasiHost& host, ServerRequest request,
                                                 std::shared_ptr<ServerResponse> response) {
  std::string handler;
  for (const auto& name : runtime.export_names())
    if (is_incoming_handler(name)) handler = name;
  if (handler.empty())
    return make_error("the component does not export wasi:http/incoming-handler@0.2.x: it is not an HTTP proxy component");
  uint32_t req = host.offer_incoming_request(std::move(request));
  uint32_t out = host.offer_response_outparam(std::move(response));
  return runtime.run_export(handler, "handle", {abi::Value::own(req), abi::Value::own(out)});
}

}  // namespace wasmrr::wasi
