// SPDX-License-Identifier: MIT
// Monte Carlo propagation of supernova neutrinos through the relic-neutrino background (paper Sec. IV):
// continuous energies, exact two-body kinematics (Eqs. 4-5), every neutrino tracked in space and time.
// It is the independent check of the grid solution of Eq. (8); use the grid for smooth scans in (M, g).
#pragma once

#include <cmath>
#include <concepts>
#include <cstdint>
#include <limits>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include <boost/math/constants/constants.hpp>

#include "angle_model.hpp"
#include "cross_sections.hpp"
#include "detail/edges.hpp"
#include "detail/random.hpp"
#include "errors.hpp"
#include "propagation_setup.hpp"
#include "spectra.hpp"
#include "units.hpp"

namespace nusi {

/// An emission spectrum the Monte Carlo can draw from. Energies in MeV.
///
/// | expression        | result | meaning                                                      |
/// |-------------------|--------|--------------------------------------------------------------|
/// | s.sample_MeV(rng) | Real   | one emitted energy [MeV], finite and > 0; rng: std::mt19937_64& |
///
/// pinched_spectrum and fermi_dirac_spectrum qualify; so does any user type with that member.
template <class S, class Real>
concept samplable_spectrum = requires(const S& s, std::mt19937_64& rng) {
  { s.sample_MeV(rng) } -> std::convertible_to<Real>;
};

/// Where neutrinos start and what counts as arriving, for angle_model::three_dimensional (the planar
/// models are always plane-parallel: they are defined by one angle in a plane).
enum class monte_carlo_geometry {
  /// A point source at the origin and the sphere r = D: by spherical symmetry the sphere crossings are
  /// the arrivals at a point detector at distance D; the arrival angle is the angle on the sky between
  /// the neutrino and the supernova, and the delay that of a point detector.
  point_source,
  /// The geometry of paper Eq. (8) and of the grid: a direction angle theta from the fixed line of sight,
  /// the coordinate z along it advancing by cos(theta) per unit path, arrival at the plane z = D; the
  /// arrival angle is theta. A neutrino crossing the source plane z = 0 backwards is mirrored
  /// (theta -> pi - theta), as a radial ray passing the centre would be.
  plane_parallel
};

/// Outgoing pair of nu(E_i) + nu_relic(at rest) -> nu(E_f) + nu(E_r), angles from the incoming
/// direction. Compton-like kinematics of paper Eq. (4): 1 - cos t = m_nu (1/E_f - 1/E_i).
template <class Real>
struct scattering_final_state {
  Real energy_MeV;              ///< E_f of the down-scattered supernova neutrino [MeV]
  Real one_minus_cos;           ///< 1 - cos t = m_nu (E_i - E_f)/(E_i E_f)
  Real sin_angle;               ///< sin t >= 0
  Real recoil_energy_MeV;       ///< E_r = E_i + m_nu - E_f of the up-scattered relic neutrino [MeV]
  Real recoil_one_minus_cos;    ///< 1 - cos t_r of the recoil direction p_i - p_f (always forward)
  Real recoil_sin_angle;        ///< sin t_r >= 0 (on the opposite side of t, azimuth + pi)
};

/// Largest energy loss E_i - E_f,min = 2 E_i^2/(2 E_i + m_nu) [MeV] (paper, below Eq. 5).
template <class Real>
Real max_energy_loss_MeV(Real E_i_MeV, Real relic_mass_MeV) {
  constexpr std::string_view fn = "nusi::max_energy_loss_MeV";
  detail::require_positive(fn, "E_i_MeV", E_i_MeV);
  detail::require_positive(fn, "relic_mass_MeV", relic_mass_MeV);
  return 2 * E_i_MeV * E_i_MeV / (2 * E_i_MeV + relic_mass_MeV);
}

namespace detail {
/// two_body_final_state without argument checks (the Monte Carlo's inner loop).
template <class Real>
scattering_final_state<Real> two_body_final_state_unchecked(Real E_i, Real loss, Real m) {
  using std::sqrt;
  scattering_final_state<Real> out{};
  out.energy_MeV = E_i - loss;
  const Real dE = E_i - out.energy_MeV;  // exact (Sterbenz) when E_f >= E_i/2: E_f + E_r closes to rounding
  Real h = m * dE / (E_i * out.energy_MeV);
  if (h > Real(2)) h = Real(2);
  out.one_minus_cos = h;
  out.sin_angle = sqrt(h * (2 - h));
  out.recoil_energy_MeV = dE + m;
  // p_r = p_i - p_f = (dE + E_f h) along the incoming direction, -E_f sin t across it; |p_r|^2 = E_r^2 - m^2.
  const Real along = dE + out.energy_MeV * h, across = out.energy_MeV * out.sin_angle;
  const Real p = sqrt(along * along + across * across);
  out.recoil_sin_angle = across / p;
  out.recoil_one_minus_cos = across * across / (p * (p + along));  // no cancellation: along >= 0
  return out;
}
/// E_f uniform on [E_f,min, E_i] (Eq. 5): the energy loss is a uniform fraction of its maximum.
template <class Real, class URBG>
scattering_final_state<Real> sample_two_body_final_state_unchecked(Real E_i, Real m, URBG& rng) {
  const Real loss = uniform_open01<Real>(rng) * (2 * E_i * E_i / (2 * E_i + m));
  return two_body_final_state_unchecked(E_i, loss, m);
}
}  // namespace detail

/// The outgoing pair for energy loss E_i - E_f in [0, max_energy_loss_MeV(E_i, m_nu)) [MeV].
/// Throws nusi::invalid_argument naming the bad argument.
template <class Real>
scattering_final_state<Real> two_body_final_state(Real E_i_MeV, Real energy_loss_MeV, Real relic_mass_MeV) {
  constexpr std::string_view fn = "nusi::two_body_final_state";
  const Real top = max_energy_loss_MeV(E_i_MeV, relic_mass_MeV);
  if (!detail::is_finite(energy_loss_MeV) || energy_loss_MeV < Real(0) || !(energy_loss_MeV < top))
    detail::throw_invalid(fn, "energy_loss_MeV", "in [0, " + detail::to_text(top) + ")", energy_loss_MeV);
  return detail::two_body_final_state_unchecked(E_i_MeV, energy_loss_MeV, relic_mass_MeV);
}

/// One scattering drawn from Eq. (5): E_f uniform on [E_f,min, E_i] (dsigma/dE_f is flat).
/// Consumes one uniform deviate from rng. Throws nusi::invalid_argument on bad E_i or m_nu.
template <class Real, class URBG>
scattering_final_state<Real> sample_two_body_final_state(Real E_i_MeV, Real relic_mass_MeV, URBG& rng) {
  max_energy_loss_MeV(E_i_MeV, relic_mass_MeV);  // argument checks
  return detail::sample_two_body_final_state_unchecked(E_i_MeV, relic_mass_MeV, rng);
}

/// Counts in bins [edges[i], edges[i+1]); values outside go to underflow / overflow.
template <class Real>
struct binned_counts {
  std::vector<Real> edges;
  std::vector<std::uint64_t> counts;
  std::uint64_t underflow = 0;
  std::uint64_t overflow = 0;

