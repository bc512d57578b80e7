#include "cli/guest.h"

#include "runtime/module_cache.h"

#include "trace/trace.h"

#include <CLI/CLI.hpp>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <utility>

#include <fmt/format.h>

#include "abi/unicode.h"
#include "cli/units.h"
#include "trace/pack.h"
#include "trace/sha256.h"
#include "util/huge_pages.h"
#include "util/printable.h"
#include "engine/engine.h"
#include "wasi/cli/command.h"

extern char** environ;

namespace {
constexpr uint64_t kWasmPage = 64 * 1024;
}

namespace wasmrr::cli {

wasi::WasiVersions wasi_versions(const LoadedComponent& c) {
  std::vector<std::string> names;
  for (const component::Definition& d : c.ast->definitions)
    if (d.kind == component::Definition::Kind::Import) names.push_back(d.import.name + d.import.version_suffix);
  return wasi::WasiVersions::of(names);
}

void add_component_options(CLI::App& app, GuestOptions& opts) {
  app.add_option("component", opts.component_path, "The component (.wasm component binary)")->required();
  app.add_option("args", opts.guest_args,
                 "Arguments for the guest (after `--` if they start with `-`); the guest's argv[0] is the "
                 "component's file name");
}

// wasi:sockets and wasi:http access (README.md, Sockets and HTTP): denied
// unless granted. --allow-tcp/--allow-udp take SPEC as the next argument or
// after `=`, or none (any address). CLI11 would let an optional value take
// the component that follows the flag, so the value is checked here, before
// "component is required": a component is never a valid socket SPEC.
// --allow-http is a flag whose SPEC must be attached (`--allow-http=SPEC`):
// a host name looks like a file name, so a separate value could be the
// component or a guest argument.
static void add_socket_options(CLI::App& app, GuestOptions& opts) {
  auto socket_spec = CLI::Validator(
      [](std::string& spec) -> std::string {
        std::string error;
        if (wasi::parse_socket_rule(spec, error)) return {};
        if (std::filesystem::exists(spec))  // the component, taken as the flag's value
          return fmt::format("`{}` is a file, not a SPEC: a bare --allow-tcp/--allow-udp cannot come just "
                             "before the component (put it after the component, or write --allow-tcp=*)",
                             spec);
        return fmt::format("`{}`: {}", spec, error);
      },
      "");
  app.add_option("--allow-tcp", opts.allow_tcp,
                 "Let the guest bind and connect TCP sockets to addresses matching SPEC, the next argument or "
                 "after `=` (repeatable; without SPEC: any address): `*` (anything) or ADDR[/PREFIX][:PORTS], "
                 "ADDR an IPv4 address, [IPv6] or `*`, PORTS `*`, N or N-M; e.g. 127.0.0.1:8080, 127.0.0.0/8:*, "
                 "[::1]:*")
      ->option_text("[SPEC]")  // not "[SPEC]=*": the text says what a bare flag means
      ->expected(0, 1)
      ->default_str("*")
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll)
      ->check(socket_spec)
      ->allow_extra_args(false);  // at most one SPEC per flag: the component or its args follow
  app.add_option("--allow-udp", opts.allow_udp,
                 "Let the guest bind UDP sockets to and send datagrams to addresses matching SPEC "
                 "(repeatable; without SPEC: any address; SPEC as for --allow-tcp)")
      ->option_text("[SPEC]")  // not "[SPEC]=*": the text says what a bare flag means
      ->expected(0, 1)
      ->default_str("*")
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll)
      ->check(socket_spec)
      ->allow_extra_args(false);
  app.add_flag("--allow-ip-name-lookup", opts.allow_ip_name_lookup,
               "Let the guest resolve host names (wasi:sockets/ip-name-lookup)");
  app.add_flag("--allow-http{*}", opts.allow_http,
               "Let the guest send HTTP requests (wasi:http): bare, to any destination; --allow-http=SPEC, to "
               "destinations matching SPEC (SPEC only after `=`: a separate word is the component or a guest "
               "argument). Repeatable. SPEC: HOST[:PORTS], HOST a host name (case-insensitive), *.NAME (the "
               "subdomains of NAME), an IPv4 address, [IPv6] or `*`; PORTS `*`, N or N-M (default: any port); "
               "e.g. --allow-http=api.example.com, --allow-http='*.example.com:443', --allow-http=127.0.0.1:8080")
      ->option_text("[=SPEC]")
      ->check(CLI::Validator(
          [](std::string& spec) -> std::string {
            std::string error;
            return wasi::parse_http_rule(spec, error) ? std::string() : fmt::format("`{}`: {}", spec, error);
          },
          ""));
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
                 "grants it read-only (for the same path: HOST::HOST:ro), `:rw` read-write (the default). Repeatable")
      ->type_name("HOST[::GUEST[:ro|:rw]]")
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

