// What the subcommands share: guest options, exit codes, errors.
#pragma once

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace CLI { class App; }

namespace wasmrr::cli {

// Exit codes of wasm-rr itself (documented in README.md and --help). A guest
// that exits passes its own status through: exit(ok) -> 0, exit(err) -> 1.
constexpr int kExitDivergence = 121;  // replay: the guest diverged from the trace, or the trace ended early
constexpr int kExitTimeout = 124;     // the guest ran longer than --timeout (as timeout(1) exits)
constexpr int kExitToolError = 125;   // bad usage, unreadable or invalid component or trace, missing or mistyped import
constexpr int kExitGuestTrap = 134;   // the guest trapped (128 + SIGABRT, as wasmtime does)

constexpr const char* kExitCodeHelp = R"(Exit status:
  the guest's own status (exit ok -> 0, exit err -> 1, exit-with-code N -> N)
  121  replay: the guest diverged from the trace, or the trace ended early
  124  the guest ran longer than --timeout (recorded: its replay stops there with 124 too)
  125  wasm-rr could not do its job (bad usage, invalid component or trace, missing or mistyped import)
  134  the guest trapped (the trap message and guest backtrace go to stderr)
  128+N  stopped by signal N (SIGHUP 129, SIGINT 130, SIGTERM 143); a recording so stopped
         ends with a record saying so, and its replay stops there with the same code)";

// convert and inspect run no guest.
constexpr const char* kTraceToolExitCodeHelp = R"(Exit status:
  0    done
  125  wasm-rr could not do its job (bad usage, an unreadable or invalid trace, an output it cannot write))";

