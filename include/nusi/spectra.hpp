// SPDX-License-Identifier: MIT
// Neutrino energy spectra: Fermi-Dirac with a degeneracy parameter (the core, paper Sec. III) and the
// pinched Keil-Raffelt-Janka spectrum (the emission, paper Sec. IV, Refs. [47,48]). Both are value
// types normalised to unit number; a user's own spectrum plugs in through the energy_spectrum concept.
#pragma once

#include <cmath>
#include <concepts>
#include <cstdint>
#include <limits>
#include <string_view>

#include <boost/math/constants/constants.hpp>
#include <boost/math/quadrature/exp_sinh.hpp>
#include <boost/math/quadrature/gauss_kronrod.hpp>
#include <boost/math/special_functions/gamma.hpp>
#include <boost/math/tools/roots.hpp>

#include "errors.hpp"
#include "units.hpp"

namespace nusi {

/// A normalised neutrino energy spectrum. Energies in MeV.
///
/// | expression                       | result | meaning                                   |
/// |----------------------------------|--------|-------------------------------------------|
/// | s.probability_density_per_MeV(E) | Real   | dN/dE / N at E [MeV^-1], >= 0             |
/// | s.cumulative_probability(E)      | Real   | fraction of neutrinos with energy below E |
/// | s.mean_energy_MeV()              | Real   | <E> [MeV]                                 |
template <class S, class Real>
concept energy_spectrum = requires(const S& s, Real E_MeV) {
  { s.probability_density_per_MeV(E_MeV) } -> std::convertible_to<Real>;
  { s.cumulative_probability(E_MeV) } -> std::convertible_to<Real>;
  { s.mean_energy_MeV() } -> std::convertible_to<Real>;
};

namespace detail {
/// Uniform deviate in the open interval (0, 1) from any uniform random bit generator; deterministic.
template <class Real, class URBG>
Real uniform_open01(URBG& rng) {
  const auto span = static_cast<long double>(URBG::max() - URBG::min()) + 1.0L;
  const auto draw = static_cast<long double>(rng() - URBG::min());
  return static_cast<Real>((draw + 0.5L) / span);
}
}  // namespace detail

/// Complete Fermi-Dirac integral F_k(eta) = int_0^inf x^k / (exp(x - eta) + 1) dx (k >= 0), by
/// exp-sinh quadrature in the overflow-safe form exp(k log x - (x - eta)) / (1 + exp(-(x - eta))).
template <class Real>
Real fermi_dirac_integral(Real k, Real eta) {
  using std::exp;
  using std::log;
  constexpr std::string_view fn = "nusi::fermi_dirac_integral";
  detail::require_non_negative(fn, "k", k);
  detail::require_closed_interval(fn, "eta", eta, Real(-200), Real(200));
  auto integrand = [k, eta](Real x) -> Real {
    if (x <= 0) return k == 0 ? Real(1) / (exp(-eta) + 1) : Real(0);
    const Real y = x - eta;
    if (y > 0) return exp(k * log(x) - y) / (1 + exp(-y));
    return exp(k * log(x)) / (exp(y) + 1);
  };
  boost::math::quadrature::exp_sinh<Real> integrator;
  Real error = 0;
  const Real value = integrator.integrate(integrand, Real(0), std::numeric_limits<Real>::infinity(),
                                          boost::math::tools::root_epsilon<Real>(), &error);
  return value;
}

/// Thermal Fermi-Dirac spectrum of one neutrino species (one helicity state) with temperature T
/// [MeV] and degeneracy eta = mu/T (paper Sec. III assumes eta = 0).
template <class Real>
class fermi_dirac_spectrum {
 public:
  explicit fermi_dirac_spectrum(Real temperature_MeV, Real degeneracy = Real(0))
      : T_(temperature_MeV), eta_(degeneracy) {
    constexpr std::string_view fn = "nusi::fermi_dirac_spectrum";
    detail::require_positive(fn, "temperature_MeV", temperature_MeV);
    detail::require_closed_interval(fn, "degeneracy", degeneracy, Real(-50), Real(50));
    F2_ = fermi_dirac_integral(Real(2), eta_);
    F3_ = fermi_dirac_integral(Real(3), eta_);
    F4_ = fermi_dirac_integral(Real(4), eta_);
  }
  /// The spectrum whose mean energy is <E> [MeV]: T = <E> F_2(eta) / F_3(eta) (paper: T ~ <E>/3.15).
  static fermi_dirac_spectrum from_mean_energy(Real mean_energy_MeV, Real degeneracy = Real(0)) {
    constexpr std::string_view fn = "nusi::fermi_dirac_spectrum::from_mean_energy";
    detail::require_positive(fn, "mean_energy_MeV", mean_energy_MeV);
    detail::require_closed_interval(fn, "degeneracy", degeneracy, Real(-50), Real(50));
    const Real ratio = fermi_dirac_integral(Real(3), degeneracy) / fermi_dirac_integral(Real(2), degeneracy);
    return fermi_dirac_spectrum(mean_energy_MeV / ratio, degeneracy);
  }

