// SPDX-License-Identifier: MIT
// nusi cross-section: the paper's cross sections (Eqs. 2-5) at one point, for checking by hand.
#include <cmath>
#include <iostream>

#include <nusi/cross_sections.hpp>

#include "cli.hpp"
#include "output.hpp"

namespace {
int run(const std::vector<std::string>& args) {
  double log10_mass = -3.5, log10_g = -1.75, energy = 15.0, relic_mass_eV = 0.05, kappa = 1e-2;
  nusi::cli::format_flags format;
  nusi::cli::parser p("cross-section", "Cross sections of paper Eqs. (2)-(5) at one mediator and energy.");
  p.option("--log10-mass-MeV", log10_mass, "log10 of the mediator mass M/MeV");
  p.option("--log10-g", log10_g, "log10 of the coupling g");
  p.option("--energy-MeV", energy, "supernova-neutrino energy E_i; E_cm = 2 E_i for 2nu->4nu", "MeV");
  p.option("--relic-mass-eV", relic_mass_eV, "relic-neutrino mass m_nu", "eV");
  p.option("--kappa", kappa, "phase-space factor per final-state particle in Eqs. (2)-(3)");
  format.declare(p, "print one JSON object", "print a CSV header and one row");
  if (!p.parse(args)) return 0;
  const auto output = format.format();
  if (!(energy > 0)) throw nusi::cli::usage_error("--energy-MeV must be > 0, got " + nusi::cli::number_text(energy));

  const nusi::mediator<double> med{.mass_MeV = std::pow(10.0, log10_mass), .coupling = std::pow(10.0, log10_g)};
  const nusi::s_channel_breit_wigner<double> bw(med, nusi::eV(relic_mass_eV));
  const double s2to4 = nusi::sigma_2to4_cm2(2 * energy, med, kappa);
  nusi::cli::json_object o;
  o.add("mass_MeV", med.mass_MeV).add("coupling", med.coupling).add("energy_MeV", energy);
  o.add("width_MeV", bw.width_MeV()).add("resonance_energy_MeV", bw.resonance_energy_MeV());
  o.add("sigma_total_cm2", bw.sigma_total_cm2(energy));
  o.add("dsigma_dEf_cm2_per_MeV", bw.flat_dsigma_dEf_cm2_per_MeV(energy));
  o.add("min_final_energy_MeV", bw.min_final_energy_MeV(energy));
  o.add("sigma_2to4_cm2", s2to4);
  if (nusi::cli::print_structured(std::cout, o, output)) return 0;
  using nusi::cli::print_row;
  print_row(std::cout, "mediator mass M", med.mass_MeV, "MeV");
  print_row(std::cout, "coupling g", med.coupling);
  print_row(std::cout, "width Gamma", bw.width_MeV(), "MeV");
  print_row(std::cout, "resonance energy E_res", bw.resonance_energy_MeV(), "MeV");
  print_row(std::cout, "sigma_tot(E_i) (Eq. 4)", bw.sigma_total_cm2(energy), "cm^2");
  print_row(std::cout, "dsigma/dE_f(E_i) (Eq. 5)", bw.flat_dsigma_dEf_cm2_per_MeV(energy), "cm^2/MeV");
  print_row(std::cout, "E_f,min(E_i)", bw.min_final_energy_MeV(energy), "MeV");
  print_row(std::cout, "sigma_2to4(E_cm = 2 E_i) (Eqs. 2-3)", s2to4, "cm^2");
  return 0;
}
const nusi::cli::registrar reg("cross-section", "cross sections of Eqs. (2)-(5) at one point", run);
}  // namespace
