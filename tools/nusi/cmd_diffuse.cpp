// SPDX-License-Identifier: MIT
// nusi diffuse: a diffuse flux through the expanding relic background (the DSNB or a power law), its attenuation by
// flavour against the same run without interactions, its budgets, and for the DSNB the IBD events in SK-Gd and JUNO.
#include <cmath>
#include <cstdio>
#include <sstream>

#include <nusi/diffuse.hpp>

#include "flags.hpp"
#include "output.hpp"
#include "progress.hpp"

namespace {
using nusi_tool::json;

struct diffuse_command {
  const nusi::diffuse_setup<double> defaults{};
  const nusi::diffuse_options<double> default_options{};
  nusi_tool::mediator_flags mediator{std::log10(defaults.interaction.med.mass_MeV), std::log10(defaults.interaction.med.coupling)};
  nusi_tool::mass_state_flags mass_states{defaults.spectrum, defaults.interaction, nusi_tool::mass_state_flags::nature_choice};
  std::string source = "dsnb", evolution = "sfr-yuksel2008", composition = "1:2:0";
  double spectral_index = nusi::power_law_source<double>{}.spectral_index;
  double z_max = defaults.max_redshift, min_energy_MeV = default_options.min_energy_MeV, max_energy_MeV = default_options.max_energy_MeV;
  long bins = static_cast<long>(default_options.energy_bins), steps = static_cast<long>(default_options.redshift_steps);
  double hubble = defaults.cosmo.hubble_km_s_Mpc, omega_m = defaults.cosmo.omega_m;
  double density = nusi::relic_density_per_helicity_per_cm3(nusi::relic_neutrino_temperature_K(nusi::cmb_temperature_K<double>));
  double exposure_years = nusi::super_kamiokande_gd<double>().exposure_years;
  double skgd_efficiency = nusi::super_kamiokande_gd<double>().signal_efficiency, juno_efficiency = nusi::juno_dsnb<double>().signal_efficiency;
  long threads = 0;

  void declare(nusi_tool::command& c) {
    c.details("The comoving Boltzmann equation of three mass states with s/t/u scattering on the relic background, "
              "sources distributed in redshift (docs/physics.md, \"Diffuse fluxes\"). Attenuation = flux / flux of the "
              "same run without interactions, by flavour (neutrinos plus antineutrinos; anti_e: antineutrinos alone).");
    c.threads_setting(threads, "threads assembling the scattering kernel, 0 = all cores (the results do not depend on it)");
    c.choice("--source", source, "dsnb: core collapses with pinched spectra by flavour; power-law: E^-gamma", {"dsnb", "power-law"});
    c.number("--spectral-index", spectral_index, "power-law source: gamma of E^-gamma");
    c.inactive_when("--spectral-index", [this] { return source != "power-law"; });
    c.text("--source-composition", composition, "power-law source: equal-mass-states or a flavour ratio e:mu:tau", composition);
    c.inactive_when("--source-composition", [this] { return source != "power-law"; });
    c.choice("--source-evolution", evolution, "comoving source rate: Yuksel et al. 2008 star formation, or constant",
             {"sfr-yuksel2008", "constant"});
    c.number("--zmax", z_max, "largest source redshift");
    c.number("--energy-min-MeV", min_energy_MeV, "lowest comoving energy node", "MeV");
    c.number("--energy-max-MeV", max_energy_MeV, "highest comoving energy node", "MeV");
    c.integer("--energy-bins", bins, "energy nodes, log-spaced");
    c.integer("--redshift-steps", steps, "steps in ln(1+z), independent of the energy grid");
    mediator.declare(c);
    mass_states.declare(c);
    c.number("--relic-density-per-state-cm3", density, "relic density per mass state and helicity today (T_nu0: 56.0)", "cm^-3");
    c.number("--hubble-km-s-Mpc", hubble, "Hubble constant H0 (Planck 2018)", "km/s/Mpc");
    c.number("--omega-m", omega_m, "matter density Omega_m of flat Lambda-CDM (Planck 2018)");
    c.number("--exposure-years", exposure_years, "dsnb: years of data in each detector", "yr");
    c.number("--skgd-efficiency", skgd_efficiency, "dsnb: SK-Gd signal efficiency (Beacom-Vagins 2004)");
    c.number("--juno-efficiency", juno_efficiency, "dsnb: JUNO signal efficiency (Yellow Book)");
    for (const char* f : {"--exposure-years", "--skgd-efficiency", "--juno-efficiency"})
      c.inactive_when(f, [this] { return source != "dsnb"; });
    c.output_formats("print the inputs, arrays per energy node and the budgets as JSON", "print one row per energy node");
  }

