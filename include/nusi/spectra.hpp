// SPDX-License-Identifier: MIT
// Neutrino energy spectra: Fermi-Dirac with a degeneracy parameter (the core, paper Sec. III) and the
// pinched Keil-Raffelt-Janka spectrum (the emission, paper Sec. IV, Refs. [47,48]). Both are value
// types normalised to unit number; a user's own spectrum plugs in through the energy_spectrum concept.
// Throws nusi::invalid_argument on bad input, nusi::numerical_error if a quadrature or root search
// fails its tolerance. float is evaluated in double (detail/promote.hpp).
#pragma once

#include <cmath>
#include <concepts>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>

#include <boost/math/constants/constants.hpp>
#include <boost/math/quadrature/exp_sinh.hpp>
#include <boost/math/quadrature/tanh_sinh.hpp>
#include <boost/math/special_functions/gamma.hpp>

#include "detail/promote.hpp"
#include "detail/random.hpp"
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
/// Occupation 1/(exp(y) + 1) without overflow for any y.
template <class W>
W fermi_occupation(W y) {
  using std::exp;
  if (y > 0) {
    const W e = exp(-y);
    return e / (1 + e);
  }
  return 1 / (exp(y) + 1);
}

// Shared double-exponential integrators: built once, they cache abscissas and guard their lazy
// refinement with an atomic and a mutex, so concurrent integrate() calls are safe. (Boost 1.74
// declares integrate() "-> decltype(...) const", which qualifies the return type, not the member,
// hence the non-const objects.)
template <class W>
boost::math::quadrature::exp_sinh<W>& exp_sinh_rule() {
  static boost::math::quadrature::exp_sinh<W> rule;
  return rule;
}
template <class W>
boost::math::quadrature::tanh_sinh<W>& tanh_sinh_rule() {
  static boost::math::quadrature::tanh_sinh<W> rule;
  return rule;
}

/// Runs integrate(tol, &error, &L1) with tol = epsilon^(3/4) and throws nusi::numerical_error unless
/// error_scale * error <= tol * L1. (Boost's default tol = sqrt(epsilon) assumes the last level
/// squares the error; for F_1 in long double it stops 3 orders of magnitude short of that.) Boost
/// 1.74's tanh_sinh on [a, b] reports L1 scaled by (b - a)/2 but not the error, so the caller passes
/// that factor as error_scale (1 for exp_sinh).
template <class W, class Integrate>
W checked_integral(W k, W eta, W error_scale, Integrate integrate) {
  using std::pow;
  static const W tol = pow(std::numeric_limits<W>::epsilon(), W(0.75));
  W error = 0, L1 = 0;
  const W value = integrate(tol, &error, &L1);
  if (!(error_scale * error <= tol * L1)) {
    std::string msg = "nusi::fermi_dirac_integral: quadrature did not converge (k = ";
    msg += to_text(k);
    msg += ", eta = ";
    msg += to_text(eta);
    msg += ", error estimate ";
    msg += to_text(error_scale * error);
    msg += ")";
    throw numerical_error(msg);
  }
  return value;
}

/// Integrand t^k / (exp(t - eta) + 1) in the overflow-safe form exp(k log t - y)/(1 + exp(-y)), y > 0.
template <class W>
W fermi_dirac_integrand(W k, W eta, W t) {
  using std::exp;
  using std::log;
  if (!(t > 0)) return k == 0 ? fermi_occupation(-eta) : W(0);
  const W y = t - eta;
  if (y > 0) return exp(k * log(t) - y) / (1 + exp(-y));
  return exp(k * log(t)) / (exp(y) + 1);
}

/// int_a^b t^k / (exp(t - eta) + 1) dt, 0 <= a < b finite (tanh-sinh).
template <class W>
W fermi_dirac_between(W k, W eta, W a, W b) {
  auto f = [k, eta](W t) { return fermi_dirac_integrand(k, eta, t); };
  return checked_integral<W>(k, eta, (b - a) / 2, [&](W tol, W* err, W* L1) {
    return tanh_sinh_rule<W>().integrate(f, a, b, tol, err, L1);
  });
}

