// Aligning two sequences of keys (a longest common subsequence), for
// `wasm-rr diff`: which elements of A correspond to which of B, so that an
// inserted or missing element does not make everything after it differ.
//
// Traces hold up to millions of events, so a full LCS table is out of the
// question. The common prefix and suffix are matched first (usually almost
// everything), then the middle with Myers' O((N+M)·D) algorithm in linear
// space. Its cost grows with D, the number of insertions and deletions, so it
// works against a budget; a middle that exceeds it is aligned coarsely
// instead: on the keys that occur exactly once in each side (patience diff's
// anchors), then each stretch between anchors exactly again on a small
// budget, or else position by position. Alignment::coarse says so.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

namespace wasmrr::trace {

// a[a, a + length) matches b[b, b + length), element by element.
struct Match {
  uint64_t a = 0, b = 0, length = 0;
  bool operator==(const Match&) const = default;
};

struct Alignment {
  // In increasing order of both a and b, not overlapping, not adjacent (a run
  // of matches is one Match).
  std::vector<Match> matches;
  // Some part differed too much for an exact alignment within the budget: the
  // matches are a common subsequence, but maybe not a longest one.
  bool coarse = false;
  uint64_t matched() const;
};

struct AlignOptions {
  // Steps (a diagonal visited or a snake extended) the exact alignment of
  // the middle may take: about a second.
  uint64_t budget = uint64_t{1} << 28;
};

// Keys are compared with ==: pass hashes or small ids.
Alignment align(std::span<const uint64_t> a, std::span<const uint64_t> b, const AlignOptions& options = {});

}  // namespace wasmrr::trace
