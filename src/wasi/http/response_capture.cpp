#include "wasi/http/response_capture.h"

#include "wasi/http/field_text.h"

#include <algorithm>

namespace wasmrr::wasi {
namespace {

using abi::Value;

// own/borrow values and result<own<...>>: the rep, if the call succeeded.
std::optional<uint32_t> handle_of(const Value& v) {
  if (v.kind == abi::Kind::Own || v.kind == abi::Kind::Borrow) return static_cast<uint32_t>(v.num);
  if (v.kind == abi::Kind::Result && v.is_ok() && v.has_payload()) return handle_of(v.payload());
  return std::nullopt;
}

}  // namespace

trace::Json response_json(uint16_t status, const FieldList& headers, const std::string& body) {
  trace::Json h = trace::Json::array();
  for (const auto& [name, value] : headers) h.push_back({name, value});
  return trace::Json{{"status", status}, {"headers", h},
                     {"body", trace::Json::binary(trace::Json::binary_t::container_type(body.begin(), body.end()))}};
}

void ResponseCapture::on_call(uint64_t, const runtime::ImportedFunc& f, const runtime::Values& a,
                              const runtime::Values& r) {
  runtime::FuncName name = runtime::split_func_name(f.name);
  if (!name.interface) return;
  std::string iface = name.interface->unversioned();
  std::string_view fn = name.func;
  auto arg = [&](size_t i) -> const Value* { return i < a.size() ? &a[i] : nullptr; };
  auto result = [&]() -> const Value* { return r.empty() ? nullptr : &r[0]; };
  if (iface == "wasi:io/streams") {
    if ((fn == "[method]output-stream.write" || fn == "[method]output-stream.blocking-write-and-flush") && arg(1)) {
      auto s = streams_.find(static_cast<uint32_t>(arg(0)->num));
      if (s != streams_.end() && result() && result()->is_ok()) bodies_[s->second] += list_bytes(*arg(1));
    } else if (fn == "[resource-drop]output-stream" && arg(0)) {
      streams_.erase(static_cast<uint32_t>(arg(0)->num));
    }
    return;
  }
  if (iface != "wasi:http/types") return;
  if (fn == "[constructor]fields" && result()) {
    fields_[static_cast<uint32_t>(result()->num)] = {};
  } else if (fn == "[static]fields.from-list" && arg(0) && result()) {
    if (auto h = handle_of(*result())) {
      FieldList list;
      for (const Value& e : arg(0)->items) list.emplace_back(lower_ascii(e.items.at(0).str), list_bytes(e.items.at(1)));
      fields_[*h] = std::move(list);
    }
  } else if (fn == "[method]fields.clone" && arg(0) && result()) {
    auto it = fields_.find(static_cast<uint32_t>(arg(0)->num));
    fields_[static_cast<uint32_t>(result()->num)] = it != fields_.end() ? it->second : FieldList{};
  } else if ((fn == "[method]fields.append" || fn == "[method]fields.set" || fn == "[method]fields.delete") && arg(1) &&
             result() && result()->is_ok()) {
    auto it = fields_.find(static_cast<uint32_t>(arg(0)->num));
    if (it == fields_.end()) return;
    std::string key = lower_ascii(arg(1)->str);
    if (fn != "[method]fields.append")
      std::erase_if(it->second, [&](const auto& kv) { return kv.first == key; });
    if (fn == "[method]fields.append" && arg(2)) it->second.emplace_back(key, list_bytes(*arg(2)));
    if (fn == "[method]fields.set" && arg(2))
      for (const Value& v : arg(2)->items) it->second.emplace_back(key, list_bytes(v));
  } else if (fn == "[constructor]outgoing-response" && arg(0) && result()) {
    responses_[static_cast<uint32_t>(result()->num)] = Response{200, static_cast<uint32_t>(arg(0)->num), std::nullopt};
  } else if (fn == "[method]outgoing-response.set-status-code" && arg(1) && result() && result()->is_ok()) {
    auto it = responses_.find(static_cast<uint32_t>(arg(0)->num));
    if (it != responses_.end()) it->second.status = static_cast<uint16_t>(arg(1)->num);
  } else if (fn == "[method]outgoing-response.body" && result()) {
    if (auto b = handle_of(*result())) {
      body_of_[static_cast<uint32_t>(arg(0)->num)] = *b;
      bodies_[*b];
    }
  } else if (fn == "[method]outgoing-body.write" && result()) {
    if (auto s = handle_of(*result())) streams_[*s] = static_cast<uint32_t>(arg(0)->num);
  } else if (fn == "[static]response-outparam.set" && arg(1)) {
    const Value& v = *arg(1);
    if (!v.is_ok()) {
      set_ = trace::Json{{"error", "the guest answered with an error-code"}};
      return;
    }
    auto resp = responses_.find(static_cast<uint32_t>(v.payload().num));
    if (resp == responses_.end()) return;
    auto body = body_of_.find(resp->first);
    std::string bytes = body != body_of_.end() ? bodies_[body->second] : std::string();
    set_ = response_json(resp->second.status, fields_[resp->second.headers], bytes);
    // A body written after set still belongs to it: remember where it goes.
    pending_ = body != body_of_.end() ? std::optional<uint32_t>(body->second) : std::nullopt;
  }
}

trace::Json ResponseCapture::response() const {
  if (!set_) return nullptr;
  trace::Json out = *set_;
  if (pending_ && out.contains("body")) {
    auto it = bodies_.find(*pending_);
    std::string bytes = it != bodies_.end() ? it->second : std::string();
    out["body"] = trace::Json::binary(trace::Json::binary_t::container_type(bytes.begin(), bytes.end()));
  }
  return out;
}

}  // namespace wasmrr::wasi
