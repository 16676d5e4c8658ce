// SPDX-License-Identifier: MIT
// Monte Carlo propagation (paper Sec. IV): kinematics, limits, conservation laws and statistics.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <random>
#include <vector>

#include <boost/math/distributions/chi_squared.hpp>

#include <nusi/monte_carlo.hpp>

#include "test_support.hpp"

namespace nusi_test_monte_carlo {  // this file's own: the suite compiles in batches of files (tests/CMakeLists.txt)

namespace {
using nusi_test::rel;

/// A user's spectrum: every neutrino at one energy (shows the samplable_spectrum plug-in).
struct mono_energetic {
  double energy_MeV;
  template <class URBG>
  double sample_MeV(URBG&) const { return energy_MeV; }
};
static_assert(nusi::samplable_spectrum<mono_energetic, double>);
static_assert(nusi::samplable_spectrum<nusi::pinched_spectrum<double>, double>);
static_assert(nusi::samplable_spectrum<nusi::fermi_dirac_spectrum<double>, double>);

/// A broken user's spectrum.
struct negative_energies {
  template <class URBG>
  double sample_MeV(URBG&) const { return -1.0; }
};

using nusi_test::setup_at;

using nusi_test::optical_depth;

constexpr double eps = std::numeric_limits<double>::epsilon();

}  // namespace

TEST_CASE("the free-path rate is the integral of the flat E_f kernel the Monte Carlo samples (Eq. 5)") {
  const nusi::s_channel_breit_wigner<double> bw({.mass_MeV = 3e-4, .coupling = 0.02}, 5e-8);
  for (double E : {1e-7, 1e-3, 0.9, 1.0, 15.0, 100.0}) {
    CAPTURE(E);
    const double width = nusi::max_energy_loss_MeV(E, 5e-8);
    // Support [E_f,min, E_i] of the sampler equals that of the cross section; 4 eps: three roundings.
    CHECK(width == rel(E - bw.min_final_energy_MeV(E), 4 * eps * E / width));
    // sigma_tot = (flat dsigma/dE_f) x (E_i - E_f,min); 1e-13: a few roundings in two formulas.
    CHECK(bw.flat_dsigma_dEf_cm2_per_MeV(E) * width == rel(bw.sigma_total_cm2(E), 1e-13));
  }
}

TEST_CASE("sampled E_f is uniform on [E_f,min, E_i] (Kolmogorov-Smirnov at the 0.1% level)") {
  const double m = 5e-8;
  const nusi::s_channel_breit_wigner<double> bw({.mass_MeV = 3e-4, .coupling = 0.02}, m);
  for (double E_i : {2e-7, 15.0}) {  // E_f,min/E_i = 0.4 and 1.7e-9
    CAPTURE(E_i);
    std::mt19937_64 rng(12345);
    const int n = 20000;
    std::vector<double> u(n);
    const double lo = bw.min_final_energy_MeV(E_i);
    double mean = 0;
    for (auto& x : u) {
      const auto fs = nusi::sample_two_body_final_state(E_i, m, rng);
      REQUIRE(fs.energy_MeV >= lo * (1 - 4 * eps));
      REQUIRE(fs.energy_MeV <= E_i);
      x = (fs.energy_MeV - lo) / (E_i - lo);
      mean += fs.energy_MeV / n;
    }
    std::sort(u.begin(), u.end());
    double d = 0;
    for (int i = 0; i < n; ++i) d = std::max({d, (i + 1.0) / n - u[i], u[i] - double(i) / n});
    // 1.949/sqrt(n) is the asymptotic KS critical value at significance 0.001: a correct sampler
    // fails for 0.1% of seeds; the seed is fixed, so the check is reproducible.
    CHECK(d < 1.949 / std::sqrt(double(n)));
    // Mean of a uniform: (E_f,min + E_i)/2 within 4 standard errors (E_i - E_f,min)/sqrt(12 n).
    CHECK(std::abs(mean - (lo + E_i) / 2) < 4 * (E_i - lo) / std::sqrt(12.0 * n));
  }
}

TEST_CASE("each scattering conserves energy and momentum and deflects by 1 - cos t = m (1/E_f - 1/E_i)") {
  const double m = 5e-8;
  const nusi::s_channel_breit_wigner<double> bw({.mass_MeV = 3e-4, .coupling = 0.02}, m);
  for (double E_i : {1e-7, 1e-3, 1.0, 15.0, 100.0}) {
    for (double fraction : {1e-9, 1e-3, 0.3, 0.5, 0.999999}) {
      CAPTURE(E_i);
      CAPTURE(fraction);
      const double loss = fraction * nusi::max_energy_loss_MeV(E_i, m);
      const auto fs = nusi::two_body_final_state(E_i, loss, m);
      const long double Ef = fs.energy_MeV, Er = fs.recoil_energy_MeV, mm = m;
      // Energy: E_f + E_r = E_i + m_nu (the relic's rest energy); 4 eps: two additions.
      CHECK(double(Ef + Er) == rel(E_i + m, 4 * eps));
      // The recoil is the struck relic neutrino: on shell with mass m_nu, |p_r| = sqrt(E_r^2 - m^2).
      const long double pr = std::sqrt((Er - mm) * (Er + mm));
      const long double cf = 1 - (long double)fs.one_minus_cos, cr = 1 - (long double)fs.recoil_one_minus_cos;
      // Momentum along the incoming direction: E_f cos t + p_r cos t_r = E_i; 1e-13 relative: rounding
      // of E_f amplified by at most E_i/(E_i - E_f) ~ 1e3 in the kinematic formulas.
      CHECK(double(Ef * cf + pr * cr) == rel(E_i, 1e-13));
      // Momentum across it: E_f sin t = p_r sin t_r (the recoil goes to the other side).
      const long double across = Ef * fs.sin_angle;
      CHECK(double(pr * fs.recoil_sin_angle) == rel(double(across), 1e-12));
      // Compton-like relation of Eq. (4), evaluated by cross_sections.hpp from (E_i, E_f).
      const double expected = bw.one_minus_cos_angle(E_i, fs.energy_MeV);
      // Rounding of E_i - E_f amplified by E_i/(E_i - E_f): fraction 1e-9 allows ~1e-7 relative.
      const double tol = 16 * eps * std::max(1.0, E_i / (E_i - fs.energy_MeV));
      CHECK(fs.one_minus_cos == rel(expected, tol));
      // And sin^2 + cos^2 = 1 for both outgoing directions (8 eps: a square root and products).
      CHECK(double(cf * cf + (long double)fs.sin_angle * fs.sin_angle) == doctest::Approx(1.0).epsilon(8 * eps));
      CHECK(double(cr * cr + (long double)fs.recoil_sin_angle * fs.recoil_sin_angle) ==
            doctest::Approx(1.0).epsilon(8 * eps));
      // The relic recoil never goes backwards (its longitudinal momentum is E_i - E_f cos t >= 0).
      CHECK(fs.recoil_one_minus_cos <= 1.0);
    }
  }
}

TEST_CASE("three-dimensional deflections conserve the radial momentum of each scattering") {
  // At a point r (units of D) with the incoming direction at alpha from the radial one, the products'
  // radial momenta add up to the incoming one: E_i cos(alpha) = E_f cos(alpha_f) + |p_r| cos(alpha_r).
  // This holds only if the recoil leaves in the plane of the incoming and down-scattered directions.
  const double m = 5e-8, E_i = 1e-6;  // E_i ~ 20 m_nu: deflections of order a radian
  for (double alpha : {0.0, 0.3, 2.0}) {
    for (double fraction : {0.1, 0.6, 0.97}) {
      for (double phi : {0.4, 2.5, 4.0}) {
        CAPTURE(alpha);
        CAPTURE(fraction);
        CAPTURE(phi);
        const double r = 0.7, s = r * std::cos(alpha), b = r * std::sin(alpha);
        const auto fs = nusi::two_body_final_state(E_i, fraction * nusi::max_energy_loss_MeV(E_i, m), m);
        const auto out = nusi::detail::deflect_pair(s, b, fs, std::cos(phi), std::sin(phi));
        // Both stay at distance r from the source (8 eps: a few roundings).
        CHECK(std::hypot(out.down_s, out.down_b) == rel(r, 8 * eps));
        CHECK(std::hypot(out.up_s, out.up_b) == rel(r, 8 * eps));
        CHECK(out.down_b >= 0);
        CHECK(out.up_b >= 0);
        const double pr = std::sqrt((fs.recoil_energy_MeV - m) * (fs.recoil_energy_MeV + m));
        const double radial_in = E_i * std::cos(alpha);
        const double radial_out = fs.energy_MeV * out.down_s / r + pr * out.up_s / r;
        // 1e-13 of E_i: O(1) angles, a few dozen roundings.
        CHECK(radial_out == doctest::Approx(radial_in).scale(E_i).epsilon(1e-13));
        // The down-scattered direction is at angle t from the incoming one: its radial cosine lies in
        // [cos(alpha + t), cos(alpha - t)].
        // 1e-14: rounding of O(1) cosines.
        const double t = std::atan2(fs.sin_angle, 1 - fs.one_minus_cos);
        CHECK(out.down_s / r <= std::cos(std::abs(alpha - t)) + 1e-14);
        CHECK(out.down_s / r >= std::cos(std::min(alpha + t, 3.141592653589793)) - 1e-14);
      }
    }
  }
}

TEST_CASE("with a vanishing coupling the emitted spectrum arrives unchanged") {
  auto setup = setup_at(-3.5, -9.0);
  const auto spectrum = nusi::pinched_spectrum<double>::paper_default();
  REQUIRE(optical_depth(setup, spectrum.mean_energy_MeV()) < 1e-10);  // premise: no scattering expected
  const nusi::monte_carlo_options<double> opt{.primaries = 40000, .seed = 3};
  const auto r = nusi::monte_carlo_propagation(setup, spectrum, opt);
  const double p = spectrum.complementary_probability(setup.threshold_MeV);
  // Each primary arrives above threshold or not: binomial; 4 standard errors (fails 6e-5 of seeds).
  CHECK(std::abs(r.fraction_above_threshold - p) < 4 * std::sqrt(p * (1 - p) / opt.primaries));
  // The per-primary count is 0 or 1 here, so the variance estimate is the binomial one (N/(N-1)).
  CHECK(r.fraction_above_threshold_error ==
        rel(std::sqrt(r.fraction_above_threshold * (1 - r.fraction_above_threshold) / (opt.primaries - 1.0)),
            1e-12));  // same quantity, two formulas: rounding only
  CHECK(r.scatterings == 0);
  CHECK(r.arrivals + r.dropped == opt.primaries);
  CHECK(r.unscattered_arrivals == r.arrivals);
  CHECK(r.energy.relative_error < 1e-12);
  CHECK(r.energy.max_history_relative_error < 1e-12);
}

TEST_CASE("a mono-energetic beam arrives unscattered with probability exp(-tau)") {
  const double E0 = 20.0;
  for (auto model : {nusi::angle_model::three_dimensional, nusi::angle_model::planar_random_walk,
                     nusi::angle_model::paper_eq8_additive}) {
    for (double tau : {0.1, 1.0, 3.0}) {
      CAPTURE(tau);
      CAPTURE(int(model));
      auto setup = setup_at(-3.5, -2.2);
      setup.distance_cm = tau / (setup.relic.target_density_per_cm3() * setup.cross_section().sigma_total_cm2(E0));
      const nusi::monte_carlo_options<double> opt{.primaries = 20000, .seed = 11, .angles = model};
      const auto r = nusi::monte_carlo_propagation(setup, mono_energetic{E0}, opt);
      const double p = std::exp(-tau);
      const double fraction = double(r.unscattered_arrivals) / opt.primaries;
      // Binomial: 4 standard errors.
      CHECK(std::abs(fraction - p) < 4 * std::sqrt(p * (1 - p) / opt.primaries));
    }
  }
}

TEST_CASE("at small optical depth F follows first-order transport: dF/dtau = (E0 - 2T)/E0 for a beam") {
  // A beam at E0 > T scatters once with probability 1 - exp(-tau0); E_f uniform on [E_f,min, E0] then
  // leaves c = [(E0 - T) + (E0 + m - T - E_f,min)]/(E0 - E_f,min) neutrinos above T on average (the
  // down-scattered one and the relic recoil). Rescattering of a product changes the count by at most
  // one, with probability <= tau(E) (1 - x) <= tau0/2 on average (sigma ~ E^2 far below E_res = 1 GeV,
  // x uniform): the first-order value is exact up to tau0^2.
  const double m = 5e-8, tau0 = 0.02;
  for (double E0 : {40.0, 8.0}) {  // above 2T the count grows (F > 1), between T and 2T it falls
    CAPTURE(E0);
    auto setup = setup_at(-2.0, -1.0);
    setup.distance_cm = tau0 / (setup.relic.target_density_per_cm3() * setup.cross_section().sigma_total_cm2(E0));
    const auto r = nusi::monte_carlo_propagation(setup, mono_energetic{E0},
                                                 nusi::monte_carlo_options<double>{.primaries = 200000, .seed = 9});
    const double T = setup.threshold_MeV, lo = setup.cross_section().min_final_energy_MeV(E0);
    const double c = ((E0 - T) + (E0 + m - T - lo)) / (E0 - lo);
    const double first_order = std::exp(-tau0) + (1 - std::exp(-tau0)) * c;
    CHECK(std::abs(r.fraction_above_threshold - first_order) < 4 * r.fraction_above_threshold_error + tau0 * tau0);
    // The effect itself is resolved: |F - 1| is many times the tolerance at E0 = 40 MeV.
    if (E0 > 2 * T) CHECK(r.fraction_above_threshold > 1 + 5 * r.fraction_above_threshold_error);
    if (E0 < 2 * T) CHECK(r.fraction_above_threshold < 1 - 5 * r.fraction_above_threshold_error);
  }
}

TEST_CASE("tracking every neutrino: arrivals = primaries + scatterings and the energy budget closes") {
  // E_res = 100 MeV: sigma ~ E^2 below it, so the cascade dies out quickly at low energy.
  const auto setup = setup_at(-2.5, -1.6);
  nusi::monte_carlo_options<double> opt{.primaries = 2000, .seed = 5, .track_below_threshold = true,
                                        .record_arrivals = true};
  opt.energy_edges_MeV = {0.0, 5.0, 10.0, 20.0, 40.0};
  opt.angle_edges_rad = {1e-12, 1e-9, 1e-6};
  opt.delay_edges_s = {0.0, 1e-6, 1.0};
  const auto r = nusi::monte_carlo_propagation(setup, nusi::pinched_spectrum<double>::paper_default(), opt);
  REQUIRE(r.scatterings > opt.primaries);  // premise: several scatterings per primary
  // Each scattering removes one neutrino and adds two (the factor 2 of Eq. 8).
  CHECK(r.arrivals == opt.primaries + r.scatterings);
  CHECK(r.dropped == 0);
  // Exact kinematics close the budget per history to rounding (1e-12: ~10 scatterings x a few eps).
  CHECK(r.energy.max_history_relative_error < 1e-12);
  CHECK(r.energy.relative_error < 1e-12);
  CHECK(r.energy.relic_rest_MeV == rel(double(r.scatterings) * setup.relic.mass_MeV, eps));
  // The list and the histograms see every arrival.
  REQUIRE(r.arrival_list_complete);
  CHECK(r.arrival_list.size() == r.arrivals);
  double energy = 0;
  std::uint64_t above = 0;
  for (const auto& a : r.arrival_list) {
    energy += a.energy_MeV;
    above += a.energy_MeV > setup.threshold_MeV;
  }
  CHECK(energy == doctest::Approx(r.energy.arrived_MeV).epsilon(1e-12));  // naive vs compensated sum
  CHECK(above == r.arrivals_above_threshold);
  for (const auto* h : {&r.energy_spectrum_MeV, &r.arrival_angle_rad, &r.arrival_delay_s}) {
    std::uint64_t total = h->underflow + h->overflow;
    for (auto c : h->counts) total += c;
    CHECK(total == r.arrivals);
  }
}

TEST_CASE("dropping neutrinos at or below threshold leaves F unchanged for the same seed") {
  const auto setup = setup_at(-3.5, -2.2);
  const auto spectrum = nusi::pinched_spectrum<double>::paper_default();
  nusi::monte_carlo_options<double> opt{.primaries = 1000, .seed = 21};
  const auto dropped = nusi::monte_carlo_propagation(setup, spectrum, opt);
  opt.track_below_threshold = true;
  const auto kept = nusi::monte_carlo_propagation(setup, spectrum, opt);
  REQUIRE(kept.scatterings > 10 * dropped.scatterings);  // premise: much happens below threshold
  CHECK(kept.arrivals_above_threshold == dropped.arrivals_above_threshold);
  CHECK(kept.fraction_above_threshold == dropped.fraction_above_threshold);
  CHECK(kept.fraction_above_threshold_error == dropped.fraction_above_threshold_error);
  // Energy: what was dropped arrives (plus the rest energy of the extra relic targets).
  CHECK(kept.energy.arrived_MeV ==
        doctest::Approx(dropped.energy.arrived_MeV + dropped.energy.dropped_MeV +
                        double(kept.scatterings - dropped.scatterings) * setup.relic.mass_MeV)
            .epsilon(1e-12));  // two compensated sums of the same energies
}

TEST_CASE("the result is a function of the seed") {
  const auto setup = setup_at(-3.5, -2.2);
  const auto spectrum = nusi::pinched_spectrum<double>::paper_default();
  nusi::monte_carlo_options<double> opt{.primaries = 500, .seed = 99};
  const auto a = nusi::monte_carlo_propagation(setup, spectrum, opt);
  const auto b = nusi::monte_carlo_propagation(setup, spectrum, opt);
  CHECK(a.fraction_above_threshold == b.fraction_above_threshold);
  CHECK(a.scatterings == b.scatterings);
  CHECK(a.energy.arrived_MeV == b.energy.arrived_MeV);
  opt.seed = 100;
  const auto c = nusi::monte_carlo_propagation(setup, spectrum, opt);
  CHECK(c.energy.emitted_MeV != a.energy.emitted_MeV);
  CHECK(c.energy.arrived_MeV != a.energy.arrived_MeV);
}

TEST_CASE("the standard error of F matches the scatter over seeds and falls as 1/sqrt(N)") {
  const auto setup = setup_at(-3.5, -2.2);  // F ~ 0.6 with several arrivals per primary possible
  const auto spectrum = nusi::pinched_spectrum<double>::paper_default();
  SUBCASE("N -> 4N halves the error") {
    nusi::monte_carlo_options<double> opt{.primaries = 4000, .seed = 1};
    const auto small = nusi::monte_carlo_propagation(setup, spectrum, opt);
    opt.primaries = 16000;
    const auto large = nusi::monte_carlo_propagation(setup, spectrum, opt);
    // The ratio is 2 up to the sampling error of the two variance estimates (a few per cent).
    const double ratio = small.fraction_above_threshold_error / large.fraction_above_threshold_error;
    CHECK(ratio > 1.8);
    CHECK(ratio < 2.2);
  }
  SUBCASE("the estimate is the spread of independent runs") {
    const int runs = 16;
    std::vector<double> F(runs);
    double reported_var = 0, mean = 0;
    for (int k = 0; k < runs; ++k) {
      const auto r = nusi::monte_carlo_propagation(setup, spectrum,
                                                   nusi::monte_carlo_options<double>{.primaries = 800, .seed = 1000u + k});
      F[k] = r.fraction_above_threshold;
      mean += F[k] / runs;
      reported_var += r.fraction_above_threshold_error * r.fraction_above_threshold_error / runs;
    }
    double spread = 0;
    for (double f : F) spread += (f - mean) * (f - mean) / (runs - 1);
    // (runs - 1) spread/var is chi-square with runs - 1 degrees of freedom: accept the central 99.8%.
    const boost::math::chi_squared_distribution<double> chi2(runs - 1);
    const double x = (runs - 1) * spread / reported_var;
    CHECK(x > quantile(chi2, 0.001));
    CHECK(x < quantile(chi2, 0.999));
  }
}

TEST_CASE("F does not depend on the angle model: paths differ by theta^2 D ~ 1e-8 D above threshold") {
  const auto setup = setup_at(-3.5, -2.2);
  const auto spectrum = nusi::pinched_spectrum<double>::paper_default();
  nusi::monte_carlo_options<double> opt{.primaries = 4000, .seed = 8};
  const auto three = nusi::monte_carlo_propagation(setup, spectrum, opt);
  // The old name of the planar walk is an alias of it.
  static_assert(nusi::angle_model::planar == nusi::angle_model::planar_random_walk);
  // Same seed, same number of draws per scattering: the histories differ only through path lengths,
  // by theta^2 D ~ 1e-8 D above threshold (theta ~ 1e-4 rad), so F agrees far inside one standard error.
  for (auto model : {nusi::angle_model::planar_random_walk, nusi::angle_model::paper_eq8_additive}) {
    for (auto geometry : {nusi::monte_carlo_geometry::point_source, nusi::monte_carlo_geometry::plane_parallel}) {
      opt.angles = model;
      opt.geometry = geometry;
      const auto other = nusi::monte_carlo_propagation(setup, spectrum, opt);
      CHECK(std::abs(three.fraction_above_threshold - other.fraction_above_threshold) <
            three.fraction_above_threshold_error);
    }
  }
  opt.angles = nusi::angle_model::three_dimensional;
  opt.geometry = nusi::monte_carlo_geometry::plane_parallel;
  const auto slab = nusi::monte_carlo_propagation(setup, spectrum, opt);
  CHECK(std::abs(three.fraction_above_threshold - slab.fraction_above_threshold) < three.fraction_above_threshold_error);
}

TEST_CASE("single-scattering arrivals carry the two-body kinematics (planar model: angles add)") {
  const double E0 = 20.0, m = 5e-8;
  auto setup = setup_at(-3.5, -2.2);
  setup.distance_cm = 0.05 / (setup.relic.target_density_per_cm3() * setup.cross_section().sigma_total_cm2(E0));
  setup.threshold_MeV = 1e-6;  // keep almost every product in the tracked set
  const nusi::monte_carlo_options<double> opt{.primaries = 20000, .seed = 4, .angles = nusi::angle_model::planar_random_walk,
                                              .record_arrivals = true};
  const auto r = nusi::monte_carlo_propagation(setup, mono_energetic{E0}, opt);
  std::map<std::uint64_t, std::vector<nusi::arrival<double>>> by_primary;
  for (const auto& a : r.arrival_list) by_primary[a.primary].push_back(a);
  int pairs = 0;
  for (const auto& [primary, list] : by_primary) {
    if (list.size() != 2 || list[0].generation != 1 || list[1].generation != 1) continue;
    const auto& f = list[0].origin == nusi::arrival_origin::down_scattered ? list[0] : list[1];
    const auto& u = list[0].origin == nusi::arrival_origin::down_scattered ? list[1] : list[0];
    REQUIRE(f.origin == nusi::arrival_origin::down_scattered);
    REQUIRE(u.origin == nusi::arrival_origin::up_scattered);
    if (E0 - f.energy_MeV < 1e-3 * E0) continue;  // the kinematic relations amplify rounding of E_f
    ++pairs;
    CAPTURE(f.energy_MeV);
    CHECK(f.energy_MeV + u.energy_MeV == doctest::Approx(E0 + m).epsilon(4 * eps));
    const long double h = 2 * std::pow(std::sin((long double)f.angle_rad / 2), 2);
    // Eq. (4) kinematics; 1e-12: rounding of E_f amplified by E_i/(E_i - E_f) <= 1e3.
    CHECK(double(h) == rel(m * (E0 - f.energy_MeV) / (E0 * f.energy_MeV), 1e-12));
    // Momentum balance: the recoil goes to the other side; |p_r| = sqrt(E_r^2 - m^2). 1e-12 as above.
    const long double pr = std::sqrt(((long double)u.energy_MeV - m) * ((long double)u.energy_MeV + m));
    CHECK(f.angle_rad * u.angle_rad < 0);
    CHECK(double(-pr * std::sin((long double)u.angle_rad)) ==
          rel(double(f.energy_MeV * std::sin((long double)f.angle_rad)), 1e-12));
    CHECK(double(pr * std::cos((long double)u.angle_rad) + f.energy_MeV * std::cos((long double)f.angle_rad)) ==
          doctest::Approx(E0).epsilon(1e-13));  // 1e-13: E_f rounding amplified by E_i/(E_i - E_f) <= 1e3
    // Unscattered light travel: the delay of each is (path - D)/c > 0 and below D theta^2/c.
    CHECK(f.delay_s > 0);
    CHECK(f.delay_s <= setup.distance_cm * h / nusi::speed_of_light_cm_per_s<double> * (1 + 1e-9));
  }
  CHECK(pairs > 500);  // premise: ~e^-0.05 * 0.05 * 20000 ~ 900 single-scattering histories
}

TEST_CASE("first scatterings in the Monte Carlo leave E_f uniform on [E_f,min, E_i] (Kolmogorov-Smirnov)") {
  // E_res = 1 GeV: sigma ~ E^2 below it, so tau(E_f) <= tau(E0) = 0.02 and rescattering removes at
  // most 2% of the first-scattering products, tilting their CDF by < 0.005, far below the KS bound.
  const double E0 = 20.0;
  auto setup = setup_at(-2.0, -1.0);
  setup.distance_cm = 0.02 / (setup.relic.target_density_per_cm3() * setup.cross_section().sigma_total_cm2(E0));
  setup.threshold_MeV = 1e-9;
  const auto r = nusi::monte_carlo_propagation(
      setup, mono_energetic{E0}, nusi::monte_carlo_options<double>{.primaries = 60000, .seed = 2, .record_arrivals = true});
  const double lo = setup.cross_section().min_final_energy_MeV(E0);
  std::vector<double> u;
  for (const auto& a : r.arrival_list)
    if (a.generation == 1 && a.origin == nusi::arrival_origin::down_scattered) u.push_back((a.energy_MeV - lo) / (E0 - lo));
  REQUIRE(u.size() > 800);  // premise: ~0.02 * 60000 = 1200 first scatterings
  std::sort(u.begin(), u.end());
  const double n = double(u.size());
  double d = 0;
  for (std::size_t i = 0; i < u.size(); ++i) d = std::max({d, (i + 1.0) / n - u[i], u[i] - double(i) / n});
  CHECK(d < 1.949 / std::sqrt(n));  // KS critical value at significance 0.001 (fixed seed)
}

TEST_CASE("three-dimensional single-scattering arrivals: delay = x (1 - cos t) - D (1 - cos alpha)") {
  // One deflection t at distance x along the line of sight: the neutrino leaves the sphere r = D at
  // angle alpha with sin alpha = (x/D) sin t, after a path longer than D by x (1 - cos t) - D (1 - cos alpha).
  const double E0 = 20.0, m = 5e-8;
  auto setup = setup_at(-3.5, -2.2);
  setup.distance_cm = 0.05 / (setup.relic.target_density_per_cm3() * setup.cross_section().sigma_total_cm2(E0));
  setup.threshold_MeV = 1e-6;  // keep almost every product in the tracked set
  const nusi::monte_carlo_options<double> opt{.primaries = 20000, .seed = 6, .record_arrivals = true};
  const auto r = nusi::monte_carlo_propagation(setup, mono_energetic{E0}, opt);
  const long double D = setup.distance_cm, c = nusi::speed_of_light_cm_per_s<double>;
  int checked = 0, pairs = 0;
  std::map<std::uint64_t, std::vector<nusi::arrival<double>>> by_primary;
  for (const auto& a : r.arrival_list) by_primary[a.primary].push_back(a);
  for (const auto& [primary, list] : by_primary) {
    // Both products of one scattering left the same point x: x = D sin(alpha)/sin(t) agrees.
    if (list.size() != 2 || list[0].generation != 1 || list[1].generation != 1) continue;
    const auto& f = list[0].origin == nusi::arrival_origin::down_scattered ? list[0] : list[1];
    const auto& u = list[0].origin == nusi::arrival_origin::down_scattered ? list[1] : list[0];
    if (E0 - f.energy_MeV < 1e-3 * E0) continue;  // the kinematic relations amplify rounding of E_f
    const auto fs = nusi::two_body_final_state(E0, E0 - f.energy_MeV, m);
    const double x_down = std::sin(f.angle_rad) / fs.sin_angle, x_up = std::sin(u.angle_rad) / fs.recoil_sin_angle;
    CHECK(x_up == rel(x_down, 1e-10));  // E_f rounding amplified <= 1e3, then sines
    ++pairs;
  }
  CHECK(pairs > 500);
  for (const auto& a : r.arrival_list) {
    if (a.generation == 0) {
      CHECK(a.delay_s == 0.0);  // straight radial flight
      CHECK(a.angle_rad == 0.0);
      continue;
    }
    if (a.generation != 1 || a.origin != nusi::arrival_origin::down_scattered) continue;
    if (E0 - a.energy_MeV < 1e-6 * E0) continue;  // the kinematic relation amplifies rounding of E_f
    const long double h_t = m * (E0 - (long double)a.energy_MeV) / (E0 * (long double)a.energy_MeV);
    const long double sin_t = std::sqrt(h_t * (2 - h_t));
    const long double sin_a = std::sin((long double)a.angle_rad);
    const long double x = D * sin_a / sin_t;
    CHECK(double(x) <= double(D) * (1 + 1e-9));  // the scattering happened inside the sphere
    const long double h_a = 2 * std::pow(std::sin((long double)a.angle_rad / 2), 2);
    const long double expected = x * h_t - D * h_a;
    // 1e-8 of the scale x (1 - cos t): rounding of E_f amplified up to 1e6 in h_t (see above).
    CHECK(std::abs((long double)a.delay_s * c - expected) <= 1e-8L * x * h_t);
    ++checked;
  }
  CHECK(checked > 500);  // premise: ~900 single-scattering down-scattered arrivals
}

TEST_CASE_TEMPLATE("the energy budget closes for every floating-point type", Real, float, double, long double) {
  nusi::propagation_setup<Real> setup;
  setup.med = {.mass_MeV = Real(3.1622776601683794e-4L), .coupling = Real(6.309573444801933e-3L)};  // g = 10^-2.2
  const auto spectrum = nusi::pinched_spectrum<Real>::paper_default();
  const auto r = nusi::monte_carlo_propagation(setup, spectrum, nusi::monte_carlo_options<Real>{.primaries = 200});
  REQUIRE(r.scatterings > 0);
  // Closure to rounding of the type: ~10 roundings per history, 64 eps is generous.
  CHECK(r.energy.max_history_relative_error < 64 * std::numeric_limits<Real>::epsilon());
  CHECK(r.fraction_above_threshold > Real(0));
  CHECK(r.fraction_above_threshold < Real(1.5));
}

TEST_CASE("monte_carlo_propagation rejects bad input by name and bounds its work") {
  const auto good = setup_at(-3.5, -2.2);
  const auto spectrum = nusi::pinched_spectrum<double>::paper_default();
  using opts = nusi::monte_carlo_options<double>;
  CHECK_THROWS_WITH_AS(nusi::monte_carlo_propagation(good, spectrum, opts{.primaries = 0}),
                       doctest::Contains("options.primaries"), nusi::invalid_argument);
  CHECK_THROWS_WITH_AS(nusi::monte_carlo_propagation(good, spectrum, opts{.max_scatterings = 0}),
                       doctest::Contains("options.max_scatterings"), nusi::invalid_argument);
  auto bad = good;
  bad.distance_cm = -1;
  CHECK_THROWS_WITH_AS(nusi::monte_carlo_propagation(bad, spectrum), doctest::Contains("distance_cm"),
                       nusi::invalid_argument);
  bad = good;
  bad.med.coupling = 0;
  CHECK_THROWS_WITH_AS(nusi::monte_carlo_propagation(bad, spectrum), doctest::Contains("med.coupling"),
                       nusi::invalid_argument);
  bad = good;
  bad.threshold_MeV = std::numeric_limits<double>::quiet_NaN();
  CHECK_THROWS_WITH_AS(nusi::monte_carlo_propagation(bad, spectrum), doctest::Contains("threshold_MeV"),
                       nusi::invalid_argument);
  bad = good;
  bad.relic.mass_MeV = 0;
  CHECK_THROWS_WITH_AS(nusi::monte_carlo_propagation(bad, spectrum), doctest::Contains("relic.mass_MeV"),
                       nusi::invalid_argument);
  opts edges;
  edges.energy_edges_MeV = {1.0, 1.0};
  CHECK_THROWS_WITH_AS(nusi::monte_carlo_propagation(good, spectrum, edges),
                       doctest::Contains("options.energy_edges_MeV"), nusi::invalid_argument);
  edges = opts{};
  edges.delay_edges_s = {0.0};
  CHECK_THROWS_WITH_AS(nusi::monte_carlo_propagation(good, spectrum, edges),
                       doctest::Contains("options.delay_edges_s"), nusi::invalid_argument);
  CHECK_THROWS_WITH_AS(nusi::monte_carlo_propagation(good, negative_energies{}, opts{.primaries = 3}),
                       doctest::Contains("emission.sample_MeV"), nusi::invalid_argument);
  edges = opts{};
  edges.angles = static_cast<nusi::angle_model>(7);
  CHECK_THROWS_WITH_AS(nusi::monte_carlo_propagation(good, spectrum, edges), doctest::Contains("options.angles"),
                       nusi::invalid_argument);
  edges = opts{};
  edges.geometry = static_cast<nusi::monte_carlo_geometry>(7);
  CHECK_THROWS_WITH_AS(nusi::monte_carlo_propagation(good, spectrum, edges), doctest::Contains("options.geometry"),
                       nusi::invalid_argument);
  CHECK_THROWS_WITH_AS(nusi::two_body_final_state(15.0, 15.0, 5e-8), doctest::Contains("energy_loss_MeV"),
                       nusi::invalid_argument);
  CHECK_THROWS_WITH_AS(nusi::two_body_final_state(-1.0, 0.0, 5e-8), doctest::Contains("E_i_MeV"),
                       nusi::invalid_argument);
  CHECK_THROWS_WITH_AS(nusi::max_energy_loss_MeV(15.0, 0.0), doctest::Contains("relic_mass_MeV"),
                       nusi::invalid_argument);
  // The Fig. 3 point with every neutrino tracked needs ~2e4 scatterings per primary: the bound stops it.
  CHECK_THROWS_AS(nusi::monte_carlo_propagation(setup_at(-3.5, -1.75), spectrum,
                                                opts{.primaries = 10, .track_below_threshold = true,
                                                     .max_scatterings = 10000}),
                  nusi::numerical_error);
}

}  // namespace nusi_test_monte_carlo
