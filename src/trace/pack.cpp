#include "trace/pack.h"

#include "trace/archive_api.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <ctime>
#include <filesystem>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace wasmrr::trace {

namespace {

// The manifest is small; anything larger is not a manifest of ours.
constexpr uint64_t kMaxManifestBytes = 64 << 10;

std::string archive_message(archive* a) {
  const char* m = archive_api().error_string(a);
  return m ? m : "unknown error";
}

nlohmann::ordered_json manifest_json(const PackManifest& m) {
  return {{"format", kPackFormatName}, {"version", kPackFormatVersion},     {"component", m.component},
          {"component_sha256", m.component_sha256}, {"trace", m.trace}, {"wasm_rr_version", m.wasm_rr_version}};
}

Result<PackManifest> parse_manifest(std::string_view text, const std::string& pack) {
  auto bad = [&](std::string_view why) {
    return make_error(fmt::format("`{}` is not a valid wasm-rr pack: its manifest {}", pack, why));
  };
  auto j = nlohmann::json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return bad("is not a JSON object");
  if (j.value("format", "") != kPackFormatName) return bad("does not say \"format\": \"wasm-rr-pack\"");
  if (!j.contains("version") || !j["version"].is_number_integer()) return bad("has no version");
  if (j["version"].get<int64_t>() != kPackFormatVersion)
    return make_error(fmt::format("`{}` is a wasm-rr pack of version {}; this wasm-rr reads version {}", pack,
                                  j["version"].get<int64_t>(), kPackFormatVersion));
  PackManifest m;
  for (auto [field, value] : {std::pair{"component", &m.component}, {"component_sha256", &m.component_sha256},
                              {"trace", &m.trace}, {"wasm_rr_version", &m.wasm_rr_version}}) {
    if (!j.contains(field) || !j[field].is_string()) return bad(fmt::format("has no \"{}\"", field));
    *value = j[field].get<std::string>();
  }
  if (m.component.empty() || m.trace.empty() || m.component == m.trace || m.component == kPackManifestName ||
      m.trace == kPackManifestName)
    return bad("names its members wrongly");
  return m;
}

// An archive being written to a file descriptor.
class ArchiveWriter {
 public:
  explicit ArchiveWriter(int fd) : a_(archive_api().write_new()) {
    archive_api().write_set_format_pax_restricted(a_);
    ok_ = archive_api().write_open_fd(a_, fd) == ARCHIVE_OK;
  }
  ~ArchiveWriter() { archive_api().write_free(a_); }
  ArchiveWriter(const ArchiveWriter&) = delete;
  ArchiveWriter& operator=(const ArchiveWriter&) = delete;

  Result<void> begin(const std::string& name, uint64_t size) {
    if (!ok_) return make_error(archive_message(a_));
    archive_entry* e = archive_api().entry_new();
    archive_api().entry_set_pathname(e, name.c_str());
    archive_api().entry_set_size(e, static_cast<la_int64_t>(size));
    archive_api().entry_set_filetype(e, AE_IFREG);
    archive_api().entry_set_perm(e, 0644);
    archive_api().entry_set_mtime(e, std::time(nullptr), 0);
    int r = archive_api().write_header(a_, e);
    archive_api().entry_free(e);
    if (r != ARCHIVE_OK) return make_error(archive_message(a_));
    return {};
  }
  Result<void> data(const void* bytes, size_t n) {
    for (size_t done = 0; done < n;) {
      la_ssize_t w = archive_api().write_data(a_, static_cast<const char*>(bytes) + done, n - done);
      if (w <= 0) return make_error(archive_message(a_));
      done += static_cast<size_t>(w);
    }
    return {};
  }
  Result<void> close() {
    if (archive_api().write_close(a_) != ARCHIVE_OK) return make_error(archive_message(a_));
    return {};
  }

 private:
  archive* a_;
  bool ok_;
};

Result<void> copy_file_into(ArchiveWriter& w, const std::string& path, uint64_t size) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return make_error(fmt::format("cannot open `{}`: {}", path, std::strerror(errno)));
  char buf[1 << 16];
  uint64_t copied = 0;
  Result<void> result;
  while (copied < size) {
    ssize_t got = ::read(fd, buf, std::min<uint64_t>(sizeof buf, size - copied));
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0) {
      result = make_error(fmt::format("reading `{}`: {}", path, got < 0 ? std::strerror(errno) : "it shrank while being packed"));
      break;
    }
    if (auto r = w.data(buf, static_cast<size_t>(got)); !r) {
      result = r;
      break;
    }
    copied += static_cast<uint64_t>(got);
  }
  ::close(fd);
  return result;
}

