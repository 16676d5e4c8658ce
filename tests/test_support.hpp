// SPDX-License-Identifier: MIT
// Relative comparisons for the doctest suite. doctest::Approx(x).epsilon(e) accepts |a - x| <
// e (1 + max(|a|, |x|)): below 1 the "1" dominates and the check is ABSOLUTE, so for a cross section
// in cm^2 (1e-42), a fraction F ~ 1e-3 or an angle ~ 1e-9 it passes whatever the value.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <numbers>
#include <ostream>
#include <type_traits>

#include <doctest/doctest.h>

#include <nusi/propagation_setup.hpp>

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

/// Reference constants of the core tests, typed in from their sources (PHYSICS-SPEC constants, zeta
/// values) and not taken from the library, so the closed forms built from them are independent.
namespace reference {
inline constexpr long double zeta3 = 1.2020569031595942853997L;
inline constexpr long double zeta5 = 1.0369277551433699263314L;
inline constexpr long double pi = std::numbers::pi_v<long double>;
inline constexpr long double hbar_c_cm = 197.3269804e-13L;  // MeV cm
inline constexpr long double m_u_g = 1.66053906660e-24L;
/// Fermi-Dirac moments at eta = 0: <E>/T = 7 pi^4/(180 zeta(3)), <E^2>/T^2 = 15 zeta(5)/zeta(3).
inline constexpr long double energy_per_T = 7 * pi * pi * pi * pi / (180 * zeta3);
inline constexpr long double energy2_per_T2 = 15 * zeta5 / zeta3;
/// sigma_nuN / E^2 [cm^2 MeV^-2] = (1 + 3 g_A^2)/4 G_F^2/pi (hbar c)^2.
inline constexpr long double sigma_coefficient =
    (1 + 3 * 1.27L * 1.27L) / 4 * 1.1663788e-11L * 1.1663788e-11L / pi * hbar_c_cm * hbar_c_cm;
}  // namespace reference

/// The paper's propagation setup (PHYSICS-SPEC defaults) with the mediator at (log10 M/MeV, log10 g).
inline nusi::propagation_setup<double> setup_at(double log10_mass_MeV, double log10_g) {
  nusi::propagation_setup<double> s;
  s.med = {.mass_MeV = std::pow(10.0, log10_mass_MeV), .coupling = std::pow(10.0, log10_g)};
  return s;
}

/// Optical depth n_targets sigma_tot(E) D of a setup at energy E.
inline double optical_depth(const nusi::propagation_setup<double>& s, double E_MeV) {
  return s.relic.target_density_per_cm3() * s.cross_section().sigma_total_cm2(E_MeV) * s.distance_cm;
}

}  // namespace nusi_test
