// SPDX-License-Identifier: MIT
// The flag groups of the nusi tool, one declarer per group of physics inputs: the propagation physics
// and emitted spectrum, the transport method, the time-window Monte Carlo, the mass scan, the core, the
// paper model's relic and width conventions, the angle model, and the mass-state model.
// Every default is read from the library's own structs. Not part of the library.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nusi/angle_model.hpp>
#include <nusi/arrival_times.hpp>
#include <nusi/core_bound.hpp>
#include <nusi/detection/event_rates.hpp>
#include <nusi/emission/detection.hpp>
#include <nusi/emission/model_files.hpp>
#include <nusi/mass_states/setup.hpp>
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

/// A supernova model file in place of the paper's one pinched spectrum (emission/; docs/physics.md
/// "Supernova models"): --emission FILE, --emission-format garching|nakazato|csv (no default: the file
/// says nothing of its format), --flavor-conversion none|msw-normal|msw-inverted (flavor_conversion's
/// default). Without --emission these flags are inactive (absent from the provenance); with it the
/// pinched spectrum's flags (--mean-energy-MeV, --mean-square-energy-MeV2, --energy-erg) are.
struct emission_flags {
  std::string file, format, conversion;
  /// The model read, the conversion chosen and the report of both (file, format, SHA-256 of each file).
  struct model {
    nusi::supernova_model<double> emission;
    nusi::flavor_conversion<double> conversion;
    json report;
    /// The flux leaving the star in `flavor` at distance_cm: its fluence (normalised) and number per cm^2.
    /// Throws nusi::invalid_argument (a flavour the conversion needs is absent from the file).
    nusi::fluence_at_earth<double> at_earth(nusi::supernova_flavor flavor, double distance_cm) const;
  };
  emission_flags();
  /// Declare after propagation_flags (this group makes its spectrum flags inactive with --emission).
  void declare(command& c);
  bool active() const { return !file.empty(); }
  /// The model, or nothing without --emission. Throws usage_error (--emission-format or
  /// --flavor-conversion without --emission, --emission-format missing, a pinched-spectrum flag given with
  /// --emission) or nusi::invalid_argument naming the file, line and reason. Records the report in c's
  /// provenance under "emission".
  std::optional<model> load(const command& c) const;
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

/// How deflections compose (angle_model.hpp; docs/physics.md "Angle models"): --angle-model, and for the
/// Monte Carlo of propagate also --geometry (monte_carlo_geometry).
struct angle_flags {
  std::string model, geometry;
  /// model_default: the library's default of the command's options struct.
  explicit angle_flags(nusi::angle_model model_default);
  /// applies_to: where the model is used, for the help text; with_geometry: also --geometry.
  void declare(command& c, const std::string& applies_to, bool with_geometry);
  nusi::angle_model angles() const;
  /// The Monte Carlo geometry; throws usage_error for point_source with a planar model (those are plane-parallel).
  nusi::monte_carlo_geometry monte_carlo_geometry() const;
};

/// The Monte Carlo of arrivals within the time window after the light front.
struct window_flags {
  long primaries, seed;
  double window_s;
  angle_flags angles{nusi::window_fraction_options<double>{}.angles};
  /// primaries: the command's default (the library's where it has one).
  explicit window_flags(std::uint64_t default_primaries);
  /// with_angles: also --angle-model (window_fraction_options::angles).
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
  std::string preset, case_name = "default", profile, E_cm_convention;
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

/// The paper model's relic targets and width (cross_sections.hpp), beside --relic-mass-eV and
/// --relic-density-per-cm3 of propagation_flags: --relic-counting (a named preset of relic_neutrinos:
/// paper() or same_mass_state(); an explicit --relic-density-per-cm3 overrides the preset's density),
/// --allow-any-relic-mass (relic_mass_check::any_positive) and --width-scale (width_convention::scaled_paper).
struct relic_convention_flags {
  std::string counting;
  bool any_relic_mass = false;
  double width_scale;
  relic_convention_flags();
  void declare(command& c);
  /// s with the conventions: counting and the preset's total density (unless --relic-density-per-cm3 was
  /// given), the relic-mass check, the width convention of s.med. Throws usage_error naming a bad flag.
  nusi::propagation_setup<double> apply(nusi::propagation_setup<double> s, const command& c) const;
};

/// The mass-state model (mass_states.hpp; docs/physics.md "Mass states"): ordering, lightest mass or sum of
/// masses, mixing, coupling flavours, channels, coupling convention, and as the command needs them the
/// neutrino nature, the mediator kind, the relic kinematics and the detected flavour. One group for every
/// command that uses the model (propagate and bound propagation behind --relic-model mass-states, diffuse
/// always); every default is the library struct's handed to the constructor.
struct mass_state_flags {
  /// Parts beyond the common inputs, as each command has them.
  enum part : unsigned {
    model_choice = 1,      ///< --relic-model paper|mass-states: the model is an alternative to the paper's relic
    nature_choice = 2,     ///< --nature majorana|dirac (else the command sets the nature, e.g. from --dirac)
    mediator_choice = 4,   ///< --mediator scalar|vector (else the mediator's kind is left as it is)
    relic_kinematics = 8,  ///< --relic-kinematics thermal|at-rest|automatic (mass_state_setup::relic)
    detected_flavour = 16  ///< --detected-flavor e|mu|tau (mass_state_setup::detected_flavour)
  };
  unsigned parts;
  std::string relic_model = "paper";
  std::string ordering, coupling_flavors, channels, nature, mediator_kind, convention, kinematics, detected_flavor;
  double lightest_mass_eV, sum_masses_eV;
  double theta12_deg, theta13_deg, theta23_deg, delta_cp_deg, dm21_eV2, dm3l_eV2;
  bool default_is_sum;     // the library's default fixes the sum of the masses (not the lightest mass)
  bool sum_given = false;  // the sum fixes the masses (set by resolve)

  /// The defaults: spectrum and interaction of the command's library struct; the relic kinematics and
  /// detected flavour of mass_state_setup. parts: an or of part.
  mass_state_flags(const nusi::neutrino_spectrum_options<double>& spectrum, const nusi::mass_state_interaction<double>& interaction,
                   unsigned parts);
  void declare(command& c);
  /// The mass-state model is used (always, without model_choice).
  bool active() const { return !(parts & model_choice) || relic_model == "mass-states"; }
  /// For run(), before any use: with model_choice, rejects the flags of the model not chosen when given;
  /// fills the mixing not given from NuFIT 5.2 for --ordering (so that the provenance holds what was used);
  /// checks every value. Throws usage_error naming the flag.
  void resolve(const command& c);
  /// The spectrum options (lightest mass or sum, the mixing). Call resolve() first.
  nusi::neutrino_spectrum_options<double> spectrum() const;
  /// Sets channels, convention, coupling pattern, and the nature and the mediator's kind where they are parts.
  void apply(nusi::mass_state_interaction<double>& interaction) const;
  /// The mass-state setup: these flags, med (its kind from --mediator), --dirac, distance, threshold and
  /// level from physics. Call resolve() first.
  nusi::mass_state_setup<double> setup(const propagation_flags& physics, const nusi::mediator<double>& med) const;
  /// The mixing parameters of the flags.
  nusi::mixing_parameters<double> mixing() const;
  /// The burst: electron antineutrinos with physics' pinched spectrum (as the paper's detected flavour).
  std::vector<nusi::flavour_emission<double, nusi::pinched_spectrum<double>>> emission(const propagation_flags& physics) const;
};

}  // namespace nusi_tool
