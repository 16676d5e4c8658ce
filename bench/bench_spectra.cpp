// SPDX-License-Identifier: MIT
// Spectra (paper Secs. III-IV): Fermi-Dirac integrals, construction, density, CDF, quantile and
// sampling, against the pinched spectrum's closed forms; ratios to a floor (one double division).
#include <benchmark/benchmark.h>

#include <random>
#include <vector>

#include <nusi/spectra.hpp>

#include "bench_support.hpp"

namespace {
void BM_floor_division(benchmark::State& state) { nusi_bench::floor_division(state); }
BENCHMARK(BM_floor_division);

/// F_2(eta): eta <= 0 is one exp-sinh integral, eta > 0 a tanh-sinh plus an exp-sinh.
void BM_fermi_dirac_integral(benchmark::State& state) {
  const double eta = double(state.range(0));
  for (auto _ : state) benchmark::DoNotOptimize(nusi::fermi_dirac_integral(2.0, eta));
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_fermi_dirac_integral)->ArgNames({"eta"})->Arg(-20)->Arg(0)->Arg(20);

void BM_fermi_dirac_integral_long_double(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(nusi::fermi_dirac_integral(2.0L, 0.0L));
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_fermi_dirac_integral_long_double);

/// Construction computes F_2, F_3, F_4.
void BM_fermi_dirac_construct(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(nusi::fermi_dirac_spectrum<double>(9.5).mean_energy_MeV());
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_fermi_dirac_construct);

void BM_fermi_dirac_density(benchmark::State& state) {
  const nusi::fermi_dirac_spectrum<double> fd(9.5);
  for (auto _ : state) {
    double acc = 0;
    for (int i = 0; i < 256; ++i) acc += fd.probability_density_per_MeV(0.5 * i);
    benchmark::DoNotOptimize(acc);
  }
  state.SetItemsProcessed(state.iterations() * 256);
}
BENCHMARK(BM_fermi_dirac_density);

void BM_fermi_dirac_cdf(benchmark::State& state) {
  const nusi::fermi_dirac_spectrum<double> fd(9.5);
  for (auto _ : state) {
    double acc = 0;
    for (int i = 1; i <= 16; ++i) acc += fd.cumulative_probability(6.0 * i);
    benchmark::DoNotOptimize(acc);
  }
  state.SetItemsProcessed(state.iterations() * 16);
}
BENCHMARK(BM_fermi_dirac_cdf);

void BM_fermi_dirac_sample(benchmark::State& state) {
  const nusi::fermi_dirac_spectrum<double> fd(9.5);
  std::mt19937_64 rng(1);
  for (auto _ : state) benchmark::DoNotOptimize(fd.sample_MeV(rng));
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_fermi_dirac_sample);

void BM_pinched_density(benchmark::State& state) {
  const auto s = nusi::pinched_spectrum<double>::paper_default();
  for (auto _ : state) {
    double acc = 0;
    for (int i = 0; i < 256; ++i) acc += s.probability_density_per_MeV(0.5 * i);
    benchmark::DoNotOptimize(acc);
  }
  state.SetItemsProcessed(state.iterations() * 256);
}
BENCHMARK(BM_pinched_density);

void BM_pinched_cdf(benchmark::State& state) {
  const auto s = nusi::pinched_spectrum<double>::paper_default();
  for (auto _ : state) {
    double acc = 0;
    for (int i = 1; i <= 16; ++i) acc += s.cumulative_probability(6.0 * i);
    benchmark::DoNotOptimize(acc);
  }
  state.SetItemsProcessed(state.iterations() * 16);
}
BENCHMARK(BM_pinched_cdf);

void BM_pinched_sample(benchmark::State& state) {
  const auto s = nusi::pinched_spectrum<double>::paper_default();
  std::mt19937_64 rng(1);
  for (auto _ : state) benchmark::DoNotOptimize(s.sample_MeV(rng));
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_pinched_sample);
}  // namespace
