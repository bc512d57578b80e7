// Private to src/engine: the process build id SpiderMonkey stamps on what it
// serializes (the self-hosted code's XDR, see selfhosted_xdr.h) and checks
// when reading it back.
#pragma once

namespace wasmrr::engine::sm {

// Installs JS::SetProcessBuildIdOp before JS_Init. The id is the GNU build id
// of the libmozjs loaded in this process, so serialized data made by one
// build of SpiderMonkey is refused by another, which then falls back to its
// own (slower) path. Without a build id note the id is unique to the process:
// nothing serialized elsewhere is accepted.
void install_build_id_op();

}  // namespace wasmrr::engine::sm
