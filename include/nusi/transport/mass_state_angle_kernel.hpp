// SPDX-License-Identifier: MIT
// The energy-angle operator of the coupled mass states (docs/physics.md, "Energy-angle transport of mass states"):
// state (energy node, angle node, species), lower-triangular in energy, forward in angle within an energy, with small
// dense species blocks. Relics at rest or thermal. The energy-only operator is mass_state_kernel.hpp's; the paper's one-species
// energy-angle operator is kernel.hpp's energy_angle_kernel.
#pragma once

#include <algorithm>
#include <array>
#include <atomic>
#include <cmath>
#include <complex>
#include <cstddef>
#include <span>
#include <string>
#include <string_view>
#include <thread>
#include <type_traits>
#include <vector>

#include "../angle_model.hpp"
#include "../detail/wide_vectors.hpp"
#include "../errors.hpp"
#include "../mass_states/relic_background.hpp"
#include "../mass_states/scattering.hpp"
#include "../parallel.hpp"
#include "grid.hpp"
#include "kernel.hpp"
#include "mass_state_kernel.hpp"

namespace nusi {

/// The energy-angle operator of the mass states: node (j, a, sigma), energy node j, angle node a (polar angle from the
/// line of sight), species sigma (mass state x kind, mass_state_scattering). The energy and species part is
/// mass_state_kernel's, built once per relic mass state b with the targets of b alone (relic_background::only_state;
/// the operator is linear in the densities) so that each gain keeps its target's mass m_b: a product of energy E_f from
/// a source at E_i on a target at rest is turned by 1 - cos theta~ = m_b (1/E_f - 1/E_i) (final-state masses
/// neglected, as in the energy transport), on a thermal target by the same with the target energy x = (s - m_b^2)/(2E)
/// in place of m_b: a thermal state's targets are split into options.thermal_angle_parts parts of equal probability in
/// x (one if x spreads by at most options.thermal_angle_one_part_spread of its mean; relic_background::only_state(b,
/// x_lo, x_hi)), each with its own kernel, so that the collisions within a part
/// carry their rho(x) sigma(s(x)) weighting, and each part turns by its mean x (the parts' kernels sum to the thermal
/// energy kernel). Composed with theta as the angle_model says, exactly as energy_angle_kernel
/// does (detail::angle_spreader, the same product points per pair of energy nodes). Within a pair of energy nodes each
/// block's gain is spread over the product points in proportion to their hat weights (flat in energy across the
/// hat; exact in number, energy and, for the s-channel's flat products, in angle). Node (j, a, sigma) scatters at
/// Gamma_j,sigma / cos theta_a, a factor of the scattering neutrino's own direction, carried by its products (as in
/// energy_angle_kernel). Own-node products take the mean-cosine direction (angles only grow within an energy), so the
/// solve is a block forward substitution: energies downwards, angles upwards, a dense species solve per node.
/// State index ((j * angles + a) * species + sigma), then the budget accumulators (budget_index).
/// @throws nusi::invalid_argument on a bad angle model, grid or options (options.thermal_angle_parts outside [1, 64]),
/// or if the grids need more than max_entries; as mass_state_kernel otherwise.
template <class Real>
class mass_state_energy_angle_kernel {
 public:
  using value_type = Real;
  /// Largest number of stored entries: species^2 (populations N (N + 1)/2 + N angles) (2^27, ~1 GB in double).
  static constexpr std::size_t max_entries = std::size_t(1) << 27;

