// Exceptions that end guest execution. They are thrown by host functions and
// by the canonical ABI (the spec's trap_if), carried across engine frames by
// the engine (never unwound through them) and caught by the runtime.
#pragma once

#include <stdexcept>
#include <string>

namespace wasmrr {

// The guest did something the component model forbids, or a host call failed
// in a way that cannot be reported to the guest as a WIT value.
class Trap : public std::runtime_error {
 public:
  explicit Trap(const std::string& message) : std::runtime_error(message) {}
};

// wasi:cli/exit#exit (and exit-with-code): ends the run with a status.
class ExitRequest : public std::exception {
 public:
  explicit ExitRequest(int status) : status_(status) {}
  int status() const { return status_; }
  const char* what() const noexcept override { return "guest exited"; }

 private:
  int status_;
};

}  // namespace wasmrr

namespace wasmrr {

// Stops the run for a reason outside the guest (a replay divergence, a bad
// trace). The runtime never turns it into a guest outcome: it reaches the CLI.
class Abort : public std::runtime_error {
 public:
  explicit Abort(const std::string& message) : std::runtime_error(message) {}
};

// A host function failed with an exception that is neither a WIT error, a
// Trap nor an exit (a bug or a resource failure on the host side): the run
// ends as a trap with this message, in run, record and replay alike.
inline std::string host_error_message(const std::exception& e) { return std::string("host error: ") + e.what(); }

}  // namespace wasmrr
