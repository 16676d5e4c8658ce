// SPDX-License-Identifier: MIT
// The mass-state operator in the partners' sums and differences (docs/physics.md, "Partner halves"): where every rate
// is unchanged when each species trades its kind for its partner's, x_2h + x_2h+1 and x_2h - x_2h+1 evolve apart, each
// under blocks of half the species; the exact solve then takes half the multiplications of the species' one.
#pragma once

#include <algorithm>
#include <atomic>
#include <cmath>
#include <complex>
#include <cstddef>
#include <limits>
#include <optional>
#include <span>
#include <string_view>
#include <type_traits>
#include <vector>

#include "../detail/default_init_allocator.hpp"
#include "../detail/wide_vectors.hpp"
#include "../errors.hpp"
#include "../mass_states/relic_background.hpp"
#include "../mass_states/scattering.hpp"
#include "../parallel.hpp"
#include "grid.hpp"
#include "kernel.hpp"
#include "mass_state_kernel.hpp"

namespace nusi {

/// The energy-only operator of the mass states (mass_state_kernel, the same rates and blocks) for the exact transport,
/// held as the partners' halves where it is kind-symmetric: every loss rate and block entry equal to its partner's (s
/// <-> s ^ 1: neutrino <-> antineutrino, and for Dirac the two sterile helicities; detail::partners_equal), which the CP
/// symmetry of the rates gives for every nature and mediator of the model. Then the sums x_2h + x_2h+1 evolve under
/// the blocks `plus` and the differences under `minus` (detail::kind_half_block), apart: a block forward substitution
/// takes two products of H x H blocks where the species take one of 2H x 2H (half the multiplications), and none for
/// the differences of a source with equal partners. The halves are formed as the kernel assembles its blocks
/// (mass_state_block_sink); the kernel keeps its rates and budgets, not its blocks. An operator that is not
/// kind-symmetric, or asked for with `kind_halves` false, keeps the kernel's blocks and solves with them (the check).
/// The same results as the kernel's to rounding (tests/test_mass_state_halves.cpp), on any thread count the same bits.
/// @throws what mass_state_kernel's constructor throws.
template <class Real>
class mass_state_halves_operator {
 public:
  using value_type = Real;

  mass_state_halves_operator(const mass_state_scattering<Real>& scattering, const relic_background<Real>& relic,
                             const energy_grid<Real>& grid, kernel_scope scope = kernel_scope::full,
                             const mass_state_kernel_options<Real>& options = {}, std::size_t threads = 1, bool kind_halves = true)
      : S_(scattering.species()), H_(S_ / 2) {
    if (kind_halves && (H_ == 3 || H_ == 6) && S_ == 2 * H_) {
      n_ = grid.size() - (scope == kernel_scope::full ? 0 : grid.first_above_threshold());
      allocate();
      sink halves_sink(*this);
      kernel_.emplace(scattering, relic, grid, scope, options, threads, halves_sink);
      if (halves_sink.symmetric.load() && losses_symmetric()) {
        symmetric_ = true;
        return;
      }
      halves_ = {};
      offset_ = {};
    }
    kernel_.emplace(scattering, relic, grid, scope, options, threads);
    n_ = kernel_->nodes();
  }

  /// Whether the operator is held as partner halves (else as the kernel's species blocks).
  bool kind_symmetric() const { return symmetric_; }
  /// The kernel: its grid, scope, nodes, species, rates and budgets (its blocks only where !kind_symmetric()).
  const mass_state_kernel<Real>& kernel() const { return *kernel_; }
  std::size_t size() const { return kernel_->size(); }
  /// Species per half (species / 2); half h pairs the species 2h and 2h + 1.
  std::size_t half_species() const { return H_; }
  /// Gain into (k, h) from (i, h'), i >= k, per unit density and cm of the sums (half 0) or the differences (half 1):
  /// plus or minus of detail::kind_half_block. @throws nusi::invalid_argument unless kind_symmetric(), or a bad index.
  Real half_gain_per_cm(std::size_t half, std::size_t i, std::size_t hp, std::size_t k, std::size_t h) const {
    constexpr std::string_view fn = "nusi::mass_state_halves_operator::half_gain_per_cm";
    if (!symmetric_) detail::throw_invalid(fn, "kind_symmetric()", "true", "false");
    if (half > 1) detail::throw_invalid(fn, "half", "0 (sums) or 1 (differences)", half);
    if (!(k <= i && i < n_)) detail::throw_invalid(fn, "i", "in [k, nodes) = [" + detail::to_text(k) + ", " + detail::to_text(n_) + ")", i);
    if (hp >= H_ || h >= H_) detail::throw_invalid(fn, "hp, h", "< half_species() = " + detail::to_text(H_), std::max(hp, h));
    return half_block(half, i, k)[hp * H_ + h];
  }

