// The Debug Adapter Protocol's wire format (microsoft/debug-adapter-protocol,
// "Base Protocol"): messages are JSON objects, each after a header
// `Content-Length: N\r\n\r\n`, N the byte length of the JSON. A DapChannel
// reads requests from one file descriptor and writes responses and events,
// numbered with `seq`, to another.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "util/trap.h"

namespace wasmrr::cli::debug {

// The client broke the protocol (bad framing, not JSON): the session cannot
// go on. An Abort, so that it also crosses the engine when thrown while the
// guest is stopped.
struct ProtocolError : Abort {
  explicit ProtocolError(const std::string& what) : Abort(what) {}
};

class DapChannel {
 public:
  DapChannel(int in_fd, int out_fd) : in_(in_fd), out_(out_fd) {}

  // The next message; nullopt at the end of the input between two messages.
  // Throws ProtocolError on a malformed header or body, or input that ends mid-message.
  std::optional<nlohmann::json> read();

  // The response to `request`: success with `body`, or failure with `message`.
  void respond(const nlohmann::json& request, nlohmann::json body = nlohmann::json::object());
  void fail(const nlohmann::json& request, const std::string& message);
  void event(const std::string& name, nlohmann::json body = nlohmann::json::object());

 private:
  void send(nlohmann::json message);
  std::optional<std::string> read_line();  // a header line, without its line end
  bool fill();                             // reads more input; false at its end

  int in_;
  int out_;
  std::string buffer_;  // input read and not consumed yet
  int64_t seq_ = 1;
};

}  // namespace wasmrr::cli::debug
