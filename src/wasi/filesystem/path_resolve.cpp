#include "wasi/filesystem/path_resolve.h"

#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <string>
#include <vector>

namespace wasmrr::wasi {
namespace {

constexpr int kMaxSymlinks = 40;     // the kernel's own limit (MAXSYMLINKS)
constexpr int kMaxRenameRetries = 64;  // openat2 EAGAIN: a concurrent rename

// -1: not decided yet; 0: the walk; 1: openat2.
std::atomic<int> g_use_openat2{-1};

// Whether the kernel has openat2 and lets us call it (seccomp filters may
// answer ENOSYS or EPERM for syscalls they do not know).
bool probe_openat2() {
  const char* off = std::getenv("WASMRR_NO_OPENAT2");
  if (off && *off && std::strcmp(off, "0") != 0) return false;
  open_how how{};
  how.flags = O_PATH | O_CLOEXEC;
  how.resolve = RESOLVE_BENEATH;
  long fd = ::syscall(SYS_openat2, AT_FDCWD, ".", &how, sizeof how);
  if (fd < 0) return false;
  ::close(static_cast<int>(fd));
  return true;
}

int fail(int err) {
  errno = err;
  return -1;
}

// Splits a relative path into components, dropping empty ones and ".";
// a final "." is kept when the path ends in "/" or "/." (it must then name a
// directory, and the final open is of "." in it).
std::vector<std::string> split(std::string_view path) {
  std::vector<std::string> out;
  size_t i = 0;
  while (i <= path.size()) {
    size_t j = path.find('/', i);
    if (j == std::string_view::npos) j = path.size();
    std::string_view c = path.substr(i, j - i);
    if (!c.empty() && c != ".") out.emplace_back(c);
    i = j + 1;
  }
  bool dir_suffix = !path.empty() && (path.back() == '/' || path == "." || path.ends_with("/."));
  if (dir_suffix && (out.empty() || out.back() != "..")) out.emplace_back(".");
  return out;
}

// The directories walked through below the root: `..` pops one, and popping
// past the root is an escape. The root itself is borrowed, the rest owned.
class DirStack {
 public:
  explicit DirStack(int root) : root_(root) {}
  ~DirStack() {
    for (int fd : owned_) ::close(fd);
  }
  DirStack(const DirStack&) = delete;
  DirStack& operator=(const DirStack&) = delete;

  int current() const { return owned_.empty() ? root_ : owned_.back(); }
  void push(int fd) { owned_.push_back(fd); }
  bool pop() {
    if (owned_.empty()) return false;
    ::close(owned_.back());
    owned_.pop_back();
    return true;
  }

