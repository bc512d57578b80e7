#include "wasi/cli/command.h"

#include <fmt/format.h>

#include "runtime/host.h"

namespace wasmrr::wasi {

namespace {

// The export that makes a component a command: wasi:cli/run at any 0.2.x or
// 0.3.x version (or unversioned). 0.3's run is an async func; the runtime
// runs its task to the end, so both return the same result.
bool is_cli_run(const std::string& export_name) {
  auto name = runtime::parse_interface_name(export_name);
  if (!name || name->unversioned() != "wasi:cli/run") return false;
  const std::string& v = name->version;
  return v.empty() || v == "0.2" || v.starts_with("0.2.") || v == "0.3" || v.starts_with("0.3.");
}

}  // namespace

Result<runtime::Outcome> run_command(runtime::Runtime& runtime) {
  std::string run_instance;
  for (const auto& name : runtime.export_names())
    if (is_cli_run(name)) run_instance = name;
  if (run_instance.empty())
    return make_error("the component does not export wasi:cli/run@0.2.x or @0.3.x: it is not a WASI command (is it a library or a reactor?)");
  auto outcome = runtime.run_export(run_instance, "run");
  if (!outcome || outcome->kind != runtime::Outcome::Kind::Returned) return outcome;
  // run: func() -> result
  const auto& results = outcome->results;
  bool failed = !results.empty() && results[0].kind == abi::Kind::Result && !results[0].is_ok();
  outcome->kind = runtime::Outcome::Kind::Exited;
  outcome->exit_status = failed ? 1 : 0;
  outcome->results.clear();
  return outcome;
}

}  // namespace wasmrr::wasi
