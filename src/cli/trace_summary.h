// Reading a trace for people: what it holds (`wasm-rr inspect`) and which
// files the guest changed (`inspect --files`, `replay --files-written`).
// This is a tool on top of traces, and the one place besides the stdout echo
// that knows WASI function names; the recorder and replayer do not.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "cli/recorded_values.h"
#include "trace/reader.h"
#include "trace/trace.h"

namespace wasmrr::cli {

// What the guest did to one path, from the trace's successful filesystem calls.
struct FileChange {
  bool created_or_truncated = false;  // open-at with create/truncate
  bool opened_for_writing = false;
  uint64_t bytes_written = 0;
  bool size_set = false, times_set = false;
  bool removed = false, directory_created = false;
  std::vector<std::string> renamed_to;
  std::vector<std::string> links_made;  // hard and symbolic links created at this path
  std::string describe() const;
};

class FileWriteTracker {
 public:
  void add(const trace::Event& event);
  const std::map<std::string, FileChange>& changes() const { return changes_; }

 private:
  std::string path_of(const trace::Json& handle) const { return paths_.path_of(handle); }
  std::string join(const trace::Json& dir_handle, const trace::Json& path) const { return paths_.join(dir_handle, path); }
  FileChange& at(const std::string& path) { return changes_[path]; }

  DescriptorPaths paths_;
  std::map<uint64_t, std::string> streams_;      // output-stream handle -> file path
  std::map<uint64_t, std::string> async_streams_;  // WASI 0.3: the guest's stream id -> file path
  std::map<std::string, FileChange> changes_;
};

// Gathers what FileWriteTracker needs from every element a reader reads,
// during the reader's own pass over the trace (replay --files-written): a
// trace from a pipe cannot be read a second time.
class FilesWrittenWatcher : public trace::ElementObserver {
 public:
  bool wants(std::string_view encoded, std::string_view function) override;
  void element(const trace::Json& j) override;
  void print(FILE* out) const;
  const std::map<std::string, FileChange>& changes() const { return tracker_.changes(); }

 private:
  FileWriteTracker tracker_;
};

// Reads the rest of `reader` and prints the files the trace says the guest
// changed; returns false if it could not read the trace (the message goes to stderr).
bool print_files_written(trace::TraceReader& reader, FILE* out);

}  // namespace wasmrr::cli
