// SPDX-License-Identifier: MIT
// Cross-section kernels (paper Eqs. 2-5), reported as ratios to a floor: one double division.
#include <benchmark/benchmark.h>

#include <cmath>
#include <vector>

#include <nusi/cross_sections.hpp>

namespace {
const nusi::mediator<double> med{.mass_MeV = std::pow(10.0, -3.5), .coupling = std::pow(10.0, -1.75)};

std::vector<double> energies(std::size_t n) {
  std::vector<double> e(n);
  for (std::size_t i = 0; i < n; ++i) e[i] = 0.01 * std::pow(2e4, double(i) / double(n - 1));
  return e;
}

void BM_floor_division(benchmark::State& state) {
  const auto e = energies(256);
  for (auto _ : state) {
    double acc = 0;
    for (double x : e) acc += 1.0 / (x + acc);
    benchmark::DoNotOptimize(acc);
  }
  state.SetItemsProcessed(state.iterations() * 256);
}
BENCHMARK(BM_floor_division);

void BM_sigma_2to4(benchmark::State& state) {
  const auto e = energies(256);
  for (auto _ : state) {
    double acc = 0;
    for (double x : e) acc += nusi::sigma_2to4_cm2(x, med);
    benchmark::DoNotOptimize(acc);
  }
  state.SetItemsProcessed(state.iterations() * 256);
}
BENCHMARK(BM_sigma_2to4);

void BM_sigma_total(benchmark::State& state) {
  const nusi::s_channel_breit_wigner<double> bw(med);
  const auto e = energies(256);
  for (auto _ : state) {
    double acc = 0;
    for (double x : e) acc += bw.sigma_total_cm2(x);
    benchmark::DoNotOptimize(acc);
  }
  state.SetItemsProcessed(state.iterations() * 256);
}
BENCHMARK(BM_sigma_total);

void BM_bin_averaged_dsigma_dEf(benchmark::State& state) {
  const nusi::s_channel_breit_wigner<double> bw(med);
  const auto e = energies(257);
  for (auto _ : state) {
    double acc = 0;
    for (std::size_t i = 0; i + 1 < e.size(); ++i) acc += bw.bin_averaged_dsigma_dEf_cm2_per_MeV(e[i], e[i + 1]);
    benchmark::DoNotOptimize(acc);
  }
  state.SetItemsProcessed(state.iterations() * 256);
}
BENCHMARK(BM_bin_averaged_dsigma_dEf);

void BM_bin_averaged_sigma_total(benchmark::State& state) {
  const nusi::s_channel_breit_wigner<double> bw(med);
  const auto e = energies(257);
  for (auto _ : state) {
    double acc = 0;
    for (std::size_t i = 0; i + 1 < e.size(); ++i) acc += bw.bin_averaged_sigma_total_cm2(e[i], e[i + 1]);
    benchmark::DoNotOptimize(acc);
  }
  state.SetItemsProcessed(state.iterations() * 256);
}
BENCHMARK(BM_bin_averaged_sigma_total);
}  // namespace
