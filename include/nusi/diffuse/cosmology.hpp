// SPDX-License-Identifier: MIT
// Flat Lambda-CDM background of the diffuse fluxes (docs/physics.md, "Diffuse fluxes"): H(z), the time per unit
// ln(1+z), and the relic density of each mass state at redshift z (it scales as (1+z)^3). Radiation is neglected
// (Omega_r (1+z) / Omega_m < 2e-3 for z <= 5). A single burst at a fixed distance needs none of this.
#pragma once

#include <cmath>
#include <string_view>

#include "../errors.hpp"
#include "../units.hpp"

namespace nusi {

/// Seconds per Julian year (IAU): the unit of the source rates [Mpc^-3 yr^-1].
template <class Real> inline constexpr Real seconds_per_year = Real(3.15576e7L);
/// 1 Mpc [cm] (IAU 2015 parsec).
template <class Real> inline constexpr Real Mpc_cm = Real(3.0856775814913673e24L);

/// Flat Lambda-CDM: H(z) = H0 sqrt(Omega_m (1+z)^3 + 1 - Omega_m). Defaults: Planck 2018 results VI (A&A 641, A6
/// (2020)), Table 2, TT,TE,EE+lowE+lensing: H0 = 67.36 km/s/Mpc, Omega_m = 0.3153.
template <class Real>
struct cosmology {
  Real hubble_km_s_Mpc = Real(67.36L);
  Real omega_m = Real(0.3153L);

  /// Throws nusi::invalid_argument naming the member: H0 finite in (0, 1000) km/s/Mpc, Omega_m in (0, 1).
  void validate(std::string_view function) const {
    detail::require_open_interval(function, "cosmology.hubble_km_s_Mpc", hubble_km_s_Mpc, Real(0), Real(1000));
    detail::require_open_interval(function, "cosmology.omega_m", omega_m, Real(0), Real(1));
  }
  /// H0 [s^-1].
  Real hubble_per_s() const { return hubble_km_s_Mpc * km_cm<Real> / Mpc_cm<Real>; }
  /// E(z) = H(z)/H0.
  Real expansion_rate(Real z) const {
    using std::sqrt;
    const Real a3 = (1 + z) * (1 + z) * (1 + z);
    return sqrt(omega_m * a3 + 1 - omega_m);
  }
  /// c/H(z) [cm]: the light-travel distance per unit ln(1+z) (dt = d ln(1+z)/H).
  Real hubble_length_cm(Real z) const { return speed_of_light_cm_per_s<Real> / (hubble_per_s() * expansion_rate(z)); }
  /// 1/H(z) [yr]: the time per unit ln(1+z).
  Real hubble_time_yr(Real z) const { return 1 / (hubble_per_s() * expansion_rate(z) * seconds_per_year<Real>); }
};

}  // namespace nusi
