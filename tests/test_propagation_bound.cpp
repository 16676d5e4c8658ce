// SPDX-License-Identifier: MIT
// The propagation bound g_prop(M) (include/nusi/propagation_bound.hpp, paper Sec. IV and Fig. 1):
// the root is where F = level, exact scalings of the bound, its shape in M, and rejections.
#include <cmath>

#include <doctest/doctest.h>

#include <nusi/propagation_bound.hpp>

#include "test_support.hpp"

namespace nusi_test_propagation_bound {  // this file's own: the suite compiles in batches of files (tests/CMakeLists.txt)

namespace {
const auto paper_spectrum = nusi::pinched_spectrum<double>::paper_default();
const double log10_2 = std::log10(2.0);
}  // namespace

TEST_CASE("at the bound F equals the exclusion level, and F is above it just below the bound") {
  const nusi::propagation_setup<double> s{};
  const auto p = nusi::propagation_bound(-3.5, s, paper_spectrum);
  REQUIRE(p.found);
  // |d log F / d log10 g| ~ 40 near the bound; a 1e-6 dex bracket gives F to ~1e-4 relative.
  CHECK(p.fraction_at_bound == doctest::Approx(s.exclusion_level).epsilon(1e-3).scale(0));
  auto below = s;
  below.med.mass_MeV = std::pow(10.0, -3.5);
  below.med.coupling = std::pow(10.0, p.log10_g_bound - 0.01);
  CHECK(nusi::fraction_above_threshold(below, paper_spectrum).value > s.exclusion_level);
  // The paper's Fig. 3 point (log10 M = -3.5, log10 g = -1.75) is excluded.
  CHECK(p.log10_g_bound < -1.75);
}

TEST_CASE("the bound moves by exactly log10(2)/4 for Dirac targets and log10(2) for D/16 where sigma ~ g^4") {
  // M = 1e-6 MeV, far below sqrt(s): F depends on n g^4 D only, so g_bound ~ (n D)^(-1/4).
  const nusi::propagation_setup<double> majorana{};
  auto dirac = majorana;
  dirac.relic.nature = nusi::neutrino_nature::dirac;
  auto near = majorana;
  near.distance_cm /= 16;
  const double g_m = nusi::propagation_bound(-6.0, majorana, paper_spectrum).log10_g_bound;
  const double g_d = nusi::propagation_bound(-6.0, dirac, paper_spectrum).log10_g_bound;
  const double g_n = nusi::propagation_bound(-6.0, near, paper_spectrum).log10_g_bound;
  // Each root is bracketed to 1e-6 dex.
  CHECK(g_d - g_m == doctest::Approx(log10_2 / 4).epsilon(3e-6 / (log10_2 / 4)).scale(0));
  CHECK(g_n - g_m == doctest::Approx(log10_2).epsilon(3e-6 / log10_2).scale(0));
}

TEST_CASE("relic presets: the same-mass-state counting moves the flat bound by log10(330/112.0)/4 = 0.117 dex") {
  // T_nu0 = (4/11)^(1/3) T_CMB = 1.9454 K; n per state = 3 zeta(3) T^3/(4 pi^2) by an independent route:
  // the Fermi-Dirac number density of spectra.hpp (quadrature of F_2) at that temperature.
  // k_B in MeV/K from its SI definition (1.380649e-23 J/K over e = 1.602176634e-19 C, in MeV).
  const double T_MeV = std::cbrt(4.0 / 11.0) * 2.72548 * (1.380649e-23 / 1.602176634e-19 * 1e-6);
  CHECK(nusi_test::relative_error(nusi::relic_neutrino_temperature_MeV<double>(), T_MeV) <= 1e-15);  // a few roundings
  const double n1 = nusi::fermi_dirac_spectrum<double>(T_MeV).number_density_per_cm3();
  CHECK(nusi::relic_density_per_state_per_cm3<double>() == doctest::Approx(n1).epsilon(1e-12));  // quadrature tolerance
  CHECK(n1 == doctest::Approx(56.0).epsilon(2e-3));  // the textbook 56 cm^-3 per state (two digits)
  const auto paper = nusi::relic_neutrinos<double>::paper();
  const auto derived = nusi::relic_neutrinos<double>::same_mass_state();
  CHECK(paper.target_density_per_cm3() == 330.0);
  CHECK(derived.target_density_per_cm3() == doctest::Approx(2 * n1).epsilon(1e-12));  // both helicities of one state
  auto derived_dirac = derived;
  derived_dirac.nature = nusi::neutrino_nature::dirac;
  CHECK(derived_dirac.target_density_per_cm3() == doctest::Approx(n1).epsilon(1e-12));
  // M = 1e-6 MeV: F depends on n g^4 D only, so g_bound ~ n^(-1/4). Roots bracketed to 1e-6 dex.
  nusi::propagation_setup<double> s{};
  const double g_paper = nusi::propagation_bound(-6.0, s, paper_spectrum).log10_g_bound;
  s.relic = derived;
  const double g_derived = nusi::propagation_bound(-6.0, s, paper_spectrum).log10_g_bound;
  const double expected = std::log10(330.0 / derived.target_density_per_cm3()) / 4;
  CHECK(g_derived - g_paper == doctest::Approx(expected).epsilon(3e-6 / expected).scale(0));
}

TEST_CASE("the bound is flat below the resonance masses, dips where E_res is in the spectrum, and g ~ M above") {
  const nusi::propagation_setup<double> s{};
  const auto flat7 = nusi::propagation_bound(-7.0, s, paper_spectrum).log10_g_bound;
  const auto flat5 = nusi::propagation_bound(-5.5, s, paper_spectrum).log10_g_bound;
  // sigma = g^4/(4 pi s)(1 + O(M^2/s)), M^2/s <= 2e-5 above threshold at M = 10^-5.5 MeV.
  CHECK(flat5 == doctest::Approx(flat7).epsilon(1e-4).scale(0));
  // E_res = M^2/(2 m_nu) between 5 and 50 MeV for log10 M in [-3.2, -2.7]: the bound is lower there.
  const auto curve = nusi::propagation_bound_curve(-3.2, -2.7, 0.1, s, paper_spectrum);
  REQUIRE(curve.size() == 6);
  double deepest = 0;
  for (const auto& p : curve) deepest = std::min(deepest, p.log10_g_bound);
  CHECK(deepest < flat7 - 0.02);
  // Far above: sigma = g^4 s/(4 pi M^4)(1 + O(s/M^2)), so g_bound ~ M: slope 1 up to s/M^2 ~ 1e-2.
  const auto hi1 = nusi::propagation_bound(-1.75, s, paper_spectrum).log10_g_bound;
  const auto hi2 = nusi::propagation_bound(-1.5, s, paper_spectrum).log10_g_bound;
  CHECK((hi2 - hi1) / 0.25 == doctest::Approx(1.0).epsilon(0.02));
}

TEST_CASE("the bound curve covers [from, to] in steps and reports a missing bound at the search edge") {
  const nusi::propagation_setup<double> s{};
  const auto c = nusi::propagation_bound_curve(-7.0, -6.0, 0.25, s, paper_spectrum);
  REQUIRE(c.size() == 5);
  CHECK(c.back().log10_mass_MeV == doctest::Approx(-6.0));
  nusi::propagation_bound_options<double> narrow{};
  narrow.log10_g_max = -3.0;  // below the bound: nothing excluded up to the top of the search
  const auto p = nusi::propagation_bound(-6.0, s, paper_spectrum, narrow);
  CHECK_FALSE(p.found);
  CHECK(p.log10_g_bound == -3.0);
  CHECK(p.fraction_at_bound > s.exclusion_level);
}

TEST_CASE("the bound rejects bad input") {
  using nusi::invalid_argument;
  nusi::propagation_setup<double> s{};
  s.exclusion_level = 1.5;
  CHECK_THROWS_WITH_AS(nusi::propagation_bound(-3.0, s, paper_spectrum), doctest::Contains("exclusion_level"),
                       invalid_argument);
  s = {};
  s.distance_cm = 0;
  CHECK_THROWS_WITH_AS(nusi::propagation_bound(-3.0, s, paper_spectrum), doctest::Contains("distance_cm"), invalid_argument);
  s = {};
  nusi::propagation_bound_options<double> o{};
  o.log10_g_min = 1.0;  // above log10_g_max
  CHECK_THROWS_WITH_AS(nusi::propagation_bound(-3.0, s, paper_spectrum, o), doctest::Contains("log10_g_min"),
                       invalid_argument);
  o = {};
  o.bracket_step_dex = 0;
  CHECK_THROWS_WITH_AS(nusi::propagation_bound(-3.0, s, paper_spectrum, o), doctest::Contains("bracket_step_dex"),
                       invalid_argument);
  CHECK_THROWS_WITH_AS(nusi::propagation_bound(std::nan(""), s, paper_spectrum), doctest::Contains("log10_mass_MeV"),
                       invalid_argument);
  CHECK_THROWS_WITH_AS(nusi::propagation_bound_curve(-1.0, -2.0, 0.1, s, paper_spectrum),
                       doctest::Contains("from_log10_mass_MeV"), invalid_argument);
  CHECK_THROWS_WITH_AS(nusi::propagation_bound_curve(-2.0, -1.0, 0.0, s, paper_spectrum), doctest::Contains("step_dex"),
                       invalid_argument);
}

TEST_CASE("the bound search tops out at the perturbative limit g = sqrt(4 pi)") {
  // Independently of the named constant: 4 pi in double, its square root, its log10 (a few ulps).
  const double top = std::log10(std::sqrt(4 * 3.14159265358979323846));
  CHECK(nusi::propagation_bound_options<double>{}.log10_g_max == nusi_test::rel(top, 1e-15));
}

}  // namespace nusi_test_propagation_bound
