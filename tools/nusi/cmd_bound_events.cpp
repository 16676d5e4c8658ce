// SPDX-License-Identifier: MIT
// nusi bound sn1987a | forecast | time-spread: bounds beyond the paper's energy criterion, on the mass
// axis of Fig. 1. sn1987a: the recorded events (K-II, IMB, Baksan) against the propagated spectrum;
// forecast: the sensitivity of a modern detector to a Galactic supernova (Asimov data); time-spread:
// excluded where fewer than the level arrive above threshold within the window after the light front.
#include <cmath>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <nusi/emission/arrivals.hpp>
#include <nusi/emission/event_bound.hpp>
#include <nusi/event_bound.hpp>
#include <nusi/time_spread_bound.hpp>

#include "data_files.hpp"
#include "flags.hpp"
#include "output.hpp"
#include "progress.hpp"

namespace {
using nusi_tool::json;
using nusi_tool::number_text;
using nusi_tool::short_text;

// Fewer Monte Carlo primaries than the library's defaults, so that a scan over masses takes seconds
// (--primaries raises them): the windowed likelihoods, and the time-spread bound.
constexpr std::uint64_t window_likelihood_primaries = 2000;
constexpr std::uint64_t time_spread_primaries = 5000;

/// Flags of the likelihood analyses (sn1987a, forecast); defaults from event_bound_options.
struct likelihood_flags {
  nusi::event_bound_options<double> defaults{};
  std::string likelihood = defaults.likelihood == nusi::event_likelihood::binned ? "binned" : "unbinned";
  std::string normalisation = defaults.norm == nusi::normalisation::fixed ? "fixed" : "profiled";
  std::string timing = defaults.timing == nusi::arrival_window::within_window ? "window" : "integrated";
  double normalisation_min = defaults.normalisation_min, normalisation_max = defaults.normalisation_max;
  double delta_chi2 = defaults.delta_chi2_threshold, log10_g_min = defaults.log10_g_min, log10_g_max = defaults.log10_g_max;
  nusi::time_energy_options<double> time{};

