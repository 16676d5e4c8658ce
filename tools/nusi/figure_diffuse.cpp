// SPDX-License-Identifier: MIT
// `nusi figures`, diffuse fluxes: the DSNB attenuation and IBD event spectra in SK-Gd and JUNO with and without nuSI,
// the (M, g) region where the SK-Gd window rate changes by more than 10 %, and the high-energy attenuation beside
// nuSIprop's at its conventions (its curve: data/comparisons, results of running it). Coarse grids keep it to seconds.
#include <cmath>
#include <fstream>
#include <string>
#include <vector>

#include <fmt/format.h>

#include <nusi/diffuse.hpp>

#include "data_files.hpp"
#include "figures.hpp"
#include "output.hpp"

namespace nusi_tool {

namespace {
using namespace nusi;
using sn_component = flavour_emission<double, pinched_spectrum<double>>;
using pl_component = flavour_emission<double, power_law_spectrum<double>>;

/// nuSIprop's conventions (its nuSIprop.hpp): Yuksel SFR, H0 = 70, Omega_m = 0.308, NuFIT 5.0, 56.65 cm^-3 per state,
/// equal mass states at the source, Lagrangian coupling to nu_tau, Majorana scalar, all channels, sum m = 0.1 eV.
diffuse_setup<double> nusiprop_setup(double mass_MeV, double g) {
  diffuse_setup<double> s;
  s.interaction.med = {.mass_MeV = mass_MeV, .coupling = g};
  s.interaction.convention = coupling_convention::lagrangian;
  s.interaction.pattern = flavour_coupling_pattern<double>::single(flavour::tau);
  s.spectrum.sum_masses_eV = 0.1;
  s.spectrum.mixing = mixing_parameters<double>{33.44, 8.57, 49.0, 195.0, 7.42e-5, 2.514e-3};  // NuFIT 5.0, normal
  s.relic.density_per_helicity_per_cm3 = 56.65;
  s.cosmo = {70.0, 0.308};
  return s;
}
}  // namespace

void write_diffuse_figures(figure_context& ctx) {
  const diffuse_setup<double> setup;
  const auto comps = core_collapse_components(core_collapse_emission<double>{});
  const std::span<const sn_component> span(comps);
  const core_collapse_rate_yuksel2008<double> rate;
  diffuse_options<double> o;
  o.energy_bins = 200;
  const auto r = propagate_diffuse<double>(setup, rate, span, o);
  diffuse_options<double> free = o;
  free.interactions = false;
  const auto f = propagate_diffuse<double>(setup, rate, span, free);
  {
    std::ofstream out(ctx.file("diffuse_dsnb.csv"));
    out << "# DSNB anti-nu_e today, default nusi diffuse (log10 M = -2.7, log10 g = -3, sum m = 0.1 eV), 200 bins, "
        << o.redshift_steps << " steps\nenergy_MeV,free_flux_anti_e,flux_anti_e,attenuation_anti_e\n";
    for (std::size_t k = 0; k < r.energy_MeV.size(); ++k) {
      const double a = f.antineutrino_flux_per_cm2_s_MeV[0][k], b = r.antineutrino_flux_per_cm2_s_MeV[0][k];
      out << number_text(r.energy_MeV[k]) << ',' << number_text(a) << ',' << number_text(b) << ',' << number_text(a > 0 ? b / a : 0) << '\n';
    }
  }
  {
    std::ofstream out(ctx.file("diffuse_dsnb_events.csv"));
    out << "detector,edge_lo_MeV,edge_hi_MeV,events,events_without_interactions\n";
    for (const auto& d : {super_kamiokande_gd<double>(), juno_dsnb<double>()}) {
      const auto with = dsnb_event_spectrum(d, r), without = dsnb_event_spectrum(d, f);
      for (std::size_t b = 0; b < with.events.size(); ++b)
        out << d.model.name << ',' << number_text(with.edges_MeV[b]) << ',' << number_text(with.edges_MeV[b + 1]) << ','
            << number_text(with.events[b]) << ',' << number_text(without.events[b]) << '\n';
      ctx.summary.push_back({d.model.name + " DSNB events, 10 yr (without interactions)",
                             fmt::format("{:.3g} ({:.3g})", with.events_in_window, without.events_in_window), "-",
                             fmt::format("default diffuse point (log10 M = -2.7, log10 g = -3); {} bins, {} steps in ln(1+z); not in the paper",
                                         o.energy_bins, o.redshift_steps)});
    }
  }
  {
    // Rate ratio in the SK-Gd window on a coarse (M, g) grid: 60 bins, 8 steps (grid error ~1e-2 of the ratio).
    diffuse_options<double> coarse;
    coarse.energy_bins = 60;
    coarse.redshift_steps = 8;
    const auto skgd = super_kamiokande_gd<double>();
    diffuse_options<double> coarse_free = coarse;
    coarse_free.interactions = false;
    const double free_rate = dsnb_event_spectrum(skgd, propagate_diffuse<double>(setup, rate, span, coarse_free)).events_in_window;
    std::ofstream out(ctx.file("diffuse_dsnb_region.csv"));
    out << "# SK-Gd 10-30 MeV DSNB rate with nuSI / without, 60 bins, 8 steps\nlog10_mass_MeV,log10_g,rate_ratio\n";
    for (int i = 0; i <= 12; ++i)
      for (int j = 0; j <= 10; ++j) {
        diffuse_setup<double> s = setup;
        const double lm = -4.0 + 0.25 * i, lg = -7.0 + 0.5 * j;
        s.interaction.med = {.mass_MeV = std::pow(10.0, lm), .coupling = std::pow(10.0, lg)};
        const double ratio = dsnb_event_spectrum(skgd, propagate_diffuse<double>(s, rate, span, coarse)).events_in_window / free_rate;
        out << number_text(lm) << ',' << number_text(lg) << ',' << number_text(ratio) << '\n';
      }
  }
  ctx.plot("diffuse.py", {(ctx.out_dir / "diffuse_dsnb.csv").string(), (ctx.out_dir / "diffuse_dsnb_events.csv").string(),
                          (ctx.out_dir / "diffuse_dsnb_region.csv").string(), ctx.file("diffuse_dsnb.png").string()},
           "diffuse_dsnb.png");
  // High-energy power law beside nuSIprop at its conventions and grid (bin centres of 300 log bins over 1e12-1e17 eV).
  {
    const auto s = nusiprop_setup(0.6, 0.03);
    diffuse_options<double> he;
    he.energy_bins = 300;
    he.min_energy_MeV = 1e6 * std::pow(10.0, 5 * 0.5 / 300);
    he.max_energy_MeV = 1e6 * std::pow(10.0, 5 * 299.5 / 300);
    const power_law_spectrum<double> pl(2.5, he.min_energy_MeV, std::numeric_limits<double>::infinity());
    const auto pc = power_law_components(pl, source_composition<double>{.equal_mass_states = true});
    const std::span<const pl_component> ps(pc);
    const star_formation_yuksel2008<double> sfr;
    const auto hr = propagate_diffuse<double>(s, sfr, ps, he);
    he.interactions = false;
    const auto hf = propagate_diffuse<double>(s, sfr, ps, he);
    std::ofstream out(ctx.file("diffuse_nusiprop_ours.csv"));
    out << "# nusi diffuse at nuSIprop's conventions, M = 0.6 MeV, g = 0.03 (Lagrangian, nu_tau), 300 bins, " << he.redshift_steps
        << " steps\nenergy_MeV,attenuation_e,attenuation_mu,attenuation_tau\n";
    for (std::size_t k = 0; k < hr.energy_MeV.size(); ++k) {
      out << number_text(hr.energy_MeV[k]);
      for (std::size_t a = 0; a < 3; ++a) out << ',' << number_text(hr.flux_per_cm2_s_MeV[a][k] / hf.flux_per_cm2_s_MeV[a][k]);
      out << '\n';
    }
  }
  std::vector<std::string> args{(ctx.out_dir / "diffuse_nusiprop_ours.csv").string(), ctx.file("diffuse_nusiprop.png").string()};
  try {
    args.push_back(data_file("comparisons/nusiprop_m600keV_g0.03_300bins.csv").string());
  } catch (const usage_error&) {  // an install without the comparison data: our curve alone
  }
  ctx.plot("diffuse_nusiprop.py", args, "diffuse_nusiprop.png");
}

}  // namespace nusi_tool
