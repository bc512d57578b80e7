// A shared library loaded when first needed (dlopen) rather than linked, so
// that runs which never use it do not pay for loading it (and what it links)
// at start-up; and its functions, looked up by name (dlsym).
#pragma once

#include <dlfcn.h>

#include <stdexcept>
#include <string>

namespace wasmrr {

class SharedLibrary {
 public:
  // Throws std::runtime_error saying what it is for and how to install it.
  SharedLibrary(const char* soname, const char* needed_for) : soname_(soname) {
    handle_ = dlopen(soname, RTLD_NOW | RTLD_LOCAL);  // stays loaded for the process
    if (!handle_) throw std::runtime_error(std::string("cannot load ") + soname + " for " + needed_for + ": " + dlerror());
  }

  // Sets fn (a pointer to a function of the library) to the function `name`.
  template <typename F>
  void bind(F& fn, const char* name) const {
    void* sym = dlsym(handle_, name);
    if (!sym) throw std::runtime_error(soname_ + " has no `" + name + "`");
    fn = reinterpret_cast<F>(sym);
  }

 private:
  void* handle_;
  std::string soname_;
};

}  // namespace wasmrr
