// SPDX-License-Identifier: MIT
// Scattering of a supernova neutrino (massless, definite helicity) on a relic mass state through a scalar or vector
// mediator: s-, t- and u-channel amplitudes with their interference, for Majorana and Dirac neutrinos, per mass state
// and helicity of the outgoing pair (docs/physics.md, "Scattering of mass states"). Every process is a sum of basis
// terms prefactor(s) x shape(s, y) with y = (1 + cos theta*)/2 the CM fraction of the outgoing neutrino at p3.
#pragma once

#include <algorithm>
#include <array>
#include <cmath>
#include <complex>
#include <cstddef>
#include <string_view>
#include <vector>

#include <boost/math/constants/constants.hpp>
#include <boost/math/quadrature/gauss.hpp>

#include "../cross_sections.hpp"
#include "../detail/promote.hpp"
#include "../errors.hpp"
#include "../units.hpp"
#include "couplings.hpp"
#include "masses_and_mixing.hpp"
#include "relic_background.hpp"

namespace nusi {

/// Which amplitudes are kept: `s` (the resonant s-channel alone, as in the paper) or `stu` (s, t and u channels and
/// every interference term).
enum class channel_set { s, stu };

/// The secret interaction of the mass-state model: mediator (mass, coupling in `convention`, scalar or vector), the
/// nature of the neutrinos, the channels, and the flavour structure of the coupling.
template <class Real>
struct mass_state_interaction {
  mediator<Real> med{.mass_MeV = Real(3.1622776601683794e-4L), .coupling = Real(1.7782794100389228e-2L)};
  neutrino_nature nature = neutrino_nature::majorana;
  channel_set channels = channel_set::stu;
  coupling_convention convention = coupling_convention::paper;
  flavour_coupling_pattern<Real> pattern = flavour_coupling_pattern<Real>::universal();