  mass_state_energy_angle_kernel(const mass_state_scattering<Real>& scattering, const relic_background<Real>& relic,
                                 const energy_grid<Real>& grid, const angle_grid<Real>& angles,
                                 angle_model model = angle_model::three_dimensional,
                                 const mass_state_kernel_options<Real>& options = {}, std::size_t threads = 1)
      : grid_(checked(scattering, relic, grid, angles, model, options)), spread_(angles, model), S_(scattering.species()) {
    detail::require_thread_count("nusi::mass_state_energy_angle_kernel", "threads", threads);
    threads_ = threads;
    const std::size_t N = grid.size(), A = angles.size(), S = S_, pairs = N * (N + 1) / 2;
    loss_.assign(N * S, Real(0));
    for (auto& b : budget_) b.assign(N * S, Real(0));
    // One population per relic state at rest (turning by m_b), one per part of a thermal state's x (turning by the
    // part's mean x: 1 - cos theta~ = x (1/E_f - 1/E_i), docs/physics.md "Directions on a moving target").
    mass_state_kernel_options<Real> part_options = options;
    auto add_population = [&](const relic_background<Real>& targets, Real mass_MeV, bool thermal) {
      part_options.mean_target_energies = thermal;
      const mass_state_kernel<Real> part(scattering, targets, grid, kernel_scope::full, part_options, threads);
      bool active = false;
      for (std::size_t k = 0; k < N; ++k)
        for (std::size_t s = 0; s < S; ++s) active = active || part.rate_per_cm(k, s) > 0;
      if (!active) return;
      population p;
      p.mass_MeV = mass_MeV;
      // The turn's target energy per source node: the mass at rest; for a thermal part the collisions' mean x there
      // (summed over the source species: a resonance selects x ~ (M^2 - m^2)/(2E) within the part).
      p.turn_MeV.assign(N, mass_MeV);
      if (thermal)
        for (std::size_t k = 0; k < N; ++k) {
          Real rate = 0, x = 0;
          for (std::size_t s = 0; s < S; ++s) {
            rate += part.rate_per_cm(k, s);
            x += part.rate_per_cm(k, s) * part.mean_target_energy_MeV(k, s);
          }
          if (rate > 0) p.turn_MeV[k] = x / rate;
        }
      p.gains.resize(pairs * S * S);
      for (std::size_t i = 0; i < N; ++i)
        for (std::size_t j = 0; j <= i; ++j)
          for (std::size_t sp = 0; sp < S; ++sp)
            for (std::size_t s = 0; s < S; ++s) p.gains[(pair_index(i, j) * S + sp) * S + s] = part.gain_per_cm(i, sp, j, s);
      for (std::size_t k = 0; k < N; ++k)
        for (std::size_t s = 0; s < S; ++s) {
          loss_[k * S + s] += part.rate_per_cm(k, s);
          for (std::size_t c = 0; c < budget_index::count; ++c) budget_[c][k * S + s] += part.budget_per_cm(c, k, s);
        }
      populations_.push_back(std::move(p));
    };
    for (std::size_t b = 0; b < 3; ++b) {
      if (relic.at_rest(b)) {
        add_population(relic.only_state(b), relic.mass_MeV(b), false);
        continue;
      }
      const auto edges = relic.distribution(b).equal_probability_edges_MeV(parts_of(relic, b, options));
      for (std::size_t c = 0; c + 1 < edges.size(); ++c) {
        const relic_background<Real> targets = relic.only_state(b, edges[c], edges[c + 1]);
        add_population(targets, targets.distribution(b).mean_MeV(), true);
      }
    }
    // Product points per pair of energy nodes (the paper kernel's), with weights normalised to fractions of the pair.
    offset_.assign(pairs + 1, 0);
    std::vector<Real> xs, ws;
    std::vector<Real> sources;
    detail::for_each_hat_point(
        grid, [this, &xs](std::size_t i, std::size_t j) { offset_[pair_index(i, j)] = xs.size(); },
        [&xs, &ws, &sources](Real E_i, Real x, Real weight) {
          xs.push_back(x);
          ws.push_back(weight);
          sources.push_back(E_i);
        });
    offset_[pairs] = xs.size();
    for (std::size_t r = 0; r < pairs; ++r) {
      Real total = 0;
      for (std::size_t q = offset_[r]; q < offset_[r + 1]; ++q) total += ws[q];
      for (std::size_t q = offset_[r]; q < offset_[r + 1]; ++q) ws[q] = total > 0 ? ws[q] / total : Real(0);
    }
    std::vector<std::size_t> source_node(xs.size());
    for (std::size_t i = 0; i < N; ++i)
      for (std::size_t j = 0; j <= i; ++j)
        for (std::size_t q = offset_[pair_index(i, j)]; q < offset_[pair_index(i, j) + 1]; ++q) source_node[q] = i;
    for (auto& p : populations_) {
      p.points.reserve(xs.size());
      for (std::size_t q = 0; q < xs.size(); ++q)
        p.points.push_back(spreader::make_point(p.turn_MeV[source_node[q]], sources[q], xs[q], ws[q]));
    }
    // Diagonal species blocks of node (j, a): -loss/cos theta_a, plus the own-node gains whose direction stays on a.
    diag_.assign(N * A * S * S, Real(0));
    stencil st;
    for (std::size_t j = 0; j < N; ++j)
      for (std::size_t a = 0; a < A; ++a) {
        Real* D = diag_.data() + (j * A + a) * S * S;  // D[s * S + s']: into s per unit density of s'
        const Real ic = spread_.inv_cos(a);
        for (std::size_t s = 0; s < S; ++s) D[s * S + s] = -loss_[j * S + s] * ic;
        for (const auto& p : populations_) {
          Real stay = 0;
          for (std::size_t q = offset_[pair_index(j, j)]; q < offset_[pair_index(j, j) + 1]; ++q) {
            spread_.destinations(a, p.points[q], true, st);
            for (std::size_t e = 0; e < st.size; ++e)
              if (st.node[e] == a) stay += p.points[q].weight * st.weight[e];
          }
          const Real* G = p.gains.data() + pair_index(j, j) * S * S;
          for (std::size_t sp = 0; sp < S; ++sp)
            for (std::size_t s = 0; s < S; ++s) D[s * S + sp] += stay * ic * G[sp * S + s];
        }
      }
  }