/// int_0^x t^k / (exp(t - eta) + 1) dt, x > 0.
template <class W>
W fermi_dirac_lower(W k, W eta, W x) {
  return fermi_dirac_between(k, eta, W(0), x);
}

/// int_x^inf t^k / (exp(t - eta) + 1) dt, x >= 0: tanh-sinh on [x, eta] where x < eta (the flat
/// degenerate part), exp-sinh on the exponential tail beyond max(x, eta).
template <class W>
W fermi_dirac_upper(W k, W eta, W x) {
  const W start = x > eta ? x : eta;
  auto tail = [k, eta, start](W y) { return fermi_dirac_integrand(k, eta, start + y); };
  W value = checked_integral<W>(k, eta, W(1), [&](W tol, W* err, W* L1) {
    return exp_sinh_rule<W>().integrate(tail, W(0), std::numeric_limits<W>::infinity(), tol, err, L1);
  });
  if (x < eta) value += fermi_dirac_between(k, eta, x, eta);
  return value;
}

/// F_k(eta) in working precision (see fermi_dirac_integral).
template <class W>
W fermi_dirac_complete(W k, W eta) {
  using std::exp;
  using std::log;
  if (eta > 0) return fermi_dirac_lower(k, eta, eta) + fermi_dirac_upper(k, eta, eta);
  // eta <= 0: F_k = e^eta int_0^inf x^k e^-x / (1 + e^(eta - x)) dx, an O(Gamma(k+1)) integral.
  auto f = [k, eta](W x) {
    if (!(x > 0)) return k == 0 ? 1 / (1 + exp(eta)) : W(0);
    return exp(k * log(x) - x) / (1 + exp(eta - x));
  };
  const W integral = checked_integral<W>(k, eta, W(1), [&](W tol, W* err, W* L1) {
    return exp_sinh_rule<W>().integrate(f, W(0), std::numeric_limits<W>::infinity(), tol, err, L1);
  });
  return exp(eta) * integral;
}
}  // namespace detail

/// Complete Fermi-Dirac integral F_k(eta) = int_0^inf x^k / (exp(x - eta) + 1) dx, k > -1,
/// eta in [-200, 200] (no Gamma(k+1) normalisation). Double-exponential quadrature: for eta <= 0 of
/// e^-eta F_k (so e^eta never underflows inside the integrand), for eta > 0 split at x = eta.
/// Throws nusi::invalid_argument, nusi::numerical_error.
template <class Real>
Real fermi_dirac_integral(Real k, Real eta) {
  using W = detail::promoted_t<Real>;
  constexpr std::string_view fn = "nusi::fermi_dirac_integral";
  detail::require_finite(fn, "k", k);
  if (!(k > Real(-1))) detail::throw_invalid(fn, "k", "> -1", k);
  detail::require_closed_interval(fn, "eta", eta, Real(-200), Real(200));
  return static_cast<Real>(detail::fermi_dirac_complete<W>(k, eta));
}

/// Thermal Fermi-Dirac spectrum of one neutrino species (one helicity state) with temperature T
/// [MeV] and degeneracy eta = mu/T in [-50, 50] (paper Sec. III assumes eta = 0):
/// dN/dE ~ E^2 / (exp(E/T - eta) + 1).
template <class Real>
class fermi_dirac_spectrum {
  using W = detail::promoted_t<Real>;

