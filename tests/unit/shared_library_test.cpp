// Libraries loaded on first use (util/shared_library.h): a missing library or
// function is an error that names it, never a crash.
#include <gtest/gtest.h>

#include <functional>
#include <stdexcept>
#include <string>

#include "util/shared_library.h"

namespace wasmrr {
namespace {

std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const std::runtime_error& e) {
    return e.what();
  }
  return "";
}

TEST(SharedLibrary, BindsFunctionsAndNamesWhatIsMissing) {
  SharedLibrary libc("libc.so.6", "the test");
  size_t (*length)(const char*) = nullptr;
  libc.bind(length, "strlen");
  ASSERT_NE(length, nullptr);
  EXPECT_EQ(length("four"), 4u);
  std::string no_function = error_of([&] {
    void (*fn)() = nullptr;
    libc.bind(fn, "wasm_rr_no_such_function");
  });
  EXPECT_NE(no_function.find("libc.so.6 has no `wasm_rr_no_such_function`"), std::string::npos) << no_function;
  std::string no_library = error_of([] { SharedLibrary("libwasm-rr-no-such.so.1", "packs (apt-get install x)"); });
  EXPECT_NE(no_library.find("cannot load libwasm-rr-no-such.so.1 for packs (apt-get install x)"), std::string::npos)
      << no_library;
}

}  // namespace
}  // namespace wasmrr
