// SPDX-License-Identifier: MIT
// Facts about the likelihoods and the coupling exclusion (nusi/detection/likelihood.hpp): closed
// forms, maxima of the profiled likelihoods, and rejections.
#include <nusi/detection/likelihood.hpp>

#include <cmath>
#include <limits>
#include <utility>
#include <vector>

#include <doctest/doctest.h>

#include "test_support.hpp"

namespace nusi_test_detection_likelihood {  // this file's own: the suite compiles in batches of files (tests/CMakeLists.txt)

namespace {
using R = double;
using nusi_test::rel;
}

TEST_CASE("the Poisson log-probability is maximal at the observed count") {
  for (unsigned n : {1u, 2u, 5u, 12u, 40u}) {
    CAPTURE(n);
    const double at_n = nusi::poisson_log_probability(double(n), n);
    for (double factor : {0.5, 0.9, 0.99, 1.01, 1.1, 2.0}) CHECK(nusi::poisson_log_probability(factor * n, n) < at_n);
    // d lnP / d mu = n/mu - 1 vanishes at mu = n: central difference of a smooth function.
    const double h = 1e-4 * n;
    const double slope = (nusi::poisson_log_probability(n + h, n) - nusi::poisson_log_probability(n - h, n)) / (2 * h);
    CHECK(slope == doctest::Approx(0.0).scale(1.0).epsilon(1e-7));  // O(h^2) and rounding
  }
}

TEST_CASE("Poisson probabilities are normalised and P(0 | mu) = exp(-mu)") {
  const double mu = 3.7;
  double total = 0;
  for (unsigned n = 0; n < 80; ++n) total += std::exp(nusi::poisson_log_probability(mu, n));
  CHECK(total == doctest::Approx(1.0).epsilon(1e-13));  // tail beyond 80 is < 1e-60
  CHECK(nusi::poisson_log_probability(mu, 0u) == doctest::Approx(-mu).epsilon(1e-15));
  CHECK(nusi::poisson_log_probability(0.0, 0u) == 0.0);
  CHECK(nusi::poisson_log_probability(0.0, 3u) == -std::numeric_limits<double>::infinity());
  const std::vector<R> expected{1.0, 2.0};
  const std::vector<unsigned> observed{0, 2};
  CHECK(nusi::poisson_log_likelihood<R>(expected, observed) ==
        doctest::Approx(-1.0 + (2 * std::log(2.0) - 2 - std::log(2.0))).epsilon(1e-14));
}

TEST_CASE("critical Delta chi^2 values are the squared normal quantiles") {
  // chi^2 with one degree of freedom is the square of a standard normal.
  CHECK(nusi::critical_delta_chi2(0.90) == doctest::Approx(1.6448536269514722 * 1.6448536269514722).epsilon(1e-12));
  CHECK(nusi::critical_delta_chi2(0.95) == doctest::Approx(1.959963984540054 * 1.959963984540054).epsilon(1e-12));
  CHECK(nusi::critical_delta_chi2_one_sided(0.95) == doctest::Approx(nusi::critical_delta_chi2(0.90)).epsilon(1e-12));
  CHECK(nusi::exclusion_scan<R>{}.delta_chi2 == doctest::Approx(nusi::critical_delta_chi2(0.90)).epsilon(1e-14));  // 17-digit literal
}

TEST_CASE("the coupling exclusion solves -2 ln(L(g)/L(0)) = level in closed form") {
  // ln L(g) - ln L(0) = -c (g/g0)^8 (a g^8 rate, as for 2nu -> 4nu): q = 2.706 at g = g0 (2.706/2c)^(1/8).
  const double c = 3.0, g0 = 0.02;
  auto llr = [&](double g) { return -c * std::pow(g / g0, 8); };
  const auto result = nusi::coupling_exclusion_limit<R>(llr, {.coupling_min = 1e-4, .coupling_max = 1.0, .log10_tolerance = 1e-9});
  CHECK(result.excluded);
  CHECK_FALSE(result.excluded_at_coupling_min);
  CHECK_FALSE(result.reopens_above);
  // The root is bracketed to 1e-9 dex = 2.3e-9 relative.
  CHECK(result.coupling == rel(g0 * std::pow(2.7055434540954146 / (2 * c), 0.125), 1e-8));
  // At 95 % CL (3.84) the bound is weaker (larger g).
  const auto r95 = nusi::coupling_exclusion_limit<R>(llr, {.delta_chi2 = nusi::critical_delta_chi2(0.95)});
  CHECK(r95.coupling > result.coupling);
}

TEST_CASE("the coupling exclusion reports the first crossing, gaps, and the scan ends") {
  // Non-monotonic: a preference for g near 1e-3 (q < 0), exclusion between 1e-2 and 1e-1, allowed again above.
  auto bumpy = [](double g) {
    const double x = std::log10(g);
    if (x < -2) return 0.5 * std::exp(-(x + 3) * (x + 3));
    if (x < -1) return -10.0;
    return 0.0;
  };
  const auto r = nusi::coupling_exclusion_limit<R>(bumpy, {.coupling_min = 1e-5, .coupling_max = 1.0});
  CHECK(r.excluded);
  CHECK(r.coupling == rel(1e-2, 1e-5));
  CHECK(r.reopens_above);
  const auto none = nusi::coupling_exclusion_limit<R>([](double) { return 0.0; });
  CHECK_FALSE(none.excluded);
  CHECK(none.coupling == 1.0);
  const auto all = nusi::coupling_exclusion_limit<R>([](double) { return -100.0; });
  CHECK(all.excluded_at_coupling_min);
  CHECK(all.coupling == rel(1e-4, 1e-15));
  CHECK(all.max_test_statistic == 200.0);
}

TEST_CASE("the extended likelihood of pure signal peaks where the expected count equals the event count") {
  // ln L(A) = -A N + sum ln(A s_i) is maximal at A = n / N for a normalisation A.
  const nusi::detector_response<R> response(nusi::kamiokande_ii<R>());
  const nusi::supernova_emission<R> sn{};
  const auto spectrum = sn.spectrum();
  const std::vector<nusi::observed_event<R>> events{{20.0, 2.9}, {13.5, 3.2}, {7.5, 2.0}, {35.4, 8.0}, {9.2, 2.7}};
  const double N = response.expected_events(spectrum, sn.number_per_cm2());
  const double best = sn.number_per_cm2() * events.size() / N;
  const auto lnL = [&](double phi) { return nusi::extended_log_likelihood<R>(response, spectrum, phi, events); };
  CHECK(lnL(best) > lnL(best * 1.01));
  CHECK(lnL(best) > lnL(best * 0.99));
  CHECK((lnL(best * 1.001) - lnL(best * 0.999)) / (0.002 * best) == doctest::Approx(0.0).scale(1.0 / best).epsilon(1e-5));
}

TEST_CASE("a background far above the signal makes an event carry no information on the signal") {
  const nusi::detector_response<R> response(nusi::kamiokande_ii<R>());
  const nusi::supernova_emission<R> sn{};
  const std::vector<nusi::observed_event<R>> events{{6.5, 1.6, 1e6}};
  const double phi = sn.number_per_cm2();
  // ln L -> -N_s + ln b: the signal density (< 1 per MeV) is negligible against b = 1e6 per MeV.
  CHECK(nusi::extended_log_likelihood<R>(response, sn.spectrum(), phi, events) ==
        doctest::Approx(-response.expected_events(sn.spectrum(), phi) + std::log(1e6)).epsilon(1e-6));
}

TEST_CASE("Poisson terms with non-integer counts are mu^n exp(-mu) / Gamma(n + 1)") {
  // Asimov data are expectations, not integers: the Gamma-function form, against std::tgamma.
  for (const auto& [mu, n] : {std::pair{2.5, 3.7}, std::pair{0.3, 0.25}, std::pair{40.0, 37.5}}) {
    CAPTURE(mu);
    CAPTURE(n);
    const std::vector<R> expected{mu}, observed{n};
    const double direct = std::pow(mu, n) * std::exp(-mu) / std::tgamma(n + 1);
    CHECK(std::exp(nusi::poisson_log_likelihood<R>(expected, observed)) == doctest::Approx(direct).epsilon(1e-12));  // rounding of pow, tgamma
  }
  // At integer counts it is the integer form; mu = 0 allows only n = 0.
  const std::vector<R> expected{1.5, 4.0, 0.0}, observed{2.0, 5.0, 0.0};
  const std::vector<unsigned> integers{2, 5, 0};
  CHECK(nusi::poisson_log_likelihood<R>(expected, observed) == nusi::poisson_log_likelihood<R>(expected, integers));
  const std::vector<R> none{0.0}, one{1.0};
  CHECK(nusi::poisson_log_likelihood<R>(none, one) == -std::numeric_limits<R>::infinity());
}

TEST_CASE("the profiled Poisson likelihood peaks at A = sum n / sum mu, clamped to the range") {
  // d/dA sum [n ln(A mu) - A mu] = N/A - M vanishes at A = N/M.
  const std::vector<R> mu{2.0, 5.0, 1.5}, n{3.0, 4.2, 2.0};
  const auto at = [&](double A) {
    std::vector<R> scaled = mu;
    for (double& x : scaled) x *= A;
    return nusi::poisson_log_likelihood<R>(scaled, n);
  };
  const auto p = nusi::profiled_poisson_log_likelihood<R>(mu, n, 1e-3, 1e3);
  CHECK(p.normalisation == doctest::Approx(9.2 / 8.5).epsilon(1e-15));  // one division
  CHECK(p.log_likelihood == doctest::Approx(at(p.normalisation)).epsilon(1e-15));
  CHECK(p.log_likelihood > at(p.normalisation * 1.001));
  CHECK(p.log_likelihood > at(p.normalisation * 0.999));
  const auto clamped = nusi::profiled_poisson_log_likelihood<R>(mu, n, 1e-3, 1.0);
  CHECK(clamped.normalisation == 1.0);
  CHECK(clamped.log_likelihood == doctest::Approx(at(1.0)).epsilon(1e-15));
  // Asimov data (n = mu): the best normalisation is 1.
  CHECK(nusi::profiled_poisson_log_likelihood<R>(mu, mu, 1e-3, 1e3).normalisation == doctest::Approx(1.0).epsilon(1e-15));
}

TEST_CASE("the profiled extended likelihood solves d ln L/dA = 0, without background A = n/S") {
  // ln L(A) = -A S + sum ln(b_i + A s_i); without background d/dA = -S + n/A.
  const std::vector<R> s{0.5, 0.2, 0.8}, none{0.0, 0.0, 0.0}, b{0.1, 0.3, 0.05};
  const double S = 4.0;
  const auto p0 = nusi::profiled_extended_log_likelihood<R>(S, s, none, 1e-3, 1e3);
  CHECK(p0.normalisation == doctest::Approx(3.0 / 4.0).epsilon(1e-11));  // bisection in ln A to 1e-12
  const auto at = [&](double A, const std::vector<R>& background) {
    std::vector<R> scaled = s;
    for (double& x : scaled) x *= A;
    return nusi::extended_log_likelihood<R>(A * S, scaled, background);
  };
  CHECK(p0.log_likelihood == doctest::Approx(at(p0.normalisation, none)).epsilon(1e-14));
  const auto p = nusi::profiled_extended_log_likelihood<R>(S, s, b, 1e-3, 1e3);
  double slope = -S;
  for (std::size_t i = 0; i < s.size(); ++i) slope += s[i] / (b[i] + p.normalisation * s[i]);
  CHECK(std::abs(slope) < 1e-9);  // bisection in ln A to 1e-12; |d slope/d ln A| ~ 3
  CHECK(p.log_likelihood > at(p.normalisation * 1.001, b));
  CHECK(p.log_likelihood > at(p.normalisation * 0.999, b));
  // The maximum lies outside the range: its end.
  CHECK(nusi::profiled_extended_log_likelihood<R>(S, s, b, 1e-3, 0.1).normalisation == 0.1);
  CHECK(nusi::profiled_extended_log_likelihood<R>(S, s, b, 10.0, 20.0).normalisation == 10.0);
  // An event with neither signal nor background is impossible: ln L = -infinity.
  const std::vector<R> dead{0.5, 0.0, 0.8};
  CHECK(nusi::extended_log_likelihood<R>(S, dead, none) == -std::numeric_limits<R>::infinity());
}

TEST_CASE("likelihood functions reject bad input naming the parameter") {
  CHECK_THROWS_WITH_AS(nusi::poisson_log_probability(-1.0, 2u), doctest::Contains("expected"), nusi::invalid_argument);
  const std::vector<R> expected{1.0, 2.0};
  const std::vector<unsigned> observed{1};
  CHECK_THROWS_WITH_AS(nusi::poisson_log_likelihood<R>(expected, observed), doctest::Contains("observed.size()"),
                       nusi::invalid_argument);
  CHECK_THROWS_WITH_AS(nusi::critical_delta_chi2(1.0), doctest::Contains("confidence_level"), nusi::invalid_argument);
  CHECK_THROWS_WITH_AS(nusi::critical_delta_chi2_one_sided(0.3), doctest::Contains("confidence_level"), nusi::invalid_argument);
  auto zero = [](double) { return 0.0; };
  CHECK_THROWS_WITH_AS(nusi::coupling_exclusion_limit<R>(zero, {.coupling_min = 1.0, .coupling_max = 0.1}),
                       doctest::Contains("scan.coupling_min"), nusi::invalid_argument);
  CHECK_THROWS_WITH_AS(nusi::coupling_exclusion_limit<R>(zero, {.points_per_decade = 0}), doctest::Contains("scan.points_per_decade"),
                       nusi::invalid_argument);
  CHECK_THROWS_WITH_AS(nusi::coupling_exclusion_limit<R>([](double) { return std::nan(""); }), doctest::Contains("NaN"),
                       nusi::numerical_error);
  const nusi::detector_response<R> response(nusi::imb<R>());
  const nusi::supernova_emission<R> sn{};
  const std::vector<nusi::observed_event<R>> below{{10.0, 2.0}};
  CHECK_THROWS_WITH_AS(nusi::extended_log_likelihood<R>(response, sn.spectrum(), 1.0, below), doctest::Contains("events[0].energy_MeV"),
                       nusi::invalid_argument);
  const std::vector<nusi::observed_event<R>> no_error{{20.0, 0.0}};
  CHECK_THROWS_WITH_AS(nusi::extended_log_likelihood<R>(response, sn.spectrum(), 1.0, no_error),
                       doctest::Contains("events[0].energy_error_MeV"), nusi::invalid_argument);
  using E = nusi::invalid_argument;
  const std::vector<R> two{1.0, 2.0}, one{1.0}, negative{1.0, -2.0};
  CHECK_THROWS_WITH_AS(nusi::poisson_log_likelihood<R>(two, one), doctest::Contains("observed.size()"), E);
  CHECK_THROWS_WITH_AS(nusi::poisson_log_likelihood<R>(negative, two), doctest::Contains("expected[1]"), E);
  CHECK_THROWS_WITH_AS(nusi::poisson_log_likelihood<R>(two, negative), doctest::Contains("observed[1]"), E);
  CHECK_THROWS_WITH_AS(nusi::extended_log_likelihood<R>(-1.0, two, two), doctest::Contains("expected_signal"), E);
  CHECK_THROWS_WITH_AS(nusi::extended_log_likelihood<R>(1.0, two, one), doctest::Contains("background_per_MeV.size()"), E);
  CHECK_THROWS_WITH_AS(nusi::extended_log_likelihood<R>(1.0, negative, two), doctest::Contains("signal_per_MeV[1]"), E);
  CHECK_THROWS_WITH_AS(nusi::profiled_poisson_log_likelihood<R>(two, two, 0.0, 1.0), doctest::Contains("normalisation_min"), E);
  CHECK_THROWS_WITH_AS(nusi::profiled_poisson_log_likelihood<R>(two, two, 2.0, 1.0), doctest::Contains("normalisation_min"), E);
  CHECK_THROWS_WITH_AS(nusi::profiled_extended_log_likelihood<R>(1.0, two, two, 1e-3, std::nan("")),
                       doctest::Contains("normalisation_max"), E);
  CHECK_THROWS_WITH_AS(nusi::profiled_extended_log_likelihood<R>(1.0, two, negative, 1e-3, 1e3),
                       doctest::Contains("background_per_MeV[1]"), E);
}

}  // namespace nusi_test_detection_likelihood
