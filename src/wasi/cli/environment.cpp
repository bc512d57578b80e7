// wasi:cli/environment: the configured arguments, environment and cwd.
#include "wasi/cli/cli.h"
#include "wasi/common/host_util.h"

namespace wasmrr::wasi {

void register_cli_environment(runtime::HostRegistry& r, CliState& cli, WasiVersion version) {
  InterfaceDefiner def(r, "wasi:cli/environment", version);
  def("get-environment", [&cli](Values&) {
    std::vector<Value> pairs;
    for (const auto& [name, value] : cli.config.env)
      pairs.push_back(Value::tuple({Value::string(name), Value::string(value)}));
    return one(Value::list(std::move(pairs)));
  });
  def("get-arguments", [&cli](Values&) {
    std::vector<Value> args;
    for (const auto& a : cli.config.args) args.push_back(Value::string(a));
    return one(Value::list(std::move(args)));
  });
  // 0.3 renamed initial-cwd to get-initial-cwd.
  def(version == WasiVersion::P3 ? "get-initial-cwd" : "initial-cwd", [&cli](Values&) {
    return one(cli.config.cwd.empty() ? Value::none() : Value::some(Value::string(cli.config.cwd)));
  });
}

}  // namespace wasmrr::wasi
