// SPDX-License-Identifier: MIT
// Progress of long scans on stderr: items done, the rate and an estimate of the time left. Silent when
// --quiet was given or stderr is not a terminal; the thread pool behind it. Not part of the library.
#pragma once

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <exception>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <nusi/parallel.hpp>

#include "command.hpp"

namespace nusi_tool {

class progress {
 public:
  /// `first`: items done before this run (a resumed scan's), not counted in the rate.
  progress(std::string what, std::size_t total, bool quiet, std::size_t first = 0)
      : what_(std::move(what)), total_(total), first_(first), enabled_(!quiet && total > 0 && isatty(STDERR_FILENO)),
        start_(std::chrono::steady_clock::now()) {}
  ~progress() { finish(); }
  progress(const progress&) = delete;
  progress& operator=(const progress&) = delete;

  /// Reports that `done` of the total items are complete (call from one thread).
  void update(std::size_t done) {
    if (!enabled_) return;
    const auto now = std::chrono::steady_clock::now();
    if (done < total_ && now - last_ < std::chrono::milliseconds(100)) return;
    last_ = now;
    const double elapsed = std::chrono::duration<double>(now - start_).count();
    const double fraction = double(done) / double(total_);
    const double rate = elapsed > 0 && done > first_ ? double(done - first_) / elapsed : 0;
    const double left = rate > 0 ? double(total_ - std::min(done, total_)) / rate : 0;
    std::fprintf(stderr, "\r%s: %5.1f%% (%zu/%zu), %.3g/s, %s left   ", what_.c_str(), 100 * fraction, done, total_, rate,
                 duration_text(left).c_str());
    std::fflush(stderr);
  }
  void finish() {
    if (!enabled_) return;
    update(total_);
    std::fprintf(stderr, "\n");
    enabled_ = false;
  }

 private:
  /// "42 s", "12 min", "3.5 h".
  static std::string duration_text(double seconds) {
    char text[32];
    if (seconds < 120) std::snprintf(text, sizeof text, "%.0f s", seconds);
    else if (seconds < 7200) std::snprintf(text, sizeof text, "%.0f min", seconds / 60);
    else std::snprintf(text, sizeof text, "%.1f h", seconds / 3600);
    return text;
  }
  std::string what_;
  std::size_t total_, first_;
  bool enabled_;
  std::chrono::steady_clock::time_point start_, last_{};
};

/// The value of a --threads flag, checked: 0 (all cores) to nusi::max_threads.
inline unsigned thread_count(long threads) {
  if (threads < 0 || static_cast<unsigned long>(threads) > nusi::max_threads) {
    std::string what = "--threads must be in [0, " + std::to_string(nusi::max_threads);
    what += "], got " + std::to_string(threads);
    throw usage_error(what);
  }
  return static_cast<unsigned>(threads);
}

/// Runs job(i) for i in [0, n) on `threads` threads (0: all cores), in any order, updating bar from
/// the calling thread (what nusi::parallel_for, which blocks it, cannot); rethrows the first exception
/// of a job after all have ended.
inline void parallel_for(std::size_t n, unsigned threads, const std::function<void(std::size_t)>& job, progress& bar) {
  if (threads == 0) threads = std::max(1u, std::thread::hardware_concurrency());
  threads = static_cast<unsigned>(std::min<std::size_t>(threads, n));
  std::atomic<std::size_t> next{0}, done{0};
  std::vector<std::thread> pool;
  std::exception_ptr failure;
  std::mutex failure_mutex;
  for (unsigned t = 0; t < threads; ++t)
    pool.emplace_back([&] {
      for (std::size_t i; (i = next++) < n;) {
        try {
          job(i);
        } catch (...) {
          std::lock_guard<std::mutex> lock(failure_mutex);
          if (!failure) failure = std::current_exception();
        }
        ++done;
      }
    });
  while (done < n) {
    bar.update(done);
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  for (auto& t : pool) t.join();
  bar.update(n);
  if (failure) std::rethrow_exception(failure);
}

/// [f(0), ..., f(n - 1)] computed on `threads` threads, with a progress bar named `what` on stderr
/// (none when quiet or for fewer than 4 items).
template <class F>
auto parallel_map(const std::string& what, std::size_t n, unsigned threads, bool quiet, F f) {
  std::vector<decltype(f(std::size_t{}))> out(n);
  progress bar(what, n, quiet || n < 4);
  parallel_for(n, threads, [&](std::size_t k) { out[k] = f(k); }, bar);
  return out;
}

}  // namespace nusi_tool
