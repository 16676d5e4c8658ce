// SPDX-License-Identifier: MIT
// Relative comparisons for the doctest suite. doctest::Approx(x).epsilon(e) accepts |a - x| <
// e (1 + max(|a|, |x|)): below 1 the "1" dominates and the check is ABSOLUTE, so for a cross section
// in cm^2 (1e-42), a fraction F ~ 1e-3 or an angle ~ 1e-9 it passes whatever the value.
#pragma once

#include <algorithm>
#include <cmath>
#include <type_traits>

#include <doctest/doctest.h>

namespace nusi_test {

/// |a - b| / max(|a|, |b|) (0 if equal), in the arguments' common type (so long double keeps its
/// digits; Approx holds only a double), returned as long double for printing.
template <class A, class B>
long double relative_error(A a, B b) {
  using C = std::common_type_t<A, B>;
  const C x = a, y = b;
  if (x == y) return 0;
  using std::fabs;
  return static_cast<long double>(fabs(x - y) / std::max(fabs(x), fabs(y)));
}

/// Approx(x) that accepts |a - x| < relative_tolerance * max(|a|, |x|) whatever the magnitude of x
/// (doctest's scale(0)). Fails when both are exactly 0: compare an expected 0 with an absolute bound.
inline doctest::Approx rel(double x, double relative_tolerance) {
  return doctest::Approx(x).epsilon(relative_tolerance).scale(0);
}

}  // namespace nusi_test
