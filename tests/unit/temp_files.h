// Files for unit tests: a temporary folder per test program, and whole-file
// reads and writes.
#pragma once

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <string_view>

namespace wasmrr::test {

// `name` in this program's temporary folder (/tmp/wasmrr-PROGRAM-PID), made on first use.
inline std::string temp_path(const std::string& name) {
  static const std::string dir = [] {
    std::string program = std::filesystem::path(std::filesystem::read_symlink("/proc/self/exe")).filename().string();
    std::string d = std::filesystem::temp_directory_path() / ("wasmrr-" + program + "-" + std::to_string(getpid()));
    std::filesystem::create_directories(d);
    return d;
  }();
  return dir + "/" + name;
}

inline std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

inline void spit(const std::string& path, std::string_view bytes) {
  std::ofstream(path, std::ios::binary | std::ios::trunc).write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

}  // namespace wasmrr::test
