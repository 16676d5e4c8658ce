// SPDX-License-Identifier: MIT
// Secret-interaction cross sections: the 2nu->4nu estimate of the core (paper Eqs. 2-3) and the
// s-channel Breit-Wigner nu + relic nu -> nu + nu of propagation (paper Eqs. 4-5), with their
// kinematics and exact averages over an energy bin (what grid codes must use, PHYSICS-SPEC).
// Throws nusi::invalid_argument on bad input. float is evaluated in double (detail/promote.hpp).
#pragma once

#include <cmath>
#include <limits>
#include <string_view>

#include <boost/math/constants/constants.hpp>
#include <boost/math/quadrature/gauss.hpp>

#include "detail/promote.hpp"
#include "errors.hpp"
#include "units.hpp"

namespace nusi {

/// Lorentz structure of the mediator. The paper takes a scalar; a vector changes only an O(1)
/// angular factor (paper Sec. II), exposed as mediator::vector_angular_factor (default 1).
enum class mediator_kind { scalar, vector };

/// How the mediator's decay width follows from g and M: a convention the paper fixes by choice (below
/// Eq. 4), which sets the Breit-Wigner's width but not its peak 4 pi/M^2 (docs/physics.md, "Choices").
/// An enumeration so that Lagrangian-based conventions can join it.
enum class width_convention {
  /// Gamma = g^2 M/(4 pi), paper below Eq. (4): the default.
  paper,
  /// Gamma = mediator::width_scale g^2 M/(4 pi): the paper's width times a constant (1/4 gives g^2 M/(16 pi),
  /// 1/2 gives g^2 M/(8 pi)), to see what another convention changes. Eq. (4)'s numerator g^4 is kept, so
  /// the peak becomes 4 pi/(M^2 width_scale^2).
  scaled_paper
};

/// The secret-interaction mediator: mass M [MeV] and flavour-universal diagonal coupling g (Eq. 1).
template <class Real>
struct mediator {
  Real mass_MeV;
  Real coupling;
  mediator_kind kind = mediator_kind::scalar;
  /// O(1) factor multiplying every cross section when kind == vector (the paper neglects it: 1).
  Real vector_angular_factor = Real(1);
  /// Width convention: the paper's g^2 M/(4 pi) unless scaled_paper.
  width_convention width = width_convention::paper;
  /// Factor on the paper's width when width == scaled_paper (finite, > 0); unused otherwise.
  Real width_scale = Real(1);

