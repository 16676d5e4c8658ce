// SPDX-License-Identifier: MIT
// Event-level bounds on secret interactions: the spectrum at Earth (grid transport of paper Eq. 8, or
// within a time window the unscattered part exactly plus the Monte Carlo's scattered arrivals) folded
// with detectors, a likelihood of the SN 1987A events (or of the Asimov data of a Galactic supernova)
// profiled over the emitted energy, and the excluded coupling per mass. The paper's own criterion
// (F <= 1%) is propagation_bound.hpp; the timing criterion is arrival_times.hpp.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <limits>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <boost/math/quadrature/gauss.hpp>
#include <boost/math/special_functions/gamma.hpp>

#include "arrival_times.hpp"
#include "detection/detectors.hpp"
#include "detection/event_rates.hpp"
#include "detection/likelihood.hpp"
#include "detection/sn1987a.hpp"
#include "errors.hpp"
#include "propagation_setup.hpp"
#include "spectra.hpp"
#include "transport/grid.hpp"
#include "transport/propagate.hpp"

namespace nusi {

// ---------------------------------------------------------------------------------------------------
// Spectra at Earth on fixed energy bins

/// Edges [MeV] of the transport grid's node bins (node j owns [(e_{j-1}+e_j)/2, (e_j+e_{j+1})/2]; the
/// first starts at e_0, the last ends at e_{N-1}): N + 1 edges for N nodes.
/// @throws nusi::invalid_argument unless there are >= 2 nodes, finite, >= 0 and strictly increasing.
template <class Real>
std::vector<Real> grid_bin_edges(const std::vector<Real>& nodes_MeV) {
  constexpr std::string_view fn = "nusi::grid_bin_edges";
  if (nodes_MeV.size() < 2) detail::throw_invalid(fn, "nodes_MeV.size()", ">= 2", nodes_MeV.size());
  detail::require_non_negative(fn, "nodes_MeV[0]", nodes_MeV.front());
  std::vector<Real> edges{nodes_MeV.front()};
  for (std::size_t j = 0; j + 1 < nodes_MeV.size(); ++j) {
    if (!detail::is_finite(nodes_MeV[j + 1]) || !(nodes_MeV[j + 1] > nodes_MeV[j]))
      detail::throw_invalid(fn, "nodes_MeV[" + std::to_string(j + 1) + "]", "finite and increasing", nodes_MeV[j + 1]);
    edges.push_back((nodes_MeV[j] + nodes_MeV[j + 1]) / 2);
  }
  edges.push_back(nodes_MeV.back());
  return edges;
}

/// The transport's spectrum at Earth as a detection spectrum: node j's neutrinos per emitted neutrino
/// (at_earth[j]) spread flat over its bin. It integrates to number_at_earth minus the underflow below
/// the lowest node (more than 1 where up-scattered relic neutrinos add numbers).
template <class Real>
binned_spectrum<Real> binned_spectrum_at_earth(const propagation_result<Real>& r) {
  std::vector<Real> n = r.at_earth;
  for (Real& x : n) x = std::max(x, Real(0));
  return binned_spectrum<Real>(grid_bin_edges(r.energy_MeV), std::move(n));
}

/// The emitted spectrum as the transport represents it (its projection on the grid), same form.
template <class Real>
binned_spectrum<Real> emitted_spectrum_on_grid(const propagation_result<Real>& r) {
  return binned_spectrum<Real>(grid_bin_edges(r.energy_MeV), r.emitted);
}

/// Contents of bins `from_edges` (flat within each) redistributed onto `to_edges` by overlap: the number
/// inside the common range is preserved.
/// @throws nusi::invalid_argument unless both edge lists have >= 2 finite, strictly increasing values,
/// from_counts.size() == from_edges.size() - 1 and every count is finite and >= 0.
template <class Real>
std::vector<Real> rebinned_counts(const std::vector<Real>& from_edges, const std::vector<Real>& from_counts,
                                  const std::vector<Real>& to_edges) {
  constexpr std::string_view fn = "nusi::rebinned_counts";
  if (from_edges.size() < 2 || from_counts.size() + 1 != from_edges.size())
    detail::throw_invalid(fn, "from_counts.size()", "from_edges.size() - 1 >= 1", from_counts.size());
  if (to_edges.size() < 2) detail::throw_invalid(fn, "to_edges.size()", ">= 2", to_edges.size());
  detail::require_finite(fn, "from_edges[0]", from_edges[0]);
  detail::require_finite(fn, "to_edges[0]", to_edges[0]);
  for (std::size_t i = 1; i < from_edges.size(); ++i)
    if (!detail::is_finite(from_edges[i]) || !(from_edges[i] > from_edges[i - 1]))
      detail::throw_invalid(fn, "from_edges[" + std::to_string(i) + "]", "finite and increasing", from_edges[i]);
  for (std::size_t i = 1; i < to_edges.size(); ++i)
    if (!detail::is_finite(to_edges[i]) || !(to_edges[i] > to_edges[i - 1]))
      detail::throw_invalid(fn, "to_edges[" + std::to_string(i) + "]", "finite and increasing", to_edges[i]);
  for (std::size_t i = 0; i < from_counts.size(); ++i)
    detail::require_non_negative(fn, "from_counts[" + std::to_string(i) + "]", from_counts[i]);
  std::vector<Real> out(to_edges.size() - 1, Real(0));
  std::size_t i = 0, k = 0;
  while (i + 1 < from_edges.size() && k + 1 < to_edges.size()) {
    const Real lo = std::max(from_edges[i], to_edges[k]), hi = std::min(from_edges[i + 1], to_edges[k + 1]);
    if (hi > lo) out[k] += from_counts[i] * (hi - lo) / (from_edges[i + 1] - from_edges[i]);
    if (from_edges[i + 1] < to_edges[k + 1]) ++i;
    else ++k;
  }
  return out;
}

/// The bin edges of the transport grid without resonance refinement (a function of the threshold and
/// the grid options only): the fixed true-energy bins of the event-level analyses.
template <class Real>
std::vector<Real> transport_bin_edges(Real threshold_MeV, const energy_grid_options<Real>& options = {}) {
  return grid_bin_edges(energy_grid<Real>(options, threshold_MeV).nodes_MeV());
}

namespace detail {
/// Emitted neutrinos per emitted neutrino in each bin of `edges`: Q(a) - Q(b) of the pinched spectrum.
template <class Real>
std::vector<Real> emitted_counts_in_bins(const pinched_spectrum<Real>& spectrum, const std::vector<Real>& edges) {
  std::vector<Real> out(edges.size() - 1);
  for (std::size_t k = 0; k + 1 < edges.size(); ++k)
    out[k] = spectrum.complementary_probability(edges[k]) - spectrum.complementary_probability(edges[k + 1]);
  return out;
}
}  // namespace detail

/// Neutrinos per emitted neutrino arriving unscattered (with the light front) in each bin of `edges`:
/// integral over the bin of phi(E) exp(-n D sigma_tot(E)) dE, adaptive Gauss-Kronrod split at the
/// resonance. At g -> 0 these are the emitted bin contents. Throws nusi::invalid_argument, numerical_error.
template <class Real, class Spectrum>
  requires energy_spectrum<Spectrum, Real>
std::vector<Real> unscattered_counts_in_bins(const propagation_setup<Real>& setup, const Spectrum& emission,
                                             const std::vector<Real>& edges) {
  constexpr std::string_view fn = "nusi::unscattered_counts_in_bins";
  setup.validate(fn);
  if (edges.size() < 2) detail::throw_invalid(fn, "edges.size()", ">= 2", edges.size());
  detail::require_non_negative(fn, "edges[0]", edges[0]);
  std::vector<Real> out(edges.size() - 1);
  for (std::size_t k = 0; k + 1 < edges.size(); ++k) {
    if (!detail::is_finite(edges[k + 1]) || !(edges[k + 1] > edges[k]))
      detail::throw_invalid(fn, "edges[" + std::to_string(k + 1) + "]", "finite and increasing", edges[k + 1]);
    out[k] = detail::unscattered_integral(setup, emission, edges[k], edges[k + 1], fn);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------
// A detector folded on fixed true-energy bins

/// A detector response evaluated once per true-energy bin, for spectra that are flat within the bins
/// of `true_edges_MeV` (binned_spectrum on those edges): then every expectation is a dot product with
/// the bin contents. Same physics as detector_response (cross section, efficiency eta(E_vis),
/// Gaussian resolution, threshold on the measured energy; event densities with each event's own
/// error, Loredo & Lamb 2002), by Gauss-Legendre panels no wider than panel_width_MeV inside each bin.
template <class Real>
class folded_detector {
 public:
  /// measured_edges_MeV: bins of measured visible energy (the last may be +infinity; empty: none);
  /// events: recorded events for event densities (empty: none).
  /// @throws nusi::invalid_argument on a bad detector, true edges (>= 2, finite, >= 0, increasing),
  /// measured edges (0 or >= 2, increasing, only the last infinite), event, or panel_width_MeV (finite,
  /// > 0, giving at most 1000000 panels).
  folded_detector(detector<Real> det, std::vector<Real> true_edges_MeV, std::vector<Real> measured_edges_MeV = {},
                  std::vector<observed_event<Real>> events = {}, Real panel_width_MeV = Real(0.25L))
      : det_(std::move(det)), edges_(std::move(true_edges_MeV)), measured_(std::move(measured_edges_MeV)),
        events_(std::move(events)) {
    constexpr std::string_view fn = "nusi::folded_detector";
    det_.validate(fn);
    detail::require_positive(fn, "panel_width_MeV", panel_width_MeV);
    if (edges_.size() < 2) detail::throw_invalid(fn, "true_edges_MeV.size()", ">= 2", edges_.size());
    detail::require_non_negative(fn, "true_edges_MeV[0]", edges_[0]);
    for (std::size_t k = 1; k < edges_.size(); ++k)
      if (!detail::is_finite(edges_[k]) || !(edges_[k] > edges_[k - 1]))
        detail::throw_invalid(fn, "true_edges_MeV[" + std::to_string(k) + "]", "finite and increasing", edges_[k]);
    // Panels per bin are ceil(width / panel_width) >= 1: bound their sum (the work and a size_t cast).
    if (!((edges_.back() - edges_.front()) / panel_width_MeV <= Real(1000000)))
      detail::throw_invalid(fn, "panel_width_MeV", "giving at most 1000000 panels", panel_width_MeV);
    if (measured_.size() == 1) detail::throw_invalid(fn, "measured_edges_MeV.size()", "0 or >= 2", measured_.size());
    for (std::size_t j = 0; j < measured_.size(); ++j) {
      using std::isnan;
      const bool last = j + 1 == measured_.size();
      if (isnan(measured_[j]) || (!last && !detail::is_finite(measured_[j])) || (j > 0 && !(measured_[j] > measured_[j - 1])))
        detail::throw_invalid(fn, "measured_edges_MeV[" + std::to_string(j) + "]", "finite (the last may be +inf) and increasing",
                              measured_[j]);
    }
    for (std::size_t i = 0; i < events_.size(); ++i) {
      const std::string prefix = "events[" + std::to_string(i) + "].";
      detail::require_finite(fn, prefix + "energy_MeV", events_[i].energy_MeV);
      detail::require_positive(fn, prefix + "energy_error_MeV", events_[i].energy_error_MeV);
      detail::require_non_negative(fn, prefix + "background_per_MeV", events_[i].background_per_MeV);
    }
    build(panel_width_MeV);
  }

  const detector<Real>& model() const { return det_; }
  const std::vector<Real>& true_edges_MeV() const { return edges_; }
  const std::vector<Real>& measured_edges_MeV() const { return measured_; }
  const std::vector<observed_event<Real>>& events() const { return events_; }
  std::size_t bins() const { return edges_.size() - 1; }

  /// Expected events above threshold for bin contents n (per emitted neutrino) and N/(4 pi D^2) [cm^-2].
  /// @throws nusi::invalid_argument if n.size() != bins(), a content is not finite and >= 0, or
  /// number_per_cm2 is not finite and >= 0 (the same for the two functions below).
  Real expected_events(std::span<const Real> n, Real number_per_cm2) const {
    check(n, number_per_cm2);
    Real sum = 0;
    for (std::size_t k = 0; k < n.size(); ++k) sum += n[k] * total_[k];
    return sum * number_per_cm2;
  }
  /// Expected events per measured-energy bin (measured_edges_MeV), counting only the part above threshold.
  std::vector<Real> expected_events_in_bins(std::span<const Real> n, Real number_per_cm2) const {
    check(n, number_per_cm2);
    const std::size_t J = measured_bins();
    std::vector<Real> out(J, Real(0));
    for (std::size_t k = 0; k < n.size(); ++k)
      if (n[k] != 0)
        for (std::size_t j = 0; j < J; ++j) out[j] += n[k] * measured_matrix_[k * J + j];
    for (Real& x : out) x *= number_per_cm2;
    return out;
  }
  /// Signal density [events/MeV] at each recorded event's measured energy (Loredo & Lamb 2002).
  std::vector<Real> event_densities_per_MeV(std::span<const Real> n, Real number_per_cm2) const {
    check(n, number_per_cm2);
    const std::size_t I = events_.size();
    std::vector<Real> out(I, Real(0));
    for (std::size_t k = 0; k < n.size(); ++k)
      if (n[k] != 0)
        for (std::size_t i = 0; i < I; ++i) out[i] += n[k] * event_matrix_[k * I + i];
    for (Real& x : out) x *= number_per_cm2;
    return out;
  }

 private:
  std::size_t measured_bins() const { return measured_.empty() ? 0 : measured_.size() - 1; }
  void check(std::span<const Real> n, Real number_per_cm2) const {
    constexpr std::string_view fn = "nusi::folded_detector";
    if (n.size() != bins())
      detail::throw_invalid(fn, "n.size()", "the number of true-energy bins " + detail::to_text(bins()), n.size());
    for (std::size_t k = 0; k < n.size(); ++k) detail::require_non_negative(fn, "n[" + std::to_string(k) + "]", n[k]);
    detail::require_non_negative(fn, "number_per_cm2", number_per_cm2);
  }

  void build(Real panel_width) {
    using std::ceil;
    using std::exp;
    using std::isinf;
    using std::sqrt;
    const std::size_t K = bins(), J = measured_bins(), I = events_.size();
    total_.assign(K, Real(0));
    measured_matrix_.assign(K * J, Real(0));
    event_matrix_.assign(K * I, Real(0));
    const Real threshold_nu = channel_threshold_MeV<Real>(det_.channel);
    const Real root_two_pi = sqrt(2 * boost::math::constants::pi<Real>());
    std::vector<Real> clipped = measured_;
    for (Real& e : clipped) e = std::max(e, det_.threshold_MeV);
    using rule = boost::math::quadrature::gauss<Real, 8>;
    const auto& x = rule::abscissa();
    const auto& w = rule::weights();
    for (std::size_t k = 0; k < K; ++k) {
      const Real lo = std::max(edges_[k], threshold_nu), hi = edges_[k + 1];
      if (!(hi > lo)) continue;
      const Real width = edges_[k + 1] - edges_[k];
      const auto panels = static_cast<std::size_t>(std::max(Real(1), ceil((hi - lo) / panel_width)));
      const Real h = (hi - lo) / Real(panels);
      for (std::size_t p = 0; p < panels; ++p) {
        const Real mid = lo + (Real(p) + Real(0.5L)) * h;
        for (std::size_t q = 0; q < x.size(); ++q)
          for (int side : {-1, 1}) {
            const Real E = mid + Real(side) * h / 2 * x[q];
            const Real weight = h / 2 * w[q] / width;
            const Real sigma = channel_cross_section_cm2(det_.channel, E);
            if (!(sigma > 0)) continue;
            const Real E_vis = channel_lepton_energy_MeV(det_.channel, E) + det_.visible_energy_offset_MeV;
            const Real eta = det_.efficiency ? det_.efficiency(E_vis) : Real(1);
            if (!detail::is_finite(eta) || eta < 0 || eta > 1)
              detail::throw_invalid("nusi::folded_detector", "detector.efficiency(E) at E = " + detail::to_text(E_vis) + " MeV",
                                    "in [0, 1]", eta);
            const Real res = det_.resolution.sigma_MeV(E_vis);
            auto below = [&](Real edge) {
              if (isinf(edge)) return edge > 0 ? Real(1) : Real(0);
              if (!(res > 0)) return E_vis < edge ? Real(1) : Real(0);
              return detail::normal_cdf((edge - E_vis) / res);
            };
            const Real base = det_.targets * weight * sigma * eta;
            total_[k] += base * (1 - below(det_.threshold_MeV));
            if (J > 0) {
              Real previous = below(clipped[0]);
              for (std::size_t j = 0; j < J; ++j) {
                const Real next = below(clipped[j + 1]);
                measured_matrix_[k * J + j] += base * (next - previous);
                previous = next;
              }
            }
            for (std::size_t i = 0; i < I; ++i) {
              const Real z = (events_[i].energy_MeV - E_vis) / events_[i].energy_error_MeV;
              if (z * z > Real(100)) continue;  // beyond 10 sigma: below 2e-22 of the peak
              event_matrix_[k * I + i] += base * exp(-z * z / 2) / (events_[i].energy_error_MeV * root_two_pi);
            }
          }
      }
    }
  }

  detector<Real> det_;
  std::vector<Real> edges_, measured_;
  std::vector<observed_event<Real>> events_;
  std::vector<Real> total_, measured_matrix_, event_matrix_;
};

// ---------------------------------------------------------------------------------------------------
// Observations

/// What one detector recorded (or would record): unbinned events for the extended likelihood, and/or
/// counts in bins of measured energy for the binned Poisson likelihood.
template <class Real>
struct detector_observation {
  detector<Real> det;
  /// Recorded events (measured energy, error, background density over the window).
  std::vector<observed_event<Real>> events{};
  /// Measured-energy edges [MeV] of the binned counts (the last may be +infinity).
  std::vector<Real> edges_MeV{};
  /// Counts per bin (non-integer allowed: Asimov data).
  std::vector<Real> counts{};
  /// Asimov data set: counts are replaced by the no-nuSI expectation of the analysis (forecasts).
  bool asimov = false;
};

/// The SN 1987A observations of Kamiokande-II, IMB and Baksan (data/sn1987a/): unbinned events with
/// background densities (rate of `background` times background_window_s, Loredo & Lamb), selected by
/// unbinned_selection; binned counts (selected by binned_selection: no background model there) on
/// K-II 4.5-10-15-20-30-40-inf, IMB 15-20-30-40-50-inf, Baksan 10-15-20-25-inf MeV.
template <class Real>
std::vector<detector_observation<Real>> sn1987a_observations(
    const std::vector<sn1987a_event<Real>>& table, sn1987a_selection unbinned_selection = sn1987a_selection::all_events,
    sn1987a_selection binned_selection = sn1987a_selection::exclude_likely_background,
    sn1987a_background_set background = sn1987a_background_set::vissani_2015, Real background_window_s = Real(30)) {
  const Real inf = std::numeric_limits<Real>::infinity();
  const std::pair<sn1987a_detector, std::vector<Real>> setup[] = {
      {sn1987a_detector::kamiokande_ii, {Real(4.5L), 10, 15, 20, 30, 40, inf}},
      {sn1987a_detector::imb, {15, 20, 30, 40, 50, inf}},
      {sn1987a_detector::baksan, {10, 15, 20, 25, inf}}};
  std::vector<detector_observation<Real>> out;
  for (const auto& [which, edges] : setup) {
    detector_observation<Real> o;
    o.det = detector_model<Real>(which);
    o.events = sn1987a_observed_events(table, which, unbinned_selection, background, background_window_s);
    o.edges_MeV = edges;
    const auto counts = sn1987a_counts_in_bins<Real>(table, which, edges, binned_selection);
    for (unsigned c : counts) o.counts.push_back(Real(c));
    out.push_back(std::move(o));
  }
  return out;
}

/// Measured-energy edges for an Asimov forecast: 1 MeV bins from the detector threshold to 50 MeV,
/// 5 MeV bins to 100 MeV, then one bin to +infinity.
/// @throws nusi::invalid_argument on a bad detector (detector::validate).
template <class Real>
std::vector<Real> forecast_measured_edges(const detector<Real>& det) {
  det.validate("nusi::forecast_measured_edges");
  std::vector<Real> e{det.threshold_MeV};
  for (int k = 1; k <= 50; ++k)  // integer counters: the edges above the threshold are exact integers
    if (Real(k) > e.back()) e.push_back(Real(k));
  for (int k = 55; k <= 100; k += 5)
    if (Real(k) > e.back()) e.push_back(Real(k));
  e.push_back(std::numeric_limits<Real>::infinity());
  return e;
}

/// An Asimov observation for a detector (the data a supernova without nuSI would give on average).
template <class Real>
detector_observation<Real> asimov_observation(detector<Real> det) {
  detector_observation<Real> o;
  o.edges_MeV = forecast_measured_edges(det);
  o.det = std::move(det);
  o.asimov = true;
  return o;
}

// ---------------------------------------------------------------------------------------------------
// Likelihood ratio and bound

/// Which neutrinos count: every arrival whenever it comes (the grid transport's spectrum at Earth, as
/// the paper's F does), or only those arriving within the window after the light front (unscattered
/// ones exactly plus the Monte Carlo's scattered arrivals within the window).
enum class arrival_window { time_integrated, within_window };
/// Unbinned extended likelihood (Loredo & Lamb, with backgrounds) or Poisson counts in energy bins.
enum class event_likelihood { unbinned, binned };
/// The emitted energy: fixed at supernova_emission::energy_erg, or profiled (a free factor A on it).
enum class normalisation { fixed, profiled };

/// Settings of the event-level analyses. The physics (relic targets, distance, m_nu) is the setup's,
/// the source the supernova_emission's.
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
  /// Excluded where -2 Delta ln L >= critical_delta_chi2(confidence_level) (2.706 at 0.90).
  Real confidence_level = Real(0.9L);
  /// Scan of coupling_exclusion_limit in log10 g.
  Real log10_g_min = Real(-4);
  Real log10_g_max = Real(0);
  unsigned points_per_decade = 10;
  Real log10_g_tolerance = Real(1e-4L);
  /// Largest Gauss-Legendre panel of the detector folding [MeV].
  Real panel_width_MeV = Real(0.25L);
};

/// A log-likelihood maximised over the normalisation factor A (or at A = 1 when fixed).
template <class Real>
struct profiled_value {
  Real log_likelihood;
  Real normalisation;
};

namespace detail {
template <class Real>
void validate_event_options(std::string_view fn, const event_bound_options<Real>& o) {
  require_positive(fn, "options.normalisation_min", o.normalisation_min);
  require_positive(fn, "options.normalisation_max", o.normalisation_max);
  require_ordered(fn, "options.normalisation_min", o.normalisation_min, "options.normalisation_max", o.normalisation_max);
  if (!(o.normalisation_min <= 1 && o.normalisation_max >= 1))
    throw_invalid(fn, "options.normalisation_min", "<= 1 <= options.normalisation_max", o.normalisation_min);
  require_open_interval(fn, "options.confidence_level", o.confidence_level, Real(0), Real(1));
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
/// energy when profiled. The spectrum at Earth is the grid transport's (time_integrated) or the
/// windowed one (within_window), on the fixed bins transport_bin_edges(threshold, grid); detectors are
/// folded once on those bins. Throws nusi::invalid_argument and nusi::numerical_error.
template <class Real>
class event_likelihood_ratio {
 public:
  event_likelihood_ratio(Real mass_MeV, const propagation_setup<Real>& setup, const supernova_emission<Real>& emission,
                         std::vector<detector_observation<Real>> observations, const event_bound_options<Real>& options = {})
      : setup_(setup), emission_(emission), options_(options), spectrum_(emission.spectrum()) {
    constexpr std::string_view fn = "nusi::event_likelihood_ratio";
    emission.validate(fn);
    detail::validate_event_options(fn, options);
    detail::require_positive(fn, "mass_MeV", mass_MeV);
    setup_.med.mass_MeV = mass_MeV;
    setup_.med.coupling = Real(1e-8L);
    setup_.validate(fn);
    using std::abs;
    if (abs(setup.distance_cm - emission.distance_cm) > Real(1e-9L) * emission.distance_cm)
      detail::throw_invalid(fn, "setup.distance_cm", "equal to emission.distance_cm = " + detail::to_text(emission.distance_cm),
                            setup.distance_cm);
    if (observations.empty()) detail::throw_invalid(fn, "observations.size()", ">= 1", observations.size());
    number_per_cm2_ = emission.number_per_cm2();
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
    propagation_setup<Real> mc_setup = setup_;
    mc_setup.threshold_MeV = std::max(tracking, edges_.front() * Real(1.000001L));
    if (options.timing == arrival_window::within_window) window_.emplace(mc_setup, spectrum_, options.window);
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
  /// The no-nuSI log-likelihood (maximised over A when profiled) and its A.
  const profiled_value<Real>& reference() const { return reference_value_; }
  /// The exclusion level of -2 Delta ln L.
  Real delta_chi2() const { return critical_delta_chi2(options_.confidence_level); }

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
    std::vector<Real> n = unscattered_counts_in_bins(s, spectrum_, edges_);
    std::vector<Real> scattered(n.size(), Real(0));
    (*window_)(coupling, edges_, scattered);
    for (std::size_t k = 0; k < n.size(); ++k) n[k] += scattered[k];
    return n;
  }

  /// ln L of the observations for true-bin contents n, maximised over A in [normalisation_min, max]
  /// (profiled) or at A = 1 (fixed); the binned form includes -ln Gamma(n + 1).
  profiled_value<Real> log_likelihood(const std::vector<Real>& n) const {
    using std::log;
    const bool binned = options_.likelihood == event_likelihood::binned;
    // Per detector: expected totals (unbinned) or bins, and event densities at A = 1.
    Real S = 0, N_obs = 0;
    std::vector<Real> signal, background;  // unbinned: per event; binned: expectation and counts per bin
    std::vector<Real> mu, counts;
    for (std::size_t d = 0; d < folded_.size(); ++d) {
      if (binned) {
        const auto m = folded_[d].expected_events_in_bins(n, number_per_cm2_);
        mu.insert(mu.end(), m.begin(), m.end());
        counts.insert(counts.end(), observations_[d].counts.begin(), observations_[d].counts.end());
      } else {
        S += folded_[d].expected_events(n, number_per_cm2_);
        const auto s = folded_[d].event_densities_per_MeV(n, number_per_cm2_);
        signal.insert(signal.end(), s.begin(), s.end());
        for (const auto& e : observations_[d].events) background.push_back(e.background_per_MeV);
      }
    }
    auto value_at = [&](Real A) {
      Real v = 0;
      if (binned) {
        for (std::size_t j = 0; j < mu.size(); ++j) {
          const Real m = A * mu[j];
          if (m > 0) v += counts[j] * log(m) - m - boost::math::lgamma(counts[j] + 1);
          else if (counts[j] > 0) return -std::numeric_limits<Real>::infinity();
        }
      } else {
        v = -A * S;
        for (std::size_t i = 0; i < signal.size(); ++i) {
          const Real density = background[i] + A * signal[i];
          if (!(density > 0)) return -std::numeric_limits<Real>::infinity();
          v += log(density);
        }
      }
      return v;
    };
    if (options_.norm == normalisation::fixed) return {value_at(Real(1)), Real(1)};
    const Real lo = options_.normalisation_min, hi = options_.normalisation_max;
    Real A;
    if (binned) {
      Real M = 0;
      for (std::size_t j = 0; j < mu.size(); ++j) {
        M += mu[j];
        N_obs += counts[j];
      }
      A = M > 0 ? std::clamp(N_obs / M, lo, hi) : hi;
    } else {
      // d ln L/dA = -S + sum s_i/(b_i + A s_i): decreasing in A; its root by bisection in ln A.
      auto slope = [&](Real a) {
        Real h = -S;
        for (std::size_t i = 0; i < signal.size(); ++i)
          if (signal[i] > 0) h += signal[i] / (background[i] + a * signal[i]);
        return h;
      };
      if (!(slope(lo) > 0)) A = lo;
      else if (slope(hi) >= 0) A = hi;
      else {
        Real a = log(lo), b = log(hi);
        for (int it = 0; it < 200 && b - a > Real(1e-12L); ++it) {
          const Real m = (a + b) / 2;
          (slope(std::exp(m)) > 0 ? a : b) = m;
        }
        using std::exp;
        A = exp((a + b) / 2);
      }
    }
    return {value_at(A), A};
  }

  /// ln L(g) - ln L(no nuSI) (each profiled or fixed alike): the log_likelihood_ratio of coupling_exclusion_limit.
  Real operator()(Real coupling) const { return log_likelihood(counts_at_earth(coupling)).log_likelihood - reference_value_.log_likelihood; }

 private:
  std::vector<Real> reference_spectrum_counts() const {
    if (options_.timing == arrival_window::within_window) return detail::emitted_counts_in_bins(spectrum_, edges_);
    // The grid's own projection of the emission (no refinement: the base grid), rebinned like every
    // propagated spectrum, so that q(g -> 0) -> 0 up to the grid's second-order error.
    transport_options<Real> t = options_.transport;
    t.energy.resonance_nodes_per_core = Real(0);
    const propagation_result<Real> r = propagate_energy(setup_, spectrum_, t);
    return rebinned_counts(grid_bin_edges(r.energy_MeV), r.emitted, edges_);
  }

  propagation_setup<Real> setup_;
  supernova_emission<Real> emission_;
  event_bound_options<Real> options_;
  pinched_spectrum<Real> spectrum_;
  Real number_per_cm2_ = 0;
  std::vector<Real> edges_;
  std::vector<folded_detector<Real>> folded_;
  std::vector<detector_observation<Real>> observations_;
  std::optional<windowed_fraction<Real, pinched_spectrum<Real>>> window_;
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

/// The event-level bound at one mass for any observations (SN 1987A, or Asimov forecasts): the smallest
/// g with -2 [ln L(g) - ln L(no nuSI)] >= critical_delta_chi2(confidence_level), found by
/// coupling_exclusion_limit over [log10_g_min, log10_g_max]. Throws nusi::invalid_argument, numerical_error.
template <class Real>
event_bound_point<Real> event_bound(Real log10_mass_MeV, const propagation_setup<Real>& setup,
                                    const supernova_emission<Real>& emission, std::vector<detector_observation<Real>> observations,
                                    const event_bound_options<Real>& options = {}) {
  using std::log10;
  using std::pow;
  constexpr std::string_view fn = "nusi::event_bound";
  detail::require_closed_interval(fn, "log10_mass_MeV", log10_mass_MeV, lowest_log10_mass_MeV<Real>, highest_log10_mass_MeV<Real>);
  const event_likelihood_ratio<Real> llr(pow(Real(10), log10_mass_MeV), setup, emission, std::move(observations), options);
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

/// The SN 1987A event-level bound: K-II, IMB and Baksan together (sn1987a_observations), source at
/// emission.distance_cm (50 kpc by default, as the setup's). Throws as event_bound.
template <class Real>
event_bound_point<Real> sn1987a_event_bound(Real log10_mass_MeV, const propagation_setup<Real>& setup,
                                            const supernova_emission<Real>& emission,
                                            const std::vector<sn1987a_event<Real>>& table,
                                            const event_bound_options<Real>& options = {}) {
  return event_bound(log10_mass_MeV, setup, emission, sn1987a_observations(table), options);
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

/// Expected event counts per detector at the setup's (M, g): without nuSI, time-integrated and within
/// options.window.window_s. Throws nusi::invalid_argument and nusi::numerical_error.
template <class Real>
std::vector<detector_expectation<Real>> expected_event_counts(const propagation_setup<Real>& setup,
                                                              const supernova_emission<Real>& emission,
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
  const event_likelihood_ratio<Real> integrated(setup.med.mass_MeV, setup, emission, obs, o);
  o.timing = arrival_window::within_window;
  const event_likelihood_ratio<Real> windowed(setup.med.mass_MeV, setup, emission, obs, o);
  const std::vector<Real> n_int = integrated.counts_at_earth(setup.med.coupling);
  const std::vector<Real>& edges = windowed.true_edges_MeV();
  const std::vector<Real> unscattered = unscattered_counts_in_bins(setup, emission.spectrum(), edges);
  const std::vector<Real> n_win = windowed.counts_at_earth(setup.med.coupling);
  const std::vector<Real> reference = detail::emitted_counts_in_bins(emission.spectrum(), edges);
  // The Monte Carlo's scattered arrivals in the window: about scattered_number * primaries of them.
  Real scattered_number = 0;
  for (std::size_t k = 0; k < n_win.size(); ++k) scattered_number += n_win[k] - unscattered[k];
  const Real mc_count = scattered_number * Real(o.window.primaries);
  std::vector<detector_expectation<Real>> out;
  for (std::size_t d = 0; d < detectors.size(); ++d) {
    const auto& f = windowed.detectors()[d];
    const Real npc = emission.number_per_cm2();
    const Real win = f.expected_events(n_win, npc), uns = f.expected_events(unscattered, npc);
    const Real scattered_events = win - uns;
    out.push_back({detectors[d].name, f.expected_events(reference, npc),
                   integrated.detectors()[d].expected_events(n_int, npc), win, uns,
                   mc_count > 0 ? scattered_events / sqrt(mc_count) : Real(0)});
  }
  return out;
}

}  // namespace nusi
