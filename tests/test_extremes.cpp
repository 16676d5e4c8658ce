// SPDX-License-Identifier: MIT
// Numerical extremes through the public API: couplings from 1e-8 to 4 pi, mediator masses from 1e-10
// to 1e6 MeV, optical depths from 1e-12 to 1e8, energies at the kinematic edges, the resonance on a
// bin edge, and float / long double. Every result is finite and >= 0 and obeys a stated law
// (closed form, conservation, bound), or the call throws a nusi exception naming the parameter.
#include <cmath>
#include <cstddef>
#include <limits>
#include <string>
#include <type_traits>
#include <vector>

#include <boost/math/quadrature/gauss_kronrod.hpp>
#include <doctest/doctest.h>

#include <nusi/core_bound.hpp>
#include <nusi/cross_sections.hpp>
#include <nusi/monte_carlo.hpp>
#include <nusi/spectra.hpp>
#include <nusi/transport.hpp>

#include "test_support.hpp"

namespace {
using ld = long double;
using nusi_test::rel;
using nusi_test::relative_error;

constexpr double four_pi = 12.566370614359172;
/// The coupling grid: 1e-8 to 1e0 by two decades, then the perturbative limit region up to 4 pi.
const std::vector<double> couplings{1e-8, 1e-6, 1e-4, 1e-2, 1.0, 3.0, four_pi};
/// The mass grid [MeV]: 1e-10 to 1e6 by two decades.
const std::vector<double> masses{1e-10, 1e-8, 1e-6, 1e-4, 1e-2, 1.0, 1e2, 1e4, 1e6};

template <class T>
bool finite_non_negative(T x) {
  using std::isfinite;
  return isfinite(x) && x >= 0;
}

/// (hbar c)^2 [MeV^2 cm^2] from CODATA 2018 hbar c = 197.3269804 MeV fm, in long double.
constexpr ld hbar_c2 = 197.3269804e-13L * 197.3269804e-13L;
}  // namespace

// ---------------------------------------------------------------------------------------------
// Cross sections

TEST_CASE("sigma_2to4 is finite, >= 0 and equals Eqs. 2-3 in logarithms from g = 1e-8 to 4 pi, M = 1e-10 to 1e6 MeV, "
          "E_cm = 1e-300 to 1e300 MeV") {
  const ld kappa = 1e-2L;
  for (double g : couplings)
    for (double M : masses) {
      const nusi::mediator<double> med{.mass_MeV = M, .coupling = g};
      for (double E : {1e-300, 1e-12 * M, std::nextafter(M, 0.0), M, std::nextafter(M, 2 * M), 1e12 * M, 1e300,
                       std::numeric_limits<double>::max()}) {
        CAPTURE(g);
        CAPTURE(M);
        CAPTURE(E);
        const double s = nusi::sigma_2to4_per_MeV2(E, med);
        const double s_cm2 = nusi::sigma_2to4_cm2(E, med);
        REQUIRE(finite_non_negative(s));
        REQUIRE(finite_non_negative(s_cm2));
        // Reference: log sigma = 4 log kappa + 8 log g + (6 log E - 8 log M below M, -2 log E from M up),
        // in long double, where no power can overflow.
        using std::log;
        const ld log_ref = 4 * log(kappa) + 8 * log(ld(g)) +
                           (E < M ? 6 * log(ld(E)) - 8 * log(ld(M)) : -2 * log(ld(E)));
        const ld log_min = log(ld(std::numeric_limits<double>::min())) + 1;
        if (log_ref > log_min) {
          // ~10 double roundings, and log_ref (magnitude up to ~700) carries ~700 long double eps.
          CHECK(s == rel(double(std::exp(log_ref)), 1e-13));
        } else {
          CHECK(s < std::numeric_limits<double>::min() * 4);  // below the normal range: 0 or a denormal
        }
        if (log_ref + log(hbar_c2) > log_min) CHECK(s_cm2 == rel(double(std::exp(log_ref) * hbar_c2), 1e-13));
      }
    }
}

namespace {
/// Largest value of x L(v) = (1 + v) gamma^2/(v^2 + gamma^2) over v: (1 + sqrt(1 + gamma^2))/2, at
/// v = sqrt(1 + gamma^2) - 1 (derivative zero). sigma_tot <= (4 pi/M^2) times this for every E_i.
ld peak_factor(ld g) {
  const ld gamma = g * g / (4 * 3.14159265358979323846264338327950288L);
  return (1 + std::sqrt(1 + gamma * gamma)) / 2;
}
/// sigma_tot(E_i) = g^4 s^2/(4 pi D (s + m^2)) [cm^2] in long double, directly (long double's
/// exponent range holds s^2 and M^4 for any double input).
ld sigma_total_reference(ld M, ld g, ld m, ld E) {
  const ld pi = 3.14159265358979323846264338327950288L;
  const ld s = 2 * E * m, M2 = M * M, Gamma = g * g * M / (4 * pi);
  const ld D = (s - M2) * (s - M2) + M2 * Gamma * Gamma;
  return g * g * g * g * s * s / (4 * pi * D * (s + m * m)) * hbar_c2;
}
}  // namespace

