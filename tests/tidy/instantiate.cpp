// SPDX-License-Identifier: MIT
// clang-tidy's view of the headers: a translation unit that instantiates nusi's main templates with
// double, so the checks see template bodies and not only declarations. Compiled by clang-tidy only
// (tests/tidy/CMakeLists.txt, test tidy.headers); never linked or run.
#include <cstdint>
#include <random>
#include <span>
#include <string>
#include <vector>

#include <nusi/nusi.hpp>

// Class templates: an explicit instantiation definition instantiates every non-template member.
template struct nusi::mediator<double>;
template struct nusi::relic_neutrinos<double>;
template class nusi::s_channel_breit_wigner<double>;
template class nusi::fermi_dirac_spectrum<double>;
template class nusi::pinched_spectrum<double>;
template class nusi::thermal_neutrino_gas<double>;
template class nusi::power_law_profile<double>;
template class nusi::constant_profile<double>;
template class nusi::tabulated_profile<double>;
template class nusi::detail::monotone_cubic<double>;
template struct nusi::neutral_current_nucleon_cross_section<double>;
template struct nusi::two_to_four_cross_section<double>;
template class nusi::random_walk<double, nusi::power_law_profile<double>>;
template class nusi::random_walk<double, nusi::tabulated_profile<double>>;
template class nusi::random_walk<double, nusi::constant_profile<double>, nusi::two_to_four_cross_section<double>>;
template struct nusi::core_inputs<double>;
template struct nusi::core_bound_result<double>;
template struct nusi::core_map_result<double>;
template struct nusi::propagation_setup<double>;
template class nusi::neutrino_spectrum<double>;
template class nusi::target_energy_distribution<double>;
template class nusi::relic_background<double>;
template struct nusi::flavour_coupling_pattern<double>;
template class nusi::mass_state_scattering<double>;
template struct nusi::mass_state_setup<double>;
template class nusi::mass_state_model<double>;
template class nusi::mass_state_kernel<double>;
template struct nusi::binned_counts<double>;
template struct nusi::detail::compensated_sum<double>;
template class nusi::detail::monte_carlo_engine<double, nusi::pinched_spectrum<double>>;
template struct nusi::ibd_parameters<double>;
template struct nusi::energy_resolution<double>;
template struct nusi::detector<double>;
template class nusi::binned_spectrum<double>;
template struct nusi::supernova_emission<double>;
template class nusi::detector_response<double>;
template class nusi::folded_detector<double>;
template struct nusi::observed_event<double>;
template struct nusi::detector_observation<double>;
template struct nusi::profiled_value<double>;
template struct nusi::sn1987a_event<double>;
// Transport (transport/grid, kernel, system, solvers, propagate), bounds, arrival times, event bounds.
template struct nusi::energy_grid_options<double>;
template struct nusi::angle_grid_options<double>;
template class nusi::energy_grid<double>;
template class nusi::angle_grid<double>;
template class nusi::energy_kernel<double>;
template class nusi::energy_angle_kernel<double>;
template class nusi::transport_system<nusi::energy_kernel<double>>;
template class nusi::transport_system<nusi::energy_angle_kernel<double>>;
template struct nusi::exponential_action_result<double>;
template class nusi::triangular_rosenbrock4<double>;
template struct nusi::transport_options<double>;
template struct nusi::threshold_fraction<double>;
template struct nusi::propagation_result<double>;
template struct nusi::energy_angle_result<double>;
template struct nusi::propagation_bound_options<double>;
template struct nusi::propagation_bound_point<double>;
template struct nusi::monte_carlo_options<double>;
template struct nusi::monte_carlo_result<double>;
template struct nusi::scattering_final_state<double>;
template struct nusi::energy_budget<double>;
template struct nusi::arrival<double>;
template struct nusi::arrival_time_options<double>;
template struct nusi::delay_quantile<double>;
template struct nusi::arrival_time_result<double>;
template struct nusi::window_fraction_options<double>;
template struct nusi::window_fraction<double>;
template class nusi::windowed_fraction<double, nusi::pinched_spectrum<double>>;
template struct nusi::time_spread_bound_options<double>;
template struct nusi::time_spread_bound_point<double>;
template struct nusi::event_bound_options<double>;
template class nusi::event_likelihood_ratio<double>;
template struct nusi::event_bound_point<double>;
template struct nusi::detector_expectation<double>;
// Phase space and the one-diagram 2nu->4nu cross section (Fig. 5).
template struct nusi::phase_space_point<double, 4>;
template class nusi::rambo_generator<double, 4>;
template class nusi::cascade_generator<double, 4>;
template struct nusi::invariant_mass_sampling<double>;
template struct nusi::monte_carlo_estimate<double>;
template struct nusi::two_to_four_diagram_options<double>;
template struct nusi::diagram_cross_section<double>;
template struct nusi::two_to_four_comparison_options<double>;
template struct nusi::two_to_four_comparison_row<double>;
template struct nusi::two_to_four_comparison_curve<double>;
template struct nusi::two_to_four_bound_shift<double>;

