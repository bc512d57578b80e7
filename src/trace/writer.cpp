#include "trace/writer.h"

#include "trace/json_bytes.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <ctime>

#include <fmt/format.h>

namespace wasmrr::trace {

// A coarse clock is enough to bound how long an element waits in the buffer,
// and it costs a few nanoseconds: it is read once per element.
static uint64_t coarse_now_ms() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
  return static_cast<uint64_t>(ts.tv_sec) * 1000 + static_cast<uint64_t>(ts.tv_nsec) / 1000000;
}

static bool contains_binary(const Json& j) {
  if (j.is_binary()) return true;
  if (!j.is_structured()) return false;
  for (const auto& child : j)
    if (contains_binary(child)) return true;
  return false;
}

Result<std::unique_ptr<TraceWriter>> TraceWriter::create(const std::string& path, Format format) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return make_error(fmt::format("cannot create trace `{}`: {}", path, std::strerror(errno)));
  return std::unique_ptr<TraceWriter>(new TraceWriter(fd, format, path));
}

TraceWriter::TraceWriter(int fd, Format format, std::string path)
    : fd_(fd), format_(format), path_(std::move(path)), last_flush_ms_(coarse_now_ms()) {
  buffer_.reserve(kBufferLimit + 4096);
}

TraceWriter::~TraceWriter() {
  if (fd_ >= 0) (void)close();
}

// JSON layout: a JSON array with one element per line, so that a reader can
// stream it line by line and a truncated file is readable up to its last line:
//   [{"format":"wasm-rr-trace",...},
//   {"fn":"...","args":[...],"results":[...]},
//   {"end":"exit","status":0}]
// CBOR layout: a CBOR sequence (RFC 8742), one data item per element.
void TraceWriter::begin_element() {
  if (format_ == Format::Json) buffer_ += first_ ? "[" : ",\n";
  first_ = false;
}

void TraceWriter::end_element() {
  if (buffer_.size() >= kBufferLimit ||
      coarse_now_ms() - last_flush_ms_ >= static_cast<uint64_t>(kFlushInterval.count()))
    flush();
}

void TraceWriter::write_encoded(std::string_view element) {
  begin_element();
  buffer_ += element;
  end_element();
}

void TraceWriter::write(const Json& element) {
  begin_element();
  if (format_ == Format::Json) {
    if (contains_binary(element)) {
      Json text = element;
      bytes_to_text_model(text);
      buffer_ += text.dump(-1, ' ', false, Json::error_handler_t::strict);
    } else {
      buffer_ += element.dump(-1, ' ', false, Json::error_handler_t::strict);
    }
  } else {
    Json::to_cbor(element, buffer_);
  }
  end_element();
}

void TraceWriter::flush() {
  last_flush_ms_ = coarse_now_ms();
  size_t done = 0;
  while (done < buffer_.size() && !failed_) {
    ssize_t n = ::write(fd_, buffer_.data() + done, buffer_.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      failed_ = true;
      fmt::print(stderr, "wasm-rr: error: writing trace `{}`: {}\n", path_, std::strerror(errno));
      break;
    }
    done += static_cast<size_t>(n);
  }
  bytes_written_ += done;
  buffer_.clear();
}

Result<void> TraceWriter::close() {
  if (fd_ < 0) return {};
  if (format_ == Format::Json) buffer_ += first_ ? "[]\n" : "]\n";
  flush();
  int rc = ::close(fd_);
  fd_ = -1;
  if (failed_ || rc != 0) return make_error(fmt::format("writing trace `{}` failed", path_));
  return {};
}

}  // namespace wasmrr::trace
