// SPDX-License-Identifier: MIT
// nusi bound propagation: the propagation bound g_prop(M) of paper Sec. IV (Fig. 1, "SN 1987A
// propagation"): the coupling where F = N(E > threshold at Earth)/N(emitted) falls to the level.
#include <cmath>
#include <iostream>
#include <string>
#include <vector>

#include <nusi/propagation_bound.hpp>

#include "cli.hpp"
#include "output.hpp"
#include "transport_flags.hpp"

namespace {
int run(const std::vector<std::string>& args) {
  nusi::cli::transport_flags flags;
  double log10_mass = -3.5, from = -7, to = -1.5, step = 0.05;
  long threads = 0;
  bool json = false;
  nusi::cli::parser p("bound propagation",
                      "The propagation bound g_prop(M) (paper Sec. IV, Fig. 1): F(M, g) = level solved in log10 g on\n"
                      "the falling branch of F, at one mass or over [--from, --to] (the paper's range).");
  p.option("--log10-mass-MeV", log10_mass, "one mass: log10(M/MeV) (instead of --from/--to/--step)");
  p.option("--from", from, "first log10(M/MeV) of a scan");
  p.option("--to", to, "last log10(M/MeV) of a scan");
  p.option("--step", step, "scan step in log10(M/MeV)");
  flags.declare(p);
  p.option("--threads", threads, "threads for a scan, 0 = all cores (the curve does not depend on it)");
  p.flag("--json", json, "print a JSON array of {log10_mass_MeV, log10_g_bound, ...}");
  if (!p.parse(args)) return 0;
  const bool single = p.was_set("--log10-mass-MeV");
  if (single && (p.was_set("--from") || p.was_set("--to") || p.was_set("--step")))
    throw nusi::cli::usage_error("give either --log10-mass-MeV or --from/--to/--step, not both");
  nusi::cli::require_flag_finite("--log10-mass-MeV", log10_mass, -30, 10);
  nusi::cli::require_flag_finite("--from", from, -30, 10);
  nusi::cli::require_flag_finite("--to", to, -30, 10);
  if (!single) {
    if (!(step > 0)) throw nusi::cli::usage_error("--step must be > 0, got " + nusi::cli::number_text(step));
    if (from > to) throw nusi::cli::usage_error("--from must be <= --to, got " + nusi::cli::number_text(from));
    if ((to - from) / step > 100000) throw nusi::cli::usage_error("--step gives more than 100000 masses");
  }
  const nusi::propagation_setup<double> setup = flags.setup();
  if (threads < 0 || threads > 4096)
    throw nusi::cli::usage_error("--threads must be in [0, 4096], got " + std::to_string(threads));
  nusi::propagation_bound_options<double> options;
  options.transport = flags.options();
  options.threads = static_cast<std::size_t>(threads);
  const auto emission = flags.emission();
  const std::vector<nusi::propagation_bound_point<double>> curve =
      single ? std::vector{nusi::propagation_bound(log10_mass, setup, emission, options)}
             : nusi::propagation_bound_curve(from, to, step, setup, emission, options);
  if (json) {
    std::vector<nusi::cli::json_object> items;
    for (const auto& b : curve) {
      nusi::cli::json_object o;
      o.add("log10_mass_MeV", b.log10_mass_MeV).add("log10_g_bound", b.log10_g_bound).add("found", b.found);
      o.add("fraction_at_bound", b.fraction_at_bound);
      items.push_back(o);
    }
    std::cout << nusi::cli::json_array(items) << "\n";
    return 0;
  }
  std::cout << "# propagation bound: excluded where F(E > " << nusi::cli::number_text(setup.threshold_MeV)
            << " MeV) <= " << nusi::cli::number_text(setup.exclusion_level) << "; g above log10_g_bound\n"
            << "log10_mass_MeV,log10_g_bound,found,fraction_at_bound\n";
  for (const auto& b : curve)
    std::cout << nusi::cli::number_text(b.log10_mass_MeV) << ',' << nusi::cli::number_text(b.log10_g_bound) << ','
              << (b.found ? "true" : "false") << ',' << nusi::cli::number_text(b.fraction_at_bound) << '\n';
  return 0;
}
const nusi::cli::registrar reg("bound propagation", "the propagation bound g_prop(M) (Sec. IV, Fig. 1)", run);
}  // namespace
