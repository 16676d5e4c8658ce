// SPDX-License-Identifier: MIT
// The random walk of a trapped neutrino through the decoupling region (paper Sec. III, Eqs. 6-7): mean
// free path lambda(r), nu-N scatterings N_nuN, path length d and the 2nu->4nu count N_2to4, by global
// adaptive Gauss-Kronrod quadrature. For the bound g_core(M) and the Fig. 2 map use core_bound.hpp.
#pragma once

#include <algorithm>
#include <cmath>
#include <concepts>
#include <cstddef>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

#include <boost/math/constants/constants.hpp>
#include <boost/math/tools/precision.hpp>

#include "cross_sections.hpp"
#include "detail/quadrature.hpp"
#include "detail/text.hpp"
#include "errors.hpp"
#include "profiles.hpp"
#include "spectra.hpp"
#include "units.hpp"

namespace nusi {

/// A cross section as a function of one energy [MeV] (the neutrino energy for nu-N scattering, the
/// centre-of-mass energy for 2nu->4nu).
///
/// | expression                | result | meaning                       |
/// |---------------------------|--------|-------------------------------|
/// | x.cross_section_cm2(E_MeV) | Real   | sigma(E) [cm^2], finite, >= 0 |
///
/// Optional: `x.thermal_average_cm2(state)` with a thermal_state: the Fermi-Dirac average in closed
/// form. Without it the random walk averages by Gauss-Kronrod quadrature over E/T in [0, 60 + eta].
template <class X, class Real>
concept cross_section_model = requires(const X& x, Real E_MeV) {
  { x.cross_section_cm2(E_MeV) } -> std::convertible_to<Real>;
};

/// The Fermi-Dirac spectrum at one radius, as the random walk sees it: T, eta and its moments.
template <class Real>
struct thermal_state {
  Real temperature_MeV;
  Real degeneracy;
  Real mean_energy_MeV;
  Real mean_square_energy_MeV2;
};

/// Neutral-current elastic nu-N scattering on a neutron: sigma = (1 + 3 g_A^2)/4 G_F^2 E^2/pi
/// = 2.46e-44 cm^2 (E/MeV)^2 (PHYSICS-SPEC "Core"; the paper's sigma_nuN ~ E^2, Eq. 6).
template <class Real>
struct neutral_current_nucleon_cross_section {
  /// Axial coupling of the nucleon.
  Real g_A = axial_coupling_gA<Real>;
  /// Fermi constant [MeV^-2].
  Real G_F_per_MeV2 = fermi_constant_per_MeV2<Real>;

