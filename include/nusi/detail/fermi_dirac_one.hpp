// SPDX-License-Identifier: MIT
// The complete Fermi-Dirac integral of order one at non-positive degeneracy, F_1(-y) = int_0^inf t/(e^(t+y) + 1) dt =
// -Li2(-e^-y), y >= 0, in closed form and from a Chebyshev table: the cumulative of a massless relic's target-energy
// distribution (docs/physics.md, "The massless state's pole moments with the order of integration swapped").
#pragma once

#include <array>
#include <bit>
#include <cmath>
#include <cstddef>
#include <limits>
#include <type_traits>
#include <vector>

#include <boost/math/constants/constants.hpp>

#include "wide_vectors.hpp"


namespace nusi::detail {

/// F_1(-y) from u = ln(1 + e^-y) in (0, ln 2]: Landen's Li2(z) = -Li2(z/(z - 1)) - ln^2(1 - z)/2 at z = -e^-y turns it
/// into the Bernoulli series of Li2 in u = -ln(1 - z/(z - 1)): u + u^2/4 + sum_k B_2k u^(2k+1)/(2k+1)! (Abramowitz &
/// Stegun 27.7.3 with 23.1.1; the terms fall like (u/2 pi)^2k, eleven reach 1e-24 at u = ln 2).
template <class Real>
Real fermi_dirac_one_of_log(Real u) {
  static const std::array<Real, 11> coefficient = [] {
    // B_2k as numerator/denominator, k = 1..11, divided by (2k+1)!.
    constexpr long double B[11][2] = {{1, 6},          {-1, 30},          {1, 42},       {-1, 30},
                                      {5, 66},         {-691, 2730},      {7, 6},        {-3617, 510},
                                      {43867, 798},    {-174611, 330},    {854513, 138}};
    std::array<Real, 11> c{};
    long double factorial = 6;  // 3!
    for (std::size_t k = 0; k < c.size(); ++k) {
      c[k] = static_cast<Real>(B[k][0] / B[k][1] / factorial);
      factorial *= static_cast<long double>((2 * k + 4) * (2 * k + 5));
    }
    return c;
  }();
  const Real u2 = u * u;
  Real p = coefficient.back();
  for (std::size_t k = coefficient.size() - 1; k-- > 0;) p = p * u2 + coefficient[k];
  return u + u2 * (Real(0.25L) + u * p);
}

/// F_1(-y) = -Li2(-e^-y) for y >= 0 in closed form (fermi_dirac_one_of_log).
template <class Real>
Real fermi_dirac_one_exact(Real y) {
  using std::exp;
  using std::log1p;
  return fermi_dirac_one_of_log(log1p(exp(-y)));
}

/// F_1(-y) for y >= 0 from a table: on [0, 64] one polynomial per quarter unit of y (the Chebyshev interpolant through
/// the closed form in long double, in powers of the interval's local coordinate; F_1 is analytic within pi of the real
/// axis, so degree 10 is exact to 1e-18 for double), beyond 64 the closed form. Ten multiply-adds instead of an
/// exponential and a logarithm.
template <class Real>
class fermi_dirac_one_table {
 public:
  static constexpr std::size_t per_unit = 4, intervals = 256;
  static constexpr std::size_t degree = std::numeric_limits<Real>::digits <= 24 ? 5 : (std::numeric_limits<Real>::digits <= 53 ? 10 : 15);

  static const fermi_dirac_one_table& instance() {
    static const fermi_dirac_one_table table;
    return table;
  }
  Real operator()(Real y) const {
    const Real scaled = y * Real(per_unit);
    if (!(scaled < Real(intervals))) return fermi_dirac_one_exact(y);
    const std::size_t k = scaled > 0 ? static_cast<std::size_t>(scaled) : 0;
    const Real s = 2 * (scaled - Real(k)) - 1;  // [-1, 1] on the interval
    const Real* c = coefficients_.data() + k * (degree + 1);
    const Real s2 = s * s, s4 = s2 * s2;
    return estrin<degree + 1>(c, std::array<Real, 4>{s, s2, s4, s4 * s4});
  }
#if (defined(__GNUC__) || defined(__clang__)) && defined(__x86_64__)  // double4
  /// operator() in four lanes (Real = double; call where use_avx2()): the same operations, so the same values bit for bit.
  NUSI_TARGET_AVX2 double4 four(double4 y) const
    requires std::is_same_v<Real, double>
  {
    const double4 scaled = y * broadcast4(double(per_unit));
    double4 k{}, result{};
    std::array<const double*, 4> c{};
    mask4 in_table{};
    for (std::size_t l = 0; l < 4; ++l) {
      in_table[l] = scaled[l] < double(intervals) ? -1 : 0;
      const std::size_t index = in_table[l] != 0 && scaled[l] > 0 ? static_cast<std::size_t>(scaled[l]) : 0;
      k[l] = double(index);
      c[l] = coefficients_.data() + index * (degree + 1);
    }
    const double4 s = broadcast4(2) * (scaled - k) - broadcast4(1), s2 = s * s, s4 = s2 * s2;
    result = estrin4<degree + 1>(c, 0, std::array<double4, 4>{s, s2, s4, s4 * s4});
    for (std::size_t l = 0; l < 4; ++l)
      if (in_table[l] == 0) result[l] = fermi_dirac_one_exact(y[l]);
    return result;
  }
#endif