// An error of wasm-rr's own (not the guest's): printed as "wasm-rr: error: ...", exit 125.
class ToolError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Limits on the guest (run and record; record keeps them in the trace header
// and replay applies the same memory and handle limits).
struct LimitOptions {
  std::string timeout;      // --timeout DURATION
  std::string max_memory;   // --max-memory SIZE
  uint64_t max_handles = 0; // --max-handles N (0: the default)
  std::string compiler = "optimizing";  // --compiler optimizing|baseline
};

struct GuestOptions {
  LimitOptions limits;
  std::string component_path;
  std::vector<std::string> guest_args;   // after the component name / after `--`
  std::vector<std::string> env_flags;    // --env NAME=VAL | --env NAME
  bool inherit_env = false;
  std::vector<std::string> dir_flags;    // --dir HOST[::GUEST[:ro|:rw]]
  std::vector<std::string> allow_tcp;    // --allow-tcp [SPEC] (wasi/sockets/socket_policy.h); bare: "*"
  std::vector<std::string> allow_udp;    // --allow-udp [SPEC]; bare: "*"
  bool allow_ip_name_lookup = false;     // --allow-ip-name-lookup
  std::vector<std::string> allow_http;   // --allow-http[=SPEC] (wasi/http/policy.h); bare: "*"
  std::optional<uint64_t> seed;          // --seed N: a seeded world (cli/seeded_world.h)
  std::string faults;                    // --faults SPEC (rr/faults.h)
  std::string fault_plan;                // --fault-plan FILE: exactly these faults
};

// Adds the component positional and the guest's arguments.
void add_component_options(CLI::App& app, GuestOptions& opts);
// Adds --env, --inherit-env and --dir.
void add_world_options(CLI::App& app, GuestOptions& opts);
// Adds --timeout, --max-memory, --max-handles and --compiler.
void add_limit_options(CLI::App& app, LimitOptions& opts);
// Adds --compiler optimizing|baseline (with add_limit_options, and for replay).
void add_compiler_option(CLI::App& app, std::string& compiler);

// The guest's environment from --env/--inherit-env, in order, later wins.
std::vector<std::pair<std::string, std::string>> guest_environment(const GuestOptions& opts);

struct RecordOptions {
  GuestOptions guest;
  std::vector<std::string> redact;
  std::optional<std::string> trace_path;  // -t; unset: wasm-rr-trace.json (or .cbor with -f cbor)
  std::string format;
  std::optional<std::string> pack_path;   // --pack FILE: also write the component and the trace as one file
  std::string dedup_window = "64M";       // --dedup-window SIZE (0: off)
};
struct ReplayOptions {
  std::string component_path;
  std::string trace_path = "wasm-rr-trace.json";
  bool force = false;
  bool files_written = false;
  std::optional<uint64_t> stop_at;  // --stop-at N: replay the events before N, then show the call of N
  bool mark_stdio = false;          // --mark-stdio: "[event N] " before every line shown
  bool rebuilt = false;             // --rebuilt: the component is a rebuild; its stdout/stderr writes run live
  std::string compiler = "optimizing";  // --compiler optimizing|baseline
  std::optional<uint64_t> until;    // --until N: replay the events before N, then go on live (rr/counterfactual.h)
  std::string then = "live";        // --then live|seed:S: the host from N on
};
struct DebugOptions {
  std::string component_path;
  std::string trace_path = "wasm-rr-trace.json";
  std::string command_file;  // -x FILE: commands run first
  bool force = false;
  bool dap = false;          // --dap: the Debug Adapter Protocol on stdio; the launch request names the files
};
struct InspectOptions {
  std::string trace_path = "wasm-rr-trace.json";
  bool events = false;
  uint64_t first_event = 0;            // --events N-M: only these
  uint64_t last_event = UINT64_MAX;
  bool stats = false;                  // --stats
  bool files = false;
  bool json = false;                   // --json: the report (header, events, end, stats) as JSON
  bool html = false;                   // --html: the timeline page
  std::string output_path;             // -o FILE (--html)
};
struct DiffOptions {
  std::string a_path, b_path;  // traces or packs
  bool all = false;            // --all: every differing stretch, not only the first
  bool json = false;           // --json: a machine-readable report
};
struct PackOptions {
  std::string component_path;
  std::string trace_path = "wasm-rr-trace.json";
  std::string out_path;        // -o FILE (default: the trace's name with .wasmrr)
  bool force = false;          // pack even if the trace was recorded with another component
};
struct CompileOptions {
  std::string component_path;
  std::string max_memory;  // --max-memory SIZE: as the runs it is for
  unsigned wait_seconds = 600;
};
struct ExploreOptions {
  GuestOptions guest;              // the component, its args, world and limits (--timeout: 10s by default)
  uint64_t runs = 100;             // --runs N
  uint64_t seed = 1;               // --seed S: run i has seed S+i
  std::string faults = "all";      // --faults SPEC
  unsigned jobs = 0;               // --jobs J (0: one per core)
  std::vector<int> fail_if_exit;   // --fail-if-exit CODE...
  std::string fail_if_stdout;      // --fail-if-stdout REGEX
  std::string out_dir = "wasm-rr-explore";  // -o DIR
  std::string format = "json";     // -f: the kept traces' format
};
struct ShrinkOptions {
  std::string component_path, trace_path, out_path;
  std::vector<int> fail_if_exit;
  std::string fail_if_stdout;
  bool verbose = false;            // -v: every run tried
};
struct ServeOptions {
  GuestOptions guest;                 // the component, its world and limits (--timeout: per request)
  std::string addr = "127.0.0.1:8080";  // --addr HOST:PORT
  unsigned workers = 0;               // --workers N (0: one per core)
  std::string max_body = "16M";       // --max-body SIZE: larger request bodies get 413
  std::optional<std::string> record_dir;  // --record DIR: one trace per request
};
struct ConvertOptions {
  std::string in_path, out_path, format;
};

int run_command(const GuestOptions& opts);
int record_command(const RecordOptions& opts);
int replay_command(const ReplayOptions& opts);
int debug_command(const DebugOptions& opts);
int convert_command(const ConvertOptions& opts);
int explore_command(ExploreOptions opts);
int shrink_command(const ShrinkOptions& opts);
int serve_command(const ServeOptions& opts);
int inspect_command(const InspectOptions& opts);
int diff_command(const DiffOptions& opts);
int pack_command(const PackOptions& opts);
int compile_command(const CompileOptions& opts);
// inspect --html (cli/timeline/)
int timeline_command(const InspectOptions& opts);

}  // namespace wasmrr::cli