  /// Adds one count at x (binary search over the edges); +-infinity count as overflow/underflow.
  /// @throws nusi::invalid_argument if x is NaN, or counts.size() != edges.size() - 1 with >= 2 edges.
  void fill(Real x) {
    constexpr std::string_view fn = "nusi::binned_counts::fill";
    detail::require_not_nan(fn, "x", x);
    if (edges.size() < 2) return;
    if (counts.size() + 1 != edges.size())
      detail::throw_invalid(fn, "counts.size()", "edges.size() - 1 = " + detail::to_text(edges.size() - 1), counts.size());
    if (x < edges.front()) { ++underflow; return; }
    if (!(x < edges.back())) { ++overflow; return; }
    std::size_t lo = 0, hi = edges.size() - 1;  // edges[lo] <= x < edges[hi]
    while (hi - lo > 1) {
      const std::size_t mid = (lo + hi) / 2;
      (x < edges[mid] ? hi : lo) = mid;
    }
    ++counts[lo];
  }
};

/// How a neutrino came to be what arrives: never scattered, or its role in its last scattering.
enum class arrival_origin { unscattered, down_scattered, up_scattered };

/// One neutrino crossing the detection surface at distance D.
template <class Real>
struct arrival {
  std::uint64_t primary;      ///< index of the emitted neutrino it descends from
  Real energy_MeV;            ///< energy at Earth [MeV]
  /// Angle between its direction and the line of sight from the source [rad]: in [0, pi] in the
  /// three-dimensional model (on the sky for point_source geometry, the direction angle for
  /// plane_parallel), signed in (-pi, pi] in the planar models.
  Real angle_rad;
  Real delay_s;               ///< (path length - D)/c [s]: geometric delay behind light
  std::uint32_t generation;   ///< number of scatterings along its ancestry (0: unscattered)
  arrival_origin origin;
};

/// Energy bookkeeping [MeV]: emitted + relic_rest = arrived + dropped, exact per history up to rounding.
template <class Real>
struct energy_budget {
  Real emitted_MeV = 0;     ///< sum of the emitted energies
  Real relic_rest_MeV = 0;  ///< scatterings * m_nu: rest energy brought in by the struck relic neutrinos
  Real arrived_MeV = 0;     ///< energy crossing the surface at D
  Real dropped_MeV = 0;     ///< energy of neutrinos dropped below the threshold (not tracked further)
  Real relative_error = 0;  ///< |emitted + relic_rest - arrived - dropped| / (emitted + relic_rest)
  Real max_history_relative_error = 0;  ///< the same, worst single history
};

/// Upper bound on Monte Carlo primaries (monte_carlo_options::primaries): 1e10.
inline constexpr std::uint64_t max_monte_carlo_primaries = 10'000'000'000;

/// Run controls of monte_carlo_propagation. Histograms are filled only when their edges are given.
template <class Real>
struct monte_carlo_options {
  /// Neutrinos drawn from the emission spectrum, in [1, max_monte_carlo_primaries = 1e10] (~1e10 primaries
  /// take about a day at the paper's point, so a larger value is taken to be a typo).
  std::uint64_t primaries = 10000;
  std::uint64_t seed = 1;           ///< seeds std::mt19937_64: the result is a function of the seed
  /// Keep tracking neutrinos at or below the threshold. Energies only decrease along a cascade (up to
  /// m_nu/2 per generation, see docs/physics.md), so false gives the same F and makes large optical
  /// depths cheap; below-threshold neutrinos draw from their own stream, so F is identical per seed.
  bool track_below_threshold = false;
  /// How deflections compose (angle_model.hpp); the same models as the grid's transport_options::deflections.
  angle_model angles = angle_model::three_dimensional;
  /// Geometry of the three_dimensional model (the planar models are plane-parallel).
  monte_carlo_geometry geometry = monte_carlo_geometry::point_source;
  /// Bound on work: total scatterings in the run; exceeding it throws nusi::numerical_error.
  std::uint64_t max_scatterings = 100'000'000;
  bool record_arrivals = false;              ///< keep the list of arrivals (up to max_recorded_arrivals)
  std::uint64_t max_recorded_arrivals = 1'000'000;
  std::vector<Real> energy_edges_MeV{};      ///< spectrum at Earth (all arrivals)
  std::vector<Real> angle_edges_rad{};       ///< arrival angle from the line of sight
  std::vector<Real> delay_edges_s{};         ///< arrival delay behind light
  /// Common random numbers: reseed the generators from (seed, primary index) before each primary, so
  /// primary i's history depends only on (seed, i) and the physics. Scans over (M, g) then follow the
  /// same histories at every point (the emitted energy is drawn first from the primary's stream).
  /// Costs a reseed (~0.3 us) per primary.
  bool stream_per_primary = false;
};

/// Outcome of monte_carlo_propagation.
template <class Real>
struct monte_carlo_result {
  std::uint64_t primaries = 0;
  /// F = N(E > threshold at D)/N(emitted) (paper Sec. IV); may exceed the unscattered value, even 1.
  Real fraction_above_threshold = 0;
  /// Standard error of F from the variance of the per-primary counts (not binomial: one primary
  /// can yield several arrivals above threshold). Infinite for a single primary.
  Real fraction_above_threshold_error = 0;
  /// One-sided 95% upper limit on F: -ln(0.05)/N if nothing arrived above threshold, else F + 1.645 error.
  Real fraction_above_threshold_upper_95 = 0;
  bool excluded = false;  ///< F <= setup.exclusion_level (point estimate)
  std::uint64_t arrivals_above_threshold = 0;
  std::uint64_t arrivals = 0;              ///< all crossings of the surface at D
  std::uint64_t unscattered_arrivals = 0;  ///< primaries that arrived without scattering
  std::uint64_t dropped = 0;               ///< neutrinos dropped at or below threshold
  std::uint64_t scatterings = 0;           ///< scatterings of tracked neutrinos
  Real mean_scatterings_per_primary = 0;
  energy_budget<Real> energy{};
  binned_counts<Real> energy_spectrum_MeV{};
  binned_counts<Real> arrival_angle_rad{};
  binned_counts<Real> arrival_delay_s{};
  std::vector<arrival<Real>> arrival_list{};  ///< when options.record_arrivals
  bool arrival_list_complete = true;          ///< false if max_recorded_arrivals was reached
};

namespace detail {

/// Neumaier-compensated sum: the energy budget must close to rounding over ~1e9 terms.
template <class Real>
struct compensated_sum {
  Real sum = 0, carry = 0;
  void add(Real x) {
    using std::abs;
    const Real t = sum + x;
    carry += abs(sum) >= abs(x) ? (sum - t) + x : (x - t) + sum;
    sum = t;
  }
  Real value() const { return sum + carry; }
};

template <class Real>
binned_counts<Real> make_counts(const std::vector<Real>& edges) {
  binned_counts<Real> h;
  h.edges = edges;
  if (edges.size() >= 2) h.counts.assign(edges.size() - 1, 0);
  return h;
}

/// One neutrino in flight. Lengths in units of D. point_source geometry: s = signed distance along its line
/// from the point of closest approach to the source, b = impact parameter (r^2 = s^2 + b^2; spherical
/// symmetry makes (s, b) the whole state). plane_parallel: z = line-of-sight coordinate, theta = direction
/// (signed in the planar models, the polar angle in [0, pi] in the 3D one).
/// 1 - cos(theta) = 2 sin^2(theta/2), without cancellation at small angles.
template <class Real>
Real one_minus_cos_of(Real theta) {
  using std::sin;
  const Real h = sin(theta / 2);
  return 2 * h * h;
}

/// theta mapped into (-pi, pi].
template <class Real>
Real wrap_angle_rad(Real theta) {
  const Real pi = boost::math::constants::pi<Real>();
  if (theta > pi) return theta - 2 * pi;
  if (theta <= -pi) return theta + 2 * pi;
  return theta;
}

/// One free path ell (units of D) in the plane-parallel geometry (monte_carlo_geometry::plane_parallel): the
/// line-of-sight coordinate z advances by cos(theta) per unit path; a neutrino crossing the source plane z = 0
/// backwards is mirrored (theta -> pi - theta); lag (units of D) gains path minus the outward advance, so at the
/// plane z = 1 it is (path length - D)/D. Returns false at arrival (z, lag at the plane z = 1), else true (at the
/// scattering point). Shared by the paper's and the mass states' Monte Carlos: their delays are the same.
template <class Real>
bool plane_parallel_step(Real& z, Real& theta, Real& lag, Real ell) {
  using std::cos;
  Real c = cos(theta);
  if (c < Real(0) && ell * (-c) > z) {  // crosses the source plane: mirror
    const Real ell1 = z / (-c);
    lag += ell1 * one_minus_cos_of(theta);
    ell -= ell1;
    z = 0;
    theta = wrap_angle_rad(boost::math::constants::pi<Real>() - theta);
    c = -c;
  }
  if (c > Real(0) && ell >= (1 - z) / c) {
    lag += (1 - z) / c * one_minus_cos_of(theta);
    z = 1;
    return false;
  }
  lag += ell * one_minus_cos_of(theta);
  z += ell * c;
  return true;
}

/// Path length minus radial distance from the source of the straight line through (s, b) up to s (units of D, the
/// point_source state of `particle`), without cancellation: b^2/(r + s) ahead of the closest approach, r - s behind.
template <class Real>
Real point_source_radial_lag(Real s, Real b, Real r) {
  return s > Real(0) ? b * b / (r + s) : r - s;
}

/// One free path ell (units of D) in the point-source geometry (monte_carlo_geometry::point_source): the neutrino at
/// (s, b) (signed distance along its line from the closest approach, impact parameter) moves to s + ell; lag gains
/// path minus radial advance. Returns false when the line reaches the sphere r = 1 first (lag completed there,
/// sky_angle_rad = the angle between its direction and the radial one: its angle on the sky at a point detector), else
/// true (at the scattering point). Shared by the paper's and the mass states' Monte Carlos.
template <class Real>
bool point_source_step(Real& s, Real b, Real& lag, Real ell, Real& sky_angle_rad) {
  using std::atan2;
  using std::sqrt;
  const Real r = sqrt(s * s + b * b);
  const Real q = point_source_radial_lag(s, b, r);
  const Real s_exit = sqrt((1 - b) * (1 + b));  // the line meets r = D at s = s_exit
  if (ell >= s_exit - s) {
    lag += q - b * b / (1 + s_exit);
    sky_angle_rad = atan2(b, s_exit);
    return false;
  }
  const Real s2 = s + ell, r2 = sqrt(s2 * s2 + b * b);
  lag += q - point_source_radial_lag(s2, b, r2);  // path - (r2 - r) along a straight line
  s = s2;
  return true;
}

template <class Real>
struct particle {
  Real energy_MeV;
  Real s_or_z;
  Real b_or_theta;
  Real lag;  ///< path length minus distance travelled outward, units of D (sum of stable increments)
  std::uint32_t generation;
  arrival_origin origin;
};

/// (s, b) of a neutrino at (s, b) after turning its direction by t at azimuth phi: the frame has
/// the radial direction as axis and the old direction in its x-z plane (spherical symmetry).
template <class Real>
void deflect(Real& s, Real& b, Real h_t, Real sin_t, Real cphi, Real sphi) {
  using std::sqrt;
  const Real r = sqrt(s * s + b * b);
  if (r == Real(0)) return;  // at the source every direction is radial: the state (0, 0) is complete
  const Real sa = b / r, ca = s / r;
  const Real ct = 1 - h_t;
  const Real ux = ct * sa + sin_t * cphi * ca;
  const Real uy = sin_t * sphi;
  const Real uz = ct * ca - sin_t * cphi * sa;
  const Real transverse = sqrt(ux * ux + uy * uy);
  const Real norm = sqrt(transverse * transverse + uz * uz);
  s = r * uz / norm;
  b = r * transverse / norm;
}

template <class Real>
struct deflected_pair {
  Real down_s, down_b, up_s, up_b;
};

/// Both products of a scattering at (s, b): the down-scattered neutrino at azimuth phi, the recoil
/// (momentum p_i - p_f) at phi + pi, in the plane of the incoming and down-scattered directions.
template <class Real>
deflected_pair<Real> deflect_pair(Real s, Real b, const scattering_final_state<Real>& fs, Real cphi, Real sphi) {
  deflected_pair<Real> out{s, b, s, b};
  deflect(out.down_s, out.down_b, fs.one_minus_cos, fs.sin_angle, cphi, sphi);
  deflect(out.up_s, out.up_b, fs.recoil_one_minus_cos, fs.recoil_sin_angle, -cphi, -sphi);
  return out;
}

template <class Real, class Spectrum>
class monte_carlo_engine {
 public:
  static constexpr std::string_view fn = "nusi::monte_carlo_propagation";

