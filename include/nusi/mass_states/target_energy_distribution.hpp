// SPDX-License-Identifier: MIT
// A thermally moving relic neutrino seen by a supernova neutrino of energy E >> T: the flux-weighted distribution of
// x = (s - m^2)/(2E) = E_2 - p cos(theta), the "target energy" that replaces m in s = m^2 + 2 E m for a relic at rest
// (docs/physics.md, "At rest or thermal"). The relic momenta follow the relativistic Fermi-Dirac distribution at T_nu0.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <limits>
#include <optional>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include <boost/math/constants/constants.hpp>
#include <boost/math/quadrature/gauss.hpp>

#include "../detail/fermi_dirac_one.hpp"
#include "../errors.hpp"
#include "../spectra.hpp"

namespace nusi {

/// One node of a quadrature rule over the target-energy distribution: x [MeV] and its probability weight.
template <class Real>
struct target_energy_node {
  Real x_MeV;
  Real weight;
};

/// The flux-weighted distribution rho(x) of x = (s - m^2)/(2E) for a relic of mass m [MeV] whose momenta follow
/// f(p) = 1/(e^(p/T) + 1): the collision rate of a neutrino of energy E >> x is n int rho(x) sigma(m^2 + 2 E x) dx.
/// With P = |x^2 - m^2|/(2x), rho(x) = x W(P)/(2N), W(P) = int_P^inf p f(p)/sqrt(p^2 + m^2) dp, N = int p^2 f dp
/// (docs/physics.md derives it). For m = 0, W = T ln(1 + e^(-P/T)). Unit normalised; rho -> delta(x - m) for m >> T.
/// Throws nusi::invalid_argument if m is negative or not finite, or T is not finite and > 0.
template <class Real>
class target_energy_distribution {
 public:
  target_energy_distribution(Real mass_MeV, Real temperature_MeV) : m_(mass_MeV), T_(temperature_MeV) {
    using std::log;
    using std::max;
    using std::min;
    constexpr std::string_view fn = "nusi::target_energy_distribution";
    detail::require_non_negative(fn, "mass_MeV", mass_MeV);
    detail::require_positive(fn, "temperature_MeV", temperature_MeV);
    N_ = T_ * T_ * T_ * fermi_dirac_integral(Real(2), Real(0));
    T2_over_N_ = T_ * T_ / N_;
    inverse_2T_ = 1 / (2 * T_);
    // Table of W on a fine P-grid (cubic Hermite between points: relative error < 1e-7): geometric with ratio 1.25
    // from a 64th of the smaller scale (m or T) up to T/4, then steps of T/16 up to P_max = 64 T, where W/W(0) < 1e-26.
    const Real scale = m_ > 0 ? min(m_, T_) : T_;
    edges_.push_back(Real(0));
    Real p = scale / 64;
    while (p < T_ / 4) {
      edges_.push_back(p);
      p *= Real(1.25L);
    }
    uniform_index_ = edges_.size();
    uniform_start_ = T_ / 4;
    uniform_step_ = T_ / 16;
    for (std::size_t k = 0; uniform_start_ + Real(k) * uniform_step_ <= 64 * T_; ++k)
      edges_.push_back(uniform_start_ + Real(k) * uniform_step_);
    const std::size_t n = edges_.size();
    W_.assign(n, Real(0));  // W(P_max) ~ e^(-64) W(0) is dropped
    for (std::size_t k = n - 1; k-- > 0;) W_[k] = W_[k + 1] + integral_g(edges_[k], edges_[k + 1]);
    G_.resize(n);  // W' = -g at the edges, tabulated once for the interpolation
    for (std::size_t k = 0; k < n; ++k) G_[k] = g(edges_[k]);
    if (m_ > 0) build_inverse_x_tails();
    using std::sqrt;
    x_max_ = 64 * T_ + sqrt(64 * T_ * 64 * T_ + m_ * m_);  // x_+ at P_max
    const Real P_end = edges_.back();                          // W = 0 from here (the table's end)
    x_min_ = m_ > 0 ? m_ * m_ / (P_end + sqrt(P_end * P_end + m_ * m_)) : Real(0);
    x_min_whole_ = x_min_;
    x_max_whole_ = x_max_;
    build_rule(std::nullopt);
    normalisation_error_ = total_ - 1;
  }

