// SPDX-License-Identifier: MIT
// Diffuse neutrino fluxes through the expanding relic background (docs/physics.md, "Diffuse fluxes"): the comoving
// Boltzmann equation of the three mass states with all channels (mass_state_kernel), sources spread in redshift, on a
// logarithmic comoving energy grid. The operator at redshift z is the local kernel on the grid shifted by
// s = ln(1+z)/h nodes: one kernel on a physical grid extended by the largest shift serves every z (at shift s the
// operator of the nearest whole shift: the bin that holds the physical energy). One guard node below the requested
// range makes the lowest reported node's hat whole (its gains at a whole shift are those of a whole physical hat).
// Steps in ln(1+z) are free (not tied to the bin width): per step the exact integral of the operator (first Magnus
// term) and an exponential sweep down the lower-triangular energy structure, each node's loss exact and its own species
// block solved. A single burst at a fixed distance is mass_state_propagate.hpp.
#pragma once

#include <algorithm>
#include <array>
#include <atomic>
#include <cmath>
#include <concepts>
#include <cstddef>
#include <limits>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "../detail/default_init_allocator.hpp"
#include "../detail/wide_vectors.hpp"
#include "../errors.hpp"
#include "../parallel.hpp"
#include "../mass_states/relic_background.hpp"
#include "../mass_states/scattering.hpp"
#include "../mass_states/setup.hpp"
#include "../spectra.hpp"
#include "../transport/grid.hpp"
#include "../transport/mass_state_halves.hpp"
#include "../transport/mass_state_kernel.hpp"
#include "../units.hpp"
#include "cosmology.hpp"
#include "sources.hpp"

namespace nusi {

/// Physics inputs of a diffuse flux. Defaults: an illustrative mediator (log10 M/MeV = -2.7, log10 g = -3: the
/// heaviest state's resonance E_res = M^2/2m sweeps 7-40 MeV over z = 0-5, across the DSNB window), Majorana, all
/// channels, the paper's convention, universal coupling; normal ordering with sum of masses 0.1 eV (below Planck 2018's
/// 0.12 eV) and NuFIT 5.2 mixing; T_nu0 densities, relics at rest (the only kinematics the diffuse solver takes);
/// Planck 2018 cosmology; sources up to z = 5.
template <class Real>
struct diffuse_setup {
  mass_state_interaction<Real> interaction{.med = {.mass_MeV = Real(1.9952623149688795e-3L), .coupling = Real(1e-3L)}};
  neutrino_spectrum_options<Real> spectrum{.ordering = mass_ordering::normal, .lightest_mass_eV = Real(0), .sum_masses_eV = Real(0.1L)};
  relic_background_options<Real> relic{.kinematics = relic_kinematics::at_rest};
  cosmology<Real> cosmo{};
  Real max_redshift = Real(5);

  /// Throws nusi::invalid_argument naming the member (max_redshift in (0, 20]; relics at rest).
  void validate(std::string_view function) const {
    interaction.validate(function);
    cosmo.validate(function);
    detail::require_open_interval(function, "max_redshift", max_redshift, Real(0), std::numeric_limits<Real>::infinity());
    if (!(max_redshift <= 20))
      detail::throw_invalid(function, "max_redshift", "<= 20 (source fits, relics at rest and no radiation end there)", max_redshift);
    if (relic.kinematics != relic_kinematics::at_rest)
      detail::throw_invalid(function, "relic.kinematics", "at_rest (the diffuse solver takes relics at rest)",
                            static_cast<int>(relic.kinematics));
  }
};

/// Numerical settings: the comoving energy grid (log-spaced nodes from min to max, solved with one guard node below
/// min: every reported node has a whole hat but the highest) and the steps in ln(1+z).
template <class Real>
struct diffuse_options {
  Real min_energy_MeV = Real(1);
  Real max_energy_MeV = Real(100);
  std::size_t energy_bins = 300;
  /// Steps in ln(1+z), independent of the energy grid: about uniform, their edges on the boundaries between whole shifts
  /// (detail::diffuse_step_edges: moved by at most half a bin when a step is at least a bin long). 96 by default: the
  /// attenuation within 3e-4 of the converged one at nuSIprop's point, DSNB events within 8e-4 at the default point
  /// (24 steps: 4e-3 and 4e-2; docs/validation.md, "The default step count").
  std::size_t redshift_steps = 96;
  /// Every source point: panels of at most this width in ln(1+z), 3-point Gauss each.
  Real source_panel_width = Real(0.05L);
  /// false: free streaming (the reference of the attenuation).
  bool interactions = true;
  /// true: scatterings remove neutrinos without products (the line-of-sight check; not physical).
  bool absorption_only = false;
  /// Threads assembling the scattering kernel (0: all cores); the result is the same bit for bit for any count.
  std::size_t threads = 1;
  /// Sweep the partners' sums and differences where the operator allows it (diffuse_operator::kind_symmetric): the same
  /// fluxes to rounding in a quarter of the gains' multiplications per half, and none for the differences while the
  /// sources and the numbers are the same for both kinds; the operator keeps the halves alone (diffuse_blocks::halves).
  /// false: the species themselves (the check of the halves).
  bool kind_halves = true;
};

/// Diffuse flux today. Numbers are per comoving volume [Mpc^-3] (rate densities in Mpc^-3 yr^-1 times the source
/// weights); fluxes are c n / bin width [cm^-2 s^-1 MeV^-1] (all directions: what a detector's rate needs).
template <class Real>
struct diffuse_result {
  std::vector<Real> energy_MeV, bin_width_MeV;
  std::size_t species = 0, kinds = 2;
  /// Per species (state * kinds + kind), per node: number today [Mpc^-3].
  std::vector<std::vector<Real>> number;
  /// Flux today by flavour (e, mu, tau) of active neutrinos plus antineutrinos, and of antineutrinos alone.
  std::array<std::vector<Real>, 3> flux_per_cm2_s_MeV, antineutrino_flux_per_cm2_s_MeV;
  /// Budgets [Mpc^-3, MeV Mpc^-3]: emitted on the solve grid (the reported nodes and the guard node below them;
  /// comoving energies, and physical energies at emission), below its lowest node and above the highest at emission;
  /// scatterings; products below the solve grid (tracked number and comoving energy, and below the extended grid:
  /// number only); energy brought in by scatterings on the grid; number and energy today on the reported nodes and on
  /// the guard node.
  Real emitted_number = 0, emitted_energy_MeV = 0, emitted_physical_energy_MeV = 0;
  Real emitted_below_number = 0, emitted_above_number = 0;
  Real scatterings = 0, underflow_number = 0, underflow_energy_MeV = 0, lost_below_number = 0, injected_energy_MeV = 0;
  Real number_today = 0, energy_today_MeV = 0, guard_number = 0, guard_energy_MeV = 0;
  std::size_t redshift_steps = 0, grid_shift_nodes = 0;

