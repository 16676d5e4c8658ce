// SPDX-License-Identifier: MIT
// Event-level bounds for a supernova model's time structure. (1) The time-energy likelihood of recorded
// events: each detector's events (time, measured energy) against the model's arrival-rate density at
// Earth -- the emission time profile convolved with the nuSI delays (unscattered arrivals exactly
// attenuated, scattered ones from the Monte Carlo with (t_emit, E) drawn from the model), folded with the
// detector's energy response -- plus the detector's flat background, as an extended unbinned likelihood
// in (t, E) (Loredo & Lamb 2002, Phys. Rev. D 65, 063002, Eq. 3.12), the offset between each detector's
// first event and the onset of the arrivals profiled, the emitted energy profiled or fixed. (2) The
// windowed and time-integrated analyses of event_bound.hpp for a model's flux (model_event_bound).
// Throws nusi::invalid_argument, nusi::numerical_error.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/math/constants/constants.hpp>

#include "../arrival_times.hpp"
#include "../detection/event_rates.hpp"
#include "../detection/observations.hpp"
#include "../detection/sn1987a.hpp"
#include "../errors.hpp"
#include "../event_bound.hpp"
#include "../monte_carlo.hpp"
#include "../propagation_setup.hpp"
#include "../transport/grid.hpp"
#include "../window_arrivals.hpp"
#include "arrivals.hpp"
#include "supernova_model.hpp"

