// SPDX-License-Identifier: MIT
// nusi figures: everything the paper shows, with the embedded defaults, as CSV + PNG + a summary
// comparing each headline number with the paper's quoted value, and provenance.json (how it was made).
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>

#include <fmt/format.h>

#include <nusi/detail/atomic_output.hpp>
#include <nusi/two_to_four_diagram.hpp>

#include "data_files.hpp"
#include "figures.hpp"
#include "output.hpp"
#include "progress.hpp"

namespace nusi_tool {
void figure_context::plot(const std::string& script, const std::vector<std::string>& args, const std::string& png) {
  if (!run_plot_script(script, args)) failures.push_back(png);
}
}  // namespace nusi_tool

namespace {
using nusi_tool::usage_error;

std::string summary_table(const std::vector<nusi_tool::summary_row>& rows) {
  std::size_t q = 8, o = 4, p = 5;  // column widths: the longest entry, two spaces apart
  for (const auto& r : rows) {
    q = std::max(q, r.quantity.size());
    o = std::max(o, r.ours.size());
    p = std::max(p, r.paper.size());
  }
  std::string out = fmt::format("{:<{}}  {:<{}}  {:<{}}  note\n", "quantity", q, "nusi", o, "paper", p);
  for (const auto& r : rows) out += fmt::format("{:<{}}  {:<{}}  {:<{}}  {}\n", r.quantity, q, r.ours, o, r.paper, p, r.note);
  return out;
}

void require_points(const char* flag, long value, long lo, long hi) {
  if (value < lo || value > hi)
    throw usage_error(fmt::format("{} must be in [{}, {}], got {}", flag, lo, hi, value));
}

struct figures_command {
  std::string out_dir = "figures";
  bool quiet = false;
  long threads = 0;
  nusi_tool::figure_context ctx;

  void declare(nusi_tool::command& c) {
    c.details("Compute the paper's bounds and Figs. 1-5 with the embedded defaults, and beyond the paper the event-level\n"
              "and time-spread bounds (fig1_beyond) and the bound under the mass-state model (Fig. 6): CSV, PNG, summary.txt\n"
              "(every number with its grid or error, beside the paper's) and provenance.json. Every physics input can be\n"
              "changed; Fig. 1 shows Majorana and Dirac targets and both relic countings (--dirac sets Figs. 3 and 6).");
    c.setting("--out", out_dir, "output folder, replaced as a whole at the end (written beside it first, then renamed into place)");
    c.quiet_setting(quiet);
    ctx.propagation.declare(c, nusi_tool::propagation_flags::level | nusi_tool::propagation_flags::grid);
    ctx.core.declare(c, true);
    auto& grids = ctx.grids;
    c.number("--fig1-mass-step-dex", grids.fig1_mass_step_dex, "Fig. 1: step of the bound curves in log10(M/MeV)");
    c.integer("--fig2-mass-points", grids.fig2_mass_points, "Fig. 2: masses of the core map (log10 M from -1 to 5)");
    c.integer("--fig2-coupling-points", grids.fig2_coupling_points, "Fig. 2: couplings of the core map (log10 g from -3 to 1)");
    c.integer("--fig3-energy-bins", grids.fig3_energy_bins, "Fig. 3: energy bins of the energy-angle transport (1e-5 to 200 MeV)");
    c.integer("--fig3-angle-bins", grids.fig3_angle_bins, "Fig. 3: angle bins (1e-8 to 1 rad)");
    std::vector<std::string> models;
    for (auto m : {nusi::angle_model::three_dimensional, nusi::angle_model::planar_random_walk, nusi::angle_model::paper_eq8_additive})
      models.emplace_back(nusi::angle_model_name(m));
    grids.fig3_angle_model = nusi::angle_model_name(nusi::transport_options<double>{}.deflections);
    c.choice("--fig3-angle-model", grids.fig3_angle_model,
             "Fig. 3 map: how deflections compose (three_dimensional: physical; paper_eq8_additive: Eq. 8 as written, 2.9x wider "
             "at 1 keV; docs/validation.md)",
             models);
    grids.fig5_samples = static_cast<long>(nusi::two_to_four_comparison_options<double>{}.integration.samples);
    c.integer("--fig5-samples", grids.fig5_samples, "Fig. 5: Monte Carlo points per cross section (2 masses x 30 sqrt(s); error ~ 1/sqrt)");
    c.number("--fig6-mass-step-dex", grids.fig6_mass_step_dex, "Fig. 6: step in log10(M/MeV) over -7 ... -1.5");
    c.number("--fig6-dip-step-dex", grids.fig6_dip_step_dex, "Fig. 6: step across the resonance dips, log10(M/MeV) = -3.5 ... -2.8");
    c.integer("--fig6-energy-bins", grids.fig6_energy_bins, "Fig. 6: energy nodes of the mass-state transport (the flat bounds also at twice)");
    c.text("--fig6-curves", grids.fig6_curves,
           "Fig. 6: mass-state curves, comma-separated ordering:lightest_eV:mediator (normal|inverted, eV, scalar|vector); "
           "each takes a few seconds of CPU at the defaults");
    c.threads_setting(threads, "threads for the bound curves, 0 = all cores (the results do not depend on it)");
  }

