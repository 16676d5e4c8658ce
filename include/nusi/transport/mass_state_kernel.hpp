// SPDX-License-Identifier: MIT
// The scattering operator of the coupled mass states on the energy grid (docs/physics.md, "Transport of mass states"):
// state (energy node, species = mass state x kind), d f/dr = A f with A lower-triangular in energy and small dense
// species blocks per pair of nodes. Products land by the fixed-pivot hats (number and energy exact per quadrature
// point); budgets close by construction. The paper's single-species operator is kernel.hpp's energy_kernel.
#pragma once

#include <algorithm>
#include <array>
#include <atomic>
#include <cmath>
#include <complex>
#include <cstddef>
#include <exception>
#include <limits>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include <boost/math/quadrature/gauss.hpp>

#include "../detail/default_init_allocator.hpp"
#include "../detail/wide_vectors.hpp"
#include "../errors.hpp"
#include "../mass_states/bin_averages.hpp"
#include "../mass_states/relic_background.hpp"
#include "../mass_states/scattering.hpp"
#include "../mass_states/setup.hpp"
#include "../parallel.hpp"
#include "../units.hpp"
#include "grid.hpp"
#include "kernel.hpp"

namespace nusi {

/// Numerical settings of the mass-state kernel.
template <class Real>
struct mass_state_kernel_options {
  /// Target energies standing for a thermal relic in the energy shapes of the products (Gauss rule in ln x,
  /// target_energy_distribution::gauss_nodes); the rates use the full distribution.
  std::size_t thermal_shape_nodes = 6;
  /// The same for a narrow thermal state, whose target energies spread by at most thermal_shape_narrow_spread of their
  /// mean (target_energy_distribution::standard_deviation_MeV over mean_MeV; the massless state spreads by 0.68, 8.6
  /// meV by 0.04, 50 meV by 0.007): a Gauss rule in ln x over a narrow spread converges with fewer nodes (validated in
  /// docs/validation.md, "Target energies of narrow thermal states"). 0 spread: every thermal state takes
  /// thermal_shape_nodes.
  std::size_t thermal_shape_nodes_narrow = 3;
  Real thermal_shape_narrow_spread = Real(0.1L);
  /// Fewest Gauss-Legendre points on a piece of the products' energy shapes, 2 or 3. With 2, a piece narrower than
  /// 0.002 of its distance to the poles y = -a, 1 + a takes 2 points (the hat shares within ~6e-10 of the piece's pole
  /// terms, measured against exact integrals of 1/x and 1/x^2); 3 is the finer rule (~5e-11 up to 0.03 of the distance).
  std::size_t fewest_gauss_points = 2;
  /// A thermal state's target energies (scalar mediator, not the s-channel alone) deposit their products' shapes
  /// together: summed at each quadrature point, each piece's rule set by the target nearest its pole (at least as fine
  /// as each target's own), so the intervals are sorted and the hats deposited once per state instead of once per
  /// target. false takes the targets one by one (the check: the same kernel within the rules' accuracy).
  bool target_energies_together = true;
  /// Energy-angle kernel only: a thermal state's targets are split into this many parts of equal probability in the
  /// target energy x (target_energy_distribution::equal_probability_edges_MeV), each with its own kernel (its rates
  /// weight x by rho(x) sigma(s(x)) inside the part) and each deflecting its products by the part's mean x.
  std::size_t thermal_angle_parts = 4;
  /// Energy-angle kernel only: a thermal state whose target energies spread by at most this fraction of their mean
  /// (target_energy_distribution::standard_deviation_MeV over mean_MeV) takes one part (its collisions' mean x turns
  /// them: the spread changes a turn ~ sqrt(x) by ~ its square / 8, 1.2e-3 at 0.1). The massless state spreads by 0.68,
  /// 8.6 meV by 0.04. 0 splits every thermal state.
  Real thermal_angle_one_part_spread = Real(0.1L);
  /// Also compute the collision-weighted mean target energy per node and species (mean_target_energy_MeV: the
  /// energy-angle kernel's turn of a thermal part's products); costs a second thermal pole average per bin.
  bool mean_target_energies = false;
  /// Not the kernel's own setting: the energy-only transport of the mass states (mass_state_fractions_above_threshold,
  /// mass_state_propagate) holds a kind-symmetric operator as partner halves (mass_state_halves_operator: half the
  /// multiplications of each solve); false keeps the kernel's species blocks (the same results to rounding: the check).
  bool kind_halves = true;
};

namespace detail {
/// The kernel's numerical settings checked by name (`name`: how the caller calls them, e.g. "options").
/// @throws nusi::invalid_argument naming the setting and its value.
template <class Real>
void validate_kernel_options(std::string_view fn, const std::string& name, const mass_state_kernel_options<Real>& options) {
  if (options.thermal_shape_nodes < 1 || options.thermal_shape_nodes > 16)
    throw_invalid(fn, name + ".thermal_shape_nodes", "in [1, 16]", options.thermal_shape_nodes);
  if (options.thermal_shape_nodes_narrow < 1 || options.thermal_shape_nodes_narrow > 16)
    throw_invalid(fn, name + ".thermal_shape_nodes_narrow", "in [1, 16]", options.thermal_shape_nodes_narrow);
  if (!(options.thermal_shape_narrow_spread >= 0) || !(options.thermal_shape_narrow_spread < std::numeric_limits<Real>::infinity()))
    throw_invalid(fn, name + ".thermal_shape_narrow_spread", "finite and >= 0", options.thermal_shape_narrow_spread);
  if (options.fewest_gauss_points != 2 && options.fewest_gauss_points != 3)
    throw_invalid(fn, name + ".fewest_gauss_points", "2 or 3", options.fewest_gauss_points);
}

/// Gauss-Legendre nodes and weights on [0, 1] for n = 2, 3, 5, 8.
template <class Real>
struct unit_gauss {
  std::vector<Real> x, w;
};
template <class Real, std::size_t N>
unit_gauss<Real> make_unit_gauss() {
  using rule = boost::math::quadrature::gauss<Real, N>;
  unit_gauss<Real> g;
  const auto& a = rule::abscissa();
  const auto& w = rule::weights();
  for (std::size_t q = 0; q < a.size(); ++q) {
    if (a[q] == 0) {
      g.x.push_back(Real(1) / 2);
      g.w.push_back(w[q] / 2);
    } else {
      g.x.push_back((1 - a[q]) / 2);
      g.w.push_back(w[q] / 2);
      g.x.push_back((1 + a[q]) / 2);
      g.w.push_back(w[q] / 2);
    }
  }
  return g;
}
template <class Real>
const unit_gauss<Real>& unit_gauss_rule(int n) {
  static const unit_gauss<Real> g2 = make_unit_gauss<Real, 2>(), g3 = make_unit_gauss<Real, 3>(),
                                 g5 = make_unit_gauss<Real, 5>(), g8 = make_unit_gauss<Real, 8>();
  switch (n) {
    case 2: return g2;
    case 3: return g3;
    case 5: return g5;
    default: return g8;
  }
}

/// |re| + |im| (|x| for a real x): the pivot choice of dense_solve, within a factor sqrt 2 of the modulus and without a
/// square root.
template <class Real>
Real pivot_size(const std::complex<Real>& z) {
  using std::abs;
  return abs(z.real()) + abs(z.imag());
}
template <class Real>
Real pivot_size(Real x) {
  using std::abs;
  return abs(x);
}

/// Small dense solve A x = b (n <= 16) by Gaussian elimination with partial pivoting (the pivot of largest
/// |re| + |im|), each pivot's reciprocal taken once (Smith's division); A and b are overwritten. FixedN > 0 fixes n at
/// compile time (the loops unrolled).
template <std::size_t FixedN = 0, class Scalar>
void dense_solve(Scalar* A, Scalar* b, std::size_t n_runtime) {
  const std::size_t n = FixedN > 0 ? FixedN : n_runtime;
  Scalar inverse_pivot[16];
  for (std::size_t c = 0; c < n; ++c) {
    std::size_t p = c;
    auto best = pivot_size(A[c * n + c]);
    for (std::size_t r = c + 1; r < n; ++r) {
      const auto size = pivot_size(A[r * n + c]);
      if (size > best) {
        p = r;
        best = size;
      }
    }
    if (p != c) {
      for (std::size_t k = c; k < n; ++k) std::swap(A[c * n + k], A[p * n + k]);  // columns < c are no longer read
      std::swap(b[c], b[p]);
    }
    const Scalar inverse = divide(Scalar(1), A[c * n + c]);
    inverse_pivot[c] = inverse;
    for (std::size_t r = c + 1; r < n; ++r) {
      const Scalar f = A[r * n + c] * inverse;
      if (f == Scalar(0)) continue;
      for (std::size_t k = c + 1; k < n; ++k) A[r * n + k] -= f * A[c * n + k];
      b[r] -= f * b[c];
    }
  }
  for (std::size_t c = n; c-- > 0;) {
    Scalar sum = b[c];
    for (std::size_t k = c + 1; k < n; ++k) sum -= A[c * n + k] * b[k];
    b[c] = sum * inverse_pivot[c];
  }
}

/// Four S-species systems M_l x_l = b_l, l < 4, with M_l[r][c] = -D[c * S + r] + (shift[l] + loss[r]) delta_rc (D the
/// mass-state kernel's node block of gains, D^T = A_kk + diag(loss): M_l = shift[l] I - A_kk; or a block of partner
/// halves, S = 3), solved in four lanes (AVX2): per lane the operations of dense_solve<S> on M_l as the kernel builds it
/// (complex products as std::complex forms them, Smith's reciprocal of each pivot, a row whose factor is zero left
/// alone), so the same values bit for bit. Returns false, writing nothing, if a
/// lane's pivot search would swap rows (dense_solve then solves those systems). b and x hold lane l of species s at
/// [s * stride + l]. With lanes < 4 systems, the last one fills the lanes left (solved, not written).
template <std::size_t S>
NUSI_TARGET_AVX2 bool shifted_solve_lanes_avx2(const double* D, const double* loss, const std::complex<double>* shift,
                                               const std::complex<double>* b, std::size_t stride, std::complex<double>* x,
                                               std::size_t lanes = 4) {
#if (defined(__GNUC__) || defined(__clang__)) && defined(__x86_64__)  // double4
  double4 Are[S][S], Aim[S][S], bre[S], bim[S], ire[S], iim[S], shift_re, shift_im;
  if (lanes < 1 || lanes > 4) return false;
  for (std::size_t l = 0; l < 4; ++l) {
    shift_re[l] = shift[std::min(l, lanes - 1)].real();
    shift_im[l] = shift[std::min(l, lanes - 1)].imag();
  }
  const double4 zero = broadcast4(0), one = broadcast4(1);
  for (std::size_t r = 0; r < S; ++r) {
    for (std::size_t c = 0; c < S; ++c) {
      Are[r][c] = broadcast4(-D[c * S + r]);
      Aim[r][c] = zero;
    }
    Are[r][r] = Are[r][r] + (shift_re + broadcast4(loss[r]));
    Aim[r][r] = Aim[r][r] + shift_im;
    for (std::size_t l = 0; l < 4; ++l) {
      bre[r][l] = b[r * stride + std::min(l, lanes - 1)].real();
      bim[r][l] = b[r * stride + std::min(l, lanes - 1)].imag();
    }
  }
  for (std::size_t c = 0; c < S; ++c) {
    const double4 diagonal_size = abs4(Are[c][c]) + abs4(Aim[c][c]);
    for (std::size_t r = c + 1; r < S; ++r)
      if (any4(to_mask4(abs4(Are[r][c]) + abs4(Aim[r][c]) > diagonal_size))) return false;
    // Smith's 1/(br + i bi) (divide with a = 1 + 0i), both branches, then the one |br| >= |bi| picks.
    const double4 br = Are[c][c], bi = Aim[c][c];
    const double4 r1 = bi / br, d1 = br + bi * r1, r2 = br / bi, d2 = bi + br * r2;
    const mask4 first = to_mask4(abs4(br) >= abs4(bi));
    ire[c] = select4(first, (one + zero * r1) / d1, (one * r2 + zero) / d2);
    iim[c] = select4(first, (zero - one * r1) / d1, (zero * r2 - one) / d2);
    for (std::size_t r = c + 1; r < S; ++r) {
      const double4 fre = Are[r][c] * ire[c] - Aim[r][c] * iim[c], fim = Are[r][c] * iim[c] + Aim[r][c] * ire[c];
      const mask4 skip = to_mask4(fre == zero) & to_mask4(fim == zero);
      for (std::size_t q = c + 1; q < S; ++q) {
        const double4 pre = fre * Are[c][q] - fim * Aim[c][q], pim = fre * Aim[c][q] + fim * Are[c][q];
        Are[r][q] = select4(skip, Are[r][q], Are[r][q] - pre);
        Aim[r][q] = select4(skip, Aim[r][q], Aim[r][q] - pim);
      }
      const double4 pre = fre * bre[c] - fim * bim[c], pim = fre * bim[c] + fim * bre[c];
      bre[r] = select4(skip, bre[r], bre[r] - pre);
      bim[r] = select4(skip, bim[r], bim[r] - pim);
    }
  }
  for (std::size_t c = S; c-- > 0;) {
    double4 sre = bre[c], sim = bim[c];
    for (std::size_t q = c + 1; q < S; ++q) {
      sre = sre - (Are[c][q] * bre[q] - Aim[c][q] * bim[q]);
      sim = sim - (Are[c][q] * bim[q] + Aim[c][q] * bre[q]);
    }
    bre[c] = sre * ire[c] - sim * iim[c];
    bim[c] = sre * iim[c] + sim * ire[c];
  }
  for (std::size_t s = 0; s < S; ++s)
    for (std::size_t l = 0; l < lanes; ++l) x[s * stride + l] = {bre[s][l], bim[s][l]};
  return true;
#else
  (void)D, (void)loss, (void)shift, (void)b, (void)stride, (void)x, (void)lanes;
  return false;
#endif
}
/// Partners' values equal up to the order of the sums that made them (16 units in the last place): the Dirac scalar's
/// sums over the relic populations run in the partner's order reversed (4.3e-16 relative at most, measured).
template <class Real>
bool partners_equal(Real a, Real b) {
  using std::abs;
  return abs(a - b) <= 16 * std::numeric_limits<Real>::epsilon() * std::max(abs(a), abs(b));
}

/// The partners' halves of one species block B (2H species, partners 2h and 2h + 1; B[sp * 2H + s] the gain into s per
/// unit density of sp): plus[h' * H + h] = P + Q and minus[h' * H + h] = P - Q, P the mean of the gains 2h' -> 2h and
/// 2h' + 1 -> 2h + 1, Q of 2h' -> 2h + 1 and 2h' + 1 -> 2h (each x itself where the two are equal: (x + x)/2). False if
/// an entry differs from its partner's (partners_equal); the halves are then partly written. FH > 0 fixes H at compile
/// time.
template <std::size_t FH, class Real>
bool kind_half_block(const Real* B, std::size_t H_runtime, Real* plus, Real* minus) {
  const std::size_t H = FH > 0 ? FH : H_runtime, S = 2 * H;
  for (std::size_t hp = 0; hp < H; ++hp)
    for (std::size_t h = 0; h < H; ++h) {
      const Real same = B[2 * hp * S + 2 * h], other = B[2 * hp * S + 2 * h + 1];
      const Real same_partner = B[(2 * hp + 1) * S + 2 * h + 1], other_partner = B[(2 * hp + 1) * S + 2 * h];
      if (!partners_equal(same, same_partner) || !partners_equal(other, other_partner)) return false;
      const Real P = (same + same_partner) / 2, Q = (other + other_partner) / 2;
      plus[hp * H + h] = P + Q;
      minus[hp * H + h] = P - Q;
    }
  return true;
}

#if (defined(__GNUC__) || defined(__clang__)) && defined(__x86_64__)  // double4
/// Lanes where partners_equal(a, b) fails (tolerance = 16 eps in every lane): the same comparison per lane.
NUSI_ALWAYS_INLINE NUSI_TARGET_AVX2 mask4 partners_far4(double4 a, double4 b, double4 tolerance) {
  const double4 size_a = abs4(a), size_b = abs4(b);
  const double4 bound = tolerance * select4(to_mask4(size_a < size_b), size_b, size_a);
  return ~to_mask4(abs4(a - b) <= bound);
}
#endif

/// The six-species systems of the kernel's node blocks (shifted_solve_lanes_avx2<6>).
NUSI_TARGET_AVX2 inline bool shifted_solve_lanes6_avx2(const double* D, const double* loss, const std::complex<double>* shift,
                                                     const std::complex<double>* b, std::size_t stride, std::complex<double>* x,
                                                     std::size_t lanes = 4) {
  return shifted_solve_lanes_avx2<6>(D, loss, shift, b, stride, x, lanes);
}

/// One destination's sums of a block forward substitution in L real lanes: a[s * W + l] += sum over the source nodes
/// b < count (in order) and their species sp (in order) of B[b * S * S + sp * S + s] x[b * node_stride + sp * W + l], l
/// < L, with the S x L sums in registers. B: the S x S blocks of the sources above the destination, one after another
/// (gain_block_per_cm's layout: source species major); x: the first source's solution, lane-contiguous per species.
/// Real lanes: a complex solution is two (real_array). The portable and AVX2 forms are the same operations per lane.
template <std::size_t S, std::size_t L, class Real>
NUSI_ALWAYS_INLINE void substitute_lanes(const Real* B, std::size_t count, const Real* x, std::size_t node_stride, std::size_t W, Real* a) {
  Real sum[S][L];
  for (std::size_t s = 0; s < S; ++s)
    for (std::size_t l = 0; l < L; ++l) sum[s][l] = a[s * W + l];
  for (std::size_t b = 0; b < count; ++b, B += S * S, x += node_stride)
    for (std::size_t sp = 0; sp < S; ++sp) {
      Real v[L];
      for (std::size_t l = 0; l < L; ++l) v[l] = x[sp * W + l];
      for (std::size_t s = 0; s < S; ++s) {
        const Real c = B[sp * S + s];
        for (std::size_t l = 0; l < L; ++l) sum[s][l] += c * v[l];
      }
    }
  for (std::size_t s = 0; s < S; ++s)
    for (std::size_t l = 0; l < L; ++l) a[s * W + l] = sum[s][l];
}
template <std::size_t S, std::size_t L, class Real>
void substitute_lanes_portable(const Real* B, std::size_t count, const Real* x, std::size_t node_stride, std::size_t W, Real* a) {
  substitute_lanes<S, L>(B, count, x, node_stride, W, a);
}
template <std::size_t S, std::size_t L, class Real>
NUSI_TARGET_AVX2 void substitute_lanes_avx2(const Real* B, std::size_t count, const Real* x, std::size_t node_stride, std::size_t W, Real* a) {
#if (defined(__GNUC__) || defined(__clang__)) && defined(__x86_64__)  // double4
  if constexpr (std::is_same_v<Real, double> && L % 4 == 0) {
    // In four-double registers, written out: the compiler's own vectorisation of the loops spilled sums to memory.
    constexpr std::size_t V = L / 4;
    double4 sum[S][V];
    for (std::size_t s = 0; s < S; ++s)
      for (std::size_t q = 0; q < V; ++q) sum[s][q] = load4(a + s * W + 4 * q);
    for (std::size_t b = 0; b < count; ++b, B += S * S, x += node_stride)
      // Not unrolled over the sources: unrolled, six sources' offsets sp * W spill the sums (1.6x slower at 6 species).
#pragma GCC unroll 1
      for (std::size_t sp = 0; sp < S; ++sp) {
        double4 v[V];
        for (std::size_t q = 0; q < V; ++q) v[q] = load4(x + sp * W + 4 * q);
        for (std::size_t s = 0; s < S; ++s) {
          const double4 c = broadcast4(B[sp * S + s]);
          for (std::size_t q = 0; q < V; ++q) sum[s][q] += c * v[q];
        }
      }
    for (std::size_t s = 0; s < S; ++s)
      for (std::size_t q = 0; q < V; ++q) store4(a + s * W + 4 * q, sum[s][q]);
    return;
  }
#endif
  substitute_lanes<S, L>(B, count, x, node_stride, W, a);
}
/// A destination's substitution sums over all W lanes: sixteen (up to three species), eight, four, then one at a time.
template <std::size_t S, class Real>
void substitute_all_lanes(const Real* B, std::size_t count, const Real* x, std::size_t node_stride, std::size_t W, Real* a, bool wide) {
  std::size_t w = 0;
  if (wide) {
    if constexpr (S <= 3)  // three sums of sixteen lanes: twelve registers, as six species' of eight
      for (; w + 16 <= W; w += 16) substitute_lanes_avx2<S, 16>(B, count, x + w, node_stride, W, a + w);
    for (; w + 8 <= W; w += 8) substitute_lanes_avx2<S, 8>(B, count, x + w, node_stride, W, a + w);
    for (; w + 4 <= W; w += 4) substitute_lanes_avx2<S, 4>(B, count, x + w, node_stride, W, a + w);
    for (; w < W; ++w) substitute_lanes_avx2<S, 1>(B, count, x + w, node_stride, W, a + w);
  } else {
    if constexpr (S <= 3)
      for (; w + 16 <= W; w += 16) substitute_lanes_portable<S, 16>(B, count, x + w, node_stride, W, a + w);
    for (; w + 8 <= W; w += 8) substitute_lanes_portable<S, 8>(B, count, x + w, node_stride, W, a + w);
    for (; w + 4 <= W; w += 4) substitute_lanes_portable<S, 4>(B, count, x + w, node_stride, W, a + w);
    for (; w < W; ++w) substitute_lanes_portable<S, 1>(B, count, x + w, node_stride, W, a + w);
  }
}

/// Every basis shape at (y, z = 1 - y), a = M^2/A, beta = m^2/A (the same values as nusi::basis_shape), for the
/// product at p3 (`direct`, shape(y)) and at p4 (`mirror`, shape(1 - y): y and z swapped), with two divisions for all.
/// With `scalar_only` the vector-mediator entries are left unwritten.
template <class Real>
void all_basis_shapes_both(Real y, Real z, Real a, Real beta, Real inverse_A, Real* direct, Real* mirror, bool scalar_only = false) {
  using B = scattering_basis;
  const Real T = 1 / (z + a), V = 1 / (y + a);  // the mirror's T and V are V and T
  const Real yy = y * (y + beta), zz = z * (z + beta);
  auto fill = [inverse_A, scalar_only](Real y_, Real z_, Real T_, Real V_, Real yy_, Real zz_, Real* out) {
    out[std::size_t(B::s_ss)] = Real(1);
    out[std::size_t(B::s_tt)] = zz_ * T_ * T_;
    out[std::size_t(B::s_uu)] = yy_ * V_ * V_;
    out[std::size_t(B::s_tu)] = y_ * z_ * T_ * V_;
    out[std::size_t(B::s_st_re)] = out[std::size_t(B::s_st_im)] = z_ * T_ * inverse_A;
    out[std::size_t(B::s_su_re)] = out[std::size_t(B::s_su_im)] = y_ * V_ * inverse_A;
    if (scalar_only) return;
    out[std::size_t(B::v_pp_tt)] = T_ * T_;
    out[std::size_t(B::v_pp_uu)] = V_ * V_;
    out[std::size_t(B::v_pp_tu)] = T_ * V_;
    out[std::size_t(B::v_wu_ss2)] = y_ * y_;
    out[std::size_t(B::v_wu_ss1)] = y_;
    out[std::size_t(B::v_wu_tt)] = yy_ * T_ * T_;
    out[std::size_t(B::v_wu_st_re)] = out[std::size_t(B::v_wu_st_im)] = -yy_ * T_;
    out[std::size_t(B::v_wt_ss2)] = z_ * z_;
    out[std::size_t(B::v_wt_ss1)] = z_;
    out[std::size_t(B::v_wt_uu)] = zz_ * V_ * V_;
    out[std::size_t(B::v_wt_su_re)] = out[std::size_t(B::v_wt_su_im)] = -zz_ * V_;
  };
  fill(y, z, T, V, yy, zz, direct);
  fill(z, y, V, T, zz, yy, mirror);
}

/// Moments of 1/(d0 + sigma t) over t in [0, Delta] (sigma = +-1, d1 = d0 + sigma Delta > 0): pole[0] = int g dt,
/// pole[1] = int t g dt, pole2[0] = int g^2 dt, pole2[1] = int t g^2 dt. In closed form, by their Taylor series where
/// rho = sigma Delta/d0 is small (|rho| < 1/10: the differences rho - log1p(rho) and log1p(rho) - rho/(1 + rho) would
/// cancel); log1p(rho) down to rho = -1/2, log(d1/d0) below (1 + rho would lose the pole's distance d1).
/// The series of pole_interval_moments: h1 = sum_{k>=2} (-1)^k rho^k/k, h2 = sum_{k>=2} (-1)^k (k - 1)/k rho^k, their
/// coefficients [k][0] and [k][1] for k < 20 (to k = 19: 0.1^17 < 1e-17 of the first), tabulated once (the divisions
/// dominated the series).
template <class Real>
const std::array<std::array<Real, 2>, 20>& pole_series_coefficients() {
  static const std::array<std::array<Real, 2>, 20> coefficient = [] {
    std::array<std::array<Real, 2>, 20> c{};
    for (int k = 2; k < 20; ++k) {
      const Real sign = k % 2 == 0 ? Real(1) : Real(-1);
      c[std::size_t(k)] = {sign / Real(k), sign * Real(k - 1) / Real(k)};
    }
    return c;
  }();
  return coefficient;
}
/// Where pole_interval_moments sums the series (|rho| < 1/10) rather than taking logarithms.
inline constexpr long double pole_series_radius = 0.1L;

template <class Real>
void pole_interval_moments(Real d0, Real d1, Real Delta, Real sigma, Real* pole, Real* pole2) {
  using std::abs;
  using std::log;
  using std::log1p;
  const Real rho = sigma * Delta / d0;
  Real L, h1, h2;  // log(d1/d0), rho - L, L - rho/(1 + rho)
  if (abs(rho) < Real(pole_series_radius)) {
    const auto& coefficient = pole_series_coefficients<Real>();
    // Estrin's scheme (pairs, then pairs of pairs with rho^2, rho^4, rho^8, rho^16): five dependent steps, not 18.
    const Real r2 = rho * rho, r4 = r2 * r2, r8 = r4 * r4, r16 = r8 * r8;
    auto estrin = [&](std::size_t q) {
      Real b[9];
      for (std::size_t i = 0; i < 9; ++i) b[i] = coefficient[2 + 2 * i][q] + coefficient[3 + 2 * i][q] * rho;
      const Real e0 = b[0] + b[1] * r2, e1 = b[2] + b[3] * r2, e2 = b[4] + b[5] * r2, e3 = b[6] + b[7] * r2;
      return (e0 + e1 * r4) + (e2 + e3 * r4) * r8 + b[8] * r16;
    };
    const Real s1 = estrin(0), s2 = estrin(1);
    h1 = s1 * rho * rho;
    h2 = s2 * rho * rho;
    L = rho - h1;
  } else {
    L = rho > Real(-0.5L) ? log1p(rho) : log(d1 / d0);
    h1 = rho - L;
    h2 = L - sigma * Delta / d1;
  }
  pole[0] = sigma * L;
  pole[1] = d0 * h1;
  pole2[0] = Delta / (d0 * d1);
  pole2[1] = h2;
}

/// One moment of a scalar shape in closed form (scalar_shape_interval_moments): from the interval's `one` (its width, or
/// half its square) and the moments of the same order of the t pole (T, TT) and the u pole (V, VV), the moment of shape
/// `basis` for the product at p3 (direct) and at p4 (mirror). X is Real, or four lanes of Reals (the same operations in
/// each lane); c1 = beta - 2a, c2 = a (a - beta), kappa = a (1 + a)/(1 + 2a).
template <class X>
NUSI_ALWAYS_INLINE void scalar_shape_moment(scattering_basis basis, const X& one, const X& T, const X& TT, const X& V, const X& VV, const X& c1,
                                            const X& c2, const X& kappa, const X& a, const X& inverse_A, X& direct, X& mirror) {
  using B = scattering_basis;
  switch (basis) {
    case B::s_tt:
      direct = one + c1 * T + c2 * TT;
      mirror = one + c1 * V + c2 * VV;
      break;
    case B::s_uu:
      direct = one + c1 * V + c2 * VV;
      mirror = one + c1 * T + c2 * TT;
      break;
    case B::s_tu: direct = mirror = one - kappa * (T + V); break;
    case B::s_st_re:
      direct = (one - a * T) * inverse_A;
      mirror = (one - a * V) * inverse_A;
      break;
    case B::s_su_re:
      direct = (one - a * V) * inverse_A;
      mirror = (one - a * T) * inverse_A;
      break;
    default: direct = mirror = one; break;  // s_ss
  }
}

/// Whether scalar_shape_interval_moments applies to [ya, yb] (z = 1 - y from za down to zb): a <= 1 and the interval
/// reaching y >= a/2 and z >= a/2. There the partial fractions lose at most ~5 bits (their terms are at most ~30x the
/// moment); nearer a pole than a/2 at both ends, or with a > 1, the shapes are small differences of O(1) terms.
template <class Real>
bool scalar_closed_form_applies(Real yb, Real za, Real a) {
  return a <= 1 && yb >= a / 2 && za >= a / 2;
}

/// Moments of the scalar-mediator basis shapes over y in [ya, yb] (z = 1 - y in [zb, za], both ends given so that
/// each pole's distance is exact): for shape representative index[d] (s_ss, s_tt, s_uu, s_tu, s_st_re, s_su_re),
/// m0 = int shape dy and n1 = int (y - ya) shape dy, for the product at p3 (shape(y): m0_3, n1_3) and at p4
/// (shape(1 - y): m0_4, n1_4). Partial fractions in T = 1/(z + a) and V = 1/(y + a), each integrated in closed form
/// (pole_interval_moments): s_tt = 1 + (beta - 2a) T + a (a - beta) T^2, s_tu = 1 - a (1 + a)/(1 + 2a) (T + V),
/// s_st = (1 - a T)/A. Use where scalar_closed_form_applies.
template <class Real>
void scalar_shape_interval_moments(Real ya, Real yb, Real za, Real zb, Real a, Real beta, Real inverse_A, const std::size_t* index,
                                   std::size_t D, Real* m0_3, Real* n1_3, Real* m0_4, Real* n1_4) {
  using B = scattering_basis;
  const Real Delta = yb - ya;
  Real V[2], VV[2], T[2], TT[2];
  pole_interval_moments(ya + a, yb + a, Delta, Real(1), V, VV);
  pole_interval_moments(za + a, zb + a, Delta, Real(-1), T, TT);
  const Real one[2] = {Delta, Delta * Delta / 2};
  const Real c1 = beta - 2 * a, c2 = a * (a - beta), kappa = a * (1 + a) / (1 + 2 * a);
  for (std::size_t d = 0; d < D; ++d) {
    Real direct[2], mirror[2];
    for (int q = 0; q < 2; ++q)
      scalar_shape_moment(static_cast<B>(index[d]), one[q], T[q], TT[q], V[q], VV[q], c1, c2, kappa, a, inverse_A, direct[q], mirror[q]);
    m0_3[d] = direct[0];
    n1_3[d] = direct[1];
    m0_4[d] = mirror[0];
    n1_4[d] = mirror[1];
  }
}

/// Where scalar_shape_moments_batch writes: shape d's part (0 .. 3: m0_3, n1_3 span, m0_4, n1_4 span) of interval e to
/// out[(part * D + d) * stride + interval[e]], as it is (factor null) or times factor[d], added to the value there if
/// `accumulate` (factor[d] v, then the sum: a target's share of several targets' sum).
template <class Real>
struct shape_moments_destination {
  Real* out = nullptr;
  std::size_t stride = 0;
  const Real* factor = nullptr;
  bool accumulate = false;
  NUSI_ALWAYS_INLINE void put(std::size_t part, std::size_t D, std::size_t d, std::size_t interval, Real value) const {
    Real& into = out[(part * D + d) * stride + interval];
    if (factor == nullptr) into = value;
    else into = accumulate ? into + factor[d] * value : factor[d] * value;
  }
};

/// scalar_shape_interval_moments for intervals e = begin .. n - 1 (y from ya[e] to yb[e], z = 1 - y from za[e] down to
/// zb[e]), the energy moments times span [MeV]: shape d's m0_3, n1_3 span, m0_4 and n1_4 span of interval e, parts 0 .. 3
/// in that order, to `to` (shape_moments_destination). D <= 6 (the scalar shapes).
template <class Real>
NUSI_ALWAYS_INLINE void scalar_shape_moments_batch(const std::size_t* interval, const Real* ya, const Real* yb, const Real* za, const Real* zb,
                                                   std::size_t begin, std::size_t n, Real a, Real beta, Real inverse_A, Real span,
                                                   const std::size_t* index, std::size_t D, const shape_moments_destination<Real>& to) {
  for (std::size_t e = begin; e < n; ++e) {
    std::array<Real, 6> m0_3{}, n1_3{}, m0_4{}, n1_4{};  // D <= 6: the scalar shapes
    scalar_shape_interval_moments(ya[e], yb[e], za[e], zb[e], a, beta, inverse_A, index, D, m0_3.data(), n1_3.data(), m0_4.data(),
                                  n1_4.data());
    for (std::size_t d = 0; d < D; ++d) {
      to.put(0, D, d, interval[e], m0_3[d]);
      to.put(1, D, d, interval[e], n1_3[d] * span);
      to.put(2, D, d, interval[e], m0_4[d]);
      to.put(3, D, d, interval[e], n1_4[d] * span);
    }
  }
}
template <class Real>
void scalar_shape_moments_batch_portable(const std::size_t* interval, const Real* ya, const Real* yb, const Real* za, const Real* zb,
                                         std::size_t n, Real a, Real beta, Real inverse_A, Real span, const std::size_t* index, std::size_t D,
                                         const shape_moments_destination<Real>& to) {
  scalar_shape_moments_batch(interval, ya, yb, za, zb, 0, n, a, beta, inverse_A, span, index, D, to);
}
#if (defined(__GNUC__) || defined(__clang__)) && defined(__x86_64__)  // double4
/// Estrin's sum of pole_interval_moments' series q (0: h1, 1: h2) over rho^2 in four lanes, the same operations.
NUSI_ALWAYS_INLINE NUSI_TARGET_AVX2 double4 pole_series4(std::size_t q, double4 rho, double4 r2, double4 r4, double4 r8, double4 r16) {
  const auto& coefficient = pole_series_coefficients<double>();
  double4 b[9];
  for (std::size_t i = 0; i < 9; ++i) b[i] = broadcast4(coefficient[2 + 2 * i][q]) + broadcast4(coefficient[3 + 2 * i][q]) * rho;
  const double4 e0 = b[0] + b[1] * r2, e1 = b[2] + b[3] * r2, e2 = b[4] + b[5] * r2, e3 = b[6] + b[7] * r2;
  return (e0 + e1 * r4) + (e2 + e3 * r4) * r8 + b[8] * r16;
}
/// pole_interval_moments in four lanes: the series in registers, a lane outside its radius by the scalar rule (its
/// logarithms), so each lane the same values bit for bit.
NUSI_ALWAYS_INLINE NUSI_TARGET_AVX2 void pole_interval_moments4(double4 d0, double4 d1, double4 Delta, double sigma, double4* pole,
                                                               double4* pole2) {
  const double4 rho = broadcast4(sigma) * Delta / d0;
  const double4 r2 = rho * rho, r4 = r2 * r2, r8 = r4 * r4, r16 = r8 * r8;
  const double4 h1 = pole_series4(0, rho, r2, r4, r8, r16) * rho * rho, h2 = pole_series4(1, rho, r2, r4, r8, r16) * rho * rho;
  pole[0] = broadcast4(sigma) * (rho - h1);
  pole[1] = d0 * h1;
  pole2[0] = Delta / (d0 * d1);
  pole2[1] = h2;
  const mask4 series = to_mask4(abs4(rho) < broadcast4(double(pole_series_radius)));
  if (!any4(~series)) return;
  for (std::size_t l = 0; l < 4; ++l) {
    if (series[l] != 0) continue;
    double p[2], p2[2];
    pole_interval_moments<double>(d0[l], d1[l], Delta[l], sigma, p, p2);
    pole[0][l] = p[0];
    pole[1][l] = p[1];
    pole2[0][l] = p2[0];
    pole2[1][l] = p2[1];
  }
}
#endif
// The same values in AVX2 registers, four intervals at a time (the last n mod 4 as above).
template <class Real>
NUSI_TARGET_AVX2 void scalar_shape_moments_batch_avx2(const std::size_t* interval, const Real* ya, const Real* yb, const Real* za, const Real* zb,
                                                      std::size_t n, Real a, Real beta, Real inverse_A, Real span, const std::size_t* index,
                                                      std::size_t D, const shape_moments_destination<Real>& to) {
  std::size_t e = 0;
#if (defined(__GNUC__) || defined(__clang__)) && defined(__x86_64__)  // double4
  if constexpr (std::is_same_v<Real, double>) {
    using B = scattering_basis;
    const double4 a4 = broadcast4(a), span4 = broadcast4(span), iA = broadcast4(inverse_A);
    const double4 c1 = broadcast4(beta - 2 * a), c2 = broadcast4(a * (a - beta)), kappa = broadcast4(a * (1 + a) / (1 + 2 * a));
    for (; e + 4 <= n; e += 4) {
      const double4 y0 = load4(ya + e), y1 = load4(yb + e), z0 = load4(za + e), z1 = load4(zb + e);
      const double4 Delta = y1 - y0;
      double4 V[2], VV[2], T[2], TT[2];
      pole_interval_moments4(y0 + a4, y1 + a4, Delta, 1.0, V, VV);
      pole_interval_moments4(z0 + a4, z1 + a4, Delta, -1.0, T, TT);
      const double4 one[2] = {Delta, Delta * Delta / broadcast4(2)};
      for (std::size_t d = 0; d < D; ++d) {
        double4 direct[2], mirror[2];
        for (std::size_t q = 0; q < 2; ++q)
          scalar_shape_moment(static_cast<B>(index[d]), one[q], T[q], TT[q], V[q], VV[q], c1, c2, kappa, a4, iA, direct[q], mirror[q]);
        const double4 parts[4] = {direct[0], direct[1] * span4, mirror[0], mirror[1] * span4};
        for (std::size_t part = 0; part < 4; ++part)
          for (std::size_t l = 0; l < 4; ++l) to.put(part, D, d, interval[e + l], parts[part][l]);
      }
    }
  }
#endif
  scalar_shape_moments_batch(interval, ya, yb, za, zb, e, n, a, beta, inverse_A, span, index, D, to);
}

/// Where gauss_piece_moments writes: the sums of interval e go to columns of `stored` (stride entries apart) at entry
/// interval[e]; column c takes sum source[c] of the twelve (k: the number sum of slot k, s_ss, s_tt, s_uu, s_tu, s_st,
/// s_su of the product at p3; 6 + k: its energy sum), for c < columns.
template <class Real>
struct piece_destination {
  const std::size_t* interval;
  const std::size_t* source;
  std::size_t columns;
  Real* stored;
  std::size_t stride;
};

/// One target energy's scalar shapes in a sum over several target energies (gauss_piece_moments): its a, beta,
/// 1/A and the factors of its shapes' families, factor[0] for the resonant ones (s_ss, s_st, s_su), factor[1] for those
/// with plain prefactors (s_tt, s_uu, s_tu). A shape and its mirror (p4's shape) are of one family.
template <class Real>
struct target_shapes {
  Real a, beta, inverse_A;
  std::array<Real, 2> factor;
};
inline constexpr std::array<std::size_t, 6> scalar_slot_family{0, 1, 1, 1, 0, 0};  // s_ss, s_tt, s_uu, s_tu, s_st, s_su
// The product at p4 takes shape(1 - y), i.e. y and z swapped: s_tt and s_uu exchange, as do s_st and s_su, and s_ss and
// s_tu (symmetric) stay. So p4's sums are p3's of the mirrored slot.
inline constexpr std::array<std::size_t, 6> scalar_mirror_slot{0, 2, 1, 3, 5, 4};

/// Adds a quadrature point (y, z = 1 - y, energy above the interval's lower end t [MeV]) to the six scalar shapes' sums
/// (s_ss, s_tt, s_uu, s_tu, s_st, s_su of the product at p3) with the weights of their two families: number[k] +=
/// w shape_k (w = w_resonant for s_ss, s_st, s_su, w_plain for the others), energy[k] += that times t.
template <class Real>
NUSI_ALWAYS_INLINE void add_scalar_shapes_by_family(Real y, Real z, Real w_resonant, Real w_plain, Real t, Real a, Real beta, Real inverse_A,
                                                    Real* number, Real* energy) {
  const Real T = 1 / (z + a), V = 1 / (y + a);
  const Real yy = y * (y + beta), zz = z * (z + beta);
  const Real f3[6] = {w_resonant, w_plain * (zz * T * T), w_plain * (yy * V * V), w_plain * (y * z * T * V), w_resonant * (z * T * inverse_A),
                      w_resonant * (y * V * inverse_A)};
  for (std::size_t k = 0; k < 6; ++k) {
    number[k] += f3[k];
    energy[k] += f3[k] * t;
  }
}
/// The same with one weight w for every shape.
template <class Real>
NUSI_ALWAYS_INLINE void add_scalar_shapes(Real y, Real z, Real w, Real t, Real a, Real beta, Real inverse_A, Real* number, Real* energy) {
  add_scalar_shapes_by_family(y, z, w, w, t, a, beta, inverse_A, number, energy);
}

/// Adds one target's six scalar shapes (s_ss, s_tt, s_uu, s_tu, s_st, s_su of the product at p3) at (y, z = 1 - y), each
/// times its family's factor, to sum.
template <class Real>
NUSI_ALWAYS_INLINE void add_target_shapes(Real y, Real z, const target_shapes<Real>& target, Real* sum) {
  const Real T = 1 / (z + target.a), V = 1 / (y + target.a);
  const Real yy = y * (y + target.beta), zz = z * (z + target.beta);
  const Real resonant = target.factor[0], plain = target.factor[1];
  const Real shape[6] = {resonant, plain * (zz * T * T), plain * (yy * V * V), plain * (y * z * T * V), resonant * (z * T * target.inverse_A),
                         resonant * (y * V * target.inverse_A)};
  for (std::size_t k = 0; k < 6; ++k) sum[k] += shape[k];
}

/// The six scalar shapes' sums over one Gauss piece of G points for each of n intervals, summed over K target energies
/// with their families' factors: y from from[e] to to[e] (or, if ZParam, z from from[e] down to to[e]), the energy weight
/// t measured from origin[e] (ya, or za): at each point the targets' shapes times their factors summed (in order,
/// add_target_shapes), the sums then weighted by w and by t once; written where `out` says. One target with factors 1
/// takes the operations of mass_state_kernel's integrate in the same order (1 x = x, 0 + x = x). The AVX2 twin below
/// holds four intervals in one register and does the same operations in the same order.
template <std::size_t G, bool ZParam, class Real>
NUSI_ALWAYS_INLINE void gauss_piece_moments(const Real* gx, const Real* gw, const target_shapes<Real>* targets, std::size_t K, Real span,
                                            const Real* from, const Real* to, const Real* origin, std::size_t begin, std::size_t n,
                                            const piece_destination<Real>& out) {
  for (std::size_t e = begin; e < n; ++e) {
    Real m[6] = {}, energy[6] = {};
    const Real f = from[e], l = to[e], o = origin[e];
    for (std::size_t i = 0; i < G; ++i) {
      Real y, z, w, t;
      if constexpr (ZParam) {
        z = f - (f - l) * gx[i];
        y = 1 - z;
        w = (f - l) * gw[i];
        t = (o - z) * span;
      } else {
        y = f + (l - f) * gx[i];
        z = 1 - y;
        w = (l - f) * gw[i];
        t = (y - o) * span;
      }
      Real sum[6] = {};  // the targets' shapes times their factors, then weighted by w and t once
      for (std::size_t q = 0; q < K; ++q) add_target_shapes(y, z, targets[q], sum);
      for (std::size_t k = 0; k < 6; ++k) {
        const Real f3 = w * sum[k];
        m[k] += f3;
        energy[k] += f3 * t;
      }
    }
    for (std::size_t c = 0; c < out.columns; ++c) {
      const std::size_t k = out.source[c];
      out.stored[c * out.stride + out.interval[e]] = k < 6 ? m[k] : energy[k - 6];
    }
  }
}
template <std::size_t G, bool ZParam, class Real>
NUSI_TARGET_AVX2 void gauss_piece_moments_avx2(const Real* gx, const Real* gw, const target_shapes<Real>* targets, std::size_t K, Real span,
                                               const Real* from, const Real* to, const Real* origin, std::size_t n,
                                               const piece_destination<Real>& out) {
  std::size_t e = 0;
#if (defined(__GNUC__) || defined(__clang__)) && defined(__x86_64__)  // detail::double4
  if constexpr (std::is_same_v<Real, double>) {
    const double4 one = broadcast4(1), span4 = broadcast4(span);
    const std::size_t* const interval = out.interval;
    const std::size_t columns = out.columns, stride = out.stride;
    std::array<std::size_t, 4 * scalar_basis_count> source{};  // four parts of the scalar bases' slots at most (else: below)
    if (columns > source.size()) {
      gauss_piece_moments<G, ZParam>(gx, gw, targets, K, span, from, to, origin, 0, n, out);
      return;
    }
    std::copy_n(out.source, columns, source.begin());
    double* const stored = out.stored;
    for (; e + 4 <= n; e += 4) {
      const double4 f = load4(from + e), l = load4(to + e), o = load4(origin + e);
      double4 m[6], energy[6];
      for (std::size_t k = 0; k < 6; ++k) m[k] = energy[k] = broadcast4(0);
      for (std::size_t i = 0; i < G; ++i) {
        const double4 xi = broadcast4(gx[i]), wi = broadcast4(gw[i]);
        double4 y, z, w, t;
        if constexpr (ZParam) {
          z = f - (f - l) * xi;
          y = one - z;
          w = (f - l) * wi;
          t = (o - z) * span4;
        } else {
          y = f + (l - f) * xi;
          z = one - y;
          w = (l - f) * wi;
          t = (y - o) * span4;
        }
        double4 sum[6];
        for (std::size_t k = 0; k < 6; ++k) sum[k] = broadcast4(0);
        for (std::size_t q = 0; q < K; ++q) {  // add_target_shapes in four lanes
          const auto& target = targets[q];
          const double4 a4 = broadcast4(target.a), beta4 = broadcast4(target.beta), iA = broadcast4(target.inverse_A);
          const double4 resonant = broadcast4(target.factor[0]), plain = broadcast4(target.factor[1]);
          const double4 T = one / (z + a4), V = one / (y + a4);
          const double4 yy = y * (y + beta4), zz = z * (z + beta4);
          const double4 shape[6] = {resonant, plain * (zz * T * T), plain * (yy * V * V), plain * (y * z * T * V), resonant * (z * T * iA),
                                    resonant * (y * V * iA)};
          for (std::size_t k = 0; k < 6; ++k) sum[k] += shape[k];
        }
        for (std::size_t k = 0; k < 6; ++k) {
          const double4 f3 = w * sum[k];
          m[k] += f3;
          energy[k] += f3 * t;
        }
      }
      const std::size_t first = interval[e];
      const bool neighbours = interval[e + 3] == first + 3;  // the intervals ascend
      const std::array<std::size_t, 4> at{interval[e], interval[e + 1], interval[e + 2], interval[e + 3]};
      for (std::size_t c = 0; c < columns; ++c) {
        const std::size_t k = source[c];
        const double4 sum = k < 6 ? m[k] : energy[k - 6];
        double* column = stored + c * stride;
        if (neighbours) store4(column + first, sum);
        else
          for (std::size_t lane = 0; lane < 4; ++lane) column[at[lane]] = sum[lane];
      }
    }
  }
#endif
  gauss_piece_moments<G, ZParam>(gx, gw, targets, K, span, from, to, origin, e, n, out);
}
template <std::size_t G, bool ZParam, class Real, class Batch>
void gauss_piece_dispatch(const unit_gauss<Real>& g, const target_shapes<Real>* targets, std::size_t K, Real span, const Batch& b,
                          const piece_destination<Real>& out) {
  const std::size_t n = b.size();
  if (use_avx2())
    gauss_piece_moments_avx2<G, ZParam>(g.x.data(), g.w.data(), targets, K, span, b.from.data(), b.to.data(), b.origin.data(), n, out);
  else
    gauss_piece_moments<G, ZParam>(g.x.data(), g.w.data(), targets, K, span, b.from.data(), b.to.data(), b.origin.data(), 0, n, out);
}
/// gauss_piece_moments for a batch (interval, from, to, origin, size(); the intervals ascending) of `points` (2, 3, 5 or
/// 8), written to `stored` (columns as `source` says, stride apart).
template <class Real, class Batch>
void gauss_piece_batch(std::size_t points, bool z_param, const unit_gauss<Real>& g, const target_shapes<Real>* targets, std::size_t K,
                       Real span, const Batch& b, const std::size_t* source, std::size_t columns, Real* stored, std::size_t stride) {
  const piece_destination<Real> out{b.interval.data(), source, columns, stored, stride};
  switch (points * 2 + (z_param ? 1 : 0)) {
    case 4: return gauss_piece_dispatch<2, false>(g, targets, K, span, b, out);
    case 5: return gauss_piece_dispatch<2, true>(g, targets, K, span, b, out);
    case 6: return gauss_piece_dispatch<3, false>(g, targets, K, span, b, out);
    case 7: return gauss_piece_dispatch<3, true>(g, targets, K, span, b, out);
    case 10: return gauss_piece_dispatch<5, false>(g, targets, K, span, b, out);
    case 11: return gauss_piece_dispatch<5, true>(g, targets, K, span, b, out);
    case 16: return gauss_piece_dispatch<8, false>(g, targets, K, span, b, out);
    default: return gauss_piece_dispatch<8, true>(g, targets, K, span, b, out);
  }
}

/// The Gauss rule of a piece of relative width r (its width over its distance to the nearer pole): 0, 1, 2, 3 for 2
/// (if two_point: up to r = 0.002), 3 (up to 0.03), 5 (up to 0.25) and 8 points.
template <class Real>
std::size_t piece_rule_index(Real r, bool two_point) {
  if (two_point && r <= Real(0.002L)) return 0;
  return r <= Real(0.03L) ? 1 : (r <= Real(0.25L) ? 2 : 3);
}

/// The one Gauss piece mass_state_kernel's integrate cuts from an interval [ya, yb] (z = 1 - y from za down to zb) at
/// pole distance a: in y from ya (the z part empty) or in z from min(za, 1/2) (the y part empty), to its end `to`; its
/// relative width r (width over its distance to the nearer pole). `single` false if the interval takes more pieces.
template <class Real>
struct interval_piece {
  bool single = false, z_param = false;
  Real from = 0, to = 0, r = 0;
};
template <class Real>
NUSI_ALWAYS_INLINE interval_piece<Real> single_piece_of(Real ya, Real yb, Real za, Real zb, Real a) {
  interval_piece<Real> piece;
  if (!(yb > ya)) return piece;
  const Real y_end = std::min(yb, Real(1) / 2), zp = std::min(za, Real(1) / 2);
  if (ya < y_end && !(zp > zb)) {
    Real q = std::min({y_end, ya + (ya + a), (1 + a + ya) / 2});
    if (!(q > ya)) q = y_end;
    piece = {q == y_end, false, ya, q, (q - ya) / std::min(ya + a, 1 + a - q)};
  } else if (!(ya < y_end) && zp > zb) {
    Real zq = std::max({zb, zp - (zp + a), (zp - a) / 2});
    zq = std::max(zq, zb);
    if (!(zq < zp)) zq = zb;
    piece = {zq == zb, true, zp, zq, (zp - zq) / std::min(zq + a, 1 + a - zp)};
  }
  return piece;
}

/// The Gauss points mass_state_kernel's integrate takes over [ya, yb] (z = 1 - y from za down to zb) at pole distance a:
/// y up to 1/2, then z down from 1/2, on pieces no wider than their distance to the poles y = -a and 1 + a (halving it
/// at most), each with the rule of its relative width (piece_rule_index); point(y, z, w, t) at each, t the energy above
/// the interval's lower end [MeV] (span: the energy per unit y).
template <class Real, class Point>
void interval_gauss_points(Real ya, Real yb, Real za, Real zb, Real a, Real span, bool two_point, Point&& point) {
  const std::array<const unit_gauss<Real>*, 4> rules{&unit_gauss_rule<Real>(2), &unit_gauss_rule<Real>(3), &unit_gauss_rule<Real>(5),
                                                     &unit_gauss_rule<Real>(8)};
  // y-parametrised part: [ya, min(yb, 1/2)].
  Real p = ya;
  const Real y_end = std::min(yb, Real(1) / 2);
  while (p < y_end) {
    Real q = std::min({y_end, p + (p + a), (1 + a + p) / 2});
    if (!(q > p)) q = y_end;
    const auto& g = *rules[piece_rule_index((q - p) / std::min(p + a, 1 + a - q), two_point)];
    for (std::size_t i = 0; i < g.x.size(); ++i) {
      const Real y = p + (q - p) * g.x[i];
      point(y, 1 - y, (q - p) * g.w[i], (y - ya) * span);
    }
    p = q;
  }
  // z-parametrised part: z from min(za, 1/2) down to zb (y from max(ya, 1/2) up to yb).
  Real zp = std::min(za, Real(1) / 2);
  while (zp > zb) {
    Real zq = std::max({zb, zp - (zp + a), (zp - a) / 2});  // halve the distance z + a to the pole, at most
    zq = std::max(zq, zb);
    if (!(zq < zp)) zq = zb;
    const auto& g = *rules[piece_rule_index((zp - zq) / std::min(zq + a, 1 + a - zp), two_point)];
    for (std::size_t i = 0; i < g.x.size(); ++i) {
      const Real z = zp - (zp - zq) * g.x[i];
      point(1 - z, z, (zp - zq) * g.w[i], (za - z) * span);
    }
    zp = zq;
  }
}

/// One column of hat deposits from n > 0 intervals: interval i (moments m0[i], n1[i], 1/width inverse_width[i], weight w)
/// puts w (m0 - n1/width) on node[i] and w n1/width on node[i + 1]; node i takes interval i - 1's share, then interval
/// i's. If `assign`, each node's first share is assigned (0 + x = x: the same values as adding to zeros). One pass: a
/// hat n1/width is formed for both of its nodes (the same product twice).
template <class Real>
NUSI_ALWAYS_INLINE void deposit_column(const Real* m0, const Real* n1, const Real* inverse_width, Real w, std::size_t n, bool assign, Real* node) {
  auto lower = [&](std::size_t i) { return w * (m0[i] - n1[i] * inverse_width[i]); };
  auto upper = [&](std::size_t i) { return w * (n1[i] * inverse_width[i]); };
  if (assign) {
    node[0] = lower(0);
    for (std::size_t i = 1; i < n; ++i) node[i] = upper(i - 1) + lower(i);
    node[n] = upper(n - 1);
  } else {
    node[0] += lower(0);
    for (std::size_t i = 1; i < n; ++i) node[i] = (node[i] + upper(i - 1)) + lower(i);
    node[n] += upper(n - 1);
  }
}
template <class Real>
void deposit_column_portable(const Real* m0, const Real* n1, const Real* inverse_width, Real w, std::size_t n, bool assign, Real* node) {
  deposit_column(m0, n1, inverse_width, w, n, assign, node);
}
// The same loops compiled for AVX2 (detail/wide_vectors.hpp: the same values bit for bit).
template <class Real>
NUSI_TARGET_AVX2 void deposit_column_avx2(const Real* m0, const Real* n1, const Real* inverse_width, Real w, std::size_t n, bool assign,
                                          Real* node) {
  deposit_column(m0, n1, inverse_width, w, n, assign, node);
}

/// sum[q] = rows[0][q] + rows[1][q] + ... + rows[R - 1][q] (from 0, in that order), rows[r] at rows + r * count.
template <class Real>
NUSI_ALWAYS_INLINE void sum_rows(const Real* rows, std::size_t R, std::size_t count, Real* sum) {
  for (std::size_t q = 0; q < count; ++q) sum[q] = 0;
  for (std::size_t r = 0; r < R; ++r)
    for (std::size_t q = 0; q < count; ++q) sum[q] += rows[r * count + q];
}
template <class Real>
void sum_rows_portable(const Real* rows, std::size_t R, std::size_t count, Real* sum) {
  sum_rows(rows, R, count, sum);
}
template <class Real>
NUSI_TARGET_AVX2 void sum_rows_avx2(const Real* rows, std::size_t R, std::size_t count, Real* sum) {
  sum_rows(rows, R, count, sum);
}

/// The basis whose shape stands for b's: the real and imaginary parts of an interference term share one shape.
inline scattering_basis shape_representative(scattering_basis b) {
  using B = scattering_basis;
  switch (b) {
    case B::s_st_im: return B::s_st_re;
    case B::s_su_im: return B::s_su_re;
    case B::v_wu_st_im: return B::v_wu_st_re;
    case B::v_wt_su_im: return B::v_wt_su_re;
    default: return b;
  }
}
}  // namespace detail

/// Takes a mass_state_kernel's gain blocks as its assembly makes them, in place of their storage (the kernel's
/// constructor with a sink): a consumer that needs another form of the blocks (diffuse_operator's partner halves) gets
/// them without the kernel's whole array written and read back. Called once per run of consecutive source nodes (the
/// assembly's unit of work, mass_state_kernel::source_run nodes), from the assembly's threads: concurrently for
/// different runs. An exception thrown here fails the kernel's construction.
template <class Real>
class mass_state_block_sink {
 public:
  mass_state_block_sink() = default;
  virtual ~mass_state_block_sink() = default;
  /// Tracked source nodes i = i0 + r, r < sources. Node i's blocks (i -> k), k = 0 .. i, each laid out as
  /// gain_block_per_cm's, at blocks + (r * stride + k) * species^2; in the full scope its column sums (block k's column
  /// sp summed over the products s in ascending order from 0) at column_sums[r * species * stride + sp * (i + 1) + k],
  /// else column_sums is nullptr. Both are valid during the call only.
  virtual void receive(std::size_t i0, std::size_t sources, std::size_t stride, const Real* blocks, const Real* column_sums) = 0;
  /// Whether the sink takes the partners' halves of the blocks (receive_halves) in place of the blocks (receive): the
  /// kernel then forms them as it writes, with detail::kind_half_block's operations (the same values).
  virtual bool takes_kind_halves() const { return false; }
  /// With takes_kind_halves(): the same run's blocks as partner halves, H = species/2. Source i = i0 + r into node k <= i
  /// at plus + (k * mass_state_kernel::source_run + r) * H^2 (sums) and minus + ... (differences): for each destination
  /// the run's sources side by side. `symmetric` is false if a block of the run is not kind-symmetric (partners'
  /// entries not equal within detail::partners_equal; its halves then mean nothing); column_sums as for receive.
  virtual void receive_halves(std::size_t i0, std::size_t sources, std::size_t stride, const Real* plus, const Real* minus, bool symmetric,
                              const Real* column_sums) {
    (void)i0, (void)sources, (void)stride, (void)plus, (void)minus, (void)symmetric, (void)column_sums;
  }
  /// Destination-major storage of the halves (block (i -> k), H x H, at block offset[k] + i - k of plus and of minus;
  /// minus nullptr: the differences not kept), written by every thread for its own sources.
  struct halves_storage {
    const std::size_t* offset = nullptr;
    Real* plus = nullptr;
    Real* minus = nullptr;
  };
  /// With takes_kind_halves(): storage the kernel writes the halves straight into, in place of handing them over; its
  /// receive_halves then has plus and minus nullptr (the run's symmetry and column sums alone). Default: none.
  virtual halves_storage halves_in_place() { return {}; }

