// SPDX-License-Identifier: MIT
// Flags shared by `nusi scan` (threads) and `nusi_mpi_scan` (MPI ranks): the plan, the output file and
// the thread count. Not part of the library.
#pragma once

#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include <nusi/parallel.hpp>
#include <nusi/scan.hpp>

#include "command.hpp"

namespace nusi_tool {

struct scan_flags {
  std::string plan;
  bool default_plan = false;
  bool print_plan = false;
  std::string out = "-";
  long threads = 0;

  explicit scan_flags(long default_threads) : threads(default_threads) {}

  void declare(command& c, const std::string& threads_help) {
    c.text("--plan", plan, "plan file (key = value lines and [supernova NAME] sections; see --print-plan)", "none");
    c.flag("--default-plan", default_plan, "use the built-in plan: 3 supernovae x 5 masses x (bound + 3 couplings)");
    c.setting("--print-plan", print_plan, "print the plan in the plan-file format and exit (a template to edit)");
    c.setting("--out", out, "output CSV file, '-' for standard output");
    c.threads_setting(threads, threads_help);
  }
  /// The plan the flags name; throws usage_error or nusi::invalid_argument.
  nusi::scan_plan<double> load() const {
    if (default_plan == !plan.empty()) throw usage_error("give exactly one of --plan FILE and --default-plan");
    if (threads < 0 || static_cast<unsigned long>(threads) > nusi::max_threads)
      throw usage_error("--threads must be in [0, " + std::to_string(nusi::max_threads) + "], got " + std::to_string(threads));
    return default_plan ? nusi::default_scan_plan<double>() : nusi::read_scan_plan_file<double>(plan);
  }
  /// Writes the table to --out (a file, or standard output for '-').
  void write(const nusi::scan_plan<double>& p, const std::vector<nusi::scan_row<double>>& rows) const {
    if (out == "-") {
      nusi::write_scan_csv(std::cout, p, rows);
      return;
    }
    std::ofstream file(out);
    if (!file) throw usage_error("--out: cannot open '" + out + "' for writing");
    nusi::write_scan_csv(file, p, rows);
    file.close();
    if (!file) throw usage_error("--out: writing '" + out + "' failed");
  }
};

}  // namespace nusi_tool
