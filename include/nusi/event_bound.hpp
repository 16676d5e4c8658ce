// SPDX-License-Identifier: MIT
// Event-level bounds on secret interactions: the spectrum at Earth (grid transport of paper Eq. 8, or
// within a time window the unscattered part exactly plus the Monte Carlo's scattered arrivals) on fixed
// bins, folded with detectors (detection/event_rates.hpp), the likelihood of the SN 1987A events or of
// the Asimov data of a Galactic supernova (detection/likelihood.hpp) profiled over the emitted energy,
// and the excluded coupling per mass. The source is any emitted spectrum (the paper's pinched one as a
// supernova_emission, or a model's fluence) with its number per cm^2 at Earth; what arrives within the
// window is a window_arrivals (window_arrivals.hpp). The paper's own criterion (F <= 1%) is
// propagation_bound.hpp; the timing criterion is time_spread_bound.hpp; a model's time structure
// against the events' times is emission/event_bound.hpp.
#pragma once

#include <algorithm>
#include <cmath>
#include <concepts>
#include <cstddef>
#include <limits>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "arrival_times.hpp"
#include "detection/detectors.hpp"
#include "detection/event_rates.hpp"
#include "detection/likelihood.hpp"
#include "detection/observations.hpp"
#include "detection/sn1987a.hpp"
#include "errors.hpp"
#include "propagation_setup.hpp"
#include "spectra.hpp"
#include "transport/grid.hpp"
#include "transport/propagate.hpp"
#include "window_arrivals.hpp"

