// SPDX-License-Identifier: MIT
// nusi_mpi_scan: `nusi scan` over MPI ranks (run it with mpirun -np N). Every rank reads the plan and
// runs its share of the jobs (scan_mpi.hpp); rank 0 writes the one CSV table, identical to the
// threaded `nusi scan` table. Bad input: exit code 2 and one line on stderr (from rank 0).
#include <chrono>
#include <exception>
#include <iomanip>
#include <iostream>
#include <string>
#include <vector>

#include <mpi.h>

#include <nusi/errors.hpp>
#include <nusi/scan_mpi.hpp>

#include "cli.hpp"
#include "output.hpp"
#include "scan_flags.hpp"

namespace {
int world_rank = 0;

int run(const std::vector<std::string>& args) {
  nusi::cli::scan_flags flags(1);
  nusi::cli::parser p("scan (MPI: nusi_mpi_scan)",
                      "`nusi scan` over MPI ranks: mpirun -np N nusi_mpi_scan --default-plan --out scan.csv.\n"
                      "The rows are dealt over the ranks; rank 0 writes the table, the same as `nusi scan`'s.");
  flags.declare(p, "threads per rank, 0 = all cores of each rank's machine");
  // Every rank parses the same arguments and plan; agree on success before any collective work.
  std::exception_ptr failure;
  nusi::scan_plan<double> plan;
  bool help_only = false;
  try {
    help_only = !p.parse(args);
    if (!help_only) plan = flags.load();
  } catch (...) {
    failure = std::current_exception();
  }
  if (!nusi::detail::mpi_all(!failure, MPI_COMM_WORLD)) {
    if (failure) std::rethrow_exception(failure);
    throw nusi::numerical_error("nusi_mpi_scan: another rank could not read the plan");
  }
  if (help_only) return 0;
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
  if (flags.out != "-")
    std::cout << "nusi_mpi_scan: " << rows.size() << " rows in " << std::setprecision(3) << seconds.count()
              << " s on " << ranks << " ranks -> " << flags.out << "\n";
  return 0;
}
}  // namespace

void nusi::cli::parser::print_help() const {
  if (world_rank == 0) std::cout << help();
}

int main(int argc, char** argv) {
  MPI_Init(&argc, &argv);
  MPI_Comm_rank(MPI_COMM_WORLD, &world_rank);
  const std::vector<std::string> args(argv + 1, argv + argc);
  int code = 0;
  std::string error;
  try {
    code = run(args);
  } catch (const nusi::cli::usage_error& e) {
    code = 2;
    error = e.what();
  } catch (const nusi::invalid_argument& e) {
    code = 2;
    error = e.what();
  } catch (const std::exception& e) {
    code = 1;
    error = e.what();
  }
  if (code != 0 && world_rank == 0) std::cerr << "nusi_mpi_scan: " << error << "\n";
  MPI_Finalize();
  return code;
}