  nusi::source_composition<double> parse_composition() const {
    nusi::source_composition<double> out;
    if (composition == "equal-mass-states") {
      out.equal_mass_states = true;
      return out;
    }
    std::istringstream in(composition);
    char c1 = 0, c2 = 0;
    double a = -1, b = -1, t = -1;
    if (!(in >> a >> c1 >> b >> c2 >> t) || c1 != ':' || c2 != ':' || !in.eof() || a < 0 || b < 0 || t < 0 || a + b + t <= 0)
      throw nusi_tool::usage_error("--source-composition: '" + composition +
                                   "' is neither equal-mass-states nor a flavour ratio e:mu:tau of numbers >= 0, not all 0");
    out.flavour_ratio = {a, b, t};
    return out;
  }

  template <class Spectrum, class Evolution>
  int finish(const nusi_tool::command& c, const nusi::diffuse_setup<double>& setup, const Evolution& ev,
             const std::vector<nusi::flavour_emission<double, Spectrum>>& comps, nusi::diffuse_options<double> o) const {
    const std::span<const nusi::flavour_emission<double, Spectrum>> span(comps);
    const auto r = nusi::propagate_diffuse<double>(setup, ev, span, o);
    o.interactions = false;
    const auto f = nusi::propagate_diffuse<double>(setup, ev, span, o);
    const char* names[3] = {"e", "mu", "tau"};
    std::vector<json> rows;
    for (std::size_t k = 0; k < r.energy_MeV.size(); ++k) {
      json row{{"energy_MeV", r.energy_MeV[k]}};
      for (std::size_t a = 0; a < 3; ++a) {
        const double free = f.flux_per_cm2_s_MeV[a][k];
        row[std::string("attenuation_") + names[a]] = free > 0 ? r.flux_per_cm2_s_MeV[a][k] / free : 0.0;
      }
      const double free_anti = f.antineutrino_flux_per_cm2_s_MeV[0][k];
      row["attenuation_anti_e"] = free_anti > 0 ? r.antineutrino_flux_per_cm2_s_MeV[0][k] / free_anti : 0.0;
      for (std::size_t a = 0; a < 3; ++a) row[std::string("flux_") + names[a]] = r.flux_per_cm2_s_MeV[a][k];
      for (std::size_t a = 0; a < 3; ++a) row[std::string("free_flux_") + names[a]] = f.flux_per_cm2_s_MeV[a][k];
      row["flux_anti_e"] = r.antineutrino_flux_per_cm2_s_MeV[0][k];
      row["free_flux_anti_e"] = free_anti;
      rows.push_back(row);
    }
    json budgets{{"emitted_number_per_Mpc3", r.emitted_number},
                 {"scatterings_per_Mpc3", r.scatterings},
                 {"number_budget_relative_error", r.number_budget_relative_error()},
                 {"energy_budget_relative_error", r.energy_budget_relative_error()},
                 {"redshift_loss_fraction", r.redshift_loss_MeV() / r.emitted_physical_energy_MeV},
                 {"products_below_grid_per_Mpc3", r.underflow_number + r.lost_below_number},
                 {"emitted_above_grid_fraction", r.emitted_above_number / (r.emitted_number + r.emitted_above_number + r.emitted_below_number)},
                 {"grid_shift_nodes", r.grid_shift_nodes}};
    json events = json::object();
    if constexpr (std::is_same_v<Spectrum, nusi::pinched_spectrum<double>>) {
      auto skgd = nusi::super_kamiokande_gd<double>();
      auto juno = nusi::juno_dsnb<double>();
      skgd.exposure_years = juno.exposure_years = exposure_years;
      skgd.signal_efficiency = skgd_efficiency;
      juno.signal_efficiency = juno_efficiency;
      for (const auto* d : {&skgd, &juno}) {
        const auto with = nusi::dsnb_event_spectrum(*d, r), without = nusi::dsnb_event_spectrum(*d, f);
        events[d->model.name] = {{"window_MeV", {d->window_min_MeV, d->window_max_MeV}},
                                 {"events", with.events_in_window},
                                 {"events_without_interactions", without.events_in_window},
                                 {"bin_edges_MeV", with.edges_MeV},
                                 {"events_per_bin", with.events},
                                 {"events_per_bin_without_interactions", without.events}};
      }
    }
    if (c.format() == nusi_tool::output_format::csv) {
      c.print_rows(rows, "");
      return 0;
    }
    if (c.format() == nusi_tool::output_format::json) {
      json o{{"budgets", budgets}, {"events", events}};
      for (const auto& [key, value] : rows.front().items()) {
        std::vector<double> column;
        for (const auto& row : rows) column.push_back(row[key].template get<double>());
        o[key] = column;
      }
      c.print_json(o);
      return 0;
    }
    std::vector<json> sparse;
    const std::size_t stride = std::max<std::size_t>(1, rows.size() / 24);
    for (std::size_t k = 0; k < rows.size(); k += stride)
      sparse.push_back({{"energy_MeV", rows[k]["energy_MeV"]},
                        {"attenuation_e", rows[k]["attenuation_e"]},
                        {"attenuation_mu", rows[k]["attenuation_mu"]},
                        {"attenuation_tau", rows[k]["attenuation_tau"]},
                        {"attenuation_anti_e", rows[k]["attenuation_anti_e"]},
                        {"free_flux_anti_e", rows[k]["free_flux_anti_e"]}});
    c.print_rows(sparse, "attenuation at every " + std::to_string(stride) + "th node (--csv: all nodes); flux in cm^-2 s^-1 MeV^-1");
    nusi_tool::print_row("scatterings per emitted neutrino", r.scatterings / r.emitted_number);
    nusi_tool::print_row("number budget (relative)", r.number_budget_relative_error());
    nusi_tool::print_row("energy budget (relative)", r.energy_budget_relative_error());
    nusi_tool::print_row("energy lost to redshift (fraction)", r.redshift_loss_MeV() / r.emitted_physical_energy_MeV);
    for (const auto& [name, e] : events.items())
      nusi_tool::print_row(name + " events in " + nusi_tool::number_text(e["window_MeV"][0].template get<double>()) + "-" +
                               nusi_tool::number_text(e["window_MeV"][1].template get<double>()) + " MeV (without nuSI)",
                           e["events"].template get<double>(), "(" + nusi_tool::number_text(e["events_without_interactions"].template get<double>()) + ")");
    return 0;
  }

