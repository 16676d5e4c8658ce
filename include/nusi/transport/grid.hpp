// SPDX-License-Identifier: MIT
// Phase-space grids of the propagation transport (paper Sec. IV, Eq. 8): energy nodes log-spaced with
// the detection threshold midway between two nodes, optionally refined around a resonance, and angle
// nodes log-spaced in theta for the energy-angle mode; the bins the nodes own, the fixed bins of the
// event-level analyses. Pure geometry: the physics is in kernel.hpp.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <limits>
#include <string_view>
#include <utility>
#include <vector>

#include <boost/math/constants/constants.hpp>

#include "../detail/edges.hpp"
#include "../errors.hpp"

namespace nusi {

/// Energy grid of the transport. Nodes are log-spaced over [min_energy_MeV, max_energy_MeV] with ratio
/// (max/min)^(1/(bins-1)), shifted by less than one spacing so that the threshold lies midway between
/// two nodes. Defaults cover 0.01-200 MeV (the pinched spectrum above 200 MeV is ~1e-17 of all).
template <class Real>
struct energy_grid_options {
  Real min_energy_MeV = Real(0.01L);
  Real max_energy_MeV = Real(200);
  /// Number of energy nodes (each node owns one bin).
  std::size_t bins = 400;
  /// Local refinement around E_res when the opaque core of the line is narrower than a bin: node
  /// spacing at the line centre = core half-width / resonance_nodes_per_core. 0 disables it.
  Real resonance_nodes_per_core = Real(4);
};

/// Angle grid of the energy-angle mode: a node at theta = 0 (undeflected) and bins - 1 nodes
/// log-spaced in theta over [min_angle_rad, max_angle_rad]. Deflections beyond the last node stay there.
template <class Real>
struct angle_grid_options {
  Real min_angle_rad = Real(1e-8L);
  Real max_angle_rad = Real(1e-1L);
  std::size_t bins = 128;
  /// angle_model::three_dimensional: most midpoint nodes of the uniform azimuth over [0, pi] per
  /// deflection, in [1, 64]. A deflection by t of a direction at theta uses the fewest K nodes with
  /// r^(2K) <= 1e-4, r = min(theta, t)/max(theta, t) (the rule's error on the azimuthal mean of the new
  /// angle, whose Fourier coefficients fall like r^n), at most this many. Any K is exact for the mean of
  /// cos theta.
  std::size_t azimuth_nodes = 16;
};

namespace detail {
template <class Real>
void validate_energy_grid_options(std::string_view fn, const energy_grid_options<Real>& o, Real threshold_MeV) {
  require_positive(fn, "energy.min_energy_MeV", o.min_energy_MeV);
  require_positive(fn, "energy.max_energy_MeV", o.max_energy_MeV);
  require_ordered(fn, "energy.min_energy_MeV", o.min_energy_MeV, "energy.max_energy_MeV", o.max_energy_MeV);
  if (o.bins < 4) throw_invalid(fn, "energy.bins", ">= 4", o.bins);
  if (o.bins > 1000000) throw_invalid(fn, "energy.bins", "<= 1000000", o.bins);
  require_non_negative(fn, "energy.resonance_nodes_per_core", o.resonance_nodes_per_core);
  require_positive(fn, "threshold_MeV", threshold_MeV);
  require_open_interval(fn, "threshold_MeV", threshold_MeV, o.min_energy_MeV, o.max_energy_MeV);
}
template <class Real>
void validate_angle_grid_options(std::string_view fn, const angle_grid_options<Real>& o) {
  const Real half_pi = boost::math::constants::half_pi<Real>();
  require_positive(fn, "angle.min_angle_rad", o.min_angle_rad);
  require_positive(fn, "angle.max_angle_rad", o.max_angle_rad);
  require_ordered(fn, "angle.min_angle_rad", o.min_angle_rad, "angle.max_angle_rad", o.max_angle_rad);
  if (o.max_angle_rad >= half_pi) throw_invalid(fn, "angle.max_angle_rad", "< pi/2", o.max_angle_rad);
  if (o.bins < 3) throw_invalid(fn, "angle.bins", ">= 3", o.bins);
  if (o.bins > 100000) throw_invalid(fn, "angle.bins", "<= 100000", o.bins);
  if (o.azimuth_nodes < 1 || o.azimuth_nodes > 64) throw_invalid(fn, "angle.azimuth_nodes", "in [1, 64]", o.azimuth_nodes);
}
}  // namespace detail

/// Energy nodes e_0 < ... < e_{N-1} [MeV] and their piecewise-linear "hat" functions. A neutrino of
/// energy x between two nodes counts as (e_{j+1} - x)/(e_{j+1} - e_j) at e_j and the rest at e_{j+1}:
/// number and energy are both preserved exactly (the fixed-pivot scheme), so the discrete kernel
/// conserves them by construction. Node j owns the bin [(e_{j-1}+e_j)/2, (e_j+e_{j+1})/2], whose width
/// equals the integral of its hat; the threshold T is the boundary of two bins, so sum_{e_j > T} N_j
/// is the number above T to second order in the spacing. Throws nusi::invalid_argument.
template <class Real>
class energy_grid {
 public:
  /// Log-spaced nodes (energy_grid_options), plus extra_nodes_MeV (e.g. resonance refinement) inside
  /// the grid; T stays midway between its two neighbours.
  energy_grid(const energy_grid_options<Real>& options, Real threshold_MeV, std::vector<Real> extra_nodes_MeV = {})
      : threshold_(threshold_MeV) {
    using std::exp;
    using std::log;
    using std::round;
    constexpr std::string_view fn = "nusi::energy_grid";
    detail::validate_energy_grid_options(fn, options, threshold_MeV);
    const std::size_t n = options.bins;
    const Real log_ratio = log(options.max_energy_MeV / options.min_energy_MeV) / Real(n - 1);
    const Real ratio = exp(log_ratio);
    const Real pair_lo = 2 * threshold_MeV / (1 + ratio);  // (pair_lo + pair_lo*ratio)/2 = T
    long below = static_cast<long>(round(log(pair_lo / options.min_energy_MeV) / log_ratio));
    below = std::clamp(below, 0L, static_cast<long>(n) - 2);
    nodes_.resize(n);
    for (std::size_t k = 0; k < n; ++k) nodes_[k] = pair_lo * exp(log_ratio * Real(static_cast<long>(k) - below));
    nodes_[static_cast<std::size_t>(below)] = pair_lo;
    nodes_[static_cast<std::size_t>(below) + 1] = pair_lo * ratio;
    if (!extra_nodes_MeV.empty()) {
      const Real lo = nodes_.front(), hi = nodes_.back();
      for (Real e : extra_nodes_MeV) {
        detail::require_positive(fn, "extra_nodes_MeV", e);
        if (e > lo && e < hi) nodes_.push_back(e);
      }
      std::sort(nodes_.begin(), nodes_.end());
      // Drop near-duplicates (closer than 16 ulps), which would make degenerate hats.
      std::vector<Real> unique{nodes_.front()};
      const Real close = 16 * std::numeric_limits<Real>::epsilon();
      for (std::size_t k = 1; k < nodes_.size(); ++k)
        if (nodes_[k] - unique.back() > close * nodes_[k]) unique.push_back(nodes_[k]);
      nodes_ = std::move(unique);
      center_threshold();
    }
    finish();
  }

