// SPDX-License-Identifier: MIT
// mass_states.hpp, transport/mass_state_propagate.hpp, mass_state_bound.hpp: the three-mass-state model
// (docs/physics.md, "Mass states"): the fractions above threshold by detected flavour, flavour and mass state over
// arrays of (M, g) on threads, and the propagation bound g_prop(M) under the model, over an array of masses on threads.
// The setup is built from the same library structs as `nusi propagate --relic-model mass-states` and `nusi bound
// propagation --relic-model mass-states`; the burst is electron antineutrinos with the pinched spectrum, as the tool's.
#include <array>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include <nusi/mass_state_bound.hpp>
#include <nusi/mass_states.hpp>
#include <nusi/parallel.hpp>
#include <nusi/transport/mass_state_angle_propagate.hpp>
#include <nusi/transport/mass_state_propagate.hpp>

#include "bindings.hpp"
#include "keywords.hpp"

namespace nusi_python {

namespace {
using setup_type = nusi::mass_state_setup<double>;
using burst_type = std::vector<nusi::flavour_emission<double, nusi::pinched_spectrum<double>>>;
using burst_span = std::span<const nusi::flavour_emission<double, nusi::pinched_spectrum<double>>>;

/// The fractions at one point with the model's numbers the tool prints beside them.
struct fractions_point {
  double log10_mass_MeV = 0, log10_g = 0;
  setup_type setup;
  nusi::mass_state_fractions<double> f{};
  std::array<double, 3> masses_eV{};
  double sum_masses_eV = 0, relic_density_per_helicity_per_cm3 = 0, width_MeV = 0;
};

/// One mass of the bound (its own type: the paper's bound binds propagation_bound_point).
struct bound_point {
  nusi::propagation_bound_point<double> p;
};

/// The burst of the tool's mass-state runs (mass_state_flags::emission): electron antineutrinos with the spectrum.
burst_type electron_antineutrinos(const nusi::pinched_spectrum<double>& spectrum) {
  return {{nusi::flavour::e, true, spectrum, 1.0}};
}

/// The model's numbers the tool prints beside the fractions.
void describe_model(fractions_point& s, const nusi::mass_state_model<double>& model) {
  for (std::size_t i = 0; i < 3; ++i) s.masses_eV[i] = model.spectrum().mass_eV(i);
  s.sum_masses_eV = model.spectrum().sum_masses_eV();
  s.relic_density_per_helicity_per_cm3 = model.relic().density_per_helicity_per_cm3();
  s.width_MeV = model.scattering().width_MeV();
}

/// The fractions at one setup (the mediator set), computed without Python objects.
fractions_point fractions_at(double log10_mass_MeV, double log10_g, const setup_type& setup, const burst_type& burst,
                             const nusi::transport_options<double>& options) {
  fractions_point s;
  s.log10_mass_MeV = log10_mass_MeV;
  s.log10_g = log10_g;
  s.setup = setup;
  const nusi::mass_state_model<double> model(setup);
  s.f = nusi::mass_state_fractions_above_threshold(model, burst_span(burst), options);
  describe_model(s, model);
  return s;
}

/// The energy-angle result at one setup, with the fractions' point (its fractions the energy-angle run's marginal).
struct energy_angle_point {
  fractions_point point;
  nusi::mass_state_energy_angle_result<double> r;
};
/// The fields of mass_state_fractions_result (the keys of `nusi propagate --relic-model mass-states --json`), for any Source
/// holding a fractions_point reached by `get`.
template <class Source, class Get>
void add_fraction_fields(result_type<Source>& t, Get get) {
  const auto optional = [](const nusi::threshold_fraction<double>& x, bool defined) {
    return defined ? std::optional<double>(x.value) : std::nullopt;
  };
  t.real("log10_mass_MeV", "log10 of the mediator mass M/MeV", [get](const Source& s) { return get(s).log10_mass_MeV; })
      .real("log10_g", "log10 of the coupling g", [get](const Source& s) { return get(s).log10_g; })
      .text("detected_flavor", "the flavour whose antineutrinos are detected",
            [get](const Source& s) { return std::string(nusi::flavour_name(get(s).setup.detected_flavour)); })
      .real("fraction_above_threshold", "F of the detected neutrinos (the bound's F); 0 when an upper limit",
            [get](const Source& s) { return get(s).f.detected.value; })
      .flag("fraction_is_upper_limit", "F is below its noise floor: only F < fraction_noise_floor is known",
            [get](const Source& s) { return get(s).f.detected.is_upper_limit; })
      .real("fraction_noise_floor", "the level below which F is rounding noise", [get](const Source& s) { return get(s).f.detected.noise_floor; })
      .keyed("fraction_above_threshold_by_flavor", "F of the antineutrinos of each flavour: keys 'e', 'mu', 'tau'", {"e", "mu", "tau"},
             [optional, get](const Source& s, std::size_t k) { return optional(get(s).f.by_flavour[k], get(s).f.flavour_defined[k]); })
      .keyed("fraction_above_threshold_by_mass_state", "F of the antineutrinos of each mass state: keys '1', '2', '3'", {"1", "2", "3"},
             [optional, get](const Source& s, std::size_t k) { return optional(get(s).f.by_mass_state[k], get(s).f.mass_state_defined[k]); })
      .real("fraction_all_neutrinos", "the paper's F: every neutrino of every kind above threshold per emitted one",
            [get](const Source& s) { return get(s).f.all_neutrinos.value; })
      .real("emitted_fraction_above_threshold", "the emitted fraction above threshold on the grid (the g -> 0 value)",
            [get](const Source& s) { return get(s).f.unscattered; })
      .flag("excluded", "F <= exclusion_level", [get](const Source& s) { return get(s).f.detected.value <= get(s).setup.exclusion_level; })
      .real("exclusion_level", "the exclusion level on F", [get](const Source& s) { return get(s).setup.exclusion_level; })
      .array("masses_eV", "the masses m1, m2, m3 [eV]", [get](const Source& s) { return std::vector<double>(get(s).masses_eV.begin(), get(s).masses_eV.end()); })
      .real("sum_masses_eV", "m1 + m2 + m3 [eV]", [get](const Source& s) { return get(s).sum_masses_eV; })
      .real("relic_density_per_state_per_helicity_per_cm3", "relic density per mass state and helicity [cm^-3]",
            [get](const Source& s) { return get(s).relic_density_per_helicity_per_cm3; })
      .real("mediator_width_MeV", "the mediator's width [MeV]", [get](const Source& s) { return get(s).width_MeV; });
}
}  // namespace

void bind_mass_states(py::module_& m) {
  const setup_type defaults;
  {
    using S = fractions_point;
    static auto& result = *new result_type<S>(
        m, "mass_state_fractions_result",
        "Fractions above threshold under the three-mass-state model (docs/physics.md, \"Mass states\"): the keys of `nusi "
        "propagate --relic-model mass-states --json`. Each fraction is relative to its own antineutrinos at Earth without "
        "interactions, all energies; an undefined one (none without interactions) is None (NaN in arrays).");
    add_fraction_fields(result, [](const S& s) -> const fractions_point& { return s; });
    function f("mass_state_fractions",
               "Fractions above threshold under the three-mass-state model (docs/physics.md, \"Mass states\"): mass states with "
               "mixing, relics of each state, s/t/u channels, the burst of electron antineutrinos with the pinched spectrum "
               "transported on the energy grid to distance_cm; F of the detected flavour's antineutrinos and by flavour and mass "
               "state. log10_mass_MeV and log10_g broadcast together (a record whose fields are arrays); many points run on `threads`.",
               "mass_state_fractions_result");
    const std::size_t mass = f.positional("log10_mass_MeV", "ArrayLike", "log10 of the mediator mass M/MeV (a number or an array)",
                                          log10_default_text(defaults.interaction.med.mass_MeV));
    const std::size_t coupling = f.positional("log10_g", "ArrayLike", "log10 of the coupling g (a number or an array, broadcast with log10_mass_MeV)",
                                              log10_default_text(defaults.interaction.med.coupling));
    const auto setup = f.add(mass_state_setup_keywords());
    const auto moments = f.add(emission_keywords());
    const std::size_t emission = add_emission_object(f);
    const auto transport = f.add(transport_keywords());
    const std::size_t threads = add_threads(f);
    const double default_mass = std::stod(log10_default_text(defaults.interaction.med.mass_MeV));
    const double default_coupling = std::stod(log10_default_text(defaults.interaction.med.coupling));
    f.def(m, [=](const arguments& a) {
      const broadcast b(a, {{mass, default_mass}, {coupling, default_coupling}});
      const auto base = setup.build(a);
      const auto burst = electron_antineutrinos(emitted_spectrum(a, emission, moments));
      auto options = transport.build(a);
      const std::size_t t = read_threads(a, threads);
      if (b.scalar()) options.threads = t;  // one point: its transport on the threads (the same numbers)
      std::vector<setup_type> setups(b.size(), base);
      for (std::size_t e = 0; e < b.size(); ++e) {  // the mediator of each point: the struct's own where not given
        setups[e].interaction.med.mass_MeV = a.given(mass) ? mass_from_log10(a, mass, b.at(0, e)) : base.interaction.med.mass_MeV;
        setups[e].interaction.med.coupling = a.given(coupling) ? coupling_from_log10(a, coupling, b.at(1, e)) : base.interaction.med.coupling;
      }
      std::vector<S> points(b.size());
      without_gil([&] {
        nusi::parallel_for(points.size(), b.scalar() ? 1 : t,
                           [&](std::size_t k) { points[k] = fractions_at(b.at(0, k), b.at(1, k), setups[k], burst, options); });
        return 0;
      });
      return result.make(b, points);
    });
  }
  {
    using S = bound_point;
    static auto& result = *new result_type<S>(m, "mass_state_bound_result",
                                             "g_prop(M) under the three-mass-state model: the keys of `nusi bound propagation "
                                             "--relic-model mass-states --json` per mass.");
    result.real("log10_mass_MeV", "log10 of the mediator mass M/MeV", [](const S& s) { return s.p.log10_mass_MeV; })
        .real("log10_g_bound", "log10 of the smallest g on the falling branch with F_detected <= level; when not found, the search edge",
              [](const S& s) { return s.p.log10_g_bound; })
        .flag("found", "whether F crosses the level inside the search interval", [](const S& s) { return s.p.found; })
        .real("fraction_at_bound", "F at log10_g_bound (the level up to the tolerance when found)", [](const S& s) { return s.p.fraction_at_bound; })
        .integer("evaluations", "transport solves used", [](const S& s) { return static_cast<long long>(s.p.evaluations); });
    function f("mass_state_bound",
               "The propagation bound g_prop(M) under the three-mass-state model (mass_state_propagation_bound): F of the detected "
               "flavour's antineutrinos = exclusion_level solved in log10 g on the falling branch, at each mass of log10_mass_MeV "
               "(a number or an array; masses run on `threads`).",
               "mass_state_bound_result");
    const std::size_t mass = add_masses(f, "log10 of the mediator mass M/MeV (a number or an array)");
    const auto setup = f.add(mass_state_setup_keywords());
    const auto moments = f.add(emission_keywords());
    const std::size_t emission = add_emission_object(f);
    const auto transport = f.add(transport_keywords());
    const auto search = f.add(propagation_bound_keywords());
    const std::size_t threads = add_threads(f);
    f.def(m, [=](const arguments& a) {
      const broadcast b(a, {{mass, 0.0}});
      std::vector<double> masses(b.size());
      for (std::size_t e = 0; e < b.size(); ++e) {
        masses[e] = b.at(0, e);
        (void)mass_from_log10(a, mass, masses[e]);  // ValueError outside the accepted range
      }
      const auto s = setup.build(a);
      const auto burst = electron_antineutrinos(emitted_spectrum(a, emission, moments));
      auto options = search.build(a);
      transport.apply(options.transport, a);
      const std::size_t t = read_threads(a, threads);
      std::vector<S> points(masses.size());
      without_gil([&] {
        (void)nusi::mass_state_model<double>(s);  // a bad setup fails here, once, before the threads
        nusi::parallel_for(points.size(), t, [&](std::size_t k) {
          points[k].p = nusi::mass_state_propagation_bound(masses[k], s, burst_span(burst), options);
        });
        return 0;
      });
      return result.make(b, points);
    });
  }
  {
    using S = energy_angle_point;
    static auto& result = *new result_type<S>(
        m, "mass_state_energy_angle_result",
        "Energy-angle transport under the three-mass-state model (relics at rest or thermal): the fields of mass_state_fractions_result "
        "(the marginal over angle), the budgets, the mean and rms arrival angle (the keys of `nusi propagate --relic-model "
        "mass-states --energy-angle --json`) and the arrival-direction map by energy, angle and species.");
    add_fraction_fields(result, [](const S& s) -> const fractions_point& { return s.point; });
    const auto angle_mean = [](const S& s) {  // mean angle of everything on the grid, as the tool's mean_angle_rad
      const auto d = s.r.angular_distribution(false);
      double n = 0, w = 0;
      for (std::size_t a = 0; a < d.size(); ++a) {
        n += d[a];
        w += d[a] * s.r.angle_rad[a];
      }
      return n > 0 ? w / n : 0.0;
    };
    result.real("mean_scatterings", "scatterings per emitted neutrino", [](const S& s) { return s.r.energy.mean_scatterings; })
        .real("energy_budget_relative_error", "(E(D) - E(0) - injected)/E(0): zero up to rounding",
              [](const S& s) { return s.r.energy.energy_budget_relative_error(); })
        .real("number_budget_relative_error", "(N(D) - N(0) - scatterings)/N(D): zero up to rounding",
              [](const S& s) { return s.r.energy.number_budget_relative_error(); })
        .integer("energy_nodes", "energy nodes of the grid", [](const S& s) { return static_cast<long long>(s.r.energy.energy_MeV.size()); })
        .text("angle_model", "the angle model of the deflections", [](const S& s) { return std::string(nusi::angle_model_name(s.r.deflections)); })
        .integer("angle_nodes", "angle nodes of the grid", [](const S& s) { return static_cast<long long>(s.r.angle_rad.size()); })
        .real("mean_angle_above_threshold_rad", "mean arrival angle of every neutrino above threshold [rad]",
              [](const S& s) { return s.r.mean_angle_above_threshold_rad; })
        .real("rms_angle_above_threshold_rad", "root-mean-square arrival angle of every neutrino above threshold [rad]",
              [](const S& s) { return s.r.rms_angle_above_threshold_rad; })
        .real("mean_angle_rad", "mean arrival angle of every neutrino on the grid, all energies [rad]", angle_mean)
        .array("energy_MeV", "energy nodes [MeV]", [](const S& s) { return s.r.energy.energy_MeV; })
        .array("angle_rad", "angle nodes [rad] (theta = 0 first)", [](const S& s) { return s.r.angle_rad; })
        .array("one_minus_cos", "1 - cos theta at the angle nodes", [](const S& s) { return s.r.one_minus_cos; })
        .integer("species", "species per node (mass state * kinds + kind)", [](const S& s) { return static_cast<long long>(s.r.species); })
        .object("at_earth_by_angle", "NDArray[np.float64]",
                "neutrinos at (energy node, angle node, species) per emitted neutrino (below-noise values 0)",
                [](const S& s) -> py::object {
                  py::array_t<double> out({static_cast<py::ssize_t>(s.r.energy.energy_MeV.size()), static_cast<py::ssize_t>(s.r.angle_rad.size()),
                                           static_cast<py::ssize_t>(s.r.species)});
                  std::copy(s.r.at_earth.begin(), s.r.at_earth.end(), out.mutable_data());
                  return out;
                })
        .array("angular_distribution", "neutrinos at Earth per angle node, all energies and species",
               [](const S& s) { return s.r.angular_distribution(false); })
        .array("angular_distribution_above_threshold", "neutrinos at Earth per angle node above the threshold, all species",
               [](const S& s) { return s.r.angular_distribution(true); });
    function f("mass_state_energy_angle",
               "Energy-angle transport under the three-mass-state model (propagate_mass_states_energy_angle; relics at rest or "
               "thermal): "
               "the burst emitted along the line of sight, deflections composed as `deflections` says, the map by energy, angle "
               "and species at distance_cm, the fractions above threshold (marginal over angle) and the mean and rms arrival "
               "angle above threshold.",
               "mass_state_energy_angle_result");
    const std::size_t mass = f.positional("log10_mass_MeV", "float", "log10 of the mediator mass M/MeV",
                                          log10_default_text(defaults.interaction.med.mass_MeV));
    const std::size_t coupling = f.positional("log10_g", "float", "log10 of the coupling g", log10_default_text(defaults.interaction.med.coupling));
    const auto setup = f.add(mass_state_setup_keywords());
    const auto moments = f.add(emission_keywords());
    const std::size_t emission = add_emission_object(f);
    const auto transport = f.add(transport_keywords());
    const auto angles = f.add(angle_keywords());
    const std::size_t threads = add_threads(f);
    f.def(m, [=](const arguments& a) {
      S s;
      auto& p = s.point;
      p.setup = setup.build(a);
      p.log10_mass_MeV = a.given(mass) ? a.real(mass) : std::stod(log10_default_text(defaults.interaction.med.mass_MeV));
      p.log10_g = a.given(coupling) ? a.real(coupling) : std::stod(log10_default_text(defaults.interaction.med.coupling));
      if (a.given(mass)) p.setup.interaction.med.mass_MeV = mass_from_log10(a, mass, p.log10_mass_MeV);
      if (a.given(coupling)) p.setup.interaction.med.coupling = coupling_from_log10(a, coupling, p.log10_g);
      const auto burst = electron_antineutrinos(emitted_spectrum(a, emission, moments));
      auto options = transport.build(a);
      angles.apply(options, a);
      options.threads = read_threads(a, threads);
      without_gil([&] {
        const nusi::mass_state_model<double> model(p.setup);
        s.r = nusi::propagate_mass_states_energy_angle(model, burst_span(burst), options);
        p.f = s.r.energy.fractions;
        describe_model(p, model);
        return 0;
      });
      return result.make(s);
    });
  }
}

}  // namespace nusi_python
