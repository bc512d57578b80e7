// Shared helpers for the wasi/ unit tests: a WasiHost registered into a
// HostRegistry, and calls by interface and function name, as the runtime
// would make them (arguments and results as abi::Value).
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <string>
#include <utility>

#include "runtime/host.h"
#include "wasi/wasi.h"

namespace wasmrr::wasi::testing {

using abi::Value;
using runtime::Values;

class HostHarness {
 public:
  explicit HostHarness(WasiConfig config = {}, WasiSources sources = {})
      : host_(std::move(config), std::move(sources)) {
    host_.register_all(registry_);
  }

  // Calls `func` of `interface` (written without a version) of WASI 0.2.12,
  // or with `version` "0.3.0", of WASI 0.3.
  Values call(const std::string& interface, const std::string& func, Values args = {},
              const std::string& version = "0.2.12") {
    const runtime::HostFunc* f = registry_.find(interface + "@" + version, func);
    if (!f) ADD_FAILURE() << "not registered: " << interface << "#" << func;
    return f ? (*f)(args) : Values{};
  }

  Value call1(const std::string& interface, const std::string& func, Values args = {},
              const std::string& version = "0.2.12") {
    Values r = call(interface, func, std::move(args), version);
    EXPECT_EQ(r.size(), 1u) << interface << "#" << func;
    return r.empty() ? Value() : r[0];
  }

  // A wasm-rr:async/streams call, as the runtime makes it for a stream or
  // future the host holds (WASI 0.3).
  Value streams_call(const std::string& op, Values args) {
    const runtime::HostFunc* f = registry_.find(runtime::kHostStreamsInterface, op);
    if (!f) ADD_FAILURE() << "not registered: " << runtime::kHostStreamsInterface << "#" << op;
    Values r = f ? (*f)(args) : Values{};
    return r.empty() ? Value() : r[0];
  }

  runtime::HostRegistry& registry() { return registry_; }
  WasiHost& host() { return host_; }

 private:
  WasiHost host_;
  runtime::HostRegistry registry_;
};

// A pipe whose ends close on destruction.
struct Pipe {
  int read_end = -1;
  int write_end = -1;
  Pipe() {
    int fds[2];
    if (::pipe(fds) == 0) {
      read_end = fds[0];
      write_end = fds[1];
    }
  }
  ~Pipe() {
    close_read();
    close_write();
  }
  void close_read() {
    if (read_end >= 0) ::close(read_end);
    read_end = -1;
  }
  void close_write() {
    if (write_end >= 0) ::close(write_end);
    write_end = -1;
  }
};

}  // namespace wasmrr::wasi::testing