Result<void> write_members(int fd, const PackManifest& manifest, std::span<const uint8_t> component,
                           const std::string& trace_path, uint64_t trace_size) {
  ArchiveWriter w(fd);
  std::string manifest_text = manifest_json(manifest).dump(2) + "\n";
  if (auto r = w.begin(kPackManifestName, manifest_text.size()); !r) return r;
  if (auto r = w.data(manifest_text.data(), manifest_text.size()); !r) return r;
  if (auto r = w.begin(manifest.component, component.size()); !r) return r;
  if (auto r = w.data(component.data(), component.size()); !r) return r;
  if (auto r = w.begin(manifest.trace, trace_size); !r) return r;
  if (auto r = copy_file_into(w, trace_path, trace_size); !r) return r;
  return w.close();
}

}  // namespace

bool looks_like_tar(std::string_view first_block) {
  return first_block.size() >= 262 && first_block.substr(257, 5) == "ustar";
}

bool is_pack_file(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0) return false;
  struct stat st {};
  char block[kTarBlock];
  ssize_t got = ::fstat(fd, &st) == 0 && S_ISREG(st.st_mode) ? ::read(fd, block, sizeof block) : -1;
  ::close(fd);
  return got > 0 && looks_like_tar(std::string_view(block, static_cast<size_t>(got)));
}

Result<void> write_pack(const std::string& out_path, const PackManifest& manifest, std::span<const uint8_t> component,
                        const std::string& trace_path) {
  struct stat st {};
  if (::stat(trace_path.c_str(), &st) != 0)
    return make_error(fmt::format("cannot read trace `{}`: {}", trace_path, std::strerror(errno)));
  if (!S_ISREG(st.st_mode)) return make_error(fmt::format("trace `{}` is not a regular file: a pack needs its size", trace_path));
  std::filesystem::path out(out_path);
  std::string tmp = (out.parent_path().empty() ? std::filesystem::path(".") : out.parent_path()) /
                    ("." + out.filename().string() + ".XXXXXX");
  int fd = ::mkstemp(tmp.data());
  if (fd < 0) return make_error(fmt::format("cannot write `{}`: {}", out_path, std::strerror(errno)));
  ::fchmod(fd, 0644);
  auto r = write_members(fd, manifest, component, trace_path, static_cast<uint64_t>(st.st_size));
  if (r && ::fsync(fd) != 0) r = make_error(fmt::format("cannot write `{}`: {}", out_path, std::strerror(errno)));
  ::close(fd);
  if (r && ::rename(tmp.c_str(), out_path.c_str()) != 0)
    r = make_error(fmt::format("cannot write `{}`: {}", out_path, std::strerror(errno)));
  if (!r) {
    ::unlink(tmp.c_str());
    return make_error(fmt::format("writing pack `{}`: {}", out_path, r.error().message));
  }
  return {};
}

// libarchive reading from a RawInput.
struct PackReader::Archive {
  explicit Archive(std::unique_ptr<RawInput> in) : input(std::move(in)), a(archive_api().read_new()) {
    archive_api().read_support_format_tar(a);
  }
  ~Archive() { archive_api().read_free(a); }
  Archive(const Archive&) = delete;
  Archive& operator=(const Archive&) = delete;

  static la_ssize_t read_callback(archive* a, void* self, const void** buffer) {
    auto* me = static_cast<Archive*>(self);
    ssize_t got = me->input->read(me->chunk, sizeof me->chunk);
    if (got < 0) {
      archive_api().set_error(a, EIO, "%s", me->input->error().c_str());
      return -1;
    }
    *buffer = me->chunk;
    return got;
  }
  bool open() { return archive_api().read_open(a, this, nullptr, read_callback, nullptr) == ARCHIVE_OK; }

  std::unique_ptr<RawInput> input;
  archive* a;
  char chunk[1 << 16];
};

PackReader::PackReader(std::unique_ptr<Archive> archive, std::string name)
    : archive_(std::move(archive)), name_(std::move(name)) {}
PackReader::~PackReader() = default;

