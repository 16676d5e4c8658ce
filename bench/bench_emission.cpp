// SPDX-License-Identifier: MIT
// Supernova models (emission/): the fluence's density, CDF and sampling against the pinched spectrum's
// (what a transport solve or a detector folding pays for a model instead of one spectrum), building the
// fluence of the shaped model, reading a Nakazato table the size of the published ones (391 blocks),
// and one F with the fluence against the pinched spectrum; ratios to a floor (one double division).
#include <benchmark/benchmark.h>

#include <cmath>
#include <filesystem>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include <boost/math/special_functions/gamma.hpp>

#include <nusi/emission.hpp>
#include <nusi/transport/propagate.hpp>

#include "bench_support.hpp"

namespace {
void BM_floor_division(benchmark::State& state) { nusi_bench::floor_division(state); }
BENCHMARK(BM_floor_division);

/// The synthetic shaped model of data/emission/, found from this file's path (as bench_event_bound does).
nusi::supernova_model<double> shaped() {
  const std::filesystem::path here(__FILE__);
  return nusi::load_csv_model<double>(here.parent_path().parent_path() / "data" / "emission" / "shaped_model.csv");
}
const nusi::fluence_spectrum<double>& shaped_fluence() {
  static const auto f = shaped().flux(nusi::supernova_flavor::nu_e_bar).fluence();
  return f;
}
std::vector<double> energies() {
  std::vector<double> e;
  for (int i = 0; i < 256; ++i) e.push_back(0.5 + 0.39 * i);
  return e;
}

void BM_pinched_density(benchmark::State& state) {
  const auto p = nusi::pinched_spectrum<double>::paper_default();
  nusi_bench::sum_over(state, energies(), [&](double E) { return p.probability_density_per_MeV(E); });
}
BENCHMARK(BM_pinched_density);

void BM_fluence_density(benchmark::State& state) {
  const auto& f = shaped_fluence();
  nusi_bench::sum_over(state, energies(), [&](double E) { return f.probability_density_per_MeV(E); });
}
BENCHMARK(BM_fluence_density);

void BM_pinched_cdf(benchmark::State& state) {
  const auto p = nusi::pinched_spectrum<double>::paper_default();
  nusi_bench::sum_over(state, energies(), [&](double E) { return p.cumulative_probability(E); });
}
BENCHMARK(BM_pinched_cdf);

void BM_fluence_cdf(benchmark::State& state) {
  const auto& f = shaped_fluence();
  nusi_bench::sum_over(state, energies(), [&](double E) { return f.cumulative_probability(E); });
}
BENCHMARK(BM_fluence_cdf);

void BM_fluence_sample(benchmark::State& state) {
  const auto& f = shaped_fluence();
  std::mt19937_64 rng(1);
  for (auto _ : state) benchmark::DoNotOptimize(f.sample_MeV(rng));
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_fluence_sample);

/// The shaped model's anti-nu_e fluence: 210 rows x 4 time nodes, 512 energy nodes.
void BM_fluence_build(benchmark::State& state) {
  const auto flux = shaped().flux(nusi::supernova_flavor::nu_e_bar);
  for (auto _ : state) benchmark::DoNotOptimize(flux.fluence().number());
  state.SetItemsProcessed(state.iterations());
  state.SetLabel("210 rows");
}
BENCHMARK(BM_fluence_build)->Unit(benchmark::kMillisecond);

/// A Nakazato table of the published size: 391 blocks of 20 bins, three flavours (1173 binned fits).
void BM_nakazato_read(benchmark::State& state) {
  std::ostringstream os;
  os.precision(17);
  for (int b = 0; b < 391; ++b) {
    os << -0.05 + 0.05 * b << "\n";
    for (int i = 0; i < 20; ++i) {
      const double lo = 0.75 * i * i, hi = 0.75 * (i + 1) * (i + 1);
      os << lo << " " << hi;
      double dN[3], dL[3];
      for (int f = 0; f < 3; ++f) {
        const double k = 3.0 + 0.2 * f, m = 10 + 2 * f + 0.01 * b, rate = 1e57 * std::exp(-0.01 * b);
        dN[f] = rate * (boost::math::gamma_p(k, k * hi / m) - boost::math::gamma_p(k, k * lo / m)) / (hi - lo);
        dL[f] = rate * m * 1.602176634e-6 * (boost::math::gamma_p(k + 1, k * hi / m) - boost::math::gamma_p(k + 1, k * lo / m)) / (hi - lo);
      }
      os << " " << dN[0] << " " << dN[1] << " " << dN[2] << " " << dL[0] << " " << dL[1] << " " << dL[2] << "\n";
    }
  }
  const std::string text = os.str();
  for (auto _ : state) {
    std::istringstream in(text);
    benchmark::DoNotOptimize(nusi::read_nakazato_model<double>(in, "bench").has_flavor(nusi::supernova_flavor::nu_e));
  }
  state.SetItemsProcessed(state.iterations());
  state.SetLabel("391 blocks");
}
BENCHMARK(BM_nakazato_read)->Unit(benchmark::kMillisecond);

/// One F (400 energy bins) with the paper's pinched spectrum and with the shaped model's fluence.
void BM_fraction_pinched(benchmark::State& state) {
  const auto p = nusi::pinched_spectrum<double>::paper_default();
  const nusi::propagation_setup<double> setup;
  for (auto _ : state) benchmark::DoNotOptimize(nusi::fraction_above_threshold(setup, p).value);
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_fraction_pinched)->Unit(benchmark::kMicrosecond);

void BM_fraction_fluence(benchmark::State& state) {
  const auto& f = shaped_fluence();
  const nusi::propagation_setup<double> setup;
  for (auto _ : state) benchmark::DoNotOptimize(nusi::fraction_above_threshold(setup, f).value);
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_fraction_fluence)->Unit(benchmark::kMicrosecond);
}  // namespace
