#include "cli/trace_summary.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "cli/options.h"
#include "runtime/host.h"
#include "trace/reader.h"
#include "util/printable.h"

namespace wasmrr::cli {

using trace::Json;

namespace {

// "wasi:filesystem/types@0.2.12#[method]descriptor.write" -> ("wasi:filesystem/types", "[method]descriptor.write")
std::pair<std::string, std::string> split_fn(const std::string& fn) {
  auto name = runtime::split_func_name(fn);
  return {name.interface ? name.interface->unversioned() : "", std::string(name.func)};
}

// The ok payload of a result<T, E> value, or nullptr if the call failed.
const Json* ok_payload(const trace::Event& e) {
  if (e.results.size() != 1 || !e.results[0].is_object() || !e.results[0].contains("ok")) return nullptr;
  return &e.results[0]["ok"];
}

}  // namespace

std::string FileChange::describe() const {
  std::vector<std::string> parts;
  if (directory_created) parts.push_back("directory created");
  if (created_or_truncated) parts.push_back("created or truncated");
  else if (opened_for_writing) parts.push_back("opened for writing");
  if (bytes_written) parts.push_back(fmt::format("{} bytes written", bytes_written));
  if (size_set) parts.push_back("size set");
  if (times_set) parts.push_back("times set");
  for (const auto& l : links_made) parts.push_back(l);
  for (const auto& r : renamed_to) parts.push_back("renamed to " + r);
  if (removed) parts.push_back("removed");
  return fmt::format("{}", fmt::join(parts, ", "));
}

void FileWriteTracker::add(const trace::Event& e) {
  auto [iface, fn] = split_fn(e.fn);
  const Json& a = e.args;
  if (iface == "wasi:filesystem/preopens" && fn == "get-directories") {
    if (e.results.size() == 1) paths_.preopens(e.results[0]);
    return;
  }
  if (iface == "wasi:io/streams") {
    if (fn == "[resource-drop]output-stream" && !a.empty() && handle_of(a[0])) streams_.erase(*handle_of(a[0]));
    if (a.size() < 2 || !handle_of(a[0])) return;
    auto s = streams_.find(*handle_of(a[0]));
    if (s == streams_.end() || !ok_payload(e)) return;
    if (fn == "[method]output-stream.write" || fn == "[method]output-stream.blocking-write-and-flush")
      at(s->second).bytes_written += byte_count(a[1]);
    else if (fn == "[method]output-stream.write-zeroes" || fn == "[method]output-stream.blocking-write-zeroes-and-flush")
      at(s->second).bytes_written += a[1].is_number() ? a[1].get<uint64_t>() : 0;
    return;
  }
  if (iface == runtime::kHostStreamsInterface) {
    // WASI 0.3: what the guest writes into a file's stream comes as take(stream, bytes).
    if (a.size() < 2 || !a[0].is_number_unsigned()) return;
    auto s = async_streams_.find(a[0].get<uint64_t>());
    if (s == async_streams_.end()) return;
    if (fn == "take") at(s->second).bytes_written += byte_count(a[1]);
    else if (fn == "dropped") async_streams_.erase(s);
    return;
  }
  if (iface != "wasi:filesystem/types") return;
  if (fn == "[resource-drop]descriptor") {
    if (!a.empty()) paths_.dropped(a[0]);
    return;
  }
  // WASI 0.3: write-via-stream and append-via-stream take the guest's stream
  // and return a future (no result<>).
  if ((fn == "[method]descriptor.write-via-stream" || fn == "[method]descriptor.append-via-stream") &&
      a.size() >= 2 && e.results.size() == 1 && handle_of(e.results[0]) && handle_of(a[1])) {
    async_streams_[*handle_of(a[1])] = path_of(a[0]);
    return;
  }
  const Json* ok = ok_payload(e);
  if (!ok) return;  // only what succeeded changed anything
  if (fn == "[method]descriptor.open-at" && a.size() >= 5) {
    std::string path = join(a[0], a[2]);
    paths_.opened(*ok, path);
    bool creates = has_flag(a[3], "create") || has_flag(a[3], "truncate");
    if (creates) at(path).created_or_truncated = true;
    if (has_flag(a[4], "write")) at(path).opened_for_writing = true;
  } else if (fn == "[method]descriptor.write" && a.size() >= 2) {
    at(path_of(a[0])).bytes_written += byte_count(a[1]);
  } else if ((fn == "[method]descriptor.write-via-stream" || fn == "[method]descriptor.append-via-stream") && !a.empty()) {
    if (auto s = handle_of(*ok)) streams_[*s] = path_of(a[0]);
  } else if (fn == "[method]descriptor.set-size" && !a.empty()) {
    at(path_of(a[0])).size_set = true;
  } else if (fn == "[method]descriptor.set-times" && !a.empty()) {
    at(path_of(a[0])).times_set = true;
  } else if (fn == "[method]descriptor.set-times-at" && a.size() >= 3) {
    at(join(a[0], a[2])).times_set = true;
  } else if (fn == "[method]descriptor.create-directory-at" && a.size() >= 2) {
    at(join(a[0], a[1])).directory_created = true;
  } else if ((fn == "[method]descriptor.remove-directory-at" || fn == "[method]descriptor.unlink-file-at") && a.size() >= 2) {
    at(join(a[0], a[1])).removed = true;
  } else if (fn == "[method]descriptor.rename-at" && a.size() >= 4) {
    at(join(a[0], a[1])).renamed_to.push_back(join(a[2], a[3]));
  } else if (fn == "[method]descriptor.link-at" && a.size() >= 5) {
    at(join(a[3], a[4])).links_made.push_back("hard link to " + join(a[0], a[2]));
  } else if (fn == "[method]descriptor.symlink-at" && a.size() >= 3) {
    at(join(a[0], a[2])).links_made.push_back("symlink to " + (a[1].is_string() ? a[1].get<std::string>() : "?"));
  }
}

bool FilesWrittenWatcher::wants(std::string_view encoded, std::string_view function) {
  // Only filesystem and stream events matter (`/` may be escaped in JSON text).
  std::string_view about = function.empty() ? encoded : function;
  return about.find("wasi:filesystem") != std::string_view::npos || about.find("wasi:io") != std::string_view::npos ||
         about.find("wasm-rr:async") != std::string_view::npos;
}

void FilesWrittenWatcher::element(const Json& j) {
  if (!j.is_object() || !j.contains("fn")) return;
  auto decoded = trace::decode_element(j);
  try {
    if (decoded && decoded->kind == trace::Element::Kind::Event) tracker_.add(decoded->event);
  } catch (const std::exception&) {
    // A malformed event: the summary is best effort, the replay reports the event.
  }
}

void FilesWrittenWatcher::print(FILE* out) const {
  const auto& changes = tracker_.changes();
  if (changes.empty()) {
    fmt::print(out, "files written: none\n");
    return;
  }
  fmt::print(out, "files written ({} path{}):\n", changes.size(), changes.size() == 1 ? "" : "s");
  // Paths are the guest's choice: escaped (util/printable.h).
  for (const auto& [path, change] : changes) fmt::print(out, "  {}: {}\n", printable(path), printable(change.describe()));
}

bool print_files_written(trace::TraceReader& reader, FILE* out) {
  FilesWrittenWatcher watcher;
  reader.set_observer(&watcher);
  while (true) {
    auto el = reader.next();
    if (!el) {
      reader.set_observer(nullptr);
      fmt::print(stderr, "wasm-rr: error: {}\n", printable(el.error().message));
      return false;
    }
    if (!*el) break;
  }
  reader.set_observer(nullptr);
  watcher.print(out);
  return true;
}

}  // namespace wasmrr::cli
