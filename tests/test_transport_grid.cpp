// SPDX-License-Identifier: MIT
// Grids and kernel of the propagation transport (include/nusi/transport/grid.hpp, kernel.hpp,
// system.hpp): geometry and node bins, per-scattering conservation of number and energy, projection of
// the emission, resonance refinement, and every rejection.
#include <algorithm>
#include <cmath>
#include <vector>

#include <doctest/doctest.h>

#include <nusi/transport.hpp>

#include "test_support.hpp"

namespace nusi_test_transport_grid {  // this file's own: the suite compiles in batches of files (tests/CMakeLists.txt)

namespace {
using nusi_test::setup_at;
using nusi_test::rel;
// Column i of A: A e_i, through the public apply().
template <class Op>
std::vector<double> column(const Op& op, std::size_t i) {
  std::vector<double> x(op.size(), 0.0), y(op.size(), 0.0);
  x[i] = 1;
  op.apply(x.data(), y.data());
  return y;
}
}  // namespace

TEST_CASE("energy nodes are log-spaced and the threshold lies midway between two of them") {
  const nusi::energy_grid_options<double> o{.min_energy_MeV = 0.01, .max_energy_MeV = 200, .bins = 300};
  const nusi::energy_grid<double> g(o, 5.0);
  REQUIRE(g.size() == 300);
  const double ratio = std::pow(200 / 0.01, 1.0 / 299);
  for (std::size_t j = 1; j < g.size(); ++j) {
    CAPTURE(j);
    // Nodes are exp(k log ratio) times one anchor: equal ratios up to rounding of exp.
    CHECK(g.node_MeV(j) / g.node_MeV(j - 1) == doctest::Approx(ratio).epsilon(1e-12));
  }
  const std::size_t k = g.first_above_threshold();
  CHECK(g.node_MeV(k - 1) < 5.0);
  CHECK(g.node_MeV(k) > 5.0);
  // The bin boundary between the pair is the threshold itself (rounding of one addition).
  CHECK(g.bin_upper_MeV(k - 1) == doctest::Approx(5.0).epsilon(1e-15));
  CHECK(g.bin_lower_MeV(k) == doctest::Approx(5.0).epsilon(1e-15));
  // The shift that centres the threshold moves the ends by less than one spacing.
  CHECK(g.node_MeV(0) > 0.01 / ratio);
  CHECK(g.node_MeV(0) < 0.01 * ratio);
  // Hats tile [e_0, e_N-1]: the bin widths add up to the span.
  double total = 0;
  for (std::size_t j = 0; j < g.size(); ++j) total += g.bin_width_MeV(j);
  CHECK(total == doctest::Approx(g.node_MeV(g.size() - 1) - g.node_MeV(0)).epsilon(1e-13));
}

TEST_CASE("extra nodes keep the threshold midway between its neighbours") {
  const nusi::energy_grid_options<double> o{.bins = 50};
  const nusi::energy_grid<double> g(o, 5.0, {4.99, 5.0, 5.003, 6.0});
  const std::size_t k = g.first_above_threshold();
  CHECK((g.node_MeV(k - 1) + g.node_MeV(k)) / 2 == doctest::Approx(5.0).epsilon(1e-15));
  for (std::size_t j = 1; j < g.size(); ++j) CHECK(g.node_MeV(j) > g.node_MeV(j - 1));
}

TEST_CASE("angle nodes start at theta = 0 and are log-spaced, and locate splits preserving mean angle") {
  const nusi::angle_grid<double> a(nusi::angle_grid_options<double>{.min_angle_rad = 1e-8, .max_angle_rad = 1e-2, .bins = 64});
  REQUIRE(a.size() == 64);
  CHECK(a.angle_rad(0) == 0.0);
  CHECK(a.angle_rad(1) == rel(1e-8, 1e-15));
  CHECK(a.angle_rad(63) == 1e-2);
  for (double theta : {3e-9, 1e-7, 2.5e-5, 9.99e-3}) {
    CAPTURE(theta);
    const auto [b, frac] = a.locate(theta);
    CHECK(frac >= 0.0);
    CHECK(frac < 1.0);
    // (1 - frac) theta_b + frac theta_{b+1} = theta: the split keeps the mean angle (rounding).
    CHECK((1 - frac) * a.angle_rad(b) + frac * a.angle_rad(b + 1) == rel(theta, 1e-13));
  }
  // 1 - cos theta without cancellation: theta^2/2 for tiny angles (next term theta^4/24 ~ 1e-33).
  CHECK(a.one_minus_cos(1) == rel(0.5e-16, 1e-12));
}

TEST_CASE("each scattering removes one neutrino, adds two, and brings in E_f,min of energy") {
  const auto s = setup_at(-3.5, -2.0);
  const nusi::energy_grid<double> g = nusi::make_energy_grid(s, nusi::energy_grid_options<double>{.bins = 60});
  const nusi::energy_kernel<double> k(s, g);
  const std::size_t n = k.nodes();
  using b = nusi::budget_index;
  for (std::size_t i : {std::size_t(0), std::size_t(1), n / 2, n - 1}) {
    CAPTURE(i);
    const std::vector<double> c = column(k, i);
    const double rate = k.rate_per_cm(i);
    double number = c[n + b::underflow_number], energy = c[n + b::underflow_energy];
    for (std::size_t j = 0; j < n; ++j) {
      number += c[j];
      energy += c[j] * g.node_MeV(j);
    }
    // Net: +1 neutrino and +E_f,min per scattering, to rounding of ~n terms.
    CHECK(number / rate == doctest::Approx(1.0).epsilon(1e-13));
    CHECK(c[n + b::scatterings] == rel(rate, 1e-15));
    // Energy: +e_i+E_f,min in products, -e_i lost; rounding relative to e_i, not to E_f,min ~ 1e-8 MeV.
    CHECK(energy / rate == doctest::Approx(k.min_final_energy_MeV(i)).epsilon(1e-14).scale(g.node_MeV(i)));
    CHECK(c[n + b::injected_energy] / rate == rel(k.min_final_energy_MeV(i), 1e-15));
    // Lower-triangular: nothing above the source.
    for (std::size_t j = i + 1; j < n; ++j) CHECK(c[j] == 0.0);
  }
  // The energy added is the relic's share of the factor-2 kernel: E_f,min ~ m_nu/2 for E >> m_nu.
  CHECK(k.min_final_energy_MeV(n - 1) == rel(s.relic.mass_MeV / 2, 1e-9));
}

TEST_CASE("the energy-angle kernel has the energy kernel as its marginal at theta = 0") {
  const auto s = setup_at(-3.5, -2.0);
  const nusi::energy_grid<double> g = nusi::make_energy_grid(s, nusi::energy_grid_options<double>{.bins = 30});
  const nusi::angle_grid<double> ag(nusi::angle_grid_options<double>{.bins = 16});
  const nusi::energy_angle_kernel<double> ka(s, g, ag);
  const nusi::energy_kernel<double> k(s, g);
  const std::size_t N = g.size(), A = ag.size();
  for (std::size_t i : {std::size_t(1), N / 2, N - 1}) {
    CAPTURE(i);
    const std::vector<double> ce = column(k, i), ca = column(ka, i * A);  // source at theta = 0
    for (std::size_t j = 0; j < N; ++j) {
      double sum = 0;
      for (std::size_t a = 0; a < A; ++a) sum += ca[j * A + a];
      CAPTURE(j);
      // Same energy weights, redistributed in angle: equal up to rounding of the split.
      CHECK(sum == doctest::Approx(ce[j]).epsilon(1e-12).scale(std::abs(ce[i])));
    }
    for (std::size_t b = 0; b < nusi::budget_index::count; ++b)
      CHECK(ca[N * A + b] == rel(ce[N + b], 1e-13));
    // Directions only open up: products of a theta = 0 source never land back... except at theta = 0
    // through deflections below the first angle node; the rest is at theta > 0.
    for (std::size_t j = 0; j < i; ++j)
      for (std::size_t a = 0; a < A; ++a) CHECK(ca[j * A + a] >= 0.0);
  }
}

TEST_CASE("the emission projected on the grid keeps the spectrum's number and energy") {
  const auto s = setup_at(-3.5, -2.0);
  const auto spec = nusi::pinched_spectrum<double>::paper_default();
  const nusi::energy_grid<double> g = nusi::make_energy_grid(s, nusi::energy_grid_options<double>{.bins = 200});
  const nusi::energy_kernel<double> k(s, g);
  const std::vector<double> f0 = nusi::emitted_state(k, spec);
  const std::size_t n = k.nodes();
  double number = f0[n + nusi::budget_index::underflow_number], energy = f0[n + nusi::budget_index::underflow_energy];
  for (std::size_t j = 0; j < n; ++j) {
    number += f0[j];
    energy += f0[j] * g.node_MeV(j);
  }
  const double top = g.node_MeV(n - 1);
  // Hats integrate a linear weight exactly; 4-point Gauss on ~5% bins of a smooth spectrum: ~1e-10.
  CHECK(number == doctest::Approx(spec.cumulative_probability(top)).epsilon(1e-9));
  // <E> of the emission; the tail above ~200 MeV carries ~1e-15 of the energy.
  CHECK(energy == doctest::Approx(spec.mean_energy_MeV()).epsilon(1e-9));
  // Above threshold: second order in the spacing (bins ~5%: ~1e-5 relative).
  double above = 0;
  for (std::size_t j = g.first_above_threshold(); j < n; ++j) above += f0[j];
  CHECK(above == rel(spec.complementary_probability(5.0), 1e-4));
}

TEST_CASE("the resonance is refined only when its opaque core is narrower than the bins") {
  const nusi::energy_grid_options<double> o{.bins = 100};
  // M = 1e-3 MeV: E_res = 10 MeV. Small g: core half-width ~ 4e4 g^2 E_res, far below a 10% bin.
  const auto narrow = setup_at(-3.0, -4.0);
  const nusi::energy_grid<double> refined = nusi::make_energy_grid(narrow, o);
  CHECK(refined.size() > 100);
  const double E_res = narrow.cross_section().resonance_energy_MeV();
  const std::size_t j = refined.bin_of(E_res);
  CHECK(refined.node_MeV(j) == doctest::Approx(E_res).epsilon(1e-14));
  CHECK(refined.bin_width_MeV(j) < 1e-3 * E_res);
  // No line in the grid (E_res = 1e-5 MeV), or refinement switched off: the plain grid.
  CHECK(nusi::make_energy_grid(setup_at(-6.0, -2.0), o).size() == 100);
  auto off = o;
  off.resonance_nodes_per_core = 0;
  CHECK(nusi::make_energy_grid(narrow, off).size() == 100);
}

TEST_CASE("the grid's node bins tile it: midpoints between nodes, the threshold one of the edges") {
  const nusi::energy_grid<double> g(nusi::energy_grid_options<double>{}, 5.0);
  const auto& nodes = g.nodes_MeV();
  const auto edges = nusi::grid_bin_edges(nodes);
  REQUIRE(edges.size() == nodes.size() + 1);
  CHECK(edges.front() == nodes.front());
  CHECK(edges.back() == nodes.back());
  for (std::size_t j = 0; j < nodes.size(); ++j) {
    CHECK(edges[j] <= nodes[j]);  // node j lies inside its own bin
    CHECK(nodes[j] <= edges[j + 1]);
  }
  // The fixed bins of the event-level analyses: the unrefined grid's, 400 bins from ~0.01 MeV.
  const auto fixed = nusi::transport_bin_edges(5.0, nusi::energy_grid_options<double>{});
  CHECK(fixed == edges);
  CHECK(fixed.size() == 401);
  CHECK(fixed.front() / 0.01 == doctest::Approx(1.0).epsilon(0.03));  // the grid is shifted by < 1 spacing (2.5%)
  CHECK(std::find(fixed.begin(), fixed.end(), 5.0) != fixed.end());  // the threshold midway: an edge
}

TEST_CASE("grids and kernels reject bad input") {
  using nusi::invalid_argument;
  const nusi::energy_grid_options<double> good{};
  auto bad = good;
  bad.bins = 3;
  CHECK_THROWS_WITH_AS(nusi::energy_grid<double>(bad, 5.0), doctest::Contains("energy.bins"), invalid_argument);
  bad = good;
  bad.bins = 0;
  CHECK_THROWS_WITH_AS(nusi::energy_grid<double>(bad, 5.0), doctest::Contains("energy.bins"), invalid_argument);
  bad = good;
  bad.min_energy_MeV = 300;  // inverted
  CHECK_THROWS_WITH_AS(nusi::energy_grid<double>(bad, 5.0), doctest::Contains("energy.min_energy_MeV"), invalid_argument);
  bad = good;
  bad.min_energy_MeV = -1;
  CHECK_THROWS_WITH_AS(nusi::energy_grid<double>(bad, 5.0), doctest::Contains("energy.min_energy_MeV"), invalid_argument);
  bad = good;
  bad.max_energy_MeV = std::nan("");
  CHECK_THROWS_WITH_AS(nusi::energy_grid<double>(bad, 5.0), doctest::Contains("energy.max_energy_MeV"), invalid_argument);
  bad = good;
  bad.resonance_nodes_per_core = -1;
  CHECK_THROWS_WITH_AS(nusi::energy_grid<double>(bad, 5.0), doctest::Contains("resonance_nodes_per_core"), invalid_argument);
  CHECK_THROWS_WITH_AS(nusi::energy_grid<double>(good, 500.0), doctest::Contains("threshold_MeV"), invalid_argument);
  CHECK_THROWS_WITH_AS(nusi::energy_grid<double>(good, 0.001), doctest::Contains("threshold_MeV"), invalid_argument);
  CHECK_THROWS_WITH_AS(nusi::energy_grid<double>(good, -5.0), doctest::Contains("threshold_MeV"), invalid_argument);
  CHECK_THROWS_WITH_AS(nusi::grid_bin_edges<double>({1.0}), doctest::Contains("nodes_MeV"), invalid_argument);
  CHECK_THROWS_WITH_AS(nusi::grid_bin_edges<double>({1.0, 3.0, 2.0}), doctest::Contains("nodes_MeV[2]"), invalid_argument);

  nusi::angle_grid_options<double> ag{};
  ag.bins = 2;
  CHECK_THROWS_WITH_AS(nusi::angle_grid<double>{ag}, doctest::Contains("angle.bins"), invalid_argument);
  ag = {};
  ag.max_angle_rad = 2.0;
  CHECK_THROWS_WITH_AS(nusi::angle_grid<double>{ag}, doctest::Contains("angle.max_angle_rad"), invalid_argument);
  ag = {};
  ag.min_angle_rad = 0;
  CHECK_THROWS_WITH_AS(nusi::angle_grid<double>{ag}, doctest::Contains("angle.min_angle_rad"), invalid_argument);
  ag = {};
  ag.min_angle_rad = 0.5;  // inverted
  CHECK_THROWS_WITH_AS(nusi::angle_grid<double>{ag}, doctest::Contains("angle.min_angle_rad"), invalid_argument);
  ag = {};
  ag.azimuth_nodes = 0;
  CHECK_THROWS_WITH_AS(nusi::angle_grid<double>{ag}, doctest::Contains("angle.azimuth_nodes"), invalid_argument);
  ag.azimuth_nodes = 65;
  CHECK_THROWS_WITH_AS(nusi::angle_grid<double>{ag}, doctest::Contains("angle.azimuth_nodes"), invalid_argument);
  {
    const auto s0 = setup_at(-3.5, -2.0);
    const nusi::energy_grid<double> g0(good, 5.0);
    CHECK_THROWS_WITH_AS(nusi::energy_angle_kernel<double>(s0, g0, nusi::angle_grid<double>({}), static_cast<nusi::angle_model>(9)),
                         doctest::Contains("model"), invalid_argument);
  }

  auto s = setup_at(-3.5, -2.0);
  const nusi::energy_grid<double> g(good, 5.0);
  s.distance_cm = 0;
  CHECK_THROWS_WITH_AS(nusi::energy_kernel<double>(s, g), doctest::Contains("distance_cm"), invalid_argument);
  s = setup_at(-3.5, -2.0);
  s.relic.total_density_per_cm3 = -330;
  CHECK_THROWS_WITH_AS(nusi::energy_kernel<double>(s, g), doctest::Contains("relic.total_density_per_cm3"), invalid_argument);
  s = setup_at(-3.5, -2.0);
  s.threshold_MeV = 6;  // not the grid's threshold
  CHECK_THROWS_WITH_AS(nusi::energy_kernel<double>(s, g), doctest::Contains("threshold_MeV"), invalid_argument);
  s = setup_at(-3.5, -2.0);
  s.relic.mass_MeV = 0.1;  // a 100 keV relic: implausible (eV taken for MeV?) ...
  CHECK_THROWS_WITH_AS(nusi::energy_kernel<double>(s, g), doctest::Contains("relic.mass_MeV must be a relic-neutrino mass in MeV"),
                       invalid_argument);
  s.relic.mass_check = nusi::relic_mass_check::any_positive;  // ... and, allowed, the grid starts below it
  CHECK_THROWS_WITH_AS(nusi::energy_kernel<double>(s, g), doctest::Contains("> relic.mass_MeV"), invalid_argument);
  s = setup_at(-3.5, -2.0);
  s.exclusion_level = 1.0;
  CHECK_THROWS_WITH_AS(nusi::make_energy_grid(s, good), doctest::Contains("exclusion_level"), invalid_argument);
}

}  // namespace nusi_test_transport_grid
