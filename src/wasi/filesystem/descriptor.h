// wasi:filesystem, host side: descriptors over directory and file fds, with
// every path resolved beneath the descriptor's directory (path_resolve.h), so
// a guest cannot leave its preopened directories. A read-only preopen refuses
// every change (not-permitted), and so does everything opened through it.
// All results are WIT values: ErrorCode errors come from errno.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>

#include <sys/stat.h>

#include "wasi/common/clock.h"
#include "wasi/common/fd_io.h"
#include "wasi/common/outcome.h"
#include "wasi/filesystem/error_code.h"
#include "wasi/io/stream.h"

namespace wasmrr::wasi {

template <typename T>
using FsResult = Outcome<T, ErrorCode>;

// Enumerators in WIT declaration order.
enum class DescriptorType : uint8_t {
  unknown, block_device, character_device, directory, fifo, symbolic_link, regular_file, socket,
};
enum class Advice : uint8_t { normal, sequential, random, will_need, dont_need, no_reuse };

struct DescriptorFlags {
  bool read = false;
  bool write = false;
  bool file_integrity_sync = false;
  bool data_integrity_sync = false;
  bool requested_write_sync = false;
  bool mutate_directory = false;
};

struct OpenFlags {
  bool create = false;
  bool directory = false;
  bool exclusive = false;
  bool truncate = false;
};

struct DescriptorStat {
  DescriptorType type = DescriptorType::unknown;
  uint64_t link_count = 0;
  uint64_t size = 0;
  std::optional<Datetime> data_access_timestamp;
  std::optional<Datetime> data_modification_timestamp;
  std::optional<Datetime> status_change_timestamp;
};

struct NewTimestamp {
  enum class Kind { no_change, now, timestamp };
  Kind kind = Kind::no_change;
  Datetime at;
};

struct DirectoryEntry {
  DescriptorType type = DescriptorType::unknown;
  std::string name;
};

struct MetadataHash {
  uint64_t lower = 0;
  uint64_t upper = 0;
};

// Makes a host file untouchable for the guest wherever it appears in its
// preopens (the trace being recorded, and the one it replaces): opening it,
// renaming it or something onto it, linking and removing it all answer
// not-permitted. Call before the guest starts.
void protect_host_file(const struct stat& st);

class DirectoryEntryStream {
 public:
  explicit DirectoryEntryStream(void* dir) : dir_(dir) {}  // a DIR*
  ~DirectoryEntryStream();
  DirectoryEntryStream(const DirectoryEntryStream&) = delete;
  DirectoryEntryStream& operator=(const DirectoryEntryStream&) = delete;
  FsResult<std::optional<DirectoryEntry>> next();

 private:
  void* dir_;
};

class Descriptor {
 public:
  // `tree_writable`: the descriptor lies in a preopen the guest may change
  // (not one granted read-only), whatever mode it was opened in.
  Descriptor(std::shared_ptr<OwnedFd> fd, DescriptorFlags flags, bool is_directory, bool tree_writable)
      : fd_(std::move(fd)), flags_(flags), is_directory_(is_directory), tree_writable_(tree_writable) {}

  // Opens a host directory as a preopen.
  static FsResult<std::shared_ptr<Descriptor>> open_directory(const std::string& host_path, bool read_only);

  FsResult<std::shared_ptr<InputStream>> read_via_stream(uint64_t offset);
  FsResult<std::shared_ptr<OutputStream>> write_via_stream(uint64_t offset);
  FsResult<std::shared_ptr<OutputStream>> append_via_stream();
  FsResult<Unit> advise(uint64_t offset, uint64_t length, Advice advice);
  FsResult<Unit> sync_data();
  FsResult<DescriptorFlags> get_flags() const { return flags_; }
  FsResult<DescriptorType> get_type();
  FsResult<Unit> set_size(uint64_t size);
  FsResult<Unit> set_times(NewTimestamp atime, NewTimestamp mtime);
  FsResult<std::pair<std::string, bool>> read(uint64_t length, uint64_t offset);
  FsResult<uint64_t> write(std::string_view buffer, uint64_t offset);
  FsResult<std::shared_ptr<DirectoryEntryStream>> read_directory();
  FsResult<Unit> sync();
  FsResult<Unit> create_directory_at(const std::string& path);
  FsResult<DescriptorStat> stat();
  FsResult<DescriptorStat> stat_at(bool follow, const std::string& path);
  FsResult<Unit> set_times_at(bool follow, const std::string& path, NewTimestamp atime, NewTimestamp mtime);
  FsResult<Unit> link_at(bool follow, const std::string& old_path, Descriptor& new_dir, const std::string& new_path);
  FsResult<std::shared_ptr<Descriptor>> open_at(bool follow, const std::string& path, OpenFlags open_flags,
                                                DescriptorFlags flags);
  FsResult<std::string> readlink_at(const std::string& path);
  FsResult<Unit> remove_directory_at(const std::string& path);
  FsResult<Unit> rename_at(const std::string& old_path, Descriptor& new_dir, const std::string& new_path);
  FsResult<Unit> symlink_at(const std::string& old_path, const std::string& new_path);
  FsResult<Unit> unlink_file_at(const std::string& path);
  bool is_same_object(Descriptor& other);
  FsResult<MetadataHash> metadata_hash();
  FsResult<MetadataHash> metadata_hash_at(bool follow, const std::string& path);

 private:
  FsResult<Unit> need_directory() const;
  FsResult<Unit> need_mutate() const;

  std::shared_ptr<OwnedFd> fd_;
  DescriptorFlags flags_;
  bool is_directory_;
  bool tree_writable_;
};

}  // namespace wasmrr::wasi