  /// (N today + guard + underflow - N emitted - scatterings)/N today: rounding (each scattering adds one neutrino).
  Real number_budget_relative_error() const {
    return (number_today + guard_number + underflow_number + lost_below_number - emitted_number - scatterings) / number_today;
  }
  /// (E today + guard + underflow - E emitted - injected)/E emitted, comoving energies: rounding.
  Real energy_budget_relative_error() const {
    return (energy_today_MeV + guard_energy_MeV + underflow_energy_MeV - emitted_energy_MeV - injected_energy_MeV) / emitted_energy_MeV;
  }
  /// Energy lost to redshift: emitted physical minus emitted comoving energy [MeV Mpc^-3].
  Real redshift_loss_MeV() const { return emitted_physical_energy_MeV - emitted_energy_MeV; }
};

namespace detail {
/// phi1(t) = (1 - e^-t)/t and phi2(t) = (t - 1 + e^-t)/t^2 for t >= 0 (series below 1e-3).
template <class Real>
std::pair<Real, Real> decay_weights(Real t) {
  using std::exp;
  using std::expm1;
  if (t < Real(1e-3L)) return {1 - t / 2 + t * t / 6, Real(1) / 2 - t / 6 + t * t / 24};
  const Real em = -expm1(-t);  // 1 - e^-t
  return {em / t, (t - em) / (t * t)};
}

/// Small dense solve A x = b (n <= 16), Gaussian elimination with partial pivoting; A and b are overwritten.
template <class Real>
void small_solve(Real* A, Real* b, std::size_t n) {
  using std::abs;
  for (std::size_t c = 0; c < n; ++c) {
    std::size_t p = c;
    for (std::size_t r = c + 1; r < n; ++r)
      if (abs(A[r * n + c]) > abs(A[p * n + c])) p = r;
    if (p != c) {
      for (std::size_t k = 0; k < n; ++k) std::swap(A[c * n + k], A[p * n + k]);
      std::swap(b[c], b[p]);
    }
    for (std::size_t r = c + 1; r < n; ++r) {
      const Real f = A[r * n + c] / A[c * n + c];
      if (f == 0) continue;
      for (std::size_t k = c; k < n; ++k) A[r * n + k] -= f * A[c * n + k];
      b[r] -= f * b[c];
    }
  }
  for (std::size_t c = n; c-- > 0;) {
    Real sum = b[c];
    for (std::size_t k = c + 1; k < n; ++k) sum -= A[c * n + k] * b[k];
    b[c] = sum / A[c * n + c];
  }
}

/// The spectrum emitted at redshift z seen on the comoving axis: (1+z) phi(eps (1+z)) [MeV^-1 of comoving energy].
template <class Real, class Spectrum>
struct redshifted_spectrum {
  const Spectrum* spectrum;
  Real one_plus_z;
  Real probability_density_per_MeV(Real eps_MeV) const { return one_plus_z * spectrum->probability_density_per_MeV(eps_MeV * one_plus_z); }
};

/// Hat projections of f on comoving nodes (2-point Gauss per interval: the hat times a smooth spectrum over one
/// interval of a log grid, error ~ h^4).
template <class Real, class F>
void comoving_hats(const std::vector<Real>& nodes, const F& f, std::vector<Real>& out) {
  const Real t0 = Real(0.21132486540518711775L), t1 = Real(0.78867513459481288225L);
  std::fill(out.begin(), out.end(), Real(0));
  for (std::size_t k = 0; k + 1 < nodes.size(); ++k) {
    const Real lo = nodes[k], h = nodes[k + 1] - lo;
    const Real p0 = h / 2 * f.probability_density_per_MeV(lo + h * t0), p1 = h / 2 * f.probability_density_per_MeV(lo + h * t1);
    out[k] += (1 - t0) * p0 + (1 - t1) * p1;
    out[k + 1] += t0 * p0 + t1 * p1;
  }
}

inline constexpr std::array<std::array<long double, 2>, 3> gauss3_unit{
    {{0.11270166537925831148L, 0.27777777777777777778L}, {0.5L, 0.44444444444444444444L}, {0.88729833462074168852L, 0.27777777777777777778L}}};
}  // namespace detail

/// What diffuse_operator keeps of its kernel's gain blocks.
enum class diffuse_blocks {
  species,  ///< every species block (gain, column_gains), and the partners' halves where the operator is kind-symmetric
  /// The partners' halves alone where the operator is kind-symmetric, formed as the kernel assembles its blocks (which
  /// are never stored: gain, add_gains_into and column_gains throw); else, as species, the species blocks.
  halves,
  /// As halves, the sums' half alone (half 1 of half_gain and half_column_gains throws): for sources with equal partners,
  /// whose differences stay zero (propagate_diffuse asks for it then); else, as species.
  sums
};

/// The scattering operator of every redshift on one physical log grid e_p = e_0 r^p, p < nodes + shifts: the
/// mass_state_kernel of the grid at today's density (per physical node its loss rates and the gain blocks into lower
/// nodes, read in place; with diffuse_blocks::halves the partners' halves alone, see diffuse_blocks), and per source the gains' number and energy below each of the lowest `below_nodes` nodes
/// (the products that leave the comoving grid: below physical node m at whole shift m, so the solver keeps shifts + 1).
/// `threads` (0: all cores) share the kernel's assembly and the pass over its blocks; the same numbers on any count and
/// either `blocks` (the halves and sums are formed from the same block values in the same order).
/// @throws nusi::invalid_argument from the kernel (grid below the relic masses, too many entries).
template <class Real>
class diffuse_operator {
 public:
  diffuse_operator(const mass_state_scattering<Real>& scattering, const relic_background<Real>& relic, const energy_grid<Real>& physical,
                   std::size_t below_nodes = std::numeric_limits<std::size_t>::max(), std::size_t threads = 1,
                   diffuse_blocks blocks = diffuse_blocks::species)
      : S_(scattering.species()), P_(physical.size()), L_(std::min(below_nodes, physical.size())), nodes_(physical.nodes_MeV()) {
    below_number_.assign(P_ * S_ * L_, Real(0));
    below_energy_ = below_number_;
    if ((blocks == diffuse_blocks::halves || blocks == diffuse_blocks::sums) && S_ % 6 == 0) {
      // The halves and the running sums from the blocks as the kernel makes them (halves_sink); the kernel stores none.
      // Not kind-symmetric after all (not so for the model's natures): assembled again below, with its blocks.
      halves_kept_ = blocks == diffuse_blocks::sums ? 1 : 2;
      allocate_halves();
      gain_number_.assign(P_ * S_, Real(0));
      gain_energy_ = gain_number_;
      halves_sink sink(*this);
      kernel_.emplace(scattering, relic, physical, kernel_scope::full, mass_state_kernel_options<Real>{}, threads, sink);
      if (sink.symmetric.load() && losses_symmetric()) {
        symmetric_ = true;
        return;
      }
    }
    kernel_.emplace(scattering, relic, physical, kernel_scope::full, mass_state_kernel_options<Real>{}, threads);
    // One pass in the kernel's order (destination j ascending, then source p): each source's products below every node
    // as running sums (number, energy), in the order of a sum over j per source.
    // The same pass writes the partners' halves while every block so far has been symmetric (kind_symmetric).
    halves_kept_ = 2;
    const bool halves = S_ == 6 ? sums_and_halves<6>(threads) : sums_and_halves<0>(threads);
    symmetric_ = halves;
    if (!halves) {
      halves_ = {};
      half_offset_ = {};
    }
  }
  /// Whether the species blocks are kept (gain, add_gains_into and column_gains available).
  bool species_blocks() const { return kernel_->stores_blocks(); }

