// SPDX-License-Identifier: MIT
// nusi scan: both bounds and the (M, g) points of a scan plan for many supernovae, on all cores; one
// CSV table, the same bit for bit for any --threads (and as bin/nusi_mpi_scan over MPI ranks).
#include <chrono>
#include <iomanip>
#include <iostream>
#include <vector>

#include <nusi/parallel.hpp>
#include <nusi/scan.hpp>

#include "scan_flags.hpp"

namespace {
struct scan_command {
  nusi_tool::scan_flags flags{0};

  void declare(nusi_tool::command& c) {
    c.details("For every supernova of a plan (emitted <E>, <E^2>, distance, core) and every mass: g_prop(M)\n"
              "(Sec. IV) and g_core(M) (Sec. III); at every (M, g): F and N_2to4 with their exclusion\n"
              "verdicts. One CSV row per job; the table does not depend on --threads.");
    flags.declare(c, "threads, 0 = all cores");
  }

  int run(const nusi_tool::command&) const {
    const nusi::scan_plan<double> plan = flags.load();
    if (flags.print_plan) {
      nusi::write_scan_plan(std::cout, plan);
      return 0;
    }
    const auto threads = static_cast<std::size_t>(flags.threads);
    const auto start = std::chrono::steady_clock::now();
    const std::vector<nusi::scan_row<double>> rows = nusi::run_scan(plan, threads);
    const std::chrono::duration<double> seconds = std::chrono::steady_clock::now() - start;
    flags.write(plan, rows);
    if (flags.out != "-")
      std::cout << "nusi scan: " << rows.size() << " rows (" << plan.supernovae.size() << " supernovae x "
                << plan.log10_mass_MeV.size() << " masses x " << plan.rows_per_mass() << ") in " << std::setprecision(3)
                << seconds.count() << " s on " << nusi::resolve_threads(threads, rows.size()) << " threads -> " << flags.out << "\n";
    return 0;
  }
};
const nusi_tool::registrar<scan_command> reg("scan", "bounds and (M, g) points for many supernovae, on all cores (CSV)");
}  // namespace
