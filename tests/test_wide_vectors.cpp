// SPDX-License-Identifier: MIT
// detail/wide_vectors.hpp: a loop's AVX2 path (taken where the processor has AVX2) does the same floating-point
// operations in the same order as its portable twin, so every number must be the same bit for bit on both paths: the
// mass-state solves and the energy-angle spreading (transport/), the diffuse sweep (diffuse/transport.hpp).
#include <cmath>
#include <complex>
#include <cstring>
#include <span>
#include <vector>

#include <doctest/doctest.h>

#include <nusi/detail/wide_vectors.hpp>
#include <nusi/transport.hpp>
#include <nusi/transport/mass_state_angle_propagate.hpp>
#include <nusi/transport/mass_state_propagate.hpp>

#include "diffuse_support.hpp"
#include "mass_state_support.hpp"

namespace nusi_test_wide_vectors {  // this file's own: the suite compiles in batches of files (tests/CMakeLists.txt)

namespace {
using emission_t = nusi::flavour_emission<double, nusi::pinched_spectrum<double>>;
const std::vector<emission_t> anti_e{{nusi::flavour::e, true, nusi::pinched_spectrum<double>::paper_default(), 1.0}};

// Runs f with the AVX2 paths allowed or not, restoring the setting after.
template <class F>
auto with_avx2(bool allowed, F&& f) {
  auto& flag = nusi::detail::avx2_paths_allowed();
  const bool before = flag.load();
  flag.store(allowed);
  struct restore {
    std::atomic<bool>& flag;
    bool value;
    ~restore() { flag.store(value); }
  } guard{flag, before};
  return f();
}

template <class T>
bool same_bits(const std::vector<T>& a, const std::vector<T>& b) {
  return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(T)) == 0;
}
}  // namespace

TEST_CASE("wide vectors: the mass-state solves, F and the energy-angle maps are the same bit for bit on the AVX2 and portable paths") {
  INFO("this processor takes the AVX2 path: " << (with_avx2(true, [] { return nusi::detail::use_avx2(); }) ? "yes" : "no"));
  CHECK_FALSE(with_avx2(false, [] { return nusi::detail::use_avx2(); }));
  // Where the processor has AVX2 the wide path is taken (else both runs below would be the portable one).
  CHECK(with_avx2(true, [] { return nusi::detail::use_avx2(); }) == nusi::detail::processor_has_avx2());
  for (const bool thermal : {false, true}) {
    CAPTURE(thermal);
    const nusi::mass_state_model<double> model(nusi_test::near_bound_mass_states(thermal));
    nusi::transport_options<double> o;
    o.energy.bins = 120;
    const auto grid = nusi::make_mass_state_energy_grid(model, o.energy);
    const nusi::mass_state_kernel<double> kernel(model.scattering(), model.relic(), grid, nusi::kernel_scope::full);
    REQUIRE(kernel.species() == 6);  // the unrolled path
    std::vector<double> rhs(kernel.size());
    for (std::size_t c = 0; c < rhs.size(); ++c) rhs[c] = 1.0 + 0.001 * double(c % 97);
    // Shift counts whose 2Z lanes take every width (8, 4 and 1): 12 (24 lanes), 7 (14), 5 (10), 1 (2).
    for (const std::size_t Z : {12u, 7u, 5u, 1u}) {
      CAPTURE(Z);
      std::vector<std::complex<double>> shifts(Z);
      for (std::size_t z = 0; z < Z; ++z) shifts[z] = {1e-22 * double(z + 1), 3e-23 * double(z + 2)};
      auto solve = [&] {
        std::vector<std::complex<double>> out(kernel.size() * Z);
        kernel.solve_shifted(std::span<const std::complex<double>>(shifts), rhs.data(), out.data());
        return out;
      };
      CHECK(same_bits(with_avx2(true, solve), with_avx2(false, solve)));
    }
    // Real shifts (the stiff stepper's): Z lanes, 3 here.
    const std::vector<double> real_shifts{1e-22, 2e-22, 5e-22};
    auto solve_real = [&] {
      std::vector<double> out(kernel.size() * real_shifts.size());
      kernel.solve_shifted(std::span<const double>(real_shifts), rhs.data(), out.data());
      return out;
    };
    CHECK(same_bits(with_avx2(true, solve_real), with_avx2(false, solve_real)));
    // The whole transport: spectra at Earth and F.
    auto run = [&] { return nusi::propagate_mass_states<double, nusi::pinched_spectrum<double>>(model, anti_e, o); };
    const auto wide = with_avx2(true, run), portable = with_avx2(false, run);
    REQUIRE(wide.mean_scatterings > 0.1);
    CHECK(std::memcmp(&wide.fractions.detected.value, &portable.fractions.detected.value, sizeof(double)) == 0);
    for (std::size_t sp = 0; sp < wide.at_earth.size(); ++sp) CHECK(same_bits(wide.at_earth[sp], portable.at_earth[sp]));
    // The energy-angle transport (its solve spreads the gains on the AVX2 path), on one thread and on two (pipelined).
    for (const std::size_t threads : {1u, 2u}) {
      CAPTURE(threads);
      auto oa = o;
      oa.energy.bins = 40;
      oa.angle.bins = 12;
      oa.threads = threads;
      auto run_angles = [&] {
        return nusi::propagate_mass_states_energy_angle<double, nusi::pinched_spectrum<double>>(model, anti_e, oa);
      };
      const auto wide_map = with_avx2(true, run_angles), portable_map = with_avx2(false, run_angles);
      CHECK(same_bits(wide_map.at_earth, portable_map.at_earth));
    }
  }
}

