// wasi:filesystem/types: the descriptor and directory-entry-stream resources
// and filesystem-error-code, over the Descriptor class of descriptor.h.
#include <cassert>

#include "wasi/common/host_util.h"
#include "wasi/filesystem/filesystem.h"

namespace wasmrr::wasi {
namespace {

Value error_code_value(ErrorCode c) { return Value::enum_(static_cast<uint32_t>(c)); }

template <typename T, typename ToValue>
Values fs_result(FsResult<T> r, ToValue to_value) {
  if (!r.ok()) return one(Value::err(error_code_value(r.error())));
  return one(Value::ok(to_value(std::move(r.value()))));
}

Values fs_unit(FsResult<Unit> r) {
  if (!r.ok()) return one(Value::err(error_code_value(r.error())));
  return one(Value::ok());
}

bool flag(const Value& flags, size_t i) { return i < flags.items.size() && flags.items[i].as_bool(); }

DescriptorFlags descriptor_flags(const Value& v) {
  return {flag(v, 0), flag(v, 1), flag(v, 2), flag(v, 3), flag(v, 4), flag(v, 5)};
}

Value descriptor_flags_value(const DescriptorFlags& f) {
  return Value::flags({f.read, f.write, f.file_integrity_sync, f.data_integrity_sync, f.requested_write_sync,
                       f.mutate_directory});
}

OpenFlags open_flags(const Value& v) { return {flag(v, 0), flag(v, 1), flag(v, 2), flag(v, 3)}; }

bool symlink_follow(const Value& path_flags) { return flag(path_flags, 0); }

NewTimestamp new_timestamp(const Value& v) {
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

Value type_value(DescriptorType t) { return Value::enum_(static_cast<uint32_t>(t)); }

Value optional_datetime(const std::optional<Datetime>& d) {
  return d ? Value::some(datetime_value(*d)) : Value::none();
}

Value stat_value(const DescriptorStat& s) {
  return Value::record({type_value(s.type), Value::u64(s.link_count), Value::u64(s.size),
                        optional_datetime(s.data_access_timestamp),
                        optional_datetime(s.data_modification_timestamp),
                        optional_datetime(s.status_change_timestamp)});
}

Value hash_value(const MetadataHash& h) { return Value::record({Value::u64(h.lower), Value::u64(h.upper)}); }

const std::string& str(const Values& args, size_t i) { return arg(args, i).str; }


void register_streams_and_io(const InterfaceDefiner& def, FilesystemState& fs) {
  auto d = [&fs](const Values& a) -> Descriptor& { return fs.descriptors.at(arg(a, 0).rep()); };
  def("[method]descriptor.read-via-stream", [&fs, d](Values& a) {
    return fs_result(d(a).read_via_stream(arg(a, 1).as_u64()),
                     [&fs](std::shared_ptr<InputStream> s) { return Value::own(fs.io.input_streams.insert(std::move(s))); });
  });
  auto own_output = [&fs](std::shared_ptr<OutputStream> s) { return Value::own(fs.io.output_streams.insert(std::move(s))); };
  def("[method]descriptor.write-via-stream", [d, own_output](Values& a) {
    return fs_result(d(a).write_via_stream(arg(a, 1).as_u64()), own_output);
  });
  def("[method]descriptor.append-via-stream", [d, own_output](Values& a) {
    return fs_result(d(a).append_via_stream(), own_output);
  });
  def("[method]descriptor.advise", [d](Values& a) {
    auto advice = static_cast<Advice>(arg(a, 3).case_index());
    return fs_unit(d(a).advise(arg(a, 1).as_u64(), arg(a, 2).as_u64(), advice));
  });
  def("[method]descriptor.sync-data", [d](Values& a) { return fs_unit(d(a).sync_data()); });
  def("[method]descriptor.sync", [d](Values& a) { return fs_unit(d(a).sync()); });
  def("[method]descriptor.get-flags", [d](Values& a) { return fs_result(d(a).get_flags(), descriptor_flags_value); });
  def("[method]descriptor.get-type", [d](Values& a) { return fs_result(d(a).get_type(), type_value); });
  def("[method]descriptor.set-size", [d](Values& a) { return fs_unit(d(a).set_size(arg(a, 1).as_u64())); });
  def("[method]descriptor.set-times", [d](Values& a) {
    return fs_unit(d(a).set_times(new_timestamp(arg(a, 1)), new_timestamp(arg(a, 2))));
  });
  def("[method]descriptor.read", [d](Values& a) {
    // length is a maximum (Descriptor::read caps it): any u64, never a trap.
    return fs_result(d(a).read(arg(a, 1).as_u64(), arg(a, 2).as_u64()),
                     [](std::pair<std::string, bool> r) {
                       return Value::tuple({Value::byte_list(std::move(r.first)), Value::boolean(r.second)});
                     });
  });
  def("[method]descriptor.write", [d](Values& a) {
    return fs_result(d(a).write(bytes_arg(a, 1), arg(a, 2).as_u64()), Value::u64);
  });
  def("[method]descriptor.stat", [d](Values& a) { return fs_result(d(a).stat(), stat_value); });
  def("[method]descriptor.is-same-object", [&fs, d](Values& a) {
    return one(Value::boolean(d(a).is_same_object(fs.descriptors.at(arg(a, 1).rep()))));
  });
  def("[method]descriptor.metadata-hash", [d](Values& a) { return fs_result(d(a).metadata_hash(), hash_value); });
}

void register_path_ops(const InterfaceDefiner& def, FilesystemState& fs) {
  auto d = [&fs](const Values& a) -> Descriptor& { return fs.descriptors.at(arg(a, 0).rep()); };
  def("[method]descriptor.read-directory", [&fs, d](Values& a) {
    return fs_result(d(a).read_directory(), [&fs](std::shared_ptr<DirectoryEntryStream> s) {
      return Value::own(fs.directory_entry_streams.insert(std::move(s)));
    });
  });
  def("[method]descriptor.create-directory-at", [d](Values& a) { return fs_unit(d(a).create_directory_at(str(a, 1))); });
  def("[method]descriptor.stat-at", [d](Values& a) {
    return fs_result(d(a).stat_at(symlink_follow(arg(a, 1)), str(a, 2)), stat_value);
  });
  def("[method]descriptor.set-times-at", [d](Values& a) {
    return fs_unit(d(a).set_times_at(symlink_follow(arg(a, 1)), str(a, 2), new_timestamp(arg(a, 3)),
                                     new_timestamp(arg(a, 4))));
  });
  def("[method]descriptor.link-at", [&fs, d](Values& a) {
    return fs_unit(d(a).link_at(symlink_follow(arg(a, 1)), str(a, 2), fs.descriptors.at(arg(a, 3).rep()), str(a, 4)));
  });
  def("[method]descriptor.open-at", [&fs, d](Values& a) {
    auto r = d(a).open_at(symlink_follow(arg(a, 1)), str(a, 2), open_flags(arg(a, 3)), descriptor_flags(arg(a, 4)));
    return fs_result(std::move(r), [&fs](std::shared_ptr<Descriptor> n) {
      return Value::own(fs.descriptors.insert(std::move(n)));
    });
  });
  def("[method]descriptor.readlink-at", [d](Values& a) { return fs_result(d(a).readlink_at(str(a, 1)), Value::string); });
  def("[method]descriptor.remove-directory-at", [d](Values& a) { return fs_unit(d(a).remove_directory_at(str(a, 1))); });
  def("[method]descriptor.rename-at", [&fs, d](Values& a) {
    return fs_unit(d(a).rename_at(str(a, 1), fs.descriptors.at(arg(a, 2).rep()), str(a, 3)));
  });
  def("[method]descriptor.symlink-at", [d](Values& a) { return fs_unit(d(a).symlink_at(str(a, 1), str(a, 2))); });
  def("[method]descriptor.unlink-file-at", [d](Values& a) { return fs_unit(d(a).unlink_file_at(str(a, 1))); });
  def("[method]descriptor.metadata-hash-at", [d](Values& a) {
    return fs_result(d(a).metadata_hash_at(symlink_follow(arg(a, 1)), str(a, 2)), hash_value);
  });
}

void register_directory_entry_stream(const InterfaceDefiner& def, FilesystemState& fs) {
  def("[method]directory-entry-stream.read-directory-entry", [&fs](Values& a) {
    return fs_result(fs.directory_entry_streams.at(arg(a, 0).rep()).next(), [](std::optional<DirectoryEntry> e) {
      if (!e) return Value::none();
      return Value::some(Value::record({type_value(e->type), Value::string(std::move(e->name))}));
    });
  });
}

}  // namespace

void register_filesystem_types(runtime::HostRegistry& r, FilesystemState& fs) {
  InterfaceDefiner def(r, "wasi:filesystem/types");
  register_streams_and_io(def, fs);
  register_path_ops(def, fs);
  register_directory_entry_stream(def, fs);
  def("filesystem-error-code", [&fs](Values& a) {
    const auto* d = fs.io.errors.at(arg(a, 0).rep()).detail_as<FsErrorDetail>();
    return one(d ? Value::some(error_code_value(d->code)) : Value::none());
  });
  def("[resource-drop]descriptor", [&fs](Values& a) {
    fs.descriptors.remove(arg(a, 0).rep());
    return nothing();
  });
  def("[resource-drop]directory-entry-stream", [&fs](Values& a) {
    fs.directory_entry_streams.remove(arg(a, 0).rep());
    return nothing();
  });
}

}  // namespace wasmrr::wasi