  /// sigma/E^2 [cm^2 MeV^-2].
  /// @throws nusi::invalid_argument if g_A is not finite or G_F_per_MeV2 is not finite and > 0.
  Real coefficient_cm2_per_MeV2() const {
    constexpr std::string_view fn = "nusi::neutral_current_nucleon_cross_section";
    detail::require_finite(fn, "g_A", g_A);
    detail::require_positive(fn, "G_F_per_MeV2", G_F_per_MeV2);
    const Real pi = boost::math::constants::pi<Real>();
    return per_MeV2_to_cm2((1 + 3 * g_A * g_A) / 4 * G_F_per_MeV2 * G_F_per_MeV2 / pi);
  }
  /// sigma(E) [cm^2]. @throws nusi::invalid_argument if E_MeV is not finite and >= 0 (or a bad member).
  Real cross_section_cm2(Real E_MeV) const {
    detail::require_non_negative("nusi::neutral_current_nucleon_cross_section::cross_section_cm2", "E_MeV", E_MeV);
    return coefficient_cm2_per_MeV2() * E_MeV * E_MeV;
  }
  /// Fermi-Dirac average in closed form: coefficient * <E^2> [cm^2].
  /// @throws nusi::invalid_argument if state.mean_square_energy_MeV2 is not finite and >= 0 (or a bad member).
  Real thermal_average_cm2(const thermal_state<Real>& state) const {
    detail::require_non_negative("nusi::neutral_current_nucleon_cross_section::thermal_average_cm2",
                                 "state.mean_square_energy_MeV2", state.mean_square_energy_MeV2);
    return coefficient_cm2_per_MeV2() * state.mean_square_energy_MeV2;
  }
};

/// The centre-of-mass energy assigned to two core neutrinos of mean energy <E>: a convention the paper
/// fixes by choice (below Eq. 7); its effect is in docs/physics.md ("Choices the paper leaves open").
enum class centre_of_mass_convention {
  /// E_cm = 2 <E>, two neutrinos of energy <E> head-on (paper, below Eq. 7): the default.
  head_on,
  /// E_cm = sqrt(<s>) = sqrt(2) <E>: s = 2 E_1 E_2 (1 - cos theta_12) averages to 2 <E>^2 for an isotropic
  /// gas of independent energies. Moves the knee from 60 to 42 MeV and the flat bound by
  /// -log10(2)/8 = -0.038 dex (sigma_2to4 ~ E_cm^-2 above M).
  isotropic_mean_s
};

/// E_cm [MeV] of two neutrinos of mean energy <E> [MeV] under convention c: 2 <E> or sqrt(2) <E>.
/// Throws nusi::invalid_argument on a convention outside the enumeration.
template <class Real>
Real centre_of_mass_energy_MeV(Real mean_energy_MeV, centre_of_mass_convention c) {
  using std::sqrt;
  if (c == centre_of_mass_convention::head_on) return 2 * mean_energy_MeV;
  if (c == centre_of_mass_convention::isotropic_mean_s) return sqrt(Real(2)) * mean_energy_MeV;
  detail::throw_invalid("nusi::centre_of_mass_energy_MeV", "convention", "head_on or isotropic_mean_s", static_cast<int>(c));
}

/// sigma(2nu->4nu) of paper Eqs. (2)-(3) (E_cm^-2 above M, see cross_sections.hpp) as a
/// cross_section_model of the centre-of-mass energy.
template <class Real>
struct two_to_four_cross_section {
  mediator<Real> med;
  Real kappa = default_kappa<Real>;
  /// sigma_2to4(E_cm) [cm^2]. Throws nusi::invalid_argument on a bad mediator, kappa or energy.
  Real cross_section_cm2(Real E_cm_MeV) const { return sigma_2to4_cm2(E_cm_MeV, med, kappa); }
};

/// The decoupling region [R_min, R_max] (paper Sec. III: 15 km and 45 km).
template <class Real>
struct random_walk_region {
  Real R_min_cm = km(Real(15));
  Real R_max_cm = km(Real(45));
};

/// Numerical settings of the random walk.
template <class Real>
struct random_walk_options {
  /// Degeneracy eta of the Fermi-Dirac spectrum weighting sigma_nuN (paper Sec. III: 0).
  Real degeneracy = Real(0);
  /// Requested error / L1 of every radial integral; eps^(2/3) (3.7e-11 for double).
  Real relative_tolerance = boost::math::tools::cbrt_epsilon<Real>() * boost::math::tools::cbrt_epsilon<Real>();
  /// Bound on the subintervals of the global adaptive quadrature; exceeding it throws numerical_error.
  std::size_t max_intervals = 4096;
};

/// The mass-independent integrals of the random walk over [R_min, R_max], each with its error.
template <class Real>
struct random_walk_result {
  /// N_nuN = int r dr / lambda^2 (paper Sec. III, central limit theorem).
  integral_result<Real> scatterings;
  /// d = int r dr / lambda [cm] (PHYSICS-SPEC; the paper's d = lambda N_nuN for constant lambda).
  integral_result<Real> path_length_cm;
  /// int n_nu r dr / lambda [cm^-2]: N_2to4 = sigma_2to4 * this when <E> is uniform (Eq. 7).
  integral_result<Real> neutrino_column_per_cm2;
  /// lambda(R_min) [cm].
  Real mean_free_path_at_R_min_cm = Real(0);
  /// The paper's path length d = lambda N_nuN with lambda = lambda(R_min) [cm] (text above Eq. 7).
  Real paper_path_length_cm() const { return mean_free_path_at_R_min_cm * scatterings.value; }
};

/// The random walk of paper Sec. III through a radial profile, with the nu-N cross section averaged
/// over the normalised Fermi-Dirac spectrum at each radius: lambda(r) = 1/(n_N(r) <sigma_nuN>(r)).
/// Integrals run in u = ln r (power laws become exponentials), split at the profile's breakpoints.
/// Holds a copy of the profile and cross section. Throws nusi::invalid_argument on a bad region or
/// profile value (naming the radius), nusi::numerical_error when a quadrature fails.
template <class Real, class Profile, class NucleonCrossSection = neutral_current_nucleon_cross_section<Real>>
  requires radial_profile<Profile, Real> && cross_section_model<NucleonCrossSection, Real>
class random_walk {
 public:
  /// What an integrand sees at one radius (profile values checked: finite, densities >= 0).
  struct point {
    Real r_cm;
    thermal_state<Real> state;
    /// <sigma_nuN>(r) [cm^2].
    Real averaged_cross_section_cm2;
    Real nucleon_density_per_cm3;
    Real neutrino_density_per_cm3;
    /// 1/lambda(r) = n_N <sigma_nuN> [cm^-1].
    Real inverse_mean_free_path_per_cm;
  };