// Function templates and member templates: called from a function that is never run.
void nusi_tidy_instantiate();
void nusi_tidy_instantiate() {
  using nusi::km;
  std::random_device seed;
  std::mt19937_64 rng(seed());

  const nusi::mediator<double> med{.mass_MeV = 1e-3, .coupling = 0.1};
  (void)nusi::sigma_2to4_cm2(1.0, med, nusi::default_kappa<double>);
  (void)nusi::fermi_dirac_integral(2.0, 0.0);
  const auto pinched = nusi::pinched_spectrum<double>::paper_default();
  (void)nusi::detail::uniform_open01<double>(rng);

  const nusi::tabulated_profile<double> table({km(10.0), km(20.0)}, {1e14, 1e13}, {10.0, 5.0});
  (void)nusi::tabulated_profile<double>::from_csv("profile.csv");
  const nusi::random_walk<double, nusi::tabulated_profile<double>> walk(table, {km(10.0), km(20.0)});
  (void)walk.integrate([](const auto& p) { return p.inverse_mean_free_path_per_cm; });
  (void)nusi::core_bound(1e-3, nusi::core_inputs<double>{});
  (void)nusi::core_map(nusi::core_map_grid<double>{}, nusi::core_inputs<double>{});
  (void)nusi::core_bound(walk, 1e-3, nusi::default_kappa<double>, nusi::mediator_kind::scalar, 1.0);

  (void)nusi::two_body_final_state(10.0, 1.0, 1e-7);
  (void)nusi::sample_two_body_final_state(10.0, 1e-7, rng);
  (void)nusi::monte_carlo_propagation(nusi::propagation_setup<double>{}, pinched, nusi::monte_carlo_options<double>{});

  const nusi::supernova_emission<double> emission{};
  const nusi::detector_response<double> response(nusi::kamiokande_ii<double>());
  const nusi::binned_spectrum<double> binned({0.0, 10.0, 20.0}, {0.5, 0.5});
  const std::vector<double> edges{5.0, 10.0, 50.0};
  (void)nusi::expected_events(response, emission);
  (void)response.expected_events(binned, 1.0);
  (void)response.expected_events(pinched, 1.0);
  (void)response.expected_events_in_bins(binned, 1.0, std::span<const double>(edges));
  for (const auto& d : {nusi::imb<double>(), nusi::baksan<double>(), nusi::super_kamiokande<double>(),
                        nusi::hyper_kamiokande<double>(), nusi::juno<double>(), nusi::dune<double>()})
    (void)nusi::detector_response<double>(d);
  (void)nusi::ibd_cross_section_cm2(20.0);
  (void)nusi::ibd_cross_section_approx_cm2(20.0);
  (void)nusi::nue_argon_cross_section_cm2(20.0);
  (void)nusi::imb_efficiency(20.0);
  (void)nusi::kamiokande_ii_efficiency(20.0);
  (void)nusi::free_protons_in_water(1.0);

  const auto events = nusi::load_sn1987a_events<double>("sn1987a_events.csv");
  const auto observed = nusi::sn1987a_observed_events(events, nusi::sn1987a_detector::kamiokande_ii);
  (void)nusi::select_sn1987a_events(events, nusi::sn1987a_detector::imb);
  (void)nusi::sn1987a_counts_in_bins(events, nusi::sn1987a_detector::baksan, std::span<const double>(edges));
  (void)nusi::extended_log_likelihood<double>(response, binned, 1.0, observed);
  (void)nusi::critical_delta_chi2(0.9);
  (void)nusi::critical_delta_chi2_one_sided(0.9);
  const std::vector<double> expected{1.0, 2.0};
  const std::vector<unsigned> counts{1, 2};
  (void)nusi::poisson_log_likelihood<double>(expected, counts);
  (void)nusi::poisson_log_likelihood<double>(expected, expected);
  (void)nusi::extended_log_likelihood<double>(1.0, expected, expected);
  (void)nusi::profiled_poisson_log_likelihood<double>(expected, expected, 1e-3, 1e3);
  (void)nusi::profiled_extended_log_likelihood<double>(1.0, expected, expected, 1e-3, 1e3);
  (void)nusi::rebinned_counts(edges, expected, edges);
  (void)nusi::sn1987a_observations(events);
  (void)nusi::asimov_observation(nusi::juno<double>());
  (void)nusi::coupling_exclusion_limit([](double g) { return -g; }, nusi::exclusion_scan<double>{});

  // Transport: grids, kernels, the odeint System, both solvers and the one-call entry points.
  const nusi::propagation_setup<double> setup{};
  nusi::transport_options<double> options{};
  const nusi::energy_grid<double> grid = nusi::make_energy_grid(setup, options.energy);
  const nusi::angle_grid<double> angles(options.angle);
  const nusi::energy_kernel<double> kernel(setup, grid, nusi::kernel_scope::full);
  const nusi::energy_angle_kernel<double> angle_kernel(setup, grid, angles);
  const std::vector<double> f0 = nusi::emitted_state(kernel, pinched);
  const std::vector<double> f0_angle = nusi::emitted_state(angle_kernel, pinched);
  (void)nusi::exponential_action(kernel, f0, setup.distance_cm);
  (void)nusi::exponential_action(angle_kernel, f0_angle, setup.distance_cm);
  std::vector<double> f = f0;
  (void)nusi::integrate_transport(nusi::make_transport_stepper<double>(), nusi::transport_system(kernel), f,
                                  setup.distance_cm, setup.distance_cm * 1e-6);
  (void)nusi::propagate_energy(setup, pinched, options);
  (void)nusi::fraction_above_threshold(setup, pinched, options);
  (void)nusi::propagate_energy_angle(setup, pinched, options);
  (void)nusi::fraction_above_threshold_converged(setup, pinched, options);
  (void)nusi::three_dimensional_composition_rad(1e-3, 2e-3, 0.5);
  (void)nusi::mean_cosine_composition_rad(1e-3, 2e-3);
  (void)nusi::angle_model_name(nusi::angle_model::three_dimensional);
  (void)nusi::relic_neutrinos<double>::same_mass_state();
  (void)nusi::centre_of_mass_energy_MeV(30.0, nusi::centre_of_mass_convention::isotropic_mean_s);
  options.method = nusi::transport_method::odeint;
  (void)nusi::propagate_energy(setup, pinched, options);
  (void)nusi::propagation_bound(-3.5, setup, pinched);
  (void)nusi::propagation_bound_curve(-4.0, -3.0, 0.5, setup, pinched);

  // Monte Carlo, arrival times and event-level bounds.
  (void)nusi::max_energy_loss_MeV(10.0, 1e-7);
  (void)nusi::arrival_time_distribution(setup, pinched, nusi::arrival_time_options<double>{});
  (void)nusi::unscattered_fraction_above_threshold(setup, pinched);
  const nusi::windowed_fraction<double, nusi::pinched_spectrum<double>> window(setup, pinched);
  (void)window(1e-3);
  (void)nusi::time_spread_bound(-3.5, setup, pinched);
  (void)nusi::transport_bin_edges(5.0);
  (void)nusi::grid_bin_edges(edges);
  (void)nusi::detail::emitted_counts_in_bins(pinched, edges);
  (void)nusi::unscattered_counts_in_bins(setup, pinched, edges);
  const auto propagated = nusi::propagate_energy(setup, pinched);
  (void)nusi::binned_spectrum_at_earth(propagated);
  (void)nusi::emitted_spectrum_on_grid(propagated);
  (void)nusi::sn1987a_event_bound(-3.5, setup, emission, events);
  (void)nusi::forecast_event_bound(-3.5, setup, emission, nusi::super_kamiokande<double>());
  (void)nusi::expected_event_counts(setup, emission, {nusi::juno<double>()});

  // Mass-state model (mass_states/*.hpp, transport/mass_state_*.hpp, mass_state_monte_carlo.hpp, mass_state_bound.hpp).
  nusi::mass_state_setup<double> mass_setup;
  mass_setup.spectrum.lightest_mass_eV = 0.05;
  const nusi::mass_state_model<double> mass_model(mass_setup);
  (void)mass_model.relic().distribution(0).gauss_nodes(6);
  const std::vector<nusi::flavour_emission<double, nusi::pinched_spectrum<double>>> burst{{nusi::flavour::e, true, pinched, 1.0}};
  (void)nusi::mass_state_fractions_above_threshold<double, nusi::pinched_spectrum<double>>(mass_model, burst);
  (void)nusi::propagate_mass_states<double, nusi::pinched_spectrum<double>>(mass_model, burst);
  (void)nusi::mass_state_propagation_bound<double, nusi::pinched_spectrum<double>>(-3.5, mass_setup, burst);
  (void)nusi::mass_state_bound_figure_table(-4.0, -3.0, 1.0, mass_setup, setup, pinched);
  mass_setup.relic.kinematics = nusi::relic_kinematics::at_rest;
  const nusi::mass_state_model<double> resting(mass_setup);
  (void)nusi::mass_state_monte_carlo<double, nusi::pinched_spectrum<double>>(resting, burst);

  // Phase space and the one-diagram 2nu->4nu cross section (Fig. 5).
  (void)nusi::massless_phase_space_volume(4, 1.0);
  (void)nusi::two_body_phase_space_volume(1.0, 0.1, 0.2);
  const nusi::rambo_generator<double, 4> rambo(1.0, {0.1, 0.1, 0.1, 0.1});
  const nusi::cascade_generator<double, 4> cascade(1.0);
  (void)nusi::integrate_phase_space<double>(rambo, [](const auto&) { return 1.0; }, {});
  const auto point = cascade(rng);
  (void)nusi::two_to_four_squared_amplitude(point, med, 0.0);
  nusi::two_to_four_diagram_options<double> diagram{};
  (void)nusi::sigma_2to4_diagram_cm2(1e-3, med, diagram);
  diagram.method = nusi::phase_space_method::rambo;
  (void)nusi::sigma_2to2_s_channel_cm2(1e-3, med, diagram);
  (void)nusi::sigma_2to4_diagram_low_energy_cm2(1e-4, med);
  (void)nusi::sigma_2to4_diagram_narrow_width_cm2(1e-2, med);
  (void)nusi::sigma_2to4_diagram_massless_cm2(1e-2, med);
  (void)nusi::two_to_four_diagram_kappa<double>();
  (void)nusi::compare_two_to_four<double>();
  (void)nusi::core_bound_shift_from_diagram(60.0, med);
}

