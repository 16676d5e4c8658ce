// SPDX-License-Identifier: MIT
// The keyword groups of the nusi Python module, one per library struct (as the tool's flags.hpp has one
// flag group per struct): the propagation physics, the emitted spectrum and source, the transport grid,
// the Monte Carlos, the bound searches and the core. Every default is read from the struct's own
// default; the names are the members' (a nested member joins its path with '_': energy.bins is
// energy_bins, relic.mass_MeV is relic_mass_MeV). Bindings only: no physics here.
#pragma once

#include <cstddef>
#include <string>

#include <nusi/arrival_times.hpp>
#include <nusi/core_bound.hpp>
#include <nusi/cross_sections.hpp>
#include <nusi/detection/detectors.hpp>
#include <nusi/detection/event_rates.hpp>
#include <nusi/event_bound.hpp>
#include <nusi/mass_states/setup.hpp>
#include <nusi/monte_carlo.hpp>
#include <nusi/propagation_bound.hpp>
#include <nusi/propagation_setup.hpp>
#include <nusi/time_spread_bound.hpp>
#include <nusi/transport/propagate.hpp>

#include "api.hpp"

namespace nusi {  // diffuse/transport.hpp, included by the files that bind it (it is long to compile)
template <class Real>
struct diffuse_setup;
template <class Real>
struct diffuse_options;
}  // namespace nusi
namespace nusi {  // the mass-state Monte Carlos, included by the file that binds them
template <class Real>
struct mass_state_arrival_time_options;
struct mass_state_monte_carlo_options;
}  // namespace nusi

