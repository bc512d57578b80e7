#include "cli/trace_output.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <random>

#include <fmt/format.h>

#include "cli/options.h"

namespace wasmrr::cli {

namespace {

bool same_file(const struct stat& a, const struct stat& b) { return a.st_dev == b.st_dev && a.st_ino == b.st_ino; }

std::string errno_text() { return std::strerror(errno); }

// rename(2) that fails with EEXIST instead of replacing `to`.
int rename_noreplace(const std::string& from, const std::string& to) {
  return static_cast<int>(::syscall(SYS_renameat2, AT_FDCWD, from.c_str(), AT_FDCWD, to.c_str(), 1 /*RENAME_NOREPLACE*/));
}

void refuse_inputs(const std::string& path, const struct stat& st, const std::vector<std::string>& inputs,
                   const char* what) {
  for (const auto& input : inputs) {
    struct stat in {};
    if (::stat(input.c_str(), &in) == 0 && same_file(st, in))
      throw ToolError(fmt::format("the trace path `{}`{} is the component `{}`: recording would overwrite it", path,
                                  what, input));
  }
  struct stat in {};
  if (::fstat(STDIN_FILENO, &in) == 0 && S_ISREG(in.st_mode) && same_file(st, in))
    throw ToolError(fmt::format("the trace path `{}`{} is the guest's stdin: recording would overwrite it", path, what));
}

// A new, empty, locked file next to `path`, to be renamed to it.
std::pair<int, std::string> create_locked_temp(const std::string& path) {
  std::random_device rd;
  for (int attempt = 0; attempt < 16; attempt++) {
    std::string temp = fmt::format("{}.wasm-rr-{:08x}", path, rd());
    int fd = ::open(temp.c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (fd < 0 && errno == EEXIST) continue;
    if (fd < 0) throw ToolError(fmt::format("cannot create trace `{}`: {}", path, errno_text()));
    ::flock(fd, LOCK_EX | LOCK_NB);  // a new file: nobody else holds it
    return {fd, temp};
  }
  throw ToolError(fmt::format("cannot create a temporary file next to `{}`", path));
}

}  // namespace

TraceOutput TraceOutput::create(const std::string& path, const std::vector<std::string>& inputs) {
  if (path.empty()) throw ToolError("the trace path is empty (-t ''): give a file name, e.g. -t run.json");
  TraceOutput out;
  out.path_ = path;

  // An earlier trace at PATH: check it is one we may replace, and that no
  // recorder is writing it now (its lock), before anything changes.
  int old_fd = -1;
  struct stat old {};
  if (::stat(path.c_str(), &old) == 0) {
    if (!S_ISREG(old.st_mode)) throw ToolError(fmt::format("the trace path `{}` exists and is not a regular file", path));
    refuse_inputs(path, old, inputs, "");
    old_fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (old_fd < 0) throw ToolError(fmt::format("cannot open the existing trace `{}`: {}", path, errno_text()));
    if (::flock(old_fd, LOCK_EX | LOCK_NB) != 0) {
      ::close(old_fd);
      throw ToolError(fmt::format("another wasm-rr is recording to `{}` now (the file is locked); choose another "
                                  "trace path with -t",
                                  path));
    }
    out.backup_ = path + "~";
    if (::stat(out.backup_.c_str(), &out.backup_stat_) == 0) refuse_inputs(out.backup_, out.backup_stat_, inputs, " (the backup)");
  } else if (errno != ENOENT) {
    throw ToolError(fmt::format("cannot use the trace path `{}`: {}", path, errno_text()));
  }

  auto [fd, temp] = create_locked_temp(path);
  auto fail = [&, fd = fd, temp = temp](const std::string& message) {
    ::close(fd);
    ::unlink(temp.c_str());
    if (old_fd >= 0) ::close(old_fd);
    throw ToolError(message);
  };
  if (!out.backup_.empty() && ::rename(path.c_str(), out.backup_.c_str()) != 0)
    fail(fmt::format("cannot keep the earlier trace `{}` as `{}`: {}", path, out.backup_, errno_text()));
  if (rename_noreplace(temp, path) != 0)
    fail(errno == EEXIST ? fmt::format("another wasm-rr started recording to `{}` just now", path)
                         : fmt::format("cannot create trace `{}`: {}", path, errno_text()));
  if (old_fd >= 0) ::close(old_fd);
  out.fd_ = fd;
  ::fstat(fd, &out.trace_stat_);
  if (!out.backup_.empty()) ::stat(out.backup_.c_str(), &out.backup_stat_);
  return out;
}

TraceOutput::TraceOutput(TraceOutput&& other) noexcept
    : path_(std::move(other.path_)), backup_(std::move(other.backup_)), fd_(std::exchange(other.fd_, -1)),
      trace_stat_(other.trace_stat_), backup_stat_(other.backup_stat_) {}

TraceOutput::~TraceOutput() {
  if (fd_ >= 0) ::close(fd_);
}

int TraceOutput::release_fd() { return std::exchange(fd_, -1); }

std::vector<struct stat> TraceOutput::files_to_protect() const {
  std::vector<struct stat> files{trace_stat_};
  if (!backup_.empty()) files.push_back(backup_stat_);
  return files;
}

void TraceOutput::abandon() {
  ::unlink(path_.c_str());
  if (!backup_.empty()) ::rename(backup_.c_str(), path_.c_str());
}

void TraceOutput::ended() {
  if (!backup_.empty()) ::unlink(backup_.c_str());
}

}  // namespace wasmrr::cli
