// SPDX-License-Identifier: MIT
// nusi arrival: arrival times of the supernova neutrinos above threshold behind the light front after
// secret scatterings (Monte Carlo, --angle-model): quantiles, the fraction within a window, histogram; the paper's
// relic or (--relic-model mass-states) the three mass states.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include <nusi/arrival_times.hpp>
#include <nusi/emission/arrivals.hpp>
#include <nusi/mass_states.hpp>
#include <span>

#include "flags.hpp"
#include "output.hpp"

namespace {
using nusi_tool::json;
using nusi_tool::number_text;
using nusi_tool::short_text;

std::vector<double> parse_list(const std::string& flag, const std::string& text) {
  std::vector<double> out;
  std::stringstream ss(text);
  for (std::string item; std::getline(ss, item, ',');) {
    char* end = nullptr;
    const double x = std::strtod(item.c_str(), &end);
    if (item.empty() || end != item.c_str() + item.size() || !std::isfinite(x))
      throw nusi_tool::usage_error(flag + " expects a comma-separated list of numbers, got '" + item + "'");
    out.push_back(x);
  }
  if (out.empty()) throw nusi_tool::usage_error(flag + " expects a comma-separated list of numbers");
  return out;
}

std::string list_text(const std::vector<double>& values) {
  std::string out;
  for (double v : values) out += (out.empty() ? "" : ",") + number_text(v);
  return out;
}

json quantiles_json(const std::vector<nusi::delay_quantile<double>>& qs) {
  json out = json::array();
  for (const auto& q : qs) out.push_back({{"probability", q.probability}, {"delay_s", q.delay_s}, {"error_s", q.error_s}});
  return out;
}

struct arrival_command {
  nusi_tool::mediator_flags mediator{nusi_tool::mediator_flags{}.log10_mass_MeV, -2.2};  // where the delays are seconds
  nusi_tool::propagation_flags physics;
  nusi_tool::window_flags mc{nusi::arrival_time_options<double>{}.primaries};
  std::string quantiles = list_text(nusi::arrival_time_options<double>{}.quantile_probabilities);
  std::string geometry = nusi::arrival_time_options<double>{}.geometry == nusi::monte_carlo_geometry::point_source ? "point_source"
                                                                                                                 : "plane_parallel";
  nusi_tool::emission_flags model_file;
  // The mass-state model behind --relic-model, with the defaults of mass_state_setup (as nusi propagate).
  nusi_tool::mass_state_flags mass_states{nusi::mass_state_setup<double>{}.spectrum, nusi::mass_state_setup<double>{}.interaction,
                                          nusi_tool::mass_state_flags::model_choice | nusi_tool::mass_state_flags::mediator_choice |
                                              nusi_tool::mass_state_flags::relic_kinematics | nusi_tool::mass_state_flags::detected_flavour};

  void declare(nusi_tool::command& c) {
    c.details("Arrival times of the neutrinos above threshold behind the light front (Monte Carlo of the\n"
              "propagation, paper Sec. IV, deflections composed by --angle-model): delay quantiles, the fraction within the window\n"
              "F_window = N(E > threshold, delay < window)/N(emitted), and the delay histogram of scattered arrivals.");
    mediator.declare(c);
    physics.declare(c, nusi_tool::propagation_flags::physics);
    mc.declare(c, true);
    c.text("--quantiles", quantiles, "delay quantiles to report, comma-separated probabilities in (0, 1)");
    c.choice("--geometry", geometry,
             "geometry of the three_dimensional model: point_source (a point detector: the sphere r = D) or plane_parallel "
             "(the plane z = D, the grid's); the planar models are plane-parallel",
             {"point_source", "plane_parallel"});
    model_file.declare(c);
    mass_states.declare(c);
    c.output_formats("print one JSON object",
                     "print the delay histogram as CSV: scattered arrivals above threshold per emitted neutrino in\n"
                     "bins of delay behind light, error = sqrt(count)/N");
  }

  /// The keys naming the run, first in both --json objects, followed by `rest`'s.
  nusi_tool::json run_json(double threshold_MeV, std::uint64_t primaries, std::uint64_t seed, double window_s,
                           const nusi_tool::json& rest) const {
    nusi_tool::json o{{"log10_mass_MeV", mediator.log10_mass_MeV},
                      {"log10_g", mediator.log10_g},
                      {"primaries", primaries},
                      {"seed", seed},
                      {"angle_model", mc.angles.model},
                      {"threshold_MeV", threshold_MeV},
                      {"window_s", window_s}};
    for (const auto& [key, value] : rest.items()) o[key] = value;
    return o;
  }

