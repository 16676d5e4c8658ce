// SPDX-License-Identifier: MIT
// Flavour conversion at the source: the flux leaving the supernova in each flavour as a mixture of the
// emitted nu_e, anti-nu_e and nu_x fluxes, for no conversion or adiabatic MSW conversion in normal or
// inverted mass ordering (Dighe & Smirnov, PRD 62, 033007 (2000); derivation in docs/physics.md,
// "Supernova models"), with the mixing angles of mass_states/masses_and_mixing.hpp (NuFIT 5.2) unless
// given. Collective and non-adiabatic effects are not modelled. Throws nusi::invalid_argument.
#pragma once

#include <array>
#include <cmath>
#include <optional>
#include <string_view>

#include <boost/math/constants/constants.hpp>

#include "../errors.hpp"
#include "../mass_states/masses_and_mixing.hpp"

namespace nusi {

/// The neutrino species of a supernova model. nu_x stands for each one of nu_mu, nu_tau (per species);
/// nu_x_bar for each one of their antineutrinos. Simulations emit nu_x and nu_x_bar alike (one "nux"
/// column); after conversion at the source they differ.
enum class supernova_flavor { nu_e, nu_e_bar, nu_x, nu_x_bar };

/// "nue", "nuebar", "nux" or "nuxbar" (the spelling of model files and the tool).
inline std::string_view flavor_name(supernova_flavor f) {
  switch (f) {
    case supernova_flavor::nu_e: return "nue";
    case supernova_flavor::nu_e_bar: return "nuebar";
    case supernova_flavor::nu_x: return "nux";
    case supernova_flavor::nu_x_bar: return "nuxbar";
  }
  return "unknown";
}

/// The flavour named by flavor_name, or nothing.
inline std::optional<supernova_flavor> parse_flavor(std::string_view name) {
  for (auto f : {supernova_flavor::nu_e, supernova_flavor::nu_e_bar, supernova_flavor::nu_x, supernova_flavor::nu_x_bar})
    if (name == flavor_name(f)) return f;
  return std::nullopt;
}

/// How the flavour content changes between emission and the stellar surface.
enum class flavor_conversion_scheme {
  /// The emitted fluxes leave unchanged (the paper's assumption: one anti-nu_e spectrum).
  none,
  /// Adiabatic MSW, normal ordering: P_ee = |U_e3|^2 = sin^2 theta13, Pbar_ee = |U_e1|^2 = cos^2 theta12 cos^2 theta13.
  msw_normal,
  /// Adiabatic MSW, inverted ordering: P_ee = |U_e2|^2 = sin^2 theta12 cos^2 theta13, Pbar_ee = |U_e3|^2 = sin^2 theta13.
  msw_inverted
};

/// "none", "msw-normal" or "msw-inverted" (the tool's spelling).
inline std::string_view scheme_name(flavor_conversion_scheme s) {
  switch (s) {
    case flavor_conversion_scheme::none: return "none";
    case flavor_conversion_scheme::msw_normal: return "msw-normal";
    case flavor_conversion_scheme::msw_inverted: return "msw-inverted";
  }
  return "unknown";
}

/// The scheme named by scheme_name, or nothing.
inline std::optional<flavor_conversion_scheme> parse_scheme(std::string_view name) {
  for (auto s : {flavor_conversion_scheme::none, flavor_conversion_scheme::msw_normal, flavor_conversion_scheme::msw_inverted})
    if (name == scheme_name(s)) return s;
  return std::nullopt;
}

namespace detail {
/// sin^2 of an angle given in degrees.
template <class Real>
Real sin2_of_degrees(Real degrees) {
  using std::sin;
  const Real s = sin(degrees * boost::math::constants::pi<Real>() / 180);
  return s * s;
}
}  // namespace detail

/// The conversion at the source and the mixing angles it uses. Defaults: no conversion; the angles of
/// the project's one source of mixing parameters, nufit_5_2 (mass_states/masses_and_mixing.hpp: NuFIT
/// 5.2 (2022) best fit with Super-Kamiokande atmospheric data), as sin^2: theta12 = 33.41 deg (0.3033),
/// theta13 = 8.58 deg (0.02226, normal ordering) and 8.57 deg (0.02221, inverted). Each member may be
/// set to other values; with_mixing takes them from any mixing_parameters.
template <class Real>
struct flavor_conversion {
  flavor_conversion_scheme scheme = flavor_conversion_scheme::none;
  Real sin2_theta12 = detail::sin2_of_degrees(nufit_5_2<Real>(mass_ordering::normal).theta12_deg);
  Real sin2_theta13_normal_ordering = detail::sin2_of_degrees(nufit_5_2<Real>(mass_ordering::normal).theta13_deg);
  Real sin2_theta13_inverted_ordering = detail::sin2_of_degrees(nufit_5_2<Real>(mass_ordering::inverted).theta13_deg);

