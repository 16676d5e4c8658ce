// SPDX-License-Identifier: MIT
// Likelihoods of observed supernova-neutrino events: Poisson in total or binned counts (integer, or
// non-integer Asimov data), and the extended unbinned likelihood of Loredo & Lamb (PRD 65, 063002,
// 2002) with measured energies and background, each also maximised over a factor A on the signal (the
// emitted energy); and the exclusion of a coupling g at fixed M against the no-interaction hypothesis.
// Throws nusi::invalid_argument, and nusi::numerical_error for a NaN log-likelihood ratio.
#pragma once

#include <algorithm>
#include <cmath>
#include <concepts>
#include <cstddef>
#include <functional>
#include <limits>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <boost/math/distributions/chi_squared.hpp>
#include <boost/math/special_functions/erf.hpp>
#include <boost/math/special_functions/gamma.hpp>

#include "../detail/text.hpp"
#include "../errors.hpp"
#include "event_rates.hpp"
#include "observations.hpp"

namespace nusi {

namespace detail {
/// n ln mu - mu - ln Gamma(n + 1) for n >= 0: 0 at mu = n = 0, -infinity at mu = 0 < n (unchecked).
template <class Real>
Real poisson_log_term(Real expected, Real observed) {
  using std::log;
  if (!(expected > 0)) return observed > 0 ? -std::numeric_limits<Real>::infinity() : Real(0);
  return observed * log(expected) - expected - boost::math::lgamma(observed + 1);
}

/// ln L(A) of Poisson counts with means A mu_j (unchecked); -infinity as soon as a term is.
template <class Real>
Real poisson_log_likelihood_at(Real A, std::span<const Real> expected, std::span<const Real> observed) {
  Real sum = 0;
  for (std::size_t j = 0; j < expected.size(); ++j) {
    const Real term = poisson_log_term(A * expected[j], observed[j]);
    if (term == -std::numeric_limits<Real>::infinity()) return term;
    sum += term;
  }
  return sum;
}

/// ln L(A) = -A S + sum_i ln(b_i + A s_i) (unchecked); -infinity where some b_i + A s_i is not > 0.
template <class Real>
Real extended_log_likelihood_at(Real A, Real expected_signal, std::span<const Real> signal_per_MeV,
                                std::span<const Real> background_per_MeV) {
  using std::log;
  Real sum = -A * expected_signal;
  for (std::size_t i = 0; i < signal_per_MeV.size(); ++i) {
    const Real density = background_per_MeV[i] + A * signal_per_MeV[i];
    if (!(density > 0)) return -std::numeric_limits<Real>::infinity();
    sum += log(density);
  }
  return sum;
}

/// Requires size == reference_size.
inline void require_same_size(std::string_view function, std::string_view name, std::size_t size, std::string_view reference_name,
                       std::size_t reference_size) {
  if (size != reference_size) throw_invalid(function, name, concat_text(reference_name, " = ", reference_size), size);
}

/// Requires every value finite and >= 0, naming the first bad one as name[i].
template <class Real>
void require_non_negative_values(std::string_view function, std::string_view name, std::span<const Real> values) {
  for (std::size_t i = 0; i < values.size(); ++i)  // the name only on failure: this runs in every likelihood scan step
    if (!is_finite(values[i]) || values[i] < 0) throw_invalid(function, concat_text(name, "[", i, "]"), "finite and >= 0", values[i]);
}

template <class Real>
void require_normalisation_range(std::string_view function, Real normalisation_min, Real normalisation_max) {
  require_positive(function, "normalisation_min", normalisation_min);
  require_positive(function, "normalisation_max", normalisation_max);
  require_ordered(function, "normalisation_min", normalisation_min, "normalisation_max", normalisation_max);
}
}  // namespace detail

/// ln P(n | mu) = n ln mu - mu - ln n! of a Poisson count n with mean mu >= 0 (0 at mu = n = 0;
/// -infinity at mu = 0 < n). Throws nusi::invalid_argument if expected is negative or not finite.
template <class Real>
Real poisson_log_probability(Real expected, unsigned observed) {
  detail::require_non_negative("nusi::poisson_log_probability", "expected", expected);
  return detail::poisson_log_term(expected, Real(observed));
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

/// The same with counts that need not be integers (Asimov data: observed = an expectation):
/// sum of n_i ln mu_i - mu_i - ln Gamma(n_i + 1); -infinity if some mu_i = 0 < n_i.
/// @throws nusi::invalid_argument if the sizes differ or a value is not finite and >= 0.
template <class Real>
Real poisson_log_likelihood(std::span<const Real> expected, std::span<const Real> observed) {
  constexpr std::string_view fn = "nusi::poisson_log_likelihood";
  detail::require_same_size(fn, "observed.size()", observed.size(), "expected.size()", expected.size());
  detail::require_non_negative_values(fn, "expected", expected);
  detail::require_non_negative_values(fn, "observed", observed);
  return detail::poisson_log_likelihood_at(Real(1), expected, observed);
}

/// Extended unbinned log-likelihood, time-integrated form of Loredo & Lamb 2002 (their Eq. 3.12 without
/// the time dimension), from the expected signal count S and each event's signal and background
/// densities [events/MeV]: ln L = -S + sum_i ln(b_i + s_i); the -N_b term, independent of the signal
/// model, is dropped (it cancels in ratios). -infinity where some b_i + s_i = 0.
/// @throws nusi::invalid_argument if the sizes differ or a value is not finite and >= 0.
template <class Real>
Real extended_log_likelihood(Real expected_signal, std::span<const Real> signal_per_MeV, std::span<const Real> background_per_MeV) {
  constexpr std::string_view fn = "nusi::extended_log_likelihood";
  detail::require_non_negative(fn, "expected_signal", expected_signal);
  detail::require_same_size(fn, "background_per_MeV.size()", background_per_MeV.size(), "signal_per_MeV.size()",
                                  signal_per_MeV.size());
  detail::require_non_negative_values(fn, "signal_per_MeV", signal_per_MeV);
  detail::require_non_negative_values(fn, "background_per_MeV", background_per_MeV);
  return detail::extended_log_likelihood_at(Real(1), expected_signal, signal_per_MeV, background_per_MeV);
}

/// The extended likelihood of recorded events for a spectrum at Earth: S = expected_events, s_i =
/// event_density_per_MeV at E_i with error dE_i (the form above). Throws nusi::invalid_argument on bad
/// input or an event below the detector threshold.
template <class Real, class S>
  requires spectrum_at_earth<S, Real>
Real extended_log_likelihood(const detector_response<Real>& response, const S& spectrum, Real number_per_cm2,
                             std::span<const observed_event<Real>> events) {
  constexpr std::string_view fn = "nusi::extended_log_likelihood";
  const Real expected = response.expected_events(spectrum, number_per_cm2);
  std::vector<Real> signal, background;
  signal.reserve(events.size());
  background.reserve(events.size());
  for (std::size_t i = 0; i < events.size(); ++i) {
    const auto& e = events[i];
    const std::string name = "events[" + std::to_string(i) + "]";
    detail::require_observed_event(fn, name, e);
    if (e.energy_MeV < response.model().threshold_MeV)
      detail::throw_invalid(fn, name + ".energy_MeV", ">= the detector threshold " + detail::to_text(response.model().threshold_MeV),
                            e.energy_MeV);
    signal.push_back(response.event_density_per_MeV(spectrum, number_per_cm2, e.energy_MeV, e.energy_error_MeV));
    background.push_back(e.background_per_MeV);
  }
  return detail::extended_log_likelihood_at(Real(1), expected, std::span<const Real>(signal), std::span<const Real>(background));
}

/// A log-likelihood maximised over the factor A on the signal (the emitted energy), with its A.
template <class Real>
struct profiled_value {
  Real log_likelihood;
  Real normalisation;
};

/// The Poisson likelihood of counts (non-integer allowed) with means A mu_i, maximised over A in
/// [normalisation_min, normalisation_max]: A = sum n / sum mu clamped to the range (closed form;
/// normalisation_max where every mu_i = 0).
/// @throws nusi::invalid_argument if the sizes differ, a value is not finite and >= 0, or the range is
/// not finite, > 0 and ordered.
template <class Real>
profiled_value<Real> profiled_poisson_log_likelihood(std::span<const Real> expected, std::span<const Real> observed,
                                                     Real normalisation_min, Real normalisation_max) {
  constexpr std::string_view fn = "nusi::profiled_poisson_log_likelihood";
  detail::require_same_size(fn, "observed.size()", observed.size(), "expected.size()", expected.size());
  detail::require_non_negative_values(fn, "expected", expected);
  detail::require_non_negative_values(fn, "observed", observed);
  detail::require_normalisation_range(fn, normalisation_min, normalisation_max);
  Real M = 0, N = 0;
  for (std::size_t j = 0; j < expected.size(); ++j) {
    M += expected[j];
    N += observed[j];
  }
  const Real A = M > 0 ? std::clamp(N / M, normalisation_min, normalisation_max) : normalisation_max;
  return {detail::poisson_log_likelihood_at(A, expected, observed), A};
}

/// The extended likelihood -A S + sum_i ln(b_i + A s_i) maximised over A in [normalisation_min,
/// normalisation_max]: d ln L/dA = -S + sum s_i/(b_i + A s_i) decreases in A, so A is its root (by
/// bisection in ln A to 1e-12, at most 200 steps) or the end of the range where it keeps its sign.
/// @throws nusi::invalid_argument as extended_log_likelihood, or if the range is not finite, > 0 and ordered.
template <class Real>
profiled_value<Real> profiled_extended_log_likelihood(Real expected_signal, std::span<const Real> signal_per_MeV,
                                                      std::span<const Real> background_per_MeV, Real normalisation_min,
                                                      Real normalisation_max) {
  using std::exp;
  using std::log;
  constexpr std::string_view fn = "nusi::profiled_extended_log_likelihood";
  detail::require_non_negative(fn, "expected_signal", expected_signal);
  detail::require_same_size(fn, "background_per_MeV.size()", background_per_MeV.size(), "signal_per_MeV.size()",
                                  signal_per_MeV.size());
  detail::require_non_negative_values(fn, "signal_per_MeV", signal_per_MeV);
  detail::require_non_negative_values(fn, "background_per_MeV", background_per_MeV);
  detail::require_normalisation_range(fn, normalisation_min, normalisation_max);
  const Real lo = normalisation_min, hi = normalisation_max;
  auto slope = [&](Real a) {
    Real h = -expected_signal;
    for (std::size_t i = 0; i < signal_per_MeV.size(); ++i)
      if (signal_per_MeV[i] > 0) h += signal_per_MeV[i] / (background_per_MeV[i] + a * signal_per_MeV[i]);
    return h;
  };
  Real A;
  if (!(slope(lo) > 0)) {
    A = lo;
  } else if (slope(hi) >= 0) {
    A = hi;
  } else {
    Real a = log(lo), b = log(hi);
    for (int it = 0; it < 200 && b - a > Real(1e-12L); ++it) {
      const Real m = (a + b) / 2;
      (slope(exp(m)) > 0 ? a : b) = m;
    }
    A = exp((a + b) / 2);
  }
  return {detail::extended_log_likelihood_at(A, expected_signal, signal_per_MeV, background_per_MeV), A};
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