namespace nusi {

/// Settings of the time-energy likelihood (the Monte Carlo's primaries and seed are options.window's).
template <class Real>
struct time_energy_options {
  /// Width of the arrival-time bins [s] (arrival time after the first emission's light front): the rate
  /// density is constant within a bin.
  Real time_bin_s = Real(0.02L);
  /// Each detector's first event is placed at offset in [0, max_offset_s] after the onset of the arrivals.
  Real max_offset_s = Real(2);
  /// The offset is profiled on offset_steps + 1 equally spaced values.
  unsigned offset_steps = 200;
  /// The Monte Carlo's scattered arrivals are histogrammed on bins of this width [s] (a multiple of
  /// time_bin_s after rounding) and spread evenly over the time bins inside: a few thousand primaries
  /// put only tens of scattered arrivals in the window, and the log of a sparse histogram is biased.
  Real scattered_bin_s = Real(1);
};

/// ln L maximised over the normalisation A and the detectors' offsets [s].
template <class Real>
struct time_energy_value {
  Real log_likelihood;
  Real normalisation;
  std::vector<Real> offsets_s;
};

/// ln L(g) - ln L(no nuSI) of recorded events in (time, energy), each maximised over A (profiled) and
/// over each detector's offset delta in [0, max_offset_s]. For detector d with events (t_i, E_i) (t_i
/// after its first event, in [0, T_d], T_d = background_window_s) the arrivals on [delta, delta + T_d]:
///   ln L_d = -A S_d(delta) + sum_i ln(A r_d(t_i + delta, E_i) + b_i),
/// r_d [1/(s MeV)] the model's arrival-rate density folded with the detector, S_d its integral over the
/// window and the measured energies, b_i = background_per_MeV / T_d the flat background (the constant
/// -B_d is dropped: it cancels in ratios). Throws nusi::invalid_argument and nusi::numerical_error.
template <class Real>
class time_energy_likelihood_ratio {
 public:
  /// flux: the model's flux in the flavour the detectors count (anti-nu_e for SN 1987A), emitted at
  /// setup.distance_cm; observations: each with events (times and energies) and background_window_s > 0.
  /// @throws nusi::invalid_argument on bad options (as event_likelihood_ratio's; time_bin_s, max_offset_s
  /// finite and > 0, offset_steps in [1, 100000], at most 20000 time bins, scattered_bin_s >= time_bin_s), mass, setup, observations (at
  /// least one; no Asimov data; background_window_s finite and > 0; events at or above the threshold with
  /// time_s in [0, background_window_s]); nusi::numerical_error.
  time_energy_likelihood_ratio(Real mass_MeV, const propagation_setup<Real>& setup, const flavor_flux<Real>& flux,
                               std::vector<detector_observation<Real>> observations, const event_bound_options<Real>& options = {},
                               const time_energy_options<Real>& time = {})
      : setup_(setup), options_(options), time_(time), sampler_(std::make_shared<const emission_sampler<Real>>(flux)) {
    using std::ceil;
    constexpr std::string_view fn = "nusi::time_energy_likelihood_ratio";
    detail::validate_event_options(fn, options);
    detail::require_positive(fn, "time.time_bin_s", time.time_bin_s);
    detail::require_positive(fn, "time.max_offset_s", time.max_offset_s);
    if (time.offset_steps == 0 || time.offset_steps > 100000) detail::throw_invalid(fn, "time.offset_steps", "in [1, 100000]", time.offset_steps);
    detail::require_positive(fn, "time.scattered_bin_s", time.scattered_bin_s);
    if (!(time.scattered_bin_s >= time.time_bin_s)) detail::throw_invalid(fn, "time.scattered_bin_s", ">= time.time_bin_s", time.scattered_bin_s);
    detail::require_positive(fn, "mass_MeV", mass_MeV);
    setup_.med.mass_MeV = mass_MeV;
    setup_.med.coupling = Real(1e-8L);
    setup_.validate(fn);
    if (observations.empty()) detail::throw_invalid(fn, "observations.size()", ">= 1", observations.size());
    edges_ = transport_bin_edges(setup_.threshold_MeV, options.transport.energy);
    Real tracking = std::numeric_limits<Real>::max(), longest = 0;
    for (std::size_t d = 0; d < observations.size(); ++d) {
      const auto& o = observations[d];
      const std::string name = "observations[" + std::to_string(d) + "]";
      if (o.asimov) detail::throw_invalid(fn, name + ".asimov", "false (recorded events)", "true");
      detail::require_positive(fn, name + ".background_window_s", o.background_window_s);
      for (const auto& e : o.events) {
        if (e.energy_MeV < o.det.threshold_MeV)
          detail::throw_invalid(fn, name + ".events energy_MeV", ">= the detector threshold " + detail::to_text(o.det.threshold_MeV),
                                e.energy_MeV);
        if (!(e.time_s >= 0 && e.time_s <= o.background_window_s))
          detail::throw_invalid(fn, name + ".events time_s", "in [0, background_window_s = " + detail::to_text(o.background_window_s) + "]",
                                e.time_s);
      }
      longest = std::max(longest, o.background_window_s);
      tracking = std::min(tracking, channel_threshold_MeV<Real>(o.det.channel));
      folded_.emplace_back(o.det, edges_, std::vector<Real>{}, o.events, options.panel_width_MeV);
    }
    observations_ = std::move(observations);
    const Real span = time.max_offset_s + longest;
    // Each table holds time bins x true bins (400 by default): bound the memory and the work.
    if (!(span / time.time_bin_s <= Real(20000))) detail::throw_invalid(fn, "time.time_bin_s", "giving at most 20000 time bins", time.time_bin_s);
    const auto bins = static_cast<std::size_t>(ceil(span / time.time_bin_s));
    for (std::size_t j = 0; j <= bins; ++j) time_edges_.push_back(time.time_bin_s * Real(j));
    const Real pi = boost::math::constants::pi<Real>();
    number_per_cm2_ = sampler_->number() / (4 * pi * setup_.distance_cm * setup_.distance_cm);
    detail::require_positive(fn, "number per cm^2 at Earth", number_per_cm2_);
    mc_setup_ = setup_;
    mc_setup_.threshold_MeV = std::max(tracking, edges_.front() * Real(1.000001L));
    (void)emission_windowed_fraction<Real>(mc_setup_, flux, window_options());  // validates the Monte Carlo settings
    fluence_.emplace(flux.fluence());
    fluence_counts_ = detail::emitted_counts_in_bins<Real>(*fluence_, edges_);
    emitted_ = emitted_in_time_bins();
    reference_ = log_likelihood(emitted_);
  }