  void declare(nusi_tool::command& c, bool with_likelihood, nusi_tool::window_flags& mc) {
    if (with_likelihood)
      c.choice("--likelihood", likelihood,
               "unbinned in energy (Loredo-Lamb, with backgrounds), binned Poisson, or unbinned in time and energy (needs --emission)",
               {"unbinned", "binned", "time-energy"});
    c.choice("--normalisation", normalisation, "emitted energy fixed at --energy-erg, or profiled (free factor A)", {"profiled", "fixed"});
    c.number("--normalisation-min", normalisation_min, "smallest A when profiled");
    c.number("--normalisation-max", normalisation_max, "largest A when profiled");
    c.choice("--timing", timing, "count every arrival (grid transport) or only those within --window-s (Monte Carlo)",
             {"integrated", "window"});
    c.number("--delta-chi2", delta_chi2, "excluded where -2 Delta ln L >= this (2.706: one-sided 95% CL, docs/physics.md)");
    c.number("--log10-g-min", log10_g_min, "bottom of the coupling scan");
    c.number("--log10-g-max", log10_g_max, "top of the coupling scan");
    mc.declare(c, false);
    for (const char* flag : {"--normalisation-min", "--normalisation-max"})
      c.inactive_when(flag, [this] { return normalisation == "fixed"; });
    for (const char* flag : {"--primaries", "--seed"})
      c.inactive_when(flag, [this] { return timing != "window" && likelihood != "time-energy"; });
    c.inactive_when("--window-s", [this] { return timing != "window"; });
    if (with_likelihood) {
      c.number("--time-bin-s", time.time_bin_s, "time-energy: width of the arrival-time bins", "s");
      c.number("--max-offset-s", time.max_offset_s, "time-energy: largest offset of a detector's first event after the onset", "s");
      for (const char* flag : {"--time-bin-s", "--max-offset-s"}) c.inactive_when(flag, [this] { return likelihood != "time-energy"; });
    }
  }
  nusi::event_bound_options<double> options(const nusi_tool::propagation_flags& physics, const nusi_tool::window_flags& mc) const {
    if (!(normalisation_min > 0 && normalisation_min <= 1))
      throw nusi_tool::usage_error("--normalisation-min must be in (0, 1], got " + number_text(normalisation_min));
    if (!(normalisation_max >= 1)) throw nusi_tool::usage_error("--normalisation-max must be >= 1, got " + number_text(normalisation_max));
    if (!(delta_chi2 > 0)) throw nusi_tool::usage_error("--delta-chi2 must be > 0, got " + number_text(delta_chi2));
    const double lo = nusi::lowest_log10_coupling<double>, hi = nusi::highest_log10_coupling<double>;
    nusi_tool::require_in_range("--log10-g-min", log10_g_min, lo, hi);
    nusi_tool::require_in_range("--log10-g-max", log10_g_max, lo, hi);
    if (!(log10_g_min < log10_g_max)) throw nusi_tool::usage_error("--log10-g-min must be < --log10-g-max");
    if (likelihood == "time-energy") {
      if (!(time.time_bin_s >= 0.005 && time.time_bin_s <= 1))
        throw nusi_tool::usage_error("--time-bin-s must be in [0.005, 1], got " + number_text(time.time_bin_s));
      if (!(time.max_offset_s > 0 && time.max_offset_s <= 60))
        throw nusi_tool::usage_error("--max-offset-s must be in (0, 60], got " + number_text(time.max_offset_s));
      if (timing == "window") throw nusi_tool::usage_error("--likelihood time-energy takes the events' times itself: leave --timing integrated");
    }
    nusi::event_bound_options<double> o;
    o.transport = physics.options();
    o.likelihood = likelihood == "binned" ? nusi::event_likelihood::binned : nusi::event_likelihood::unbinned;
    o.norm = normalisation == "fixed" ? nusi::normalisation::fixed : nusi::normalisation::profiled;
    o.normalisation_min = normalisation_min;
    o.normalisation_max = normalisation_max;
    o.timing = timing == "window" ? nusi::arrival_window::within_window : nusi::arrival_window::time_integrated;
    o.window = mc.options();
    o.delta_chi2_threshold = delta_chi2;
    o.log10_g_min = log10_g_min;
    o.log10_g_max = log10_g_max;
    return o;
  }
};

/// One row of an event-level bound; forecasts lead with the detector.
json point_json(const nusi::event_bound_point<double>& b, const std::string& detector = "") {
  json o;
  if (!detector.empty()) o["detector"] = detector;
  o["log10_mass_MeV"] = b.log10_mass_MeV;
  o["log10_g_bound"] = b.log10_g_bound;
  o["found"] = b.found;
  o["excluded_at_scan_bottom"] = b.excluded_at_min;
  o["reopens_above"] = b.reopens_above;
  o["normalisation_at_bound"] = b.normalisation_at_bound;
  return o;
}

struct sn1987a_command {
  nusi_tool::propagation_flags physics;
  nusi_tool::mass_flags mass{.log10_mass_MeV = -6, .from = -7, .to = -1.5, .step = 0.5, .max_masses = 10000};
  nusi_tool::window_flags mc{window_likelihood_primaries};
  likelihood_flags ev;
  std::string events_file;
  nusi_tool::emission_flags model_file;
  long threads = 0;
  bool quiet = false;

  void declare(nusi_tool::command& c) {
    c.details("Event-level SN 1987A bound: the recorded K-II, IMB and Baksan events against the spectrum at Earth\n"
              "propagated through the relic neutrinos (Eq. 8), likelihood ratio to no nuSI, the emitted energy\n"
              "profiled by default; g excluded above log10_g_bound at each mass.");
    mass.declare(c);
    physics.declare(c, nusi_tool::propagation_flags::grid | nusi_tool::propagation_flags::source_energy);
    ev.declare(c, true, mc);
    c.text("--events-file", events_file, "SN 1987A event table", "the table installed with nusi");
    model_file.declare(c);
    c.threads_setting(threads, "threads over the masses, 0 = all cores (the results do not depend on it)");
    c.quiet_setting(quiet);
    c.output_formats("print {log10_mass_MeV, log10_g_bound, ...} per mass", "print a CSV table with the same columns");
  }

