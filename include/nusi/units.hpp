// SPDX-License-Identifier: MIT
// Physical constants and unit conversions used everywhere in nusi (PHYSICS-SPEC "Units and constants").
// Public API: energies in MeV, lengths in cm, densities in cm^-3, cross sections in cm^2.
// Every conversion between natural units (hbar = c = 1) and these goes through this header.
#pragma once

namespace nusi {

/// hbar*c [MeV fm], CODATA 2018.
template <class Real> inline constexpr Real hbar_c_MeV_fm = Real(197.3269804L);
/// hbar*c [MeV cm], CODATA 2018.
template <class Real> inline constexpr Real hbar_c_MeV_cm = Real(197.3269804e-13L);
/// (hbar*c)^2 [MeV^2 cm^2]: multiplies a cross section in MeV^-2 to give cm^2.
template <class Real> inline constexpr Real hbar_c_squared_MeV2_cm2 = Real(197.3269804e-13L) * Real(197.3269804e-13L);
/// Speed of light [cm/s], exact (SI definition).
template <class Real> inline constexpr Real speed_of_light_cm_per_s = Real(2.99792458e10L);
/// 1 kpc [cm] (IAU 2015 parsec).
template <class Real> inline constexpr Real kpc_cm = Real(3.0856775814913673e21L);
/// 1 km [cm].
template <class Real> inline constexpr Real km_cm = Real(1e5L);
/// Fermi constant G_F [MeV^-2]: 1.1663788(6)e-5 GeV^-2, PDG (muon lifetime), the PHYSICS-SPEC value.
/// (CODATA 2018 lists 1.1663787(6)e-5 GeV^-2; the two agree within their uncertainty.)
template <class Real> inline constexpr Real fermi_constant_per_MeV2 = Real(1.1663788e-11L);
/// Axial coupling of the nucleon g_A (PHYSICS-SPEC).
template <class Real> inline constexpr Real axial_coupling_gA = Real(1.27L);
/// Electron mass [MeV], CODATA 2018.
template <class Real> inline constexpr Real electron_mass_MeV = Real(0.51099895L);
/// Atomic mass unit [g], CODATA 2018; n_N = rho / m_u.
template <class Real> inline constexpr Real atomic_mass_unit_g = Real(1.66053906660e-24L);
/// 1 erg [MeV], CODATA 2018 (1 eV = 1.602176634e-19 J exactly).
template <class Real> inline constexpr Real erg_MeV = Real(1.0L / 1.602176634e-6L);
/// Cosmic microwave background temperature today [K]: 2.72548 +- 0.00057 K (Fixsen, ApJ 707, 916 (2009)).
template <class Real> inline constexpr Real cmb_temperature_K = Real(2.72548L);
/// Boltzmann constant [eV/K], exact in the SI since 2019 (k_B = 1.380649e-23 J/K, e = 1.602176634e-19 C).
template <class Real> inline constexpr Real boltzmann_eV_per_K = Real(8.617333262145178e-5L);

/// Radius or length given in km, returned in cm.
template <class Real> constexpr Real km(Real length_km) { return length_km * km_cm<Real>; }
/// Distance given in kpc, returned in cm.
template <class Real> constexpr Real kpc(Real distance_kpc) { return distance_kpc * kpc_cm<Real>; }
/// Energy given in eV, returned in MeV.
template <class Real> constexpr Real eV(Real energy_eV) { return energy_eV * Real(1e-6L); }
/// Energy given in keV, returned in MeV.
template <class Real> constexpr Real keV(Real energy_keV) { return energy_keV * Real(1e-3L); }
/// Energy given in GeV, returned in MeV.
template <class Real> constexpr Real GeV(Real energy_GeV) { return energy_GeV * Real(1e3L); }

/// Cross section in natural units [MeV^-2] converted to cm^2.
template <class Real> constexpr Real per_MeV2_to_cm2(Real sigma_per_MeV2) {
  return sigma_per_MeV2 * hbar_c_squared_MeV2_cm2<Real>;
}
/// Cross section in cm^2 converted to natural units [MeV^-2].
template <class Real> constexpr Real cm2_to_per_MeV2(Real sigma_cm2) {
  return sigma_cm2 / hbar_c_squared_MeV2_cm2<Real>;
}
/// Number density in natural units [MeV^3] converted to cm^-3.
template <class Real> constexpr Real MeV3_to_per_cm3(Real density_MeV3) {
  return density_MeV3 / (hbar_c_MeV_cm<Real> * hbar_c_MeV_cm<Real> * hbar_c_MeV_cm<Real>);
}
/// Mass density [g cm^-3] converted to a nucleon number density [cm^-3] (n_N = rho / m_u).
template <class Real> constexpr Real nucleon_density_per_cm3(Real density_g_per_cm3) {
  return density_g_per_cm3 / atomic_mass_unit_g<Real>;
}

}  // namespace nusi
