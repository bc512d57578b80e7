#include "trace/alignment.h"

#include <algorithm>
#include <utility>

namespace wasmrr::trace {

uint64_t Alignment::matched() const {
  uint64_t n = 0;
  for (const auto& m : matches) n += m.length;
  return n;
}

namespace {

// A half-open range of each sequence: a[a0, a1) and b[b0, b1).
struct Range {
  uint64_t a0, a1, b0, b1;
  uint64_t size() const { return (a1 - a0) + (b1 - b0); }
};

class Aligner {
 public:
  Aligner(std::span<const uint64_t> a, std::span<const uint64_t> b) : a_(a), b_(b) {}

  Alignment run(uint64_t budget) {
    budget_ = budget;
    around_ends({0, a_.size(), 0, b_.size()}, [&](Range middle) {
      size_t mark = out_.matches.size();
      if (exact(middle)) return;
      out_.matches.resize(mark);
      out_.coarse = true;
      coarse(middle);
    });
    merge_adjacent();
    return std::move(out_);
  }

 private:
  enum class Bisect { Split, Disjoint, Exhausted };

  void add(uint64_t a, uint64_t b, uint64_t length) {
    if (length) out_.matches.push_back({a, b, length});
  }

  // Matches the common prefix and suffix of r, and calls middle() on what is
  // between them in between, so that the matches stay in order.
  template <typename F>
  void around_ends(Range r, F&& middle) {
    uint64_t prefix = 0;
    while (r.a0 + prefix < r.a1 && r.b0 + prefix < r.b1 && a_[r.a0 + prefix] == b_[r.b0 + prefix]) prefix++;
    add(r.a0, r.b0, prefix);
    r.a0 += prefix;
    r.b0 += prefix;
    uint64_t suffix = 0;
    while (r.a1 - suffix > r.a0 && r.b1 - suffix > r.b0 && a_[r.a1 - suffix - 1] == b_[r.b1 - suffix - 1]) suffix++;
    r.a1 -= suffix;
    r.b1 -= suffix;
    if (r.a0 < r.a1 && r.b0 < r.b1) middle(r);
    add(r.a1, r.b1, suffix);
  }

  bool spend(uint64_t steps) {
    if (steps > budget_) {
      budget_ = 0;
      return false;
    }
    budget_ -= steps;
    return true;
  }

  // A longest common subsequence of r; false when the budget ran out (the
  // matches added since are then to be dropped).
  bool exact(Range r) {
    bool ok = true;
    around_ends(r, [&](Range m) {
      uint64_t x = 0, y = 0;
      switch (bisect(m, x, y)) {
        case Bisect::Split:
          ok = exact({m.a0, m.a0 + x, m.b0, m.b0 + y}) && exact({m.a0 + x, m.a1, m.b0 + y, m.b1});
          break;
        case Bisect::Disjoint: break;
        case Bisect::Exhausted: ok = false; break;
      }
    });
    return ok;
  }

  // Myers' middle snake (as in diff-match-patch's diff_bisect): furthest
  // reaching paths from both corners, d edits at a time, until they overlap;
  // the point where they do lies on a shortest edit path, so the two halves
  // can be aligned separately. r's ends differ (around_ends stripped them).
  Bisect bisect(Range r, uint64_t& split_x, uint64_t& split_y) {
    const uint64_t* a = a_.data() + r.a0;
    const uint64_t* b = b_.data() + r.b0;
    const auto n = static_cast<int64_t>(r.a1 - r.a0), m = static_cast<int64_t>(r.b1 - r.b0);
    const int64_t max_d = (n + m + 1) / 2;
    const int64_t offset = max_d + 1, length = 2 * max_d + 2;
    forward_.assign(static_cast<size_t>(length), -1);
    backward_.assign(static_cast<size_t>(length), -1);
    forward_[offset + 1] = 0;
    backward_[offset + 1] = 0;
    const int64_t delta = n - m;
    const bool front = delta % 2 != 0;  // the paths meet after a forward step
    int64_t k1_start = 0, k1_end = 0, k2_start = 0, k2_end = 0;  // diagonals that left the grid
    for (int64_t d = 0; d < max_d; d++) {
      for (int64_t k1 = -d + k1_start; k1 <= d - k1_end; k1 += 2) {
        int64_t k1_at = offset + k1;
        int64_t x1 = k1 == -d || (k1 != d && forward_[k1_at - 1] < forward_[k1_at + 1]) ? forward_[k1_at + 1]
                                                                                        : forward_[k1_at - 1] + 1;
        int64_t y1 = x1 - k1, from = x1;
        while (x1 < n && y1 < m && a[x1] == b[y1]) x1++, y1++;
        if (!spend(static_cast<uint64_t>(1 + x1 - from))) return Bisect::Exhausted;
        forward_[k1_at] = x1;
        if (x1 > n) {
          k1_end += 2;
        } else if (y1 > m) {
          k1_start += 2;
        } else if (front) {
          int64_t k2_at = offset + delta - k1;
          if (k2_at >= 0 && k2_at < length && backward_[k2_at] != -1 && x1 >= n - backward_[k2_at]) {
            split_x = static_cast<uint64_t>(x1), split_y = static_cast<uint64_t>(y1);
            return Bisect::Split;
          }
        }
      }
      for (int64_t k2 = -d + k2_start; k2 <= d - k2_end; k2 += 2) {
        int64_t k2_at = offset + k2;
        int64_t x2 = k2 == -d || (k2 != d && backward_[k2_at - 1] < backward_[k2_at + 1]) ? backward_[k2_at + 1]
                                                                                         : backward_[k2_at - 1] + 1;
        int64_t y2 = x2 - k2, from = x2;
        while (x2 < n && y2 < m && a[n - x2 - 1] == b[m - y2 - 1]) x2++, y2++;
        if (!spend(static_cast<uint64_t>(1 + x2 - from))) return Bisect::Exhausted;
        backward_[k2_at] = x2;
        if (x2 > n) {
          k2_end += 2;
        } else if (y2 > m) {
          k2_start += 2;
        } else if (!front) {
          int64_t k1_at = offset + delta - k2;
          if (k1_at >= 0 && k1_at < length && forward_[k1_at] != -1) {
            int64_t x1 = forward_[k1_at], y1 = offset + x1 - k1_at;
            if (x1 >= n - x2) {
              split_x = static_cast<uint64_t>(x1), split_y = static_cast<uint64_t>(y1);
              return Bisect::Split;
            }
          }
        }
      }
    }
    return Bisect::Disjoint;  // no element in common
  }

