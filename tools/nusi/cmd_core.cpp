// SPDX-License-Identifier: MIT
// nusi core: the supernova-core bound of paper Sec. III at one mediator mass, with the random walk's
// intermediate numbers (T, n_nu, <sigma_nuN>, lambda, N_nuN, d, N_2to4) for checking by hand.
#include <cmath>
#include <iostream>
#include <string>
#include <vector>

#include <nusi/core_bound.hpp>

#include "cli.hpp"
#include "output.hpp"

namespace {
void require_positive_flag(const std::string& flag, double value) {
  if (!(value > 0)) throw nusi::cli::usage_error(flag + " must be > 0, got " + nusi::cli::number_text(value));
}

int run(const std::vector<std::string>& args) {
  double log10_mass = 0, R_min_km = 15, R_max_km = 45, mean_energy = 30, kappa = 1e-2;
  double rho_ref = 1e14, r_ref_km = 15, power_index = 3, paper_density = 1e38;
  std::string preset = "fermi_dirac", case_text = "default", profile_path;
  nusi::cli::format_flags format;
  nusi::cli::parser p("core", "Supernova-core bound of paper Sec. III (Eqs. 2-3, 6-7): g_core(M) = N_2to4(g = 1, M)^(-1/8).");
  p.option("--log10-mass-MeV", log10_mass, "log10 of the mediator mass M/MeV");
  p.option("--preset", preset, "neutrino density: six-species Fermi-Dirac at T = <E>/3.1514, or the paper's 1e38 cm^-3",
           {"fermi_dirac", "paper_quoted"});
  p.option("--case", case_text, "the paper's case: default (R_min 15 km, <E> 30 MeV) or conservative (30 km, 15 MeV)",
           {"default", "conservative"});
  p.option("--profile", profile_path,
           "CSV profile (radius_km, density_g_per_cm3, temperature_MeV) instead of the power law");
  p.option("--R-min-km", R_min_km, "inner radius of the decoupling region; conservative case: 30", "km");
  p.option("--R-max-km", R_max_km, "outer radius of the decoupling region", "km");
  p.option("--mean-energy-MeV", mean_energy, "mean neutrino energy <E>, E_cm = 2<E>; conservative case: 15", "MeV");
  p.option("--kappa", kappa, "phase-space factor per final-state particle in Eqs. (2)-(3)");
  p.option("--rho-ref-g-cm3", rho_ref, "power law: mass density at --r-ref-km (= R_min of the default case)", "g/cm^3");
  p.option("--r-ref-km", r_ref_km, "power law: radius where the density is --rho-ref-g-cm3", "km");
  p.option("--power-index", power_index, "power law: n_N ~ r^-power_index");
  p.option("--paper-density-cm3", paper_density, "n_nu of the paper_quoted preset", "cm^-3");
  format.declare(p, "print one JSON object", "print a CSV header and one row");
  if (!p.parse(args)) return 0;
  const auto output = format.format();

  const bool conservative = case_text == "conservative";
  if (conservative && !p.was_set("--R-min-km")) R_min_km = 30;
  if (conservative && !p.was_set("--mean-energy-MeV")) mean_energy = 15;
  require_positive_flag("--R-min-km", R_min_km);
  require_positive_flag("--R-max-km", R_max_km);
  if (!(R_min_km < R_max_km)) {
    std::string msg = "--R-min-km (";
    msg += nusi::cli::number_text(R_min_km);
    msg += ") must be < --R-max-km (";
    msg += nusi::cli::number_text(R_max_km);
    msg += ")";
    throw nusi::cli::usage_error(msg);
  }
  require_positive_flag("--mean-energy-MeV", mean_energy);
  require_positive_flag("--kappa", kappa);
  require_positive_flag("--rho-ref-g-cm3", rho_ref);
  require_positive_flag("--r-ref-km", r_ref_km);
  require_positive_flag("--paper-density-cm3", paper_density);
  if (!profile_path.empty())
    for (const char* flag : {"--mean-energy-MeV", "--rho-ref-g-cm3", "--r-ref-km", "--power-index"})
      if (p.was_set(flag))
        throw nusi::cli::usage_error(std::string(flag) + " describes the power law and cannot be combined with --profile");

  nusi::core_inputs<double> in;
  in.preset = preset == "paper_quoted" ? nusi::neutrino_density_preset::paper_quoted
                                       : nusi::neutrino_density_preset::fermi_dirac;
  in.R_min_cm = nusi::km(R_min_km);
  in.R_max_cm = nusi::km(R_max_km);
  in.mean_energy_MeV = mean_energy;
  in.kappa = kappa;
  in.reference_density_g_per_cm3 = rho_ref;
  in.reference_radius_cm = nusi::km(r_ref_km);
  in.power_index = power_index;
  in.paper_quoted_density_per_cm3 = paper_density;
  const double mass = std::pow(10.0, log10_mass);
  require_positive_flag("--log10-mass-MeV (as M = 10^x)", mass);

  nusi::core_bound_result<double> b;
  if (profile_path.empty()) {
    b = nusi::core_bound(mass, in);
  } else {
    const auto table = nusi::tabulated_profile<double>::from_csv(
        profile_path, nusi::neutrino_density_model<double>{.preset = in.preset,
                                                           .paper_quoted_density_per_cm3 = paper_density});
    b = nusi::core_bound(nusi::random_walk(table, in.region(), in.sigma_nuN, in.options), mass, kappa);
  }

  const std::string profile_text = profile_path.empty() ? "power_law" : profile_path;
  nusi::cli::json_object o;
  o.add("log10_mass_MeV", log10_mass).add("mass_MeV", mass).add("preset", preset).add("case", case_text);
  o.add("profile", profile_text).add("R_min_cm", in.R_min_cm).add("R_max_cm", in.R_max_cm).add("kappa", kappa);
  o.add("temperature_MeV", b.state_at_R_min.temperature_MeV).add("mean_energy_MeV", b.state_at_R_min.mean_energy_MeV);
  o.add("E_cm_MeV", b.E_cm_at_R_min_MeV());
  o.add("neutrino_density_per_cm3", b.neutrino_density_at_R_min_per_cm3);
  o.add("sigma_nuN_averaged_cm2", b.averaged_cross_section_at_R_min_cm2);
  o.add("mean_free_path_R_min_cm", b.walk.mean_free_path_at_R_min_cm);
  o.add("N_nuN", b.walk.scatterings.value).add("N_nuN_error", b.walk.scatterings.error);
  o.add("path_length_cm", b.walk.path_length_cm.value).add("path_length_error_cm", b.walk.path_length_cm.error);
  o.add("paper_path_length_cm", b.walk.paper_path_length_cm());
  o.add("neutrino_column_per_cm2", b.walk.neutrino_column_per_cm2.value);
  o.add("N_2to4_at_g1", b.N_2to4_at_g1.value).add("N_2to4_at_g1_error", b.N_2to4_at_g1.error);
  o.add("log10_g_bound", b.log10_coupling_bound);
  o.add("paper_log10_g_bound", nusi::paper_log10_core_bound<double>);
  if (nusi::cli::print_structured(std::cout, o, output)) return 0;
  using nusi::cli::print_row;
  std::cout << "# nusi core: case " << case_text << ", preset " << preset << ", profile " << profile_text
            << " (values at R_min where they vary)\n";
  print_row(std::cout, "mediator mass M", mass, "MeV");
  print_row(std::cout, "R_min", in.R_min_cm, "cm");
  print_row(std::cout, "R_max", in.R_max_cm, "cm");
  print_row(std::cout, "temperature T", b.state_at_R_min.temperature_MeV, "MeV");
  print_row(std::cout, "mean energy <E>", b.state_at_R_min.mean_energy_MeV, "MeV");
  print_row(std::cout, "E_cm = 2<E>", b.E_cm_at_R_min_MeV(), "MeV");
  print_row(std::cout, "neutrino density n_nu", b.neutrino_density_at_R_min_per_cm3, "cm^-3");
  print_row(std::cout, "<sigma_nuN>", b.averaged_cross_section_at_R_min_cm2, "cm^2");
  print_row(std::cout, "mean free path lambda(R_min)", b.walk.mean_free_path_at_R_min_cm, "cm");
  print_row(std::cout, "N_nuN = int r dr/lambda^2", b.walk.scatterings.value);
  print_row(std::cout, "path length d = int r dr/lambda", b.walk.path_length_cm.value, "cm");
  print_row(std::cout, "paper's d = lambda(R_min) N_nuN", b.walk.paper_path_length_cm(), "cm");
  print_row(std::cout, "N_2to4 at g = 1 (Eq. 7)", b.N_2to4_at_g1.value);
  print_row(std::cout, "log10 g_core (N_2to4 = 1)", b.log10_coupling_bound);
  print_row(std::cout, "paper's quoted log10 g_core", nusi::paper_log10_core_bound<double>);
  return 0;
}
const nusi::cli::registrar reg("core", "supernova-core bound g_core(M) of Sec. III (random walk, Eq. 7)", run);
}  // namespace
