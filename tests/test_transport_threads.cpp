// SPDX-License-Identifier: MIT
// Threads inside one run (transport_options::threads, diffuse_options::threads, the kernels' `threads`): the kernel's
// source nodes, the contour's shifts and the energy-angle solve's energies (pipelined) are shared among threads, each
// computed by the same arithmetic as on one, so every number must be the same bit for bit on 1, 2 and 3 threads; and a
// thread count beyond nusi::max_threads is refused by name.
#include <cmath>
#include <limits>
#include <span>
#include <string>
#include <vector>

#include <doctest/doctest.h>

#include <nusi/diffuse.hpp>
#include <nusi/transport.hpp>
#include <nusi/transport/mass_state_angle_propagate.hpp>
#include <nusi/transport/mass_state_propagate.hpp>

#include "diffuse_support.hpp"
#include "mass_state_support.hpp"
#include "test_support.hpp"

namespace nusi_test_transport_threads {  // this file's own: the suite compiles in batches of files (tests/CMakeLists.txt)

namespace {
using emission_t = nusi::flavour_emission<double, nusi::pinched_spectrum<double>>;
const std::vector<emission_t> anti_e{{nusi::flavour::e, true, nusi::pinched_spectrum<double>::paper_default(), 1.0}};

nusi::mass_state_model<double> model(bool thermal) { return nusi::mass_state_model<double>(nusi_test::near_bound_mass_states(thermal)); }

nusi::transport_options<double> on(std::size_t threads, std::size_t bins) {
  nusi::transport_options<double> o;
  o.energy.bins = bins;
  o.threads = threads;
  return o;
}

void check_same(const std::vector<double>& a, const std::vector<double>& b, const char* what) {
  CAPTURE(what);
  REQUIRE(a.size() == b.size());
  std::size_t differing = 0;
  for (std::size_t k = 0; k < a.size(); ++k) differing += a[k] == b[k] ? 0 : 1;
  CHECK(differing == 0);
}
}  // namespace

TEST_CASE("threads: the mass-state kernel is the same entry for entry on 1, 2 and 3 threads, at rest and thermal") {
  for (bool thermal : {false, true}) {
    CAPTURE(thermal);
    const auto m = model(thermal);
    const auto grid = nusi::make_mass_state_energy_grid(m, on(1, 120).energy);
    const nusi::mass_state_kernel<double> one(m.scattering(), m.relic(), grid, nusi::kernel_scope::full, {}, 1);
    for (std::size_t threads : {2, 3}) {
      CAPTURE(threads);
      const nusi::mass_state_kernel<double> more(m.scattering(), m.relic(), grid, nusi::kernel_scope::full, {}, threads);
      const std::size_t n = one.nodes(), S = one.species();
      std::size_t differing = 0, nonzero = 0;
      for (std::size_t i = 0; i < n; ++i)
        for (std::size_t sp = 0; sp < S; ++sp) {
          differing += one.rate_per_cm(i, sp) == more.rate_per_cm(i, sp) ? 0 : 1;
          for (std::size_t b = 0; b < nusi::budget_index::count; ++b)
            differing += one.budget_per_cm(b, i, sp) == more.budget_per_cm(b, i, sp) ? 0 : 1;
          for (std::size_t k = 0; k <= i; ++k)
            for (std::size_t s = 0; s < S; ++s) {
              differing += one.gain_per_cm(i, sp, k, s) == more.gain_per_cm(i, sp, k, s) ? 0 : 1;
              nonzero += one.gain_per_cm(i, sp, k, s) != 0 ? 1 : 0;
            }
        }
      CHECK(nonzero > 1000);  // a kernel with gains everywhere, not an empty one
      CHECK(differing == 0);
    }
  }
}

TEST_CASE("threads: mass-state transport, energy only and energy-angle, gives the same numbers on 1, 2 and 3 threads") {
  for (bool thermal : {false, true}) {
    CAPTURE(thermal);
    const auto m = model(thermal);
    const auto one = nusi::propagate_mass_states<double, nusi::pinched_spectrum<double>>(m, anti_e, on(1, 120));
    REQUIRE(one.mean_scatterings > 0.1);  // scattering matters here
    for (std::size_t threads : {2, 3}) {
      CAPTURE(threads);
      const auto more = nusi::propagate_mass_states<double, nusi::pinched_spectrum<double>>(m, anti_e, on(threads, 120));
      for (std::size_t s = 0; s < one.species; ++s) check_same(one.at_earth[s], more.at_earth[s], "at_earth");
      CHECK(one.number_at_earth == more.number_at_earth);
      CHECK(one.energy_at_earth_MeV == more.energy_at_earth_MeV);
      CHECK(one.mean_scatterings == more.mean_scatterings);
    }
    auto angles = [&](std::size_t threads) {
      auto o = on(threads, 48);
      o.angle.bins = 16;
      return nusi::propagate_mass_states_energy_angle<double, nusi::pinched_spectrum<double>>(m, anti_e, o);
    };
    const auto a1 = angles(1), a2 = angles(2), a3 = angles(3);
    REQUIRE(a1.mean_angle_above_threshold_rad > 0);
    check_same(a1.at_earth, a2.at_earth, "energy-angle at_earth, 2 threads");
    check_same(a1.at_earth, a3.at_earth, "energy-angle at_earth, 3 threads");
    CHECK(a1.mean_angle_above_threshold_rad == a2.mean_angle_above_threshold_rad);
    CHECK(a1.mean_angle_above_threshold_rad == a3.mean_angle_above_threshold_rad);
  }
}

TEST_CASE("threads: the paper's transport and the diffuse background give the same numbers on 1 and 3 threads") {
  nusi::propagation_setup<double> p;
  p.med = {.mass_MeV = std::pow(10.0, -3.5), .coupling = std::pow(10.0, -1.98)};
  const auto spectrum = nusi::pinched_spectrum<double>::paper_default();
  const auto r1 = nusi::propagate_energy(p, spectrum, on(1, 200)), r3 = nusi::propagate_energy(p, spectrum, on(3, 200));
  check_same(r1.at_earth, r3.at_earth, "paper at_earth");
  check_same(r1.noise, r3.noise, "paper noise");

  const auto d1 = nusi_test::small_diffuse_run(1), d3 = nusi_test::small_diffuse_run(3);
  REQUIRE(d1.scatterings > 0);
  for (std::size_t sp = 0; sp < d1.number.size(); ++sp) check_same(d1.number[sp], d3.number[sp], "diffuse number");
}

TEST_CASE("threads: a thread count beyond nusi::max_threads is refused, naming the parameter") {
  const auto m = model(false);
  const std::size_t too_many = nusi::max_threads + 1;
  auto run = [&] { return nusi::propagate_mass_states<double, nusi::pinched_spectrum<double>>(m, anti_e, on(too_many, 60)); };
  CHECK_THROWS_WITH_AS(run(), doctest::Contains("options.threads"), nusi::invalid_argument);
  const auto grid = nusi::make_mass_state_energy_grid(m, on(1, 60).energy);
  CHECK_THROWS_WITH_AS(nusi::mass_state_kernel<double>(m.scattering(), m.relic(), grid, nusi::kernel_scope::full, {}, too_many),
                       doctest::Contains("threads"), nusi::invalid_argument);
  nusi::diffuse_options<double> o;
  o.threads = too_many;
  const auto comps = nusi::power_law_components(
      nusi::power_law_spectrum<double>(2.0, 0.5, std::numeric_limits<double>::infinity()), nusi::source_composition<double>{});
  using C = nusi::flavour_emission<double, nusi::power_law_spectrum<double>>;
  auto diffuse = [&] {
    return nusi::propagate_diffuse<double>(nusi::diffuse_setup<double>{}, nusi::core_collapse_rate_yuksel2008<double>{},
                                           std::span<const C>(comps), o);
  };
  CHECK_THROWS_WITH_AS(diffuse(), doctest::Contains("options.threads"), nusi::invalid_argument);
}

}  // namespace nusi_test_transport_threads
