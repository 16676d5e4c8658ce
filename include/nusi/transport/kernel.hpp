// SPDX-License-Identifier: MIT
// The scattering operator of paper Eq. (8) on the grid: d f/dr = A f, A constant in r and lower-
// triangular in energy (block lower-triangular with angles). Energy-only and energy-angle kernels,
// assembled from bin-averaged Breit-Wigner rates; number and energy close on the grid by construction.
#pragma once

#include <algorithm>
#include <cmath>
#include <complex>
#include <cstddef>
#include <limits>
#include <span>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>
#include <vector>

#include "../angle_model.hpp"
#include "../cross_sections.hpp"
#include "../errors.hpp"
#include "../propagation_setup.hpp"
#include "grid.hpp"

namespace nusi {

/// Which nodes a kernel tracks. `full`: every node plus the budget accumulators (underflow number and
/// energy, scattering count, injected energy). `above_threshold`: only nodes above the threshold, all
/// F needs (energy only decreases, so lower nodes never feed back); no accumulators.
enum class kernel_scope { full, above_threshold };

/// Position of the budget accumulators after the densities in a full-scope state.
struct budget_index {
  static constexpr std::size_t underflow_number = 0;  ///< neutrinos scattered below the lowest node
  static constexpr std::size_t underflow_energy = 1;  ///< their energy [MeV]
  static constexpr std::size_t scatterings = 2;       ///< integral of the scattering rate over r
  static constexpr std::size_t injected_energy = 3;   ///< energy brought in by the targets [MeV]
  static constexpr std::size_t count = 4;
};

namespace detail {
template <class Real>
void validate_kernel_inputs(std::string_view fn, const propagation_setup<Real>& setup, const energy_grid<Real>& grid) {
  setup.validate(fn);
  if (!(grid.threshold_MeV() == setup.threshold_MeV))
    throw_invalid(fn, "grid.threshold_MeV", "equal to setup.threshold_MeV = " + to_text(setup.threshold_MeV),
                  grid.threshold_MeV());
  if (!(grid.node_MeV(0) > setup.relic.mass_MeV))
    throw_invalid(fn, "energy.min_energy_MeV", "> relic.mass_MeV = " + to_text(setup.relic.mass_MeV),
                  grid.node_MeV(0));
}

/// a / b, with Smith's algorithm for complex b (no overflow or underflow in |b|^2, no slow path).
template <class Real>
Real divide(Real a, Real b) {
  return a / b;
}
template <class Real>
std::complex<Real> divide(std::complex<Real> a, std::complex<Real> b) {
  using std::abs;
  const Real br = b.real(), bi = b.imag(), ar = a.real(), ai = a.imag();
  if (abs(br) >= abs(bi)) {
    const Real r = bi / br, d = br + bi * r;
    return {(ar + ai * r) / d, (ai - ar * r) / d};
  }
  const Real r = br / bi, d = bi + br * r;
  return {(ar * r + ai) / d, (ai * r - ar) / d};
}

/// Division policies of the kernels' forward substitutions: the solve itself, and a bound on the
/// magnitudes that enter it (|rhs|, |shift - A_cc|; the off-diagonal terms of A are all >= 0), which
/// bounds the rounding error of the solve (Higham, Accuracy and Stability, Sec. 8.1).
struct exact_division {
  template <class Scalar, class Shift, class Real>
  static Scalar apply(Scalar numerator, Shift shift, Real diagonal) {
    return divide(numerator, shift - diagonal);
  }
  template <class Real>
  static Real rhs(Real value) {
    return value;
  }
};
/// |z| without overflow or underflow of |z|^2 and without std::hypot's slow path.
template <class Real>
Real magnitude(const std::complex<Real>& z) {
  using std::abs;
  using std::sqrt;
  const Real x = abs(z.real()), y = abs(z.imag());
  const Real big = x > y ? x : y, small = x > y ? y : x;
  if (big == 0) return Real(0);
  const Real r = small / big;
  return big * sqrt(1 + r * r);
}
template <class Real>
Real magnitude(Real x) {
  using std::abs;
  return abs(x);
}
struct magnitude_division {
  template <class Real, class Shift>
  static Real apply(Real numerator, Shift shift, Real diagonal) {
    return numerator / magnitude(shift - diagonal);
  }
  template <class Real>
  static Real rhs(Real value) {
    using std::abs;
    return abs(value);
  }
};

/// Throws nusi::invalid_argument naming shifts[z] if a shift (or its real or imaginary part) is not finite.
template <class Real>
void require_finite_shifts(std::string_view fn, std::span<const Real> shifts) {
  for (std::size_t z = 0; z < shifts.size(); ++z) require_finite(fn, "shifts[" + to_text(z) + "]", shifts[z]);
}
template <class Real>
void require_finite_shifts(std::string_view fn, std::span<const std::complex<Real>> shifts) {
  for (std::size_t z = 0; z < shifts.size(); ++z)
    if (!is_finite(shifts[z].real()) || !is_finite(shifts[z].imag())) throw_invalid(fn, "shifts[" + to_text(z) + "]", "finite", shifts[z]);
}

/// Two-point Gauss-Legendre on [0, 1].
template <class Real>
constexpr Real gauss2_node(int q) {
  return q == 0 ? Real(0.21132486540518711775L) : Real(0.78867513459481288225L);
}
}  // namespace detail

/// Energy grid for a setup: the log-spaced grid of `options`, refined around E_res = M^2/(2 m_nu) when
/// the opaque core of the line (where n D sigma > 1, half-width w) is not resolved by the base grid
/// (w / resonance_nodes_per_core < the bin holding E_res; PHYSICS-SPEC "Narrow resonance"): nodes
/// spaced w / resonance_nodes_per_core (at least 64 ulps) over E_res +- 2w, then spacing growing by
/// 1.5 per node out to the base spacing.
template <class Real>
energy_grid<Real> make_energy_grid(const propagation_setup<Real>& setup, const energy_grid_options<Real>& options) {
  using std::sqrt;
  constexpr std::string_view fn = "nusi::make_energy_grid";
  setup.validate(fn);
  energy_grid<Real> base(options, setup.threshold_MeV);
  if (options.resonance_nodes_per_core == 0) return base;
  const s_channel_breit_wigner<Real> bw = setup.cross_section();
  const Real E_res = bw.resonance_energy_MeV();
  if (!(E_res > base.node_MeV(0) && E_res < base.node_MeV(base.size() - 1))) return base;
  const Real column = setup.relic.target_density_per_cm3() * setup.distance_cm;  // [cm^-2]
  // Peak sigma_tot(s = M^2) = 4 pi/(M^2 + m_nu^2), independent of g (PHYSICS-SPEC), in closed form:
  // for g below ~1e-7 the Lorentzian is narrower than the rounding of s = 2 E m_nu, so a point value
  // at the rounded E_res would miss the peak.
  const Real M = setup.med.mass_MeV, m = setup.relic.mass_MeV;
  const Real tau_peak = column * bw.peak_sigma_total_cm2();
  if (!(tau_peak > 1)) return base;
  // tau > 1 where (s - M^2)^2 < (M Gamma)^2 (tau_peak - 1); ds = 2 m_nu dE.
  const Real half_width = M * bw.width_MeV() * sqrt(tau_peak - 1) / (2 * m);  // [MeV]
  const std::size_t j = base.bin_of(E_res);
  const Real bin = base.bin_width_MeV(j);
  Real h = half_width / options.resonance_nodes_per_core;
  if (h >= bin) return base;  // the base grid already resolves the core
  h = std::max(h, 64 * std::numeric_limits<Real>::epsilon() * E_res);
  std::vector<Real> extra{E_res};
  using std::ceil;
  const long uniform = static_cast<long>(ceil(2 * half_width / h));
  Real offset = 0;
  auto add_pair = [&extra, E_res](Real d) {
    if (d < E_res) extra.push_back(E_res - d);  // the grid keeps only nodes inside its range
    extra.push_back(E_res + d);
  };
  for (long k = 1; k <= uniform && k < 100000; ++k) {
    offset = h * Real(k);
    add_pair(offset);
  }
  Real step = h;
  while (offset < bin) {
    step *= Real(1.5L);
    offset += step;
    add_pair(offset);
  }
  return energy_grid<Real>(options, setup.threshold_MeV, extra);
}

/// The energy-only operator of paper Eq. (8) on an energy_grid. Node i scatters at the rate
/// Gamma_i = n_CvB <sigma_tot>_bin_i [cm^-1] (the Breit-Wigner averaged over the bin in closed form) and
/// sends 2 neutrinos flat on [E_f,min(e_i), e_i] (the factor 2 of the gain term: the down-scattered and
/// the up-scattered neutrino), spread over the nodes by their hats. The gain into node j < i is then
/// w_j c_i Gamma_i, c_i = 2/(e_i - E_f,min): the bin-averaged flat dsigma/dE_f times the bin width.
/// Each scattering adds exactly one neutrino and the energy E_f,min(e_i) ~ m_nu/2 (PHYSICS-SPEC
/// "Energy budget"), up to rounding. Throws nusi::invalid_argument.
template <class Real>
class energy_kernel {
 public:
  using value_type = Real;

