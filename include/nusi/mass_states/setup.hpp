// SPDX-License-Identifier: MIT
// The inputs of mass-state propagation (docs/physics.md, "Mass states"): interaction, neutrino spectrum, relic
// background, distance, threshold and exclusion level, detected flavour; the emission by flavour; and the model built
// from them once (spectrum, relic targets with their thermal distributions, scattering). The paper's model is
// propagation_setup.hpp.
#pragma once

#include <array>
#include <cmath>
#include <cstddef>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "../errors.hpp"
#include "../spectra.hpp"
#include "../units.hpp"
#include "masses_and_mixing.hpp"
#include "relic_background.hpp"
#include "scattering.hpp"

namespace nusi {

/// What the bound counts: the detected flavour's right-handed antineutrinos (inverse beta decay), or every neutrino of
/// every kind and state above threshold per emitted neutrino (the paper's F, which ignores flavour and helicity).
enum class detected_neutrinos { flavour_antineutrinos, all };

/// Inputs of supernova-neutrino propagation through the relic background with three mass states. Defaults: the
/// paper's mediator point (log10 M/MeV = -3.5, log10 g = -1.75), Majorana, all channels, the paper's coupling
/// convention, flavour-universal coupling, normal ordering with a massless lightest state, NuFIT 5.2 mixing, T_nu0
/// densities, D = 50 kpc, 5 MeV threshold, level 0.01, detection of electron antineutrinos (inverse beta decay).
template <class Real>
struct mass_state_setup {
  mass_state_interaction<Real> interaction{};
  neutrino_spectrum_options<Real> spectrum{};
  relic_background_options<Real> relic{};
  Real distance_cm = kpc(Real(50));
  Real threshold_MeV = Real(5);
  /// Excluded where the detected fraction above threshold is at most this level.
  Real exclusion_level = Real(0.01L);
  /// Flavour whose right-handed antineutrinos the detector counts (inverse beta decay: e).
  flavour detected_flavour = flavour::e;
  detected_neutrinos detection = detected_neutrinos::flavour_antineutrinos;

  /// Throws nusi::invalid_argument naming the first bad member (the spectrum and relic options are checked when the
  /// model is built).
  void validate(std::string_view function) const {
    interaction.validate(function);
    detail::require_positive(function, "distance_cm", distance_cm);
    detail::require_positive(function, "threshold_MeV", threshold_MeV);
    detail::require_open_interval(function, "exclusion_level", exclusion_level, Real(0), Real(1));
    if (detected_flavour != flavour::e && detected_flavour != flavour::mu && detected_flavour != flavour::tau)
      detail::throw_invalid(function, "detected_flavour", "e, mu or tau", static_cast<int>(detected_flavour));
    if (detection != detected_neutrinos::flavour_antineutrinos && detection != detected_neutrinos::all)
      detail::throw_invalid(function, "detection", "flavour_antineutrinos or all", static_cast<int>(detection));
  }
};

/// One component of the burst: neutrinos (or antineutrinos) of flavour alpha with an energy spectrum, carrying
/// `weight` of the emitted number (weights are normalised over the components). Emitted in flavour states, they
/// leave the source as an incoherent mixture of mass states with probabilities |U_alpha i|^2.
template <class Real, class Spectrum>
struct flavour_emission {
  flavour alpha = flavour::e;
  bool antineutrino = true;
  Spectrum spectrum;
  Real weight = Real(1);
  /// Probabilities of leaving the source in mass states 1, 2, 3 (summing to 1) in place of |U_alpha i|^2: e.g. the
  /// adiabatic MSW conversion in the star, where an electron antineutrino leaves as state 1 (normal ordering) or 3
  /// (inverted). alpha still names the flavour for the reference fractions' bookkeeping.
  std::optional<std::array<Real, 3>> mass_state_probabilities{};

  /// Probability of leaving in mass state i. Throws nusi::invalid_argument on probabilities that are negative, not
  /// finite or do not sum to 1 (within 1e-12).
  Real probability(const neutrino_spectrum<Real>& spectrum_model, std::size_t i) const {
    if (!mass_state_probabilities) return spectrum_model.mixing_probability(alpha, i);
    return (*mass_state_probabilities)[i];
  }
  void validate(std::string_view function) const {
    if (alpha != flavour::e && alpha != flavour::mu && alpha != flavour::tau)
      detail::throw_invalid(function, "emission.alpha", "e, mu or tau", static_cast<int>(alpha));
    detail::require_positive(function, "emission.weight", weight);
    if (mass_state_probabilities) {
      Real sum = 0;
      for (Real p : *mass_state_probabilities) {
        detail::require_closed_interval(function, "emission.mass_state_probabilities", p, Real(0), Real(1));
        sum += p;
      }
      using std::abs;
      if (!(abs(sum - 1) <= Real(1e-12L)))
        detail::throw_invalid(function, "emission.mass_state_probabilities", "summing to 1", sum);
    }
  }
};

/// The model built once from a setup: the neutrino spectrum (masses, PMNS), the relic background (targets, thermal
/// distributions) and the scattering model. The scattering depends on the mediator; with_mediator() rebuilds only it.
/// @throws nusi::invalid_argument from the setup's validation and the components' constructors.
template <class Real>
class mass_state_model {
 public:
  explicit mass_state_model(const mass_state_setup<Real>& setup)
      : setup_(checked(setup)), spectrum_(setup.spectrum), relic_(setup.relic, spectrum_, setup.interaction.nature),
        scattering_(setup.interaction, spectrum_) {}

  const mass_state_setup<Real>& setup() const { return setup_; }
  const neutrino_spectrum<Real>& spectrum() const { return spectrum_; }
  const relic_background<Real>& relic() const { return relic_; }
  const mass_state_scattering<Real>& scattering() const { return scattering_; }
  /// The same model with another mediator (mass, coupling; same kind): spectrum and relic background are kept.
  /// @throws nusi::invalid_argument if the mediator is bad or changes kind.
  void set_mediator(const mediator<Real>& med) {
    if (med.kind != setup_.interaction.med.kind)
      detail::throw_invalid("nusi::mass_state_model::set_mediator", "med.kind", "the model's mediator kind", static_cast<int>(med.kind));
    setup_.interaction.med = med;
    scattering_ = mass_state_scattering<Real>(setup_.interaction, spectrum_);
  }

 private:
  static const mass_state_setup<Real>& checked(const mass_state_setup<Real>& s) {
    s.validate("nusi::mass_state_model");
    return s;
  }
  mass_state_setup<Real> setup_;
  neutrino_spectrum<Real> spectrum_;
  relic_background<Real> relic_;
  mass_state_scattering<Real> scattering_;
};

}  // namespace nusi