  /// Arrival-time bin edges [s] after the first emission's light front, and the true-energy bin edges [MeV].
  const std::vector<Real>& time_edges_s() const { return time_edges_; }
  const std::vector<Real>& true_edges_MeV() const { return edges_; }
  const std::vector<detector_observation<Real>>& observations() const { return observations_; }
  const std::vector<folded_detector<Real>>& detectors() const { return folded_; }
  /// Emitted neutrinos per cm^2 at Earth, N/(4 pi D^2).
  Real number_per_cm2() const { return number_per_cm2_; }
  /// Without nuSI: the neutrinos per emitted neutrino arriving in time bin j and true bin k, [j][k] (0
  /// in bins wholly below every channel's threshold).
  const std::vector<std::vector<Real>>& emitted_counts() const { return emitted_; }
  /// The no-nuSI value (profiled).
  const time_energy_value<Real>& reference() const { return reference_; }
  /// The exclusion level of -2 Delta ln L (as event_likelihood_ratio::delta_chi2).
  Real delta_chi2() const {
    return options_.confidence_level ? critical_delta_chi2(*options_.confidence_level) : options_.delta_chi2_threshold;
  }

  /// Arrivals per emitted neutrino in time bin j and true bin k at coupling g, [j][k]: the unscattered part
  /// of each time bin's emission (attenuated by the time-integrated fluence's exp(-tau) per true bin: exact
  /// for a spectrum of constant shape, and the time bins always sum to the exact unscattered counts), plus
  /// the Monte Carlo's scattered arrivals at t_emit - t_first + delay (common random numbers in g).
  /// @throws nusi::invalid_argument if coupling is not finite and > 0; nusi::numerical_error.
  std::vector<std::vector<Real>> counts_at_earth(Real coupling) const {
    using std::round;
    constexpr std::string_view fn = "nusi::time_energy_likelihood_ratio::counts_at_earth";
    detail::require_positive(fn, "coupling", coupling);
    propagation_setup<Real> s = setup_;
    s.med.coupling = coupling;
    s.validate(fn);
    // The attenuation per true bin above the Monte Carlo's threshold (below it every count is 0).
    std::size_t k0 = 0;
    while (k0 + 2 < edges_.size() && edges_[k0 + 1] <= mc_setup_.threshold_MeV) ++k0;
    const std::vector<Real> unscattered =
        unscattered_counts_in_bins(s, *fluence_, std::vector<Real>(edges_.begin() + static_cast<std::ptrdiff_t>(k0), edges_.end()));
    std::vector<std::vector<Real>> n = emitted_;
    for (std::size_t k = k0; k < edges_.size() - 1; ++k) {
      const Real f = fluence_counts_[k];
      const Real a = f > 0 ? std::clamp(unscattered[k - k0] / f, Real(0), Real(1)) : Real(0);
      for (auto& row : n) row[k] *= a;
    }
    propagation_setup<Real> m = mc_setup_;
    m.med.coupling = coupling;
    const auto w = window_options();
    monte_carlo_options<Real> mc{.primaries = w.primaries, .seed = w.seed, .angles = w.angles, .max_scatterings = w.max_scatterings};
    mc.record_arrivals = true;
    mc.max_recorded_arrivals = std::numeric_limits<std::uint64_t>::max();
    mc.stream_per_primary = true;
    std::vector<Real> emitted_at;
    emitted_at.reserve(static_cast<std::size_t>(w.primaries));
    const auto run = monte_carlo_propagation(m, detail::recording_emission<Real>{sampler_.get(), &emitted_at}, mc);
    if (emitted_at.size() != w.primaries)
      throw numerical_error(std::string(fn) + ": the Monte Carlo drew " + std::to_string(emitted_at.size()) + " emitted energies for " +
                            std::to_string(w.primaries) + " primaries");
    const Real start = sampler_->flux().start_s(), per_primary = Real(1) / Real(w.primaries);
    // Coarse bins of `per_coarse` time bins each (the last may hold fewer).
    const auto per_coarse = std::max<std::size_t>(1, static_cast<std::size_t>(round(time_.scattered_bin_s / time_.time_bin_s)));
    const std::size_t coarse_bins = (n.size() + per_coarse - 1) / per_coarse;
    std::vector<std::vector<Real>> coarse(coarse_bins, std::vector<Real>(edges_.size() - 1, Real(0)));
    for (const auto& a : run.arrival_list) {
      if (a.generation == 0 || !(a.energy_MeV > m.threshold_MeV)) continue;
      const Real t = (emitted_at[static_cast<std::size_t>(a.primary)] - start) + a.delay_s;
      if (!(t >= 0 && t < time_edges_.back()) || !(a.energy_MeV >= edges_.front() && a.energy_MeV < edges_.back())) continue;
      const auto j = std::min(static_cast<std::size_t>(t / time_.time_bin_s), n.size() - 1);
      const auto k = static_cast<std::size_t>(std::upper_bound(edges_.begin(), edges_.end(), a.energy_MeV) - edges_.begin()) - 1;
      coarse[j / per_coarse][k] += per_primary;
    }
    for (std::size_t c = 0; c < coarse_bins; ++c) {
      const std::size_t first = c * per_coarse, last = std::min(first + per_coarse, n.size());
      const Real share = Real(1) / Real(last - first);
      for (std::size_t j = first; j < last; ++j)
        for (std::size_t k = 0; k < coarse[c].size(); ++k) n[j][k] += coarse[c][k] * share;
    }
    return n;
  }