 protected:  // copied or moved as the derived sink only
  mass_state_block_sink(const mass_state_block_sink&) = default;
  mass_state_block_sink& operator=(const mass_state_block_sink&) = default;
  mass_state_block_sink(mass_state_block_sink&&) noexcept = default;
  mass_state_block_sink& operator=(mass_state_block_sink&&) noexcept = default;
};


/// The energy-only operator of the mass states: node j, species sigma (mass state x kind, mass_state_scattering).
/// Node i scatters species sigma' at the rate Gamma = sum over relic populations of n <sigma>_bin [cm^-1] (resonant
/// prefactors averaged over the bin in closed form at rest, over the thermal distribution otherwise; t/u terms at the
/// node); each scattering puts two products on [E_f,min, e_i] with the CM fraction y mapped to E_f,min + y (e_i -
/// E_f,min), distributed by the basis shapes. Block (i -> k) holds the gains into node k of every species per unit
/// density of every species at node i. State index: k * species + sigma, then the budget accumulators (full scope).
/// The source nodes are assembled on `threads` threads (0: all cores); the kernel is the same bit for bit for any count.
/// @throws nusi::invalid_argument on a grid whose lowest node is not above the heaviest relic mass, bad options or
/// threads > nusi::max_threads;
/// nusi::numerical_error if a thermal average fails its tolerance.
template <class Real>
class mass_state_kernel {
 public:
  using value_type = Real;
  /// Largest number of block entries species^2 n (n + 1)/2 (2^27, ~1 GB in double).
  static constexpr std::size_t max_entries = std::size_t(1) << 27;
  /// Consecutive source nodes a thread assembles in turn (and a mass_state_block_sink receives at once).
  static constexpr std::size_t source_run = 4;

