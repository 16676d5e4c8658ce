// SPDX-License-Identifier: MIT
// A supernova simulation's neutrino emission: per flavour, luminosity L(t), mean energy <E>(t) and
// pinching alpha(t) of a pinched spectrum (paper Sec. IV, Refs. [47,48]), interpolated linearly in
// time; the flux leaving the star in each flavour after conversion at the source (flavor_conversion.hpp);
// the emitted number and energy; the fluence (time-integrated spectrum) as a fluence_spectrum. The
// readers of model files are emission/garching.hpp, nakazato.hpp and csv_model.hpp. Throws
// nusi::invalid_argument, nusi::numerical_error.
#pragma once

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <boost/math/constants/constants.hpp>

#include "../detail/promote.hpp"
#include "../errors.hpp"
#include "../spectra.hpp"
#include "../units.hpp"
#include "flavor_conversion.hpp"
#include "fluence.hpp"

namespace nusi {

/// One time of one flavour: L [erg/s], <E> [MeV] and alpha of the pinched spectrum at time_s [s].
/// Where luminosity_erg_per_s is 0 the shape may be left 0 (unknown): it is taken from the nearest
/// row with L > 0.
template <class Real>
struct emission_sample {
  Real time_s = Real(0);
  Real luminosity_erg_per_s = Real(0);
  Real mean_energy_MeV = Real(0);
  Real alpha = Real(0);
};

/// Largest |time| [s] of a model row: bursts last seconds; the bound keeps every time difference finite.
template <class Real> inline constexpr Real max_model_time_s = Real(1e7L);
/// Smallest step between two rows' times [s] (a picosecond).
template <class Real> inline constexpr Real min_model_time_step_s = Real(1e-12L);

namespace detail {
/// Nodes and weights of n-point Gauss-Legendre on [-1, 1] (Newton on P_n from the Chebyshev guess,
/// to rounding), n in [1, 64].
template <class W>
std::vector<std::pair<W, W>> gauss_legendre_rule(std::size_t n) {
  using std::abs;
  using std::cos;
  std::vector<std::pair<W, W>> rule(n);
  const W pi = boost::math::constants::pi<W>();
  for (std::size_t i = 0; i < (n + 1) / 2; ++i) {
    W x = cos(pi * (W(i) + W(0.75L)) / (W(n) + W(0.5L)));
    W dp = 1;
    for (int it = 0; it < 100; ++it) {
      W p0 = 1, p1 = x;  // P_0, P_1; recurrence to P_n
      for (std::size_t k = 2; k <= n; ++k) {
        const W p2 = ((2 * W(k) - 1) * x * p1 - (W(k) - 1) * p0) / W(k);
        p0 = p1;
        p1 = p2;
      }
      dp = W(n) * (x * p1 - p0) / (x * x - 1);  // P_n'(x)
      const W step = p1 / dp;
      x -= step;
      if (abs(step) <= 4 * std::numeric_limits<W>::epsilon()) break;
    }
    const W w = 2 / ((1 - x * x) * dp * dp);
    rule[i] = {-x, w};
    rule[n - 1 - i] = {x, w};
  }
  if (n % 2 == 1) rule[n / 2].first = 0;
  return rule;
}

/// int_0^1 (L_a + (L_b - L_a) s)/(m_a (1 + x s)) ds with x = (m_b - m_a)/m_a: the number emitted over a
/// unit time step where L and <E> are linear: [L_a log1p(x)/x + (L_b - L_a)(x - log1p(x))/x^2]/m_a,
/// by its Taylor series for |x| < 1e-4 (no cancellation).
template <class W>
W linear_ratio_integral(W L_a, W L_b, W m_a, W m_b) {
  using std::abs;
  using std::log1p;
  const W x = (m_b - m_a) / m_a;
  W f, g;  // log1p(x)/x and (x - log1p(x))/x^2
  if (abs(x) < W(1e-4L)) {
    f = 1 - x / 2 + x * x / 3 - x * x * x / 4;
    g = W(0.5L) - x / 3 + x * x / 4 - x * x * x / 5;
  } else {
    f = log1p(x) / x;
    g = (x - log1p(x)) / (x * x);
  }
  return (L_a * f + (L_b - L_a) * g) / m_a;
}
}  // namespace detail

/// The emission of one flavour: rows at strictly increasing times (steps of at least a picosecond), L, <E> and
/// alpha linear in time between them, no emission outside [start_s(), end_s()]. The number rate is L/<E>, so the
/// number emitted between two rows is integrated exactly (detail::linear_ratio_integral).
template <class Real>
class flavor_emission {
  using W = detail::promoted_t<Real>;

