// SPDX-License-Identifier: MIT
// Propagation physics on the grid (include/nusi/transport/propagate.hpp, paper Sec. IV, Eq. 8):
// budgets, limits, scalings, convergence, the energy-angle mode against independent quadrature, and
// the spectrum at Earth as a detection spectrum.
#include <algorithm>
#include <cmath>
#include <limits>
#include <type_traits>
#include <utility>
#include <vector>

#include <boost/math/quadrature/gauss_kronrod.hpp>
#include <doctest/doctest.h>

#include <nusi/transport.hpp>

#include "test_support.hpp"

namespace nusi_test_transport {  // this file's own: the suite compiles in batches of files (tests/CMakeLists.txt)

namespace {
using nusi_test::rel;

using nusi_test::setup_at;
nusi::transport_options<double> with_bins(std::size_t bins) {
  nusi::transport_options<double> o;
  o.energy.bins = bins;
  return o;
}
const auto paper_spectrum = nusi::pinched_spectrum<double>::paper_default();
}  // namespace

TEST_CASE("energy and number budgets close on the grid from no scattering to thousands per neutrino") {
  // log10 g = -3: ~3e-3 scatterings per neutrino; -1.75 (paper Fig. 3): ~3e3; M = 1 keV at the resonance.
  for (auto [lm, lg] : {std::pair{-3.5, -3.0}, std::pair{-3.5, -2.0}, std::pair{-3.5, -1.75}, std::pair{-3.0, -1.5}}) {
    CAPTURE(lm);
    CAPTURE(lg);
    const auto r = nusi::propagate_energy(setup_at(lm, lg), paper_spectrum, with_bins(200));
    // E(D) = E(0) + E_f,min per scattering, by construction of the kernel; the contour's rounding is
    // ~1e-14 of the largest term (the spec asks 1e-9).
    CHECK(std::abs(r.energy_budget_relative_error()) < 1e-12);
    // N(D) = N(0) + scatterings, relative to N(D) (up to ~3e3 x N(0) here): rounding.
    CHECK(std::abs(r.number_budget_relative_error()) < 1e-13);
    // The energy brought in is E_f,min = m_nu/2 (1 - m_nu/(2E) + ...) per scattering: m_nu/2 to
    // 2.5e-6 relative at the lowest node, 0.01 MeV.
    CHECK(r.injected_energy_MeV == rel(r.mean_scatterings * 2.5e-8, 3e-6));
    for (std::size_t j = 0; j < r.at_earth.size(); ++j) CHECK(r.at_earth[j] >= 0.0);
  }
}

TEST_CASE("no density is negative beyond the exact solver's noise floor, even through the resonance") {
  for (double lg : {-2.5, -1.75, -1.0}) {
    CAPTURE(lg);
    const auto s = setup_at(-3.5, lg);  // E_res = 1 MeV, peak optical depth ~1e12
    const nusi::energy_grid<double> g = nusi::make_energy_grid(s, nusi::energy_grid_options<double>{.bins = 200});
    const nusi::energy_kernel<double> k(s, g);
    const auto fD = nusi::exponential_action(k, nusi::emitted_state(k, paper_spectrum), s.distance_cm);
    for (std::size_t i = 0; i < fD.value.size(); ++i) {
      CAPTURE(i);
      CHECK(fD.value[i] >= -fD.noise[i]);
    }
  }
}

TEST_CASE("as g -> 0 the spectrum at Earth is the emitted one") {
  // M = 1e-6 MeV: E_res = 1e-5 MeV, below the grid; optical depth ~g^4 * 1e9 ~ 1e-23.
  const auto r = nusi::propagate_energy(setup_at(-6.0, -8.0), paper_spectrum, with_bins(200));
  for (std::size_t j = 0; j < r.at_earth.size(); ++j) {
    CAPTURE(j);
    CHECK(std::abs(r.at_earth[j] - r.emitted[j]) <= r.noise[j] + 1e-12 * r.emitted[j]);
  }
  CHECK(r.fraction_above_threshold.value == rel(r.emitted_fraction_above_threshold, 1e-12));
  CHECK(r.mean_scatterings < 1e-20);
  // And the emitted fraction is the spectrum's: second order in the ~5% spacing of 200 bins.
  CHECK(r.emitted_fraction_above_threshold == rel(paper_spectrum.complementary_probability(5.0), 1e-4));
}

TEST_CASE("at a resonance mass and small g, scatterings equal the line's equivalent width times phi(E_res)") {
  // Damping wings: tau(E) = tau_peak / (1 + ((E - E_res)/gamma)^2), gamma = E_res g^2/(4 pi),
  // tau_peak = n D 4 pi/M^2. Absorbed fraction = phi(E_res) int (1 - e^-tau) dE = phi(E_res) 2 sqrt(pi
  // tau_peak) gamma for tau_peak >> 1: proportional to g^2, although the peak is independent of g.
  for (double lg : {-7.0, -6.0}) {
    CAPTURE(lg);
    const auto s = setup_at(-3.5, lg);
    const auto r = nusi::propagate_energy(s, paper_spectrum, with_bins(200));
    const double pi = 3.14159265358979323846, M = s.med.mass_MeV, g = s.med.coupling;
    const double E_res = M * M / (2 * s.relic.mass_MeV);
    const double tau_peak = s.relic.target_density_per_cm3() * s.distance_cm * nusi::per_MeV2_to_cm2(4 * pi / (M * M));
    const double width = 2 * std::sqrt(pi * tau_peak) * E_res * g * g / (4 * pi);
    // Resolved with 4 nodes per core half-width: ~1e-3; continuum scatterings are ~g^4 1e9 ~ 1e-15.
    CHECK(r.mean_scatterings == rel(paper_spectrum.probability_density_per_MeV(E_res) * width, 5e-3));
  }
}

TEST_CASE("F exceeds its no-interaction value at small g: up-scattered relic neutrinos add counts") {
  const auto r = nusi::propagate_energy(setup_at(-3.0, -3.0), paper_spectrum, with_bins(200));
  CHECK(r.fraction_above_threshold.value > r.emitted_fraction_above_threshold);
}

TEST_CASE("F is independent of M for M far below sqrt(s) and depends on g only through g^4 D") {
  const auto o = with_bins(200);
  // sigma = g^4/(4 pi s) (1 + O(M^2/s)); s >= 5e-7 MeV^2 above threshold, so M = 1e-8, 1e-7 MeV
  // change sigma by <= 2e-8 and F by ~ln(1/F) times that.
  const double F8 = nusi::fraction_above_threshold(setup_at(-8.0, -1.97), paper_spectrum, o).value;
  const double F7 = nusi::fraction_above_threshold(setup_at(-7.0, -1.97), paper_spectrum, o).value;
  CHECK(F7 == rel(F8, 1e-6));
  // The rates scale as g^4 (the width term M^2 Gamma^2 is ~1e-28 g^4 of s^2 here).
  const auto s1 = setup_at(-7.0, -2.5), s2 = setup_at(-7.0, -2.5 + std::log10(2.0));
  const nusi::energy_grid<double> g = nusi::make_energy_grid(s1, o.energy);
  const nusi::energy_kernel<double> k1(s1, g), k2(s2, g);
  for (std::size_t j = 0; j < k1.nodes(); ++j) CHECK(k2.rate_per_cm(j) == rel(16 * k1.rate_per_cm(j), 1e-12));
  // Hence the solution depends on n g^4 D only: (g, D) and (2^{1/4} g, D/2) give the same F.
  auto s3 = setup_at(-7.0, -1.97), s4 = setup_at(-7.0, -1.97 + std::log10(2.0) / 4);
  s4.distance_cm = s3.distance_cm / 2;
  CHECK(nusi::fraction_above_threshold(s4, paper_spectrum, o).value ==
        rel(nusi::fraction_above_threshold(s3, paper_spectrum, o).value, 1e-10));
  // Dirac targets (half the density) at twice the distance: the same column, the same F.
  auto s5 = s3;
  s5.relic.nature = nusi::neutrino_nature::dirac;
  s5.distance_cm = 2 * s3.distance_cm;
  CHECK(nusi::fraction_above_threshold(s5, paper_spectrum, o).value ==
        rel(nusi::fraction_above_threshold(s3, paper_spectrum, o).value, 1e-12));
}

TEST_CASE("F from the truncated above-threshold system equals F from the full system") {
  const auto s = setup_at(-3.5, -1.98);
  const auto full = nusi::propagate_energy(s, paper_spectrum, with_bins(300));
  const auto trunc = nusi::fraction_above_threshold(s, paper_spectrum, with_bins(300));
  // Same nodes, same arithmetic above threshold; only the contour's rounding differs.
  CHECK(trunc.value == rel(full.fraction_above_threshold.value, 1e-11));
  CHECK_FALSE(trunc.is_upper_limit);
}

TEST_CASE("F converges at second order in the energy spacing") {
  const auto s = setup_at(-3.5, -1.98);  // near the bound: F ~ 0.01
  double F[4];
  const std::size_t bins[4] = {100, 200, 400, 800};
  for (int i = 0; i < 4; ++i) F[i] = nusi::fraction_above_threshold(s, paper_spectrum, with_bins(bins[i])).value;
  const double d1 = F[1] - F[0], d2 = F[2] - F[1], d3 = F[3] - F[2];
  CAPTURE(d1);
  CAPTURE(d2);
  CAPTURE(d3);
  // Halving the log spacing divides the change by ~4 (second order; 3.5-4.5 allows for the
  // refinement-free grid shift of the ends by less than one spacing).
  CHECK(d1 / d2 > 3.5);
  CHECK(d1 / d2 < 4.5);
  CHECK(d2 / d3 > 3.5);
  CHECK(d2 / d3 < 4.5);
}

TEST_CASE("F with its grid error: the extrapolation from a coarse grid lands on a much finer grid's F") {
  // The Fig. 3 point (F ~ 4e-11, where e^-tau magnifies rate errors: the coarse grid is 35 % off) and a
  // point near the bound. Reference: 16x the coarse nodes, itself within ~(1/256) of the coarse error.
  for (auto [lm, lg] : {std::pair{-3.5, -1.75}, std::pair{-3.5, -1.98}}) {
    CAPTURE(lm);
    CAPTURE(lg);
    const auto s = setup_at(lm, lg);
    auto o = with_bins(100);
    const auto c = nusi::fraction_above_threshold_converged(s, paper_spectrum, o, 3);
    CHECK(c.grid_bins == 100);
    CHECK(c.finest_bins == 800);
    CHECK_FALSE(c.is_upper_limit);
    CHECK(c.on_grid.value == nusi::fraction_above_threshold(s, paper_spectrum, o).value);
    const double reference = nusi::fraction_above_threshold(s, paper_spectrum, with_bins(12800)).value;
    CAPTURE(c.value);
    CAPTURE(c.error);
    CAPTURE(reference);
    // The reference's own error is ~|F_100 - F_inf|/4^7 ~ 2e-5 of F at most; the extrapolation's is
    // estimated by c.error: allow 3 c.error plus that.
    CHECK(std::abs(c.value - reference) <= 3 * c.error + 2e-5 * reference);
    CHECK(c.error < 0.1 * std::abs(c.grid_error()));  // the extrapolation removes most of the coarse grid's error
    CHECK(c.grid_error() == rel(c.on_grid.value - reference, 0.05));
  }
  CHECK_THROWS_WITH_AS(nusi::fraction_above_threshold_converged(setup_at(-3.5, -2.0), paper_spectrum, with_bins(100), 1),
                       doctest::Contains("doublings"), nusi::invalid_argument);
}

TEST_CASE("F converges under local refinement around a narrow resonance") {
  // M = 10^-2.7 MeV: E_res = 40 MeV; g = 10^-3.2: opaque core ~0.7% of E_res, narrower than a bin.
  const auto s = setup_at(-2.7, -3.2);
  std::vector<double> F;
  for (double nodes_per_core : {0.0, 1.0, 2.0, 4.0, 8.0, 16.0}) {
    auto o = with_bins(400);
    o.energy.resonance_nodes_per_core = nodes_per_core;
    F.push_back(nusi::fraction_above_threshold(s, paper_spectrum, o).value);
  }
  // Successive refinements change F less and less; the unrefined grid (bin-averaged line over a
  // whole bin) is off by far more than the refined ones differ (it over-absorbs that bin).
  for (std::size_t i = 2; i + 1 < F.size(); ++i) {
    CAPTURE(i);
    CHECK(std::abs(F[i + 1] - F[i]) < std::abs(F[i] - F[i - 1]));
  }
  CHECK(std::abs(F[0] - F[5]) > 100 * std::abs(F[5] - F[4]));
}

TEST_CASE("the energy-angle solve has the energy-only solve as its marginal and closes its budgets") {
  const auto s = setup_at(-3.5, -2.0);
  auto o = with_bins(100);
  o.angle.bins = 48;
  const auto ea = nusi::propagate_energy_angle(s, paper_spectrum, o);
  const auto e = nusi::propagate_energy(s, paper_spectrum, o);
  CHECK(std::abs(ea.energy.energy_budget_relative_error()) < 1e-12);
  CHECK(std::abs(ea.energy.number_budget_relative_error()) < 1e-13);
  // The only difference is the path factor 1/cos theta of deflected neutrinos: a neutrino above 5 MeV
  // has turned by < ~1e-3 rad (theta~^2 ~ 2 m_nu (1/E_f - 1/E_i) per scattering), so 1/cos - 1 < 1e-6.
  CHECK(ea.energy.fraction_above_threshold.value == rel(e.fraction_above_threshold.value, 1e-5));
  CHECK(ea.mean_angle_above_threshold_rad > 0.0);
  CHECK(ea.mean_angle_above_threshold_rad < 1e-3);
  double sum = 0;
  for (double v : ea.angular_distribution(false)) sum += v;
  double marginal = 0;
  for (double v : ea.energy.at_earth) marginal += v;
  CHECK(sum == rel(marginal, 1e-12));
}

TEST_CASE("the energy-angle map has no negative density once below-noise values are cleared") {
  // Paper Fig. 3 point, down to 1e-5 MeV and 1 rad: components deep in the cascade are ~1e-160,
  // where the contour's error is set by the largest components feeding them (apply_cascade_floor).
  auto o = with_bins(48);
  o.energy.min_energy_MeV = 1e-5;
  o.angle.bins = 24;
  o.angle.max_angle_rad = 1.0;
  const auto ea = nusi::propagate_energy_angle(setup_at(-3.5, -1.75), paper_spectrum, o);
  for (std::size_t c = 0; c < ea.at_earth.size(); ++c) {
    CAPTURE(c);
    CHECK(ea.at_earth[c] >= 0.0);
  }
  CHECK(std::abs(ea.energy.energy_budget_relative_error()) < 1e-12);
  // Deflections grow as the energy falls (paper Fig. 3): theta~ ~ sqrt(2 m_nu/E) per scattering, so
  // the mean angle at 1e-5 MeV is well above that at 0.01 MeV (sqrt(1000) ~ 30 for one scattering).
  const std::size_t A = ea.angle_rad.size();
  auto mean_angle = [&](std::size_t j) {
    double n = 0, w = 0;
    for (std::size_t a = 0; a < A; ++a) {
      n += ea.at_earth[j * A + a];
      w += ea.at_earth[j * A + a] * ea.angle_rad[a];
    }
    return w / n;
  };
  const std::size_t j1 = nusi::energy_grid<double>(o.energy, 5.0).bin_of(0.01);
  CHECK(mean_angle(0) > 5 * mean_angle(j1));
}

TEST_CASE("single-scattering deflections match the planar-model integral over the emission") {
  // Optically thin (tau ~ 1e-5 at 15 MeV): neutrinos at E that scattered did so once, from E_i > E,
  // turned by theta~(E_i, E). The angle-weighted density at E is then, to first order in tau,
  //   D n int_E^inf phi(E_i) sigma(E_i) 2/(E_i - E_f,min) theta~(E_i, E) dE_i.
  const auto s = setup_at(-6.0, -3.6);
  auto o = with_bins(400);
  o.angle.bins = 96;
  // From theta = 0 every angle model turns a product to theta~ (angle_model.hpp): at first order they
  // coincide; the additive one is the cheapest (tests/test_angle_models.cpp compares the models).
  o.deflections = nusi::angle_model::paper_eq8_additive;
  const auto ea = nusi::propagate_energy_angle(s, paper_spectrum, o);
  const auto bw = s.cross_section();
  const double column = s.relic.target_density_per_cm3() * s.distance_cm;
  const std::size_t A = ea.angle_rad.size();
  for (double E : {0.1, 1.0, 3.0, 10.0}) {
    CAPTURE(E);
    const std::size_t j = nusi::energy_grid<double>(o.energy, s.threshold_MeV).bin_of(E);
    const double Ej = ea.energy.energy_MeV[j];
    double grid = 0;
    for (std::size_t a = 0; a < A; ++a) grid += ea.at_earth[j * A + a] * ea.angle_rad[a];
    grid /= ea.energy.bin_width_MeV[j];
    auto integrand = [&](double Ei) {
      const double theta = bw.deflection_angle_rad(Ei, Ej);
      return paper_spectrum.probability_density_per_MeV(Ei) * bw.sigma_total_cm2(Ei) * 2 /
             (Ei - bw.min_final_energy_MeV(Ei)) * theta;
    };
    const double exact = column * boost::math::quadrature::gauss_kronrod<double, 61>::integrate(integrand, Ej, 250.0, 15, 1e-10);
    // Grid: bin-averaged rates, nodes for E_i, hat centroids for theta~: O(spacing^2) ~ 1e-4 here;
    // second order in tau: ~5e-4 at 0.1 MeV (it scales as g^4: 8e-3 at log10 g = -3.3).
    CHECK(grid == rel(exact, 2e-3));
  }
}

TEST_CASE("the transport's spectrum at Earth as a binned_spectrum: normalisation per emitted neutrino") {
  const auto emission = nusi::pinched_spectrum<double>::paper_default();
  const auto weak = nusi::propagate_energy(setup_at(-6, -6), emission);
  const auto spectrum = nusi::binned_spectrum_at_earth(weak);
  // Number at Earth = number on the nodes (underflow excluded); 1 to the grid's coverage of the
  // spectrum (0.01-200 MeV, ~1e-6 below 0.01 MeV) without interactions.
  CHECK(spectrum.total_per_primary() == doctest::Approx(weak.number_at_earth - weak.underflow_number).epsilon(1e-12));
  CHECK(spectrum.total_per_primary() == doctest::Approx(1.0).epsilon(1e-5));
  // The expected K-II count from it equals the pinched spectrum's (second order in the 2.5% spacing).
  const nusi::detector_response<double> k2(nusi::kamiokande_ii<double>());
  const nusi::supernova_emission<double> sn{};
  CHECK(k2.expected_events(spectrum, sn.number_per_cm2()) ==
        doctest::Approx(k2.expected_events(sn.spectrum(), sn.number_per_cm2())).epsilon(1e-3));
  // With interactions the number grows by one per scattering (up-scattered relic neutrinos).
  const auto strong = nusi::propagate_energy(setup_at(-6, -2.2), emission);
  CHECK(nusi::binned_spectrum_at_earth(strong).total_per_primary() > 1.5);
}

TEST_CASE("propagation rejects bad input with the parameter's name") {
  using nusi::invalid_argument;
  auto s = setup_at(-3.5, -2.0);
  s.distance_cm = -1;
  CHECK_THROWS_WITH_AS(nusi::propagate_energy(s, paper_spectrum), doctest::Contains("distance_cm"), invalid_argument);
  s = setup_at(-3.5, -2.0);
  s.threshold_MeV = 1e3;
  CHECK_THROWS_WITH_AS(nusi::fraction_above_threshold(s, paper_spectrum), doctest::Contains("threshold_MeV"),
                       invalid_argument);
  s = setup_at(-3.5, -2.0);
  s.exclusion_level = 0;
  CHECK_THROWS_WITH_AS(nusi::propagate_energy(s, paper_spectrum), doctest::Contains("exclusion_level"), invalid_argument);
  s = setup_at(-3.5, -2.0);
  s.relic.total_density_per_cm3 = 0;
  CHECK_THROWS_WITH_AS(nusi::propagate_energy_angle(s, paper_spectrum), doctest::Contains("relic.total_density_per_cm3"),
                       invalid_argument);
  auto o = with_bins(100);
  o.talbot_nodes = 3;
  CHECK_THROWS_WITH_AS(nusi::propagate_energy(setup_at(-3.5, -2.0), paper_spectrum, o), doctest::Contains("nodes"),
                       invalid_argument);
  o = with_bins(100);
  o.method = nusi::transport_method::odeint;
  o.odeint_rel_tol = 0;
  CHECK_THROWS_WITH_AS(nusi::propagate_energy(setup_at(-3.5, -2.0), paper_spectrum, o), doctest::Contains("odeint_rel_tol"),
                       invalid_argument);
}

TEST_CASE_TEMPLATE("the transport works in float, double and long double with budgets closed to rounding", Real, float,
                   double, long double) {
  nusi::propagation_setup<Real> s;
  s.med.mass_MeV = std::pow(Real(10), Real(-3.5));
  s.med.coupling = std::pow(Real(10), Real(-2));
  nusi::transport_options<Real> o;
  o.energy.bins = 100;
  const auto r = nusi::propagate_energy(s, nusi::pinched_spectrum<Real>::paper_default(), o);
  const Real eps = std::numeric_limits<Real>::epsilon();
  // Rounding of ~1e3 scatterings per neutrino through the contour: a few hundred eps.
  CHECK(std::abs(r.energy_budget_relative_error()) < 1000 * eps);
  CHECK(std::abs(r.number_budget_relative_error()) < 1000 * eps);
  // Same F as in double (~0.02 on this grid) up to the coarser type's rounding amplified by ~1/F,
  // or the double reference's own (~1e-14 of O(1) terms, relative to F ~ 0.02). (For Real = double
  // this would compare the double result with itself.)
  if constexpr (!std::is_same_v<Real, double>) {
    const auto d = nusi::propagate_energy(setup_at(-3.5, -2.0), paper_spectrum, with_bins(100));
    CHECK(static_cast<double>(r.fraction_above_threshold.value) ==
          rel(d.fraction_above_threshold.value, std::max(1e-10, 1e4 * static_cast<double>(eps))));
  }
}

}  // namespace nusi_test_transport
