#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <optional>
#include <utility>

#include <fmt/format.h>

#include "cli/options.h"
#include "trace/reader.h"
#include "trace/writer.h"

namespace wasmrr::cli {

namespace {

// The temporary file convert writes before renaming it over OUT; removed
// unless kept.
class TempFile {
 public:
  explicit TempFile(const std::string& target) {
    std::filesystem::path t(target);
    std::string dir = t.has_parent_path() ? t.parent_path().string() : ".";
    path_ = dir + "/." + t.filename().string() + ".wasm-rr-XXXXXX";
    fd_ = ::mkostemp(path_.data(), O_CLOEXEC);
    if (fd_ < 0) throw ToolError(fmt::format("cannot create a temporary file next to `{}`: {}", target, std::strerror(errno)));
  }
  ~TempFile() {
    if (fd_ >= 0) ::close(fd_);
    if (!kept_) ::unlink(path_.c_str());
  }
  int release_fd() { return std::exchange(fd_, -1); }
  const std::string& path() const { return path_; }
  void keep() { kept_ = true; }

 private:
  std::string path_;
  int fd_ = -1;
  bool kept_ = false;
};

mode_t new_file_mode() {
  mode_t mask = ::umask(0);
  ::umask(mask);
  return 0666 & ~mask;
}

}  // namespace

// Copies every element; the data model is the same in both formats, so the
// conversion is lossless and a round trip gives back the same bytes (of the
// uncompressed trace: compressing and decompressing, .json <-> .json.zst,
// gives back the same elements encoded the same way). IN may
// be `-` (stdin), a pipe or a FIFO. OUT `-` is stdout. Otherwise OUT is
// written atomically: to a temporary file in its directory, renamed over OUT
// once complete, so a failed convert leaves an existing OUT as it was and no
// partial one.
int convert_command(const ConvertOptions& opts) {
  bool to_stdout = opts.out_path == "-";
  Result<trace::TraceFormat> format = trace::TraceFormat{};  // JSON
  if (!opts.format.empty()) format = trace::format_from_name(opts.format);
  else if (!to_stdout) format = trace::format_from_path(opts.out_path);
  if (!format) throw ToolError(format.error().message);

  auto reader = trace::TraceReader::open(opts.in_path);
  if (!reader) throw ToolError(reader.error().message);

  // OUT as the file it names: through symlinks, compared with IN by device
  // and inode (hard links, other spellings).
  std::string target = opts.out_path;
  bool atomic = !to_stdout;
  if (!to_stdout) {
    struct stat in_st {}, out_st {};
    bool in_ok = opts.in_path == "-" ? ::fstat(STDIN_FILENO, &in_st) == 0 : ::stat(opts.in_path.c_str(), &in_st) == 0;
    if (::stat(opts.out_path.c_str(), &out_st) == 0) {
      if (in_ok && in_st.st_dev == out_st.st_dev && in_st.st_ino == out_st.st_ino)
        throw ToolError(fmt::format("`{}` is the same file as `{}`: convert to another file", opts.out_path, opts.in_path));
      if (S_ISDIR(out_st.st_mode)) throw ToolError(fmt::format("cannot write trace `{}`: it is a directory", opts.out_path));
      if (!S_ISREG(out_st.st_mode)) atomic = false;  // a device or a FIFO: write to it as it is
      std::error_code ec;
      if (atomic && std::filesystem::is_symlink(opts.out_path, ec)) {
        auto resolved = std::filesystem::canonical(opts.out_path, ec);  // replace the link's target, keep the link
        if (!ec) target = resolved.string();
      }
    }
  }

  std::unique_ptr<trace::TraceWriter> writer;
  std::optional<TempFile> temp;
  if (to_stdout) {
    int fd = ::dup(STDOUT_FILENO);
    if (fd < 0) throw ToolError(fmt::format("cannot write to stdout: {}", std::strerror(errno)));
    writer = trace::TraceWriter::adopt(fd, "-", *format);
  } else if (atomic) {
    temp.emplace(target);
    struct stat out_st {};
    mode_t mode = ::stat(target.c_str(), &out_st) == 0 ? (out_st.st_mode & 07777) : new_file_mode();
    int fd = temp->release_fd();
    ::fchmod(fd, mode);
    writer = trace::TraceWriter::adopt(fd, temp->path(), *format);
  } else {
    auto created = trace::TraceWriter::create(opts.out_path, *format);
    if (!created) throw ToolError(created.error().message);
    writer = std::move(*created);
  }

  uint64_t count = 0;
  while (true) {
    auto el = (*reader)->next();
    if (!el) throw ToolError(el.error().message);  // the temporary file goes, OUT stays as it was
    if (!*el) break;
    writer->write(**el);
    count++;
  }
  if (auto r = writer->close(); !r) throw ToolError(r.error().message);
  if (temp) {
    if (::rename(temp->path().c_str(), target.c_str()) != 0)
      throw ToolError(fmt::format("cannot write trace `{}`: {}", opts.out_path, std::strerror(errno)));
    temp->keep();
  }
  if ((*reader)->truncated())
    fmt::print(stderr, "wasm-rr: warning: `{}` is truncated (an unfinished recording); converted its {} complete elements\n",
               opts.in_path, count);
  return 0;
}

}  // namespace wasmrr::cli