std::string LoadedComponent::sha256() const {
  std::call_once(digest->once, [this] {
    digest->hex = trace::sha256_hex(std::string_view(reinterpret_cast<const char*>(bytes->data()), bytes->size()));
  });
  return digest->hex;
}

LoadedComponent load_component(const std::string& path) {
  // Far above any real component (a whole Python or JS runtime is tens of MB);
  // it bounds what a wrong path costs.
  static constexpr uint64_t kMaxComponentBytes = 1ull << 30;
  // Checked before opening: opening a FIFO would wait for a writer, and
  // /dev/zero or a pipe would be read forever.
  std::error_code ec;
  auto status = std::filesystem::status(path, ec);
  if (!ec && !std::filesystem::is_regular_file(status)) {
    const char* what = std::filesystem::is_directory(status)         ? "a directory"
                       : std::filesystem::is_fifo(status)            ? "a FIFO"
                       : std::filesystem::is_character_file(status)  ? "a character device"
                       : std::filesystem::is_block_file(status)      ? "a block device"
                       : std::filesystem::is_socket(status)          ? "a socket"
                                                                     : "not a regular file";
    throw ToolError(fmt::format("`{}` is {}: a component must be a regular file (.wasm)", path, what));
  }
  if (trace::is_pack_file(path)) {
    auto packed = trace::read_packed_component(path, kMaxComponentBytes);
    if (!packed) throw ToolError(packed.error().message);
    auto bytes = std::make_shared<std::vector<uint8_t>>(std::move(packed->bytes));
    auto ast = component::parse_component(bytes);
    if (!ast) throw ToolError(fmt::format("`{}` (in pack `{}`): {}", packed->manifest.component, path, ast.error().message));
    return LoadedComponent{path, bytes, *ast};
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) throw ToolError(fmt::format("cannot open `{}`: {}", path, std::strerror(errno)));
  auto too_large = [&] {
    return ToolError(fmt::format("`{}` is larger than {} MiB, the size limit for a component", path, kMaxComponentBytes >> 20));
  };
  auto size = std::filesystem::file_size(path, ec);
  if (!ec && size > kMaxComponentBytes) throw too_large();
  auto bytes = std::make_shared<std::vector<uint8_t>>();
  // Read in one piece of the file's size (an interpreter's tens of MB are
  // read at once, with no copying as the buffer grows, into huge pages),
  // then what it grew by.
  bytes->reserve(ec ? 0 : static_cast<size_t>(size));
  advise_huge_pages(bytes->data(), bytes->capacity());
  bytes->resize(ec ? 0 : static_cast<size_t>(size));
  in.read(reinterpret_cast<char*>(bytes->data()), static_cast<std::streamsize>(bytes->size()));
  bytes->resize(static_cast<size_t>(in.gcount()));
  char chunk[1 << 16];
  while (in && (in.read(chunk, sizeof chunk) || in.gcount() > 0)) {
    bytes->insert(bytes->end(), chunk, chunk + in.gcount());
    if (bytes->size() > kMaxComponentBytes) throw too_large();  // it grew while being read
  }
  if (in.bad()) throw ToolError(fmt::format("cannot read `{}`: {}", path, std::strerror(errno)));
  auto ast = component::parse_component(bytes);
  if (!ast) throw ToolError(fmt::format("`{}`: {}", path, ast.error().message));
  return LoadedComponent{path, bytes, *ast};
}