Result<std::unique_ptr<PackReader>> PackReader::open(std::unique_ptr<RawInput> input, std::string name) {
  auto archive = std::make_unique<Archive>(std::move(input));
  if (!archive->open()) return make_error(fmt::format("cannot read pack `{}`: {}", name, archive_message(archive->a)));
  auto reader = std::unique_ptr<PackReader>(new PackReader(std::move(archive), std::move(name)));
  archive_entry* entry = nullptr;
  int r = archive_api().read_next_header(reader->archive_->a, &entry);
  if (r != ARCHIVE_OK && r != ARCHIVE_WARN)
    return make_error(fmt::format("cannot read pack `{}`: {}", reader->name_, archive_message(reader->archive_->a)));
  if (std::string_view(archive_api().entry_pathname(entry) ? archive_api().entry_pathname(entry) : "") != kPackManifestName)
    return make_error(fmt::format("`{}` is a tar archive but not a wasm-rr pack (its first member is not {})",
                                  reader->name_, kPackManifestName));
  reader->current_ = kPackManifestName;
  auto text = reader->read_small(kMaxManifestBytes, "manifest");
  if (!text) return text.error();
  auto manifest = parse_manifest(*text, reader->name_);
  if (!manifest) return manifest.error();
  reader->manifest_ = *manifest;
  return reader;
}

Result<void> PackReader::seek(const std::string& member) {
  while (current_ != member) {
    archive_entry* entry = nullptr;
    int r = archive_api().read_next_header(archive_->a, &entry);
    if (r == ARCHIVE_EOF)
      return make_error(fmt::format("pack `{}` has no member `{}` (it was cut short?)", name_, member));
    if (r != ARCHIVE_OK && r != ARCHIVE_WARN)
      return make_error(fmt::format("cannot read pack `{}`: {}", name_, archive_message(archive_->a)));
    const char* path = archive_api().entry_pathname(entry);
    current_ = path ? path : "";
    current_size_ = archive_api().entry_size_is_set(entry) ? static_cast<uint64_t>(archive_api().entry_size(entry)) : 0;
  }
  return {};
}

Result<std::string> PackReader::read_small(uint64_t max_bytes, const char* what) {
  std::string out;
  char buf[1 << 16];
  while (true) {
    la_ssize_t got = archive_api().read_data(archive_->a, buf, sizeof buf);
    if (got < 0) return make_error(fmt::format("cannot read the {} in pack `{}`: {}", what, name_, archive_message(archive_->a)));
    if (got == 0) return out;
    out.append(buf, static_cast<size_t>(got));
    if (out.size() > max_bytes)
      return make_error(fmt::format("the {} in pack `{}` is larger than {} MiB", what, name_, std::max<uint64_t>(max_bytes >> 20, 1)));
  }
}

Result<std::vector<uint8_t>> PackReader::read_component(uint64_t max_bytes) {
  if (auto r = seek(manifest_.component); !r) return r.error();
  auto text = read_small(max_bytes, "component");
  if (!text) return text.error();
  return std::vector<uint8_t>(text->begin(), text->end());
}

namespace {
// The trace member's bytes, as they come out of the archive.
class PackMemberInput final : public RawInput {
 public:
  using Reader = std::unique_ptr<PackReader>;
  PackMemberInput(Reader reader, archive* a) : reader_(std::move(reader)), a_(a) {}
  ssize_t read(char* buf, size_t n) override {
    la_ssize_t got = archive_api().read_data(a_, buf, n);
    return got < 0 ? -1 : static_cast<ssize_t>(got);
  }
  std::string error() const override { return archive_message(a_); }

 private:
  Reader reader_;
  archive* a_;
};
}  // namespace

Result<PackReader::TraceMember> PackReader::trace_input(std::unique_ptr<PackReader> reader) {
  if (auto r = reader->seek(reader->manifest_.trace); !r) return r.error();
  archive* a = reader->archive_->a;
  uint64_t size = reader->current_size_;
  return TraceMember{std::make_unique<PackMemberInput>(std::move(reader), a), size};
}


Result<PackedComponent> read_packed_component(const std::string& path, uint64_t max_bytes) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return make_error(fmt::format("cannot open `{}`: {}", path, std::strerror(errno)));
  auto reader = PackReader::open(fd_input(fd, true), path);
  if (!reader) return reader.error();
  auto bytes = (*reader)->read_component(max_bytes);
  if (!bytes) return bytes.error();
  return PackedComponent{(*reader)->manifest(), std::move(*bytes)};
}

}  // namespace wasmrr::trace
