// Where a recording goes. The user's earlier recordings are never lost and
// never corrupted:
//   - a trace that already exists at PATH is moved to PATH~ before the new
//     recording starts, and removed only when the new one has ended (an end
//     record is written); a recording killed outright leaves the old trace at
//     PATH~ and its own, replayable up to its last events, at PATH;
//   - PATH is locked (flock) while recording: a second recorder is refused;
//   - PATH may not be empty, nor be an input of the run (the component, the
//     guest's stdin), nor anything but a regular file;
//   - the guest may not open, change, rename or remove PATH or PATH~
//     (wasi::protect_host_file), even with --dir over their directory.
#pragma once

#include <sys/stat.h>

#include <string>
#include <vector>

namespace wasmrr::cli {

class TraceOutput {
 public:
  // Refuses bad paths with a ToolError before anything on disk changes.
  // `inputs`: paths the run reads (the component).
  static TraceOutput create(const std::string& path, const std::vector<std::string>& inputs);
  TraceOutput(TraceOutput&&) noexcept;
  ~TraceOutput();

  // The open, locked trace file; the writer takes it over (release_fd).
  int release_fd();
  const std::string& path() const { return path_; }
  const std::string& backup_path() const { return backup_; }  // empty if there was no earlier trace
  // The files the guest must not touch: the trace, and the earlier one.
  std::vector<struct stat> files_to_protect() const;
  // The recording has ended: the earlier trace is no longer needed.
  // Safe to call from any thread, once.
  void ended();
  // The run never started: removes the new trace and puts the earlier one back.
  void abandon();

 private:
  TraceOutput() = default;
  std::string path_;
  std::string backup_;
  int fd_ = -1;
  struct stat trace_stat_ {};
  struct stat backup_stat_ {};
};

}  // namespace wasmrr::cli
