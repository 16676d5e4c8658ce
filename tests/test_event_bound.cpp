// SPDX-License-Identifier: MIT
// Event-level bounds (event_bound.hpp): spectra at Earth on fixed bins, the folded detectors against
// detector_response, likelihood profiles in closed form, the no-interaction limit, Asimov scaling, and
// the ordering of windowed and time-integrated counts.
#include <doctest/doctest.h>

#include <cmath>
#include <limits>
#include <numeric>
#include <vector>

#include <nusi/event_bound.hpp>

#include "test_support.hpp"

namespace {

using nusi_test::setup_at;

const std::vector<nusi::sn1987a_event<double>>& table() {
  static const auto t = nusi::load_sn1987a_events<double>(std::string(NUSI_DATA_DIR) + "/sn1987a/sn1987a_events.csv");
  return t;
}

}  // namespace

TEST_CASE("rebinning keeps the number in the common range, and grid bins tile the grid") {
  const std::vector<double> from{0, 1, 2, 4}, counts{1, 2, 4};
  CHECK(nusi::rebinned_counts(from, counts, from) == counts);  // onto itself: identity
  const auto coarse = nusi::rebinned_counts(from, counts, {0.0, 2.0, 4.0});
  CHECK(coarse[0] == doctest::Approx(3.0).epsilon(1e-15));
  CHECK(coarse[1] == doctest::Approx(4.0).epsilon(1e-15));
  const auto fine = nusi::rebinned_counts(from, counts, {0.5, 1.5, 3.0, 5.0});  // flat within source bins
  CHECK(fine[0] == doctest::Approx(0.5 + 1.0).epsilon(1e-15));
  CHECK(fine[1] == doctest::Approx(1.0 + 2.0).epsilon(1e-15));
  CHECK(fine[2] == doctest::Approx(2.0).epsilon(1e-15));
  const auto edges = nusi::transport_bin_edges(5.0, nusi::energy_grid_options<double>{});
  CHECK(edges.size() == 401);
  CHECK(edges.front() == doctest::Approx(0.01).epsilon(0.03));  // the grid is shifted by < 1 spacing
  CHECK(std::find(edges.begin(), edges.end(), 5.0) != edges.end());  // the threshold is an edge
}

TEST_CASE("the transport's spectrum at Earth as a binned_spectrum: normalisation per emitted neutrino") {
  const auto emission = nusi::pinched_spectrum<double>::paper_default();
  const auto weak = nusi::propagate_energy(setup_at(-6, -6), emission);
  const auto spectrum = nusi::binned_spectrum_at_earth(weak);
  // Number at Earth = number on the nodes (underflow excluded); 1 to the grid's coverage of the
  // spectrum (0.01-200 MeV, ~1e-6 below 0.01 MeV) without interactions.
  CHECK(spectrum.total_per_primary() == doctest::Approx(weak.number_at_earth - weak.underflow_number).epsilon(1e-12));
  CHECK(spectrum.total_per_primary() == doctest::Approx(1.0).epsilon(1e-5));
  // The expected K-II count from it equals the pinched spectrum's (second order in the 2.5% spacing).
  const nusi::detector_response<double> k2(nusi::kamiokande_ii<double>());
  const nusi::supernova_emission<double> sn{};
  CHECK(k2.expected_events(spectrum, sn.number_per_cm2()) ==
        doctest::Approx(k2.expected_events(sn.spectrum(), sn.number_per_cm2())).epsilon(1e-3));
  // With interactions the number grows by one per scattering (up-scattered relic neutrinos).
  const auto strong = nusi::propagate_energy(setup_at(-6, -2.2), emission);
  CHECK(nusi::binned_spectrum_at_earth(strong).total_per_primary() > 1.5);
}

TEST_CASE("folded_detector equals detector_response on spectra flat in the same bins") {
  const auto emission = nusi::pinched_spectrum<double>::paper_default();
  const auto r = nusi::propagate_energy(setup_at(-3.0, -2.4), emission);  // resonance at 10 MeV
  const auto edges = nusi::transport_bin_edges(5.0, nusi::energy_grid_options<double>{});
  std::vector<double> n = r.at_earth;
  for (double& x : n) x = std::max(x, 0.0);
  const auto counts = nusi::rebinned_counts(nusi::grid_bin_edges(r.energy_MeV), n, edges);
  const nusi::binned_spectrum<double> s(edges, counts);
  const double npc = nusi::supernova_emission<double>{}.number_per_cm2();
  const double inf = std::numeric_limits<double>::infinity();
  const auto obs = nusi::sn1987a_observed_events(table(), nusi::sn1987a_detector::kamiokande_ii);
  for (const auto& det : {nusi::kamiokande_ii<double>(), nusi::imb<double>(), nusi::juno<double>(), nusi::dune<double>()}) {
    CAPTURE(det.name);
    const double t = det.threshold_MeV;
    const std::vector<double> measured{t, t + 5, t + 10, t + 20, inf};
    // Different quadrature (0.1 vs 0.25 MeV panels, different splitting): agreement to 1e-6 shows both converged.
    const nusi::folded_detector<double> f(det, edges, measured, obs, 0.1);
    const nusi::detector_response<double> response(det);
    CHECK(f.expected_events(counts, npc) == doctest::Approx(response.expected_events(s, npc)).epsilon(1e-6));
    const auto a = f.expected_events_in_bins(counts, npc);
    const auto b = response.expected_events_in_bins(s, npc, std::span<const double>(measured));
    for (std::size_t j = 0; j < a.size(); ++j) CHECK(a[j] == doctest::Approx(b[j]).epsilon(1e-6));
    if (det.channel == nusi::detection_channel::inverse_beta_decay && det.threshold_MeV < 5) {
      const auto d = f.event_densities_per_MeV(counts, npc);
      for (std::size_t i = 0; i < obs.size(); ++i)
        CHECK(d[i] == doctest::Approx(response.event_density_per_MeV(s, npc, obs[i].energy_MeV, obs[i].energy_error_MeV)).epsilon(1e-6));
    }
  }
}

