// SPDX-License-Identifier: MIT
// The scans of scan.hpp over MPI ranks (many machines): each rank runs a share of the jobs, rank 0
// gathers the table, identical bit for bit to run_scan's on threads; run_scan_mpi_journaled does the
// same through a journal on rank 0 (scan_journal.hpp), so that a killed scan resumes on any number of
// ranks. Needs an MPI implementation (<mpi.h>; CMake: find_package(MPI) and MPI::MPI_CXX), hence not in
// the umbrella nusi.hpp; without MPI use run_scan or run_scan_journaled.
#pragma once

#include <atomic>
#include <chrono>
#include <climits>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <exception>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <type_traits>
#include <vector>

#include <mpi.h>

#include "errors.hpp"
#include "parallel.hpp"
#include "scan.hpp"
#include "scan_journal.hpp"

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

namespace detail {
/// The messages of run_scan_mpi_journaled, on its own duplicate of the communicator.
enum mpi_journal_tag : int { rows_tag = 1, done_tag = 2, stop_tag = 3, finish_tag = 4 };
/// How a rank's share ended (the payload of done_tag).
enum mpi_share_end : unsigned char { share_complete = 0, share_stopped = 1, share_failed = 2 };
/// The payload of finish_tag: what rank 0 tells every rank at the end.
struct mpi_journal_finish {
  unsigned char complete = 0, failed = 0, stopped = 0;
  std::uint64_t computed = 0;
};
/// Appends the record (job, text) to a byte batch: 8 bytes of job, 4 of length, the text.
inline void mpi_pack_record(std::string& batch, std::uint64_t job, std::string_view text) {
  const auto length = static_cast<std::uint32_t>(text.size());
  batch.append(reinterpret_cast<const char*>(&job), sizeof job);
  batch.append(reinterpret_cast<const char*>(&length), sizeof length);
  batch.append(text);
}
/// Calls f(job, text) for every record of a batch; throws numerical_error on a malformed batch.
template <class F>
void mpi_unpack_records(const std::vector<char>& batch, F&& f) {
  for (std::size_t at = 0; at < batch.size();) {
    std::uint64_t job = 0;
    std::uint32_t length = 0;
    if (batch.size() - at < sizeof job + sizeof length) throw numerical_error("nusi::run_scan_mpi_journaled: a malformed batch of rows");
    std::memcpy(&job, batch.data() + at, sizeof job);
    std::memcpy(&length, batch.data() + at + sizeof job, sizeof length);
    at += sizeof job + sizeof length;
    if (batch.size() - at < length) throw numerical_error("nusi::run_scan_mpi_journaled: a malformed batch of rows");
    f(job, std::string_view(batch.data() + at, length));
    at += length;
  }
}
}  // namespace detail

