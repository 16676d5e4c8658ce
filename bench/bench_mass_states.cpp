// SPDX-License-Identifier: MIT
// Timings of the mass-state transport (include/nusi/transport/mass_state_kernel.hpp, mass_state_propagate.hpp): one F
// with three states and all channels at 400 energy bins (the default: a massless lightest state, thermally averaged;
// and every state at rest), its kernel assembly and solve apart, the s channel alone, against the paper's one-state
// s-channel F (transport/propagate.hpp) and the floor (bench_support.hpp), all timed in this binary; one F and a small
// energy-angle transport on 1 and 2 threads; and the mass-state Monte Carlo with thermal against at-rest relics (null-collision tracking against the closed-form rate).
#include <cmath>
#include <cstdint>
#include <vector>

#include <benchmark/benchmark.h>

#include <nusi/detail/wide_vectors.hpp>
#include <nusi/mass_state_monte_carlo.hpp>
#include <nusi/transport.hpp>
#include <nusi/transport/mass_state_angle_propagate.hpp>
#include <nusi/transport/mass_state_halves.hpp>
#include <nusi/transport/mass_state_propagate.hpp>

#include "bench_support.hpp"

namespace {
using emission_t = nusi::flavour_emission<double, nusi::pinched_spectrum<double>>;
const std::vector<emission_t> anti_e{{nusi::flavour::e, true, nusi::pinched_spectrum<double>::paper_default(), 1.0}};

// Near the mass-state model's bound at log10(M/MeV) = -3.5 (log10 g = -2.3). Thermal: the default model (massless
// lightest state, every state thermally averaged); at rest: m_lightest = 0.05 eV with relic_kinematics::at_rest (the
// default is thermal since the relics' motion became the default, so "at rest" must be asked for).
enum class relics { thermal_massless, at_rest_heavy };
nusi::mass_state_setup<double> setup(relics r, nusi::channel_set channels) {
  nusi::mass_state_setup<double> s;
  s.interaction.med = {.mass_MeV = std::pow(10.0, -3.5), .coupling = std::pow(10.0, -2.3)};
  s.interaction.channels = channels;
  if (r == relics::at_rest_heavy) {
    s.spectrum.lightest_mass_eV = 0.05;
    s.relic.kinematics = nusi::relic_kinematics::at_rest;
  }
  return s;
}
nusi::transport_options<double> bins(std::size_t n) {
  nusi::transport_options<double> o;
  o.energy.bins = n;
  return o;
}

void BM_floor_division(benchmark::State& state) { nusi_bench::floor_division(state); }
BENCHMARK(BM_floor_division);

// The paper's F: one relic state, s channel (the reference of the ratios).
void BM_paper_fraction(benchmark::State& state) {
  nusi::propagation_setup<double> s;
  s.med = {.mass_MeV = std::pow(10.0, -3.5), .coupling = std::pow(10.0, -1.98)};
  const auto emission = nusi::pinched_spectrum<double>::paper_default();
  const auto o = bins(static_cast<std::size_t>(state.range(0)));
  for (auto _ : state) {
    auto F = nusi::fraction_above_threshold(s, emission, o);
    benchmark::DoNotOptimize(F);
  }
}
BENCHMARK(BM_paper_fraction)->ArgNames({"energy_bins"})->Arg(400)->Unit(benchmark::kMillisecond);

// One F of the mass-state model: model (spectrum, relic tables, couplings) built once, kernel and solve per F.
void mass_state_fraction(benchmark::State& state, relics r, nusi::channel_set channels) {
  const nusi::mass_state_model<double> model(setup(r, channels));
  const auto o = bins(static_cast<std::size_t>(state.range(0)));
  for (auto _ : state) {
    auto F = nusi::mass_state_fractions_above_threshold<double, nusi::pinched_spectrum<double>>(model, anti_e, o);
    benchmark::DoNotOptimize(F);
  }
  state.SetComplexityN(state.range(0));
}
void BM_mass_state_fraction_thermal_stu(benchmark::State& state) { mass_state_fraction(state, relics::thermal_massless, nusi::channel_set::stu); }
void BM_mass_state_fraction_at_rest_stu(benchmark::State& state) { mass_state_fraction(state, relics::at_rest_heavy, nusi::channel_set::stu); }
void BM_mass_state_fraction_at_rest_s(benchmark::State& state) { mass_state_fraction(state, relics::at_rest_heavy, nusi::channel_set::s); }
BENCHMARK(BM_mass_state_fraction_thermal_stu)->ArgNames({"energy_bins"})->Arg(400)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_mass_state_fraction_at_rest_stu)->ArgNames({"energy_bins"})->Arg(100)->Arg(200)->Arg(400)->Unit(benchmark::kMillisecond)
    ->Complexity(benchmark::oNSquared);
