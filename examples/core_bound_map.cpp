// SPDX-License-Identifier: MIT
// Paper Fig. 2: the number N_2to4 of 2nu->4nu scatterings per neutrino in the supernova core over
// (log10 M/MeV, log10 g), for both neutrino-density presets and both cases of paper Sec. III. The bound
// is the N_2to4 = 1 contour: flat below M = E_cm = 2<E>, rising as g ~ M above it (Eqs. 2-3, 7).
// Writes fig2_core_map.csv and fig2_core_bounds.csv (`nusi figures` also draws them: fig2_core_map.png).
#include <cmath>
#include <cstdio>
#include <numbers>
#include <string>
#include <vector>

#include <nusi/core_bound.hpp>

int main() {
  using nusi::core_case;
  using nusi::neutrino_density_preset;
  const core_case cases[] = {core_case::default_case, core_case::conservative};
  const neutrino_density_preset presets[] = {neutrino_density_preset::fermi_dirac, neutrino_density_preset::paper_quoted};
  // The paper's axes: log10(M/MeV) in [-1, 5], log10 g in [-3, 1]; 0.025 dex steps.
  const nusi::core_map_grid<double> grid{.mass_points = 241, .coupling_points = 161};

  std::vector<nusi::core_map_result<double>> maps;
  std::FILE* bounds = std::fopen("fig2_core_bounds.csv", "w");
  if (!bounds) return 1;
  std::fprintf(bounds, "preset,case,R_min_km,mean_energy_MeV,E_cm_MeV,N_nuN,path_length_cm,paper_path_length_cm,"
                       "N_2to4_at_g1,log10_g_bound,paper_log10_g_bound,mass_at_sqrt_4pi_MeV\n");
  std::printf("%-13s %-13s %8s %9s %12s %12s %12s %14s %10s\n", "preset", "case", "R_min/km", "<E>/MeV", "N_nuN", "d/cm",
              "N_2to4(g=1)", "log10 g_core", "paper");
  for (auto preset : presets)
    for (auto c : cases) {
      const auto in = nusi::core_inputs<double>::paper_case(c, preset);
      maps.push_back(nusi::core_map(grid, in));
      // Below the knee (M = 1 MeV) the bound is flat; above it g_core = g_flat M/E_cm, which reaches
      // the perturbative limit sqrt(4 pi) at M = E_cm sqrt(4 pi)/g_flat.
      const auto b = nusi::core_bound(1.0, in);
      const double E_cm = b.E_cm_at_R_min_MeV();
      const double M_top = E_cm * std::sqrt(4 * std::numbers::pi) / b.coupling_bound();
      const std::string p(nusi::preset_name(preset)), k(nusi::case_name(c));
      std::fprintf(bounds, "%s,%s,%g,%g,%g,%.10g,%.10g,%.10g,%.10g,%.6f,%g,%.6g\n", p.c_str(), k.c_str(), in.R_min_cm / 1e5,
                   in.mean_energy_MeV, E_cm, b.walk.scatterings.value, b.walk.path_length_cm.value,
                   b.walk.paper_path_length_cm(), b.N_2to4_at_g1.value, b.log10_coupling_bound,
                   nusi::paper_log10_core_bound<double>, M_top);
      std::printf("%-13s %-13s %8g %9g %12.5g %12.5g %12.5g %14.4f %10g\n", p.c_str(), k.c_str(), in.R_min_cm / 1e5,
                  in.mean_energy_MeV, b.walk.scatterings.value, b.walk.path_length_cm.value, b.N_2to4_at_g1.value,
                  b.log10_coupling_bound, nusi::paper_log10_core_bound<double>);
    }
  std::fclose(bounds);

  // The map: one row per (M, g), log10 N_2to4 for each preset and case (colour scale of Fig. 2).
  std::FILE* map = std::fopen("fig2_core_map.csv", "w");
  if (!map) return 1;
  std::fprintf(map, "log10_mass_MeV,log10_g,log10_N_default_fermi_dirac,log10_N_conservative_fermi_dirac,"
                    "log10_N_default_paper_quoted,log10_N_conservative_paper_quoted\n");
  for (std::size_t i = 0; i < grid.mass_points; ++i)
    for (std::size_t j = 0; j < grid.coupling_points; ++j) {
      std::fprintf(map, "%.4f,%.4f", maps[0].log10_mass_MeV[i], maps[0].log10_coupling[j]);
      for (const auto& m : maps) std::fprintf(map, ",%.5f", std::log10(m.at(i, j)));
      std::fprintf(map, "\n");
    }
  std::fclose(map);
  return 0;
}
