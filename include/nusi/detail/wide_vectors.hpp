// SPDX-License-Identifier: MIT
// Wider vector registers where the processor has them: a loop marked NUSI_TARGET_AVX2 is compiled for AVX2 (x86-64 with
// GCC or Clang) and taken when use_avx2() says so at run time. Only AVX2 itself is enabled (no FMA), so such a loop does
// the same floating-point operations in the same order as its portable twin: results are identical bit for bit, on any
// machine, whichever path runs (tests compare both paths).
#pragma once

#include <atomic>
#include <complex>
#include <cstddef>

#if (defined(__GNUC__) || defined(__clang__)) && defined(__x86_64__)
#define NUSI_TARGET_AVX2 __attribute__((target("avx2")))
#else
#define NUSI_TARGET_AVX2
#endif
// A loop body shared by a portable function and its NUSI_TARGET_AVX2 twin is marked NUSI_ALWAYS_INLINE, so that the
// twin compiles it for AVX2 (a call would run the portable code).
#if defined(__GNUC__) || defined(__clang__)
#define NUSI_ALWAYS_INLINE inline __attribute__((always_inline))
#else
#define NUSI_ALWAYS_INLINE inline
#endif

namespace nusi::detail {

/// Whether this processor has AVX2 (false where the AVX2 paths are not compiled).
inline bool processor_has_avx2() {
#if (defined(__GNUC__) || defined(__clang__)) && defined(__x86_64__)
  static const bool has = __builtin_cpu_supports("avx2");
  return has;
#else
  return false;
#endif
}

/// Whether the AVX2 paths may be taken (default true): false forces the portable ones (for comparing the two).
inline std::atomic<bool>& avx2_paths_allowed() {
  static std::atomic<bool> allowed{true};
  return allowed;
}

/// True if this processor has AVX2 and the AVX2 paths are allowed.
inline bool use_avx2() { return processor_has_avx2() && avx2_paths_allowed().load(std::memory_order_relaxed); }

/// Real lanes of a Scalar: 1 for a real, 2 for a std::complex (its real and imaginary parts).
template <class Scalar>
inline constexpr std::size_t real_lanes = 1;
template <class Real>
inline constexpr std::size_t real_lanes<std::complex<Real>> = 2;

/// The array of Real behind an array of Real or std::complex<Real> (array-compatible with Real[2] by the standard,
/// [complex.numbers.general]): real and imaginary parts interleaved.
template <class Real, class Scalar>
const Real* real_array(const Scalar* p) {
  return reinterpret_cast<const Real*>(p);  // NOLINT(cppcoreguidelines-pro-type-reinterpret-cast): see above
}
template <class Real, class Scalar>
Real* real_array(Scalar* p) {
  return reinterpret_cast<Real*>(p);  // NOLINT(cppcoreguidelines-pro-type-reinterpret-cast): see above
}

#if (defined(__GNUC__) || defined(__clang__)) && defined(__x86_64__)
/// Four doubles in one AVX register (a GCC/Clang vector extension), for loops written out in NUSI_TARGET_AVX2 functions:
/// `+` and `*` on it are the lane-wise IEEE operations (no FMA is enabled there, so none is contracted).
using double4 = double __attribute__((vector_size(32)));
/// Unaligned load, store and broadcast (inlined into their NUSI_TARGET_AVX2 callers).
NUSI_ALWAYS_INLINE NUSI_TARGET_AVX2 double4 load4(const double* p) {
  double4 v;
  __builtin_memcpy(&v, p, sizeof v);
  return v;
}
NUSI_ALWAYS_INLINE NUSI_TARGET_AVX2 void store4(double* p, double4 v) { __builtin_memcpy(p, &v, sizeof v); }
NUSI_ALWAYS_INLINE NUSI_TARGET_AVX2 double4 broadcast4(double c) { return double4{c, c, c, c}; }
/// Lane masks (all bits set where true, as the comparisons of double4 give them), |x| per lane, a lane-wise choice, and
/// whether any lane is set. Bits move through memcpy (no casts); the calls inline to register operations.
using mask4 = long long __attribute__((vector_size(32)));
template <class Comparison>
NUSI_ALWAYS_INLINE NUSI_TARGET_AVX2 mask4 to_mask4(Comparison c) {
  static_assert(sizeof(Comparison) == sizeof(mask4));
  mask4 m;
  __builtin_memcpy(&m, &c, sizeof m);
  return m;
}
NUSI_ALWAYS_INLINE NUSI_TARGET_AVX2 mask4 bits4(double4 x) { return to_mask4(x); }
NUSI_ALWAYS_INLINE NUSI_TARGET_AVX2 double4 from_bits4(mask4 b) {
  double4 x;
  __builtin_memcpy(&x, &b, sizeof x);
  return x;
}
NUSI_ALWAYS_INLINE NUSI_TARGET_AVX2 double4 abs4(double4 x) {
  constexpr long long magnitude = 0x7fffffffffffffffLL;  // every bit but the sign
  return from_bits4(bits4(x) & mask4{magnitude, magnitude, magnitude, magnitude});
}
NUSI_ALWAYS_INLINE NUSI_TARGET_AVX2 double4 select4(mask4 m, double4 yes, double4 no) { return from_bits4((m & bits4(yes)) | (~m & bits4(no))); }
NUSI_ALWAYS_INLINE NUSI_TARGET_AVX2 bool any4(mask4 m) { return (m[0] | m[1] | m[2] | m[3]) != 0; }
/// std::min(x, y) and std::max(x, y) per lane (y < x ? y : x and x < y ? y : x: the same lane as std's, ties and signed
/// zeros included).
NUSI_ALWAYS_INLINE NUSI_TARGET_AVX2 double4 min4(double4 x, double4 y) { return select4(to_mask4(y < x), y, x); }
NUSI_ALWAYS_INLINE NUSI_TARGET_AVX2 double4 max4(double4 x, double4 y) { return select4(to_mask4(x < y), y, x); }
/// Four registers' 4 x 4 transpose stored as rows: to[l][at + r] = v[r][l] for lanes l and registers r < 4 (four
/// unaligned stores; the rows may lie anywhere, apart).
NUSI_ALWAYS_INLINE NUSI_TARGET_AVX2 void store_transposed4(const double4* v, double* const* to, std::size_t at) {
  const double4 t0 = __builtin_shufflevector(v[0], v[1], 0, 4, 2, 6), t1 = __builtin_shufflevector(v[0], v[1], 1, 5, 3, 7);
  const double4 t2 = __builtin_shufflevector(v[2], v[3], 0, 4, 2, 6), t3 = __builtin_shufflevector(v[2], v[3], 1, 5, 3, 7);
  store4(to[0] + at, __builtin_shufflevector(t0, t2, 0, 1, 4, 5));
  store4(to[1] + at, __builtin_shufflevector(t1, t3, 0, 1, 4, 5));
  store4(to[2] + at, __builtin_shufflevector(t0, t2, 2, 3, 6, 7));
  store4(to[3] + at, __builtin_shufflevector(t1, t3, 2, 3, 6, 7));
}
#endif

/// Asks the cache for the lines of p[0 .. n) before they are written (a hint only: no effect on any value).
template <class Real>
inline void prefetch_for_write(const Real* p, std::size_t n) {
#if defined(__GNUC__) || defined(__clang__)
  const char* first = reinterpret_cast<const char*>(p);  // NOLINT(cppcoreguidelines-pro-type-reinterpret-cast): byte address
  const char* last = first + n * sizeof(Real) - 1;
  for (const char* line = first; line <= last; line += 64) __builtin_prefetch(line, 1);
  __builtin_prefetch(last, 1);
#else
  (void)p;
  (void)n;
#endif
}

/// y[c] += w x[c] for c < n, compiled for AVX2 (call where use_avx2(); the portable twin is the same loop, written
/// where it is used: for complex arrays there as complex arithmetic, which the compiler keeps in two-lane registers).
template <class Real>
NUSI_TARGET_AVX2 void add_scaled_avx2(Real w, const Real* x, Real* y, std::size_t n) {
  for (std::size_t c = 0; c < n; ++c) y[c] += w * x[c];
}

}  // namespace nusi::detail
