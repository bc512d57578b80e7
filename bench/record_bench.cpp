// What recording adds to one host call: the recorder's cost per event
// (encoding it, handing it to the trace writer, the writer's thread writing
// it out) for a clock-like scalar import, `now() -> u64`, against the same
// call through the plain interposer (`run`). Each format writes a real trace
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

void Run(benchmark::State& state) {
  NowFunc now;
  runtime::PassthroughInterposer run;
  for (auto _ : state) benchmark::DoNotOptimize(run.call_scalar(now.func, {}));
}

void Record(benchmark::State& state, trace::TraceFormat format) {
  NowFunc now;
  std::string path = (std::filesystem::temp_directory_path() /
                      ("wasmrr-record-bench-" + std::to_string(getpid()) + "." + trace::trace_format_name(format)))
                         .string();
  auto writer = trace::TraceWriter::create(path, format);
  if (!writer) return state.SkipWithError(writer.error().message.c_str());
  {
    rr::Recorder recorder(**writer);
    for (auto _ : state) benchmark::DoNotOptimize(recorder.call_scalar(now.func, {}));
    (void)(*writer)->close();
    state.counters["bytes/event"] =
        static_cast<double>(std::filesystem::file_size(path)) / static_cast<double>(state.iterations());
  }
  std::filesystem::remove(path);
}

BENCHMARK(Run);
BENCHMARK_CAPTURE(Record, json, trace::TraceFormat{trace::Format::Json});
BENCHMARK_CAPTURE(Record, cbor, trace::TraceFormat{trace::Format::Cbor});
BENCHMARK_CAPTURE(Record, json_zst, trace::TraceFormat{trace::Format::Json, trace::Compression::Zstd});
BENCHMARK_CAPTURE(Record, cbor_zst, trace::TraceFormat{trace::Format::Cbor, trace::Compression::Zstd});

}  // namespace

BENCHMARK_MAIN();
