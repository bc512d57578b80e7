// replay --rebuilt, the WASI side (rr/outside_trace.h): the calls that only
// write to stdout and stderr are performed live, and the recorded ones are
// skipped. They are: wasi:cli/stdout#get-stdout and wasi:cli/stderr#get-stderr,
// and the output-stream methods (check-write, write, the flushes, the
// write-zeroes pair, subscribe, drop) on the streams those gave out, with the
// pollables subscribe gave (ready, block, drop, and wasi:io/poll#poll over
// them alone). The streams this gives out have reps from kFirstRep up, apart
// from any rep a recording's host uses.
#pragma once

#include <cstdint>
#include <functional>
#include <set>
#include <string_view>
#include <unordered_map>

#include "rr/outside_trace.h"

namespace wasmrr::wasi {

class RebuiltStdio final : public rr::OutsideTrace {
 public:
  static constexpr uint32_t kFirstRep = 0xfff00000;
  // Where the live writes go: fd 1 or 2, the next event's index, the bytes.
  using Sink = std::function<void(int fd, uint64_t next_event, std::string_view bytes)>;
  explicit RebuiltStdio(Sink sink) : sink_(std::move(sink)) {}

  bool is_live(const runtime::ImportedFunc& f, const runtime::Values& args) override;
  runtime::Values answer(uint64_t next_event, const runtime::ImportedFunc& f, runtime::Values& args) override;
  bool skips(const trace::Event& recorded) override;

 private:
  enum class Role : uint8_t {
    None, GetStdout, GetStderr, CheckWrite, Write, Flush, WriteZeroes, Subscribe, Splice, DropStream,
    PollableReady, PollableBlock, DropPollable, Poll
  };
  static Role role_of_name(std::string_view full_name);
  Role role_of(const runtime::ImportedFunc& f);
  bool all_live_pollables(const abi::Value& list) const;

  Sink sink_;
  uint32_t next_rep_ = kFirstRep;
  std::unordered_map<uint32_t, int> live_streams_;  // rep -> fd
  std::set<uint32_t> live_pollables_;
  std::set<uint64_t> recorded_streams_, recorded_pollables_;  // the skipped calls' handles
  std::unordered_map<const runtime::ImportedFunc*, Role> roles_;
};

}  // namespace wasmrr::wasi