  std::size_t size() const { return nodes_.size(); }
  Real threshold_MeV() const { return threshold_; }
  /// Node energy e_j [MeV], ascending.
  Real node_MeV(std::size_t j) const { return nodes_[j]; }
  const std::vector<Real>& nodes_MeV() const { return nodes_; }
  /// Lower and upper edge of node j's bin [MeV]; the first bin starts at e_0, the last ends at e_{N-1}.
  Real bin_lower_MeV(std::size_t j) const { return j == 0 ? nodes_[0] : (nodes_[j - 1] + nodes_[j]) / 2; }
  Real bin_upper_MeV(std::size_t j) const {
    return j + 1 == nodes_.size() ? nodes_[j] : (nodes_[j] + nodes_[j + 1]) / 2;
  }
  /// Integral of the hat of node j over its left half [e_{j-1}, e_j] and right half [e_j, e_{j+1}] [MeV].
  Real left_half_MeV(std::size_t j) const { return j == 0 ? Real(0) : (nodes_[j] - nodes_[j - 1]) / 2; }
  Real right_half_MeV(std::size_t j) const {
    return j + 1 == nodes_.size() ? Real(0) : (nodes_[j + 1] - nodes_[j]) / 2;
  }
  /// Integral of the hat of node j = its bin width [MeV].
  Real bin_width_MeV(std::size_t j) const { return left_half_MeV(j) + right_half_MeV(j); }
  /// Index of the lowest node above the threshold; nodes from here up are "above threshold".
  std::size_t first_above_threshold() const { return first_above_; }
  /// Node index whose bin holds E [MeV] (clamped to the grid: +-infinity give the last or first node).
  /// @throws nusi::invalid_argument if energy_MeV is NaN.
  std::size_t bin_of(Real energy_MeV) const {
    detail::require_not_nan("nusi::energy_grid::bin_of", "energy_MeV", energy_MeV);
    std::size_t j = static_cast<std::size_t>(std::upper_bound(nodes_.begin(), nodes_.end(), energy_MeV) - nodes_.begin());
    if (j == 0) return 0;
    if (j == nodes_.size()) return j - 1;
    return energy_MeV - nodes_[j - 1] < nodes_[j] - energy_MeV ? j - 1 : j;
  }

