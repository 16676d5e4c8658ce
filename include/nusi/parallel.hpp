// SPDX-License-Identifier: MIT
// Deterministic parallel loops over independent jobs (std::thread): job k's result depends only on k,
// never on which thread ran it or when, so a scan gives bit-identical output for any thread count.
// Used by propagation_bound_curve and the scans of scan.hpp; for many machines see scan_mpi.hpp.
#pragma once

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <exception>
#include <limits>
#include <mutex>
#include <string_view>
#include <thread>
#include <vector>

#include "errors.hpp"

namespace nusi {

/// Largest `threads` option accepted by parallel_for and the functions built on it: a bound on the
/// threads one process starts, far above any machine's cores.
inline constexpr std::size_t max_threads = 4096;

namespace detail {
/// Throws nusi::invalid_argument naming function and parameter if threads > max_threads.
inline void require_thread_count(std::string_view function, std::string_view parameter, std::size_t threads) {
  if (threads > max_threads) throw_invalid(function, parameter, "<= nusi::max_threads = " + to_text(max_threads), threads);
}
}  // namespace detail

/// The number of threads a `threads` option means: 0 = std::thread::hardware_concurrency() (1 if
/// unknown), never more than `jobs` (no idle threads), at least 1.
inline std::size_t resolve_threads(std::size_t threads, std::size_t jobs = std::numeric_limits<std::size_t>::max()) {
  if (threads == 0) threads = std::max<std::size_t>(1, std::thread::hardware_concurrency());
  return std::max<std::size_t>(1, std::min(threads, jobs));
}

/// Calls job(k) for k = 0 .. count-1 on resolve_threads(threads, count) threads (the caller's thread
/// is one of them). Threads take the next k from a shared counter, so long and short jobs balance;
/// job(k) must depend on k alone and write only its own result slot, so the results do not depend on
/// the thread count. If jobs throw, no new job starts, running ones finish, and the exception of the
/// lowest k that threw is rethrown: the same one for any thread count (k are handed out in order, so
/// every k below one that threw has been started).
/// @throws nusi::invalid_argument if threads > max_threads (before any job runs).
template <class Job>
void parallel_for(std::size_t count, std::size_t threads, Job&& job) {
  detail::require_thread_count("nusi::parallel_for", "threads", threads);
  if (count == 0) return;
  const std::size_t workers = resolve_threads(threads, count);
  if (workers == 1) {
    for (std::size_t k = 0; k < count; ++k) job(k);
    return;
  }
  std::atomic<std::size_t> next{0};
  std::atomic<bool> stop{false};
  std::mutex failure_mutex;
  std::size_t failed_job = count;
  std::exception_ptr failure;
  auto work = [&] {
    for (;;) {
      if (stop.load(std::memory_order_relaxed)) return;
      const std::size_t k = next.fetch_add(1, std::memory_order_relaxed);
      if (k >= count) return;
      try {
        job(k);
      } catch (...) {
        const std::lock_guard<std::mutex> lock(failure_mutex);
        if (k < failed_job) {
          failed_job = k;
          failure = std::current_exception();
        }
        stop.store(true, std::memory_order_relaxed);
      }
    }
  };
  std::vector<std::thread> pool;
  pool.reserve(workers - 1);
  try {
    for (std::size_t t = 1; t < workers; ++t) pool.emplace_back(work);
  } catch (...) {  // could not start a thread (std::system_error): run on the ones we have
  }
  work();
  for (auto& t : pool) t.join();
  if (failure) std::rethrow_exception(failure);
}

}  // namespace nusi
