// SPDX-License-Identifier: MIT
// phase_space.hpp against closed forms (massless n-body volumes and their two-body recursion, the
// massive two-body volume, the flat massless Dalitz plot), RAMBO against the cascade of two-body
// decays (two generators, one integral), conservation laws, and the integrator's statistics.
#include <doctest/doctest.h>

#include <array>
#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <vector>

#include <boost/math/constants/constants.hpp>

#include <nusi/phase_space.hpp>

#include "test_support.hpp"

namespace nusi_test_phase_space {  // this file's own: the suite compiles in batches of files (tests/CMakeLists.txt)

namespace {
using nusi_test::rel;
const double pi = boost::math::constants::pi<double>();

/// |a - b| in units of the combined standard error.
double pull(double a, double da, double b, double db = 0) { return std::fabs(a - b) / std::sqrt(da * da + db * db); }

template <std::size_t N>
double volume_of(const auto& generator, std::uint64_t samples, std::uint64_t seed = 1) {
  return nusi::integrate_phase_space<double>(generator, [](const nusi::phase_space_point<double, N>&) { return 1.0; },
                                             {.samples = samples, .seed = seed})
      .value;
}
}  // namespace

TEST_CASE_TEMPLATE("massless volumes obey the two-body recursion Phi_n = Phi_(n-1) s/(16 pi^2 (n-1)(n-2))", Real, float,
                   double, long double) {
  // Independent of the closed form: dPhi_n = dPhi_2(s; 0, Q) dQ^2/(2 pi) dPhi_(n-1)(Q^2) with
  // Phi_2 = (s - Q^2)/(8 pi s) and Phi_(n-1) proportional to Q^(2(n-3)) integrates to the ratio above.
  const Real p = boost::math::constants::pi<Real>();
  const double tol = 64 * std::numeric_limits<Real>::epsilon();  // pow and a product of ~n factors
  CHECK(double(nusi::massless_phase_space_volume<Real>(2, Real(3))) == rel(double(1 / (8 * p)), tol));
  for (std::size_t n = 3; n <= 12; ++n) {
    CAPTURE(n);
    const Real sqrt_s = Real(1.7);
    const Real ratio = nusi::massless_phase_space_volume<Real>(n, sqrt_s) / nusi::massless_phase_space_volume<Real>(n - 1, sqrt_s);
    CHECK(double(ratio) == rel(double(sqrt_s * sqrt_s / (16 * p * p * Real(n - 1) * Real(n - 2))), tol));
  }
}

TEST_CASE("the cascade generator reproduces the massless n-body volumes for n = 2, 3, 4 within its error") {
  // Flat sampling of Q^2: weights vary (Phi_2 depends on the masses), so this is a real Monte Carlo.
  CHECK(volume_of<2>(nusi::cascade_generator<double, 2>(2.0), 100) == rel(nusi::massless_phase_space_volume(2, 2.0), 1e-14));
  const nusi::phase_space_integration_options mc{.samples = 40'000, .seed = 3};
  const auto one3 = [](const nusi::phase_space_point<double, 3>&) { return 1.0; };
  const auto one4 = [](const nusi::phase_space_point<double, 4>&) { return 1.0; };
  const auto v3 = nusi::integrate_phase_space<double>(nusi::cascade_generator<double, 3>(2.0), one3, mc);
  const auto v4 = nusi::integrate_phase_space<double>(nusi::cascade_generator<double, 4>(2.0), one4, mc);
  CHECK(v3.error > 1e-4 * v3.value);  // a genuine Monte Carlo error, not a constant weight
  // 4 standard errors: a false failure once in 16000 runs (the seed is fixed, so never once it passed).
  CHECK(pull(v3.value, v3.error, nusi::massless_phase_space_volume(3, 2.0)) < 4);
  CHECK(pull(v4.value, v4.error, nusi::massless_phase_space_volume(4, 2.0)) < 4);

  SUBCASE("importance sampling (Breit-Wigner + inverse continuum) leaves the volume unchanged") {
    // The weight uses the mixture density; if that density were not normalised on [lo, hi] the
    // volume would be off by its normalisation.
    const nusi::invariant_mass_sampling<double> s{.continuum = nusi::continuum_shape::inverse,
                                                  .continuum_offset_MeV2 = 0.01,
                                                  .resonance_fraction = 0.5,
                                                  .resonance_mass_MeV = 0.6,
                                                  .resonance_width_MeV = 0.01};
    const auto w4 = nusi::integrate_phase_space<double>(nusi::cascade_generator<double, 4>(2.0, {}, {s, s}), one4, mc);
    CHECK(pull(w4.value, w4.error, nusi::massless_phase_space_volume(4, 2.0)) < 4);  // as above
  }
}

TEST_CASE("RAMBO: every massless point has the closed-form weight and the three-body Dalitz plot is flat") {
  const nusi::rambo_generator<double, 4> rambo4(3.0);
  std::mt19937_64 rng(5);
  for (int i = 0; i < 20; ++i) CHECK(rambo4(rng).weight == rel(nusi::massless_phase_space_volume(4, 3.0), 1e-15));
  // Massless three-body: (s01, s12) uniform on the triangle s01 + s12 <= s, so <s01^2> = s^2/6 and
  // <s01> = s/3. Both generators must give it (the cascade with its varying weights).
  const double sqrt_s = 2.0, s = sqrt_s * sqrt_s;
  const auto moment = [&](const auto& generator, int power) {
    const nusi::phase_space_integration_options mc{.samples = 20'000, .seed = 7};
    const auto f = [&](const nusi::phase_space_point<double, 3>& p) {
      const auto k = p.momenta_MeV[0] + p.momenta_MeV[1];
      return std::pow(nusi::detail::dot(k, k), power);
    };
    const auto num = nusi::integrate_phase_space<double>(generator, f, mc);
    const double volume = nusi::massless_phase_space_volume(3, sqrt_s);
    return std::array<double, 2>{num.value / volume, num.error / volume};
  };
  for (int power : {1, 2}) {
    CAPTURE(power);
    const double expected = power == 1 ? s / 3 : s * s / 6;
    const auto r = moment(nusi::rambo_generator<double, 3>(sqrt_s), power);
    const auto c = moment(nusi::cascade_generator<double, 3>(sqrt_s), power);
    CHECK(pull(r[0], r[1], expected) < 4);  // 4 standard errors, as above
    // The cascade's ratio num/volume divides by the exact volume, not its own estimate: its error
    // is that of the numerator, which over-counts the weight fluctuation (conservative).
    CHECK(pull(c[0], c[1], expected) < 4);
  }
}

TEST_CASE("massive two-body phase space is sqrt(lambda)/(8 pi s) for both generators, point by point") {
  // Independent form: |p|/(4 pi sqrt s) with |p| = sqrt(E1^2 - m1^2), E1 = (s + m1^2 - m2^2)/(2 sqrt s).
  struct masses {
    double m1, m2;
  };
  for (const masses m : {masses{0.1, 0.35}, masses{0.0, 0.7}, masses{0.49, 0.5}, masses{1e-9, 2e-9}}) {
    CAPTURE(m.m1);
    CAPTURE(m.m2);
    const double sqrt_s = 1.0, s = 1.0;
    const double E1 = (s + m.m1 * m.m1 - m.m2 * m.m2) / (2 * sqrt_s);
    const double expected = std::sqrt(E1 * E1 - m.m1 * m.m1) / (4 * pi * sqrt_s);
    // The E1^2 - m1^2 form loses digits near threshold (0.49 + 0.5): 1e-12 covers it.
    CHECK(nusi::two_body_phase_space_volume(sqrt_s, m.m1, m.m2) == rel(expected, 1e-12));
    std::mt19937_64 rng(11);
    const nusi::rambo_generator<double, 2> rambo(sqrt_s, {m.m1, m.m2});
    const nusi::cascade_generator<double, 2> cascade(sqrt_s, {m.m1, m.m2});
    for (int i = 0; i < 10; ++i) {
      CHECK(rambo(rng).weight == rel(expected, 1e-12));  // the mass solve converges to ~8 eps
      CHECK(cascade(rng).weight == rel(expected, 1e-12));
    }
  }
}

TEST_CASE("massive three-body volume: RAMBO and the cascade of two-body decays agree (two generators)") {
  const std::array<double, 3> m{0.1, 0.2, 0.3};
  const nusi::phase_space_integration_options mc{.samples = 60'000, .seed = 13};
  const auto one = [](const nusi::phase_space_point<double, 3>&) { return 1.0; };
  const auto r = nusi::integrate_phase_space<double>(nusi::rambo_generator<double, 3>(1.0, m), one, mc);
  const auto c = nusi::integrate_phase_space<double>(nusi::cascade_generator<double, 3>(1.0, m), one, mc);
  CHECK(pull(r.value, r.error, c.value, c.error) < 4);  // 4 combined standard errors
  CHECK(r.value < nusi::massless_phase_space_volume(3, 1.0));  // masses shrink phase space
}

TEST_CASE("generated momenta conserve four-momentum and are on shell to rounding") {
  // Tolerances in units of eps (sqrt s or s), from 2e4 points per generator: the cascade's boosts keep
  // rounding at ~3 eps even for Lorentz factors of 3e8; RAMBO's conformal map rescales momenta drawn
  // with energies up to -ln(r3 r4) ~ 40 by sqrt(s)/M and reaches ~200 eps (on shell: ~35 eps).
  const double eps = std::numeric_limits<double>::epsilon();
  const auto check = [eps](const auto& generator, double sqrt_s, const auto& masses, double conservation, double shell) {
    std::mt19937_64 rng(17);
    const double s = sqrt_s * sqrt_s;
    for (int i = 0; i < 200; ++i) {
      const auto p = generator(rng);
      nusi::four_momentum<double> total{};
      for (std::size_t j = 0; j < masses.size(); ++j) {
        total = total + p.momenta_MeV[j];
        // p^2 - m^2 is a difference of numbers ~E^2 <= s: absolute, in units of eps s.
        CHECK(std::fabs(nusi::detail::dot(p.momenta_MeV[j], p.momenta_MeV[j]) - masses[j] * masses[j]) < shell * eps * s);
        CHECK(p.momenta_MeV[j].E >= masses[j]);
      }
      CHECK(std::fabs(total.E - sqrt_s) < conservation * eps * sqrt_s);
      CHECK(std::fabs(total.px) + std::fabs(total.py) + std::fabs(total.pz) < conservation * eps * sqrt_s);
      CHECK(p.weight > 0);
      // The intermediate masses the generator reports are those of the momenta.
      const auto Q = p.momenta_MeV[2] + p.momenta_MeV[3];
      CHECK(std::fabs(p.intermediate_masses_squared_MeV2[1] - nusi::detail::dot(Q, Q)) < shell * eps * s);
    }
  };
  const std::array<double, 4> massless{}, massive{0.3, 5e-8, 1.0, 2.0};
  check(nusi::rambo_generator<double, 4>(10.0), 10.0, massless, 1024, 256);
  check(nusi::rambo_generator<double, 4>(10.0, massive), 10.0, massive, 1024, 256);
  check(nusi::cascade_generator<double, 4>(10.0), 10.0, massless, 16, 8);
  check(nusi::cascade_generator<double, 4>(10.0, massive), 10.0, massive, 16, 8);
  const nusi::invariant_mass_sampling<double> bw{.continuum = nusi::continuum_shape::inverse,
                                                 .continuum_offset_MeV2 = 1e-6,
                                                 .resonance_fraction = 0.5,
                                                 .resonance_mass_MeV = 1e-3,
                                                 .resonance_width_MeV = 1e-12};
  check(nusi::cascade_generator<double, 4>(1e4, massless, {bw, bw}), 1e4, massless, 16, 8);  // 14 decades of Q^2
}

TEST_CASE("integrate_phase_space is a function of (samples, seed) alone: threads and reruns change nothing") {
  const nusi::cascade_generator<double, 4> generator(1.0);
  const auto f = [](const nusi::phase_space_point<double, 4>& p) { return p.momenta_MeV[0].E; };
  const std::uint64_t samples = 3 * nusi::phase_space_batch_size + 17;  // a partial last batch
  const auto one = nusi::integrate_phase_space<double>(generator, f, {.samples = samples, .seed = 9, .threads = 1});
  const auto three = nusi::integrate_phase_space<double>(generator, f, {.samples = samples, .seed = 9, .threads = 3});
  const auto again = nusi::integrate_phase_space<double>(generator, f, {.samples = samples, .seed = 9, .threads = 1});
  const auto other = nusi::integrate_phase_space<double>(generator, f, {.samples = samples, .seed = 10, .threads = 1});
  CHECK(one.value == three.value);  // bit for bit
  CHECK(one.error == three.error);
  CHECK(one.value == again.value);
  CHECK(one.samples == samples);
  CHECK(one.value != other.value);
}

TEST_CASE("the reported error falls as 1/sqrt(N) and matches the scatter of independent seeds") {
  const nusi::cascade_generator<double, 3> generator(1.0);
  const auto f = [](const nusi::phase_space_point<double, 3>&) { return 1.0; };
  const auto small = nusi::integrate_phase_space<double>(generator, f, {.samples = 8192, .seed = 21});
  const auto large = nusi::integrate_phase_space<double>(generator, f, {.samples = 16 * 8192, .seed = 21});
  // sqrt(16) = 4; the error estimate itself fluctuates by ~1/sqrt(2N) relative (a few percent).
  CHECK(small.error / large.error == rel(4.0, 0.1));
  const double exact = nusi::massless_phase_space_volume(3, 1.0);
  double sum_pull2 = 0;
  const int seeds = 24;
  for (int seed = 0; seed < seeds; ++seed) {
    const auto r = nusi::integrate_phase_space<double>(generator, f, {.samples = 2048, .seed = std::uint64_t(100 + seed)});
    sum_pull2 += (r.value - exact) * (r.value - exact) / (r.error * r.error);
  }
  // sum of 24 squared pulls ~ chi^2 with 24 degrees of freedom: rms pull in [0.6, 1.5] holds with
  // probability > 0.999 if the error is right; a factor 2 error in either direction fails it.
  const double rms = std::sqrt(sum_pull2 / seeds);
  CAPTURE(rms);
  CHECK(rms > 0.6);
  CHECK(rms < 1.5);
}

TEST_CASE("phase-space rejections name the function, the parameter and the range") {
  using nusi::invalid_argument;
  CHECK_THROWS_WITH_AS(nusi::massless_phase_space_volume(1, 1.0), doctest::Contains("n"), invalid_argument);
  CHECK_THROWS_WITH_AS(nusi::massless_phase_space_volume(65, 1.0), doctest::Contains("[2, 64]"), invalid_argument);
  CHECK_THROWS_WITH_AS(nusi::massless_phase_space_volume(3, 0.0), doctest::Contains("sqrt_s_MeV"), invalid_argument);
  CHECK_THROWS_WITH_AS(nusi::massless_phase_space_volume(3, std::nan("")), doctest::Contains("sqrt_s_MeV"), invalid_argument);
  CHECK_THROWS_WITH_AS(nusi::two_body_phase_space_volume(1.0, 0.5, 0.5), doctest::Contains("sum of the masses"), invalid_argument);
  CHECK_THROWS_WITH_AS(nusi::two_body_phase_space_volume(1.0, -0.1, 0.5), doctest::Contains("masses_MeV[i]"), invalid_argument);
  CHECK_THROWS_WITH_AS((nusi::rambo_generator<double, 3>(-1.0)), doctest::Contains("nusi::rambo_generator"), invalid_argument);
  CHECK_THROWS_WITH_AS((nusi::rambo_generator<double, 3>(HUGE_VAL)), doctest::Contains("sqrt_s_MeV"), invalid_argument);
  CHECK_THROWS_WITH_AS((nusi::cascade_generator<double, 3>(1.0, {0.4, 0.4, 0.4})), doctest::Contains("sum of the masses"),
                       invalid_argument);
  nusi::invariant_mass_sampling<double> bad{.resonance_fraction = 1.5};
  CHECK_THROWS_WITH_AS((nusi::cascade_generator<double, 3>(1.0, {}, {bad})), doctest::Contains("resonance_fraction"),
                       invalid_argument);
  bad = {.continuum = nusi::continuum_shape::inverse, .continuum_offset_MeV2 = 0};
  CHECK_THROWS_WITH_AS((nusi::cascade_generator<double, 3>(1.0, {}, {bad})), doctest::Contains("continuum_offset_MeV2"),
                       invalid_argument);
  bad = {.resonance_fraction = 0.5, .resonance_mass_MeV = 1, .resonance_width_MeV = -1};
  CHECK_THROWS_WITH_AS((nusi::cascade_generator<double, 3>(1.0, {}, {bad})), doctest::Contains("resonance_width_MeV"),
                       invalid_argument);
  const nusi::cascade_generator<double, 3> g(1.0);
  const auto f = [](const nusi::phase_space_point<double, 3>&) { return 1.0; };
  for (std::uint64_t n : {std::uint64_t(0), std::uint64_t(1), nusi::max_phase_space_samples + 1}) {
    CAPTURE(n);
    CHECK_THROWS_WITH_AS(nusi::integrate_phase_space<double>(g, f, {.samples = n}), doctest::Contains("options.samples"),
                         invalid_argument);
  }
  CHECK_THROWS_WITH_AS(nusi::integrate_phase_space<double>(g, f, {.samples = 10, .threads = nusi::max_threads + 1}),
                       doctest::Contains("options.threads"), invalid_argument);
  const auto nan = [](const nusi::phase_space_point<double, 3>&) { return std::nan(""); };
  CHECK_THROWS_WITH_AS(nusi::integrate_phase_space<double>(g, nan, {.samples = 10}), doctest::Contains("not finite"),
                       nusi::numerical_error);
}

}  // namespace nusi_test_phase_space
