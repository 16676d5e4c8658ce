// SPDX-License-Identifier: MIT
// propagation_bound.hpp, time_spread_bound.hpp: the bounds on the mass axis of Fig. 1 over an array of
// masses on threads (each mass independent: the results do not depend on the thread count). g_prop(M)
// of paper Sec. IV (F = level on the falling branch); the arrival-time-spread bound (F_window = level).
#include <nusi/parallel.hpp>
#include <nusi/propagation_bound.hpp>
#include <nusi/time_spread_bound.hpp>

#include "bindings.hpp"
#include "keywords.hpp"

namespace nusi_python {

namespace {
/// log10_mass_MeV of a mass scan: the broadcast of the array, each in the accepted range.
broadcast checked_masses(const arguments& a, std::size_t mass) {
  broadcast b(a, {{mass, 0.0}});
  for (std::size_t e = 0; e < b.size(); ++e)
    if (!(b.at(0, e) >= nusi::lowest_log10_mass_MeV<double> && b.at(0, e) <= nusi::highest_log10_mass_MeV<double>))
      raise_value_error(a.function(), "log10_mass_MeV", "in [-30, 10]", py::float_(b.at(0, e)));
  return b;
}

/// job(k) for every mass k on `threads` threads without the GIL, results in mass order.
template <class Point, class Job>
std::vector<Point> over_masses(std::size_t count, std::size_t threads, Job job) {
  std::vector<Point> out(count);
  without_gil([&] {
    nusi::parallel_for(count, threads, [&](std::size_t k) { out[k] = job(k); });
    return 0;
  });
  return out;
}
}  // namespace

void bind_bounds(py::module_& m) {
  {
    using point = nusi::propagation_bound_point<double>;
    static auto& result = *new result_type<point>(m, "propagation_bound_result",
                                                 "g_prop(M) (paper Sec. IV, Fig. 1): the keys of `nusi bound propagation --json` per mass.");
    result.real("log10_mass_MeV", "log10 of the mediator mass M/MeV", [](const point& p) { return p.log10_mass_MeV; })
        .real("log10_g_bound", "log10 of the smallest g on the falling branch with F <= level; when not found, the search edge",
              [](const point& p) { return p.log10_g_bound; })
        .flag("found", "whether F crosses the level inside the search interval", [](const point& p) { return p.found; })
        .real("fraction_at_bound", "F at log10_g_bound (the level up to the tolerance when found)", [](const point& p) { return p.fraction_at_bound; })
        .integer("evaluations", "transport solves used", [](const point& p) { return static_cast<long long>(p.evaluations); });
    function f("propagation_bound",
               "The propagation bound g_prop(M) (paper Sec. IV, Fig. 1): F(M, g) = exclusion_level solved in log10 g on the falling "
               "branch of F, at each mass of log10_mass_MeV (a number or an array; masses run on `threads`).",
               "propagation_bound_result");
    const std::size_t mass = add_masses(f, "log10 of the mediator mass M/MeV (a number or an array)");
    const auto setup = f.add(setup_keywords());
    const auto moments = f.add(emission_keywords());
    const std::size_t emission = add_emission_object(f);
    const auto transport = f.add(transport_keywords());
    const auto search = f.add(propagation_bound_keywords());
    const std::size_t threads = add_threads(f);
    f.def(m, [=](const arguments& a) {
      const broadcast b = checked_masses(a, mass);
      const auto s = setup.build(a);
      const auto spectrum = emitted_spectrum(a, emission, moments);
      auto options = search.build(a);
      transport.apply(options.transport, a);
      const std::size_t t = read_threads(a, threads);
      std::vector<double> masses(b.size());
      for (std::size_t e = 0; e < b.size(); ++e) masses[e] = b.at(0, e);
      const auto points = over_masses<point>(masses.size(), t, [&](std::size_t k) { return nusi::propagation_bound(masses[k], s, spectrum, options); });
      return result.make(b, points);
    });
  }
  {
    using point = nusi::time_spread_bound_point<double>;
    static auto& result = *new result_type<point>(m, "time_spread_bound_result",
                                                 "The time-spread bound per mass (the keys of `nusi bound time-spread --json`).");
    result.real("log10_mass_MeV", "log10 of the mediator mass M/MeV", [](const point& p) { return p.log10_mass_MeV; })
        .real("log10_g_bound", "smallest log10 g with F_window <= level (found), else the search edge", [](const point& p) { return p.log10_g_bound; })
        .flag("found", "whether F_window crosses the level inside the search interval", [](const point& p) { return p.found; })
        .real("log10_g_error", "Monte Carlo standard error of log10_g_bound", [](const point& p) { return p.log10_g_error; })
        .real("log10_g_unscattered_only", "where the exact unscattered part alone reaches the level (a floor of the bound)",
              [](const point& p) { return p.log10_g_unscattered_only; })
        .real("fraction_within_window", "F_window = N(E > threshold, delay < window)/N(emitted) at the bound", [](const point& p) { return p.at_bound.value; })
        .real("unscattered_fraction", "its exact unscattered part", [](const point& p) { return p.at_bound.unscattered; })
        .real("scattered_within_window", "its Monte Carlo scattered part", [](const point& p) { return p.at_bound.scattered_within_window; })
        .real("fraction_error", "Monte Carlo standard error of fraction_within_window", [](const point& p) { return p.at_bound.error; })
        .integer("evaluations", "Monte Carlo runs", [](const point& p) { return static_cast<long long>(p.evaluations); });
    function f("time_spread_bound",
               "The time-spread bound: excluded where F_window = N(E > threshold, delay < window_s)/N(emitted) <= exclusion_level, the "
               "unscattered part exact and the scattered arrivals from the Monte Carlo (common random numbers), at each mass of "
               "log10_mass_MeV (masses run on `threads`).",
               "time_spread_bound_result");
    const std::size_t mass = add_masses(f, "log10 of the mediator mass M/MeV (a number or an array)");
    const auto setup = f.add(setup_keywords());
    const auto moments = f.add(emission_keywords());
    const std::size_t emission = add_emission_object(f);
    const auto window = f.add(time_spread_window_keywords());
    const auto search = f.add(time_spread_keywords());
    const std::size_t threads = add_threads(f);
    f.def(m, [=](const arguments& a) {
      const broadcast b = checked_masses(a, mass);
      const auto s = setup.build(a);
      const auto spectrum = emitted_spectrum(a, emission, moments);
      auto options = search.build(a);
      window.apply(options.window, a);
      const std::size_t t = read_threads(a, threads);
      std::vector<double> masses(b.size());
      for (std::size_t e = 0; e < b.size(); ++e) masses[e] = b.at(0, e);
      const auto points = over_masses<point>(masses.size(), t, [&](std::size_t k) { return nusi::time_spread_bound(masses[k], s, spectrum, options); });
      return result.make(b, points);
    });
  }
}

}  // namespace nusi_python
