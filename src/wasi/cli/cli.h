// The wasi:cli package of one WasiHost: arguments, environment and cwd, the
// stdio fds, and the terminal-input / terminal-output resources. Its streams
// are wasi:io's (stdio_stream.h).
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "runtime/host.h"
#include "wasi/common/wit_signatures.h"
#include "wasi/common/resource_table.h"
#include "wasi/io/io.h"

namespace wasmrr::wasi {

// terminal-input and terminal-output carry no methods in 0.2.
struct Terminal {
  int fd = -1;
};

// The guest's command line, environment and stdio (part of WasiConfig).
struct CliConfig {
  std::vector<std::string> args;
  std::vector<std::pair<std::string, std::string>> env;
  std::string cwd;  // empty: initial-cwd returns none
  int stdin_fd = 0;
  int stdout_fd = 1;
  int stderr_fd = 2;
};

struct CliState {
  // `config` must outlive this state (WasiHost keeps both).
  CliState(IoState& io, RepCounter& reps, const CliConfig& config)
      : io(io), config(config), terminal_inputs("terminal-input", reps), terminal_outputs("terminal-output", reps) {}

  IoState& io;
  const CliConfig& config;
  ResourceTable<Terminal> terminal_inputs;
  ResourceTable<Terminal> terminal_outputs;

  size_t live() const { return terminal_inputs.size() + terminal_outputs.size(); }
};

// One registration per WIT interface (environment.cpp, exit.cpp, ...).
void register_cli_environment(runtime::HostRegistry& r, CliState& cli, WasiVersion version = WasiVersion::P2);
void register_cli_exit(runtime::HostRegistry& r, CliState& cli, WasiVersion version = WasiVersion::P2);
void register_cli_stdin(runtime::HostRegistry& r, CliState& cli);
void register_cli_stdout(runtime::HostRegistry& r, CliState& cli);
void register_cli_stderr(runtime::HostRegistry& r, CliState& cli);
void register_cli_terminal_input(runtime::HostRegistry& r, CliState& cli, WasiVersion version = WasiVersion::P2);
void register_cli_terminal_output(runtime::HostRegistry& r, CliState& cli, WasiVersion version = WasiVersion::P2);
void register_cli_terminal_stdin(runtime::HostRegistry& r, CliState& cli, WasiVersion version = WasiVersion::P2);
void register_cli_terminal_stdout(runtime::HostRegistry& r, CliState& cli, WasiVersion version = WasiVersion::P2);
void register_cli_terminal_stderr(runtime::HostRegistry& r, CliState& cli, WasiVersion version = WasiVersion::P2);

inline void register_cli(runtime::HostRegistry& r, CliState& cli) {
  register_cli_environment(r, cli);
  register_cli_exit(r, cli);
  register_cli_stdin(r, cli);
  register_cli_stdout(r, cli);
  register_cli_stderr(r, cli);
  register_cli_terminal_input(r, cli);
  register_cli_terminal_output(r, cli);
  register_cli_terminal_stdin(r, cli);
  register_cli_terminal_stdout(r, cli);
  register_cli_terminal_stderr(r, cli);
}

}  // namespace wasmrr::wasi
