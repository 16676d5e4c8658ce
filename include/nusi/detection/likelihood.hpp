// SPDX-License-Identifier: MIT
// Likelihoods of observed supernova-neutrino events: Poisson in total or binned counts, and the
// extended unbinned likelihood of Loredo & Lamb (PRD 65, 063002, 2002) with measured energies and
// background; and the exclusion of a coupling g at fixed M against the no-interaction hypothesis.
// Throws nusi::invalid_argument, and nusi::numerical_error for a NaN log-likelihood ratio.
#pragma once

#include <cmath>
#include <concepts>
#include <cstddef>
#include <functional>
#include <limits>
#include <span>
#include <string>
#include <string_view>

#include <boost/math/distributions/chi_squared.hpp>
#include <boost/math/special_functions/erf.hpp>
#include <boost/math/special_functions/gamma.hpp>

#include "../errors.hpp"
#include "event_rates.hpp"

namespace nusi {

/// ln P(n | mu) = n ln mu - mu - ln n! of a Poisson count n with mean mu >= 0 (0 at mu = n = 0;
/// -infinity at mu = 0 < n). Throws nusi::invalid_argument if expected is negative or not finite.
template <class Real>
Real poisson_log_probability(Real expected, unsigned observed) {
  using std::log;
  detail::require_non_negative("nusi::poisson_log_probability", "expected", expected);
  if (expected == 0) return observed == 0 ? Real(0) : -std::numeric_limits<Real>::infinity();
  const Real n = Real(observed);
  return n * log(expected) - expected - boost::math::lgamma(n + 1);
}

/// Sum over bins of ln P(observed[i] | expected[i]) (total counts: one bin). Throws
/// nusi::invalid_argument if the sizes differ or an expectation is negative.
template <class Real>
Real poisson_log_likelihood(std::span<const Real> expected, std::span<const unsigned> observed) {
  if (expected.size() != observed.size())
    detail::throw_invalid("nusi::poisson_log_likelihood", "observed.size()", "expected.size() = " + detail::to_text(expected.size()),
                          observed.size());
  Real sum = 0;
  for (std::size_t i = 0; i < expected.size(); ++i) sum += poisson_log_probability(expected[i], observed[i]);
  return sum;
}

/// One recorded event: measured visible energy and its 1-sigma error [MeV], and the background density
/// at that energy over the analysis window [events/MeV] (background rate [1/(s MeV)] times window [s]).
template <class Real>
struct observed_event {
  Real energy_MeV;
  Real energy_error_MeV;
  Real background_per_MeV = Real(0);
};

/// Extended unbinned log-likelihood, time-integrated form of Loredo & Lamb 2002 (their Eq. 3.12 without
/// the time dimension): ln L = -N_s + sum_i ln(b_i + s_i), s_i = event_density_per_MeV at E_i with error
/// dE_i; the -N_b term, independent of the signal model, is dropped (it cancels in ratios). Throws
/// nusi::invalid_argument on bad input or an event below the detector threshold.
template <class Real, class S>
  requires spectrum_at_earth<S, Real>
Real extended_log_likelihood(const detector_response<Real>& response, const S& spectrum, Real number_per_cm2,
                             std::span<const observed_event<Real>> events) {
  using std::log;
  constexpr std::string_view fn = "nusi::extended_log_likelihood";
  Real sum = -response.expected_events(spectrum, number_per_cm2);
  for (std::size_t i = 0; i < events.size(); ++i) {
    const auto& e = events[i];
    const std::string prefix = "events[" + std::to_string(i) + "].";
    detail::require_finite(fn, prefix + "energy_MeV", e.energy_MeV);
    detail::require_positive(fn, prefix + "energy_error_MeV", e.energy_error_MeV);
    detail::require_non_negative(fn, prefix + "background_per_MeV", e.background_per_MeV);
    if (e.energy_MeV < response.model().threshold_MeV)
      detail::throw_invalid(fn, prefix + "energy_MeV", ">= the detector threshold " + detail::to_text(response.model().threshold_MeV),
                            e.energy_MeV);
    const Real density =
        e.background_per_MeV + response.event_density_per_MeV(spectrum, number_per_cm2, e.energy_MeV, e.energy_error_MeV);
    sum += density > 0 ? log(density) : -std::numeric_limits<Real>::infinity();
  }
  return sum;
}

/// nusi's exclusion threshold on q = -2 [ln L(g) - ln L(no nuSI)], the one convention every bound uses
/// (docs/physics.md, "The exclusion threshold"): q >= 2.706, a one-sided 95 % CL upper limit on g
/// (critical_delta_chi2_one_sided(0.95); numerically the 90 % quantile of chi^2 with one degree of freedom).
template <class Real> inline constexpr Real default_delta_chi2 = Real(2.7055434540954146L);

/// The cl quantile of chi^2 with one degree of freedom (Wilks): 2.706 at 0.90, 3.841 at 0.95. As the
/// threshold of a one-sided upper limit this is CL (1 + cl)/2 (0.90 -> 95 %); for upper limits use
/// critical_delta_chi2_one_sided. Throws nusi::invalid_argument unless 0 < cl < 1.
template <class Real>
Real critical_delta_chi2(Real confidence_level) {
  detail::require_open_interval("nusi::critical_delta_chi2", "confidence_level", confidence_level, Real(0), Real(1));
  return boost::math::quantile(boost::math::chi_squared_distribution<Real>(Real(1)), confidence_level);
}

/// Threshold of a one-sided (upper-limit) confidence level cl, (Phi^-1(cl))^2: 2.706 at 0.95 (nusi's
/// default_delta_chi2), 1.642 at 0.90. Throws nusi::invalid_argument unless 0.5 < cl < 1.
template <class Real>
Real critical_delta_chi2_one_sided(Real confidence_level) {
  using std::sqrt;
  detail::require_open_interval("nusi::critical_delta_chi2_one_sided", "confidence_level", confidence_level, Real(0.5L), Real(1));
  const Real z = sqrt(Real(2)) * boost::math::erf_inv(2 * confidence_level - 1);
  return z * z;
}

/// Scan of the coupling g (log-spaced) at fixed mediator mass.
template <class Real>
struct exclusion_scan {
  Real coupling_min = Real(1e-4L);
  Real coupling_max = Real(1);
  unsigned points_per_decade = 10;
  /// Level of the test statistic -2 [ln L(g) - ln L(no nuSI)] that excludes g (default_delta_chi2 = 2.706:
  /// a one-sided 95 % CL upper limit).
  Real delta_chi2 = default_delta_chi2<Real>;
  /// Bisection stops when the bracket is narrower than this in log10 g.
  Real log10_tolerance = Real(1e-6L);
};

/// Result of coupling_exclusion_limit.
template <class Real>
struct exclusion_result {
  /// Whether any coupling in [coupling_min, coupling_max] reaches the level.
  bool excluded = false;
  /// Smallest excluded coupling (the bound); coupling_min if already excluded there; coupling_max if not excluded.
  Real coupling = Real(0);
  /// True if the level is already reached at coupling_min (the bound lies below the scan).
  bool excluded_at_coupling_min = false;
  /// True if a scan point above the bound falls back below the level (the excluded region has a gap).
  bool reopens_above = false;
  /// Largest test statistic seen on the scan.
  Real max_test_statistic = Real(0);
  /// Number of log-likelihood-ratio evaluations.
  unsigned evaluations = 0;
};

/// Smallest coupling g excluded at the level of `scan`, with ln L(no nuSI) as the reference:
/// log_likelihood_ratio(g) = ln L(g) - ln L(no nuSI) at fixed M, test statistic q(g) = -2 times it.
/// Scans log g upward, then bisects the first bracket where q crosses scan.delta_chi2.
/// @throws nusi::invalid_argument on a bad scan: couplings not finite and > 0 or not ordered,
/// points_per_decade 0 or giving more than 1000000 points, delta_chi2 or log10_tolerance not finite and > 0.
/// @throws nusi::numerical_error if the ratio is NaN.
template <class Real, class F>
  requires std::invocable<F&, Real>
exclusion_result<Real> coupling_exclusion_limit(F&& log_likelihood_ratio, const exclusion_scan<Real>& scan = {}) {
  using std::ceil;
  using std::isnan;
  using std::log10;
  using std::pow;
  constexpr std::string_view fn = "nusi::coupling_exclusion_limit";
  detail::require_positive(fn, "scan.coupling_min", scan.coupling_min);
  detail::require_positive(fn, "scan.coupling_max", scan.coupling_max);
  detail::require_ordered(fn, "scan.coupling_min", scan.coupling_min, "scan.coupling_max", scan.coupling_max);
  if (scan.points_per_decade == 0) detail::throw_invalid(fn, "scan.points_per_decade", ">= 1", scan.points_per_decade);
  detail::require_positive(fn, "scan.delta_chi2", scan.delta_chi2);
  detail::require_positive(fn, "scan.log10_tolerance", scan.log10_tolerance);
  if (!((log10(scan.coupling_max) - log10(scan.coupling_min)) * Real(scan.points_per_decade) <= Real(1000000)))
    detail::throw_invalid(fn, "scan.points_per_decade", "giving at most 1000000 scan points", scan.points_per_decade);

  exclusion_result<Real> result;
  auto q = [&](Real log10_g) {
    const Real g = pow(Real(10), log10_g);
    const Real llr = static_cast<Real>(log_likelihood_ratio(g));
    ++result.evaluations;
    if (isnan(llr)) {
      std::string msg = "nusi::coupling_exclusion_limit: log_likelihood_ratio returned NaN at g = ";
      msg += detail::to_text(g);
      throw nusi::numerical_error(msg);
    }
    const Real t = -2 * llr;
    if (t > result.max_test_statistic) result.max_test_statistic = t;
    return t;
  };
  const Real a = log10(scan.coupling_min), b = log10(scan.coupling_max);
  const auto steps = static_cast<unsigned>(ceil((b - a) * Real(scan.points_per_decade)));
  const Real dx = (b - a) / Real(steps);
  Real previous_x = a;
  if (q(a) >= scan.delta_chi2) {
    result.excluded = result.excluded_at_coupling_min = true;
    result.coupling = scan.coupling_min;
  }
  for (unsigned k = 1; k <= steps; ++k) {
    const Real x = k == steps ? b : a + Real(k) * dx;
    const bool above = q(x) >= scan.delta_chi2;
    if (!result.excluded && above) {
      Real lo = previous_x, hi = x;  // q(lo) < level <= q(hi)
      for (int it = 0; it < 200 && hi - lo > scan.log10_tolerance; ++it) {
        const Real mid = (lo + hi) / 2;
        (q(mid) >= scan.delta_chi2 ? hi : lo) = mid;
      }
      result.excluded = true;
      result.coupling = pow(Real(10), hi);
    } else if (result.excluded && !above) {
      result.reopens_above = true;
    }
    previous_x = x;
  }
  if (!result.excluded) result.coupling = scan.coupling_max;
  return result;
}

}  // namespace nusi
