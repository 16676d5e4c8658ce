// SPDX-License-Identifier: MIT
// One side of bench/compare_in_one_program.sh: one F of the mass-state model (bench_mass_states' setting: three relic
// states, Majorana scalar, s/t/u channels, ν̄_e emitted and detected, M = 10^-3.5 MeV, g = 10^-2.3, 400 energy bins),
// compiled once against each commit's headers. The base side is compiled with -Dnusi=nusi_base and
// -DNUSI_SIDE_FUNCTION=base_fraction, so the two copies of the library live in one program under different names.
#include <cmath>
#include <memory>
#include <vector>

#include <nusi/transport.hpp>
#include <nusi/transport/mass_state_propagate.hpp>

#ifndef NUSI_SIDE_FUNCTION
#define NUSI_SIDE_FUNCTION head_fraction
#endif

// model: 0 thermal relics (the default, m_lightest = 0), 1 every state at rest (m_lightest = 0.05 eV), 2 Dirac
// thermal, 3 thermal with m_lightest = 0.05 eV. The model is built once per kind, the F (grid, kernel, solve) per call.
double NUSI_SIDE_FUNCTION(int model, int threads) {
  using emission = nusi::flavour_emission<double, nusi::pinched_spectrum<double>>;
  static const std::vector<emission> anti_e{{nusi::flavour::e, true, nusi::pinched_spectrum<double>::paper_default(), 1.0}};
  static std::unique_ptr<nusi::mass_state_model<double>> models[4];
  if (!models[model]) {
    nusi::mass_state_setup<double> setup;
    setup.interaction.med = {.mass_MeV = std::pow(10.0, -3.5), .coupling = std::pow(10.0, -2.3)};
    setup.interaction.channels = nusi::channel_set::stu;
    if (model == 1) {
      setup.spectrum.lightest_mass_eV = 0.05;
      setup.relic.kinematics = nusi::relic_kinematics::at_rest;
    }
    if (model == 2) setup.interaction.nature = nusi::neutrino_nature::dirac;
    if (model == 3) setup.spectrum.lightest_mass_eV = 0.05;
    models[model] = std::make_unique<nusi::mass_state_model<double>>(setup);
  }
  nusi::transport_options<double> options;
  options.energy.bins = 400;
  options.threads = static_cast<std::size_t>(threads);
  return nusi::mass_state_fractions_above_threshold<double, nusi::pinched_spectrum<double>>(*models[model], anti_e, options).detected.value;
}
