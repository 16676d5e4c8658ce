// SPDX-License-Identifier: MIT
// Averages over an energy bin of the resonant prefactors P(s)/D(s), D = (s - M^2)^2 + (M Gamma)^2, P of degree <= 2
// (docs/physics.md, "Bin averages of the mass-state model"). With v = s/M^2 - 1 and gamma = Gamma/M every prefactor is
// a combination of the pole moments <v^k/(v^2 + gamma^2)>, k = 0, 1, 2: in closed form for a relic at rest (s = m^2 +
// 2 E m is linear in E); over the thermal target-energy distribution for a moving relic, by a tanh-sinh rule split where
// the bin's edges cross the pole, or for a massless relic with the order of integration swapped (the inner integral in
// closed form). The paper's single Breit-Wigner has its own averages in cross_sections.hpp.
#pragma once

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include <boost/math/constants/constants.hpp>

#include <boost/math/quadrature/gauss.hpp>
#include <boost/math/quadrature/gauss_kronrod.hpp>

#include "../errors.hpp"
#include "target_energy_distribution.hpp"

namespace nusi {

namespace detail {

/// atan(v2/g) - atan(v1/g) for v2 > v1 (dv = v2 - v1 > 0) without cancellation and with one arctangent: atan(g dv/(g^2 +
/// v1 v2)) while g^2 + v1 v2 > 0 (the interval does not span the line's core), pi + the same where it is negative (the
/// tangent's addition formula on the branch past pi/2), pi/2 where it is zero.
template <class Real>
Real atan_difference(Real v1, Real v2, Real dv, Real g) {
  using std::atan;
  const Real denominator = g * g + v1 * v2;
  if (denominator > 0) return atan(g * dv / denominator);
  if (denominator < 0) return boost::math::constants::pi<Real>() + atan(g * dv / denominator);
  return boost::math::constants::half_pi<Real>();
}

/// ln((v2^2 + g^2)/(v1^2 + g^2))/2 with log1p when the ratio is near 1: from the squares while they are normal and
/// finite, else from hypot (no overflow or underflow).
template <class Real>
Real half_log_ratio(Real v1, Real v2, Real dv, Real g) {
  using std::hypot;
  using std::log;
  using std::log1p;
  const Real q1 = v1 * v1 + g * g, q2 = v2 * v2 + g * g;
  using std::sqrt;
  static const Real tiny = sqrt(std::numeric_limits<Real>::min()), huge = sqrt(std::numeric_limits<Real>::max());  // q2/q1 finite
  if (q1 > tiny && q1 < huge && q2 > tiny && q2 < huge) {
    if (q2 > q1 / 2 && q2 < q1 * 2) return log1p(dv * (v1 + v2) / q1) / 2;
    return log(q2 / q1) / 2;
  }
  const Real h1 = hypot(v1, g), h2 = hypot(v2, g);
  const Real root_two = boost::math::constants::root_two<Real>();
  if (h2 > h1 / root_two && h2 < h1 * root_two) return log1p((dv / h1) * ((v1 + v2) / h1)) / 2;
  return log(h2) - log(h1);
}

/// Gauss-Legendre nodes on [-1, 1] for n = 3, 5, 10 (abscissae, weights), from Boost's tables.
template <class Real>
void gauss_average(int n, Real v1, Real v2, Real g, std::array<Real, 3>& out);
}  // namespace detail

/// The pole of a resonant prefactor: M^2 [MeV^2] and M Gamma [MeV^2]; gamma = Gamma/M.
template <class Real>
struct resonance_pole {
  Real M2, MGamma;
  Real gamma() const { return MGamma / M2; }
  Real v(Real s) const { return (s - M2) / M2; }

