// SPDX-License-Identifier: MIT
// Relative comparisons for the doctest suite. doctest::Approx(x).epsilon(e) accepts |a - x| <
// e (1 + max(|a|, |x|)): below 1 the "1" dominates and the check is ABSOLUTE, so for a cross section
// in cm^2 (1e-42), a fraction F ~ 1e-3 or an angle ~ 1e-9 it passes whatever the value.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <ostream>
#include <type_traits>

#include <doctest/doctest.h>

namespace nusi_test {

/// |a - b| / max(|a|, |b|) (0 if equal), in the arguments' common type (so long double keeps its
/// digits), returned as long double for printing.
template <class A, class B>
long double relative_error(A a, B b) {
  using C = std::common_type_t<A, B>;
  const C x = a, y = b;
  if (x == y) return 0;
  using std::fabs;
  return static_cast<long double>(fabs(x - y) / std::max(fabs(x), fabs(y)));
}

/// The right-hand side of CHECK(a == rel(x, tolerance)): true iff a == x or |a - x| <= tolerance *
/// max(|a|, |x|), whatever the magnitude of x (NaN never compares equal). On failure doctest prints
/// x to 17 digits and the relative error found (doctest prints the double a to 6 digits only).
struct relative_approx {
  double value;
  double tolerance;
  mutable double found = 0;  ///< relative error of the last comparison, for the failure message

  friend bool operator==(double a, const relative_approx& r) {
    if (a == r.value) {
      r.found = 0;
      return true;
    }
    r.found = std::fabs(a - r.value) / std::max(std::fabs(a), std::fabs(r.value));
    return r.found <= r.tolerance;  // false for NaN
  }
  friend bool operator==(const relative_approx& r, double a) { return a == r; }
  friend bool operator!=(double a, const relative_approx& r) { return !(a == r); }
  friend bool operator!=(const relative_approx& r, double a) { return !(a == r); }
  friend std::ostream& operator<<(std::ostream& os, const relative_approx& r) {
    char text[96];
    std::snprintf(text, sizeof text, "rel(%.17g; relative error %.3g, tolerance %.3g)", r.value, r.found, r.tolerance);
    return os << text;
  }
};

/// CHECK(a == rel(x, relative_tolerance)): a relative comparison at any magnitude.
inline relative_approx rel(double x, double relative_tolerance) { return {x, relative_tolerance}; }

}  // namespace nusi_test
