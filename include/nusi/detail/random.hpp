// SPDX-License-Identifier: MIT
// Random-number helpers shared by the Monte Carlos (spectra sampling, propagation, phase space): a
// uniform deviate in (0, 1) that is the same on every platform for a given engine state, and the
// splitmix64 mixer that derives independent, reproducible seeds for numbered streams.
#pragma once

#include <cstdint>
#include <limits>

namespace nusi::detail {

/// Uniform deviate in the open interval (0, 1) from any uniform random bit generator; deterministic.
/// Values that round to 1 in Real (possible for float) are returned as the largest Real below 1.
template <class Real, class URBG>
Real uniform_open01(URBG& rng) {
  const auto span = static_cast<long double>(URBG::max() - URBG::min()) + 1.0L;
  const auto draw = static_cast<long double>(rng() - URBG::min());
  const Real u = static_cast<Real>((draw + 0.5L) / span);
  if (!(u < Real(1))) return Real(1) - std::numeric_limits<Real>::epsilon() / 2;
  if (!(u > Real(0))) return std::numeric_limits<Real>::min();
  return u;
}

/// splitmix64 of (seed, i) (S. Vigna, splitmix64.c, 2015): well-mixed, distinct seeds for the
/// numbered streams (primaries, batches) of one run, so stream i depends only on (seed, i).
inline std::uint64_t splitmix64(std::uint64_t seed, std::uint64_t i) {
  std::uint64_t z = seed + (i + 1) * 0x9e3779b97f4a7c15ULL;
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

}  // namespace nusi::detail
