#include "cli/debug/dap_protocol.h"

#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <cstring>

#include <fmt/format.h>

#include "util/printable.h"

namespace wasmrr::cli::debug {
namespace {

// Bounds that keep a broken client from making us buffer without end.
constexpr size_t kMaxHeaderLine = 8 * 1024;
constexpr size_t kMaxContentLength = 64 * 1024 * 1024;

std::optional<size_t> content_length(std::string_view value) {
  size_t start = value.find_first_not_of(" \t");
  size_t end = value.find_last_not_of(" \t");
  if (start == std::string_view::npos) return std::nullopt;
  value = value.substr(start, end - start + 1);
  if (value.size() > 9 || value.find_first_not_of("0123456789") != std::string_view::npos) return std::nullopt;
  size_t n = std::stoul(std::string(value));
  return n <= kMaxContentLength ? std::optional<size_t>(n) : std::nullopt;
}

// What a response repeats of its request, whatever the request holds.
int64_t seq_of(const nlohmann::json& request) {
  auto it = request.find("seq");
  return it != request.end() && it->is_number_integer() ? it->get<int64_t>() : 0;
}
std::string command_of(const nlohmann::json& request) {
  auto it = request.find("command");
  return it != request.end() && it->is_string() ? it->get<std::string>() : "";
}

bool header_name_is(std::string_view line, std::string_view name) {
  if (line.size() < name.size()) return false;
  for (size_t i = 0; i < name.size(); i++)
    if (std::tolower(static_cast<unsigned char>(line[i])) != std::tolower(static_cast<unsigned char>(name[i]))) return false;
  return true;
}

}  // namespace

bool DapChannel::fill() {
  char chunk[65536];
  for (;;) {
    ssize_t n = ::read(in_, chunk, sizeof chunk);
    if (n > 0) {
      buffer_.append(chunk, static_cast<size_t>(n));
      return true;
    }
    if (n == 0) return false;
    if (errno != EINTR) throw ProtocolError(fmt::format("cannot read the client's messages: {}", std::strerror(errno)));
  }
}

std::optional<std::string> DapChannel::read_line() {
  for (;;) {
    size_t nl = buffer_.find('\n');
    if (nl != std::string::npos) {
      std::string line = buffer_.substr(0, nl);
      buffer_.erase(0, nl + 1);
      if (!line.empty() && line.back() == '\r') line.pop_back();
      return line;
    }
    if (buffer_.size() > kMaxHeaderLine) throw ProtocolError("a header line of more than 8 KiB: this is not DAP framing");
    if (!fill()) return std::nullopt;
  }
}

std::optional<nlohmann::json> DapChannel::read() {
  std::optional<size_t> length;
  bool any_header = false;
  for (;;) {
    std::optional<std::string> line = read_line();
    if (!line) {
      if (!any_header && buffer_.empty()) return std::nullopt;  // the client closed its end
      throw ProtocolError("the input ended in the middle of a message header");
    }
    if (line->empty()) {
      if (!any_header) continue;  // tolerate blank lines between messages
      break;
    }
    any_header = true;
    if (header_name_is(*line, "Content-Length:")) {
      length = content_length(std::string_view(*line).substr(15));
      if (!length) throw ProtocolError(fmt::format("bad Content-Length header `{}`", printable(*line)));
    } else if (line->find(':') == std::string::npos) {
      throw ProtocolError(fmt::format("expected a `Content-Length: N` header, got `{}`", printable(line->substr(0, 80))));
    }
  }
  if (!length) throw ProtocolError("a message header without Content-Length");
  while (buffer_.size() < *length)
    if (!fill()) throw ProtocolError(fmt::format("the input ended inside a message ({} of {} bytes)", buffer_.size(), *length));
  std::string body = buffer_.substr(0, *length);
  buffer_.erase(0, *length);
  nlohmann::json message = nlohmann::json::parse(body, nullptr, false);
  if (message.is_discarded()) throw ProtocolError(fmt::format("a message that is not JSON: `{}`", printable(body.substr(0, 200))));
  if (!message.is_object() || !message.contains("type") || !message["type"].is_string())
    throw ProtocolError(fmt::format("a message that is not a DAP message (no \"type\"): `{}`", printable(body.substr(0, 200))));
  return message;
}

void DapChannel::send(nlohmann::json message) {
  message["seq"] = seq_++;
  // The guest's output and values may be any bytes: invalid UTF-8 becomes U+FFFD rather than an exception.
  std::string body = message.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  std::string out = fmt::format("Content-Length: {}\r\n\r\n{}", body.size(), body);
  for (size_t done = 0; done < out.size();) {
    ssize_t n = ::write(out_, out.data() + done, out.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) throw ProtocolError(fmt::format("cannot write to the client: {}", std::strerror(errno)));
    done += static_cast<size_t>(n);
  }
}

void DapChannel::respond(const nlohmann::json& request, nlohmann::json body) {
  nlohmann::json r = {{"type", "response"}, {"request_seq", seq_of(request)}, {"success", true},
                      {"command", command_of(request)}};
  if (!body.empty()) r["body"] = std::move(body);
  send(std::move(r));
}

void DapChannel::fail(const nlohmann::json& request, const std::string& message) {
  send({{"type", "response"}, {"request_seq", seq_of(request)}, {"success", false},
        {"command", command_of(request)}, {"message", message}});
}

void DapChannel::event(const std::string& name, nlohmann::json body) {
  nlohmann::json e = {{"type", "event"}, {"event", name}};
  if (!body.empty()) e["body"] = std::move(body);
  send(std::move(e));
}

}  // namespace wasmrr::cli::debug
