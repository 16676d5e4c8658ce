// SPDX-License-Identifier: MIT
// The independent check of the diffuse transport (docs/validation.md, "Diffuse fluxes"): with absorption alone (no
// products), each comoving energy evolves on its own, n(eps) = int dt R(z) P(eps, z) exp(-tau(eps, z)),
// tau(eps, z) = int_0^z c n(z') sigma(eps (1+z')) dt', computed here along the line of sight with the point cross
// sections (mass_state_scattering::total_cross_section_cm2) on a uniform grid in ln(1+z), without the kernel, its bin
// averages or the whole-shift operators. It resolves lines wider than the step in ln(1+z) (Gamma/M >~ 1e-2 at the
// default); the resonance of a narrow line is the transport's job.
#pragma once

#include <cmath>
#include <span>
#include <vector>

#include "../errors.hpp"
#include "transport.hpp"

namespace nusi {

/// Numbers today per species and comoving node [Mpc^-3] with absorption only, on the nodes of
/// propagate_diffuse(setup, evolution, components, options) (its options.interactions and absorption_only are
/// ignored), by the trapezoidal rule on `redshift_points` uniform points in ln(1+z) (error ~ points^-2).
/// @throws nusi::invalid_argument as propagate_diffuse, or redshift_points outside [16, 1000000].
template <class Real, class Evolution, class Spectrum>
  requires source_evolution<Evolution, Real> && energy_spectrum<Spectrum, Real>
std::vector<std::vector<Real>> line_of_sight_absorption(const diffuse_setup<Real>& setup, const Evolution& evolution,
                                                        std::span<const flavour_emission<Real, Spectrum>> components,
                                                        const diffuse_options<Real>& options, std::size_t redshift_points = 4096) {
  using std::exp;
  using std::log;
  using std::log1p;
  constexpr std::string_view fn = "nusi::line_of_sight_absorption";
  setup.validate(fn);
  detail::validate_diffuse_options(fn, options);
  if (redshift_points < 16 || redshift_points > 1000000) detail::throw_invalid(fn, "redshift_points", "in [16, 1000000]", redshift_points);
  const neutrino_spectrum<Real> spectrum(setup.spectrum);
  const mass_state_scattering<Real> sc(setup.interaction, spectrum);
  const relic_background<Real> relic(setup.relic, spectrum, setup.interaction.nature);
  // The solver's comoving nodes, its guard node(s) G below the requested ones included (whole hats at the lowest).
  const std::size_t G = detail::diffuse_guard_nodes, N = options.energy_bins + G, S = sc.species(), kinds = sc.kinds();
  const energy_grid<Real> physical = detail::diffuse_physical_grid(options, 1);
  const std::vector<Real> eps(physical.nodes_MeV().begin(), physical.nodes_MeV().begin() + static_cast<std::ptrdiff_t>(N));
  const Real x_max = log1p(setup.max_redshift), dx = x_max / Real(redshift_points - 1);
  // Loss rate [cm^-1] of species s at energy E, today's densities.
  auto loss = [&](std::size_t s, Real E) {
    Real sum = 0;
    for (std::size_t b = 0; b < 3; ++b) {
      const Real m = relic.mass_MeV(b);
      const auto pops = relic.targets(b);
      for (std::size_t t = 0; t < pops.size(); ++t) sum += pops[t].density_per_cm3 * sc.total_cross_section_cm2(s, b, t, m * m + 2 * E * m);
    }
    return sum;
  };
  std::vector<std::vector<Real>> out(S, std::vector<Real>(options.energy_bins, Real(0)));
  std::vector<Real> tau(N * S, Real(0)), previous_rate(N * S, Real(0)), hats(N), emitted(N * S);
  for (std::size_t q = 0; q < redshift_points; ++q) {
    const Real xq = dx * Real(q), one_plus_z = exp(xq), z = one_plus_z - 1;
    const Real weight = (q == 0 || q + 1 == redshift_points) ? dx / 2 : dx;
    // tau at xq: trapezoid of q(x) loss(eps e^x) from the previous point.
    const Real qx = one_plus_z * one_plus_z * one_plus_z * setup.cosmo.hubble_length_cm(z);
    for (std::size_t k = 0; k < N; ++k)
      for (std::size_t s = 0; s < S; ++s) {
        const Real rate = qx * loss(s, eps[k] * one_plus_z);
        if (q > 0) tau[k * S + s] += dx / 2 * (previous_rate[k * S + s] + rate);
        previous_rate[k * S + s] = rate;
      }
    const Real dt = weight * setup.cosmo.hubble_time_yr(z) * evolution.rate(z);
    std::fill(emitted.begin(), emitted.end(), Real(0));
    for (const auto& c : components) {
      detail::comoving_hats(eps, detail::redshifted_spectrum<Real, Spectrum>{&c.spectrum, one_plus_z}, hats);
      const std::size_t kind = static_cast<std::size_t>(c.antineutrino ? neutrino_kind::antineutrino_right : neutrino_kind::neutrino_left);
      for (std::size_t i = 0; i < 3; ++i) {
        const Real p = dt * c.weight * c.probability(spectrum, i);
        for (std::size_t k = 0; k < N; ++k) emitted[k * S + i * kinds + kind] += p * hats[k];
      }
    }
    // Emitted at xq, absorbed on the way from there to today: exp(-tau(xq)).
    for (std::size_t c = 0; c < N * S; ++c)
      if (emitted[c] != 0 && c / S >= G) out[c % S][c / S - G] += emitted[c] * exp(-tau[c]);
  }
  return out;
}

}  // namespace nusi
