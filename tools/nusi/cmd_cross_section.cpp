// SPDX-License-Identifier: MIT
// nusi cross-section: the paper's cross sections (Eqs. 2-5) at one point, for checking by hand.
#include <nusi/cross_sections.hpp>
#include <nusi/detection/event_rates.hpp>

#include "flags.hpp"
#include "output.hpp"

namespace {
struct cross_section_command {
  nusi_tool::mediator_flags mediator;
  double energy_MeV = nusi::supernova_emission<double>{}.mean_energy_MeV;  // the emitted <E>
  double relic_mass_eV = nusi_tool::propagation_flags{}.relic_mass_eV;
  double kappa = nusi::default_kappa<double>;

  void declare(nusi_tool::command& c) {
    mediator.declare(c);
    c.number("--energy-MeV", energy_MeV, "supernova-neutrino energy E_i; E_cm = 2 E_i for 2nu->4nu", "MeV");
    c.number("--relic-mass-eV", relic_mass_eV, "relic-neutrino mass m_nu", "eV");
    c.number("--kappa", kappa, "phase-space factor per final-state particle in Eqs. (2)-(3)");
    c.output_formats("print one JSON object", "print a CSV header and one row");
  }

  int run(const nusi_tool::command& c) const {
    nusi_tool::require_positive("--energy-MeV", energy_MeV);
    const nusi::mediator<double> med = mediator.mediator();
    const nusi::s_channel_breit_wigner<double> bw(med, nusi::eV(relic_mass_eV));
    const double s2to4 = nusi::sigma_2to4_cm2(2 * energy_MeV, med, kappa);
    const nusi_tool::json o{{"mass_MeV", med.mass_MeV},
                            {"coupling", med.coupling},
                            {"energy_MeV", energy_MeV},
                            {"width_MeV", bw.width_MeV()},
                            {"resonance_energy_MeV", bw.resonance_energy_MeV()},
                            {"sigma_total_cm2", bw.sigma_total_cm2(energy_MeV)},
                            {"dsigma_dEf_cm2_per_MeV", bw.flat_dsigma_dEf_cm2_per_MeV(energy_MeV)},
                            {"min_final_energy_MeV", bw.min_final_energy_MeV(energy_MeV)},
                            {"sigma_2to4_cm2", s2to4}};
    if (c.print_structured(o)) return 0;
    using nusi_tool::print_row;
    print_row("mediator mass M", med.mass_MeV, "MeV");
    print_row("coupling g", med.coupling);
    print_row("width Gamma", bw.width_MeV(), "MeV");
    print_row("resonance energy E_res", bw.resonance_energy_MeV(), "MeV");
    print_row("sigma_tot(E_i) (Eq. 4)", bw.sigma_total_cm2(energy_MeV), "cm^2");
    print_row("dsigma/dE_f(E_i) (Eq. 5)", bw.flat_dsigma_dEf_cm2_per_MeV(energy_MeV), "cm^2/MeV");
    print_row("E_f,min(E_i)", bw.min_final_energy_MeV(energy_MeV), "MeV");
    print_row("sigma_2to4(E_cm = 2 E_i) (Eqs. 2-3)", s2to4, "cm^2");
    return 0;
  }
};
const nusi_tool::registrar<cross_section_command> registered_cross_section("cross-section", "cross sections of Eqs. (2)-(5) at one point");
}  // namespace
