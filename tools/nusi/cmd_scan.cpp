// SPDX-License-Identifier: MIT
// nusi scan: both bounds and the (M, g) points of a scan plan for many supernovae, on all cores; one
// CSV table, the same bit for bit for any --threads (and as bin/nusi_mpi_scan over MPI ranks). With
// --out FILE the rows go to a journal as they complete, so an interrupted run resumes (--resume).
#include <algorithm>
#include <chrono>
#include <iomanip>
#include <iostream>
#include <vector>

#include <nusi/parallel.hpp>
#include <nusi/scan.hpp>
#include <nusi/scan_journal.hpp>

#include "progress.hpp"
#include "scan_flags.hpp"

namespace {
struct scan_command {
  nusi_tool::scan_flags flags{0};

  void declare(nusi_tool::command& c) {
    c.details("For every supernova of a plan (emitted <E>, <E^2>, distance, core) and every mass: g_prop(M)\n"
              "(Sec. IV) and g_core(M) (Sec. III); at every (M, g): F and N_2to4 with their exclusion\n"
              "verdicts. One CSV row per job; the table does not depend on --threads.\n"
              "With --out FILE each row is recorded in FILE.journal as it completes and FILE is written at the\n"
              "end (renamed into place, never partial). SIGINT or SIGTERM stops cleanly (exit 130 or 143, with\n"
              "the command that resumes); after any interruption, even kill -9, --resume continues without\n"
              "recomputing a finished row, and the table is byte for byte an uninterrupted run's.");
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
    if (flags.out == "-") {  // no file, no journal: the table is printed at the end
      const std::vector<nusi::scan_row<double>> rows = nusi::run_scan(plan, threads);
      flags.write(plan, rows);
      return 0;
    }
    const nusi::scan_runner<double> runner(plan);  // a bad plan fails before a journal exists
    const nusi::scan_journal_mode mode = flags.journal_mode();
    nusi::scan_journal journal(flags.journal_path(), nusi::scan_journal_identity_for(plan, std::string(nusi_tool::version())), mode);
    std::cout << flags.resume_note("nusi scan", journal, mode) << std::flush;

    const nusi_tool::stop_signals signals;
    nusi_tool::progress bar("nusi scan", journal.jobs(), flags.quiet, journal.completed());
    const nusi::journaled_scan_result result = nusi::run_scan_journaled(
        runner, journal, {.threads = threads, .stop = signals.requested(), .progress = [&](std::size_t done, std::size_t) { bar.update(done); }});
    bar.finish();
    if (!result.complete) {
      const int signal = nusi_tool::stop_signals::signal();
      std::cerr << "nusi scan: stopped by " << nusi_tool::stop_signals::name(signal) << " after " << journal.completed() << " of "
                << journal.jobs() << " rows (journal " << flags.journal_path() << "); resume with: "
                << flags.resume_command("nusi scan", flags.threads != 0) << "\n";
      return signal != 0 ? 128 + signal : 1;
    }
    journal.commit(flags.out, nusi::scan_csv_header);
    const std::chrono::duration<double> seconds = std::chrono::steady_clock::now() - start;
    std::cout << "nusi scan: " << journal.jobs() << " rows (" << plan.supernovae.size() << " supernovae x " << plan.log10_mass_MeV.size()
              << " masses x " << plan.rows_per_mass() << ") in " << std::setprecision(3) << seconds.count() << " s on "
              << nusi::resolve_threads(threads, std::max<std::size_t>(1, result.computed)) << " threads -> " << flags.out;
    if (flags.resume) std::cout << " (" << result.resumed << " rows from the journal, " << result.computed << " computed now)";
    std::cout << "\n";
    return 0;
  }
};
const nusi_tool::registrar<scan_command> registered_scan("scan", "bounds and (M, g) points for many supernovae, on all cores (CSV)");
}  // namespace
