// SPDX-License-Identifier: MIT
// nusi arrival: arrival times of the supernova neutrinos above threshold behind the light front after
// secret scatterings (Monte Carlo, 3D deflections): quantiles, the fraction within a window, histogram.
#include <cmath>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include <nusi/arrival_times.hpp>

#include "beyond_flags.hpp"
#include "cli.hpp"
#include "output.hpp"

namespace {
std::vector<double> parse_list(const std::string& flag, const std::string& text) {
  std::vector<double> out;
  std::stringstream ss(text);
  std::string item;
  while (std::getline(ss, item, ',')) out.push_back(nusi::cli::parse_number(flag, item));
  if (out.empty()) throw nusi::cli::usage_error(flag + " expects a comma-separated list of numbers");
  return out;
}

std::string quantiles_json(const std::vector<nusi::delay_quantile<double>>& qs) {
  std::string s = "[";
  for (std::size_t i = 0; i < qs.size(); ++i) {
    nusi::cli::json_object o;
    o.add("probability", qs[i].probability).add("delay_s", qs[i].delay_s).add("error_s", qs[i].error_s);
    s += (i ? ", " : "") + o.str();
  }
  return s + "]";
}

int run(const std::vector<std::string>& args) {
  nusi::cli::transport_flags flags;
  nusi::cli::monte_carlo_flags mc(20000);
  double log10_mass = -3.5, log10_g = -2.2;
  std::string quantiles = "0.1,0.5,0.9";
  bool planar = false;
  nusi::cli::format_flags format;
  nusi::cli::parser p("arrival",
                      "Arrival times of the neutrinos above threshold behind the light front (Monte Carlo of the\n"
                      "propagation, paper Sec. IV, 3D deflections): delay quantiles, the fraction within the window\n"
                      "F_window = N(E > threshold, delay < window)/N(emitted), and the delay histogram of scattered arrivals.");
  p.option("--log10-mass-MeV", log10_mass, "log10 of the mediator mass M/MeV");
  p.option("--log10-g", log10_g, "log10 of the coupling g");
  nusi::cli::declare_physics(p, flags, false, false);
  mc.declare(p);
  p.option("--quantiles", quantiles, "delay quantiles to report, comma-separated probabilities in (0, 1)");
  p.flag("--planar", planar, "the paper's planar angle model (Eq. 8 as written) instead of 3D deflections");
  format.declare(p, "print one JSON object",
                 "print the delay histogram as CSV: scattered arrivals above threshold per emitted neutrino in\n"
                 "bins of delay behind light, error = sqrt(count)/N");
  if (!p.parse(args)) return 0;
  const auto output = format.format();
  nusi::cli::require_flag_finite("--log10-mass-MeV", log10_mass, -30, 10);
  nusi::cli::require_flag_finite("--log10-g", log10_g, -30, 2);
  mc.validate();
  nusi::propagation_setup<double> setup = flags.setup();
  setup.med.mass_MeV = std::pow(10.0, log10_mass);
  setup.med.coupling = std::pow(10.0, log10_g);
  nusi::arrival_time_options<double> o;
  o.primaries = static_cast<std::uint64_t>(mc.primaries);
  o.seed = static_cast<std::uint64_t>(mc.seed);
  o.window_s = mc.window_s;
  o.angles = planar ? nusi::angle_model::planar : nusi::angle_model::three_dimensional;
  o.quantile_probabilities = parse_list("--quantiles", quantiles);
  o.batches = std::min<std::size_t>(16, o.primaries);
  const auto r = nusi::arrival_time_distribution(setup, flags.emission(), o);
  const auto& h = r.delay_histogram;
  const double N = double(r.primaries);
  if (output == nusi::cli::output_format::csv) {
    std::cout << "delay_low_s,delay_high_s,per_emitted,error\n";
    std::cout << "0," << nusi::cli::number_text(h.edges.front()) << ',' << nusi::cli::number_text(double(h.underflow) / N) << ','
              << nusi::cli::number_text(std::sqrt(double(h.underflow)) / N) << '\n';
    for (std::size_t i = 0; i < h.counts.size(); ++i)
      std::cout << nusi::cli::number_text(h.edges[i]) << ',' << nusi::cli::number_text(h.edges[i + 1]) << ','
                << nusi::cli::number_text(double(h.counts[i]) / N) << ',' << nusi::cli::number_text(std::sqrt(double(h.counts[i])) / N)
                << '\n';
    std::cout << nusi::cli::number_text(h.edges.back()) << ",inf," << nusi::cli::number_text(double(h.overflow) / N) << ','
              << nusi::cli::number_text(std::sqrt(double(h.overflow)) / N) << '\n';
    return 0;
  }
  if (output == nusi::cli::output_format::json) {
    nusi::cli::json_object j;
    j.add("log10_mass_MeV", log10_mass).add("log10_g", log10_g).add("primaries", N).add("seed", double(mc.seed));
    j.add("angle_model", planar ? "planar" : "three_dimensional").add("threshold_MeV", setup.threshold_MeV);
    j.add("window_s", r.window_s);
    j.add("fraction_above_threshold", r.fraction_above_threshold).add("fraction_above_threshold_error", r.fraction_above_threshold_error);
    j.add("unscattered_fraction", r.unscattered_fraction).add("unscattered_fraction_error", r.unscattered_fraction_error);
    j.add("fraction_within_window", r.fraction_within_window).add("fraction_within_window_error", r.fraction_within_window_error);
    j.add("scattered_within_window", r.scattered_within_window).add("scattered_within_window_error", r.scattered_within_window_error);
    j.add("excluded_by_window", r.fraction_within_window <= setup.exclusion_level).add("exclusion_level", setup.exclusion_level);
    j.add("mean_delay_s", r.mean_delay_s).add("mean_scatterings_per_primary", r.mean_scatterings_per_primary);
    j.raw("quantiles", quantiles_json(r.quantiles)).raw("scattered_quantiles", quantiles_json(r.scattered_quantiles));
    std::vector<double> per(h.counts.size());
    for (std::size_t i = 0; i < per.size(); ++i) per[i] = double(h.counts[i]) / N;
    j.raw("histogram_edges_s", nusi::cli::json_numbers(h.edges)).raw("histogram_per_emitted", nusi::cli::json_numbers(per));
    j.add("histogram_below_first_edge_per_emitted", double(h.underflow) / N);
    j.add("histogram_above_last_edge_per_emitted", double(h.overflow) / N);
    std::cout << j.str() << "\n";
    return 0;
  }
  using nusi::cli::short_text;
  auto pm = [](double v, double e) { return short_text(v) + " +- " + short_text(e); };
  std::cout << "M = " << short_text(setup.med.mass_MeV) << " MeV, g = " << short_text(setup.med.coupling) << ", "
            << r.primaries << " Monte Carlo primaries, threshold " << short_text(setup.threshold_MeV) << " MeV\n"
            << "F = N(E > threshold)/N(emitted)        " << pm(r.fraction_above_threshold, r.fraction_above_threshold_error) << "\n"
            << "F_0, unscattered (delay 0)             " << pm(r.unscattered_fraction, r.unscattered_fraction_error) << "\n"
            << [&] {
                 std::string label = "F_window, delay < " + short_text(r.window_s) + " s";
                 label.resize(std::max<std::size_t>(label.size() + 1, 39), ' ');
                 return label;
               }()
            << pm(r.fraction_within_window, r.fraction_within_window_error) << "\n"
            << (r.fraction_within_window <= setup.exclusion_level ? "excluded" : "allowed")
            << " by the time-spread criterion (excluded where F_window <= " << short_text(setup.exclusion_level) << ")\n"
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
const nusi::cli::registrar reg("arrival", "arrival-time quantiles, window fraction and delay histogram (Monte Carlo)", run);
}  // namespace
