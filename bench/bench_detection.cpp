// SPDX-License-Identifier: MIT
// Detection kernels: the IBD cross section (full Strumia-Vissani vs their fit) and one expected-count
// evaluation, reported against a floor of one double division per item.
#include <benchmark/benchmark.h>

#include <cmath>
#include <vector>

#include <nusi/detection.hpp>

#include "bench_support.hpp"

namespace {
std::vector<double> energies(std::size_t n) {
  std::vector<double> e(n);
  for (std::size_t i = 0; i < n; ++i) e[i] = 2.0 + 98.0 * double(i) / double(n - 1);
  return e;
}

void BM_floor_division(benchmark::State& state) { nusi_bench::floor_division(state); }
BENCHMARK(BM_floor_division);

void BM_ibd_cross_section_full(benchmark::State& state) {
  const auto e = energies(256);
  nusi_bench::sum_over(state, e, [&](double x) { return nusi::ibd_cross_section_cm2(x); });
}
BENCHMARK(BM_ibd_cross_section_full);

void BM_ibd_cross_section_approx(benchmark::State& state) {
  const auto e = energies(256);
  nusi_bench::sum_over(state, e, [&](double x) { return nusi::ibd_cross_section_approx_cm2(x); });
}
BENCHMARK(BM_ibd_cross_section_approx);

/// Building a detector response: cross section, efficiency and threshold on ~6000 energy nodes.
void BM_detector_response_build(benchmark::State& state) {
  for (auto _ : state) {
    nusi::detector_response<double> response(nusi::kamiokande_ii<double>());
    benchmark::DoNotOptimize(&response);
  }
}
BENCHMARK(BM_detector_response_build)->Unit(benchmark::kMillisecond);

/// One expected-count evaluation with a prebuilt response (what a likelihood scan repeats).
void BM_expected_events(benchmark::State& state) {
  const nusi::detector_response<double> response(nusi::kamiokande_ii<double>());
  const nusi::supernova_emission<double> sn{};
  const auto spectrum = sn.spectrum();
  for (auto _ : state) {
    double n = response.expected_events(spectrum, sn.number_per_cm2());
    benchmark::DoNotOptimize(n);
  }
}
BENCHMARK(BM_expected_events)->Unit(benchmark::kMicrosecond);
}  // namespace

namespace {
/// One unbinned K-II log-likelihood (16 events) for a grid spectrum of 400 bins, as a likelihood scan
/// over g would evaluate it once per coupling (nodes split at the bin edges come from the cache).
void BM_extended_log_likelihood_binned(benchmark::State& state) {
  const nusi::detector_response<double> response(nusi::kamiokande_ii<double>());
  const nusi::supernova_emission<double> sn{};
  const auto pinched = sn.spectrum();
  std::vector<double> edges, numbers;
  for (int i = 0; i <= 400; ++i) edges.push_back(0.5 * i);
  for (int i = 0; i < 400; ++i) numbers.push_back(pinched.cumulative_probability(edges[i + 1]) - pinched.cumulative_probability(edges[i]));
  const nusi::binned_spectrum<double> at_earth(edges, numbers);
  std::vector<nusi::observed_event<double>> events;
  for (int i = 0; i < 16; ++i) events.push_back({5.0 + 2.0 * i, 2.0, 1e-3});
  for (auto _ : state) {
    double lnL = nusi::extended_log_likelihood<double>(response, at_earth, sn.number_per_cm2(), events);
    benchmark::DoNotOptimize(lnL);
  }
}
BENCHMARK(BM_extended_log_likelihood_binned)->Unit(benchmark::kMillisecond);
}  // namespace