  random_walk(const Profile& profile, const random_walk_region<Real>& region,
              const NucleonCrossSection& sigma_nuN = NucleonCrossSection{}, const random_walk_options<Real>& options = {})
      : profile_(profile),
        region_(region),
        sigma_nuN_(sigma_nuN),
        options_(options),
        unit_spectrum_(unit_spectrum(options)) {
    using std::log;
    constexpr std::string_view fn = "nusi::random_walk";
    detail::require_positive(fn, "region.R_min_cm", region.R_min_cm);
    detail::require_positive(fn, "region.R_max_cm", region.R_max_cm);
    detail::require_ordered(fn, "region.R_min_cm", region.R_min_cm, "region.R_max_cm", region.R_max_cm);
    detail::require_open_interval(fn, "options.relative_tolerance", options.relative_tolerance, Real(0), Real(1));
    if (options.max_intervals < 1) detail::throw_invalid(fn, "options.max_intervals", ">= 1", options.max_intervals);
    if constexpr (requires { profile.min_radius_cm(); profile.max_radius_cm(); }) {
      const Real lo = profile.min_radius_cm(), hi = profile.max_radius_cm();
      if (region.R_min_cm < lo)
        detail::throw_invalid(fn, "region.R_min_cm", detail::concat_text(">= the profile's smallest radius ", lo),
                              region.R_min_cm);
      if (region.R_max_cm > hi)
        detail::throw_invalid(fn, "region.R_max_cm", detail::concat_text("<= the profile's largest radius ", hi),
                              region.R_max_cm);
    }
    mean_energy_per_temperature_ = unit_spectrum_.mean_energy_MeV();
    mean_square_per_temperature2_ = unit_spectrum_.mean_square_energy_MeV2();
    // The partition in u = ln(r / R_min): the ends and every profile breakpoint strictly inside.
    partition_.push_back(Real(0));
    if constexpr (requires { profile.breakpoints_cm(); }) {
      for (const auto& b : profile.breakpoints_cm()) {
        const Real r = static_cast<Real>(b);
        if (r > region.R_min_cm && r < region.R_max_cm) partition_.push_back(log(r / region.R_min_cm));
      }
      std::sort(partition_.begin() + 1, partition_.end());
    }
    partition_.push_back(log(region.R_max_cm / region.R_min_cm));
    (void)mean_free_path_cm(region.R_min_cm);  // validates the profile at R_min
  }

  const Profile& profile() const { return profile_; }
  const random_walk_region<Real>& region() const { return region_; }
  const random_walk_options<Real>& options() const { return options_; }

