// SPDX-License-Identifier: MIT
// The core bound (core_bound.hpp): the closed form of g_core for the power-law core, g^8 scaling, the
// flat-then-linear shape in M, the two cases and presets, the Fig. 2 map, user profiles, rejections.
#include <doctest/doctest.h>

#include <cmath>
#include <string>
#include <utility>

#include <boost/math/constants/constants.hpp>

#include <nusi/core_bound.hpp>

#include "test_support.hpp"

namespace nusi_test_core_bound {  // this file's own: the suite compiles in batches of files (tests/CMakeLists.txt)

namespace {
using nusi_test::rel;
using namespace nusi_test::reference;  // zeta3, zeta5, pi, hbar_c_cm, m_u_g, energy_per_T, sigma_coefficient

using nusi::core_case;
using nusi::neutrino_density_preset;
const std::pair<core_case, neutrino_density_preset> all_cases[] = {
    {core_case::default_case, neutrino_density_preset::fermi_dirac},
    {core_case::conservative, neutrino_density_preset::fermi_dirac},
    {core_case::default_case, neutrino_density_preset::paper_quoted},
    {core_case::conservative, neutrino_density_preset::paper_quoted}};

// log10 g_core below the knee from the closed form (PHYSICS-SPEC defaults, power law anchored at 15 km):
// N_2to4(g = 1) = kappa^4 (hbar c)^2 / E_cm^2 * n_nu * a (1/R1 - 1/R2), a = n_N(15 km) <sigma_nuN> (15 km)^3.
long double closed_form_log10_bound(long double R1, long double E, neutrino_density_preset preset) {
  const long double T = E / energy_per_T, r0 = 15e5L, R2 = 45e5L;
  const long double sigma = sigma_coefficient * 15 * zeta5 / zeta3 * T * T;
  const long double d = 1e14L / m_u_g * sigma * r0 * r0 * r0 * (1 / R1 - 1 / R2);
  const long double n_nu = preset == neutrino_density_preset::fermi_dirac
                               ? 6 * 3 * zeta3 / (4 * pi * pi) * T * T * T / (hbar_c_cm * hbar_c_cm * hbar_c_cm)
                               : 1e38L;
  const long double E_cm = 2 * E, kappa = 1e-2L;
  const long double N = powl(kappa, 4) * hbar_c_cm * hbar_c_cm / (E_cm * E_cm) * n_nu * d;
  return -log10l(N) / 8;
}

// A user's profile: <E> falls as 1/r (so sigma_2to4(2<E>) varies with radius), n_N ~ r^-3.
struct cooling_core {
  double nucleon_density_per_cm3(double r) const { return 6e37 * std::pow(1.5e6 / r, 3); }
  double mean_energy_MeV(double r) const { return 30 * 1.5e6 / r; }
  double neutrino_density_per_cm3(double) const { return 1e38; }
};
}  // namespace

TEST_CASE("below the knee g_core equals its closed form for both presets and both cases") {
  for (auto [c, preset] : all_cases) {
    CAPTURE(nusi::case_name(c));
    CAPTURE(nusi::preset_name(preset));
    const auto in = nusi::core_inputs<double>::paper_case(c, preset);
    const auto b = nusi::core_bound(1.0, in);
    // 1e-10 in log10 g: quadrature and Fermi-Dirac integrals at <= 1e-9 relative, divided by 8 ln 10.
    CHECK(b.log10_coupling_bound ==
          doctest::Approx(double(closed_form_log10_bound(in.R_min_cm, in.mean_energy_MeV, preset))).epsilon(1e-10));
    // N_2to4 = 1 at the bound: g^8 N(1) = 1.
    CHECK(std::pow(b.coupling_bound(), 8) * b.N_2to4_at_g1.value == doctest::Approx(1.0).epsilon(1e-12));
  }
}

TEST_CASE("N_2to4 scales as g^8 at every mass") {
  const auto in = nusi::core_inputs<double>{};
  const auto walk = in.walk();
  for (double M : {1.0, 60.0, 500.0}) {
    const double N1 = walk.N_2to4(in.sigma_2to4_at_unit_coupling(M)).value;
    for (double g : {0.3, 0.01}) {
      CAPTURE(M);
      CAPTURE(g);
      const nusi::two_to_four_cross_section<double> s{nusi::mediator<double>{.mass_MeV = M, .coupling = g}};
      // 1e-12 relative: the same quadrature nodes; only the prefactor g^8 differs (rounding of pow).
      // (N reaches 7e-13 at M = 500 MeV, g = 0.01: an absolute tolerance would accept anything.)
      CHECK(walk.N_2to4(s).value == rel(std::pow(g, 8) * N1, 1e-12));
    }
  }
}

TEST_CASE("g_core is flat in M below E_cm = 2<E> and rises with slope exactly 1 above it") {
  // Eq. (3): sigma = kappa^4 g^8/E_cm^2 for M <= E_cm, independent of M: flat. Eq. (2): sigma =
  // kappa^4 g^8 E_cm^6/M^8 = (E_cm/M)^8 times Eq. (3): N(1, M) = N_flat (E_cm/M)^8, so
  // g_core = g_flat M/E_cm, slope d log g/d log M = 8/8 = 1, continuous at M = E_cm.
  for (auto [c, preset] : all_cases) {
    CAPTURE(nusi::case_name(c));
    CAPTURE(nusi::preset_name(preset));
    const auto in = nusi::core_inputs<double>::paper_case(c, preset);
    const double E_cm = 2 * in.mean_energy_MeV;
    const double flat = nusi::core_bound(1e-3, in).log10_coupling_bound;
    for (double M : {0.1, 1.0, 10.0, 0.999 * E_cm, E_cm}) {
      CAPTURE(M);
      // 1e-13: identical integrals; only rounding differs.
      CHECK(nusi::core_bound(M, in).log10_coupling_bound == doctest::Approx(flat).epsilon(1e-13));
    }
    for (double M : {1.001 * E_cm, 100.0, 1e3, 1e4, 1e5}) {
      CAPTURE(M);
      // 1e-12 absolute in log10: pow of exact ratios.
      CHECK(nusi::core_bound(M, in).log10_coupling_bound ==
            doctest::Approx(flat + std::log10(M / E_cm)).epsilon(1e-12));
    }
    const double lo = nusi::core_bound(1e3, in).log10_coupling_bound, hi = nusi::core_bound(1e4, in).log10_coupling_bound;
    CHECK(hi - lo == doctest::Approx(1.0).epsilon(1e-12));  // one decade in M, one in g
  }
}

TEST_CASE("E_cm = sqrt(<s>) = sqrt(2)<E> (isotropic gas) moves the knee to 42 MeV and the flat bound by -log10(2)/8") {
  // sigma_2to4 ~ E_cm^-2 above M: E_cm smaller by sqrt(2) doubles N_2to4 and lowers g by log10(2)/8 = 0.0376;
  // below M, sigma ~ E_cm^6: N smaller by 8, g higher by 3 log10(2)/8.
  for (auto [c, preset] : all_cases) {
    CAPTURE(nusi::case_name(c));
    auto paper = nusi::core_inputs<double>::paper_case(c, preset);
    auto iso = paper;
    iso.E_cm_convention = nusi::centre_of_mass_convention::isotropic_mean_s;
    const double knee = std::sqrt(2.0) * iso.mean_energy_MeV;
    const auto b = nusi::core_bound(1.0, iso);
    CHECK(b.E_cm_at_R_min_MeV() == doctest::Approx(knee).epsilon(1e-15));
    CHECK(nusi::core_bound(1.0, paper).E_cm_at_R_min_MeV() == doctest::Approx(2 * paper.mean_energy_MeV).epsilon(1e-15));
    const double flat_paper = nusi::core_bound(1.0, paper).log10_coupling_bound;
    // 1e-12: the same integral, the ratio of two pow() results.
    CHECK(b.log10_coupling_bound - flat_paper == doctest::Approx(-std::log10(2.0) / 8).epsilon(1e-12));
    const double M = 1e4;  // far above both knees
    CHECK(nusi::core_bound(M, iso).log10_coupling_bound - nusi::core_bound(M, paper).log10_coupling_bound ==
          doctest::Approx(3 * std::log10(2.0) / 8).epsilon(1e-12));
    CHECK(nusi::core_bound(M, iso).log10_coupling_bound == doctest::Approx(b.log10_coupling_bound + std::log10(M / knee)).epsilon(1e-12));
    // The map follows the same convention.
    const auto map = nusi::core_map(nusi::core_map_grid<double>{.log10_mass_MeV_min = 0, .log10_mass_MeV_max = 4, .mass_points = 2,
                                                                .coupling_points = 2},
                                    iso);
    CHECK(map.log10_coupling_bound[0] == doctest::Approx(b.log10_coupling_bound).epsilon(1e-12));
    CHECK(map.log10_coupling_bound[1] == doctest::Approx(nusi::core_bound(M, iso).log10_coupling_bound).epsilon(1e-12));
    // So do the overloads on make_core_walk's walk (the tool's path): the knee at sqrt(2)<E>, the same flat bound.
    const auto walk = nusi::make_core_walk(iso);
    const auto through_walk = nusi::core_bound(walk, 1.0, iso);
    CHECK(through_walk.E_cm_at_R_min_MeV() == doctest::Approx(knee).epsilon(1e-15));
    CHECK(through_walk.log10_coupling_bound - flat_paper == doctest::Approx(-std::log10(2.0) / 8).epsilon(1e-12));
    const auto walk_map = nusi::core_map(walk, nusi::core_map_grid<double>{.log10_mass_MeV_min = 0, .log10_mass_MeV_max = 4,
                                                                          .mass_points = 2, .coupling_points = 2},
                                         iso);
    CHECK(walk_map.log10_coupling_bound[1] == doctest::Approx(nusi::core_bound(M, iso).log10_coupling_bound).epsilon(1e-12));
  }
  CHECK_THROWS_WITH_AS(nusi::centre_of_mass_energy_MeV(30.0, static_cast<nusi::centre_of_mass_convention>(3)),
                       doctest::Contains("convention"), nusi::invalid_argument);
}

TEST_CASE("the conservative case is weaker than the default at every mass, for both presets") {
  // The power law is anchored at 15 km in both cases: starting at 30 km meets 8x fewer nucleons, and
  // <E> = 15 MeV lowers <sigma_nuN> 4x and, for fermi_dirac, n_nu 8x. Below both knees sigma_2to4 ~
  // 1/E_cm^2 rises 4x, which does not compensate (see docs/validation.md for the numbers).
  for (auto preset : {neutrino_density_preset::fermi_dirac, neutrino_density_preset::paper_quoted}) {
    CAPTURE(nusi::preset_name(preset));
    const auto def = nusi::core_inputs<double>::paper_case(core_case::default_case, preset);
    const auto con = nusi::core_inputs<double>::paper_case(core_case::conservative, preset);
    for (double M : {0.1, 10.0, 45.0, 100.0, 1e3, 1e5}) {
      CAPTURE(M);
      CHECK(nusi::core_bound(M, con).log10_coupling_bound > nusi::core_bound(M, def).log10_coupling_bound);
    }
  }
}

TEST_CASE("the paper_quoted default case lands at the paper's 10^-1.8 and reaches g = sqrt(4 pi) near 15 GeV") {
  // External check against the paper's quoted numbers (not an output of this code): within 0.05 in
  // log10 g and a factor 1.5 in mass, the precision of "10^-1.8" and "15 GeV".
  const auto in = nusi::core_inputs<double>::paper_case(core_case::default_case, neutrino_density_preset::paper_quoted);
  const double flat = nusi::core_bound(1.0, in).log10_coupling_bound;
  CHECK(flat == doctest::Approx(nusi::paper_log10_core_bound<double>).epsilon(0.05 / 1.8));
  const double M_perturbative = 2 * in.mean_energy_MeV * std::sqrt(4 * double(pi)) / std::pow(10.0, flat);
  CHECK(M_perturbative > 15e3 / 1.5);
  CHECK(M_perturbative < 15e3 * 1.5);
}

TEST_CASE("the Fig. 2 map costs one radial integral and agrees with g_core mass by mass") {
  const nusi::core_map_grid<double> grid{.mass_points = 61, .coupling_points = 41};
  for (auto [c, preset] : all_cases) {
    CAPTURE(nusi::case_name(c));
    const auto in = nusi::core_inputs<double>::paper_case(c, preset);
    const auto map = nusi::core_map(grid, in);
    int excluded = 0, allowed = 0;
    CHECK(map.radial_integrals == 1);
    REQUIRE(map.N_2to4.size() == 61 * 41);
    CHECK(map.log10_mass_MeV.front() == -1);
    CHECK(map.log10_mass_MeV.back() == 5);
    CHECK(map.log10_coupling.front() == -3);
    CHECK(map.log10_coupling.back() == 1);
    for (std::size_t i = 0; i < 61; i += 6) {
      const double M = std::pow(10.0, map.log10_mass_MeV[i]);
      CAPTURE(M);
      const double bound = nusi::core_bound(M, in).log10_coupling_bound;  // the N_2to4 integral, per mass
      // 1e-10 dex (absolute in log10 g, as Approx is below 1): one column integral times sigma vs the
      // integral of sigma, both at quadrature tolerance.
      CHECK(map.log10_coupling_bound[i] == doctest::Approx(bound).epsilon(1e-10));
      for (std::size_t j = 0; j < 41; ++j) {
        const double g = map.log10_coupling[j];
        // N = 1 contour: excluded (N > 1) above the bound, allowed below, N = 10^(8 (log g - bound));
        // 1e-9 dex, absolute in log10 N (a relative error of N).
        CHECK(std::log10(map.at(i, j)) == doctest::Approx(8 * (g - bound)).epsilon(1e-9));
        if (g > bound + 1e-9) {
          ++excluded;
          CHECK(map.at(i, j) > 1);
        }
        if (g < bound - 1e-9) {
          ++allowed;
          CHECK(map.at(i, j) < 1);
        }
      }
    }
    CHECK(excluded > 0);  // premise: both branches above ran
    CHECK(allowed > 0);
  }
}

TEST_CASE("a user's profile with radius-dependent <E> works with core_bound and core_map") {
  const nusi::random_walk walk(cooling_core{}, nusi::random_walk_region<double>{});
  const nusi::core_map_grid<double> grid{.mass_points = 25, .coupling_points = 5};
  const auto map = nusi::core_map(walk, grid);
  CHECK(map.radial_integrals == 1 + 25);  // <E> varies: one integral per mass
  for (std::size_t i = 0; i < 25; i += 4) {
    const double M = std::pow(10.0, map.log10_mass_MeV[i]);
    CAPTURE(M);
    const auto b = nusi::core_bound(walk, M);
    CHECK(map.log10_coupling_bound[i] == b.log10_coupling_bound);  // the same integral
  }
  // Below min E_cm = 2 * 10 MeV the bound is flat; above max E_cm = 60 MeV it rises with slope 1.
  const double flat = nusi::core_bound(walk, 1.0).log10_coupling_bound;
  CHECK(nusi::core_bound(walk, 19.0).log10_coupling_bound == doctest::Approx(flat).epsilon(1e-12));
  const double a = nusi::core_bound(walk, 100.0).log10_coupling_bound, c = nusi::core_bound(walk, 1000.0).log10_coupling_bound;
  CHECK(c - a == doctest::Approx(1.0).epsilon(1e-9));  // 1e-9: two quadratures at eps^(2/3)
  // Between the knees part of the region already has E_cm < M: the bound is weaker than flat.
  const double mid = nusi::core_bound(walk, 40.0).log10_coupling_bound;
  CHECK(mid > flat);
}

TEST_CASE("core_bound and core_map reject bad inputs by name") {
  CHECK_THROWS_WITH_AS(nusi::core_bound(0.0), doctest::Contains("mass_MeV"), nusi::invalid_argument);
  CHECK_THROWS_WITH_AS(nusi::core_bound(-1.0), doctest::Contains("mass_MeV"), nusi::invalid_argument);
  nusi::core_inputs<double> in;
  in.kappa = -1;
  CHECK_THROWS_WITH_AS(nusi::core_bound(1.0, in), doctest::Contains("kappa"), nusi::invalid_argument);
  in = {};
  in.R_min_cm = nusi::km(50.0);
  CHECK_THROWS_WITH_AS(nusi::core_bound(1.0, in), doctest::Contains("R_min_cm"), nusi::invalid_argument);
  in = {};
  in.reference_density_g_per_cm3 = -1e14;
  CHECK_THROWS_WITH_AS(nusi::core_bound(1.0, in), doctest::Contains("reference_density_g_per_cm3"),
                       nusi::invalid_argument);
  in = {};
  in.mean_energy_MeV = NAN;
  CHECK_THROWS_WITH_AS(nusi::core_bound(1.0, in), doctest::Contains("mean_energy_MeV"), nusi::invalid_argument);
  CHECK_THROWS_WITH_AS(nusi::core_map(nusi::core_map_grid<double>{.mass_points = 1}), doctest::Contains("grid.mass_points"),
                       nusi::invalid_argument);
  CHECK_THROWS_WITH_AS(nusi::core_map(nusi::core_map_grid<double>{.log10_coupling_min = 2}),
                       doctest::Contains("grid.log10_coupling_min"), nusi::invalid_argument);
}

TEST_CASE("make_core_walk reads a tabulated core that reproduces the power law it tabulates, for both presets") {
  // data/profiles/power_law_r3.csv tabulates the default power law (1e14 g/cm^3 (15 km/r)^3, <E> = 30 MeV).
  const std::string csv = std::string(NUSI_DATA_DIR) + "/profiles/power_law_r3.csv";
  for (auto preset : {neutrino_density_preset::fermi_dirac, neutrino_density_preset::paper_quoted}) {
    CAPTURE(nusi::preset_name(preset));
    const auto in = nusi::core_inputs<double>::paper_case(core_case::default_case, preset);
    const auto table = nusi::make_core_walk(in, csv), power_law = nusi::make_core_walk(in);
    CHECK(table.index() == 1);
    CHECK(power_law.index() == 0);
    for (double M : {1e-3, 1.0, 1e3}) {
      CAPTURE(M);
      const double a = nusi::core_bound(table, M, in).log10_coupling_bound;
      // The power-law walk through the variant is the direct one, bit for bit.
      CHECK(nusi::core_bound(power_law, M, in).log10_coupling_bound == nusi::core_bound(M, in).log10_coupling_bound);
      // 1e-9: the interpolant is exact on a power law; the rest is quadrature tolerance.
      CHECK(a == nusi_test::rel(nusi::core_bound(M, in).log10_coupling_bound, 1e-9));
    }
    const nusi::core_map_grid<double> grid{.mass_points = 5, .coupling_points = 3};
    const auto map = nusi::core_map(table, grid, in), direct = nusi::core_map(grid, in);
    for (std::size_t i = 0; i < grid.mass_points; ++i) CHECK(map.log10_coupling_bound[i] == nusi_test::rel(direct.log10_coupling_bound[i], 1e-9));
  }
  CHECK_THROWS_WITH_AS(nusi::make_core_walk(nusi::core_inputs<double>{}, "/nonexistent/profile.csv"),
                       doctest::Contains("/nonexistent/profile.csv"), nusi::invalid_argument);
}

}  // namespace nusi_test_core_bound
