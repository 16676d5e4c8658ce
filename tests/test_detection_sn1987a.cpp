// SPDX-License-Identifier: MIT
// Facts about the SN 1987A event table and its use in a likelihood (nusi/detection/sn1987a.hpp).
#include <nusi/detection/sn1987a.hpp>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <limits>
#include <string>

#include <doctest/doctest.h>

#include "test_support.hpp"

namespace nusi_test_detection_sn1987a {  // this file's own: the suite compiles in batches of files (tests/CMakeLists.txt)

namespace {
using R = double;
using nusi_test::rel;
const std::filesystem::path table = std::filesystem::path(NUSI_DATA_DIR) / "sn1987a" / "sn1987a_events.csv";

std::size_t count(const std::vector<nusi::sn1987a_event<R>>& events, nusi::sn1987a_detector d, double before_s = 1e9) {
  std::size_t n = 0;
  for (const auto& e : events) n += (e.detector == d && e.time_s < before_s) ? 1 : 0;
  return n;
}

std::filesystem::path write_temp(const std::string& name, const std::string& text) {
  const auto path = std::filesystem::temp_directory_path() / name;
  std::ofstream(path) << text;
  return path;
}
}  // namespace

TEST_CASE("the table holds 16 K-II, 8 IMB and 5 Baksan events, 6, 3 and 2 of them in the first second") {
  // Pagliaroli, Costantini, Ianni, Vissani (arXiv:0705.4032): "6 out of 16 in Kamiokande-II, 3 out of 8
  // in IMB and 2 out of 5 in Baksan" within 1 s of the first event, in a 30 s window.
  const auto events = nusi::load_sn1987a_events<R>(table);
  CHECK(events.size() == 29);
  CHECK(count(events, nusi::sn1987a_detector::kamiokande_ii) == 16);
  CHECK(count(events, nusi::sn1987a_detector::imb) == 8);
  CHECK(count(events, nusi::sn1987a_detector::baksan) == 5);
  CHECK(count(events, nusi::sn1987a_detector::kamiokande_ii, 1.0) == 6);
  CHECK(count(events, nusi::sn1987a_detector::imb, 1.0) == 3);
  CHECK(count(events, nusi::sn1987a_detector::baksan, 1.0) == 2);
}

TEST_CASE("selections give the 12 and the original 11 Kamiokande-II events") {
  const auto events = nusi::load_sn1987a_events<R>(table);
  using S = nusi::sn1987a_selection;
  const auto k2 = nusi::sn1987a_detector::kamiokande_ii;
  CHECK(nusi::select_sn1987a_events(events, k2, S::all_events).size() == 16);
  CHECK(nusi::select_sn1987a_events(events, k2, S::exclude_likely_background).size() == 12);
  CHECK(nusi::select_sn1987a_events(events, k2, S::original_analyses).size() == 11);
  CHECK(nusi::select_sn1987a_events(events, nusi::sn1987a_detector::imb, S::original_analyses).size() == 8);
}

TEST_CASE("every recorded event lies above its detector's analysis threshold") {
  const auto events = nusi::load_sn1987a_events<R>(table);
  REQUIRE(events.size() == 29);  // premise: the loop below sees every event
  for (const auto& e : events) {
    CAPTURE(e.number);
    const double thr = e.detector == nusi::sn1987a_detector::kamiokande_ii ? nusi::kamiokande_ii<R>().threshold_MeV
                       : e.detector == nusi::sn1987a_detector::imb       ? nusi::imb<R>().threshold_MeV
                                                                         : nusi::baksan<R>().threshold_MeV;
    CHECK(e.energy_MeV >= thr);
    CHECK(e.energy_error_MeV > 0);
  }
}

TEST_CASE("background rates follow the chosen set, IMB is background-free, Baksan has one set") {
  const auto events = nusi::load_sn1987a_events<R>(table);
  using B = nusi::sn1987a_background_set;
  REQUIRE(events.size() == 29);  // premise: the loop below sees K-II, IMB and Baksan events
  const auto& k2_first = events.front();  // K-II 1: 1.6e-5, 1.0e-5, 1.0e-5 per s per MeV
  CHECK(k2_first.background_rate_per_s_MeV(B::loredo_lamb_2002) == rel(1.6e-5, 1e-12));  // parsed literal
  CHECK(k2_first.background_rate_per_s_MeV(B::vissani_2015) == rel(1.0e-5, 1e-12));
  for (const auto& e : events) {
    if (e.detector == nusi::sn1987a_detector::imb) CHECK(e.background_rate_per_s_MeV(B::loredo_lamb_2002) == 0.0);
    if (e.detector == nusi::sn1987a_detector::baksan)
      CHECK(e.background_rate_per_s_MeV(B::loredo_lamb_2002) == e.background_rate_per_s_MeV(B::vissani_2015));
  }
  const auto observed = nusi::sn1987a_observed_events(events, nusi::sn1987a_detector::kamiokande_ii,
                                                      nusi::sn1987a_selection::all_events, B::vissani_2015, 30.0);
  CHECK(observed.front().background_per_MeV == rel(30.0 * 1.0e-5, 1e-12));
}

TEST_CASE("SN 1987A data exclude a spectrum with 99 percent of the neutrinos removed") {
  // The paper's criterion F <= 0.01: scaling the no-interaction spectrum by 0.01 must be excluded by
  // the unbinned likelihood of the 29 events, far beyond Delta chi^2 = 2.71.
  const auto events = nusi::load_sn1987a_events<R>(table);
  const nusi::supernova_emission<R> sn{};
  const auto spectrum = sn.spectrum();
  double llr = 0;
  for (auto [d, det] : {std::pair{nusi::sn1987a_detector::kamiokande_ii, nusi::kamiokande_ii<R>()},
                        std::pair{nusi::sn1987a_detector::imb, nusi::imb<R>()}, std::pair{nusi::sn1987a_detector::baksan, nusi::baksan<R>()}}) {
    const nusi::detector_response<R> response(det);
    const auto observed = nusi::sn1987a_observed_events(events, d);
    llr += nusi::extended_log_likelihood<R>(response, spectrum, 0.01 * sn.number_per_cm2(), observed) -
           nusi::extended_log_likelihood<R>(response, spectrum, sn.number_per_cm2(), observed);
  }
  CHECK(-2 * llr > 50.0);
}

TEST_CASE("the event table reader rejects bad files naming what is wrong") {
  CHECK_THROWS_WITH_AS(nusi::load_sn1987a_events<R>("/no/such/file.csv"), doctest::Contains("csv_path"), nusi::invalid_argument);
  const std::string header =
      "detector,event,t_rel_s,E_MeV,dE_MeV,theta_deg,dtheta_deg,bkg_LoredoLamb2002_per_s_MeV,bkg_Costantini2007_per_s_MeV,"
      "bkg_Vissani2015_per_s_MeV,flag\n";
  const auto bad_header = write_temp("nusi_bad_header.csv", "detector,event\n");
  CHECK_THROWS_WITH_AS(nusi::load_sn1987a_events<R>(bad_header), doctest::Contains("header"), nusi::invalid_argument);
  const auto bad_energy = write_temp("nusi_bad_energy.csv", header + "KII,1,0.0,2x0,2.9,18,18,1e-5,1e-5,1e-5,\n");
  CHECK_THROWS_WITH_AS(nusi::load_sn1987a_events<R>(bad_energy), doctest::Contains("column E_MeV"), nusi::invalid_argument);
  const auto bad_detector = write_temp("nusi_bad_detector.csv", header + "LSD,1,0.0,20,2.9,18,18,1e-5,1e-5,1e-5,\n");
  CHECK_THROWS_WITH_AS(nusi::load_sn1987a_events<R>(bad_detector), doctest::Contains("column detector"), nusi::invalid_argument);
  std::filesystem::remove(bad_header);
  std::filesystem::remove(bad_energy);
  std::filesystem::remove(bad_detector);
  const auto events = nusi::load_sn1987a_events<R>(table);
  CHECK_THROWS_WITH_AS(nusi::sn1987a_observed_events(events, nusi::sn1987a_detector::imb, nusi::sn1987a_selection::all_events,
                                                     nusi::sn1987a_background_set::vissani_2015, 0.0),
                       doctest::Contains("time_window_s"), nusi::invalid_argument);
}

TEST_CASE("binned SN 1987A counts add up to the selection and feed a binned Poisson likelihood") {
  const auto events = nusi::load_sn1987a_events<R>(table);
  const std::vector<R> edges{4.5, 10, 15, 20, 30, 40, std::numeric_limits<R>::infinity()};
  const auto k2 = nusi::sn1987a_counts_in_bins<R>(events, nusi::sn1987a_detector::kamiokande_ii, edges);
  unsigned total = 0;
  for (unsigned c : k2) total += c;
  CHECK(total == 12);
  CHECK(k2[0] == 5);  // K-II 3, 4, 6, 10, 12: 7.5, 9.2, 6.3, 8.6, 8.9 MeV
  // The binned likelihood is finite and below the saturated one (expected = observed in each bin).
  const nusi::supernova_emission<R> sn{};
  const nusi::detector_response<R> response(nusi::kamiokande_ii<R>());
  const auto expected = response.expected_events_in_bins(sn.spectrum(), sn.number_per_cm2(), edges);
  std::vector<R> saturated(k2.begin(), k2.end());
  const double lnL = nusi::poisson_log_likelihood<R>(expected, k2);
  CHECK(std::isfinite(lnL));
  CHECK(lnL < nusi::poisson_log_likelihood<R>(saturated, k2));
  const std::vector<R> bad{10.0, 5.0};
  CHECK_THROWS_WITH_AS(nusi::sn1987a_counts_in_bins<R>(events, nusi::sn1987a_detector::imb, bad), doctest::Contains("edges_MeV[1]"),
                       nusi::invalid_argument);
}

TEST_CASE("sn1987a_detectors lists K-II, IMB and Baksan in table order, each with its factory's model") {
  const nusi::detector<double> factories[] = {nusi::kamiokande_ii<double>(), nusi::imb<double>(), nusi::baksan<double>()};
  REQUIRE(nusi::sn1987a_detectors.size() == 3);
  for (std::size_t i = 0; i < 3; ++i) {
    const auto model = nusi::detector_model<double>(nusi::sn1987a_detectors[i]);
    CAPTURE(model.name);
    CHECK(model.name == factories[i].name);
    CHECK(model.targets == factories[i].targets);
    CHECK(model.threshold_MeV == factories[i].threshold_MeV);
    // The events recorded by this detector are the ones the table files under the same enumerator.
    CHECK(!nusi::select_sn1987a_events(nusi::load_sn1987a_events<double>(table), nusi::sn1987a_detectors[i]).empty());
  }
}

}  // namespace nusi_test_detection_sn1987a
