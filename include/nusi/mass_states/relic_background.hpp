// SPDX-License-Identifier: MIT
// The relic-neutrino background per mass state (docs/physics.md, "Relic background"): temperature T_nu0 =
// (4/11)^(1/3) T_CMB, number density per mass state and helicity 3 zeta(3) T^3/(4 pi^2) (56 cm^-3), the targets a
// supernova neutrino meets for Majorana and Dirac neutrinos, and whether each state is taken at rest.
// The paper's single relic (330 cm^-3 at 0.05 eV) is relic_neutrinos in cross_sections.hpp.
#pragma once

#include <cmath>
#include <cstddef>
#include <optional>
#include <string_view>
#include <vector>

#include <boost/math/constants/constants.hpp>

#include "../cross_sections.hpp"
#include "../errors.hpp"
#include "../spectra.hpp"
#include "../units.hpp"
#include "masses_and_mixing.hpp"
#include "target_energy_distribution.hpp"

namespace nusi {

/// How the relic's motion enters: `automatic` (at rest where its rms momentum is a small fraction of its mass,
/// relic_background_options::at_rest_max_momentum_ratio; thermally averaged elsewhere), or forced for every state.
enum class relic_kinematics { automatic, at_rest, thermal };

/// What kind of relic a supernova neutrino meets: a Majorana neutrino (both helicities alike), or, for Dirac
/// neutrinos, a relic neutrino or antineutrino (their sterile helicities were never populated).
enum class relic_target_kind { majorana, neutrino, antineutrino };

/// One population of targets of one mass state.
template <class Real>
struct relic_target {
  relic_target_kind kind;
  Real density_per_cm3;
};

/// Settings of the relic background.
template <class Real>
struct relic_background_options {
  Real cmb_temperature_K = nusi::cmb_temperature_K<Real>;
  /// Density per mass state and helicity [cm^-3]; unset: derived from T_nu0 (56.0 cm^-3). A Majorana state then has
  /// twice this density of targets; a Dirac state this many neutrinos and this many antineutrinos.
  std::optional<Real> density_per_helicity_per_cm3{};
  /// Default thermal: the relic's motion broadens a resonance by p_rms/m (1.2 % at 0.05 eV), which changes F by up to
  /// 3 % where a narrow line saturates (docs/validation.md); at rest is the paper's approximation.
  relic_kinematics kinematics = relic_kinematics::thermal;
  /// `automatic`: a state is at rest when its rms momentum sqrt(<p^2>) = 3.60 T_nu0 is at most this fraction of its mass
  /// (the Doppler width of a resonance is ~ this fraction of E_res; docs/physics.md, "At rest or thermal").
  Real at_rest_max_momentum_ratio = Real(1e-3L);
};

/// The relic background seen by the supernova neutrinos: per mass state its mass, its targets and their densities,
/// and whether it is at rest or thermally moving. Throws nusi::invalid_argument naming a bad option, or a state forced
/// at rest whose mass is zero.
template <class Real>
class relic_background {
 public:
  relic_background(const relic_background_options<Real>& options, const neutrino_spectrum<Real>& spectrum,
                   neutrino_nature nature)
      : nature_(nature) {
    using std::sqrt;
    constexpr std::string_view fn = "nusi::relic_background";
    detail::require_positive(fn, "options.cmb_temperature_K", options.cmb_temperature_K);
    detail::require_positive(fn, "options.at_rest_max_momentum_ratio", options.at_rest_max_momentum_ratio);
    if (nature != neutrino_nature::majorana && nature != neutrino_nature::dirac)
      detail::throw_invalid(fn, "nature", "majorana or dirac", static_cast<int>(nature));
    if (options.kinematics != relic_kinematics::automatic && options.kinematics != relic_kinematics::at_rest &&
        options.kinematics != relic_kinematics::thermal)
      detail::throw_invalid(fn, "options.kinematics", "automatic, at_rest or thermal", static_cast<int>(options.kinematics));
    temperature_K_ = relic_neutrino_temperature_K(options.cmb_temperature_K);
    temperature_MeV_ = eV(temperature_K_ * boltzmann_eV_per_K<Real>);
    density_ = options.density_per_helicity_per_cm3 ? *options.density_per_helicity_per_cm3
                                                    : relic_density_per_helicity_per_cm3(temperature_K_);
    detail::require_positive(fn, "options.density_per_helicity_per_cm3", density_);
    // <p^2>/T^2 = F_4(0)/F_2(0) = 12.94 for the Fermi-Dirac momentum distribution.
    rms_momentum_MeV_ = temperature_MeV_ * sqrt(fermi_dirac_integral(Real(4), Real(0)) / fermi_dirac_integral(Real(2), Real(0)));
    for (std::size_t i = 0; i < 3; ++i) {
      mass_MeV_[i] = spectrum.mass_MeV(i);
      bool rest = mass_MeV_[i] > 0 && rms_momentum_MeV_ <= options.at_rest_max_momentum_ratio * mass_MeV_[i];
      if (options.kinematics == relic_kinematics::at_rest) {
        if (!(mass_MeV_[i] > 0))
          detail::throw_invalid(fn, "options.kinematics", "not at_rest when a mass is zero (mass state " + detail::to_text(i + 1) + ")",
                                "at_rest");
        rest = true;
      } else if (options.kinematics == relic_kinematics::thermal) {
        rest = false;
      }
      at_rest_[i] = rest;
      if (!rest) distributions_[i].emplace(mass_MeV_[i], temperature_MeV_);
    }
  }