  template <class Spectrum>
  int with_evolution(const nusi_tool::command& c, const nusi::diffuse_setup<double>& setup,
                     const std::vector<nusi::flavour_emission<double, Spectrum>>& comps, const nusi::diffuse_options<double>& o) const {
    if (evolution == "constant") return finish(c, setup, nusi::constant_source_rate<double>{}, comps, o);
    if constexpr (std::is_same_v<Spectrum, nusi::pinched_spectrum<double>>)
      return finish(c, setup, nusi::core_collapse_rate_yuksel2008<double>{}, comps, o);
    else
      return finish(c, setup, nusi::star_formation_yuksel2008<double>{}, comps, o);
  }

  int run(const nusi_tool::command& c) {
    mass_states.resolve(c);
    nusi::diffuse_setup<double> setup;
    setup.interaction.med = mediator.mediator();
    mass_states.apply(setup.interaction);
    setup.spectrum = mass_states.spectrum();
    nusi_tool::require_positive("--relic-density-per-state-cm3", density);
    setup.relic.density_per_helicity_per_cm3 = density;
    setup.cosmo = {hubble, omega_m};
    setup.max_redshift = z_max;
    nusi::diffuse_options<double> o;
    nusi_tool::require_positive("--energy-min-MeV", min_energy_MeV);
    o.min_energy_MeV = min_energy_MeV;
    o.max_energy_MeV = max_energy_MeV;
    if (bins < 8 || bins > 20000) throw nusi_tool::usage_error("--energy-bins: " + std::to_string(bins) + " is outside [8, 20000]");
    if (steps < 1 || steps > 100000) throw nusi_tool::usage_error("--redshift-steps: " + std::to_string(steps) + " is outside [1, 100000]");
    o.energy_bins = static_cast<std::size_t>(bins);
    o.redshift_steps = static_cast<std::size_t>(steps);
    o.threads = nusi_tool::thread_count(threads);
    if (source == "dsnb") return with_evolution(c, setup, nusi::core_collapse_components(nusi::core_collapse_emission<double>{}), o);
    const nusi::power_law_spectrum<double> pl(spectral_index, min_energy_MeV, std::numeric_limits<double>::infinity());
    return with_evolution(c, setup, nusi::power_law_components(pl, parse_composition()), o);
  }
};
const nusi_tool::registrar<diffuse_command> registered_diffuse("diffuse",
                                                              "diffuse fluxes (DSNB or a power law) through the expanding relic background");
}  // namespace
