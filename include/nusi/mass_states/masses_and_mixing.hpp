// SPDX-License-Identifier: MIT
// Neutrino masses and mixing of the mass-state propagation model (docs/physics.md, "Mass states"): the
// three masses from the lightest mass or from their sum and the ordering, and the PMNS matrix, with the
// NuFIT 5.2 best fit as defaults. The paper's model (one relic mass, no mixing) needs none of this.
#pragma once

#include <array>
#include <cmath>
#include <complex>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>

#include <boost/math/constants/constants.hpp>
#include <boost/math/tools/roots.hpp>

#include "../errors.hpp"
#include "../units.hpp"

namespace nusi {

/// Neutrino mass ordering: normal (m1 < m2 < m3) or inverted (m3 < m1 < m2).
enum class mass_ordering { normal, inverted };

/// Lepton flavour, the row index of the PMNS matrix.
enum class flavour { e = 0, mu = 1, tau = 2 };

/// Name of a flavour as used in tables and JSON keys: "e", "mu", "tau".
inline std::string_view flavour_name(flavour f) {
  switch (f) {
    case flavour::e: return "e";
    case flavour::mu: return "mu";
    case flavour::tau: return "tau";
  }
  return "?";
}

/// Oscillation parameters in the standard parametrisation (PDG, Review of Particle Physics, "Neutrino mixing").
template <class Real>
struct mixing_parameters {
  Real theta12_deg;
  Real theta13_deg;
  Real theta23_deg;
  /// Dirac CP phase [deg] in [0, 360]. Majorana phases are set to zero (they do not enter the rates used here,
  /// see docs/physics.md).
  Real delta_cp_deg;
  /// Delta m^2_21 = m2^2 - m1^2 [eV^2], > 0.
  Real delta_m2_21_eV2;
  /// |Delta m^2_3l| [eV^2], NuFIT's convention: Delta m^2_31 > 0 for normal ordering, -Delta m^2_32 for inverted.
  Real abs_delta_m2_3l_eV2;
};

/// NuFIT 5.2 (2022) best fit with the Super-Kamiokande atmospheric chi^2 table, www.nu-fit.org; I. Esteban et al.,
/// JHEP 09 (2020) 178 [arXiv:2007.14792]. Normal: theta12 = 33.41, theta13 = 8.58, theta23 = 42.2 deg, delta = 232 deg,
/// Delta m^2_21 = 7.41e-5 eV^2, Delta m^2_31 = +2.507e-3 eV^2. Inverted: 33.41, 8.57, 49.0 deg, 276 deg, 7.41e-5,
/// Delta m^2_32 = -2.486e-3 eV^2.
template <class Real>
mixing_parameters<Real> nufit_5_2(mass_ordering ordering) {
  if (ordering == mass_ordering::normal)
    return {Real(33.41L), Real(8.58L), Real(42.2L), Real(232), Real(7.41e-5L), Real(2.507e-3L)};
  return {Real(33.41L), Real(8.57L), Real(49.0L), Real(276), Real(7.41e-5L), Real(2.486e-3L)};
}

/// Inputs of the neutrino mass spectrum: ordering, absolute scale (lightest mass or the sum of masses), mixing.
template <class Real>
struct neutrino_spectrum_options {
  mass_ordering ordering = mass_ordering::normal;
  /// Lightest mass [eV] (m1 for normal, m3 for inverted ordering), >= 0. Ignored when sum_masses_eV is set.
  Real lightest_mass_eV = Real(0);
  /// Sum of the three masses [eV]; when set it fixes the lightest mass (it must be at least the ordering's minimum:
  /// 0.0587 eV normal, 0.0989 eV inverted with NuFIT 5.2).
  std::optional<Real> sum_masses_eV{};
  /// Oscillation parameters; unset: nufit_5_2(ordering).
  std::optional<mixing_parameters<Real>> mixing{};
};

namespace detail {
/// Largest neutrino mass accepted [eV]: far above every laboratory and cosmological bound, below which the
/// relic neutrinos stay non-relativistic-or-thermal as modelled (docs/physics.md).
template <class Real> inline constexpr Real max_neutrino_mass_eV = Real(100);

template <class Real>
void validate_mixing(std::string_view fn, const mixing_parameters<Real>& p) {
  require_closed_interval(fn, "mixing.theta12_deg", p.theta12_deg, Real(0), Real(90));
  require_closed_interval(fn, "mixing.theta13_deg", p.theta13_deg, Real(0), Real(90));
  require_closed_interval(fn, "mixing.theta23_deg", p.theta23_deg, Real(0), Real(90));
  require_closed_interval(fn, "mixing.delta_cp_deg", p.delta_cp_deg, Real(0), Real(360));
  require_positive(fn, "mixing.delta_m2_21_eV2", p.delta_m2_21_eV2);
  require_positive(fn, "mixing.abs_delta_m2_3l_eV2", p.abs_delta_m2_3l_eV2);
}

/// Masses [eV] (m1, m2, m3) from the lightest mass L: normal m1 = L, m2^2 = L^2 + dm21, m3^2 = L^2 + dm31;
/// inverted m3 = L, m2^2 = L^2 + |dm32|, m1^2 = m2^2 - dm21.
template <class Real>
std::array<Real, 3> masses_from_lightest(mass_ordering o, Real L, const mixing_parameters<Real>& p) {
  using std::sqrt;
  if (o == mass_ordering::normal)
    return {L, sqrt(L * L + p.delta_m2_21_eV2), sqrt(L * L + p.abs_delta_m2_3l_eV2)};
  const Real m2 = sqrt(L * L + p.abs_delta_m2_3l_eV2);
  return {sqrt(m2 * m2 - p.delta_m2_21_eV2), m2, L};
}
}  // namespace detail

/// The three neutrino masses and the PMNS matrix U (rows e, mu, tau; columns the mass states 1, 2, 3) in the
/// standard parametrisation U = R23 U13(delta) R12 (PDG), Majorana phases zero.
/// @throws nusi::invalid_argument naming the bad member: an angle outside [0, 90] deg, delta outside [0, 360] deg,
/// a mass splitting not finite and > 0 (inverted ordering also needs |Delta m^2_32| > Delta m^2_21), a negative or
/// non-finite lightest mass or one above 100 eV, or a sum of masses the ordering cannot give.
template <class Real>
class neutrino_spectrum {
 public:
  explicit neutrino_spectrum(const neutrino_spectrum_options<Real>& options = {})
      : ordering_(options.ordering), mixing_(options.mixing ? *options.mixing : nufit_5_2<Real>(options.ordering)) {
    using std::cos;
    using std::sin;
    constexpr std::string_view fn = "nusi::neutrino_spectrum";
    if (options.ordering != mass_ordering::normal && options.ordering != mass_ordering::inverted)
      detail::throw_invalid(fn, "options.ordering", "normal or inverted", static_cast<int>(options.ordering));
    detail::validate_mixing(fn, mixing_);
    if (ordering_ == mass_ordering::inverted && !(mixing_.abs_delta_m2_3l_eV2 > mixing_.delta_m2_21_eV2))
      detail::throw_invalid(fn, "mixing.abs_delta_m2_3l_eV2",
                            "> mixing.delta_m2_21_eV2 = " + detail::to_text(mixing_.delta_m2_21_eV2) +
                                " for inverted ordering (m1^2 = m3^2 + |dm32| - dm21 >= 0)",
                            mixing_.abs_delta_m2_3l_eV2);
    Real lightest = options.lightest_mass_eV;
    if (options.sum_masses_eV) {
      lightest = lightest_from_sum(*options.sum_masses_eV);
    } else {
      detail::require_closed_interval(fn, "options.lightest_mass_eV", lightest, Real(0), detail::max_neutrino_mass_eV<Real>);
    }
    masses_eV_ = detail::masses_from_lightest(ordering_, lightest, mixing_);
    const Real deg = boost::math::constants::pi<Real>() / 180;
    const Real s12 = sin(mixing_.theta12_deg * deg), c12 = cos(mixing_.theta12_deg * deg);
    const Real s13 = sin(mixing_.theta13_deg * deg), c13 = cos(mixing_.theta13_deg * deg);
    const Real s23 = sin(mixing_.theta23_deg * deg), c23 = cos(mixing_.theta23_deg * deg);
    const std::complex<Real> e(cos(mixing_.delta_cp_deg * deg), sin(mixing_.delta_cp_deg * deg));  // e^{i delta}
    U_[0] = {std::complex<Real>(c12 * c13), std::complex<Real>(s12 * c13), s13 * std::conj(e)};
    U_[1] = {-s12 * c23 - c12 * s23 * s13 * e, c12 * c23 - s12 * s23 * s13 * e, std::complex<Real>(s23 * c13)};
    U_[2] = {s12 * s23 - c12 * c23 * s13 * e, -c12 * s23 - s12 * c23 * s13 * e, std::complex<Real>(c23 * c13)};
  }

