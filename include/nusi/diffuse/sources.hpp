// SPDX-License-Identifier: MIT
// Sources of the diffuse fluxes (docs/physics.md, "Diffuse fluxes"): their comoving rate in redshift (the Yuksel et
// al. 2008 star-formation fit, a constant, or any type with rate(z): the source_evolution concept), their spectra (a
// normalisable power law for high-energy astrophysical neutrinos; pinched supernova spectra by flavour for the DSNB)
// and their composition by flavour or by mass state, as flavour_emission components (mass_states/setup.hpp).
#pragma once

#include <array>
#include <cmath>
#include <concepts>
#include <limits>
#include <string_view>
#include <vector>

#include "../detection/event_rates.hpp"
#include "../errors.hpp"
#include "../mass_states/setup.hpp"
#include "../spectra.hpp"

namespace nusi {

/// A comoving source rate density as a function of redshift.
///
/// | expression  | result | meaning                                                                  |
/// |-------------|--------|--------------------------------------------------------------------------|
/// | e.rate(z)   | Real   | sources per comoving volume and time at redshift z [Mpc^-3 yr^-1], >= 0 |
template <class E, class Real>
concept source_evolution = requires(const E& e, Real z) {
  { e.rate(z) } -> std::convertible_to<Real>;
};

/// The cosmic star-formation rate density [M_sun yr^-1 Mpc^-3] in the broken power law of Yuksel, Kistler, Beacom and
/// Hopkins, ApJ 683 (2008) L5, Eq. (2): rho0 [(1+z)^(a eta) + ((1+z)/B)^(b eta) + ((1+z)/C)^(c eta)]^(1/eta), a = 3.4,
/// b = -0.3, c = -3.5, eta = -10, breaks at z1 = 1 and z2 = 4 (B = (1+z1)^(1-a/b) = 5161, C = (1+z1)^((b-a)/c)
/// (1+z2)^(1-b/c) = 9.06; the paper rounds them to 5000 and 9). rho0 = 0.0178 M_sun yr^-1 Mpc^-3 (Horiuchi, Beacom and
/// Dwek, PRD 79 (2009) 083013, the same fit's normalisation).
template <class Real>
struct star_formation_yuksel2008 {
  Real rho0_Msun_per_yr_Mpc3 = Real(0.0178L);
  Real a = Real(3.4L), b = Real(-0.3L), c = Real(-3.5L), eta = Real(-10);
  Real z1 = Real(1), z2 = Real(4);

