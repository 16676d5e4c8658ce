// SPDX-License-Identifier: MIT
// two_to_four_diagram.hpp: the trace formula for |M|^2 against explicit Dirac spinors summed over all
// 64 helicities; the 2->2 s-channel by the same integrator against s_channel_breit_wigner (paper
// Eq. 4); the Monte Carlo against its two closed-form limits (low energy, narrow width, derived in
// docs/physics.md) and its exact one-dimensional reduction (quadrature), against a second generator and a
// three-body integration; scalings in g, sqrt(s) and units; the neutrino-mass
// regulator; statistics; the Fig. 5 table and the core-bound shift; rejections.
#include <doctest/doctest.h>

#include <array>
#include <cmath>
#include <complex>
#include <cstdint>
#include <random>
#include <vector>

#include <boost/math/constants/constants.hpp>
#include <boost/math/quadrature/tanh_sinh.hpp>

#include <nusi/two_to_four_diagram.hpp>

#include "test_support.hpp"

namespace nusi_test_two_to_four_diagram {  // this file's own: the suite compiles in batches of files (tests/CMakeLists.txt)

namespace {
using nusi_test::rel;
using cd = std::complex<double>;
const double pi = boost::math::constants::pi<double>();

double pull(double a, double da, double b, double db = 0) { return std::fabs(a - b) / std::sqrt(da * da + db * db); }

// ---- Dirac algebra in the chiral basis (Peskin & Schroeder Eqs. 3.43, 3.50, 3.62), written out with
// complex 4x4 matrices: an implementation independent of the traces in the header.
using spinor = std::array<cd, 4>;
using matrix = std::array<std::array<cd, 4>, 4>;

matrix gamma_matrix(int mu) {
  const cd i(0, 1);
  matrix g{};
  // gamma^0 = [[0, 1], [1, 0]], gamma^k = [[0, sigma^k], [-sigma^k, 0]]
  const std::array<std::array<cd, 4>, 4> pauli{{{1, 0, 0, 1}, {0, 1, 1, 0}, {0, -i, i, 0}, {1, 0, 0, -1}}};  // 1, sx, sy, sz
  const auto& s = pauli[mu];
  const double sign = mu == 0 ? 1.0 : -1.0;
  for (int a = 0; a < 2; ++a)
    for (int b = 0; b < 2; ++b) {
      g[a][2 + b] = s[2 * a + b];
      g[2 + a][b] = sign * s[2 * a + b];
    }
  return g;
}

/// p-slash + c (c times the identity).
matrix slash_plus(const nusi::four_momentum<double>& p, double c) {
  const std::array<double, 4> lower{p.E, -p.px, -p.py, -p.pz};  // p_mu
  matrix out{};
  for (int mu = 0; mu < 4; ++mu) {
    const matrix g = gamma_matrix(mu);
    for (int a = 0; a < 4; ++a)
      for (int b = 0; b < 4; ++b) out[a][b] += g[a][b] * lower[mu];
  }
  for (int a = 0; a < 4; ++a) out[a][a] += c;
  return out;
}

/// Two-component helicity eigenstates chi_h of (p-hat . sigma), h = +1, -1.
std::array<cd, 2> helicity_state(const nusi::four_momentum<double>& p, int h) {
  const double r = std::sqrt(p.px * p.px + p.py * p.py + p.pz * p.pz);
  const double theta = std::acos(std::clamp(p.pz / r, -1.0, 1.0)), phi = std::atan2(p.py, p.px);
  const cd e = std::polar(1.0, phi);
  if (h > 0) return {std::cos(theta / 2), e * std::sin(theta / 2)};
  return {-std::conj(e) * std::sin(theta / 2), std::cos(theta / 2)};
}

/// u(p, h) = (sqrt(p.sigma) chi, sqrt(p.sigma-bar) chi), v(p, h) = (sqrt(p.sigma) chi, -sqrt(p.sigma-bar) chi):
/// with chi a helicity eigenstate the square roots are sqrt(E -+ h|p|). Any orthonormal chi basis
/// gives sum u u-bar = p-slash + m and sum v v-bar = p-slash - m.
spinor dirac_spinor(const nusi::four_momentum<double>& p, int h, bool antiparticle) {
  const double r = std::sqrt(p.px * p.px + p.py * p.py + p.pz * p.pz);
  const auto chi = helicity_state(p, h);
  // E - |p| of a massless momentum can round below 0: clamp (the exact value is 0).
  const double a = std::sqrt(std::max(0.0, p.E - h * r)), b = std::sqrt(std::max(0.0, p.E + h * r)) * (antiparticle ? -1.0 : 1.0);
  return {a * chi[0], a * chi[1], b * chi[0], b * chi[1]};
}

/// bar(x) M y = x^dagger gamma^0 M y.
cd sandwich(const spinor& x, const matrix& M, const spinor& y) {
  const matrix g0 = gamma_matrix(0);
  cd out = 0;
  for (int a = 0; a < 4; ++a)
    for (int b = 0; b < 4; ++b) {
      cd My = 0;
      for (int c = 0; c < 4; ++c) My += M[b][c] * y[c];
      out += std::conj(x[a]) * g0[a][b] * My;
    }
  return out;
}

/// sum over the 64 helicities of |vbar(p2) u(p1) x ubar(k1) (K-slash + m) v(k2) x ubar(k3) v(k4)|^2,
/// times g^8/(|D(s)| (K^2 - m^2)^2 |D(q^2)|), for the point's momenta (k2, k1, k3, k4).
double spinor_sum(const nusi::phase_space_point<double, 4>& point, double m, double M, double Gamma, double g) {
  const auto &k2 = point.momenta_MeV[0], &k1 = point.momenta_MeV[1], &k3 = point.momenta_MeV[2], &k4 = point.momenta_MeV[3];
  const auto P = k1 + k2 + k3 + k4;
  const double s = nusi::detail::dot(P, P), p = std::sqrt(s / 4 - m * m);
  const nusi::four_momentum<double> p1{std::sqrt(s) / 2, 0.3 * p, -0.4 * p, std::sqrt(0.75) * p};  // any axis
  const nusi::four_momentum<double> p2{std::sqrt(s) / 2, -p1.px, -p1.py, -p1.pz};
  const auto K = k1 + k3 + k4, q = k3 + k4;
  const matrix one = slash_plus({0, 0, 0, 0}, 1.0), propagator = slash_plus(K, m);
  double sum = 0;
  for (int h1 : {-1, 1})
    for (int h2 : {-1, 1})
      for (int a : {-1, 1})
        for (int b : {-1, 1})
          for (int c : {-1, 1})
            for (int d : {-1, 1}) {
              const cd A = sandwich(dirac_spinor(p2, h2, true), one, dirac_spinor(p1, h1, false)) *
                           sandwich(dirac_spinor(k1, a, false), propagator, dirac_spinor(k2, b, true)) *
                           sandwich(dirac_spinor(k3, c, false), one, dirac_spinor(k4, d, true));
              sum += std::norm(A);
            }
  const auto D = [&](double x) { return std::norm(cd(x - M * M, M * Gamma)); };
  const double K2 = nusi::detail::dot(K, K) - m * m;
  return std::pow(g, 8) * sum / (D(s) * K2 * K2 * D(nusi::detail::dot(q, q)));
}

nusi::two_to_four_diagram_options<double> with_samples(std::uint64_t n, std::uint64_t seed = 1) {
  nusi::two_to_four_diagram_options<double> o;
  o.samples = n;
  o.seed = seed;
  return o;
}
}  // namespace

TEST_CASE("|M|^2 from traces equals the sum over all 64 helicities of explicit Dirac spinors") {
  const nusi::mediator<double> med{.mass_MeV = 0.7, .coupling = 0.9};  // wide line: Gamma/M = 0.064
  for (double m : {0.0, 0.05, 0.2}) {
    CAPTURE(m);
    const nusi::rambo_generator<double, 4> generator(2.0, {m, m, m, m});
    std::mt19937_64 rng(29);
    for (int i = 0; i < 12; ++i) {
      const auto point = generator(rng);
      // Rounding of the spinor products (~100 flops each) and of the propagators: 1e-10 relative.
      CHECK(nusi::two_to_four_squared_amplitude(point, med, m) ==
            rel(spinor_sum(point, m, med.mass_MeV, med.width_MeV(), med.coupling), 1e-10));
    }
  }
}

TEST_CASE("the 2->2 s-channel by the same integrator equals s_channel_breit_wigner::sigma_total_cm2 on and off the pole") {
  // Same conventions as the diagram (sum over spins, flux 2 s, cm^2) against the library's Eq. (4)
  // total, evaluated at E_i = s/(2 m_nu): the library's exact-kinematics factor s/(s + m_nu^2) differs
  // from 1 by m_nu^2/s = 2.5e-15 here. The integrand is isotropic, so the Monte Carlo is exact.
  const double m_nu = 5e-8;
  for (double g : {0.1, 1e-3}) {
    const nusi::mediator<double> med{.mass_MeV = 1.0, .coupling = g};
    const nusi::s_channel_breit_wigner<double> bw(med, m_nu);
    const double gamma = g * g / (4 * pi);
    for (double v : {0.0, gamma, -gamma, 10 * gamma, -10 * gamma, -0.99, 99.0}) {  // v = s/M^2 - 1
      CAPTURE(g);
      CAPTURE(v);
      const double s = 1.0 + v, sqrt_s = std::sqrt(s);
      for (auto method : {nusi::phase_space_method::cascade, nusi::phase_space_method::rambo}) {
        auto o = with_samples(64);
        o.method = method;
        const auto mc = nusi::sigma_2to2_s_channel_cm2(sqrt_s, med, o);
        // s = (sqrt s)^2 and the library's v from s = 2 E_i m_nu round differently; next to the pole
        // that is amplified by 1/gamma = 1.3e7 at g = 1e-3: 1e-8.
        CHECK(mc.sigma_cm2 == rel(bw.sigma_total_cm2(s / (2 * m_nu)), 1e-8));
        CHECK(mc.error_cm2 < 1e-12 * mc.sigma_cm2);
      }
    }
  }
}

TEST_CASE("below M the cascade and RAMBO give the same cross section (two generators)") {
  const nusi::mediator<double> med{.mass_MeV = 1.0, .coupling = 0.05};
  for (double r : {0.3, 0.9}) {
    CAPTURE(r);
    auto o = with_samples(30'000, 3);
    const auto c = nusi::sigma_2to4_diagram_cm2(r, med, o);
    o.method = nusi::phase_space_method::rambo;
    const auto b = nusi::sigma_2to4_diagram_cm2(r, med, o);
    CHECK(pull(c.sigma_cm2, c.error_cm2, b.sigma_cm2, b.error_cm2) < 4);  // 4 combined standard errors
  }
}

TEST_CASE("the Dalitz integral I(mu) of the narrow-width limit equals its defining integral") {
  // Independent quadrature (tanh-sinh) of int_mu^1 (x - mu)^2 (1 - x)^2 / x^3 dx, on both branches
  // of the implementation (closed form below mu = 1/4, Gauss-Legendre above).
  boost::math::quadrature::tanh_sinh<double> ts;
  for (double mu : {1e-8, 1e-3, 0.1, 0.2499, 0.25, 0.2501, 0.5, 0.9, 0.999}) {
    CAPTURE(mu);
    const double expected = ts.integrate([&](double x) { return std::pow((x - mu) * (1 - x), 2) / (x * x * x); }, mu, 1.0);
    // 1e-12: tanh-sinh's own accuracy on this smooth integrand, and the closed form's cancellation
    // (terms ~ln(1/mu), result down to 0.05 at mu = 1/4: 20 eps x 20).
    CHECK(nusi::detail::narrow_width_dalitz_integral(mu) == rel(expected, 1e-12));
  }
}

TEST_CASE_TEMPLATE("the Monte Carlo equals the closed-form low-energy limit g^8 s^3/(589824 pi^5 M^8) for sqrt s << M",
                   Real, float, double, long double) {
  // M = 10 eV and g = 0.3 keep sigma ~1e-36 cm^2 inside float's range (docs/physics.md "Float range");
  // Gamma^2/M^2 = 5e-5 is below the tolerance.
  const nusi::mediator<Real> med{.mass_MeV = Real(1e-5), .coupling = Real(0.3)};
  nusi::two_to_four_diagram_options<Real> o;
  o.samples = 20'000;
  const Real sqrt_s = Real(1e-7);  // sqrt(s)/M = 0.01
  const auto mc = nusi::sigma_2to4_diagram_cm2(sqrt_s, med, o);
  const Real limit = nusi::sigma_2to4_diagram_low_energy_cm2(sqrt_s, med);
  // 4 standard errors plus the first correction, O(10 s/M^2) = 1e-3 at sqrt(s)/M = 0.01.
  CHECK(std::fabs(double(mc.sigma_cm2) / double(limit) - 1) < 4 * double(mc.relative_error()) + 1e-3);
  // kappa from the same limit: Eq. (2) with that kappa is the limit.
  const Real kappa = nusi::two_to_four_diagram_kappa<Real>();
  CHECK(double(nusi::sigma_2to4_cm2(sqrt_s, med, kappa)) == rel(double(limit), 1e-5));  // float's 4 digits in kappa^4
  CHECK(double(nusi::two_to_four_diagram_kappa<Real>(nusi::final_state_flavours::distinct)) ==
        rel(double(kappa) * std::sqrt(2.0), 1e-6));  // symmetry factor 4 = (sqrt 2)^4
}

TEST_CASE("the Monte Carlo equals the exact massless quadrature on and off both resonances") {
  // Two independent computations of one integral: four-body phase space sampled, against the
  // one-dimensional reduction (docs/physics.md) integrated by tanh-sinh. sqrt(s) = M is the
  // s-channel pole, sqrt(s) > M puts the second mediator on shell inside phase space.
  for (double g : {0.01, 0.5}) {
    const nusi::mediator<double> med{.mass_MeV = 1.0, .coupling = g};
    for (double r : {0.01, 0.5, 0.999, 1.0, 1.2, 3.0, 30.0, 1e4}) {
      CAPTURE(g);
      CAPTURE(r);
      const auto mc = nusi::sigma_2to4_diagram_cm2(r, med, with_samples(20'000, 5));
      CHECK(pull(mc.sigma_cm2, mc.error_cm2, nusi::sigma_2to4_diagram_massless_cm2(r, med)) < 4);  // 4 standard errors
    }
  }
}

TEST_CASE("the massless quadrature reaches both closed-form limits") {
  for (double g : {1e-5, 0.1}) {
    const nusi::mediator<double> med{.mass_MeV = 2.0, .coupling = g};
    CAPTURE(g);
    // Low energy: the first correction is O(10 s/M^2) = 1e-7 at sqrt(s)/M = 1e-4, and Gamma^2/M^2
    // (4e-5 at g = 0.1) shifts |D| near the pole-free range: 1e-4.
    CHECK(nusi::sigma_2to4_diagram_massless_cm2(2e-4, med) == rel(nusi::sigma_2to4_diagram_low_energy_cm2(2e-4, med), 1e-4));
  }
  const nusi::mediator<double> narrow{.mass_MeV = 2.0, .coupling = 1e-5};  // Gamma/M = 8e-12
  for (double r : {1.1, 1.5, 3.0, 30.0, 1e4}) {
    CAPTURE(r);
    // Narrow width: the off-shell remainder is O(Gamma/M ln(s/M^2)) ~ 1e-10 relative, but grows near
    // threshold, where the on-shell part shrinks as (1 - M^2/s)^5 (2.8e-4 at sqrt(s) = 1.01 M, 5e-9 at
    // 1.1 M); the quadrature's accepted error is 1.5e-8.
    CHECK(nusi::sigma_2to4_diagram_massless_cm2(2 * r, narrow) ==
          rel(nusi::sigma_2to4_diagram_narrow_width_cm2(2 * r, narrow), 1e-7));
  }
  CHECK(nusi::sigma_2to4_diagram_narrow_width_cm2(1.999, narrow) == 0);  // no on-shell mediator below M
}

TEST_CASE("the narrow-width closed form equals a three-body RAMBO integration with an on-shell mediator") {
  // sigma_NW = S/(2s) (Gamma_pair/Gamma) int dPhi_3(k2, k1, q; q^2 = M^2) |M_3|^2 with Gamma_pair/Gamma
  // = 1/2; |M_3|^2 is the diagram's |M|^2 with the last vertex and propagator removed: times |D(M^2)|
  // = M^2 Gamma^2, over g^2 2 M^2 (the q -> nu nubar trace). Independent of the Dalitz integral I.
  const nusi::mediator<double> med{.mass_MeV = 1.0 / 3, .coupling = 0.01};
  const double M = med.mass_MeV, G = med.width_MeV(), g = med.coupling;
  const nusi::rambo_generator<double, 3> generator(1.0, {0.0, 0.0, M});
  const auto f = [&](const nusi::phase_space_point<double, 3>& p) {
    nusi::phase_space_point<double, 4> p4;
    p4.momenta_MeV[0] = p.momenta_MeV[0];
    p4.momenta_MeV[1] = p.momenta_MeV[1];
    const auto k = nusi::detail::two_body_decay_at_rest(M, 0.0, 0.0, 0.3, 1.0);  // any direction
    p4.momenta_MeV[2] = nusi::detail::boost_from_rest(k[0], p.momenta_MeV[2], M);
    p4.momenta_MeV[3] = nusi::detail::boost_from_rest(k[1], p.momenta_MeV[2], M);
    const auto K = p.momenta_MeV[1] + p.momenta_MeV[2];
    p4.intermediate_masses_squared_MeV2 = {nusi::detail::dot(K, K), M * M};
    return nusi::two_to_four_squared_amplitude(p4, med, 0.0) * (M * M * G * G) / (g * g * 2 * M * M);
  };
  const auto three = nusi::integrate_phase_space<double>(generator, f, {.samples = 40'000, .seed = 31});
  const double factor = nusi::hbar_c_squared_MeV2_cm2<double> * 0.25 / 2 * 0.5;  // cm^2, S/(2s), Gamma_pair/Gamma
  // 4 standard errors plus the off-shell remainder O(Gamma/M) ~ 1e-5.
  CHECK(pull(factor * three.value, factor * three.error, nusi::sigma_2to4_diagram_narrow_width_cm2(1.0, med)) < 4);
}

TEST_CASE("sigma_diagram scales as g^8 below M and as g^6 above (the on-shell mediator), with common random numbers") {
  // Same seed, same points up to the Breit-Wigner's width: the ratio is far more precise than either.
  const auto exponent = [](double r, double g) {
    const nusi::mediator<double> a{.mass_MeV = 1.0, .coupling = g}, b{.mass_MeV = 1.0, .coupling = 2 * g};
    const auto o = with_samples(8192, 7);
    return std::log(nusi::sigma_2to4_diagram_cm2(r, b, o).sigma_cm2 / nusi::sigma_2to4_diagram_cm2(r, a, o).sigma_cm2) /
           std::log(2.0);
  };
  for (double r : {0.01, 0.3, 0.9}) {
    CAPTURE(r);
    CHECK(exponent(r, 0.01) == rel(8.0, 1e-6));  // below M only Gamma^2/(M^2 - s)^2 ~ 1e-10 departs
  }
  for (double r : {3.0, 100.0}) {
    CAPTURE(r);
    // g^6 (narrow width) up to the off-shell part, relative O(g^2 log(s/M^2)/(4 pi^2)) ~ 1e-4.
    CHECK(exponent(r, 0.01) == rel(6.0, 1e-3));
  }
}

TEST_CASE("the low-energy log-slope is 6 (Eq. 2) and the high-energy one tends to -2 as -2 + 2/(ln(s/M^2) - 3)") {
  const nusi::mediator<double> med{.mass_MeV = 1.0, .coupling = 0.02};
  const auto o = with_samples(16'384, 9);
  const auto slope = [&](double r) {
    const auto a = nusi::sigma_2to4_diagram_cm2(r, med, o), b = nusi::sigma_2to4_diagram_cm2(2 * r, med, o);
    return std::array<double, 2>{std::log(b.sigma_cm2 / a.sigma_cm2) / std::log(2.0),
                                 std::hypot(a.relative_error(), b.relative_error()) / std::log(2.0)};
  };
  const auto low = slope(0.01);
  CHECK(low[0] == rel(6.0, 2e-3));  // common random numbers; the first correction is O(10 s/M^2) ~ 1e-3
  for (double r : {100.0, 1e4}) {
    CAPTURE(r);
    const auto high = slope(r);
    // The exact massless slope over the same interval, and the asymptotic form at the midpoint.
    const double nw = std::log(nusi::sigma_2to4_diagram_massless_cm2(2 * r, med) /
                               nusi::sigma_2to4_diagram_massless_cm2(r, med)) / std::log(2.0);
    const double asymptotic = -2 + 2 / (std::log(2.0 * r * r) - 3);
    MESSAGE("sqrt(s)/M = " << r << ": high-energy log-slope " << high[0] << " +- " << high[1] << " (Eq. 3: -2)");
    CHECK(pull(high[0], high[1], nw) < 4);  // 4 standard errors (treated as independent: conservative)
    CHECK(nw == rel(asymptotic, 0.02));     // corrections O(M^2/s log) to the asymptotic form
    CHECK(high[0] > -2);                    // the logarithm keeps it above -2 ...
  }
  CHECK(slope(1e4)[0] < slope(100.0)[0]);  // ... and it approaches -2
}

TEST_CASE("no collinear divergence: sigma(m_nu) tends to the massless value as m_nu -> 0") {
  // The scalar coupling flips helicity, so |M|^2 stays bounded at collinear configurations and the
  // massless limit is finite (docs/physics.md); the mass enters as m^2/s and through phi -> nu nubar
  // (threshold M = 2 m). Common random numbers make the differences precise.
  for (double r : {0.1, 10.0}) {
    const nusi::mediator<double> med{.mass_MeV = 1.0 / r, .coupling = 0.02};
    auto o = with_samples(8192, 11);
    const double massless = nusi::sigma_2to4_diagram_cm2(1.0, med, o).sigma_cm2;
    double previous = 1;
    for (double m : {1e-2, 1e-3, 1e-4, 1e-6}) {
      CAPTURE(r);
      CAPTURE(m);
      o.neutrino_mass_MeV = m;
      const double change = std::fabs(nusi::sigma_2to4_diagram_cm2(1.0, med, o).sigma_cm2 / massless - 1);
      CHECK(change < previous);  // monotone convergence ...
      CHECK(change < 100 * m);   // ... at least linearly in m/sqrt(s) (measured: ~m^2 up to logs)
      previous = change;
    }
  }
}

TEST_CASE("the relative error of sigma_diagram falls as 1/sqrt(N)") {
  const nusi::mediator<double> med{.mass_MeV = 1.0, .coupling = 0.02};
  for (double r : {0.1, 10.0}) {
    CAPTURE(r);
    const auto small = nusi::sigma_2to4_diagram_cm2(r, med, with_samples(4096, 13));
    const auto large = nusi::sigma_2to4_diagram_cm2(r, med, with_samples(16 * 4096, 13));
    // sqrt(16) = 4, up to the fluctuation of the error estimate itself (~10% at 4096 points for
    // these weight distributions).
    CHECK(small.relative_error() / large.relative_error() == rel(4.0, 0.15));
  }
}

TEST_CASE("sigma_diagram is bit-identical for any thread count and reproducible for a seed") {
  const nusi::mediator<double> med{.mass_MeV = 1.0, .coupling = 0.02};
  auto o = with_samples(3 * nusi::phase_space_batch_size + 5, 17);
  const auto one = nusi::sigma_2to4_diagram_cm2(5.0, med, o);
  o.threads = 3;
  const auto three = nusi::sigma_2to4_diagram_cm2(5.0, med, o);
  CHECK(one.sigma_cm2 == three.sigma_cm2);
  CHECK(one.error_cm2 == three.error_cm2);
  CHECK(one.samples == o.samples);
}

TEST_CASE("dimensional analysis: sigma(lambda sqrt s, lambda M) = sigma(sqrt s, M)/lambda^2") {
  const auto o = with_samples(4096, 19);
  for (double r : {0.2, 4.0}) {
    const nusi::mediator<double> a{.mass_MeV = 1.0, .coupling = 0.03}, b{.mass_MeV = 1e3, .coupling = 0.03};
    const auto x = nusi::sigma_2to4_diagram_cm2(r, a, o), y = nusi::sigma_2to4_diagram_cm2(1e3 * r, b, o);
    CHECK(y.sigma_cm2 * 1e6 == rel(x.sigma_cm2, 1e-12));  // the same points in units of sqrt(s): rounding only
  }
  const nusi::mediator<double> med{.mass_MeV = 1.0, .coupling = 0.03};
  auto distinct = o;
  distinct.flavours = nusi::final_state_flavours::distinct;
  CHECK(nusi::sigma_2to4_diagram_cm2(0.5, med, distinct).sigma_cm2 ==
        rel(4 * nusi::sigma_2to4_diagram_cm2(0.5, med, o).sigma_cm2, 1e-14));  // symmetry factor 1/(2! 2!)
}

TEST_CASE("the Fig. 5 comparison: normalised at its first point, kappa and slopes from the closed forms, masses alike in sqrt(s)/M") {
  nusi::two_to_four_comparison_options<double> opt;
  opt.points = 8;
  opt.integration.samples = 8192;
  const auto curves = nusi::compare_two_to_four(opt);
  REQUIRE(curves.size() == 2);
  for (const auto& c : curves) {
    CAPTURE(c.med.mass_MeV);
    REQUIRE(c.rows.size() == 8);
    CHECK(c.rows.front().diagram_au == 1);
    CHECK(c.rows.front().eqs23_au == 1);
    CHECK(c.rows.front().sqrt_s_over_M == rel(0.01, 1e-14));
    CHECK(c.rows.back().sqrt_s_over_M == rel(1000.0, 1e-13));
    CHECK(c.normalisation_sqrt_s_MeV == rel(0.01 * c.med.mass_MeV, 1e-14));
    // kappa_eff from the Monte Carlo against the closed form: 4 errors + the O(10 s/M^2) correction.
    CHECK(std::fabs(c.kappa_effective / nusi::two_to_four_diagram_kappa<double>() - 1) <
          4 * c.kappa_effective_error / c.kappa_effective + 1e-3);
    CHECK(pull(c.low_energy_slope, c.low_energy_slope_error, 6.0) < 4 + 0.01 / c.low_energy_slope_error);
    CHECK(pull(c.high_energy_slope, c.high_energy_slope_error, c.high_energy_slope_massless) < 4);
    for (const auto& r : c.rows) {
      CAPTURE(r.sqrt_s_over_M);
      // Eqs. (2)-(3) normalised: (E/E0)^6 below M, (M/E0)^6 (M/E)^2 above.
      const double x = r.sqrt_s_over_M / 0.01;
      const double expected = r.sqrt_s_over_M < 1 ? std::pow(x, 6) : std::pow(100.0, 6) / (r.sqrt_s_over_M * r.sqrt_s_over_M);
      CHECK(r.eqs23_au == rel(expected, 1e-12));
      // The Monte Carlo curve against the exact one: 4 errors of the point and of the normalisation.
      if (&r != &c.rows.front()) CHECK(pull(r.diagram_au, r.error_au, r.massless_au) < 4);
    }
  }
  // The two masses give the same curve in sqrt(s)/M: every ratio depends on sqrt(s)/M alone.
  for (std::size_t i = 0; i < 8; ++i) CHECK(curves[0].rows[i].diagram_au == rel(curves[1].rows[i].diagram_au, 1e-12));
}

TEST_CASE("core-bound shift: none far below the knee, R from the closed forms above it") {
  const double E_cm = 60, g = std::pow(10.0, -1.8);
  const auto heavy = nusi::core_bound_shift_from_diagram(E_cm, nusi::mediator<double>{.mass_MeV = 6000.0, .coupling = g});
  CHECK(heavy.coupling_exponent == rel(8.0, 1e-6));  // far below M only Gamma^2/M^2 ~ 4e-10 departs
  CHECK(heavy.shape_ratio == rel(1.0, 1e-3));         // E_cm/M = 0.01: the E^6 regime up to O(10 s/M^2)
  CHECK(heavy.log10_shift == rel(-std::log10(heavy.shape_ratio) / heavy.coupling_exponent, 1e-14));
  const nusi::mediator<double> light{.mass_MeV = 1.0, .coupling = g};
  const auto shift = nusi::core_bound_shift_from_diagram(E_cm, light);
  // R from the closed forms: [sigma_NW(60)/sigma_low(0.01 M)] / [sigma_Eq3(60)/sigma_Eq2(0.01 M)],
  // up to the off-shell remainder O(Gamma/M ln(s/M^2)) ~ 2e-4.
  const double R = nusi::sigma_2to4_diagram_narrow_width_cm2(E_cm, light) /
                   nusi::sigma_2to4_diagram_low_energy_cm2(0.01, light) * nusi::sigma_2to4_cm2(0.01, light) /
                   nusi::sigma_2to4_cm2(E_cm, light);
  CHECK(shift.shape_ratio == rel(R, 1e-3));
  CHECK(shift.coupling_exponent == rel(6.0, 1e-3));  // narrow width: g^6 up to the same remainder
  CHECK(shift.log10_shift_fixed_exponent == rel(-std::log10(shift.shape_ratio) / 8, 1e-14));
  CHECK(shift.log10_shift < shift.log10_shift_fixed_exponent);  // g^6 moves the bound further than g^8
}

TEST_CASE("diagram rejections name the function, the parameter and the range") {
  using nusi::invalid_argument;
  const nusi::mediator<double> med{.mass_MeV = 1.0, .coupling = 0.1};
  const auto o = with_samples(100);
  for (double bad : {0.0, -1.0, std::nan(""), HUGE_VAL}) {
    CAPTURE(bad);
    CHECK_THROWS_WITH_AS(nusi::sigma_2to4_diagram_cm2(bad, med, o), doctest::Contains("sqrt_s_MeV"), invalid_argument);
    CHECK_THROWS_WITH_AS(nusi::sigma_2to2_s_channel_cm2(bad, med, o), doctest::Contains("sqrt_s_MeV"), invalid_argument);
    CHECK_THROWS_WITH_AS(nusi::sigma_2to4_diagram_low_energy_cm2(bad, med), doctest::Contains("sqrt_s_MeV"), invalid_argument);
    CHECK_THROWS_WITH_AS(nusi::sigma_2to4_diagram_narrow_width_cm2(bad, med), doctest::Contains("sqrt_s_MeV"), invalid_argument);
  }
  CHECK_THROWS_WITH_AS(nusi::sigma_2to4_diagram_cm2(1e-9, med, o), doctest::Contains("[1e-8, 1e8]"), invalid_argument);
  CHECK_THROWS_WITH_AS(nusi::sigma_2to4_diagram_cm2(1e9, med, o), doctest::Contains("[1e-8, 1e8]"), invalid_argument);
  for (std::uint64_t n : {std::uint64_t(0), std::uint64_t(1), nusi::max_phase_space_samples + 1}) {
    CAPTURE(n);
    CHECK_THROWS_WITH_AS(nusi::sigma_2to4_diagram_cm2(1.0, med, with_samples(n)), doctest::Contains("samples"), invalid_argument);
  }
  auto threads = o;
  threads.threads = nusi::max_threads + 1;
  CHECK_THROWS_WITH_AS(nusi::sigma_2to4_diagram_cm2(1.0, med, threads), doctest::Contains("threads"), invalid_argument);
  auto heavy_nu = o;
  heavy_nu.neutrino_mass_MeV = 0.25;
  CHECK_THROWS_WITH_AS(nusi::sigma_2to4_diagram_cm2(1.0, med, heavy_nu), doctest::Contains("neutrino_mass_MeV"), invalid_argument);
  heavy_nu.neutrino_mass_MeV = -1;
  CHECK_THROWS_WITH_AS(nusi::sigma_2to4_diagram_cm2(1.0, med, heavy_nu), doctest::Contains("neutrino_mass_MeV"), invalid_argument);
  CHECK_THROWS_WITH_AS(nusi::sigma_2to4_diagram_cm2(1.0, nusi::mediator<double>{.mass_MeV = 1, .coupling = 20}, o),
                       doctest::Contains("med.coupling"), invalid_argument);
  CHECK_THROWS_WITH_AS(nusi::sigma_2to4_diagram_cm2(1.0, nusi::mediator<double>{.mass_MeV = -1, .coupling = 0.1}, o),
                       doctest::Contains("med.mass_MeV"), invalid_argument);
  const nusi::mediator<double> vector{.mass_MeV = 1, .coupling = 0.1, .kind = nusi::mediator_kind::vector};
  CHECK_THROWS_WITH_AS(nusi::sigma_2to4_diagram_cm2(1.0, vector, o), doctest::Contains("med.kind"), invalid_argument);

  nusi::two_to_four_comparison_options<double> c;
  c.masses_MeV = {};
  CHECK_THROWS_WITH_AS(nusi::compare_two_to_four(c), doctest::Contains("masses_MeV"), invalid_argument);
  c = {};
  c.points = 3;
  CHECK_THROWS_WITH_AS(nusi::compare_two_to_four(c), doctest::Contains("options.points"), invalid_argument);
  c = {};
  c.log10_sqrt_s_over_M_min = 3;
  CHECK_THROWS_WITH_AS(nusi::compare_two_to_four(c), doctest::Contains("log10_sqrt_s_over_M_min"), invalid_argument);
  c = {};
  c.masses_MeV = {1.0, std::nan("")};
  CHECK_THROWS_WITH_AS(nusi::compare_two_to_four(c), doctest::Contains("masses_MeV[i]"), invalid_argument);
  CHECK_THROWS_WITH_AS(nusi::core_bound_shift_from_diagram(60.0, med, 0.9), doctest::Contains("reference_sqrt_s_over_M"),
                       invalid_argument);
  CHECK_THROWS_WITH_AS(nusi::sigma_2to4_diagram_massless_cm2(0.0, med), doctest::Contains("sqrt_s_MeV"), invalid_argument);
  CHECK_THROWS_WITH_AS(nusi::sigma_2to4_diagram_massless_cm2(1.0, vector), doctest::Contains("med.kind"), invalid_argument);
  CHECK_THROWS_WITH_AS(nusi::sigma_2to4_diagram_low_energy_cm2(0.1, vector), doctest::Contains("med.kind"), invalid_argument);
  CHECK_THROWS_WITH_AS(nusi::sigma_2to4_diagram_narrow_width_cm2(3.0, vector), doctest::Contains("med.kind"), invalid_argument);
}

}  // namespace nusi_test_two_to_four_diagram