namespace nusi {

/// Which neutrinos count: every arrival whenever it comes (the grid transport's spectrum at Earth, as
/// the paper's F does), or only those arriving within the window after the light front (unscattered
/// ones exactly plus the Monte Carlo's scattered arrivals within the window).
enum class arrival_window { time_integrated, within_window };
/// Unbinned extended likelihood (Loredo & Lamb, with backgrounds) or Poisson counts in energy bins.
enum class event_likelihood { unbinned, binned };
/// The emitted energy: fixed at supernova_emission::energy_erg, or profiled (a free factor A on it).
enum class normalisation { fixed, profiled };

/// Settings of the event-level analyses. The physics (relic targets, distance, m_nu) is the setup's,
/// the source the emitted spectrum's and its number per cm^2 (or the supernova_emission's).
template <class Real>
struct event_bound_options {
  transport_options<Real> transport{};
  arrival_window timing = arrival_window::time_integrated;
  /// within_window: window, primaries and seed of the Monte Carlo of the scattered arrivals.
  window_fraction_options<Real> window{.primaries = 4000};
  event_likelihood likelihood = event_likelihood::unbinned;
  normalisation norm = normalisation::profiled;
  /// Range of the factor A on the emitted energy when profiled (A = 1: emission.energy_erg).
  Real normalisation_min = Real(1e-3L);
  Real normalisation_max = Real(1e3L);
  /// Excluded where q = -2 Delta ln L >= delta_chi2_threshold. Default 2.706 (default_delta_chi2): a
  /// one-sided 95 % CL upper limit on g, the convention of docs/physics.md ("The exclusion threshold");
  /// critical_delta_chi2_one_sided(cl) gives another level.
  Real delta_chi2_threshold = default_delta_chi2<Real>;
  /// Former way to set the threshold, kept for existing callers: when set, the threshold is
  /// critical_delta_chi2(*confidence_level), the chi^2_1 quantile (0.90 gives 2.706, i.e. one-sided 95 %
  /// CL), and delta_chi2_threshold is ignored.
  std::optional<Real> confidence_level{};
  /// Scan of coupling_exclusion_limit in log10 g.
  Real log10_g_min = Real(-4);
  Real log10_g_max = Real(0);
  unsigned points_per_decade = 10;
  Real log10_g_tolerance = Real(1e-4L);
  /// Largest Gauss-Legendre panel of the detector folding [MeV].
  Real panel_width_MeV = Real(0.25L);
};

namespace detail {
template <class Real>
void validate_event_options(std::string_view fn, const event_bound_options<Real>& o) {
  require_positive(fn, "options.normalisation_min", o.normalisation_min);
  require_positive(fn, "options.normalisation_max", o.normalisation_max);
  require_ordered(fn, "options.normalisation_min", o.normalisation_min, "options.normalisation_max", o.normalisation_max);
  if (!(o.normalisation_min <= 1 && o.normalisation_max >= 1))
    throw_invalid(fn, "options.normalisation_min", "<= 1 <= options.normalisation_max", o.normalisation_min);
  require_positive(fn, "options.delta_chi2_threshold", o.delta_chi2_threshold);
  if (o.confidence_level) require_open_interval(fn, "options.confidence_level", *o.confidence_level, Real(0), Real(1));
  require_closed_interval(fn, "options.log10_g_min", o.log10_g_min, lowest_log10_coupling<Real>, highest_log10_coupling<Real>);
  require_closed_interval(fn, "options.log10_g_max", o.log10_g_max, lowest_log10_coupling<Real>, highest_log10_coupling<Real>);
  require_ordered(fn, "options.log10_g_min", o.log10_g_min, "options.log10_g_max", o.log10_g_max);
  if (o.points_per_decade == 0) throw_invalid(fn, "options.points_per_decade", ">= 1", o.points_per_decade);
  if (!((o.log10_g_max - o.log10_g_min) * Real(o.points_per_decade) <= Real(1000000)))
    throw_invalid(fn, "options.points_per_decade", "giving at most 1000000 scan points", o.points_per_decade);
  validate_transport_options(fn, o.transport);
  require_positive(fn, "options.log10_g_tolerance", o.log10_g_tolerance);
  require_positive(fn, "options.panel_width_MeV", o.panel_width_MeV);
  require_positive(fn, "options.window.window_s", o.window.window_s);
  require_window_primaries(fn, "options.window.primaries", o.window.primaries);
}
}  // namespace detail

/// ln L(g) - ln L(no nuSI) of the observations at fixed mediator mass, each maximised over the emitted
/// energy when profiled. The source is an emitted spectrum (normalised, energy_spectrum and
/// samplable_spectrum: pinched_spectrum by default, a model's fluence_spectrum, a user's) with
/// number_per_cm2 = N/(4 pi D^2) emitted neutrinos per cm^2 at Earth; what the within_window mode
/// counts is `Arrivals` (window_arrivals: an instantaneous burst by default). The spectrum at Earth is
/// the grid transport's (time_integrated) or the windowed one (within_window), on the fixed bins
/// transport_bin_edges(threshold, grid); detectors are folded once on those bins. Throws
/// nusi::invalid_argument and nusi::numerical_error.
template <class Real, class Spectrum = pinched_spectrum<Real>, class Arrivals = burst_arrivals<Real, Spectrum>>
  requires(energy_spectrum<Spectrum, Real> && samplable_spectrum<Spectrum, Real> && window_arrivals<Arrivals, Real>)
class event_likelihood_ratio {
 public:
  /// The paper's source: emission.spectrum() with emission.number_per_cm2(); setup.distance_cm must
  /// equal emission.distance_cm (to 1e-9).
  /// @throws nusi::invalid_argument on a bad emission, distance, and as the general constructor.
  event_likelihood_ratio(Real mass_MeV, const propagation_setup<Real>& setup, const supernova_emission<Real>& emission,
                         std::vector<detector_observation<Real>> observations, const event_bound_options<Real>& options = {})
    requires(std::same_as<Spectrum, pinched_spectrum<Real>> && std::same_as<Arrivals, burst_arrivals<Real, Spectrum>>)
      : event_likelihood_ratio(mass_MeV, setup, checked(emission, setup).spectrum(), emission.number_per_cm2(), std::move(observations),
                               options) {}

  /// An emitted spectrum with number_per_cm2 neutrinos per cm^2 at Earth, emitted at once (burst_arrivals).
  /// @throws nusi::invalid_argument as the general constructor.
  event_likelihood_ratio(Real mass_MeV, const propagation_setup<Real>& setup, const Spectrum& spectrum, Real number_per_cm2,
                         std::vector<detector_observation<Real>> observations, const event_bound_options<Real>& options = {})
    requires std::same_as<Arrivals, burst_arrivals<Real, Spectrum>>
      : event_likelihood_ratio(mass_MeV, setup, spectrum, number_per_cm2, Arrivals{spectrum}, std::move(observations), options) {}

