// SPDX-License-Identifier: MIT
// Expected supernova-neutrino events in a detector, given the spectrum at Earth (without secret
// interactions: the emitted pinched spectrum of paper Sec. IV; with them: any spectrum handed in by the
// propagation code), in bins of measured visible energy, in total above threshold, and as densities at
// recorded events. One detection physics, two evaluations: detector_response for any spectrum,
// folded_detector for spectra flat in fixed bins (a likelihood scan's dot products).
// Throws nusi::invalid_argument (bad input, a negative spectrum or an efficiency outside [0, 1]).
#pragma once

#include <algorithm>
#include <cmath>
#include <concepts>
#include <cstddef>
#include <memory>
#include <mutex>
#include <ranges>
#include <span>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include <boost/math/constants/constants.hpp>
#include <boost/math/quadrature/gauss.hpp>

#include "../detail/edges.hpp"
#include "../errors.hpp"
#include "../spectra.hpp"
#include "../units.hpp"
#include "detectors.hpp"
#include "observations.hpp"

namespace nusi {

/// A spectrum at Earth per emitted neutrino: dN/dE [1/MeV] at E [MeV], >= 0, per neutrino emitted in
/// the flavour (it integrates to 1 without secret interactions; to F-like fractions with them).
///
/// | expression                          | result | meaning                                      |
/// |-------------------------------------|--------|----------------------------------------------|
/// | s(E) or s.probability_density_per_MeV(E) | Real | dN/dE per emitted neutrino [1/MeV]       |
/// | s.breakpoints_MeV() (optional)      | range  | energies where dN/dE jumps (bin edges)       |
template <class S, class Real>
concept spectrum_at_earth = energy_spectrum<S, Real> || std::is_invocable_r_v<Real, const S&, Real>;

namespace detail {
template <class S>
concept has_breakpoints = requires(const S& s) {
  { s.breakpoints_MeV() } -> std::ranges::range;
};

/// dN/dE of a spectrum_at_earth; throws nusi::invalid_argument if negative or not finite.
template <class Real, class S>
Real spectrum_value(const S& s, Real E_MeV) {
  Real value;
  if constexpr (energy_spectrum<S, Real>)
    value = static_cast<Real>(s.probability_density_per_MeV(E_MeV));
  else
    value = static_cast<Real>(s(E_MeV));
  if (!is_finite(value) || value < 0)
    throw_invalid("nusi::detector_response", "spectrum_at_earth(E) at E = " + to_text(E_MeV) + " MeV",
                  "finite and >= 0", value);
  return value;
}

/// Standard normal cumulative distribution Phi(x).
template <class Real>
Real normal_cdf(Real x) {
  using std::erfc;
  return erfc(-x / boost::math::constants::root_two<Real>()) / 2;
}
}  // namespace detail

/// A spectrum at Earth tabulated on energy bins: number_per_primary[i] neutrinos (per emitted one) in
/// [edges_MeV[i], edges_MeV[i+1]), spread flat over the bin. Satisfies spectrum_at_earth.
template <class Real>
class binned_spectrum {
 public:
  /// Throws nusi::invalid_argument unless edges increase strictly, are finite and >= 0, and
  /// number_per_primary has one entry per bin, each finite and >= 0.
  binned_spectrum(std::vector<Real> edges_MeV, std::vector<Real> number_per_primary)
      : edges_(std::move(edges_MeV)), numbers_(std::move(number_per_primary)) {
    constexpr std::string_view fn = "nusi::binned_spectrum";
    if (edges_.size() < 2) detail::throw_invalid(fn, "edges_MeV.size()", ">= 2", edges_.size());
    if (numbers_.size() + 1 != edges_.size())
      detail::throw_invalid(fn, "number_per_primary.size()", "edges_MeV.size() - 1 = " + detail::to_text(edges_.size() - 1),
                            numbers_.size());
    detail::require_non_negative(fn, "edges_MeV[0]", edges_[0]);
    detail::require_increasing_edges(fn, "edges_MeV", edges_);
    for (std::size_t i = 0; i < numbers_.size(); ++i)
      detail::require_non_negative(fn, "number_per_primary[" + std::to_string(i) + "]", numbers_[i]);
  }
  /// dN/dE per emitted neutrino [1/MeV]: the bin content over its width; 0 outside the table.
  /// @throws nusi::invalid_argument if E_MeV is NaN.
  Real operator()(Real E_MeV) const {
    detail::require_not_nan("nusi::binned_spectrum", "E_MeV", E_MeV);
    if (!(E_MeV >= edges_.front()) || !(E_MeV < edges_.back())) return Real(0);
    const auto it = std::upper_bound(edges_.begin(), edges_.end(), E_MeV);
    const std::size_t i = static_cast<std::size_t>(it - edges_.begin()) - 1;
    return numbers_[i] / (edges_[i + 1] - edges_[i]);
  }
  /// The bin edges [MeV], where dN/dE jumps (quadrature splits its panels there).
  const std::vector<Real>& breakpoints_MeV() const { return edges_; }
  /// Neutrinos per emitted neutrino in the table (sum of the bins).
  Real total_per_primary() const {
    Real sum = 0;
    for (Real n : numbers_) sum += n;
    return sum;
  }