 public:
  explicit fermi_dirac_spectrum(Real temperature_MeV, Real degeneracy = Real(0))
      : T_(temperature_MeV), eta_(degeneracy) {
    constexpr std::string_view fn = "nusi::fermi_dirac_spectrum";
    detail::require_positive(fn, "temperature_MeV", temperature_MeV);
    detail::require_closed_interval(fn, "degeneracy", degeneracy, Real(-50), Real(50));
    F2_ = detail::fermi_dirac_complete<W>(2, eta_);
    F3_ = detail::fermi_dirac_complete<W>(3, eta_);
    F4_ = detail::fermi_dirac_complete<W>(4, eta_);
  }
  /// The spectrum whose mean energy is <E> [MeV]: T = <E> F_2(eta) / F_3(eta) (paper: T ~ <E>/3.15).
  static fermi_dirac_spectrum from_mean_energy(Real mean_energy_MeV, Real degeneracy = Real(0)) {
    constexpr std::string_view fn = "nusi::fermi_dirac_spectrum::from_mean_energy";
    detail::require_positive(fn, "mean_energy_MeV", mean_energy_MeV);
    detail::require_closed_interval(fn, "degeneracy", degeneracy, Real(-50), Real(50));
    const W eta = degeneracy;
    const W T = W(mean_energy_MeV) * detail::fermi_dirac_complete<W>(2, eta) / detail::fermi_dirac_complete<W>(3, eta);
    return fermi_dirac_spectrum(static_cast<Real>(T), degeneracy);
  }

  Real temperature_MeV() const { return static_cast<Real>(T_); }
  Real degeneracy() const { return static_cast<Real>(eta_); }
  /// Number density of one species [cm^-3]: T^3 F_2(eta) / (2 pi^2); 3 zeta(3) T^3/(4 pi^2) at eta = 0.
  Real number_density_per_cm3() const {
    const W pi = boost::math::constants::pi<W>();
    return static_cast<Real>(MeV3_to_per_cm3(T_ * T_ * T_ * F2_ / (2 * pi * pi)));
  }
  /// <E> = T F_3/F_2 [MeV]; 7 pi^4/(180 zeta(3)) T = 3.1514 T at eta = 0.
  Real mean_energy_MeV() const { return static_cast<Real>(T_ * F3_ / F2_); }
  /// <E^2> = T^2 F_4/F_2 [MeV^2].
  Real mean_square_energy_MeV2() const { return static_cast<Real>(T_ * T_ * F4_ / F2_); }
  /// <E^n> = T^n F_{2+n}(eta)/F_2(eta) [MeV^n], n > -3. Throws nusi::invalid_argument.
  Real moment_MeVn(Real n) const {
    using std::pow;
    constexpr std::string_view fn = "nusi::fermi_dirac_spectrum::moment_MeVn";
    detail::require_finite(fn, "n", n);
    if (!(n > Real(-3))) detail::throw_invalid(fn, "n", "> -3", n);
    return static_cast<Real>(pow(T_, W(n)) * detail::fermi_dirac_complete<W>(2 + W(n), eta_) / F2_);
  }
  /// dN/dE / N [MeV^-1]; 0 at E = 0.
  Real probability_density_per_MeV(Real E_MeV) const {
    detail::require_non_negative("nusi::fermi_dirac_spectrum::probability_density_per_MeV", "E_MeV", E_MeV);
    return static_cast<Real>(density_x(W(E_MeV) / T_) / T_);
  }
  /// Fraction of neutrinos below E: the incomplete Fermi-Dirac integral over F_2, by tanh-sinh below
  /// <E> and as 1 - (exp-sinh tail) above, so each side keeps its relative accuracy.
  Real cumulative_probability(Real E_MeV) const {
    detail::require_non_negative("nusi::fermi_dirac_spectrum::cumulative_probability", "E_MeV", E_MeV);
    const W x = W(E_MeV) / T_;
    if (x == 0) return Real(0);
    if (!detail::is_finite(x)) return Real(1);  // E/T beyond the range (E = 1e300, T = 1e-30 MeV)
    if (x <= mean_x()) return static_cast<Real>(detail::fermi_dirac_lower<W>(2, eta_, x) / F2_);
    return static_cast<Real>(1 - detail::fermi_dirac_upper<W>(2, eta_, x) / F2_);
  }
  /// Fraction of neutrinos above E, 1 - CDF without cancellation in the tail.
  Real complementary_probability(Real E_MeV) const {
    detail::require_non_negative("nusi::fermi_dirac_spectrum::complementary_probability", "E_MeV", E_MeV);
    const W x = W(E_MeV) / T_;
    if (x == 0) return Real(1);
    if (!detail::is_finite(x)) return Real(0);
    if (x <= mean_x()) return static_cast<Real>(1 - detail::fermi_dirac_lower<W>(2, eta_, x) / F2_);
    return static_cast<Real>(detail::fermi_dirac_upper<W>(2, eta_, x) / F2_);
  }
  /// Energy [MeV] below which a fraction p in (0, 1) of the neutrinos lie: safeguarded Newton on the
  /// CDF (p <= 1/2) or on the complementary CDF (p > 1/2). Throws nusi::invalid_argument,
  /// nusi::numerical_error.
  Real quantile_MeV(Real p) const {
    detail::require_open_interval("nusi::fermi_dirac_spectrum::quantile_MeV", "p", p, Real(0), Real(1));
    return static_cast<Real>(T_ * quantile_x(W(p)));
  }
  /// One energy [MeV] drawn from the spectrum (inverse CDF; deterministic for a given generator).
  template <class URBG>
  Real sample_MeV(URBG& rng) const {
    return quantile_MeV(detail::uniform_open01<Real>(rng));
  }

