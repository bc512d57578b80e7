// Bools and integers as the trace's sinks write them (trace/value_sink.h),
// into a caller's fixed buffer: the recorder's scalar fast path encodes a
// whole event this way, without a string operation per value.
#pragma once

#include <cstddef>
#include <cstdint>

#include "trace/trace.h"

namespace wasmrr::trace {

// The room each of these needs: "-9223372036854775808" and
// "18446744073709551615" are 20 characters, a CBOR head at most 9 bytes.
inline constexpr size_t kMaxScalarBytes = 20;

// Each writes its value at `out` and returns its length. It may store up to
// kMaxScalarBytes bytes there (eight digits at a time), past the length.
size_t write_bool(Format format, char* out, bool b);
size_t write_uint(Format format, char* out, uint64_t n);
size_t write_sint(Format format, char* out, int64_t n);
// RFC 8949 3.1: a CBOR head, major type and argument, in its shortest form.
size_t write_cbor_head(char* out, uint8_t major, uint64_t n);

}  // namespace wasmrr::trace