TEST_CASE("Breit-Wigner point values are finite, >= 0, below the peak bound 4 pi/M^2 (1 + sqrt(1 + gamma^2))/2 and "
          "equal the closed form, for E_i from 1e-300 MeV past E_res to 1e300 MeV") {
  const double m = 5e-8;  // the paper's 0.05 eV
  for (double g : couplings)
    for (double M : masses) {
      const nusi::s_channel_breit_wigner<double> bw(nusi::mediator<double>{.mass_MeV = M, .coupling = g}, m);
      const double E_res = bw.resonance_energy_MeV();
      REQUIRE(finite_non_negative(E_res));
      const ld bound = 4 * 3.14159265358979323846264338327950288L / (ld(M) * M) * peak_factor(g) * hbar_c2;
      for (double E : {1e-300, 1e-3 * m, m, 1e-3 * E_res, std::nextafter(E_res, 0.0), E_res,
                       std::nextafter(E_res, 2 * E_res), 1e3 * E_res, 1e30, 1e300}) {
        CAPTURE(g);
        CAPTURE(M);
        CAPTURE(E);
        if (2 * ld(E) * m / (ld(M) * M) > ld(std::numeric_limits<double>::max())) {
          // s/M^2 beyond the double range (E ~ 1e300 MeV with M <= 1e-8 MeV): rejected, naming E_i.
          CHECK_THROWS_WITH_AS(bw.sigma_total_cm2(E), doctest::Contains("E_i_MeV"), nusi::invalid_argument);
          CHECK_THROWS_WITH_AS(bw.flat_dsigma_dEf_cm2_per_MeV(E), doctest::Contains("E_i_MeV"), nusi::invalid_argument);
          CHECK_THROWS_WITH_AS(bw.dsigma_dcos_cm2(E, 0.0), doctest::Contains("E_i_MeV"), nusi::invalid_argument);
          CHECK_THROWS_WITH_AS(bw.bin_averaged_sigma_total_cm2(E / 2, E), doctest::Contains("E_hi_MeV"),
                               nusi::invalid_argument);
          continue;
        }
        const double total = bw.sigma_total_cm2(E);
        REQUIRE(finite_non_negative(total));
        CHECK(ld(total) <= bound * (1 + 1e-14L));  // rounding of the bound
        const double height = bw.flat_dsigma_dEf_cm2_per_MeV(E);
        REQUIRE(finite_non_negative(height));
        const double E_f_min = bw.min_final_energy_MeV(E);
        REQUIRE(finite_non_negative(E_f_min));
        CHECK(E_f_min <= E);
        for (double c : {-1.0, 0.0, 1.0}) {
          CAPTURE(c);
          CHECK(finite_non_negative(bw.dsigma_dcos_cm2(E, c)));
          CHECK(finite_non_negative(bw.final_energy_MeV(E, c)));
        }
        // Away from the line (|s/M^2 - 1| > 1e-3, where the long double reference keeps ~15 digits of
        // s - M^2) and where the value is a normal double, the code must equal the closed form.
        const ld v = 2 * ld(E) * m / (ld(M) * M) - 1;
        const ld ref = sigma_total_reference(M, g, m, E);
        if (std::fabs(v) > 1e-3L && ref > 1e-300L) CHECK(total == rel(double(ref), 1e-13));  // ~10 roundings, 4 in v
      }
    }
}

namespace {
/// A Breit-Wigner whose E_res = M^2/(2 m) is exact: M = 2^k, m = 2^-24 MeV (0.0596 eV), so
/// E_res = 2^(2k + 23) MeV; k from -33 (M = 1.2e-10 MeV) to 20 (M = 1.05e6 MeV).
struct exact_line {
  double M, E_res;
};
std::vector<exact_line> exact_lines() {
  std::vector<exact_line> lines;
  for (int k : {-33, -26, -20, -12, -6, 0, 7, 14, 20}) lines.push_back({std::ldexp(1.0, k), std::ldexp(1.0, 2 * k + 23)});
  return lines;
}
const double m_exact = std::ldexp(1.0, -24);
}  // namespace

