// SPDX-License-Identifier: MIT
// nusi propagate: supernova neutrinos through the relic background to Earth (paper Sec. IV, Eq. 8) at
// one (M, g): F = N(E > threshold at Earth)/N(emitted), mean scatterings, energy and number budgets.
#include <cmath>
#include <iostream>

#include <nusi/monte_carlo.hpp>
#include <nusi/transport.hpp>

#include "flags.hpp"
#include "output.hpp"

namespace {
using nusi_tool::json;
using nusi_tool::number_text;
using nusi_tool::print_row;

struct propagate_command {
  nusi_tool::mediator_flags mediator;
  nusi_tool::propagation_flags physics;
  nusi_tool::method_flags method;
  bool spectrum = false, energy_angle = false;
  long angle_bins = static_cast<long>(nusi::angle_grid_options<double>{}.bins);
  double max_angle_rad = nusi::angle_grid_options<double>{}.max_angle_rad;

  void declare(nusi_tool::command& c) {
    c.details("Propagation of the supernova burst through the relic neutrinos to Earth (paper Sec. IV, Eq. 8):\n"
              "F = N(E > threshold)/N(emitted), scatterings, budgets. Below-noise F is printed as an upper limit.");
    mediator.declare(c);
    physics.declare(c, nusi_tool::propagation_flags::level | nusi_tool::propagation_flags::grid);
    method.declare(c, true);
    c.flag("--energy-angle", energy_angle, "energy-angle mode (paper's planar model): adds arrival-angle results");
    c.integer("--angle-bins", angle_bins, "angle nodes of the energy-angle mode (theta = 0 and log-spaced from 1e-8 rad)");
    c.number("--max-angle-rad", max_angle_rad, "largest angle node of the energy-angle mode", "rad");
    c.inactive_when("--angle-bins", [this] { return !energy_angle; });
    c.inactive_when("--max-angle-rad", [this] { return !energy_angle; });
    c.flag("--spectrum", spectrum, "also print the spectrum at Earth (dN/dE per emitted neutrino) at the nodes");
    c.output_formats("print one JSON object", "print a CSV header and one row");
  }

  int run_monte_carlo(const nusi_tool::command& c, const nusi::propagation_setup<double>& setup) const {
    if (energy_angle || spectrum) throw nusi_tool::usage_error("--method montecarlo gives F, scatterings and budgets only");
    const auto mc = nusi::monte_carlo_propagation(setup, physics.emission(), method.monte_carlo());
    const json o{{"log10_mass_MeV", mediator.log10_mass_MeV},
                 {"log10_g", mediator.log10_g},
                 {"method", "montecarlo"},
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

  int run(const nusi_tool::command& c) const {
    (void)c.format();  // --json with --csv: an error before any work
    nusi::propagation_setup<double> setup = physics.setup();
    setup.med = mediator.mediator();
    nusi::transport_options<double> options = physics.options();
    if (method.method == "montecarlo") return run_monte_carlo(c, setup);
    const auto emission = physics.emission();
    double mean_angle_above = 0, mean_angle_all = 0, rms_angle_above = 0;
    nusi::propagation_result<double> r;
    if (energy_angle) {
      if (angle_bins < 3 || angle_bins > 4096)
        throw nusi_tool::usage_error("--angle-bins must be in [3, 4096], got " + std::to_string(angle_bins));
      if (!(max_angle_rad > options.angle.min_angle_rad && max_angle_rad < 1.5))
        throw nusi_tool::usage_error("--max-angle-rad must be in (" + number_text(options.angle.min_angle_rad) +
                                     ", 1.5), got " + number_text(max_angle_rad));
      options.angle.bins = static_cast<std::size_t>(angle_bins);
      options.angle.max_angle_rad = max_angle_rad;
      const auto ea = nusi::propagate_energy_angle(setup, emission, options);
      r = ea.energy;
      mean_angle_above = ea.mean_angle_above_threshold_rad;
      rms_angle_above = ea.rms_angle_above_threshold_rad;
      const auto d = ea.angular_distribution(false);
      double n = 0, w = 0;
      for (std::size_t a = 0; a < d.size(); ++a) {
        n += d[a];
        w += d[a] * ea.angle_rad[a];
      }
      mean_angle_all = n > 0 ? w / n : 0;
    } else {
      r = nusi::propagate_energy(setup, emission, options);
    }
    const auto& F = r.fraction_above_threshold;
    const bool excluded = F.value <= setup.exclusion_level;

    json o{{"log10_mass_MeV", mediator.log10_mass_MeV},
           {"log10_g", mediator.log10_g},
           {"method", method.method},
           {"fraction_above_threshold", F.value},
           {"fraction_is_upper_limit", F.is_upper_limit},
           {"fraction_noise_floor", F.noise_floor},
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
           {"target_density_per_cm3", setup.relic.target_density_per_cm3()},
           {"energy_nodes", r.energy_MeV.size()}};
    if (energy_angle) {
      o["angle_nodes"] = angle_bins;
      o["mean_angle_above_threshold_rad"] = mean_angle_above;
      o["rms_angle_above_threshold_rad"] = rms_angle_above;
      o["mean_angle_rad"] = mean_angle_all;
    }
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
    if (F.is_upper_limit)
      std::cout << "F = N(E > " << number_text(setup.threshold_MeV) << " MeV)/N(emitted) < " << number_text(F.noise_floor)
                << "  (below the noise floor)\n";
    else
      print_row("F = N(E > threshold)/N(emitted)", F.value);
    print_row("F without interactions", r.emitted_fraction_above_threshold);
    std::cout << (excluded ? "excluded" : "allowed") << " at level " << number_text(setup.exclusion_level)
              << " (excluded where F <= level)\n";
    print_row("mean scatterings per neutrino", r.mean_scatterings);
    print_row("neutrinos at Earth per emitted", r.number_at_earth);
    if (energy_angle) {
      print_row("mean angle above threshold", mean_angle_above, "rad");
      print_row("rms angle above threshold", rms_angle_above, "rad");
      print_row("mean angle, all on the grid", mean_angle_all, "rad");
    }
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
const nusi_tool::registrar<propagate_command> reg("propagate",
                                                   "F, scatterings and budgets of propagation to Earth (Sec. IV, Eq. 8)");
}  // namespace
