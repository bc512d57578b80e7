// Parsing the sizes and durations users type: --timeout 500ms, --max-memory 64M.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "util/result.h"

namespace wasmrr::cli {

// A plain decimal count as users type one (an event number, a line):
// digits only, at most 19 of them (so it fits in 64 bits). nullopt otherwise.
std::optional<uint64_t> parse_decimal(std::string_view text);

// "500ms", "2s", "1.5s", "1m", "1h", "250us"; a bare number is seconds. Must be > 0.
Result<std::chrono::microseconds> parse_duration(const std::string& text);

// "65536", "512K", "64M", "1G", "64MiB", "64MB" (K, M and G are powers of 1024). Must be > 0.
Result<uint64_t> parse_size(const std::string& text);

// "500 ms", "2 s", "64 MiB": for messages.
std::string duration_text(std::chrono::microseconds d);
std::string size_text(uint64_t bytes);

}  // namespace wasmrr::cli
