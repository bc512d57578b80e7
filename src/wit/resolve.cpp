#include "wit/resolve.h"

#include <deque>
#include <mutex>
#include <optional>
#include <set>

#include <fmt/format.h>

#include "wit/parser.h"

namespace wasmrr::wit {

namespace {

struct ResolveError {
  std::string message;
};

// What a type name denotes: a value type, or a resource (whose bare name
// in a type means an own handle).
struct Named {
  abi::TypePtr type;
  abi::ResourceTypePtr resource;
};

struct InterfaceRef {
  const Package* package;
  const Interface* interface;
  std::string key;  // "wasi:io/streams"
};

std::optional<abi::Kind> primitive(std::string_view n) {
  using abi::Kind;
  static const std::map<std::string_view, Kind> kinds = {
      {"bool", Kind::Bool}, {"s8", Kind::S8},   {"u8", Kind::U8},       {"s16", Kind::S16},
      {"u16", Kind::U16},   {"s32", Kind::S32}, {"u32", Kind::U32},     {"s64", Kind::S64},
      {"u64", Kind::U64},   {"f32", Kind::F32}, {"f64", Kind::F64},     {"float32", Kind::F32},
      {"float64", Kind::F64}, {"char", Kind::Char}, {"string", Kind::String},
      {"error-context", Kind::ErrorContext},
  };
  auto it = kinds.find(n);
  if (it == kinds.end()) return std::nullopt;
  return it->second;
}

std::string strip_version(std::string_view package) {
  return std::string(package.substr(0, package.find('@')));
}

class Resolver {
 public:
  // The package named (unversioned, "wasi:io"), parsed, if it was not
  // given yet; nullptr if there is no such package. Throws ResolveError.
  using Loader = std::function<const Package*(std::string_view package)>;

  explicit Resolver(const std::vector<Package>& packages, Loader load = nullptr) : load_(std::move(load)) {
    for (const Package& p : packages) add(p);
  }

  // `p` must stay where it is while the resolver lives.
  void add(const Package& p) {
    for (const Interface& i : p.interfaces) {
      std::string key = p.name + "/" + i.name;
      if (!interfaces_.emplace(key, InterfaceRef{&p, &i, key}).second)
        throw ResolveError{fmt::format("interface `{}` is defined twice", key)};
    }
  }

  // By unversioned name, "wasi:io/streams"; its package loaded if need be.
  const InterfaceRef* find_interface(std::string_view key) {
    if (auto it = interfaces_.find(key); it != interfaces_.end()) return &it->second;
    if (!load_) return nullptr;
    const Package* p = load_(key.substr(0, key.find('/')));
    if (!p) return nullptr;
    add(*p);
    auto it = interfaces_.find(key);
    return it == interfaces_.end() ? nullptr : &it->second;
  }

  Signatures::Funcs funcs(const InterfaceRef& r, std::map<std::string, std::string, std::less<>>& versions) {
    versions[r.key] = r.package->version;
    Signatures::Funcs out;
    auto add = [&](std::string name, abi::FuncType f, uint32_t line) {
      if (out.contains(name)) throw error(r, line, fmt::format("function `{}` is defined twice", name));
      out.emplace(std::move(name), std::make_shared<const abi::FuncType>(std::move(f)));
    };
    for (const Func& f : r.interface->funcs) add(f.name, func_type(r, f, nullptr), f.line);
    for (const TypeDef& d : r.interface->types) {
      if (d.kind != TypeDef::Kind::Resource) continue;
      abi::ResourceTypePtr res = lookup(r, d.name, d.line).resource;
      for (const Func& m : d.methods) {
        std::string name;
        switch (m.kind) {
          case FuncKind::Constructor: name = "[constructor]" + d.name; break;
          case FuncKind::Method: name = fmt::format("[method]{}.{}", d.name, m.name); break;
          case FuncKind::Static: name = fmt::format("[static]{}.{}", d.name, m.name); break;
          case FuncKind::Plain: name = m.name; break;
        }
        add(std::move(name), func_type(r, m, res), m.line);
      }
      abi::FuncType drop;
      drop.params.push_back({"self", abi::Type::own(res)});
      add("[resource-drop]" + d.name, std::move(drop), d.line);
    }
    return out;
  }

  const std::map<std::string, InterfaceRef, std::less<>>& interfaces() const { return interfaces_; }

