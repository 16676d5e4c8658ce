// SPDX-License-Identifier: MIT
// Input validation audit: each rejection added by the audit of every public entry point (see
// docs/validation.md, "Reliability"). Each check names the parameter the message must carry; the
// rejections that existed before are tested next to their function in tests/test_<header>.cpp.
#include <doctest/doctest.h>

#include <complex>
#include <limits>
#include <span>
#include <sstream>
#include <string>
#include <type_traits>
#include <vector>

#include <nusi/arrival_times.hpp>
#include <nusi/core_bound.hpp>
#include <nusi/cross_sections.hpp>
#include <nusi/detection/detectors.hpp>
#include <nusi/detection/event_rates.hpp>
#include <nusi/detection/likelihood.hpp>
#include <nusi/event_bound.hpp>
#include <nusi/monte_carlo.hpp>
#include <nusi/parallel.hpp>
#include <nusi/profiles.hpp>
#include <nusi/propagation_bound.hpp>
#include <nusi/random_walk.hpp>
#include <nusi/scan.hpp>
#include <nusi/time_spread_bound.hpp>
#include <nusi/transport.hpp>

namespace nusi_test_input_validation {  // this file's own: the suite compiles in batches of files (tests/CMakeLists.txt)

namespace {
using R = double;
constexpr R NaN = std::numeric_limits<R>::quiet_NaN();
constexpr R Inf = std::numeric_limits<R>::infinity();
}  // namespace

TEST_CASE("a mediator does not convert implicitly to a Breit-Wigner cross section") {
  // The one-argument constructor is explicit: passing a mediator where a cross section is expected
  // does not compile, while direct construction does.
  CHECK_FALSE(std::is_convertible_v<nusi::mediator<R>, nusi::s_channel_breit_wigner<R>>);
  CHECK(std::is_constructible_v<nusi::s_channel_breit_wigner<R>, nusi::mediator<R>>);
}

TEST_CASE("profiles reject non-finite radii, overflowing densities and temperatures") {
  const nusi::thermal_neutrino_gas<R> gas;
  CHECK_THROWS_WITH_AS(gas.temperature_MeV(-1.0), doctest::Contains("mean_energy_MeV"), nusi::invalid_argument);
  CHECK_THROWS_WITH_AS(gas.fermi_dirac_density_per_cm3(NaN), doctest::Contains("temperature_MeV"), nusi::invalid_argument);
  CHECK_THROWS_WITH_AS(gas.density_per_cm3(-2.0), doctest::Contains("temperature_MeV"), nusi::invalid_argument);

  const nusi::power_law_profile<R> power;
  CHECK_THROWS_WITH_AS(power.neutrino_density_per_cm3(NaN), doctest::Contains("r_cm"), nusi::invalid_argument);
  CHECK_THROWS_WITH_AS(power.mean_energy_MeV(0.0), doctest::Contains("r_cm"), nusi::invalid_argument);
  CHECK_THROWS_WITH_AS(nusi::power_law_profile<R>({.reference_density_g_per_cm3 = 1e300}),
                       doctest::Contains("reference_density_g_per_cm3"), nusi::invalid_argument);
  // <E> = 1e200 MeV: T^3 overflows, so the Fermi-Dirac neutrino density would be infinite.
  CHECK_THROWS_WITH_AS(nusi::power_law_profile<R>({.mean_energy_MeV = 1e200}), doctest::Contains("mean_energy_MeV"),
                       nusi::invalid_argument);

  const nusi::constant_profile<R> constant;
  CHECK_THROWS_WITH_AS(constant.nucleon_density_per_cm3(-1.0), doctest::Contains("r_cm"), nusi::invalid_argument);
  CHECK_THROWS_WITH_AS(constant.neutrino_density_per_cm3(Inf), doctest::Contains("r_cm"), nusi::invalid_argument);
  CHECK_THROWS_WITH_AS(constant.mean_energy_MeV(NaN), doctest::Contains("r_cm"), nusi::invalid_argument);
  CHECK_THROWS_WITH_AS(nusi::constant_profile<R>({.density_g_per_cm3 = 1e300}), doctest::Contains("density_g_per_cm3"),
                       nusi::invalid_argument);
}

TEST_CASE("the random walk and the nu-N cross section reject bad radii, energies and constants") {
  const nusi::neutral_current_nucleon_cross_section<R> sigma;
  CHECK_THROWS_WITH_AS(sigma.cross_section_cm2(-1.0), doctest::Contains("E_MeV"), nusi::invalid_argument);
  CHECK_THROWS_WITH_AS(sigma.thermal_average_cm2({1.0, 0.0, 3.15, NaN}), doctest::Contains("state.mean_square_energy_MeV2"),
                       nusi::invalid_argument);
  CHECK_THROWS_WITH_AS((nusi::neutral_current_nucleon_cross_section<R>{.g_A = NaN}).cross_section_cm2(10.0),
                       doctest::Contains("g_A"), nusi::invalid_argument);
  CHECK_THROWS_WITH_AS((nusi::neutral_current_nucleon_cross_section<R>{.G_F_per_MeV2 = 0.0}).cross_section_cm2(10.0),
                       doctest::Contains("G_F_per_MeV2"), nusi::invalid_argument);

  const auto walk = nusi::core_inputs<R>{}.walk();
  CHECK_THROWS_WITH_AS(walk.mean_free_path_cm(NaN), doctest::Contains("r_cm"), nusi::invalid_argument);
  CHECK_THROWS_WITH_AS(walk.thermal_state_at(-1.0), doctest::Contains("r_cm"), nusi::invalid_argument);
  CHECK_THROWS_WITH_AS(walk.point_at(0.0), doctest::Contains("r_cm"), nusi::invalid_argument);
}

TEST_CASE("the core map rejects couplings whose eighth power overflows") {
  const nusi::core_map_grid<R> high{.log10_coupling_max = 40.0};
  CHECK_THROWS_WITH_AS(nusi::core_map<R>(high), doctest::Contains("grid.log10_coupling_max"), nusi::invalid_argument);
  const nusi::core_map_grid<R> low{.log10_coupling_min = -40.0};
  CHECK_THROWS_WITH_AS(nusi::core_map<R>(low), doctest::Contains("grid.log10_coupling_min"), nusi::invalid_argument);
}

TEST_CASE("grids, systems and solvers reject NaN positions, negative angles and bad shifts") {
  const nusi::energy_grid<R> grid(nusi::energy_grid_options<R>{.bins = 16}, 5.0);
  CHECK_THROWS_WITH_AS(grid.bin_of(NaN), doctest::Contains("energy_MeV"), nusi::invalid_argument);
  CHECK(grid.bin_of(Inf) == grid.size() - 1);  // +infinity is clamped to the last node, as documented
  const nusi::angle_grid<R> angles(nusi::angle_grid_options<R>{.bins = 8});
  // A negative angle once read theta_[-1] (size_t wrap-around).
  CHECK_THROWS_WITH_AS(angles.locate(-1e-3), doctest::Contains("theta"), nusi::invalid_argument);
  CHECK_THROWS_WITH_AS(angles.locate(NaN), doctest::Contains("theta"), nusi::invalid_argument);
  CHECK_THROWS_WITH_AS(angles.locate_from(angles.size(), 1.0), doctest::Contains("b must be"), nusi::invalid_argument);
  CHECK_THROWS_WITH_AS(angles.locate_from(3, 0.0), doctest::Contains("theta"), nusi::invalid_argument);

  const nusi::propagation_setup<R> setup{};
  const nusi::energy_kernel<R> kernel(setup, grid);
  const std::vector<R> f(kernel.size(), 0.0);
  std::vector<R> out(kernel.size());
  const std::vector<R> bad_real{1.0, NaN};
  std::vector<R> out2(2 * kernel.size());
  CHECK_THROWS_WITH_AS(kernel.solve_shifted(std::span<const R>(bad_real), f.data(), out2.data()), doctest::Contains("shifts[1]"),
                       nusi::invalid_argument);
  const std::vector<std::complex<R>> bad_complex{{1.0, Inf}};
  std::vector<std::complex<R>> cout(kernel.size());
  CHECK_THROWS_WITH_AS(kernel.solve_shifted(std::span<const std::complex<R>>(bad_complex), f.data(), cout.data()),
                       doctest::Contains("shifts[0]"), nusi::invalid_argument);
  const nusi::energy_angle_kernel<R> angle_kernel(setup, grid, angles);
  const std::vector<R> fa(angle_kernel.size(), 0.0);
  std::vector<R> outa(angle_kernel.size());
  const std::vector<R> inf_shift{Inf};
  CHECK_THROWS_WITH_AS(angle_kernel.solve_shifted(std::span<const R>(inf_shift), fa.data(), outa.data()),
                       doctest::Contains("shifts[0]"), nusi::invalid_argument);

  const nusi::transport_system<nusi::energy_kernel<R>> system(kernel);
  CHECK_THROWS_WITH_AS(system.solve_shifted(NaN, f, out), doctest::Contains("shift"), nusi::invalid_argument);
  std::vector<R> state = nusi::emitted_state(kernel, nusi::pinched_spectrum<R>::paper_default());
  CHECK_THROWS_WITH_AS(nusi::integrate_transport(nusi::make_transport_stepper<R>(), std::ref(system), state, 1e20, 1e14, 0),
                       doctest::Contains("max_steps"), nusi::invalid_argument);
}

TEST_CASE("transport options are checked even where the chosen method ignores them") {
  const nusi::propagation_setup<R> setup{};
  const auto emission = nusi::pinched_spectrum<R>::paper_default();
  nusi::transport_options<R> odd{.energy = {.bins = 16}};
  odd.talbot_nodes = 31;
  odd.method = nusi::transport_method::odeint;
  CHECK_THROWS_WITH_AS(nusi::propagate_energy(setup, emission, odd), doctest::Contains("options.talbot_nodes"),
                       nusi::invalid_argument);
  nusi::transport_options<R> tol{.energy = {.bins = 16}};
  tol.odeint_rel_tol = -1.0;  // method exact: the odeint tolerance is unused but still wrong
  CHECK_THROWS_WITH_AS(nusi::fraction_above_threshold(setup, emission, tol), doctest::Contains("options.odeint_rel_tol"),
                       nusi::invalid_argument);
  nusi::transport_options<R> abs_tol{.energy = {.bins = 16}};
  abs_tol.odeint_abs_tol = NaN;
  CHECK_THROWS_WITH_AS(nusi::propagate_energy_angle(setup, emission, abs_tol), doctest::Contains("options.odeint_abs_tol"),
                       nusi::invalid_argument);
}

TEST_CASE("bound searches reject couplings outside [-30, 10] dex and absurd thread counts") {
  const nusi::propagation_setup<R> setup{};
  const auto emission = nusi::pinched_spectrum<R>::paper_default();
  nusi::propagation_bound_options<R> high;
  high.log10_g_max = 400.0;  // 10^400 overflows to an infinite coupling
  CHECK_THROWS_WITH_AS(nusi::propagation_bound(-3.0, setup, emission, high), doctest::Contains("log10_g_max"),
                       nusi::invalid_argument);
  nusi::propagation_bound_options<R> low;
  low.log10_g_min = -400.0;
  CHECK_THROWS_WITH_AS(nusi::propagation_bound(-3.0, setup, emission, low), doctest::Contains("log10_g_min"),
                       nusi::invalid_argument);
  nusi::propagation_bound_options<R> threads;
  threads.threads = nusi::max_threads + 1;
  CHECK_THROWS_WITH_AS(nusi::propagation_bound_curve(-3.0, -2.0, 0.5, setup, emission, threads), doctest::Contains("threads"),
                       nusi::invalid_argument);
  nusi::propagation_bound_options<R> talbot;
  talbot.transport.talbot_nodes = 2;
  CHECK_THROWS_WITH_AS(nusi::propagation_bound(-3.0, setup, emission, talbot), doctest::Contains("options.talbot_nodes"),
                       nusi::invalid_argument);

  nusi::time_spread_bound_options<R> spread;
  spread.log10_g_max = 11.0;
  CHECK_THROWS_WITH_AS(nusi::time_spread_bound(-3.0, setup, emission, spread), doctest::Contains("options.log10_g_max"),
                       nusi::invalid_argument);

  int calls = 0;
  CHECK_THROWS_WITH_AS(nusi::parallel_for(4, nusi::max_threads + 1, [&](std::size_t) { ++calls; }), doctest::Contains("threads"),
                       nusi::invalid_argument);
  CHECK(calls == 0);  // rejected before any job ran
}

TEST_CASE("Monte Carlo histograms reject NaN and counts that do not match their edges") {
  nusi::binned_counts<R> h{.edges = {0.0, 1.0, 2.0}, .counts = {0, 0}};
  CHECK_THROWS_WITH_AS(h.fill(NaN), doctest::Contains("x"), nusi::invalid_argument);
  h.fill(Inf);  // +infinity is an overflow, as documented
  CHECK(h.overflow == 1);
  nusi::binned_counts<R> mismatched{.edges = {0.0, 1.0, 2.0}, .counts = {}};
  // Once wrote counts[0] of an empty vector.
  CHECK_THROWS_WITH_AS(mismatched.fill(0.5), doctest::Contains("counts.size()"), nusi::invalid_argument);
}

TEST_CASE("windowed fractions reject bad histogram edges and work bounds") {
  const nusi::propagation_setup<R> setup{};
  const auto emission = nusi::pinched_spectrum<R>::paper_default();
  nusi::window_fraction_options<R> zero_work{.primaries = 10};
  zero_work.max_scatterings = 0;
  CHECK_THROWS_WITH_AS((nusi::windowed_fraction<R, nusi::pinched_spectrum<R>>(setup, emission, zero_work)),
                       doctest::Contains("options.max_scatterings"), nusi::invalid_argument);
  nusi::window_fraction_options<R> many{.primaries = 200'000'000};
  CHECK_THROWS_WITH_AS((nusi::windowed_fraction<R, nusi::pinched_spectrum<R>>(setup, emission, many)),
                       doctest::Contains("options.primaries"), nusi::invalid_argument);
  const nusi::windowed_fraction<R, nusi::pinched_spectrum<R>> window(setup, emission, {.primaries = 10});
  std::vector<R> histogram(1);
  CHECK_THROWS_WITH_AS(window(1e-2, {10.0, 5.0}, histogram), doctest::Contains("edges_MeV"), nusi::invalid_argument);
  CHECK_THROWS_WITH_AS(window(1e-2, {5.0, NaN}, histogram), doctest::Contains("edges_MeV"), nusi::invalid_argument);
  std::vector<R> short_histogram;  // once written past its end
  CHECK_THROWS_WITH_AS(window(1e-2, {5.0, 10.0}, short_histogram), doctest::Contains("histogram.size()"),
                       nusi::invalid_argument);
}

TEST_CASE("detector functions reject NaN energies and bad resolutions") {
  CHECK_THROWS_WITH_AS(nusi::kamiokande_ii_efficiency(NaN), doctest::Contains("E_MeV"), nusi::invalid_argument);
  CHECK_THROWS_WITH_AS(nusi::imb_efficiency(NaN), doctest::Contains("E_MeV"), nusi::invalid_argument);
  CHECK_THROWS_WITH_AS(nusi::channel_lepton_energy_MeV(nusi::detection_channel::inverse_beta_decay, Inf),
                       doctest::Contains("E_nu_MeV"), nusi::invalid_argument);
  CHECK_THROWS_WITH_AS(nusi::hyper_kamiokande<R>(-187.0), doctest::Contains("inner_detector_kt"), nusi::invalid_argument);
  const nusi::energy_resolution<R> resolution{.stochastic_sigma_at_10MeV_MeV = 1.0, .linear_sigma_at_10MeV_MeV = 0.0};
  CHECK_THROWS_WITH_AS(resolution.sigma_MeV(NaN), doctest::Contains("visible_energy_MeV"), nusi::invalid_argument);
  const nusi::energy_resolution<R> negative{.stochastic_sigma_at_10MeV_MeV = -1.0};
  CHECK_THROWS_WITH_AS(negative.sigma_MeV(10.0), doctest::Contains("stochastic_sigma_at_10MeV_MeV"), nusi::invalid_argument);

  const nusi::binned_spectrum<R> spectrum({0.0, 10.0}, {1.0});
  CHECK_THROWS_WITH_AS(spectrum(NaN), doctest::Contains("E_MeV"), nusi::invalid_argument);
  const nusi::detector_response<R> response(nusi::super_kamiokande<R>(), {.max_energy_MeV = 100.0});
  CHECK_THROWS_WITH_AS(response.visible_energy_MeV(NaN), doctest::Contains("E_nu_MeV"), nusi::invalid_argument);
  CHECK_THROWS_WITH_AS(nusi::detector_response<R>(nusi::super_kamiokande<R>(), {.panel_width_MeV = 1e-300}),
                       doctest::Contains("quadrature.panel_width_MeV"), nusi::invalid_argument);
  auto bad = nusi::super_kamiokande<R>();
  bad.threshold_MeV = NaN;
  CHECK_THROWS_WITH_AS(nusi::forecast_measured_edges(bad), doctest::Contains("detector.threshold_MeV"), nusi::invalid_argument);
}

TEST_CASE("likelihood scans and folded detectors bound their work and check their inputs") {
  const nusi::exclusion_scan<R> dense{.coupling_min = 1e-30, .coupling_max = 1.0, .points_per_decade = 4'000'000'000u};
  CHECK_THROWS_WITH_AS(nusi::coupling_exclusion_limit<R>([](R) { return 0.0; }, dense), doctest::Contains("scan.points_per_decade"),
                       nusi::invalid_argument);
  const std::vector<R> edges{10.0, 20.0, 30.0};
  CHECK_THROWS_WITH_AS(nusi::folded_detector<R>(nusi::super_kamiokande<R>(), edges, {}, {}, 1e-300),
                       doctest::Contains("panel_width_MeV"), nusi::invalid_argument);
  const nusi::folded_detector<R> folded(nusi::super_kamiokande<R>(), edges);
  const std::vector<R> negative{1.0, -1.0}, good{1.0, 1.0};
  CHECK_THROWS_WITH_AS(folded.expected_events(negative, 1.0), doctest::Contains("n[1]"), nusi::invalid_argument);
  CHECK_THROWS_WITH_AS(folded.expected_events(good, NaN), doctest::Contains("number_per_cm2"), nusi::invalid_argument);
  CHECK_THROWS_WITH_AS(folded.event_densities_per_MeV(good, -1.0), doctest::Contains("number_per_cm2"), nusi::invalid_argument);

  CHECK_THROWS_WITH_AS(nusi::grid_bin_edges<R>({1.0, Inf}), doctest::Contains("nodes_MeV[1]"), nusi::invalid_argument);
  CHECK_THROWS_WITH_AS(nusi::grid_bin_edges<R>({-1.0, 1.0}), doctest::Contains("nodes_MeV[0]"), nusi::invalid_argument);
  CHECK_THROWS_WITH_AS(nusi::rebinned_counts<R>({0.0, Inf}, {1.0}, {0.0, 1.0}), doctest::Contains("from_edges[1]"),
                       nusi::invalid_argument);
  CHECK_THROWS_WITH_AS(nusi::rebinned_counts<R>({0.0, 1.0}, {NaN}, {0.0, 1.0}), doctest::Contains("from_counts[0]"),
                       nusi::invalid_argument);
  CHECK_THROWS_WITH_AS(nusi::rebinned_counts<R>({0.0, 1.0}, {1.0}, {NaN, 1.0}), doctest::Contains("to_edges[0]"),
                       nusi::invalid_argument);

  nusi::event_bound_options<R> options;
  options.log10_g_min = -300.0;
  CHECK_THROWS_WITH_AS(nusi::event_bound<R>(-3.0, {}, {}, {nusi::asimov_observation(nusi::super_kamiokande<R>())}, options),
                       doctest::Contains("options.log10_g_min"), nusi::invalid_argument);
  nusi::event_bound_options<R> points;
  points.points_per_decade = 1'000'000;
  CHECK_THROWS_WITH_AS(nusi::event_bound<R>(-3.0, {}, {}, {nusi::asimov_observation(nusi::super_kamiokande<R>())}, points),
                       doctest::Contains("options.points_per_decade"), nusi::invalid_argument);
  nusi::event_bound_options<R> primaries;
  primaries.window.primaries = 200'000'000;  // above the window Monte Carlo's 1e8
  CHECK_THROWS_WITH_AS(nusi::event_bound<R>(-3.0, {}, {}, {nusi::asimov_observation(nusi::super_kamiokande<R>())}, primaries),
                       doctest::Contains("options.window.primaries"), nusi::invalid_argument);
}

TEST_CASE("scans reject bad core constants, thread and worker counts, rows and overflowing numbers") {
  nusi::scan_plan<R> plan;
  plan.log10_mass_MeV = {-3.0};
  plan.bounds = false;
  plan.log10_coupling = {-2.0};
  plan.supernovae[0].core.kappa = -1.0;  // once found only inside a job
  CHECK_THROWS_WITH_AS(nusi::scan_runner<R>{plan}, doctest::Contains("supernovae[0].core.kappa"), nusi::invalid_argument);
  plan.supernovae[0].core.kappa = nusi::default_kappa<R>;
  plan.supernovae[0].core.vector_angular_factor = NaN;
  CHECK_THROWS_WITH_AS(nusi::scan_runner<R>{plan}, doctest::Contains("supernovae[0].core.vector_angular_factor"),
                       nusi::invalid_argument);
  plan.supernovae[0].core.vector_angular_factor = 1.0;
  CHECK_THROWS_WITH_AS(nusi::run_scan(plan, nusi::max_threads + 1), doctest::Contains("threads"), nusi::invalid_argument);
  plan.propagation_options.transport.energy.bins = 16;
  const nusi::scan_runner<R> runner(plan);
  CHECK_THROWS_WITH_AS(nusi::scan_shares(runner, 2'000'000), doctest::Contains("parts"), nusi::invalid_argument);
  std::vector<nusi::scan_row<R>> rows(1);
  rows[0].supernova = 7;  // once std::out_of_range from vector::at
  std::ostringstream csv;
  CHECK_THROWS_WITH_AS(nusi::write_scan_csv(csv, plan, rows), doctest::Contains("rows[0].supernova"), nusi::invalid_argument);
  // 1e400 is a finite long double: once read as an infinite relic mass.
  std::istringstream text("log10_mass_MeV = -3\nrelic_mass_MeV = 1e400\n");
  CHECK_THROWS_WITH_AS(nusi::read_scan_plan<R>(text, "plan.txt"), doctest::Contains("relic_mass_MeV"), nusi::invalid_argument);
}

TEST_CASE("resource caps: energy-angle kernels above 2^27 entries and Monte Carlo runs above 1e10 primaries are "
          "rejected by name before any work") {
  using E = nusi::invalid_argument;
  const nusi::propagation_setup<double> setup;
  // 20000 energy nodes: N (N + 1)/2 = 2.0e8 > 2^27 = 1.34e8 pair entries, ~5 GB. Rejected before allocation.
  nusi::transport_options<double> options;
  options.energy.bins = 20000;
  options.angle.bins = 3;
  const auto spectrum = nusi::pinched_spectrum<double>::paper_default();
  CHECK_THROWS_WITH_AS(nusi::propagate_energy_angle(setup, spectrum, options), doctest::Contains("angle.bins"), E);
  CHECK_THROWS_WITH_AS(nusi::propagate_energy_angle(setup, spectrum, options), doctest::Contains("134217728"), E);
  // 400 energy x 20000 angle nodes x 16 Talbot shifts = 1.3e8 > 2^26 solver entries (~5 GB of scratch),
  // although the kernel itself (8e6 entries) would fit: rejected before the kernel is built.
  options.energy.bins = 400;
  options.angle.bins = 20000;
  CHECK_THROWS_WITH_AS(nusi::propagate_energy_angle(setup, spectrum, options), doctest::Contains("67108864"), E);
  // A modest grid builds and solves (the limit counts nodes, including resonance refinement).
  options.energy.bins = 100;
  options.angle.bins = 3;
  CHECK_NOTHROW(nusi::propagate_energy_angle(setup, spectrum, options));

  nusi::monte_carlo_options<double> mc;
  mc.primaries = nusi::max_monte_carlo_primaries + 1;
  CHECK_THROWS_WITH_AS(nusi::monte_carlo_propagation(setup, spectrum, mc), doctest::Contains("options.primaries"), E);
  CHECK_THROWS_WITH_AS(nusi::monte_carlo_propagation(setup, spectrum, mc), doctest::Contains("10000000001"), E);
  mc.primaries = 0;
  CHECK_THROWS_WITH_AS(nusi::monte_carlo_propagation(setup, spectrum, mc), doctest::Contains("options.primaries"), E);
  // The defaults of every Monte Carlo entry point stay inside the caps.
  CHECK(nusi::monte_carlo_options<double>{}.primaries <= nusi::max_monte_carlo_primaries);
  CHECK(nusi::arrival_time_options<double>{}.primaries <= 100'000'000);     // arrival_time_distribution's cap
  CHECK(nusi::window_fraction_options<double>{}.primaries <= 100'000'000);  // windowed_fraction's cap
  // The window Monte Carlo already caps its primaries at 1e8.
  nusi::window_fraction_options<double> window;
  window.primaries = 100'000'001;
  CHECK_THROWS_WITH_AS((nusi::windowed_fraction<double, nusi::pinched_spectrum<double>>(setup, spectrum, window)),
                       doctest::Contains("options.primaries"), E);
}

}  // namespace nusi_test_input_validation
