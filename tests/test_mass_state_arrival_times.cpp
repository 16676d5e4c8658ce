// SPDX-License-Identifier: MIT
// Arrival times of the coupled mass states (mass_state_arrival_times.hpp, the delays of mass_state_monte_carlo.hpp):
// the one-coupled-Dirac-state limit against the paper model's arrival_time_distribution, g -> 0 (no delay, the
// unscattered fraction exact), the mean delay of single scatterings in a thin medium against an independent quadrature,
// and the rejection of bad input.
#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include <boost/math/quadrature/gauss_kronrod.hpp>
#include <boost/math/special_functions/gamma.hpp>

#include <doctest/doctest.h>

#include <nusi/arrival_times.hpp>
#include <nusi/mass_states.hpp>

#include "mass_state_support.hpp"
#include "test_support.hpp"

namespace nusi_test_mass_state_arrival_times {  // this file's own: the suite compiles in batches of files (tests/CMakeLists.txt)

namespace {
using nusi_test::rel;
using emission_t = nusi::flavour_emission<double, nusi::pinched_spectrum<double>>;
const std::vector<emission_t> anti_e{{nusi::flavour::e, true, nusi::pinched_spectrum<double>::paper_default(), 1.0}};
std::span<const emission_t> emission() { return {anti_e.data(), anti_e.size()}; }

// The paper's relic as a limit of the mass states (test_mass_states_transport.cpp): one coupled Dirac state, s channel,
// 0.05 eV at rest, 330 cm^-3 per helicity, no mixing; all neutrinos counted, as the paper's F does.
nusi::mass_state_setup<double> paper_like(double log10_M, double coupling) {
  nusi::mass_state_setup<double> s = nusi_test::paper_like_mass_states(std::pow(10.0, log10_M), coupling);
  s.detection = nusi::detected_neutrinos::all;
  return s;
}

// Coupling at which the paper's optical depth at E is tau (off resonance, M = 1 eV << sqrt(s): sigma ~ g^4).
double coupling_for_depth(double E_MeV, double tau) {
  return 1e-4 * std::pow(tau / nusi_test::optical_depth(nusi_test::setup_at(-6, -4), E_MeV), 0.25);
}

// |a - b| within k combined standard errors.
bool within(double a, double ea, double b, double eb, double k) { return std::abs(a - b) <= k * std::sqrt(ea * ea + eb * eb); }

// The plane-parallel mean delay of single scatterings at uniform depth in a thin medium, D/(2c) <h/(1 - h)>: a product
// turned by h = 1 - cos t = x z/E_3 (x y/E_4 for the other) arrives (D - depth)(1/cos t - 1)/c late. Averaged over the
// target energies `nodes` (x and weight; at rest the one node x = m), dsigma/dy of every process of state 1's
// antineutrino on state 1's relics, and the spectrum, products above threshold counted; Gauss-Kronrod of depth `levels`
// to `tolerance` over E (a hundredth of it over y): an independent route (the Monte Carlo samples p and the angle).
double thin_medium_mean_delay_s(const nusi::mass_state_model<double>& model, const std::vector<nusi::target_energy_node<double>>& nodes,
                                unsigned levels, double tolerance) {
  using gk = boost::math::quadrature::gauss_kronrod<double, 15>;
  const auto& sc = model.scattering();
  const double T = model.setup().threshold_MeV, m = model.relic().mass_MeV(0);
  const auto phi = nusi::pinched_spectrum<double>::paper_default();
  const std::size_t anti = sc.species_index(0, nusi::neutrino_kind::antineutrino_right);
  auto moments = [&](double E) {  // {count, sum of h/(1 - h)} of products above threshold, per unit of sigma weight
    std::array<double, 2> out{0, 0};
    for (const auto& node : nodes) {
      const double x = node.x_MeV, ystar = (T - x / 2) / E;
      if (!(ystar < 1)) continue;
      const auto k = sc.kinematics(0, m * m + 2 * E * x);
      for (std::size_t t = 0; t < sc.target_kinds(); ++t)
        for (const auto& proc : sc.processes(anti, 0, t)) {
          auto d = [&](double y) { return node.weight * sc.differential_cross_section_per_MeV2(proc, k, y); };
          // product 3 (E_3 = x/2 + y E > T for y > y*), product 4 (E_4 = x/2 + (1 - y) E > T for y < 1 - y*)
          out[0] += gk::integrate(d, ystar, 1.0, levels, tolerance / 100) + gk::integrate(d, 0.0, 1 - ystar, levels, tolerance / 100);
          out[1] += gk::integrate([&](double y) { const double h = x * (1 - y) / (x / 2 + y * E); return d(y) * h / (1 - h); },
                                  ystar, 1.0, levels, tolerance / 100);
          out[1] += gk::integrate([&](double y) { const double h = x * y / (x / 2 + (1 - y) * E); return d(y) * h / (1 - h); },
                                  0.0, 1 - ystar, levels, tolerance / 100);
        }
    }
    return out;
  };
  const double count = gk::integrate([&](double E) { return phi.probability_density_per_MeV(E) * moments(E)[0]; }, T, 200.0, levels, tolerance);
  const double delay = gk::integrate([&](double E) { return phi.probability_density_per_MeV(E) * moments(E)[1]; }, T, 200.0, levels, tolerance);
  return model.setup().distance_cm / nusi::speed_of_light_cm_per_s<double> / 2 * delay / count;
}

// The Monte Carlo with three-dimensional directions, every arrival above threshold recorded.
nusi::mass_state_monte_carlo_result<double> recorded_arrivals(const nusi::mass_state_model<double>& model, std::uint64_t primaries,
                                                              std::uint64_t seed, nusi::monte_carlo_geometry geometry) {
  nusi::mass_state_monte_carlo_options o;
  o.primaries = primaries;
  o.seed = seed;
  o.angles = nusi::angle_model::three_dimensional;
  o.geometry = geometry;
  o.record_arrivals = true;
  auto mc = nusi::mass_state_monte_carlo(model, emission(), o);
  REQUIRE(mc.arrivals_complete);
  return mc;
}

// The mean delay of the scattered arrivals (generation > 0) of a Monte Carlo run, its error from 20 batch means of
// primaries (independent; the arrivals of one cascade are not) and their number; unscattered arrivals are on time.
struct batch_mean {
  double mean, error, count;
};
batch_mean scattered_mean_delay(const nusi::mass_state_monte_carlo_result<double>& mc, std::uint64_t primaries) {
  constexpr std::size_t batches = 20;
  std::array<double, batches> sum{}, n{};
  for (const auto& a : mc.arrivals) {
    if (a.generation == 0) {
      CHECK(a.delay_s == 0.0);
      continue;
    }
    sum[a.primary * batches / primaries] += a.delay_s;
    n[a.primary * batches / primaries] += 1;
  }
  double total = 0, all = 0;
  for (std::size_t b = 0; b < batches; ++b) total += sum[b], all += n[b];
  const double mean = all > 0 ? total / all : 0.0;
  double spread = 0;
  for (std::size_t b = 0; b < batches; ++b) spread += std::pow(sum[b] / n[b] - mean, 2);
  return {mean, std::sqrt(spread / (batches - 1) / batches), all};
}
}  // namespace

TEST_CASE("mass-state arrival times: one coupled Dirac state is the paper's arrival_time_distribution, both geometries") {
  // tau = 1 at 15 MeV: about half the neutrinos scatter, delays ~ D theta^2/(2 c) ~ 1e4 s.
  const double g = coupling_for_depth(15, 1.0);
  const nusi::mass_state_model<double> model(paper_like(-6, g));
  nusi::propagation_setup<double> paper;
  paper.med = {.mass_MeV = 1e-6, .coupling = g};
  using geometry = nusi::monte_carlo_geometry;
  const std::array<std::pair<nusi::angle_model, geometry>, 3> cases{{{nusi::angle_model::three_dimensional, geometry::point_source},
                                                                     {nusi::angle_model::three_dimensional, geometry::plane_parallel},
                                                                     {nusi::angle_model::planar_random_walk, geometry::plane_parallel}}};
  for (const auto& [m, geo] : cases) {
    CAPTURE(std::string(nusi::angle_model_name(m)));
    CAPTURE(geo == geometry::point_source);
    nusi::arrival_time_options<double> po;
    po.primaries = 20000;
    po.seed = 3;
    po.angles = m;
    po.geometry = geo;
    po.quantile_probabilities = {0.25, 0.5, 0.75};
    // The window: the paper run's median scattered delay (a first run), so that it cuts the distribution in two.
    po.window_s = nusi::arrival_time_distribution(paper, nusi::pinched_spectrum<double>::paper_default(), po).scattered_quantiles[1].delay_s;
    const auto p = nusi::arrival_time_distribution(paper, nusi::pinched_spectrum<double>::paper_default(), po);
    nusi::mass_state_arrival_time_options<double> mo;
    mo.primaries = 20000;
    mo.seed = 4;
    mo.angles = m;
    mo.geometry = geo;
    mo.window_s = po.window_s;
    mo.quantile_probabilities = po.quantile_probabilities;
    const auto r = nusi::mass_state_arrival_time_distribution(model, emission(), mo);
    // The window cuts the scattered delays inside their distribution (else the comparison below is vacuous).
    REQUIRE(p.scattered_within_window > 0.2 * (p.fraction_above_threshold - p.unscattered_fraction));
    REQUIRE(p.scattered_within_window < 0.8 * (p.fraction_above_threshold - p.unscattered_fraction));
    // Independent runs (different codes and seeds): 4 combined standard errors, a false alarm ~6e-5 per number. The
    // cross sections differ by m^2/s ~ 1e-9, far below the statistics.
    CHECK(within(r.fraction_above_threshold, r.fraction_above_threshold_error, p.fraction_above_threshold,
                 p.fraction_above_threshold_error, 4));
    CHECK(within(r.unscattered_fraction, 0, p.unscattered_fraction, p.unscattered_fraction_error, 4));
    CHECK(within(r.fraction_within_window, r.fraction_within_window_error, p.fraction_within_window,
                 p.fraction_within_window_error, 4));
    CHECK(within(r.scattered_within_window, r.scattered_within_window_error, p.scattered_within_window,
                 p.scattered_within_window_error, 4));
    CHECK(within(r.mean_scatterings_per_primary, 0.05 * p.mean_scatterings_per_primary, p.mean_scatterings_per_primary, 0, 1));
    for (std::size_t q = 0; q < po.quantile_probabilities.size(); ++q) {
      CAPTURE(q);
      const auto a = r.scattered_quantiles[q], b = p.scattered_quantiles[q];
      CAPTURE(a.delay_s);
      CAPTURE(b.delay_s);
      REQUIRE(std::isfinite(a.error_s));
      REQUIRE(std::isfinite(b.error_s));
      CHECK(within(a.delay_s, a.error_s, b.delay_s, b.error_s, 4));
    }
  }
}

TEST_CASE("mass-state arrival times: as g -> 0 nothing is delayed and the unscattered fraction is the emitted one") {
  // Three states at rest with mixing: the detected electron antineutrinos carry weights |U_ei|^2.
  nusi::mass_state_setup<double> s;
  s.interaction.med = {.mass_MeV = 1e-3, .coupling = 1e-9};
  s.spectrum.lightest_mass_eV = 0.02;
  s.relic.kinematics = nusi::relic_kinematics::at_rest;
  const nusi::mass_state_model<double> model(s);
  nusi::mass_state_arrival_time_options<double> o;
  o.primaries = 4000;
  const auto r = nusi::mass_state_arrival_time_distribution(model, emission(), o);
  CHECK(r.scattered_arrivals_above_threshold == 0);
  CHECK(r.arrivals_above_threshold > 0);
  for (const auto& q : r.quantiles) CHECK(q.delay_s == 0.0);  // unscattered: path length D exactly
  CHECK(r.mean_delay_s == 0.0);
  CHECK(r.fraction_within_window == r.unscattered_fraction);
  CHECK(r.fraction_above_threshold == r.unscattered_fraction);
  // The pinched spectrum is a gamma distribution: above T a fraction Q(alpha + 1, (alpha + 1) T/<E>), less the tail
  // above 200 MeV (~e^-46, invisible). Quadrature tolerance 1e-9 relative.
  const auto phi = nusi::pinched_spectrum<double>::paper_default();
  const double a1 = phi.alpha() + 1;
  const double expected = boost::math::gamma_q(a1, a1 * s.threshold_MeV / phi.mean_energy_MeV()) -
                          boost::math::gamma_q(a1, a1 * 200.0 / phi.mean_energy_MeV());
  CHECK(r.unscattered_fraction == rel(expected, 1e-8));
  // The Monte Carlo's own detected fraction (weighted by |U_ei|^2, another seed) agrees within 4 standard errors.
  nusi::mass_state_monte_carlo_options mo;
  mo.primaries = 4000;
  mo.seed = 9;
  const auto mc = nusi::mass_state_monte_carlo(model, emission(), mo);
  CHECK(std::abs(mc.detected.value - r.unscattered_fraction) <= 4 * mc.detected.error);
}

TEST_CASE("mass-state arrival times: single scatterings in a thin medium have the plane-parallel mean delay") {
  // tau = 0.01 at 15 MeV: scattered arrivals come from one scattering at x uniform on [0, D] (corrections O(tau)), and
  // a product at angle t arrives (D - x)(1/cos t - 1)/c late, so their mean delay is D/(2c) <h/(1 - h)>, h = 1 - cos t
  // = m z/E_3 (m y/E_4), averaged over dsigma/dy of every process and the spectrum, products above threshold counted.
  const double g = coupling_for_depth(15, 0.01);
  const nusi::mass_state_model<double> model(paper_like(-6, g));
  const double expected = thin_medium_mean_delay_s(model, {{model.relic().mass_MeV(0), 1.0}}, 8, 1e-8);

  constexpr std::uint64_t primaries = 60000, seed = 5;
  const auto [mean, error, all] =
      scattered_mean_delay(recorded_arrivals(model, primaries, seed, nusi::monte_carlo_geometry::plane_parallel), primaries);
  REQUIRE(all > 500);  // enough scattered arrivals for a few-percent check
  CAPTURE(mean);
  CAPTURE(expected);
  CAPTURE(error);
  // 4 standard errors plus 3 % for the thin-medium approximation (tau <= 0.01 near 15 MeV, a few times more in the
  // spectrum's tail: the x density exp(-tau x) and second scatterings).
  CHECK(std::abs(mean - expected) <= 4 * error + 0.03 * expected);
  // The distribution's mean over all arrivals is the same Monte Carlo: scattered mean x scattered share.
  nusi::mass_state_arrival_time_options<double> ao;
  ao.primaries = primaries;
  ao.seed = seed;
  ao.geometry = nusi::monte_carlo_geometry::plane_parallel;
  const auto r = nusi::mass_state_arrival_time_distribution(model, emission(), ao);
  CHECK(r.mean_delay_s == rel(mean * all / double(r.arrivals_above_threshold), 1e-9));  // the same arrivals, summed again

  // A point detector: a product turned by t at radius x arrives x (D - x)(1 - cos t)/c late to O(t^4), so the mean over
  // x uniform is a third of the plane-parallel one (the same h/(1 - h) = h to O(h) ~ 1e-8).
  const auto point = recorded_arrivals(model, primaries, seed, nusi::monte_carlo_geometry::point_source);
  double point_total = 0, point_all = 0;
  for (const auto& a : point.arrivals)
    if (a.generation > 0) point_total += a.delay_s, point_all += 1;
  const double point_mean = point_total / point_all;
  CAPTURE(point_mean);
  // The same histories (seed, free paths and energies do not depend on the geometry): the error above, a third of it,
  // and the same 3 % for the thin medium.
  CHECK(std::abs(point_mean - expected / 3) <= 4 * error / 3 + 0.03 * expected / 3);
}

TEST_CASE("mass-state arrival times: a point detector's delay and sky angle follow from the plane-parallel ones") {
  // The same seed in both geometries gives the same histories: free paths, energies and deflections t do not depend on
  // the geometry. A neutrino scattered once at radius x (units of D) and turned by t reaches the plane z = D with
  // angle t and lag (1 - x)(1 - cos t)/cos t, from which x follows; at the sphere r = D it has the lag
  // 2 x (1 - x)(1 - cos t)/(sqrt(1 - x^2 sin^2 t) + 1 - x + x cos t) (the chord's length minus 1 - x, without
  // cancellation) and the sky angle asin(x sin t). Checked arrival by arrival for every singly scattered neutrino.
  const double g = coupling_for_depth(15, 0.03);
  const nusi::mass_state_model<double> model(paper_like(-6, g));
  const auto plane = recorded_arrivals(model, 20000, 8, nusi::monte_carlo_geometry::plane_parallel);
  const auto point = recorded_arrivals(model, 20000, 8, nusi::monte_carlo_geometry::point_source);
  REQUIRE(plane.scatterings == point.scatterings);
  REQUIRE(plane.arrivals.size() == point.arrivals.size());
  const double D_over_c = model.setup().distance_cm / nusi::speed_of_light_cm_per_s<double>;
  std::size_t checked = 0;
  double worst_delay = 0, worst_angle = 0;
  for (std::size_t i = 0; i < plane.arrivals.size(); ++i) {
    const auto &a = plane.arrivals[i], &b = point.arrivals[i];
    REQUIRE(a.primary == b.primary);
    REQUIRE(a.energy_MeV == b.energy_MeV);
    REQUIRE(a.generation == b.generation);
    if (a.generation != 1) continue;
    const long double t = a.angle_rad, h = 2 * std::pow(std::sin(t / 2), 2), c = 1 - h;
    const long double x = 1 - a.delay_s / D_over_c * c / h;
    const long double lag = 2 * x * (1 - x) * h / (std::sqrt(1 - x * x * std::sin(t) * std::sin(t)) + 1 - x + x * c);
    worst_delay = std::max(worst_delay, double(std::abs(b.delay_s / D_over_c / lag - 1)));
    worst_angle = std::max(worst_angle, double(std::abs(b.angle_rad / std::asin(x * std::sin(t)) - 1)));
    ++checked;
  }
  CAPTURE(worst_delay);
  CAPTURE(worst_angle);
  REQUIRE(checked > 500);
  // Rounding only: a few eps per step, eps/x relative for x inferred near the source (measured ~2e-13); a wrong
  // geometry (plane-parallel lags, or another chord) is off by O(1).
  CHECK(worst_delay < 1e-9);
  CHECK(worst_angle < 1e-9);
}

TEST_CASE("mass-state arrival times reject bad input by name") {
  const nusi::mass_state_model<double> model(paper_like(-6, 1e-6));
  using E = nusi::invalid_argument;
  auto run = [&](const nusi::mass_state_arrival_time_options<double>& o) {
    return nusi::mass_state_arrival_time_distribution(model, emission(), o);
  };
  nusi::mass_state_arrival_time_options<double> o;
  o.primaries = 100;
  auto bad = o;
  bad.window_s = 0;
  CHECK_THROWS_WITH_AS(run(bad), doctest::Contains("window_s"), E);
  bad = o;
  bad.primaries = 0;
  CHECK_THROWS_WITH_AS(run(bad), doctest::Contains("primaries"), E);
  bad = o;
  bad.batches = 1;
  CHECK_THROWS_WITH_AS(run(bad), doctest::Contains("batches"), E);
  bad = o;
  bad.quantile_probabilities = {0.5, 1.0};
  CHECK_THROWS_WITH_AS(run(bad), doctest::Contains("quantile_probabilities[1]"), E);
  bad = o;
  bad.delay_edges_s = {1.0, 0.5};
  CHECK_THROWS_WITH_AS(run(bad), doctest::Contains("delay_edges_s"), E);
  bad = o;
  bad.max_energy_MeV = 4;  // below the 5 MeV threshold
  CHECK_THROWS_WITH_AS(run(bad), doctest::Contains("max_energy_MeV"), E);
  bad = o;
  bad.angles = static_cast<nusi::angle_model>(99);
  CHECK_THROWS_WITH_AS(run(bad), doctest::Contains("angles"), E);
  bad = o;
  bad.geometry = static_cast<nusi::monte_carlo_geometry>(99);
  CHECK_THROWS_WITH_AS(run(bad), doctest::Contains("options.geometry"), E);
  nusi::mass_state_monte_carlo_options mc;  // a point source without directions in space
  mc.primaries = 10;
  mc.geometry = nusi::monte_carlo_geometry::point_source;
  CHECK_THROWS_WITH_AS(nusi::mass_state_monte_carlo(model, emission(), mc), doctest::Contains("options.geometry"), E);
  mc.angles = nusi::angle_model::planar_random_walk;
  CHECK_THROWS_WITH_AS(nusi::mass_state_monte_carlo(model, emission(), mc), doctest::Contains("options.geometry"), E);
  CHECK_THROWS_WITH_AS(nusi::mass_state_arrival_time_distribution(model, std::span<const emission_t>{}, o),
                       doctest::Contains("emission"), E);
}

TEST_CASE("mass-state arrival times with a thermal massless state: turned by the sampled target energy x") {
  // One coupled Dirac state of mass 0, thermal (the only kinematics a massless relic has): a collision at target energy
  // x = E_2 - p cos(theta) has s = 2 E x and products E_3 = x/2 + y E turned by 1 - cos t = x z/E_3. In a thin medium
  // (tau ~ 0.02) single scatterings at uniform depth give the plane-parallel mean delay D/(2c) <h/(1 - h)>, here averaged
  // over the flux-weighted distribution rho(x) (its 8-node Gauss rule) and dsigma/dy by quadrature: an independent route
  // (the Monte Carlo samples p and the angle, never rho).
  // M = 10 keV: the pole at x = M^2/(2E) ~ 3e-6 MeV lies far above the relics' reach (64 T ~ 1e-8 MeV): a smooth
  // (contact-like) cross section, no line for the Gauss rule of rho to resolve.
  auto setup_at = [](double coupling) {
    nusi::mass_state_setup<double> s = paper_like(-2, coupling);
    s.spectrum.lightest_mass_eV = 0;
    s.relic.kinematics = nusi::relic_kinematics::thermal;
    return s;
  };
  // Optical depth at 15 MeV: n D <sigma_tot(2 E x)> over rho, from a reference coupling (sigma ~ g^4 here).
  auto depth_at_15 = [&](const nusi::mass_state_model<double>& model) {
    const auto& sc = model.scattering();
    const std::size_t anti = sc.species_index(0, nusi::neutrino_kind::antineutrino_right);
    double tau = 0;
    for (const auto& node : model.relic().distribution(0).gauss_nodes(8))
      for (std::size_t t = 0; t < sc.target_kinds(); ++t)
        tau += node.weight * model.relic().targets(0)[t].density_per_cm3 * model.setup().distance_cm *
               sc.total_cross_section_cm2(anti, 0, t, 2 * 15.0 * node.x_MeV);
    return tau;
  };
  const double g0 = 1e-4, g = g0 * std::pow(0.02 / depth_at_15(nusi::mass_state_model<double>(setup_at(g0))), 0.25);
  const nusi::mass_state_model<double> model(setup_at(g));
  CHECK(depth_at_15(model) == rel(0.02, 1e-6));  // sigma ~ g^4 (the width's g^2 is negligible far from the pole)
  const double expected = thin_medium_mean_delay_s(model, model.relic().distribution(0).gauss_nodes(8), 6, 1e-7);

  constexpr std::uint64_t primaries = 30000, seed = 12;
  const auto [mean, error, all] =
      scattered_mean_delay(recorded_arrivals(model, primaries, seed, nusi::monte_carlo_geometry::plane_parallel), primaries);
  REQUIRE(all > 400);
  // 4 standard errors plus 4 % for the thin medium (tau = 0.02 at 15 MeV, more in the tail: the depth density and
  // second scatterings).
  CHECK(std::abs(mean - expected) <= 4 * error + 0.04 * expected);
  nusi::mass_state_arrival_time_options<double> o;
  o.primaries = primaries;
  o.seed = seed;
  o.geometry = nusi::monte_carlo_geometry::plane_parallel;
  const auto r = nusi::mass_state_arrival_time_distribution(model, emission(), o);
  // With a thermal state the unscattered part is the Monte Carlo's, with its error, and F agrees with the thermal grid.
  CHECK(r.unscattered_fraction_error > 0);
  const auto grid = nusi::mass_state_fractions_above_threshold<double, nusi::pinched_spectrum<double>>(model, emission());
  CHECK(std::abs(r.fraction_above_threshold - grid.detected.value) <= 4 * r.fraction_above_threshold_error);
}

}  // namespace nusi_test_mass_state_arrival_times
