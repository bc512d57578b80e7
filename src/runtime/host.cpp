#include "runtime/host.h"

#include <charconv>

#include <fmt/format.h>

#include "util/trap.h"

namespace wasmrr::runtime {

abi::Value CallInterposer::call_scalar(const ImportedFunc& f, std::span<const abi::Value> args) {
  Values argv(args.begin(), args.end());
  Values results = call(f, argv);
  return scalar_result(f, results);
}

abi::Value CallInterposer::scalar_result(const ImportedFunc& f, Values& results) {
  if (results.size() != f.type->results.size())
    throw Trap(fmt::format("{} answered {} results for a function with {}", f.name, results.size(), f.type->results.size()));
  return results.empty() ? abi::Value() : std::move(results[0]);
}

std::optional<InterfaceName> parse_interface_name(std::string_view name) {
  // interfacename ::= <namespace>:<package>/<interface>(@<version>)?
  InterfaceName out;
  std::string_view rest = name;
  if (auto at = rest.find('@'); at != std::string_view::npos) {
    out.version = std::string(rest.substr(at + 1));
    rest = rest.substr(0, at);
  }
  auto colon = rest.find(':');
  if (colon == std::string_view::npos || colon == 0) return std::nullopt;
  if (auto slash = rest.find('/', colon); slash != std::string_view::npos) {
    out.package = std::string(rest.substr(0, slash));
    out.interface = std::string(rest.substr(slash + 1));
  } else {
    out.package = std::string(rest);
  }
  return out;
}

FuncName split_func_name(std::string_view name) {
  FuncName out;
  auto hash = name.find('#');
  if (hash == std::string_view::npos) {
    out.func = name;
    return out;
  }
  out.instance = name.substr(0, hash);
  out.func = name.substr(hash + 1);
  out.interface = parse_interface_name(out.instance);
  return out;
}

namespace {

// MAJOR.MINOR.PATCH of a semver 2.0 version without a pre-release; build
// metadata is dropped. nullopt for a pre-release or anything malformed.
std::optional<std::array<uint64_t, 3>> release_version(std::string_view v) {
  if (auto plus = v.find('+'); plus != std::string_view::npos) {
    if (plus + 1 == v.size()) return std::nullopt;  // "1.0.0+" is malformed
    v = v.substr(0, plus);
  }
  std::array<uint64_t, 3> out{};
  for (size_t i = 0; i < 3; ++i) {
    size_t len = 0;
    while (len < v.size() && v[len] >= '0' && v[len] <= '9') ++len;
    if (len == 0 || (len > 1 && v[0] == '0')) return std::nullopt;  // empty, or a leading zero
    if (std::from_chars(v.data(), v.data() + len, out[i]).ec != std::errc()) return std::nullopt;
    v.remove_prefix(len);
    if (i < 2) {
      if (v.empty() || v[0] != '.') return std::nullopt;
      v.remove_prefix(1);
    }
  }
  if (!v.empty()) return std::nullopt;  // a pre-release ("-rc1") or trailing junk
  return out;
}

std::string compat_key(const std::array<uint64_t, 3>& v) {
  if (v[0] != 0) return std::to_string(v[0]);
  if (v[1] != 0) return "0." + std::to_string(v[1]);
  return "0.0." + std::to_string(v[2]);
}

}  // namespace

std::optional<std::string> semver_compat_key(std::string_view version) {
  auto v = release_version(version);
  if (!v) return std::nullopt;
  return compat_key(*v);
}

void HostRegistry::define(std::string_view interface, std::string func, HostFunc fn, abi::FuncTypePtr type) {
  auto [it, inserted] = interfaces_.try_emplace(std::string(interface));
  it->second[std::move(func)] = Entry{std::move(fn), std::move(type)};
  if (!inserted) return;
  auto parsed = parse_interface_name(interface);
  if (!parsed || parsed->version.empty()) return;
  auto version = release_version(parsed->version);
  if (!version) return;
  std::string track = parsed->unversioned() + "@" + compat_key(*version);
  auto [t, fresh] = tracks_.try_emplace(std::move(track), Track{it->first, *version});
  if (!fresh && t->second.version < *version) t->second = Track{it->first, *version};
}

const HostRegistry::Funcs* HostRegistry::interface_for(std::string_view instance_name) const {
  if (auto exact = interfaces_.find(instance_name); exact != interfaces_.end()) return &exact->second;
  auto parsed = parse_interface_name(instance_name);
  if (!parsed || parsed->version.empty()) return nullptr;
  auto key = semver_compat_key(parsed->version);
  if (!key) return nullptr;
  auto track = tracks_.find(parsed->unversioned() + "@" + *key);
  if (track == tracks_.end()) return nullptr;
  return &interfaces_.find(track->second.name)->second;
}

bool HostRegistry::has_interface(std::string_view instance_name) const { return interface_for(instance_name) != nullptr; }

bool HostRegistry::may_import(std::string_view interface) const {
  return !expected_ || expected_->contains(interface.substr(0, interface.find('@')));
}

void HostRegistry::declare(std::string_view interface, std::string func, abi::FuncTypePtr type) {
  define(interface, std::move(func), nullptr, std::move(type));
}

const HostRegistry::Entry* HostRegistry::find_entry(std::string_view instance_name, std::string_view func) const {
  const Funcs* funcs = interface_for(instance_name);
  if (!funcs) return nullptr;
  auto f = funcs->find(func);
  return f == funcs->end() ? nullptr : &f->second;
}

const HostFunc* HostRegistry::find(std::string_view instance_name, std::string_view func) const {
  const Entry* e = find_entry(instance_name, func);
  return e && e->fn ? &e->fn : nullptr;
}

abi::FuncTypePtr HostRegistry::find_type(std::string_view instance_name, std::string_view func) const {
  const Entry* e = find_entry(instance_name, func);
  return e ? e->type : nullptr;
}

void HostRegistry::wrap_all(const Wrapper& wrap) {
  for (auto& [interface, funcs] : interfaces_)
    for (auto& [name, entry] : funcs)
      if (entry.fn) entry.fn = wrap(interface, name, entry.type, std::move(entry.fn));
}

std::vector<std::string> HostRegistry::untyped_functions() const {
  std::vector<std::string> out;
  for (const auto& [interface, funcs] : interfaces_) {
    for (const auto& [name, entry] : funcs) {
      if (!entry.type) out.push_back(interface + "#" + name);
    }
  }
  return out;
}

}  // namespace wasmrr::runtime
