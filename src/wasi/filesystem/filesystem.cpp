#include "wasi/filesystem/filesystem.h"

#include <stdexcept>

#include <fmt/format.h>

namespace wasmrr::wasi {

FilesystemState::FilesystemState(IoState& io, RepCounter& reps, const std::vector<Preopen>& dirs)
    : io(io), descriptors("descriptor", reps), directory_entry_streams("directory-entry-stream", reps) {
  for (const Preopen& p : dirs) {
    auto d = Descriptor::open_directory(p.host_path, p.read_only);
    if (!d.ok())
      throw std::runtime_error(
          fmt::format("cannot open directory '{}' to preopen: {}", p.host_path, error_code_name(d.error())));
    preopens.push_back({std::move(d.value()), p.guest_path});
  }
}

}  // namespace wasmrr::wasi