  const energy_grid<Real>& grid() const { return grid_; }
  const angle_grid<Real>& angles() const { return spread_.angles(); }
  /// How deflections compose (angle_model.hpp).
  angle_model model() const { return spread_.model(); }
  std::size_t species() const { return S_; }
  /// Density nodes (energy x angle x species) and the state size (plus budget_index::count accumulators).
  std::size_t nodes() const { return grid_.size() * angles().size() * S_; }
  std::size_t size() const { return nodes() + budget_index::count; }
  /// The target energies that turn the products [MeV], one per population that scatters, in state order: a state's mass
  /// at rest, each part's mean x for a thermal state.
  std::vector<Real> target_masses_MeV() const {
    std::vector<Real> m;
    for (const auto& p : populations_) m.push_back(p.mass_MeV);
    return m;
  }
  /// Scattering rate of node (j, a, sigma) [cm^-1]: Gamma_j,sigma / cos theta_a.
  Real rate_per_cm(std::size_t j, std::size_t a, std::size_t sigma) const { return loss_[j * S_ + sigma] * spread_.inv_cos(a); }

  /// y = A x [cm^-1].
  void apply(const Real* x, Real* y) const {
    const std::size_t N = grid_.size(), A = angles().size(), S = S_, n = nodes();
    std::fill(y, y + size(), Real(0));
    std::vector<Real> v(S);
    stencil st;
    for (std::size_t j = 0; j < N; ++j) {
      for (std::size_t a = 0; a < A; ++a) {
        const Real* D = diag_.data() + (j * A + a) * S * S;
        const Real* xa = x + (j * A + a) * S;
        Real* ya = y + (j * A + a) * S;
        for (std::size_t s = 0; s < S; ++s)
          for (std::size_t sp = 0; sp < S; ++sp) ya[s] += D[s * S + sp] * xa[sp];
      }
      for (std::size_t i = j; i < N; ++i)
        for (const auto& p : populations_)
          for (std::size_t a = 0; a < A; ++a) {
            const Real* G = p.gains.data() + pair_index(i, j) * S * S;
            const Real* xi = x + (i * A + a) * S;
            const Real ic = spread_.inv_cos(a);
            bool any = false;
            for (std::size_t s = 0; s < S; ++s) {
              Real sum = 0;
              for (std::size_t sp = 0; sp < S; ++sp) sum += G[sp * S + s] * xi[sp];
              v[s] = sum * ic;
              any = any || sum != 0;
            }
            if (!any) continue;
            for (std::size_t q = offset_[pair_index(i, j)]; q < offset_[pair_index(i, j) + 1]; ++q) {
              spread_.destinations(a, p.points[q], i == j, st);
              for (std::size_t e = 0; e < st.size; ++e) {
                if (i == j && st.node[e] == a) continue;  // in the diagonal block
                const Real w = p.points[q].weight * st.weight[e];
                Real* yb = y + (j * A + st.node[e]) * S;
                for (std::size_t s = 0; s < S; ++s) yb[s] += w * v[s];
              }
            }
          }
    }
    budget_sums<Real>(x, 1, y + n);
  }

