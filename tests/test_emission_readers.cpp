// SPDX-License-Identifier: MIT
// Model readers (emission/garching.hpp, nakazato.hpp, csv_model.hpp, model_files.hpp): a constant model
// written in each format is the paper's pinched spectrum with 5e52 erg; the Nakazato binned fit recovers
// alpha from exact bin integrals; files are read with their SHA-256 (FIPS 180-4 test vectors); every
// malformed file is rejected naming file, line and column.
#include <doctest/doctest.h>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>
#include <string>
#include <vector>

#include <boost/math/special_functions/gamma.hpp>

#include <nusi/detail/sha256.hpp>
#include <nusi/emission/model_files.hpp>

#include "test_support.hpp"

namespace nusi_test_emission_readers {  // this file's own: the suite compiles in batches of files (tests/CMakeLists.txt)

using nusi_test::rel;

namespace {
const double erg_per_MeV = 1.602176634e-6;  // SI: e exact
const double paper_alpha = 160.0 / 65.0;     // <E> = 15, <E^2> = 290

std::string data(const std::string& name) { return std::string(NUSI_DATA_DIR) + "/emission/" + name; }
std::string file_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}
std::string g17(double x) {
  char s[40];
  std::snprintf(s, sizeof s, "%.17g", x);
  return s;
}

// Nakazato-layout block of a pinched spectrum (rate neutrinos/s, <E> m, alpha) on edges 0.75 i^2 MeV:
// dN/dE and dL/dE from the exact bin integrals m [P(k+1, kb/m) - P(k+1, ka/m)] (Boost's incomplete gamma).
std::string nakazato_block(double t, double rate, double m, double alpha, int flavour_column = 1) {
  const double k = alpha + 1;
  std::string s = g17(t) + "\n";
  for (int i = 0; i < 20; ++i) {
    const double a = 0.75 * i * i, b = 0.75 * (i + 1) * (i + 1);
    const double number = rate * (boost::math::gamma_p(k, k * b / m) - (a > 0 ? boost::math::gamma_p(k, k * a / m) : 0.0));
    const double energy = rate * m * (boost::math::gamma_p(k + 1, k * b / m) - (a > 0 ? boost::math::gamma_p(k + 1, k * a / m) : 0.0));
    std::string dN[3] = {"0", "0", "0"}, dL[3] = {"0", "0", "0"};
    dN[flavour_column] = g17(number / (b - a));
    dL[flavour_column] = g17(energy * erg_per_MeV / (b - a));
    s += g17(a) + " " + g17(b) + " " + dN[0] + " " + dN[1] + " " + dN[2] + " " + dL[0] + " " + dL[1] + " " + dL[2] + "\n";
  }
  return s;
}

template <class Read>
void expect_rejection(Read read, const std::string& text, const std::string& message) {
  CAPTURE(text);
  std::istringstream in(text);
  CHECK_THROWS_WITH_AS(read(in), doctest::Contains(message.c_str()), nusi::invalid_argument);
}
}  // namespace

