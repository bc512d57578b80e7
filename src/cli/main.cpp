// wasm-rr: run, record and replay WebAssembly components.
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>

#include <fmt/format.h>

#include "cli/options.h"
#include "component/ast.h"
#include "engine/engine.h"
#include "runtime/host.h"
#include "runtime/instance.h"
#include "wasi/wasi.h"

extern char** environ;

namespace wasmrr::cli {

void add_guest_options(CLI::App& app, GuestOptions& opts) {
  app.add_option("component", opts.component_path, "The component to run (a .wasm component binary)")
      ->required();
  app.add_option("args", opts.guest_args,
                 "Arguments for the guest (put them after `--` if they start with `-`); the guest's argv[0] is "
                 "the component's file name");
  app.add_option("--env", opts.env_flags,
                 "Set NAME=VAL in the guest's environment, or pass NAME through from the host's environment")
      ->type_name("NAME[=VAL]");
  app.add_flag("--inherit-env", opts.inherit_env, "Pass the whole host environment to the guest");
  app.add_option("--dir", opts.dir_flags, "Grant the guest a host directory, seen at GUEST (default: HOST)")
      ->type_name("HOST[::GUEST]");
}

std::vector<std::pair<std::string, std::string>> guest_environment(const GuestOptions& opts) {
  std::vector<std::pair<std::string, std::string>> env;
  auto set = [&env](std::string name, std::string value) {
    for (auto& [n, v] : env)
      if (n == name) { v = std::move(value); return; }
    env.emplace_back(std::move(name), std::move(value));
  };
  if (opts.inherit_env) {
    for (char** e = environ; *e; ++e) {
      std::string_view kv(*e);
      auto eq = kv.find('=');
      if (eq != std::string_view::npos) set(std::string(kv.substr(0, eq)), std::string(kv.substr(eq + 1)));
    }
  }
  for (const auto& flag : opts.env_flags) {
    auto eq = flag.find('=');
    if (eq != std::string::npos) {
      set(flag.substr(0, eq), flag.substr(eq + 1));
    } else if (const char* v = std::getenv(flag.c_str())) {
      set(flag, v);
    }
  }
  return env;
}

namespace {

class ToolError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

std::shared_ptr<const std::vector<uint8_t>> read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw ToolError(fmt::format("cannot open `{}`: {}", path, std::strerror(errno)));
  auto bytes = std::make_shared<std::vector<uint8_t>>(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  if (in.bad()) throw ToolError(fmt::format("cannot read `{}`", path));
  return bytes;
}

std::vector<wasi::Preopen> parse_dirs(const std::vector<std::string>& flags) {
  std::vector<wasi::Preopen> out;
  for (const auto& flag : flags) {
    wasi::Preopen p;
    auto sep = flag.find("::");
    p.host_path = flag.substr(0, sep);
    p.guest_path = sep == std::string::npos ? p.host_path : flag.substr(sep + 2);
    if (p.host_path.empty() || p.guest_path.empty()) throw ToolError(fmt::format("--dir `{}`: expected HOST[::GUEST]", flag));
    if (!std::filesystem::is_directory(p.host_path))
      throw ToolError(fmt::format("--dir `{}`: `{}` is not a directory", flag, p.host_path));
    out.push_back(std::move(p));
  }
  return out;
}

void print_trap(const runtime::Outcome& outcome) {
  fmt::print(stderr, "wasm-rr: guest trapped: {}\n", outcome.trap_message);
  if (!outcome.backtrace.empty()) {
    fmt::print(stderr, "guest backtrace:\n");
    for (size_t i = 0; i < outcome.backtrace.size(); i++) fmt::print(stderr, "  {:>3}: {}\n", i, outcome.backtrace[i]);
  }
}

int exit_code_of(const runtime::Outcome& outcome) {
  if (outcome.kind == runtime::Outcome::Kind::Trapped) {
    print_trap(outcome);
    return kExitGuestTrap;
  }
  return outcome.exit_status;
}

int run_command(const GuestOptions& opts) {
  auto bytes = read_file(opts.component_path);
  auto component = component::parse_component(bytes);
  if (!component) throw ToolError(fmt::format("`{}`: {}", opts.component_path, component.error().message));

  wasi::WasiConfig config;
  config.args.push_back(std::filesystem::path(opts.component_path).filename().string());
  config.args.insert(config.args.end(), opts.guest_args.begin(), opts.guest_args.end());
  config.env = guest_environment(opts);
  config.preopens = parse_dirs(opts.dir_flags);

  auto engine = engine::create_engine();
  if (!engine) throw ToolError(engine.error().message);
  runtime::HostRegistry registry;
  wasi::WasiHost host(std::move(config));
  host.register_all(registry);
  runtime::PassthroughInterposer passthrough;
  int code;
  {
    runtime::Runtime rt(**engine, registry, passthrough);
    if (auto r = rt.instantiate(*component); !r)
      throw ToolError(fmt::format("`{}`: {}", opts.component_path, r.error().message));
    auto outcome = rt.run_command();
    if (!outcome) throw ToolError(fmt::format("`{}`: {}", opts.component_path, outcome.error().message));
    code = exit_code_of(*outcome);
  }
  return code;
}

constexpr const char* kFooter = R"(Exit status:
  the guest's own status (exit ok -> 0, exit err -> 1, exit-with-code N -> N)
  125  wasm-rr could not run the component (bad usage, invalid component, missing import)
  134  the guest trapped (the trap message and guest backtrace go to stderr))";

}  // namespace

int run_cli(int argc, char** argv) {
  CLI::App app{"wasm-rr: run, record and replay WebAssembly (WASI 0.2) components"};
  app.set_version_flag("--version", std::string("wasm-rr ") + WASMRR_VERSION);
  app.require_subcommand(1);
  app.footer(kFooter);

  GuestOptions run_opts;
  CLI::App* run = app.add_subcommand("run", "Run a WASI 0.2 command component");
  add_guest_options(*run, run_opts);
  run->footer("Example: wasm-rr run hello.wasm --env HOME=/tmp -- --verbose input.txt");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int code = app.exit(e);
    return code == 0 ? 0 : kExitToolError;
  }

  try {
    if (*run) return run_command(run_opts);
  } catch (const ToolError& e) {
    fmt::print(stderr, "wasm-rr: error: {}\n", e.what());
    return kExitToolError;
  } catch (const std::exception& e) {
    fmt::print(stderr, "wasm-rr: internal error: {}\n", e.what());
    return kExitToolError;
  }
  return kExitToolError;
}

}  // namespace wasmrr::cli

int main(int argc, char** argv) { return wasmrr::cli::run_cli(argc, argv); }