  monte_carlo_engine(const propagation_setup<Real>& setup, const Spectrum& emission,
                     const monte_carlo_options<Real>& options)
      : setup_(setup), emission_(emission), opt_(options), bw_(setup.cross_section()),
        m_(setup.relic.mass_MeV), threshold_(setup.threshold_MeV),
        column_(setup.relic.target_density_per_cm3() * setup.distance_cm),
        point_source_(options.angles == angle_model::three_dimensional && options.geometry == monte_carlo_geometry::point_source),
        rng_main_(options.seed), rng_below_(below_seed(options.seed)) {
    res_.energy_spectrum_MeV = make_counts(options.energy_edges_MeV);
    res_.arrival_angle_rad = make_counts(options.angle_edges_rad);
    res_.arrival_delay_s = make_counts(options.delay_edges_s);
  }

  monte_carlo_result<Real> run() {
    using std::sqrt;
    using std::log;
    compensated_sum<Real> emitted, arrived, dropped;
    std::uint64_t sum_counts = 0, sum_counts_sq = 0;
    Real worst = 0;
    for (std::uint64_t i = 0; i < opt_.primaries; ++i) {
      primary_ = i;
      history_ = history{};
      if (opt_.stream_per_primary) {
        rng_main_.seed(primary_seed(opt_.seed, i));
        if (opt_.track_below_threshold) rng_below_.seed(primary_seed(~opt_.seed, i));
      }
      const Real E0 = static_cast<Real>(emission_.sample_MeV(rng_main_));
      if (!is_finite(E0) || !(E0 > Real(0))) throw_invalid(fn, "emission.sample_MeV(rng)", "finite and > 0", E0);
      history_.in.add(E0);
      emitted.add(E0);
      route(particle<Real>{E0, Real(0), Real(0), Real(0), 0u, arrival_origin::unscattered}, true);
      while (!above_.empty()) {
        const particle<Real> p = above_.back();
        above_.pop_back();
        transport(p, rng_main_, true);
      }
      while (!below_.empty()) {
        const particle<Real> p = below_.back();
        below_.pop_back();
        transport(p, rng_below_, false);
      }
      sum_counts += history_.above;
      sum_counts_sq += history_.above * history_.above;
      arrived.add(history_.arrived.value());
      dropped.add(history_.dropped.value());
      const Real in = history_.in.value();
      const Real out = history_.arrived.value() + history_.dropped.value();
      using std::abs;
      const Real err = abs(in - out) / in;
      if (err > worst) worst = err;
    }
    const Real N = static_cast<Real>(opt_.primaries);
    res_.primaries = opt_.primaries;
    res_.fraction_above_threshold = static_cast<Real>(sum_counts) / N;
    if (opt_.primaries > 1) {
      // var = (N sum c^2 - (sum c)^2)/(N (N - 1)), formed in long double from exact integer sums.
      const long double n = static_cast<long double>(opt_.primaries);
      const long double s1 = static_cast<long double>(sum_counts), s2 = static_cast<long double>(sum_counts_sq);
      long double var = (n * s2 - s1 * s1) / (n * (n - 1));
      if (var < 0) var = 0;
      res_.fraction_above_threshold_error = static_cast<Real>(std::sqrt(var / n));
    } else {
      res_.fraction_above_threshold_error = std::numeric_limits<Real>::infinity();
    }
    res_.fraction_above_threshold_upper_95 =
        sum_counts == 0 ? -log(Real(0.05L)) / N
                        : res_.fraction_above_threshold + Real(1.6448536269514722L) * res_.fraction_above_threshold_error;
    res_.excluded = res_.fraction_above_threshold <= setup_.exclusion_level;
    res_.arrivals_above_threshold = sum_counts;
    res_.mean_scatterings_per_primary = static_cast<Real>(res_.scatterings) / N;
    auto& e = res_.energy;
    e.emitted_MeV = emitted.value();
    e.relic_rest_MeV = static_cast<Real>(res_.scatterings) * m_;
    e.arrived_MeV = arrived.value();
    e.dropped_MeV = dropped.value();
    using std::abs;
    const Real in = e.emitted_MeV + e.relic_rest_MeV;
    e.relative_error = abs(in - e.arrived_MeV - e.dropped_MeV) / in;
    e.max_history_relative_error = worst;
    return std::move(res_);
  }

