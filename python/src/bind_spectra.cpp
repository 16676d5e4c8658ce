// SPDX-License-Identifier: MIT
// spectra.hpp: the pinched (Keil-Raffelt-Janka) emission spectrum of paper Sec. IV and the Fermi-Dirac
// spectrum of the core (Sec. III): densities, distribution functions, quantiles and moments broadcast
// over energies, sampling with a seed (std::mt19937_64, as a C++ loop over sample_MeV(rng)).
#include <random>

#include <nusi/spectra.hpp>

#include "bindings.hpp"
#include "keywords.hpp"

namespace nusi_python {

namespace {
using pinched = nusi::pinched_spectrum<double>;
using fermi_dirac = nusi::fermi_dirac_spectrum<double>;

/// The methods both spectra share: density, distribution functions, quantile, moment and sampling.
template <class S>
void bind_spectrum_methods(py::module_& m, py::class_<S>& cls) {
  using in = std::vector<std::pair<std::string, std::string>>;
  const std::pair<std::string, std::string> E{"E_MeV", "energy E [MeV], >= 0"};
  def_elementwise_method<S>(m, cls, "probability_density_per_MeV", "dN/dE / N [MeV^-1]: the normalised spectrum (its pdf).", in{E},
                            [](const S& s, const double* x) { return s.probability_density_per_MeV(x[0]); });
  def_elementwise_method<S>(m, cls, "cumulative_probability", "Fraction of neutrinos below E (the cdf).", in{E},
                            [](const S& s, const double* x) { return s.cumulative_probability(x[0]); });
  def_elementwise_method<S>(m, cls, "complementary_probability", "Fraction of neutrinos above E, 1 - cdf without cancellation.", in{E},
                            [](const S& s, const double* x) { return s.complementary_probability(x[0]); });
  def_elementwise_method<S>(m, cls, "quantile_MeV", "Energy [MeV] below which a fraction p in (0, 1) of the neutrinos lie.",
                            in{{"p", "probability in (0, 1)"}}, [](const S& s, const double* x) { return s.quantile_MeV(x[0]); });
  def_elementwise_method<S>(m, cls, "moment_MeVn", "<E^n> [MeV^n].", in{{"n", "order of the moment"}},
                            [](const S& s, const double* x) { return s.moment_MeVn(x[0]); });
  function f("sample_MeV",
             "count energies [MeV] drawn from the spectrum by inverse cdf with std::mt19937_64 seeded with seed: the values a C++ "
             "loop of sample_MeV(rng) gives.",
             "NDArray[np.float64]");
  const std::size_t count = f.positional("count", "int", "number of energies");
  const std::size_t seed = f.keyword("seed", "int", "", "seed of std::mt19937_64 (the result is a function of it)");
  f.def_method<S>(m, cls, [count, seed](const S& s, const arguments& a) -> py::object {
    const std::uint64_t n = a.count(count), k = a.count(seed);
    if (n > (std::uint64_t(1) << 31)) raise_value_error(a.function(), "count", "<= 2^31", a[count]);
    std::vector<double> out(static_cast<std::size_t>(n));
    {
      py::gil_scoped_release release;
      std::mt19937_64 rng(k);
      for (auto& x : out) x = s.sample_MeV(rng);
    }
    return to_array(out);
  });
}
}  // namespace

void bind_spectra(py::module_& m) {
  {
    const std::string doc =
        "Pinched (Keil-Raffelt-Janka) spectrum phi(E) ~ E^alpha exp(-(alpha + 1) E/<E>), normalised to unit number (paper "
        "Sec. IV, Refs. [47, 48]).";
    py::class_<pinched> cls(m, "pinched_spectrum", doc.c_str());
    record_class(m, cls, "", doc);
    function init("pinched_spectrum", "From <E> [MeV] and the pinching parameter alpha > -1.", "");
    const std::size_t mean = init.positional("mean_energy_MeV", "float", "mean energy <E> [MeV]");
    const std::size_t alpha = init.positional("alpha", "float", "pinching parameter alpha > -1");
    init.def_init<pinched>(m, cls, [=](const arguments& a) { return pinched(a.real(mean), a.real(alpha)); });

    function moments("from_moments", "The spectrum of <E> [MeV] and <E^2> [MeV^2]: alpha = (2<E>^2 - <E^2>)/(<E^2> - <E>^2).",
                     "pinched_spectrum");
    const std::size_t m1 = moments.positional("mean_energy_MeV", "float", "mean energy <E> [MeV]");
    const std::size_t m2 = moments.positional("mean_square_energy_MeV2", "float", "<E^2> [MeV^2], > <E>^2");
    moments.def_static<pinched>(m, cls, [=](const arguments& a) { return py::cast(pinched::from_moments(a.real(m1), a.real(m2))); });
    function paper("paper_default", "The paper's emission spectrum: <E> = 15 MeV, <E^2> = 290 MeV^2 (alpha = 160/65).", "pinched_spectrum");
    paper.def_static<pinched>(m, cls, [](const arguments&) { return py::cast(pinched::paper_default()); });

    def_property(m, cls, "mean_energy_MeV", "float", "<E> [MeV]", [](const pinched& s) { return s.mean_energy_MeV(); });
    def_property(m, cls, "alpha", "float", "pinching parameter alpha", [](const pinched& s) { return s.alpha(); });
    def_property(m, cls, "mean_square_energy_MeV2", "float", "<E^2> = <E>^2 (alpha + 2)/(alpha + 1) [MeV^2]",
                 [](const pinched& s) { return s.mean_square_energy_MeV2(); });
    cls.def("__repr__", [](const pinched& s) {
      return "pinched_spectrum(mean_energy_MeV=" + py::repr(py::float_(s.mean_energy_MeV())).cast<std::string>() +
             ", alpha=" + py::repr(py::float_(s.alpha())).cast<std::string>() + ")";
    });
    bind_spectrum_methods(m, cls);
  }
  {
    const std::string doc =
        "Thermal Fermi-Dirac spectrum of one species: dN/dE ~ E^2/(exp(E/T - eta) + 1), temperature T [MeV], degeneracy "
        "eta = mu/T in [-50, 50] (paper Sec. III: eta = 0).";
    py::class_<fermi_dirac> cls(m, "fermi_dirac_spectrum", doc.c_str());
    record_class(m, cls, "", doc);
    const std::string eta_default = default_text(fermi_dirac(1.0).degeneracy());  // the constructor's own default
    function init("fermi_dirac_spectrum", "From the temperature T [MeV] and the degeneracy eta.", "");
    const std::size_t T = init.positional("temperature_MeV", "float", "temperature T [MeV]");
    const std::size_t eta = init.positional("degeneracy", "float", "degeneracy eta = mu/T, in [-50, 50]", eta_default);
    init.def_init<fermi_dirac>(m, cls, [=](const arguments& a) { return a.given(eta) ? fermi_dirac(a.real(T), a.real(eta)) : fermi_dirac(a.real(T)); });
    function from_mean("from_mean_energy", "The spectrum of mean energy <E> [MeV]: T = <E> F_2(eta)/F_3(eta) (paper: T ~ <E>/3.15).",
                       "fermi_dirac_spectrum");
    const std::size_t mean = from_mean.positional("mean_energy_MeV", "float", "mean energy <E> [MeV]");
    const std::size_t eta2 = from_mean.positional("degeneracy", "float", "degeneracy eta = mu/T, in [-50, 50]", eta_default);
    from_mean.def_static<fermi_dirac>(m, cls, [=](const arguments& a) {
      return py::cast(a.given(eta2) ? fermi_dirac::from_mean_energy(a.real(mean), a.real(eta2)) : fermi_dirac::from_mean_energy(a.real(mean)));
    });
    def_property(m, cls, "temperature_MeV", "float", "temperature T [MeV]", [](const fermi_dirac& s) { return s.temperature_MeV(); });
    def_property(m, cls, "degeneracy", "float", "degeneracy eta = mu/T", [](const fermi_dirac& s) { return s.degeneracy(); });
    def_property(m, cls, "number_density_per_cm3", "float", "number density of one species [cm^-3]: T^3 F_2(eta)/(2 pi^2)",
                 [](const fermi_dirac& s) { return s.number_density_per_cm3(); });
    def_property(m, cls, "mean_energy_MeV", "float", "<E> = T F_3/F_2 [MeV] (3.1514 T at eta = 0)",
                 [](const fermi_dirac& s) { return s.mean_energy_MeV(); });
    def_property(m, cls, "mean_square_energy_MeV2", "float", "<E^2> = T^2 F_4/F_2 [MeV^2]",
                 [](const fermi_dirac& s) { return s.mean_square_energy_MeV2(); });
    cls.def("__repr__", [](const fermi_dirac& s) {
      return "fermi_dirac_spectrum(temperature_MeV=" + py::repr(py::float_(s.temperature_MeV())).cast<std::string>() +
             ", degeneracy=" + py::repr(py::float_(s.degeneracy())).cast<std::string>() + ")";
    });
    bind_spectrum_methods(m, cls);
  }
  def_elementwise(m, "fermi_dirac_integral",
                  "Complete Fermi-Dirac integral F_k(eta) = int_0^inf x^k/(exp(x - eta) + 1) dx, k > -1, eta in [-200, 200] "
                  "(no Gamma(k + 1) normalisation).",
                  {{"k", "order k > -1"}, {"eta", "degeneracy eta in [-200, 200]"}},
                  [](const double* x) { return nusi::fermi_dirac_integral(x[0], x[1]); });
}

}  // namespace nusi_python
