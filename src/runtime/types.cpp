// Resolution of component type definitions into abi::Type: every type index is
// replaced by what it names in the scope's type index space.
#include <fmt/format.h>

#include "runtime/scope.h"

namespace wasmrr::runtime {

using component::DefValType;
using component::FuncTypeDef;
using component::ValType;

std::string TypeItem::describe() const {
  if (val) return fmt::format("value type {}", abi::to_string(*val));
  if (func) return fmt::format("function type {}", abi::to_string(*func));
  if (resource) return fmt::format("resource type {}", resource->name);
  if (instance_type) return "instance type";
  if (component_type) return "component type";
  return "unknown type";
}

Scope* Scope::ancestor(uint32_t count) {
  Scope* s = this;
  for (uint32_t i = 0; i < count; i++) {
    if (!s->parent) throw InstantiationError(fmt::format("outer alias count {} exceeds the nesting depth", count));
    s = s->parent;
  }
  return s;
}

const TypeItem& Scope::type(uint32_t idx) const {
  if (idx >= types.size())
    throw InstantiationError(fmt::format("type index {} out of range ({} types defined)", idx, types.size()));
  return types[idx];
}

abi::TypePtr resolve_valtype(const Scope& s, const ValType& v) {
  if (!v.is_index) return abi::Type::primitive(v.prim);
  const TypeItem& t = s.type(v.index);
  if (!t.val) throw InstantiationError(fmt::format("type index {} is a {}, expected a value type", v.index, t.describe()));
  return t.val;
}

static abi::TypePtr optional_valtype(const Scope& s, const std::optional<ValType>& v) {
  return v ? resolve_valtype(s, *v) : nullptr;
}

static abi::ResourceTypePtr resource_at(const Scope& s, uint32_t idx) {
  const TypeItem& t = s.type(idx);
  if (!t.resource)
    throw InstantiationError(fmt::format("own/borrow of type index {}, which is a {}, not a resource", idx, t.describe()));
  return t.resource;
}

// Anywhere in t: list and option elements, record and tuple fields, variant
// and result cases.
static bool contains_borrow(const abi::Type& t) {
  if (t.kind == abi::Kind::Borrow) return true;
  if (t.elem && contains_borrow(*t.elem)) return true;
  for (const auto& f : t.fields)
    if (contains_borrow(*f.type)) return true;
  for (const auto& c : t.cases)
    if (c.type && contains_borrow(*c.type)) return true;
  return false;
}

// The payload T of stream<T> or future<T> (nullptr if none), validated as
// Binary.md says: no borrow anywhere in T (a borrow is scoped to one call,
// which a stream or future outlives), and no stream<char> for now (the spec
// has yet to say how a string-encoding applies without splitting code points).
static abi::TypePtr resolve_async_payload(const Scope& s, const DefValType& d) {
  std::string_view what = d.kind == abi::Kind::Stream ? "stream" : "future";
  abi::TypePtr elem = optional_valtype(s, d.elem);
  if (!elem) return nullptr;
  if (contains_borrow(*elem))
    throw InstantiationError(fmt::format("`{}<{}>` is not valid: the element type of a stream or future may not "
                                         "contain a borrow",
                                         what, abi::to_string(*elem)));
  if (d.kind == abi::Kind::Stream && elem->kind == abi::Kind::Char)
    throw InstantiationError("`stream<char>` is not valid: a stream's element type may not be char "
                             "(a temporary restriction of the component model)");
  return elem;
}

static abi::TypePtr resolve_defvaltype(const Scope& s, const DefValType& d) {
  using abi::Kind;
  switch (d.kind) {
    case Kind::Record: {
      std::vector<abi::Field> fields;
      for (const auto& f : d.fields) fields.push_back({f.name, resolve_valtype(s, f.type)});
      return abi::Type::record(std::move(fields));
    }
    case Kind::Variant: {
      std::vector<abi::Case> cases;
      for (const auto& c : d.cases) cases.push_back({c.name, optional_valtype(s, c.type)});
      return abi::Type::variant(std::move(cases));
    }
    case Kind::List:
      return abi::Type::list(resolve_valtype(s, *d.elem), d.fixed_len);
    case Kind::Tuple: {
      std::vector<abi::TypePtr> elems;
      for (const auto& e : d.elems) elems.push_back(resolve_valtype(s, e));
      return abi::Type::tuple(std::move(elems));
    }
    case Kind::Flags: return abi::Type::flags(d.labels);
    case Kind::Enum: return abi::Type::enum_(d.labels);
    case Kind::Option: return abi::Type::option(resolve_valtype(s, *d.elem));
    case Kind::Result: return abi::Type::result(optional_valtype(s, d.ok), optional_valtype(s, d.err));
    case Kind::Own: return abi::Type::own(resource_at(s, d.resource));
    case Kind::Borrow: return abi::Type::borrow(resource_at(s, d.resource));
    case Kind::Stream: return abi::Type::stream(resolve_async_payload(s, d));
    case Kind::Future: return abi::Type::future(resolve_async_payload(s, d));
    default: return abi::Type::primitive(d.kind);
  }
}

static abi::FuncTypePtr resolve_functype(const Scope& s, const FuncTypeDef& f) {
  auto ft = std::make_shared<abi::FuncType>();
  ft->async_ = f.async_;
  for (const auto& p : f.params) ft->params.push_back({p.name, resolve_valtype(s, p.type)});
  for (const auto& r : f.results) ft->results.push_back({r.name, resolve_valtype(s, r.type)});
  return ft;
}

TypeItem resolve_typedef(Scope& s, std::shared_ptr<const component::TypeDef> td_ptr) {
  const component::TypeDef& td = *td_ptr;
  TypeItem item;
  if (auto* d = std::get_if<DefValType>(&td.def)) {
    item.val = resolve_defvaltype(s, *d);
  } else if (auto* f = std::get_if<FuncTypeDef>(&td.def)) {
    item.func = resolve_functype(s, *f);
  } else if (auto* r = std::get_if<component::ResourceTypeDef>(&td.def)) {
    // A resource defined by this component instance.
    auto rt = std::make_shared<abi::ResourceType>();
    rt->owner = s.inst;
    auto impl = std::make_shared<ResourceImpl>();
    if (r->dtor) {
      if (*r->dtor >= s.core_funcs.size())
        throw InstantiationError(fmt::format("resource destructor: core func index {} out of range", *r->dtor));
      impl->dtor = s.core_funcs[*r->dtor];
    }
    rt->impl = impl;
    item.resource = rt;
  } else if (auto* it = std::get_if<component::InstanceTypeDef>(&td.def)) {
    item.compound = td_ptr;
    item.instance_type = it;
    item.defining_scope = &s;
  } else if (auto* ct = std::get_if<component::ComponentTypeDef>(&td.def)) {
    item.compound = td_ptr;
    item.component_type = ct;
    item.defining_scope = &s;
  }
  return item;
}

}  // namespace wasmrr::runtime