  /// ln L of the observations for arrivals n[j][k] (per emitted neutrino), maximised over the detectors'
  /// offsets and over A in [normalisation_min, normalisation_max] (profiled) or at A = 1 (fixed).
  /// @throws nusi::invalid_argument if n has the wrong shape or a negative content.
  time_energy_value<Real> log_likelihood(const std::vector<std::vector<Real>>& n) const {
    using std::ceil;
    using std::exp;
    using std::log;
    using std::sqrt;
    constexpr std::string_view fn = "nusi::time_energy_likelihood_ratio::log_likelihood";
    if (n.size() + 1 != time_edges_.size()) detail::throw_invalid(fn, "n.size()", "time_edges_s().size() - 1", n.size());
    std::vector<detector_rates> rates;
    for (std::size_t d = 0; d < folded_.size(); ++d) rates.push_back(rates_of(d, n));
    const auto at = [&](Real A) {
      time_energy_value<Real> v{Real(0), A, {}};
      for (std::size_t d = 0; d < folded_.size(); ++d) {
        Real best = -std::numeric_limits<Real>::infinity(), best_offset = 0;
        for (unsigned m = 0; m <= time_.offset_steps; ++m) {
          const Real delta = time_.max_offset_s * Real(m) / Real(time_.offset_steps);
          const Real l = detector_log_likelihood(d, rates[d], A, delta);
          if (l > best) {
            best = l;
            best_offset = delta;
          }
        }
        v.log_likelihood += best;
        v.offsets_s.push_back(best_offset);
      }
      return v;
    };
    if (options_.norm == normalisation::fixed) return at(Real(1));
    // Profile ln A: a grid of 10 points per decade, then golden-section search around the best point.
    const Real lo = log(options_.normalisation_min), hi = log(options_.normalisation_max);
    const auto steps = static_cast<unsigned>(std::max(Real(2), ceil((hi - lo) / log(Real(10)) * 10)));
    time_energy_value<Real> best = at(exp(lo));
    unsigned best_step = 0;
    for (unsigned i = 1; i <= steps; ++i) {
      const auto v = at(exp(lo + (hi - lo) * Real(i) / Real(steps)));
      if (v.log_likelihood > best.log_likelihood) {
        best = v;
        best_step = i;
      }
    }
    Real a = lo + (hi - lo) * Real(best_step == 0 ? 0 : best_step - 1) / Real(steps);
    Real b = lo + (hi - lo) * Real(std::min(best_step + 1, steps)) / Real(steps);
    const Real r = (sqrt(Real(5)) - 1) / 2;
    Real x1 = b - r * (b - a), x2 = a + r * (b - a);
    auto f1 = at(exp(x1)), f2 = at(exp(x2));
    for (int it = 0; it < 60 && b - a > Real(1e-9L); ++it) {
      if (f1.log_likelihood >= f2.log_likelihood) {
        b = x2;
        x2 = x1;
        f2 = f1;
        x1 = b - r * (b - a);
        f1 = at(exp(x1));
      } else {
        a = x1;
        x1 = x2;
        f1 = f2;
        x2 = a + r * (b - a);
        f2 = at(exp(x2));
      }
    }
    for (const auto* v : {&f1, &f2})
      if (v->log_likelihood > best.log_likelihood) best = *v;
    return best;
  }

  /// ln L(g) - ln L(no nuSI), each maximised alike: the log_likelihood_ratio of coupling_exclusion_limit.
  Real operator()(Real coupling) const { return log_likelihood(counts_at_earth(coupling)).log_likelihood - reference_.log_likelihood; }