// Supernova models (emission/): readers, the time-dependent emission, fluences, conversion, arrivals.
#include <sstream>

#include <nusi/emission.hpp>

template class nusi::pinched_mixture<double>;
template class nusi::fluence_spectrum<double>;
template class nusi::detail::gamma_mixture<double>;
template class nusi::flavor_emission<double>;
template class nusi::flavor_flux<double>;
template class nusi::supernova_model<double>;
template struct nusi::flavor_conversion<double>;
template class nusi::emission_sampler<double>;
template class nusi::detail::monte_carlo_engine<double, nusi::detail::recording_emission<double>>;

void nusi_tidy_instantiate_emission();
void nusi_tidy_instantiate_emission() {
  std::istringstream csv("time_s,flavor,luminosity_erg_per_s,mean_energy_MeV,mean_energy_squared_MeV2\n0,nuebar,5e51,15,290\n");
  std::istringstream garching("0 5 15 290\n");
  std::istringstream nakazato("0\n");
  const auto model = nusi::read_csv_model<double>(csv, "m.csv");
  (void)nusi::read_garching_flavor<double>(garching, "g");
  (void)nusi::read_nakazato_model<double>(nakazato, "n");
  (void)nusi::load_supernova_model<double>("m", nusi::emission_format::garching);
  (void)nusi::binned_pinching_fit<double>({0.0}, {1.0}, {1.0}, 15.0);
  const auto flux = model.flux(nusi::supernova_flavor::nu_e, {.scheme = nusi::flavor_conversion_scheme::msw_normal});
  (void)flux.fluence();
  const nusi::propagation_setup<double> setup;
  (void)nusi::arrival_times_with_emission(setup, flux);
  (void)nusi::emitted_fraction_above(flux, 5.0);
  const nusi::detector_response<double> response(nusi::dune<double>());
  (void)nusi::expected_model_events(response, model, 1e23);
  (void)nusi::expected_model_events_in_time_bins(response, model, 1e23, {0.0, 1.0});
  (void)nusi::moment_matched_emission(flux, 1e23);
  (void)nusi::propagation_bound(-3.5, setup, flux.fluence());
}
