// SPDX-License-Identifier: MIT
// Global adaptive Gauss-Kronrod quadrature (not API): the radial integrals of the random walk
// (random_walk.hpp) and the unscattered fraction (arrival_times.hpp). Its result type,
// integral_result, is public: the random walk and the core bound return it.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <string_view>
#include <vector>

#include <boost/math/quadrature/gauss.hpp>
#include <boost/math/quadrature/gauss_kronrod.hpp>

#include "../errors.hpp"
#include "text.hpp"

namespace nusi {

/// A quadrature's value with its error estimate and L1 = integral of |f|; L1/|value| is the
/// condition number (Boost.Math's convention).
template <class Real>
struct integral_result {
  Real value = Real(0);
  Real error = Real(0);
  Real L1 = Real(0);
};

namespace detail {

/// 31-point Gauss-Kronrod on [a, b]: value, |K - G| scaled to [a, b], and L1.
template <class Real, class F>
integral_result<Real> gauss_kronrod_31(F& f, Real a, Real b) {
  using std::abs;
  using gk = boost::math::quadrature::gauss_kronrod<Real, 31>;
  using gl = boost::math::quadrature::gauss<Real, 15>;
  const auto& x = gk::abscissa();
  const auto& wk = gk::weights();
  const auto& wg = gl::weights();
  const Real mid = (a + b) / 2, half = (b - a) / 2;
  const Real f0 = f(mid);
  Real kronrod = f0 * wk[0], gauss = f0 * wg[0], l1 = abs(f0) * wk[0];
  for (std::size_t i = 1; i < x.size(); ++i) {
    const Real fp = f(mid + half * x[i]), fm = f(mid - half * x[i]);
    kronrod += (fp + fm) * wk[i];
    l1 += (abs(fp) + abs(fm)) * wk[i];
    if (i % 2 == 0) gauss += (fp + fm) * wg[i / 2];  // Gauss nodes sit at the even Kronrod indices
  }
  return {kronrod * half, abs(kronrod - gauss) * half, l1 * half};
}

/// Global adaptive Gauss-Kronrod (QUADPACK qag style, error estimate |K31 - G15|) over the
/// partition, bisecting the interval with the largest error until error <= tol * L1. Throws
/// nusi::numerical_error naming `what` on a non-finite integrand or when max_intervals is exceeded.
template <class Real, class F>
integral_result<Real> adaptive_integral(F f, const std::vector<Real>& partition, Real tol, std::size_t max_intervals,
                                        std::string_view what) {
  struct piece {
    Real a, b;
    integral_result<Real> r;
  };
  std::vector<piece> pieces;
  pieces.reserve(partition.size() + 64);
  for (std::size_t i = 0; i + 1 < partition.size(); ++i)
    pieces.push_back({partition[i], partition[i + 1], gauss_kronrod_31(f, partition[i], partition[i + 1])});
  auto total = [&pieces] {
    integral_result<Real> t;
    for (const auto& p : pieces) {
      t.value += p.r.value;
      t.error += p.r.error;
      t.L1 += p.r.L1;
    }
    return t;
  };
  for (;;) {
    const integral_result<Real> t = total();
    if (!is_finite(t.value) || !is_finite(t.error))
      throw nusi::numerical_error(concat_text(what, ": the integrand is not finite (a non-finite profile or cross-section value, "
                                              "or a product beyond the range of the floating-point type: "
                                              "n_nu r/lambda ~ 1e44 cm^-3 overflows float; use double)"));
    if (t.error <= tol * t.L1) return t;
    if (pieces.size() >= max_intervals)
      throw nusi::numerical_error(concat_text(what, ": adaptive quadrature did not reach relative error ", tol, " in ",
                                              max_intervals, " intervals (error ", t.error, ", value ", t.value, ")"));
    auto worst = std::max_element(pieces.begin(), pieces.end(),
                                  [](const piece& p, const piece& q) { return p.r.error < q.r.error; });
    const Real a = worst->a, b = worst->b, m = (a + b) / 2;
    *worst = piece{a, m, gauss_kronrod_31(f, a, m)};
    pieces.push_back(piece{m, b, gauss_kronrod_31(f, m, b)});
  }
}

}  // namespace detail
}  // namespace nusi