  mass_ordering ordering() const { return ordering_; }
  const mixing_parameters<Real>& mixing() const { return mixing_; }
  /// Mass of state i = 0, 1, 2 (m1, m2, m3) [eV].
  Real mass_eV(std::size_t i) const { return masses_eV_[i]; }
  /// Mass of state i [MeV].
  Real mass_MeV(std::size_t i) const { return eV(masses_eV_[i]); }
  const std::array<Real, 3>& masses_eV() const { return masses_eV_; }
  /// Index of the lightest state: 0 (normal) or 2 (inverted).
  std::size_t lightest_state() const { return ordering_ == mass_ordering::normal ? 0 : 2; }
  /// Sum of the masses [eV].
  Real sum_masses_eV() const { return masses_eV_[0] + masses_eV_[1] + masses_eV_[2]; }
  /// U_{alpha i}.
  std::complex<Real> pmns(flavour alpha, std::size_t i) const { return U_[static_cast<std::size_t>(alpha)][i]; }
  /// |U_{alpha i}|^2: probability that flavour alpha is found in mass state i (rows and columns sum to 1).
  Real mixing_probability(flavour alpha, std::size_t i) const { return std::norm(pmns(alpha, i)); }
  /// The smallest sum of masses [eV] this ordering allows (lightest mass 0).
  Real minimum_sum_masses_eV() const {
    const auto m = detail::masses_from_lightest(ordering_, Real(0), mixing_);
    return m[0] + m[1] + m[2];
  }

