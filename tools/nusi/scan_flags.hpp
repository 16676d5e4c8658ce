// SPDX-License-Identifier: MIT
// Flags shared by `nusi scan` (threads) and `nusi_mpi_scan` (MPI ranks): the plan, the output file and
// the thread count. Not part of the library API.
#pragma once

#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include <nusi/scan.hpp>

#include "cli.hpp"

namespace nusi::cli {

struct scan_flags {
  std::string plan;
  bool default_plan = false;
  bool print_plan = false;
  std::string out = "-";
  long threads = 0;

  explicit scan_flags(long default_threads) : threads(default_threads) {}

  void declare(parser& p, const std::string& threads_help) {
    p.option("--plan", plan, "plan file (key = value lines and [supernova NAME] sections; see --print-plan)");
    p.flag("--default-plan", default_plan, "use the built-in plan: 3 supernovae x 5 masses x (bound + 3 couplings)");
    p.flag("--print-plan", print_plan, "print the plan in the plan-file format and exit (a template to edit)");
    p.option("--out", out, "output CSV file, '-' for standard output");
    p.option("--threads", threads, threads_help);
  }
  /// The plan the flags name; throws usage_error or nusi::invalid_argument.
  scan_plan<double> load() const {
    if (default_plan == !plan.empty())
      throw usage_error("give exactly one of --plan FILE and --default-plan");
    if (threads < 0 || threads > 4096) throw usage_error("--threads must be in [0, 4096], got " + std::to_string(threads));
    return default_plan ? default_scan_plan<double>() : read_scan_plan_file<double>(plan);
  }
  /// Writes the table to --out (a file, or standard output for '-').
  void write(const scan_plan<double>& p, const std::vector<scan_row<double>>& rows) const {
    if (out == "-") {
      write_scan_csv(std::cout, p, rows);
      return;
    }
    std::ofstream file(out);
    if (!file) throw usage_error("--out: cannot open '" + out + "' for writing");
    write_scan_csv(file, p, rows);
    file.close();
    if (!file) throw usage_error("--out: writing '" + out + "' failed");
  }
};

}  // namespace nusi::cli
