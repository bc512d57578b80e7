// The syntax of a WIT package, as parsed (parser.h) and before names are
// resolved (resolve.h). Worlds are skipped: only interfaces define functions.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace wasmrr::wit {

// A type as written: a primitive or named type ("u32", "stream-error",
// "error-context"), or a generic one with its arguments; `_` (result<_, E>)
// is an absent argument.
struct TypeExpr {
  enum class Kind { Name, List, Option, Result, Tuple, Own, Borrow, Stream, Future };
  Kind kind = Kind::Name;
  std::string name;                               // Name; the resource of Own and Borrow
  // List, Option: 1; Result: 0 or 2; Tuple: n; Stream, Future: 0 (bare
  // `stream`, `future`: no payload) or 1.
  std::vector<std::optional<TypeExpr>> args;
  uint32_t line = 0;
};

struct NamedType {
  std::string name;
  std::optional<TypeExpr> type;  // absent: a variant case without payload
};

enum class FuncKind { Plain, Method, Static, Constructor };

struct Func {
  std::string name;            // as written: "write", or "" for a constructor
  FuncKind kind = FuncKind::Plain;
  bool async_ = false;         // `async func` (WASI 0.3); a constructor never is
  std::vector<NamedType> params;
  std::optional<TypeExpr> result;
  uint32_t line = 0;
};

struct TypeDef {
  enum class Kind { Alias, Record, Variant, Enum, Flags, Resource };
  Kind kind = Kind::Alias;
  std::string name;
  std::optional<TypeExpr> alias;      // Alias
  std::vector<NamedType> members;     // Record fields, Variant cases; Enum and Flags: names only
  std::vector<Func> methods;          // Resource: methods, statics and its constructor
  uint32_t line = 0;
};

// `use path.{name as local, ...}`: path is an interface of this package
// ("error") or of another ("wasi:io/streams@0.2.12").
struct Use {
  std::string package;    // "wasi:io"; empty for this package
  std::string interface;  // "streams"
  struct Name {
    std::string name;
    std::string local;  // the name it gets here
  };
  std::vector<Name> names;
  uint32_t line = 0;
};

struct Interface {
  std::string name;
  std::vector<Use> uses;
  std::vector<TypeDef> types;
  std::vector<Func> funcs;
};

struct Package {
  std::string name;     // "wasi:io"
  std::string version;  // "0.2.12", or empty
  std::vector<Interface> interfaces;
};

}  // namespace wasmrr::wit
