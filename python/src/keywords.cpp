// SPDX-License-Identifier: MIT
// The keyword groups (keywords.hpp): one per library struct, defaults read from a default struct.
// The build defines NUSI_PYTHON_DATA_FROM_MODULE (the install's share/nusi relative to the installed
// module), NUSI_PYTHON_BUILD_DIR and NUSI_PYTHON_SOURCE_DATA_DIR (the build tree reads the source tree).
#include "keywords.hpp"

#include <dlfcn.h>

#include <cmath>
#include <filesystem>
#include <sstream>
#include <system_error>
#include <tuple>

#include <nusi/diffuse/transport.hpp>
#include <nusi/mass_state_arrival_times.hpp>
#include <nusi/mass_state_monte_carlo.hpp>

namespace nusi_python {

// A member of the struct a group sets, by its path: AT(relic.mass_MeV).
#define AT(path) [](auto& s) -> auto& { return s.path; }

// --- enumerations -------------------------------------------------------------------------------------

const choices<nusi::mediator_kind>& mediator_kind_names() {
  static const choices<nusi::mediator_kind> t{{"scalar", nusi::mediator_kind::scalar}, {"vector", nusi::mediator_kind::vector}};
  return t;
}
const choices<nusi::width_convention>& width_convention_names() {
  static const choices<nusi::width_convention> t{{"paper", nusi::width_convention::paper},
                                                 {"scaled_paper", nusi::width_convention::scaled_paper}};
  return t;
}
const choices<nusi::neutrino_nature>& neutrino_nature_names() {
  static const choices<nusi::neutrino_nature> t{{"majorana", nusi::neutrino_nature::majorana}, {"dirac", nusi::neutrino_nature::dirac}};
  return t;
}
const choices<nusi::relic_counting>& relic_counting_names() {
  static const choices<nusi::relic_counting> t{{"all_mass_states", nusi::relic_counting::all_mass_states},
                                               {"same_mass_state", nusi::relic_counting::same_mass_state}};
  return t;
}
const choices<nusi::relic_mass_check>& relic_mass_check_names() {
  static const choices<nusi::relic_mass_check> t{{"plausible", nusi::relic_mass_check::plausible},
                                                 {"any_positive", nusi::relic_mass_check::any_positive}};
  return t;
}
const choices<nusi::angle_model>& angle_model_names() {
  static const choices<nusi::angle_model> t{
      {std::string(nusi::angle_model_name(nusi::angle_model::three_dimensional)), nusi::angle_model::three_dimensional},
      {std::string(nusi::angle_model_name(nusi::angle_model::planar_random_walk)), nusi::angle_model::planar_random_walk},
      {std::string(nusi::angle_model_name(nusi::angle_model::paper_eq8_additive)), nusi::angle_model::paper_eq8_additive}};
  return t;
}
const choices<nusi::transport_method>& transport_method_names() {
  static const choices<nusi::transport_method> t{{"exact", nusi::transport_method::exact}, {"odeint", nusi::transport_method::odeint}};
  return t;
}
const choices<nusi::monte_carlo_geometry>& monte_carlo_geometry_names() {
  static const choices<nusi::monte_carlo_geometry> t{{"point_source", nusi::monte_carlo_geometry::point_source},
                                                     {"plane_parallel", nusi::monte_carlo_geometry::plane_parallel}};
  return t;
}
const choices<nusi::neutrino_density_preset>& preset_names() {
  static const choices<nusi::neutrino_density_preset> t{
      {std::string(nusi::preset_name(nusi::neutrino_density_preset::fermi_dirac)), nusi::neutrino_density_preset::fermi_dirac},
      {std::string(nusi::preset_name(nusi::neutrino_density_preset::paper_quoted)), nusi::neutrino_density_preset::paper_quoted}};
  return t;
}
const choices<nusi::core_case>& core_case_names() {
  static const choices<nusi::core_case> t{{std::string(nusi::case_name(nusi::core_case::default_case)), nusi::core_case::default_case},
                                          {std::string(nusi::case_name(nusi::core_case::conservative)), nusi::core_case::conservative}};
  return t;
}
const choices<nusi::centre_of_mass_convention>& centre_of_mass_names() {
  static const choices<nusi::centre_of_mass_convention> t{{"head_on", nusi::centre_of_mass_convention::head_on},
                                                          {"isotropic_mean_s", nusi::centre_of_mass_convention::isotropic_mean_s}};
  return t;
}
const choices<nusi::arrival_window>& arrival_window_names() {
  static const choices<nusi::arrival_window> t{{"time_integrated", nusi::arrival_window::time_integrated},
                                               {"within_window", nusi::arrival_window::within_window}};
  return t;
}
const choices<nusi::event_likelihood>& event_likelihood_names() {
  static const choices<nusi::event_likelihood> t{{"unbinned", nusi::event_likelihood::unbinned}, {"binned", nusi::event_likelihood::binned}};
  return t;
}
const choices<nusi::normalisation>& normalisation_names() {
  static const choices<nusi::normalisation> t{{"profiled", nusi::normalisation::profiled}, {"fixed", nusi::normalisation::fixed}};
  return t;
}
const choices<nusi::galactic_detector>& galactic_detector_names() {
  static const choices<nusi::galactic_detector> t = [] {
    choices<nusi::galactic_detector> out;
    for (auto d : nusi::galactic_detectors) out.emplace_back(std::string(nusi::detector_key(d)), d);
    return out;
  }();
  return t;
}

const choices<nusi::mass_ordering>& mass_ordering_names() {
  static const choices<nusi::mass_ordering> t{{"normal", nusi::mass_ordering::normal}, {"inverted", nusi::mass_ordering::inverted}};
  return t;
}
const choices<nusi::channel_set>& channel_set_names() {
  static const choices<nusi::channel_set> t{{"s", nusi::channel_set::s}, {"stu", nusi::channel_set::stu}};
  return t;
}
const choices<nusi::coupling_convention>& coupling_convention_names() {
  static const choices<nusi::coupling_convention> t{{"paper", nusi::coupling_convention::paper},
                                                    {"lagrangian", nusi::coupling_convention::lagrangian}};
  return t;
}
const choices<nusi::relic_kinematics>& relic_kinematics_names() {
  static const choices<nusi::relic_kinematics> t{{"thermal", nusi::relic_kinematics::thermal},
                                                 {"at_rest", nusi::relic_kinematics::at_rest},
                                                 {"automatic", nusi::relic_kinematics::automatic}};
  return t;
}
const choices<nusi::detected_neutrinos>& detected_neutrinos_names() {
  static const choices<nusi::detected_neutrinos> t{{"flavour_antineutrinos", nusi::detected_neutrinos::flavour_antineutrinos},
                                                   {"all", nusi::detected_neutrinos::all}};
  return t;
}
const choices<nusi::flavour>& flavour_names() {
  static const choices<nusi::flavour> t = [] {
    choices<nusi::flavour> out;
    for (auto f : {nusi::flavour::e, nusi::flavour::mu, nusi::flavour::tau}) out.emplace_back(std::string(nusi::flavour_name(f)), f);
    return out;
  }();
  return t;
}

// --- groups -----------------------------------------------------------------------------------------------

namespace {
/// The mediator's kind and width, on any struct holding a mediator (reached by `med`).
template <class T, class Med>
void add_mediator_details(keyword_group<T>& g, Med med) {
  g.template choice<nusi::mediator_kind>("mediator_kind", [med](T& t) -> nusi::mediator_kind& { return med(t).kind; },
                                         mediator_kind_names(), "Lorentz structure of the mediator (paper Sec. II: scalar)");
  g.real("vector_angular_factor", [med](T& t) -> double& { return med(t).vector_angular_factor; },
         "O(1) factor on every cross section when mediator_kind = 'vector' (the paper neglects it: 1)");
  g.template choice<nusi::width_convention>("width_convention", [med](T& t) -> nusi::width_convention& { return med(t).width; },
                                            width_convention_names(),
                                            "mediator width: the paper's g^2 M/(4 pi) (below Eq. 4), or it times width_scale");
  g.real("width_scale", [med](T& t) -> double& { return med(t).width_scale; },
         "factor on the paper's width when width_convention = 'scaled_paper'");
}
}  // namespace

const keyword_group<nusi::mediator<double>>& mediator_keywords() {
  static const auto g = [] {
    keyword_group<nusi::mediator<double>> k;
    add_mediator_details(k, [](nusi::mediator<double>& m) -> nusi::mediator<double>& { return m; });
    return k;
  }();
  return g;
}

const keyword_group<nusi::propagation_setup<double>>& setup_keywords() {
  using S = nusi::propagation_setup<double>;
  static const auto g = [] {
    keyword_group<S> k;
    k.real("distance_cm", AT(distance_cm), "distance D to the supernova [cm] (paper Sec. IV: SN 1987A, 50 kpc; nusi.kpc(x) converts)");
    k.real("threshold_MeV", AT(threshold_MeV), "detection threshold of F = N(E > threshold at Earth)/N(emitted) [MeV] (paper Sec. IV)");
    k.real("exclusion_level", AT(exclusion_level), "excluded where F <= exclusion_level (paper Sec. IV: 99% below 5 MeV)");
    k.real("relic_mass_MeV", AT(relic.mass_MeV), "relic-neutrino mass m_nu [MeV] (paper Sec. IV: 0.05 eV; nusi.eV(x) converts)");
    k.choice<nusi::neutrino_nature>("relic_nature", AT(relic.nature), neutrino_nature_names(),
                                    "Majorana relics (all are targets) or Dirac (half are sterile; paper below Eq. 8)");
    k.real("relic_total_density_per_cm3", AT(relic.total_density_per_cm3),
           "total relic density, nu and nubar of all mass states [cm^-3] (paper Sec. IV: ~330)");
    k.choice<nusi::relic_counting>("relic_counting", AT(relic.counting), relic_counting_names(),
                                   "which relics a supernova neutrino meets on resonance (docs/physics.md, 'Relic targets')");
    k.choice<nusi::relic_mass_check>("relic_mass_check", AT(relic.mass_check), relic_mass_check_names(),
                                     "'plausible': relic_mass_MeV must lie in [1e-4, 10] eV (catches eV given for MeV)");
    add_mediator_details(k, [](S& s) -> nusi::mediator<double>& { return s.med; });
    return k;
  }();
  return g;
}

namespace {
/// The mass-state model's keywords on any struct holding its interaction, spectrum options and relic options (reached
/// by inter, spec, relic), in the order they must be applied: the ordering before the mixing (the mixing not given is
/// NuFIT 5.2 for it), lightest_mass_eV just before sum_masses_eV (the sum checks whether the lightest mass was given
/// too). Defaults are the struct's; the optional members (sum, mixing, relic density) default to None when unset.
template <class T, class Inter, class Spec, class Relic>
void add_mass_state_model(keyword_group<T>& k, Inter inter, Spec spec, Relic relic, bool kinematics) {
  const T d = k.make_default();
  T copy = d;
  const nusi::neutrino_spectrum_options<double> s0 = spec(copy);
  k.template choice<nusi::mass_ordering>("ordering", [spec](T& t) -> nusi::mass_ordering& { return spec(t).ordering; }, mass_ordering_names(),
                                         "neutrino mass ordering (normal: m1 < m2 < m3; inverted: m3 < m1 < m2)");
  k.add({"lightest_mass_eV", "float", default_text(s0.lightest_mass_eV),
         "lightest mass (m1 normal, m3 inverted) [eV], >= 0; replaces the default sum_masses_eV when given"},
        [spec](T& t, const arguments& a, std::size_t i) {
          spec(t).lightest_mass_eV = a.real(i);
          spec(t).sum_masses_eV.reset();
        });
  k.add({"sum_masses_eV", s0.sum_masses_eV ? "float" : "float | None", s0.sum_masses_eV ? default_text(*s0.sum_masses_eV) : "None",
         "sum of the three masses [eV], instead of lightest_mass_eV (at least the ordering's minimum)"},
        [spec](T& t, const arguments& a, std::size_t i) {
          if (a.given(i - 1))  // lightest_mass_eV is the keyword before this one
            raise_value_error(a.function(), a.name(i), "given alone (lightest_mass_eV or sum_masses_eV, not both)", a[i]);
          spec(t).sum_masses_eV = a.real(i);
        });
  using M = nusi::mixing_parameters<double>;
  const auto mixing = [&k, spec](const char* name, double M::*member, const char* doc) {
    k.add({name, "float | None", "None", doc}, [spec, member](T& t, const arguments& a, std::size_t i) {
      auto& s = spec(t);
      if (!s.mixing) s.mixing = nusi::nufit_5_2<double>(s.ordering);
      (*s.mixing).*member = a.real(i);
    });
  };
  const std::string nufit = " (None: NuFIT 5.2 for the ordering)";
  mixing("theta12_deg", &M::theta12_deg, ("mixing angle theta_12 [deg], in [0, 90]" + nufit).c_str());
  mixing("theta13_deg", &M::theta13_deg, ("mixing angle theta_13 [deg], in [0, 90]" + nufit).c_str());
  mixing("theta23_deg", &M::theta23_deg, ("mixing angle theta_23 [deg], in [0, 90]" + nufit).c_str());
  mixing("delta_cp_deg", &M::delta_cp_deg, ("Dirac CP phase [deg], in [0, 360]" + nufit).c_str());
  mixing("dm21_eV2", &M::delta_m2_21_eV2, ("Delta m^2_21 [eV^2], > 0" + nufit).c_str());
  mixing("dm3l_eV2", &M::abs_delta_m2_3l_eV2, ("|Delta m^2_3l| [eV^2] (Delta m^2_31 normal, -Delta m^2_32 inverted), > 0" + nufit).c_str());
  std::string flavours;
  for (std::size_t f = 0; f < 3; ++f)
    if (inter(copy).pattern.entries[f][f] != 0) flavours += (flavours.empty() ? "" : ",") + flavour_names()[f].first;
  k.add({"coupling_flavors", "str", default_text(flavours),
         "flavours the mediator couples to, equally, comma-separated ('e,mu,tau', 'tau')"},
        [inter](T& t, const arguments& a, std::size_t i) {
          const std::string text = a.text(i);
          nusi::flavour_coupling_pattern<double> pattern;
          std::size_t start = 0;
          while (true) {
            const std::size_t end = text.find(',', start);
            const std::string item = text.substr(start, end == std::string::npos ? std::string::npos : end - start);
            bool known = false;
            for (const auto& [name, f] : flavour_names())
              if (item == name) {
                known = true;
                pattern.entries[static_cast<std::size_t>(f)][static_cast<std::size_t>(f)] = 1;
              }
            if (!known) raise_value_error(a.function(), a.name(i), "a comma-separated list of 'e', 'mu', 'tau'", a[i]);
            if (end == std::string::npos) break;
            start = end + 1;
          }
          inter(t).pattern = pattern;
        });
  k.template choice<nusi::channel_set>("channels", [inter](T& t) -> nusi::channel_set& { return inter(t).channels; }, channel_set_names(),
                                       "'s' (the resonant s channel alone, as the paper) or 'stu' (s, t, u and their interference)");
  k.template choice<nusi::neutrino_nature>("nature", [inter](T& t) -> nusi::neutrino_nature& { return inter(t).nature; },
                                           neutrino_nature_names(), "Majorana or Dirac neutrinos");
  k.template choice<nusi::mediator_kind>("mediator_kind", [inter](T& t) -> nusi::mediator_kind& { return inter(t).med.kind; },
                                         mediator_kind_names(), "scalar or vector mediator (the model computes the vector's amplitudes)");
  k.template choice<nusi::coupling_convention>("coupling_convention",
                                               [inter](T& t) -> nusi::coupling_convention& { return inter(t).convention; },
                                               coupling_convention_names(),
                                               "'paper' (each channel's width g^2 M/(4 pi)) or 'lagrangian' (the Lagrangian's coupling)");
  if (kinematics) {
    k.template choice<nusi::relic_kinematics>("relic_kinematics", [relic](T& t) -> nusi::relic_kinematics& { return relic(t).kinematics; },
                                              relic_kinematics_names(),
                                              "relic momenta: thermal (Fermi-Dirac at T_nu0), at_rest (needs every mass > 0) or "
                                              "automatic (at rest where p_rms/m <= at_rest_max_momentum_ratio)");
    k.real("at_rest_max_momentum_ratio", [relic](T& t) -> double& { return relic(t).at_rest_max_momentum_ratio; },
           "relic_kinematics = 'automatic': a state is at rest when p_rms/m is at most this");
  }
  const auto density = relic(copy).density_per_helicity_per_cm3;
  k.add({"relic_density_per_helicity_per_cm3", density ? "float" : "float | None", density ? default_text(*density) : "None",
         "relic density per mass state and helicity today [cm^-3] (None: from T_nu0, 56.0)"},
        [relic](T& t, const arguments& a, std::size_t i) { relic(t).density_per_helicity_per_cm3 = a.real(i); });
  k.real("cmb_temperature_K", [relic](T& t) -> double& { return relic(t).cmb_temperature_K; },
         "CMB temperature today [K]; T_nu0 = (4/11)^(1/3) of it");
}
}  // namespace

const keyword_group<nusi::mass_state_setup<double>>& mass_state_setup_keywords() {
  using S = nusi::mass_state_setup<double>;
  static const auto g = [] {
    keyword_group<S> k;
    add_mass_state_model(k, AT(interaction), AT(spectrum), AT(relic), true);
    k.real("distance_cm", AT(distance_cm), "distance D to the supernova [cm] (nusi.kpc(x) converts)");
    k.real("threshold_MeV", AT(threshold_MeV), "detection threshold of the fractions above threshold [MeV]");
    k.real("exclusion_level", AT(exclusion_level), "excluded where the detected fraction is <= exclusion_level");
    k.choice<nusi::flavour>("detected_flavour", AT(detected_flavour), flavour_names(),
                            "flavour whose antineutrinos are detected (inverse beta decay: 'e')");
    k.choice<nusi::detected_neutrinos>("detection", AT(detection), detected_neutrinos_names(),
                                       "what the detected fraction counts: the detected flavour's antineutrinos, or all "
                                       "neutrinos (the paper's F)");
    return k;
  }();
  return g;
}

const keyword_group<nusi::diffuse_setup<double>>& diffuse_setup_keywords() {
  using S = nusi::diffuse_setup<double>;
  static const auto g = [] {
    keyword_group<S> k;
    add_mass_state_model(k, AT(interaction), AT(spectrum), AT(relic), false);
    k.real("hubble_km_s_Mpc", AT(cosmo.hubble_km_s_Mpc), "Hubble constant H0 [km/s/Mpc] (Planck 2018)");
    k.real("omega_m", AT(cosmo.omega_m), "matter density Omega_m of flat Lambda-CDM (Planck 2018)");
    k.real("max_redshift", AT(max_redshift), "largest source redshift, in (0, 20]");
    return k;
  }();
  return g;
}

// The keywords the two arrival-time distributions share (their options have the same members; the texts that differ
// are passed in: the seed's meaning, the window's origin, the scatterings bound).
template <class Options>
void add_arrival_keywords(keyword_group<Options>& k, const char* seed_text, const char* window_text, const char* max_scatterings_text) {
  k.template count<std::uint64_t>("primaries", AT(primaries), "Monte Carlo primaries, in [1, 1e8]");
  k.template count<std::uint64_t>("seed", AT(seed), seed_text);
  k.real("window_s", AT(window_s), window_text);
  k.template choice<nusi::angle_model>("angles", AT(angles), angle_model_names(), "how deflections compose");
  k.template choice<nusi::monte_carlo_geometry>("geometry", AT(geometry), monte_carlo_geometry_names(),
                                                "3D model: a point detector (point source, sphere r = D) or plane-parallel (the "
                                                "grid's); the planar models are plane-parallel");
  k.reals("quantile_probabilities", AT(quantile_probabilities), "probabilities of the delay quantiles, each in (0, 1)");
  k.reals("delay_edges_s", AT(delay_edges_s), "edges of the delay histogram [s] (empty: two per decade, 1e-3 to 1e8 s)");
  k.template count<std::size_t>("batches", AT(batches), "batches of primaries for the quantiles' standard errors, in [2, primaries]");
  k.template count<std::uint64_t>("max_scatterings", AT(max_scatterings), max_scatterings_text);
}

const keyword_group<nusi::mass_state_arrival_time_options<double>>& mass_state_arrival_keywords() {
  static const auto g = [] {
    keyword_group<nusi::mass_state_arrival_time_options<double>> k;
    add_arrival_keywords(k, "seed of std::mt19937_64: the result is a function of it",
                         "time window after the unscattered front [s] (the span of the Kamiokande-II burst)",
                         "bound on the scatterings of the run (NumericalError beyond)");
    k.real("max_energy_MeV", AT(max_energy_MeV), "top of the quadrature of the unscattered part [MeV] (> threshold_MeV)");
    return k;
  }();
  return g;
}

const keyword_group<nusi::mass_state_monte_carlo_options>& mass_state_monte_carlo_keywords() {
  using S = nusi::mass_state_monte_carlo_options;
  static const auto g = [] {
    keyword_group<S> k;
    k.count<std::uint64_t>("primaries", AT(primaries), "neutrinos drawn from the emission, in [1, 1e10]");
    k.count<std::uint64_t>("seed", AT(seed), "seed of std::mt19937_64: the result is a function of it");
    k.count<std::uint64_t>("max_scatterings", AT(max_scatterings), "bound on the scatterings of the run (NumericalError beyond)");
    const S d{};
    k.add({"angles", choice_annotation(angle_model_names()) + " | None",
           d.angles ? default_text(choice_name(angle_model_names(), *d.angles)) : "None",
           "None: directions not tracked; else each neutrino's direction, deflections composed by this model"},
          [](S& t, const arguments& a, std::size_t i) {
            if (a[i].is_none()) t.angles.reset();
            else t.angles = a.choice(i, angle_model_names());
          });
    k.choice<nusi::monte_carlo_geometry>("geometry", AT(geometry), monte_carlo_geometry_names(),
                                         "angles = 'three_dimensional': plane-parallel (the grid's) or a point detector");
    k.flag("record_arrivals", AT(record_arrivals), "with angles: keep every arrival above threshold (returned as arrays)");
    k.count<std::uint64_t>("max_recorded_arrivals", AT(max_recorded_arrivals), "most arrivals recorded");
    k.count<std::uint64_t>("max_null_collisions", AT(max_null_collisions),
                           "thermal relic states: bound on the null collisions of the run (NumericalError beyond)");
    return k;
  }();
  return g;
}

const keyword_group<nusi::diffuse_options<double>>& diffuse_options_keywords() {
  static const auto g = [] {
    keyword_group<nusi::diffuse_options<double>> k;
    k.real("min_energy_MeV", AT(min_energy_MeV), "lowest comoving energy node [MeV]");
    k.real("max_energy_MeV", AT(max_energy_MeV), "highest comoving energy node [MeV]");
    k.count<std::size_t>("energy_bins", AT(energy_bins), "energy nodes, log-spaced, in [8, 20000]");
    k.count<std::size_t>("redshift_steps", AT(redshift_steps), "steps in ln(1+z), independent of the energy grid, in [1, 100000]");
    k.real("source_panel_width", AT(source_panel_width), "largest panel in ln(1+z) of the source quadrature (3-point Gauss each)");
    return k;
  }();
  return g;
}

const keyword_group<nusi::supernova_emission<double>>& emission_keywords() {
  static const auto g = [] {
    keyword_group<nusi::supernova_emission<double>> k;
    k.real("mean_energy_MeV", AT(mean_energy_MeV), "emitted <E> of the pinched spectrum [MeV] (paper Sec. IV)");
    k.real("mean_square_energy_MeV2", AT(mean_square_energy_MeV2), "emitted <E^2> of the pinched spectrum [MeV^2] (paper Sec. IV)");
    return k;
  }();
  return g;
}

const keyword_group<nusi::supernova_emission<double>>& source_keywords() {
  static const auto g = [] {
    keyword_group<nusi::supernova_emission<double>> k;
    k.real("energy_erg", AT(energy_erg), "energy emitted in the detected flavour [erg]");
    for (const auto& [p, apply] : emission_keywords().entries()) k.add(p, apply);
    return k;
  }();
  return g;
}

const keyword_group<nusi::transport_options<double>>& transport_keywords() {
  static const auto g = [] {
    keyword_group<nusi::transport_options<double>> k;
    k.count<std::size_t>("energy_bins", AT(energy.bins), "energy nodes of the transport grid (log-spaced, threshold midway between two)");
    k.real("min_energy_MeV", AT(energy.min_energy_MeV), "lowest energy of the grid [MeV]");
    k.real("max_energy_MeV", AT(energy.max_energy_MeV), "highest energy of the grid [MeV]");
    k.real("resonance_nodes_per_core", AT(energy.resonance_nodes_per_core),
           "grid refinement around E_res: nodes per half-width of the opaque core of the line (0: none)");
    k.choice<nusi::transport_method>("method", AT(method), transport_method_names(),
                                     "f(D) = exp(A D) f(0) exactly (triangular contour exponential) or by odeint");
    k.count<std::size_t>("talbot_nodes", AT(talbot_nodes), "contour nodes of the exact exponential (even, in [4, 200]; 0: the default, 32, or 24 for mass states)");
    k.real("odeint_abs_tol", AT(odeint_abs_tol), "absolute tolerance of the odeint path");
    k.real("odeint_rel_tol", AT(odeint_rel_tol), "relative tolerance of the odeint path");
    return k;
  }();
  return g;
}

const keyword_group<nusi::transport_options<double>>& angle_keywords() {
  static const auto g = [] {
    keyword_group<nusi::transport_options<double>> k;
    k.count<std::size_t>("angle_bins", AT(angle.bins), "angle nodes (theta = 0 and log-spaced from min_angle_rad)");
    k.real("min_angle_rad", AT(angle.min_angle_rad), "smallest non-zero angle node [rad]");
    k.real("max_angle_rad", AT(angle.max_angle_rad), "largest angle node [rad] (< pi/2)");
    k.count<std::size_t>("azimuth_nodes", AT(angle.azimuth_nodes), "most azimuth nodes per deflection of the 3D model, in [1, 64]");
    k.choice<nusi::angle_model>("deflections", AT(deflections), angle_model_names(),
                                "how deflections compose: physical 3D, planar random walk, or paper Eq. (8) as written");
    return k;
  }();
  return g;
}

const keyword_group<nusi::monte_carlo_options<double>>& monte_carlo_keywords() {
  static const auto g = [] {
    keyword_group<nusi::monte_carlo_options<double>> k;
    k.count<std::uint64_t>("primaries", AT(primaries), "neutrinos drawn from the emitted spectrum, in [1, 1e10]");
    k.count<std::uint64_t>("seed", AT(seed), "seed of std::mt19937_64: the result is a function of it");
    k.flag("track_below_threshold", AT(track_below_threshold), "keep tracking neutrinos at or below the threshold (same F)");
    k.choice<nusi::angle_model>("angles", AT(angles), angle_model_names(), "how deflections compose (as the grid's deflections)");
    k.choice<nusi::monte_carlo_geometry>("geometry", AT(geometry), monte_carlo_geometry_names(),
                                         "3D model: point source and sphere, or the plane-parallel geometry of Eq. (8)");
    k.count<std::uint64_t>("max_scatterings", AT(max_scatterings), "bound on the scatterings of the run (NumericalError beyond)");
    k.flag("record_arrivals", AT(record_arrivals), "keep the list of arrivals (returned as arrays)");
    k.count<std::uint64_t>("max_recorded_arrivals", AT(max_recorded_arrivals), "most arrivals recorded");
    k.reals("energy_edges_MeV", AT(energy_edges_MeV), "edges of the histogram of the energies at Earth [MeV] (empty: none)");
    k.reals("angle_edges_rad", AT(angle_edges_rad), "edges of the histogram of the arrival angles [rad] (empty: none)");
    k.reals("delay_edges_s", AT(delay_edges_s), "edges of the histogram of the delays behind light [s] (empty: none)");
    k.flag("stream_per_primary", AT(stream_per_primary), "common random numbers: primary i's history depends only on (seed, i)");
    return k;
  }();
  return g;
}

const keyword_group<nusi::arrival_time_options<double>>& arrival_keywords() {
  static const auto g = [] {
    keyword_group<nusi::arrival_time_options<double>> k;
    add_arrival_keywords(k, "seed of the random streams",
                         "time window after the light front [s] (the span of the Kamiokande-II burst)",
                         "bound on the scatterings of the run");
    return k;
  }();
  return g;
}

namespace {
keyword_group<nusi::window_fraction_options<double>> window_group(std::function<nusi::window_fraction_options<double>()> defaults) {
  keyword_group<nusi::window_fraction_options<double>> k(std::move(defaults));
  k.count<std::uint64_t>("primaries", AT(primaries), "Monte Carlo primaries of the scattered arrivals, in [1, 1e8]");
  k.count<std::uint64_t>("seed", AT(seed), "seed of the random streams (common random numbers in g)");
  k.real("window_s", AT(window_s), "time window after the light front [s] (the span of the Kamiokande-II burst)");
  k.choice<nusi::angle_model>("angles", AT(angles), angle_model_names(), "how deflections compose");
  k.real("window_max_energy_MeV", AT(max_energy_MeV), "top of the quadrature of the unscattered part [MeV]");
  k.count<std::uint64_t>("max_scatterings", AT(max_scatterings), "bound on the scatterings of one Monte Carlo run");
  return k;
}
}  // namespace

const keyword_group<nusi::window_fraction_options<double>>& event_window_keywords() {
  static const auto g = window_group([] { return nusi::event_bound_options<double>{}.window; });
  return g;
}

const keyword_group<nusi::window_fraction_options<double>>& time_spread_window_keywords() {
  static const auto g = window_group([] { return nusi::time_spread_bound_options<double>{}.window; });
  return g;
}

const keyword_group<nusi::propagation_bound_options<double>>& propagation_bound_keywords() {
  static const auto g = [] {
    keyword_group<nusi::propagation_bound_options<double>> k;
    k.real("log10_g_min", AT(log10_g_min), "bottom of the search in log10 g");
    k.real("log10_g_max", AT(log10_g_max), "top of the search in log10 g (default: the perturbative limit sqrt(4 pi))");
    k.real("bracket_step_dex", AT(bracket_step_dex), "bracketing step in log10 g");
    k.real("log10_g_tolerance", AT(log10_g_tolerance), "width of the final bracket in log10 g");
    k.count<std::uintmax_t>("max_iterations", AT(max_iterations), "bound on the TOMS 748 iterations (NumericalError beyond)");
    return k;
  }();
  return g;
}

const keyword_group<nusi::time_spread_bound_options<double>>& time_spread_keywords() {
  static const auto g = [] {
    keyword_group<nusi::time_spread_bound_options<double>> k;
    k.real("log10_g_min", AT(log10_g_min), "bottom of the search in log10 g");
    k.real("log10_g_max", AT(log10_g_max), "top of the search in log10 g (default: the perturbative limit)");
    k.real("bracket_step_dex", AT(bracket_step_dex), "step in log10 g upwards from the unscattered-only root");
    k.real("log10_g_tolerance", AT(log10_g_tolerance), "width of the final bracket in log10 g");
    k.real("derivative_step_dex", AT(derivative_step_dex), "half-step of dF_window/dlog10 g for the bound's error");
    k.count<std::uintmax_t>("max_iterations", AT(max_iterations), "bound on the root-search iterations");
    return k;
  }();
  return g;
}

const keyword_group<nusi::event_bound_options<double>>& event_keywords() {
  static const auto g = [] {
    keyword_group<nusi::event_bound_options<double>> k;
    k.choice<nusi::arrival_window>("timing", AT(timing), arrival_window_names(),
                                   "count every arrival (grid transport) or those within window_s of the light front (Monte Carlo)");
    k.choice<nusi::event_likelihood>("likelihood", AT(likelihood), event_likelihood_names(),
                                     "unbinned (Loredo-Lamb, with backgrounds) or binned Poisson");
    k.choice<nusi::normalisation>("normalisation", AT(norm), normalisation_names(),
                                  "emitted energy fixed at energy_erg, or profiled (a free factor A on it)");
    k.real("normalisation_min", AT(normalisation_min), "smallest A when profiled");
    k.real("normalisation_max", AT(normalisation_max), "largest A when profiled");
    k.real("delta_chi2_threshold", AT(delta_chi2_threshold),
           "excluded where -2 Delta ln L >= this (2.706: one-sided 95% CL, docs/physics.md)");
    k.real("log10_g_min", AT(log10_g_min), "bottom of the coupling scan in log10 g");
    k.real("log10_g_max", AT(log10_g_max), "top of the coupling scan in log10 g");
    k.count<unsigned>("points_per_decade", AT(points_per_decade), "scan points per decade of g");
    k.real("log10_g_tolerance", AT(log10_g_tolerance), "width of the final bracket in log10 g");
    k.real("panel_width_MeV", AT(panel_width_MeV), "largest Gauss-Legendre panel of the detector folding [MeV]");
    return k;
  }();
  return g;
}

const keyword_group<nusi::core_inputs<double>>& core_keywords() {
  using C = nusi::core_inputs<double>;
  static const auto g = [] {
    keyword_group<C> k;
    k.choice<nusi::neutrino_density_preset>("preset", AT(preset), preset_names(),
                                            "neutrino density: six-species Fermi-Dirac at T = <E>/3.1514, or the paper's quoted 1e38 cm^-3");
    k.real("R_min_cm", AT(R_min_cm), "inner radius of the decoupling region [cm] (paper Sec. III: 15 km; conservative case 30 km)");
    k.real("R_max_cm", AT(R_max_cm), "outer radius of the decoupling region [cm] (paper Sec. III: 45 km)");
    k.real("mean_energy_MeV", AT(mean_energy_MeV), "power law: mean neutrino energy <E> [MeV] (E_cm = 2<E>; conservative case 15 MeV)");
    k.choice<nusi::centre_of_mass_convention>("E_cm_convention", AT(E_cm_convention), centre_of_mass_names(),
                                              "E_cm = 2<E> head-on (paper, below Eq. 7) or sqrt(<s>) = sqrt(2)<E>");
    k.real("kappa", AT(kappa), "phase-space factor per final-state particle in Eqs. (2)-(3)");
    k.real("reference_radius_cm", AT(reference_radius_cm), "power law: radius where the density is reference_density_g_per_cm3 [cm]");
    k.real("reference_density_g_per_cm3", AT(reference_density_g_per_cm3), "power law: mass density at reference_radius_cm [g/cm^3]");
    k.real("power_index", AT(power_index), "power law: n_N ~ r^-power_index");
    k.real("paper_quoted_density_per_cm3", AT(paper_quoted_density_per_cm3), "n_nu of the paper_quoted preset [cm^-3]");
    k.real("species", AT(species), "species summed in the Fermi-Dirac density (nu and nubar of three flavours, Eq. 6)");
    k.choice<nusi::mediator_kind>("mediator_kind", AT(kind), mediator_kind_names(), "Lorentz structure of the mediator (paper: scalar)");
    k.real("vector_angular_factor", AT(vector_angular_factor), "O(1) factor on sigma_2to4 for a vector mediator (the paper neglects it)");
    k.real("g_A", AT(sigma_nuN.g_A), "axial coupling of the nucleon in sigma_nuN (PHYSICS-SPEC 'Core')");
    k.real("G_F_per_MeV2", AT(sigma_nuN.G_F_per_MeV2), "Fermi constant in sigma_nuN [MeV^-2]");
    k.real("degeneracy", AT(options.degeneracy), "degeneracy eta = mu/T of every Fermi-Dirac spectrum (paper Sec. III: 0)");
    k.real("relative_tolerance", AT(options.relative_tolerance), "requested error/L1 of every radial integral");
    k.count<std::size_t>("max_intervals", AT(options.max_intervals), "bound on the subintervals of the radial quadrature");
    return k;
  }();
  return g;
}

#undef AT

// --- common parameters ------------------------------------------------------------------------------------

double default_log10_mass_MeV() {
  static const double v = std::stod(log10_default_text(nusi::propagation_setup<double>{}.med.mass_MeV));
  return v;
}
double default_log10_g() {
  static const double v = std::stod(log10_default_text(nusi::propagation_setup<double>{}.med.coupling));
  return v;
}

std::pair<std::size_t, std::size_t> add_point(function& f, bool arrays) {
  const nusi::propagation_setup<double> s;
  const std::size_t m = f.positional("log10_mass_MeV", arrays ? "ArrayLike" : "float",
                                     arrays ? "log10 of the mediator mass M/MeV (a number or an array)" : "log10 of the mediator mass M/MeV",
                                     log10_default_text(s.med.mass_MeV));
  const std::size_t g = f.positional("log10_g", arrays ? "ArrayLike" : "float",
                                     arrays ? "log10 of the coupling g (a number or an array, broadcast with log10_mass_MeV)" : "log10 of the coupling g",
                                     log10_default_text(s.med.coupling));
  return {m, g};
}

point_parameters::point_parameters(function& f, bool arrays) {
  std::tie(mass, coupling) = add_point(f, arrays);
  setup = f.add(setup_keywords());
}

nusi::propagation_setup<double> point_parameters::build(const arguments& a) const {
  const auto base = setup.build(a);
  return at(a, base, a.given(mass) ? a.real(mass) : 0.0, a.given(coupling) ? a.real(coupling) : 0.0);
}

nusi::propagation_setup<double> point_parameters::at(const arguments& a, const nusi::propagation_setup<double>& base, double log10_mass,
                                                     double log10_g) const {
  nusi::propagation_setup<double> s = base;
  s.med.mass_MeV = mass_from_log10(a, mass, log10_mass);
  s.med.coupling = coupling_from_log10(a, coupling, log10_g);
  return s;
}

namespace {
double checked_power(const arguments& a, std::size_t i, double x, double lo, double hi) {
  if (!(x >= lo && x <= hi)) {
    std::ostringstream need;
    need << "in [" << lo << ", " << hi << "]";
    raise_value_error(a.function(), a.name(i), need.str(), py::float_(x));
  }
  return std::pow(10.0, x);
}
}  // namespace

double mass_from_log10(const arguments& a, std::size_t i, double log10_value) {
  if (!a.given(i)) return nusi::propagation_setup<double>{}.med.mass_MeV;  // the struct's value itself
  return checked_power(a, i, log10_value, nusi::lowest_log10_mass_MeV<double>, nusi::highest_log10_mass_MeV<double>);
}

double coupling_from_log10(const arguments& a, std::size_t i, double log10_value) {
  if (!a.given(i)) return nusi::propagation_setup<double>{}.med.coupling;
  return checked_power(a, i, log10_value, nusi::lowest_log10_coupling<double>, nusi::highest_log10_coupling<double>);
}

std::size_t add_masses(function& f, const std::string& doc) {
  return f.positional("log10_mass_MeV", "ArrayLike", doc);
}

std::size_t add_threads(function& f) {
  return f.keyword("threads", "int", default_text(static_cast<long long>(nusi::propagation_bound_options<double>{}.threads)),
                   "threads over the independent jobs, 0 = every core (the results do not depend on it)");
}

std::size_t read_threads(const arguments& a, std::size_t i) {
  if (!a.given(i)) return nusi::propagation_bound_options<double>{}.threads;
  const std::uint64_t t = a.count(i);
  if (t > nusi::max_threads) raise_value_error(a.function(), a.name(i), "<= " + std::to_string(nusi::max_threads), a[i]);
  return static_cast<std::size_t>(t);
}

std::size_t add_emission_object(function& f) {
  return f.keyword("emission", "pinched_spectrum | None", "None",
                   "the emitted spectrum as an object, instead of mean_energy_MeV and mean_square_energy_MeV2");
}

nusi::pinched_spectrum<double> emitted_spectrum(const arguments& a, std::size_t object,
                                                const placed_group<nusi::supernova_emission<double>>& moments) {
  if (a.given(object)) {
    if (moments.any_given(a))
      throw py::value_error(std::string(a.function()) + ": give either emission or mean_energy_MeV and mean_square_energy_MeV2, not both");
    if (!py::isinstance<nusi::pinched_spectrum<double>>(a[object]))
      raise_type_error(a.function(), "emission", "a nusi.pinched_spectrum", a[object]);
    return a[object].cast<nusi::pinched_spectrum<double>>();
  }
  return moments.build(a).spectrum();
}

// --- data ---------------------------------------------------------------------------------------------------

std::string sn1987a_table_path() {
  namespace fs = std::filesystem;
  const std::string relative = "sn1987a/sn1987a_events.csv";
  Dl_info info{};
  std::vector<fs::path> roots;
  std::error_code ec;
  if (dladdr(reinterpret_cast<void*>(&sn1987a_table_path), &info) && info.dli_fname) {
    const fs::path module_dir = fs::absolute(fs::path(info.dli_fname), ec).parent_path();
#ifdef NUSI_PYTHON_DATA_FROM_MODULE
    roots.push_back((module_dir / NUSI_PYTHON_DATA_FROM_MODULE).lexically_normal());
#endif
#if defined(NUSI_PYTHON_BUILD_DIR) && defined(NUSI_PYTHON_SOURCE_DATA_DIR)
    // Only the module of the build tree reads the source tree: an installed one never depends on it.
    if (fs::equivalent(module_dir, NUSI_PYTHON_BUILD_DIR, ec)) roots.emplace_back(NUSI_PYTHON_SOURCE_DATA_DIR);
#endif
  }
  std::string tried;
  for (const auto& root : roots) {
    const fs::path p = root / relative;
    if (fs::is_regular_file(p, ec)) return p.string();
    tried += (tried.empty() ? "" : ", ") + p.string();
  }
  throw py::value_error("nusi: cannot find the SN 1987A event table " + relative + " (tried: " +
                        (tried.empty() ? "no location known" : tried) + "); pass events_file, or install nusi with cmake --install");
}

}  // namespace nusi_python