  /// out[c * Z + z] = ((shift_z I - A)^{-1} rhs)_c for Z shifts: block forward substitution over energies from the
  /// highest down and, within an energy, over angles upwards, a dense species solve per node (no eigenvectors). On the
  /// kernel's threads (its constructor's `threads`) the energies are pipelined: each thread claims the highest energy not
  /// yet claimed and adds the gains of the energies above it in descending order as they are finished, the same sums in
  /// the same order as on one thread. Scalar is Real or std::complex<Real>. @throws nusi::invalid_argument if a shift is not
  /// finite.
  template <class Scalar>
  void solve_shifted(std::span<const Scalar> shifts, const Real* rhs, Scalar* out) const {
    detail::require_finite_shifts("nusi::mass_state_energy_angle_kernel::solve_shifted", shifts);
    const std::size_t N = grid_.size(), A = angles().size(), S = S_, Z = shifts.size(), n = nodes();
    const std::size_t workers = resolve_threads(threads_, N);
    std::vector<std::atomic<bool>> finished(workers > 1 ? N : 0);
    for (auto& f : finished) f.store(false, std::memory_order_relaxed);
    std::atomic<bool> abandoned{false};
    std::atomic<std::size_t> next{0};  // the next energy to claim, counted from the top
    const bool wide = detail::use_avx2();
    parallel_for(workers, workers, [&](std::size_t) {
      std::vector<Scalar> acc(A * S * Z), v(S * Z), M(S * S), b(S);
      stencil st;
      // Adds to acc the gains into energy j from the solved node (i, a) (i == j: own node, leaving a only).
      // Wide: the AVX2 loops (a compile-time choice, so that the portable loops are compiled as without them).
      auto spread_on = [&](auto wide_tag, const population& p, std::size_t i, std::size_t j, std::size_t a) {
        constexpr bool wide_loops = decltype(wide_tag)::value;
        const Real* G = p.gains.data() + pair_index(i, j) * S * S;
        const Scalar* xi = out + (i * A + a) * S * Z;
        const Real ic = spread_.inv_cos(a);
        std::fill(v.begin(), v.end(), Scalar(0));
        bool any = false;
        for (std::size_t sp = 0; sp < S; ++sp) {
          bool source = false;  // species sp present at (i, a) for some shift (else its row adds nothing)
          for (std::size_t z = 0; z < Z && !source; ++z) source = xi[sp * Z + z] != Scalar(0);
          if (!source) continue;
          for (std::size_t s = 0; s < S; ++s) {
            const Real c = G[sp * S + s] * ic;
            if (c == 0) continue;
            any = true;
            if constexpr (wide_loops)
              detail::add_scaled_avx2(c, detail::real_array<Real>(xi + sp * Z), detail::real_array<Real>(v.data() + s * Z),
                                      Z * detail::real_lanes<Scalar>);
            else
              for (std::size_t z = 0; z < Z; ++z) v[s * Z + z] += c * xi[sp * Z + z];
          }
        }
        if (!any) return;
        for (std::size_t q = offset_[pair_index(i, j)]; q < offset_[pair_index(i, j) + 1]; ++q) {
          spread_.destinations(a, p.points[q], i == j, st);
          for (std::size_t e = 0; e < st.size; ++e) {
            if (i == j && st.node[e] <= a) continue;  // staying: in the diagonal block
            const Real w = p.points[q].weight * st.weight[e];
            Scalar* y = acc.data() + st.node[e] * S * Z;
            // A real weight times complex values: 2 S Z real products (std::complex's array layout), wide where it can.
            if constexpr (wide_loops)
              detail::add_scaled_avx2(w, detail::real_array<Real>(v.data()), detail::real_array<Real>(y), S * Z * detail::real_lanes<Scalar>);
            else
              for (std::size_t c = 0; c < S * Z; ++c) y[c] += w * v[c];
          }
        }
      };
      auto spread = [&](const population& p, std::size_t i, std::size_t j, std::size_t a) {
        if (wide) spread_on(std::true_type{}, p, i, j, a);
        else spread_on(std::false_type{}, p, i, j, a);
      };
      // Energy i solved (energies are claimed from the top down, so a running thread holds it): waits for its flag;
      // false if another thread failed.
      auto wait_for = [&](std::size_t i) {
        if (workers == 1) return true;
        while (!finished[i].load(std::memory_order_acquire)) {
          if (abandoned.load(std::memory_order_relaxed)) return false;
          std::this_thread::yield();
        }
        return true;
      };
      try {
        for (;;) {
          const std::size_t r = next.fetch_add(1, std::memory_order_relaxed);
          if (r >= N) return;
          const std::size_t j = N - 1 - r;
          for (std::size_t a = 0; a < A; ++a)
            for (std::size_t s = 0; s < S; ++s)
              for (std::size_t z = 0; z < Z; ++z) acc[(a * S + s) * Z + z] = Scalar(rhs[(j * A + a) * S + s]);
          for (std::size_t i = N; i-- > j + 1;) {
            if (!wait_for(i)) return;
            for (const auto& p : populations_)
              for (std::size_t a = 0; a < A; ++a) spread(p, i, j, a);
          }
          for (std::size_t a = 0; a < A; ++a) {
            const Real* D = diag_.data() + (j * A + a) * S * S;
            for (std::size_t z = 0; z < Z; ++z) {
              for (std::size_t r2 = 0; r2 < S; ++r2) {
                for (std::size_t c = 0; c < S; ++c) M[r2 * S + c] = Scalar(-D[r2 * S + c]);
                M[r2 * S + r2] += shifts[z];
                b[r2] = acc[(a * S + r2) * Z + z];
              }
              detail::dense_solve(M.data(), b.data(), S);
              for (std::size_t s = 0; s < S; ++s) out[((j * A + a) * S + s) * Z + z] = b[s];
            }
            for (const auto& p : populations_) spread(p, j, j, a);
          }
          if (workers > 1) finished[j].store(true, std::memory_order_release);
        }
      } catch (...) {
        abandoned.store(true, std::memory_order_relaxed);
        throw;
      }
    });
    std::vector<Scalar> sums(budget_index::count * Z);
    budget_sums<Scalar>(out, Z, sums.data());
    for (std::size_t c = 0; c < budget_index::count; ++c)
      for (std::size_t z = 0; z < Z; ++z)
        out[(n + c) * Z + z] = detail::divide(Scalar(rhs[n + c]) + sums[c * Z + z], Scalar(shifts[z]));
  }

