// SPDX-License-Identifier: MIT
// nusi cross-section 2to4-diagram: sigma(nu nubar -> nu nubar nu nubar) of one tree-level diagram (paper
// appendix, Figs. 4-5) by Monte Carlo over four-body phase space with its standard error, beside its exact
// massless value, its closed-form limits and the estimate of Eqs. (2)-(3), at one or several sqrt(s).
#include <cmath>
#include <cstdlib>
#include <iostream>
#include <string>
#include <vector>

#include <nusi/core_bound.hpp>
#include <nusi/two_to_four_diagram.hpp>

#include "flags.hpp"
#include "output.hpp"
#include "progress.hpp"

namespace {
using nusi_tool::json;
using nusi_tool::number_text;

double exp10(double x) { return std::pow(10.0, x); }
double eV_to_MeV(double x) { return nusi::eV(x); }

/// The numbers of a comma-separated list, each finite and > 0; throws usage_error naming flag and item.
std::vector<double> positive_list(const std::string& flag, const std::string& text) {
  std::vector<double> out;
  std::size_t start = 0;
  while (true) {
    const std::size_t end = text.find(',', start);
    const std::string item = text.substr(start, end == std::string::npos ? std::string::npos : end - start);
    char* stop = nullptr;
    const double x = std::strtod(item.c_str(), &stop);
    if (item.empty() || stop != item.c_str() + item.size() || !std::isfinite(x) || !(x > 0))
      throw nusi_tool::usage_error(flag + " expects finite numbers > 0 (comma-separated), got '" + item + "'");
    out.push_back(x);
    if (end == std::string::npos) break;
    start = end + 1;
  }
  if (out.size() > 10000) throw nusi_tool::usage_error(flag + " takes at most 10000 values, got " + std::to_string(out.size()));
  return out;
}

struct diagram_command {
  // The first mediator of the Fig. 5 comparison (M = 1 MeV) at its coupling, the paper's core bound g = 10^-1.8.
  nusi::two_to_four_comparison_options<double> comparison{};
  nusi::two_to_four_diagram_options<double> defaults{};
  nusi_tool::mediator_flags mediator{
      nusi_tool::flag_value(comparison.masses_MeV.front(), exp10, std::log10(comparison.masses_MeV.front())),
      nusi_tool::flag_value(comparison.coupling, exp10, std::log10(comparison.coupling))};
  // sqrt(s) = E_cm of the core bound, 2<E> = 60 MeV (paper, below Eq. 7).
  std::string sqrt_s = number_text(nusi::centre_of_mass_energy_MeV(nusi::core_inputs<double>{}.mean_energy_MeV,
                                                                   nusi::core_inputs<double>{}.E_cm_convention));
  long samples = static_cast<long>(defaults.samples), seed = static_cast<long>(defaults.seed), threads = 0;
  double neutrino_mass_eV = nusi_tool::flag_value(defaults.neutrino_mass_MeV, eV_to_MeV, defaults.neutrino_mass_MeV * 1e6);
  std::string flavours = defaults.flavours == nusi::final_state_flavours::distinct ? "distinct" : "same";
  std::string method = defaults.method == nusi::phase_space_method::rambo ? "rambo" : "cascade";
  double kappa = comparison.kappa;

  void declare(nusi_tool::command& c) {
    c.details("sigma(nu nubar -> nu nubar nu nubar) of the one diagram nu nubar -> phi* -> nubar nu*, nu* -> nu phi*,\n"
              "phi* -> nu nubar (paper appendix, Figs. 4-5; docs/physics.md): Monte Carlo over four-body phase space\n"
              "with its standard error, beside the exact massless value (one-dimensional quadrature), the closed-form\n"
              "low-energy (sqrt(s) < M) and narrow-width (sqrt(s) > M) limits and Eqs. (2)-(3). Scalar mediator.");
    mediator.declare(c);
    c.text("--sqrt-s-MeV", sqrt_s, "centre-of-mass energy sqrt(s) [MeV]; a comma-separated list gives a table (e.g. 0.01,0.1,1,10)");
    c.integer("--samples", samples, "Monte Carlo phase-space points per sqrt(s), in [2, 1e10] (relative error ~ 1/sqrt(samples))");
    c.integer("--seed", seed, "Monte Carlo seed (the result is a function of samples and seed alone)");
    c.number("--neutrino-mass-eV", neutrino_mass_eV, "neutrino mass m, >= 0 and < sqrt(s)/4 (0: the massless limit, finite)", "eV");
    c.choice("--flavours", flavours, "final-state flavours: same (symmetry factor 1/4) or distinct (1)", {"same", "distinct"});
    c.choice("--method", method,
             "phase-space generator: cascade (mediator Breit-Wigner importance-sampled) or rambo (flat: an independent "
             "check, slow above M)",
             {"cascade", "rambo"});
    c.number("--kappa", kappa, "phase-space factor per final-state particle of Eqs. (2)-(3), for sigma_eqs23_cm2 (the paper's 1e-2)");
    c.threads_setting(threads, "threads of the Monte Carlo, 0 = all cores (the result does not depend on them)");
    c.output_formats("print one JSON object (a list of sqrt(s): its \"rows\")",
                     "print a CSV table: sqrt_s_MeV,sigma_cm2,error_cm2,sigma_massless_cm2,sigma_eqs23_cm2");
  }

