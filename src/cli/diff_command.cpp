#include "cli/options.h"

namespace wasmrr::cli {

int diff_command(const DiffOptions&) { throw ToolError("diff is not implemented yet"); }

}  // namespace wasmrr::cli
