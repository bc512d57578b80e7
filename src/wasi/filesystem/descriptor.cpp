#include "wasi/filesystem/descriptor.h"

#include "abi/unicode.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <set>
#include <climits>
#include <string>

#include "wasi/filesystem/file_stream.h"
#include "wasi/filesystem/path_resolve.h"

namespace wasmrr::wasi {
namespace {

ErrorCode last_error() { return error_code_from_errno(errno); }

// WIT strings are Unicode; a host name that is not UTF-8 cannot cross as one
// (wasmtime answers illegal-byte-sequence for it too).
bool is_utf8(std::string_view s) {
  return abi::unicode::is_valid_utf8(reinterpret_cast<const uint8_t*>(s.data()), s.size());
}

// Host files the guest may not touch (protect_host_file), by device and inode.
std::set<std::pair<dev_t, ino_t>>& protected_files() {
  static std::set<std::pair<dev_t, ino_t>> files;
  return files;
}

bool is_protected(const struct stat& st) { return protected_files().contains({st.st_dev, st.st_ino}); }

// True if `base` in `dirfd` is a protected file itself (a symlink to one is not).
bool names_protected(int dirfd, const std::string& base) {
  struct stat st {};
  return !protected_files().empty() && ::fstatat(dirfd, base.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0 &&
         is_protected(st);
}

FsResult<Unit> check_rc(int rc) {
  if (rc == 0) return Unit{};
  return last_error();
}

// A path's directory, opened beneath the descriptor, and its last component.
// `slash` records a trailing "/" (the object must then be a directory); the
// calls that take a parent and a name (mkdirat, unlinkat, renameat) never
// follow a final symlink, with or without it, so it is passed on to them.
struct Parent {
  std::unique_ptr<OwnedFd> dir;
  std::string base;
  bool slash = false;
  std::string name_with_slash() const { return slash ? base + "/" : base; }
};

FsResult<Parent> resolve_parent(int dirfd, std::string path) {
  if (path.empty()) return ErrorCode::no_entry;
  if (path.front() == '/') return ErrorCode::not_permitted;
  bool slash = false;
  while (path.size() > 1 && path.back() == '/') {
    path.pop_back();
    slash = true;
  }
  auto cut = path.rfind('/');
  std::string dir = cut == std::string::npos ? "." : path.substr(0, cut + 1);
  std::string base = cut == std::string::npos ? path : path.substr(cut + 1);
  // "." and ".." name the directory itself or one above; no *at operation on
  // them is meaningful, and ".." could reach outside the preopen.
  if (base == "." || base == "..") return ErrorCode::invalid;
  int fd = open_beneath(dirfd, dir, O_PATH | O_DIRECTORY);
  if (fd < 0) return last_error();
  return Parent{std::make_unique<OwnedFd>(fd), std::move(base), slash};
}

std::string proc_fd_path(int fd) { return "/proc/self/fd/" + std::to_string(fd); }

DescriptorType type_from_mode(mode_t mode) {
  if (S_ISREG(mode)) return DescriptorType::regular_file;
  if (S_ISDIR(mode)) return DescriptorType::directory;
  if (S_ISLNK(mode)) return DescriptorType::symbolic_link;
  if (S_ISCHR(mode)) return DescriptorType::character_device;
  if (S_ISBLK(mode)) return DescriptorType::block_device;
  if (S_ISFIFO(mode)) return DescriptorType::fifo;
  if (S_ISSOCK(mode)) return DescriptorType::socket;
  return DescriptorType::unknown;
}

std::optional<Datetime> datetime_of(const timespec& ts) {
  if (ts.tv_sec < 0) return std::nullopt;
  return Datetime{static_cast<uint64_t>(ts.tv_sec), static_cast<uint32_t>(ts.tv_nsec)};
}

DescriptorStat stat_of(const struct stat& st) {
  DescriptorStat s;
  s.type = type_from_mode(st.st_mode);
  s.link_count = st.st_nlink;
  s.size = static_cast<uint64_t>(st.st_size);
  s.data_access_timestamp = datetime_of(st.st_atim);
  s.data_modification_timestamp = datetime_of(st.st_mtim);
  s.status_change_timestamp = datetime_of(st.st_ctim);
  return s;
}

FsResult<struct stat> fstat_of(int fd) {
  struct stat st{};
  if (::fstat(fd, &st) != 0) return last_error();
  return st;
}

// Stats `path` beneath `dirfd`, following a final symlink only if asked.
FsResult<struct stat> stat_beneath(int dirfd, const std::string& path, bool follow) {
  int fd = open_beneath(dirfd, path, O_PATH | (follow ? 0 : O_NOFOLLOW));
  if (fd < 0) return last_error();
  OwnedFd owned(fd);
  return fstat_of(fd);
}

timespec timespec_of(const NewTimestamp& t) {
  switch (t.kind) {
    case NewTimestamp::Kind::no_change: return {0, UTIME_OMIT};
    case NewTimestamp::Kind::now: return {0, UTIME_NOW};
    case NewTimestamp::Kind::timestamp: break;
  }
  return {static_cast<time_t>(t.at.seconds), static_cast<long>(t.at.nanoseconds)};
}

// A mixing step (multiply by an odd constant, fold high bits down) so that the
// hash reveals neither inode nor device numbers directly.
uint64_t mix(uint64_t x) {
  x ^= x >> 31;
  x *= 0x9e3779b97f4a7c15ull;
  x ^= x >> 29;
  x *= 0xbf58476d1ce4e5b9ull;
  return x ^ (x >> 32);
}

MetadataHash hash_of(const struct stat& st) {
  uint64_t dev = static_cast<uint64_t>(st.st_dev), ino = static_cast<uint64_t>(st.st_ino);
  return {mix(ino ^ mix(dev)), mix(dev + mix(ino + 1))};
}

int advice_of(Advice a) {
  switch (a) {
    case Advice::normal: return POSIX_FADV_NORMAL;
    case Advice::sequential: return POSIX_FADV_SEQUENTIAL;
    case Advice::random: return POSIX_FADV_RANDOM;
    case Advice::will_need: return POSIX_FADV_WILLNEED;
    case Advice::dont_need: return POSIX_FADV_DONTNEED;
    case Advice::no_reuse: return POSIX_FADV_NOREUSE;
  }
  return POSIX_FADV_NORMAL;
}

int open_mode(const OpenFlags& o, const DescriptorFlags& f) {
  int flags = 0;
  if (f.read && f.write) flags = O_RDWR;
  else if (f.write) flags = O_WRONLY;
  else if (f.read || o.create || o.truncate) flags = O_RDONLY;
  else flags = O_PATH;  // neither read nor write: a handle for stat and *-at only
  if (o.create) flags |= O_CREAT;
  if (o.exclusive) flags |= O_EXCL;
  if (o.truncate) flags |= O_TRUNC;
  if (o.directory) flags |= O_DIRECTORY;
  if (f.file_integrity_sync) flags |= O_SYNC;
  if (f.data_integrity_sync) flags |= O_DSYNC;
  if (f.requested_write_sync) flags |= O_RSYNC;
  return flags;
}

}  // namespace

DirectoryEntryStream::~DirectoryEntryStream() {
  if (dir_) ::closedir(static_cast<DIR*>(dir_));
}

FsResult<std::optional<DirectoryEntry>> DirectoryEntryStream::next() {
  DIR* d = static_cast<DIR*>(dir_);
  for (;;) {
    errno = 0;
    dirent* e = ::readdir(d);
    if (!e) {
      if (errno != 0) return last_error();
      return std::optional<DirectoryEntry>();
    }
    std::string name = e->d_name;
    if (name == "." || name == "..") continue;
    if (!is_utf8(name)) return ErrorCode::illegal_byte_sequence;
    DirectoryEntry entry{DescriptorType::unknown, name};
    if (e->d_type != DT_UNKNOWN) {
      entry.type = type_from_mode(DTTOIF(e->d_type));
    } else if (struct stat st{}; ::fstatat(::dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0) {
      entry.type = type_from_mode(st.st_mode);
    }
    return std::optional<DirectoryEntry>(std::move(entry));
  }
}

FsResult<std::shared_ptr<Descriptor>> Descriptor::open_directory(const std::string& host_path, bool read_only) {
  int fd = ::open(host_path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return last_error();
  DescriptorFlags flags;
  flags.read = true;
  flags.mutate_directory = !read_only;
  return std::make_shared<Descriptor>(std::make_shared<OwnedFd>(fd), flags, true, !read_only);
}

FsResult<Unit> Descriptor::need_directory() const {
  if (!is_directory_) return ErrorCode::not_directory;
  return Unit{};
}

FsResult<Unit> Descriptor::need_mutate() const {
  if (!is_directory_) return ErrorCode::not_directory;
  if (!flags_.mutate_directory) return ErrorCode::not_permitted;
  return Unit{};
}

FsResult<std::shared_ptr<InputStream>> Descriptor::read_via_stream(uint64_t offset) {
  if (!flags_.read) return ErrorCode::bad_descriptor;
  if (is_directory_) return ErrorCode::is_directory;
  return std::shared_ptr<InputStream>(std::make_shared<FileInputStream>(fd_, offset));
}

FsResult<std::shared_ptr<OutputStream>> Descriptor::write_via_stream(uint64_t offset) {
  if (!flags_.write) return ErrorCode::bad_descriptor;
  if (is_directory_) return ErrorCode::is_directory;
  return std::shared_ptr<OutputStream>(std::make_shared<FileOutputStream>(fd_, offset));
}

FsResult<std::shared_ptr<OutputStream>> Descriptor::append_via_stream() {
  if (!flags_.write) return ErrorCode::bad_descriptor;
  if (is_directory_) return ErrorCode::is_directory;
  return std::shared_ptr<OutputStream>(std::make_shared<FileOutputStream>(fd_, std::nullopt));
}

FsResult<Unit> Descriptor::advise(uint64_t offset, uint64_t length, Advice advice) {
  if (is_directory_) return ErrorCode::is_directory;
  int err = ::posix_fadvise(fd_->get(), static_cast<off_t>(offset), static_cast<off_t>(length), advice_of(advice));
  if (err != 0) return error_code_from_errno(err);
  return Unit{};
}

FsResult<Unit> Descriptor::sync_data() { return check_rc(::fdatasync(fd_->get())); }
FsResult<Unit> Descriptor::sync() { return check_rc(::fsync(fd_->get())); }

FsResult<DescriptorType> Descriptor::get_type() {
  auto st = fstat_of(fd_->get());
  if (!st.ok()) return st.error();
  return type_from_mode(st.value().st_mode);
}

FsResult<Unit> Descriptor::set_size(uint64_t size) {
  if (is_directory_) return ErrorCode::is_directory;
  if (!flags_.write) return ErrorCode::bad_descriptor;
  if (size > static_cast<uint64_t>(LLONG_MAX)) return ErrorCode::file_too_large;
  return check_rc(::ftruncate(fd_->get(), static_cast<off_t>(size)));
}

FsResult<Unit> Descriptor::set_times(NewTimestamp atime, NewTimestamp mtime) {
  if (!tree_writable_) return ErrorCode::not_permitted;
  const timespec ts[2] = {timespec_of(atime), timespec_of(mtime)};
  if (::futimens(fd_->get(), ts) == 0) return Unit{};
  if (errno != EBADF) return last_error();
  // An O_PATH descriptor (opened without read or write): through /proc.
  return check_rc(::utimensat(AT_FDCWD, proc_fd_path(fd_->get()).c_str(), ts, 0));
}

FsResult<std::pair<std::string, bool>> Descriptor::read(uint64_t length, uint64_t offset) {
  if (!flags_.read) return ErrorCode::bad_descriptor;
  if (is_directory_) return ErrorCode::is_directory;
  if (length == 0) return std::pair<std::string, bool>{};
  // A short read is allowed (eof says whether more follows): cap the buffer.
  ReadOutcome r = read_fd(fd_->get(), static_cast<size_t>(std::min(length, kMaxIoChunk)), true, offset);
  if (r.status == ReadOutcome::Status::error) return error_code_from_errno(r.err);
  bool eof = r.status == ReadOutcome::Status::eof;
  return std::pair<std::string, bool>{std::move(r.bytes), eof};
}

FsResult<uint64_t> Descriptor::write(std::string_view buffer, uint64_t offset) {
  if (!flags_.write) return ErrorCode::bad_descriptor;
  if (is_directory_) return ErrorCode::is_directory;
  if (int err = write_all(fd_->get(), buffer, offset); err != 0) return error_code_from_errno(err);
  return uint64_t{buffer.size()};
}

FsResult<std::shared_ptr<DirectoryEntryStream>> Descriptor::read_directory() {
  if (auto r = need_directory(); !r.ok()) return r.error();
  if (!flags_.read) return ErrorCode::bad_descriptor;
  // A fresh open file description, so every listing starts at the beginning.
  int fd = ::openat(fd_->get(), ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return last_error();
  DIR* d = ::fdopendir(fd);
  if (!d) {
    ErrorCode code = last_error();
    ::close(fd);
    return code;
  }
  return std::make_shared<DirectoryEntryStream>(d);
}

FsResult<Unit> Descriptor::create_directory_at(const std::string& path) {
  if (auto r = need_mutate(); !r.ok()) return r;
  auto p = resolve_parent(fd_->get(), path);
  if (!p.ok()) return p.error() == ErrorCode::invalid ? ErrorCode::exist : p.error();
  return check_rc(::mkdirat(p.value().dir->get(), p.value().name_with_slash().c_str(), 0777));
}

FsResult<DescriptorStat> Descriptor::stat() {
  auto st = fstat_of(fd_->get());
  if (!st.ok()) return st.error();
  return stat_of(st.value());
}

FsResult<DescriptorStat> Descriptor::stat_at(bool follow, const std::string& path) {
  if (auto r = need_directory(); !r.ok()) return r.error();
  auto st = stat_beneath(fd_->get(), path, follow);
  if (!st.ok()) return st.error();
  return stat_of(st.value());
}

FsResult<Unit> Descriptor::set_times_at(bool follow, const std::string& path, NewTimestamp atime,
                                        NewTimestamp mtime) {
  if (auto r = need_mutate(); !r.ok()) return r;
  const timespec ts[2] = {timespec_of(atime), timespec_of(mtime)};
  int fd = open_beneath(fd_->get(), path, O_PATH | (follow ? 0 : O_NOFOLLOW));
  if (fd < 0) return last_error();
  OwnedFd target(fd);
  if (follow) return check_rc(::utimensat(AT_FDCWD, proc_fd_path(fd).c_str(), ts, 0));
  // A symlink itself: name it through its (confined) parent.
  auto p = resolve_parent(fd_->get(), path);
  if (!p.ok()) return p.error();
  return check_rc(::utimensat(p.value().dir->get(), p.value().base.c_str(), ts, AT_SYMLINK_NOFOLLOW));
}

FsResult<Unit> Descriptor::link_at(bool follow, const std::string& old_path, Descriptor& new_dir,
                                   const std::string& new_path) {
  // The source must be changeable too: a hard link from a read-only preopen
  // into a writable one would make its file writable.
  if (auto r = need_mutate(); !r.ok()) return r;
  if (auto r = new_dir.need_mutate(); !r.ok()) return r;
  auto to = resolve_parent(new_dir.fd_->get(), new_path);
  if (!to.ok()) return to.error();
  if (follow) {
    int fd = open_beneath(fd_->get(), old_path, O_PATH);
    if (fd < 0) return last_error();
    OwnedFd target(fd);
    if (auto st = fstat_of(fd); st.ok() && is_protected(st.value())) return ErrorCode::not_permitted;
    return check_rc(::linkat(AT_FDCWD, proc_fd_path(fd).c_str(), to.value().dir->get(), to.value().base.c_str(),
                             AT_SYMLINK_FOLLOW));
  }
  auto from = resolve_parent(fd_->get(), old_path);
  if (!from.ok()) return from.error();
  if (names_protected(from.value().dir->get(), from.value().base)) return ErrorCode::not_permitted;
  return check_rc(::linkat(from.value().dir->get(), from.value().base.c_str(), to.value().dir->get(),
                           to.value().base.c_str(), 0));
}

FsResult<std::shared_ptr<Descriptor>> Descriptor::open_at(bool follow, const std::string& path, OpenFlags open_flags,
                                                          DescriptorFlags flags) {
  if (auto r = need_directory(); !r.ok()) return r.error();
  // Linux before 6.4 would create a regular file for O_CREAT|O_DIRECTORY.
  if (open_flags.directory && (open_flags.create || open_flags.exclusive || open_flags.truncate))
    return ErrorCode::invalid;
  bool mutates = open_flags.create || open_flags.truncate || flags.write || flags.mutate_directory;
  if (mutates && !flags_.mutate_directory) return ErrorCode::not_permitted;
  if (!protected_files().empty()) {  // checked before O_TRUNC could act, and again on what was opened
    auto before = stat_beneath(fd_->get(), path, follow);
    if (before.ok() && is_protected(before.value())) return ErrorCode::not_permitted;
  }
  int fd = open_beneath(fd_->get(), path, open_mode(open_flags, flags) | (follow ? 0 : O_NOFOLLOW), 0666);
  if (fd < 0) return last_error();
  auto owned = std::make_shared<OwnedFd>(fd);
  auto st = fstat_of(fd);
  if (!st.ok()) return st.error();
  if (is_protected(st.value())) return ErrorCode::not_permitted;
  bool is_dir = S_ISDIR(st.value().st_mode);
  // A subdirectory may be changed exactly when its parent may.
  flags.mutate_directory = is_dir && flags_.mutate_directory;
  return std::make_shared<Descriptor>(std::move(owned), flags, is_dir, flags_.mutate_directory);
}

FsResult<std::string> Descriptor::readlink_at(const std::string& path) {
  if (auto r = need_directory(); !r.ok()) return r.error();
  auto p = resolve_parent(fd_->get(), path);
  if (!p.ok()) return p.error();
  std::string buf(256, '\0');
  for (;;) {
    ssize_t n = ::readlinkat(p.value().dir->get(), p.value().base.c_str(), buf.data(), buf.size());
    if (n < 0) return last_error();
    if (static_cast<size_t>(n) < buf.size()) {
      buf.resize(static_cast<size_t>(n));
      if (!is_utf8(buf)) return ErrorCode::illegal_byte_sequence;
      return buf;
    }
    buf.resize(buf.size() * 2);  // possibly truncated: try again with more room
  }
}

FsResult<Unit> Descriptor::remove_directory_at(const std::string& path) {
  if (auto r = need_mutate(); !r.ok()) return r;
  auto p = resolve_parent(fd_->get(), path);
  if (!p.ok()) return p.error();
  return check_rc(::unlinkat(p.value().dir->get(), p.value().name_with_slash().c_str(), AT_REMOVEDIR));
}

FsResult<Unit> Descriptor::rename_at(const std::string& old_path, Descriptor& new_dir, const std::string& new_path) {
  if (auto r = need_mutate(); !r.ok()) return r;
  if (auto r = new_dir.need_mutate(); !r.ok()) return r;
  auto from = resolve_parent(fd_->get(), old_path);
  if (!from.ok()) return from.error();
  auto to = resolve_parent(new_dir.fd_->get(), new_path);
  if (!to.ok()) return to.error();
  if (names_protected(from.value().dir->get(), from.value().base) || names_protected(to.value().dir->get(), to.value().base))
    return ErrorCode::not_permitted;
  return check_rc(::renameat(from.value().dir->get(), from.value().name_with_slash().c_str(), to.value().dir->get(),
                             to.value().name_with_slash().c_str()));
}

FsResult<Unit> Descriptor::symlink_at(const std::string& old_path, const std::string& new_path) {
  if (auto r = need_mutate(); !r.ok()) return r;
  // An absolute target could only ever resolve outside the sandbox.
  if (!old_path.empty() && old_path.front() == '/') return ErrorCode::not_permitted;
  auto p = resolve_parent(fd_->get(), new_path);
  if (!p.ok()) return p.error();
  return check_rc(::symlinkat(old_path.c_str(), p.value().dir->get(), p.value().name_with_slash().c_str()));
}

FsResult<Unit> Descriptor::unlink_file_at(const std::string& path) {
  if (auto r = need_mutate(); !r.ok()) return r;
  auto p = resolve_parent(fd_->get(), path);
  if (!p.ok()) return p.error();
  if (names_protected(p.value().dir->get(), p.value().base)) return ErrorCode::not_permitted;
  return check_rc(::unlinkat(p.value().dir->get(), p.value().name_with_slash().c_str(), 0));
}

bool Descriptor::is_same_object(Descriptor& other) {
  auto a = fstat_of(fd_->get());
  auto b = fstat_of(other.fd_->get());
  return a.ok() && b.ok() && a.value().st_dev == b.value().st_dev && a.value().st_ino == b.value().st_ino;
}

FsResult<MetadataHash> Descriptor::metadata_hash() {
  auto st = fstat_of(fd_->get());
  if (!st.ok()) return st.error();
  return hash_of(st.value());
}

FsResult<MetadataHash> Descriptor::metadata_hash_at(bool follow, const std::string& path) {
  if (auto r = need_directory(); !r.ok()) return r.error();
  auto st = stat_beneath(fd_->get(), path, follow);
  if (!st.ok()) return st.error();
  return hash_of(st.value());
}

void protect_host_file(const struct stat& st) { protected_files().insert({st.st_dev, st.st_ino}); }

}  // namespace wasmrr::wasi
