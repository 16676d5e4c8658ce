// SPDX-License-Identifier: MIT
// Arrival times of a supernova model's neutrinos: the emission time profile convolved with the delays
// of secret scatterings on the relic background (paper Sec. IV; delays from the Monte Carlo of
// monte_carlo.hpp). Emission time and energy are drawn together from the model (a time by the exact
// inverse of the emitted number, then an energy from the spectrum at that time), so a spectrum that
// changes with time is followed; the windowed fraction with the emission profile (common random
// numbers, as windowed_fraction) and the model's window_arrivals for the event-level analyses
// (emission_arrivals). The instantaneous burst is arrival_times.hpp. Throws nusi::invalid_argument,
// nusi::numerical_error.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "../arrival_times.hpp"
#include "../errors.hpp"
#include "../monte_carlo.hpp"
#include "../propagation_setup.hpp"
#include "../window_arrivals.hpp"
#include "supernova_model.hpp"

namespace nusi {

/// Draws (emission time, energy) of one neutrino of a flux: the time by inverting the exact emitted
/// number N(t) (bisection to 1e-12 of a row interval), the energy from flux.spectrum(t). Three deviates.
template <class Real>
class emission_sampler {
 public:
  /// @throws nusi::invalid_argument if the flux emits nothing (it always does: flavor_flux checks).
  explicit emission_sampler(flavor_flux<Real> flux) : flux_(std::move(flux)), times_(flux_.breakpoints_s()) {
    cumulative_.assign(times_.size(), Real(0));
    for (std::size_t i = 1; i < times_.size(); ++i)
      cumulative_[i] = cumulative_[i - 1] + flux_.emitted_number(times_[i - 1], times_[i]);
    if (!(cumulative_.back() > 0) || !detail::is_finite(cumulative_.back()))
      detail::throw_invalid("nusi::emission_sampler", "flux", "an emitted number finite and > 0", cumulative_.back());
  }
  const flavor_flux<Real>& flux() const { return flux_; }
  /// Total emitted number.
  Real number() const { return cumulative_.back(); }
  /// One (time [s], energy [MeV]); deterministic for a given generator.
  template <class URBG>
  std::pair<Real, Real> sample(URBG& rng) const {
    const Real target = detail::uniform_open01<Real>(rng) * cumulative_.back();
    auto it = std::upper_bound(cumulative_.begin(), cumulative_.end(), target);
    std::size_t i = it == cumulative_.begin() ? 0 : static_cast<std::size_t>(it - cumulative_.begin()) - 1;
    if (i + 1 >= times_.size()) i = times_.size() - 2;
    const Real need = target - cumulative_[i];
    Real lo = times_[i], hi = times_[i + 1];
    for (int k = 0; k < 60 && hi - lo > Real(1e-12L) * (times_[i + 1] - times_[i]); ++k) {
      const Real mid = lo + (hi - lo) / 2;
      (flux_.emitted_number(times_[i], mid) < need ? lo : hi) = mid;
    }
    Real t = lo + (hi - lo) / 2;
    if (!(flux_.number_rate_per_s(t) > 0)) t = flux_.number_rate_per_s(lo) > 0 ? lo : hi;  // a dark end point
    return {t, flux_.spectrum(t).sample_MeV(rng)};
  }

