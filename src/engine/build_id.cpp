#include "engine/build_id.h"

#include <elf.h>
#include <link.h>
#include <unistd.h>

#include <js/AllocPolicy.h>
#include <js/BuildId.h>

#include <cstring>
#include <string>

namespace wasmrr::engine::sm {
namespace {

// The NT_GNU_BUILD_ID note of the loaded libmozjs, as hex; empty without one.
std::string mozjs_build_id() {
  std::string id;
  dl_iterate_phdr(
      [](dl_phdr_info* info, size_t, void* data) -> int {
        if (!info->dlpi_name || !std::strstr(info->dlpi_name, "libmozjs")) return 0;
        auto& out = *static_cast<std::string*>(data);
        for (int i = 0; i < info->dlpi_phnum; i++) {
          const ElfW(Phdr)& ph = info->dlpi_phdr[i];
          if (ph.p_type != PT_NOTE) continue;
          auto* p = reinterpret_cast<const uint8_t*>(info->dlpi_addr + ph.p_vaddr);
          const uint8_t* end = p + ph.p_memsz;
          while (p + sizeof(ElfW(Nhdr)) <= end) {
            auto* note = reinterpret_cast<const ElfW(Nhdr)*>(p);
            const uint8_t* name = p + sizeof(ElfW(Nhdr));
            const uint8_t* desc = name + ((note->n_namesz + 3) & ~3u);
            if (note->n_type == NT_GNU_BUILD_ID && note->n_namesz == 4 && std::memcmp(name, "GNU", 4) == 0 &&
                desc + note->n_descsz <= end) {
              static const char kHex[] = "0123456789abcdef";
              for (uint32_t k = 0; k < note->n_descsz; k++) {
                out += kHex[desc[k] >> 4];
                out += kHex[desc[k] & 15];
              }
              return 1;
            }
            p = desc + ((note->n_descsz + 3) & ~3u);
          }
        }
        return 1;  // libmozjs found, without a build id
      },
      &id);
  return id;
}

bool build_id_op(JS::BuildIdCharVector* out) {
  static const std::string id = [] {
    std::string mozjs = mozjs_build_id();
    return "wasm-rr-mozjs-" + (mozjs.empty() ? "pid" + std::to_string(getpid()) : mozjs);
  }();
  return out->append(id.data(), id.size());
}

}  // namespace

void install_build_id_op() { JS::SetProcessBuildIdOp(build_id_op); }

}  // namespace wasmrr::engine::sm
