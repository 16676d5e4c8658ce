// SPDX-License-Identifier: MIT
// Numerical extremes through the public API: couplings from 1e-8 to 4 pi, mediator masses from 1e-10
// to 1e6 MeV, optical depths from 1e-12 to 1e8, energies at the kinematic edges, the resonance on a
// bin edge, and float / long double. Every result is finite and >= 0 and obeys a stated law
// (closed form, conservation, bound), or the call throws a nusi exception naming the parameter.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>
#include <type_traits>
#include <vector>

#include <boost/math/quadrature/gauss_kronrod.hpp>
#include <doctest/doctest.h>

#include <nusi/arrival_times.hpp>
#include <nusi/core_bound.hpp>
#include <nusi/cross_sections.hpp>
#include <nusi/event_bound.hpp>
#include <nusi/monte_carlo.hpp>
#include <nusi/spectra.hpp>
#include <nusi/time_spread_bound.hpp>
#include <nusi/transport.hpp>

#include "test_support.hpp"

namespace nusi_test_extremes {  // this file's own: the suite compiles in batches of files (tests/CMakeLists.txt)

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

/// A spectrum at E: density, CDF and complementary CDF finite and >= 0, both probabilities <= 1, and
/// CDF + CCDF = 1 to sum_tolerance.
template <class Spectrum>
void check_distribution_at(const Spectrum& s, double E, double sum_tolerance) {
  const double p = s.probability_density_per_MeV(E), c = s.cumulative_probability(E), q = s.complementary_probability(E);
  CHECK(finite_non_negative(p));
  CHECK(finite_non_negative(c));
  CHECK(finite_non_negative(q));
  CHECK(c <= 1.0);
  CHECK(q <= 1.0);
  CHECK(std::fabs(c + q - 1) <= sum_tolerance);
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

TEST_CASE("the flat dsigma/dE_f equals g^4 m_nu/(2 pi D(s)) in long double wherever that is a normal double, for "
          "E_i up to 1e288 MeV (no intermediate denormal far above the pole)") {
  const double m = 5e-8;  // the paper's 0.05 eV, as the double the class holds
  const ld pi = 3.14159265358979323846264338327950288L;
  for (double g : couplings)
    for (double M : masses) {
      const nusi::s_channel_breit_wigner<double> bw(nusi::mediator<double>{.mass_MeV = M, .coupling = g}, m);
      for (int k = -300; k <= 300; k += 3) {
        const double E = std::pow(10.0, k);
        const ld s = 2 * ld(E) * ld(m), M2 = ld(M) * M, v = s / M2 - 1;
        if (s / M2 > ld(std::numeric_limits<double>::max())) continue;  // rejected (checked above)
        CAPTURE(g);
        CAPTURE(M);
        CAPTURE(E);
        const double height = bw.flat_dsigma_dEf_cm2_per_MeV(E);
        REQUIRE(finite_non_negative(height));
        // D = M^4 (v^2 + gamma^2) in long double, whose exponent range holds every factor. Off the line
        // (|v| > 1e-3, where s - M^2 keeps ~15 digits) a normal double height has ~10 roundings: 1e-13.
        // Before the scaled form, M = 1e-10 MeV lost 2e-10 of the height at 3e-302 and 2e-4 at 3e-308.
        const ld gamma = ld(g) * g / (4 * pi);
        const ld ref = ld(g) * g * g * g * m / (2 * pi * M2 * M2 * (v * v + gamma * gamma)) * hbar_c2;
        if (std::fabs(v) > 1e-3L && ref > ld(std::numeric_limits<double>::min())) CHECK(height == rel(double(ref), 1e-13));
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
        // The two halves are computed by separate quadratures (lower below <E>, upper tail above),
        // each to eps^(3/4) = 2e-12 relative: they must sum to 1 to 1e-11.
        check_distribution_at(s, E, 1e-11);
      }
      for (double p : {1e-12, 0.5, 1 - 1e-12}) {
        CAPTURE(p);
        const double E = s.quantile_MeV(p);
        REQUIRE(finite_non_negative(E));
        // The quantile inverts the CDF to its quadrature accuracy (eps^(3/4) = 2e-12 relative): 1e-11
        // relative for p >= 1e-3, and 1e-14 absolute for p = 1e-12, i.e. 1% of the tail probability.
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
        check_distribution_at(s, E, 1e-14);  // P + Q = 1 to a few eps (Boost's regularised gammas)
      }
      CHECK(finite_non_negative(s.probability_density_per_MeV(0.0)) == (alpha >= 0));  // +inf for alpha < 0, documented
    }
}

// ---------------------------------------------------------------------------------------------
// Random walk and core bound

TEST_CASE("core_bound from M = 1e-10 to 1e6 MeV gives a finite, positive N_2to4 that scales as g^8 from g = 1e-8 "
          "to 4 pi, and N_2to4 = 1 at g_core") {
  const nusi::core_inputs<double> inputs{};
  const auto walk = inputs.walk();
  for (double M : masses) {
    CAPTURE(M);
    const auto bound = nusi::core_bound(walk, M);
    const double N1 = bound.N_2to4_at_g1.value;
    REQUIRE(finite_non_negative(N1));
    REQUIRE(N1 > 0);
    REQUIRE(std::isfinite(bound.log10_coupling_bound));
    // N_2to4 = g^8 N_2to4(g = 1) (Eqs. 2-3), so at g_core it is 1: pow and the eighth power round
    // at ~1e-15 each, times 8 from the exponent.
    CHECK(std::pow(bound.coupling_bound(), 8.0) * N1 == rel(1.0, 1e-13));
    for (double g : {1e-8, four_pi}) {
      CAPTURE(g);
      const nusi::two_to_four_cross_section<double> sigma{nusi::mediator<double>{.mass_MeV = M, .coupling = g}};
      const double N = walk.N_2to4(sigma).value;
      CHECK(finite_non_negative(N));
      // The same adaptive quadrature of an integrand scaled by g^8: equal to rounding of kappa^4 g^8.
      if (N > 1e-290) CHECK(N == rel(std::pow(g, 8.0) * N1, 1e-13));
    }
    const auto summary = walk.summary();
    CHECK(finite_non_negative(summary.scatterings.value));
    CHECK(finite_non_negative(summary.path_length_cm.value));
  }
}

// ---------------------------------------------------------------------------------------------
// Transport from optical depth 1e-12 to 1e8

namespace {
const auto paper_spectrum = nusi::pinched_spectrum<double>::paper_default();

/// n_CvB D [cm^-2] of the paper's setup (330 cm^-3 Majorana, 50 kpc).
ld column_per_cm2(const nusi::propagation_setup<double>& s) {
  return ld(s.relic.target_density_per_cm3()) * ld(s.distance_cm);
}

/// Non-resonant: M = 1e-10 MeV puts E_res at 1e-13 MeV, far below the grid, so sigma_tot = g^4/(4 pi s)
/// (1 + O(M^2/s)) and the depth n D sigma_tot(15 MeV) is set by g alone. Returns the setup and that depth,
/// computed from the closed form in long double.
std::pair<nusi::propagation_setup<double>, ld> off_resonance_at_depth(ld tau) {
  nusi::propagation_setup<double> s;
  const ld pi = 3.14159265358979323846264338327950288L, m = s.relic.mass_MeV, sm = 2 * 15 * m;
  const ld g = std::pow(tau * 4 * pi * sm * (sm + m * m) / sm / (column_per_cm2(s) * hbar_c2), 0.25L);
  s.med = {.mass_MeV = 1e-10, .coupling = double(g)};
  return {s, column_per_cm2(s) * sigma_total_reference(1e-10L, ld(s.med.coupling), m, 15)};
}

/// Resonant: M = 10^-3.5 MeV (E_res = 1 MeV), g = 1e-2; the distance sets the peak depth n D 4 pi/(M^2 + m^2)
/// (the peak of sigma_tot at s = M^2, times s/(s + m^2)), computed here in long double.
std::pair<nusi::propagation_setup<double>, ld> on_resonance_at_depth(ld tau) {
  nusi::propagation_setup<double> s;
  s.med = {.mass_MeV = 3.1622776601683794e-4, .coupling = 1e-2};
  const ld pi = 3.14159265358979323846264338327950288L, M = s.med.mass_MeV, m = s.relic.mass_MeV;
  const ld peak = 4 * pi / (M * M + m * m) * hbar_c2;
  s.distance_cm = double(tau / (ld(s.relic.target_density_per_cm3()) * peak));
  return {s, column_per_cm2(s) * peak};
}

template <class Result>
void check_energy_result(const Result& r, const nusi::propagation_setup<double>& s, double budget_tolerance) {
  std::size_t bad = 0;
  for (std::size_t j = 0; j < r.at_earth.size(); ++j)
    if (!finite_non_negative(r.at_earth[j]) || !finite_non_negative(r.noise[j])) ++bad;
  CHECK(bad == 0);
  REQUIRE(std::isfinite(r.number_at_earth));
  REQUIRE(std::isfinite(r.energy_at_earth_MeV));
  CHECK(finite_non_negative(r.mean_scatterings));
  CHECK(finite_non_negative(r.injected_energy_MeV));
  CHECK(finite_non_negative(r.underflow_number));
  // Energy is conserved up to the targets' contribution E_f,min per scattering, number grows by exactly
  // one per scattering (docs/physics.md "The equation as solved"); both by construction of the kernel,
  // so only the contour's rounding (16 eps of the terms summed, a few 1e-14 here) is left: measured
  // below 9e-14 for every depth, against 1e-12 allowed.
  CHECK(std::fabs(r.energy_budget_relative_error()) <= budget_tolerance);
  CHECK(std::fabs(r.number_budget_relative_error()) <= budget_tolerance);
  CHECK(r.number_at_earth >= r.emitted_number * (1 - budget_tolerance));
  // F >= 0; F <= (energy at D)/threshold, since every neutrino counted in F carries more than the
  // threshold; |F - F(emitted)| <= scatterings, since one scattering removes one neutrino and adds
  // two, changing the count above threshold by at most one.
  const auto& F = r.fraction_above_threshold;
  CHECK(finite_non_negative(F.value));
  CHECK(finite_non_negative(F.noise_floor));
  CHECK(F.value <= r.energy_at_earth_MeV / s.threshold_MeV * (1 + budget_tolerance));
  CHECK(std::fabs(F.value - r.emitted_fraction_above_threshold) <=
        r.mean_scatterings * (1 + budget_tolerance) + F.noise_floor + budget_tolerance);
}

nusi::transport_options<double> small_grid(std::size_t bins) {
  nusi::transport_options<double> o;
  o.energy.bins = bins;
  return o;
}

const std::vector<ld> depths{1e-12L, 1e-8L, 1e-4L, 1e-2L, 1.0L, 1e2L, 1e4L, 1e6L, 1e8L};
}  // namespace

TEST_CASE("off resonance, optical depths 1e-12 to 1e8 give finite, >= 0 spectra that conserve energy and count one "
          "new neutrino per scattering") {
  for (ld tau : depths) {
    const auto [setup, tau15] = off_resonance_at_depth(tau);
    CAPTURE(double(tau));
    CAPTURE(setup.med.coupling);
    // The depth the test claims is the code's: n D sigma_tot(15 MeV) from the header.
    CHECK(double(column_per_cm2(setup)) * setup.cross_section().sigma_total_cm2(15.0) == rel(double(tau15), 1e-12));
    CHECK(double(tau15) == rel(double(tau), 1e-12));
    const auto r = nusi::propagate_energy(setup, paper_spectrum, small_grid(100));
    check_energy_result(r, setup, 1e-12);
    const auto F = nusi::fraction_above_threshold(setup, paper_spectrum, small_grid(100));
    CHECK(finite_non_negative(F.value));
    // The truncated solve evolves the same nodes above threshold: equal within the two noise floors.
    CHECK(std::fabs(F.value - r.fraction_above_threshold.value) <= F.noise_floor + r.fraction_above_threshold.noise_floor + 1e-15);
    if (tau <= 1e-8L) {
      // Optically thin: scatterings per neutrino = n D <sigma_tot> over the emitted spectrum, here by
      // Gauss-Kronrod over the grid's range [0.01, 200] MeV in ln E. 1e-3: second-order grid error of
      // 100 log-spaced bins (~(ln(2e4)/100)^2/24 = 4e-5). (At tau(15 MeV) = 1e-4 the products' own
      // scatterings already add 1.3e-3: sigma ~ 1/E makes the depth 1500 times larger at 0.01 MeV.)
      const auto bw = setup.cross_section();
      auto integrand = [&bw](double t) {
        const double E = std::exp(t);
        return E * bw.sigma_total_cm2(E) * paper_spectrum.probability_density_per_MeV(E);
      };
      const double average = boost::math::quadrature::gauss_kronrod<double, 61>::integrate(integrand, std::log(0.01),
                                                                                            std::log(200.0), 8, 1e-12);
      CHECK(r.mean_scatterings == rel(double(column_per_cm2(setup)) * average, 1e-3));
    }
  }
}

TEST_CASE("on resonance, peak optical depths 1e-12 to 1e8 give finite, >= 0 spectra that conserve energy and count one "
          "new neutrino per scattering") {
  for (ld tau : depths) {
    const auto [setup, tau_peak] = on_resonance_at_depth(tau);
    CAPTURE(double(tau));
    CAPTURE(setup.distance_cm);
    const auto bw = setup.cross_section();
    CHECK(double(column_per_cm2(setup)) * bw.sigma_total_cm2(bw.resonance_energy_MeV()) == rel(double(tau_peak), 1e-12));
    const auto r = nusi::propagate_energy(setup, paper_spectrum, small_grid(100));
    check_energy_result(r, setup, 1e-12);
    const auto F = nusi::fraction_above_threshold(setup, paper_spectrum, small_grid(100));
    CHECK(finite_non_negative(F.value));
    CHECK(std::fabs(F.value - r.fraction_above_threshold.value) <= F.noise_floor + r.fraction_above_threshold.noise_floor + 1e-15);
  }
}

TEST_CASE("a resonance exactly on a transport bin edge splits its weight in half between the two bins, and F moves "
          "by no more than the Lipschitz bound when the line moves off the edge") {
  nusi::transport_options<double> options = small_grid(100);
  options.energy.resonance_nodes_per_core = 0;  // keep the base grid, so that the edge stays an edge
  const nusi::energy_grid<double> grid(options.energy, 5.0);
  const std::size_t j = grid.bin_of(15.0);
  const double edge = grid.bin_upper_MeV(j), w_lo = grid.bin_width_MeV(j), w_hi = grid.bin_width_MeV(j + 1);
  nusi::propagation_setup<double> setup;
  setup.med = {.mass_MeV = std::sqrt(2 * setup.relic.mass_MeV * edge), .coupling = 1e-2};
  for (int k = 0; k < 64 && setup.cross_section().resonance_energy_MeV() != edge; ++k)
    setup.med.mass_MeV = std::nextafter(setup.med.mass_MeV, setup.cross_section().resonance_energy_MeV() < edge ? 1.0 : 0.0);
  REQUIRE(setup.cross_section().resonance_energy_MeV() == edge);
  const ld pi = 3.14159265358979323846264338327950288L, M = setup.med.mass_MeV, m = setup.relic.mass_MeV;
  const ld sigma_peak = 4 * pi / (M * M + m * m) * hbar_c2;
  const ld tau_peak = 1e3L;
  setup.distance_cm = double(tau_peak / (ld(setup.relic.target_density_per_cm3()) * sigma_peak));
  REQUIRE(nusi::make_energy_grid(setup, options.energy).nodes_MeV() == grid.nodes_MeV());

  // Half the line in each bin: the Lorentzian is symmetric about the edge; what breaks the symmetry,
  // the factor (s/M^2) s/(s + m^2) and the far wings over bins of different width, is O(gamma) ~ 1e-5
  // of the line's integral here. 1e-3 leaves room.
  const nusi::energy_kernel<double> kernel(setup, grid);
  const double lower = kernel.rate_per_cm(j) * w_lo, upper = kernel.rate_per_cm(j + 1) * w_hi;
  REQUIRE(finite_non_negative(lower));
  REQUIRE(finite_non_negative(upper));
  CHECK(lower == rel(upper, 1e-3));

  const auto r = nusi::propagate_energy(setup, paper_spectrum, options);
  check_energy_result(r, setup, 1e-12);
  REQUIRE(r.mean_scatterings < 0.1);  // so no node holds more than 1.1 neutrinos per emitted one
  // Moving the line by delta changes the average of sigma_tot over a bin of width w by at most
  // (delta/w) sigma_peak, so the rate of each of the two bins by n sigma_peak delta/w; each extra unit of
  // rate over D changes F by at most (rate change) D N_j <= 1.1 (rate change) D. M changes by
  // delta/(2 E_res) relative as well (1e-10 of every rate, the last term).
  const double delta = 1e-10 * edge;
  for (double sign : {-1.0, 1.0}) {
    CAPTURE(sign);
    nusi::propagation_setup<double> moved = setup;
    moved.med.mass_MeV = setup.med.mass_MeV * std::sqrt(1 + sign * delta / edge);
    const auto rm = nusi::propagate_energy(moved, paper_spectrum, options);
    check_energy_result(rm, moved, 1e-12);
    const double bound = double(1.1L * tau_peak * delta * (1 / ld(w_lo) + 1 / ld(w_hi))) + 1e-9 +
                         r.fraction_above_threshold.noise_floor + rm.fraction_above_threshold.noise_floor;
    CHECK(std::fabs(rm.fraction_above_threshold.value - r.fraction_above_threshold.value) <= bound);
  }
}

TEST_CASE("energy-angle transport at optical depths 1e-12, 1 and 1e8 is finite, >= 0, conserving, and its energy "
          "marginal gives the energy-only F") {
  nusi::transport_options<double> options = small_grid(40);
  options.angle.bins = 12;
  for (ld tau : {1e-12L, 1.0L, 1e8L})
    for (int resonant = 0; resonant < 2; ++resonant) {
      const auto setup = (resonant ? on_resonance_at_depth(tau) : off_resonance_at_depth(tau)).first;
      CAPTURE(double(tau));
      CAPTURE(resonant);
      const auto r = nusi::propagate_energy_angle(setup, paper_spectrum, options);
      check_energy_result(r.energy, setup, 1e-12);
      std::size_t bad = 0;
      for (double n : r.at_earth) bad += finite_non_negative(n) ? 0 : 1;
      CHECK(bad == 0);
      CHECK(finite_non_negative(r.mean_angle_above_threshold_rad));
      CHECK(finite_non_negative(r.rms_angle_above_threshold_rad));
      CHECK(r.mean_angle_above_threshold_rad <= r.rms_angle_above_threshold_rad * (1 + 1e-12));  // Jensen
      // The marginal differs from the energy-only solve only through the path factor 1/cos theta of
      // deflected neutrinos' rates (docs/physics.md), at most 1/cos(0.1) - 1 = 5e-3 extra per scattering.
      const auto e = nusi::propagate_energy(setup, paper_spectrum, options);
      CHECK(std::fabs(r.energy.fraction_above_threshold.value - e.fraction_above_threshold.value) <=
            r.energy.mean_scatterings * (1 / std::cos(options.angle.max_angle_rad) - 1) +
                r.energy.fraction_above_threshold.noise_floor + e.fraction_above_threshold.noise_floor + 1e-13);
    }
}

TEST_CASE("the odeint path agrees with the exact solver at optical depths 1e-12 and 1e8") {
  for (ld tau : {1e-12L, 1.0L, 1e8L}) {
    const auto setup = off_resonance_at_depth(tau).first;
    CAPTURE(double(tau));
    nusi::transport_options<double> options = small_grid(40);
    const auto exact = nusi::propagate_energy(setup, paper_spectrum, options);
    options.method = nusi::transport_method::odeint;
    const auto stepped = nusi::propagate_energy(setup, paper_spectrum, options);
    check_energy_result(stepped, setup, 1e-7);  // the stepper's tolerances: abs 1e-13, rel 1e-9 per step
    // Rosenbrock at rel_tol 1e-9 per step and abs_tol 1e-13: the global error stays below ~1e-7.
    CHECK(std::fabs(stepped.fraction_above_threshold.value - exact.fraction_above_threshold.value) <= 1e-7);
  }
}

// ---------------------------------------------------------------------------------------------
// Monte Carlo

TEST_CASE("the Monte Carlo at optical depths 1e-12 to 1e8, on and off resonance, gives finite, >= 0 results that "
          "close the energy budget") {
  nusi::monte_carlo_options<double> options;
  options.primaries = 200;
  for (ld tau : {1e-12L, 1.0L, 1e8L})
    for (int resonant = 0; resonant < 2; ++resonant) {
      const auto setup = (resonant ? on_resonance_at_depth(tau) : off_resonance_at_depth(tau)).first;
      CAPTURE(double(tau));
      CAPTURE(resonant);
      const auto r = nusi::monte_carlo_propagation(setup, paper_spectrum, options);
      CHECK(finite_non_negative(r.fraction_above_threshold));
      CHECK(finite_non_negative(r.fraction_above_threshold_error));
      CHECK(finite_non_negative(r.fraction_above_threshold_upper_95));
      CHECK(finite_non_negative(r.mean_scatterings_per_primary));
      // Emitted + relic rest energy = arrived + dropped, per history, to rounding (Neumaier sums).
      CHECK(r.energy.relative_error <= 1e-12);
      // Every arrival above threshold carries more than the threshold.
      CHECK(double(r.arrivals_above_threshold) * setup.threshold_MeV <= r.energy.arrived_MeV);
      if (tau <= 1e-12L) CHECK(r.scatterings == 0);  // 200 primaries at depth <= 1e-12 (off resonance 1e-9 at 0.01 MeV)
    }
  // g = 4 pi at M = 1e-10 MeV: depth 2.5e13 at 15 MeV, every primary stops below threshold at once.
  nusi::propagation_setup<double> opaque;
  opaque.med = {.mass_MeV = 1e-10, .coupling = four_pi};
  const auto r = nusi::monte_carlo_propagation(opaque, paper_spectrum, options);
  CHECK(r.fraction_above_threshold == 0);
  CHECK(r.energy.relative_error <= 1e-12);
}

namespace {
/// The (M, g) corners and an optically thick resonance: M = 1e-10 and 1e6 MeV at g = 1e-8 and 4 pi, and
/// M = 10^-3.5 MeV (E_res = 1 MeV) at g = 4 pi, where every energy below ~1e4 MeV is opaque.
std::vector<nusi::propagation_setup<double>> corner_setups() {
  std::vector<nusi::propagation_setup<double>> out;
  for (double M : {1e-10, 3.1622776601683794e-4, 1e6})
    for (double g : {1e-8, four_pi}) {
      if (M == 3.1622776601683794e-4 && g == 1e-8) continue;
      nusi::propagation_setup<double> s;
      s.med = {.mass_MeV = M, .coupling = g};
      out.push_back(s);
    }
  return out;
}
}  // namespace

TEST_CASE("the Monte Carlo at g = 4 pi from M = 1e-10 to 1e6 MeV finishes with finite, >= 0 results that close the "
          "energy budget, and tracking below threshold at depth 1e13 stops at max_scatterings with numerical_error") {
  nusi::monte_carlo_options<double> options;
  options.primaries = 100;
  for (double M : masses) {
    CAPTURE(M);
    nusi::propagation_setup<double> s;
    s.med = {.mass_MeV = M, .coupling = four_pi};
    const auto r = nusi::monte_carlo_propagation(s, paper_spectrum, options);
    CHECK(finite_non_negative(r.fraction_above_threshold));
    CHECK(finite_non_negative(r.fraction_above_threshold_error));
    CHECK(r.fraction_above_threshold_upper_95 >= r.fraction_above_threshold);
    CHECK(r.energy.relative_error <= 1e-12);  // per-history budgets close to rounding (Neumaier sums)
    // Without tracking, every scattering above threshold halves the energy on average: at most a few
    // hundred scatterings per 15 MeV primary (E/T ~ 40 products, each a few generations deep).
    CHECK(r.mean_scatterings_per_primary <= 1e3);
  }
  // Tracking below threshold at M = 1e-10 MeV, g = 4 pi: products thermalise towards m_nu/2 and the cascade
  // would reach ~2 E/m_nu ~ 1e9 neutrinos per primary; the work bound ends it with a clear error.
  nusi::propagation_setup<double> opaque;
  opaque.med = {.mass_MeV = 1e-10, .coupling = four_pi};
  options.track_below_threshold = true;
  options.max_scatterings = 100000;
  CHECK_THROWS_WITH_AS(nusi::monte_carlo_propagation(opaque, paper_spectrum, options),
                       doctest::Contains("max_scatterings"), nusi::numerical_error);
}

TEST_CASE("arrival times at the (M, g) corners: F_0 <= F_window <= F, fractions finite and >= 0, quantiles ordered, "
          "NaN quantiles only when nothing arrives above threshold") {
  nusi::arrival_time_options<double> options;
  options.primaries = 100;
  options.batches = 4;
  options.quantile_probabilities = {0.1, 0.5, 0.9};
  for (const auto& s : corner_setups()) {
    CAPTURE(s.med.mass_MeV);
    CAPTURE(s.med.coupling);
    const auto r = nusi::arrival_time_distribution(s, paper_spectrum, options);
    for (double x : {r.fraction_above_threshold, r.unscattered_fraction, r.fraction_within_window,
                     r.scattered_within_window, r.mean_delay_s, r.mean_scatterings_per_primary})
      CHECK(finite_non_negative(x));
    CHECK(r.unscattered_fraction <= 1);  // at most one unscattered arrival per primary
    // Subsets of the arrivals above threshold: never scattered c within the window c all.
    CHECK(r.unscattered_fraction <= r.fraction_within_window);
    CHECK(r.fraction_within_window <= r.fraction_above_threshold);
    CHECK(r.scattered_within_window <= r.fraction_within_window);
    CHECK(r.arrivals_above_threshold == static_cast<std::uint64_t>(std::llround(r.fraction_above_threshold * 100)));
    for (const auto* qs : {&r.quantiles, &r.scattered_quantiles}) {
      const bool none = qs == &r.quantiles ? r.arrivals_above_threshold == 0 : r.scattered_arrivals_above_threshold == 0;
      for (std::size_t i = 0; i < qs->size(); ++i) {
        CAPTURE(i);
        const auto& q = (*qs)[i];
        // Documented: the quantile of an empty set is NaN with an infinite error.
        if (none) {
          CHECK(std::isnan(q.delay_s));
          CHECK(std::isinf(q.error_s));
          continue;
        }
        CHECK(finite_non_negative(q.delay_s));
        CHECK(q.error_s >= 0);
        if (i > 0) CHECK(q.delay_s >= (*qs)[i - 1].delay_s);  // p increases along the list
      }
    }
    // The window's fraction from exact quadrature plus Monte Carlo: its unscattered part is at most the
    // emitted fraction above threshold (exp(-tau) <= 1), the total is the sum of its parts.
    nusi::window_fraction_options<double> window;
    window.primaries = 100;
    const nusi::windowed_fraction<double, nusi::pinched_spectrum<double>> w(s, paper_spectrum, window);
    const auto f = w(s.med.coupling);
    CHECK(finite_non_negative(f.unscattered));
    CHECK(finite_non_negative(f.scattered_within_window));
    CHECK(f.error > 0);  // >= 1/N by construction
    CHECK(f.unscattered <= paper_spectrum.complementary_probability(s.threshold_MeV) * (1 + 1e-9));  // quadrature tol
    CHECK(f.value == f.unscattered + f.scattered_within_window);
  }
}

TEST_CASE("the time-spread bound at M = 1e-10 and 1e6 MeV finishes, with found flags consistent with the bound") {
  nusi::time_spread_bound_options<double> options;
  options.window.primaries = 100;
  options.bracket_step_dex = 0.5;
  options.log10_g_tolerance = 0.05;
  const nusi::propagation_setup<double> s;
  for (double log10_M : {-10.0, 6.0}) {
    CAPTURE(log10_M);
    const auto b = nusi::time_spread_bound(log10_M, s, paper_spectrum, options);
    REQUIRE(std::isfinite(b.log10_g_bound));
    CHECK(b.log10_g_bound >= options.log10_g_min);
    CHECK(b.log10_g_bound <= options.log10_g_max);
    CHECK(finite_non_negative(b.at_bound.value));
    if (b.found) {
      // F_window >= F_0, so the bound is never below the unscattered-only root (to its tolerance).
      CHECK(b.log10_g_bound >= b.log10_g_unscattered_only - options.log10_g_tolerance);
      CHECK(b.at_bound.value <= s.exclusion_level);
      CHECK(b.log10_g_error >= 0);
    } else {
      // Not found: the search edge, excluded there (g_min) or not excluded anywhere (g_max).
      CHECK((b.log10_g_bound == options.log10_g_max || b.log10_g_bound == options.log10_g_min));
    }
  }
  // At 1e6 MeV sigma_tot ~ g^4 s/(4 pi M^4) ~ 1e-59 cm^2 at 200 MeV (g = 4 pi): nothing is excluded, the
  // search stops at its top, g_max = sqrt(4 pi), without a bound.
  const auto heavy = nusi::time_spread_bound(6.0, s, paper_spectrum, options);
  CHECK_FALSE(heavy.found);
  CHECK(heavy.log10_g_bound == options.log10_g_max);
}

TEST_CASE("event counts at the (M, g) corners are finite and >= 0, unscattered <= within the window <= without "
          "nuSI, and unscattered bin contents never exceed the emitted ones") {
  nusi::event_bound_options<double> options;
  options.window.primaries = 100;
  options.transport.energy.bins = 60;
  const std::vector<nusi::detector<double>> detectors{nusi::kamiokande_ii<double>(), nusi::imb<double>()};
  const std::vector<double> edges{0.01, 1.0, 5.0, 10.0, 50.0, 200.0};
  for (const auto& s : corner_setups()) {
    CAPTURE(s.med.mass_MeV);
    CAPTURE(s.med.coupling);
    const auto counts = nusi::expected_event_counts(s, nusi::supernova_emission<double>{}, detectors, options);
    REQUIRE(counts.size() == detectors.size());
    for (const auto& c : counts) {
      CAPTURE(c.detector);
      for (double x : {c.without_nusi, c.time_integrated, c.within_window, c.unscattered, c.within_window_error})
        CHECK(finite_non_negative(x));
      CHECK(c.unscattered <= c.within_window);
      // Scattered arrivals in the window have lost energy (detection cross sections grow with E) and
      // are few: the window never sees more than the unscattered source. 4 standard errors of noise.
      CHECK(c.within_window <= c.without_nusi + 4 * c.within_window_error);
    }
    const auto unscattered = nusi::unscattered_counts_in_bins(s, paper_spectrum, edges);
    for (std::size_t k = 0; k < unscattered.size(); ++k) {
      CAPTURE(k);
      const double emitted = paper_spectrum.complementary_probability(edges[k]) -
                             paper_spectrum.complementary_probability(edges[k + 1]);
      CHECK(finite_non_negative(unscattered[k]));
      CHECK(unscattered[k] <= emitted * (1 + 1e-9) + 1e-15);  // exp(-tau) <= 1; the quadrature's 1e-9 tolerance
    }
  }
}

TEST_CASE("SN 1987A and forecast event bounds at M = 1e-10 and 1e6 MeV finish with flags consistent with the bound") {
  static const auto table = nusi::load_sn1987a_events<double>(std::string(NUSI_DATA_DIR) + "/sn1987a/sn1987a_events.csv");
  nusi::event_bound_options<double> options;
  options.transport.energy.bins = 60;
  options.points_per_decade = 2;
  options.log10_g_min = -8;
  options.log10_g_max = 1.0992;  // log10(4 pi)
  options.log10_g_tolerance = 0.05;
  const nusi::propagation_setup<double> s;
  const nusi::supernova_emission<double> sn{};
  for (double log10_M : {-10.0, 6.0}) {
    CAPTURE(log10_M);
    for (const auto& b : {nusi::sn1987a_event_bound(log10_M, s, sn, table, options),
                          nusi::forecast_event_bound(log10_M, s, sn, nusi::super_kamiokande<double>(), options)}) {
      REQUIRE(std::isfinite(b.log10_g_bound));
      // -2 Delta ln L: +infinity is documented where the signal vanishes under an event without background
      // (IMB's at M = 1e-10 MeV, g ~ 1: the data are impossible there), never NaN.
      CHECK_FALSE(std::isnan(b.max_test_statistic));
      CHECK(finite_non_negative(b.normalisation_at_bound));
      CHECK(b.log10_g_bound >= options.log10_g_min);
      CHECK(b.log10_g_bound <= options.log10_g_max);
      CHECK_FALSE((b.found && b.excluded_at_min));  // one or the other
      if (b.excluded_at_min) CHECK(b.log10_g_bound == options.log10_g_min);
      if (!b.found && !b.excluded_at_min) CHECK(b.log10_g_bound == doctest::Approx(options.log10_g_max).epsilon(1e-12));  // log10(10^x) rounding
      if (log10_M == 6.0) CHECK_FALSE(b.found);  // sigma_tot ~ 1e-59 cm^2 at 200 MeV: no effect at any g <= 4 pi
      if (log10_M == -10.0) CHECK(b.found);      // optically thick from g ~ 1e-4 (off resonance, 1/s)
    }
  }
}

// ---------------------------------------------------------------------------------------------
// float and long double

namespace {
/// Relative agreement expected of type T with double at a point where both are accurate to their own
/// precision. float: the cross sections and spectra evaluate float in double and round once (detail/
/// promote.hpp), so they agree with double to 2 float eps. long double: each type carries its own
/// rounding, and double's (~10 operations, a few eps) dominates: 64 double eps.
template <class T>
double promoted_tolerance() {
  return std::is_same_v<T, float> ? 2 * double(std::numeric_limits<float>::epsilon())
                                  : 64 * std::numeric_limits<double>::epsilon();
}
}  // namespace

TEST_CASE_TEMPLATE("float and long double cross sections and spectra are finite, >= 0 and agree with double to their "
                   "precision at moderate and extreme points", T, float, long double) {
  const double tol = promoted_tolerance<T>();
  const double smallest = double(std::numeric_limits<T>::min());
  auto compare = [&](double value_T, double value_double, double tolerance) {
    CHECK(finite_non_negative(value_T));
    if (value_double > 1e3 * smallest) CHECK(value_T == rel(value_double, tolerance));  // a normal T value
  };
  for (double g : {1e-8, 1e-2, four_pi})
    for (double M : {1e-10, 3e-4, 1e6}) {
      CAPTURE(g);
      CAPTURE(M);
      const nusi::mediator<T> med_T{.mass_MeV = T(M), .coupling = T(g)};
      // The reference is double at the T-rounded inputs, so that only the evaluation differs.
      const nusi::mediator<double> med{.mass_MeV = double(T(M)), .coupling = double(T(g))};
      for (double E : {1e-20, 1.0, 1e20}) {
        CAPTURE(E);
        compare(double(nusi::sigma_2to4_cm2(T(E), med_T)), nusi::sigma_2to4_cm2(double(T(E)), med), tol);
      }
      const nusi::s_channel_breit_wigner<T> bw_T(med_T, T(m_exact));
      const nusi::s_channel_breit_wigner<double> bw(med, m_exact);
      for (double E : {1e-10, 1.0, 1e10}) {
        CAPTURE(E);
        compare(double(bw_T.sigma_total_cm2(T(E))), bw.sigma_total_cm2(double(T(E))), tol);
        compare(double(bw_T.bin_averaged_sigma_total_cm2(T(E), T(2 * E))),
                bw.bin_averaged_sigma_total_cm2(double(T(E)), double(T(2 * E))), tol);
      }
    }
  for (double T_MeV : {1e-30, 10.0, 1e30}) {
    CAPTURE(T_MeV);
    const nusi::fermi_dirac_spectrum<T> fd_T(static_cast<T>(T_MeV));
    const nusi::fermi_dirac_spectrum<double> fd(double(static_cast<T>(T_MeV)));
    // long double quadratures stop at their own eps^(3/4), double's at 1.8e-12 of the value: 1e-11.
    const double fd_tol = std::is_same_v<T, float> ? tol : 1e-11;
    for (double x : {1e-3, 3.0, 40.0}) {
      CAPTURE(x);
      const T E = static_cast<T>(x * T_MeV);
      compare(double(fd_T.cumulative_probability(E)), fd.cumulative_probability(double(E)), fd_tol);
      compare(double(fd_T.complementary_probability(E)), fd.complementary_probability(double(E)), fd_tol);
    }
    compare(double(fd_T.quantile_MeV(T(0.5))), fd.quantile_MeV(0.5), std::is_same_v<T, float> ? tol : 1e-11);
  }
  for (double alpha : {-0.9, 160.0 / 65.0, 1e3}) {
    CAPTURE(alpha);
    const nusi::pinched_spectrum<T> p_T(T(15), static_cast<T>(alpha));
    const nusi::pinched_spectrum<double> p(15.0, double(static_cast<T>(alpha)));
    // Boost's incomplete gamma is good to a few hundred eps for a shape 1e3; 1e-12 for long double.
    const double p_tol = std::is_same_v<T, float> ? tol : 1e-12;
    for (double E : {1e-6, 15.0, 60.0}) {
      CAPTURE(E);
      compare(double(p_T.cumulative_probability(T(E))), p.cumulative_probability(double(T(E))), p_tol);
      compare(double(p_T.complementary_probability(T(E))), p.complementary_probability(double(T(E))), p_tol);
      compare(double(p_T.probability_density_per_MeV(T(E))), p.probability_density_per_MeV(double(T(E))), p_tol);
    }
  }
}

TEST_CASE("a float core bound throws numerical_error: the integrand n_nu r/lambda ~ 1e44 exceeds float's range") {
  // n_nu ~ 1e37 cm^-3 times r ~ 1.5e6 cm overflows float's 3.4e38 before 1/lambda brings it down.
  CHECK_THROWS_WITH_AS(nusi::core_bound(1.0f, nusi::core_inputs<float>{}), doctest::Contains("overflows float"),
                       nusi::numerical_error);
}

TEST_CASE_TEMPLATE("long double core bounds are finite and agree with double to the quadrature tolerance", T,
                   long double) {
  // The radial integrals are adaptive to eps(T)^(2/3) relative (random_walk_options): 2.4e-5 in float,
  // 3.7e-11 in double (the reference, which dominates for long double). log10 g = -log10(N)/8, so the
  // bound agrees to that over 8 ln 10; a factor 4 for the accumulation over the pieces.
  const double tol_N = std::is_same_v<T, float> ? 1e-4 : 1.5e-10;
  for (double M : {1e-10, 1.0, 1e6}) {
    CAPTURE(M);
    const auto b_T = nusi::core_bound(static_cast<T>(M), nusi::core_inputs<T>{});
    const auto b = nusi::core_bound(double(static_cast<T>(M)), nusi::core_inputs<double>{});
    REQUIRE(finite_non_negative(double(b_T.N_2to4_at_g1.value)));
    CHECK(double(b_T.N_2to4_at_g1.value) == rel(b.N_2to4_at_g1.value, tol_N));
    CHECK(std::fabs(double(b_T.log10_coupling_bound) - b.log10_coupling_bound) <= tol_N / (8 * std::log(10.0)));
  }
}

TEST_CASE_TEMPLATE("float and long double transport at optical depths 1e-12, 1 and 1e8 is finite, >= 0, conserving, and "
                   "gives double's F within the type's noise floor", T, float, long double) {
  const double eps = double(std::numeric_limits<T>::epsilon());
  for (ld tau : {1e-12L, 1.0L, 1e8L}) {
    CAPTURE(double(tau));
    const auto setup_d = off_resonance_at_depth(tau).first;
    nusi::propagation_setup<T> setup;
    setup.med = {.mass_MeV = T(setup_d.med.mass_MeV), .coupling = T(setup_d.med.coupling)};
    nusi::transport_options<T> options;
    options.energy.bins = 100;
    const auto r = nusi::propagate_energy(setup, nusi::pinched_spectrum<T>::paper_default(), options);
    const auto rd = nusi::propagate_energy(setup_d, paper_spectrum, small_grid(100));
    std::size_t bad = 0;
    for (T n : r.at_earth) bad += finite_non_negative(n) ? 0 : 1;
    CHECK(bad == 0);
    // Budgets close to the contour's rounding: measured ~400 double eps in double; 4096 eps(T).
    CHECK(std::fabs(double(r.energy_budget_relative_error())) <= 4096 * eps);
    CHECK(std::fabs(double(r.number_budget_relative_error())) <= 4096 * eps);
    const auto& F = r.fraction_above_threshold;
    CHECK(finite_non_negative(double(F.value)));
    CHECK(finite_non_negative(double(F.noise_floor)));
    // F from T against double: each is good to its noise floor; the grids differ by the rounding of
    // their nodes in T (a relative eps(T) shift moves F by ~ eps(T) dF/dlnE, below 16 eps(T) here).
    CHECK(std::fabs(double(F.value) - rd.fraction_above_threshold.value) <=
          double(F.noise_floor) + rd.fraction_above_threshold.noise_floor + 16 * eps);
  }
}

}  // namespace nusi_test_extremes