  energy_kernel(const propagation_setup<Real>& setup, const energy_grid<Real>& grid,
                kernel_scope scope = kernel_scope::full)
      : grid_(grid), scope_(scope) {
    constexpr std::string_view fn = "nusi::energy_kernel";
    detail::validate_kernel_inputs(fn, setup, grid);
    const s_channel_breit_wigner<Real> bw = setup.cross_section();
    const Real n_target = setup.relic.target_density_per_cm3();
    const std::size_t N = grid.size();
    first_ = scope == kernel_scope::full ? 0 : grid.first_above_threshold();
    const std::size_t n = N - first_;
    rate_.resize(n);
    gain_.resize(n);
    self_.resize(n);
    width_.resize(n);
    diag_.resize(n);
    min_final_.resize(n);
    const Real e0 = grid.node_MeV(0);
    for (std::size_t k = 0; k < n; ++k) {
      const std::size_t j = first_ + k;
      const Real e = grid.node_MeV(j);
      rate_[k] = n_target * bw.bin_averaged_sigma_total_cm2(grid.bin_lower_MeV(j), grid.bin_upper_MeV(j));
      min_final_[k] = bw.min_final_energy_MeV(e);
      gain_[k] = 2 / (e - min_final_[k]);
      width_[k] = grid.bin_width_MeV(j);
      self_[k] = gain_[k] * grid.left_half_MeV(j);
      diag_[k] = -rate_[k] * (1 - self_[k]);
    }
    if (scope == kernel_scope::full) {
      underflow_number_.resize(n);
      underflow_energy_.resize(n);
      for (std::size_t k = 0; k < n; ++k) {
        const Real d = e0 - min_final_[k];
        underflow_number_[k] = gain_[k] * d;
        underflow_energy_[k] = gain_[k] * d * (e0 + min_final_[k]) / 2;
      }
    }
  }

