// Replay: every import call is answered from the trace; no real host exists.
// Each call must match the next event (same function, same arguments) or the
// replay stops with a divergence report. Observers see every answered call
// (the CLI's stdout/stderr echo is one); the replayer knows no WASI name.
#pragma once

#include <array>
#include <map>
#include <optional>
#include <unordered_map>
#include <string>

#include <fmt/format.h>

#include "rr/event_encoder.h"
#include "rr/outside_trace.h"
#include "rr/results_reader.h"
#include "runtime/host.h"
#include "runtime/instance.h"
#include "trace/reader.h"
#include "util/trap.h"

namespace wasmrr::rr {

// The guest did something other than what the recording says.
class Divergence : public Abort {
 public:
  using Abort::Abort;
};

// The trace cannot be used: malformed, or wrong for this call's types. Says
// where, in parts: the event index, the function and the value path when an
// event does not fit the call; whether the message came from the trace
// reader (which names the file, and the line or offset, itself).
class BadTrace : public Abort {
 public:
  // The reader could not give the element of event `event`.
  static BadTrace unreadable(uint64_t event, const std::string& reader_message) {
    return BadTrace(event, "", "", reader_message, true);
  }
  // Event `event` of `function` does not fit the call; `value_path`
  // ("args[1].contents", "results[0]") may be empty.
  static BadTrace unfit(uint64_t event, std::string function, std::string value_path, std::string problem) {
    return BadTrace(event, std::move(function), std::move(value_path), std::move(problem), false);
  }

  uint64_t event() const { return event_; }
  const std::string& function() const { return function_; }      // empty: not known
  const std::string& value_path() const { return value_path_; }  // empty: the whole event
  const std::string& problem() const { return problem_; }
  bool from_reader() const { return from_reader_; }

 private:
  BadTrace(uint64_t event, std::string function, std::string value_path, std::string problem, bool from_reader);

  uint64_t event_;
  std::string function_, value_path_, problem_;
  bool from_reader_;
};

// The trace ended before the guest did: the recording was cut short.
class TraceEnded : public Abort {
 public:
  using Abort::Abort;
};

// The recording was stopped from outside (a signal, --timeout) at this point:
// the replay stops here too, with the recording's exit code.
class Stopped : public Abort {
 public:
  explicit Stopped(trace::End end) : Abort(trace::describe(end)), end_(std::move(end)) {}
  const trace::End& end() const { return end_; }

 private:
  trace::End end_;
};

// Sees every event before it is answered, with the guest in its call (a
// debugger's breakpoints and stops). It may look at the guest
// (Replayer::guest_backtrace), return to let the replay go on, or throw to
// end it.
class ReplayController {
 public:
  virtual ~ReplayController() = default;
  virtual void before_event(uint64_t event, const runtime::ImportedFunc& f, const runtime::Values& args) = 0;
};

// The guest's call as reports show it: fn(args), escaped.
std::string describe_call(const runtime::ImportedFunc& f, const runtime::Values& args);

class Replayer final : public runtime::CallInterposer {
 public:
  explicit Replayer(trace::TraceReader& reader)
      : reader_(reader), fast_encoder_(reader.format(), &reader.names()), results_key_(fast_encoder_.results_key()) {
    fast_encoder_.set_digests(&arg_digests_);
  }

  // Reads the header; must be called first.
  Result<trace::Header> read_header();
  // Throws Stopped if the trace stops from outside (an end of kind signal or
  // timeout) right here. Called after each answered call, so that a replay of
  // a guest that then computed or blocked until it was stopped does not wait;
  // call it once before the guest starts, for a recording stopped before its
  // first event.
  void stop_if_stopped_here();

  runtime::Values call(const runtime::ImportedFunc& f, runtime::Values& args) override;
  // The fast path for scalar functions (a clock's now, a random u64): the
  // next event answers it straight from its bytes in the reader's buffer,
  // without the trace model or Values; anything unusual goes to call().
  abi::Value call_scalar(const runtime::ImportedFunc& f, std::span<const abi::Value> args) override;
  void recycle_results(const runtime::ImportedFunc& f, runtime::Values&& results) override;

  // After the guest has ended: checks that the trace ends the same way and
  // that no events are left over. Throws Divergence/TraceEnded/BadTrace.
  // Returns the end record.
  trace::End finish(const runtime::Outcome& outcome);

