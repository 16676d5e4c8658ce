// SPDX-License-Identifier: MIT
// Secret-interaction cross sections: the 2nu->4nu estimate of the core (paper Eqs. 2-3) and the
// s-channel Breit-Wigner nu + relic nu -> nu + nu of propagation (paper Eqs. 4-5), with their
// kinematics and closed-form averages over an energy bin (what grid codes must use, PHYSICS-SPEC).
#pragma once

#include <cmath>
#include <string_view>

#include <boost/math/constants/constants.hpp>
#include <boost/math/quadrature/gauss.hpp>

#include "errors.hpp"
#include "units.hpp"

namespace nusi {

/// Lorentz structure of the mediator. The paper takes a scalar; a vector changes only an O(1)
/// angular factor (paper Sec. II), exposed as mediator::vector_angular_factor (default 1).
enum class mediator_kind { scalar, vector };

/// The secret-interaction mediator: mass M [MeV] and flavour-universal diagonal coupling g (Eq. 1).
template <class Real>
struct mediator {
  Real mass_MeV;
  Real coupling;
  mediator_kind kind = mediator_kind::scalar;
  /// O(1) factor multiplying every cross section when kind == vector (the paper neglects it: 1).
  Real vector_angular_factor = Real(1);

  /// Decay width Gamma = g^2 M / (4 pi) [MeV] (paper, below Eq. 4).
  Real width_MeV() const {
    return coupling * coupling * mass_MeV / (4 * boost::math::constants::pi<Real>());
  }
  /// Factor applied to the cross sections for this mediator kind (1 for a scalar).
  Real angular_factor() const { return kind == mediator_kind::vector ? vector_angular_factor : Real(1); }
};

namespace detail {
template <class Real>
void validate_mediator(std::string_view function, const mediator<Real>& med) {
  require_positive(function, "med.mass_MeV", med.mass_MeV);
  require_positive(function, "med.coupling", med.coupling);
  require_positive(function, "med.vector_angular_factor", med.vector_angular_factor);
}
}  // namespace detail

/// Phase-space factor per final-state particle in Eqs. (2)-(3), (2 pi)^-3 ~ 1e-2 (paper Sec. II).
template <class Real> inline constexpr Real default_kappa = Real(1e-2L);

/// sigma(2nu->4nu) [MeV^-2], paper Eqs. (2)-(3): kappa^4 g^8 E_cm^6/M^8 below M, kappa^4 g^8/E_cm^2
/// above. E_cm^-2, not the printed E_cm^2 (a typo: see docs/physics.md). Throws nusi::invalid_argument.
template <class Real>
Real sigma_2to4_per_MeV2(Real E_cm_MeV, const mediator<Real>& med, Real kappa = default_kappa<Real>) {
  using std::pow;
  constexpr std::string_view fn = "nusi::sigma_2to4";
  detail::validate_mediator(fn, med);
  detail::require_positive(fn, "E_cm_MeV", E_cm_MeV);
  detail::require_positive(fn, "kappa", kappa);
  const Real k4g8 = pow(kappa * med.coupling, 4) * pow(med.coupling, 4) * med.angular_factor();
  if (E_cm_MeV < med.mass_MeV) {
    const Real x = E_cm_MeV / med.mass_MeV;  // E^6/M^8 = x^6/M^2, free of overflow for tiny M
    return k4g8 * pow(x, 6) / (med.mass_MeV * med.mass_MeV);
  }
  return k4g8 / (E_cm_MeV * E_cm_MeV);
}

/// sigma(2nu->4nu) [cm^2], paper Eqs. (2)-(3) with the E_cm^-2 correction. Throws nusi::invalid_argument.
template <class Real>
Real sigma_2to4_cm2(Real E_cm_MeV, const mediator<Real>& med, Real kappa = default_kappa<Real>) {
  return per_MeV2_to_cm2(sigma_2to4_per_MeV2(E_cm_MeV, med, kappa));
}

/// Whether relic neutrinos are Majorana (all 330 cm^-3 are targets) or Dirac (half are sterile).
enum class neutrino_nature { majorana, dirac };

/// Relic-neutrino (CvB) targets: mass m_nu [MeV] (paper: 0.05 eV) and nature (paper Sec. IV).
template <class Real>
struct relic_neutrinos {
  Real mass_MeV = Real(5e-8L);
  neutrino_nature nature = neutrino_nature::majorana;
  /// Total CvB density of all flavours, nu and nubar [cm^-3] (paper Sec. IV: ~330).
  Real total_density_per_cm3 = Real(330);

