// wasm-rr shrink: the smallest set of a failing run's injected faults that
// still fails the same way (delta debugging, ddmin). Each candidate set is
// run live again from the trace's seed (record --seed S --fault-plan P), so
// where the guest takes another path without a fault, the run follows it.
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>

#include <fmt/format.h>

#include "cli/child_runs.h"
#include "cli/guest.h"
#include "cli/options.h"
#include "cli/run_failure.h"
#include "cli/units.h"
#include "rr/faults.h"
#include "util/printable.h"

namespace wasmrr::cli {
namespace {

namespace fs = std::filesystem;

class Shrinker {
 public:
  Shrinker(const ShrinkOptions& opts, FinishedRun original, fs::path work)
      : opts_(opts), check_(failure_check(opts.fail_if_exit, opts.fail_if_stdout)), original_(std::move(original)),
        work_(std::move(work)), ext_(extension(opts.out_path)) {}

  int shrink();

 private:
  // The runs' traces are in OUT's format (JSON when its name says none).
  static std::string extension(const std::string& path) {
    auto format = trace::format_from_path(path);
    return "." + (format ? trace::trace_format_name(*format) : std::string("json"));
  }
  // Runs the guest with exactly `faults`; its failure, if any, and its trace.
  std::optional<Failure> attempt(const rr::FaultPlan& faults, std::string& trace);
  bool fails_the_same(const rr::FaultPlan& faults);
  rr::FaultPlan ddmin(rr::FaultPlan faults);

