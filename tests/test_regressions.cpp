// SPDX-License-Identifier: MIT
// Regressions: each case is an input that once crashed, returned NaN or tripped a sanitizer, found by
// the fuzzers (tests/fuzz; the input is also in the committed corpus) or the sanitizer build.
#include <doctest/doctest.h>

#include <cmath>
#include <fstream>
#include <iterator>
#include <limits>
#include <sstream>
#include <string>

#include <nusi/profiles.hpp>

namespace {
std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}
nusi::tabulated_profile<double> profile_from_text(const std::string& text) {
  std::istringstream in(text);
  return nusi::tabulated_profile<double>::from_csv(in, "text.csv");
}
}  // namespace

TEST_CASE("from_csv reads a stream exactly as it reads the same text from its file") {
  const std::string path = std::string(NUSI_DATA_DIR) + "/profiles/power_law_r3.csv";
  const auto from_file = nusi::tabulated_profile<double>::from_csv(path);
  const auto from_text = profile_from_text(read_file(path));
  REQUIRE(from_text.breakpoints_cm() == from_file.breakpoints_cm());
  const auto& r = from_file.breakpoints_cm();
  for (std::size_t i = 0; i + 1 < r.size(); ++i) {
    const double mid = 0.5 * (r[i] + r[i + 1]);
    CAPTURE(mid);
    // Same parser, same arithmetic: bitwise equal.
    CHECK(from_text.nucleon_density_per_cm3(mid) == from_file.nucleon_density_per_cm3(mid));
    CHECK(from_text.mean_energy_MeV(mid) == from_file.mean_energy_MeV(mid));
  }
}

TEST_CASE("from_csv on a stream names the given source and the line in its messages") {
  CHECK_THROWS_WITH_AS(profile_from_text("10,1e14,10\n20,1e13\n"), doctest::Contains("text.csv:2"),
                       nusi::invalid_argument);
  CHECK_THROWS_WITH_AS(profile_from_text("# only a comment\n10,1e14,10\n"), doctest::Contains("text.csv: needs at least 2 rows"),
                       nusi::invalid_argument);
}

// Fuzz corpus profile_csv/density_overflow.csv: rho = 1e300 g/cm^3 is finite, but rho/m_u overflows to
// inf; the log-space interpolant then computed 0 * inf and returned NaN at the table's first node.
TEST_CASE("a tabulated density whose rho/m_u overflows is rejected, not interpolated to NaN") {
  CHECK_THROWS_WITH_AS(profile_from_text("1e-300,1e-300,1e-300\n1e300,1e300,1e300\n"),
                       doctest::Contains("density_g_per_cm3[1]"), nusi::invalid_argument);
  CHECK_THROWS_WITH_AS(nusi::tabulated_profile<double>({1e6, 2e6}, {1e14, std::numeric_limits<double>::max()}, {10, 10}),
                       doctest::Contains("density_g_per_cm3[1]"), nusi::invalid_argument);
}

// Fuzz corpus profile_csv/temperature_overflow.csv: T = 1.2e115 MeV is finite, but n_nu ~ T^3 is not.
TEST_CASE("a tabulated temperature whose neutrino density overflows is rejected") {
  const std::string huge_T(115, '8');
  CHECK_THROWS_WITH_AS(profile_from_text("12,5e14,12\n15,1e12,1" + huge_T + "\n16,2e12,0.5\n"),
                       doctest::Contains("temperature_MeV[1]"), nusi::invalid_argument);
}

TEST_CASE("a table with extreme but representable values stays finite and between its nodes") {
  // rho/m_u = 6e302 cm^-3 and n_nu(T = 1e90 MeV) ~ 1e302 cm^-3 are still finite doubles.
  const nusi::tabulated_profile<double> p({1e-300, 1e300}, {1e-300, 1e278}, {1e-300, 1e90});
  for (double r : {1e-300, 1e-200, 1.0, 1e200, 1e300}) {
    CAPTURE(r);
    const double n_N = p.nucleon_density_per_cm3(r), n_nu = p.neutrino_density_per_cm3(r), E = p.mean_energy_MeV(r);
    CHECK(std::isfinite(n_N));
    CHECK(std::isfinite(n_nu));
    CHECK(std::isfinite(E));
    // Monotone interpolation: nothing outside the node values (1e-300/m_u and 1e278/m_u).
    CHECK(n_N >= nusi::nucleon_density_per_cm3(1e-300) * (1 - 1e-12));  // 1e-12: exp(log(x)) round trip
    CHECK(n_N <= nusi::nucleon_density_per_cm3(1e278) * (1 + 1e-12));
    CHECK(E > 0);
  }
}
