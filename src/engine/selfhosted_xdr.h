// Private to src/engine: SpiderMonkey's self-hosted code (the parts of the
// standard library written in JS), already compiled. Compiling it from source
// is most of what creating a context costs (about 8 ms of a hello world's
// start-up); decoding this takes under 1 ms. The build makes it with
// selfhosted_xdr_gen against the libmozjs it links, stamped with that
// library's build id (build_id.h); if another libmozjs is loaded at run time,
// SpiderMonkey refuses the data and compiles from source as before.
#pragma once

#include <cstdint>
#include <span>

namespace wasmrr::engine::sm {

// For JS::InitSelfHostedCode: lives as long as the process (SpiderMonkey
// uses the bytecode in place). Empty if the build could not make it.
std::span<const uint8_t> selfhosted_xdr();

}  // namespace wasmrr::engine::sm
