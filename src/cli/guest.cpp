#include "cli/guest.h"

#include <CLI/CLI.hpp>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>

#include <fmt/format.h>

#include "abi/unicode.h"
#include "engine/engine.h"

extern char** environ;

namespace wasmrr::cli {

void add_component_options(CLI::App& app, GuestOptions& opts) {
  app.add_option("component", opts.component_path, "The component (.wasm component binary)")->required();
  app.add_option("args", opts.guest_args,
                 "Arguments for the guest (after `--` if they start with `-`); the guest's argv[0] is the "
                 "component's file name");
}

// wasi:sockets access (README.md, Sockets): denied unless granted.
static void add_socket_options(CLI::App& app, GuestOptions& opts) {
  app.add_option("--allow-tcp", opts.allow_tcp,
                 "Let the guest bind and connect TCP sockets to addresses matching SPEC (repeatable): "
                 "`*` (anything) or ADDR[/PREFIX][:PORTS], ADDR an IPv4 address, [IPv6] or `*`, "
                 "PORTS `*`, N or N-M; e.g. 127.0.0.1:8080, 127.0.0.0/8:*, [::1]:*")
      ->type_name("SPEC")
      ->allow_extra_args(false);  // one SPEC per flag: the component follows
  app.add_option("--allow-udp", opts.allow_udp,
                 "Let the guest bind UDP sockets to and send datagrams to addresses matching SPEC "
                 "(repeatable; SPEC as for --allow-tcp)")
      ->type_name("SPEC")
      ->allow_extra_args(false);  // one SPEC per flag: the component follows
  app.add_flag("--allow-ip-name-lookup", opts.allow_ip_name_lookup,
               "Let the guest resolve host names (wasi:sockets/ip-name-lookup)");
}

void add_world_options(CLI::App& app, GuestOptions& opts) {
  app.add_option("--env", opts.env_flags,
                 "Set NAME=VAL in the guest's environment, or pass NAME through from the host's environment. "
                 "Repeatable")
      ->type_name("NAME[=VAL]")
      ->allow_extra_args(false);  // one value per flag: what follows is the component or its args
  app.add_flag("--inherit-env", opts.inherit_env, "Pass the whole host environment to the guest");
  app.add_option("--dir", opts.dir_flags,
                 "Grant the guest a host directory, seen at GUEST (default: HOST); a `:ro` suffix after GUEST "
                 "grants it read-only (for the same path: HOST::HOST:ro). Repeatable")
      ->type_name("HOST[::GUEST[:ro]]")
      ->allow_extra_args(false);
  add_socket_options(app, opts);
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
    if (eq == 0) throw ToolError(fmt::format("--env `{}`: the variable has no name", flag));
    if (eq != std::string::npos) {
      set(flag.substr(0, eq), flag.substr(eq + 1));
    } else if (const char* v = std::getenv(flag.c_str())) {
      set(flag, v);
    }
  }
  return env;
}

LoadedComponent load_component(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw ToolError(fmt::format("cannot open `{}`: {}", path, std::strerror(errno)));
  auto bytes = std::make_shared<std::vector<uint8_t>>(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  if (in.bad()) throw ToolError(fmt::format("cannot read `{}`", path));
  auto ast = component::parse_component(bytes);
  if (!ast) throw ToolError(fmt::format("`{}`: {}", path, ast.error().message));
  return LoadedComponent{path, bytes, *ast};
}

static std::vector<wasi::Preopen> parse_dirs(const std::vector<std::string>& flags) {
  std::vector<wasi::Preopen> out;
  for (const auto& flag : flags) {
    wasi::Preopen p;
    auto sep = flag.find("::");
    p.host_path = flag.substr(0, sep);
    p.guest_path = sep == std::string::npos ? p.host_path : flag.substr(sep + 2);
    // ":ro" is only looked for after "::", so a HOST-only path may contain ':'.
    if (sep != std::string::npos && p.guest_path.ends_with(":ro")) {
      p.guest_path.resize(p.guest_path.size() - 3);
      p.read_only = true;
    }
    if (p.host_path.empty() || p.guest_path.empty()) throw ToolError(fmt::format("--dir `{}`: expected HOST[::GUEST[:ro]]", flag));
    if (!std::filesystem::is_directory(p.host_path))
      throw ToolError(fmt::format("--dir `{}`: `{}` is not a directory", flag, p.host_path));
    out.push_back(std::move(p));
  }
  return out;
}

static wasi::SocketPolicy parse_socket_policy(const char* flag, const std::vector<std::string>& specs) {
  wasi::SocketPolicy policy;
  for (const auto& spec : specs) {
    std::string error;
    auto rule = wasi::parse_socket_rule(spec, error);
    if (!rule) throw ToolError(fmt::format("{} `{}`: {}", flag, spec, error));
    policy.allow(*rule);
  }
  return policy;
}

static bool is_utf8(const std::string& s) {
  return abi::unicode::is_valid_utf8(reinterpret_cast<const uint8_t*>(s.data()), s.size());
}

wasi::WasiConfig guest_config(const GuestOptions& opts) {
  wasi::WasiConfig config;
  config.args.push_back(std::filesystem::path(opts.component_path).filename().string());
  config.args.insert(config.args.end(), opts.guest_args.begin(), opts.guest_args.end());
  // WASI passes arguments and environment as WIT strings, which are Unicode.
  for (size_t i = 0; i < config.args.size(); i++)
    if (!is_utf8(config.args[i]))
      throw ToolError(fmt::format("argument {} is not valid UTF-8: WASI arguments are Unicode strings", i));
  for (auto& [name, value] : guest_environment(opts)) {
    if (is_utf8(name) && is_utf8(value)) {
      config.env.emplace_back(std::move(name), std::move(value));
    } else {
      fmt::print(stderr, "wasm-rr: warning: environment variable `{}` is not valid UTF-8; the guest does not get it\n",
                 is_utf8(name) ? name : std::string("(unprintable name)"));
    }
  }
  config.preopens = parse_dirs(opts.dir_flags);
  config.sockets.tcp = parse_socket_policy("--allow-tcp", opts.allow_tcp);
  config.sockets.udp = parse_socket_policy("--allow-udp", opts.allow_udp);
  config.sockets.ip_name_lookup = opts.allow_ip_name_lookup;
  return config;
}

runtime::Outcome run_guest(const LoadedComponent& c, const runtime::HostRegistry& registry,
                           runtime::CallInterposer& interposer, const runtime::InstantiateOptions& options) {
  auto engine = engine::create_engine();
  if (!engine) throw ToolError(engine.error().message);
  runtime::Runtime rt(**engine, registry, interposer);
  if (auto r = rt.instantiate(c.ast, options); !r) throw ToolError(fmt::format("`{}`: {}", c.path, r.error().message));
  auto outcome = rt.run_command();
  if (!outcome) throw ToolError(fmt::format("`{}`: {}", c.path, outcome.error().message));
  return *outcome;
}

int exit_code_of(const runtime::Outcome& outcome) {
  if (outcome.kind == runtime::Outcome::Kind::Exited) return outcome.exit_status;
  fmt::print(stderr, "wasm-rr: guest trapped: {}\n", outcome.trap_message);
  if (!outcome.backtrace.empty()) {
    fmt::print(stderr, "guest backtrace:\n");
    for (size_t i = 0; i < outcome.backtrace.size(); i++) fmt::print(stderr, "  {:>3}: {}\n", i, outcome.backtrace[i]);
  }
  return kExitGuestTrap;
}

}  // namespace wasmrr::cli