BENCHMARK(BM_mass_state_fraction_at_rest_s)->ArgNames({"energy_bins"})->Arg(400)->Unit(benchmark::kMillisecond);

// One F and a small energy-angle transport (100 energy x 32 angle bins; thermal: the massless state in its default 4
// parts) on 1 and 2 threads (transport_options::threads: the kernel's source nodes and the contour's shifts shared; the
// same result bit for bit), wall-clock time, at rest (thermal:0) and in the default thermal model (thermal:1).
// The run at rest (range(0) = 0) or thermal, all channels, energy_bins x 32 angle bins, with options set by configure(o).
template <class Configure, class Run>
void model_run(benchmark::State& state, std::size_t energy_bins, Configure configure, Run run) {
  const nusi::mass_state_model<double> model(setup(state.range(0) ? relics::thermal_massless : relics::at_rest_heavy, nusi::channel_set::stu));
  auto o = bins(energy_bins);
  o.angle.bins = 32;  // the energy-angle transport only
  configure(o);
  for (auto _ : state) {
    auto r = run(model, o);
    benchmark::DoNotOptimize(r);
  }
}
template <class Run>
void on_threads(benchmark::State& state, std::size_t energy_bins, Run run) {
  model_run(state, energy_bins, [&](auto& o) { o.threads = static_cast<std::size_t>(state.range(1)); }, run);
}
// The two runs timed: one F (400 bins) and the energy-angle transport (100 x 32).
const auto one_fraction = [](const auto& model, const auto& o) {
  return nusi::mass_state_fractions_above_threshold<double, nusi::pinched_spectrum<double>>(model, anti_e, o);
};
const auto energy_angle = [](const auto& model, const auto& o) {
  return nusi::propagate_mass_states_energy_angle<double, nusi::pinched_spectrum<double>>(model, anti_e, o);
};
void BM_mass_state_fraction_threads(benchmark::State& state) { on_threads(state, 400, one_fraction); }
void BM_mass_state_energy_angle(benchmark::State& state) { on_threads(state, 100, energy_angle); }
BENCHMARK(BM_mass_state_fraction_threads)->ArgNames({"thermal", "threads"})->ArgsProduct({{0, 1}, {1, 2}})
    ->UseRealTime()->Unit(benchmark::kMillisecond);
BENCHMARK(BM_mass_state_energy_angle)->ArgNames({"thermal", "threads"})->ArgsProduct({{0, 1}, {1, 2}})
    ->UseRealTime()->Unit(benchmark::kMillisecond);

// The AVX2 paths (detail/wide_vectors.hpp: the solve's block substitution, the energy-angle solve's gain spreading)
// against the portable ones on the same processor, one thread: wide:1 takes them where the processor has AVX2, wide:0
// never (the results are the same bit for bit). The ratio is the gain of the wider registers.
template <class Run>
void wide_or_portable(benchmark::State& state, std::size_t energy_bins, Run run) {
  auto& allowed = nusi::detail::avx2_paths_allowed();
  const bool before = allowed.load();
  allowed.store(state.range(1) != 0);
  model_run(state, energy_bins, [](auto&) {}, run);
  allowed.store(before);
  state.counters["avx2"] = nusi::detail::use_avx2() && state.range(1) != 0 ? 1.0 : 0.0;
}
void BM_mass_state_fraction_wide(benchmark::State& state) { wide_or_portable(state, 400, one_fraction); }
void BM_mass_state_energy_angle_wide(benchmark::State& state) { wide_or_portable(state, 100, energy_angle); }
BENCHMARK(BM_mass_state_fraction_wide)->ArgNames({"thermal", "wide"})->ArgsProduct({{0, 1}, {0, 1}})->Unit(benchmark::kMillisecond);
BENCHMARK(BM_mass_state_energy_angle_wide)->ArgNames({"thermal", "wide"})->ArgsProduct({{0, 1}, {0, 1}})->Unit(benchmark::kMillisecond);

