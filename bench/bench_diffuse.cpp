// SPDX-License-Identifier: MIT
// nusi diffuse's work (include/nusi/diffuse/transport.hpp): the high-energy power law at nuSIprop's conventions, 300
// bins over 1e12-1e17 eV, three states, all channels, z_max = 5, with the free run the attenuation needs; each run
// alone; the interacting run in partner halves and in species; the pair with the kernel assembled on 1 and 2 threads;
// and the floor, the mass-state kernel on the extended grid alone. Ratios in one run (docs/performance.md).
#include <benchmark/benchmark.h>

#include <cmath>
#include <limits>

#include <nusi/diffuse.hpp>

namespace {
using namespace nusi;
using component = flavour_emission<double, power_law_spectrum<double>>;

diffuse_setup<double> nusiprop_setup() {
  diffuse_setup<double> s;
  s.interaction.med = {.mass_MeV = 0.6, .coupling = 0.03};
  s.interaction.convention = coupling_convention::lagrangian;
  s.interaction.pattern = flavour_coupling_pattern<double>::single(flavour::tau);
  s.spectrum.sum_masses_eV = 0.1;
  s.spectrum.mixing = mixing_parameters<double>{33.44, 8.57, 49.0, 195.0, 7.42e-5, 2.514e-3};
  s.relic.density_per_helicity_per_cm3 = 56.65;
  s.cosmo = {70.0, 0.308};
  return s;
}

diffuse_options<double> grid(std::size_t bins, std::size_t steps) {
  diffuse_options<double> o;
  o.energy_bins = bins;
  o.redshift_steps = steps;
  o.min_energy_MeV = 1e6 * std::pow(10.0, 5 * 0.5 / double(bins));
  o.max_energy_MeV = 1e6 * std::pow(10.0, 5 * (double(bins) - 0.5) / double(bins));
  return o;
}

// The interacting run and the free run the attenuation needs, on options o.
void power_law_pair(benchmark::State& state, diffuse_options<double> o) {
  const auto s = nusiprop_setup();
  const power_law_spectrum<double> pl(2.5, o.min_energy_MeV, std::numeric_limits<double>::infinity());
  const auto comps = power_law_components(pl, source_composition<double>{.equal_mass_states = true});
  const std::span<const component> span(comps);
  const star_formation_yuksel2008<double> sfr;
  for (auto _ : state) {
    o.interactions = true;
    auto r = propagate_diffuse<double>(s, sfr, span, o);
    o.interactions = false;
    auto f = propagate_diffuse<double>(s, sfr, span, o);
    benchmark::DoNotOptimize(r);
    benchmark::DoNotOptimize(f);
  }
}

void BM_diffuse_power_law(benchmark::State& state) {
  power_law_pair(state, grid(static_cast<std::size_t>(state.range(0)), static_cast<std::size_t>(state.range(1))));
}
BENCHMARK(BM_diffuse_power_law)->ArgNames({"energy_bins", "redshift_steps"})->Args({300, 24})->Args({300, 48})->Args({300, 96})->Unit(benchmark::kMillisecond);

// The pair at 24 steps with the kernel assembled on 1 and 2 threads (diffuse_options::threads; the same numbers bit for
// bit), wall-clock time.
void BM_diffuse_power_law_threads(benchmark::State& state) {
  auto o = grid(300, 24);
  o.threads = static_cast<std::size_t>(state.range(0));
  power_law_pair(state, o);
}
BENCHMARK(BM_diffuse_power_law_threads)->ArgNames({"threads"})->Arg(1)->Arg(2)->UseRealTime()->Unit(benchmark::kMillisecond);

// One run alone: the interacting one (what nuSIprop's evolve() does, its tables included) and the free one (no kernel, no
// sweep: the sources on the grid only).
void one_run(benchmark::State& state, const diffuse_options<double>& o) {
  const auto s = nusiprop_setup();
  const power_law_spectrum<double> pl(2.5, o.min_energy_MeV, std::numeric_limits<double>::infinity());
  const auto comps = power_law_components(pl, source_composition<double>{.equal_mass_states = true});
  const std::span<const component> span(comps);
  const star_formation_yuksel2008<double> sfr;
  for (auto _ : state) {
    auto r = propagate_diffuse<double>(s, sfr, span, o);
    benchmark::DoNotOptimize(r);
  }
}
void BM_diffuse_run(benchmark::State& state) {
  auto o = grid(300, 24);
  o.interactions = state.range(0) != 0;
  one_run(state, o);
}
BENCHMARK(BM_diffuse_run)->ArgNames({"interactions"})->Arg(1)->Arg(0)->Unit(benchmark::kMillisecond);

// The interacting run swept in the partners' sums and differences (the default) or in the six species themselves
// (diffuse_options::kind_halves; the same fluxes to rounding): nuSIprop's source has equal neutrinos and antineutrinos,
// so the differences are never swept.
void BM_diffuse_kind_halves(benchmark::State& state) {
  auto o = grid(300, 24);
  o.kind_halves = state.range(0) != 0;
  one_run(state, o);
}
BENCHMARK(BM_diffuse_kind_halves)->ArgNames({"kind_halves"})->Arg(1)->Arg(0)->Unit(benchmark::kMillisecond);

void BM_diffuse_kernel_floor(benchmark::State& state) {
  const auto s = nusiprop_setup();
  const auto o = grid(static_cast<std::size_t>(state.range(0)), 24);
  const neutrino_spectrum<double> spectrum(s.spectrum);
  const mass_state_scattering<double> sc(s.interaction, spectrum);
  const relic_background<double> relic(s.relic, spectrum, s.interaction.nature);
  const std::size_t shifts = static_cast<std::size_t>(std::ceil(std::log(6.0) / (std::log(o.max_energy_MeV / o.min_energy_MeV) / double(o.energy_bins - 1)))) + 1;
  const auto physical = detail::diffuse_physical_grid(o, shifts);
  for (auto _ : state) {
    mass_state_kernel<double> kernel(sc, relic, physical, kernel_scope::full);
    benchmark::DoNotOptimize(kernel);
  }
}
BENCHMARK(BM_diffuse_kernel_floor)->ArgNames({"energy_bins"})->Arg(300)->Unit(benchmark::kMillisecond);
}  // namespace

BENCHMARK_MAIN();
