// Files for unit tests: a temporary folder per test program, and whole-file
// reads and writes.
#pragma once

#include <unistd.h>

#include <cstdlib>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <string_view>

namespace wasmrr::test {

// This program's temporary folder, removed when the program exits (by the
// process that made it, not a forked child), unless WASMRR_KEEP_TEST_FILES
// is set: runs of the suite would otherwise pile up traces of tens of MB.
class TempFolder {
 public:
  TempFolder() : owner_(getpid()) {
    std::string program = std::filesystem::path(std::filesystem::read_symlink("/proc/self/exe")).filename().string();
    path_ = std::filesystem::temp_directory_path() / ("wasmrr-" + program + "-" + std::to_string(owner_));
    std::filesystem::create_directories(path_);
  }
  ~TempFolder() {
    std::error_code ec;
    if (getpid() == owner_ && !std::getenv("WASMRR_KEEP_TEST_FILES")) std::filesystem::remove_all(path_, ec);
  }
  const std::string& path() const { return path_; }

 private:
  pid_t owner_;
  std::string path_;
};

// `name` in this program's temporary folder (/tmp/wasmrr-PROGRAM-PID), made on first use.
inline std::string temp_path(const std::string& name) {
  static const TempFolder folder;
  return folder.path() + "/" + name;
}

inline std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

inline void spit(const std::string& path, std::string_view bytes) {
  std::ofstream(path, std::ios::binary | std::ios::trunc).write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

}  // namespace wasmrr::test