  Real B() const {
    using std::pow;
    return pow(1 + z1, 1 - a / b);
  }
  Real C() const {
    using std::pow;
    return pow(1 + z1, (b - a) / c) * pow(1 + z2, 1 - b / c);
  }
  /// The star-formation rate density at z [M_sun yr^-1 Mpc^-3].
  Real rate(Real z) const {
    using std::pow;
    const Real x = 1 + z;
    return rho0_Msun_per_yr_Mpc3 * pow(pow(x, a * eta) + pow(x / B(), b * eta) + pow(x / C(), c * eta), 1 / eta);
  }
};

/// Core collapses per unit of star-forming mass [M_sun^-1]: k_CC = int_8^50 psi(M) dM / int_0.1^100 M psi(M) dM =
/// 0.0068 M_sun^-1 for the Salpeter-A initial mass function (Horiuchi et al., ApJ 738 (2011) 154, Sec. 2).
template <class Real> inline constexpr Real core_collapse_per_Msun = Real(0.0068L);

/// The core-collapse rate density [Mpc^-3 yr^-1]: k_CC times the Yuksel et al. 2008 star-formation rate.
template <class Real>
struct core_collapse_rate_yuksel2008 {
  star_formation_yuksel2008<Real> star_formation{};
  Real collapses_per_Msun = core_collapse_per_Msun<Real>;
  Real rate(Real z) const { return collapses_per_Msun * star_formation.rate(z); }
};

/// A constant comoving rate [Mpc^-3 yr^-1] (no source evolution).
template <class Real>
struct constant_source_rate {
  Real rate_per_Mpc3_yr = Real(1);
  Real rate(Real) const { return rate_per_Mpc3_yr; }
};

/// A normalised power law dN/dE = E^-gamma / Z on [min_energy_MeV, max_energy_MeV] (a high-energy astrophysical
/// spectrum; its normalisation is set by the component weights). Satisfies energy_spectrum.
/// @throws nusi::invalid_argument unless the range is 0 < min < max (max may be +infinity) and the spectrum is
/// normalisable on it (gamma > 1 for an infinite upper end; the normalisation finite and > 0).
template <class Real>
class power_law_spectrum {
 public:
  power_law_spectrum(Real spectral_index, Real min_energy_MeV, Real max_energy_MeV)
      : gamma_(spectral_index), lo_(min_energy_MeV), hi_(max_energy_MeV) {
    using std::isinf;
    constexpr std::string_view fn = "nusi::power_law_spectrum";
    detail::require_finite(fn, "spectral_index", spectral_index);
    detail::require_positive(fn, "min_energy_MeV", min_energy_MeV);
    detail::require_not_nan(fn, "max_energy_MeV", max_energy_MeV);
    if (!(max_energy_MeV > min_energy_MeV))
      detail::throw_invalid(fn, "max_energy_MeV", "> min_energy_MeV = " + detail::to_text(min_energy_MeV), max_energy_MeV);
    if (isinf(max_energy_MeV) && !(spectral_index > 1))
      detail::throw_invalid(fn, "spectral_index", "> 1 for an unbounded energy range (else not normalisable)", spectral_index);
    norm_ = primitive(hi_) - primitive(lo_);
    if (!(norm_ > 0) || !(norm_ < std::numeric_limits<Real>::infinity()))
      detail::throw_invalid(fn, "spectral_index", "giving a finite, positive normalisation on [min, max] (not normalisable)",
                            spectral_index);
  }
  /// Equal parameters (propagate_diffuse projects equal spectra once).
  bool operator==(const power_law_spectrum&) const = default;
  Real spectral_index() const { return gamma_; }
  Real min_energy_MeV() const { return lo_; }
  Real max_energy_MeV() const { return hi_; }
  /// dN/dE [MeV^-1].
  Real probability_density_per_MeV(Real E_MeV) const {
    using std::exp;
    using std::log;
    if (!(E_MeV >= lo_) || !(E_MeV <= hi_)) return Real(0);
    return exp(-gamma_ * log(E_MeV / lo_)) / (lo_ * norm_);
  }
  /// Fraction below E.
  Real cumulative_probability(Real E_MeV) const {
    if (!(E_MeV > lo_)) return Real(0);
    if (!(E_MeV < hi_)) return Real(1);
    return (primitive(E_MeV) - primitive(lo_)) / norm_;
  }
  /// <E> [MeV] (infinite for gamma <= 2 on an unbounded range).
  Real mean_energy_MeV() const {
    using std::exp;
    using std::isinf;
    using std::log;
    if (isinf(hi_) && !(gamma_ > 2)) return std::numeric_limits<Real>::infinity();
    const Real L = log(hi_ / lo_), k = 2 - gamma_;
    const Real first = isinf(hi_) ? -1 / k : (std::abs(k * L) < Real(1e-8L) ? L * (1 + k * L / 2) : (exp(k * L) - 1) / k);
    return lo_ * first / norm_;
  }

 private:
  // int_lo^E (x/lo)^-gamma dx / lo, written with expm1 for gamma near 1: (1 - (E/lo)^(1-gamma))/(gamma - 1).
  Real primitive(Real E_MeV) const {
    using std::expm1;
    using std::isinf;
    using std::log;
    const Real k = 1 - gamma_;
    if (isinf(E_MeV)) return k < 0 ? -1 / k : std::numeric_limits<Real>::infinity();
    const Real L = log(E_MeV / lo_);
    if (std::abs(k * L) < Real(1e-8L)) return L * (1 + k * L / 2);
    return expm1(k * L) / k;
  }
  Real gamma_, lo_, hi_, norm_ = 1;
};

/// How the sources share their neutrinos: by mass state (equal thirds, nuSIprop's assumption) or by flavour in the
/// ratio flavour_ratio (e.g. 1:2:0 for pion decay), each component emitted as an incoherent mixture of mass states
/// with probabilities |U_alpha i|^2.
template <class Real>
struct source_composition {
  bool equal_mass_states = false;
  std::array<Real, 3> flavour_ratio{Real(1), Real(2), Real(0)};