  const energy_grid<Real>& grid() const { return grid_; }
  kernel_scope scope() const { return scope_; }
  /// Number of density nodes tracked.
  std::size_t nodes() const { return rate_.size(); }
  /// Grid index of tracked node k.
  std::size_t grid_index(std::size_t k) const { return first_ + k; }
  /// Size of the state: nodes, plus budget_index::count accumulators in full scope.
  std::size_t size() const { return nodes() + (scope_ == kernel_scope::full ? budget_index::count : 0); }
  /// Scattering rate of tracked node k [cm^-1] (n_CvB times the bin-averaged sigma_tot).
  Real rate_per_cm(std::size_t k) const { return rate_[k]; }
  /// E_f,min at tracked node k [MeV].
  Real min_final_energy_MeV(std::size_t k) const { return min_final_[k]; }

  /// y = A x [cm^-1] (x, y of size size()).
  void apply(const Real* x, Real* y) const {
    const std::size_t n = nodes();
    Real running = 0;
    for (std::size_t k = n; k-- > 0;) {
      y[k] = diag_[k] * x[k] + width_[k] * running;
      running += gain_[k] * rate_[k] * x[k];
    }
    if (scope_ == kernel_scope::full) {
      Real un = 0, ue = 0, sc = 0, inj = 0;
      for (std::size_t k = 0; k < n; ++k) {
        const Real r = rate_[k] * x[k];
        un += underflow_number_[k] * r;
        ue += underflow_energy_[k] * r;
        sc += r;
        inj += min_final_[k] * r;
      }
      y[n + budget_index::underflow_number] = un;
      y[n + budget_index::underflow_energy] = ue;
      y[n + budget_index::scatterings] = sc;
      y[n + budget_index::injected_energy] = inj;
    }
  }

  /// out[c * Z + z] = ((shift_z I - A)^{-1} rhs)_c for Z = shifts.size() shifts at once, by forward
  /// substitution from the highest energy down: O(size() * Z). Scalar is Real or std::complex<Real>.
  /// @throws nusi::invalid_argument if a shift is not finite.
  template <class Scalar>
  void solve_shifted(std::span<const Scalar> shifts, const Real* rhs, Scalar* out) const {
    detail::require_finite_shifts("nusi::energy_kernel::solve_shifted", shifts);
    substitute<Scalar, Scalar, detail::exact_division>(shifts, rhs, out);
  }
  /// The same substitution on magnitudes: out >= |every term| of solve_shifted, so its rounding error
  /// is below ~(depth) eps out. Used by exponential_action for the noise floor.
  void solve_shifted_bound(std::span<const std::complex<Real>> shifts, const Real* rhs, Real* out) const {
    substitute<Real, std::complex<Real>, detail::magnitude_division>(shifts, rhs, out);
  }

 private:
  template <class Scalar, class Shift, class Division>
  void substitute(std::span<const Shift> shifts, const Real* rhs, Scalar* out) const {
    const std::size_t n = nodes(), Z = shifts.size();
    std::vector<Scalar> running(Z, Scalar(0));
    std::vector<Scalar> sums(scope_ == kernel_scope::full ? 4 * Z : 0, Scalar(0));
    for (std::size_t k = n; k-- > 0;) {
      const Real w = width_[k], d = diag_[k], cr = gain_[k] * rate_[k], r = rate_[k];
      const Real b = Division::rhs(rhs[k]);
      Scalar* o = out + k * Z;
      for (std::size_t z = 0; z < Z; ++z) {
        o[z] = Division::apply(b + w * running[z], shifts[z], d);
        running[z] += cr * o[z];
      }
      if (scope_ == kernel_scope::full) {
        const Real c0 = underflow_number_[k] * r, c1 = underflow_energy_[k] * r, c3 = min_final_[k] * r;
        for (std::size_t z = 0; z < Z; ++z) {
          sums[z] += c0 * o[z];
          sums[Z + z] += c1 * o[z];
          sums[2 * Z + z] += r * o[z];
          sums[3 * Z + z] += c3 * o[z];
        }
      }
    }
    if (scope_ == kernel_scope::full)
      for (std::size_t b = 0; b < budget_index::count; ++b)
        for (std::size_t z = 0; z < Z; ++z)
          out[(n + b) * Z + z] = Division::apply(Division::rhs(rhs[n + b]) + sums[b * Z + z], shifts[z], Real(0));
  }

