// SPDX-License-Identifier: MIT
// `nusi figures`, propagation part: paper Fig. 3 and the propagation bound of Fig. 1 (Sec. IV, Eq. 8)
// under both relic countings, then Fig. 1 itself from every curve written.
#include <cmath>
#include <fstream>
#include <thread>

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

/// Mean arrival angle [rad] of the neutrinos at Earth with energies in [lo, hi] MeV (nodes), of an energy-angle map.
double mean_angle_rad(const energy_angle_result<double>& r, double lo_MeV, double hi_MeV) {
  const std::size_t A = r.angle_rad.size();
  double n = 0, w = 0;
  for (std::size_t j = 0; j < r.energy.energy_MeV.size(); ++j) {
    if (r.energy.energy_MeV[j] < lo_MeV || r.energy.energy_MeV[j] > hi_MeV) continue;
    for (std::size_t a = 0; a < A; ++a) {
      n += r.at_earth[j * A + a];
      w += r.at_earth[j * A + a] * r.angle_rad[a];
    }
  }
  return n > 0 ? w / n : std::nan("");
}

void write_fig3(figure_context& ctx) {
  const propagation_setup<double> setup = ctx.propagation.setup();  // its default mediator: the Fig. 3 point
  const auto emission = ctx.propagation.emission();
  // The burst piles up near 1 keV, where deflections reach ~0.1 rad: this grid reaches 1e-5 MeV.
  transport_options<double> options;
  options.energy = {.min_energy_MeV = 1e-5, .max_energy_MeV = energy_grid_options<double>{}.max_energy_MeV,
                    .bins = static_cast<std::size_t>(ctx.grids.fig3_energy_bins)};
  options.angle = {.min_angle_rad = angle_grid_options<double>{}.min_angle_rad, .max_angle_rad = 1.0,
                   .bins = static_cast<std::size_t>(ctx.grids.fig3_angle_bins)};
  angle_model model = angle_model::three_dimensional;
  for (auto m : {angle_model::three_dimensional, angle_model::planar_random_walk, angle_model::paper_eq8_additive})
    if (ctx.grids.fig3_angle_model == angle_model_name(m)) model = m;
  // The map under its model, beside the one it is compared with (3D against Eq. 8 as written), on two threads;
  // and F with its energy-grid error (energy only, on the propagation grid doubled).
  const angle_model other = model == angle_model::three_dimensional ? angle_model::paper_eq8_additive : angle_model::three_dimensional;
  energy_angle_result<double> r, r_other;
  converged_threshold_fraction<double> converged;
  {
    progress bar("figures: Fig. 3", 3, true);
    parallel_for(3, ctx.threads, [&](std::size_t k) {
      transport_options<double> o = options;
      if (k == 2) {
        converged = fraction_above_threshold_converged(setup, emission, ctx.propagation.options(), 4);
        return;
      }
      o.deflections = k == 0 ? model : other;
      (k == 0 ? r : r_other) = propagate_energy_angle(setup, emission, o);
    }, bar);
  }
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
  right << "# threshold_MeV=" << number_text(setup.threshold_MeV) << " angle_model=" << angle_model_name(model)
        << " energy_nodes=" << e.energy_MeV.size() << " angle_nodes=" << r.angle_rad.size()
        << "\nenergy_MeV,angle_rad,one_minus_cos,percent_of_arrivals\n";
  const std::size_t A = r.angle_rad.size();
  for (std::size_t j = 0; j < e.energy_MeV.size(); ++j)
    for (std::size_t a = 0; a < A; ++a)
      right << number_text(e.energy_MeV[j]) << ',' << number_text(r.angle_rad[a]) << ',' << number_text(r.one_minus_cos[a])
            << ',' << number_text(100 * r.at_earth[j * A + a] / total) << '\n';
  right.close();
  ctx.plot("fig3.py", {(ctx.out_dir / "fig3_spectrum.csv").string(), (ctx.out_dir / "fig3_map.csv").string(), ctx.file("fig3.png").string()},
           "fig3.png");

  const auto& F = e.fraction_above_threshold;
  const std::string on_map = F.is_upper_limit ? "<" + scientific(F.noise_floor) : scientific(F.value);
  if (converged.is_upper_limit) {
    ctx.summary.push_back({"Fig. 3 point (log10 M = -3.5, log10 g = -1.75): F = N(E > 5 MeV)/N", "<" + scientific(converged.on_grid.noise_floor),
                           "<= 0.01", "below the noise floor on some grid; the map's grid: " + on_map});
  } else {
    const auto& grid = ctx.propagation;
    ctx.summary.push_back(
        {"Fig. 3 point (log10 M = -3.5, log10 g = -1.75): F = N(E > 5 MeV)/N, converged",
         fmt::format("{:.4e} +- {:.1e}", converged.value, converged.error), "<= 0.01",
         fmt::format("energy grid {} to {} nodes ({:g}-{:g} MeV), 2nd-order extrapolation; on {} nodes {:.3e} ({:+.1f} %); on the "
                     "map's {} nodes (1e-5-{:g} MeV) {} ({:+.0f} %); paper: excluded; F without interactions {:.4f}",
                     converged.grid_bins, converged.finest_bins, grid.min_energy_MeV, grid.max_energy_MeV, converged.grid_bins,
                     converged.on_grid.value, 100 * converged.grid_error() / converged.value, e.energy_MeV.size(),
                     options.energy.max_energy_MeV, on_map, 100 * (F.value / converged.value - 1), e.emitted_fraction_above_threshold)});
  }
  // How much the angle model matters: mean arrival angle at 1-3 keV, where the map's neutrinos pile up.
  const double mean = mean_angle_rad(r, 1e-3, 3e-3), mean_other = mean_angle_rad(r_other, 1e-3, 3e-3);
  ctx.summary.push_back({"Fig. 3 map: angle model (--fig3-angle-model)", std::string(angle_model_name(model)), "Eq. 8",
                         fmt::format("{} gives {:.2f} times its mean angle at 1-3 keV ({:.3e} against {:.3e} rad; {} x {} nodes); "
                                     "Eq. 8 as written is paper_eq8_additive; F does not depend on the model",
                                     angle_model_name(other), mean_other / mean, mean_other, mean, e.energy_MeV.size(), A)});
}

