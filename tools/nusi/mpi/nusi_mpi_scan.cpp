// SPDX-License-Identifier: MIT
// nusi_mpi_scan: `nusi scan` over MPI ranks (run it with mpirun -np N). Every rank reads the plan and
// runs its share of the jobs (scan_mpi.hpp); rank 0 writes the one CSV table, identical to the
// threaded `nusi scan` table. Bad input: exit code 2 and one line on stderr (from rank 0).
#include <chrono>
#include <exception>
#include <iomanip>
#include <iostream>
#include <string>

#include <mpi.h>

#include <nusi/errors.hpp>
#include <nusi/scan_mpi.hpp>

#include "command.hpp"
#include "scan_flags.hpp"

namespace {
int world_rank = 0;

/// Parses, reads the plan and scans; throws what tool::main turns into exit codes.
int run(int argc, char** argv) {
  CLI::App app("`nusi scan` over MPI ranks: mpirun -np N nusi_mpi_scan --default-plan --out scan.csv.\n"
               "The rows are dealt over the ranks; rank 0 writes the table, the same as `nusi scan`'s.",
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
  if (!nusi::detail::mpi_all(!failure, MPI_COMM_WORLD)) {
    if (failure) std::rethrow_exception(failure);
    throw nusi::numerical_error("another rank could not read the plan");
  }
  if (flags.print_plan) {
    if (world_rank == 0) nusi::write_scan_plan(std::cout, plan);
    return 0;
  }
  int ranks = 1;
  MPI_Comm_size(MPI_COMM_WORLD, &ranks);
  const auto start = std::chrono::steady_clock::now();
  const auto rows = nusi::run_scan_mpi(plan, MPI_COMM_WORLD, static_cast<std::size_t>(flags.threads));
  const std::chrono::duration<double> seconds = std::chrono::steady_clock::now() - start;
  if (world_rank != 0) return 0;
  flags.write(plan, rows);
  c.write_config();
  if (flags.out != "-")
    std::cout << "nusi_mpi_scan: " << rows.size() << " rows in " << std::setprecision(3) << seconds.count() << " s on " << ranks
              << " ranks -> " << flags.out << "\n";
  return 0;
}
}  // namespace

int main(int argc, char** argv) {
  MPI_Init(&argc, &argv);
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
