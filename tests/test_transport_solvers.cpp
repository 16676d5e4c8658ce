// SPDX-License-Identifier: MIT
// Solvers of d f/dr = A f (include/nusi/transport/solvers.hpp): the exact contour solver against closed
// forms (equal, nearly equal and huge rates), against an independent dense matrix exponential and
// against odeint (the triangular Rosenbrock default and an explicit Runge-Kutta).
#include <cmath>
#include <complex>
#include <span>
#include <vector>

#include <boost/numeric/odeint/stepper/generation.hpp>
#include <boost/numeric/odeint/stepper/runge_kutta_dopri5.hpp>
#include <doctest/doctest.h>

#include <nusi/transport.hpp>

#include "test_support.hpp"

namespace nusi_test_transport_solvers {  // this file's own: the suite compiles in batches of files (tests/CMakeLists.txt)

namespace {
using nusi_test::rel;

/// A dense lower-triangular operator written independently of the library's kernels: the plug-in
/// interface of the solvers (triangular_operator), with a textbook forward substitution.
struct dense_lower_operator {
  using value_type = double;
  std::size_t n;
  std::vector<double> a;  // row-major n x n, a[i*n + j] = A_ij, zero above the diagonal
  std::size_t size() const { return n; }
  void apply(const double* x, double* y) const {
    for (std::size_t i = 0; i < n; ++i) {
      y[i] = 0;
      for (std::size_t j = 0; j <= i; ++j) y[i] += a[i * n + j] * x[j];
    }
  }
  template <class Scalar>
  void solve_shifted(std::span<const Scalar> shifts, const double* rhs, Scalar* out) const {
    const std::size_t Z = shifts.size();
    for (std::size_t z = 0; z < Z; ++z)
      for (std::size_t i = 0; i < n; ++i) {
        Scalar s = rhs[i];
        for (std::size_t j = 0; j < i; ++j) s += a[i * n + j] * out[j * Z + z];
        out[i * Z + z] = s / (shifts[z] - a[i * n + i]);
      }
  }
};
static_assert(nusi::triangular_operator<dense_lower_operator, double>);

/// exp(A D) f0 by Pade(8) scaling and squaring in long double: an algorithm independent of the contour.
std::vector<double> dense_expm_action(const dense_lower_operator& op, double D, const std::vector<double>& f0) {
  using M = std::vector<long double>;
  const std::size_t n = op.n;
  auto mul = [n](const M& x, const M& y) {
    M z(n * n, 0.0L);
    for (std::size_t i = 0; i < n; ++i)
      for (std::size_t k = 0; k < n; ++k)
        for (std::size_t j = 0; j < n; ++j) z[i * n + j] += x[i * n + k] * y[k * n + j];
    return z;
  };
  M X(n * n);
  long double norm = 0;
  for (std::size_t i = 0; i < n * n; ++i) norm = std::max(norm, std::abs(static_cast<long double>(op.a[i]) * D));
  int squarings = 0;
  long double scale = D;
  while (norm * static_cast<long double>(n) > 0.25L) {
    norm /= 2;
    scale /= 2;
    ++squarings;
  }
  for (std::size_t i = 0; i < n * n; ++i) X[i] = op.a[i] * scale;
  // Pade(8,8): c_k = (16-k)! 8! / (16! k! (8-k)!)
  long double c[9];
  c[0] = 1;
  for (int k = 1; k <= 8; ++k) c[k] = c[k - 1] * (8 - k + 1) / (k * (16.0L - k + 1));
  M N(n * n, 0.0L), Dm(n * n, 0.0L), P(n * n, 0.0L);
  for (std::size_t i = 0; i < n; ++i) P[i * n + i] = 1;
  for (int k = 0; k <= 8; ++k) {
    for (std::size_t i = 0; i < n * n; ++i) {
      N[i] += c[k] * P[i];
      Dm[i] += (k % 2 ? -c[k] : c[k]) * P[i];
    }
    P = mul(P, X);
  }
  // E = Dm^{-1} N by Gaussian elimination with partial pivoting (the state order is not triangular:
  // energies ascend, sources feed lower indices, the budget accumulators sit at the end).
  M E = N;
  for (std::size_t col = 0; col < n; ++col) {
    std::size_t pivot = col;
    for (std::size_t i = col + 1; i < n; ++i)
      if (std::abs(Dm[i * n + col]) > std::abs(Dm[pivot * n + col])) pivot = i;
    for (std::size_t j = 0; j < n; ++j) {
      std::swap(Dm[col * n + j], Dm[pivot * n + j]);
      std::swap(E[col * n + j], E[pivot * n + j]);
    }
    for (std::size_t i = 0; i < n; ++i) {
      if (i == col) continue;
      const long double factor = Dm[i * n + col] / Dm[col * n + col];
      if (factor == 0) continue;
      for (std::size_t j = 0; j < n; ++j) {
        Dm[i * n + j] -= factor * Dm[col * n + j];
        E[i * n + j] -= factor * E[col * n + j];
      }
    }
  }
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t j = 0; j < n; ++j) E[i * n + j] /= Dm[i * n + i];
  for (int k = 0; k < squarings; ++k) E = mul(E, E);
  std::vector<double> f(n, 0.0);
  for (std::size_t i = 0; i < n; ++i) {
    long double s = 0;
    for (std::size_t j = 0; j < n; ++j) s += E[i * n + j] * f0[j];
    f[i] = static_cast<double>(s);
  }
  return f;
}

using nusi_test::setup_at;

/// Sum of |f| over the spectrum (the first `nodes` entries; the budget accumulators follow).
double spectrum_total(const std::vector<double>& f, std::size_t nodes) {
  double total = 0;
  for (std::size_t i = 0; i < nodes; ++i) total += std::abs(f[i]);
  return total;
}

/// CHECK f against a reference: spectral entries to `tolerance` of the reference spectrum's total
/// plus the exact solver's noise floor, budget accumulators to `tolerance` each. (One total over
/// both lets the accumulators, ~3e3 scatterings per neutrino at large optical depth, hide a
/// spectrum that is then ~1e-16.)
void check_agreement(const std::vector<double>& f, const std::vector<double>& reference,
                     const std::vector<double>& noise, std::size_t nodes, double tolerance) {
  REQUIRE(f.size() == reference.size());
  const double spectrum = spectrum_total(reference, nodes);
  for (std::size_t i = 0; i < f.size(); ++i) {
    CAPTURE(i);
    if (i < nodes)
      CHECK(std::abs(f[i] - reference[i]) <= tolerance * spectrum + noise[i]);
    else
      CHECK(f[i] == rel(reference[i], tolerance));
  }
}

/// Coupling that puts optical depth tau at the lowest grid node (M far below sqrt(s): tau ~ g^4).
double coupling_for_lowest_tau(double tau, std::size_t bins) {
  auto s = setup_at(-7.0, -3.0);
  const nusi::energy_grid<double> g(nusi::energy_grid_options<double>{.bins = bins}, s.threshold_MeV);
  const nusi::energy_kernel<double> k(s, g);
  return 1e-3 * std::pow(tau / (k.rate_per_cm(0) * s.distance_cm), 0.25);
}
}  // namespace

