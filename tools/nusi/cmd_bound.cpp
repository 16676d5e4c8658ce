// SPDX-License-Identifier: MIT
// nusi bound propagation: the propagation bound g_prop(M) of paper Sec. IV (Fig. 1, "SN 1987A
// propagation"): the coupling where F = N(E > threshold at Earth)/N(emitted) falls to the level.
#include <span>
#include <string>
#include <vector>

#include <nusi/mass_state_bound.hpp>
#include <nusi/propagation_bound.hpp>

#include "flags.hpp"
#include "output.hpp"
#include "progress.hpp"

namespace {
struct bound_propagation_command {
  nusi_tool::propagation_flags physics;
  nusi_tool::method_flags method;
  // The paper's Fig. 1 range in steps of 0.05 dex (the resonance dip resolved).
  nusi_tool::mass_flags mass{.log10_mass_MeV = -3.5, .from = -7, .to = -1.5, .step = 0.05, .max_masses = 100000};
  nusi_tool::relic_convention_flags relic;
  nusi_tool::emission_flags model_file;
  // The mass-state model behind --relic-model, with the defaults of mass_state_setup.
  nusi_tool::mass_state_flags mass_states{nusi::mass_state_setup<double>{}.spectrum, nusi::mass_state_setup<double>{}.interaction,
                                          nusi_tool::mass_state_flags::model_choice | nusi_tool::mass_state_flags::mediator_choice |
                                          nusi_tool::mass_state_flags::relic_kinematics | nusi_tool::mass_state_flags::detected_flavour};
  long threads = 0;
  bool quiet = false;

  void declare(nusi_tool::command& c) {
    c.details("The propagation bound g_prop(M) (paper Sec. IV, Fig. 1): F(M, g) = level solved in log10 g on\n"
              "the falling branch of F, at one mass or over [--from, --to] (the paper's range). --relic-model mass-states:\n"
              "F of the detected flavour's antineutrinos under the mass-state model (mass_state_propagation_bound).");
    mass.declare(c);
    physics.declare(c, nusi_tool::propagation_flags::level | nusi_tool::propagation_flags::grid);
    relic.declare(c);
    method.declare(c, false);
    mass_states.declare(c);
    model_file.declare(c);
    c.threads_setting(threads, "threads for a scan, 0 = all cores (the curve does not depend on it)");
    c.quiet_setting(quiet);
    c.output_formats("print {log10_mass_MeV, log10_g_bound, found, fraction_at_bound} per mass",
                     "print a CSV table with the same columns");
  }

  int run(const nusi_tool::command& c) {
    const std::vector<double> masses = mass.masses(c);  // as propagation_bound_curve: from + k step
    (void)c.format();
    mass_states.resolve(c);
    const auto model_emission = model_file.load(c);
    if (model_emission && mass_states.active())
      throw nusi_tool::usage_error("--emission applies to the paper's relic model (not --relic-model mass-states)");
    const unsigned thread_count = nusi_tool::thread_count(threads);
    nusi::propagation_bound_options<double> options;
    options.transport = physics.options();
    const auto emission = physics.emission();
    std::vector<nusi::propagation_bound_point<double>> curve;
    std::string model;
    double level = 0, threshold = 0;
    if (mass_states.active()) {
      const auto setup = mass_states.setup(physics, nusi::mass_state_setup<double>{}.interaction.med);
      (void)nusi::mass_state_model<double>(setup);  // a bad setup fails here, once, before the threads
      const auto burst = mass_states.emission(physics);
      using emission_span = std::span<const nusi::flavour_emission<double, nusi::pinched_spectrum<double>>>;
      curve = nusi_tool::parallel_map("bound propagation", masses.size(), thread_count, quiet, [&](std::size_t k) {
        return nusi::mass_state_propagation_bound(masses[k], setup, emission_span(burst), options);
      });
      model = "mass states (" + mass_states.ordering + ", " +
              (mass_states.sum_given ? "sum " + nusi_tool::short_text(mass_states.sum_masses_eV)
                                             : "lightest " + nusi_tool::short_text(mass_states.lightest_mass_eV)) +
              " eV, " + mass_states.mediator_kind + ", " + mass_states.channels + "), F of anti-nu_" + mass_states.detected_flavor;
      level = setup.exclusion_level;
      threshold = setup.threshold_MeV;
    } else {
      const nusi::propagation_setup<double> setup = relic.apply(physics.setup(), c);
      if (model_emission) {
        // The anti-nu_e leaving the star (the paper's detected flavour), its time-integrated fluence.
        const auto at_earth = model_emission->at_earth(nusi::supernova_flavor::nu_e_bar, setup.distance_cm);
        curve = nusi_tool::parallel_map("bound propagation", masses.size(), thread_count, quiet, [&](std::size_t k) {
          return nusi::propagation_bound(masses[k], setup, at_earth.spectrum, options);
        });
      } else {
        curve = nusi_tool::parallel_map("bound propagation", masses.size(), thread_count, quiet, [&](std::size_t k) {
          return nusi::propagation_bound(masses[k], setup, emission, options);
        });
      }
      model = "paper's relic, " + nusi_tool::short_text(setup.relic.target_density_per_cm3()) + " targets/cm^3 (" + relic.counting + ")";
      if (model_emission) model += "; emission " + model_file.file + " (" + model_file.format + ", conversion " + model_file.conversion + ")";
      level = setup.exclusion_level;
      threshold = setup.threshold_MeV;
    }
    std::vector<nusi_tool::json> rows;
    for (const auto& b : curve)
      rows.push_back({{"log10_mass_MeV", b.log10_mass_MeV},
                      {"log10_g_bound", b.log10_g_bound},
                      {"found", b.found},
                      {"fraction_at_bound", b.fraction_at_bound}});
    c.print_rows(rows, "propagation bound: excluded where F(E > " + nusi_tool::short_text(threshold) + " MeV) <= " +
                           nusi_tool::short_text(level) + "; g above log10_g_bound; " + model);
    return 0;
  }
};
const nusi_tool::group_registrar group("bound", "bounds g(M) on the axes of Fig. 1: propagation, sn1987a, forecast, time-spread");
const nusi_tool::registrar<bound_propagation_command> registered_bound_propagation("bound propagation",
                                                                                   "the propagation bound g_prop(M) (Sec. IV, Fig. 1)");
}  // namespace
