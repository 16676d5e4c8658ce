// SPDX-License-Identifier: MIT
// Timings of the propagation transport (include/nusi/transport.hpp, propagation_bound.hpp): one F,
// one energy-only spectrum, the paper Fig. 3 energy-angle solve, the whole bound curve, and the odeint
// path for comparison; the floor is one Breit-Wigner cross section, timed in the same binary.
#include <cmath>

#include <benchmark/benchmark.h>

#include <nusi/nusi.hpp>

namespace {
nusi::propagation_setup<double> fig3_setup() {
  nusi::propagation_setup<double> s;
  s.med = {.mass_MeV = std::pow(10.0, -3.5), .coupling = std::pow(10.0, -1.75)};
  return s;
}
nusi::propagation_setup<double> near_bound_setup() {
  nusi::propagation_setup<double> s;
  s.med = {.mass_MeV = std::pow(10.0, -3.5), .coupling = std::pow(10.0, -1.98)};
  return s;
}
const auto emission = nusi::pinched_spectrum<double>::paper_default();

void BM_floor_sigma_total(benchmark::State& state) {
  const auto bw = fig3_setup().cross_section();
  double E = 15;
  for (auto _ : state) {
    double s = bw.sigma_total_cm2(E);
    benchmark::DoNotOptimize(s);
    E += 1e-9;
  }
}
BENCHMARK(BM_floor_sigma_total);

// One F = N(E > 5 MeV)/N(emitted) from scratch: grid, kernel above threshold, projection, exact solve.
void BM_fraction_above_threshold(benchmark::State& state) {
  nusi::transport_options<double> o;
  o.energy.bins = static_cast<std::size_t>(state.range(0));
  const auto s = near_bound_setup();
  for (auto _ : state) {
    auto F = nusi::fraction_above_threshold(s, emission, o);
    benchmark::DoNotOptimize(F);
  }
  state.SetComplexityN(state.range(0));
}
BENCHMARK(BM_fraction_above_threshold)->ArgNames({"energy_bins"})->Arg(100)->Arg(200)->Arg(400)->Arg(800)->Arg(1600)
    ->Unit(benchmark::kMicrosecond)->Complexity(benchmark::oN);

// The whole energy-only solution: spectrum at Earth, budgets, scatterings.
void BM_propagate_energy(benchmark::State& state) {
  nusi::transport_options<double> o;
  o.energy.bins = static_cast<std::size_t>(state.range(0));
  const auto s = fig3_setup();
  for (auto _ : state) {
    auto r = nusi::propagate_energy(s, emission, o);
    benchmark::DoNotOptimize(r);
  }
}
BENCHMARK(BM_propagate_energy)->ArgNames({"energy_bins"})->Arg(400)->Unit(benchmark::kMicrosecond);

// The same with odeint (triangular Rosenbrock, rel 1e-9): the general stepping path.
void BM_propagate_energy_odeint(benchmark::State& state) {
  nusi::transport_options<double> o;
  o.energy.bins = static_cast<std::size_t>(state.range(0));
  o.method = nusi::transport_method::odeint;
  const auto s = fig3_setup();
  for (auto _ : state) {
    auto r = nusi::propagate_energy(s, emission, o);
    benchmark::DoNotOptimize(r);
  }
}
BENCHMARK(BM_propagate_energy_odeint)->ArgNames({"energy_bins"})->Arg(400)->Unit(benchmark::kMillisecond);

// Paper Fig. 3: energy-angle transport, 256 energy x 128 angle nodes (as examples/propagation_spectrum).
void BM_energy_angle_fig3(benchmark::State& state) {
  nusi::transport_options<double> o;
  o.energy = {.min_energy_MeV = 1e-5, .max_energy_MeV = 200, .bins = static_cast<std::size_t>(state.range(0))};
  o.angle = {.min_angle_rad = 1e-8, .max_angle_rad = 1.0, .bins = static_cast<std::size_t>(state.range(1))};
  const auto s = fig3_setup();
  for (auto _ : state) {
    auto r = nusi::propagate_energy_angle(s, emission, o);
    benchmark::DoNotOptimize(r);
  }
}
BENCHMARK(BM_energy_angle_fig3)->ArgNames({"energy_bins", "angle_bins"})->Args({256, 128})->Args({128, 64})
    ->Unit(benchmark::kMillisecond);

// The propagation bound over the paper's range: log10(M/MeV) = -7 .. -1.5, 111 masses.
void BM_bound_curve(benchmark::State& state) {
  const nusi::propagation_setup<double> s{};
  for (auto _ : state) {
    auto c = nusi::propagation_bound_curve(-7.0, -1.5, 0.05, s, emission);
    benchmark::DoNotOptimize(c);
  }
}
BENCHMARK(BM_bound_curve)->Unit(benchmark::kMillisecond);
}  // namespace
