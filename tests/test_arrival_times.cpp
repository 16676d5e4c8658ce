// SPDX-License-Identifier: MIT
// Arrival times after secret scatterings (arrival_times.hpp): single-scattering geometry, the Monte
// Carlo's recorded delays, the g -> 0 limit, Monte Carlo convergence, the unscattered fraction and the
// windowed fraction. The bound on it: test_time_spread_bound.cpp.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include <boost/math/quadrature/gauss_kronrod.hpp>

#include <nusi/arrival_times.hpp>
#include <nusi/transport/grid.hpp>

#include "test_support.hpp"

namespace nusi_test_arrival_times {  // this file's own: the suite compiles in batches of files (tests/CMakeLists.txt)

namespace {

/// Every neutrino emitted at one energy (a user's spectrum: sampling and density are a delta).
struct mono_energetic {
  double energy_MeV;
  template <class URBG>
  double sample_MeV(URBG&) const { return energy_MeV; }
};

using nusi_test::setup_at;

using nusi_test::optical_depth;

/// Coupling at which the optical depth at E (for M << sqrt(s), sigma ~ g^4) equals tau.
double coupling_for_depth(double log10_mass_MeV, double E_MeV, double tau) {
  const auto s = setup_at(log10_mass_MeV, -4);
  return 1e-4 * std::pow(tau / optical_depth(s, E_MeV), 0.25);
}

/// Two-sample Kolmogorov-Smirnov statistic sup |F1 - F2|.
double ks_two_sample(std::vector<double> a, std::vector<double> b) {
  std::sort(a.begin(), a.end());
  std::sort(b.begin(), b.end());
  std::size_t i = 0, j = 0;
  double d = 0;
  while (i < a.size() && j < b.size()) {
    const double x = std::min(a[i], b[j]);
    while (i < a.size() && a[i] <= x) ++i;
    while (j < b.size() && b[j] <= x) ++j;
    d = std::max(d, std::abs(double(i) / double(a.size()) - double(j) / double(b.size())));
  }
  return d;
}

/// Delay of the first scattered arrival above threshold of each primary (independent samples).
std::vector<double> first_scattered_delays(const nusi::propagation_setup<double>& s, std::uint64_t primaries,
                                           std::uint64_t seed) {
  nusi::monte_carlo_options<double> o{.primaries = primaries, .seed = seed};
  o.record_arrivals = true;
  const auto r = nusi::monte_carlo_propagation(s, nusi::pinched_spectrum<double>::paper_default(), o);
  std::vector<double> delays;
  std::uint64_t last = std::numeric_limits<std::uint64_t>::max();
  for (const auto& a : r.arrival_list)
    if (a.generation > 0 && a.energy_MeV > s.threshold_MeV && a.primary != last) {
      delays.push_back(a.delay_s);
      last = a.primary;
    }
  return delays;
}

const double c_cm_per_s = nusi::speed_of_light_cm_per_s<double>;

}  // namespace

TEST_CASE("single scattering: the exact delay tends to x (D - x) t^2 / (2 D c) at small angles") {
  const double D = nusi::kpc(50.0);
  for (double u : {0.01, 0.3, 0.5, 0.9, 0.999})
    for (double t : {1e-6, 1e-4, 1e-2}) {
      CAPTURE(u);
      CAPTURE(t);
      const double x = u * D;
      const double small_angle = x * (D - x) * t * t / (2 * D * c_cm_per_s);
      // The next order is O(t^2) relative (expansion of 1 - cos t and of the square root).
      CHECK(nusi::single_scattering_delay_s(x, D, t) == doctest::Approx(small_angle).epsilon(t * t + 1e-12));
    }
  // No delay without deflection or for a deflection at the source (every direction there is radial).
  CHECK(nusi::single_scattering_delay_s(0.3 * D, D, 0.0) == 0.0);
  CHECK(nusi::single_scattering_delay_s(0.0, D, 0.5) == 0.0);
}

TEST_CASE("single scattering: the delay equals the straight-line geometry at large angles") {
  // Independent computation: intersect the deflected ray with the sphere r = D in long double.
  const long double D = 1.0L;
  for (double u : {0.1, 0.5, 0.8})
    for (double t : {0.3, 1.0, 2.5}) {
      CAPTURE(u);
      CAPTURE(t);
      const long double x = u, ct = std::cos((long double)t);
      const long double L = -x * ct + std::sqrt(x * x * ct * ct - x * x + D * D);
      const long double expected = (x + L - D) / (long double)c_cm_per_s;
      // 1e-13: the closed form and the quadratic differ by rounding only at these angles.
      CHECK(nusi::single_scattering_delay_s(u, 1.0, t) == doctest::Approx(double(expected)).epsilon(1e-13));
    }
}

TEST_CASE("the Monte Carlo's recorded delays of single scatterings follow the single-scattering geometry") {
  // A 20 MeV beam with optical depth 0.005: first scatterings only (rescattering ~ tau^2).
  const double E0 = 20;
  const double g = coupling_for_depth(-6, E0, 0.005);
  nusi::propagation_setup<double> s = setup_at(-6, std::log10(g));
  nusi::monte_carlo_options<double> o{.primaries = 100000, .seed = 17};
  o.record_arrivals = true;
  const auto r = nusi::monte_carlo_propagation(s, mono_energetic{E0}, o);
  const double m = s.relic.mass_MeV, D = s.distance_cm;
  std::vector<double> w;  // delay over D t^2/(2c): u (1 - u) for a scattering at x = u D
  double worst = 0;
  for (const auto& a : r.arrival_list) {
    if (a.generation != 1 || a.origin != nusi::arrival_origin::down_scattered) continue;
    const double h = m * (E0 - a.energy_MeV) / (E0 * a.energy_MeV);  // 1 - cos t, paper Eq. (4) kinematics
    const double t = 2 * std::asin(std::sqrt(h / 2));
    const double x = D * std::sin(a.angle_rad) / std::sin(t);  // law of sines in source-scatter-Earth
    worst = std::max(worst, std::abs(a.delay_s / nusi::single_scattering_delay_s(x, D, t) - 1));
    w.push_back(a.delay_s / (D * t * t / (2 * c_cm_per_s)));
  }
  REQUIRE(w.size() > 300);
  // Recorded delay = single-scattering delay at the recovered x; 1e-6: x from sin(alpha)/sin(t) at 1e-4 rad.
  CHECK(worst < 1e-6);
  // Scattering points are uniform in x (tau << 1): P(u (1 - u) <= y) = 1 - sqrt(1 - 4 y). KS against it
  // below the 0.1% critical value 1.949/sqrt(n) (plus the 0.5% non-uniformity e^{-tau x}).
  std::sort(w.begin(), w.end());
  double d = 0;
  for (std::size_t i = 0; i < w.size(); ++i) {
    const double F = 1 - std::sqrt(std::max(0.0, 1 - 4 * w[i]));
    d = std::max({d, std::abs(F - double(i) / double(w.size())), std::abs(F - double(i + 1) / double(w.size()))});
  }
  CAPTURE(w.size());
  CHECK(d < 1.949 / std::sqrt(double(w.size())) + 0.005);
  CHECK(w.back() <= 0.25 * (1 + 1e-6));  // the largest delay is at x = D/2
}

TEST_CASE("delays vanish as g -> 0: none below tau ~ 1e-12, and the delayed fraction scales as g^4") {
  const auto emission = nusi::pinched_spectrum<double>::paper_default();
  nusi::arrival_time_options<double> o{.primaries = 4000, .seed = 4};
  const auto tiny = nusi::arrival_time_distribution(setup_at(-6, std::log10(coupling_for_depth(-6, 15, 1e-12))), emission, o);
  CHECK(tiny.scattered_arrivals_above_threshold == 0);
  CHECK(tiny.mean_delay_s == 0.0);
  CHECK(tiny.fraction_within_window == tiny.fraction_above_threshold);
  CHECK(tiny.unscattered_fraction == tiny.fraction_above_threshold);
  for (const auto& q : tiny.quantiles) CHECK(q.delay_s == 0.0);

  // Single-scattering regime (tau(15 MeV) = 0.02 and 0.04): scattered arrivals double, their delay
  // distribution does not change (the kinematics do not depend on g for M << sqrt(s)).
  const double g1 = coupling_for_depth(-6, 15, 0.02), g2 = g1 * std::pow(2.0, 0.25);
  o.primaries = 15000;
  const auto a = nusi::arrival_time_distribution(setup_at(-6, std::log10(g1)), emission, o);
  o.seed = 5;
  const auto b = nusi::arrival_time_distribution(setup_at(-6, std::log10(g2)), emission, o);
  const double fa = a.fraction_above_threshold - a.unscattered_fraction, fb = b.fraction_above_threshold - b.unscattered_fraction;
  const double ratio = fb / fa;
  // Poisson errors of the two scattered counts; O(tau) corrections (rescattering, loss) add < 0.05.
  const double err = ratio * std::sqrt(1 / double(a.scattered_arrivals_above_threshold) + 1 / double(b.scattered_arrivals_above_threshold));
  CAPTURE(ratio);
  CHECK(std::abs(ratio - 2) < 4 * err + 0.05);
  const auto& ma = a.scattered_quantiles[1];
  const auto& mb = b.scattered_quantiles[1];
  CAPTURE(ma.delay_s);
  CAPTURE(mb.delay_s);
  CHECK(std::abs(ma.delay_s - mb.delay_s) < 4 * std::hypot(ma.error_s, mb.error_s));
}

TEST_CASE("the delay distribution converges at the Monte Carlo rate: KS distance between seeds ~ 1/sqrt(n)") {
  const auto s = setup_at(-3.5, -2.2);
  for (std::uint64_t n : {1000u, 4000u, 16000u}) {
    CAPTURE(n);
    const auto a = first_scattered_delays(s, n, 100 + n), b = first_scattered_delays(s, n, 200 + n);
    REQUIRE(a.size() > n / 10);
    const double d = ks_two_sample(a, b);
    const double scale = std::sqrt(double(a.size()) * double(b.size()) / double(a.size() + b.size()));
    // Independent samples of one distribution: D sqrt(nm/(n+m)) < 1.949 except for 0.1% of seeds,
    // at every n: the distance falls as the Monte Carlo's 1/sqrt(n).
    CHECK(d * scale < 1.949);
  }
}

TEST_CASE("quantile and window-fraction errors match the scatter over independent seeds") {
  const auto s = setup_at(-3.5, -2.2);
  const auto emission = nusi::pinched_spectrum<double>::paper_default();
  const int runs = 12;
  std::vector<double> medians, windows;
  double reported_median = 0, reported_window = 0;
  for (int k = 0; k < runs; ++k) {
    const auto r = nusi::arrival_time_distribution(s, emission, nusi::arrival_time_options<double>{.primaries = 2000, .seed = 31u + k});
    medians.push_back(r.scattered_quantiles[1].delay_s);
    windows.push_back(r.fraction_within_window);
    reported_median += r.scattered_quantiles[1].error_s / runs;
    reported_window += r.fraction_within_window_error / runs;
  }
  auto spread = [](const std::vector<double>& v) {
    double mean = 0, sq = 0;
    for (double x : v) mean += x / double(v.size());
    for (double x : v) sq += (x - mean) * (x - mean);
    return std::sqrt(sq / double(v.size() - 1));
  };
  // 12 runs estimate a standard deviation to ~20%; the batch-mean error of a quantile to ~20% too.
  // A factor 2 either way fails only if the errors are wrong.
  CAPTURE(spread(medians));
  CAPTURE(reported_median);
  CHECK(spread(medians) / reported_median > 0.5);
  CHECK(spread(medians) / reported_median < 2.0);
  CHECK(spread(windows) / reported_window > 0.5);
  CHECK(spread(windows) / reported_window < 2.0);
}

TEST_CASE("arrival_time_distribution: the Monte Carlo's F, the window between F_0 and F, and an infinite window") {
  const auto s = setup_at(-3.5, -2.2);
  const auto emission = nusi::pinched_spectrum<double>::paper_default();
  nusi::arrival_time_options<double> o{.primaries = 5000, .seed = 8};
  const auto r = nusi::arrival_time_distribution(s, emission, o);
  const auto mc = nusi::monte_carlo_propagation(s, emission, nusi::monte_carlo_options<double>{.primaries = 5000, .seed = 8});
  CHECK(r.fraction_above_threshold == mc.fraction_above_threshold);  // same run, same seed
  CHECK(r.fraction_above_threshold_error == doctest::Approx(mc.fraction_above_threshold_error).epsilon(1e-12));
  CHECK(r.unscattered_fraction <= r.fraction_within_window);
  CHECK(r.fraction_within_window < r.fraction_above_threshold);
  CHECK(r.fraction_within_window == doctest::Approx(r.unscattered_fraction + r.scattered_within_window).epsilon(1e-14));
  std::uint64_t histogram = r.delay_histogram.underflow + r.delay_histogram.overflow;
  for (auto c : r.delay_histogram.counts) histogram += c;
  CHECK(histogram == r.scattered_arrivals_above_threshold);
  // Quantiles increase with the probability; scattered arrivals come later than all arrivals.
  CHECK(r.quantiles[0].delay_s <= r.quantiles[1].delay_s);
  CHECK(r.quantiles[1].delay_s <= r.quantiles[2].delay_s);
  CHECK(r.scattered_quantiles[1].delay_s >= r.quantiles[1].delay_s);
  o.window_s = 1e30;
  const auto all = nusi::arrival_time_distribution(s, emission, o);
  CHECK(all.fraction_within_window == all.fraction_above_threshold);
}

TEST_CASE("stream_per_primary: primary i's history does not depend on the other primaries") {
  const auto s = setup_at(-3.5, -2.2);
  const auto emission = nusi::pinched_spectrum<double>::paper_default();
  nusi::monte_carlo_options<double> o{.primaries = 50, .seed = 3};
  o.record_arrivals = true;
  o.stream_per_primary = true;
  const auto small = nusi::monte_carlo_propagation(s, emission, o);
  o.primaries = 120;
  const auto large = nusi::monte_carlo_propagation(s, emission, o);
  REQUIRE(small.arrival_list.size() > 10);
  REQUIRE(large.arrival_list.size() > small.arrival_list.size());
  for (std::size_t i = 0; i < small.arrival_list.size(); ++i) {
    CHECK(small.arrival_list[i].primary == large.arrival_list[i].primary);
    CHECK(small.arrival_list[i].energy_MeV == large.arrival_list[i].energy_MeV);
    CHECK(small.arrival_list[i].delay_s == large.arrival_list[i].delay_s);
  }
  CHECK(large.arrival_list[small.arrival_list.size()].primary >= 50);
}

TEST_CASE("unscattered fraction: the integral of phi exp(-tau) against Boost's adaptive Gauss-Kronrod") {
  const auto emission = nusi::pinched_spectrum<double>::paper_default();
  for (auto [lm, lg] : {std::pair{-6.0, -2.05}, std::pair{-3.0, -2.2}, std::pair{-2.5, -1.6}}) {
    CAPTURE(lm);
    const auto s = setup_at(lm, lg);
    const auto bw = s.cross_section();
    const double column = s.relic.target_density_per_cm3() * s.distance_cm;
    auto f = [&](double E) { return emission.probability_density_per_MeV(E) * std::exp(-column * bw.sigma_total_cm2(E)); };
    // Independent: Boost's own adaptive rule on fixed 0.2 MeV pieces to 100 MeV (no resonance knowledge),
    // one piece above (the spectrum beyond 100 MeV holds ~1e-8 of the neutrinos).
    double expected = boost::math::quadrature::gauss_kronrod<double, 61>::integrate(f, 100.0, 200.0, 15, 1e-12);
    for (double a = 5; a < 100 - 1e-9; a += 0.2)
      expected += boost::math::quadrature::gauss_kronrod<double, 61>::integrate(f, a, a + 0.2, 10, 1e-12);
    // 1e-8: both quadratures converge far below; the pieces resolve the resonance core (> 0.4 MeV here).
    CHECK(nusi::unscattered_fraction_above_threshold(s, emission) == doctest::Approx(expected).epsilon(1e-8));
  }
  // No interaction: F_0 = Q(alpha + 1, (alpha + 1) T/<E>) above 5 MeV (the spectrum up to 200 MeV: 1e-17 missing).
  CHECK(nusi::unscattered_fraction_above_threshold(setup_at(-6, -6), emission) ==
        doctest::Approx(emission.complementary_probability(5.0)).epsilon(1e-9));
}

TEST_CASE("unscattered bin contents: the emitted spectrum at g -> 0, F_0 above threshold") {
  const auto emission = nusi::pinched_spectrum<double>::paper_default();
  const auto edges = nusi::transport_bin_edges(5.0, nusi::energy_grid_options<double>{});
  const auto none = nusi::unscattered_counts_in_bins(setup_at(-6, -7), emission, edges);
  for (std::size_t k = 0; k + 1 < edges.size(); k += 37) {
    // P(b) - P(a) below the mean, Q(a) - Q(b) above: no difference of two numbers near 1.
    const double expected = edges[k + 1] < emission.mean_energy_MeV()
                                ? emission.cumulative_probability(edges[k + 1]) - emission.cumulative_probability(edges[k])
                                : emission.complementary_probability(edges[k]) - emission.complementary_probability(edges[k + 1]);
    CHECK(none[k] == doctest::Approx(expected).epsilon(1e-8).scale(0));  // relative: adaptive quadrature tolerance 1e-9
  }
  const auto s = setup_at(-3, -2.2);
  const auto some = nusi::unscattered_counts_in_bins(s, emission, edges);
  double above = 0;
  for (std::size_t k = 0; k + 1 < edges.size(); ++k)
    if (edges[k] >= 5.0) above += some[k];
  CHECK(above == doctest::Approx(nusi::unscattered_fraction_above_threshold(s, emission)).epsilon(1e-8));
}

TEST_CASE("windowed_fraction: exact F_0 plus sampled scattered arrivals agrees with the plain Monte Carlo") {
  const auto s = setup_at(-6, -2.1);
  const auto emission = nusi::pinched_spectrum<double>::paper_default();
  const nusi::windowed_fraction<double, nusi::pinched_spectrum<double>> F(s, emission, {.primaries = 10000, .seed = 2});
  const auto w = F(s.med.coupling);
  const auto plain = nusi::arrival_time_distribution(s, emission, nusi::arrival_time_options<double>{.primaries = 10000, .seed = 9});
  CAPTURE(w.value);
  CAPTURE(plain.fraction_within_window);
  CHECK(std::abs(w.value - plain.fraction_within_window) < 4 * std::hypot(w.error, plain.fraction_within_window_error));
  CHECK(std::abs(w.unscattered - plain.unscattered_fraction) < 4 * plain.unscattered_fraction_error);
  // The hybrid's error is that of the scattered part only, smaller than the plain estimate's.
  CHECK(w.error < plain.fraction_within_window_error);
  // Common random numbers: the same coupling twice gives identical results.
  CHECK(F(s.med.coupling).value == w.value);
}

TEST_CASE("arrival times reject bad input by name") {
  const auto s = setup_at(-6, -2);
  const auto emission = nusi::pinched_spectrum<double>::paper_default();
  using E = nusi::invalid_argument;
  CHECK_THROWS_WITH_AS(nusi::single_scattering_delay_s(2.0, 1.0, 0.1), doctest::Contains("scattering_distance_cm"), E);
  CHECK_THROWS_WITH_AS(nusi::single_scattering_delay_s(0.5, -1.0, 0.1), doctest::Contains("distance_cm"), E);
  CHECK_THROWS_WITH_AS(nusi::single_scattering_delay_s(0.5, 1.0, 4.0), doctest::Contains("deflection_rad"), E);
  CHECK_THROWS_WITH_AS(nusi::arrival_time_distribution(s, emission, {.primaries = 0}), doctest::Contains("options.primaries"), E);
  CHECK_THROWS_WITH_AS(nusi::arrival_time_distribution(s, emission, {.window_s = -1}), doctest::Contains("window_s"), E);
  CHECK_THROWS_WITH_AS(nusi::arrival_time_distribution(s, emission, {.primaries = 100, .quantile_probabilities = {1.5}}),
                       doctest::Contains("quantile_probabilities[0]"), E);
  CHECK_THROWS_WITH_AS(nusi::arrival_time_distribution(s, emission, {.primaries = 100, .delay_edges_s = {2, 1}}),
                       doctest::Contains("delay_edges_s"), E);
  CHECK_THROWS_WITH_AS(nusi::arrival_time_distribution(s, emission, {.primaries = 100, .batches = 1}), doctest::Contains("batches"), E);
  CHECK_THROWS_WITH_AS(nusi::unscattered_fraction_above_threshold(s, emission, 1.0), doctest::Contains("max_energy_MeV"), E);
  using W = nusi::windowed_fraction<double, nusi::pinched_spectrum<double>>;
  CHECK_THROWS_WITH_AS(W(s, emission, {.primaries = 0}), doctest::Contains("options.primaries"), E);
  CHECK_THROWS_WITH_AS(W(s, emission, {.window_s = 0}), doctest::Contains("window_s"), E);
  CHECK_THROWS_WITH_AS(W(s, emission)(-1.0), doctest::Contains("coupling"), E);
}

}  // namespace nusi_test_arrival_times
