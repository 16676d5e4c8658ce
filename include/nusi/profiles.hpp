// SPDX-License-Identifier: MIT
// Radial profiles of the proto-neutron star for the random walk of paper Sec. III: nucleon density,
// neutrino density and mean neutrino energy against radius. The paper gives no profile (PHYSICS-SPEC
// "Core"); nusi ships a power law, a constant and a CSV table, and any type modelling radial_profile works.
#pragma once

#include <algorithm>
#include <cmath>
#include <concepts>
#include <cstddef>
#include <fstream>
#include <istream>
#include <sstream>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>
#include <vector>

#include "detail/text.hpp"
#include "errors.hpp"
#include "spectra.hpp"
#include "units.hpp"

namespace nusi {

/// A radial profile of the supernova core. Radii in cm; evaluated on [R_min, R_max] of the walk.
///
/// | expression                       | result | meaning                                           |
/// |----------------------------------|--------|---------------------------------------------------|
/// | p.nucleon_density_per_cm3(r_cm)  | Real   | nucleon number density n_N(r) [cm^-3], >= 0       |
/// | p.neutrino_density_per_cm3(r_cm) | Real   | neutrino density n_nu(r), all species [cm^-3], >= 0 |
/// | p.mean_energy_MeV(r_cm)          | Real   | mean neutrino energy <E>(r) [MeV], > 0            |
///
/// Optional: `p.breakpoints_cm()` returning a range of radii where the profile is not smooth (table
/// nodes); the integrators then split their intervals there.
template <class P, class Real>
concept radial_profile = requires(const P& p, Real r_cm) {
  { p.nucleon_density_per_cm3(r_cm) } -> std::convertible_to<Real>;
  { p.neutrino_density_per_cm3(r_cm) } -> std::convertible_to<Real>;
  { p.mean_energy_MeV(r_cm) } -> std::convertible_to<Real>;
};

/// How the neutrino density of a profile is set (PHYSICS-SPEC "Core"; the paper leaves it open).
enum class neutrino_density_preset {
  /// Six-species Fermi-Dirac density at T = <E>/3.1514 (self-consistent with the mean energy).
  fermi_dirac,
  /// n_nu = 1e38 cm^-3, the "typical" density quoted in paper Sec. III, independent of T.
  paper_quoted
};

/// "fermi_dirac" or "paper_quoted".
inline std::string_view preset_name(neutrino_density_preset preset) {
  return preset == neutrino_density_preset::fermi_dirac ? "fermi_dirac" : "paper_quoted";
}

/// The neutrino density quoted in paper Sec. III, "n_nu ~ O(10^38) cm^-3" [cm^-3].
template <class Real> inline constexpr Real paper_quoted_neutrino_density_per_cm3 = Real(1e38L);

/// How a profile turns a temperature or mean energy into a neutrino density (inputs, named members).
template <class Real>
struct neutrino_density_model {
  neutrino_density_preset preset = neutrino_density_preset::fermi_dirac;
  /// The density used by the paper_quoted preset [cm^-3].
  Real paper_quoted_density_per_cm3 = paper_quoted_neutrino_density_per_cm3<Real>;
  /// Degeneracy eta = mu/T of every species (paper Sec. III: 0).
  Real degeneracy = Real(0);
  /// Number of species summed in the Fermi-Dirac density: nu and nubar of three flavours (paper Eq. 6).
  Real species = Real(6);
};

/// A thermal neutrino gas at fixed degeneracy: T from <E>, n_nu(T) summed over species. Built from
/// fermi_dirac_spectrum (spectra.hpp) once, so evaluating it at many radii costs no quadrature.
template <class Real>
class thermal_neutrino_gas {
 public:
  /// Throws nusi::invalid_argument naming a bad member of model.
  explicit thermal_neutrino_gas(const neutrino_density_model<Real>& model = {}) : model_(model) {
    constexpr std::string_view fn = "nusi::thermal_neutrino_gas";
    detail::require_positive(fn, "neutrinos.paper_quoted_density_per_cm3", model.paper_quoted_density_per_cm3);
    detail::require_positive(fn, "neutrinos.species", model.species);
    detail::require_closed_interval(fn, "neutrinos.degeneracy", model.degeneracy, Real(-50), Real(50));
    const fermi_dirac_spectrum<Real> unit(Real(1), model.degeneracy);  // T = 1 MeV; throws on bad eta
    mean_energy_per_temperature_ = unit.mean_energy_MeV();
    density_at_1MeV_ = model.species * unit.number_density_per_cm3();
  }
  const neutrino_density_model<Real>& model() const { return model_; }
  /// <E>/T = F_3(eta)/F_2(eta); 7 pi^4/(180 zeta(3)) = 3.1514 at eta = 0 (the paper's 3.15).
  Real mean_energy_per_temperature() const { return mean_energy_per_temperature_; }
  /// T [MeV] of the Fermi-Dirac spectrum with mean energy <E> [MeV].
  /// @throws nusi::invalid_argument if mean_energy_MeV is not finite and >= 0.
  Real temperature_MeV(Real mean_energy_MeV) const {
    detail::require_non_negative("nusi::thermal_neutrino_gas::temperature_MeV", "mean_energy_MeV", mean_energy_MeV);
    return mean_energy_MeV / mean_energy_per_temperature_;
  }
  /// Fermi-Dirac density summed over species at temperature T [cm^-3] (species T^3 F_2 / (2 pi^2)).
  /// @throws nusi::invalid_argument if temperature_MeV is not finite and >= 0.
  Real fermi_dirac_density_per_cm3(Real temperature_MeV) const {
    detail::require_non_negative("nusi::thermal_neutrino_gas::fermi_dirac_density_per_cm3", "temperature_MeV", temperature_MeV);
    return density_at_1MeV_ * temperature_MeV * temperature_MeV * temperature_MeV;
  }
  /// The preset's density at temperature T [cm^-3].
  /// @throws nusi::invalid_argument if temperature_MeV is not finite and >= 0.
  Real density_per_cm3(Real temperature_MeV) const {
    detail::require_non_negative("nusi::thermal_neutrino_gas::density_per_cm3", "temperature_MeV", temperature_MeV);
    return model_.preset == neutrino_density_preset::fermi_dirac ? fermi_dirac_density_per_cm3(temperature_MeV)
                                                                 : model_.paper_quoted_density_per_cm3;
  }