 private:
  flavor_flux<Real> flux_;
  std::vector<Real> times_, cumulative_;
};

/// Fraction of the flux's neutrinos emitted in [from_s, to_s] with energy above threshold_MeV (no
/// secret interactions): integral of dN/dt(t) Q(threshold; t) dt over N, by 8-point Gauss-Legendre on
/// each term's time_nodes (which integrate dN/dt to 1e-10 of the exact number), N exact.
/// @throws nusi::invalid_argument unless threshold_MeV is finite and >= 0 and from_s <= to_s (either
/// may be infinite).
template <class Real>
Real emitted_fraction_above(const flavor_flux<Real>& flux, Real threshold_MeV,
                            Real from_s = -std::numeric_limits<Real>::infinity(), Real to_s = std::numeric_limits<Real>::infinity()) {
  using W = detail::promoted_t<Real>;
  constexpr std::string_view fn = "nusi::emitted_fraction_above";
  detail::require_non_negative(fn, "threshold_MeV", threshold_MeV);
  detail::require_not_nan(fn, "from_s", from_s);
  detail::require_not_nan(fn, "to_s", to_s);
  if (from_s > to_s) detail::throw_invalid(fn, "from_s", "<= to_s = " + detail::to_text(to_s), from_s);
  const W from = std::max(W(from_s), -max_model_time_s<W>), to = std::min(W(to_s), max_model_time_s<W>);
  W above = 0;
  for (const auto& x : flux.terms()) {
    W sum = 0;
    for (const auto& [t, weight] : x.emission->time_nodes(from, to, 8)) {
      const Real rate = x.emission->number_rate_per_s(static_cast<Real>(t));
      if (rate > 0) sum += weight * W(rate) * W(x.emission->spectrum(static_cast<Real>(t)).complementary_probability(threshold_MeV));
    }
    above += W(x.coefficient) * sum;
  }
  return static_cast<Real>(std::min(W(1), above / W(flux.emitted_number())));  // min: the 1e-10 of the rule
}

/// Settings of arrival_times_with_emission.
template <class Real>
struct emission_arrival_options {
  std::uint64_t primaries = 20000;
  std::uint64_t seed = 1;
  /// Window [s] after the arrival of the unscattered front of the first emission (flux.start_s()).
  Real window_s = Real(12.4L);
  angle_model angles = angle_model::three_dimensional;
  /// Probabilities of the reported arrival-time quantiles, each in (0, 1).
  std::vector<Real> quantile_probabilities{Real(0.1L), Real(0.5L), Real(0.9L)};
  /// Batches of primaries for the quantile errors, in [2, primaries].
  std::size_t batches = 16;
  std::uint64_t max_scatterings = 100'000'000;
};

/// Arrival-time observables of the neutrinos above the threshold, per emitted neutrino, with Monte Carlo
/// standard errors from per-primary counts. Times are after the unscattered front of the first emission.
template <class Real>
struct emission_arrival_result {
  std::uint64_t primaries = 0;
  Real window_s = 0;
  Real start_s = 0;  ///< first emission time of the flux [s]: arrival time 0
  Real fraction_above_threshold = 0, fraction_above_threshold_error = 0;  ///< F, whenever they arrive
  /// N(E > threshold, arrival < window)/N(emitted): emission time plus delay within the window.
  Real fraction_within_window = 0, fraction_within_window_error = 0;
  /// The unscattered part of fraction_within_window (emitted within the window, never scattered).
  Real unscattered_within_window = 0, unscattered_within_window_error = 0;
  /// Without secret interactions, exactly (emitted_fraction_above over the window): the reference.
  Real emitted_within_window = 0;
  /// Arrival times [s] of all neutrinos above threshold, quantiles with batch-mean errors.
  std::vector<delay_quantile<Real>> arrival_quantiles;
  Real mean_scatterings_per_primary = 0;
};

namespace detail {
/// A samplable spectrum for monte_carlo_propagation that draws (time, energy) and keeps the times in
/// primary order (the engine draws one emitted energy per primary, in order; checked after the run).
template <class Real>
struct recording_emission {
  const emission_sampler<Real>* sampler;
  std::vector<Real>* times;
  template <class URBG>
  Real sample_MeV(URBG& rng) const {
    const auto [t, E] = sampler->sample(rng);
    times->push_back(t);
    return E;
  }
};
}  // namespace detail

/// Arrival times of the flux's neutrinos above setup.threshold_MeV at distance D: each primary's emission
/// time (from the model) plus its delay from the Monte Carlo (3D deflections by default). At g -> 0 the
/// windowed fraction tends to emitted_within_window; for a burst much shorter than the window, to
/// arrival_time_distribution's. @throws nusi::invalid_argument on a bad setup or options (window_s
/// finite and > 0, primaries in [1, 1e8], batches in [2, primaries], quantile probabilities in (0, 1));
/// nusi::numerical_error if the Monte Carlo's work bound is exceeded.
template <class Real>
emission_arrival_result<Real> arrival_times_with_emission(const propagation_setup<Real>& setup, const flavor_flux<Real>& flux,
                                                          const emission_arrival_options<Real>& options = {}) {
  constexpr std::string_view fn = "nusi::arrival_times_with_emission";
  setup.validate(fn);
  detail::validate_window(fn, options.window_s);
  detail::require_window_primaries(fn, "options.primaries", options.primaries);
  if (options.batches < 2 || options.batches > options.primaries)
    detail::throw_invalid(fn, "options.batches", "in [2, primaries]", options.batches);
  for (std::size_t i = 0; i < options.quantile_probabilities.size(); ++i)
    detail::require_open_interval(fn, "options.quantile_probabilities[" + std::to_string(i) + "]",
                                  options.quantile_probabilities[i], Real(0), Real(1));
  const emission_sampler<Real> sampler(flux);
  std::vector<Real> emitted_at;
  emitted_at.reserve(static_cast<std::size_t>(options.primaries));
  monte_carlo_options<Real> mc{.primaries = options.primaries, .seed = options.seed, .angles = options.angles,
                               .max_scatterings = options.max_scatterings};
  mc.record_arrivals = true;
  mc.max_recorded_arrivals = std::numeric_limits<std::uint64_t>::max();
  const monte_carlo_result<Real> run =
      monte_carlo_propagation(setup, detail::recording_emission<Real>{&sampler, &emitted_at}, mc);
  if (emitted_at.size() != options.primaries)
    throw numerical_error(std::string(fn) + ": the Monte Carlo drew " + std::to_string(emitted_at.size()) +
                          " emitted energies for " + std::to_string(options.primaries) + " primaries");

  emission_arrival_result<Real> r;
  r.primaries = options.primaries;
  r.window_s = options.window_s;
  r.start_s = flux.start_s();
  r.mean_scatterings_per_primary = run.mean_scatterings_per_primary;
  r.emitted_within_window = emitted_fraction_above(flux, setup.threshold_MeV, r.start_s, r.start_s + options.window_s);
  detail::count_moments all, window, unscattered;
  std::vector<std::vector<Real>> batch_times(options.batches);
  auto it = run.arrival_list.begin();
  for (std::uint64_t i = 0; i < options.primaries; ++i) {  // the list is grouped by primary, in order
    std::uint64_t c_all = 0, c_window = 0, c_unscattered = 0;
    const std::size_t batch = static_cast<std::size_t>(i * options.batches / options.primaries);
    const Real emitted = emitted_at[static_cast<std::size_t>(i)] - r.start_s;
    for (; it != run.arrival_list.end() && it->primary == i; ++it) {
      if (!(it->energy_MeV > setup.threshold_MeV)) continue;
      ++c_all;
      const Real arrival = emitted + it->delay_s;
      batch_times[batch].push_back(arrival);
      if (arrival < options.window_s) {
        ++c_window;
        if (it->generation == 0) ++c_unscattered;
      }
    }
    all.add(c_all);
    window.add(c_window);
    unscattered.add(c_unscattered);
  }
  all.per_primary(options.primaries, r.fraction_above_threshold, r.fraction_above_threshold_error);
  window.per_primary(options.primaries, r.fraction_within_window, r.fraction_within_window_error);
  unscattered.per_primary(options.primaries, r.unscattered_within_window, r.unscattered_within_window_error);
  r.arrival_quantiles = detail::batched_quantiles(batch_times, options.quantile_probabilities);
  return r;
}

/// A flux's emission within a window of window_s after its first emission time (flux.start_s()): the
/// fraction of the emitted neutrinos emitted in it (exact), their fluence (the time integral of the
/// spectrum over the window, a fluence_spectrum) and the sampler of (time, energy) over the whole emission.
template <class Real>
class emission_window {
 public:
  /// @throws nusi::invalid_argument unless window_s is finite and > 0, and as flavor_flux::fluence.
  emission_window(flavor_flux<Real> flux, Real window_s, const fluence_options<Real>& options = {})
      : sampler_(std::move(flux)), window_s_(window_s) {
    constexpr std::string_view fn = "nusi::emission_window";
    detail::require_positive(fn, "window_s", window_s);
    const auto& f = sampler_.flux();
    const Real start = f.start_s();
    const Real end = std::min(start + window_s, max_model_time_s<Real>);
    fraction_ = f.emitted_number(start, end) / f.emitted_number();
    if (fraction_ > 0) {
      fluence_options<Real> o = options;
      o.from_s = start;
      o.to_s = end;
      fluence_.emplace(f.fluence(o));
    }
  }
  const flavor_flux<Real>& flux() const { return sampler_.flux(); }
  const emission_sampler<Real>& sampler() const { return sampler_; }
  Real window_s() const { return window_s_; }
  /// N(emitted in the window)/N(emitted).
  Real emitted_fraction() const { return fraction_; }
  /// The fluence of the window (normalised), absent where nothing is emitted in it.
  const std::optional<fluence_spectrum<Real>>& fluence() const { return fluence_; }

