// SPDX-License-Identifier: MIT
// Event-level bounds with a model's time structure (emission/event_bound.hpp): the windowed analysis of
// a model follows its time profile (a constant 10 s emission seen through w keeps w/10 s of it; a 10 ms
// burst gives the instantaneous burst's windowed bound within the Monte Carlo spread); the time-energy
// likelihood against closed forms (an exponential profile without background, a flat profile with a
// flat background), its no-nuSI limit and time quadrature, and its bound beside the energy-only one.
#include <doctest/doctest.h>

#include <cmath>
#include <memory>
#include <numbers>
#include <string>
#include <vector>

#include <nusi/emission/csv_model.hpp>
#include <nusi/emission/detection.hpp>
#include <nusi/emission/event_bound.hpp>
#include <nusi/event_bound.hpp>

#include "test_support.hpp"

namespace nusi_test_emission_event_bound {  // this file's own: the suite compiles in batches of files (tests/CMakeLists.txt)

using nusi_test::rel;

namespace {
using S = nusi::emission_sample<double>;

nusi::flavor_flux<double> single(std::vector<S> rows) {
  return nusi::flavor_flux<double>(nusi::supernova_flavor::nu_e_bar,
                                   {{1.0, std::make_shared<const nusi::flavor_emission<double>>(std::move(rows))}});
}
const std::vector<nusi::sn1987a_event<double>>& table() {
  static const auto t = nusi::load_sn1987a_events<double>(std::string(NUSI_DATA_DIR) + "/sn1987a/sn1987a_events.csv");
  return t;
}
// The paper's spectrum (<E> = 15 MeV, <E^2> = 290 MeV^2: alpha = 160/65) at constant L for `seconds`,
// 5e52 erg in all.
nusi::flavor_flux<double> constant(double seconds) {
  return single({S{0, 5e52 / seconds, 15, 160.0 / 65}, S{seconds, 5e52 / seconds, 15, 160.0 / 65}});
}
double sum(const std::vector<double>& v) {
  double s = 0;
  for (double x : v) s += x;
  return s;
}
}  // namespace

TEST_CASE("a constant 10 s emission seen through a window of w keeps w/10 s of its events, with and without nuSI") {
  const auto flux = constant(10);
  const nusi::propagation_setup<double> setup;
  const double npc = flux.emitted_number() / (4 * std::numbers::pi * setup.distance_cm * setup.distance_cm);
  nusi::event_bound_options<double> o;
  o.timing = nusi::arrival_window::within_window;
  o.window.primaries = 100;
  for (double w : {0.5, 2.5, 10.0}) {
    CAPTURE(w);
    o.window.window_s = w;
    const nusi::event_likelihood_ratio<double, nusi::fluence_spectrum<double>, nusi::emission_arrivals<double>> model(
        1e-6, setup, flux.fluence(), npc, nusi::emission_arrivals<double>(flux, w), nusi::sn1987a_observations(table()), o);
    const nusi::event_likelihood_ratio<double> burst(1e-6, setup, nusi::supernova_emission<double>{}, nusi::sn1987a_observations(table()), o);
    // Without nuSI: the window holds w/10 of the emission, bin by bin (1e-9: the fluence of a constant
    // shape against the pinched spectrum's closed-form bins).
    CHECK(sum(model.reference_counts()) == rel(w / 10 * sum(burst.reference_counts()), 1e-9));
    // The exact (unscattered) part at g = 10^-2.3 scales the same way: attenuation does not depend on
    // the emission time.
    auto s = setup;
    s.med = {.mass_MeV = 1e-6, .coupling = std::pow(10.0, -2.3)};
    const auto u_model = model.arrivals().unscattered_counts(s, o.window, model.true_edges_MeV());
    const auto u_burst = burst.arrivals().unscattered_counts(s, o.window, burst.true_edges_MeV());
    CHECK(sum(u_burst) < 0.5 * sum(burst.reference_counts()));  // a point where nuSI matter
    CHECK(sum(u_model) == rel(w / 10 * sum(u_burst), 1e-9));
  }
}

TEST_CASE("a 10 ms burst's windowed SN 1987A bound is the instantaneous burst's within the Monte Carlo spread") {
  // Seeds 1-4 of each: the bounds' spread measures the Monte Carlo error of one bound; the unscattered
  // parts are the same (a constant pinched shape), so the two means differ by sampling only.
  const auto burst = single({S{0, 5e54, 15, 160.0 / 65}, S{0.01, 5e54, 15, 160.0 / 65}});
  const nusi::propagation_setup<double> setup;
  nusi::event_bound_options<double> o;
  o.timing = nusi::arrival_window::within_window;
  o.window.primaries = 300;
  o.points_per_decade = 5;
  o.log10_g_min = -3;
  o.log10_g_max = -1;
  o.log10_g_tolerance = 1e-3;
  std::vector<double> a, b;
  for (std::uint64_t seed = 1; seed <= 4; ++seed) {
    o.window.seed = seed;
    a.push_back(nusi::model_event_bound(-6.0, setup, burst, nusi::sn1987a_observations(table()), o).log10_g_bound);
    b.push_back(nusi::sn1987a_event_bound(-6.0, setup, nusi::supernova_emission<double>{}, table(), o).log10_g_bound);
  }
  const auto mean = [](const std::vector<double>& v) { return sum(v) / double(v.size()); };
  const auto variance = [&](const std::vector<double>& v) {
    double s = 0;
    for (double x : v) s += (x - mean(v)) * (x - mean(v));
    return s / double(v.size() - 1);
  };
  const double error = std::sqrt((variance(a) + variance(b)) / 4);
  MESSAGE("10 ms model ", mean(a), ", instantaneous ", mean(b), ", error of the difference ", error);
  // 4 standard errors of the difference of the means plus twice the search tolerance; a 3-sample variance
  // is itself uncertain, so the floor 0.01 dex (the spread measured with 4 seeds at 300 primaries, 0.005-0.01).
  CHECK(std::abs(mean(a) - mean(b)) < 4 * std::max(error, 0.01) + 2 * o.log10_g_tolerance);
}

TEST_CASE("time-energy likelihood: an exponential profile without background is flat in the offset at its closed-form maximum") {
  // Arrival rate A N f(E) exp(-t/tau)/tau, events t_i in the window T: profiling A gives A S = N_obs, and
  // ln L = sum ln f_i - sum (t_i + delta)/tau - N ln(tau (1 - e^{-T/tau}) e^{delta/tau}... : the offset
  // cancels (the exponential has no memory), ln L_max = N ln N - N + sum_i ln(s_i(E_i) e^{-t_i/tau} /
  // (tau S_E (1 - e^{-T/tau}))) with s_i/S_E the energy density of the events over the expected count.
  nusi::detector_observation<double> obs;
  obs.det = nusi::detector_model<double>(nusi::sn1987a_detector::kamiokande_ii);
  obs.background_window_s = 3;
  obs.events = {{.energy_MeV = 20, .energy_error_MeV = 3, .time_s = 0},
                {.energy_MeV = 12, .energy_error_MeV = 2, .time_s = 0.3},
                {.energy_MeV = 30, .energy_error_MeV = 5, .time_s = 1.1},
                {.energy_MeV = 9, .energy_error_MeV = 2, .time_s = 2.0}};
  nusi::event_bound_options<double> o;
  o.window.primaries = 10;
  const nusi::time_energy_options<double> t{.time_bin_s = 0.01, .max_offset_s = 0.5, .offset_steps = 25};
  const nusi::time_energy_likelihood_ratio<double> llr(1e-6, nusi::propagation_setup<double>{}, constant(10), {obs}, o, t);
  // The energy part: the time-integrated arrivals of the constant model.
  std::vector<double> c(llr.true_edges_MeV().size() - 1, 0.0);
  for (const auto& row : llr.emitted_counts())
    for (std::size_t k = 0; k < c.size(); ++k) c[k] += row[k];
  const auto& f = llr.detectors()[0];
  const double S = f.expected_events(c, llr.number_per_cm2());
  const auto s = f.event_densities_per_MeV(c, llr.number_per_cm2());
  const double tau = 1.6, T = obs.background_window_s;
  const auto& te = llr.time_edges_s();
  std::vector<std::vector<double>> n;
  for (std::size_t j = 0; j + 1 < te.size(); ++j) {
    std::vector<double> row = c;
    for (double& x : row) x *= std::exp(-te[j] / tau) - std::exp(-te[j + 1] / tau);
    n.push_back(row);
  }
  const double N = double(obs.events.size());
  double expected = N * std::log(N) - N;
  for (std::size_t i = 0; i < obs.events.size(); ++i)
    expected += std::log(s[i] * std::exp(-obs.events[i].time_s / tau) / (tau * S * (1 - std::exp(-T / tau))));
  const auto v = llr.log_likelihood(n);
  // The density is the bin average: relative error <= dt/(2 tau) = 3.1e-3 per event, 4 events: 1.25e-2
  // in ln L (absolute); the profiled A to the golden search's 1e-9 in ln A. The offsets (multiples of
  // 0.02 s) put the window's ends on bin edges.
  CHECK(std::abs(v.log_likelihood - expected) < 4 * t.time_bin_s / (2 * tau));
  // Profiled A: A S_window(delta) = N_obs at the chosen offset.
  const double d0 = v.offsets_s[0];
  // (the window's integral is exact for the bin-integrated profile: 1e-6 for the golden search).
  CHECK(v.normalisation * S * (std::exp(-d0 / tau) - std::exp(-(d0 + T) / tau)) == rel(N, 1e-6));
}

TEST_CASE("time-energy likelihood: one event on a flat profile and a flat background has A = 1/S - b/s") {
  // A constant rate over the whole window: ln L(A) = -A S + ln(A s + b), maximal at A = 1/S - b/s with
  // ln L = -1 + b S/s + ln(s/S), whatever the offset (s the signal density at the event per s and MeV,
  // S the window's expected count, b the background density).
  nusi::detector_observation<double> obs;
  obs.det = nusi::detector_model<double>(nusi::sn1987a_detector::kamiokande_ii);
  obs.background_window_s = 4;
  obs.events = {{.energy_MeV = 15, .energy_error_MeV = 3, .background_per_MeV = 0.004, .time_s = 1.7}};
  nusi::event_bound_options<double> o;
  o.window.primaries = 10;
  o.normalisation_min = 1e-4;
  const nusi::time_energy_options<double> t{.time_bin_s = 0.05, .max_offset_s = 1, .offset_steps = 10};
  const auto flux = constant(10);
  const nusi::time_energy_likelihood_ratio<double> llr(1e-6, nusi::propagation_setup<double>{}, flux, {obs}, o, t);
  // The window [delta, delta + 4 s] lies inside the 10 s emission for every offset: a flat rate.
  std::vector<double> c(llr.true_edges_MeV().size() - 1, 0.0);
  for (const auto& row : llr.emitted_counts())
    for (std::size_t k = 0; k < c.size(); ++k) c[k] += row[k];
  const auto& f = llr.detectors()[0];
  // c: the emission of the first time_edges_s().back() = 5 s, at a constant rate.
  const double span = llr.time_edges_s().back();
  const double S = f.expected_events(c, llr.number_per_cm2()) * obs.background_window_s / span;
  const double s = f.event_densities_per_MeV(c, llr.number_per_cm2())[0] / span;
  const double b = obs.events[0].background_per_MeV / obs.background_window_s;
  const double A = 1 / S - b / s;
  REQUIRE(A > o.normalisation_min);
  REQUIRE(A < 1);  // about 9 expected events in K-II's 4 s: the fit wants fewer
  const auto v = llr.reference();
  // 1e-6: the time quadrature's bins against the exact 4/10 of a constant emission (4-point Gauss on a
  // constant rate and shape: rounding only) and the golden search in ln A (1e-9).
  CHECK(v.normalisation == rel(A, 1e-6));
  CHECK(v.log_likelihood == rel(-1 + b * S / s + std::log(s / S), 1e-6));
}

TEST_CASE("time-energy likelihood without nuSI: the model's events per time bin, and q(g -> 0) -> 0") {
  const auto shaped = nusi::load_csv_model<double>(std::string(NUSI_DATA_DIR) + "/emission/shaped_model.csv")
                          .flux(nusi::supernova_flavor::nu_e_bar);
  nusi::event_bound_options<double> o;
  o.window.primaries = 200;
  const nusi::time_energy_options<double> t{.time_bin_s = 0.1, .max_offset_s = 1, .offset_steps = 20};
  const nusi::propagation_setup<double> setup;
  const nusi::time_energy_likelihood_ratio<double> llr(1e-6, setup, shaped, nusi::sn1987a_observations(table()), o, t);
  // Expected K-II events per 0.1 s of emission against the fluence of each time bin (flux_at_earth: an
  // independent quadrature): 1e-5 relative (4 Gauss nodes per piece against 4 per row
  // interval, on rows 2 ms to 0.1 s apart).
  const std::vector<double> edges{0.0, 0.1, 0.2, 0.5, 1.0, 3.0};
  const auto& f = llr.detectors()[0];
  for (std::size_t i = 0; i + 1 < edges.size(); ++i) {
    CAPTURE(i);
    const auto from = static_cast<std::size_t>(std::lround(edges[i] / 0.1)), to = static_cast<std::size_t>(std::lround(edges[i + 1] / 0.1));
    std::vector<double> c(llr.true_edges_MeV().size() - 1, 0.0);
    for (std::size_t j = from; j < to; ++j)
      for (std::size_t k = 0; k < c.size(); ++k) c[k] += llr.emitted_counts()[j][k];
    nusi::fluence_options<double> window;
    window.from_s = shaped.start_s() + edges[i];
    window.to_s = shaped.start_s() + edges[i + 1];
    const auto at_earth = nusi::flux_at_earth(shaped, setup.distance_cm, window);
    CHECK(f.expected_events(c, llr.number_per_cm2()) ==
          rel(nusi::folded_detector<double>(f.model(), llr.true_edges_MeV())
                  .expected_events(nusi::detail::emitted_counts_in_bins<double>(at_earth.spectrum, llr.true_edges_MeV()),
                                   at_earth.number_per_cm2),
              1e-5));
  }
  // g = 1e-7: optical depth ~1e-14, nothing scatters in 200 primaries: the no-nuSI likelihood.
  CHECK(std::abs(-2 * llr(1e-7)) < 1e-9);
}

TEST_CASE("the time-energy SN 1987A bound beside the energy-only one for the shaped model") {
  const auto shaped = nusi::load_csv_model<double>(std::string(NUSI_DATA_DIR) + "/emission/shaped_model.csv")
                          .flux(nusi::supernova_flavor::nu_e_bar);
  const nusi::propagation_setup<double> setup;
  nusi::event_bound_options<double> o;
  o.window.primaries = 600;
  o.points_per_decade = 5;
  o.log10_g_tolerance = 1e-3;
  const nusi::time_energy_options<double> t{.time_bin_s = 0.05, .max_offset_s = 1, .offset_steps = 20};
  const auto energy = nusi::model_event_bound(-6.0, setup, shaped, nusi::sn1987a_observations(table()), o);
  const auto both = nusi::sn1987a_time_energy_bound(-6.0, setup, shaped, table(), o, t);
  MESSAGE("energy-only ", energy.log10_g_bound, ", time-energy ", both.log10_g_bound);
  REQUIRE(energy.found);
  REQUIRE(both.found);
  // At log10 M = -6 the scattered neutrinos arrive hours late: the time-integrated energy likelihood
  // counts them (down-scattered) as if they had been recorded, the time-energy one sees only
  // what arrives within the 30 s of data, a deficit: it must be stronger. (It is not a theorem: its three
  // profiled offsets can absorb a time distortion; at log10 M = -2 they loosen it by 0.05 dex,
  // docs/validation.md.) The margin, 0.2 dex, is far above the Monte Carlo spread (0.02 dex at 600 primaries).
  CHECK(both.log10_g_bound < energy.log10_g_bound);
}

TEST_CASE("the time-energy likelihood rejects bad input by name") {
  const auto flux = constant(10);
  const nusi::propagation_setup<double> setup;
  auto obs = nusi::sn1987a_observations(table());
  nusi::time_energy_options<double> t;
  t.time_bin_s = 0;
  CHECK_THROWS_WITH_AS(nusi::time_energy_likelihood_ratio<double>(1e-6, setup, flux, obs, {}, t), doctest::Contains("time.time_bin_s"),
                       nusi::invalid_argument);
  t.time_bin_s = 1e-4;  // 32 s of window and offset on 320000 bins
  CHECK_THROWS_WITH_AS(nusi::time_energy_likelihood_ratio<double>(1e-6, setup, flux, obs, {}, t), doctest::Contains("20000 time bins"),
                       nusi::invalid_argument);
  t = {};
  t.max_offset_s = -1;
  CHECK_THROWS_WITH_AS(nusi::time_energy_likelihood_ratio<double>(1e-6, setup, flux, obs, {}, t), doctest::Contains("time.max_offset_s"),
                       nusi::invalid_argument);
  t = {};
  t.scattered_bin_s = 0.001;
  CHECK_THROWS_WITH_AS(nusi::time_energy_likelihood_ratio<double>(1e-6, setup, flux, obs, {}, t), doctest::Contains("time.scattered_bin_s"),
                       nusi::invalid_argument);
  t = {};
  t.offset_steps = 0;
  CHECK_THROWS_WITH_AS(nusi::time_energy_likelihood_ratio<double>(1e-6, setup, flux, obs, {}, t), doctest::Contains("time.offset_steps"),
                       nusi::invalid_argument);
  CHECK_THROWS_WITH_AS(nusi::time_energy_likelihood_ratio<double>(1e-6, setup, flux, {}), doctest::Contains("observations.size()"),
                       nusi::invalid_argument);
  auto late = obs;
  late[0].events[0].time_s = 31;
  CHECK_THROWS_WITH_AS(nusi::time_energy_likelihood_ratio<double>(1e-6, setup, flux, late), doctest::Contains("time_s"),
                       nusi::invalid_argument);
  auto no_window = obs;
  no_window[1].background_window_s = 0;
  CHECK_THROWS_WITH_AS(nusi::time_energy_likelihood_ratio<double>(1e-6, setup, flux, no_window),
                       doctest::Contains("observations[1].background_window_s"), nusi::invalid_argument);
  auto asimov = obs;
  asimov[0].asimov = true;
  CHECK_THROWS_WITH_AS(nusi::time_energy_likelihood_ratio<double>(1e-6, setup, flux, asimov), doctest::Contains("asimov"),
                       nusi::invalid_argument);
  CHECK_THROWS_WITH_AS(nusi::time_energy_likelihood_ratio<double>(-1, setup, flux, obs), doctest::Contains("mass_MeV"),
                       nusi::invalid_argument);
  CHECK_THROWS_WITH_AS(nusi::time_energy_event_bound(100.0, setup, flux, obs), doctest::Contains("log10_mass_MeV"), nusi::invalid_argument);
  const nusi::time_energy_likelihood_ratio<double> llr(1e-6, setup, flux, obs, {.window = {.primaries = 10}}, {.time_bin_s = 0.1});
  CHECK_THROWS_WITH_AS(llr.log_likelihood({}), doctest::Contains("n.size()"), nusi::invalid_argument);
  CHECK_THROWS_WITH_AS(llr(0.0), doctest::Contains("coupling"), nusi::invalid_argument);
}

}  // namespace nusi_test_emission_event_bound