  /// Averages of v^k/(v^2 + gamma^2), k = 0, 1, 2, over s in [s1, s2]: the closed form (partial fractions) where the
  /// interval holds the pole or lies closer to it than its width; otherwise Gauss-Legendre with 3, 5 or 10 points by the
  /// ratio width/distance r (<= 0.02, 0.15, 1: the poles v = +-i gamma are then at least the width away, the Bernstein
  /// ellipse parameter exceeds 200, 27, 5.8 and the error 1e-14 relative).
  std::array<Real, 3> moments(Real s1, Real s2) const {
    const Real g = gamma(), width = s2 - s1;
    std::array<Real, 3> out{};
    if (!(width > 0)) {
      const Real v0 = v(s1), d = v0 * v0 + g * g;
      return {1 / d, v0 / d, v0 * v0 / d};
    }
    const Real distance = s1 > M2 ? s1 - M2 : (s2 < M2 ? M2 - s2 : Real(0));
    const Real v1 = v(s1), v2 = v(s2), dv = width / M2;
    if (distance > width) {
      const Real r = width / distance;
      detail::gauss_average(r <= Real(0.02L) ? 3 : (r <= Real(0.15L) ? 5 : 10), v1, v2, g, out);
      return out;
    }
    const Real I0 = detail::atan_difference(v1, v2, dv, g) / g;  // int dv/(v^2 + g^2)
    const Real I1 = detail::half_log_ratio(v1, v2, dv, g);       // int v dv/(v^2 + g^2)
    const Real I2 = dv - g * g * I0;                             // int v^2 dv/(v^2 + g^2)
    return {I0 / dv, I1 / dv, I2 / dv};
  }
};

/// Resonant prefactor P(s)/D(s), P(s) = c[0] + c[1] s + c[2] s^2 (MeV units): a combination of the pole moments.
template <class Real>
struct resonant_prefactor {
  std::array<Real, 3> c;
  resonance_pole<Real> pole;