  /// Throws nusi::invalid_argument unless the ratios are finite, >= 0 and not all 0.
  void validate(std::string_view function) const {
    Real sum = 0;
    for (Real r : flavour_ratio) {
      detail::require_non_negative(function, "composition.flavour_ratio", r);
      sum += r;
    }
    if (!(sum > 0)) detail::throw_invalid(function, "composition.flavour_ratio", "not all zero", sum);
  }
};

/// The components of a power-law source: neutrinos and antineutrinos alike (half each), shared by `composition`; the
/// weights sum to 1 neutrino per source.
/// @throws nusi::invalid_argument on a bad composition.
template <class Real>
std::vector<flavour_emission<Real, power_law_spectrum<Real>>> power_law_components(const power_law_spectrum<Real>& spectrum,
                                                                                   const source_composition<Real>& composition) {
  composition.validate("nusi::power_law_components");
  std::vector<flavour_emission<Real, power_law_spectrum<Real>>> out;
  for (bool anti : {false, true}) {
    if (composition.equal_mass_states) {
      out.push_back({flavour::e, anti, spectrum, Real(1) / 2, std::array<Real, 3>{Real(1) / 3, Real(1) / 3, Real(1) / 3}});
      continue;
    }
    const Real sum = composition.flavour_ratio[0] + composition.flavour_ratio[1] + composition.flavour_ratio[2];
    for (std::size_t a = 0; a < 3; ++a)
      if (composition.flavour_ratio[a] > 0)
        out.push_back({static_cast<flavour>(a), anti, spectrum, composition.flavour_ratio[a] / sum / 2, std::nullopt});
  }
  return out;
}

/// A high-energy astrophysical source: E^-spectral_index (2.5 as nuSIprop's example, near IceCube's measured 2.37-2.87)
/// shared by `composition` (default 1:2:0, pion decay).
template <class Real>
struct power_law_source {
  Real spectral_index = Real(2.5L);
  source_composition<Real> composition{};
};

/// The time-integrated emission of one core collapse by flavour: electron antineutrinos, electron neutrinos and each
/// of the four heavy-lepton species (nu_x), each a pinched spectrum with its energy. Defaults: today's single-burst
/// inputs (supernova_emission: <E> = 15 MeV, <E^2> = 290 MeV^2, 5e52 erg per species; paper Sec. IV and our choice
/// of a sixth of 3e53 erg).
template <class Real>
struct core_collapse_emission {
  supernova_emission<Real> electron_antineutrino{}, electron_neutrino{}, heavy_lepton{};
};

/// The six components of one core collapse (nu_e, anti-nu_e, and nu_x, anti-nu_x of mu and tau), weights = emitted
/// numbers; each leaves the star as an incoherent mixture of mass states with |U_alpha i|^2 (no MSW conversion).
/// @throws nusi::invalid_argument on a bad emission.
template <class Real>
std::vector<flavour_emission<Real, pinched_spectrum<Real>>> core_collapse_components(const core_collapse_emission<Real>& e) {
  std::vector<flavour_emission<Real, pinched_spectrum<Real>>> out;
  auto add = [&](flavour f, bool anti, const supernova_emission<Real>& s) {
    out.push_back({f, anti, s.spectrum(), s.emitted_number(), std::nullopt});
  };
  add(flavour::e, true, e.electron_antineutrino);
  add(flavour::e, false, e.electron_neutrino);
  for (flavour f : {flavour::mu, flavour::tau})
    for (bool anti : {true, false}) add(f, anti, e.heavy_lepton);
  return out;
}

}  // namespace nusi