TEST_CASE("exponential_action reproduces exp(-lambda D) for optical depths from 1e-6 to 1e12") {
  for (double tau : {1e-6, 1e-2, 1.0, 30.0, 700.0, 1e4, 1e8, 1e12}) {
    CAPTURE(tau);
    const dense_lower_operator op{1, {-tau / 2.0}};
    const auto r = nusi::exponential_action(op, std::vector<double>{3.0}, 2.0);
    const double exact = 3.0 * std::exp(-tau);
    // Below the noise floor only an upper limit is meaningful; above it, ~1e-14 relative.
    if (exact > 1e3 * r.noise[0]) CHECK(r.value[0] == rel(exact, 1e-12));
    CHECK(std::abs(r.value[0] - exact) <= r.noise[0] + 1e-13 * exact);
    CHECK(r.noise[0] < 1e-12 * 3.0);  // the floor is rounding of the O(1) initial value
  }
}

TEST_CASE("exponential_action is exact for equal and nearly equal rates, where eigenvectors fail") {
  // A = [[-l, 0, 0], [b, -l, 0], [c, d, -l]]: x1 = e^{-lt}, x2 = b t e^{-lt}, x3 = (c t + b d t^2/2) e^{-lt}.
  const double l = 3.0, b = 2.0, c = 0.5, d = 4.0, t = 1.7;
  const dense_lower_operator op{3, {-l, 0, 0, b, -l, 0, c, d, -l}};
  const auto r = nusi::exponential_action(op, std::vector<double>{1.0, 0.0, 0.0}, t);
  const double e = std::exp(-l * t);
  // Contour error and rounding ~1e-14 of the O(1) initial value: ABSOLUTE (Approx's scale 1 = |f0|);
  // measured 4.5e-14, i.e. 7e-12 relative to e^{-5.1} = 6e-3.
  CHECK(r.value[0] == doctest::Approx(e).epsilon(1e-13));
  CHECK(r.value[1] == doctest::Approx(b * t * e).epsilon(1e-13));
  CHECK(r.value[2] == doctest::Approx((c * t + b * d * t * t / 2) * e).epsilon(1e-13));
  // Rates differing by 1e-12 relative: the divided difference (e^{-l1 t} - e^{-l2 t})/(l2 - l1) is
  // catastrophic in the eigenvector form; the contour gets it to rounding.
  const double l2 = l * (1 + 1e-12);
  const dense_lower_operator near{2, {-l, 0, b, -l2}};
  const auto q = nusi::exponential_action(near, std::vector<double>{1.0, 0.0}, t);
  const double mid = std::exp(-(l + l2) / 2 * t);  // b t e^{-l_mean t} (1 + O((l2-l1)^2 t^2))
  CHECK(q.value[1] == doctest::Approx(b * t * mid).epsilon(1e-13));
}

