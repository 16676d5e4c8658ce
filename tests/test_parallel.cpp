// SPDX-License-Identifier: MIT
// parallel_for's kept threads (include/nusi/parallel.hpp, detail::worker_pool): every job runs exactly once through
// thousands of back-to-back regions (a lost wake-up would hang or drop jobs), from nested and concurrent callers (which
// the pool does not serve: they start threads), and in a forked child, whose copy of the pool has no threads.
#include <atomic>
#include <chrono>
#include <cstddef>
#include <thread>
#include <vector>

#include <doctest/doctest.h>

#include <nusi/parallel.hpp>

#if defined(__unix__) || defined(__APPLE__)
#include <csignal>
#include <sys/wait.h>
#include <unistd.h>
#endif

namespace nusi_test_parallel {  // this file's own: the suite compiles in batches of files (tests/CMakeLists.txt)

namespace {
// Runs `regions` parallel regions of `jobs` jobs on `threads` threads; true if every job of every region ran once.
bool every_job_once(std::size_t regions, std::size_t jobs, std::size_t threads) {
  std::vector<std::atomic<int>> calls(jobs);
  for (std::size_t r = 0; r < regions; ++r) {
    for (auto& c : calls) c.store(0);
    nusi::parallel_for(jobs, threads, [&](std::size_t k) { calls[k].fetch_add(1); });
    for (const auto& c : calls)
      if (c.load() != 1) return false;
  }
  return true;
}
}  // namespace

TEST_CASE("parallel_for runs every job once through 5000 back-to-back regions, and after pauses longer than the spin") {
  CHECK(every_job_once(5000, 2, 2));
  CHECK(every_job_once(2000, 7, 2));
  for (int pause = 0; pause < 5; ++pause) {  // the kept threads asleep (past their ~200 us of spinning) when called
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
    CHECK(every_job_once(1, 16, 2));
  }
}

TEST_CASE("parallel_for inside a job and from two threads at once runs every job once") {
  std::vector<std::atomic<int>> inner(4 * 16);
  nusi::parallel_for(4, 2, [&](std::size_t outer) {
    nusi::parallel_for(16, 2, [&](std::size_t k) { inner[outer * 16 + k].fetch_add(1); });
  });
  for (const auto& c : inner) CHECK(c.load() == 1);

  std::atomic<int> failures{0};
  std::vector<std::thread> callers;
  for (int t = 0; t < 2; ++t)
    callers.emplace_back([&] {
      if (!every_job_once(500, 5, 2)) failures.fetch_add(1);
    });
  for (auto& c : callers) c.join();
  CHECK(failures.load() == 0);
}

#if defined(__unix__) || defined(__APPLE__)
TEST_CASE("a forked child runs parallel_for on threads of its own (its copy of the parent's kept threads has none)") {
  REQUIRE(every_job_once(10, 4, 2));  // the parent's pool exists (on a machine with 2 or more cores)
  const pid_t child = ::fork();
  REQUIRE(child >= 0);
  if (child == 0) ::_exit(every_job_once(100, 4, 2) ? 0 : 1);
  int status = 0;
  pid_t done = 0;
  for (int waited_ms = 0; waited_ms < 30000 && (done = ::waitpid(child, &status, WNOHANG)) == 0; waited_ms += 10)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  if (done == 0) {  // hung: waiting for threads that do not exist in the child
    ::kill(child, SIGKILL);
    ::waitpid(child, &status, 0);
  }
  CHECK(done == child);
  CHECK(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 0);
}
#endif

}  // namespace nusi_test_parallel
