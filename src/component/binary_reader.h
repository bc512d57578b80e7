// Low-level decoding for the component binary format: the bounded cursor of
// util/byte_reader.h, which names every value it reads, so that a failure
// reads like WABT's "0x0000001a: unexpected end of input while reading u32
// LEB128 (type index)". Internal to component/; parse_component (ast.h) is the
// public entry point and turns ParseError into Result.
#pragma once

#include "util/byte_reader.h"
#include "util/utf8.h"

namespace wasmrr::component::binary {

// The parser reads through the shared bounded reader; ParseError is thrown by
// it and by the parser, and never escapes parse_component.
using ParseError = ByteReadError;
using Reader = ByteReader;
using unicode::find_invalid_utf8;

}  // namespace wasmrr::component::binary