TEST_CASE("exponential_action agrees with a dense Pade matrix exponential on the transport operator") {
  // Optical depth 1e-3, 1 and 1e3 at the lowest node far from resonance, and M = 10^-3.5 MeV, whose
  // unrefined resonance bin has optical depth ~1e4.
  for (auto [lm, lg] : {std::pair{-7.0, std::log10(coupling_for_lowest_tau(1e-3, 24))},
                        std::pair{-7.0, std::log10(coupling_for_lowest_tau(1.0, 24))},
                        std::pair{-7.0, std::log10(coupling_for_lowest_tau(1e3, 24))}, std::pair{-3.5, -4.0}}) {
    CAPTURE(lm);
    CAPTURE(lg);
    auto s = setup_at(lm, lg);
    const nusi::energy_grid<double> g(nusi::energy_grid_options<double>{.bins = 24}, s.threshold_MeV);
    const nusi::energy_kernel<double> k(s, g);
    // Dense copy of A (columns through apply()); only its entries are used, by the Pade code.
    dense_lower_operator op{k.size(), std::vector<double>(k.size() * k.size(), 0.0)};
    for (std::size_t j = 0; j < k.size(); ++j) {
      std::vector<double> x(k.size(), 0.0), y(k.size());
      x[j] = 1;
      k.apply(x.data(), y.data());
      for (std::size_t i = 0; i < k.size(); ++i) op.a[i * k.size() + j] = y[i];
    }
    const auto f0 = nusi::emitted_state(k, nusi::pinched_spectrum<double>::paper_default());
    const auto exact = nusi::exponential_action(k, f0, s.distance_cm);
    const auto pade = dense_expm_action(op, s.distance_cm, f0);
    // Pade(8) after scaling: ~1e-19; the ~20 squarings and the contour's rounding: ~1e-13 (measured
    // <= 5.4e-14 of the spectrum, 8.3e-14 relative on the budgets).
    check_agreement(exact.value, pade, exact.noise, k.nodes(), 1e-11);
  }
}

TEST_CASE("the exact path and odeint's triangular Rosenbrock agree from optical depth 1e-6 to 1e8") {
  const auto spec = nusi::pinched_spectrum<double>::paper_default();
  for (double tau0 : {1e-6, 1.0, 1e4, 1e8}) {
    CAPTURE(tau0);
    auto s = setup_at(-7.0, std::log10(coupling_for_lowest_tau(tau0, 40)));
    const nusi::energy_grid<double> g(nusi::energy_grid_options<double>{.bins = 40}, s.threshold_MeV);
    const nusi::energy_kernel<double> k(s, g);
    const auto f0 = nusi::emitted_state(k, spec);
    const auto exact = nusi::exponential_action(k, f0, s.distance_cm);
    std::vector<double> f = f0;
    const std::size_t steps = nusi::integrate_transport(nusi::make_transport_stepper(1e-14, 1e-10),
                                                        nusi::transport_system(k), f, s.distance_cm, s.distance_cm * 1e-6);
    CHECK(steps > 0);
    // rel_tol 1e-10 per step, accumulated over the steps: 1e-8 of the spectrum and of each budget
    // (measured <= 4.8e-13 and 9.2e-11). At tau0 = 1e8 the spectrum is 1.3e-16 of the emitted one and
    // the two agree to the exact path's noise floor (measured: half of it).
    check_agreement(f, exact.value, exact.noise, k.nodes(), 1e-8);
    // L-stable steps: no negative density beyond the tolerance.
    const double spectrum = spectrum_total(exact.value, k.nodes());
    for (std::size_t i = 0; i < k.nodes(); ++i) {
      CAPTURE(i);
      CHECK(f[i] >= -(1e-12 * spectrum + exact.noise[i]));
    }
  }
}

