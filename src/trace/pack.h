// A pack (.wasmrr): a component and one trace of it in one file, a bug report
// to send. It is a POSIX tar archive (pax format), so standard tools list and
// extract it (`tar tf bug.wasmrr`); its members, in this order:
//
//   wasm-rr-pack.json  the manifest (PackManifest): which member is which
//   NAME.wasm          the component, byte for byte as recorded
//   trace.json         the trace (or trace.cbor), byte for byte
//
// The manifest comes first so that a reader knows the members before it meets
// them, and the trace last so that it can be read streaming (from a pipe too)
// right after the component was skipped. See docs/packs.md.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "trace/raw_input.h"
#include "util/result.h"

namespace wasmrr::trace {

constexpr const char* kPackFormatName = "wasm-rr-pack";
constexpr int kPackFormatVersion = 1;
constexpr const char* kPackManifestName = "wasm-rr-pack.json";

struct PackManifest {
  std::string component;         // member name, e.g. "hello.wasm"
  std::string component_sha256;
  std::string trace;             // member name: "trace.json" or "trace.cbor"
  std::string wasm_rr_version;   // of the wasm-rr that packed it
};

// Whether these first bytes of a file are a tar archive's (the "ustar" magic
// of its first header); is_pack_file() reads a file's first block.
constexpr size_t kTarBlock = 512;
bool looks_like_tar(std::string_view first_block);
bool is_pack_file(const std::string& path);

// Writes the pack to `out_path` (through a temporary file next to it, renamed
// into place: a pack is never half written). `trace_path` must be a regular file.
Result<void> write_pack(const std::string& out_path, const PackManifest& manifest,
                        std::span<const uint8_t> component, const std::string& trace_path);

// Reads a pack member by member, streaming, from `input` (the pack's bytes).
class PackReader {
 public:
  // `name` is the pack's path, for messages. Reads the manifest.
  static Result<std::unique_ptr<PackReader>> open(std::unique_ptr<RawInput> input, std::string name);
  ~PackReader();
  const PackManifest& manifest() const { return manifest_; }

  // The component's bytes (at most `max_bytes`); the trace can still be read after.
  Result<std::vector<uint8_t>> read_component(uint64_t max_bytes);
  // The trace member as an input of its own, and its size; the reader is
  // given up to it.
  struct TraceMember {
    std::unique_ptr<RawInput> input;
    uint64_t size = 0;
  };
  static Result<TraceMember> trace_input(std::unique_ptr<PackReader> reader);

 private:
  struct Archive;
  PackReader(std::unique_ptr<Archive> archive, std::string name);
  Result<void> seek(const std::string& member);  // forward to the member's data
  Result<std::string> read_small(uint64_t max_bytes, const char* what);

  std::unique_ptr<Archive> archive_;
  std::string name_;
  PackManifest manifest_;
  std::string current_;        // the member whose data is next
  uint64_t current_size_ = 0;  // its size
};

// The pack file at `path`: its component (at most max_bytes) and manifest.
struct PackedComponent {
  PackManifest manifest;
  std::vector<uint8_t> bytes;
};
Result<PackedComponent> read_packed_component(const std::string& path, uint64_t max_bytes);

}  // namespace wasmrr::trace