  Real temperature_MeV() const { return T_; }
  Real degeneracy() const { return eta_; }
  /// Number density of one species [cm^-3]: T^3 F_2(eta) / (2 pi^2); 3 zeta(3) T^3/(4 pi^2) at eta = 0.
  Real number_density_per_cm3() const {
    const Real pi = boost::math::constants::pi<Real>();
    return MeV3_to_per_cm3(T_ * T_ * T_ * F2_ / (2 * pi * pi));
  }
  /// <E> = T F_3/F_2 [MeV]; 7 pi^4/(180 zeta(3)) T = 3.1514 T at eta = 0.
  Real mean_energy_MeV() const { return T_ * F3_ / F2_; }
  /// <E^2> = T^2 F_4/F_2 [MeV^2].
  Real mean_square_energy_MeV2() const { return T_ * T_ * F4_ / F2_; }
  /// dN/dE / N [MeV^-1].
  Real probability_density_per_MeV(Real E_MeV) const {
    using std::exp;
    detail::require_non_negative("nusi::fermi_dirac_spectrum::probability_density_per_MeV", "E_MeV", E_MeV);
    return density(E_MeV);
  }
  /// Fraction of neutrinos below E (Gauss-Kronrod quadrature of the density).
  Real cumulative_probability(Real E_MeV) const {
    detail::require_non_negative("nusi::fermi_dirac_spectrum::cumulative_probability", "E_MeV", E_MeV);
    if (E_MeV == 0) return Real(0);
    const Real top = std::min(E_MeV, Real(60) * T_ + (eta_ > 0 ? eta_ * T_ : Real(0)));
    Real value = boost::math::quadrature::gauss_kronrod<Real, 31>::integrate(
        [this](Real E) { return density(E); }, Real(0), top, 15, boost::math::tools::root_epsilon<Real>());
    return value > Real(1) ? Real(1) : value;
  }
  /// Energy [MeV] below which a fraction p in (0, 1) of the neutrinos lie (bracketed TOMS 748).
  Real quantile_MeV(Real p) const {
    detail::require_open_interval("nusi::fermi_dirac_spectrum::quantile_MeV", "p", p, Real(0), Real(1));
    auto f = [this, p](Real E) { return cumulative_probability(E) - p; };
    Real hi = mean_energy_MeV();
    while (f(hi) < 0) hi *= 2;
    std::uintmax_t max_iter = 200;
    auto tol = boost::math::tools::eps_tolerance<Real>(std::numeric_limits<Real>::digits - 4);
    auto [a, b] = boost::math::tools::toms748_solve(f, Real(0), hi, -p, f(hi), tol, max_iter);
    return (a + b) / 2;
  }
  /// One energy [MeV] drawn from the spectrum (inverse CDF; deterministic for a given generator).
  template <class URBG>
  Real sample_MeV(URBG& rng) const {
    return quantile_MeV(detail::uniform_open01<Real>(rng));
  }