  const ShrinkOptions& opts_;
  FailureCheck check_;
  FinishedRun original_;
  fs::path work_;
  std::string ext_;
  std::string signature_;   // the failure to keep
  std::string best_trace_;  // the last run that failed the same way
  uint64_t attempts_ = 0;
};

std::optional<Failure> Shrinker::attempt(const rr::FaultPlan& faults, std::string& trace) {
  uint64_t n = attempts_++;
  trace = (work_ / fmt::format("try-{}{}", n, ext_)).string();
  std::string plan = (work_ / fmt::format("try-{}.faults.json", n)).string();
  std::string out = (work_ / fmt::format("try-{}.stdout", n)).string();
  std::string err = (work_ / fmt::format("try-{}.stderr", n)).string();
  std::ofstream(plan) << rr::to_json(faults).dump() << "\n";
  const trace::World& world = *original_.header.world;
  std::vector<std::string> args{"record", "-t", trace, "--seed", std::to_string(*world.seed), "--fault-plan", plan};
  args.insert(args.end(), world.flags.begin(), world.flags.end());
  args.push_back(opts_.component_path);
  args.push_back("--");
  for (size_t i = 1; i < original_.header.args.size(); i++) args.push_back(original_.header.args[i]);
  int code = run_child(args, out, err, std::chrono::minutes(10));
  if (code == kExitToolError) {
    std::ifstream e(err);
    throw ToolError(fmt::format("a run could not run:\n{}", std::string(std::istreambuf_iterator<char>(e), {})));
  }
  std::optional<Failure> failure = failure_of(read_finished_run(trace, out, err, code), check_);
  if (opts_.verbose)
    fmt::print(stderr, "shrink: run {} with {} fault{}: {}\n", n, faults.size(), faults.size() == 1 ? "" : "s",
               failure ? failure->summary : "no failure");
  return failure;
}

bool Shrinker::fails_the_same(const rr::FaultPlan& faults) {
  std::string trace;
  auto failure = attempt(faults, trace);
  if (!failure || failure->signature != signature_) return false;
  best_trace_ = trace;
  return true;
}

// Zeller's ddmin: the result fails the same way, and removing any one of
// its faults makes it stop failing so (1-minimal).
rr::FaultPlan Shrinker::ddmin(rr::FaultPlan faults) {
  if (fails_the_same({})) return {};
  size_t n = 2;
  while (faults.size() >= 2) {
    size_t chunk = (faults.size() + n - 1) / n;
    bool reduced = false;
    for (size_t start = 0; start < faults.size() && !reduced; start += chunk) {
      rr::FaultPlan part(faults.begin() + start, faults.begin() + std::min(faults.size(), start + chunk));
      rr::FaultPlan rest(faults.begin(), faults.begin() + start);
      rest.insert(rest.end(), faults.begin() + std::min(faults.size(), start + chunk), faults.end());
      if (fails_the_same(part)) {
        faults = std::move(part);
        n = 2;
        reduced = true;
      } else if (n > 2 && fails_the_same(rest)) {
        faults = std::move(rest);
        n = std::max<size_t>(n - 1, 2);
        reduced = true;
      }
    }
    if (reduced) continue;
    if (n >= faults.size()) break;
    n = std::min(n * 2, faults.size());
  }
  return faults;
}

int Shrinker::shrink() {
  rr::FaultPlan plan = rr::fault_plan_from_json(original_.end->faults);
  std::string trace;
  auto baseline = attempt(plan, trace);
  if (!baseline) {
    fmt::print(stderr, "wasm-rr: shrink: run again from seed {} with its {} fault{}, the guest does not fail\n",
               *original_.header.world->seed, plan.size(), plan.size() == 1 ? "" : "s");
    return 1;
  }
  if (auto recorded = failure_of(original_, check_);
      recorded && original_.end->kind == trace::End::Kind::Trap && recorded->signature != baseline->signature) {
    fmt::print(stderr, "wasm-rr: shrink: run again, the guest fails another way:\n  recorded: {}\n  now:      {}\n",
               recorded->summary, baseline->summary);
    return 1;
  }
  signature_ = baseline->signature;
  best_trace_ = trace;
  rr::FaultPlan minimal = ddmin(plan);
  std::error_code ec;
  if (fs::exists(opts_.out_path, ec)) fs::rename(opts_.out_path, opts_.out_path + "~", ec);
  fs::copy_file(best_trace_, opts_.out_path, fs::copy_options::overwrite_existing, ec);
  if (ec) throw ToolError(fmt::format("-o `{}`: cannot write it: {}", printable(opts_.out_path), ec.message()));
  fmt::print("shrink: {}\n", baseline->summary);
  if (minimal.empty()) {
    fmt::print("it fails without any of the {} fault{} injected: the seeded world (seed {}) alone is enough ({} runs)\n",
               plan.size(), plan.size() == 1 ? "" : "s", *original_.header.world->seed, attempts_);
  } else {
    fmt::print("it needs {} of the {} fault{} injected ({} runs); the faults that matter:\n", minimal.size(), plan.size(),
               plan.size() == 1 ? "" : "s", attempts_);
    for (const auto& f : minimal) fmt::print("  {}\n", rr::describe(f));
  }
  fmt::print("wrote {} (wasm-rr replay {} {})\n", printable(opts_.out_path), printable(opts_.component_path),
             printable(opts_.out_path));
  return 0;
}

}  // namespace

// The header's world flags are passed to `record` again: only world options
// (a trace is input; it may not choose the trace path or anything else).
void check_world_flags(const trace::World& world, const std::string& trace_path) {
  static constexpr std::string_view kValued[] = {"--env=", "--dir=", "--allow-tcp=", "--allow-udp=", "--allow-http=",
                                                 "--timeout=", "--max-memory=", "--max-handles=", "--compiler="};
  static constexpr std::string_view kBare[] = {"--inherit-env", "--allow-ip-name-lookup"};
  for (const auto& flag : world.flags) {
    bool ok = std::any_of(std::begin(kValued), std::end(kValued), [&](std::string_view p) { return flag.starts_with(p); }) ||
              std::any_of(std::begin(kBare), std::end(kBare), [&](std::string_view b) { return flag == b; });
    if (!ok)
      throw ToolError(fmt::format("`{}`: its header's world holds `{}`, which is not a world option shrink passes on",
                                  printable(trace_path), printable(flag)));
  }
}

int shrink_command(const ShrinkOptions& opts) {
  if (opts.out_path.empty()) throw ToolError("-o OUT is required: the shrunk trace to write");
  if (fs::path(opts.out_path) == fs::path(opts.trace_path))
    throw ToolError("-o must name another file than the trace to shrink");
  LoadedComponent component = load_component(opts.component_path);
  FinishedRun original = read_finished_run(opts.trace_path, "/dev/null", "/dev/null", 0);
  check_recorded_component(original.header, component, opts.trace_path, false, "shrink");
  if (!original.header.world || !original.header.world->seed)
    throw ToolError(fmt::format("`{}` was not recorded in a seeded world: shrink works on traces of "
                                "`explore` or of `record --seed N --faults SPEC`", printable(opts.trace_path)));
  if (!original.end || !original.end->faults.is_array())
    throw ToolError(fmt::format("`{}` says nothing of injected faults (its end{}): shrink works on traces of "
                                "`explore` or of `record --seed N --faults SPEC`",
                                printable(opts.trace_path), original.end ? " has no faults" : " is missing"));
  check_world_flags(*original.header.world, opts.trace_path);
  std::string flags;
  for (const auto& f : original.header.world->flags) flags += " " + printable(f);
  fmt::print("shrink: runs the guest again from seed {}{}{}\n", *original.header.world->seed,
             flags.empty() ? "" : ", with", flags);
  char pattern[] = "/tmp/wasm-rr-shrink-XXXXXX";
  if (!::mkdtemp(pattern)) throw ToolError("cannot make a temporary directory for shrink's runs");
  fs::path work(pattern);
  int code;
  try {
    Shrinker shrinker(opts, std::move(original), work);
    code = shrinker.shrink();
  } catch (...) {
    std::error_code ec;
    fs::remove_all(work, ec);
    throw;
  }
  std::error_code ec;
  fs::remove_all(work, ec);
  return code;
}

}  // namespace wasmrr::cli