  /// Throws nusi::invalid_argument naming the first bad member (mediator mass or coupling not finite and > 0,
  /// vector_angular_factor other than 1, an enum out of range, a bad coupling pattern).
  void validate(std::string_view function) const {
    detail::validate_mediator(function, med);
    if (!(med.vector_angular_factor == Real(1)))
      detail::throw_invalid(function, "interaction.med.vector_angular_factor",
                            "1 (the mass-state model computes the vector mediator's amplitudes)", med.vector_angular_factor);
    if (med.kind != mediator_kind::scalar && med.kind != mediator_kind::vector)
      detail::throw_invalid(function, "interaction.med.kind", "scalar or vector", static_cast<int>(med.kind));
    if (nature != neutrino_nature::majorana && nature != neutrino_nature::dirac)
      detail::throw_invalid(function, "interaction.nature", "majorana or dirac", static_cast<int>(nature));
    if (channels != channel_set::s && channels != channel_set::stu)
      detail::throw_invalid(function, "interaction.channels", "s or stu", static_cast<int>(channels));
    if (convention != coupling_convention::paper && convention != coupling_convention::lagrangian)
      detail::throw_invalid(function, "interaction.convention", "paper or lagrangian", static_cast<int>(convention));
    pattern.validate(function);
  }
};

/// Kinds of neutrino of one mass state, by helicity (and, for Dirac neutrinos, particle or antiparticle).
/// Majorana: right-handed ("antineutrino", what inverse beta decay sees) and left-handed. Dirac: the active
/// antineutrino (right-handed) and neutrino (left-handed), and, produced only by a scalar, their sterile helicities.
enum class neutrino_kind : unsigned {
  antineutrino_right = 0,
  neutrino_left = 1,
  antineutrino_left = 2,  ///< Dirac only: sterile helicity
  neutrino_right = 3      ///< Dirac only: sterile helicity
};

/// Name of a kind: "antineutrino_right", ...
inline std::string_view neutrino_kind_name(neutrino_kind k) {
  switch (k) {
    case neutrino_kind::antineutrino_right: return "antineutrino_right";
    case neutrino_kind::neutrino_left: return "neutrino_left";
    case neutrino_kind::antineutrino_left: return "antineutrino_left";
    case neutrino_kind::neutrino_right: return "neutrino_right";
  }
  return "?";
}

/// The basis terms of |M|^2/(16 pi (s - m^2)) = dsigma/dy [MeV^-2]: each is prefactor(s) x shape(y). Scalar and
/// vector mediators have their own sets (docs/physics.md lists them with their derivations).
enum class scattering_basis : unsigned {
  // scalar
  s_ss, s_tt, s_uu, s_tu, s_st_re, s_st_im, s_su_re, s_su_im,
  // vector
  v_pp_tt, v_pp_uu, v_pp_tu, v_wu_ss2, v_wu_ss1, v_wu_tt, v_wu_st_re, v_wu_st_im,
  v_wt_ss2, v_wt_ss1, v_wt_uu, v_wt_su_re, v_wt_su_im,
  count
};

/// Kinematics of one collision in the basis terms: s [MeV^2], the target mass squared m^2 [MeV^2], and the mediator's
/// M^2 and M Gamma [MeV^2]; A = s - m^2, a = M^2/A, beta = m^2/A.
template <class Real>
struct scattering_kinematics {
  Real s, m2, M2, MGamma;
  Real A() const { return s - m2; }
  Real a() const { return M2 / (s - m2); }
  Real beta() const { return m2 / (s - m2); }
  /// D(s) = (s - M^2)^2 + (M Gamma)^2 [MeV^4].
  Real D() const { return (s - M2) * (s - M2) + MGamma * MGamma; }
};

namespace detail {
inline constexpr std::size_t basis_count = static_cast<std::size_t>(scattering_basis::count);
/// The scalar mediator's bases, s_ss .. s_su_im (the first ones in scattering_basis).
inline constexpr std::size_t scalar_basis_count = static_cast<std::size_t>(scattering_basis::s_su_im) + 1;

/// Whether a basis term's prefactor is P(s)/D(s) (resonant) with P a polynomial of degree <= 2 in s.
inline bool resonant_basis(scattering_basis b) {
  switch (b) {
    case scattering_basis::s_ss: case scattering_basis::s_st_re: case scattering_basis::s_st_im:
    case scattering_basis::s_su_re: case scattering_basis::s_su_im: case scattering_basis::v_wu_ss2:
    case scattering_basis::v_wu_ss1: case scattering_basis::v_wu_st_re: case scattering_basis::v_wu_st_im:
    case scattering_basis::v_wt_ss2: case scattering_basis::v_wt_ss1: case scattering_basis::v_wt_su_re:
    case scattering_basis::v_wt_su_im:
      return true;
    default:
      return false;
  }
}

/// The numerator P(s) = c0 + c1 s + c2 s^2 of a resonant prefactor P(s)/D(s) [coefficients in MeV^(2-2k)].
template <class Real>
std::array<Real, 3> resonant_numerator(scattering_basis b, Real m2, Real M2, Real MGamma) {
  const Real pi = boost::math::constants::pi<Real>();
  const Real c32 = 1 / (32 * pi), c8 = 1 / (8 * pi);
  switch (b) {
    case scattering_basis::s_ss: return {Real(0), c32, Real(0)};                 // s/(32 pi)
    case scattering_basis::s_st_re:                                               // s (s - M^2)/(32 pi)
    case scattering_basis::s_su_re: return {Real(0), -M2 * c32, c32};
    case scattering_basis::s_st_im:                                               // s M Gamma/(32 pi)
    case scattering_basis::s_su_im: return {Real(0), MGamma * c32, Real(0)};
    case scattering_basis::v_wu_ss2:
    case scattering_basis::v_wt_ss2: return {-m2 * c8, c8, Real(0)};              // (s - m^2)/(8 pi)
    case scattering_basis::v_wu_ss1:
    case scattering_basis::v_wt_ss1: return {m2 * c8, Real(0), Real(0)};          // m^2/(8 pi)
    case scattering_basis::v_wu_st_re:
    case scattering_basis::v_wt_su_re: return {-M2 * c8, c8, Real(0)};            // (s - M^2)/(8 pi)
    case scattering_basis::v_wu_st_im:
    case scattering_basis::v_wt_su_im: return {MGamma * c8, Real(0), Real(0)};    // M Gamma/(8 pi)
    default: return {Real(0), Real(0), Real(0)};
  }
}

/// The non-resonant prefactor [MeV^-2 or MeV^0, paired with the shape's unit] at s.
template <class Real>
Real plain_prefactor(scattering_basis b, const scattering_kinematics<Real>& k) {
  const Real pi = boost::math::constants::pi<Real>();
  const Real A = k.A();
  switch (b) {
    case scattering_basis::s_tt: case scattering_basis::s_uu: case scattering_basis::s_tu: return 1 / (32 * pi * A);
    case scattering_basis::v_pp_tt: case scattering_basis::v_pp_uu: case scattering_basis::v_pp_tu:
      return k.s / (8 * pi * A * A);
    case scattering_basis::v_wu_tt: case scattering_basis::v_wt_uu: return 1 / (8 * pi * A);
    default: return Real(0);
  }
}
}  // namespace detail

/// prefactor(s) of a basis term [MeV^-2, or MeV^0 for s_st/s_su whose shape carries MeV^-2].
template <class Real>
Real basis_prefactor(scattering_basis b, const scattering_kinematics<Real>& k) {
  if (!detail::resonant_basis(b)) return detail::plain_prefactor(b, k);
  const auto c = detail::resonant_numerator(b, k.m2, k.M2, k.MGamma);
  return (c[0] + k.s * (c[1] + k.s * c[2])) / k.D();
}

/// shape(y) of a basis term at the CM fraction y in [0, 1] of the neutrino at p3 (dimensionless; MeV^-2 for s_st/s_su).
/// With z = 1 - y: t = -A z, u = -A y.
template <class Real>
Real basis_shape(scattering_basis b, Real y, const scattering_kinematics<Real>& k) {
  const Real z = 1 - y, a = k.a(), beta = k.beta(), A = k.A();
  switch (b) {
    case scattering_basis::s_ss: return Real(1);
    case scattering_basis::s_tt: return z * (z + beta) / ((z + a) * (z + a));
    case scattering_basis::s_uu: return y * (y + beta) / ((y + a) * (y + a));
    case scattering_basis::s_tu: return y * z / ((z + a) * (y + a));
    case scattering_basis::s_st_re: case scattering_basis::s_st_im: return z / (A * z + k.M2);
    case scattering_basis::s_su_re: case scattering_basis::s_su_im: return y / (A * y + k.M2);
    case scattering_basis::v_pp_tt: return 1 / ((z + a) * (z + a));
    case scattering_basis::v_pp_uu: return 1 / ((y + a) * (y + a));
    case scattering_basis::v_pp_tu: return 1 / ((z + a) * (y + a));
    case scattering_basis::v_wu_ss2: return y * y;
    case scattering_basis::v_wu_ss1: return y;
    case scattering_basis::v_wu_tt: return y * (y + beta) / ((z + a) * (z + a));
    case scattering_basis::v_wu_st_re: case scattering_basis::v_wu_st_im: return -y * (y + beta) / (z + a);
    case scattering_basis::v_wt_ss2: return z * z;
    case scattering_basis::v_wt_ss1: return z;
    case scattering_basis::v_wt_uu: return z * (z + beta) / ((y + a) * (y + a));
    case scattering_basis::v_wt_su_re: case scattering_basis::v_wt_su_im: return -z * (z + beta) / (y + a);
    default: return Real(0);
  }
}

namespace detail {
/// int_0^1 shape dy in closed form where a = M^2/A <= 1 (no cancellation there), 20-point Gauss-Legendre where a > 1
/// (the poles at y = -a and 1 + a are then at least the interval's length away: error < 1e-28).
template <class Real>
Real shape_integral(scattering_basis b, const scattering_kinematics<Real>& k) {
  using std::log1p;
  const Real a = k.a(), beta = k.beta(), A = k.A();
  switch (b) {
    case scattering_basis::s_ss: return Real(1);
    case scattering_basis::v_wu_ss2: case scattering_basis::v_wt_ss2: return Real(1) / 3;
    case scattering_basis::v_wu_ss1: case scattering_basis::v_wt_ss1: return Real(1) / 2;
    default: break;
  }
  if (a > 1)
    return boost::math::quadrature::gauss<Real, 20>::integrate([&](Real y) { return basis_shape(b, y, k); }, Real(0), Real(1));
  const Real L = log1p(1 / a), c = 1 + a;
  switch (b) {
    case scattering_basis::s_tt: case scattering_basis::s_uu: return 1 + (beta - 2 * a) * L + (a - beta) / c;    // J1
    case scattering_basis::s_tu: return 1 - 2 * a * c * L / (1 + 2 * a);                                          // J2
    case scattering_basis::s_st_re: case scattering_basis::s_st_im: case scattering_basis::s_su_re:
    case scattering_basis::s_su_im: return (1 - a * L) / A;                                                       // J3/A
    case scattering_basis::v_pp_tt: case scattering_basis::v_pp_uu: return 1 / (a * c);                          // J4
    case scattering_basis::v_pp_tu: return 2 * L / (1 + 2 * a);                                                   // J5
    case scattering_basis::v_wu_tt: case scattering_basis::v_wt_uu: return 1 - (2 + 2 * a + beta) * L + (c + beta) / a;  // J6
    case scattering_basis::v_wu_st_re: case scattering_basis::v_wu_st_im: case scattering_basis::v_wt_su_re:
    case scattering_basis::v_wt_su_im: return -(c * (c + beta) * L - (2 * c + beta) + (1 + 2 * a) / 2);          // -J7
    default: return Real(0);
  }
}

/// shape_integral of `count` bases at once into out[0 .. count). Where a > 1, one 20-point Gauss-Legendre rule whose
/// points serve every basis (their shapes share 1/(z + a) and 1/(y + a), as basis_shape's formulas rearranged: z/(A z +
/// M^2) = z/(A (z + a))); elsewhere, and for the polynomial shapes, shape_integral.
template <class Real>
void shape_integrals(const scattering_basis* bases, std::size_t count, const scattering_kinematics<Real>& k, Real* out) {
  using B = scattering_basis;
  const Real a = k.a();
  if (!(a > 1)) {
    for (std::size_t b = 0; b < count; ++b) out[b] = shape_integral(bases[b], k);
    return;
  }
  const Real beta = k.beta(), inverse_A = 1 / k.A();
  using rule = boost::math::quadrature::gauss<Real, 20>;
  const auto& x = rule::abscissa();
  const auto& w = rule::weights();
  std::fill_n(out, count, Real(0));
  for (std::size_t i = 0; i < x.size(); ++i)
    for (const Real sign : {Real(-1), Real(1)}) {
      const Real y = (1 + sign * x[i]) / 2, z = (1 - sign * x[i]) / 2;
      const Real T = 1 / (z + a), V = 1 / (y + a), yy = y * (y + beta), zz = z * (z + beta);
      for (std::size_t b = 0; b < count; ++b) {
        Real shape = 0;
        switch (bases[b]) {
          case B::s_tt: shape = zz * T * T; break;
          case B::s_uu: shape = yy * V * V; break;
          case B::s_tu: shape = y * z * T * V; break;
          case B::s_st_re: case B::s_st_im: shape = z * T * inverse_A; break;
          case B::s_su_re: case B::s_su_im: shape = y * V * inverse_A; break;
          case B::v_pp_tt: shape = T * T; break;
          case B::v_pp_uu: shape = V * V; break;
          case B::v_pp_tu: shape = T * V; break;
          case B::v_wu_tt: shape = yy * T * T; break;
          case B::v_wu_st_re: case B::v_wu_st_im: shape = -yy * T; break;
          case B::v_wt_uu: shape = zz * V * V; break;
          case B::v_wt_su_re: case B::v_wt_su_im: shape = -zz * V; break;
          default: break;  // the polynomial shapes: below
        }
        out[b] += w[i] * shape;
      }
    }
  for (std::size_t b = 0; b < count; ++b) {
    switch (bases[b]) {
      case B::s_ss: case B::v_wu_ss2: case B::v_wt_ss2: case B::v_wu_ss1: case B::v_wt_ss1: out[b] = shape_integral(bases[b], k); break;
      default: out[b] /= 2;
    }
  }
}
}  // namespace detail

/// One way a projectile species (mass state, kind) scatters on one relic population: the outgoing pair (species at
/// p3 with CM fraction y, species at p4 with 1 - y) and the coupling weights of the basis terms, identical-particle
/// factor included: dsigma/dy = sum_b coefficient_b prefactor_b(s) shape_b(y) [MeV^-2].
template <class Real>
struct scattering_process {
  std::size_t product3 = 0, product4 = 0;  ///< species index: state * kinds + kind
  std::array<std::pair<scattering_basis, Real>, 8> terms{};
  std::size_t term_count = 0;
};

/// The scattering model of the mass states: Lagrangian couplings in the mass basis, the total width, the kinds of
/// neutrino that take part, and for every projectile species and relic population the list of processes.
/// @throws nusi::invalid_argument from mass_state_interaction::validate.
template <class Real>
class mass_state_scattering {
 public:
  mass_state_scattering(const mass_state_interaction<Real>& interaction, const neutrino_spectrum<Real>& spectrum)
      : interaction_(interaction) {
    constexpr std::string_view fn = "nusi::mass_state_scattering";
    interaction.validate(fn);
    const auto nature = interaction.nature;
    const auto kind = interaction.med.kind;
    g_lagrangian_ = lagrangian_coupling(interaction.med.coupling, interaction.convention, nature, kind);
    G_ = mass_basis_couplings(interaction.pattern, spectrum, g_lagrangian_);
    width_ = mediator_total_width_MeV(interaction.med.mass_MeV, G_, nature, kind);
    kinds_ = (nature == neutrino_nature::dirac && kind == mediator_kind::scalar) ? 4 : 2;
    for (std::size_t i = 0; i < 3; ++i) masses_MeV_[i] = spectrum.mass_MeV(i);
    build_processes();
  }

