// SPDX-License-Identifier: MIT
// nusi_mpi_scan: `nusi scan` over MPI ranks (run it with mpirun -np N). Every rank reads the plan and
// runs its share of the jobs (scan_mpi.hpp); rank 0 writes the one CSV table, identical to the
// threaded `nusi scan` table. With --out FILE rank 0 records every row in FILE.journal as it arrives,
// so a killed run resumes (--resume) on any number of ranks. Bad input: exit code 2 and one line on
// stderr (from rank 0); stopped by SIGINT/SIGTERM: 130/143 and the command that resumes.
#include <algorithm>
#include <chrono>
#include <exception>
#include <iomanip>
#include <iostream>
#include <optional>
#include <string>

#include <mpi.h>

#include <nusi/errors.hpp>
#include <nusi/scan_journal.hpp>
#include <nusi/scan_mpi.hpp>

#include "command.hpp"
#include "progress.hpp"
#include "scan_flags.hpp"

namespace {
int world_rank = 0;

/// Throws on every rank when `failure` is set on any: its own exception there; on the others one with
/// the same exit code (the highest of the failed ranks'), so that no rank waits for one that gave up
/// and mpirun reports one code. Rank 0 prints the message.
void agree(const std::exception_ptr& failure, const std::string& what) {
  int mine = failure ? nusi_tool::describe_failure(failure).exit_code : 0, worst = 0;
  nusi::detail::mpi_check(MPI_Allreduce(&mine, &worst, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD), "MPI_Allreduce");
  if (worst == 0) return;
  if (failure) std::rethrow_exception(failure);
  if (worst == 2) throw nusi_tool::usage_error("another rank " + what);
  throw nusi::numerical_error("another rank " + what);
}

/// Parses, reads the plan and scans; throws what tool::main turns into exit codes.
int run(int argc, char** argv) {
  CLI::App app("`nusi scan` over MPI ranks: mpirun -np N nusi_mpi_scan --default-plan --out scan.csv.\n"
               "The rows are dealt over the ranks; rank 0 records them in scan.csv.journal as they arrive and\n"
               "writes the table at the end, the same as `nusi scan`'s. SIGINT/SIGTERM stop cleanly (exit 130/143);\n"
               "after any interruption --resume continues, on any number of ranks.",
               "nusi_mpi_scan");
  app.option_defaults()->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
  nusi_tool::command c(app, "scan");
  nusi_tool::scan_flags flags(1);
  flags.declare(c, "threads per rank, 0 = all cores of each rank's machine");
  // Every rank parses the same arguments and reads the same files; agree on success before any
  // collective work, so that a rank that cannot read the plan stops them all.
  std::exception_ptr failure;
  nusi::scan_plan<double> plan;
  try {
    app.parse(argc, argv);
    c.read_config();
    plan = flags.load();
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() != 0) failure = std::current_exception();
    else if (world_rank == 0) app.exit(e);  // --help
    if (!failure) return 0;
  } catch (...) {
    failure = std::current_exception();
  }
  agree(failure, "could not read the plan");
  if (flags.print_plan) {
    if (world_rank == 0) nusi::write_scan_plan(std::cout, plan);
    return 0;
  }
  int ranks = 1;
  MPI_Comm_size(MPI_COMM_WORLD, &ranks);
  const auto threads = static_cast<std::size_t>(flags.threads);
  const auto start = std::chrono::steady_clock::now();
  if (flags.out == "-") {  // no file, no journal: rank 0 prints the table at the end
    const auto rows = nusi::run_scan_mpi(plan, MPI_COMM_WORLD, threads);
    if (world_rank == 0) flags.write(plan, rows);
    return 0;
  }

  // The runner on every rank, the journal on rank 0: a bad plan or journal stops every rank.
  std::optional<nusi::scan_runner<double>> runner;
  std::optional<nusi::scan_journal> journal;
  try {
    runner.emplace(plan);
    if (world_rank == 0) {
      const nusi::scan_journal_mode mode = flags.journal_mode();
      journal.emplace(flags.journal_path(), nusi::scan_journal_identity_for(plan, std::string(nusi_tool::version())), mode);
      std::cout << flags.resume_note("nusi_mpi_scan", *journal, mode) << std::flush;
    }
  } catch (...) {
    failure = std::current_exception();
  }
  agree(failure, "could not read the plan or the journal");

  const nusi_tool::stop_signals signals;
  std::optional<nusi_tool::progress> bar;
  if (world_rank == 0) bar.emplace("nusi_mpi_scan", journal->jobs(), flags.quiet, journal->completed());
  nusi::journaled_scan_options options;
  options.threads = threads;
  options.stop = signals.requested();
  if (bar) options.progress = [&](std::size_t done, std::size_t) { bar->update(done); };
  const nusi::journaled_scan_result result = nusi::run_scan_mpi_journaled(*runner, MPI_COMM_WORLD, journal ? &*journal : nullptr, options);
  if (bar) bar->finish();
  if (!result.complete) {
    int signal = nusi_tool::stop_signals::signal(), any_signal = 0;  // the signal may have reached another rank only
    MPI_Allreduce(&signal, &any_signal, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
    if (world_rank == 0)
      std::cerr << "nusi_mpi_scan: stopped by " << nusi_tool::stop_signals::name(any_signal) << " after " << journal->completed() << " of "
                << journal->jobs() << " rows (journal " << flags.journal_path() << "); resume with: "
                << flags.resume_command("mpirun -np " + std::to_string(ranks) + " " + nusi_tool::scan_flags::shell_quoted(argv[0]), flags.threads != 1)
                << "\n";
    return any_signal != 0 ? 128 + any_signal : 1;
  }
  if (world_rank != 0) return 0;
  journal->commit(flags.out, nusi::scan_csv_header);
  c.write_config();
  const std::chrono::duration<double> seconds = std::chrono::steady_clock::now() - start;
  std::cout << "nusi_mpi_scan: " << journal->jobs() << " rows in " << std::setprecision(3) << seconds.count() << " s on " << ranks
            << " ranks -> " << flags.out;
  if (flags.resume) std::cout << " (" << result.resumed << " rows from the journal, " << result.computed << " computed now)";
  std::cout << "\n";
  return 0;
}
}  // namespace

int main(int argc, char** argv) {
  // Only the main thread of each rank calls MPI; the worker threads compute (MPI_THREAD_FUNNELED).
  int provided = MPI_THREAD_SINGLE;
  MPI_Init_thread(&argc, &argv, MPI_THREAD_FUNNELED, &provided);
  MPI_Comm_rank(MPI_COMM_WORLD, &world_rank);
  int code = 0;
  try {
    code = run(argc, argv);
  } catch (...) {
    const auto f = nusi_tool::describe_failure(std::current_exception());
    code = f.exit_code;
    if (world_rank == 0) std::cerr << "nusi_mpi_scan: " << f.message << "\n";
  }
  MPI_Finalize();
  return code;
}