  std::size_t species() const { return S_; }
  std::size_t nodes() const { return P_; }
  Real node_MeV(std::size_t p) const { return nodes_[p]; }
  /// Loss rate of species s at physical node p [cm^-1] (today's density).
  Real loss(std::size_t p, std::size_t s) const { return kernel_->rate_per_cm(p, s); }
  /// Gain into (j, product species s) per unit density of (j + d, source species sp) per cm.
  /// @throws nusi::invalid_argument unless species_blocks() (also add_gains_into, column_gains).
  Real gain(std::size_t j, std::size_t d, std::size_t sp, std::size_t s) const {
    if (!species_blocks()) throw_no_species_blocks("gain");
    return kernel_->gain_per_cm(j + d, sp, j, s);
  }
  /// in[s] += w sum_{d = 1}^{count} sum_sp gain(j, d, sp, s) a[(d - 1) S + sp]: the gains into node j from the `count`
  /// nodes above it, per unit density a of each; each block's product is summed before it is added (column_gains, r = 1).
  void add_gains_into(std::size_t j, const Real* a, std::size_t count, Real w, Real* in) const {
    std::vector<Real> sums(S_);
    column_gains(j, a, count, 1, sums.data());
    for (std::size_t s = 0; s < S_; ++s) in[s] += w * sums[s];
  }
  /// Sweep nodes that share one destination column (a step's consecutive whole shifts m, m + 1, ...: node k at shift m
  /// and node k - t at shift m + t land on the same physical node j = k + m), at most this many per pass.
  static constexpr std::size_t max_shared_nodes = 4;
  /// The gains into physical node j read once for r <= max_shared_nodes sweep nodes: for t < r, acc[t S + s] =
  /// sum_{d = t + 1}^{t + count} sum_sp gain(j, d, sp, s) a[(d - t - 1) S + sp], i.e. the densities a shifted by t nodes
  /// (a[(e - 1) S] is the density e nodes above the first sweep node). Per t the blocks are added in ascending d, each
  /// block's product summed over sp before it is added. Six species (three states, two kinds) are fixed at compile time.
  void column_gains(std::size_t j, const Real* a, std::size_t count, std::size_t r, Real* acc) const {
    if (!species_blocks()) throw_no_species_blocks("column_gains");
    if (r < 1 || r > max_shared_nodes) throw_shared_nodes(r);
    if (j + count + r > P_) throw_beyond_grid(j, count, r);
    if (S_ == 6) {
      if (wide_) return dispatch_shared<6, true>(j, a, count, r, acc);
      return dispatch_shared<6, false>(j, a, count, r, acc);
    }
    column_gains_generic(j, a, count, r, acc);
  }
  /// Whether the operator is unchanged when every species trades its kind for its partner's (s <-> s ^ 1: neutrino <->
  /// antineutrino, and for Dirac the two sterile helicities), each block entry and loss rate to rounding (16 units in the
  /// last place; bit for bit for Majorana and the Dirac vector): the CP symmetry of the rates (|couplings|^2 and real
  /// interference terms). The halves take the partners' mean, and the loss of 2h. Then sums and differences of partners, x_h(+-) = x_2h +-
  /// x_2h+1, evolve separately, each under blocks of half the species (half_gain, half_column_gains): a quarter of the
  /// multiplications per half, and a source symmetric in the kinds (equal neutrinos and antineutrinos) never feeds the
  /// differences at all.
  bool kind_symmetric() const { return symmetric_; }
  /// Whether the differences' half is kept (kind_symmetric() and not built with diffuse_blocks::sums).
  bool has_differences() const { return symmetric_ && halves_kept_ == 2; }
  /// Species per half (species() / 2), h = state * kinds / 2 + kind / 2 for the partners 2h, 2h + 1.
  std::size_t half_species() const { return S_ / 2; }
  /// Gain into (j, h) from (j + d, h') for the sums (half 0) or the differences (half 1) of partners per unit density and
  /// cm: gain(j, d, 2h', 2h) + gain(j, d, 2h', 2h + 1), or the difference (each the mean of the entry and its
  /// partner's). @pre kind_symmetric(), and half 0 unless has_differences().
  Real half_gain(std::size_t half, std::size_t j, std::size_t d, std::size_t hp, std::size_t h) const {
    const std::size_t H = S_ / 2;
    return half_data(half)[(half_offset_[j] + d) * H * H + hp * H + h];
  }
  /// column_gains for one half: for t < r, acc[t * stride + h] = sum_{d = t + 1}^{t + count} sum_h' half_gain(half, j, d,
  /// h', h) a[(d - t - 1) * stride + h'] (the half's densities at stride `stride`, e.g. both halves of a node side by
  /// side); per t the blocks in ascending d, each block's product summed over h' before it is added.
  /// @pre kind_symmetric(); the same bounds as column_gains (nusi::invalid_argument).
  void half_column_gains(std::size_t half, std::size_t j, const Real* a, std::size_t stride, std::size_t count, std::size_t r,
                         Real* acc) const {
    if (r < 1 || r > max_shared_nodes) throw_shared_nodes(r);
    if (j + count + r > P_) throw_beyond_grid(j, count, r);
    if (!symmetric_ || half >= halves_kept_)
      detail::throw_invalid("nusi::diffuse_operator::half_column_gains", "half",
                            "0, or 1 where has_differences(), of a kind-symmetric operator", half);
    if (S_ == 6) {  // three states, two kinds (Majorana; Dirac vector)
      switch (r) {
        case 1: return half_fixed<3, 1>(half, j, a, stride, count, acc);
        case 2: return half_fixed<3, 2>(half, j, a, stride, count, acc);
        case 3: return half_fixed<3, 3>(half, j, a, stride, count, acc);
        default: return half_fixed<3, 4>(half, j, a, stride, count, acc);
      }
    }
    if (S_ == 12) {  // three states, four kinds (Dirac scalar)
      switch (r) {
        case 1: return half_fixed<6, 1>(half, j, a, stride, count, acc);
        case 2: return half_fixed<6, 2>(half, j, a, stride, count, acc);
        case 3: return half_fixed<6, 3>(half, j, a, stride, count, acc);
        default: return half_fixed<6, 4>(half, j, a, stride, count, acc);
      }
    }
    const std::size_t H = S_ / 2;  // not reached by the model's 6 or 12 species: any other even count
    block_products_any(half_data(half) + (half_offset_[j] + 1) * H * H, a, stride, H, count, r, acc);
  }
  /// Nodes j below which the products' number and energy are kept (number_below, energy_below_MeV: j < below_nodes()).
  std::size_t below_nodes() const { return L_; }
  /// Products of (p, s) per unit density and cm landing below physical node j <= p, j < below_nodes(): number and energy [MeV].
  Real number_below(std::size_t p, std::size_t s, std::size_t j) const { return below_number_[below(j, p, s)]; }
  Real energy_below_MeV(std::size_t p, std::size_t s, std::size_t j) const { return below_energy_[below(j, p, s)]; }
  /// Every product of (p, s) on the grid: number and energy [MeV] per unit density and cm.
  Real number_on_grid(std::size_t p, std::size_t s) const { return gain_number_[p * S_ + s]; }
  Real energy_on_grid_MeV(std::size_t p, std::size_t s) const { return gain_energy_[p * S_ + s]; }

