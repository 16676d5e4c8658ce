// SPDX-License-Identifier: MIT
// The time-spread bound on secret interactions: the smallest coupling g at which fewer than the
// setup's exclusion level of the emitted neutrinos arrive above threshold within a time window of the
// light front (F_window <= level, arrival_times.hpp). The paper's own criterion, F <= 1 % whenever the
// neutrinos arrive, is propagation_bound.hpp; the likelihood of the recorded events is event_bound.hpp.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <string_view>

#include <boost/math/tools/toms748_solve.hpp>

#include "arrival_times.hpp"
#include "errors.hpp"
#include "monte_carlo.hpp"
#include "propagation_setup.hpp"
#include "spectra.hpp"

namespace nusi {

/// Settings of the time-spread bound search.
template <class Real>
struct time_spread_bound_options {
  window_fraction_options<Real> window{};
  Real log10_g_min = Real(-8);
  Real log10_g_max = log10_perturbative_coupling_limit<Real>;  // g = sqrt(4 pi)
  /// Step in log10 g from the unscattered-only root upwards until F_window <= level.
  Real bracket_step_dex = Real(0.02L);
  /// Width of the final bracket in log10 g (below the Monte Carlo uncertainty is pointless).
  Real log10_g_tolerance = Real(2e-4L);
  /// Half-step of the central difference dF_window/dlog10 g used for the uncertainty of the bound.
  Real derivative_step_dex = Real(0.01L);
  std::uintmax_t max_iterations = 100;
};

/// One point of the time-spread bound.
template <class Real>
struct time_spread_bound_point {
  Real log10_mass_MeV;
  /// Smallest log10 g with F_window <= level (found), else the search edge (log10_g_max: not excluded
  /// there; log10_g_min: excluded already there).
  Real log10_g_bound;
  bool found;
  /// Monte Carlo standard error of log10_g_bound: error of F_window over |dF_window/dlog10 g|.
  Real log10_g_error;
  /// Where the exact unscattered part alone reaches the level: F_window >= F_0, so the bound is never below it.
  Real log10_g_unscattered_only;
  window_fraction<Real> at_bound;
  std::size_t evaluations;  ///< Monte Carlo runs
};

namespace detail {
template <class Real>
void validate_time_spread(std::string_view fn, Real log10_mass_MeV, const time_spread_bound_options<Real>& options) {
  require_closed_interval(fn, "log10_mass_MeV", log10_mass_MeV, lowest_log10_mass_MeV<Real>, highest_log10_mass_MeV<Real>);
  require_closed_interval(fn, "options.log10_g_min", options.log10_g_min, lowest_log10_coupling<Real>, highest_log10_coupling<Real>);
  require_closed_interval(fn, "options.log10_g_max", options.log10_g_max, lowest_log10_coupling<Real>, highest_log10_coupling<Real>);
  require_ordered(fn, "options.log10_g_min", options.log10_g_min, "options.log10_g_max", options.log10_g_max);
  require_positive(fn, "options.bracket_step_dex", options.bracket_step_dex);
  require_positive(fn, "options.log10_g_tolerance", options.log10_g_tolerance);
  require_positive(fn, "options.derivative_step_dex", options.derivative_step_dex);
  if (options.max_iterations < 4) throw_invalid(fn, "options.max_iterations", ">= 4", options.max_iterations);
}

/// The search of time_spread_bound, for any exact unscattered part F0(log10 g) (monotone decreasing)
/// and windowed fraction Fw(log10 g) >= F0 (window_fraction, common random numbers across g).
template <class Real, class Unscattered, class Windowed>
time_spread_bound_point<Real> time_spread_search(Real log10_mass_MeV, Real level, const time_spread_bound_options<Real>& options,
                                                 Unscattered&& F0_of, Windowed&& Fw_of) {
  using std::abs;
  std::size_t evaluations = 0;
  auto F0 = [&](Real lg) { return F0_of(lg); };
  auto Fw = [&](Real lg) {
    ++evaluations;
    return Fw_of(lg);
  };
  const Real lo = options.log10_g_min, hi = options.log10_g_max;
  time_spread_bound_point<Real> out{log10_mass_MeV, hi, false, Real(0), hi, {}, 0};

  // 1. The exact unscattered fraction: monotone decreasing in g (sigma_tot grows with g at every E).
  Real u;
  const Real f0_lo = F0(lo), f0_hi = F0(hi);
  if (f0_hi > level) {  // not even F_0 reaches the level: nothing excluded
    out.at_bound = Fw(hi);
    out.evaluations = evaluations;
    return out;
  }
  if (!(f0_lo > level)) {
    u = lo;
  } else {
    std::uintmax_t iterations = options.max_iterations;
    const Real tol = options.log10_g_tolerance / 4;
    auto close = [tol](Real x, Real y) { return abs(x - y) <= tol; };
    auto [a, b] = boost::math::tools::toms748_solve([&](Real lg) { return F0(lg) - level; }, lo, hi, f0_lo - level,
                                                    f0_hi - level, close, iterations);
    if (iterations >= options.max_iterations)
      throw numerical_error("nusi::time_spread_bound: TOMS 748 did not converge at log10_mass_MeV = " +
                            to_text(log10_mass_MeV));
    u = (a + b) / 2;
  }
  out.log10_g_unscattered_only = u;

  // 2. Step up from u until F_window <= level, then bisect (common random numbers across g).
  Real a = u, b = u;
  window_fraction<Real> fb = Fw(b);
  if (!(fb.value > level)) {
    if (u <= lo) {  // excluded already at the bottom of the range
      out.log10_g_bound = lo;
      out.at_bound = fb;
      out.evaluations = evaluations;
      return out;
    }
    // F_0(u) = level up to the tolerance: the scattered part adds nothing here; the bound is u.
    a = u - options.log10_g_tolerance;
  } else {
    for (;;) {
      a = b;
      if (b >= hi) {
        out.log10_g_bound = hi;
        out.at_bound = fb;
        out.evaluations = evaluations;
        return out;
      }
      b = std::min(b + options.bracket_step_dex, hi);
      fb = Fw(b);
      if (!(fb.value > level)) break;
    }
    for (std::uintmax_t it = 0; it < options.max_iterations && b - a > options.log10_g_tolerance; ++it) {
      const Real mid = (a + b) / 2;
      const window_fraction<Real> fm = Fw(mid);
      if (fm.value > level) {
        a = mid;
      } else {
        b = mid;
        fb = fm;
      }
    }
  }
  out.found = true;
  out.log10_g_bound = b;
  out.at_bound = fb;
  // 3. Uncertainty: MC error of F_window over its slope (central difference, same streams).
  const Real h = options.derivative_step_dex;
  Real slope = (Fw(b + h).value - Fw(b - h).value) / (2 * h);
  if (!(slope < 0)) slope = (F0(b + h) - F0(b - h)) / (2 * h);  // MC noise flattened it: the exact part's slope
  out.log10_g_error = slope < 0 ? fb.error / -slope : std::numeric_limits<Real>::infinity();
  out.evaluations = evaluations;
  return out;
}
}  // namespace detail

/// The time-spread bound at one mass: solves F_window(M, g) = setup.exclusion_level in log10 g.
/// The exact unscattered fraction F_0 (monotone in g) is solved first by TOMS 748; F_window >= F_0,
/// so the search steps up from there with the common-random-number F_window and bisects the first
/// bracket. The emission is an instantaneous burst with this spectrum (a model's time profile:
/// emission/time_spread_bound.hpp).
/// @throws nusi::invalid_argument if log10_mass_MeV or options.log10_g_min < log10_g_max are outside
/// [-30, 10], a step, tolerance or derivative step is not finite and > 0, max_iterations < 4, or the
/// setup or window options are bad (windowed_fraction).
/// @throws nusi::numerical_error if TOMS 748 does not converge or a quadrature or Monte Carlo fails.
template <class Real, class Spectrum>
  requires(energy_spectrum<Spectrum, Real> && samplable_spectrum<Spectrum, Real>)
time_spread_bound_point<Real> time_spread_bound(Real log10_mass_MeV, const propagation_setup<Real>& setup,
                                                const Spectrum& emission, const time_spread_bound_options<Real>& options = {}) {
  using std::pow;
  constexpr std::string_view fn = "nusi::time_spread_bound";
  detail::validate_time_spread(fn, log10_mass_MeV, options);
  propagation_setup<Real> s = setup;
  s.med.mass_MeV = pow(Real(10), log10_mass_MeV);
  s.med.coupling = pow(Real(10), options.log10_g_min);
  s.validate(fn);
  const windowed_fraction<Real, Spectrum> window(s, emission, options.window);
  auto F0 = [&](Real lg) {
    propagation_setup<Real> t = s;
    t.med.coupling = pow(Real(10), lg);
    return detail::unscattered_integral(t, emission, t.threshold_MeV, options.window.max_energy_MeV, fn);
  };
  auto Fw = [&](Real lg) { return window(pow(Real(10), lg)); };
  return detail::time_spread_search(log10_mass_MeV, s.exclusion_level, options, F0, Fw);
}

}  // namespace nusi
