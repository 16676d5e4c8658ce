// SPDX-License-Identifier: MIT
// nusi propagate: supernova neutrinos through the relic background to Earth (paper Sec. IV, Eq. 8) at
// one (M, g): F = N(E > threshold at Earth)/N(emitted) on the grid and converged, mean scatterings,
// energy and number budgets; or the same under the mass-state model (F by flavour and mass state).
#include <cmath>
#include <iostream>
#include <span>

#include <nusi/mass_states.hpp>
#include <nusi/monte_carlo.hpp>
#include <nusi/transport.hpp>

#include "flags.hpp"
#include "output.hpp"
#include "progress.hpp"

namespace {
using nusi_tool::json;
using nusi_tool::number_text;
using nusi_tool::print_row;

struct propagate_command {
  nusi_tool::mediator_flags mediator;
  nusi_tool::propagation_flags physics;
  nusi_tool::method_flags method;
  bool spectrum = false, energy_angle = false;
  long threads = 0;
  long angle_bins = static_cast<long>(nusi::angle_grid_options<double>{}.bins);
  double max_angle_rad = nusi::angle_grid_options<double>{}.max_angle_rad;
  nusi_tool::relic_convention_flags relic;
  nusi_tool::angle_flags angles{nusi::transport_options<double>{}.deflections};
  nusi_tool::emission_flags model_file;
  // The mass-state model behind --relic-model, with the defaults of mass_state_setup.
  nusi_tool::mass_state_flags mass_states{nusi::mass_state_setup<double>{}.spectrum, nusi::mass_state_setup<double>{}.interaction,
                                          nusi_tool::mass_state_flags::model_choice | nusi_tool::mass_state_flags::mediator_choice |
                                          nusi_tool::mass_state_flags::relic_kinematics | nusi_tool::mass_state_flags::detected_flavour};

  void declare(nusi_tool::command& c) {
    c.details("Propagation of the supernova burst through the relic neutrinos to Earth (paper Sec. IV, Eq. 8):\n"
              "F = N(E > threshold)/N(emitted) on the grid and converged (the grid doubled, second-order extrapolation,\n"
              "with its error), scatterings, budgets. Below-noise F is printed as an upper limit. --relic-model mass-states:\n"
              "three mass states, F of the detected flavour's antineutrinos and by flavour and mass state, each relative to\n"
              "its own no-interaction number at Earth.");
    mediator.declare(c);
    physics.declare(c, nusi_tool::propagation_flags::level | nusi_tool::propagation_flags::grid);
    relic.declare(c);
    method.declare(c, true);
    angles.declare(c, "--energy-angle (transport_options::deflections) and --method montecarlo", true);
    c.inactive_when("--angle-model", [this] { return !energy_angle && method.method != "montecarlo"; });
    c.inactive_when("--geometry", [this] { return method.method != "montecarlo" || angles.model != "three_dimensional"; });
    c.flag("--energy-angle", energy_angle, "energy-angle mode (--angle-model composes the deflections): adds arrival-angle results");
    c.integer("--angle-bins", angle_bins, "angle nodes of the energy-angle mode (theta = 0 and log-spaced from 1e-8 rad)");
    c.number("--max-angle-rad", max_angle_rad, "largest angle node of the energy-angle mode", "rad");
    c.inactive_when("--angle-bins", [this] { return !energy_angle; });
    c.inactive_when("--max-angle-rad", [this] { return !energy_angle; });
    c.threads_setting(threads, "threads of the grid transport (kernel assembly, contour solves; not --method montecarlo), "
                               "0 = all cores (the results do not depend on it)");
    c.flag("--spectrum", spectrum, "also print the spectrum at Earth (dN/dE per emitted neutrino) at the nodes");
    mass_states.declare(c);
    model_file.declare(c);
    c.output_formats("print one JSON object", "print a CSV header and one row");
  }