 private:
  // Products below node j of source (p, s), j-major: the sweep reads them at j = m for the sources p = k + m of
  // consecutive nodes k (neighbours in memory).
  std::size_t below(std::size_t j, std::size_t p, std::size_t s) const { return (j * P_ + p) * S_ + s; }
  [[noreturn]] static void throw_no_species_blocks(const std::string& function) {
    detail::throw_invalid("nusi::diffuse_operator::" + function, "species_blocks()",
                          "true (the operator was built with diffuse_blocks::halves and is kind-symmetric)", "false");
  }
  [[noreturn]] static void throw_shared_nodes(std::size_t r) {
    detail::throw_invalid("nusi::diffuse_operator::column_gains", "r", "in [1, " + detail::to_text(max_shared_nodes) + "]", r);
  }
  [[noreturn]] void throw_beyond_grid(std::size_t j, std::size_t count, std::size_t r) const {
    detail::throw_invalid("nusi::diffuse_operator::column_gains", "count", "<= nodes() - j - r = " + detail::to_text(P_ - std::min(P_, j + r)) +
                          " (j = " + detail::to_text(j) + ", r = " + detail::to_text(r) + ")", count);
  }
  template <std::size_t S, bool Wide>
  void dispatch_shared(std::size_t j, const Real* a, std::size_t count, std::size_t r, Real* acc) const {
    switch (r) {
      case 1: return shared_fixed<S, 1, Wide>(j, a, count, acc);
      case 2: return shared_fixed<S, 2, Wide>(j, a, count, acc);
      case 3: return shared_fixed<S, 3, Wide>(j, a, count, acc);
      default: return shared_fixed<S, 4, Wide>(j, a, count, acc);
    }
  }
  template <std::size_t S, std::size_t R, bool Wide>
  void shared_fixed(std::size_t j, const Real* a, std::size_t count, Real* acc) const {
    if constexpr (Wide) column_gains_avx2<S, R>(j, a, count, acc);
    else column_gains_portable<S, R>(j, a, count, acc);
  }
  // The blocks (j + d -> j), d = 1 .. count + R - 1, contiguous; block d is used by the t with t < d <= t + count.
  template <std::size_t S, std::size_t R>
  void column_gains_portable(std::size_t j, const Real* a, std::size_t count, Real* acc) const {
    block_products<S, R>(kernel_->gain_block_per_cm(j + 1, j), a, S, count, acc);
  }
  // For t < R: acc[t * stride + s] = sum over d = t + 1 .. t + count of block d's product with the densities
  // a + (d - t - 1) * stride (S x S blocks from B, contiguous; each product summed over the sources before it is added).
  template <std::size_t S, std::size_t R>
  static void block_products(const Real* B, const Real* a, std::size_t stride, std::size_t count, Real* acc) {
    std::array<std::array<Real, S>, R> sum{};
    for (std::size_t d = 1; d < count + R; ++d, B += S * S)
      for (std::size_t t = 0; t < R; ++t) {
        if (d <= t || d > t + count) continue;
        const Real* x = a + (d - t - 1) * stride;
        std::array<Real, S> product;
        for (std::size_t s = 0; s < S; ++s) product[s] = B[s] * x[0];
        for (std::size_t sp = 1; sp < S; ++sp)
          for (std::size_t s = 0; s < S; ++s) product[s] += B[sp * S + s] * x[sp];
        for (std::size_t s = 0; s < S; ++s) sum[t][s] += product[s];
      }
    for (std::size_t t = 0; t < R; ++t)
      for (std::size_t s = 0; s < S; ++s) acc[t * stride + s] = sum[t][s];
  }
  // The same operations compiled for AVX2 (detail/wide_vectors.hpp), for six species written out in registers: species
  // 0-3 in four lanes, 4-5 in two.
  template <std::size_t S, std::size_t R>
  NUSI_TARGET_AVX2 void column_gains_avx2(std::size_t j, const Real* a, std::size_t count, Real* acc) const {
#if (defined(__GNUC__) || defined(__clang__)) && defined(__x86_64__)  // detail::double4
    if constexpr (std::is_same_v<Real, double> && S == 6) {
      using double2 = double __attribute__((vector_size(16)));
      detail::double4 lo[R];
      double2 hi[R];
      for (std::size_t t = 0; t < R; ++t) {
        lo[t] = detail::broadcast4(0);
        hi[t] = double2{0, 0};
      }
      const double* B = kernel_->gain_block_per_cm(j + 1, j);
      for (std::size_t d = 1; d < count + R; ++d, B += S * S)
        for (std::size_t t = 0; t < R; ++t) {
          if (d <= t || d > t + count) continue;
          const double* x = a + (d - t - 1) * S;
          detail::double4 plo = detail::load4(B) * detail::broadcast4(x[0]);
          double2 phi;
          __builtin_memcpy(&phi, B + 4, sizeof phi);
          phi = phi * double2{x[0], x[0]};
          for (std::size_t sp = 1; sp < S; ++sp) {
            double2 h;
            __builtin_memcpy(&h, B + sp * S + 4, sizeof h);
            plo += detail::load4(B + sp * S) * detail::broadcast4(x[sp]);
            phi += h * double2{x[sp], x[sp]};
          }
          lo[t] += plo;
          hi[t] += phi;
        }
      for (std::size_t t = 0; t < R; ++t) {
        detail::store4(acc + t * S, lo[t]);
        __builtin_memcpy(acc + t * S + 4, &hi[t], sizeof hi[t]);
      }
      return;
    }
#endif
    column_gains_portable<S, R>(j, a, count, acc);
  }
  // Any species count: the same sums, the species and the sweep nodes at run time.
  void column_gains_generic(std::size_t j, const Real* a, std::size_t count, std::size_t r, Real* acc) const {
    block_products_any(kernel_->gain_block_per_cm(j + 1, j), a, S_, S_, count, r, acc);
  }
  // block_products with S and R = r at run time (the same operations in the same order).
  static void block_products_any(const Real* B, const Real* a, std::size_t stride, std::size_t S, std::size_t count, std::size_t r, Real* acc) {
    for (std::size_t t = 0; t < r; ++t) std::fill_n(acc + t * stride, S, Real(0));
    std::vector<Real> product(S);
    for (std::size_t d = 1; d < count + r; ++d, B += S * S)
      for (std::size_t t = 0; t < r; ++t) {
        if (d <= t || d > t + count) continue;
        const Real* x = a + (d - t - 1) * stride;
        for (std::size_t s = 0; s < S; ++s) product[s] = B[s] * x[0];
        for (std::size_t sp = 1; sp < S; ++sp)
          for (std::size_t s = 0; s < S; ++s) product[s] += B[sp * S + s] * x[sp];
        for (std::size_t s = 0; s < S; ++s) acc[t * stride + s] += product[s];
      }
  }

