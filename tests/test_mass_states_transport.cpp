// SPDX-License-Identifier: MIT
// Transport of the coupled mass states (include/nusi/transport/mass_state_kernel.hpp, mass_state_propagate.hpp):
// budgets, the g -> 0 limit by flavour, the paper's model as limits (one coupled Dirac state; three degenerate states),
// the exact contour against odeint, the above-threshold truncation, and the thermal relic against the at-rest limit.
#include <algorithm>
#include <array>
#include <cmath>
#include <cstring>
#include <mutex>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include <boost/math/quadrature/gauss.hpp>

#include <doctest/doctest.h>

#include <nusi/transport.hpp>
#include <nusi/transport/mass_state_propagate.hpp>

#include "mass_state_support.hpp"
#include "test_support.hpp"

namespace nusi_test_mass_states_transport {  // this file's own: the suite compiles in batches of files (tests/CMakeLists.txt)

namespace {
using nusi_test::rel;
using emission_t = nusi::flavour_emission<double, nusi::pinched_spectrum<double>>;
const std::vector<emission_t> anti_e{{nusi::flavour::e, true, nusi::pinched_spectrum<double>::paper_default(), 1.0}};

nusi::transport_options<double> bins(std::size_t n) {
  nusi::transport_options<double> o;
  o.energy.bins = n;
  return o;
}
nusi::mass_state_setup<double> at(double log10_M, double log10_g) {
  nusi::mass_state_setup<double> s;
  s.interaction.med = {.mass_MeV = std::pow(10.0, log10_M), .coupling = std::pow(10.0, log10_g)};
  return s;
}

// Two kernels on one grid: the largest change of a gain, and the largest relative to its source's two products per
// scattering (of kernel b); the rates (which do not use the shapes) must agree exactly.
struct gain_change {
  double largest = 0, relative = 0;
};
gain_change gains_apart(const nusi::mass_state_kernel<double>& a, const nusi::mass_state_kernel<double>& b) {
  gain_change out;
  for (std::size_t i = 0; i < a.nodes(); ++i)
    for (std::size_t sp = 0; sp < a.species(); ++sp) {
      REQUIRE(a.rate_per_cm(i, sp) == b.rate_per_cm(i, sp));
      const double products = 2 * b.rate_per_cm(i, sp);
      for (std::size_t k = 0; k <= i; ++k)
        for (std::size_t sg = 0; sg < a.species(); ++sg) {
          const double change = std::abs(a.gain_per_cm(i, sp, k, sg) - b.gain_per_cm(i, sp, k, sg));
          out.largest = std::max(out.largest, change);
          if (products > 0) out.relative = std::max(out.relative, change / products);
        }
    }
  return out;
}
// The paper's relic: 0.05 eV at rest, 330 cm^-3 per helicity, no mixing (only the coupled state matters).
nusi::mass_state_setup<double> paper_like(double log10_M, double log10_g) {
  return nusi_test::paper_like_mass_states(std::pow(10.0, log10_M), std::pow(10.0, log10_g));
}
}  // namespace

TEST_CASE("mass states: number and energy budgets close on the grid, at rest and thermal, through a resonance") {
  struct point {
    double lm, lg;
    double lightest_eV;
    nusi::channel_set channels;
    nusi::mediator_kind kind;
    nusi::neutrino_nature nature;
  };
  const point points[] = {{-3.5, -2.3, 0.05, nusi::channel_set::stu, nusi::mediator_kind::scalar, nusi::neutrino_nature::majorana},
                          {-3.0, -2.0, 0.0, nusi::channel_set::stu, nusi::mediator_kind::vector, nusi::neutrino_nature::majorana},
                          {-4.0, -2.5, 0.0, nusi::channel_set::stu, nusi::mediator_kind::scalar, nusi::neutrino_nature::dirac},
                          {-3.2, -2.2, 0.02, nusi::channel_set::s, nusi::mediator_kind::vector, nusi::neutrino_nature::dirac}};
  for (const auto& p : points) {
    CAPTURE(p.lm);
    CAPTURE(p.lg);
    auto s = at(p.lm, p.lg);
    s.spectrum.lightest_mass_eV = p.lightest_eV;
    s.interaction.channels = p.channels;
    s.interaction.med.kind = p.kind;
    s.interaction.nature = p.nature;
    const nusi::mass_state_model<double> model(s);
    const auto r = nusi::propagate_mass_states<double, nusi::pinched_spectrum<double>>(model, anti_e, bins(120));
    CHECK(r.mean_scatterings > 0.1);  // the interactions matter
    // By construction: the kernel's injected energy and two products per scattering; the contour rounds at ~1e-14
    // of the largest term.
    CHECK(std::abs(r.energy_budget_relative_error()) < 1e-12);
    CHECK(std::abs(r.number_budget_relative_error()) < 1e-12);
    // The energy brought in per scattering is E_f,min ~ mu/2 (mu = m at rest, <x> thermal), below 0.06 eV here.
    CHECK(r.injected_energy_MeV >= 0);
    CHECK(r.injected_energy_MeV < r.mean_scatterings * nusi::eV(0.06));
    for (const auto& species : r.at_earth)
      for (double v : species) CHECK(v >= 0.0);
  }
}

TEST_CASE("mass states: as g -> 0 every flavour's and state's fraction is the unscattered one, whatever the emission") {
  const std::vector<emission_t> mixed{{nusi::flavour::e, true, nusi::pinched_spectrum<double>::paper_default(), 0.5},
                                      {nusi::flavour::mu, true, nusi::pinched_spectrum<double>(12.0, 3.0), 0.3},
                                      {nusi::flavour::tau, false, nusi::pinched_spectrum<double>(14.0, 2.5), 0.2}};
  for (auto ordering : {nusi::mass_ordering::normal, nusi::mass_ordering::inverted}) {
    // The resonance's strength grows as g^2 (a thermal state smears the line over the spectrum): at g = 1e-9 the massless
    // state still has an optical depth ~1e-6; at g = 1e-15, ~1e-18.
    auto s = at(-4.0, -15.0);
    s.spectrum.ordering = ordering;
    const nusi::mass_state_model<double> model(s);
    const auto F = nusi::mass_state_fractions_above_threshold<double, nusi::pinched_spectrum<double>>(model, anti_e, bins(200));
    // The spectrum's fraction above 5 MeV on the grid: Q(alpha + 1, (alpha + 1) T/<E>) to second order in the spacing.
    const double Q = nusi::pinched_spectrum<double>::paper_default().complementary_probability(5.0);
    CHECK(F.unscattered == rel(Q, 1e-4));
    for (std::size_t b = 0; b < 3; ++b) {
      CAPTURE(b);
      CHECK(F.flavour_defined[b]);
      CHECK(F.by_flavour[b].value == rel(F.unscattered, 1e-12));
      CHECK(F.by_mass_state[b].value == rel(F.unscattered, 1e-12));
    }
    CHECK(F.detected.value == F.by_flavour[0].value);
    // Emission straight into one mass state (adiabatic MSW: electron antineutrinos leave as state 1 or 3): every
    // flavour still sees the unscattered fraction, and the other states are undefined (no antineutrinos).
    std::vector<emission_t> msw = anti_e;
    const std::size_t leaving = ordering == nusi::mass_ordering::normal ? 0 : 2;
    std::array<double, 3> p{0, 0, 0};
    p[leaving] = 1;
    msw[0].mass_state_probabilities = p;
    const auto Fmsw = nusi::mass_state_fractions_above_threshold<double, nusi::pinched_spectrum<double>>(model, msw, bins(200));
    for (std::size_t b = 0; b < 3; ++b) CHECK(Fmsw.by_flavour[b].value == rel(F.unscattered, 1e-12));
    CHECK(Fmsw.by_mass_state[leaving].value == rel(F.unscattered, 1e-12));
    CHECK_FALSE(Fmsw.mass_state_defined[1]);
    // A mixture of flavours and spectra: each flavour's antineutrinos keep their own mixture's fraction. The reference
    // per flavour is sum over components w_c sum_i |U_bi|^2 |U_ci|^2 Q_c (antineutrino components only).
    const auto Fm = nusi::mass_state_fractions_above_threshold<double, nusi::pinched_spectrum<double>>(model, mixed, bins(200));
    const nusi::neutrino_spectrum<double> spec(s.spectrum);
    for (std::size_t b = 0; b < 3; ++b) {
      double numerator = 0, denominator = 0;
      for (std::size_t c = 0; c < 2; ++c)
        for (std::size_t i = 0; i < 3; ++i) {
          const double p = mixed[c].weight * spec.mixing_probability(nusi::flavour(b), i) * spec.mixing_probability(mixed[c].alpha, i);
          numerator += p * mixed[c].spectrum.complementary_probability(5.0);
          denominator += p;
        }
      CHECK(Fm.by_flavour[b].value == rel(numerator / denominator, 2e-4));  // grid projection, second order
    }
  }
}

TEST_CASE("mass states: one coupled Dirac state at rest with the paper's convention reproduces the paper model's F") {
  // Paper Eq. (4) is the s-channel of one Dirac state (330 cm^-3 of targets, Gamma = g^2 M/(4 pi)); products of every
  // kind scatter alike. sigma differs from the paper's by m^2/s (massless final states): ~1e-9, times the optical depth.
  nusi::transport_options<double> o;
  o.energy.resonance_nodes_per_core = 0;  // the same grid for both (the refinement rule's tau_peak differs by m^2/M^2)
  for (auto [lm, lg] : {std::pair{-6.0, -2.0}, std::pair{-3.5, -1.98}, std::pair{-3.0, -2.08}, std::pair{-2.5, -1.5}}) {
    CAPTURE(lm);
    CAPTURE(lg);
    const nusi::mass_state_model<double> model(paper_like(lm, lg));
    const auto F = nusi::mass_state_fractions_above_threshold<double, nusi::pinched_spectrum<double>>(model, anti_e, o);
    nusi::propagation_setup<double> paper;
    paper.med = {.mass_MeV = std::pow(10.0, lm), .coupling = std::pow(10.0, lg)};
    const auto Fp = nusi::fraction_above_threshold(paper, nusi::pinched_spectrum<double>::paper_default(), o);
    CHECK(F.all_neutrinos.value == rel(Fp.value, 1e-6));
  }
}

TEST_CASE("mass states: three degenerate states, universal coupling, s channel, 330 cm^-3 each, are the paper's equation") {
  // With G = g 1 each state i scatters on relic i with sigma(ii -> any kk) = 3 g^4 s/(4 pi D) and Gamma = 3 g^2 M/(4 pi)
  // (three open channels): the paper's model with g_eff = sqrt(3) g and its cross section scaled by 1/3 (the
  // mediator's angular factor), whatever the mixing. Degenerate: splittings of 1e-12 eV^2.
  nusi::transport_options<double> o;
  o.energy.resonance_nodes_per_core = 0;
  for (auto [lm, lg] : {std::pair{-6.0, -2.3}, std::pair{-3.5, -2.3}, std::pair{-3.0, -2.4}}) {
    CAPTURE(lm);
    CAPTURE(lg);
    auto s = paper_like(lm, lg);
    s.interaction.pattern = nusi::flavour_coupling_pattern<double>::universal();
    s.spectrum.mixing = nusi::mixing_parameters<double>{33.41, 8.58, 42.2, 232, 1e-12, 1e-12};
    const nusi::mass_state_model<double> model(s);
    const auto F = nusi::mass_state_fractions_above_threshold<double, nusi::pinched_spectrum<double>>(model, anti_e, o);
    nusi::propagation_setup<double> paper;
    paper.med = {.mass_MeV = std::pow(10.0, lm), .coupling = std::sqrt(3.0) * std::pow(10.0, lg),
                 .kind = nusi::mediator_kind::vector, .vector_angular_factor = 1.0 / 3.0};
    const auto Fp = nusi::fraction_above_threshold(paper, nusi::pinched_spectrum<double>::paper_default(), o);
    REQUIRE(Fp.value > 1e-4);
    CHECK(F.all_neutrinos.value == rel(Fp.value, 1e-6));  // m^2/s and the 1e-11 eV mass differences
  }
}

TEST_CASE("mass states: the exact contour and odeint's stiff stepper agree, and the above-threshold truncation changes nothing") {
  for (auto kind : {nusi::mediator_kind::scalar, nusi::mediator_kind::vector}) {
    auto s = at(-3.2, -2.7);  // F ~ 0.3-0.6
    s.spectrum.lightest_mass_eV = 0.03;
    s.relic.kinematics = nusi::relic_kinematics::at_rest;  // the comparison is of the solvers
    s.interaction.med.kind = kind;
    const nusi::mass_state_model<double> model(s);
    auto exact = bins(70), stepped = bins(70);
    stepped.method = nusi::transport_method::odeint;
    stepped.odeint_rel_tol = 1e-10;
    stepped.odeint_abs_tol = 1e-14;
    const auto a = nusi::mass_state_fractions_above_threshold<double, nusi::pinched_spectrum<double>>(model, anti_e, exact);
    const auto b = nusi::mass_state_fractions_above_threshold<double, nusi::pinched_spectrum<double>>(model, anti_e, stepped);
    REQUIRE(a.detected.value < 0.8 * a.unscattered);
    // Two independent solvers of the same truncated system: the stepper's tolerances (1e-10 per step).
    CHECK(b.detected.value == rel(a.detected.value, 1e-7));
    CHECK(b.all_neutrinos.value == rel(a.all_neutrinos.value, 1e-7));
    for (std::size_t f = 0; f < 3; ++f) CHECK(b.by_flavour[f].value == rel(a.by_flavour[f].value, 1e-7));
    const auto full = nusi::propagate_mass_states<double, nusi::pinched_spectrum<double>>(model, anti_e, exact);
    // The truncated system is the full one restricted to the nodes above threshold: the contour's rounding.
    CHECK(a.detected.value == rel(full.fractions.detected.value, 1e-11));
    CHECK(a.all_neutrinos.value == rel(full.fractions.all_neutrinos.value, 1e-11));
  }
}

namespace {
// Reference of an interval moment: bisection until each piece is at most a quarter of its distance to either pole, then
// 20-point Gauss-Legendre (error per piece ~ 4^-40): independent of the closed form's partial fractions.
template <class F>
double graded_integral(F f, double lo, double hi, double left_pole, double right_pole) {
  const double distance = std::min(lo - left_pole, right_pole - hi);
  if (hi - lo > 0.25 * distance) {
    const double mid = lo + (hi - lo) / 2;
    return graded_integral(f, lo, mid, left_pole, right_pole) + graded_integral(f, mid, hi, left_pole, right_pole);
  }
  return boost::math::quadrature::gauss<double, 20>::integrate(f, lo, hi);
}

// The six scalar-mediator shapes (their representatives, as scalar_shape_interval_moments takes them).
constexpr std::size_t scalar_shapes[6] = {
    std::size_t(nusi::scattering_basis::s_ss), std::size_t(nusi::scattering_basis::s_tt),    std::size_t(nusi::scattering_basis::s_uu),
    std::size_t(nusi::scattering_basis::s_tu), std::size_t(nusi::scattering_basis::s_st_re), std::size_t(nusi::scattering_basis::s_su_re)};
}  // namespace

TEST_CASE("mass states: closed-form interval moments of the scalar shapes match a graded quadrature of basis_shape") {
  using B = nusi::scattering_basis;
  const std::size_t* index = scalar_shapes;
  std::mt19937_64 rng(14);
  std::uniform_real_distribution<double> u(0, 1);
  int checked = 0;
  while (checked < 300) {
    // a from 1e-12 (forward peak) to 1, beta from 1e-4 a to 10 a; intervals from 1e-6 to the whole range, some at y = 1.
    const double a = std::pow(10.0, -12 + 12 * u(rng)), beta = a * std::pow(10.0, -4 + 5 * u(rng));
    const double ya = u(rng) * u(rng);
    const double yb = u(rng) < 0.2 ? 1.0 : std::min(ya + std::pow(10.0, -6 + 6 * u(rng)) * (1 - ya), 1.0);
    const double za = 1 - ya, zb = 1 - yb, Delta = yb - ya;
    if (!(yb > ya) || !nusi::detail::scalar_closed_form_applies(yb, za, a)) continue;
    ++checked;
    CAPTURE(a);
    CAPTURE(beta);
    CAPTURE(ya);
    CAPTURE(yb);
    const double A = 2.5;  // MeV^2: the s_st/s_su shapes carry 1/A
    const nusi::scattering_kinematics<double> k{A + beta * A, beta * A, a * A, 0.0};
    double m0_3[6], n1_3[6], m0_4[6], n1_4[6];
    nusi::detail::scalar_shape_interval_moments(ya, yb, za, zb, a, beta, 1 / A, index, 6, m0_3, n1_3, m0_4, n1_4);
    for (std::size_t d = 0; d < 6; ++d) {
      CAPTURE(d);
      // The shapes of basis_shape (scattering.hpp) written with y and z = 1 - y both given, z measured from the upper
      // end (the forward peak at z ~ a keeps its relative accuracy); the product at p4 has shape(1 - y): y, z swapped.
      auto shape = [&](double t, bool mirror) {
        const double z0 = t > Delta / 2 ? zb + (Delta - t) : za - t, y0 = t > Delta / 2 ? 1 - z0 : ya + t;
        const double y = mirror ? z0 : y0, z = mirror ? y0 : z0;
        switch (static_cast<B>(index[d])) {
          case B::s_tt: return z * (z + beta) / ((z + a) * (z + a));
          case B::s_uu: return y * (y + beta) / ((y + a) * (y + a));
          case B::s_tu: return y * z / ((z + a) * (y + a));
          case B::s_st_re: return z / (k.A() * z + k.M2);
          case B::s_su_re: return y / (k.A() * y + k.M2);
          default: return 1.0;
        }
      };
      if (ya > 0.2 && yb < 0.8) {  // away from the ends basis_shape itself is accurate: the same shapes
        const double y = ya + Delta / 2;
        CHECK(shape(Delta / 2, false) == rel(nusi::basis_shape(static_cast<B>(index[d]), y, k), 1e-14));
      }
      const double got[4] = {m0_3[d], n1_3[d], m0_4[d], n1_4[d]};
      for (int q = 0; q < 4; ++q) {
        const bool mirror = q >= 2, first = q % 2 == 1;
        const double reference = graded_integral([&](double t) { return shape(t, mirror) * (first ? t : 1.0); }, 0.0, Delta,
                                                 -(ya + a), za + a);
        // Measured worst 4e-14 over 2e4 random intervals: the partial fractions lose at most ~5 bits where they apply.
        CHECK(got[q] == rel(reference, 2e-13));
      }
    }
  }
}

TEST_CASE("mass states: the batched closed-form interval moments are scalar_shape_interval_moments' bit for bit, on both paths") {
  // Intervals of one (a, beta) in vector lanes: the series of the pole moments in registers, a lane outside its radius
  // (|rho| >= 1/10: wide intervals, or near a pole) by the scalar logarithms. Against one call per interval, with the
  // intervals written to permuted slots and a count that leaves a remainder of the lanes.
  const std::size_t* index = scalar_shapes;
  std::mt19937_64 rng(33);
  std::uniform_real_distribution<double> u(0, 1);
  std::size_t series = 0, logarithms = 0;
  for (int trial = 0; trial < 60; ++trial) {
    const double a = std::pow(10.0, -9 + 9 * u(rng)), beta = a * std::pow(10.0, -4 + 5 * u(rng)), inverse_A = 0.4, span = 7.5;
    std::vector<double> ya, yb, za, zb;
    while (ya.size() < 23) {
      const double y0 = u(rng) * u(rng);
      const double y1 = std::min(y0 + std::pow(10.0, -5 + 5 * u(rng)) * (1 - y0), 1.0);
      if (!(y1 > y0) || !nusi::detail::scalar_closed_form_applies(y1, 1 - y0, a)) continue;
      ya.push_back(y0);
      yb.push_back(y1);
      za.push_back(1 - y0);
      zb.push_back(1 - y1);
      const double rho = (y1 - y0) / (y0 + a);
      (std::abs(rho) < double(nusi::detail::pole_series_radius) ? series : logarithms) += 1;
    }
    const std::size_t n = ya.size(), D = 6;
    std::vector<std::size_t> slot(n);
    for (std::size_t e = 0; e < n; ++e) slot[e] = (7 * e + 3) % n;
    std::vector<double> expected(4 * D * n);
    for (std::size_t e = 0; e < n; ++e) {
      double m0_3[6], n1_3[6], m0_4[6], n1_4[6];
      nusi::detail::scalar_shape_interval_moments(ya[e], yb[e], za[e], zb[e], a, beta, inverse_A, index, D, m0_3, n1_3, m0_4, n1_4);
      for (std::size_t d = 0; d < D; ++d) {
        expected[d * n + slot[e]] = m0_3[d];
        expected[(D + d) * n + slot[e]] = n1_3[d] * span;
        expected[(2 * D + d) * n + slot[e]] = m0_4[d];
        expected[(3 * D + d) * n + slot[e]] = n1_4[d] * span;
      }
    }
    std::vector<double> portable(4 * D * n, -1.0), wide(4 * D * n, -1.0);
    nusi::detail::scalar_shape_moments_batch_portable(slot.data(), ya.data(), yb.data(), za.data(), zb.data(), n, a, beta, inverse_A, span, index,
                                                      D, {portable.data(), n});
    CHECK(std::memcmp(portable.data(), expected.data(), expected.size() * sizeof(double)) == 0);
    if (nusi::detail::processor_has_avx2()) {
      nusi::detail::scalar_shape_moments_batch_avx2(slot.data(), ya.data(), yb.data(), za.data(), zb.data(), n, a, beta, inverse_A, span, index, D,
                                                    {wide.data(), n});
      CHECK(std::memcmp(wide.data(), expected.data(), expected.size() * sizeof(double)) == 0);
    }
    // Weighted by a factor per shape and added to what is there (a target's share of a sum over targets): each entry
    // c + f_d v, on both paths.
    const std::array<double, 6> factor{0.5, 3.0, -2.0, 1e-3, 7.0, 0.25};
    std::vector<double> weighted(4 * D * n), weighted_expected(4 * D * n), weighted_wide(4 * D * n);
    for (std::size_t i = 0; i < weighted.size(); ++i) {
      weighted[i] = weighted_wide[i] = 0.125 * double(i);
      weighted_expected[i] = 0.125 * double(i) + factor[(i / n) % D] * expected[i];
    }
    nusi::detail::scalar_shape_moments_batch_portable(slot.data(), ya.data(), yb.data(), za.data(), zb.data(), n, a, beta, inverse_A, span, index,
                                                      D, {weighted.data(), n, factor.data(), true});
    CHECK(std::memcmp(weighted.data(), weighted_expected.data(), weighted.size() * sizeof(double)) == 0);
    if (nusi::detail::processor_has_avx2()) {
      nusi::detail::scalar_shape_moments_batch_avx2(slot.data(), ya.data(), yb.data(), za.data(), zb.data(), n, a, beta, inverse_A, span, index, D,
                                                    {weighted_wide.data(), n, factor.data(), true});
      CHECK(std::memcmp(weighted_wide.data(), weighted_expected.data(), weighted.size() * sizeof(double)) == 0);
    }
  }
  // Both branches of the pole moments were taken in the lanes.
  CHECK(series > 100);
  CHECK(logarithms > 100);
}

TEST_CASE("mass states: F converges as 3.89^-N in the contour nodes, and the default 24 nodes reach 40 nodes' rounding") {
  for (bool thermal : {false, true}) {
    CAPTURE(thermal);
    auto s = at(-3.5, -2.3);  // near the bound: F ~ 0.01-0.1, every channel
    if (!thermal) {
      s.spectrum.lightest_mass_eV = 0.05;
      s.relic.kinematics = nusi::relic_kinematics::at_rest;
    }
    const nusi::mass_state_model<double> model(s);
    auto F = [&](std::size_t nodes) {
      auto o = bins(120);
      o.talbot_nodes = nodes;
      return nusi::mass_state_fractions_above_threshold<double, nusi::pinched_spectrum<double>>(model, anti_e, o).all_neutrinos;
    };
    const auto reference = F(40);  // 3.89^-40 ~ 1e-24 of the scale: rounding alone
    // Rounding of a sum over ~100 nodes, both F: 32x (2 sqrt(100), and a margin) the 40-node noise floor (one node's).
    const double rounding = 32 * reference.noise_floor;
    auto error = [&](const nusi::threshold_fraction<double>& f) { return std::abs(f.value - reference.value); };
    const auto F12 = F(12), F16 = F(16), F24 = F(24);
    REQUIRE(error(F12) > 100 * rounding);  // the contour error is seen at 12 nodes (3.89^-12 ~ 8e-8 of the scale)
    // Four more nodes divide the error by 3.89^4 = 229 (50: the constant in front varies with N), down to rounding.
    CHECK(error(F16) < std::max(error(F12) / 50, rounding));
    CHECK(error(F24) < rounding);
    // The default (0: 24 nodes for mass states) is that 24-node F.
    const auto dflt = nusi::mass_state_fractions_above_threshold<double, nusi::pinched_spectrum<double>>(model, anti_e, bins(120));
    CHECK(dflt.all_neutrinos.value == F24.value);
    CHECK(dflt.all_neutrinos.noise_floor == F24.noise_floor);
  }
}

TEST_CASE("mass states: a heavy relic averaged over its thermal momenta gives the at-rest fractions") {
  // m = 1 eV: p_rms/m = 6e-4; away from resonances the rates change at O((p/m)^2) ~ 4e-7.
  for (auto channels : {nusi::channel_set::s, nusi::channel_set::stu}) {
    auto s = at(-5.0, -2.0);  // F ~ 0.1-0.5
    s.interaction.channels = channels;
    s.spectrum.lightest_mass_eV = 1.0;
    s.relic.kinematics = nusi::relic_kinematics::at_rest;
    const nusi::mass_state_model<double> rest(s);
    s.relic.kinematics = nusi::relic_kinematics::thermal;
    const nusi::mass_state_model<double> thermal(s);
    const auto a = nusi::mass_state_fractions_above_threshold<double, nusi::pinched_spectrum<double>>(rest, anti_e, bins(120));
    const auto b = nusi::mass_state_fractions_above_threshold<double, nusi::pinched_spectrum<double>>(thermal, anti_e, bins(120));
    REQUIRE(a.detected.value < 0.9 * a.unscattered);  // the interactions matter
    CHECK(b.detected.value == rel(a.detected.value, 1e-5));
    CHECK(b.all_neutrinos.value == rel(a.all_neutrinos.value, 1e-5));
  }
}

TEST_CASE("mass states: 2-point Gauss pieces far from the poles change the kernel and F by under 1e-9 of the 3-point rule") {
  // The 3-point rule's hat shares are within ~5e-11 of a piece's pole terms (r <= 0.03); the 2-point pieces (r <= 0.002)
  // within ~6e-10 (exact integrals of 1/x and 1/x^2): each gain within 1e-9 of its source's two products per scattering.
  for (const bool thermal : {true, false}) {
    CAPTURE(thermal);
    auto s = at(-3.5, -2.3);  // near the bound; thermal: the default massless lightest state (a = M^2/A >> 1 for state 1)
    if (!thermal) {
      s.spectrum.lightest_mass_eV = 0.05;
      s.relic.kinematics = nusi::relic_kinematics::at_rest;
    }
    const nusi::mass_state_model<double> model(s);
    const auto o = bins(400);
    const auto grid = nusi::make_mass_state_energy_grid(model, o.energy);
    nusi::mass_state_kernel_options<double> fine;
    fine.fewest_gauss_points = 3;
    const nusi::mass_state_kernel<double> k2(model.scattering(), model.relic(), grid, nusi::kernel_scope::above_threshold);
    const nusi::mass_state_kernel<double> k3(model.scattering(), model.relic(), grid, nusi::kernel_scope::above_threshold, fine);
    const gain_change change = gains_apart(k2, k3);
    if (thermal) CHECK(change.largest > 0);  // the 2-point pieces are used
    CHECK(change.relative < 1e-9);
    const auto F2 = nusi::mass_state_fractions_above_threshold<double, nusi::pinched_spectrum<double>>(model, anti_e, o);
    const auto F3 = nusi::mass_state_fractions_above_threshold<double, nusi::pinched_spectrum<double>>(model, anti_e, o, fine);
    REQUIRE(F3.detected.value > 1e-3);  // F well above the contour's rounding
    CHECK(F2.detected.value == rel(F3.detected.value, 1e-9));
    CHECK(F2.all_neutrinos.value == rel(F3.all_neutrinos.value, 1e-9));
  }
}

TEST_CASE("mass states: a thermal state's target energies deposited together give the kernel taken one by one, to 1e-9") {
  // Summed at each quadrature point (mass_state_kernel_options::target_energies_together), every target's pieces take a
  // rule at least as fine as its own: each gain within 1e-9 of its source's two products per scattering of the
  // one-by-one kernel, and F nearer than its F to the finer 3-point rule's. The default model near the bound: the massless
  // state's six targets (a = M^2/A from ~2 to ~3000) and the 8.6 and 50 meV states' three (a ~ 0.1 to 0.6: the closed
  // forms near the poles); the Dirac scalar (four kinds) likewise.
  for (const bool dirac : {false, true}) {
    CAPTURE(dirac);
    auto s = at(-3.5, -2.3);
    if (dirac) s.interaction.nature = nusi::neutrino_nature::dirac;
    const nusi::mass_state_model<double> model(s);
    const auto o = bins(400);
    const auto grid = nusi::make_mass_state_energy_grid(model, o.energy);
    nusi::mass_state_kernel_options<double> apart, apart_fine;
    apart.target_energies_together = false;
    apart_fine.target_energies_together = false;
    apart_fine.fewest_gauss_points = 3;
    const nusi::mass_state_kernel<double> together(model.scattering(), model.relic(), grid, nusi::kernel_scope::above_threshold);
    const nusi::mass_state_kernel<double> one_by_one(model.scattering(), model.relic(), grid, nusi::kernel_scope::above_threshold, apart);
    const nusi::mass_state_kernel<double> fine(model.scattering(), model.relic(), grid, nusi::kernel_scope::above_threshold, apart_fine);
    const gain_change change = gains_apart(together, one_by_one);
    CHECK(change.largest > 0);  // the targets are taken together
    CHECK(change.relative < 1e-9);
    const auto F_together = nusi::mass_state_fractions_above_threshold<double, nusi::pinched_spectrum<double>>(model, anti_e, o);
    const auto F_apart = nusi::mass_state_fractions_above_threshold<double, nusi::pinched_spectrum<double>>(model, anti_e, o, apart);
    REQUIRE(F_apart.detected.value > 1e-3);
    CHECK(F_together.detected.value == rel(F_apart.detected.value, 1e-9));
    CHECK(F_together.all_neutrinos.value == rel(F_apart.all_neutrinos.value, 1e-9));
    const auto F_fine = nusi::mass_state_fractions_above_threshold<double, nusi::pinched_spectrum<double>>(model, anti_e, o, apart_fine);
    MESSAGE("F: together - 3-point " << F_together.detected.value - F_fine.detected.value << ", one by one - 3-point "
                                     << F_apart.detected.value - F_fine.detected.value);
    CHECK(std::abs(F_together.detected.value - F_fine.detected.value) < std::abs(F_apart.detected.value - F_fine.detected.value));
  }
}

TEST_CASE("mass states: narrow thermal states take fewer target energies, and F keeps the 12-node value to 1e-9") {
  // A Gauss rule in ln x over a state whose x spreads by a few percent converges with a few nodes: the states at 8.6 and
  // 50 meV (spreads 0.04 and 0.007) take thermal_shape_nodes_narrow (3), the massless one (0.68) thermal_shape_nodes.
  // Against every state at 12 nodes, with the wide state at 12 too (so only the narrow rule differs): F by flavour to
  // 1e-9, near the bound where the lines matter (massless lightest, normal ordering) and with all states narrow.
  const auto T = nusi::eV(1.6764e-4);
  nusi::mass_state_kernel_options<double> rule;
  CHECK(nusi::mass_state_kernel<double>::thermal_shape_nodes_of(nusi::target_energy_distribution<double>(0.0, T), rule) == 6);
  CHECK(nusi::mass_state_kernel<double>::thermal_shape_nodes_of(nusi::target_energy_distribution<double>(nusi::eV(8.6e-3), T), rule) == 3);
  CHECK(nusi::mass_state_kernel<double>::thermal_shape_nodes_of(nusi::target_energy_distribution<double>(nusi::eV(0.05), T), rule) == 3);
  for (const double lightest_eV : {0.0, 0.01}) {
    CAPTURE(lightest_eV);
    auto s = at(-3.5, -2.3);
    s.spectrum.lightest_mass_eV = lightest_eV;
    const nusi::mass_state_model<double> model(s);
    nusi::mass_state_kernel_options<double> narrow, reference;
    narrow.thermal_shape_nodes = reference.thermal_shape_nodes = reference.thermal_shape_nodes_narrow = 12;
    const auto o = bins(400);
    const auto Fn = nusi::mass_state_fractions_above_threshold<double, nusi::pinched_spectrum<double>>(model, anti_e, o, narrow);
    const auto Fr = nusi::mass_state_fractions_above_threshold<double, nusi::pinched_spectrum<double>>(model, anti_e, o, reference);
    REQUIRE(Fr.detected.value > 1e-3);
    for (std::size_t a = 0; a < 3; ++a) CHECK(std::abs(Fn.by_flavour[a].value - Fr.by_flavour[a].value) <= 1e-9);
    CHECK(Fn.detected.value != Fr.detected.value);  // the narrow rule is used
  }
}

namespace {
// Keeps what a mass_state_block_sink receives: every block and column sum by (source, destination), and each source's
// count of deliveries.
struct recording_sink final : nusi::mass_state_block_sink<double> {
  std::size_t n = 0, S = 0;
  std::vector<double> blocks, sums;
  std::vector<int> delivered;
  std::mutex mutex;
  bool sums_given = false;
  void receive(std::size_t i0, std::size_t sources, std::size_t stride, const double* b, const double* column_sums) override {
    const std::lock_guard<std::mutex> lock(mutex);
    sums_given = column_sums != nullptr;
    for (std::size_t r = 0; r < sources; ++r) {
      const std::size_t i = i0 + r;
      ++delivered[i];
      for (std::size_t k = 0; k <= i; ++k) {
        std::copy_n(b + (r * stride + k) * S * S, S * S, blocks.data() + (i * n + k) * S * S);
        if (column_sums)
          for (std::size_t sp = 0; sp < S; ++sp) sums[(i * n + k) * S + sp] = column_sums[r * S * stride + sp * (i + 1) + k];
      }
    }
  }
};
}  // namespace

TEST_CASE("mass states: a block sink receives the stored kernel's blocks and column sums, bit for bit, on any thread count") {
  for (const bool thermal : {false, true})
    for (const auto scope : {nusi::kernel_scope::full, nusi::kernel_scope::above_threshold})
      for (const std::size_t threads : {1u, 2u}) {
        CAPTURE(thermal);
        CAPTURE(static_cast<int>(scope));
        CAPTURE(threads);
        const nusi::mass_state_model<double> model(nusi_test::near_bound_mass_states(thermal));
        nusi::energy_grid_options<double> eo;
        eo.bins = 45;  // tracked nodes not a multiple of the runs of source nodes
        const auto grid = nusi::make_mass_state_energy_grid(model, eo);
        const nusi::mass_state_kernel<double> stored(model.scattering(), model.relic(), grid, scope);
        REQUIRE(stored.stores_blocks());
        recording_sink sink;
        sink.n = stored.nodes();
        sink.S = stored.species();
        const std::size_t n = sink.n, S = sink.S;
        sink.blocks.assign(n * n * S * S, -1.0);
        sink.sums.assign(n * n * S, -1.0);
        sink.delivered.assign(n, 0);
        const nusi::mass_state_kernel<double> sunk(model.scattering(), model.relic(), grid, scope, {}, threads, sink);
        CHECK_FALSE(sunk.stores_blocks());
        CHECK(sink.sums_given == (scope == nusi::kernel_scope::full));
        CHECK(std::all_of(sink.delivered.begin(), sink.delivered.end(), [](int c) { return c == 1; }));
        std::size_t differing = 0;
        for (std::size_t i = 0; i < n; ++i)
          for (std::size_t k = 0; k <= i; ++k) {
            const double* B = stored.gain_block_per_cm(i, k);
            if (std::memcmp(B, sink.blocks.data() + (i * n + k) * S * S, S * S * sizeof(double)) != 0) ++differing;
            if (scope == nusi::kernel_scope::full) differing += nusi_test::column_sums_differing(B, S, sink.sums.data() + (i * n + k) * S);
          }
        CHECK(differing == 0);
        for (std::size_t k = 0; k < n; ++k)
          for (std::size_t s = 0; s < S; ++s) {
            CHECK(sunk.rate_per_cm(k, s) == stored.rate_per_cm(k, s));
            for (std::size_t b = 0; b < nusi::budget_index::count; ++b) CHECK(sunk.budget_per_cm(b, k, s) == stored.budget_per_cm(b, k, s));
          }
        std::vector<double> x(sunk.size(), 1.0), y(sunk.size());
        const std::vector<double> shifts{1e-22};
        CHECK_THROWS_WITH_AS(sunk.apply(x.data(), y.data()), doctest::Contains("stores_blocks()"), nusi::invalid_argument);
        CHECK_THROWS_WITH_AS(sunk.solve_shifted(std::span<const double>(shifts), x.data(), y.data()), doctest::Contains("stores_blocks()"),
                             nusi::invalid_argument);
        CHECK_THROWS_WITH_AS((void)sunk.gain_per_cm(0, 0, 0, 0), doctest::Contains("stores_blocks()"), nusi::invalid_argument);
        CHECK_THROWS_WITH_AS((void)sunk.gain_block_per_cm(0, 0), doctest::Contains("stores_blocks()"), nusi::invalid_argument);
      }
}

TEST_CASE("mass states: an exception from a block sink fails the kernel's construction, on any thread count") {
  struct failing_sink final : nusi::mass_state_block_sink<double> {
    void receive(std::size_t i0, std::size_t, std::size_t, const double*, const double*) override {
      if (i0 >= nusi::mass_state_kernel<double>::source_run) throw std::runtime_error("sink full at " + std::to_string(i0));
    }
  };
  const nusi::mass_state_model<double> model(nusi_test::near_bound_mass_states(false));
  nusi::energy_grid_options<double> eo;
  eo.bins = 30;
  const auto grid = nusi::make_mass_state_energy_grid(model, eo);
  for (const std::size_t threads : {1u, 2u, 3u}) {
    failing_sink sink;
    // The lowest failing run's exception, as on one thread.
    CHECK_THROWS_WITH_AS(nusi::mass_state_kernel<double>(model.scattering(), model.relic(), grid, nusi::kernel_scope::full, {}, threads, sink),
                         "sink full at 4", std::runtime_error);
  }
}

TEST_CASE("mass states: bad emission inputs are rejected by name") {
  const nusi::mass_state_model<double> model(at(-3.5, -2.0));
  const std::vector<emission_t> none;
  CHECK_THROWS_WITH_AS((nusi::mass_state_fractions_above_threshold<double, nusi::pinched_spectrum<double>>(model, none)),
                       doctest::Contains("emission.size()"), nusi::invalid_argument);
  std::vector<emission_t> negative = anti_e;
  negative[0].weight = -1;
  CHECK_THROWS_WITH_AS((nusi::mass_state_fractions_above_threshold<double, nusi::pinched_spectrum<double>>(model, negative)),
                       doctest::Contains("emission.weight"), nusi::invalid_argument);
  std::vector<emission_t> bad_probabilities = anti_e;
  bad_probabilities[0].mass_state_probabilities = std::array<double, 3>{0.5, 0.4, 0.2};
  CHECK_THROWS_WITH_AS((nusi::mass_state_fractions_above_threshold<double, nusi::pinched_spectrum<double>>(model, bad_probabilities)),
                       doctest::Contains("summing to 1"), nusi::invalid_argument);
  auto s = at(-3.5, -2.0);
  s.distance_cm = 0;
  CHECK_THROWS_WITH_AS(nusi::mass_state_model<double>{s}, doctest::Contains("distance_cm"), nusi::invalid_argument);
  nusi::mass_state_kernel_options<double> k;
  k.thermal_shape_nodes = 0;
  CHECK_THROWS_WITH_AS((nusi::mass_state_fractions_above_threshold<double, nusi::pinched_spectrum<double>>(model, anti_e, {}, k)),
                       doctest::Contains("thermal_shape_nodes"), nusi::invalid_argument);
  k.thermal_shape_nodes = 6;
  k.thermal_shape_nodes_narrow = 17;
  CHECK_THROWS_WITH_AS((nusi::mass_state_fractions_above_threshold<double, nusi::pinched_spectrum<double>>(model, anti_e, {}, k)),
                       doctest::Contains("thermal_shape_nodes_narrow"), nusi::invalid_argument);
  k.thermal_shape_nodes_narrow = 3;
  k.thermal_shape_narrow_spread = -0.1;
  CHECK_THROWS_WITH_AS((nusi::mass_state_fractions_above_threshold<double, nusi::pinched_spectrum<double>>(model, anti_e, {}, k)),
                       doctest::Contains("thermal_shape_narrow_spread"), nusi::invalid_argument);
  k.thermal_shape_narrow_spread = 0.1;
  k.fewest_gauss_points = 4;
  CHECK_THROWS_WITH_AS((nusi::mass_state_fractions_above_threshold<double, nusi::pinched_spectrum<double>>(model, anti_e, {}, k)),
                       doctest::Contains("fewest_gauss_points"), nusi::invalid_argument);
  const auto grid = nusi::make_mass_state_energy_grid(model, nusi::transport_options<double>{}.energy);
  CHECK_THROWS_WITH_AS((nusi::mass_state_kernel<double>(model.scattering(), model.relic(), grid, nusi::kernel_scope::full, k)),
                       doctest::Contains("fewest_gauss_points"), nusi::invalid_argument);
}

}  // namespace nusi_test_mass_states_transport
