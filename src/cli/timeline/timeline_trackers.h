// What the timeline page shows beside the events, told from the WASI calls
// in a trace: the guest's stdout and stderr as lines (from the output-stream
// writes to the streams of wasi:cli/stdout#get-stdout and get-stderr, as
// wasi/cli/stdio_echo.h finds them during a replay; for WASI 0.3, the
// runtime's take calls on the streams passed to write-via-stream), its outgoing HTTP
// requests (wasi:http), and the files it read (open-at, then reads on the
// descriptor or its streams) and wrote (cli/trace_summary.h). Like
// trace_summary, this is a tool on top of traces that knows WASI names; the
// recorder and replayer do not. Best effort: a malformed call is skipped.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "cli/timeline/timeline_data.h"
#include "cli/trace_summary.h"
#include "trace/trace.h"

namespace wasmrr::cli::timeline {

class Trackers {
 public:
  explicit Trackers(const Limits& limits) : limits_(limits) {}

  // `iface` is the unversioned interface ("wasi:io/streams"), `func` the
  // function ("[method]output-stream.write").
  void add(uint64_t index, const std::string& iface, const std::string& func, const trace::Event& e);
  // Everything gathered: {"stdio": ..., "http": ..., "files": ...} (docs/timeline.md).
  void finish(trace::Json& out);

 private:
  // Where an output stream's bytes go, where an input stream's come from.
  struct Stream {
    enum class Kind : uint8_t { Stdout, Stderr, File, HttpRequest, HttpResponse } kind;
    std::string path;  // File
    size_t request = 0;  // HttpRequest, HttpResponse: index into requests_
  };
  struct Line {
    int stream;      // 1 stdout, 2 stderr
    uint64_t event;  // the write that began it
    std::string text;
    bool open = true;
  };
  struct Request {
    std::string method = "GET", scheme, authority, path;
    std::optional<uint64_t> status;
    std::string error;
    uint64_t request_bytes = 0, response_bytes = 0;
    bool request_body = false, response_body = false;
    std::string content_type;
    std::optional<uint64_t> created, sent, answered, last;  // events
  };
  struct File {
    std::optional<uint64_t> first, last;  // events that named it
    uint64_t events = 0;
    uint64_t bytes_read = 0, reads = 0;
    bool opened_for_reading = false;
  };

  void stdio_write(int stream, uint64_t index, std::string_view bytes);
  void stdio_data(int stream, uint64_t index, const trace::Json& data, uint64_t n, bool zeroes);
  void stdio_text(int stream, uint64_t index, std::string_view text, bool whole_line = false);
  void line_append(int stream, uint64_t index, std::string_view piece);
  void line_end(int stream);
  void streams(uint64_t index, const std::string& func, const trace::Event& e);
  void async_stream(uint64_t index, const std::string& func, const trace::Event& e);
  bool file_stream_p3(uint64_t index, const std::string& func, const trace::Event& e);
  void filesystem(uint64_t index, const std::string& func, const trace::Event& e);
  void http(uint64_t index, const std::string& iface, const std::string& func, const trace::Event& e);

  Request* request_of(const std::map<uint64_t, size_t>& handles, const trace::Json& handle);
  void touch_request(size_t request, uint64_t index);
  size_t new_request(uint64_t index);
  std::string path_of(const trace::Json& handle) const { return paths_.path_of(handle); }
  std::string join(const trace::Json& dir_handle, const trace::Json& path) const { return paths_.join(dir_handle, path); }
  void touch(const std::string& path, uint64_t index);

  const Limits& limits_;

  // stdout and stderr
  std::vector<Line> lines_;
  uint64_t lines_dropped_ = 0;
  struct OpenLine {
    bool open = false;     // a line of this stream has begun and not ended
    bool dropped = false;  // ... past the limit: counted, not kept
    size_t line = 0;       // index into lines_
  };
  OpenLine open_[3];       // per stream (1 stdout, 2 stderr)
  uint64_t stdio_bytes_[3] = {0, 0, 0};
  uint64_t stdio_digest_writes_ = 0;   // writes longer than 256 bytes: the trace holds their digest only

  std::map<uint64_t, Stream> outputs_, inputs_;  // stream handle -> what it is
  std::map<uint64_t, int> async_stdio_;  // WASI 0.3: stream id -> 1 stdout, 2 stderr
  std::map<uint64_t, std::string> async_files_;  // WASI 0.3: stream id -> the file it reads or writes

  // HTTP: handles of each resource -> index into requests_
  std::vector<Request> requests_;
  uint64_t requests_dropped_ = 0;
  std::map<uint64_t, size_t> outgoing_requests_, outgoing_bodies_, futures_, responses_, incoming_bodies_,
      response_headers_;

  // Files
  DescriptorPaths paths_;
  std::map<std::string, File> files_;
  uint64_t files_dropped_ = 0;
  FileWriteTracker written_;
};

}  // namespace wasmrr::cli::timeline
