// BSD editline, the debugger prompt's line editing, loaded when an
// interactive prompt first needs it rather than linked: linking it (with the
// libbsd and libmd it needs) costs every start-up about 0.35 ms, which a
// run, record or replay should not pay. Only the functions the prompt calls,
// typed as editline declares them.
#pragma once

#include <editline/readline.h>

#include <string>

namespace wasmrr::cli::debug {

struct EditlineApi {
  decltype(&::readline) readline;
  decltype(&::add_history) add_history;
};

// Loads libedit.so.2 on first use; nullptr if it cannot (the prompt then
// reads plain lines), with `why` saying what is missing.
const EditlineApi* editline_api(std::string* why);

}  // namespace wasmrr::cli::debug
