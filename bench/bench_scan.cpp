// SPDX-License-Identifier: MIT
// Scans (include/nusi/scan.hpp): the default plan (3 supernovae x 5 masses x (bound + 3 couplings))
// on 1 and 2 threads, and the cost per supernova (1, 2, 4 supernovae, 12 masses, bounds only).
#include <string>

#include <benchmark/benchmark.h>

#include <nusi/scan.hpp>

namespace {
void BM_scan_default_plan(benchmark::State& state) {
  const auto plan = nusi::default_scan_plan<double>();
  const auto threads = static_cast<std::size_t>(state.range(0));
  for (auto _ : state) {
    auto rows = nusi::run_scan(plan, threads);
    benchmark::DoNotOptimize(rows.data());
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(plan.rows()));  // rows/s
}
BENCHMARK(BM_scan_default_plan)->ArgNames({"threads"})->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond)->UseRealTime();

// Bounds only, log10(M/MeV) = -7 .. -1.5 every 0.5 dex, for `supernovae` copies of the paper's
// supernova at distances 50, 40, 30, ... kpc (each a different bound).
void BM_scan_supernovae(benchmark::State& state) {
  nusi::scan_plan<double> plan;
  plan.supernovae.clear();
  for (long s = 0; s < state.range(0); ++s) {
    nusi::supernova_scenario<double> sn{};
    sn.name = "sn" + std::to_string(s);
    sn.distance_cm = nusi::kpc(50.0 - 10.0 * double(s));
    plan.supernovae.push_back(sn);
  }
  for (int k = 0; k <= 11; ++k) plan.log10_mass_MeV.push_back(-7.0 + 0.5 * k);
  for (auto _ : state) {
    auto rows = nusi::run_scan(plan, 1);
    benchmark::DoNotOptimize(rows.data());
  }
  state.SetComplexityN(state.range(0));
}
BENCHMARK(BM_scan_supernovae)->ArgNames({"supernovae"})->Arg(1)->Arg(2)->Arg(4)->Unit(benchmark::kMillisecond)
    ->Complexity(benchmark::oN);
}  // namespace
