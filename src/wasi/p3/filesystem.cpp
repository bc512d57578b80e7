// wasi:filesystem@0.3.0: the descriptor resource and the preopens, over the
// 0.2 host's Descriptor (filesystem/descriptor.h) and its descriptor table,
// with 0.3's values: error-code and descriptor-type are variants with an
// `other` case (and error-code has no would-block), timestamps are
// system-clock instants (seconds as s64). A file's contents and a
// directory's entries move through streams the host holds (stream_io.h);
// read-via-stream and friends return no result, so what keeps a stream from
// starting (a descriptor not open for reading) is its future's error.
#include <algorithm>
#include <cassert>
#include <limits>
#include <vector>

#include "wasi/filesystem/descriptor_methods.h"
#include "wasi/p3/p3.h"

namespace wasmrr::wasi::p3 {
namespace {

// The 0.3 values of what the versions type differently (descriptor_methods.h).
struct P3Values {
  // error-code: 0.2's cases without would-block, then other(option<string>).
  static constexpr uint32_t kErrorOther = 36;
  static_assert(static_cast<uint32_t>(ErrorCode::cross_device) == kErrorOther, "0.2's last error-code case");

  static Value error_code(ErrorCode c) {
    const auto i = static_cast<uint32_t>(c);
    if (c == ErrorCode::would_block) return Value::variant(kErrorOther, Value::some(Value::string("would-block")));
    return Value::variant(i < static_cast<uint32_t>(ErrorCode::would_block) ? i : i - 1);
  }

  // descriptor-type: 0.2's cases without unknown, then other(option<string>).
  static constexpr uint32_t kTypeOther = 7;

  static Value descriptor_type(DescriptorType t) {
    if (t == DescriptorType::unknown) return Value::variant(kTypeOther, Value::none());
    return Value::variant(static_cast<uint32_t>(t) - 1);
  }

  // wasi:clocks/system-clock@0.3.0 instant: { seconds: s64, nanoseconds: u32 }.
  static Value instant(const Datetime& d) {
    const uint64_t max = std::numeric_limits<int64_t>::max();
    return Value::record({Value::s64(static_cast<int64_t>(std::min(d.seconds, max))), Value::u32(d.nanoseconds)});
  }

  static Value optional_instant(const std::optional<Datetime>& d) { return d ? Value::some(instant(*d)) : Value::none(); }

  static Value stat(const DescriptorStat& s) {
    return Value::record({descriptor_type(s.type), Value::u64(s.link_count), Value::u64(s.size),
                          optional_instant(s.data_access_timestamp), optional_instant(s.data_modification_timestamp),
                          optional_instant(s.status_change_timestamp)});
  }

  // new-timestamp: no-change, now, timestamp(instant). The host keeps times
  // as seconds since 1970: an earlier instant is refused (invalid).
  static std::optional<NewTimestamp> new_timestamp(const Value& v) {
    NewTimestamp t;
    switch (v.case_index()) {
      case 0: t.kind = NewTimestamp::Kind::no_change; return t;
      case 1: t.kind = NewTimestamp::Kind::now; return t;
      case 2: {
        const Value& at = v.payload();
        const int64_t seconds = at.items.at(0).as_s64();
        if (seconds < 0) return std::nullopt;
        t.kind = NewTimestamp::Kind::timestamp;
        t.at = {static_cast<uint64_t>(seconds), at.items.at(1).as_u32()};
        return t;
      }
      default: assert(false && "new-timestamp has three cases");
    }
    return std::nullopt;
  }