 private:
  using spreader = detail::angle_spreader<Real>;
  using point = typename spreader::point;
  using stencil = typename spreader::stencil;
  // The gains of one population of targets (a state at rest, a part of a thermal state's x): [pair (i, j) * S * S +
  // source species * S + product species].
  struct population {
    Real mass_MeV = 0;          // the state's mass at rest, the part's mean x if thermal
    std::vector<Real> turn_MeV;  // per source energy node: the target energy that turns the products
    std::vector<Real> gains;
    std::vector<point> points;  // weight: fraction of the pair's products
  };

  static std::size_t pair_index(std::size_t i, std::size_t j) { return i * (i + 1) / 2 + j; }

  // Populations of relic state b: one at rest or for a narrow thermal distribution, else options.thermal_angle_parts.
  static std::size_t parts_of(const relic_background<Real>& relic, std::size_t b, const mass_state_kernel_options<Real>& options) {
    if (relic.at_rest(b)) return 1;
    const auto& rho = relic.distribution(b);
    return rho.standard_deviation_MeV() <= options.thermal_angle_one_part_spread * rho.mean_MeV() ? 1 : options.thermal_angle_parts;
  }

  // sums[c * Z + z] = budget accumulator c's rate from the densities x[node * Z + z].
  template <class Scalar>
  void budget_sums(const Scalar* x, std::size_t Z, Scalar* sums) const {
    const std::size_t N = grid_.size(), A = angles().size(), S = S_;
    std::fill(sums, sums + budget_index::count * Z, Scalar(0));
    std::vector<Scalar> path(Z);
    for (std::size_t j = 0; j < N; ++j)
      for (std::size_t s = 0; s < S; ++s) {
        std::fill(path.begin(), path.end(), Scalar(0));  // sum over angles of density / cos theta
        for (std::size_t a = 0; a < A; ++a)
          for (std::size_t z = 0; z < Z; ++z) path[z] += spread_.inv_cos(a) * x[((j * A + a) * S + s) * Z + z];
        for (std::size_t c = 0; c < budget_index::count; ++c) {
          const Real k = budget_[c][j * S + s];
          if (k == 0) continue;
          for (std::size_t z = 0; z < Z; ++z) sums[c * Z + z] += k * path[z];
        }
      }
  }

