// SPDX-License-Identifier: MIT
// diffuse.hpp: a diffuse flux through the expanding relic background (docs/physics.md, "Diffuse fluxes"), the DSNB or a
// power law, run with and without interactions: the attenuation by flavour, the fluxes, the budgets and for the DSNB the
// inverse-beta-decay events in SK-Gd and JUNO; the same library calls as `nusi diffuse`.
#include <array>
#include <cmath>
#include <limits>
#include <span>
#include <string>
#include <type_traits>
#include <vector>

#include <nusi/diffuse.hpp>

#include "bindings.hpp"
#include "keywords.hpp"

namespace nusi_python {

namespace {
/// The source of the diffuse flux (the tool's --source).
enum class diffuse_source { dsnb, power_law };
/// The comoving source rate (the tool's --source-evolution): Yuksel et al. 2008 star formation (core collapses for the
/// DSNB), or constant.
enum class source_evolution { sfr_yuksel2008, constant };

const choices<diffuse_source>& source_names() {
  static const choices<diffuse_source> t{{"dsnb", diffuse_source::dsnb}, {"power_law", diffuse_source::power_law}};
  return t;
}
const choices<source_evolution>& evolution_names() {
  static const choices<source_evolution> t{{"sfr_yuksel2008", source_evolution::sfr_yuksel2008}, {"constant", source_evolution::constant}};
  return t;
}

/// One detector's DSNB events with and without interactions.
struct detector_events {
  std::string name;
  double window_min_MeV = 0, window_max_MeV = 0;
  nusi::dsnb_events<double> with, without;
};

/// The run with interactions and the free-streaming run, and the DSNB events.
struct diffuse_run {
  nusi::diffuse_result<double> r, free;
  std::vector<detector_events> events;
};

/// The detectors' settings of the call (exposure and efficiencies; the rest the library's).
struct dsnb_settings {
  double exposure_years, skgd_efficiency, juno_efficiency;
};

template <class Spectrum, class Evolution>
diffuse_run run_diffuse(const nusi::diffuse_setup<double>& setup, const Evolution& evolution,
                        const std::vector<nusi::flavour_emission<double, Spectrum>>& components, nusi::diffuse_options<double> o,
                        const dsnb_settings& d) {
  const std::span<const nusi::flavour_emission<double, Spectrum>> span(components);
  diffuse_run out;
  out.r = nusi::propagate_diffuse<double>(setup, evolution, span, o);
  o.interactions = false;
  out.free = nusi::propagate_diffuse<double>(setup, evolution, span, o);
  if constexpr (std::is_same_v<Spectrum, nusi::pinched_spectrum<double>>) {
    auto skgd = nusi::super_kamiokande_gd<double>();
    auto juno = nusi::juno_dsnb<double>();
    skgd.exposure_years = juno.exposure_years = d.exposure_years;
    skgd.signal_efficiency = d.skgd_efficiency;
    juno.signal_efficiency = d.juno_efficiency;
    for (const auto* det : {&skgd, &juno})
      out.events.push_back({det->model.name, det->window_min_MeV, det->window_max_MeV, nusi::dsnb_event_spectrum(*det, out.r),
                            nusi::dsnb_event_spectrum(*det, out.free)});
  }
  return out;
}

/// flux / free flux node by node (0 where the free flux is 0), as the tool's attenuation columns.
std::vector<double> ratio(const std::vector<double>& flux, const std::vector<double>& free) {
  std::vector<double> out(flux.size());
  for (std::size_t k = 0; k < flux.size(); ++k) out[k] = free[k] > 0 ? flux[k] / free[k] : 0.0;
  return out;
}
}  // namespace

void bind_diffuse(py::module_& m) {
  using S = diffuse_run;
  static auto& result = *new result_type<S>(
      m, "diffuse_result",
      "A diffuse flux today through the relic background (docs/physics.md, \"Diffuse fluxes\"): the keys of `nusi diffuse "
      "--json`. Arrays per comoving energy node; attenuation = flux / flux of the same run without interactions, by flavour "
      "(neutrinos plus antineutrinos; anti_e: electron antineutrinos alone); fluxes in cm^-2 s^-1 MeV^-1.");
  result.array("energy_MeV", "comoving energy nodes today [MeV]", [](const S& s) { return s.r.energy_MeV; });
  const char* const flavours[] = {"e", "mu", "tau"};
  for (std::size_t a = 0; a < 3; ++a)
    result.array(std::string("attenuation_") + flavours[a], std::string("flux / free flux of flavour ") + flavours[a] + " (nu + nubar)",
                 [a](const S& s) { return ratio(s.r.flux_per_cm2_s_MeV[a], s.free.flux_per_cm2_s_MeV[a]); });
  result.array("attenuation_anti_e", "flux / free flux of the electron antineutrinos",
               [](const S& s) { return ratio(s.r.antineutrino_flux_per_cm2_s_MeV[0], s.free.antineutrino_flux_per_cm2_s_MeV[0]); });
  for (std::size_t a = 0; a < 3; ++a)
    result.array(std::string("flux_") + flavours[a], std::string("flux of flavour ") + flavours[a] + " (nu + nubar) [cm^-2 s^-1 MeV^-1]",
                 [a](const S& s) { return s.r.flux_per_cm2_s_MeV[a]; });
  for (std::size_t a = 0; a < 3; ++a)
    result.array(std::string("free_flux_") + flavours[a],
                 std::string("flux of flavour ") + flavours[a] + " without interactions [cm^-2 s^-1 MeV^-1]",
                 [a](const S& s) { return s.free.flux_per_cm2_s_MeV[a]; });
  result.array("flux_anti_e", "flux of electron antineutrinos [cm^-2 s^-1 MeV^-1]", [](const S& s) { return s.r.antineutrino_flux_per_cm2_s_MeV[0]; })
      .array("free_flux_anti_e", "flux of electron antineutrinos without interactions [cm^-2 s^-1 MeV^-1]",
             [](const S& s) { return s.free.antineutrino_flux_per_cm2_s_MeV[0]; })
      .object("budgets", "dict[str, Any]",
              "emitted_number_per_Mpc3, scatterings_per_Mpc3, number_budget_relative_error, energy_budget_relative_error, "
              "redshift_loss_fraction, products_below_grid_per_Mpc3, emitted_above_grid_fraction, grid_shift_nodes",
              [](const S& s) -> py::object {
                const auto& r = s.r;
                py::dict d;
                d["emitted_number_per_Mpc3"] = r.emitted_number;
                d["scatterings_per_Mpc3"] = r.scatterings;
                d["number_budget_relative_error"] = r.number_budget_relative_error();
                d["energy_budget_relative_error"] = r.energy_budget_relative_error();
                d["redshift_loss_fraction"] = r.redshift_loss_MeV() / r.emitted_physical_energy_MeV;
                d["products_below_grid_per_Mpc3"] = r.underflow_number + r.lost_below_number;
                d["emitted_above_grid_fraction"] = r.emitted_above_number / (r.emitted_number + r.emitted_above_number + r.emitted_below_number);
                d["grid_shift_nodes"] = r.grid_shift_nodes;
                return d;
              })
      .object("events", "dict[str, Any]",
              "source 'dsnb': per detector name (Super-Kamiokande-Gd, JUNO) a dict of window_MeV, events, "
              "events_without_interactions, bin_edges_MeV, events_per_bin, events_per_bin_without_interactions; else empty",
              [](const S& s) -> py::object {
                py::dict d;
                for (const auto& e : s.events) {
                  py::dict x;
                  x["window_MeV"] = py::make_tuple(e.window_min_MeV, e.window_max_MeV);
                  x["events"] = e.with.events_in_window;
                  x["events_without_interactions"] = e.without.events_in_window;
                  x["bin_edges_MeV"] = to_array(e.with.edges_MeV);
                  x["events_per_bin"] = to_array(e.with.events);
                  x["events_per_bin_without_interactions"] = to_array(e.without.events);
                  d[py::str(e.name)] = x;
                }
                return d;
              });

  const nusi::diffuse_setup<double> defaults;
  function f("diffuse",
             "A diffuse flux (the DSNB, or a power law E^-spectral_index) through the expanding relic background of three mass "
             "states with s/t/u scattering (docs/physics.md, \"Diffuse fluxes\"), run with and without interactions: the "
             "attenuation by flavour, the fluxes today, the budgets and, for the DSNB, the inverse-beta-decay events in SK-Gd "
             "and JUNO (as `nusi diffuse`).",
             "diffuse_result");
  // The default mass 10^-2.7 MeV is held as a decimal no 10^x gives exactly: shown as its log10 (as the tool does), the
  // library's value used when not given.
  const std::size_t mass = f.positional("log10_mass_MeV", "float", "log10 of the mediator mass M/MeV",
                                        default_text(std::log10(defaults.interaction.med.mass_MeV)));
  const std::size_t coupling = f.positional("log10_g", "float", "log10 of the coupling g", default_text(std::log10(defaults.interaction.med.coupling)));
  const std::size_t source = f.keyword("source", choice_annotation(source_names()), default_text(std::string("dsnb")),
                                       "'dsnb': core collapses with pinched spectra by flavour; 'power_law': E^-spectral_index");
  const std::size_t evolution = f.keyword("source_evolution", choice_annotation(evolution_names()), default_text(std::string("sfr_yuksel2008")),
                                          "comoving source rate: Yuksel et al. 2008 star formation (core collapses for the DSNB), or constant");
  const nusi::power_law_source<double> power_law;
  const std::size_t index = f.keyword("spectral_index", "float", default_text(power_law.spectral_index),
                                      "source 'power_law': gamma of E^-gamma");
  std::string ratio_text = "[";
  for (std::size_t a = 0; a < 3; ++a) ratio_text += (a ? ", " : "") + default_text(power_law.composition.flavour_ratio[a]);
  const std::size_t ratio_keyword = f.keyword("composition_flavour_ratio", "ArrayLike", ratio_text + "]",
                                              "source 'power_law': the flavour ratio e:mu:tau of the sources (three numbers >= 0)");
  const std::size_t equal_states = f.keyword("composition_equal_mass_states", "bool", default_text(power_law.composition.equal_mass_states),
                                             "source 'power_law': equal thirds by mass state instead of the flavour ratio");
  const auto setup = f.add(diffuse_setup_keywords());
  const auto options = f.add(diffuse_options_keywords());
  const std::size_t threads = add_threads(f);
  const auto skgd = nusi::super_kamiokande_gd<double>();
  const auto juno = nusi::juno_dsnb<double>();
  const std::size_t exposure = f.keyword("exposure_years", "float", default_text(skgd.exposure_years), "source 'dsnb': years of data in each detector");
  const std::size_t skgd_efficiency = f.keyword("skgd_signal_efficiency", "float", default_text(skgd.signal_efficiency),
                                                "source 'dsnb': SK-Gd signal efficiency (Beacom-Vagins 2004)");
  const std::size_t juno_efficiency = f.keyword("juno_signal_efficiency", "float", default_text(juno.signal_efficiency),
                                                "source 'dsnb': JUNO signal efficiency (Yellow Book)");
  f.def(m, [=](const arguments& a) {
    nusi::diffuse_setup<double> s = setup.build(a);
    s.interaction.med.mass_MeV = a.given(mass) ? mass_from_log10(a, mass, a.real(mass)) : nusi::diffuse_setup<double>{}.interaction.med.mass_MeV;
    s.interaction.med.coupling = a.given(coupling) ? coupling_from_log10(a, coupling, a.real(coupling)) : nusi::diffuse_setup<double>{}.interaction.med.coupling;
    auto o = options.build(a);
    o.threads = read_threads(a, threads);
    const diffuse_source src = a.given(source) ? a.choice(source, source_names()) : diffuse_source::dsnb;
    const source_evolution ev = a.given(evolution) ? a.choice(evolution, evolution_names()) : source_evolution::sfr_yuksel2008;
    const std::size_t power_law_only[] = {index, ratio_keyword, equal_states};
    const std::size_t dsnb_only[] = {exposure, skgd_efficiency, juno_efficiency};
    for (const std::size_t i : src == diffuse_source::dsnb ? std::span<const std::size_t>(power_law_only) : std::span<const std::size_t>(dsnb_only))
      if (a.given(i))
        raise_value_error(a.function(), a.name(i),
                          src == diffuse_source::dsnb ? "given only with source='power_law'" : "given only with source='dsnb'", a[i]);
    dsnb_settings d{skgd.exposure_years, skgd.signal_efficiency, juno.signal_efficiency};
    if (a.given(exposure)) d.exposure_years = a.real(exposure);
    if (a.given(skgd_efficiency)) d.skgd_efficiency = a.real(skgd_efficiency);
    if (a.given(juno_efficiency)) d.juno_efficiency = a.real(juno_efficiency);
    if (src == diffuse_source::dsnb) {
      const auto comps = nusi::core_collapse_components(nusi::core_collapse_emission<double>{});
      return result.make(without_gil([&] {
        if (ev == source_evolution::constant) return run_diffuse(s, nusi::constant_source_rate<double>{}, comps, o, d);
        return run_diffuse(s, nusi::core_collapse_rate_yuksel2008<double>{}, comps, o, d);
      }));
    }
    nusi::source_composition<double> composition = power_law.composition;
    if (a.given(ratio_keyword)) {
      const auto r = a.reals(ratio_keyword);
      if (r.size() != 3) raise_value_error(a.function(), a.name(ratio_keyword), "three numbers (e, mu, tau)", a[ratio_keyword]);
      composition.flavour_ratio = {r[0], r[1], r[2]};
    }
    if (a.given(equal_states)) composition.equal_mass_states = a.flag(equal_states);
    const double gamma = a.given(index) ? a.real(index) : power_law.spectral_index;
    return result.make(without_gil([&] {
      // The tool's power law: from the lowest node up, unbounded.
      const nusi::power_law_spectrum<double> pl(gamma, o.min_energy_MeV, std::numeric_limits<double>::infinity());
      const auto comps = nusi::power_law_components(pl, composition);
      if (ev == source_evolution::constant) return run_diffuse(s, nusi::constant_source_rate<double>{}, comps, o, d);
      return run_diffuse(s, nusi::star_formation_yuksel2008<double>{}, comps, o, d);
    }));
  });
}

}  // namespace nusi_python
