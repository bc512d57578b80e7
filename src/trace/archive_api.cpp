#include "trace/archive_api.h"

#include <dlfcn.h>

#include <stdexcept>
#include <string>

namespace wasmrr::trace {

namespace {

template <typename F>
void bind(void* lib, F& fn, const char* name) {
  void* sym = dlsym(lib, name);
  if (!sym) throw std::runtime_error(std::string("libarchive has no `") + name + "`: " + dlerror());
  fn = reinterpret_cast<F>(sym);
}

ArchiveApi load() {
  void* lib = dlopen("libarchive.so.13", RTLD_NOW | RTLD_LOCAL);
  if (!lib) throw std::runtime_error(std::string("cannot load libarchive for packs (apt-get install libarchive13): ") + dlerror());
  ArchiveApi api{};
  bind(lib, api.error_string, "archive_error_string");
  bind(lib, api.set_error, "archive_set_error");
  bind(lib, api.read_new, "archive_read_new");
  bind(lib, api.read_support_format_tar, "archive_read_support_format_tar");
  bind(lib, api.read_open, "archive_read_open");
  bind(lib, api.read_next_header, "archive_read_next_header");
  bind(lib, api.read_data, "archive_read_data");
  bind(lib, api.read_free, "archive_read_free");
  bind(lib, api.write_new, "archive_write_new");
  bind(lib, api.write_set_format_pax_restricted, "archive_write_set_format_pax_restricted");
  bind(lib, api.write_open_fd, "archive_write_open_fd");
  bind(lib, api.write_header, "archive_write_header");
  bind(lib, api.write_data, "archive_write_data");
  bind(lib, api.write_close, "archive_write_close");
  bind(lib, api.write_free, "archive_write_free");
  bind(lib, api.entry_new, "archive_entry_new");
  bind(lib, api.entry_free, "archive_entry_free");
  bind(lib, api.entry_pathname, "archive_entry_pathname");
  bind(lib, api.entry_size, "archive_entry_size");
  bind(lib, api.entry_size_is_set, "archive_entry_size_is_set");
  bind(lib, api.entry_set_pathname, "archive_entry_set_pathname");
  bind(lib, api.entry_set_size, "archive_entry_set_size");
  bind(lib, api.entry_set_filetype, "archive_entry_set_filetype");
  bind(lib, api.entry_set_perm, "archive_entry_set_perm");
  bind(lib, api.entry_set_mtime, "archive_entry_set_mtime");
  return api;  // the library stays loaded for the process
}

}  // namespace

const ArchiveApi& archive_api() {
  static const ArchiveApi api = load();
  return api;
}

}  // namespace wasmrr::trace
