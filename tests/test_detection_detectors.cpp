// SPDX-License-Identifier: MIT
// Facts about the detector models (nusi/detection/detectors.hpp).
#include <nusi/detection/detectors.hpp>

#include <cmath>
#include <iterator>

#include <doctest/doctest.h>

#include "test_support.hpp"

namespace nusi_test_detection_detectors {  // this file's own: the suite compiles in batches of files (tests/CMakeLists.txt)

using nusi_test::rel;

TEST_CASE("free-proton counts match the published values of the SN 1987A detectors") {
  // data/sn1987a/README.md (Vissani 2015; Loredo & Lamb 2002), quoted to three digits.
  CHECK(nusi::kamiokande_ii<double>().targets == doctest::Approx(1.43e32).epsilon(5e-3));
  CHECK(nusi::imb<double>().targets == doctest::Approx(4.55e32).epsilon(5e-3));
  CHECK(nusi::baksan<double>().targets == doctest::Approx(1.88e31).epsilon(5e-3));
  // Water: 2/18.015 mol of H per gram, so N_p scales with mass (SK 32.5 kt = 2.17e33).
  CHECK(nusi::super_kamiokande<double>().targets == doctest::Approx(32.5 / 2.14 * 1.4307e32).epsilon(1e-4));
}

TEST_CASE("modern detector targets follow their design masses") {
  // JUNO Yellow Book: 20 kt with 12 % hydrogen by mass, about 1.4-1.5e33 free protons.
  const double juno = nusi::juno<double>().targets;
  CHECK(juno > 1.4e33);
  CHECK(juno < 1.5e33);
  // Hyper-K one tank: 216 kt (inner detector) or 187 kt (fiducial) of water.
  CHECK(nusi::hyper_kamiokande<double>().targets / nusi::super_kamiokande<double>().targets ==
        doctest::Approx(216.0 / 32.5).epsilon(1e-12));  // rounding
  CHECK(nusi::hyper_kamiokande<double>(187.0).targets == doctest::Approx(nusi::free_protons_in_water(187.0)).epsilon(1e-12));
  // DUNE: 40 kt of argon, 39.948 g/mol, 99.6 % 40Ar.
  CHECK(nusi::dune<double>().targets == doctest::Approx(6.0e32).epsilon(5e-3));
}

TEST_CASE("efficiencies are zero below their onset, within [0, 1], and plateau as published") {
  CHECK(nusi::kamiokande_ii_efficiency(2.5) == 0.0);
  CHECK(nusi::kamiokande_ii_efficiency(1000.0) == rel(0.93, 1e-3));  // 0.93 (1 - O(1/E))
  for (auto model : {nusi::imb_efficiency_model::vissani_2015, nusi::imb_efficiency_model::gefan_2023}) {
    CHECK(nusi::imb_efficiency(15.0, model) == 0.0);
    for (double E = 1.0; E < 150.0; E += 0.5) {
      CAPTURE(E);
      const double eta = nusi::imb_efficiency(E, model);
      CHECK(eta >= 0.0);
      CHECK(eta <= 1.0);
    }
  }
  // Vissani-2015 set at x = E/15.5 - 1 = 1: 0.379 - 0.006 + 0.001 = 0.374.
  CHECK(nusi::imb_efficiency(31.0, nusi::imb_efficiency_model::vissani_2015) == rel(0.374, 1e-12));
  // The GEFAN set exceeds 1 near x = 2.9 (E ~ 58 MeV) and is clipped there.
  CHECK(nusi::imb_efficiency(70.0, nusi::imb_efficiency_model::gefan_2023) == 1.0);
}

TEST_CASE("the resolution is a sqrt(E/10) + b E/10") {
  const nusi::energy_resolution<double> r{.stochastic_sigma_at_10MeV_MeV = 1.27, .linear_sigma_at_10MeV_MeV = 1.0};
  CHECK(r.sigma_MeV(10.0) == doctest::Approx(2.27).epsilon(1e-14));
  CHECK(r.sigma_MeV(40.0) == doctest::Approx(1.27 * 2 + 4.0).epsilon(1e-14));
  CHECK(r.sigma_MeV(0.0) == 0.0);
}

TEST_CASE("a resolution quoted as 3 %/sqrt(E/MeV) is sigma = 0.03 sqrt(E/MeV) MeV, 0.095 MeV at 10 MeV (not 0.03)") {
  const auto r = nusi::energy_resolution<double>::stochastic_fraction_at_1MeV(0.03);
  for (double E : {1.0, 4.0, 10.0, 30.0}) {
    CAPTURE(E);
    CHECK(r.sigma_MeV(E) / E == rel(0.03 / std::sqrt(E), 1e-14));  // a few roundings of sqrt and products
  }
  CHECK(r.stochastic_sigma_at_10MeV_MeV == rel(0.03 * std::sqrt(10.0), 1e-15));
  CHECK(nusi::juno<double>().resolution.sigma_MeV(1.0) == rel(0.03, 1e-14));
  CHECK_THROWS_WITH_AS(nusi::energy_resolution<double>::stochastic_fraction_at_1MeV(-0.03), doctest::Contains("fraction_at_1MeV"),
                       nusi::invalid_argument);
}

TEST_CASE("the nu_e argon cross section reproduces its table nodes and grows with energy") {
  // SNOwGLoBES xs_nue_Ar40.dat: log10(E/GeV) = -2.000948 -> sigma/E = 3.985516e-2 x 1e-38 cm^2/GeV.
  const double E = 1000 * std::pow(10.0, -2.000948);
  CHECK(nusi::nue_argon_cross_section_cm2(E) == rel(3.985516e-2 * 1e-38 * E / 1000, 1e-9));  // 1e-9: pow/log rounding
  CHECK(nusi::nue_argon_cross_section_cm2(3.0) == 0.0);  // below the first node (3.19 MeV)
  double previous = 0;
  for (double e = 3.2; e < 150.0; e += 0.7) {
    CAPTURE(e);
    const double s = nusi::nue_argon_cross_section_cm2(e);
    CHECK(s > previous);
    previous = s;
  }
  // Between nodes the interpolation is a power law: its log is linear in log E (20 and 25 MeV both
  // lie between the 19.98 and 25.09 MeV nodes).
  const double a = 20.0, b = 25.0, c = std::sqrt(a * b);
  CHECK(std::log(nusi::nue_argon_cross_section_cm2(c)) ==
        doctest::Approx((std::log(nusi::nue_argon_cross_section_cm2(a)) + std::log(nusi::nue_argon_cross_section_cm2(b))) / 2)
            .epsilon(1e-12));
}

TEST_CASE("detector helpers reject bad input naming the parameter") {
  CHECK_THROWS_WITH_AS(nusi::free_protons_in_water(-1.0), doctest::Contains("mass_kt"), nusi::invalid_argument);
  CHECK_THROWS_WITH_AS(nusi::free_protons_from_hydrogen_fraction(20.0, 1.5), doctest::Contains("hydrogen_mass_fraction"),
                       nusi::invalid_argument);
  CHECK_THROWS_WITH_AS(nusi::nue_argon_cross_section_cm2(-2.0), doctest::Contains("E_nu_MeV"), nusi::invalid_argument);
  auto d = nusi::kamiokande_ii<double>();
  d.targets = 0;
  CHECK_THROWS_WITH_AS(d.validate("test"), doctest::Contains("detector.targets"), nusi::invalid_argument);
  d = nusi::kamiokande_ii<double>();
  d.resolution.stochastic_sigma_at_10MeV_MeV = -1;
  CHECK_THROWS_WITH_AS(d.validate("test"), doctest::Contains("detector.resolution.stochastic_sigma_at_10MeV_MeV"), nusi::invalid_argument);
}

TEST_CASE("galactic_detectors lists every Galactic detector once, each with its factory's model and its own key") {
  const nusi::detector<double> factories[] = {nusi::super_kamiokande<double>(), nusi::hyper_kamiokande<double>(),
                                              nusi::juno<double>(), nusi::dune<double>()};
  REQUIRE(nusi::galactic_detectors.size() == std::size(factories));
  for (std::size_t i = 0; i < nusi::galactic_detectors.size(); ++i) {
    const auto d = nusi::galactic_detectors[i];
    CAPTURE(nusi::detector_key(d));
    const auto model = nusi::detector_model<double>(d);
    CHECK(model.name == factories[i].name);
    CHECK(model.targets == factories[i].targets);
    CHECK(model.threshold_MeV == factories[i].threshold_MeV);
    CHECK(model.channel == factories[i].channel);
    for (std::size_t j = 0; j < i; ++j) CHECK(nusi::detector_key(nusi::galactic_detectors[j]) != nusi::detector_key(d));
  }
  // The forecasts' supernova: 10 kpc, near the Galactic centre (IAU 2015 parsec).
  CHECK(nusi::galactic_supernova_distance_cm<double> == nusi_test::rel(10 * 3.0856775814913673e21, 1e-15));
}

}  // namespace nusi_test_detection_detectors