 private:
  neutrino_density_model<Real> model_;
  Real mean_energy_per_temperature_ = 0, density_at_1MeV_ = 0;
};

/// Inputs of power_law_profile: n_N = (rho_ref/m_u) (r/r_ref)^-power_index, <E> and n_nu uniform.
/// Defaults are PHYSICS-SPEC's: n_N ~ r^-3 with rho(15 km) = 1e14 g/cm^3, <E> = 30 MeV.
template <class Real>
struct power_law_parameters {
  Real reference_radius_cm = km(Real(15));
  Real reference_density_g_per_cm3 = Real(1e14L);
  Real power_index = Real(3);
  Real mean_energy_MeV = Real(30);
  neutrino_density_model<Real> neutrinos{};
};

namespace detail {
/// Temperature and neutrino density of a uniform thermal gas with mean energy <E>, via
/// fermi_dirac_spectrum::from_mean_energy (spectra.hpp). Validates the inputs for function fn.
template <class Real>
std::pair<Real, Real> uniform_neutrino_gas(std::string_view fn, Real mean_energy_MeV,
                                           const neutrino_density_model<Real>& model) {
  require_positive(fn, "mean_energy_MeV", mean_energy_MeV);
  require_positive(fn, "neutrinos.species", model.species);
  require_positive(fn, "neutrinos.paper_quoted_density_per_cm3", model.paper_quoted_density_per_cm3);
  require_closed_interval(fn, "neutrinos.degeneracy", model.degeneracy, Real(-50), Real(50));
  const auto spectrum = fermi_dirac_spectrum<Real>::from_mean_energy(mean_energy_MeV, model.degeneracy);
  const Real n_nu = model.preset == neutrino_density_preset::fermi_dirac
                        ? model.species * spectrum.number_density_per_cm3()
                        : model.paper_quoted_density_per_cm3;
  if (!is_finite(n_nu))  // species T^3 F_2 overflows for <E> beyond ~1e100 MeV (double)
    throw_invalid(fn, "mean_energy_MeV", "small enough that the neutrino density is finite", mean_energy_MeV);
  return {spectrum.temperature_MeV(), n_nu};
}
}  // namespace detail

/// Power-law nucleon density with uniform mean energy and neutrino density (the spec's default core).
template <class Real>
class power_law_profile {
 public:
  /// @throws nusi::invalid_argument naming the bad member of params: reference radius and density not
  /// finite and > 0 (or rho/m_u overflowing), power_index not finite, a bad mean energy or neutrino model.
  explicit power_law_profile(const power_law_parameters<Real>& params = {}) : params_(params) {
    constexpr std::string_view fn = "nusi::power_law_profile";
    detail::require_positive(fn, "reference_radius_cm", params.reference_radius_cm);
    detail::require_positive(fn, "reference_density_g_per_cm3", params.reference_density_g_per_cm3);
    detail::require_finite(fn, "power_index", params.power_index);
    reference_nucleon_density_ = nusi::nucleon_density_per_cm3(params.reference_density_g_per_cm3);
    if (!detail::is_finite(reference_nucleon_density_))
      detail::throw_invalid(fn, "reference_density_g_per_cm3", "small enough that rho/m_u is finite",
                            params.reference_density_g_per_cm3);
    std::tie(temperature_, neutrino_density_) = detail::uniform_neutrino_gas(fn, params.mean_energy_MeV, params.neutrinos);
  }
  const power_law_parameters<Real>& parameters() const { return params_; }
  /// n_N(r) = rho_ref/m_u (r_ref/r)^power_index [cm^-3]. Throws if r_cm is not finite and > 0.
  Real nucleon_density_per_cm3(Real r_cm) const {
    using std::pow;
    detail::require_positive("nusi::power_law_profile::nucleon_density_per_cm3", "r_cm", r_cm);
    return reference_nucleon_density_ * pow(params_.reference_radius_cm / r_cm, params_.power_index);
  }
  /// n_nu [cm^-3], uniform: six-species Fermi-Dirac at T = <E>/3.1514, or the paper's 1e38.
  /// @throws nusi::invalid_argument if r_cm is not finite and > 0.
  Real neutrino_density_per_cm3(Real r_cm) const {
    detail::require_positive("nusi::power_law_profile::neutrino_density_per_cm3", "r_cm", r_cm);
    return neutrino_density_;
  }
  /// <E> [MeV], uniform. @throws nusi::invalid_argument if r_cm is not finite and > 0.
  Real mean_energy_MeV(Real r_cm) const {
    detail::require_positive("nusi::power_law_profile::mean_energy_MeV", "r_cm", r_cm);
    return params_.mean_energy_MeV;
  }
  /// T = <E> F_2/F_3 [MeV].
  Real temperature_MeV() const { return temperature_; }