  int run(const nusi_tool::command& c) const {
    const auto format = c.format();
    const std::vector<double> energies = positive_list("--sqrt-s-MeV", sqrt_s);
    const auto most = nusi::max_phase_space_samples;
    if (samples < 2 || static_cast<unsigned long long>(samples) > most)
      throw nusi_tool::usage_error("--samples must be in [2, " + nusi_tool::short_text(double(most)) + "], got " + std::to_string(samples));
    if (seed < 0) throw nusi_tool::usage_error("--seed must be >= 0, got " + std::to_string(seed));
    if (!(neutrino_mass_eV >= 0)) throw nusi_tool::usage_error("--neutrino-mass-eV must be >= 0, got " + number_text(neutrino_mass_eV));
    nusi_tool::require_positive("--kappa", kappa);
    const nusi::mediator<double> med = mediator.mediator();
    nusi::two_to_four_diagram_options<double> o;
    o.neutrino_mass_MeV = nusi::eV(neutrino_mass_eV);
    o.samples = static_cast<std::uint64_t>(samples);
    o.seed = static_cast<std::uint64_t>(seed);
    o.threads = nusi_tool::thread_count(threads);
    o.flavours = flavours == "distinct" ? nusi::final_state_flavours::distinct : nusi::final_state_flavours::same;
    o.method = method == "rambo" ? nusi::phase_space_method::rambo : nusi::phase_space_method::cascade;

    std::vector<json> rows, csv_rows;
    for (double E : energies) {
      const auto d = nusi::sigma_2to4_diagram_cm2(E, med, o);
      const double massless = nusi::sigma_2to4_diagram_massless_cm2(E, med, o.flavours);
      const double eqs23 = nusi::sigma_2to4_cm2(E, med, kappa);
      // The closed-form limits where they hold: low energy below M, narrow width (on-shell mediator) above.
      const json low = E < med.mass_MeV ? json(nusi::sigma_2to4_diagram_low_energy_cm2(E, med, o.flavours)) : json(nullptr);
      const json narrow = E > med.mass_MeV ? json(nusi::sigma_2to4_diagram_narrow_width_cm2(E, med, o.flavours)) : json(nullptr);
      rows.push_back({{"sqrt_s_MeV", E},
                      {"sqrt_s_over_M", E / med.mass_MeV},
                      {"sigma_cm2", d.sigma_cm2},
                      {"error_cm2", d.error_cm2},
                      {"relative_error", d.relative_error()},
                      {"samples", d.samples},
                      {"sigma_massless_cm2", massless},
                      {"sigma_eqs23_cm2", eqs23},
                      {"sigma_low_energy_cm2", low},
                      {"sigma_narrow_width_cm2", narrow}});
      csv_rows.push_back({{"sqrt_s_MeV", E},
                          {"sigma_cm2", d.sigma_cm2},
                          {"error_cm2", d.error_cm2},
                          {"sigma_massless_cm2", massless},
                          {"sigma_eqs23_cm2", eqs23}});
    }
    if (format == nusi_tool::output_format::csv) {
      std::cout << nusi_tool::csv_table(csv_rows);
      return 0;
    }
    json head{{"log10_mass_MeV", mediator.log10_mass_MeV},
              {"log10_g", mediator.log10_g},
              {"mass_MeV", med.mass_MeV},
              {"coupling", med.coupling},
              {"width_MeV", med.width_MeV()},
              {"neutrino_mass_eV", neutrino_mass_eV},
              {"flavours", flavours},
              {"method", method},
              {"kappa", kappa},
              {"kappa_of_the_diagram", nusi::two_to_four_diagram_kappa<double>(o.flavours)}};
    if (format == nusi_tool::output_format::json) {
      if (rows.size() == 1)
        head.update(rows.front());
      else
        head["rows"] = rows;
      c.print_json(head);
      return 0;
    }
    std::cout << "# one 2nu->4nu diagram: M = " << nusi_tool::short_text(med.mass_MeV) << " MeV, g = " << nusi_tool::short_text(med.coupling)
              << ", m_nu = " << nusi_tool::short_text(neutrino_mass_eV) << " eV, " << flavours << " flavours, " << method << ", "
              << samples << " samples, seed " << seed << "; Eqs. (2)-(3) with kappa = " << nusi_tool::short_text(kappa)
              << " (the diagram's low-energy limit is Eq. 2 with kappa = " << nusi_tool::short_text(head["kappa_of_the_diagram"].get<double>())
              << "); cross sections in cm^2, '-' where a limit does not hold\n"
              << nusi_tool::aligned_table(rows);
    return 0;
  }
};
const nusi_tool::registrar<diagram_command> registered_cross_section_diagram("cross-section 2to4-diagram",
                                                                             "sigma(2nu->4nu) of one diagram by Monte Carlo (appendix, Fig. 5)");
}  // namespace