  const mass_state_interaction<Real>& interaction() const { return interaction_; }
  /// Kinds per mass state (2, or 4 for a Dirac scalar) and species = 3 kinds.
  std::size_t kinds() const { return kinds_; }
  std::size_t species() const { return 3 * kinds_; }
  /// Species index of (mass state i, kind k).
  std::size_t species_index(std::size_t state, neutrino_kind k) const { return state * kinds_ + static_cast<std::size_t>(k); }
  /// The coupling of the Lagrangian g_L (the mediator's coupling converted from its convention).
  Real lagrangian_coupling_constant() const { return g_lagrangian_; }
  /// Mass-basis coupling G_ij (Lagrangian convention).
  std::complex<Real> coupling(std::size_t i, std::size_t j) const { return G_[i][j]; }
  /// Total width of the mediator [MeV]: every channel phi -> nu_i nu_j (couplings.hpp).
  Real width_MeV() const { return width_; }
  /// The relic populations of each state in order: {majorana} or {neutrino, antineutrino}.
  std::size_t target_kinds() const { return interaction_.nature == neutrino_nature::majorana ? 1 : 2; }
  relic_target_kind target_kind(std::size_t t) const {
    if (interaction_.nature == neutrino_nature::majorana) return relic_target_kind::majorana;
    return t == 0 ? relic_target_kind::neutrino : relic_target_kind::antineutrino;
  }
  /// Processes of projectile species p on relic population t of mass state b.
  const std::vector<scattering_process<Real>>& processes(std::size_t projectile, std::size_t target_state, std::size_t t) const {
    return processes_[(projectile * 3 + target_state) * 2 + t];
  }
  /// Kinematics on a target of mass state b at s [MeV^2].
  scattering_kinematics<Real> kinematics(std::size_t target_state, Real s) const {
    const Real M = interaction_.med.mass_MeV;
    return {s, masses_MeV_[target_state] * masses_MeV_[target_state], M * M, M * width_};
  }
  /// dsigma/dy [MeV^-2] of one process at s and y.
  Real differential_cross_section_per_MeV2(const scattering_process<Real>& p, const scattering_kinematics<Real>& k, Real y) const {
    Real sum = 0;
    for (std::size_t n = 0; n < p.term_count; ++n)
      sum += p.terms[n].second * basis_prefactor(p.terms[n].first, k) * basis_shape(p.terms[n].first, y, k);
    return sum;
  }
  /// sigma [MeV^-2] of one process at s: int_0^1 dsigma/dy dy, in closed form (detail::shape_integral).
  Real cross_section_per_MeV2(const scattering_process<Real>& p, const scattering_kinematics<Real>& k) const {
    Real sum = 0;
    for (std::size_t n = 0; n < p.term_count; ++n)
      sum += p.terms[n].second * basis_prefactor(p.terms[n].first, k) * detail::shape_integral(p.terms[n].first, k);
    return sum;
  }
  /// Total cross section [cm^2] of projectile species p on population t of state b at s (all processes).
  Real total_cross_section_cm2(std::size_t projectile, std::size_t target_state, std::size_t t, Real s) const {
    const auto k = kinematics(target_state, s);
    Real sum = 0;
    for (const auto& p : processes(projectile, target_state, t)) sum += cross_section_per_MeV2(p, k);
    return per_MeV2_to_cm2(sum);
  }