  /// Density of targets [cm^-3]: 330 for Majorana, 165 for Dirac (paper Sec. IV, below Eq. 8).
  Real target_density_per_cm3() const {
    return nature == neutrino_nature::dirac ? total_density_per_cm3 / 2 : total_density_per_cm3;
  }
};

/// s-channel Breit-Wigner scattering of a supernova neutrino (E_i) on a relic neutrino at rest,
/// paper Eqs. (4)-(5). Energies in MeV; cross sections in cm^2 (dsigma/dE_f in cm^2/MeV).
/// Every member throws nusi::invalid_argument on non-finite, non-positive or out-of-range input.
template <class Real>
class s_channel_breit_wigner {
 public:
  s_channel_breit_wigner(const mediator<Real>& med, Real relic_mass_MeV = Real(5e-8L))
      : med_(med), m_(relic_mass_MeV) {
    constexpr std::string_view fn = "nusi::s_channel_breit_wigner";
    detail::validate_mediator(fn, med);
    detail::require_positive(fn, "relic_mass_MeV", relic_mass_MeV);
    using std::pow;
    const Real pi = boost::math::constants::pi<Real>();
    M2_ = med.mass_MeV * med.mass_MeV;
    a_ = M2_ * med.coupling * med.coupling / (4 * pi);  // M Gamma
    g4_ = pow(med.coupling, 4) * med.angular_factor();
  }

  const mediator<Real>& med() const { return med_; }
  Real relic_mass_MeV() const { return m_; }
  /// Decay width Gamma = g^2 M/(4 pi) [MeV].
  Real width_MeV() const { return med_.width_MeV(); }
  /// Resonance energy E_res = M^2/(2 m_nu) [MeV] (paper Sec. II).
  Real resonance_energy_MeV() const { return M2_ / (2 * m_); }
  /// Mandelstam s = 2 E_i m_nu [MeV^2] for a target at rest.
  Real mandelstam_s_MeV2(Real E_i_MeV) const {
    detail::require_positive("nusi::s_channel_breit_wigner::mandelstam_s_MeV2", "E_i_MeV", E_i_MeV);
    return 2 * E_i_MeV * m_;
  }

  /// E_f(E_i, cos t) = (s/2) / (E_i (1 - cos t) + m_nu) [MeV] (paper, below Eq. 4).
  Real final_energy_MeV(Real E_i_MeV, Real cos_angle) const {
    constexpr std::string_view fn = "nusi::s_channel_breit_wigner::final_energy_MeV";
    detail::require_positive(fn, "E_i_MeV", E_i_MeV);
    detail::require_closed_interval(fn, "cos_angle", cos_angle, Real(-1), Real(1));
    return E_i_MeV * m_ / (E_i_MeV * (1 - cos_angle) + m_);
  }
  /// Lowest final energy, at backward scattering: E_f,min = (s/2)/(2 E_i + m_nu) [MeV].
  Real min_final_energy_MeV(Real E_i_MeV) const {
    detail::require_positive("nusi::s_channel_breit_wigner::min_final_energy_MeV", "E_i_MeV", E_i_MeV);
    return E_i_MeV * m_ / (2 * E_i_MeV + m_);
  }
  /// 1 - cos t = m_nu (1/E_f - 1/E_i), the inverse of final_energy_MeV, exact for tiny angles.
  /// Throws if E_f is outside [E_f,min(E_i), E_i].
  Real one_minus_cos_angle(Real E_i_MeV, Real E_f_MeV) const {
    check_final_energy("nusi::s_channel_breit_wigner::one_minus_cos_angle", E_i_MeV, E_f_MeV);
    return m_ * (E_i_MeV - E_f_MeV) / (E_f_MeV * E_i_MeV);
  }
  /// cos t of the scattered supernova neutrino for E_i -> E_f.
  Real cos_angle(Real E_i_MeV, Real E_f_MeV) const {
    const Real c = 1 - one_minus_cos_angle(E_i_MeV, E_f_MeV);
    return c < Real(-1) ? Real(-1) : c;
  }
  /// Deflection angle t [rad] for E_i -> E_f, as 2 asin(sqrt((1 - cos t)/2)) (accurate for t -> 0).
  Real deflection_angle_rad(Real E_i_MeV, Real E_f_MeV) const {
    using std::asin;
    using std::sqrt;
    Real h = one_minus_cos_angle(E_i_MeV, E_f_MeV) / 2;
    if (h > Real(1)) h = Real(1);
    return 2 * asin(sqrt(h));
  }

