// SPDX-License-Identifier: MIT
// Parallel regions (include/nusi/parallel.hpp): what one parallel_for of two short jobs on 2 threads costs, kept
// threads (the default) against starting and joining a thread per region (what parallel_for did before them; the
// ratio of the two is the overhead the kept threads remove from every region of a threaded computation).
#include <atomic>
#include <cstddef>
#include <thread>

#include <benchmark/benchmark.h>

#include <nusi/parallel.hpp>

namespace {
void BM_parallel_region(benchmark::State& state) {
  std::atomic<std::size_t> sum{0};
  for (auto _ : state) nusi::parallel_for(2, 2, [&](std::size_t k) { sum.fetch_add(k + 1, std::memory_order_relaxed); });
  benchmark::DoNotOptimize(sum.load());
}
BENCHMARK(BM_parallel_region)->Unit(benchmark::kMicrosecond)->UseRealTime();

void BM_thread_start_join(benchmark::State& state) {
  std::atomic<std::size_t> sum{0};
  for (auto _ : state) {
    std::thread helper([&] { sum.fetch_add(1, std::memory_order_relaxed); });
    sum.fetch_add(2, std::memory_order_relaxed);
    helper.join();
  }
  benchmark::DoNotOptimize(sum.load());
}
BENCHMARK(BM_thread_start_join)->Unit(benchmark::kMicrosecond)->UseRealTime();
}  // namespace
