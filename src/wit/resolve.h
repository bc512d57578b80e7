// Resolution of parsed WIT packages to the Canonical ABI's types: every named
// type (records, variants, enums, flags, aliases, resources, `use` across
// interfaces and packages) replaced by the abi::Type it denotes, and every
// function of an interface given its abi::FuncType under the name the
// component model mangles it to: "now", "[method]output-stream.write",
// "[static]fields.from-list", "[constructor]fields"; each resource also gets
// "[resource-drop]<name>", func(self: own<name>).
//
// A resource becomes one abi::ResourceType named as in WIT (owner nullptr),
// shared by every function that mentions it; a handle type names it. A bare
// resource name in a type means own<resource>; `self` of a method is
// borrow<resource>. An `async func` keeps its name (the component model
// marks async in the function type, not the name): its FuncType has async_.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "abi/type.h"
#include "util/result.h"
#include "wit/ast.h"

namespace wasmrr::wit {

class Signatures {
 public:
  using Funcs = std::map<std::string, abi::FuncTypePtr, std::less<>>;

  // The type of `func` of `interface` (unversioned: "wasi:io/streams"); nullptr if none.
  abi::FuncTypePtr find(std::string_view interface, std::string_view func) const;

  // Every interface ("wasi:io/streams") with its functions.
  const std::map<std::string, Funcs, std::less<>>& interfaces() const { return interfaces_; }
  // The version of an interface's package ("0.2.12"); empty if unversioned or unknown.
  std::string version_of(std::string_view interface) const;

 private:
  friend Result<Signatures> resolve(const std::vector<Package>& packages);
  friend class LazySignatures;
  std::map<std::string, Funcs, std::less<>> interfaces_;
  std::map<std::string, std::string, std::less<>> versions_;
};

// Resolves all packages together (a `use` may name an interface of any of
// them, with or without its version). Errors name the interface and line.
Result<Signatures> resolve(const std::vector<Package>& packages);

// The same signatures, resolved as they are asked for: an interface's
// functions when first asked for, and a package's text parsed only when
// first needed (an interface of it asked for, or named by a `use`). For a
// host that knows many packages and a guest that imports a few of them: a
// C hello world needs the WASI packages io, clocks, random, cli and
// filesystem, not sockets and http, which are half the text. Types are
// shared as in resolve(): one ResourceType per resource, whichever way it
// was reached. Thread-safe.
class LazySignatures {
 public:
  struct Text {
    std::string_view package;  // "wasi:io" (its `package` line must say so)
    std::string_view text;     // its WIT
  };
  // `texts` (their characters) must outlive this.
  explicit LazySignatures(std::vector<Text> texts);
  ~LazySignatures();
  LazySignatures(const LazySignatures&) = delete;
  LazySignatures& operator=(const LazySignatures&) = delete;

  // An interface's functions ("wasi:io/streams"); nullptr if no package has
  // it. An error is a text that does not parse or resolve.
  Result<const Signatures::Funcs*> funcs(std::string_view interface) const;
  // Every package's (all of them parsed and resolved).
  Result<const Signatures*> all() const;

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace wasmrr::wit
