// SPDX-License-Identifier: MIT
// nusi figures: everything the paper shows, with the embedded defaults, as CSV + PNG + a summary
// comparing each headline number with the paper's quoted value.
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <sstream>

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
  nusi::cli::parser p("figures", "Compute the paper's bounds and Figs. 1-3 with the embedded defaults: CSV, PNG and summary.txt.");
  p.option("--out", out_dir, "output directory");
  p.flag("--quiet", quiet, "no progress on stderr");
  if (!p.parse(args)) return 0;
  nusi::cli::figure_context ctx;
  ctx.out_dir = out_dir;
  ctx.quiet = quiet;
  std::filesystem::create_directories(ctx.out_dir);

  nusi::cli::write_core_figures(ctx);
  nusi::cli::write_propagation_figures(ctx);
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
