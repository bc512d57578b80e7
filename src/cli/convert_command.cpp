#include <fmt/format.h>

#include "cli/options.h"
#include "trace/reader.h"
#include "trace/writer.h"

namespace wasmrr::cli {

// Copies every element; the data model is the same in both formats, so the
// conversion is lossless and a round trip gives back the same bytes.
int convert_command(const ConvertOptions& opts) {
  auto format = opts.format.empty() ? trace::format_from_path(opts.out_path) : trace::format_from_name(opts.format);
  if (!format) throw ToolError(format.error().message);
  auto reader = trace::TraceReader::open(opts.in_path);
  if (!reader) throw ToolError(reader.error().message);
  auto writer = trace::TraceWriter::create(opts.out_path, *format);
  if (!writer) throw ToolError(writer.error().message);
  uint64_t count = 0;
  while (true) {
    auto el = (*reader)->next();
    if (!el) throw ToolError(el.error().message);
    if (!*el) break;
    (*writer)->write(**el);
    count++;
  }
  if (auto r = (*writer)->close(); !r) throw ToolError(r.error().message);
  if ((*reader)->truncated())
    fmt::print(stderr, "wasm-rr: warning: `{}` is truncated (an unfinished recording); converted its {} complete elements\n",
               opts.in_path, count);
  return 0;
}

}  // namespace wasmrr::cli
