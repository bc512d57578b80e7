// wasi:io/error, host side: the error resource behind
// stream-error.last-operation-failed. wasi:io knows only its message; what
// the package whose stream failed knows beyond that (the filesystem's
// error-code, the HTTP or socket error-code) rides along as an ErrorDetail
// that only that package reads back (filesystem-error-code, http-error-code,
// network-error-code), so wasi:io needs none of their types.
#pragma once

#include <memory>
#include <string>

namespace wasmrr::wasi {

// A package-specific payload of an io error: each package derives its own.
class ErrorDetail {
 public:
  virtual ~ErrorDetail() = default;
};

struct IoError {
  std::string message;                        // error.to-debug-string
  std::shared_ptr<const ErrorDetail> detail;  // null: nothing more is known

  // The detail when it is a D (the package's own), else null.
  template <typename D>
  const D* detail_as() const {
    return dynamic_cast<const D*>(detail.get());
  }
};

}  // namespace wasmrr::wasi
