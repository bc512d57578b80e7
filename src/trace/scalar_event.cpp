#include "trace/scalar_event.h"

#include <algorithm>

#include "trace/scalar_bytes.h"

namespace wasmrr::trace {

namespace {

size_t write_scalar(char* out, ScalarKind kind, uint64_t v) {
  switch (kind) {
    case ScalarKind::Bool: return write_bool(Format::Json, out, v != 0);
    case ScalarKind::Signed: return write_sint(Format::Json, out, static_cast<int64_t>(v));
    case ScalarKind::Unsigned: break;
  }
  return write_uint(Format::Json, out, v);
}

}  // namespace

void render_json(const ScalarEventShape& shape, std::span<const uint64_t> values, std::string& out) {
  // Room for the most it can take ([a,b],"results":[r]}, each number
  // storing up to kMaxScalarBytes), written in place, then cut to size.
  const size_t start = out.size();
  out.resize(start + shape.head.size() + shape.results_key.size() + shape.values() * (kMaxScalarBytes + 2) + 8);
  char* p = out.data() + start;
  auto put = [&p](const std::string& s) { p = std::copy(s.begin(), s.end(), p); };
  put(shape.head);
  size_t i = 0;
  if (!shape.params.empty()) {
    *p++ = '[';
    for (; i < shape.params.size(); i++) {
      if (i > 0) *p++ = ',';
      p += write_scalar(p, shape.params[i], values[i]);
    }
    *p++ = ']';
  }
  put(shape.results_key);
  *p++ = '[';
  if (shape.result) p += write_scalar(p, *shape.result, values[i]);
  *p++ = ']';
  *p++ = '}';
  out.resize(static_cast<size_t>(p - out.data()));
}

}  // namespace wasmrr::trace