 private:
  int root_;
  std::vector<int> owned_;
};

// The target of the symlink open as `fd` (O_PATH|O_NOFOLLOW), or "" on error.
std::string read_link(int fd) {
  std::string buf(256, '\0');
  for (;;) {
    ssize_t n = ::readlinkat(fd, "", buf.data(), buf.size());
    if (n < 0) return {};
    if (static_cast<size_t>(n) < buf.size()) return buf.substr(0, static_cast<size_t>(n));
    buf.resize(buf.size() * 2);
  }
}

// Puts a symlink's target in front of the components still to walk.
bool expand_symlink(int link_fd, std::deque<std::string>& todo) {
  std::string target = read_link(link_fd);
  if (target.empty()) {
    if (errno == 0) errno = ENOENT;
    return false;
  }
  if (target.front() == '/') {
    errno = EPERM;  // absolute: always outside the sandbox
    return false;
  }
  std::vector<std::string> parts = split(target);
  // A trailing "." only matters when the link is the last component.
  if (!todo.empty() && !parts.empty() && parts.back() == ".") parts.pop_back();
  todo.insert(todo.begin(), parts.begin(), parts.end());
  return true;
}

int openat_final(int dirfd, const std::string& name, int flags, mode_t mode) {
  return ::openat(dirfd, name.c_str(), flags | O_NOFOLLOW | O_CLOEXEC, mode);
}

int openat2_beneath(int dirfd, std::string_view path, int flags, mode_t mode) {
  std::string p(path);
  open_how how{};
  how.flags = static_cast<uint64_t>(flags | O_CLOEXEC);
  // openat2 refuses a mode without O_CREAT or O_TMPFILE (which includes O_DIRECTORY).
  how.mode = ((flags & O_CREAT) || (flags & O_TMPFILE) == O_TMPFILE) ? mode : 0;
  how.resolve = RESOLVE_BENEATH;
  for (int i = 0; i < kMaxRenameRetries; i++) {
    long fd = ::syscall(SYS_openat2, dirfd, p.c_str(), &how, sizeof how);
    if (fd >= 0) return static_cast<int>(fd);
    if (errno == EINTR || errno == EAGAIN) continue;
    if (errno == EXDEV) errno = EPERM;  // RESOLVE_BENEATH's "escape" answer
    return -1;
  }
  return open_beneath_walk(dirfd, path, flags, mode);  // renames keep racing: walk instead
}

}  // namespace

bool openat2_enabled() {
  int v = g_use_openat2.load();
  if (v < 0) {
    v = probe_openat2() ? 1 : 0;
    g_use_openat2.store(v);
  }
  return v == 1;
}

void set_openat2_enabled(bool enabled) { g_use_openat2.store(enabled ? 1 : 0); }

int open_beneath(int dirfd, std::string_view path, int flags, mode_t mode) {
  if (openat2_enabled()) {
    int fd = openat2_beneath(dirfd, path, flags, mode);
    if (fd >= 0 || errno != ENOSYS) return fd;
    set_openat2_enabled(false);  // e.g. a seccomp filter installed after the probe
  }
  return open_beneath_walk(dirfd, path, flags, mode);
}

int open_beneath_walk(int dirfd, std::string_view path, int flags, mode_t mode) {
  if (path.empty()) return fail(ENOENT);
  if (path.front() == '/') return fail(EPERM);
  std::vector<std::string> parts = split(path);
  std::deque<std::string> todo(parts.begin(), parts.end());
  if (todo.empty()) todo.emplace_back(".");
  // O_CREAT|O_EXCL never follows a final symlink (POSIX); O_NOFOLLOW asks not to.
  const bool follow_last = !(flags & O_NOFOLLOW) && !((flags & O_CREAT) && (flags & O_EXCL));
  DirStack dirs(dirfd);
  int links = 0;
  while (!todo.empty()) {
    std::string name = std::move(todo.front());
    todo.pop_front();
    const bool last = todo.empty();
    if (name == "..") {
      if (!dirs.pop()) return fail(EPERM);
      if (last) return openat_final(dirs.current(), ".", flags, mode);
      continue;
    }
    if (name == "." || (last && !follow_last)) return openat_final(dirs.current(), name, flags, mode);
    int fd = ::openat(dirs.current(), name.c_str(), O_PATH | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0) {
      if (last && errno == ENOENT && (flags & O_CREAT)) return openat_final(dirs.current(), name, flags, mode);
      return -1;
    }
    struct stat st{};
    if (::fstat(fd, &st) != 0) {
      int err = errno;
      ::close(fd);
      return fail(err);
    }
    if (S_ISLNK(st.st_mode)) {
      bool ok = ++links <= kMaxSymlinks && expand_symlink(fd, todo);
      int err = links > kMaxSymlinks ? ELOOP : errno;
      ::close(fd);
      if (!ok) return fail(err);
      continue;
    }
    if (last) {
      // An O_PATH open wants exactly the object just found; anything else is
      // opened again by name, with O_NOFOLLOW so that a symlink swapped in
      // meanwhile fails (ELOOP) instead of being followed.
      if ((flags & O_PATH) && !((flags & O_DIRECTORY) && !S_ISDIR(st.st_mode))) return fd;
      ::close(fd);
      return openat_final(dirs.current(), name, flags, mode);
    }
    if (!S_ISDIR(st.st_mode)) {
      ::close(fd);
      return fail(ENOTDIR);
    }
    dirs.push(fd);
  }
  return fail(ENOENT);  // not reached: the last component returns
}

}  // namespace wasmrr::wasi
