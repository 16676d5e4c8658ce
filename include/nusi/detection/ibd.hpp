// SPDX-License-Identifier: MIT
// Inverse beta decay, anti-nu_e + p -> n + e+: the full Strumia-Vissani cross section (Phys. Lett. B
// 564 (2003) 42, astro-ph/0302055, Eqs. 3-14) and their approximate fit (Eq. 25). Detection of the
// supernova anti-nu_e in water and scintillator (detectors.hpp) goes through these functions.
// Throws nusi::invalid_argument. Use double or wider: 1e-42 cm^2 is subnormal in float.
#pragma once

#include <cmath>
#include <string_view>
#include <utility>

#include <boost/math/constants/constants.hpp>
#include <boost/math/quadrature/gauss.hpp>

#include "../errors.hpp"
#include "../units.hpp"

namespace nusi {

/// Proton mass [MeV], CODATA 2018.
template <class Real> inline constexpr Real proton_mass_MeV = Real(938.27208816L);
/// Neutron mass [MeV], CODATA 2018.
template <class Real> inline constexpr Real neutron_mass_MeV = Real(939.56542052L);
/// Charged-pion mass [MeV], PDG 2020 (enters the induced pseudoscalar form factor g2).
template <class Real> inline constexpr Real charged_pion_mass_MeV = Real(139.57039L);
/// Fine-structure constant alpha, CODATA 2018.
template <class Real> inline constexpr Real fine_structure_constant = Real(7.2973525693e-3L);

/// Delta = m_n - m_p [MeV] (1.293 MeV): E_e = E_nu - Delta at leading order in 1/m_p.
template <class Real>
constexpr Real neutron_proton_mass_difference_MeV() {
  return neutron_mass_MeV<Real> - proton_mass_MeV<Real>;
}

/// IBD threshold E_nu = ((m_n + m_e)^2 - m_p^2) / (2 m_p) = 1.806 MeV (Strumia-Vissani Eq. 10).
template <class Real>
Real ibd_threshold_MeV() {
  const Real mn_me = neutron_mass_MeV<Real> + electron_mass_MeV<Real>;
  const Real mp = proton_mass_MeV<Real>;
  return (mn_me - mp) * (mn_me + mp) / (2 * mp);
}

/// Positron energy [MeV] at leading order, E_e = E_nu - Delta (Strumia-Vissani Sec. 3, zeroth order
/// in E_nu/m_p). Throws nusi::invalid_argument if E_nu_MeV is not finite or below Delta + m_e.
template <class Real>
Real ibd_positron_energy_MeV(Real E_nu_MeV) {
  const Real minimum = neutron_proton_mass_difference_MeV<Real>() + electron_mass_MeV<Real>;
  detail::require_finite("nusi::ibd_positron_energy_MeV", "E_nu_MeV", E_nu_MeV);
  if (!(E_nu_MeV >= minimum))
    detail::throw_invalid("nusi::ibd_positron_energy_MeV", "E_nu_MeV", ">= Delta + m_e = " + detail::to_text(minimum),
                          E_nu_MeV);
  return E_nu_MeV - neutron_proton_mass_difference_MeV<Real>();
}

/// Whether the Strumia-Vissani radiative correction (their Eq. 14) multiplies dsigma/dE_e.
enum class ibd_radiative_correction { strumia_vissani, none };

/// Nucleon inputs of the Strumia-Vissani cross section; the defaults are theirs (Sec. 2).
template <class Real>
struct ibd_parameters {
  /// cos(theta_Cabibbo) (Strumia-Vissani: 0.9746).
  Real cos_cabibbo = Real(0.9746L);
  /// Axial coupling g1(0) (Strumia-Vissani sign convention: -1.270).
  Real axial_coupling = Real(-1.270L);
  /// xi = mu_p - mu_n - 1 = 3.706, the anomalous magnetic moment entering f2.
  Real anomalous_magnetic_moment = Real(3.706L);
  /// Vector dipole mass squared M_V^2 [MeV^2] (0.71 GeV^2).
  Real vector_mass_squared_MeV2 = Real(0.71e6L);
  /// Axial dipole mass squared M_A^2 [MeV^2] (1 GeV^2).
  Real axial_mass_squared_MeV2 = Real(1e6L);
  ibd_radiative_correction radiative_correction = ibd_radiative_correction::strumia_vissani;
};

/// Kinematic range [E_e-, E_e+] [MeV] of the positron energy at neutrino energy E_nu (Strumia-Vissani
/// Eqs. 11-12). Throws nusi::invalid_argument if E_nu_MeV is not finite or below ibd_threshold_MeV().
template <class Real>
std::pair<Real, Real> ibd_positron_energy_range_MeV(Real E_nu_MeV) {
  using std::sqrt;
  constexpr std::string_view fn = "nusi::ibd_positron_energy_range_MeV";
  detail::require_finite(fn, "E_nu_MeV", E_nu_MeV);
  const Real threshold = ibd_threshold_MeV<Real>();
  if (!(E_nu_MeV >= threshold))
    detail::throw_invalid(fn, "E_nu_MeV", ">= the IBD threshold " + detail::to_text(threshold), E_nu_MeV);
  const Real mp = proton_mass_MeV<Real>, mn = neutron_mass_MeV<Real>, me = electron_mass_MeV<Real>;
  const Real s = mp * mp + 2 * mp * E_nu_MeV;
  const Real root_s = sqrt(s);
  const Real E_nu_cm = (s - mp * mp) / (2 * root_s);
  const Real E_e_cm = (s - mn * mn + me * me) / (2 * root_s);
  const Real lambda = (s - (mn - me) * (mn - me)) * (s - (mn + me) * (mn + me));
  const Real p_e_cm = lambda > 0 ? sqrt(lambda) / (2 * root_s) : Real(0);
  const Real delta = (mn * mn - mp * mp - me * me) / (2 * mp);  // Strumia-Vissani Eq. (12)
  return {E_nu_MeV - delta - E_nu_cm * (E_e_cm + p_e_cm) / mp, E_nu_MeV - delta - E_nu_cm * (E_e_cm - p_e_cm) / mp};
}

namespace detail {
/// |M|^2 = A - (s-u) B + (s-u)^2 C of Strumia-Vissani Eqs. (5)-(7) [MeV^4] at momentum transfer t.
template <class Real>
Real ibd_matrix_element_squared(Real t, Real s_minus_u, const ibd_parameters<Real>& p) {
  const Real mp = proton_mass_MeV<Real>, mn = neutron_mass_MeV<Real>, me = electron_mass_MeV<Real>;
  const Real M = (mp + mn) / 2, M2 = M * M, me2 = me * me;
  const Real Delta = mn - mp, Delta2 = Delta * Delta;
  const Real mpi2 = charged_pion_mass_MeV<Real> * charged_pion_mass_MeV<Real>;
  // Form factors, Strumia-Vissani Eq. (7): dipole f1, f2, g1 and pion-pole g2.
  const Real t4M2 = t / (4 * M2);
  const Real dipole_v = (1 - t / p.vector_mass_squared_MeV2) * (1 - t / p.vector_mass_squared_MeV2);
  const Real f_den = (1 - t4M2) * dipole_v;
  const Real f1 = (1 - (1 + p.anomalous_magnetic_moment) * t4M2) / f_den;
  const Real f2 = p.anomalous_magnetic_moment / f_den;
  const Real dipole_a = (1 - t / p.axial_mass_squared_MeV2) * (1 - t / p.axial_mass_squared_MeV2);
  const Real g1 = p.axial_coupling / dipole_a;
  const Real g2 = 2 * M2 * g1 / (mpi2 - t);
  const Real f1s = f1 * f1, f2s = f2 * f2, g1s = g1 * g1, g2s = g2 * g2;
  // Eq. (6).
  const Real A1 = (t - me2) * (4 * f1s * (4 * M2 + t + me2) + 4 * g1s * (-4 * M2 + t + me2) +
                               f2s * (t * t / M2 + 4 * t + 4 * me2) + 4 * me2 * t * g2s / M2 +
                               8 * f1 * f2 * (2 * t + me2) + 16 * me2 * g1 * g2);
  const Real A2 = Delta2 * ((4 * f1s + t * f2s / M2) * (4 * M2 + t - me2) + 4 * g1s * (4 * M2 - t + me2) +
                            4 * me2 * g2s * (t - me2) / M2 + 8 * f1 * f2 * (2 * t - me2) + 16 * me2 * g1 * g2);
  const Real A3 = 32 * me2 * M * Delta * g1 * (f1 + f2);
  const Real A = (A1 - A2 - A3) / 16;
  const Real B = (16 * t * g1 * (f1 + f2) + 4 * me2 * Delta * (f2s + f1 * f2 + 2 * g1 * g2) / M) / 16;
  const Real C = (4 * (f1s + g1s) - t * f2s / M2) / 16;
  return A - s_minus_u * B + s_minus_u * s_minus_u * C;
}

template <class Real>
void validate_ibd_parameters(std::string_view fn, const ibd_parameters<Real>& p) {
  require_open_interval(fn, "params.cos_cabibbo", p.cos_cabibbo, Real(0), Real(1) + Real(1e-12L));
  require_finite(fn, "params.axial_coupling", p.axial_coupling);
  require_finite(fn, "params.anomalous_magnetic_moment", p.anomalous_magnetic_moment);
  require_positive(fn, "params.vector_mass_squared_MeV2", p.vector_mass_squared_MeV2);
  require_positive(fn, "params.axial_mass_squared_MeV2", p.axial_mass_squared_MeV2);
}

/// dsigma/dE_e [cm^2/MeV] without input checks; E_e inside the kinematic range.
template <class Real>
Real ibd_dsigma_dEe_unchecked(Real E_nu, Real E_e, const ibd_parameters<Real>& p) {
  using std::log;
  using std::pow;
  const Real mp = proton_mass_MeV<Real>, mn = neutron_mass_MeV<Real>, me = electron_mass_MeV<Real>;
  const Real t = mn * mn - mp * mp - 2 * mp * (E_nu - E_e);  // Eq. (11)
  const Real s_minus_u = 2 * mp * (E_nu + E_e) - me * me;
  const Real s_minus_mp2 = 2 * mp * E_nu;
  const Real pi = boost::math::constants::pi<Real>();
  const Real GF = fermi_constant_per_MeV2<Real>;
  // dsigma/dt (Eq. 3) times dt/dE_e = 2 m_p, in MeV^-3.
  Real value = GF * GF * p.cos_cabibbo * p.cos_cabibbo / (2 * pi * s_minus_mp2 * s_minus_mp2) *
               ibd_matrix_element_squared(t, s_minus_u, p) * 2 * mp;
  if (p.radiative_correction == ibd_radiative_correction::strumia_vissani) {  // Eq. (14)
    const Real alpha = fine_structure_constant<Real>;
    value *= 1 + alpha / pi * (Real(6) + Real(1.5L) * log(mp / (2 * E_e)) + Real(1.2L) * pow(me / E_e, Real(1.5L)));
  }
  return per_MeV2_to_cm2(value);
}
}  // namespace detail

/// dsigma/dE_e [cm^2/MeV] of anti-nu_e p -> n e+ (Strumia-Vissani Eqs. 3-7 and 14); zero outside the
/// kinematic range of ibd_positron_energy_range_MeV. Throws nusi::invalid_argument on bad input.
template <class Real>
Real ibd_dsigma_dEe_cm2_per_MeV(Real E_nu_MeV, Real E_e_MeV, const ibd_parameters<Real>& params = {}) {
  constexpr std::string_view fn = "nusi::ibd_dsigma_dEe_cm2_per_MeV";
  detail::require_non_negative(fn, "E_nu_MeV", E_nu_MeV);
  detail::require_non_negative(fn, "E_e_MeV", E_e_MeV);
  detail::validate_ibd_parameters(fn, params);
  if (!(E_nu_MeV > ibd_threshold_MeV<Real>())) return Real(0);
  const auto [lo, hi] = ibd_positron_energy_range_MeV(E_nu_MeV);
  if (E_e_MeV < lo || E_e_MeV > hi) return Real(0);
  return detail::ibd_dsigma_dEe_unchecked(E_nu_MeV, E_e_MeV, params);
}

/// Total IBD cross section [cm^2]: dsigma/dE_e integrated over [E_e-, E_e+] by 20-point Gauss-Legendre
/// (the integrand is a low-order polynomial in E_e up to the form factors). Zero at and below the
/// 1.806 MeV threshold. Throws nusi::invalid_argument if E_nu_MeV is negative or not finite.
template <class Real>
Real ibd_cross_section_cm2(Real E_nu_MeV, const ibd_parameters<Real>& params = {}) {
  constexpr std::string_view fn = "nusi::ibd_cross_section_cm2";
  detail::require_non_negative(fn, "E_nu_MeV", E_nu_MeV);
  detail::validate_ibd_parameters(fn, params);
  if (!(E_nu_MeV > ibd_threshold_MeV<Real>())) return Real(0);
  const auto [lo, hi] = ibd_positron_energy_range_MeV(E_nu_MeV);
  if (!(hi > lo)) return Real(0);
  return boost::math::quadrature::gauss<Real, 20>::integrate(
      [&](Real E_e) { return detail::ibd_dsigma_dEe_unchecked(E_nu_MeV, E_e, params); }, lo, hi);
}

/// Strumia-Vissani approximate total cross section [cm^2] (their Eq. 25, "within few per-mille for
/// E_nu < 300 MeV"): 1e-43 p_e E_e E_nu^(-0.07056 + 0.02018 ln E_nu - 0.001953 ln^3 E_nu), energies in
/// MeV, E_e = E_nu - Delta. Zero below E_nu = Delta + m_e. Throws nusi::invalid_argument on bad input.
template <class Real>
Real ibd_cross_section_approx_cm2(Real E_nu_MeV) {
  using std::exp;
  using std::log;
  using std::sqrt;
  detail::require_non_negative("nusi::ibd_cross_section_approx_cm2", "E_nu_MeV", E_nu_MeV);
  const Real E_e = E_nu_MeV - neutron_proton_mass_difference_MeV<Real>();
  const Real me = electron_mass_MeV<Real>;
  if (!(E_e > me)) return Real(0);
  const Real p_e = sqrt((E_e - me) * (E_e + me));
  const Real L = log(E_nu_MeV);
  const Real exponent = Real(-0.07056L) + Real(0.02018L) * L - Real(0.001953L) * L * L * L;
  return Real(1e-43L) * p_e * E_e * exp(exponent * L);
}

}  // namespace nusi
