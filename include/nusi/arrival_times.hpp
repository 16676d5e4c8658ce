// SPDX-License-Identifier: MIT
// Arrival times of supernova neutrinos behind the light front after secret scatterings on the relic
// background (paper Sec. IV, Monte Carlo of monte_carlo.hpp, 3D deflections): delay quantiles and
// histogram, the fraction above threshold arriving within a time window, and the time-spread bound
// (excluded where that fraction <= level). For the paper's energy criterion alone use propagation_bound.hpp.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <random>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include <boost/math/tools/toms748_solve.hpp>

#include "errors.hpp"
#include "monte_carlo.hpp"
#include "propagation_setup.hpp"
#include "random_walk.hpp"  // detail::adaptive_integral
#include "spectra.hpp"
#include "units.hpp"

namespace nusi {

/// Delay behind light [s] of a neutrino emitted radially by a point source, deflected once by angle t
/// at distance x and detected at distance D (3D, point detector): path x + L with
/// L = sqrt(D^2 - x^2 sin^2 t) - x cos t, so delay = x (1 - cos t) - x^2 sin^2 t/(sqrt(D^2 - x^2 sin^2 t) + D),
/// -> x (D - x) t^2/(2 D c) for small t. Throws nusi::invalid_argument unless 0 <= x < D and 0 <= t <= pi.
template <class Real>
Real single_scattering_delay_s(Real scattering_distance_cm, Real distance_cm, Real deflection_rad) {
  using std::sin;
  using std::sqrt;
  constexpr std::string_view fn = "nusi::single_scattering_delay_s";
  detail::require_positive(fn, "distance_cm", distance_cm);
  detail::require_finite(fn, "scattering_distance_cm", scattering_distance_cm);
  if (scattering_distance_cm < Real(0) || !(scattering_distance_cm < distance_cm))
    detail::throw_invalid(fn, "scattering_distance_cm", "in [0, distance_cm = " + detail::to_text(distance_cm) + ")",
                          scattering_distance_cm);
  detail::require_closed_interval(fn, "deflection_rad", deflection_rad, Real(0), boost::math::constants::pi<Real>());
  const Real x = scattering_distance_cm, D = distance_cm;
  const Real half = sin(deflection_rad / 2);
  const Real one_minus_cos = 2 * half * half;
  const Real xs = x * sin(deflection_rad);
  const Real excess = x * one_minus_cos - xs * xs / (sqrt((D - xs) * (D + xs)) + D);  // path - D, no cancellation
  return excess / speed_of_light_cm_per_s<Real>;
}

/// Largest number of primaries of the arrival-time and windowed-fraction Monte Carlos (and of the
/// event bound's window): a bound so that a typo cannot run for days.
inline constexpr std::uint64_t max_window_primaries = 100'000'000;

/// Settings of arrival_time_distribution. The physics (M, g, targets, D, threshold) is the setup's.
template <class Real>
struct arrival_time_options {
  std::uint64_t primaries = 20000;
  std::uint64_t seed = 1;
  /// Window after the unscattered front [s]; default 12.4 s, the span of the Kamiokande-II burst.
  Real window_s = Real(12.4L);
  angle_model angles = angle_model::three_dimensional;
  /// Probabilities of the reported delay quantiles, each in (0, 1).
  std::vector<Real> quantile_probabilities{Real(0.1L), Real(0.5L), Real(0.9L)};
  /// Edges [s] of the histogram of scattered arrivals above threshold; empty: two per decade, 1e-3 to 1e8 s.
  std::vector<Real> delay_edges_s{};
  /// The primaries are split into this many batches; quantile errors are batch-mean standard errors.
  std::size_t batches = 16;
  std::uint64_t max_scatterings = 100'000'000;
};

/// One delay quantile with its Monte Carlo standard error.
template <class Real>
struct delay_quantile {
  Real probability;
  /// Delay [s]; NaN (with an infinite error_s) when no arrival was counted: the quantile of an empty set.
  Real delay_s;
  /// Standard error [s] from the spread of the quantile over the batches (the arrivals of one primary
  /// are correlated; batches of primaries are independent). Infinite when a batch holds < 10 arrivals.
  Real error_s;
};

/// Arrival-time observables of the neutrinos above threshold, per emitted neutrino, with their
/// Monte Carlo standard errors (from per-primary counts: one primary can deliver several neutrinos).
template <class Real>
struct arrival_time_result {
  std::uint64_t primaries = 0;
  Real window_s = 0;
  Real fraction_above_threshold = 0, fraction_above_threshold_error = 0;  ///< F (paper Sec. IV)
  Real unscattered_fraction = 0, unscattered_fraction_error = 0;          ///< above threshold, never scattered
  /// F_window = N(E > threshold, delay < window)/N(emitted), the time-spread criterion's observable.
  Real fraction_within_window = 0, fraction_within_window_error = 0;
  /// The scattered part of F_window.
  Real scattered_within_window = 0, scattered_within_window_error = 0;
  Real mean_delay_s = 0;  ///< mean delay of the arrivals above threshold (unscattered ones count 0)
  std::uint64_t arrivals_above_threshold = 0, scattered_arrivals_above_threshold = 0;
  std::vector<delay_quantile<Real>> quantiles;            ///< delays of all arrivals above threshold
  std::vector<delay_quantile<Real>> scattered_quantiles;  ///< delays of the scattered ones
  binned_counts<Real> delay_histogram;                    ///< scattered arrivals above threshold
  Real mean_scatterings_per_primary = 0;
};

namespace detail {

/// sqrt(var/N) of per-primary counts from their sums (exact integer sums, long double arithmetic).
template <class Real>
Real per_primary_standard_error(std::uint64_t n, std::uint64_t sum, std::uint64_t sum_sq) {
  if (n < 2) return std::numeric_limits<Real>::infinity();
  const long double N = static_cast<long double>(n), s1 = static_cast<long double>(sum), s2 = static_cast<long double>(sum_sq);
  long double var = (N * s2 - s1 * s1) / (N * (N - 1));
  if (var < 0) var = 0;
  return static_cast<Real>(std::sqrt(var / N));
}

/// Accumulates per-primary counts c_i: sum and sum of squares.
struct count_moments {
  std::uint64_t sum = 0, sum_sq = 0;
  void add(std::uint64_t c) {
    sum += c;
    sum_sq += c * c;
  }
};

/// Inverse empirical CDF: the ceil(n p)-th smallest value (sorts `values`).
template <class Real>
Real empirical_quantile(std::vector<Real>& values, Real p) {
  using std::ceil;
  std::sort(values.begin(), values.end());
  const auto n = values.size();
  auto k = static_cast<std::size_t>(ceil(p * Real(n)));
  k = std::clamp<std::size_t>(k, 1, n);
  return values[k - 1];
}

/// Quantiles of the delays of all batches together, with batch-mean standard errors.
template <class Real>
std::vector<delay_quantile<Real>> batched_quantiles(std::vector<std::vector<Real>>& batches, const std::vector<Real>& ps) {
  using std::sqrt;
  std::vector<Real> all;
  bool enough = batches.size() >= 2;
  for (auto& b : batches) {
    all.insert(all.end(), b.begin(), b.end());
    enough = enough && b.size() >= 10;
  }
  std::vector<delay_quantile<Real>> out;
  for (Real p : ps) {
    if (all.empty()) {
      out.push_back({p, std::numeric_limits<Real>::quiet_NaN(), std::numeric_limits<Real>::infinity()});
      continue;
    }
    const Real q = empirical_quantile(all, p);
    Real error = std::numeric_limits<Real>::infinity();
    if (enough) {
      Real mean = 0, sq = 0;
      std::vector<Real> qs;
      qs.reserve(batches.size());
      for (auto& b : batches) qs.push_back(empirical_quantile(b, p));
      for (Real x : qs) mean += x;
      mean /= Real(qs.size());
      for (Real x : qs) sq += (x - mean) * (x - mean);
      error = sqrt(sq / Real(qs.size() - 1) / Real(qs.size()));
    }
    out.push_back({p, q, error});
  }
  return out;
}

template <class Real>
std::vector<Real> default_delay_edges() {
  using std::pow;
  std::vector<Real> e;
  for (int k = -6; k <= 16; ++k) e.push_back(pow(Real(10), Real(k) / 2));
  return e;
}

template <class Real>
void validate_window(std::string_view fn, Real window_s) {
  require_positive(fn, "window_s", window_s);
}

inline void require_window_primaries(std::string_view fn, std::string_view parameter, std::uint64_t primaries) {
  if (primaries == 0 || primaries > max_window_primaries) throw_invalid(fn, parameter, "in [1, 1e8]", primaries);
}

}  // namespace detail

/// Arrival-time distribution of the neutrinos above setup.threshold_MeV at distance D: quantiles and
/// histogram of the delay behind light, the fraction within options.window_s, from the Monte Carlo
/// (monte_carlo_propagation, arrivals recorded; equal F for the same seed). Throws nusi::invalid_argument
/// on bad input and nusi::numerical_error if the work bound is exceeded.
template <class Real, class Spectrum>
  requires samplable_spectrum<Spectrum, Real>
arrival_time_result<Real> arrival_time_distribution(const propagation_setup<Real>& setup, const Spectrum& emission,
                                                    const arrival_time_options<Real>& options = {}) {
  constexpr std::string_view fn = "nusi::arrival_time_distribution";
  detail::validate_window(fn, options.window_s);
  detail::require_window_primaries(fn, "options.primaries", options.primaries);
  if (options.batches < 2 || options.batches > options.primaries)
    detail::throw_invalid(fn, "options.batches", "in [2, primaries]", options.batches);
  for (std::size_t i = 0; i < options.quantile_probabilities.size(); ++i)
    detail::require_open_interval(fn, "options.quantile_probabilities[" + std::to_string(i) + "]",
                                  options.quantile_probabilities[i], Real(0), Real(1));
  const std::vector<Real> edges = options.delay_edges_s.empty() ? detail::default_delay_edges<Real>() : options.delay_edges_s;
  detail::validate_edges(fn, "options.delay_edges_s", edges);

  monte_carlo_options<Real> mc{.primaries = options.primaries, .seed = options.seed, .angles = options.angles,
                               .max_scatterings = options.max_scatterings};
  mc.record_arrivals = true;
  mc.max_recorded_arrivals = std::numeric_limits<std::uint64_t>::max();
  const monte_carlo_result<Real> run = monte_carlo_propagation(setup, emission, mc);

  arrival_time_result<Real> r;
  r.primaries = options.primaries;
  r.window_s = options.window_s;
  r.mean_scatterings_per_primary = run.mean_scatterings_per_primary;
  r.delay_histogram = detail::make_counts(edges);
  detail::count_moments all, unscattered, window, scattered_window;
  std::vector<std::vector<Real>> batch_all(options.batches), batch_scattered(options.batches);
  const Real T = setup.threshold_MeV;
  long double delay_sum = 0;
  auto it = run.arrival_list.begin();
  for (std::uint64_t i = 0; i < options.primaries; ++i) {  // the list is grouped by primary, in order
    std::uint64_t c_all = 0, c_unscattered = 0, c_window = 0, c_scattered_window = 0;
    const std::size_t batch = static_cast<std::size_t>(i * options.batches / options.primaries);
    for (; it != run.arrival_list.end() && it->primary == i; ++it) {
      if (!(it->energy_MeV > T)) continue;
      ++c_all;
      delay_sum += static_cast<long double>(it->delay_s);
      batch_all[batch].push_back(it->delay_s);
      const bool in_window = it->delay_s < options.window_s;
      c_window += in_window ? 1 : 0;
      if (it->generation == 0) {
        ++c_unscattered;
      } else {
        c_scattered_window += in_window ? 1 : 0;
        batch_scattered[batch].push_back(it->delay_s);
        r.delay_histogram.fill(it->delay_s);
      }
    }
    all.add(c_all);
    unscattered.add(c_unscattered);
    window.add(c_window);
    scattered_window.add(c_scattered_window);
  }
  const Real N = Real(options.primaries);
  auto fill = [&](const detail::count_moments& m, Real& value, Real& error) {
    value = Real(m.sum) / N;
    error = detail::per_primary_standard_error<Real>(options.primaries, m.sum, m.sum_sq);
  };
  fill(all, r.fraction_above_threshold, r.fraction_above_threshold_error);
  fill(unscattered, r.unscattered_fraction, r.unscattered_fraction_error);
  fill(window, r.fraction_within_window, r.fraction_within_window_error);
  fill(scattered_window, r.scattered_within_window, r.scattered_within_window_error);
  r.arrivals_above_threshold = all.sum;
  r.scattered_arrivals_above_threshold = all.sum - unscattered.sum;
  r.mean_delay_s = all.sum > 0 ? static_cast<Real>(delay_sum / static_cast<long double>(all.sum)) : Real(0);
  r.quantiles = detail::batched_quantiles(batch_all, options.quantile_probabilities);
  r.scattered_quantiles = detail::batched_quantiles(batch_scattered, options.quantile_probabilities);
  return r;
}

namespace detail {

/// Energies [MeV] where exp(-tau(E)) changes fastest: E_res and the edges of the opaque core
/// (half-width gamma sqrt(tau_peak - 1)) and of the line (gamma), inside (a, b).
template <class Real>
std::vector<Real> unscattered_partition(const propagation_setup<Real>& setup, Real a, Real b) {
  using std::sqrt;
  const s_channel_breit_wigner<Real> bw = setup.cross_section();
  const Real E_res = bw.resonance_energy_MeV();
  const Real gamma = E_res * setup.med.coupling * setup.med.coupling / (4 * boost::math::constants::pi<Real>());
  const Real tau_peak = setup.relic.target_density_per_cm3() * setup.distance_cm *
                        per_MeV2_to_cm2(4 * boost::math::constants::pi<Real>() /
                                        (setup.med.mass_MeV * setup.med.mass_MeV + setup.relic.mass_MeV * setup.relic.mass_MeV));
  const Real core = tau_peak > 1 ? gamma * sqrt(tau_peak - 1) : Real(0);
  std::vector<Real> cuts{a, b};
  for (Real e : {E_res, E_res - core, E_res + core, E_res - gamma, E_res + gamma, E_res - 4 * core, E_res + 4 * core})
    if (e > a && e < b) cuts.push_back(e);
  std::sort(cuts.begin(), cuts.end());
  cuts.erase(std::unique(cuts.begin(), cuts.end()), cuts.end());
  return cuts;
}

template <class Real, class Spectrum>
Real unscattered_integral(const propagation_setup<Real>& setup, const Spectrum& emission, Real a, Real b,
                          std::string_view what) {
  using std::exp;
  const s_channel_breit_wigner<Real> bw = setup.cross_section();
  const Real column = setup.relic.target_density_per_cm3() * setup.distance_cm;
  auto f = [&](Real E) {
    return static_cast<Real>(emission.probability_density_per_MeV(E)) * exp(-column * bw.sigma_total_cm2(E));
  };
  const Real tol = Real(1e-9L) > 64 * std::numeric_limits<Real>::epsilon() ? Real(1e-9L) : 64 * std::numeric_limits<Real>::epsilon();
  return adaptive_integral<Real>(f, unscattered_partition(setup, a, b), tol, 2000, what).value;
}

/// The pinched spectrum is a gamma distribution: std::gamma_distribution draws from it exactly and
/// ~30x faster than the inverse CDF (the Monte Carlo's floor). Other spectra sample themselves.
template <class Real, class Spectrum>
struct fast_sampler {
  const Spectrum& s;
  template <class URBG>
  Real sample_MeV(URBG& rng) const {
    if constexpr (std::is_same_v<Spectrum, pinched_spectrum<Real>> && std::is_floating_point_v<Real>) {
      std::gamma_distribution<Real> d(s.alpha() + 1, s.mean_energy_MeV() / (s.alpha() + 1));
      return d(rng);
    } else {
      return static_cast<Real>(s.sample_MeV(rng));
    }
  }
};

}  // namespace detail

/// F_0 = integral over E > threshold of phi(E) exp(-n D sigma_tot(E)) dE: the neutrinos above threshold
/// that never scatter (they arrive with the light front), by adaptive Gauss-Kronrod split at the
/// resonance and its opaque core, up to max_energy_MeV. Throws nusi::invalid_argument, nusi::numerical_error.
template <class Real, class Spectrum>
  requires energy_spectrum<Spectrum, Real>
Real unscattered_fraction_above_threshold(const propagation_setup<Real>& setup, const Spectrum& emission,
                                          Real max_energy_MeV = Real(200)) {
  constexpr std::string_view fn = "nusi::unscattered_fraction_above_threshold";
  setup.validate(fn);
  detail::require_positive(fn, "max_energy_MeV", max_energy_MeV);
  if (!(max_energy_MeV > setup.threshold_MeV))
    detail::throw_invalid(fn, "max_energy_MeV", "> threshold_MeV = " + detail::to_text(setup.threshold_MeV), max_energy_MeV);
  return detail::unscattered_integral(setup, emission, setup.threshold_MeV, max_energy_MeV, fn);
}

/// Settings of the windowed fraction and of the time-spread bound.
template <class Real>
struct window_fraction_options {
  /// Monte Carlo primaries for the scattered part (each with its own stream: common random numbers in g).
  std::uint64_t primaries = 20000;
  std::uint64_t seed = 1;
  Real window_s = Real(12.4L);  ///< K-II burst span
  angle_model angles = angle_model::three_dimensional;
  Real max_energy_MeV = Real(200);  ///< top of the quadrature of the unscattered part
  std::uint64_t max_scatterings = 100'000'000;  ///< bound on the scatterings of one Monte Carlo run
};

/// F_window = N(E > threshold, delay < window)/N(emitted) split into its exact and sampled parts.
template <class Real>
struct window_fraction {
  Real value;                    ///< unscattered + scattered_within_window
  Real unscattered;              ///< exact (quadrature): arrives with the front
  Real scattered_within_window;  ///< Monte Carlo: scattered, still above threshold, delay < window
  Real error;                    ///< Monte Carlo standard error of value (1/N if no scattered arrival counted)
};

/// F_window(M, g) with common random numbers: primary i follows its own random stream (seed, i) at
/// every coupling, so differences between couplings are not swamped by sampling noise. The unscattered
/// part is integrated exactly; the Monte Carlo supplies only scattered arrivals (a control variate
/// with zero variance for the dominant term). Throws nusi::invalid_argument, nusi::numerical_error.
template <class Real, class Spectrum>
  requires(energy_spectrum<Spectrum, Real> && samplable_spectrum<Spectrum, Real>)
class windowed_fraction {
 public:
  /// setup's mediator mass and physics are used; its coupling is replaced at each call.
  /// @throws nusi::invalid_argument on a bad setup or options: window_s and max_energy_MeV (above the
  /// threshold) finite and > 0, primaries in [1, 1e8], max_scatterings >= 1.
  windowed_fraction(const propagation_setup<Real>& setup, const Spectrum& emission, const window_fraction_options<Real>& options = {})
      : setup_(setup), emission_(emission), options_(options) {
    constexpr std::string_view fn = "nusi::windowed_fraction";
    setup_.validate(fn);
    detail::validate_window(fn, options.window_s);
    detail::require_window_primaries(fn, "options.primaries", options.primaries);
    if (options.max_scatterings == 0) detail::throw_invalid(fn, "options.max_scatterings", ">= 1", options.max_scatterings);
    detail::require_positive(fn, "options.max_energy_MeV", options.max_energy_MeV);
    if (!(options.max_energy_MeV > setup.threshold_MeV))
      detail::throw_invalid(fn, "options.max_energy_MeV", "> threshold_MeV", options.max_energy_MeV);
  }

