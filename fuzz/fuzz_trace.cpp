// libFuzzer target: the trace reader (JSON and CBOR, streamed and whole-file)
// and element decoding, on an arbitrary file. Mirrors what `replay` and
// `inspect` do with a trace: read every element, decode it, print it.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "trace/reader.h"
#include "trace/trace.h"

namespace {

// One file per process, reused by every input (libFuzzer runs inputs in turn).
const std::string& temp_path() {
  static const std::string path = "/tmp/wasmrr-fuzz-trace-" + std::to_string(getpid());
  return path;
}

void write_file(const uint8_t* data, size_t size) {
  FILE* f = std::fopen(temp_path().c_str(), "wb");
  if (!f) std::abort();
  if (size && std::fwrite(data, 1, size, f) != size) std::abort();
  std::fclose(f);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace wasmrr::trace;
  write_file(data, size);
  auto reader = TraceReader::open(temp_path());
  if (!reader) {
    if (reader.error().message.empty()) std::abort();
    return 0;
  }
  // Every element takes at least one byte, so this bound is never the reason to stop.
  for (size_t i = 0; i <= size; i++) {
    auto next = (*reader)->next();
    if (!next) {
      if (next.error().message.empty()) std::abort();
      break;
    }
    if (!*next) break;
    Json j = std::move(**next);
    (void)j.dump();  // as `inspect` and divergence reports print elements
    auto el = decode_element(std::move(j));
    if (!el) {
      if (el.error().message.empty()) std::abort();
      continue;
    }
    if (el->kind == Element::Kind::Event) (void)to_json(el->event).dump();
  }
  return 0;
}