 private:
  /// One detector's folded arrivals: the signal density [1/(s MeV)] of each time bin at each event, and
  /// the cumulative expected events at the time edges.
  struct detector_rates {
    std::vector<std::vector<Real>> density;  // [j][i]
    std::vector<Real> cumulative;            // [j], size bins + 1
  };

  window_fraction_options<Real> window_options() const {
    window_fraction_options<Real> w = options_.window;
    w.window_s = time_edges_.back();
    return w;
  }

  detector_rates rates_of(std::size_t d, const std::vector<std::vector<Real>>& n) const {
    detector_rates r;
    const std::size_t events = observations_[d].events.size();
    r.cumulative.assign(1, Real(0));
    for (std::size_t j = 0; j < n.size(); ++j) {
      const bool empty = std::all_of(n[j].begin(), n[j].end(), [](Real x) { return x == 0; });
      if (empty) {
        r.density.emplace_back(events, Real(0));
        r.cumulative.push_back(r.cumulative.back());
        continue;
      }
      std::vector<Real> s = events ? folded_[d].event_densities_per_MeV(n[j], number_per_cm2_) : std::vector<Real>{};
      for (Real& x : s) x /= time_.time_bin_s;
      r.density.push_back(std::move(s));
      r.cumulative.push_back(r.cumulative.back() + folded_[d].expected_events(n[j], number_per_cm2_));
    }
    return r;
  }

  /// Expected events of the cumulative table up to time t (linear within a bin: constant rate).
  Real cumulative_at(const detector_rates& r, Real t) const {
    const Real x = t / time_.time_bin_s;
    const auto j = std::min(static_cast<std::size_t>(x), r.cumulative.size() - 2);
    const Real f = std::clamp(x - Real(j), Real(0), Real(1));
    return r.cumulative[j] + f * (r.cumulative[j + 1] - r.cumulative[j]);
  }

  Real detector_log_likelihood(std::size_t d, const detector_rates& r, Real A, Real delta) const {
    using std::log;
    const auto& o = observations_[d];
    Real l = -A * (cumulative_at(r, delta + o.background_window_s) - cumulative_at(r, delta));
    for (std::size_t i = 0; i < o.events.size(); ++i) {
      const auto j = std::min(static_cast<std::size_t>((o.events[i].time_s + delta) / time_.time_bin_s), r.density.size() - 1);
      const Real x = A * r.density[j][i] + o.events[i].background_per_MeV / o.background_window_s;
      if (!(x > 0)) return -std::numeric_limits<Real>::infinity();
      l += log(x);
    }
    return l;
  }

  /// Emitted neutrinos per emitted neutrino in each (time bin, true bin): the exact number of each time
  /// bin, its spectrum by 4-point Gauss-Legendre in emission time on each piece between the flux's rows.
  std::vector<std::vector<Real>> emitted_in_time_bins() const {
    const auto& flux = sampler_->flux();
    const Real start = flux.start_s(), total = sampler_->number();
    const std::vector<Real> rows = flux.breakpoints_s();
    // Gauss-Legendre, 4 points on [-1, 1].
    const Real x[4] = {Real(-0.8611363115940526L), Real(-0.3399810435848563L), Real(0.3399810435848563L), Real(0.8611363115940526L)};
    const Real w[4] = {Real(0.3478548451374538L), Real(0.6521451548625461L), Real(0.6521451548625461L), Real(0.3478548451374538L)};
    std::vector<std::vector<Real>> out(time_edges_.size() - 1, std::vector<Real>(edges_.size() - 1, Real(0)));
    for (std::size_t j = 0; j + 1 < time_edges_.size(); ++j) {
      const Real from = start + time_edges_[j], to = std::min(start + time_edges_[j + 1], flux.end_s());
      if (!(to > from)) break;
      const Real number = flux.emitted_number(from, to);
      if (!(number > 0)) continue;
      std::vector<Real> cuts{from};
      for (Real t : rows)
        if (t > from && t < to) cuts.push_back(t);
      cuts.push_back(to);
      Real weight_sum = 0;
      for (std::size_t p = 0; p + 1 < cuts.size(); ++p)
        for (int q = 0; q < 4; ++q) {
          const Real t = (cuts[p] + cuts[p + 1]) / 2 + (cuts[p + 1] - cuts[p]) / 2 * x[q];
          const Real rate = flux.number_rate_per_s(t);
          if (!(rate > 0)) continue;
          const Real weight = w[q] * (cuts[p + 1] - cuts[p]) / 2 * rate;
          // Bins wholly below the Monte Carlo's threshold (below every channel's) count for nothing.
          const auto spectrum = flux.spectrum(t);
          Real upper = spectrum.complementary_probability(edges_.back());
          for (std::size_t k = edges_.size() - 1; k-- > 0;) {
            if (edges_[k + 1] <= mc_setup_.threshold_MeV) break;
            const Real lower = spectrum.complementary_probability(edges_[k]);
            out[j][k] += weight * (lower - upper);
            upper = lower;
          }
          weight_sum += weight;
        }
      if (!(weight_sum > 0)) continue;
      // The exact number of the time bin, the quadrature's spectrum.
      for (Real& c : out[j]) c *= number / (weight_sum * total);
    }
    return out;
  }

