// What moves the elements of a stream the host holds (p3.h): a sink takes
// what the guest writes (stdout, a file written through write-via-stream),
// a source gives what the guest reads (stdin, a file's bytes, a directory's
// entries). Both report a failure as the err payload of the stream's result
// future, a value of the interface's own error-code type.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>

#include "abi/value.h"
#include "wasi/io/stream.h"

namespace wasmrr::wasi::p3 {

using abi::Value;

class StreamSink {
 public:
  virtual ~StreamSink() = default;
  // The guest wrote `data` (a list of the stream's elements). An error is
  // what the stream's future will report; the host then takes nothing more.
  virtual std::optional<Value> take(const Value& data) = 0;
  // The guest dropped its writable end: nothing more comes (a TCP send
  // shuts its direction down).
  virtual void end() {}
};

class StreamSource {
 public:
  virtual ~StreamSource() = default;
  struct Given {
    std::optional<Value> elements;  // a list (empty: nothing yet); nullopt: the stream ended
    std::optional<Value> error;     // how it ended, when it failed
  };
  // Up to `max` elements: what is there now, or with `wait`, at least one
  // element or the end.
  virtual Given give(uint32_t max, bool wait) = 0;
  // No elements, as this stream's lists are written (a byte list for bytes).
  virtual Value no_elements() const { return Value::list({}); }
};

// A wasi:io stream failure (io/stream.h) as an error-code value.
using ErrorValue = std::function<Value(const StreamError&)>;

// Bytes to and from a file descriptor the host owns elsewhere (stdio).
// `error_io` and `error_pipe` are what a failed read and write report.
std::shared_ptr<StreamSink> fd_sink(int fd, Value error_pipe);
std::shared_ptr<StreamSource> fd_source(int fd, Value error_io);

// Bytes through the host's wasi:io streams (files, and whatever else has one).
// `on_end`, if any, runs when the guest has dropped its end.
std::shared_ptr<StreamSink> output_stream_sink(std::shared_ptr<OutputStream> out, ErrorValue error,
                                               std::function<void()> on_end = nullptr);
std::shared_ptr<StreamSource> input_stream_source(std::shared_ptr<InputStream> in, ErrorValue error);

// A stream that failed before it began: it ends at once with `error`
// (read-via-stream of a descriptor that cannot be read, say).
std::shared_ptr<StreamSink> failed_sink(Value error);
std::shared_ptr<StreamSource> failed_source(Value error);

}  // namespace wasmrr::wasi::p3