  template <class Spectrum>
  int run_monte_carlo(const nusi_tool::command& c, const nusi::propagation_setup<double>& setup, const Spectrum& emission,
                      const nusi_tool::json& emission_report) const {
    if (energy_angle || spectrum) throw nusi_tool::usage_error("--method montecarlo gives F, scatterings and budgets only");
    auto mc_options = method.monte_carlo();
    mc_options.angles = angles.angles();
    mc_options.geometry = angles.monte_carlo_geometry();
    const auto mc = nusi::monte_carlo_propagation(setup, emission, mc_options);
    json o{{"log10_mass_MeV", mediator.log10_mass_MeV},
                 {"log10_g", mediator.log10_g},
                 {"method", "montecarlo"},
                 {"angle_model", angles.model},
                 {"geometry", mc_options.angles == nusi::angle_model::three_dimensional ? angles.geometry : "plane_parallel"},
                 {"fraction_above_threshold", mc.fraction_above_threshold},
                 {"fraction_error", mc.fraction_above_threshold_error},
                 {"fraction_upper_95", mc.fraction_above_threshold_upper_95},
                 {"excluded", mc.excluded},
                 {"exclusion_level", setup.exclusion_level},
                 {"mean_scatterings", mc.mean_scatterings_per_primary},
                 {"scatterings_counted", "by neutrinos above the threshold (those below are not tracked)"},
                 {"energy_budget_relative_error", mc.energy.relative_error},
                 {"primaries", mc.primaries},
                 {"arrivals", mc.arrivals},
                 {"unscattered_arrivals", mc.unscattered_arrivals}};
    if (!emission_report.is_null()) o["emission"] = emission_report;
    if (c.print_structured(o)) return 0;
    print_row("mediator mass M", setup.med.mass_MeV, "MeV");
    print_row("coupling g", setup.med.coupling);
    print_row("primaries (Monte Carlo)", static_cast<double>(mc.primaries));
    print_row("F = N(E > threshold)/N(emitted)", mc.fraction_above_threshold);
    print_row("F standard error", mc.fraction_above_threshold_error);
    print_row("F one-sided 95% upper limit", mc.fraction_above_threshold_upper_95);
    std::cout << (mc.excluded ? "excluded" : "allowed") << " at level " << number_text(setup.exclusion_level)
              << " (point estimate; excluded where F <= level)\n";
    print_row("mean scatterings above threshold", mc.mean_scatterings_per_primary);
    print_row("energy budget relative error", mc.energy.relative_error);
    return 0;
  }