TEST_CASE("wide vectors: the diffuse sweep gives the same numbers bit for bit on the AVX2 and portable paths") {
  auto run = [] { return nusi_test::small_diffuse_run(); };
  const auto wide = with_avx2(true, run), portable = with_avx2(false, run);
  REQUIRE(wide.scatterings > 0);
  CHECK(std::memcmp(&wide.scatterings, &portable.scatterings, sizeof(double)) == 0);
  for (std::size_t sp = 0; sp < wide.number.size(); ++sp) CHECK(same_bits(wide.number[sp], portable.number[sp]));
}

namespace {
// Four shifted S-species solves in lanes (shifted_solve_lanes_avx2<S>) against dense_solve<S>, one system at a time.
template <std::size_t S>
void check_shifted_lanes() {
  CAPTURE(S);
  // D as the kernel's node block (gains >= 0 off the diagonal, a smaller gain on it), loss per species; shifts of both
  // Smith branches (|re| >= |im| and <), a real one, and a zero gain (a row whose factor is zero: left alone).
  std::vector<double> D(S * S), loss(S);
  for (std::size_t c = 0; c < S * S; ++c) D[c] = 0.05 * (1.0 + std::sin(double(3 * c + 1)));
  D[1 * S + 2] = 0;  // gain of species 1 into 2: M[2][1] = 0
  for (std::size_t r = 0; r < S; ++r) loss[r] = 1.0 + 0.3 * double(r);
  const std::vector<std::complex<double>> shifts{{2.0, 0.5}, {0.3, 4.0}, {1.5, 0.0}, {-0.2, 1.1}};
  const std::size_t stride = 5;  // lanes of one species apart by stride, as the kernel's Z shifts are
  std::vector<std::complex<double>> b(S * stride), x(S * stride, {-7.0, -7.0});
  for (std::size_t s = 0; s < S; ++s)
    for (std::size_t l = 0; l < 4; ++l) b[s * stride + l] = {1.0 + 0.1 * double(s), -0.5 + 0.2 * double(l)};
  auto scalar = [&](std::size_t l) {
    std::vector<std::complex<double>> M(S * S), v(S);
    for (std::size_t r = 0; r < S; ++r) {
      for (std::size_t c = 0; c < S; ++c) M[r * S + c] = std::complex<double>(-D[c * S + r]);
      M[r * S + r] += shifts[l] + loss[r];
      v[r] = b[r * stride + l];
    }
    nusi::detail::dense_solve<S>(M.data(), v.data(), S);
    return v;
  };
  REQUIRE(nusi::detail::shifted_solve_lanes_avx2<S>(D.data(), loss.data(), shifts.data(), b.data(), stride, x.data()));
  for (std::size_t l = 0; l < 4; ++l) {
    CAPTURE(l);
    const auto v = scalar(l);
    for (std::size_t s = 0; s < S; ++s) CHECK(std::memcmp(&v[s], &x[s * stride + l], sizeof v[s]) == 0);
  }
  // Three systems: the fourth lane repeats the third, and its slot is not written.
  std::vector<std::complex<double>> three(S * stride, {-7.0, -7.0});
  REQUIRE(nusi::detail::shifted_solve_lanes_avx2<S>(D.data(), loss.data(), shifts.data(), b.data(), stride, three.data(), 3));
  for (std::size_t s = 0; s < S; ++s) {
    for (std::size_t l = 0; l < 3; ++l) CHECK(std::memcmp(&three[s * stride + l], &x[s * stride + l], sizeof x[0]) == 0);
    CHECK(three[s * stride + 3] == std::complex<double>(-7.0, -7.0));
  }
  // A gain larger than the diagonal in one lane's column 0: partial pivoting would swap rows, so the lanes decline and
  // write nothing.
  D[0 * S + 2] = 50.0;
  std::vector<std::complex<double>> untouched(S * stride, {-7.0, -7.0});
  CHECK_FALSE(nusi::detail::shifted_solve_lanes_avx2<S>(D.data(), loss.data(), shifts.data(), b.data(), stride, untouched.data()));
  for (const auto& v : untouched) CHECK(v == std::complex<double>(-7.0, -7.0));
}
}  // namespace

TEST_CASE("wide vectors: four shifted solves in lanes (six species, and three: partner halves) equal dense_solve bit for bit, and refuse a row swap") {
  if (!nusi::detail::processor_has_avx2()) return;  // the lanes exist on AVX2 processors only
  check_shifted_lanes<6>();
  check_shifted_lanes<3>();
}

}  // namespace nusi_test_wide_vectors
