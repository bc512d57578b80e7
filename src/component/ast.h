// The parsed form of a component binary: a faithful, unresolved transcription
// of the grammar in the component model's Binary.md. Indices are kept as
// indices (index spaces are built by runtime/ when it walks `definitions` in
// order); nothing here is validated beyond what decoding needs.
//
// Names follow Binary.md: a Component is a sequence of sections; each section
// appends definitions to one or more index spaces.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "abi/type.h"
#include "util/core_val.h"
#include "util/result.h"

namespace wasmrr::component {

// sort ::= 0x00 core:sort | 0x01 func | 0x02 value | 0x03 type | 0x04 component | 0x05 instance
enum class Sort : uint8_t {
  CoreFunc, CoreTable, CoreMemory, CoreGlobal, CoreType, CoreModule, CoreInstance,
  Func, Value, Type, Component, Instance,
};
std::string_view sort_name(Sort s);

struct SortIdx {
  Sort sort = Sort::Func;
  uint32_t idx = 0;
};

// --- Types (type section, 0x07) ---

// valtype ::= primvaltype | typeidx
struct ValType {
  bool is_index = false;
  abi::Kind prim = abi::Kind::Bool;  // when !is_index
  uint32_t index = 0;                // when is_index: a component type index
};

struct NamedValType {
  std::string name;
  ValType type;
};

struct CaseDef {
  std::string name;
  std::optional<ValType> type;
};

// defvaltype: a primitive alias or a compound type. `kind` selects the fields used.
struct DefValType {
  abi::Kind kind = abi::Kind::Bool;
  std::vector<NamedValType> fields;   // Record
  std::vector<CaseDef> cases;         // Variant
  std::vector<ValType> elems;         // Tuple
  std::vector<std::string> labels;    // Flags, Enum
  std::optional<ValType> elem;        // List, Option; Stream, Future (absent: no payload)
  std::optional<uint32_t> fixed_len;  // List (list<T, N>)
  std::optional<ValType> ok, err;     // Result
  uint32_t resource = 0;              // Own, Borrow: a type index
};

// functype ::= 0x40 ps:<paramlist> rs:<resultlist> | 0x43 ps:<paramlist> rs:<resultlist> (async)
struct FuncTypeDef {
  std::vector<NamedValType> params;
  std::vector<NamedValType> results;  // one unnamed result, or named results (older binaries)
  bool async_ = false;                // 0x43: (func async ...)
};

// resourcetype ::= 0x3f 0x7f f?:<funcidx>?
struct ResourceTypeDef {
  std::optional<uint32_t> dtor;  // core func index
};

// externdesc ::= 0x00 0x11 i:<core:typeidx> | 0x01 i:<typeidx> | 0x02 b:<valuebound>
//             | 0x03 b:<typebound> | 0x04 i:<typeidx> | 0x05 i:<typeidx>
struct ExternDesc {
  enum class Kind : uint8_t { CoreModule, Func, Value, Type, Component, Instance };
  Kind kind = Kind::Func;
  uint32_t index = 0;       // type index (CoreModule, Func, Component, Instance; Type when eq)
  bool type_eq = false;     // Type: (eq i); otherwise (sub resource)
  std::optional<ValType> value_type;  // Value
};

struct ImportExportName {
  std::string name;  // e.g. "wasi:cli/stdout@0.2.12" or "get-stdout"
};

struct Alias;
struct CoreTypeDef;
struct TypeDef;

// componentdecl / instancedecl (inside component and instance types)
struct Decl {
  enum class Kind : uint8_t { CoreType, Type, Alias, Import, Export };
  Kind kind = Kind::Type;
  std::shared_ptr<CoreTypeDef> core_type;
  std::shared_ptr<TypeDef> type;
  std::shared_ptr<Alias> alias;
  std::string name;        // Import, Export
  std::string implements, version_suffix;  // Import, Export: name attributes, empty if absent
  ExternDesc desc;         // Import, Export
};

struct ComponentTypeDef { std::vector<Decl> decls; };
struct InstanceTypeDef { std::vector<Decl> decls; };

struct TypeDef {
  std::variant<DefValType, FuncTypeDef, ComponentTypeDef, InstanceTypeDef, ResourceTypeDef> def;
};

// --- Core types (core type section, 0x03) ---
struct CoreModuleDecl {
  enum class Kind : uint8_t { Import, Type, Alias, Export };
  Kind kind = Kind::Import;
  std::string module, name;          // Import (module+name), Export (name)
  std::shared_ptr<CoreTypeDef> type; // Type
  uint32_t outer_count = 0, outer_index = 0;  // Alias (outer core type)
  // Import/Export: the core extern type, kept as raw descriptor bytes' meaning:
  uint8_t extern_kind = 0;           // 0 func, 1 table, 2 memory, 3 global, 4 tag
  uint32_t func_type_index = 0;      // extern_kind == 0
};

struct CoreTypeDef {
  enum class Kind : uint8_t { Func, Module };
  Kind kind = Kind::Func;
  CoreFuncType func;
  std::vector<CoreModuleDecl> module_decls;
};

// --- Aliases (alias section, 0x06) ---
// alias ::= s:<sort> t:<aliastarget>
// aliastarget ::= 0x00 i:<instanceidx> n:<name> | 0x01 i:<core:instanceidx> n:<name> | 0x02 ct:<u32> idx:<u32>
struct Alias {
  enum class Target : uint8_t { InstanceExport, CoreInstanceExport, Outer };
  Sort sort = Sort::Func;
  Target target = Target::InstanceExport;
  uint32_t instance = 0;  // InstanceExport, CoreInstanceExport
  std::string name;       // InstanceExport, CoreInstanceExport
  uint32_t outer_count = 0, outer_index = 0;  // Outer
};

// --- Core instances (0x02) ---
struct CoreInstantiateArg {
  std::string name;
  uint32_t instance = 0;  // core instance index
};
struct CoreInlineExport {
  std::string name;
  SortIdx item;  // a core sort
};
struct CoreInstanceDef {
  bool is_instantiate = true;
  uint32_t module = 0;                        // is_instantiate
  std::vector<CoreInstantiateArg> args;       // is_instantiate
  std::vector<CoreInlineExport> exports;      // !is_instantiate
};

// --- Component instances (0x05) ---
struct InstantiateArg {
  std::string name;
  SortIdx item;
};
struct InstanceDef {
  bool is_instantiate = true;
  uint32_t component = 0;
  std::vector<InstantiateArg> args;
  std::vector<InstantiateArg> exports;  // inline exports: name + sortidx
};

// --- Canonical functions (0x08) ---
struct CanonOpt {
  enum class Kind : uint8_t { Utf8, Utf16, Latin1Utf16, Memory, Realloc, PostReturn, Async, Callback };
  Kind kind = Kind::Utf8;
  uint32_t index = 0;  // Memory: core memory idx; Realloc/PostReturn/Callback: core func idx
};
// The async built-ins (Binary.md's 🔀 and 📝 entries) define one core function
// each, like resource.new; their immediates are kept in the fields below.
struct CanonDef {
  enum class Kind : uint8_t {
    Lift, Lower, ResourceNew, ResourceDrop, ResourceRep,
    // component-model async
    BackpressureInc, BackpressureDec, TaskReturn, TaskCancel, ContextGet, ContextSet, ThreadYield,
    SubtaskCancel, SubtaskDrop,
    StreamNew, StreamRead, StreamWrite, StreamCancelRead, StreamCancelWrite, StreamDropReadable, StreamDropWritable,
    FutureNew, FutureRead, FutureWrite, FutureCancelRead, FutureCancelWrite, FutureDropReadable, FutureDropWritable,
    ErrorContextNew, ErrorContextDebugMessage, ErrorContextDrop,
    WaitableSetNew, WaitableSetWait, WaitableSetPoll, WaitableSetDrop, WaitableJoin,
  };
  Kind kind = Kind::Lift;
  uint32_t func = 0;        // Lift: core func idx; Lower: component func idx
  uint32_t type = 0;        // Lift: func type idx; Resource*: resource type idx; Stream*, Future*: its type idx
  std::vector<CanonOpt> opts;  // Lift, Lower, TaskReturn, {Stream,Future}{Read,Write}, ErrorContext{New,DebugMessage}
  bool async_ = false;       // SubtaskCancel, {Stream,Future}Cancel{Read,Write}: async?
  bool cancellable = false;  // WaitableSetWait, WaitableSetPoll, ThreadYield: cancel?
  uint32_t memory = 0;       // WaitableSetWait, WaitableSetPoll: core memory idx
  CoreType context_type = CoreType::I32;  // ContextGet, ContextSet: i32 (or i64 with memory64)
  uint32_t context_index = 0;             // ContextGet, ContextSet: the slot
  std::vector<NamedValType> results;      // TaskReturn: its resultlist (empty, or one unnamed result)
};
// The spec's spelling of a canon definition, e.g. "lift", "resource.new",
// "stream.read", "waitable-set.wait" (for messages).
std::string_view canon_kind_name(CanonDef::Kind k);

// --- Imports and exports (0x0a, 0x0b) ---
struct ImportDef {
  std::string name;
  // Name attributes (nameattributes 0x02), empty if absent: the interface an
  // import `implements`, and the semver suffix stripped from a canonicalized
  // interface version (e.g. name "wasi:cli/stdout@0.2" + suffix ".12").
  std::string implements, version_suffix;
  ExternDesc desc;
};
struct ExportDef {
  std::string name;
  std::string implements, version_suffix;  // name attributes, as for ImportDef
  SortIdx item;
  std::optional<ExternDesc> desc;  // ascribed type
};

struct StartDef {
  uint32_t func = 0;
  std::vector<uint32_t> args;  // value indices
  uint32_t results = 0;
};

struct Component;

// One definition, in binary order. Each appends to index spaces as Binary.md says.
struct Definition {
  enum class Kind : uint8_t {
    CoreModule, CoreInstance, CoreType, Component, Instance, Alias, Type, Canon, Start, Import, Export,
  };
  Kind kind = Kind::CoreModule;
  uint32_t offset = 0;  // byte offset of this definition in the binary (for errors)

  // CoreModule: the module's bytes (a view into Component::bytes).
  uint32_t module_offset = 0, module_size = 0;
  CoreInstanceDef core_instance;
  std::shared_ptr<CoreTypeDef> core_type;
  std::shared_ptr<Component> component;
  InstanceDef instance;
  Alias alias;
  std::shared_ptr<TypeDef> type;
  CanonDef canon;
  StartDef start;
  ImportDef import;
  ExportDef export_;
};

struct CustomSection {
  std::string name;
  uint32_t offset = 0, size = 0;  // payload within the binary
};

struct Component {
  // The whole binary this component was parsed from (shared by nested components).
  std::shared_ptr<const std::vector<uint8_t>> bytes;
  std::vector<Definition> definitions;
  std::vector<CustomSection> custom_sections;
};

// Parses a component binary. Errors read like
//   "0x00001a3f: unexpected end of section 'type' while reading u32 LEB128 (type index)"
//   "0x00000008: invalid section id 0x13"
// A core module (not a component) is rejected with a message that says so.
Result<std::shared_ptr<Component>> parse_component(std::shared_ptr<const std::vector<uint8_t>> bytes);

}  // namespace wasmrr::component