  /// F and budgets of the mass-state model (mass_states.hpp), energy only, on the same grid flags.
  int run_mass_states(const nusi_tool::command& c) const {
    if (spectrum || method.method == "montecarlo")
      throw nusi_tool::usage_error("--relic-model mass-states gives F, budgets and (with --energy-angle) arrival angles on the grid "
                                   "(not --spectrum or --method montecarlo)");
    const nusi::mass_state_setup<double> setup = mass_states.setup(physics, mediator.mediator());
    const nusi::mass_state_model<double> model(setup);
    const auto emission = mass_states.emission(physics);
    using emission_span = std::span<const nusi::flavour_emission<double, nusi::pinched_spectrum<double>>>;
    nusi::transport_options<double> options = physics.options();
    options.threads = nusi_tool::thread_count(threads);
    nusi::mass_state_propagation_result<double> r;
    double mean_angle_above = 0, rms_angle_above = 0, mean_angle_all = 0;
    if (energy_angle) {
      set_angle_grid(options);
      options.deflections = angles.angles();
      const auto ea = nusi::propagate_mass_states_energy_angle(model, emission_span(emission), options);
      r = ea.energy;
      mean_angle_above = ea.mean_angle_above_threshold_rad;
      rms_angle_above = ea.rms_angle_above_threshold_rad;
      mean_angle_all = mean_angle_of(ea.angular_distribution(false), ea.angle_rad);
    } else {
      r = nusi::propagate_mass_states(model, emission_span(emission), options);
    }
    const auto& f = r.fractions;
    const auto value = [](const nusi::threshold_fraction<double>& x, bool defined) { return defined ? json(x.value) : json(nullptr); };
    json by_flavor = json::object(), by_state = json::object(), masses = json::array();
    for (std::size_t i = 0; i < 3; ++i) {
      by_flavor[std::string(nusi::flavour_name(static_cast<nusi::flavour>(i)))] = value(f.by_flavour[i], f.flavour_defined[i]);
      by_state[std::to_string(i + 1)] = value(f.by_mass_state[i], f.mass_state_defined[i]);
      masses.push_back(model.spectrum().mass_eV(i));
    }
    const bool excluded = f.detected.value <= setup.exclusion_level;
    json o{{"log10_mass_MeV", mediator.log10_mass_MeV},
           {"log10_g", mediator.log10_g},
           {"method", "grid"},
           {"relic_model", "mass-states"},
           {"detected_flavor", mass_states.detected_flavor},
           {"fraction_above_threshold", f.detected.value},
           {"fraction_is_upper_limit", f.detected.is_upper_limit},
           {"fraction_noise_floor", f.detected.noise_floor},
           {"fraction_above_threshold_by_flavor", by_flavor},
           {"fraction_above_threshold_by_mass_state", by_state},
           {"fractions_relative_to", "each flavour's (mass state's) antineutrinos at Earth without interactions, all energies"},
           {"fraction_all_neutrinos", f.all_neutrinos.value},
           {"fraction_all_neutrinos_is", "the paper's F: every neutrino of every kind above threshold per emitted one"},
           {"emitted_fraction_above_threshold", f.unscattered},
           {"excluded", excluded},
           {"exclusion_level", setup.exclusion_level},
           {"mean_scatterings", r.mean_scatterings},
           {"energy_budget_relative_error", r.energy_budget_relative_error()},
           {"number_budget_relative_error", r.number_budget_relative_error()},
           {"masses_eV", masses},
           {"sum_masses_eV", model.spectrum().sum_masses_eV()},
           {"relic_density_per_state_per_helicity_per_cm3", model.relic().density_per_helicity_per_cm3()},
           {"mediator_width_MeV", model.scattering().width_MeV()},
           {"energy_nodes", r.energy_MeV.size()}};
    if (energy_angle) add_angle_keys(o, mean_angle_above, rms_angle_above, mean_angle_all);
    if (c.format() == nusi_tool::output_format::csv) {  // numbers and flags: objects as key_subkey, arrays as key_1...
      json flat;
      for (const auto& [key, v] : o.items()) {
        if (key == "fractions_relative_to" || key == "fraction_all_neutrinos_is") continue;  // prose: in --json only
        if (v.is_object())
          for (const auto& [sub, w] : v.items()) flat[key + "_" + sub] = w;
        else if (v.is_array())
          for (std::size_t i = 0; i < v.size(); ++i) flat[key + "_" + std::to_string(i + 1)] = v[i];
        else
          flat[key] = v;
      }
      std::cout << nusi_tool::csv_table({flat});
      return 0;
    }
    if (c.print_structured(o)) return 0;
    print_row("mediator mass M", setup.interaction.med.mass_MeV, "MeV");
    print_row("coupling g (" + mass_states.convention + " convention)", setup.interaction.med.coupling);
    print_row("masses m1, m2, m3", model.spectrum().mass_eV(0), "eV");
    print_row("", model.spectrum().mass_eV(1), "eV");
    print_row("", model.spectrum().mass_eV(2), "eV");
    const auto row = [&](const std::string& name, const nusi::threshold_fraction<double>& x, bool defined) {
      if (!defined)
        std::cout << fmt::format("{:<34}{:>24}\n", name, "undefined");
      else if (x.is_upper_limit)
        std::cout << fmt::format("{:<34}{:>24}\n", name, "< " + number_text(x.noise_floor));
      else
        print_row(name, x.value);
    };
    row("F, detected anti-nu_" + mass_states.detected_flavor, f.detected, true);
    for (std::size_t i = 0; i < 3; ++i)
      row("F, anti-nu_" + std::string(nusi::flavour_name(static_cast<nusi::flavour>(i))), f.by_flavour[i], f.flavour_defined[i]);
    for (std::size_t i = 0; i < 3; ++i) row("F, anti-nu of mass state " + std::to_string(i + 1), f.by_mass_state[i], f.mass_state_defined[i]);
    row("F, all neutrinos (the paper's F)", f.all_neutrinos, true);
    print_row("F without interactions", f.unscattered);
    std::cout << (excluded ? "excluded" : "allowed") << " at level " << number_text(setup.exclusion_level)
              << " (excluded where F of the detected flavour <= level)\n";
    print_row("mean scatterings per neutrino", r.mean_scatterings);
    if (energy_angle) print_angle_rows(mean_angle_above, rms_angle_above, mean_angle_all);
    print_row("energy budget relative error", r.energy_budget_relative_error());
    print_row("number budget relative error", r.number_budget_relative_error());
    return 0;
  }

