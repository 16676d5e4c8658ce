// SPDX-License-Identifier: MIT
// The scans of scan.hpp over MPI ranks (many machines): each rank runs a share of the jobs, rank 0
// gathers the table, identical bit for bit to run_scan's on threads. Needs an MPI implementation
// (<mpi.h>; CMake: find_package(MPI) and MPI::MPI_CXX), hence not in the umbrella nusi.hpp; without
// MPI use run_scan.
#pragma once

#include <climits>
#include <cstddef>
#include <exception>
#include <optional>
#include <string>
#include <type_traits>
#include <vector>

#include <mpi.h>

#include "errors.hpp"
#include "parallel.hpp"
#include "scan.hpp"

namespace nusi {

namespace detail {
template <class Real>
MPI_Datatype mpi_real_type() {
  if constexpr (std::is_same_v<Real, float>) return MPI_FLOAT;
  else if constexpr (std::is_same_v<Real, double>) return MPI_DOUBLE;
  else {
    static_assert(std::is_same_v<Real, long double>, "run_scan_mpi: Real must be float, double or long double");
    return MPI_LONG_DOUBLE;
  }
}
inline void mpi_check(int code, const char* call) {
  if (code != MPI_SUCCESS) throw numerical_error(std::string("nusi::run_scan_mpi: ") + call + " failed");
}
/// True on every rank when `ok` is true on every rank (so no rank waits for one that gave up).
inline bool mpi_all(bool ok, MPI_Comm comm) {
  int mine = ok ? 1 : 0, all = 0;
  mpi_check(MPI_Allreduce(&mine, &all, 1, MPI_INT, MPI_MIN, comm), "MPI_Allreduce");
  return all == 1;
}
}  // namespace detail

/// Runs the plan over the ranks of comm, each rank on threads_per_rank threads (0: all its cores):
/// the bound rows and the point rows are each dealt round-robin over the ranks (scan_shares), and
/// rank 0 gathers the table in job order, bit-identical to run_scan(plan). Returns the
/// table on rank 0 and an empty vector elsewhere. Collective: every rank calls it with the same
/// plan. If any rank fails (bad plan, unreadable profile, an exception in a job), every rank throws
/// (that rank's own exception, nusi::numerical_error on the others) instead of waiting.
template <class Real>
std::vector<scan_row<Real>> run_scan_mpi(const scan_plan<Real>& plan, MPI_Comm comm, std::size_t threads_per_rank = 1) {
  int rank_int = 0, ranks_int = 1;
  detail::mpi_check(MPI_Comm_rank(comm, &rank_int), "MPI_Comm_rank");
  detail::mpi_check(MPI_Comm_size(comm, &ranks_int), "MPI_Comm_size");
  const auto rank = static_cast<std::size_t>(rank_int), ranks = static_cast<std::size_t>(ranks_int);
  const std::string on_other_rank = "nusi::run_scan_mpi: another rank failed";
  constexpr std::size_t P = detail::scan_packed_size;

  std::exception_ptr failure;
  std::vector<Real> mine;
  std::size_t jobs = 0;
  std::optional<scan_runner<Real>> runner;  // built inside the try: a bad plan throws on every rank
  try {
    runner.emplace(plan);
    jobs = runner->jobs();
    if (jobs > static_cast<std::size_t>(INT_MAX) / P)
      detail::throw_invalid("nusi::run_scan_mpi", "plan.rows()", "<= " + detail::to_text(INT_MAX / P), jobs);
  } catch (...) {
    failure = std::current_exception();
  }
  if (!detail::mpi_all(!failure, comm)) {
    if (failure) std::rethrow_exception(failure);
    throw numerical_error(on_other_rank);
  }

  std::vector<std::vector<std::size_t>> share;
  try {
    share = scan_shares(*runner, ranks);
    const std::vector<std::size_t>& my_jobs = share[rank];
    mine.resize(my_jobs.size() * P);
    parallel_for(my_jobs.size(), threads_per_rank,
                 [&](std::size_t i) { detail::pack_scan_row(runner->run(my_jobs[i]), mine.data() + i * P); });
  } catch (...) {
    failure = std::current_exception();
  }
  if (!detail::mpi_all(!failure, comm)) {
    if (failure) std::rethrow_exception(failure);
    throw numerical_error(on_other_rank);
  }

  std::vector<int> counts, displacements;
  std::vector<Real> all;
  if (rank == 0) {
    counts.resize(ranks);
    displacements.resize(ranks);
    int offset = 0;
    for (std::size_t r = 0; r < ranks; ++r) {
      counts[r] = static_cast<int>(share[r].size() * P);
      displacements[r] = offset;
      offset += counts[r];
    }
    all.resize(jobs * P);
  }
  const MPI_Datatype type = detail::mpi_real_type<Real>();
  detail::mpi_check(MPI_Gatherv(mine.data(), static_cast<int>(mine.size()), type, all.data(), counts.data(),
                                displacements.data(), type, 0, comm),
                    "MPI_Gatherv");
  std::vector<scan_row<Real>> rows;
  if (rank != 0) return rows;
  rows.resize(jobs);
  for (std::size_t r = 0; r < ranks; ++r)
    for (std::size_t i = 0; i < share[r].size(); ++i) {
      const std::size_t k = share[r][i];
      rows[k] = runner->skeleton(k);
      detail::unpack_scan_row(all.data() + static_cast<std::size_t>(displacements[r]) + i * P, rows[k]);
    }
  return rows;
}

}  // namespace nusi