  static const energy_grid<Real>& checked(const mass_state_scattering<Real>& sc, const relic_background<Real>& relic,
                                          const energy_grid<Real>& grid, const angle_grid<Real>& angles, angle_model model,
                                          const mass_state_kernel_options<Real>& options) {
    constexpr std::string_view fn = "nusi::mass_state_energy_angle_kernel";
    if (options.thermal_angle_parts < 1 || options.thermal_angle_parts > 64)
      detail::throw_invalid(fn, "options.thermal_angle_parts", "in [1, 64]", options.thermal_angle_parts);
    detail::require_non_negative(fn, "options.thermal_angle_one_part_spread", options.thermal_angle_one_part_spread);
    long double populations = 0;
    for (std::size_t b = 0; b < 3; ++b) populations += static_cast<long double>(parts_of(relic, b, options));
    if (model != angle_model::paper_eq8_additive && model != angle_model::planar_random_walk &&
        model != angle_model::three_dimensional)
      detail::throw_invalid(fn, "model", "paper_eq8_additive, planar_random_walk or three_dimensional", static_cast<int>(model));
    const long double N = static_cast<long double>(grid.size()), S = static_cast<long double>(sc.species());
    const long double entries = S * S * (populations * N * (N + 1) / 2 + N * static_cast<long double>(angles.size()));
    if (entries > static_cast<long double>(max_entries))
      detail::throw_invalid(fn, "energy.bins and angle.bins",
                            "giving at most 2^27 entries species^2 (populations N (N + 1)/2 + N A) (reduce them; a thermal "
                            "state counts options.thermal_angle_parts populations)", entries);
    return grid;
  }

  energy_grid<Real> grid_;
  spreader spread_;
  std::size_t S_;
  std::size_t threads_ = 1;  // of the assembly and of solve_shifted
  std::vector<population> populations_;
  std::vector<std::size_t> offset_;
  std::vector<Real> loss_, diag_;
  std::array<std::vector<Real>, budget_index::count> budget_{};
};

}  // namespace nusi
