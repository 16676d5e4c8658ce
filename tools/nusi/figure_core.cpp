// SPDX-License-Identifier: MIT
// `nusi figures`, core part: paper Fig. 2 (N_2to4 over M and g) and the core bound curves of Fig. 1.
#include <cmath>
#include <cstdio>
#include <fstream>
#include <numbers>
#include <optional>

#include <nusi/core_bound.hpp>

#include "figures.hpp"
#include "output.hpp"
#include "plot.hpp"

namespace nusi::cli {

namespace {
std::string fixed(double x, int digits = 2) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", digits, x);
  return buf;
}
}  // namespace

/// The core model of one preset: the power law of core_inputs, or the user's tabulated profile.
class core_model {
 public:
  core_model(const figure_context& ctx, neutrino_density_preset preset) : ctx_(ctx) {
    if (!ctx.core.profile.empty())
      table_.emplace(tabulated_profile<double>::from_csv(
          ctx.core.profile, neutrino_density_model<double>{.preset = preset,
                                                           .paper_quoted_density_per_cm3 = ctx.core.paper_density_per_cm3}));
  }
  /// The paper's case c with the user's overrides (R_min and <E> apply to the default case).
  core_inputs<double> inputs(core_case c, neutrino_density_preset preset) const {
    auto in = core_inputs<double>::paper_case(c, preset);
    if (c == core_case::default_case) {
      in.R_min_cm = km(ctx_.core.R_min_km);
      in.mean_energy_MeV = ctx_.core.mean_energy_MeV;
    }
    in.R_max_cm = km(ctx_.core.R_max_km);
    in.kappa = ctx_.core.kappa;
    in.paper_quoted_density_per_cm3 = ctx_.core.paper_density_per_cm3;
    return in;
  }
  core_bound_result<double> bound(double mass_MeV, const core_inputs<double>& in) const {
    if (!table_) return core_bound(mass_MeV, in);
    return core_bound(random_walk(*table_, in.region(), in.sigma_nuN, in.options), mass_MeV, in.kappa);
  }
  core_map_result<double> map(const core_map_grid<double>& grid, const core_inputs<double>& in) const {
    if (!table_) return core_map(grid, in);
    return core_map(random_walk(*table_, in.region(), in.sigma_nuN, in.options), grid, in.kappa);
  }

 private:
  const figure_context& ctx_;
  std::optional<tabulated_profile<double>> table_;
};

void write_core_figures(figure_context& ctx) {
  const core_case cases[] = {core_case::default_case, core_case::conservative};
  const neutrino_density_preset presets[] = {neutrino_density_preset::fermi_dirac, neutrino_density_preset::paper_quoted};
  const core_map_grid<double> grid{.mass_points = static_cast<std::size_t>(ctx.grids.fig2_mass_points),
                                   .coupling_points = static_cast<std::size_t>(ctx.grids.fig2_coupling_points)};
  const core_model models[] = {core_model(ctx, presets[0]), core_model(ctx, presets[1])};
  const auto model = [&](neutrino_density_preset p) -> const core_model& { return models[p == presets[0] ? 0 : 1]; };

  std::vector<core_map_result<double>> maps;
  std::ofstream bounds(ctx.file("fig2_core_bounds.csv"));
  bounds << "preset,case,R_min_km,mean_energy_MeV,N_nuN,path_length_cm,N_2to4_at_g1,log10_g_bound,paper_log10_g_bound\n";
  for (auto preset : presets)
    for (auto c : cases) {
      const auto in = model(preset).inputs(c, preset);
      maps.push_back(model(preset).map(grid, in));
      const auto b = model(preset).bound(1.0, in);  // M = 1 MeV: the flat part of the bound
      const std::string p(preset_name(preset)), k(case_name(c));
      bounds << p << ',' << k << ',' << in.R_min_cm / km_cm<double> << ',' << in.mean_energy_MeV << ','
             << number_text(b.walk.scatterings.value) << ',' << number_text(b.walk.path_length_cm.value) << ','
             << number_text(b.N_2to4_at_g1.value) << ',' << number_text(b.log10_coupling_bound) << ','
             << paper_log10_core_bound<double> << '\n';
      ctx.summary.push_back({"core bound log10 g, M < 2<E> (" + p + ", " + k + ")", fixed(b.log10_coupling_bound),
                             "-1.8", p == "paper_quoted" ? "n_nu = 1e38 cm^-3 as quoted" : "thermal n_nu at <E>"});
      if (preset == neutrino_density_preset::paper_quoted && c == core_case::default_case) {
        // g_core = g_flat M / E_cm above the knee: the perturbative limit sqrt(4 pi) is reached at
        const double M_top = b.E_cm_at_R_min_MeV() * std::sqrt(4 * std::numbers::pi) / b.coupling_bound();
        ctx.summary.push_back({"core bound reaches g = sqrt(4 pi) at M [GeV] (paper_quoted, default)",
                               fixed(M_top / 1e3, 1), "~15", "reading of the paper's 15 GeV"});
      }
    }
  bounds.close();

  std::ofstream map(ctx.file("fig2_core_map.csv"));
  map << "log10_mass_MeV,log10_g,log10_N_default_fermi_dirac,log10_N_conservative_fermi_dirac,"
         "log10_N_default_paper_quoted,log10_N_conservative_paper_quoted\n";
  char line[256];
  for (std::size_t i = 0; i < grid.mass_points; ++i)
    for (std::size_t j = 0; j < grid.coupling_points; ++j) {
      int n = std::snprintf(line, sizeof line, "%.4f,%.4f", maps[0].log10_mass_MeV[i], maps[0].log10_coupling[j]);
      for (const auto& m : maps) n += std::snprintf(line + n, sizeof line - std::size_t(n), ",%.5f", std::log10(m.at(i, j)));
      map << line << '\n';
    }
  map.close();
  if (!run_plot_script("fig2.py", {(ctx.out_dir / "fig2_core_map.csv").string(),
                                   (ctx.out_dir / "fig2_core_bounds.csv").string(),
                                   ctx.file("fig2_core_map.png").string()}))
    ctx.failures.push_back("fig2_core_map.png");

  // Core bound curves for Fig. 1 on its mass axis, until g reaches the perturbative limit.
  for (auto preset : presets)
    for (auto c : cases) {
    const auto in = model(preset).inputs(c, preset);
    std::string name = "fig1_core_";
    name += preset_name(preset);
    name += '_';
    name += case_name(c);
    std::ofstream curve(ctx.file(name + ".csv"));
    curve << "log10_mass_MeV,log10_g_bound\n";
    const double step = ctx.grids.fig1_mass_step_dex;
    for (double x = -7; x <= 5.0 + 1e-9; x += step) {
      const double g = model(preset).bound(std::pow(10.0, x), in).log10_coupling_bound;
      if (g > std::log10(std::sqrt(4 * std::numbers::pi))) break;
      curve << fixed(x, 3) << ',' << number_text(g) << '\n';
    }
    }
}

}  // namespace nusi::cli