  /// The general form: the time-integrated spectrum, its number per cm^2 at Earth and what arrives
  /// within the window (used in the within_window mode only).
  /// @throws nusi::invalid_argument on bad options, mass, setup, number_per_cm2 (finite and > 0),
  /// observations (at least one; binned: edges and counts; unbinned: no Asimov data, events at or
  /// above the detector threshold) or window settings (arrivals.validate); nusi::numerical_error.
  event_likelihood_ratio(Real mass_MeV, const propagation_setup<Real>& setup, const Spectrum& spectrum, Real number_per_cm2,
                         Arrivals arrivals, std::vector<detector_observation<Real>> observations,
                         const event_bound_options<Real>& options = {})
      : setup_(setup), options_(options), spectrum_(spectrum), arrivals_(std::move(arrivals)) {
    constexpr std::string_view fn = "nusi::event_likelihood_ratio";
    detail::validate_event_options(fn, options);
    detail::require_positive(fn, "mass_MeV", mass_MeV);
    detail::require_positive(fn, "number_per_cm2", number_per_cm2);
    setup_.med.mass_MeV = mass_MeV;
    setup_.med.coupling = Real(1e-8L);
    setup_.validate(fn);
    if (observations.empty()) detail::throw_invalid(fn, "observations.size()", ">= 1", observations.size());
    number_per_cm2_ = number_per_cm2;
    edges_ = transport_bin_edges(setup_.threshold_MeV, options.transport.energy);
    Real tracking = std::numeric_limits<Real>::max();
    for (std::size_t d = 0; d < observations.size(); ++d) {
      auto& o = observations[d];
      const std::string name = "observations[" + std::to_string(d) + "]";
      if (options.likelihood == event_likelihood::binned) {
        if (o.edges_MeV.size() < 2) detail::throw_invalid(fn, name + ".edges_MeV.size()", ">= 2 (binned likelihood)", o.edges_MeV.size());
        if (!o.asimov && o.counts.size() + 1 != o.edges_MeV.size())
          detail::throw_invalid(fn, name + ".counts.size()", "edges_MeV.size() - 1", o.counts.size());
        for (std::size_t i = 0; !o.asimov && i < o.counts.size(); ++i)
          detail::require_non_negative(fn, name + ".counts[" + std::to_string(i) + "]", o.counts[i]);
      } else if (o.asimov) {
        detail::throw_invalid(fn, name + ".asimov", "false for the unbinned likelihood (use binned)", "true");
      }
      for (const auto& e : o.events)
        if (options.likelihood == event_likelihood::unbinned && e.energy_MeV < o.det.threshold_MeV)
          detail::throw_invalid(fn, name + ".events energy_MeV", ">= the detector threshold " + detail::to_text(o.det.threshold_MeV),
                                e.energy_MeV);
      tracking = std::min(tracking, channel_threshold_MeV<Real>(o.det.channel));
      folded_.emplace_back(o.det, edges_, options.likelihood == event_likelihood::binned ? o.edges_MeV : std::vector<Real>{},
                           options.likelihood == event_likelihood::unbinned ? o.events : std::vector<observed_event<Real>>{},
                           options.panel_width_MeV);
    }
    observations_ = std::move(observations);
    // The Monte Carlo of the scattered arrivals tracks every neutrino some detector can see.
    mc_setup_ = setup_;
    mc_setup_.threshold_MeV = std::max(tracking, edges_.front() * Real(1.000001L));
    if (options.timing == arrival_window::within_window) arrivals_.validate(mc_setup_, options.window);
    reference_ = reference_spectrum_counts();
    for (std::size_t d = 0; d < observations_.size(); ++d)
      if (observations_[d].asimov)
        observations_[d].counts = folded_[d].expected_events_in_bins(reference_, number_per_cm2_);
    reference_value_ = log_likelihood(reference_);
  }

