// Issue 10 (trust) at the unit level: the trace writer's flusher thread, a
// stop record written from another thread, a host exception recorded as the
// end of the run and replayed to the same end, the handle limit, the memory
// cap, and escaping of text for the terminal.
#include <gtest/gtest.h>

#include "temp_files.h"
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <thread>

#include <fmt/format.h>

#include "abi/canonical.h"
#include "component/ast.h"
#include "engine/engine.h"
#include "engine/memory_cap.h"
#include "engine/wasm_binary.h"
#include "rr/recorder.h"
#include "rr/replayer.h"
#include "runtime/instance.h"
#include "wasi/cli/command.h"
#include "trace/reader.h"
#include "trace/writer.h"
#include "util/printable.h"

namespace wasmrr {
namespace {

using test::slurp;
using test::spit;
using test::temp_path;

using namespace std::chrono_literals;

TEST(TraceWriterFlusher, AnElementReachesTheFileWithoutAnotherWrite) {
  std::string path = temp_path("flusher.json");
  auto writer = trace::TraceWriter::create(path, trace::Format::Json);
  ASSERT_TRUE(writer.ok());
  auto start = std::chrono::steady_clock::now();
  (*writer)->write(trace::Json{{"fn", "waiting"}, {"args", trace::Json::array()}, {"results", trace::Json::array()}});
  // Nothing else happens: the guest blocks. The flusher must write it anyway.
  while (slurp(path).find("waiting") == std::string::npos) {
    ASSERT_LT(std::chrono::steady_clock::now() - start, 2s) << "the element never reached the file";
    std::this_thread::sleep_for(100us);
  }
  auto latency = std::chrono::steady_clock::now() - start;
  EXPECT_LT(latency, 200ms);  // the promise is 10 ms; this bounds it loosely for loaded machines
  EXPECT_EQ(slurp(path).find("]\n"), std::string::npos) << "not closed yet";
  ASSERT_TRUE((*writer)->close().ok());
  EXPECT_NE(slurp(path).find("]\n"), std::string::npos);
}

TEST(TraceWriterFlusher, CloseWithCountsTheElementsAndIgnoresLaterWrites) {
  std::string path = temp_path("close_with.json");
  auto writer = trace::TraceWriter::create(path, trace::Format::Json);
  ASSERT_TRUE(writer.ok());
  (*writer)->write(trace::Json{{"format", "x"}});
  (*writer)->write(trace::Json{{"fn", "a"}});
  std::thread other([&] {
    ASSERT_TRUE((*writer)->close_with([](uint64_t n) { return trace::Json{{"end", "signal"}, {"elements", n}}; }).ok());
  });
  other.join();
  (*writer)->write(trace::Json{{"fn", "too late"}});
  std::string text = slurp(path);
  EXPECT_NE(text.find(R"({"end":"signal","elements":2}])"), std::string::npos) << text;
  EXPECT_EQ(text.find("too late"), std::string::npos);
}

// One flusher thread serves every writer (trace/flush_scheduler.h): writers
// on several threads, each with an element waiting and then blocked, all
// reach their files; writers closed (and freed) with a flush still scheduled
// are not flushed after they are gone (ASan would see it).
TEST(TraceWriterFlusher, OneFlusherServesManyWritersAndForgetsClosedOnes) {
  constexpr int kWriters = 16;
  std::vector<std::unique_ptr<trace::TraceWriter>> writers;
  std::vector<std::string> paths;
  for (int i = 0; i < kWriters; i++) {
    paths.push_back(temp_path("many-" + std::to_string(i) + ".json"));
    auto w = trace::TraceWriter::create(paths.back(), trace::Format::Json);
    ASSERT_TRUE(w.ok());
    writers.push_back(std::move(*w));
  }
  std::vector<std::thread> threads;
  for (int i = 0; i < kWriters; i++)
    threads.emplace_back([&, i] { writers[i]->write(trace::Json{{"fn", "waiting-" + std::to_string(i)}}); });
  for (auto& t : threads) t.join();
  for (int round = 0; round < 200; round++) {  // written and closed at once, over and over
    auto w = trace::TraceWriter::create(temp_path("closed.json"), trace::Format::Json);
    ASSERT_TRUE(w.ok());
    (*w)->write(trace::Json{{"fn", "x"}});
  }
  auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < kWriters; i++) {
    while (slurp(paths[i]).find("waiting-" + std::to_string(i)) == std::string::npos) {
      ASSERT_LT(std::chrono::steady_clock::now() - start, 2s) << "writer " << i << "'s element never reached the file";
      std::this_thread::sleep_for(100us);
    }
  }
  for (auto& w : writers) EXPECT_TRUE(w->close().ok());
}

// A full buffer is handed over to the flusher, which writes it at once (the
// writing threads wait only while kMaxPending bytes wait for the disk):
// from several threads at once, every element reaches the file, once, in
// the order each thread wrote it.
TEST(TraceWriterFlusher, FullBuffersReachTheFileInOrderFromManyThreads) {
  for (auto format : {trace::Format::Json, trace::Format::Cbor}) {
    std::string path = temp_path("handed-over." + std::string(trace::format_name(format)));
    auto writer = trace::TraceWriter::create(path, format);
    ASSERT_TRUE(writer.ok());
    (*writer)->write(trace::Json{{"format", "x"}});  // a map first, as a header: what tells CBOR from JSON
    // Elements of about 50 bytes, 8 * kMaxPending in all: many hand-overs, and waits for room.
    constexpr int kThreads = 4, kPerThread = static_cast<int>(8 * trace::TraceWriter::kMaxPending / (kThreads * 50));
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; t++)
      threads.emplace_back([&, t] {
        for (int i = 0; i < kPerThread; i++)
          (*writer)->write(trace::Json{{"fn", fmt::format("t{}", t)}, {"args", trace::Json::array({i})},
                                       {"results", trace::Json::array({std::string(30, 'x')})}});
      });
    for (auto& th : threads) th.join();
    // Most of it is on disk before any flush or close.
    auto start = std::chrono::steady_clock::now();
    while (std::filesystem::file_size(path) < 2 * trace::TraceWriter::kBufferLimit) {
      ASSERT_LT(std::chrono::steady_clock::now() - start, 2s) << "full buffers were not written";
      std::this_thread::sleep_for(100us);
    }
    ASSERT_TRUE((*writer)->close().ok());
    // Every element, once, and each thread's in the order it wrote them.
    auto reader = trace::TraceReader::open(path);
    ASSERT_TRUE(reader.ok()) << reader.error().message;
    std::vector<int> next(kThreads, 0);
    size_t total = 0;
    while (true) {
      auto el = (*reader)->next();
      ASSERT_TRUE(el.ok()) << el.error().message;
      if (!*el) break;
      if (!(**el).contains("fn")) continue;
      int t = std::stoi((**el)["fn"].get<std::string>().substr(1));
      ASSERT_EQ((**el)["args"][0].get<int>(), next[t]) << "thread " << t << "'s elements out of order";
      next[t]++;
      total++;
    }
    EXPECT_EQ(total, size_t{kThreads} * kPerThread);
    EXPECT_FALSE((*reader)->truncated());
  }
}

