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
template struct nusi::binned_counts<double>;
template struct nusi::detail::compensated_sum<double>;
template class nusi::detail::monte_carlo_engine<double, nusi::pinched_spectrum<double>>;
template struct nusi::ibd_parameters<double>;
template struct nusi::energy_resolution<double>;
template struct nusi::detector<double>;
template class nusi::binned_spectrum<double>;
template struct nusi::supernova_emission<double>;
template class nusi::detector_response<double>;
template struct nusi::sn1987a_event<double>;

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
  (void)nusi::coupling_exclusion_limit([](double g) { return -g; }, nusi::exclusion_scan<double>{});
}