 private:
  emission_sampler<Real> sampler_;
  Real window_s_;
  Real fraction_ = 0;
  std::optional<fluence_spectrum<Real>> fluence_;
};

/// F_window(M, g) of a time-dependent emission: the neutrinos above threshold whose arrival time,
/// (t_emit - t_first) + delay, is below window_s, per emitted neutrino. The unscattered part is exact
/// (the window's emitted fraction times the unscattered integral of the window's fluence: the
/// attenuation exp(-tau(E)) does not depend on the emission time); the scattered arrivals come from the
/// Monte Carlo with (t_emit, E) drawn from the model, each primary on its own random stream (seed, i),
/// so that every coupling follows the same histories (common random numbers, as windowed_fraction).
/// For an emission much shorter than the window it tends to windowed_fraction of the fluence.
template <class Real>
class emission_windowed_fraction {
 public:
  /// @throws nusi::invalid_argument on a bad setup or options (as windowed_fraction), or as emission_window.
  emission_windowed_fraction(const propagation_setup<Real>& setup, const flavor_flux<Real>& flux,
                             const window_fraction_options<Real>& options = {})
      : emission_windowed_fraction(setup, std::make_shared<const emission_window<Real>>(flux, options.window_s), options) {}
  /// With a window built once (its window_s must be options.window_s).
  /// @throws nusi::invalid_argument as above, or if window is null or its window_s differs.
  emission_windowed_fraction(const propagation_setup<Real>& setup, std::shared_ptr<const emission_window<Real>> window,
                             const window_fraction_options<Real>& options = {})
      : setup_(setup), window_(std::move(window)), options_(options) {
    constexpr std::string_view fn = "nusi::emission_windowed_fraction";
    setup_.validate(fn);
    detail::validate_window(fn, options.window_s);
    detail::require_window_primaries(fn, "options.primaries", options.primaries);
    if (options.max_scatterings == 0) detail::throw_invalid(fn, "options.max_scatterings", ">= 1", options.max_scatterings);
    detail::require_positive(fn, "options.max_energy_MeV", options.max_energy_MeV);
    if (!(options.max_energy_MeV > setup.threshold_MeV))
      detail::throw_invalid(fn, "options.max_energy_MeV", "> threshold_MeV", options.max_energy_MeV);
    if (!window_) detail::throw_invalid(fn, "window", "set", "null");
    if (window_->window_s() != options.window_s)
      detail::throw_invalid(fn, "window->window_s()", "options.window_s = " + detail::to_text(options.window_s), window_->window_s());
  }