 private:
  struct history {
    compensated_sum<Real> in, arrived, dropped;
    std::uint64_t above = 0;
  };

  static std::seed_seq::result_type word(std::uint64_t x, int i) {
    return static_cast<std::seed_seq::result_type>((x >> (32 * i)) & 0xffffffffu);
  }
  // splitmix64 of (seed, i): well-mixed, distinct seeds for the primaries of one run.
  static std::uint64_t primary_seed(std::uint64_t seed, std::uint64_t i) { return splitmix64(seed, i); }
  // Below-threshold neutrinos draw from their own stream, so tracking them leaves the main stream (and F)
  // unchanged for a given seed.
  static std::mt19937_64 below_seed(std::uint64_t seed) {
    std::seed_seq seq{word(seed, 0), word(seed, 1), std::seed_seq::result_type(0x6e757369u)};
    return std::mt19937_64(seq);
  }

  // A neutrino made by a main-stream scattering goes to the main stack if above threshold; else it is
  // dropped or (track_below_threshold) kept on the below stack. Descendants of the below stack stay there.
  void route(const particle<Real>& p, bool from_main) {
    if (from_main && p.energy_MeV > threshold_) {
      above_.push_back(p);
    } else if (opt_.track_below_threshold) {
      below_.push_back(p);
    } else {
      ++res_.dropped;
      history_.dropped.add(p.energy_MeV);
    }
  }