 public:
  /// @throws nusi::invalid_argument naming the row and member: fewer than 2 rows; a time not finite,
  /// outside [-1e7, 1e7] s or less than a picosecond (min_model_time_step_s) above the previous one; L not finite and
  /// >= 0 (or overflowing in MeV/s); where L > 0, <E> outside [1e-3, 1e4] MeV or alpha outside [-0.5, 100]; no row
  /// with L > 0; a number rate L/<E> (between rows: max L over min <E>), emitted number or energy that overflows, or
  /// an emitted number below the smallest normal number (its quadratures would underflow).
  explicit flavor_emission(std::vector<emission_sample<Real>> samples) : rows_(std::move(samples)) {
    constexpr std::string_view fn = "nusi::flavor_emission";
    const std::size_t n = rows_.size();
    if (n < 2) detail::throw_invalid(fn, "samples.size()", ">= 2 (rows)", n);
    std::vector<bool> shaped(n, false);
    for (std::size_t i = 0; i < n; ++i) {
      const auto& r = rows_[i];
      const std::string at = "samples[" + std::to_string(i) + "]";
      detail::require_closed_interval(fn, at + ".time_s", r.time_s, -max_model_time_s<Real>, max_model_time_s<Real>);
      if (i > 0 && !(r.time_s > rows_[i - 1].time_s))
        detail::throw_invalid(fn, at + ".time_s", "> the previous row's " + detail::to_text(rows_[i - 1].time_s) + " (strictly increasing)",
                              r.time_s);
      // A step below a picosecond is no simulation's output, and at subnormal steps (~1e-320 s) the time quadrature of
      // the fluence cannot resolve the interval (its pieces' weights underflow).
      if (i > 0 && !(W(r.time_s) - W(rows_[i - 1].time_s) >= W(min_model_time_step_s<Real>)))
        detail::throw_invalid(fn, at + ".time_s",
                              ">= the previous row's " + detail::to_text(rows_[i - 1].time_s) +
                                  " + 1e-12 s (a time step of at least a picosecond)",
                              r.time_s);
      detail::require_non_negative(fn, at + ".luminosity_erg_per_s", r.luminosity_erg_per_s);
      if (!detail::is_finite(W(r.luminosity_erg_per_s) * erg_MeV<W>))
        detail::throw_invalid(fn, at + ".luminosity_erg_per_s", "small enough to be finite in MeV/s", r.luminosity_erg_per_s);
      const bool shape_ok = detail::mean_energy_in_range(r.mean_energy_MeV) && detail::alpha_in_range(r.alpha);
      if (r.luminosity_erg_per_s > 0 && !shape_ok) {
        if (!detail::mean_energy_in_range(r.mean_energy_MeV))
          detail::throw_invalid(fn, at + ".mean_energy_MeV", "in [0.001, 1e4] where the luminosity is > 0", r.mean_energy_MeV);
        detail::throw_invalid(fn, at + ".alpha", "in [-0.5, 100]", r.alpha);
      }
      shaped[i] = shape_ok;
      if (r.luminosity_erg_per_s > 0) any_light_ = true;
    }
    if (!any_light_) detail::throw_invalid(fn, "samples", "at least one row with luminosity_erg_per_s > 0", 0);
    // Rows without light and without a usable shape borrow the nearest shaped row's (ties: earlier).
    for (std::size_t i = 0; i < n; ++i) {
      if (shaped[i]) continue;
      std::size_t best = n;
      for (std::size_t d = 1; d < n && best == n; ++d) {
        if (i >= d && shaped[i - d]) best = i - d;
        else if (i + d < n && shaped[i + d]) best = i + d;
      }
      rows_[i].mean_energy_MeV = rows_[best].mean_energy_MeV;
      rows_[i].alpha = rows_[best].alpha;
    }
    // The number rate between two rows is at most the larger L over the smaller <E>.
    for (std::size_t i = 0; i + 1 < n; ++i) {
      const W L = std::max(W(rows_[i].luminosity_erg_per_s), W(rows_[i + 1].luminosity_erg_per_s));
      const W m = std::min(W(rows_[i].mean_energy_MeV), W(rows_[i + 1].mean_energy_MeV));
      if (!detail::is_finite(L * erg_MeV<W> / m))
        detail::throw_invalid(fn, "samples[" + std::to_string(i) + "].luminosity_erg_per_s",
                              "small enough that the number rate L/<E> is finite", rows_[i].luminosity_erg_per_s);
    }
    const W number = emitted_number_between(-max_model_time_s<W>, max_model_time_s<W>);
    const W energy = emitted_energy_between(-max_model_time_s<W>, max_model_time_s<W>);
    if (!detail::is_finite(number) || !detail::is_finite(energy) || !(number >= W(std::numeric_limits<Real>::min())))
      detail::throw_invalid(fn, "samples", "luminosities whose emitted number and energy are finite and > 0",
                            "number " + detail::to_text(number) + ", energy " + detail::to_text(energy) + " erg");
  }

