// SPDX-License-Identifier: MIT
// transport/propagate.hpp: the burst through the relic background to Earth (paper Sec. IV, Eq. 8) on the
// energy grid: F = N(E > threshold)/N(emitted) over arrays of (M, g) on threads, the spectrum at Earth
// with its budgets, and the energy-angle map of Fig. 3.
#include <nusi/parallel.hpp>
#include <nusi/transport/propagate.hpp>

#include "bindings.hpp"
#include "keywords.hpp"

namespace nusi_python {

namespace {
/// One energy-only result with the point it was computed at.
struct energy_point {
  double log10_mass_MeV = 0, log10_g = 0;
  nusi::propagation_setup<double> setup;
  nusi::propagation_result<double> r;
};
/// One energy-angle result with its point.
struct energy_angle_point {
  double log10_mass_MeV = 0, log10_g = 0;
  nusi::propagation_setup<double> setup;
  nusi::energy_angle_result<double> r;
};

/// The fields of an energy-only result (the keys of `nusi propagate --json --spectrum`), for any Source
/// holding one (reached by `get`) and its setup.
template <class Source, class Get>
void add_energy_fields(result_type<Source>& t, Get get) {
  using P = nusi::propagation_result<double>;
  const auto r = [get](const Source& s) -> const P& { return get(s); };
  t.real("log10_mass_MeV", "log10 of the mediator mass M/MeV", [](const Source& s) { return s.log10_mass_MeV; })
      .real("log10_g", "log10 of the coupling g", [](const Source& s) { return s.log10_g; })
      .real("fraction_above_threshold", "F = N(E > threshold at Earth)/N(emitted) (Sec. IV); 0 when an upper limit",
            [r](const Source& s) { return r(s).fraction_above_threshold.value; })
      .flag("fraction_is_upper_limit", "F is below its noise floor: only F < fraction_noise_floor is known",
            [r](const Source& s) { return r(s).fraction_above_threshold.is_upper_limit; })
      .real("fraction_noise_floor", "the level below which F is rounding noise", [r](const Source& s) { return r(s).fraction_above_threshold.noise_floor; })
      .real("emitted_fraction_above_threshold", "F without interactions", [r](const Source& s) { return r(s).emitted_fraction_above_threshold; })
      .flag("excluded", "F <= exclusion_level", [r](const Source& s) { return r(s).fraction_above_threshold.value <= s.setup.exclusion_level; })
      .real("exclusion_level", "the exclusion level on F", [](const Source& s) { return s.setup.exclusion_level; })
      .real("mean_scatterings", "scatterings per emitted neutrino, down to the grid's lowest energy", [r](const Source& s) { return r(s).mean_scatterings; })
      .real("energy_budget_relative_error", "(E(D) - E(0) - injected)/E(0): zero up to rounding",
            [r](const Source& s) { return r(s).energy_budget_relative_error(); })
      .real("number_budget_relative_error", "(N(D) - N(0) - scatterings)/N(D): zero up to rounding",
            [r](const Source& s) { return r(s).number_budget_relative_error(); })
      .real("emitted_number", "neutrinos emitted on the grid, per emitted neutrino", [r](const Source& s) { return r(s).emitted_number; })
      .real("number_at_earth", "neutrinos at Earth per emitted one (> 1: up-scattered relics)", [r](const Source& s) { return r(s).number_at_earth; })
      .real("emitted_energy_MeV", "emitted energy per emitted neutrino [MeV]", [r](const Source& s) { return r(s).emitted_energy_MeV; })
      .real("energy_at_earth_MeV", "energy at Earth per emitted neutrino [MeV]", [r](const Source& s) { return r(s).energy_at_earth_MeV; })
      .real("injected_energy_MeV", "energy brought in by the struck relics [MeV]", [r](const Source& s) { return r(s).injected_energy_MeV; })
      .real("below_grid_number", "neutrinos below the grid's lowest node at Earth", [r](const Source& s) { return r(s).underflow_number; })
      .real("below_grid_energy_MeV", "their energy [MeV]", [r](const Source& s) { return r(s).underflow_energy_MeV; })
      .real("resonance_energy_MeV", "E_res = M^2/(2 m_nu) [MeV]", [](const Source& s) { return s.setup.cross_section().resonance_energy_MeV(); })
      .real("target_density_per_cm3", "relic targets [cm^-3]", [](const Source& s) { return s.setup.relic.target_density_per_cm3(); })
      .integer("energy_nodes", "energy nodes of the grid (with the resonance refinement)",
               [r](const Source& s) { return static_cast<long long>(r(s).energy_MeV.size()); })
      .array("energy_MeV", "node energies [MeV]", [r](const Source& s) { return r(s).energy_MeV; })
      .array("bin_width_MeV", "width of each node's bin [MeV]", [r](const Source& s) { return r(s).bin_width_MeV; })
      .array("emitted", "neutrinos at each node at r = 0, per emitted neutrino", [r](const Source& s) { return r(s).emitted; })
      .array("at_earth", "neutrinos at each node at r = D (below-noise values 0)", [r](const Source& s) { return r(s).at_earth; })
      .array("noise", "per node: values below it are indistinguishable from 0", [r](const Source& s) { return r(s).noise; })
      .array("emitted_per_MeV", "emitted dN/dE on the grid [MeV^-1]", [r](const Source& s) { return r(s).emitted_spectrum_per_MeV(); })
      .array("at_earth_per_MeV", "dN/dE at Earth per emitted neutrino [MeV^-1]", [r](const Source& s) { return r(s).spectrum_at_earth_per_MeV(); });
}

/// The inputs of the grid transport at one point: the point and setup, the emitted spectrum, the grid.
struct transport_parameters {
  point_parameters point;
  placed_group<nusi::supernova_emission<double>> moments;
  std::size_t emission;
  placed_group<nusi::transport_options<double>> transport;
  transport_parameters(function& f, bool arrays)
      : point(f, arrays), moments(f.add(emission_keywords())), emission(add_emission_object(f)), transport(f.add(transport_keywords())) {}
};
}  // namespace

void bind_transport(py::module_& m) {
  {
    function f("fraction_above_threshold",
               "F = N(E > threshold at Earth)/N(emitted) [dimensionless], paper Sec. IV, Eq. (8) solved exactly on the energy grid "
               "(only the nodes above threshold evolve). log10_mass_MeV and log10_g broadcast together; many points run on `threads`. "
               "Below its noise floor F is returned as 0 (propagate_energy gives the floor).",
               "float | NDArray[np.float64]");
    const transport_parameters p(f, true);
    const std::size_t threads = add_threads(f);
    f.def(m, [=](const arguments& a) {
      const broadcast b(a, {{p.point.mass, default_log10_mass_MeV()}, {p.point.coupling, default_log10_g()}});
      const auto base = p.point.setup.build(a);
      const auto emission = emitted_spectrum(a, p.emission, p.moments);
      const auto options = p.transport.build(a);
      const std::size_t t = read_threads(a, threads);
      if (b.scalar()) {  // one point: no vectors
        const auto setup = p.point.at(a, base, b.at(0, 0), b.at(1, 0));
        return py::object(py::float_(without_gil([&] { return nusi::fraction_above_threshold(setup, emission, options).value; })));
      }
      std::vector<nusi::propagation_setup<double>> setups;
      setups.reserve(b.size());
      for (std::size_t e = 0; e < b.size(); ++e) setups.push_back(p.point.at(a, base, b.at(0, e), b.at(1, e)));
      std::vector<double> out(b.size());
      without_gil([&] {
        nusi::parallel_for(out.size(), t, [&](std::size_t k) { out[k] = nusi::fraction_above_threshold(setups[k], emission, options).value; });
        return 0;
      });
      return shaped(b, out);
    });
  }
  {
    static auto& result = *new result_type<energy_point>(m, "propagation_result",
                                                        "Energy-only propagation to Earth (paper Sec. IV, Eq. 8): F, budgets and the spectrum at "
                                                        "Earth on the grid (the keys of `nusi propagate --json --spectrum`).");
    add_energy_fields(result, [](const energy_point& s) -> const nusi::propagation_result<double>& { return s.r; });
    function f("propagate_energy",
               "Energy-only transport of the emitted spectrum over distance_cm (paper Eq. 8 integrated over angle): the spectrum at Earth, "
               "F, scatterings, number and energy budgets.",
               "propagation_result");
    const transport_parameters p(f, false);
    f.def(m, [=](const arguments& a) {
      energy_point s;
      s.setup = p.point.build(a);
      s.log10_mass_MeV = a.given(p.point.mass) ? a.real(p.point.mass) : default_log10_mass_MeV();
      s.log10_g = a.given(p.point.coupling) ? a.real(p.point.coupling) : default_log10_g();
      const auto emission = emitted_spectrum(a, p.emission, p.moments);
      const auto options = p.transport.build(a);
      s.r = without_gil([&] { return nusi::propagate_energy(s.setup, emission, options); });
      return result.make(s);
    });
  }
  {
    static auto& result = *new result_type<energy_angle_point>(
        m, "energy_angle_result",
        "Energy-angle propagation (paper Eq. 8 with deflections): the energy-only fields (marginal over angle) and the arrival-"
        "direction map of Fig. 3.");
    add_energy_fields(result, [](const energy_angle_point& s) -> const nusi::propagation_result<double>& { return s.r.energy; });
    result.array("angle_rad", "angle nodes [rad] (theta = 0 first)", [](const energy_angle_point& s) { return s.r.angle_rad; })
        .array("one_minus_cos", "1 - cos theta at the angle nodes", [](const energy_angle_point& s) { return s.r.one_minus_cos; })
        .object("at_earth_by_angle", "NDArray[np.float64]", "neutrinos at (energy node, angle node) per emitted neutrino (the Fig. 3 map)",
                [](const energy_angle_point& s) -> py::object {
                  py::array_t<double> out({static_cast<py::ssize_t>(s.r.energy.energy_MeV.size()), static_cast<py::ssize_t>(s.r.angle_rad.size())});
                  std::copy(s.r.at_earth.begin(), s.r.at_earth.end(), out.mutable_data());
                  return out;
                })
        .array("angular_distribution", "neutrinos at Earth per angle node, all energies",
               [](const energy_angle_point& s) { return s.r.angular_distribution(false); })
        .array("angular_distribution_above_threshold", "neutrinos at Earth per angle node above the threshold",
               [](const energy_angle_point& s) { return s.r.angular_distribution(true); })
        .real("mean_angle_above_threshold_rad", "mean arrival angle above threshold [rad]",
              [](const energy_angle_point& s) { return s.r.mean_angle_above_threshold_rad; })
        .real("rms_angle_above_threshold_rad", "rms arrival angle above threshold [rad]",
              [](const energy_angle_point& s) { return s.r.rms_angle_above_threshold_rad; })
        .text("deflections", "the angle model of the map", [](const energy_angle_point& s) { return std::string(nusi::angle_model_name(s.r.deflections)); });
    function f("propagate_energy_angle",
               "Energy-angle transport (paper Eq. 8 with deflections composed as `deflections` says): the energy-only results plus the "
               "arrival-direction map of Fig. 3.",
               "energy_angle_result");
    const transport_parameters p(f, false);
    const auto angles = f.add(angle_keywords());
    f.def(m, [=](const arguments& a) {
      energy_angle_point s;
      s.setup = p.point.build(a);
      s.log10_mass_MeV = a.given(p.point.mass) ? a.real(p.point.mass) : default_log10_mass_MeV();
      s.log10_g = a.given(p.point.coupling) ? a.real(p.point.coupling) : default_log10_g();
      const auto emission = emitted_spectrum(a, p.emission, p.moments);
      auto options = p.transport.build(a);
      angles.apply(options, a);
      s.r = without_gil([&] { return nusi::propagate_energy_angle(s.setup, emission, options); });
      return result.make(s);
    });
  }
}

}  // namespace nusi_python