 private:
  W mean_x() const { return F3_ / F2_; }
  // dN/dx / N at x = E/T; in the tail as exp(2 log x - y)/(1 + e^-y): x^2 overflows from x ~ 1e154
  // (inf * 0 = NaN), and 0 for x = inf.
  W density_x(W x) const {
    using std::exp;
    using std::log;
    if (!detail::is_finite(x)) return W(0);
    const W y = x - eta_;
    if (y > 0 && x > 1) return exp(2 * log(x) - y) / (1 + exp(-y)) / F2_;
    return x * x * detail::fermi_occupation(y) / F2_;
  }
  W quantile_x(W p) const {
    using std::abs;
    using std::cbrt;
    using std::exp;
    using std::sqrt;
    const bool tail = p > W(0.5);
    const W target = tail ? 1 - p : p;  // exact for p > 1/2 (Sterbenz)
    // g(x) increases with x and vanishes at the quantile; g'(x) = density_x(x).
    auto g = [&](W x) {
      return tail ? target - detail::fermi_dirac_upper<W>(2, eta_, x) / F2_
                  : detail::fermi_dirac_lower<W>(2, eta_, x) / F2_ - target;
    };
    W lo = 0, hi = mean_x();
    for (int i = 0; g(hi) < 0; ++i) {
      if (i == 64) throw_no_convergence(p);
      lo = hi;
      hi *= 2;
    }
    // Start below the mean from the small-x form CDF ~ x^3 occupation(-eta) / (3 F_2).
    W x = tail ? (lo + hi) / 2 : cbrt(3 * F2_ * target / detail::fermi_occupation(-eta_));
    if (!(x > lo && x < hi)) x = (lo + hi) / 2;
    const W tolerance = 4 * std::numeric_limits<W>::epsilon();
    for (int iteration = 0; iteration < 200; ++iteration) {
      const W gx = g(x);
      if (gx == 0) return x;
      (gx < 0 ? lo : hi) = x;
      const W slope = density_x(x);
      W next = slope > 0 ? x - gx / slope : hi;
      if (!(next > lo && next < hi)) next = (lo > 0 && hi > 4 * lo) ? sqrt(lo * hi) : (lo + hi) / 2;
      if (abs(next - x) <= tolerance * next || hi - lo <= tolerance * hi) return next;
      x = next;
    }
    throw_no_convergence(p);
  }
  [[noreturn]] void throw_no_convergence(W p) const {
    std::string msg = "nusi::fermi_dirac_spectrum::quantile_MeV: no convergence for p = ";
    msg += detail::to_text(p);
    msg += ", degeneracy = ";
    msg += detail::to_text(eta_);
    throw numerical_error(msg);
  }

