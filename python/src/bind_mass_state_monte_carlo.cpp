// SPDX-License-Identifier: MIT
// mass_state_monte_carlo.hpp, mass_state_arrival_times.hpp: the Monte Carlo of the three mass states (docs/physics.md,
// "Monte Carlo of mass states": continuous energies, exact kinematics, thermal relics by null collisions, directions;
// deterministic in the seed), the independent check of the grid transport, and the detected neutrinos' arrival times
// behind the light front. The setup
// and the burst are mass_state_fractions' (electron antineutrinos with the pinched spectrum, as the tool's).
#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include <nusi/mass_state_arrival_times.hpp>
#include <nusi/mass_state_monte_carlo.hpp>
#include <nusi/mass_states.hpp>

#include "bindings.hpp"
#include "keywords.hpp"
#include "result_fields.hpp"

namespace nusi_python {

namespace {
using setup_type = nusi::mass_state_setup<double>;
using burst_type = std::vector<nusi::flavour_emission<double, nusi::pinched_spectrum<double>>>;
using burst_span = std::span<const nusi::flavour_emission<double, nusi::pinched_spectrum<double>>>;

struct arrival_point {
  double log10_mass_MeV = 0, log10_g = 0;
  std::string geometry;
  nusi::arrival_time_result<double> r;
};

struct monte_carlo_point {
  double log10_mass_MeV = 0, log10_g = 0;
  setup_type setup;
  nusi::mass_state_monte_carlo_options options;
  std::size_t kinds = 1;  // neutrino kinds per mass state (species = state * kinds + kind)
  nusi::mass_state_monte_carlo_result<double> r;
};

/// The point (M, g) of a mass-state call: the scalar positional log10_mass_MeV and log10_g, defaults the setup's mediator.
struct mass_state_point {
  std::size_t mass = 0, coupling = 0;
  placed_group<setup_type> setup;
  placed_group<nusi::supernova_emission<double>> moments;
  std::size_t emission = 0;
  explicit mass_state_point(function& f) {
    const setup_type d;
    mass = f.positional("log10_mass_MeV", "float", "log10 of the mediator mass M/MeV", log10_default_text(d.interaction.med.mass_MeV));
    coupling = f.positional("log10_g", "float", "log10 of the coupling g", log10_default_text(d.interaction.med.coupling));
    setup = f.add(mass_state_setup_keywords());
    moments = f.add(emission_keywords());
    emission = add_emission_object(f);
  }
  /// The setup with the keywords and the mediator given; log10 M and log10 g as reported.
  setup_type build(const arguments& a, double& log10_mass_MeV, double& log10_g) const {
    const setup_type d;
    setup_type s = setup.build(a);
    log10_mass_MeV = a.given(mass) ? a.real(mass) : std::stod(log10_default_text(d.interaction.med.mass_MeV));
    log10_g = a.given(coupling) ? a.real(coupling) : std::stod(log10_default_text(d.interaction.med.coupling));
    s.interaction.med.mass_MeV = a.given(mass) ? mass_from_log10(a, mass, log10_mass_MeV) : d.interaction.med.mass_MeV;
    s.interaction.med.coupling = a.given(coupling) ? coupling_from_log10(a, coupling, log10_g) : d.interaction.med.coupling;
    return s;
  }
  /// The burst of the tool's mass-state runs: electron antineutrinos with the emitted spectrum.
  burst_type burst(const arguments& a) const { return {{nusi::flavour::e, true, emitted_spectrum(a, emission, moments), 1.0}}; }
};

template <class T, class Get>
py::object arrival_column(const std::vector<nusi::mass_state_arrival<double>>& list, Get get) {
  py::array_t<T> out(static_cast<py::ssize_t>(list.size()));
  T* p = out.mutable_data();
  for (const auto& x : list) *p++ = static_cast<T>(get(x));
  return out;
}

/// A Monte Carlo estimate's value, or None where the run does not estimate it (the angle moments without angles).
py::object optional_value(bool defined, double value) { return defined ? py::object(py::float_(value)) : py::object(py::none()); }
}  // namespace

void bind_mass_state_monte_carlo(py::module_& m) {
  {
    using S = arrival_point;
    static auto& result = *new result_type<S>(
        m, "mass_state_arrival_time_result",
        "Arrival times of the detected neutrinos above threshold behind the light front under the three-mass-state model (the "
        "keys of `nusi arrival --relic-model mass-states --json`; the fields of arrival_time_result plus the geometry). Fractions "
        "are per the detected neutrinos' number at Earth without interactions, all energies (as mass_state_fractions).");
    add_arrival_time_fields(result, [](const S& s) -> const nusi::arrival_time_result<double>& { return s.r; });
    result.text("geometry", "'point_source' (a point detector) or 'plane_parallel': the geometry the delays were computed in",
                [](const S& s) { return s.geometry; });
    function f("mass_state_arrival_times",
               "Arrival-time distribution of the detected neutrinos above threshold_MeV at distance_cm under the three-mass-state "
               "model (mass_state_arrival_time_distribution): the mass-state Monte Carlo with directions gives the scattered "
               "arrivals, the unscattered part is integrated exactly with relics at rest (else counted by the Monte Carlo); delay "
               "quantiles with batch errors, the histogram, "
               "the fraction within window_s. Deterministic in seed.",
               "mass_state_arrival_time_result");
    const mass_state_point point(f);
    const auto options = f.add(mass_state_arrival_keywords());
    f.def(m, [=](const arguments& a) {
      S s;
      const setup_type setup = point.build(a, s.log10_mass_MeV, s.log10_g);
      const burst_type burst = point.burst(a);
      const auto o = options.build(a);
      // The geometry the library uses: point_source only for the three-dimensional model (the planar ones are plane-parallel).
      s.geometry = choice_name(monte_carlo_geometry_names(), o.angles == nusi::angle_model::three_dimensional
                                                                ? o.geometry
                                                                : nusi::monte_carlo_geometry::plane_parallel);
      s.r = without_gil([&] {
        const nusi::mass_state_model<double> model(setup);
        return nusi::mass_state_arrival_time_distribution(model, burst_span(burst), o);
      });
      return result.make(s);
    });
  }
  {
    using S = monte_carlo_point;
    static auto& result = *new result_type<S>(
        m, "mass_state_monte_carlo_result",
        "The Monte Carlo of the three mass states (mass_state_monte_carlo): the fractions of mass_state_fractions with their "
        "standard errors over the primaries, the scatterings (and null collisions of thermal states), the energy bookkeeping "
        "and, with angles, the arrival-angle moments and the recorded arrivals as arrays.");
    const auto keyed_fractions = [](const S& s, bool by_flavour, bool error, std::size_t k) -> std::optional<double> {
      const auto& x = by_flavour ? s.r.by_flavour[k] : s.r.by_mass_state[k];
      return error ? x.error : x.value;
    };
    result.real("log10_mass_MeV", "log10 of the mediator mass M/MeV", [](const S& s) { return s.log10_mass_MeV; })
        .real("log10_g", "log10 of the coupling g", [](const S& s) { return s.log10_g; })
        .text("detected_flavor", "the flavour whose antineutrinos are detected",
              [](const S& s) { return std::string(nusi::flavour_name(s.setup.detected_flavour)); })
        .real("fraction_above_threshold", "F of the detected neutrinos per their number at Earth without interactions",
              [](const S& s) { return s.r.detected.value; })
        .real("fraction_error", "its standard error over the primaries", [](const S& s) { return s.r.detected.error; })
        .keyed("fraction_above_threshold_by_flavor", "F of the antineutrinos of each flavour: keys 'e', 'mu', 'tau'", {"e", "mu", "tau"},
               [keyed_fractions](const S& s, std::size_t k) { return keyed_fractions(s, true, false, k); })
        .keyed("fraction_error_by_flavor", "their standard errors", {"e", "mu", "tau"},
               [keyed_fractions](const S& s, std::size_t k) { return keyed_fractions(s, true, true, k); })
        .keyed("fraction_above_threshold_by_mass_state", "F of the antineutrinos of each mass state: keys '1', '2', '3'", {"1", "2", "3"},
               [keyed_fractions](const S& s, std::size_t k) { return keyed_fractions(s, false, false, k); })
        .keyed("fraction_error_by_mass_state", "their standard errors", {"1", "2", "3"},
               [keyed_fractions](const S& s, std::size_t k) { return keyed_fractions(s, false, true, k); })
        .real("fraction_all_neutrinos", "the paper's F: every neutrino of every kind above threshold per emitted one",
              [](const S& s) { return s.r.all_neutrinos.value; })
        .real("fraction_all_neutrinos_error", "its standard error", [](const S& s) { return s.r.all_neutrinos.error; })
        .flag("excluded", "F <= exclusion_level (point estimate)", [](const S& s) { return s.r.detected.value <= s.setup.exclusion_level; })
        .real("exclusion_level", "the exclusion level on F", [](const S& s) { return s.setup.exclusion_level; })
        .integer("primaries", "neutrinos drawn from the emission", [](const S& s) { return static_cast<long long>(s.r.primaries); })
        .integer("scatterings", "scatterings of neutrinos above threshold", [](const S& s) { return static_cast<long long>(s.r.scatterings); })
        .real("mean_scatterings", "scatterings per primary", [](const S& s) { return double(s.r.scatterings) / double(s.r.primaries); })
        .integer("dropped", "neutrinos dropped at or below the threshold", [](const S& s) { return static_cast<long long>(s.r.dropped); })
        .real("emitted_MeV", "energy emitted, summed over the primaries [MeV]", [](const S& s) { return s.r.emitted_MeV; })
        .integer("null_collisions", "thermal relic states: tentative collisions rejected by the null-collision tracking",
                 [](const S& s) { return static_cast<long long>(s.r.null_collisions); })
        .real("relic_rest_MeV", "energy the struck relics bring in (their masses at rest, x = E_2 - p cos theta thermal) [MeV]",
              [](const S& s) { return s.r.relic_rest_MeV; })
        .real("arrived_MeV", "energy arriving above threshold [MeV]", [](const S& s) { return s.r.arrived_MeV; })
        .real("dropped_MeV", "energy of the neutrinos dropped at or below the threshold [MeV]", [](const S& s) { return s.r.dropped_MeV; })
        .real("energy_budget_relative_error", "(emitted + relic rest - arrived - dropped)/(emitted + relic rest): rounding",
              [](const S& s) {
                const double in = s.r.emitted_MeV + s.r.relic_rest_MeV;
                return (in - s.r.arrived_MeV - s.r.dropped_MeV) / in;
              })
        .object("angles", "str | None", "the angle model of the directions, None when they were not tracked",
                [](const S& s) -> py::object {
                  if (!s.options.angles) return py::none();
                  return py::str(choice_name(angle_model_names(), *s.options.angles));
                })
        .object("geometry", "str | None", "'point_source' or 'plane_parallel' with angles, else None",
                [](const S& s) -> py::object {
                  if (!s.options.angles) return py::none();
                  return py::str(choice_name(monte_carlo_geometry_names(), s.options.geometry));
                })
        .object("mean_angle_rad", "float | None", "with angles: mean |theta| of every neutrino above threshold at Earth [rad]",
                [](const S& s) { return optional_value(s.options.angles.has_value(), s.r.mean_angle_rad.value); })
        .object("mean_angle_error_rad", "float | None", "its standard error (ratio estimator over the primaries) [rad]",
                [](const S& s) { return optional_value(s.options.angles.has_value(), s.r.mean_angle_rad.error); })
        .object("mean_square_angle_rad2", "float | None", "with angles: mean theta^2 of every neutrino above threshold [rad^2]",
                [](const S& s) { return optional_value(s.options.angles.has_value(), s.r.mean_square_angle_rad2.value); })
        .object("mean_square_angle_error_rad2", "float | None", "its standard error [rad^2]",
                [](const S& s) { return optional_value(s.options.angles.has_value(), s.r.mean_square_angle_rad2.error); })
        .object("arrival_energy_MeV", "NDArray[np.float64]", "recorded arrivals (record_arrivals): energy at Earth [MeV]",
                [](const S& s) { return arrival_column<double>(s.r.arrivals, [](const auto& x) { return x.energy_MeV; }); })
        .object("arrival_angle_rad", "NDArray[np.float64]",
                "recorded arrivals: |theta| from the line of sight (plane_parallel) or the angle on the sky (point_source) [rad]",
                [](const S& s) { return arrival_column<double>(s.r.arrivals, [](const auto& x) { return x.angle_rad; }); })
        .object("arrival_species", "NDArray[np.int64]", "recorded arrivals: species index, mass state * kinds + kind",
                [](const S& s) { return arrival_column<std::int64_t>(s.r.arrivals, [](const auto& x) { return x.species; }); })
        .object("arrival_mass_state", "NDArray[np.int64]", "recorded arrivals: mass state 1, 2 or 3",
                [](const S& s) {
                  const std::size_t kinds = s.kinds;
                  return arrival_column<std::int64_t>(s.r.arrivals, [kinds](const auto& x) { return x.species / kinds + 1; });
                })
        .object("arrival_kind", "list[str]", "recorded arrivals: 'antineutrino_right' (active antineutrino), 'neutrino_left', ...",
                [](const S& s) -> py::object {
                  py::list out;
                  for (const auto& x : s.r.arrivals)
                    out.append(py::str(std::string(nusi::neutrino_kind_name(static_cast<nusi::neutrino_kind>(x.species % s.kinds)))));
                  return out;
                })
        .object("arrival_delay_s", "NDArray[np.float64]", "recorded arrivals: delay behind light [s]",
                [](const S& s) { return arrival_column<double>(s.r.arrivals, [](const auto& x) { return x.delay_s; }); })
        .object("arrival_generation", "NDArray[np.int64]", "recorded arrivals: scatterings along the ancestry (0: unscattered)",
                [](const S& s) { return arrival_column<std::int64_t>(s.r.arrivals, [](const auto& x) { return x.generation; }); })
        .object("arrival_primary", "NDArray[np.int64]", "recorded arrivals: index of the emitted neutrino",
                [](const S& s) { return arrival_column<std::int64_t>(s.r.arrivals, [](const auto& x) { return x.primary; }); })
        .flag("arrival_list_complete", "false if max_recorded_arrivals was reached", [](const S& s) { return s.r.arrivals_complete; });
    function f("mass_state_monte_carlo",
               "Monte Carlo of the burst through the relic background of three mass states (mass_state_monte_carlo): free "
               "paths with the total rate of every relic population (thermal states by null-collision tracking), the process "
               "by its cross section, y from its dsigma/dy, both products tracked above threshold; with angles each "
               "neutrino's direction (a thermal target turns it by the sampled target energy). The fractions of mass_state_fractions with their standard errors. "
               "Deterministic in seed.",
               "mass_state_monte_carlo_result");
    const mass_state_point point(f);
    const auto options = f.add(mass_state_monte_carlo_keywords());
    const std::size_t record = options.index("record_arrivals");
    f.def(m, [=](const arguments& a) {
      S s;
      s.setup = point.build(a, s.log10_mass_MeV, s.log10_g);
      const burst_type burst = point.burst(a);
      s.options = options.build(a);
      if (s.options.record_arrivals && !s.options.angles)  // the library records arrivals only with directions
        raise_value_error(a.function(), a.name(record), "True only with angles given (arrivals are recorded with directions)", a[record]);
      s.r = without_gil([&] {
        const nusi::mass_state_model<double> model(s.setup);
        s.kinds = model.scattering().kinds();
        return nusi::mass_state_monte_carlo(model, burst_span(burst), s.options);
      });
      return result.make(s);
    });
  }
}

}  // namespace nusi_python
