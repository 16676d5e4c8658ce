// SPDX-License-Identifier: MIT
// The time-spread bound (time_spread_bound.hpp): a bracketed root between the unscattered-only root and
// the energy criterion, the energy criterion itself for an infinite window, and rejections by name.
#include <doctest/doctest.h>

#include <cmath>
#include <numbers>

#include <nusi/propagation_bound.hpp>
#include <nusi/time_spread_bound.hpp>

#include "test_support.hpp"

namespace nusi_test_time_spread_bound {  // this file's own: the suite compiles in batches of files (tests/CMakeLists.txt)

namespace {
using nusi_test::setup_at;
}  // namespace

TEST_CASE("time-spread bound: bracketed root, below the energy criterion, above the unscattered-only root") {
  const auto emission = nusi::pinched_spectrum<double>::paper_default();
  nusi::propagation_setup<double> s;
  nusi::time_spread_bound_options<double> o;
  o.window.primaries = 2000;
  const auto b = nusi::time_spread_bound(-6.0, s, emission, o);
  REQUIRE(b.found);
  CHECK(b.at_bound.value <= s.exclusion_level);
  CHECK(b.log10_g_bound >= b.log10_g_unscattered_only);
  CHECK(std::isfinite(b.log10_g_error));
  auto t = setup_at(-6, b.log10_g_bound - o.log10_g_tolerance);
  const nusi::windowed_fraction<double, nusi::pinched_spectrum<double>> F(t, emission, o.window);
  CHECK(F(t.med.coupling).value > s.exclusion_level);  // one tolerance below the bound: not excluded
  // F_0 at the unscattered-only root equals the level (TOMS 748 to tolerance/4 in log10 g, slope ~ -40 per dex).
  CHECK(nusi::unscattered_fraction_above_threshold(setup_at(-6, b.log10_g_unscattered_only), emission) ==
        doctest::Approx(s.exclusion_level).epsilon(0.01));
  // F_window <= F: the time criterion excludes at least what the energy criterion does.
  CHECK(b.log10_g_bound < nusi::propagation_bound(-6.0, s, emission).log10_g_bound);
}

TEST_CASE("time-spread bound with an infinite window is the energy criterion, within its Monte Carlo error") {
  // F_window -> F (every arrival counts): the bound must reproduce the grid's g_prop, an independent solver.
  const auto emission = nusi::pinched_spectrum<double>::paper_default();
  nusi::propagation_setup<double> s;
  nusi::time_spread_bound_options<double> o;
  o.window.primaries = 3000;
  o.window.window_s = 1e30;
  o.bracket_step_dex = 0.05;
  const auto b = nusi::time_spread_bound(-6.0, s, emission, o);
  const auto grid = nusi::propagation_bound(-6.0, s, emission);
  CAPTURE(b.log10_g_bound);
  CAPTURE(b.log10_g_error);
  CAPTURE(grid.log10_g_bound);
  REQUIRE(b.found);
  // 4 MC standard errors plus the grid's discretisation (7e-5 dex) and the bisection tolerance.
  CHECK(std::abs(b.log10_g_bound - grid.log10_g_bound) < 4 * b.log10_g_error + 1e-3);
}

TEST_CASE("the time-spread bound rejects bad input by name") {
  const auto s = setup_at(-6, -2);
  const auto emission = nusi::pinched_spectrum<double>::paper_default();
  using E = nusi::invalid_argument;
  nusi::time_spread_bound_options<double> o;
  CHECK_THROWS_WITH_AS(nusi::time_spread_bound(20.0, s, emission, o), doctest::Contains("log10_mass_MeV"), E);
  o.log10_g_min = 1;
  CHECK_THROWS_WITH_AS(nusi::time_spread_bound(-6.0, s, emission, o), doctest::Contains("log10_g_min"), E);
  o = {};
  o.bracket_step_dex = 0;
  CHECK_THROWS_WITH_AS(nusi::time_spread_bound(-6.0, s, emission, o), doctest::Contains("bracket_step_dex"), E);
}

TEST_CASE("the time-spread search tops out at the perturbative limit g = sqrt(4 pi)") {
  // Independently of the named constant: 4 pi in double, its square root, its log10 (a few ulps).
  const double top = std::log10(std::sqrt(4 * std::numbers::pi));
  CHECK(nusi::time_spread_bound_options<double>{}.log10_g_max == nusi_test::rel(top, 1e-15));
}

}  // namespace nusi_test_time_spread_bound