  /// dsigma/dcos t [cm^2], paper Eq. (4).
  Real dsigma_dcos_cm2(Real E_i_MeV, Real cos_angle) const {
    const Real E_f = final_energy_MeV(E_i_MeV, cos_angle);
    const Real s = 2 * E_i_MeV * m_;
    const Real pi = boost::math::constants::pi<Real>();
    const Real r = E_f / (m_ * E_i_MeV);
    return per_MeV2_to_cm2(g4_ * s * s / (8 * pi * lorentzian_denominator(s)) * r * r);
  }
  /// dsigma/dE_f [cm^2/MeV] = (m_nu/E_f^2) dsigma/dcos t = g^4 m_nu / (2 pi D(s)), flat in E_f on
  /// [E_f,min, E_i] (paper Eq. 5). Throws if E_f is outside that range.
  Real dsigma_dEf_cm2_per_MeV(Real E_i_MeV, Real E_f_MeV) const {
    check_final_energy("nusi::s_channel_breit_wigner::dsigma_dEf_cm2_per_MeV", E_i_MeV, E_f_MeV);
    return flat_height(E_i_MeV);
  }
  /// The flat value of dsigma/dE_f at E_i [cm^2/MeV] (the kernel height, independent of E_f).
  Real flat_dsigma_dEf_cm2_per_MeV(Real E_i_MeV) const {
    detail::require_positive("nusi::s_channel_breit_wigner::flat_dsigma_dEf_cm2_per_MeV", "E_i_MeV", E_i_MeV);
    return flat_height(E_i_MeV);
  }
  /// sigma_tot(E_i) [cm^2]: Eq. (4) integrated over cos t in [-1, 1] (equivalently Eq. 5 over
  /// [E_f,min, E_i]) = g^4 s^2 / (4 pi D(s) (s + m_nu^2)); -> g^4 s/(4 pi D(s)) for E_i >> m_nu.
  Real sigma_total_cm2(Real E_i_MeV) const {
    detail::require_positive("nusi::s_channel_breit_wigner::sigma_total_cm2", "E_i_MeV", E_i_MeV);
    return total_point(2 * E_i_MeV * m_);
  }

  /// Average of dsigma/dE_f over E_i in the bin [E_lo, E_hi] [cm^2/MeV], in closed form: the
  /// Breit-Wigner integrates to an arctangent, so a bin holding the resonance is weighted exactly.
  Real bin_averaged_dsigma_dEf_cm2_per_MeV(Real E_lo_MeV, Real E_hi_MeV) const {
    constexpr std::string_view fn = "nusi::s_channel_breit_wigner::bin_averaged_dsigma_dEf_cm2_per_MeV";
    check_bin(fn, E_lo_MeV, E_hi_MeV);
    const Real s1 = 2 * E_lo_MeV * m_, s2 = 2 * E_hi_MeV * m_;
    const Real pi = boost::math::constants::pi<Real>();
    // int ds / D(s) = atan-difference / (M Gamma); dE = ds/(2 m_nu).
    const Real integral_ds = atan_difference(s1 - M2_, s2 - M2_) / a_;
    return per_MeV2_to_cm2(g4_ * m_ / (2 * pi) * integral_ds / (s2 - s1));
  }
  /// Average of sigma_tot over E_i in the bin [E_lo, E_hi] [cm^2]: closed form (partial fractions)
  /// where the bin is near the resonance, 20-point Gauss-Legendre where the integrand is smooth.
  Real bin_averaged_sigma_total_cm2(Real E_lo_MeV, Real E_hi_MeV) const {
    constexpr std::string_view fn = "nusi::s_channel_breit_wigner::bin_averaged_sigma_total_cm2";
    check_bin(fn, E_lo_MeV, E_hi_MeV);
    const Real s1 = 2 * E_lo_MeV * m_, s2 = 2 * E_hi_MeV * m_;
    const Real distance = s1 > M2_ ? s1 - M2_ : (s2 < M2_ ? M2_ - s2 : Real(0));
    if (distance > (s2 - s1) + 10 * a_) {
      // Far from the pole: the Lorentzian is analytic across the bin (radius of convergence
      // > bin width), Gauss-Legendre converges geometrically and avoids closed-form cancellation.
      const Real integral = boost::math::quadrature::gauss<Real, 20>::integrate(
          [this](Real s) { return total_point(s); }, s1, s2);
      return integral / (s2 - s1);
    }
    return per_MeV2_to_cm2(total_integral_ds(s1, s2)) / (s2 - s1);
  }