  /// Gamma/M: g^2/(4 pi) (paper, below Eq. 4), times width_scale for scaled_paper.
  Real width_over_mass_ratio() const {
    const Real paper_ratio = coupling * coupling / (4 * boost::math::constants::pi<Real>());
    return width == width_convention::scaled_paper ? width_scale * paper_ratio : paper_ratio;
  }
  /// Decay width Gamma [MeV]: g^2 M/(4 pi) (paper, below Eq. 4), times width_scale for scaled_paper.
  Real width_MeV() const { return width_over_mass_ratio() * mass_MeV; }
  /// Factor applied to the cross sections for this mediator kind (1 for a scalar).
  Real angular_factor() const { return kind == mediator_kind::vector ? vector_angular_factor : Real(1); }
};

namespace detail {
template <class Real>
void validate_mediator(std::string_view function, const mediator<Real>& med) {
  require_positive(function, "med.mass_MeV", med.mass_MeV);
  require_positive(function, "med.coupling", med.coupling);
  require_positive(function, "med.vector_angular_factor", med.vector_angular_factor);
  if (med.width != width_convention::paper && med.width != width_convention::scaled_paper)
    throw_invalid(function, "med.width", "paper or scaled_paper", static_cast<int>(med.width));
  if (med.width == width_convention::scaled_paper) require_positive(function, "med.width_scale", med.width_scale);
}
}  // namespace detail

/// The log10(M/MeV) accepted by the bound searches, the scans and the tool: M = 10^x and M^2 stay
/// normal doubles.
template <class Real> inline constexpr Real lowest_log10_mass_MeV = Real(-30);
template <class Real> inline constexpr Real highest_log10_mass_MeV = Real(10);
/// The log10 g accepted by the coupling searches and scans: g = 10^x and g^2 stay normal doubles.
template <class Real> inline constexpr Real lowest_log10_coupling = Real(-30);
template <class Real> inline constexpr Real highest_log10_coupling = Real(10);
/// The perturbative limit of the coupling, g = sqrt(4 pi): the top of the coupling searches and of Fig. 1.
template <class Real> inline constexpr Real perturbative_coupling_limit = Real(3.5449077018110320545963349666822903L);
/// log10 sqrt(4 pi) = (log10 4 + log10 pi)/2.
template <class Real> inline constexpr Real log10_perturbative_coupling_limit = Real(0.5496049320110481223893730388699425L);

/// Phase-space factor per final-state particle in Eqs. (2)-(3): the paper's value 1e-2 (Sec. II, where it
/// is written "(2 pi)^-3 ~ 1e-2"; (2 pi)^-3 itself is 4.03e-3, which would weaken g_core by
/// log10(2.48)/2 = 0.20 dex: docs/physics.md).
template <class Real> inline constexpr Real default_kappa = Real(1e-2L);

/// sigma(2nu->4nu) [MeV^-2], paper Eqs. (2)-(3): kappa^4 g^8 E_cm^6/M^8 below M, kappa^4 g^8/E_cm^2
/// from M up. E_cm^-2, not the printed E_cm^2 (a typo: see docs/physics.md). Throws nusi::invalid_argument.
template <class Real>
Real sigma_2to4_per_MeV2(Real E_cm_MeV, const mediator<Real>& med, Real kappa = default_kappa<Real>) {
  using W = detail::promoted_t<Real>;
  constexpr std::string_view fn = "nusi::sigma_2to4";
  detail::validate_mediator(fn, med);
  detail::require_positive(fn, "E_cm_MeV", E_cm_MeV);
  detail::require_positive(fn, "kappa", kappa);
  const W M = med.mass_MeV, E = E_cm_MeV;
  const W kg2 = W(kappa) * W(med.coupling) * W(med.coupling);  // kappa^4 g^8 = (kappa g^2)^4
  const W k4g8 = (kg2 * kg2) * (kg2 * kg2) * W(med.angular_factor());
  if (E < M) {
    const W x = E / M, x3 = x * x * x;  // E^6/M^8 = x^6/M^2: no overflow of E^6 or M^8
    return static_cast<Real>(k4g8 * (x3 * x3) / (M * M));
  }
  return static_cast<Real>(k4g8 / (E * E));
}

/// sigma(2nu->4nu) [cm^2], paper Eqs. (2)-(3) with the E_cm^-2 correction. Throws nusi::invalid_argument.
template <class Real>
Real sigma_2to4_cm2(Real E_cm_MeV, const mediator<Real>& med, Real kappa = default_kappa<Real>) {
  using W = detail::promoted_t<Real>;
  return static_cast<Real>(per_MeV2_to_cm2(W(sigma_2to4_per_MeV2<W>(
      E_cm_MeV,
      mediator<W>{W(med.mass_MeV), W(med.coupling), med.kind, W(med.vector_angular_factor), med.width, W(med.width_scale)},
      W(kappa)))));
}

/// Whether relic neutrinos are Majorana (all 330 cm^-3 are targets) or Dirac (half are sterile).
enum class neutrino_nature { majorana, dirac };

/// Which relic neutrinos a supernova neutrino can meet on the s-channel resonance (docs/physics.md,
/// "Relic targets: the counting").
enum class relic_counting {
  /// Every relic neutrino, all mass states (the paper, Sec. IV: n_CvB ~ 330 cm^-3).
  all_mass_states,
  /// Only relic neutrinos of the supernova neutrino's own mass state, one third of the total: with a
  /// flavour-universal coupling diagonal in the mass basis, nu_i + nu_j -> phi needs j = i.
  same_mass_state
};

/// Relic-neutrino temperature today [K]: (4/11)^(1/3) T_CMB (instantaneous decoupling before e+e- annihilation;
/// Kolb & Turner, The Early Universe, Eq. 3.84).
template <class Real>
Real relic_neutrino_temperature_K(Real cmb_temperature = cmb_temperature_K<Real>) {
  using std::cbrt;
  detail::require_positive("nusi::relic_neutrino_temperature_K", "cmb_temperature", cmb_temperature);
  return cbrt(Real(4) / Real(11)) * cmb_temperature;
}

/// Number density of one mass state and one helicity [cm^-3]: (3 zeta(3)/(4 pi^2)) T^3, the relativistic Fermi-Dirac
/// density frozen at decoupling and redshifted (56.0 cm^-3 at T_nu0 = 1.945 K).
template <class Real>
Real relic_density_per_helicity_per_cm3(Real temperature_K) {
  detail::require_positive("nusi::relic_density_per_helicity_per_cm3", "temperature_K", temperature_K);
  const Real T_MeV = eV(temperature_K * boltzmann_eV_per_K<Real>);
  const Real pi = boost::math::constants::pi<Real>();
  return MeV3_to_per_cm3(3 * boost::math::constants::zeta_three<Real>() * T_MeV * T_MeV * T_MeV / (4 * pi * pi));
}

/// Relic-neutrino temperature today [MeV]: (4/11)^(1/3) T_CMB, 1.6765e-10 MeV.
template <class Real>
Real relic_neutrino_temperature_MeV() {
  return eV(relic_neutrino_temperature_K<Real>() * boltzmann_eV_per_K<Real>);
}

/// Relic density per mass state and helicity state today [cm^-3], 56.0 cm^-3; six such states (3 mass
/// states, 2 helicities) make 336.
template <class Real>
Real relic_density_per_state_per_cm3() {
  return relic_density_per_helicity_per_cm3(relic_neutrino_temperature_K<Real>());
}

/// Whether a relic-neutrino mass in MeV is checked for plausibility (s_channel_breit_wigner, propagation_setup).
enum class relic_mass_check {
  /// Reject relic masses outside [plausible_relic_mass_min_MeV, plausible_relic_mass_max_MeV]: a mass
  /// given in eV where MeV is expected (0.05 for 0.05 eV: a 50 keV relic) fails loudly.
  plausible,
  /// Accept any finite mass > 0 (kinematic studies far from relic neutrinos, E ~ m tests).
  any_positive
};
/// Smallest plausible relic-neutrino mass [MeV]: 1e-4 eV. Lighter relics are relativistic today
/// (p ~ 3 T_nu0 = 5e-4 eV), so the targets-at-rest kinematics of Eq. (4) would not apply anyway.
template <class Real> inline constexpr Real plausible_relic_mass_min_MeV = Real(1e-10L);
/// Largest plausible relic-neutrino mass [MeV]: 10 eV, twenty times the laboratory limit (KATRIN,
/// Science 388, 180 (2025): m_nu < 0.45 eV at 90 % CL) and far above the cosmological ones.
template <class Real> inline constexpr Real plausible_relic_mass_max_MeV = Real(1e-5L);

namespace detail {
template <class Real>
void validate_relic_mass(std::string_view function, std::string_view name, Real mass_MeV, relic_mass_check check) {
  require_positive(function, name, mass_MeV);
  if (check == relic_mass_check::any_positive) return;
  if (check != relic_mass_check::plausible) throw_invalid(function, "check", "plausible or any_positive", static_cast<int>(check));
  if (!(mass_MeV >= plausible_relic_mass_min_MeV<Real> && mass_MeV <= plausible_relic_mass_max_MeV<Real>))
    throw_invalid(function, name,
                  "a relic-neutrino mass in MeV within [1e-10, 1e-5] MeV = [1e-4, 10] eV (was it given in eV? pass "
                  "relic_mass_check::any_positive to allow it)",
                  mass_MeV);
}
}  // namespace detail

/// Relic-neutrino (CvB) targets: mass m_nu [MeV] (paper: 0.05 eV), nature, total density and counting
/// (paper Sec. IV). Defaults are the paper's (paper()); same_mass_state() is the counting derived in
/// docs/physics.md.
template <class Real>
struct relic_neutrinos {
  Real mass_MeV = Real(5e-8L);
  neutrino_nature nature = neutrino_nature::majorana;
  /// Total CvB density of all mass states, nu and nubar (both helicities) [cm^-3] (paper Sec. IV: ~330).
  Real total_density_per_cm3 = Real(330);
  /// Which of them a supernova neutrino can scatter on resonantly.
  relic_counting counting = relic_counting::all_mass_states;
  /// Whether mass_MeV must be a plausible relic mass ([1e-4, 10] eV) or any positive mass.
  relic_mass_check mass_check = relic_mass_check::plausible;

