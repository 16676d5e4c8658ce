// SPDX-License-Identifier: MIT
// Couplings of the mass-state model (docs/physics.md, "Couplings"): a real symmetric 3x3 pattern in the flavour basis
// (flavour-universal by default, one flavour, or any diagonal), rotated to the mass basis G = U^dagger g U; the two
// coupling conventions (the paper's, Gamma = g^2 M/(4 pi) per channel, and the Lagrangian one of nuSIprop); widths.
#pragma once

#include <algorithm>
#include <array>
#include <cmath>
#include <complex>
#include <cstddef>
#include <initializer_list>
#include <limits>
#include <string>
#include <string_view>

#include <boost/math/constants/constants.hpp>

#include "../cross_sections.hpp"
#include "../errors.hpp"
#include "masses_and_mixing.hpp"

namespace nusi {

/// How the coupling g of a mediator is normalised. `paper`: g such that each decay channel's width is
/// g^2 M/(4 pi) (paper, below Eq. 4). `lagrangian`: the coupling of the Lagrangian, as in nuSIprop
/// (arXiv:2107.13568): -(1/2) g nu-bar nu phi for Majorana neutrinos (Gamma = g^2 M/(16 pi)), -g nu-bar nu phi for
/// Dirac (g^2 M/(8 pi)), and -g nu-bar gamma^mu P_L nu V_mu for a vector (g^2 M/(24 pi), either nature).
enum class coupling_convention { paper, lagrangian };

/// The flavour structure of the coupling: a real symmetric 3x3 matrix g_{alpha beta}/g in the flavour basis
/// (rows and columns e, mu, tau). The overall strength is the mediator's coupling.
template <class Real>
struct flavour_coupling_pattern {
  std::array<std::array<Real, 3>, 3> entries{};

  /// g_{alpha beta} = delta_{alpha beta}: every flavour alike (the paper's "diagonal and universal", Eq. 1).
  static flavour_coupling_pattern universal() { return diagonal(Real(1), Real(1), Real(1)); }
  /// Only flavour f couples.
  static flavour_coupling_pattern single(flavour f) {
    flavour_coupling_pattern p;
    p.entries[static_cast<std::size_t>(f)][static_cast<std::size_t>(f)] = Real(1);
    return p;
  }
  /// diag(g_ee, g_mumu, g_tautau)/g.
  static flavour_coupling_pattern diagonal(Real g_ee, Real g_mumu, Real g_tautau) {
    flavour_coupling_pattern p;
    p.entries[0][0] = g_ee;
    p.entries[1][1] = g_mumu;
    p.entries[2][2] = g_tautau;
    return p;
  }
  /// Equal diagonal couplings for the listed flavours (e.g. {e, mu, tau} or {tau}), zero for the others.
  static flavour_coupling_pattern of_flavours(std::initializer_list<flavour> flavours) {
    flavour_coupling_pattern p;
    for (flavour f : flavours) p.entries[static_cast<std::size_t>(f)][static_cast<std::size_t>(f)] = Real(1);
    return p;
  }

  /// Throws nusi::invalid_argument naming the entry if one is not finite or the matrix is not symmetric (to 64
  /// ulps of its largest entry), and if every entry is zero.
  void validate(std::string_view function) const {
    using std::abs;
    Real largest = 0;
    for (std::size_t a = 0; a < 3; ++a)
      for (std::size_t b = 0; b < 3; ++b) {
        detail::require_finite(function, entry_name(a, b), entries[a][b]);
        largest = std::max(largest, abs(entries[a][b]));
      }
    if (!(largest > 0)) detail::throw_invalid(function, "couplings.pattern", "not all zero", largest);
    const Real tolerance = 64 * std::numeric_limits<Real>::epsilon() * largest;
    for (std::size_t a = 0; a < 3; ++a)
      for (std::size_t b = a + 1; b < 3; ++b)
        if (abs(entries[a][b] - entries[b][a]) > tolerance)
          detail::throw_invalid(function, entry_name(a, b),
                                "equal to " + std::string(entry_name(b, a)) + " = " + detail::to_text(entries[b][a]) +
                                    " (the coupling matrix must be symmetric)",
                                entries[a][b]);
  }