  energy_grid<Real> grid_;
  kernel_scope scope_;
  std::size_t first_ = 0;
  std::vector<Real> rate_, gain_, self_, width_, diag_, min_final_;
  std::vector<Real> underflow_number_, underflow_energy_;
};

namespace detail {
/// Calls on_pair(i, j) for every (source node i, destination node j <= i), i ascending then j ascending,
/// each followed by on_point(E_i, x, weight) for the product energies x of that pair: points in hat_j's
/// support below e_i whose weights [MeV] integrate the hat (flat products). Far pairs (j + 2 <= i): one point
/// at the hat's centroid; the nearest two (j = i - 1, i), where a deflection varies from 0 across the hat,
/// two Gauss points per half. Shared by the energy-angle kernels.
template <class Real, class OnPair, class OnPoint>
void for_each_hat_point(const energy_grid<Real>& grid, OnPair&& on_pair, OnPoint&& on_point) {
  const std::size_t N = grid.size();
  for (std::size_t i = 0; i < N; ++i) {
    for (std::size_t j = 0; j <= i; ++j) {
      on_pair(i, j);
      const Real el = j > 0 ? grid.node_MeV(j - 1) : Real(0), ej = grid.node_MeV(j);
      const Real eu = j + 1 < N ? grid.node_MeV(j + 1) : Real(0);
      const Real L = grid.left_half_MeV(j), R = j < i ? grid.right_half_MeV(j) : Real(0);
      if (j + 2 <= i) {
        const Real centroid = (L * (el + 2 * ej) + R * (2 * ej + eu)) / (3 * (L + R));
        on_point(grid.node_MeV(i), centroid, L + R);
      } else {
        for (int q = 0; q < 2; ++q) {
          const Real t = gauss2_node<Real>(q);
          if (L > 0) on_point(grid.node_MeV(i), el + (ej - el) * t, L * t);
          if (R > 0) on_point(grid.node_MeV(i), ej + (eu - ej) * t, R * (1 - t));
        }
      }
    }
  }
}

/// The angle part shared by the energy-angle kernels (docs/physics.md, "Angle models"): the deflection of a
/// product of energy x from a source at E_i on a target of mass m at rest, 1 - cos theta~ = m (1/x - 1/E_i)
/// (paper, below Eq. 4), and where a neutrino at angle node a goes when turned by it (stencil over the
/// angle nodes, fractions summing to 1), as the angle_model composes; `own` for a product staying on its
/// source's energy node (mean-cosine direction in the walk and 3D models, so angles only grow within an
/// energy). Not API.
template <class Real>
class angle_spreader {
 public:
  struct point {
    Real deflection;  // theta~ [rad]
    Real weight;      // hat integral carried by this point [MeV]
    Real sin_deflection, sin_half, cos_half;  // sin theta~, sin(theta~/2), cos(theta~/2)
  };
  // Where one neutrino at an angle node goes: angle nodes (ascending) and fractions summing to 1.
  static constexpr std::size_t max_stencil = 2 * 64 + 2;
  struct stencil {
    std::size_t size = 0;
    std::size_t node[max_stencil]{};
    Real weight[max_stencil]{};
    // Destinations arrive in non-decreasing pairs (b, b + 1): a node equal to one of the last two merges.
    void add(std::size_t b, Real w) {
      if (size > 0 && node[size - 1] == b) {
        weight[size - 1] += w;
      } else if (size > 1 && node[size - 2] == b) {
        weight[size - 2] += w;
      } else {
        node[size] = b;
        weight[size] = w;
        ++size;
      }
    }
    void add_split(const std::pair<std::size_t, Real>& located, Real w) {
      add(located.first, w * (1 - located.second));
      if (located.second > 0) add(located.first + 1, w * located.second);
    }
  };

  angle_spreader(const angle_grid<Real>& angles, angle_model model) : angles_(angles), model_(model) {
    using std::cos;
    using std::pow;
    using std::sin;
    const std::size_t A = angles.size();
    // Largest r = min/max(theta, t) that K azimuth nodes integrate to r^(2K) <= 1e-4, K = 1 .. max.
    azimuth_ratio_.resize(angles.azimuth_nodes());
    for (std::size_t K = 1; K <= angles.azimuth_nodes(); ++K) azimuth_ratio_[K - 1] = pow(Real(1e-4L), Real(1) / Real(2 * K));
    inv_cos_.resize(A);
    sin_angle_.resize(A);
    sin_half_.resize(A);
    cos_half_.resize(A);
    for (std::size_t a = 0; a < A; ++a) {
      inv_cos_[a] = 1 / angles.cos_angle(a);
      sin_angle_[a] = sin(angles.angle_rad(a));
      sin_half_[a] = sin(angles.angle_rad(a) / 2);
      cos_half_[a] = cos(angles.angle_rad(a) / 2);
    }
  }

