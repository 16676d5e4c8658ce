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
#include <vector>

#include <nusi/detection/sn1987a.hpp>
#include <nusi/profiles.hpp>
#include <nusi/random_walk.hpp>

namespace nusi_test_regressions {  // this file's own: the suite compiles in batches of files (tests/CMakeLists.txt)

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

// Fuzz corpus profile_csv/opacity_overflow.csv (found by libFuzzer): rho = 5e203 g/cm^3 and T = 1.2e78
// MeV are each representable, but n_N <sigma_nuN> ~ 3e227 cm^-3 x 1e112 cm^2 is not, and the mean free
// path rounded to 0. The random walk now says so with a numerical_error instead of returning 0.
TEST_CASE("a profile whose opacity n_N <sigma_nuN> overflows gives a numerical_error, not a zero mean free path") {
  const std::string huge_T = "1166666688888888888888888888888888888888800000000000000000242169293893449045";
  const auto table = profile_from_text("12,5e203," + huge_T + "\n16,2e12,0.5\n");
  using walk = nusi::random_walk<double, nusi::tabulated_profile<double>>;
  CHECK_THROWS_WITH_AS(walk(table, {12e5, 16e5}), doctest::Contains("r_cm = 1200000"), nusi::numerical_error);
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

// ---------------------------------------------------------------------------------------------------
// The SN 1987A event-table loader (tests/fuzz/fuzz_sn1987a_csv.cpp; inputs in corpus/sn1987a_csv/).

namespace {
const std::string sn1987a_header =
    "detector,event,t_rel_s,E_MeV,dE_MeV,theta_deg,dtheta_deg,bkg_LoredoLamb2002_per_s_MeV,bkg_Costantini2007_per_s_MeV,"
    "bkg_Vissani2015_per_s_MeV,flag\n";
std::vector<nusi::sn1987a_event<double>> events_from_text(const std::string& text) {
  std::istringstream in(text);
  return nusi::load_sn1987a_events<double>(in, "text.csv");
}
}  // namespace

TEST_CASE("the event table read from a stream equals the one read from its file") {
  const std::string path = std::string(NUSI_DATA_DIR) + "/sn1987a/sn1987a_events.csv";
  const auto from_file = nusi::load_sn1987a_events<double>(path);
  const auto from_text = events_from_text(read_file(path));
  REQUIRE(from_text.size() == from_file.size());
  for (std::size_t i = 0; i < from_file.size(); ++i) {
    CAPTURE(i);
    // Same parser on the same bytes: bitwise equal.
    CHECK(from_text[i].number == from_file[i].number);
    CHECK(from_text[i].time_s == from_file[i].time_s);
    CHECK(from_text[i].energy_MeV == from_file[i].energy_MeV);
    CHECK(from_text[i].flag == from_file[i].flag);
  }
}

TEST_CASE("an event number beyond int is rejected, not cast with undefined behaviour") {
  // Once static_cast<int>(1e300): UBSan "outside the range of representable values of type 'int'".
  CHECK_THROWS_WITH_AS(events_from_text(sn1987a_header + "KII,1e300,0.0,20,2.9,18,18,1e-5,1e-5,1e-5,\n"),
                       doctest::Contains("column event"), nusi::invalid_argument);
  CHECK_THROWS_WITH_AS(events_from_text(sn1987a_header + "KII,2.5,0.0,20,2.9,18,18,1e-5,1e-5,1e-5,\n"),
                       doctest::Contains("column event"), nusi::invalid_argument);
}

TEST_CASE("an energy that overflows double is rejected, not read as infinity") {
  // 1e400 is a finite long double: it was accepted and became E_MeV = inf.
  CHECK_THROWS_WITH_AS(events_from_text(sn1987a_header + "KII,1,0.0,1e400,2.9,18,18,1e-5,1e-5,1e-5,\n"),
                       doctest::Contains("column E_MeV"), nusi::invalid_argument);
  CHECK_THROWS_WITH_AS(events_from_text(sn1987a_header + "KII,1,0.0,20,1e400,18,18,1e-5,1e-5,1e-5,\n"),
                       doctest::Contains("column dE_MeV"), nusi::invalid_argument);
}

TEST_CASE("out-of-range times, angles, backgrounds and flags are rejected naming the column") {
  // Each was accepted before: a negative time, an angle of 270 degrees, a negative background rate
  // (a negative background density in the likelihood) and an unknown flag (silently a normal event).
  CHECK_THROWS_WITH_AS(events_from_text(sn1987a_header + "KII,1,-1.0,20,2.9,18,18,1e-5,1e-5,1e-5,\n"),
                       doctest::Contains("column t_rel_s"), nusi::invalid_argument);
  CHECK_THROWS_WITH_AS(events_from_text(sn1987a_header + "KII,1,0.0,20,2.9,270,18,1e-5,1e-5,1e-5,\n"),
                       doctest::Contains("column theta_deg"), nusi::invalid_argument);
  CHECK_THROWS_WITH_AS(events_from_text(sn1987a_header + "KII,1,0.0,20,2.9,18,-5,1e-5,1e-5,1e-5,\n"),
                       doctest::Contains("column dtheta_deg"), nusi::invalid_argument);
  CHECK_THROWS_WITH_AS(events_from_text(sn1987a_header + "KII,1,0.0,20,2.9,18,18,-1e-5,1e-5,1e-5,\n"),
                       doctest::Contains("column bkg_LoredoLamb2002_per_s_MeV"), nusi::invalid_argument);
  CHECK_THROWS_WITH_AS(events_from_text(sn1987a_header + "KII,1,0.0,20,2.9,18,18,1e-5,1e-5,1e-5,maybe\n"),
                       doctest::Contains("column flag"), nusi::invalid_argument);
}

TEST_CASE("a table with a header and no event rows is rejected") {
  CHECK_THROWS_WITH_AS(events_from_text(sn1987a_header), doctest::Contains("at least one event"), nusi::invalid_argument);
  CHECK_THROWS_WITH_AS(events_from_text(""), doctest::Contains("header"), nusi::invalid_argument);
}

TEST_CASE("a CRLF table with empty optional columns is read like the LF one") {
  const auto crlf = events_from_text(
      "detector,event,t_rel_s,E_MeV,dE_MeV,theta_deg,dtheta_deg,bkg_LoredoLamb2002_per_s_MeV,bkg_Costantini2007_per_s_MeV,"
      "bkg_Vissani2015_per_s_MeV,flag\r\nBaksan,1,0.0,12,2.4,,,,,8.4e-4,\r\n");
  REQUIRE(crlf.size() == 1);
  CHECK(crlf[0].detector == nusi::sn1987a_detector::baksan);
  CHECK(!crlf[0].angle_deg);
  // The Loredo-Lamb set is empty: the Vissani-2015 value stands in (sn1987a_event's documented fallback).
  CHECK(crlf[0].background_rate_per_s_MeV(nusi::sn1987a_background_set::loredo_lamb_2002) == 8.4e-4);
}

TEST_CASE("a background rate whose product with the window overflows is rejected, not made infinite") {
  // Found by fuzz_sn1987a_csv (corpus/sn1987a_csv/background_times_window_overflow.csv): a rate of
  // 1e308 per s MeV times the 30 s window gave background_per_MeV = inf.
  const auto events = events_from_text(sn1987a_header + "KII,1,0.0,20,2.9,18,18,1.6e-5,1.0e-5,1e308,\n");
  CHECK_THROWS_WITH_AS(nusi::sn1987a_observed_events(events, nusi::sn1987a_detector::kamiokande_ii),
                       doctest::Contains("time_window_s"), nusi::invalid_argument);
  // The same rate over a short enough window is a finite density: rate times window.
  const auto short_window = nusi::sn1987a_observed_events(events, nusi::sn1987a_detector::kamiokande_ii,
                                                          nusi::sn1987a_selection::all_events,
                                                          nusi::sn1987a_background_set::vissani_2015, 1e-8);
  REQUIRE(short_window.size() == 1);
  CHECK(short_window[0].background_per_MeV == 1e308 * 1e-8);
}

}  // namespace nusi_test_regressions