 private:
  static std::string_view entry_name(std::size_t a, std::size_t b) {
    static constexpr std::array<std::array<std::string_view, 3>, 3> names{
        {{"pattern.entries[e][e]", "pattern.entries[e][mu]", "pattern.entries[e][tau]"},
         {"pattern.entries[mu][e]", "pattern.entries[mu][mu]", "pattern.entries[mu][tau]"},
         {"pattern.entries[tau][e]", "pattern.entries[tau][mu]", "pattern.entries[tau][tau]"}}};
    return names[a][b];
  }
};

/// Denominator c of the total width Gamma = (M/(c pi)) sum_ij |G_ij|^2 in the Lagrangian convention: 16 for a
/// Majorana scalar (-(1/2) G nu-bar nu phi), 8 for a Dirac scalar, 24 for a vector (P_L coupling, either nature).
inline int lagrangian_width_denominator(neutrino_nature nature, mediator_kind kind) {
  if (kind == mediator_kind::vector) return 24;
  return nature == neutrino_nature::majorana ? 16 : 8;
}

/// g_lagrangian / g_paper: sqrt(c/4) with c = lagrangian_width_denominator (2 Majorana scalar, sqrt 2 Dirac scalar,
/// sqrt 6 vector): the factor that makes one channel's width g^2 M/(4 pi) in the paper's convention.
template <class Real>
Real lagrangian_per_paper_coupling(neutrino_nature nature, mediator_kind kind) {
  using std::sqrt;
  return sqrt(Real(lagrangian_width_denominator(nature, kind)) / 4);
}

/// The coupling of the Lagrangian for a coupling g given in `convention` (docs/physics.md, "Coupling conventions").
template <class Real>
Real lagrangian_coupling(Real g, coupling_convention convention, neutrino_nature nature, mediator_kind kind) {
  return convention == coupling_convention::paper ? g * lagrangian_per_paper_coupling<Real>(nature, kind) : g;
}

/// Mass-basis couplings G = c U^dagger (g pattern) U (Hermitian): G_ij = c sum_{alpha beta} U*_{alpha i} g_{alpha beta}
/// U_{beta j}, c the Lagrangian coupling. For the universal pattern G = c 1 whatever the mixing.
template <class Real>
std::array<std::array<std::complex<Real>, 3>, 3> mass_basis_couplings(const flavour_coupling_pattern<Real>& pattern,
                                                                      const neutrino_spectrum<Real>& spectrum,
                                                                      Real lagrangian_g) {
  using std::abs;
  std::array<std::array<std::complex<Real>, 3>, 3> G{};
  Real largest = 0;
  for (const auto& row : pattern.entries)
    for (Real g : row) largest = std::max(largest, abs(g));
  for (std::size_t i = 0; i < 3; ++i)
    for (std::size_t j = 0; j < 3; ++j) {
      std::complex<Real> sum(0);
      for (std::size_t a = 0; a < 3; ++a)
        for (std::size_t b = 0; b < 3; ++b)
          sum += std::conj(spectrum.pmns(static_cast<flavour>(a), i)) * pattern.entries[a][b] *
                 spectrum.pmns(static_cast<flavour>(b), j);
      // Parts below the rotation's rounding (64 ulps of the largest entry) are zero: U^dagger 1 U = 1 exactly, so the
      // universal pattern opens no off-diagonal channel through rounding.
      if (abs(sum.real()) <= 64 * std::numeric_limits<Real>::epsilon() * largest) sum.real(Real(0));
      if (abs(sum.imag()) <= 64 * std::numeric_limits<Real>::epsilon() * largest) sum.imag(Real(0));
      G[i][j] = lagrangian_g * sum;
    }
  return G;
}

/// Total width of the mediator [MeV]: (M/(c pi)) sum_ij |G_ij|^2 with c = lagrangian_width_denominator (every open
/// channel phi -> nu_i nu_j, neutrinos massless: M >> m_nu). For one coupled state in the paper's convention this is
/// the paper's g^2 M/(4 pi).
template <class Real>
Real mediator_total_width_MeV(Real mass_MeV, const std::array<std::array<std::complex<Real>, 3>, 3>& G,
                              neutrino_nature nature, mediator_kind kind) {
  Real sum = 0;
  for (const auto& row : G)
    for (const auto& g : row) sum += std::norm(g);
  return mass_MeV * sum / (Real(lagrangian_width_denominator(nature, kind)) * boost::math::constants::pi<Real>());
}

}  // namespace nusi
