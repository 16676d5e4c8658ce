// SPDX-License-Identifier: MIT
// `nusi figures`, paper appendix: Fig. 4 (a drawing of the one 2nu->4nu diagram computed) and Fig. 5 (its
// cross section by Monte Carlo and exactly, beside Eqs. 2-3, in arbitrary units), with what they say about
// kappa, the slopes and the core bound in the summary.
#include <cmath>
#include <fstream>
#include <string>

#include <fmt/format.h>

#include <nusi/core_bound.hpp>
#include <nusi/two_to_four_diagram.hpp>

#include "figures.hpp"
#include "output.hpp"

namespace nusi_tool {

void write_two_to_four_figures(figure_context& ctx) {
  ctx.plot("fig4.py", {ctx.file("fig4_diagram.png").string()}, "fig4_diagram.png");

  // The library's comparison (M = 1 and 100 MeV at g = 10^-1.8, sqrt(s)/M = 1e-2 ... 1e3), normalised at M/100.
  nusi::two_to_four_comparison_options<double> options;
  options.integration.samples = static_cast<std::uint64_t>(ctx.grids.fig5_samples);
  options.integration.threads = ctx.threads;
  const auto curves = nusi::compare_two_to_four(options);
  std::ofstream csv(ctx.file("fig5_two_to_four.csv"));
  csv << "# one 2nu->4nu diagram (Monte Carlo, " << options.integration.samples << " points per cross section, seed "
      << options.integration.seed << "; exact massless quadrature) beside Eqs. (2)-(3) with kappa = " << number_text(options.kappa)
      << "; g = " << number_text(options.coupling) << "; _au columns: divided by the value at the first point (sqrt(s) = M/100)\n"
      << "mass_MeV,sqrt_s_MeV,sqrt_s_over_M,sigma_diagram_cm2,error_cm2,sigma_massless_cm2,sigma_eqs23_cm2,diagram_au,error_au,"
         "massless_au,eqs23_au\n";
  for (const auto& c : curves)
    for (const auto& r : c.rows)
      csv << number_text(r.mass_MeV) << ',' << number_text(r.sqrt_s_MeV) << ',' << number_text(r.sqrt_s_over_M) << ','
          << number_text(r.sigma_diagram_cm2) << ',' << number_text(r.error_cm2) << ',' << number_text(r.sigma_massless_cm2) << ','
          << number_text(r.sigma_eqs23_cm2) << ',' << number_text(r.diagram_au) << ',' << number_text(r.error_au) << ','
          << number_text(r.massless_au) << ',' << number_text(r.eqs23_au) << '\n';
  csv.close();
  ctx.plot("fig5.py", {(ctx.out_dir / "fig5_two_to_four.csv").string(), ctx.file("fig5_two_to_four.png").string()}, "fig5_two_to_four.png");

  const auto& c = curves.front();  // the curves coincide in sqrt(s)/M (sigma depends on sqrt(s)/M and g alone)
  const std::string where = fmt::format("M = {:g} MeV, g = 10^{:.1f}, {} points", c.med.mass_MeV, std::log10(options.coupling),
                                        options.integration.samples);
  ctx.summary.push_back({"Fig. 5: kappa of one diagram (Monte Carlo at sqrt(s) = M/100)",
                         fmt::format("{:.3e} +- {:.1e}", c.kappa_effective, c.kappa_effective_error), number_text(options.kappa),
                         fmt::format("closed form {:.4e}; one diagram is {:.2f} of Eq. (2) in sigma; {}",
                                     nusi::two_to_four_diagram_kappa<double>(), std::pow(c.kappa_effective / options.kappa, 4), where)});
  ctx.summary.push_back({"Fig. 5: slope d ln sigma/d ln sqrt(s) below M (sqrt(s)/M <= 0.1)",
                         fmt::format("{:.4f} +- {:.4f}", c.low_energy_slope, c.low_energy_slope_error), "6", "Eq. (2): E_cm^6; " + where});
  ctx.summary.push_back({"Fig. 5: slope in the top decade (sqrt(s)/M = 100-1000)",
                         fmt::format("{:.4f} +- {:.4f}", c.high_energy_slope, c.high_energy_slope_error), "-2",
                         fmt::format("exact massless {:.4f}: -2 + 2/(ln(s/M^2) - 3), -2 only asymptotically; sigma ~ g^6 above M "
                                     "(on-shell mediator)",
                                     c.high_energy_slope_massless)});

  // What the core bound would become if sigma_2to4 had the diagram's shape (normalised to Eq. 2 at M/100), at
  // masses below the knee, at the bound of the paper's quoted density (default case).
  const auto in = ctx.core.figure_inputs(nusi::core_case::default_case, nusi::neutrino_density_preset::paper_quoted);
  const auto walk = nusi::make_core_walk(in, ctx.core.profile);
  std::string range;
  nusi::two_to_four_bound_shift<double> at_1MeV{};
  for (double M : {0.1, 1.0, 10.0, 30.0}) {
    const auto b = nusi::core_bound(walk, M, in);
    const auto shift = nusi::core_bound_shift_from_diagram(b.E_cm_at_R_min_MeV(), nusi::mediator<double>{.mass_MeV = M, .coupling = b.coupling_bound()},
                                                           0.01, in.kappa);
    if (M == 1.0) at_1MeV = shift;
    range += fmt::format("{}{:g} MeV: {:.2f}", range.empty() ? "" : ", ", M, shift.log10_shift);
  }
  ctx.summary.push_back({"core bound shift if sigma followed the diagram, M = 1 MeV (dex)", fixed_text(at_1MeV.log10_shift, 2), "-",
                         fmt::format("-log10(R)/n at E_cm = {:g} MeV, R = {:.2e}, n = {:.2f} (d ln sigma/d ln g); {:.2f} at fixed g^8; "
                                     "{} (paper_quoted, default case; exact massless diagram)",
                                     at_1MeV.E_cm_MeV, at_1MeV.shape_ratio, at_1MeV.coupling_exponent, at_1MeV.log10_shift_fixed_exponent,
                                     range)});
}

}  // namespace nusi_tool
