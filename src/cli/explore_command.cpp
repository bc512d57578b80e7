// wasm-rr explore: runs a component many times, each in its own seeded world
// with its own faults (record --seed S+i --faults SPEC, one process per run),
// and keeps one trace of each distinct failure (cli/run_failure.h).
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <thread>

#include <fmt/format.h>

#include "cli/child_runs.h"
#include "cli/guest.h"
#include "cli/options.h"
#include "cli/run_failure.h"
#include "cli/seeded_world.h"
#include "cli/units.h"
#include "util/printable.h"

namespace wasmrr::cli {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

struct Distinct {
  uint64_t first_run = 0;  // the lowest run index that failed this way: the one kept
  uint64_t runs = 0;
  Failure failure;
  trace::Json faults;      // the kept run's
};

class Explorer {
 public:
  explicit Explorer(const ExploreOptions& opts)
      : opts_(opts), check_(failure_check(opts.fail_if_exit, opts.fail_if_stdout)), out_(opts.out_dir),
        runs_dir_(out_ / ".runs"), ext_(opts.format.empty() ? "json" : opts.format) {}

  int explore();

 private:
  std::string trace_of(uint64_t run) const { return (runs_dir_ / fmt::format("run-{}.{}", run, ext_)).string(); }
  std::string stdout_of(uint64_t run) const { return (runs_dir_ / fmt::format("run-{}.stdout", run)).string(); }
  std::string stderr_of(uint64_t run) const { return (runs_dir_ / fmt::format("run-{}.stderr", run)).string(); }
  uint64_t seed_of(uint64_t run) const { return opts_.seed + run; }
  std::vector<std::string> child_args(uint64_t run) const;
  void prepare_output_dir() const;
  void finished(uint64_t run, int exit_code);
  void discard(uint64_t run) const;
  void progress(bool last) const;
  std::vector<const Distinct*> by_first_run() const;  // failure K is the Kth
  void keep_failures();
  void print_summary(double seconds) const;

