// SPDX-License-Identifier: MIT
// nusi events: expected supernova-neutrino events per detector with and without secret interactions
// at one (M, g): every arrival (grid transport) and only those within the time window (unscattered
// exactly plus the Monte Carlo's scattered ones), beside the SN 1987A counts.
#include <cstdio>
#include <iostream>
#include <string>
#include <vector>

#include <nusi/emission/arrivals.hpp>
#include <nusi/event_bound.hpp>

#include "data_files.hpp"
#include "flags.hpp"
#include "output.hpp"

namespace {
using nusi_tool::json;
using nusi_tool::short_text;

struct events_command {
  nusi_tool::mediator_flags mediator{-6, -2.15};  // below the resonance, near the propagation bound
  nusi_tool::propagation_flags physics;
  nusi_tool::window_flags mc{nusi::event_bound_options<double>{}.window.primaries};
  bool galactic = false;
  std::string events_file;
  nusi_tool::emission_flags model_file;

  void declare(nusi_tool::command& c) {
    c.details("Expected events per detector at one (M, g): without secret interactions, with them counting every\n"
              "arrival (grid transport of Eq. 8) and counting only arrivals within the window after the light\n"
              "front (unscattered exactly + Monte Carlo scattered). SN 1987A detectors at the --distance-kpc\n"
              "default; --galactic: Super-K, Hyper-K, JUNO, DUNE for a supernova at 10 kpc.");
    mediator.declare(c);
    physics.declare(c, nusi_tool::propagation_flags::grid | nusi_tool::propagation_flags::source_energy);
    mc.declare(c, false);
    c.flag("--galactic", galactic, "modern detectors and a Galactic supernova (10 kpc unless --distance-kpc is given)");
    c.text("--events-file", events_file, "SN 1987A event table (observed counts)", "the table installed with nusi");
    c.inactive_when("--events-file", [this] { return galactic; });
    model_file.declare(c);
    c.output_formats("print one JSON object with a \"detectors\" array", "print a CSV table, one row per detector");
  }

  int run(const nusi_tool::command& c) {
    const auto output = c.format();
    if (galactic && !c.was_set("--distance-kpc"))
      physics.distance_kpc = nusi_tool::flag_value(nusi::galactic_supernova_distance_cm<double>, [](double x) { return nusi::kpc(x); }, 10);
    nusi::propagation_setup<double> setup = physics.setup();
    setup.med = mediator.mediator();
    const auto model = model_file.load(c);
    const nusi::supernova_emission<double> emission = model ? nusi::supernova_emission<double>{} : physics.source();
    nusi::event_bound_options<double> o;
    o.transport = physics.options();
    o.window = mc.options();
    std::vector<nusi::detector<double>> detectors;
    std::vector<double> observed_all, observed_selected;
    if (galactic) {
      for (auto d : nusi::galactic_detectors) detectors.push_back(nusi::detector_model<double>(d));
    } else {
      if (events_file.empty()) events_file = nusi_tool::data_file("sn1987a/sn1987a_events.csv").string();
      const auto table = nusi::load_sn1987a_events<double>(events_file);
      for (auto d : nusi::sn1987a_detectors) {
        observed_all.push_back(double(nusi::select_sn1987a_events(table, d, nusi::sn1987a_selection::all_events).size()));
        observed_selected.push_back(double(nusi::select_sn1987a_events(table, d).size()));
        detectors.push_back(nusi::detector_model<double>(d));
      }
    }
    std::vector<nusi::detector_expectation<double>> counts;
    double energy_erg = emission.energy_erg;  // in the detected flavour (anti-nu_e; a model's after conversion)
    if (model) {
      // Each detector counts the flux of its channel's flavour after conversion at the source, emitted
      // over the model's time profile (the window counts what arrives within --window-s of the first emission).
      counts.resize(detectors.size());
      for (const auto flavor : {nusi::supernova_flavor::nu_e_bar, nusi::supernova_flavor::nu_e}) {
        std::vector<nusi::detector<double>> group;
        std::vector<std::size_t> where;
        for (std::size_t d = 0; d < detectors.size(); ++d)
          if (nusi::channel_flavor(detectors[d].channel) == flavor) {
            group.push_back(detectors[d]);
            where.push_back(d);
          }
        if (group.empty()) continue;
        const auto flux = model->emission.flux(flavor, model->conversion);
        if (flavor == nusi::supernova_flavor::nu_e_bar) energy_erg = flux.emitted_energy_erg();
        const auto at_earth = nusi::flux_at_earth(flux, setup.distance_cm);
        const nusi::emission_arrivals<double> arrivals(flux, o.window.window_s);
        const auto group_counts = nusi::expected_event_counts(setup, at_earth.spectrum, at_earth.number_per_cm2, arrivals, group, o);
        for (std::size_t k = 0; k < where.size(); ++k) counts[where[k]] = group_counts[k];
      }
    } else {
      counts = nusi::expected_event_counts(setup, emission, detectors, o);
    }
    std::vector<json> rows;
    for (std::size_t d = 0; d < counts.size(); ++d) {
      json j;
      if (output == nusi_tool::output_format::csv) {
        j["log10_mass_MeV"] = mediator.log10_mass_MeV;
        j["log10_g"] = mediator.log10_g;
        j["distance_kpc"] = physics.distance_kpc;
      }
      j["detector"] = counts[d].detector;
      j["without_nusi"] = counts[d].without_nusi;
      j["time_integrated"] = counts[d].time_integrated;
      j["within_window"] = counts[d].within_window;
      j["within_window_error"] = counts[d].within_window_error;
      j["unscattered"] = counts[d].unscattered;
      if (!galactic) {
        j["observed"] = observed_selected[d];
        j["observed_including_likely_background"] = observed_all[d];
      }
      rows.push_back(j);
    }
    if (output == nusi_tool::output_format::csv) {
      std::cout << nusi_tool::csv_table(rows);
      return 0;
    }
    if (output == nusi_tool::output_format::json) {
      json out{{"log10_mass_MeV", mediator.log10_mass_MeV},
               {"log10_g", mediator.log10_g},
               {"distance_kpc", physics.distance_kpc},
               {"energy_erg", energy_erg},
               {"window_s", o.window.window_s},
               {"primaries", o.window.primaries}};
      if (model) out["emission"] = model->report;
      out["detectors"] = rows;
      c.print_json(out);
      return 0;
    }
    std::cout << "M = " << short_text(setup.med.mass_MeV) << " MeV, g = " << short_text(setup.med.coupling) << ", D = "
              << short_text(physics.distance_kpc) << " kpc, " << short_text(energy_erg) << " erg in the flavour; window "
              << short_text(o.window.window_s) << " s\n";
    if (model)
      std::cout << "emission: " << model_file.file << " (" << model_file.format << ", flavour conversion " << model_file.conversion
                << "); each detector counts its channel's flavour\n";
    std::cout << "\n";
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
};
const nusi_tool::registrar<events_command> registered_events("events", "expected events per detector with and without nuSI at (M, g)");
}  // namespace
