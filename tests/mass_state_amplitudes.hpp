// SPDX-License-Identifier: MIT
// Test support: the squared amplitudes of nu + relic nu -> nu nu computed from the Feynman rules with explicit Dirac
// matrices and spinors (chiral basis; v = C u-bar^T, Majorana fermion-flow signs of Denner et al., Nucl. Phys. B387,
// 467 (1992)), independent of the trace algebra behind include/nusi/mass_states/scattering.hpp.
#pragma once

#include <array>
#include <cmath>
#include <complex>
#include <cstddef>

namespace nusi_test::amplitudes {

using cplx = std::complex<double>;
using spinor = std::array<cplx, 4>;
using matrix = std::array<std::array<cplx, 4>, 4>;

inline matrix zero() { return matrix{}; }
inline matrix identity() {
  matrix m{};
  for (int i = 0; i < 4; ++i) m[i][i] = 1;
  return m;
}
inline matrix mul(const matrix& a, const matrix& b) {
  matrix c{};
  for (int i = 0; i < 4; ++i)
    for (int j = 0; j < 4; ++j)
      for (int k = 0; k < 4; ++k) c[i][j] += a[i][k] * b[k][j];
  return c;
}
inline spinor mat_vec(const matrix& a, const spinor& x) {
  spinor y{};
  for (int i = 0; i < 4; ++i)
    for (int k = 0; k < 4; ++k) y[i] += a[i][k] * x[k];
  return y;
}

// Chiral basis (Peskin & Schroeder): gamma^0 = [[0, 1], [1, 0]], gamma^i = [[0, sigma^i], [-sigma^i, 0]],
// gamma5 = diag(-1, -1, 1, 1): upper components left-handed.
inline std::array<matrix, 4> gammas() {
  const cplx I(0, 1);
  const std::array<std::array<std::array<cplx, 2>, 2>, 3> sigma{{{{{0, 1}, {1, 0}}}, {{{0, -I}, {I, 0}}}, {{{1, 0}, {0, -1}}}}};
  std::array<matrix, 4> g{};
  g[0][0][2] = g[0][1][3] = g[0][2][0] = g[0][3][1] = 1;
  for (int i = 0; i < 3; ++i)
    for (int r = 0; r < 2; ++r)
      for (int c = 0; c < 2; ++c) {
        g[i + 1][r][c + 2] = sigma[i][r][c];
        g[i + 1][r + 2][c] = -sigma[i][r][c];
      }
  return g;
}
inline matrix gamma5() {
  matrix g{};
  g[0][0] = g[1][1] = -1;
  g[2][2] = g[3][3] = 1;
  return g;
}
inline matrix projector_left() {
  matrix p{};
  p[0][0] = p[1][1] = 1;
  return p;
}
inline constexpr std::array<double, 4> metric{1, -1, -1, -1};

inline spinor bar(const spinor& x) {  // x^dagger gamma^0 as a row
  return {std::conj(x[2]), std::conj(x[3]), std::conj(x[0]), std::conj(x[1])};
}
inline cplx sandwich(const spinor& row, const matrix& m, const spinor& col) {
  const spinor y = mat_vec(m, col);
  cplx s = 0;
  for (int i = 0; i < 4; ++i) s += row[i] * y[i];
  return s;
}
// v = C u-bar^T, C = i gamma^2 gamma^0 (the Majorana condition; the same convention for Dirac v spinors).
inline spinor charge_conjugate(const spinor& u) {
  const auto g = gammas();
  matrix C = mul(g[2], g[0]);
  for (auto& row : C)
    for (auto& e : row) e *= cplx(0, 1);
  return mat_vec(C, bar(u));
}

struct momentum {
  double E, px, py, pz;
};
inline double dot(const momentum& a, const momentum& b) { return a.E * b.E - a.px * b.px - a.py * b.py - a.pz * b.pz; }

// Massless u(p, h) of helicity h = +-1: two-component helicity eigenstates along p, chirality h.
inline spinor u_massless(const momentum& p, int h) {
  const double r = std::sqrt(p.px * p.px + p.py * p.py + p.pz * p.pz);
  const double theta = std::acos(std::max(-1.0, std::min(1.0, p.pz / r))), phi = std::atan2(p.py, p.px);
  const cplx e(std::cos(phi), std::sin(phi));
  const double c = std::cos(theta / 2), s = std::sin(theta / 2), n = std::sqrt(2 * p.E);
  if (h > 0) return {0, 0, n * c, n * e * s};                 // right-handed: lower components
  return {-n * std::conj(e) * s, n * c, 0, 0};                  // left-handed: upper components
}
// Massive u(p, s) at rest: sqrt(m) (xi, xi), spin up or down along z.
inline spinor u_rest(double m, int spin) {
  const double n = std::sqrt(m);
  if (spin > 0) return {n, 0, n, 0};
  return {0, n, 0, n};
}

/// A 2 -> 2 kinematic point: projectile p1 along z with energy E, target of mass m at rest, p3 with energy m/2 + y E.
struct kinematics {
  momentum p1, p2, p3, p4;
  double s, t, u;
};
inline kinematics make_kinematics(double E, double m, double y, double phi = 0.37) {
  kinematics k;
  k.p1 = {E, 0, 0, E};
  k.p2 = {m, 0, 0, 0};
  k.s = m * m + 2 * E * m;
  const double E3 = m / 2 + y * E, P0 = E + m, Pz = E;
  double c = (P0 * E3 - k.s / 2) / (Pz * E3);  // (P - p3)^2 = 0
  c = std::max(-1.0, std::min(1.0, c));
  const double sn = std::sqrt(1 - c * c);
  k.p3 = {E3, E3 * sn * std::cos(phi), E3 * sn * std::sin(phi), E3 * c};
  k.p4 = {P0 - k.p3.E, -k.p3.px, -k.p3.py, Pz - k.p3.pz};
  const momentum d13{k.p1.E - k.p3.E, k.p1.px - k.p3.px, k.p1.py - k.p3.py, k.p1.pz - k.p3.pz};
  const momentum d14{k.p1.E - k.p4.E, k.p1.px - k.p4.px, k.p1.py - k.p4.py, k.p1.pz - k.p4.pz};
  k.t = dot(d13, d13);
  k.u = dot(d14, d14);
  return k;
}

enum class model { majorana_scalar, majorana_vector, dirac_scalar, dirac_vector };
enum class particle { neutrino, antineutrino, majorana };

/// The process a (p1, helicity h1) + b (relic at rest) -> c (p3, h3) + d (p4, h4) with Lagrangian couplings G (mass
/// basis), mediator M and total width Gamma. Dirac: the projectile type fixes the products: antineutrino + neutrino ->
/// antineutrino (p3) + neutrino (p4); antineutrino + antineutrino -> two antineutrinos; and the charge conjugates.
struct process {
  model which;
  particle projectile, target;  // majorana for Majorana neutrinos
  std::size_t a, b, c, d;
  int h1, h3, h4;
};

/// |M|^2 averaged over the relic's spin (the projectile and products of definite helicity).
inline double squared_amplitude(const process& pr, const kinematics& k, const std::array<std::array<cplx, 3>, 3>& G,
                                double M, double Gamma) {
  const auto g = gammas();
  const matrix g5 = gamma5(), PL = projector_left();
  std::array<matrix, 4> vertex;  // scalar: 1; Majorana vector: gamma^mu gamma5; Dirac vector: gamma^mu P_L
  const bool scalar = pr.which == model::majorana_scalar || pr.which == model::dirac_scalar;
  for (int mu = 0; mu < 4; ++mu) {
    if (scalar) vertex[mu] = identity();
    else if (pr.which == model::majorana_vector) vertex[mu] = mul(g[mu], g5);
    else vertex[mu] = mul(g[mu], PL);
  }
  // Chain product [r1 V l1][r2 V l2], Lorentz indices contracted for a vector.
  auto chains = [&](const spinor& r1, const spinor& l1, const spinor& r2, const spinor& l2) {
    if (scalar) return sandwich(r1, vertex[0], l1) * sandwich(r2, vertex[0], l2);
    cplx sum = 0;
    for (int mu = 0; mu < 4; ++mu) sum += metric[mu] * sandwich(r1, vertex[mu], l1) * sandwich(r2, vertex[mu], l2);
    return sum;
  };
  const cplx Ps = 1.0 / cplx(k.s - M * M, M * Gamma);
  const double Pt = 1 / (k.t - M * M), Pu = 1 / (k.u - M * M);
  double total = 0;
  for (int spin : {+1, -1}) {
    const spinor u2 = u_rest(k.p2.E, spin), v2 = charge_conjugate(u2);
    const spinor u1 = u_massless(k.p1, pr.h1), u3 = u_massless(k.p3, pr.h3), u4 = u_massless(k.p4, pr.h4);
    const spinor v1 = charge_conjugate(u1), v3 = charge_conjugate(u3), v4 = charge_conjugate(u4);
    cplx amp = 0;
    const auto [a, b, c, d] = std::array<std::size_t, 4>{pr.a, pr.b, pr.c, pr.d};
    if (pr.projectile == particle::majorana) {
      // Denner: t [u3 u1][u4 u2] (+), u [u4 u1][u3 u2] (-), s [v2 u1][u3 v4] (+).
      amp = G[a][c] * G[b][d] * chains(bar(u3), u1, bar(u4), u2) * Pt - G[a][d] * G[b][c] * chains(bar(u4), u1, bar(u3), u2) * Pu +
            G[a][b] * G[c][d] * chains(bar(v2), u1, bar(u3), v4) * Ps;
    } else if (pr.projectile == particle::antineutrino && pr.target == particle::neutrino) {
      // anti-a + b -> anti-c (p3) + d (p4): s [v1 u2][u4 v3] G_ab G_dc, t [v1 v3][u4 u2] G_ac G_db, relative sign -1.
      amp = G[a][b] * G[d][c] * chains(bar(v1), u2, bar(u4), v3) * Ps - G[a][c] * G[d][b] * chains(bar(v1), v3, bar(u4), u2) * Pt;
    } else if (pr.projectile == particle::antineutrino) {
      // anti-a + anti-b -> anti-c + anti-d: t [v1 v3][v2 v4] G_ac G_bd, u [v1 v4][v2 v3] G_ad G_bc, relative sign -1.
      amp = G[a][c] * G[b][d] * chains(bar(v1), v3, bar(v2), v4) * Pt - G[a][d] * G[b][c] * chains(bar(v1), v4, bar(v2), v3) * Pu;
    } else if (pr.target == particle::antineutrino) {
      // a + anti-b -> c (p3) + anti-d (p4): t [u3 u1][v2 v4] G_ca G_bd, s [v2 u1][u3 v4] G_ba G_cd, relative sign -1.
      amp = G[c][a] * G[b][d] * chains(bar(u3), u1, bar(v2), v4) * Pt - G[b][a] * G[c][d] * chains(bar(v2), u1, bar(u3), v4) * Ps;
    } else {
      // a + b -> c + d: t [u3 u1][u4 u2] G_ca G_db, u [u4 u1][u3 u2] G_da G_cb, relative sign -1.
      amp = G[c][a] * G[d][b] * chains(bar(u3), u1, bar(u4), u2) * Pt - G[d][a] * G[c][b] * chains(bar(u4), u1, bar(u3), u2) * Pu;
    }
    total += std::norm(amp);
  }
  return total / 2;
}

}  // namespace nusi_test::amplitudes