  const ExploreOptions& opts_;
  FailureCheck check_;
  fs::path out_, runs_dir_;
  std::string ext_;
  std::map<std::string, Distinct> distinct_;  // by signature
  uint64_t done_ = 0, failed_ = 0;
  Clock::time_point start_ = Clock::now();
  bool tty_ = ::isatty(2);
  std::vector<std::pair<uint64_t, std::string>> kept_;  // (failure number, trace path), in order
};

std::vector<std::string> Explorer::child_args(uint64_t run) const {
  std::vector<std::string> args{"record", "-t", trace_of(run), "--seed", std::to_string(seed_of(run)), "--faults",
                                opts_.faults};
  for (auto& flag : world_flags(opts_.guest)) args.push_back(std::move(flag));
  args.push_back(opts_.guest.component_path);
  args.push_back("--");
  for (const auto& a : opts_.guest.guest_args) args.push_back(a);
  return args;
}

void Explorer::prepare_output_dir() const {
  std::error_code ec;
  if (fs::exists(out_, ec) && !fs::is_empty(out_, ec))
    throw ToolError(fmt::format("-o `{}`: the directory is not empty (explore keeps its failures in a new or empty one)",
                                printable(out_.string())));
  fs::create_directories(runs_dir_, ec);
  if (ec) throw ToolError(fmt::format("-o `{}`: cannot create it: {}", printable(out_.string()), ec.message()));
}

void Explorer::discard(uint64_t run) const {
  std::error_code ec;
  for (const auto& path : {trace_of(run), stdout_of(run), stderr_of(run)}) fs::remove(path, ec);
}

void Explorer::finished(uint64_t run, int exit_code) {
  done_++;
  if (exit_code == kExitToolError) {
    std::ifstream err(stderr_of(run));
    std::string text((std::istreambuf_iterator<char>(err)), std::istreambuf_iterator<char>());
    throw ToolError(fmt::format("run {} (seed {}) could not run:\n{}", run, seed_of(run), text));
  }
  FinishedRun result = read_finished_run(trace_of(run), stdout_of(run), stderr_of(run), exit_code);
  std::optional<Failure> failure = failure_of(result, check_);
  if (!failure) return discard(run);
  failed_++;
  auto [it, fresh] = distinct_.try_emplace(failure->signature);
  Distinct& d = it->second;
  d.runs++;
  if (!fresh && d.first_run < run) return discard(run);
  if (!fresh) discard(d.first_run);
  d.first_run = run;
  d.failure = std::move(*failure);
  d.faults = result.end ? result.end->faults : trace::Json::array();
}

void Explorer::progress(bool last) const {
  if (!tty_) return;
  double seconds = std::chrono::duration<double>(Clock::now() - start_).count();
  constexpr int kWidth = 30;
  int filled = static_cast<int>(kWidth * done_ / std::max<uint64_t>(opts_.runs, 1));
  fmt::print(stderr, "\r[{}{}] {}/{} runs, {} failed ({} distinct), {:.1f} runs/s{}", std::string(filled, '#'),
             std::string(kWidth - filled, '.'), done_, opts_.runs, failed_, distinct_.size(),
             seconds > 0 ? done_ / seconds : 0.0, last ? "\n" : "");
}

// Numbered by their first run, so that the same runs give the same files
// whatever the order the runs ended in (--jobs).
std::vector<const Distinct*> Explorer::by_first_run() const {
  std::vector<const Distinct*> order;
  for (const auto& [sig, d] : distinct_) order.push_back(&d);
  std::sort(order.begin(), order.end(), [](auto* a, auto* b) { return a->first_run < b->first_run; });
  return order;
}

void Explorer::keep_failures() {
  std::vector<const Distinct*> order = by_first_run();
  for (size_t i = 0; i < order.size(); i++) {
    const Distinct& d = *order[i];
    std::string base = (out_ / fmt::format("failure-{}", i + 1)).string();
    std::string trace = base + "." + ext_;
    fs::rename(trace_of(d.first_run), trace);
    fs::rename(stdout_of(d.first_run), base + ".stdout");
    fs::rename(stderr_of(d.first_run), base + ".stderr");
    // `record --seed S --fault-plan FILE` takes it as it is.
    trace::Json plan{{"seed", seed_of(d.first_run)}, {"spec", opts_.faults}, {"failure", d.failure.summary},
                     {"runs", d.runs}, {"faults", d.faults}};
    std::ofstream(base + ".faults.json") << plan.dump(2) << "\n";
    kept_.emplace_back(i + 1, trace);
  }
  std::error_code ec;
  fs::remove_all(runs_dir_, ec);
}

void Explorer::print_summary(double seconds) const {
  std::string component = opts_.guest.component_path;
  fmt::print("explored {} run{} of {} in {:.1f} s ({:.1f} runs/s), seeds {}-{}, --faults {}\n", done_,
             done_ == 1 ? "" : "s", printable(component), seconds, seconds > 0 ? done_ / seconds : 0.0, opts_.seed,
             seed_of(opts_.runs - 1), printable(opts_.faults));
  if (distinct_.empty()) {
    fmt::print("no run failed\n");
    return;
  }
  fmt::print("{} run{} failed, {} distinct failure{}:\n", failed_, failed_ == 1 ? "" : "s", distinct_.size(),
             distinct_.size() == 1 ? "" : "s");
  fmt::print("  {:>7}  {:>5}  {:>10}  {}\n", "failure", "runs", "first seed", "what");
  std::vector<const Distinct*> order = by_first_run();
  for (size_t i = 0; i < order.size(); i++)
    fmt::print("  {:>7}  {:>5}  {:>10}  {}\n", i + 1, order[i]->runs, seed_of(order[i]->first_run), order[i]->failure.summary);
  fmt::print("kept in {}/ (each trace with its stdout, stderr, and seed and faults in .faults.json):\n",
             printable(out_.string()));
  for (const auto& [n, trace] : kept_) {
    std::string min = trace.substr(0, trace.size() - ext_.size() - 1) + ".min." + ext_;
    fmt::print("  {}: wasm-rr replay {} {}\n", n, printable(component), printable(trace));
    fmt::print("     wasm-rr debug {} {}\n", printable(component), printable(trace));
    fmt::print("     wasm-rr shrink {} {} -o {}\n", printable(component), printable(trace), printable(min));
  }
}

int Explorer::explore() {
  if (opts_.runs == 0) throw ToolError("--runs must be at least 1");
  (void)parse_faults(opts_.faults);
  LoadedComponent component = load_component(opts_.guest.component_path);  // a bad component is said once, not once per run
  // The runs take the component's code from the code cache rather than each
  // compiling it (docs/code-cache.md); without a cache, each compiles.
  (void)fill_code_cache(component, guest_limits(opts_.guest.limits).engine_options(), std::chrono::seconds(120));
  prepare_output_dir();
  unsigned jobs = opts_.jobs ? opts_.jobs : std::max(1u, std::thread::hardware_concurrency());
  if (jobs > 1024) throw ToolError(fmt::format("--jobs {}: at most 1024 runs at a time", jobs));
  auto timeout = parse_duration(opts_.guest.limits.timeout);
  auto deadline = std::chrono::duration_cast<std::chrono::milliseconds>(*timeout) * 2 + std::chrono::seconds(30);
  try {
    ChildRuns children(deadline);
    uint64_t next = 0;
    progress(false);
    while (next < opts_.runs || children.running() > 0) {
      while (next < opts_.runs && children.running() < jobs) {
        children.start(next, child_args(next), stdout_of(next), stderr_of(next));
        next++;
      }
      auto done = children.wait_any();
      if (!done) break;
      finished(done->id, done->exit_code);
      progress(false);
    }
  } catch (...) {
    std::error_code ec;
    fs::remove_all(runs_dir_, ec);
    throw;
  }
  progress(true);
  double seconds = std::chrono::duration<double>(Clock::now() - start_).count();
  keep_failures();
  print_summary(seconds);
  return distinct_.empty() ? 0 : 1;
}

}  // namespace

int explore_command(ExploreOptions opts) {
  if (opts.guest.limits.timeout.empty()) opts.guest.limits.timeout = "10s";
  if (auto t = parse_duration(opts.guest.limits.timeout); !t) throw ToolError("--timeout " + t.error().message);
  Explorer explorer(opts);
  return explorer.explore();
}

}  // namespace wasmrr::cli
