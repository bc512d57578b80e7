// Streams trace elements to a file as the guest runs. Memory stays bounded:
// elements are encoded into a small buffer that is written out (write(2), so
// it survives the process being killed) when it fills or when it has waited
// kFlushInterval. A killed recording therefore loses at most the last few
// milliseconds of events, and the file up to there stays readable.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include "trace/trace.h"

namespace wasmrr::trace {

class TraceWriter {
 public:
  static constexpr size_t kBufferLimit = 64 * 1024;
  static constexpr std::chrono::milliseconds kFlushInterval{10};

  static Result<std::unique_ptr<TraceWriter>> create(const std::string& path, Format format);
  ~TraceWriter();

  void write(const Json& element);
  // Writes an element already encoded in this writer's format (see rr/event_encoder.h).
  void write_encoded(std::string_view element);
  Format format() const { return format_; }
  // Writes everything buffered to the file.
  void flush();
  // Completes the file (the JSON array's closing bracket) and closes it.
  Result<void> close();

  uint64_t bytes_written() const { return bytes_written_; }

 private:
  TraceWriter(int fd, Format format, std::string path);
  void begin_element();
  void end_element();

  int fd_;
  Format format_;
  std::string path_;
  std::string buffer_;
  bool first_ = true;
  bool failed_ = false;
  uint64_t bytes_written_ = 0;
  uint64_t last_flush_ms_ = 0;
};


}  // namespace wasmrr::trace
