// SPDX-License-Identifier: MIT
// Facts about expected supernova-neutrino events (nusi/detection/event_rates.hpp).
#include <nusi/detection/event_rates.hpp>

#include <cmath>
#include <limits>
#include <vector>

#include <boost/math/quadrature/gauss_kronrod.hpp>
#include <doctest/doctest.h>

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
