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

}  // namespace wasmrr::runtime