 private:
  std::vector<Real> edges_, numbers_;
};

/// Contents of bins `from_edges` (flat within each) redistributed onto `to_edges` by overlap: the number
/// inside the common range is preserved (a propagated spectrum onto the fixed bins of an analysis).
/// @throws nusi::invalid_argument unless both edge lists have >= 2 finite, strictly increasing values,
/// from_counts.size() == from_edges.size() - 1 and every count is finite and >= 0.
template <class Real>
std::vector<Real> rebinned_counts(const std::vector<Real>& from_edges, const std::vector<Real>& from_counts,
                                  const std::vector<Real>& to_edges) {
  constexpr std::string_view fn = "nusi::rebinned_counts";
  if (from_edges.size() < 2 || from_counts.size() + 1 != from_edges.size())
    detail::throw_invalid(fn, "from_counts.size()", "from_edges.size() - 1 >= 1", from_counts.size());
  if (to_edges.size() < 2) detail::throw_invalid(fn, "to_edges.size()", ">= 2", to_edges.size());
  detail::require_increasing_edges(fn, "from_edges", from_edges);
  detail::require_increasing_edges(fn, "to_edges", to_edges);
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

/// The supernova source of one flavour: energy emitted in it, pinched spectrum with moments <E>, <E^2>,
/// distance. Defaults: the paper's <E> = 15 MeV, <E^2> = 290 MeV^2 and D = 50 kpc (Sec. IV), and
/// 5e52 erg, which is our choice, not the paper's (it gives no emitted energy): a sixth of ~3e53 erg of
/// binding energy shared by six species. docs/physics.md shows what 3e52-8e52 erg change.
template <class Real>
struct supernova_emission {
  Real energy_erg = Real(5e52L);
  Real mean_energy_MeV = Real(15);
  Real mean_square_energy_MeV2 = Real(290);
  Real distance_cm = kpc(Real(50));

  /// Throws nusi::invalid_argument naming the first bad member.
  void validate(std::string_view function) const {
    detail::require_positive(function, "emission.energy_erg", energy_erg);
    detail::require_positive(function, "emission.mean_energy_MeV", mean_energy_MeV);
    detail::require_positive(function, "emission.mean_square_energy_MeV2", mean_square_energy_MeV2);
    if (!(mean_square_energy_MeV2 > mean_energy_MeV * mean_energy_MeV))
      detail::throw_invalid(function, "emission.mean_square_energy_MeV2",
                            "> mean_energy_MeV^2 = " + detail::to_text(mean_energy_MeV * mean_energy_MeV),
                            mean_square_energy_MeV2);
    detail::require_positive(function, "emission.distance_cm", distance_cm);
  }
  /// Number of neutrinos emitted in the flavour, energy / <E>.
  Real emitted_number() const {
    validate("nusi::supernova_emission::emitted_number");
    return energy_erg * erg_MeV<Real> / mean_energy_MeV;
  }
  /// Emitted number per unit area at Earth [cm^-2], N / (4 pi D^2): multiplies a spectrum per primary.
  Real number_per_cm2() const {
    const Real pi = boost::math::constants::pi<Real>();
    return emitted_number() / (4 * pi * distance_cm * distance_cm);
  }
  /// The emitted spectrum, normalised to one neutrino (without secret interactions, also the one at Earth).
  pinched_spectrum<Real> spectrum() const {
    validate("nusi::supernova_emission::spectrum");
    return pinched_spectrum<Real>::from_moments(mean_energy_MeV, mean_square_energy_MeV2);
  }
};

namespace detail {

/// The detection physics at one neutrino energy, a quadrature node of weight `weight` [MeV]: cross
/// section, true visible energy, efficiency, resolution and the probability to be measured above
/// threshold. Both evaluations below (detector_response, folded_detector) are sums over these nodes.
template <class Real>
struct detection_node {
  Real E_nu, weight, sigma, E_vis, eta, sigma_res, above_threshold;
};

/// Probability that the measured energy of an event at node n lies below E (Gaussian; a step at zero width).
template <class Real>
Real measured_below(const detection_node<Real>& n, Real E_MeV) {
  using std::isinf;
  if (isinf(E_MeV)) return E_MeV > 0 ? Real(1) : Real(0);
  if (!(n.sigma_res > 0)) return n.E_vis < E_MeV ? Real(1) : Real(0);
  return normal_cdf((E_MeV - n.E_vis) / n.sigma_res);
}

/// The node of detector `det` at E_nu: sigma(E_nu), E_vis = E_lepton + offset, eta(E_vis), the
/// resolution at E_vis and the threshold smearing (1 + erf((E_vis - E_thr)/(sqrt2 sigma)))/2 of
/// Vissani 2015. Throws nusi::invalid_argument naming `function` if eta is outside [0, 1].
template <class Real>
detection_node<Real> make_detection_node(const detector<Real>& det, Real E_nu, Real weight, std::string_view function) {
  detection_node<Real> n{};
  n.E_nu = E_nu;
  n.weight = weight;
  n.sigma = channel_cross_section_cm2(det.channel, E_nu);
  n.E_vis = channel_lepton_energy_MeV(det.channel, E_nu) + det.visible_energy_offset_MeV;
  const Real eta = det.efficiency ? det.efficiency(n.E_vis) : Real(1);
  if (!is_finite(eta) || eta < 0 || eta > 1)
    throw_invalid(function, "detector.efficiency(E) at E = " + to_text(n.E_vis) + " MeV", "in [0, 1]", eta);
  n.eta = eta;
  n.sigma_res = det.resolution.sigma_MeV(n.E_vis);
  n.above_threshold = Real(1) - measured_below(n, det.threshold_MeV);
  return n;
}

/// exp(-z^2/2) for a measured energy z errors away from E_vis; 0 beyond 10 sigma (below 2e-22 of the peak).
template <class Real>
Real gaussian_kernel(Real z) {
  using std::exp;
  return z * z > Real(100) ? Real(0) : exp(-z * z / 2);
}

/// Calls f(E [MeV], weight [MeV]) at the nodes of 8-point Gauss-Legendre panels no wider than
/// panel_width on [a, b] (b > a), panel after panel, each panel's pairs from the centre out.
template <class Real, class F>
void for_each_gauss_legendre_node(Real a, Real b, Real panel_width, F&& f) {
  using std::ceil;
  using rule = boost::math::quadrature::gauss<Real, 8>;
  const auto& x = rule::abscissa();
  const auto& w = rule::weights();
  const auto panels = static_cast<std::size_t>(std::max(Real(1), ceil((b - a) / panel_width)));
  const Real h = (b - a) / Real(panels);
  for (std::size_t p = 0; p < panels; ++p) {
    const Real mid = a + (Real(p) + Real(0.5L)) * h, half = h / 2;
    for (std::size_t i = 0; i < x.size(); ++i) {  // 8 points: x[0] = 0 is absent (even rule)
      f(mid - half * x[i], half * w[i]);
      f(mid + half * x[i], half * w[i]);
    }
  }
}

/// Edges of measured energy: at least 2, finite except a last +infinity, strictly increasing.
template <class Edges>
void require_measured_edges(std::string_view function, std::string_view name, const Edges& edges) {
  if (edges.size() < 2) throw_invalid(function, concat_text(name, ".size()"), ">= 2", edges.size());
  require_increasing_edges(function, name, edges, top_edge::may_be_infinite);
}

}  // namespace detail

/// Energy quadrature of detector_response: Gauss-Legendre panels (8 nodes each) no wider than
/// panel_width_MeV from the channel threshold to max_energy_MeV, also split at a spectrum's breakpoints.
template <class Real>
struct energy_quadrature {
  Real max_energy_MeV = Real(200);
  Real panel_width_MeV = Real(0.25L);
};

/// A detector with its cross section, efficiency and threshold evaluated once on an energy quadrature;
/// folds any spectrum at Earth into expected event counts. Counts are N_targets * (N / 4 pi D^2) *
/// integral of dN/dE sigma(E) eta(E_vis) P(measured in the bin | E_vis) dE.
template <class Real>
class detector_response {
 public:
  /// @throws nusi::invalid_argument on a bad detector (detector::validate) or quadrature:
  /// max_energy_MeV finite and above the channel threshold, panel_width_MeV finite and > 0 and giving
  /// at most 1000000 panels.
  explicit detector_response(detector<Real> det, energy_quadrature<Real> quadrature = {})
      : det_(std::move(det)), quad_(quadrature) {
    constexpr std::string_view fn = "nusi::detector_response";
    det_.validate(fn);
    detail::require_positive(fn, "quadrature.panel_width_MeV", quad_.panel_width_MeV);
    const Real lo = channel_threshold_MeV<Real>(det_.channel);
    if (!(quad_.max_energy_MeV > lo))
      detail::throw_invalid(fn, "quadrature.max_energy_MeV", "> the channel threshold " + detail::to_text(lo),
                            quad_.max_energy_MeV);
    if (!detail::is_finite(quad_.max_energy_MeV)) detail::throw_invalid(fn, "quadrature.max_energy_MeV", "finite", quad_.max_energy_MeV);
    if (!((quad_.max_energy_MeV - lo) / quad_.panel_width_MeV <= Real(1000000)))  // bounds the work (and a size_t cast)
      detail::throw_invalid(fn, "quadrature.panel_width_MeV", "giving at most 1000000 panels", quad_.panel_width_MeV);
    nodes_ = build_nodes(std::vector<Real>{});
  }

  const detector<Real>& model() const { return det_; }
  const energy_quadrature<Real>& quadrature() const { return quad_; }

  /// True visible energy [MeV] at neutrino energy E_nu: lepton energy plus the detector offset.
  /// @throws nusi::invalid_argument if E_nu_MeV is not finite.
  Real visible_energy_MeV(Real E_nu_MeV) const {
    detail::require_finite("nusi::detector_response::visible_energy_MeV", "E_nu_MeV", E_nu_MeV);
    return channel_lepton_energy_MeV(det_.channel, E_nu_MeV) + det_.visible_energy_offset_MeV;
  }

  /// Expected events above threshold for spectrum s (per emitted neutrino) and number_per_cm2 =
  /// N / (4 pi D^2). Throws nusi::invalid_argument on bad input.
  template <class S>
    requires spectrum_at_earth<S, Real>
  Real expected_events(const S& s, Real number_per_cm2) const {
    detail::require_non_negative("nusi::detector_response::expected_events", "number_per_cm2", number_per_cm2);
    Real sum = 0;
    for_each_node(s, [&](const node& n, Real weight_f) { sum += weight_f * n.sigma * n.eta * n.above_threshold; });
    return det_.targets * number_per_cm2 * sum;
  }

  /// Expected events in bins of measured visible energy [edges[i], edges[i+1]), counting only the part
  /// above threshold; the last edge may be +infinity. Throws nusi::invalid_argument on bad edges.
  template <class S>
    requires spectrum_at_earth<S, Real>
  std::vector<Real> expected_events_in_bins(const S& s, Real number_per_cm2, std::span<const Real> edges_MeV) const {
    constexpr std::string_view fn = "nusi::detector_response::expected_events_in_bins";
    detail::require_non_negative(fn, "number_per_cm2", number_per_cm2);
    detail::require_measured_edges(fn, "edges_MeV", edges_MeV);
    std::vector<Real> counts(edges_MeV.size() - 1, Real(0));
    std::vector<Real> clipped(edges_MeV.begin(), edges_MeV.end());
    for (Real& e : clipped) e = std::max(e, det_.threshold_MeV);
    for_each_node(s, [&](const node& n, Real weight_f) {
      const Real base = weight_f * n.sigma * n.eta;
      if (base == 0) return;
      Real previous = detail::measured_below(n, clipped[0]);
      for (std::size_t j = 0; j + 1 < clipped.size(); ++j) {
        const Real next = detail::measured_below(n, clipped[j + 1]);
        counts[j] += base * (next - previous);
        previous = next;
      }
    });
    for (Real& c : counts) c *= det_.targets * number_per_cm2;
    return counts;
  }

  /// Signal density [events/MeV] at a measured energy with its own Gaussian error (Loredo & Lamb 2002):
  /// N_T (N/4 pi D^2) integral dN/dE sigma eta(E_vis) G(measured - E_vis; error) dE. The event is taken as
  /// recorded, so no threshold factor. Throws nusi::invalid_argument on bad input.
  template <class S>
    requires spectrum_at_earth<S, Real>
  Real event_density_per_MeV(const S& s, Real number_per_cm2, Real measured_MeV, Real measured_error_MeV) const {
    using std::sqrt;
    constexpr std::string_view fn = "nusi::detector_response::event_density_per_MeV";
    detail::require_non_negative(fn, "number_per_cm2", number_per_cm2);
    detail::require_finite(fn, "measured_MeV", measured_MeV);
    detail::require_positive(fn, "measured_error_MeV", measured_error_MeV);
    const Real norm = 1 / (measured_error_MeV * sqrt(2 * boost::math::constants::pi<Real>()));
    Real sum = 0;
    for_each_node(s, [&](const node& n, Real weight_f) {
      const Real z = (measured_MeV - n.E_vis) / measured_error_MeV;
      sum += weight_f * n.sigma * n.eta * norm * detail::gaussian_kernel(z);
    });
    return det_.targets * number_per_cm2 * sum;
  }

 private:
  using node = detail::detection_node<Real>;

  std::vector<node> build_nodes(std::vector<Real> breakpoints) const {
    const Real lo = channel_threshold_MeV<Real>(det_.channel), hi = quad_.max_energy_MeV;
    breakpoints.push_back(lo);
    breakpoints.push_back(hi);
    std::sort(breakpoints.begin(), breakpoints.end());
    std::vector<node> nodes;
    for (std::size_t k = 0; k + 1 < breakpoints.size(); ++k) {
      const Real a = std::max(breakpoints[k], lo), b = std::min(breakpoints[k + 1], hi);
      if (!(b > a)) continue;
      detail::for_each_gauss_legendre_node(a, b, quad_.panel_width_MeV, [&](Real E, Real weight) {
        nodes.push_back(detail::make_detection_node(det_, E, weight, "nusi::detector_response"));
      });
    }
    return nodes;
  }

  /// Nodes split at a spectrum's breakpoints; the last set is cached, since a likelihood scan hands in
  /// spectra on one grid many times (thread-safe; copies of a response share the cache).
  std::shared_ptr<const std::vector<node>> nodes_with_breakpoints(std::vector<Real> cuts) const {
    std::lock_guard<std::mutex> lock(cache_->mutex);
    if (!cache_->nodes || cache_->breakpoints != cuts) {
      cache_->nodes = std::make_shared<const std::vector<node>>(build_nodes(cuts));
      cache_->breakpoints = std::move(cuts);
    }
    return cache_->nodes;
  }

  template <class S, class F>
  void for_each_node(const S& s, F&& f) const {
    if constexpr (detail::has_breakpoints<S>) {
      std::vector<Real> cuts;
      for (const auto& e : s.breakpoints_MeV()) cuts.push_back(static_cast<Real>(e));
      const auto nodes = nodes_with_breakpoints(std::move(cuts));
      for (const node& n : *nodes) f(n, n.weight * detail::spectrum_value<Real>(s, n.E_nu));
    } else {
      for (const node& n : nodes_) f(n, n.weight * detail::spectrum_value<Real>(s, n.E_nu));
    }
  }

  struct breakpoint_cache {
    std::mutex mutex;
    std::vector<Real> breakpoints;
    std::shared_ptr<const std::vector<node>> nodes;
  };

  detector<Real> det_;
  energy_quadrature<Real> quad_;
  std::vector<node> nodes_;
  std::shared_ptr<breakpoint_cache> cache_ = std::make_shared<breakpoint_cache>();
};

/// The detection physics of detector_response evaluated once per true-energy bin, for spectra flat
/// within the bins of `true_edges_MeV` (binned_spectrum on those edges): every expectation is then a
/// dot product with the bin contents, which is what a likelihood scan over the coupling repeats. The
/// nodes are detector_response's (detail::make_detection_node) on Gauss-Legendre panels no wider than
/// panel_width_MeV inside each bin, from the channel threshold up, so both agree to rounding on the
/// same panels (tested). Event densities use each event's own error (Loredo & Lamb 2002).
template <class Real>
class folded_detector {
 public:
  /// measured_edges_MeV: bins of measured visible energy (the last may be +infinity; empty: none);
  /// events: recorded events for event densities (empty: none).
  /// @throws nusi::invalid_argument on a bad detector, true edges (>= 2, finite, >= 0, increasing),
  /// measured edges (0 or >= 2, increasing, only the last infinite), event, efficiency outside [0, 1],
  /// or panel_width_MeV (finite, > 0, giving at most 1000000 panels).
  folded_detector(detector<Real> det, std::vector<Real> true_edges_MeV, std::vector<Real> measured_edges_MeV = {},
                  std::vector<observed_event<Real>> events = {}, Real panel_width_MeV = Real(0.25L))
      : det_(std::move(det)), edges_(std::move(true_edges_MeV)), measured_(std::move(measured_edges_MeV)),
        events_(std::move(events)) {
    constexpr std::string_view fn = "nusi::folded_detector";
    det_.validate(fn);
    detail::require_positive(fn, "panel_width_MeV", panel_width_MeV);
    if (edges_.size() < 2) detail::throw_invalid(fn, "true_edges_MeV.size()", ">= 2", edges_.size());
    detail::require_non_negative(fn, "true_edges_MeV[0]", edges_[0]);
    detail::require_increasing_edges(fn, "true_edges_MeV", edges_);
    // Panels per bin are ceil(width / panel_width) >= 1: bound their sum (the work and a size_t cast).
    if (!((edges_.back() - edges_.front()) / panel_width_MeV <= Real(1000000)))
      detail::throw_invalid(fn, "panel_width_MeV", "giving at most 1000000 panels", panel_width_MeV);
    if (!measured_.empty()) detail::require_measured_edges(fn, "measured_edges_MeV", measured_);
    for (std::size_t i = 0; i < events_.size(); ++i)
      detail::require_observed_event(fn, "events[" + std::to_string(i) + "]", events_[i]);
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
    for (std::size_t k = 0; k < n.size(); ++k)  // the name only on failure: this runs in every likelihood scan step
      if (!detail::is_finite(n[k]) || n[k] < 0) detail::throw_invalid(fn, "n[" + std::to_string(k) + "]", "finite and >= 0", n[k]);
    detail::require_non_negative(fn, "number_per_cm2", number_per_cm2);
  }

  void build(Real panel_width) {
    using std::sqrt;
    const std::size_t K = bins(), J = measured_bins(), I = events_.size();
    total_.assign(K, Real(0));
    measured_matrix_.assign(K * J, Real(0));
    event_matrix_.assign(K * I, Real(0));
    const Real threshold_nu = channel_threshold_MeV<Real>(det_.channel);
    const Real root_two_pi = sqrt(2 * boost::math::constants::pi<Real>());
    std::vector<Real> clipped = measured_;
    for (Real& e : clipped) e = std::max(e, det_.threshold_MeV);
    for (std::size_t k = 0; k < K; ++k) {
      const Real lo = std::max(edges_[k], threshold_nu), hi = edges_[k + 1];
      if (!(hi > lo)) continue;
      const Real width = edges_[k + 1] - edges_[k];
      detail::for_each_gauss_legendre_node(lo, hi, panel_width, [&](Real E, Real node_weight) {
        const auto n = detail::make_detection_node(det_, E, node_weight, "nusi::folded_detector");
        if (!(n.sigma > 0)) return;
        // Bin content n_k spread flat: dN/dE = n_k / width.
        const Real base = det_.targets * (n.weight / width) * n.sigma * n.eta;
        total_[k] += base * n.above_threshold;
        if (J > 0) {
          Real previous = detail::measured_below(n, clipped[0]);
          for (std::size_t j = 0; j < J; ++j) {
            const Real next = detail::measured_below(n, clipped[j + 1]);
            measured_matrix_[k * J + j] += base * (next - previous);
            previous = next;
          }
        }
        for (std::size_t i = 0; i < I; ++i) {
          const Real z = (events_[i].energy_MeV - n.E_vis) / events_[i].energy_error_MeV;
          event_matrix_[k * I + i] += base * detail::gaussian_kernel(z) / (events_[i].energy_error_MeV * root_two_pi);
        }
      });
    }
  }

  detector<Real> det_;
  std::vector<Real> edges_, measured_;
  std::vector<observed_event<Real>> events_;
  std::vector<Real> total_, measured_matrix_, event_matrix_;
};

/// Expected events above threshold without secret interactions: the emitted pinched spectrum of
/// `emission` reaches Earth unchanged. Throws nusi::invalid_argument on bad input.
template <class Real>
Real expected_events(const detector_response<Real>& response, const supernova_emission<Real>& emission) {
  emission.validate("nusi::expected_events");
  return response.expected_events(emission.spectrum(), emission.number_per_cm2());
}

}  // namespace nusi
