// SPDX-License-Identifier: MIT
// profiles.hpp, random_walk.hpp, core_bound.hpp: the supernova core of paper Sec. III. Radial profiles
// (power law, constant, tabulated from arrays or a CSV file) evaluated over radii; g_core(M) over an
// array of masses with the random walk's intermediate numbers; the Fig. 2 map of N_2to4 over (M, g).
#include <nusi/core_bound.hpp>
#include <nusi/profiles.hpp>
#include <nusi/random_walk.hpp>

#include "bindings.hpp"
#include "keywords.hpp"

namespace nusi_python {

namespace {
using density_model = nusi::neutrino_density_model<double>;

/// A tabulated profile and where it came from (columns, or a CSV file), so that core_bound can rebuild it
/// with the core's own neutrino model, as the tool's --profile does with --preset.
struct profile_table {
  std::vector<double> radius_cm, density_g_per_cm3, temperature_MeV;  // empty when read from csv_path
  std::string csv_path;
  nusi::tabulated_profile<double> profile;
  nusi::tabulated_profile<double> with(const density_model& neutrinos) const {
    if (!csv_path.empty()) return nusi::tabulated_profile<double>::from_csv(csv_path, neutrinos);
    return nusi::tabulated_profile<double>(radius_cm, density_g_per_cm3, temperature_MeV, neutrinos);
  }
};

/// The neutrino-density model's keywords on any struct holding one (reached by `at`).
template <class T, class At>
void add_neutrino_model(keyword_group<T>& g, At at) {
  g.template choice<nusi::neutrino_density_preset>("preset", [at](T& t) -> nusi::neutrino_density_preset& { return at(t).preset; },
                                                   preset_names(), "neutrino density: six-species Fermi-Dirac at T(r), or the paper's quoted density");
  g.real("paper_quoted_density_per_cm3", [at](T& t) -> double& { return at(t).paper_quoted_density_per_cm3; },
         "n_nu of the paper_quoted preset [cm^-3] (paper Sec. III: 1e38)");
  g.real("degeneracy", [at](T& t) -> double& { return at(t).degeneracy; }, "degeneracy eta = mu/T of every species (paper: 0)");
  g.real("species", [at](T& t) -> double& { return at(t).species; }, "species summed in the Fermi-Dirac density (Eq. 6: 6)");
}

const keyword_group<density_model>& neutrino_model_keywords() {
  static const auto g = [] {
    keyword_group<density_model> k;
    add_neutrino_model(k, [](density_model& d) -> density_model& { return d; });
    return k;
  }();
  return g;
}

const keyword_group<nusi::core_map_grid<double>>& core_map_grid_keywords() {
  static const auto g = [] {
    keyword_group<nusi::core_map_grid<double>> k;
    k.real("log10_mass_MeV_min", [](auto& s) -> double& { return s.log10_mass_MeV_min; }, "first log10(M/MeV) of the map (Fig. 2 axis)");
    k.real("log10_mass_MeV_max", [](auto& s) -> double& { return s.log10_mass_MeV_max; }, "last log10(M/MeV) of the map");
    k.count<std::size_t>("mass_points", [](auto& s) -> std::size_t& { return s.mass_points; }, "masses of the map, >= 2");
    k.real("log10_coupling_min", [](auto& s) -> double& { return s.log10_coupling_min; }, "first log10 g of the map");
    k.real("log10_coupling_max", [](auto& s) -> double& { return s.log10_coupling_max; }, "last log10 g of the map");
    k.count<std::size_t>("coupling_points", [](auto& s) -> std::size_t& { return s.coupling_points; }, "couplings of the map, >= 2");
    return k;
  }();
  return g;
}

/// The profile evaluations every profile class has: n_N(r), n_nu(r) and <E>(r), broadcast over r.
template <class P>
void bind_profile_methods(py::module_& m, py::class_<P>& cls, std::function<const nusi::tabulated_profile<double>&(const P&)> inner = {}) {
  using in = std::vector<std::pair<std::string, std::string>>;
  const std::pair<std::string, std::string> r{"r_cm", "radius r [cm]"};
  const auto profile = [inner](const P& p) -> decltype(auto) {
    if constexpr (std::is_same_v<P, profile_table>) return inner(p);
    else return (p);
  };
  def_elementwise_method<P>(m, cls, "nucleon_density_per_cm3", "Nucleon number density n_N(r) [cm^-3].", in{r},
                            [profile](const P& p, const double* x) { return profile(p).nucleon_density_per_cm3(x[0]); });
  def_elementwise_method<P>(m, cls, "neutrino_density_per_cm3", "Neutrino density n_nu(r), all species [cm^-3].", in{r},
                            [profile](const P& p, const double* x) { return profile(p).neutrino_density_per_cm3(x[0]); });
  def_elementwise_method<P>(m, cls, "mean_energy_MeV", "Mean neutrino energy <E>(r) [MeV].", in{r},
                            [profile](const P& p, const double* x) { return profile(p).mean_energy_MeV(x[0]); });
}

/// case, profile and the core_inputs keywords of core_bound and core_map.
struct core_parameters {
  std::size_t case_index, profile_index;
  placed_group<nusi::core_inputs<double>> inputs;
  explicit core_parameters(function& f)
      : case_index(f.keyword("case", choice_annotation(core_case_names()), default_text(std::string(nusi::case_name(nusi::core_case::default_case))),
                             "the paper's case: 'default' (R_min = 15 km, <E> = 30 MeV) or 'conservative' (30 km, 15 MeV); "
                             "R_min_cm and mean_energy_MeV given explicitly override it")),
        profile_index(f.keyword("profile", "tabulated_profile | None", "None",
                                "a tabulated profile instead of the power law (its table; the neutrino gas is this call's preset, "
                                "as the tool's --profile)")),
        inputs(f.add(core_keywords())) {}