  /// The Fermi-Dirac spectrum at radius r: T = <E>(r) F_2/F_3 and its moments. The per-radius members
  /// below go through it. @throws nusi::invalid_argument if r_cm is not finite and > 0, or a profile
  /// value at r_cm is not finite (densities >= 0, <E> > 0).
  thermal_state<Real> thermal_state_at(Real r_cm) const {
    detail::require_positive("nusi::random_walk", "r_cm", r_cm);
    return state_from_mean_energy(checked_mean_energy(r_cm));
  }
  /// <sigma_nuN>(r) [cm^2], averaged over the normalised Fermi-Dirac spectrum at r.
  Real averaged_cross_section_cm2(Real r_cm) const { return average(thermal_state_at(r_cm)); }
  /// lambda(r) = 1/(n_N(r) <sigma_nuN>(r)) [cm] (paper Sec. III); infinite where n_N = 0.
  /// @throws nusi::numerical_error if n_N <sigma_nuN> overflows (lambda would round to 0).
  Real mean_free_path_cm(Real r_cm) const {
    const Real inv = point_at(r_cm).inverse_mean_free_path_per_cm;
    return inv > 0 ? 1 / inv : std::numeric_limits<Real>::infinity();
  }
  /// Everything the integrands use at radius r.
  point point_at(Real r_cm) const {
    const thermal_state<Real> s = thermal_state_at(r_cm);
    return point_at(r_cm, s, average(s));
  }

  /// N_nuN = int_{R_min}^{R_max} r dr / lambda(r)^2 (paper Sec. III).
  integral_result<Real> scatterings() const {
    return integrate([](const point& p) {
      const Real k = p.inverse_mean_free_path_per_cm;
      return p.r_cm * k * k;
    }, "nusi::random_walk::scatterings");
  }
  /// d = int r dr / lambda(r) [cm] (PHYSICS-SPEC; equals the paper's lambda N_nuN for constant lambda).
  integral_result<Real> path_length_cm() const {
    return integrate([](const point& p) { return p.r_cm * p.inverse_mean_free_path_per_cm; },
                     "nusi::random_walk::path_length_cm");
  }
  /// int n_nu(r) r dr / lambda(r) [cm^-2], the neutrino column met along the walk.
  integral_result<Real> neutrino_column_per_cm2() const {
    return integrate([](const point& p) {
      return p.neutrino_density_per_cm3 * p.r_cm * p.inverse_mean_free_path_per_cm;
    }, "nusi::random_walk::neutrino_column_per_cm2");
  }
  /// N_2to4 = int sigma_2to4(E_cm(r)) n_nu(r) r dr / lambda(r) (paper Eq. 7), E_cm = 2<E>(r) (paper) or
  /// sqrt(2) <E>(r) (centre_of_mass_convention); equals sigma_2to4(E_cm) times neutrino_column_per_cm2()
  /// when <E> is uniform, as in the paper. Throws nusi::invalid_argument on a bad convention.
  template <class TwoToFour>
    requires cross_section_model<TwoToFour, Real>
  integral_result<Real> N_2to4(const TwoToFour& sigma_2to4,
                               centre_of_mass_convention E_cm = centre_of_mass_convention::head_on) const {
    centre_of_mass_energy_MeV(Real(1), E_cm);  // argument check
    return integrate([&sigma_2to4, E_cm](const point& p) {
      const Real sigma = static_cast<Real>(sigma_2to4.cross_section_cm2(centre_of_mass_energy_MeV(p.state.mean_energy_MeV, E_cm)));
      return sigma * p.neutrino_density_per_cm3 * p.r_cm * p.inverse_mean_free_path_per_cm;
    }, "nusi::random_walk::N_2to4");
  }
  /// The three mass-independent integrals and lambda(R_min).
  random_walk_result<Real> summary() const {
    return {scatterings(), path_length_cm(), neutrino_column_per_cm2(), mean_free_path_cm(region_.R_min_cm)};
  }

  /// int_{R_min}^{R_max} f(point at r) dr by global adaptive Gauss-Kronrod in ln r; <sigma_nuN> is
  /// recomputed only where <E> changes. `what` names the integral in a numerical_error.
  template <class F>
  integral_result<Real> integrate(F f, std::string_view what = "nusi::random_walk::integrate") const {
    using std::exp;
    const Real R_min = region_.R_min_cm, R_max = region_.R_max_cm;
    Real cached_energy = -1, cached_average = 0;
    auto g = [&](Real u) -> Real {
      Real r = R_min * exp(u);
      if (r > R_max) r = R_max;
      const thermal_state<Real> s = thermal_state_at(r);
      if (s.mean_energy_MeV != cached_energy) {
        cached_average = average(s);
        cached_energy = s.mean_energy_MeV;
      }
      return static_cast<Real>(f(point_at(r, s, cached_average))) * r;  // dr = r du
    };
    return detail::adaptive_integral<Real>(g, partition_, options_.relative_tolerance, options_.max_intervals, what);
  }