  /// The angle grid of --energy-angle from --angle-bins and --max-angle-rad (usage_error naming a bad one).
  void set_angle_grid(nusi::transport_options<double>& options) const {
    if (angle_bins < 3 || angle_bins > 4096)
      throw nusi_tool::usage_error("--angle-bins must be in [3, 4096], got " + std::to_string(angle_bins));
    if (!(max_angle_rad > options.angle.min_angle_rad && max_angle_rad < 1.5))
      throw nusi_tool::usage_error("--max-angle-rad must be in (" + number_text(options.angle.min_angle_rad) + ", 1.5), got " +
                                   number_text(max_angle_rad));
    options.angle.bins = static_cast<std::size_t>(angle_bins);
    options.angle.max_angle_rad = max_angle_rad;
  }
  /// Mean angle [rad] of a distribution over the angle nodes (0 when it is empty).
  static double mean_angle_of(const std::vector<double>& distribution, const std::vector<double>& angle_rad) {
    double n = 0, w = 0;
    for (std::size_t a = 0; a < distribution.size(); ++a) {
      n += distribution[a];
      w += distribution[a] * angle_rad[a];
    }
    return n > 0 ? w / n : 0;
  }
  void add_angle_keys(json& o, double mean_above, double rms_above, double mean_all) const {
    o["angle_model"] = angles.model;
    o["angle_nodes"] = angle_bins;
    o["mean_angle_above_threshold_rad"] = mean_above;
    o["rms_angle_above_threshold_rad"] = rms_above;
    o["mean_angle_rad"] = mean_all;
  }
  void print_angle_rows(double mean_above, double rms_above, double mean_all) const {
    std::cout << "angle model: " << angles.model << "\n";
    print_row("mean angle above threshold", mean_above, "rad");
    print_row("rms angle above threshold", rms_above, "rad");
    print_row("mean angle, all on the grid", mean_all, "rad");
  }

  int run(const nusi_tool::command& c) {
    (void)c.format();  // --json with --csv: an error before any work
    mass_states.resolve(c);
    const bool mc = method.method == "montecarlo";
    if (c.was_set("--angle-model") && !energy_angle && !mc)
      throw nusi_tool::usage_error("--angle-model applies to --energy-angle and --method montecarlo (F does not depend on it)");
    if (c.was_set("--geometry") && !mc) throw nusi_tool::usage_error("--geometry applies to --method montecarlo");
    if (c.was_set("--geometry") && angles.geometry == "point_source" && angles.angles() != nusi::angle_model::three_dimensional)
      throw nusi_tool::usage_error("--geometry point_source needs --angle-model three_dimensional (the planar models are plane-parallel)");
    const auto model = model_file.load(c);
    if (model && mass_states.active())
      throw nusi_tool::usage_error("--emission applies to the paper's relic model (not --relic-model mass-states)");
    if (mass_states.active()) return run_mass_states(c);
    nusi::propagation_setup<double> setup = physics.setup();
    setup.med = mediator.mediator();
    setup = relic.apply(setup, c);
    nusi::transport_options<double> options = physics.options();
    options.deflections = angles.angles();
    options.threads = nusi_tool::thread_count(threads);
    if (model) {
      // The flux leaving the star as anti-nu_e (the paper's detected flavour), time-integrated: its
      // fluence at Earth (normalised; F is a ratio, so the distance drops out).
      const auto at_earth = model->at_earth(nusi::supernova_flavor::nu_e_bar, setup.distance_cm);
      if (mc) return run_monte_carlo(c, setup, at_earth.spectrum, model->report);
      return run_grid(c, setup, options, at_earth.spectrum, model->report);
    }
    if (mc) return run_monte_carlo(c, setup, physics.emission(), nusi_tool::json());
    return run_grid(c, setup, options, physics.emission(), nusi_tool::json());
  }