  propagation_setup<Real> setup_, mc_setup_;
  event_bound_options<Real> options_;
  time_energy_options<Real> time_;
  std::shared_ptr<const emission_sampler<Real>> sampler_;
  std::optional<fluence_spectrum<Real>> fluence_;
  std::vector<Real> fluence_counts_;
  Real number_per_cm2_ = 0;
  std::vector<Real> edges_, time_edges_;
  std::vector<folded_detector<Real>> folded_;
  std::vector<detector_observation<Real>> observations_;
  std::vector<std::vector<Real>> emitted_;
  time_energy_value<Real> reference_{};
};

/// The time-energy event bound at one mass: the smallest g with -2 [ln L(g) - ln L(no nuSI)] >=
/// options.delta_chi2_threshold (time_energy_likelihood_ratio), scanned as event_bound. Throws as that.
template <class Real>
event_bound_point<Real> time_energy_event_bound(Real log10_mass_MeV, const propagation_setup<Real>& setup, const flavor_flux<Real>& flux,
                                                std::vector<detector_observation<Real>> observations,
                                                const event_bound_options<Real>& options = {}, const time_energy_options<Real>& time = {}) {
  using std::pow;
  detail::require_event_bound_mass("nusi::time_energy_event_bound", log10_mass_MeV);
  const time_energy_likelihood_ratio<Real> llr(pow(Real(10), log10_mass_MeV), setup, flux, std::move(observations), options, time);
  return detail::event_bound_of(log10_mass_MeV, llr, options);
}

/// The SN 1987A time-energy bound: K-II, IMB and Baksan (sn1987a_observations: times after each
/// detector's first event, backgrounds over 30 s), the model's anti-nu_e flux. Throws as above.
template <class Real>
event_bound_point<Real> sn1987a_time_energy_bound(Real log10_mass_MeV, const propagation_setup<Real>& setup, const flavor_flux<Real>& flux,
                                                  const std::vector<sn1987a_event<Real>>& table,
                                                  const event_bound_options<Real>& options = {},
                                                  const time_energy_options<Real>& time = {}) {
  return time_energy_event_bound(log10_mass_MeV, setup, flux, sn1987a_observations(table), options, time);
}

/// The event-level bound of event_bound.hpp for a model's flux at setup.distance_cm: its fluence and,
/// in the within_window mode, what it emits over its time profile and arrives within
/// options.window.window_s (emission_arrivals). Throws as event_bound and emission_arrivals.
template <class Real>
event_bound_point<Real> model_event_bound(Real log10_mass_MeV, const propagation_setup<Real>& setup, const flavor_flux<Real>& flux,
                                          std::vector<detector_observation<Real>> observations,
                                          const event_bound_options<Real>& options = {}) {
  const Real pi = boost::math::constants::pi<Real>();
  detail::require_positive("nusi::model_event_bound", "setup.distance_cm", setup.distance_cm);
  const Real number_per_cm2 = flux.emitted_number() / (4 * pi * setup.distance_cm * setup.distance_cm);
  return event_bound(log10_mass_MeV, setup, flux.fluence(), number_per_cm2, emission_arrivals<Real>(flux, options.window.window_s),
                     std::move(observations), options);
}

}  // namespace nusi