  /// With a model: each primary's emission time (the anti-nu_e leaving the star, its time profile)
  /// plus its delay; times after the unscattered front of the first emission.
  int run_model(const nusi_tool::command& c, const nusi::propagation_setup<double>& setup, const nusi::arrival_time_options<double>& a,
                const nusi_tool::emission_flags::model& model) const {
    nusi::emission_arrival_options<double> o;
    o.primaries = a.primaries;
    o.seed = a.seed;
    o.window_s = a.window_s;
    o.angles = a.angles;
    o.quantile_probabilities = a.quantile_probabilities;
    o.batches = std::min<std::size_t>(o.batches, o.primaries);
    const auto flux = model.emission.flux(nusi::supernova_flavor::nu_e_bar, model.conversion);
    const auto r = nusi::arrival_times_with_emission(setup, flux, o);
    const bool excluded = r.fraction_within_window <= setup.exclusion_level;
    switch (c.format()) {
      case nusi_tool::output_format::csv:
        std::cout << "probability,arrival_s,error_s\n";
        for (const auto& q : r.arrival_quantiles)
          std::cout << number_text(q.probability) << ',' << number_text(q.delay_s) << ',' << number_text(q.error_s) << '\n';
        return 0;
      case nusi_tool::output_format::json:
        c.print_json(run_json(setup.threshold_MeV, r.primaries, o.seed, r.window_s, {
                      {"times_after", "the unscattered front of the first emission"},
                      {"first_emission_s", r.start_s},
                      {"fraction_above_threshold", r.fraction_above_threshold},
                      {"fraction_above_threshold_error", r.fraction_above_threshold_error},
                      {"fraction_within_window", r.fraction_within_window},
                      {"fraction_within_window_error", r.fraction_within_window_error},
                      {"unscattered_within_window", r.unscattered_within_window},
                      {"unscattered_within_window_error", r.unscattered_within_window_error},
                      {"emitted_within_window", r.emitted_within_window},
                      {"excluded_by_window", excluded},
                      {"exclusion_level", setup.exclusion_level},
                      {"mean_scatterings_per_primary", r.mean_scatterings_per_primary},
                      {"arrival_quantiles", quantiles_json(r.arrival_quantiles)},
                      {"emission", model.report}}));
        return 0;
      case nusi_tool::output_format::table: break;
    }
    const auto pm = [](double v, double e) { return short_text(v) + " +- " + short_text(e); };
    std::cout << "M = " << short_text(setup.med.mass_MeV) << " MeV, g = " << short_text(setup.med.coupling) << ", " << r.primaries
              << " Monte Carlo primaries, threshold " << short_text(setup.threshold_MeV) << " MeV, angle model " << mc.angles.model << "\n"
              << "emission: " << model_file.file << " (" << model_file.format << ", flavour conversion " << model_file.conversion
              << "), anti-nu_e; times after the unscattered front of the first emission (" << short_text(r.start_s) << " s)\n"
              << "F = N(E > threshold)/N(emitted)              " << pm(r.fraction_above_threshold, r.fraction_above_threshold_error) << "\n"
              << "F_window, arrival < " << short_text(r.window_s) << " s                  "
              << pm(r.fraction_within_window, r.fraction_within_window_error) << "\n"
              << "  unscattered part                           " << pm(r.unscattered_within_window, r.unscattered_within_window_error) << "\n"
              << "  without secret interactions (exact)        " << short_text(r.emitted_within_window) << "\n"
              << (excluded ? "excluded" : "allowed") << " by the time-spread criterion (excluded where F_window <= "
              << short_text(setup.exclusion_level) << ")\n\narrival quantile   time [s]\n";
    for (const auto& q : r.arrival_quantiles) std::cout << "  p = " << short_text(q.probability) << "   " << pm(q.delay_s, q.error_s) << "\n";
    return 0;
  }