  /// The paper's targets: 330 cm^-3 of all mass states (Sec. IV), Majorana; the default.
  static relic_neutrinos paper() { return relic_neutrinos{}; }
  /// The derived counting: the six states of 56.0 cm^-3 each from T_nu0 (336 cm^-3 in all), of which a
  /// supernova neutrino meets the two helicity states of its own mass state: 112 cm^-3 Majorana, 56 Dirac.
  static relic_neutrinos same_mass_state() {
    relic_neutrinos r;
    r.total_density_per_cm3 = 6 * relic_density_per_state_per_cm3<Real>();
    r.counting = relic_counting::same_mass_state;
    return r;
  }

  /// Density of targets [cm^-3]: the total (all_mass_states) or a third of it (same_mass_state), halved
  /// for Dirac neutrinos, whose sterile half never scatters (paper Sec. IV, below Eq. 8). Paper: 330 and
  /// 165; same_mass_state(): 112.0 and 56.0.
  Real target_density_per_cm3() const {
    const Real per_state = counting == relic_counting::same_mass_state ? total_density_per_cm3 / 3 : total_density_per_cm3;
    return nature == neutrino_nature::dirac ? per_state / 2 : per_state;
  }
};

/// s-channel Breit-Wigner scattering of a supernova neutrino (E_i) on a relic neutrino at rest,
/// paper Eqs. (4)-(5). Energies in MeV; cross sections in cm^2 (dsigma/dE_f in cm^2/MeV).
/// Internally D(s) = (s - M^2)^2 + M^2 Gamma^2 = M^4 (v^2 + gamma^2) with v = s/M^2 - 1 and
/// gamma = Gamma/M (g^2/(4 pi) by the paper's convention), so that no M^4, g^4 or Gamma^2 is ever formed
/// (no under/overflow).
/// Every member throws nusi::invalid_argument on non-finite, non-positive or out-of-range input.
template <class Real>
class s_channel_breit_wigner {
  using W = detail::promoted_t<Real>;