  template <class Spectrum>
  int run_grid(const nusi_tool::command& c, const nusi::propagation_setup<double>& setup, nusi::transport_options<double> options,
               const Spectrum& emission, const nusi_tool::json& emission_report) const {
    double mean_angle_above = 0, mean_angle_all = 0, rms_angle_above = 0;
    nusi::propagation_result<double> r;
    if (energy_angle) {
      set_angle_grid(options);
      const auto ea = nusi::propagate_energy_angle(setup, emission, options);
      r = ea.energy;
      mean_angle_above = ea.mean_angle_above_threshold_rad;
      rms_angle_above = ea.rms_angle_above_threshold_rad;
      mean_angle_all = mean_angle_of(ea.angular_distribution(false), ea.angle_rad);
    } else {
      r = nusi::propagate_energy(setup, emission, options);
    }
    const auto& F = r.fraction_above_threshold;
    const bool excluded = F.value <= setup.exclusion_level;
    // F with the energy grid's error: the same grid doubled, extrapolated at second order (energy only).
    const auto converged = nusi::fraction_above_threshold_converged(setup, emission, options);
    const auto or_null = [&](double x) { return converged.is_upper_limit ? json(nullptr) : json(x); };

    json o{{"log10_mass_MeV", mediator.log10_mass_MeV},
           {"log10_g", mediator.log10_g},
           {"method", method.method},
           {"fraction_above_threshold", F.value},
           {"fraction_is_upper_limit", F.is_upper_limit},
           {"fraction_noise_floor", F.noise_floor},
           {"fraction_converged", or_null(converged.value)},
           {"fraction_converged_error", or_null(converged.error)},
           {"fraction_grid_error", or_null(converged.grid_error())},
           {"fraction_converged_finest_bins", converged.finest_bins},
           {"emitted_fraction_above_threshold", r.emitted_fraction_above_threshold},
           {"excluded", excluded},
           {"exclusion_level", setup.exclusion_level},
           {"mean_scatterings", r.mean_scatterings},
           {"scatterings_counted", "by all neutrinos down to the grid's lowest energy"},
           {"energy_budget_relative_error", r.energy_budget_relative_error()},
           {"number_budget_relative_error", r.number_budget_relative_error()},
           {"emitted_energy_MeV", r.emitted_energy_MeV},
           {"energy_at_earth_MeV", r.energy_at_earth_MeV},
           {"injected_energy_MeV", r.injected_energy_MeV},
           {"number_at_earth", r.number_at_earth},
           {"below_grid_number", r.underflow_number},
           {"resonance_energy_MeV", setup.cross_section().resonance_energy_MeV()},
           {"relic_model", "paper"},
           {"relic_counting", relic.counting},
           {"target_density_per_cm3", setup.relic.target_density_per_cm3()},
           {"width_MeV", setup.med.width_MeV()},
           {"energy_nodes", r.energy_MeV.size()}};
    if (energy_angle) add_angle_keys(o, mean_angle_above, rms_angle_above, mean_angle_all);
    if (!emission_report.is_null()) o["emission"] = emission_report;
    if (spectrum) {
      o["energy_MeV"] = r.energy_MeV;
      o["emitted_per_MeV"] = r.emitted_spectrum_per_MeV();
      o["at_earth_per_MeV"] = r.spectrum_at_earth_per_MeV();
    }
    if (c.print_structured(o)) return 0;
    print_row("mediator mass M", setup.med.mass_MeV, "MeV");
    print_row("coupling g", setup.med.coupling);
    print_row("resonance energy E_res", setup.cross_section().resonance_energy_MeV(), "MeV");
    print_row("relic targets", setup.relic.target_density_per_cm3(), "cm^-3");
    if (!emission_report.is_null())
      std::cout << "emission: " << model_file.file << " (" << model_file.format << ", flavour conversion " << model_file.conversion
                << "), anti-nu_e fluence\n";
    if (F.is_upper_limit)
      std::cout << "F = N(E > " << number_text(setup.threshold_MeV) << " MeV)/N(emitted) < " << number_text(F.noise_floor)
                << "  (below the noise floor)\n";
    else
      print_row("F = N(E > threshold)/N(emitted)", F.value);
    if (converged.is_upper_limit) {
      std::cout << "F converged: not meaningful (below the noise floor on some grid)\n";
    } else {
      print_row("F converged (" + std::to_string(converged.grid_bins) + " to " + std::to_string(converged.finest_bins) + " nodes)",
                converged.value);
      print_row("  its error", converged.error);
      print_row("  grid error of F (on grid - converged)", converged.grid_error());
    }
    print_row("F without interactions", r.emitted_fraction_above_threshold);
    std::cout << (excluded ? "excluded" : "allowed") << " at level " << number_text(setup.exclusion_level)
              << " (excluded where F <= level)\n";
    print_row("mean scatterings per neutrino", r.mean_scatterings);
    print_row("neutrinos at Earth per emitted", r.number_at_earth);
    if (energy_angle) print_angle_rows(mean_angle_above, rms_angle_above, mean_angle_all);
    print_row("energy budget relative error", r.energy_budget_relative_error());
    print_row("number budget relative error", r.number_budget_relative_error());
    if (spectrum) {
      const auto emitted = r.emitted_spectrum_per_MeV(), earth = r.spectrum_at_earth_per_MeV();
      std::cout << "\nenergy_MeV,emitted_per_MeV,at_earth_per_MeV\n";
      for (std::size_t j = 0; j < r.energy_MeV.size(); ++j)
        std::cout << number_text(r.energy_MeV[j]) << ',' << number_text(emitted[j]) << ',' << number_text(earth[j]) << '\n';
    }
    return 0;
  }
};
const nusi_tool::registrar<propagate_command> registered_propagate("propagate",
                                                                   "F, scatterings and budgets of propagation to Earth (Sec. IV, Eq. 8)");
}  // namespace
