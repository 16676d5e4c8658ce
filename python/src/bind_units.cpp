// SPDX-License-Identifier: MIT
// units.hpp: the constants (CODATA 2018, IAU 2015, PDG) and unit conversions, and the library's input
// limits (cross_sections.hpp, parallel.hpp, monte_carlo.hpp, arrival_times.hpp), as module attributes.
#include <nusi/arrival_times.hpp>
#include <nusi/core_bound.hpp>
#include <nusi/cross_sections.hpp>
#include <nusi/detection/detectors.hpp>
#include <nusi/monte_carlo.hpp>
#include <nusi/parallel.hpp>
#include <nusi/profiles.hpp>
#include <nusi/units.hpp>

#include "api.hpp"
#include "bindings.hpp"

namespace nusi_python {

void bind_units(py::module_& m) {
  const auto real = [&m](const char* name, double value, const std::string& doc) { def_constant(m, name, py::float_(value), "float", doc); };
  const auto integer = [&m](const char* name, unsigned long long value, const std::string& doc) {
    def_constant(m, name, py::int_(value), "int", doc);
  };
  real("hbar_c_MeV_fm", nusi::hbar_c_MeV_fm<double>, "hbar c [MeV fm], CODATA 2018");
  real("hbar_c_MeV_cm", nusi::hbar_c_MeV_cm<double>, "hbar c [MeV cm], CODATA 2018");
  real("hbar_c_squared_MeV2_cm2", nusi::hbar_c_squared_MeV2_cm2<double>, "(hbar c)^2 [MeV^2 cm^2]: a cross section in MeV^-2 times it is in cm^2");
  real("speed_of_light_cm_per_s", nusi::speed_of_light_cm_per_s<double>, "speed of light [cm/s], exact (SI)");
  real("kpc_cm", nusi::kpc_cm<double>, "1 kpc [cm] (IAU 2015 parsec)");
  real("km_cm", nusi::km_cm<double>, "1 km [cm]");
  real("fermi_constant_per_MeV2", nusi::fermi_constant_per_MeV2<double>, "Fermi constant G_F [MeV^-2], PDG");
  real("axial_coupling_gA", nusi::axial_coupling_gA<double>, "axial coupling of the nucleon g_A (PHYSICS-SPEC)");
  real("electron_mass_MeV", nusi::electron_mass_MeV<double>, "electron mass [MeV], CODATA 2018");
  real("atomic_mass_unit_g", nusi::atomic_mass_unit_g<double>, "atomic mass unit [g], CODATA 2018 (n_N = rho/m_u)");
  real("erg_MeV", nusi::erg_MeV<double>, "1 erg [MeV], CODATA 2018");
  real("cmb_temperature_K", nusi::cmb_temperature_K<double>, "CMB temperature today [K] (Fixsen 2009)");
  real("boltzmann_eV_per_K", nusi::boltzmann_eV_per_K<double>, "Boltzmann constant [eV/K], exact (SI)");
  real("lowest_log10_mass_MeV", nusi::lowest_log10_mass_MeV<double>, "smallest log10(M/MeV) accepted");
  real("highest_log10_mass_MeV", nusi::highest_log10_mass_MeV<double>, "largest log10(M/MeV) accepted");
  real("lowest_log10_coupling", nusi::lowest_log10_coupling<double>, "smallest log10 g accepted");
  real("highest_log10_coupling", nusi::highest_log10_coupling<double>, "largest log10 g accepted");
  real("perturbative_coupling_limit", nusi::perturbative_coupling_limit<double>, "g = sqrt(4 pi): the top of the coupling searches and of Fig. 1");
  real("log10_perturbative_coupling_limit", nusi::log10_perturbative_coupling_limit<double>, "log10 sqrt(4 pi)");
  real("default_kappa", nusi::default_kappa<double>, "phase-space factor per final-state particle in Eqs. (2)-(3): the paper's 1e-2");
  real("paper_log10_core_bound", nusi::paper_log10_core_bound<double>, "the core bound quoted by the paper, log10 g ~ -1.8 (Sec. I, Fig. 1)");
  real("paper_quoted_neutrino_density_per_cm3", nusi::paper_quoted_neutrino_density_per_cm3<double>,
       "n_nu ~ 1e38 cm^-3 quoted in paper Sec. III [cm^-3]");
  real("plausible_relic_mass_min_MeV", nusi::plausible_relic_mass_min_MeV<double>, "smallest plausible relic-neutrino mass [MeV] (1e-4 eV)");
  real("plausible_relic_mass_max_MeV", nusi::plausible_relic_mass_max_MeV<double>, "largest plausible relic-neutrino mass [MeV] (10 eV)");
  real("galactic_supernova_distance_cm", nusi::galactic_supernova_distance_cm<double>, "distance of the forecasts' Galactic supernova, 10 kpc [cm]");
  integer("max_threads", nusi::max_threads, "largest threads accepted");
  integer("max_monte_carlo_primaries", nusi::max_monte_carlo_primaries, "largest primaries of monte_carlo_propagation (1e10)");
  integer("max_window_primaries", nusi::max_window_primaries, "largest primaries of the arrival-time and window Monte Carlos (1e8)");

  def_elementwise(m, "km", "Radius or length given in km, returned in cm.", {{"length_km", "length [km]"}},
                  [](const double* x) { return nusi::km(x[0]); });
  def_elementwise(m, "kpc", "Distance given in kpc, returned in cm.", {{"distance_kpc", "distance [kpc]"}},
                  [](const double* x) { return nusi::kpc(x[0]); });
  def_elementwise(m, "eV", "Energy given in eV, returned in MeV.", {{"energy_eV", "energy [eV]"}},
                  [](const double* x) { return nusi::eV(x[0]); });
  def_elementwise(m, "keV", "Energy given in keV, returned in MeV.", {{"energy_keV", "energy [keV]"}},
                  [](const double* x) { return nusi::keV(x[0]); });
  def_elementwise(m, "GeV", "Energy given in GeV, returned in MeV.", {{"energy_GeV", "energy [GeV]"}},
                  [](const double* x) { return nusi::GeV(x[0]); });
  def_elementwise(m, "per_MeV2_to_cm2", "Cross section in natural units [MeV^-2] converted to cm^2.",
                  {{"sigma_per_MeV2", "cross section [MeV^-2]"}}, [](const double* x) { return nusi::per_MeV2_to_cm2(x[0]); });
  def_elementwise(m, "cm2_to_per_MeV2", "Cross section in cm^2 converted to natural units [MeV^-2].", {{"sigma_cm2", "cross section [cm^2]"}},
                  [](const double* x) { return nusi::cm2_to_per_MeV2(x[0]); });
  def_elementwise(m, "MeV3_to_per_cm3", "Number density in natural units [MeV^3] converted to cm^-3.", {{"density_MeV3", "density [MeV^3]"}},
                  [](const double* x) { return nusi::MeV3_to_per_cm3(x[0]); });
  def_elementwise(m, "nucleon_density_per_cm3", "Mass density [g cm^-3] converted to a nucleon number density [cm^-3], n_N = rho/m_u.",
                  {{"density_g_per_cm3", "mass density [g/cm^3]"}}, [](const double* x) { return nusi::nucleon_density_per_cm3(x[0]); });
}

}  // namespace nusi_python
