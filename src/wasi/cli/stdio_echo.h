// The guest's stdout and stderr, shown again during a replay. An observer of
// the replayed calls (runtime::CallObserver): it remembers which output-stream
// handles the guest got from wasi:cli/stdout#get-stdout and
// wasi:cli/stderr#get-stderr, and copies to the real stdout and stderr what
// the guest writes to them (write, blocking-write-and-flush, and the
// write-zeroes pair). WASI 0.3 guests hand stdout and stderr a stream
// (write-via-stream), whose bytes come to the host as the runtime's
// wasm-rr:async/streams#take calls. Knowing these names is WASI's business, so it lives
// here; the replayer only calls observers.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string_view>
#include <unordered_map>

#include "runtime/host.h"

namespace wasmrr::wasi {

class StdioEcho final : public runtime::CallObserver {
 public:
  // `mark_lines`: every line shown starts with "[event N] ", N the event of
  // the write that began it (--mark-stdio).
  explicit StdioEcho(bool mark_lines = false, int stdout_fd = 1, int stderr_fd = 2)
      : stdout_fd_(stdout_fd), stderr_fd_(stderr_fd), mark_lines_(mark_lines) {}
  // Writes of events before `event` are not shown again (a debugger's re-execution).
  void quiet_before(uint64_t event) { quiet_before_ = event; }
  // Hands what would be written to `sink` instead (fd 1 or 2, bytes): the
  // debugger's DAP server, whose stdout is the protocol.
  using Sink = std::function<void(int fd, std::string_view bytes)>;
  void send_to(Sink sink) { sink_ = std::move(sink); }

  void on_call(uint64_t index, const runtime::ImportedFunc& f, const runtime::Values& args,
               const runtime::Values& results) override;
  bool observes(const runtime::ImportedFunc& f) override { return role_of(f) != Role::None; }

  // Shows bytes written live (replay --rebuilt) to fd 1 or 2 as the replayed
  // ones are shown; `index` is the event the lines are marked with.
  void show_live(int fd, uint64_t index, std::string_view bytes) {
    show(fd == 2 ? stderr_fd_ : stdout_fd_, index, bytes);
  }

 private:
  enum class Role : uint8_t {
    None, GetStdout, GetStderr, Write, WriteZeroes, DropStream,
    StdoutStream, StderrStream, StreamTake,  // WASI 0.3
  };
  // What a function is to the echo, decided once per import.
  Role role_of(const runtime::ImportedFunc& f);

  // Writes `bytes` to `fd`, marking each line begun by them with event `index`.
  void show(int fd, uint64_t index, std::string_view bytes);
  void show_bytes(int fd, std::string_view bytes);

  int stdout_fd_, stderr_fd_;
  bool mark_lines_;
  uint64_t quiet_before_ = 0;
  std::map<int, bool> mid_line_;  // per fd: the last byte shown was not a newline
  std::map<uint32_t, int> output_fds_;  // stream rep -> host fd
  std::map<uint32_t, int> stream_fds_;  // WASI 0.3: stream id -> host fd
  std::unordered_map<const runtime::ImportedFunc*, Role> roles_;
  const runtime::ImportedFunc* last_func_ = nullptr;  // the last one looked up, and its role
  Role last_role_ = Role::None;
  Sink sink_;
};

}  // namespace wasmrr::wasi