TEST_CASE("an explicit odeint Runge-Kutta agrees with the exact path where the problem is not stiff") {
  // odeint's own stiff steppers (rosenbrock4, implicit_euler) need uBLAS, which Boost 1.74 cannot
  // instantiate under C++20 (std::allocator::construct is gone): triangular_rosenbrock4 replaces them.
  namespace odeint = boost::numeric::odeint;
  auto s = setup_at(-7.0, std::log10(coupling_for_lowest_tau(5.0, 20)));
  const nusi::energy_grid<double> g(nusi::energy_grid_options<double>{.bins = 20}, s.threshold_MeV);
  const nusi::energy_kernel<double> k(s, g);
  const auto f0 = nusi::emitted_state(k, nusi::pinched_spectrum<double>::paper_default());
  const auto exact = nusi::exponential_action(k, f0, s.distance_cm);
  const nusi::transport_system<nusi::energy_kernel<double>> sys(k);
  double total = 0;
  for (double v : exact.value) total += std::abs(v);
  // Explicit dopri5: fine at optical depth ~5 at the lowest node, with std::vector state.
  std::vector<double> fv = f0;
  const std::size_t steps = nusi::integrate_transport(
      odeint::make_controlled<odeint::runge_kutta_dopri5<std::vector<double>>>(1e-14, 1e-10), sys, fv, s.distance_cm,
      s.distance_cm * 1e-6);
  CHECK(steps > 10);
  for (std::size_t i = 0; i < k.size(); ++i) {
    CAPTURE(i);
    // rel_tol 1e-10 per step: agreement to ~1e-8 of the total.
    CHECK(std::abs(fv[i] - exact.value[i]) <= 1e-8 * total);
  }
}

TEST_CASE("the solvers reject bad input and bound their work") {
  using nusi::invalid_argument;
  const dense_lower_operator op{1, {-1.0}};
  const std::vector<double> f0{1.0};
  CHECK_THROWS_WITH_AS(nusi::exponential_action(op, f0, 0.0), doctest::Contains("distance_cm"), invalid_argument);
  CHECK_THROWS_WITH_AS(nusi::exponential_action(op, f0, 1.0, 7), doctest::Contains("nodes"), invalid_argument);
  CHECK_THROWS_WITH_AS(nusi::exponential_action(op, std::vector<double>{1.0, 2.0}, 1.0), doctest::Contains("f0.size()"),
                       invalid_argument);
  CHECK_THROWS_WITH_AS(nusi::exponential_action(op, std::vector<double>{std::nan("")}, 1.0), doctest::Contains("f0"),
                       invalid_argument);
  CHECK_THROWS_WITH_AS(nusi::make_transport_stepper(0.0, 1e-6), doctest::Contains("abs_tol"), invalid_argument);
  CHECK_THROWS_WITH_AS(nusi::make_transport_stepper(1e-12, -1.0), doctest::Contains("rel_tol"), invalid_argument);

  auto s = setup_at(-3.5, -2.0);
  const nusi::energy_grid<double> g(nusi::energy_grid_options<double>{.bins = 20}, s.threshold_MeV);
  const nusi::energy_kernel<double> k(s, g);
  std::vector<double> f = nusi::emitted_state(k, nusi::pinched_spectrum<double>::paper_default());
  const nusi::transport_system<nusi::energy_kernel<double>> sys(k);
  CHECK_THROWS_WITH_AS(nusi::integrate_transport(nusi::make_transport_stepper<double>(), sys, f, -1.0, 1.0),
                       doctest::Contains("distance_cm"), invalid_argument);
  // A step budget too small for the distance: numerical_error, not a hang.
  CHECK_THROWS_AS(nusi::integrate_transport(nusi::make_transport_stepper<double>(), sys, f, s.distance_cm,
                                            s.distance_cm * 1e-9, 3),
                  nusi::numerical_error);
  std::vector<double> wrong(3, 0.0), out(3);
  CHECK_THROWS_WITH_AS(sys(wrong, out, 0.0), doctest::Contains("state size"), invalid_argument);
}

}  // namespace nusi_test_transport_solvers
