#include "cli/seeded_world.h"

#include <filesystem>
#include <fstream>
#include <mutex>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "util/printable.h"

namespace wasmrr::cli {
namespace {

// A wall-clock jump: 1 s to 2 h, back or forward.
trace::Json draw_clock_jump(std::mt19937_64& rng) {
  int64_t seconds = 1 + static_cast<int64_t>(rng() % 7200);
  if (rng() & 1) seconds = -seconds;
  return trace::Json{{"ns", seconds * 1'000'000'000}};
}

rr::FaultPlan read_fault_plan(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw ToolError(fmt::format("--fault-plan `{}`: cannot read it", printable(path)));
  try {
    trace::Json j = trace::Json::parse(in);
    // A plan file ({"faults": [...]}, as explore writes), or the array itself.
    return rr::fault_plan_from_json(j.is_object() && j.contains("faults") ? j["faults"] : j);
  } catch (const std::exception& e) {
    throw ToolError(fmt::format("--fault-plan `{}`: {}", printable(path), printable(e.what())));
  }
}

}  // namespace

GuestWorld::GuestWorld(const GuestOptions& opts) : seed_(opts.seed), spec_text_(opts.faults), flags_(world_flags(opts)) {
  if (!opts.faults.empty() && !opts.fault_plan.empty())
    throw ToolError("--faults and --fault-plan: give one (a plan is the faults of one run; --faults draws them)");
  if (!opts.faults.empty() && !seed_)
    throw ToolError("--faults draws its faults from --seed: give one too (e.g. --seed 1)");
  if (seed_) time_ = std::make_unique<wasi::VirtualTime>(*seed_);
  if (!opts.faults.empty()) {
    injector_ = std::make_unique<rr::FaultInjector>(*seed_, parse_faults(opts.faults));
  } else if (!opts.fault_plan.empty()) {
    injector_ = std::make_unique<rr::FaultInjector>(read_fault_plan(opts.fault_plan));
  }
  if (time_ && injector_) {
    time_->set_wall_jump([this] {
      auto d = injector_->world_fault("clock-jump", draw_clock_jump);
      return d && d->contains("ns") && (*d)["ns"].is_number_integer() ? (*d)["ns"].get<int64_t>() : int64_t{0};
    });
  }
}

wasi::WasiSources GuestWorld::take_sources() {
  if (!time_) return {};
  return wasi::seeded_sources(*time_, *seed_);
}

void GuestWorld::decorate(runtime::HostRegistry& registry, const runtime::CallInterposer& interposer) {
  if (!injector_) return;
  injector_->decorate(registry);
  injector_->set_call_site([&interposer] { return interposer.guest_backtrace(); });
}

std::optional<trace::World> GuestWorld::header_world() const {
  if (!seed_ && !injector_) return std::nullopt;
  return trace::World{seed_, spec_text_, flags_};
}

rr::FaultPlan GuestWorld::injected() const { return injector_ ? injector_->injected() : rr::FaultPlan{}; }

void GuestWorld::report() const {
  if (!injector_) return;
  rr::FaultPlan plan = injected();
  std::string from = !spec_text_.empty() ? fmt::format("seed {}, --faults {}", *seed_, printable(spec_text_))
                                         : std::string("--fault-plan");
  fmt::print(stderr, "wasm-rr: {} fault{} injected ({}){}\n", plan.size(), plan.size() == 1 ? "" : "s", from,
             plan.empty() ? "" : ":");
  for (const auto& f : plan) fmt::print(stderr, "  {}\n", rr::describe(f));
}

rr::FaultSpec parse_faults(const std::string& text) {
  auto spec = rr::parse_fault_spec(text, kWorldFaultKinds);
  if (!spec) throw ToolError(spec.error().message);
  return std::move(*spec);
}

std::vector<std::string> world_flags(const GuestOptions& opts) {
  std::vector<std::string> flags;
  auto add = [&](const char* flag, const std::vector<std::string>& values) {
    for (const auto& v : values) flags.push_back(fmt::format("{}={}", flag, v));
  };
  add("--env", opts.env_flags);
  if (opts.inherit_env) flags.push_back("--inherit-env");
  // Host directories made absolute, so that a run from elsewhere (shrink) finds them.
  for (const auto& dir : opts.dir_flags) {
    size_t sep = dir.find("::");
    std::string host = dir.substr(0, sep);
    std::string guest = sep == std::string::npos ? host : dir.substr(sep + 2);
    std::error_code ec;
    std::string absolute = std::filesystem::absolute(host, ec).lexically_normal().string();
    if (ec) absolute = host;
    if (absolute.size() > 1 && absolute.ends_with('/')) absolute.pop_back();
    flags.push_back(fmt::format("--dir={}::{}", absolute, guest));
  }
  add("--allow-tcp", opts.allow_tcp);
  add("--allow-udp", opts.allow_udp);
  if (opts.allow_ip_name_lookup) flags.push_back("--allow-ip-name-lookup");
  add("--allow-http", opts.allow_http);
  const LimitOptions& l = opts.limits;
  if (!l.timeout.empty()) flags.push_back("--timeout=" + l.timeout);
  if (!l.max_memory.empty()) flags.push_back("--max-memory=" + l.max_memory);
  if (l.max_handles) flags.push_back(fmt::format("--max-handles={}", l.max_handles));
  if (l.compiler != LimitOptions{}.compiler) flags.push_back("--compiler=" + l.compiler);
  return flags;
}

void add_seed_options(CLI::App& app, GuestOptions& opts) {
  app.add_option("--seed", opts.seed,
                 "Run in a deterministic world drawn from N: virtual wall and monotonic clocks (starting at an "
                 "epoch derived from N, advancing 1us per read; sleeps and timeouts pass at once), seeded "
                 "wasi:random (all three interfaces), and no environment but --env. The same N gives the same "
                 "run on every machine. Files, sockets and HTTP stay real")
      ->type_name("N")
      ->allow_extra_args(false);
  app.add_option("--faults", opts.faults,
                 "Inject faults at the host boundary, drawn from --seed: comma-separated KIND[@FILTER][=RATE], "
                 "KIND one of err (a result<_, E> answered with an error of E), short (a read given fewer "
                 "bytes), later (a poll reporting fewer pollables ready), clock-jump (the wall clock steps "
                 "back or forward), or all; FILTER a prefix (or a glob with *) of the function name "
                 "without versions, e.g. wasi:filesystem or wasi:io/streams#*read; RATE the chance per call "
                 "(default 0.05). The faults injected are printed at the end and kept in the trace")
      ->type_name("SPEC")
      ->allow_extra_args(false);
  app.add_option("--fault-plan", opts.fault_plan,
                 "Inject exactly the faults in FILE (a JSON list, as `explore` and `shrink` write: each at "
                 "the same function, call site and call from there)")
      ->type_name("FILE")
      ->allow_extra_args(false);
}

}  // namespace wasmrr::cli