/// Runs the jobs the journal does not hold over the ranks of comm, each rank on options.threads
/// worker threads (0: all its cores), and records every row in the journal as it completes. Rank 0
/// holds the journal (`journal` is ignored elsewhere; pass nullptr): it tells the ranks which jobs are
/// done, the rest are dealt over the ranks (scan_shares), and the ranks send their rows' text
/// (scan_csv_row) to rank 0 in batches (every 64 KiB or 0.2 s), whose calling thread appends them
/// while its workers compute. One journal on one rank, so a resume needs no merge and no shared file
/// system, and works on any number of ranks. The table (scan_journal::commit on rank 0) is the same,
/// byte for byte, for any rank or thread count and any number of interruptions.
/// options.stop is each rank's own flag (a signal handler's): a rank whose flag is set takes no new
/// job, and rank 0 then tells every rank to stop; running jobs finish and are recorded. Rows a rank
/// had not sent when killed are recomputed on resume. Only the calling thread makes MPI calls (MPI
/// must be initialised with at least MPI_THREAD_FUNNELED when options.threads is not 1). Collective:
/// every rank calls it with the same plan. Returns the same result on every rank (progress is
/// reported on rank 0). If a job throws on any rank, every rank stops, rank 0 syncs the journal, and
/// every rank throws (that rank's own exception, nusi::numerical_error on the others).
/// @throws nusi::invalid_argument if rank 0 has no journal or its job count is not the plan's.
template <class Real>
journaled_scan_result run_scan_mpi_journaled(const scan_runner<Real>& runner, MPI_Comm comm, scan_journal* journal,
                                             const journaled_scan_options& options = {}) {
  using clock = std::chrono::steady_clock;
  int rank_int = 0, ranks_int = 1;
  detail::mpi_check(MPI_Comm_rank(comm, &rank_int), "MPI_Comm_rank");
  detail::mpi_check(MPI_Comm_size(comm, &ranks_int), "MPI_Comm_size");
  const bool root = rank_int == 0;
  const auto ranks = static_cast<std::size_t>(ranks_int);
  const std::size_t jobs = runner.jobs();
  const std::string on_other_rank = "nusi::run_scan_mpi_journaled: another rank failed";

  std::exception_ptr failure;
  try {
    detail::require_thread_count("nusi::run_scan_mpi_journaled", "options.threads", options.threads);
    if (jobs > static_cast<std::size_t>(INT_MAX))
      detail::throw_invalid("nusi::run_scan_mpi_journaled", "runner.jobs()", "<= " + detail::to_text(INT_MAX), jobs);
    if (root && journal == nullptr) throw invalid_argument("nusi::run_scan_mpi_journaled: rank 0 needs a journal");
    if (root && journal->jobs() != jobs)
      detail::throw_invalid("nusi::run_scan_mpi_journaled", "journal->jobs()", "== runner.jobs() = " + detail::to_text(jobs), journal->jobs());
  } catch (...) {
    failure = std::current_exception();
  }
  if (!detail::mpi_all(!failure, comm)) {
    if (failure) std::rethrow_exception(failure);
    throw numerical_error(on_other_rank);
  }
  unsigned long long root_jobs = jobs;
  detail::mpi_check(MPI_Bcast(&root_jobs, 1, MPI_UNSIGNED_LONG_LONG, 0, comm), "MPI_Bcast");
  if (!detail::mpi_all(root_jobs == jobs, comm))
    throw invalid_argument("nusi::run_scan_mpi_journaled: the ranks' plans have different job counts");

  MPI_Comm own = MPI_COMM_NULL;  // a private communicator: our messages cannot meet the caller's
  detail::mpi_check(MPI_Comm_dup(comm, &own), "MPI_Comm_dup");
  struct comm_guard {
    MPI_Comm* c;
    ~comm_guard() { MPI_Comm_free(c); }
  } guard{&own};

  // Which jobs are done: rank 0's journal, to every rank; the rest dealt as scan_shares deals.
  std::vector<unsigned char> done(jobs, 0);
  if (root)
    for (std::size_t k = 0; k < jobs; ++k) done[k] = journal->done(k) ? 1 : 0;
  detail::mpi_check(MPI_Bcast(done.data(), static_cast<int>(jobs), MPI_UNSIGNED_CHAR, 0, own), "MPI_Bcast");
  std::vector<std::size_t> pending;
  for (std::size_t k = 0; k < jobs; ++k)
    if (!done[k]) pending.push_back(k);
  journaled_scan_result result;
  result.resumed = jobs - pending.size();
  const std::vector<std::size_t> mine = scan_shares(runner, ranks, pending)[static_cast<std::size_t>(rank_int)];

  // The workers: compute the share; rank 0 appends to the journal, the others fill the outbox.
  std::atomic<bool> halt{false}, told_to_stop{false};
  const auto own_stop = [&] { return options.stop != nullptr && options.stop->load(std::memory_order_relaxed); };
  std::atomic<std::size_t> next{0};
  std::mutex mutex;  // guards outbox, running, worker_failure, failed_at
  std::condition_variable wake;
  std::string outbox;
  std::size_t running = 0, failed_at = mine.size();
  std::exception_ptr worker_failure;
  auto work = [&] {
    for (;;) {
      if (halt.load(std::memory_order_relaxed) || told_to_stop.load(std::memory_order_relaxed) || own_stop()) break;
      const std::size_t i = next.fetch_add(1, std::memory_order_relaxed);
      if (i >= mine.size()) break;
      try {
        const std::string text = scan_csv_row(runner.plan(), runner.run(mine[i]));
        if (root) {
          journal->append(mine[i], text);
        } else {
          const std::lock_guard<std::mutex> lock(mutex);
          detail::mpi_pack_record(outbox, mine[i], text);
        }
      } catch (...) {
        const std::lock_guard<std::mutex> lock(mutex);
        if (i < failed_at) {
          failed_at = i;
          worker_failure = std::current_exception();
        }
        halt.store(true, std::memory_order_relaxed);
      }
    }
    const std::lock_guard<std::mutex> lock(mutex);
    --running;
    wake.notify_all();
  };
  std::vector<std::thread> pool;
  if (!mine.empty()) {
    const std::size_t workers = resolve_threads(options.threads, mine.size());
    for (std::size_t t = 0; t < workers; ++t) {
      {
        const std::lock_guard<std::mutex> lock(mutex);
        ++running;
      }
      try {
        pool.emplace_back(work);
      } catch (...) {
        const std::lock_guard<std::mutex> lock(mutex);
        --running;
        break;
      }
    }
    if (pool.empty()) {  // not even one thread: work here, and talk to the other ranks afterwards
      {
        const std::lock_guard<std::mutex> lock(mutex);
        ++running;
      }
      work();
    }
  }
  auto workers_running = [&] {
    const std::lock_guard<std::mutex> lock(mutex);
    return running > 0;
  };
  constexpr std::size_t batch_bytes = 65536;
  constexpr auto batch_interval = std::chrono::milliseconds(200);

  detail::mpi_journal_finish finish;
  if (!root) {
    auto last_send = clock::now();
    auto send_outbox = [&](bool force) {
      std::string batch;
      {
        const std::lock_guard<std::mutex> lock(mutex);
        if (outbox.empty() || (!force && outbox.size() < batch_bytes && clock::now() - last_send < batch_interval)) return;
        batch.swap(outbox);
      }
      detail::mpi_check(MPI_Send(batch.data(), static_cast<int>(batch.size()), MPI_BYTE, 0, detail::rows_tag, own), "MPI_Send");
      last_send = clock::now();
    };
    auto take_stop = [&] {  // a stop from rank 0 (it is sent at most once)
      int flag = 0;
      MPI_Status status;
      detail::mpi_check(MPI_Iprobe(0, detail::stop_tag, own, &flag, &status), "MPI_Iprobe");
      if (!flag) return false;
      detail::mpi_check(MPI_Recv(nullptr, 0, MPI_BYTE, 0, detail::stop_tag, own, MPI_STATUS_IGNORE), "MPI_Recv");
      return true;
    };
    bool stop_received = false;
    while (workers_running()) {
      {
        std::unique_lock<std::mutex> lock(mutex);
        wake.wait_for(lock, std::chrono::milliseconds(20));
      }
      send_outbox(false);
      if (!stop_received && take_stop()) {
        stop_received = true;
        told_to_stop.store(true);
      }
    }
    for (auto& t : pool) t.join();
    send_outbox(true);
    const bool share_done = next.load() >= mine.size() && !halt.load();
    unsigned char end = worker_failure ? detail::share_failed : (share_done ? detail::share_complete : detail::share_stopped);
    detail::mpi_check(MPI_Send(&end, 1, MPI_UNSIGNED_CHAR, 0, detail::done_tag, own), "MPI_Send");
    for (;;) {  // until rank 0 finishes; a stop sent before it saw our end is taken and ignored
      MPI_Status status;
      detail::mpi_check(MPI_Probe(0, MPI_ANY_TAG, own, &status), "MPI_Probe");
      if (status.MPI_TAG == detail::stop_tag) {
        detail::mpi_check(MPI_Recv(nullptr, 0, MPI_BYTE, 0, detail::stop_tag, own, MPI_STATUS_IGNORE), "MPI_Recv");
        continue;
      }
      detail::mpi_check(MPI_Recv(&finish, static_cast<int>(sizeof finish), MPI_BYTE, 0, detail::finish_tag, own, MPI_STATUS_IGNORE),
                        "MPI_Recv");
      break;
    }
  } else {
    std::vector<char> ended(ranks, 0);  // rank r's end has arrived
    std::size_t ends = 1;               // rank 0's own is not a message
    bool stop_sent = false, any_failed = false, any_stopped = false;
    std::exception_ptr root_failure;  // appending a received row failed
    auto last_progress = clock::now();
    auto report = [&] {
      if (options.progress) options.progress(journal->completed(), jobs);
    };
    std::vector<char> batch;
    for (;;) {
      const bool mine_running = workers_running();
      if (!mine_running && ends == ranks) break;
      int flag = 0;
      MPI_Status status;
      detail::mpi_check(MPI_Iprobe(MPI_ANY_SOURCE, MPI_ANY_TAG, own, &flag, &status), "MPI_Iprobe");
      if (flag) {
        int count = 0;
        detail::mpi_check(MPI_Get_count(&status, MPI_BYTE, &count), "MPI_Get_count");
        batch.resize(static_cast<std::size_t>(count));
        detail::mpi_check(MPI_Recv(batch.data(), count, MPI_BYTE, status.MPI_SOURCE, status.MPI_TAG, own, MPI_STATUS_IGNORE), "MPI_Recv");
        if (status.MPI_TAG == detail::rows_tag && !root_failure) {
          try {
            detail::mpi_unpack_records(batch, [&](std::uint64_t job, std::string_view text) {
              journal->append(static_cast<std::size_t>(job), text);
            });
          } catch (...) {
            root_failure = std::current_exception();
          }
        } else if (status.MPI_TAG == detail::done_tag && count == 1) {
          ended[static_cast<std::size_t>(status.MPI_SOURCE)] = 1;
          ++ends;
          any_failed = any_failed || batch[0] == static_cast<char>(detail::share_failed);
          any_stopped = any_stopped || batch[0] == static_cast<char>(detail::share_stopped);
        }
      } else {
        std::unique_lock<std::mutex> lock(mutex);
        wake.wait_for(lock, std::chrono::milliseconds(1));
      }
      if (!stop_sent && (own_stop() || any_failed || any_stopped || halt.load() || root_failure)) {
        told_to_stop.store(true);
        for (std::size_t r = 1; r < ranks; ++r)
          if (!ended[r]) detail::mpi_check(MPI_Send(nullptr, 0, MPI_BYTE, static_cast<int>(r), detail::stop_tag, own), "MPI_Send");
        stop_sent = true;
      }
      if (clock::now() - last_progress >= options.progress_interval) {
        last_progress = clock::now();
        try {
          journal->tick();
        } catch (...) {
          if (!root_failure) root_failure = std::current_exception();
        }
        report();
      }
    }
    for (auto& t : pool) t.join();
    if (!worker_failure && root_failure) worker_failure = root_failure;
    try {
      journal->sync();
    } catch (...) {
      if (!worker_failure) worker_failure = std::current_exception();
    }
    report();
    finish.complete = journal->completed() == jobs ? 1 : 0;
    finish.failed = (any_failed || worker_failure) ? 1 : 0;
    finish.stopped = (!finish.complete && (stop_sent || own_stop())) ? 1 : 0;
    finish.computed = journal->completed() - result.resumed;
    for (std::size_t r = 1; r < ranks; ++r)
      detail::mpi_check(MPI_Send(&finish, static_cast<int>(sizeof finish), MPI_BYTE, static_cast<int>(r), detail::finish_tag, own),
                        "MPI_Send");
  }
  if (worker_failure) std::rethrow_exception(worker_failure);
  if (finish.failed) throw numerical_error(on_other_rank);
  result.computed = static_cast<std::size_t>(finish.computed);
  result.complete = finish.complete != 0;
  result.stopped = finish.stopped != 0;
  return result;
}

}  // namespace nusi
