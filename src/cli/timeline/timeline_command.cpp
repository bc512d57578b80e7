#include "cli/options.h"

namespace wasmrr::cli {

int timeline_command(const InspectOptions&) { throw ToolError("inspect --html is not implemented yet"); }

}  // namespace wasmrr::cli