  /// The part of this distribution with x in [x_lo_MeV, x_hi_MeV) (clipped to the support): rho restricted to the
  /// window, not renormalised (probability() is its share), with its own Gauss rule, mean and gauss_nodes. Parts over
  /// adjacent windows sum to the whole (the energy-angle kernel deflects each part by its own mean x).
  /// @throws nusi::invalid_argument if the window is empty, inverted or not finite.
  target_energy_distribution restricted(Real x_lo_MeV, Real x_hi_MeV) const {
    using std::max;
    using std::min;
    constexpr std::string_view fn = "nusi::target_energy_distribution::restricted";
    detail::require_non_negative(fn, "x_lo_MeV", x_lo_MeV);
    detail::require_finite(fn, "x_hi_MeV", x_hi_MeV);
    const Real lo = max(x_lo_MeV, x_min_), hi = min(x_hi_MeV, x_max_);
    if (!(hi > lo))
      detail::throw_invalid(fn, "x_hi_MeV", "above x_lo_MeV and the support's lower end " + detail::to_text(lo), x_hi_MeV);
    target_energy_distribution part = *this;
    part.x_min_ = lo;
    part.x_max_ = hi;
    part.build_rule(total_);
    return part;
  }
  /// C + 1 window edges [MeV] splitting the support into C parts of about equal probability (from the fine rule's
  /// cumulative weights): min_x_MeV(), C - 1 quantiles, max_x_MeV(); fewer where two quantiles fall between the same
  /// two nodes of the rule (~50 to 130 nodes). @throws nusi::invalid_argument if C is 0 or > 256.
  std::vector<Real> equal_probability_edges_MeV(std::size_t C) const {
    if (C < 1 || C > 256)
      detail::throw_invalid("nusi::target_energy_distribution::equal_probability_edges_MeV", "C", "in [1, 256]", C);
    std::vector<Real> edges{x_min_};
    Real cumulative = 0;
    for (std::size_t i = 0; i + 1 < nodes_.size() && edges.size() < C; ++i) {
      cumulative += nodes_[i].weight;
      // The edge between the two nodes where the cumulative share first reaches the next k/C.
      while (edges.size() < C && cumulative >= probability_ * Real(edges.size()) / Real(C)) {
        const Real edge = (nodes_[i].x_MeV + nodes_[i + 1].x_MeV) / 2;
        if (edge > edges.back()) edges.push_back(edge);
        else break;
      }
    }
    edges.push_back(x_max_);
    return edges;
  }

  Real mass_MeV() const { return m_; }
  Real temperature_MeV() const { return T_; }
  /// <x> [MeV]: m + O(T^2/m) for m >> T; 4.20 T for m = 0.
  Real mean_MeV() const { return mean_; }
  /// The standard deviation of x [MeV]: 2.87 T for m = 0 (0.68 of the mean), ~p_rms/sqrt(3) for m >> T.
  Real standard_deviation_MeV() const { return standard_deviation_; }
  /// The share of the whole distribution this one holds: 1, or less for a restricted() part.
  Real probability() const { return probability_; }
  /// Deviation of the quadrature's total weight from 1 before it was normalised (its error).
  Real normalisation_error() const { return normalisation_error_; }
  /// Largest x with non-negligible weight [MeV]: x_+ at P = 64 T, where W/W(0) < 1e-26 (a restricted part's upper end).
  Real max_x_MeV() const { return x_max_; }
  /// Smallest x with weight [MeV]: x_- at the end of the W table (P = 64 T), below which rho = 0 (the dropped tail,
  /// W/W(0) < 1e-26); 0 for m = 0 (a restricted part's lower end). A kink of rho: integrals over x split there.
  Real min_x_MeV() const { return x_min_; }
  /// A composite Gauss rule for int rho(x) h(x) dx, smooth h: about 50 (m = 0) to 130 nodes, sorted by x.
  const std::vector<target_energy_node<Real>>& nodes() const { return nodes_; }
  /// gauss_nodes(16), kept: for integrands analytic across the support with their nearest singularity well away from
  /// it (a pole at least half the support's range of s beyond it: within 1e-13 of the composite rule), or steep only in
  /// rho's tails (docs/physics.md, "Bin averages of the mass-state model").
  const std::vector<target_energy_node<Real>>& smooth_nodes() const { return smooth_nodes_; }