  neutrino_nature nature() const { return nature_; }
  /// T_nu0 [K] and [MeV].
  Real temperature_K() const { return temperature_K_; }
  Real temperature_MeV() const { return temperature_MeV_; }
  /// sqrt(<p^2>) of the relic momentum distribution [MeV] (3.60 T_nu0).
  Real rms_momentum_MeV() const { return rms_momentum_MeV_; }
  /// Density per mass state and helicity [cm^-3].
  Real density_per_helicity_per_cm3() const { return density_; }
  /// Mass of state i [MeV].
  Real mass_MeV(std::size_t i) const { return mass_MeV_[i]; }
  /// Whether state i is taken at rest (s = m^2 + 2 E m) or thermally averaged.
  bool at_rest(std::size_t i) const { return at_rest_[i]; }
  /// The flux-weighted distribution of x = (s - m^2)/(2E) for a thermal state (throws if state i is at rest).
  const target_energy_distribution<Real>& distribution(std::size_t i) const {
    if (at_rest_[i]) detail::throw_invalid("nusi::relic_background::distribution", "state", "a thermal state", i);
    return *distributions_[i];
  }
  /// The target populations of state i: one Majorana population of twice the per-helicity density, or a Dirac
  /// neutrino and a Dirac antineutrino population of the per-helicity density each (docs/physics.md).
  std::vector<relic_target<Real>> targets(std::size_t i) const {
    // Every state has the same density (the background decoupled relativistic, before masses mattered), unless this
    // background keeps one state's targets alone (only_state).
    const Real n = only_ && *only_ != i ? Real(0) : density_;
    if (nature_ == neutrino_nature::majorana) return {{relic_target_kind::majorana, 2 * n}};
    return {{relic_target_kind::neutrino, n}, {relic_target_kind::antineutrino, n}};
  }
  /// The same background with the targets of state i alone (the other states' densities 0): the transport operators
  /// are linear in the densities, so the parts of the three states sum to the whole (the energy-angle kernel of mass
  /// states deflects each part by its own target mass). @throws nusi::invalid_argument if i > 2.
  relic_background only_state(std::size_t i) const {
    if (i > 2) detail::throw_invalid("nusi::relic_background::only_state", "i", "0, 1 or 2", i);
    relic_background r = *this;
    r.only_ = i;
    return r;
  }
  /// The targets of thermal state i whose target energy x = (s - m^2)/(2E) lies in [x_lo_MeV, x_hi_MeV) alone
  /// (target_energy_distribution::restricted; the densities stay those of the whole state, the distribution carries
  /// the part's share): parts over adjacent windows sum to only_state(i). @throws nusi::invalid_argument if i > 2,
  /// state i is at rest, or the window is empty.
  relic_background only_state(std::size_t i, Real x_lo_MeV, Real x_hi_MeV) const {
    relic_background r = only_state(i);
    r.distributions_[i].emplace(distribution(i).restricted(x_lo_MeV, x_hi_MeV));
    return r;
  }

 private:
  neutrino_nature nature_;
  Real temperature_K_ = 0, temperature_MeV_ = 0, density_ = 0, rms_momentum_MeV_ = 0;
  std::array<Real, 3> mass_MeV_{};
  std::array<bool, 3> at_rest_{};
  std::array<std::optional<target_energy_distribution<Real>>, 3> distributions_{};
  std::optional<std::size_t> only_{};  // only_state: the one state with targets
};

}  // namespace nusi