  mass_state_kernel(const mass_state_scattering<Real>& scattering, const relic_background<Real>& relic,
                    const energy_grid<Real>& grid, kernel_scope scope = kernel_scope::full,
                    const mass_state_kernel_options<Real>& options = {}, std::size_t threads = 1)
      : grid_(grid), scope_(scope), S_(scattering.species()) {
    construct(scattering, relic, options, threads, nullptr);
  }
  /// The same assembly handing every source node's blocks to `sink` instead of storing them: the rates and budgets are
  /// kept, the blocks are not (stores_blocks() is false: gain_per_cm, gain_block_per_cm, apply and solve_shifted throw
  /// nusi::invalid_argument).
  mass_state_kernel(const mass_state_scattering<Real>& scattering, const relic_background<Real>& relic,
                    const energy_grid<Real>& grid, kernel_scope scope, const mass_state_kernel_options<Real>& options,
                    std::size_t threads, mass_state_block_sink<Real>& sink)
      : grid_(grid), scope_(scope), S_(scattering.species()) {
    construct(scattering, relic, options, threads, &sink);
  }

  const energy_grid<Real>& grid() const { return grid_; }
  kernel_scope scope() const { return scope_; }
  std::size_t species() const { return S_; }
  /// Whether the gain blocks are stored (the kernel was built without a mass_state_block_sink).
  bool stores_blocks() const { return stores_blocks_; }
  /// Energy nodes tracked and the state size (nodes x species, plus budget_index::count accumulators in full scope).
  std::size_t nodes() const { return loss_.size() / S_; }
  std::size_t size() const { return loss_.size() + (scope_ == kernel_scope::full ? budget_index::count : 0); }
  std::size_t grid_index(std::size_t k) const { return first_ + k; }
  /// Scattering rate of species sigma at tracked node k [cm^-1].
  Real rate_per_cm(std::size_t k, std::size_t sigma) const { return loss_[k * S_ + sigma]; }
  /// Collision-weighted mean target energy x = (s - m^2)/(2E) [MeV] of species sigma scattering at tracked node k (a
  /// state at rest contributes its mass): 0 where it does not scatter. @throws nusi::invalid_argument unless the kernel
  /// was built with options.mean_target_energies.
  Real mean_target_energy_MeV(std::size_t k, std::size_t sigma) const {
    if (x_rate_.empty())
      detail::throw_invalid("nusi::mass_state_kernel::mean_target_energy_MeV", "options.mean_target_energies",
                            "true when the kernel is built", "false");
    const Real rate = loss_[k * S_ + sigma];
    return rate > 0 ? x_rate_[k * S_ + sigma] / rate : Real(0);
  }
  /// Gain into (k, sigma) per unit density of (i, sigma') per cm, k <= i.
  Real gain_per_cm(std::size_t i, std::size_t sigma_source, std::size_t k, std::size_t sigma) const {
    if (!stores_blocks_) throw_no_blocks("gain_per_cm");
    return blocks_[block(i, k) + sigma_source * S_ + sigma];
  }
  /// The gains of the block (i -> k), gain_per_cm(i, sigma', k, sigma) at [sigma' * species() + sigma]; the blocks
  /// (i -> k) of one k follow one another in i (from i = k, species()^2 apart).
  const Real* gain_block_per_cm(std::size_t i, std::size_t k) const {
    if (!stores_blocks_) throw_no_blocks("gain_block_per_cm");
    return blocks_.data() + block(i, k);
  }
  /// Budget accumulator b (budget_index) gained per unit density of (k, sigma) per cm; 0 in above_threshold scope.
  Real budget_per_cm(std::size_t b, std::size_t k, std::size_t sigma) const {
    if (scope_ != kernel_scope::full) return Real(0);
    const std::size_t c = k * S_ + sigma;
    return b == budget_index::underflow_number   ? underflow_number_[c]
           : b == budget_index::underflow_energy ? underflow_energy_[c]
           : b == budget_index::scatterings      ? loss_[c]
                                                 : injected_[c];
  }