  uint64_t events_replayed() const { return next_index_; }

  // `controller` sees every event first; it must outlive the replay.
  void control(ReplayController& controller) { controller_ = &controller; }

  // `observer` sees every call answered from the trace, after it is answered
  // (not the calls that end the run); it must outlive the replay.
  void observe(runtime::CallObserver& observer) {
    observers_.push_back(&observer);
    funcs_.clear();  // FuncInfo::scalar_fast asked the observers there were
    last_func_ = nullptr;
    recent_ = RecentRing();  // its heads were FuncInfos
  }

  // replay --rebuilt: `outside` performs some calls live and has the
  // recorded calls of that kind skipped (rr/outside_trace.h). It must
  // outlive the replay.
  void answer_outside_trace(OutsideTrace& outside) { outside_ = &outside; }

 private:
  struct Recent {
    uint64_t index;
    trace::Event event;  // formatted only if a report needs it...
    std::string text;    // ...or, from the fast path, the event's text (JSON or compact CBOR)
    // If not null, `text` is only the end of it: a JSON event's text is this
    // (a FuncInfo's no_args_head, which stays as it is) and then `text`.
    const std::string* head = nullptr;
    // Or, from the scalar fast path of a JSON event without arguments, not
    // even that: its result (of a function of this type), written out after
    // `head` only if a report needs it. Copying the text cost a replayed
    // clock reading 5% more.
    const abi::FuncType* scalar_type = nullptr;
    abi::Kind scalar_kind = abi::Kind::Bool;
    uint64_t scalar_num = 0;
  };
  // The next element's text: the one looked at ahead, or the reader's next.
  Result<trace::TraceReader::Text> next_text();
  std::optional<trace::Element> next_element();
  // next_element(), past the events outside_ skips.
  std::optional<trace::Element> next_unskipped_element();
  std::optional<trace::Element> decode_next(Result<std::optional<trace::Json>> el);
  bool fast_match(const runtime::ImportedFunc& f, std::span<const abi::Value> args, std::string_view text,
                  runtime::Values& results);
  void remember_text(uint64_t index, std::string_view text, const std::string* head = nullptr);
  void remember_scalar(uint64_t index, const std::string* head, const abi::FuncType& type, const abi::Value& result);
  std::string recent_text(const Recent& r) const;
  [[noreturn]] void diverge(const std::string& what);
  void remember(uint64_t index, trace::Event event);
  void notify(uint64_t index, const runtime::ImportedFunc& f, const runtime::Values& args,
              const runtime::Values& results);

  trace::TraceReader& reader_;
  uint64_t next_index_ = 0;  // index of the next event
  ReplayController* controller_ = nullptr;
  // The last kRecentEvents events replayed, for divergence reports: a ring
  // whose entries (and their text buffers) are reused.
  class RecentRing {
   public:
    static constexpr size_t kSize = 5;
    Recent& next() {
      Recent& r = entries_[(first_ + count_) % kSize];
      if (count_ < kSize) count_++;
      else first_ = (first_ + 1) % kSize;
      return r;
    }
    size_t size() const { return count_; }
    const Recent& at(size_t i) const { return entries_[(first_ + i) % kSize]; }  // 0: the oldest

   private:
    std::array<Recent, kSize> entries_;
    size_t first_ = 0, count_ = 0;
  };
  RecentRing recent_;

  // The function's answer_rule, if any: a trace's answer that breaks it is a BadTrace.
  void check_answer(const runtime::ImportedFunc& f, const runtime::Values& args, const runtime::Values& results,
                    uint64_t index);
  // Own handles of host resources the guest holds, by (resource type, rep),
  // with the event that gave each one out. A trace that gives out a rep the
  // guest already holds is inconsistent (no host does that): without this
  // check two of the guest's handles would silently name one host object, e.g.
  // stderr output echoed as stdout.
  void track_handles(const runtime::ImportedFunc& f, const runtime::Values& args, const runtime::Values& results,
                     uint64_t index);
  std::map<std::pair<const abi::ResourceType*, uint32_t>, uint64_t> live_handles_;