TEST_CASE("SHA-256 matches the FIPS 180-4 test vectors") {
  CHECK(nusi::detail::sha256_hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  CHECK(nusi::detail::sha256_hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  CHECK(nusi::detail::sha256_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq") ==
        "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  CHECK(nusi::detail::sha256_hex(std::string(1000000, 'a')) == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
  // 55, 56 and 64 bytes: the padding's one- and two-block cases (values from coreutils sha256sum).
  CHECK(nusi::detail::sha256_hex(std::string(55, 'a')) == "9f4390f8d30c2dd92ec9f095b65e2b9ae9b0a925a5258e241c9f1e910f734318");
  CHECK(nusi::detail::sha256_hex(std::string(56, 'a')) == "b35439a4ac6f0948b6d6f9e3c6af0f5f590ce20f1bde7090ef7970686ec6738a");
  CHECK(nusi::detail::sha256_hex(std::string(64, 'a')) == "ffe054fe7ae0cb6dc65c3af9b61d5209f439851db43d0ba5997337df154668eb");
}

TEST_CASE("a constant model in each format is the paper's pinched spectrum with 5e52 erg in anti-nu_e") {
  const auto paper = nusi::pinched_spectrum<double>::paper_default();
  const double number = 5e52 / erg_per_MeV / 15;  // N = E/<E>
  std::istringstream garching("# t L E E2\n0 5 15 290\n\n10 5 15 290\n");
  std::istringstream csv("time_s,flavor,luminosity_erg_per_s,mean_energy_MeV,mean_energy_squared_MeV2\n0,nuebar,5e51,15,290\n"
                         "10,nuebar,5e51,15,290\n");
  std::istringstream csv_alpha("time_s, flavor, luminosity_erg_per_s, mean_energy_MeV, alpha\r\n0, nuebar, 5e51, 15," + g17(paper_alpha) +
                               "\r\n10, nuebar, 5e51, 15, " + g17(paper_alpha) + "\r\n");
  std::istringstream nakazato(nakazato_block(0, number / 10, 15, paper_alpha) + nakazato_block(10, number / 10, 15, paper_alpha));
  const nusi::supernova_model<double> models[] = {
      nusi::supernova_model<double>(std::nullopt, nusi::read_garching_flavor<double>(garching, "g"), std::nullopt),
      nusi::read_csv_model<double>(csv, "c.csv"), nusi::read_csv_model<double>(csv_alpha, "a.csv"),
      nusi::read_nakazato_model<double>(nakazato, "n.dat")};
  const char* names[] = {"garching", "csv", "csv with alpha", "nakazato"};
  for (int i = 0; i < 4; ++i) {
    CAPTURE(names[i]);
    const auto& m = models[i];
    CHECK(m.has_flavor(nusi::supernova_flavor::nu_e_bar));
    CHECK_FALSE(m.has_flavor(nusi::supernova_flavor::nu_e));  // the Nakazato table's nu_e columns are 0: absent
    const auto flux = m.flux(nusi::supernova_flavor::nu_e_bar);
    // Nakazato: L summed over 20 bins of exact integrals (the tail above 300 MeV is e^-70): 1e-13.
    CHECK(flux.emitted_energy_erg() == rel(5e52, 1e-13));
    CHECK(flux.emitted_number() == rel(number, 1e-13));
    CHECK(flux.start_s() == 0);
    CHECK(flux.end_s() == 10);
    const auto f = flux.fluence();
    CHECK(f.terms() == 1);  // a constant model is one pinched spectrum
    // Garching and CSV: the same alpha from the same moments, to rounding (1e-13). Nakazato: alpha from
    // the binned fit, Brent to sqrt(epsilon) in ln(alpha + 1): 1e-6 on the density.
    const double tolerance = i == 3 ? 1e-6 : 1e-13;
    for (double E : {1.0, 5.0, 15.0, 40.0, 90.0}) {
      CAPTURE(E);
      CHECK(f.probability_density_per_MeV(E) == rel(paper.probability_density_per_MeV(E), tolerance));
    }
  }
}

TEST_CASE("the Nakazato fit recovers alpha and <E> from the exact bin integrals of a pinched spectrum") {
  for (double alpha : {0.3, 1.0, paper_alpha, 5.0, 20.0}) {
    for (double mean : {9.0, 15.0, 24.0}) {
      CAPTURE(alpha);
      CAPTURE(mean);
      std::istringstream in(nakazato_block(-0.05, 1e57, mean, alpha) + nakazato_block(0.4, 2e57, mean, alpha));
      const auto m = nusi::read_nakazato_model<double>(in, "n.dat");
      const auto& e = m.emission(nusi::supernova_flavor::nu_e_bar);
      // The table ends at 300 MeV: N and L are the spectrum's below it, <E> = L/N their ratio (exact
      // up to rounding: 1e-13). The tail above matters for broad spectra (3e-6 of L at alpha = 0.3, <E> = 24).
      const double k = alpha + 1, x = k * 300 / mean;
      CHECK(e.mean_energy_MeV(0.0) == rel(mean * boost::math::gamma_p(k + 1, x) / boost::math::gamma_p(k, x), 1e-13));
      CHECK(e.luminosity_erg_per_s(0.4) == rel(2e57 * mean * erg_per_MeV * boost::math::gamma_p(k + 1, x), 1e-13));
      // Brent to ~sqrt(epsilon) in ln(alpha + 1); the fit at the truncated <E> moves alpha by < 1e-6 even
      // in the broadest case.
      CHECK(e.alpha(0.0) == rel(alpha, 1e-6));
    }
  }
  // Flavour columns: nu_e in the first, nu_x in the third.
  std::istringstream in(nakazato_block(0, 1e57, 11, 3, 0) + nakazato_block(1, 1e57, 11, 3, 0));
  const auto m = nusi::read_nakazato_model<double>(in, "n.dat");
  CHECK(m.has_flavor(nusi::supernova_flavor::nu_e));
  CHECK_FALSE(m.has_flavor(nusi::supernova_flavor::nu_x));
}

TEST_CASE("time-dependent rows are read as given, dark rows included") {
  std::istringstream garching("0 0 0 0\n0.1 20 10 130\n1 10 12 200\n");
  const auto e = nusi::read_garching_flavor<double>(garching, "g");
  CHECK(e.luminosity_erg_per_s(0.05) == rel(1e52, 1e-15));
  CHECK(e.mean_energy_MeV(0.0) == 10);  // the dark first row takes the next row's shape
  CHECK(e.alpha(1.0) == rel((2 * 144.0 - 200) / (200 - 144.0), 1e-15));
  // CSV flavours may interleave and come in any order.
  std::istringstream csv("# own model\ntime_s,flavor,luminosity_erg_per_s,mean_energy_MeV,alpha\n0,nux,1e52,14,2\n0,nue,2e52,10,3\n"
                         "1,nue,1e52,11,3\n1,nux,2e52,15,2\n");
  const auto m = nusi::read_csv_model<double>(csv, "c.csv");
  CHECK(m.emission(nusi::supernova_flavor::nu_x).mean_energy_MeV(0.5) == rel(14.5, 1e-15));
  CHECK(m.emission(nusi::supernova_flavor::nu_e).luminosity_erg_per_s(0.5) == rel(1.5e52, 1e-15));
  CHECK_FALSE(m.has_flavor(nusi::supernova_flavor::nu_e_bar));
}

TEST_CASE("model files are read with their SHA-256, by format name and Garching prefix") {
  const std::string csv_path = data("constant_model.csv");
  const auto csv = nusi::load_supernova_model<double>(csv_path, nusi::emission_format::csv);
  REQUIRE(csv.files().size() == 1);
  CHECK(csv.files()[0].sha256 == nusi::detail::sha256_hex(file_bytes(csv_path)));
  CHECK(csv.files()[0].format == "csv");
  const auto garching = nusi::load_supernova_model<double>(data("constant_garching"), nusi::emission_format::garching);
  CHECK(garching.files().size() == 3);
  const auto nakazato = nusi::load_supernova_model<double>(data("constant_nakazato.dat"), nusi::emission_format::nakazato);
  // The three files describe the same anti-nu_e emission (the Nakazato file by its bins: 1e-13 in energy).
  for (const auto* m : {&csv, &garching, &nakazato})
    CHECK(m->flux(nusi::supernova_flavor::nu_e_bar).emitted_energy_erg() == rel(5e52, 1e-13));
  CHECK(csv.flux(nusi::supernova_flavor::nu_x).emitted_energy_erg() == rel(garching.flux(nusi::supernova_flavor::nu_x).emitted_energy_erg(), 1e-15));
  for (auto f : {nusi::emission_format::garching, nusi::emission_format::nakazato, nusi::emission_format::csv})
    CHECK(nusi::parse_emission_format(nusi::format_name(f)) == f);
  CHECK_FALSE(nusi::parse_emission_format("fits").has_value());
  CHECK_THROWS_WITH_AS(nusi::load_csv_model<double>(data("no_such_model.csv")), doctest::Contains("cannot open model file"),
                       nusi::invalid_argument);
  CHECK_THROWS_WITH_AS(nusi::load_garching_model<double>(data("no_such_prefix")), doctest::Contains("no_such_prefix_nue"),
                       nusi::invalid_argument);
  CHECK_THROWS_WITH_AS(nusi::load_nakazato_model<double>(data("")), doctest::Contains("cannot open model file"), nusi::invalid_argument);
}

TEST_CASE("malformed Garching files are rejected naming file, line and column") {
  auto read = [](std::istream& in) { return nusi::read_garching_flavor<double>(in, "g.dat"); };
  expect_rejection(read, "0 5 15 290\n1 5 x 290\n", "g.dat:2: column mean_energy_MeV: not a finite number: 'x'");
  expect_rejection(read, "0 5 15 290\n1 5 nan 290\n", "g.dat:2: column mean_energy_MeV: not a finite number");
  expect_rejection(read, "0 5 15 290\n1 1e999 15 290\n", "g.dat:2: column luminosity_1e51_erg_per_s: not a finite number");
  expect_rejection(read, "0 5 15 290\n1 5 15\n", "g.dat:2: expected 4 blank-separated numbers");
  expect_rejection(read, "0 5 15 290\n# c\n0 5 15 290\n", "g.dat:3: column time_s: must increase strictly");
  expect_rejection(read, "0 -5 15 290\n1 5 15 290\n", "g.dat:1: column luminosity_1e51_erg_per_s: must be >= 0");
  expect_rejection(read, "0 5 15 290\n1 5 -15 290\n", "g.dat:2: column mean_energy_MeV: must be >= 0");
  expect_rejection(read, "0 5 15 200\n1 5 15 290\n", "g.dat:1: column mean_energy_squared_MeV2: must be > mean_energy_MeV^2");
  expect_rejection(read, "0 5 15 225.0000001\n1 5 15 290\n", "column mean_energy_squared_MeV2: gives the pinching alpha");
  expect_rejection(read, "0 5 2e4 4.1e8\n1 5 15 290\n", "g.dat:1: column mean_energy_MeV: must be in [0.001, 1e4]");
  expect_rejection(read, "0 5 15 290\n1e8 5 15 290\n", "g.dat:2: column time_s: must be in [-1e7, 1e7]");
  expect_rejection(read, "0 5 15 290\n", "g.dat: needs at least 2 rows");
  expect_rejection(read, "", "g.dat: needs at least 2 rows");
  expect_rejection(read, "0 0 15 290\n1 0 15 290\n", "g.dat: every luminosity is 0");
}

TEST_CASE("malformed CSV models are rejected naming file, line and column") {
  auto read = [](std::istream& in) { return nusi::read_csv_model<double>(in, "m.csv"); };
  const std::string h = "time_s,flavor,luminosity_erg_per_s,mean_energy_MeV,mean_energy_squared_MeV2\n";
  expect_rejection(read, "", "m.csv: empty; expected the header");
  expect_rejection(read, "time_s,flavor,L,mean_energy_MeV,mean_energy_squared_MeV2\n", "m.csv:1: the header must be");
  expect_rejection(read, h, "m.csv: no rows after the header");
  expect_rejection(read, h + "0,nuebar,5e51,15,290\n1,nuebar,5e51,15\n", "m.csv:3: expected 5 comma-separated fields, got 4");
  expect_rejection(read, h + "0,nutau,5e51,15,290\n", "m.csv:2: column flavor: must be nue, nuebar or nux, got 'nutau'");
  expect_rejection(read, h + "0,nuxbar,5e51,15,290\n", "m.csv:2: column flavor");
  expect_rejection(read, h + "0,nuebar,5e51,15,290\n1,nuebar,5e51,15,abc\n", "m.csv:3: column mean_energy_squared_MeV2: not a finite number: 'abc'");
  expect_rejection(read, h + "0,nuebar,5e51,15,290\n0,nue,5e51,15,290\n-1,nuebar,5e51,15,290\n",
                   "m.csv:4: column time_s: must increase strictly within flavour nuebar, got -1 after 0 (line 2)");
  expect_rejection(read, h + "0,nuebar,-5e51,15,290\n", "m.csv:2: column luminosity_erg_per_s: must be >= 0");
  expect_rejection(read, h + "0,nuebar,inf,15,290\n", "m.csv:2: column luminosity_erg_per_s: not a finite number");
  expect_rejection(read, h + "0,nuebar,5e51,15,290\n", "flavour nuebar has 1 row");
  expect_rejection(read, h + "0,nuebar,0,15,290\n1,nuebar,0,15,290\n", "flavour nuebar: every luminosity is 0");
  const std::string ha = "time_s,flavor,luminosity_erg_per_s,mean_energy_MeV,alpha\n";
  expect_rejection(read, ha + "0,nue,5e51,15,-0.6\n", "m.csv:2: column alpha: gives the pinching alpha = -0.6");
  expect_rejection(read, ha + "0,nue,5e51,0,2\n", "m.csv:2: column mean_energy_MeV: must be in [0.001, 1e4]");
}

TEST_CASE("malformed Nakazato tables are rejected naming file, line and column, truncated blocks included") {
  auto read = [](std::istream& in) { return nusi::read_nakazato_model<double>(in, "n.dat"); };
  const std::string b0 = nakazato_block(0, 1e57, 15, 3), b1 = nakazato_block(1, 1e57, 15, 3);
  auto lines_of = [](const std::string& s) {
    std::vector<std::string> out;
    std::istringstream in(s);
    for (std::string l; std::getline(in, l);) out.push_back(l);
    return out;
  };
  const auto L0 = lines_of(b0);
  auto join = [](const std::vector<std::string>& v, std::size_t from, std::size_t to) {
    std::string s;
    for (std::size_t i = from; i < to; ++i) s += v[i] + "\n";
    return s;
  };
  expect_rejection(read, b0, "n.dat: needs at least 2 time blocks, found 1");
  expect_rejection(read, join(L0, 0, 12), "n.dat:1: truncated block: the block of t = 0 s has 11 of 20 energy rows, then the end of the file");
  expect_rejection(read, join(L0, 0, 6) + b1, "n.dat:1: truncated block: the block of t = 0 s has 5 of 20 energy rows, then a time line at line 7");
  expect_rejection(read, b0 + nakazato_block(0, 1e57, 15, 3), "n.dat:22: column time_s: must increase strictly from block to block");
  expect_rejection(read, L0[1] + "\n", "n.dat:1: expected a time line (1 number, the time in s) to start a block, got 8 fields");
  expect_rejection(read, "x\n", "n.dat:1: column time_s: not a finite number: 'x'");
  std::vector<std::string> bad = L0;
  bad[2] = "0.75 3 0 1 0 0 1e-6";  // 7 fields
  expect_rejection(read, join(bad, 0, 21) + b1, "n.dat:3: expected 8 blank-separated numbers");
  bad = L0;
  bad[2] = "0.75 3 0 -1 0 0 1e-6 0";
  expect_rejection(read, join(bad, 0, 21) + b1, "n.dat:3: column dN_nuebar: must be >= 0, got -1");
  bad = L0;
  bad[2] = "3 3 0 1 0 0 1e-6 0";
  expect_rejection(read, join(bad, 0, 21) + b1, "n.dat:3: column E_high_MeV: must be > E_low_MeV");
  bad = L0;
  bad[2] = "0.5 3 0 1 0 0 1e-6 0";
  expect_rejection(read, join(bad, 0, 21) + b1, "n.dat:3: column E_low_MeV: bins must not overlap");
  bad = L0;
  bad[2] = "0.75 3 0 1 0 0 nan 0";
  expect_rejection(read, join(bad, 0, 21) + b1, "n.dat:3: column dL_nuebar: not a finite number");
  bad = L0;
  bad[2] = "0.75 3 5 0 0 0 0 0";  // nu_e with a number but no luminosity
  expect_rejection(read, join(bad, 0, 21) + b1, "n.dat:1: block of t = 0 s, flavour nue: number");
  expect_rejection(read, nakazato_block(0, 0, 15, 3) + nakazato_block(1, 0, 15, 3), "every flavour is 0 in every block");
  std::istringstream in(b0 + b1);
  CHECK_THROWS_WITH_AS(nusi::read_nakazato_model<double>(in, "n.dat", {.bins_per_block = 0}), doctest::Contains("options.bins_per_block"),
                       nusi::invalid_argument);
  CHECK_THROWS_WITH_AS(nusi::binned_pinching_fit<double>({0.0}, {1.0}, {0.0}, 15.0), doctest::Contains("numbers"), nusi::invalid_argument);
  CHECK_THROWS_WITH_AS(nusi::binned_pinching_fit<double>({2.0}, {1.0}, {1.0}, 15.0), doctest::Contains("hi_MeV[0]"),
                       nusi::invalid_argument);
}

}  // namespace nusi_test_emission_readers
