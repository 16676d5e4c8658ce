// SPDX-License-Identifier: MIT
// A supernova model downstream (emission/detection.hpp with propagate.hpp, propagation_bound.hpp and the
// detectors): a constant model read from each format reproduces the default pinched spectrum's F,
// propagation bound and SN 1987A expected counts to 1e-6; counts in emission-time bins follow the
// luminosity; the nu_e counts after conversion are the converted mixture of the emitted fluxes.
#include <doctest/doctest.h>

#include <cmath>
#include <string>
#include <vector>

#include <nusi/detection/detectors.hpp>
#include <nusi/detection/event_rates.hpp>
#include <nusi/emission/detection.hpp>
#include <nusi/emission/model_files.hpp>
#include <nusi/event_bound.hpp>
#include <nusi/propagation_bound.hpp>
#include <nusi/transport/propagate.hpp>

#include "test_support.hpp"

namespace nusi_test_emission_detection {  // this file's own: the suite compiles in batches of files (tests/CMakeLists.txt)

using nusi_test::rel;

namespace {
std::string data(const std::string& name) { return std::string(NUSI_DATA_DIR) + "/emission/" + name; }

struct constant_models {
  std::vector<nusi::supernova_model<double>> models;
  std::vector<std::string> names{"csv", "garching", "nakazato"};
  constant_models() {
    models.push_back(nusi::load_supernova_model<double>(data("constant_model.csv"), nusi::emission_format::csv));
    models.push_back(nusi::load_supernova_model<double>(data("constant_garching"), nusi::emission_format::garching));
    models.push_back(nusi::load_supernova_model<double>(data("constant_nakazato.dat"), nusi::emission_format::nakazato));
  }
};

nusi::propagation_setup<double> at(double log10_mass_MeV, double log10_g) {
  nusi::propagation_setup<double> s;
  s.med.mass_MeV = std::pow(10.0, log10_mass_MeV);
  s.med.coupling = std::pow(10.0, log10_g);
  return s;
}
}  // namespace

TEST_CASE("a constant model in every format reproduces the default F, propagation bound and SN 1987A counts to 1e-6") {
  const constant_models c;
  const auto paper = nusi::pinched_spectrum<double>::paper_default();
  const nusi::supernova_emission<double> default_source{};  // 5e52 erg, 15 MeV, 290 MeV^2, 50 kpc
  // F where it is well measured: below the resonance (log10 M = -6) and on it (-3), F ~ 0.1-0.6.
  const nusi::propagation_setup<double> points[] = {at(-6, -2.1), at(-3, -2.4)};
  double F_default[2];
  for (int p = 0; p < 2; ++p) F_default[p] = nusi::fraction_above_threshold(points[p], paper).value;
  nusi::propagation_bound_options<double> tight;
  tight.log10_g_tolerance = 1e-10;  // both roots to well below the 1e-6 compared
  const double bound_default[2] = {nusi::propagation_bound(-6.0, {}, paper, tight).log10_g_bound,
                                   nusi::propagation_bound(-3.0, {}, paper, tight).log10_g_bound};
  const std::vector<nusi::detector<double>> detectors{nusi::kamiokande_ii<double>(), nusi::imb<double>(), nusi::baksan<double>()};
  for (std::size_t m = 0; m < c.models.size(); ++m) {
    CAPTURE(c.names[m]);
    const auto flux = c.models[m].flux(nusi::supernova_flavor::nu_e_bar);
    const auto at_earth = nusi::flux_at_earth(flux, default_source.distance_cm);
    // The criterion: 1e-6 relative (measured: 1e-13 for CSV and Garching, 1e-8 for Nakazato's fitted alpha).
    CHECK(at_earth.number_per_cm2 == rel(default_source.number_per_cm2(), 1e-6));
    for (int p = 0; p < 2; ++p) {
      CAPTURE(p);
      CHECK(F_default[p] > 0.05);
      CHECK(nusi::fraction_above_threshold(points[p], at_earth.spectrum).value == rel(F_default[p], 1e-6));
    }
    CHECK(nusi::propagation_bound(-6.0, {}, at_earth.spectrum, tight).log10_g_bound == rel(bound_default[0], 1e-6));
    CHECK(nusi::propagation_bound(-3.0, {}, at_earth.spectrum, tight).log10_g_bound == rel(bound_default[1], 1e-6));
    for (const auto& d : detectors) {
      CAPTURE(d.name);
      const nusi::detector_response<double> response(d);
      // Without secret interactions.
      CHECK(nusi::expected_model_events(response, c.models[m], default_source.distance_cm) ==
            rel(nusi::expected_events(response, default_source), 1e-6));
      // Time-integrated with them: the propagated spectrum at Earth folded with the detector.
      const auto r_model = nusi::propagate_energy(points[0], at_earth.spectrum);
      const auto r_paper = nusi::propagate_energy(points[0], paper);
      CHECK(response.expected_events(nusi::binned_spectrum_at_earth(r_model), at_earth.number_per_cm2) ==
            rel(response.expected_events(nusi::binned_spectrum_at_earth(r_paper), default_source.number_per_cm2()), 1e-6));
    }
    // The moment-matched source for event_bound.hpp is the default one.
    const auto matched = nusi::moment_matched_emission(flux, default_source.distance_cm);
    CHECK(matched.energy_erg == rel(5e52, 1e-13));
    CHECK(matched.mean_energy_MeV == rel(15.0, 1e-13));
    CHECK(matched.mean_square_energy_MeV2 == rel(290.0, 1e-6));  // Nakazato: fitted alpha
  }
}

TEST_CASE("events in emission-time bins follow the luminosity, and add up to the total") {
  // L falls linearly to 0 over 10 s with a constant spectrum: 3/4 of the emission in the first 5 s.
  using S = nusi::emission_sample<double>;
  const nusi::supernova_model<double> ramp(std::nullopt, nusi::flavor_emission<double>({S{0, 1e52, 15, 2.5}, S{10, 0, 15, 2.5}}),
                                           std::nullopt);
  const nusi::detector_response<double> k2(nusi::kamiokande_ii<double>());
  const double D = nusi::kpc(50.0);
  const double total = nusi::expected_model_events(k2, ramp, D);
  const auto bins = nusi::expected_model_events_in_time_bins(k2, ramp, D, {-1.0, 0.0, 5.0, 10.0, 12.0});
  CHECK(bins[0] == 0);  // before the emission
  CHECK(bins[1] == rel(0.75 * total, 1e-12));  // the same spectrum in each bin: only the numbers differ
  CHECK(bins[2] == rel(0.25 * total, 1e-12));
  CHECK(bins[3] == 0);
  // The shaped model: its spectrum changes with time, so the bins' counts add to the total up to the
  // tables' interpolation (1e-8).
  const auto shaped = nusi::load_csv_model<double>(data("shaped_model.csv"));
  std::vector<double> edges{0.0};
  for (double t : {0.05, 0.1, 0.3, 1.0, 3.0, 10.0}) edges.push_back(t);
  const auto shaped_bins = nusi::expected_model_events_in_time_bins(k2, shaped, D, edges);
  double sum = 0;
  for (double b : shaped_bins) sum += b;
  CHECK(sum == rel(nusi::expected_model_events(k2, shaped, D), 1e-8));
}

TEST_CASE("DUNE counts the converted nu_e flux: p times the emitted nu_e plus (1 - p) times nu_x") {
  const auto model = nusi::load_csv_model<double>(data("shaped_model.csv"));
  const nusi::detector_response<double> dune(nusi::dune<double>());
  CHECK(nusi::channel_flavor(dune.model().channel) == nusi::supernova_flavor::nu_e);
  CHECK(nusi::channel_flavor(nusi::detection_channel::inverse_beta_decay) == nusi::supernova_flavor::nu_e_bar);
  const double D = nusi::kpc(10.0);
  auto events = [&](nusi::supernova_flavor f) {  // a flavour's emitted flux at the detector, no conversion
    const auto e = nusi::flux_at_earth(model.flux(f), D);
    return dune.expected_events(e.spectrum, e.number_per_cm2);
  };
  const double e0 = events(nusi::supernova_flavor::nu_e), x0 = events(nusi::supernova_flavor::nu_x);
  for (auto scheme : {nusi::flavor_conversion_scheme::msw_normal, nusi::flavor_conversion_scheme::msw_inverted}) {
    CAPTURE(nusi::scheme_name(scheme));
    const nusi::flavor_conversion<double> c{.scheme = scheme};
    const double p = c.electron_neutrino_survival();
    // 1e-8: one table of the mixed fluence against two tables of its parts.
    CHECK(nusi::expected_model_events(dune, model, D, c) == rel(p * e0 + (1 - p) * x0, 1e-8));
  }
  CHECK(nusi::expected_model_events(dune, model, D) == rel(e0, 1e-15));
}

TEST_CASE("model detection hooks reject bad distances and time bins") {
  const auto model = nusi::load_csv_model<double>(data("constant_model.csv"));
  const nusi::detector_response<double> k2(nusi::kamiokande_ii<double>());
  CHECK_THROWS_WITH_AS(nusi::expected_model_events(k2, model, 0.0), doctest::Contains("distance_cm"), nusi::invalid_argument);
  CHECK_THROWS_WITH_AS(nusi::expected_model_events_in_time_bins(k2, model, 1e23, {0.0}), doctest::Contains("edges_s.size()"),
                       nusi::invalid_argument);
  CHECK_THROWS_WITH_AS(nusi::expected_model_events_in_time_bins(k2, model, 1e23, {1.0, 0.0}), doctest::Contains("edges_s[1]"),
                       nusi::invalid_argument);
  CHECK_THROWS_WITH_AS(nusi::moment_matched_emission(model.flux(nusi::supernova_flavor::nu_e_bar), -1.0),
                       doctest::Contains("distance_cm"), nusi::invalid_argument);
}

}  // namespace nusi_test_emission_detection