  W T_, eta_;
  W F2_ = 0, F3_ = 0, F4_ = 0;
};

/// Pinched (Keil-Raffelt-Janka) spectrum phi(E) ~ E^alpha exp(-(alpha + 1) E/<E>), normalised to
/// unit number (paper Sec. IV, Refs. [47,48]): a Gamma distribution of shape alpha + 1, scale
/// <E>/(alpha + 1).
template <class Real>
class pinched_spectrum {
  using W = detail::promoted_t<Real>;

 public:
  /// From <E> [MeV] and the pinching parameter alpha > -1. Throws nusi::invalid_argument.
  pinched_spectrum(Real mean_energy_MeV, Real alpha) : mean_(mean_energy_MeV), alpha_(alpha) {
    constexpr std::string_view fn = "nusi::pinched_spectrum";
    detail::require_positive(fn, "mean_energy_MeV", mean_energy_MeV);
    detail::require_finite(fn, "alpha", alpha);
    if (!(alpha > Real(-1))) detail::throw_invalid(fn, "alpha", "> -1", alpha);
    log_gamma_shape_ = boost::math::lgamma(shape());  // once: lgamma dominates a density evaluation
  }
  /// From <E> [MeV] and <E^2> [MeV^2]: alpha = (2<E>^2 - <E^2>)/(<E^2> - <E>^2); needs <E^2> > <E>^2.
  static pinched_spectrum from_moments(Real mean_energy_MeV, Real mean_square_energy_MeV2) {
    constexpr std::string_view fn = "nusi::pinched_spectrum::from_moments";
    detail::require_positive(fn, "mean_energy_MeV", mean_energy_MeV);
    detail::require_positive(fn, "mean_square_energy_MeV2", mean_square_energy_MeV2);
    const W m1 = mean_energy_MeV, m2 = mean_square_energy_MeV2, m1sq = m1 * m1;
    if (!(m2 > m1sq))
      detail::throw_invalid(fn, "mean_square_energy_MeV2", "> mean_energy_MeV^2 = " + detail::to_text(m1sq),
                            mean_square_energy_MeV2);
    return pinched_spectrum(mean_energy_MeV, static_cast<Real>((2 * m1sq - m2) / (m2 - m1sq)));
  }
  /// The paper's emission spectrum: <E> = 15 MeV, <E^2> = 290 MeV^2 (alpha = 160/65).
  static pinched_spectrum paper_default() { return from_moments(Real(15), Real(290)); }

