// SPDX-License-Identifier: MIT
// Timings of the propagation transport (include/nusi/transport.hpp, propagation_bound.hpp): kernel
// assembly, one energy-only solve, one F, the whole energy-only spectrum, the paper Fig. 3 energy-angle
// solve, the bound curve, and the odeint path for comparison; each at several sizes for the scaling
// fits (bench/fit_scaling.py). Floors timed in the same binary: one Breit-Wigner cross section, and
// the triangular operator applied once (6 flops per node: the least any solve must do).
#include <cmath>
#include <vector>

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

nusi::energy_kernel<double> kernel_above_threshold(std::size_t bins) {
  nusi::transport_options<double> o;
  o.energy.bins = bins;
  const auto s = near_bound_setup();
  return nusi::energy_kernel<double>(s, nusi::make_energy_grid(s, o.energy), nusi::kernel_scope::above_threshold);
}

// The floor of one energy-only solve: y = A x once on the nodes above threshold (what F evolves).
// Per node y_k = d_k x_k + w_k s, s += c_k x_k with c_k = gain_k rate_k: 6 flops (3 mul, 2 add, and
// the product gain_k rate_k), so 6 n flops over 5 arrays of n doubles; n = 149 at 400 bins.
void BM_floor_operator_apply(benchmark::State& state) {
  const auto kernel = kernel_above_threshold(static_cast<std::size_t>(state.range(0)));
  std::vector<double> x(kernel.size(), 1e-3), y(kernel.size());
  for (auto _ : state) {
    kernel.apply(x.data(), y.data());
    benchmark::DoNotOptimize(y.data());
    benchmark::ClobberMemory();
  }
  state.counters["nodes"] = double(kernel.nodes());
  state.counters["flops"] = benchmark::Counter(6.0 * double(kernel.nodes()), benchmark::Counter::kIsIterationInvariantRate);
  state.SetComplexityN(state.range(0));
}
BENCHMARK(BM_floor_operator_apply)->ArgNames({"energy_bins"})->Arg(100)->Arg(200)->Arg(400)->Arg(800)->Arg(1600)
    ->Complexity(benchmark::oN);

// Kernel assembly: bin-averaged Breit-Wigner rates, gains and widths of the nodes above threshold.
void BM_kernel_assembly(benchmark::State& state) {
  nusi::transport_options<double> o;
  o.energy.bins = static_cast<std::size_t>(state.range(0));
  const auto s = near_bound_setup();
  const auto grid = nusi::make_energy_grid(s, o.energy);
  for (auto _ : state) {
    nusi::energy_kernel<double> k(s, grid, nusi::kernel_scope::above_threshold);
    benchmark::DoNotOptimize(&k);
  }
  state.SetComplexityN(state.range(0));
}
BENCHMARK(BM_kernel_assembly)->ArgNames({"energy_bins"})->Arg(100)->Arg(200)->Arg(400)->Arg(800)->Arg(1600)
    ->Unit(benchmark::kMicrosecond)->Complexity(benchmark::oN);

// Projecting the emitted spectrum on the hats of the nodes above threshold (4-point Gauss per interval).
void BM_emission_projection(benchmark::State& state) {
  const auto kernel = kernel_above_threshold(static_cast<std::size_t>(state.range(0)));
  for (auto _ : state) {
    auto f0 = nusi::emitted_state(kernel, emission);
    benchmark::DoNotOptimize(f0.data());
  }
  state.SetComplexityN(state.range(0));
}
BENCHMARK(BM_emission_projection)->ArgNames({"energy_bins"})->Arg(100)->Arg(200)->Arg(400)->Arg(800)->Arg(1600)
    ->Unit(benchmark::kMicrosecond)->Complexity(benchmark::oN);

