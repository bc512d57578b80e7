#include "trace/archive_api.h"

#include "util/shared_library.h"

namespace wasmrr::trace {

namespace {

ArchiveApi load() {
  SharedLibrary lib("libarchive.so.13", "packs (apt-get install libarchive13)");
  ArchiveApi api{};
  lib.bind(api.error_string, "archive_error_string");
  lib.bind(api.set_error, "archive_set_error");
  lib.bind(api.read_new, "archive_read_new");
  lib.bind(api.read_support_format_tar, "archive_read_support_format_tar");
  lib.bind(api.read_open, "archive_read_open");
  lib.bind(api.read_next_header, "archive_read_next_header");
  lib.bind(api.read_data, "archive_read_data");
  lib.bind(api.read_free, "archive_read_free");
  lib.bind(api.write_new, "archive_write_new");
  lib.bind(api.write_set_format_pax_restricted, "archive_write_set_format_pax_restricted");
  lib.bind(api.write_open_fd, "archive_write_open_fd");
  lib.bind(api.write_header, "archive_write_header");
  lib.bind(api.write_data, "archive_write_data");
  lib.bind(api.write_close, "archive_write_close");
  lib.bind(api.write_free, "archive_write_free");
  lib.bind(api.entry_new, "archive_entry_new");
  lib.bind(api.entry_free, "archive_entry_free");
  lib.bind(api.entry_pathname, "archive_entry_pathname");
  lib.bind(api.entry_size, "archive_entry_size");
  lib.bind(api.entry_size_is_set, "archive_entry_size_is_set");
  lib.bind(api.entry_set_pathname, "archive_entry_set_pathname");
  lib.bind(api.entry_set_size, "archive_entry_set_size");
  lib.bind(api.entry_set_filetype, "archive_entry_set_filetype");
  lib.bind(api.entry_set_perm, "archive_entry_set_perm");
  lib.bind(api.entry_set_mtime, "archive_entry_set_mtime");
  return api;  // the library stays loaded for the process
}

}  // namespace

const ArchiveApi& archive_api() {
  static const ArchiveApi api = load();
  return api;
}

}  // namespace wasmrr::trace
