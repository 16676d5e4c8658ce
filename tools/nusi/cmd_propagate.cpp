// SPDX-License-Identifier: MIT
// nusi propagate: supernova neutrinos through the relic background to Earth (paper Sec. IV, Eq. 8) at
// one (M, g): F = N(E > threshold at Earth)/N(emitted), mean scatterings, energy and number budgets.
#include <cmath>
#include <iostream>
#include <string>

#include <nusi/monte_carlo.hpp>
#include <nusi/propagation_setup.hpp>
#include <nusi/spectra.hpp>
#include <nusi/transport.hpp>

#include "cli.hpp"
#include "output.hpp"
#include "transport_flags.hpp"

namespace {
int print_monte_carlo(const nusi::propagation_setup<double>& setup, const nusi::monte_carlo_result<double>& mc,
                      double log10_mass, double log10_g, nusi::cli::output_format output) {
  nusi::cli::json_object o;
  o.add("log10_mass_MeV", log10_mass).add("log10_g", log10_g).add("method", "montecarlo");
  o.add("fraction_above_threshold", mc.fraction_above_threshold);
  o.add("fraction_error", mc.fraction_above_threshold_error);
  o.add("fraction_upper_95", mc.fraction_above_threshold_upper_95);
  o.add("excluded", mc.excluded).add("exclusion_level", setup.exclusion_level);
  o.add("mean_scatterings", mc.mean_scatterings_per_primary);
  o.add("scatterings_counted", "by neutrinos above the threshold (those below are not tracked)");
  o.add("energy_budget_relative_error", mc.energy.relative_error);
  o.add("primaries", static_cast<double>(mc.primaries));
  o.add("arrivals", static_cast<double>(mc.arrivals));
  o.add("unscattered_arrivals", static_cast<double>(mc.unscattered_arrivals));
  if (nusi::cli::print_structured(std::cout, o, output)) return 0;
  using nusi::cli::print_row;
  print_row(std::cout, "mediator mass M", setup.med.mass_MeV, "MeV");
  print_row(std::cout, "coupling g", setup.med.coupling);
  print_row(std::cout, "primaries (Monte Carlo)", static_cast<double>(mc.primaries));
  print_row(std::cout, "F = N(E > threshold)/N(emitted)", mc.fraction_above_threshold);
  print_row(std::cout, "F standard error", mc.fraction_above_threshold_error);
  print_row(std::cout, "F one-sided 95% upper limit", mc.fraction_above_threshold_upper_95);
  std::cout << (mc.excluded ? "excluded" : "allowed") << " at level " << nusi::cli::number_text(setup.exclusion_level)
            << " (point estimate; excluded where F <= level)\n";
  print_row(std::cout, "mean scatterings above threshold", mc.mean_scatterings_per_primary);
  print_row(std::cout, "energy budget relative error", mc.energy.relative_error);
  return 0;
}

int run(const std::vector<std::string>& args) {
  nusi::cli::transport_flags flags;
  double log10_mass = -3.5, log10_g = -1.75;
  nusi::cli::format_flags format;
  bool spectrum = false, energy_angle = false;
  long angle_bins = 128;
  double max_angle_rad = 0.1;
  nusi::cli::parser p("propagate",
                      "Propagation of the supernova burst through the relic neutrinos to Earth (paper Sec. IV, Eq. 8):\n"
                      "F = N(E > threshold)/N(emitted), scatterings, budgets. Below-noise F is printed as an upper limit.");
  p.option("--log10-mass-MeV", log10_mass, "log10 of the mediator mass M/MeV");
  p.option("--log10-g", log10_g, "log10 of the coupling g");
  flags.declare(p, true);
  p.flag("--energy-angle", energy_angle, "energy-angle mode (paper's planar model): adds arrival-angle results");
  p.option("--angle-bins", angle_bins, "angle nodes of the energy-angle mode (theta = 0 and log-spaced from 1e-8 rad)");
  p.option("--max-angle-rad", max_angle_rad, "largest angle node of the energy-angle mode", "rad");
  p.flag("--spectrum", spectrum, "also print the spectrum at Earth (dN/dE per emitted neutrino) at the nodes");
  format.declare(p, "print one JSON object", "print a CSV header and one row");
  if (!p.parse(args)) return 0;
  const auto output = format.format();
  nusi::cli::require_flag_finite("--log10-mass-MeV", log10_mass, -30, 10);
  nusi::cli::require_flag_finite("--log10-g", log10_g, -30, 2);
  nusi::propagation_setup<double> setup = flags.setup();
  setup.med.mass_MeV = std::pow(10.0, log10_mass);
  setup.med.coupling = std::pow(10.0, log10_g);
  nusi::transport_options<double> options = flags.options();
  const auto emission = flags.emission();
  if (flags.method == "montecarlo") {
    if (energy_angle || spectrum) throw nusi::cli::usage_error("--method montecarlo gives F, scatterings and budgets only");
    return print_monte_carlo(setup, nusi::monte_carlo_propagation(setup, emission, flags.monte_carlo()), log10_mass,
                             log10_g, output);
  }
  double mean_angle_above = 0, mean_angle_all = 0, rms_angle_above = 0;
  nusi::propagation_result<double> r;
  if (energy_angle) {
    if (angle_bins < 3 || angle_bins > 4096)
      throw nusi::cli::usage_error("--angle-bins must be in [3, 4096], got " + std::to_string(angle_bins));
    if (!(max_angle_rad > 1e-8 && max_angle_rad < 1.5))
      throw nusi::cli::usage_error("--max-angle-rad must be in (1e-8, 1.5), got " + nusi::cli::number_text(max_angle_rad));
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

  nusi::cli::json_object o;
  o.add("log10_mass_MeV", log10_mass).add("log10_g", log10_g).add("method", flags.method);
  o.add("fraction_above_threshold", F.value).add("fraction_is_upper_limit", F.is_upper_limit);
  o.add("fraction_noise_floor", F.noise_floor);
  o.add("emitted_fraction_above_threshold", r.emitted_fraction_above_threshold);
  o.add("excluded", excluded).add("exclusion_level", setup.exclusion_level);
  o.add("mean_scatterings", r.mean_scatterings);
  o.add("scatterings_counted", "by all neutrinos down to the grid's lowest energy");
  o.add("energy_budget_relative_error", r.energy_budget_relative_error());
  o.add("number_budget_relative_error", r.number_budget_relative_error());
  o.add("emitted_energy_MeV", r.emitted_energy_MeV).add("energy_at_earth_MeV", r.energy_at_earth_MeV);
  o.add("injected_energy_MeV", r.injected_energy_MeV).add("number_at_earth", r.number_at_earth);
  o.add("below_grid_number", r.underflow_number);
  o.add("resonance_energy_MeV", setup.cross_section().resonance_energy_MeV());
  o.add("target_density_per_cm3", setup.relic.target_density_per_cm3());
  o.add("energy_nodes", static_cast<double>(r.energy_MeV.size()));
  if (energy_angle) {
    o.add("angle_nodes", static_cast<double>(angle_bins));
    o.add("mean_angle_above_threshold_rad", mean_angle_above).add("rms_angle_above_threshold_rad", rms_angle_above);
    o.add("mean_angle_rad", mean_angle_all);
  }
  if (spectrum) {
    o.raw("energy_MeV", nusi::cli::json_numbers(r.energy_MeV));
    o.raw("emitted_per_MeV", nusi::cli::json_numbers(r.emitted_spectrum_per_MeV()));
    o.raw("at_earth_per_MeV", nusi::cli::json_numbers(r.spectrum_at_earth_per_MeV()));
  }
  if (nusi::cli::print_structured(std::cout, o, output)) return 0;
  using nusi::cli::print_row;
  print_row(std::cout, "mediator mass M", setup.med.mass_MeV, "MeV");
  print_row(std::cout, "coupling g", setup.med.coupling);
  print_row(std::cout, "resonance energy E_res", setup.cross_section().resonance_energy_MeV(), "MeV");
  print_row(std::cout, "relic targets", setup.relic.target_density_per_cm3(), "cm^-3");
  if (F.is_upper_limit)
    std::cout << "F = N(E > " << nusi::cli::number_text(setup.threshold_MeV) << " MeV)/N(emitted) < "
              << nusi::cli::number_text(F.noise_floor) << "  (below the noise floor)\n";
  else
    print_row(std::cout, "F = N(E > threshold)/N(emitted)", F.value);
  print_row(std::cout, "F without interactions", r.emitted_fraction_above_threshold);
  std::cout << (excluded ? "excluded" : "allowed") << " at level " << nusi::cli::number_text(setup.exclusion_level)
            << " (excluded where F <= level)\n";
  print_row(std::cout, "mean scatterings per neutrino", r.mean_scatterings);
  print_row(std::cout, "neutrinos at Earth per emitted", r.number_at_earth);
  if (energy_angle) {
    print_row(std::cout, "mean angle above threshold", mean_angle_above, "rad");
    print_row(std::cout, "rms angle above threshold", rms_angle_above, "rad");
    print_row(std::cout, "mean angle, all on the grid", mean_angle_all, "rad");
  }
  print_row(std::cout, "energy budget relative error", r.energy_budget_relative_error());
  print_row(std::cout, "number budget relative error", r.number_budget_relative_error());
  if (spectrum) {
    const auto emitted = r.emitted_spectrum_per_MeV(), earth = r.spectrum_at_earth_per_MeV();
    std::cout << "\nenergy_MeV,emitted_per_MeV,at_earth_per_MeV\n";
    for (std::size_t j = 0; j < r.energy_MeV.size(); ++j)
      std::cout << nusi::cli::number_text(r.energy_MeV[j]) << ',' << nusi::cli::number_text(emitted[j]) << ','
                << nusi::cli::number_text(earth[j]) << '\n';
  }
  return 0;
}
const nusi::cli::registrar reg("propagate", "F, scatterings and budgets of propagation to Earth (Sec. IV, Eq. 8)", run);
}  // namespace