  /// F_window at coupling g (> 0).
  /// @throws nusi::invalid_argument if coupling is not finite and > 0; nusi::numerical_error if the
  /// quadrature or the Monte Carlo's work bound fails.
  window_fraction<Real> operator()(Real coupling) const { return evaluate(coupling, nullptr, nullptr); }

  /// F_window at g, and the energies of the scattered arrivals within the window histogrammed on
  /// `edges_MeV` per emitted neutrino (added to `histogram`, one entry per bin).
  /// @throws nusi::invalid_argument as operator()(coupling), or if edges_MeV are fewer than 2, not
  /// finite or not increasing, or histogram.size() != edges_MeV.size() - 1.
  window_fraction<Real> operator()(Real coupling, const std::vector<Real>& edges_MeV, std::vector<Real>& histogram) const {
    constexpr std::string_view fn = "nusi::windowed_fraction";
    if (edges_MeV.size() < 2) detail::throw_invalid(fn, "edges_MeV.size()", ">= 2", edges_MeV.size());
    detail::validate_edges(fn, "edges_MeV", edges_MeV);
    if (histogram.size() + 1 != edges_MeV.size())
      detail::throw_invalid(fn, "histogram.size()", "edges_MeV.size() - 1 = " + detail::to_text(edges_MeV.size() - 1),
                            histogram.size());
    return evaluate(coupling, &edges_MeV, &histogram);
  }