std::shared_ptr<const component::Component> load_runtime_component(const std::string& name) {
  std::ifstream in(std::string(WASMRR_TEST_DATA_DIR) + "/runtime/" + name, std::ios::binary);
  auto bytes = std::make_shared<std::vector<uint8_t>>(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  auto c = component::parse_component(bytes);
  EXPECT_TRUE(c.ok());
  return c.ok() ? *c : nullptr;
}

runtime::Outcome run_nested(engine::Engine& engine, const runtime::HostRegistry& host,
                            runtime::CallInterposer& interposer, bool require_host) {
  runtime::Runtime rt(engine, host, interposer);
  EXPECT_TRUE(rt.instantiate(load_runtime_component("nested.wasm"), {.require_host_impl = require_host}).ok());
  auto outcome = wasi::run_command(rt);
  EXPECT_TRUE(outcome.ok());
  return outcome.ok() ? *outcome : runtime::Outcome{};
}

// A host function that fails with an ordinary exception (not a WIT error, a
// trap or an exit) ends the run as a trap at that call, recorded as such, and
// the replay reaches the same end at the same call.
TEST(HostFailure, IsRecordedAsTheEndOfTheRunAndReplaysToIt) {
  auto engine = engine::create_engine();
  ASSERT_TRUE(engine.ok());
  runtime::HostRegistry host;
  host.define("test:host/log@0.2.0", "log", [](runtime::Values&) -> runtime::Values {
    throw std::runtime_error("the disk is on fire");
  });
  std::string path = temp_path("host_failure.json");
  runtime::Outcome recorded;
  {
    auto writer = trace::TraceWriter::create(path, trace::Format::Json);
    ASSERT_TRUE(writer.ok());
    trace::Header header;
    header.component_sha256 = "x";
    (*writer)->write(trace::to_json(header));
    rr::Recorder recorder(**writer);
    recorded = run_nested(**engine, host, recorder, true);
    recorder.finish(recorded);
    ASSERT_TRUE((*writer)->close().ok());
  }
  EXPECT_EQ(recorded.kind, runtime::Outcome::Kind::Trapped);
  EXPECT_EQ(recorded.trap_message, "host error: the disk is on fire");
  EXPECT_NE(slurp(path).find(R"("trap":"host error: the disk is on fire")"), std::string::npos) << slurp(path);

  auto reader = trace::TraceReader::open(path);
  ASSERT_TRUE(reader.ok());
  rr::Replayer replayer(**reader);
  ASSERT_TRUE(replayer.read_header().ok());
  runtime::HostRegistry no_host;
  runtime::Outcome replayed = run_nested(**engine, no_host, replayer, false);
  EXPECT_EQ(replayed.kind, runtime::Outcome::Kind::Trapped);
  EXPECT_EQ(replayed.trap_message, recorded.trap_message);
  EXPECT_NO_THROW(replayer.finish(replayed));
}

TEST(HandleLimit, OneHandleMoreThanTheLimitTraps) {
  abi::HandleTable table;
  table.set_max_live(3);
  auto rt = std::make_shared<abi::ResourceType>();
  for (uint32_t i = 0; i < 3; i++) table.add(abi::ResourceHandle{rt, i, true});
  try {
    table.add(abi::ResourceHandle{rt, 9, true});
    FAIL() << "no trap past the limit";
  } catch (const std::exception& e) {
    EXPECT_NE(std::string(e.what()).find("already holds 3 live handles, the limit"), std::string::npos) << e.what();
  }
  table.remove(2);  // dropping one makes room again
  EXPECT_NO_THROW(table.add(abi::ResourceHandle{rt, 9, true}));
}

// (module (memory 2) (func (export "grow") (param i32) (result i32) local.get 0 memory.grow))
const std::vector<uint8_t> kGrowModule = {
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,              // magic, version
    0x01, 0x06, 0x01, 0x60, 0x01, 0x7f, 0x01, 0x7f,              // type: (i32) -> i32
    0x03, 0x02, 0x01, 0x00,                                      // func 0: type 0
    0x05, 0x03, 0x01, 0x00, 0x02,                                // memory: min 2, no max
    0x07, 0x08, 0x01, 0x04, 'g', 'r', 'o', 'w', 0x00, 0x00,      // export "grow"
    0x0a, 0x08, 0x01, 0x06, 0x00, 0x20, 0x00, 0x40, 0x00, 0x0b,  // local.get 0; memory.grow 0; end
};

TEST(MemoryCap, LowersTheDeclaredMaximum) {
  auto info = engine::binary::parse_module(kGrowModule);
  ASSERT_TRUE(info.ok());
  auto capped = engine::cap_memories(kGrowModule, *info, 16);
  ASSERT_TRUE(capped.ok()) << capped.error().message;
  auto capped_info = engine::binary::parse_module(*capped);
  ASSERT_TRUE(capped_info.ok());
  ASSERT_EQ(capped_info->memories.size(), 1u);
  EXPECT_EQ(capped_info->memories[0].limits.min, 2u);
  EXPECT_TRUE(capped_info->memories[0].limits.has_max);
  EXPECT_EQ(capped_info->memories[0].limits.max, 16u);
  auto too_small = engine::cap_memories(kGrowModule, *info, 1);
  ASSERT_FALSE(too_small.ok());
  EXPECT_NE(too_small.error().message.find("more than the memory limit"), std::string::npos);
}

TEST(MemoryCap, MemoryGrowPastTheLimitFails) {
  auto engine = engine::create_engine({.max_memory_pages = 16});
  ASSERT_TRUE(engine.ok());
  auto module = (*engine)->compile(kGrowModule);
  ASSERT_TRUE(module.ok()) << module.error().message;
  auto instance = (*engine)->instantiate(*module, {});
  ASSERT_TRUE(instance.ok()) << instance.error().message;
  auto grow = std::dynamic_pointer_cast<engine::Func>((*instance)->get_export("grow"));
  ASSERT_TRUE(grow);
  auto call = [&](int32_t pages) {
    CoreVal arg = CoreVal::i32(pages), result{};
    engine::Func::CallError error;
    EXPECT_TRUE(grow->call({&arg, 1}, {&result, 1}, &error)) << error.message;
    return result.as_i32();
  };
  EXPECT_EQ(call(14), 2);   // 2 -> 16 pages: at the limit, allowed
  EXPECT_EQ(call(1), -1);   // one more: fails as at a declared maximum
  EXPECT_EQ(call(0), 16);
}

TEST(Printable, EscapesControlsAndBadBytesButKeepsText) {
  EXPECT_EQ(printable("plain text, ünïcödé, 日本"), "plain text, ünïcödé, 日本");
  EXPECT_EQ(printable("a\nb\tc\rd"), "a\\nb\\tc\\rd");
  EXPECT_EQ(printable("\x1b[31mred\x1b]0;title\x07"), "\\e[31mred\\e]0;title\\x07");
  EXPECT_EQ(printable("del\x7f"), "del\\x7f");
  EXPECT_EQ(printable("c1 \xc2\x9b csi"), "c1 \\u009b csi");
  EXPECT_EQ(printable("bad \xff\xfe and cut \xe6\x97"), "bad \\xff\\xfe and cut \\xe6\\x97");
  EXPECT_EQ(printable("overlong \xc0\xaf"), "overlong \\xc0\\xaf");
}

}  // namespace
}  // namespace wasmrr
