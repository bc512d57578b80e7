// Command-line options shared by the subcommands that run a guest.
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace CLI { class App; }

namespace wasmrr::cli {

// Exit codes of wasm-rr itself (documented in README.md and --help). A guest
// that exits passes its own status through: exit(ok) -> 0, exit(err) -> 1.
constexpr int kExitToolError = 125;  // bad usage, unreadable or invalid component, missing import
constexpr int kExitGuestTrap = 134;  // the guest trapped (128 + SIGABRT, as wasmtime does)

struct GuestOptions {
  std::string component_path;
  std::vector<std::string> guest_args;   // after the component name / after `--`
  std::vector<std::string> env_flags;    // --env NAME=VAL | --env NAME
  bool inherit_env = false;
  std::vector<std::string> dir_flags;    // --dir HOST[::GUEST]
};

// Adds the flags of GuestOptions to a subcommand.
void add_guest_options(CLI::App& app, GuestOptions& opts);

// The guest's environment from --env/--inherit-env, in order, later wins.
std::vector<std::pair<std::string, std::string>> guest_environment(const GuestOptions& opts);

}  // namespace wasmrr::cli