  int run(const nusi_tool::command& c) {
    const auto masses = mass.masses(c);
    (void)c.format();
    const auto setup = physics.setup();
    const auto model = model_file.load(c);
    const auto emission = model ? nusi::supernova_emission<double>{} : physics.source();
    const auto options = ev.options(physics, mc);
    if (events_file.empty()) events_file = nusi_tool::data_file("sn1987a/sn1987a_events.csv").string();
    const auto table = nusi::load_sn1987a_events<double>(events_file);
    std::vector<nusi::event_bound_point<double>> curve;
    if (ev.likelihood == "time-energy") {
      if (!model) throw nusi_tool::usage_error("--likelihood time-energy needs a time profile: give --emission FILE");
      // The events' times and energies against the model's anti-nu_e arrival rate (emission profile
      // convolved with the nuSI delays), each detector's offset profiled (emission/event_bound.hpp).
      const auto flux = model->emission.flux(nusi::supernova_flavor::nu_e_bar, model->conversion);
      auto time = ev.time;
      time.offset_steps = static_cast<unsigned>(std::ceil(time.max_offset_s / (time.time_bin_s / 2)));
      curve = nusi_tool::parallel_map("bound sn1987a", masses.size(), nusi_tool::thread_count(threads), quiet, [&](std::size_t k) {
        return nusi::sn1987a_time_energy_bound(masses[k], setup, flux, table, options, time);
      });
    } else if (model) {
      // The anti-nu_e leaving the star (IBD in K-II, IMB and Baksan), its time-integrated fluence at Earth.
      // Within the window: what the model emits over its time profile and arrives within --window-s of
      // its first emission's light front (emission_arrivals).
      const auto flux = model->emission.flux(nusi::supernova_flavor::nu_e_bar, model->conversion);
      const auto at_earth = nusi::flux_at_earth(flux, setup.distance_cm);
      const nusi::emission_arrivals<double> arrivals(flux, options.window.window_s);
      curve = nusi_tool::parallel_map("bound sn1987a", masses.size(), nusi_tool::thread_count(threads), quiet, [&](std::size_t k) {
        return nusi::sn1987a_event_bound(masses[k], setup, at_earth.spectrum, at_earth.number_per_cm2, arrivals, table, options);
      });
    } else {
      curve = nusi_tool::parallel_map("bound sn1987a", masses.size(), nusi_tool::thread_count(threads), quiet,
                                      [&](std::size_t k) { return nusi::sn1987a_event_bound(masses[k], setup, emission, table, options); });
    }
    std::vector<json> rows;
    for (const auto& b : curve) rows.push_back(point_json(b));
    c.print_rows(rows, "SN 1987A event-level bound (" + ev.likelihood + ", " + ev.normalisation + " energy, " + ev.timing + " arrivals, " +
                           "Delta chi^2 = " + short_text(ev.delta_chi2) + ", one-sided 95% CL at 2.706): g above log10_g_bound excluded" +
                           (model ? "; emission " + model_file.file + " (" + model_file.format + ", conversion " + model_file.conversion + ")" : ""));
    return 0;
  }
};

struct forecast_command {
  nusi_tool::propagation_flags physics;
  nusi_tool::mass_flags mass{.log10_mass_MeV = -6, .from = -7, .to = -1.5, .step = 0.5, .max_masses = 10000};
  nusi_tool::window_flags mc{window_likelihood_primaries};
  likelihood_flags ev;
  std::string which = "all";
  nusi_tool::emission_flags model_file;
  long threads = 0;
  bool quiet = false;

  void declare(nusi_tool::command& c) {
    c.details("Sensitivity to a Galactic supernova: the bound an observation without nuSI would set (Asimov data,\n"
              "binned Poisson likelihood in 1 MeV bins of measured energy, no background), per detector.");
    physics.distance_kpc =
        nusi_tool::flag_value(nusi::galactic_supernova_distance_cm<double>, [](double x) { return nusi::kpc(x); }, 10);
    mass.declare(c);
    physics.declare(c, nusi_tool::propagation_flags::grid | nusi_tool::propagation_flags::source_energy);
    ev.declare(c, false, mc);
    std::vector<std::string> choices{"all"};
    for (auto d : nusi::galactic_detectors) choices.emplace_back(nusi::detector_key(d));
    c.choice("--detector", which, "detector", choices);
    model_file.declare(c);
    c.threads_setting(threads, "threads over the masses, 0 = all cores (the results do not depend on it)");
    c.quiet_setting(quiet);
    c.output_formats("print {detector, log10_mass_MeV, log10_g_bound, ...} per detector and mass",
                     "print a CSV table with the same columns");
  }

