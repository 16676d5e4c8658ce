// SPDX-License-Identifier: MIT
// How the deflections of successive scatterings compose into a direction (paper Sec. IV, Eq. 8): the
// three named models shared by the grid transport (transport/kernel.hpp) and the Monte Carlo
// (monte_carlo.hpp), and the 3D composition law both use. Derivations: docs/physics.md, "Angle models".
#pragma once

#include <cmath>
#include <string_view>

namespace nusi {

/// How a deflection by t (1 - cos t = m_nu (1/E_f - 1/E_i), paper below Eq. 4) changes the direction
/// angle theta measured from the line of sight. Both the grid (energy_angle_kernel) and the Monte Carlo
/// implement each model; tests/test_angle_models.cpp compares them model by model.
enum class angle_model {
  /// Paper Eq. (8) read literally: theta_f = theta_i + t, every deflection adds in one planar angle.
  /// After n scatterings theta grows like n t, not sqrt(n) t: the widest of the three.
  paper_eq8_additive,
  /// A symmetric planar random walk: theta_f = theta_i + t or theta_i - t with probability 1/2 each
  /// (the grid tracks |theta|). Angles grow like sqrt(n) t.
  planar_random_walk,
  /// Physical: each deflection has a uniform random azimuth about the current direction, so
  /// cos theta_f = cos theta_i cos t + sin theta_i sin t cos phi (spherical law of cosines).
  three_dimensional,
  /// Former name of planar_random_walk (the Monte Carlo's old planar mode, random sign). Kept as an alias.
  planar = planar_random_walk
};

/// "paper_eq8_additive", "planar_random_walk" or "three_dimensional".
inline std::string_view angle_model_name(angle_model m) {
  switch (m) {
    case angle_model::paper_eq8_additive: return "paper_eq8_additive";
    case angle_model::planar_random_walk: return "planar_random_walk";
    case angle_model::three_dimensional: return "three_dimensional";
  }
  return "unknown";
}

/// Polar angle theta_f [rad] of a direction at polar angle theta [rad] turned by t [rad] at azimuth
/// phi about itself, given sin^2(phi/2) in [0, 1] (0: |theta - t|, 1: theta + t up to pi). From
/// cos theta_f = cos theta cos t + sin theta sin t cos phi written without cancellation:
/// sin^2(theta_f/2) = sin^2((theta - t)/2) + sin theta sin t sin^2(phi/2). Inputs are not checked.
template <class Real>
Real three_dimensional_composition_rad(Real theta_rad, Real t_rad, Real sin2_half_azimuth) {
  using std::asin;
  using std::sin;
  using std::sqrt;
  const Real d = sin((theta_rad - t_rad) / 2);
  Real h = d * d + sin(theta_rad) * sin(t_rad) * sin2_half_azimuth;
  if (h < Real(0)) h = Real(0);
  if (h > Real(1)) h = Real(1);
  return 2 * asin(sqrt(h));
}

/// The polar angle whose cosine is the azimuthal mean cos theta cos t of three_dimensional_composition_rad
/// (also the mean of cos(theta +- t) of the planar walk) [rad]: >= theta for theta <= pi/2, from
/// 1 - cos theta_f = h_theta + h_t - h_theta h_t with h = 2 sin^2(./2). Inputs are not checked.
template <class Real>
Real mean_cosine_composition_rad(Real theta_rad, Real t_rad) {
  using std::asin;
  using std::sin;
  using std::sqrt;
  const Real a = sin(theta_rad / 2), b = sin(t_rad / 2);
  const Real ha = 2 * a * a, hb = 2 * b * b;
  Real h = (ha + hb - ha * hb) / 2;  // sin^2(theta_f/2)
  if (h > Real(1)) h = Real(1);
  return 2 * asin(sqrt(h));
}

}  // namespace nusi
