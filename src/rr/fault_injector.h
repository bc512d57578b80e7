// The fault injector: a decorator over every host function (runtime/host.h
// HostRegistry::wrap_all) that may answer a call with a fault instead of, or
// after, the real host (rr/faults.h says which, by type). It sits under the
// recorder, so a trace holds what the guest saw, faults included, and
// replays like any other.
//
// Either the faults are drawn (a seed and a --faults selection: each call
// that may have a kind of fault gets it with the rule's rate), or they are
// given (a plan: exactly those faults, at the same function and occurrence).
// Either way injected() is the plan of the run.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "rr/faults.h"
#include "runtime/host.h"

namespace wasmrr::rr {

class FaultInjector {
 public:
  FaultInjector(uint64_t seed, FaultSpec spec);
  explicit FaultInjector(FaultPlan plan);
  ~FaultInjector();
  FaultInjector(const FaultInjector&) = delete;
  FaultInjector& operator=(const FaultInjector&) = delete;

  // Wraps every function of `registry`; this object must outlive its calls.
  void decorate(runtime::HostRegistry& registry);
  // Where the guest is at a call (its backtrace, innermost first), e.g. the
  // interposer's guest_backtrace(): faults are kept by call site. Without
  // it, by function only.
  void set_call_site(std::function<std::vector<std::string>()> backtrace) { backtrace_ = std::move(backtrace); }

  // A world fault of `kind` for the call being served (nullopt if none):
  // drawn with `draw` (which makes its detail) or taken from the plan.
  using Draw = std::function<Json(std::mt19937_64& rng)>;
  std::optional<Json> world_fault(std::string_view kind, const Draw& draw);

  // A copy: a stop (--timeout, a signal) may ask from another thread.
  FaultPlan injected() const;

 private:
  struct Site;  // one host function: its name, its shapes of fault, its calls so far
  struct Call {
    uint64_t event;
    const Site* site;
    struct Where {
      std::string site;
      uint64_t at_site = 0;  // the how-manieth call of the function from this site
      uint64_t in_all = 0;   // ... from anywhere
    };
    std::optional<Where> where;  // once asked
  };
  const Call::Where& where(Call& c);
  runtime::Values call(Site& site, const runtime::HostFunc& host, runtime::Values& args);
  // The fault of this kind for the current call: drawn or planned; nullptr if none.
  const Json* decide(std::string_view kind, const std::function<bool()>& applies, const Draw& draw);
  const FaultRule* rule_for(std::string_view kind, const Site& site) const;
  static bool typed_for(std::string_view kind, const Site& site);
  bool chance(double rate);

  std::optional<FaultSpec> spec_;  // drawn
  std::mt19937_64 rng_;
  using Key = std::tuple<std::string, std::string, uint64_t>;  // fn, site, occurrence
  std::map<Key, InjectedFault> planned_;                         // given
  std::map<std::string, bool> planned_fns_;                      // the functions planned_ names
  std::map<std::pair<std::string, std::string>, uint64_t> calls_at_;  // (fn, site) -> calls so far; site "": all
  std::function<std::vector<std::string>()> backtrace_;
  mutable std::mutex mutex_;  // guards injected_
  FaultPlan injected_;
  uint64_t next_event_ = 0;
  std::optional<Call> current_;
  std::vector<std::unique_ptr<Site>> sites_;
};

}  // namespace wasmrr::rr