  /// The rows (shapes of dark rows filled in).
  const std::vector<emission_sample<Real>>& samples() const { return rows_; }
  Real start_s() const { return rows_.front().time_s; }
  Real end_s() const { return rows_.back().time_s; }

  /// L(t) [erg/s]: linear between rows, 0 outside. @throws nusi::invalid_argument if time_s is NaN.
  Real luminosity_erg_per_s(Real time_s) const {
    detail::require_not_nan("nusi::flavor_emission::luminosity_erg_per_s", "time_s", time_s);
    if (time_s < start_s() || time_s > end_s()) return Real(0);
    return static_cast<Real>(interpolate(time_s, [](const emission_sample<Real>& r) { return W(r.luminosity_erg_per_s); }));
  }
  /// <E>(t) [MeV]: linear between rows, the end rows' outside. @throws nusi::invalid_argument if time_s is NaN.
  Real mean_energy_MeV(Real time_s) const {
    detail::require_not_nan("nusi::flavor_emission::mean_energy_MeV", "time_s", time_s);
    return static_cast<Real>(interpolate(time_s, [](const emission_sample<Real>& r) { return W(r.mean_energy_MeV); }));
  }
  /// alpha(t): linear between rows, the end rows' outside. @throws nusi::invalid_argument if time_s is NaN.
  Real alpha(Real time_s) const {
    detail::require_not_nan("nusi::flavor_emission::alpha", "time_s", time_s);
    return static_cast<Real>(interpolate(time_s, [](const emission_sample<Real>& r) { return W(r.alpha); }));
  }
  /// dN/dt = L(t)/<E>(t) [1/s]. @throws nusi::invalid_argument if time_s is NaN.
  Real number_rate_per_s(Real time_s) const {
    return static_cast<Real>(W(luminosity_erg_per_s(time_s)) * erg_MeV<W> / W(mean_energy_MeV(time_s)));
  }
  /// The pinched spectrum at time_s (normalised). @throws nusi::invalid_argument if time_s is NaN.
  pinched_spectrum<Real> spectrum(Real time_s) const { return pinched_spectrum<Real>(mean_energy_MeV(time_s), alpha(time_s)); }

  /// Energy emitted in [from_s, to_s] [erg] (trapezoids: exact for L linear between rows).
  /// @throws nusi::invalid_argument unless from_s <= to_s (either may be infinite; NaN is rejected).
  Real emitted_energy_erg(Real from_s = -std::numeric_limits<Real>::infinity(),
                          Real to_s = std::numeric_limits<Real>::infinity()) const {
    check_range("nusi::flavor_emission::emitted_energy_erg", from_s, to_s);
    return static_cast<Real>(emitted_energy_between(clip(from_s), clip(to_s)));
  }
  /// Number emitted in [from_s, to_s] (exact: L/<E> of linear L and <E>).
  /// @throws nusi::invalid_argument unless from_s <= to_s (either may be infinite; NaN is rejected).
  Real emitted_number(Real from_s = -std::numeric_limits<Real>::infinity(), Real to_s = std::numeric_limits<Real>::infinity()) const {
    check_range("nusi::flavor_emission::emitted_number", from_s, to_s);
    return static_cast<Real>(emitted_number_between(clip(from_s), clip(to_s)));
  }

