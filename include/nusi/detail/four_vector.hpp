// SPDX-License-Identifier: MIT
// A minimal Minkowski four-vector (metric +,-,-,-) for the phase-space generators: sums, the
// invariant product, and the boost of a momentum out of the rest frame of a parent.
#pragma once

#include <cmath>

namespace nusi::detail {

/// Four-vector (E, p_x, p_y, p_z) in the metric (+, -, -, -); units are the caller's (MeV in nusi).
template <class Real>
struct four_vector {
  Real E = Real(0), px = Real(0), py = Real(0), pz = Real(0);

  friend four_vector operator+(const four_vector& a, const four_vector& b) {
    return {a.E + b.E, a.px + b.px, a.py + b.py, a.pz + b.pz};
  }
  friend four_vector operator-(const four_vector& a, const four_vector& b) {
    return {a.E - b.E, a.px - b.px, a.py - b.py, a.pz - b.pz};
  }
  friend four_vector operator*(Real c, const four_vector& a) { return {c * a.E, c * a.px, c * a.py, c * a.pz}; }
};

/// Minkowski product a.b = a^0 b^0 - a.b (3-vectors).
template <class Real>
Real dot(const four_vector<Real>& a, const four_vector<Real>& b) {
  return a.E * b.E - (a.px * b.px + a.py * b.py + a.pz * b.pz);
}

/// |p|^2 of the spatial part.
template <class Real>
Real momentum_squared(const four_vector<Real>& a) {
  return a.px * a.px + a.py * a.py + a.pz * a.pz;
}

/// The four-vector k given in the rest frame of a parent of four-momentum P and mass M, seen in the
/// frame where the parent has momentum P (a pure boost along P; M > 0).
template <class Real>
four_vector<Real> boost_from_rest(const four_vector<Real>& k, const four_vector<Real>& P, Real M) {
  const Real pk = P.px * k.px + P.py * k.py + P.pz * k.pz;
  const Real E = (P.E * k.E + pk) / M;
  const Real c = (k.E + pk / (P.E + M)) / M;
  return {E, k.px + c * P.px, k.py + c * P.py, k.pz + c * P.pz};
}

}  // namespace nusi::detail