  const angle_grid<Real>& angles() const { return angles_; }
  angle_model model() const { return model_; }
  /// 1/cos theta_a: the path-length factor of the scattering rate at angle node a.
  Real inv_cos(std::size_t a) const { return inv_cos_[a]; }

  /// The deflection of a product at x [MeV] from a source at E_i [MeV] on a target of mass m [MeV] at rest.
  static point make_point(Real m, Real E_i, Real x, Real weight) {
    using std::asin;
    using std::cos;
    using std::sin;
    using std::sqrt;
    Real h = m * (1 / x - 1 / E_i) / 2;  // sin^2(theta~/2)
    h = std::clamp(h, Real(0), Real(1));
    const Real t = 2 * asin(sqrt(h));
    return point{t, weight, sin(t), sin(t / 2), cos(t / 2)};
  }

  // 2 asin(sqrt(h)) for h in [0, 1]: the angle with sin^2(angle/2) = h. Below h = 1e-3 (angles below
  // 0.063 rad) by the series of asin(x)/x in h = x^2, sum_n (2n)!/(4^n n!^2 (2n + 1)) h^n to n = 5: the
  // next term, (231/13312) h^6 < 2e-20, is below long double rounding.
  static Real two_asin_sqrt(Real h) {
    using std::asin;
    using std::sqrt;
    if (h < Real(1e-3L)) {
      const Real c1 = Real(1) / 6, c2 = Real(3) / 40, c3 = Real(5) / 112, c4 = Real(35) / 1152, c5 = Real(63) / 2816;
      return 2 * sqrt(h) * (1 + h * (c1 + h * (c2 + h * (c3 + h * (c4 + h * c5)))));
    }
    return 2 * asin(sqrt(h));
  }

  // The destinations of a neutrino at angle node a turned by p.deflection (angle_model.hpp): `own` for a
  // product staying on its source's energy node (mean-cosine direction in the walk and 3D models).
  void destinations(std::size_t a, const point& p, bool own, stencil& st) const {
    st.size = 0;
    const Real theta = angles_.angle_rad(a), t = p.deflection;
    if (model_ == angle_model::paper_eq8_additive) {
      st.add_split(angles_.locate(theta + t), Real(1));
      return;
    }
    if (own) {
      st.add_split(angles_.locate(mean_cosine_composition_rad(theta, t)), Real(1));
      return;
    }
    if (model_ == angle_model::planar_random_walk) {
      using std::abs;
      st.add_split(angles_.locate(abs(theta - t)), Real(0.5L));
      st.add_split(angles_.locate(theta + t), Real(0.5L));
      return;
    }
    // three_dimensional: midpoint rule over the uniform azimuth, K nodes for r = min/max(theta, t) with
    // r^(2K) <= 1e-4 (angle_grid_options::azimuth_nodes); theta_f grows with sin^2(phi/2). As
    // three_dimensional_composition_rad, with sin((theta - t)/2) from the halves' sines and cosines
    // (where it cancels, sin theta sin t sin^2(phi/2) > 0 dominates h at every node).
    const Real lo = theta < t ? theta : t, hi = theta < t ? t : theta;
    std::size_t K = 1;
    while (K < azimuth_ratio_.size() && !(lo <= azimuth_ratio_[K - 1] * hi)) ++K;
    const auto& s2 = angles_.azimuth_sin2_half(K);
    const Real w = Real(1) / Real(K);
    const Real d = sin_half_[a] * p.cos_half - cos_half_[a] * p.sin_half, d2 = d * d;
    const Real ss = sin_angle_[a] * p.sin_deflection;
    std::size_t b = 0;
    bool first = true;
    for (Real s : s2) {
      Real h = d2 + ss * s;
      h = std::clamp(h, Real(0), Real(1));
      const Real theta_f = two_asin_sqrt(h);
      // theta_f grows with k: continue the search from the last node (a rounding step back restarts it).
      const auto located =
          !first && theta_f >= angles_.angle_rad(b) ? angles_.locate_from(b, theta_f) : angles_.locate(theta_f);
      first = false;
      b = located.first;
      st.add_split(located, w);
    }
  }

 private:
  angle_grid<Real> angles_;
  angle_model model_;
  std::vector<Real> inv_cos_, sin_angle_, sin_half_, cos_half_, azimuth_ratio_;
};
}  // namespace detail

/// The energy-angle operator of paper Eq. (8): one polar angle theta from the line of sight, and a
/// scattering E_i -> E_f turns the direction by theta~(E_i, E_f), 1 - cos theta~ = m_nu (1/E_f - 1/E_i)
/// (below Eq. 4), composed with theta as the angle_model says (angle_model.hpp; docs/physics.md,
/// "Angle models"). The energy part is energy_kernel's exactly; each product is then spread over the angle
/// nodes. Node (j, a) scatters at Gamma_j / cos theta_a (paper: "1/cos theta changes the propagation
/// distance to radial distance"), a factor of the scattering neutrino's own direction; see docs/physics.md
/// for why it is not applied to the gain. Products that stay on their source's energy node (the left half
/// of its own hat) take, in the planar_random_walk and three_dimensional models, the direction whose cosine
/// is the model's mean cos theta cos theta~ (>= theta), so that angles only grow within an energy and the
/// solve stays a forward substitution; this is exact in the mean of cos theta and converges with the
/// energy grid (docs/physics.md). State index: j * angles + a, then the budget accumulators.
/// Throws nusi::invalid_argument.
template <class Real>
class energy_angle_kernel {
 public:
  using value_type = Real;
  /// Largest number of kernel entries N (N + 1)/2 + N A (energy pairs, each two Reals and an offset, plus
  /// the diagonal) for N energy nodes and A angle nodes: 2^27, ~3 GB in double (N ~ 16000 at A = 128).
  static constexpr std::size_t max_entries = std::size_t(1) << 27;