  /// Fixed true-energy bins [MeV] of every spectrum below.
  const std::vector<Real>& true_edges_MeV() const { return edges_; }
  /// Neutrinos per emitted neutrino at Earth in each true bin without nuSI, as this analysis represents it.
  const std::vector<Real>& reference_counts() const { return reference_; }
  const std::vector<detector_observation<Real>>& observations() const { return observations_; }
  const std::vector<folded_detector<Real>>& detectors() const { return folded_; }
  Real number_per_cm2() const { return number_per_cm2_; }
  /// The emitted spectrum (normalised) and what arrives within the window.
  const Spectrum& spectrum() const { return spectrum_; }
  const Arrivals& arrivals() const { return arrivals_; }
  /// The no-nuSI log-likelihood (maximised over A when profiled) and its A.
  const profiled_value<Real>& reference() const { return reference_value_; }
  /// The exclusion level of -2 Delta ln L: options.delta_chi2_threshold (or the chi^2_1 quantile at
  /// options.confidence_level when that is set).
  Real delta_chi2() const {
    return options_.confidence_level ? critical_delta_chi2(*options_.confidence_level) : options_.delta_chi2_threshold;
  }

  /// Neutrinos per emitted neutrino at Earth in each true bin at coupling g (time_integrated: grid
  /// transport; within_window: unscattered exactly plus the Monte Carlo's scattered arrivals in the window).
  std::vector<Real> counts_at_earth(Real coupling) const {
    detail::require_positive("nusi::event_likelihood_ratio::counts_at_earth", "coupling", coupling);
    propagation_setup<Real> s = setup_;
    s.med.coupling = coupling;
    if (options_.timing == arrival_window::time_integrated) {
      const propagation_result<Real> r = propagate_energy(s, spectrum_, options_.transport);
      std::vector<Real> n = r.at_earth;
      for (Real& x : n) x = std::max(x, Real(0));
      return rebinned_counts(grid_bin_edges(r.energy_MeV), n, edges_);
    }
    std::vector<Real> n = arrivals_.unscattered_counts(s, options_.window, edges_);
    std::vector<Real> scattered(n.size(), Real(0));
    propagation_setup<Real> mc = mc_setup_;
    mc.med.coupling = coupling;
    arrivals_.add_scattered_counts(mc, options_.window, edges_, scattered);
    for (std::size_t k = 0; k < n.size(); ++k) n[k] += scattered[k];
    return n;
  }

  /// ln L of the observations for true-bin contents n, maximised over A in [normalisation_min, max]
  /// (profiled) or at A = 1 (fixed): likelihood.hpp's binned Poisson (with -ln Gamma(n + 1)) or
  /// extended unbinned form over all detectors together (they share the source).
  profiled_value<Real> log_likelihood(const std::vector<Real>& n) const {
    const bool profiled = options_.norm == normalisation::profiled;
    const Real lo = options_.normalisation_min, hi = options_.normalisation_max;
    if (options_.likelihood == event_likelihood::binned) {
      std::vector<Real> mu, counts;  // expectation at A = 1 and counts per measured bin, detector after detector
      for (std::size_t d = 0; d < folded_.size(); ++d) {
        const auto m = folded_[d].expected_events_in_bins(n, number_per_cm2_);
        mu.insert(mu.end(), m.begin(), m.end());
        counts.insert(counts.end(), observations_[d].counts.begin(), observations_[d].counts.end());
      }
      const std::span<const Real> expected(mu), observed(counts);
      if (profiled) return profiled_poisson_log_likelihood(expected, observed, lo, hi);
      return {poisson_log_likelihood(expected, observed), Real(1)};
    }
    Real S = 0;  // expected signal at A = 1, and per event its signal and background densities
    std::vector<Real> signal, background;
    for (std::size_t d = 0; d < folded_.size(); ++d) {
      S += folded_[d].expected_events(n, number_per_cm2_);
      const auto s = folded_[d].event_densities_per_MeV(n, number_per_cm2_);
      signal.insert(signal.end(), s.begin(), s.end());
      for (const auto& e : observations_[d].events) background.push_back(e.background_per_MeV);
    }
    const std::span<const Real> s(signal), b(background);
    if (profiled) return profiled_extended_log_likelihood(S, s, b, lo, hi);
    return {extended_log_likelihood(S, s, b), Real(1)};
  }

  /// ln L(g) - ln L(no nuSI) (each profiled or fixed alike): the log_likelihood_ratio of coupling_exclusion_limit.
  Real operator()(Real coupling) const { return log_likelihood(counts_at_earth(coupling)).log_likelihood - reference_value_.log_likelihood; }