  /// Target energies standing for thermal distribution rho in the products' shapes: options.thermal_shape_nodes, or
  /// thermal_shape_nodes_narrow if rho spreads by at most thermal_shape_narrow_spread of its mean.
  static std::size_t thermal_shape_nodes_of(const target_energy_distribution<Real>& rho, const mass_state_kernel_options<Real>& options) {
    return rho.standard_deviation_MeV() <= options.thermal_shape_narrow_spread * rho.mean_MeV() ? options.thermal_shape_nodes_narrow
                                                                                                : options.thermal_shape_nodes;
  }

  /// y = A x [cm^-1].
  void apply(const Real* x, Real* y) const {
    if (!stores_blocks_) throw_no_blocks("apply");
    const std::size_t n = nodes();
    for (std::size_t k = 0; k < n; ++k) {
      for (std::size_t s = 0; s < S_; ++s) y[k * S_ + s] = -loss_[k * S_ + s] * x[k * S_ + s];
      for (std::size_t i = k; i < n; ++i) {
        const Real* B = blocks_.data() + block(i, k);
        for (std::size_t sp = 0; sp < S_; ++sp) {
          const Real xs = x[i * S_ + sp];
          for (std::size_t s = 0; s < S_; ++s) y[k * S_ + s] += B[sp * S_ + s] * xs;
        }
      }
    }
    if (scope_ == kernel_scope::full) {
      Real sums[budget_index::count] = {0, 0, 0, 0};
      for (std::size_t c = 0; c < n * S_; ++c) {
        sums[budget_index::underflow_number] += underflow_number_[c] * x[c];
        sums[budget_index::underflow_energy] += underflow_energy_[c] * x[c];
        sums[budget_index::scatterings] += loss_[c] * x[c];
        sums[budget_index::injected_energy] += injected_[c] * x[c];
      }
      for (std::size_t b = 0; b < budget_index::count; ++b) y[n * S_ + b] = sums[b];
    }
  }

  /// out[c * Z + z] = ((shift_z I - A)^{-1} rhs)_c for Z shifts: block forward substitution from the highest energy
  /// down, a small dense solve per node (no eigenvectors). Scalar is Real or std::complex<Real>.
  /// @throws nusi::invalid_argument if a shift is not finite.
  template <class Scalar>
  void solve_shifted(std::span<const Scalar> shifts, const Real* rhs, Scalar* out) const {
    detail::require_finite_shifts("nusi::mass_state_kernel::solve_shifted", shifts);
    if (!stores_blocks_) throw_no_blocks("solve_shifted");
    const std::size_t n = nodes(), Z = shifts.size(), S = S_;
    std::vector<Scalar> acc(S * Z), M(S * S), b(S);
    for (std::size_t k = n; k-- > 0;) {
      for (std::size_t s = 0; s < S; ++s)
        for (std::size_t z = 0; z < Z; ++z) acc[s * Z + z] = Scalar(rhs[k * S + s]);
      if (S == 6) substitute_blocks<6>(k, Z, out, acc.data());  // three states, two kinds: the loops unrolled
      else substitute_blocks<0>(k, Z, out, acc.data());
      const Real* D = blocks_.data() + block(k, k);
      auto solve_one = [&](std::size_t z) {
        for (std::size_t r = 0; r < S; ++r) {
          for (std::size_t c = 0; c < S; ++c) M[r * S + c] = Scalar(-D[c * S + r]);  // -A_kk = -(gain^T - diag loss)
          M[r * S + r] += shifts[z] + loss_[k * S + r];
          b[r] = acc[r * Z + z];
        }
        if (S == 6) detail::dense_solve<6>(M.data(), b.data(), S);
        else detail::dense_solve(M.data(), b.data(), S);
        for (std::size_t s = 0; s < S; ++s) out[(k * S + s) * Z + z] = b[s];
      };
      std::size_t z = 0;
      if constexpr (std::is_same_v<Scalar, std::complex<double>> && std::is_same_v<Real, double>) {
        if (S == 6 && detail::use_avx2() && Z > 1)  // a last group of 2 or 3 shifts fills its lanes
          for (; z < Z; z += 4) {
            const std::size_t lanes = std::min<std::size_t>(4, Z - z);
            if (!detail::shifted_solve_lanes6_avx2(D, loss_.data() + k * S, shifts.data() + z, acc.data() + z, Z, out + k * S * Z + z, lanes))
              for (std::size_t l = 0; l < lanes; ++l) solve_one(z + l);
          }
      }
      for (; z < Z; ++z) solve_one(z);
    }
    if (scope_ == kernel_scope::full) {
      for (std::size_t bidx = 0; bidx < budget_index::count; ++bidx) {
        const std::vector<Real>& coefficient = bidx == budget_index::underflow_number   ? underflow_number_
                                               : bidx == budget_index::underflow_energy ? underflow_energy_
                                               : bidx == budget_index::scatterings      ? loss_
                                                                                        : injected_;
        for (std::size_t z = 0; z < Z; ++z) {
          Scalar sum = Scalar(rhs[n * S + bidx]);
          for (std::size_t c = 0; c < n * S; ++c) sum += coefficient[c] * out[c * Z + z];
          out[(n * S + bidx) * Z + z] = detail::divide(sum, shifts[z]);
        }
      }
    }
  }