  // A failed file stream's error-code (FileInputStream and FileOutputStream
  // carry it as FsErrorDetail); io for a failure without one.
  static Value stream_error(const StreamError& e) {
    const auto* detail = dynamic_cast<const FsErrorDetail*>(e.detail.get());
    return error_code(detail ? detail->code : ErrorCode::io);
  }
};

// read-directory's stream<directory-entry>.
class DirectoryEntrySource final : public StreamSource {
 public:
  explicit DirectoryEntrySource(std::shared_ptr<DirectoryEntryStream> dir) : dir_(std::move(dir)) {}
  Given give(uint32_t max, bool) override {
    if (failed_) return {std::nullopt, P3Values::error_code(*failed_)};
    std::vector<Value> entries;
    // A bounded answer: a huge directory is read in several gives, and an
    // error or the end after some entries comes with the next one.
    const uint32_t n = std::min(max, kMaxEntriesPerGive);
    while (entries.size() < n) {
      FsResult<std::optional<DirectoryEntry>> next = dir_->next();
      if (!next.ok()) {
        if (entries.empty()) return {std::nullopt, P3Values::error_code(next.error())};
        failed_ = next.error();
        break;
      }
      if (!next.value()) {
        if (entries.empty()) return {};
        break;
      }
      DirectoryEntry& e = *next.value();
      entries.push_back(Value::record({P3Values::descriptor_type(e.type), Value::string(std::move(e.name))}));
    }
    return {Value::list(std::move(entries)), std::nullopt};
  }

 private:
  static constexpr uint32_t kMaxEntriesPerGive = 256;
  std::shared_ptr<DirectoryEntryStream> dir_;
  std::optional<ErrorCode> failed_;  // an error that came after entries: the next give's
};

// A new stream the guest reads, and its future, as read-via-stream and
// read-directory return them.
template <typename T>
Values readable(StreamsState& s, FsResult<T> opened, std::shared_ptr<StreamSource> (*source)(T)) {
  const auto [stream, future] =
      s.hold(opened.ok() ? source(std::move(opened.value())) : failed_source(P3Values::error_code(opened.error())));
  return one(Value::tuple({stream_value(stream), future_value(future)}));
}

std::shared_ptr<StreamSource> file_source(std::shared_ptr<InputStream> in) {
  return input_stream_source(std::move(in), P3Values::stream_error);
}

std::shared_ptr<StreamSource> directory_source(std::shared_ptr<DirectoryEntryStream> dir) {
  return std::make_shared<DirectoryEntrySource>(std::move(dir));
}

// The guest hands over the readable end of `data`; the future tells how
// writing it went.
Values writable(StreamsState& s, uint32_t data, FsResult<std::shared_ptr<OutputStream>> out) {
  return one(future_value(s.hold(data, out.ok() ? output_stream_sink(out.value(), P3Values::stream_error)
                                               : failed_sink(P3Values::error_code(out.error())))));
}

void register_streams(const InterfaceDefiner& def, FilesystemState& fs, StreamsState& s) {
  auto d = [&fs](const Values& a) -> Descriptor& { return fs.descriptors.at(arg(a, 0).rep()); };
  def("[method]descriptor.read-via-stream",
      [&s, d](Values& a) { return readable(s, d(a).read_via_stream(arg(a, 1).as_u64()), file_source); });
  def("[method]descriptor.write-via-stream", [&s, d](Values& a) {
    return writable(s, arg(a, 1).as_u32(), d(a).write_via_stream(arg(a, 2).as_u64()));
  });
  def("[method]descriptor.append-via-stream",
      [&s, d](Values& a) { return writable(s, arg(a, 1).as_u32(), d(a).append_via_stream()); });
  def("[method]descriptor.read-directory",
      [&s, d](Values& a) { return readable(s, d(a).read_directory(), directory_source); });
}

}  // namespace

void register_filesystem(runtime::HostRegistry& r, P3State& p) {
  FilesystemState& fs = p.filesystem;
  InterfaceDefiner def(r, "wasi:filesystem/types", WasiVersion::P3);
  register_streams(def, fs, p.streams);
  fs_methods::define_descriptor_methods<P3Values>(def, fs);
  fs_methods::define_path_methods<P3Values>(def, fs);
  register_filesystem_preopens(r, fs, WasiVersion::P3);
}

}  // namespace wasmrr::wasi::p3