 private:
  static const supernova_emission<Real>& checked(const supernova_emission<Real>& emission, const propagation_setup<Real>& setup) {
    constexpr std::string_view fn = "nusi::event_likelihood_ratio";
    emission.validate(fn);
    using std::abs;
    if (abs(setup.distance_cm - emission.distance_cm) > Real(1e-9L) * emission.distance_cm)
      detail::throw_invalid(fn, "setup.distance_cm", "equal to emission.distance_cm = " + detail::to_text(emission.distance_cm),
                            setup.distance_cm);
    return emission;
  }

  std::vector<Real> reference_spectrum_counts() const {
    if (options_.timing == arrival_window::within_window) return arrivals_.emitted_counts(options_.window, edges_);
    // The grid's own projection of the emission (no refinement: the base grid), rebinned like every
    // propagated spectrum, so that q(g -> 0) -> 0 up to the grid's second-order error.
    transport_options<Real> t = options_.transport;
    t.energy.resonance_nodes_per_core = Real(0);
    const propagation_result<Real> r = propagate_energy(setup_, spectrum_, t);
    return rebinned_counts(grid_bin_edges(r.energy_MeV), r.emitted, edges_);
  }

  propagation_setup<Real> setup_, mc_setup_;
  event_bound_options<Real> options_;
  Spectrum spectrum_;
  Arrivals arrivals_;
  Real number_per_cm2_ = 0;
  std::vector<Real> edges_;
  std::vector<folded_detector<Real>> folded_;
  std::vector<detector_observation<Real>> observations_;
  std::vector<Real> reference_;
  profiled_value<Real> reference_value_{};
};

/// One point of an event-level bound.
template <class Real>
struct event_bound_point {
  Real log10_mass_MeV;
  /// Smallest excluded log10 g; log10_g_min if excluded there already, log10_g_max if nothing is excluded.
  Real log10_g_bound;
  bool found;             ///< the test statistic crosses the level inside the scan
  bool excluded_at_min;   ///< already excluded at log10_g_min
  bool reopens_above;     ///< a scan point above the bound falls back below the level
  /// Largest -2 [ln L(g) - ln L(no nuSI)] of the scan; +infinity where the signal vanishes under an
  /// observed event without background (such data are impossible there: excluded with certainty).
  Real max_test_statistic;
  Real normalisation_at_bound;  ///< the profiled A at the bound (1 when fixed)
  unsigned evaluations;
};

namespace detail {
/// The bound of coupling_exclusion_limit over options' scan for a built likelihood ratio.
template <class Real, class Ratio>
event_bound_point<Real> event_bound_of(Real log10_mass_MeV, const Ratio& llr, const event_bound_options<Real>& options) {
  using std::log10;
  using std::pow;
  exclusion_scan<Real> scan{.coupling_min = pow(Real(10), options.log10_g_min),
                            .coupling_max = pow(Real(10), options.log10_g_max),
                            .points_per_decade = options.points_per_decade,
                            .delta_chi2 = llr.delta_chi2(),
                            .log10_tolerance = options.log10_g_tolerance};
  const exclusion_result<Real> r = coupling_exclusion_limit<Real>([&](Real g) { return llr(g); }, scan);
  event_bound_point<Real> p{};
  p.log10_mass_MeV = log10_mass_MeV;
  p.log10_g_bound = log10(r.coupling);
  p.found = r.excluded && !r.excluded_at_coupling_min;
  p.excluded_at_min = r.excluded_at_coupling_min;
  p.reopens_above = r.reopens_above;
  p.max_test_statistic = r.max_test_statistic;
  p.normalisation_at_bound = llr.log_likelihood(llr.counts_at_earth(r.coupling)).normalisation;
  p.evaluations = r.evaluations;
  return p;
}

template <class Real>
void require_event_bound_mass(std::string_view fn, Real log10_mass_MeV) {
  require_closed_interval(fn, "log10_mass_MeV", log10_mass_MeV, lowest_log10_mass_MeV<Real>, highest_log10_mass_MeV<Real>);
}
}  // namespace detail

/// The event-level bound at one mass for any observations (SN 1987A, or Asimov forecasts): the smallest
/// g with -2 [ln L(g) - ln L(no nuSI)] >= options.delta_chi2_threshold (one-sided 95 % CL), found by
/// coupling_exclusion_limit over [log10_g_min, log10_g_max]. Throws nusi::invalid_argument, numerical_error.
template <class Real>
event_bound_point<Real> event_bound(Real log10_mass_MeV, const propagation_setup<Real>& setup,
                                    const supernova_emission<Real>& emission, std::vector<detector_observation<Real>> observations,
                                    const event_bound_options<Real>& options = {}) {
  using std::pow;
  detail::require_event_bound_mass("nusi::event_bound", log10_mass_MeV);
  const event_likelihood_ratio<Real> llr(pow(Real(10), log10_mass_MeV), setup, emission, std::move(observations), options);
  return detail::event_bound_of(log10_mass_MeV, llr, options);
}

/// The same for an emitted spectrum (normalised) with number_per_cm2 = N/(4 pi D^2) neutrinos per cm^2
/// at Earth (D = setup.distance_cm), emitted at once. Throws as event_likelihood_ratio.
template <class Real, class Spectrum>
  requires(energy_spectrum<Spectrum, Real> && samplable_spectrum<Spectrum, Real>)
event_bound_point<Real> event_bound(Real log10_mass_MeV, const propagation_setup<Real>& setup, const Spectrum& spectrum,
                                    Real number_per_cm2, std::vector<detector_observation<Real>> observations,
                                    const event_bound_options<Real>& options = {}) {
  using std::pow;
  detail::require_event_bound_mass("nusi::event_bound", log10_mass_MeV);
  const event_likelihood_ratio<Real, Spectrum> llr(pow(Real(10), log10_mass_MeV), setup, spectrum, number_per_cm2,
                                                   std::move(observations), options);
  return detail::event_bound_of(log10_mass_MeV, llr, options);
}

/// The same with what arrives within the window given (`arrivals`: a model's emission_arrivals of
/// emission/arrivals.hpp, or burst_arrivals), counted in the within_window mode; the time-integrated mode
/// uses the spectrum alone. Throws as event_likelihood_ratio.
template <class Real, class Spectrum, class Arrivals>
  requires(energy_spectrum<Spectrum, Real> && samplable_spectrum<Spectrum, Real> && window_arrivals<Arrivals, Real>)
event_bound_point<Real> event_bound(Real log10_mass_MeV, const propagation_setup<Real>& setup, const Spectrum& spectrum,
                                    Real number_per_cm2, Arrivals arrivals, std::vector<detector_observation<Real>> observations,
                                    const event_bound_options<Real>& options = {}) {
  using std::pow;
  detail::require_event_bound_mass("nusi::event_bound", log10_mass_MeV);
  const event_likelihood_ratio<Real, Spectrum, Arrivals> llr(pow(Real(10), log10_mass_MeV), setup, spectrum, number_per_cm2,
                                                             std::move(arrivals), std::move(observations), options);
  return detail::event_bound_of(log10_mass_MeV, llr, options);
}

/// The SN 1987A event-level bound: K-II, IMB and Baksan together (sn1987a_observations), source at
/// emission.distance_cm (50 kpc by default, as the setup's). Throws as event_bound.
template <class Real>
event_bound_point<Real> sn1987a_event_bound(Real log10_mass_MeV, const propagation_setup<Real>& setup,
                                            const supernova_emission<Real>& emission,
                                            const std::vector<sn1987a_event<Real>>& table,
                                            const event_bound_options<Real>& options = {}) {
  return event_bound(log10_mass_MeV, setup, emission, sn1987a_observations(table), options);
}

/// The SN 1987A event-level bound for an emitted spectrum with number_per_cm2 at Earth (time-integrated
/// likelihood; the events' times against a model's time profile: emission/event_bound.hpp). Throws as event_bound.
template <class Real, class Spectrum>
  requires(energy_spectrum<Spectrum, Real> && samplable_spectrum<Spectrum, Real>)
event_bound_point<Real> sn1987a_event_bound(Real log10_mass_MeV, const propagation_setup<Real>& setup, const Spectrum& spectrum,
                                            Real number_per_cm2, const std::vector<sn1987a_event<Real>>& table,
                                            const event_bound_options<Real>& options = {}) {
  return event_bound(log10_mass_MeV, setup, spectrum, number_per_cm2, sn1987a_observations(table), options);
}

/// The SN 1987A event-level bound for an emitted spectrum with number_per_cm2 at Earth and what arrives
/// within the window (`arrivals`, counted in the within_window mode). Throws as event_bound.
template <class Real, class Spectrum, class Arrivals>
  requires(energy_spectrum<Spectrum, Real> && samplable_spectrum<Spectrum, Real> && window_arrivals<Arrivals, Real>)
event_bound_point<Real> sn1987a_event_bound(Real log10_mass_MeV, const propagation_setup<Real>& setup, const Spectrum& spectrum,
                                            Real number_per_cm2, Arrivals arrivals, const std::vector<sn1987a_event<Real>>& table,
                                            const event_bound_options<Real>& options = {}) {
  return event_bound(log10_mass_MeV, setup, spectrum, number_per_cm2, std::move(arrivals), sn1987a_observations(table), options);
}

/// The sensitivity of one detector to a supernova at emission.distance_cm without nuSI: the bound its
/// Asimov data set would give (binned likelihood on forecast_measured_edges, no background).
template <class Real>
event_bound_point<Real> forecast_event_bound(Real log10_mass_MeV, const propagation_setup<Real>& setup,
                                             const supernova_emission<Real>& emission, const detector<Real>& det,
                                             event_bound_options<Real> options = {}) {
  options.likelihood = event_likelihood::binned;
  return event_bound(log10_mass_MeV, setup, emission, {asimov_observation(det)}, options);
}

/// The same for an emitted spectrum with number_per_cm2 at Earth (D = setup.distance_cm): the flux in
/// the flavour the detector counts (a model's: emission/event_bound.hpp). Throws as event_bound.
template <class Real, class Spectrum>
  requires(energy_spectrum<Spectrum, Real> && samplable_spectrum<Spectrum, Real>)
event_bound_point<Real> forecast_event_bound(Real log10_mass_MeV, const propagation_setup<Real>& setup, const Spectrum& spectrum,
                                             Real number_per_cm2, const detector<Real>& det, event_bound_options<Real> options = {}) {
  options.likelihood = event_likelihood::binned;
  return event_bound(log10_mass_MeV, setup, spectrum, number_per_cm2, {asimov_observation(det)}, options);
}

/// The same with what arrives within the window given (`arrivals`, counted in the within_window mode).
/// Throws as event_bound.
template <class Real, class Spectrum, class Arrivals>
  requires(energy_spectrum<Spectrum, Real> && samplable_spectrum<Spectrum, Real> && window_arrivals<Arrivals, Real>)
event_bound_point<Real> forecast_event_bound(Real log10_mass_MeV, const propagation_setup<Real>& setup, const Spectrum& spectrum,
                                             Real number_per_cm2, Arrivals arrivals, const detector<Real>& det,
                                             event_bound_options<Real> options = {}) {
  options.likelihood = event_likelihood::binned;
  return event_bound(log10_mass_MeV, setup, spectrum, number_per_cm2, std::move(arrivals), {asimov_observation(det)}, options);
}

/// Expected events in one detector with and without nuSI at the setup's (M, g).
template <class Real>
struct detector_expectation {
  std::string detector;
  Real without_nusi;      ///< emitted spectrum (A = 1)
  Real time_integrated;   ///< grid transport: every arrival, whenever it comes
  Real within_window;     ///< unscattered + scattered within the window
  Real unscattered;       ///< the exact part of within_window
  Real within_window_error;  ///< Monte Carlo error of within_window (scaled from the scattered fraction's)
};

/// Expected event counts per detector at the setup's (M, g) for an emitted spectrum (normalised) with
/// number_per_cm2 neutrinos per cm^2 at Earth and what arrives within the window (`arrivals`): without
/// nuSI (every emitted neutrino), time-integrated (grid transport) and within options.window.window_s.
/// Throws nusi::invalid_argument and nusi::numerical_error.
template <class Real, class Spectrum, class Arrivals>
  requires(energy_spectrum<Spectrum, Real> && samplable_spectrum<Spectrum, Real> && window_arrivals<Arrivals, Real>)
std::vector<detector_expectation<Real>> expected_event_counts(const propagation_setup<Real>& setup, const Spectrum& spectrum,
                                                              Real number_per_cm2, const Arrivals& arrivals,
                                                              const std::vector<detector<Real>>& detectors,
                                                              const event_bound_options<Real>& options = {}) {
  using std::sqrt;
  constexpr std::string_view fn = "nusi::expected_event_counts";
  setup.validate(fn);
  if (detectors.empty()) detail::throw_invalid(fn, "detectors.size()", ">= 1", detectors.size());
  std::vector<detector_observation<Real>> obs;
  obs.reserve(detectors.size());
  for (const auto& d : detectors) obs.push_back({.det = d});
  event_bound_options<Real> o = options;
  o.likelihood = event_likelihood::unbinned;
  o.timing = arrival_window::time_integrated;
  using ratio = event_likelihood_ratio<Real, Spectrum, Arrivals>;
  const ratio integrated(setup.med.mass_MeV, setup, spectrum, number_per_cm2, arrivals, obs, o);
  o.timing = arrival_window::within_window;
  const ratio windowed(setup.med.mass_MeV, setup, spectrum, number_per_cm2, arrivals, obs, o);
  const std::vector<Real> n_int = integrated.counts_at_earth(setup.med.coupling);
  const std::vector<Real>& edges = windowed.true_edges_MeV();
  const std::vector<Real> unscattered = arrivals.unscattered_counts(setup, o.window, edges);
  const std::vector<Real> n_win = windowed.counts_at_earth(setup.med.coupling);
  const std::vector<Real> reference = detail::emitted_counts_in_bins<Real>(spectrum, edges);
  // The Monte Carlo's scattered arrivals in the window: about scattered_number * primaries of them.
  Real scattered_number = 0;
  for (std::size_t k = 0; k < n_win.size(); ++k) scattered_number += n_win[k] - unscattered[k];
  const Real mc_count = scattered_number * Real(o.window.primaries);
  std::vector<detector_expectation<Real>> out;
  for (std::size_t d = 0; d < detectors.size(); ++d) {
    const auto& f = windowed.detectors()[d];
    const Real npc = number_per_cm2;
    const Real win = f.expected_events(n_win, npc), uns = f.expected_events(unscattered, npc);
    const Real scattered_events = win - uns;
    out.push_back({detectors[d].name, f.expected_events(reference, npc),
                   integrated.detectors()[d].expected_events(n_int, npc), win, uns,
                   mc_count > 0 ? scattered_events / sqrt(mc_count) : Real(0)});
  }
  return out;
}

/// The same for an emitted spectrum emitted at once (burst_arrivals). Throws as above.
template <class Real, class Spectrum>
  requires(energy_spectrum<Spectrum, Real> && samplable_spectrum<Spectrum, Real>)
std::vector<detector_expectation<Real>> expected_event_counts(const propagation_setup<Real>& setup, const Spectrum& spectrum,
                                                              Real number_per_cm2, const std::vector<detector<Real>>& detectors,
                                                              const event_bound_options<Real>& options = {}) {
  return expected_event_counts(setup, spectrum, number_per_cm2, burst_arrivals<Real, Spectrum>{spectrum}, detectors, options);
}

/// The same for the paper's source (emission.spectrum(), emission.number_per_cm2(); setup.distance_cm
/// equal to emission.distance_cm). Throws as above, and on a bad emission or distance.
template <class Real>
std::vector<detector_expectation<Real>> expected_event_counts(const propagation_setup<Real>& setup,
                                                              const supernova_emission<Real>& emission,
                                                              const std::vector<detector<Real>>& detectors,
                                                              const event_bound_options<Real>& options = {}) {
  using std::abs;
  constexpr std::string_view fn = "nusi::expected_event_counts";
  setup.validate(fn);
  if (detectors.empty()) detail::throw_invalid(fn, "detectors.size()", ">= 1", detectors.size());
  emission.validate(fn);
  if (abs(setup.distance_cm - emission.distance_cm) > Real(1e-9L) * emission.distance_cm)
    detail::throw_invalid(fn, "setup.distance_cm", "equal to emission.distance_cm = " + detail::to_text(emission.distance_cm),
                          setup.distance_cm);
  return expected_event_counts(setup, emission.spectrum(), emission.number_per_cm2(), detectors, options);
}

}  // namespace nusi