 private:
  ResolveError error(const InterfaceRef& r, uint32_t line, std::string_view what) const {
    return ResolveError{fmt::format("{}, line {}: {}", r.key, line, what)};
  }

  abi::FuncType func_type(const InterfaceRef& r, const Func& f, const abi::ResourceTypePtr& res) {
    abi::FuncType out;
    out.async_ = f.async_;
    if (f.kind == FuncKind::Method) out.params.push_back({"self", abi::Type::borrow(res)});
    for (const NamedType& p : f.params) out.params.push_back({p.name, type(r, *p.type)});
    if (f.kind == FuncKind::Constructor) {
      out.results.push_back({"", abi::Type::own(res)});
    } else if (f.result) {
      out.results.push_back({"", type(r, *f.result)});
    }
    return out;
  }

  abi::TypePtr type(const InterfaceRef& r, const TypeExpr& e) {
    using K = TypeExpr::Kind;
    auto arg = [&](size_t i) -> abi::TypePtr { return e.args.at(i) ? type(r, *e.args[i]) : nullptr; };
    switch (e.kind) {
      case K::Name: {
        if (auto k = primitive(e.name)) return abi::Type::primitive(*k);
        Named n = lookup(r, e.name, e.line);
        return n.resource ? abi::Type::own(n.resource) : n.type;
      }
      case K::Own:
      case K::Borrow: {
        Named n = lookup(r, e.name, e.line);
        if (!n.resource) throw error(r, e.line, fmt::format("`{}` is not a resource", e.name));
        return e.kind == K::Own ? abi::Type::own(n.resource) : abi::Type::borrow(n.resource);
      }
      case K::List: return abi::Type::list(arg(0));
      case K::Option: return abi::Type::option(arg(0));
      case K::Result: return e.args.empty() ? abi::Type::result(nullptr, nullptr) : abi::Type::result(arg(0), arg(1));
      case K::Stream: return abi::Type::stream(e.args.empty() ? nullptr : arg(0));
      case K::Future: return abi::Type::future(e.args.empty() ? nullptr : arg(0));
      case K::Tuple: {
        std::vector<abi::TypePtr> elems;
        for (size_t i = 0; i < e.args.size(); ++i) elems.push_back(arg(i));
        return abi::Type::tuple(std::move(elems));
      }
    }
    throw error(r, e.line, "unknown type expression");
  }

  // The named type `name` as seen from interface `r`: defined there, or
  // brought in by a `use`.
  Named lookup(const InterfaceRef& r, std::string_view name, uint32_t line) {
    std::string key = fmt::format("{}#{}", r.key, name);
    if (auto it = named_.find(key); it != named_.end()) return it->second;
    if (!in_progress_.insert(key).second) throw error(r, line, fmt::format("type `{}` refers to itself", name));
    Named out = define(r, name, line);
    in_progress_.erase(key);
    named_.emplace(key, out);
    return out;
  }

  Named define(const InterfaceRef& r, std::string_view name, uint32_t line) {
    for (const TypeDef& d : r.interface->types) {
      if (d.name == name) return typedef_(r, d);
    }
    for (const Use& u : r.interface->uses) {
      for (const Use::Name& n : u.names) {
        if (n.local != name) continue;
        std::string target = (u.package.empty() ? r.package->name : strip_version(u.package)) + "/" + u.interface;
        const InterfaceRef* used = find_interface(target);
        if (!used) throw error(r, u.line, fmt::format("no interface `{}` to use from", target));
        return lookup(*used, n.name, u.line);
      }
    }
    throw error(r, line, fmt::format("unknown type `{}`", name));
  }