 private:
  static fermi_dirac_spectrum<Real> unit_spectrum(const random_walk_options<Real>& options) {
    detail::require_closed_interval("nusi::random_walk", "options.degeneracy", options.degeneracy, Real(-50), Real(50));
    return fermi_dirac_spectrum<Real>(Real(1), options.degeneracy);  // T = 1 MeV: F_3/F_2, F_4/F_2
  }
  Real checked_mean_energy(Real r_cm) const {
    const Real E = static_cast<Real>(profile_.mean_energy_MeV(r_cm));
    if (!detail::is_finite(E) || !(E > 0))
      detail::throw_invalid("nusi::random_walk", detail::concat_text("profile.mean_energy_MeV(r_cm = ", r_cm, ")"),
                            "finite and > 0", E);
    return E;
  }
  point point_at(Real r_cm, const thermal_state<Real>& s, Real averaged) const {
    const Real n_N = static_cast<Real>(profile_.nucleon_density_per_cm3(r_cm));
    if (!detail::is_finite(n_N) || n_N < 0) throw_profile_value("nucleon_density_per_cm3", r_cm, n_N);
    const Real n_nu = static_cast<Real>(profile_.neutrino_density_per_cm3(r_cm));
    if (!detail::is_finite(n_nu) || n_nu < 0) throw_profile_value("neutrino_density_per_cm3", r_cm, n_nu);
    const Real inverse_mean_free_path = n_N * averaged;
    if (!detail::is_finite(inverse_mean_free_path))  // e.g. rho ~ 1e203 g/cm^3 with T ~ 1e78 MeV
      throw nusi::numerical_error(detail::concat_text("nusi::random_walk: 1/lambda = n_N <sigma_nuN> = ", n_N, " cm^-3 x ",
                                                      averaged, " cm^2 is not representable at r_cm = ", r_cm));
    return {r_cm, s, averaged, n_N, n_nu, inverse_mean_free_path};
  }
  [[noreturn]] static void throw_profile_value(std::string_view member, Real r_cm, Real value) {
    detail::throw_invalid("nusi::random_walk", detail::concat_text("profile.", member, "(r_cm = ", r_cm, ")"),
                          "finite and >= 0", value);
  }
  thermal_state<Real> state_from_mean_energy(Real E) const {
    const Real T = E / mean_energy_per_temperature_;
    return {T, options_.degeneracy, E, T * T * mean_square_per_temperature2_};
  }
  Real average(const thermal_state<Real>& s) const {
    Real value;
    if constexpr (requires { sigma_nuN_.thermal_average_cm2(s); }) {
      value = static_cast<Real>(sigma_nuN_.thermal_average_cm2(s));
    } else {
      // <sigma> = int_0^inf sigma(x T) p_1(x) dx, p_1 the normalised spectrum at T = 1 MeV, cut at
      // x = 60 + eta like fermi_dirac_spectrum::cumulative_probability: the tail weighs < 1e-20.
      const Real T = s.temperature_MeV;
      auto integrand = [this, T](Real x) -> Real {
        return static_cast<Real>(sigma_nuN_.cross_section_cm2(x * T)) * unit_spectrum_.probability_density_per_MeV(x);
      };
      const Real top = Real(60) + (options_.degeneracy > 0 ? options_.degeneracy : Real(0));
      value = detail::adaptive_integral<Real>(integrand, std::vector<Real>{Real(0), top}, options_.relative_tolerance,
                                              options_.max_intervals, "nusi::random_walk: Fermi-Dirac average of sigma_nuN")
                  .value;
    }
    if (!detail::is_finite(value) || value < 0)
      detail::throw_invalid("nusi::random_walk", "the Fermi-Dirac average of sigma_nuN", "finite and >= 0", value);
    return value;
  }

  Profile profile_;
  random_walk_region<Real> region_;
  NucleonCrossSection sigma_nuN_;
  random_walk_options<Real> options_;
  fermi_dirac_spectrum<Real> unit_spectrum_;
  Real mean_energy_per_temperature_ = 0, mean_square_per_temperature2_ = 0;
  std::vector<Real> partition_;
};

}  // namespace nusi
