// SPDX-License-Identifier: MIT
// Test helpers for the mass-state model shared by several test files.
#pragma once

#include <cmath>

#include <nusi/mass_states/setup.hpp>

namespace nusi_test {

// The paper's relic as a limit of the mass states: one coupled Dirac state (state 1 = nu_e, no mixing), s channel,
// 0.05 eV at rest, 330 cm^-3 per helicity (the uncoupled states do not matter); M [MeV] and g as given.
inline nusi::mass_state_setup<double> paper_like_mass_states(double mass_MeV, double coupling) {
  nusi::mass_state_setup<double> s;
  s.interaction.med = {.mass_MeV = mass_MeV, .coupling = coupling};
  s.interaction.nature = nusi::neutrino_nature::dirac;
  s.interaction.channels = nusi::channel_set::s;
  s.interaction.pattern = nusi::flavour_coupling_pattern<double>::single(nusi::flavour::e);
  s.spectrum.mixing = nusi::mixing_parameters<double>{0, 0, 0, 0, 7.41e-5, 2.507e-3};
  s.spectrum.lightest_mass_eV = 0.05;
  s.relic.density_per_helicity_per_cm3 = 330.0;
  s.relic.kinematics = nusi::relic_kinematics::at_rest;
  return s;
}

}  // namespace nusi_test
