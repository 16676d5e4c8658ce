// SPDX-License-Identifier: MIT
// scan.hpp: both bounds and the (M, g) points of a scan plan for many supernovae, on threads; the table
// of `nusi scan` (the same, bit for bit, for any thread count) as arrays, one entry per row.
#include <limits>

#include <nusi/scan.hpp>

#include "bindings.hpp"
#include "keywords.hpp"

namespace nusi_python {

namespace {
struct scan_table {
  nusi::scan_plan<double> plan;
  std::vector<nusi::scan_row<double>> rows;
};

/// A column of the table: value(row) where it applies (ok rows of the kind), NaN elsewhere (the CSV's empty cell).
template <class Get>
py::object column(const scan_table& t, bool points, Get get) {
  py::array_t<double> out(static_cast<py::ssize_t>(t.rows.size()));
  double* p = out.mutable_data();
  for (const auto& r : t.rows) {
    const bool applies = r.status == nusi::scan_status::ok && (r.kind == nusi::scan_row_kind::point) == points;
    *p++ = applies ? static_cast<double>(get(r)) : std::numeric_limits<double>::quiet_NaN();
  }
  return out;
}
}  // namespace

void bind_scan(py::module_& m) {
  using S = scan_table;
  static auto& result = *new result_type<S>(
      m, "scan_result",
      "The table of `nusi scan`, one entry per row (job order); a column that does not apply to a row's kind holds NaN there (the "
      "CSV's empty cell); flags are 1.0 or 0.0.");
  using R = nusi::scan_row<double>;
  const auto text_column = [](auto get) {
    return [get](const S& t) -> py::object {
      py::list out;
      for (const auto& r : t.rows) out.append(py::str(get(t, r)));
      return out;
    };
  };
  result
      .object("supernova", "list[str]", "the supernova's name in the plan",
              text_column([](const S& t, const R& r) { return t.plan.supernovae.at(r.supernova).name; }))
      .object("kind", "list[str]", "'bound' (g_prop and g_core) or 'point' (F and N_2to4 at one g)",
              text_column([](const S&, const R& r) { return std::string(r.kind == nusi::scan_row_kind::bound ? "bound" : "point"); }))
      .object("log10_mass_MeV", "NDArray[np.float64]", "log10 of the mediator mass M/MeV", [](const S& t) -> py::object {
        py::array_t<double> out(static_cast<py::ssize_t>(t.rows.size()));
        double* p = out.mutable_data();
        for (const auto& r : t.rows) *p++ = r.log10_mass_MeV;
        return out;
      })
      .object("log10_g", "NDArray[np.float64]", "point rows: log10 g", [](const S& t) { return column(t, true, [](const R& r) { return r.log10_coupling; }); })
      .object("F", "NDArray[np.float64]", "point rows: F(M, g) (Sec. IV)", [](const S& t) { return column(t, true, [](const R& r) { return r.fraction.value; }); })
      .object("F_noise_floor", "NDArray[np.float64]", "point rows: F's noise floor",
              [](const S& t) { return column(t, true, [](const R& r) { return r.fraction.noise_floor; }); })
      .object("F_is_upper_limit", "NDArray[np.float64]", "point rows: F below its noise floor",
              [](const S& t) { return column(t, true, [](const R& r) { return r.fraction.is_upper_limit; }); })
      .object("propagation_excluded", "NDArray[np.float64]", "point rows: F <= level",
              [](const S& t) { return column(t, true, [](const R& r) { return r.propagation_excluded; }); })
      .object("N_2to4", "NDArray[np.float64]", "point rows: 2nu -> 4nu scatterings per neutrino in the core (Eq. 7)",
              [](const S& t) { return column(t, true, [](const R& r) { return r.N_2to4; }); })
      .object("core_excluded", "NDArray[np.float64]", "point rows: N_2to4 >= 1",
              [](const S& t) { return column(t, true, [](const R& r) { return r.core_excluded; }); })
      .object("log10_g_prop", "NDArray[np.float64]", "bound rows: log10 g_prop(M)",
              [](const S& t) { return column(t, false, [](const R& r) { return r.propagation_bound.log10_g_bound; }); })
      .object("g_prop_found", "NDArray[np.float64]", "bound rows: whether g_prop was found inside the search",
              [](const S& t) { return column(t, false, [](const R& r) { return r.propagation_bound.found; }); })
      .object("F_at_g_prop", "NDArray[np.float64]", "bound rows: F at g_prop",
              [](const S& t) { return column(t, false, [](const R& r) { return r.propagation_bound.fraction_at_bound; }); })
      .object("log10_g_core", "NDArray[np.float64]", "bound rows: log10 g_core(M)",
              [](const S& t) { return column(t, false, [](const R& r) { return r.log10_g_core; }); })
      .object("status", "list[str]", "'ok' or 'numerical_error' (the job threw nusi::numerical_error)",
              text_column([](const S&, const R& r) { return std::string(r.status == nusi::scan_status::ok ? "ok" : "numerical_error"); }));

  function f("scan",
             "Runs a scan plan (the tool's plan-file format, `nusi scan --print-plan`; default the library's default_scan_plan: 3 "
             "supernovae x 5 masses x (bound + 3 couplings)) on `threads` threads: g_prop(M), g_core(M), and F and N_2to4 at each (M, g).",
             "scan_result");
  const std::size_t plan = f.positional("plan", "str | None", "the plan file (default: the library's default plan)", "None");
  const std::size_t threads = add_threads(f);
  f.def(m, [=](const arguments& a) {
    S t;
    t.plan = a.given(plan) ? nusi::read_scan_plan_file<double>(a.text(plan)) : nusi::default_scan_plan<double>();
    const std::size_t n = read_threads(a, threads);
    t.rows = without_gil([&] { return nusi::run_scan(t.plan, n); });
    return result.make(t);
  });
}

}  // namespace nusi_python