// --dir HOST[::GUEST[:ro|:rw]]. The mode suffixes are looked for only after
// "::", so a HOST-only path may contain ':'. Any other text after GUEST's
// last ':' that reads like a mode (`:RO`, `:readonly`, `: ro`, a bare `:`)
// is refused rather than taken as part of the guest path.
static std::vector<wasi::Preopen> parse_dirs(const std::vector<std::string>& flags) {
  auto looks_like_mode = [](std::string_view s) {
    if (s.size() > 16) return false;
    return std::all_of(s.begin(), s.end(), [](char c) {
      return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '-' || c == '_' || c == ' ' || c == '\t';
    });
  };
  std::vector<wasi::Preopen> out;
  for (const auto& flag : flags) {
    // WASI paths are Unicode strings; a host path the guest could not name is refused too.
    if (!abi::unicode::is_valid_utf8(reinterpret_cast<const uint8_t*>(flag.data()), flag.size()))
      throw ToolError("--dir: the path is not valid UTF-8: WASI paths are Unicode strings");
    wasi::Preopen p;
    auto sep = flag.find("::");
    p.host_path = flag.substr(0, sep);
    p.guest_path = sep == std::string::npos ? p.host_path : flag.substr(sep + 2);
    if (sep != std::string::npos) {
      auto colon = p.guest_path.rfind(':');
      std::string_view suffix =
          colon == std::string::npos ? std::string_view() : std::string_view(p.guest_path).substr(colon + 1);
      if (suffix == "ro" || suffix == "rw") {
        p.read_only = suffix == "ro";
        p.guest_path.resize(colon);
      } else if (colon != std::string::npos && looks_like_mode(suffix)) {
        throw ToolError(fmt::format("--dir `{}`: unknown suffix `:{}`: the only suffixes are `:ro` (read-only) and "
                                    "`:rw` (read-write, the default)",
                                    flag, suffix));
      }
    }
    if (p.host_path.empty() || p.guest_path.empty())
      throw ToolError(fmt::format("--dir `{}`: expected HOST[::GUEST[:ro|:rw]]", flag));
    if (!std::filesystem::is_directory(p.host_path)) {
      bool mode_typo = sep == std::string::npos && (flag.ends_with(":ro") || flag.ends_with(":rw"));
      throw ToolError(fmt::format("--dir `{}`: `{}` is not a directory{}", flag, p.host_path,
                                  mode_typo ? " (a mode suffix goes after the guest path: HOST::GUEST:ro)" : ""));
    }
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
  bool any_http = false;
  for (const auto& spec : opts.allow_http) {
    std::string error;
    auto rule = wasi::parse_http_rule(spec, error);
    if (!rule) throw ToolError(fmt::format("--allow-http `{}`: {}", spec, error));
    any_http |= rule->kind == wasi::HttpRule::Kind::any_host && rule->port_lo == 0 && rule->port_hi == 65535;
    config.http.allow(std::move(*rule));
  }
  // `--allow-http api.example.com` (SPEC not attached) grants everything and
  // passes the name to the guest: say so when the guest's first argument reads
  // like a destination.
  if (any_http && !opts.guest_args.empty()) {
    std::string error;
    const std::string& first = opts.guest_args[0];
    if (wasi::parse_http_rule(first, error) && first.find_first_of(".:") != std::string::npos && first != "*")
      fmt::print(stderr,
                 "wasm-rr: note: --allow-http grants every destination and `{}` is an argument for the guest; "
                 "to grant only it, write --allow-http={}\n",
                 first, first);
  }
  return config;
}

void add_compiler_option(CLI::App& app, std::string& compiler) {
  app.add_option("--compiler", compiler,
                 "optimizing (default): baseline code at once, optimized code once compiled, in the background "
                 "for a large component: fastest over a long run. baseline: baseline code only: starts sooner "
                 "(no optimizing compile before a small component starts, none taking a core beside a large "
                 "one), computes about 20% slower. The trace is the same either way")
      ->check(CLI::IsMember({"optimizing", "baseline"}).description(""))  // the type name gives the choices
      ->type_name("optimizing|baseline")
      ->allow_extra_args(false);
}

void add_limit_options(CLI::App& app, LimitOptions& opts) {
  app.add_option("--timeout", opts.timeout,
                 "Stop the guest after DURATION (e.g. 500ms, 2s, 1m), exit status 124. A recording so stopped "
                 "ends with a record saying so; its replay stops at the same event, without waiting")
      ->type_name("DURATION")
      ->allow_extra_args(false);
  app.add_option("--max-memory", opts.max_memory,
                 "Cap each of the guest's linear memories at SIZE (e.g. 64M, 1G): memory.grow beyond it fails, "
                 "as at a memory's declared maximum. Default: the engine's own limit (4 GiB)")
      ->type_name("SIZE")
      ->allow_extra_args(false);
  app.add_option("--max-handles", opts.max_handles,
                 "Most live resource handles a component instance may hold (1 to 268435456); one more traps. "
                 "Default 1048576")
      ->type_name("N")
      ->check(CLI::Range(uint64_t{1}, uint64_t{1} << 28).description(""))  // the text gives the range
      ->allow_extra_args(false);
  add_compiler_option(app, opts.compiler);
}

GuestLimits guest_limits(const LimitOptions& opts) {
  GuestLimits limits;
  if (!opts.timeout.empty()) {
    auto d = parse_duration(opts.timeout);
    if (!d) throw ToolError("--timeout " + d.error().message);
    if (*d < std::chrono::milliseconds(1)) throw ToolError("--timeout: the shortest timeout is 1ms");
    limits.timeout = *d;
  }
  if (!opts.max_memory.empty()) {
    auto size = parse_size(opts.max_memory);
    if (!size) throw ToolError("--max-memory " + size.error().message);
    if (*size < kWasmPage)
      throw ToolError(fmt::format("--max-memory {}: less than one 64 KiB page of WebAssembly memory", opts.max_memory));
    limits.max_memory_bytes = *size / kWasmPage * kWasmPage;
  }
  if (opts.max_handles) limits.max_handles = opts.max_handles;
  limits.optimizing_compiler = opts.compiler != "baseline";
  return limits;
}

engine::EngineOptions GuestLimits::engine_options() const {
  engine::EngineOptions o;
  if (max_memory_bytes) o.max_memory_pages = *max_memory_bytes / kWasmPage;
  o.optimizing_compiler = optimizing_compiler;
  return o;
}

size_t GuestLimits::handle_limit() const {
  return max_handles ? static_cast<size_t>(*max_handles) : abi::HandleTable::kDefaultMaxLive;
}

namespace {

// run_guest's last engine on this thread, left for the process's end.
thread_local engine::Engine* t_engine_left = nullptr;

}  // namespace

runtime::Outcome run_guest(const LoadedComponent& c, const runtime::HostRegistry& registry,
                           runtime::CallInterposer& interposer, runtime::InstantiateOptions options,
                           const GuestLimits& limits, const trace::ExportCall* entry) {
  delete std::exchange(t_engine_left, nullptr);
  auto engine = engine::create_engine(limits.engine_options());
  if (!engine) throw ToolError(engine.error().message);
  runtime::Outcome outcome = run_guest_on(**engine, c, registry, interposer, options, limits, entry);
  t_engine_left = engine->release();
  return outcome;
}

namespace {

// The recorded export call's arguments: the handles the recording gave it
// (e.g. the incoming request's and the response outparam's).
runtime::Values recorded_args(const trace::ExportCall& call) {
  runtime::Values args;
  for (const auto& a : call.args) {
    if (!a.is_object() || !a.contains("handle") || !a["handle"].is_number_unsigned() || a["handle"].get<uint64_t>() > UINT32_MAX)
      throw ToolError("the trace's export.args: expected handles ({\"handle\": n})");
    args.push_back(abi::Value::own(a["handle"].get<uint32_t>()));
  }
  return args;
}

}  // namespace

runtime::Outcome run_guest_on(engine::Engine& engine, const LoadedComponent& c, const runtime::HostRegistry& registry,
                              runtime::CallInterposer& interposer, runtime::InstantiateOptions options,
                              const GuestLimits& limits, const trace::ExportCall* entry) {
  options.max_handles = limits.handle_limit();
  runtime::Runtime rt(engine, registry, interposer);
  if (auto r = rt.instantiate(c.ast, options); !r) throw ToolError(fmt::format("`{}`: {}", c.path, r.error().message));
  auto outcome = entry ? rt.run_export(entry->instance, entry->func, recorded_args(*entry)) : wasi::run_command(rt);
  if (!outcome) throw ToolError(fmt::format("`{}`: {}", c.path, outcome.error().message));
  return *outcome;
}

Result<size_t> fill_code_cache(const LoadedComponent& c, engine::EngineOptions options, std::chrono::seconds limit) {
  options.fill_code_cache = true;
  auto engine = engine::create_engine(options);
  if (!engine) return engine.error();
  runtime::ModuleCache modules(**engine);
  if (auto r = modules.compile_all(*c.ast); !r) return r.error();
  return (*engine)->wait_for_code_cache(limit);
}

namespace {

std::string utc_now() {
  std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

}  // namespace

trace::Header recording_header(const LoadedComponent& c, const wasi::WasiConfig& config) {
  trace::Header h;
  h.wasm_rr_version = WASMRR_VERSION;
  h.component_name = std::filesystem::path(c.path).filename().string();
  h.component_sha256 = c.sha256();
  h.component_size = c.bytes->size();
  h.args = config.args;
  for (const auto& [name, value] : config.env) h.env_names.push_back(name);
  for (const auto& p : config.preopens) h.preopens.push_back({p.host_path, p.guest_path, p.read_only});
  h.start_time = utc_now();
  return h;
}

void check_recorded_component(const trace::Header& h, const LoadedComponent& c, const std::string& trace_path, bool force,
                              std::string_view doing) {
  std::string sha = c.sha256();
  if (sha == h.component_sha256) return;
  std::string msg = fmt::format(
      "`{}` was recorded with another component: `{}` ({} bytes, SHA-256 {}), not `{}` ({} bytes, SHA-256 {})",
      trace_path, h.component_name, h.component_size, h.component_sha256, c.path, c.bytes->size(), sha);
  if (!force) throw ToolError(fmt::format("{}; use --force to {} it anyway", msg, doing));
  fmt::print(stderr, "wasm-rr: warning: {}; {}ing anyway (--force)\n", msg, doing);
}

GuestLimits recorded_limits(const trace::Header& h) {
  GuestLimits limits;
  limits.max_memory_bytes = h.max_memory;
  limits.max_handles = h.max_handles;
  return limits;
}

ToolError bad_trace_error(const std::string& what, bool names_file, const std::string& trace_path) {
  return names_file ? ToolError(what) : ToolError(fmt::format("`{}`: {}", trace_path, what));
}

int report_divergence(const std::string& report, const std::string& trace_path) {
  fmt::print(stderr, "wasm-rr: replay diverged from `{}`\n{}\n", trace_path, report);
  return kExitDivergence;
}

int exit_code_of(const runtime::Outcome& outcome) {
  if (outcome.kind == runtime::Outcome::Kind::Exited) return outcome.exit_status;
  // The message and frame names come from the guest (or its trace): escaped.
  fmt::print(stderr, "wasm-rr: guest trapped: {}\n{}", printable(outcome.trap_message),
             runtime::format_backtrace(outcome.backtrace));
  return kExitGuestTrap;
}

}  // namespace wasmrr::cli