namespace nusi_python {

// --- enumerations by name (the enumerators' names) -------------------------------------------------------

const choices<nusi::mediator_kind>& mediator_kind_names();
const choices<nusi::width_convention>& width_convention_names();
const choices<nusi::neutrino_nature>& neutrino_nature_names();
const choices<nusi::relic_counting>& relic_counting_names();
const choices<nusi::relic_mass_check>& relic_mass_check_names();
const choices<nusi::angle_model>& angle_model_names();
const choices<nusi::transport_method>& transport_method_names();
const choices<nusi::monte_carlo_geometry>& monte_carlo_geometry_names();
const choices<nusi::neutrino_density_preset>& preset_names();
const choices<nusi::core_case>& core_case_names();
const choices<nusi::centre_of_mass_convention>& centre_of_mass_names();
const choices<nusi::arrival_window>& arrival_window_names();
const choices<nusi::event_likelihood>& event_likelihood_names();
const choices<nusi::normalisation>& normalisation_names();
/// The library's detector keys (nusi::detector_key): "super-kamiokande", "hyper-kamiokande", "juno", "dune".
const choices<nusi::galactic_detector>& galactic_detector_names();
const choices<nusi::mass_ordering>& mass_ordering_names();
const choices<nusi::channel_set>& channel_set_names();
const choices<nusi::coupling_convention>& coupling_convention_names();
const choices<nusi::relic_kinematics>& relic_kinematics_names();
const choices<nusi::detected_neutrinos>& detected_neutrinos_names();
/// "e", "mu", "tau" (nusi::flavour_name).
const choices<nusi::flavour>& flavour_names();

// --- groups ---------------------------------------------------------------------------------------------

/// mediator: mediator_kind, vector_angular_factor, width_convention, width_scale (mass and coupling are
/// the callables' log10_mass_MeV and log10_g).
const keyword_group<nusi::mediator<double>>& mediator_keywords();
/// propagation_setup (paper Sec. IV) but its mediator: distance_cm, threshold_MeV, exclusion_level, the
/// relic targets (relic_mass_MeV, relic_nature, relic_total_density_per_cm3, relic_counting,
/// relic_mass_check) and the mediator's kind and width (as mediator_keywords).
const keyword_group<nusi::propagation_setup<double>>& setup_keywords();
/// The emitted pinched spectrum of the propagation: mean_energy_MeV, mean_square_energy_MeV2 (defaults:
/// supernova_emission's, the paper's 15 MeV and 290 MeV^2).
const keyword_group<nusi::supernova_emission<double>>& emission_keywords();
/// The source of the event-level analyses: energy_erg and the emitted spectrum (its distance is the
/// setup's distance_cm).
const keyword_group<nusi::supernova_emission<double>>& source_keywords();
/// transport_options of the energy-only transport: energy_bins, min_energy_MeV, max_energy_MeV,
/// resonance_nodes_per_core, method, talbot_nodes, odeint_abs_tol, odeint_rel_tol.
const keyword_group<nusi::transport_options<double>>& transport_keywords();
/// transport_options of the energy-angle mode: angle_bins, min_angle_rad, max_angle_rad, azimuth_nodes, deflections.
const keyword_group<nusi::transport_options<double>>& angle_keywords();
/// monte_carlo_options: primaries, seed, track_below_threshold, angles, geometry, max_scatterings,
/// record_arrivals, max_recorded_arrivals, energy_edges_MeV, angle_edges_rad, delay_edges_s, stream_per_primary.
const keyword_group<nusi::monte_carlo_options<double>>& monte_carlo_keywords();
/// arrival_time_options: primaries, seed, window_s, angles, quantile_probabilities, delay_edges_s,
/// batches, max_scatterings.
const keyword_group<nusi::arrival_time_options<double>>& arrival_keywords();
/// window_fraction_options with the defaults of event_bound_options::window (primaries 4000):
/// primaries, seed, window_s, angles, window_max_energy_MeV, max_scatterings.
const keyword_group<nusi::window_fraction_options<double>>& event_window_keywords();
/// window_fraction_options with the defaults of time_spread_bound_options::window, the same keywords.
const keyword_group<nusi::window_fraction_options<double>>& time_spread_window_keywords();
/// propagation_bound_options but its transport: log10_g_min, log10_g_max, bracket_step_dex,
/// log10_g_tolerance, max_iterations, threads.
const keyword_group<nusi::propagation_bound_options<double>>& propagation_bound_keywords();
/// time_spread_bound_options but its window: log10_g_min, log10_g_max, bracket_step_dex,
/// log10_g_tolerance, derivative_step_dex, max_iterations.
const keyword_group<nusi::time_spread_bound_options<double>>& time_spread_keywords();
/// event_bound_options but its transport and window: timing, likelihood, normalisation,
/// normalisation_min, normalisation_max, delta_chi2_threshold, log10_g_min, log10_g_max,
/// points_per_decade, log10_g_tolerance, panel_width_MeV.
const keyword_group<nusi::event_bound_options<double>>& event_keywords();
/// core_inputs (paper Sec. III): preset, R_min_cm, R_max_cm, mean_energy_MeV, E_cm_convention, kappa,
/// reference_radius_cm, reference_density_g_per_cm3, power_index, paper_quoted_density_per_cm3, species,
/// mediator_kind, vector_angular_factor, g_A, G_F_per_MeV2, degeneracy, relative_tolerance, max_intervals.
const keyword_group<nusi::core_inputs<double>>& core_keywords();

/// mass_state_setup (docs/physics.md "Mass states") but its mediator's mass and coupling: ordering,
/// lightest_mass_eV or sum_masses_eV, the mixing (theta12_deg, theta13_deg, theta23_deg, delta_cp_deg, dm21_eV2,
/// dm3l_eV2; None: NuFIT 5.2 for the ordering, the ones not given filled from it as the tool does), coupling_flavors,
/// channels, nature, mediator_kind, coupling_convention, relic_kinematics, relic_density_per_helicity_per_cm3,
/// cmb_temperature_K, at_rest_max_momentum_ratio, distance_cm, threshold_MeV, exclusion_level, detected_flavour,
/// detection.
const keyword_group<nusi::mass_state_setup<double>>& mass_state_setup_keywords();
/// diffuse_setup but its mediator's mass and coupling: the mass-state model's keywords as mass_state_setup_keywords()
/// without the relic kinematics (the diffuse solver takes relics at rest), the cosmology (hubble_km_s_Mpc, omega_m)
/// and max_redshift.
const keyword_group<nusi::diffuse_setup<double>>& diffuse_setup_keywords();
/// mass_state_arrival_time_options: primaries, seed, window_s, angles, geometry ('point_source' | 'plane_parallel'),
/// quantile_probabilities, delay_edges_s, batches, max_scatterings, max_energy_MeV (top of the unscattered part's quadrature).
const keyword_group<nusi::mass_state_arrival_time_options<double>>& mass_state_arrival_keywords();
/// mass_state_monte_carlo_options: primaries, seed, max_scatterings, angles (None: directions not tracked), geometry,
/// record_arrivals, max_recorded_arrivals, max_null_collisions.
const keyword_group<nusi::mass_state_monte_carlo_options>& mass_state_monte_carlo_keywords();
/// diffuse_options: min_energy_MeV, max_energy_MeV, energy_bins, redshift_steps, source_panel_width.
const keyword_group<nusi::diffuse_options<double>>& diffuse_options_keywords();

// --- common parameters ------------------------------------------------------------------------------------

/// log10_mass_MeV and log10_g of one point (arrays broadcast together when `arrays`), defaults the setup's
/// mediator (the paper's Fig. 3 point). Returns their indices.
std::pair<std::size_t, std::size_t> add_point(function& f, bool arrays);
/// The mediator (M, g) of a point: 10^x with x in the accepted log10 ranges (ValueError otherwise).
double mass_from_log10(const arguments& a, std::size_t i, double log10_value);
double coupling_from_log10(const arguments& a, std::size_t i, double log10_value);
/// The setup's default log10 M and log10 g (fallbacks of add_point's parameters when not given).
double default_log10_mass_MeV();
double default_log10_g();
/// log10_mass_MeV of the mass scans: a number or an array (required).
std::size_t add_masses(function& f, const std::string& doc);
/// threads of a scan (default propagation_bound_options::threads); 0 means every core.
std::size_t add_threads(function& f);
std::size_t read_threads(const arguments& a, std::size_t i);
/// emission: an optional pinched_spectrum object used instead of mean_energy_MeV and mean_square_energy_MeV2.
std::size_t add_emission_object(function& f);
/// The emitted spectrum: the emission object if given (ValueError if the moments are given too), else
/// the pinched spectrum of the moments.
nusi::pinched_spectrum<double> emitted_spectrum(const arguments& a, std::size_t object,
                                                const placed_group<nusi::supernova_emission<double>>& moments);

/// The inputs of a propagation at one point (M, g): log10_mass_MeV, log10_g and the setup's keywords.
struct point_parameters {
  std::size_t mass = 0, coupling = 0;
  placed_group<nusi::propagation_setup<double>> setup;
  /// Adds the point (numbers, or arrays when `arrays`) and setup_keywords() to f.
  point_parameters(function& f, bool arrays);
  /// The setup with the keywords given and the point's mediator (a scalar point).
  nusi::propagation_setup<double> build(const arguments& a) const;
  /// The setup with the mediator of log10 values x (ValueError outside the accepted ranges).
  nusi::propagation_setup<double> at(const arguments& a, const nusi::propagation_setup<double>& base, double log10_mass, double log10_g) const;
};

/// The path of the SN 1987A event table shipped with nusi (next to the installed module, or in the source
/// tree for the module of a build tree); raises ValueError naming the paths tried when it is missing.
std::string sn1987a_table_path();

}  // namespace nusi_python