 private:
  [[noreturn]] static void throw_no_blocks(const std::string& function) {
    detail::throw_invalid("nusi::mass_state_kernel::" + function, "stores_blocks()", "true (the kernel was built with a mass_state_block_sink)",
                          "false");
  }
  void construct(const mass_state_scattering<Real>& scattering, const relic_background<Real>& relic,
                 const mass_state_kernel_options<Real>& options, std::size_t threads, mass_state_block_sink<Real>* sink) {
    const energy_grid<Real>& grid = grid_;
    const kernel_scope scope = scope_;
    constexpr std::string_view fn = "nusi::mass_state_kernel";
    sink_ = sink;
    stores_blocks_ = sink == nullptr;
    halves_out_ = sink != nullptr && sink->takes_kind_halves() && S_ % 2 == 0;
    in_place_ = halves_out_ ? sink->halves_in_place() : typename mass_state_block_sink<Real>::halves_storage{};
    if (in_place_.offset && !in_place_.plus) in_place_ = {};
    detail::require_thread_count(fn, "threads", threads);
    detail::validate_kernel_options(fn, "options", options);
    two_point_ = options.fewest_gauss_points == 2;
    targets_together_ = options.target_energies_together;
    for (std::size_t b = 0; b < 3; ++b)
      if (!(grid.node_MeV(0) > relic.mass_MeV(b)))
        detail::throw_invalid(fn, "energy.min_energy_MeV", "> the relic masses (" + detail::to_text(relic.mass_MeV(b)) + " MeV)",
                              grid.node_MeV(0));
    const std::size_t N = grid.size();
    first_ = scope == kernel_scope::full ? 0 : grid.first_above_threshold();
    const std::size_t n = N - first_;
    const long double entries = static_cast<long double>(S_) * S_ * n * (n + 1) / 2;
    if (entries > static_cast<long double>(max_entries))
      detail::throw_invalid(fn, "energy.bins", "giving at most 2^27 block entries species^2 n (n + 1)/2 (reduce the bins)", entries);
    block_offset_.resize(n + 1);
    for (std::size_t k = 0, off = 0; k <= n; ++k) {  // destination-major: blocks (i -> k), i = k..n-1
      block_offset_[k] = off;
      if (k < n) off += (n - k) * S_ * S_;
    }
    if (stores_blocks_) blocks_.resize(block_offset_[n]);  // not zeroed: the assembly writes every entry of every block (write_blocks)
    loss_.assign(n * S_, Real(0));
    if (scope_ == kernel_scope::full) {
      underflow_number_.assign(n * S_, Real(0));
      underflow_energy_.assign(n * S_, Real(0));
      injected_.assign(n * S_, Real(0));
    }
    inverse_width_.resize(N - 1);
    for (std::size_t c = 0; c + 1 < N; ++c) inverse_width_[c] = 1 / (grid.node_MeV(c + 1) - grid.node_MeV(c));
    assemble(scattering, relic, options, threads);
    inverse_width_ = {};
    sink_ = nullptr;  // used during the construction only
    halves_out_ = false;
    in_place_ = {};
  }
  // Blocks ahead whose cache lines the assembly asks for before writing them (the blocks of one source node lie a
  // destination column apart: each write would otherwise wait for its lines).
  static constexpr std::size_t block_prefetch_distance = 8;
  std::size_t block(std::size_t i, std::size_t k) const { return block_offset_[k] + (i - k) * S_ * S_; }

  // acc[s * Z + z] += sum over the nodes i > k and source species sp of block(i -> k)[sp, s] out[(i, sp), z]. Per (s, z)
  // the sources are added in the order sp = 0 .. S-1, node after node (the order of source-outer loops: the same sums).
  // With the species fixed at compile time (FixedS > 0) a block's column s stays in registers over the shifts.
  template <std::size_t FixedS, class Scalar>
  void substitute_blocks(std::size_t k, std::size_t Z, const Scalar* out, Scalar* acc) const {
    const std::size_t n = nodes(), S = FixedS > 0 ? FixedS : S_;
    if constexpr (FixedS > 0) {
      if (detail::use_avx2()) {
        // A real coefficient times a complex value is two real products: the shifts' real and imaginary parts are one
        // real array of W = 2Z lanes (std::complex's array layout). Eight lanes of every species stay in registers over
        // all the nodes i: per lane the same operations in the same order as below.
        const std::size_t W = detail::real_lanes<Scalar> * Z;
        detail::substitute_all_lanes<FixedS>(blocks_.data() + block(k + 1, k), n - k - 1, detail::real_array<Real>(out) + (k + 1) * S * W,
                                             S * W, W, detail::real_array<Real>(acc), true);
        return;
      }
    }
    for (std::size_t i = k + 1; i < n; ++i) {
      const Real* B = blocks_.data() + block(i, k);
      const Scalar* xi = out + i * S * Z;
      if constexpr (FixedS > 0) {
        for (std::size_t s = 0; s < FixedS; ++s) {
          Real c[FixedS];
          for (std::size_t sp = 0; sp < FixedS; ++sp) c[sp] = B[sp * FixedS + s];
          for (std::size_t z = 0; z < Z; ++z) {
            Scalar sum = acc[s * Z + z];
            for (std::size_t sp = 0; sp < FixedS; ++sp) sum += c[sp] * xi[sp * Z + z];
            acc[s * Z + z] = sum;
          }
        }
      } else {
        for (std::size_t sp = 0; sp < S; ++sp)
          for (std::size_t s = 0; s < S; ++s) {
            const Real c = B[sp * S + s];
            if (c == 0) continue;
            for (std::size_t z = 0; z < Z; ++z) acc[s * Z + z] += c * xi[sp * Z + z];
          }
      }
    }
  }

  // Moments of the used basis shapes of one (source node, target, target energy x) over the destination intervals,
  // deposited on the nodes by the hats: dep[b][j] (product at p3, shape(y)) and dep[U + b][j] (at p4, shape(1 - y)), j the
  // grid index relative to lo (destination-contiguous per column); and the underflow number and energy of each (full scope).
  struct deposits {
    std::size_t lo = 0;                             // grid index of dep[.][0]
    std::size_t U = 0;                              // basis slots
    std::size_t nodes = 0;                          // grid nodes lo .. lo + nodes - 1
    std::vector<Real> dep;                          // [slot * nodes + grid index - lo], then [(U + slot) * nodes + ...] for p4
    std::vector<Real> under3_n, under4_n, under3_e, under4_e;  // [basis slot]
  };

  void assemble(const mass_state_scattering<Real>& sc, const relic_background<Real>& relic,
                const mass_state_kernel_options<Real>& options, std::size_t threads) {
    const std::size_t N = grid_.size(), n = nodes();
    const Real to_cm = hbar_c_squared_MeV2_cm2<Real>;  // sigma [MeV^-2] -> cm^2
    const bool with_x = options.mean_target_energies;
    if (with_x) x_rate_.assign(n * S_, Real(0));
    // Bases used by any process, per target state.
    for (std::size_t b = 0; b < 3; ++b) {
      std::vector<scattering_basis> used;
      for (std::size_t p = 0; p < S_; ++p)
        for (std::size_t t = 0; t < sc.target_kinds(); ++t)
          for (const auto& proc : sc.processes(p, b, t))
            for (std::size_t q = 0; q < proc.term_count; ++q)
              if (std::find(used.begin(), used.end(), proc.terms[q].first) == used.end()) used.push_back(proc.terms[q].first);
      used_[b] = used;
      slots_[b] = shape_slots_of(used);
      // Coefficients summed over processes and populations (densities included) per (source, product, basis).
      const auto pops = relic.targets(b);
      combination& comb = combined_[b];
      const std::size_t U = used.size();
      comb.loss.assign(S_ * U, Real(0));
      comb.total3.assign(S_ * U, Real(0));
      comb.total4.assign(S_ * U, Real(0));
      std::vector<Real> c3(S_ * S_ * U, Real(0)), c4(S_ * S_ * U, Real(0));
      for (std::size_t p = 0; p < S_; ++p)
        for (std::size_t t = 0; t < pops.size(); ++t) {
          const Real density = pops[t].density_per_cm3 * to_cm;
          for (const auto& proc : sc.processes(p, b, t))
            for (std::size_t q = 0; q < proc.term_count; ++q) {
              const std::size_t u = static_cast<std::size_t>(std::find(used.begin(), used.end(), proc.terms[q].first) - used.begin());
              const Real c = density * proc.terms[q].second;
              comb.loss[p * U + u] += c;
              comb.total3[p * U + u] += c;
              comb.total4[p * U + u] += c;
              c3[(p * S_ + proc.product3) * U + u] += c;
              c4[(p * S_ + proc.product4) * U + u] += c;
            }
        }
      // The coefficients of the pairs with any nonzero one: as their nonzero terms in basis order (column u: product
      // at p3, U + u: at p4), used where under half are nonzero (a universal coupling: a quarter), else as dense rows.
      for (std::size_t p = 0; p < S_; ++p)
        for (std::size_t q = 0; q < S_; ++q) {
          const std::size_t start = comb.terms.size();
          for (std::size_t u = 0; u < U; ++u) {
            if (c3[(p * S_ + q) * U + u] != 0) comb.terms.push_back({u, c3[(p * S_ + q) * U + u]});
            if (c4[(p * S_ + q) * U + u] != 0) comb.terms.push_back({U + u, c4[(p * S_ + q) * U + u]});
          }
          if (comb.terms.size() > start) {
            comb.pairs.push_back(p * S_ + q);
            comb.pair_end.push_back(comb.terms.size());
          }
        }
      // Pairs with the same terms (columns and coefficients) share one combination (with a universal coupling 5 distinct
      // rows of 24 per target state): grouped, the first of each group standing for it.
      for (std::size_t r = 0; r < comb.pairs.size(); ++r) {
        const std::size_t begin = r == 0 ? 0 : comb.pair_end[r - 1], length = comb.pair_end[r] - begin;
        std::size_t g = 0;
        for (; g < comb.group_first.size(); ++g) {
          const std::size_t r0 = comb.group_first[g], begin0 = r0 == 0 ? 0 : comb.pair_end[r0 - 1];
          if (comb.pair_end[r0] - begin0 != length) continue;
          bool same = true;
          for (std::size_t t = 0; t < length && same; ++t)
            same = comb.terms[begin + t].column == comb.terms[begin0 + t].column &&
                   comb.terms[begin + t].coefficient == comb.terms[begin0 + t].coefficient;
          if (same) break;
        }
        if (g == comb.group_first.size()) {
          comb.group_first.push_back(r);
          comb.group_members.emplace_back();
        }
        comb.group_members[g].push_back(comb.pairs[r]);
      }
      comb.rows.assign(2 * U * comb.pairs.size(), Real(0));
      for (std::size_t r = 0, t = 0; r < comb.pairs.size(); ++r)
        for (; t < comb.pair_end[r]; ++t) comb.rows[r * 2 * U + comb.terms[t].column] = comb.terms[t].coefficient;
      comb.sparse = 2 * comb.terms.size() < comb.rows.size();
      // Per group the slots u whose pair of coefficients (at p3, at p4) is not both zero (CSR).
      comb.active_begin.assign(1, 0);
      comb.active_u.clear();
      for (const std::size_t r : comb.group_first) {
        for (std::size_t u = 0; u < U; ++u)
          if (comb.rows[r * 2 * U + u] != 0 || comb.rows[r * 2 * U + U + u] != 0) comb.active_u.push_back(u);
        comb.active_begin.push_back(comb.active_u.size());
      }
    }
    // The rows of gains the assembly computes per source node: one per (target state, group of pairs), in state order;
    // each species pair's entry is the sum of its rows in that order (CSR: pair_row_begin[pair] .. [pair + 1]).
    std::size_t group_rows = 0;
    std::array<std::size_t, 3> first_row{};
    std::vector<std::vector<std::size_t>> rows_of_pair(S_ * S_);
    for (std::size_t b = 0; b < 3; ++b) {
      first_row[b] = group_rows;
      if (used_[b].empty()) continue;
      for (std::size_t group = 0; group < combined_[b].group_first.size(); ++group)
        for (const std::size_t pair : combined_[b].group_members[group]) rows_of_pair[pair].push_back(group_rows + group);
      group_rows += combined_[b].group_first.size();
    }
    std::vector<std::size_t> pair_row_begin{0}, pair_row;
    for (const auto& list : rows_of_pair) {
      pair_row.insert(pair_row.end(), list.begin(), list.end());
      pair_row_begin.push_back(pair_row.size());
    }
    std::size_t uniform_rows = rows_of_pair.empty() ? 0 : rows_of_pair[0].size();
    for (const auto& list : rows_of_pair)
      if (list.size() != uniform_rows) uniform_rows = 0;
    // Kind-symmetric by construction: each entry's partner (s <-> s ^ 1 on both sides) sums the same rows in the same
    // order, so the two are equal bit for bit in every block (the halves need no comparison).
    bool rows_kind_symmetric = S_ % 2 == 0;
    for (std::size_t sp = 0; sp < S_ && rows_kind_symmetric; ++sp)
      for (std::size_t sq = 0; sq < S_; ++sq)
        if (rows_of_pair[sp * S_ + sq] != rows_of_pair[(sp ^ 1) * S_ + (sq ^ 1)]) rows_kind_symmetric = false;
    const Real M = sc.interaction().med.mass_MeV, M2 = M * M, MGamma = M * sc.width_MeV();
    std::array<std::vector<target_energy_node<Real>>, 3> x_nodes;
    for (std::size_t b = 0; b < 3; ++b) {
      if (relic.at_rest(b)) x_nodes[b] = {{relic.mass_MeV(b), Real(1)}};
      else x_nodes[b] = relic.distribution(b).gauss_nodes(thermal_shape_nodes_of(relic.distribution(b), options));
    }
    // One source node i: everything it writes (its loss, budget and x-rate entries, its blocks (i -> k)) is its own, so
    // the nodes can be shared among threads (runs of source_run nodes, handed out below) with the same result.
    // Scratch per thread: the deposits per target state of the current source node, its rows of gains per (target
    // state, group of pairs) into every destination ([row][destination]: the loops run along the destinations).
    struct scratch {
      std::array<deposits, 3> totals;
      std::vector<Real> group_gains, budget_sums;
      std::vector<Real> column_sums;  // [source species][destination]: the blocks' column sums (full scope)
      std::vector<const Real*> row;   // the species pairs' rows in group_gains (CSR as pair_row)
      std::vector<Real> blocks, run_sums;  // with a sink: the run's blocks (or halves) and column sums (mass_state_block_sink)
      std::array<detail::target_shapes<Real>, 16> targets{};  // a thermal state's targets (accumulate_deposits_nodes)
      std::size_t slot = 0;                // the node's place in its run
      bool symmetric = true;               // halves to a sink: every block of the run so far kind-symmetric
    };
    auto source_node = [&](std::size_t i, scratch& work) {
      auto& totals = work.totals;
      auto &group_gains = work.group_gains, &budget_sums = work.budget_sums;
      budget_sums.resize(2 * S_);
      const std::size_t j = first_ + i;
      const Real e = grid_.node_MeV(j), E_lo = grid_.bin_lower_MeV(j), E_hi = grid_.bin_upper_MeV(j);
      for (std::size_t b = 0; b < 3; ++b) {
        const auto& used = used_[b];
        if (used.empty()) continue;
        const Real m = relic.mass_MeV(b), m2 = m * m;
        const bool rest = relic.at_rest(b);
        const Real mu = rest ? m : relic.distribution(b).mean_MeV();
        const Real E_fmin = e * mu / (2 * e + mu);
        // Resonant prefactors averaged over the bin (and the thermal distribution); plain ones per target energy.
        std::array<Real, detail::basis_count> resonant{}, resonant_x{};  // per used basis (at most one per basis)
        const resonance_pole<Real> pole{M2, MGamma};
        bool any_resonant = false;
        for (auto basis : used) any_resonant = any_resonant || detail::resonant_basis(basis);
        if (any_resonant) {
          const std::array<Real, 3> J = rest ? at_rest_pole_moments(pole, m, E_lo, E_hi)
                                             : thermal_pole_moments(pole, relic.distribution(b), E_lo, E_hi);
          for (std::size_t u = 0; u < used.size(); ++u)
            if (detail::resonant_basis(used[u]))
              resonant[u] = resonant_prefactor<Real>{detail::resonant_numerator(used[u], m2, M2, MGamma), pole}.from_moments(J);
          if (with_x && !rest) {
            const std::array<Real, 3> Jx = thermal_pole_moments_times_x(pole, relic.distribution(b), E_lo, E_hi);
            for (std::size_t u = 0; u < used.size(); ++u)
              if (detail::resonant_basis(used[u]))
                resonant_x[u] = resonant_prefactor<Real>{detail::resonant_numerator(used[u], m2, M2, MGamma), pole}.from_moments(Jx);
          }
        }
        // Per target energy: weights x prefactor x shape moments, summed.
        deposits& total = totals[b];
        total.lo = scope_ == kernel_scope::full ? 0 : (first_ > 0 ? first_ - 1 : 0);
        total.U = used.size();
        total.nodes = j + 1 - total.lo;
        // The first target energy assigns every deposit (accumulate_deposits), so no zero fill unless it writes none.
        total.dep.resize(total.nodes * 2 * used.size());
        if (total.nodes == 1) std::fill(total.dep.begin(), total.dep.end(), Real(0));
        total.under3_n.assign(used.size(), Real(0));
        total.under4_n = total.under3_e = total.under4_e = total.under3_n;
        std::array<Real, detail::basis_count> integral{}, integral_x{};
        // The resonant prefactors hold the distribution's whole weight already (for a restricted part, its share):
        // their shapes take the nodes' weights relative to the share.
        const Real share = rest ? Real(1) : relic.distribution(b).probability();
        bool first_target = true;
        // Several target energies with scalar shapes in fixed slots: their deposits summed before the hats
        // (accumulate_deposits_nodes), each target's shapes weighted by its families' factors.
        const std::size_t K = x_nodes[b].size();
        const bool together = targets_together_ && K > 1 && K <= 16 && fixed_slot_shapes(slots_[b]);
        auto& targets = work.targets;
        std::size_t q = 0;
        std::array<Real, detail::basis_count> weight{}, shape_total{};  // per target energy, entries u < used.size()
        for (const auto& node : x_nodes[b]) {
          const scattering_kinematics<Real> k{m2 + 2 * e * node.x_MeV, m2, M2, MGamma};
          const Real resonant_weight = share == 1 ? node.weight : node.weight / share;
          for (std::size_t u = 0; u < used.size(); ++u)
            weight[u] = detail::resonant_basis(used[u]) ? resonant_weight * resonant[u] : node.weight * detail::plain_prefactor(used[u], k);
          detail::shape_integrals(used.data(), used.size(), k, shape_total.data());
          for (std::size_t u = 0; u < used.size(); ++u) integral[u] += weight[u] * shape_total[u];
          if (with_x && !rest)
            for (std::size_t u = 0; u < used.size(); ++u)
              integral_x[u] += (detail::resonant_basis(used[u]) ? resonant_weight * resonant_x[u] : weight[u] * node.x_MeV) * shape_total[u];
          if (together) {  // the resonant family's factor, and the plain one's (s_tt, s_uu and s_tu share 1/(32 pi A))
            targets[q++] = {k.a(), k.beta(), 1 / k.A(), {resonant_weight, node.weight * detail::plain_prefactor(scattering_basis::s_tt, k)}};
            if (scope_ == kernel_scope::full && E_fmin < grid_.node_MeV(0))  // the underflow alone (nothing else to do)
              accumulate_deposits(used, slots_[b], k, weight.data(), e, E_fmin, j, total, first_target, false);
          } else {
            accumulate_deposits(used, slots_[b], k, weight.data(), e, E_fmin, j, total, first_target);
          }
          first_target = false;
        }
        if (together) {
          std::array<Real, detail::basis_count> coefficient{};
          for (std::size_t u = 0; u < used.size(); ++u) coefficient[u] = detail::resonant_basis(used[u]) ? resonant[u] : Real(1);
          accumulate_deposits_nodes(used, slots_[b], targets.data(), K, coefficient.data(), e, E_fmin, j, total);
        }
        // Gains and losses from the combined coefficients of (source species, product species, basis).
        const auto& comb = combined_[b];
        for (std::size_t sp = 0; sp < S_; ++sp) {
          const std::size_t src = i * S_ + sp;
          for (std::size_t u = 0; u < used.size(); ++u) loss_[src] += comb.loss[sp * used.size() + u] * integral[u];
          if (with_x)
            for (std::size_t u = 0; u < used.size(); ++u)
              x_rate_[src] += comb.loss[sp * used.size() + u] * (rest ? m * integral[u] : integral_x[u]);
          if (scope_ == kernel_scope::full)
            for (std::size_t u = 0; u < used.size(); ++u)
              underflow_energy_[src] += comb.total3[sp * used.size() + u] * total.under3_e[u] + comb.total4[sp * used.size() + u] * total.under4_e[u];
        }
      }
      // The blocks (i -> jj), each written once with the gains from every target state: the groups' gains run along the
      // destinations (the deposits are stored destination-contiguous per column), then each block is written once from
      // its pairs' rows (the blocks of one source node are far apart in memory: destination-major).
      const std::size_t lo = scope_ == kernel_scope::full ? 0 : (first_ > 0 ? first_ - 1 : 0);
      const std::size_t jj0 = std::max(lo, first_), count = j + 1 - jj0, skip = jj0 - lo;
      group_gains.resize(group_rows * count);
      const bool wide = detail::use_avx2();
      for (std::size_t b = 0; b < 3; ++b) {
        const std::size_t U = used_[b].size();
        if (U == 0) continue;
        const Real* d = totals[b].dep.data() + skip;  // column c at d + c * totals[b].nodes
        Real* rows = group_gains.data() + first_row[b] * count;
        if (wide) combine_groups_avx2(combined_[b], U, d, totals[b].nodes, count, rows);
        else combine_groups_portable(combined_[b], U, d, totals[b].nodes, count, rows);
      }
      // In the full scope the blocks' column sums give the budget (every destination k = 0..i, in order): deposited[sp]
      // and energy_gain[sp], independent chains per source species.
      const bool budget = scope_ == kernel_scope::full;
      work.column_sums.resize(budget ? S_ * count : 0);
      work.row.resize(pair_row.size());
      for (std::size_t r = 0; r < pair_row.size(); ++r) work.row[r] = group_gains.data() + pair_row[r] * count;
      const block_rows pr{count, pair_row_begin.data(), work.row.data(), uniform_rows};
      Real* sums = budget ? work.column_sums.data() : nullptr;
      Real* contiguous = nullptr;  // with a sink: this node's blocks one after another, handed to it
      half_target halves{};        // or their partner halves (mass_state_block_sink::takes_kind_halves)
      if (sink_) {
        if (halves_out_) {
          const std::size_t HH = S_ / 2 * (S_ / 2);
          if (in_place_.offset)
            halves = {in_place_.plus, in_place_.minus, 0, &work.symmetric, in_place_.offset, i, jj0 - first_, HH, !rows_kind_symmetric};
          else
            halves = {work.blocks.data() + work.slot * HH, work.blocks.data() + source_run * n * HH + work.slot * HH, source_run * HH,
                      &work.symmetric, nullptr, 0, 0, 0, !rows_kind_symmetric};
        } else {
          contiguous = work.blocks.data() + work.slot * n * S_ * S_;
        }
        if (budget) sums = work.run_sums.data() + work.slot * S_ * n;
      }
      if (wide && S_ == 6) write_blocks_avx2<6>(i, jj0, pr, sums, contiguous, halves);
      else write_blocks_portable(i, jj0, pr, sums, 0, contiguous, halves);
      if (budget) {  // per source species the sums over q ascending, the species side by side (independent chains)
        if (S_ == 6) column_sum_totals<6>(sums, jj0, count, budget_sums.data());
        else column_sum_totals<0>(sums, jj0, count, budget_sums.data());
      }
      if (budget)
        for (std::size_t sp = 0; sp < S_; ++sp) {
          const std::size_t src = i * S_ + sp;
          // Two products per scattering: what the nodes did not receive went below the lowest node (the difference
          // makes the number budget exact; its size is checked against the quadrature in the tests).
          underflow_number_[src] = 2 * loss_[src] - budget_sums[sp];
          injected_[src] = budget_sums[S_ + sp] + underflow_energy_[src] - grid_.node_MeV(first_ + i) * loss_[src];
        }
    };
    const std::size_t workers = resolve_threads(threads, n);
    // The runs handed out from the highest (the costliest: a node's work grows with the destinations below it) down, to
    // whichever thread is free. If nodes throw, the exception of the lowest failing node is rethrown, as a single thread
    // would: a thread goes on after a failure (every run is taken) and keeps its lowest failing node.
    constexpr std::size_t C = source_run;
    const std::size_t runs = (n + C - 1) / C;
    std::atomic<std::size_t> next_run{0};
    std::vector<std::size_t> failed_node(workers, n);
    std::vector<std::exception_ptr> failure(workers);
    parallel_for(workers, workers, [&](std::size_t t) {
      scratch work;
      if (sink_) {
        work.blocks.resize(halves_out_ ? (in_place_.offset ? 0 : 2 * C * n * (S_ / 2) * (S_ / 2)) : C * n * S_ * S_);
        work.run_sums.resize(scope_ == kernel_scope::full ? C * S_ * n : 0);
      }
      for (std::size_t r = next_run.fetch_add(1, std::memory_order_relaxed); r < runs; r = next_run.fetch_add(1, std::memory_order_relaxed)) {
        const std::size_t i0 = (runs - 1 - r) * C, i1 = std::min(n, i0 + C);
        std::size_t i = i0;
        try {
          for (i = i0; i < i1; ++i) {
            work.slot = i - i0;
            source_node(i, work);
          }
          i = i0;  // a failure of the sink is the run's
          const Real* run_sums = work.run_sums.empty() ? nullptr : work.run_sums.data();
          if (sink_ && halves_out_) {
            const std::size_t HH = S_ / 2 * (S_ / 2);
            if (in_place_.offset) sink_->receive_halves(i0, i1 - i0, n, nullptr, nullptr, work.symmetric, run_sums);
            else sink_->receive_halves(i0, i1 - i0, n, work.blocks.data(), work.blocks.data() + C * n * HH, work.symmetric, run_sums);
            work.symmetric = true;
          } else if (sink_) {
            sink_->receive(i0, i1 - i0, n, work.blocks.data(), run_sums);
          }
        } catch (...) {
          if (i < failed_node[t]) {
            failed_node[t] = i;
            failure[t] = std::current_exception();
          }
          work.symmetric = true;
        }
      }
    });
    const auto first_failure = std::min_element(failed_node.begin(), failed_node.end());
    if (*first_failure < n) std::rethrow_exception(failure[static_cast<std::size_t>(first_failure - failed_node.begin())]);
    (void)N;
  }

