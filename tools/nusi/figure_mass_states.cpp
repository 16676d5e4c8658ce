// SPDX-License-Identifier: MIT
// `nusi figures`, beyond the paper: the propagation bound g_prop(M) under the mass-state model (three mass
// states, mixing, relics per state at T_nu0, s/t/u channels, detected anti-nu_e) for both orderings, several
// lightest masses and mediators, beside the paper's preset on the same grid (Fig. 6), and the flat bounds.
#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <span>
#include <string>
#include <vector>

#include <fmt/format.h>

#include <nusi/mass_state_bound.hpp>
#include <nusi/propagation_bound.hpp>

#include "figures.hpp"
#include "output.hpp"
#include "progress.hpp"

namespace nusi_tool {

std::vector<nusi::mass_state_bound_curve_spec<double>> fig6_curve_specs(const std::string& text) {
  std::vector<nusi::mass_state_bound_curve_spec<double>> specs;
  std::size_t start = 0;
  while (true) {
    const std::size_t end = text.find(',', start);
    const std::string item = text.substr(start, end == std::string::npos ? std::string::npos : end - start);
    const std::size_t a = item.find(':'), b = a == std::string::npos ? a : item.find(':', a + 1);
    const auto bad = [&](const std::string& why) {
      return usage_error("--fig6-curves: '" + item + "' " + why + " (each curve ordering:lightest_eV:mediator, e.g. normal:0.05:scalar)");
    };
    if (b == std::string::npos) throw bad("is not ordering:lightest_eV:mediator");
    const std::string ordering = item.substr(0, a), mass = item.substr(a + 1, b - a - 1), kind = item.substr(b + 1);
    if (ordering != "normal" && ordering != "inverted") throw bad("has no ordering normal or inverted");
    if (kind != "scalar" && kind != "vector") throw bad("has no mediator scalar or vector");
    char* stop = nullptr;
    const double m = std::strtod(mass.c_str(), &stop);
    if (mass.empty() || stop != mass.c_str() + mass.size() || !(m >= 0 && m <= 1)) throw bad("has no lightest mass in [0, 1] eV");
    specs.push_back({ordering == "normal" ? nusi::mass_ordering::normal : nusi::mass_ordering::inverted, m,
                     kind == "vector" ? nusi::mediator_kind::vector : nusi::mediator_kind::scalar});
    if (specs.size() > 32) throw bad("is beyond the 32 curves accepted");
    if (end == std::string::npos) break;
    start = end + 1;
  }
  return specs;
}

namespace {
/// A column name of the CSV: normal_0.05eV_scalar.
std::string column_name(const nusi::mass_state_bound_curve_spec<double>& s) {
  return fmt::format("{}_{:g}eV_{}", s.ordering == nusi::mass_ordering::normal ? "normal" : "inverted", s.lightest_mass_eV,
                     s.kind == nusi::mediator_kind::vector ? "vector" : "scalar");
}
}  // namespace

void write_mass_state_figure(figure_context& ctx) {
  const auto& grids = ctx.grids;
  const auto specs = fig6_curve_specs(grids.fig6_curves);
  // The paper's range at the coarse step, and the dip window (the states' lines just above 5 MeV) at the fine one.
  const double from = -7, to = -1.5, dip_from = -3.5, dip_to = -2.8;
  std::vector<double> masses;
  for (long k = 0; from + double(k) * grids.fig6_mass_step_dex <= to + 1e-9; ++k) masses.push_back(from + double(k) * grids.fig6_mass_step_dex);
  for (long k = 0; dip_from + double(k) * grids.fig6_dip_step_dex <= dip_to + 1e-9; ++k)
    masses.push_back(dip_from + double(k) * grids.fig6_dip_step_dex);
  std::sort(masses.begin(), masses.end());
  masses.erase(std::unique(masses.begin(), masses.end(), [](double x, double y) { return std::abs(x - y) < 1e-6; }), masses.end());
  for (double& x : masses) x = std::round(x * 1e6) / 1e6;  // print as 0.05-dex decimals

  const nusi::propagation_setup<double> paper = ctx.propagation.setup();
  nusi::mass_state_setup<double> base;  // NuFIT 5.2, thermal relics, s/t/u, paper convention, universal coupling
  base.interaction.nature = paper.relic.nature;
  base.distance_cm = paper.distance_cm;
  base.threshold_MeV = paper.threshold_MeV;
  base.exclusion_level = paper.exclusion_level;
  const auto spectrum = ctx.propagation.emission();
  const std::vector<nusi::flavour_emission<double, nusi::pinched_spectrum<double>>> burst{{nusi::flavour::e, true, spectrum, 1.0}};
  const std::span<const nusi::flavour_emission<double, nusi::pinched_spectrum<double>>> emission(burst);
  nusi::propagation_bound_options<double> options;
  options.transport = ctx.propagation.options();
  options.transport.energy.bins = static_cast<std::size_t>(grids.fig6_energy_bins);
  auto fine = options;  // the grid doubled: the grid error of the flat bounds
  fine.transport.energy.bins *= 2;
  const auto setup_of = [&](const nusi::mass_state_bound_curve_spec<double>& s) {
    auto m = base;
    m.spectrum.ordering = s.ordering;
    m.spectrum.lightest_mass_eV = s.lightest_mass_eV;
    m.interaction.med.kind = s.kind;
    return m;
  };

  // Jobs: every (curve, mass), the paper preset's curve, and each curve's first mass on the doubled grid.
  const std::size_t n = masses.size(), S = specs.size();
  std::vector<std::vector<nusi::propagation_bound_point<double>>> curves(S, std::vector<nusi::propagation_bound_point<double>>(n));
  std::vector<nusi::propagation_bound_point<double>> paper_curve(n), flat_fine(S + 1);
  {
    progress bar("figures: mass-state bound (Fig. 6)", (S + 1) * n + S + 1, ctx.quiet);
    parallel_for(
        (S + 1) * n + S + 1, ctx.threads,
        [&](std::size_t job) {
          if (job < S * n) {
            curves[job / n][job % n] = nusi::mass_state_propagation_bound(masses[job % n], setup_of(specs[job / n]), emission, options);
          } else if (job < (S + 1) * n) {
            paper_curve[job - S * n] = nusi::propagation_bound(masses[job - S * n], paper, spectrum, options);
          } else if (const std::size_t c = job - (S + 1) * n; c < S) {
            flat_fine[c] = nusi::mass_state_propagation_bound(masses.front(), setup_of(specs[c]), emission, fine);
          } else {
            flat_fine[S] = nusi::propagation_bound(masses.front(), paper, spectrum, fine);
          }
        },
        bar);
  }

  std::ofstream csv(ctx.file("fig6_mass_states.csv"));
  csv << "# propagation bound log10 g_prop(M) under the mass-state model (detected anti-nu_e relative to its no-interaction "
         "number, NuFIT 5.2, thermal relics at T_nu0, s+t+u channels, paper coupling convention, universal coupling, "
      << (paper.relic.nature == nusi::neutrino_nature::dirac ? "Dirac" : "Majorana") << ") beside the paper's preset (column paper, "
      << number_text(paper.relic.target_density_per_cm3()) << " targets/cm^3); " << options.transport.energy.bins
      << " energy nodes; nan: no bound below sqrt(4 pi)\nlog10_mass_MeV,paper";
  for (const auto& s : specs) csv << ',' << column_name(s);
  csv << '\n';
  const auto cell = [](const nusi::propagation_bound_point<double>& p) { return p.found ? number_text(p.log10_g_bound) : std::string("nan"); };
  for (std::size_t k = 0; k < n; ++k) {
    csv << number_text(masses[k]) << ',' << cell(paper_curve[k]);
    for (std::size_t c = 0; c < S; ++c) csv << ',' << cell(curves[c][k]);
    csv << '\n';
  }
  csv.close();
  ctx.plot("fig6.py",
           {(ctx.out_dir / "fig6_mass_states.csv").string(), ctx.file("fig6_mass_states.png").string(), number_text(dip_from),
            number_text(dip_to)},
           "fig6_mass_states.png");

  const auto& paper_flat = paper_curve.front();
  const std::string at = fmt::format("M = 10^{:g} MeV", masses.front());
  const auto grid_note = [&](double value, double doubled) {
    return fmt::format("{} nodes (doubled: {:+.0e} dex)", options.transport.energy.bins, doubled - value);
  };
  ctx.summary.push_back({"Fig. 6: propagation bound log10 g, paper's preset, " + at, fixed_text(paper_flat.log10_g_bound, 2), "flat",
                         grid_note(paper_flat.log10_g_bound, flat_fine[S].log10_g_bound)});
  for (std::size_t c = 0; c < S; ++c) {
    const auto& first = curves[c].front();
    // The tightest point of the dip window and where it is.
    double best = INFINITY, best_at = NAN;
    for (std::size_t k = 0; k < n; ++k)
      if (masses[k] >= dip_from - 1e-9 && masses[k] <= dip_to + 1e-9 && curves[c][k].found && curves[c][k].log10_g_bound < best) {
        best = curves[c][k].log10_g_bound;
        best_at = masses[k];
      }
    ctx.summary.push_back({"Fig. 6: mass-state bound log10 g, " + at + " (" + specs[c].label() + ")",
                           first.found ? fixed_text(first.log10_g_bound, 2) : "none", fixed_text(paper_flat.log10_g_bound, 2),
                           grid_note(first.log10_g_bound, flat_fine[c].log10_g_bound) +
                               fmt::format("; tightest in log10 M = {:g}...{:g} at {:g}: {:.3f}", dip_from, dip_to, best_at, best)});
  }
}

}  // namespace nusi_tool