  const propagation_setup<Real>& setup() const { return setup_; }
  const window_fraction_options<Real>& options() const { return options_; }

 private:
  window_fraction<Real> evaluate(Real coupling, const std::vector<Real>* edges, std::vector<Real>* histogram) const {
    constexpr std::string_view fn = "nusi::windowed_fraction";
    detail::require_positive(fn, "coupling", coupling);
    propagation_setup<Real> s = setup_;
    s.med.coupling = coupling;
    s.validate(fn);
    window_fraction<Real> out{};
    out.unscattered = detail::unscattered_integral(s, emission_, s.threshold_MeV, options_.max_energy_MeV, fn);
    monte_carlo_options<Real> mc{.primaries = options_.primaries, .seed = options_.seed, .angles = options_.angles,
                                 .max_scatterings = options_.max_scatterings};
    mc.record_arrivals = true;
    mc.max_recorded_arrivals = std::numeric_limits<std::uint64_t>::max();
    mc.stream_per_primary = true;
    const auto run = monte_carlo_propagation(s, detail::fast_sampler<Real, Spectrum>{emission_}, mc);
    detail::count_moments m;
    std::uint64_t current = 0, count = 0;
    const Real N = Real(options_.primaries);
    auto flush = [&] { m.add(count); count = 0; };
    for (const auto& a : run.arrival_list) {
      if (a.generation == 0 || !(a.energy_MeV > s.threshold_MeV) || !(a.delay_s < options_.window_s)) continue;
      while (current < a.primary) {
        flush();
        ++current;
      }
      ++count;
      if (edges && histogram) {
        const auto& e = *edges;
        if (a.energy_MeV >= e.front() && a.energy_MeV < e.back()) {
          const auto k = static_cast<std::size_t>(std::upper_bound(e.begin(), e.end(), a.energy_MeV) - e.begin()) - 1;
          (*histogram)[k] += 1 / N;
        }
      }
    }
    for (; current < options_.primaries; ++current) flush();
    out.scattered_within_window = Real(m.sum) / N;
    // With no scattered arrival in the window the sample variance is 0; one count, 1/N, is the resolution.
    out.error = m.sum == 0 ? 1 / N : detail::per_primary_standard_error<Real>(options_.primaries, m.sum, m.sum_sq);
    out.value = out.unscattered + out.scattered_within_window;
    return out;
  }