/// The bound curve over the paper's range at the Fig. 1 step, written to CSV.
std::vector<propagation_bound_point<double>> bound_curve(figure_context& ctx, const propagation_setup<double>& setup,
                                                         const std::string& file, const std::string& what) {
  const auto emission = ctx.propagation.emission();
  propagation_bound_options<double> options;
  options.transport = ctx.propagation.options();
  const double from = -7, to = -1.5, step = ctx.grids.fig1_mass_step_dex;  // the paper's range
  const std::size_t count = static_cast<std::size_t>(std::floor((to - from) / step + 1e-3)) + 1;
  const auto curve = parallel_map(what, count, ctx.threads, ctx.quiet,
                                  [&](std::size_t k) { return propagation_bound(from + double(k) * step, setup, emission, options); });
  std::ofstream out(ctx.file(file));
  out << "# " << what << ": " << number_text(setup.relic.target_density_per_cm3()) << " relic targets per cm^3, "
      << options.transport.energy.bins << " energy nodes\nlog10_mass_MeV,log10_g_bound,found,fraction_at_bound\n";
  for (const auto& p : curve)
    out << fixed(p.log10_mass_MeV, 3) << ',' << (p.found ? number_text(p.log10_g_bound) : "nan") << ',' << (p.found ? 1 : 0) << ','
        << number_text(p.fraction_at_bound) << '\n';
  return curve;
}

