// Result<T>: an expected-like return type for operations that can fail.
// C++20 has no std::expected, so this is a small one of our own. Errors are
// plain messages; the layer that creates one puts its context in the text
// (byte offset for the parser, event index for traces, function name for traps).
#pragma once

#include <cassert>
#include <string>
#include <utility>
#include <variant>

namespace wasmrr {

struct Error {
  std::string message;
};

template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::in_place_index<0>, std::move(value)) {}
  Result(Error error) : v_(std::in_place_index<1>, std::move(error)) {}

  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }

  T& value() & { assert(ok()); return std::get<0>(v_); }
  const T& value() const& { assert(ok()); return std::get<0>(v_); }
  T&& value() && { assert(ok()); return std::get<0>(std::move(v_)); }
  T& operator*() & { return value(); }
  T&& operator*() && { return std::move(*this).value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

  const Error& error() const { assert(!ok()); return std::get<1>(v_); }

 private:
  std::variant<T, Error> v_;
};

template <>
class [[nodiscard]] Result<void> {
 public:
  Result() = default;
  Result(Error error) : error_(std::move(error)), ok_(false) {}
  bool ok() const { return ok_; }
  explicit operator bool() const { return ok_; }
  const Error& error() const { assert(!ok_); return error_; }

 private:
  Error error_;
  bool ok_ = true;
};

inline Error make_error(std::string message) { return Error{std::move(message)}; }

}  // namespace wasmrr

// Propagate an error from an expression returning Result<...>.
#define WASMRR_TRY(expr)                                        \
  do {                                                          \
    auto&& wasmrr_try_result_ = (expr);                         \
    if (!wasmrr_try_result_) return wasmrr_try_result_.error(); \
  } while (0)
