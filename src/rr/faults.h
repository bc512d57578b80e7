// Faults injected at the host-call boundary, chosen by WIT type alone (no
// interface is named here): what `--faults` selects and what a run injected.
//
//   err    a call whose result is result<T, E> is answered err(e), e a value
//          of E built from its cases (enum labels, variant cases whose
//          payloads hold no resource), without calling the host. Calls that
//          take an own<...> are never skipped: the resource would be lost.
//   short  a call whose result is result<...> holding a list<u8>, with a u64
//          parameter (the length asked for), asks the host for fewer bytes:
//          a short read, with nothing lost.
//   later  a call list<borrow<R>> -> list<u32> (a poll) that reports several
//          ready reports one of them; the others are ready later.
// World faults are kinds the host asks about itself (e.g. the seeded world's
// clock jumps, cli/seeded_world.h); they are decided and kept the same way.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "trace/trace.h"
#include "util/result.h"

namespace wasmrr::rr {

using trace::Json;

// One rule of a --faults selection: KIND[@FILTER][=RATE].
struct FaultRule {
  std::string kind;    // err, short, later, or a world fault's kind
  std::string filter;  // glob ('*') over "ns:pkg/iface#func" (versions left out); no '*': a prefix; empty: all
  double rate = 0.05;  // the probability per call that may have this fault
  bool matches(std::string_view fn) const;
};

struct FaultSpec {
  std::vector<FaultRule> rules;
  std::string text;  // as given
};

constexpr std::string_view kCallFaultKinds[] = {"err", "short", "later"};

// Parses "err@wasi:filesystem=0.1,short,clock-jump=0.02"; "all" is every
// kind (call faults and `world_kinds`).
Result<FaultSpec> parse_fault_spec(std::string_view text, std::span<const std::string_view> world_kinds);

// One fault a run got. Plans (the faults of a run, in order) are matched to
// calls by function, call site and occurrence there, so that a plan still
// applies where the guest takes another path before it: the third read
// from one place in the guest stays the third read from there, however many
// reads other places made.
struct InjectedFault {
  uint64_t event = 0;       // the call's event index (as in its trace)
  std::string fn;           // "ns:pkg/iface#func"
  std::string site;         // where the guest called it: a digest of its backtrace (empty: anywhere)
  uint64_t occurrence = 0;  // the how-manieth call of fn from that site, or from anywhere (0: the first)
  std::string kind;
  Json detail;              // err: {"value": e}; short: {"asked": n, "len": m}; later: {"ready": i, "of": [...]}
};
using FaultPlan = std::vector<InjectedFault>;

Json to_json(const InjectedFault& f);
Json to_json(const FaultPlan& plan);
// Throws std::runtime_error naming what is wrong.
FaultPlan fault_plan_from_json(const Json& j);
// "event 17  wasi:filesystem/types#[method]descriptor.read  err(\"io\")"
std::string describe(const InjectedFault& f);

}  // namespace wasmrr::rr
