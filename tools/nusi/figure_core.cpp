// SPDX-License-Identifier: MIT
// `nusi figures`, core part: paper Fig. 2 (N_2to4 over M and g) and the core bound curves of Fig. 1.
#include <cmath>
#include <fstream>
#include <string>
#include <vector>

#include <fmt/format.h>

#include <nusi/core_bound.hpp>

#include "figures.hpp"
#include "output.hpp"

namespace nusi_tool {

void write_core_figures(figure_context& ctx) {
  using nusi::core_case;
  using nusi::neutrino_density_preset;
  const core_case cases[] = {core_case::default_case, core_case::conservative};
  const neutrino_density_preset presets[] = {neutrino_density_preset::fermi_dirac, neutrino_density_preset::paper_quoted};
  const nusi::core_map_grid<double> grid{.mass_points = static_cast<std::size_t>(ctx.grids.fig2_mass_points),
                                         .coupling_points = static_cast<std::size_t>(ctx.grids.fig2_coupling_points)};
  // The inputs and the random walk (the power law, or --profile) of each preset and case.
  struct model {
    core_case c;
    nusi::core_inputs<double> in;
    nusi::core_walk<double> walk;
  };
  std::vector<model> models;
  for (auto preset : presets)
    for (auto c : cases) {
      const auto in = ctx.core.figure_inputs(c, preset);
      models.push_back({c, in, nusi::make_core_walk(in, ctx.core.profile)});
    }

  std::vector<nusi::core_map_result<double>> maps;
  std::ofstream bounds(ctx.file("fig2_core_bounds.csv"));
  bounds << "preset,case,R_min_km,mean_energy_MeV,N_nuN,path_length_cm,N_2to4_at_g1,log10_g_bound,paper_log10_g_bound\n";
  for (const auto& [c, in, walk] : models) {
    maps.push_back(nusi::core_map(walk, grid, in));
    const auto b = nusi::core_bound(walk, 1.0, in);  // M = 1 MeV: the flat part of the bound
    const std::string p(nusi::preset_name(in.preset));
    const std::string k(nusi::case_name(c));
    bounds << p << ',' << k << ',' << number_text(in.R_min_cm / nusi::km_cm<double>) << ',' << number_text(in.mean_energy_MeV) << ','
           << number_text(b.walk.scatterings.value) << ',' << number_text(b.walk.path_length_cm.value) << ','
           << number_text(b.N_2to4_at_g1.value) << ',' << number_text(b.log10_coupling_bound) << ','
           << number_text(nusi::paper_log10_core_bound<double>) << '\n';
    ctx.summary.push_back({"core bound log10 g, M < 2<E> (" + p + ", " + k + ")", fixed_text(b.log10_coupling_bound, 2), "-1.8",
                           p == "paper_quoted" ? "n_nu = 1e38 cm^-3 as quoted" : "thermal n_nu at <E>"});
    if (in.preset == neutrino_density_preset::paper_quoted && c == core_case::default_case) {
      // g_core = g_flat M / E_cm above the knee: the perturbative limit sqrt(4 pi) is reached at
      const double M_top = b.E_cm_at_R_min_MeV() * nusi::perturbative_coupling_limit<double> / b.coupling_bound();
      ctx.summary.push_back({"core bound reaches g = sqrt(4 pi) at M [GeV] (paper_quoted, default)", fixed_text(M_top / 1e3, 1),
                             "~15", "reading of the paper's 15 GeV"});
    }
  }
  bounds.close();

  std::ofstream map(ctx.file("fig2_core_map.csv"));
  map << "log10_mass_MeV,log10_g,log10_N_default_fermi_dirac,log10_N_conservative_fermi_dirac,"
         "log10_N_default_paper_quoted,log10_N_conservative_paper_quoted\n";
  for (std::size_t i = 0; i < grid.mass_points; ++i)
    for (std::size_t j = 0; j < grid.coupling_points; ++j) {
      std::string line = fmt::format("{:.4f},{:.4f}", maps[0].log10_mass_MeV[i], maps[0].log10_coupling[j]);
      for (const auto& m : maps) line += fmt::format(",{:.5f}", std::log10(m.at(i, j)));
      map << line << '\n';
    }
  map.close();
  ctx.plot("fig2.py",
           {(ctx.out_dir / "fig2_core_map.csv").string(), (ctx.out_dir / "fig2_core_bounds.csv").string(),
            ctx.file("fig2_core_map.png").string()},
           "fig2_core_map.png");

  // Core bound curves for Fig. 1 on its mass axis, until g reaches the perturbative limit.
  for (const auto& [c, in, walk] : models) {
    const std::string name = fmt::format("fig1_core_{}_{}", nusi::preset_name(in.preset), nusi::case_name(c));
    std::ofstream curve(ctx.file(name + ".csv"));
    curve << "log10_mass_MeV,log10_g_bound\n";
    const double step = ctx.grids.fig1_mass_step_dex;
    for (double x = -7; x <= 5.0 + 1e-9; x += step) {
      const double g = nusi::core_bound(walk, std::pow(10.0, x), in).log10_coupling_bound;
      if (g > nusi::log10_perturbative_coupling_limit<double>) break;
      curve << fixed_text(x, 3) << ',' << number_text(g) << '\n';
    }
  }
}

}  // namespace nusi_tool