// One energy-only solve, f(D) = exp(A D) f(0) on the nodes above threshold (kernel and f(0) built
// once): 16 complex resolvent sweeps and 16 magnitude sweeps for the noise floor (32-node contour).
void BM_energy_solve(benchmark::State& state) {
  const auto kernel = kernel_above_threshold(static_cast<std::size_t>(state.range(0)));
  const auto f0 = nusi::emitted_state(kernel, emission);
  const double D = near_bound_setup().distance_cm;
  for (auto _ : state) {
    auto r = nusi::exponential_action(kernel, f0, D, 32);
    benchmark::DoNotOptimize(r.value.data());
  }
  state.SetComplexityN(state.range(0));
}
BENCHMARK(BM_energy_solve)->ArgNames({"energy_bins"})->Arg(100)->Arg(200)->Arg(400)->Arg(800)->Arg(1600)
    ->Unit(benchmark::kMicrosecond)->Complexity(benchmark::oN);

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
BENCHMARK(BM_energy_angle_fig3)->ArgNames({"energy_bins", "angle_bins"})->Args({256, 128})
    ->Args({64, 64})->Args({128, 64})->Args({256, 64})   // scaling with energy bins
    ->Args({128, 32})->Args({128, 128})                  // scaling with angle bins (with {128, 64})
    ->Unit(benchmark::kMillisecond);

// The Fig. 3 solve (256 x 128 nodes) for each angle model (angle_model.hpp): 0 paper_eq8_additive,
// 1 planar_random_walk, 2 three_dimensional (the default, also BM_energy_angle_fig3 above).
void BM_energy_angle_fig3_model(benchmark::State& state) {
  nusi::transport_options<double> o;
  o.energy = {.min_energy_MeV = 1e-5, .max_energy_MeV = 200, .bins = 256};
  o.angle = {.min_angle_rad = 1e-8, .max_angle_rad = 1.0, .bins = 128};
  const nusi::angle_model models[] = {nusi::angle_model::paper_eq8_additive, nusi::angle_model::planar_random_walk,
                                      nusi::angle_model::three_dimensional};
  o.deflections = models[state.range(0)];
  const auto s = fig3_setup();
  for (auto _ : state) {
    auto r = nusi::propagate_energy_angle(s, emission, o);
    benchmark::DoNotOptimize(r);
  }
}
BENCHMARK(BM_energy_angle_fig3_model)->ArgNames({"model"})->DenseRange(0, 2)->Unit(benchmark::kMillisecond);

// Energy-angle kernel assembly alone (the product quadrature and the diagonal), Fig. 3 grid.
void BM_energy_angle_kernel_assembly(benchmark::State& state) {
  nusi::transport_options<double> o;
  o.energy = {.min_energy_MeV = 1e-5, .max_energy_MeV = 200, .bins = static_cast<std::size_t>(state.range(0))};
  o.angle = {.min_angle_rad = 1e-8, .max_angle_rad = 1.0, .bins = static_cast<std::size_t>(state.range(1))};
  const auto s = fig3_setup();
  const auto grid = nusi::make_energy_grid(s, o.energy);
  const nusi::angle_grid<double> angles(o.angle);
  for (auto _ : state) {
    nusi::energy_angle_kernel<double> k(s, grid, angles);
    benchmark::DoNotOptimize(&k);
  }
}
BENCHMARK(BM_energy_angle_kernel_assembly)->ArgNames({"energy_bins", "angle_bins"})->Args({256, 128})
    ->Unit(benchmark::kMillisecond);

// The propagation bound over the paper's range log10(M/MeV) = -7 .. -1.5 with `masses` masses
// (111: step 0.05 dex, resonance refined), on `threads` threads.
void BM_bound_curve(benchmark::State& state) {
  const nusi::propagation_setup<double> s{};
  const auto masses = state.range(0);
  nusi::propagation_bound_options<double> o;
  o.threads = static_cast<std::size_t>(state.range(1));
  const double step = 5.5 / double(masses - 1);
  std::size_t evaluations = 0;
  for (auto _ : state) {
    auto c = nusi::propagation_bound_curve(-7.0, -1.5, step, s, emission, o);
    benchmark::DoNotOptimize(c.data());
    evaluations = 0;
    for (const auto& p : c) evaluations += p.evaluations;
  }
  state.counters["F_evaluations"] = double(evaluations);
  state.SetComplexityN(masses);
}
BENCHMARK(BM_bound_curve)->ArgNames({"masses", "threads"})->Args({28, 1})->Args({56, 1})->Args({111, 1})
    ->Args({111, 2})->Unit(benchmark::kMillisecond)->UseRealTime();
}  // namespace