  /// The mass-state model (relics at rest or thermal): the detected neutrinos' delays from the mass-state Monte Carlo in the
  /// paper model's geometry (a point detector for three_dimensional, plane-parallel for the planar models), fractions per
  /// the detected flavour's antineutrinos at Earth without interactions.
  int run_mass_states(const nusi_tool::command& c, const nusi::arrival_time_options<double>& a) const {
    const nusi::mass_state_setup<double> setup = mass_states.setup(physics, mediator.mediator());
    const nusi::mass_state_model<double> model(setup);
    const auto emission = mass_states.emission(physics);
    nusi::mass_state_arrival_time_options<double> o;
    o.primaries = a.primaries;
    o.seed = a.seed;
    o.window_s = a.window_s;
    o.angles = a.angles;
    o.geometry = a.geometry;
    o.quantile_probabilities = a.quantile_probabilities;
    o.batches = a.batches;
    const std::string geometry =
        a.angles == nusi::angle_model::three_dimensional && a.geometry == nusi::monte_carlo_geometry::point_source ? "point_source"
                                                                                                                 : "plane_parallel";
    const auto r = nusi::mass_state_arrival_time_distribution(
        model, std::span<const nusi::flavour_emission<double, nusi::pinched_spectrum<double>>>(emission), o);
    const std::string detected = setup.detection == nusi::detected_neutrinos::all
                                     ? "all neutrinos"
                                     : "anti-nu_" + mass_states.detected_flavor;
    return report(c, r, setup.interaction.med, setup.threshold_MeV, setup.exclusion_level,
                  {{"relic_model", "mass-states"}, {"geometry", geometry}, {"detected", detected}},
                  "F = N(E > threshold)/N(no interactions)", "detected: " + detected + " (fractions per their number at Earth without "
                  "interactions), " + (geometry == "point_source" ? std::string("point detector") : std::string("plane-parallel geometry")) + "\n");
  }

  int run(const nusi_tool::command& c) {
    (void)c.format();  // --json with --csv: an error before any work
    mass_states.resolve(c);
    nusi::propagation_setup<double> setup = physics.setup();
    setup.med = mediator.mediator();
    const auto window = mc.options();
    nusi::arrival_time_options<double> o;
    o.primaries = window.primaries;
    o.seed = window.seed;
    o.window_s = window.window_s;
    o.angles = window.angles;
    o.quantile_probabilities = parse_list("--quantiles", quantiles);
    o.batches = std::min<std::size_t>(o.batches, o.primaries);
    o.geometry = geometry == "plane_parallel" ? nusi::monte_carlo_geometry::plane_parallel : nusi::monte_carlo_geometry::point_source;
    const auto model = model_file.load(c);
    if (model && mass_states.active())
      throw nusi_tool::usage_error("--emission applies to the paper's relic model (not --relic-model mass-states)");
    if (model && o.geometry != nusi::monte_carlo_geometry::point_source && o.angles == nusi::angle_model::three_dimensional)
      throw nusi_tool::usage_error("--geometry plane_parallel applies without --emission (a model's arrivals take the point detector)");
    if (mass_states.active()) return run_mass_states(c, o);
    if (model) return run_model(c, setup, o, *model);
    const auto r = nusi::arrival_time_distribution(setup, physics.emission(), o);
    const std::string used = o.angles == nusi::angle_model::three_dimensional ? geometry : "plane_parallel";
    return report(c, r, setup.med, setup.threshold_MeV, setup.exclusion_level, {{"geometry", used}}, "F = N(E > threshold)/N(emitted)",
                  used == "point_source" ? "" : "plane-parallel geometry\n");
  }