TEST_CASE("unscattered bin contents: the emitted spectrum at g -> 0, F_0 above threshold") {
  const auto emission = nusi::pinched_spectrum<double>::paper_default();
  const auto edges = nusi::transport_bin_edges(5.0, nusi::energy_grid_options<double>{});
  const auto none = nusi::unscattered_counts_in_bins(setup_at(-6, -7), emission, edges);
  for (std::size_t k = 0; k + 1 < edges.size(); k += 37) {
    const double expected = emission.complementary_probability(edges[k]) - emission.complementary_probability(edges[k + 1]);
    CHECK(none[k] == doctest::Approx(expected).epsilon(1e-8));  // adaptive quadrature tolerance 1e-9
  }
  const auto s = setup_at(-3, -2.2);
  const auto some = nusi::unscattered_counts_in_bins(s, emission, edges);
  double above = 0;
  for (std::size_t k = 0; k + 1 < edges.size(); ++k)
    if (edges[k] >= 5.0) above += some[k];
  CHECK(above == doctest::Approx(nusi::unscattered_fraction_above_threshold(s, emission)).epsilon(1e-8));
}

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

TEST_CASE("SN 1987A event bound: q crosses the 90% level at the bound") {
  const nusi::propagation_setup<double> s;
  const nusi::supernova_emission<double> sn{};
  const nusi::event_bound_options<double> o;
  const auto b = nusi::sn1987a_event_bound(-6.0, s, sn, table(), o);
  REQUIRE(b.found);
  const nusi::event_likelihood_ratio<double> llr(1e-6, s, sn, nusi::sn1987a_observations(table()), o);
  CHECK(-2 * llr(std::pow(10.0, b.log10_g_bound + o.log10_g_tolerance)) >= llr.delta_chi2());
  CHECK(-2 * llr(std::pow(10.0, b.log10_g_bound - 2 * o.log10_g_tolerance)) < llr.delta_chi2());
  CHECK(llr.delta_chi2() == doctest::Approx(2.7055).epsilon(1e-4));  // chi^2_1 at 90%
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

TEST_CASE("event bounds reject bad input by name") {
  using E = nusi::invalid_argument;
  const nusi::propagation_setup<double> s;
  const nusi::supernova_emission<double> sn{};
  const auto edges = nusi::transport_bin_edges(5.0, nusi::energy_grid_options<double>{});
  CHECK_THROWS_WITH_AS(nusi::rebinned_counts<double>({0, 1}, {1, 2}, {0, 1}), doctest::Contains("from_counts"), E);
  CHECK_THROWS_WITH_AS(nusi::rebinned_counts<double>({0, 1}, {1}, {1, 0}), doctest::Contains("to_edges[1]"), E);
  CHECK_THROWS_WITH_AS(nusi::grid_bin_edges<double>({1.0}), doctest::Contains("nodes_MeV"), E);
  CHECK_THROWS_WITH_AS(nusi::folded_detector<double>(nusi::kamiokande_ii<double>(), {1.0, 0.5}), doctest::Contains("true_edges_MeV[1]"), E);
  CHECK_THROWS_WITH_AS(nusi::folded_detector<double>(nusi::kamiokande_ii<double>(), edges, {5.0}), doctest::Contains("measured_edges_MeV"), E);
  CHECK_THROWS_WITH_AS(nusi::folded_detector<double>(nusi::kamiokande_ii<double>(), edges, {}, {}, 0.0), doctest::Contains("panel_width_MeV"), E);
  const nusi::folded_detector<double> f(nusi::kamiokande_ii<double>(), edges);
  CHECK_THROWS_WITH_AS(f.expected_events(std::vector<double>{1.0}, 1.0), doctest::Contains("n.size()"), E);
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
  o.log10_g_max = -5;
  CHECK_THROWS_WITH_AS(nusi::sn1987a_event_bound(-6.0, s, sn, table(), o), doctest::Contains("log10_g_min"), E);
  o = {};
  o.likelihood = nusi::event_likelihood::binned;
  auto bad = nusi::sn1987a_observations(table());
  bad[1].counts.pop_back();
  CHECK_THROWS_WITH_AS(nusi::event_bound(-6.0, s, sn, bad, o), doctest::Contains("observations[1].counts"), E);
  CHECK_THROWS_WITH_AS(nusi::sn1987a_event_bound(40.0, s, sn, table(), o), doctest::Contains("log10_mass_MeV"), E);
}
