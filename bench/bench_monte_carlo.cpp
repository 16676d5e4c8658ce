// SPDX-License-Identifier: MIT
// Monte Carlo propagation (paper Sec. IV): cost per primary at several (M, g), including the Fig. 3
// point log10(M/MeV) = -3.5, log10 g = -1.75, next to the floor: drawing the emitted energy alone.
#include <benchmark/benchmark.h>

#include <cmath>
#include <random>

#include <nusi/monte_carlo.hpp>

namespace {
constexpr std::uint64_t primaries_per_iteration = 2000;  // the floor's; the runs take theirs from range(2)

nusi::propagation_setup<double> setup_at(benchmark::State& state) {
  nusi::propagation_setup<double> s;
  s.med = {.mass_MeV = std::pow(10.0, double(state.range(0)) / 100), .coupling = std::pow(10.0, double(state.range(1)) / 100)};
  return s;
}

void BM_floor_sample_pinched(benchmark::State& state) {
  const auto spectrum = nusi::pinched_spectrum<double>::paper_default();
  std::mt19937_64 rng(1);
  for (auto _ : state) {
    double acc = 0;
    for (std::uint64_t i = 0; i < primaries_per_iteration; ++i) acc += spectrum.sample_MeV(rng);
    benchmark::DoNotOptimize(acc);
  }
  state.SetItemsProcessed(state.iterations() * primaries_per_iteration);
}
BENCHMARK(BM_floor_sample_pinched)->Unit(benchmark::kMillisecond);

void run(benchmark::State& state, bool track_below_threshold) {
  const auto setup = setup_at(state);
  const auto spectrum = nusi::pinched_spectrum<double>::paper_default();
  const auto primaries = static_cast<std::uint64_t>(state.range(2));
  std::uint64_t seed = 1;
  double F = 0, scatterings = 0;
  for (auto _ : state) {
    const auto r = nusi::monte_carlo_propagation(
        setup, spectrum,
        nusi::monte_carlo_options<double>{.primaries = primaries, .seed = seed++,
                                          .track_below_threshold = track_below_threshold});
    benchmark::DoNotOptimize(r);  // the const overload: the non-const one can clobber a double with g++ 12
    F = r.fraction_above_threshold;
    scatterings = r.mean_scatterings_per_primary;
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(primaries));  // items/s = primaries/s
  state.counters["F"] = F;
  state.counters["scatterings_per_primary"] = scatterings;
}

/// Neutrinos at or below threshold dropped (the default; exact for F).
void BM_monte_carlo(benchmark::State& state) { run(state, false); }
BENCHMARK(BM_monte_carlo)
    ->ArgNames({"log10M_x100", "log10g_x100", "primaries"})
    ->Args({-350, -175, 2000})  // Fig. 3 point, F ~ 0 (excluded)
    ->Args({-350, -200, 2000})  // E_res = 1 MeV, F ~ 0.02
    ->Args({-350, -220, 2000})  // F ~ 0.6
    ->Args({-600, -200, 2000})  // M-independent regime, F ~ 0.03
    ->Args({-291, -220, 2000})  // E_res = 15 MeV (on resonance), F ~ 0.6
    ->Args({-250, -160, 2000})  // E_res = 100 MeV, F ~ 0.2
    ->Unit(benchmark::kMillisecond);

/// Every neutrino tracked down to where its mean free path exceeds D.
void BM_monte_carlo_track_all(benchmark::State& state) { run(state, true); }
BENCHMARK(BM_monte_carlo_track_all)
    ->ArgNames({"log10M_x100", "log10g_x100", "primaries"})
    ->Args({-350, -175, 20})  // Fig. 3 point: a cascade of ~2e4 neutrinos per primary down to keV
    ->Args({-350, -220, 200})
    ->Args({-250, -160, 2000})
    ->Unit(benchmark::kMillisecond);
}  // namespace
