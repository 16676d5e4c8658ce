// SPDX-License-Identifier: MIT
// The thermal pole moments with the order of integration swapped (bin_averages.hpp, detail::swapped_thermal_pole_moments)
// and what they rest on: the Fermi-Dirac integral F_1 (detail/fermi_dirac_one.hpp) against the quadrature of
// fermi_dirac_integral and its known values, its table against its closed form, the distribution's int rho/x between
// two target energies (target_energy_distribution::inverse_x_integral_per_MeV) against adaptive quadrature of rho/x; and
// the moments against the x-first tanh-sinh rule (an independent order of integration and quadrature) over relic masses,
// widths, mediator masses and bins, with the narrow-line limit and the k = 2 moment's sum rule.
#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <numbers>
#include <random>
#include <vector>

#include <boost/math/quadrature/gauss_kronrod.hpp>
#include <doctest/doctest.h>

#include <nusi/detail/fermi_dirac_one.hpp>
#include <nusi/mass_states/bin_averages.hpp>
#include <nusi/spectra.hpp>
#include <nusi/units.hpp>

#include "test_support.hpp"

namespace nusi_test_swapped_pole_moments {  // this file's own: the suite compiles in batches of files (tests/CMakeLists.txt)

using nusi_test::rel;

TEST_CASE("F_1(-y) = -Li2(-e^-y) in closed form: its known values and the quadrature of fermi_dirac_integral") {
  // y = 0: eta(2) = pi^2/12; y -> infinity: the alternating series e^-y - e^-2y/4 + e^-3y/9 - ...
  CHECK(nusi::detail::fermi_dirac_one_exact(0.0) == rel(std::numbers::pi * std::numbers::pi / 12, 4e-16));
  for (double y : {30.0, 50.0, 200.0}) {
    CAPTURE(y);
    const double e = std::exp(-y);
    CHECK(nusi::detail::fermi_dirac_one_exact(y) == rel(e * (1 - e / 4 + e * e / 9), 4e-16));
  }
  // F_1(eta) = int t/(e^(t - eta) + 1) dt by double-exponential quadrature (tolerance eps^(3/4) ~ 2e-12).
  for (double y : {1e-6, 0.01, 0.3, 0.6931, 1.0, 2.5, 7.0, 15.0, 40.0, 63.9, 64.1, 100.0}) {
    CAPTURE(y);
    CHECK(nusi::detail::fermi_dirac_one_exact(y) == rel(nusi::fermi_dirac_integral(1.0, -y), 1e-11));
  }
}

TEST_CASE("the table of F_1 against its closed form in long double, for float, double and long double") {
  std::mt19937_64 random(7);
  std::uniform_real_distribution<double> uniform(0, 1);
  auto worst = [&](auto zero) {
    using Real = decltype(zero);
    const auto& table = nusi::detail::fermi_dirac_one_table<Real>::instance();
    long double largest = 0;
    for (int i = 0; i < 20000; ++i) {
      // Uniform over [0, 70] (past the table's end) and, for a third of the points, over [0, 1.1] (near y = 0).
      const Real y = static_cast<Real>(i % 3 == 0 ? 1.1 * uniform(random) : 70 * uniform(random));
      const long double exact = nusi::detail::fermi_dirac_one_exact<long double>(y);
      largest = std::max(largest, std::abs(static_cast<long double>(table(y)) - exact) / exact);
    }
    // Interval edges, where the interpolants meet.
    for (int k = 0; k <= 256; ++k) {
      const Real y = static_cast<Real>(k) / 4;
      const long double exact = nusi::detail::fermi_dirac_one_exact<long double>(y);
      largest = std::max(largest, std::abs(static_cast<long double>(table(y)) - exact) / exact);
    }
    return static_cast<double>(largest / std::numeric_limits<Real>::epsilon());
  };
  CHECK(worst(0.0f) <= 4);
  CHECK(worst(0.0) <= 4);
  CHECK(worst(0.0L) <= 64);  // the long double closed form itself (exp, log1p) is good to a few tens of ulps
}

#if (defined(__GNUC__) || defined(__clang__)) && defined(__x86_64__)
// The F_1 table's four-lane evaluation from AVX2 code (its vectors do not cross into code compiled without AVX).
NUSI_TARGET_AVX2 static void table_in_four_lanes(const double* y, double* out) {
  nusi::detail::store4(out, nusi::detail::fermi_dirac_one_table<double>::instance().four(nusi::detail::load4(y)));
}
#endif

TEST_CASE("int rho/x in batches: four lanes at a time, massless and massive, the same bits as one at a time") {
  // Boxes inside, across the ends of and beyond the support (the lanes outside it give 0), empty and inverted boxes,
  // and F_1 past its table (y > 64: the closed form in a lane); for a massive state boxes on either branch and across
  // the cusp x = m, the tails' uniform and bisected intervals (a 0.5 meV state's tables split in four, m < 8 T; the
  // 8.6 and 50 meV states' not), and ends at and near the uniform intervals' edges, where the four-lane guess of the
  // interval may miss by a rounding and the lane is then found as one at a time.
  const double T = nusi::eV(1.6764e-4);
  std::mt19937_64 random(11);
  std::uniform_real_distribution<double> uniform(0, 1);
  for (double m : {0.0, 5e-10, 8.6e-9, 5e-8}) {
    CAPTURE(m);
    const nusi::target_energy_distribution<double> rho(m, T);
    std::vector<double> x1, x2;
    for (int i = 0; i < 4003; ++i) {
      const double a = rho.max_x_MeV() * 1.3 * uniform(random), b = a * (i % 7 == 0 ? 0.9 : 1 + 0.5 * uniform(random));
      x1.push_back(a);
      x2.push_back(b);
    }
    x1.push_back(0.5 * rho.max_x_MeV());
    x2.push_back(rho.max_x_MeV());
    for (int k = 0; k < 4 * 16 * 64; ++k) {  // momenta at the tables' uniform edges T/4 + j T/64, both branches
      const double P = T / 4 + k * T / 64, E = std::sqrt(P * P + m * m);
      x1.push_back(m > 0 && k % 2 == 1 ? m * m / (P + E) : P + E);
      x2.push_back(x1.back() * (1 + 1e-3));
    }
    for (int i = 0; m > 0 && i < 200; ++i) {  // across the cusp (rare among the boxes above for a light state)
      x1.push_back(m * (0.5 + 0.5 * uniform(random)));
      x2.push_back(m * (1 + uniform(random)));
    }
    std::vector<double> one(x1.size()), portable(x1.size()), wide(x1.size());
    for (std::size_t i = 0; i < x1.size(); ++i) one[i] = rho.inverse_x_integral_per_MeV(x1[i], x2[i]);
    nusi::detail::avx2_paths_allowed() = false;
    rho.inverse_x_integrals_per_MeV(x1.data(), x2.data(), portable.data(), x1.size());
    nusi::detail::avx2_paths_allowed() = true;
    rho.inverse_x_integrals_per_MeV(x1.data(), x2.data(), wide.data(), x1.size());
    CHECK(portable == one);
    CHECK(wide == one);
    CHECK(std::count(one.begin(), one.end(), 0.0) > 400);  // boxes beyond the support or empty
    if (m > 0) {  // every case of the massive path met: both ends above the cusp, both below, across it
      std::size_t above = 0, below = 0, across = 0;
      for (std::size_t i = 0; i < x1.size(); ++i) {
        if (!(one[i] != 0)) continue;
        above += x1[i] >= m;
        below += x2[i] <= m;
        across += x1[i] < m && x2[i] > m;
      }
      CHECK(above > 100);
      CHECK(below > 100);
      CHECK(across > 100);
    }
  }
#if (defined(__GNUC__) || defined(__clang__)) && defined(__x86_64__)
  if (nusi::detail::processor_has_avx2()) {
    const auto& table = nusi::detail::fermi_dirac_one_table<double>::instance();
    for (int i = 0; i < 1000; ++i) {
      const std::array<double, 4> y{70 * uniform(random), 64 * uniform(random), 0.25 * (i % 257), i % 3 == 0 ? 64.0 : 1e-3 * uniform(random)};
      std::array<double, 4> four{};
      table_in_four_lanes(y.data(), four.data());
      for (int l = 0; l < 4; ++l) CHECK(four[l] == table(y[l]));
    }
  }
#endif
}

TEST_CASE("int rho/x between two target energies against adaptive Gauss-Kronrod of rho/x") {
  // The reference integrates density_per_MeV(x)/x (W's cubic Hermite table, C1 in P) by 10-point Gauss on many equal
  // pieces in x, split at the cusp x = m; the tail tables integrate the same interpolant by 6-point Gauss per (quarter)
  // edge interval in P and interpolate by quintic Hermite in P.
  using GL = boost::math::quadrature::gauss<double, 10>;
  const double T = nusi::eV(1.6764e-4);
  for (const double m_eV : {0.0, 1e-4, 2e-3, 8.6e-3, 0.05}) {
    CAPTURE(m_eV);
    const nusi::target_energy_distribution<double> rho(nusi::eV(m_eV), T);
    const double m = rho.mass_MeV(), lo = rho.min_x_MeV(), hi = rho.max_x_MeV();
    auto f = [&](double x) { return rho.density_per_MeV(x) / x; };
    auto composite = [&](double a, double b, int pieces) {
      double sum = 0;
      for (int i = 0; i < pieces; ++i) sum += GL::integrate(f, a + (b - a) * i / pieces, a + (b - a) * (i + 1) / pieces);
      return sum;
    };
    auto reference = [&](double x1, double x2, int pieces = 1000) {
      if (m > x1 && m < x2) return composite(x1, m, pieces) + composite(m, x2, pieces);
      return composite(x1, x2, pieces);
    };
    const double whole = rho.inverse_x_integral_per_MeV(0.0, 2 * hi);
    CHECK(whole == rel(reference(lo, hi, 20000), 1e-9));
    for (int i = 0; i < 60; ++i) {
      // Boxes of 2.5 % and 30 % from the support's lower end to its upper one (both tails, across the cusp).
      const double x1 = lo + (hi - lo) * std::pow(i / 60.0, 2) + 1e-3 * T;
      for (const double ratio : {1.025, 1.3}) {
        const double x2 = std::min(ratio * x1, hi);
        CAPTURE(x1);
        CAPTURE(ratio);
        const double expected = reference(x1, x2);
        // Relative to the box itself where it holds more than 1e-6 of the whole; else to the whole.
        CHECK(std::abs(rho.inverse_x_integral_per_MeV(x1, x2) - expected) <= 1e-9 * std::max(expected, 1e-6 * whole));
      }
    }
    CHECK(rho.inverse_x_integral_per_MeV(hi, 2 * hi) == 0.0);  // beyond the support
    CHECK(rho.inverse_x_integral_per_MeV(2 * T, T) == 0.0);   // an empty box
  }
}

namespace {
// The moments' L1 norm, the scale of the comparisons (J0 ~ pi B/gamma dominates it near the pole).
double norm(const std::array<double, 3>& J) { return std::abs(J[0]) + std::abs(J[1]) + std::abs(J[2]); }
}  // namespace

TEST_CASE("thermal pole moments, swapped order against the x-first tanh-sinh: relic masses, widths, mediator masses, bins") {
  // The x-first rule integrates rho(x) times the closed-form bin averages at each x by tanh-sinh to 2e-8 of the L1 norm
  // (its own test against Boost's); the swapped rule (inner integral from rho's tail tables or in closed form, outer by
  // 15-point Kronrod on fixed pieces) must agree with it to that accuracy wherever the bin's box meets rho: the pole
  // from rho's lower tail through its bulk and cusp to its far upper tail, for widths of g from 1e-12 to 2, in the
  // 2.5 % bins of the default grid and in 30 % bins, for a massless state, one lighter than T_nu0 and three heavier.
  const double T = nusi::eV(1.6764e-4);
  double largest = 0;
  int compared = 0;
  for (const double m_eV : {0.0, 1e-4, 2e-3, 8.6e-3, 0.05}) {
    const nusi::target_energy_distribution<double> rho(nusi::eV(m_eV), T);
    const double m = rho.mass_MeV();
    for (const double gamma : {1e-25, 1e-12, 1e-6, 1e-3, 0.03, 0.3, 1.0}) {
      for (const double M2 : {1e-13, 1e-10, 1e-7, 1e-5}) {
        if (!(M2 > m * m)) continue;
        const nusi::resonance_pole<double> pole{M2, gamma * M2};
        for (const double ratio : {1.025, 1.3}) {
          for (double E_lo = 0.01; E_lo < 300; E_lo *= 1.3) {
            const double E_hi = ratio * E_lo, lift = M2 - m * m;
            if (!(lift / (2 * E_hi) < rho.max_x_MeV() && lift / (2 * E_lo) > rho.min_x_MeV())) continue;  // the box misses rho
            CAPTURE(m_eV);
            CAPTURE(gamma);
            CAPTURE(M2);
            CAPTURE(E_lo);
            CAPTURE(ratio);
            double error = -1;
            const auto J = nusi::thermal_pole_moments(pole, rho, E_lo, E_hi, &error);
            const auto reference = nusi::detail::thermal_pole_moments_weighted(pole, rho, E_lo, E_hi, false, static_cast<double*>(nullptr));
            const double scale = norm(reference);
            REQUIRE(scale > 0);
            for (int k = 0; k < 3; ++k) CHECK(std::abs(J[k] - reference[k]) <= 2e-8 * scale);
            for (int k = 0; k < 3; ++k) largest = std::max(largest, std::abs(J[k] - reference[k]) / scale);
            CHECK(error >= 0);
            CHECK(error <= 1e-4 * norm(J));  // the embedded 7-point Gauss rule's difference: a loose bound
            // k = 2: v^2/(v^2 + gamma^2) = 1 - gamma^2/(v^2 + gamma^2), and rho integrates to 1 over its support (W's
            // table to 1e-7; its integral closer).
            CHECK(J[2] + gamma * gamma * J[0] == rel(1.0, 1e-7));
            ++compared;
          }
        }
      }
    }
  }
  CHECK(compared > 600);
  MESSAGE("largest difference from the x-first rule: " << largest << " of the L1 norm over " << compared << " bins");
}

TEST_CASE("thermal pole moments in the narrow-line limit: pi/gamma times the box over rho") {
  // As gamma -> 0, J0 -> pi B/gamma + R with B = M^2/(2 dE) int_{x1}^{x2} rho/x dx over the box x1,2 = (M^2 - m^2)/(2
  // E_hi,lo); two widths remove R. For m = 0, B from F_1's closed form and F_2(0) by quadrature: an independent
  // evaluation of the pole's weight; for m > 0, B by adaptive Gauss-Kronrod of rho/x.
  using GK = boost::math::quadrature::gauss_kronrod<double, 31>;
  const double T = nusi::eV(1.6764e-4), F2 = nusi::fermi_dirac_integral(2.0, 0.0);
  struct bin_case {
    double m_eV, M2_MeV2, E_lo_MeV;
  };
  // Massless: the box from rho's bulk to its tail; 8.6 meV: the box in the lower tail and straddling the cusp.
  const bin_case cases[] = {{0.0, 1e-7, 3.0},        {0.0, 1e-7, 5.0},  {0.0, 1e-7, 16.458},
                            {0.0, 1e-7, 150.0},      {8.608e-3, 1e-7, 16.458}, {8.608e-3, 2 * 10 * nusi::eV(8.608e-3) * 1.01, 10.0}};
  for (const auto& c : cases) {
    CAPTURE(c.m_eV);
    CAPTURE(c.E_lo_MeV);
    const double m = nusi::eV(c.m_eV), E_lo = c.E_lo_MeV, E_hi = 1.025 * E_lo, M2 = c.M2_MeV2;
    const nusi::target_energy_distribution<double> rho(m, T);
    const double x1 = (M2 - m * m) / (2 * E_hi), x2 = (M2 - m * m) / (2 * E_lo);
    double box = 0;
    if (m == 0) {
      box = M2 * (nusi::detail::fermi_dirac_one_exact(x1 / (2 * T)) - nusi::detail::fermi_dirac_one_exact(x2 / (2 * T))) /
            (2 * (E_hi - E_lo) * T * F2);
    } else {
      auto f = [&](double x) { return rho.density_per_MeV(x) * M2 / (2 * (E_hi - E_lo) * x); };
      std::vector<double> cuts{std::max(x1, rho.min_x_MeV()), x2};
      if (m > cuts[0] && m < x2) cuts.insert(cuts.begin() + 1, m);
      for (std::size_t k = 0; k + 1 < cuts.size(); ++k) box += GK::integrate(f, cuts[k], cuts[k + 1], 15, 1e-13);
    }
    auto J0 = [&](double gamma) { return nusi::thermal_pole_moments(nusi::resonance_pole<double>{M2, gamma * M2}, rho, E_lo, E_hi)[0]; };
    const double a = 1e-16, b = 1e-24;
    CHECK((J0(a) - J0(b)) / (std::numbers::pi * (1 / a - 1 / b)) == rel(box, 1e-9));
  }
}

TEST_CASE("thermal pole moments beside the support: the 16-node ln x rule against the composite rule") {
  // Where the pole lies beyond every s the bin reaches, thermal_pole_moments integrates the closed-form bin averages
  // over a whole distribution by its 16-node Gauss rule in ln x instead of its composite rule in P (~50 to 130 nodes),
  // and so does its x-weighted twin where the pole lies at least half the bin's range of v beyond: two independent
  // rules over the same integrand, within 1e-12 of the moments' L1 norm (the composite rule's own normalisation error).
  // The bins are spread over the energies, and also placed with the pole a fraction delta of the bin's range of v
  // beyond either end (delta down to 1e-6: the box's edge at the pole).
  const double T = nusi::eV(1.6764e-4);
  int compared = 0;
  for (const double m_eV : {0.0, 1e-4, 2e-3, 8.6e-3, 0.05}) {
    const nusi::target_energy_distribution<double> rho(nusi::eV(m_eV), T);
    const double m = rho.mass_MeV(), m2 = m * m, x_lo = rho.min_x_MeV(), x_hi = rho.max_x_MeV();
    REQUIRE(rho.smooth_nodes().size() == 16);
    auto compare = [&](const nusi::resonance_pole<double>& pole, double E_lo, double E_hi) {
      const double v_first = (m2 + 2 * E_lo * x_lo) / pole.M2 - 1, v_last = (m2 + 2 * E_hi * x_hi) / pole.M2 - 1;
      if (!(v_first > 0 || v_last < 0)) return;  // the pole within reach: the swapped rule
      const bool far = (v_first > 0 ? v_first : -v_last) >= (v_last - v_first) / 2;
      CAPTURE(m_eV);
      CAPTURE(pole.M2);
      CAPTURE(pole.gamma());
      CAPTURE(E_lo);
      CAPTURE(E_hi);
      const auto J = nusi::thermal_pole_moments(pole, rho, E_lo, E_hi), Jx = nusi::thermal_pole_moments_times_x(pole, rho, E_lo, E_hi);
      std::array<double, 3> composite{}, composite_x{};
      for (const auto& node : rho.nodes()) {
        const auto box = pole.moments(m2 + 2 * E_lo * node.x_MeV, m2 + 2 * E_hi * node.x_MeV);
        for (int k = 0; k < 3; ++k) {
          composite[k] += node.weight * box[k];
          composite_x[k] += node.weight * node.x_MeV * box[k];
        }
      }
      for (int k = 0; k < 3; ++k) {
        CHECK(std::abs(J[k] - composite[k]) <= 1e-12 * norm(composite));
        if (far) CHECK(std::abs(Jx[k] - composite_x[k]) <= 1e-12 * norm(composite_x));
      }
      ++compared;
    };
    for (const double gamma : {1e-25, 1e-6, 1e-3, 0.3}) {
      for (const double M2 : {1e-12, 1e-10, 1e-8, 1e-6, 1e-4})
        for (const double ratio : {1.025, 1.3})
          for (double E_lo = 0.01; E_lo < 300; E_lo *= 1.5) compare({M2, gamma * M2}, E_lo, ratio * E_lo);
      for (const double delta : {0.125, 1.0 / 32, 1e-3, 1e-6})
        for (const double ratio : {1.025, 1.3})
          for (double E_lo = 0.02; E_lo < 300; E_lo *= 2.5) {
            const double s_first = m2 + 2 * E_lo * x_lo, s_last = m2 + 2 * ratio * E_lo * x_hi, reach = delta * (s_last - s_first);
            for (const double M2 : {s_first - reach, s_last + reach})
              if (M2 > 0) compare({M2, gamma * M2}, E_lo, ratio * E_lo);
          }
    }
  }
  CHECK(compared > 1000);
}

}  // namespace nusi_test_swapped_pole_moments