 public:
  /// From the mediator and the relic-neutrino mass m_nu [MeV] (paper: 0.05 eV). Explicit: a mediator
  /// does not silently become a cross section.
  /// @throws nusi::invalid_argument if a member of med is not finite and > 0, or relic_mass_MeV is not,
  /// or (check == plausible, the default) relic_mass_MeV is outside [1e-10, 1e-5] MeV = [1e-4, 10] eV.
  explicit s_channel_breit_wigner(const mediator<Real>& med, Real relic_mass_MeV = Real(5e-8L),
                                  relic_mass_check check = relic_mass_check::plausible)
      : med_(med), relic_mass_(relic_mass_MeV) {
    constexpr std::string_view fn = "nusi::s_channel_breit_wigner";
    detail::validate_mediator(fn, med);
    detail::validate_relic_mass(fn, "relic_mass_MeV", relic_mass_MeV, check);
    const W pi = boost::math::constants::pi<W>();
    m_ = relic_mass_MeV;
    M2_ = W(med.mass_MeV) * W(med.mass_MeV);
    // gamma = Gamma/M: g^2/(4 pi) by the paper's convention (below Eq. 4), formed from g directly. The
    // formulas below write g^4 as (4 pi gamma)^2; a width scaled by c (scaled_paper) keeps Eq. (4)'s g^4,
    // so every cross section gains (g^2/(4 pi gamma))^2 = 1/c^2, exactly 1 for the paper's convention.
    gamma_ = W(med.coupling) * W(med.coupling) / (4 * pi);
    c_ = 4 * pi / M2_;
    angular_ = med.angular_factor();
    if (med.width == width_convention::scaled_paper) {
      gamma_ *= W(med.width_scale);
      angular_ /= W(med.width_scale) * W(med.width_scale);
      if (!detail::is_finite(angular_) || !(gamma_ > 0))
        detail::throw_invalid(fn, "med.width_scale", "such that 1/width_scale^2 and the width are finite and > 0",
                              med.width_scale);
    }
    total_scale_ = per_MeV2_to_cm2(c_ * (gamma_ * gamma_) / M2_) * angular_;
  }

  const mediator<Real>& med() const { return med_; }
  Real relic_mass_MeV() const { return relic_mass_; }
  /// Decay width Gamma [MeV]: g^2 M/(4 pi) by the paper's convention (mediator::width).
  Real width_MeV() const { return med_.width_MeV(); }
  /// Peak of sigma_tot, at s = M^2 [cm^2]: 4 pi/(M^2 + m_nu^2) whatever g (the paper's width convention),
  /// times the vector factor (and (g^2/(4 pi Gamma/M))^2 for another width convention).
  Real peak_sigma_total_cm2() const {
    const W pi = boost::math::constants::pi<W>();
    return static_cast<Real>(per_MeV2_to_cm2(4 * pi * angular_ / (M2_ + m_ * m_)));
  }
  /// Resonance energy E_res = M^2/(2 m_nu) [MeV] (paper Sec. II).
  Real resonance_energy_MeV() const { return static_cast<Real>(M2_ / (2 * m_)); }
  /// Mandelstam s = 2 E_i m_nu [MeV^2] for a target at rest.
  Real mandelstam_s_MeV2(Real E_i_MeV) const {
    detail::require_positive("nusi::s_channel_breit_wigner::mandelstam_s_MeV2", "E_i_MeV", E_i_MeV);
    return static_cast<Real>(2 * W(E_i_MeV) * m_);
  }

