// SPDX-License-Identifier: MIT
// The mass-state model's inputs (include/nusi/mass_states/masses_and_mixing.hpp, couplings.hpp, relic_background.hpp,
// target_energy_distribution.hpp, bin_averages.hpp): masses from the lightest mass or the sum, the PMNS matrix, couplings in the mass
// basis, the relic densities and the thermal target-energy distribution (and its restricted parts), against closed forms
// and independent sums.
#include <algorithm>
#include <array>
#include <cmath>
#include <complex>
#include <limits>
#include <numbers>
#include <vector>

#include <boost/math/quadrature/gauss_kronrod.hpp>
#include <boost/math/quadrature/tanh_sinh.hpp>
#include <doctest/doctest.h>

#include <nusi/mass_states/bin_averages.hpp>
#include <nusi/mass_states/couplings.hpp>
#include <nusi/mass_states/relic_background.hpp>
#include <nusi/mass_states/scattering.hpp>

#include "test_support.hpp"

namespace nusi_test_mass_states_model {  // this file's own: the suite compiles in batches of files (tests/CMakeLists.txt)

using nusi_test::rel;

TEST_CASE("masses follow from the lightest mass and the splittings for both orderings") {
  const auto no = nusi::nufit_5_2<double>(nusi::mass_ordering::normal);
  const auto io = nusi::nufit_5_2<double>(nusi::mass_ordering::inverted);
  const nusi::neutrino_spectrum<double> n{};
  // Lightest 0, normal: m2 = sqrt(dm21), m3 = sqrt(dm31); the sqrt is the only rounding.
  CHECK(n.mass_eV(0) == 0.0);
  CHECK(n.mass_eV(1) == rel(std::sqrt(no.delta_m2_21_eV2), 1e-15));
  CHECK(n.mass_eV(2) == rel(std::sqrt(no.abs_delta_m2_3l_eV2), 1e-15));
  CHECK(n.lightest_state() == 0);
  nusi::neutrino_spectrum_options<double> o;
  o.ordering = nusi::mass_ordering::inverted;
  o.lightest_mass_eV = 0.01;
  const nusi::neutrino_spectrum<double> i(o);
  // Inverted: m3 = L, m2^2 - m3^2 = |dm32|, m2^2 - m1^2 = dm21 (differences of squares: a few ulps of m2^2).
  CHECK(i.mass_eV(2) == 0.01);
  CHECK(i.mass_eV(1) * i.mass_eV(1) - i.mass_eV(2) * i.mass_eV(2) == rel(io.abs_delta_m2_3l_eV2, 1e-13));
  CHECK(i.mass_eV(1) * i.mass_eV(1) - i.mass_eV(0) * i.mass_eV(0) == rel(io.delta_m2_21_eV2, 1e-12));
  CHECK(i.lightest_state() == 2);
}

TEST_CASE("the lightest mass recovered from the sum of masses reproduces the sum, and the minimum sum is the ordering's") {
  for (auto ordering : {nusi::mass_ordering::normal, nusi::mass_ordering::inverted}) {
    for (double lightest : {0.0, 1e-4, 0.01, 0.1}) {
      CAPTURE(lightest);
      nusi::neutrino_spectrum_options<double> o;
      o.ordering = ordering;
      o.lightest_mass_eV = lightest;
      const nusi::neutrino_spectrum<double> a(o);
      o.sum_masses_eV = a.sum_masses_eV();
      const nusi::neutrino_spectrum<double> b(o);
      // TOMS 748 to ~8 ulps in the lightest mass; the sum then agrees to rounding.
      CHECK(b.sum_masses_eV() == rel(a.sum_masses_eV(), 1e-13));
      CHECK(std::abs(b.mass_eV(b.lightest_state()) - lightest) < 1e-13);
    }
  }
  // Minimum sums with NuFIT 5.2 (docs): sqrt(dm21) + sqrt(dm31) and sqrt(|dm32| - dm21) + sqrt(|dm32|).
  const auto no = nusi::nufit_5_2<double>(nusi::mass_ordering::normal);
  const auto io = nusi::nufit_5_2<double>(nusi::mass_ordering::inverted);
  CHECK(nusi::neutrino_spectrum<double>{}.minimum_sum_masses_eV() ==
        rel(std::sqrt(no.delta_m2_21_eV2) + std::sqrt(no.abs_delta_m2_3l_eV2), 1e-15));
  nusi::neutrino_spectrum_options<double> o;
  o.ordering = nusi::mass_ordering::inverted;
  CHECK(nusi::neutrino_spectrum<double>(o).minimum_sum_masses_eV() ==
        rel(std::sqrt(io.abs_delta_m2_3l_eV2 - io.delta_m2_21_eV2) + std::sqrt(io.abs_delta_m2_3l_eV2), 1e-15));
}

TEST_CASE("the PMNS matrix is unitary, has |U_e3|^2 = sin^2 theta13 and the Jarlskog invariant of the standard form") {
  for (auto ordering : {nusi::mass_ordering::normal, nusi::mass_ordering::inverted}) {
    nusi::neutrino_spectrum_options<double> o;
    o.ordering = ordering;
    const nusi::neutrino_spectrum<double> n(o);
    const auto p = n.mixing();
    for (std::size_t a = 0; a < 3; ++a)
      for (std::size_t b = 0; b < 3; ++b) {
        std::complex<double> row = 0, column = 0;
        for (std::size_t i = 0; i < 3; ++i) {
          row += n.pmns(nusi::flavour(a), i) * std::conj(n.pmns(nusi::flavour(b), i));
          column += n.pmns(nusi::flavour(i), a) * std::conj(n.pmns(nusi::flavour(i), b));
        }
        // Unitarity to a few ulps of 1.
        CHECK(std::abs(row - (a == b ? 1.0 : 0.0)) < 1e-15);
        CHECK(std::abs(column - (a == b ? 1.0 : 0.0)) < 1e-15);
      }
    const double deg = std::numbers::pi / 180;
    const double s12 = std::sin(p.theta12_deg * deg), c12 = std::cos(p.theta12_deg * deg);
    const double s13 = std::sin(p.theta13_deg * deg), c13 = std::cos(p.theta13_deg * deg);
    const double s23 = std::sin(p.theta23_deg * deg), c23 = std::cos(p.theta23_deg * deg);
    CHECK(n.mixing_probability(nusi::flavour::e, 2) == rel(s13 * s13, 1e-15));
    // J = Im(U_e1 U_mu2 U*_e2 U*_mu1) = c12 s12 c23 s23 c13^2 s13 sin(delta) (PDG); cancellation ~1e-15 of |U|^4.
    const auto U = [&](int a, int i) { return n.pmns(nusi::flavour(a), std::size_t(i)); };
    const double J = std::imag(U(0, 0) * U(1, 1) * std::conj(U(0, 1)) * std::conj(U(1, 0)));
    CHECK(std::abs(J - c12 * s12 * c23 * s23 * c13 * c13 * s13 * std::sin(p.delta_cp_deg * deg)) < 1e-15);
  }
}

TEST_CASE("bad spectrum inputs are rejected by name with their value") {
  nusi::neutrino_spectrum_options<double> o;
  o.sum_masses_eV = 0.05;  // below the normal ordering's 0.0587 eV
  CHECK_THROWS_WITH_AS(nusi::neutrino_spectrum<double>{o}, doctest::Contains("sum_masses_eV"), nusi::invalid_argument);
  CHECK_THROWS_WITH_AS(nusi::neutrino_spectrum<double>{o}, doctest::Contains("normal ordering"), nusi::invalid_argument);
  o.ordering = nusi::mass_ordering::inverted;
  o.sum_masses_eV = 0.09;  // below the inverted ordering's 0.0989 eV, above the normal one's
  CHECK_THROWS_WITH_AS(nusi::neutrino_spectrum<double>{o}, doctest::Contains("inverted ordering"), nusi::invalid_argument);
  nusi::neutrino_spectrum_options<double> neg;
  neg.lightest_mass_eV = -0.01;
  CHECK_THROWS_WITH_AS(nusi::neutrino_spectrum<double>{neg}, doctest::Contains("lightest_mass_eV"), nusi::invalid_argument);
  nusi::neutrino_spectrum_options<double> angle;
  auto p = nusi::nufit_5_2<double>(nusi::mass_ordering::normal);
  p.theta23_deg = 95;
  angle.mixing = p;
  CHECK_THROWS_WITH_AS(nusi::neutrino_spectrum<double>{angle}, doctest::Contains("theta23_deg"), nusi::invalid_argument);
  p = nusi::nufit_5_2<double>(nusi::mass_ordering::normal);
  p.delta_cp_deg = -1;
  angle.mixing = p;
  CHECK_THROWS_WITH_AS(nusi::neutrino_spectrum<double>{angle}, doctest::Contains("delta_cp_deg"), nusi::invalid_argument);
  p = nusi::nufit_5_2<double>(nusi::mass_ordering::normal);
  p.delta_m2_21_eV2 = 0;
  angle.mixing = p;
  CHECK_THROWS_WITH_AS(nusi::neutrino_spectrum<double>{angle}, doctest::Contains("delta_m2_21_eV2"), nusi::invalid_argument);
}

TEST_CASE("coupling patterns: symmetric matrices only, and the universal pattern stays diagonal in the mass basis") {
  auto pattern = nusi::flavour_coupling_pattern<double>::universal();
  pattern.entries[0][2] = 0.3;  // e-tau without tau-e
  CHECK_THROWS_WITH_AS(pattern.validate("test"), doctest::Contains("entries[e][tau]"), nusi::invalid_argument);
  CHECK_THROWS_WITH_AS(pattern.validate("test"), doctest::Contains("symmetric"), nusi::invalid_argument);
  CHECK_THROWS_WITH_AS(nusi::flavour_coupling_pattern<double>{}.validate("test"), doctest::Contains("not all zero"),
                       nusi::invalid_argument);
  const nusi::neutrino_spectrum<double> n{};
  const auto G = nusi::mass_basis_couplings(nusi::flavour_coupling_pattern<double>::universal(), n, 0.1);
  for (std::size_t i = 0; i < 3; ++i)
    for (std::size_t j = 0; j < 3; ++j) CHECK(std::abs(G[i][j] - (i == j ? 0.1 : 0.0)) < 1e-16);  // U^dagger U = 1
  // One flavour: G_ij = g U*_{tau i} U_{tau j}, rank one, Hermitian; |G_ij|^2 = g^2 |U_tau i|^2 |U_tau j|^2.
  const auto T = nusi::mass_basis_couplings(nusi::flavour_coupling_pattern<double>::single(nusi::flavour::tau), n, 0.1);
  for (std::size_t i = 0; i < 3; ++i)
    for (std::size_t j = 0; j < 3; ++j) {
      CHECK(std::abs(T[i][j] - std::conj(T[j][i])) < 1e-17);
      CHECK(std::norm(T[i][j]) == rel(0.01 * n.mixing_probability(nusi::flavour::tau, i) *
                                          n.mixing_probability(nusi::flavour::tau, j), 1e-14));
    }
}

TEST_CASE("coupling conventions: one channel's width is g^2 M/(4 pi) in the paper's, and the Lagrangian ones as nuSIprop") {
  const double M = 2e-3, g = 0.05, pi = std::numbers::pi;
  nusi::neutrino_spectrum_options<double> o;
  o.mixing = nusi::mixing_parameters<double>{0, 0, 0, 0, 7.41e-5, 2.507e-3};  // U = 1
  const nusi::neutrino_spectrum<double> n(o);
  const auto one = nusi::flavour_coupling_pattern<double>::single(nusi::flavour::e);
  for (auto nature : {nusi::neutrino_nature::majorana, nusi::neutrino_nature::dirac})
    for (auto kind : {nusi::mediator_kind::scalar, nusi::mediator_kind::vector}) {
      const double gp = nusi::lagrangian_coupling(g, nusi::coupling_convention::paper, nature, kind);
      const auto Gp = nusi::mass_basis_couplings(one, n, gp);
      CHECK(nusi::mediator_total_width_MeV(M, Gp, nature, kind) == rel(g * g * M / (4 * pi), 1e-15));
      const auto Gl = nusi::mass_basis_couplings(one, n, g);
      const double denominator = kind == nusi::mediator_kind::vector ? 24 : (nature == nusi::neutrino_nature::majorana ? 16 : 8);
      CHECK(nusi::mediator_total_width_MeV(M, Gl, nature, kind) == rel(g * g * M / (denominator * pi), 1e-15));
    }
  // The universal pattern opens three channels: three times one channel's width.
  const auto Gu = nusi::mass_basis_couplings(nusi::flavour_coupling_pattern<double>::universal(), n, g);
  CHECK(nusi::mediator_total_width_MeV(M, Gu, nusi::neutrino_nature::majorana, nusi::mediator_kind::scalar) ==
        rel(3 * g * g * M / (16 * pi), 1e-15));
}

TEST_CASE("relic background: T_nu0 = (4/11)^(1/3) T_CMB, 56 per cm^3 per helicity = 3/22 of the CMB photons") {
  const nusi::neutrino_spectrum<double> n{};
  const nusi::relic_background<double> b({}, n, nusi::neutrino_nature::majorana);
  CHECK(b.temperature_K() == rel(std::cbrt(4.0 / 11.0) * 2.72548, 1e-15));
  // Photons: n_gamma = 2 zeta(3) T^3/pi^2 (two helicities, bosons); a fermion helicity carries 3/4 of a boson's
  // and (T_nu/T)^3 = 4/11: n = (3/4)(4/11) n_gamma/2 = (3/22) n_gamma. kT/(hbar c) from CODATA values.
  const double kT_per_cm = 2.72548 * 8.617333262e-5 / 1.973269804e-5;  // [cm^-1]
  const double n_gamma = 2 * 1.2020569031595943 * std::pow(kT_per_cm, 3) / (std::numbers::pi * std::numbers::pi);
  CHECK(b.density_per_helicity_per_cm3() == rel(3.0 / 22.0 * n_gamma, 1e-9));
  CHECK(b.density_per_helicity_per_cm3() == doctest::Approx(56.0).epsilon(1e-3));  // the textbook 56 cm^-3
  // Majorana: one population of both helicities; Dirac: neutrinos and antineutrinos of one helicity each.
  const auto m = b.targets(0);
  REQUIRE(m.size() == 1);
  CHECK(m[0].density_per_cm3 == 2 * b.density_per_helicity_per_cm3());
  const nusi::relic_background<double> d({}, n, nusi::neutrino_nature::dirac);
  const auto dt = d.targets(1);
  REQUIRE(dt.size() == 2);
  CHECK(dt[0].kind == nusi::relic_target_kind::neutrino);
  CHECK(dt[1].kind == nusi::relic_target_kind::antineutrino);
  CHECK(dt[0].density_per_cm3 + dt[1].density_per_cm3 == m[0].density_per_cm3);
}

TEST_CASE("a state is at rest iff its rms momentum is within the chosen fraction of its mass: massless states are thermal") {
  nusi::neutrino_spectrum_options<double> o;
  o.lightest_mass_eV = 0.0;
  const nusi::neutrino_spectrum<double> n(o);
  nusi::relic_background_options<double> r;
  CHECK(r.kinematics == nusi::relic_kinematics::thermal);  // the default: every state thermally averaged
  r.kinematics = nusi::relic_kinematics::automatic;
  const nusi::relic_background<double> b(r, n, nusi::neutrino_nature::majorana);
  // <p^2> = T^2 F_4(0)/F_2(0) = T^2 (45 zeta(5)/2)/(3 zeta(3)/2): sqrt = 3.5970 T.
  CHECK(b.rms_momentum_MeV() == rel(b.temperature_MeV() * std::sqrt(15 * 1.0369277551433699 / 1.2020569031595943), 1e-10));
  for (std::size_t i = 0; i < 3; ++i) {
    CAPTURE(i);
    CHECK(b.at_rest(i) == (b.mass_MeV(i) > 0 && b.rms_momentum_MeV() <= r.at_rest_max_momentum_ratio * b.mass_MeV(i)));
  }
  CHECK_FALSE(b.at_rest(0));  // massless
  // p_rms/m = 0.070 (m2 = 8.6 meV) and 0.012 (m3 = 50 meV): a ratio of 0.05 puts state 3 at rest and keeps state 2 moving.
  r.at_rest_max_momentum_ratio = 0.05;
  const nusi::relic_background<double> switched(r, n, nusi::neutrino_nature::majorana);
  CHECK_FALSE(switched.at_rest(0));
  CHECK_FALSE(switched.at_rest(1));
  CHECK(switched.at_rest(2));
  CHECK(switched.distribution(1).mean_MeV() > 0);
  CHECK_THROWS_WITH_AS(switched.distribution(2), doctest::Contains("thermal state"), nusi::invalid_argument);
  r.kinematics = nusi::relic_kinematics::at_rest;
  CHECK_THROWS_WITH_AS(nusi::relic_background<double>(r, n, nusi::neutrino_nature::majorana),
                       doctest::Contains("kinematics"), nusi::invalid_argument);
  r.kinematics = nusi::relic_kinematics::thermal;
  const nusi::relic_background<double> t(r, n, nusi::neutrino_nature::majorana);
  for (std::size_t i = 0; i < 3; ++i) CHECK_FALSE(t.at_rest(i));
}

TEST_CASE("the target-energy distribution is normalised, has the closed-form mean at m = 0 and m + 5<p^2>/(6m) for m >> T") {
  const double T = nusi::eV(1.6764e-4);
  const nusi::target_energy_distribution<double> massless(0.0, T);
  // Quadrature rule: unit weight to 1e-9 (6-point Gauss on doubling intervals of a smooth integrand).
  CHECK(std::abs(massless.normalisation_error()) < 1e-9);
  // <x> = 8 T int u^2 ln(1 + e^-u) du/(3 zeta(3)) = 8 T (7 pi^4/360)/(3 zeta(3)).
  const double pi4 = std::pow(std::numbers::pi, 4);
  CHECK(massless.mean_MeV() == rel(8 * T * (7 * pi4 / 360) / (3 * 1.2020569031595943), 1e-9));
  // <x^2> = (2T)^2 3! eta(5)/eta(3) (x = 2T u, rho ~ u ln(1 + e^-u), int u^n ln(1 + e^-u) du = n! eta(n + 2)).
  const double eta3 = 0.75 * 1.2020569031595943, eta5 = 15 * 1.0369277551433699 / 16;
  const double second = 24 * T * T * eta5 / eta3, mean = massless.mean_MeV();
  CHECK(massless.standard_deviation_MeV() == rel(std::sqrt(second - mean * mean), 5e-8));  // the rule, ~1e-9, x ~3 by the difference
  // Heavy: <x> = <E_2 (1 - v cos)> flux-weighted = m + <p^2>/(2m) + <p^2>/(3m) + O(T^4/m^3).
  const double m = nusi::eV(1.0);
  const nusi::target_energy_distribution<double> heavy(m, T);
  const double p2 = T * T * 15 * 1.0369277551433699 / 1.2020569031595943;
  CHECK((heavy.mean_MeV() - m) == rel(5 * p2 / (6 * m), 1e-3));  // O(T^2/m^2) ~ 1e-7 corrections, rule ~1e-9
  // x - m = -p cos + O(p^2/m), flux-weighted (weight 1 - v cos): the variance <p^2>/3 + O(T^4/m^2).
  CHECK(heavy.standard_deviation_MeV() == rel(std::sqrt(p2 / 3), 1e-3));
}

TEST_CASE("averaging over the target-energy distribution equals the direct average over relic momenta and angles") {
  // Rate factor <sigma(s) (1 - v cos theta)> over f(p) p^2 dp d(cos)/2, with s = m^2 + 2E(E_2 - p cos), computed by
  // 2D Gauss-Kronrod: an independent route to int rho(x) sigma(m^2 + 2 E x) dx. sigma: smooth, s/(s + c)^2.
  const double T = nusi::eV(1.6764e-4), E = 10.0;
  for (double m_eV : {0.0, 1e-4, 0.05}) {
    CAPTURE(m_eV);
    const double m = nusi::eV(m_eV), c = 2 * E * nusi::eV(3e-4);
    auto sigma = [&](double s) { return s / ((s + c) * (s + c)); };
    const nusi::target_energy_distribution<double> d(m, T);
    double via_x = 0;
    for (const auto& node : d.nodes()) via_x += node.weight * sigma(m * m + 2 * E * node.x_MeV);
    using GK = boost::math::quadrature::gauss_kronrod<double, 31>;
    auto over_angle = [&](double p) {
      const double E2 = std::sqrt(p * p + m * m);
      return GK::integrate([&](double ct) { return sigma(m * m + 2 * E * (E2 - p * ct)) * (E2 - p * ct) / E2 / 2; }, -1.0, 1.0, 5, 1e-12);
    };
    auto weight = [&](double p) { return p * p / (std::exp(p / T) + 1); };
    const double norm = GK::integrate(weight, 0.0, 80 * T, 15, 1e-14);
    const double direct = GK::integrate([&](double p) { return weight(p) * over_angle(p); }, 0.0, 80 * T, 10, 1e-12) / norm;
    CHECK(via_x == rel(direct, 2e-8));  // the rule's accuracy (~1e-9) and the W table's interpolation (<1e-7 locally)
  }
}

TEST_CASE("the pole moments' closed form equals the antiderivatives in long double, across the core and beside it") {
  // <v^k/(v^2 + g^2)> over [v1, v2]: int = (atan(v2/g) - atan(v1/g))/g, ln((v2^2 + g^2)/(v1^2 + g^2))/2, dv - g^2 I0,
  // evaluated in long double at the double v's the library forms (M^2 = 1: v = s - 1 exactly). The cases span the core
  // (g^2 + v1 v2 < 0, the arctangent past pi/2), lie beside it within a width (> 0), with the log ratio near 1 (log1p)
  // and far from 1. The long double reference loses at most ~12 of its 64 bits to the arctangents' cancellation here.
  struct interval {
    double v1, v2, g;
  };
  const interval cases[] = {{-1e-3, 2e-3, 1e-6}, {-0.5, 0.1, 1e-4}, {-2e-6, 1e-3, 1e-6}, {2e-4, 1e-3, 1e-6},
                            {1e-3, 2.5e-3, 1e-3}, {-3e-3, -1e-3, 1e-3}, {-1e-3, 1.2e-3, 1e-3}, {-1e-2, 1e-2, 3e-2}};
  for (const auto& c : cases) {
    CAPTURE(c.v1);
    CAPTURE(c.v2);
    const nusi::resonance_pole<double> pole{1.0, c.g};
    const double s1 = 1 + c.v1, s2 = 1 + c.v2;
    const long double v1 = pole.v(s1), v2 = pole.v(s2), g = c.g, dv = v2 - v1;
    REQUIRE(std::min(std::abs(s1 - 1), std::abs(s2 - 1)) <= s2 - s1);  // the closed form's domain (within a width)
    const long double I0 = (std::atan(v2 / g) - std::atan(v1 / g)) / g;
    const long double I1 = std::log((v2 * v2 + g * g) / (v1 * v1 + g * g)) / 2;
    const long double I2 = dv - g * g * I0;
    const auto J = pole.moments(s1, s2);
    // A few roundings of the closed form (the pole's v from s: exact here) against a reference good to ~1e-16.
    CHECK(J[0] == rel(double(I0 / dv), 1e-14));
    CHECK(std::abs(J[1] - double(I1 / dv)) <= 1e-14 * double(std::abs(I1 / dv) + g * I0 / dv));  // I1 may pass 0
    CHECK(J[2] == rel(double(I2 / dv), 1e-14));
  }
}

TEST_CASE("far below the pole the resonant prefactors lose relative digits as M^2/s but stay within eps/M^2 absolutely") {
  // P(s)/D(s) averaged over a bin from the pole moments <v^k/(v^2 + gamma^2)>: with v -> -1 (s << M^2) s/(32 pi) comes
  // from q0 J0 + q1 J1 = c M^2 (J0 + J1) = c M^2 <(1 + v)/(...)>, which cancels to eps M^2/s of itself. The error stays
  // below a few eps c/M^2 in absolute terms, the size of the prefactor at s ~ M^2 times eps (docs/validation.md, "Far
  // below the pole"). Reference: P(s)/D(s) from its coefficients in long double, midpoint rule on the smooth bin.
  const double m = 0.05e-6, E_lo = 9.8, E_hi = 10.2;  // a 0.05 eV relic at rest, a 10 MeV bin
  for (double M : {0.1, 1.0, 10.0, 1e3, 1e4}) {
    CAPTURE(M);
    const double g = 1, M2 = M * M, MGamma = M2 * g * g / (4 * std::numbers::pi);
    const double s1 = m * m + 2 * E_lo * m, s2 = m * m + 2 * E_hi * m;
    const nusi::resonance_pole<double> pole{M2, MGamma};
    for (auto b : {nusi::scattering_basis::s_ss, nusi::scattering_basis::s_st_re}) {
      CAPTURE(int(b));
      const auto c = nusi::detail::resonant_numerator<double>(b, m * m, M2, MGamma);
      const double average = nusi::resonant_prefactor<double>{c, pole}.average(s1, s2);
      long double reference = 0;
      const int n = 2000;
      for (int k = 0; k < n; ++k) {
        const long double s = s1 + (s2 - s1) * (k + 0.5L) / n;
        reference += (c[0] + s * (c[1] + s * c[2])) / ((s - M2) * (s - M2) + (long double)MGamma * MGamma) / n;
      }
      const double scale = (std::abs(c[0]) + std::abs(c[1]) * M2 + std::abs(c[2]) * M2 * M2) / (M2 * M2);  // P/D at s ~ M^2
      CHECK(std::abs(average - double(reference)) <= 8 * std::numeric_limits<double>::epsilon() * scale);
      if (s2 / M2 >= 1e-6) CHECK(average == rel(double(reference), 1e-9));  // where the rates can matter: digits kept
    }
  }
}

TEST_CASE("thermal pole moments at any width: the narrow-line limit is pi/gamma times the box over rho") {
  // As gamma -> 0 the bin average of 1/(v^2 + gamma^2) over s in [m^2 + 2 E_lo x, m^2 + 2 E_hi x] is pi/(gamma dv(x))
  // for x in the box [x1, x2] where that range holds the pole, dv = 2 (E_hi - E_lo) x/M^2, and O(1/|v|) wings besides
  // whose integrals over rho do not depend on gamma (the 1/|v| wings on both sides of a box edge cancel to
  // O(gamma ln gamma)): <J0> = pi B/gamma + R. So two widths give B = (J0(a) - J0(b))/(pi (1/a - 1/b)) whatever R, and
  // <J2> = 1 - gamma^2 <I0/dv> -> 1. Checked where the box lies in rho's far tail (P ~ 60 T: at tiny widths the 1/gamma
  // box outweighs the rest, and rho's truncation there once broke the quadrature's convergence), around the cusp
  // x = m, and for a massless state.
  const double T = nusi::eV(1.6764e-4);
  struct bin_case {
    double m_eV, M2_MeV2, E_lo_MeV;
  };
  const bin_case cases[] = {{8.608e-3, 1e-7, 16.458}, {0.05, 2 * 10 * nusi::eV(0.05) * 1.01, 10.0}, {0.0, 1e-7, 16.458}};
  using GK = boost::math::quadrature::gauss_kronrod<double, 31>;
  for (const auto& c : cases) {
    CAPTURE(c.m_eV);
    const double m = nusi::eV(c.m_eV), E_lo = c.E_lo_MeV, E_hi = 1.025 * E_lo;
    const nusi::target_energy_distribution<double> rho(m, T);
    const double x1 = (c.M2_MeV2 - m * m) / (2 * E_hi), x2 = (c.M2_MeV2 - m * m) / (2 * E_lo);
    // The box over rho by adaptive Gauss-Kronrod, split at rho's kinks (its lower support end and the cusp at m).
    std::vector<double> cuts{std::max(x1, rho.min_x_MeV()), x2};
    if (m > cuts[0] && m < x2) cuts.insert(cuts.begin() + 1, m);
    double box = 0;
    for (std::size_t k = 0; k + 1 < cuts.size(); ++k)
      box += GK::integrate([&](double x) { return rho.density_per_MeV(x) * c.M2_MeV2 / (2 * (E_hi - E_lo) * x); }, cuts[k],
                           cuts[k + 1], 12, 1e-12);
    REQUIRE(box > 0);
    auto J0 = [&](double gamma) {
      const nusi::resonance_pole<double> pole{c.M2_MeV2, gamma * c.M2_MeV2};
      const auto J = nusi::thermal_pole_moments(pole, rho, E_lo, E_hi);  // throws if its quadrature does not converge
      CHECK(J[2] == rel(1.0, 1e-7));  // the tanh-sinh's 1e-8 of its L1 norm
      return J[0];
    };
    const double widths[] = {1e-16, 1e-24, 1e-32};
    for (std::size_t i = 0; i + 1 < 3; ++i) {
      const double a = widths[i], b = widths[i + 1];
      CAPTURE(a);
      // Each J0 to 1e-8 of its L1 norm (pi B/gamma + |R|); the difference keeps that relative to the larger one.
      CHECK((J0(a) - J0(b)) / (std::numbers::pi * (1 / a - 1 / b)) == rel(box, 1e-7));
    }
  }
}

TEST_CASE("thermal pole moments against Boost's tanh-sinh: within 2e-8 of the whole integral's L1 norm") {
  // The tanh-sinh refines each piece until its last two levels agree to 1e-8 of the larger of its own L1 norm and the
  // whole's per piece, so pieces holding a small share of the whole stop early; the whole must still be within 2e-8 of
  // its L1 norm. A second computation of the same integrals, int rho(x) J_k(x) dx (J_k the closed-form box averages), by
  // Boost's tanh-sinh to 1e-13 on the same pieces (agreeing with its 1e-10 run to 2e-9 of the norm), at gamma = 1e-4,
  // for bins across the whole range of energies whose boxes meet rho (the pole in rho's far tails, at its bulk, near
  // the cusp x = m) and beyond it, where the box misses rho and the distribution's rule takes the closed-form bin averages (its former
  // 2-point Gauss in E missed this bound by up to 30 times in the 1.3-wide bins near the support's ends).
  const double T = nusi::eV(1.6764e-4);
  boost::math::quadrature::tanh_sinh<double> reference_rule;
  for (const double m_eV : {0.0, 8.608e-3}) {
    const double m = nusi::eV(m_eV), M2 = m * m + 1e-7;
    const nusi::target_energy_distribution<double> rho(m, T);
    const nusi::resonance_pole<double> pole{M2, 1e-4 * M2};
    const double lift = M2 - m * m;
    // E_lo from the box at the top of rho's support to its bottom (x2 = lift/(2 E_lo) from max_x down past min_x).
    const double E_first = lift / (2 * rho.max_x_MeV()), E_last = lift / (2 * std::max(rho.min_x_MeV(), 1e-3 * T));
    for (int i = -3; i < 16; ++i) {  // i < 0 and i >= 12: the box outside rho's support (the smooth branch)
      for (const double ratio : {1.025, 1.3}) {
        const double E_lo = E_first * std::pow(E_last / E_first, i / 12.0), E_hi = ratio * E_lo;
        CAPTURE(m_eV);
        CAPTURE(E_lo);
        CAPTURE(ratio);
        std::vector<double> cuts{rho.min_x_MeV(), rho.max_x_MeV()};
        for (const double c : {lift / (2 * E_hi), lift / (2 * E_lo), m})
          if (c > rho.min_x_MeV() && c < rho.max_x_MeV()) cuts.push_back(c);
        std::sort(cuts.begin(), cuts.end());
        std::array<double, 3> reference{};
        double norm = 0, reference_spread = 0;
        for (int k = 0; k < 3; ++k)
          for (std::size_t p = 0; p + 1 < cuts.size(); ++p) {
            if (!(cuts[p + 1] > cuts[p])) continue;
            auto f = [&](double x) { return rho.density_per_MeV(x) * pole.moments(m * m + 2 * E_lo * x, m * m + 2 * E_hi * x)[k]; };
            double L1 = 0;
            const double fine = reference_rule.integrate(f, cuts[p], cuts[p + 1], 1e-13, nullptr, &L1);
            reference[k] += fine;
            reference_spread += std::abs(fine - reference_rule.integrate(f, cuts[p], cuts[p + 1], 1e-10));
            norm += L1;
          }
        REQUIRE(norm > 0);
        REQUIRE(reference_spread <= 2e-9 * norm);  // the reference converged ten times beyond the bound checked
        const auto J = nusi::thermal_pole_moments(pole, rho, E_lo, E_hi);
        for (int k = 0; k < 3; ++k) CHECK(std::abs(J[k] - reference[k]) <= 2e-8 * norm);
      }
    }
  }
}

TEST_CASE("restricted parts of the target-energy distribution sum to the whole: shares, means, averages, pole moments") {
  const double T = nusi::eV(1.6764e-4), E = 10.0;
  for (double m_eV : {0.0, 8.6e-3, 0.05}) {
    CAPTURE(m_eV);
    const double m = nusi::eV(m_eV);
    const nusi::target_energy_distribution<double> whole(m, T);
    const auto edges = whole.equal_probability_edges_MeV(5);
    REQUIRE(edges.size() == 6);
    CHECK(edges.front() == whole.min_x_MeV());
    CHECK(edges.back() == whole.max_x_MeV());
    // A smooth cross section (as in the test above) and a resonance whose box [x1, x2] lies inside the support.
    auto sigma = [&](double s) { return s / ((s + 2 * E * nusi::eV(3e-4)) * (s + 2 * E * nusi::eV(3e-4))); };
    const nusi::resonance_pole<double> pole{m * m + 2 * E * whole.mean_MeV(), 1e-9 * (m * m + 2 * E * whole.mean_MeV())};
    double share = 0, first = 0, smooth = 0, smooth_whole = 0;
    std::array<double, 3> J{};
    for (const auto& node : whole.nodes()) smooth_whole += node.weight * sigma(m * m + 2 * E * node.x_MeV);
    for (std::size_t c = 0; c + 1 < edges.size(); ++c) {
      const auto part = whole.restricted(edges[c], edges[c + 1]);
      CHECK(part.probability() == doctest::Approx(0.2).epsilon(0.15));  // about equal shares (quantiles between fine nodes)
      CHECK(part.density_per_MeV(0.5 * (edges[c] + edges[c + 1])) > 0);
      if (c > 0) CHECK(part.density_per_MeV(0.5 * (edges[c - 1] + edges[c])) == 0.0);  // nothing outside its window
      CHECK(part.mean_MeV() >= edges[c]);
      CHECK(part.mean_MeV() <= edges[c + 1]);
      double rule = 0;
      for (const auto& node : part.gauss_nodes(6)) rule += node.weight;
      CHECK(rule == rel(part.probability(), 1e-12));  // the ln x rule carries the part's share
      share += part.probability();
      first += part.probability() * part.mean_MeV();
      for (const auto& node : part.nodes()) smooth += node.weight * sigma(m * m + 2 * E * node.x_MeV);
      const auto Jc = nusi::thermal_pole_moments(pole, part, 0.99 * E, 1.01 * E);
      for (int k = 0; k < 3; ++k) J[k] += Jc[k];
    }
    // Each part's rule integrates its window to ~1e-9 (6-point Gauss on the cut intervals of a smooth integrand).
    CHECK(share == rel(1.0, 1e-8));
    CHECK(first == rel(whole.mean_MeV(), 1e-8));
    CHECK(smooth == rel(smooth_whole, 1e-8));
    const auto Jw = nusi::thermal_pole_moments(pole, whole, 0.99 * E, 1.01 * E);
    // The tanh-sinh converges to 1e-8 of the L1 norm of the three moments per piece (J0 ~ pi B/gamma dominates it; the
    // dispersive J1 is a small difference of wings, good to that norm only).
    const double norm = std::abs(Jw[0]) + std::abs(Jw[1]) + std::abs(Jw[2]);
    for (int k = 0; k < 3; ++k) CHECK(std::abs(J[k] - Jw[k]) <= 1e-7 * norm);
  }
}

TEST_CASE("the x-weighted thermal pole moments of a narrow line give the box's mean target energy") {
  // In the narrow-line limit <J0> = pi B/gamma + R with B = int_box rho(x) M^2/(2 dE x) dx (test above); with the extra
  // weight x, B_x = int_box rho(x) M^2/(2 dE) dx. Two widths remove R: the resonant collisions' mean target energy
  // (J0x(a) - J0x(b))/(J0(a) - J0(b)) = B_x/B = int_box rho dx / int_box rho/x dx, by adaptive Gauss-Kronrod.
  const double T = nusi::eV(1.6764e-4);
  using GK = boost::math::quadrature::gauss_kronrod<double, 31>;
  struct bin_case {
    double m_eV, M2_MeV2, E_lo_MeV;
  };
  // A massless state (the box at x ~ 18 T) and a heavy one whose box straddles the cusp x = m.
  const bin_case cases[] = {{0.0, 1e-7, 16.458}, {0.05, 2 * 10 * nusi::eV(0.05) * 1.01, 10.0}};
  for (const auto& c : cases) {
    CAPTURE(c.m_eV);
    const double m = nusi::eV(c.m_eV), E_lo = c.E_lo_MeV, E_hi = 1.025 * E_lo, M2 = c.M2_MeV2;
    const nusi::target_energy_distribution<double> rho(m, T);
    const double x1 = (M2 - m * m) / (2 * E_hi), x2 = (M2 - m * m) / (2 * E_lo);
    std::vector<double> cuts{std::max(x1, rho.min_x_MeV()), x2};
    if (m > cuts[0] && m < x2) cuts.insert(cuts.begin() + 1, m);
    double number = 0, inverse = 0;
    for (std::size_t k = 0; k + 1 < cuts.size(); ++k) {
      number += GK::integrate([&](double x) { return rho.density_per_MeV(x); }, cuts[k], cuts[k + 1], 12, 1e-12);
      inverse += GK::integrate([&](double x) { return rho.density_per_MeV(x) / x; }, cuts[k], cuts[k + 1], 12, 1e-12);
    }
    auto moments = [&](double gamma, bool times_x) {
      const nusi::resonance_pole<double> pole{M2, gamma * M2};
      return times_x ? nusi::thermal_pole_moments_times_x(pole, rho, E_lo, E_hi)[0] : nusi::thermal_pole_moments(pole, rho, E_lo, E_hi)[0];
    };
    const double a = 1e-16, b = 1e-24;
    const double mean_x = (moments(a, true) - moments(b, true)) / (moments(a, false) - moments(b, false));
    CHECK(mean_x > x1);
    CHECK(mean_x < x2);
    CHECK(mean_x == rel(number / inverse, 1e-7));
  }
}

}  // namespace nusi_test_mass_states_model
