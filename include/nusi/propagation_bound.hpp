// SPDX-License-Identifier: MIT
// The propagation bound g_prop(M) of paper Sec. IV (Fig. 1, "SN 1987A propagation"): the coupling at
// which F(M, g) = N(E > 5 MeV at Earth)/N(emitted) falls to the exclusion level (0.01), found in log10 g
// by bracketing and TOMS 748 on the falling branch of F. F comes from the exact energy-only transport.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

#include <boost/math/constants/constants.hpp>
#include <boost/math/tools/toms748_solve.hpp>

#include "errors.hpp"
#include "parallel.hpp"
#include "propagation_setup.hpp"
#include "spectra.hpp"
#include "transport/propagate.hpp"

namespace nusi {

/// Settings of the bound search; the physics (relic targets, distance, threshold, level) comes from
/// the propagation_setup, whose mediator is replaced by (M, g) along the search.
template <class Real>
struct propagation_bound_options {
  transport_options<Real> transport{};
  /// Search interval in log10 g: [log10_g_min, log10_g_max]; the default top is the perturbative
  /// limit g = sqrt(4 pi).
  Real log10_g_min = Real(-8);
  Real log10_g_max = log10_perturbative_coupling_limit<Real>;  // g = sqrt(4 pi)
  /// Bracketing step in log10 g, from the first guess outwards.
  Real bracket_step_dex = Real(0.25L);
  /// Width of the final bracket in log10 g.
  Real log10_g_tolerance = Real(1e-6L);
  std::uintmax_t max_iterations = 100;
  /// Threads of propagation_bound_curve (0: all cores). The masses are independent: the curve is the
  /// same, bit for bit, for any value.
  std::size_t threads = 1;
};

/// One point of the bound.
template <class Real>
struct propagation_bound_point {
  Real log10_mass_MeV;
  /// log10 of the smallest g on the falling branch with F <= level; when !found, the search edge
  /// (log10_g_max: no exclusion up to it; log10_g_min: excluded already there).
  Real log10_g_bound;
  bool found;
  /// F at log10_g_bound (equals the level up to the tolerance when found).
  Real fraction_at_bound;
  /// Transport solves used.
  std::size_t evaluations;
};

namespace detail {
template <class Real>
void validate_bound_options(std::string_view fn, const propagation_bound_options<Real>& o) {
  require_closed_interval(fn, "log10_g_min", o.log10_g_min, lowest_log10_coupling<Real>, highest_log10_coupling<Real>);
  require_closed_interval(fn, "log10_g_max", o.log10_g_max, lowest_log10_coupling<Real>, highest_log10_coupling<Real>);
  require_ordered(fn, "log10_g_min", o.log10_g_min, "log10_g_max", o.log10_g_max);
  require_positive(fn, "bracket_step_dex", o.bracket_step_dex);
  require_positive(fn, "log10_g_tolerance", o.log10_g_tolerance);
  if (o.max_iterations < 4) throw_invalid(fn, "max_iterations", ">= 4", o.max_iterations);
  require_thread_count(fn, "threads", o.threads);
  validate_transport_options(fn, o.transport);
}

/// The number of masses log10 M/MeV = from, from + step, ..., to (to within a thousandth of a step) of a bound curve,
/// after checking the range by name: finite ends, from <= to, step > 0, at most 100000 masses.
template <class Real>
std::size_t bound_curve_masses(std::string_view fn, Real from_log10_mass_MeV, Real to_log10_mass_MeV, Real step_dex) {
  using std::floor;
  require_finite(fn, "from_log10_mass_MeV", from_log10_mass_MeV);
  require_finite(fn, "to_log10_mass_MeV", to_log10_mass_MeV);
  require_positive(fn, "step_dex", step_dex);
  if (from_log10_mass_MeV > to_log10_mass_MeV)
    throw_invalid(fn, "from_log10_mass_MeV", "<= to_log10_mass_MeV = " + to_text(to_log10_mass_MeV), from_log10_mass_MeV);
  const Real count = floor((to_log10_mass_MeV - from_log10_mass_MeV) / step_dex + Real(1e-3L)) + 1;
  if (count > Real(100000)) throw_invalid(fn, "step_dex", "giving at most 100000 masses", step_dex);
  return static_cast<std::size_t>(count);
}
}  // namespace detail

namespace detail {
/// The root of F(log10 g) = level on the falling branch: from `guess` (clamped to the search interval), steps of
/// options.bracket_step_dex up while F > level and down while F <= level, then TOMS 748 on the first bracket. fraction(lg)
/// returns F and counts its own evaluations into `evaluations`. Returns the point (found = false at a search edge).
/// @throws nusi::numerical_error if TOMS 748 does not converge within options.max_iterations.
template <class Real, class Fraction>
propagation_bound_point<Real> falling_branch_root(Real log10_mass_MeV, Real guess, Real level, Fraction fraction,
                                                  std::size_t& evaluations, const propagation_bound_options<Real>& options,
                                                  std::string_view function) {
  guess = std::clamp(guess, options.log10_g_min, options.log10_g_max);
  const Real step = options.bracket_step_dex;
  Real a = guess, b = guess, fa = fraction(guess), fb = fa;  // want F(a) > level >= F(b), a < b
  if (fa > level) {
    while (fb > level) {
      if (b >= options.log10_g_max) return {log10_mass_MeV, options.log10_g_max, false, fb, evaluations};
      a = b;
      fa = fb;
      b = std::min(b + step, options.log10_g_max);
      fb = fraction(b);
    }
  } else {
    while (!(fa > level)) {
      if (a <= options.log10_g_min) return {log10_mass_MeV, options.log10_g_min, false, fa, evaluations};
      b = a;
      fb = fa;
      a = std::max(a - step, options.log10_g_min);
      fa = fraction(a);
    }
  }
  std::uintmax_t iterations = options.max_iterations;
  const Real tol = options.log10_g_tolerance;
  auto close_enough = [tol](Real x, Real y) { return std::abs(x - y) <= tol; };
  auto [lo, hi] = boost::math::tools::toms748_solve([&](Real lg) { return fraction(lg) - level; }, a, b, fa - level,
                                                    fb - level, close_enough, iterations);
  if (iterations >= options.max_iterations)
    throw numerical_error(std::string(function) + ": TOMS 748 did not converge within max_iterations = " +
                          detail::to_text(options.max_iterations) + " at log10_mass_MeV = " + detail::to_text(log10_mass_MeV));
  const Real root = (lo + hi) / 2;
  const Real at_root = fraction(root);
  return {log10_mass_MeV, root, true, at_root, evaluations};
}
}  // namespace detail

/// The propagation bound at one mediator mass: solves F(M, g) = setup.exclusion_level for log10 g.
/// F is not monotonic in g (up-scattered relic neutrinos first add counts above threshold), so the
/// search starts from a g^4-scaling guess (optical depth ~10 at 10-40 MeV), steps up while F > level
/// and down while F <= level, and refines the first bracket on the falling branch with TOMS 748.
/// @throws nusi::invalid_argument if log10_mass_MeV is outside [-30, 10], the setup is bad, or an
/// option is (log10_g_min < log10_g_max in [-30, 10], bracket_step_dex and log10_g_tolerance finite
/// and > 0, max_iterations >= 4, threads <= max_threads, transport options as propagate_energy).
/// @throws nusi::numerical_error if TOMS 748 does not converge or a transport solve fails.
template <class Real, class Spectrum>
  requires energy_spectrum<Spectrum, Real>
propagation_bound_point<Real> propagation_bound(Real log10_mass_MeV, const propagation_setup<Real>& setup,
                                                const Spectrum& emission,
                                                const propagation_bound_options<Real>& options = {}) {
  using std::log10;
  using std::pow;
  constexpr std::string_view fn = "nusi::propagation_bound";
  detail::require_closed_interval(fn, "log10_mass_MeV", log10_mass_MeV, lowest_log10_mass_MeV<Real>, highest_log10_mass_MeV<Real>);
  detail::validate_bound_options(fn, options);
  propagation_setup<Real> s = setup;
  s.med.mass_MeV = pow(Real(10), log10_mass_MeV);
  s.med.coupling = pow(Real(10), options.log10_g_min);
  s.validate(fn);
  std::size_t evaluations = 0;
  auto fraction = [&](Real lg) {
    s.med.coupling = pow(Real(10), lg);
    ++evaluations;
    return fraction_above_threshold(s, emission, options.transport).value;
  };
  const Real level = s.exclusion_level;
  // First guess: optical depth ~10 at the least opaque of 10, 20, 40 MeV, scaling sigma as g^4
  // (evaluated at a small g, away from saturation of the resonance).
  Real tau_small = std::numeric_limits<Real>::max();
  const Real g_small = Real(1e-6L);
  {
    s.med.coupling = g_small;
    const s_channel_breit_wigner<Real> bw = s.cross_section();
    for (Real E : {Real(10), Real(20), Real(40)})
      tau_small = std::min(tau_small, s.relic.target_density_per_cm3() * s.distance_cm * bw.sigma_total_cm2(E));
  }
  const Real guess = log10(g_small) + (Real(1) - log10(tau_small)) / 4;
  return detail::falling_branch_root(log10_mass_MeV, guess, level, fraction, evaluations, options, fn);
}

/// The bound at log10(M/MeV) = from, from + step, ..., up to `to` (inclusive within step/1000);
/// the paper's range is [-7, -1.5]. Masses run on options.threads threads (parallel.hpp).
/// @throws nusi::invalid_argument if from/to are not finite or from > to, step_dex is not finite and
/// > 0 or gives more than 100000 masses, and as propagation_bound.
/// @throws nusi::numerical_error as propagation_bound.
template <class Real, class Spectrum>
  requires energy_spectrum<Spectrum, Real>
std::vector<propagation_bound_point<Real>> propagation_bound_curve(Real from_log10_mass_MeV, Real to_log10_mass_MeV,
                                                                   Real step_dex, const propagation_setup<Real>& setup,
                                                                   const Spectrum& emission,
                                                                   const propagation_bound_options<Real>& options = {}) {
  constexpr std::string_view fn = "nusi::propagation_bound_curve";
  const std::size_t count = detail::bound_curve_masses(fn, from_log10_mass_MeV, to_log10_mass_MeV, step_dex);
  detail::validate_bound_options(fn, options);  // before any thread starts
  std::vector<propagation_bound_point<Real>> curve(count);
  parallel_for(curve.size(), options.threads, [&](std::size_t k) {
    curve[k] = propagation_bound(from_log10_mass_MeV + Real(k) * step_dex, setup, emission, options);
  });
  return curve;
}

}  // namespace nusi
