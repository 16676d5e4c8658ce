// SPDX-License-Identifier: MIT
// Arrival times of supernova neutrinos behind the light front after secret scatterings on the relic
// background (paper Sec. IV, Monte Carlo of monte_carlo.hpp, 3D deflections): delay quantiles and
// histogram, the unscattered fraction (in total and per energy bin), and the fraction above threshold
// arriving within a time window. The bound on it is time_spread_bound.hpp.
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

#include "detail/edges.hpp"
#include "detail/quadrature.hpp"
#include "errors.hpp"
#include "monte_carlo.hpp"
#include "propagation_setup.hpp"
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
  /// Geometry of the three_dimensional model (monte_carlo_options::geometry): a point detector by default;
  /// plane_parallel is the mass-state Monte Carlo's (and the planar models') geometry.
  monte_carlo_geometry geometry = monte_carlo_geometry::point_source;
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
  /// The mean count per primary over n primaries and its standard error.
  template <class Real>
  void per_primary(std::uint64_t n, Real& value, Real& error) const {
    value = Real(sum) / Real(n);
    error = per_primary_standard_error<Real>(n, sum, sum_sq);
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

/// Quantiles of the samples of all batches together (quantile(samples, p) returns the value), with batch-mean standard
/// errors (infinite when a batch holds < 10 samples).
template <class Real, class Sample, class Quantile>
std::vector<delay_quantile<Real>> batched_quantiles_by(std::vector<std::vector<Sample>>& batches, const std::vector<Real>& ps,
                                                       Quantile quantile) {
  using std::sqrt;
  std::vector<Sample> all;
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
    const Real q = quantile(all, p);
    Real error = std::numeric_limits<Real>::infinity();
    if (enough) {
      Real mean = 0, sq = 0;
      std::vector<Real> qs;
      qs.reserve(batches.size());
      for (auto& b : batches) qs.push_back(quantile(b, p));
      for (Real x : qs) mean += x;
      mean /= Real(qs.size());
      for (Real x : qs) sq += (x - mean) * (x - mean);
      error = sqrt(sq / Real(qs.size() - 1) / Real(qs.size()));
    }
    out.push_back({p, q, error});
  }
  return out;
}

/// Quantiles of the delays of all batches together, with batch-mean standard errors.
template <class Real>
std::vector<delay_quantile<Real>> batched_quantiles(std::vector<std::vector<Real>>& batches, const std::vector<Real>& ps) {
  return batched_quantiles_by(batches, ps, [](std::vector<Real>& v, Real p) { return empirical_quantile(v, p); });
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
  detail::require_histogram_edges(fn, "options.delay_edges_s", edges);

  monte_carlo_options<Real> mc{.primaries = options.primaries, .seed = options.seed, .angles = options.angles,
                               .max_scatterings = options.max_scatterings};
  mc.geometry = options.geometry;
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
  all.per_primary(options.primaries, r.fraction_above_threshold, r.fraction_above_threshold_error);
  unscattered.per_primary(options.primaries, r.unscattered_fraction, r.unscattered_fraction_error);
  window.per_primary(options.primaries, r.fraction_within_window, r.fraction_within_window_error);
  scattered_window.per_primary(options.primaries, r.scattered_within_window, r.scattered_within_window_error);
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
  const Real gamma = E_res * setup.med.width_over_mass_ratio();  // the line's half-width in energy
  const Real tau_peak = setup.relic.target_density_per_cm3() * setup.distance_cm * bw.peak_sigma_total_cm2();
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

/// Neutrinos per emitted neutrino arriving unscattered (with the light front) in each bin of `edges`:
/// integral over the bin of phi(E) exp(-n D sigma_tot(E)) dE, adaptive Gauss-Kronrod split at the
/// resonance. At g -> 0 these are the emitted bin contents.
/// @throws nusi::invalid_argument on a bad setup or edges (>= 2, finite, >= 0, increasing);
/// nusi::numerical_error if a quadrature fails.
template <class Real, class Spectrum>
  requires energy_spectrum<Spectrum, Real>
std::vector<Real> unscattered_counts_in_bins(const propagation_setup<Real>& setup, const Spectrum& emission,
                                             const std::vector<Real>& edges) {
  constexpr std::string_view fn = "nusi::unscattered_counts_in_bins";
  setup.validate(fn);
  if (edges.size() < 2) detail::throw_invalid(fn, "edges.size()", ">= 2", edges.size());
  detail::require_non_negative(fn, "edges[0]", edges[0]);
  detail::require_increasing_edges(fn, "edges", edges);
  std::vector<Real> out(edges.size() - 1);
  for (std::size_t k = 0; k + 1 < edges.size(); ++k)
    out[k] = detail::unscattered_integral(setup, emission, edges[k], edges[k + 1], fn);
  return out;
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

namespace detail {
/// Throws nusi::invalid_argument (from `function`) unless edges_MeV are >= 2, finite and increasing
/// and histogram has one entry per bin.
template <class Real>
void require_window_histogram(std::string_view function, const std::vector<Real>& edges_MeV, const std::vector<Real>& histogram) {
  if (edges_MeV.size() < 2) throw_invalid(function, "edges_MeV.size()", ">= 2", edges_MeV.size());
  require_increasing_edges(function, "edges_MeV", edges_MeV);
  if (histogram.size() + 1 != edges_MeV.size())
    throw_invalid(function, "histogram.size()", "edges_MeV.size() - 1 = " + to_text(edges_MeV.size() - 1), histogram.size());
}

/// The scattered arrivals above threshold_MeV that in_window(arrival) accepts, counted per primary
/// (arrivals ordered by primary, as the Monte Carlo records them with stream_per_primary): sets
/// out.scattered_within_window, out.error (one count, 1/N, when none arrived: the sample variance is 0
/// then) and out.value = out.unscattered + scattered. With edges and histogram, adds the accepted
/// energies per emitted neutrino to the histogram's bins.
template <class Real, class Arrivals, class InWindow>
void tally_scattered_in_window(const Arrivals& arrivals, std::uint64_t primaries, Real threshold_MeV, InWindow in_window,
                               const std::vector<Real>* edges, std::vector<Real>* histogram, window_fraction<Real>& out) {
  count_moments m;
  std::uint64_t current = 0, count = 0;
  const Real N = Real(primaries);
  auto flush = [&] {
    m.add(count);
    count = 0;
  };
  for (const auto& a : arrivals) {
    if (a.generation == 0 || !(a.energy_MeV > threshold_MeV) || !in_window(a)) continue;
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
  for (; current < primaries; ++current) flush();
  out.scattered_within_window = Real(m.sum) / N;
  out.error = m.sum == 0 ? 1 / N : per_primary_standard_error<Real>(primaries, m.sum, m.sum_sq);
  out.value = out.unscattered + out.scattered_within_window;
}
}  // namespace detail

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
    detail::require_window_histogram("nusi::windowed_fraction", edges_MeV, histogram);
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
    detail::tally_scattered_in_window(run.arrival_list, options_.primaries, s.threshold_MeV,
                                      [&](const auto& a) { return a.delay_s < options_.window_s; }, edges, histogram, out);
    return out;
  }

  propagation_setup<Real> setup_;
  Spectrum emission_;
  window_fraction_options<Real> options_;
};

}  // namespace nusi
