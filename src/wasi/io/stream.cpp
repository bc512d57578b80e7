#include "wasi/io/stream.h"

namespace wasmrr::wasi {

StreamResult<uint64_t> InputStream::skip(uint64_t len) {
  auto r = read(len);
  if (!r.ok()) return r.error();
  return uint64_t{r.value().size()};
}

StreamResult<uint64_t> InputStream::blocking_skip(uint64_t len) {
  auto r = blocking_read(len);
  if (!r.ok()) return r.error();
  return uint64_t{r.value().size()};
}

StreamResult<Unit> OutputStream::write_zeroes(uint64_t len) {
  const std::string zeros(io_chunk(len), '\0');
  while (len > 0) {
    size_t n = io_chunk(len);
    auto r = write(std::string_view(zeros).substr(0, n));
    if (!r.ok()) return r;
    len -= n;
  }
  return Unit{};
}

}  // namespace wasmrr::wasi
