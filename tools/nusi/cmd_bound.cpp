// SPDX-License-Identifier: MIT
// nusi bound propagation: the propagation bound g_prop(M) of paper Sec. IV (Fig. 1, "SN 1987A
// propagation"): the coupling where F = N(E > threshold at Earth)/N(emitted) falls to the level.
#include <iostream>
#include <string>
#include <vector>

#include <nusi/propagation_bound.hpp>

#include "beyond_flags.hpp"
#include "cli.hpp"
#include "output.hpp"
#include "progress.hpp"
#include "transport_flags.hpp"

namespace {
int run(const std::vector<std::string>& args) {
  nusi::cli::transport_flags flags;
  nusi::cli::mass_flags mass{.log10_mass = -3.5, .from = -7, .to = -1.5, .step = 0.05, .max_masses = 100000};
  long threads = 0;
  bool quiet = false;
  nusi::cli::format_flags format;
  nusi::cli::parser p("bound propagation",
                      "The propagation bound g_prop(M) (paper Sec. IV, Fig. 1): F(M, g) = level solved in log10 g on\n"
                      "the falling branch of F, at one mass or over [--from, --to] (the paper's range).");
  mass.declare(p);
  flags.declare(p);
  p.option("--threads", threads, "threads for a scan, 0 = all cores (the curve does not depend on it)");
  p.flag("--quiet", quiet, "no progress on stderr (also quiet when stderr is not a terminal)");
  format.declare(p, "print a JSON array of {log10_mass_MeV, log10_g_bound, found, fraction_at_bound}",
                 "print a CSV table with the same columns");
  if (!p.parse(args)) return 0;
  const std::vector<double> masses = mass.masses(p);  // as propagation_bound_curve: from + k step
  const auto output = format.format();
  const nusi::propagation_setup<double> setup = flags.setup();
  const unsigned thread_count = nusi::cli::thread_count(threads);
  nusi::propagation_bound_options<double> options;
  options.transport = flags.options();
  const auto emission = flags.emission();
  const auto curve = nusi::cli::parallel_map("bound propagation", masses.size(), thread_count, quiet, [&](std::size_t k) {
    return nusi::propagation_bound(masses[k], setup, emission, options);
  });
  std::vector<nusi::cli::json_object> rows;
  for (const auto& b : curve) {
    nusi::cli::json_object o;
    o.add("log10_mass_MeV", b.log10_mass_MeV).add("log10_g_bound", b.log10_g_bound).add("found", b.found);
    o.add("fraction_at_bound", b.fraction_at_bound);
    rows.push_back(o);
  }
  std::string title = "propagation bound: excluded where F(E > ";
  title += nusi::cli::short_text(setup.threshold_MeV) + " MeV) <= " + nusi::cli::short_text(setup.exclusion_level);
  title += "; g above log10_g_bound";
  nusi::cli::print_rows(std::cout, rows, output, title);
  return 0;
}
const nusi::cli::registrar reg("bound propagation", "the propagation bound g_prop(M) (Sec. IV, Fig. 1)", run);
}  // namespace
