// SPDX-License-Identifier: MIT
// Scattering of mass states (include/nusi/mass_states/scattering.hpp) against independent computations: the squared
// amplitude of every process and helicity configuration from explicit spinors (tests/mass_state_amplitudes.hpp), the
// optical theorem at the resonance, the contact (four-fermion) limits in closed form, the totals against quadrature of
// the differential cross sections, the shape integrals of all bases at once against adaptive quadrature, and the
// paper's Eq. (4) for one Dirac state.
#include <array>
#include <cmath>
#include <complex>
#include <numbers>
#include <vector>

#include <boost/math/quadrature/gauss_kronrod.hpp>
#include <doctest/doctest.h>

#include <nusi/cross_sections.hpp>
#include <nusi/mass_states/scattering.hpp>

#include "mass_state_amplitudes.hpp"
#include "test_support.hpp"

namespace nusi_test_mass_states_scattering {  // this file's own: the suite compiles in batches of files (tests/CMakeLists.txt)

namespace {
using nusi_test::rel;
namespace amp = nusi_test::amplitudes;

nusi::neutrino_spectrum<double> spectrum_with(double theta12, double theta13, double theta23, double delta, double lightest_eV) {
  nusi::neutrino_spectrum_options<double> o;
  o.mixing = nusi::mixing_parameters<double>{theta12, theta13, theta23, delta, 7.41e-5, 2.507e-3};
  o.lightest_mass_eV = lightest_eV;
  return nusi::neutrino_spectrum<double>(o);
}

amp::model model_of(nusi::neutrino_nature nature, nusi::mediator_kind kind) {
  if (nature == nusi::neutrino_nature::majorana)
    return kind == nusi::mediator_kind::scalar ? amp::model::majorana_scalar : amp::model::majorana_vector;
  return kind == nusi::mediator_kind::scalar ? amp::model::dirac_scalar : amp::model::dirac_vector;
}

// Helicity and particle type of a kind (scattering.hpp's neutrino_kind).
int helicity_of(unsigned kind) { return kind == 0 || kind == 3 ? +1 : -1; }
amp::particle particle_of(unsigned kind, nusi::neutrino_nature nature) {
  if (nature == nusi::neutrino_nature::majorana) return amp::particle::majorana;
  return kind == 0 || kind == 2 ? amp::particle::antineutrino : amp::particle::neutrino;
}
}  // namespace

TEST_CASE("every process and helicity configuration equals the explicit-spinor squared amplitude, all four models") {
  // Couplings: a non-universal pattern (e-mu-tau off-diagonal entries) with mixing, so that every G_ij differs.
  // Dirac: delta = 232 deg, complex Hermitian G, exact. Majorana: delta = 0 (real G), where the model is exact.
  auto pattern = nusi::flavour_coupling_pattern<double>::diagonal(1.0, 0.6, 0.3);
  pattern.entries[0][1] = pattern.entries[1][0] = 0.2;
  pattern.entries[1][2] = pattern.entries[2][1] = -0.15;
  // E = 1 eV: the explicit spinors then lose only ~E/(m(1 - y)) ~ 1e3 ulps in the chains (at supernova energies the
  // invariants t ~ -A(1 - y) would come from components ~E^2/|t| ~ 1e9 times larger).
  const double E = 1e-6;
  for (auto nature : {nusi::neutrino_nature::majorana, nusi::neutrino_nature::dirac})
    for (auto kind : {nusi::mediator_kind::scalar, nusi::mediator_kind::vector}) {
      CAPTURE(static_cast<int>(nature));
      CAPTURE(static_cast<int>(kind));
      const auto spectrum = spectrum_with(33.4, 8.6, 42.2, nature == nusi::neutrino_nature::dirac ? 232.0 : 0.0, 0.02);
      for (double M : {1.5e-7, 1.2e-6}) {  // below and above sqrt(s) = 2e-7..3.3e-7 MeV
        nusi::mass_state_interaction<double> in;
        in.med = {.mass_MeV = M, .coupling = 0.7, .kind = kind};  // large g: a wide line, every term of similar size
        in.nature = nature;
        in.pattern = pattern;
        const nusi::mass_state_scattering<double> sc(in, spectrum);
        std::array<std::array<std::complex<double>, 3>, 3> G;
        for (std::size_t i = 0; i < 3; ++i)
          for (std::size_t j = 0; j < 3; ++j) G[i][j] = sc.coupling(i, j);
        std::size_t compared = 0;
        for (std::size_t projectile = 0; projectile < sc.species(); ++projectile)
          for (std::size_t b = 0; b < 3; ++b)
            for (std::size_t t = 0; t < sc.target_kinds(); ++t) {
              const double m = spectrum.mass_MeV(b);
              for (double y : {0.07, 0.5, 0.93}) {
                const auto k = amp::make_kinematics(E, m, y);
                const auto kin = sc.kinematics(b, k.s);
                for (const auto& p : sc.processes(projectile, b, t)) {
                  const unsigned k1 = static_cast<unsigned>(projectile % sc.kinds());
                  const unsigned k3 = static_cast<unsigned>(p.product3 % sc.kinds()), k4 = static_cast<unsigned>(p.product4 % sc.kinds());
                  amp::process pr{model_of(nature, kind), particle_of(k1, nature),
                                  nature == nusi::neutrino_nature::majorana
                                      ? amp::particle::majorana
                                      : (sc.target_kind(t) == nusi::relic_target_kind::neutrino ? amp::particle::neutrino
                                                                                                : amp::particle::antineutrino),
                                  projectile / sc.kinds(), b, p.product3 / sc.kinds(), p.product4 / sc.kinds(),
                                  helicity_of(k1), helicity_of(k3), helicity_of(k4)};
                  const bool identical = particle_of(k3, nature) == particle_of(k4, nature);
                  const double explicit_value = amp::squared_amplitude(pr, k, G, M, sc.width_MeV()) /
                                                (16 * std::numbers::pi * (k.s - m * m)) * (identical ? 0.5 : 1.0);
                  // Kinematic invariants from the explicit momenta agree with t = -A(1 - y) to ~1e-15 relative; the
                  // spinor algebra rounds at ~1e-14 of the largest term.
                  CHECK(sc.differential_cross_section_per_MeV2(p, kin, y) == rel(explicit_value, 1e-10));
                  ++compared;
                }
              }
            }
        CHECK(compared > 100);
      }
    }
}

TEST_CASE("helicity configurations the library omits have zero explicit amplitude") {
  // Majorana scalar, kind 0 projectile: (h3, h4) = (+,+) s only, (-,+) t, (+,-) u, (-,-) all: all four occur, so check
  // the vector instead, where (-,-) must vanish; and the Dirac vector, where only (+,-) on neutrinos occurs.
  const auto spectrum = spectrum_with(33.4, 8.6, 42.2, 0.0, 0.02);
  std::array<std::array<std::complex<double>, 3>, 3> G{};
  for (std::size_t i = 0; i < 3; ++i) G[i][i] = 0.5;
  const auto k = amp::make_kinematics(1e-6, spectrum.mass_MeV(1), 0.4);
  amp::process mv{amp::model::majorana_vector, amp::particle::majorana, amp::particle::majorana, 1, 1, 1, 1, +1, -1, -1};
  const double reference = amp::squared_amplitude({amp::model::majorana_vector, amp::particle::majorana, amp::particle::majorana,
                                                   1, 1, 1, 1, +1, +1, -1}, k, G, 3e-7, 1e-9);
  CHECK(amp::squared_amplitude(mv, k, G, 3e-7, 1e-9) < 1e-20 * reference);  // chirality: exactly zero up to rounding
  amp::process dv{amp::model::dirac_vector, amp::particle::antineutrino, amp::particle::neutrino, 1, 1, 1, 1, +1, -1, -1};
  CHECK(amp::squared_amplitude(dv, k, G, 3e-7, 1e-9) < 1e-20 * reference);
}

TEST_CASE("at the pole the s-channel cross section obeys the optical theorem: 8, 4, 24 and 24 pi/M^2") {
  // Tree-level unitarity of the Breit-Wigner: Im M(forward elastic) = (s - m^2) sigma_tot at s = M^2, with
  // Im M = G^2 <|chain|^2>/(M Gamma): <|v2 u1|^2> = (s - m^2)/2 (scalar), (s - m^2) (vector): sigma = c pi/M^2 with
  // c = 16/2 (Majorana scalar, Gamma = G^2 M/16 pi), 8/2 (Dirac scalar), 24 (vector). One coupled state, s only.
  const auto spectrum = spectrum_with(0, 0, 0, 0, 0.05);
  const double M = 1e-3, m = spectrum.mass_MeV(0);
  for (auto nature : {nusi::neutrino_nature::majorana, nusi::neutrino_nature::dirac})
    for (auto kind : {nusi::mediator_kind::scalar, nusi::mediator_kind::vector}) {
      nusi::mass_state_interaction<double> in;
      in.med = {.mass_MeV = M, .coupling = 1e-4, .kind = kind};
      in.nature = nature;
      in.channels = nusi::channel_set::s;
      in.pattern = nusi::flavour_coupling_pattern<double>::single(nusi::flavour::e);
      const nusi::mass_state_scattering<double> sc(in, spectrum);
      const double s = M * M;
      double sigma = 0;
      for (std::size_t t = 0; t < sc.target_kinds(); ++t) sigma += sc.total_cross_section_cm2(0, 0, t, s);
      const double c = kind == nusi::mediator_kind::vector ? 24 : (nature == nusi::neutrino_nature::majorana ? 8 : 4);
      // The model takes the final neutrinos massless (in |M|^2, the phase space and the width), the optical theorem
      // holds for the massive elastic final state: they may differ by O(m^2/s) = 2.5e-9 here.
      CHECK(sigma == rel(nusi::per_MeV2_to_cm2(c * std::numbers::pi / (M * M)), 2 * m * m / s));
    }
}

TEST_CASE("for M^2 >> s every model tends to its contact cross section, with corrections of order s/M^2") {
  // One state, G = g (U = 1, single flavour): hand-derived four-fermion totals (docs/physics.md, "Contact limit"),
  // with A = s - m^2: Majorana scalar g^4 (5s + m^2)/(192 pi M^4); Majorana vector g^4 (5s + m^2)/(12 pi M^4);
  // Dirac scalar on nu g^4 (5s + m^2)/(96 pi M^4), on anti-nu g^4 (5A/6 + m^2)/(32 pi M^4);
  // Dirac vector on nu g^4 (2A + 3m^2)/(12 pi M^4), on anti-nu g^4 s/(4 pi M^4).
  const auto spectrum = spectrum_with(0, 0, 0, 0, 0.05);
  const double m = spectrum.mass_MeV(0), m2 = m * m, E = 20.0, s = m2 + 2 * E * m, A = s - m2, g = 0.3, pi = std::numbers::pi;
  struct expectation {
    nusi::neutrino_nature nature;
    nusi::mediator_kind kind;
    std::size_t target;
    double value_M4;  // sigma M^4 [MeV^2]
  };
  const double g4 = g * g * g * g;
  const expectation cases[] = {
      {nusi::neutrino_nature::majorana, nusi::mediator_kind::scalar, 0, g4 * (5 * s + m2) / (192 * pi)},
      {nusi::neutrino_nature::majorana, nusi::mediator_kind::vector, 0, g4 * (5 * s + m2) / (12 * pi)},
      {nusi::neutrino_nature::dirac, nusi::mediator_kind::scalar, 0, g4 * (5 * s + m2) / (96 * pi)},
      {nusi::neutrino_nature::dirac, nusi::mediator_kind::scalar, 1, g4 * (5 * A / 6 + m2) / (32 * pi)},
      {nusi::neutrino_nature::dirac, nusi::mediator_kind::vector, 0, g4 * (2 * A + 3 * m2) / (12 * pi)},
      {nusi::neutrino_nature::dirac, nusi::mediator_kind::vector, 1, g4 * s / (4 * pi)},
  };
  for (const auto& c : cases) {
    CAPTURE(static_cast<int>(c.nature));
    CAPTURE(static_cast<int>(c.kind));
    CAPTURE(c.target);
    double previous = 0;
    for (double ratio : {1e2, 1e3, 1e4}) {  // M^2/s
      nusi::mass_state_interaction<double> in;
      in.med = {.mass_MeV = std::sqrt(ratio * s), .coupling = g, .kind = c.kind};
      in.nature = c.nature;
      in.convention = nusi::coupling_convention::lagrangian;
      in.pattern = nusi::flavour_coupling_pattern<double>::single(nusi::flavour::e);
      const nusi::mass_state_scattering<double> sc(in, spectrum);
      const double M4 = ratio * s * ratio * s;
      const double deviation = nusi::cm2_to_per_MeV2(sc.total_cross_section_cm2(0, 0, c.target, s)) * M4 / c.value_M4 - 1;
      CAPTURE(ratio);
      CAPTURE(deviation);
      CHECK(std::abs(deviation) < 3 / ratio);  // O(s/M^2) with an O(1) coefficient
      if (previous != 0) CHECK(std::abs(deviation) < std::abs(previous) / 5);  // and it shrinks like 1/M^2 (x10 per step)
      previous = deviation;
    }
  }
}

TEST_CASE("closed-form totals equal quadrature of the differential cross sections, on both sides of the a = 1 switch") {
  const auto spectrum = spectrum_with(33.4, 8.6, 42.2, 0.0, 0.05);
  const double m = spectrum.mass_MeV(2), E = 10.0, s = m * m + 2 * E * m;
  for (auto nature : {nusi::neutrino_nature::majorana, nusi::neutrino_nature::dirac})
    for (auto kind : {nusi::mediator_kind::scalar, nusi::mediator_kind::vector})
      for (double a : {1e-9, 1e-3, 0.5, 0.999, 1.001, 4.0, 1e3}) {  // a = M^2/A
        CAPTURE(static_cast<int>(nature));
        CAPTURE(static_cast<int>(kind));
        CAPTURE(a);
        nusi::mass_state_interaction<double> in;
        in.med = {.mass_MeV = std::sqrt(a * (s - m * m)), .coupling = 0.3, .kind = kind};
        in.nature = nature;
        const nusi::mass_state_scattering<double> sc(in, spectrum);
        const auto kin = sc.kinematics(2, s);
        for (const auto& p : sc.processes(0, 2, 0)) {
          auto f = [&](double y) { return sc.differential_cross_section_per_MeV2(p, kin, y); };
          // Peaks of width a at y = 0 and 1: split geometrically (factors of 2 from a/4 to 1/2 on both sides) so that each
          // Gauss-Kronrod piece is smooth on its own scale.
          std::vector<double> edges{0.0};
          for (double e = a / 4; e < 0.5; e *= 2) edges.push_back(e);
          edges.push_back(0.5);
          for (std::size_t i = edges.size() - 1; i-- > 1;) edges.push_back(1 - edges[i]);
          edges.push_back(1.0);
          double quad = 0;
          for (std::size_t i = 0; i + 1 < edges.size(); ++i)
            quad += boost::math::quadrature::gauss_kronrod<double, 61>::integrate(f, edges[i], edges[i + 1], 8, 1e-15);
          // Closed forms (J1..J7) against adaptive quadrature: the quadrature's sum over up to 64 pieces of a peak of
          // width 1e-9 carries ~3e-11 (the closed form agrees with 40-digit arithmetic to rounding, docs/validation.md).
          CHECK(sc.cross_section_per_MeV2(p, kin) == rel(quad, 1e-10));
        }
      }
}

TEST_CASE("one Dirac state with the paper's coupling convention has the paper's s-channel cross section, Eq. (4)") {
  // Paper: sigma = g^4 s^2/(4 pi D(s) (s + m^2)) with s = 2 E m (m^2 dropped in D), Gamma = g^2 M/(4 pi); the
  // mass-state model (massless final states): g^4 s/(4 pi D(s)). At the paper's s they differ by exactly the factor
  // (s + m^2)/s, i.e. m^2/s = m/(2E) = 2.5e-9 at 10 MeV. (At the true s = m^2 + 2 E m the shift m^2 in D also counts:
  // at E = 1 MeV, M = 10^-3.5 MeV the paper's s sits on the pole and m^2 = 8e-4 M Gamma away changes sigma by 6e-7.)
  const auto spectrum = spectrum_with(0, 0, 0, 0, 0.05);
  for (double log10_M : {-6.0, -3.5, -3.0, -2.5})
    for (double E : {1.0, 10.0, 60.0}) {
      CAPTURE(log10_M);
      CAPTURE(E);
      const double M = std::pow(10.0, log10_M), g = 0.02;
      nusi::mass_state_interaction<double> in;
      in.med = {.mass_MeV = M, .coupling = g};
      in.nature = nusi::neutrino_nature::dirac;
      in.channels = nusi::channel_set::s;
      in.pattern = nusi::flavour_coupling_pattern<double>::single(nusi::flavour::e);
      const nusi::mass_state_scattering<double> sc(in, spectrum);
      const double m = spectrum.mass_MeV(0), s_paper = 2 * E * m;
      const nusi::s_channel_breit_wigner<double> paper(nusi::mediator<double>{.mass_MeV = M, .coupling = g}, m);
      CHECK(sc.width_MeV() == rel(paper.width_MeV(), 1e-15));
      const double sigma = sc.total_cross_section_cm2(0, 0, 0, s_paper);
      CHECK(sigma * s_paper / (s_paper + m * m) == rel(paper.sigma_total_cm2(E), 1e-12));
      CHECK(sigma == rel(paper.sigma_total_cm2(E), 1.01 * m * m / s_paper));
    }
}

TEST_CASE("the two coupling conventions describe the same physics: sigma(paper, g) = sigma(lagrangian, c g)") {
  const auto spectrum = spectrum_with(33.4, 8.6, 42.2, 0.0, 0.03);
  for (auto nature : {nusi::neutrino_nature::majorana, nusi::neutrino_nature::dirac})
    for (auto kind : {nusi::mediator_kind::scalar, nusi::mediator_kind::vector}) {
      nusi::mass_state_interaction<double> paper, lagrangian;
      paper.med = {.mass_MeV = 1e-3, .coupling = 0.05, .kind = kind};
      paper.nature = lagrangian.nature = nature;
      lagrangian.med = paper.med;
      lagrangian.med.coupling = 0.05 * nusi::lagrangian_per_paper_coupling<double>(nature, kind);
      lagrangian.convention = nusi::coupling_convention::lagrangian;
      const nusi::mass_state_scattering<double> a(paper, spectrum), b(lagrangian, spectrum);
      const double s = 2 * 12.0 * spectrum.mass_MeV(1);
      for (std::size_t p = 0; p < a.species(); ++p)
        for (std::size_t t = 0; t < a.target_kinds(); ++t)
          CHECK(a.total_cross_section_cm2(p, 1, t, s) == rel(b.total_cross_section_cm2(p, 1, t, s), 1e-14));
    }
}

TEST_CASE("the mass-state interaction rejects bad members by name") {
  const auto spectrum = spectrum_with(33.4, 8.6, 42.2, 0.0, 0.03);
  nusi::mass_state_interaction<double> in;
  in.med.mass_MeV = -1;
  CHECK_THROWS_WITH_AS(nusi::mass_state_scattering<double>(in, spectrum), doctest::Contains("mass_MeV"), nusi::invalid_argument);
  in = {};
  in.med.vector_angular_factor = 2;
  CHECK_THROWS_WITH_AS(nusi::mass_state_scattering<double>(in, spectrum), doctest::Contains("vector_angular_factor"),
                       nusi::invalid_argument);
  in = {};
  in.pattern.entries[1][2] = 1;
  CHECK_THROWS_WITH_AS(nusi::mass_state_scattering<double>(in, spectrum), doctest::Contains("symmetric"), nusi::invalid_argument);
  in = {};
  in.channels = static_cast<nusi::channel_set>(7);
  CHECK_THROWS_WITH_AS(nusi::mass_state_scattering<double>(in, spectrum), doctest::Contains("channels"), nusi::invalid_argument);
}

TEST_CASE("shape integrals of all bases at once equal each basis's own adaptive quadrature, on both sides of a = 1") {
  using B = nusi::scattering_basis;
  std::vector<B> bases;
  for (std::size_t b = 0; b < nusi::detail::basis_count; ++b) bases.push_back(static_cast<B>(b));
  const double M2 = 1e-7;
  for (double a : {0.3, 1.0, 1.0001, 1.7, 4.0, 30.0, 1e3, 1e8})
    for (double beta : {0.0, 0.05, 2.0}) {
      CAPTURE(a);
      CAPTURE(beta);
      // A = M^2/a and m^2 = beta A: s = m^2 + A.
      const double A = M2 / a, m2 = beta * A;
      const nusi::scattering_kinematics<double> k{m2 + A, m2, M2, 1e-3 * M2};
      std::vector<double> together(bases.size());
      nusi::detail::shape_integrals(bases.data(), bases.size(), k, together.data());
      for (std::size_t b = 0; b < bases.size(); ++b) {
        CAPTURE(b);
        auto f = [&](double y) { return nusi::basis_shape(bases[b], y, k); };
        const double quad = boost::math::quadrature::gauss_kronrod<double, 61>::integrate(f, 0.0, 1.0, 10, 1e-15);
        // The shapes are smooth on [0, 1] (poles at -a and 1 + a); the s_st/s_su shapes carry 1/A: scale-free check.
        const double scale = boost::math::quadrature::gauss_kronrod<double, 61>::integrate([&](double y) { return std::abs(f(y)); }, 0.0, 1.0, 10, 1e-15);
        CHECK(std::abs(together[b] - quad) <= 1e-14 * scale);
        if (!(a > 1)) CHECK(together[b] == nusi::detail::shape_integral(bases[b], k));
      }
    }
}

}  // namespace nusi_test_mass_states_scattering
