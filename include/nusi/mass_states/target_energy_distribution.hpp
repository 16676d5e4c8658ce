// SPDX-License-Identifier: MIT
// A thermally moving relic neutrino seen by a supernova neutrino of energy E >> T: the flux-weighted distribution of
// x = (s - m^2)/(2E) = E_2 - p cos(theta), the "target energy" that replaces m in s = m^2 + 2 E m for a relic at rest
// (docs/physics.md, "At rest or thermal"). The relic momenta follow the relativistic Fermi-Dirac distribution at T_nu0.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <string_view>
#include <utility>
#include <vector>

#include <boost/math/constants/constants.hpp>
#include <boost/math/quadrature/gauss.hpp>

#include "../errors.hpp"
#include "../spectra.hpp"

namespace nusi {

/// One node of a quadrature rule over the target-energy distribution: x [MeV] and its probability weight.
template <class Real>
struct target_energy_node {
  Real x_MeV;
  Real weight;
};

/// The flux-weighted distribution rho(x) of x = (s - m^2)/(2E) for a relic of mass m [MeV] whose momenta follow
/// f(p) = 1/(e^(p/T) + 1): the collision rate of a neutrino of energy E >> x is n int rho(x) sigma(m^2 + 2 E x) dx.
/// With P = |x^2 - m^2|/(2x), rho(x) = x W(P)/(2N), W(P) = int_P^inf p f(p)/sqrt(p^2 + m^2) dp, N = int p^2 f dp
/// (docs/physics.md derives it). For m = 0, W = T ln(1 + e^(-P/T)). Unit normalised; rho -> delta(x - m) for m >> T.
/// Throws nusi::invalid_argument if m is negative or not finite, or T is not finite and > 0.
template <class Real>
class target_energy_distribution {
 public:
  target_energy_distribution(Real mass_MeV, Real temperature_MeV) : m_(mass_MeV), T_(temperature_MeV) {
    using std::log;
    using std::max;
    using std::min;
    constexpr std::string_view fn = "nusi::target_energy_distribution";
    detail::require_non_negative(fn, "mass_MeV", mass_MeV);
    detail::require_positive(fn, "temperature_MeV", temperature_MeV);
    N_ = T_ * T_ * T_ * fermi_dirac_integral(Real(2), Real(0));
    // Table of W on a fine P-grid (cubic Hermite between points: relative error < 1e-7): geometric with ratio 1.25
    // from a 64th of the smaller scale (m or T) up to T/4, then steps of T/16 up to P_max = 64 T, where W/W(0) < 1e-26.
    const Real scale = m_ > 0 ? min(m_, T_) : T_;
    edges_.push_back(Real(0));
    for (Real p = scale / 64; p < T_ / 4; p *= Real(1.25L)) edges_.push_back(p);
    for (Real p = T_ / 4; p <= 64 * T_; p += T_ / 16) edges_.push_back(p);
    const std::size_t n = edges_.size();
    W_.assign(n, Real(0));  // W(P_max) ~ e^(-64) W(0) is dropped
    for (std::size_t k = n - 1; k-- > 0;) W_[k] = W_[k + 1] + integral_g(edges_[k], edges_[k + 1]);
    // The rule over x: both branches x_+ >= m >= x_-, 6 Gauss points per P-interval. rho dx = W x^2/(2 N E_P) dP.
    using rule = boost::math::quadrature::gauss<Real, 6>;
    const auto& abscissa = rule::abscissa();
    const auto& weights = rule::weights();
    auto add = [&](Real P, Real w) {
      const Real E = energy(P), Wp = W(P);
      const Real xp = P + E;
      nodes_.push_back({xp, w * Wp * xp * xp / (2 * N_ * E)});
      if (m_ > 0) {
        const Real xm = m_ * m_ / (P + E);  // sqrt(P^2 + m^2) - P without cancellation
        nodes_.push_back({xm, w * Wp * xm * xm / (2 * N_ * E)});
      }
    };
    // Rule intervals in P: [0, scale/8], doubling up to 2T, then doubling up to 64T (6 Gauss points each, two branches).
    std::vector<Real> cuts{Real(0)};
    for (Real p = scale / 8; p < 2 * T_; p *= 2) cuts.push_back(p);
    for (Real p = 2 * T_; p <= 64 * T_; p *= 2) cuts.push_back(p);
    for (std::size_t k = 0; k + 1 < cuts.size(); ++k) {
      const Real mid = (cuts[k] + cuts[k + 1]) / 2, half = (cuts[k + 1] - cuts[k]) / 2;
      for (std::size_t q = 0; q < abscissa.size(); ++q) {
        const Real w = weights[q] * half;
        if (abscissa[q] == 0) {
          add(mid, w);
        } else {
          add(mid + half * abscissa[q], w);
          add(mid - half * abscissa[q], w);
        }
      }
    }
    std::sort(nodes_.begin(), nodes_.end(), [](const auto& a, const auto& b) { return a.x_MeV < b.x_MeV; });
    Real total = 0, first = 0;
    for (const auto& node : nodes_) {
      total += node.weight;
      first += node.weight * node.x_MeV;
    }
    normalisation_error_ = total - 1;
    mean_ = first / total;
    for (auto& node : nodes_) node.weight /= total;  // unit normalised to rounding (the rule's error is ~1e-12)
    x_max_ = nodes_.back().x_MeV * Real(1.01L);
  }