  /// E_f(E_i, cos t) = (s/2) / (E_i (1 - cos t) + m_nu) [MeV] (paper, below Eq. 4); E_f(E_i, 1) = E_i
  /// exactly. Throws if cos_angle is outside [-1, 1].
  Real final_energy_MeV(Real E_i_MeV, Real cos_angle) const {
    constexpr std::string_view fn = "nusi::s_channel_breit_wigner::final_energy_MeV";
    detail::require_positive(fn, "E_i_MeV", E_i_MeV);
    detail::require_closed_interval(fn, "cos_angle", cos_angle, Real(-1), Real(1));
    return static_cast<Real>(final_energy(E_i_MeV, 1 - W(cos_angle)));
  }
  /// Lowest final energy, at backward scattering: E_f,min = (s/2)/(2 E_i + m_nu) [MeV]; equal to
  /// final_energy_MeV(E_i, -1) to the last bit.
  Real min_final_energy_MeV(Real E_i_MeV) const {
    detail::require_positive("nusi::s_channel_breit_wigner::min_final_energy_MeV", "E_i_MeV", E_i_MeV);
    return static_cast<Real>(final_energy(E_i_MeV, W(2)));
  }
  /// 1 - cos t = m_nu (1/E_f - 1/E_i), the inverse of final_energy_MeV, free of the 1 - cos t
  /// cancellation at tiny angles. Throws if E_f is outside [E_f,min(E_i), E_i].
  Real one_minus_cos_angle(Real E_i_MeV, Real E_f_MeV) const {
    check_final_energy("nusi::s_channel_breit_wigner::one_minus_cos_angle", E_i_MeV, E_f_MeV);
    const W Ei = E_i_MeV, Ef = E_f_MeV;
    if (E_f_MeV == min_final_energy_MeV(E_i_MeV)) return Real(2);  // exact backward scattering
    const W x = (m_ / Ef) * ((Ei - Ef) / Ei);
    return static_cast<Real>(x > 2 ? W(2) : x);  // rounding at E_f = E_f,min may give 2 + ulp
  }
  /// cos t of the scattered supernova neutrino for E_i -> E_f. Throws like one_minus_cos_angle.
  Real cos_angle(Real E_i_MeV, Real E_f_MeV) const {
    return static_cast<Real>(1 - W(one_minus_cos_angle(E_i_MeV, E_f_MeV)));
  }
  /// Deflection angle t [rad] for E_i -> E_f, as 2 asin(sqrt((1 - cos t)/2)) (accurate for t -> 0).
  Real deflection_angle_rad(Real E_i_MeV, Real E_f_MeV) const {
    using std::asin;
    using std::sqrt;
    const W h = W(one_minus_cos_angle(E_i_MeV, E_f_MeV)) / 2;
    return static_cast<Real>(2 * asin(sqrt(h)));
  }

  /// dsigma/dcos t [cm^2], paper Eq. (4). With s = 2 E_i m_nu, (s/(m_nu E_i))^2 = 4 and Eq. (4) reads
  /// g^4 E_f^2 / (2 pi D(s)). Throws if cos_angle is outside [-1, 1].
  Real dsigma_dcos_cm2(Real E_i_MeV, Real cos_angle) const {
    constexpr std::string_view fn = "nusi::s_channel_breit_wigner::dsigma_dcos_cm2";
    detail::require_positive(fn, "E_i_MeV", E_i_MeV);
    detail::require_closed_interval(fn, "cos_angle", cos_angle, Real(-1), Real(1));
    require_s_in_range(fn, "E_i_MeV", E_i_MeV);
    const W E_f = final_energy(E_i_MeV, 1 - W(cos_angle));
    const W pi = boost::math::constants::pi<W>();
    return static_cast<Real>(per_MeV2_to_cm2(squared_times_g4_over_D(E_f, 2 * W(E_i_MeV) * m_) / (2 * pi)));
  }
  /// dsigma/dE_f [cm^2/MeV] = (m_nu/E_f^2) dsigma/dcos t = g^4 m_nu / (2 pi D(s)), flat in E_f on
  /// [E_f,min, E_i] (paper Eq. 5). Throws if E_f is outside that range.
  Real dsigma_dEf_cm2_per_MeV(Real E_i_MeV, Real E_f_MeV) const {
    constexpr std::string_view fn = "nusi::s_channel_breit_wigner::dsigma_dEf_cm2_per_MeV";
    check_final_energy(fn, E_i_MeV, E_f_MeV);
    require_s_in_range(fn, "E_i_MeV", E_i_MeV);
    return static_cast<Real>(flat_height(E_i_MeV));
  }
  /// The flat value of dsigma/dE_f at E_i [cm^2/MeV] (the kernel height, independent of E_f).
  Real flat_dsigma_dEf_cm2_per_MeV(Real E_i_MeV) const {
    constexpr std::string_view fn = "nusi::s_channel_breit_wigner::flat_dsigma_dEf_cm2_per_MeV";
    detail::require_positive(fn, "E_i_MeV", E_i_MeV);
    require_s_in_range(fn, "E_i_MeV", E_i_MeV);
    return static_cast<Real>(flat_height(E_i_MeV));
  }
  /// sigma_tot(E_i) [cm^2]: Eq. (4) integrated over cos t in [-1, 1] (equivalently Eq. 5 over
  /// [E_f,min, E_i]) = g^4 s^2 / (4 pi D(s) (s + m_nu^2)); -> g^4 s/(4 pi D(s)) for E_i >> m_nu.
  Real sigma_total_cm2(Real E_i_MeV) const {
    constexpr std::string_view fn = "nusi::s_channel_breit_wigner::sigma_total_cm2";
    detail::require_positive(fn, "E_i_MeV", E_i_MeV);
    const W s = 2 * W(E_i_MeV) * m_;
    return static_cast<Real>(total_point(s, require_s_in_range(fn, "E_i_MeV", E_i_MeV)));
  }