// The two parts of one F apart: kernel assembly, and the contour solve (12 block substitutions: 24 contour nodes).
void BM_mass_state_kernel_assembly(benchmark::State& state) {
  const nusi::mass_state_model<double> model(setup(state.range(1) ? relics::thermal_massless : relics::at_rest_heavy, nusi::channel_set::stu));
  const auto o = bins(static_cast<std::size_t>(state.range(0)));
  const auto grid = nusi::make_mass_state_energy_grid(model, o.energy);
  for (auto _ : state) {
    nusi::mass_state_kernel<double> k(model.scattering(), model.relic(), grid, nusi::kernel_scope::above_threshold);
    benchmark::DoNotOptimize(&k);
  }
}
BENCHMARK(BM_mass_state_kernel_assembly)->ArgNames({"energy_bins", "thermal"})->Args({400, 0})->Args({400, 1})->Unit(benchmark::kMillisecond);

// The thermal pole moments of one F (the default model: three thermal states, the bins above threshold): the x-first
// tanh-sinh rule (swapped:0) against the order of integration swapped (swapped:1, what thermal_pole_moments uses for a
// whole distribution whose support the bin's box meets; elsewhere both take the distribution's rule).
void BM_thermal_pole_moments(benchmark::State& state) {
  const nusi::mass_state_model<double> model(setup(relics::thermal_massless, nusi::channel_set::stu));
  const auto grid = nusi::make_mass_state_energy_grid(model, bins(400).energy);
  const double M = model.setup().interaction.med.mass_MeV;
  const nusi::resonance_pole<double> pole{M * M, M * model.scattering().width_MeV()};
  std::size_t first = 0;
  while (grid.node_MeV(first) < model.setup().threshold_MeV) ++first;
  const bool swapped = state.range(0) != 0;
  for (auto _ : state) {
    double sum = 0;
    for (std::size_t b = 0; b < 3; ++b) {
      const auto& rho = model.relic().distribution(b);
      for (std::size_t j = first; j < grid.size(); ++j) {
        const double lo = grid.bin_lower_MeV(j), hi = grid.bin_upper_MeV(j);
        const auto J = swapped ? nusi::thermal_pole_moments(pole, rho, lo, hi)
                               : nusi::detail::thermal_pole_moments_weighted(pole, rho, lo, hi, false, static_cast<double*>(nullptr));
        sum += J[0];
      }
    }
    benchmark::DoNotOptimize(sum);
  }
  state.SetItemsProcessed(state.iterations() * 3 * static_cast<std::int64_t>(grid.size() - first));
}
BENCHMARK(BM_thermal_pole_moments)->ArgNames({"swapped"})->Arg(0)->Arg(1)->Unit(benchmark::kMicrosecond);

// The arithmetic floor of any solve: y = A x once on the nodes above threshold (the dense lower block triangle:
// species^2 multiply-adds per pair of nodes), as bench_transport's BM_floor_operator_apply for one state.
void BM_floor_block_apply(benchmark::State& state) {
  const nusi::mass_state_model<double> model(setup(relics::at_rest_heavy, nusi::channel_set::stu));
  const auto o = bins(static_cast<std::size_t>(state.range(0)));
  const auto grid = nusi::make_mass_state_energy_grid(model, o.energy);
  const nusi::mass_state_kernel<double> k(model.scattering(), model.relic(), grid, nusi::kernel_scope::above_threshold);
  std::vector<double> x(k.size(), 1.0), y(k.size());
  for (auto _ : state) {
    k.apply(x.data(), y.data());
    benchmark::DoNotOptimize(y.data());
    benchmark::ClobberMemory();
  }
  const double pairs = double(k.nodes()) * double(k.nodes() + 1) / 2;
  state.counters["flops"] = benchmark::Counter(pairs * double(k.species() * k.species()) * 2,
                                               benchmark::Counter::kIsIterationInvariantRate);
}
BENCHMARK(BM_floor_block_apply)->ArgNames({"energy_bins"})->Arg(400)->Unit(benchmark::kMicrosecond);