  /// Nodes (time [s], weight [s]) of a quadrature of [from_s, to_s] within the rows: `points`
  /// Gauss-Legendre nodes per piece, each row interval halved until 8-point Gauss-Legendre gives the
  /// exactly emitted number to 1e-10 (relative to the piece's, or 1e-14 of the flavour's) or 4096
  /// pieces per interval; each piece's weights are then scaled so that they give its exact number.
  /// Smooth rows need no halving; a steep L/<E> gets it. Intervals without light are skipped.
  /// Not checked: from_s <= to_s, points in [1, 64].
  std::vector<std::pair<W, W>> time_nodes(W from_s, W to_s, std::size_t points) const {
    const auto rule = detail::gauss_legendre_rule<W>(points);
    const auto check = detail::gauss_legendre_rule<W>(8);
    const W a0 = std::max(from_s, W(start_s())), b0 = std::min(to_s, W(end_s()));
    const W floor = W(1e-14L) * emitted_number_between(W(start_s()), W(end_s()));
    std::vector<std::pair<W, W>> nodes;
    std::vector<std::pair<W, W>> work;
    for (std::size_t i = first_interval(a0); i + 1 < rows_.size() && W(rows_[i].time_s) < b0; ++i) {
      const W a = std::max(a0, W(rows_[i].time_s)), b = std::min(b0, W(rows_[i + 1].time_s));
      if (!(b > a)) continue;
      if (rows_[i].luminosity_erg_per_s == 0 && rows_[i + 1].luminosity_erg_per_s == 0) continue;
      work.assign(1, {a, b});
      std::size_t pieces = 1;
      while (!work.empty()) {
        const auto [lo, hi] = work.back();
        work.pop_back();
        const W mid = (lo + hi) / 2, half = (hi - lo) / 2;
        W estimate = 0;
        for (const auto& [x, w] : check) estimate += half * w * W(number_rate_per_s(static_cast<Real>(mid + half * x)));
        const W exact = emitted_number_between(lo, hi);
        using std::abs;
        if (abs(estimate - exact) > W(1e-10L) * exact + floor && pieces < 4096 && mid > lo && mid < hi) {
          work.push_back({mid, hi});
          work.push_back({lo, mid});
          ++pieces;
          continue;
        }
        // The piece's own rule, rescaled to the exact number: numbers are conserved whatever `points`.
        W own = 0;
        for (const auto& [x, w] : rule) own += half * w * W(number_rate_per_s(static_cast<Real>(mid + half * x)));
        const W scale = own > 0 ? exact / own : W(1);
        for (const auto& [x, w] : rule) nodes.push_back({mid + half * x, half * w * scale});
      }
    }
    return nodes;
  }

  /// Appends to `out` the pinched components of coefficient * (the emission in [from_s, to_s]): at each
  /// node of time_nodes, number (weight x dN/dt) with the interpolated <E> and alpha.
  /// Not checked: from_s <= to_s, points in [1, 64].
  void append_components(W from_s, W to_s, std::size_t points, W coefficient, std::vector<pinched_component<Real>>& out) const {
    if (!(coefficient > 0)) return;
    for (const auto& [t, weight] : time_nodes(from_s, to_s, points)) {
      const W rate = W(number_rate_per_s(static_cast<Real>(t)));
      if (!(rate > 0)) continue;
      out.push_back({static_cast<Real>(coefficient * weight * rate), mean_energy_MeV(static_cast<Real>(t)), alpha(static_cast<Real>(t))});
    }
  }