  /// Average of dsigma/dE_f over E_i in the bin [E_lo, E_hi] [cm^2/MeV], in closed form: the
  /// Breit-Wigner integrates to an arctangent, so a bin holding the resonance is weighted exactly.
  Real bin_averaged_dsigma_dEf_cm2_per_MeV(Real E_lo_MeV, Real E_hi_MeV) const {
    constexpr std::string_view fn = "nusi::s_channel_breit_wigner::bin_averaged_dsigma_dEf_cm2_per_MeV";
    check_bin(fn, E_lo_MeV, E_hi_MeV);
    require_s_in_range(fn, "E_hi_MeV", E_hi_MeV);
    const bin b = make_bin(E_lo_MeV, E_hi_MeV);
    // int g^4/D ds = c^2 M^2 gamma [atan(v/gamma)]; <.> = m_nu/(2 pi) int g^4/D ds / (s2 - s1).
    return static_cast<Real>(per_MeV2_to_cm2(2 * m_ * c_ * gamma_ * atan_difference(b) / b.width * angular_));
  }
  /// Average of sigma_tot over E_i in the bin [E_lo, E_hi] [cm^2]: the exact integral (partial
  /// fractions) where the bin holds s = M^2 or lies closer to it than its own width, 20-point
  /// Gauss-Legendre elsewhere, where the closed form would cancel (see docs/physics.md).
  Real bin_averaged_sigma_total_cm2(Real E_lo_MeV, Real E_hi_MeV) const {
    constexpr std::string_view fn = "nusi::s_channel_breit_wigner::bin_averaged_sigma_total_cm2";
    check_bin(fn, E_lo_MeV, E_hi_MeV);
    require_s_in_range(fn, "E_hi_MeV", E_hi_MeV);
    const bin b = make_bin(E_lo_MeV, E_hi_MeV);
    const W distance = b.s1 > M2_ ? b.s1 - M2_ : (b.s2 < M2_ ? M2_ - b.s2 : W(0));
    if (distance > b.width) return static_cast<Real>(gauss_average_total(b));
    return static_cast<Real>(closed_form_average_total(b));
  }

