#include <fmt/format.h>

#include "runtime/host.h"
#include "wasi/http/server.h"
#include "wasi/wasi.h"

namespace wasmrr::wasi {

Result<std::string> incoming_handler_export(const component::Component& component) {
  for (const auto& def : component.definitions) {
    if (def.kind != component::Definition::Kind::Export) continue;
    auto name = runtime::parse_interface_name(def.export_.name);
    if (!name || name->unversioned() != "wasi:http/incoming-handler") continue;
    if (name->version.empty() || name->version == "0.2" || name->version.starts_with("0.2.")) return def.export_.name;
  }
  return make_error("the component does not export wasi:http/incoming-handler@0.2.x: it is not an HTTP proxy component");
}

runtime::Values incoming_handler_args(WasiHost& host, ServerRequest request, std::shared_ptr<ServerResponse> response) {
  uint32_t req = host.offer_incoming_request(std::move(request));
  uint32_t out = host.offer_response_outparam(std::move(response));
  return {abi::Value::own(req), abi::Value::own(out)};
}

}  // namespace wasmrr::wasi
