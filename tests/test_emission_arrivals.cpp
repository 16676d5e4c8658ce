// SPDX-License-Identifier: MIT
// Arrival times with the emission profile (emission/arrivals.hpp): the sampler follows the exact emitted
// number and the time-dependent spectrum; without scattering the windowed fraction is the exactly
// integrated emission in the window; a 10 ms burst gives the instantaneous burst's window results
// within their Monte Carlo errors; rejections.
#include <doctest/doctest.h>

#include <cmath>
#include <random>
#include <string>
#include <vector>

#include <nusi/arrival_times.hpp>
#include <nusi/emission/arrivals.hpp>
#include <nusi/emission/csv_model.hpp>
#include <nusi/emission/time_spread_bound.hpp>
#include <nusi/time_spread_bound.hpp>

#include "test_support.hpp"

namespace nusi_test_emission_arrivals {  // this file's own: the suite compiles in batches of files (tests/CMakeLists.txt)

using nusi_test::rel;

namespace {
using S = nusi::emission_sample<double>;
std::string data(const std::string& name) { return std::string(NUSI_DATA_DIR) + "/emission/" + name; }

nusi::flavor_flux<double> single(std::vector<S> rows) {
  return nusi::flavor_flux<double>(nusi::supernova_flavor::nu_e_bar,
                                   {{1.0, std::make_shared<const nusi::flavor_emission<double>>(std::move(rows))}});
}
nusi::propagation_setup<double> at(double log10_mass_MeV, double log10_g) {
  nusi::propagation_setup<double> s;
  s.med.mass_MeV = std::pow(10.0, log10_mass_MeV);
  s.med.coupling = std::pow(10.0, log10_g);
  return s;
}
// |a - b| within 4 combined standard errors: fails with probability 6e-5 when both are right.
bool compatible(double a, double da, double b, double db) { return std::abs(a - b) < 4 * std::sqrt(da * da + db * db); }
}  // namespace

TEST_CASE("the emission sampler draws times by the exact emitted number and energies from the spectrum at that time") {
  // L falls while <E> rises: the number rate L/<E> falls faster than L.
  const auto flux = single({S{0, 4e52, 10, 3}, S{2, 1e52, 20, 3}});
  const nusi::emission_sampler<double> sampler(flux);
  CHECK(sampler.number() == rel(flux.emitted_number(), 1e-14));
  std::mt19937_64 rng(11);
  const int n = 20000;
  int early = 0;
  double early_energy = 0;
  for (int i = 0; i < n; ++i) {
    const auto [t, E] = sampler.sample(rng);
    CHECK((t >= 0 && t <= 2));
    if (t < 0.5) {
      ++early;
      early_energy += E;
    }
  }
  const double p = flux.emitted_number(0, 0.5) / flux.emitted_number();
  CHECK(std::abs(early - n * p) < 4 * std::sqrt(n * p * (1 - p)));
  // Mean energy of the early ones: the fluence of [0, 0.5] s (its spread: sqrt(<E^2> - <E>^2)).
  const auto f = flux.fluence({.from_s = 0, .to_s = 0.5});
  const double sd = std::sqrt(f.mean_square_energy_MeV2() - f.mean_energy_MeV() * f.mean_energy_MeV());
  CHECK(std::abs(early_energy / early - f.mean_energy_MeV()) < 4 * sd / std::sqrt(double(early)));
}

TEST_CASE("the fraction emitted above threshold in a window is the time profile times the spectrum's tail") {
  const auto flux = single({S{0, 5e51, 15, 160.0 / 65}, S{10, 5e51, 15, 160.0 / 65}});
  const double tail = nusi::pinched_spectrum<double>::paper_default().complementary_probability(5.0);
  // Constant emission over 10 s: a window of 5 s holds half (Gauss-8 of a constant: exact to rounding).
  CHECK(nusi::emitted_fraction_above(flux, 5.0, 0.0, 5.0) == rel(0.5 * tail, 1e-14));
  CHECK(nusi::emitted_fraction_above(flux, 5.0) == rel(tail, 1e-14));
  CHECK(nusi::emitted_fraction_above(flux, 5.0, 12.0, 20.0) == 0);
}

TEST_CASE("a steep number rate is integrated to its closed form: the windowed fraction stays a fraction") {
  // Found by fuzzing: <E> from 2 MeV to 10 GeV within one interval made dN/dt = L/<E> steep enough that
  // a fixed Gauss rule put 1.045 of the neutrinos in a window. With threshold 0 the fraction is the
  // number in the window over the total, both exact (closed form).
  const auto flux = single({S{0, 1e52, 2, 3}, S{2, 1e52, 1e4, 3}});
  for (double to : {0.001, 0.1, 1.0, 2.0}) {
    CAPTURE(to);
    // 1e-9: the halving stops at 1e-10 of each piece's number.
    CHECK(nusi::emitted_fraction_above(flux, 0.0, 0.0, to) == rel(flux.emitted_number(0, to) / flux.emitted_number(), 1e-9));
  }
  CHECK(flux.fluence().number() == rel(flux.emitted_number(), 1e-9));
}

TEST_CASE("without scattering the windowed fraction is the exactly integrated emission in the window") {
  // g = 1e-9: optical depth ~1e-26, no neutrino scatters; what arrives within the window is what was
  // emitted within it (time-dependent spectrum: the shaped model's anti-nu_e, 1 s window).
  const auto model = nusi::load_csv_model<double>(data("shaped_model.csv"));
  const auto flux = model.flux(nusi::supernova_flavor::nu_e_bar);
  const auto r = nusi::arrival_times_with_emission(at(-6, -9), flux, {.primaries = 20000, .window_s = 1.0});
  CHECK(r.mean_scatterings_per_primary == 0);
  CHECK(r.start_s == 0);
  CHECK(r.emitted_within_window > 0.3);  // the accretion phase: about half the neutrinos
  CHECK(compatible(r.fraction_within_window, r.fraction_within_window_error, r.emitted_within_window, 0.0));
  CHECK(r.unscattered_within_window == r.fraction_within_window);
  CHECK(compatible(r.fraction_above_threshold, r.fraction_above_threshold_error, nusi::emitted_fraction_above(flux, 5.0), 0.0));
  // Arrival times are emission times here: the exact fraction above threshold emitted before each
  // sampled quantile is its probability, within the binomial spread of an empirical quantile
  // (sqrt(p (1 - p)/n) in probability, n ~ 19000 arrivals above threshold; 4 of them).
  REQUIRE(r.arrival_quantiles.size() == 3);
  const double total = nusi::emitted_fraction_above(flux, 5.0);
  for (const auto& q : r.arrival_quantiles) {
    CAPTURE(q.probability);
    const double p = nusi::emitted_fraction_above(flux, 5.0, 0.0, q.delay_s) / total;
    CHECK(std::abs(p - q.probability) < 4 * std::sqrt(q.probability * (1 - q.probability) / (r.fraction_above_threshold * 20000)));
    CHECK(std::isfinite(q.error_s));
  }
}

TEST_CASE("a 10 ms burst gives the instantaneous burst's F and windowed fraction within their errors") {
  // log10 M = -6, log10 g = -2.3: about half of what arrives above threshold has scattered and comes
  // hours late (F ~ 0.87, F_window ~ 0.44); 10 ms of emission is nothing beside the 12.4 s window.
  const auto setup = at(-6, -2.3);
  const auto paper = nusi::pinched_spectrum<double>::paper_default();
  const auto burst = single({S{0, 5e54, 15, 160.0 / 65}, S{0.01, 5e54, 15, 160.0 / 65}});
  const auto instantaneous = nusi::arrival_time_distribution(setup, paper, {.primaries = 4000});
  const auto profile = nusi::arrival_times_with_emission(setup, burst, {.primaries = 4000, .seed = 2});
  CHECK(instantaneous.fraction_within_window > 0.05);
  CHECK(compatible(profile.fraction_within_window, profile.fraction_within_window_error, instantaneous.fraction_within_window,
                   instantaneous.fraction_within_window_error));
  CHECK(compatible(profile.fraction_above_threshold, profile.fraction_above_threshold_error, instantaneous.fraction_above_threshold,
                   instantaneous.fraction_above_threshold_error));
  CHECK(compatible(profile.unscattered_within_window, profile.unscattered_within_window_error, instantaneous.unscattered_fraction,
                   instantaneous.unscattered_fraction_error));
}

TEST_CASE("the windowed fraction of a model without scattering is the emission above threshold within the window") {
  // g = 1e-9: nothing scatters, so F_window is exactly the emitted fraction above 5 MeV within the window
  // (emitted_fraction_above: Gauss-8 on the rows' time nodes, against the window's fluence here).
  const auto ramp = single({S{0, 1e52, 12, 3}, S{10, 0, 18, 2}});  // L falls, <E> rises
  const auto shaped = nusi::load_csv_model<double>(data("shaped_model.csv")).flux(nusi::supernova_flavor::nu_e_bar);
  for (double window : {0.3, 1.0, 5.0, 12.4}) {
    CAPTURE(window);
    for (const auto* flux : {&ramp, &shaped}) {
      const nusi::emission_windowed_fraction<double> F(at(-6, -9), *flux, {.primaries = 100, .window_s = window});
      const auto f = F(1e-9);
      CHECK(f.scattered_within_window == 0);
      // 1e-6: the window's fluence integrates time with 4 Gauss nodes per row interval; on the ramp's one
      // 10 s interval, where <E> changes by half, 3e-7 at the 12.4 s window (the shaped model: < 2e-10).
      CHECK(f.value == rel(nusi::emitted_fraction_above(*flux, 5.0, flux->start_s(), flux->start_s() + window), 1e-6));
    }
  }
  // The time profile decides: within 1 s the ramp emits 19 % of its neutrinos, the shaped model 47 %.
  CHECK(nusi::emission_window<double>(ramp, 1.0).emitted_fraction() == rel(ramp.emitted_number(0, 1) / ramp.emitted_number(), 1e-15));
}

TEST_CASE("a 10 ms burst's windowed fraction and time-spread bound are the instantaneous burst's within their errors") {
  const auto setup = at(-6, -2.3);
  const auto paper = nusi::pinched_spectrum<double>::paper_default();
  const auto burst = single({S{0, 5e54, 15, 160.0 / 65}, S{0.01, 5e54, 15, 160.0 / 65}});
  const nusi::window_fraction_options<double> o{.primaries = 4000};
  const auto instantaneous = nusi::windowed_fraction<double, nusi::pinched_spectrum<double>>(setup, paper, o)(setup.med.coupling);
  const nusi::emission_windowed_fraction<double> profile_F(setup, burst, o);
  const auto profile = profile_F(setup.med.coupling);
  // The exact parts: one pinched component (the fluence of a constant shape) against the pinched spectrum.
  CHECK(profile.unscattered == rel(instantaneous.unscattered, 1e-10));
  CHECK(instantaneous.scattered_within_window > 0.005);
  CHECK(compatible(profile.value, profile.error, instantaneous.value, instantaneous.error));
  // The bound: 4 combined Monte Carlo errors plus the search tolerance (2e-4 dex).
  nusi::time_spread_bound_options<double> t;
  t.window.primaries = 2000;
  const auto b_burst = nusi::time_spread_bound(-6.0, nusi::propagation_setup<double>{}, burst, t);
  const auto b_paper = nusi::time_spread_bound(-6.0, nusi::propagation_setup<double>{}, paper, t);
  REQUIRE(b_burst.found);
  REQUIRE(b_paper.found);
  CHECK(b_burst.log10_g_unscattered_only == doctest::Approx(b_paper.log10_g_unscattered_only).epsilon(1e-9));  // exact parts
  CHECK(std::abs(b_burst.log10_g_bound - b_paper.log10_g_bound) <
        4 * std::hypot(b_burst.log10_g_error, b_paper.log10_g_error) + 2 * t.log10_g_tolerance);
  // A window shorter than the emission counts only its emission: a 10 s constant emission seen through
  // 1 s keeps a tenth of it, below the 1 % level only once 90 % of the arrivals are gone: a bound lower
  // than the burst's.
  const auto slow = single({S{0, 5e51, 15, 160.0 / 65}, S{10, 5e51, 15, 160.0 / 65}});
  t.window.window_s = 1.0;
  const auto b_slow = nusi::time_spread_bound(-6.0, nusi::propagation_setup<double>{}, slow, t);
  REQUIRE(b_slow.found);
  CHECK(b_slow.at_bound.value <= 0.01);
  CHECK(b_slow.log10_g_bound < b_paper.log10_g_bound);
}

TEST_CASE("arrival times with emission reject bad options by name") {
  const auto flux = single({S{0, 5e51, 15, 2.5}, S{10, 5e51, 15, 2.5}});
  const nusi::propagation_setup<double> s;
  CHECK_THROWS_WITH_AS(nusi::arrival_times_with_emission(s, flux, {.window_s = 0}), doctest::Contains("window_s"), nusi::invalid_argument);
  CHECK_THROWS_WITH_AS(nusi::arrival_times_with_emission(s, flux, {.primaries = 0}), doctest::Contains("options.primaries"),
                       nusi::invalid_argument);
  CHECK_THROWS_WITH_AS(nusi::arrival_times_with_emission(s, flux, {.primaries = 10, .batches = 20}), doctest::Contains("options.batches"),
                       nusi::invalid_argument);
  CHECK_THROWS_WITH_AS(nusi::arrival_times_with_emission(s, flux, {.quantile_probabilities = {1.0}}),
                       doctest::Contains("options.quantile_probabilities[0]"), nusi::invalid_argument);
  nusi::propagation_setup<double> bad;
  bad.distance_cm = -1;
  CHECK_THROWS_WITH_AS(nusi::arrival_times_with_emission(bad, flux), doctest::Contains("distance_cm"), nusi::invalid_argument);
  CHECK_THROWS_WITH_AS(nusi::emitted_fraction_above(flux, -1.0), doctest::Contains("threshold_MeV"), nusi::invalid_argument);
  CHECK_THROWS_WITH_AS(nusi::emitted_fraction_above(flux, 5.0, 2.0, 1.0), doctest::Contains("from_s"), nusi::invalid_argument);
  CHECK_THROWS_WITH_AS(nusi::emission_window<double>(flux, 0.0), doctest::Contains("window_s"), nusi::invalid_argument);
  CHECK_THROWS_WITH_AS(nusi::emission_windowed_fraction<double>(s, flux, {.primaries = 0}), doctest::Contains("options.primaries"),
                       nusi::invalid_argument);
  CHECK_THROWS_WITH_AS(nusi::emission_windowed_fraction<double>(s, std::make_shared<const nusi::emission_window<double>>(flux, 2.0),
                                                                {.window_s = 3.0}),
                       doctest::Contains("window_s"), nusi::invalid_argument);
  CHECK_THROWS_WITH_AS(nusi::emission_windowed_fraction<double>(s, flux)(0.0), doctest::Contains("coupling"), nusi::invalid_argument);
  CHECK_THROWS_WITH_AS(nusi::time_spread_bound(20.0, s, flux), doctest::Contains("log10_mass_MeV"), nusi::invalid_argument);
}

}  // namespace nusi_test_emission_arrivals