  /// @throws nusi::invalid_argument on a bad setup or grid (energy_kernel), an angle model outside the
  /// enumeration, or if the grids need more than max_entries = 2^27 kernel entries (reduce energy.bins or
  /// angle.bins).
  energy_angle_kernel(const propagation_setup<Real>& setup, const energy_grid<Real>& grid,
                      const angle_grid<Real>& angles, angle_model model = angle_model::three_dimensional)
      : energy_(checked_size(setup, grid, angles, model), grid, kernel_scope::full), spread_(angles, model),
        m_(setup.relic.mass_MeV) {
    const std::size_t N = grid.size(), A = angles.size();
    // Product quadrature for each (source i, destination j <= i) (detail::for_each_hat_point).
    offset_.assign(N * (N + 1) / 2 + 1, 0);
    detail::for_each_hat_point(
        grid, [this](std::size_t i, std::size_t j) { offset_[pair_index(i, j)] = points_.size(); },
        [this](Real E_i, Real x, Real weight) { points_.push_back(spreader::make_point(m_, E_i, x, weight)); });
    offset_[pair_index(N - 1, N - 1) + 1] = points_.size();
    // Diagonal: loss minus the part of the self-deposit (products in the left half of the own hat)
    // that stays on the same angle node.
    diag_.resize(N * A);
    stencil st;
    for (std::size_t j = 0; j < N; ++j) {
      const Real rate = energy_.rate_per_cm(j), c = gain(j);
      for (std::size_t a = 0; a < A; ++a) {
        Real stay = 0;
        for (std::size_t q = offset_[pair_index(j, j)]; q < offset_[pair_index(j, j) + 1]; ++q) {
          spread_.destinations(a, points_[q], true, st);
          for (std::size_t e = 0; e < st.size; ++e)
            if (st.node[e] == a) stay += c * points_[q].weight * st.weight[e];
        }
        diag_[j * A + a] = -rate * spread_.inv_cos(a) * (1 - stay);
      }
    }
  }

  const energy_grid<Real>& grid() const { return energy_.grid(); }
  const angle_grid<Real>& angles() const { return spread_.angles(); }
  const energy_kernel<Real>& energy_part() const { return energy_; }
  /// How deflections compose (angle_model.hpp).
  angle_model model() const { return spread_.model(); }
  std::size_t nodes() const { return grid().size() * angles().size(); }
  std::size_t size() const { return nodes() + budget_index::count; }
  /// Scattering rate of node (j, a) [cm^-1]: Gamma_j / cos theta_a.
  Real rate_per_cm(std::size_t j, std::size_t a) const { return energy_.rate_per_cm(j) * spread_.inv_cos(a); }

  /// y = A x [cm^-1].
  void apply(const Real* x, Real* y) const {
    const std::size_t N = grid().size(), A = angles().size(), n = nodes();
    std::vector<Real> rate_x(n);
    for (std::size_t j = 0; j < N; ++j)
      for (std::size_t a = 0; a < A; ++a) rate_x[j * A + a] = rate_per_cm(j, a) * x[j * A + a];
    std::fill(y, y + size(), Real(0));
    stencil st;
    for (std::size_t j = 0; j < N; ++j) {
      Real* yj = y + j * A;
      for (std::size_t a = 0; a < A; ++a) yj[a] = diag_[j * A + a] * x[j * A + a];
      for (std::size_t i = j + 1; i < N; ++i) scatter_shifts(i, j, rate_x.data() + i * A, yj, st);
      scatter_own(j, rate_x.data() + j * A, yj);
    }
    accumulate_budget<Real>(rate_x.data(), 1, y + n, true);
  }