  Real alpha() const { return alpha_; }
  Real mean_energy_MeV() const { return mean_; }
  /// <E^2> = <E>^2 (alpha + 2)/(alpha + 1) [MeV^2].
  Real mean_square_energy_MeV2() const {
    const W m = mean_;
    return static_cast<Real>(m * m * (W(alpha_) + 2) / (W(alpha_) + 1));
  }
  /// <E^n> = (<E>/(alpha+1))^n Gamma(alpha+1+n)/Gamma(alpha+1) [MeV^n], n > -(alpha + 1).
  /// Throws nusi::invalid_argument.
  Real moment_MeVn(Real n) const {
    using std::pow;
    constexpr std::string_view fn = "nusi::pinched_spectrum::moment_MeVn";
    detail::require_finite(fn, "n", n);
    if (!(n > -(alpha_ + 1))) detail::throw_invalid(fn, "n", "> -(alpha + 1) = " + detail::to_text(-(alpha_ + 1)), n);
    const W k = shape();
    return static_cast<Real>(pow(W(mean_) / k, W(n)) / boost::math::tgamma_delta_ratio(k, W(n)));
  }
  /// dN/dE / N [MeV^-1]. At E = 0: 0 for alpha > 0, 1/<E> for alpha = 0, +infinity for alpha < 0
  /// (the integrable E^alpha singularity).
  Real probability_density_per_MeV(Real E_MeV) const {
    using std::exp;
    using std::log;
    detail::require_non_negative("nusi::pinched_spectrum::probability_density_per_MeV", "E_MeV", E_MeV);
    const W k = shape();
    if (E_MeV == 0) {
      if (alpha_ > 0) return Real(0);
      return alpha_ == 0 ? static_cast<Real>(1 / W(mean_)) : std::numeric_limits<Real>::infinity();
    }
    const W x = k * W(E_MeV) / W(mean_);
    if (!detail::is_finite(x)) return Real(0);  // E/<E> beyond the range: exp(k log x - x) would be NaN
    return static_cast<Real>(exp(k * log(x) - x - log_gamma_shape_) / W(E_MeV));
  }
  /// Fraction below E: the regularised incomplete gamma P(alpha + 1, (alpha + 1) E/<E>).
  Real cumulative_probability(Real E_MeV) const {
    detail::require_non_negative("nusi::pinched_spectrum::cumulative_probability", "E_MeV", E_MeV);
    const W k = shape(), x = k * W(E_MeV) / W(mean_);
    if (!detail::is_finite(x)) return Real(1);
    if (lower_tail_underflows(x)) return Real(0);
    return static_cast<Real>(boost::math::gamma_p(k, x));
  }
  /// Fraction above E, 1 - CDF without cancellation: Q(alpha + 1, (alpha + 1) E/<E>).
  Real complementary_probability(Real E_MeV) const {
    detail::require_non_negative("nusi::pinched_spectrum::complementary_probability", "E_MeV", E_MeV);
    const W k = shape(), x = k * W(E_MeV) / W(mean_);
    if (!detail::is_finite(x)) return Real(0);
    if (lower_tail_underflows(x)) return Real(1);
    return static_cast<Real>(boost::math::gamma_q(k, x));
  }
  /// Energy [MeV] below which a fraction p in (0, 1) lies (inverse regularised incomplete gamma).
  Real quantile_MeV(Real p) const {
    detail::require_open_interval("nusi::pinched_spectrum::quantile_MeV", "p", p, Real(0), Real(1));
    const W k = shape();
    const W x = W(p) > W(0.5) ? boost::math::gamma_q_inv(k, 1 - W(p)) : boost::math::gamma_p_inv(k, W(p));
    return static_cast<Real>(x * W(mean_) / k);
  }
  /// One energy [MeV] drawn from the spectrum (inverse CDF; deterministic for a given generator).
  template <class URBG>
  Real sample_MeV(URBG& rng) const {
    return quantile_MeV(detail::uniform_open01<Real>(rng));
  }
  /// Equal <E> and alpha (propagate_diffuse projects equal spectra once).
  bool operator==(const pinched_spectrum& other) const { return mean_ == other.mean_ && alpha_ == other.alpha_; }

 private:
  W shape() const { return W(alpha_) + 1; }
  // P(k, x) <= x^k e^-x/Gamma(k + 1) * 2 for x < k/2 is below the smallest normal number: P = 0 to
  // working precision. Boost 1.74's gamma_p throws overflow_error there (from tgamma(k + 1) inside),
  // e.g. alpha = 1e4 at E = 1e-70 <E>, instead of returning 0.
  bool lower_tail_underflows(W x) const {
    using std::log;
    const W k = shape();
    if (!(x < k / 2)) return false;
    return k * log(x) - x - (log_gamma_shape_ + log(k)) + log(W(2)) < log(std::numeric_limits<W>::min());  // lgamma(k + 1)
  }
  Real mean_, alpha_;
  W log_gamma_shape_ = 0;  // lgamma(alpha + 1)
};

}  // namespace nusi
