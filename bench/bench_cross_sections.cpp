// SPDX-License-Identifier: MIT
// Cross-section kernels (paper Eqs. 2-5), reported as ratios to a floor: one double division.
// The bin averages are timed near the resonance (closed form) and far from it (Gauss-Legendre),
// and over a whole log grid as a function of the number of bins.
#include <benchmark/benchmark.h>

#include <cmath>
#include <vector>

#include <nusi/cross_sections.hpp>

#include "bench_support.hpp"

namespace {
const nusi::mediator<double> med{.mass_MeV = std::pow(10.0, -3.5), .coupling = std::pow(10.0, -1.75)};

/// n log-spaced energies from 0.01 MeV to 200 MeV (E_res = 1 MeV for the Fig. 3 mediator).
template <class Real = double>
std::vector<Real> energies(std::size_t n) {
  std::vector<Real> e(n);
  for (std::size_t i = 0; i < n; ++i) e[i] = Real(0.01 * std::pow(2e4, double(i) / double(n - 1)));
  return e;
}

void BM_floor_division(benchmark::State& state) { nusi_bench::floor_division(state); }
BENCHMARK(BM_floor_division);

void BM_sigma_2to4(benchmark::State& state) {
  const auto e = energies(256);
  nusi_bench::sum_over(state, e, [&](double x) { return nusi::sigma_2to4_cm2(x, med); });
}
BENCHMARK(BM_sigma_2to4);

template <class Real>
void BM_sigma_total(benchmark::State& state) {
  const nusi::s_channel_breit_wigner<Real> bw(
      nusi::mediator<Real>{.mass_MeV = Real(med.mass_MeV), .coupling = Real(med.coupling)});
  const auto e = energies<Real>(256);
  nusi_bench::sum_over(state, e, [&](Real x) { return bw.sigma_total_cm2(x); });
}
BENCHMARK(BM_sigma_total<float>);
BENCHMARK(BM_sigma_total<double>);
BENCHMARK(BM_sigma_total<long double>);

void BM_dsigma_dcos(benchmark::State& state) {
  const nusi::s_channel_breit_wigner<double> bw(med);
  const auto e = energies(256);
  nusi_bench::sum_over(state, e, [&](double x) { return bw.dsigma_dcos_cm2(x, 0.999999); });
}
BENCHMARK(BM_dsigma_dcos);

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

/// One bin at distance (distance_in_widths) bin widths above the pole: 0 = holds the pole (closed
/// form), 4 = far (Gauss-Legendre, one sub-bin).
void BM_bin_averaged_sigma_total_one_bin(benchmark::State& state) {
  const nusi::s_channel_breit_wigner<double> bw(med);
  const double E_res = bw.resonance_energy_MeV(), width = 0.05 * E_res;
  const double lo = state.range(0) == 0 ? E_res - width / 2 : E_res + double(state.range(0)) * width;
  for (auto _ : state) benchmark::DoNotOptimize(bw.bin_averaged_sigma_total_cm2(lo, lo + width));
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_bin_averaged_sigma_total_one_bin)->ArgNames({"distance_in_widths"})->Arg(0)->Arg(4);

/// All bins of a log grid from 0.01 to 200 MeV: cost linear in the number of bins.
void BM_bin_averaged_sigma_total_grid(benchmark::State& state) {
  const nusi::s_channel_breit_wigner<double> bw(med);
  const auto e = energies(std::size_t(state.range(0)) + 1);
  for (auto _ : state) {
    double acc = 0;
    for (std::size_t i = 0; i + 1 < e.size(); ++i) acc += bw.bin_averaged_sigma_total_cm2(e[i], e[i + 1]);
    benchmark::DoNotOptimize(acc);
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
  state.SetComplexityN(state.range(0));
}
BENCHMARK(BM_bin_averaged_sigma_total_grid)->ArgNames({"energy_bins"})->RangeMultiplier(4)->Range(64, 4096)->Complexity(benchmark::oN);
}  // namespace
