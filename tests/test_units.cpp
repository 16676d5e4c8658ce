// SPDX-License-Identifier: MIT
// units.hpp: every constant is checked against an independent definition (exact SI and IAU values,
// PDG's (hbar c)^2), and every conversion against its inverse or its definition.
#include <doctest/doctest.h>

#include <cmath>
#include <limits>

#include <boost/math/constants/constants.hpp>

#include <nusi/units.hpp>

#include "test_support.hpp"

namespace nusi_test_units {  // this file's own: the suite compiles in batches of files (tests/CMakeLists.txt)

namespace {
using nusi_test::relative_error;  // doctest::Approx is absolute below 1 and holds only a double
constexpr long double pi_ld = boost::math::constants::pi<long double>();
// Exact SI (2019) defining constants.
constexpr long double planck_J_s = 6.62607015e-34L;
constexpr long double elementary_charge_C = 1.602176634e-19L;
constexpr long double light_m_per_s = 299792458.0L;
}  // namespace

TEST_CASE("hbar*c agrees with h c / (2 pi e) from the exact SI constants to its 10 quoted digits") {
  const long double hbar_c_eV_m = planck_J_s * light_m_per_s / (2 * pi_ld) / elementary_charge_C;
  const long double hbar_c_MeV_fm = hbar_c_eV_m * 1e-6L * 1e15L;
  // CODATA lists the exact 197.326 980 459 3... truncated to 197.326 980 4: one unit of the 10th
  // digit, 5.1e-10, at most (here 3.0e-10).
  CHECK(relative_error(nusi::hbar_c_MeV_fm<double>, double(hbar_c_MeV_fm)) <= 5.1e-10);
  // The cm value is the fm value times 1e-13 (one rounding each).
  CHECK(relative_error(nusi::hbar_c_MeV_cm<double>, nusi::hbar_c_MeV_fm<double> * 1e-13) <= 4e-16);
}

TEST_CASE("(hbar c)^2 is PDG's 0.3893793721 GeV^2 mb, i.e. 3.893793721e-22 MeV^2 cm^2") {
  // 1 GeV^2 mb = 1e6 MeV^2 * 1e-27 cm^2; PDG quotes 10 digits, the square of a 10-digit hbar*c
  // carries 2 x 2.3e-10 of rounding: agreement to 1e-9.
  CHECK(relative_error(nusi::hbar_c_squared_MeV2_cm2<double>, 0.3893793721e-21) <= 1e-9);
  CHECK(relative_error(nusi::hbar_c_squared_MeV2_cm2<double>, nusi::hbar_c_MeV_cm<double> * nusi::hbar_c_MeV_cm<double>) <= 4e-16);
}

TEST_CASE("1 kpc is 1000 IAU parsecs, pc = au * 648000 / pi with au = 149597870700 m exactly") {
  const long double pc_cm = 149597870700.0L * 100 * 648000 / pi_ld;
  // long double evaluation of the definition, compared at double rounding.
  CHECK(relative_error(nusi::kpc_cm<double>, double(1000 * pc_cm)) <= 4e-16);
  CHECK(relative_error(nusi::kpc(50.0), 50 * double(1000 * pc_cm)) <= 4e-16);
}

TEST_CASE("speed of light, km, eV, keV, GeV and erg follow from their SI definitions") {
  CHECK(nusi::speed_of_light_cm_per_s<double> == double(light_m_per_s * 100));  // exact in double
  CHECK(nusi::km(15.0) == 1.5e6);                                                // exact in double
  // Decimal prefixes: one rounding of the decimal factor, so 1 ulp-level agreement.
  CHECK(relative_error(nusi::eV(0.05), 5e-8) <= 4e-16);
  CHECK(relative_error(nusi::keV(1.0), 1e-3) <= 4e-16);
  CHECK(nusi::GeV(1.0) == 1e3);
  // 1 erg = 1e-7 J and 1 MeV = 1e6 e J.
  CHECK(relative_error(nusi::erg_MeV<double>, double(1e-7L / (1e6L * elementary_charge_C))) <= 4e-16);
}

TEST_CASE("1/m_u in g^-1 is Avogadro's number to the 3.5e-10 by which M_u differs from 1 g/mol") {
  const double avogadro = 6.02214076e23;  // exact (SI 2019)
  // M_u = N_A m_u = 0.99999999965(30) g/mol (CODATA 2018): agreement to 1e-9.
  CHECK(relative_error(nusi::nucleon_density_per_cm3(1.0), avogadro) <= 1e-9);
  CHECK(relative_error(nusi::nucleon_density_per_cm3(1e14), 1e14 * avogadro) <= 1e-9);
}

TEST_CASE("the spec's sigma_nuN = 2.5e-44 cm^2 (E/MeV)^2 follows from G_F, g_A and (hbar c)^2") {
  const double gA = nusi::axial_coupling_gA<double>, GF = nusi::fermi_constant_per_MeV2<double>;
  const double sigma_per_MeV2 = (1 + 3 * gA * gA) / 4 * GF * GF / boost::math::constants::pi<double>();
  // The spec rounds to two digits (2.46 -> 2.5): 2% tolerance.
  CHECK(relative_error(nusi::per_MeV2_to_cm2(sigma_per_MeV2), 2.5e-44) <= 0.02);
}

TEST_CASE_TEMPLATE("cross-section and density conversions invert each other", T, float, double, long double) {
  const T eps = std::numeric_limits<T>::epsilon();
  for (T sigma : {T(1e-40), T(3.7e-25), T(1)}) {
    CAPTURE(sigma);
    // Two multiplications by the same constant and its reciprocal: 4 eps.
    CHECK(relative_error(nusi::per_MeV2_to_cm2(nusi::cm2_to_per_MeV2(sigma)), sigma) <= 4 * eps);
  }
  // 1 MeV^3 = (hbar c)^-3 cm^-3 = 1.3e32 cm^-3; three roundings of hbar*c plus the division.
  const T hc = nusi::hbar_c_MeV_cm<T>;
  CHECK(relative_error(nusi::MeV3_to_per_cm3(T(1)), T(1) / (hc * hc * hc)) <= 8 * eps);
  CHECK(relative_error(nusi::MeV3_to_per_cm3(1.0), 1.3014e32) <= 1e-4);  // 4-digit literal
}

}  // namespace nusi_test_units
