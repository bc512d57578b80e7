#include "runtime/module_cache.h"

namespace wasmrr::runtime {

Result<std::shared_ptr<engine::Module>> ModuleCache::get(const std::shared_ptr<const std::vector<uint8_t>>& bytes,
                                                         uint32_t offset, uint32_t size) {
  auto key = std::make_pair(bytes.get(), offset);
  if (auto it = modules_.find(key); it != modules_.end()) return it->second;
  auto compiled = engine_.compile(std::span<const uint8_t>(bytes->data() + offset, size));
  if (!compiled) return compiled.error();
  compilations_++;
  buffers_.push_back(bytes);
  modules_.emplace(key, *compiled);
  return *compiled;
}

Result<void> ModuleCache::compile_all(const component::Component& component) {
  for (const auto& d : component.definitions) {
    if (d.kind == component::Definition::Kind::CoreModule) {
      if (auto m = get(component.bytes, d.module_offset, d.module_size); !m) return m.error();
    } else if (d.kind == component::Definition::Kind::Component && d.component) {
      if (auto r = compile_all(*d.component); !r) return r;
    }
  }
  return {};
}

Result<std::shared_ptr<const SharedModules>> ModuleCache::share() const {
  auto shared = std::make_shared<SharedModules>();
  for (const auto& [key, module] : modules_) {
    auto m = engine_.share(module);
    if (!m) return make_error("this engine cannot share its compiled modules");
    shared->modules_.emplace(key, std::move(m));
  }
  shared->buffers_ = buffers_;
  return std::shared_ptr<const SharedModules>(std::move(shared));
}

Result<std::unique_ptr<ModuleCache>> ModuleCache::adopting(engine::Engine& engine, const SharedModules& shared) {
  auto cache = std::make_unique<ModuleCache>(engine);
  for (const auto& [key, module] : shared.modules_) {
    auto m = engine.adopt(*module);
    if (!m) return m.error();
    cache->modules_.emplace(key, std::move(*m));
  }
  cache->buffers_ = shared.buffers_;
  return cache;
}

}  // namespace wasmrr::runtime
