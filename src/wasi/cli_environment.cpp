// wasi:cli/environment: the configured arguments, environment and cwd.
#include "wasi/host_util.h"
#include "wasi/interfaces.h"

namespace wasmrr::wasi {

void register_cli_environment(runtime::HostRegistry& r, WasiContext& cx) {
  InterfaceDefiner def(r, "wasi:cli/environment");
  def("get-environment", [&cx](Values&) {
    std::vector<Value> pairs;
    for (const auto& [name, value] : cx.config.env)
      pairs.push_back(Value::tuple({Value::string(name), Value::string(value)}));
    return one(Value::list(std::move(pairs)));
  });
  def("get-arguments", [&cx](Values&) {
    std::vector<Value> args;
    for (const auto& a : cx.config.args) args.push_back(Value::string(a));
    return one(Value::list(std::move(args)));
  });
  def("initial-cwd", [&cx](Values&) {
    return one(cx.config.cwd.empty() ? Value::none() : Value::some(Value::string(cx.config.cwd)));
  });
}

}  // namespace wasmrr::wasi
