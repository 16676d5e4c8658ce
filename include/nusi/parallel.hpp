// SPDX-License-Identifier: MIT
// Deterministic parallel loops over independent jobs (std::thread): job k's result depends only on k,
// never on which thread ran it or when, so a scan gives bit-identical output for any thread count.
// Used by propagation_bound_curve and the scans of scan.hpp; for many machines see scan_mpi.hpp.
#pragma once

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstddef>
#include <exception>
#include <limits>
#include <mutex>
#include <string_view>
#include <thread>
#include <vector>

#if defined(__unix__) || defined(__APPLE__)
#include <unistd.h>  // getpid: a forked child starts its own worker pool
#endif

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

namespace detail {
/// Threads kept between parallel regions. Starting a thread per region costs ~50 us here and the new thread starts on
/// its parent's processor, while one mass-state F spends 0.3-2 ms per region (docs/performance.md, "Kept threads"):
/// with kept threads one F on 2 threads takes 0.91-0.94x (thermal) and 0.80-0.88x (at rest) the time. One pool per process, made on
/// first use and never destroyed (its threads sleep until the process ends); a forked child makes its own. It serves
/// one parallel_for at a time, never from inside its own jobs, with at most hardware_concurrency - 1 threads: any
/// other call starts its threads as before. A kept thread waits ~200 us for the next region, then sleeps.
class worker_pool {
 public:
  /// This process's pool, or nullptr while another thread is looking it up.
  static worker_pool* instance() {
    static std::mutex lookup;
    static worker_pool* pool = nullptr;  // NOLINT(cppcoreguidelines-avoid-non-const-global-variables): changed under `lookup`
    static long owner = 0;
    const std::unique_lock<std::mutex> lock(lookup, std::try_to_lock);
    if (!lock.owns_lock()) return nullptr;
    const long pid = process_id();
    if (pool == nullptr || owner != pid) {  // a forked child's copy has no threads: a new pool, the old one kept reachable
      pool = new worker_pool(pool);  // NOLINT(cppcoreguidelines-owning-memory): never deleted, its threads live on
      owner = pid;
    }
    return pool;
  }

  /// Runs task() on `helpers` kept threads and on the caller's, and returns when all have returned; false (task not
  /// run) if the pool is busy, the caller is one of its threads, or it cannot have `helpers` threads. task must not throw.
  template <class Task>
  bool run(std::size_t helpers, Task& task) {
    if (inside_worker()) return false;
    const std::unique_lock<std::mutex> lock(busy_, std::try_to_lock);
    if (!lock.owns_lock() || helpers > capacity()) return false;
    try {
      while (threads_.size() < helpers)
        threads_.emplace_back([this, id = threads_.size(), seen = generation_.load(std::memory_order_relaxed)] {
          serve(id, seen);
        });
    } catch (...) {  // could not start a thread (std::system_error)
      return false;
    }
    call_ = [](void* t) { (*static_cast<Task*>(t))(); };
    task_ = &task;
    wanted_.store(helpers, std::memory_order_relaxed);
    pending_.store(static_cast<unsigned>(helpers), std::memory_order_relaxed);
    generation_.fetch_add(1, std::memory_order_release);
    generation_.notify_all();
    task();
    spin([&] { return pending_.load(std::memory_order_acquire) == 0; });
    for (unsigned left = pending_.load(std::memory_order_acquire); left != 0; left = pending_.load(std::memory_order_acquire))
      pending_.wait(left, std::memory_order_acquire);
    return true;
  }

 private:
  explicit worker_pool(worker_pool* previous) : previous_(previous) {}
  static std::size_t capacity() {
    static const std::size_t helpers = std::max<std::size_t>(1, std::thread::hardware_concurrency()) - 1;
    return helpers;
  }
  static bool& inside_worker() {
    thread_local bool inside = false;
    return inside;
  }
  static long process_id() {
#if defined(__unix__) || defined(__APPLE__)
    return static_cast<long>(::getpid());
#else
    return 0;
#endif
  }
  static void relax() {
#if (defined(__GNUC__) || defined(__clang__)) && (defined(__x86_64__) || defined(__i386__))
    __builtin_ia32_pause();
#endif
  }
  // Spins until done() or for ~200 us (regions of one computation follow each other closer than that).
  template <class Done>
  static void spin(Done done) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::microseconds(200);
    for (unsigned i = 1; !done(); ++i) {
      if (i % 64 == 0 && std::chrono::steady_clock::now() > deadline) return;
      relax();
    }
  }
  void serve(std::size_t id, unsigned seen) {
    inside_worker() = true;
    for (;;) {
      spin([&] { return generation_.load(std::memory_order_acquire) != seen; });
      unsigned g = generation_.load(std::memory_order_acquire);
      for (; g == seen; g = generation_.load(std::memory_order_acquire)) generation_.wait(seen, std::memory_order_acquire);
      seen = g;
      if (id >= wanted_.load(std::memory_order_relaxed)) continue;
      call_(task_);
      if (pending_.fetch_sub(1, std::memory_order_acq_rel) == 1) pending_.notify_one();
    }
  }

  [[maybe_unused]] worker_pool* previous_;  // a forked parent's pool (its threads are not in this process): kept
  std::mutex busy_;
  std::vector<std::thread> threads_;
  void (*call_)(void*) = nullptr;
  void* task_ = nullptr;
  std::atomic<std::size_t> wanted_{0};
  std::atomic<unsigned> pending_{0}, generation_{0};
};
}  // namespace detail

/// Calls job(k) for k = 0 .. count-1 on resolve_threads(threads, count) threads (the caller's thread
/// is one of them; the others are kept between calls, detail::worker_pool). Threads take the next k
/// from a shared counter, so long and short jobs balance; job(k) must depend on k alone and write only
/// its own result slot, so the results do not depend on the thread count. If jobs throw, no new job
/// starts, running ones finish, and the exception of the lowest k that threw is rethrown: the same one
/// for any thread count (k are handed out in order, so every k below one that threw has been started).
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
  if (detail::worker_pool* kept = detail::worker_pool::instance(); kept != nullptr && kept->run(workers - 1, work)) {
    if (failure) std::rethrow_exception(failure);
    return;
  }
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
