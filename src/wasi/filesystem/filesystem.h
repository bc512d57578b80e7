// The wasi:filesystem package of one WasiHost: the descriptor and
// directory-entry-stream resources, and the preopened directories. File
// streams are wasi:io's (file_stream.h).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "runtime/host.h"
#include "wasi/common/wit_signatures.h"
#include "wasi/common/resource_table.h"
#include "wasi/filesystem/descriptor.h"
#include "wasi/io/io.h"

namespace wasmrr::wasi {

// A host directory the guest sees as a preopened descriptor.
struct Preopen {
  std::string host_path;
  std::string guest_path;
  bool read_only = false;
};

struct FilesystemState {
  // Opens the preopened directories; throws std::runtime_error naming the
  // directory if one cannot be opened.
  FilesystemState(IoState& io, RepCounter& reps, const std::vector<Preopen>& preopens);

  struct OpenPreopen {
    std::shared_ptr<Descriptor> descriptor;
    std::string guest_path;
  };

  IoState& io;
  std::vector<OpenPreopen> preopens;
  ResourceTable<Descriptor> descriptors;
  ResourceTable<DirectoryEntryStream> directory_entry_streams;

  size_t live() const { return descriptors.size() + directory_entry_streams.size(); }
};

// One registration per WIT interface (types.cpp, preopens.cpp).
void register_filesystem_types(runtime::HostRegistry& r, FilesystemState& fs);
// preopens' get-directories, which 0.2 and 0.3 (p3/) type alike.
void register_filesystem_preopens(runtime::HostRegistry& r, FilesystemState& fs, WasiVersion version = WasiVersion::P2);

inline void register_filesystem(runtime::HostRegistry& r, FilesystemState& fs) {
  register_filesystem_types(r, fs);
  register_filesystem_preopens(r, fs);
}

}  // namespace wasmrr::wasi
