// SPDX-License-Identifier: MIT
// Detection kernels: the IBD cross section (full Strumia-Vissani vs their fit) and one expected-count
// evaluation, reported against a floor of one double division per item.
#include <benchmark/benchmark.h>

#include <cmath>
#include <vector>

#include <nusi/detection.hpp>

namespace {
std::vector<double> energies(std::size_t n) {
  std::vector<double> e(n);
  for (std::size_t i = 0; i < n; ++i) e[i] = 2.0 + 98.0 * double(i) / double(n - 1);
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

void BM_ibd_cross_section_full(benchmark::State& state) {
  const auto e = energies(256);
  for (auto _ : state) {
    double acc = 0;
    for (double x : e) acc += nusi::ibd_cross_section_cm2(x);
    benchmark::DoNotOptimize(acc);
  }
  state.SetItemsProcessed(state.iterations() * 256);
}
BENCHMARK(BM_ibd_cross_section_full);

void BM_ibd_cross_section_approx(benchmark::State& state) {
  const auto e = energies(256);
  for (auto _ : state) {
    double acc = 0;
    for (double x : e) acc += nusi::ibd_cross_section_approx_cm2(x);
    benchmark::DoNotOptimize(acc);
  }
  state.SetItemsProcessed(state.iterations() * 256);
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
