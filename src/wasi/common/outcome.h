// Outcome<T, E>: a value or a WIT-level error (stream-error, error-code). Not
// a trap: the ABI-facing code turns an E into the guest's `err(...)` case.
#pragma once

#include <utility>
#include <variant>

namespace wasmrr::wasi {

// The `_` of `result<_, E>`.
struct Unit {};

template <typename T, typename E>
class [[nodiscard]] Outcome {
 public:
  Outcome(T value) : v_(std::in_place_index<0>, std::move(value)) {}
  Outcome(E error) : v_(std::in_place_index<1>, std::move(error)) {}

  bool ok() const { return v_.index() == 0; }
  T& value() { return std::get<0>(v_); }
  const T& value() const { return std::get<0>(v_); }
  E& error() { return std::get<1>(v_); }
  const E& error() const { return std::get<1>(v_); }

 private:
  std::variant<T, E> v_;
};

}  // namespace wasmrr::wasi
