// SPDX-License-Identifier: MIT
// nusi events: expected supernova-neutrino events per detector with and without secret interactions
// at one (M, g): every arrival (grid transport) and only those within the time window (unscattered
// exactly plus the Monte Carlo's scattered ones), beside the SN 1987A counts.
#include <cmath>
#include <iostream>
#include <string>
#include <vector>

#include <nusi/event_bound.hpp>

#include "beyond_flags.hpp"
#include "cli.hpp"
#include "output.hpp"

namespace {
int run(const std::vector<std::string>& args) {
  nusi::cli::transport_flags flags;
  nusi::cli::monte_carlo_flags mc(4000);
  double log10_mass = -6, log10_g = -2.15, energy_erg = 5e52;
  bool galactic = false;
  nusi::cli::format_flags format;
  std::string events_file = nusi::cli::default_sn1987a_table();
  nusi::cli::parser p("events",
                      "Expected events per detector at one (M, g): without secret interactions, with them counting every\n"
                      "arrival (grid transport of Eq. 8) and counting only arrivals within the window after the light\n"
                      "front (unscattered exactly + Monte Carlo scattered). SN 1987A detectors at 50 kpc by default;\n"
                      "--galactic: Super-K, Hyper-K, JUNO, DUNE for a supernova at 10 kpc.");
  p.option("--log10-mass-MeV", log10_mass, "log10 of the mediator mass M/MeV");
  p.option("--log10-g", log10_g, "log10 of the coupling g");
  nusi::cli::declare_physics(p, flags, false, true);
  p.option("--energy-erg", energy_erg, "energy emitted in the detected flavour", "erg");
  mc.declare(p);
  p.flag("--galactic", galactic, "modern detectors and a supernova at 10 kpc (unless --distance-kpc is given)");
  p.option("--events-file", events_file, "SN 1987A event table (observed counts)");
  format.declare(p, "print one JSON object with a \"detectors\" array", "print a CSV table, one row per detector");
  if (!p.parse(args)) return 0;
  const auto output = format.format();
  nusi::cli::require_flag_finite("--log10-mass-MeV", log10_mass, -30, 10);
  nusi::cli::require_flag_finite("--log10-g", log10_g, -30, 2);
  if (!(energy_erg > 0 && std::isfinite(energy_erg)))
    throw nusi::cli::usage_error("--energy-erg must be > 0, got " + nusi::cli::number_text(energy_erg));
  mc.validate();
  if (galactic && !p.was_set("--distance-kpc")) flags.distance_kpc = 10;
  nusi::propagation_setup<double> setup = flags.setup();
  setup.med.mass_MeV = std::pow(10.0, log10_mass);
  setup.med.coupling = std::pow(10.0, log10_g);
  nusi::supernova_emission<double> emission{.energy_erg = energy_erg, .mean_energy_MeV = flags.mean_energy_MeV,
                                            .mean_square_energy_MeV2 = flags.mean_square_energy_MeV2,
                                            .distance_cm = setup.distance_cm};
  nusi::event_bound_options<double> o;
  o.transport = flags.options();
  o.window.primaries = static_cast<std::uint64_t>(mc.primaries);
  o.window.seed = static_cast<std::uint64_t>(mc.seed);
  o.window.window_s = mc.window_s;
  std::vector<nusi::detector<double>> detectors;
  std::vector<double> observed_all, observed_selected;
  if (galactic) {
    detectors = {nusi::super_kamiokande<double>(), nusi::hyper_kamiokande<double>(), nusi::juno<double>(), nusi::dune<double>()};
  } else {
    const auto table = nusi::load_sn1987a_events<double>(events_file);
    for (auto which : {nusi::sn1987a_detector::kamiokande_ii, nusi::sn1987a_detector::imb, nusi::sn1987a_detector::baksan}) {
      observed_all.push_back(double(nusi::select_sn1987a_events(table, which, nusi::sn1987a_selection::all_events).size()));
      observed_selected.push_back(double(nusi::select_sn1987a_events(table, which).size()));
    }
    detectors = {nusi::kamiokande_ii<double>(), nusi::imb<double>(), nusi::baksan<double>()};
  }
  const auto counts = nusi::expected_event_counts(setup, emission, detectors, o);
  std::vector<nusi::cli::json_object> rows;
  for (std::size_t d = 0; d < counts.size(); ++d) {
    nusi::cli::json_object j;
    if (output == nusi::cli::output_format::csv)
      j.add("log10_mass_MeV", log10_mass).add("log10_g", log10_g).add("distance_kpc", flags.distance_kpc);
    j.add("detector", counts[d].detector).add("without_nusi", counts[d].without_nusi);
    j.add("time_integrated", counts[d].time_integrated).add("within_window", counts[d].within_window);
    j.add("within_window_error", counts[d].within_window_error).add("unscattered", counts[d].unscattered);
    if (!galactic) j.add("observed", observed_selected[d]).add("observed_including_likely_background", observed_all[d]);
    rows.push_back(j);
  }
  if (output == nusi::cli::output_format::csv) {
    std::cout << nusi::cli::json_object::csv_table(rows);
    return 0;
  }
  if (output == nusi::cli::output_format::json) {
    nusi::cli::json_object j;
    j.add("log10_mass_MeV", log10_mass).add("log10_g", log10_g).add("distance_kpc", flags.distance_kpc);
    j.add("energy_erg", energy_erg).add("window_s", mc.window_s).add("primaries", double(mc.primaries));
    j.raw("detectors", nusi::cli::json_array(rows));
    std::cout << j.str() << "\n";
    return 0;
  }
  using nusi::cli::short_text;
  std::cout << "M = " << short_text(setup.med.mass_MeV) << " MeV, g = " << short_text(setup.med.coupling) << ", D = "
            << short_text(flags.distance_kpc) << " kpc, " << short_text(energy_erg) << " erg in the flavour; window "
            << short_text(mc.window_s) << " s\n\n";
  std::cout << "detector            no nuSI   nuSI, all arrivals   nuSI, within window (unscattered)";
  if (!galactic) std::cout << "   observed";
  std::cout << "\n";
  for (std::size_t d = 0; d < counts.size(); ++d) {
    std::string name = counts[d].detector;
    name.resize(18, ' ');
    char line[200];
    std::snprintf(line, sizeof line, "%s %9.4g   %18.4g   %9.4g +- %-7.2g (%.4g)", name.c_str(), counts[d].without_nusi,
                  counts[d].time_integrated, counts[d].within_window, counts[d].within_window_error, counts[d].unscattered);
    std::cout << line;
    if (!galactic)
      std::cout << "   " << observed_selected[d]
                << (observed_all[d] > observed_selected[d] ? " (+" + short_text(observed_all[d] - observed_selected[d]) + " likely background)" : "");
    std::cout << "\n";
  }
  return 0;
}
const nusi::cli::registrar reg("events", "expected events per detector with and without nuSI at (M, g)", run);
}  // namespace
