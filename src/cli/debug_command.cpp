// `wasm-rr debug COMPONENT [TRACE]`: a debug Session (cli/debug/session.h)
// under the gdb-style command loop (cli/debug/repl.h); with --dap, under the
// Debug Adapter Protocol on stdio (cli/debug/dap.h).
#include <unistd.h>

#include <fstream>
#include <iostream>

#include <fmt/format.h>

#include "cli/debug/dap.h"
#include "cli/debug/repl.h"
#include "cli/debug/session.h"
#include "cli/options.h"

namespace wasmrr::cli {
namespace {

std::vector<std::string> read_commands(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw ToolError(fmt::format("cannot read the command file `{}`", path));
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);)
    if (!line.empty() && line[0] != '#') lines.push_back(line);
  return lines;
}

}  // namespace

int debug_command(const DebugOptions& opts) {
  if (opts.dap) {
    if (!opts.command_file.empty()) throw ToolError("-x is for the command loop; with --dap the editor sends the commands");
    debug::DapServer server(STDIN_FILENO, STDOUT_FILENO);
    return server.serve();
  }
  debug::Repl repl(std::cin, std::cout, ::isatty(STDIN_FILENO) != 0 && ::isatty(STDOUT_FILENO) != 0);
  if (!opts.command_file.empty()) repl.queue_commands(read_commands(opts.command_file));
  debug::Session session(opts, repl);
  return session.run();
}

}  // namespace wasmrr::cli
