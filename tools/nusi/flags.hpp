// SPDX-License-Identifier: MIT
// The flag groups of the nusi tool, one declarer per group of physics inputs: the propagation physics
// and emitted spectrum, the transport method, the time-window Monte Carlo, the mass scan and the core.
// Every default is read from the library's own structs. Not part of the library.
#pragma once

#include <string>
#include <vector>

#include <nusi/arrival_times.hpp>
#include <nusi/core_bound.hpp>
#include <nusi/mass_states/setup.hpp>
#include <nusi/detection/event_rates.hpp>
#include <nusi/monte_carlo.hpp>
#include <nusi/propagation_setup.hpp>
#include <nusi/spectra.hpp>
#include <nusi/transport.hpp>

#include "command.hpp"

namespace nusi_tool {

/// The flag value x, with as few digits as it takes, for which to_library(x) is the library's value
/// bit for bit (15 for km(15) = 1.5e6 cm, -3.5 for M = 10^-3.5 MeV): defaults shown in a flag's unit
/// stay the library's own. Throws std::logic_error if no decimal converts back exactly.
double flag_value(double library_value, double (*to_library)(double), double approximate);

/// Throws usage_error unless lo <= value <= hi.
void require_in_range(const std::string& flag, double value, double lo, double hi);
/// Throws usage_error unless value > 0.
void require_positive(const std::string& flag, double value);

/// log10 of the mediator mass and coupling of single-point commands; M = 10^x MeV, g = 10^y.
struct mediator_flags {
  double log10_mass_MeV, log10_g;
  /// The defaults: propagation_setup's mediator (the paper's Fig. 3 point).
  mediator_flags();
  mediator_flags(double log10_mass_MeV_default, double log10_g_default) : log10_mass_MeV(log10_mass_MeV_default), log10_g(log10_g_default) {}
  void declare(command& c);
  /// The mediator; throws usage_error for a log10 outside the accepted ranges.
  nusi::mediator<double> mediator() const;
};

/// Propagation physics of paper Sec. IV (propagation_setup: targets, distance, threshold, exclusion
/// level), the emitted spectrum (supernova_emission: <E>, <E^2>, energy) and the transport grid.
struct propagation_flags {
  /// Which optional flags a command takes beside the physics.
  enum parts : unsigned { physics = 0, level = 1, grid = 2, source_energy = 4 };

  bool dirac;
  double threshold_MeV, distance_kpc, exclusion_level, relic_mass_eV, relic_density_per_cm3;
  double mean_energy_MeV, mean_square_energy_MeV2, energy_erg;
  long energy_bins;
  double min_energy_MeV, max_energy_MeV;

  propagation_flags();
  void declare(command& c, unsigned parts);
  /// The physics inputs (mediator left at its default); throws usage_error naming the flag.
  nusi::propagation_setup<double> setup() const;
  /// The transport grid; throws usage_error naming the flag.
  nusi::transport_options<double> options() const;
  /// The emitted pinched spectrum of <E> and <E^2>.
  nusi::pinched_spectrum<double> emission() const;
  /// The source at the setup's distance with --energy-erg; throws usage_error naming the flag.
  nusi::supernova_emission<double> source() const;
};

/// --method of the propagation: the grid transport of Eq. (8), or the Monte Carlo check.
struct method_flags {
  std::string method = "grid";
  long primaries, seed;
  method_flags();
  /// with_monte_carlo: --method grid|montecarlo with --primaries and --seed; else --method grid only.
  void declare(command& c, bool with_monte_carlo);
  /// The Monte Carlo settings; throws usage_error naming the flag.
  nusi::monte_carlo_options<double> monte_carlo() const;
};

/// The Monte Carlo of arrivals within the time window after the light front.
struct window_flags {
  long primaries, seed;
  double window_s;
  bool planar = false;
  /// primaries: the command's default (the library's where it has one).
  explicit window_flags(std::uint64_t default_primaries);
  /// with_angles: also --planar (the paper's planar angle model instead of 3D deflections).
  void declare(command& c, bool with_angles);
  /// The Monte Carlo settings; throws usage_error naming the flag.
  nusi::window_fraction_options<double> options() const;
};

/// --log10-mass-MeV X or --from A --to B --step S.
struct mass_flags {
  double log10_mass_MeV, from, to, step;
  double max_masses;
  void declare(command& c);
  /// The masses asked for (from + k step); throws usage_error on a bad combination.
  std::vector<double> masses(const command& c) const;
};

/// The core of paper Sec. III (core_inputs): preset, case, the power law or a profile table, kappa.
struct core_flags {
  std::string preset, case_name = "default", profile;
  double R_min_km, R_max_km, mean_energy_MeV, kappa, reference_density_g_per_cm3, reference_radius_km, power_index,
      paper_density_per_cm3;

  core_flags();
  /// nusi core: every flag. nusi figures (which draws both presets and cases): the region, <E> and the
  /// paper_quoted density as --core-..., kappa and --profile.
  void declare(command& c, bool figures);
  /// nusi core: the conservative case's R_min and <E> unless given; the inputs; throws usage_error.
  nusi::core_inputs<double> inputs(const command& c);
  /// nusi figures: case c with preset p, the flags' region and <E> applying to the default case.
  nusi::core_inputs<double> figure_inputs(nusi::core_case c, nusi::neutrino_density_preset p) const;
  /// nusi figures: throws usage_error naming a bad flag.
  void validate_figures() const;
};

}  // namespace nusi_tool

namespace nusi_tool {

/// The mass-state model's inputs (masses and ordering, mixing, coupling flavours, channels, nature, convention), with
/// the defaults of the library structs handed in. (Its own struct, so that it can be merged with another group.)
struct mass_state_flags {
  double sum_masses_eV = 0, lightest_mass_eV = 0;
  std::string ordering = "normal";
  double theta12_deg, theta13_deg, theta23_deg, delta_cp_deg, dm21_eV2, dm3l_eV2;
  std::string coupling_flavors = "e,mu,tau", channels = "stu", nature = "majorana", convention = "paper";

  mass_state_flags(const nusi::neutrino_spectrum_options<double>& spectrum, const nusi::mass_state_interaction<double>& interaction);
  void declare(command& c);
  /// The spectrum options: --lightest-mass-eV if given, else --sum-masses-eV; the mixing only if an angle or splitting
  /// was given (else NuFIT 5.2 of the ordering). Throws usage_error naming a bad flag.
  nusi::neutrino_spectrum_options<double> spectrum(const command& c) const;
  /// Sets nature, channels, convention and coupling pattern (the mediator is left as it is). Throws usage_error.
  void apply(nusi::mass_state_interaction<double>& interaction) const;
};

}  // namespace nusi_tool
