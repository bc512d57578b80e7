#include "wasi/p3/stream_io.h"

#include <algorithm>
#include <string>
#include <utility>

#include "wasi/common/fd_io.h"

namespace wasmrr::wasi::p3 {
namespace {

// One give answers at most this much of a byte stream: enough that readers
// rarely loop, little enough to bound what one trace event holds.
constexpr uint32_t kMaxGive = 64 * 1024;

class FdSink final : public StreamSink {
 public:
  FdSink(int fd, Value error) : fd_(fd), error_(std::move(error)) {}
  std::optional<Value> take(const Value& data) override {
    if (write_all(fd_, data.str) != 0) return error_;
    return std::nullopt;
  }

 private:
  int fd_;
  Value error_;
};

class FdSource final : public StreamSource {
 public:
  FdSource(int fd, Value error) : fd_(fd), error_(std::move(error)) {}
  Given give(uint32_t max, bool wait) override {
    ReadOutcome got = read_fd(fd_, std::min(max, kMaxGive), wait);
    switch (got.status) {
      case ReadOutcome::Status::would_block: return {Value::byte_list(""), std::nullopt};
      case ReadOutcome::Status::data: return {Value::byte_list(std::move(got.bytes)), std::nullopt};
      case ReadOutcome::Status::eof: return {};
      case ReadOutcome::Status::error: break;
    }
    return {std::nullopt, error_};
  }
  Value no_elements() const override { return Value::byte_list(""); }

 private:
  int fd_;
  Value error_;
};

class OutputStreamSink final : public StreamSink {
 public:
  OutputStreamSink(std::shared_ptr<OutputStream> out, ErrorValue error, std::function<void()> on_end)
      : out_(std::move(out)), error_(std::move(error)), on_end_(std::move(on_end)) {}
  std::optional<Value> take(const Value& data) override {
    const std::string& bytes = data.str;
    for (size_t at = 0; at < bytes.size(); at += kMaxIoChunk) {
      auto r = out_->write(std::string_view(bytes).substr(at, kMaxIoChunk));
      if (!r.ok()) return error_(r.error());
    }
    if (auto r = out_->blocking_flush(); !r.ok()) return error_(r.error());
    return std::nullopt;
  }
  void end() override {
    if (on_end_) on_end_();
  }

 private:
  std::shared_ptr<OutputStream> out_;
  ErrorValue error_;
  std::function<void()> on_end_;
};

class InputStreamSource final : public StreamSource {
 public:
  InputStreamSource(std::shared_ptr<InputStream> in, ErrorValue error) : in_(std::move(in)), error_(std::move(error)) {}
  Given give(uint32_t max, bool wait) override {
    const uint32_t len = std::min(max, kMaxGive);
    auto r = wait ? in_->blocking_read(len) : in_->read(len);
    if (r.ok()) return {Value::byte_list(std::move(r.value())), std::nullopt};
    if (r.error().kind == StreamError::Kind::closed) return {};
    return {std::nullopt, error_(r.error())};
  }
  Value no_elements() const override { return Value::byte_list(""); }

 private:
  std::shared_ptr<InputStream> in_;
  ErrorValue error_;
};

class FailedSink final : public StreamSink {
 public:
  explicit FailedSink(Value error) : error_(std::move(error)) {}
  std::optional<Value> take(const Value&) override { return error_; }

 private:
  Value error_;
};

class FailedSource final : public StreamSource {
 public:
  explicit FailedSource(Value error) : error_(std::move(error)) {}
  Given give(uint32_t, bool) override { return {std::nullopt, error_}; }

 private:
  Value error_;
};

}  // namespace

std::shared_ptr<StreamSink> fd_sink(int fd, Value error_pipe) { return std::make_shared<FdSink>(fd, std::move(error_pipe)); }
std::shared_ptr<StreamSource> fd_source(int fd, Value error_io) {
  return std::make_shared<FdSource>(fd, std::move(error_io));
}
std::shared_ptr<StreamSink> output_stream_sink(std::shared_ptr<OutputStream> out, ErrorValue error,
                                               std::function<void()> on_end) {
  return std::make_shared<OutputStreamSink>(std::move(out), std::move(error), std::move(on_end));
}
std::shared_ptr<StreamSource> input_stream_source(std::shared_ptr<InputStream> in, ErrorValue error) {
  return std::make_shared<InputStreamSource>(std::move(in), std::move(error));
}
std::shared_ptr<StreamSink> failed_sink(Value error) { return std::make_shared<FailedSink>(std::move(error)); }
std::shared_ptr<StreamSource> failed_source(Value error) { return std::make_shared<FailedSource>(std::move(error)); }

}  // namespace wasmrr::wasi::p3