 private:
  template <class F>
  W interpolate(Real t, F value) const {
    if (!(t > start_s())) return value(rows_.front());
    if (!(t < end_s())) return value(rows_.back());
    const auto it = std::upper_bound(rows_.begin(), rows_.end(), t,
                                     [](Real x, const emission_sample<Real>& r) { return x < r.time_s; });
    const std::size_t k = static_cast<std::size_t>(it - rows_.begin()) - 1;
    const W t0 = rows_[k].time_s, t1 = rows_[k + 1].time_s;
    const W s = (W(t) - t0) / (t1 - t0);
    return value(rows_[k]) + s * (value(rows_[k + 1]) - value(rows_[k]));
  }
  W clip(Real t) const { return std::clamp(W(t), W(start_s()), W(end_s())); }
  static void check_range(std::string_view fn, Real from_s, Real to_s) {
    detail::require_not_nan(fn, "from_s", from_s);
    detail::require_not_nan(fn, "to_s", to_s);
    if (from_s > to_s) detail::throw_invalid(fn, "from_s", "<= to_s = " + detail::to_text(to_s), from_s);
  }
  /// Index of the row interval holding time t (0 below the table): the loops below start there, so a
  /// short window costs O(log rows).
  std::size_t first_interval(W t) const {
    const auto it = std::upper_bound(rows_.begin(), rows_.end(), t,
                                     [](W x, const emission_sample<Real>& r) { return x < W(r.time_s); });
    return it == rows_.begin() ? 0 : static_cast<std::size_t>(it - rows_.begin()) - 1;
  }
  W emitted_energy_between(W a0, W b0) const {
    W sum = 0;
    for (std::size_t i = first_interval(a0); i + 1 < rows_.size() && W(rows_[i].time_s) < b0; ++i) {
      const W a = std::max(a0, W(rows_[i].time_s)), b = std::min(b0, W(rows_[i + 1].time_s));
      if (!(b > a)) continue;
      sum += (b - a) * (W(luminosity_erg_per_s(static_cast<Real>(a))) + W(luminosity_erg_per_s(static_cast<Real>(b)))) / 2;
    }
    return sum;
  }
  W emitted_number_between(W a0, W b0) const {
    W sum = 0;
    for (std::size_t i = first_interval(a0); i + 1 < rows_.size() && W(rows_[i].time_s) < b0; ++i) {
      const W a = std::max(a0, W(rows_[i].time_s)), b = std::min(b0, W(rows_[i + 1].time_s));
      if (!(b > a)) continue;
      const W t0 = rows_[i].time_s, t1 = rows_[i + 1].time_s;
      auto at = [&](W t, auto member) {
        const W s = (t - t0) / (t1 - t0);
        return W(rows_[i].*member) + s * (W(rows_[i + 1].*member) - W(rows_[i].*member));
      };
      const W La = at(a, &emission_sample<Real>::luminosity_erg_per_s), Lb = at(b, &emission_sample<Real>::luminosity_erg_per_s);
      const W ma = at(a, &emission_sample<Real>::mean_energy_MeV), mb = at(b, &emission_sample<Real>::mean_energy_MeV);
      sum += (b - a) * erg_MeV<W> * detail::linear_ratio_integral(La, Lb, ma, mb);
    }
    return sum;
  }

  std::vector<emission_sample<Real>> rows_;
  bool any_light_ = false;
};

/// Settings of a fluence: the time window and the quadratures.
template <class Real>
struct fluence_options {
  /// Emission times integrated over [from_s, to_s] [s] (default: all).
  Real from_s = -std::numeric_limits<Real>::infinity();
  Real to_s = std::numeric_limits<Real>::infinity();
  /// Gauss-Legendre nodes per row interval of the time integral, in [1, 64] (intervals where dN/dt is
  /// not integrated to 1e-10 are halved first, flavor_emission::time_nodes): exact for a constant
  /// shape; the error falls as (interval/scale)^(2 points) where the shape changes.
  std::size_t time_points_per_interval = 4;
  fluence_table_options<Real> table{};
};

/// The flux leaving the star in one flavour: a non-negative combination of the emitted flavours
/// (supernova_model::flux), with its time profile, spectrum at a time and fluence.
template <class Real>
class flavor_flux {
  using W = detail::promoted_t<Real>;

 public:
  struct term {
    Real coefficient;
    std::shared_ptr<const flavor_emission<Real>> emission;
  };

  /// @throws nusi::invalid_argument unless every coefficient is finite and >= 0, their emissions are
  /// set, and some coefficient is > 0.
  flavor_flux(supernova_flavor flavor, std::vector<term> terms) : flavor_(flavor) {
    constexpr std::string_view fn = "nusi::flavor_flux";
    for (std::size_t i = 0; i < terms.size(); ++i) {
      detail::require_non_negative(fn, "terms[" + std::to_string(i) + "].coefficient", terms[i].coefficient);
      if (terms[i].coefficient == 0) continue;
      if (!terms[i].emission) detail::throw_invalid(fn, "terms[" + std::to_string(i) + "].emission", "set", "null");
      terms_.push_back(std::move(terms[i]));
    }
    if (terms_.empty()) detail::throw_invalid(fn, "terms", "at least one coefficient > 0", terms.size());
  }

