// Reading source files for `list`: one line of a file, by number.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace wasmrr::debuginfo {

// Line `line` (counting from 1) of the file at `path`, without its line end;
// nullopt when the file cannot be read or is shorter. Reads at most the
// first 64 MiB and lines of at most 64 KiB (longer ones are cut).
std::optional<std::string> read_source_line(const std::string& path, uint32_t line);

}  // namespace wasmrr::debuginfo
