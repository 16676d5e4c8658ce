// SPDX-License-Identifier: MIT
// The one-diagram 2nu->4nu cross section (two_to_four_diagram.hpp, the check of paper Eqs. 2-3):
// one sigma at 1% statistical error below, just above and far above M, its linear cost in the
// sample count, the exact massless quadrature, and the floors: one phase-space point of each generator
// (phase_space.hpp).
#include <benchmark/benchmark.h>

#include <cmath>
#include <cstdint>
#include <random>

#include <nusi/two_to_four_diagram.hpp>

#include "bench_support.hpp"

namespace {
const nusi::mediator<double> med{.mass_MeV = 1.0, .coupling = 0.015848931924611134};  // g = 10^-1.8

void BM_floor_division(benchmark::State& state) { nusi_bench::floor_division(state); }
BENCHMARK(BM_floor_division);

/// The floor of the Monte Carlo: one four-body point of the diagram's cascade (Breit-Wigner sampling).
void BM_floor_cascade_point(benchmark::State& state) {
  const auto generator = nusi::detail::diagram_cascade(1.0 / 3, med.width_MeV() / 3, 0.0);
  std::mt19937_64 rng(1);
  for (auto _ : state) benchmark::DoNotOptimize(generator(rng).weight);
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_floor_cascade_point);

void BM_rambo_point(benchmark::State& state) {
  const nusi::rambo_generator<double, 4> generator(1.0);
  std::mt19937_64 rng(1);
  for (auto _ : state) benchmark::DoNotOptimize(generator(rng).weight);
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_rambo_point);

/// One sigma at 1% relative error at sqrt(s)/M = 10^(arg/10): the sample count comes from a pilot run
/// of 8192 points (error ~ 1/sqrt(N)), one thread.
void BM_sigma_2to4_diagram_one_percent(benchmark::State& state) {
  const double sqrt_s = std::pow(10.0, double(state.range(0)) / 10);
  nusi::two_to_four_diagram_options<double> o;
  o.samples = 8192;
  const double pilot = nusi::sigma_2to4_diagram_cm2(sqrt_s, med, o).relative_error();
  o.samples = static_cast<std::uint64_t>(std::ceil(8192 * (pilot / 0.01) * (pilot / 0.01)));
  double error = 0;
  for (auto _ : state) {
    const auto r = nusi::sigma_2to4_diagram_cm2(sqrt_s, med, o);
    error = r.relative_error();
    benchmark::DoNotOptimize(r.sigma_cm2);
  }
  state.counters["samples"] = double(o.samples);
  state.counters["relative_error"] = error;
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(o.samples));
}
BENCHMARK(BM_sigma_2to4_diagram_one_percent)
    ->ArgNames({"log10_sqrt_s_over_M_x10"})
    ->Arg(-10)
    ->Arg(3)
    ->Arg(10)
    ->Arg(30)
    ->Unit(benchmark::kMillisecond);

/// The exact massless cross section by one-dimensional quadrature (the Monte Carlo's check), at the
/// same points: a few hundred evaluations of the Dalitz integral I.
void BM_sigma_2to4_diagram_massless(benchmark::State& state) {
  const double sqrt_s = std::pow(10.0, double(state.range(0)) / 10);
  for (auto _ : state) benchmark::DoNotOptimize(nusi::sigma_2to4_diagram_massless_cm2(sqrt_s, med));
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_sigma_2to4_diagram_massless)->ArgNames({"log10_sqrt_s_over_M_x10"})->Arg(-10)->Arg(3)->Arg(10)->Arg(30);

/// Cost against the sample count at sqrt(s) = 10 M: linear (batches of 4096 points).
void BM_sigma_2to4_diagram_samples(benchmark::State& state) {
  nusi::two_to_four_diagram_options<double> o;
  o.samples = static_cast<std::uint64_t>(state.range(0));
  for (auto _ : state) benchmark::DoNotOptimize(nusi::sigma_2to4_diagram_cm2(10.0, med, o).sigma_cm2);
  state.SetItemsProcessed(state.iterations() * state.range(0));
  state.SetComplexityN(state.range(0));
}
BENCHMARK(BM_sigma_2to4_diagram_samples)
    ->ArgNames({"samples"})
    ->RangeMultiplier(4)
    ->Range(1 << 12, 1 << 18)
    ->Complexity(benchmark::oN)
    ->Unit(benchmark::kMillisecond);
}  // namespace