 private:
  power_law_parameters<Real> params_;
  Real reference_nucleon_density_ = 0, temperature_ = 0, neutrino_density_ = 0;
};

/// Inputs of constant_profile: uniform mass density, mean energy and neutrino density.
template <class Real>
struct constant_parameters {
  Real density_g_per_cm3 = Real(1e14L);
  Real mean_energy_MeV = Real(30);
  neutrino_density_model<Real> neutrinos{};
};

/// A uniform core: the paper's d = lambda N_nuN holds exactly here (lambda constant).
template <class Real>
class constant_profile {
 public:
  /// @throws nusi::invalid_argument naming the bad member of params: density not finite and > 0 (or
  /// rho/m_u overflowing), a bad mean energy or neutrino model.
  explicit constant_profile(const constant_parameters<Real>& params = {}) : params_(params) {
    constexpr std::string_view fn = "nusi::constant_profile";
    detail::require_positive(fn, "density_g_per_cm3", params.density_g_per_cm3);
    nucleon_density_ = nusi::nucleon_density_per_cm3(params.density_g_per_cm3);
    if (!detail::is_finite(nucleon_density_))
      detail::throw_invalid(fn, "density_g_per_cm3", "small enough that rho/m_u is finite", params.density_g_per_cm3);
    std::tie(temperature_, neutrino_density_) = detail::uniform_neutrino_gas(fn, params.mean_energy_MeV, params.neutrinos);
  }
  const constant_parameters<Real>& parameters() const { return params_; }
  /// n_N = rho/m_u [cm^-3]. @throws nusi::invalid_argument if r_cm is not finite and > 0.
  Real nucleon_density_per_cm3(Real r_cm) const {
    detail::require_positive("nusi::constant_profile::nucleon_density_per_cm3", "r_cm", r_cm);
    return nucleon_density_;
  }
  /// n_nu [cm^-3], as power_law_profile. @throws nusi::invalid_argument if r_cm is not finite and > 0.
  Real neutrino_density_per_cm3(Real r_cm) const {
    detail::require_positive("nusi::constant_profile::neutrino_density_per_cm3", "r_cm", r_cm);
    return neutrino_density_;
  }
  /// <E> [MeV]. @throws nusi::invalid_argument if r_cm is not finite and > 0.
  Real mean_energy_MeV(Real r_cm) const {
    detail::require_positive("nusi::constant_profile::mean_energy_MeV", "r_cm", r_cm);
    return params_.mean_energy_MeV;
  }
  /// T = <E> F_2/F_3 [MeV].
  Real temperature_MeV() const { return temperature_; }

