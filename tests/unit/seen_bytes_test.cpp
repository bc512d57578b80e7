// The set of bytes seen (rr/seen_bytes.h): recorder (digests only) and
// replayer (bytes too) must agree on what is still there after any sequence.
#include <gtest/gtest.h>

#include <string>

#include "rr/seen_bytes.h"
#include "trace/sha256.h"

namespace wasmrr::rr {
namespace {

std::string page(char c) { return std::string(1000, c); }

TEST(SeenBytes, KeepsTheMostRecentlySeenWithinTheWindow) {
  SeenBytes recorder(2500, false), replayer(2500, true);
  auto see = [&](const std::string& b) {
    std::string d = trace::sha256_hex(b);
    bool r = recorder.see(b, d);
    EXPECT_EQ(replayer.see(b, d), r);
    return r;
  };
  EXPECT_FALSE(see(page('a')));
  EXPECT_FALSE(see(page('b')));
  EXPECT_TRUE(see(page('a')));   // a is now the most recent
  EXPECT_FALSE(see(page('c')));  // 3000 bytes: b leaves
  EXPECT_TRUE(see(page('a')));
  EXPECT_TRUE(see(page('c')));
  EXPECT_FALSE(see(page('b')));  // seen again, as new: a leaves
  EXPECT_EQ(replayer.find(trace::sha256_hex(page('a'))), nullptr);
  ASSERT_NE(replayer.find(trace::sha256_hex(page('c'))), nullptr);
  EXPECT_EQ(*replayer.find(trace::sha256_hex(page('c'))), page('c'));
  EXPECT_EQ(recorder.find(trace::sha256_hex(page('c'))), nullptr);  // the recorder keeps no bytes
  EXPECT_FALSE(see(std::string(3000, 'x')));  // larger than the window: never kept
  EXPECT_FALSE(see(std::string(3000, 'x')));
  EXPECT_TRUE(see(page('c')));  // and it pushed nothing out
}

TEST(SeenBytes, SeeIfKeptComparesTheBytes) {
  SeenBytes replayer(10000, true);
  std::string d = trace::sha256_hex(page('a'));
  replayer.see(page('a'), d);
  EXPECT_FALSE(replayer.see_if_kept(page('b'), d));
  EXPECT_TRUE(replayer.see_if_kept(page('a'), d));
}

}  // namespace
}  // namespace wasmrr::rr