  void arrive(const particle<Real>& p, Real angle_rad) {
    ++res_.arrivals;
    if (p.generation == 0) ++res_.unscattered_arrivals;
    history_.arrived.add(p.energy_MeV);
    if (p.energy_MeV > threshold_) ++history_.above;
    const Real delay_s = p.lag * setup_.distance_cm / speed_of_light_cm_per_s<Real>;
    res_.energy_spectrum_MeV.fill(p.energy_MeV);
    res_.arrival_angle_rad.fill(angle_rad);
    res_.arrival_delay_s.fill(delay_s);
    if (opt_.record_arrivals) {
      if (res_.arrival_list.size() < opt_.max_recorded_arrivals)
        res_.arrival_list.push_back(arrival<Real>{primary_, p.energy_MeV, angle_rad, delay_s, p.generation, p.origin});
      else
        res_.arrival_list_complete = false;
    }
  }

  void transport(particle<Real> p, std::mt19937_64& rng, bool main_stream) {
    using std::log;
    const Real tau = column_ * bw_.sigma_total_cm2(p.energy_MeV);  // optical depth over D at this energy
    Real ell = -log(uniform_open01<Real>(rng)) / tau;               // free path, units of D (inf if tau = 0)
    if (point_source_) {
      Real sky_angle = 0;
      if (!point_source_step(p.s_or_z, p.b_or_theta, p.lag, ell, sky_angle)) {
        arrive(p, sky_angle);
        return;
      }
    } else {
      if (!plane_parallel_step(p.s_or_z, p.b_or_theta, p.lag, ell)) {
        arrive(p, p.b_or_theta);
        return;
      }
    }
    scatter(p, rng, main_stream);
  }