  Real operator()(Real s) const {
    return (c[0] + s * (c[1] + s * c[2])) / ((s - pole.M2) * (s - pole.M2) + pole.MGamma * pole.MGamma);
  }
  /// P(s)/D = (q0 + q1 v + q2 v^2)/(M^4 (v^2 + gamma^2)): the q's [MeV^4 in units of the prefactor].
  std::array<Real, 3> q() const {
    const Real M2 = pole.M2, M4 = M2 * M2;
    return {c[0] + c[1] * M2 + c[2] * M4, c[1] * M2 + 2 * c[2] * M4, c[2] * M4};
  }
  /// The prefactor averaged with the given pole moments.
  Real from_moments(const std::array<Real, 3>& J) const {
    const auto Q = q();
    return (Q[0] * J[0] + Q[1] * J[1] + Q[2] * J[2]) / (pole.M2 * pole.M2);
  }
  /// Average over s in [s1, s2].
  Real average(Real s1, Real s2) const { return from_moments(pole.moments(s1, s2)); }
};

namespace detail {
template <class Real>
void gauss_average(int n, Real v1, Real v2, Real g, std::array<Real, 3>& out) {
  // Nodes on [-1, 1] (Abramowitz & Stegun 25.4.30; Boost's gauss tables).
  static const Real x3[] = {Real(0), Real(0.77459666924148337703585307995647992L)};
  static const Real w3[] = {Real(0.88888888888888888888888888888888889L), Real(0.55555555555555555555555555555555556L)};
  static const Real x5[] = {Real(0), Real(0.53846931010568309103631442070020880L), Real(0.90617984593866399279762687829939297L)};
  static const Real w5[] = {Real(0.56888888888888888888888888888888889L), Real(0.47862867049936646804129151483563819L),
                            Real(0.23692688505618908751426404071991736L)};
  static const Real x10[] = {Real(0.14887433898163121088482600112971999L), Real(0.43339539412924719079926594316578416L),
                             Real(0.67940956829902440623432736511487357L), Real(0.86506336668898451073209668842349305L),
                             Real(0.97390652851717172007796401208445206L)};
  static const Real w10[] = {Real(0.29552422471475287017389299465133833L), Real(0.26926671930999635509122692156946935L),
                             Real(0.21908636251598204399553493422816320L), Real(0.14945134915058059314577633965769733L),
                             Real(0.066671344308688137593568809893331793L)};
  const Real mid = (v1 + v2) / 2, half = (v2 - v1) / 2;
  out = {Real(0), Real(0), Real(0)};
  auto add = [&](Real t, Real w) {
    const Real v = mid + half * t, d = w / (v * v + g * g);
    out[0] += d;
    out[1] += v * d;
    out[2] += v * v * d;
  };
  const Real* x = n == 3 ? x3 : (n == 5 ? x5 : x10);
  const Real* w = n == 3 ? w3 : (n == 5 ? w5 : w10);
  const int m = n == 3 ? 2 : (n == 5 ? 3 : 5);
  for (int i = 0; i < m; ++i) {
    if (x[i] == 0) {
      add(Real(0), w[i]);
    } else {
      add(x[i], w[i]);
      add(-x[i], w[i]);
    }
  }
  for (Real& o : out) o /= 2;  // average: sum w = 2
}

/// Nodes of the tanh-sinh rule on [-1, 1] (Takahasi & Mori): t = -3.2 + k h, u = (pi/2) sinh t; per node the side
/// (u > 0: near +1), the distance to that end 2/(1 + e^(2|u|)) (no cancellation) and the weight (pi/2) cosh t/cosh^2 u.
/// Level 0 has h = 1/2; level l > 0 holds only the new nodes (odd multiples of h = 2^-(l+1)). Beyond |t| = 3.2 the
/// weights are below 1e-34.
template <class Real>
struct tanh_sinh_level {
  std::vector<bool> upper;
  std::vector<Real> gap, weight;
};
template <class Real>
const std::vector<tanh_sinh_level<Real>>& tanh_sinh_levels() {
  static const std::vector<tanh_sinh_level<Real>> levels = [] {
    using std::abs;
    using std::cosh;
    using std::exp;
    using std::sinh;
    const Real half_pi = boost::math::constants::half_pi<Real>(), t_max = Real(3.2L);
    std::vector<tanh_sinh_level<Real>> out(8);
    for (std::size_t l = 0; l < out.size(); ++l) {
      const Real h = Real(1) / Real(std::size_t(2) << l);
      const long count = static_cast<long>(2 * t_max / h + Real(0.5L));
      for (long k = 0; k <= count; ++k) {
        if (l > 0 && k % 2 == 0) continue;  // already in a coarser level
        const Real t = -t_max + Real(k) * h, u = half_pi * sinh(t), ch = cosh(u);
        out[l].upper.push_back(u > 0);
        out[l].gap.push_back(2 / (1 + exp(2 * abs(u))));
        out[l].weight.push_back(half_pi * cosh(t) / (ch * ch));
      }
    }
    return out;
  }();
  return levels;
}

/// A vector-valued tanh-sinh rule on [a, b] refined level by level (tanh_sinh_add_level): the sums of the levels so far
/// (f(x, out) writes 3 values), their L1 norm, and the largest change of a sum at the last level added (infinite until
/// two levels exist).
template <class Real>
struct tanh_sinh_3_state {
  std::array<Real, 3> sum{};
  Real L1 = 0, h = Real(0.5L), change = std::numeric_limits<Real>::infinity();
  std::size_t levels = 0;  // levels added
};
/// Adds the next level (the step halved: the existing nodes keep their values at half the step). @pre
/// state.levels < tanh_sinh_levels<Real>().size().
template <class Real, class F>
void tanh_sinh_add_level(F& f, Real a, Real b, tanh_sinh_3_state<Real>& state) {
  using std::abs;
  const Real d = (b - a) / 2;
  const std::size_t l = state.levels;
  const auto& level = tanh_sinh_levels<Real>()[l];
  const std::array<Real, 3> previous = state.sum;
  if (l > 0) {
    for (Real& x : state.sum) x /= 2;
    state.L1 /= 2;
    state.h /= 2;
  }
  std::array<Real, 3> v{};
  for (std::size_t q = 0; q < level.gap.size(); ++q) {
    const Real gap = d * level.gap[q], w = d * level.weight[q] * state.h;
    if (!(gap > 0) || !(w > 0)) continue;
    f(level.upper[q] ? b - gap : a + gap, v);
    for (int k = 0; k < 3; ++k) {
      state.sum[k] += w * v[k];
      state.L1 += w * abs(v[k]);
    }
  }
  if (l > 0) {
    state.change = 0;
    for (int k = 0; k < 3; ++k) state.change = std::max(state.change, abs(state.sum[k] - previous[k]));
  }
  ++state.levels;
}
/// Levels a piece takes before its change is judged (h = 1/16); at most tanh_sinh_levels().size() (h = 1/256).
inline constexpr std::size_t tanh_sinh_fewest_levels = 4;
}  // namespace detail

/// The pole moments <v^k/(v^2 + gamma^2)> averaged over the energy bin [E_lo, E_hi] of a relic of mass m at rest.
template <class Real>
std::array<Real, 3> at_rest_pole_moments(const resonance_pole<Real>& pole, Real m_MeV, Real E_lo_MeV, Real E_hi_MeV) {
  const Real m2 = m_MeV * m_MeV;
  return pole.moments(m2 + 2 * E_lo_MeV * m_MeV, m2 + 2 * E_hi_MeV * m_MeV);
}

/// Average of P(s)/D over the energy bin of a relic at rest: s = m^2 + 2 E m.
template <class Real>
Real at_rest_bin_average(const resonant_prefactor<Real>& f, Real m_MeV, Real E_lo_MeV, Real E_hi_MeV) {
  return f.from_moments(at_rest_pole_moments(f.pole, m_MeV, E_lo_MeV, E_hi_MeV));
}

namespace detail {
// thermal_pole_moments, with the extra weight x if times_x.
template <class Real>
std::array<Real, 3> thermal_pole_moments_weighted(const resonance_pole<Real>& pole, const target_energy_distribution<Real>& rho,
                                                  Real E_lo_MeV, Real E_hi_MeV, bool times_x, Real* error) {
  using std::abs;
  const Real m = rho.mass_MeV(), m2 = m * m;
  if (error) *error = 0;
  const Real lift = pole.M2 - m2;
  const Real x1 = lift / (2 * E_hi_MeV), x2 = lift / (2 * E_lo_MeV);
  std::array<Real, 3> total{};
  if (!(lift > 0) || !(x1 < rho.max_x_MeV()) || !(x2 > rho.min_x_MeV())) {  // the pole outside every s this bin reaches
    // The average over the bin at each target energy in closed form (a wide bin near the pole is not smooth in E), by
    // the distribution's 16-node Gauss rule in ln x (within 5e-13 of its composite rule, tests/test_swapped_pole_moments.cpp)
    // where the pole lies at least half the range of v the bin reaches beyond it (the integrand then analytic well
    // around the support), and for the plain moments of a whole distribution wherever it lies (the integrand's steep
    // part, where the box's edge nears the pole, is in rho's tails; the x-weighted ones there differ by up to 6e-12 and
    // keep the composite rule, as does a restricted part).
    const Real v_first = (m2 + 2 * E_lo_MeV * rho.min_x_MeV()) / pole.M2 - 1, v_last = (m2 + 2 * E_hi_MeV * rho.max_x_MeV()) / pole.M2 - 1;
    const Real distance = v_first > 0 ? v_first : -v_last;
    const bool far = (!times_x && rho.probability() == 1) || distance >= (v_last - v_first) / 2;
    for (const auto& node : far ? rho.smooth_nodes() : rho.nodes()) {
      const auto J = pole.moments(m2 + 2 * E_lo_MeV * node.x_MeV, m2 + 2 * E_hi_MeV * node.x_MeV);
      const Real w = node.weight * (times_x ? node.x_MeV : Real(1));
      for (int k = 0; k < 3; ++k) total[k] += w * J[k];
    }
    return total;
  }
  auto f = [&](Real x, std::array<Real, 3>& out) {
    const Real r = rho.density_per_MeV(x) * (times_x ? x : Real(1));
    const auto J = pole.moments(m2 + 2 * E_lo_MeV * x, m2 + 2 * E_hi_MeV * x);
    for (int k = 0; k < 3; ++k) out[k] = r * J[k];
  };
  // rho vanishes below min_x with a kink there (the tail's truncation): a cut, as the box's ends x1, x2 and the cusp m
  // (at tiny widths the 1/gamma box reaches into the far tail and the kink would cost the quadrature its convergence).
  std::vector<Real> cuts{rho.min_x_MeV(), rho.max_x_MeV()};
  for (Real c : {x1, x2, m})
    if (c > rho.min_x_MeV() && c < rho.max_x_MeV()) cuts.push_back(c);
  std::sort(cuts.begin(), cuts.end());
  // Every piece to h = 1/16 first; then each refined until its last two levels agree to 1e-8 of the larger of its own
  // L1 norm and the whole integral's per piece (a piece holding a thousandth of the whole needs no 1e-8 of itself: the
  // whole's error stays below 2e-8 of its L1 norm; most of the pieces away from the pole stop at h = 1/16).
  const Real tolerance = Real(1e-8L);
  const std::size_t most = tanh_sinh_levels<Real>().size();
  std::array<tanh_sinh_3_state<Real>, 4> piece{};  // at most 3 cuts inside: 4 pieces
  Real whole_L1 = 0;
  std::size_t pieces = 0;
  for (std::size_t k = 0; k + 1 < cuts.size(); ++k) {
    if (!(cuts[k + 1] > cuts[k])) continue;
    ++pieces;
    while (piece[k].levels < tanh_sinh_fewest_levels) tanh_sinh_add_level(f, cuts[k], cuts[k + 1], piece[k]);
    whole_L1 += piece[k].L1;
  }
  Real total_error = 0, scale = 0;
  for (std::size_t k = 0; k + 1 < cuts.size(); ++k) {
    if (!(cuts[k + 1] > cuts[k])) continue;
    auto& p = piece[k];
    while (p.levels < most && !(p.change <= tolerance * std::max(p.L1, whole_L1 / Real(pieces))))
      tanh_sinh_add_level(f, cuts[k], cuts[k + 1], p);
    for (int i = 0; i < 3; ++i) {
      total[i] += p.sum[i];
      scale = std::max(scale, abs(total[i]));
    }
    total_error += p.change;
  }
  if (!(total_error <= Real(1e-6L) * scale))
    throw numerical_error("nusi::thermal_pole_moments: tanh-sinh levels differ by " + detail::to_text(total_error) +
                          " of " + detail::to_text(scale) + " (E_lo_MeV = " + detail::to_text(E_lo_MeV) +
                          ", M^2 = " + detail::to_text(pole.M2) + ")");
  if (error) *error = total_error;
  return total;
}

// The pole moments of a whole thermal distribution with the order of integration swapped (docs/physics.md, "Thermal
// pole moments with the order of integration swapped"). With s = M^2 (1 + v) the bin [E_lo, E_hi] at target energy x
// covers s in [m^2 + 2 E_lo x, m^2 + 2 E_hi x], so for fixed v the target energies run over [x_a(v), x_b(v)],
// x_{a,b} = (M^2 (1 + v) - m^2)/(2 E_{hi,lo}), and J_k = M^2/(2 dE) int dv v^k/(v^2 + gamma^2) G(v) with the inner
// integral G(v) = int_{x_a}^{x_b} rho(x)/x dx (rho.inverse_x_integral_per_MeV: closed for m = 0, tables for m > 0):
// smooth in v between its kinks (where x_a or x_b crosses rho's cusp m or its support's ends), the
// pole in the outer weight alone. Near it (|v| <= w: no more than 1/2, than G's scale and than half the distance to a
// kink) G's quadratic Taylor polynomial is subtracted and its integrals against v^k/(v^2 + gamma^2) added in closed form;
// the pieces [-w, 0] and [0, w] are mirror images, so the odd cubic term's remnant of the pole cancels and what is left
// is O(gamma^4) times G's fourth derivative. Every piece takes the 15-point Kronrod rule, its embedded 7-point Gauss
// rule giving a (loose) error estimate. Where gamma >= w/8 the line is resolved by the pieces instead (no subtraction).
// @pre rho is whole (probability 1), m^2 < M^2 and the box [x_a(0), x_b(0)] meets rho's support.
template <class Real>
std::array<Real, 3> swapped_thermal_pole_moments(const resonance_pole<Real>& pole, const target_energy_distribution<Real>& rho,
                                                 Real E_lo_MeV, Real E_hi_MeV, Real* error) {
  using std::abs;
  using std::atan;
  const Real m = rho.mass_MeV(), T = rho.temperature_MeV(), M2 = pole.M2, g = pole.gamma(), g2 = g * g;
  const Real lift = M2 - m * m;
  const Real ca = M2 / (2 * E_hi_MeV), cb = M2 / (2 * E_lo_MeV);       // dx_{a,b}/dv
  const Real xa0 = lift / (2 * E_hi_MeV), xb0 = lift / (2 * E_lo_MeV);  // the box at the pole
  const Real x_min = rho.min_x_MeV(), x_max = rho.max_x_MeV();
  const Real v_lo = (x_min - xb0) / cb, v_end = (x_max - xa0) / ca;  // x_b enters the support, x_a leaves it
  const Real prefactor = M2 / (2 * (E_hi_MeV - E_lo_MeV));
  // G's kinks: x_a or x_b at the support's ends and (m > 0) at the cusp.
  std::array<Real, 6> kinks{};
  std::size_t kink_count = 0;
  for (Real X : {x_min, x_max, m}) {
    if (X == m && !(m > 0)) continue;
    kinks[kink_count++] = (X - xa0) / ca;
    kinks[kink_count++] = (X - xb0) / cb;
  }
  const Real scale = (m > 0 ? T : 2 * T) / cb;  // rho varies over ~T in x (2T for m = 0: ln(1 + e^(-x/2T)))
  Real w = std::min({Real(0.5L), scale, v_end / 2, -v_lo / 2});
  for (std::size_t k = 0; k < kink_count; ++k)
    if (kinks[k] != 0) w = std::min(w, abs(kinks[k]) / 2);
  const bool window = g < w / 8;
  // The cuts: the pole; v from 1/2 towards it by factors of 6 down to w (halving from w to w/8 where the pieces resolve
  // the line) and from 1/2 away from it by factors of 6 to the end; the kinks; x_b at rho's bulk and tail (4T and 32T
  // for m = 0; m - 4T, m + T and m + 16T for m > 0). Placed against a reference with cuts 1.5 apart each way (in v
  // and in x_b) and the 31-point Kronrod rule (docs/validation.md).
  std::array<Real, 192> cuts{};  // ample: ~20 typically, at most ~110 (a kink at the pole, m << T)
  std::size_t n = 0;
  auto cut = [&](Real v) {
    if (v > v_lo && v < v_end && n < cuts.size()) cuts[n++] = v;
  };
  cuts[n++] = v_lo;
  cuts[n++] = v_end;
  cut(Real(0));
  if (!window)
    for (Real d : {w / 8, w / 4, w / 2}) {
      cut(d);
      cut(-d);
    }
  // (while loops: the counters are floating point, bounded by the cuts array's size)
  Real d = w;
  while (d < Real(0.5L) && n + 2 <= cuts.size()) {
    cut(d);
    cut(-d);
    d *= 6;
  }
  cut(Real(-0.5L));
  Real beyond = Real(0.5L);
  while (beyond < v_end && n < cuts.size()) {
    cut(beyond);
    beyond *= 6;
  }
  for (std::size_t k = 0; k < kink_count; ++k) cut(kinks[k]);
  if (m > 0) {
    // x_a's as well where the box is wide (its ends then cross rho's structure at well separated v).
    const bool wide = E_hi_MeV > Real(1.1L) * E_lo_MeV;
    for (Real X : {m - 16 * T, m - 4 * T, m - T, m + T, m + 4 * T, m + 16 * T, m + 40 * T}) {
      if (wide) cut((X - xa0) / ca);
      cut((X - xb0) / cb);
    }
    Real X = m / 2;  // the lower branch's tail, rho ~ e^(-m^2/(2xT)) for m ~ T
    while (X > x_min && n + 2 <= cuts.size()) {
      cut((X - xa0) / ca);
      cut((X - xb0) / cb);
      X /= 2;
    }
  } else {
    for (Real X : {4 * T, 32 * T}) cut((X - xb0) / cb);
  }
  std::sort(cuts.begin(), cuts.begin() + static_cast<std::ptrdiff_t>(n));
  // G's Taylor polynomial at v = 0: Q' = -rho/x, Q'' = -(rho/x)'.
  std::array<Real, 3> p{};
  if (window) {
    p[0] = rho.inverse_x_integral_per_MeV(xa0, xb0);
    p[1] = -ca * rho.density_per_MeV(xa0) / xa0 + cb * rho.density_per_MeV(xb0) / xb0;
    p[2] = (-ca * ca * rho.density_over_x_slope_per_MeV3(xa0) + cb * cb * rho.density_over_x_slope_per_MeV3(xb0)) / 2;
  }
  using kronrod = boost::math::quadrature::gauss_kronrod<Real, 15>;
  using gauss = boost::math::quadrature::gauss<Real, 7>;
  const auto& node = kronrod::abscissa();
  const auto& kronrod_weight = kronrod::weights();
  const auto& gauss_weight = gauss::weights();
  std::array<Real, 3> total{};
  Real total_error = 0;
  for (std::size_t piece = 0; piece + 1 < n; ++piece) {
    const Real a = cuts[piece], b = cuts[piece + 1];
    if (!(b > a)) continue;
    const bool subtract = window && a >= -w && b <= w;
    const Real mid = (a + b) / 2, half = (b - a) / 2;
    // The 15 nodes' values first (independent look-ups), then the sums. Boost's layout: node 0 is the centre (a node
    // of the odd 7-point Gauss rule too), the Gauss nodes are the Kronrod nodes of even index, Gauss weight i/2 goes
    // with Kronrod node i.
    constexpr std::size_t points = 15;
    std::array<Real, points + 1> v{}, value{}, x_a{}, x_b{};  // a 16th (unused) slot: four lanes of four
    for (std::size_t i = 0; i < node.size(); ++i) {
      v[i] = mid + half * node[i];
      if (i > 0) v[node.size() - 1 + i] = mid - half * node[i];
    }
    v[points] = mid;
    for (std::size_t q = 0; q <= points; ++q) {
      x_a[q] = xa0 + ca * v[q];
      x_b[q] = xb0 + cb * v[q];
    }
    rho.inverse_x_integrals_per_MeV(x_a.data(), x_b.data(), value.data(), points + 1);
    if (subtract)
      for (std::size_t q = 0; q < points; ++q) value[q] -= p[0] + v[q] * (p[1] + v[q] * p[2]);
    std::array<Real, 3> K{}, G{};
    for (std::size_t q = 0; q < points; ++q) {
      const std::size_t i = q < node.size() ? q : q + 1 - node.size();
      const Real f = value[q] / (v[q] * v[q] + g2), k0 = kronrod_weight[i] * f;
      K[0] += k0;
      K[1] += k0 * v[q];
      K[2] += k0 * v[q] * v[q];
      if (error && i % 2 == 0) {  // the embedded Gauss rule: only for the error estimate
        const Real g0 = gauss_weight[i / 2] * f;
        G[0] += g0;
        G[1] += g0 * v[q];
        G[2] += g0 * v[q] * v[q];
      }
    }
    for (std::size_t k = 0; k < 3; ++k) {
      total[k] += half * K[k];
      if (error) total_error += half * abs(K[k] - G[k]);
    }
  }
  if (window) {  // int_{-w}^{w} v^j/(v^2 + gamma^2) dv: zero for odd j (gamma < w/8: no cancellation in the recursion)
    const Real I0 = 2 * atan(w / g) / g, I2 = 2 * w - g2 * I0, I4 = 2 * w * w * w / 3 - g2 * I2;
    const std::array<Real, 5> I{I0, 0, I2, 0, I4};
    for (std::size_t k = 0; k < 3; ++k)
      for (std::size_t j = 0; j < 3; ++j) total[k] += p[j] * I[k + j];
  }
  for (Real& x : total) x *= prefactor;
  if (error) *error = prefactor * total_error;
  return total;
}

}  // namespace detail

/// The pole moments averaged over the energy bin [E_lo, E_hi] and the target energies of a thermal relic:
/// int rho(x) <v^k/(v^2 + gamma^2)>_{s in [m^2 + 2 E_lo x, m^2 + 2 E_hi x]} dx. Where the pole is reached inside the
/// distribution's support, tanh-sinh on the pieces between x = (M^2 - m^2)/(2 E_hi),
/// (M^2 - m^2)/(2 E_lo) (the bin's edges crossing the pole) and m (the cusp of rho); elsewhere the distribution's
/// composite Gauss rule over x (the integrand is smooth there) of the closed-form averages over the bin. Each piece's
/// last two levels agree to 1e-8 of the larger of its own L1 norm and the whole integral's per piece (the whole within
/// 2e-8 of its L1 norm). `error` receives the sum of the pieces' last changes.
/// For a whole massless distribution (m = 0, not a restricted part) whose support the box meets, the order of
/// integration is swapped instead: the inner integral over x in closed form (the Fermi-Dirac integral F_1), the outer
/// over s by 15-point Kronrod on fixed pieces (detail::massless_thermal_pole_moments; within 4e-11 of the L1 norm, a tenth
/// of the cost); `error` then receives the embedded Gauss rule's difference, a loose bound.
/// @throws nusi::numerical_error if the tanh-sinh levels still differ by 1e-6 of the result at h = 1/256.
template <class Real>
std::array<Real, 3> thermal_pole_moments(const resonance_pole<Real>& pole, const target_energy_distribution<Real>& rho,
                                         Real E_lo_MeV, Real E_hi_MeV, Real* error = nullptr) {
  // A whole distribution whose support the bin's box meets: the inner integral over x from rho's tail table.
  const Real lift = pole.M2 - rho.mass_MeV() * rho.mass_MeV();
  if (rho.probability() == 1 && lift > 0 && lift / (2 * E_hi_MeV) < rho.max_x_MeV() && lift / (2 * E_lo_MeV) > rho.min_x_MeV())
    return detail::swapped_thermal_pole_moments(pole, rho, E_lo_MeV, E_hi_MeV, error);
  return detail::thermal_pole_moments_weighted(pole, rho, E_lo_MeV, E_hi_MeV, false, error);
}

/// The same moments with the target energy as an extra weight, int rho(x) x <...> dx [MeV]: divided by
/// thermal_pole_moments, the mean target energy of the resonant collisions (the energy-angle kernel's turns).
template <class Real>
std::array<Real, 3> thermal_pole_moments_times_x(const resonance_pole<Real>& pole, const target_energy_distribution<Real>& rho,
                                                 Real E_lo_MeV, Real E_hi_MeV, Real* error = nullptr) {
  return detail::thermal_pole_moments_weighted(pole, rho, E_lo_MeV, E_hi_MeV, true, error);
}

}  // namespace nusi
