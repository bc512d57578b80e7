// run/record --seed, --faults and --fault-plan: the world a guest runs in
// (seeded: virtual clocks, seeded random; else the real one) and the faults
// it gets at the host boundary (rr/fault_injector.h).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cli/options.h"
#include "rr/fault_injector.h"
#include "runtime/host.h"
#include "trace/trace.h"
#include "wasi/wasi.h"

namespace wasmrr::cli {

// The world faults the seeded world has (beyond rr's call faults).
inline constexpr std::string_view kWorldFaultKinds[] = {"clock-jump"};

class GuestWorld {
 public:
  // Throws ToolError for a bad --faults or an unreadable --fault-plan.
  explicit GuestWorld(const GuestOptions& opts);
  GuestWorld(const GuestWorld&) = delete;
  GuestWorld& operator=(const GuestWorld&) = delete;

  // The sources for the host: seeded ones with --seed, the system's otherwise.
  wasi::WasiSources take_sources();
  // Puts the fault injector, if any, under every host function; it asks
  // `interposer` where the guest is at a call (faults are kept by call site).
  void decorate(runtime::HostRegistry& registry, const runtime::CallInterposer& interposer);

  bool seeded() const { return seed_.has_value(); }
  bool injects() const { return injector_ != nullptr; }
  // What a trace's header says of this world (nullopt: the real one, no faults).
  std::optional<trace::World> header_world() const;
  // The faults injected so far (thread-safe: a stop may ask mid-run).
  rr::FaultPlan injected() const;
  // The faults injected, in full, on stderr (with --faults or --fault-plan).
  void report() const;

 private:
  std::optional<uint64_t> seed_;
  std::string spec_text_;
  std::vector<std::string> flags_;
  std::unique_ptr<wasi::VirtualTime> time_;
  std::unique_ptr<rr::FaultInjector> injector_;
};

// The world options of a run as command-line flags (--env, --dir, --allow-*,
// limits), to run it again the same way (explore, shrink).
std::vector<std::string> world_flags(const GuestOptions& opts);

// A --faults selection, with the seeded world's kinds; throws ToolError.
rr::FaultSpec parse_faults(const std::string& text);

// Adds --seed, --faults and --fault-plan.
void add_seed_options(CLI::App& app, GuestOptions& opts);

}  // namespace wasmrr::cli