  // The constructor's pass (species fixed at compile time if FS > 0): the running sums below each node, and the halves
  // while every block so far has been symmetric; returns whether all were.
  // Sources p are shared among threads in contiguous ranges of about equal blocks (each source's sums in the same order
  // on any count: the same numbers).
  template <std::size_t FS>
  bool sums_and_halves(std::size_t threads) {
    const std::size_t S = FS > 0 ? FS : S_;
    std::vector<Real> run_n(P_ * S, Real(0)), run_e(P_ * S, Real(0));
    const bool possible = start_halves();
    const std::size_t workers = resolve_threads(threads, P_);
    std::vector<std::size_t> edge(workers + 1, P_);  // source p has p + 1 blocks: ranges of equal (p + 1)^2 / 2
    for (std::size_t w = 0; w < workers; ++w)
      edge[w] = static_cast<std::size_t>(static_cast<double>(P_) * std::sqrt(static_cast<double>(w) / static_cast<double>(workers)));
    std::vector<char> symmetric(workers, possible ? 1 : 0);
    parallel_for(workers, workers, [&](std::size_t w) {
      const std::size_t p0 = edge[w], p1 = edge[w + 1];
      bool halves = symmetric[w] != 0;
      for (std::size_t j = 0; j < p1; ++j) {
        const std::size_t first = std::max(j, p0);
        const Real* B = kernel_->gain_block_per_cm(first, j);  // the blocks (p -> j), p = first, first + 1, ..., contiguous
        for (std::size_t p = first; p < p1; ++p, B += S * S) {
          if (halves) halves = add_half_block<FS / 2>(half_offset_[j] + p - j, B);
          for (std::size_t sp = 0; sp < S; ++sp) {
            Real column = 0;
            for (std::size_t s = 0; s < S; ++s) column += B[sp * S + s];
            const std::size_t c = p * S + sp;
            if (j < L_) {
              below_number_[below(j, p, sp)] = run_n[c];
              below_energy_[below(j, p, sp)] = run_e[c];
            }
            run_n[c] += column;
            run_e[c] += column * nodes_[j];
          }
        }
      }
      symmetric[w] = halves ? 1 : 0;
    });
    gain_number_ = std::move(run_n);
    gain_energy_ = std::move(run_e);
    return std::all_of(symmetric.begin(), symmetric.end(), [](char c) { return c != 0; });
  }
  // The partners' sums and differences of every block (j + d -> j), d = 0 .., per j contiguous (the kernel's order), H x H
  // each ([h' * H + h]), if every entry and loss has its partner's value. start_halves: the species pair up and the losses
  // are symmetric (the storage then allocated); add_half_block: block b (in that order) is symmetric, and its halves.
  bool start_halves() {
    if (S_ % 6 != 0 || !losses_symmetric()) return false;
    allocate_halves();
    return true;
  }
  bool losses_symmetric() const {
    for (std::size_t p = 0; p < P_; ++p)
      for (std::size_t h = 0; h < S_ / 2; ++h)
        if (!detail::partners_equal(kernel_->rate_per_cm(p, 2 * h), kernel_->rate_per_cm(p, 2 * h + 1))) return false;
    return true;
  }
  void allocate_halves() {
    const std::size_t H = S_ / 2;
    half_offset_.resize(P_);
    for (std::size_t j = 0, offset = 0; j < P_; offset += P_ - j, ++j) half_offset_[j] = offset;
    // One allocation for both halves, each with one entry past its end (the four-lane loads of its last row); every
    // block written (by add_half_block, or the kernel through halves_sink; not zeroed first).
    half_size_ = P_ * (P_ + 1) / 2 * H * H + 1;
    halves_.resize(halves_kept_ * half_size_);
    for (std::size_t half = 0; half < halves_kept_; ++half) half_data(half)[half_size_ - 1] = 0;
  }
  Real* half_data(std::size_t half) { return halves_.data() + half * half_size_; }
  const Real* half_data(std::size_t half) const { return halves_.data() + half * half_size_; }
  // Has the kernel write its partner halves (diffuse_blocks::halves or sums; formed with kind_half_block's operations)
  // straight into this operator's storage (halves_in_place), learns from each run whether its blocks were
  // kind-symmetric, and takes every source's running sums below each node from the blocks' column sums (both the
  // values of sums_and_halves).
  struct halves_sink final : mass_state_block_sink<Real> {
    explicit halves_sink(diffuse_operator& o) : op(o) {}
    diffuse_operator& op;
    std::atomic<bool> symmetric{true};
    bool takes_kind_halves() const override { return true; }
    typename mass_state_block_sink<Real>::halves_storage halves_in_place() override {
      return {op.half_offset_.data(), op.half_data(0), op.halves_kept_ == 2 ? op.half_data(1) : nullptr};
    }
    void receive(std::size_t, std::size_t, std::size_t, const Real*, const Real*) override {
      symmetric.store(false, std::memory_order_relaxed);  // not called: the kernel hands halves
    }
    void receive_halves(std::size_t i0, std::size_t sources, std::size_t stride, const Real*, const Real*, bool run_symmetric,
                        const Real* column_sums) override {
      if (!run_symmetric) symmetric.store(false, std::memory_order_relaxed);  // the halves are written in place
      if (op.S_ == 6) op.receive_sums<6>(i0, sources, stride, column_sums);
      else op.receive_sums<0>(i0, sources, stride, column_sums);
    }
  };
  template <std::size_t FS>
  void receive_sums(std::size_t i0, std::size_t sources, std::size_t stride, const Real* column_sums) {
    const std::size_t S = FS > 0 ? FS : S_;
    for (std::size_t r = 0; r < sources; ++r) {
      const std::size_t p = i0 + r, count = p + 1;
      const Real* sums = column_sums + r * S * stride;
      for (std::size_t sp = 0; sp < S; ++sp) {
        Real run_n = 0, run_e = 0;
        for (std::size_t j = 0; j < count; ++j) {
          if (j < L_) {
            below_number_[below(j, p, sp)] = run_n;
            below_energy_[below(j, p, sp)] = run_e;
          }
          const Real column = sums[sp * count + j];
          run_n += column;
          run_e += column * nodes_[j];
        }
        gain_number_[p * S + sp] = run_n;
        gain_energy_[p * S + sp] = run_e;
      }
    }
  }
  template <std::size_t FH>
  bool add_half_block(std::size_t b, const Real* B) {
    const std::size_t H = S_ / 2;
    return detail::kind_half_block<FH>(B, H, half_data(0) + b * H * H, half_data(1) + b * H * H);
  }
  template <std::size_t H, std::size_t R>
  void half_fixed(std::size_t half, std::size_t j, const Real* a, std::size_t stride, std::size_t count, Real* acc) const {
    if (wide_) half_gains_avx2<H, R>(half, j, a, stride, count, acc);
    else half_gains_portable<H, R>(half, j, a, stride, count, acc);
  }
  template <std::size_t H, std::size_t R>
  void half_gains_portable(std::size_t half, std::size_t j, const Real* a, std::size_t stride, std::size_t count, Real* acc) const {
    block_products<H, R>(half_data(half) + (half_offset_[j] + 1) * H * H, a, stride, count, acc);
  }
  // The same operations for three species per half in four-double registers (the fourth lane is not used: the next row's
  // first entry, or the padding after the last block).
  template <std::size_t H, std::size_t R>
  NUSI_TARGET_AVX2 void half_gains_avx2(std::size_t half, std::size_t j, const Real* a, std::size_t stride, std::size_t count, Real* acc) const {
#if (defined(__GNUC__) || defined(__clang__)) && defined(__x86_64__)  // detail::double4
    if constexpr (std::is_same_v<Real, double> && H == 3) {
      detail::double4 sum[R];
      for (std::size_t t = 0; t < R; ++t) sum[t] = detail::broadcast4(0);
      const double* B = half_data(half) + (half_offset_[j] + 1) * H * H;
      for (std::size_t d = 1; d < count + R; ++d, B += H * H)
        for (std::size_t t = 0; t < R; ++t) {
          if (d <= t || d > t + count) continue;
          const double* x = a + (d - t - 1) * stride;
          detail::double4 product = detail::load4(B) * detail::broadcast4(x[0]);
          product += detail::load4(B + H) * detail::broadcast4(x[1]);
          product += detail::load4(B + 2 * H) * detail::broadcast4(x[2]);
          sum[t] += product;
        }
      for (std::size_t t = 0; t < R; ++t) {
        double lanes[4];
        detail::store4(lanes, sum[t]);
        for (std::size_t h = 0; h < H; ++h) acc[t * stride + h] = lanes[h];
      }
      return;
    }
#endif
    half_gains_portable<H, R>(half, j, a, stride, count, acc);
  }
  std::optional<mass_state_kernel<Real>> kernel_;
  bool wide_ = detail::use_avx2();
  std::size_t S_, P_, L_;
  std::vector<Real> nodes_, below_number_, below_energy_, gain_number_, gain_energy_;
  bool symmetric_ = false;
  std::size_t halves_kept_ = 2;  // 1: the sums' half alone (diffuse_blocks::sums)
  std::vector<std::size_t> half_offset_;  // per j: the index of block (j -> j) in halves_ (in blocks)
  detail::uninitialized_vector<Real> halves_;  // the sums' half (half_data(0)), then the differences'
  std::size_t half_size_ = 0;
};

namespace detail {
template <class Real>
void validate_diffuse_options(std::string_view fn, const diffuse_options<Real>& o) {
  require_positive(fn, "options.min_energy_MeV", o.min_energy_MeV);
  require_ordered(fn, "options.min_energy_MeV", o.min_energy_MeV, "options.max_energy_MeV", o.max_energy_MeV);
  if (!(o.max_energy_MeV / o.min_energy_MeV <= Real(1e12L)))
    throw_invalid(fn, "options.max_energy_MeV", "<= 1e12 min_energy_MeV (twelve decades: more than the grid can hold)", o.max_energy_MeV);
  if (o.energy_bins < 8 || o.energy_bins > 20000) throw_invalid(fn, "options.energy_bins", "in [8, 20000]", o.energy_bins);
  if (o.redshift_steps < 1 || o.redshift_steps > 100000) throw_invalid(fn, "options.redshift_steps", "in [1, 100000]", o.redshift_steps);
  require_open_interval(fn, "options.source_panel_width", o.source_panel_width, Real(0), Real(1));
  require_thread_count(fn, "options.threads", o.threads);
}

/// Guard nodes below the requested grid. The lowest node of a grid has half a hat, but at a whole shift m >= 1 it would
/// take the gains of physical node m, whose hat is whole: the products in its lower half, below the grid in comoving
/// energy, would pile up on it (attenuation 1.23 instead of 0.73 at nuSIprop's point, docs/validation.md). The
/// operator is lower triangular in energy, so a node depends on nothing below it but its own hat: one guard node makes
/// the lowest reported hat whole and its result that of any grid extended further down.
inline constexpr std::size_t diffuse_guard_nodes = 1;

/// Edges of the steps in x = ln(1+z), 0 to x_max, aligned with the boundaries between whole shifts, x = (m + 1/2) h. The
/// sweep makes one pass over the nodes per whole shift a step touches, and a step edge inside a shift's piece makes two
/// of that piece: aligned edges leave shifts + 1 passes in all for steps at least a bin long (dx >= h: each interior
/// edge of the uniform steps moved to the nearest boundary, by at most h/2, so the steps stay within dx +- h and in
/// order) and `steps` passes for shorter ones (each piece cut into equal steps, their numbers in proportion to the
/// pieces' lengths, largest remainders first; at least one each), instead of steps + shifts for uniform steps.
template <class Real>
std::vector<Real> diffuse_step_edges(Real x_max, Real h, std::size_t steps) {
  using std::floor;
  const Real dx = x_max / Real(steps);
  std::vector<Real> uniform(steps + 1);
  for (std::size_t i = 0; i < steps; ++i) uniform[i] = dx * Real(i);
  uniform[steps] = x_max;
  std::vector<Real> edges = uniform;
  if (dx >= h) {
    for (std::size_t i = 1; i < steps; ++i) edges[i] = (floor(uniform[i] / h) + Real(0.5L)) * h;  // nearest (m + 1/2) h
  } else {
    std::vector<Real> bounds{Real(0)};  // the pieces of the whole shifts
    for (std::size_t m = 0; (Real(m) + Real(0.5L)) * h < x_max; ++m) bounds.push_back((Real(m) + Real(0.5L)) * h);
    bounds.push_back(x_max);
    const std::size_t pieces = bounds.size() - 1;
    if (pieces > steps) return uniform;
    std::vector<std::size_t> n(pieces);
    std::vector<Real> target(pieces);
    std::size_t total = 0;
    for (std::size_t p = 0; p < pieces; ++p) {
      target[p] = (bounds[p + 1] - bounds[p]) / dx;
      n[p] = std::max<std::size_t>(1, static_cast<std::size_t>(floor(target[p])));
      total += n[p];
    }
    // The whole pieces have equal lengths: remainders equal to 1e-9 are ties, taken in order of x, so that rounding of h
    // does not choose the piece.
    const Real tie = Real(1e-9L);
    for (; total < steps; ++total) {  // at most `pieces` rounds: each floor is short by less than one
      std::size_t best = 0;
      for (std::size_t p = 1; p < pieces; ++p)
        if (target[p] - Real(n[p]) > target[best] - Real(n[best]) + tie) best = p;
      ++n[best];
    }
    for (; total > steps; --total) {  // the pieces raised to one step; pieces <= steps leaves one to lower
      std::size_t best = pieces;
      for (std::size_t p = 0; p < pieces; ++p)
        if (n[p] > 1 && (best == pieces || Real(n[p]) - target[p] > Real(n[best]) - target[best] + tie)) best = p;
      if (best == pieces) return uniform;
      --n[best];
    }
    std::size_t e = 0;
    for (std::size_t p = 0; p < pieces; ++p)
      for (std::size_t q = 0; q < n[p]; ++q) edges[e++] = bounds[p] + (bounds[p + 1] - bounds[p]) * Real(q) / Real(n[p]);
    edges[steps] = x_max;
  }
  for (std::size_t i = 1; i <= steps; ++i)
    if (!(edges[i] > edges[i - 1])) return uniform;  // not reached: a safeguard against rounding
  return edges;
}

/// The physical grid: the comoving solve nodes e_0 r^k, k >= -diffuse_guard_nodes, extended upwards by `shifts` nodes
/// (threshold placed between the first two nodes, which makes energy_grid exactly log-spaced); the requested nodes
/// start at index diffuse_guard_nodes.
template <class Real>
energy_grid<Real> diffuse_physical_grid(const diffuse_options<Real>& o, std::size_t shifts) {
  using std::exp;
  using std::log;
  const Real h = log(o.max_energy_MeV / o.min_energy_MeV) / Real(o.energy_bins - 1);
  energy_grid_options<Real> g;
  g.min_energy_MeV = o.min_energy_MeV * exp(-h * Real(diffuse_guard_nodes));
  g.bins = diffuse_guard_nodes + o.energy_bins + shifts;
  g.max_energy_MeV = g.min_energy_MeV * exp(h * Real(g.bins - 1));
  g.resonance_nodes_per_core = 0;
  return energy_grid<Real>(g, g.min_energy_MeV * (1 + exp(h)) / 2);
}
}  // namespace detail

/// The diffuse flux today from sources with comoving rate `evolution` [Mpc^-3 yr^-1] emitting `components` (weights:
/// neutrinos per source), up to setup.max_redshift, through the relic background (docs/physics.md, "Diffuse fluxes").
/// @throws nusi::invalid_argument on a bad setup, option or component (a source spectrum that is not normalisable on
/// the grid, a negative rate); nusi::numerical_error if a result is not finite.
template <class Real, class Evolution, class Spectrum>
  requires source_evolution<Evolution, Real> && energy_spectrum<Spectrum, Real>
diffuse_result<Real> propagate_diffuse(const diffuse_setup<Real>& setup, const Evolution& evolution,
                                       std::span<const flavour_emission<Real, Spectrum>> components,
                                       const diffuse_options<Real>& options = {}) {
  using std::ceil;
  using std::exp;
  using std::log;
  using std::log1p;
  constexpr std::string_view fn = "nusi::propagate_diffuse";
  setup.validate(fn);
  detail::validate_diffuse_options(fn, options);
  if (components.empty()) detail::throw_invalid(fn, "components.size()", ">= 1", 0);
  for (const auto& c : components) c.validate(fn);
  const neutrino_spectrum<Real> spectrum(setup.spectrum);
  const mass_state_scattering<Real> scattering(setup.interaction, spectrum);
  // N solve nodes: the guard node(s) G, then the requested nodes.
  const std::size_t G = detail::diffuse_guard_nodes, N = options.energy_bins + G, S = scattering.species(), kinds = scattering.kinds();
  const Real h = log(options.max_energy_MeV / options.min_energy_MeV) / Real(options.energy_bins - 1);
  const Real x_max = log1p(setup.max_redshift);
  const std::size_t shifts = static_cast<std::size_t>(ceil(x_max / h)) + 1;
  {
    const long double entries = static_cast<long double>(S) * S * (N + shifts) * (N + shifts + 1) / 2;
    if (options.interactions && entries > static_cast<long double>(mass_state_kernel<Real>::max_entries))
      detail::throw_invalid(fn, "options.energy_bins",
                            "giving at most 2^27 kernel entries over the grid extended by ln(1+z_max)/h = " + detail::to_text(shifts) +
                                " nodes (fewer bins, a narrower range or a lower z_max)",
                            N);
  }
  const energy_grid<Real> physical = detail::diffuse_physical_grid(options, shifts);
  std::vector<Real> eps(physical.nodes_MeV().begin(), physical.nodes_MeV().begin() + static_cast<std::ptrdiff_t>(N));
  std::optional<diffuse_operator<Real>> op;
  auto build_operator = [&](diffuse_blocks blocks) {
    const relic_background<Real> relic(setup.relic, spectrum, setup.interaction.nature);
    op.emplace(scattering, relic, physical, shifts + 1, options.threads, blocks);
  };
  // r^-m: comoving energy per physical energy at a whole shift m.
  std::vector<Real> inverse_ratio_power(shifts + 1);
  for (std::size_t m = 0; m <= shifts; ++m) inverse_ratio_power[m] = physical.node_MeV(0) / physical.node_MeV(m);

  diffuse_result<Real> r;
  r.species = S;
  r.kinds = kinds;
  r.redshift_steps = options.redshift_steps;
  r.grid_shift_nodes = shifts;
  std::vector<Real> x(N * S, Real(0)), avg(N * S, Real(0)), source(N * S, Real(0));
  // A source point's spectra on the comoving grid, projected once per distinct spectrum (components with equal spectra,
  // e.g. neutrinos and antineutrinos of one power law, share it: the same numbers).
  struct projection {
    std::vector<Real> hats;
    Real below = 0, above = 0, on_grid = 0, energy = 0;
  };
  std::vector<projection> projected(components.size());
  std::vector<std::size_t> same_spectrum(components.size());
  for (std::size_t ci = 0; ci < components.size(); ++ci) {
    same_spectrum[ci] = ci;
    if constexpr (std::equality_comparable<Spectrum>)
      for (std::size_t cj = 0; cj < ci; ++cj)
        if (components[cj].spectrum == components[ci].spectrum) {
          same_spectrum[ci] = cj;
          break;
        }
    if (same_spectrum[ci] == ci) projected[ci].hats.resize(N);
  }
  // Sources with equal partners: the neutrino components, in order, are the antineutrino ones (spectrum, weight and
  // mass-state probabilities), so every step's sources of partners are the same sums bit for bit and their differences
  // stay zero: the operator keeps the partners' sums alone (diffuse_blocks::sums).
  bool equal_partners = true;
  {
    std::array<std::vector<std::size_t>, 2> of_kind;
    for (std::size_t ci = 0; ci < components.size(); ++ci) of_kind[components[ci].antineutrino ? 1 : 0].push_back(ci);
    equal_partners = of_kind[0].size() == of_kind[1].size();
    for (std::size_t q = 0; equal_partners && q < of_kind[0].size(); ++q) {
      const auto &nu = components[of_kind[0][q]], &anti = components[of_kind[1][q]];
      equal_partners = same_spectrum[of_kind[0][q]] == same_spectrum[of_kind[1][q]] && nu.weight == anti.weight;
      for (std::size_t i = 0; equal_partners && i < 3; ++i) equal_partners = nu.probability(spectrum, i) == anti.probability(spectrum, i);
    }
  }
  if (options.interactions)
    build_operator(!options.kind_halves ? diffuse_blocks::species : equal_partners ? diffuse_blocks::sums : diffuse_blocks::halves);
  std::vector<Real> O(S * S), A(S * S), b(S), tau(S), in(S), spec(S), spec_tau(S);
  // With kind halves the sweep holds, per node, the partners' sums x_2h + x_2h+1 in [0, H) and differences in [H, S):
  // x, avg and the step's sources in that basis (the species' numbers return at the end).
  const bool halves = op && options.kind_halves && op->kind_symmetric();
  const std::size_t H = S / 2;
  std::vector<Real> step_source(halves ? N * S : 0);
  std::vector<std::pair<std::size_t, Real>> weights;
  std::vector<std::size_t> run_position, run_length;
  std::vector<Real> pending, shared(diffuse_operator<Real>::max_shared_nodes * S);
  const std::vector<Real> edges = detail::diffuse_step_edges(x_max, h, options.redshift_steps);

  for (std::size_t step = options.redshift_steps; step-- > 0;) {
    const Real xa = edges[step], xb = edges[step + 1];
    // Sources emitted in the step: panels of 3-point Gauss in x = ln(1+z); dt = dx/H.
    std::fill(source.begin(), source.end(), Real(0));
    const std::size_t panels = static_cast<std::size_t>(ceil((xb - xa) / options.source_panel_width));
    for (std::size_t q = 0; q < panels; ++q) {
      const Real pa = xa + (xb - xa) * Real(q) / Real(panels), pw = (xb - xa) / Real(panels);
      for (const auto& [t, w] : detail::gauss3_unit) {
        const Real xq = pa + pw * Real(t), one_plus_z = exp(xq), z = one_plus_z - 1;
        const Real rate = evolution.rate(z);
        if (!(rate >= 0) || !(rate < std::numeric_limits<Real>::infinity()))
          detail::throw_invalid(fn, "evolution.rate(z)", "finite and >= 0 at z = " + detail::to_text(z), rate);
        const Real dt = Real(w) * pw * setup.cosmo.hubble_time_yr(z) * rate;
        if (dt == 0) continue;
        for (std::size_t ci = 0; ci < components.size(); ++ci) {
          const auto& c = components[ci];
          projection& own = projected[ci];
          if (same_spectrum[ci] == ci) {
            detail::comoving_hats(eps, detail::redshifted_spectrum<Real, Spectrum>{&c.spectrum, one_plus_z}, own.hats);
            own.below = c.spectrum.cumulative_probability(eps.front() * one_plus_z);
            own.above = 1 - c.spectrum.cumulative_probability(eps.back() * one_plus_z);
            own.on_grid = own.energy = 0;
            for (std::size_t k = 0; k < N; ++k) {
              own.on_grid += own.hats[k];
              own.energy += own.hats[k] * eps[k];
            }
          }
          const projection& proj = projected[same_spectrum[ci]];
          const std::vector<Real>& hats = proj.hats;
          const Real below = proj.below, above = proj.above, on_grid = proj.on_grid, energy = proj.energy;
          const std::size_t kind = static_cast<std::size_t>(c.antineutrino ? neutrino_kind::antineutrino_right : neutrino_kind::neutrino_left);
          if (!(on_grid + below + above > 0) || !(on_grid < std::numeric_limits<Real>::infinity()))
            detail::throw_invalid(fn, "components.spectrum", "normalisable: a finite, positive number on the grid", on_grid);
          const Real n = dt * c.weight;
          r.emitted_number += n * on_grid;
          r.emitted_energy_MeV += n * energy;
          r.emitted_physical_energy_MeV += n * energy * one_plus_z;
          r.emitted_below_number += n * below;
          r.emitted_above_number += n * above;
          for (std::size_t i = 0; i < 3; ++i) {
            const Real p = n * c.probability(spectrum, i);
            if (p == 0) continue;
            const std::size_t s = i * kinds + kind;
            for (std::size_t k = 0; k < N; ++k) source[k * S + s] += p * hats[k];
          }
        }
      }
    }
    if (!op) {
      for (std::size_t c = 0; c < N * S; ++c) x[c] += source[c];
      continue;
    }
    // In halves: the sources as sums and differences; the differences' gains only while a difference is not zero (else
    // every one stays exactly zero through the step: the halves do not mix).
    bool differences = true;
    if (halves) {
      differences = false;
      for (std::size_t k = 0; k < N; ++k)
        for (std::size_t h = 0; h < H; ++h) {
          const Real s0 = source[k * S + 2 * h], s1 = source[k * S + 2 * h + 1];
          step_source[k * S + h] = s0 + s1;
          step_source[k * S + H + h] = s0 - s1;
          differences = differences || s0 != s1 || x[k * S + H + h] != 0;
        }
    }
    if (halves && differences && !op->has_differences()) build_operator(diffuse_blocks::halves);  // not reached: equal_partners holds
    const std::vector<Real>& src = halves ? step_source : source;
    // Weights of the whole shifts m: w_m = int over the step of q(x) box(x/h - m) dx, q = (1+z)^3 c/H(z) [cm], box = 1
    // on [m - 1/2, m + 1/2): a comoving node whose physical energy lies in the bin of physical node k + m takes that
    // bin's operator, as the local kernel does for every energy in a bin. (Interpolating linearly between whole shifts
    // would spread a bin's operator over two bins: an unresolved line acting on the node below it from s = 0+.)
    weights.clear();
    const Real sa = xa / h, sb = xb / h;
    const std::size_t m_lo = static_cast<std::size_t>(sa + Real(0.5L));
    const std::size_t m_hi = std::min(static_cast<std::size_t>(sb + Real(0.5L)), shifts);
    for (std::size_t m = m_lo; m <= m_hi; ++m) {  // piece s in [max(sa, m - 1/2), min(sb, m + 1/2)]
      const Real s0 = std::max(sa, Real(m) - Real(0.5L)), s1 = std::min(sb, Real(m) + Real(0.5L));
      // A piece no longer than the rounding of an edge on a boundary (m + 1/2) h: nothing, not a pass over the nodes.
      if (!(s1 - s0 > 64 * std::numeric_limits<Real>::epsilon() * s1)) continue;
      Real wm = 0;
      for (const auto& [t, w] : detail::gauss3_unit) {
        const Real s = s0 + (s1 - s0) * Real(t), one_plus_z = exp(s * h);
        wm += one_plus_z * one_plus_z * one_plus_z * setup.cosmo.hubble_length_cm(one_plus_z - 1) * Real(w) * (s1 - s0) * h;
      }
      weights.push_back({m, wm});
    }
    // Consecutive whole shifts m, m + 1, ... share destination columns: node k at shift m + t lands on physical node
    // k + m + t, which node k + t reached at shift m. The first shift of a run (position 0) reads each column once for
    // up to max_shared_nodes nodes; the others add the blocks that pass could not (their first t, whose densities were
    // not yet known) to what it left in `pending` (zero for the nodes whose pass would lie above the grid).
    const std::size_t Q = weights.size();
    run_position.assign(Q, 0);
    run_length.assign(Q, 0);
    for (std::size_t q = 0, lead = 0; q < Q; ++q) {
      if (weights[q].second == 0) continue;
      const bool continues = q > 0 && weights[q - 1].second != 0 && weights[q].first == weights[q - 1].first + 1 &&
                             run_position[q - 1] + 1 < diffuse_operator<Real>::max_shared_nodes;
      if (continues) {
        run_position[q] = run_position[q - 1] + 1;
      } else {
        lead = q;
      }
      run_length[lead] = run_position[q] + 1;
    }
    pending.assign(N * Q * S, Real(0));
    // Sweep from the highest comoving node down.
    for (std::size_t k = N; k-- > 0;) {
      std::fill(tau.begin(), tau.end(), Real(0));
      std::fill(O.begin(), O.end(), Real(0));
      for (std::size_t s = 0; s < S; ++s) in[s] = src[k * S + s];
      const Real* above = avg.data() + (k + 1) * S;  // densities of the nodes above k (known: the sweep goes down)
      // The gains into physical node j from the nodes above, for r sweep nodes: [t * S + s] (halves: side by side).
      auto gains = [&](std::size_t j, std::size_t count, std::size_t r) {
        if (!halves) return op->column_gains(j, above, count, r, shared.data());
        op->half_column_gains(0, j, above, S, count, r, shared.data());
        if (differences) op->half_column_gains(1, j, above + H, S, count, r, shared.data() + H);
        else
          for (std::size_t t = 0; t < r; ++t) std::fill_n(shared.data() + t * S + H, H, Real(0));
      };
      for (std::size_t q = 0; q < Q; ++q) {
        const auto [m, w] = weights[q];
        if (w == 0) continue;
        const std::size_t j = k + m;
        if (halves) {  // the loss of 2h (= 2h + 1's) for both halves; the node's own block, one per half
          for (std::size_t h = 0; h < H; ++h) {
            const Real loss = w * op->loss(j, 2 * h);
            tau[h] += loss;
            tau[H + h] += loss;
          }
          for (std::size_t half = 0; half < (differences ? 2u : 1u); ++half)  // the differences' O is not used while they are 0
            for (std::size_t hp = 0; hp < H; ++hp)
              for (std::size_t h = 0; h < H; ++h) O[(half * H + h) * S + half * H + hp] += w * op->half_gain(half, j, 0, hp, h);
        } else {
          for (std::size_t s = 0; s < S; ++s) tau[s] += w * op->loss(j, s);
          for (std::size_t sp = 0; sp < S; ++sp)
            for (std::size_t s = 0; s < S; ++s) O[s * S + sp] += w * op->gain(j, 0, sp, s);
        }
        const std::size_t t = run_position[q];
        if (t == 0) {
          const std::size_t r = std::min(run_length[q], k + 1);
          gains(j, N - k - 1, r);
          for (std::size_t u = 1; u < r; ++u) std::copy_n(shared.data() + u * S, S, pending.data() + ((k - u) * Q + q + u) * S);
          for (std::size_t s = 0; s < S; ++s) in[s] += w * shared[s];
        } else {
          gains(j, std::min(t, N - k - 1), 1);
          const Real* rest = pending.data() + (k * Q + q) * S;
          for (std::size_t s = 0; s < S; ++s) in[s] += w * (shared[s] + rest[s]);
        }
      }
      if (options.absorption_only) {
        std::fill(in.begin(), in.end(), Real(0));
        for (std::size_t s = 0; s < S; ++s) in[s] = src[k * S + s];
        std::fill(O.begin(), O.end(), Real(0));
      }
      // (I - diag(phi2) O) avg = phi1 x0 + phi2 in; then x1 = e^-tau x0 + phi1 (in + O avg).
      std::array<Real, 16> phi1{}, phi2{}, decay{};
      for (std::size_t s = 0; s < S; ++s) {
        if (halves && s >= H) {  // the differences' depth is the sums'
          phi1[s] = phi1[s - H];
          phi2[s] = phi2[s - H];
          decay[s] = decay[s - H];
        } else {
          const auto [p1, p2] = detail::decay_weights(tau[s]);
          phi1[s] = p1;
          phi2[s] = p2;
          decay[s] = exp(-tau[s]);
        }
        b[s] = phi1[s] * x[k * S + s] + phi2[s] * in[s];
      }
      if (halves) {  // O is block diagonal: one H x H system per half; zero differences stay zero
        for (std::size_t half = 0; half < (differences ? 2u : 1u); ++half) {
          for (std::size_t r = 0; r < H; ++r)
            for (std::size_t c = 0; c < H; ++c)
              A[r * H + c] = (r == c ? Real(1) : Real(0)) - phi2[half * H + r] * O[(half * H + r) * S + half * H + c];
          detail::small_solve(A.data(), b.data() + half * H, H);
        }
      } else {
        for (std::size_t s = 0; s < S; ++s)
          for (std::size_t c = 0; c < S; ++c) A[s * S + c] = (s == c ? Real(1) : Real(0)) - phi2[s] * O[s * S + c];
        detail::small_solve(A.data(), b.data(), S);
      }
      for (std::size_t s = 0; s < S; ++s) avg[k * S + s] = b[s];
      for (std::size_t s = 0; s < S; ++s) {
        Real g = in[s];
        for (std::size_t c = 0; c < S; ++c) g += O[s * S + c] * b[c];
        x[k * S + s] = decay[s] * x[k * S + s] + phi1[s] * g;
      }
      // The species' densities and optical depths (in halves: from the sums and differences).
      for (std::size_t s = 0; s < S; ++s) {
        spec[s] = halves ? (s % 2 == 0 ? b[s / 2] + b[H + s / 2] : b[s / 2] - b[H + s / 2]) / 2 : b[s];
        spec_tau[s] = halves ? tau[s / 2] : tau[s];
        r.scatterings += spec_tau[s] * spec[s];
      }
      // Products that leave the comoving grid, and the energy scatterings bring in (comoving energies).
      for (std::size_t sp = 0; sp < S; ++sp) {
        const Real a = spec[sp];
        if (a == 0) continue;
        for (const auto& [m, w] : weights) {
          if (w == 0) continue;
          const std::size_t j = k + m;
          const Real wa = w * a, back = inverse_ratio_power[m];
          if (options.absorption_only) {
            r.lost_below_number += wa * op->loss(j, sp);  // removed: counted as lost so the number budget closes
            r.injected_energy_MeV -= wa * op->loss(j, sp) * eps[k];
            continue;
          }
          r.underflow_number += wa * op->number_below(j, sp, m);
          r.underflow_energy_MeV += wa * op->energy_below_MeV(j, sp, m) * back;
          r.lost_below_number += wa * (2 * op->loss(j, sp) - op->number_on_grid(j, sp));
          r.injected_energy_MeV += wa * (op->energy_on_grid_MeV(j, sp) - op->loss(j, sp) * op->node_MeV(j)) * back;
        }
      }
    }
  }
  if (halves)  // the species' numbers from the sums and differences
    for (std::size_t k = 0; k < N; ++k) {
      std::array<Real, 16> sums{};
      std::copy_n(x.data() + k * S, S, sums.data());
      for (std::size_t h = 0; h < H; ++h) {
        x[k * S + 2 * h] = (sums[h] + sums[H + h]) / 2;
        x[k * S + 2 * h + 1] = (sums[h] - sums[H + h]) / 2;
      }
    }
  if (options.absorption_only) r.scatterings = 0;
  // Results on the requested nodes (solve nodes G..): numbers today, fluxes by flavour; the guard node's in the budget.
  const std::size_t n_out = options.energy_bins;
  r.energy_MeV.assign(eps.begin() + static_cast<std::ptrdiff_t>(G), eps.end());
  r.bin_width_MeV.resize(n_out);
  for (std::size_t k = 0; k < n_out; ++k) r.bin_width_MeV[k] = physical.bin_width_MeV(k + G);
  r.bin_width_MeV[n_out - 1] = (eps[N - 1] - eps[N - 2]) / 2;  // the comoving grid ends at its last node
  r.number.assign(S, std::vector<Real>(n_out, Real(0)));
  for (std::size_t k = 0; k < N; ++k)
    for (std::size_t s = 0; s < S; ++s) {
      const Real v = x[k * S + s];
      if (!(v < std::numeric_limits<Real>::infinity()) || !(v >= 0))
        throw numerical_error("nusi::propagate_diffuse: a number today is not finite and >= 0 (node " + detail::to_text(k) + ")");
      if (k < G) {
        r.guard_number += v;
        r.guard_energy_MeV += v * eps[k];
        continue;
      }
      r.number[s][k - G] = v;
      r.number_today += v;
      r.energy_today_MeV += v * eps[k];
    }
  const Real flux_factor = speed_of_light_cm_per_s<Real> / (Mpc_cm<Real> * Mpc_cm<Real> * Mpc_cm<Real>);
  for (std::size_t a = 0; a < 3; ++a) {
    r.flux_per_cm2_s_MeV[a].assign(n_out, Real(0));
    r.antineutrino_flux_per_cm2_s_MeV[a].assign(n_out, Real(0));
    for (std::size_t i = 0; i < 3; ++i) {
      const Real p = spectrum.mixing_probability(static_cast<flavour>(a), i);
      const std::size_t anti = i * kinds + static_cast<std::size_t>(neutrino_kind::antineutrino_right);
      const std::size_t nu = i * kinds + static_cast<std::size_t>(neutrino_kind::neutrino_left);
      for (std::size_t k = 0; k < n_out; ++k) {
        const Real f = flux_factor / r.bin_width_MeV[k];
        r.antineutrino_flux_per_cm2_s_MeV[a][k] += p * r.number[anti][k] * f;
        r.flux_per_cm2_s_MeV[a][k] += p * (r.number[anti][k] + r.number[nu][k]) * f;
      }
    }
  }
  return r;
}

/// Attenuation phi/phi_free per node: the ratio of two runs on the same grid (0 where the free flux is 0).
template <class Real>
std::vector<Real> attenuation(const std::vector<Real>& flux, const std::vector<Real>& free_flux) {
  std::vector<Real> a(flux.size(), Real(0));
  for (std::size_t k = 0; k < flux.size() && k < free_flux.size(); ++k) a[k] = free_flux[k] > 0 ? flux[k] / free_flux[k] : Real(0);
  return a;
}

}  // namespace nusi
