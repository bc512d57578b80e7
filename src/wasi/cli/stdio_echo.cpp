#include "wasi/cli/stdio_echo.h"

#include <algorithm>
#include <string>

#include <fmt/format.h>

#include "wasi/common/fd_io.h"

namespace wasmrr::wasi {

void StdioEcho::show_bytes(int fd, std::string_view bytes) {
  if (sink_) return sink_(fd == stderr_fd_ ? 2 : 1, bytes);
  (void)write_all(fd, bytes);  // the user's terminal may have gone away: nothing useful to do about it
}

void StdioEcho::show(int fd, uint64_t index, std::string_view bytes) {
  if (!mark_lines_) return show_bytes(fd, bytes);
  bool& mid_line = mid_line_[fd];
  const std::string mark = fmt::format("[event {}] ", index);
  while (!bytes.empty()) {
    if (!mid_line) show_bytes(fd, mark);
    size_t nl = bytes.find('\n');
    size_t n = nl == std::string_view::npos ? bytes.size() : nl + 1;
    show_bytes(fd, bytes.substr(0, n));
    mid_line = nl == std::string_view::npos;
    bytes.remove_prefix(n);
  }
}

StdioEcho::Role StdioEcho::role_of(const runtime::ImportedFunc& f) {
  if (&f == last_func_) return last_role_;  // calls come in runs of one function
  auto cached = roles_.find(&f);
  if (cached != roles_.end()) {
    last_func_ = &f;
    last_role_ = cached->second;
    return last_role_;
  }
  Role role = Role::None;
  runtime::FuncName split = runtime::split_func_name(f.name);
  if (split.interface) {
    std::string_view func = split.func;
    std::string name = split.interface->unversioned();
    if (name == "wasi:cli/stdout" && func == "get-stdout") role = Role::GetStdout;
    else if (name == "wasi:cli/stderr" && func == "get-stderr") role = Role::GetStderr;
    else if (name == "wasi:cli/stdout" && func == "write-via-stream") role = Role::StdoutStream;
    else if (name == "wasi:cli/stderr" && func == "write-via-stream") role = Role::StderrStream;
    else if (name == "wasm-rr:async/streams" && func == "take") role = Role::StreamTake;
    else if (name == "wasi:io/streams") {
      if (func == "[method]output-stream.write" || func == "[method]output-stream.blocking-write-and-flush")
        role = Role::Write;
      else if (func == "[method]output-stream.write-zeroes" || func == "[method]output-stream.blocking-write-zeroes-and-flush")
        role = Role::WriteZeroes;
      else if (func == "[resource-drop]output-stream")
        role = Role::DropStream;
    }
  }
  roles_.emplace(&f, role);
  return role;
}

void StdioEcho::on_call(uint64_t index, const runtime::ImportedFunc& f, const runtime::Values& args,
                        const runtime::Values& results) {
  switch (role_of(f)) {
    case Role::None: return;
    case Role::GetStdout:
      if (!results.empty()) output_fds_[results[0].rep()] = stdout_fd_;
      return;
    case Role::GetStderr:
      if (!results.empty()) output_fds_[results[0].rep()] = stderr_fd_;
      return;
    case Role::DropStream:
      if (!args.empty()) output_fds_.erase(args[0].rep());
      return;
    case Role::StdoutStream:
    case Role::StderrStream:
      if (!args.empty()) stream_fds_[args[0].as_u32()] = role_of(f) == Role::StdoutStream ? stdout_fd_ : stderr_fd_;
      return;
    case Role::StreamTake: {
      if (args.size() < 2 || !args[1].bytes || index < quiet_before_) return;
      auto fd = stream_fds_.find(args[0].as_u32());
      if (fd != stream_fds_.end()) show(fd->second, index, args[1].str);
      return;
    }
    case Role::Write:
    case Role::WriteZeroes: {
      if (args.size() < 2 || index < quiet_before_) return;
      auto fd = output_fds_.find(args[0].rep());
      if (fd == output_fds_.end()) return;
      if (role_of(f) == Role::Write) {
        if (args[1].bytes) show(fd->second, index, args[1].str);
        return;
      }
      // write-zeroes takes a u64 count from the guest: shown in bounded chunks.
      static const std::string kZeros(64 * 1024, '\0');
      for (uint64_t count = args[1].num; count > 0;) {
        size_t n = static_cast<size_t>(std::min<uint64_t>(count, kZeros.size()));
        show(fd->second, index, std::string_view(kZeros).substr(0, n));
        count -= n;
      }
      return;
    }
  }
}

}  // namespace wasmrr::wasi