  int run(const nusi_tool::command& c) const {
    const auto masses = mass.masses(c);
    (void)c.format();
    const auto setup = physics.setup();
    const auto model = model_file.load(c);
    const auto emission = model ? nusi::supernova_emission<double>{} : physics.source();
    auto options = ev.options(physics, mc);
    options.likelihood = nusi::event_likelihood::binned;
    std::vector<std::pair<std::string, nusi::detector<double>>> detectors;
    for (auto d : nusi::galactic_detectors)
      if (which == "all" || which == nusi::detector_key(d)) detectors.emplace_back(nusi::detector_key(d), nusi::detector_model<double>(d));
    // With a model, each detector sees the flux of its channel's flavour after conversion at the source
    // (DUNE: nu_e), time-integrated, at the setup's distance.
    // Within the window: that flux emitted over the model's time profile (emission_arrivals).
    std::vector<std::optional<nusi::fluence_at_earth<double>>> at_earth(detectors.size());
    std::vector<std::optional<nusi::emission_arrivals<double>>> arrivals(detectors.size());
    if (model)
      for (std::size_t d = 0; d < detectors.size(); ++d) {
        const auto flux = model->emission.flux(nusi::channel_flavor(detectors[d].second.channel), model->conversion);
        at_earth[d] = nusi::flux_at_earth(flux, setup.distance_cm);
        arrivals[d].emplace(flux, options.window.window_s);
      }
    // Detector-major order: all masses of the first detector, then the next.
    const auto points = nusi_tool::parallel_map(
        "bound forecast", masses.size() * detectors.size(), nusi_tool::thread_count(threads), quiet, [&](std::size_t k) {
          const auto& [name, det] = detectors[k / masses.size()];
          const double log10_mass_MeV = masses[k % masses.size()];
          if (const auto& f = at_earth[k / masses.size()])
            return std::pair{name, nusi::forecast_event_bound(log10_mass_MeV, setup, f->spectrum, f->number_per_cm2,
                                                              *arrivals[k / masses.size()], det, options)};
          return std::pair{name, nusi::forecast_event_bound(log10_mass_MeV, setup, emission, det, options)};
        });
    std::vector<json> rows;
    for (const auto& [name, b] : points) rows.push_back(point_json(b, name));
    c.print_rows(rows, "Galactic supernova at " + number_text(physics.distance_kpc) + " kpc, Asimov sensitivity (" + ev.normalisation +
                           " energy, " + ev.timing + " arrivals, " + "Delta chi^2 = " + short_text(ev.delta_chi2) + ")" +
                           (model ? "; emission " + model_file.file + " (" + model_file.format + ", conversion " + model_file.conversion + ")" : ""));
    return 0;
  }
};

struct time_spread_command {
  nusi_tool::propagation_flags physics;
  nusi_tool::mass_flags mass{.log10_mass_MeV = -6, .from = -7, .to = -1.5, .step = 0.5, .max_masses = 10000};
  nusi_tool::window_flags mc{time_spread_primaries};
  long threads = 0;
  bool quiet = false;

  void declare(nusi_tool::command& c) {
    c.details("Time-spread bound: excluded where F_window = N(E > threshold, delay < window)/N(emitted) <= level,\n"
              "the unscattered part exact and the scattered arrivals from the Monte Carlo (common random numbers);\n"
              "log10_g_error is the Monte Carlo standard error of the bound.");
    mass.declare(c);
    physics.declare(c, nusi_tool::propagation_flags::level);
    mc.declare(c, true);
    c.threads_setting(threads, "threads over the masses, 0 = all cores (the results do not depend on it)");
    c.quiet_setting(quiet);
    c.output_formats("print {log10_mass_MeV, log10_g_bound, log10_g_error, ...} per mass", "print a CSV table with the same columns");
  }

  int run(const nusi_tool::command& c) const {
    const auto masses = mass.masses(c);
    (void)c.format();
    nusi::time_spread_bound_options<double> o;
    o.window = mc.options();
    const auto setup = physics.setup();
    const auto emission = physics.emission();
    const auto curve = nusi_tool::parallel_map("bound time-spread", masses.size(), nusi_tool::thread_count(threads), quiet,
                                               [&](std::size_t k) { return nusi::time_spread_bound(masses[k], setup, emission, o); });
    std::vector<json> rows;
    for (const auto& b : curve)
      rows.push_back({{"log10_mass_MeV", b.log10_mass_MeV},
                      {"log10_g_bound", b.log10_g_bound},
                      {"found", b.found},
                      {"log10_g_error", b.log10_g_error},
                      {"log10_g_unscattered_only", b.log10_g_unscattered_only},
                      {"fraction_within_window", b.at_bound.value},
                      {"unscattered_fraction", b.at_bound.unscattered},
                      {"scattered_within_window", b.at_bound.scattered_within_window},
                      {"fraction_error", b.at_bound.error}});
    c.print_rows(rows, "time-spread bound: excluded where N(E > " + number_text(setup.threshold_MeV) + " MeV, delay < " +
                           number_text(o.window.window_s) + " s)/N(emitted) <= " + number_text(setup.exclusion_level) + "; " +
                           std::to_string(o.window.primaries) + " primaries, angle model " + mc.angles.model);
    return 0;
  }
};

const nusi_tool::registrar<sn1987a_command> registered_bound_sn1987a("bound sn1987a", "event-level SN 1987A bound from the recorded events");
const nusi_tool::registrar<forecast_command> registered_bound_forecast("bound forecast", "sensitivity of SK, HK, JUNO, DUNE to a Galactic supernova");
const nusi_tool::registrar<time_spread_command> registered_bound_time_spread("bound time-spread",
                                                                             "bound from the arrival-time spread (F_window <= level)");
}  // namespace