 private:
  // Keep T the arithmetic midpoint of its two neighbours: move the farther neighbour closer.
  void center_threshold() {
    auto it = std::upper_bound(nodes_.begin(), nodes_.end(), threshold_);
    std::size_t hi = static_cast<std::size_t>(it - nodes_.begin());
    if (hi > 0 && nodes_[hi - 1] == threshold_) {  // a node exactly at T: remove it
      nodes_.erase(nodes_.begin() + static_cast<std::ptrdiff_t>(hi - 1));
      --hi;
    }
    const std::size_t lo = hi - 1;
    const Real d = std::min(threshold_ - nodes_[lo], nodes_[hi] - threshold_);
    nodes_[lo] = threshold_ - d;
    nodes_[hi] = threshold_ + d;
  }
  void finish() {
    first_above_ = static_cast<std::size_t>(std::upper_bound(nodes_.begin(), nodes_.end(), threshold_) - nodes_.begin());
    if (first_above_ == 0 || first_above_ >= nodes_.size())
      detail::throw_invalid("nusi::energy_grid", "threshold_MeV", "between two grid nodes", threshold_);
  }

  Real threshold_;
  std::vector<Real> nodes_;
  std::size_t first_above_ = 0;
};

/// Angle nodes theta_0 = 0 < theta_1 < ... [rad] from the line of sight (one polar angle; how deflections
/// compose on it is the kernel's angle_model). A deflected direction theta between two nodes is split
/// between them preserving number and mean theta (fixed pivot in angle); beyond the last node it stays
/// at the last node. Also holds the azimuth nodes of the three_dimensional model.
template <class Real>
class angle_grid {
 public:
  explicit angle_grid(const angle_grid_options<Real>& options) {
    using std::cos;
    using std::exp;
    using std::log;
    detail::validate_angle_grid_options("nusi::angle_grid", options);
    const std::size_t n = options.bins;
    theta_.resize(n);
    theta_[0] = Real(0);
    const Real log_ratio = log(options.max_angle_rad / options.min_angle_rad) / Real(n - 2);
    for (std::size_t a = 1; a < n; ++a) theta_[a] = options.min_angle_rad * exp(log_ratio * Real(a - 1));
    theta_[n - 1] = options.max_angle_rad;
    // sin^2(phi_k/2) at the midpoint nodes phi_k = (k + 1/2) pi/K of the azimuth on [0, pi], K = 1 .. max.
    const Real pi = boost::math::constants::pi<Real>();
    azimuth_rules_.resize(options.azimuth_nodes);
    for (std::size_t K = 1; K <= options.azimuth_nodes; ++K) {
      using std::sin;
      auto& rule = azimuth_rules_[K - 1];
      rule.resize(K);
      for (std::size_t k = 0; k < K; ++k) {
        const Real s = sin((Real(k) + Real(0.5L)) * pi / Real(K) / 2);
        rule[k] = s * s;
      }
    }
    cos_.resize(n);
    inv_spacing_.resize(n);
    for (std::size_t a = 0; a < n; ++a) {
      cos_[a] = cos(theta_[a]);
      inv_spacing_[a] = a + 1 < n ? 1 / (theta_[a + 1] - theta_[a]) : Real(0);
    }
  }
  std::size_t size() const { return theta_.size(); }
  /// Most azimuth nodes of a three_dimensional deflection (options.azimuth_nodes).
  std::size_t azimuth_nodes() const { return azimuth_rules_.size(); }
  /// sin^2(phi_k/2) at the K azimuth nodes phi_k = (k + 1/2) pi/K (equal weights 1/K), 1 <= K <= azimuth_nodes().
  const std::vector<Real>& azimuth_sin2_half(std::size_t K) const { return azimuth_rules_[K - 1]; }
  /// Node angle theta_a [rad].
  Real angle_rad(std::size_t a) const { return theta_[a]; }
  const std::vector<Real>& angles_rad() const { return theta_; }
  Real cos_angle(std::size_t a) const { return cos_[a]; }
  /// 1 - cos theta_a = 2 sin^2(theta_a/2), accurate for tiny angles.
  Real one_minus_cos(std::size_t a) const {
    using std::sin;
    const Real h = sin(theta_[a] / 2);
    return 2 * h * h;
  }
  /// The fixed-pivot split of direction theta: node b and the fraction that goes to b + 1.
  /// @throws nusi::invalid_argument if theta is NaN or negative.
  std::pair<std::size_t, Real> locate(Real theta) const {
    if (!(theta >= Real(0))) detail::throw_invalid("nusi::angle_grid::locate", "theta", ">= 0", theta);
    const std::size_t n = theta_.size();
    if (theta >= theta_[n - 1]) return {n - 1, Real(0)};
    std::size_t b = static_cast<std::size_t>(std::upper_bound(theta_.begin(), theta_.end(), theta) - theta_.begin()) - 1;
    return {b, (theta - theta_[b]) * inv_spacing_[b]};
  }
  /// locate() for theta_a + shift with a hint: b must not exceed the answer (two-pointer walks).
  /// @throws nusi::invalid_argument if b >= size() or theta is NaN or below angle_rad(b).
  std::pair<std::size_t, Real> locate_from(std::size_t b, Real theta) const {
    constexpr std::string_view fn = "nusi::angle_grid::locate_from";
    const std::size_t n = theta_.size();
    if (b >= n) detail::throw_invalid(fn, "b", "< size() = " + detail::to_text(n), b);
    if (!(theta >= theta_[b])) detail::throw_invalid(fn, "theta", ">= angle_rad(b) = " + detail::to_text(theta_[b]), theta);
    if (theta >= theta_[n - 1]) return {n - 1, Real(0)};
    while (theta_[b + 1] <= theta) ++b;
    return {b, (theta - theta_[b]) * inv_spacing_[b]};
  }

