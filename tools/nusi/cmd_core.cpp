// SPDX-License-Identifier: MIT
// nusi core: the supernova-core bound of paper Sec. III at one mediator mass, with the random walk's
// intermediate numbers (T, n_nu, <sigma_nuN>, lambda, N_nuN, d, N_2to4) for checking by hand.
#include <cmath>
#include <iostream>

#include <nusi/core_bound.hpp>

#include "flags.hpp"
#include "output.hpp"

namespace {
struct core_command {
  double log10_mass_MeV = 0;  // M = 1 MeV: the flat part of the bound
  nusi_tool::core_flags core;

  void declare(nusi_tool::command& c) {
    c.details("Supernova-core bound of paper Sec. III (Eqs. 2-3, 6-7): g_core(M) = N_2to4(g = 1, M)^(-1/8).");
    c.number("--log10-mass-MeV", log10_mass_MeV, "log10 of the mediator mass M/MeV");
    core.declare(c, false);
    c.output_formats("print one JSON object", "print a CSV header and one row");
  }

  int run(const nusi_tool::command& c) {
    (void)c.format();  // --json with --csv: an error before any work
    const nusi::core_inputs<double> in = core.inputs(c);
    nusi_tool::require_in_range("--log10-mass-MeV", log10_mass_MeV, nusi::lowest_log10_mass_MeV<double>,
                                nusi::highest_log10_mass_MeV<double>);
    const double mass = std::pow(10.0, log10_mass_MeV);
    const auto b = nusi::core_bound(nusi::make_core_walk(in, core.profile), mass, in);

    const std::string profile_text = core.profile.empty() ? "power_law" : core.profile;
    const nusi_tool::json o{{"log10_mass_MeV", log10_mass_MeV},
                            {"mass_MeV", mass},
                            {"preset", core.preset},
                            {"case", core.case_name},
                            {"profile", profile_text},
                            {"R_min_cm", in.R_min_cm},
                            {"R_max_cm", in.R_max_cm},
                            {"kappa", in.kappa},
                            {"temperature_MeV", b.state_at_R_min.temperature_MeV},
                            {"mean_energy_MeV", b.state_at_R_min.mean_energy_MeV},
                            {"E_cm_convention", core.E_cm_convention},
                            {"E_cm_MeV", b.E_cm_at_R_min_MeV()},
                            {"neutrino_density_per_cm3", b.neutrino_density_at_R_min_per_cm3},
                            {"sigma_nuN_averaged_cm2", b.averaged_cross_section_at_R_min_cm2},
                            {"mean_free_path_R_min_cm", b.walk.mean_free_path_at_R_min_cm},
                            {"N_nuN", b.walk.scatterings.value},
                            {"N_nuN_error", b.walk.scatterings.error},
                            {"path_length_cm", b.walk.path_length_cm.value},
                            {"path_length_error_cm", b.walk.path_length_cm.error},
                            {"paper_path_length_cm", b.walk.paper_path_length_cm()},
                            {"neutrino_column_per_cm2", b.walk.neutrino_column_per_cm2.value},
                            {"N_2to4_at_g1", b.N_2to4_at_g1.value},
                            {"N_2to4_at_g1_error", b.N_2to4_at_g1.error},
                            {"log10_g_bound", b.log10_coupling_bound},
                            {"paper_log10_g_bound", nusi::paper_log10_core_bound<double>}};
    if (c.print_structured(o)) return 0;
    using nusi_tool::print_row;
    std::cout << "# nusi core: case " << core.case_name << ", preset " << core.preset << ", profile " << profile_text
              << " (values at R_min where they vary)\n";
    print_row("mediator mass M", mass, "MeV");
    print_row("R_min", in.R_min_cm, "cm");
    print_row("R_max", in.R_max_cm, "cm");
    print_row("temperature T", b.state_at_R_min.temperature_MeV, "MeV");
    print_row("mean energy <E>", b.state_at_R_min.mean_energy_MeV, "MeV");
    print_row(core.E_cm_convention == "head_on" ? "E_cm = 2<E> (head_on)" : "E_cm = sqrt(2)<E> (isotropic_mean_s)", b.E_cm_at_R_min_MeV(),
              "MeV");
    print_row("neutrino density n_nu", b.neutrino_density_at_R_min_per_cm3, "cm^-3");
    print_row("<sigma_nuN>", b.averaged_cross_section_at_R_min_cm2, "cm^2");
    print_row("mean free path lambda(R_min)", b.walk.mean_free_path_at_R_min_cm, "cm");
    print_row("N_nuN = int r dr/lambda^2", b.walk.scatterings.value);
    print_row("path length d = int r dr/lambda", b.walk.path_length_cm.value, "cm");
    print_row("paper's d = lambda(R_min) N_nuN", b.walk.paper_path_length_cm(), "cm");
    print_row("N_2to4 at g = 1 (Eq. 7)", b.N_2to4_at_g1.value);
    print_row("log10 g_core (N_2to4 = 1)", b.log10_coupling_bound);
    print_row("paper's quoted log10 g_core", nusi::paper_log10_core_bound<double>);
    return 0;
  }
};
const nusi_tool::registrar<core_command> registered_core("core", "supernova-core bound g_core(M) of Sec. III (random walk, Eq. 7)");
}  // namespace
