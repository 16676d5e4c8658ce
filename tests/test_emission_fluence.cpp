// SPDX-License-Identifier: MIT
// Sums of pinched spectra (emission/fluence.hpp): one term is the pinched spectrum, many terms are the
// weighted sum of independently built pinched spectra, the table converges as nodes^-4 to the exact sum,
// CDF, quantile and sampling agree with it, and every rejection.
#include <doctest/doctest.h>

#include <cmath>
#include <cstddef>
#include <random>
#include <vector>

#include <nusi/emission/fluence.hpp>

#include "test_support.hpp"

namespace nusi_test_emission_fluence {  // this file's own: the suite compiles in batches of files (tests/CMakeLists.txt)

using nusi_test::rel;

namespace {
// A spread of components like a cooling burst: mean energies 9-18 MeV, alphas 1.5-4, numbers spanning 30x.
std::vector<nusi::pinched_component<double>> spread_components() {
  std::vector<nusi::pinched_component<double>> c;
  for (int i = 0; i < 12; ++i)
    c.push_back({std::exp(-0.3 * i) * 1e56, 9.0 + 0.8 * i, 1.5 + 0.2 * i});
  return c;
}
// The sum evaluated from pinched_spectrum objects: independent of the mixture code.
double sum_density(const std::vector<nusi::pinched_component<double>>& c, double E) {
  double num = 0, total = 0;
  for (const auto& x : c) {
    num += x.number * nusi::pinched_spectrum<double>(x.mean_energy_MeV, x.alpha).probability_density_per_MeV(E);
    total += x.number;
  }
  return num / total;
}
double sum_cdf(const std::vector<nusi::pinched_component<double>>& c, double E) {
  double num = 0, total = 0;
  for (const auto& x : c) {
    num += x.number * nusi::pinched_spectrum<double>(x.mean_energy_MeV, x.alpha).cumulative_probability(E);
    total += x.number;
  }
  return num / total;
}
}  // namespace

TEST_CASE("a single pinched component is the pinched spectrum, in the mixture and in the table") {
  const auto p = nusi::pinched_spectrum<double>::paper_default();
  const nusi::pinched_mixture<double> m({{3.0, 15.0, p.alpha()}});
  const nusi::fluence_spectrum<double> f({{1e57, 15.0, p.alpha()}});
  CHECK(f.terms() == 1);
  for (double E : {0.01, 0.7, 5.0, 15.0, 33.0, 80.0, 150.0}) {
    CAPTURE(E);
    // 1e-13: the same closed form evaluated with differently grouped logarithms (a few ulps of exp's argument).
    CHECK(m.probability_density_per_MeV(E) == rel(p.probability_density_per_MeV(E), 1e-13));
    CHECK(f.probability_density_per_MeV(E) == rel(p.probability_density_per_MeV(E), 1e-13));
    CHECK(m.cumulative_probability(E) == rel(p.cumulative_probability(E), 1e-13));
    // 1e-12: the table's CDF is a Gauss-8 sum over ~100 node intervals (rounding accumulates).
    CHECK(f.cumulative_probability(E) == rel(p.cumulative_probability(E), 1e-12));
    CHECK(f.complementary_probability(E) == rel(p.complementary_probability(E), 1e-11));
  }
  // Bisection to 4 ulps in log E.
  CHECK(f.quantile_MeV(0.3) == rel(p.quantile_MeV(0.3), 1e-13));
  CHECK(m.quantile_MeV(0.95) == rel(p.quantile_MeV(0.95), 1e-13));
  CHECK(f.mean_energy_MeV() == 15.0);
  CHECK(f.moment_matched_pinched().alpha() == rel(p.alpha(), 1e-14));
}

TEST_CASE("the mixture is the number-weighted sum of its pinched spectra") {
  const auto c = spread_components();
  const nusi::pinched_mixture<double> m(c);
  double num = 0, energy = 0, square = 0;
  for (const auto& x : c) {
    const nusi::pinched_spectrum<double> p(x.mean_energy_MeV, x.alpha);
    num += x.number;
    energy += x.number * x.mean_energy_MeV;
    square += x.number * p.mean_square_energy_MeV2();
  }
  // 1e-14: sums of 12 positive terms.
  CHECK(m.mean_energy_MeV() == rel(energy / num, 1e-14));
  CHECK(m.mean_square_energy_MeV2() == rel(square / num, 1e-14));
  for (double E : {0.3, 4.0, 12.0, 30.0, 70.0}) {
    CAPTURE(E);
    CHECK(m.probability_density_per_MeV(E) == rel(sum_density(c, E), 1e-13));  // log-sum-exp vs direct sum
    CHECK(m.cumulative_probability(E) == rel(sum_cdf(c, E), 1e-13));
  }
  // Quantile inverts the CDF (bisection to 4 ulps in log E; the CDF's slope turns that into ~1e-14).
  for (double p : {0.01, 0.5, 0.99}) CHECK(m.cumulative_probability(m.quantile_MeV(p)) == rel(p, 1e-12));
}

TEST_CASE("the fluence table converges to the exact sum as nodes^-4 (cubic Hermite with exact slopes)") {
  const auto c = spread_components();
  std::vector<double> errors;
  for (std::size_t nodes : {64, 128, 256, 512, 1024}) {
    const nusi::fluence_spectrum<double> f(c, {.energy_nodes = nodes});
    double worst = 0;
    for (double E = 0.5; E < 120; E *= 1.0137) {  // off-node energies across the spectrum
      const double exact = f.exact_probability_density_per_MeV(E);
      worst = std::max(worst, std::abs(f.probability_density_per_MeV(E) - exact) / exact);
    }
    errors.push_back(worst);
  }
  for (std::size_t i = 0; i + 1 < errors.size(); ++i) {
    CAPTURE(i);
    CAPTURE(errors[i]);
    CAPTURE(errors[i + 1]);
    // Fourth order: halving the spacing divides the error by 16; > 10 allows for the asymptotic regime
    // being reached only gradually.
    CHECK(errors[i] / errors[i + 1] > 10);
  }
  // At the default 512 nodes the table is below 1e-8 of the sum (2e-9 measured; worst in the tail near 110 MeV).
  CHECK(errors[3] < 1e-8);
  const nusi::fluence_spectrum<double> f(c);
  for (double E : {1.0, 5.0, 20.0, 60.0}) {
    CAPTURE(E);
    // 1e-9: the table's error integrated (and its normalisation, which absorbs it).
    CHECK(f.cumulative_probability(E) == rel(sum_cdf(c, E), 1e-9));
    CHECK(f.probability_density_per_MeV(E) == rel(sum_density(c, E), 1e-9));
    // Below and above add to one (up to rounding of two sums).
    CHECK(f.cumulative_probability(E) + f.complementary_probability(E) == rel(1.0, 1e-14));
  }
}

TEST_CASE("a narrow component gets enough nodes, and the CDF is continuous and monotone at the table's ends") {
  // Found by fuzzing: a line of alpha = 52 at 5 MeV beside a 10 GeV component, tabulated on 16 nodes over
  // 21 e-folds, left the table's CDF below the exact tail's at the table end.
  const std::vector<nusi::pinched_component<double>> c{{1.0, 1e4, 3.0}, {3.0, 5.0, 52.0}};
  const nusi::fluence_spectrum<double> f(c, {.energy_nodes = 16});
  double previous = 0;
  for (double E = 0.01; E < 1e6; E *= 1.05) {
    const double cdf = f.cumulative_probability(E);
    CHECK(cdf >= previous);
    previous = cdf;
  }
  for (double E : {3.0, 5.0, 7.0, 5e3, 2e4}) {
    CAPTURE(E);
    // Two nodes per width of the line: the interpolation stays within 1e-2 of the exact sum.
    CHECK(f.probability_density_per_MeV(E) == rel(sum_density(c, E), 1e-2));
  }
  // Below and above the table the exact sum continues the table's integral.
  const auto [lo, hi] = f.table_range_MeV();
  CHECK(f.cumulative_probability(hi * 0.999999) == rel(f.cumulative_probability(hi * 1.000001), 1e-9));
  CHECK(f.complementary_probability(lo * 0.999999) == rel(f.complementary_probability(lo * 1.000001), 1e-9));
}

TEST_CASE("fluence samples follow the exact sum: mean and quantiles within their Monte Carlo errors") {
  const auto c = spread_components();
  const nusi::fluence_spectrum<double> f(c);
  std::mt19937_64 rng(7);
  const int n = 20000;
  double sum = 0, sum_sq = 0;
  int below_median = 0;
  const double median = f.quantile_MeV(0.5);
  for (int i = 0; i < n; ++i) {
    const double E = f.sample_MeV(rng);
    sum += E;
    sum_sq += E * E;
    below_median += E < median ? 1 : 0;
  }
  const double mean = sum / n, sd = std::sqrt(sum_sq / n - mean * mean);
  // 4 standard errors: a check that fails with probability 6e-5 for a correct sampler.
  CHECK(std::abs(mean - f.mean_energy_MeV()) < 4 * sd / std::sqrt(double(n)));
  CHECK(std::abs(below_median - n / 2) < 4 * std::sqrt(n / 4.0));
  // Deterministic for a given generator.
  std::mt19937_64 a(3), b(3);
  CHECK(f.sample_MeV(a) == f.sample_MeV(b));
}

TEST_CASE("sums of pinched spectra reject bad components and energies by name") {
  using C = nusi::pinched_component<double>;
  using V = std::vector<C>;
  CHECK_THROWS_WITH_AS(nusi::fluence_spectrum<double>(V{}), doctest::Contains("components"), nusi::invalid_argument);
  CHECK_THROWS_WITH_AS(nusi::fluence_spectrum<double>(V{{0.0, 15.0, 2.0}}), doctest::Contains("total number > 0"),
                       nusi::invalid_argument);
  CHECK_THROWS_WITH_AS(nusi::fluence_spectrum<double>(V{{-1.0, 15.0, 2.0}}), doctest::Contains("components[0].number"),
                       nusi::invalid_argument);
  CHECK_THROWS_WITH_AS(nusi::pinched_mixture<double>(V{{1.0, 15.0, -0.6}}), doctest::Contains("components[0].alpha"),
                       nusi::invalid_argument);
  CHECK_THROWS_WITH_AS(nusi::pinched_mixture<double>(V{{1.0, 15.0, 101.0}}), doctest::Contains("[-0.5, 100]"), nusi::invalid_argument);
  CHECK_THROWS_WITH_AS(nusi::pinched_mixture<double>(V{{1.0, 0.0, 2.0}}), doctest::Contains("components[0].mean_energy_MeV"),
                       nusi::invalid_argument);
  CHECK_THROWS_WITH_AS(nusi::pinched_mixture<double>(V{{1.0, 2e4, 2.0}}), doctest::Contains("in [0.001, 1e4]"), nusi::invalid_argument);
  CHECK_THROWS_WITH_AS(nusi::pinched_mixture<double>(V{{1.0, 15.0, std::nan("")}}), doctest::Contains("alpha"),
                       nusi::invalid_argument);
  CHECK_THROWS_WITH_AS(nusi::fluence_spectrum<double>(V{{1.0, 15.0, 2.0}}, {.energy_nodes = 8}),
                       doctest::Contains("options.energy_nodes"), nusi::invalid_argument);
  const nusi::fluence_spectrum<double> f(V{{1.0, 15.0, 2.0}});
  CHECK_THROWS_WITH_AS(f.probability_density_per_MeV(-1.0), doctest::Contains("E_MeV"), nusi::invalid_argument);
  CHECK_THROWS_WITH_AS(f.cumulative_probability(std::nan("")), doctest::Contains("E_MeV"), nusi::invalid_argument);
  CHECK_THROWS_WITH_AS(f.quantile_MeV(1.0), doctest::Contains("p"), nusi::invalid_argument);
  CHECK_THROWS_WITH_AS(f.exact_probability_density_per_MeV(0.0), doctest::Contains("E_MeV"), nusi::invalid_argument);
}

}  // namespace nusi_test_emission_fluence