  // total[sp] = sums[sp * count + q] summed over q < count and total[S + sp] the same times node jj0 + q's energy, each
  // from 0 in ascending q (species fixed at compile time if FS > 0: the sums in registers).
  template <std::size_t FS>
  void column_sum_totals(const Real* sums, std::size_t jj0, std::size_t count, Real* total) const {
    const std::size_t S = FS > 0 ? FS : S_;
    std::array<Real, FS> number{}, energy{};
    Real* n = FS > 0 ? number.data() : total;
    Real* en = FS > 0 ? energy.data() : total + S;
    std::fill_n(n, S, Real(0));
    std::fill_n(en, S, Real(0));
    for (std::size_t q = 0; q < count; ++q) {
      const Real E = grid_.node_MeV(jj0 + q);
      for (std::size_t sp = 0; sp < S; ++sp) {
        const Real column = sums[sp * count + q];
        n[sp] += column;
        en[sp] += column * E;
      }
    }
    if constexpr (FS > 0) {
      std::copy_n(number.data(), S, total);
      std::copy_n(energy.data(), S, total + S);
    }
  }

  // The distinct shapes of the used bases: basis u's moments are those of shape slot[u] (D of them, shape d of basis
  // index[d]; fixed-size arrays, at most one slot per basis: no allocation). Whether every shape is a scalar mediator's
  // (then the vector ones are not computed; fixed[d]: shape d's place among the six scalar slots s_ss, s_tt, s_uu, s_tu,
  // s_st, s_su; s_st_im and s_su_im share the real parts' shapes) and whether every one is a polynomial.
  struct shape_slots {
    std::size_t D = 0;
    std::array<std::size_t, detail::basis_count> slot{}, index{}, fixed{};
    bool scalar_only = true, polynomial = true;
  };
  static shape_slots shape_slots_of(const std::vector<scattering_basis>& used) {
    shape_slots out;
    std::array<scattering_basis, detail::basis_count> shapes{};
    for (std::size_t u = 0; u < used.size(); ++u) {
      const scattering_basis b = used[u], r = detail::shape_representative(b);
      if (b != scattering_basis::s_ss && b != scattering_basis::v_wu_ss2 && b != scattering_basis::v_wu_ss1 &&
          b != scattering_basis::v_wt_ss2 && b != scattering_basis::v_wt_ss1)
        out.polynomial = false;
      const auto it = std::find(shapes.begin(), shapes.begin() + static_cast<std::ptrdiff_t>(out.D), r);
      out.slot[u] = static_cast<std::size_t>(it - shapes.begin());
      if (out.slot[u] == out.D) shapes[out.D++] = r;
    }
    for (std::size_t d = 0; d < out.D; ++d) {
      out.index[d] = static_cast<std::size_t>(shapes[d]);
      out.scalar_only = out.scalar_only && out.index[d] <= static_cast<std::size_t>(scattering_basis::s_su_im);
      out.fixed[d] = std::min<std::size_t>(out.index[d], 5);  // s_ss .. s_st_re are slots 0-4 in basis order, s_su_re/im 5
    }
    return out;
  }

  // Whether accumulate_deposits takes the used bases' shapes in fixed slots: scalar shapes, not all polynomial (then
  // accumulate_deposits_nodes applies).
  static bool fixed_slot_shapes(const shape_slots& shapes) {
    return shapes.scalar_only && !shapes.polynomial;
  }

  // Adds to `total` (assigns, if `assign`: the first target energy) the hat deposits of every used basis, for products at p3 (shape(y)) and p4 (shape(1 - y)) of a
  // source at energy e, products at E(y) = E_fmin + y (e - E_fmin), each basis scaled by weight[u]. Gauss-Legendre on
  // pieces no wider than their distance to the poles y = -a and 1 + a (2 (options.fewest_gauss_points), 3, 5 or 8
  // points by that ratio r: 2 up to r = 0.002, 3 up to 0.03, 5 up to 0.25); above y = 1/2 the pieces are parametrised by z = 1 - y (computed from energies, so the
  // forward peak of width a keeps its relative accuracy down to a ~ 1e-300). Scalar shapes on an interval near a pole
  // (where scalar_closed_form_applies): in closed form instead (scalar_shape_interval_moments).
  void accumulate_deposits(const std::vector<scattering_basis>& used, const shape_slots& shapes, const scattering_kinematics<Real>& k,
                           const Real* weight, Real e, Real E_fmin, std::size_t j, deposits& total, bool assign,
                           bool with_intervals = true) const {
    const Real span = e - E_fmin, a = k.a(), beta = k.beta(), inverse_A = 1 / k.A();
    const std::size_t U = used.size();
    constexpr std::size_t most = detail::basis_count;
    const std::size_t D = shapes.D;
    const auto &slot = shapes.slot, &index = shapes.index;
    const bool polynomial = shapes.polynomial, scalar_only = shapes.scalar_only;
    // m0: number; n1: int (E - E_low) f (energy above the interval's lower end), per shape, products at p3 and p4.
    std::array<Real, most> m0_3{}, n1_3{}, m0_4{}, n1_4{};
    const Real inverse_span = 1 / span;
    const bool closed_form = scalar_only && !polynomial && a <= 1;  // scalar shapes in closed form (vector: quadrature)
    // (fixed_slots below: scalar shapes, not all polynomial, so closed_form is a <= 1, as sort_intervals takes it)
    std::array<Real, detail::basis_count> direct{}, mirror{};
    // A point at (y, z = 1 - y), weight w, energy above the lower end t [MeV]; the product at p4 has shape(1 - y).
    auto add_point = [&](Real y, Real z, Real w, Real t) {
      detail::all_basis_shapes_both(y, z, a, beta, inverse_A, direct.data(), mirror.data(), scalar_only);
      for (std::size_t d = 0; d < D; ++d) {
        const Real f3 = w * direct[index[d]], f4 = w * mirror[index[d]];
        m0_3[d] += f3;
        n1_3[d] += f3 * t;
        m0_4[d] += f4;
        n1_4[d] += f4 * t;
      }
    };
    // The scalar shapes s_ss, s_tt, s_uu, s_tu, s_st_re, s_su_re (slots 0-5) at a point, accumulated in fixed slots (no
    // indirection) and copied to the used shapes per interval.
    const bool fixed_slots = scalar_only && !polynomial;
    const auto& fixed = shapes.fixed;
    // p4's sums are p3's of the mirrored slot (detail::scalar_mirror_slot), accumulated once.
    std::array<Real, 6> s_m3{}, s_n3{};
    auto add_scalar_point = [&](Real y, Real z, Real w, Real t) {
      detail::add_scalar_shapes(y, z, w, t, a, beta, inverse_A, s_m3.data(), s_n3.data());
    };
    auto point = [&](Real y, Real z, Real w, Real t) {
      if (fixed_slots) add_scalar_point(y, z, w, t);
      else add_point(y, z, w, t);
    };
    const auto &g2 = detail::unit_gauss_rule<Real>(2), &g3 = detail::unit_gauss_rule<Real>(3), &g5 = detail::unit_gauss_rule<Real>(5), &g8 = detail::unit_gauss_rule<Real>(8);
    // The rules of 2, 3, 5 and 8 points (detail::piece_rule_index).
    const std::array<const detail::unit_gauss<Real>*, 4> rules{&g2, &g3, &g5, &g8};
    // The interval between energies El < Eu (with y and z at both ends).
    auto clear = [&] {
      std::fill_n(m0_3.begin(), D, Real(0));
      std::fill_n(n1_3.begin(), D, Real(0));
      std::fill_n(m0_4.begin(), D, Real(0));
      std::fill_n(n1_4.begin(), D, Real(0));
    };
    // Every path below writes all D moments: the closed form and the fixed slots assign them, the others accumulate
    // from zero.
    auto integrate = [&](Real El, Real Eu) {
      const Real ya = std::max((El - E_fmin) * inverse_span, Real(0)), yb = std::min((Eu - E_fmin) * inverse_span, Real(1));
      const Real za = std::min((e - El) * inverse_span, Real(1)), zb = std::max((e - Eu) * inverse_span, Real(0));
      if (!(yb > ya)) {
        clear();
        return;
      }
      // Closed form near a pole only: an interval within 0.03 of its width from both poles takes 3 Gauss points, which
      // cost less than the logarithms (measured); nearer, the quadrature needs 5-8 points on several pieces.
      if (closed_form && yb - ya > Real(0.03L) * std::min(ya + a, zb + a) && detail::scalar_closed_form_applies(yb, za, a)) {
        detail::scalar_shape_interval_moments(ya, yb, za, zb, a, beta, inverse_A, index.data(), D, m0_3.data(), n1_3.data(),
                                              m0_4.data(), n1_4.data());
        for (std::size_t d = 0; d < D; ++d) {
          n1_3[d] *= span;
          n1_4[d] *= span;
        }
        return;
      }
      if (!fixed_slots) clear();
      if (polynomial) {  // degree <= 3 with the energy weight: 2-point Gauss is exact
        const auto& g = detail::unit_gauss_rule<Real>(2);
        for (std::size_t r = 0; r < g.x.size(); ++r) {
          const Real d = (yb - ya) * g.x[r];
          add_point(ya + d, za - d, (yb - ya) * g.w[r], d * span);
        }
        return;
      }
      if (fixed_slots) s_m3 = s_n3 = std::array<Real, 6>{};
      detail::interval_gauss_points(ya, yb, za, zb, a, span, two_point_, point);
      if (fixed_slots)
        for (std::size_t d = 0; d < D; ++d) {
          const std::size_t k = fixed[d];
          m0_3[d] = s_m3[k];
          n1_3[d] = s_n3[k];
          m0_4[d] = s_m3[detail::scalar_mirror_slot[k]];
          n1_4[d] = s_n3[detail::scalar_mirror_slot[k]];
        }
    };
    // The moments of every interval [e_c, e_{c+1}], c = lo .. j-1, first; then the deposits, column by column. Scalar
    // shapes (fixed slots): the intervals on one Gauss piece batched by rule and parametrisation (gauss_piece_batch:
    // each interval the same operations as integrate's, the intervals in vector lanes), the others by integrate.
    const std::size_t intervals = with_intervals ? j - total.lo : 0;
    thread_local std::vector<Real> stored;
    stored.resize(4 * D * intervals);  // [(part * D + d) * intervals + c - lo], parts m0_3, n1_3, m0_4, n1_4
    const Real* inverse_width = inverse_width_.data() + total.lo;  // 1/(e_{c+1} - e_c), once per grid
    auto part = [&](std::size_t which, std::size_t d) { return stored.data() + (which * D + d) * intervals; };
    auto store = [&](std::size_t i) {
      for (std::size_t d = 0; d < D; ++d) {
        part(0, d)[i] = m0_3[d];
        part(1, d)[i] = n1_3[d];
        part(2, d)[i] = m0_4[d];
        part(3, d)[i] = n1_4[d];
      }
    };
    thread_local std::array<piece_batch, 8> batches;  // [2 * rule + (z-parametrised)], rules of 2, 3, 5, 8 points
    thread_local closed_batch closed;  // the intervals in closed form
    thread_local std::vector<std::size_t> several;  // the intervals of several pieces (integrate)
    if (fixed_slots) {
      // In closed form as integrate would take it (batched), or one piece in y (the z part empty) or one in z (the y
      // part empty), as integrate would cut them, or several.
      sort_intervals(total.lo, intervals, e, E_fmin, inverse_span, a, a, closed, batches, several);
    } else {
      for (auto& b : batches) b.clear();
      closed.clear();
      several.resize(intervals);
      for (std::size_t i = 0; i < intervals; ++i) several[i] = i;
    }
    for (const std::size_t i : several) {
      integrate(grid_.node_MeV(total.lo + i), grid_.node_MeV(total.lo + i + 1));
      store(i);
    }
    if (closed.size() > 0) {
      if (detail::use_avx2())
        detail::scalar_shape_moments_batch_avx2(closed.interval.data(), closed.ya.data(), closed.yb.data(), closed.za.data(), closed.zb.data(),
                                                closed.size(), a, beta, inverse_A, span, index.data(), D, {stored.data(), intervals});
      else
        detail::scalar_shape_moments_batch_portable(closed.interval.data(), closed.ya.data(), closed.yb.data(), closed.za.data(),
                                                    closed.zb.data(), closed.size(), a, beta, inverse_A, span, index.data(), D,
                                                    {stored.data(), intervals});
    }
    // The batches write each part straight to its place: part (which, d) from sum source[which * D + d] of the twelve
    // (the number and energy sums of slot k at p3; p4's are p3's of the mirrored slot).
    std::array<std::size_t, 4 * detail::scalar_basis_count> source{};  // fixed slots: scalar shapes only
    for (std::size_t d = 0; d < D && fixed_slots; ++d) {
      const std::size_t k = fixed[d], k4 = detail::scalar_mirror_slot[k];
      source[d] = k;
      source[D + d] = 6 + k;
      source[2 * D + d] = k4;
      source[3 * D + d] = 6 + k4;
    }
    const detail::target_shapes<Real> alone{a, beta, inverse_A, {Real(1), Real(1)}};  // the weights come with the hats
    for (std::size_t b = 0; b < batches.size(); ++b) {
      const auto& batch = batches[b];
      if (batch.size() == 0) continue;
      detail::gauss_piece_batch(rules[b / 2]->x.size(), b % 2 == 1, *rules[b / 2], &alone, 1, span, batch, source.data(), 4 * D, stored.data(),
                                intervals);
    }
    // Deposits on the nodes c (if tracked/stored) and c + 1 of each interval c, by the hats: upper node n1/width, lower
    // node m0 - n1/width. Node c takes its share from interval c - 1, then from interval c (in that order, as a loop
    // over the intervals would add them); if `assign`, the first of them is assigned (0 + x = x: the same values).
    if (intervals > 0) {
      const bool wide = detail::use_avx2();
      const std::size_t stride = total.nodes;
      for (std::size_t u = 0; u < U; ++u)
        for (std::size_t product = 0; product < 2; ++product) {  // at p3 (column u), at p4 (column U + u)
          const Real *m0 = part(2 * product, slot[u]), *n1 = part(2 * product + 1, slot[u]);
          Real* node = total.dep.data() + (product * U + u) * stride;  // node lo at node[0]
          if (wide) detail::deposit_column_avx2(m0, n1, inverse_width, weight[u], intervals, assign, node);
          else detail::deposit_column_portable(m0, n1, inverse_width, weight[u], intervals, assign, node);
        }
    }
    if (scope_ == kernel_scope::full && E_fmin < grid_.node_MeV(0)) {  // below the lowest node: the underflow
      integrate(E_fmin, grid_.node_MeV(0));
      for (std::size_t u = 0; u < U; ++u) {
        const std::size_t d = slot[u];
        total.under3_n[u] += weight[u] * m0_3[d];
        total.under4_n[u] += weight[u] * m0_4[d];
        total.under3_e[u] += weight[u] * (E_fmin * m0_3[d] + n1_3[d]);
        total.under4_e[u] += weight[u] * (E_fmin * m0_4[d] + n1_4[d]);
      }
    }
  }

