// wasi:filesystem/types: the descriptor and directory-entry-stream resources
// and filesystem-error-code, over the Descriptor class of descriptor.h. The
// methods 0.2 shares with 0.3 are defined in descriptor_methods.h.
#include <cassert>

#include "wasi/filesystem/descriptor_methods.h"

namespace wasmrr::wasi {
namespace {

using namespace fs_methods;

// The 0.2 values of what the versions type differently.
struct P2Values {
  static Value error_code(ErrorCode c) { return Value::enum_(static_cast<uint32_t>(c)); }

  static Value descriptor_type(DescriptorType t) { return Value::enum_(static_cast<uint32_t>(t)); }

  static Value optional_datetime(const std::optional<Datetime>& d) {
    return d ? Value::some(datetime_value(*d)) : Value::none();
  }

  static Value stat(const DescriptorStat& s) {
    return Value::record({descriptor_type(s.type), Value::u64(s.link_count), Value::u64(s.size),
                          optional_datetime(s.data_access_timestamp),
                          optional_datetime(s.data_modification_timestamp),
                          optional_datetime(s.status_change_timestamp)});
  }

  static std::optional<NewTimestamp> new_timestamp(const Value& v) {
    NewTimestamp t;
    switch (v.case_index()) {
      case 0: t.kind = NewTimestamp::Kind::no_change; break;
      case 1: t.kind = NewTimestamp::Kind::now; break;
      case 2: {
        t.kind = NewTimestamp::Kind::timestamp;
        const Value& d = v.payload();
        t.at = {d.items.at(0).as_u64(), d.items.at(1).as_u32()};
        break;
      }
      default: assert(false && "new-timestamp has three cases");
    }
    return t;
  }
};

template <typename T, typename ToValue>
Values p2_result(FsResult<T> r, ToValue to_value) {
  return fs_result<P2Values>(std::move(r), to_value);
}

void register_streams_and_io(const InterfaceDefiner& def, FilesystemState& fs) {
  auto d = [&fs](const Values& a) -> Descriptor& { return fs.descriptors.at(arg(a, 0).rep()); };
  def("[method]descriptor.read-via-stream", [&fs, d](Values& a) {
    return p2_result(d(a).read_via_stream(arg(a, 1).as_u64()),
                     [&fs](std::shared_ptr<InputStream> s) { return Value::own(fs.io.input_streams.insert(std::move(s))); });
  });
  auto own_output = [&fs](std::shared_ptr<OutputStream> s) { return Value::own(fs.io.output_streams.insert(std::move(s))); };
  def("[method]descriptor.write-via-stream", [d, own_output](Values& a) {
    return p2_result(d(a).write_via_stream(arg(a, 1).as_u64()), own_output);
  });
  def("[method]descriptor.append-via-stream", [d, own_output](Values& a) {
    return p2_result(d(a).append_via_stream(), own_output);
  });
  def("[method]descriptor.read", [d](Values& a) {
    // length is a maximum (Descriptor::read caps it): any u64, never a trap.
    return p2_result(d(a).read(arg(a, 1).as_u64(), arg(a, 2).as_u64()),
                     [](std::pair<std::string, bool> r) {
                       return Value::tuple({Value::byte_list(std::move(r.first)), Value::boolean(r.second)});
                     });
  });
  def("[method]descriptor.write", [d](Values& a) {
    return p2_result(d(a).write(bytes_arg(a, 1), arg(a, 2).as_u64()), Value::u64);
  });
}

void register_directory_listing(const InterfaceDefiner& def, FilesystemState& fs) {
  auto d = [&fs](const Values& a) -> Descriptor& { return fs.descriptors.at(arg(a, 0).rep()); };
  def("[method]descriptor.read-directory", [&fs, d](Values& a) {
    return p2_result(d(a).read_directory(), [&fs](std::shared_ptr<DirectoryEntryStream> s) {
      return Value::own(fs.directory_entry_streams.insert(std::move(s)));
    });
  });
  def("[method]directory-entry-stream.read-directory-entry", [&fs](Values& a) {
    return p2_result(fs.directory_entry_streams.at(arg(a, 0).rep()).next(), [](std::optional<DirectoryEntry> e) {
      if (!e) return Value::none();
      return Value::some(Value::record({P2Values::descriptor_type(e->type), Value::string(std::move(e->name))}));
    });
  });
  def("[resource-drop]directory-entry-stream", [&fs](Values& a) {
    fs.directory_entry_streams.remove(arg(a, 0).rep());
    return nothing();
  });
}

}  // namespace

void register_filesystem_types(runtime::HostRegistry& r, FilesystemState& fs) {
  InterfaceDefiner def(r, "wasi:filesystem/types");
  register_streams_and_io(def, fs);
  define_descriptor_methods<P2Values>(def, fs);
  define_path_methods<P2Values>(def, fs);
  register_directory_listing(def, fs);
  def("filesystem-error-code", [&fs](Values& a) {
    const auto* d = fs.io.errors.at(arg(a, 0).rep()).detail_as<FsErrorDetail>();
    return one(d ? Value::some(P2Values::error_code(d->code)) : Value::none());
  });
}

}  // namespace wasmrr::wasi