  propagation_setup<Real> setup_;
  Spectrum emission_;
  window_fraction_options<Real> options_;
};

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

/// The time-spread bound at one mass: solves F_window(M, g) = setup.exclusion_level in log10 g.
/// The exact unscattered fraction F_0 (monotone in g) is solved first by TOMS 748; F_window >= F_0,
/// so the search steps up from there with the common-random-number F_window and bisects the first
/// bracket.
/// @throws nusi::invalid_argument if log10_mass_MeV or options.log10_g_min < log10_g_max are outside
/// [-30, 10], a step, tolerance or derivative step is not finite and > 0, max_iterations < 4, or the
/// setup or window options are bad (windowed_fraction).
/// @throws nusi::numerical_error if TOMS 748 does not converge or a quadrature or Monte Carlo fails.
template <class Real, class Spectrum>
  requires(energy_spectrum<Spectrum, Real> && samplable_spectrum<Spectrum, Real>)
time_spread_bound_point<Real> time_spread_bound(Real log10_mass_MeV, const propagation_setup<Real>& setup,
                                                const Spectrum& emission, const time_spread_bound_options<Real>& options = {}) {
  using std::abs;
  using std::log10;
  using std::pow;
  constexpr std::string_view fn = "nusi::time_spread_bound";
  detail::require_closed_interval(fn, "log10_mass_MeV", log10_mass_MeV, lowest_log10_mass_MeV<Real>, highest_log10_mass_MeV<Real>);
  detail::require_closed_interval(fn, "options.log10_g_min", options.log10_g_min, lowest_log10_coupling<Real>, highest_log10_coupling<Real>);
  detail::require_closed_interval(fn, "options.log10_g_max", options.log10_g_max, lowest_log10_coupling<Real>, highest_log10_coupling<Real>);
  detail::require_ordered(fn, "options.log10_g_min", options.log10_g_min, "options.log10_g_max", options.log10_g_max);
  detail::require_positive(fn, "options.bracket_step_dex", options.bracket_step_dex);
  detail::require_positive(fn, "options.log10_g_tolerance", options.log10_g_tolerance);
  detail::require_positive(fn, "options.derivative_step_dex", options.derivative_step_dex);
  if (options.max_iterations < 4) detail::throw_invalid(fn, "options.max_iterations", ">= 4", options.max_iterations);
  propagation_setup<Real> s = setup;
  s.med.mass_MeV = pow(Real(10), log10_mass_MeV);
  s.med.coupling = pow(Real(10), options.log10_g_min);
  s.validate(fn);
  const Real level = s.exclusion_level;
  const windowed_fraction<Real, Spectrum> window(s, emission, options.window);
  std::size_t evaluations = 0;
  auto F0 = [&](Real lg) {
    propagation_setup<Real> t = s;
    t.med.coupling = pow(Real(10), lg);
    return detail::unscattered_integral(t, emission, t.threshold_MeV, options.window.max_energy_MeV, fn);
  };
  auto Fw = [&](Real lg) {
    ++evaluations;
    return window(pow(Real(10), lg));
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
                            detail::to_text(log10_mass_MeV));
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

}  // namespace nusi
