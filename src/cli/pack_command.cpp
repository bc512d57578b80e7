#include "cli/options.h"

namespace wasmrr::cli {

int pack_command(const PackOptions&) { throw ToolError("pack is not implemented yet"); }

}  // namespace wasmrr::cli