  /// y = A x [cm^-1], as mass_state_kernel::apply.
  void apply(const Real* x, Real* y) const {
    if (!symmetric_) return kernel_->apply(x, y);
    const std::size_t n = n_, S = S_, H = H_;
    std::vector<Real> xh(n * S), yh(n * S);
    to_halves(x, xh.data());
    for (std::size_t k = 0; k < n; ++k)
      for (std::size_t half = 0; half < 2; ++half) {
        Real* out = yh.data() + k * S + half * H;
        for (std::size_t h = 0; h < H; ++h) out[h] = -kernel_->rate_per_cm(k, 2 * h) * xh[k * S + half * H + h];
        for (std::size_t i = k; i < n; ++i) {
          const Real* B = half_block(half, i, k);
          for (std::size_t hp = 0; hp < H; ++hp)
            for (std::size_t h = 0; h < H; ++h) out[h] += B[hp * H + h] * xh[i * S + half * H + hp];
        }
      }
    from_halves<Real>(yh.data(), 1, y);
    budget_rows<Real>(x, y, {});
  }

  /// out[c * Z + z] = ((shift_z I - A)^{-1} rhs)_c for Z shifts, as mass_state_kernel::solve_shifted: per half a block
  /// forward substitution from the highest energy down, an H x H solve per node (the differences skipped where rhs has
  /// equal partners: they stay 0). Scalar is Real or std::complex<Real>.
  /// @throws nusi::invalid_argument if a shift is not finite.
  template <class Scalar>
  void solve_shifted(std::span<const Scalar> shifts, const Real* rhs, Scalar* out) const {
    solve_shifted(shifts, rhs, out, 1);
  }
  /// The same on `threads` threads (0: all cores): the two halves apart (their substitutions are independent) and, with
  /// more threads than halves, the shifts in groups; each half and shift takes the same arithmetic as on one thread, so
  /// the result is the same bit for bit. exponential_action hands its shifts here instead of sharing them out itself
  /// (each thread then streams one half's blocks, not both).
  /// @throws nusi::invalid_argument if a shift is not finite or threads exceeds the limit of parallel_for.
  template <class Scalar>
  void solve_shifted(std::span<const Scalar> shifts, const Real* rhs, Scalar* out, std::size_t threads) const {
    constexpr std::string_view fn = "nusi::mass_state_halves_operator::solve_shifted";
    detail::require_finite_shifts(fn, shifts);
    detail::require_thread_count(fn, "threads", threads);
    const std::size_t n = n_, Z = shifts.size(), S = S_, H = H_;
    if (!symmetric_) {  // the kernel's species blocks: the shifts in groups
      const std::size_t workers = resolve_threads(threads, Z);
      if (workers == 1) return kernel_->solve_shifted(shifts, rhs, out);
      const std::size_t c = kernel_->size();
      parallel_for(workers, workers, [&](std::size_t t) {
        const std::size_t z0 = Z * t / workers, count = Z * (t + 1) / workers - z0;
        std::vector<Scalar> x(c * count);
        kernel_->solve_shifted(shifts.subspan(z0, count), rhs, x.data());
        for (std::size_t i = 0; i < c; ++i) std::copy_n(x.data() + i * count, count, out + i * Z + z0);
      });
      return;
    }
    std::vector<Real> r(n * S);
    to_halves(rhs, r.data());
    bool differences = false;
    for (std::size_t k = 0; k < n && !differences; ++k)
      for (std::size_t h = 0; h < H; ++h) differences = differences || r[k * S + H + h] != 0;
    const std::size_t halves = differences ? 2 : 1;
    if (!differences)  // the differences stay 0
      for (std::size_t k = 0; k < n; ++k) std::fill_n(out + (k * S + H) * Z, H * Z, Scalar(0));
    // Each half (and group of shifts) solved into its own compact buffer, then copied into place: the threads share no
    // cache lines, and a substitution reads its half's values contiguously.
    const std::size_t workers = resolve_threads(threads, halves * Z);
    const std::size_t groups = std::max<std::size_t>(1, std::min(Z, workers / halves));
    parallel_for(halves * groups, workers, [&](std::size_t task) {
      const std::size_t half = task % halves, g = task / halves;
      const std::size_t z0 = Z * g / groups, count = Z * (g + 1) / groups - z0;
      std::vector<Scalar> x(n * H * count);
      solve_half(half, shifts.subspan(z0, count), r.data(), x.data(), count);
      for (std::size_t k = 0; k < n; ++k)
        for (std::size_t h = 0; h < H; ++h)
          std::copy_n(x.data() + (k * H + h) * count, count, out + (k * S + half * H + h) * Z + z0);
    });
    from_halves<Scalar>(out, Z, out);
    budget_rows<Scalar>(out, out, shifts, rhs, Z);
  }

