// The guest's memory limit (run --max-memory): every memory a module defines
// gets a declared maximum of at most the limit, so `memory.grow` past it fails
// (returns -1) exactly as the core spec says for a memory at its maximum, and
// the guest decides what to do (malloc returns NULL). Done by rewriting the
// memory section before compiling: SpiderMonkey then enforces it.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "engine/wasm_binary.h"
#include "util/result.h"

namespace wasmrr::engine {

// The module bytes with each defined memory's maximum lowered to
// `max_pages` (64 KiB pages); the same bytes if no memory needs it. Fails if
// a memory's initial size is already above the limit.
Result<std::vector<uint8_t>> cap_memories(std::span<const uint8_t> bytes, const binary::ModuleInfo& info,
                                          uint64_t max_pages);

// True if `limits` (of a memory) must be lowered to respect `max_pages`.
bool exceeds_cap(const Limits& limits, uint64_t max_pages);

}  // namespace wasmrr::engine
