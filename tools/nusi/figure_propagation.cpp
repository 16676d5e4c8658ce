// SPDX-License-Identifier: MIT
// `nusi figures`, propagation part: paper Fig. 3 and the propagation bound of Fig. 1 (Sec. IV, Eq. 8),
// then Fig. 1 itself from every curve written.
#include <cmath>
#include <fstream>

#include <nusi/propagation_bound.hpp>
#include <nusi/spectra.hpp>
#include <nusi/transport.hpp>

#include <fmt/format.h>

#include "figures.hpp"
#include "output.hpp"
#include "progress.hpp"

namespace nusi_tool {

namespace {
using namespace nusi;

std::string fixed(double x, int digits) { return fixed_text(x, digits); }
std::string scientific(double x) { return fmt::format("{:.2e}", x); }

void write_fig3(figure_context& ctx) {
  const propagation_setup<double> setup = ctx.propagation.setup();  // its default mediator: the Fig. 3 point
  const auto emission = ctx.propagation.emission();
  // The burst piles up near 1 keV, where deflections reach ~0.1 rad: this grid reaches 1e-5 MeV.
  transport_options<double> options;
  options.energy = {.min_energy_MeV = 1e-5, .max_energy_MeV = energy_grid_options<double>{}.max_energy_MeV,
                    .bins = static_cast<std::size_t>(ctx.grids.fig3_energy_bins)};
  options.angle = {.min_angle_rad = angle_grid_options<double>{}.min_angle_rad, .max_angle_rad = 1.0,
                   .bins = static_cast<std::size_t>(ctx.grids.fig3_angle_bins)};
  const auto r = propagate_energy_angle(setup, emission, options);
  const auto& e = r.energy;

  std::ofstream left(ctx.file("fig3_spectrum.csv"));
  const mediator_flags point;
  left << "# threshold_MeV=" << number_text(setup.threshold_MeV) << " log10_mass_MeV=" << number_text(point.log10_mass_MeV)
       << " log10_g=" << number_text(point.log10_g) << " distance_kpc=" << number_text(ctx.propagation.distance_kpc) << "\n"
       << "energy_MeV,emitted_per_MeV,at_earth_per_MeV\n";
  const auto before = e.emitted_spectrum_per_MeV(), after = e.spectrum_at_earth_per_MeV();
  for (std::size_t j = 0; j < e.energy_MeV.size(); ++j)
    left << number_text(e.energy_MeV[j]) << ',' << number_text(before[j]) << ',' << number_text(after[j]) << '\n';
  left.close();

  double total = 0;
  for (double n : r.at_earth) total += n;
  std::ofstream right(ctx.file("fig3_map.csv"));
  right << "# threshold_MeV=" << number_text(setup.threshold_MeV) << "\nenergy_MeV,angle_rad,one_minus_cos,percent_of_arrivals\n";
  const std::size_t A = r.angle_rad.size();
  for (std::size_t j = 0; j < e.energy_MeV.size(); ++j)
    for (std::size_t a = 0; a < A; ++a)
      right << number_text(e.energy_MeV[j]) << ',' << number_text(r.angle_rad[a]) << ',' << number_text(r.one_minus_cos[a])
            << ',' << number_text(100 * r.at_earth[j * A + a] / total) << '\n';
  right.close();
  ctx.plot("fig3.py", {(ctx.out_dir / "fig3_spectrum.csv").string(), (ctx.out_dir / "fig3_map.csv").string(), ctx.file("fig3.png").string()},
           "fig3.png");

  const auto& F = e.fraction_above_threshold;
  ctx.summary.push_back({"Fig. 3 point (log10 M = -3.5, log10 g = -1.75): F = N(E > 5 MeV)/N",
                         F.is_upper_limit ? "<" + scientific(F.noise_floor) : scientific(F.value), "<= 0.01",
                         "paper: excluded; F without interactions = " + fixed(e.emitted_fraction_above_threshold, 4)});
}

void write_propagation_bound(figure_context& ctx) {
  const auto emission = ctx.propagation.emission();
  propagation_bound_options<double> options;
  options.transport = ctx.propagation.options();
  for (const bool dirac : {false, true}) {
    propagation_setup<double> setup = ctx.propagation.setup();
    setup.relic.nature = dirac ? neutrino_nature::dirac : neutrino_nature::majorana;
    const double from = -7, to = -1.5, step = ctx.grids.fig1_mass_step_dex;  // the paper's range
    const std::size_t count = static_cast<std::size_t>(std::floor((to - from) / step + 1e-3)) + 1;
    const auto curve = parallel_map(dirac ? "propagation bound (Dirac)" : "propagation bound (Majorana)", count, ctx.threads,
                                    ctx.quiet, [&](std::size_t k) { return propagation_bound(from + double(k) * step, setup, emission, options); });
    std::ofstream out(ctx.file(dirac ? "fig1_propagation_dirac.csv" : "fig1_propagation_majorana.csv"));
    out << "log10_mass_MeV,log10_g_bound,found,fraction_at_bound\n";
    for (const auto& p : curve)
      out << fixed(p.log10_mass_MeV, 3) << ',' << (p.found ? number_text(p.log10_g_bound) : "nan") << ','
          << (p.found ? 1 : 0) << ',' << number_text(p.fraction_at_bound) << '\n';
    if (dirac) continue;
    // Headline numbers: the flat part (M far below sqrt(s)), the resonance dip, the reach.
    const auto& flat = curve.front();
    auto dip = curve.front();
    for (const auto& p : curve)
      if (p.found && p.log10_mass_MeV < -2.5 && p.log10_g_bound < dip.log10_g_bound) dip = p;
    ctx.summary.push_back({"propagation bound log10 g, M << 1 keV (flat part, Majorana)", fixed(flat.log10_g_bound, 2),
                           "flat", "paper's Fig. 1; no number quoted"});
    ctx.summary.push_back({"propagation bound: resonance dip at log10(M/MeV)", fixed(dip.log10_mass_MeV, 2), "~ -3",
                           "dip depth " + fixed(flat.log10_g_bound - dip.log10_g_bound, 3) + " dex (paper: shallow)"});
    for (const auto& p : curve)
      if (p.found && std::abs(p.log10_mass_MeV - -1.6) < 1e-6)
        ctx.summary.push_back({"propagation bound log10 g at M = 25 keV", fixed(p.log10_g_bound, 2), "edge",
                               "paper: applies only below ~25 keV (its scan ends there; ours goes on rising)"});
  }
}
}  // namespace

void write_propagation_figures(figure_context& ctx) {
  write_fig3(ctx);
  write_propagation_bound(ctx);
}

void write_bounds_figure(figure_context& ctx) {
  std::vector<std::string> args{ctx.file("fig1_bounds.png").string()};
  const auto add = [&](const std::string& csv, const std::string& label, const std::string& style) {
    if (std::filesystem::exists(ctx.out_dir / csv)) args.push_back((ctx.out_dir / csv).string() + ":" + label + ":" + style);
  };
  add("fig1_core_paper_quoted_default.csv", "SN 1987A core (n_nu = 1e38 cm^-3, paper's case)", "fill");
  add("fig1_core_fermi_dirac_default.csv", "core, thermal n_nu at <E> = 30 MeV", "line");
  add("fig1_propagation_majorana.csv", "SN 1987A propagation (Majorana, 330 cm^-3)", "fill");
  add("fig1_propagation_dirac.csv", "propagation, Dirac (165 cm^-3)", "line");
  for (const auto& extra : ctx.extra_bound_curves) add(extra.first, extra.second, "line");
  ctx.plot("fig1.py", args, "fig1_bounds.png");
}

}  // namespace nusi_tool