 private:
  // D(s) = (s - M^2)^2 + M^2 Gamma^2 [MeV^4]
  Real lorentzian_denominator(Real s) const {
    const Real u = s - M2_;
    return u * u + a_ * a_;
  }
  Real flat_height(Real E_i_MeV) const {
    const Real s = 2 * E_i_MeV * m_;
    const Real pi = boost::math::constants::pi<Real>();
    return per_MeV2_to_cm2(g4_ * m_ / (2 * pi * lorentzian_denominator(s)));
  }
  // sigma_tot at s [cm^2]
  Real total_point(Real s) const {
    const Real pi = boost::math::constants::pi<Real>();
    return per_MeV2_to_cm2(g4_ * s * s / (4 * pi * lorentzian_denominator(s) * (s + m_ * m_)));
  }
  // atan(u2/a) - atan(u1/a) without cancellation when u1, u2 share a sign.
  Real atan_difference(Real u1, Real u2) const {
    using std::atan;
    const Real x1 = u1 / a_, x2 = u2 / a_;
    if (x1 * x2 > Real(0)) return atan((u2 - u1) / a_ / (1 + x1 * x2));
    return atan(x2) - atan(x1);
  }
  // int_{s1}^{s2} sigma_tot(s) ds in MeV^-2 * MeV^2 units (before the (hbar c)^2 conversion):
  // s^2 / ((s + b) D(s)) = A/(s + b) + (B s + C)/D(s), b = m_nu^2.
  Real total_integral_ds(Real s1, Real s2) const {
    using std::log;
    const Real pi = boost::math::constants::pi<Real>();
    const Real b = m_ * m_;
    const Real bM = b + M2_;
    const Real Dm = bM * bM + a_ * a_;  // D(-b)
    const Real A = b * b / Dm;
    const Real B = (2 * b * M2_ + M2_ * M2_ + a_ * a_) / Dm;  // 1 - A without cancellation
    const Real BM2_plus_C = (M2_ * M2_ * bM + a_ * a_ * (M2_ - b)) / Dm;
    const Real u1 = s1 - M2_, u2 = s2 - M2_;
    const Real log_term = log((s2 + b) / (s1 + b));
    const Real log_D = log((u2 * u2 + a_ * a_) / (u1 * u1 + a_ * a_)) / 2;
    const Real value = A * log_term + B * log_D + BM2_plus_C * atan_difference(u1, u2) / a_;
    return g4_ / (4 * pi) * value;
  }
  void check_final_energy(std::string_view fn, Real E_i_MeV, Real E_f_MeV) const {
    detail::require_positive(fn, "E_i_MeV", E_i_MeV);
    detail::require_closed_interval(fn, "E_f_MeV", E_f_MeV, min_final_energy_MeV(E_i_MeV), E_i_MeV);
  }
  static void check_bin(std::string_view fn, Real E_lo_MeV, Real E_hi_MeV) {
    detail::require_positive(fn, "E_lo_MeV", E_lo_MeV);
    detail::require_positive(fn, "E_hi_MeV", E_hi_MeV);
    detail::require_ordered(fn, "E_lo_MeV", E_lo_MeV, "E_hi_MeV", E_hi_MeV);
  }

  mediator<Real> med_;
  Real m_;
  Real M2_ = 0, a_ = 0, g4_ = 0;
};

}  // namespace nusi
