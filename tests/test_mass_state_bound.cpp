// SPDX-License-Identifier: MIT
// The propagation bound of the mass-state model (include/nusi/mass_state_bound.hpp): the root is on the falling
// branch at the exclusion level; one coupled Dirac state counting all neutrinos reproduces the paper's bound; g_prop
// scales as (n D)^(-1/4) where every cross section is proportional to g^4; curves do not depend on the thread count.
#include <cmath>
#include <vector>

#include <doctest/doctest.h>

#include <nusi/mass_state_bound.hpp>

#include "mass_state_support.hpp"
#include "test_support.hpp"

namespace nusi_test_mass_state_bound {  // this file's own: the suite compiles in batches of files (tests/CMakeLists.txt)

namespace {
using emission_t = nusi::flavour_emission<double, nusi::pinched_spectrum<double>>;
const std::vector<emission_t> anti_e{{nusi::flavour::e, true, nusi::pinched_spectrum<double>::paper_default(), 1.0}};
nusi::transport_options<double> bins(std::size_t n) {
  nusi::transport_options<double> o;
  o.energy.bins = n;
  return o;
}
}  // namespace

TEST_CASE("mass-state bound: the detected fraction equals the level at the root and exceeds it just below") {
  nusi::mass_state_setup<double> s;
  s.spectrum.lightest_mass_eV = 0.02;  // thermal states (the default)
  nusi::propagation_bound_options<double> o;
  o.transport = bins(80);
  for (double lm : {-5.0, -3.0}) {
    CAPTURE(lm);
    const auto p = nusi::mass_state_propagation_bound<double, nusi::pinched_spectrum<double>>(lm, s, anti_e, o);
    REQUIRE(p.found);
    // TOMS 748 to 1e-6 dex with |d ln F/d ln g| ~ 40: F at the root within 1e-3 of the level.
    CHECK(p.fraction_at_bound == doctest::Approx(s.exclusion_level).epsilon(1e-3));
    auto below = s;
    below.interaction.med = {.mass_MeV = std::pow(10.0, lm), .coupling = std::pow(10.0, p.log10_g_bound - 0.01)};
    const nusi::mass_state_model<double> model(below);
    const auto F = nusi::mass_state_fractions_above_threshold<double, nusi::pinched_spectrum<double>>(model, anti_e, o.transport);
    CHECK(F.detected.value > s.exclusion_level);
  }
}

TEST_CASE("mass-state bound: one coupled Dirac state counting every neutrino gives the paper's bound") {
  nusi::mass_state_setup<double> s = nusi_test::paper_like_mass_states(1e-3, 1e-3);  // M and g: set by the bound's search
  s.detection = nusi::detected_neutrinos::all;
  nusi::propagation_bound_options<double> o;
  o.transport = bins(150);
  o.transport.energy.resonance_nodes_per_core = 0;  // the same grid for both
  for (double lm : {-6.0, -3.0, -2.5}) {
    CAPTURE(lm);
    const auto a = nusi::mass_state_propagation_bound<double, nusi::pinched_spectrum<double>>(lm, s, anti_e, o);
    const auto b = nusi::propagation_bound(lm, nusi::propagation_setup<double>{}, nusi::pinched_spectrum<double>::paper_default(), o);
    REQUIRE(a.found);
    REQUIRE(b.found);
    // F agrees to ~1e-8 (the m^2/s of massless final states), d log10 F/d log10 g ~ 40: the roots agree to the search's
    // 1e-6 dex tolerance.
    CHECK(std::abs(a.log10_g_bound - b.log10_g_bound) < 3e-6);
  }
}

TEST_CASE("mass-state bound: g_prop scales as (n D)^(-1/4) where the cross sections are proportional to g^4") {
  // M = 1e-7 MeV: far below sqrt(s) for every state (m_lightest = 0.03 eV, at rest), so the s channel is
  // g^4/(s ...) (its width, ~g^2, only enters D at (M Gamma/s)^2 ~ 1e-22) and the t/u channels are exactly g^4.
  nusi::mass_state_setup<double> s;
  s.spectrum.lightest_mass_eV = 0.03;
  s.relic.kinematics = nusi::relic_kinematics::at_rest;  // the scaling holds either way; at rest is faster
  nusi::propagation_bound_options<double> o;
  o.transport = bins(100);
  const auto a = nusi::mass_state_propagation_bound<double, nusi::pinched_spectrum<double>>(-7.0, s, anti_e, o);
  s.distance_cm /= 16;
  const auto b = nusi::mass_state_propagation_bound<double, nusi::pinched_spectrum<double>>(-7.0, s, anti_e, o);
  REQUIRE(a.found);
  REQUIRE(b.found);
  CHECK(b.log10_g_bound - a.log10_g_bound == doctest::Approx(std::log10(2.0)).epsilon(1e-5));  // 2 x 1e-6 dex tolerances
}

TEST_CASE("mass-state bound curves are the same for 1 and 2 threads, and bad ranges are rejected by name") {
  nusi::mass_state_setup<double> s;
  s.spectrum.lightest_mass_eV = 0.05;
  s.relic.kinematics = nusi::relic_kinematics::at_rest;
  nusi::propagation_bound_options<double> o;
  o.transport = bins(80);
  o.threads = 1;
  const auto one = nusi::mass_state_propagation_bound_curve<double, nusi::pinched_spectrum<double>>(-6.0, -4.0, 1.0, s, anti_e, o);
  o.threads = 2;
  const auto two = nusi::mass_state_propagation_bound_curve<double, nusi::pinched_spectrum<double>>(-6.0, -4.0, 1.0, s, anti_e, o);
  REQUIRE(one.size() == 3);
  for (std::size_t k = 0; k < one.size(); ++k) CHECK(one[k].log10_g_bound == two[k].log10_g_bound);  // bit for bit
  CHECK_THROWS_WITH_AS((nusi::mass_state_propagation_bound_curve<double, nusi::pinched_spectrum<double>>(-4.0, -6.0, 1.0, s, anti_e, o)),
                       doctest::Contains("from_log10_mass_MeV"), nusi::invalid_argument);
  CHECK_THROWS_WITH_AS((nusi::mass_state_propagation_bound<double, nusi::pinched_spectrum<double>>(40.0, s, anti_e, o)),
                       doctest::Contains("log10_mass_MeV"), nusi::invalid_argument);
}

TEST_CASE("the bound figure's table holds the paper preset and one curve per spec") {
  nusi::mass_state_setup<double> s;
  nusi::propagation_bound_options<double> o;
  o.transport = bins(60);
  o.threads = 2;
  const std::vector<nusi::mass_state_bound_curve_spec<double>> specs{
      {nusi::mass_ordering::normal, 0.05, nusi::mediator_kind::scalar},
      {nusi::mass_ordering::inverted, 0.05, nusi::mediator_kind::vector}};
  const auto t = nusi::mass_state_bound_figure_table(-6.0, -5.0, 1.0, s, nusi::propagation_setup<double>{},
                                                     nusi::pinched_spectrum<double>::paper_default(), specs, o);
  REQUIRE(t.log10_mass_MeV.size() == 2);
  REQUIRE(t.curves.size() == 2);
  const auto paper = nusi::propagation_bound(-6.0, nusi::propagation_setup<double>{}, nusi::pinched_spectrum<double>::paper_default(), o);
  CHECK(t.paper[0].log10_g_bound == paper.log10_g_bound);  // the same computation
  CHECK(t.specs[1].label() == "inverted, m_lightest = 0.05 eV, vector");
  for (const auto& curve : t.curves)
    for (const auto& p : curve) CHECK(p.found);
}

}  // namespace nusi_test_mass_state_bound