  supernova_flavor flavor() const { return flavor_; }
  const std::vector<term>& terms() const { return terms_; }
  /// First and last emission time [s] of the terms.
  Real start_s() const {
    Real t = terms_.front().emission->start_s();
    for (const auto& x : terms_) t = std::min(t, x.emission->start_s());
    return t;
  }
  Real end_s() const {
    Real t = terms_.front().emission->end_s();
    for (const auto& x : terms_) t = std::max(t, x.emission->end_s());
    return t;
  }
  /// Every row time of the terms, sorted and unique [s]: the flux is smooth between them.
  std::vector<Real> breakpoints_s() const {
    std::vector<Real> t;
    for (const auto& x : terms_)
      for (const auto& r : x.emission->samples()) t.push_back(r.time_s);
    std::sort(t.begin(), t.end());
    t.erase(std::unique(t.begin(), t.end()), t.end());
    return t;
  }
  /// dN/dt [1/s] at time_s. @throws nusi::invalid_argument if time_s is NaN.
  Real number_rate_per_s(Real time_s) const {
    W sum = 0;
    for (const auto& x : terms_) sum += W(x.coefficient) * W(x.emission->number_rate_per_s(time_s));
    return static_cast<Real>(sum);
  }
  /// L(t) [erg/s]. @throws nusi::invalid_argument if time_s is NaN.
  Real luminosity_erg_per_s(Real time_s) const {
    W sum = 0;
    for (const auto& x : terms_) sum += W(x.coefficient) * W(x.emission->luminosity_erg_per_s(time_s));
    return static_cast<Real>(sum);
  }
  /// Number emitted in [from_s, to_s] (exact). @throws nusi::invalid_argument unless from_s <= to_s.
  Real emitted_number(Real from_s = -std::numeric_limits<Real>::infinity(), Real to_s = std::numeric_limits<Real>::infinity()) const {
    W sum = 0;
    for (const auto& x : terms_) sum += W(x.coefficient) * W(x.emission->emitted_number(from_s, to_s));
    return static_cast<Real>(sum);
  }
  /// Energy emitted in [from_s, to_s] [erg] (exact). @throws nusi::invalid_argument unless from_s <= to_s.
  Real emitted_energy_erg(Real from_s = -std::numeric_limits<Real>::infinity(),
                          Real to_s = std::numeric_limits<Real>::infinity()) const {
    W sum = 0;
    for (const auto& x : terms_) sum += W(x.coefficient) * W(x.emission->emitted_energy_erg(from_s, to_s));
    return static_cast<Real>(sum);
  }
  /// The normalised spectrum emitted at time_s (a sum of the terms' pinched spectra weighted by their dN/dt).
  /// @throws nusi::invalid_argument if time_s is NaN or nothing is emitted at time_s.
  pinched_mixture<Real> spectrum(Real time_s) const {
    std::vector<pinched_component<Real>> parts;
    for (const auto& x : terms_) {
      const Real rate = x.emission->number_rate_per_s(time_s);
      if (rate > 0) parts.push_back({x.coefficient * rate, x.emission->mean_energy_MeV(time_s), x.emission->alpha(time_s)});
    }
    if (parts.empty())
      detail::throw_invalid("nusi::flavor_flux::spectrum", "time_s", "a time with emission (dN/dt > 0)", time_s);
    return pinched_mixture<Real>(parts);
  }
  /// The fluence: the spectrum integrated over the emission times in [options.from_s, options.to_s],
  /// normalised to one neutrino; its number() is the emitted number by the same quadrature.
  /// @throws nusi::invalid_argument on bad options (from_s <= to_s, time_points_per_interval in
  /// [1, 64], energy_nodes as fluence_spectrum) or a window without emission.
  fluence_spectrum<Real> fluence(const fluence_options<Real>& options = {}) const {
    return fluence_spectrum<Real>(components(options), options.table);
  }
  /// The pinched components of the fluence (what fluence() tabulates). Throws as fluence().
  std::vector<pinched_component<Real>> components(const fluence_options<Real>& options = {}) const {
    constexpr std::string_view fn = "nusi::flavor_flux::fluence";
    detail::require_not_nan(fn, "options.from_s", options.from_s);
    detail::require_not_nan(fn, "options.to_s", options.to_s);
    if (!(options.from_s <= options.to_s))
      detail::throw_invalid(fn, "options.from_s", "<= options.to_s = " + detail::to_text(options.to_s), options.from_s);
    if (options.time_points_per_interval < 1 || options.time_points_per_interval > 64)
      detail::throw_invalid(fn, "options.time_points_per_interval", "in [1, 64]", options.time_points_per_interval);
    std::vector<pinched_component<Real>> parts;
    const W from = std::max(W(options.from_s), -max_model_time_s<W>), to = std::min(W(options.to_s), max_model_time_s<W>);
    for (const auto& x : terms_)
      x.emission->append_components(from, to, options.time_points_per_interval, W(x.coefficient), parts);
    if (parts.empty())
      detail::throw_invalid(fn, "options.from_s", "a window [from_s, to_s] with emission (flux " + std::string(flavor_name(flavor_)) +
                                                  " emits in [" + detail::to_text(start_s()) + ", " + detail::to_text(end_s()) + "] s)",
                            options.from_s);
    return parts;
  }

