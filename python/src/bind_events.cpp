// SPDX-License-Identifier: MIT
// detection/ and event_bound.hpp: the SN 1987A event table, expected events per detector with and
// without secret interactions, and the event-level bounds (the recorded SN 1987A events; the Asimov
// sensitivity of a modern detector to a Galactic supernova) over an array of masses on threads.
#include <nusi/detection/detectors.hpp>
#include <nusi/detection/sn1987a.hpp>
#include <nusi/event_bound.hpp>
#include <nusi/parallel.hpp>

#include "bindings.hpp"
#include "keywords.hpp"

namespace nusi_python {

namespace {
/// The SN 1987A detectors by the names of their enumerators.
const choices<nusi::sn1987a_detector>& sn1987a_detector_names() {
  static const choices<nusi::sn1987a_detector> t{{"kamiokande_ii", nusi::sn1987a_detector::kamiokande_ii},
                                                 {"imb", nusi::sn1987a_detector::imb},
                                                 {"baksan", nusi::sn1987a_detector::baksan}};
  return t;
}

/// Every detector key: the SN 1987A detectors' and the library's Galactic ones.
std::string detector_keys() {
  std::string out;
  for (const auto& [name, d] : sn1987a_detector_names()) out += (out.empty() ? "'" : ", '") + name + "'";
  for (const auto& [name, d] : galactic_detector_names()) out += ", '" + name + "'";
  return out;
}

/// The detector model of one key; ValueError naming the keyword for an unknown one.
nusi::detector<double> detector_by_key(const arguments& a, std::size_t i, const std::string& key) {
  for (const auto& [name, d] : sn1987a_detector_names())
    if (name == key) return nusi::detector_model<double>(d);
  for (const auto& [name, d] : galactic_detector_names())
    if (name == key) return nusi::detector_model<double>(d);
  raise_value_error(a.function(), a.name(i), "a detector key (" + detector_keys() + ")", py::str(key));
}

/// The detectors of `detectors`: 'sn1987a' (the library's sn1987a_detectors), 'galactic' (galactic_detectors),
/// one key or a sequence of keys.
std::vector<nusi::detector<double>> detectors_of(const arguments& a, std::size_t i) {
  std::vector<nusi::detector<double>> out;
  if (PyUnicode_Check(a[i].ptr())) {
    const std::string s = a.text(i);
    if (s == "sn1987a") {
      for (auto d : nusi::sn1987a_detectors) out.push_back(nusi::detector_model<double>(d));
    } else if (s == "galactic") {
      for (auto d : nusi::galactic_detectors) out.push_back(nusi::detector_model<double>(d));
    } else {
      out.push_back(detector_by_key(a, i, s));
    }
    return out;
  }
  if (!py::isinstance<py::sequence>(a[i])) raise_type_error(a.function(), a.name(i), "a str or a sequence of str", a[i]);
  for (const auto& item : a[i].cast<py::sequence>()) {
    if (!PyUnicode_Check(item.ptr())) raise_type_error(a.function(), a.name(i), "a str or a sequence of str", item);
    out.push_back(detector_by_key(a, i, item.cast<std::string>()));
  }
  return out;
}

/// The source of the event analyses: the keywords given, at the setup's distance.
nusi::supernova_emission<double> source_at(const placed_group<nusi::supernova_emission<double>>& g, const arguments& a,
                                           const nusi::propagation_setup<double>& setup) {
  auto e = g.build(a);
  e.distance_cm = setup.distance_cm;
  return e;
}

struct events_table {
  std::vector<nusi::sn1987a_event<double>> events;
};

std::vector<nusi::sn1987a_event<double>> load_table(const arguments& a, std::size_t file) {
  const std::string path = a.given(file) ? a.text(file) : sn1987a_table_path();
  return nusi::load_sn1987a_events<double>(path);
}

std::size_t add_events_file(function& f) {
  return f.keyword("events_file", "str | None", "None", "SN 1987A event table (CSV; default the table shipped with nusi, data/sn1987a/)");
}
/// The keywords both event-level bounds take, and the scan over masses.
struct bound_parameters {
  std::size_t mass;
  placed_group<nusi::propagation_setup<double>> setup;
  placed_group<nusi::supernova_emission<double>> source;
  placed_group<nusi::transport_options<double>> transport;
  placed_group<nusi::window_fraction_options<double>> window;
  placed_group<nusi::event_bound_options<double>> options;
  std::size_t threads = 0;
  explicit bound_parameters(function& f)
      : mass(add_masses(f, "log10 of the mediator mass M/MeV (a number or an array)")),
        setup(f.add(setup_keywords())),
        source(f.add(source_keywords())),
        transport(f.add(transport_keywords())),
        window(f.add(event_window_keywords())),
        options(f.add(event_keywords())) {}
  template <class Bound>
  py::object run(const arguments& a, Bound bound, const result_type<nusi::event_bound_point<double>>& result) const {
    broadcast b(a, {{mass, 0.0}});
    for (std::size_t e = 0; e < b.size(); ++e)
      if (!(b.at(0, e) >= nusi::lowest_log10_mass_MeV<double> && b.at(0, e) <= nusi::highest_log10_mass_MeV<double>))
        raise_value_error(a.function(), "log10_mass_MeV", "in [-30, 10]", py::float_(b.at(0, e)));
    const auto s = setup.build(a);
    const auto emission = source_at(source, a, s);
    auto o = options.build(a);
    transport.apply(o.transport, a);
    window.apply(o.window, a);
    const std::size_t t = read_threads(a, threads);
    std::vector<nusi::event_bound_point<double>> points(b.size());
    without_gil([&] {
      nusi::parallel_for(points.size(), t, [&](std::size_t k) { points[k] = bound(b.at(0, k), s, emission, o); });
      return 0;
    });
    return result.make(b, points);
  }
};
}  // namespace

void bind_events(py::module_& m) {
  {
    using S = events_table;
    static auto& result = *new result_type<S>(m, "sn1987a_events",
                                             "The SN 1987A events of Kamiokande-II, IMB and Baksan (data/sn1987a/README.md), one array entry per event.");
    const auto column = [](auto get) {
      return [get](const S& s) -> py::object {
        py::array_t<double> out(static_cast<py::ssize_t>(s.events.size()));
        double* p = out.mutable_data();
        for (const auto& e : s.events) *p++ = get(e);
        return out;
      };
    };
    result
        .object("detector", "list[str]", "'kamiokande_ii', 'imb' or 'baksan'",
                [](const S& s) -> py::object {
                  py::list out;
                  for (const auto& e : s.events) out.append(py::str(choice_name(sn1987a_detector_names(), e.detector)));
                  return out;
                })
        .object("number", "NDArray[np.int64]", "event number in its detector",
                [](const S& s) -> py::object {
                  py::array_t<std::int64_t> out(static_cast<py::ssize_t>(s.events.size()));
                  std::int64_t* p = out.mutable_data();
                  for (const auto& e : s.events) *p++ = e.number;
                  return out;
                })
        .object("time_s", "NDArray[np.float64]", "time after the detector's first event [s]", column([](const auto& e) { return e.time_s; }))
        .object("energy_MeV", "NDArray[np.float64]", "measured visible energy [MeV]", column([](const auto& e) { return e.energy_MeV; }))
        .object("energy_error_MeV", "NDArray[np.float64]", "its error [MeV]", column([](const auto& e) { return e.energy_error_MeV; }))
        .object("flag", "list[str]", "'', 'likely_background' or 'low_nhit_excluded_in_original_KII_analysis'", [](const S& s) -> py::object {
          py::list out;
          for (const auto& e : s.events) out.append(py::str(e.flag));
          return out;
        });
    function f("load_sn1987a_events", "Reads the SN 1987A event table (CSV). ValueError naming the line for a malformed file.", "sn1987a_events");
    const std::size_t path = f.positional("path", "str | None", "the table (default: the one shipped with nusi)", "None");
    f.def(m, [=](const arguments& a) { return result.make(S{load_table(a, path)}); });
  }
  {
    using S = nusi::detector_expectation<double>;
    static auto& result = *new result_type<S>(m, "event_counts",
                                             "Expected events per detector at one (M, g) (the keys of `nusi events --json`), arrays over the detectors.");
    result.text("detector", "the detector's name", [](const S& s) { return s.detector; })
        .real("without_nusi", "expected events without secret interactions", [](const S& s) { return s.without_nusi; })
        .real("time_integrated", "with them, every arrival counted (grid transport of Eq. 8)", [](const S& s) { return s.time_integrated; })
        .real("within_window", "with them, arrivals within window_s of the light front", [](const S& s) { return s.within_window; })
        .real("within_window_error", "Monte Carlo error of within_window", [](const S& s) { return s.within_window_error; })
        .real("unscattered", "the exact (unscattered) part of within_window", [](const S& s) { return s.unscattered; });
    function f("expected_event_counts",
               "Expected events per detector at the setup's (M, g): without secret interactions, counting every arrival, and counting "
               "the arrivals within window_s (unscattered exactly plus the Monte Carlo's scattered ones). The source is at distance_cm.",
               "event_counts");
    const point_parameters point(f, false);
    const std::size_t detectors =
        f.keyword("detectors", "str | Sequence[str]", "",
                  "'sn1987a' (Kamiokande-II, IMB, Baksan), 'galactic' (Super-K, Hyper-K, JUNO, DUNE), or detector keys: " + detector_keys());
    const auto source = f.add(source_keywords());
    const auto transport = f.add(transport_keywords());
    const auto window = f.add(event_window_keywords());
    const std::size_t panel = f.keyword("panel_width_MeV", "float", default_text(nusi::event_bound_options<double>{}.panel_width_MeV),
                                        "largest Gauss-Legendre panel of the detector folding [MeV]");
    f.def(m, [=](const arguments& a) {
      const auto setup = point.build(a);
      const auto emission = source_at(source, a, setup);
      const auto dets = detectors_of(a, detectors);
      nusi::event_bound_options<double> o;
      transport.apply(o.transport, a);
      window.apply(o.window, a);
      if (a.given(panel)) o.panel_width_MeV = a.real(panel);
      const auto counts = without_gil([&] { return nusi::expected_event_counts(setup, emission, dets, o); });
      return result.make_many(counts, {static_cast<py::ssize_t>(counts.size())});
    });
  }
  {
    using S = nusi::event_bound_point<double>;
    static auto& result = *new result_type<S>(m, "event_bound_result",
                                             "An event-level bound per mass (the keys of `nusi bound sn1987a --json` and `nusi bound forecast --json`).");
    result.real("log10_mass_MeV", "log10 of the mediator mass M/MeV", [](const S& p) { return p.log10_mass_MeV; })
        .real("log10_g_bound", "smallest excluded log10 g; log10_g_min if excluded there, log10_g_max if nothing is",
              [](const S& p) { return p.log10_g_bound; })
        .flag("found", "the test statistic crosses the level inside the scan", [](const S& p) { return p.found; })
        .flag("excluded_at_scan_bottom", "already excluded at log10_g_min", [](const S& p) { return p.excluded_at_min; })
        .flag("reopens_above", "a scan point above the bound falls back below the level", [](const S& p) { return p.reopens_above; })
        .real("max_test_statistic", "largest -2 [ln L(g) - ln L(no nuSI)] of the scan", [](const S& p) { return p.max_test_statistic; })
        .real("normalisation_at_bound", "the profiled factor A on the emitted energy at the bound (1 when fixed)",
              [](const S& p) { return p.normalisation_at_bound; })
        .integer("evaluations", "likelihood evaluations", [](const S& p) { return static_cast<long long>(p.evaluations); });

    {
      function f("sn1987a_event_bound",
                 "The event-level SN 1987A bound: the recorded K-II, IMB and Baksan events against the spectrum at Earth propagated through "
                 "the relics (Eq. 8), likelihood ratio to no nuSI, the emitted energy profiled by default; at each mass of log10_mass_MeV.",
                 "event_bound_result");
      bound_parameters p(f);
      const std::size_t file = add_events_file(f);
      p.threads = add_threads(f);
      f.def(m, [=](const arguments& a) {
        const auto table = load_table(a, file);
        return p.run(a, [&](double lm, const auto& s, const auto& e, const auto& o) { return nusi::sn1987a_event_bound(lm, s, e, table, o); }, result);
      });
    }
    {
      function f("forecast_event_bound",
                 "The sensitivity of one detector to a supernova at distance_cm without nuSI: the bound its Asimov data set would give "
                 "(binned Poisson likelihood, no background); pass distance_cm=nusi.galactic_supernova_distance_cm for the Galactic one.",
                 "event_bound_result");
      bound_parameters p(f);
      const std::size_t detector = f.keyword("detector", "str", "", "the detector key: " + detector_keys());
      p.threads = add_threads(f);
      f.def(m, [=](const arguments& a) {
        const auto det = detector_by_key(a, detector, a.text(detector));
        return p.run(a, [&](double lm, const auto& s, const auto& e, const auto& o) { return nusi::forecast_event_bound(lm, s, e, det, o); }, result);
      });
    }
  }
}

}  // namespace nusi_python