  // accumulate_deposits' intervals (not its underflow) for K target energies of one state at once, the bases' shapes in
  // fixed slots (fixed_slot_shapes). Target q's shapes weigh by its family factors (detail::target_shapes: a basis's
  // weight at target q is targets[q].factor[family] times coefficient[u]), summed over the targets before the hats are
  // deposited, so the intervals are sorted and deposited once per state instead of once per target. Each interval
  // takes, for every target, a rule at least as fine as accumulate_deposits would give it: the closed form where it
  // applies for the largest a (then for all) and the nearest target's pole asks for it; else one Gauss piece whose
  // width and points are set by the smallest a (the nearest poles: the piece fits, and the rule suffices, for every
  // target); else, per target, accumulate_deposits' own treatment.
  void accumulate_deposits_nodes(const std::vector<scattering_basis>& used, const shape_slots& shapes, const detail::target_shapes<Real>* targets,
                                 std::size_t K,
                                 const Real* coefficient, Real e, Real E_fmin, std::size_t j, deposits& total) const {
    const std::size_t U = used.size(), intervals = j - total.lo;
    if (intervals == 0) return;
    const Real span = e - E_fmin, inverse_span = 1 / span;
    constexpr std::size_t most = detail::scalar_basis_count;  // D: scalar shapes only (fixed_slot_shapes)
    const std::size_t D = shapes.D;
    const auto &slot = shapes.slot, &index = shapes.index, &fixed = shapes.fixed;
    std::array<std::size_t, most> family{};
    for (std::size_t d = 0; d < D; ++d) family[d] = detail::scalar_slot_family[fixed[d]];
    Real a_min = targets[0].a, a_max = targets[0].a;
    for (std::size_t q = 1; q < K; ++q) {
      a_min = std::min(a_min, targets[q].a);
      a_max = std::max(a_max, targets[q].a);
    }
    thread_local std::vector<Real> stored;
    stored.resize(4 * D * intervals);  // [(part * D + d) * intervals + c - lo], parts m0_3, n1_3, m0_4, n1_4
    auto part = [&](std::size_t which, std::size_t d) { return stored.data() + (which * D + d) * intervals; };
    const Real* inverse_width = inverse_width_.data() + total.lo;
    const auto &g2 = detail::unit_gauss_rule<Real>(2), &g3 = detail::unit_gauss_rule<Real>(3), &g5 = detail::unit_gauss_rule<Real>(5),
               &g8 = detail::unit_gauss_rule<Real>(8);
    const std::array<const detail::unit_gauss<Real>*, 4> rules{&g2, &g3, &g5, &g8};
    thread_local std::array<piece_batch, 8> batches;
    thread_local closed_batch closed;
    thread_local std::vector<std::size_t> apart;  // intervals each target takes on its own
    // One piece in y or in z for the smallest a (its q, zq are the nearest to ya, za of all the targets').
    sort_intervals(total.lo, intervals, e, E_fmin, inverse_span, a_min, a_max, closed, batches, apart);
    // Adds target q's moments v of (part, d) at interval i with its family's factor (the first target assigns).
    auto add = [&](std::size_t q, std::size_t which, std::size_t d, std::size_t i, Real v) {
      Real& into = part(which, d)[i];
      const Real weighted = targets[q].factor[family[d]] * v;
      into = q == 0 ? weighted : into + weighted;
    };
    if (closed.size() > 0)
      for (std::size_t q = 0; q < K; ++q) {  // each target's moments times its family factors, summed in place
        const auto& t = targets[q];
        std::array<Real, most> factor{};
        for (std::size_t d = 0; d < D; ++d) factor[d] = t.factor[family[d]];
        const detail::shape_moments_destination<Real> to{stored.data(), intervals, factor.data(), q > 0};
        if (detail::use_avx2())
          detail::scalar_shape_moments_batch_avx2(closed.interval.data(), closed.ya.data(), closed.yb.data(), closed.za.data(), closed.zb.data(),
                                                  closed.size(), t.a, t.beta, t.inverse_A, span, index.data(), D, to);
        else
          detail::scalar_shape_moments_batch_portable(closed.interval.data(), closed.ya.data(), closed.yb.data(), closed.za.data(),
                                                      closed.zb.data(), closed.size(), t.a, t.beta, t.inverse_A, span, index.data(), D, to);
      }
    std::array<std::size_t, 4 * most> source{};
    for (std::size_t d = 0; d < D; ++d) {
      const std::size_t k = fixed[d], k4 = detail::scalar_mirror_slot[k];
      source[d] = k;
      source[D + d] = 6 + k;
      source[2 * D + d] = k4;
      source[3 * D + d] = 6 + k4;
    }
    for (std::size_t b = 0; b < batches.size(); ++b)
      if (batches[b].size() > 0)
        detail::gauss_piece_batch(rules[b / 2]->x.size(), b % 2 == 1, *rules[b / 2], targets, K, span, batches[b], source.data(), 4 * D,
                                        stored.data(), intervals);
    // The remaining intervals target by target, as accumulate_deposits' integrate takes them (every branch below writes
    // the D moments of each target).
    std::array<Real, most> m0_3{}, n1_3{}, m0_4{}, n1_4{};
    for (const std::size_t i : apart) {
      const Real El = grid_.node_MeV(total.lo + i), Eu = grid_.node_MeV(total.lo + i + 1);
      const Real ya = std::max((El - E_fmin) * inverse_span, Real(0)), yb = std::min((Eu - E_fmin) * inverse_span, Real(1));
      const Real za = std::min((e - El) * inverse_span, Real(1)), zb = std::max((e - Eu) * inverse_span, Real(0));
      for (std::size_t q = 0; q < K; ++q) {
        const Real a = targets[q].a, beta = targets[q].beta, inverse_A = targets[q].inverse_A;
        if (!(yb > ya)) {
          for (auto* moments : {&m0_3, &n1_3, &m0_4, &n1_4}) std::fill_n(moments->begin(), D, Real(0));
        } else if (a <= 1 && yb - ya > Real(0.03L) * std::min(ya + a, zb + a) && detail::scalar_closed_form_applies(yb, za, a)) {
          detail::scalar_shape_interval_moments(ya, yb, za, zb, a, beta, inverse_A, index.data(), D, m0_3.data(), n1_3.data(), m0_4.data(),
                                                n1_4.data());
          for (std::size_t d = 0; d < D; ++d) {
            n1_3[d] *= span;
            n1_4[d] *= span;
          }
        } else {
          std::array<Real, 6> s_m3{}, s_n3{};
          detail::interval_gauss_points(ya, yb, za, zb, a, span, two_point_, [&](Real y, Real z, Real w, Real t) {
            detail::add_scalar_shapes(y, z, w, t, a, beta, inverse_A, s_m3.data(), s_n3.data());
          });
          for (std::size_t d = 0; d < D; ++d) {
            const std::size_t k = fixed[d];
            m0_3[d] = s_m3[k];
            n1_3[d] = s_n3[k];
            m0_4[d] = s_m3[detail::scalar_mirror_slot[k]];
            n1_4[d] = s_n3[detail::scalar_mirror_slot[k]];
          }
        }
        for (std::size_t d = 0; d < D; ++d) {
          add(q, 0, d, i, m0_3[d]);
          add(q, 1, d, i, n1_3[d]);
          add(q, 2, d, i, m0_4[d]);
          add(q, 3, d, i, n1_4[d]);
        }
      }
    }
    const bool wide = detail::use_avx2();
    const std::size_t stride = total.nodes;
    for (std::size_t u = 0; u < U; ++u)
      for (std::size_t product = 0; product < 2; ++product) {
        const Real *m0 = part(2 * product, slot[u]), *n1 = part(2 * product + 1, slot[u]);
        Real* node = total.dep.data() + (product * U + u) * stride;
        if (wide) detail::deposit_column_avx2(m0, n1, inverse_width, coefficient[u], intervals, true, node);
        else detail::deposit_column_portable(m0, n1, inverse_width, coefficient[u], intervals, true, node);
      }
  }

  // Intervals integrated on one Gauss piece (accumulate_deposits): per interval its index, the piece's ends (y from
  // `from` to `to`, or z from `from` down to `to`) and the origin of its energy weight (ya, or za); their moments go straight to the stored parts (gauss_piece_batch).
  struct piece_batch {
    std::vector<std::size_t> interval;
    std::vector<Real> from, to, origin;
    std::size_t count = 0;
    std::size_t size() const { return count; }
    void clear() { count = 0; }
    void add(std::size_t i, Real f, Real t, Real o) {
      if (count == interval.size()) {  // grown in steps, kept between calls (no allocation once warm)
        const std::size_t capacity = std::max<std::size_t>(64, 2 * count);
        interval.resize(capacity);
        from.resize(capacity);
        to.resize(capacity);
        origin.resize(capacity);
      }
      interval[count] = i;
      from[count] = f;
      to[count] = t;
      origin[count] = o;
      ++count;
    }
  };

  // Intervals whose scalar shapes take the closed form (accumulate_deposits): per interval its index and y, z at both ends.
  struct closed_batch {
    std::vector<std::size_t> interval;
    std::vector<Real> ya, yb, za, zb;
    std::size_t count = 0;
    std::size_t size() const { return count; }
    void clear() { count = 0; }
    void add(std::size_t i, Real y0, Real y1, Real z0, Real z1) {
      if (count == interval.size()) {  // grown in steps, kept between calls (no allocation once warm)
        const std::size_t capacity = std::max<std::size_t>(64, 2 * count);
        interval.resize(capacity);
        for (auto* v : {&ya, &yb, &za, &zb}) v->resize(capacity);
      }
      interval[count] = i;
      ya[count] = y0;
      yb[count] = y1;
      za[count] = z0;
      zb[count] = z1;
      ++count;
    }
  };
  // Sorts the intervals c = lo + i, i < count, of a source at energy e (products from E_fmin, 1/span = inverse_span) as the
  // deposits take them (i in order in each list): into `closed` where a_max <= 1 and the closed form applies for a_max
  // and the interval is longer than 0.03 of its distance to the nearer pole of a_min; else into the batch of its one
  // Gauss piece for a_min (single_piece_of, piece_rule_index), z-parametrised or not; else (several pieces) into
  // `several`. The lists are cleared first. Four intervals at a time in AVX2 registers where use_avx2(): the same
  // operations, so the same lists.
  void sort_intervals(std::size_t lo, std::size_t count, Real e, Real E_fmin, Real inverse_span, Real a_min, Real a_max, closed_batch& closed,
                      std::array<piece_batch, 8>& batches, std::vector<std::size_t>& several) const {
    for (auto& b : batches) b.clear();
    closed.clear();
    several.clear();
    std::size_t i = 0;
    if (detail::use_avx2()) i = sort_intervals_avx2(lo, count, e, E_fmin, inverse_span, a_min, a_max, closed, batches, several);
    for (; i < count; ++i) {
      const Real El = grid_.node_MeV(lo + i), Eu = grid_.node_MeV(lo + i + 1);
      const Real ya = std::max((El - E_fmin) * inverse_span, Real(0)), yb = std::min((Eu - E_fmin) * inverse_span, Real(1));
      const Real za = std::min((e - El) * inverse_span, Real(1)), zb = std::max((e - Eu) * inverse_span, Real(0));
      if (yb > ya && a_max <= 1 && yb - ya > Real(0.03L) * std::min(ya + a_min, zb + a_min) && detail::scalar_closed_form_applies(yb, za, a_max)) {
        closed.add(i, ya, yb, za, zb);
        continue;
      }
      const auto piece = detail::single_piece_of(ya, yb, za, zb, a_min);
      if (piece.single) batches[2 * detail::piece_rule_index(piece.r, two_point_) + (piece.z_param ? 1 : 0)].add(i, piece.from, piece.to, piece.z_param ? za : ya);
      else several.push_back(i);
    }
  }
  // sort_intervals' loop over whole quadruples of intervals (returns how many it sorted): each lane the operations of
  // the scalar loop, std::min(x, y) as y < x ? y : x, std::max(x, y) as x < y ? y : x, and std::min({x, y, z}) and
  // std::max({x, y, z}) as their first extreme.
  NUSI_TARGET_AVX2 std::size_t sort_intervals_avx2(std::size_t lo, std::size_t count, Real e, Real E_fmin, Real inverse_span, Real a_min,
                                                   Real a_max, closed_batch& closed, std::array<piece_batch, 8>& batches,
                                                   std::vector<std::size_t>& several) const {
    std::size_t i = 0;
#if (defined(__GNUC__) || defined(__clang__)) && defined(__x86_64__)  // detail::double4
    if constexpr (std::is_same_v<Real, double>) {
      using detail::broadcast4, detail::double4, detail::load4, detail::mask4, detail::max4, detail::min4, detail::select4, detail::to_mask4;
      const double4 zero = broadcast4(0), one = broadcast4(1), half = broadcast4(0.5), a = broadcast4(a_min);
      const double4 span_inverse = broadcast4(inverse_span), fmin = broadcast4(E_fmin), e4 = broadcast4(e);
      const bool closed_allowed = a_max <= 1;
      const double4 closed_share = broadcast4(double(0.03L)), a_half = broadcast4(a_max / 2);
      const double* node = grid_.nodes_MeV().data() + lo;
      for (; i + 4 <= count; i += 4) {
        const double4 El = load4(node + i), Eu = load4(node + i + 1);
        const double4 ya = max4((El - fmin) * span_inverse, zero), yb = min4((Eu - fmin) * span_inverse, one);
        const double4 za = min4((e4 - El) * span_inverse, one), zb = max4((e4 - Eu) * span_inverse, zero);
        const mask4 valid = to_mask4(yb > ya);
        const mask4 closed_lane = valid & to_mask4(yb - ya > closed_share * min4(ya + a, zb + a)) & to_mask4(yb >= a_half) & to_mask4(za >= a_half);
        // single_piece_of(ya, yb, za, zb, a_min), both of its cases, chosen per lane
        const double4 y_end = min4(yb, half), zp = min4(za, half);
        const mask4 in_y = to_mask4(ya < y_end) & ~to_mask4(zp > zb), in_z = ~to_mask4(ya < y_end) & to_mask4(zp > zb);
        double4 q = y_end;
        q = select4(to_mask4(ya + (ya + a) < q), ya + (ya + a), q);
        q = select4(to_mask4((one + a + ya) / broadcast4(2) < q), (one + a + ya) / broadcast4(2), q);
        q = select4(to_mask4(q > ya), q, y_end);
        double4 zq = zb;
        zq = select4(to_mask4(zq < zp - (zp + a)), zp - (zp + a), zq);
        zq = select4(to_mask4(zq < (zp - a) / broadcast4(2)), (zp - a) / broadcast4(2), zq);
        zq = max4(zq, zb);
        zq = select4(to_mask4(zq < zp), zq, zb);
        const double4 from = select4(in_y, ya, zp), to = select4(in_y, q, zq);
        const double4 numerator = select4(in_y, q - ya, zp - zq);
        const double4 denominator = select4(in_y, min4(ya + a, one + a - q), min4(zq + a, one + a - zp));
        const double4 r = numerator / denominator;
        const mask4 single = valid & ((in_y & to_mask4(q == y_end)) | (in_z & to_mask4(zq == zb)));
        for (std::size_t l = 0; l < 4; ++l) {
          if (closed_allowed && closed_lane[l] != 0) {
            closed.add(i + l, ya[l], yb[l], za[l], zb[l]);
          } else if (single[l] != 0) {
            const bool z_param = in_z[l] != 0;
            batches[2 * detail::piece_rule_index(r[l], two_point_) + (z_param ? 1 : 0)].add(i + l, from[l], to[l], z_param ? za[l] : ya[l]);
          } else {
            several.push_back(i + l);
          }
        }
      }
    }
#endif
    return i;
  }