 private:
  // One half's block forward substitution for the shifts `shifts` (Zb of them) from the halves' right-hand side r (sums
  // [k * S, k * S + H), differences [k * S + H, (k + 1) * S)) into out[(k * H + h) * Zb + z].
  template <class Scalar>
  void solve_half(std::size_t half, std::span<const Scalar> shifts, const Real* r, Scalar* out, std::size_t Zb) const {
    const std::size_t n = n_, Z = Zb, S = S_, H = H_;
    std::vector<Real> loss(H);
    std::vector<Scalar> acc(H * Z), M(H * H), b(H);
    const bool wide = detail::use_avx2();
    const std::size_t W = detail::real_lanes<Scalar> * Z;
    for (std::size_t k = n; k-- > 0;) {
      for (std::size_t h = 0; h < H; ++h) loss[h] = kernel_->rate_per_cm(k, 2 * h);
      Scalar* x = out + k * H * Z;  // this node's half, [h * Z + z]
      for (std::size_t h = 0; h < H; ++h)
        for (std::size_t z = 0; z < Z; ++z) acc[h * Z + z] = Scalar(r[k * S + half * H + h]);
      const Real* above = half_block(half, k, k) + H * H;  // the blocks (k + 1 -> k), (k + 2 -> k), ...
      const Real* x_above = detail::real_array<Real>(out) + (k + 1) * H * W;
      if (H == 3) detail::substitute_all_lanes<3>(above, n - k - 1, x_above, H * W, W, detail::real_array<Real>(acc.data()), wide);
      else detail::substitute_all_lanes<6>(above, n - k - 1, x_above, H * W, W, detail::real_array<Real>(acc.data()), wide);
      const Real* D = half_block(half, k, k);
      auto solve_one = [&](std::size_t z) {
        for (std::size_t row = 0; row < H; ++row) {
          for (std::size_t c = 0; c < H; ++c) M[row * H + c] = Scalar(-D[c * H + row]);  // -(plus or minus)^T
          M[row * H + row] += shifts[z] + loss[row];
          b[row] = acc[row * Z + z];
        }
        if (H == 3) detail::dense_solve<3>(M.data(), b.data(), H);
        else detail::dense_solve<6>(M.data(), b.data(), H);
        for (std::size_t h = 0; h < H; ++h) x[h * Z + z] = b[h];
      };
      std::size_t z = 0;
      if constexpr (std::is_same_v<Scalar, std::complex<double>> && std::is_same_v<Real, double>) {
        if (wide && Z > 1)  // a last group of 2 or 3 shifts fills its lanes
          for (; z < Z; z += 4) {
            const std::size_t lanes = std::min<std::size_t>(4, Z - z);
            const bool solved = H == 3 ? detail::shifted_solve_lanes_avx2<3>(D, loss.data(), shifts.data() + z, acc.data() + z, Z, x + z, lanes)
                                       : detail::shifted_solve_lanes_avx2<6>(D, loss.data(), shifts.data() + z, acc.data() + z, Z, x + z, lanes);
            if (!solved)
              for (std::size_t l = 0; l < lanes; ++l) solve_one(z + l);
          }
      }
      for (; z < Z; ++z) solve_one(z);
    }
  }
  // Has the kernel write its partner halves straight into this operator's storage (halves_in_place) and learns
  // from each run whether its blocks were kind-symmetric.
  struct sink final : mass_state_block_sink<Real> {
    explicit sink(mass_state_halves_operator& o) : op(o) {}
    mass_state_halves_operator& op;
    std::atomic<bool> symmetric{true};
    bool takes_kind_halves() const override { return true; }
    typename mass_state_block_sink<Real>::halves_storage halves_in_place() override {
      return {op.offset_.data(), op.half_data(0), op.half_data(1)};
    }
    void receive(std::size_t, std::size_t, std::size_t, const Real*, const Real*) override {
      symmetric.store(false, std::memory_order_relaxed);  // not called: the kernel hands halves (takes_kind_halves)
    }
    void receive_halves(std::size_t, std::size_t, std::size_t, const Real*, const Real*, bool run_symmetric, const Real*) override {
      if (!run_symmetric) symmetric.store(false, std::memory_order_relaxed);  // the halves themselves are written in place
    }
  };
  // Per half, the blocks (i -> k) of one destination k one after another from i = k (mass_state_kernel's order), H x H
  // each; both halves in one allocation, each with one entry past its end (the four-lane loads of its last row).
  void allocate() {
    offset_.resize(n_);
    for (std::size_t k = 0, offset = 0; k < n_; offset += n_ - k, ++k) offset_[k] = offset;
    half_size_ = n_ * (n_ + 1) / 2 * H_ * H_ + 1;
    halves_.resize(2 * half_size_);
    half_data(0)[half_size_ - 1] = half_data(1)[half_size_ - 1] = 0;
  }
  Real* half_data(std::size_t half) { return halves_.data() + half * half_size_; }
  const Real* half_data(std::size_t half) const { return halves_.data() + half * half_size_; }
  const Real* half_block(std::size_t half, std::size_t i, std::size_t k) const { return half_data(half) + (offset_[k] + i - k) * H_ * H_; }
  bool losses_symmetric() const {
    for (std::size_t k = 0; k < n_; ++k)
      for (std::size_t h = 0; h < H_; ++h)
        if (!detail::partners_equal(kernel_->rate_per_cm(k, 2 * h), kernel_->rate_per_cm(k, 2 * h + 1))) return false;
    return true;
  }
  // Per node: [0, H) the partners' sums, [H, S) their differences.
  void to_halves(const Real* x, Real* xh) const {
    for (std::size_t k = 0; k < n_; ++k)
      for (std::size_t h = 0; h < H_; ++h) {
        const Real a = x[k * S_ + 2 * h], b = x[k * S_ + 2 * h + 1];
        xh[k * S_ + h] = a + b;
        xh[k * S_ + H_ + h] = a - b;
      }
  }
  // The species from the sums and differences, Z values per component ([c * Z + z]); in place if xh == x. On the real
  // lanes of the values (a complex sum or halving is the same on its two parts).
  template <class Scalar>
  void from_halves(const Scalar* xh, std::size_t Z, Scalar* x) const {
    const std::size_t W = detail::real_lanes<Scalar> * Z;
    const Real* in = detail::real_array<Real>(xh);
    Real* out = detail::real_array<Real>(x);
    std::vector<Real> node(S_ * W);
    for (std::size_t k = 0; k < n_; ++k) {
      std::copy_n(in + k * S_ * W, S_ * W, node.begin());
      for (std::size_t h = 0; h < H_; ++h) {
        const Real* sum = node.data() + h * W;
        const Real* difference = node.data() + (H_ + h) * W;
        Real* first = out + (k * S_ + 2 * h) * W;
        Real* second = first + W;
        for (std::size_t w = 0; w < W; ++w) {
          first[w] = (sum[w] + difference[w]) / 2;
          second[w] = (sum[w] - difference[w]) / 2;
        }
      }
    }
  }
  // The budget accumulators (full scope) of apply (no shifts: y = the sums) or of solve_shifted (the sums plus rhs,
  // divided by each shift), from the species' values x[c * Z + z], c < nodes * species, as mass_state_kernel's.
  template <class Scalar>
  void budget_rows(const Scalar* x, Scalar* y, std::span<const Scalar> shifts, const Real* rhs = nullptr, std::size_t Z = 1) const {
    if (kernel_->scope() != kernel_scope::full) return;
    const std::size_t nS = n_ * S_;
    for (std::size_t b = 0; b < budget_index::count; ++b)
      for (std::size_t z = 0; z < Z; ++z) {
        Scalar sum = rhs ? Scalar(rhs[nS + b]) : Scalar(0);
        for (std::size_t c = 0; c < nS; ++c) sum += kernel_->budget_per_cm(b, c / S_, c % S_) * x[c * Z + z];
        y[(nS + b) * Z + z] = shifts.empty() ? sum : detail::divide(sum, shifts[z]);
      }
  }

  std::size_t S_, H_, n_ = 0;
  std::optional<mass_state_kernel<Real>> kernel_;
  bool symmetric_ = false;
  std::vector<std::size_t> offset_;  // per destination k: the index of block (k -> k) in each half (in blocks)
  detail::uninitialized_vector<Real> halves_;  // the sums' half (half_data(0)), then the differences'
  std::size_t half_size_ = 0;
};

}  // namespace nusi