 private:
  // The lightest mass giving sum_eV: the sum grows monotonically with it, so bisection-safe TOMS 748.
  Real lightest_from_sum(Real sum_eV) const {
    constexpr std::string_view fn = "nusi::neutrino_spectrum";
    detail::require_finite(fn, "options.sum_masses_eV", sum_eV);
    const Real minimum = minimum_sum_masses_eV();
    if (!(sum_eV >= minimum))
      detail::throw_invalid(fn, "options.sum_masses_eV",
                            std::string(">= ") + detail::to_text(minimum) + " eV, the smallest sum the " +
                                (ordering_ == mass_ordering::normal ? "normal" : "inverted") + " ordering allows",
                            sum_eV);
    const Real top = 3 * detail::max_neutrino_mass_eV<Real>;
    if (!(sum_eV <= top)) detail::throw_invalid(fn, "options.sum_masses_eV", "<= " + detail::to_text(top) + " eV", sum_eV);
    if (sum_eV == minimum) return Real(0);
    auto f = [&](Real L) {
      const auto m = detail::masses_from_lightest(ordering_, L, mixing_);
      return m[0] + m[1] + m[2] - sum_eV;
    };
    std::uintmax_t iterations = 200;
    const auto tol = boost::math::tools::eps_tolerance<Real>(std::numeric_limits<Real>::digits - 3);
    const auto [lo, hi] = boost::math::tools::toms748_solve(f, Real(0), sum_eV / 3, tol, iterations);
    if (iterations >= 200)
      throw numerical_error("nusi::neutrino_spectrum: no lightest mass found for sum_masses_eV = " + detail::to_text(sum_eV));
    return (lo + hi) / 2;
  }

  mass_ordering ordering_;
  mixing_parameters<Real> mixing_;
  std::array<Real, 3> masses_eV_{};
  std::array<std::array<std::complex<Real>, 3>, 3> U_{};
};

}  // namespace nusi