  Real mass_MeV() const { return m_; }
  Real temperature_MeV() const { return T_; }
  /// <x> [MeV]: m + O(T^2/m) for m >> T; 4.20 T for m = 0.
  Real mean_MeV() const { return mean_; }
  /// Deviation of the quadrature's total weight from 1 before it was normalised (its error).
  Real normalisation_error() const { return normalisation_error_; }
  /// Largest x with non-negligible weight [MeV] (rho < 1e-20 of its peak beyond it).
  Real max_x_MeV() const { return x_max_; }
  /// A composite Gauss rule for int rho(x) h(x) dx, smooth h: about 50 (m = 0) to 130 nodes, sorted by x.
  const std::vector<target_energy_node<Real>>& nodes() const { return nodes_; }

  /// rho(x) [MeV^-1] (0 for x <= 0).
  Real density_per_MeV(Real x_MeV) const {
    detail::require_not_nan("nusi::target_energy_distribution::density_per_MeV", "x_MeV", x_MeV);
    if (!(x_MeV > 0)) return Real(0);
    const Real P = (x_MeV > m_ ? (x_MeV - m_) * (x_MeV + m_) : (m_ - x_MeV) * (m_ + x_MeV)) / (2 * x_MeV);
    return x_MeV * W(P) / (2 * N_);
  }
  /// W(P) = int_P^inf p f(p)/sqrt(p^2 + m^2) dp [MeV], cubic Hermite between the tabulated edges (W' = -p f/E_P known).
  Real W(Real P) const {
    using std::log1p;
    using std::exp;
    if (!(P < edges_.back())) return Real(0);
    if (m_ == 0) return T_ * log1p(exp(-P / T_));
    const std::size_t k = static_cast<std::size_t>(std::upper_bound(edges_.begin(), edges_.end(), P) - edges_.begin()) - 1;
    const Real a = edges_[k], b = edges_[k + 1], h = b - a, t = (P - a) / h;
    const Real da = -g(a) * h, db = -g(b) * h;
    const Real t2 = t * t, t3 = t2 * t;
    return (2 * t3 - 3 * t2 + 1) * W_[k] + (t3 - 2 * t2 + t) * da + (-2 * t3 + 3 * t2) * W_[k + 1] + (t3 - t2) * db;
  }

 private:
  Real energy(Real P) const {
    using std::sqrt;
    return sqrt(P * P + m_ * m_);
  }
  // p f(p)/sqrt(p^2 + m^2), f = 1/(e^(p/T) + 1) in the overflow-safe form.
  Real g(Real p) const {
    const Real E = energy(p);
    if (!(E > 0)) return detail::fermi_occupation(Real(0));
    return p / E * detail::fermi_occupation(p / T_);
  }
  Real integral_g(Real a, Real b) const {
    return boost::math::quadrature::gauss<Real, 10>::integrate([this](Real p) { return g(p); }, a, b);
  }

  Real m_, T_, N_ = 0, mean_ = 0, normalisation_error_ = 0, x_max_ = 0;
  std::vector<Real> edges_, W_;
  std::vector<target_energy_node<Real>> nodes_;
};

}  // namespace nusi