 private:
  std::vector<Real> theta_, cos_, inv_spacing_;
  std::vector<std::vector<Real>> azimuth_rules_;
};

/// Edges [MeV] of the transport grid's node bins (node j owns [(e_{j-1}+e_j)/2, (e_j+e_{j+1})/2]; the
/// first starts at e_0, the last ends at e_{N-1}): N + 1 edges for N nodes.
/// @throws nusi::invalid_argument unless there are >= 2 nodes, finite, >= 0 and strictly increasing.
template <class Real>
std::vector<Real> grid_bin_edges(const std::vector<Real>& nodes_MeV) {
  constexpr std::string_view fn = "nusi::grid_bin_edges";
  if (nodes_MeV.size() < 2) detail::throw_invalid(fn, "nodes_MeV.size()", ">= 2", nodes_MeV.size());
  detail::require_non_negative(fn, "nodes_MeV[0]", nodes_MeV.front());
  detail::require_increasing_edges(fn, "nodes_MeV", nodes_MeV);
  std::vector<Real> edges{nodes_MeV.front()};
  for (std::size_t j = 0; j + 1 < nodes_MeV.size(); ++j) edges.push_back((nodes_MeV[j] + nodes_MeV[j + 1]) / 2);
  edges.push_back(nodes_MeV.back());
  return edges;
}

/// The bin edges of the transport grid without resonance refinement (a function of the threshold and
/// the grid options only): the fixed true-energy bins of the event-level analyses.
/// @throws nusi::invalid_argument as energy_grid.
template <class Real>
std::vector<Real> transport_bin_edges(Real threshold_MeV, const energy_grid_options<Real>& options = {}) {
  return grid_bin_edges(energy_grid<Real>(options, threshold_MeV).nodes_MeV());
}

}  // namespace nusi
