// SPDX-License-Identifier: MIT
// monte_carlo.hpp, arrival_times.hpp: the Monte Carlo of the propagation (paper Sec. IV, the independent
// check of Eq. 8: continuous energies, exact kinematics of Eqs. 4-5, every neutrino tracked in space and
// time; deterministic in the seed) and the arrival times behind the light front.
#include <nusi/arrival_times.hpp>
#include <nusi/monte_carlo.hpp>

#include "bindings.hpp"
#include "keywords.hpp"
#include "result_fields.hpp"

namespace nusi_python {

namespace {
struct monte_carlo_point {
  double log10_mass_MeV = 0, log10_g = 0;
  double exclusion_level = 0;
  nusi::monte_carlo_result<double> r;
};
struct arrival_point {
  double log10_mass_MeV = 0, log10_g = 0;
  nusi::arrival_time_result<double> r;
};

std::string origin_name(nusi::arrival_origin o) {
  switch (o) {
    case nusi::arrival_origin::unscattered: return "unscattered";
    case nusi::arrival_origin::down_scattered: return "down_scattered";
    case nusi::arrival_origin::up_scattered: return "up_scattered";
  }
  return "unknown";
}

template <class T, class Get>
py::object arrival_column(const std::vector<nusi::arrival<double>>& list, Get get) {
  py::array_t<T> out(static_cast<py::ssize_t>(list.size()));
  T* p = out.mutable_data();
  for (const auto& x : list) *p++ = static_cast<T>(get(x));
  return out;
}
}  // namespace

void bind_monte_carlo(py::module_& m) {
  {
    using S = monte_carlo_point;
    static auto& result = *new result_type<S>(m, "monte_carlo_result",
                                             "The Monte Carlo of the propagation (the keys of `nusi propagate --method montecarlo --json`, "
                                             "histograms and the recorded arrivals).");
    result.real("log10_mass_MeV", "log10 of the mediator mass M/MeV", [](const S& s) { return s.log10_mass_MeV; })
        .real("log10_g", "log10 of the coupling g", [](const S& s) { return s.log10_g; })
        .real("fraction_above_threshold", "F = N(E > threshold at D)/N(emitted) (Sec. IV)", [](const S& s) { return s.r.fraction_above_threshold; })
        .real("fraction_error", "standard error of F from the per-primary counts", [](const S& s) { return s.r.fraction_above_threshold_error; })
        .real("fraction_upper_95", "one-sided 95% upper limit on F", [](const S& s) { return s.r.fraction_above_threshold_upper_95; })
        .flag("excluded", "F <= exclusion_level (point estimate)", [](const S& s) { return s.r.excluded; })
        .real("exclusion_level", "the exclusion level on F", [](const S& s) { return s.exclusion_level; })
        .real("mean_scatterings", "scatterings per primary of the neutrinos tracked", [](const S& s) { return s.r.mean_scatterings_per_primary; })
        .real("energy_budget_relative_error", "|emitted + relic rest - arrived - dropped|/(emitted + relic rest)",
              [](const S& s) { return s.r.energy.relative_error; })
        .real("max_history_energy_error", "the same, worst single history", [](const S& s) { return s.r.energy.max_history_relative_error; })
        .integer("primaries", "neutrinos drawn from the emitted spectrum", [](const S& s) { return static_cast<long long>(s.r.primaries); })
        .integer("arrivals", "crossings of the surface at D", [](const S& s) { return static_cast<long long>(s.r.arrivals); })
        .integer("arrivals_above_threshold", "of them above the threshold", [](const S& s) { return static_cast<long long>(s.r.arrivals_above_threshold); })
        .integer("unscattered_arrivals", "primaries that arrived without scattering", [](const S& s) { return static_cast<long long>(s.r.unscattered_arrivals); })
        .integer("dropped", "neutrinos dropped at or below the threshold", [](const S& s) { return static_cast<long long>(s.r.dropped); })
        .integer("scatterings", "scatterings of tracked neutrinos", [](const S& s) { return static_cast<long long>(s.r.scatterings); });
    add_histogram(result, "energy", "the energies at Earth", "MeV", [](const S& s) -> const auto& { return s.r.energy_spectrum_MeV; });
    add_histogram(result, "angle", "the arrival angles", "rad", [](const S& s) -> const auto& { return s.r.arrival_angle_rad; });
    add_histogram(result, "delay", "the delays behind light", "s", [](const S& s) -> const auto& { return s.r.arrival_delay_s; });
    result
        .object("arrival_primary", "NDArray[np.int64]", "recorded arrivals: index of the emitted neutrino",
                [](const S& s) { return arrival_column<std::int64_t>(s.r.arrival_list, [](const auto& x) { return x.primary; }); })
        .object("arrival_energy_MeV", "NDArray[np.float64]", "recorded arrivals: energy at Earth [MeV]",
                [](const S& s) { return arrival_column<double>(s.r.arrival_list, [](const auto& x) { return x.energy_MeV; }); })
        .object("arrival_angle_rad", "NDArray[np.float64]", "recorded arrivals: angle to the line of sight [rad]",
                [](const S& s) { return arrival_column<double>(s.r.arrival_list, [](const auto& x) { return x.angle_rad; }); })
        .object("arrival_delay_s", "NDArray[np.float64]", "recorded arrivals: delay behind light [s]",
                [](const S& s) { return arrival_column<double>(s.r.arrival_list, [](const auto& x) { return x.delay_s; }); })
        .object("arrival_generation", "NDArray[np.int64]", "recorded arrivals: scatterings along the ancestry",
                [](const S& s) { return arrival_column<std::int64_t>(s.r.arrival_list, [](const auto& x) { return x.generation; }); })
        .object("arrival_origin", "list[str]", "recorded arrivals: 'unscattered', 'down_scattered' or 'up_scattered'",
                [](const S& s) -> py::object {
                  py::list out;
                  for (const auto& x : s.r.arrival_list) out.append(py::str(origin_name(x.origin)));
                  return out;
                })
        .flag("arrival_list_complete", "false if max_recorded_arrivals was reached", [](const S& s) { return s.r.arrival_list_complete; });

    function f("monte_carlo_propagation",
               "Monte Carlo of the burst through the relic background over distance_cm (paper Sec. IV): free paths with rate n sigma_tot "
               "(Eq. 4), E_f uniform (Eq. 5), both outgoing neutrinos tracked. Deterministic in seed; the independent check of Eq. (8).",
               "monte_carlo_result");
    const point_parameters point(f, false);
    const auto moments = f.add(emission_keywords());
    const std::size_t emission = add_emission_object(f);
    const auto options = f.add(monte_carlo_keywords());
    f.def(m, [=](const arguments& a) {
      S s;
      const auto setup = point.build(a);
      s.log10_mass_MeV = a.given(point.mass) ? a.real(point.mass) : default_log10_mass_MeV();
      s.log10_g = a.given(point.coupling) ? a.real(point.coupling) : default_log10_g();
      s.exclusion_level = setup.exclusion_level;
      const auto spectrum = emitted_spectrum(a, emission, moments);
      const auto o = options.build(a);
      s.r = without_gil([&] { return nusi::monte_carlo_propagation(setup, spectrum, o); });
      return result.make(s);
    });
  }
  {
    using S = arrival_point;
    static auto& result = *new result_type<S>(m, "arrival_time_result",
                                             "Arrival times of the neutrinos above threshold behind the light front (the keys of `nusi arrival "
                                             "--json`; quantiles and the histogram as arrays), per emitted neutrino with Monte Carlo errors.");
    add_arrival_time_fields(result, [](const S& s) -> const nusi::arrival_time_result<double>& { return s.r; });

    function f("arrival_time_distribution",
               "Arrival-time distribution of the neutrinos above threshold_MeV at distance_cm (Monte Carlo, paper Sec. IV): delay "
               "quantiles and histogram behind light, the fraction within window_s.",
               "arrival_time_result");
    const point_parameters point(f, false);
    const auto moments = f.add(emission_keywords());
    const std::size_t emission = add_emission_object(f);
    const auto options = f.add(arrival_keywords());
    f.def(m, [=](const arguments& a) {
      S s;
      const auto setup = point.build(a);
      s.log10_mass_MeV = a.given(point.mass) ? a.real(point.mass) : default_log10_mass_MeV();
      s.log10_g = a.given(point.coupling) ? a.real(point.coupling) : default_log10_g();
      const auto spectrum = emitted_spectrum(a, emission, moments);
      const auto o = options.build(a);
      s.r = without_gil([&] { return nusi::arrival_time_distribution(setup, spectrum, o); });
      return result.make(s);
    });
  }
}

}  // namespace nusi_python