TEST_CASE("bin averages with E_res exactly on a bin edge are finite, >= 0, additive over the two bins and continuous "
          "when the edge moves by 1e-12 E_res") {
  const ld pi = 3.14159265358979323846264338327950288L;
  for (const exact_line& line : exact_lines())
    for (double g : couplings) {
      CAPTURE(line.M);
      CAPTURE(g);
      const nusi::s_channel_breit_wigner<double> bw(nusi::mediator<double>{.mass_MeV = line.M, .coupling = g}, m_exact);
      REQUIRE(bw.resonance_energy_MeV() == line.E_res);
      const double E = line.E_res, lo = E / 2, hi = 2 * E;
      // Peak values bound every average: sigma_tot (above) and the flat height g^4 m/(2 pi D) <=
      // m (4 pi/M^2)^2/(2 pi) at s = M^2.
      const ld total_peak = 4 * pi / (ld(line.M) * line.M) * peak_factor(g) * hbar_c2;
      const ld flat_peak = ld(m_exact) * (4 * pi / (ld(line.M) * line.M)) * (4 * pi / (ld(line.M) * line.M)) /
                           (2 * pi) * hbar_c2;
      struct average {
        const char* what;
        double (nusi::s_channel_breit_wigner<double>::*f)(double, double) const;
        ld peak;
      };
      for (const average& a : {average{"sigma_total", &nusi::s_channel_breit_wigner<double>::bin_averaged_sigma_total_cm2,
                                       total_peak},
                               average{"dsigma_dEf", &nusi::s_channel_breit_wigner<double>::bin_averaged_dsigma_dEf_cm2_per_MeV,
                                       flat_peak}}) {
        CAPTURE(a.what);
        const double left = (bw.*a.f)(lo, E), right = (bw.*a.f)(E, hi), both = (bw.*a.f)(lo, hi);
        REQUIRE(finite_non_negative(left));
        REQUIRE(finite_non_negative(right));
        REQUIRE(finite_non_negative(both));
        CHECK(ld(left) <= a.peak * (1 + 1e-13L));
        CHECK(ld(right) <= a.peak * (1 + 1e-13L));
        // Additivity of the integral: the two bins' integrals sum to the union's. Each average is good
        // to ~1e-15 (docs/physics.md "Bin averages"); 1e-13 leaves room for the line holding most of
        // the integral in one bin and almost nothing in the other.
        CHECK(double(ld(left) * (ld(E) - lo) + ld(right) * (ld(hi) - E)) == rel(double(ld(both) * (ld(hi) - lo)), 1e-13));
        // Continuity: moving the shared edge by delta changes an average over a bin of width w by at
        // most (delta/w) times the peak value (d<f>/db = (f(b) - <f>)/w).
        const double delta = 1e-12 * E;
        for (double edge : {E - delta, E + delta}) {
          CAPTURE(edge);
          const double left_moved = (bw.*a.f)(lo, edge), right_moved = (bw.*a.f)(edge, hi);
          REQUIRE(finite_non_negative(left_moved));
          REQUIRE(finite_non_negative(right_moved));
          const ld allowed = 2 * ld(delta) / (ld(E) - lo) * a.peak + 1e-13L * std::fabs(ld(left));
          CHECK(std::fabs(ld(left_moved) - left) <= allowed);
          CHECK(std::fabs(ld(right_moved) - right) <= 2 * ld(delta) / (ld(hi) - E) * a.peak + 1e-13L * std::fabs(ld(right)));
        }
      }
    }
}

TEST_CASE("bin averages are finite and >= 0 for bins from 1e-300 MeV to 1e300 MeV at every M and g") {
  for (double g : couplings)
    for (double M : masses) {
      const nusi::s_channel_breit_wigner<double> bw(nusi::mediator<double>{.mass_MeV = M, .coupling = g}, 5e-8);
      for (double E : {1e-300, 1e-10, 1e-3, 1.0, 1e3, 1e10, 1e30, 1e150, 1e300}) {
        CAPTURE(g);
        CAPTURE(M);
        CAPTURE(E);
        if (2 * 1.5L * E * 5e-8 / (ld(M) * M) > ld(std::numeric_limits<double>::max())) {
          CHECK_THROWS_WITH_AS(bw.bin_averaged_sigma_total_cm2(E, 1.5 * E), doctest::Contains("E_hi_MeV"),
                               nusi::invalid_argument);
          continue;
        }
        CHECK(finite_non_negative(bw.bin_averaged_sigma_total_cm2(E, 1.5 * E)));
        CHECK(finite_non_negative(bw.bin_averaged_dsigma_dEf_cm2_per_MeV(E, 1.5 * E)));
        CHECK(finite_non_negative(bw.bin_averaged_sigma_total_cm2(E, std::nextafter(E, 2 * E))));
      }
      if (M >= 1e-6) {  // s/M^2 at 1e300 MeV is representable from M ~ 3e-8 MeV up
        CHECK(finite_non_negative(bw.bin_averaged_sigma_total_cm2(1e-300, 1e300)));
        CHECK(finite_non_negative(bw.bin_averaged_dsigma_dEf_cm2_per_MeV(1e-300, 1e300)));
      }
    }
}

