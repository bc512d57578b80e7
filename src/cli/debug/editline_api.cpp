#include "cli/debug/editline_api.h"

#include <mutex>
#include <stdexcept>
#include <string>

#include "util/shared_library.h"

namespace wasmrr::cli::debug {

const EditlineApi* editline_api(std::string* why) {
  static std::once_flag once;
  static EditlineApi api{};
  static bool loaded = false;
  static std::string error;
  std::call_once(once, [] {
    try {
      SharedLibrary lib("libedit.so.2", "the debugger prompt's line editing (apt-get install libedit2)");
      lib.bind(api.readline, "readline");
      lib.bind(api.add_history, "add_history");
      loaded = true;  // the library stays loaded for the process
    } catch (const std::runtime_error& e) {
      error = e.what();
    }
  });
  if (!loaded && why) *why = error;
  return loaded ? &api : nullptr;
}

}  // namespace wasmrr::cli::debug
