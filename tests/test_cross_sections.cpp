// SPDX-License-Identifier: MIT
// cross_sections.hpp against the paper's formulas written out literally in long double (Eqs. 2-5),
// against independent Boost quadratures (tanh-sinh over cos t; adaptive Gauss-Kronrod over E split
// at the pole for bin averages), and against limits, scalings and kinematic identities.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <type_traits>
#include <utility>
#include <random>
#include <string>
#include <vector>

#include <boost/math/constants/constants.hpp>
#include <boost/math/quadrature/gauss_kronrod.hpp>
#include <boost/math/quadrature/tanh_sinh.hpp>

#include <nusi/cross_sections.hpp>

#include "test_support.hpp"

namespace nusi_test_cross_sections {  // this file's own: the suite compiles in batches of files (tests/CMakeLists.txt)

namespace {
using nusi_test::relative_error;
using nusi_test::rel;
using ld = long double;
const ld pi = boost::math::constants::pi<ld>();
const ld hc2 = nusi::hbar_c_squared_MeV2_cm2<ld>;
/// A relic mass that is a power of two (2^-24 MeV = 0.0596 eV, near the paper's 0.05 eV): then
/// s = 2 E m_nu is exact for binary E, and comparisons near the pole test the algorithm, not the
/// rounding of the input s (whose error the pole amplifies by s/|s - M^2|).
const ld m_exact = std::ldexp(1.0L, -24);

/// The paper's formulas exactly as printed (Eqs. 4, 5 and their cos-integral), in long double.
struct literal_bw {
  ld M, g, m;
  ld Gamma() const { return g * g * M / (4 * pi); }
  ld D(ld s) const {
    const ld u = s - M * M;
    return u * u + M * M * Gamma() * Gamma();
  }
  ld g4() const { return g * g * g * g; }
  ld dsigma_dcos(ld E, ld c) const {  // Eq. (4)
    const ld s = 2 * E * m, Ef = (s / 2) / (E * (1 - c) + m), r = Ef / (m * E);
    return g4() * s * s / (8 * pi * D(s)) * r * r * hc2;
  }
  ld flat(ld E) const {  // Eq. (5): (m_nu/E_f^2) dsigma/dcos
    const ld s = 2 * E * m;
    return g4() * m / (2 * pi * D(s)) * hc2;
  }
  ld total(ld E) const {  // Eq. (4) integrated over cos t in [-1, 1]
    const ld s = 2 * E * m;
    return g4() * s * s / (4 * pi * D(s) * (s + m * m)) * hc2;
  }
  ld E_res() const { return M * M / (2 * m); }
  ld half_width_E() const { return M * Gamma() / (2 * m); }
  // The same at E with offset u = E - E_res given separately, s - M^2 written as 2 m_nu u: near a
  // line of relative width Gamma/M ~ 1e-13, E - E_res recomputed from a rounded E would carry an
  // error ~ eps M/Gamma. (2 m_nu u = s - M^2 exactly when E_res is exact, as for dyadic M, m_nu.)
  ld D_offset(ld u) const {
    const ld su = 2 * m * u;
    return su * su + M * M * Gamma() * Gamma();
  }
  ld flat_at(ld, ld u) const { return g4() * m / (2 * pi * D_offset(u)) * hc2; }
  ld total_at(ld E, ld u) const {
    const ld s = 2 * E * m;
    return g4() * s * s / (4 * pi * D_offset(u) * (s + m * m)) * hc2;
  }
};

/// Average over E in [E1, E2] of f(E, E - E_res) by 61-point Gauss-Kronrod on pieces cut at E_res,
/// at E_res +- 2^j half-widths and at octaves of E: every piece is then no wider than its distance
/// to the poles at E_res +- i half-width and at s = -m_nu^2 (E = -m_nu/2), so each rule converges
/// geometrically (Bernstein ellipse >= 2.4 next to the pole, >= 5.8 elsewhere). Pieces within
/// E_res/2 of the pole are integrated over u = E - E_res (exact there), the others over E.
template <class F>
ld reference_bin_average(const literal_bw& bw, F f, ld E1, ld E2) {
  const ld Er = bw.E_res();
  struct cut {
    ld E, u;
  };
  std::vector<cut> cuts{{E1, E1 - Er}, {E2, E2 - Er}, {Er, 0}};
  for (ld d = bw.half_width_E(); d < E2; d *= 2) {
    cuts.push_back({Er - d, -d});
    cuts.push_back({Er + d, d});
  }
  for (ld e = 2 * E1; e < E2; e *= 2) cuts.push_back({e, e - Er});
  std::erase_if(cuts, [&](const cut& c) { return !(c.E >= E1 && c.E <= E2); });
  std::sort(cuts.begin(), cuts.end(), [](const cut& a, const cut& b) { return a.u < b.u; });
  using gk = boost::math::quadrature::gauss_kronrod<ld, 61>;
  ld sum = 0;
  for (std::size_t i = 0; i + 1 < cuts.size(); ++i) {
    const cut a = cuts[i], b = cuts[i + 1];
    if (!(b.u > a.u)) continue;
    if (std::fabs(a.u) <= Er / 2 && std::fabs(b.u) <= Er / 2)
      sum += gk::integrate([&](ld u) { return f(Er + u, u); }, a.u, b.u, 0);
    else
      sum += gk::integrate([&](ld E) { return f(E, E - Er); }, a.E, b.E, 0);
  }
  return sum / (E2 - E1);
}

template <class T>
nusi::mediator<T> med_of(ld M, ld g) {
  return nusi::mediator<T>{.mass_MeV = T(M), .coupling = T(g)};
}
}  // namespace

// ---------------------------------------------------------------------------------------------
// sigma(2nu -> 4nu), Eqs. (2)-(3)

TEST_CASE("sigma_2to4 is continuous at E_cm = M, where both branches equal kappa^4 g^8 / M^2") {
  for (double M : {1e-3, 1.0, 300.0}) {
    CAPTURE(M);
    const nusi::mediator<double> med{.mass_MeV = M, .coupling = 0.7};
    const double at_M = std::pow(1e-2 * 0.7 * 0.7, 4) / (M * M);
    const double below = nusi::sigma_2to4_per_MeV2(std::nextafter(M, 0.0), med);
    const double above = nusi::sigma_2to4_per_MeV2(std::nextafter(M, 2 * M), med);
    // One ulp in E moves E^6 by 6 ulp and E^-2 by 2 ulp; plus a few roundings: 16 eps.
    CHECK(relative_error(below, at_M) <= 16 * std::numeric_limits<double>::epsilon());
    CHECK(relative_error(above, at_M) <= 16 * std::numeric_limits<double>::epsilon());
    CHECK(relative_error(nusi::sigma_2to4_per_MeV2(M, med), at_M) <= 8 * std::numeric_limits<double>::epsilon());
  }
}

TEST_CASE("sigma_2to4 has log-log slope 6 below M and -2 above M (Eq. 3 is E_cm^-2, not E_cm^2)") {
  const nusi::mediator<double> med{.mass_MeV = 100.0, .coupling = 0.3};
  auto slope = [&](double E) {
    return std::log(nusi::sigma_2to4_per_MeV2(2 * E, med) / nusi::sigma_2to4_per_MeV2(E, med)) / std::log(2.0);
  };
  // Exact power laws: the slope over one octave is exact up to a few roundings of the ratio.
  for (double E : {1e-3, 1.0, 20.0, 49.0}) CHECK(relative_error(slope(E), 6.0) <= 1e-13);
  for (double E : {100.0, 1e3, 1e6}) CHECK(relative_error(slope(E), -2.0) <= 1e-13);
}

TEST_CASE("sigma_2to4 scales as g^8 and kappa^4 and, being an area, as energy^-2") {
  const nusi::mediator<double> med{.mass_MeV = 50.0, .coupling = 0.1};
  const nusi::mediator<double> med_2g{.mass_MeV = 50.0, .coupling = 0.2};
  const double eps = std::numeric_limits<double>::epsilon();
  for (double E : {10.0, 60.0}) {
    CAPTURE(E);
    const double s = nusi::sigma_2to4_per_MeV2(E, med);
    CHECK(relative_error(nusi::sigma_2to4_per_MeV2(E, med_2g), 256 * s) <= 16 * eps);  // 2^8
    CHECK(relative_error(nusi::sigma_2to4_per_MeV2(E, med, 2e-2), 16 * s) <= 16 * eps);  // 2^4
    // Rescaling every energy (E_cm and M) by 3 rescales a cross section by 1/9.
    const nusi::mediator<double> med_3M{.mass_MeV = 150.0, .coupling = 0.1};
    CHECK(relative_error(nusi::sigma_2to4_per_MeV2(3 * E, med_3M), s / 9) <= 16 * eps);
    // cm^2 is MeV^-2 times (hbar c)^2.
    CHECK(relative_error(nusi::sigma_2to4_cm2(E, med), s * nusi::hbar_c_squared_MeV2_cm2<double>) <= 4 * eps);
  }
}

TEST_CASE("a vector mediator multiplies sigma_2to4 and the Breit-Wigner by its angular factor") {
  nusi::mediator<double> vec{.mass_MeV = 1e-3, .coupling = 0.1, .kind = nusi::mediator_kind::vector,
                             .vector_angular_factor = 1.5};
  nusi::mediator<double> sca{.mass_MeV = 1e-3, .coupling = 0.1};
  const double eps = std::numeric_limits<double>::epsilon();
  CHECK(relative_error(nusi::sigma_2to4_cm2(10.0, vec), 1.5 * nusi::sigma_2to4_cm2(10.0, sca)) <= 4 * eps);
  const nusi::s_channel_breit_wigner<double> bv(vec), bs(sca);
  CHECK(relative_error(bv.sigma_total_cm2(7.0), 1.5 * bs.sigma_total_cm2(7.0)) <= 4 * eps);
  CHECK(relative_error(bv.bin_averaged_sigma_total_cm2(5.0, 15.0), 1.5 * bs.bin_averaged_sigma_total_cm2(5.0, 15.0)) <= 4 * eps);
  // The factor is ignored for a scalar.
  sca.vector_angular_factor = 7;
  CHECK(nusi::sigma_2to4_cm2(10.0, sca) == nusi::sigma_2to4_cm2(10.0, nusi::mediator<double>{1e-3, 0.1}));
}

// ---------------------------------------------------------------------------------------------
// Kinematics (paper, below Eq. 4)

TEST_CASE("E_f is E_i at cos t = 1 and E_f,min = (s/2)/(2 E_i + m_nu) at cos t = -1, exactly") {
  const nusi::s_channel_breit_wigner<double> bw(nusi::mediator<double>{1e-3, 0.1});
  const double m = bw.relic_mass_MeV();
  for (double E : {1e-9, 5e-8, 1e-3, 15.0, 1e4}) {
    CAPTURE(E);
    CHECK(bw.final_energy_MeV(E, 1.0) == E);
    CHECK(bw.final_energy_MeV(E, -1.0) == bw.min_final_energy_MeV(E));
    // E m/(2E + m) evaluated in long double: the two forms agree to a few roundings.
    CHECK(relative_error(bw.min_final_energy_MeV(E), double(ld(E) * m / (2 * ld(E) + m))) <= 8e-16);
    CHECK(bw.cos_angle(E, E) == 1.0);
    CHECK(bw.cos_angle(E, bw.min_final_energy_MeV(E)) == -1.0);
    CHECK(relative_error(bw.deflection_angle_rad(E, bw.min_final_energy_MeV(E)), boost::math::constants::pi<double>()) <= 4e-16);  // 2 asin(1), one rounding
  }
}

TEST_CASE("one_minus_cos_angle inverts final_energy_MeV to the conditioning of E_i - E_f") {
  const nusi::s_channel_breit_wigner<double> bw(nusi::mediator<double>{1e-3, 0.1});
  const double eps = std::numeric_limits<double>::epsilon(), m = bw.relic_mass_MeV();
  for (double E : {1e-7, 1e-3, 15.0}) {
    for (double omc : {1e-12, 1e-9, 1e-6, 1e-3, 0.5, 1.0, 1.75, 2.0}) {
      CAPTURE(E);
      CAPTURE(omc);
      const double c = 1 - omc;
      const double exact = double(1 - ld(c));  // 1 - c is exact: the input's own rounding is not tested
      const double Ef = bw.final_energy_MeV(E, c);
      // E_f = E/(1 + X), X = E (1 - cos)/m: E_f's rounding becomes a relative error ~ eps/X in E_i - E_f.
      const double X = E * exact / m;
      CHECK(relative_error(bw.one_minus_cos_angle(E, Ef), exact) <= 8 * eps * (1 + 1 / X));
      CHECK(Ef < E);
    }
  }
  // The deflection angle for a small angle t: 2 asin(sqrt((1 - cos t)/2)) = t.
  const double t = 1e-3, E = 2e-7;
  const double Ef = bw.final_energy_MeV(E, std::cos(t));
  CHECK(relative_error(bw.deflection_angle_rad(E, Ef), t) <= 1e-9);  // cos(t) rounding / X ~ 1e-10
}

TEST_CASE("Eq. 5 is the change of variables: dE_f/dcos t = E_f^2/m_nu, and dsigma/dcos = (E_f^2/m_nu) dsigma/dE_f") {
  std::mt19937_64 rng(20211230);
  std::uniform_real_distribution<double> u01(0, 1);
  const double eps = std::numeric_limits<double>::epsilon();
  for (int i = 0; i < 200; ++i) {
    const double M = std::pow(10.0, -6 + 6 * u01(rng)), g = std::pow(10.0, -6 + 6.5 * u01(rng));
    const double E = std::pow(10.0, -2 + 5 * u01(rng)), c = -1 + 2 * u01(rng);
    CAPTURE(M);
    CAPTURE(g);
    CAPTURE(E);
    CAPTURE(c);
    const nusi::s_channel_breit_wigner<double> bw(nusi::mediator<double>{M, g});
    const literal_bw ref{M, g, bw.relic_mass_MeV()};
    const double Ef = bw.final_energy_MeV(E, c), m = bw.relic_mass_MeV();
    const double dcos = bw.dsigma_dcos_cm2(E, c), dEf = bw.dsigma_dEf_cm2_per_MeV(E, Ef);
    CHECK(relative_error(dcos, Ef * Ef / m * dEf) <= 16 * eps);
    // Against Eq. (4) as printed: s = 2 E m is rounded, and the pole amplifies that by s/|s - M^2|.
    const ld s = 2 * ld(E) * m, amplification = 1 + s / std::fabs(s - ld(M) * M);
    CHECK(relative_error(dcos, double(ref.dsigma_dcos(E, c))) <= double(32 * eps * amplification));
    CHECK(relative_error(dEf, double(ref.flat(E))) <= double(32 * eps * amplification));
  }
  // The Jacobian itself, by a central difference of E_f(cos t) in long double (E_i/m_nu = 16, so
  // E_f varies on a scale ~0.06 in cos t; step 1e-6: truncation ~1e-9, rounding ~1e-13).
  const nusi::s_channel_breit_wigner<ld> bw(nusi::mediator<ld>{1e-3L, 0.1L}, m_exact);
  const ld E = 16 * m_exact, h = 1e-6L;
  for (ld c : {-0.9L, -0.3L, 0.2L, 0.7L, 0.99L}) {
    CAPTURE(c);
    const ld derivative = (bw.final_energy_MeV(E, c + h) - bw.final_energy_MeV(E, c - h)) / (2 * h);
    const ld Ef = bw.final_energy_MeV(E, c);
    CHECK(relative_error(double(derivative), double(Ef * Ef / m_exact)) <= 1e-8);
  }
}

TEST_CASE("dsigma/dE_f is flat on [E_f,min, E_i]") {
  const nusi::s_channel_breit_wigner<double> bw(nusi::mediator<double>{3e-4, 0.02});
  for (double E : {0.3, 0.9, 12.0}) {
    const double lo = bw.min_final_energy_MeV(E), h = bw.flat_dsigma_dEf_cm2_per_MeV(E);
    for (double Ef : {lo, std::sqrt(lo * E), 0.5 * E, E}) CHECK(bw.dsigma_dEf_cm2_per_MeV(E, Ef) == h);
  }
}

// ---------------------------------------------------------------------------------------------
// sigma_tot

TEST_CASE("sigma_tot equals the tanh-sinh integral of dsigma/dcos t over [-1, 1]") {
  boost::math::quadrature::tanh_sinh<ld> ts;
  // E_i/m_nu = 16 and 1024: the forward peak (width ~m_nu/E_i in cos t) is resolved by the long
  // double grid of cos t near 1. (At the supernova's E_i/m_nu ~ 1e8 no cos t grid can resolve it,
  // which is why the kernel is used in E_f, Eq. 5; that form is checked against sigma_tot below.)
  for (ld E_over_m : {16.0L, 1024.0L}) {
    const ld E = E_over_m * m_exact;
    for (ld s_over_M2 : {0.01L, 0.999L, 1.0L, 1.3L, 1e4L}) {
      for (ld g : {1e-6L, 0.1L, 2.0L}) {
        CAPTURE(E_over_m);
        CAPTURE(s_over_M2);
        CAPTURE(g);
        const ld M = std::sqrt(2 * E * m_exact / s_over_M2);
        const nusi::s_channel_breit_wigner<ld> bw(nusi::mediator<ld>{M, g}, m_exact);
        ld error = 0;
        const ld integral = ts.integrate([&](ld c) { return bw.dsigma_dcos_cm2(E, c); }, -1.0L, 1.0L, 1e-12L, &error);
        // tanh-sinh at tolerance 1e-12 is good to ~1e-18 for this analytic integrand (peaked at
        // cos t = 1 over a width m_nu/E_i); 1e-15 leaves room for the 1e6 peak-to-mean ratio.
        CHECK(relative_error(double(integral), double(bw.sigma_total_cm2(E))) <= 1e-15);
      }
    }
  }
}

TEST_CASE("sigma_tot = g^4 s^2/(4 pi D (s + m_nu^2)), whose leading term for E_i >> m_nu is the spec's g^4 s/(4 pi D)") {
  std::mt19937_64 rng(7);
  std::uniform_real_distribution<double> u01(0, 1);
  const double eps = std::numeric_limits<double>::epsilon();
  for (int i = 0; i < 200; ++i) {
    const double M = std::pow(10.0, -6 + 6 * u01(rng)), g = std::pow(10.0, -6 + 6.5 * u01(rng));
    const double E = std::pow(10.0, -7 + 10 * u01(rng));
    CAPTURE(M);
    CAPTURE(g);
    CAPTURE(E);
    const nusi::s_channel_breit_wigner<double> bw(nusi::mediator<double>{M, g});
    const literal_bw ref{M, g, bw.relic_mass_MeV()};
    const ld s = 2 * ld(E) * ref.m, amplification = 1 + s / std::fabs(s - ld(M) * M);
    const double sigma = bw.sigma_total_cm2(E);
    CHECK(relative_error(sigma, double(ref.total(E))) <= double(32 * eps * amplification));
    // Also the flat height times the E_f range: Eq. (5) integrated over [E_f,min, E_i].
    CHECK(relative_error(sigma, bw.flat_dsigma_dEf_cm2_per_MeV(E) * (E - bw.min_final_energy_MeV(E))) <= 16 * eps);
    // The spec's form exceeds it by exactly (s + m^2)/s = 1 + m_nu/(2 E_i).
    const ld spec = ref.g4() * s / (4 * pi * ref.D(s)) * hc2;
    CHECK(relative_error(double(spec / ref.total(E)), double(1 + ref.m / (2 * ld(E)))) <= 1e-15);
  }
}

TEST_CASE("sigma_tot tends to g^4/(4 pi s) (times s/(s + m_nu^2)) for M -> 0") {
  for (double g : {1e-6, 1e-2, 1.0}) {
    const nusi::s_channel_breit_wigner<double> bw(nusi::mediator<double>{1e-15, g});
    for (double E : {0.1, 15.0, 1e3}) {
      CAPTURE(g);
      CAPTURE(E);
      const double m = bw.relic_mass_MeV(), s = 2 * E * m;
      const double limit = g * g * g * g / (4 * boost::math::constants::pi<double>() * s) / (1 + m / (2 * E));
      // Corrections are O(M^2/s) ~ 1e-22, far below double rounding: 16 eps.
      CHECK(relative_error(bw.sigma_total_cm2(E), nusi::per_MeV2_to_cm2(limit)) <= 16 * std::numeric_limits<double>::epsilon());
    }
  }
}

TEST_CASE("the resonance peak is 4 pi/M^2 (times s/(s + m_nu^2)) whatever g, and dsigma/dE_f halves at s = M^2 +- M Gamma") {
  const double eps = std::numeric_limits<double>::epsilon(), m = double(m_exact);
  for (double M : {std::ldexp(1.0, -12), std::ldexp(1.0, -7), 0.25}) {
    const double E_res = M * M / (2 * m);  // exact: powers of two
    const double peak = nusi::per_MeV2_to_cm2(4 * boost::math::constants::pi<double>() / (M * M)) / (1 + m * m / (M * M));
    for (double g : {1e-6, 1e-3, 0.3, 3.0}) {
      CAPTURE(M);
      CAPTURE(g);
      const nusi::s_channel_breit_wigner<double> bw(nusi::mediator<double>{M, g}, m);
      CHECK(bw.resonance_energy_MeV() == E_res);
      CHECK(relative_error(bw.sigma_total_cm2(E_res), peak) <= 8 * eps);
      // Half maximum of the Lorentzian: E = E_res (1 +- Gamma/M). E is rounded; the line's slope
      // there turns that into a relative error ~ eps / (Gamma/M) in the height.
      const double gamma = g * g / (4 * boost::math::constants::pi<double>());
      if (gamma < 1) {
        for (double sign : {-1.0, 1.0}) {
          const double E = E_res * (1 + sign * gamma);
          CHECK(relative_error(bw.flat_dsigma_dEf_cm2_per_MeV(E), bw.flat_dsigma_dEf_cm2_per_MeV(E_res) / 2) <= 8 * eps * (1 + 1 / gamma));
        }
      }
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Bin averages

namespace {
struct bin_case {
  ld lo_over_E_res, hi_over_E_res;
  std::string what;
};
// Bins in units of E_res, all dyadic so that the edges are exact for binary E_res.
const bin_case bin_cases[] = {
    {1 - std::ldexp(1.0L, -10), 1 + std::ldexp(1.0L, -11), "narrow bin holding the pole"},
    {0.5L, 2.0L, "octave holding the pole"},
    {std::ldexp(1.0L, -10), std::ldexp(1.0L, 10), "20 octaves holding the pole"},
    {1 + std::ldexp(1.0L, -20), 1 + std::ldexp(1.0L, -8), "starts just above the pole"},
    {0.5L, 1 - std::ldexp(1.0L, -20), "ends just below the pole"},
    {1 + std::ldexp(1.0L, -10) * (1 - std::ldexp(1.0L, -7)), 1 + std::ldexp(1.0L, -9) * (1 - std::ldexp(1.0L, -8)),
     "distance 0.99 bin width above the pole (closed form)"},
    {1 + std::ldexp(1.0L, -10) * (1 + std::ldexp(1.0L, -7)), 1 + std::ldexp(1.0L, -9) * (1 + std::ldexp(1.0L, -8)),
     "distance 1.01 bin width above the pole (Gauss-Legendre)"},
    {1 - std::ldexp(1.0L, -9) * (1 - std::ldexp(1.0L, -8)), 1 - std::ldexp(1.0L, -10) * (1 - std::ldexp(1.0L, -7)),
     "distance 0.99 bin width below the pole (closed form)"},
    {1 - std::ldexp(1.0L, -9) * (1 + std::ldexp(1.0L, -8)), 1 - std::ldexp(1.0L, -10) * (1 + std::ldexp(1.0L, -7)),
     "distance 1.01 bin width below the pole (Gauss-Legendre)"},
    {std::ldexp(1.0L, -20), std::ldexp(1.0L, -19), "far below the pole, s ~ 1e-6 M^2"},
    {std::ldexp(1.0L, -30), std::ldexp(1.0L, -3), "27 octaves below the pole"},
    {std::ldexp(1.0L, 20), std::ldexp(1.0L, 21), "far above the pole, s ~ 1e6 M^2"},
    {std::ldexp(1.0L, 3), std::ldexp(1.0L, 25), "22 octaves above the pole"},
};
const ld masses_MeV[] = {std::ldexp(1.0L, -12), std::ldexp(1.0L, -10), 3 * std::ldexp(1.0L, -9), 0.25L};

// One check of both bin averages against the reference quadrature, tolerance in units of epsilon<T>.
template <class T>
void check_bin_averages(ld M, ld g, ld lo, ld hi, ld m, T tolerance_eps) {
  const nusi::s_channel_breit_wigner<T> bw(med_of<T>(M, g), T(m));
  const T E_lo = T(lo), E_hi = T(hi);  // the reference uses the same T-rounded inputs
  const literal_bw ref{ld(T(M)), ld(T(g)), ld(T(m))};
  const ld tot = reference_bin_average(ref, [&](ld E, ld u) { return ref.total_at(E, u); }, E_lo, E_hi);
  const ld flat = reference_bin_average(ref, [&](ld E, ld u) { return ref.flat_at(E, u); }, E_lo, E_hi);
  const T eps = std::numeric_limits<T>::epsilon();
  CHECK(relative_error(bw.bin_averaged_sigma_total_cm2(E_lo, E_hi), T(tot)) <= tolerance_eps * eps);
  CHECK(relative_error(bw.bin_averaged_dsigma_dEf_cm2_per_MeV(E_lo, E_hi), T(flat)) <= tolerance_eps * eps);
}
}  // namespace

TEST_CASE("bin averages equal an independent quadrature split at the pole, for every bin shape, M and g") {
  // Closed form and Gauss-Legendre are both evaluated in double in a handful of operations; the
  // worst of 5000 random bins (M 1e-7..10 MeV, g 1e-8..3) against a 100-digit closed form was 4 eps.
  for (ld M : masses_MeV) {
    const ld E_res = M * M / (2 * m_exact);
    for (ld g : {1e-6L, 1e-3L, 0.1L, 1.0L, 3.0L}) {
      for (const bin_case& b : bin_cases) {
        CAPTURE(double(M));
        CAPTURE(double(g));
        CAPTURE(b.what);
        check_bin_averages<double>(M, g, b.lo_over_E_res * E_res, b.hi_over_E_res * E_res, m_exact, 32.0);
      }
    }
  }
}

TEST_CASE("bin averages hold for bins reaching below E_i ~ m_nu, where s^2/(s + m_nu^2) has its pole nearby") {
  for (ld M : {std::ldexp(1.0L, -12), 0.25L}) {
    for (ld g : {1e-6L, 0.3L}) {
      CAPTURE(double(M));
      CAPTURE(double(g));
      check_bin_averages<double>(M, g, std::ldexp(1.0L, -40), std::ldexp(1.0L, -20), m_exact, 32.0);
      check_bin_averages<double>(M, g, std::ldexp(1.0L, -26), std::ldexp(1.0L, -23), m_exact, 32.0);
    }
  }
}

TEST_CASE("bin averages with the paper's m_nu = 0.05 eV match the quadrature at the Fig. 3 point and around it") {
  // 0.05 eV is not binary: s = 2 E m_nu is rounded, which the pole amplifies by s/|s - M^2| <= 1e3
  // for the bins with an edge outside the line.
  const ld M = std::pow(10.0L, -3.5L), g = std::pow(10.0L, -1.75L), m = 5e-8L, E_res = M * M / (2 * m);
  // The last three are ~1e-9 wide: their width must come from E_hi - E_lo, not from rounded s. The
  // one straddling the pole lies inside the line (Gamma/M = 2.5e-5), where the average hardly
  // depends on where exactly the edges sit.
  for (auto [lo, hi] : {std::pair{0.1L, 0.2L}, {0.9L, 1.1L}, {1.01L, 1.5L}, {5.0L, 100.0L}, {0.1L, 100.0L},
                        {10.0L, 10.00000001L}, {0.1L, 0.100000001L}, {0.999999999L, 1.000000001L}}) {
    CAPTURE(double(lo));
    CAPTURE(double(hi));
    check_bin_averages<double>(M, g, lo * E_res, hi * E_res, m, 3e3);
  }
}

TEST_CASE("a narrow bin's average converges to the point value at its centre at second order") {
  const nusi::s_channel_breit_wigner<double> bw(nusi::mediator<double>{1e-3, 0.05});
  for (double E : {0.5, 6.0, 40.0}) {  // E_res = 10 MeV, half-width 2e-3 MeV
    CAPTURE(E);
    double previous = 0;
    for (double h : {0.02, 0.01, 0.005}) {
      const double err = bw.bin_averaged_sigma_total_cm2(E * (1 - h), E * (1 + h)) / bw.sigma_total_cm2(E) - 1;
      // Midpoint rule: error ~ h^2 f''/6, so halving h divides it by 4 (to O(h^2) corrections).
      if (previous != 0) CHECK(relative_error(previous / err, 4.0) <= 0.02);
      previous = err;
    }
  }
}

TEST_CASE_TEMPLATE("float, double and long double give the same cross sections, each to its own precision", T, float,
                   double, long double) {
  // float is evaluated in double and rounded once: a few float eps. double: see the bin-average case.
  // long double: the same operation count, but the reference quadrature is itself good to ~1e-18.
  const T tolerance_eps = std::is_same_v<T, float> ? T(4) : (std::is_same_v<T, double> ? T(32) : T(512));
  const T eps = std::numeric_limits<T>::epsilon();
  // float cm^2 values are normal only above 1.2e-38: with g = 1e-6 the far-from-pole averages are
  // ~1e-52 cm^2 and flush to zero in float, so the float sweep stops at g = 1e-3 (see next case).
  const std::vector<ld> couplings = std::is_same_v<T, float> ? std::vector<ld>{1e-3L, 0.1L, 1.0L}
                                                             : std::vector<ld>{1e-6L, 1e-3L, 0.1L, 1.0L};
  for (ld M : {std::ldexp(1.0L, -12), 0.25L}) {
    const ld E_res = M * M / (2 * m_exact);
    for (ld g : couplings) {
      for (const bin_case& b : bin_cases) {
        CAPTURE(double(M));
        CAPTURE(double(g));
        CAPTURE(b.what);
        check_bin_averages<T>(M, g, b.lo_over_E_res * E_res, b.hi_over_E_res * E_res, m_exact, tolerance_eps);
      }
      const nusi::s_channel_breit_wigner<T> bw(med_of<T>(M, g), T(m_exact));
      const literal_bw ref{ld(T(M)), ld(T(g)), m_exact};
      for (ld x : {1e-3L, 0.5L, 1.0L, 1.25L, 1e3L}) {
        const T E = T(x * E_res);
        CAPTURE(double(E));
        CHECK(relative_error(bw.sigma_total_cm2(E), T(ref.total(E))) <= tolerance_eps * eps);
        CHECK(relative_error(bw.flat_dsigma_dEf_cm2_per_MeV(E), T(ref.flat(E))) <= tolerance_eps * eps);
        for (T c : {T(-1), T(0.5), T(1)})
          CHECK(relative_error(bw.dsigma_dcos_cm2(E, c), T(ref.dsigma_dcos(E, c))) <= tolerance_eps * eps);
      }
    }
  }
}

TEST_CASE("float cross sections below the float range flush to zero or a denormal, never to NaN or infinity") {
  const nusi::s_channel_breit_wigner<float> bw(nusi::mediator<float>{std::ldexp(1.0f, -12), 1e-6f},
                                               std::ldexp(1.0f, -24));
  const float far = bw.bin_averaged_sigma_total_cm2(std::ldexp(1.0f, -21), std::ldexp(1.0f, -20));
  CHECK(far >= 0);
  CHECK(far < std::numeric_limits<float>::min());
  CHECK(std::isfinite(bw.sigma_total_cm2(0.5f)));  // the peak, 4 pi/M^2 = 8e-14 cm^2, is representable
}

// ---------------------------------------------------------------------------------------------
// Rejections

TEST_CASE("bad mediators and energies throw nusi::invalid_argument naming the parameter and the value") {
  const double nan = std::numeric_limits<double>::quiet_NaN(), inf = std::numeric_limits<double>::infinity();
  using nusi::mediator;
  using bw_t = nusi::s_channel_breit_wigner<double>;
  CHECK_THROWS_WITH_AS(nusi::sigma_2to4_cm2(10.0, mediator<double>{0.0, 0.1}), doctest::Contains("med.mass_MeV must be finite and > 0, got 0"),
                       nusi::invalid_argument);
  CHECK_THROWS_WITH_AS(nusi::sigma_2to4_cm2(10.0, mediator<double>{-1.0, 0.1}), doctest::Contains("got -1"), nusi::invalid_argument);
  CHECK_THROWS_WITH_AS(nusi::sigma_2to4_cm2(10.0, mediator<double>{1.0, -0.1}), doctest::Contains("med.coupling"), nusi::invalid_argument);
  CHECK_THROWS_WITH_AS(nusi::sigma_2to4_cm2(10.0, mediator<double>{1.0, 0.0}), doctest::Contains("med.coupling"), nusi::invalid_argument);
  CHECK_THROWS_WITH_AS(nusi::sigma_2to4_cm2(nan, mediator<double>{1.0, 0.1}), doctest::Contains("E_cm_MeV must be finite and > 0, got nan"),
                       nusi::invalid_argument);
  CHECK_THROWS_WITH_AS(nusi::sigma_2to4_cm2(inf, mediator<double>{1.0, 0.1}), doctest::Contains("E_cm_MeV"), nusi::invalid_argument);
  CHECK_THROWS_WITH_AS(nusi::sigma_2to4_cm2(1.0, mediator<double>{1.0, 0.1}, 0.0), doctest::Contains("kappa"), nusi::invalid_argument);
  CHECK_THROWS_WITH_AS(nusi::sigma_2to4_cm2(1.0, mediator<double>{inf, 0.1}), doctest::Contains("got inf"), nusi::invalid_argument);
  CHECK_THROWS_WITH_AS(bw_t(mediator<double>{nan, 0.1}), doctest::Contains("med.mass_MeV"), nusi::invalid_argument);
  CHECK_THROWS_WITH_AS(bw_t(mediator<double>{1e-3, nan}), doctest::Contains("med.coupling"), nusi::invalid_argument);
  CHECK_THROWS_WITH_AS(bw_t(mediator<double>{1e-3, 0.1}, 0.0), doctest::Contains("relic_mass_MeV"), nusi::invalid_argument);
  CHECK_THROWS_WITH_AS(bw_t(mediator<double>{1e-3, 0.1, nusi::mediator_kind::vector, -1.0}),
                       doctest::Contains("med.vector_angular_factor"), nusi::invalid_argument);

  const bw_t bw(mediator<double>{1e-3, 0.1});
  CHECK_THROWS_WITH_AS(bw.sigma_total_cm2(-2.0), doctest::Contains("E_i_MeV must be finite and > 0, got -2"), nusi::invalid_argument);
  CHECK_THROWS_WITH_AS(bw.sigma_total_cm2(nan), doctest::Contains("E_i_MeV"), nusi::invalid_argument);
  CHECK_THROWS_WITH_AS(bw.final_energy_MeV(1.0, 1.5), doctest::Contains("cos_angle must be in [-1, 1], got 1.5"), nusi::invalid_argument);
  CHECK_THROWS_WITH_AS(bw.dsigma_dcos_cm2(1.0, -1.25), doctest::Contains("cos_angle"), nusi::invalid_argument);
  CHECK_THROWS_WITH_AS(bw.dsigma_dcos_cm2(1.0, nan), doctest::Contains("cos_angle"), nusi::invalid_argument);
  CHECK_THROWS_WITH_AS(bw.mandelstam_s_MeV2(0.0), doctest::Contains("E_i_MeV"), nusi::invalid_argument);
}

TEST_CASE("E_f outside [E_f,min, E_i] and bins with lo >= hi throw nusi::invalid_argument") {
  const nusi::s_channel_breit_wigner<double> bw(nusi::mediator<double>{1e-3, 0.1});
  const double E = 10.0, lo = bw.min_final_energy_MeV(E);
  CHECK_THROWS_WITH_AS(bw.dsigma_dEf_cm2_per_MeV(E, std::nextafter(E, 2 * E)), doctest::Contains("E_f_MeV must be in ["),
                       nusi::invalid_argument);
  CHECK_THROWS_WITH_AS(bw.dsigma_dEf_cm2_per_MeV(E, std::nextafter(lo, 0.0)), doctest::Contains("E_f_MeV"), nusi::invalid_argument);
  CHECK_THROWS_WITH_AS(bw.one_minus_cos_angle(E, 0.0), doctest::Contains("E_f_MeV"), nusi::invalid_argument);
  CHECK_THROWS_WITH_AS(bw.cos_angle(E, 11.0), doctest::Contains("got 11"), nusi::invalid_argument);
  CHECK_THROWS_WITH_AS(bw.deflection_angle_rad(E, std::nan("")), doctest::Contains("E_f_MeV"), nusi::invalid_argument);
  CHECK_NOTHROW(bw.dsigma_dEf_cm2_per_MeV(E, lo));
  CHECK_NOTHROW(bw.dsigma_dEf_cm2_per_MeV(E, E));

  CHECK_THROWS_WITH_AS(bw.bin_averaged_sigma_total_cm2(2.0, 2.0), doctest::Contains("E_lo_MeV must be < E_hi_MeV = 2, got 2"),
                       nusi::invalid_argument);
  CHECK_THROWS_WITH_AS(bw.bin_averaged_sigma_total_cm2(3.0, 2.0), doctest::Contains("got 3"), nusi::invalid_argument);
  CHECK_THROWS_WITH_AS(bw.bin_averaged_dsigma_dEf_cm2_per_MeV(3.0, 2.0), doctest::Contains("E_lo_MeV"), nusi::invalid_argument);
  CHECK_THROWS_WITH_AS(bw.bin_averaged_dsigma_dEf_cm2_per_MeV(0.0, 2.0), doctest::Contains("E_lo_MeV must be finite and > 0"),
                       nusi::invalid_argument);
  CHECK_THROWS_WITH_AS(bw.bin_averaged_sigma_total_cm2(1.0, std::numeric_limits<double>::infinity()),
                       doctest::Contains("E_hi_MeV"), nusi::invalid_argument);
}

TEST_CASE("a relic mass given in eV where MeV is expected is rejected, unless the caller opts out") {
  using bw_t = nusi::s_channel_breit_wigner<double>;
  const nusi::mediator<double> med{1e-3, 0.1};
  // 0.05 meant as eV is a 50 keV relic: rejected naming the parameter, the value and the unit.
  CHECK_THROWS_WITH_AS(bw_t(med, 0.05), doctest::Contains("relic_mass_MeV"), nusi::invalid_argument);
  CHECK_THROWS_WITH_AS(bw_t(med, 0.05), doctest::Contains("got 0.05"), nusi::invalid_argument);
  CHECK_THROWS_WITH_AS(bw_t(med, 0.05), doctest::Contains("[1e-4, 10] eV"), nusi::invalid_argument);
  CHECK_THROWS_WITH_AS(bw_t(med, 5e-14), doctest::Contains("relic_mass_MeV"), nusi::invalid_argument);  // 5e-8 eV
  CHECK_NOTHROW(bw_t(med, nusi::eV(0.05)));
  CHECK_NOTHROW(bw_t(med, nusi::eV(1e-4)));
  CHECK_NOTHROW(bw_t(med, nusi::eV(10.0)));
  CHECK_NOTHROW(bw_t(med, 0.05, nusi::relic_mass_check::any_positive));
  CHECK(bw_t(med, 0.05, nusi::relic_mass_check::any_positive).relic_mass_MeV() == 0.05);
  CHECK_THROWS_WITH_AS(bw_t(med, 0.0, nusi::relic_mass_check::any_positive), doctest::Contains("relic_mass_MeV"),
                       nusi::invalid_argument);
  CHECK_THROWS_WITH_AS(bw_t(med, 5e-8, static_cast<nusi::relic_mass_check>(5)), doctest::Contains("check"),
                       nusi::invalid_argument);
}

TEST_CASE("width conventions: scaled_paper at 1 is the paper's, at 1/4 (g^2 M/(16 pi)) the line is 4x narrower and "
          "its peak 16x higher (Eq. 4's g^4 numerator is kept)") {
  const double pi = boost::math::constants::pi<double>(), M = std::ldexp(1.0, -10), g = 0.05, m = double(m_exact);
  const nusi::mediator<double> paper{M, g};
  CHECK(paper.width_MeV() == rel(g * g * M / (4 * pi), 1e-15));
  nusi::mediator<double> same = paper;
  same.width = nusi::width_convention::scaled_paper;
  same.width_scale = 1;
  const nusi::s_channel_breit_wigner<double> a(paper, m), b(same, m);
  for (double E : {0.3, 15.0, a.resonance_energy_MeV(), 1e3}) {
    CAPTURE(E);
    CHECK(b.sigma_total_cm2(E) == a.sigma_total_cm2(E));  // a factor of exactly 1
  }
  nusi::mediator<double> quarter = same;
  quarter.width_scale = 0.25;  // Gamma = g^2 M/(16 pi)
  const nusi::s_channel_breit_wigner<double> c(quarter, m);
  CHECK(c.width_MeV() == rel(g * g * M / (16 * pi), 1e-15));
  const double E_res = c.resonance_energy_MeV();  // exact: powers of two
  // Peak g^4/(4 pi Gamma^2) M^2/(M^2 + m^2): 16 times the paper's 4 pi/M^2; tolerance: eps-level roundings.
  CHECK(c.sigma_total_cm2(E_res) == rel(16 * a.sigma_total_cm2(E_res), 1e-14));
  CHECK(c.peak_sigma_total_cm2() == rel(16 * a.peak_sigma_total_cm2(), 1e-14));
  CHECK(a.peak_sigma_total_cm2() == rel(a.sigma_total_cm2(E_res), 1e-14));
  // Far from the line the width does not matter: sigma_tot -> g^4 s/(4 pi (s - M^2)^2), the same for both.
  CHECK(c.sigma_total_cm2(1e3 * E_res) == rel(a.sigma_total_cm2(1e3 * E_res), 1e-9));  // (M Gamma)^2/(s - M^2)^2 ~ 1e-13
  // Half maximum of dsigma/dE_f at s = M^2 +- M Gamma: E = E_res (1 +- Gamma/M), rounded: ~eps/(Gamma/M).
  const double gamma = quarter.width_over_mass_ratio();
  for (double sign : {-1.0, 1.0}) {
    const double E = E_res * (1 + sign * gamma);
    CHECK(c.flat_dsigma_dEf_cm2_per_MeV(E) == rel(c.flat_dsigma_dEf_cm2_per_MeV(E_res) / 2, 1e-9));
  }
  nusi::mediator<double> bad = quarter;
  bad.width_scale = 0;
  CHECK_THROWS_WITH_AS(nusi::s_channel_breit_wigner<double>(bad, m), doctest::Contains("med.width_scale"),
                       nusi::invalid_argument);
  bad.width = static_cast<nusi::width_convention>(4);
  CHECK_THROWS_WITH_AS(nusi::s_channel_breit_wigner<double>(bad, m), doctest::Contains("med.width"), nusi::invalid_argument);
}

TEST_CASE("the perturbative limit is sqrt(4 pi), and the accepted log10 ranges keep 10^x and its square normal") {
  using boost::math::constants::pi;
  // Closed forms in long double (64-bit mantissa), to its rounding: 4 ulps.
  const long double eps = 4 * std::numeric_limits<long double>::epsilon();
  CHECK(nusi_test::relative_error(nusi::perturbative_coupling_limit<long double>, std::sqrt(4 * pi<long double>())) <= eps);
  CHECK(nusi_test::relative_error(nusi::log10_perturbative_coupling_limit<long double>,
                                  std::log10(nusi::perturbative_coupling_limit<long double>)) <= eps);
  CHECK(nusi::log10_perturbative_coupling_limit<double> == static_cast<double>(nusi::log10_perturbative_coupling_limit<long double>));
  for (auto [lo, hi] : {std::pair{nusi::lowest_log10_mass_MeV<double>, nusi::highest_log10_mass_MeV<double>},
                        std::pair{nusi::lowest_log10_coupling<double>, nusi::highest_log10_coupling<double>}}) {
    CAPTURE(lo);
    CAPTURE(hi);
    const double small = std::pow(10.0, lo), large = std::pow(10.0, hi);
    CHECK(std::isnormal(small * small));
    CHECK(std::isfinite(large * large));
    CHECK(lo < nusi::log10_perturbative_coupling_limit<double>);
    CHECK(nusi::log10_perturbative_coupling_limit<double> < hi);
  }
}

}  // namespace nusi_test_cross_sections