  /// F_window at coupling g (> 0). @throws nusi::invalid_argument if coupling is not finite and > 0;
  /// nusi::numerical_error if a quadrature or the Monte Carlo's work bound fails.
  window_fraction<Real> operator()(Real coupling) const { return evaluate(coupling, nullptr, nullptr); }
  /// F_window at g, and the energies of the scattered arrivals within the window histogrammed on
  /// edges_MeV per emitted neutrino (added to histogram). @throws as windowed_fraction's.
  window_fraction<Real> operator()(Real coupling, const std::vector<Real>& edges_MeV, std::vector<Real>& histogram) const {
    detail::require_window_histogram("nusi::emission_windowed_fraction", edges_MeV, histogram);
    return evaluate(coupling, &edges_MeV, &histogram);
  }
  /// The unscattered part alone at coupling g: exact, monotone in g.
  /// @throws nusi::invalid_argument if coupling is not finite and > 0; nusi::numerical_error.
  Real unscattered(Real coupling) const {
    propagation_setup<Real> s = setup_;
    s.med.coupling = coupling;
    s.validate("nusi::emission_windowed_fraction::unscattered");
    return unscattered_at(s);
  }
  const propagation_setup<Real>& setup() const { return setup_; }
  const emission_window<Real>& window() const { return *window_; }
  const window_fraction_options<Real>& options() const { return options_; }

