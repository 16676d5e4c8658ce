// SPDX-License-Identifier: MIT
// Flags shared by `nusi propagate` and `nusi bound propagation`: the propagation_setup (targets,
// distance, threshold, level), the emitted pinched spectrum and the grid. Not part of the library API.
#pragma once

#include <cmath>
#include <string>
#include <vector>

#include <nusi/monte_carlo.hpp>
#include <nusi/propagation_setup.hpp>
#include <nusi/spectra.hpp>
#include <nusi/transport.hpp>

#include "cli.hpp"
#include "output.hpp"

namespace nusi::cli {

/// Throws usage_error unless lo <= value <= hi.
inline void require_flag_finite(const std::string& flag, double value, double lo, double hi) {
  if (!(value >= lo && value <= hi))
    throw usage_error(flag + " must be in [" + number_text(lo) + ", " + number_text(hi) + "], got " + number_text(value));
}

/// A JSON array of numbers.
inline std::string json_numbers(const std::vector<double>& v) {
  std::string s = "[";
  for (std::size_t i = 0; i < v.size(); ++i) {
    if (i) s += ", ";
    s += number_text(v[i]);
  }
  return s + "]";
}

struct transport_flags {
  bool dirac = false;
  double threshold_MeV = 5, distance_kpc = 50, level = 0.01, relic_mass_eV = 0.05, relic_density_per_cm3 = 330;
  double mean_energy_MeV = 15, mean_square_energy_MeV2 = 290;
  double min_energy_MeV = 0.01, max_energy_MeV = 200;
  long energy_bins = 400;
  std::string method = "grid";
  long primaries = 100000, seed = 1;

  /// Declares the flags; with_monte_carlo adds --method montecarlo and its --primaries, --seed.
  void declare(parser& p, bool with_monte_carlo = false) {
    p.flag("--dirac", dirac, "Dirac relic neutrinos: half the targets (default Majorana)");
    p.option("--threshold-MeV", threshold_MeV, "detection threshold", "MeV");
    p.option("--distance-kpc", distance_kpc, "distance D to the supernova", "kpc");
    p.option("--level", level, "exclusion level: excluded where F <= level, in (0, 1)");
    p.option("--relic-mass-eV", relic_mass_eV, "relic-neutrino mass m_nu", "eV");
    p.option("--relic-density-per-cm3", relic_density_per_cm3, "total relic density, nu and nubar of all flavours",
             "cm^-3");
    p.option("--mean-energy-MeV", mean_energy_MeV, "emitted <E> (pinched spectrum)", "MeV");
    p.option("--mean-square-energy-MeV2", mean_square_energy_MeV2, "emitted <E^2>", "MeV^2");
    p.option("--energy-bins", energy_bins, "energy nodes of the grid");
    p.option("--min-energy-MeV", min_energy_MeV, "lowest grid energy", "MeV");
    p.option("--max-energy-MeV", max_energy_MeV, "highest grid energy", "MeV");
    if (with_monte_carlo) {
      p.option("--method", method, "grid: transport of Eq. (8) on the energy grid; montecarlo: the independent check",
               {"grid", "montecarlo"});
      p.option("--primaries", primaries, "Monte Carlo: emitted neutrinos drawn");
      p.option("--seed", seed, "Monte Carlo: seed of the random stream (results are a function of it)");
    } else {
      p.option("--method", method, "transport method", {"grid"});
    }
  }
  /// Monte Carlo settings; throws usage_error naming the flag.
  monte_carlo_options<double> monte_carlo() const {
    if (primaries < 1 || primaries > 1000000000L)
      throw usage_error("--primaries must be in [1, 1e9], got " + std::to_string(primaries));
    if (seed < 0) throw usage_error("--seed must be >= 0, got " + std::to_string(seed));
    monte_carlo_options<double> o;
    o.primaries = static_cast<std::uint64_t>(primaries);
    o.seed = static_cast<std::uint64_t>(seed);
    return o;
  }
  /// The physics inputs; throws usage_error naming the flag.
  propagation_setup<double> setup() const {
    if (!(distance_kpc > 0)) throw usage_error("--distance-kpc must be > 0, got " + number_text(distance_kpc));
    if (!(level > 0 && level < 1)) throw usage_error("--level must be in (0, 1), got " + number_text(level));
    if (!(relic_mass_eV > 0)) throw usage_error("--relic-mass-eV must be > 0, got " + number_text(relic_mass_eV));
    if (!(relic_density_per_cm3 > 0))
      throw usage_error("--relic-density-per-cm3 must be > 0, got " + number_text(relic_density_per_cm3));
    if (!(min_energy_MeV > 0 && min_energy_MeV < max_energy_MeV))
      throw usage_error("--min-energy-MeV must be > 0 and < --max-energy-MeV, got " + number_text(min_energy_MeV));
    if (!(threshold_MeV > min_energy_MeV && threshold_MeV < max_energy_MeV))
      throw usage_error("--threshold-MeV must be inside the grid (" + number_text(min_energy_MeV) + ", " +
                        number_text(max_energy_MeV) + ") MeV, got " + number_text(threshold_MeV));
    propagation_setup<double> s;
    s.relic.mass_MeV = eV(relic_mass_eV);
    s.relic.total_density_per_cm3 = relic_density_per_cm3;
    s.relic.nature = dirac ? neutrino_nature::dirac : neutrino_nature::majorana;
    s.distance_cm = kpc(distance_kpc);
    s.threshold_MeV = threshold_MeV;
    s.exclusion_level = level;
    return s;
  }
  transport_options<double> options() const {
    if (energy_bins < 4 || energy_bins > 100000)
      throw usage_error("--energy-bins must be in [4, 100000], got " + std::to_string(energy_bins));
    transport_options<double> o;
    o.energy.bins = static_cast<std::size_t>(energy_bins);
    o.energy.min_energy_MeV = min_energy_MeV;
    o.energy.max_energy_MeV = max_energy_MeV;
    return o;
  }
  pinched_spectrum<double> emission() const {
    return pinched_spectrum<double>::from_moments(mean_energy_MeV, mean_square_energy_MeV2);
  }
};

}  // namespace nusi::cli