  /// Prints r in the chosen format; `extra`: keys added to the JSON object, `F_label` and `note` for the table.
  int report(const nusi_tool::command& c, const nusi::arrival_time_result<double>& r, const nusi::mediator<double>& med,
             double threshold_MeV, double exclusion_level, const json& extra, std::string F_label, const std::string& note) const {
    const auto output = c.format();
    const auto& h = r.delay_histogram;
    const double N = double(r.primaries);
    if (output == nusi_tool::output_format::csv) {
      std::cout << "delay_low_s,delay_high_s,per_emitted,error\n";
      const auto line = [&](const std::string& low, const std::string& high, double count) {
        std::cout << low << ',' << high << ',' << number_text(count / N) << ',' << number_text(std::sqrt(count) / N) << '\n';
      };
      line("0", number_text(h.edges.front()), double(h.underflow));
      for (std::size_t i = 0; i < h.counts.size(); ++i) line(number_text(h.edges[i]), number_text(h.edges[i + 1]), double(h.counts[i]));
      line(number_text(h.edges.back()), "inf", double(h.overflow));
      return 0;
    }
    if (output == nusi_tool::output_format::json) {
      std::vector<double> per(h.counts.size());
      for (std::size_t i = 0; i < per.size(); ++i) per[i] = double(h.counts[i]) / N;
      json rest{{"fraction_above_threshold", r.fraction_above_threshold},
                    {"fraction_above_threshold_error", r.fraction_above_threshold_error},
                    {"unscattered_fraction", r.unscattered_fraction},
                    {"unscattered_fraction_error", r.unscattered_fraction_error},
                    {"fraction_within_window", r.fraction_within_window},
                    {"fraction_within_window_error", r.fraction_within_window_error},
                    {"scattered_within_window", r.scattered_within_window},
                    {"scattered_within_window_error", r.scattered_within_window_error},
                    {"excluded_by_window", r.fraction_within_window <= exclusion_level},
                    {"exclusion_level", exclusion_level},
                    {"mean_delay_s", r.mean_delay_s},
                    {"mean_scatterings_per_primary", r.mean_scatterings_per_primary},
                    {"quantiles", quantiles_json(r.quantiles)},
                    {"scattered_quantiles", quantiles_json(r.scattered_quantiles)},
                    {"histogram_edges_s", h.edges},
                    {"histogram_per_emitted", per},
                    {"histogram_below_first_edge_per_emitted", double(h.underflow) / N},
                    {"histogram_above_last_edge_per_emitted", double(h.overflow) / N}};
      for (const auto& [key, value] : extra.items()) rest[key] = value;
      c.print_json(run_json(threshold_MeV, r.primaries, mc.options().seed, r.window_s, rest));
      return 0;
    }
    const auto pm = [](double v, double e) { return short_text(v) + " +- " + short_text(e); };
    std::string window_label = "F_window, delay < " + short_text(r.window_s) + " s";
    window_label.resize(std::max<std::size_t>(window_label.size() + 1, 39), ' ');
    F_label.resize(std::max<std::size_t>(F_label.size() + 1, 39), ' ');
    std::cout << "M = " << short_text(med.mass_MeV) << " MeV, g = " << short_text(med.coupling) << ", "
              << r.primaries << " Monte Carlo primaries, threshold " << short_text(threshold_MeV) << " MeV, angle model "
              << mc.angles.model << "\n" << note
              << F_label << pm(r.fraction_above_threshold, r.fraction_above_threshold_error) << "\n"
              << "F_0, unscattered (delay 0)             " << pm(r.unscattered_fraction, r.unscattered_fraction_error) << "\n"
              << window_label << pm(r.fraction_within_window, r.fraction_within_window_error) << "\n"
              << (r.fraction_within_window <= exclusion_level ? "excluded" : "allowed")
              << " by the time-spread criterion (excluded where F_window <= " << short_text(exclusion_level) << ")\n"
              << "mean delay of the arrivals above threshold: " << short_text(r.mean_delay_s) << " s\n"
              << "\ndelay quantile   all above threshold [s]   scattered only [s]\n";
    for (std::size_t i = 0; i < r.quantiles.size(); ++i) {
      std::string a = pm(r.quantiles[i].delay_s, r.quantiles[i].error_s);
      a.resize(std::max<std::size_t>(a.size(), 26), ' ');
      std::cout << "  p = " << short_text(r.quantiles[i].probability) << (r.quantiles[i].probability < 0.095 ? "   " : "    ") << a
                << pm(r.scattered_quantiles[i].delay_s, r.scattered_quantiles[i].error_s) << "\n";
    }
    std::cout << "\nscattered arrivals above threshold per emitted neutrino, by delay:\n";
    for (std::size_t i = 0; i < h.counts.size(); ++i)
      if (h.counts[i] > 0)
        std::cout << "  " << short_text(h.edges[i]) << " - " << short_text(h.edges[i + 1]) << " s: " << short_text(double(h.counts[i]) / N)
                  << "\n";
    return 0;
  }
};
const nusi_tool::registrar<arrival_command> registered_arrival("arrival",
                                                               "arrival-time quantiles, window fraction and delay histogram (Monte Carlo)");
}  // namespace
