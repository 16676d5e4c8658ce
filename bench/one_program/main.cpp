// SPDX-License-Identifier: MIT
// The driver of bench/compare_in_one_program.sh: both commits' F in one program (fraction_side.cpp compiled twice), as
// Google Benchmarks BM_F/<side>/model:m/threads:t, run with random interleaving so that both sides meet the same
// moments of a shared machine. Before the benchmarks it prints each model's F on both sides and whether they agree
// bit for bit.
#include <benchmark/benchmark.h>

#include <cstdio>

double base_fraction(int model, int threads);
double head_fraction(int model, int threads);

namespace {
template <double (*Fraction)(int, int)>
void BM_F(benchmark::State& state) {
  const int model = static_cast<int>(state.range(0)), threads = static_cast<int>(state.range(1));
  for (auto _ : state) benchmark::DoNotOptimize(Fraction(model, threads));
}
}  // namespace

BENCHMARK(BM_F<base_fraction>)->Name("BM_F/base")->ArgNames({"model", "threads"})->ArgsProduct({{0, 1, 2, 3}, {1, 2}})
    ->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_F<head_fraction>)->Name("BM_F/head")->ArgNames({"model", "threads"})->ArgsProduct({{0, 1, 2, 3}, {1, 2}})
    ->Unit(benchmark::kMillisecond)->UseRealTime();

int main(int argc, char** argv) {
  const char* names[] = {"thermal", "at rest", "Dirac thermal", "thermal, m_lightest = 0.05 eV"};
  for (int model = 0; model < 4; ++model) {
    const double base = base_fraction(model, 1), head = head_fraction(model, 1);
    std::fprintf(stderr, "-- F (%s): base %.17g, head %.17g: %s\n", names[model], base, head, base == head ? "the same bits" : "DIFFERENT");
  }
  benchmark::Initialize(&argc, argv);
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
}