  /// out[c * Z + z] = ((shift_z I - A)^{-1} rhs)_c for Z shifts at once: forward substitution over
  /// energies from the highest down and, within an energy, over angles upwards (own-energy deflections only
  /// grow). @throws nusi::invalid_argument if a shift is not finite.
  template <class Scalar>
  void solve_shifted(std::span<const Scalar> shifts, const Real* rhs, Scalar* out) const {
    detail::require_finite_shifts("nusi::energy_angle_kernel::solve_shifted", shifts);
    lane<Scalar, Scalar, detail::exact_division> l(shifts, rhs, out, nodes(), angles().size());
    substitute(l);
  }
  /// The same substitution on magnitudes (see energy_kernel::solve_shifted_bound).
  void solve_shifted_bound(std::span<const std::complex<Real>> shifts, const Real* rhs, Real* out) const {
    lane<Real, std::complex<Real>, detail::magnitude_division> l(shifts, rhs, out, nodes(), angles().size());
    substitute(l);
  }
  /// solve_shifted and solve_shifted_bound in one pass: the angle destinations of every product, the
  /// costly part of the 3D model, are computed once for both (exponential_action uses this).
  /// @throws nusi::invalid_argument if a shift is not finite.
  void solve_shifted_with_bound(std::span<const std::complex<Real>> shifts, const Real* rhs, std::complex<Real>* out,
                                Real* bound) const {
    detail::require_finite_shifts("nusi::energy_angle_kernel::solve_shifted_with_bound", shifts);
    lane<std::complex<Real>, std::complex<Real>, detail::exact_division> exact(shifts, rhs, out, nodes(), angles().size());
    lane<Real, std::complex<Real>, detail::magnitude_division> magnitude(shifts, rhs, bound, nodes(), angles().size());
    substitute(exact, magnitude);
  }

 private:
  using spreader = detail::angle_spreader<Real>;
  using point = typename spreader::point;
  using stencil = typename spreader::stencil;

  // One forward substitution: Z shifts, its own scalar type and division policy, scratch for the
  // scattered products (rate * solution per node and shift) and the gain accumulated into one energy.
  template <class Scalar, class Shift, class Division>
  struct lane {
    std::span<const Shift> shifts;
    const Real* rhs;
    Scalar* out;
    std::size_t Z;
    std::vector<Scalar> scattered, acc;
    lane(std::span<const Shift> z, const Real* b, Scalar* o, std::size_t nodes, std::size_t angles)
        : shifts(z), rhs(b), out(o), Z(z.size()), scattered(nodes * z.size()), acc(angles * z.size()) {}
    void start_row(std::size_t j, std::size_t A) {
      for (std::size_t a = 0; a < A; ++a)
        for (std::size_t z = 0; z < Z; ++z) acc[a * Z + z] = Scalar(Division::rhs(rhs[j * A + a]));
    }
    // acc[b] += w * scattered at node `source`.
    void add(std::size_t source, std::size_t b, Real w) {
      const Scalar* x = scattered.data() + source * Z;
      Scalar* y = acc.data() + b * Z;
      for (std::size_t z = 0; z < Z; ++z) y[z] += w * x[z];
    }
    void solve_node(std::size_t node, std::size_t a, Real diagonal, Real rate) {
      Scalar* o = out + node * Z;
      Scalar* sc = scattered.data() + node * Z;
      for (std::size_t z = 0; z < Z; ++z) {
        o[z] = Division::apply(acc[a * Z + z], shifts[z], diagonal);
        sc[z] = rate * o[z];
      }
    }
  };

  // Forward substitution over energies from the highest down and, within an energy, over angles upwards,
  // for one or more lanes at once (the destinations are computed once for all of them).
  template <class... Lanes>
  void substitute(Lanes&... lanes) const {
    const std::size_t N = grid().size(), A = angles().size(), n = nodes();
    stencil st;
    for (std::size_t j = N; j-- > 0;) {
      (lanes.start_row(j, A), ...);
      for (std::size_t i = j + 1; i < N; ++i)
        for_each_gain(i, j, st, [&](std::size_t a, std::size_t b, Real w) { (lanes.add(i * A + a, b, w), ...); });
      // Own energy: angles upwards; the part staying on the node is in the diagonal.
      const std::size_t q0 = offset_[pair_index(j, j)], q1 = offset_[pair_index(j, j) + 1];
      const Real c = gain(j);
      for (std::size_t a = 0; a < A; ++a) {
        const Real d = diag_[j * A + a], r = rate_per_cm(j, a);
        (lanes.solve_node(j * A + a, a, d, r), ...);
        for (std::size_t q = q0; q < q1; ++q) {
          spread_.destinations(a, points_[q], true, st);
          const Real cw = c * points_[q].weight;
          for (std::size_t e = 0; e < st.size; ++e)
            if (st.node[e] > a) (lanes.add(j * A + a, st.node[e], cw * st.weight[e]), ...);
        }
      }
    }
    (finish_budget(lanes, n), ...);
  }
  template <class Scalar, class Shift, class Division>
  void finish_budget(lane<Scalar, Shift, Division>& l, std::size_t n) const {
    const std::size_t Z = l.Z;
    std::vector<Scalar> sums(budget_index::count * Z, Scalar(0));
    accumulate_budget<Scalar>(l.scattered.data(), Z, sums.data(), false);
    for (std::size_t b = 0; b < budget_index::count; ++b)
      for (std::size_t z = 0; z < Z; ++z)
        l.out[(n + b) * Z + z] = Division::apply(Division::rhs(l.rhs[n + b]) + sums[b * Z + z], l.shifts[z], Real(0));
  }

