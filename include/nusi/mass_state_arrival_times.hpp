// SPDX-License-Identifier: MIT
// Arrival times of the coupled mass states behind the light front (docs/physics.md, "Arrival times of the mass
// states"): the delay quantiles and histogram, the fraction within a window, of the detected neutrinos above threshold,
// from the mass-state Monte Carlo with directions (mass_state_monte_carlo.hpp, a point detector or plane-parallel), the
// unscattered part integrated exactly with relics at rest. The result and its statistics are the paper model's (arrival_times.hpp).
#pragma once

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "angle_model.hpp"
#include "arrival_times.hpp"
#include "detail/edges.hpp"
#include "detail/quadrature.hpp"
#include "errors.hpp"
#include "mass_state_monte_carlo.hpp"
#include "mass_states/setup.hpp"
#include "spectra.hpp"
#include "units.hpp"

namespace nusi {

/// Settings of mass_state_arrival_time_distribution. The physics (model, D, threshold, what is detected) is the
/// model's setup: mass_state_setup::detection selects the detected flavour's antineutrinos or all neutrinos.
template <class Real>
struct mass_state_arrival_time_options {
  std::uint64_t primaries = 20000;  ///< in [1, 1e8]
  std::uint64_t seed = 1;
  /// Window after the unscattered front [s]; default 12.4 s, the span of the Kamiokande-II burst.
  Real window_s = Real(12.4L);
  /// Deflection model.
  angle_model angles = angle_model::three_dimensional;
  /// Geometry of the three_dimensional model, as arrival_time_options::geometry: a point detector by default
  /// (mass_state_monte_carlo_options::geometry); plane_parallel is the grid's. The planar models are plane-parallel.
  monte_carlo_geometry geometry = monte_carlo_geometry::point_source;
  /// Probabilities of the reported delay quantiles, each in (0, 1).
  std::vector<Real> quantile_probabilities{Real(0.1L), Real(0.5L), Real(0.9L)};
  /// Edges [s] of the histogram of scattered arrivals; empty: two per decade, 1e-3 to 1e8 s.
  std::vector<Real> delay_edges_s{};
  /// The primaries are split into this many consecutive batches; quantile errors are batch-mean standard errors.
  std::size_t batches = 16;
  std::uint64_t max_scatterings = 100'000'000;
  /// Top [MeV] of the quadrature of the unscattered part (> threshold).
  Real max_energy_MeV = Real(200);
};

namespace detail {

/// Inverse weighted empirical CDF: the smallest value whose cumulative weight reaches p times the total (sorts
/// `values`); with unit weights the ceil(n p)-th smallest, as empirical_quantile.
template <class Real>
Real weighted_empirical_quantile(std::vector<std::pair<Real, Real>>& values, Real p) {
  std::sort(values.begin(), values.end());
  long double total = 0;
  for (const auto& v : values) total += static_cast<long double>(v.second);
  const long double target = static_cast<long double>(p) * total;
  long double c = 0;
  for (const auto& v : values) {
    c += static_cast<long double>(v.second);
    if (c >= target) return v.first;
  }
  return values.back().first;
}

/// batched_quantiles for weighted delays (delay, weight > 0): quantiles of all batches together, errors from the
/// spread of the batches' quantiles (infinite when a batch holds < 10 arrivals).
template <class Real>
std::vector<delay_quantile<Real>> weighted_batched_quantiles(std::vector<std::vector<std::pair<Real, Real>>>& batches,
                                                            const std::vector<Real>& ps) {
  return batched_quantiles_by(batches, ps,
                              [](std::vector<std::pair<Real, Real>>& v, Real p) { return weighted_empirical_quantile(v, p); });
}

/// Per-primary sums of real weights: mean and standard error over the primaries.
struct weight_moments {
  long double sum = 0, sum_sq = 0;
  void add(long double w) {
    sum += w;
    sum_sq += w * w;
  }
  template <class Real>
  Real standard_error(std::uint64_t n) const {
    if (n < 2) return std::numeric_limits<Real>::infinity();
    const long double N = static_cast<long double>(n);
    long double var = (sum_sq - sum * sum / N) / (N - 1);
    if (var < 0) var = 0;
    return static_cast<Real>(std::sqrt(var / N));
  }
};

/// Weight of a neutrino of `species` in what the setup detects: 1 for every neutrino (detection = all), else
/// |U_alpha i|^2 for a right-handed antineutrino of state i (the detected flavour alpha), 0 otherwise.
template <class Real>
Real detected_weight(const mass_state_model<Real>& model, std::size_t species) {
  if (model.setup().detection == detected_neutrinos::all) return Real(1);
  const auto& sc = model.scattering();
  if (species % sc.kinds() != static_cast<std::size_t>(neutrino_kind::antineutrino_right)) return Real(0);
  return model.spectrum().mixing_probability(model.setup().detected_flavour, species / sc.kinds());
}

/// The detected neutrinos' reference number at Earth without interactions, all energies (the denominator of
/// mass_state_fractions::detected): 1 per emitted neutrino for detection = all, else sum over antineutrino components
/// of weight x |U_alpha i|^2 x P(state i).
template <class Real, class Spectrum>
Real detected_reference(const mass_state_model<Real>& model, std::span<const flavour_emission<Real, Spectrum>> emission,
                        const std::vector<Real>& weights) {
  if (model.setup().detection == detected_neutrinos::all) return Real(1);
  Real ref = 0;
  for (std::size_t c = 0; c < emission.size(); ++c)
    if (emission[c].antineutrino)
      for (std::size_t i = 0; i < 3; ++i)
        ref += weights[c] * emission[c].probability(model.spectrum(), i) *
               model.spectrum().mixing_probability(model.setup().detected_flavour, i);
  return ref;
}

/// Detected neutrinos above threshold that never scatter, per reference: sum over components c and states i of
/// w_c P_c(i) x weight(species) x integral_threshold^max phi_c(E) exp(-tau(E)) dE, tau = sum over relic states and
/// target kinds of n D sigma_tot (the Monte Carlo's free-path rate), by adaptive Gauss-Kronrod split at each
/// resonance E_res = (M^2 - m^2)/(2 m) and at relative offsets 2^k Gamma/M around it (line and opaque core).
template <class Real, class Spectrum>
Real mass_state_unscattered_detected(const mass_state_model<Real>& model,
                                     std::span<const flavour_emission<Real, Spectrum>> emission,
                                     const std::vector<Real>& weights, Real reference, Real max_energy_MeV,
                                     std::string_view fn) {
  using std::exp;
  const auto& sc = model.scattering();
  const Real T = model.setup().threshold_MeV, D = model.setup().distance_cm;
  const Real M = model.setup().interaction.med.mass_MeV, width_over_mass = sc.width_MeV() / M;
  std::vector<Real> cuts{T, max_energy_MeV};
  std::array<std::array<Real, 2>, 3> column{};
  for (std::size_t b = 0; b < 3; ++b) {
    const auto pops = model.relic().targets(b);
    for (std::size_t t = 0; t < pops.size() && t < 2; ++t) column[b][t] = pops[t].density_per_cm3 * D;
    const Real m = model.relic().mass_MeV(b);
    if (!(m > 0)) continue;
    const Real E_res = (M - m) * (M + m) / (2 * m);
    Real offset = E_res * width_over_mass;
    for (int k = 0; k <= 40; ++k, offset *= 2)
      for (Real e : {E_res, E_res - offset, E_res + offset})
        if (e > T && e < max_energy_MeV) cuts.push_back(e);
  }
  std::sort(cuts.begin(), cuts.end());
  cuts.erase(std::unique(cuts.begin(), cuts.end()), cuts.end());
  const Real tol = Real(1e-9L) > 64 * std::numeric_limits<Real>::epsilon() ? Real(1e-9L) : 64 * std::numeric_limits<Real>::epsilon();
  Real total = 0;
  for (std::size_t c = 0; c < emission.size(); ++c) {
    const neutrino_kind kind = emission[c].antineutrino ? neutrino_kind::antineutrino_right : neutrino_kind::neutrino_left;
    for (std::size_t i = 0; i < 3; ++i) {
      const std::size_t species = sc.species_index(i, kind);
      const Real w = weights[c] * emission[c].probability(model.spectrum(), i) * detected_weight(model, species);
      if (!(w > 0)) continue;
      auto f = [&](Real E) {
        Real tau = 0;
        for (std::size_t b = 0; b < 3; ++b) {
          const Real m = model.relic().mass_MeV(b);
          for (std::size_t t = 0; t < sc.target_kinds(); ++t)
            if (column[b][t] > 0) tau += column[b][t] * sc.total_cross_section_cm2(species, b, t, m * m + 2 * E * m);
        }
        return static_cast<Real>(emission[c].spectrum.probability_density_per_MeV(E)) * exp(-tau);
      };
      total += w * adaptive_integral<Real>(f, cuts, tol, 4000, fn).value;
    }
  }
  return total / reference;
}

}  // namespace detail

/// Arrival-time distribution of the detected neutrinos above threshold at distance D in the mass-state model: delay
/// quantiles with batch errors and histogram, the fraction within options.window_s, per reference number (as
/// mass_state_fractions::detected), from mass_state_monte_carlo with directions and recorded arrivals (delay = (path
/// length - D)/c in options.geometry). With every relic state at rest the unscattered part is integrated exactly and
/// the Monte Carlo supplies the scattered part of every fraction; with a thermal state the Monte Carlo supplies all
/// (unscattered_fraction_error > 0). Quantiles and the mean delay are over the Monte Carlo's arrivals, each weighted by
/// its share of the detected flavour. Deterministic in options.seed.
/// @throws nusi::invalid_argument on bad options (window_s, primaries in [1, 1e8], batches in [2, primaries],
/// quantile_probabilities in (0, 1), delay_edges_s, max_energy_MeV above threshold, angles, geometry) or emission;
/// nusi::numerical_error if a work bound or a quadrature fails.
template <class Real, class Spectrum>
  requires(samplable_spectrum<Spectrum, Real> && energy_spectrum<Spectrum, Real>)
arrival_time_result<Real> mass_state_arrival_time_distribution(const mass_state_model<Real>& model,
                                                               std::span<const flavour_emission<Real, Spectrum>> emission,
                                                               const mass_state_arrival_time_options<Real>& options = {}) {
  constexpr std::string_view fn = "nusi::mass_state_arrival_time_distribution";
  detail::validate_window(fn, options.window_s);
  detail::require_window_primaries(fn, "options.primaries", options.primaries);
  if (options.batches < 2 || options.batches > options.primaries)
    detail::throw_invalid(fn, "options.batches", "in [2, primaries]", options.batches);
  for (std::size_t i = 0; i < options.quantile_probabilities.size(); ++i)
    detail::require_open_interval(fn, "options.quantile_probabilities[" + std::to_string(i) + "]",
                                  options.quantile_probabilities[i], Real(0), Real(1));
  const std::vector<Real> edges = options.delay_edges_s.empty() ? detail::default_delay_edges<Real>() : options.delay_edges_s;
  detail::require_histogram_edges(fn, "options.delay_edges_s", edges);
  detail::require_finite(fn, "options.max_energy_MeV", options.max_energy_MeV);
  if (!(options.max_energy_MeV > model.setup().threshold_MeV))
    detail::throw_invalid(fn, "options.max_energy_MeV", "> threshold_MeV = " + detail::to_text(model.setup().threshold_MeV),
                          options.max_energy_MeV);
  if (emission.empty()) detail::throw_invalid(fn, "emission.size()", ">= 1", 0);

  mass_state_monte_carlo_options mc;
  mc.primaries = options.primaries;
  mc.seed = options.seed;
  mc.max_scatterings = options.max_scatterings;
  mc.angles = options.angles;
  if (options.geometry != monte_carlo_geometry::point_source && options.geometry != monte_carlo_geometry::plane_parallel)
    detail::throw_invalid(fn, "options.geometry", "point_source or plane_parallel", static_cast<int>(options.geometry));
  mc.geometry = options.angles == angle_model::three_dimensional ? options.geometry : monte_carlo_geometry::plane_parallel;
  mc.record_arrivals = true;
  mc.max_recorded_arrivals = std::numeric_limits<std::uint64_t>::max();
  const auto run = mass_state_monte_carlo(model, emission, mc);  // validates the model, emission and angles

  std::vector<Real> weights;
  Real weight_total = 0;
  for (const auto& c : emission) weight_total += c.weight;
  for (const auto& c : emission) weights.push_back(c.weight / weight_total);
  const Real reference = detail::detected_reference(model, emission, weights);
  if (!(reference > 0))
    detail::throw_invalid(fn, "emission", "with antineutrinos of the detected flavour (or detection = all)", "none");
  // The unscattered part: exact with every relic state at rest; with a thermal state its optical depth is a Doppler
  // average, and the Monte Carlo's own unscattered arrivals estimate it (per-primary errors).
  bool exact_unscattered = true;
  for (std::size_t b = 0; b < 3; ++b) exact_unscattered = exact_unscattered && model.relic().at_rest(b);
  const Real exact =
      exact_unscattered ? detail::mass_state_unscattered_detected(model, emission, weights, reference, options.max_energy_MeV, fn) : Real(0);

  arrival_time_result<Real> r;
  r.primaries = options.primaries;
  r.window_s = options.window_s;
  r.mean_scatterings_per_primary = Real(run.scatterings) / Real(options.primaries);
  r.delay_histogram = detail::make_counts(edges);
  detail::weight_moments scattered, scattered_window, sampled_unscattered, sampled_all, sampled_window;
  std::vector<std::vector<std::pair<Real, Real>>> batch_all(options.batches), batch_scattered(options.batches);
  long double delay_sum = 0, weight_sum = 0;
  auto it = run.arrivals.begin();
  for (std::uint64_t i = 0; i < options.primaries; ++i) {  // the list is grouped by primary, in order
    long double c_scattered = 0, c_window = 0, c_unscattered = 0;
    const std::size_t batch = static_cast<std::size_t>(i * options.batches / options.primaries);
    for (; it != run.arrivals.end() && it->primary == i; ++it) {
      const Real w = detail::detected_weight(model, it->species);
      if (!(w > 0)) continue;
      ++r.arrivals_above_threshold;
      delay_sum += static_cast<long double>(w) * it->delay_s;
      weight_sum += w;
      batch_all[batch].push_back({it->delay_s, w});
      if (it->generation == 0) {
        c_unscattered += w;
        continue;
      }
      ++r.scattered_arrivals_above_threshold;
      c_scattered += w;
      if (it->delay_s < options.window_s) c_window += w;
      batch_scattered[batch].push_back({it->delay_s, w});
      r.delay_histogram.fill(it->delay_s);
    }
    scattered.add(c_scattered / reference);
    scattered_window.add(c_window / reference);
    sampled_unscattered.add(c_unscattered / reference);
    sampled_all.add((c_unscattered + c_scattered) / reference);
    sampled_window.add((c_unscattered + c_window) / reference);
  }
  const long double N = static_cast<long double>(options.primaries);
  const Real unscattered = exact_unscattered ? exact : static_cast<Real>(sampled_unscattered.sum / N);
  r.unscattered_fraction = unscattered;
  // Exact (quadrature to 1e-9), or the Monte Carlo's per-primary error; the sums' errors from per-primary totals.
  r.unscattered_fraction_error = exact_unscattered ? Real(0) : sampled_unscattered.standard_error<Real>(options.primaries);
  r.scattered_within_window = static_cast<Real>(scattered_window.sum / N);
  r.scattered_within_window_error = scattered_window.standard_error<Real>(options.primaries);
  r.fraction_within_window = unscattered + r.scattered_within_window;
  r.fraction_within_window_error = exact_unscattered ? r.scattered_within_window_error
                                                     : sampled_window.standard_error<Real>(options.primaries);
  r.fraction_above_threshold = unscattered + static_cast<Real>(scattered.sum / N);
  r.fraction_above_threshold_error = exact_unscattered ? scattered.standard_error<Real>(options.primaries)
                                                       : sampled_all.standard_error<Real>(options.primaries);
  r.mean_delay_s = weight_sum > 0 ? static_cast<Real>(delay_sum / weight_sum) : Real(0);
  r.quantiles = detail::weighted_batched_quantiles(batch_all, options.quantile_probabilities);
  r.scattered_quantiles = detail::weighted_batched_quantiles(batch_scattered, options.quantile_probabilities);
  return r;
}

}  // namespace nusi
