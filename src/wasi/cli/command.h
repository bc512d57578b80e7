// Running a WASI command: a component that exports wasi:cli/run@0.2.x. This
// is WASI's notion, so it lives with the WASI host; the runtime only knows
// how to call an export and report how the call ended.
#pragma once

#include "runtime/instance.h"
#include "util/result.h"

namespace wasmrr::wasi {

// Calls the component's `wasi:cli/run@0.2.x#run` and reports how the guest
// ended: run's result<_, _> becomes exit status 0 (ok) or 1 (err); an exit
// call or a trap ends it as it happened. An error if the component is not a
// WASI 0.2 command.
Result<runtime::Outcome> run_command(runtime::Runtime& runtime);

}  // namespace wasmrr::wasi