  /// A K-node Gauss rule for rho in the variable ln x (exact for polynomials of degree 2K - 1 in ln x), from the
  /// fine rule by the Stieltjes procedure and the Golub-Welsch eigenproblem (Gautschi, Orthogonal Polynomials,
  /// Sec. 2.2). Used where a few target energies must stand for the distribution (the t/u-channel energy shapes).
  /// @throws nusi::invalid_argument if K is 0 or above 16.
  std::vector<target_energy_node<Real>> gauss_nodes(std::size_t K) const {
    using std::log;
    using std::exp;
    using std::sqrt;
    if (K < 1 || K > 16) detail::throw_invalid("nusi::target_energy_distribution::gauss_nodes", "K", "in [1, 16]", K);
    const std::size_t n = nodes_.size();
    K = std::min(K, n);  // a narrow restricted part has fewer fine nodes
    std::vector<Real> t(n), w(n), p_prev(n, Real(0)), p(n, Real(1)), p_next(n);
    Real total = 1;  // the whole distribution's rule is unit normalised; a restricted part's carries its share
    if (probability_ != 1) {
      total = 0;
      for (const auto& node : nodes_) total += node.weight;
    }
    for (std::size_t i = 0; i < n; ++i) {
      t[i] = log(nodes_[i].x_MeV);
      w[i] = nodes_[i].weight / total;  // the recurrence below wants unit total weight
    }
    // Orthonormal recurrence sqrt(b_{k+1}) p_{k+1} = (t - a_k) p_k - sqrt(b_k) p_{k-1}, p_0 = 1 (total weight 1).
    std::vector<Real> alpha(K), offdiag(K, Real(0));
    for (std::size_t k = 0; k < K; ++k) {
      Real a = 0;
      for (std::size_t i = 0; i < n; ++i) a += w[i] * t[i] * p[i] * p[i];
      alpha[k] = a;
      Real norm = 0;
      for (std::size_t i = 0; i < n; ++i) {
        p_next[i] = (t[i] - a) * p[i] - (k > 0 ? offdiag[k - 1] : Real(0)) * p_prev[i];
        norm += w[i] * p_next[i] * p_next[i];
      }
      if (k + 1 < K) {
        offdiag[k] = sqrt(norm);
        for (std::size_t i = 0; i < n; ++i) {
          p_prev[i] = p[i];
          p[i] = p_next[i] / offdiag[k];
        }
      }
    }
    // Eigen-decomposition of the Jacobi matrix by cyclic Jacobi rotations (K <= 16: a few sweeps).
    std::vector<std::vector<Real>> J(K, std::vector<Real>(K, Real(0))), V(K, std::vector<Real>(K, Real(0)));
    for (std::size_t k = 0; k < K; ++k) {
      J[k][k] = alpha[k];
      V[k][k] = 1;
      if (k + 1 < K) J[k][k + 1] = J[k + 1][k] = offdiag[k];
    }
    for (int sweep = 0; sweep < 100; ++sweep) {
      Real off = 0;
      for (std::size_t i = 0; i < K; ++i)
        for (std::size_t j = i + 1; j < K; ++j) off += J[i][j] * J[i][j];
      if (!(off > std::numeric_limits<Real>::min())) break;
      for (std::size_t i = 0; i < K; ++i)
        for (std::size_t j = i + 1; j < K; ++j) {
          if (J[i][j] == 0) continue;
          using std::abs;
          const Real theta = (J[j][j] - J[i][i]) / (2 * J[i][j]);
          const Real tn = (theta >= 0 ? 1 : -1) / (abs(theta) + sqrt(theta * theta + 1));
          const Real c = 1 / sqrt(tn * tn + 1), s = tn * c;
          for (std::size_t r = 0; r < K; ++r) {
            const Real a = J[r][i], b = J[r][j];
            J[r][i] = c * a - s * b;
            J[r][j] = s * a + c * b;
          }
          for (std::size_t r = 0; r < K; ++r) {
            const Real a = J[i][r], b = J[j][r];
            J[i][r] = c * a - s * b;
            J[j][r] = s * a + c * b;
          }
          for (std::size_t r = 0; r < K; ++r) {
            const Real a = V[r][i], b = V[r][j];
            V[r][i] = c * a - s * b;
            V[r][j] = s * a + c * b;
          }
        }
    }
    std::vector<target_energy_node<Real>> rule(K);
    for (std::size_t k = 0; k < K; ++k) rule[k] = {exp(J[k][k]), total * V[0][k] * V[0][k]};
    std::sort(rule.begin(), rule.end(), [](const auto& a, const auto& b) { return a.x_MeV < b.x_MeV; });
    return rule;
  }

