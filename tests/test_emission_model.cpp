// SPDX-License-Identifier: MIT
// Time-dependent emission and flavour conversion (emission/supernova_model.hpp, flavor_conversion.hpp):
// interpolation, exact emitted energy and number against independent quadrature, the fluence of a
// model with a closed-form time integral and its convergence, the MSW survival probabilities against
// unitarity, number conservation of the conversion, and every rejection.
#include <doctest/doctest.h>

#include <cmath>
#include <cstddef>
#include <limits>
#include <optional>
#include <vector>

#include <boost/math/quadrature/gauss_kronrod.hpp>
#include <boost/math/special_functions/gamma.hpp>

#include <nusi/emission/supernova_model.hpp>
#include <nusi/mass_states/masses_and_mixing.hpp>

#include "test_support.hpp"

namespace nusi_test_emission_model {  // this file's own: the suite compiles in batches of files (tests/CMakeLists.txt)

using nusi_test::rel;

namespace {
const double MeV_per_erg = 1 / 1.602176634e-6;  // SI: e exact
using S = nusi::emission_sample<double>;

// L(t)/<E>(t) integrated by adaptive Gauss-Kronrod: independent of the closed form.
double quadrature_number(const nusi::flavor_emission<double>& e, double a, double b) {
  auto f = [&](double t) { return e.luminosity_erg_per_s(t) * MeV_per_erg / e.mean_energy_MeV(t); };
  return boost::math::quadrature::gauss_kronrod<double, 61>::integrate(f, a, b, 15, 1e-14);
}
}  // namespace

TEST_CASE("a flavour's L, <E> and alpha are linear between rows and the emission is 0 outside") {
  const nusi::flavor_emission<double> e({S{0.0, 1e52, 10, 2}, S{1.0, 3e52, 14, 3}, S{3.0, 1e52, 16, 2}});
  CHECK(e.luminosity_erg_per_s(0.25) == rel(1.5e52, 1e-15));
  CHECK(e.mean_energy_MeV(0.5) == rel(12.0, 1e-15));
  CHECK(e.alpha(2.0) == rel(2.5, 1e-15));
  CHECK(e.luminosity_erg_per_s(-0.1) == 0);
  CHECK(e.luminosity_erg_per_s(3.1) == 0);
  CHECK(e.mean_energy_MeV(5.0) == 16);  // the shape stays defined (the last row's)
  CHECK(e.number_rate_per_s(1.0) == rel(3e52 * MeV_per_erg / 14, 1e-15));
  CHECK(e.spectrum(0.5).alpha() == rel(2.5, 1e-15));
  CHECK(e.start_s() == 0);
  CHECK(e.end_s() == 3);
}

TEST_CASE("the emitted energy is the trapezoid sum and the number the exact integral of L/<E>") {
  const nusi::flavor_emission<double> e({S{-0.05, 0.0, 8, 2}, S{0.0, 2e52, 10, 2}, S{0.3, 6e52, 12, 2.5}, S{2.0, 2e52, 15, 3},
                                         S{10.0, 1e51, 15.000001, 3}});
  // L is linear between rows: the trapezoid sums are exact.
  const double energy = 0.05 * 1e52 + 0.3 * 4e52 + 1.7 * 4e52 + 8 * 1.05e52;
  CHECK(e.emitted_energy_erg() == rel(energy, 1e-14));
  CHECK(e.emitted_energy_erg(0.0, 0.3) == rel(0.3 * 4e52, 1e-14));
  CHECK(e.emitted_energy_erg(0.15, 0.15) == 0);
  // Number: against Gauss-Kronrod per row interval, both branches of the closed form (the last
  // interval's <E> changes by 7e-8 relative: the Taylor branch).
  const double rows[] = {-0.05, 0.0, 0.3, 2.0, 10.0};
  double total = 0;
  for (int i = 0; i < 4; ++i) {
    CAPTURE(i);
    const double q = quadrature_number(e, rows[i], rows[i + 1]);
    total += q;
    // 1e-13: the quadrature converges to ~1e-15 on these smooth ratios; the closed form is exact.
    CHECK(e.emitted_number(rows[i], rows[i + 1]) == rel(q, 1e-13));
  }
  CHECK(e.emitted_number() == rel(total, 1e-13));
  // A window inside an interval.
  CHECK(e.emitted_number(0.5, 1.5) == rel(quadrature_number(e, 0.5, 1.5), 1e-13));
}

TEST_CASE("the fluence of a constant number rate with <E> rising linearly has a closed form, and converges to it") {
  // dN/dt = A constant (L = A <E>), <E> = m0 -> m1 over T, alpha fixed: the time integral of the pinched
  // spectrum is (T/(m1 - m0)) (k/(k-1)) [Q(k-1, kE/m1) - Q(k-1, kE/m0)], k = alpha + 1.
  const double A = 1e57, m0 = 10, m1 = 20, T = 10, alpha = 2.2, k = alpha + 1;
  const double L0 = A * m0 / MeV_per_erg, L1 = A * m1 / MeV_per_erg;
  auto closed = [&](double E) {
    return (1 / (m1 - m0)) * (k / (k - 1)) * (boost::math::gamma_q(k - 1, k * E / m1) - boost::math::gamma_q(k - 1, k * E / m0));
  };
  for (int rows : {2, 5}) {  // one interval, and the same lines sampled at 5 rows
    CAPTURE(rows);
    std::vector<S> samples;
    for (int i = 0; i < rows; ++i) {
      const double s = double(i) / (rows - 1);
      samples.push_back({T * s, L0 + (L1 - L0) * s, m0 + (m1 - m0) * s, alpha});
    }
    const nusi::flavor_emission<double> e(samples);
    const nusi::flavor_flux<double> flux(nusi::supernova_flavor::nu_e_bar, {{1.0, std::make_shared<const nusi::flavor_emission<double>>(e)}});
    // Constant number rate: exactly A T, and the fluence's mean is the time average of <E>.
    CHECK(flux.emitted_number() == rel(A * T, 1e-14));
    std::vector<double> errors;
    for (std::size_t points : {1, 2, 3, 4, 6, 8}) {
      const auto f = flux.fluence({.time_points_per_interval = points});
      CHECK(f.mean_energy_MeV() == rel((m0 + m1) / 2, 1e-14));  // Gauss is exact for the linear <E>
      CHECK(f.number() == rel(A * T, 1e-14));
      double worst = 0;
      for (double E = 1; E < 100; E *= 1.07) worst = std::max(worst, std::abs(f.probability_density_per_MeV(E) - closed(E)) / closed(E));
      errors.push_back(worst);
    }
    CAPTURE(errors[0]);
    CAPTURE(errors[3]);
    // Gauss-Legendre: each added node divides the error by > 4, until the table's own error (2e-9 at
    // 512 nodes, test_emission_fluence) is reached.
    for (std::size_t i = 0; i + 1 < errors.size(); ++i) CHECK((errors[i + 1] < errors[i] / 4 || errors[i + 1] < 1e-8));
    CHECK(errors.back() < 1e-8);
  }
}

TEST_CASE("rows without light borrow the shape of their nearest lit row") {
  const nusi::flavor_emission<double> e({S{0.0, 0.0, 0, 0}, S{1.0, 1e52, 12, 3}, S{2.0, 1e52, 14, 2}, S{3.0, 0.0, 0, 0}});
  CHECK(e.mean_energy_MeV(0.0) == 12);
  CHECK(e.alpha(0.5) == 3);
  CHECK(e.mean_energy_MeV(3.0) == 14);
  CHECK(e.luminosity_erg_per_s(0.5) == rel(5e51, 1e-15));
  // The ramps count: 0.5 + 1 + 0.5 s of 1e52 erg/s.
  CHECK(e.emitted_energy_erg() == rel(2e52, 1e-15));
}

TEST_CASE("MSW survival probabilities are |U_e3|^2, |U_e2|^2 and |U_e1|^2: they add to one (unitarity)") {
  nusi::flavor_conversion<double> normal{.scheme = nusi::flavor_conversion_scheme::msw_normal};
  nusi::flavor_conversion<double> inverted{.scheme = nusi::flavor_conversion_scheme::msw_inverted};
  // Equal theta13 in both orderings, so that the three are the first row of one PMNS matrix.
  inverted.sin2_theta13_inverted_ordering = normal.sin2_theta13_normal_ordering;
  const double Ue3 = normal.electron_neutrino_survival(), Ue2 = inverted.electron_neutrino_survival();
  const double Ue1 = normal.electron_antineutrino_survival();
  CHECK(Ue1 + Ue2 + Ue3 == rel(1.0, 1e-15));
  CHECK(inverted.electron_antineutrino_survival() == Ue3);
  // nu_e mostly converts (p ~ 0.02 normal, 0.30 inverted); anti-nu_e survives 68% (normal).
  CHECK((Ue3 > 0.02 && Ue3 < 0.025 && Ue2 > 0.28 && Ue2 < 0.31 && Ue1 > 0.67 && Ue1 < 0.69));
  const nusi::flavor_conversion<double> none{};
  CHECK(none.electron_neutrino_survival() == 1);
  CHECK(none.source_weights(nusi::supernova_flavor::nu_x_bar)[2] == 1);
}

TEST_CASE("the default mixing angles are the masses-and-mixing header's: survival probabilities are |U_ei|^2 of its PMNS matrix") {
  // One source of the mixing parameters: the conversion's defaults against the first row of the PMNS
  // matrix that neutrino_spectrum builds from nufit_5_2 (an independent product of rotations).
  const nusi::neutrino_spectrum<double> no({.ordering = nusi::mass_ordering::normal});
  const nusi::neutrino_spectrum<double> io({.ordering = nusi::mass_ordering::inverted});
  const nusi::flavor_conversion<double> normal{.scheme = nusi::flavor_conversion_scheme::msw_normal};
  const nusi::flavor_conversion<double> inverted{.scheme = nusi::flavor_conversion_scheme::msw_inverted};
  const auto e = nusi::flavour::e;
  // 1e-14: sin and cos of the same angles multiplied in another order.
  CHECK(normal.electron_neutrino_survival() == rel(no.mixing_probability(e, 2), 1e-14));
  CHECK(normal.electron_antineutrino_survival() == rel(no.mixing_probability(e, 0), 1e-14));
  CHECK(inverted.electron_neutrino_survival() == rel(io.mixing_probability(e, 1), 1e-14));
  CHECK(inverted.electron_antineutrino_survival() == rel(io.mixing_probability(e, 2), 1e-14));
  // with_mixing takes another set (here a theta13 of 9 deg) and stays overridable member by member.
  auto other = nusi::nufit_5_2<double>(nusi::mass_ordering::normal);
  other.theta13_deg = 9;
  const auto c = nusi::flavor_conversion<double>::with_mixing(nusi::flavor_conversion_scheme::msw_normal, other);
  const nusi::neutrino_spectrum<double> nine({.ordering = nusi::mass_ordering::normal, .mixing = other});
  CHECK(c.electron_neutrino_survival() == rel(nine.mixing_probability(e, 2), 1e-14));
  nusi::flavor_conversion<double> set{.scheme = nusi::flavor_conversion_scheme::msw_normal};
  set.sin2_theta13_normal_ordering = 0.5;
  CHECK(set.electron_neutrino_survival() == 0.5);
  other.theta12_deg = 91;
  CHECK_THROWS_WITH_AS(nusi::flavor_conversion<double>::with_mixing(nusi::flavor_conversion_scheme::none, other),
                       doctest::Contains("mixing.theta12_deg"), nusi::invalid_argument);
}

TEST_CASE("conversion at the source conserves the number summed over the six species and mixes spectra linearly") {
  const nusi::flavor_emission<double> e({S{0.0, 8e52, 9, 3}, S{2.0, 2e52, 11, 3}});
  const nusi::flavor_emission<double> ebar({S{0.0, 6e52, 12, 2.5}, S{2.0, 2e52, 14, 2.5}});
  const nusi::flavor_emission<double> x({S{0.0, 5e52, 14, 2}, S{2.0, 2e52, 16, 2}});
  const nusi::supernova_model<double> model(e, ebar, x);
  for (auto scheme : {nusi::flavor_conversion_scheme::none, nusi::flavor_conversion_scheme::msw_normal,
                      nusi::flavor_conversion_scheme::msw_inverted}) {
    CAPTURE(nusi::scheme_name(scheme));
    const nusi::flavor_conversion<double> c{.scheme = scheme};
    using F = nusi::supernova_flavor;
    const double out = model.flux(F::nu_e, c).emitted_number() + model.flux(F::nu_e_bar, c).emitted_number() +
                       2 * model.flux(F::nu_x, c).emitted_number() + 2 * model.flux(F::nu_x_bar, c).emitted_number();
    const double in = e.emitted_number() + ebar.emitted_number() + 4 * x.emitted_number();
    CHECK(out == rel(in, 1e-14));  // sums of a few exact terms
    // nu_e after conversion: p nu_e + (1 - p) nu_x, at every time and in the fluence.
    const double p = c.electron_neutrino_survival();
    const auto flux = model.flux(F::nu_e, c);
    CHECK(flux.number_rate_per_s(0.7) == rel(p * e.number_rate_per_s(0.7) + (1 - p) * x.number_rate_per_s(0.7), 1e-14));
    const double E = 17;
    const double mixed = (p * e.number_rate_per_s(0.7) * e.spectrum(0.7).probability_density_per_MeV(E) +
                          (1 - p) * x.number_rate_per_s(0.7) * x.spectrum(0.7).probability_density_per_MeV(E)) /
                         flux.number_rate_per_s(0.7);
    CHECK(flux.spectrum(0.7).probability_density_per_MeV(E) == rel(mixed, 1e-13));
  }
  // The nu_e flux with conversion needs nu_x: a model without it says so.
  const nusi::supernova_model<double> only_e(e, std::nullopt, std::nullopt);
  CHECK(only_e.has_flavor(nusi::supernova_flavor::nu_e));
  CHECK_FALSE(only_e.has_flavor(nusi::supernova_flavor::nu_x_bar));
  CHECK_THROWS_WITH_AS(only_e.flux(nusi::supernova_flavor::nu_e, {.scheme = nusi::flavor_conversion_scheme::msw_normal}),
                       doctest::Contains("lacks the emitted nux"), nusi::invalid_argument);
  CHECK_THROWS_WITH_AS(only_e.emission(nusi::supernova_flavor::nu_e_bar), doctest::Contains("nuebar"), nusi::invalid_argument);
}

TEST_CASE("names of flavours and schemes round-trip, unknown names give nothing") {
  for (auto f : {nusi::supernova_flavor::nu_e, nusi::supernova_flavor::nu_e_bar, nusi::supernova_flavor::nu_x,
                 nusi::supernova_flavor::nu_x_bar})
    CHECK(nusi::parse_flavor(nusi::flavor_name(f)) == f);
  for (auto s : {nusi::flavor_conversion_scheme::none, nusi::flavor_conversion_scheme::msw_normal,
                 nusi::flavor_conversion_scheme::msw_inverted})
    CHECK(nusi::parse_scheme(nusi::scheme_name(s)) == s);
  CHECK_FALSE(nusi::parse_flavor("nutau").has_value());
  CHECK_FALSE(nusi::parse_scheme("msw").has_value());
}

TEST_CASE("the emission model rejects bad rows, windows and conversions by name") {
  using V = std::vector<S>;
  CHECK_THROWS_WITH_AS(nusi::flavor_emission<double>(V{S{0, 1e52, 15, 2}}), doctest::Contains("samples.size()"),
                       nusi::invalid_argument);
  CHECK_THROWS_WITH_AS(nusi::flavor_emission<double>(V{S{0, 1e52, 15, 2}, S{0, 1e52, 15, 2}}),
                       doctest::Contains("samples[1].time_s"), nusi::invalid_argument);
  CHECK_THROWS_WITH_AS(nusi::flavor_emission<double>(V{S{0, 1e52, 15, 2}, S{1e8, 1e52, 15, 2}}),
                       doctest::Contains("samples[1].time_s"), nusi::invalid_argument);
  // A step below a picosecond (a fuzzer's 1e-320 s once passed, and the fluence's time quadrature underflowed to 0).
  for (double step : {1e-320, 1e-13}) {
    CAPTURE(step);
    CHECK_THROWS_WITH_AS(nusi::flavor_emission<double>(V{S{0, 1e52, 15, 2}, S{step, 1e52, 15, 2}}),
                         doctest::Contains("samples[1].time_s must be >= the previous row's 0 + 1e-12 s"), nusi::invalid_argument);
  }
  CHECK_NOTHROW(nusi::flavor_emission<double>(V{S{0, 1e52, 15, 2}, S{1e-12, 1e52, 15, 2}}));
  // An emitted number below the smallest normal double: its quadrature weights would underflow.
  CHECK_THROWS_WITH_AS(nusi::flavor_emission<double>(V{S{0, 1e-305, 15, 2}, S{1e-9, 1e-305, 15, 2}}),  // 4e-310
                       doctest::Contains("emitted number and energy are finite and > 0"), nusi::invalid_argument);
  CHECK_THROWS_WITH_AS(nusi::flavor_emission<double>(V{S{0, -1, 15, 2}, S{1, 1e52, 15, 2}}),
                       doctest::Contains("samples[0].luminosity_erg_per_s"), nusi::invalid_argument);
  CHECK_THROWS_WITH_AS(nusi::flavor_emission<double>(V{S{0, 1e52, 0, 2}, S{1, 1e52, 15, 2}}),
                       doctest::Contains("samples[0].mean_energy_MeV"), nusi::invalid_argument);
  CHECK_THROWS_WITH_AS(nusi::flavor_emission<double>(V{S{0, 1e52, 15, -1.5}, S{1, 1e52, 15, 2}}),
                       doctest::Contains("samples[0].alpha"), nusi::invalid_argument);
  CHECK_THROWS_WITH_AS(nusi::flavor_emission<double>(V{S{0, 0, 15, 2}, S{1, 0, 15, 2}}),
                       doctest::Contains("at least one row with luminosity_erg_per_s > 0"), nusi::invalid_argument);
  CHECK_THROWS_WITH_AS(nusi::flavor_emission<double>(V{S{0, 1e304, 15, 2}, S{1, 1e304, 15, 2}}),
                       doctest::Contains("finite in MeV/s"), nusi::invalid_argument);
  // 1e302 erg/s is 6e307 MeV/s; over 1e-3 MeV the number rate overflows.
  CHECK_THROWS_WITH_AS(nusi::flavor_emission<double>(V{S{0, 1e302, 15, 2}, S{1e-9, 0, 1e-3, 2}}),
                       doctest::Contains("number rate L/<E> is finite"), nusi::invalid_argument);
  const nusi::flavor_emission<double> e(V{S{0, 1e52, 15, 2}, S{1, 1e52, 15, 2}});
  CHECK_THROWS_WITH_AS(e.emitted_number(2.0, 1.0), doctest::Contains("from_s"), nusi::invalid_argument);
  CHECK_THROWS_WITH_AS(e.luminosity_erg_per_s(std::nan("")), doctest::Contains("time_s"), nusi::invalid_argument);
  const nusi::supernova_model<double> model(std::nullopt, e, std::nullopt);
  const auto flux = model.flux(nusi::supernova_flavor::nu_e_bar);
  CHECK_THROWS_WITH_AS(flux.fluence({.from_s = 5, .to_s = 6}), doctest::Contains("with emission"), nusi::invalid_argument);
  CHECK_THROWS_WITH_AS(flux.fluence({.time_points_per_interval = 0}), doctest::Contains("time_points_per_interval"),
                       nusi::invalid_argument);
  CHECK_THROWS_WITH_AS(flux.spectrum(4.0), doctest::Contains("time_s"), nusi::invalid_argument);
  CHECK_THROWS_WITH_AS(model.flux(nusi::supernova_flavor::nu_e_bar, {.sin2_theta12 = 1.5}), doctest::Contains("conversion.sin2_theta12"),
                       nusi::invalid_argument);
  CHECK_THROWS_WITH_AS(nusi::supernova_model<double>(std::nullopt, std::nullopt, std::nullopt), doctest::Contains("at least one"),
                       nusi::invalid_argument);
}

}  // namespace nusi_test_emission_model
