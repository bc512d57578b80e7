#include "wasi/cli/rebuilt_stdio.h"

#include <fmt/format.h>

namespace wasmrr::wasi {

namespace {

using abi::Value;

// How much check-write permits: what a pipe takes at once.
constexpr uint64_t kWriteWindow = 65536;

std::optional<uint64_t> recorded_handle(const trace::Json& values, size_t i) {
  if (!values.is_array() || values.size() <= i || !values[i].is_object()) return std::nullopt;
  auto h = values[i].find("handle");
  if (h == values[i].end() || !h->is_number_unsigned()) return std::nullopt;
  return h->get<uint64_t>();
}

}  // namespace

RebuiltStdio::Role RebuiltStdio::role_of_name(std::string_view full_name) {
  runtime::FuncName split = runtime::split_func_name(full_name);
  if (!split.interface) return Role::None;
  std::string iface = split.interface->unversioned();
  std::string_view fn = split.func;
  if (iface == "wasi:cli/stdout") return fn == "get-stdout" ? Role::GetStdout : Role::None;
  if (iface == "wasi:cli/stderr") return fn == "get-stderr" ? Role::GetStderr : Role::None;
  if (iface == "wasi:io/poll") {
    if (fn == "[method]pollable.ready") return Role::PollableReady;
    if (fn == "[method]pollable.block") return Role::PollableBlock;
    if (fn == "[resource-drop]pollable") return Role::DropPollable;
    if (fn == "poll") return Role::Poll;
    return Role::None;
  }
  if (iface != "wasi:io/streams") return Role::None;
  if (fn == "[method]output-stream.check-write") return Role::CheckWrite;
  if (fn == "[method]output-stream.write" || fn == "[method]output-stream.blocking-write-and-flush") return Role::Write;
  if (fn == "[method]output-stream.flush" || fn == "[method]output-stream.blocking-flush") return Role::Flush;
  if (fn == "[method]output-stream.write-zeroes" || fn == "[method]output-stream.blocking-write-zeroes-and-flush")
    return Role::WriteZeroes;
  if (fn == "[method]output-stream.subscribe") return Role::Subscribe;
  if (fn == "[method]output-stream.splice" || fn == "[method]output-stream.blocking-splice") return Role::Splice;
  if (fn == "[resource-drop]output-stream") return Role::DropStream;
  return Role::None;
}

RebuiltStdio::Role RebuiltStdio::role_of(const runtime::ImportedFunc& f) {
  auto cached = roles_.find(&f);
  if (cached != roles_.end()) return cached->second;
  return roles_.emplace(&f, role_of_name(f.name)).first->second;
}

bool RebuiltStdio::all_live_pollables(const Value& list) const {
  if (list.items.empty()) return false;
  size_t live = 0;
  for (const auto& p : list.items) live += live_pollables_.count(p.rep());
  if (live != 0 && live != list.items.size())
    throw rr::NotReplayable("the rebuilt component polls stdout or stderr together with other pollables, which "
                            "--rebuilt cannot split between the live host and the trace");
  return live != 0;
}

bool RebuiltStdio::is_live(const runtime::ImportedFunc& f, const runtime::Values& args) {
  switch (role_of(f)) {
    case Role::None: return false;
    case Role::GetStdout: case Role::GetStderr: return true;
    case Role::Poll: return !args.empty() && all_live_pollables(args[0]);
    case Role::PollableReady: case Role::PollableBlock: case Role::DropPollable:
      return !args.empty() && live_pollables_.count(args[0].rep()) != 0;
    case Role::Splice:
      if (!args.empty() && live_streams_.count(args[0].rep()))
        throw rr::NotReplayable("the rebuilt component splices a stream into stdout or stderr, which --rebuilt "
                                "does not perform");
      return false;
    default: return !args.empty() && live_streams_.count(args[0].rep()) != 0;
  }
}

runtime::Values RebuiltStdio::answer(uint64_t next_event, const runtime::ImportedFunc& f, runtime::Values& args) {
  switch (role_of(f)) {
    case Role::GetStdout: case Role::GetStderr: {
      uint32_t rep = next_rep_++;
      live_streams_[rep] = role_of(f) == Role::GetStdout ? 1 : 2;
      return {Value::own(rep)};
    }
    case Role::CheckWrite: return {Value::ok(Value::u64(kWriteWindow))};
    case Role::Write:
      if (args.size() >= 2) sink_(live_streams_.at(args[0].rep()), next_event, args[1].str);
      return {Value::ok()};
    case Role::WriteZeroes:
      if (args.size() >= 2) {
        static const std::string kZeros(64 * 1024, '\0');
        for (uint64_t count = args[1].num; count > 0;) {
          size_t n = static_cast<size_t>(std::min<uint64_t>(count, kZeros.size()));
          sink_(live_streams_.at(args[0].rep()), next_event, std::string_view(kZeros).substr(0, n));
          count -= n;
        }
      }
      return {Value::ok()};
    case Role::Flush: return {Value::ok()};
    case Role::Subscribe: {
      uint32_t rep = next_rep_++;
      live_pollables_.insert(rep);
      return {Value::own(rep)};
    }
    case Role::DropStream: live_streams_.erase(args[0].rep()); return {};
    case Role::PollableReady: return {Value::boolean(true)};  // stdout and stderr always take more
    case Role::PollableBlock: return {};
    case Role::DropPollable: live_pollables_.erase(args[0].rep()); return {};
    case Role::Poll: {
      std::vector<Value> ready;
      for (uint32_t i = 0; i < args[0].items.size(); i++) ready.push_back(Value::u32(i));
      return {Value::list(std::move(ready))};
    }
    case Role::None: case Role::Splice: break;
  }
  throw rr::NotReplayable(fmt::format("--rebuilt: {} is not performed live", f.name));
}

bool RebuiltStdio::skips(const trace::Event& e) {
  Role role = role_of_name(e.fn);
  auto self = recorded_handle(e.args, 0);
  switch (role) {
    case Role::None: case Role::Splice: return false;
    case Role::GetStdout: case Role::GetStderr:
      if (auto h = recorded_handle(e.results, 0)) recorded_streams_.insert(*h);
      return true;
    case Role::Poll: {
      const trace::Json& list = e.args.empty() ? trace::Json() : e.args[0];
      if (!list.is_array() || list.empty()) return false;
      for (size_t i = 0; i < list.size(); i++)
        if (auto h = recorded_handle(list, i); !h || !recorded_pollables_.count(*h)) return false;
      return true;
    }
    case Role::PollableReady: case Role::PollableBlock:
      return self && recorded_pollables_.count(*self);
    case Role::DropPollable: return self && recorded_pollables_.erase(*self);
    case Role::DropStream: return self && recorded_streams_.erase(*self);
    case Role::Subscribe:
      if (!self || !recorded_streams_.count(*self)) return false;
      if (auto h = recorded_handle(e.results, 0)) recorded_pollables_.insert(*h);
      return true;
    default: return self && recorded_streams_.count(*self);
  }
}

}  // namespace wasmrr::wasi
