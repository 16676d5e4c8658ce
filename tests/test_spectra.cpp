// SPDX-License-Identifier: MIT
// spectra.hpp against independent routes: Fermi-Dirac integrals from zeta values, alternating
// series, the exact reflection formulas for integer k and the Sommerfeld expansion; spectra against
// Gauss-Kronrod quadrature of their densities (the header uses tanh-sinh / exp-sinh and Boost's
// incomplete gamma), and against Monte Carlo sampling with a fixed seed.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <type_traits>

#include <boost/math/constants/constants.hpp>
#include <boost/math/quadrature/exp_sinh.hpp>
#include <boost/math/quadrature/gauss_kronrod.hpp>
#include <boost/math/quadrature/tanh_sinh.hpp>
#include <boost/math/special_functions/gamma.hpp>
#include <boost/math/special_functions/zeta.hpp>

#include <nusi/spectra.hpp>

#include "test_support.hpp"

namespace nusi_test_spectra {  // this file's own: the suite compiles in batches of files (tests/CMakeLists.txt)

namespace {
using ld = long double;
const ld pi = boost::math::constants::pi<ld>();

using nusi_test::relative_error;

/// F_k(eta) = Gamma(k+1) sum_n (-1)^(n+1) e^(n eta) / n^(k+1), convergent for eta < 0 (used for eta <= -1).
ld fd_series(ld k, ld eta) {
  ld sum = 0;
  for (int n = 1; n < 2000; ++n) {
    const ld term = std::exp(n * eta) / std::pow(ld(n), k + 1);
    sum += (n % 2 ? term : -term);
    if (term < 1e-24L * sum) break;
  }
  return boost::math::tgamma(k + 1) * sum;
}

/// F_k(eta) for eta > 0 and integer k <= 4 from F_k(-eta) (polylogarithm inversion formulas).
ld fd_reflected(int k, ld eta) {
  const ld e = eta, p2 = pi * pi, p4 = p2 * p2, back = fd_series(k, -eta);
  switch (k) {
    case 1: return -back + e * e / 2 + p2 / 6;
    case 2: return back + e * e * e / 3 + p2 * e / 3;
    case 3: return -back + 7 * p4 / 60 + p2 * e * e / 2 + e * e * e * e / 4;
    case 4: return back + std::pow(e, 5) / 5 + 2 * p2 * e * e * e / 3 + 7 * p4 * e / 15;
  }
  return std::log1p(std::exp(eta));  // k = 0
}

/// Sommerfeld expansion eta^(k+1)/(k+1) [1 + sum_n 2 (1 - 2^(1-2n)) zeta(2n) Gamma(k+2)/Gamma(k+2-2n) eta^-2n],
/// asymptotic with an e^-eta remainder: 8 terms are exact to long double for eta >= 50.
ld fd_sommerfeld(ld k, ld eta) {
  ld sum = 1;
  for (int n = 1; n <= 8; ++n)
    sum += 2 * (1 - std::pow(2.0L, 1 - 2 * n)) * boost::math::zeta(ld(2 * n)) *
           boost::math::tgamma(k + 2) / boost::math::tgamma(k + 2 - 2 * n) * std::pow(eta, -2 * n);
  return std::pow(eta, k + 1) / (k + 1) * sum;
}

/// Gauss-Kronrod (adaptive, 31 points) of f over [a, b], b may be infinite. For the Fermi-Dirac
/// spectrum, whose header integrates with tanh-sinh and exp-sinh.
template <class F>
double gk(F f, double a, double b) {
  return boost::math::quadrature::gauss_kronrod<double, 31>::integrate(f, a, b, 15, 1e-14);
}

/// tanh-sinh on [a, b] or exp-sinh on [a, inf): for the pinched density, whose E^alpha end point
/// (alpha = 1/2 below) defeats Gauss-Kronrod; the header uses Boost's incomplete gamma instead.
template <class F>
double de(F f, double a, double b) {
  if (std::isinf(b)) return boost::math::quadrature::exp_sinh<double>().integrate(f, a, b, 1e-12);
  return boost::math::quadrature::tanh_sinh<double>().integrate(f, a, b, 1e-12);
}

/// A URBG that always returns its maximum (or minimum): the extreme draws of uniform_open01.
struct extreme_generator {
  using result_type = std::uint64_t;
  bool high;
  static constexpr result_type min() { return 0; }
  static constexpr result_type max() { return ~result_type(0); }
  result_type operator()() const { return high ? max() : min(); }
};
}  // namespace

static_assert(nusi::energy_spectrum<nusi::fermi_dirac_spectrum<double>, double>);
static_assert(nusi::energy_spectrum<nusi::pinched_spectrum<float>, float>);
static_assert(nusi::energy_spectrum<nusi::pinched_spectrum<long double>, long double>);

// ---------------------------------------------------------------------------------------------
// Fermi-Dirac integrals

TEST_CASE("F_k(0) = (1 - 2^-k) Gamma(k+1) zeta(k+1), and F_0(0) = ln 2") {
  const double eps = std::numeric_limits<double>::epsilon();
  for (ld k : {-0.5L, 0.5L, 1.0L, 2.0L, 2.5L, 3.0L, 4.0L, 7.0L}) {
    CAPTURE(double(k));
    const ld expected = (1 - std::pow(2.0L, -k)) * boost::math::tgamma(k + 1) * boost::math::zeta(k + 1);
    // Double-exponential quadrature converged to eps^(3/4): the result is good to a few eps.
    CHECK(relative_error(nusi::fermi_dirac_integral(double(k), 0.0), double(expected)) <= 8 * eps);
    CHECK(relative_error(nusi::fermi_dirac_integral(k, 0.0L), expected) <= 64 * std::numeric_limits<ld>::epsilon());
  }
  CHECK(relative_error(nusi::fermi_dirac_integral(0.0, 0.0), std::log(2.0)) <= 8 * eps);
}

TEST_CASE("F_k(eta) for eta < 0 equals the alternating series and tends to Gamma(k+1) e^eta") {
  const double eps = std::numeric_limits<double>::epsilon();
  for (ld k : {-0.5L, 0.0L, 0.5L, 2.0L, 3.0L, 4.0L}) {
    for (ld eta : {-1.0L, -5.0L, -20.0L, -50.0L, -200.0L}) {
      CAPTURE(double(k));
      CAPTURE(double(eta));
      CHECK(relative_error(nusi::fermi_dirac_integral(double(k), double(eta)), double(fd_series(k, eta))) <= 8 * eps);
      CHECK(relative_error(nusi::fermi_dirac_integral(k, eta), fd_series(k, eta)) <= 64 * std::numeric_limits<ld>::epsilon());
    }
  }
  // At eta = -50 the series' second term is e^-50/2^(k+1) ~ 1e-22 of the first.
  CHECK(relative_error(nusi::fermi_dirac_integral(2.0, -50.0), 2 * std::exp(-50.0)) <= 8 * eps);
}

TEST_CASE("F_k(eta) for eta > 0 satisfies the inversion formulas for integer k (e.g. F_2(eta) = F_2(-eta) + eta^3/3 + pi^2 eta/3)") {
  const double eps = std::numeric_limits<double>::epsilon();
  for (int k = 0; k <= 4; ++k) {
    for (ld eta : {1.0L, 2.5L, 5.0L, 20.0L, 50.0L, 200.0L}) {
      CAPTURE(k);
      CAPTURE(double(eta));
      CHECK(relative_error(nusi::fermi_dirac_integral(double(k), double(eta)), double(fd_reflected(k, eta))) <= 8 * eps);
      CHECK(relative_error(nusi::fermi_dirac_integral(ld(k), eta), fd_reflected(k, eta)) <= 64 * std::numeric_limits<ld>::epsilon());
    }
  }
}

TEST_CASE("F_k(eta) for large eta and non-integer k equals the Sommerfeld expansion") {
  const double eps = std::numeric_limits<double>::epsilon();
  for (ld k : {-0.5L, 0.5L, 1.5L, 2.5L}) {
    for (ld eta : {50.0L, 120.0L, 200.0L}) {
      CAPTURE(double(k));
      CAPTURE(double(eta));
      CHECK(relative_error(nusi::fermi_dirac_integral(double(k), double(eta)), double(fd_sommerfeld(k, eta))) <= 8 * eps);
    }
  }
}

TEST_CASE_TEMPLATE("fermi_dirac_integral in float, double and long double agrees with the reference to each precision", T,
                   float, double, long double) {
  // float is computed in double and rounded once (0.5 ulp); double and long double: a few eps.
  const T tol = (std::is_same_v<T, float> ? T(1) : T(8)) * std::numeric_limits<T>::epsilon();
  for (int k = 0; k <= 4; ++k) {
    for (ld eta : {-50.0L, -3.0L, 0.0L, 3.0L, 40.0L}) {
      CAPTURE(k);
      CAPTURE(double(eta));
      const ld ref = eta < 0 ? fd_series(k, eta) : (eta == 0 ? nusi::fermi_dirac_integral(ld(k), 0.0L) : fd_reflected(k, eta));
      if (eta == 0 && k != 0) {
        const ld z = (1 - std::pow(2.0L, -k)) * boost::math::tgamma(ld(k + 1)) * boost::math::zeta(ld(k + 1));
        CHECK(relative_error(nusi::fermi_dirac_integral(T(k), T(0)), T(z)) <= tol);
      } else {
        CHECK(relative_error(nusi::fermi_dirac_integral(T(k), T(eta)), T(ref)) <= tol);
      }
    }
  }
}

TEST_CASE("float F_k(eta) underflows to 0 below eta ~ -100, never to NaN") {
  // F_2(-200) = 2 e^-200 = 2.8e-87: representable in double, below float's 1.4e-45.
  CHECK(nusi::fermi_dirac_integral(2.0f, -200.0f) == 0.0f);
  CHECK(relative_error(nusi::fermi_dirac_integral(2.0, -200.0), 2 * std::exp(-200.0)) <= 8 * std::numeric_limits<double>::epsilon());
}

// ---------------------------------------------------------------------------------------------
// Fermi-Dirac spectrum

TEST_CASE("at zero degeneracy <E>/T = 7 pi^4/(180 zeta(3)) = 3.1514 and <E^2>/T^2 = 15 zeta(5)/zeta(3)") {
  const double eps = std::numeric_limits<double>::epsilon();
  const double z3 = boost::math::zeta(3.0), z5 = boost::math::zeta(5.0), p = boost::math::constants::pi<double>();
  for (double T : {0.5, 9.52, 40.0}) {
    CAPTURE(T);
    const nusi::fermi_dirac_spectrum<double> fd(T);
    // Ratios of two quadratures good to a few eps each.
    CHECK(relative_error(fd.mean_energy_MeV() / T, 7 * std::pow(p, 4) / (180 * z3)) <= 16 * eps);
    CHECK(relative_error(fd.mean_square_energy_MeV2() / (T * T), 15 * z5 / z3) <= 16 * eps);
  }
  CHECK(std::fabs(7 * std::pow(p, 4) / (180 * z3) - 3.1514) < 5e-5);  // the value quoted in the spec
}

TEST_CASE("at zero degeneracy n = 3 zeta(3) T^3/(4 pi^2) per species, converted with (hbar c)^3") {
  const double eps = std::numeric_limits<double>::epsilon(), hc = nusi::hbar_c_MeV_cm<double>;
  for (double T : {1.0, 9.52}) {
    const nusi::fermi_dirac_spectrum<double> fd(T);
    const double n = 3 * boost::math::zeta(3.0) * T * T * T / (4 * boost::math::constants::pi_sqr<double>()) / (hc * hc * hc);
    CHECK(relative_error(fd.number_density_per_cm3(), n) <= 16 * eps);
  }
}

TEST_CASE("from_mean_energy gives T = <E> 180 zeta(3)/(7 pi^4) and reproduces <E>") {
  const double eps = std::numeric_limits<double>::epsilon();
  const auto fd = nusi::fermi_dirac_spectrum<double>::from_mean_energy(30.0);
  const double ratio = 7 * std::pow(boost::math::constants::pi<double>(), 4) / (180 * boost::math::zeta(3.0));
  CHECK(relative_error(fd.temperature_MeV(), 30.0 / ratio) <= 16 * eps);
  CHECK(relative_error(fd.mean_energy_MeV(), 30.0) <= 16 * eps);
  for (double eta : {-10.0, 2.0, 30.0}) {
    CAPTURE(eta);
    CHECK(relative_error(nusi::fermi_dirac_spectrum<double>::from_mean_energy(15.0, eta).mean_energy_MeV(), 15.0) <= 16 * eps);
  }
}

TEST_CASE("a very non-degenerate Fermi-Dirac spectrum is Maxwell-Boltzmann: <E> = 3T, <E^2> = 12 T^2") {
  const nusi::fermi_dirac_spectrum<double> fd(2.0, -50.0);
  // Corrections are O(e^-50) = 2e-22.
  CHECK(relative_error(fd.mean_energy_MeV(), 6.0) <= 16 * std::numeric_limits<double>::epsilon());
  CHECK(relative_error(fd.mean_square_energy_MeV2(), 48.0) <= 16 * std::numeric_limits<double>::epsilon());
}

TEST_CASE("the Fermi-Dirac density integrates to 1 and its CDF is the integral of the density") {
  for (double eta : {-5.0, 0.0, 4.0, 30.0}) {
    const nusi::fermi_dirac_spectrum<double> fd(3.0, eta);
    auto pdf = [&](double E) { return fd.probability_density_per_MeV(E); };
    CAPTURE(eta);
    // Adaptive Gauss-Kronrod at tolerance 1e-14 (on [0, inf) via Boost's mapping).
    CHECK(std::fabs(gk(pdf, 0, std::numeric_limits<double>::infinity()) - 1) < 1e-13);
    CHECK(fd.probability_density_per_MeV(0.0) == 0.0);
    CHECK(fd.cumulative_probability(0.0) == 0.0);
    for (double x : {0.01, 0.5, 1.0, 3.0, 10.0, 40.0}) {
      const double E = 3.0 * (x + std::max(eta, 0.0));
      CAPTURE(E);
      // The CDF is compared where it is the smaller side, the tail where that is: each relative.
      const double below = gk(pdf, 0, E), above = gk(pdf, E, std::numeric_limits<double>::infinity());
      CHECK(relative_error(fd.cumulative_probability(E), below) <= 1e-13);
      CHECK(relative_error(fd.complementary_probability(E), above) <= 1e-13);
    }
  }
}

TEST_CASE("the Fermi-Dirac quantile inverts the CDF, in both tails") {
  const double eps = std::numeric_limits<double>::epsilon();
  for (double eta : {-5.0, 0.0, 4.0, 30.0}) {
    const nusi::fermi_dirac_spectrum<double> fd(3.0, eta);
    for (double p : {1e-15, 1e-6, 0.01, 0.3, 0.5}) {
      CAPTURE(eta);
      CAPTURE(p);
      // Newton stops at a relative step of 4 eps in E; p ~ E^3 at small E: ~12 eps in p, plus the
      // CDF's own few eps.
      CHECK(relative_error(fd.cumulative_probability(fd.quantile_MeV(p)), p) <= 64 * eps);
    }
    for (double q : {1e-15, 1e-6, 0.01, 0.3}) {
      CAPTURE(eta);
      CAPTURE(q);
      // In the tail q ~ E^2 e^-E: a relative step of 4 eps in E is ~4 eps E in q (E <= 40 + eta).
      // The input is p = 1 - q rounded; 1 - p is then exact, and is what the quantile must invert.
      const double p = 1 - q;
      CHECK(relative_error(fd.complementary_probability(fd.quantile_MeV(p)), 1 - p) <= 512 * eps);
    }
  }
}

TEST_CASE("Fermi-Dirac moments <E^n> = T^n F_{2+n}/F_2 match quadrature of E^n times the density") {
  const nusi::fermi_dirac_spectrum<double> fd(4.0, 1.5);
  const double eps = std::numeric_limits<double>::epsilon();
  CHECK(relative_error(fd.moment_MeVn(1.0), fd.mean_energy_MeV()) <= 8 * eps);
  CHECK(relative_error(fd.moment_MeVn(2.0), fd.mean_square_energy_MeV2()) <= 8 * eps);
  CHECK(relative_error(fd.moment_MeVn(0.0), 1.0) <= 8 * eps);
  for (double n : {-1.0, 0.5, 3.0, 4.7}) {
    CAPTURE(n);
    const double quad = gk([&](double E) { return std::pow(E, n) * fd.probability_density_per_MeV(E); }, 0,
                           std::numeric_limits<double>::infinity());
    CHECK(relative_error(fd.moment_MeVn(n), quad) <= 1e-12);  // Gauss-Kronrod at 1e-14
  }
}

TEST_CASE("sampling the Fermi-Dirac spectrum reproduces its mean and variance within Monte Carlo error") {
  const nusi::fermi_dirac_spectrum<double> fd(10.0, 2.0);
  std::mt19937_64 rng(42);
  const int N = 2000;
  double sum = 0, sum2 = 0;
  for (int i = 0; i < N; ++i) {
    const double E = fd.sample_MeV(rng);
    sum += E;
    sum2 += E * E;
  }
  const double mean = fd.mean_energy_MeV(), var = fd.mean_square_energy_MeV2() - mean * mean;
  // 4 standard errors; the seed is fixed, so this is deterministic (a random seed would fail 6e-5).
  CHECK(std::fabs(sum / N - mean) < 4 * std::sqrt(var / N));
  // The variance of the sample second moment needs <E^4>: 4 standard errors of <E^2>.
  const double m4 = fd.moment_MeVn(4.0);
  CHECK(std::fabs(sum2 / N - fd.mean_square_energy_MeV2()) <
        4 * std::sqrt((m4 - fd.mean_square_energy_MeV2() * fd.mean_square_energy_MeV2()) / N));
}

TEST_CASE_TEMPLATE("the Fermi-Dirac spectrum in float, double and long double each reaches its precision", T, float,
                   double, long double) {
  const T tol = (std::is_same_v<T, float> ? T(2) : T(16)) * std::numeric_limits<T>::epsilon();
  const nusi::fermi_dirac_spectrum<T> fd(T(8));
  const ld ratio = 7 * std::pow(pi, 4) / (180 * boost::math::zeta(3.0L));
  CHECK(relative_error(fd.mean_energy_MeV(), T(8 * ratio)) <= tol);
  // CDF at 3 T against long double Gauss-Kronrod of the same density.
  const nusi::fermi_dirac_spectrum<ld> ref(8.0L);
  const ld below = boost::math::quadrature::gauss_kronrod<ld, 31>::integrate(
      [&](ld E) { return ref.probability_density_per_MeV(E); }, 0.0L, 24.0L, 15, 1e-19L);
  CHECK(relative_error(fd.cumulative_probability(T(24)), T(below)) <= tol);
  CHECK(relative_error(fd.cumulative_probability(fd.quantile_MeV(T(0.25))), T(0.25)) <= 4 * tol);
}

// ---------------------------------------------------------------------------------------------
// Pinched spectrum

TEST_CASE("the pinched spectrum from <E> and <E^2> reproduces them, and the paper's is alpha = 160/65") {
  const double eps = std::numeric_limits<double>::epsilon();
  const auto paper = nusi::pinched_spectrum<double>::paper_default();
  CHECK(relative_error(paper.alpha(), 160.0 / 65.0) <= 4 * eps);
  CHECK(relative_error(paper.mean_energy_MeV(), 15.0) == 0);
  CHECK(relative_error(paper.mean_square_energy_MeV2(), 290.0) <= 8 * eps);
  for (auto [m1, m2] : {std::pair{10.0, 101.0}, {12.0, 200.0}, {20.0, 799.0}}) {
    const auto s = nusi::pinched_spectrum<double>::from_moments(m1, m2);
    CAPTURE(m1);
    CAPTURE(m2);
    CHECK(relative_error(s.mean_square_energy_MeV2(), m2) <= 64 * eps);  // alpha near -1 or large: cancellation in m2 - m1^2
    CHECK(relative_error(s.moment_MeVn(2.0), m2) <= 64 * eps);
  }
}

TEST_CASE("the pinched spectrum with alpha = 0 is the exponential e^(-E/<E>)/<E>") {
  const nusi::pinched_spectrum<double> s(10.0, 0.0);
  const double eps = std::numeric_limits<double>::epsilon();
  for (double E : {0.0, 1.0, 10.0, 70.0}) {
    CAPTURE(E);
    CHECK(relative_error(s.probability_density_per_MeV(E), std::exp(-E / 10) / 10) <= 8 * eps);
    CHECK(relative_error(s.complementary_probability(E), std::exp(-E / 10)) <= 8 * eps);
    if (E > 0) CHECK(relative_error(s.cumulative_probability(E), -std::expm1(-E / 10)) <= 8 * eps);
  }
}

TEST_CASE("pinched density: integrates to 1, its CDF and tail are its integrals, and its E = 0 value follows alpha") {
  for (double alpha : {0.5, 160.0 / 65.0, 6.0}) {
    const nusi::pinched_spectrum<double> s(15.0, alpha);
    auto pdf = [&](double E) { return s.probability_density_per_MeV(E); };
    CAPTURE(alpha);
    // Double-exponential rules at tolerance 1e-12 are good to ~1e-15 here.
    CHECK(std::fabs(de(pdf, 0, std::numeric_limits<double>::infinity()) - 1) < 1e-13);
    for (double E : {0.1, 5.0, 15.0, 60.0, 200.0}) {
      CAPTURE(E);
      CHECK(relative_error(s.cumulative_probability(E), de(pdf, 0, E)) <= 1e-13);
      CHECK(relative_error(s.complementary_probability(E), de(pdf, E, std::numeric_limits<double>::infinity())) <= 1e-13);
    }
  }
  CHECK(nusi::pinched_spectrum<double>(15.0, 0.5).probability_density_per_MeV(0.0) == 0.0);
  CHECK(nusi::pinched_spectrum<double>(15.0, 0.0).probability_density_per_MeV(0.0) == 1.0 / 15.0);
  CHECK(std::isinf(nusi::pinched_spectrum<double>(15.0, -0.5).probability_density_per_MeV(0.0)));
  CHECK(nusi::pinched_spectrum<double>(15.0, -0.5).cumulative_probability(0.0) == 0.0);
  CHECK(nusi::pinched_spectrum<double>(15.0, -0.5).complementary_probability(0.0) == 1.0);
}

TEST_CASE("pinched moments: integer n give <E>^n (alpha+2)...(alpha+n)/(alpha+1)^(n-1), others match quadrature") {
  const double a = 160.0 / 65.0, m = 15.0, eps = std::numeric_limits<double>::epsilon();
  const auto s = nusi::pinched_spectrum<double>::paper_default();
  CHECK(relative_error(s.moment_MeVn(1.0), m) <= 8 * eps);
  CHECK(relative_error(s.moment_MeVn(3.0), m * m * m * (a + 2) * (a + 3) / ((a + 1) * (a + 1))) <= 16 * eps);
  CHECK(relative_error(s.moment_MeVn(4.0), std::pow(m, 4) * (a + 2) * (a + 3) * (a + 4) / std::pow(a + 1, 3)) <= 16 * eps);
  for (double n : {-2.0, -0.5, 0.5, 2.5}) {
    CAPTURE(n);
    auto integrand = [&](double E) {
      const double density = s.probability_density_per_MeV(E);
      return density == 0 ? 0.0 : std::pow(E, n) * density;  // exp-sinh probes E ~ 1e-300
    };
    const double quad = de(integrand, 0, std::numeric_limits<double>::infinity());
    CHECK(relative_error(s.moment_MeVn(n), quad) <= 1e-13);  // exp-sinh at 1e-12: ~1e-15
  }
}

TEST_CASE("the pinched quantile inverts the CDF in both tails") {
  const auto s = nusi::pinched_spectrum<double>::paper_default();
  const double eps = std::numeric_limits<double>::epsilon();
  for (double p : {1e-12, 0.01, 0.5}) {
    CAPTURE(p);
    CHECK(relative_error(s.cumulative_probability(s.quantile_MeV(p)), p) <= 64 * eps);  // Boost's inverse: a few eps in x
  }
  for (double q : {1e-12, 0.01, 0.4}) {
    CAPTURE(q);
    const double p = 1 - q;  // rounded; 1 - p is exact and is what the quantile must invert
    CHECK(relative_error(s.complementary_probability(s.quantile_MeV(p)), 1 - p) <= 512 * eps);  // q ~ e^-x: eps x
  }
}

TEST_CASE("sampling the pinched spectrum reproduces its mean and variance within Monte Carlo error") {
  const auto s = nusi::pinched_spectrum<double>::paper_default();
  std::mt19937_64 rng(1987);
  const int N = 20000;
  double sum = 0, sum2 = 0;
  for (int i = 0; i < N; ++i) {
    const double E = s.sample_MeV(rng);
    sum += E;
    sum2 += E * E;
  }
  const double var = 290.0 - 225.0;
  CHECK(std::fabs(sum / N - 15.0) < 4 * std::sqrt(var / N));  // 4 standard errors, fixed seed
  CHECK(std::fabs(sum2 / N - 290.0) < 4 * std::sqrt((s.moment_MeVn(4.0) - 290.0 * 290.0) / N));
}

TEST_CASE_TEMPLATE("the pinched spectrum in float, double and long double each reaches its precision", T, float, double,
                   long double) {
  const T tol = (std::is_same_v<T, float> ? T(2) : T(64)) * std::numeric_limits<T>::epsilon();
  const auto s = nusi::pinched_spectrum<T>::from_moments(T(15), T(290));
  CHECK(relative_error(s.alpha(), T(160.0L / 65.0L)) <= tol);
  CHECK(relative_error(s.mean_square_energy_MeV2(), T(290)) <= tol);
  // The Gamma(alpha + 1) density at 20 MeV written out in long double.
  const ld a = ld(s.alpha()) + 1, x = a * 20 / 15;
  const ld pdf = std::exp(a * std::log(x) - x - std::lgamma(a)) / 20;
  CHECK(relative_error(s.probability_density_per_MeV(T(20)), T(pdf)) <= tol);
  CHECK(relative_error(s.cumulative_probability(s.quantile_MeV(T(0.25))), T(0.25)) <= 4 * tol);
}

TEST_CASE("uniform_open01 stays inside (0, 1) for the extreme draws, so sampling never throws") {
  extreme_generator hi{true}, lo{false};
  const float u_hi = nusi::detail::uniform_open01<float>(hi), u_lo = nusi::detail::uniform_open01<float>(lo);
  CHECK(u_hi < 1.0f);
  CHECK(u_lo > 0.0f);
  CHECK(nusi::detail::uniform_open01<double>(hi) < 1.0);
  const auto s = nusi::pinched_spectrum<float>::paper_default();
  CHECK(std::isfinite(s.sample_MeV(hi)));
  CHECK(std::isfinite(s.sample_MeV(lo)));
  const nusi::fermi_dirac_spectrum<float> fd(5.0f);
  CHECK(std::isfinite(fd.sample_MeV(hi)));
  CHECK(fd.sample_MeV(lo) > 0.0f);
}

// ---------------------------------------------------------------------------------------------
// Rejections

TEST_CASE("bad spectrum parameters throw nusi::invalid_argument naming the parameter and the value") {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  using fd_t = nusi::fermi_dirac_spectrum<double>;
  using pinched_t = nusi::pinched_spectrum<double>;
  CHECK_THROWS_WITH_AS(nusi::fermi_dirac_integral(-1.0, 0.0), doctest::Contains("k must be > -1, got -1"), nusi::invalid_argument);
  CHECK_THROWS_WITH_AS(nusi::fermi_dirac_integral(nan, 0.0), doctest::Contains("k must be finite"), nusi::invalid_argument);
  CHECK_THROWS_WITH_AS(nusi::fermi_dirac_integral(2.0, 250.0), doctest::Contains("eta must be in [-200, 200], got 250"),
                       nusi::invalid_argument);
  CHECK_THROWS_WITH_AS(fd_t(0.0), doctest::Contains("temperature_MeV must be finite and > 0, got 0"), nusi::invalid_argument);
  CHECK_THROWS_WITH_AS(fd_t{nan}, doctest::Contains("temperature_MeV"), nusi::invalid_argument);
  CHECK_THROWS_WITH_AS(fd_t(1.0, 51.0), doctest::Contains("degeneracy must be in [-50, 50], got 51"), nusi::invalid_argument);
  CHECK_THROWS_WITH_AS(fd_t::from_mean_energy(-3.0), doctest::Contains("mean_energy_MeV"), nusi::invalid_argument);
  const fd_t fd(3.0);
  CHECK_THROWS_WITH_AS(fd.probability_density_per_MeV(-1.0), doctest::Contains("E_MeV must be finite and >= 0, got -1"),
                       nusi::invalid_argument);
  CHECK_THROWS_WITH_AS(fd.cumulative_probability(nan), doctest::Contains("E_MeV"), nusi::invalid_argument);
  CHECK_THROWS_WITH_AS(fd.quantile_MeV(1.0), doctest::Contains("p must be in (0, 1), got 1"), nusi::invalid_argument);
  CHECK_THROWS_WITH_AS(fd.quantile_MeV(0.0), doctest::Contains("got 0"), nusi::invalid_argument);
  CHECK_THROWS_WITH_AS(fd.moment_MeVn(-3.0), doctest::Contains("n must be > -3, got -3"), nusi::invalid_argument);

  CHECK_THROWS_WITH_AS(pinched_t(0.0, 2.0), doctest::Contains("mean_energy_MeV must be finite and > 0, got 0"), nusi::invalid_argument);
  CHECK_THROWS_WITH_AS(pinched_t(15.0, -1.0), doctest::Contains("alpha must be > -1, got -1"), nusi::invalid_argument);
  CHECK_THROWS_WITH_AS(pinched_t(15.0, nan), doctest::Contains("alpha"), nusi::invalid_argument);
  CHECK_THROWS_WITH_AS(pinched_t::from_moments(15.0, 225.0), doctest::Contains("mean_square_energy_MeV2 must be > mean_energy_MeV^2 = 225, got 225"),
                       nusi::invalid_argument);
  CHECK_THROWS_WITH_AS(pinched_t::from_moments(15.0, -1.0), doctest::Contains("mean_square_energy_MeV2"), nusi::invalid_argument);
  const auto s = pinched_t::paper_default();
  CHECK_THROWS_WITH_AS(s.moment_MeVn(-4.0), doctest::Contains("n must be > -(alpha + 1)"), nusi::invalid_argument);
  CHECK_THROWS_WITH_AS(s.quantile_MeV(1.5), doctest::Contains("p must be in (0, 1), got 1.5"), nusi::invalid_argument);
  CHECK_THROWS_WITH_AS(s.cumulative_probability(-2.0), doctest::Contains("E_MeV"), nusi::invalid_argument);
}

}  // namespace nusi_test_spectra
