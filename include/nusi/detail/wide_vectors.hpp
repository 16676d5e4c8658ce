// SPDX-License-Identifier: MIT
// Wider vector registers where the processor has them: a loop marked NUSI_TARGET_AVX2 is compiled for AVX2 (x86-64 with
// GCC or Clang) and taken when use_avx2() says so at run time. Only AVX2 itself is enabled (no FMA), so such a loop does
// the same floating-point operations in the same order as its portable twin: results are identical bit for bit, on any
// machine, whichever path runs (tests compare both paths).
#pragma once

#include <atomic>

#if (defined(__GNUC__) || defined(__clang__)) && defined(__x86_64__)
#define NUSI_TARGET_AVX2 __attribute__((target("avx2")))
#define NUSI_AVX2_PATHS 1
#else
#define NUSI_TARGET_AVX2
#define NUSI_AVX2_PATHS 0
#endif

namespace nusi::detail {

/// Whether the AVX2 paths may be taken (default true): false forces the portable ones (for comparing the two).
inline std::atomic<bool>& avx2_paths_allowed() {
  static std::atomic<bool> allowed{true};
  return allowed;
}

/// True if this processor has AVX2 and the AVX2 paths are allowed.
inline bool use_avx2() {
#if NUSI_AVX2_PATHS
  static const bool has = __builtin_cpu_supports("avx2");
  return has && avx2_paths_allowed().load(std::memory_order_relaxed);
#else
  return false;
#endif
}

}  // namespace nusi::detail
