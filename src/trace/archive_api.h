// libarchive, loaded when a pack is first read or written rather than when
// wasm-rr starts: linking it (and the XML and ICU libraries it needs) costs
// every start-up about 2 ms, which runs that touch no pack should not pay.
// Only the functions trace/pack.cpp calls, typed as libarchive declares them.
#pragma once

#include <archive.h>
#include <archive_entry.h>

namespace wasmrr::trace {

struct ArchiveApi {
  decltype(&::archive_error_string) error_string;
  decltype(&::archive_set_error) set_error;
  decltype(&::archive_read_new) read_new;
  decltype(&::archive_read_support_format_tar) read_support_format_tar;
  decltype(&::archive_read_open) read_open;
  decltype(&::archive_read_next_header) read_next_header;
  decltype(&::archive_read_data) read_data;
  decltype(&::archive_read_free) read_free;
  decltype(&::archive_write_new) write_new;
  decltype(&::archive_write_set_format_pax_restricted) write_set_format_pax_restricted;
  decltype(&::archive_write_open_fd) write_open_fd;
  decltype(&::archive_write_header) write_header;
  decltype(&::archive_write_data) write_data;
  decltype(&::archive_write_close) write_close;
  decltype(&::archive_write_free) write_free;
  decltype(&::archive_entry_new) entry_new;
  decltype(&::archive_entry_free) entry_free;
  decltype(&::archive_entry_pathname) entry_pathname;
  decltype(&::archive_entry_size) entry_size;
  decltype(&::archive_entry_size_is_set) entry_size_is_set;
  decltype(&::archive_entry_set_pathname) entry_set_pathname;
  decltype(&::archive_entry_set_size) entry_set_size;
  decltype(&::archive_entry_set_filetype) entry_set_filetype;
  decltype(&::archive_entry_set_perm) entry_set_perm;
  decltype(&::archive_entry_set_mtime) entry_set_mtime;
};

// Loads libarchive (libarchive.so.13) on first use. Throws
// std::runtime_error, saying what is missing, if it cannot.
const ArchiveApi& archive_api();

}  // namespace wasmrr::trace
