// SPDX-License-Identifier: MIT
// The pieces of `nusi figures`: each writes one figure's CSV and PNG and adds its headline numbers to
// the summary (ours beside the paper's). Not part of the library.
#pragma once

#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include <nusi/mass_state_bound.hpp>

#include "flags.hpp"

namespace nusi_tool {

/// One headline number of the summary: what, our value, the paper's, and why they differ.
struct summary_row {
  std::string quantity;
  std::string ours;
  std::string paper;
  std::string note;
};

/// The grids of the figures (the propagation transport grid is in propagation_flags).
struct figure_grids {
  double fig1_mass_step_dex = 0.05;  // Fig. 1 curves: the paper's range, the ~1 keV dip resolved
  long fig2_mass_points = 241, fig2_coupling_points = 161;  // Fig. 2: the paper's axes, 0.025 dex
  long fig3_energy_bins = 256, fig3_angle_bins = 128;  // Fig. 3 energy-angle transport
  std::string fig3_angle_model;  // Fig. 3 map: how deflections compose (set from the library's default)
  long fig5_samples = 0;  // Fig. 5: Monte Carlo points per cross section (set from the library's default)
  // Fig. 6, the mass-state bound: a coarse step over the paper's range and a fine one across the resonance
  // dips (log10 M = -3.5 ... -2.8), on fig6_energy_bins nodes; curves "ordering:lightest_eV:mediator".
  double fig6_mass_step_dex = 0.5, fig6_dip_step_dex = 0.05;
  long fig6_energy_bins = 100;  // the flat bounds move by <= 5e-3 dex at 200 (the summary prints the doubled grid's shift)
  // Both orderings, two lightest masses, both mediators: ~2.6 s of CPU each (inverted at 0.05 eV is within 0.02 dex of
  // normal at 0.05 eV, docs/validation.md; add it with --fig6-curves).
  std::string fig6_curves = "normal:0:scalar,normal:0.05:scalar,inverted:0:scalar,normal:0:vector";
};

/// Shared settings of the figure writers.
struct figure_context {
  propagation_flags propagation;  // physics and grid of the propagation figures
  core_flags core;
  figure_grids grids;
  std::filesystem::path out_dir;
  bool quiet = false;
  unsigned threads = 0;  // 0: all cores
  std::vector<std::string> written;  // files written, for the final listing
  std::vector<std::string> failures;  // plots that could not be drawn
  std::vector<summary_row> summary;
  /// Further bound curves for Fig. 1: (CSV file name in out_dir, legend label), drawn as lines.
  std::vector<std::pair<std::string, std::string>> extra_bound_curves;
  std::filesystem::path file(const std::string& name) {
    written.push_back(name);
    return out_dir / name;
  }
  /// Runs a plot script on the CSV files; a failure is recorded under png.
  void plot(const std::string& script, const std::vector<std::string>& args, const std::string& png);
};

/// Fig. 2 (core map, both presets and cases) and the core bound curves for Fig. 1.
void write_core_figures(figure_context& ctx);
/// Fig. 3 (spectrum before and after, arrival-direction map) and the propagation bound of Fig. 1.
void write_propagation_figures(figure_context& ctx);
/// Beyond the paper: time-spread, SN 1987A event-level and forecast bounds on the Fig. 1 axes.
void write_beyond_figures(figure_context& ctx);
/// Fig. 1 from the curves written before it (core and propagation, and any extra criteria).
void write_bounds_figure(figure_context& ctx);
/// Fig. 4 (the diagram computed) and Fig. 5 (its cross section beside Eqs. 2-3), paper appendix.
void write_two_to_four_figures(figure_context& ctx);
/// Beyond the paper: the propagation bound under the mass-state model (Fig. 6) beside the paper's.
void write_mass_state_figure(figure_context& ctx);
/// The curves of --fig6-curves; throws usage_error naming a bad item.
std::vector<nusi::mass_state_bound_curve_spec<double>> fig6_curve_specs(const std::string& text);

}  // namespace nusi_tool

namespace nusi_tool {
/// Diffuse fluxes: the DSNB attenuation, event spectra and rate-change region; the comparison with nuSIprop.
void write_diffuse_figures(figure_context& ctx);
}  // namespace nusi_tool