 private:
  constant_parameters<Real> params_;
  Real nucleon_density_ = 0, temperature_ = 0, neutrino_density_ = 0;
};

namespace detail {
/// Monotone piecewise-cubic Hermite interpolation (Fritsch-Butland slopes, as Boost's pchip, one-sided
/// secants at the ends); any number of nodes >= 2, linear data reproduced exactly.
template <class Real>
class monotone_cubic {
 public:
  monotone_cubic() = default;
  monotone_cubic(std::vector<Real> x, std::vector<Real> y) : x_(std::move(x)), y_(std::move(y)), s_(x_.size()) {
    const std::size_t n = x_.size();
    auto secant = [this](std::size_t k) { return (y_[k + 1] - y_[k]) / (x_[k + 1] - x_[k]); };
    s_[0] = secant(0);
    s_[n - 1] = secant(n - 2);
    for (std::size_t k = 1; k + 1 < n; ++k) {
      const Real hl = x_[k] - x_[k - 1], hr = x_[k + 1] - x_[k];
      const Real dl = secant(k - 1), dr = secant(k);
      if (dl == 0 || dr == 0 || (dl > 0) != (dr > 0)) {
        s_[k] = 0;
      } else if (dl == dr) {
        s_[k] = dl;  // exact on linear data
      } else {
        const Real w1 = 2 * hr + hl, w2 = hr + 2 * hl;
        s_[k] = (w1 + w2) / (w1 / dl + w2 / dr);
      }
    }
  }
  /// Requires x_.front() <= x <= x_.back().
  Real operator()(Real x) const {
    auto it = std::upper_bound(x_.begin(), x_.end(), x);
    std::size_t k = it == x_.begin() ? 0 : static_cast<std::size_t>(it - x_.begin()) - 1;
    if (k + 1 >= x_.size()) k = x_.size() - 2;
    const Real h = x_[k + 1] - x_[k], t = (x - x_[k]) / h;
    const Real t2 = t * t, t3 = t2 * t;
    return (2 * t3 - 3 * t2 + 1) * y_[k] + (t3 - 2 * t2 + t) * h * s_[k] + (-2 * t3 + 3 * t2) * y_[k + 1] +
           (t3 - t2) * h * s_[k + 1];
  }