// ---------------------------------------------------------------------------------------------
// Spectra

TEST_CASE("fermi_dirac_spectrum from T = 1e-30 to 1e30 MeV and eta = -50 to 50 is normalised, finite and >= 0 from "
          "E = 0 to 1e300 MeV") {
  for (double T : {1e-30, 1e-6, 1.0, 1e6, 1e30})
    for (double eta : {-50.0, 0.0, 50.0}) {
      CAPTURE(T);
      CAPTURE(eta);
      const nusi::fermi_dirac_spectrum<double> s(T, eta);
      CHECK(finite_non_negative(s.number_density_per_cm3()));
      CHECK(finite_non_negative(s.mean_energy_MeV()));
      // Normalisation by an independent quadrature (Gauss-Kronrod, in x = E/T) over [0, 100 + eta]: the
      // tail beyond weighs < e^-50. 1e-10: the adaptive quadrature's tolerance.
      auto pdf = [&s, T](double x) { return T * s.probability_density_per_MeV(x * T); };
      const double norm = boost::math::quadrature::gauss_kronrod<double, 61>::integrate(pdf, 0.0, 100.0 + eta, 8, 1e-13);
      CHECK(norm == rel(1.0, 1e-10));
      for (double E : {0.0, 1e-300, 1e-6 * T, T, 10 * T, 100 * T + eta * T, 1e4 * T, 1e300}) {
        CAPTURE(E);
        const double p = s.probability_density_per_MeV(E), c = s.cumulative_probability(E),
                     q = s.complementary_probability(E);
        CHECK(finite_non_negative(p));
        CHECK(finite_non_negative(c));
        CHECK(finite_non_negative(q));
        CHECK(c <= 1.0);
        CHECK(q <= 1.0);
        // The two halves are computed by separate quadratures (lower below <E>, upper tail above),
        // each to eps^(3/4) = 2e-12 relative: they must sum to 1.
        CHECK(std::fabs(c + q - 1) <= 1e-11);
      }
      for (double p : {1e-12, 0.5, 1 - 1e-12}) {
        CAPTURE(p);
        const double E = s.quantile_MeV(p);
        REQUIRE(finite_non_negative(E));
        // The quantile inverts the CDF to its quadrature accuracy; 1e-12 absolute covers the tail
        // probabilities, whose CDF value is 1 - 1e-12.
        CHECK(std::fabs(s.cumulative_probability(E) - p) <= 1e-11 * std::max(p, 1e-3));
      }
    }
}

TEST_CASE("pinched_spectrum from <E> = 1e-30 to 1e30 MeV and alpha = -0.99 to 1e4 is normalised, finite and >= 0 for "
          "E > 0 up to 1e300 MeV") {
  for (double mean : {1e-30, 1.0, 15.0, 1e30})
    for (double alpha : {-0.99, -0.5, 0.0, 160.0 / 65.0, 50.0, 1e4}) {
      CAPTURE(mean);
      CAPTURE(alpha);
      const nusi::pinched_spectrum<double> s(mean, alpha);
      CHECK(finite_non_negative(s.mean_square_energy_MeV2()));
      // Normalisation: the density integrated in t = ln E (E pdf(E) is smooth there, even for alpha
      // near -1, whose mass spreads over hundreds of decades below <E>) between the 0.05 and
      // 1 - 1e-9 quantiles by adaptive Gauss-Kronrod, independent of the incomplete gamma behind the
      // quantiles, is 0.95 - 1e-9. 1e-10: the quadrature's tolerance.
      const double lo = s.quantile_MeV(0.05), hi = s.quantile_MeV(1 - 1e-9);
      REQUIRE(lo > 0);
      REQUIRE(finite_non_negative(hi));
      auto density_in_log = [&s](double t) {
        const double E = std::exp(t);
        return E * s.probability_density_per_MeV(E);
      };
      const double norm = boost::math::quadrature::gauss_kronrod<double, 61>::integrate(density_in_log, std::log(lo),
                                                                                         std::log(hi), 8, 1e-13);
      CHECK(norm == rel(0.95 - 1e-9, 1e-10));
      for (double E : {1e-300, 1e-6 * mean, mean, 10 * mean, 1e3 * mean, 1e300}) {
        CAPTURE(E);
        const double p = s.probability_density_per_MeV(E), c = s.cumulative_probability(E),
                     q = s.complementary_probability(E);
        CHECK(finite_non_negative(p));
        CHECK(finite_non_negative(c));
        CHECK(finite_non_negative(q));
        CHECK(std::fabs(c + q - 1) <= 1e-14);  // P + Q = 1 to a few eps (Boost's regularised gammas)
      }
      CHECK(finite_non_negative(s.probability_density_per_MeV(0.0)) == (alpha >= 0));  // +inf for alpha < 0, documented
    }
}
