// SPDX-License-Identifier: MIT
// Facts about expected supernova-neutrino events (nusi/detection/event_rates.hpp): closed forms and
// independent quadratures, rebinning, and the folded detector against detector_response.
#include <nusi/detection/event_rates.hpp>

#include <algorithm>
#include <cmath>
#include <limits>
#include <span>
#include <utility>
#include <vector>

#include <boost/math/quadrature/gauss_kronrod.hpp>
#include <boost/math/quadrature/tanh_sinh.hpp>
#include <doctest/doctest.h>

namespace nusi_test_detection_event_rates {  // this file's own: the suite compiles in batches of files (tests/CMakeLists.txt)

namespace {
using R = double;

/// A detector that sees every IBD at its true energy: no threshold, efficiency or resolution.
nusi::detector<R> ideal_ibd_detector(R targets) {
  return {.name = "ideal", .targets = targets, .threshold_MeV = 0, .visible_energy_offset_MeV = 0, .resolution = {}, .efficiency = {}};
}
}  // namespace

TEST_CASE("the emitted number is the flavour energy over the mean energy, spread over 4 pi D^2") {
  const nusi::supernova_emission<R> sn{};  // 5e52 erg, <E> = 15 MeV, 50 kpc
  // 5e52 erg = 5e52 / 1.602176634e-6 MeV.
  CHECK(sn.emitted_number() == doctest::Approx(5e52 / 1.602176634e-6 / 15).epsilon(1e-14));
  const double D = 50 * 3.0856775814913673e21;
  CHECK(sn.number_per_cm2() == doctest::Approx(sn.emitted_number() / (4 * M_PI * D * D)).epsilon(1e-14));
  CHECK(sn.spectrum().alpha() == doctest::Approx(160.0 / 65.0).epsilon(1e-14));  // paper's pinching
}

TEST_CASE("an ideal detector counts N_p Phi_0 times the spectrum-averaged cross section") {
  const nusi::detector_response<R> response(ideal_ibd_detector(1e32));
  const nusi::supernova_emission<R> sn{};
  const auto spectrum = sn.spectrum();
  // Independent quadrature: adaptive Gauss-Kronrod of f(E) sigma(E) from threshold to 200 MeV.
  const double integral = boost::math::quadrature::gauss_kronrod<double, 31>::integrate(
      [&](double E) { return spectrum.probability_density_per_MeV(E) * nusi::ibd_cross_section_cm2(E); },
      nusi::ibd_threshold_MeV<double>(), 200.0, 15, 1e-12);
  CHECK(response.expected_events(spectrum, sn.number_per_cm2()) ==
        doctest::Approx(1e32 * sn.number_per_cm2() * integral).epsilon(1e-8));  // both quadratures converged
}

TEST_CASE("expected counts scale linearly with targets and emitted energy and as 1/D^2") {
  nusi::supernova_emission<R> sn{};
  auto det = nusi::kamiokande_ii<R>();
  const nusi::detector_response<R> k2(det);
  const double base = nusi::expected_events(k2, sn);
  det.targets *= 3;
  CHECK(nusi::expected_events(nusi::detector_response<R>(det), sn) == doctest::Approx(3 * base).epsilon(1e-13));  // rounding
  sn.energy_erg *= 2;
  CHECK(nusi::expected_events(k2, sn) == doctest::Approx(2 * base).epsilon(1e-13));
  sn.energy_erg /= 2;
  sn.distance_cm /= 5;
  CHECK(nusi::expected_events(k2, sn) == doctest::Approx(25 * base).epsilon(1e-13));
}

TEST_CASE("binned counts add up to the total above threshold and nothing is counted below it") {
  const nusi::supernova_emission<R> sn{};
  for (const auto& det : {nusi::kamiokande_ii<R>(), nusi::imb<R>(), nusi::baksan<R>()}) {
    CAPTURE(det.name);
    const nusi::detector_response<R> response(det);
    const std::vector<R> edges{0, 2, 5, 10, 15, 20, 30, 45, 70, std::numeric_limits<R>::infinity()};
    const auto bins = response.expected_events_in_bins(sn.spectrum(), sn.number_per_cm2(), edges);
    double sum = 0;
    for (std::size_t i = 0; i < bins.size(); ++i) {
      CHECK(bins[i] >= 0.0);
      if (edges[i + 1] <= det.threshold_MeV) CHECK(bins[i] == 0.0);
      sum += bins[i];
    }
    CHECK(sum == doctest::Approx(nusi::expected_events(response, sn)).epsilon(1e-12));  // same nodes, telescoping sum
  }
}

TEST_CASE("the energy quadrature has converged: halving the panel width changes no count") {
  const nusi::supernova_emission<R> sn{};
  for (const auto& det : {nusi::kamiokande_ii<R>(), nusi::imb<R>(), nusi::baksan<R>(), nusi::dune<R>()}) {
    CAPTURE(det.name);
    const double coarse = nusi::expected_events(nusi::detector_response<R>(det), sn);
    const double fine = nusi::expected_events(nusi::detector_response<R>(det, {.max_energy_MeV = 200, .panel_width_MeV = 0.125}), sn);
    CHECK(coarse == doctest::Approx(fine).epsilon(1e-6));  // kinks of eta limit the order; still < 1e-6
  }
}

TEST_CASE("a binned spectrum of the emitted spectrum gives the same counts") {
  const nusi::supernova_emission<R> sn{};
  const auto spectrum = sn.spectrum();
  std::vector<R> edges, numbers;
  for (double E = 0; E <= 200.0 + 1e-9; E += 0.5) edges.push_back(E);
  for (std::size_t i = 0; i + 1 < edges.size(); ++i)
    numbers.push_back(spectrum.cumulative_probability(edges[i + 1]) - spectrum.cumulative_probability(edges[i]));
  const nusi::binned_spectrum<R> binned(edges, numbers);
  CHECK(binned.total_per_primary() == doctest::Approx(1.0).epsilon(1e-12));
  const nusi::detector_response<R> response(nusi::kamiokande_ii<R>());
  // Flat-in-bin densities differ from the smooth one at O(h^2 f'') per bin: 1e-4 for h = 0.5 MeV.
  CHECK(response.expected_events(binned, sn.number_per_cm2()) ==
        doctest::Approx(nusi::expected_events(response, sn)).epsilon(1e-3));
  // A spectrum with every neutrino below 5 MeV gives no IMB event (threshold 15 MeV).
  const nusi::binned_spectrum<R> low({0.0, 5.0}, {1.0});
  CHECK(nusi::detector_response<R>(nusi::imb<R>()).expected_events(low, sn.number_per_cm2()) < 1e-12);
}

TEST_CASE("without secret interactions SN 1987A counts are compatible with the observed events") {
  // 5e52 erg in anti-nu_e, <E> = 15 MeV, <E^2> = 290 MeV^2, 50 kpc (the paper's inputs, untuned).
  // Observed: K-II 12 (16 minus 4 likely background), IMB 8, Baksan 5 (about 1-2 background). The
  // ranges are the observed counts +- 2 sqrt(N): a no-interaction model should sit inside them.
  const nusi::supernova_emission<R> sn{};
  const double k2 = nusi::expected_events(nusi::detector_response<R>(nusi::kamiokande_ii<R>()), sn);
  const double imb = nusi::expected_events(nusi::detector_response<R>(nusi::imb<R>()), sn);
  const double bak = nusi::expected_events(nusi::detector_response<R>(nusi::baksan<R>()), sn);
  CHECK(k2 > 12 - 2 * std::sqrt(12.0));
  CHECK(k2 < 12 + 2 * std::sqrt(12.0));
  CHECK(imb > 8 - 2 * std::sqrt(8.0));
  CHECK(imb < 8 + 2 * std::sqrt(8.0));
  CHECK(bak > 5 - 2 * std::sqrt(5.0));
  CHECK(bak < 5 + 2 * std::sqrt(5.0));
}

TEST_CASE("a Galactic supernova at 10 kpc gives the counts the collaborations quote") {
  // 3e53 erg shared by six species: 5e52 erg in each of anti-nu_e and nu_e, <E> = 15 MeV (paper).
  nusi::supernova_emission<R> sn{};
  sn.distance_cm = nusi::kpc(10.0);
  const auto count = [&](const nusi::detector<R>& d) { return nusi::expected_events(nusi::detector_response<R>(d), sn); };
  const double sk = count(nusi::super_kamiokande<R>());
  CHECK(sk > 7000);  // Super-K: 7000-8000 IBD in 32.5 kt (Abe et al., Astropart. Phys. 81 (2016) 39)
  CHECK(sk < 8000);
  const double juno = count(nusi::juno<R>());
  CHECK(juno > 4000);  // JUNO Yellow Book: about 5000 IBD at 10 kpc
  CHECK(juno < 6000);
  const double hk = count(nusi::hyper_kamiokande<R>());
  CHECK(hk == doctest::Approx(sk * 216.0 / 32.5).epsilon(1e-12));  // same detector model, 216 kt
  const double dune = count(nusi::dune<R>());
  CHECK(dune > 2000);  // DUNE (EPJC 81 (2021) 423): a few thousand nu_e CC in 40 kt
  CHECK(dune < 6000);
}

TEST_CASE("detector responses and spectra reject bad input naming the parameter") {
  const nusi::supernova_emission<R> sn{};
  nusi::supernova_emission<R> bad = sn;
  bad.distance_cm = 0;
  CHECK_THROWS_WITH_AS(bad.number_per_cm2(), doctest::Contains("emission.distance_cm"), nusi::invalid_argument);
  bad = sn;
  bad.mean_square_energy_MeV2 = 100;
  CHECK_THROWS_WITH_AS(bad.spectrum(), doctest::Contains("emission.mean_square_energy_MeV2"), nusi::invalid_argument);
  CHECK_THROWS_WITH_AS(nusi::binned_spectrum<R>({0.0, 2.0, 1.0}, {1.0, 1.0}), doctest::Contains("edges_MeV[2]"),
                       nusi::invalid_argument);
  CHECK_THROWS_WITH_AS(nusi::binned_spectrum<R>({0.0, 2.0}, {-1.0}), doctest::Contains("number_per_primary[0]"),
                       nusi::invalid_argument);
  CHECK_THROWS_WITH_AS(nusi::binned_spectrum<R>({0.0, 2.0}, {1.0, 2.0}), doctest::Contains("number_per_primary.size()"),
                       nusi::invalid_argument);
  CHECK_THROWS_WITH_AS(nusi::detector_response<R>(nusi::kamiokande_ii<R>(), {.max_energy_MeV = 1.0, .panel_width_MeV = 0.25}),
                       doctest::Contains("quadrature.max_energy_MeV"), nusi::invalid_argument);
  const nusi::detector_response<R> response(nusi::kamiokande_ii<R>());
  auto negative = [](R E) { return E > 10 ? -1.0 : 0.0; };
  CHECK_THROWS_WITH_AS(response.expected_events(negative, 1.0), doctest::Contains("spectrum_at_earth"), nusi::invalid_argument);
  CHECK_THROWS_WITH_AS(response.expected_events(sn.spectrum(), -1.0), doctest::Contains("number_per_cm2"), nusi::invalid_argument);
  const std::vector<R> edges{10.0, 5.0};
  CHECK_THROWS_WITH_AS(response.expected_events_in_bins(sn.spectrum(), 1.0, edges), doctest::Contains("edges_MeV[1]"),
                       nusi::invalid_argument);
  CHECK_THROWS_WITH_AS(response.event_density_per_MeV(sn.spectrum(), 1.0, 10.0, 0.0), doctest::Contains("measured_error_MeV"),
                       nusi::invalid_argument);
  auto det = nusi::kamiokande_ii<R>();
  det.efficiency = [](R) { return 1.5; };
  CHECK_THROWS_WITH_AS(nusi::detector_response<R>{det}, doctest::Contains("detector.efficiency"), nusi::invalid_argument);
}

TEST_CASE("expected counts in long double agree with double to double rounding") {
  // float is out: 5e52 erg exceeds its range and cm^2 cross sections (1e-42) are subnormal in it.
  // (A double instance would compare the double result with itself.)
  using L = long double;
  const nusi::supernova_emission<L> sn{};
  const nusi::detector_response<L> response(nusi::kamiokande_ii<L>());
  const double reference = nusi::expected_events(nusi::detector_response<double>(nusi::kamiokande_ii<double>()),
                                                 nusi::supernova_emission<double>{});
  CHECK(double(nusi::expected_events(response, sn)) == doctest::Approx(reference).epsilon(1e-12));  // double rounding
}

TEST_CASE("float cannot hold a supernova energy in erg and says so") {
  const nusi::supernova_emission<float> sn{};  // 5e52 erg -> +inf in float
  CHECK_THROWS_WITH_AS(sn.number_per_cm2(), doctest::Contains("emission.energy_erg"), nusi::invalid_argument);
}

TEST_CASE("a response gives the same counts for a binned spectrum on first and repeated use") {
  // The nodes split at a spectrum's bin edges are cached: a second call, a different grid, and a copy
  // of the response must all give what a fresh response gives.
  const nusi::supernova_emission<R> sn{};
  const nusi::binned_spectrum<R> a({0.0, 10.0, 20.0, 40.0}, {0.3, 0.5, 0.2});
  const nusi::binned_spectrum<R> b({0.0, 15.0, 60.0}, {0.6, 0.4});
  const nusi::detector_response<R> response(nusi::imb<R>());
  const double first = response.expected_events(a, sn.number_per_cm2());
  CHECK(response.expected_events(b, sn.number_per_cm2()) ==
        nusi::detector_response<R>(nusi::imb<R>()).expected_events(b, sn.number_per_cm2()));
  const nusi::detector_response<R> copy = response;
  CHECK(copy.expected_events(a, sn.number_per_cm2()) == first);
  CHECK(response.expected_events(a, sn.number_per_cm2()) == first);
}

TEST_CASE("rebinning keeps the number in the common range and is exact for flat bins") {
  const std::vector<double> from{0, 1, 2, 4}, counts{1, 2, 4};
  CHECK(nusi::rebinned_counts(from, counts, from) == counts);  // onto itself: identity
  const auto coarse = nusi::rebinned_counts(from, counts, {0.0, 2.0, 4.0});
  CHECK(coarse[0] == doctest::Approx(3.0).epsilon(1e-15));
  CHECK(coarse[1] == doctest::Approx(4.0).epsilon(1e-15));
  const auto fine = nusi::rebinned_counts(from, counts, {0.5, 1.5, 3.0, 5.0});  // flat within source bins
  CHECK(fine[0] == doctest::Approx(0.5 + 1.0).epsilon(1e-15));
  CHECK(fine[1] == doctest::Approx(1.0 + 2.0).epsilon(1e-15));
  CHECK(fine[2] == doctest::Approx(2.0).epsilon(1e-15));
}

namespace {
/// 400 log-spaced bins over 0.01-200 MeV (the transport's bins, without the threshold shift) holding
/// the paper's pinched spectrum with a resonance-like dip at 10 MeV: a spectrum at Earth with structure.
std::pair<std::vector<double>, std::vector<double>> dipped_spectrum_bins() {
  const auto pinched = nusi::pinched_spectrum<double>::paper_default();
  std::vector<double> edges(401), counts(400);
  for (std::size_t k = 0; k < edges.size(); ++k) edges[k] = 0.01 * std::pow(2e4, double(k) / 400);
  edges.back() = 200;  // the top of detector_response's default quadrature
  for (std::size_t k = 0; k < counts.size(); ++k) {
    const double centre = (edges[k] + edges[k + 1]) / 2, dip = (centre - 10) / 1.5;
    counts[k] = (pinched.complementary_probability(edges[k]) - pinched.complementary_probability(edges[k + 1])) *
                (1 - 0.9 * std::exp(-dip * dip / 2));
  }
  return {edges, counts};
}
}  // namespace

TEST_CASE("folded_detector equals detector_response on spectra flat in the same bins") {
  const auto [edges, counts] = dipped_spectrum_bins();
  const nusi::binned_spectrum<R> s(edges, counts);
  const double npc = nusi::supernova_emission<R>{}.number_per_cm2();
  const double inf = std::numeric_limits<R>::infinity();
  const std::vector<nusi::observed_event<R>> events{{7.5, 2.0, 0.0}, {12.0, 3.0, 0.0}, {20.0, 3.5, 0.0}, {35.0, 5.0, 0.0}};
  for (const auto& det : {nusi::kamiokande_ii<R>(), nusi::imb<R>(), nusi::juno<R>(), nusi::dune<R>()}) {
    CAPTURE(det.name);
    const double t = det.threshold_MeV;
    const std::vector<R> measured{t, t + 5, t + 10, t + 20, inf};
    const nusi::detector_response<R> response(det);  // 0.25 MeV panels split at the bin edges
    const auto b = response.expected_events_in_bins(s, npc, std::span<const R>(measured));
    for (R width : {0.25, 0.1}) {
      CAPTURE(width);
      // 0.25 MeV: the same nodes (same panels in every bin, same detection physics), so only the order
      // of summation of ~2e4 positive terms differs: 1e-12. 0.1 MeV: a finer quadrature; agreement to
      // 1e-6 shows both converged.
      const double tolerance = width == 0.25 ? 1e-12 : 1e-6;
      const nusi::folded_detector<R> f(det, edges, measured, events, width);
      CHECK(f.expected_events(counts, npc) == doctest::Approx(response.expected_events(s, npc)).epsilon(tolerance));
      const auto a = f.expected_events_in_bins(counts, npc);
      for (std::size_t j = 0; j < a.size(); ++j) CHECK(a[j] == doctest::Approx(b[j]).epsilon(tolerance));
      const auto d = f.event_densities_per_MeV(counts, npc);
      for (std::size_t i = 0; i < events.size(); ++i)
        if (events[i].energy_MeV >= t)
          CHECK(d[i] == doctest::Approx(response.event_density_per_MeV(s, npc, events[i].energy_MeV, events[i].energy_error_MeV))
                             .epsilon(tolerance));
    }
  }
}

TEST_CASE("a folded ideal detector holds N_p times the bin average of the IBD cross section") {
  // Independent quadrature: tanh-sinh of sigma over each bin from the IBD threshold up (it handles the
  // sqrt(E - E_thr) edge of the cross section at threshold).
  const std::vector<R> edges{0.0, 1.0, 2.0, 3.5, 7.0, 15.0, 40.0, 100.0};
  const nusi::folded_detector<R> f(ideal_ibd_detector(1e32), edges);
  boost::math::quadrature::tanh_sinh<double> tanh_sinh;  // Boost 1.74: integrate() is not const
  for (std::size_t k = 0; k + 1 < edges.size(); ++k) {
    CAPTURE(k);
    std::vector<R> unit(edges.size() - 1, 0.0);
    unit[k] = 1;  // one neutrino per cm^2 in bin k
    const double per_bin = f.expected_events(unit, 1.0) * (edges[k + 1] - edges[k]) / 1e32;  // integral of sigma
    const double lo = std::max(edges[k], nusi::ibd_threshold_MeV<R>());
    if (!(lo < edges[k + 1])) {
      CHECK(per_bin == 0.0);  // below threshold
      continue;
    }
    const double integral = tanh_sinh.integrate([](double E) { return nusi::ibd_cross_section_cm2(E); }, lo, edges[k + 1], 1e-14);
    // Smooth integrand on <= 0.25 MeV panels of 8 Gauss points: rounding only. The bin holding the
    // threshold converges as h^1.5 at the square-root edge: 2e-4 there (a bin holding < 1e-4 of a
    // supernova's IBD events).
    const double tolerance = edges[k] < nusi::ibd_threshold_MeV<R>() ? 1e-3 : 1e-13;
    CHECK(per_bin / integral == doctest::Approx(1.0).epsilon(tolerance));
  }
}

TEST_CASE("rebinning and folded detectors reject bad input naming the parameter") {
  using E = nusi::invalid_argument;
  CHECK_THROWS_WITH_AS(nusi::rebinned_counts<R>({0, 1}, {1, 2}, {0, 1}), doctest::Contains("from_counts"), E);
  CHECK_THROWS_WITH_AS(nusi::rebinned_counts<R>({0, 1}, {1}, {1, 0}), doctest::Contains("to_edges[1]"), E);
  CHECK_THROWS_WITH_AS(nusi::rebinned_counts<R>({0, 1}, {-1}, {0, 1}), doctest::Contains("from_counts[0]"), E);
  const std::vector<R> edges{0.0, 5.0, 10.0, 50.0};
  const auto k2 = nusi::kamiokande_ii<R>();
  CHECK_THROWS_WITH_AS(nusi::folded_detector<R>(k2, {1.0, 0.5}), doctest::Contains("true_edges_MeV[1]"), E);
  CHECK_THROWS_WITH_AS(nusi::folded_detector<R>(k2, {-1.0, 0.5}), doctest::Contains("true_edges_MeV[0]"), E);
  CHECK_THROWS_WITH_AS(nusi::folded_detector<R>(k2, edges, {5.0}), doctest::Contains("measured_edges_MeV"), E);
  CHECK_THROWS_WITH_AS(nusi::folded_detector<R>(k2, edges, {5.0, std::numeric_limits<R>::infinity(), 10.0}),
                       doctest::Contains("measured_edges_MeV[1]"), E);
  CHECK_THROWS_WITH_AS(nusi::folded_detector<R>(k2, edges, {}, {{10.0, 0.0, 0.0}}), doctest::Contains("events[0].energy_error_MeV"), E);
  CHECK_THROWS_WITH_AS(nusi::folded_detector<R>(k2, edges, {}, {}, 0.0), doctest::Contains("panel_width_MeV"), E);
  auto bad = k2;
  bad.efficiency = [](R) { return 1.5; };
  CHECK_THROWS_WITH_AS(nusi::folded_detector<R>(bad, edges), doctest::Contains("detector.efficiency"), E);
  const nusi::folded_detector<R> f(k2, edges);
  CHECK_THROWS_WITH_AS(f.expected_events(std::vector<R>{1.0}, 1.0), doctest::Contains("n.size()"), E);
  CHECK_THROWS_WITH_AS(f.expected_events(std::vector<R>{1.0, -1.0, 0.0}, 1.0), doctest::Contains("n[1]"), E);
  CHECK_THROWS_WITH_AS(f.expected_events(std::vector<R>{1.0, 1.0, 0.0}, -1.0), doctest::Contains("number_per_cm2"), E);
}

}  // namespace nusi_test_detection_event_rates