  // Where each stream or future the host held came from ("passed to F at
  // event N"), for divergence reports on the host's side of it (the
  // runtime's kHostStreamsInterface calls name only its id).
  void track_async(const runtime::ImportedFunc& f, const runtime::Values& args, const runtime::Values& results,
                   uint64_t index);
  // What a divergence report adds for component-model async: where the
  // stream or future of a host-side call came from, and the task that called.
  std::string async_context(const runtime::ImportedFunc& f, const runtime::Values& args) const;
  struct AsyncOrigin {
    abi::Kind kind;    // stream or future
    std::string text;  // "stream passed to f at event 3"
  };
  std::map<uint64_t, AsyncOrigin> async_origins_;

  EventEncoder fast_encoder_;
  std::string results_key_;
  // What the replayer keeps of each function, made at its first call (the
  // last one looked up is kept at hand: calls come in runs of one function).
  struct FuncInfo {
    std::string prefix;          // the recorder's event prefix, in the trace's format
    bool prefix_stable = false;  // false: made again (a compact event's function not numbered yet)
    std::string no_args_head;    // for a function without parameters: what precedes its results
    bool moves_handles = false;  // its parameters or results can hold own handles
    bool moves_bytes = false;    // ... byte lists
    bool moves_async = false;    // ... streams or futures (component-model async)
    bool scalar_fast = false;    // call_scalar may answer it: no observer looks, no answer rule
    runtime::Values spare;       // its last results, lowered: storage for the next (recycle_results)
  };
  // What is kept of `f`, made at its first call. Calls come in runs of one
  // function: the last one's is at hand (inline, as this runs several times
  // a replayed event).
  FuncInfo& info_of(const runtime::ImportedFunc& f) { return &f == last_func_ ? *last_info_ : find_or_make_info(f); }
  FuncInfo& find_or_make_info(const runtime::ImportedFunc& f);
  // Whether `bytes` start an event of this trace's format: neither an end nor a stop.
  bool event_starts(std::string_view bytes) const;
  runtime::Values answer_from(const runtime::ImportedFunc& f, runtime::Values& args, uint64_t index,
                              std::optional<trace::Element> el, runtime::Values results);
  bool take_scalar_event(const runtime::ImportedFunc& f, std::span<const abi::Value> args, abi::Value& result);
  std::string_view take_event(const runtime::ImportedFunc& f, std::span<const abi::Value> args,
                              runtime::Values& results);
  std::optional<std::string_view> after_args(const runtime::ImportedFunc& f, std::span<const abi::Value> args,
                                             std::string_view event, bool& names_defined);
  runtime::Values accept_fast(const runtime::ImportedFunc& f, runtime::Values& args, runtime::Values& results,
                              uint64_t index, std::string_view text);
  const std::string& prefix_of(const runtime::ImportedFunc& f);
  // A CBOR trace written before events were compact: match its plain map events.
  void use_plain_cbor_events();
  bool parse_results(std::string_view element, std::string_view rest, trace::Json& results);
  void see_call(const runtime::ImportedFunc& f, const runtime::Values& args, const runtime::Values& results,
                bool args_digested);
  void resolve_same(trace::Json& j, const std::string& path);
  void resolve_same_in(trace::Json& j, const std::string& path, std::vector<std::string>& where);
  // Byte lists seen so far, when the trace refers to them (rr/seen_bytes.h).
  std::optional<SeenBytes> seen_;
  std::vector<std::string> arg_digests_;  // the fast path's, of the call it looks at
  std::vector<std::string> resolved_;     // the references given back in the call's results
  // For the fast path: a reference's bytes, noted in resolved_.
  SameBytes same_lookup_ = [this](const std::string& digest) -> const std::string* {
    const std::string* bytes = seen_ ? seen_->find(digest) : nullptr;
    if (bytes) resolved_.push_back(digest);
    return bytes;
  };
  std::unordered_map<const runtime::ImportedFunc*, FuncInfo> funcs_;
  const runtime::ImportedFunc* last_func_ = nullptr;
  FuncInfo* last_info_ = nullptr;
  std::string scratch_;
  // The element looked at ahead by stop_if_stopped_here(), kept for next_text()
  // (not an event it saw the start of: that stays in the reader's buffer).
  bool have_ahead_ = false;
  trace::TraceReader::Text ahead_;
  std::string ahead_bytes_;
  // An end record parsed ahead that is not a stop (or a cut-off last element:
  // pending_cut_), for the next call or finish() to report.
  std::optional<trace::Element> pending_element_;
  bool pending_cut_ = false;

  std::vector<runtime::CallObserver*> observers_;
  OutsideTrace* outside_ = nullptr;
};

}  // namespace wasmrr::rr