 private:
  supernova_flavor flavor_;
  std::vector<term> terms_;
};

/// Where a model came from: the file, its format and its SHA-256 (as `sha256sum` prints it).
struct model_file {
  std::string path;
  std::string format;
  std::string sha256;
};

/// A supernova model: the emitted nu_e, anti-nu_e and nu_x (per heavy species) emissions, any of which
/// may be absent (a file holds the flavours a computation needs), and the files it was read from.
template <class Real>
class supernova_model {
 public:
  /// @throws nusi::invalid_argument if no flavour is given.
  supernova_model(std::optional<flavor_emission<Real>> nu_e, std::optional<flavor_emission<Real>> nu_e_bar,
                  std::optional<flavor_emission<Real>> nu_x, std::vector<model_file> files = {})
      : files_(std::move(files)) {
    if (nu_e) emissions_[0] = std::make_shared<const flavor_emission<Real>>(std::move(*nu_e));
    if (nu_e_bar) emissions_[1] = std::make_shared<const flavor_emission<Real>>(std::move(*nu_e_bar));
    if (nu_x) emissions_[2] = std::make_shared<const flavor_emission<Real>>(std::move(*nu_x));
    if (!emissions_[0] && !emissions_[1] && !emissions_[2])
      detail::throw_invalid("nusi::supernova_model", "flavours", "at least one of nu_e, nu_e_bar, nu_x", "none");
  }

  /// Whether the emitted flavour is in the model (nu_x_bar is nu_x's emission).
  bool has_flavor(supernova_flavor f) const { return static_cast<bool>(emissions_[source_index(f)]); }
  /// The emitted flavour's emission. @throws nusi::invalid_argument naming the flavour and the files if absent.
  const flavor_emission<Real>& emission(supernova_flavor f) const {
    const auto& e = emissions_[source_index(f)];
    if (!e) detail::throw_invalid("nusi::supernova_model::emission", "flavor", "a flavour of the model" + files_text(), flavor_name(f));
    return *e;
  }
  /// The flux leaving the star in `detected` after `conversion` (F_f = sum of weights x emitted fluxes,
  /// flavor_conversion::source_weights). @throws nusi::invalid_argument on a bad conversion or if a
  /// flavour with a weight > 0 is absent from the model (naming it).
  flavor_flux<Real> flux(supernova_flavor detected, const flavor_conversion<Real>& conversion = {}) const {
    constexpr std::string_view fn = "nusi::supernova_model::flux";
    conversion.validate(fn);
    const std::array<Real, 3> w = conversion.source_weights(detected);
    std::vector<typename flavor_flux<Real>::term> terms;
    static constexpr supernova_flavor sources[3] = {supernova_flavor::nu_e, supernova_flavor::nu_e_bar, supernova_flavor::nu_x};
    for (std::size_t i = 0; i < 3; ++i) {
      if (!(w[i] > 0)) continue;
      if (!emissions_[i])
        throw nusi::invalid_argument(std::string(fn) + ": the model lacks the emitted " + std::string(flavor_name(sources[i])) +
                                     ", needed for " + std::string(flavor_name(detected)) + " with conversion " +
                                     std::string(scheme_name(conversion.scheme)) + files_text());
      terms.push_back({w[i], emissions_[i]});
    }
    return flavor_flux<Real>(detected, std::move(terms));
  }
  const std::vector<model_file>& files() const { return files_; }

 private:
  static std::size_t source_index(supernova_flavor f) {
    switch (f) {
      case supernova_flavor::nu_e: return 0;
      case supernova_flavor::nu_e_bar: return 1;
      default: return 2;
    }
  }
  std::string files_text() const {
    if (files_.empty()) return {};
    std::string s = " (read from";
    for (const auto& f : files_) s += " '" + f.path + "'";
    return s + ")";
  }
  std::array<std::shared_ptr<const flavor_emission<Real>>, 3> emissions_{};
  std::vector<model_file> files_;
};

}  // namespace nusi
