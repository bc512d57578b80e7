// The host-call boundary. A component's imports are bound, by name, to host
// functions that take and return typed component values (abi::Value). This is
// the one place where record/replay attaches (see rr/), so host
// implementations (wasi/) never see the guest's memory or the ABI.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "abi/type.h"
#include "abi/value.h"

namespace wasmrr::runtime {

using Values = std::vector<abi::Value>;

// A host function body. `args` may be moved from. Returns the results (zero or
// one value for WIT functions). May throw Trap or ExitRequest (util/trap.h).
// Handles (own/borrow) cross as the resource's rep.
using HostFunc = std::function<Values(Values& args)>;

// An import name split per the component model's interface naming:
// "wasi:cli/stdout@0.2.12" -> package "wasi:cli", interface "stdout", version "0.2.12".
struct InterfaceName {
  std::string package;    // "wasi:cli"
  std::string interface;  // "stdout"
  std::string version;    // "0.2.12", or empty
  std::string unversioned() const { return interface.empty() ? package : package + "/" + interface; }
};
std::optional<InterfaceName> parse_interface_name(std::string_view name);

// Host functions by unversioned interface name and function name. Function
// names are as WIT mangles them: "now", "[method]output-stream.write",
// "[static]...", "[constructor]...", and "[resource-drop]output-stream" for the
// host's destructor of a resource type.
class HostRegistry {
 public:
  void define(std::string interface, std::string func, HostFunc fn);
  // Finds the implementation for an import instance name (any @0.2.x version
  // binds to the same implementation) and function name; nullptr if none.
  const HostFunc* find(std::string_view instance_name, std::string_view func) const;
  bool has_interface(std::string_view instance_name) const;

 private:
  std::map<std::string, std::map<std::string, HostFunc, std::less<>>, std::less<>> interfaces_;
};

// One bound import, as the interposer sees it.
struct ImportedFunc {
  std::string name;            // full, e.g. "wasi:clocks/wall-clock@0.2.3#now"
  abi::FuncTypePtr type;       // as the component declares it
  const HostFunc* impl = nullptr;  // the real host; nullptr when none is bound (replay)
};

// The interposer: every import call of the guest goes through call(). The
// passthrough calls the real host; rr/ provides a recorder and a replayer.
class CallInterposer {
 public:
  virtual ~CallInterposer() = default;
  virtual Values call(const ImportedFunc& f, Values& args) = 0;
};

class PassthroughInterposer final : public CallInterposer {
 public:
  Values call(const ImportedFunc& f, Values& args) override { return (*f.impl)(args); }
};

}  // namespace wasmrr::runtime