 private:
  Real density(Real E_MeV) const {
    using std::exp;
    const Real x = E_MeV / T_, y = x - eta_;
    const Real occupation = y > 0 ? exp(-y) / (1 + exp(-y)) : 1 / (exp(y) + 1);
    return x * x * occupation / (T_ * F2_);
  }
  Real T_, eta_;
  Real F2_ = 0, F3_ = 0, F4_ = 0;
};

/// Pinched (Keil-Raffelt-Janka) spectrum phi(E) ~ E^alpha exp(-(alpha + 1) E/<E>), normalised to
/// unit number (paper Sec. IV, Refs. [47,48]): a Gamma distribution of shape alpha + 1.
template <class Real>
class pinched_spectrum {
 public:
  /// From <E> [MeV] and the pinching parameter alpha > -1.
  pinched_spectrum(Real mean_energy_MeV, Real alpha) : mean_(mean_energy_MeV), alpha_(alpha) {
    constexpr std::string_view fn = "nusi::pinched_spectrum";
    detail::require_positive(fn, "mean_energy_MeV", mean_energy_MeV);
    detail::require_finite(fn, "alpha", alpha);
    if (!(alpha > Real(-1))) detail::throw_invalid(fn, "alpha", "> -1", alpha);
    log_gamma_shape_ = boost::math::lgamma(alpha + 1);  // once: the density is evaluated ~1e3 times per solve
  }
  /// From <E> [MeV] and <E^2> [MeV^2]: alpha = (2<E>^2 - <E^2>)/(<E^2> - <E>^2); needs <E^2> > <E>^2.
  static pinched_spectrum from_moments(Real mean_energy_MeV, Real mean_square_energy_MeV2) {
    constexpr std::string_view fn = "nusi::pinched_spectrum::from_moments";
    detail::require_positive(fn, "mean_energy_MeV", mean_energy_MeV);
    detail::require_positive(fn, "mean_square_energy_MeV2", mean_square_energy_MeV2);
    const Real m2 = mean_energy_MeV * mean_energy_MeV;
    if (!(mean_square_energy_MeV2 > m2))
      detail::throw_invalid(fn, "mean_square_energy_MeV2", "> mean_energy_MeV^2 = " + detail::to_text(m2),
                            mean_square_energy_MeV2);
    return pinched_spectrum(mean_energy_MeV, (2 * m2 - mean_square_energy_MeV2) / (mean_square_energy_MeV2 - m2));
  }
  /// The paper's emission spectrum: <E> = 15 MeV, <E^2> = 290 MeV^2 (alpha = 160/65).
  static pinched_spectrum paper_default() { return from_moments(Real(15), Real(290)); }

  Real alpha() const { return alpha_; }
  Real mean_energy_MeV() const { return mean_; }
  /// <E^2> = <E>^2 (alpha + 2)/(alpha + 1) [MeV^2].
  Real mean_square_energy_MeV2() const { return mean_ * mean_ * (alpha_ + 2) / (alpha_ + 1); }
  /// <E^n> = (<E>/(alpha+1))^n Gamma(alpha+1+n)/Gamma(alpha+1) [MeV^n], n > -(alpha + 1).
  Real moment_MeVn(Real n) const {
    using std::pow;
    constexpr std::string_view fn = "nusi::pinched_spectrum::moment_MeVn";
    detail::require_finite(fn, "n", n);
    if (!(n > -(alpha_ + 1))) detail::throw_invalid(fn, "n", "> -(alpha + 1)", n);
    const Real k = alpha_ + 1;
    return pow(mean_ / k, n) / boost::math::tgamma_delta_ratio(k, n);
  }
  /// dN/dE / N [MeV^-1].
  Real probability_density_per_MeV(Real E_MeV) const {
    using std::exp;
    using std::log;
    detail::require_non_negative("nusi::pinched_spectrum::probability_density_per_MeV", "E_MeV", E_MeV);
    if (E_MeV == 0) return alpha_ > 0 ? Real(0) : (alpha_ == 0 ? (alpha_ + 1) / mean_ : std::numeric_limits<Real>::infinity());
    const Real k = alpha_ + 1, x = k * E_MeV / mean_;
    return exp(k * log(x) - x - log_gamma_shape_) / E_MeV;
  }
  /// Fraction below E: the regularised incomplete gamma P(alpha + 1, (alpha + 1) E/<E>).
  Real cumulative_probability(Real E_MeV) const {
    detail::require_non_negative("nusi::pinched_spectrum::cumulative_probability", "E_MeV", E_MeV);
    const Real k = alpha_ + 1;
    return boost::math::gamma_p(k, k * E_MeV / mean_);
  }
  /// Fraction above E, 1 - CDF without cancellation: Q(alpha + 1, (alpha + 1) E/<E>).
  Real complementary_probability(Real E_MeV) const {
    detail::require_non_negative("nusi::pinched_spectrum::complementary_probability", "E_MeV", E_MeV);
    const Real k = alpha_ + 1;
    return boost::math::gamma_q(k, k * E_MeV / mean_);
  }
  /// Energy [MeV] below which a fraction p in (0, 1) lies.
  Real quantile_MeV(Real p) const {
    detail::require_open_interval("nusi::pinched_spectrum::quantile_MeV", "p", p, Real(0), Real(1));
    const Real k = alpha_ + 1;
    return boost::math::gamma_p_inv(k, p) * mean_ / k;
  }
  /// One energy [MeV] drawn from the spectrum (inverse CDF; deterministic for a given generator).
  template <class URBG>
  Real sample_MeV(URBG& rng) const {
    return quantile_MeV(detail::uniform_open01<Real>(rng));
  }

 private:
  Real mean_, alpha_;
  Real log_gamma_shape_;  // lgamma(alpha + 1)
};

}  // namespace nusi
