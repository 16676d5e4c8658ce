// SPDX-License-Identifier: MIT
// Radial profiles (profiles.hpp): closed forms of the power law and the Fermi-Dirac density, the
// tabulated profile against the power law it samples, monotone interpolation, and every rejection.
#include <doctest/doctest.h>

#include <cmath>
#include <string>
#include <vector>

#include <boost/math/constants/constants.hpp>

#include <nusi/profiles.hpp>

namespace nusi_test_profiles {  // this file's own: the suite compiles in batches of files (tests/CMakeLists.txt)

namespace {
const double zeta3 = 1.2020569031595942854;
const double pi = boost::math::constants::pi<double>();
// <E>/T at eta = 0 from the zeta-function closed form, independent of the quadrature in spectra.hpp.
const double energy_per_T = 7 * pi * pi * pi * pi / (180 * zeta3);
// Six-species Fermi-Dirac density at eta = 0 [cm^-3]: 6 * 3 zeta(3)/(4 pi^2) T^3 / (hbar c)^3.
double six_species_density(double T_MeV) {
  const double hbar_c_cm = 197.3269804e-13;
  return 6 * 3 * zeta3 / (4 * pi * pi) * T_MeV * T_MeV * T_MeV / (hbar_c_cm * hbar_c_cm * hbar_c_cm);
}
std::string data(const std::string& name) { return std::string(NUSI_TEST_DATA_DIR) + "/" + name; }
}  // namespace

TEST_CASE("the power-law profile has rho(15 km) = 1e14 g/cm^3 and falls as r^-3") {
  const nusi::power_law_profile<double> p;
  const double n15 = 1e14 / 1.66053906660e-24;  // n_N = rho / m_u (CODATA 2018 m_u)
  // 1e-14: one multiplication and one pow of exact ratios.
  CHECK(p.nucleon_density_per_cm3(nusi::km(15.0)) == doctest::Approx(n15).epsilon(1e-14));
  CHECK(p.nucleon_density_per_cm3(nusi::km(30.0)) == doctest::Approx(n15 / 8).epsilon(1e-14));
  CHECK(p.nucleon_density_per_cm3(nusi::km(45.0)) == doctest::Approx(n15 / 27).epsilon(1e-14));
}

TEST_CASE("the fermi_dirac preset is the six-species Fermi-Dirac density at T = <E>/3.1514") {
  for (double E : {15.0, 30.0, 42.0}) {
    CAPTURE(E);
    const nusi::power_law_profile<double> p(nusi::power_law_parameters<double>{.mean_energy_MeV = E});
    // 1e-9: the Fermi-Dirac integrals come from exp-sinh quadrature at root-epsilon tolerance.
    CHECK(p.temperature_MeV() == doctest::Approx(E / energy_per_T).epsilon(1e-9));
    CHECK(p.neutrino_density_per_cm3(nusi::km(20.0)) ==
          doctest::Approx(six_species_density(E / energy_per_T)).epsilon(1e-9));
    CHECK(p.mean_energy_MeV(nusi::km(44.0)) == E);
  }
  // The paper's rounded 3.15 differs from 7 pi^4/(180 zeta(3)) = 3.1514 in the fourth digit.
  CHECK(energy_per_T == doctest::Approx(3.1514).epsilon(1e-4));
}

TEST_CASE("the paper_quoted preset is 1e38 cm^-3 whatever the temperature") {
  for (double E : {10.0, 30.0}) {
    const nusi::power_law_profile<double> p(nusi::power_law_parameters<double>{
        .mean_energy_MeV = E, .neutrinos = {.preset = nusi::neutrino_density_preset::paper_quoted}});
    CHECK(p.neutrino_density_per_cm3(nusi::km(15.0)) == 1e38);
  }
  CHECK(nusi::preset_name(nusi::neutrino_density_preset::paper_quoted) == "paper_quoted");
}

TEST_CASE("the constant profile is uniform and shares the power law's neutrino gas") {
  const nusi::constant_profile<double> c(nusi::constant_parameters<double>{.density_g_per_cm3 = 2e13, .mean_energy_MeV = 20});
  const nusi::power_law_profile<double> p(nusi::power_law_parameters<double>{
      .reference_density_g_per_cm3 = 2e13, .power_index = 0, .mean_energy_MeV = 20});
  for (double r_km : {1.0, 15.0, 100.0}) {
    CAPTURE(r_km);
    CHECK(c.nucleon_density_per_cm3(nusi::km(r_km)) == doctest::Approx(2e13 / 1.66053906660e-24).epsilon(1e-14));
    CHECK(c.neutrino_density_per_cm3(nusi::km(r_km)) == p.neutrino_density_per_cm3(nusi::km(r_km)));
    CHECK(c.mean_energy_MeV(nusi::km(r_km)) == 20);
  }
}

TEST_CASE("thermal_neutrino_gas gives <E>/T = 7 pi^4/(180 zeta(3)) and T^3 scaling at eta = 0") {
  const nusi::thermal_neutrino_gas<double> gas;
  // 1e-10: exp-sinh Fermi-Dirac integrals at root-epsilon tolerance converge far below it.
  CHECK(gas.mean_energy_per_temperature() == doctest::Approx(energy_per_T).epsilon(1e-10));
  CHECK(gas.density_per_cm3(5.0) == doctest::Approx(six_species_density(5.0)).epsilon(1e-10));
  const nusi::thermal_neutrino_gas<double> one(nusi::neutrino_density_model<double>{.species = 1});
  CHECK(one.density_per_cm3(5.0) == doctest::Approx(six_species_density(5.0) / 6).epsilon(1e-10));
}

TEST_CASE("a tabulated profile sampled from the power law reproduces it between the nodes") {
  const auto t = nusi::tabulated_profile<double>::from_csv(data("power_law_r3.csv"));
  const nusi::power_law_profile<double> p;
  CHECK(t.min_radius_cm() == nusi::km(10.0));
  CHECK(t.max_radius_cm() == nusi::km(50.0));
  for (double r_km = 10.0; r_km <= 50.0; r_km += 0.37) {
    CAPTURE(r_km);
    const double r = nusi::km(r_km);
    // 1e-12: the monotone cubic reproduces linear data (a power law in log-log) exactly; what is
    // left is rounding in log/exp and the file's 17 digits.
    CHECK(t.nucleon_density_per_cm3(r) == doctest::Approx(p.nucleon_density_per_cm3(r)).epsilon(1e-12));
    CHECK(t.mean_energy_MeV(r) == doctest::Approx(30.0).epsilon(1e-12));
    CHECK(t.neutrino_density_per_cm3(r) == doctest::Approx(p.neutrino_density_per_cm3(r)).epsilon(1e-12));
  }
}

TEST_CASE("tabulated interpolation is monotone: no overshoot between monotone nodes") {
  // A step-like density: a cubic spline would ring around the jump; the Fritsch-Butland cubic stays
  // within the neighbouring node values and never increases.
  const std::vector<double> r = {1e6, 2e6, 3e6, 3.1e6, 4e6, 6e6};
  const std::vector<double> rho = {1e14, 9.9e13, 9.8e13, 1e11, 9.9e10, 9.8e10};
  const std::vector<double> T = {10, 10, 9, 5, 5, 4};
  const nusi::tabulated_profile<double> t(r, rho, T);
  double previous = t.nucleon_density_per_cm3(r.front());
  for (double x = r.front(); x <= r.back(); x += 1e3) {
    CAPTURE(x);
    const double n = t.nucleon_density_per_cm3(x);
    CHECK(n <= previous * (1 + 1e-14));  // 1e-14: rounding of exp(log) between equal values
    previous = n;
  }
  // Node values are hit exactly (to rounding of log/exp).
  for (std::size_t i = 0; i < r.size(); ++i)
    CHECK(t.nucleon_density_per_cm3(r[i]) == doctest::Approx(nusi::nucleon_density_per_cm3(rho[i])).epsilon(1e-13));
}

TEST_CASE("a tabulated profile of two rows is a single power law") {
  const nusi::tabulated_profile<double> two({1e6, 2e6}, {8e13, 1e13}, {10, 10});
  // Two nodes: a single power law n ~ r^-3 (8x over a factor 2 in r); 1e-13 for log/exp rounding.
  CHECK(two.nucleon_density_per_cm3(std::sqrt(2.0) * 1e6) ==
        doctest::Approx(nusi::nucleon_density_per_cm3(8e13) / std::pow(2.0, 1.5)).epsilon(1e-13));
}

TEST_CASE("tabulated profiles reject bad files and columns, naming the file and line") {
  using nusi::tabulated_profile;
  CHECK_THROWS_WITH_AS(tabulated_profile<double>::from_csv(data("no_such_file.csv")),
                       doctest::Contains("cannot open profile file"), nusi::invalid_argument);
  CHECK_THROWS_WITH_AS(tabulated_profile<double>::from_csv(data("malformed_profile.csv")),
                       doctest::Contains("malformed_profile.csv:4: expected 3 comma-separated numbers"),
                       nusi::invalid_argument);
  CHECK_THROWS_WITH_AS(tabulated_profile<double>::from_csv(data("nonmonotone_profile.csv")),
                       doctest::Contains("nonmonotone_profile.csv:4: radius_km must increase strictly"),
                       nusi::invalid_argument);
  CHECK_THROWS_WITH_AS(tabulated_profile<double>::from_csv(data("negative_density_profile.csv")),
                       doctest::Contains("negative_density_profile.csv:3: density_g_per_cm3 must be finite and > 0"),
                       nusi::invalid_argument);
  CHECK_THROWS_WITH_AS(tabulated_profile<double>::from_csv(data("non_numeric_profile.csv")),
                       doctest::Contains("non_numeric_profile.csv:3: density_g_per_cm3 is not a number"),
                       nusi::invalid_argument);
  CHECK_THROWS_WITH_AS(tabulated_profile<double>({1e6}, {1e14}, {10}), doctest::Contains("radius_cm.size()"),
                       nusi::invalid_argument);
  CHECK_THROWS_WITH_AS(tabulated_profile<double>({1e6, 2e6}, {1e14}, {10, 10}),
                       doctest::Contains("density_g_per_cm3.size()"), nusi::invalid_argument);
  CHECK_THROWS_WITH_AS(tabulated_profile<double>({1e6, 2e6}, {1e14, 1e13}, {10, 0}),
                       doctest::Contains("temperature_MeV[1]"), nusi::invalid_argument);
  CHECK_THROWS_WITH_AS(tabulated_profile<double>({2e6, 1e6}, {1e14, 1e13}, {10, 10}),
                       doctest::Contains("radius_cm[1]"), nusi::invalid_argument);
  const tabulated_profile<double> t({1e6, 2e6}, {1e14, 1e13}, {10, 10});
  CHECK_THROWS_WITH_AS(t.nucleon_density_per_cm3(3e6), doctest::Contains("r_cm"), nusi::invalid_argument);
  CHECK_THROWS_WITH_AS(t.mean_energy_MeV(0.5e6), doctest::Contains("r_cm"), nusi::invalid_argument);
}

TEST_CASE("power-law and constant profiles reject bad parameters by name") {
  using P = nusi::power_law_parameters<double>;
  CHECK_THROWS_WITH_AS(nusi::power_law_profile<double>(P{.reference_density_g_per_cm3 = -1e14}),
                       doctest::Contains("reference_density_g_per_cm3"), nusi::invalid_argument);
  CHECK_THROWS_WITH_AS(nusi::power_law_profile<double>(P{.reference_radius_cm = 0}),
                       doctest::Contains("reference_radius_cm"), nusi::invalid_argument);
  CHECK_THROWS_WITH_AS(nusi::power_law_profile<double>(P{.power_index = NAN}), doctest::Contains("power_index"),
                       nusi::invalid_argument);
  CHECK_THROWS_WITH_AS(nusi::power_law_profile<double>(P{.mean_energy_MeV = 0}), doctest::Contains("mean_energy_MeV"),
                       nusi::invalid_argument);
  CHECK_THROWS_WITH_AS(nusi::power_law_profile<double>(P{.neutrinos = {.species = -6}}),
                       doctest::Contains("neutrinos.species"), nusi::invalid_argument);
  CHECK_THROWS_WITH_AS(nusi::power_law_profile<double>(P{.neutrinos = {.degeneracy = 1e3}}),
                       doctest::Contains("neutrinos.degeneracy"), nusi::invalid_argument);
  CHECK_THROWS_WITH_AS(
      nusi::power_law_profile<double>(P{.neutrinos = {.preset = nusi::neutrino_density_preset::paper_quoted,
                                                      .paper_quoted_density_per_cm3 = -1}}),
      doctest::Contains("paper_quoted_density_per_cm3"), nusi::invalid_argument);
  CHECK_THROWS_WITH_AS(nusi::constant_profile<double>(nusi::constant_parameters<double>{.density_g_per_cm3 = -1}),
                       doctest::Contains("density_g_per_cm3"), nusi::invalid_argument);
  const nusi::power_law_profile<double> p;
  CHECK_THROWS_WITH_AS(p.nucleon_density_per_cm3(-1.0), doctest::Contains("r_cm"), nusi::invalid_argument);
}

}  // namespace nusi_test_profiles