  int run(const nusi_tool::command& c) {
    const auto& grids = ctx.grids;
    if (!(grids.fig1_mass_step_dex >= 1e-3 && grids.fig1_mass_step_dex <= 1))
      throw usage_error("--fig1-mass-step-dex must be in [0.001, 1], got " + nusi_tool::number_text(grids.fig1_mass_step_dex));
    require_points("--fig2-mass-points", grids.fig2_mass_points, 2, 20000);
    require_points("--fig2-coupling-points", grids.fig2_coupling_points, 2, 20000);
    require_points("--fig3-energy-bins", grids.fig3_energy_bins, 8, 4096);
    require_points("--fig3-angle-bins", grids.fig3_angle_bins, 2, 4096);
    require_points("--fig5-samples", grids.fig5_samples, 1000, 100000000);
    for (const auto& [flag, step] : {std::pair{"--fig6-mass-step-dex", grids.fig6_mass_step_dex}, std::pair{"--fig6-dip-step-dex", grids.fig6_dip_step_dex}})
      if (!(step >= 1e-3 && step <= 5.5)) throw usage_error(std::string(flag) + " must be in [0.001, 5.5], got " + nusi_tool::number_text(step));
    require_points("--fig6-energy-bins", grids.fig6_energy_bins, 16, 20000);
    (void)nusi_tool::fig6_curve_specs(grids.fig6_curves);
    ctx.threads = nusi_tool::thread_count(threads);
    ctx.core.validate_figures();
    (void)ctx.propagation.setup();  // reject bad propagation flags before any work
    (void)ctx.propagation.options();
    for (const char* script : {"fig1.py", "fig2.py", "fig3.py", "fig4.py", "fig5.py", "fig6.py", "beyond.py"})
      (void)nusi_tool::data_file(std::string("plot/") + script);
    // Everything goes to a new folder beside --out, renamed into place at the end (replace_folder):
    // --out is always either the old complete set or the new one, never a mixture or a partial set.
    namespace fs = std::filesystem;
    fs::path target = out_dir;
    while (!target.empty() && !target.has_filename() && target != target.root_path()) target = target.parent_path();  // "figs/" -> "figs"
    if (target.empty() || target == target.root_path() || target.filename() == "." || target.filename() == "..")
      throw usage_error("--out: '" + out_dir + "' names no folder that can be replaced (give a folder name)");
    if (fs::exists(target) && !fs::is_directory(target)) throw usage_error("--out: '" + out_dir + "' exists and is not a folder");
    if (const auto parent = fs::absolute(target).parent_path(); !parent.empty()) fs::create_directories(parent);
    ctx.out_dir = nusi::detail::make_temporary_folder_beside("nusi figures --out", target);
    ctx.quiet = quiet;
    struct remove_unless_renamed {
      fs::path path;
      ~remove_unless_renamed() {
        std::error_code ec;
        if (!path.empty()) fs::remove_all(path, ec);
      }
    } cleanup{ctx.out_dir};

    nusi_tool::write_core_figures(ctx);
    nusi_tool::write_propagation_figures(ctx);
    nusi_tool::write_two_to_four_figures(ctx);
    nusi_tool::write_beyond_figures(ctx);
    nusi_tool::write_mass_state_figure(ctx);
    nusi_tool::write_bounds_figure(ctx);
    nusi_tool::write_diffuse_figures(ctx);

    const std::string table = summary_table(ctx.summary);
    std::ofstream(ctx.file("summary.txt")) << table;
    std::ofstream(ctx.file("provenance.json")) << nusi_tool::json_text(c.provenance(), 2) << "\n";
    nusi::detail::replace_folder(ctx.out_dir, target);
    cleanup.path.clear();
    std::cout << table << "\nwrote to " << target.string() << ":";
    for (const auto& f : ctx.written) std::cout << ' ' << f;
    std::cout << '\n';
    if (!ctx.failures.empty()) {
      std::string missing;
      for (const auto& f : ctx.failures) missing += (missing.empty() ? "" : ", ") + f;
      std::cerr << "nusi figures: could not draw " << missing << " (needs " << nusi_tool::plot_python()
                << " with matplotlib: apt-get install python3-matplotlib)\n";
      return 1;
    }
    return 0;
  }
};
const nusi_tool::registrar<figures_command> registered_figures("figures", "compute the paper's bounds and Figs. 1-5, and Fig. 6 (CSV, PNG, summary)");
}  // namespace