  /// rho(x) [MeV^-1] (0 for x <= 0).
  Real density_per_MeV(Real x_MeV) const {
    detail::require_not_nan("nusi::target_energy_distribution::density_per_MeV", "x_MeV", x_MeV);
    if (!(x_MeV > 0) || x_MeV < x_min_ || !(x_MeV < x_max_)) return Real(0);
    const Real P = momentum_of(x_MeV);
    return x_MeV * W(P) / (2 * N_);
  }
  /// int_{x1}^{x2} rho(x)/x dx [MeV^-1] over the whole distribution (a restricted part's window ignored; 0 unless
  /// x1 < x2 inside the support): the weight of the target energies in [x1, x2] at a narrow resonance, the inner
  /// integral of the pole moments with the order of integration swapped (bin_averages.hpp). For m = 0 in closed form,
  /// T^2 (F_1(-x1/2T) - F_1(-x2/2T))/N (F_1 from its table); for m > 0 from quintic Hermite tables in P of the two
  /// branches' tails, int from x to the support's nearer end (values, first and second derivatives at W's edges; the
  /// values by 6-point Gauss of W's interpolant), so that a difference far in either tail keeps its digits.
  Real inverse_x_integral_per_MeV(Real x1_MeV, Real x2_MeV) const {
    using std::max;
    using std::min;
    const Real x1 = max(x1_MeV, x_min_whole_), x2 = min(x2_MeV, x_max_whole_);
    if (!(x2 > x1)) return Real(0);
    if (m_ == 0) {
      const auto& F1 = detail::fermi_dirac_one_table<Real>::instance();
      return T2_over_N_ * (F1(x1 * inverse_2T_) - F1(x2 * inverse_2T_));
    }
    if (x1 >= m_) return branch_tail(x1, true) - branch_tail(x2, true);
    if (x2 <= m_) return branch_tail(x2, false) - branch_tail(x1, false);
    return (lower_tail_at_cusp_ - branch_tail(x1, false)) + (upper_tail_at_cusp_ - branch_tail(x2, true));
  }
  /// inverse_x_integral_per_MeV(x1[i], x2[i]) into out[i] for i < n: the same values bit for bit (four at a time where
  /// use_avx2()).
  void inverse_x_integrals_per_MeV(const Real* x1, const Real* x2, Real* out, std::size_t n) const {
    std::size_t i = 0;
#if (defined(__GNUC__) || defined(__clang__)) && defined(__x86_64__)
    if constexpr (std::is_same_v<Real, double>)
      if (detail::use_avx2()) i = m_ == 0 ? inverse_x_integrals_avx2<false>(x1, x2, out, n) : inverse_x_integrals_avx2<true>(x1, x2, out, n);
#endif
    for (; i < n; ++i) out[i] = inverse_x_integral_per_MeV(x1[i], x2[i]);
  }
  /// d(rho/x)/dx [MeV^-3] (0 outside the support; at x = m, the upper branch's).
  Real density_over_x_slope_per_MeV3(Real x_MeV) const {
    if (!(x_MeV > x_min_) || !(x_MeV < x_max_)) return Real(0);
    const bool upper = x_MeV >= m_;
    const Real P = momentum_of(x_MeV);
    const Real dP_dx = (upper ? Real(1) : Real(-1)) * (1 + m_ * m_ / (x_MeV * x_MeV)) / 2;
    return -g(P) * dP_dx / (2 * N_);  // W' = -g
  }

  /// W(P) = int_P^inf p f(p)/sqrt(p^2 + m^2) dp [MeV], cubic Hermite between the tabulated edges (W' = -p f/E_P known).
  Real W(Real P) const {
    using std::log1p;
    using std::exp;
    if (!(P < edges_.back())) return Real(0);
    if (m_ == 0) return T_ * log1p(exp(-P / T_));
    const std::size_t k = interval(P);
    const Real a = edges_[k], b = edges_[k + 1], h = b - a, t = (P - a) / h;
    const Real da = -G_[k] * h, db = -G_[k + 1] * h;
    const Real t2 = t * t, t3 = t2 * t;
    return (2 * t3 - 3 * t2 + 1) * W_[k] + (t3 - 2 * t2 + t) * da + (-2 * t3 + 3 * t2) * W_[k + 1] + (t3 - t2) * db;
  }

