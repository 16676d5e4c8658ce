// SPDX-License-Identifier: MIT
// Event-level bounds (event_bound.hpp): likelihood profiles in closed form, the no-interaction limit,
// Asimov scaling, the bound at the 90% level, and the ordering of windowed and time-integrated counts.
#include <doctest/doctest.h>

#include <cmath>
#include <limits>
#include <numeric>
#include <vector>

#include <nusi/event_bound.hpp>

#include "test_support.hpp"

namespace nusi_test_event_bound {  // this file's own: the suite compiles in batches of files (tests/CMakeLists.txt)

namespace {

using nusi_test::setup_at;

const std::vector<nusi::sn1987a_event<double>>& table() {
  static const auto t = nusi::load_sn1987a_events<double>(std::string(NUSI_DATA_DIR) + "/sn1987a/sn1987a_events.csv");
  return t;
}

}  // namespace

TEST_CASE("binned Asimov likelihood: profiling absorbs a uniform suppression, fixed gives 2 sum mu (c - 1 - ln c)") {
  const nusi::propagation_setup<double> s;
  nusi::supernova_emission<double> sn{};
  sn.distance_cm = nusi::kpc(10.0);
  nusi::propagation_setup<double> s10 = s;
  s10.distance_cm = sn.distance_cm;
  nusi::event_bound_options<double> o;
  o.likelihood = nusi::event_likelihood::binned;
  const nusi::event_likelihood_ratio<double> profiled(1e-6, s10, sn, {nusi::asimov_observation(nusi::super_kamiokande<double>())}, o);
  o.norm = nusi::normalisation::fixed;
  const nusi::event_likelihood_ratio<double> fixed(1e-6, s10, sn, {nusi::asimov_observation(nusi::super_kamiokande<double>())}, o);
  CHECK(profiled.reference().normalisation == doctest::Approx(1.0).epsilon(1e-12));  // Asimov: best fit A = 1
  for (double c : {0.5, 0.9, 2.0}) {
    CAPTURE(c);
    std::vector<double> n = profiled.reference_counts();
    for (double& x : n) x *= c;
    const auto p = profiled.log_likelihood(n);
    CHECK(p.normalisation == doctest::Approx(1 / c).epsilon(1e-12));
    CHECK(p.log_likelihood == doctest::Approx(profiled.reference().log_likelihood).epsilon(1e-12));
    const double mu = profiled.detectors()[0].expected_events(profiled.reference_counts(), profiled.number_per_cm2());
    const double q = -2 * (fixed.log_likelihood(n).log_likelihood - fixed.reference().log_likelihood);
    // Binned Asimov with mu_j -> c mu_j: q = 2 sum_j mu_j (c - 1 - ln c); 1e-9: sums of ~60 bins.
    CHECK(q == doctest::Approx(2 * mu * (c - 1 - std::log(c))).epsilon(1e-9));
  }
}

TEST_CASE("unbinned profile: the best normalisation solves d ln L/dA = 0, and N/S without background") {
  nusi::event_bound_options<double> o;
  const nusi::event_likelihood_ratio<double> llr(1e-6, nusi::propagation_setup<double>{}, nusi::supernova_emission<double>{},
                                                 nusi::sn1987a_observations(table()), o);
  const auto n = llr.counts_at_earth(std::pow(10.0, -2.2));
  const double A = llr.log_likelihood(n).normalisation;
  double slope = 0;
  for (std::size_t d = 0; d < llr.detectors().size(); ++d) {
    slope -= llr.detectors()[d].expected_events(n, llr.number_per_cm2());
    const auto s = llr.detectors()[d].event_densities_per_MeV(n, llr.number_per_cm2());
    for (std::size_t i = 0; i < s.size(); ++i) slope += s[i] / (llr.observations()[d].events[i].background_per_MeV + A * s[i]);
  }
  CHECK(std::abs(slope) < 1e-8);  // bisection in ln A to 1e-12, slope ~ 30 per unit A
  // No background: A = (number of events)/(expected events at A = 1), exactly.
  auto observations = nusi::sn1987a_observations(table());
  std::size_t events = 0;
  for (auto& ob : observations)
    for (auto& e : ob.events) {
      e.background_per_MeV = 0;
      ++events;
    }
  const nusi::event_likelihood_ratio<double> clean(1e-6, nusi::propagation_setup<double>{}, nusi::supernova_emission<double>{},
                                                   observations, o);
  double S = 0;
  for (const auto& f : clean.detectors()) S += f.expected_events(n, clean.number_per_cm2());
  CHECK(clean.log_likelihood(n).normalisation == doctest::Approx(double(events) / S).epsilon(1e-10));
}

TEST_CASE("no secret interactions, no evidence: q(g -> 0) -> 0 in every mode") {
  for (auto timing : {nusi::arrival_window::time_integrated, nusi::arrival_window::within_window})
    for (auto norm : {nusi::normalisation::profiled, nusi::normalisation::fixed}) {
      nusi::event_bound_options<double> o;
      o.timing = timing;
      o.norm = norm;
      o.window.primaries = 200;
      const nusi::event_likelihood_ratio<double> llr(1e-3, nusi::propagation_setup<double>{}, nusi::supernova_emission<double>{},
                                                     nusi::sn1987a_observations(table()), o);
      // At g = 1e-6 the optical depth is ~1e-15: q is the difference of two representations of the
      // emission (refined vs base grid, second order) only.
      CHECK(std::abs(-2 * llr(1e-6)) < 1e-3);
    }
}

TEST_CASE("Asimov forecasts: q grows linearly with the exposure") {
  nusi::supernova_emission<double> sn{};
  sn.distance_cm = nusi::kpc(10.0);
  nusi::propagation_setup<double> s;
  s.distance_cm = sn.distance_cm;
  const nusi::event_bound_options<double> o{.likelihood = nusi::event_likelihood::binned};
  auto det = nusi::super_kamiokande<double>();
  const nusi::event_likelihood_ratio<double> one(1e-6, s, sn, {nusi::asimov_observation(det)}, o);
  det.targets *= 4;
  const nusi::event_likelihood_ratio<double> four(1e-6, s, sn, {nusi::asimov_observation(det)}, o);
  for (double lg : {-2.6, -2.3}) {
    CAPTURE(lg);
    // Profiled A and every ln(mu/n) are independent of the exposure; 1e-9: rounding in sums of ~60 bins.
    CHECK(four(std::pow(10.0, lg)) == doctest::Approx(4 * one(std::pow(10.0, lg))).epsilon(1e-9));
  }
  // More exposure, stronger (lower) bound.
  auto b1 = nusi::forecast_event_bound(-6.0, s, sn, nusi::super_kamiokande<double>());
  auto b4 = nusi::forecast_event_bound(-6.0, s, sn, det);
  CHECK(b1.found);
  CHECK(b4.log10_g_bound < b1.log10_g_bound);
}

TEST_CASE("SN 1987A event bound: q crosses the one-sided 95% level (Delta chi^2 = 2.706) at the bound") {
  const nusi::propagation_setup<double> s;
  const nusi::supernova_emission<double> sn{};
  const nusi::event_bound_options<double> o;
  const auto b = nusi::sn1987a_event_bound(-6.0, s, sn, table(), o);
  REQUIRE(b.found);
  const nusi::event_likelihood_ratio<double> llr(1e-6, s, sn, nusi::sn1987a_observations(table()), o);
  CHECK(-2 * llr(std::pow(10.0, b.log10_g_bound + o.log10_g_tolerance)) >= llr.delta_chi2());
  CHECK(-2 * llr(std::pow(10.0, b.log10_g_bound - 2 * o.log10_g_tolerance)) < llr.delta_chi2());
  // The default is a one-sided 95 % CL upper limit, (Phi^-1(0.95))^2 = 1.6448536^2 (1e-12: the quantile's digits).
  CHECK(llr.delta_chi2() == doctest::Approx(1.6448536269514722 * 1.6448536269514722).epsilon(1e-12));
  CHECK(llr.delta_chi2() == doctest::Approx(nusi::critical_delta_chi2_one_sided(0.95)).epsilon(1e-12));
}

TEST_CASE("the exclusion threshold is a named option: a larger Delta chi^2 gives a weaker bound at q = threshold") {
  const nusi::propagation_setup<double> s;
  const nusi::supernova_emission<double> sn{};
  nusi::event_bound_options<double> o;
  o.delta_chi2_threshold = nusi::critical_delta_chi2_one_sided(0.99);  // 5.41
  const nusi::event_likelihood_ratio<double> llr(1e-6, s, sn, nusi::sn1987a_observations(table()), o);
  CHECK(llr.delta_chi2() == o.delta_chi2_threshold);
  const auto b99 = nusi::sn1987a_event_bound(-6.0, s, sn, table(), o);
  const auto b95 = nusi::sn1987a_event_bound(-6.0, s, sn, table(), nusi::event_bound_options<double>{});
  REQUIRE(b99.found);
  CHECK(b99.log10_g_bound > b95.log10_g_bound);
  CHECK(-2 * llr(std::pow(10.0, b99.log10_g_bound + o.log10_g_tolerance)) >= o.delta_chi2_threshold);
  CHECK(-2 * llr(std::pow(10.0, b99.log10_g_bound - 2 * o.log10_g_tolerance)) < o.delta_chi2_threshold);
  // The former confidence_level, when set, is the chi^2_1 quantile and overrides the threshold.
  o.confidence_level = 0.90;
  const nusi::event_likelihood_ratio<double> legacy(1e-6, s, sn, nusi::sn1987a_observations(table()), o);
  CHECK(legacy.delta_chi2() == doctest::Approx(nusi::default_delta_chi2<double>).epsilon(1e-12));
}

TEST_CASE("counts within the window are a subset of all arrivals: unscattered <= windowed <= time-integrated") {
  const auto s = setup_at(-6, -2.15);
  nusi::event_bound_options<double> o;
  o.window.primaries = 2000;
  const std::vector<nusi::detector<double>> dets{nusi::kamiokande_ii<double>(), nusi::imb<double>(), nusi::baksan<double>()};
  const auto c = nusi::expected_event_counts(s, nusi::supernova_emission<double>{}, dets, o);
  for (const auto& d : c) {
    CAPTURE(d.detector);
    CHECK(d.unscattered <= d.within_window);
    CHECK(d.within_window < d.time_integrated + 4 * d.within_window_error);
    CHECK(d.time_integrated < d.without_nusi);  // at this g down-scattering removes events above threshold
  }
  // At g -> 0 all four agree (the grid's projection to second order).
  const auto none = nusi::expected_event_counts(setup_at(-6, -6), nusi::supernova_emission<double>{}, dets, o);
  const nusi::detector_response<double> k2(nusi::kamiokande_ii<double>());
  // Exact bin contents spread flat over 2.5%-wide bins: second order, ~3e-4.
  CHECK(none[0].without_nusi == doctest::Approx(nusi::expected_events(k2, nusi::supernova_emission<double>{})).epsilon(1e-3));
  CHECK(none[0].time_integrated == doctest::Approx(none[0].without_nusi).epsilon(1e-3));
  CHECK(none[0].within_window == doctest::Approx(none[0].without_nusi).epsilon(1e-9));
}

TEST_CASE("the paper's source and its spectrum with its number per cm^2 give bit-identical likelihoods, bounds and counts") {
  // Two entry points, one computation: supernova_emission is the pinched spectrum with N/(4 pi D^2).
  const nusi::supernova_emission<double> sn{};
  const auto spectrum = sn.spectrum();
  const double npc = sn.number_per_cm2();
  const nusi::propagation_setup<double> s;
  for (auto timing : {nusi::arrival_window::time_integrated, nusi::arrival_window::within_window}) {
    nusi::event_bound_options<double> o;
    o.timing = timing;
    o.window.primaries = 200;
    const nusi::event_likelihood_ratio<double> a(1e-6, s, sn, nusi::sn1987a_observations(table()), o);
    const nusi::event_likelihood_ratio<double> b(1e-6, s, spectrum, npc, nusi::sn1987a_observations(table()), o);
    CHECK(a.number_per_cm2() == b.number_per_cm2());
    for (double lg : {-2.4, -2.1}) {
      CAPTURE(lg);
      CHECK(a(std::pow(10.0, lg)) == b(std::pow(10.0, lg)));
    }
  }
  const std::vector<nusi::detector<double>> dets{nusi::kamiokande_ii<double>(), nusi::imb<double>()};
  nusi::event_bound_options<double> o;
  o.window.primaries = 200;
  const auto ca = nusi::expected_event_counts(setup_at(-6, -2.15), sn, dets, o);
  const auto cb = nusi::expected_event_counts(setup_at(-6, -2.15), spectrum, npc, dets, o);
  for (std::size_t d = 0; d < dets.size(); ++d) {
    CAPTURE(d);
    CHECK(ca[d].without_nusi == cb[d].without_nusi);
    CHECK(ca[d].time_integrated == cb[d].time_integrated);
    CHECK(ca[d].within_window == cb[d].within_window);
    CHECK(ca[d].unscattered == cb[d].unscattered);
  }
  nusi::propagation_setup<double> s10;
  s10.distance_cm = nusi::kpc(10.0);
  nusi::supernova_emission<double> galactic{};
  galactic.distance_cm = s10.distance_cm;
  const auto fa = nusi::forecast_event_bound(-6.0, s10, galactic, nusi::dune<double>());
  const auto fb = nusi::forecast_event_bound(-6.0, s10, galactic.spectrum(), galactic.number_per_cm2(), nusi::dune<double>());
  CHECK(fa.log10_g_bound == fb.log10_g_bound);
  CHECK(fa.normalisation_at_bound == fb.normalisation_at_bound);
}

TEST_CASE("event bounds reject bad input by name") {
  using E = nusi::invalid_argument;
  const nusi::propagation_setup<double> s;
  const nusi::supernova_emission<double> sn{};
  nusi::propagation_setup<double> near = s;
  near.distance_cm = nusi::kpc(10.0);
  CHECK_THROWS_WITH_AS(nusi::event_likelihood_ratio<double>(1e-6, near, sn, nusi::sn1987a_observations(table())),
                       doctest::Contains("setup.distance_cm"), E);
  CHECK_THROWS_WITH_AS(nusi::event_likelihood_ratio<double>(1e-6, s, sn, {}), doctest::Contains("observations"), E);
  CHECK_THROWS_WITH_AS(nusi::event_likelihood_ratio<double>(1e-6, s, sn, {nusi::asimov_observation(nusi::super_kamiokande<double>())}),
                       doctest::Contains("asimov"), E);
  nusi::event_bound_options<double> o;
  o.normalisation_min = 2;
  CHECK_THROWS_WITH_AS(nusi::sn1987a_event_bound(-6.0, s, sn, table(), o), doctest::Contains("normalisation_min"), E);
  o = {};
  o.confidence_level = 1;
  CHECK_THROWS_WITH_AS(nusi::sn1987a_event_bound(-6.0, s, sn, table(), o), doctest::Contains("confidence_level"), E);
  o = {};
  o.delta_chi2_threshold = 0;
  CHECK_THROWS_WITH_AS(nusi::sn1987a_event_bound(-6.0, s, sn, table(), o), doctest::Contains("delta_chi2_threshold"), E);
  o = {};
  o.log10_g_max = -5;
  CHECK_THROWS_WITH_AS(nusi::sn1987a_event_bound(-6.0, s, sn, table(), o), doctest::Contains("log10_g_min"), E);
  o = {};
  o.likelihood = nusi::event_likelihood::binned;
  auto bad = nusi::sn1987a_observations(table());
  bad[1].counts.pop_back();
  CHECK_THROWS_WITH_AS(nusi::event_bound(-6.0, s, sn, bad, o), doctest::Contains("observations[1].counts"), E);
  CHECK_THROWS_WITH_AS(nusi::sn1987a_event_bound(40.0, s, sn, table(), o), doctest::Contains("log10_mass_MeV"), E);
  CHECK_THROWS_WITH_AS(nusi::event_likelihood_ratio<double>(1e-6, s, sn.spectrum(), 0.0, nusi::sn1987a_observations(table())),
                       doctest::Contains("number_per_cm2"), E);
  CHECK_THROWS_WITH_AS(nusi::expected_event_counts(near, sn, {nusi::imb<double>()}), doctest::Contains("setup.distance_cm"), E);
}

}  // namespace nusi_test_event_bound
