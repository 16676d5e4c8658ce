// SPDX-License-Identifier: MIT
// The two independent propagation methods agree: the grid transport of paper Eq. (8) (transport/*.hpp:
// binned energies, fixed-pivot kernel, exact exponential) and the Monte Carlo (monte_carlo.hpp:
// continuous energies, exact two-body kinematics, 3D directions). F must agree within the Monte Carlo
// error plus the grid's discretisation error at six (M, g) points spanning F ~ 0.02..1.2, one with the
// resonance E_res = M^2/(2 m_nu) in the middle of the emitted spectrum.
#include <doctest/doctest.h>

#include <cmath>

#include <nusi/monte_carlo.hpp>
#include <nusi/spectra.hpp>
#include <nusi/transport.hpp>

namespace nusi_test_grid_vs_monte_carlo {  // this file's own: the suite compiles in batches of files (tests/CMakeLists.txt)

namespace {
struct point {
  double log10_mass_MeV, log10_g;
};
}  // namespace

TEST_CASE("grid transport and Monte Carlo agree on F within the Monte Carlo error at six (M, g) points") {
  const auto emission = nusi::pinched_spectrum<double>::paper_default();
  // M far below sqrt(s) (flat regime), E_res = 1 MeV, 7.6 MeV and 15 MeV (inside the spectrum: the
  // resonance), and E_res = 100 MeV (above it).
  const point points[] = {{-6.0, -2.2}, {-6.0, -2.0}, {-3.5, -2.2}, {-3.06, -2.4}, {-2.91, -2.2}, {-2.5, -1.6}};
  int resonant_points = 0;
  for (const auto& pt : points) {
    CAPTURE(pt.log10_mass_MeV);
    CAPTURE(pt.log10_g);
    nusi::propagation_setup<double> setup;
    setup.med.mass_MeV = std::pow(10.0, pt.log10_mass_MeV);
    setup.med.coupling = std::pow(10.0, pt.log10_g);
    const double E_res = setup.cross_section().resonance_energy_MeV();
    if (E_res > setup.threshold_MeV && E_res < 30) ++resonant_points;

    const auto grid = nusi::fraction_above_threshold(setup, emission, nusi::transport_options<double>{});
    nusi::monte_carlo_options<double> mc_options;
    mc_options.primaries = 100000;
    mc_options.seed = 20211;
    const auto mc = nusi::monte_carlo_propagation(setup, emission, mc_options);
    CAPTURE(grid.value);
    CAPTURE(mc.fraction_above_threshold);
    CAPTURE(mc.fraction_above_threshold_error);
    REQUIRE_FALSE(grid.is_upper_limit);
    // The test is only meaningful where F is well measured (not far in a tail) ...
    REQUIRE(mc.fraction_above_threshold > 0.01);
    REQUIRE(mc.fraction_above_threshold_error < 0.04 * mc.fraction_above_threshold);
    // ... and where the interactions matter: F differs from its no-interaction value by many sigma.
    CHECK(std::abs(mc.fraction_above_threshold - emission.complementary_probability(setup.threshold_MeV)) >
          10 * mc.fraction_above_threshold_error);
    // 4 sigma of Monte Carlo error (a false alarm ~ 6e-5 per point) plus 0.2% for the grid: F converges at
    // second order in the energy spacing and the 400-node grid is within ~0.1% of its limit
    // (docs/validation.md, Propagation); the two methods also differ by the m_nu-scale kinematics.
    CHECK(std::abs(grid.value - mc.fraction_above_threshold) <
          4 * mc.fraction_above_threshold_error + 2e-3 * grid.value);
  }
  CHECK(resonant_points >= 2);
}

}  // namespace nusi_test_grid_vs_monte_carlo