 private:
#if (defined(__GNUC__) || defined(__clang__)) && defined(__x86_64__)
  // inverse_x_integral_per_MeV in four lanes (Massive: m > 0), the same operations, as many whole quadruples as n holds;
  // returns how many were done. The boxes cut to the support; a lane whose box is empty gives 0 (evaluated at the
  // support's ends, its value then replaced).
  template <bool Massive>
  NUSI_TARGET_AVX2 std::size_t inverse_x_integrals_avx2(const double* x1, const double* x2, double* out, std::size_t n) const
    requires std::is_same_v<Real, double>
  {
    using detail::any4, detail::broadcast4, detail::double4, detail::load4, detail::mask4, detail::select4, detail::store4, detail::to_mask4;
    const double4 lo = broadcast4(x_min_whole_), hi = broadcast4(x_max_whole_), zero = broadcast4(0);
    std::size_t i = 0;
    for (; i + 4 <= n; i += 4) {
      double4 a = load4(x1 + i), b = load4(x2 + i);
      a = select4(to_mask4(a < lo), lo, a);  // std::max(x1, lo) and std::min(x2, hi), as the scalar path
      b = select4(to_mask4(hi < b), hi, b);
      const mask4 inside = to_mask4(b > a);
      if (!any4(inside)) {
        store4(out + i, zero);
        continue;
      }
      a = select4(inside, a, lo);
      b = select4(inside, b, hi);
      const double4 value = Massive ? massive_boxes4(a, b) : massless_boxes4(a, b);
      store4(out + i, select4(inside, value, zero));
    }
    return i;
  }
  // m = 0: T^2 (F_1(-a/2T) - F_1(-b/2T))/N, F_1 from its table.
  NUSI_ALWAYS_INLINE NUSI_TARGET_AVX2 detail::double4 massless_boxes4(detail::double4 a, detail::double4 b) const
    requires std::is_same_v<Real, double>
  {
    using detail::broadcast4, detail::double4;
    const auto& F1 = detail::fermi_dirac_one_table<double>::instance();
    const double4 scale = broadcast4(inverse_2T_);
    return broadcast4(T2_over_N_) * (F1.four(a * scale) - F1.four(b * scale));
  }
  // m > 0: both ends on the upper branch (a >= m), both on the lower (b <= m), or across the cusp: a's tail on its
  // branch, b's on its own.
  NUSI_ALWAYS_INLINE NUSI_TARGET_AVX2 detail::double4 massive_boxes4(detail::double4 a, detail::double4 b) const
    requires std::is_same_v<Real, double>
  {
    using detail::broadcast4, detail::double4, detail::mask4, detail::select4, detail::to_mask4;
    const double4 m = broadcast4(m_);
    const mask4 a_upper = to_mask4(a >= m), b_upper = to_mask4(b > m);
    const double4 tail_a = branch_tails4(a, a_upper), tail_b = branch_tails4(b, b_upper);
    double4 value = (broadcast4(lower_tail_at_cusp_) - tail_a) + (broadcast4(upper_tail_at_cusp_) - tail_b);
    value = select4(~b_upper, tail_b - tail_a, value);
    return select4(a_upper, tail_a - tail_b, value);
  }
  // branch_tail in four lanes (lane l on the upper branch where upper[l] is set).
  NUSI_ALWAYS_INLINE NUSI_TARGET_AVX2 detail::double4 branch_tails4(detail::double4 x, detail::mask4 upper) const
    requires std::is_same_v<Real, double>
  {
    using detail::broadcast4, detail::double4, detail::load4, detail::mask4, detail::select4, detail::to_mask4;
    const double4 m = broadcast4(m_);
    const double4 P = select4(to_mask4(x > m), (x - m) * (x + m), (m - x) * (m + x)) / (broadcast4(2) * x);  // momentum_of
    // In W's uniform range the interval follows from one multiplication (tail_interval's guess, taken where it holds P:
    // its corrections would not move it); any other lane as one at a time.
    const double4 start = broadcast4(uniform_start_);
    const mask4 uniform = to_mask4(P >= start) & to_mask4(P < broadcast4(edges_.back()));
    const double4 guess = select4(uniform, (P - start) * broadcast4(double(tail_split_) / uniform_step_), broadcast4(0));
    using int4 = int __attribute__((vector_size(16)));
    const int4 offset = __builtin_convertvector(guess, int4);  // truncation, as static_cast<std::size_t>
    const std::size_t intervals = tail_P_.size() - 1, first_uniform = uniform_index_ * tail_split_;
    static constexpr std::array<double, 6> none{};  // a lane at or beyond the table's end: 0
    std::array<const double*, 4> a{};
    std::array<double, 4> t{};
    for (std::size_t l = 0; l < 4; ++l) {
      a[l] = none.data();
      const double p = P[l];
      if (!(p < edges_.back())) continue;
      std::size_t k = std::min(first_uniform + static_cast<std::size_t>(offset[l]), intervals - 1);
      if (uniform[l] == 0 || p < tail_P_[k] || !(p < tail_P_[k + 1])) k = tail_interval(p);
      t[l] = (p - tail_P_[k]) * tail_inverse_width_[k];
      a[l] = (upper[l] != 0 ? upper_tail_coefficients_ : lower_tail_coefficients_).data() + 6 * k;
    }
    // The lanes' six coefficients as two rows of four (c0..c3 and c2..c5), transposed in registers.
    double4 c[6];
    {
      const double4 r0 = load4(a[0]), r1 = load4(a[1]), r2 = load4(a[2]), r3 = load4(a[3]);
      const double4 t0 = __builtin_shufflevector(r0, r1, 0, 4, 2, 6), t1 = __builtin_shufflevector(r0, r1, 1, 5, 3, 7);
      const double4 t2 = __builtin_shufflevector(r2, r3, 0, 4, 2, 6), t3 = __builtin_shufflevector(r2, r3, 1, 5, 3, 7);
      c[0] = __builtin_shufflevector(t0, t2, 0, 1, 4, 5);
      c[1] = __builtin_shufflevector(t1, t3, 0, 1, 4, 5);
      c[2] = __builtin_shufflevector(t0, t2, 2, 3, 6, 7);
      c[3] = __builtin_shufflevector(t1, t3, 2, 3, 6, 7);
      const double4 s0 = load4(a[0] + 2), s1 = load4(a[1] + 2), s2 = load4(a[2] + 2), s3 = load4(a[3] + 2);
      const double4 u0 = __builtin_shufflevector(s0, s1, 2, 6, 0, 4), u1 = __builtin_shufflevector(s0, s1, 3, 7, 1, 5);
      const double4 u2 = __builtin_shufflevector(s2, s3, 2, 6, 0, 4), u3 = __builtin_shufflevector(s2, s3, 3, 7, 1, 5);
      c[4] = __builtin_shufflevector(u0, u2, 0, 1, 4, 5);
      c[5] = __builtin_shufflevector(u1, u3, 0, 1, 4, 5);
    }
    const double4 t4{t[0], t[1], t[2], t[3]};
    return c[0] + t4 * (c[1] + t4 * (c[2] + t4 * (c[3] + t4 * (c[4] + t4 * c[5]))));
  }
#endif
  // The edge interval [edges_[k], edges_[k + 1]) holding P < edges_.back(): above T/4 the edges are uniform (step T/16)
  // and the interval follows directly; below, binary search.
  std::size_t interval(Real P) const {
    std::size_t k = 0;
    if (P >= uniform_start_) {
      k = uniform_index_ + static_cast<std::size_t>((P - uniform_start_) / uniform_step_);
      k = std::min(k, edges_.size() - 2);
      while (k + 2 < edges_.size() && !(P < edges_[k + 1])) ++k;
      while (k > 0 && P < edges_[k]) --k;
    } else {
      k = static_cast<std::size_t>(std::upper_bound(edges_.begin(), edges_.end(), P) - edges_.begin()) - 1;
    }
    return std::min(k, edges_.size() - 2);
  }
  // The tails of int rho/x on the two branches (m > 0) as functions of P: upper, from x_+(P) to the support's upper end;
  // lower, from its lower end to x_-(P). Both fall from P = 0 (x = m) to 0 at the table's end. With x_+- = E_P +- P,
  // dx/dP = +-x/E_P: dT/dP = -W x/(2N E_P) and d2T/dP2 = -(W' x/E_P + W d(x/E_P)/dP)/(2N), d(x_+-/E_P)/dP = +-m^2/E_P^3,
  // W and W' of W's interpolant (the density's). Tabulated at W's edges, each interval split in tail_split_ (4 where
  // m < 8T: x/E_P then varies over m, and the quintic's error, ~h^6 (x/E)^(5) W, reached 1e-8 of a 0.2 % box at m = 0.6T
  // with W's edges alone); per interval the quintic Hermite interpolant through the values and derivatives at its ends,
  // kept as six coefficients in powers of t = (P - P_k)/h_k.
  void build_inverse_x_tails() {
    using rule = boost::math::quadrature::gauss<Real, 6>;
    tail_split_ = m_ < 8 * T_ ? 4 : 1;
    const std::size_t n = (edges_.size() - 1) * tail_split_ + 1;
    tail_P_.resize(n);
    for (std::size_t k = 0; k + 1 < edges_.size(); ++k)
      for (std::size_t j = 0; j < tail_split_; ++j)
        tail_P_[k * tail_split_ + j] = edges_[k] + (edges_[k + 1] - edges_[k]) * Real(j) / Real(tail_split_);
    tail_P_.back() = edges_.back();
    tail_inverse_width_.resize(n - 1);
    for (std::size_t k = 0; k + 1 < n; ++k) tail_inverse_width_[k] = 1 / (tail_P_[k + 1] - tail_P_[k]);
    std::vector<Real> tail(n), piece(n - 1), d1(n), d2(n);
    for (bool upper : {true, false}) {
      auto x_of = [&](Real P) { return upper ? P + energy(P) : m_ * m_ / (P + energy(P)); };
      tail[n - 1] = 0;
      for (std::size_t k = n - 1; k-- > 0;) {
        piece[k] = rule::integrate([&](Real P) { return W(P) * x_of(P) / (2 * N_ * energy(P)); }, tail_P_[k], tail_P_[k + 1]);
        tail[k] = tail[k + 1] + piece[k];
      }
      for (std::size_t k = 0; k < n; ++k) {
        const Real P = tail_P_[k], E = energy(P), x = x_of(P), curvature = (upper ? 1 : -1) * m_ * m_ / (E * E * E);
        d1[k] = -W(P) * x / (2 * N_ * E);
        d2[k] = -(W_slope(P) * x / E + W(P) * curvature) / (2 * N_);
      }
      (upper ? upper_tail_at_cusp_ : lower_tail_at_cusp_) = tail[0];
      std::vector<Real>& c = upper ? upper_tail_coefficients_ : lower_tail_coefficients_;
      c.resize(6 * (n - 1));
      for (std::size_t k = 0; k + 1 < n; ++k) {
        // The quintic Hermite basis in powers of t: values Q, slopes h Q', curvatures h^2 Q'' at t = 0 and 1.
        const Real h = tail_P_[k + 1] - tail_P_[k];
        const Real q0 = tail[k], s0 = h * d1[k], c0 = h * h * d2[k], s1 = h * d1[k + 1], c1 = h * h * d2[k + 1];
        const Real dq = -piece[k];  // q1 - q0 without the rounding of the two sums
        Real* a = c.data() + 6 * k;
        a[0] = q0;
        a[1] = s0;
        a[2] = c0 / 2;
        a[3] = 10 * dq - 6 * s0 - 4 * s1 - Real(1.5L) * c0 + c1 / 2;
        a[4] = -15 * dq + 8 * s0 + 7 * s1 + Real(1.5L) * c0 - c1;
        a[5] = 6 * dq - 3 * s0 - 3 * s1 - c0 / 2 + c1 / 2;
      }
    }
  }
  // W's interpolant's slope (-g at the edges): the tails' second derivatives must be those of the interpolant they
  // integrate.
  Real W_slope(Real P) const {
    const std::size_t k = interval(P);
    const Real a = edges_[k], h = edges_[k + 1] - a, t = (P - a) / h;
    const Real da = -G_[k] * h, db = -G_[k + 1] * h, t2 = t * t;
    return ((6 * t2 - 6 * t) * W_[k] + (3 * t2 - 4 * t + 1) * da + (-6 * t2 + 6 * t) * W_[k + 1] + (3 * t2 - 2 * t) * db) / h;
  }
  // A branch's tail at x on it: the interval of P (directly where W's edges are uniform, by bisection below), then the
  // interval's quintic by Horner.
  Real branch_tail(Real x, bool upper) const {
    const Real P = momentum_of(x);  // @pre x on the branch (x >= m upper, x <= m lower)
    if (!(P < edges_.back())) return Real(0);
    const std::size_t k = tail_interval(P);
    const Real t = (P - tail_P_[k]) * tail_inverse_width_[k];
    const Real* a = (upper ? upper_tail_coefficients_ : lower_tail_coefficients_).data() + 6 * k;
    return a[0] + t * (a[1] + t * (a[2] + t * (a[3] + t * (a[4] + t * a[5]))));
  }
  // The tail table's interval [tail_P_[k], tail_P_[k + 1]) holding P < edges_.back().
  std::size_t tail_interval(Real P) const {
    const std::size_t intervals = tail_P_.size() - 1, first_uniform = uniform_index_ * tail_split_;
    std::size_t k = 0;
    if (P >= uniform_start_) {
      k = first_uniform + static_cast<std::size_t>((P - uniform_start_) * (Real(tail_split_) / uniform_step_));
      k = std::min(k, intervals - 1);
      while (k + 1 < intervals && !(P < tail_P_[k + 1])) ++k;
      while (k > first_uniform && P < tail_P_[k]) --k;
    } else {
      const auto end = tail_P_.begin() + static_cast<std::ptrdiff_t>(first_uniform + 1);
      k = static_cast<std::size_t>(std::upper_bound(tail_P_.begin(), end, P) - tail_P_.begin());
      k = k > 0 ? k - 1 : 0;
    }
    return k;
  }