  nusi::core_inputs<double> build(const arguments& a) const {
    const auto c = a.given(case_index) ? a.choice(case_index, core_case_names()) : nusi::core_case::default_case;
    const auto base = nusi::core_inputs<double>{};
    const auto p = a.given(inputs.index("preset")) ? a.choice(inputs.index("preset"), preset_names()) : base.preset;
    nusi::core_inputs<double> in = nusi::core_inputs<double>::paper_case(c, p);
    inputs.apply(in, a);
    return in;
  }
  const profile_table* table(const arguments& a) const {
    if (!a.given(profile_index)) return nullptr;
    if (!py::isinstance<profile_table>(a[profile_index])) raise_type_error(a.function(), "profile", "a nusi.tabulated_profile or None", a[profile_index]);
    return &a[profile_index].cast<const profile_table&>();
  }
};

/// One g_core(M) with its inputs.
struct core_point {
  double log10_mass_MeV = 0;
  nusi::core_bound_result<double> bound;
  double R_min_cm = 0, R_max_cm = 0, kappa = 0;
};

std::vector<core_point> core_points(const broadcast& b, const nusi::core_inputs<double>& in,
                                    const profile_table* table) {
  std::vector<double> masses(b.size());
  for (std::size_t e = 0; e < b.size(); ++e)
    masses[e] = std::pow(10.0, b.at(0, e));  // the range is checked by the caller
  std::optional<nusi::tabulated_profile<double>> profile;
  if (table) profile = table->with(in.neutrinos());
  return without_gil([&] {
    std::vector<core_point> out(b.size());
    const auto fill = [&](const auto& walk) {
      for (std::size_t e = 0; e < b.size(); ++e) {
        out[e].log10_mass_MeV = b.at(0, e);
        out[e].bound = nusi::core_bound(walk, masses[e], in.kappa, in.kind, in.vector_angular_factor, in.E_cm_convention);
        out[e].R_min_cm = in.R_min_cm;
        out[e].R_max_cm = in.R_max_cm;
        out[e].kappa = in.kappa;
      }
    };
    if (profile)
      fill(nusi::random_walk<double, nusi::tabulated_profile<double>>(*profile, in.region(), in.sigma_nuN, in.options));
    else
      fill(in.walk());
    return out;
  });
}
}  // namespace

void bind_core(py::module_& m) {
  // --- profiles ---
  {
    using P = nusi::power_law_profile<double>;
    const std::string doc = "Power-law nucleon density n_N = rho_ref/m_u (r/r_ref)^-power_index with uniform <E> and n_nu (PHYSICS-SPEC's core).";
    py::class_<P> cls(m, "power_law_profile", doc.c_str());
    record_class(m, cls, "", doc);
    keyword_group<nusi::power_law_parameters<double>> params;
    params.real("reference_radius_cm", [](auto& s) -> double& { return s.reference_radius_cm; }, "radius r_ref [cm] where the density is rho_ref");
    params.real("reference_density_g_per_cm3", [](auto& s) -> double& { return s.reference_density_g_per_cm3; }, "mass density rho_ref [g/cm^3]");
    params.real("power_index", [](auto& s) -> double& { return s.power_index; }, "n_N ~ r^-power_index");
    params.real("mean_energy_MeV", [](auto& s) -> double& { return s.mean_energy_MeV; }, "uniform mean neutrino energy <E> [MeV]");
    add_neutrino_model(params, [](nusi::power_law_parameters<double>& s) -> density_model& { return s.neutrinos; });
    function init("power_law_profile", "The power-law profile of these parameters.", "");
    const auto p = init.add(params);
    init.def_init<P>(m, cls, [p](const arguments& a) { return P(p.build(a)); });
    def_property(m, cls, "temperature_MeV", "float", "T = <E> F_2/F_3 [MeV]", [](const P& x) { return x.temperature_MeV(); });
    bind_profile_methods(m, cls);
  }
  {
    using P = nusi::constant_profile<double>;
    const std::string doc = "A uniform core: constant mass density, mean energy and neutrino density (the paper's d = lambda N_nuN holds exactly).";
    py::class_<P> cls(m, "constant_profile", doc.c_str());
    record_class(m, cls, "", doc);
    keyword_group<nusi::constant_parameters<double>> params;
    params.real("density_g_per_cm3", [](auto& s) -> double& { return s.density_g_per_cm3; }, "mass density [g/cm^3]");
    params.real("mean_energy_MeV", [](auto& s) -> double& { return s.mean_energy_MeV; }, "mean neutrino energy <E> [MeV]");
    add_neutrino_model(params, [](nusi::constant_parameters<double>& s) -> density_model& { return s.neutrinos; });
    function init("constant_profile", "The uniform profile of these parameters.", "");
    const auto p = init.add(params);
    init.def_init<P>(m, cls, [p](const arguments& a) { return P(p.build(a)); });
    def_property(m, cls, "temperature_MeV", "float", "T = <E> F_2/F_3 [MeV]", [](const P& x) { return x.temperature_MeV(); });
    bind_profile_methods(m, cls);
  }
  {
    const std::string doc =
        "A profile tabulated in radius: nucleon density and temperature at each node, interpolated monotonically in log r "
        "(a power law is reproduced exactly); n_nu and <E> follow from T by Fermi-Dirac (or the paper_quoted density). "
        "Evaluation outside the table raises ValueError.";
    py::class_<profile_table> cls(m, "tabulated_profile", doc.c_str());
    record_class(m, cls, "", doc);
    function init("tabulated_profile", "From columns: radius [cm] strictly increasing, density [g/cm^3] > 0, temperature [MeV] > 0, >= 2 rows.", "");
    const std::size_t r = init.positional("radius_cm", "ArrayLike", "radii [cm], strictly increasing");
    const std::size_t rho = init.positional("density_g_per_cm3", "ArrayLike", "mass densities [g/cm^3]");
    const std::size_t T = init.positional("temperature_MeV", "ArrayLike", "temperatures [MeV]");
    const auto neutrinos = init.add(neutrino_model_keywords());
    init.def_init<profile_table>(m, cls, [=](const arguments& a) {
      std::vector<double> rv = a.reals(r), dv = a.reals(rho), tv = a.reals(T);
      nusi::tabulated_profile<double> p(rv, dv, tv, neutrinos.build(a));
      return profile_table{std::move(rv), std::move(dv), std::move(tv), "", std::move(p)};
    });
    function csv("from_csv",
                 "Reads a CSV file: one row per line, radius_km, density_g_per_cm3, temperature_MeV; '#' lines and an optional header "
                 "line skipped. ValueError 'path:line: ...' for a bad file.",
                 "tabulated_profile");
    const std::size_t path = csv.positional("path", "str", "the CSV file");
    const auto neutrinos2 = csv.add(neutrino_model_keywords());
    csv.def_static<profile_table>(m, cls, [=](const arguments& a) {
      const std::string file = a.text(path);
      auto p = nusi::tabulated_profile<double>::from_csv(file, neutrinos2.build(a));
      return py::cast(profile_table{{}, {}, {}, file, std::move(p)});
    });
    def_property(m, cls, "min_radius_cm", "float", "smallest tabulated radius [cm]", [](const profile_table& t) { return t.profile.min_radius_cm(); });
    def_property(m, cls, "max_radius_cm", "float", "largest tabulated radius [cm]", [](const profile_table& t) { return t.profile.max_radius_cm(); });
    def_property(m, cls, "breakpoints_cm", "NDArray[np.float64]", "the table's radii [cm]",
                 [](const profile_table& t) { return to_array(t.profile.breakpoints_cm()); });
    using in = std::vector<std::pair<std::string, std::string>>;
    def_elementwise_method<profile_table>(m, cls, "temperature_MeV", "T(r) [MeV], interpolated.", in{{"r_cm", "radius r [cm]"}},
                                          [](const profile_table& t, const double* x) { return t.profile.temperature_MeV(x[0]); });
    bind_profile_methods<profile_table>(m, cls, [](const profile_table& t) -> const nusi::tabulated_profile<double>& { return t.profile; });
  }

  // --- g_core(M) ---
  {
    static auto& result = *new result_type<core_point>(m, "core_bound_result",
                                          "g_core(M) of paper Sec. III with the random walk's numbers (the keys of `nusi core --json`); arrays "
                                          "over the masses given.");
    result.real("log10_mass_MeV", "log10 of the mediator mass M/MeV", [](const core_point& p) { return p.log10_mass_MeV; })
        .real("mass_MeV", "mediator mass M [MeV]", [](const core_point& p) { return p.bound.mass_MeV; })
        .real("log10_g_bound", "log10 g_core = -log10(N_2to4(g = 1))/8: N_2to4 = 1 there (Eq. 7); inf when N_2to4 = 0",
              [](const core_point& p) { return p.bound.log10_coupling_bound; })
        .real("N_2to4_at_g1", "N_2to4 at g = 1 (Eq. 7); N_2to4(g) = g^8 times it", [](const core_point& p) { return p.bound.N_2to4_at_g1.value; })
        .real("N_2to4_at_g1_error", "quadrature error of N_2to4_at_g1", [](const core_point& p) { return p.bound.N_2to4_at_g1.error; })
        .real("R_min_cm", "inner radius of the decoupling region [cm]", [](const core_point& p) { return p.R_min_cm; })
        .real("R_max_cm", "outer radius [cm]", [](const core_point& p) { return p.R_max_cm; })
        .real("kappa", "phase-space factor of Eqs. (2)-(3)", [](const core_point& p) { return p.kappa; })
        .real("temperature_MeV", "T at R_min [MeV]", [](const core_point& p) { return p.bound.state_at_R_min.temperature_MeV; })
        .real("mean_energy_MeV", "<E> at R_min [MeV]", [](const core_point& p) { return p.bound.state_at_R_min.mean_energy_MeV; })
        .real("E_cm_MeV", "E_cm at R_min [MeV] (2<E> by the paper's convention)", [](const core_point& p) { return p.bound.E_cm_at_R_min_MeV(); })
        .real("neutrino_density_per_cm3", "n_nu at R_min [cm^-3]", [](const core_point& p) { return p.bound.neutrino_density_at_R_min_per_cm3; })
        .real("sigma_nuN_averaged_cm2", "<sigma_nuN> at R_min [cm^2]", [](const core_point& p) { return p.bound.averaged_cross_section_at_R_min_cm2; })
        .real("mean_free_path_R_min_cm", "lambda(R_min) [cm]", [](const core_point& p) { return p.bound.walk.mean_free_path_at_R_min_cm; })
        .real("N_nuN", "N_nuN = int r dr/lambda^2 (Sec. III)", [](const core_point& p) { return p.bound.walk.scatterings.value; })
        .real("N_nuN_error", "quadrature error of N_nuN", [](const core_point& p) { return p.bound.walk.scatterings.error; })
        .real("path_length_cm", "d = int r dr/lambda [cm]", [](const core_point& p) { return p.bound.walk.path_length_cm.value; })
        .real("path_length_error_cm", "quadrature error of d [cm]", [](const core_point& p) { return p.bound.walk.path_length_cm.error; })
        .real("paper_path_length_cm", "the paper's d = lambda(R_min) N_nuN [cm]", [](const core_point& p) { return p.bound.walk.paper_path_length_cm(); })
        .real("neutrino_column_per_cm2", "int n_nu r dr/lambda [cm^-2]", [](const core_point& p) { return p.bound.walk.neutrino_column_per_cm2.value; });

    function f("core_bound",
               "g_core(M) of paper Sec. III: g_core = N_2to4(g = 1, M)^(-1/8) (Eqs. 2-3, 6-7), through the power-law core of the keywords "
               "or a tabulated profile; log10_mass_MeV may be an array (the fields are then arrays).",
               "core_bound_result");
    const std::size_t mass = add_masses(f, "log10 of the mediator mass M/MeV (a number or an array)");
    const core_parameters core(f);
    f.def(m, [=](const arguments& a) {
      const broadcast b(a, {{mass, 0.0}});
      for (std::size_t e = 0; e < b.size(); ++e)  // the accepted range, as the tool checks it
        if (!(b.at(0, e) >= nusi::lowest_log10_mass_MeV<double> && b.at(0, e) <= nusi::highest_log10_mass_MeV<double>))
          raise_value_error(a.function(), "log10_mass_MeV", "in [-30, 10]", py::float_(b.at(0, e)));
      const auto in = core.build(a);
      return result.make(b, core_points(b, in, core.table(a)));
    });
  }

  // --- the Fig. 2 map ---
  {
    static auto& result = *new result_type<nusi::core_map_result<double>>(m, "core_map_result", "N_2to4 over the (log10 M, log10 g) grid of paper Fig. 2.");
    result.array("log10_mass_MeV", "the map's log10(M/MeV)", [](const auto& r) { return r.log10_mass_MeV; })
        .array("log10_coupling", "the map's log10 g", [](const auto& r) { return r.log10_coupling; })
        .object("N_2to4", "NDArray[np.float64]", "N_2to4[i, j] at log10_mass_MeV[i], log10_coupling[j] (Eq. 7)",
                [](const nusi::core_map_result<double>& r) -> py::object {
                  py::array_t<double> out({static_cast<py::ssize_t>(r.log10_mass_MeV.size()), static_cast<py::ssize_t>(r.log10_coupling.size())});
                  std::copy(r.N_2to4.begin(), r.N_2to4.end(), out.mutable_data());
                  return out;
                })
        .array("log10_coupling_bound", "log10 g_core at each mass", [](const auto& r) { return r.log10_coupling_bound; })
        .integer("radial_integrals", "radial integrals computed (1 when <E> is uniform)",
                 [](const auto& r) { return static_cast<long long>(r.radial_integrals); });
    function f("core_map", "The Fig. 2 map: N_2to4 = g^8 N_2to4(g = 1, M) over a grid linear in log10 M and log10 g.", "core_map_result");
    const auto grid = f.add(core_map_grid_keywords());
    const core_parameters core(f);
    f.def(m, [=](const arguments& a) {
      const auto in = core.build(a);
      const auto g = grid.build(a);
      const profile_table* table = core.table(a);
      std::optional<nusi::tabulated_profile<double>> profile;
      if (table) profile = table->with(in.neutrinos());
      const auto r = without_gil([&] {
        if (profile)
          return nusi::core_map(nusi::random_walk<double, nusi::tabulated_profile<double>>(*profile, in.region(), in.sigma_nuN, in.options), g,
                                in.kappa, in.kind, in.vector_angular_factor, in.E_cm_convention);
        return nusi::core_map(in.walk(), g, in.kappa, in.kind, in.vector_angular_factor, in.E_cm_convention);
      });
      return result.make(r);
    });
  }
}

}  // namespace nusi_python