 private:
  Real unscattered_at(const propagation_setup<Real>& s) const {
    if (!window_->fluence()) return Real(0);
    return window_->emitted_fraction() *
           detail::unscattered_integral(s, *window_->fluence(), s.threshold_MeV, options_.max_energy_MeV, "nusi::emission_windowed_fraction");
  }
  window_fraction<Real> evaluate(Real coupling, const std::vector<Real>* edges, std::vector<Real>* histogram) const {
    constexpr std::string_view fn = "nusi::emission_windowed_fraction";
    detail::require_positive(fn, "coupling", coupling);
    propagation_setup<Real> s = setup_;
    s.med.coupling = coupling;
    s.validate(fn);
    window_fraction<Real> out{};
    out.unscattered = unscattered_at(s);
    std::vector<Real> emitted_at;
    emitted_at.reserve(static_cast<std::size_t>(options_.primaries));
    monte_carlo_options<Real> mc{.primaries = options_.primaries, .seed = options_.seed, .angles = options_.angles,
                                 .max_scatterings = options_.max_scatterings};
    mc.record_arrivals = true;
    mc.max_recorded_arrivals = std::numeric_limits<std::uint64_t>::max();
    mc.stream_per_primary = true;
    const auto run = monte_carlo_propagation(s, detail::recording_emission<Real>{&window_->sampler(), &emitted_at}, mc);
    if (emitted_at.size() != options_.primaries)
      throw numerical_error(std::string(fn) + ": the Monte Carlo drew " + std::to_string(emitted_at.size()) + " emitted energies for " +
                            std::to_string(options_.primaries) + " primaries");
    const Real start = window_->flux().start_s();
    detail::tally_scattered_in_window(
        run.arrival_list, options_.primaries, s.threshold_MeV,
        [&](const auto& arrival) {
          return (emitted_at[static_cast<std::size_t>(arrival.primary)] - start) + arrival.delay_s < options_.window_s;
        },
        edges, histogram, out);
    return out;
  }

  propagation_setup<Real> setup_;
  std::shared_ptr<const emission_window<Real>> window_;
  window_fraction_options<Real> options_;
};

/// A model's flux as window_arrivals for the event-level analyses (event_bound.hpp): what arrives within
/// window_s of the first emission, emitted over the model's time profile. Without nuSI that is the
/// window's emission (window fraction times its fluence's bin contents); the unscattered part is
/// exact; the scattered arrivals come from emission_windowed_fraction. The window is fixed at
/// construction: validate() requires the analysis' window_s to equal it.
template <class Real>
class emission_arrivals {
 public:
  /// @throws nusi::invalid_argument as emission_window.
  emission_arrivals(const flavor_flux<Real>& flux, Real window_s)
      : window_(std::make_shared<const emission_window<Real>>(flux, window_s)) {}
  explicit emission_arrivals(std::shared_ptr<const emission_window<Real>> window) : window_(std::move(window)) {
    if (!window_) detail::throw_invalid("nusi::emission_arrivals", "window", "set", "null");
  }
  const emission_window<Real>& window() const { return *window_; }

  /// @throws nusi::invalid_argument as emission_windowed_fraction's constructor (window.window_s equal to this window's).
  void validate(const propagation_setup<Real>& setup, const window_fraction_options<Real>& window) const {
    (void)emission_windowed_fraction<Real>(setup, window_, window);
  }
  std::vector<Real> emitted_counts(const window_fraction_options<Real>&, const std::vector<Real>& edges) const {
    std::vector<Real> n(edges.size() - 1, Real(0));
    if (!window_->fluence()) return n;
    n = detail::emitted_counts_in_bins<Real>(*window_->fluence(), edges);
    for (Real& x : n) x *= window_->emitted_fraction();
    return n;
  }
  /// Throws as unscattered_counts_in_bins.
  std::vector<Real> unscattered_counts(const propagation_setup<Real>& setup, const window_fraction_options<Real>&,
                                       const std::vector<Real>& edges) const {
    if (!window_->fluence()) {
      setup.validate("nusi::emission_arrivals::unscattered_counts");
      return std::vector<Real>(edges.size() - 1, Real(0));
    }
    std::vector<Real> n = unscattered_counts_in_bins(setup, *window_->fluence(), edges);
    for (Real& x : n) x *= window_->emitted_fraction();
    return n;
  }
  /// Throws as emission_windowed_fraction.
  void add_scattered_counts(const propagation_setup<Real>& setup, const window_fraction_options<Real>& window,
                            const std::vector<Real>& edges, std::vector<Real>& n) const {
    (void)emission_windowed_fraction<Real>(setup, window_, window)(setup.med.coupling, edges, n);
  }

 private:
  std::shared_ptr<const emission_window<Real>> window_;
};

}  // namespace nusi