  // The Gauss rule over x in [x_min_, x_max_]: both branches x_+ >= m >= x_-, 6 Gauss points per P-interval (the
  // intervals cut to the window), rho dx = W x^2/(2 N E_P) dP. Weights divided by the whole rule's total (computed here
  // when `whole` is unset), so that a restricted part keeps its share.
  void build_rule(std::optional<Real> whole) {
    using std::sqrt;
    using rule = boost::math::quadrature::gauss<Real, 6>;
    const auto& abscissa = rule::abscissa();
    const auto& weights = rule::weights();
    nodes_.clear();
    auto add = [&](Real P, Real w, bool upper) {
      const Real E = energy(P), Wp = W(P);
      const Real x = upper ? P + E : m_ * m_ / (P + E);  // sqrt(P^2 + m^2) -/+ P without cancellation
      nodes_.push_back({x, w * Wp * x * x / (2 * N_ * E)});
    };
    // Rule intervals in P: [0, scale/8], doubling up to 2T, then doubling up to 64T.
    const Real scale = m_ > 0 ? std::min(m_, T_) : T_;
    std::vector<Real> cuts{Real(0)};
    Real p = scale / 8;
    while (p < 2 * T_) {
      cuts.push_back(p);
      p *= 2;
    }
    for (int k = 1; k <= 32; k *= 2) cuts.push_back(Real(2 * k) * T_);  // 2T, 4T, ..., 64T
    const bool whole_support = !whole;
    for (std::size_t k = 0; k + 1 < cuts.size(); ++k)
      for (bool upper : {true, false}) {
        if (!upper && !(m_ > 0)) continue;
        Real a = cuts[k], b = cuts[k + 1];
        if (!whole_support) {  // the P-range of this branch inside the window [x_min_, x_max_]
          const Real xa = upper ? a + energy(a) : m_ * m_ / (a + energy(a));
          const Real xb = upper ? b + energy(b) : m_ * m_ / (b + energy(b));
          const Real lo = std::max(std::min(xa, xb), x_min_), hi = std::min(std::max(xa, xb), x_max_);
          if (!(hi > lo)) continue;
          const Real Plo = upper ? (lo > m_ ? momentum_of(lo) : Real(0)) : (hi < m_ ? momentum_of(hi) : Real(0));
          const Real Phi = upper ? momentum_of(hi) : momentum_of(lo);
          a = std::max(a, Plo);
          b = std::min(b, Phi);
          if (!(b > a)) continue;
        }
        const Real mid = (a + b) / 2, half = (b - a) / 2;
        for (std::size_t q = 0; q < abscissa.size(); ++q) {
          const Real w = weights[q] * half;
          if (abscissa[q] == 0) {
            add(mid, w, upper);
          } else {
            add(mid + half * abscissa[q], w, upper);
            add(mid - half * abscissa[q], w, upper);
          }
        }
      }
    std::sort(nodes_.begin(), nodes_.end(), [](const auto& a, const auto& b) { return a.x_MeV < b.x_MeV; });
    Real total = 0, first = 0, second = 0;
    for (const auto& node : nodes_) {
      total += node.weight;
      first += node.weight * node.x_MeV;
      second += node.weight * node.x_MeV * node.x_MeV;
    }
    total_ = whole ? *whole : total;
    mean_ = total > 0 ? first / total : (x_min_ + x_max_) / 2;
    using std::max;
    standard_deviation_ = total > 0 ? sqrt(max(Real(0), second / total - mean_ * mean_)) : Real(0);
    for (auto& node : nodes_) node.weight /= total_;  // unit normalised to rounding (the rule's error is ~1e-12)
    probability_ = whole ? total / total_ : Real(1);
    smooth_nodes_ = nodes_.empty() ? nodes_ : gauss_nodes(16);
  }