 private:
  std::vector<Real> x_, y_, s_;
};
}  // namespace detail

/// A profile tabulated in radius: nucleon density and temperature at each node, interpolated
/// monotonically (piecewise-cubic Hermite, Fritsch-Butland) in log r against log rho and log T, so a
/// power law is reproduced exactly. n_nu(r) and <E>(r) follow from T(r) by Fermi-Dirac (or the
/// paper_quoted density). Evaluation outside the table throws nusi::invalid_argument.
template <class Real>
class tabulated_profile {
 public:
  /// From columns: radius [cm] strictly increasing, density [g/cm^3] > 0, temperature [MeV] > 0,
  /// at least two rows. Throws nusi::invalid_argument naming the column and row (0-based).
  tabulated_profile(std::vector<Real> radius_cm, std::vector<Real> density_g_per_cm3,
                    std::vector<Real> temperature_MeV, const neutrino_density_model<Real>& neutrinos = {})
      : gas_(neutrinos) {
    constexpr std::string_view fn = "nusi::tabulated_profile";
    const std::size_t n = radius_cm.size();
    if (n < 2) detail::throw_invalid(fn, "radius_cm.size()", ">= 2 (rows)", n);
    if (density_g_per_cm3.size() != n)
      detail::throw_invalid(fn, "density_g_per_cm3.size()", detail::concat_text("== radius_cm.size() = ", n),
                            density_g_per_cm3.size());
    if (temperature_MeV.size() != n)
      detail::throw_invalid(fn, "temperature_MeV.size()", detail::concat_text("== radius_cm.size() = ", n),
                            temperature_MeV.size());
    for (std::size_t i = 0; i < n; ++i) {
      detail::require_positive(fn, detail::concat_text("radius_cm[", i, "]"), radius_cm[i]);
      detail::require_positive(fn, detail::concat_text("density_g_per_cm3[", i, "]"), density_g_per_cm3[i]);
      detail::require_positive(fn, detail::concat_text("temperature_MeV[", i, "]"), temperature_MeV[i]);
      if (i > 0 && !(radius_cm[i] > radius_cm[i - 1]))
        detail::throw_invalid(fn, detail::concat_text("radius_cm[", i, "]"),
                              detail::concat_text("> radius_cm[", i - 1, "] = ", radius_cm[i - 1], " (strictly increasing)"),
                              radius_cm[i]);
      // The interpolants stay between node values, so finite derived values at the nodes keep every
      // value finite (a density near DBL_MAX would otherwise overflow rho/m_u to inf and interpolate NaN).
      if (!detail::is_finite(nusi::nucleon_density_per_cm3(density_g_per_cm3[i])))
        detail::throw_invalid(fn, detail::concat_text("density_g_per_cm3[", i, "]"),
                              "small enough that rho/m_u is finite", density_g_per_cm3[i]);
      if (!detail::is_finite(gas_.density_per_cm3(temperature_MeV[i])) ||
          !detail::is_finite(temperature_MeV[i] * gas_.mean_energy_per_temperature()))
        detail::throw_invalid(fn, detail::concat_text("temperature_MeV[", i, "]"),
                              "small enough that n_nu(T) and <E> are finite", temperature_MeV[i]);
    }
    build(std::move(radius_cm), density_g_per_cm3, temperature_MeV);
  }

  /// Reads a CSV file: one row per line, `radius_km, density_g_per_cm3, temperature_MeV`; blank lines
  /// and lines starting with '#' are skipped; an optional first line naming those three columns.
  /// Throws nusi::invalid_argument "path:line: ..." for an unreadable file, a malformed row, a
  /// non-positive value or radii that do not increase strictly.
  static tabulated_profile from_csv(const std::string& path, const neutrino_density_model<Real>& neutrinos = {}) {
    std::ifstream in(path);
    if (!in) throw nusi::invalid_argument(detail::concat_text("nusi::tabulated_profile::from_csv: cannot open profile file '", path, "'"));
    return from_csv(in, path, neutrinos);
  }
  /// The same from a stream (CSV text in memory, say); `source` stands for the path in messages.
  static tabulated_profile from_csv(std::istream& in, std::string_view source,
                                    const neutrino_density_model<Real>& neutrinos = {}) {
    std::vector<Real> r, rho, T;
    std::string line;
    std::size_t line_number = 0;
    bool seen_row = false;
    auto fail = [&](const std::string& what) -> void {
      throw nusi::invalid_argument(detail::concat_text("nusi::tabulated_profile::from_csv: ", source, ":", line_number, ": ", what));
    };
    while (std::getline(in, line)) {
      ++line_number;
      const auto first = line.find_first_not_of(" \t\r");
      if (first == std::string::npos || line[first] == '#') continue;
      std::vector<std::string> fields;
      std::stringstream ss(line);
      for (std::string f; std::getline(ss, f, ',');) fields.push_back(detail::trim(f));
      if (!seen_row && fields.size() == 3 && fields[0] == "radius_km" && fields[1] == "density_g_per_cm3" &&
          fields[2] == "temperature_MeV") {
        seen_row = true;  // the header
        continue;
      }
      seen_row = true;
      if (fields.size() != 3)
        fail(detail::concat_text("expected 3 comma-separated numbers (radius_km, density_g_per_cm3, temperature_MeV), got ",
                                 fields.size(), " fields"));
      static constexpr const char* names[3] = {"radius_km", "density_g_per_cm3", "temperature_MeV"};
      Real values[3];
      for (int c = 0; c < 3; ++c) {
        const auto parsed = detail::parse_finite_number(fields[static_cast<std::size_t>(c)]);
        if (!parsed) fail(detail::concat_text(names[c], " is not a number: '", fields[static_cast<std::size_t>(c)], "'"));
        values[c] = static_cast<Real>(*parsed);
        if (!detail::is_finite(values[c]) || !(values[c] > Real(0)))
          fail(detail::concat_text(names[c], " must be finite and > 0, got ", fields[static_cast<std::size_t>(c)]));
      }
      if (!r.empty() && !(km(values[0]) > r.back()))
        fail(detail::concat_text("radius_km must increase strictly from row to row, got ", fields[0], " after ",
                                 r.back() / km_cm<Real>));
      r.push_back(km(values[0]));
      rho.push_back(values[1]);
      T.push_back(values[2]);
    }
    if (r.size() < 2)
      throw nusi::invalid_argument(
          detail::concat_text("nusi::tabulated_profile::from_csv: ", source, ": needs at least 2 rows, found ", r.size()));
    return tabulated_profile(std::move(r), std::move(rho), std::move(T), neutrinos);
  }