  // The entry count is checked before anything is allocated; returns setup for the member initialiser.
  static const propagation_setup<Real>& checked_size(const propagation_setup<Real>& setup, const energy_grid<Real>& grid,
                                                     const angle_grid<Real>& angles, angle_model model) {
    constexpr std::string_view fn = "nusi::energy_angle_kernel";
    if (model != angle_model::paper_eq8_additive && model != angle_model::planar_random_walk &&
        model != angle_model::three_dimensional)
      detail::throw_invalid(fn, "model", "paper_eq8_additive, planar_random_walk or three_dimensional", static_cast<int>(model));
    const std::size_t N = grid.size(), A = angles.size();
    const long double entries = static_cast<long double>(N) * (static_cast<long double>(N) + 1) / 2 +
                                static_cast<long double>(N) * static_cast<long double>(A);
    if (entries > static_cast<long double>(max_entries)) {
      std::string need = "giving at most 2^27 = 134217728 kernel entries N (N + 1)/2 + N A (~3 GB in double; N = ";
      need += detail::to_text(N);
      need += " energy nodes, A = ";
      need += detail::to_text(A);
      need += " angle nodes): reduce them";
      detail::throw_invalid(fn, "energy.bins and angle.bins", need, entries);
    }
    return setup;
  }
  static std::size_t pair_index(std::size_t i, std::size_t j) { return i * (i + 1) / 2 + j; }
  Real gain(std::size_t j) const { return 2 / (grid().node_MeV(j) - energy_.min_final_energy_MeV(j)); }
  // visit(a, b, w) for the gain from energy i, angle a into energy j < i, angle b, per unit of
  // rate * density at (i, a).
  template <class Visit>
  void for_each_gain(std::size_t i, std::size_t j, stencil& st, Visit&& visit) const {
    const angle_grid<Real>& angles = spread_.angles();
    const std::size_t A = angles.size();
    const Real c = gain(i);
    for (std::size_t q = offset_[pair_index(i, j)]; q < offset_[pair_index(i, j) + 1]; ++q) {
      const Real delta = points_[q].deflection, cw = c * points_[q].weight;
      if (spread_.model() == angle_model::paper_eq8_additive) {  // destinations grow with a: a two-pointer walk
        std::size_t b = 0;
        for (std::size_t a = 0; a < A; ++a) {
          Real frac;
          std::tie(b, frac) = angles.locate_from(b, angles.angle_rad(a) + delta);
          visit(a, b, cw * (1 - frac));
          if (frac > 0) visit(a, b + 1, cw * frac);
        }
        continue;
      }
      for (std::size_t a = 0; a < A; ++a) {
        spread_.destinations(a, points_[q], false, st);
        for (std::size_t e = 0; e < st.size; ++e) visit(a, st.node[e], cw * st.weight[e]);
      }
    }
  }
  // acc[b] += gain from energy i (scattered = rate * density of row i) into energy j < i (apply()).
  void scatter_shifts(std::size_t i, std::size_t j, const Real* scattered, Real* acc, stencil& st) const {
    for_each_gain(i, j, st, [&](std::size_t a, std::size_t b, Real w) { acc[b] += w * scattered[a]; });
  }
  // y_j += gain of energy j into itself for apply(): the part leaving each angle node (the part
  // staying is in the diagonal).
  void scatter_own(std::size_t j, const Real* rate_x, Real* yj) const {
    const std::size_t A = angles().size();
    const Real c = gain(j);
    stencil st;
    for (std::size_t q = offset_[pair_index(j, j)]; q < offset_[pair_index(j, j) + 1]; ++q) {
      const Real cw = c * points_[q].weight;
      for (std::size_t a = 0; a < A; ++a) {
        spread_.destinations(a, points_[q], true, st);
        for (std::size_t e = 0; e < st.size; ++e)
          if (st.node[e] != a) yj[st.node[e]] += cw * st.weight[e] * rate_x[a];
      }
    }
  }
  // Budget accumulators from rate * density of every node (Z values per node).
  template <class Scalar>
  void accumulate_budget(const Scalar* scattered, std::size_t Z, Scalar* sums, bool overwrite) const {
    const std::size_t N = grid().size(), A = angles().size();
    const Real e0 = grid().node_MeV(0);
    if (overwrite)
      for (std::size_t b = 0; b < budget_index::count * Z; ++b) sums[b] = Scalar(0);
    std::vector<Scalar> row(Z);
    for (std::size_t j = 0; j < N; ++j) {
      std::fill(row.begin(), row.end(), Scalar(0));
      for (std::size_t a = 0; a < A; ++a)
        for (std::size_t z = 0; z < Z; ++z) row[z] += scattered[(j * A + a) * Z + z];
      const Real fmin = energy_.min_final_energy_MeV(j), d = e0 - fmin, c = gain(j);
      for (std::size_t z = 0; z < Z; ++z) {
        sums[budget_index::underflow_number * Z + z] += c * d * row[z];
        sums[budget_index::underflow_energy * Z + z] += c * d * (e0 + fmin) / 2 * row[z];
        sums[budget_index::scatterings * Z + z] += row[z];
        sums[budget_index::injected_energy * Z + z] += fmin * row[z];
      }
    }
  }

  energy_kernel<Real> energy_;
  detail::angle_spreader<Real> spread_;
  Real m_;
  std::vector<std::size_t> offset_;
  std::vector<point> points_;
  std::vector<Real> diag_;
};

}  // namespace nusi