void write_propagation_bound(figure_context& ctx) {
  const auto emission = ctx.propagation.emission();
  propagation_setup<double> majorana = ctx.propagation.setup(), dirac = majorana;
  majorana.relic.nature = neutrino_nature::majorana;
  dirac.relic.nature = neutrino_nature::dirac;
  // The derived counting (relic_neutrinos::same_mass_state()): only the supernova neutrino's own mass state.
  auto same_state = [](propagation_setup<double> s) {
    const auto preset = relic_neutrinos<double>::same_mass_state();
    s.relic.counting = preset.counting;
    s.relic.total_density_per_cm3 = preset.total_density_per_cm3;
    return s;
  };
  const auto curve = bound_curve(ctx, majorana, "fig1_propagation_majorana.csv", "propagation bound (Majorana)");
  const auto dirac_curve = bound_curve(ctx, dirac, "fig1_propagation_dirac.csv", "propagation bound (Dirac)");
  const auto same_curve = bound_curve(ctx, same_state(majorana), "fig1_propagation_majorana_same_mass_state.csv",
                                      "propagation bound (Majorana, same mass state)");
  const auto same_dirac = bound_curve(ctx, same_state(dirac), "fig1_propagation_dirac_same_mass_state.csv",
                                      "propagation bound (Dirac, same mass state)");
  ctx.extra_bound_curves.insert(ctx.extra_bound_curves.begin(),
                                {"fig1_propagation_majorana_same_mass_state.csv",
                                 "propagation, same mass state only (Majorana, " + fixed(same_state(majorana).relic.target_density_per_cm3(), 0) +
                                     " cm^-3)"});

  // Headline numbers: the flat part (M far below sqrt(s)) under both countings, its grid error (the grid doubled),
  // the resonance dip, the reach.
  propagation_bound_options<double> fine;
  fine.transport = ctx.propagation.options();
  fine.transport.energy.bins *= 2;
  const auto& flat = curve.front();
  const double flat_fine = propagation_bound(flat.log10_mass_MeV, majorana, emission, fine).log10_g_bound;
  const std::string nodes = std::to_string(ctx.propagation.energy_bins) + " nodes";
  ctx.summary.push_back({"propagation bound log10 g, M << 1 keV (flat part), paper's relics, Majorana (" +
                             fixed(majorana.relic.target_density_per_cm3(), 0) + " cm^-3)",
                         fixed(flat.log10_g_bound, 2), "flat",
                         fmt::format("Dirac ({:.0f} cm^-3): {:.2f}; {}, doubling them moves it by {:.0e} dex; paper's Fig. 1, no number quoted",
                                     dirac.relic.target_density_per_cm3(), dirac_curve.front().log10_g_bound, nodes,
                                     flat_fine - flat.log10_g_bound)});
  ctx.summary.push_back({"propagation bound log10 g, flat part, same mass state only, Majorana (" +
                             fixed(same_state(majorana).relic.target_density_per_cm3(), 0) + " cm^-3)",
                         fixed(same_curve.front().log10_g_bound, 2), "-",
                         fmt::format("Dirac ({:.0f} cm^-3): {:.2f}; {:+.3f} dex from the paper's counting, g ~ n^-1/4; {} (docs/physics.md)",
                                     same_state(dirac).relic.target_density_per_cm3(), same_dirac.front().log10_g_bound,
                                     same_curve.front().log10_g_bound - flat.log10_g_bound, nodes)});
  auto dip = curve.front();
  for (const auto& p : curve)
    if (p.found && p.log10_mass_MeV < -2.5 && p.log10_g_bound < dip.log10_g_bound) dip = p;
  ctx.summary.push_back({"propagation bound: resonance dip at log10(M/MeV)", fixed(dip.log10_mass_MeV, 2), "~ -3",
                         "dip depth " + fixed(flat.log10_g_bound - dip.log10_g_bound, 3) + " dex (paper: shallow); mass step " +
                             number_text(ctx.grids.fig1_mass_step_dex) + " dex"});
  // Where the bound reaches the perturbative limit sqrt(4 pi): bisection in log10 M on "found" (no bound above it).
  propagation_bound_options<double> options;
  options.transport = ctx.propagation.options();
  double lo = curve.back().log10_mass_MeV, hi = 1;  // found at lo (the curve's end); not at hi = 10 MeV?
  const bool bracketed = curve.back().found && !propagation_bound(hi, majorana, emission, options).found;
  while (bracketed && hi - lo > 0.01) {
    const double mid = (lo + hi) / 2;
    (propagation_bound(mid, majorana, emission, options).found ? lo : hi) = mid;
  }
  const std::string reach = bracketed ? fmt::format("near {:.2f} MeV (log10 M = {:.3f} +- {:.3f})", std::pow(10.0, (lo + hi) / 2),
                                                    (lo + hi) / 2, (hi - lo) / 2)
                                      : "outside log10 M = " + number_text(curve.back().log10_mass_MeV) + "...1";
  for (const auto& p : curve)
    if (p.found && std::abs(p.log10_mass_MeV - -1.6) < 1e-6)
      ctx.summary.push_back({"propagation bound log10 g at M = 25 keV", fixed(p.log10_g_bound, 2), "edge",
                             fmt::format("the paper applies its bound only below ~25 keV without saying why; here g = {:.2f} at 25 keV, "
                                         "and sqrt(4 pi) only {}",
                                         std::pow(10.0, p.log10_g_bound), reach)});
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
  const propagation_setup<double> paper = ctx.propagation.setup();
  auto dirac = paper;
  dirac.relic.nature = neutrino_nature::dirac;
  auto majorana = paper;
  majorana.relic.nature = neutrino_nature::majorana;
  add("fig1_core_paper_quoted_default.csv", "SN 1987A core (n_nu = 1e38 cm^-3, paper's case)", "fill");
  add("fig1_core_fermi_dirac_default.csv", "core, thermal n_nu at <E> = 30 MeV", "line");
  add("fig1_propagation_majorana.csv", "SN 1987A propagation (Majorana, " + fixed(majorana.relic.target_density_per_cm3(), 0) + " cm^-3)",
      "fill");
  add("fig1_propagation_dirac.csv", "propagation, Dirac (" + fixed(dirac.relic.target_density_per_cm3(), 0) + " cm^-3)", "line");
  for (const auto& extra : ctx.extra_bound_curves) add(extra.first, extra.second, "line");
  ctx.plot("fig1.py", args, "fig1_bounds.png");
}

}  // namespace nusi_tool
