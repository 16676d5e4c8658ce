// SPDX-License-Identifier: MIT
// cross_sections.hpp: sigma(2nu->4nu) of paper Eqs. (2)-(3) (E_cm^-2 above M) and the s-channel
// Breit-Wigner of Eqs. (4)-(5) with its kinematics and exact bin averages; the relic background's
// temperature and density. Vectorised over energies (NumPy broadcasting).
#include <nusi/cross_sections.hpp>

#include "bindings.hpp"
#include "keywords.hpp"

namespace nusi_python {

namespace {
using breit_wigner = nusi::s_channel_breit_wigner<double>;

/// Positional log10_mass_MeV and log10_g of a mediator (required), and its kind and width keywords.
struct mediator_parameters {
  std::size_t mass, coupling;
  placed_group<nusi::mediator<double>> details;
  explicit mediator_parameters(function& f)
      : mass(f.positional("log10_mass_MeV", "ArrayLike", "log10 of the mediator mass M/MeV")),
        coupling(f.positional("log10_g", "ArrayLike", "log10 of the coupling g")) {}
  void add_details(function& f) { details = f.add(mediator_keywords()); }
};

void bind_sigma_2to4(py::module_& m, const char* name, bool cm2) {
  function f(name,
             std::string("sigma(2nu -> 4nu) [") + (cm2 ? "cm^2" : "MeV^-2") +
                 "], paper Eqs. (2)-(3): kappa^4 g^8 E_cm^6/M^8 below M, kappa^4 g^8/E_cm^2 from M up (E_cm^-2, not the "
                 "printed E_cm^2: docs/physics.md). E_cm_MeV, log10_mass_MeV and log10_g broadcast together.",
             "float | NDArray[np.float64]");
  const std::size_t E = f.positional("E_cm_MeV", "ArrayLike", "centre-of-mass energy E_cm [MeV]");
  mediator_parameters med(f);
  const std::size_t kappa = f.keyword("kappa", "float", default_text(nusi::default_kappa<double>),
                                      "phase-space factor per final-state particle (the paper's 1e-2)");
  med.add_details(f);
  f.def(m, [=](const arguments& a) {
    const broadcast b(a, {{E, 0.0}, {med.mass, 0.0}, {med.coupling, 0.0}});
    nusi::mediator<double> base = med.details.build(a);
    const double k = a.given(kappa) ? a.real(kappa) : nusi::default_kappa<double>;
    for (std::size_t e = 0; e < b.size(); ++e) {  // the log10 ranges, checked with the GIL held
      mass_from_log10(a, med.mass, b.at(1, e));
      coupling_from_log10(a, med.coupling, b.at(2, e));
    }
    return elementwise(b, [&](std::size_t e) {
      nusi::mediator<double> x = base;
      x.mass_MeV = std::pow(10.0, b.at(1, e));
      x.coupling = std::pow(10.0, b.at(2, e));
      return cm2 ? nusi::sigma_2to4_cm2(b.at(0, e), x, k) : nusi::sigma_2to4_per_MeV2(b.at(0, e), x, k);
    });
  });
}
}  // namespace

void bind_cross_sections(py::module_& m) {
  bind_sigma_2to4(m, "sigma_2to4_cm2", true);
  bind_sigma_2to4(m, "sigma_2to4_per_MeV2", false);

  const std::string doc =
      "s-channel Breit-Wigner scattering of a supernova neutrino (E_i) on a relic neutrino at rest, paper Eqs. (4)-(5): "
      "energies in MeV, cross sections in cm^2 (dsigma/dE_f in cm^2/MeV). Every method broadcasts over its energy "
      "arguments and raises ValueError outside their ranges.";
  py::class_<breit_wigner> cls(m, "s_channel_breit_wigner", doc.c_str());
  record_class(m, cls, "", doc);
  {
    const breit_wigner reference(nusi::mediator<double>{.mass_MeV = 1, .coupling = 1});  // the constructor's own defaults
    function f("s_channel_breit_wigner", "The Breit-Wigner of the mediator (M = 10^log10_mass_MeV MeV, g = 10^log10_g) on relics of mass m_nu.", "");
    const std::size_t mass = f.positional("log10_mass_MeV", "float", "log10 of the mediator mass M/MeV");
    const std::size_t coupling = f.positional("log10_g", "float", "log10 of the coupling g");
    const std::size_t relic = f.keyword("relic_mass_MeV", "float", default_text(reference.relic_mass_MeV()),
                                        "relic-neutrino mass m_nu [MeV] (paper: 0.05 eV)");
    const std::size_t check = f.keyword("relic_mass_check", choice_annotation(relic_mass_check_names()),
                                        default_text(choice_name(relic_mass_check_names(), nusi::relic_neutrinos<double>{}.mass_check)),
                                        "'plausible': relic_mass_MeV must lie in [1e-4, 10] eV (catches eV given for MeV)");
    const auto details = f.add(mediator_keywords());
    f.def_init<breit_wigner>(m, cls, [=](const arguments& a) {
      nusi::mediator<double> med = details.build(a);
      med.mass_MeV = mass_from_log10(a, mass, a.real(mass));
      med.coupling = coupling_from_log10(a, coupling, a.real(coupling));
      if (!a.given(relic) && !a.given(check)) return breit_wigner(med);
      const double m_nu = a.given(relic) ? a.real(relic) : breit_wigner(med).relic_mass_MeV();
      return a.given(check) ? breit_wigner(med, m_nu, a.choice(check, relic_mass_check_names())) : breit_wigner(med, m_nu);
    });
  }
  def_property(m, cls, "mass_MeV", "float", "mediator mass M [MeV]", [](const breit_wigner& b) { return b.med().mass_MeV; });
  def_property(m, cls, "coupling", "float", "coupling g", [](const breit_wigner& b) { return b.med().coupling; });
  def_property(m, cls, "relic_mass_MeV", "float", "relic-neutrino mass m_nu [MeV]", [](const breit_wigner& b) { return b.relic_mass_MeV(); });
  def_property(m, cls, "width_MeV", "float", "decay width Gamma [MeV]: g^2 M/(4 pi) (below Eq. 4)", [](const breit_wigner& b) { return b.width_MeV(); });
  def_property(m, cls, "resonance_energy_MeV", "float", "E_res = M^2/(2 m_nu) [MeV] (Sec. II)",
               [](const breit_wigner& b) { return b.resonance_energy_MeV(); });
  def_property(m, cls, "peak_sigma_total_cm2", "float", "peak of sigma_tot at s = M^2 [cm^2]: 4 pi/(M^2 + m_nu^2)",
               [](const breit_wigner& b) { return b.peak_sigma_total_cm2(); });
  cls.def("__repr__", [](const breit_wigner& b) {
    return "s_channel_breit_wigner(mass_MeV=" + py::repr(py::float_(b.med().mass_MeV)).cast<std::string>() +
           ", coupling=" + py::repr(py::float_(b.med().coupling)).cast<std::string>() +
           ", relic_mass_MeV=" + py::repr(py::float_(b.relic_mass_MeV())).cast<std::string>() + ")";
  });

  using in = std::vector<std::pair<std::string, std::string>>;
  const std::pair<std::string, std::string> Ei{"E_i_MeV", "supernova-neutrino energy E_i [MeV]"};
  const std::pair<std::string, std::string> Ef{"E_f_MeV", "final energy E_f [MeV], in [E_f,min(E_i), E_i]"};
  const std::pair<std::string, std::string> cosine{"cos_angle", "cos of the scattering angle, in [-1, 1]"};
  const std::pair<std::string, std::string> lo{"E_lo_MeV", "lower edge of the energy bin [MeV]"};
  const std::pair<std::string, std::string> hi{"E_hi_MeV", "upper edge of the energy bin [MeV]"};
  def_elementwise_method<breit_wigner>(m, cls, "mandelstam_s_MeV2", "Mandelstam s = 2 E_i m_nu [MeV^2] for a target at rest.", in{Ei},
                                       [](const breit_wigner& b, const double* x) { return b.mandelstam_s_MeV2(x[0]); });
  def_elementwise_method<breit_wigner>(m, cls, "final_energy_MeV", "E_f(E_i, cos t) = (s/2)/(E_i (1 - cos t) + m_nu) [MeV] (below Eq. 4).",
                                       in{Ei, cosine}, [](const breit_wigner& b, const double* x) { return b.final_energy_MeV(x[0], x[1]); });
  def_elementwise_method<breit_wigner>(m, cls, "min_final_energy_MeV", "E_f,min = (s/2)/(2 E_i + m_nu) [MeV], at backward scattering.",
                                       in{Ei}, [](const breit_wigner& b, const double* x) { return b.min_final_energy_MeV(x[0]); });
  def_elementwise_method<breit_wigner>(m, cls, "one_minus_cos_angle", "1 - cos t = m_nu (1/E_f - 1/E_i), the inverse of final_energy_MeV.",
                                       in{Ei, Ef}, [](const breit_wigner& b, const double* x) { return b.one_minus_cos_angle(x[0], x[1]); });
  def_elementwise_method<breit_wigner>(m, cls, "cos_angle", "cos t of the scattered supernova neutrino for E_i -> E_f.", in{Ei, Ef},
                                       [](const breit_wigner& b, const double* x) { return b.cos_angle(x[0], x[1]); });
  def_elementwise_method<breit_wigner>(m, cls, "deflection_angle_rad", "Deflection angle t [rad] for E_i -> E_f.", in{Ei, Ef},
                                       [](const breit_wigner& b, const double* x) { return b.deflection_angle_rad(x[0], x[1]); });
  def_elementwise_method<breit_wigner>(m, cls, "dsigma_dcos_cm2", "dsigma/dcos t [cm^2], paper Eq. (4).", in{Ei, cosine},
                                       [](const breit_wigner& b, const double* x) { return b.dsigma_dcos_cm2(x[0], x[1]); });
  def_elementwise_method<breit_wigner>(m, cls, "dsigma_dEf_cm2_per_MeV",
                                       "dsigma/dE_f [cm^2/MeV] = g^4 m_nu/(2 pi D(s)), flat on [E_f,min, E_i] (paper Eq. 5).", in{Ei, Ef},
                                       [](const breit_wigner& b, const double* x) { return b.dsigma_dEf_cm2_per_MeV(x[0], x[1]); });
  def_elementwise_method<breit_wigner>(m, cls, "flat_dsigma_dEf_cm2_per_MeV", "The flat value of dsigma/dE_f at E_i [cm^2/MeV] (paper Eq. 5).",
                                       in{Ei}, [](const breit_wigner& b, const double* x) { return b.flat_dsigma_dEf_cm2_per_MeV(x[0]); });
  def_elementwise_method<breit_wigner>(m, cls, "sigma_total_cm2", "sigma_tot(E_i) [cm^2]: Eq. (4) integrated over cos t in [-1, 1].", in{Ei},
                                       [](const breit_wigner& b, const double* x) { return b.sigma_total_cm2(x[0]); });
  def_elementwise_method<breit_wigner>(m, cls, "bin_averaged_dsigma_dEf_cm2_per_MeV",
                                       "Average of dsigma/dE_f over E_i in [E_lo, E_hi] [cm^2/MeV], in closed form (an arctangent).", in{lo, hi},
                                       [](const breit_wigner& b, const double* x) { return b.bin_averaged_dsigma_dEf_cm2_per_MeV(x[0], x[1]); });
  def_elementwise_method<breit_wigner>(m, cls, "bin_averaged_sigma_total_cm2",
                                       "Average of sigma_tot over E_i in [E_lo, E_hi] [cm^2]: exact near the pole, Gauss-Legendre elsewhere.",
                                       in{lo, hi}, [](const breit_wigner& b, const double* x) { return b.bin_averaged_sigma_total_cm2(x[0], x[1]); });

  {
    function f("relic_neutrino_temperature_K", "Relic-neutrino temperature today [K]: (4/11)^(1/3) T_CMB (Kolb & Turner Eq. 3.84).",
               "float | NDArray[np.float64]");
    const std::size_t T = f.positional("cmb_temperature", "ArrayLike", "CMB temperature today [K]", default_text(nusi::cmb_temperature_K<double>));
    f.def(m, [T](const arguments& a) {
      const broadcast b(a, {{T, nusi::cmb_temperature_K<double>}});
      return elementwise(b, [&](std::size_t e) { return nusi::relic_neutrino_temperature_K(b.at(0, e)); });
    });
  }
  def_elementwise(m, "relic_density_per_helicity_per_cm3",
                  "Number density of one mass state and one helicity [cm^-3]: 3 zeta(3) T^3/(4 pi^2) (56.0 cm^-3 at 1.945 K).",
                  {{"temperature_K", "relic-neutrino temperature [K]"}},
                  [](const double* x) { return nusi::relic_density_per_helicity_per_cm3(x[0]); });
}

}  // namespace nusi_python