 private:
  using complex = std::complex<Real>;
  // Kind permutations of the symmetries that map the master projectile (kind 0: the right-handed antineutrino) to
  // the others; `conjugate`: the map contains C, which swaps relic neutrinos and antineutrinos and G -> G^T.
  struct symmetry {
    std::array<unsigned, 4> kind_map;
    bool conjugate;
  };
  std::vector<symmetry> symmetries() const {
    if (interaction_.nature == neutrino_nature::majorana) return {{{0, 1, 2, 3}, false}, {{1, 0, 2, 3}, false}};  // 1, P
    if (interaction_.med.kind == mediator_kind::vector) return {{{0, 1, 2, 3}, false}, {{1, 0, 3, 2}, true}};    // 1, CP
    // Dirac scalar: 1, CP, P, C (projectile kinds 0, 1, 2, 3).
    return {{{0, 1, 2, 3}, false}, {{1, 0, 3, 2}, true}, {{2, 3, 0, 1}, false}, {{3, 2, 1, 0}, true}};
  }
  void add(std::vector<scattering_process<Real>>& list, std::size_t c, unsigned k3, std::size_t d, unsigned k4,
           const symmetry& sym, std::initializer_list<std::pair<scattering_basis, Real>> terms) {
    scattering_process<Real> p;
    p.product3 = c * kinds_ + sym.kind_map[k3];
    p.product4 = d * kinds_ + sym.kind_map[k4];
    for (const auto& t : terms)
      if (t.second != Real(0)) p.terms[p.term_count++] = t;
    if (p.term_count > 0) list.push_back(p);
  }
  void build_processes() {
    using B = scattering_basis;
    processes_.assign(species() * 3 * 2, {});
    const bool scalar = interaction_.med.kind == mediator_kind::scalar;
    const bool majorana = interaction_.nature == neutrino_nature::majorana;
    const bool t_u = interaction_.channels == channel_set::stu;
    const auto syms = symmetries();
    for (std::size_t sidx = 0; sidx < syms.size(); ++sidx) {
      const symmetry& sym = syms[sidx];
      // G or G^T (= G* for Hermitian G) for the C-mirrored projectiles.
      auto G = [&](std::size_t i, std::size_t j) { return sym.conjugate ? G_[j][i] : G_[i][j]; };
      for (std::size_t a = 0; a < 3; ++a) {
        const std::size_t projectile = a * kinds_ + sym.kind_map[0];
        for (std::size_t b = 0; b < 3; ++b) {
          for (std::size_t t = 0; t < target_kinds(); ++t) {
            // The master projectile's relic population: C swaps neutrino and antineutrino targets.
            const relic_target_kind master = sym.conjugate ? (target_kind(t) == relic_target_kind::neutrino
                                                                   ? relic_target_kind::antineutrino
                                                                   : relic_target_kind::neutrino)
                                                           : target_kind(t);
            auto& list = processes_[(projectile * 3 + b) * 2 + t];
            for (std::size_t c = 0; c < 3; ++c)
              for (std::size_t d = 0; d < 3; ++d) {
                // Coupling products of the s, t, u channels for a -> c (p3) and b -> d (p4), or the antineutrino-target
                // assignment of the t/u channels (docs/physics.md, "Coupling products").
                const bool anti_target = master == relic_target_kind::antineutrino;
                const complex Gs = G(a, b) * G(d, c);
                const complex Gt = anti_target ? G(a, c) * G(b, d) : G(a, c) * G(d, b);
                const complex Gu = anti_target ? G(a, d) * G(b, c) : G(a, d) * G(c, b);
                const Real ss = std::norm(Gs), tt = t_u ? std::norm(Gt) : Real(0), uu = t_u ? std::norm(Gu) : Real(0);
                const complex st = t_u ? Real(2) * Gs * std::conj(Gt) : complex(0), su = t_u ? Real(2) * Gs * std::conj(Gu) : complex(0);
                const complex tu = t_u ? Real(2) * Gt * std::conj(Gu) : complex(0);
                if (majorana && scalar) {
                  const Real h = Real(1) / 2;  // identical particles in the final state
                  add(list, c, 0, d, 0, sym, {{B::s_ss, h * ss}});
                  add(list, c, 1, d, 0, sym, {{B::s_tt, h * tt}});
                  add(list, c, 0, d, 1, sym, {{B::s_uu, h * uu}});
                  add(list, c, 1, d, 1, sym,
                      {{B::s_ss, h * ss}, {B::s_tt, h * tt}, {B::s_uu, h * uu}, {B::s_tu, h * tu.real()},
                       {B::s_st_re, h * st.real()}, {B::s_st_im, h * st.imag()}, {B::s_su_re, h * su.real()},
                       {B::s_su_im, h * su.imag()}});
                } else if (majorana) {
                  const Real h = Real(1) / 2;
                  add(list, c, 0, d, 0, sym, {{B::v_pp_tt, h * tt}, {B::v_pp_uu, h * uu}, {B::v_pp_tu, h * tu.real()}});
                  add(list, c, 0, d, 1, sym,
                      {{B::v_wu_ss2, h * ss}, {B::v_wu_ss1, h * ss}, {B::v_wu_tt, h * tt}, {B::v_wu_st_re, h * st.real()},
                       {B::v_wu_st_im, h * st.imag()}});
                  add(list, c, 1, d, 0, sym,
                      {{B::v_wt_ss2, h * ss}, {B::v_wt_ss1, h * ss}, {B::v_wt_uu, h * uu}, {B::v_wt_su_re, h * su.real()},
                       {B::v_wt_su_im, h * su.imag()}});
                } else if (scalar) {
                  if (!anti_target) {  // antineutrino + relic neutrino -> antineutrino (p3) + neutrino (p4): s, t
                    add(list, c, 0, d, 3, sym, {{B::s_ss, ss}});
                    add(list, c, 2, d, 3, sym, {{B::s_tt, tt}});
                    add(list, c, 2, d, 1, sym, {{B::s_ss, ss}, {B::s_tt, tt}, {B::s_st_re, st.real()}, {B::s_st_im, st.imag()}});
                  } else {  // antineutrino + relic antineutrino -> two antineutrinos: t, u
                    const Real h = Real(1) / 2;
                    add(list, c, 0, d, 2, sym, {{B::s_uu, h * uu}});
                    add(list, c, 2, d, 0, sym, {{B::s_tt, h * tt}});
                    add(list, c, 2, d, 2, sym, {{B::s_tt, h * tt}, {B::s_uu, h * uu}, {B::s_tu, h * tu.real()}});
                  }
                } else {
                  if (!anti_target) {
                    add(list, c, 0, d, 1, sym,
                        {{B::v_wu_ss2, ss}, {B::v_wu_ss1, ss}, {B::v_wu_tt, tt}, {B::v_wu_st_re, st.real()},
                         {B::v_wu_st_im, st.imag()}});
                  } else {
                    const Real h = Real(1) / 2;
                    add(list, c, 0, d, 0, sym, {{B::v_pp_tt, h * tt}, {B::v_pp_uu, h * uu}, {B::v_pp_tu, h * tu.real()}});
                  }
                }
              }
          }
        }
      }
    }
  }

  mass_state_interaction<Real> interaction_;
  Real g_lagrangian_ = 0, width_ = 0;
  std::array<std::array<complex, 3>, 3> G_{};
  std::array<Real, 3> masses_MeV_{};
  std::size_t kinds_ = 2;
  std::vector<std::vector<scattering_process<Real>>> processes_;
};

}  // namespace nusi