 private:
  struct bin {
    W s1, s2, width;  // s at the edges [MeV^2], s2 - s1 from E_hi - E_lo (exact by Sterbenz)
    W v1, v2, dv;     // v = s/M^2 - 1 at the edges, dv = width/M^2
  };
  bin make_bin(Real E_lo_MeV, Real E_hi_MeV) const {
    bin b{};
    b.s1 = 2 * W(E_lo_MeV) * m_;
    b.s2 = 2 * W(E_hi_MeV) * m_;
    b.width = 2 * (W(E_hi_MeV) - W(E_lo_MeV)) * m_;
    b.v1 = v_of(b.s1);
    b.v2 = v_of(b.s2);
    b.dv = b.width / M2_;
    return b;
  }
  W v_of(W s) const { return (s - M2_) / M2_; }
  // gamma^2/(v^2 + gamma^2) in (0, 1], scaled so that neither ratio exceeds 1.
  W lorentz_ratio(W v) const {
    using std::abs;
    if (abs(v) <= gamma_) {
      const W r = v / gamma_;
      return 1 / (1 + r * r);
    }
    const W r = gamma_ / v;
    return r * r / (1 + r * r);
  }
  // e^2 g^4/D(s) [MeV^-2], as (e c r)^2/(1 + r^2) with r = gamma/v where |v| > gamma: e^2 and g^4/D
  // apart would overflow and underflow at E_i ~ 1e300 MeV, where forward scattering is g^4/(8 pi m^2).
  W squared_times_g4_over_D(W e, W s) const {
    using std::abs;
    const W v = v_of(s);
    if (abs(v) <= gamma_) return (e * c_) * (e * c_) * lorentz_ratio(v) * angular_;
    const W r = gamma_ / v, a = (e * r) * c_;
    return a * a / (1 + r * r) * angular_;
  }
  // E_i / (E_i (1 - cos t)/m_nu + 1): E_i exactly at 1 - cos t = 0.
  W final_energy(W E_i, W one_minus_cos) const { return E_i / (E_i * one_minus_cos / m_ + 1); }
  // m_nu g^4/(2 pi D(s)) [cm^2/MeV] as m_nu/(2 pi) e^2 g^4/D with e = 1: far above the pole (c r)^2 with
  // r = gamma/v, not c^2 r^2, whose r^2 turns denormal (E_i > 1e130 MeV at M = 1e-10 MeV) while the
  // height (c r)^2 m_nu (hbar c)^2/(2 pi) is still a normal double: 2e-4 of it was lost at 3e-308.
  W flat_height(W E_i) const {
    const W pi = boost::math::constants::pi<W>();
    return per_MeV2_to_cm2(m_ * squared_times_g4_over_D(W(1), 2 * E_i * m_) / (2 * pi));
  }
  // sigma_tot [cm^2] = (4 pi/M^2) (s/M^2) L(v) s/(s + m_nu^2), at s and v = s/M^2 - 1 given separately
  // so that each keeps its relative accuracy (v near 0 at the pole, s near 0 far below it).
  // For v > max(1, gamma), x L(v) = (1 + 1/v) gamma r/(1 + r^2) with r = gamma/v (x = 1 + v): x r^2
  // would underflow long before the product does (v > 1e137 at g = 1e-8, still 1e-198 cm^2).
  // Every intermediate of the direct form (c gamma^2/M^2) s^2 / ((v^2 + gamma^2)(s + m_nu^2)) is a
  // normal number while s and |v| stay within 1e+-100 (the kernels' bins and the Monte Carlo's steps
  // all do): one division instead of the four of the scaled form, which is kept for the extremes.
  static bool direct_form_safe(W s, W v) {
    using std::abs;
    return s > W(1e-100L) && s < W(1e100L) && abs(v) < W(1e100L);
  }
  W total_direct(W s, W v) const { return total_scale_ * (s * s) / ((v * v + gamma_ * gamma_) * (s + m_ * m_)); }
  W total_point(W s, W v) const {
    if (direct_form_safe(s, v)) return total_direct(s, v);
    const W r = gamma_ / v;
    const W x_lorentz = v > 1 && v > gamma_ ? (1 + 1 / v) * gamma_ * (r / (1 + r * r)) : (s / M2_) * lorentz_ratio(v);
    return per_MeV2_to_cm2(c_ * x_lorentz * (s / (s + m_ * m_)) * angular_);
  }
  W total_point(W s) const { return total_point(s, v_of(s)); }
  // atan(v2/gamma) - atan(v1/gamma) = atan(gamma dv/(gamma^2 + v1 v2)) while that denominator is
  // positive (the difference is then below pi/2): it uses the exact dv, not v2 - v1, which cancels
  // for bins narrow compared with their distance to the pole or inside the line. Otherwise
  // -v1 v2 >= gamma^2: the bin spans the line's core, the difference is at least pi/2 and the
  // plain difference of angles is accurate.
  W atan_difference(const bin& b) const {
    using std::atan;
    using std::atan2;
    const W denominator = gamma_ * gamma_ + b.v1 * b.v2;
    if (denominator > 0) return atan(gamma_ * b.dv / denominator);
    return atan2(b.v2, gamma_) - atan2(b.v1, gamma_);
  }
  // Exact average: with x = s/M^2, beta = m_nu^2/M^2, the integrand x^2 / ((x + beta)((x - 1)^2 + gamma^2))
  // = A/(x + beta) + (B (x - 1) + C)/((x - 1)^2 + gamma^2), and int ds sigma_tot = (4 pi gamma^2) *
  // [A log(x + beta) + B/2 log((x-1)^2 + gamma^2) + C/gamma atan((x-1)/gamma)].
  W closed_form_average_total(const bin& b) const {
    using std::log;
    using std::log1p;
    const W beta = m_ * m_ / M2_;
    const W g2 = gamma_ * gamma_;
    const W D_minus_beta = (1 + beta) * (1 + beta) + g2;  // (x - 1)^2 + gamma^2 at x = -beta
    const W A = beta * beta / D_minus_beta;
    const W B = (1 + 2 * beta + g2) / D_minus_beta;               // 1 - A without cancellation
    const W C = (1 + beta + g2 * (1 - beta)) / D_minus_beta;      // B + C' of the (B x + C') form
    const W log_x = log1p(b.width / (b.s1 + m_ * m_));
    // log(D2/D1)/2: log1p of (D2 - D1)/D1 where the ratio is near 1 (narrow bins), log of the ratio
    // otherwise (log1p(x) for x near -1 would cancel when the bin ends much nearer the pole).
    // sqrt(D) = hypot(v, gamma): no overflow of v^2 in bins reaching far above the pole.
    using std::hypot;
    const W h1 = hypot(b.v1, gamma_), h2 = hypot(b.v2, gamma_), root_two = boost::math::constants::root_two<W>();
    const W ratio = h2 / h1;
    const W half_log_D = h2 > h1 / root_two && h2 < h1 * root_two ? log1p((b.dv / h1) * ((b.v1 + b.v2) / h1)) / 2
                         : detail::is_finite(ratio)                ? log(ratio)
                                                                   : log(h2) - log(h1);
    const W value = gamma_ * (gamma_ * (A * log_x + B * half_log_D) + C * atan_difference(b));
    return per_MeV2_to_cm2(c_ * M2_ * value / b.width * angular_);
  }
  // Gauss-Legendre average on sub-bins [lo, hi] with hi + m^2 <= 2 (lo + m^2): each is no wider than
  // its distance to the pole of s^2/(s + m^2) at s = -m^2, and (by the caller) than its distance to
  // s = M^2, so the Bernstein ellipse parameter is rho >= 3 + 2 sqrt(2) and n points err by ~rho^-2n:
  // 15 points give ~1e-23, below the rounding of double and long double; wider types take 20 (~1e-31).
  // Nodes carry s and v = s/M^2 - 1 interpolated separately (see total_point).
  static constexpr unsigned gauss_points = std::numeric_limits<W>::digits <= 64 ? 15 : 20;
  W gauss_average_total(const bin& b) const {
    if (!(b.s2 > b.s1)) return total_point(b.s1, b.v1);  // narrower than the rounding of s: the point value
    const W b2 = m_ * m_;
    W integral = 0, lo = b.s1, v_lo = b.v1;
    while (lo < b.s2) {
      W hi = 2 * lo + b2, v_hi = v_of(hi);
      if (!(hi < b.s2)) hi = b.s2, v_hi = b.v2;
      const W s_mid = (lo + hi) / 2, s_half = (hi - lo) / 2;
      const W v_mid = (v_lo + v_hi) / 2, v_half = (v_hi - v_lo) / 2;
      using rule = boost::math::quadrature::gauss<W, gauss_points>;
      // The range check once per sub-bin (both ends), so that the nodes' loop has no branch.
      const bool direct = direct_form_safe(lo, v_lo) && direct_form_safe(hi, v_hi);
      integral += s_half * (direct ? rule::integrate([&](W t) { return total_direct(s_mid + s_half * t, v_mid + v_half * t); }, W(-1), W(1))
                                   : rule::integrate([&](W t) { return total_point(s_mid + s_half * t, v_mid + v_half * t); }, W(-1), W(1)));
      lo = hi;
      v_lo = v_hi;
    }
    return integral / (b.s2 - b.s1);
  }
  void check_final_energy(std::string_view fn, Real E_i_MeV, Real E_f_MeV) const {
    detail::require_positive(fn, "E_i_MeV", E_i_MeV);
    detail::require_closed_interval(fn, "E_f_MeV", E_f_MeV, min_final_energy_MeV(E_i_MeV), E_i_MeV);
  }
  // v = s/M^2 - 1 enters every cross section; it leaves the floating-point range only for E above
  // ~max() M^2/(2 m_nu) (1.8e295 MeV at M = 1e-10 MeV, m_nu = 0.05 eV), beyond any physics: rejected.
  // Returns v at E.
  W require_s_in_range(std::string_view fn, std::string_view name, Real E_MeV) const {
    const W v = v_of(2 * W(E_MeV) * m_);
    if (!detail::is_finite(v)) detail::throw_invalid(fn, name, "such that s/M^2 = 2 E m_nu/M^2 is finite", E_MeV);
    return v;
  }
  static void check_bin(std::string_view fn, Real E_lo_MeV, Real E_hi_MeV) {
    detail::require_positive(fn, "E_lo_MeV", E_lo_MeV);
    detail::require_positive(fn, "E_hi_MeV", E_hi_MeV);
    detail::require_ordered(fn, "E_lo_MeV", E_lo_MeV, "E_hi_MeV", E_hi_MeV);
  }

  mediator<Real> med_;
  Real relic_mass_;
  W m_ = 0, M2_ = 0, gamma_ = 0, c_ = 0, angular_ = 1;
  W total_scale_ = 0;  // (hbar c)^2 (c gamma^2/M^2) angular: the constant of total_point's direct form
};

}  // namespace nusi
