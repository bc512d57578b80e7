// What the subcommands share: guest options, exit codes, errors.
#pragma once

#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace CLI { class App; }

namespace wasmrr::cli {

// Exit codes of wasm-rr itself (documented in README.md and --help). A guest
// that exits passes its own status through: exit(ok) -> 0, exit(err) -> 1.
constexpr int kExitDivergence = 121;  // replay: the guest diverged from the trace, or the trace ended early
constexpr int kExitToolError = 125;   // bad usage, unreadable or invalid component or trace, missing import
constexpr int kExitGuestTrap = 134;   // the guest trapped (128 + SIGABRT, as wasmtime does)

constexpr const char* kExitCodeHelp = R"(Exit status:
  the guest's own status (exit ok -> 0, exit err -> 1, exit-with-code N -> N)
  121  replay: the guest diverged from the trace, or the trace ended early
  125  wasm-rr could not do its job (bad usage, invalid component or trace, missing import)
  134  the guest trapped (the trap message and guest backtrace go to stderr))";

// An error of wasm-rr's own (not the guest's): printed as "wasm-rr: error: ...", exit 125.
class ToolError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct GuestOptions {
  std::string component_path;
  std::vector<std::string> guest_args;   // after the component name / after `--`
  std::vector<std::string> env_flags;    // --env NAME=VAL | --env NAME
  bool inherit_env = false;
  std::vector<std::string> dir_flags;    // --dir HOST[::GUEST]
  std::vector<std::string> allow_tcp;    // --allow-tcp SPEC (wasi/socket_policy.h)
  std::vector<std::string> allow_udp;    // --allow-udp SPEC
  bool allow_ip_name_lookup = false;     // --allow-ip-name-lookup
};

// Adds the component positional and the guest's arguments.
void add_component_options(CLI::App& app, GuestOptions& opts);
// Adds --env, --inherit-env and --dir.
void add_world_options(CLI::App& app, GuestOptions& opts);

// The guest's environment from --env/--inherit-env, in order, later wins.
std::vector<std::pair<std::string, std::string>> guest_environment(const GuestOptions& opts);

struct RecordOptions {
  GuestOptions guest;
  std::vector<std::string> redact;
  std::string trace_path;
  std::string format;
};
struct ReplayOptions {
  std::string component_path;
  std::string trace_path = "wasm-rr-trace.json";
  bool force = false;
  bool files_written = false;
};
struct InspectOptions {
  std::string trace_path = "wasm-rr-trace.json";
  bool events = false;
  bool files = false;
};
struct ConvertOptions {
  std::string in_path, out_path, format;
};

int run_command(const GuestOptions& opts);
int record_command(const RecordOptions& opts);
int replay_command(const ReplayOptions& opts);
int convert_command(const ConvertOptions& opts);
int inspect_command(const InspectOptions& opts);

}  // namespace wasmrr::cli
