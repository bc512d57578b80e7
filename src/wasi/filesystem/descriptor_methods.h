// The descriptor methods whose WIT signatures wasi:filesystem 0.2 and 0.3
// share (stat, open-at, rename-at, ...; 0.3 makes them async funcs, which
// changes nothing for the host), defined once over Descriptor for each
// version's values. The values that differ between the versions come from
// `V` (types.cpp for 0.2, p3/filesystem.cpp for 0.3):
//   static Value error_code(ErrorCode);
//   static Value descriptor_type(DescriptorType);
//   static Value stat(const DescriptorStat&);
//   static std::optional<NewTimestamp> new_timestamp(const Value&);  // nullopt: invalid
// The rest (streams, directory listings, 0.2's read and write) are each
// version's own.
#pragma once

#include <optional>
#include <string>

#include "wasi/common/host_util.h"
#include "wasi/filesystem/filesystem.h"

namespace wasmrr::wasi::fs_methods {

inline bool flag(const Value& flags, size_t i) { return i < flags.items.size() && flags.items[i].as_bool(); }

inline DescriptorFlags descriptor_flags(const Value& v) {
  return {flag(v, 0), flag(v, 1), flag(v, 2), flag(v, 3), flag(v, 4), flag(v, 5)};
}

inline Value descriptor_flags_value(const DescriptorFlags& f) {
  return Value::flags({f.read, f.write, f.file_integrity_sync, f.data_integrity_sync, f.requested_write_sync,
                       f.mutate_directory});
}

inline OpenFlags open_flags(const Value& v) { return {flag(v, 0), flag(v, 1), flag(v, 2), flag(v, 3)}; }

// path-flags { symlink-follow }
inline bool symlink_follow(const Value& path_flags) { return flag(path_flags, 0); }

inline Value hash_value(const MetadataHash& h) { return Value::record({Value::u64(h.lower), Value::u64(h.upper)}); }

inline const std::string& str(const Values& args, size_t i) { return arg(args, i).str; }

// result<T, error-code> and result<_, error-code> with V's error-code values.
template <typename V, typename T, typename ToValue>
Values fs_result(FsResult<T> r, ToValue to_value) {
  return one(r.ok() ? Value::ok(to_value(std::move(r.value()))) : Value::err(V::error_code(r.error())));
}

template <typename V>
Values fs_unit(const FsResult<Unit>& r) {
  return one(r.ok() ? Value::ok() : Value::err(V::error_code(r.error())));
}

// Methods on the descriptor itself.
template <typename V>
void define_descriptor_methods(const InterfaceDefiner& def, FilesystemState& fs) {
  auto d = [&fs](const Values& a) -> Descriptor& { return fs.descriptors.at(arg(a, 0).rep()); };
  def("[method]descriptor.advise", [d](Values& a) {
    return fs_unit<V>(d(a).advise(arg(a, 1).as_u64(), arg(a, 2).as_u64(), static_cast<Advice>(arg(a, 3).case_index())));
  });
  def("[method]descriptor.sync-data", [d](Values& a) { return fs_unit<V>(d(a).sync_data()); });
  def("[method]descriptor.sync", [d](Values& a) { return fs_unit<V>(d(a).sync()); });
  def("[method]descriptor.get-flags", [d](Values& a) { return fs_result<V>(d(a).get_flags(), descriptor_flags_value); });
  def("[method]descriptor.get-type", [d](Values& a) { return fs_result<V>(d(a).get_type(), V::descriptor_type); });
  def("[method]descriptor.set-size", [d](Values& a) { return fs_unit<V>(d(a).set_size(arg(a, 1).as_u64())); });
  def("[method]descriptor.set-times", [d](Values& a) {
    auto atime = V::new_timestamp(arg(a, 1)), mtime = V::new_timestamp(arg(a, 2));
    if (!atime || !mtime) return one(Value::err(V::error_code(ErrorCode::invalid)));
    return fs_unit<V>(d(a).set_times(*atime, *mtime));
  });
  def("[method]descriptor.stat", [d](Values& a) { return fs_result<V>(d(a).stat(), V::stat); });
  def("[method]descriptor.is-same-object", [&fs, d](Values& a) {
    return one(Value::boolean(d(a).is_same_object(fs.descriptors.at(arg(a, 1).rep()))));
  });
  def("[method]descriptor.metadata-hash", [d](Values& a) { return fs_result<V>(d(a).metadata_hash(), hash_value); });
  def("[resource-drop]descriptor", [&fs](Values& a) {
    fs.descriptors.remove(arg(a, 0).rep());
    return nothing();
  });
}

// Methods on a path beneath a directory descriptor.
template <typename V>
void define_path_methods(const InterfaceDefiner& def, FilesystemState& fs) {
  auto d = [&fs](const Values& a) -> Descriptor& { return fs.descriptors.at(arg(a, 0).rep()); };
  def("[method]descriptor.create-directory-at",
      [d](Values& a) { return fs_unit<V>(d(a).create_directory_at(str(a, 1))); });
  def("[method]descriptor.stat-at", [d](Values& a) {
    return fs_result<V>(d(a).stat_at(symlink_follow(arg(a, 1)), str(a, 2)), V::stat);
  });
  def("[method]descriptor.set-times-at", [d](Values& a) {
    auto atime = V::new_timestamp(arg(a, 3)), mtime = V::new_timestamp(arg(a, 4));
    if (!atime || !mtime) return one(Value::err(V::error_code(ErrorCode::invalid)));
    return fs_unit<V>(d(a).set_times_at(symlink_follow(arg(a, 1)), str(a, 2), *atime, *mtime));
  });
  def("[method]descriptor.link-at", [&fs, d](Values& a) {
    return fs_unit<V>(
        d(a).link_at(symlink_follow(arg(a, 1)), str(a, 2), fs.descriptors.at(arg(a, 3).rep()), str(a, 4)));
  });
  def("[method]descriptor.open-at", [&fs, d](Values& a) {
    auto r = d(a).open_at(symlink_follow(arg(a, 1)), str(a, 2), open_flags(arg(a, 3)), descriptor_flags(arg(a, 4)));
    return fs_result<V>(std::move(r), [&fs](std::shared_ptr<Descriptor> n) {
      return Value::own(fs.descriptors.insert(std::move(n)));
    });
  });
  def("[method]descriptor.readlink-at",
      [d](Values& a) { return fs_result<V>(d(a).readlink_at(str(a, 1)), Value::string); });
  def("[method]descriptor.remove-directory-at",
      [d](Values& a) { return fs_unit<V>(d(a).remove_directory_at(str(a, 1))); });
  def("[method]descriptor.rename-at", [&fs, d](Values& a) {
    return fs_unit<V>(d(a).rename_at(str(a, 1), fs.descriptors.at(arg(a, 2).rep()), str(a, 3)));
  });
  def("[method]descriptor.symlink-at", [d](Values& a) { return fs_unit<V>(d(a).symlink_at(str(a, 1), str(a, 2))); });
  def("[method]descriptor.unlink-file-at", [d](Values& a) { return fs_unit<V>(d(a).unlink_file_at(str(a, 1))); });
  def("[method]descriptor.metadata-hash-at", [d](Values& a) {
    return fs_result<V>(d(a).metadata_hash_at(symlink_follow(arg(a, 1)), str(a, 2)), hash_value);
  });
}

}  // namespace wasmrr::wasi::fs_methods
