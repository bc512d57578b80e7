#include "cli/timeline/timeline_trackers.h"

#include <algorithm>

#include <fmt/format.h>

#include "runtime/host.h"
#include "trace/readable.h"
#include "util/printable.h"
#include "util/utf8.h"

namespace wasmrr::cli::timeline {

using trace::Json;

namespace {

const Json& arg(const trace::Event& e, size_t i) {
  static const Json kNull;
  return i < e.args.size() ? e.args[i] : kNull;
}

const Json& result(const trace::Event& e) {
  static const Json kNull;
  return e.results.size() == 1 ? e.results[0] : kNull;
}

// The ok payload of a result<T, E> value, or nullptr if it is not one.
const Json* ok_of(const Json& j) {
  if (!j.is_object() || j.size() != 1 || !j.contains("ok")) return nullptr;
  return &j["ok"];
}
const Json* err_of(const Json& j) {
  if (!j.is_object() || j.size() != 1 || !j.contains("err")) return nullptr;
  return &j["err"];
}

std::optional<std::string_view> bytes_of(const Json& j) {
  if (!j.is_binary()) return std::nullopt;
  const auto& b = j.get_binary();
  return std::string_view(reinterpret_cast<const char*>(b.data()), b.size());
}


// A line of output for the page: printable (util/printable.h) but for its
// tabs, without the \r of a CRLF line end.
std::string line_text(std::string_view raw) {
  if (!raw.empty() && raw.back() == '\r') raw.remove_suffix(1);
  std::string out;
  for (size_t start = 0;;) {
    size_t tab = raw.find('\t', start);
    out += printable(raw.substr(start, tab == std::string_view::npos ? std::string_view::npos : tab - start));
    if (tab == std::string_view::npos) break;
    out += '\t';
    start = tab + 1;
  }
  return out;
}

// "get" -> "GET", {"other": "PATCH"} -> "PATCH"
std::string method_name(const Json& m) {
  std::string out;
  if (m.is_string()) out = m.get<std::string>();
  else if (m.is_object() && m.contains("other") && m["other"].is_string()) return printable(m["other"].get<std::string>());
  else return "?";
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  return printable(out);
}

std::string optional_string(const Json& j) { return j.is_string() ? printable(j.get<std::string>()) : ""; }

std::string error_text(const Json& j) { return cut_text(trace::readable(j, 64), 200); }

}  // namespace

void Trackers::add(uint64_t index, const std::string& iface, const std::string& func, const trace::Event& e) {
  try {
    if (iface == "wasi:cli/stdout" && func == "get-stdout") {
      if (auto h = handle_of(result(e))) outputs_[*h] = Stream{Stream::Kind::Stdout, {}, 0};
    } else if (iface == "wasi:cli/stderr" && func == "get-stderr") {
      if (auto h = handle_of(result(e))) outputs_[*h] = Stream{Stream::Kind::Stderr, {}, 0};
    } else if ((iface == "wasi:cli/stdout" || iface == "wasi:cli/stderr") && func == "write-via-stream") {
      // WASI 0.3: the guest hands stdout or stderr a stream, whose bytes
      // come to the host as the runtime's take calls (runtime/host.h).
      if (auto h = handle_of(arg(e, 0))) async_stdio_[*h] = iface == "wasi:cli/stdout" ? 1 : 2;
    } else if (iface == runtime::kHostStreamsInterface) {
      async_stream(index, func, e);
    } else if (iface == "wasi:io/streams") {
      streams(index, func, e);
    } else if (iface == "wasi:filesystem/types" || iface == "wasi:filesystem/preopens") {
      filesystem(index, func, e);
    } else if (iface == "wasi:http/types" || iface == "wasi:http/outgoing-handler") {
      http(index, iface, func, e);
    }
  } catch (const std::exception&) {
    // A malformed call (a value of an unexpected type): the page is best effort.
  }
  if (iface == "wasi:io/streams" || iface.starts_with("wasi:filesystem/")) written_.add(e);
}

// --- stdout and stderr ------------------------------------------------------------

void Trackers::line_append(int stream, uint64_t index, std::string_view piece) {
  OpenLine& open = open_[stream];
  if (!open.open) {
    open.open = true;
    open.dropped = lines_.size() >= limits_.stdio_lines;
    if (open.dropped) {
      lines_dropped_++;
    } else {
      lines_.push_back(Line{stream, index, {}});
      open.line = lines_.size() - 1;
    }
  }
  if (open.dropped) return;
  // Raw bytes until the line ends (a character may be split between writes),
  // bounded: cut_text() shortens it for the page.
  std::string& text = lines_[open.line].text;
  size_t room = limits_.line_chars * 4 > text.size() ? limits_.line_chars * 4 - text.size() : 0;
  text.append(piece.substr(0, room));
}

void Trackers::line_end(int stream) {
  OpenLine& open = open_[stream];
  if (open.open && !open.dropped) lines_[open.line].open = false;
  open.open = false;
}

void Trackers::stdio_text(int stream, uint64_t index, std::string_view text, bool whole_line) {
  if (whole_line) {
    line_end(stream);
    line_append(stream, index, text);
    line_end(stream);
    return;
  }
  while (!text.empty()) {
    size_t nl = text.find('\n');
    line_append(stream, index, text.substr(0, nl));
    if (nl == std::string_view::npos) return;
    line_end(stream);
    text.remove_prefix(nl + 1);
  }
}

void Trackers::stdio_write(int stream, uint64_t index, std::string_view bytes) {
  stdio_bytes_[stream] += bytes.size();
  stdio_text(stream, index, bytes);
}

// --- streams: stdio, file and HTTP body writes and reads ----------------------------

// n bytes written to stdout or stderr (1 or 2): `data` as the trace holds
// them, their digest, or (zeroes) their count.
void Trackers::stdio_data(int stream, uint64_t index, const Json& data, uint64_t n, bool zeroes) {
  if (auto bytes = bytes_of(data); bytes && !zeroes) return stdio_write(stream, index, *bytes);
  stdio_bytes_[stream] += n;
  if (!zeroes) stdio_digest_writes_++;
  stdio_text(stream, index,
             zeroes ? fmt::format("[{} zero bytes]", n)
                    : fmt::format("[{} bytes: the trace holds their SHA-256, not the bytes]", n),
             true);
}

void Trackers::streams(uint64_t index, const std::string& func, const trace::Event& e) {
  auto h = handle_of(arg(e, 0));
  if (!h) return;
  if (func == "[resource-drop]output-stream") {
    outputs_.erase(*h);
    return;
  }
  if (func == "[resource-drop]input-stream") {
    inputs_.erase(*h);
    return;
  }
  bool write = func == "[method]output-stream.write" || func == "[method]output-stream.blocking-write-and-flush";
  bool zeroes = func == "[method]output-stream.write-zeroes" || func == "[method]output-stream.blocking-write-zeroes-and-flush";
  if (write || zeroes) {
    auto s = outputs_.find(*h);
    if (s == outputs_.end() || !ok_of(result(e))) return;
    const Json& data = arg(e, 1);
    uint64_t n = zeroes ? (data.is_number_unsigned() ? data.get<uint64_t>() : 0) : byte_count(data);
    switch (s->second.kind) {
      case Stream::Kind::Stdout:
      case Stream::Kind::Stderr:
        stdio_data(s->second.kind == Stream::Kind::Stdout ? 1 : 2, index, data, n, zeroes);
        break;
      case Stream::Kind::File: touch(s->second.path, index); break;
      case Stream::Kind::HttpRequest:
        requests_[s->second.request].request_bytes += n;
        touch_request(s->second.request, index);
        break;
      case Stream::Kind::HttpResponse: break;
    }
    return;
  }
  bool read = func == "[method]input-stream.read" || func == "[method]input-stream.blocking-read";
  bool skip = func == "[method]input-stream.skip" || func == "[method]input-stream.blocking-skip";
  if (read || skip) {
    auto s = inputs_.find(*h);
    const Json* ok = ok_of(result(e));
    if (s == inputs_.end() || !ok) return;
    uint64_t n = skip ? (ok->is_number_unsigned() ? ok->get<uint64_t>() : 0) : byte_count(*ok);
    if (s->second.kind == Stream::Kind::File) {
      File& f = files_[s->second.path];
      f.bytes_read += n;
      f.reads++;
      touch(s->second.path, index);
    } else if (s->second.kind == Stream::Kind::HttpResponse) {
      requests_[s->second.request].response_bytes += n;
      touch_request(s->second.request, index);
    }
  }
}

// WASI 0.3: bytes move through the host's streams as take (the guest wrote)
// and give (the guest read) calls naming the stream's id.
void Trackers::async_stream(uint64_t index, const std::string& func, const trace::Event& e) {
  const Json& id = arg(e, 0);
  if (!id.is_number_unsigned()) return;
  const uint64_t stream = id.get<uint64_t>();
  if (func == "take") {
    if (auto s = async_stdio_.find(stream); s != async_stdio_.end()) {
      stdio_data(s->second, index, arg(e, 1), byte_count(arg(e, 1)), false);
    } else if (auto f = async_files_.find(stream); f != async_files_.end()) {
      touch(f->second, index);
    }
  } else if (func == "give") {
    auto f = async_files_.find(stream);
    const Json& given = result(e);
    if (f == async_files_.end() || given.is_null()) return;  // null: the stream ended
    const uint64_t n = byte_count(given);
    if (n == 0) return;
    File& file = files_[f->second];
    file.bytes_read += n;
    file.reads++;
    touch(f->second, index);
  } else if (func == "dropped") {
    async_files_.erase(stream);
  }
}

// --- files -----------------------------------------------------------------------

// WASI 0.3's file streams: read-via-stream returns (stream, future), and
// write-via-stream and append-via-stream take the guest's stream and return
// a future; the stream's bytes then come as async_stream's calls.
bool Trackers::file_stream_p3(uint64_t index, const std::string& func, const trace::Event& e) {
  const bool read = func == "[method]descriptor.read-via-stream";
  const bool write = func == "[method]descriptor.write-via-stream" || func == "[method]descriptor.append-via-stream";
  if (!read && !write) return false;
  const Json& r = result(e);
  std::optional<uint64_t> stream;
  if (read && r.is_array() && !r.empty()) stream = handle_of(r[0]);
  if (write && handle_of(r)) stream = handle_of(arg(e, 1));
  if (!stream) return false;  // 0.2's shapes
  std::string path = path_of(arg(e, 0));
  touch(path, index);
  if (read && files_.count(path)) files_[path].opened_for_reading = true;
  async_files_[*stream] = std::move(path);
  return true;
}


void Trackers::touch(const std::string& path, uint64_t index) {
  auto it = files_.find(path);
  if (it == files_.end()) {
    if (files_.size() >= limits_.files) {
      files_dropped_++;
      return;
    }
    it = files_.emplace(path, File{}).first;
  }
  if (!it->second.first) it->second.first = index;
  it->second.last = index;
  it->second.events++;
}

void Trackers::filesystem(uint64_t index, const std::string& func, const trace::Event& e) {
  if (func == "get-directories") {
    paths_.preopens(result(e));
    return;
  }
  if (func == "[resource-drop]descriptor") {
    paths_.dropped(arg(e, 0));
    return;
  }
  if (file_stream_p3(index, func, e)) return;
  const Json* ok = ok_of(result(e));
  if (!ok) return;  // what failed read or changed nothing
  if (func == "[method]descriptor.open-at") {
    std::string path = join(arg(e, 0), arg(e, 2));
    paths_.opened(*ok, path);
    touch(path, index);
    if (has_flag(arg(e, 4), "read") && files_.count(path)) files_[path].opened_for_reading = true;
  } else if (func == "[method]descriptor.read") {
    std::string path = path_of(arg(e, 0));
    touch(path, index);
    if (ok->is_array() && !ok->empty() && files_.count(path)) {
      files_[path].bytes_read += byte_count((*ok)[0]);
      files_[path].reads++;
    }
  } else if (func == "[method]descriptor.read-via-stream") {
    std::string path = path_of(arg(e, 0));
    touch(path, index);
    if (auto h = handle_of(*ok)) inputs_[*h] = Stream{Stream::Kind::File, path, 0};
  } else if (func == "[method]descriptor.write-via-stream" || func == "[method]descriptor.append-via-stream") {
    std::string path = path_of(arg(e, 0));
    touch(path, index);
    if (auto h = handle_of(*ok)) outputs_[*h] = Stream{Stream::Kind::File, path, 0};
  } else if (func == "[method]descriptor.write" || func == "[method]descriptor.set-size" ||
             func == "[method]descriptor.set-times") {
    touch(path_of(arg(e, 0)), index);
  } else if (func == "[method]descriptor.create-directory-at" || func == "[method]descriptor.remove-directory-at" ||
             func == "[method]descriptor.unlink-file-at") {
    touch(join(arg(e, 0), arg(e, 1)), index);
  } else if (func == "[method]descriptor.rename-at") {
    touch(join(arg(e, 0), arg(e, 1)), index);
    touch(join(arg(e, 2), arg(e, 3)), index);
  } else if (func == "[method]descriptor.set-times-at" || func == "[method]descriptor.symlink-at") {
    touch(join(arg(e, 0), arg(e, 2)), index);
  } else if (func == "[method]descriptor.link-at") {
    touch(join(arg(e, 3), arg(e, 4)), index);
  }
}

// --- HTTP ------------------------------------------------------------------------

size_t Trackers::new_request(uint64_t index) {
  requests_.push_back(Request{});
  requests_.back().created = index;
  requests_.back().last = index;
  return requests_.size() - 1;
}

void Trackers::touch_request(size_t request, uint64_t index) { requests_[request].last = index; }

Trackers::Request* Trackers::request_of(const std::map<uint64_t, size_t>& handles, const Json& handle) {
  auto h = handle_of(handle);
  if (!h) return nullptr;
  auto it = handles.find(*h);
  return it == handles.end() ? nullptr : &requests_[it->second];
}

void Trackers::http(uint64_t index, const std::string& iface, const std::string& func, const trace::Event& e) {
  const Json& self = arg(e, 0);
  auto row_of = [&](const std::map<uint64_t, size_t>& handles) -> std::optional<size_t> {
    auto h = handle_of(self);
    if (!h) return std::nullopt;
    auto it = handles.find(*h);
    if (it == handles.end()) return std::nullopt;
    touch_request(it->second, index);
    return it->second;
  };
  if (iface == "wasi:http/outgoing-handler") {
    if (func != "handle") return;
    auto row = row_of(outgoing_requests_);
    if (!row) return;
    Request& r = requests_[*row];
    r.sent = index;
    if (const Json* ok = ok_of(result(e))) {
      if (auto h = handle_of(*ok)) futures_[*h] = *row;
    } else if (const Json* err = err_of(result(e))) {
      r.error = error_text(*err);
    }
    return;
  }
  if (func == "[constructor]outgoing-request") {
    auto h = handle_of(result(e));
    if (!h) return;
    if (requests_.size() >= limits_.http_requests) {
      requests_dropped_++;
      return;
    }
    outgoing_requests_[*h] = new_request(index);
    return;
  }
  if (func.starts_with("[method]outgoing-request.")) {
    auto row = row_of(outgoing_requests_);
    if (!row) return;
    Request& r = requests_[*row];
    const Json& value = arg(e, 1);
    if (func == "[method]outgoing-request.set-method") {
      r.method = method_name(value);
    } else if (func == "[method]outgoing-request.set-scheme") {
      if (value.is_string()) r.scheme = printable(value.get<std::string>());
      else if (value.is_object() && value.contains("other")) r.scheme = optional_string(value["other"]);
      else r.scheme.clear();
    } else if (func == "[method]outgoing-request.set-authority") {
      r.authority = optional_string(value);
    } else if (func == "[method]outgoing-request.set-path-with-query") {
      r.path = optional_string(value);
    } else if (func == "[method]outgoing-request.body") {
      if (const Json* ok = ok_of(result(e)))
        if (auto h = handle_of(*ok)) outgoing_bodies_[*h] = *row;
    }
    return;
  }
  if (func == "[method]outgoing-body.write") {
    auto row = row_of(outgoing_bodies_);
    if (!row) return;
    requests_[*row].request_body = true;
    if (const Json* ok = ok_of(result(e)))
      if (auto h = handle_of(*ok)) outputs_[*h] = Stream{Stream::Kind::HttpRequest, {}, *row};
    return;
  }
  if (func == "[method]future-incoming-response.get") {
    auto row = row_of(futures_);
    if (!row) return;
    Request& r = requests_[*row];
    const Json& v = result(e);  // option<result<result<incoming-response, error-code>>>
    if (v.is_null()) return;    // not ready yet
    if (const Json* outer = ok_of(v)) {
      if (const Json* ok = ok_of(*outer)) {
        r.answered = index;
        if (auto h = handle_of(*ok)) responses_[*h] = *row;
      } else if (const Json* err = err_of(*outer)) {
        r.answered = index;
        r.error = error_text(*err);
      }
    }
    return;
  }
  if (func.starts_with("[method]incoming-response.")) {
    auto row = row_of(responses_);
    if (!row) return;
    Request& r = requests_[*row];
    if (func == "[method]incoming-response.status") {
      if (result(e).is_number_unsigned()) r.status = result(e).get<uint64_t>();
    } else if (func == "[method]incoming-response.headers") {
      if (auto h = handle_of(result(e))) response_headers_[*h] = *row;
    } else if (func == "[method]incoming-response.consume") {
      if (const Json* ok = ok_of(result(e)))
        if (auto h = handle_of(*ok)) incoming_bodies_[*h] = *row;
    }
    return;
  }
  if (func == "[method]incoming-body.stream") {
    auto row = row_of(incoming_bodies_);
    if (!row) return;
    requests_[*row].response_body = true;
    if (const Json* ok = ok_of(result(e)))
      if (auto h = handle_of(*ok)) inputs_[*h] = Stream{Stream::Kind::HttpResponse, {}, *row};
    return;
  }
  // The response's content-type, from its headers (fields.entries or fields.get).
  if (func == "[method]fields.entries" || func == "[method]fields.get") {
    auto h = handle_of(self);
    if (!h) return;
    auto it = response_headers_.find(*h);
    if (it == response_headers_.end()) return;
    Request& r = requests_[it->second];
    auto take = [&](const Json& value) {
      if (auto bytes = bytes_of(value)) r.content_type = printable(std::string(bytes->substr(0, 200)));
    };
    if (func == "[method]fields.entries" && result(e).is_array()) {
      for (const auto& pair : result(e))
        if (pair.is_array() && pair.size() == 2 && pair[0].is_string()) {
          std::string name = pair[0].get<std::string>();
          std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
          if (name == "content-type") take(pair[1]);
        }
    } else if (func == "[method]fields.get" && arg(e, 1).is_string()) {
      std::string name = arg(e, 1).get<std::string>();
      std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
      if (name == "content-type" && result(e).is_array() && !result(e).empty()) take(result(e)[0]);
    }
  }
}

// --- the page's data -----------------------------------------------------------

void Trackers::finish(Json& out) {
  Json stdio = Json::object();
  Json lines = Json::array();
  for (const auto& l : lines_) {
    // [stream, event, text]; a line still open at the end has no newline.
    Json row = Json::array({l.stream, l.event, cut_text(line_text(l.text), limits_.line_chars)});
    if (l.open) row.push_back(1);
    lines.push_back(std::move(row));
  }
  stdio["lines"] = std::move(lines);
  stdio["dropped"] = lines_dropped_;
  stdio["stdout_bytes"] = stdio_bytes_[1];
  stdio["stderr_bytes"] = stdio_bytes_[2];
  stdio["digest_writes"] = stdio_digest_writes_;
  out["stdio"] = std::move(stdio);

  Json http = Json::object();
  Json rows = Json::array();
  auto event = [](const std::optional<uint64_t>& e) { return e ? Json(*e) : Json(); };
  for (const auto& r : requests_) {
    Json row = Json::object();
    row["method"] = r.method;
    row["scheme"] = r.scheme;
    row["authority"] = r.authority;
    row["path"] = r.path;
    row["status"] = r.status ? Json(*r.status) : Json();
    row["error"] = r.error;
    row["request_bytes"] = r.request_body ? Json(r.request_bytes) : Json();
    row["response_bytes"] = r.response_body ? Json(r.response_bytes) : Json();
    row["content_type"] = r.content_type;
    row["events"] = Json::array({event(r.created), event(r.sent), event(r.answered), event(r.last)});
    rows.push_back(std::move(row));
  }
  http["requests"] = std::move(rows);
  http["dropped"] = requests_dropped_;
  out["http"] = std::move(http);

  // Every path the guest read, wrote or opened.
  std::map<std::string, Json> by_path;
  for (const auto& [path, f] : files_) {
    Json row = Json::object();
    row["path"] = printable(path);
    row["bytes_read"] = f.bytes_read;
    row["reads"] = f.reads;
    row["opened_for_reading"] = f.opened_for_reading;
    row["written"] = "";
    row["first"] = event(f.first);
    row["last"] = event(f.last);
    row["events"] = f.events;
    by_path[path] = std::move(row);
  }
  for (const auto& [path, change] : written_.changes()) {
    auto it = by_path.find(path);
    if (it == by_path.end()) {
      if (by_path.size() >= limits_.files) continue;
      Json row = Json::object();
      row["path"] = printable(path);
      row["bytes_read"] = 0;
      row["reads"] = 0;
      row["opened_for_reading"] = false;
      row["first"] = Json();
      row["last"] = Json();
      row["events"] = 0;
      it = by_path.emplace(path, std::move(row)).first;
    }
    it->second["written"] = printable(change.describe());
  }
  Json files = Json::object();
  Json frows = Json::array();
  for (auto& [path, row] : by_path) frows.push_back(std::move(row));
  files["paths"] = std::move(frows);
  files["dropped"] = files_dropped_;
  out["files"] = std::move(files);
}

}  // namespace wasmrr::cli::timeline