  // Too many differences for the budget: anchor on the keys found exactly
  // once on each side, in the longest run of them that is in order on both
  // (patience diff), and align what lies between anchors on its own.
  void coarse(Range r) {
    uint64_t a0 = r.a0, b0 = r.b0;
    for (auto [x, y] : unique_anchors(r)) {
      between_anchors({a0, x, b0, y});
      add(x, y, 1);
      a0 = x + 1, b0 = y + 1;
    }
    between_anchors({a0, r.a1, b0, r.b1});
  }

  // Exactly on a budget that grows with the stretch (so that all of them
  // together cost a bounded multiple of the trace's length), else position
  // by position.
  void between_anchors(Range r) {
    around_ends(r, [&](Range m) {
      budget_ = 64 * m.size() + 4096;
      size_t mark = out_.matches.size();
      if (exact(m)) return;
      out_.matches.resize(mark);
      for (uint64_t i = 0; m.a0 + i < m.a1 && m.b0 + i < m.b1; i++)
        if (a_[m.a0 + i] == b_[m.b0 + i]) add(m.a0 + i, m.b0 + i, 1);
    });
  }

  std::vector<std::pair<uint64_t, uint64_t>> unique_anchors(Range r) const {
    auto sorted = [](std::span<const uint64_t> keys, uint64_t from, uint64_t to) {
      std::vector<std::pair<uint64_t, uint64_t>> v;  // (key, position)
      v.reserve(to - from);
      for (uint64_t i = from; i < to; i++) v.emplace_back(keys[i], i);
      std::sort(v.begin(), v.end());
      return v;
    };
    auto ka = sorted(a_, r.a0, r.a1), kb = sorted(b_, r.b0, r.b1);
    auto once = [](const auto& v, size_t i) {
      return (i == 0 || v[i - 1].first != v[i].first) && (i + 1 == v.size() || v[i + 1].first != v[i].first);
    };
    std::vector<std::pair<uint64_t, uint64_t>> pairs;  // (position in a, position in b)
    for (size_t i = 0, j = 0; i < ka.size() && j < kb.size();) {
      if (ka[i].first < kb[j].first) {
        i++;
      } else if (kb[j].first < ka[i].first) {
        j++;
      } else {
        if (once(ka, i) && once(kb, j)) pairs.emplace_back(ka[i].second, kb[j].second);
        uint64_t key = ka[i].first;
        while (i < ka.size() && ka[i].first == key) i++;
        while (j < kb.size() && kb[j].first == key) j++;
      }
    }
    std::sort(pairs.begin(), pairs.end());
    return longest_increasing(pairs);
  }

  // The longest subsequence of `pairs` (sorted by .first) whose .second increases.
  static std::vector<std::pair<uint64_t, uint64_t>> longest_increasing(const std::vector<std::pair<uint64_t, uint64_t>>& pairs) {
    std::vector<size_t> tails;                        // tails[k]: the pair ending the best run of length k+1
    std::vector<size_t> before(pairs.size(), SIZE_MAX);  // the pair before it in its run
    for (size_t i = 0; i < pairs.size(); i++) {
      auto at = std::lower_bound(tails.begin(), tails.end(), pairs[i].second,
                                 [&](size_t t, uint64_t y) { return pairs[t].second < y; });
      if (at != tails.begin()) before[i] = *(at - 1);
      if (at == tails.end()) tails.push_back(i);
      else *at = i;
    }
    std::vector<std::pair<uint64_t, uint64_t>> run;
    for (size_t i = tails.empty() ? SIZE_MAX : tails.back(); i != SIZE_MAX; i = before[i]) run.push_back(pairs[i]);
    std::reverse(run.begin(), run.end());
    return run;
  }

  void merge_adjacent() {
    std::vector<Match> merged;
    for (const auto& m : out_.matches) {
      if (!merged.empty() && merged.back().a + merged.back().length == m.a && merged.back().b + merged.back().length == m.b)
        merged.back().length += m.length;
      else
        merged.push_back(m);
    }
    out_.matches = std::move(merged);
  }

  std::span<const uint64_t> a_, b_;
  Alignment out_;
  uint64_t budget_ = 0;
  std::vector<int64_t> forward_, backward_;  // per diagonal: the furthest x reached from each corner
};

}  // namespace

Alignment align(std::span<const uint64_t> a, std::span<const uint64_t> b, const AlignOptions& options) {
  return Aligner(a, b).run(options.budget);
}

}  // namespace wasmrr::trace