  /// The conversion `scheme` with theta12 and theta13 of `mixing` (both orderings' theta13 set to its
  /// one): e.g. a neutrino_spectrum's mixing(). @throws nusi::invalid_argument unless both angles are in [0, 90] deg.
  static flavor_conversion with_mixing(flavor_conversion_scheme scheme, const mixing_parameters<Real>& mixing) {
    constexpr std::string_view fn = "nusi::flavor_conversion::with_mixing";
    detail::require_closed_interval(fn, "mixing.theta12_deg", mixing.theta12_deg, Real(0), Real(90));
    detail::require_closed_interval(fn, "mixing.theta13_deg", mixing.theta13_deg, Real(0), Real(90));
    const Real s13 = detail::sin2_of_degrees(mixing.theta13_deg);
    return {.scheme = scheme, .sin2_theta12 = detail::sin2_of_degrees(mixing.theta12_deg), .sin2_theta13_normal_ordering = s13,
            .sin2_theta13_inverted_ordering = s13};
  }

  /// Throws nusi::invalid_argument naming the first member outside [0, 1] (or an unknown scheme).
  void validate(std::string_view function) const {
    if (scheme != flavor_conversion_scheme::none && scheme != flavor_conversion_scheme::msw_normal &&
        scheme != flavor_conversion_scheme::msw_inverted)
      detail::throw_invalid(function, "conversion.scheme", "none, msw_normal or msw_inverted", static_cast<int>(scheme));
    detail::require_closed_interval(function, "conversion.sin2_theta12", sin2_theta12, Real(0), Real(1));
    detail::require_closed_interval(function, "conversion.sin2_theta13_normal_ordering", sin2_theta13_normal_ordering,
                                    Real(0), Real(1));
    detail::require_closed_interval(function, "conversion.sin2_theta13_inverted_ordering", sin2_theta13_inverted_ordering,
                                    Real(0), Real(1));
  }
  /// Survival probability of nu_e from emission to the surface: 1 (none), |U_e3|^2 (normal), |U_e2|^2 (inverted).
  /// @throws nusi::invalid_argument if a member is bad (validate).
  Real electron_neutrino_survival() const {
    validate("nusi::flavor_conversion::electron_neutrino_survival");
    switch (scheme) {
      case flavor_conversion_scheme::msw_normal: return sin2_theta13_normal_ordering;
      case flavor_conversion_scheme::msw_inverted: return sin2_theta12 * (1 - sin2_theta13_inverted_ordering);
      default: return Real(1);
    }
  }
  /// Survival probability of anti-nu_e: 1 (none), |U_e1|^2 (normal), |U_e3|^2 (inverted).
  /// @throws nusi::invalid_argument if a member is bad (validate).
  Real electron_antineutrino_survival() const {
    validate("nusi::flavor_conversion::electron_antineutrino_survival");
    switch (scheme) {
      case flavor_conversion_scheme::msw_normal: return (1 - sin2_theta12) * (1 - sin2_theta13_normal_ordering);
      case flavor_conversion_scheme::msw_inverted: return sin2_theta13_inverted_ordering;
      default: return Real(1);
    }
  }
  /// Coefficients c with F_f = c[0] F0_nu_e + c[1] F0_nu_e_bar + c[2] F0_nu_x for the flux F_f leaving
  /// the star in flavour f, F0 the emitted ones (nu_x per species): with p, pbar the survival
  /// probabilities, F_e = p F0_e + (1 - p) F0_x, F_ebar = pbar F0_ebar + (1 - pbar) F0_x,
  /// F_x = [(1 - p) F0_e + (1 + p) F0_x]/2, F_xbar = [(1 - pbar) F0_ebar + (1 + pbar) F0_x]/2
  /// (number is conserved: F_e + 2 F_x = F0_e + 2 F0_x). @throws nusi::invalid_argument (validate).
  std::array<Real, 3> source_weights(supernova_flavor detected) const {
    const Real p = electron_neutrino_survival(), pbar = electron_antineutrino_survival();
    switch (detected) {
      case supernova_flavor::nu_e: return {p, Real(0), 1 - p};
      case supernova_flavor::nu_e_bar: return {Real(0), pbar, 1 - pbar};
      case supernova_flavor::nu_x: return {(1 - p) / 2, Real(0), (1 + p) / 2};
      case supernova_flavor::nu_x_bar: return {Real(0), (1 - pbar) / 2, (1 + pbar) / 2};
    }
    detail::throw_invalid("nusi::flavor_conversion::source_weights", "detected", "nu_e, nu_e_bar, nu_x or nu_x_bar",
                          static_cast<int>(detected));
  }
};

}  // namespace nusi