 private:
  // c[0] + c[1] s + ... + c[n - 1] s^(n - 1) by Estrin's scheme (halves combined with the power of s at the split;
  // power[i] = s^(2^i)): about log2(n) dependent steps instead of Horner's n - 1.
  template <std::size_t n>
  static Real estrin(const Real* c, const std::array<Real, 4>& power) {
    if constexpr (n == 1) {
      return c[0];
    } else {
      constexpr std::size_t level = std::bit_width(n - 1) - 1, half = std::size_t(1) << level;  // the largest 2^i < n
      return estrin<half>(c, power) + estrin<n - half>(c + half, power) * power[level];
    }
  }

#if (defined(__GNUC__) || defined(__clang__)) && defined(__x86_64__)
  // estrin in four lanes, lane l's coefficients from c[l] + first.
  template <std::size_t n>
  NUSI_ALWAYS_INLINE NUSI_TARGET_AVX2 static double4 estrin4(const std::array<const double*, 4>& c, std::size_t first,
                                                             const std::array<double4, 4>& power) {
    if constexpr (n == 1) {
      return double4{c[0][first], c[1][first], c[2][first], c[3][first]};
    } else {
      constexpr std::size_t level = std::bit_width(n - 1) - 1, half = std::size_t(1) << level;
      return estrin4<half>(c, first, power) + estrin4<n - half>(c, first + half, power) * power[level];
    }
  }
#endif

  fermi_dirac_one_table() : coefficients_(intervals * (degree + 1)) {
    using W = long double;
    using std::cos;
    const W pi = boost::math::constants::pi<W>();
    constexpr std::size_t n = degree + 1;
    // The power-basis coefficients of the Chebyshev polynomials T_0..T_degree (T_{j+1} = 2 s T_j - T_{j-1}).
    std::array<std::array<W, n>, n> T{};
    T[0][0] = 1;
    if (n > 1) T[1][1] = 1;
    for (std::size_t j = 1; j + 1 < n; ++j)
      for (std::size_t i = 0; i < n; ++i) T[j + 1][i] = (i > 0 ? 2 * T[j][i - 1] : W(0)) - T[j - 1][i];
    // Chebyshev points of the first kind s_i and the transform's cos(pi j (i + 1/2)/n) = T_j(s_i).
    std::array<std::array<W, n>, n> transform{};
    for (std::size_t j = 0; j < n; ++j)
      for (std::size_t i = 0; i < n; ++i) transform[j][i] = cos(pi * W(j) * (W(i) + W(0.5L)) / W(n));
    std::array<W, n> value{};
    for (std::size_t k = 0; k < intervals; ++k) {
      for (std::size_t i = 0; i < n; ++i) value[i] = fermi_dirac_one_exact<W>((W(k) + (transform[1][i] + 1) / 2) / W(per_unit));
      std::array<W, n> power{};
      for (std::size_t j = 0; j < n; ++j) {
        W c = 0;
        for (std::size_t i = 0; i < n; ++i) c += value[i] * transform[j][i];
        c *= (j == 0 ? W(1) : W(2)) / W(n);
        for (std::size_t i = 0; i <= j; ++i) power[i] += c * T[j][i];
      }
      for (std::size_t i = 0; i < n; ++i) coefficients_[k * n + i] = static_cast<Real>(power[i]);
    }
  }
  std::vector<Real> coefficients_;
};

}  // namespace nusi::detail
