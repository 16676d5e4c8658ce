// SPDX-License-Identifier: MIT
// The random walk (random_walk.hpp): every integral against its closed form for power-law, constant,
// exponential and radius-dependent-<E> profiles (each elementary; derivations in docs/physics.md), the
// Fermi-Dirac average against zeta-function moments, user plug-ins, the error estimate and rejections.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>
#include <utility>

#include <boost/math/constants/constants.hpp>

#include <nusi/random_walk.hpp>

#include "test_support.hpp"

namespace nusi_test_random_walk {  // this file's own: the suite compiles in batches of files (tests/CMakeLists.txt)

namespace {
using nusi_test::rel;
using namespace nusi_test::reference;  // zeta3, zeta5, pi, hbar_c_cm, m_u_g, energy_per_T, sigma_coefficient
// <sigma_nuN> for mean energy E [cm^2].
long double averaged_sigma(long double E) {
  const long double T = E / energy_per_T;
  return sigma_coefficient * energy2_per_T2 * T * T;
}
// Six-species Fermi-Dirac density at eta = 0 for mean energy E [cm^-3].
long double fd_density(long double E) {
  const long double T = E / energy_per_T;
  return 6 * 3 * zeta3 / (4 * pi * pi) * T * T * T / (hbar_c_cm * hbar_c_cm * hbar_c_cm);
}
std::string data(const std::string& name) { return std::string(NUSI_TEST_DATA_DIR) + "/" + name; }

// A user's profile: nucleons falling exponentially with scale height h from R1 (steep for small h).
struct exponential_core {
  double n0, R1_cm, h_cm, E_MeV, n_nu;
  double nucleon_density_per_cm3(double r) const { return n0 * std::exp(-(r - R1_cm) / h_cm); }
  double neutrino_density_per_cm3(double) const { return n_nu; }
  double mean_energy_MeV(double) const { return E_MeV; }
};

// A user's profile with <E> falling as 1/r: n_N ~ r^-3, <E> = E0 r0/r, n_nu Fermi-Dirac at <E>(r).
struct cooling_core {
  double n0, r0_cm, E0_MeV;
  double nucleon_density_per_cm3(double r) const { return n0 * std::pow(r0_cm / r, 3); }
  double mean_energy_MeV(double r) const { return E0_MeV * r0_cm / r; }
  double neutrino_density_per_cm3(double r) const { return static_cast<double>(fd_density(mean_energy_MeV(r))); }
};

// A user's nu-N cross section with no closed-form thermal average: the walk must integrate it.
struct power_cross_section {
  double coefficient, power;
  double cross_section_cm2(double E_MeV) const { return coefficient * std::pow(E_MeV, power); }
};

// A profile whose nucleon density is negative beyond 20 km: bad input.
struct broken_core {
  double nucleon_density_per_cm3(double r) const { return r > 2e6 ? -1.0 : 1e37; }
  double neutrino_density_per_cm3(double) const { return 1e35; }
  double mean_energy_MeV(double) const { return 30; }
};
struct nan_energy_core {
  double nucleon_density_per_cm3(double) const { return 1e37; }
  double neutrino_density_per_cm3(double) const { return 1e35; }
  double mean_energy_MeV(double) const { return NAN; }
};

static_assert(nusi::radial_profile<exponential_core, double>);
static_assert(nusi::radial_profile<nusi::tabulated_profile<double>, double>);
static_assert(nusi::cross_section_model<power_cross_section, double>);
static_assert(!nusi::radial_profile<power_cross_section, double>);
}  // namespace

TEST_CASE("sigma_nuN = (1 + 3 g_A^2)/4 G_F^2 E^2/pi is the spec's 2.5e-44 cm^2 (E/MeV)^2") {
  const nusi::neutral_current_nucleon_cross_section<double> s;
  // 1e-13: the same formula evaluated in long double here.
  CHECK(s.cross_section_cm2(10.0) == rel(double(sigma_coefficient * 100), 1e-13));
  // 2%: the spec rounds to two digits (2.46e-44 -> 2.5e-44).
  CHECK(s.coefficient_cm2_per_MeV2() == rel(2.5e-44, 0.02));
}

TEST_CASE("the Fermi-Dirac average of sigma ~ E^k is sigma(T) F_{2+k}/F_2, by quadrature or closed form") {
  const nusi::power_law_profile<double> p;
  const nusi::random_walk_region<double> region{};
  const nusi::random_walk closed(p, region);  // neutral-current sigma with its closed-form average
  const nusi::random_walk quad(p, region, power_cross_section{double(sigma_coefficient), 2.0});
  const nusi::random_walk linear(p, region, power_cross_section{1.0, 1.0});
  const double r = nusi::km(20.0);
  // 1e-10: exp-sinh quadrature of the spectrum at tolerance eps^(2/3); Fermi-Dirac integrals likewise.
  CHECK(closed.averaged_cross_section_cm2(r) == rel(double(averaged_sigma(30)), 1e-10));
  CHECK(quad.averaged_cross_section_cm2(r) == rel(double(averaged_sigma(30)), 1e-10));
  CHECK(linear.averaged_cross_section_cm2(r) == doctest::Approx(30.0).epsilon(1e-10));  // <E> itself
  CHECK(closed.thermal_state_at(r).temperature_MeV == doctest::Approx(double(30 / energy_per_T)).epsilon(1e-10));
}

TEST_CASE("power law n_N ~ r^-3: N_nuN, d and the neutrino column match their closed forms") {
  // 1/lambda = a r^-3 with a = n_N(r0) <sigma> r0^3:
  //   N_nuN = a^2 (R1^-4 - R2^-4)/4,  d = a (1/R1 - 1/R2),  column = n_nu d.
  for (auto [R1_km, E] : {std::pair{15.0L, 30.0L}, std::pair{30.0L, 15.0L}, std::pair{15.0L, 15.0L}}) {
    CAPTURE(R1_km);
    const long double r0 = 15e5L, R1 = R1_km * 1e5L, R2 = 45e5L;
    const long double a = 1e14L / m_u_g * averaged_sigma(E) * r0 * r0 * r0;
    const long double N = a * a * (1 / powl(R1, 4) - 1 / powl(R2, 4)) / 4, d = a * (1 / R1 - 1 / R2);
    const nusi::power_law_profile<double> p(nusi::power_law_parameters<double>{.mean_energy_MeV = double(E)});
    const nusi::random_walk walk(p, nusi::random_walk_region<double>{double(R1), double(R2)});
    const auto s = walk.summary();
    // 1e-9: quadrature at eps^(2/3) and Fermi-Dirac integrals at root-epsilon (both far below).
    CHECK(s.scatterings.value == doctest::Approx(double(N)).epsilon(1e-9));
    CHECK(s.path_length_cm.value == doctest::Approx(double(d)).epsilon(1e-9));
    CHECK(s.neutrino_column_per_cm2.value == doctest::Approx(double(fd_density(E) * d)).epsilon(1e-9));
    CHECK(s.mean_free_path_at_R_min_cm == doctest::Approx(double(powl(R1, 3) / a)).epsilon(1e-9));
    CHECK(s.scatterings.error <= 1e-10 * s.scatterings.value);
  }
}

TEST_CASE("power law n_N ~ r^-2: the path length is logarithmic, a ln(R2/R1)") {
  const long double r0 = 15e5L, R1 = 15e5L, R2 = 45e5L;
  const long double a = 1e14L / m_u_g * averaged_sigma(30) * r0 * r0;  // 1/lambda = a r^-2
  const nusi::power_law_profile<double> p(nusi::power_law_parameters<double>{.power_index = 2});
  const nusi::random_walk walk(p, nusi::random_walk_region<double>{});
  // 1e-9 as above.
  CHECK(walk.path_length_cm().value == doctest::Approx(double(a * logl(R2 / R1))).epsilon(1e-9));
  CHECK(walk.scatterings().value == doctest::Approx(double(a * a * (1 / (R1 * R1) - 1 / (R2 * R2)) / 2)).epsilon(1e-9));
}

TEST_CASE("a steep power law n_N ~ r^-40 is integrated to 1e-9") {
  const long double r0 = 15e5L, R1 = 15e5L, R2 = 45e5L;
  const long double a = 1e14L / m_u_g * averaged_sigma(30);  // 1/lambda = a (r0/r)^40
  const nusi::power_law_profile<double> p(nusi::power_law_parameters<double>{.power_index = 40});
  const nusi::random_walk walk(p, nusi::random_walk_region<double>{});
  // int r (r0/r)^80 dr = r0^2 (1 - (R1/R2)^78)/78 for R1 = r0.
  const long double N = a * a * r0 * r0 * (1 - powl(R1 / R2, 78)) / 78;
  CHECK(walk.scatterings().value == doctest::Approx(double(N)).epsilon(1e-9));  // 1e-9 as above
}

TEST_CASE("constant profile: d = lambda N_nuN exactly, the paper's relation") {
  const nusi::constant_profile<double> c(nusi::constant_parameters<double>{.density_g_per_cm3 = 1e13});
  const nusi::random_walk walk(c, nusi::random_walk_region<double>{});
  const long double lambda = 1 / (1e13L / m_u_g * averaged_sigma(30)), R1 = 15e5L, R2 = 45e5L;
  const auto s = walk.summary();
  // 1e-9 as above; N = (R2^2 - R1^2)/(2 lambda^2), d = (R2^2 - R1^2)/(2 lambda).
  CHECK(s.scatterings.value == doctest::Approx(double((R2 * R2 - R1 * R1) / (2 * lambda * lambda))).epsilon(1e-9));
  CHECK(s.path_length_cm.value == doctest::Approx(double((R2 * R2 - R1 * R1) / (2 * lambda))).epsilon(1e-9));
  CHECK(s.paper_path_length_cm() == doctest::Approx(s.path_length_cm.value).epsilon(1e-12));  // 1e-12: rounding
}

TEST_CASE("a user's steep exponential profile is integrated to 1e-9 with an honest error estimate") {
  // 1/lambda = A exp(-(r - R1)/h): int r exp(-k (r - R1)) dr = (R1/k + 1/k^2) - (R2/k + 1/k^2) e^{-k (R2 - R1)}.
  for (double h_km : {10.0, 1.0, 0.1, 0.01}) {
    CAPTURE(h_km);
    const long double R1 = 15e5L, R2 = 45e5L, h = h_km * 1e5L, n0 = 1e37L, A = n0 * averaged_sigma(30);
    auto moment = [&](long double k) { return (R1 / k + 1 / (k * k)) - (R2 / k + 1 / (k * k)) * expl(-k * (R2 - R1)); };
    const exponential_core p{double(n0), double(R1), double(h), 30.0, 1e35};
    const nusi::random_walk walk(p, nusi::random_walk_region<double>{double(R1), double(R2)});
    const auto N = walk.scatterings(), d = walk.path_length_cm();
    const double N_exact = double(A * A * moment(2 / h)), d_exact = double(A * moment(1 / h));
    CHECK(N.value == doctest::Approx(N_exact).epsilon(1e-9));  // 1e-9: the requested accuracy
    CHECK(d.value == doctest::Approx(d_exact).epsilon(1e-9));
    // The error estimate bounds the true error (plus rounding of the exact value, 1e-14 relative).
    CHECK(std::abs(N.value - N_exact) <= N.error + 1e-14 * N_exact);
    CHECK(std::abs(d.value - d_exact) <= d.error + 1e-14 * d_exact);
    // ... and certifies the requested accuracy (an infinite estimate would pass the two checks above).
    CHECK(N.error <= 1e-9 * N.value);
    CHECK(d.error <= 1e-9 * d.value);
  }
}

TEST_CASE("radius-dependent <E>: N_2to4 integrates sigma_2to4(2<E>(r)) across its knee, matching the closed form") {
  // n_N = n0 (r0/r)^3, <E> = E0 r0/r, n_nu = Fermi-Dirac(<E>(r)): 1/lambda = A (r0/r)^5 with
  // A = n0 C <E^2>/<E>^2 E0^2, n_nu = K E0^3 (r0/r)^3. sigma_2to4 = kappa^4 (hbar c)^2/E_cm^2 where
  // E_cm = 2<E> > M (r < r* = 2 E0 r0/M): integrand B_lo r^-5; beyond r*, kappa^4 (hbar c)^2 E_cm^6/M^8:
  // integrand B_hi r^-13. Both elementary.
  const long double n0 = 6e37L, r0 = 15e5L, E0 = 30, R1 = 15e5L, R2 = 45e5L, kappa = 1e-2L;
  const long double A = n0 * sigma_coefficient * energy2_per_T2 / (energy_per_T * energy_per_T) * E0 * E0;
  const long double K = fd_density(1);  // n_nu per <E>^3
  const long double k4 = powl(kappa, 4) * hbar_c_cm * hbar_c_cm;
  const cooling_core p{double(n0), double(r0), double(E0)};
  const nusi::random_walk walk(p, nusi::random_walk_region<double>{double(R1), double(R2)});
  for (long double M : {1.0L, 40.0L, 25.0L, 200.0L}) {
    CAPTURE(double(M));
    const long double r_star = std::clamp(2 * E0 * r0 / M, R1, R2);
    const long double B_lo = k4 / (4 * E0 * E0) * K * E0 * E0 * E0 * A * powl(r0, 6);
    const long double B_hi = k4 * 64 * powl(E0, 6) / powl(M, 8) * K * E0 * E0 * E0 * A * powl(r0, 14);
    const long double exact = B_lo * (powl(R1, -4) - powl(r_star, -4)) / 4 + B_hi * (powl(r_star, -12) - powl(R2, -12)) / 12;
    const nusi::two_to_four_cross_section<double> sigma{nusi::mediator<double>{.mass_MeV = double(M), .coupling = 1}};
    // 1e-8: Fermi-Dirac moments from quadrature enter squared; the kink at r* is inside the interval.
    CHECK(walk.N_2to4(sigma).value == doctest::Approx(double(exact)).epsilon(1e-8));
  }
  // N_nuN = A^2 r0^10 (R1^-8 - R2^-8)/8.
  CHECK(walk.scatterings().value == doctest::Approx(double(A * A * powl(r0, 10) * (powl(R1, -8) - powl(R2, -8)) / 8)).epsilon(1e-8));
}

TEST_CASE("a tabulated profile sampled from the power law reproduces the power-law walk") {
  const auto t = nusi::tabulated_profile<double>::from_csv(data("power_law_r3.csv"));
  const nusi::power_law_profile<double> p;
  for (double R1_km : {15.0, 30.0, 12.5}) {
    CAPTURE(R1_km);
    const nusi::random_walk_region<double> region{nusi::km(R1_km), nusi::km(45.0)};
    const auto a = nusi::random_walk(t, region).summary(), b = nusi::random_walk(p, region).summary();
    // 1e-9: the interpolant is exact on a power law; the rest is quadrature tolerance.
    CHECK(a.scatterings.value == doctest::Approx(b.scatterings.value).epsilon(1e-9));
    CHECK(a.path_length_cm.value == doctest::Approx(b.path_length_cm.value).epsilon(1e-9));
    CHECK(a.neutrino_column_per_cm2.value == doctest::Approx(b.neutrino_column_per_cm2.value).epsilon(1e-9));
  }
}

// Not float: <sigma_nuN> ~ 3e-41 cm^2 lies below FLT_MIN = 1.2e-38 (subnormal, few significant bits), so
// cross sections in cm^2 cannot be carried in float; every cm^2 quantity of nusi needs double or wider.
TEST_CASE_TEMPLATE("the power-law closed form holds in double and long double", Real, double, long double) {
  const long double r0 = 15e5L, R1 = 15e5L, R2 = 45e5L;
  const long double a = 1e14L / m_u_g * averaged_sigma(30) * r0 * r0 * r0;
  const nusi::power_law_profile<Real> p;
  const nusi::random_walk walk(p, nusi::random_walk_region<Real>{});
  // eps^(2/3) is the quadrature's tolerance; x100 for the Fermi-Dirac integrals at root-epsilon.
  using std::cbrt;
  const double tol = 100 * double(cbrt(std::numeric_limits<Real>::epsilon()) * cbrt(std::numeric_limits<Real>::epsilon()));
  CHECK(double(walk.scatterings().value) == doctest::Approx(double(a * a * (powl(R1, -4) - powl(R2, -4)) / 4)).epsilon(tol));
  CHECK(double(walk.path_length_cm().value) == doctest::Approx(double(a * (1 / R1 - 1 / R2))).epsilon(tol));
}

TEST_CASE("the random walk rejects bad regions and profile values by name") {
  const nusi::power_law_profile<double> p;
  using region = nusi::random_walk_region<double>;
  CHECK_THROWS_WITH_AS(nusi::random_walk(p, region{4.5e6, 1.5e6}), doctest::Contains("region.R_min_cm"),
                       nusi::invalid_argument);
  CHECK_THROWS_WITH_AS(nusi::random_walk(p, region{3e6, 3e6}), doctest::Contains("region.R_min_cm"),
                       nusi::invalid_argument);
  CHECK_THROWS_WITH_AS(nusi::random_walk(p, region{0, 3e6}), doctest::Contains("region.R_min_cm"),
                       nusi::invalid_argument);
  CHECK_THROWS_WITH_AS(nusi::random_walk(p, region{}, nusi::neutral_current_nucleon_cross_section<double>{},
                                         nusi::random_walk_options<double>{.relative_tolerance = 0}),
                       doctest::Contains("options.relative_tolerance"), nusi::invalid_argument);
  CHECK_THROWS_WITH_AS(nusi::random_walk(p, region{}, nusi::neutral_current_nucleon_cross_section<double>{},
                                         nusi::random_walk_options<double>{.degeneracy = 100}),
                       doctest::Contains("options.degeneracy"), nusi::invalid_argument);
  const nusi::random_walk broken(broken_core{}, region{});  // fine at R_min = 15 km
  CHECK_THROWS_WITH_AS(broken.scatterings(), doctest::Contains("profile.nucleon_density_per_cm3(r_cm = "),
                       nusi::invalid_argument);
  CHECK_THROWS_WITH_AS(nusi::random_walk(nan_energy_core{}, region{}), doctest::Contains("profile.mean_energy_MeV"),
                       nusi::invalid_argument);
  const auto t = nusi::tabulated_profile<double>::from_csv(data("power_law_r3.csv"));  // 10-50 km
  CHECK_THROWS_WITH_AS(nusi::random_walk(t, region{1.5e6, 6e6}), doctest::Contains("region.R_max_cm"),
                       nusi::invalid_argument);
  CHECK_THROWS_WITH_AS(nusi::random_walk(t, region{0.5e6, 4e6}), doctest::Contains("region.R_min_cm"),
                       nusi::invalid_argument);
  CHECK_THROWS_WITH_AS(nusi::random_walk(p, region{}, power_cross_section{-1.0, 2.0}), doctest::Contains("sigma_nuN"),
                       nusi::invalid_argument);
}

TEST_CASE("the quadrature's work is bounded: too few intervals for a steep profile is a numerical_error") {
  const exponential_core p{1e37, 1.5e6, 1e3, 30.0, 1e35};
  const nusi::random_walk walk(p, nusi::random_walk_region<double>{}, nusi::neutral_current_nucleon_cross_section<double>{},
                               nusi::random_walk_options<double>{.max_intervals = 3});
  CHECK_THROWS_WITH_AS(walk.scatterings(), doctest::Contains("did not reach"), nusi::numerical_error);
}

}  // namespace nusi_test_random_walk