  void scatter(const particle<Real>& p, std::mt19937_64& rng, bool main_stream) {
    using std::sqrt;
    using std::atan2;
    using std::cos;
    using std::sin;
    if (res_.scatterings >= opt_.max_scatterings) {
      std::string msg(fn);
      msg += ": more than options.max_scatterings = ";
      msg += to_text(opt_.max_scatterings);
      msg += " scatterings (at primary ";
      msg += to_text(primary_);
      msg += "); raise it, or set track_below_threshold = false";
      throw numerical_error(msg);
    }
    ++res_.scatterings;
    history_.in.add(m_);
    const Real E = p.energy_MeV;
    const scattering_final_state<Real> fs = sample_two_body_final_state_unchecked(E, m_, rng);
    particle<Real> down{fs.energy_MeV, p.s_or_z, p.b_or_theta, p.lag, p.generation + 1, arrival_origin::down_scattered};
    particle<Real> up{fs.recoil_energy_MeV, p.s_or_z, p.b_or_theta, p.lag, p.generation + 1, arrival_origin::up_scattered};
    const Real u = uniform_open01<Real>(rng);  // drawn in every model: the energies follow the same stream
    if (point_source_) {
      const Real phi = 2 * boost::math::constants::pi<Real>() * u;
      const auto pair = deflect_pair(p.s_or_z, p.b_or_theta, fs, cos(phi), sin(phi));
      down.s_or_z = pair.down_s;
      down.b_or_theta = pair.down_b;
      up.s_or_z = pair.up_s;
      up.b_or_theta = pair.up_b;
    } else {
      const Real t_down = atan2(fs.sin_angle, 1 - fs.one_minus_cos);
      const Real t_up = atan2(fs.recoil_sin_angle, 1 - fs.recoil_one_minus_cos);
      if (opt_.angles == angle_model::three_dimensional) {
        // Azimuth phi = 2 pi u about the current direction, the recoil at phi + pi: sin^2(phi/2) and cos^2(phi/2).
        const Real half = sin(boost::math::constants::pi<Real>() * u), s2 = half * half;
        down.b_or_theta = three_dimensional_composition_rad(p.b_or_theta, t_down, s2);
        up.b_or_theta = three_dimensional_composition_rad(p.b_or_theta, t_up, 1 - s2);
      } else if (opt_.angles == angle_model::paper_eq8_additive) {
        down.b_or_theta = wrap_angle_rad(p.b_or_theta + t_down);
        up.b_or_theta = wrap_angle_rad(p.b_or_theta + t_up);
      } else {
        const Real sign = u < Real(0.5L) ? Real(1) : Real(-1);
        down.b_or_theta = wrap_angle_rad(p.b_or_theta + sign * t_down);
        up.b_or_theta = wrap_angle_rad(p.b_or_theta - sign * t_up);
      }
    }
    route(up, main_stream);
    route(down, main_stream);
  }