  energy_grid<Real> grid_;
  kernel_scope scope_;
  std::size_t S_;
  bool two_point_ = true;  // options.fewest_gauss_points == 2
  bool targets_together_ = true;  // options.target_energies_together
  std::size_t first_ = 0;
  std::array<std::vector<scattering_basis>, 3> used_{};
  std::array<shape_slots, 3> slots_{};  // shape_slots_of(used_[b]), once per kernel
  // Per target state: process coefficients combined over processes and populations.
  struct combination {
    struct term {
      std::size_t column;  // deposit column: basis slot u (product at p3) or U + u (at p4)
      Real coefficient;
    };
    std::vector<std::size_t> pairs;     // source * species + product, for the pairs with a nonzero coefficient
    std::vector<std::size_t> pair_end;  // terms of pair r: [pair_end[r - 1], pair_end[r])
    std::vector<term> terms;
    std::vector<Real> rows;  // [pair * 2U + column], zeros included
    std::vector<std::size_t> group_first;                 // per group of pairs with equal terms: its first pair r
    std::vector<std::vector<std::size_t>> group_members;  // and its pairs (source * species + product)
    bool sparse = true;      // combine from `terms` (else from `rows`)
    std::vector<std::size_t> active_begin, active_u;  // per group its slots u with a coefficient: [begin[g], begin[g + 1])
    std::vector<Real> loss, total3, total4;  // [source * U + u]
  };
  std::array<combination, 3> combined_{};

  // The gains of one target state's combination per group of pairs with equal terms (rows[group * count + q], q the
  // destination), from its deposit columns d + c * stride.
  // Destinations from q_begin on.
  NUSI_ALWAYS_INLINE static void combine_groups(const combination& comb, std::size_t U, const Real* d, std::size_t stride, std::size_t count,
                                                Real* rows, std::size_t q_begin = 0) {
    for (std::size_t group = 0; group < comb.group_first.size(); ++group) {
      const std::size_t r = comb.group_first[group];
      Real* g = rows + group * count;
      if (comb.sparse) {  // a group has at least one term: the first assigns (0 + x = x)
        const std::size_t t0 = r == 0 ? 0 : comb.pair_end[r - 1];
        for (std::size_t t = t0; t < comb.pair_end[r]; ++t) {
          const Real coefficient = comb.terms[t].coefficient;
          const Real* column = d + comb.terms[t].column * stride;
          if (t == t0)
            for (std::size_t q = q_begin; q < count; ++q) g[q] = coefficient * column[q];
          else
            for (std::size_t q = q_begin; q < count; ++q) g[q] += coefficient * column[q];
        }
      } else {
        for (std::size_t q = q_begin; q < count; ++q) g[q] = 0;
        const Real* c = comb.rows.data() + r * 2 * U;
        for (std::size_t u = 0; u < U; ++u) {
          const Real c3 = c[u], c4 = c[U + u];
          const Real *column3 = d + u * stride, *column4 = d + (U + u) * stride;
          for (std::size_t q = q_begin; q < count; ++q) g[q] += c3 * column3[q] + c4 * column4[q];
        }
      }
    }
  }
  static void combine_groups_portable(const combination& comb, std::size_t U, const Real* d, std::size_t stride, std::size_t count, Real* rows) {
    combine_groups(comb, U, d, stride, count, rows);
  }
  // The same values bit for bit (detail/wide_vectors.hpp), sixteen destinations at a time in AVX2 registers, a group's
  // sums kept in registers over its terms (sparse: each term one pass over the destinations no more) or over its slots
  // with a coefficient (dense: a slot whose two coefficients are zero adds 0 * x + 0 * y = 0 to a sum above: skipped).
  NUSI_TARGET_AVX2 static void combine_groups_avx2(const combination& comb, std::size_t U, const Real* d, std::size_t stride, std::size_t count,
                                                   Real* rows) {
    std::size_t q = 0;
#if (defined(__GNUC__) || defined(__clang__)) && defined(__x86_64__)  // detail::double4
    if constexpr (std::is_same_v<Real, double>) {
      if (comb.sparse) {  // a group's terms summed in registers, sixteen destinations at a time (the first assigns)
        using detail::double4;
        const std::size_t G = comb.group_first.size(), tiles = count / 16 * 16;
        for (std::size_t t0 = 0; t0 < tiles; t0 += 64) {
          for (std::size_t group = 0; group < G; ++group) {
            const std::size_t r = comb.group_first[group];
            const auto* first = comb.terms.data() + (r == 0 ? 0 : comb.pair_end[r - 1]);
            const auto* last = comb.terms.data() + comb.pair_end[r];
            double* g = rows + group * count;
            for (std::size_t t = t0; t < std::min(tiles, t0 + 64); t += 16) {
              double4 sum[4];
              const double4 c0 = detail::broadcast4(first->coefficient);
              const double* column0 = d + first->column * stride + t;
              for (std::size_t v = 0; v < 4; ++v) sum[v] = c0 * detail::load4(column0 + 4 * v);
              for (const auto* term = first + 1; term != last; ++term) {
                const double4 c = detail::broadcast4(term->coefficient);
                const double* column = d + term->column * stride + t;
                for (std::size_t v = 0; v < 4; ++v) sum[v] += c * detail::load4(column + 4 * v);
              }
              for (std::size_t v = 0; v < 4; ++v) detail::store4(g + t + 4 * v, sum[v]);
            }
          }
        }
        q = tiles;
      } else {
        using detail::double4;
        // Blocks of 64 destinations (their columns, 8 KiB for eight slots, stay in the first-level cache over the groups).
        const std::size_t G = comb.group_first.size(), tiles = count / 16 * 16;
        for (std::size_t t0 = 0; t0 < tiles; t0 += 64) {
          for (std::size_t group = 0; group < G; ++group) {
            const double* c = comb.rows.data() + comb.group_first[group] * 2 * U;
            const std::size_t* u_begin = comb.active_u.data() + comb.active_begin[group];
            const std::size_t* u_end = comb.active_u.data() + comb.active_begin[group + 1];
            double* g = rows + group * count;
            for (std::size_t t = t0; t < std::min(tiles, t0 + 64); t += 16) {
              double4 sum[4];
              for (auto& v : sum) v = detail::broadcast4(0);
              for (const std::size_t* pu = u_begin; pu != u_end; ++pu) {
                const std::size_t u = *pu;
                const double4 c3 = detail::broadcast4(c[u]), c4 = detail::broadcast4(c[U + u]);
                const double *column3 = d + u * stride + t, *column4 = d + (U + u) * stride + t;
                for (std::size_t v = 0; v < 4; ++v) sum[v] += c3 * detail::load4(column3 + 4 * v) + c4 * detail::load4(column4 + 4 * v);
              }
              for (std::size_t v = 0; v < 4; ++v) detail::store4(g + t + 4 * v, sum[v]);
            }
          }
        }
        q = tiles;
      }
    }
#endif
    combine_groups(comb, U, d, stride, count, rows, q);
  }

  // One source node's rows of gains per species pair, in target-state order: pair p's rows are row[begin[p] ..
  // begin[p + 1]), each a row of gains into the destinations q < count.
  struct block_rows {
    std::size_t count = 0;
    const std::size_t* begin = nullptr;
    const Real* const* row = nullptr;
    std::size_t uniform = 0;  // R if every pair has R rows (begin[p] = R p), else 0
  };
  // Where a source node's partner halves go (a sink that takes them): destination q's at plus + q * stride and minus +
  // q * stride (H x H each); *symmetric cleared if a block is not kind-symmetric. plus == nullptr: blocks, not halves.
  // In place (offset set): destination q's at plus + (offset[d] + source - d) H^2, d = first + q, as
  // mass_state_block_sink::halves_storage; minus nullptr: the differences not kept.
  struct half_target {
    Real* plus = nullptr;
    Real* minus = nullptr;
    std::size_t stride = 0;
    bool* symmetric = nullptr;
    const std::size_t* offset = nullptr;
    std::size_t source = 0, first = 0, HH = 0;
    bool compare = true;  // false: each entry equals its partner by construction (the assembly's rows_kind_symmetric)
    Real* plus_at(std::size_t q) const {
      if (!offset) return plus + q * stride;
      const std::size_t d = first + q;
      return plus + (offset[d] + source - d) * HH;
    }
    Real* minus_at(std::size_t q) const {
      if (!offset) return minus + q * stride;
      const std::size_t d = first + q;
      return minus ? minus + (offset[d] + source - d) * HH : nullptr;
    }
  };
  // The blocks (i -> jj0 - first_ + q), q < count: entry pair = the sum of the pair's rows at q in order (the first
  // assigned: 0 + x = x; 0 for a pair no row reaches); with sums, also sums[sp * count + q] = the block's column sp summed
  // over the products in order (0 + first + ...). Destinations from q_begin on. With `contiguous`, block q is written
  // there at q species^2 instead of in the kernel's storage.
  void write_blocks_portable(std::size_t i, std::size_t jj0, const block_rows& pr, Real* sums, std::size_t q_begin = 0,
                             Real* contiguous = nullptr, const half_target& halves = {}) {
    const std::size_t SS = S_ * S_, H = S_ / 2;
    std::vector<Real> local(halves.plus ? SS : 0), unkept;  // with halves: each block formed here, then halved
    for (std::size_t q = q_begin; q < pr.count; ++q) {
      Real* B = halves.plus ? local.data() : contiguous ? contiguous + q * SS : blocks_.data() + block(i, jj0 + q - first_);
      if (!contiguous && !halves.plus && q + block_prefetch_distance < pr.count)
        detail::prefetch_for_write(blocks_.data() + block(i, jj0 + q + block_prefetch_distance - first_), SS);
      for (std::size_t p = 0; p < SS; ++p) {
        const std::size_t r0 = pr.begin[p], r1 = pr.begin[p + 1];
        Real v = r0 < r1 ? pr.row[r0][q] : Real(0);
        for (std::size_t r = r0 + 1; r < r1; ++r) v += pr.row[r][q];
        B[p] = v;
      }
      if (sums)
        for (std::size_t sp = 0; sp < S_; ++sp) {
          Real column = 0;
          for (std::size_t s = 0; s < S_; ++s) column += B[sp * S_ + s];
          sums[sp * pr.count + q] = column;
        }
      if (halves.plus) {
        Real* minus = halves.minus_at(q);
        if (!minus) {  // the differences not kept: formed (for the symmetry check) and dropped
          unkept.resize(H * H);
          minus = unkept.data();
        }
        if (!detail::kind_half_block<0>(B, H, halves.plus_at(q), minus)) *halves.symmetric = false;
      }
    }
  }
  // The same values for S species (S * S a multiple of 4), four destinations at a time in four-double registers: each
  // pair's sums over four destinations, then 4 x 4 transposes into the blocks (AVX2; the rest as above).
  template <std::size_t S>
  NUSI_TARGET_AVX2 void write_blocks_avx2(std::size_t i, std::size_t jj0, const block_rows& pr, Real* sums, Real* contiguous = nullptr,
                                          const half_target& halves = {}) {
    std::size_t q = 0;
#if (defined(__GNUC__) || defined(__clang__)) && defined(__x86_64__)  // detail::double4
    if constexpr (std::is_same_v<Real, double> && S * S % 4 == 0) {
      using detail::double4;
      constexpr std::size_t SS = S * S;
      double4 v[SS];
      // Halves of blocks whose partners sum the same rows (half_target::compare false): the entries of the odd source
      // species are their partners' (the same bits), so only the even ones are summed, and the halves' means of
      // partners (x + x)/2 are x itself (exact for |x| < max/2): sums same + other and differences same - other.
      const bool shared = halves.plus && !halves.compare && S % 2 == 0;
      for (; q + 4 <= pr.count; q += 4) {
        if (pr.uniform == 3 && !shared) {  // every pair three rows (one per target state): the same sums, unrolled
          for (std::size_t p = 0; p < SS; ++p)
            v[p] = (detail::load4(pr.row[3 * p] + q) + detail::load4(pr.row[3 * p + 1] + q)) + detail::load4(pr.row[3 * p + 2] + q);
        } else {
          for (std::size_t p = 0; p < SS; ++p) {
            if (shared && (p / S) % 2 == 1) continue;
            const std::size_t r0 = pr.begin[p], r1 = pr.begin[p + 1];
            double4 x = r0 < r1 ? detail::load4(pr.row[r0] + q) : detail::broadcast4(0);
            for (std::size_t r = r0 + 1; r < r1; ++r) x += detail::load4(pr.row[r] + q);
            v[p] = x;
          }
          if (shared && sums)
            for (std::size_t sp = 1; sp < S; sp += 2)
              for (std::size_t s = 0; s < S; ++s) v[sp * S + s] = v[(sp - 1) * S + (s ^ 1)];
        }
        if (sums)
          for (std::size_t sp = 0; sp < S; ++sp) {
            double4 column = detail::broadcast4(0);
            for (std::size_t s = 0; s < S; ++s) column += v[sp * S + s];
            detail::store4(sums + sp * pr.count + q, column);
          }
        if (halves.plus) {  // kind_half_block's operations, four destinations per register
          constexpr std::size_t H = S / 2;
          const double4 tolerance = detail::broadcast4(16 * std::numeric_limits<double>::epsilon());
          detail::mask4 far{0, 0, 0, 0};
          Real *to_plus[4], *to_minus[4];
          for (std::size_t l = 0; l < 4; ++l) {
            to_plus[l] = halves.plus_at(q + l);
            to_minus[l] = halves.minus_at(q + l);
          }
          double4 plus[H * H], minus[H * H];  // entry hp * H + h, four destinations
          for (std::size_t hp = 0; hp < H; ++hp)
            for (std::size_t h = 0; h < H; ++h) {
              const double4 same = v[2 * hp * S + 2 * h], other = v[2 * hp * S + 2 * h + 1];
              double4& sum = plus[hp * H + h];
              double4& difference = minus[hp * H + h];
              if (shared) {
                sum = same + other;
                difference = same - other;
              } else {
                const double4 same_partner = v[(2 * hp + 1) * S + 2 * h + 1], other_partner = v[(2 * hp + 1) * S + 2 * h];
                far |= detail::partners_far4(same, same_partner, tolerance) | detail::partners_far4(other, other_partner, tolerance);
                const double4 P = (same + same_partner) / detail::broadcast4(2), Q = (other + other_partner) / detail::broadcast4(2);
                sum = P + Q;
                difference = P - Q;
              }
            }
          // Each destination's half block is contiguous: its entries four at a time (a transpose of four registers),
          // the rest one lane at a time.
          constexpr std::size_t whole = H * H / 4 * 4;
          for (std::size_t entry = 0; entry < whole; entry += 4) detail::store_transposed4(plus + entry, to_plus, entry);
          for (std::size_t entry = whole; entry < H * H; ++entry)
            for (std::size_t l = 0; l < 4; ++l) to_plus[l][entry] = plus[entry][l];
          if (to_minus[0]) {
            for (std::size_t entry = 0; entry < whole; entry += 4) detail::store_transposed4(minus + entry, to_minus, entry);
            for (std::size_t entry = whole; entry < H * H; ++entry)
              for (std::size_t l = 0; l < 4; ++l) to_minus[l][entry] = minus[entry][l];
          }
          if (detail::any4(far)) *halves.symmetric = false;
          continue;
        }
        Real* B[4];
        for (std::size_t l = 0; l < 4; ++l) {
          if (contiguous) {
            B[l] = contiguous + (q + l) * SS;
            continue;
          }
          B[l] = blocks_.data() + block(i, jj0 + q + l - first_);
          if (q + l + block_prefetch_distance < pr.count)
            detail::prefetch_for_write(blocks_.data() + block(i, jj0 + q + l + block_prefetch_distance - first_), SS);
        }
        for (std::size_t p = 0; p < SS; p += 4) detail::store_transposed4(v + p, B, p);  // pairs p .. p + 3 into four blocks
      }
    }
#endif
    write_blocks_portable(i, jj0, pr, sums, q, contiguous, halves);
  }
  std::vector<std::size_t> block_offset_;
  detail::uninitialized_vector<Real> blocks_;
  bool stores_blocks_ = true;
  mass_state_block_sink<Real>* sink_ = nullptr;  // during the construction with a sink
  bool halves_out_ = false;                       // the sink takes partner halves
  typename mass_state_block_sink<Real>::halves_storage in_place_{};  // and, if offset is set, has them written in place
  std::vector<Real> loss_, underflow_number_, underflow_energy_, injected_;
  std::vector<Real> x_rate_;  // with options.mean_target_energies: sum over collisions of x [MeV cm^-1]
  std::vector<Real> inverse_width_;  // during the assembly: per grid interval c, 1/(e_{c+1} - e_c)
};

}  // namespace nusi