  Named typedef_(const InterfaceRef& r, const TypeDef& d) {
    using K = TypeDef::Kind;
    switch (d.kind) {
      case K::Alias: {
        const TypeExpr& e = *d.alias;
        if (e.kind == TypeExpr::Kind::Name && !primitive(e.name)) return lookup(r, e.name, e.line);  // may be a resource
        return {type(r, e), nullptr};
      }
      case K::Record: {
        std::vector<abi::Field> fields;
        for (const NamedType& m : d.members) fields.push_back({m.name, type(r, *m.type)});
        return {abi::Type::record(std::move(fields)), nullptr};
      }
      case K::Variant: {
        std::vector<abi::Case> cases;
        for (const NamedType& m : d.members) cases.push_back({m.name, m.type ? type(r, *m.type) : nullptr});
        return {abi::Type::variant(std::move(cases)), nullptr};
      }
      case K::Enum:
      case K::Flags: {
        std::vector<std::string> labels;
        for (const NamedType& m : d.members) labels.push_back(m.name);
        return {d.kind == K::Enum ? abi::Type::enum_(std::move(labels)) : abi::Type::flags(std::move(labels)), nullptr};
      }
      case K::Resource: {
        auto res = std::make_shared<abi::ResourceType>();
        res->name = d.name;
        return {nullptr, std::move(res)};
      }
    }
    throw error(r, d.line, "unknown type definition");
  }

  Loader load_;
  std::map<std::string, InterfaceRef, std::less<>> interfaces_;
  std::map<std::string, Named, std::less<>> named_;  // by "wasi:io/streams#stream-error"
  std::set<std::string, std::less<>> in_progress_;
};

}  // namespace

struct LazySignatures::State {
  std::mutex mutex;
  std::vector<Text> texts;
  std::deque<Package> parsed;  // a deque: the resolver points into it
  std::set<std::string, std::less<>> parsed_names;
  Signatures resolved;  // the interfaces resolved so far
  bool complete = false;  // every package's
  Resolver resolver{{}, [this](std::string_view package) { return parse(package); }};

  const Package* parse(std::string_view package) {
    if (parsed_names.contains(package)) return nullptr;  // parsed: it lacks what was asked for
    for (const Text& t : texts) {
      if (t.package != package) continue;
      auto p = parse_package(t.text);
      if (!p) throw ResolveError{fmt::format("package {}: {}", package, p.error().message)};
      if (p->name != package) throw ResolveError{fmt::format("the text of package {} is package {}", package, p->name)};
      parsed_names.emplace(package);
      return &parsed.emplace_back(std::move(*p));
    }
    return nullptr;
  }

  // With `mutex` held.
  const Signatures::Funcs* funcs(std::string_view interface) {
    if (auto it = resolved.interfaces_.find(interface); it != resolved.interfaces_.end()) return &it->second;
    const InterfaceRef* ref = resolver.find_interface(interface);
    if (!ref) return nullptr;
    return &resolved.interfaces_.emplace(ref->key, resolver.funcs(*ref, resolved.versions_)).first->second;
  }
};

LazySignatures::LazySignatures(std::vector<Text> texts) : state_(std::make_unique<State>()) {
  state_->texts = std::move(texts);
}

LazySignatures::~LazySignatures() = default;

Result<const Signatures::Funcs*> LazySignatures::funcs(std::string_view interface) const {
  std::lock_guard lock(state_->mutex);
  try {
    return state_->funcs(interface);
  } catch (const ResolveError& e) {
    return make_error(e.message);
  }
}

Result<const Signatures*> LazySignatures::all() const {
  std::lock_guard lock(state_->mutex);
  try {
    if (!state_->complete) {
      for (const Text& t : state_->texts)
        if (const Package* p = state_->parse(t.package)) state_->resolver.add(*p);
      for (size_t k = 0; k < state_->parsed.size(); k++)
        for (const Interface& i : state_->parsed[k].interfaces) state_->funcs(state_->parsed[k].name + "/" + i.name);
      state_->complete = true;
    }
    return &state_->resolved;
  } catch (const ResolveError& e) {
    return make_error(e.message);
  }
}

abi::FuncTypePtr Signatures::find(std::string_view interface, std::string_view func) const {
  auto i = interfaces_.find(interface);
  if (i == interfaces_.end()) return nullptr;
  auto f = i->second.find(func);
  return f == i->second.end() ? nullptr : f->second;
}

std::string Signatures::version_of(std::string_view interface) const {
  auto it = versions_.find(interface);
  return it == versions_.end() ? std::string() : it->second;
}

Result<Signatures> resolve(const std::vector<Package>& packages) {
  try {
    Resolver resolver(packages);
    Signatures out;
    for (const auto& [key, ref] : resolver.interfaces()) out.interfaces_.emplace(key, resolver.funcs(ref, out.versions_));
    return out;
  } catch (const ResolveError& e) {
    return make_error(e.message);
  }
}

}  // namespace wasmrr::wit
