// Translate once, instantiate many: the core modules of a component, compiled
// once on an engine and shared by every instantiation that follows (a second
// run in one process, a debugger's re-execution, a served request). Parsing
// already yields a reusable, immutable component::Component; compiling its
// core modules is what costs (hundreds of milliseconds for an interpreter's
// 10 MB module), and this is where that cost is paid once.
//
// A module is known by its bytes' identity, (buffer, offset), so every
// instantiation of the same parsed component — nested components included —
// finds its modules. The cache belongs to one engine and must not outlive it.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <span>
#include <utility>
#include <vector>

#include "component/ast.h"
#include "engine/engine.h"
#include "util/result.h"

namespace wasmrr::runtime {

class ModuleCache;

// A cache's modules as other engines can take them without compiling
// (engine::Engine::share): a server's workers compile a component once
// between them. Immutable once made, so any thread may read it.
class SharedModules {
 public:
  size_t size() const { return modules_.size(); }

 private:
  friend class ModuleCache;
  std::map<std::pair<const std::vector<uint8_t>*, uint32_t>, std::shared_ptr<const engine::SharedModule>> modules_;
  std::vector<std::shared_ptr<const std::vector<uint8_t>>> buffers_;  // keeps the keys' buffers alive
};

class ModuleCache {
 public:
  explicit ModuleCache(engine::Engine& engine) : engine_(engine) {}
  // A cache holding `shared`'s modules, adopted by `engine`: no compilation.
  static Result<std::unique_ptr<ModuleCache>> adopting(engine::Engine& engine, const SharedModules& shared);

  // The compiled module for bytes[offset, offset + size): compiled now if it
  // is not in the cache yet.
  Result<std::shared_ptr<engine::Module>> get(const std::shared_ptr<const std::vector<uint8_t>>& bytes,
                                              uint32_t offset, uint32_t size);

  // Compiles every core module `component` defines, nested components'
  // included, so that instantiating it compiles nothing.
  Result<void> compile_all(const component::Component& component);

  size_t compiled_count() const { return compilations_; }  // how many compilations were done

  // Every module here, for other engines (adopting()); an error if the
  // engine cannot share one (a debugging engine).
  Result<std::shared_ptr<const SharedModules>> share() const;

 private:
  engine::Engine& engine_;
  std::map<std::pair<const std::vector<uint8_t>*, uint32_t>, std::shared_ptr<engine::Module>> modules_;
  std::vector<std::shared_ptr<const std::vector<uint8_t>>> buffers_;  // keeps the keys' buffers alive
  size_t compilations_ = 0;
};

}  // namespace wasmrr::runtime