  const propagation_setup<Real>& setup_;
  const Spectrum& emission_;
  const monte_carlo_options<Real>& opt_;
  s_channel_breit_wigner<Real> bw_;
  Real m_, threshold_, column_;
  bool point_source_;
  std::mt19937_64 rng_main_, rng_below_;
  std::vector<particle<Real>> above_, below_;
  history history_{};
  std::uint64_t primary_ = 0;
  monte_carlo_result<Real> res_{};
};

}  // namespace detail

/// Propagates options.primaries neutrinos drawn from `emission` over setup.distance_cm through the relic
/// background (paper Sec. IV): free paths exponential with rate n sigma_tot(E) (Eq. 4 integrated), E_f
/// uniform (Eq. 5), both outgoing neutrinos tracked (the factor 2 of Eq. 8). Deterministic in
/// options.seed. With track_below_threshold at large optical depths products thermalise towards m_nu/2,
/// ~2 E/m_nu ~ 1e9 neutrinos per primary: the run then ends at options.max_scatterings (1e8 by default,
/// ~15 s) with numerical_error.
/// @throws nusi::invalid_argument on a bad setup, options (options.primaries outside [1, 1e10],
/// max_scatterings 0, bad edges) or sampled energy.
/// @throws nusi::numerical_error if options.max_scatterings is exceeded.
template <class Real, class Spectrum>
  requires samplable_spectrum<Spectrum, Real>
monte_carlo_result<Real> monte_carlo_propagation(const propagation_setup<Real>& setup, const Spectrum& emission,
                                                 const monte_carlo_options<Real>& options = {}) {
  constexpr std::string_view fn = "nusi::monte_carlo_propagation";
  setup.validate(fn);
  if (options.primaries == 0 || options.primaries > max_monte_carlo_primaries)
    detail::throw_invalid(fn, "options.primaries", "in [1, 1e10]", options.primaries);
  if (options.max_scatterings == 0)
    detail::throw_invalid(fn, "options.max_scatterings", ">= 1", options.max_scatterings);
  if (options.angles != angle_model::paper_eq8_additive && options.angles != angle_model::planar_random_walk &&
      options.angles != angle_model::three_dimensional)
    detail::throw_invalid(fn, "options.angles", "paper_eq8_additive, planar_random_walk or three_dimensional",
                          static_cast<int>(options.angles));
  if (options.geometry != monte_carlo_geometry::point_source && options.geometry != monte_carlo_geometry::plane_parallel)
    detail::throw_invalid(fn, "options.geometry", "point_source or plane_parallel", static_cast<int>(options.geometry));
  detail::require_histogram_edges(fn, "options.energy_edges_MeV", options.energy_edges_MeV);
  detail::require_histogram_edges(fn, "options.angle_edges_rad", options.angle_edges_rad);
  detail::require_histogram_edges(fn, "options.delay_edges_s", options.delay_edges_s);
  return detail::monte_carlo_engine<Real, Spectrum>(setup, emission, options).run();
}

}  // namespace nusi