  // P of a target energy on either branch, |x^2 - m^2|/(2x), without cancellation.
  Real momentum_of(Real x) const { return (x > m_ ? (x - m_) * (x + m_) : (m_ - x) * (m_ + x)) / (2 * x); }
  Real energy(Real P) const {
    using std::sqrt;
    return sqrt(P * P + m_ * m_);
  }
  // p f(p)/sqrt(p^2 + m^2), f = 1/(e^(p/T) + 1) in the overflow-safe form.
  Real g(Real p) const {
    const Real E = energy(p);
    if (!(E > 0)) return detail::fermi_occupation(Real(0));
    return p / E * detail::fermi_occupation(p / T_);
  }
  Real integral_g(Real a, Real b) const {
    return boost::math::quadrature::gauss<Real, 10>::integrate([this](Real p) { return g(p); }, a, b);
  }

  Real m_, T_, N_ = 0, T2_over_N_ = 0, inverse_2T_ = 0, mean_ = 0, standard_deviation_ = 0, normalisation_error_ = 0, total_ = 1, probability_ = 1;
  Real x_max_ = 0, x_min_ = 0, x_max_whole_ = 0, x_min_whole_ = 0, uniform_start_ = 0, uniform_step_ = 1;
  std::size_t uniform_index_ = 0;
  std::vector<Real> edges_, W_, G_;  // G_ = g at the edges
  // The branches' tails of int rho/x (m > 0): their P-grid (W's edges, split), its inverse widths, six coefficients per
  // interval and branch, and the tails at the cusp (P = 0: the whole branch).
  std::vector<Real> tail_P_, tail_inverse_width_, upper_tail_coefficients_, lower_tail_coefficients_;
  Real upper_tail_at_cusp_ = 0, lower_tail_at_cusp_ = 0;
  std::size_t tail_split_ = 1;
  std::vector<target_energy_node<Real>> nodes_, smooth_nodes_;
};

}  // namespace nusi
