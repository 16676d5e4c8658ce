// SPDX-License-Identifier: MIT
// The Monte Carlo of mass states (include/nusi/mass_state_monte_carlo.hpp) as the independent check of the grid
// transport: fractions by flavour for both orderings, a single-flavour coupling, both mediators and Dirac neutrinos;
// its energy budget; and its rejections. Thermal relics: test_mass_state_monte_carlo_thermal.cpp.
#include <cmath>
#include <vector>

#include <doctest/doctest.h>

#include <nusi/mass_state_monte_carlo.hpp>
#include <nusi/transport/mass_state_propagate.hpp>

#include "test_support.hpp"

namespace nusi_test_mass_state_monte_carlo {  // this file's own: the suite compiles in batches of files (tests/CMakeLists.txt)

namespace {
using emission_t = nusi::flavour_emission<double, nusi::pinched_spectrum<double>>;
const std::vector<emission_t> anti_e{{nusi::flavour::e, true, nusi::pinched_spectrum<double>::paper_default(), 1.0}};

struct case_t {
  const char* name;
  double log10_M, log10_g;
  nusi::mass_ordering ordering;
  nusi::mediator_kind kind;
  bool tau_only;
  nusi::neutrino_nature nature;
};
nusi::mass_state_setup<double> setup_for(const case_t& c) {
  nusi::mass_state_setup<double> s;
  s.interaction.med = {.mass_MeV = std::pow(10.0, c.log10_M), .coupling = std::pow(10.0, c.log10_g), .kind = c.kind};
  s.interaction.nature = c.nature;
  if (c.tau_only) s.interaction.pattern = nusi::flavour_coupling_pattern<double>::single(nusi::flavour::tau);
  s.spectrum.ordering = c.ordering;
  s.spectrum.lightest_mass_eV = 0.05;  // every state at rest (p_rms/m <= 0.012)
  s.relic.kinematics = nusi::relic_kinematics::at_rest;
  return s;
}
}  // namespace

TEST_CASE("mass-state grid and Monte Carlo agree by flavour: both orderings, one coupled flavour, both mediators, Dirac") {
  // M = 10^-3.2 MeV puts the resonances of the three states at 0.06-0.4 MeV (below threshold): the t/u channels and the
  // s-channel's wing shape F; couplings give F 10-25% below its unscattered value.
  const case_t cases[] = {
      {"normal, scalar", -3.2, -2.6, nusi::mass_ordering::normal, nusi::mediator_kind::scalar, false, nusi::neutrino_nature::majorana},
      {"inverted, scalar", -3.2, -2.6, nusi::mass_ordering::inverted, nusi::mediator_kind::scalar, false, nusi::neutrino_nature::majorana},
      {"tau only", -3.2, -2.4, nusi::mass_ordering::normal, nusi::mediator_kind::scalar, true, nusi::neutrino_nature::majorana},
      {"vector", -3.2, -2.9, nusi::mass_ordering::normal, nusi::mediator_kind::vector, false, nusi::neutrino_nature::majorana},
      {"Dirac scalar", -3.2, -2.5, nusi::mass_ordering::normal, nusi::mediator_kind::scalar, false, nusi::neutrino_nature::dirac},
  };
  for (const auto& c : cases) {
    CAPTURE(c.name);
    const nusi::mass_state_model<double> model(setup_for(c));
    const auto grid = nusi::mass_state_fractions_above_threshold<double, nusi::pinched_spectrum<double>>(model, anti_e);
    nusi::mass_state_monte_carlo_options o;
    o.primaries = 30000;
    o.seed = 2024;
    const auto mc = nusi::mass_state_monte_carlo<double, nusi::pinched_spectrum<double>>(model, anti_e, o);
    // The interactions matter: the detected fraction is many Monte Carlo errors below the unscattered one.
    CHECK(grid.unscattered - mc.detected.value > 10 * mc.detected.error);
    // 4 sigma (a false alarm ~6e-5 per check) plus 0.3% for the grid: F converges at second order and the 400-node
    // grid is within ~0.1-0.3% of its limit (docs/validation.md); the two differ by m-scale kinematics (1e-8).
    for (std::size_t f = 0; f < 3; ++f) {
      CAPTURE(f);
      CHECK(std::abs(grid.by_flavour[f].value - mc.by_flavour[f].value) < 4 * mc.by_flavour[f].error + 3e-3 * grid.by_flavour[f].value);
      CHECK(std::abs(grid.by_mass_state[f].value - mc.by_mass_state[f].value) <
            4 * mc.by_mass_state[f].error + 3e-3 * grid.by_mass_state[f].value);
    }
    CHECK(std::abs(grid.all_neutrinos.value - mc.all_neutrinos.value) < 4 * mc.all_neutrinos.error + 3e-3 * grid.all_neutrinos.value);
    // Energy: emitted plus the struck relics' rest energy = arrived plus dropped, per history to rounding.
    CHECK((mc.arrived_MeV + mc.dropped_MeV) == nusi_test::rel(mc.emitted_MeV + mc.relic_rest_MeV, 1e-13));
  }
}

TEST_CASE("the mass-state Monte Carlo rejects bad options by name") {
  // Thermal relics: tests/test_mass_state_monte_carlo_thermal.cpp.
  const nusi::mass_state_model<double> model(setup_for({"", -3.2, -2.6, nusi::mass_ordering::normal, nusi::mediator_kind::scalar,
                                                        false, nusi::neutrino_nature::majorana}));
  nusi::mass_state_monte_carlo_options o;
  o.primaries = 0;
  CHECK_THROWS_WITH_AS((nusi::mass_state_monte_carlo<double, nusi::pinched_spectrum<double>>(model, anti_e, o)),
                       doctest::Contains("primaries"), nusi::invalid_argument);
  o.primaries = 10;
  o.max_scatterings = 0;
  CHECK_THROWS_WITH_AS((nusi::mass_state_monte_carlo<double, nusi::pinched_spectrum<double>>(model, anti_e, o)),
                       doctest::Contains("max_scatterings"), nusi::invalid_argument);
  o.max_scatterings = 1;  // the run needs more
  o.primaries = 1000;
  CHECK_THROWS_AS((nusi::mass_state_monte_carlo<double, nusi::pinched_spectrum<double>>(model, anti_e, o)), nusi::numerical_error);
}

}  // namespace nusi_test_mass_state_monte_carlo