// The exact solve of one F at rest (the contour's resolvent solves) with the kernel's species blocks (kind_halves:0)
// or the partner halves (kind_halves:1, mass_state_halves_operator: two half-size substitutions).
void BM_mass_state_solve(benchmark::State& state) {
  const nusi::mass_state_model<double> model(setup(relics::at_rest_heavy, nusi::channel_set::stu));
  const auto o = bins(static_cast<std::size_t>(state.range(0)));
  const bool halves = state.range(1) != 0;
  const auto grid = nusi::make_mass_state_energy_grid(model, o.energy);
  const nusi::mass_state_halves_operator<double> op(model.scattering(), model.relic(), grid, nusi::kernel_scope::above_threshold, {}, 1,
                                                    halves);
  const auto& k = op.kernel();
  const auto weights = nusi::detail::emission_weights<double, nusi::pinched_spectrum<double>>("bench", anti_e);
  const auto f0 = nusi::detail::mass_state_emitted_state<double, nusi::pinched_spectrum<double>>(
      k, model.scattering(), model.spectrum(), anti_e, weights);
  for (auto _ : state) {
    auto fD = nusi::exponential_action(op, f0, model.setup().distance_cm, nusi::detail::mass_state_talbot_nodes);
    benchmark::DoNotOptimize(fD.value.data());
  }
  // Floor of the block substitution: species^2 multiply-adds per pair of nodes and shift (nodes/2 complex shifts), half
  // of them in partner halves (two blocks of (species/2)^2).
  const double pairs = double(k.nodes()) * double(k.nodes() + 1) / 2;
  const double shifts = double(nusi::detail::mass_state_talbot_nodes / 2);
  const double entries = double(k.species() * k.species()) / (op.kind_symmetric() ? 2.0 : 1.0);
  state.counters["block_flops"] = benchmark::Counter(pairs * entries * shifts * 4, benchmark::Counter::kIsIterationInvariantRate);
}
BENCHMARK(BM_mass_state_solve)->ArgNames({"energy_bins", "kind_halves"})->Args({400, 0})->Args({400, 1})->Unit(benchmark::kMillisecond);

// One F at rest, the operator in partner halves (the default) or in the species' blocks (kind_halves:0, the same F to
// rounding), Majorana (six species, three per half) and Dirac (twelve, six per half).
void BM_mass_state_fraction_kind_halves(benchmark::State& state) {
  auto s = setup(relics::at_rest_heavy, nusi::channel_set::stu);
  if (state.range(1) != 0) s.interaction.nature = nusi::neutrino_nature::dirac;
  const nusi::mass_state_model<double> model(s);
  const auto o = bins(400);
  nusi::mass_state_kernel_options<double> ko;
  ko.kind_halves = state.range(0) != 0;
  for (auto _ : state) {
    auto F = nusi::mass_state_fractions_above_threshold<double, nusi::pinched_spectrum<double>>(model, anti_e, o, ko);
    benchmark::DoNotOptimize(F);
  }
}
BENCHMARK(BM_mass_state_fraction_kind_halves)->ArgNames({"kind_halves", "dirac"})->Args({0, 0})->Args({1, 0})->Args({0, 1})->Args({1, 1})
    ->Unit(benchmark::kMillisecond);

// The Monte Carlo of mass states on the saturated line of tests/test_mass_state_monte_carlo_thermal.cpp (m_lightest =
// 0.05 eV, g = 10^-3.2, the lightest state's resonance at 15 MeV), the same primaries and seed with every state
// thermal (null-collision tracking) or at rest (closed-form rates): their ratio is the cost of the thermal sampling.
void BM_mass_state_monte_carlo(benchmark::State& state) {
  nusi::mass_state_setup<double> s;
  const double m = 0.05e-6;
  s.spectrum.lightest_mass_eV = 0.05;
  s.interaction.med = {.mass_MeV = std::sqrt(2 * 15.0 * m + m * m), .coupling = std::pow(10.0, -3.2)};
  s.relic.kinematics = state.range(0) ? nusi::relic_kinematics::thermal : nusi::relic_kinematics::at_rest;
  const nusi::mass_state_model<double> model(s);
  nusi::mass_state_monte_carlo_options o;
  o.primaries = 5000;
  o.seed = 1;
  double nulls = 0, real = 0;
  for (auto _ : state) {
    auto mc = nusi::mass_state_monte_carlo<double, nusi::pinched_spectrum<double>>(model, anti_e, o);
    nulls = double(mc.null_collisions);
    real = double(mc.scatterings);
    benchmark::DoNotOptimize(mc);
  }
  state.counters["scatterings"] = real;
  state.counters["null_per_real"] = real > 0 ? nulls / real : 0.0;
}
BENCHMARK(BM_mass_state_monte_carlo)->ArgNames({"thermal"})->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond);

}  // namespace
