// What recording adds to one host call: the recorder's cost per event
// (encoding it, handing it to the trace writer, the writer's thread writing
// it out) for a clock-like scalar import, `now() -> u64`, and for a
// random-like one that returns bytes, `get-random-bytes(8) -> list<u8>`,
// against the same calls through the plain interposer (`run`). Each format writes a real trace
// file in a temporary directory. Run: record_bench (`ninja bench` runs it).
#include <benchmark/benchmark.h>

#include <filesystem>
#include <unistd.h>

#include "abi/type.h"
#include "rr/recorder.h"
#include "runtime/host.h"
#include "trace/trace.h"
#include "trace/writer.h"

namespace {

using namespace wasmrr;

// A monotonic clock's readings: 19 digits, changing every call, as real ones.
struct NowFunc {
  uint64_t reading = 1'700'000'000'000'000'000;
  runtime::HostFunc impl = [this](runtime::Values&) { return runtime::Values{abi::Value::u64(reading += 137)}; };
  runtime::ImportedFunc func;
  NowFunc() {
    auto type = std::make_shared<abi::FuncType>();
    type->results.push_back({"", abi::Type::primitive(abi::Kind::U64)});
    func = {"wasi:clocks/monotonic-clock@0.2.0#now", type, &impl};
  }
};

// Eight bytes that change every call (xorshift), as random draws do.
struct BytesFunc {
  uint64_t state = 0x9e3779b97f4a7c15;
  runtime::HostFunc impl = [this](runtime::Values& args) {
    std::string bytes(args.at(0).as_u64(), '\0');
    for (char& b : bytes) {
      state ^= state << 13, state ^= state >> 7, state ^= state << 17;
      b = static_cast<char>(state);
    }
    return runtime::Values{abi::Value::byte_list(std::move(bytes))};
  };
  runtime::ImportedFunc func;
  BytesFunc() {
    auto type = std::make_shared<abi::FuncType>();
    type->params.push_back({"len", abi::Type::primitive(abi::Kind::U64)});
    type->results.push_back({"", abi::Type::list(abi::Type::primitive(abi::Kind::U8))});
    func = {"wasi:random/random@0.2.0#get-random-bytes", type, &impl};
  }
};

void Run(benchmark::State& state) {
  NowFunc now;
  runtime::PassthroughInterposer run;
  for (auto _ : state) benchmark::DoNotOptimize(run.call_scalar(now.func, {}));
}

void RunBytes(benchmark::State& state) {
  BytesFunc random;
  runtime::PassthroughInterposer run;
  for (auto _ : state) {
    runtime::Values args{abi::Value::u64(8)};
    benchmark::DoNotOptimize(run.call(random.func, args));
  }
}

// Records `call(recorder)` once per iteration into a real trace file of
// `format`, removed after; counts the trace's bytes per event.
template <typename Call>
void record_calls(benchmark::State& state, trace::TraceFormat format, Call call) {
  std::string path = (std::filesystem::temp_directory_path() /
                      ("wasmrr-record-bench-" + std::to_string(getpid()) + "." + trace::trace_format_name(format)))
                         .string();
  auto writer = trace::TraceWriter::create(path, format);
  if (!writer) return state.SkipWithError(writer.error().message.c_str());
  {
    rr::Recorder recorder(**writer);
    for (auto _ : state) call(recorder);
    (void)(*writer)->close();
    state.counters["bytes/event"] =
        static_cast<double>(std::filesystem::file_size(path)) / static_cast<double>(state.iterations());
  }
  std::filesystem::remove(path);
}

void Record(benchmark::State& state, trace::TraceFormat format) {
  NowFunc now;
  record_calls(state, format, [&](rr::Recorder& r) { benchmark::DoNotOptimize(r.call_scalar(now.func, {})); });
}

void RecordBytes(benchmark::State& state, trace::TraceFormat format) {
  BytesFunc random;
  record_calls(state, format, [&](rr::Recorder& r) {
    runtime::Values args{abi::Value::u64(8)};
    benchmark::DoNotOptimize(r.call(random.func, args));
  });
}

BENCHMARK(Run);
BENCHMARK_CAPTURE(Record, json, trace::TraceFormat{trace::Format::Json});
BENCHMARK_CAPTURE(Record, cbor, trace::TraceFormat{trace::Format::Cbor});
BENCHMARK_CAPTURE(Record, json_zst, trace::TraceFormat{trace::Format::Json, trace::Compression::Zstd});
BENCHMARK_CAPTURE(Record, cbor_zst, trace::TraceFormat{trace::Format::Cbor, trace::Compression::Zstd});
BENCHMARK(RunBytes);
BENCHMARK_CAPTURE(RecordBytes, json, trace::TraceFormat{trace::Format::Json});
BENCHMARK_CAPTURE(RecordBytes, cbor, trace::TraceFormat{trace::Format::Cbor});
BENCHMARK_CAPTURE(RecordBytes, json_zst, trace::TraceFormat{trace::Format::Json, trace::Compression::Zstd});
BENCHMARK_CAPTURE(RecordBytes, cbor_zst, trace::TraceFormat{trace::Format::Cbor, trace::Compression::Zstd});

}  // namespace

BENCHMARK_MAIN();
