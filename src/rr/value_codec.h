// WIT values <-> trace values (the JSON data model of trace/trace.h), driven
// by the function's declared type. The mapping (docs/trace-format.md):
//   bool -> true/false; integers -> numbers (u64/s64 exact); f32/f64 -> numbers,
//   "nan" / "inf" / "-inf" for non-finite; char, string -> strings;
//   list<u8> -> bytes (CBOR byte string; in JSON {"$bytes": "<base64>"});
//   other lists and tuples -> arrays; records -> objects by field name;
//   variants -> "case" or {"case": payload}; enums -> "case";
//   options -> null / the value ({"some": v} when the payload is itself an option);
//   results -> {"ok": v} / {"err": e} (null payload when the case has none);
//   flags -> array of the set flags' names; own/borrow -> {"handle": rep}.
// Arguments of type list<u8> longer than kDigestThreshold may be stored as a
// digest {"$len": n, "$sha256": "<hex>"}: replay only compares arguments.
#pragma once

#include <cstddef>
#include <stdexcept>
#include <string>

#include "abi/type.h"
#include "abi/value.h"
#include "rr/value_walker.h"
#include "trace/trace.h"

namespace wasmrr::rr {

using trace::Json;

// A trace value that does not fit the type: where (the value path, e.g.
// "args[1].contents") and what is wrong; `what()` is "path: problem".
class DecodeError : public std::runtime_error {
 public:
  DecodeError(std::string path, std::string problem)
      : std::runtime_error(path + ": " + problem), path_(std::move(path)), problem_(std::move(problem)) {}
  const std::string& path() const { return path_; }
  const std::string& problem() const { return problem_; }

 private:
  std::string path_, problem_;
};

struct EncodeOptions {
  bool digest_large_bytes = false;
};

Json encode_value(const abi::Value& v, const abi::Type& t, const EncodeOptions& opts = {});
// Throws DecodeError with a message like "args[1].contents: expected bytes, found a string".
abi::Value decode_value(const Json& j, const abi::Type& t, const std::string& path);

// Compares an argument as recorded with the value the guest passes now.
// Returns an empty string if they match, else the path and both sides.
std::string compare_value(const Json& recorded, const abi::Value& actual, const abi::Type& t, const std::string& path);

// Replaces every byte string longer than kDigestThreshold in `j` by its digest.
void digest_large_bytes(Json& j);

}  // namespace wasmrr::rr
