// SPDX-License-Identifier: MIT
// The core bound (core_bound.hpp, random_walk.hpp): one g_core(M) from the inputs, the random walk's
// integrals alone, and the Fig. 2 map (target: 400 x 400 well under 50 ms), against a floor of one
// exp per grid point.
#include <benchmark/benchmark.h>

#include <cmath>
#include <cstdint>
#include <vector>

#include <nusi/core_bound.hpp>

namespace {
void BM_floor_exp_per_point(benchmark::State& state) {
  const auto n = static_cast<std::size_t>(state.range(0));
  std::vector<double> out(n * n);
  for (auto _ : state) {
    for (std::size_t k = 0; k < out.size(); ++k) out[k] = std::exp(-1e-6 * double(k));
    benchmark::DoNotOptimize(out.data());
  }
  state.SetComplexityN(static_cast<int64_t>(n * n));
}
BENCHMARK(BM_floor_exp_per_point)->ArgNames({"grid_side"})->Arg(100)->Arg(400)->Unit(benchmark::kMillisecond)->Complexity();

// One bound from scratch: profile (Fermi-Dirac integrals), walk, N_2to4 and the walk's summary.
void BM_core_bound(benchmark::State& state) {
  const nusi::core_inputs<double> in{};
  for (auto _ : state) {
    auto b = nusi::core_bound(1.0, in);
    benchmark::DoNotOptimize(b.log10_coupling_bound);
  }
}
BENCHMARK(BM_core_bound)->Unit(benchmark::kMicrosecond);

// The radial integrals alone, on a walk built once.
void BM_random_walk_integrals(benchmark::State& state) {
  const auto walk = nusi::core_inputs<double>{}.walk();
  for (auto _ : state) {
    auto s = walk.summary();
    benchmark::DoNotOptimize(s.scatterings.value);
  }
}
BENCHMARK(BM_random_walk_integrals)->Unit(benchmark::kMicrosecond);

// The Fig. 2 map on an n x n grid from the inputs (one radial integral, then g^8 scaling).
void BM_core_map(benchmark::State& state) {
  const auto n = static_cast<std::size_t>(state.range(0));
  const nusi::core_map_grid<double> grid{.mass_points = n, .coupling_points = n};
  const nusi::core_inputs<double> in{};
  for (auto _ : state) {
    auto m = nusi::core_map(grid, in);
    benchmark::DoNotOptimize(m.N_2to4.data());
  }
  state.SetComplexityN(static_cast<int64_t>(n * n));
}
BENCHMARK(BM_core_map)->ArgNames({"grid_side"})->Arg(100)->Arg(200)->Arg(400)->Arg(800)->Arg(1600)->Unit(benchmark::kMillisecond)->Complexity();

// A map over a tabulated profile with radius-dependent <E>: one radial integral per mass.
void BM_core_map_varying_energy(benchmark::State& state) {
  std::vector<double> r, rho, T;
  for (int i = 0; i <= 40; ++i) {
    r.push_back(nusi::km(10.0 + i));
    rho.push_back(1e14 * std::pow(15.0 / (10.0 + i), 3));
    T.push_back(9.5 * 15.0 / (10.0 + i));
  }
  const nusi::tabulated_profile<double> table(r, rho, T);
  const nusi::random_walk walk(table, nusi::random_walk_region<double>{});
  const nusi::core_map_grid<double> grid{.mass_points = 400, .coupling_points = 400};
  for (auto _ : state) {
    auto m = nusi::core_map(walk, grid);
    benchmark::DoNotOptimize(m.N_2to4.data());
  }
}
BENCHMARK(BM_core_map_varying_energy)->Unit(benchmark::kMillisecond);
}  // namespace
