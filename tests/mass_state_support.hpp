// SPDX-License-Identifier: MIT
// Test helpers for the mass-state model shared by several test files.
#pragma once

#include <cmath>
#include <cstddef>

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

// Near the mass-state bound (M = 10^-3.5 MeV, g = 10^-2.3), all channels: every state thermal (the default, massless
// lightest) or every state at rest with m_lightest = 0.05 eV.
inline nusi::mass_state_setup<double> near_bound_mass_states(bool thermal) {
  nusi::mass_state_setup<double> s;
  s.interaction.med = {.mass_MeV = std::pow(10.0, -3.5), .coupling = std::pow(10.0, -2.3)};
  s.interaction.channels = nusi::channel_set::stu;
  if (!thermal) {
    s.spectrum.lightest_mass_eV = 0.05;
    s.relic.kinematics = nusi::relic_kinematics::at_rest;
  }
  return s;
}

// How many of block B's column sums (S x S, source species major: column sp summed over the products s in order from 0)
// differ from sums[sp], sp < S.
inline std::size_t column_sums_differing(const double* B, std::size_t S, const double* sums) {
  std::size_t differing = 0;
  for (std::size_t sp = 0; sp < S; ++sp) {
    double column = 0;
    for (std::size_t s = 0; s < S; ++s) column += B[sp * S + s];
    if (column != sums[sp]) ++differing;
  }
  return differing;
}

}  // namespace nusi_test
