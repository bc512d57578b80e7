#include "runtime/host.h"

namespace wasmrr::runtime {

std::optional<InterfaceName> parse_interface_name(std::string_view name) {
  // interfacename ::= <namespace>:<package>/<interface>(@<version>)?
  InterfaceName out;
  std::string_view rest = name;
  if (auto at = rest.find('@'); at != std::string_view::npos) {
    out.version = std::string(rest.substr(at + 1));
    rest = rest.substr(0, at);
  }
  auto colon = rest.find(':');
  if (colon == std::string_view::npos || colon == 0) return std::nullopt;
  if (auto slash = rest.find('/', colon); slash != std::string_view::npos) {
    out.package = std::string(rest.substr(0, slash));
    out.interface = std::string(rest.substr(slash + 1));
  } else {
    out.package = std::string(rest);
  }
  return out;
}

// Any 0.2.x version binds to the implementation; other versions do not.
static bool version_supported(const std::string& version) {
  return version.empty() || version == "0.2" || version.rfind("0.2.", 0) == 0;
}

void HostRegistry::define(std::string interface, std::string func, HostFunc fn) {
  interfaces_[std::move(interface)][std::move(func)] = std::move(fn);
}

bool HostRegistry::has_interface(std::string_view instance_name) const {
  auto parsed = parse_interface_name(instance_name);
  if (!parsed || !version_supported(parsed->version)) return false;
  return interfaces_.find(parsed->unversioned()) != interfaces_.end();
}

const HostFunc* HostRegistry::find(std::string_view instance_name, std::string_view func) const {
  auto parsed = parse_interface_name(instance_name);
  if (!parsed || !version_supported(parsed->version)) return nullptr;
  auto it = interfaces_.find(parsed->unversioned());
  if (it == interfaces_.end()) return nullptr;
  auto f = it->second.find(func);
  return f == it->second.end() ? nullptr : &f->second;
}

}  // namespace wasmrr::runtime
