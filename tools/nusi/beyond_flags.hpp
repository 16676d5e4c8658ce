// SPDX-License-Identifier: MIT
// Flags shared by `nusi arrival`, `nusi events` and `nusi bound sn1987a|forecast|time-spread`: the mass
// scan of `nusi bound propagation`, the physics subset of transport_flags, the Monte Carlo, the
// SN 1987A event table. Not part of the library API.
#pragma once

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "cli.hpp"
#include "output.hpp"
#include "transport_flags.hpp"

namespace nusi::cli {

/// --log10-mass-MeV X | --from A --to B --step S, as `nusi bound propagation`.
struct mass_flags {
  double log10_mass = -6, from = -7, to = -1.5, step = 0.5;
  double max_masses = 10000;
  void declare(parser& p) {
    p.option("--log10-mass-MeV", log10_mass, "one mass: log10(M/MeV) (instead of --from/--to/--step)");
    p.option("--from", from, "first log10(M/MeV) of a scan");
    p.option("--to", to, "last log10(M/MeV) of a scan");
    p.option("--step", step, "scan step in log10(M/MeV)");
  }
  /// The masses asked for; throws usage_error on a bad combination.
  std::vector<double> masses(const parser& p) const {
    const bool single = p.was_set("--log10-mass-MeV");
    if (single && (p.was_set("--from") || p.was_set("--to") || p.was_set("--step")))
      throw usage_error("give either --log10-mass-MeV or --from/--to/--step, not both");
    require_flag_finite("--log10-mass-MeV", log10_mass, -30, 10);
    if (single) return {log10_mass};
    require_flag_finite("--from", from, -30, 10);
    require_flag_finite("--to", to, -30, 10);
    if (!(step > 0)) throw usage_error("--step must be > 0, got " + number_text(step));
    if (from > to) throw usage_error("--from must be <= --to, got " + number_text(from));
    if ((to - from) / step > max_masses) throw usage_error("--step gives more than " + short_text(max_masses) + " masses");
    std::vector<double> out;
    const auto count = static_cast<long>(std::floor((to - from) / step + 1e-3)) + 1;
    for (long k = 0; k < count; ++k) out.push_back(from + double(k) * step);
    return out;
  }
};

/// The physics flags of transport_flags (targets, distance, threshold, emitted spectrum; optionally the
/// exclusion level and the grid), without the ones a command does not use.
inline void declare_physics(parser& p, transport_flags& f, bool level, bool grid) {
  p.flag("--dirac", f.dirac, "Dirac relic neutrinos: half the targets (default Majorana)");
  p.option("--threshold-MeV", f.threshold_MeV, "detection threshold of the propagation (F, F_window)", "MeV");
  p.option("--distance-kpc", f.distance_kpc, "distance D to the supernova", "kpc");
  if (level) p.option("--level", f.level, "exclusion level: excluded where the fraction <= level, in (0, 1)");
  p.option("--relic-mass-eV", f.relic_mass_eV, "relic-neutrino mass m_nu", "eV");
  p.option("--relic-density-per-cm3", f.relic_density_per_cm3, "total relic density, nu and nubar of all flavours", "cm^-3");
  p.option("--mean-energy-MeV", f.mean_energy_MeV, "emitted <E> (pinched spectrum)", "MeV");
  p.option("--mean-square-energy-MeV2", f.mean_square_energy_MeV2, "emitted <E^2>", "MeV^2");
  if (grid) {
    p.option("--energy-bins", f.energy_bins, "energy nodes of the transport grid");
    p.option("--min-energy-MeV", f.min_energy_MeV, "lowest grid energy", "MeV");
    p.option("--max-energy-MeV", f.max_energy_MeV, "highest grid energy", "MeV");
  }
}

/// Monte Carlo settings of the time-window analyses.
struct monte_carlo_flags {
  long primaries;
  long seed = 1;
  double window_s = 12.4;
  explicit monte_carlo_flags(long default_primaries) : primaries(default_primaries) {}
  void declare(parser& p) {
    p.option("--primaries", primaries, "Monte Carlo primaries (emitted neutrinos)");
    p.option("--seed", seed, "Monte Carlo seed (common random numbers: each primary has its own stream)");
    p.option("--window-s", window_s, "time window after the light front (K-II burst span)", "s");
  }
  void validate() const {
    if (primaries < 1 || primaries > 100000000)
      throw usage_error("--primaries must be in [1, 1e8], got " + std::to_string(primaries));
    if (seed < 0) throw usage_error("--seed must be >= 0, got " + std::to_string(seed));
    if (!(window_s > 0)) throw usage_error("--window-s must be > 0, got " + number_text(window_s));
  }
};

/// Where the SN 1987A table is: next to an installed tool (<prefix>/share/nusi/sn1987a/), else in the
/// source tree this tool was built from.
inline std::string default_sn1987a_table() {
  std::error_code ec;
  const auto exe = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    const auto installed = exe.parent_path().parent_path() / "share" / "nusi" / "sn1987a" / "sn1987a_events.csv";
    if (std::filesystem::exists(installed, ec)) return installed.string();
  }
#ifdef NUSI_DATA_DIR
  return std::string(NUSI_DATA_DIR) + "/sn1987a/sn1987a_events.csv";
#elif defined(NUSI_PLOT_DIR)
  return (std::filesystem::path(NUSI_PLOT_DIR) / ".." / ".." / "data" / "sn1987a" / "sn1987a_events.csv").lexically_normal().string();
#else
  return "data/sn1987a/sn1987a_events.csv";
#endif
}

}  // namespace nusi::cli
