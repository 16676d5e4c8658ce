// SPDX-License-Identifier: MIT
// nusi figures: everything the paper shows, with the embedded defaults, as CSV + PNG + a summary
// comparing each headline number with the paper's quoted value.
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <sstream>
#include <string>

#include "cli.hpp"
#include "figures.hpp"
#include "plot.hpp"

namespace {
std::string summary_table(const std::vector<nusi::cli::summary_row>& rows) {
  std::ostringstream os;
  os << std::left << std::setw(72) << "quantity" << std::setw(10) << "nusi" << std::setw(10) << "paper" << "note\n";
  for (const auto& r : rows)
    os << std::left << std::setw(72) << r.quantity << std::setw(10) << r.ours << std::setw(10) << r.paper << r.note << '\n';
  return os.str();
}

int run(const std::vector<std::string>& args) {
  std::string out_dir = "figures";
  bool quiet = false;
  nusi::cli::figure_context ctx;
  auto& core = ctx.core;
  nusi::cli::parser p("figures",
                      "Compute the paper's bounds and Figs. 1-3 with the embedded defaults: CSV, PNG and summary.txt.\n"
                      "Every physics input can be changed; Fig. 1 shows both Majorana and Dirac targets (--dirac sets Fig. 3).");
  p.option("--out", out_dir, "output directory");
  p.flag("--quiet", quiet, "no progress on stderr (also quiet when stderr is not a terminal)");
  ctx.propagation.declare(p);
  p.option("--core-R-min-km", core.R_min_km, "core, default case: inner radius of the decoupling region", "km");
  p.option("--core-R-max-km", core.R_max_km, "core, both cases: outer radius", "km");
  p.option("--core-mean-energy-MeV", core.mean_energy_MeV, "core, default case: <E>, E_cm = 2<E>", "MeV");
  p.option("--kappa", core.kappa, "phase-space factor per final-state particle in Eqs. (2)-(3)");
  p.option("--core-paper-density-cm3", core.paper_density_per_cm3, "n_nu of the paper_quoted preset", "cm^-3");
  p.option("--profile", core.profile, "core: tabulated profile CSV (radius_km, density_g_per_cm3, temperature_MeV; see nusi core --help) instead of the power law");
  auto& grids = ctx.grids;
  long threads = 0;
  p.option("--fig1-mass-step-dex", grids.fig1_mass_step_dex, "Fig. 1: step of the bound curves in log10(M/MeV)");
  p.option("--fig2-mass-points", grids.fig2_mass_points, "Fig. 2: masses of the core map (log10 M from -1 to 5)");
  p.option("--fig2-coupling-points", grids.fig2_coupling_points, "Fig. 2: couplings of the core map (log10 g from -3 to 1)");
  p.option("--fig3-energy-bins", grids.fig3_energy_bins, "Fig. 3: energy bins of the energy-angle transport (1e-5 to 200 MeV)");
  p.option("--fig3-angle-bins", grids.fig3_angle_bins, "Fig. 3: angle bins (1e-8 to 1 rad)");
  p.option("--threads", threads, "threads for the bound curves, 0 = all cores (the results do not depend on it)");
  if (!p.parse(args)) return 0;
  if (!(grids.fig1_mass_step_dex >= 1e-3 && grids.fig1_mass_step_dex <= 1))
    throw nusi::cli::usage_error("--fig1-mass-step-dex must be in [0.001, 1], got " + nusi::cli::number_text(grids.fig1_mass_step_dex));
  const auto require_points = [](const char* flag, long value, long lo, long hi) {
    if (value < lo || value > hi) {
      std::string what = flag;
      what += " must be in [" + std::to_string(lo) + ", " + std::to_string(hi) + "], got " + std::to_string(value);
      throw nusi::cli::usage_error(what);
    }
  };
  require_points("--fig2-mass-points", grids.fig2_mass_points, 2, 20000);
  require_points("--fig2-coupling-points", grids.fig2_coupling_points, 2, 20000);
  require_points("--fig3-energy-bins", grids.fig3_energy_bins, 8, 4096);
  require_points("--fig3-angle-bins", grids.fig3_angle_bins, 2, 4096);
  ctx.threads = nusi::cli::thread_count(threads);
  for (double v : {core.R_min_km, core.R_max_km, core.mean_energy_MeV, core.kappa, core.paper_density_per_cm3})
    if (!(v > 0)) throw nusi::cli::usage_error("core inputs must be > 0, got " + nusi::cli::number_text(v));
  if (!(core.R_min_km < core.R_max_km) || !(30 < core.R_max_km))
    throw nusi::cli::usage_error("--core-R-min-km must be < --core-R-max-km, and --core-R-max-km > 30 (the conservative R_min)");
  (void)ctx.propagation.setup();  // reject bad propagation flags before any work
  (void)ctx.propagation.options();
  ctx.out_dir = out_dir;
  ctx.quiet = quiet;
  std::filesystem::create_directories(ctx.out_dir);

  nusi::cli::write_core_figures(ctx);
  nusi::cli::write_propagation_figures(ctx);
  nusi::cli::write_beyond_figures(ctx);
  nusi::cli::write_bounds_figure(ctx);

  const std::string table = summary_table(ctx.summary);
  std::ofstream(ctx.file("summary.txt")) << table;
  std::cout << table << "\nwrote to " << ctx.out_dir.string() << ":";
  for (const auto& f : ctx.written) std::cout << ' ' << f;
  std::cout << '\n';
  if (!ctx.failures.empty()) {
    std::string missing;
    for (const auto& f : ctx.failures) missing += (missing.empty() ? "" : ", ") + f;
    std::cerr << "nusi figures: could not draw " << missing << " (needs " << nusi::cli::plot_python()
              << " with matplotlib: apt-get install python3-matplotlib)\n";
    return 1;
  }
  return 0;
}
const nusi::cli::registrar reg("figures", "compute the paper's bounds and Figs. 1-3 (CSV, PNG, summary)", run);
}  // namespace