  /// Smallest and largest tabulated radius [cm].
  Real min_radius_cm() const { return radius_.front(); }
  Real max_radius_cm() const { return radius_.back(); }
  /// The table's radii [cm]: the interpolant is smooth between them.
  const std::vector<Real>& breakpoints_cm() const { return radius_; }
  const neutrino_density_model<Real>& neutrinos() const { return gas_.model(); }

  /// n_N(r) = rho(r)/m_u [cm^-3]. Throws if r_cm is outside the table.
  Real nucleon_density_per_cm3(Real r_cm) const {
    using std::exp;
    using std::log;
    check_radius("nusi::tabulated_profile::nucleon_density_per_cm3", r_cm);
    return exp(log_nucleon_density_(log(r_cm)));
  }
  /// T(r) [MeV], interpolated. Throws if r_cm is outside the table.
  Real temperature_MeV(Real r_cm) const {
    using std::exp;
    using std::log;
    check_radius("nusi::tabulated_profile::temperature_MeV", r_cm);
    return exp(log_temperature_(log(r_cm)));
  }
  /// n_nu(r) [cm^-3]: six-species Fermi-Dirac at T(r), or the paper_quoted density.
  Real neutrino_density_per_cm3(Real r_cm) const { return gas_.density_per_cm3(temperature_MeV(r_cm)); }
  /// <E>(r) = T(r) F_3/F_2 [MeV].
  Real mean_energy_MeV(Real r_cm) const { return temperature_MeV(r_cm) * gas_.mean_energy_per_temperature(); }

 private:
  void build(std::vector<Real> r, const std::vector<Real>& rho, const std::vector<Real>& T) {
    using std::log;
    std::vector<Real> lr(r.size()), ln(r.size()), lT(r.size());
    for (std::size_t i = 0; i < r.size(); ++i) {
      lr[i] = log(r[i]);
      ln[i] = log(nusi::nucleon_density_per_cm3(rho[i]));
      lT[i] = log(T[i]);
    }
    radius_ = std::move(r);
    log_nucleon_density_ = detail::monotone_cubic<Real>(lr, std::move(ln));
    log_temperature_ = detail::monotone_cubic<Real>(std::move(lr), std::move(lT));
  }
  void check_radius(std::string_view fn, Real r_cm) const {
    detail::require_closed_interval(fn, "r_cm", r_cm, radius_.front(), radius_.back());
  }

  thermal_neutrino_gas<Real> gas_;
  std::vector<Real> radius_;
  detail::monotone_cubic<Real> log_nucleon_density_, log_temperature_;
};

}  // namespace nusi
