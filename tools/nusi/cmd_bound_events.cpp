// SPDX-License-Identifier: MIT
// nusi bound sn1987a | forecast | time-spread: bounds beyond the paper's energy criterion, on the mass
// axis of Fig. 1. sn1987a: the recorded events (K-II, IMB, Baksan) against the propagated spectrum;
// forecast: the sensitivity of a modern detector to a Galactic supernova (Asimov data); time-spread:
// excluded where fewer than the level arrive above threshold within the window after the light front.
#include <cmath>
#include <iostream>
#include <string>
#include <vector>

#include <nusi/arrival_times.hpp>
#include <nusi/event_bound.hpp>

#include "beyond_flags.hpp"
#include "cli.hpp"
#include "output.hpp"
#include "progress.hpp"

namespace {
using nusi::cli::number_text;

/// Flags of the likelihood analyses (sn1987a, forecast).
struct event_flags {
  std::string likelihood = "unbinned", normalisation = "profiled", timing = "integrated";
  double normalisation_min = 1e-3, normalisation_max = 1e3, confidence = 0.9, log10_g_min = -4, log10_g_max = 0;
  double energy_erg = 5e52;
  long threads = 0;
  bool quiet = false;
  void declare(nusi::cli::parser& p, bool with_likelihood) {
    if (with_likelihood) p.option("--likelihood", likelihood, "unbinned (Loredo-Lamb, with backgrounds) or binned Poisson", {"unbinned", "binned"});
    p.option("--normalisation", normalisation, "emitted energy fixed at --energy-erg, or profiled (free factor A)", {"profiled", "fixed"});
    p.option("--normalisation-min", normalisation_min, "smallest A when profiled");
    p.option("--normalisation-max", normalisation_max, "largest A when profiled");
    p.option("--timing", timing, "count every arrival (grid transport) or only those within --window-s (Monte Carlo)",
             {"integrated", "window"});
    p.option("--confidence", confidence, "confidence level: excluded where -2 Delta ln L >= chi^2_1 quantile");
    p.option("--log10-g-min", log10_g_min, "bottom of the coupling scan");
    p.option("--log10-g-max", log10_g_max, "top of the coupling scan");
    p.option("--energy-erg", energy_erg, "energy emitted in the detected flavour (A = 1)", "erg");
    p.option("--threads", threads, "threads over the masses, 0 = all cores (the results do not depend on it)");
    p.flag("--quiet", quiet, "no progress on stderr");
  }
  nusi::event_bound_options<double> options(const nusi::cli::transport_flags& t, const nusi::cli::monte_carlo_flags& mc) const {
    if (!(energy_erg > 0 && std::isfinite(energy_erg))) throw nusi::cli::usage_error("--energy-erg must be > 0, got " + number_text(energy_erg));
    if (!(normalisation_min > 0 && normalisation_min <= 1))
      throw nusi::cli::usage_error("--normalisation-min must be in (0, 1], got " + number_text(normalisation_min));
    if (!(normalisation_max >= 1 && std::isfinite(normalisation_max)))
      throw nusi::cli::usage_error("--normalisation-max must be finite and >= 1, got " + number_text(normalisation_max));
    if (!(confidence > 0 && confidence < 1)) throw nusi::cli::usage_error("--confidence must be in (0, 1), got " + number_text(confidence));
    nusi::cli::require_flag_finite("--log10-g-min", log10_g_min, -12, 1);
    nusi::cli::require_flag_finite("--log10-g-max", log10_g_max, -12, 1);
    if (!(log10_g_min < log10_g_max)) throw nusi::cli::usage_error("--log10-g-min must be < --log10-g-max");
    mc.validate();
    nusi::event_bound_options<double> o;
    o.transport = t.options();
    o.likelihood = likelihood == "binned" ? nusi::event_likelihood::binned : nusi::event_likelihood::unbinned;
    o.norm = normalisation == "fixed" ? nusi::normalisation::fixed : nusi::normalisation::profiled;
    o.normalisation_min = normalisation_min;
    o.normalisation_max = normalisation_max;
    o.timing = timing == "window" ? nusi::arrival_window::within_window : nusi::arrival_window::time_integrated;
    o.window.primaries = static_cast<std::uint64_t>(mc.primaries);
    o.window.seed = static_cast<std::uint64_t>(mc.seed);
    o.window.window_s = mc.window_s;
    o.confidence_level = confidence;
    o.log10_g_min = log10_g_min;
    o.log10_g_max = log10_g_max;
    return o;
  }
};

/// One row of an event-level bound; forecasts lead with the detector.
nusi::cli::json_object point_json(const nusi::event_bound_point<double>& b, const std::string& detector = "") {
  nusi::cli::json_object o;
  if (!detector.empty()) o.add("detector", detector);
  o.add("log10_mass_MeV", b.log10_mass_MeV).add("log10_g_bound", b.log10_g_bound).add("found", b.found);
  o.add("excluded_at_scan_bottom", b.excluded_at_min).add("reopens_above", b.reopens_above);
  o.add("normalisation_at_bound", b.normalisation_at_bound);
  return o;
}

int run_sn1987a(const std::vector<std::string>& args) {
  nusi::cli::transport_flags flags;
  nusi::cli::mass_flags mass;
  nusi::cli::monte_carlo_flags mc(2000);
  event_flags ev;
  nusi::cli::format_flags format;
  std::string events_file = nusi::cli::default_sn1987a_table();
  nusi::cli::parser p("bound sn1987a",
                      "Event-level SN 1987A bound: the recorded K-II, IMB and Baksan events against the spectrum at Earth\n"
                      "propagated through the relic neutrinos (Eq. 8), likelihood ratio to no nuSI, the emitted energy\n"
                      "profiled by default; g excluded above log10_g_bound at each mass.");
  mass.declare(p);
  nusi::cli::declare_physics(p, flags, false, true);
  ev.declare(p, true);
  mc.declare(p);
  p.option("--events-file", events_file, "SN 1987A event table");
  format.declare(p, "print a JSON array of {log10_mass_MeV, log10_g_bound, ...}", "print a CSV table with the same columns");
  if (!p.parse(args)) return 0;
  const auto masses = mass.masses(p);
  const auto output = format.format();
  const auto setup = flags.setup();
  const auto options = ev.options(flags, mc);
  const nusi::supernova_emission<double> emission{.energy_erg = ev.energy_erg, .mean_energy_MeV = flags.mean_energy_MeV,
                                                  .mean_square_energy_MeV2 = flags.mean_square_energy_MeV2, .distance_cm = setup.distance_cm};
  const auto table = nusi::load_sn1987a_events<double>(events_file);
  const auto curve = nusi::cli::parallel_map("bound sn1987a", masses.size(), nusi::cli::thread_count(ev.threads), ev.quiet,
                                             [&](std::size_t k) { return nusi::sn1987a_event_bound(masses[k], setup, emission, table, options); });
  std::vector<nusi::cli::json_object> rows;
  for (const auto& b : curve) rows.push_back(point_json(b));
  std::string title = "SN 1987A event-level bound (";
  title += ev.likelihood + ", " + ev.normalisation + " energy, " + ev.timing + " arrivals, " + nusi::cli::short_text(ev.confidence);
  title += " CL): g above log10_g_bound excluded";
  nusi::cli::print_rows(std::cout, rows, output, title);
  return 0;
}

int run_forecast(const std::vector<std::string>& args) {
  nusi::cli::transport_flags flags;
  flags.distance_kpc = 10;
  nusi::cli::mass_flags mass;
  nusi::cli::monte_carlo_flags mc(2000);
  event_flags ev;
  std::string which = "all";
  nusi::cli::format_flags format;
  nusi::cli::parser p("bound forecast",
                      "Sensitivity to a Galactic supernova: the bound an observation without nuSI would set (Asimov data,\n"
                      "binned Poisson likelihood in 1 MeV bins of measured energy, no background), per detector.");
  mass.declare(p);
  nusi::cli::declare_physics(p, flags, false, true);
  ev.declare(p, false);
  mc.declare(p);
  p.option("--detector", which, "detector", {"all", "super-kamiokande", "hyper-kamiokande", "juno", "dune"});
  format.declare(p, "print a JSON array of {detector, log10_mass_MeV, log10_g_bound, ...}", "print a CSV table with the same columns");
  if (!p.parse(args)) return 0;
  const auto masses = mass.masses(p);
  const auto output = format.format();
  const auto setup = flags.setup();
  auto options = ev.options(flags, mc);
  options.likelihood = nusi::event_likelihood::binned;
  const nusi::supernova_emission<double> emission{.energy_erg = ev.energy_erg, .mean_energy_MeV = flags.mean_energy_MeV,
                                                  .mean_square_energy_MeV2 = flags.mean_square_energy_MeV2, .distance_cm = setup.distance_cm};
  std::vector<std::pair<std::string, nusi::detector<double>>> detectors;
  if (which == "all" || which == "super-kamiokande") detectors.emplace_back("super-kamiokande", nusi::super_kamiokande<double>());
  if (which == "all" || which == "hyper-kamiokande") detectors.emplace_back("hyper-kamiokande", nusi::hyper_kamiokande<double>());
  if (which == "all" || which == "juno") detectors.emplace_back("juno", nusi::juno<double>());
  if (which == "all" || which == "dune") detectors.emplace_back("dune", nusi::dune<double>());
  // Detector-major order: all masses of the first detector, then the next.
  const auto points = nusi::cli::parallel_map(
      "bound forecast", masses.size() * detectors.size(), nusi::cli::thread_count(ev.threads), ev.quiet, [&](std::size_t k) {
        const auto& [name, det] = detectors[k / masses.size()];
        return std::pair{name, nusi::forecast_event_bound(masses[k % masses.size()], setup, emission, det, options)};
      });
  std::vector<nusi::cli::json_object> rows;
  for (const auto& [name, b] : points) rows.push_back(point_json(b, name));
  std::string title = "Galactic supernova at ";
  title += number_text(flags.distance_kpc) + " kpc, Asimov sensitivity (" + ev.normalisation + " energy, " + ev.timing + " arrivals, ";
  title += nusi::cli::short_text(ev.confidence) + " CL)";
  nusi::cli::print_rows(std::cout, rows, output, title);
  return 0;
}

int run_time_spread(const std::vector<std::string>& args) {
  nusi::cli::transport_flags flags;
  nusi::cli::mass_flags mass;
  nusi::cli::monte_carlo_flags mc(5000);
  bool quiet = false, planar = false;
  long threads = 0;
  nusi::cli::format_flags format;
  nusi::cli::parser p("bound time-spread",
                      "Time-spread bound: excluded where F_window = N(E > threshold, delay < window)/N(emitted) <= level,\n"
                      "the unscattered part exact and the scattered arrivals from the Monte Carlo (common random numbers);\n"
                      "log10_g_error is the Monte Carlo standard error of the bound.");
  mass.declare(p);
  nusi::cli::declare_physics(p, flags, true, false);
  mc.declare(p);
  p.flag("--planar", planar, "the paper's planar angle model instead of 3D deflections");
  p.option("--threads", threads, "threads over the masses, 0 = all cores (the results do not depend on it)");
  p.flag("--quiet", quiet, "no progress on stderr");
  format.declare(p, "print a JSON array of {log10_mass_MeV, log10_g_bound, log10_g_error, ...}", "print a CSV table with the same columns");
  if (!p.parse(args)) return 0;
  const auto masses = mass.masses(p);
  const auto output = format.format();
  mc.validate();
  const auto setup = flags.setup();
  nusi::time_spread_bound_options<double> o;
  o.window.primaries = static_cast<std::uint64_t>(mc.primaries);
  o.window.seed = static_cast<std::uint64_t>(mc.seed);
  o.window.window_s = mc.window_s;
  o.window.angles = planar ? nusi::angle_model::planar : nusi::angle_model::three_dimensional;
  const auto emission = flags.emission();
  const unsigned thread_count = nusi::cli::thread_count(threads);
  const auto curve = nusi::cli::parallel_map("bound time-spread", masses.size(), thread_count, quiet,
                                             [&](std::size_t k) { return nusi::time_spread_bound(masses[k], setup, emission, o); });
  std::vector<nusi::cli::json_object> rows;
  for (const auto& b : curve) {
    nusi::cli::json_object j;
    j.add("log10_mass_MeV", b.log10_mass_MeV).add("log10_g_bound", b.log10_g_bound).add("found", b.found);
    j.add("log10_g_error", b.log10_g_error).add("log10_g_unscattered_only", b.log10_g_unscattered_only);
    j.add("fraction_within_window", b.at_bound.value).add("unscattered_fraction", b.at_bound.unscattered);
    j.add("scattered_within_window", b.at_bound.scattered_within_window).add("fraction_error", b.at_bound.error);
    rows.push_back(j);
  }
  std::string title = "time-spread bound: excluded where N(E > ";
  title += number_text(setup.threshold_MeV) + " MeV, delay < " + number_text(mc.window_s) + " s)/N(emitted) <= ";
  title += number_text(setup.exclusion_level) + "; " + std::to_string(mc.primaries) + " primaries";
  nusi::cli::print_rows(std::cout, rows, output, title);
  return 0;
}

const nusi::cli::registrar reg_sn("bound sn1987a", "event-level SN 1987A bound from the recorded events", run_sn1987a);
const nusi::cli::registrar reg_fc("bound forecast", "sensitivity of SK, HK, JUNO, DUNE to a Galactic supernova", run_forecast);
const nusi::cli::registrar reg_ts("bound time-spread", "bound from the arrival-time spread (F_window <= level)", run_time_spread);
}  // namespace
